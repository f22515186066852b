"""Target overrides with an audit trail in the workspace.

A regional lead or a rep may replace a suggested target with a value of their own and a
reason. Every override is appended to ``targets_overrides`` (who, role, when, why, the
algorithm's value and the override); nothing is updated or deleted, so the table is the
audit trail. The override in force for a unit and week is the latest one.
"""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd

from workbench.data import Workspace
from workbench.errors import WorkbenchError
from workbench.i18n import t

__all__ = ["ROLES", "add_override", "list_overrides"]

ROLES = ("regional_lead", "rep")

_DDL = """CREATE TABLE IF NOT EXISTS targets_overrides (
    override_id BIGINT, unit_id VARCHAR, week_start DATE, algorithm_value DOUBLE,
    override_value DOUBLE, reason VARCHAR, author VARCHAR, role VARCHAR,
    created_at TIMESTAMP)"""


def _number(value: object, field: str) -> float:
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError as error:
        raise WorkbenchError("targets.override_not_number", field=t(f"targets.field.{field}"),
                             value=str(value)) from error
    if not math.isfinite(number) or number < 0:
        raise WorkbenchError("targets.override_not_number", field=t(f"targets.field.{field}"),
                             value=str(value))
    return number


def add_override(workspace: Workspace, unit_id: str, week_start, value, *, reason: str,
                 author: str, role: str, algorithm_value) -> int:
    """Store an override and return its id.

    Raises
    ------
    WorkbenchError
        For an empty reason or author, an unknown role, a value that is not a
        non-negative number or an unparseable week; nothing is stored then.
    """
    if not str(reason or "").strip():
        raise WorkbenchError("targets.override_reason_missing")
    if not str(author or "").strip():
        raise WorkbenchError("targets.override_author_missing")
    if role not in ROLES:
        raise WorkbenchError("targets.override_role_invalid", role=str(role),
                             roles=", ".join(ROLES))
    override_value = _number(value, "value")
    algorithm = _number(algorithm_value, "algorithm_value")
    try:
        week = pd.Timestamp(week_start).date()
    except (ValueError, TypeError) as error:
        raise WorkbenchError("targets.override_week_invalid", value=str(week_start)) from error

    connection = workspace.connection
    connection.execute(_DDL)
    connection.execute("BEGIN TRANSACTION")
    try:
        override_id = connection.execute(
            "SELECT coalesce(max(override_id), 0) + 1 FROM targets_overrides").fetchone()[0]
        connection.execute(
            "INSERT INTO targets_overrides VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [override_id, str(unit_id), week, algorithm, override_value, str(reason).strip(),
             str(author).strip(), role, datetime.now().replace(microsecond=0)])
        connection.execute("COMMIT")
    except Exception:
        connection.execute("ROLLBACK")
        raise
    return int(override_id)


def list_overrides(workspace: Workspace, *, latest_only: bool = True) -> pd.DataFrame:
    """Return overrides, newest first; with ``latest_only`` the one in force per unit and week."""
    exists = workspace.connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'targets_overrides'"
    ).fetchone()[0]
    if not exists:
        return pd.DataFrame(columns=["override_id", "unit_id", "week_start", "algorithm_value",
                                     "override_value", "reason", "author", "role",
                                     "created_at"])
    query = "SELECT * FROM targets_overrides"
    if latest_only:
        query += (" QUALIFY row_number() OVER (PARTITION BY unit_id, week_start "
                  "ORDER BY override_id DESC) = 1")
    return workspace.sql(query + " ORDER BY override_id DESC")
