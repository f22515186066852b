"""Readers and converters on hand-made files with the quirks of real exports."""

import gzip

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from workbench.data.normalize import to_date, to_number, to_text
from workbench.data.readers import detect_encoding, read_table
from workbench.errors import DataFileError

CHINESE_CSV = "门店编号,周开始日期,销售额\nS001,2026年1月5日,\"12,345.50\"\nS002,2026/1/5,８８８\n"


def test_gbk_file_with_chinese_headers_reads_correctly(tmp_path):
    path = tmp_path / "周销售.csv"
    path.write_bytes(CHINESE_CSV.encode("gbk"))
    table = read_table(path)
    assert table.encoding == "gb18030"
    assert list(table.frame.columns) == ["门店编号", "周开始日期", "销售额"]
    assert table.frame["门店编号"].tolist() == ["S001", "S002"]


def test_utf8_file_with_bom_reads_correctly(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CHINESE_CSV.encode("utf-8"))
    table = read_table(path)
    assert table.encoding == "utf-8-sig"
    assert table.frame.columns[0] == "门店编号"


def test_utf8_is_never_read_as_gb18030():
    raw = "华东区门店销售额".encode()
    raw.decode("gb18030")  # the same bytes are also valid GB18030, just wrong
    assert detect_encoding(raw) == "utf-8"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_line_endings(tmp_path, newline):
    path = tmp_path / "stores.csv"
    path.write_bytes(newline.join(["Store,Type,Size", "1,A,151315", "2,B,202307"]).encode())
    table = read_table(path)
    assert table.frame.shape == (2, 3)
    assert table.frame["Size"].tolist() == [151315, 202307]
    assert table.rows.tolist() == [2, 3]


def test_tsv_and_gzip(tmp_path):
    path = tmp_path / "signals.tsv.gz"
    path.write_bytes(gzip.compress(b"unit\tvalue\nA\t1.5\n"))
    table = read_table(path)
    assert table.frame.to_dict("list") == {"unit": ["A"], "value": [1.5]}


def test_numbers_with_separators_and_full_width_digits():
    cells = pd.Series(["1,234.5", "１２３４", "(1,000)", "¥2,000", "35%", "TRUE", None,
                       "12,5", "abc"], dtype=object)
    numbers, invalid = to_number(cells)
    assert numbers.iloc[:6].tolist() == [1234.5, 1234.0, -1000.0, 2000.0, 0.35, 1.0]
    assert np.isnan(numbers.iloc[6])
    assert invalid.tolist() == [False] * 7 + [True, True]


def test_dates_in_mixed_forms_in_one_column():
    cells = pd.Series(["2026年1月5日", "2026/1/5", "2026-01-05", "２０２６年１月５日",
                       "20260105", None, "05/01/2026"], dtype=object)
    dates, invalid = to_date(cells)
    expected = pd.Timestamp("2026-01-05")
    assert (dates.iloc[:5] == expected).all()
    assert pd.isna(dates.iloc[5])
    assert invalid.tolist() == [False] * 6 + [True]


def test_na_and_empty_cells_are_missing(tmp_path):
    path = tmp_path / "features.csv"
    path.write_text("Store,MarkDown1,CPI\n1,NA,211.1\n2,,\n")
    frame = read_table(path).frame
    assert frame["MarkDown1"].isna().all()
    assert frame["CPI"].isna().tolist() == [False, True]


def test_text_keeps_leading_zeros_and_strips_spaces():
    cells = pd.Series([" 007", "007", 1.0, None, "  "], dtype=object)
    assert to_text(cells).astype(object).where(lambda s: s.notna(), None).tolist() == [
        "007", "007", "1", None, None]


def _two_row_header_workbook(path):
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "2026年华东区门店周报"
    sheet.merge_cells("A1:E1")
    sheet["A2"] = "门店编号"
    sheet.merge_cells("A2:A3")
    sheet["B2"] = "销售额"
    sheet.merge_cells("B2:C2")
    sheet["B3"], sheet["C3"] = "线上", "线下"
    sheet["D2"] = "周开始日期"
    sheet.merge_cells("D2:D3")
    sheet["E2"] = "备注"
    sheet.merge_cells("E2:E3")
    sheet.append(["S001", 100.5, 200, "2026-01-05", None])
    sheet.append([None, None, None, None, None])
    sheet.append(["S002", "1,000", 300, "2026年1月12日", "新店"])
    workbook.save(path)


def test_xlsx_two_row_merged_header(tmp_path):
    path = tmp_path / "门店周报.xlsx"
    _two_row_header_workbook(path)
    table = read_table(path)
    assert list(table.frame.columns) == [
        "门店编号", "销售额/线上", "销售额/线下", "周开始日期", "备注"]
    assert table.frame["门店编号"].tolist() == ["S001", "S002"]
    assert table.rows.tolist() == [4, 6]


def test_duplicate_column_names_reported(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("store,sales,sales\nA,1,2\n")
    table = read_table(path)
    assert table.duplicates == {"sales": [2, 3]}
    assert list(table.frame.columns) == ["store", "sales", "sales"]


def test_empty_file_rejected(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    assert caught.value.problems[0].key == "read.empty"


def test_file_cut_off_mid_row_rejected(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("store,week,sales\nA,2026-01-05,10\nA,2026-01")
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    problem = caught.value.problems[0]
    assert (problem.key, problem.row) == ("read.cut_off", 3)


def test_row_with_extra_field_names_its_line(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("store,week,sales\nA,2026-01-05,10\nA,2026-01-12,1,234\n")
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    problem = caught.value.problems[0]
    assert (problem.key, problem.row) == ("read.field_count", 3)


def test_unsupported_file_type_rejected(tmp_path):
    path = tmp_path / "sales.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(DataFileError) as caught:
        read_table(path)
    assert caught.value.problems[0].key == "read.unsupported_type"
