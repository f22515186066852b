"""Canary run: dynamic targets for chosen regions only, for a chosen number of days.

Over history, the canary regions get weekly dynamic targets during the window while the
other units keep their static annual targets. Both groups are scored (mean absolute
attainment deviation) in the window and in the equally long period just before it, when
both had static targets; the difference in differences says how much the switch changed
the canary group beyond what changed for everyone.
"""

from __future__ import annotations

import math

import numpy as np

from workbench.errors import WorkbenchError
from workbench.targets.backtest import backtest
from workbench.targets.factors import FactorSet
from workbench.targets.panel import Panel

__all__ = ["canary_compare"]


def canary_compare(panel: Panel, factor_set: FactorSet, *, regions: list[str],
                   start_week, days: int, weights=None) -> dict:
    """Compare canary regions on dynamic targets with the rest on static targets.

    Raises
    ------
    WorkbenchError
        ``targets.canary_regions_unknown`` when no unit lies in ``regions``,
        ``targets.canary_days_invalid`` when ``days`` is not positive or the window runs
        past the data, and the backtest's errors when history is too short.
    """
    canary = np.isin(panel.regions, list(regions))
    if not canary.any():
        raise WorkbenchError("targets.canary_regions_unknown", regions=", ".join(regions),
                             known=", ".join(sorted(set(panel.regions) - {""})))
    start = panel.week_index(start_week)
    weeks = math.ceil(days / 7) if days > 0 else 0
    if weeks < 1 or start + weeks > panel.shape[1]:
        raise WorkbenchError("targets.canary_days_invalid", days=days,
                             last=panel.weeks[-1].date().isoformat())

    result = backtest(panel, factor_set, weeks=2 * weeks, weights=weights,
                      last_week=start + weeks - 1)
    static, dynamic = result.deviation("static"), result.deviation("dynamic")
    before, during = slice(0, weeks), slice(weeks, 2 * weeks)

    def score(rows: np.ndarray, deviation: np.ndarray, period: slice) -> float:
        return float(np.nanmean(deviation[rows][:, period]))

    rest = ~canary
    summary = {
        "window": [panel.weeks[start].date().isoformat(),
                   panel.weeks[start + weeks - 1].date().isoformat()],
        "canary_units": int(canary.sum()),
        "other_units": int(rest.sum()),
        "canary_before": score(canary, static, before),
        "canary_during": score(canary, dynamic, during),
        "others_before": score(rest, static, before) if rest.any() else None,
        "others_during": score(rest, static, during) if rest.any() else None,
    }
    if rest.any():
        summary["difference_in_differences"] = (
            (summary["canary_during"] - summary["canary_before"])
            - (summary["others_during"] - summary["others_before"]))
    return summary
