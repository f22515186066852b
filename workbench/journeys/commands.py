"""The ``workbench journeys`` subcommands: calibrate, simulate, rules, map."""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid

from workbench.errors import DataFileError
from workbench.i18n import t

__all__ = ["register"]

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> dict:
    """Add ``journeys`` and its subcommands; return ``{"journeys": handler}``."""
    journeys = subparsers.add_parser("journeys", help=t("journeys.cli.help"),
                                     description=t("journeys.cli.help"))
    commands = journeys.add_subparsers(dest="journeys_command", metavar="SUBCOMMAND")

    calibrate = commands.add_parser("calibrate", help=t("journeys.cli.calibrate.help"),
                                    description=t("journeys.cli.calibrate.help"))
    calibrate.add_argument("--log", required=True, metavar="FILE", help=t("journeys.cli.log"))
    calibrate.add_argument("--stages", metavar="A,B,...", help=t("journeys.cli.stages"))
    calibrate.add_argument("--cases", type=int, default=None, help=t("journeys.cli.cases"))
    calibrate.add_argument("--dwell", choices=("empirical", "lognormal"), default="empirical",
                           help=t("journeys.cli.dwell"))
    calibrate.add_argument("--seed", type=int, default=42, help=t("journeys.cli.seed"))
    calibrate.add_argument("--json", action="store_true", help=t("journeys.cli.json"))

    simulate = commands.add_parser("simulate", help=t("journeys.cli.simulate.help"),
                                   description=t("journeys.cli.simulate.help"))
    simulate.add_argument("--workspace", default=os.environ.get(
        "WORKBENCH_WORKSPACE", "workspace.duckdb"), metavar="FILE",
        help=t("journeys.cli.workspace"))
    simulate.add_argument("--weeks", type=int, default=52, help=t("journeys.cli.weeks"))
    simulate.add_argument("--seed", type=int, default=42, help=t("journeys.cli.seed"))
    simulate.add_argument("--run-id", default=None, help=t("journeys.cli.run_id"))
    simulate.add_argument("--batch-size", type=int, default=50_000,
                          help=t("journeys.cli.batch_size"))
    simulate.add_argument("--json", action="store_true", help=t("journeys.cli.json"))

    rules = commands.add_parser("rules", help=t("journeys.cli.rules.help"),
                                description=t("journeys.cli.rules.help"))
    rules.add_argument("--log", required=True, metavar="FILE", help=t("journeys.cli.log"))
    rules.add_argument("--rules", required=True, metavar="FILE", help=t("journeys.cli.rules"))
    rules.add_argument("--days", type=float, default=7.0, help=t("journeys.cli.days"))
    rules.add_argument("--outcomes", default="A_CANCELLED,A_DECLINED", metavar="A,B,...",
                       help=t("journeys.cli.outcomes"))
    rules.add_argument("--json", action="store_true", help=t("journeys.cli.json"))

    process_map = commands.add_parser("map", help=t("journeys.cli.map.help"),
                                      description=t("journeys.cli.map.help"))
    process_map.add_argument("--log", required=True, metavar="FILE", help=t("journeys.cli.log"))
    process_map.add_argument("--top", type=int, default=20, help=t("journeys.cli.top"))
    process_map.add_argument("--json", action="store_true", help=t("journeys.cli.json"))
    journeys.set_defaults(journeys_parser=journeys)
    return {"journeys": _journeys}


def _journeys(arguments: argparse.Namespace) -> int:
    handlers = {"calibrate": _calibrate, "simulate": _simulate, "rules": _rules,
                "map": _map}
    if arguments.journeys_command is None:
        arguments.journeys_parser.print_help()
        return EXIT_USAGE
    try:
        return handlers[arguments.journeys_command](arguments)
    except DataFileError as error:
        print(error.message(), file=sys.stderr)
        return EXIT_REJECTED


