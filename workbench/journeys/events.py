"""Event logs of journeys: build, check, read, hash and store them.

Simulated and real journeys share the canonical ``events`` schema (case_id, activity,
timestamp, lifecycle, resource, attrs). A run is stored in the room's own tables:
``journeys_events`` has the canonical columns plus ``run_id``, and ``journeys_runs``
describes each run. Rows go in batches inside one transaction, so a failed write leaves
the workspace as it was and the batch size never changes what is stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.data.canonical import TABLES
from workbench.errors import DataFileError, Problem, WorkbenchError

__all__ = ["events_frame", "log_hash", "read_log", "store_run", "validate_log"]

logger = logging.getLogger(__name__)

EVENT_COLUMNS = TABLES["events"].column_names
# Alternative names of the required columns, as process-mining exports spell them.
_COLUMN_ALIASES = {
    "case_id": ("case_id", "case:concept:name", "case", "caseid", "case id"),
    "activity": ("activity", "concept:name", "activity name", "event"),
    "timestamp": ("timestamp", "time:timestamp", "time", "complete timestamp"),
}
_MAX_LISTED_PROBLEMS = 20


def events_frame(model, *, include_hidden: bool = True) -> pd.DataFrame:
    """Turn a model's recorded events into a canonical events frame (see ``event_log``)."""
    catalogue = model.catalogue
    data = model.events.joined()
    if not include_hidden:
        is_point = data["code"] < len(catalogue.touchpoints)
        hidden = np.zeros(len(data["code"]), dtype=bool)
        hidden[is_point] = catalogue.point_hidden[data["code"][is_point]]
        data = {name: values[~hidden] for name, values in data.items()}

    # Whole milliseconds, as real logs record them, so a log read back from the
    # workspace hashes the same.
    seconds = np.round(data["time"] * 86_400_000).astype(np.int64)
    order = np.lexsort((np.arange(len(seconds)), seconds, data["case"]))
    data = {name: values[order] for name, values in data.items()}
    seconds = seconds[order]

    point_count = len(catalogue.touchpoints)
    names = np.array(catalogue.touchpoint_ids + model.chain.stages, dtype=object)
    resources = np.array(model.resource_names, dtype=object)
    frame = pd.DataFrame({
        "case_id": np.array(model.account_ids, dtype=object)[data["case"]],
        "activity": names[data["code"]],
        "timestamp": model.start + pd.to_timedelta(seconds, unit="ms"),
        "lifecycle": "complete",
        "resource": resources[data["resource"]],
    })
    frame["attrs"] = _attrs(model, data, point_count)
    return frame[EVENT_COLUMNS]


def _attrs(model, data: dict[str, np.ndarray], point_count: int) -> list[str]:
    catalogue = model.catalogue
    stage_names = model.chain.stages
    point_text = [json.dumps({"kind": "touchpoint", "channel": point.channel,
                              "hidden": point.hidden}, ensure_ascii=False)[:-1]
                  for point in catalogue.touchpoints]
    contact_text = [json.dumps({"contact_id": contact, "role": catalogue.roles[role],
                                "persona": catalogue.persona_ids[persona]},
                               ensure_ascii=False)[1:-1]
                    for contact, role, persona in zip(model.contact_ids, model.contact_role,
                                                      model.contact_persona, strict=True)]
    texts = []
    for code, contact, sentiment in zip(data["code"].tolist(), data["contact"].tolist(),
                                        data["sentiment"].tolist(), strict=True):
        if code >= point_count:
            texts.append(f'{{"kind": "stage", "stage": "{stage_names[code - point_count]}"}}')
        else:
            texts.append(f'{point_text[code]}, {contact_text[contact]}, '
                         f'"sentiment": {round(sentiment, 4)}}}')
    return texts


