"""Turn the raw cells of exported files into typed values.

Sales teams' exports mix formats within one column: ``1,234.50`` and ``１２３４``
(full-width digits), ``2026年1月5日``, ``2026/1/5`` and ``2026-01-05``. Each converter
first tries pandas' vectorised parser and only walks the cells that failed, so clean
files pay almost nothing. Every converter returns the converted series and a boolean
mask of the cells that held a value but could not be converted.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

import numpy as np
import pandas as pd

__all__ = ["to_date", "to_number", "to_text", "to_timestamp"]

# Thousands separators are accepted only in proper groups of three digits, so that a
# decimal comma such as "12,5" is rejected instead of silently read as 125.
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_BOOLEAN = {"true": 1.0, "false": 0.0, "yes": 1.0, "no": 0.0, "y": 1.0, "n": 0.0,
            "是": 1.0, "否": 0.0}
_CURRENCY = "¥$€£"
_CHINESE_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_SEPARATED_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def _has_value(values: pd.Series) -> np.ndarray:
    return values.notna().to_numpy()


def _parse_number(cell: object) -> float | None:
    if isinstance(cell, bool | np.bool_):
        return float(cell)
    if isinstance(cell, int | float | np.integer | np.floating):
        return float(cell)
    text = unicodedata.normalize("NFKC", str(cell)).strip().replace(" ", "")
    if not text:
        return None
    if text.lower() in _BOOLEAN:
        return _BOOLEAN[text.lower()]
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    text = text.lstrip(_CURRENCY).removesuffix("元")
    divisor = 1.0
    if text.endswith("%"):
        text, divisor = text[:-1], 100.0
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _PLAIN.match(text):
        return None
    number = float(text) / divisor
    return -number if negative else number


def to_number(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Convert cells to float64.

    Accepts plain numbers, thousands separators in groups of three (``1,234.5``),
    full-width digits and punctuation, a leading currency sign or trailing ``元``,
    accounting negatives ``(1,234)``, percentages (``12%`` gives 0.12) and booleans
    (TRUE/FALSE, 是/否, which give 1 and 0).

    Returns
    -------
    numbers, invalid
        The float64 series (NaN where missing or invalid) and the mask of invalid cells.
    """
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64"), np.zeros(len(values), dtype=bool)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype("float64"), np.zeros(len(values), dtype=bool)

    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    failed = np.flatnonzero(numbers.isna().to_numpy() & _has_value(values))
    if len(failed) == 0:
        return numbers, np.zeros(len(values), dtype=bool)

    numbers = numbers.copy()
    invalid = np.zeros(len(values), dtype=bool)
    cells = values.to_numpy()
    positions = numbers.to_numpy(copy=True)
    for position in failed:
        parsed = _parse_number(cells[position])
        if parsed is None:
            invalid[position] = True
        else:
            positions[position] = parsed
    return pd.Series(positions, index=values.index, dtype="float64"), invalid


def _canonical_date_text(cell: object) -> str | None:
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    text = unicodedata.normalize("NFKC", str(cell)).strip()
    for pattern in (_CHINESE_DATE, _SEPARATED_DATE):
        match = pattern.match(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            rest = text[match.end():].strip()
            return f"{year:04d}-{month:02d}-{day:02d}" + (f" {rest}" if rest else "")
    if re.fullmatch(r"\d{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return None


def _to_datetime(values: pd.Series, date_format: str | None, keep_time: bool
                 ) -> tuple[pd.Series, np.ndarray]:
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return _strip_time(values, keep_time).astype("datetime64[us]"), np.zeros(
            len(values), dtype=bool)

    # Dates repeat (one per week for every unit): parse each distinct cell once.
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    uniques = pd.Series(uniques, dtype=object)
    parsed = _parse_stamps(uniques, date_format or "ISO8601")
    failed = parsed.isna().to_numpy()
    if failed.any() and not date_format:
        # Second pass: Chinese and slash dates, spreadsheet datetimes, compact yyyymmdd.
        repaired = uniques[failed].map(_canonical_date_text)
        parsed[failed] = _parse_stamps(repaired, "ISO8601").to_numpy()
        failed = parsed.isna().to_numpy()

    lookup = np.append(parsed.to_numpy(), np.datetime64("NaT", "us"))
    stamps = pd.Series(lookup[codes], index=values.index, dtype="datetime64[us]")
    invalid = np.append(failed, False)[codes]
    return _strip_time(stamps, keep_time), invalid


def _parse_stamps(cells: pd.Series, date_format: str) -> pd.Series:
    # utc=True accepts mixed offsets (daylight saving time); naive cells stay as written.
    stamps = pd.to_datetime(cells, format=date_format, errors="coerce", utc=True)
    return stamps.dt.tz_localize(None).astype("datetime64[us]")


def _strip_time(stamps: pd.Series, keep_time: bool) -> pd.Series:
    if getattr(stamps.dtype, "tz", None) is not None:
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps if keep_time else stamps.dt.normalize()


def to_date(values: pd.Series, date_format: str | None = None) -> tuple[pd.Series, np.ndarray]:
    """Convert cells to dates (midnight timestamps).

    Without ``date_format`` a column may mix ISO dates, ``2026/1/5``, ``2026.1.5``,
    ``2026年1月5日`` (full-width digits too), ``20260105`` and spreadsheet dates. Day-first
    or month-first forms such as ``05/01/2026`` are ambiguous and rejected unless the
    source profile names a ``date_format``.
    """
    return _to_datetime(values, date_format, keep_time=False)


def to_timestamp(values: pd.Series, date_format: str | None = None
                 ) -> tuple[pd.Series, np.ndarray]:
    """Convert cells to naive timestamps; values with a UTC offset are converted to UTC."""
    return _to_datetime(values, date_format, keep_time=True)


def to_text(values: pd.Series) -> pd.Series:
    """Convert cells to stripped strings, as a categorical (missing or blank cells are NaN).

    Whole floats such as ``1.0``, which spreadsheets produce for integer ids, become ``"1"``.
    Identifier and category columns repeat a few values many times, so each distinct
    value is cleaned once, and the categorical keeps the column compact.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned = [_clean_text(cell) for cell in uniques]
    # Cleaning may merge values (" 1" and "1") or blank them: factorize once more.
    clean_codes, categories = pd.factorize(pd.Series(cleaned, dtype=object),
                                           use_na_sentinel=True)
    lookup = np.append(clean_codes, -1)  # code -1 (missing) stays missing
    return pd.Series(pd.Categorical.from_codes(lookup[codes], categories=list(categories)),
                     index=values.index)


def _clean_text(cell: object) -> str | None:
    if isinstance(cell, float | np.floating) and float(cell).is_integer():
        return str(int(cell))
    text = str(cell).strip()
    return text or None
