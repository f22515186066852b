"""Source profiles: YAML column maps from an exported file onto a canonical table.

A profile lists sources; each source matches file names (``fnmatch``, case-insensitive)
and states how to read the file and which column feeds which canonical field::

    name: walmart
    sources:
      - match: "train*.csv*"
        table: sales
        columns: {unit_id: Store, category: Dept, week_start: Date, sales: Weekly_Sales}

A ``columns`` entry may list alternatives (the first one present in the file is used), so
one profile serves exports whose headers differ. Other source keys: ``signals`` (wide
signal columns to long ``signals`` rows), ``attrs`` (columns kept as JSON; ``"*"`` keeps
every unmapped column), ``constants``, ``values`` (value maps per field), ``scale``
(unit conversion factors per field), ``date_format``, and the reader options
``encoding``, ``delimiter``, ``header``, ``names``, ``header_rows``, ``sheet``.

Built-in profiles live in ``workbench/data/profiles/``; a project may add its own in
``data/profiles/`` or pass the path of a YAML file.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from workbench.data.canonical import TABLES, TableSchema
from workbench.data.normalize import to_date, to_number, to_text, to_timestamp
from workbench.data.readers import RawTable, read_table
from workbench.errors import DataFileError, Problem, WorkbenchError

__all__ = ["MAX_LISTED_PROBLEMS", "Profile", "Source", "available_profiles", "load_profile"]

MAX_LISTED_PROBLEMS = 20
LOCAL_PROFILE_DIR = Path("data/profiles")

_SOURCE_KEYS = {"match", "table", "columns", "signals", "attrs", "constants", "values", "scale",
                "date_format", "encoding", "delimiter", "header", "names", "header_rows",
                "sheet"}
_PROFILE_KEYS = {"name", "title", "description", "sources"}
_READER_OPTIONS = ("encoding", "delimiter", "header", "names", "header_rows", "sheet")


@dataclass(frozen=True)
class Source:
    """Mapping of one kind of file in a profile onto one canonical table."""

    match: tuple[str, ...]
    table: str
    columns: dict[str, tuple[str, ...]]
    signals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    attrs: dict[str, str] | str = field(default_factory=dict)
    constants: dict[str, object] = field(default_factory=dict)
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    scale: dict[str, float] = field(default_factory=dict)
    date_format: str | None = None
    reader: dict[str, object] = field(default_factory=dict)

    def matches(self, file_name: str) -> bool:
        """Return whether ``file_name`` matches one of this source's patterns."""
        name = file_name.lower()
        return any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in self.match)


@dataclass(frozen=True)
class Profile:
    """A named set of sources, loaded from YAML."""

    name: str
    sources: tuple[Source, ...]
    title: dict[str, str] = field(default_factory=dict)
    origin: str = ""

    def source_for(self, file_name: str) -> Source:
        """Return the first source whose pattern matches ``file_name``.

        Raises
        ------
        DataFileError
            If no source matches; the fix lists the profile's patterns.
        """
        for source in self.sources:
            if source.matches(file_name):
                return source
        patterns = ", ".join(pattern for source in self.sources for pattern in source.match)
        raise DataFileError(file_name, [Problem(
            file_name, "profile.no_source", value=file_name,
            params={"profile": self.name, "patterns": patterns})])

    def read(self, path: str | Path) -> tuple[str, pd.DataFrame]:
        """Read ``path`` and map it onto its canonical table; return ``(table, frame)``.

        Raises
        ------
        DataFileError
            With every problem found (the first :data:`MAX_LISTED_PROBLEMS` listed).
        """
        path = Path(path)
        source = self.source_for(path.name)
        raw = read_table(path, text_columns=_text_source_columns(source), **source.reader)
        return source.table, map_source(raw, source)


def _as_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    return (str(value),)


def _text_source_columns(source: Source) -> set[str]:
    schema = TABLES[source.table]
    kinds = {column.name: column.kind for column in schema.columns}
    return {name for field_name, names in source.columns.items()
            if kinds.get(field_name) in {"text", "date", "timestamp"} for name in names}


