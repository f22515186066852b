"""The workspace: one DuckDB file holding the canonical tables and the import history.

Imports are transactional and idempotent. A file is validated whole before anything is
written; its rows then go in under one transaction, so a rejected or failing file leaves
the tables as they were. A file whose bytes were already imported with the same profile
is skipped, and rows whose key is already stored are replaced, not duplicated.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from workbench.data.canonical import TABLES
from workbench.data.profiles import Profile, load_profile
from workbench.errors import DataFileError, Problem, WorkbenchError

__all__ = ["DEFAULT_WORKSPACE", "ImportResult", "Workspace", "default_workspace"]

logger = logging.getLogger(__name__)

DEFAULT_WORKSPACE = "workspace.duckdb"
SCHEMA_VERSION = 1

_META_DDL = [
    "CREATE TABLE IF NOT EXISTS workspace_meta (key VARCHAR, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS imports (
        import_id BIGINT, file VARCHAR, path VARCHAR, sha256 VARCHAR, profile VARCHAR,
        table_name VARCHAR, rows BIGINT, imported_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS rejections (
        file VARCHAR, path VARCHAR, sha256 VARCHAR, profile VARCHAR, rejected_at TIMESTAMP,
        total BIGINT, problems JSON)""",
]


def default_workspace() -> Path:
    """Return the workspace to open when none is named.

    ``$WORKBENCH_WORKSPACE`` if set; else the nearest ``workspace.duckdb`` in the current
    folder or one of its parents (a notebook's kernel runs in ``notebooks/``, the
    workspace lies in the project root); else ``workspace.duckdb`` in the current folder.
    """
    named = os.environ.get("WORKBENCH_WORKSPACE")
    if named:
        return Path(named)
    here = Path.cwd()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_WORKSPACE
        if candidate.is_file():
            return candidate
    return here / DEFAULT_WORKSPACE