def log_hash(events: pd.DataFrame) -> str:
    """Return the SHA-256 of a log's rows in (case_id, timestamp, stored) order.

    Timestamps count to the millisecond and ``attrs`` as parsed JSON, so a log hashes the
    same before and after a round trip through DuckDB.
    """
    frame = events[EVENT_COLUMNS].copy()
    frame["timestamp"] = pd.to_datetime(frame["timestamp"]).dt.floor("ms")
    frame["attrs"] = [json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False)
                      if isinstance(text, str) else "" for text in frame["attrs"]]
    frame = frame.sort_values(["case_id", "timestamp"], kind="stable")
    digest = hashlib.sha256()
    for column in EVENT_COLUMNS:
        digest.update(column.encode())
        digest.update("\x1f".join(frame[column].astype(str).tolist()).encode("utf-8"))
    return digest.hexdigest()


def validate_log(events: pd.DataFrame, file: str = "events") -> pd.DataFrame:
    """Check a log and return it with canonical column names and parsed timestamps.

    Accepts the canonical names or the usual exports' names (``case:concept:name``,
    ``concept:name``, ``time:timestamp``...). Row numbers in problems count the header
    as row 1.

    Raises
    ------
    DataFileError
        If the case id, activity or timestamp column is missing, a timestamp cannot be
        read, or timestamps go backwards within a case in file order.
    """
    lowered = {str(column).strip().lower(): column for column in events.columns}
    renamed = {}
    problems: list[Problem] = []
    for field, aliases in _COLUMN_ALIASES.items():
        found = next((lowered[alias] for alias in aliases if alias in lowered), None)
        if found is None:
            problems.append(Problem(file, "journeys.log.missing_column", column=field,
                                    params={"field": field,
                                            "found": ", ".join(map(str, events.columns))}))
        else:
            renamed[found] = field
    if problems:
        raise DataFileError(file, problems)

    frame = events.rename(columns=renamed).reset_index(drop=True)
    for column in ("lifecycle", "resource", "attrs"):
        if column not in frame.columns:
            frame[column] = None
    timestamps = pd.to_datetime(frame["timestamp"], errors="coerce", utc=True, format="mixed")
    frame["timestamp"] = timestamps.dt.tz_convert(None)
    unreadable = np.flatnonzero(frame["timestamp"].isna().to_numpy())
    for row in unreadable[:_MAX_LISTED_PROBLEMS]:
        problems.append(Problem(file, "journeys.log.bad_timestamp", row=int(row) + 2,
                                column="timestamp", value=str(events.iloc[row][
                                    _original(renamed, "timestamp")])))
    missing_case = np.flatnonzero(frame["case_id"].isna().to_numpy())
    for row in missing_case[:_MAX_LISTED_PROBLEMS]:
        problems.append(Problem(file, "journeys.log.missing_case", row=int(row) + 2,
                                column="case_id"))
    if not len(unreadable):
        previous = frame.groupby("case_id", sort=False)["timestamp"].shift()
        backwards = np.flatnonzero((frame["timestamp"] < previous).to_numpy())
        for row in backwards[:_MAX_LISTED_PROBLEMS]:
            problems.append(Problem(
                file, "journeys.log.out_of_order", row=int(row) + 2, column="timestamp",
                value=str(frame["timestamp"].iloc[row]),
                params={"case": str(frame["case_id"].iloc[row]),
                        "previous": str(previous.iloc[row])}))
    total = len(unreadable) + len(missing_case) + (0 if len(unreadable) else len(backwards))
    if problems:
        raise DataFileError(file, problems, total=total)
    frame["case_id"] = frame["case_id"].astype(str)
    frame["activity"] = frame["activity"].astype(str)
    for column in ("lifecycle", "resource", "attrs"):
        values = frame[column].astype(object)
        frame[column] = values.where(values.notna(), None)
    return frame[EVENT_COLUMNS]


def _original(renamed: dict, field: str) -> object:
    return next(original for original, name in renamed.items() if name == field)