def _invalid_profile(origin: str, detail_key: str, **params: object) -> WorkbenchError:
    return WorkbenchError("profile.invalid", origin=origin, detail=WorkbenchError(
        detail_key, **params))


def _parse_source(entry: object, origin: str, index: int) -> Source:
    if not isinstance(entry, dict):
        raise _invalid_profile(origin, "profile.source_not_mapping", index=index)
    unknown = sorted(set(entry) - _SOURCE_KEYS)
    if unknown:
        raise _invalid_profile(origin, "profile.unknown_key", key=unknown[0],
                               allowed=", ".join(sorted(_SOURCE_KEYS)))
    table = entry.get("table")
    if table not in TABLES:
        raise _invalid_profile(origin, "profile.unknown_table", table=table,
                               allowed=", ".join(TABLES))
    schema = TABLES[table]
    columns = {str(name): _as_tuple(value) for name, value in (entry.get("columns") or {}).items()}
    for field_name in list(columns) + list(entry.get("constants") or {}):
        if field_name not in schema.column_names:
            raise _invalid_profile(origin, "profile.unknown_field", field=field_name,
                                   table=table, allowed=", ".join(schema.column_names))
    if "match" not in entry:
        raise _invalid_profile(origin, "profile.missing_match", index=index)
    attrs = entry.get("attrs") or {}
    if isinstance(attrs, list):
        attrs = {str(name): str(name) for name in attrs}
    return Source(
        match=_as_tuple(entry["match"]),
        table=table,
        columns=columns,
        signals={str(name): _as_tuple(value)
                 for name, value in (entry.get("signals") or {}).items()},
        attrs=attrs,
        constants=dict(entry.get("constants") or {}),
        values={str(name): {str(key): value for key, value in mapping.items()}
                for name, mapping in (entry.get("values") or {}).items()},
        scale={str(name): float(value) for name, value in (entry.get("scale") or {}).items()},
        date_format=entry.get("date_format"),
        reader={key: entry[key] for key in _READER_OPTIONS if key in entry},
    )


def parse_profile(document: object, origin: str) -> Profile:
    """Build a :class:`Profile` from a parsed YAML document.

    Raises
    ------
    WorkbenchError
        ``profile.invalid`` naming the file and the offending key or value.
    """
    if not isinstance(document, dict) or not document.get("sources"):
        raise _invalid_profile(origin, "profile.no_sources")
    unknown = sorted(set(document) - _PROFILE_KEYS)
    if unknown:
        raise _invalid_profile(origin, "profile.unknown_key", key=unknown[0],
                               allowed=", ".join(sorted(_PROFILE_KEYS)))
    sources = tuple(_parse_source(entry, origin, index)
                    for index, entry in enumerate(document["sources"], start=1))
    name = str(document.get("name") or Path(origin).stem)
    return Profile(name, sources, dict(document.get("title") or {}), origin)


def _builtin_dir():
    return resources.files("workbench").joinpath("data", "profiles")


def available_profiles() -> dict[str, str]:
    """Return ``{name: origin}`` of the built-in and project-local profiles."""
    found = {entry.name[:-5]: str(entry) for entry in _builtin_dir().iterdir()
             if entry.name.endswith(".yaml")}
    if LOCAL_PROFILE_DIR.is_dir():
        found.update({path.stem: str(path) for path in LOCAL_PROFILE_DIR.glob("*.yaml")})
    return dict(sorted(found.items()))


def load_profile(name: str) -> Profile:
    """Load a profile by name (built-in or in ``data/profiles/``) or by YAML file path.

    Raises
    ------
    WorkbenchError
        ``profile.unknown`` listing the known names, or ``profile.invalid``.
    """
    candidate = Path(name)
    if candidate.suffix in {".yaml", ".yml"} and candidate.is_file():
        origin = str(candidate)
        text = candidate.read_text("utf-8")
    else:
        known = available_profiles()
        if name not in known:
            raise WorkbenchError("profile.unknown", name=name, known=", ".join(known))
        origin = known[name]
        text = Path(origin).read_text("utf-8") if Path(origin).is_file() else (
            _builtin_dir().joinpath(f"{name}.yaml").read_text("utf-8"))
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise _invalid_profile(origin, "profile.bad_yaml",
                               line=mark.line + 1 if mark else "?",
                               column=mark.column + 1 if mark else "?") from error
    return parse_profile(document, origin)


