"""The canonical tables every source is mapped onto, and their column types.

| table | key | replaced on re-import by |
|---|---|---|
| units | unit_id | unit_id |
| sales | unit_id, week_start, category | the same key |
| signals | unit_id, week_start, signal | the same key |
| accounts | account_id | account_id |
| contacts | contact_id | contact_id |
| reps | rep_id | rep_id |
| events | case_id, activity, timestamp, lifecycle, resource | case_id (whole cases) |
| dialogs | dialog_id, seq | dialog_id (whole dialogs) |

Events and dialogs have no natural row key (two identical events may both be real), so a
re-import replaces whole cases or dialogs. ``category`` is the product line or department
within a unit's weekly sales, empty when the source has none. Timestamps are naive; those
that carried a UTC offset in the source were converted to UTC.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TABLES", "Column", "TableSchema"]

SQL_TYPES = {
    "text": "VARCHAR",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "json": "JSON",
}


@dataclass(frozen=True)
class Column:
    """A canonical column: its name, kind (a key of ``SQL_TYPES``) and whether it is required."""

    name: str
    kind: str
    required: bool = False
    default: object = None


@dataclass(frozen=True)
class TableSchema:
    """A canonical table: columns, row key, the key a re-import replaces, and its date column."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    replace_by: tuple[str, ...]
    date_column: str | None = None

    @property
    def column_names(self) -> list[str]:
        """Column names in storage order."""
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        return next(column for column in self.columns if column.name == name)

    def ddl(self) -> str:
        """Return the ``CREATE TABLE IF NOT EXISTS`` statement of this table."""
        body = ", ".join(f"{column.name} {SQL_TYPES[column.kind]}" for column in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({body})"


def _table(name: str, columns: list[Column], key: tuple[str, ...],
           replace_by: tuple[str, ...] | None = None, date_column: str | None = None
           ) -> TableSchema:
    return TableSchema(name, tuple(columns), key, replace_by or key, date_column)


TABLES: dict[str, TableSchema] = {schema.name: schema for schema in [
    _table("units", [
        Column("unit_id", "text", required=True),
        Column("name", "text"),
        Column("region", "text"),
        Column("kind", "text"),
        Column("attrs", "json"),
    ], key=("unit_id",)),
    _table("sales", [
        Column("unit_id", "text", required=True),
        Column("week_start", "date", required=True),
        Column("category", "text", default=""),
        Column("sales", "number", required=True),
    ], key=("unit_id", "week_start", "category"), date_column="week_start"),
    _table("signals", [
        Column("unit_id", "text", required=True),
        Column("week_start", "date", required=True),
        Column("signal", "text", required=True),
        Column("value", "number", required=True),
    ], key=("unit_id", "week_start", "signal"), date_column="week_start"),
    _table("accounts", [
        Column("account_id", "text", required=True),
        Column("name", "text"),
        Column("segment", "text"),
        Column("region", "text"),
        Column("size", "number"),
        Column("budget", "number"),
        Column("attrs", "json"),
    ], key=("account_id",)),
    _table("contacts", [
        Column("contact_id", "text", required=True),
        Column("account_id", "text", required=True),
        Column("name", "text"),
        Column("role", "text"),
        Column("persona", "text"),
        Column("attrs", "json"),
    ], key=("contact_id",)),
    _table("reps", [
        Column("rep_id", "text", required=True),
        Column("name", "text"),
        Column("region", "text"),
        Column("unit_id", "text"),
        Column("hours_per_week", "number"),
        Column("skill", "number"),
        Column("attrs", "json"),
    ], key=("rep_id",)),
    _table("events", [
        Column("case_id", "text", required=True),
        Column("activity", "text", required=True),
        Column("timestamp", "timestamp", required=True),
        Column("lifecycle", "text"),
        Column("resource", "text"),
        Column("attrs", "json"),
    ], key=("case_id", "activity", "timestamp", "lifecycle", "resource"),
        replace_by=("case_id",), date_column="timestamp"),
    _table("dialogs", [
        Column("dialog_id", "text", required=True),
        Column("seq", "integer", required=True),
        Column("turn", "integer"),
        Column("speaker", "text", required=True),
        Column("text", "text", required=True),
        Column("t_start", "number"),
        Column("t_end", "number"),
    ], key=("dialog_id", "seq"), replace_by=("dialog_id",)),
]}
