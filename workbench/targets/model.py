"""Targets: the baseline moved by weighted factors, explained factor by factor, with a band.

For unit ``u`` and target week ``t``::

    target = baseline x (1 + sensitivity x sum_f (weight_f / 100) x index_f)
    contribution_f = baseline x sensitivity x (weight_f / 100) x index_f

so the contributions add up exactly to ``target - baseline``. ``index_f`` is the factor's
standardised index (see :mod:`workbench.targets.factors`). The P10-P90 band applies each
unit's 10th and 90th percentile of relative one-week-ahead errors over the 26 weeks before
the origin (pooled over all units when a unit has fewer than 13 of them).

:class:`TargetModel` contains everything that does not depend on the weights, so moving a
weight slider costs one multiply and one matrix-vector product (:meth:`TargetModel.evaluate`).
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.targets.baseline import compute_baseline
from workbench.targets.factors import FactorSet, factor_matrix, normalize_weights
from workbench.targets.panel import WEEKS_PER_YEAR, Panel

__all__ = ["MAX_HORIZON", "TargetModel", "TargetResult", "calibrate", "factor_indices"]

logger = logging.getLogger(__name__)

MAX_HORIZON = 104
BAND_WEEKS = 26
BAND_MIN_ERRORS = 13


@dataclass
class TargetResult:
    """Targets for one set of weights: ``units x horizon`` matrices and per-factor parts."""

    target: np.ndarray
    p10: np.ndarray
    p90: np.ndarray
    contributions: np.ndarray  # units x horizon x factors
    weights: np.ndarray


@dataclass
class TargetModel:
    """Everything of a target calibration that does not depend on the weights."""

    panel: Panel
    factor_set: FactorSet
    origin: int
    horizon: int
    baseline: np.ndarray
    indices: np.ndarray  # units x horizon x factors, direction applied
    band: np.ndarray  # units x 2: relative P10 and P90 errors
    warnings: list[tuple[str, dict]] = field(default_factory=list)
    _scaled: np.ndarray | None = None

    @property
    def weeks(self) -> pd.DatetimeIndex:
        """Target weeks (the ``horizon`` weeks after the origin)."""
        return pd.date_range(self.panel.weeks[self.origin] + pd.Timedelta(days=7),
                             periods=self.horizon, freq="7D")

    @property
    def scaled_indices(self) -> np.ndarray:
        """``baseline x sensitivity x index``, computed once for all weight changes."""
        if self._scaled is None:
            self._scaled = (self.baseline * self.factor_set.sensitivity)[:, :, None] * (
                self.indices)
        return self._scaled

    def evaluate(self, weights=None, out: TargetResult | None = None) -> TargetResult:
        """Compute targets, band and contributions for ``weights`` (default: the set's).

        Parameters
        ----------
        weights
            One weight per factor, scaled to sum to 100.
        out
            A previous result of this model to overwrite instead of allocating new arrays,
            as numpy's ``out`` does; a slider that recomputes on every release passes its
            last result, which saves the page faults of a fresh 30 MB array per change.

        Raises
        ------
        WorkbenchError
            For negative, NaN or all-zero weights (see ``normalize_weights``).
        """
        if weights is None:
            weights = self.factor_set.default_weights
        shares = normalize_weights(weights, self.factor_set.names) / 100.0
        scaled = self.scaled_indices
        if out is None:
            out = TargetResult(np.empty_like(self.baseline), np.empty_like(self.baseline),
                               np.empty_like(self.baseline), np.empty_like(scaled), shares)
        _parallel_multiply(scaled, shares, out.contributions)
        # A 2-D matrix-vector product is markedly faster in numpy than the 3-D one.
        units, horizon, factors = scaled.shape
        np.add(self.baseline, (scaled.reshape(-1, factors) @ shares).reshape(units, horizon),
               out=out.target)
        np.multiply(out.target, 1.0 + self.band[:, :1], out=out.p10)
        np.multiply(out.target, 1.0 + self.band[:, 1:], out=out.p90)
        out.weights = shares * 100.0
        return out

    def frame(self, result: TargetResult, lang: str = "en") -> pd.DataFrame:
        """Return one row per unit and target week with baseline, target, band and parts."""
        units, horizon = self.baseline.shape
        frame = pd.DataFrame({
            "unit_id": np.repeat(self.panel.units, horizon),
            "region": np.repeat(self.panel.regions, horizon),
            "week_start": np.tile(self.weeks, units),
            "baseline": self.baseline.ravel(),
            "target": result.target.ravel(),
            "p10": result.p10.ravel(),
            "p90": result.p90.ravel(),
        })
        for position, factor in enumerate(self.factor_set.factors):
            frame[f"contribution_{factor.name}"] = result.contributions[:, :, position].ravel()
        return frame


_pool: ThreadPoolExecutor | None = None
_PARALLEL_MIN_SIZE = 1_000_000


def _parallel_multiply(array: np.ndarray, factors: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Write ``array * factors`` into ``out``, split over the CPU cores for large arrays.

    numpy releases the GIL inside ufuncs, so threads multiply their row blocks at once;
    for 10,000 units x 52 weeks x 8 factors this halves the time on two cores.
    """
    global _pool
    workers = min(os.cpu_count() or 1, 4)
    if array.size < _PARALLEL_MIN_SIZE or workers == 1:
        return np.multiply(array, factors, out=out)
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="targets")
    bounds = np.linspace(0, len(array), workers + 1).astype(int)
    blocks = [slice(start, stop) for start, stop in zip(bounds[:-1], bounds[1:], strict=True)]
    for future in [_pool.submit(np.multiply, array[block], factors, out=out[block])
                   for block in blocks]:
        future.result()
    return out


