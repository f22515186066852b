"""Imports into a DuckDB workspace: good files land whole, bad files change nothing."""

import pytest
from openpyxl import Workbook

from workbench.cli import main
from workbench.data import TABLES, Workspace
from workbench.errors import DataFileError, WorkbenchError

HEADER = "门店编号,周开始日期,销售额"


def weekly_rows(count, start_store=1):
    """Four weeks of January 2026 per store, sales written with a thousands separator."""
    return [f"S{start_store + i // 4:03d},2026/1/{5 + 7 * (i % 4)},\"{1000 + i:,}.50\""
            for i in range(count)]


def write_sales(path, rows, encoding="utf-8", header=HEADER):
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def snapshot(workspace):
    """Every canonical table and the import history, sorted, for before/after checks."""
    state = {}
    for name in [*TABLES, "imports"]:
        rows = workspace.connection.execute(f"SELECT * FROM {name}").fetchall()
        state[name] = sorted(map(repr, rows))
    return state


@pytest.fixture
def workspace(tmp_path):
    """A workspace that already holds one good sales file."""
    with Workspace(tmp_path / "workspace.duckdb") as opened:
        opened.import_file(write_sales(tmp_path / "sales_base.csv", weekly_rows(8)),
                           "generic_sales")
        yield opened


def reject(workspace, path, profile="generic_sales"):
    before = snapshot(workspace)
    with pytest.raises(DataFileError) as caught:
        workspace.import_file(path, profile)
    assert snapshot(workspace) == before
    return caught.value


def test_gbk_csv_with_chinese_headers_imports(workspace, tmp_path):
    path = write_sales(tmp_path / "周销售_gbk.csv", weekly_rows(4, start_store=20),
                       encoding="gbk")
    result = workspace.import_file(path, "generic_sales")
    assert (result.status, result.table, result.rows) == ("imported", "sales", 4)
    stored = workspace.sql("SELECT sales FROM sales WHERE unit_id = 'S020' ORDER BY week_start")
    assert stored["sales"].tolist() == [1000.5, 1001.5, 1002.5, 1003.5]


def test_utf8_csv_with_bom_imports(workspace, tmp_path):
    path = tmp_path / "sales_bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "\nS030,2026-01-05,12\n").encode())
    assert workspace.import_file(path, "generic_sales").rows == 1
    assert workspace.sql("SELECT count(*) AS n FROM sales WHERE unit_id = 'S030'")["n"][0] == 1


