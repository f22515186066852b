"""The ``workbench coach`` command: coach transcripts, and score the coach against outcomes.

``workbench coach FILE [--profile NAME] [--json]`` reads FILE with a source profile (or,
without one, with the transcript readers of :mod:`workbench.personas.transcripts`),
coaches every dialog and prints the metrics and micro-actions. With outcomes (``--outcomes``,
or ``full_info.csv`` beside the file for the ``persuasionforgood`` profile) it also prints
the cross-validated AUC of the coach's features and the Big Five findings.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

from workbench.i18n import get_lang, t

__all__ = ["register"]

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
PERSUASION_INFO = "full_info.csv"


def register(subparsers: argparse._SubParsersAction) -> dict:
    """Add the ``coach`` subcommand and return its handler."""
    coach = subparsers.add_parser("coach", help=t("personas.cli.help.coach"),
                                  description=t("personas.cli.help.coach"))
    coach.add_argument("file", metavar="FILE", help=t("personas.cli.help.file"))
    coach.add_argument("--profile", metavar="NAME", help=t("personas.cli.help.profile"))
    coach.add_argument("--rep", metavar="SPEAKER", help=t("personas.cli.help.rep"))
    coach.add_argument("--outcomes", metavar="FILE", help=t("personas.cli.help.outcomes"))
    coach.add_argument("--seed", type=int, default=0, help=t("personas.cli.help.seed"))
    coach.add_argument("--json", action="store_true", help=t("personas.cli.help.json"))
    return {"coach": _coach}


def _read_dialogs(path: Path, profile_name: str | None):
    if profile_name is None:
        from workbench.personas.transcripts import read_transcript

        return read_transcript(path)
    from workbench.data import load_profile

    table, frame = load_profile(profile_name).read(path)
    if table != "dialogs":
        from workbench.errors import WorkbenchError

        raise WorkbenchError("personas.cli.not_dialogs", profile=profile_name, table=table)
    return frame


def _outcomes_path(arguments: argparse.Namespace, path: Path) -> Path | None:
    if arguments.outcomes:
        return Path(arguments.outcomes)
    beside = path.parent / PERSUASION_INFO
    if arguments.profile == "persuasionforgood" and beside.is_file():
        return beside
    return None


def _coach(arguments: argparse.Namespace) -> int:
    from workbench.errors import DataFileError
    from workbench.personas.coach import coach_dialogs
    from workbench.personas.outcomes import outcome_analysis, read_persuasion_outcomes

    path = Path(arguments.file)
    if not path.is_file():
        print(t("personas.cli.not_found", path=str(path)), flush=True)
        return EXIT_USAGE
    try:
        dialogs = _read_dialogs(path, arguments.profile)
    except DataFileError as error:
        print(error.message())
        return EXIT_REJECTED
    reports = coach_dialogs(dialogs, arguments.rep)

    analysis = None
    outcomes_path = _outcomes_path(arguments, path)
    if outcomes_path is not None:
        if not outcomes_path.is_file():
            print(t("personas.cli.not_found", path=str(outcomes_path)))
            return EXIT_USAGE
        analysis = outcome_analysis(reports, read_persuasion_outcomes(outcomes_path),
                                    seed=arguments.seed)

    lang = get_lang()
    if arguments.json:
        single = len(reports) == 1
        document = {"file": str(path), "profile": arguments.profile,
                    "dialog_count": len(reports),
                    "dialogs": [report.to_dict(lang, with_turns=single) for report in reports],
                    "summary": _summary(reports), "outcome": analysis}
        print(json.dumps(document, ensure_ascii=False, indent=1))
        return EXIT_OK

    _print_text(reports, analysis, lang)
    return EXIT_OK


def _summary(reports: list) -> dict:
    names = ("talk_ratio", "question_rate", "longest_monologue", "buyer_emotion_mean",
             "playbook_coverage")
    count = max(len(reports), 1)
    return {f"mean_{name}": round(sum(float(r.metrics[name]) for r in reports) / count, 4)
            for name in names}


def _print_text(reports: list, analysis: dict | None, lang: str) -> None:
    if len(reports) == 1:
        report = reports[0]
        metrics = report.metrics
        print(t("personas.cli.dialog", lang, dialog=report.dialog_id, rep=report.rep,
                turns=metrics["turns"]))
        print(t("personas.cli.metrics", lang, talk=metrics["talk_ratio"],
                questions=metrics["question_rate"], longest=metrics["longest_monologue"],
                turn=metrics["longest_monologue_turn"], emotion=metrics["buyer_emotion_mean"],
                coverage=metrics["playbook_coverage"]))
        for item in report.hesitations:
            pause = "—" if item["pause_s"] is None else f"{item['pause_s']:.1f}"
            print(t("personas.cli.hesitation", lang, turn=item["turn"], phrase=item["phrase"],
                    pause=pause))
        print(t("personas.score.micro_heading", lang))
        for number, action in enumerate(report.actions, 1):
            print(f"{number}. {action.message(lang)}")
    else:
        summary = _summary(reports)
        print(t("personas.cli.many", lang, count=len(reports),
                talk=summary["mean_talk_ratio"], questions=summary["mean_question_rate"],
                emotion=summary["mean_buyer_emotion_mean"]))
    if analysis is not None:
        print(t("personas.cli.base_rate", lang, rate=analysis["base_rate"],
                donated=analysis["donated"], dialogs=analysis["dialogs"],
                published=analysis["published_base_rate"]))
        for name in ("coach_features", "rep_features", "big_five", "coach_and_big_five"):
            block = analysis[name]
            print(t("personas.cli.auc", lang, features=t(f"personas.cli.features.{name}", lang),
                    auc=block["auc"], mean=block["auc_fold_mean"], sd=block["auc_fold_sd"],
                    folds=analysis["cv_folds"]))
        for trait, row in analysis["traits"].items():
            print(t("personas.cli.trait", lang, trait=t(f"personas.trait.{trait}", lang),
                    donors=row["mean_donors"], others=row["mean_non_donors"], r=row["r"],
                    p=row["p_mann_whitney"]))
