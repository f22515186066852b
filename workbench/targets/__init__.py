"""Dynamic target sandbox.

Baselines, factor signals, weighted calibration with explanations, the resource plan,
overrides with an audit trail, canary runs and backtests.
"""

from workbench.targets.backtest import BacktestResult, backtest
from workbench.targets.baseline import compute_baseline, seasonal_naive
from workbench.targets.canary import canary_compare
from workbench.targets.factors import FactorSet, load_factor_set, normalize_weights
from workbench.targets.fit import WeightFit, fit_weights
from workbench.targets.model import MAX_HORIZON, TargetModel, TargetResult, calibrate
from workbench.targets.overrides import add_override, list_overrides
from workbench.targets.panel import Panel, load_panel, panel_from_frames
from workbench.targets.plan import ResourcePlan, plan_resources

__all__ = [
    "MAX_HORIZON",
    "BacktestResult",
    "FactorSet",
    "Panel",
    "ResourcePlan",
    "TargetModel",
    "TargetResult",
    "WeightFit",
    "add_override",
    "backtest",
    "calibrate",
    "canary_compare",
    "compute_baseline",
    "fit_weights",
    "list_overrides",
    "load_factor_set",
    "load_panel",
    "normalize_weights",
    "panel_from_frames",
    "plan_resources",
    "seasonal_naive",
]
