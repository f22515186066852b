"""Recompute speed of targets after one weight change: 10,000 units x 52 weeks x 8 factors.

Prints JSON: the median time of ``TargetModel.evaluate`` (targets, P10-P90 band and the
contribution of every factor) after a weight change, writing into the previous result as
a dashboard slider does (and, for information, into fresh arrays), and its ratio to a bare
numpy matrix product of the same shape measured in the same run: the (units x weeks) x
factors index matrix times a factors x factors weight matrix, which yields an array the
size of the contributions. The ratio to the cheaper matrix-vector product (one number
per unit and week) is printed too. Targets: under 30 ms, ratio under 5.

Usage: python benchmarks/bench_targets.py [--units N] [--weeks N] [--factors N] [--repeat N]
"""

import argparse
import json
import statistics
import time

import numpy as np
import pandas as pd

from workbench.targets.factors import Factor, FactorSet
from workbench.targets.model import TargetModel
from workbench.targets.panel import Panel


def synthetic_model(units: int, weeks: int, factors: int, seed: int = 42) -> TargetModel:
    rng = np.random.default_rng(seed)
    panel = Panel(np.array([f"U{i:05d}" for i in range(units)], dtype=object),
                  pd.date_range("2024-01-01", periods=weeks, freq="7D"),
                  rng.gamma(5.0, 2e5, (units, weeks)))
    factor_set = FactorSet("bench", tuple(Factor(f"f{i}", (f"s{i}",), weight=1.0)
                                          for i in range(factors)), sensitivity=0.05)
    model = TargetModel(panel, factor_set, weeks - 1, weeks, rng.gamma(5.0, 2e5, (units, weeks)),
                        rng.standard_normal((units, weeks, factors)),
                        np.tile([-0.08, 0.09], (units, 1)))
    model.scaled_indices  # noqa: B018 - precomputed once at calibration, outside the timing
    return model


def median_seconds(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--factors", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=30)
    arguments = parser.parse_args()

    model = synthetic_model(arguments.units, arguments.weeks, arguments.factors)
    rng = np.random.default_rng(7)
    weight_sets = [rng.uniform(0.0, 1.0, arguments.factors) for _ in range(arguments.repeat)]
    # The slider path: each release overwrites the previous result's arrays.
    result = model.evaluate(weight_sets[0])
    iterator = iter(weight_sets * 2)
    evaluate = median_seconds(lambda: model.evaluate(next(iterator), out=result),
                              arguments.repeat)
    fresh_iterator = iter(weight_sets * 2)
    fresh = median_seconds(lambda: model.evaluate(next(fresh_iterator)), arguments.repeat)

    matrix = model.indices.reshape(-1, arguments.factors)
    matrices = iter([np.diag(weights) for weights in weight_sets] * 2)
    reference = median_seconds(lambda: matrix @ next(matrices), arguments.repeat)
    vectors = iter(weight_sets * 2)
    matvec = median_seconds(lambda: matrix @ next(vectors), arguments.repeat)

    print(json.dumps({
        "benchmark": "targets_recompute_after_weight_change",
        "shape": [arguments.units, arguments.weeks, arguments.factors],
        "evaluate_ms": round(1000 * evaluate, 2),
        "evaluate_fresh_arrays_ms": round(1000 * fresh, 2),
        "numpy_matmul_ms": round(1000 * reference, 2),
        "ratio": round(evaluate / reference, 2),
        "numpy_matvec_ms": round(1000 * matvec, 2),
        "ratio_to_matvec": round(evaluate / matvec, 2),
        "target_ms_max": 30,
        "target_ratio_max": 5,
    }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