@dataclass(frozen=True)
class ImportResult:
    """Outcome of one import: ``imported``, or ``unchanged`` when the bytes were seen before."""

    file: str
    status: str
    table: str
    rows: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Workspace:
    """A DuckDB workspace file.

    Parameters
    ----------
    path
        The ``.duckdb`` file; created with the canonical tables if missing (unless
        ``read_only``).
    read_only
        Open without write access, so several readers (dashboards) can share the file.
        DuckDB admits one writing process at a time.

    Raises
    ------
    WorkbenchError
        ``workspace.not_found`` when opening a missing file read-only,
        ``workspace.locked`` when another process has it open for writing.
    """

    def __init__(self, path: str | Path = DEFAULT_WORKSPACE, *, read_only: bool = False) -> None:
        self.path = Path(path).resolve()
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise WorkbenchError("workspace.not_found", path=str(self.path))
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.connection = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as error:
            if "lock" in str(error).lower():
                raise WorkbenchError("workspace.locked", path=str(self.path)) from error
            raise WorkbenchError("workspace.unreadable", path=str(self.path),
                                 detail=str(error)) from error
        if not read_only:
            self._create_schema()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the DuckDB connection."""
        self.connection.close()

    def _create_schema(self) -> None:
        for statement in _META_DDL:
            self.connection.execute(statement)
        for schema in TABLES.values():
            self.connection.execute(schema.ddl())
        if not self.connection.execute("SELECT 1 FROM workspace_meta WHERE key = 'schema_version'"
                                       ).fetchone():
            self.connection.execute("INSERT INTO workspace_meta VALUES ('schema_version', ?)",
                                    [str(SCHEMA_VERSION)])

    # -- import -------------------------------------------------------------------------

    def import_file(self, path: str | Path, profile: Profile | str,
                    progress: Callable[[str], None] | None = None) -> ImportResult:
        """Import one file through ``profile``, all or nothing.

        Parameters
        ----------
        path
            The exported file.
        profile
            A :class:`Profile` or the name of one.
        progress
            Called with a stage name (``read``, ``store``) as the import advances.

        Raises
        ------
        WorkbenchError
            ``import.path_not_found`` if ``path`` does not exist (nothing is recorded).
        DataFileError
            If the file is rejected; the rejection is recorded, the tables are unchanged.
        """
        if self.read_only:
            raise WorkbenchError("workspace.read_only", path=str(self.path))
        path = Path(path)
        if not path.is_file():
            raise WorkbenchError("import.path_not_found", path=str(path))
        if isinstance(profile, str):
            profile = load_profile(profile)
        digest = _sha256(path)

        seen = self.connection.execute(
            "SELECT table_name, rows FROM imports WHERE sha256 = ? AND profile = ? LIMIT 1",
            [digest, profile.name]).fetchone()
        if seen:
            logger.info("skip %s: same content already imported", path)
            return ImportResult(path.name, "unchanged", seen[0], int(seen[1]))

        if progress:
            progress("read")
        try:
            table, frame = profile.read(path)
        except DataFileError as error:
            self._record_rejection(path, digest, profile.name, error)
            raise
        if progress:
            progress("store")
        self._store(path, digest, profile.name, table, frame)
        logger.info("imported %s into %s: %d rows", path, table, len(frame))
        return ImportResult(path.name, "imported", table, len(frame))

    def _store(self, path: Path, digest: str, profile: str, table: str,
               frame: pd.DataFrame) -> None:
        schema = TABLES[table]
        columns = ", ".join(schema.column_names)
        match = " AND ".join(f"{table}.{name} IS NOT DISTINCT FROM incoming.{name}"
                             for name in schema.replace_by)
        if schema.replace_by == schema.key:
            delete = f"DELETE FROM {table} USING incoming WHERE {match}"
        else:
            keys = ", ".join(schema.replace_by)
            delete = (f"DELETE FROM {table} WHERE ({keys}) IN "
                      f"(SELECT DISTINCT {keys} FROM incoming)")
        casts = ", ".join(_cast(column.name, column.kind) for column in schema.columns)
        connection = self.connection
        connection.register("incoming", frame)
        try:
            connection.execute("BEGIN TRANSACTION")
            connection.execute(delete)
            connection.execute(f"INSERT INTO {table} ({columns}) SELECT {casts} FROM incoming")
            import_id = connection.execute(
                "SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()[0]
            connection.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               [import_id, path.name, str(path.resolve()), digest, profile,
                                table, len(frame), datetime.now().replace(microsecond=0)])
            connection.execute("COMMIT")
        except Exception:
            connection.execute("ROLLBACK")
            raise
        finally:
            connection.unregister("incoming")

    def _record_rejection(self, path: Path, digest: str, profile: str,
                          error: DataFileError) -> None:
        problems = json.dumps([problem.to_dict() for problem in error.problems],
                              ensure_ascii=False, default=str)
        self.connection.execute(
            "INSERT INTO rejections VALUES (?, ?, ?, ?, ?, ?, ?)",
            [path.name, str(path.resolve()), digest, profile,
             datetime.now().replace(microsecond=0), error.total, problems])
        logger.warning("rejected %s: %d problems", path, error.total)

    # -- reading ------------------------------------------------------------------------

    def table(self, name: str) -> pd.DataFrame:
        """Return a canonical table as a DataFrame.

        Raises
        ------
        WorkbenchError
            ``workspace.unknown_table`` listing the canonical tables.
        """
        if name not in TABLES:
            raise WorkbenchError("workspace.unknown_table", table=name,
                                 known=", ".join(TABLES))
        return self.connection.execute(f"SELECT * FROM {name}").df()

    def sql(self, query: str, parameters: list | None = None) -> pd.DataFrame:
        """Run a SQL query against the workspace and return the result as a DataFrame."""
        return self.connection.execute(query, parameters or []).df()

    def info(self) -> dict:
        """Summarise the workspace: tables, row counts, date ranges, imports, rejections.

        Returns
        -------
        dict
            ``workspace`` (path), ``units`` (distinct unit ids over units, sales and
            signals), ``cases`` (distinct event case ids), ``tables`` (per canonical table:
            ``table``, ``rows``, ``key``, ``keys`` distinct values of the first key column,
            ``date_column``, ``first``, ``last`` as ISO strings), ``imports`` and
            ``rejections`` (newest first; each rejection with its ``problems`` as dicts
            and ``resolved`` when the same file was imported successfully later).
        """
        execute = self.connection.execute
        tables = []
        for schema in TABLES.values():
            first_key = schema.key[0]
            date_column = schema.date_column
            date_sql = (f"min({date_column}), max({date_column})" if date_column
                        else "NULL, NULL")
            rows, keys, first, last = execute(
                f"SELECT count(*), count(DISTINCT {first_key}), {date_sql} FROM {schema.name}"
            ).fetchone()
            tables.append({
                "table": schema.name, "rows": int(rows), "key": first_key, "keys": int(keys),
                "date_column": date_column,
                "first": _iso(first, schema.column(date_column).kind) if date_column else None,
                "last": _iso(last, schema.column(date_column).kind) if date_column else None,
            })
        units = execute("""SELECT count(*) FROM (SELECT unit_id FROM units UNION
                           SELECT unit_id FROM sales UNION SELECT unit_id FROM signals)"""
                        ).fetchone()[0]
        cases = execute("SELECT count(DISTINCT case_id) FROM events").fetchone()[0]
        imports = execute("""SELECT file, profile, table_name, rows, imported_at FROM imports
                             ORDER BY import_id DESC""").fetchall()
        rejections = execute("""
            SELECT r.file, r.profile, r.rejected_at, r.total, r.problems,
                   EXISTS (SELECT 1 FROM imports i WHERE i.path = r.path
                           AND i.imported_at >= r.rejected_at) AS resolved
            FROM rejections r ORDER BY r.rejected_at DESC""").fetchall()
        return {
            "workspace": str(self.path),
            "units": int(units),
            "cases": int(cases),
            "tables": tables,
            "imports": [{"file": file, "profile": profile, "table": table, "rows": int(rows),
                         "imported_at": at.isoformat()}
                        for file, profile, table, rows, at in imports],
            "rejections": [{"file": file, "profile": profile, "rejected_at": at.isoformat(),
                            "total": int(total), "problems": json.loads(problems),
                            "resolved": bool(resolved)}
                           for file, profile, at, total, problems, resolved in rejections],
        }

    def rejection_problems(self, rejection: dict) -> list[Problem]:
        """Rebuild the :class:`Problem` objects of one ``info()["rejections"]`` entry."""
        return [Problem(**problem) for problem in rejection["problems"]]


def _cast(name: str, kind: str) -> str:
    if kind == "date":
        return f"CAST(incoming.{name} AS DATE)"
    if kind == "integer":
        return f"CAST(incoming.{name} AS BIGINT)"
    if kind == "json":
        return f"CAST(incoming.{name} AS JSON)"
    return f"incoming.{name}"


def _iso(value: object, kind: str) -> str | None:
    if value is None:
        return None
    if kind == "date" and hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