class _Collector:
    """Collect problems, keeping the first few and counting them all."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.listed: list[Problem] = []
        self.total = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if len(self.listed) < MAX_LISTED_PROBLEMS:
            self.listed.append(problem)

    def add_cells(self, key: str, mask: np.ndarray, raw: RawTable, column: str,
                  cells: pd.Series, **params: object) -> None:
        positions = np.flatnonzero(mask)
        self.total += len(positions)
        room = MAX_LISTED_PROBLEMS - len(self.listed)
        for position in positions[:max(room, 0)]:
            self.listed.append(Problem(self.file, key, row=int(raw.rows[position]),
                                       column=column, value=str(cells.iloc[position]),
                                       params=params))

    def raise_if_any(self) -> None:
        if self.total:
            raise DataFileError(self.file, self.listed, self.total)


def _resolve_column(raw: RawTable, candidates: tuple[str, ...]) -> str | None:
    present = set(raw.frame.columns)
    return next((name for name in candidates if name in present), None)


def _convert(kind: str, cells: pd.Series, source: Source, field_name: str
             ) -> tuple[pd.Series, np.ndarray, str | None]:
    if field_name in source.values:
        mapping = source.values[field_name]
        as_text = to_text(cells)
        cells = as_text.map(lambda cell: mapping.get(cell, cell) if cell is not None else None)
    if kind == "text":
        return to_text(cells), np.zeros(len(cells), dtype=bool), None
    if kind in {"number", "integer"}:
        numbers, invalid = to_number(cells)
        if field_name in source.scale:
            numbers = numbers * source.scale[field_name]
        if kind == "integer":
            fractional = numbers.notna().to_numpy() & (numbers.fillna(0).to_numpy() % 1 != 0)
            return numbers, invalid | fractional, "map.not_an_integer"
        return numbers, invalid, "map.not_a_number"
    if kind == "date":
        dates, invalid = to_date(cells, source.date_format)
        return dates, invalid, "map.not_a_date"
    if kind == "timestamp":
        stamps, invalid = to_timestamp(cells, source.date_format)
        return stamps, invalid, "map.not_a_date"
    raise ValueError(f"unknown column kind {kind!r}")


def _json_cells(frame: pd.DataFrame) -> list[str | None]:
    def plain(value: object) -> object:
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, pd.Timestamp):
            return value.isoformat()
        return value

    names = list(frame.columns)
    out = []
    for row in frame.itertuples(index=False, name=None):
        kept = {name: plain(value) for name, value in zip(names, row, strict=True)
                if value is not None and not (isinstance(value, float) and np.isnan(value))}
        out.append(json.dumps(kept, ensure_ascii=False, default=str) if kept else None)
    return out


def map_source(raw: RawTable, source: Source) -> pd.DataFrame:
    """Map a read file onto its canonical table, checking every cell.

    Raises
    ------
    DataFileError
        Listing missing or duplicated columns, invalid or missing cells and duplicate keys.
    """
    schema = TABLES[source.table]
    problems = _Collector(raw.file)
    frame = pd.DataFrame({"_row": raw.rows}, index=raw.frame.index)
    used: set[str] = set()

    for column in schema.columns:
        candidates = source.columns.get(column.name)
        if candidates is None:
            continue
        found = _resolve_column(raw, candidates)
        if found is None:
            if column.required:
                problems.add(Problem(raw.file, "map.missing_column", column=" | ".join(candidates),
                                     params={"field": column.name, "table": schema.name,
                                             "found": ", ".join(map(str, raw.frame.columns))}))
            continue
        if found in raw.duplicates:
            problems.add(Problem(raw.file, "map.duplicate_column", column=found,
                                 params={"positions": ", ".join(map(str, raw.duplicates[found]))}))
            continue
        used.add(found)
        cells = raw.frame[found]
        converted, invalid, invalid_key = _convert(column.kind, cells, source, column.name)
        if invalid_key and invalid.any():
            problems.add_cells(invalid_key, invalid, raw, found, cells)
        if column.required:
            missing = converted.isna().to_numpy() & ~invalid
            if missing.any():
                problems.add_cells("map.missing_value", missing, raw, found, cells.astype(object)
                                   .where(cells.notna(), ""))
        frame[column.name] = converted

    if not problems.total:
        frame = _add_derived(frame, raw, source, schema, problems, used)
    problems.raise_if_any()
    if not problems.total:
        _check_unique_keys(frame, raw, schema, problems, source)
    problems.raise_if_any()
    return frame.reset_index(drop=True)[schema.column_names]


def _add_derived(frame: pd.DataFrame, raw: RawTable, source: Source, schema: TableSchema,
                 problems: _Collector, used: set[str]) -> pd.DataFrame:
    for name, value in source.constants.items():
        frame[name] = value
    if source.signals:
        frame = _melt_signals(frame, raw, source, problems, used)
    elif schema.name == "dialogs":
        frame["seq"] = frame.groupby("dialog_id", sort=False).cumcount() + 1
    if "attrs" in schema.column_names and source.attrs and not source.signals:
        if source.attrs == "*":
            attrs = {name: name for name in raw.frame.columns if name not in used}
        else:
            attrs = source.attrs
        present = {key: name for key, name in attrs.items() if name in raw.frame.columns}
        chosen = raw.frame[list(present.values())].copy()
        chosen.columns = list(present)
        chosen = chosen.astype(object).where(chosen.notna(), None)
        frame["attrs"] = _json_cells(chosen)
    for column in schema.columns:
        if column.name not in frame.columns:
            frame[column.name] = column.default
        elif column.default is not None:
            frame[column.name] = frame[column.name].fillna(column.default)
    return frame


def _melt_signals(frame: pd.DataFrame, raw: RawTable, source: Source, problems: _Collector,
                  used: set[str]) -> pd.DataFrame:
    """Turn wide signal columns into long rows; missing cells give no row."""
    parts = []
    base = frame.drop(columns=[c for c in ("signal", "value") if c in frame.columns])
    for signal, candidates in source.signals.items():
        found = _resolve_column(raw, candidates)
        if found is None:
            continue
        used.add(found)
        cells = raw.frame[found]
        numbers, invalid = to_number(cells)
        if signal in source.scale:
            numbers = numbers * source.scale[signal]
        if invalid.any():
            problems.add_cells("map.not_a_number", invalid, raw, found, cells)
        part = base.copy()
        part["signal"] = signal
        part["value"] = numbers.to_numpy()
        parts.append(part[part["value"].notna()])
    if not parts:
        wanted = " | ".join(name for names in source.signals.values() for name in names)
        problems.add(Problem(raw.file, "map.no_signal_columns", column=wanted,
                             params={"found": ", ".join(map(str, raw.frame.columns))}))
        return base.iloc[0:0]
    return pd.concat(parts, ignore_index=True)


def _check_unique_keys(frame: pd.DataFrame, raw: RawTable, schema: TableSchema,
                       problems: _Collector, source: Source) -> None:
    if schema.key != schema.replace_by and schema.name == "events":
        return  # identical events may legitimately repeat; cases are replaced whole
    duplicated = frame.duplicated(list(schema.key), keep=False).to_numpy()
    if not duplicated.any():
        return
    clashes = frame.loc[duplicated].groupby(list(schema.key), sort=False, dropna=False)["_row"]
    for key_values, rows in clashes:
        row_list = [int(row) for row in rows]
        key_text = ", ".join(str(value) for value in np.atleast_1d(key_values))
        problems.add(Problem(raw.file, "map.duplicate_key", row=row_list[1],
                             value=key_text,
                             params={"key": ", ".join(schema.key), "first_row": row_list[0]}))
