"""``workbench targets ...``: backtest, compute, fit, override and list overrides."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from workbench.i18n import get_lang, t

__all__ = ["register"]


def register(commands) -> dict:
    """Add the ``targets`` command and its subcommands; return its handler."""
    targets = commands.add_parser("targets", help=t("targets.cli.help"),
                                  description=t("targets.cli.help"))
    actions = targets.add_subparsers(dest="targets_command", metavar="ACTION",
                                     parser_class=type(targets))

    def data_options(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--workspace", metavar="FILE", help=t("targets.cli.workspace"))
        parser.add_argument("--profile", metavar="NAME", help=t("targets.cli.profile"))
        parser.add_argument("--data", metavar="DIR", help=t("targets.cli.data"))
        parser.add_argument("--factors", metavar="NAME", help=t("targets.cli.factors"))
        parser.add_argument("--json", action="store_true", help=t("cli.help.json"))

    run = actions.add_parser("backtest", help=t("targets.cli.backtest"),
                             description=t("targets.cli.backtest"))
    data_options(run)
    run.add_argument("--weeks", type=int, default=26, help=t("targets.cli.weeks"))
    run.add_argument("--weights", choices=("fit", "default"), default="fit",
                     help=t("targets.cli.weights_mode"))

    compute = actions.add_parser("compute", help=t("targets.cli.compute"),
                                 description=t("targets.cli.compute"))
    data_options(compute)
    compute.add_argument("--horizon", type=int, default=13, help=t("targets.cli.horizon"))
    compute.add_argument("--weights", metavar="W1,W2,...", help=t("targets.cli.weights"))

    fit = actions.add_parser("fit", help=t("targets.cli.fit"), description=t("targets.cli.fit"))
    data_options(fit)

    override = actions.add_parser("override", help=t("targets.cli.override"),
                                  description=t("targets.cli.override"))
    override.add_argument("unit_id", metavar="UNIT")
    override.add_argument("week_start", metavar="WEEK")
    override.add_argument("value", metavar="VALUE")
    override.add_argument("--reason", required=True, help=t("targets.cli.reason"))
    override.add_argument("--author", required=True, help=t("targets.cli.author"))
    override.add_argument("--role", required=True, help=t("targets.cli.role"))
    override.add_argument("--workspace", metavar="FILE", help=t("targets.cli.workspace"))
    override.add_argument("--factors", metavar="NAME", help=t("targets.cli.factors"))

    listing = actions.add_parser("overrides", help=t("targets.cli.overrides"),
                                 description=t("targets.cli.overrides"))
    listing.add_argument("--workspace", metavar="FILE", help=t("targets.cli.workspace"))
    listing.add_argument("--all", action="store_true", help=t("targets.cli.all"))
    listing.add_argument("--json", action="store_true", help=t("cli.help.json"))
    return {"targets": _run}


def _workspace_path(arguments) -> str:
    return arguments.workspace or os.environ.get("WORKBENCH_WORKSPACE", "workspace.duckdb")


def _load(arguments):
    """Return (panel, factor set) from ``--workspace`` or from ``--profile`` + ``--data``."""
    from workbench.data import Workspace, load_profile
    from workbench.errors import WorkbenchError
    from workbench.targets import load_factor_set, load_panel
    from workbench.targets.factors import available_factor_sets

    if arguments.data:
        if not arguments.profile:
            raise WorkbenchError("targets.profile_required")
        folder = Path(arguments.data)
        if not folder.is_dir():
            raise WorkbenchError("import.path_not_found", path=str(folder))
        profile = load_profile(arguments.profile)
        files = sorted(path for path in folder.iterdir()
                       if any(source.matches(path.name) for source in profile.sources))
        with tempfile.TemporaryDirectory() as scratch:
            with Workspace(Path(scratch) / "backtest.duckdb") as workspace:
                for path in files:
                    workspace.import_file(path, profile)
                panel = load_panel(workspace)
        default = profile.name
    else:
        with Workspace(_workspace_path(arguments), read_only=True) as workspace:
            panel = load_panel(workspace)
        default = "demo"
    name = arguments.factors or (default if default in available_factor_sets() else "demo")
    return panel, load_factor_set(name)


def _print_warnings(model) -> None:
    for key, params in model.warnings:
        print(t(key, **params), file=sys.stderr)


def _run(arguments) -> int:
    handlers = {"backtest": _backtest, "compute": _compute, "fit": _fit,
                "override": _override, "overrides": _overrides}
    if arguments.targets_command is None:
        print(t("targets.cli.action_required", actions=", ".join(handlers)), file=sys.stderr)
        return 2
    return handlers[arguments.targets_command](arguments)


def _backtest(arguments) -> int:
    from workbench.errors import WorkbenchError
    from workbench.targets import backtest, fit_weights

    panel, factor_set = _load(arguments)
    fitted = None
    if arguments.weights == "fit":
        # Weights are learnt on the weeks before the backtest, so the test stays out of sample.
        try:
            fitted = fit_weights(panel, factor_set, last_week=panel.shape[1] - arguments.weeks - 1)
            factor_set = fitted.factor_set(factor_set)
        except WorkbenchError as error:
            print(error.message(), file=sys.stderr)
    summary = backtest(panel, factor_set, weeks=arguments.weeks).summary()
    summary["factor_set"] = factor_set.name
    summary["weights"] = dict(zip(factor_set.names, np.round(factor_set.default_weights, 2)
                                  .tolist(), strict=True))
    summary["sensitivity"] = factor_set.sensitivity
    if arguments.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return 0
    scores = summary["mean_abs_attainment_deviation"]
    print(t("targets.cli.backtest_header", first=summary["first_week"], last=summary["last_week"],
            units=summary["units"], weeks=summary["weeks"]))
    for policy, value in scores.items():
        print(t("targets.cli.backtest_line", policy=t("targets.policy." + policy),
                value=f"{100 * value:.2f}"))
    print(t("targets.cli.backtest_units", better=summary["units_where_dynamic_is_closer"],
            units=summary["units"]))
    return 0


def _compute(arguments) -> int:
    from workbench.targets import calibrate

    panel, factor_set = _load(arguments)
    model = calibrate(panel, factor_set, horizon=arguments.horizon)
    _print_warnings(model)
    weights = None
    if arguments.weights:
        weights = [float(part) if part.strip() else float("nan")
                   for part in arguments.weights.split(",")]
    frame = model.frame(model.evaluate(weights))
    if arguments.json:
        frame["week_start"] = frame["week_start"].dt.date.astype(str)
        print(frame.to_json(orient="records", force_ascii=False, indent=1))
    else:
        numeric = frame.select_dtypes("number").columns
        frame = frame.assign(**{name: frame[name].round(0) for name in numeric})
        print(_localised_columns(frame, factor_set).to_string(index=False, max_rows=40))
    return 0


def _localised_columns(frame, factor_set=None):
    """Return ``frame`` with column headings from the catalog, for printing as a table."""
    names = {}
    titles = {factor.name: factor.title(get_lang()) for factor in factor_set.factors} if (
        factor_set) else {}
    for column in frame.columns:
        if column.startswith("contribution_"):
            factor = column.removeprefix("contribution_")
            names[column] = t("targets.column.contribution", factor=titles.get(factor, factor))
        else:
            names[column] = t(f"targets.column.{column}")
    return frame.rename(columns=names)


def _fit(arguments) -> int:
    from workbench.targets import fit_weights

    panel, factor_set = _load(arguments)
    fitted = fit_weights(panel, factor_set)
    result = {"factor_set": factor_set.name,
              "weights": dict(zip(factor_set.names, np.round(fitted.weights, 2).tolist(),
                                  strict=True)),
              "sensitivity": fitted.sensitivity, "shrinkage": fitted.shrinkage,
              "r2": fitted.r2, "mae_baseline": fitted.mae_baseline,
              "mae_fitted": fitted.mae_fitted, "rows": fitted.rows}
    if arguments.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(t("targets.cli.fit_result", r2=f"{100 * fitted.r2:.1f} %",
            before=f"{100 * fitted.mae_baseline:.2f}", after=f"{100 * fitted.mae_fitted:.2f}",
            sensitivity=f"{fitted.sensitivity:.4f}"))
    titles = {factor.name: factor.title(get_lang()) for factor in factor_set.factors}
    for name, weight in result["weights"].items():
        print(f"  {titles[name]}: {weight:.1f} %")
    return 0


def _override(arguments) -> int:
    import pandas as pd

    from workbench.data import Workspace
    from workbench.data.normalize import to_date
    from workbench.errors import WorkbenchError
    from workbench.targets import add_override, calibrate, load_factor_set, load_panel

    # The week may be written as 2026-11-30, 2026/11/30 or 2026年11月30日, as in files.
    dates, invalid = to_date(pd.Series([arguments.week_start], dtype=object))
    if invalid.any() or pd.isna(dates.iloc[0]):
        raise WorkbenchError("targets.override_week_invalid", value=arguments.week_start)
    week = dates.iloc[0].date().isoformat()

    with Workspace(_workspace_path(arguments)) as workspace:
        panel = load_panel(workspace)
        model = calibrate(panel, load_factor_set(arguments.factors or "demo"), horizon=13)
        frame = model.frame(model.evaluate())
        match = frame[(frame["unit_id"] == arguments.unit_id)
                      & (frame["week_start"].dt.date.astype(str) == week)]
        if match.empty:
            raise WorkbenchError("targets.override_no_target", unit=arguments.unit_id,
                                 week=week, first=model.weeks[0].date().isoformat(),
                                 last=model.weeks[-1].date().isoformat())
        algorithm = float(match["target"].iloc[0])
        override_id = add_override(workspace, arguments.unit_id, week,
                                   arguments.value, reason=arguments.reason,
                                   author=arguments.author, role=arguments.role,
                                   algorithm_value=algorithm)
    print(t("targets.cli.override_stored", id=override_id, unit=arguments.unit_id,
            week=week, value=arguments.value, algorithm=f"{algorithm:,.0f}"))
    return 0


def _overrides(arguments) -> int:
    from workbench.data import Workspace
    from workbench.targets import list_overrides

    with Workspace(_workspace_path(arguments), read_only=True) as workspace:
        frame = list_overrides(workspace, latest_only=not arguments.all)
    if arguments.json:
        for column in ("week_start", "created_at"):
            frame[column] = frame[column].astype(str)
        print(frame.to_json(orient="records", force_ascii=False, indent=1))
    else:
        print(_localised_columns(frame).to_string(index=False) if len(frame)
              else t("targets.cli.no_overrides"))
    return 0