def test_xlsx_with_two_row_merged_header_imports(workspace, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["B1"], sheet["D1"] = "门店编号", "周开始日期", "销售"
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:B2")
    sheet.merge_cells("D1:E1")
    sheet["C1"] = "销售额"
    sheet.merge_cells("C1:C2")
    sheet["D2"], sheet["E2"] = "线上", "线下"
    sheet.append(["S040", "2026年1月5日", "12,000", 7000, 5000])
    path = tmp_path / "门店销售.xlsx"
    workbook.save(path)
    assert workspace.import_file(path, "generic_sales").rows == 1
    row = workspace.sql("SELECT unit_id, week_start::VARCHAR AS w, sales FROM sales "
                        "WHERE unit_id = 'S040'").iloc[0].tolist()
    assert row == ["S040", "2026-01-05", 12000.0]


def test_missing_required_column_rejected(workspace, tmp_path):
    path = write_sales(tmp_path / "sales_no_amount.csv", ["S001,2026-01-05"],
                       header="门店编号,周开始日期")
    error = reject(workspace, path)
    problem = error.problems[0]
    assert problem.key == "map.missing_column"
    assert "销售额" in problem.column
    english = error.message("en")
    assert "sales_no_amount.csv" in english
    assert "Required column is missing" in english
    assert "nothing from it was used or stored" in english
    chinese = error.message("zh-CN")
    assert "缺少必需的列" in chinese
    assert "修改方法" in chinese


def test_non_numeric_sales_value_in_row_37_rejected(workspace, tmp_path):
    rows = weekly_rows(40, start_store=50)
    rows[35] = "S059,2026/1/5,十二万"  # data row 36 is line 37 of the file
    error = reject(workspace, write_sales(tmp_path / "sales_bad.csv", rows))
    assert error.total == 1
    problem = error.problems[0]
    assert (problem.row, problem.column, problem.value) == (37, "销售额", "十二万")
    assert "row 37" in problem.message("en")
    assert "not a number" in problem.message("en")
    assert "第 37 行" in problem.message("zh-CN")
    assert "不是数字" in problem.message("zh-CN")


def test_empty_file_rejected(workspace, tmp_path):
    path = tmp_path / "sales_empty.csv"
    path.write_bytes(b"")
    error = reject(workspace, path)
    assert error.problems[0].key == "read.empty"
    assert "The file is empty" in error.message("en")
    assert "文件是空的" in error.message("zh-CN")


def test_file_cut_off_mid_row_rejected(workspace, tmp_path):
    path = tmp_path / "sales_cut.csv"
    path.write_text(HEADER + "\nS001,2026-01-05,100\nS001,2026-01-")
    error = reject(workspace, path)
    assert (error.problems[0].key, error.problems[0].row) == ("read.cut_off", 3)
    assert "cut off" in error.message("en")
    assert "截断" in error.message("zh-CN")


def test_duplicate_mapped_column_rejected(workspace, tmp_path):
    path = write_sales(tmp_path / "sales_dup.csv", ["S001,2026-01-05,1,2"],
                       header="门店编号,周开始日期,销售额,销售额")
    error = reject(workspace, path)
    assert error.problems[0].key == "map.duplicate_column"
    assert "3, 4" in error.message("en")


def test_duplicate_key_rejected_with_both_rows(workspace, tmp_path):
    path = write_sales(tmp_path / "sales_twice.csv", ["S001,2026-01-05,1", "S001,2026/1/5,2"])
    error = reject(workspace, path)
    problem = error.problems[0]
    assert (problem.key, problem.row, problem.params["first_row"]) == ("map.duplicate_key", 3, 2)


def test_file_matching_no_source_rejected(workspace, tmp_path):
    path = write_sales(tmp_path / "random.csv", ["S001,2026-01-05,1"])
    error = reject(workspace, path)
    assert error.problems[0].key == "profile.no_source"
    assert "*销售*" in error.message("en")


def test_rejection_recorded_and_shown_in_info(workspace, tmp_path):
    rows = weekly_rows(3, start_store=70)
    rows[1] = "S070,someday,5"
    path = write_sales(tmp_path / "sales_late.csv", rows)
    reject(workspace, path)
    rejection = workspace.info()["rejections"][0]
    assert (rejection["file"], rejection["total"], rejection["resolved"]) == (
        "sales_late.csv", 1, False)
    assert rejection["problems"][0]["row"] == 3
    rows[1] = "S070,2026-01-12,5"
    write_sales(path, rows)
    workspace.import_file(path, "generic_sales")
    assert workspace.info()["rejections"][0]["resolved"] is True


def test_same_content_twice_is_stored_once(workspace, tmp_path):
    path = write_sales(tmp_path / "sales_again.csv", weekly_rows(4, start_store=80))
    first = workspace.import_file(path, "generic_sales")
    before = snapshot(workspace)
    second = workspace.import_file(path, "generic_sales")
    assert (first.status, second.status) == ("imported", "unchanged")
    assert snapshot(workspace) == before


def test_reimport_replaces_rows_with_the_same_key(workspace, tmp_path):
    rows_before = workspace.sql("SELECT count(*) AS n FROM sales")["n"][0]
    path = write_sales(tmp_path / "sales_fix.csv", ["S001,2026-01-05,999"])
    workspace.import_file(path, "generic_sales")
    stored = workspace.sql("SELECT sales FROM sales WHERE unit_id = 'S001' "
                           "AND week_start = DATE '2026-01-05'")["sales"].tolist()
    assert stored == [999.0]
    assert workspace.sql("SELECT count(*) AS n FROM sales")["n"][0] == rows_before


def test_missing_path_rejected_before_anything_is_recorded(workspace, tmp_path):
    before = snapshot(workspace)
    with pytest.raises(WorkbenchError) as caught:
        workspace.import_file(tmp_path / "nowhere.csv", "generic_sales")
    assert "nowhere.csv" in caught.value.message("en")
    assert "找不到文件" in caught.value.message("zh-CN")
    assert snapshot(workspace) == before
    assert workspace.info()["rejections"] == []


def cli_snapshot(path):
    with Workspace(path, read_only=True) as opened:
        return snapshot(opened)


@pytest.fixture
def workspace_file(tmp_path):
    path = tmp_path / "cli.duckdb"
    assert main(["import", str(write_sales(tmp_path / "sales_a.csv", weekly_rows(4))),
                 "--profile", "generic_sales", "--workspace", str(path)]) == 0
    return path


@pytest.mark.parametrize("lang, expected", [("en", "Unknown source profile \"nope\""),
                                            ("zh-CN", "未知的数据源配置“nope”")])
def test_cli_unknown_profile(workspace_file, tmp_path, capsys, lang, expected):
    before = cli_snapshot(workspace_file)
    code = main(["--lang", lang, "import", str(tmp_path / "sales_a.csv"), "--profile", "nope",
                 "--workspace", str(workspace_file)])
    error = capsys.readouterr().err
    assert code == 2
    assert expected in error
    assert "walmart" in error
    assert cli_snapshot(workspace_file) == before


@pytest.mark.parametrize("lang, expected", [("en", "File not found"), ("zh-CN", "找不到文件")])
def test_cli_path_not_found_imports_nothing(workspace_file, tmp_path, capsys, lang, expected):
    good = write_sales(tmp_path / "sales_b.csv", weekly_rows(4, start_store=90))
    before = cli_snapshot(workspace_file)
    code = main(["--lang", lang, "import", str(good), str(tmp_path / "missing.csv"),
                 "--profile", "generic_sales", "--workspace", str(workspace_file)])
    error = capsys.readouterr().err
    assert code == 2
    assert expected in error
    assert "missing.csv" in error
    assert cli_snapshot(workspace_file) == before


def test_cli_reports_rejected_file_and_keeps_others(workspace_file, tmp_path, capsys):
    good = write_sales(tmp_path / "sales_c.csv", weekly_rows(4, start_store=95))
    bad = write_sales(tmp_path / "sales_d.csv", ["S001,2026-01-05,abc"])
    code = main(["--lang", "zh-CN", "import", str(good), str(bad), "--profile",
                 "generic_sales", "--workspace", str(workspace_file)])
    captured = capsys.readouterr()
    assert code == 1
    assert "已将 sales_c.csv 导入" in captured.out
    assert "sales_d.csv" in captured.err
    assert "第 2 行" in captured.err
    with Workspace(workspace_file, read_only=True) as opened:
        assert opened.sql("SELECT count(*) AS n FROM sales WHERE unit_id = 'S095'")["n"][0] == 4


def test_cli_missing_profile_option(tmp_path, capsys):
    assert main(["--lang", "en", "import", "x.csv", "--workspace",
                 str(tmp_path / "w.duckdb")]) == 2
    assert "--profile" in capsys.readouterr().err
