"""Readers for the files sales teams export.

Formats: CSV, TSV, whitespace-separated text, XLSX and XES, each optionally gzip-compressed.

A reader returns a :class:`RawTable`: the cells as found, the source row number of every
record, and the problems seen on the way. Readers never coerce types; that is the job of
the source profile, which knows what each column means.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.errors import DataFileError, Problem

__all__ = ["RawTable", "decode_text", "detect_encoding", "read_table", "MISSING_MARKERS"]

logger = logging.getLogger(__name__)

# Cells that mean "no value" in CRM and ERP exports.
MISSING_MARKERS = ["", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "#N/A", "None"]

_BOM = b"\xef\xbb\xbf"
_TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat"}
_DELIMITERS = {"comma": ",", "tab": "\t", "semicolon": ";", "pipe": "|", "whitespace": None}


@dataclass
class RawTable:
    """Cells of one file as read, before any mapping onto a canonical table.

    Attributes
    ----------
    file
        The file name shown to users in messages.
    frame
        One column per source column, named as in the header; cells are strings,
        numbers, timestamps or missing.
    rows
        Source row number of each record, as a spreadsheet or editor shows it.
    encoding
        Detected text encoding (``None`` for XLSX and XES).
    duplicates
        Header names that occur more than once, with their 1-based positions.
    """

    file: str
    frame: pd.DataFrame
    rows: np.ndarray
    encoding: str | None = None
    duplicates: dict[str, list[int]] = field(default_factory=dict)


def detect_encoding(raw: bytes) -> str:
    """Return the encoding of ``raw``: UTF-8 with BOM, else UTF-8, else GB18030.

    UTF-8 is tried before GB18030 because GB18030 decodes almost any byte string, so a
    valid UTF-8 file must never reach it. GB18030 is a superset of GBK and GB2312.

    Raises
    ------
    ValueError
        If the bytes are valid in none of the three encodings.
    """
    if raw.startswith(_BOM):
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    raw.decode("gb18030")
    return "gb18030"


def decode_text(raw: bytes, file: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode ``raw`` with ``encoding`` or the detected one; return ``(text, encoding)``.

    Raises
    ------
    DataFileError
        If the bytes cannot be decoded; the problem names the first bad byte's line.
    """
    try:
        chosen = encoding or detect_encoding(raw)
        return raw.decode(chosen), chosen
    except (UnicodeDecodeError, LookupError) as error:
        start = getattr(error, "start", 0)
        line = raw[:start].count(b"\n") + 1 if start else None
        raise DataFileError(file, [Problem(file, "read.encoding", row=line,
                                           params={"encoding": encoding or "UTF-8/GB18030"})]
                            ) from error


def _open_bytes(path: Path) -> tuple[bytes, str]:
    raw = path.read_bytes()
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as error:
            raise DataFileError(path.name, [Problem(path.name, "read.bad_gzip")]) from error
        suffixes = suffixes[:-1]
    return raw, (suffixes[-1] if suffixes else "")


def read_table(path: str | Path, *, encoding: str | None = None, delimiter: str | None = None,
               header: bool = True, names: list[str] | None = None,
               header_rows: int | None = None, sheet: str | None = None,
               text_columns: set[str] | None = None) -> RawTable:
    """Read one exported file into a :class:`RawTable`.

    Parameters
    ----------
    path
        A ``.csv``, ``.tsv``, ``.txt``, ``.xlsx`` or ``.xes`` file, optionally ``.gz``.
    encoding
        Text encoding; detected when ``None`` (see :func:`detect_encoding`).
    delimiter
        ``comma``, ``tab``, ``semicolon``, ``pipe``, ``whitespace`` or a single character;
        sniffed from the header line when ``None``.
    header, names
        Whether the first line is a header; without one, ``names`` names the columns.
    header_rows
        XLSX only: 1 or 2 header rows; detected from merged cells when ``None``.
    sheet
        XLSX only: the sheet name (default: the first sheet).
    text_columns
        Columns to keep as text (identifiers with leading zeros, dates); the others may
        be parsed as numbers by pandas.

    Raises
    ------
    DataFileError
        If the file is empty, cut off, malformed or cannot be decoded.
    """
    path = Path(path)
    raw, kind = _open_bytes(path)
    if not raw.strip().removeprefix(_BOM).strip():
        raise DataFileError(path.name, [Problem(path.name, "read.empty")])
    if kind == ".xlsx":
        from workbench.data.xlsx import read_xlsx

        return read_xlsx(raw, path.name, header_rows=header_rows, sheet=sheet)
    if kind == ".xes":
        from workbench.data.xes import read_xes

        return read_xes(raw, path.name)
    if kind in _TEXT_SUFFIXES or kind == "":
        if delimiter is None and kind == ".tsv":
            delimiter = "tab"
        return _read_text(raw, path.name, encoding=encoding, delimiter=delimiter,
                          header=header, names=names, text_columns=text_columns or set())
    raise DataFileError(path.name, [Problem(path.name, "read.unsupported_type",
                                            value=kind or path.name)])


