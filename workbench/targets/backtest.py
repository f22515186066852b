"""Rolling-origin backtest of target policies on a unit's own history.

Two policies are compared on the same weeks:

- ``static``: annual targets set once, at the last week before 1 January of the target's
  year: last year's aligned week times the year-on-year growth of the 52 weeks before
  that origin (13 weeks when a full year is not available), as a plan set from last
  year's numbers is;
- ``dynamic``: weekly rolling targets, recomputed each week from the actuals up to the
  week before (baseline plus weighted factors, :func:`workbench.targets.model.calibrate`).

The score is the mean absolute attainment deviation ``|actual / target - 1|``, per unit
and over all units and weeks. Two diagnostics are reported alongside: the dynamic
baseline without factors, and plain seasonal naive (same week last year).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.targets.baseline import GROWTH_LIMITS, compute_baseline, reference_weeks
from workbench.targets.factors import FactorSet, normalize_weights
from workbench.targets.model import factor_indices
from workbench.targets.panel import WEEKS_PER_YEAR, Panel

__all__ = ["BacktestResult", "POLICIES", "backtest"]

POLICIES = ("static", "dynamic", "baseline", "seasonal_naive")
MIN_HISTORY = WEEKS_PER_YEAR + 13


@dataclass
class BacktestResult:
    """Targets and attainment deviations of every policy over the backtest weeks."""

    units: np.ndarray
    weeks: pd.DatetimeIndex
    actual: np.ndarray
    targets: dict[str, np.ndarray]

    def deviation(self, policy: str) -> np.ndarray:
        """Return ``|actual / target - 1|`` (units x weeks; NaN where undefined)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            deviation = np.abs(self.actual / self.targets[policy] - 1.0)
        deviation[~np.isfinite(deviation)] = np.nan
        return deviation

    def summary(self) -> dict:
        """Return overall and per-unit mean absolute attainment deviation of each policy."""
        overall = {policy: float(np.nanmean(self.deviation(policy))) for policy in self.targets}
        per_unit = {str(unit): {policy: float(np.nanmean(self.deviation(policy)[row]))
                                for policy in self.targets}
                    for row, unit in enumerate(self.units)}
        better = sum(values["dynamic"] < values["static"] for values in per_unit.values())
        return {
            "first_week": self.weeks[0].date().isoformat(),
            "last_week": self.weeks[-1].date().isoformat(),
            "weeks": len(self.weeks),
            "units": len(self.units),
            "mean_abs_attainment_deviation": overall,
            "units_where_dynamic_is_closer": better,
            "per_unit": per_unit,
        }


def _static_targets(panel: Panel, weeks: np.ndarray, calendar: str | None) -> np.ndarray:
    """Annual plan: targets fixed at the last week before each target's calendar year."""
    sales = panel.sales
    targets = np.full((sales.shape[0], len(weeks)), np.nan)
    years = panel.weeks[weeks].year
    for year in np.unique(years):
        columns = np.flatnonzero(years == year)
        origin = int(np.searchsorted(panel.weeks, pd.Timestamp(year=year, month=1, day=1)) - 1)
        span = WEEKS_PER_YEAR if origin - 2 * WEEKS_PER_YEAR + 1 >= 0 else 13
        recent = np.nansum(sales[:, origin - span + 1:origin + 1], axis=1)
        year_ago = np.nansum(sales[:, origin - span + 1 - WEEKS_PER_YEAR:
                                   origin + 1 - WEEKS_PER_YEAR], axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            growth = np.clip(np.where(year_ago > 0, recent / year_ago, 1.0), *GROWTH_LIMITS)
        extended = pd.date_range(panel.weeks[0], periods=len(panel.weeks), freq="7D")
        references = reference_weeks(extended, weeks[columns], calendar)
        targets[:, columns] = sales[:, references] * growth[:, None]
    return targets


def backtest(panel: Panel, factor_set: FactorSet, *, weeks: int = 26, weights=None,
             last_week: int | None = None) -> BacktestResult:
    """Backtest the static and dynamic policies over ``weeks`` weeks ending at ``last_week``.

    ``last_week`` is a column of the panel (default: its last week).

    Raises
    ------
    WorkbenchError
        ``targets.backtest_too_short`` when the panel lacks a year and a quarter of history
        before the backtest weeks.
    """
    total = panel.shape[1] if last_week is None else int(last_week) + 1
    first = total - weeks
    if weeks < 1 or first < MIN_HISTORY:
        raise WorkbenchError("targets.backtest_too_short", weeks=weeks, available=total,
                             needed=MIN_HISTORY + max(weeks, 1))
    shares = normalize_weights(factor_set.default_weights if weights is None else weights,
                               factor_set.names) / 100.0
    columns = np.arange(first, total)

    dynamic = np.full((panel.shape[0], weeks), np.nan)
    baseline_only = np.full_like(dynamic, np.nan)
    for position, target_week in enumerate(columns):
        base = compute_baseline(panel, target_week - 1, 1, factor_set.calendar)
        indices, _ = factor_indices(panel, factor_set, target_week - 1,
                                    np.array([target_week]), base.reference)
        baseline_only[:, position] = base.values[:, 0]
        dynamic[:, position] = base.values[:, 0] * (
            1 + factor_set.sensitivity * indices[:, 0, :] @ shares)

    targets = {
        "static": _static_targets(panel, columns, factor_set.calendar),
        "dynamic": dynamic,
        "baseline": baseline_only,
        "seasonal_naive": panel.sales[:, columns - WEEKS_PER_YEAR],
    }
    return BacktestResult(panel.units, panel.weeks[columns], panel.sales[:, columns], targets)
