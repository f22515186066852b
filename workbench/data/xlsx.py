"""XLSX reader that understands the headers of Chinese report exports.

Such exports often start with a title row merged across the sheet, and group columns
under a two-row header: ``销售额`` merged over ``线上`` and ``线下``, with ``门店`` merged
down both rows. The reader skips title rows, detects the two-row header from the merged
cells, and names grouped columns ``parent/child`` (``销售额/线上``).
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pandas as pd

from workbench.errors import DataFileError, Problem

__all__ = ["read_xlsx"]


def read_xlsx(raw: bytes, file: str, *, header_rows: int | None = None,
              sheet: str | None = None) -> object:
    """Read the first (or named) sheet of an XLSX file into a ``RawTable``.

    Raises
    ------
    DataFileError
        If the file is not a valid XLSX workbook, the sheet is missing, or it has no
        header.
    """
    from openpyxl import load_workbook

    from workbench.data.readers import RawTable, _duplicate_names

    try:
        # Not read_only: merged-cell ranges are only available on a full load.
        workbook = load_workbook(io.BytesIO(raw), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise DataFileError(file, [Problem(file, "read.bad_xlsx")]) from error
    if sheet is not None and sheet not in workbook.sheetnames:
        raise DataFileError(file, [Problem(file, "read.missing_sheet", value=sheet,
                                           params={"sheets": ", ".join(workbook.sheetnames)})])
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    cells = [list(row) for row in worksheet.iter_rows(values_only=True)]
    merged = [(r.min_row, r.max_row, r.min_col, r.max_col) for r in worksheet.merged_cells.ranges]

    header_row = _first_header_row(cells)
    if header_row is None:
        raise DataFileError(file, [Problem(file, "read.empty")])
    if header_rows is None:
        header_rows = 2 if _spans_two_rows(header_row, merged) else 1

    names = _header_names(cells, header_row, header_rows, merged)
    width = len(names)
    first_data = header_row + header_rows  # 1-based row number of the first record
    records, rows = [], []
    for number, row in enumerate(cells[first_data - 1:], start=first_data):
        values = (row + [None] * width)[:width]
        if all(_blank(value) for value in values):
            continue
        records.append(values)
        rows.append(number)
    frame = pd.DataFrame(records, columns=names, dtype=object)
    frame = frame.replace({"": None})
    return RawTable(file, frame, np.asarray(rows, dtype=np.int64), None, _duplicate_names(names))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _first_header_row(cells: list[list[object]]) -> int | None:
    """Return the 1-based row of the header, skipping empty rows and title rows.

    A title row has a single filled cell while the next row has several.
    """
    filled = [sum(not _blank(value) for value in row) for row in cells]
    for index, count in enumerate(filled):
        if count == 0:
            continue
        following = next((c for c in filled[index + 1:] if c), 0)
        if count == 1 and following > 1:
            continue
        return index + 1
    return None


def _spans_two_rows(header_row: int, merged: list[tuple[int, int, int, int]]) -> bool:
    for min_row, max_row, min_col, max_col in merged:
        vertical = min_row == header_row and max_row == header_row + 1
        grouped = min_row == max_row == header_row and max_col > min_col
        if vertical or grouped:
            return True
    return False


def _header_names(cells: list[list[object]], header_row: int, header_rows: int,
                  merged: list[tuple[int, int, int, int]]) -> list[str]:
    top = list(cells[header_row - 1])
    width = max(len(top), *(max_col for *_, max_col in merged)) if merged else len(top)
    top = (top + [None] * width)[:width]
    if header_rows == 1:
        names = [_text(value) for value in top]
    else:
        bottom = (list(cells[header_row]) + [None] * width)[:width] if header_row < len(
            cells) else [None] * width
        # openpyxl fills only the top-left cell of a merged range: spread the group name.
        parents = [_text(value) for value in top]
        for min_row, _, min_col, max_col in merged:
            if min_row == header_row:
                for column in range(min_col, max_col + 1):
                    parents[column - 1] = _text(top[min_col - 1])
        names = []
        for parent, child in zip(parents, (_text(value) for value in bottom), strict=True):
            if parent and child and parent != child:
                names.append(f"{parent}/{child}")
            else:
                names.append(child or parent)
    while names and not names[-1]:
        names.pop()
    return [name or f"column{index + 1}" for index, name in enumerate(names)]


def _text(value: object) -> str:
    return "" if value is None else " ".join(str(value).split())