def _sniff_delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (",", "\t", ";", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _read_text(raw: bytes, file: str, *, encoding: str | None, delimiter: str | None,
               header: bool, names: list[str] | None, text_columns: set[str]) -> RawTable:
    text, chosen = decode_text(raw, file, encoding)
    text = text.removeprefix("\ufeff")
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]

    whitespace = delimiter == "whitespace"
    sep = None if whitespace else _DELIMITERS.get(delimiter, delimiter) if delimiter else (
        _sniff_delimiter(first_line))

    if header:
        header_names = next(csv.reader([first_line], delimiter=sep)) if sep else (
            first_line.split())
        header_names = [name.strip() for name in header_names]
    else:
        header_names = list(names or [])
    duplicates = _duplicate_names(header_names)

    _check_not_cut_off(text, file, sep, len(header_names), header)

    # Categorical keeps identifiers as written ("007" stays "007") and is far cheaper
    # than one string object per cell for columns that repeat a few values.
    dtype = {name: object for name in text_columns if name in header_names}
    try:
        frame = pd.read_csv(
            io.BytesIO(raw), encoding=chosen, sep=r"\s+" if whitespace else sep,
            header=0 if header else None, names=None if header else header_names,
            dtype=dtype or None, na_values=MISSING_MARKERS, keep_default_na=False,
            skip_blank_lines=False, skipinitialspace=True,
            engine="c",
        )
    except pd.errors.ParserError as error:
        raise DataFileError(file, [_parser_problem(file, str(error))]) from error
    except pd.errors.EmptyDataError as error:
        raise DataFileError(file, [Problem(file, "read.empty")]) from error

    if header:
        # pandas renames duplicates to "name.1"; restore the names the user wrote so
        # messages quote the file, and let the profile decide whether a duplicate matters.
        frame.columns = header_names if len(header_names) == frame.shape[1] else frame.columns
        frame.columns = [str(column).strip() for column in frame.columns]
    first_data_row = 2 if header else 1
    rows = np.arange(first_data_row, first_data_row + len(frame))
    blank = frame.isna().all(axis=1).to_numpy()
    if blank.any():
        frame = frame.loc[~blank].reset_index(drop=True)
        rows = rows[~blank]
    logger.debug("read %s: %d records, encoding %s", file, len(frame), chosen)
    return RawTable(file, frame, rows, chosen, duplicates)


def _duplicate_names(names: list[str]) -> dict[str, list[int]]:
    counts = Counter(names)
    return {name: [i + 1 for i, other in enumerate(names) if other == name]
            for name, count in counts.items() if count > 1}


def _check_not_cut_off(text: str, file: str, sep: str | None, width: int, header: bool) -> None:
    """Reject a file whose last record stops before its last field (a cut-off export)."""
    if text.endswith(("\n", "\r")) or width <= 1:
        return
    lines = re.split(r"\r\n|\r|\n", text)
    last_line = lines[-1]
    fields = next(csv.reader([last_line], delimiter=sep)) if sep else last_line.split()
    if len(fields) < width and not (header and len(lines) == 1):
        raise DataFileError(file, [Problem(
            file, "read.cut_off", row=len(lines), value=last_line,
            params={"found": len(fields), "expected": width})])


def _parser_problem(file: str, detail: str) -> Problem:
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", detail)
    if fields:
        expected, line, found = (int(group) for group in fields.groups())
        return Problem(file, "read.field_count", row=line,
                       params={"expected": expected, "found": found})
    if "EOF inside string" in detail or "EOF" in detail:
        line = re.search(r"line (\d+)", detail)
        return Problem(file, "read.unclosed_quote", row=int(line.group(1)) if line else None)
    return Problem(file, "read.malformed", params={"detail": detail})
