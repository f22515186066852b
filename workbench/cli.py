"""The ``workbench`` command: build the demo, import files, describe and serve a workspace.

Every line it prints comes from the message catalog, in the language chosen by
``--lang``, ``WORKBENCH_LANG`` or the system locale.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import subprocess
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from workbench.i18n import LANGUAGES, get_lang, normalize_lang, set_lang, t

__all__ = ["main"]

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
DEMO_FOLDER = Path("data/demo")

# Rooms that add their own subcommands: ``workbench.<room>.commands`` defines
# ``register(subparsers) -> dict[str, handler]``, where a handler takes the parsed
# arguments and returns the exit code.
COMMAND_ROOMS = ("targets", "journeys", "personas")


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose error line is localised.

    NOTE: argparse texts outside ``_ARGPARSE_TEXTS`` (rare usage errors) stay in English;
    the checks users hit most often (missing profile or paths) are done by the commands
    themselves with catalog messages.
    """

    def error(self, message: str) -> None:  # noqa: D102
        self.print_usage(sys.stderr)
        print(t("cli.bad_arguments", detail=message), file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _take_language(argv: list[str]) -> tuple[str | None, list[str]]:
    """Remove ``--lang X`` from anywhere in ``argv``; return the language and the rest.

    The option is global, so ``workbench info --lang zh-CN`` works as well as
    ``workbench --lang zh-CN info``. An unsupported value stays in ``argv`` for argparse
    to reject with the list of choices.
    """
    rest: list[str] = []
    lang = None
    index = 0
    while index < len(argv):
        argument = argv[index]
        value = None
        if argument == "--lang" and index + 1 < len(argv):
            value, step = argv[index + 1], 2
        elif argument.startswith("--lang="):
            value, step = argument.split("=", 1)[1], 1
        if value is not None and normalize_lang(value) in LANGUAGES:
            lang = value
            index += step
            continue
        rest.append(argument)
        index += 1
    return lang, rest


# argparse's own texts (help headings, usage errors), looked up through its module-level
# ``_`` at call time; see _localise_argparse.
_ARGPARSE_TEXTS = {
    "usage: ": "cli.argparse.usage",
    "positional arguments": "cli.argparse.positional",
    "options": "cli.argparse.options",
    "show this help message and exit": "cli.argparse.help",
    "the following arguments are required: %s": "cli.argparse.required",
    "unrecognized arguments: %s": "cli.argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli.argparse.invalid_choice",
    "argument %(argument_name)s: %(message)s": "cli.argparse.argument",
    "expected one argument": "cli.argparse.expected_one",
    "invalid %(type)s value: %(value)r": "cli.argparse.invalid_type",
}


def _localise_argparse() -> None:
    """Route argparse's built-in texts through the message catalog.

    argparse translates its texts with ``gettext`` through the module global ``_``; this
    replaces that function for the running command only (it is called from ``main``,
    never at import).
    """
    english = argparse._  # the gettext function argparse imported

    def translate(text: str) -> str:
        key = _ARGPARSE_TEXTS.get(text)
        return t(key) if key else english(text)

    argparse._ = translate


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="workbench", description=t("cli.description"))
    parser.add_argument("--lang", choices=LANGUAGES, help=t("cli.help.lang"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def workspace_option(command: argparse.ArgumentParser) -> None:
        command.add_argument("--workspace", default=os.environ.get(
            "WORKBENCH_WORKSPACE", "workspace.duckdb"), metavar="FILE",
            help=t("cli.help.workspace"))

    demo = commands.add_parser("demo", help=t("cli.help.demo"), description=t("cli.help.demo"))
    workspace_option(demo)
    demo.add_argument("--folder", default=str(DEMO_FOLDER), metavar="DIR",
                      help=t("cli.help.folder"))
    demo.add_argument("--seed", type=int, default=None, help=t("cli.help.seed"))

    importer = commands.add_parser("import", help=t("cli.help.import"),
                                   description=t("cli.help.import"))
    importer.add_argument("paths", nargs="*", metavar="PATH", help=t("cli.help.paths"))
    importer.add_argument("--profile", metavar="NAME", help=t("cli.help.profile"))
    workspace_option(importer)

    info = commands.add_parser("info", help=t("cli.help.info"), description=t("cli.help.info"))
    workspace_option(info)
    info.add_argument("--json", action="store_true", help=t("cli.help.json"))

    profiles = commands.add_parser("profiles", help=t("cli.help.profiles"),
                                   description=t("cli.help.profiles"))
    profiles.add_argument("--json", action="store_true", help=t("cli.help.json"))

    serve = commands.add_parser("serve", help=t("cli.help.serve"), description=t("cli.help.serve"))
    workspace_option(serve)
    serve.add_argument("--port", type=int, default=8866, help=t("cli.help.port"))
    serve.add_argument("--no-demo", action="store_true", help=t("cli.help.no_demo"))
    serve.add_argument("--factors", metavar="NAME", help=t("cli.help.serve_factors"))

    room_handlers = {}
    for room in COMMAND_ROOMS:
        module_name = f"workbench.{room}.commands"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name in {module_name, f"workbench.{room}"}:
                continue  # the room is not part of this installation
            raise
        room_handlers.update(module.register(commands))
    parser.set_defaults(room_handlers=room_handlers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``workbench`` command with ``argv`` (default ``sys.argv[1:]``).

    Returns the exit code: 0 done, 1 a file was rejected, 2 invalid usage.
    """
    requested, argv = _take_language(list(sys.argv[1:] if argv is None else argv))
    if requested:
        set_lang(requested)
    _localise_argparse()
    parser = _build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command is None:
        parser.print_help()
        return EXIT_USAGE
    # Users read the localised messages; the English log lines are for WORKBENCH_LOG_LEVEL.
    logging.basicConfig(level=os.environ.get("WORKBENCH_LOG_LEVEL", "ERROR"),
                        format="%(levelname)s %(name)s: %(message)s")

    from workbench.errors import WorkbenchError

    handlers = {"demo": _demo, "import": _import, "info": _info, "profiles": _profiles,
                "serve": _serve, **arguments.room_handlers}
    try:
        return handlers[arguments.command](arguments)
    except WorkbenchError as error:
        print(error.message(), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader stopped early (``workbench info --json | head``): exit quietly.
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - flushing at exit must not fail
        return EXIT_OK


def _expand_paths(paths: list[str], profile) -> list[Path]:
    """Expand folders into the files that one of the profile's sources matches."""
    expanded: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            expanded += sorted(child for child in path.iterdir() if child.is_file() and any(
                source.matches(child.name) for source in profile.sources))
        else:
            expanded.append(path)
    return expanded


def _import_files(workspace, paths: list[Path], profile) -> int:
    """Import each file with a progress bar; print one line per file; return the exit code."""
    from tqdm import tqdm

    from workbench.errors import DataFileError

    status = EXIT_OK
    bar = tqdm(total=len(paths), unit=t("cli.progress_unit"), disable=None, leave=False,
               file=sys.stderr)
    for path in paths:
        bar.set_description(path.name)
        try:
            result = workspace.import_file(
                path, profile, progress=lambda stage: bar.set_postfix_str(t("cli.stage." + stage)))
        except DataFileError as error:
            bar.clear()
            print(error.message(), file=sys.stderr)
            status = EXIT_REJECTED
        else:
            bar.clear()
            key = "cli.imported" if result.status == "imported" else "cli.unchanged"
            print(t(key, file=result.file, table=t("table." + result.table),
                    rows=f"{result.rows:,}"))
        bar.update(1)
    bar.close()
    return status


def _import(arguments: argparse.Namespace) -> int:
    from workbench.data import Workspace, load_profile

    if not arguments.profile:
        print(t("cli.profile_required", profiles=_profile_names()), file=sys.stderr)
        return EXIT_USAGE
    if not arguments.paths:
        print(t("cli.paths_required"), file=sys.stderr)
        return EXIT_USAGE
    profile = load_profile(arguments.profile)
    missing = [path for path in arguments.paths if not Path(path).exists()]
    if missing:
        for path in missing:
            print(t("import.path_not_found", path=path), file=sys.stderr)
        print(t("cli.nothing_imported"), file=sys.stderr)
        return EXIT_USAGE
    paths = _expand_paths(arguments.paths, profile)
    with Workspace(arguments.workspace) as workspace:
        return _import_files(workspace, paths, profile)


def build_demo_workspace(workspace_path: str | Path, folder: str | Path = DEMO_FOLDER,
                         seed: int | None = None) -> int:
    """Write the demo company's files to ``folder`` and import them; return the exit code."""
    from workbench.data import Workspace, load_profile
    from workbench.data.demo import DEMO_SEED, write_demo_files

    files = write_demo_files(folder, DEMO_SEED if seed is None else seed)
    print(t("cli.demo_written", count=len(files), folder=str(folder)))
    with Workspace(workspace_path) as workspace:
        return _import_files(workspace, files, load_profile("demo"))


def _demo(arguments: argparse.Namespace) -> int:
    status = build_demo_workspace(arguments.workspace, arguments.folder, arguments.seed)
    if status == EXIT_OK:
        print(t("cli.demo_ready", workspace=arguments.workspace))
    return status


def _info(arguments: argparse.Namespace) -> int:
    from workbench.data import Workspace
    from workbench.errors import Problem

    with Workspace(arguments.workspace, read_only=True) as workspace:
        summary = workspace.info()
    if arguments.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return EXIT_OK

    print(t("cli.info.header", workspace=summary["workspace"], units=summary["units"],
            cases=summary["cases"]))
    header = [t("cli.info.col." + name) for name in ("table", "rows", "keys", "range")]
    lines = [header]
    for table in summary["tables"]:
        span = (t("cli.info.span", first=table["first"], last=table["last"])
                if table["first"] else "")
        lines.append([t("table." + table["table"]) + f" ({table['table']})",
                      f"{table['rows']:,}", f"{table['keys']:,}", span])
    print(_format_columns(lines, right_aligned={1, 2}))
    if summary["rejections"]:
        print(t("cli.info.rejections", count=len(summary["rejections"])))
        for rejection in summary["rejections"]:
            state = t("cli.info.resolved") if rejection["resolved"] else ""
            print(t("cli.info.rejection", file=rejection["file"], at=rejection["rejected_at"],
                    total=rejection["total"], state=state))
            for problem in rejection["problems"]:
                print("    - " + Problem(**problem).message())
    return EXIT_OK


def _display_width(text: str) -> int:
    """Return the terminal width of ``text``: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _format_columns(lines: list[list[str]], right_aligned: set[int]) -> str:
    widths = [max(_display_width(line[column]) for line in lines)
              for column in range(len(lines[0]))]
    formatted = []
    for line in lines:
        cells = []
        for column, cell in enumerate(line):
            padding = " " * (widths[column] - _display_width(cell))
            cells.append(padding + cell if column in right_aligned else cell + padding)
        formatted.append("  ".join(cells).rstrip())
    return "\n".join(formatted)


def _profile_names() -> str:
    from workbench.data import available_profiles

    return ", ".join(available_profiles())


def _profiles(arguments: argparse.Namespace) -> int:
    from workbench.data import available_profiles, load_profile

    lang = get_lang()
    listing = {}
    for name in available_profiles():
        profile = load_profile(name)
        listing[name] = {"title": profile.title.get(lang, name),
                         "tables": sorted({source.table for source in profile.sources}),
                         "match": [p for source in profile.sources for p in source.match]}
    if arguments.json:
        print(json.dumps(listing, ensure_ascii=False, indent=2))
        return EXIT_OK
    for name, entry in listing.items():
        print(t("cli.profile_line", name=name, title=entry["title"],
                tables=", ".join(entry["tables"])))
    return EXIT_OK


def _serve(arguments: argparse.Namespace) -> int:
    from workbench.ui.serve import APPS_FOLDER, voila_command, voila_environment

    workspace = Path(arguments.workspace)
    if not workspace.exists():
        if arguments.no_demo:
            print(t("workspace.not_found", path=str(workspace)), file=sys.stderr)
            return EXIT_USAGE
        print(t("cli.serve_building_demo", workspace=str(workspace)))
        status = build_demo_workspace(workspace)
        if status != EXIT_OK:
            return status
    environment = voila_environment(dict(os.environ, WORKBENCH_WORKSPACE=str(workspace.resolve()),
                                         WORKBENCH_LANG=get_lang()))
    if arguments.factors:
        environment["WORKBENCH_FACTOR_SET"] = arguments.factors
    print(t("cli.serve_url", url=f"http://127.0.0.1:{arguments.port}/"), flush=True)
    process = subprocess.Popen(voila_command(APPS_FOLDER, arguments.port), env=environment)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait(timeout=30)
        print(t("cli.serve_stopped"))
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