def factor_indices(panel: Panel, factor_set: FactorSet, origin: int, targets: np.ndarray,
                   references: np.ndarray) -> tuple[np.ndarray, dict[str, list[str]]]:
    """Stack the standardised index of every factor; return it and units lacking each factor."""
    stacked, lacking = [], {}
    for factor in factor_set.factors:
        index, absent = factor_matrix(panel, factor, origin, targets, references)
        stacked.append(index)
        if absent:
            lacking[factor.name] = absent
    return np.stack(stacked, axis=2), lacking


def _check_horizon(horizon: int) -> None:
    if not isinstance(horizon, int | np.integer) or not 1 <= horizon <= MAX_HORIZON:
        raise WorkbenchError("targets.horizon_invalid", horizon=horizon, maximum=MAX_HORIZON)


def one_step_errors(panel: Panel, factor_set: FactorSet, origin: int, weeks: int = BAND_WEEKS
                    ) -> np.ndarray:
    """Return relative errors actual / target - 1 of one-week-ahead targets (units x weeks).

    Targets use the factor set's default weights; NaN where a week has no actual.
    """
    first = max(origin - weeks + 1, WEEKS_PER_YEAR + 13)
    errors = np.full((panel.shape[0], max(origin - first + 1, 0)), np.nan)
    shares = factor_set.default_weights / 100.0
    for column, target_week in enumerate(range(first, origin + 1)):
        base = compute_baseline(panel, target_week - 1, 1, factor_set.calendar)
        targets = np.array([target_week])
        indices, _ = factor_indices(panel, factor_set, target_week - 1, targets, base.reference)
        target = base.values[:, 0] * (1 + factor_set.sensitivity * indices[:, 0, :] @ shares)
        with np.errstate(invalid="ignore", divide="ignore"):
            errors[:, column] = panel.sales[:, target_week] / target - 1.0
    errors[~np.isfinite(errors)] = np.nan
    return errors


def _band(errors: np.ndarray) -> np.ndarray:
    pooled = np.nanquantile(errors, [0.1, 0.9]) if np.isfinite(errors).any() else np.array(
        [-0.1, 0.1])
    band = np.tile(pooled, (errors.shape[0], 1))
    enough = np.isfinite(errors).sum(axis=1) >= BAND_MIN_ERRORS
    if enough.any():
        band[enough] = np.nanquantile(errors[enough], [0.1, 0.9], axis=1).T
    return band


def calibrate(panel: Panel, factor_set: FactorSet, *, origin: int | None = None,
              horizon: int = 13) -> TargetModel:
    """Calibrate targets for the ``horizon`` weeks after ``origin`` (default: the last week).

    Recomputing with next week's origin as actuals arrive gives the rolling horizon.

    Raises
    ------
    WorkbenchError
        ``targets.horizon_invalid`` unless 1 <= horizon <= 104.
    """
    _check_horizon(horizon)
    origin = panel.shape[1] - 1 if origin is None else int(origin)
    targets = np.arange(origin + 1, origin + horizon + 1)
    base = compute_baseline(panel, origin, horizon, factor_set.calendar)
    indices, lacking = factor_indices(panel, factor_set, origin, targets, base.reference)
    band = _band(one_step_errors(panel, factor_set, origin))

    warnings: list[tuple[str, dict]] = []
    if base.fallback_units:
        warnings.append(("targets.warn_short_history", {
            "count": len(base.fallback_units), "units": ", ".join(base.fallback_units[:20])}))
    for factor_name, units in lacking.items():
        warnings.append(("targets.warn_signal_missing", {
            "factor": factor_name, "count": len(units), "units": ", ".join(units[:20])}))
    for key, params in warnings:
        logger.warning("%s %s", key, params)
    return TargetModel(panel, factor_set, origin, horizon, base.values, indices, band, warnings)