def _calibrate(arguments: argparse.Namespace) -> int:
    from workbench.journeys.calibration import calibrate, compare, simulate
    from workbench.journeys.events import read_log

    log = read_log(arguments.log)
    stages = arguments.stages.split(",") if arguments.stages else None
    calibration = calibrate(log, stages, dwell_model=arguments.dwell)
    model = simulate(calibration, arguments.cases, seed=arguments.seed)
    report = compare(calibration, model.event_log())
    report.update({"log": arguments.log, "seed": arguments.seed, "dwell_model": arguments.dwell})
    if arguments.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(t("journeys.cli.calibrate.header", real=report["cases"]["real"],
            simulated=report["cases"]["simulated"]))
    header = [t(f"journeys.cli.calibrate.col.{name}") for name in
              ("stage", "real", "simulated", "gap", "ks")]
    width = max(len(row["stage"]) for row in report["stages"])
    print(_pad(header[0], width) + "".join(_pad(text, 14, right=True) for text in header[1:]))
    for row in report["stages"]:
        ks = "—" if row["ks"] is None else f"{row['ks']:.3f}"
        print(f"{row['stage']:<{width}}{100 * row['real_share']:>13.1f}%"
              f"{100 * row['simulated_share']:>13.1f}%{row['gap_pp']:>+14.2f}{ks:>14}")
    print(t("journeys.cli.calibrate.summary", gap=report["max_share_gap_pp"],
            ks=report["max_ks"]))
    return EXIT_OK


def _simulate(arguments: argparse.Namespace) -> int:
    from workbench.data import Workspace
    from workbench.journeys.events import store_run
    from workbench.journeys.model import JourneyModel
    from workbench.journeys.population import Population

    run_id = arguments.run_id or f"run-{uuid.uuid4().hex[:8]}"
    with Workspace(arguments.workspace) as workspace:
        population = Population.from_workspace(workspace, seed=arguments.seed)
        if population.accounts.empty:
            print(t("journeys.cli.simulate.no_accounts", workspace=arguments.workspace),
                  file=sys.stderr)
            return EXIT_USAGE
        model = JourneyModel(population, seed=arguments.seed).run(7 * arguments.weeks)
        log = model.event_log()
        replaced = _run_exists(workspace, run_id)
        digest = store_run(workspace, log, run_id, seed=arguments.seed,
                           settings={"weeks": arguments.weeks}, batch_size=arguments.batch_size)
    outcome = model.account_outcome()
    summary = {"run_id": run_id, "events": len(log), "accounts": len(model.account_ids),
               "won": int((outcome == 1).sum()), "lost": int((outcome == 2).sum()),
               "sha256": digest}
    summary["replaced"] = replaced
    if arguments.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        if replaced:
            print(t("journeys.cli.simulate.replaced", run_id=run_id))
        print(t("journeys.cli.simulate.done", **summary))
    return EXIT_OK


def _run_exists(workspace, run_id: str) -> bool:
    """Return whether the workspace already stores a simulated run called ``run_id``."""
    tables = workspace.connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'journeys_runs'"
    ).fetchone()[0]
    if not tables:
        return False
    return bool(workspace.connection.execute(
        "SELECT count(*) FROM journeys_runs WHERE run_id = ?", [run_id]).fetchone()[0])


def _rules(arguments: argparse.Namespace) -> int:
    from workbench.journeys.events import read_log
    from workbench.journeys.rules import load_rules, score_early_warning

    rules = load_rules(arguments.rules)
    log = read_log(arguments.log)
    outcomes = tuple(name for name in arguments.outcomes.split(",") if name)
    report = score_early_warning(log, rules, days=arguments.days, outcomes=outcomes)
    if arguments.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return EXIT_OK
    for population in ("all", "open_at_cutoff"):
        figures = report[population]
        print(t(f"journeys.cli.rules.{population}", days=arguments.days, **{
            key: figures[key] for key in ("cases", "positives", "alerted")},
            precision=_percent(figures["precision"]), recall=_percent(figures["recall"])))
        for rule, values in figures["rules"].items():
            print(t("journeys.cli.rules.rule", rule=rule, alerted=values["alerted"],
                    precision=_percent(values["precision"]), recall=_percent(values["recall"])))
    return EXIT_OK


def _map(arguments: argparse.Namespace) -> int:
    from workbench.journeys.events import read_log
    from workbench.journeys.process_map import directly_follows

    graph = directly_follows(read_log(arguments.log)).head(arguments.top)
    if arguments.json:
        print(graph.to_json(orient="records", force_ascii=False, indent=2))
        return EXIT_OK
    for row in graph.itertuples():
        print(t("journeys.cli.map.edge", source=row.source, target=row.target, count=row.count,
                wait=f"{row.mean_wait_days:.2f}"))
    return EXIT_OK


def _pad(text: str, width: int, right: bool = False) -> str:
    """Pad to ``width`` terminal columns; CJK characters take two."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    padding = " " * max(width - used, 0)
    return padding + text if right else text + padding


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"