def read_log(path: str | Path) -> pd.DataFrame:
    """Read an event log file (XES, XES.gz or CSV) and check it with :func:`validate_log`.

    XES files go through the ``xes`` source profile, so they read exactly as
    ``workbench import --profile xes`` would store them.

    Raises
    ------
    WorkbenchError
        ``import.path_not_found`` if the file does not exist.
    DataFileError
        If the file cannot be read or fails the checks of :func:`validate_log`.
    """
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError("import.path_not_found", path=str(path))
    name = path.name.lower()
    if name.endswith((".xes", ".xes.gz")):
        from workbench.data import load_profile

        profile = load_profile("xes")
        try:
            _table, frame = profile.read(path)
        except DataFileError as error:
            if any(problem.key == "map.missing_column" for problem in error.problems):
                raise DataFileError(path.name, [
                    Problem(path.name, "journeys.log.missing_column", column=problem.column,
                            params={"field": problem.params.get("field", problem.column),
                                    "found": problem.params.get("found", "")})
                    for problem in error.problems]) from error
            raise
        return validate_log(frame, path.name)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except (UnicodeDecodeError, pd.errors.ParserError) as error:
        raise DataFileError(path.name, [Problem(path.name, "journeys.log.unreadable",
                                                params={"detail": str(error)})]) from error
    return validate_log(frame, path.name)


_RUNS_DDL = """CREATE TABLE IF NOT EXISTS journeys_runs (
    run_id VARCHAR, created_at TIMESTAMP, seed BIGINT, settings JSON, rows BIGINT,
    sha256 VARCHAR)"""


def store_run(workspace, events: pd.DataFrame, run_id: str, *, seed: int | None = None,
              settings: dict | None = None, batch_size: int = 50_000) -> str:
    """Write a simulated log to ``journeys_events`` in batches, all or nothing.

    A run with the same ``run_id`` is replaced. Returns the log's :func:`log_hash`.

    Raises
    ------
    WorkbenchError
        ``workspace.read_only`` for a read-only workspace, ``journeys.bad_batch_size``
        for a batch size below 1.
    """
    if workspace.read_only:
        raise WorkbenchError("workspace.read_only", path=str(workspace.path))
    if batch_size < 1:
        raise WorkbenchError("journeys.bad_batch_size", value=batch_size)
    digest = log_hash(events)
    connection = workspace.connection
    columns = ", ".join(EVENT_COLUMNS)
    body = ", ".join(f"{column.name} {_sql_type(column.kind)}"
                     for column in TABLES["events"].columns)
    connection.execute(f"CREATE TABLE IF NOT EXISTS journeys_events (run_id VARCHAR, {body})")
    connection.execute(_RUNS_DDL)
    try:
        connection.execute("BEGIN TRANSACTION")
        connection.execute("DELETE FROM journeys_events WHERE run_id = ?", [run_id])
        connection.execute("DELETE FROM journeys_runs WHERE run_id = ?", [run_id])
        for first in range(0, len(events), batch_size):
            batch = events.iloc[first:first + batch_size]
            connection.register("journeys_batch", batch)
            try:
                connection.execute(
                    f"INSERT INTO journeys_events (run_id, {columns}) SELECT ?, case_id, "
                    "activity, timestamp, lifecycle, resource, CAST(attrs AS JSON) "
                    "FROM journeys_batch", [run_id])
            finally:
                connection.unregister("journeys_batch")
        connection.execute("INSERT INTO journeys_runs VALUES (?, ?, ?, ?, ?, ?)", [
            run_id, datetime.now().replace(microsecond=0), seed,
            json.dumps(settings or {}, ensure_ascii=False, default=str), len(events), digest])
        connection.execute("COMMIT")
    except Exception:
        connection.execute("ROLLBACK")
        raise
    logger.info("stored run %s: %d events, sha256 %s", run_id, len(events), digest)
    return digest


def load_run(workspace, run_id: str) -> pd.DataFrame:
    """Read a stored run back as a canonical events frame."""
    columns = ", ".join(EVENT_COLUMNS)
    return workspace.sql(f"SELECT {columns} FROM journeys_events WHERE run_id = ? "
                         "ORDER BY case_id, timestamp", [run_id])


def _sql_type(kind: str) -> str:
    from workbench.data.canonical import SQL_TYPES

    return SQL_TYPES[kind]
