"""Learn factor weights from history.

For every unit and every week of a fitting window, the baseline's relative miss
``actual / baseline - 1`` is regressed on the factors' standardised indices with
non-negative coefficients (scikit-learn ``LinearRegression(positive=True)``), because a
factor's direction is fixed in the factor set and a weight cannot be negative. The
coefficients' sum is the fitted sensitivity; each coefficient's share of the sum, in
percent, is the factor's weight.

The regression runs on the window's first four fifths. On the last fifth, held out, the
sensitivity is shrunk by the factor in ``SHRINKAGE`` that misses actuals least, so factors
that do not help out of sample are turned down (to zero if need be) instead of adding noise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sklearn.linear_model import LinearRegression

from workbench.errors import WorkbenchError
from workbench.targets.baseline import compute_baseline
from workbench.targets.factors import FactorSet
from workbench.targets.model import factor_indices
from workbench.targets.panel import WEEKS_PER_YEAR, Panel

__all__ = ["WeightFit", "fit_weights"]

MIN_FIT_WEEKS = 8
SHRINKAGE = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class WeightFit:
    """Fitted weights (percent), sensitivity, and how well they explain the baseline's misses.

    ``mae_baseline`` and ``mae_fitted`` are mean absolute relative errors of the baseline
    alone and of baseline plus fitted factors on the held-out weeks; ``r2`` is the share of
    variance of the in-sample misses the factors explain; ``shrinkage`` is the factor the
    regression's sensitivity was multiplied by.
    """

    weights: np.ndarray
    sensitivity: float
    shrinkage: float
    r2: float
    mae_baseline: float
    mae_fitted: float
    rows: int

    def factor_set(self, factor_set: FactorSet) -> FactorSet:
        """Return ``factor_set`` with these weights and this sensitivity as its defaults."""
        factors = tuple(replace(factor, weight=float(weight))
                        for factor, weight in zip(factor_set.factors, self.weights, strict=True))
        return replace(factor_set, factors=factors, sensitivity=self.sensitivity)


def fit_weights(panel: Panel, factor_set: FactorSet, *, last_week: int | None = None,
                weeks: int = 52) -> WeightFit:
    """Fit non-negative factor weights on one-week-ahead misses up to ``last_week``.

    The fitting window is the ``weeks`` weeks ending at ``last_week`` (default: the last).

    Raises
    ------
    WorkbenchError
        ``targets.fit_too_short`` when fewer than 8 weeks with a year of history precede
        ``last_week``; ``targets.fit_no_signal`` when no factor explains any of the misses.
    """
    last_week = panel.shape[1] - 1 if last_week is None else int(last_week)
    first = max(last_week - weeks + 1, WEEKS_PER_YEAR + 13)
    if last_week - first + 1 < MIN_FIT_WEEKS:
        raise WorkbenchError("targets.fit_too_short", weeks=max(last_week - first + 1, 0),
                             minimum=MIN_FIT_WEEKS)

    features, misses, week_of_row = [], [], []
    for target_week in range(first, last_week + 1):
        base = compute_baseline(panel, target_week - 1, 1, factor_set.calendar)
        indices, _ = factor_indices(panel, factor_set, target_week - 1,
                                    np.array([target_week]), base.reference)
        with np.errstate(invalid="ignore", divide="ignore"):
            miss = panel.sales[:, target_week] / base.values[:, 0] - 1.0
        usable = np.isfinite(miss) & (base.values[:, 0] > 0)
        features.append(indices[usable, 0, :])
        misses.append(miss[usable])
        week_of_row.append(np.full(usable.sum(), target_week))
    x, y, week = np.vstack(features), np.concatenate(misses), np.concatenate(week_of_row)

    split = first + int(0.8 * (last_week - first + 1))
    train, test = week < split, week >= split
    model = LinearRegression(positive=True).fit(x[train], y[train])
    coefficients = np.clip(model.coef_, 0.0, None)
    if coefficients.sum() <= 0:
        raise WorkbenchError("targets.fit_no_signal", factors=", ".join(factor_set.names))

    def held_out_error(shrinkage: float) -> float:
        adjusted = (1 + y[test]) / (1 + shrinkage * (x[test] @ coefficients)) - 1
        return float(np.mean(np.abs(adjusted)))

    errors = {shrinkage: held_out_error(shrinkage) for shrinkage in SHRINKAGE}
    shrinkage = min(errors, key=errors.get)
    return WeightFit(
        weights=100.0 * coefficients / coefficients.sum(),
        sensitivity=float(coefficients.sum() * shrinkage),
        shrinkage=shrinkage,
        r2=float(model.score(x[train], y[train])),
        mae_baseline=errors[0.0],
        mae_fitted=errors[shrinkage],
        rows=int(len(y)),
    )
