"""Resource plan: split a promotion budget and rep hours across units by marginal lift.

Each unit's response to a resource ``x`` follows diminishing returns,

    lift(x) = alpha x log(1 + x / k),

where ``alpha`` is the sales the unit could gain (its target over the horizon times the
resource's elasticity; the promotion elasticity is the promotion factor's share of the
sensitivity) and ``k`` the amount at which returns have halved (the even split by
default). The optimum within per-unit minimum and maximum and the total equalises marginal
lift ``alpha / (k + x)`` across units that are not at a bound; it is found by bisection
on the marginal lift. The plan before is the split proportional to last year's sales over
the same weeks, the usual practice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.targets.model import TargetModel, TargetResult

__all__ = ["ResourcePlan", "allocate", "plan_resources"]

HOURS_ELASTICITY = 0.05  # share of sales that rep time can add at saturation (estimate)


@dataclass
class ResourcePlan:
    """Budget and hours per unit before and after, with the expected lift of each split."""

    frame: pd.DataFrame
    totals: dict


def _lift(alpha: np.ndarray, scale: np.ndarray, amount: np.ndarray) -> np.ndarray:
    return alpha * np.log1p(amount / scale)


def allocate(alpha: np.ndarray, scale: np.ndarray, total: float, minimum: np.ndarray,
             maximum: np.ndarray, iterations: int = 200) -> np.ndarray:
    """Split ``total`` to maximise ``sum alpha log(1 + x / scale)`` within the bounds.

    Raises
    ------
    WorkbenchError
        ``targets.plan_infeasible`` when the minimums exceed the total or the maximums
        cannot absorb it.
    """
    if minimum.sum() > total + 1e-9 or maximum.sum() < total - 1e-9:
        raise WorkbenchError("targets.plan_infeasible", total=f"{total:,.0f}",
                             minimum=f"{minimum.sum():,.0f}", maximum=f"{maximum.sum():,.0f}")

    def spend(marginal: float) -> np.ndarray:
        return np.clip(alpha / marginal - scale, minimum, maximum)

    low, high = 1e-12, float(np.max(alpha / scale)) + 1.0
    for _ in range(iterations):
        middle = np.sqrt(low * high)
        if spend(middle).sum() > total:
            low = middle
        else:
            high = middle
    amounts = spend(high)
    # Bisection leaves a small remainder: give it to the units below their maximum.
    remainder = total - amounts.sum()
    room = maximum - amounts
    if remainder > 0 and room.sum() > 0:
        amounts += remainder * room / room.sum()
    return amounts


def plan_resources(model: TargetModel, result: TargetResult, *, budget: float, hours: float,
                   min_budget: float = 0.0, max_budget: float | None = None,
                   min_hours: float = 0.0, max_hours: float | None = None) -> ResourcePlan:
    """Plan the promotion ``budget`` and rep ``hours`` of the horizon across the units.

    Raises
    ------
    WorkbenchError
        ``targets.plan_invalid`` for a negative or non-finite total or bound, and
        ``targets.plan_infeasible`` when the bounds cannot hold the totals.
    """
    units = len(model.panel.units)
    for name, value in (("budget", budget), ("hours", hours), ("min_budget", min_budget),
                        ("min_hours", min_hours)):
        if not np.isfinite(value) or value < 0:
            raise WorkbenchError("targets.plan_invalid", name=name, value=str(value))
    max_budget = budget if max_budget is None else max_budget
    max_hours = hours if max_hours is None else max_hours

    expected = np.nansum(result.target, axis=1)
    names = model.factor_set.names
    promotion_share = (result.weights[names.index("promotion")] / 100.0
                       if "promotion" in names else 0.0)
    promotion_alpha = np.maximum(expected * model.factor_set.sensitivity * promotion_share, 1e-9)
    hours_alpha = np.maximum(expected * HOURS_ELASTICITY, 1e-9)

    weeks = model.origin - 51 + np.arange(model.horizon)
    last_year = np.nansum(model.panel.sales[:, np.clip(weeks, 0, model.origin)], axis=1)
    share = last_year / last_year.sum() if last_year.sum() > 0 else np.full(units, 1 / units)

    plan = {}
    for resource, total, low, high, alpha in (
            ("budget", budget, min_budget, max_budget, promotion_alpha),
            ("hours", hours, min_hours, max_hours, hours_alpha)):
        minimum, maximum = np.full(units, float(low)), np.full(units, float(high))
        scale = np.full(units, max(total / units, 1e-9))
        before = np.clip(total * share, minimum, maximum)
        after = allocate(alpha, scale, total, minimum, maximum)
        plan[resource] = (before, after, _lift(alpha, scale, before), _lift(alpha, scale, after))

    frame = pd.DataFrame({
        "unit_id": model.panel.units, "region": model.panel.regions,
        "expected_sales": expected,
        "budget_before": plan["budget"][0], "budget_after": plan["budget"][1],
        "hours_before": plan["hours"][0], "hours_after": plan["hours"][1],
        "lift_before": plan["budget"][2] + plan["hours"][2],
        "lift_after": plan["budget"][3] + plan["hours"][3],
    })
    totals = {"budget": budget, "hours": hours,
              "lift_before": float(frame["lift_before"].sum()),
              "lift_after": float(frame["lift_after"].sum())}
    return ResourcePlan(frame, totals)
