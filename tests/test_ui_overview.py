"""The workspace overview and the language switch, driven from Python without a browser."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from workbench.data import TABLES, Workspace
from workbench.errors import Problem
from workbench.i18n import get_lang, set_lang, t
from workbench.ui import LanguageSwitch, WorkspaceOverview

LOCALES = Path(__file__).resolve().parents[1] / "workbench" / "locales"


@pytest.fixture(autouse=True)
def reset_language(monkeypatch):
    """Give each test the environment's language and undo what a switch chose."""
    monkeypatch.delenv("WORKBENCH_LANG", raising=False)
    set_lang(None)
    yield
    set_lang(None)


def plain_text(html: str) -> str:
    """Strip tags and entities the way a reader sees the text."""
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&")
    return " ".join(text.split())


def stored_problems(path: Path) -> list[dict]:
    with Workspace(path, read_only=True) as workspace:
        return workspace.info()["rejections"][0]["problems"]


def test_ui_catalogs_have_same_keys():
    english = yaml.safe_load((LOCALES / "en" / "ui.yaml").read_text("utf-8"))
    chinese = yaml.safe_load((LOCALES / "zh-CN" / "ui.yaml").read_text("utf-8"))
    assert set(english) == set(chinese)
    assert all(key.startswith("ui.") for key in english)
    for table in TABLES:
        assert f"ui.table.{table}" in english


def test_switch_starts_in_environment_language(monkeypatch):
    monkeypatch.setenv("WORKBENCH_LANG", "zh-CN")
    switch = LanguageSwitch()
    assert switch.lang == "zh-CN"
    assert switch.widget.options == (("中文", "zh-CN"), ("English", "en"))
    assert switch.widget.description == t("ui.lang.label", "zh-CN")


def test_switch_rejects_unknown_language():
    with pytest.raises(ValueError, match="fr"):
        LanguageSwitch("fr")


def test_switch_change_sets_language_and_calls_back():
    switch = LanguageSwitch("en")
    seen = []
    switch.on_change(seen.append)

    switch.widget.value = "zh-CN"

    assert seen == ["zh-CN"]
    assert get_lang() == "zh-CN"
    assert switch.widget.description == "语言"


def test_switch_runs_callbacks_after_failing_one():
    switch = LanguageSwitch("en")
    seen = []

    def broken(lang):
        raise RuntimeError("broken view")

    switch.on_change(broken)
    switch.on_change(seen.append)
    switch.lang = "zh"

    assert seen == ["zh-CN"]


def test_overview_shows_tables_in_english(tiny_workspace):
    overview = WorkspaceOverview(tiny_workspace, lang="en")

    assert overview.status == "ok"
    assert overview.title.value == "<h2>Workspace overview</h2>"
    tables = plain_text(overview.tables.value)
    for table in TABLES:
        assert f'data-table="{table}"' in overview.tables.value
        assert t(f"ui.table.{table}", "en") in tables
    assert "Weekly sales 3 unit_id 2 week_start 2024-01-01 2024-01-08" in tables
    assert "Units 2 unit_id 2 — — —" in tables
    assert overview.summary.value == "5 rows in total; 2 of 8 tables hold data."


def test_overview_lists_imports(tiny_workspace):
    overview = WorkspaceOverview(tiny_workspace, lang="en")

    imports = plain_text(overview.imports.value)
    assert "sales.csv generic_sales Weekly sales 3" in imports
    assert "stores.csv generic_sales Units 2" in imports
    assert "bad_sales.csv" not in imports


def test_overview_renders_every_problem(tiny_workspace):
    problems = stored_problems(tiny_workspace)
    overview = WorkspaceOverview(tiny_workspace, lang="en")

    rejections = plain_text(overview.rejections.value)
    assert "bad_sales.csv (profile generic_sales), rejected at" in rejections
    assert "2 problems" in rejections
    assert len(problems) == 2
    for problem in problems:
        assert " ".join(Problem(**problem).message("en").split()) in rejections


def test_overview_switch_rerenders_everything(tiny_workspace):
    problems = stored_problems(tiny_workspace)
    overview = WorkspaceOverview(tiny_workspace, lang="en")

    overview.switch.widget.value = "zh-CN"

    assert overview.title.value == "<h2>工作区数据概览</h2>"
    assert overview.refresh_button.description == "刷新"
    assert overview.workspace_line.value.startswith("工作区文件：")
    assert "周销售" in overview.tables.value
    assert "键字段" in overview.tables.value
    assert "已导入文件" in overview.imports_heading.value
    assert "经营单元" in overview.imports.value
    assert "未通过校验的文件" in overview.rejections_heading.value
    rejections = plain_text(overview.rejections.value)
    for problem in problems:
        assert " ".join(Problem(**problem).message("zh-CN").split()) in rejections
    assert overview.figure.layout.title.text == "各数据表行数"
    assert overview.figure.layout.xaxis.title.text == "数据表"
    assert overview.figure.layout.yaxis.title.text == "行数"
    assert overview.figure.data[0].x[:2] == ("经营单元", "周销售")


def test_overview_chart_counts_rows(tiny_workspace):
    overview = WorkspaceOverview(tiny_workspace, lang="en")

    bar = overview.figure.data[0]
    assert bar.x == tuple(t(f"ui.table.{table}", "en") for table in TABLES)
    assert bar.y == (2, 3, 0, 0, 0, 0, 0, 0)
    assert overview.figure.layout.title.text == "Rows per table"


def test_overview_chart_state_follows_language(tiny_workspace):
    overview = WorkspaceOverview(tiny_workspace, lang="en")
    overview.switch.lang = "zh-CN"

    # The Output widget's state is what a browser connecting later receives.
    (output,) = overview.chart.outputs
    figure = output["data"]["application/vnd.plotly.v1+json"]
    assert figure["layout"]["title"]["text"] == "各数据表行数"
    assert figure["data"][0]["x"][:2] == ["经营单元", "周销售"]
    assert figure["data"][0]["y"][:2] == [2, 3]


def test_overview_releases_workspace_file(tiny_workspace, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(tiny_workspace.read_bytes())
    overview = WorkspaceOverview(copy, lang="en")
    assert overview.status == "ok"

    # DuckDB rejects a read-write connection in a process that still has a read-only
    # one to the same file, so this fails if the view kept its connection open.
    with Workspace(copy) as workspace:
        assert workspace.info()["tables"][0]["rows"] == 2


def test_overview_missing_workspace_explains_fix(tmp_path):
    missing = tmp_path / "nothing.duckdb"
    overview = WorkspaceOverview(missing, lang="zh-CN")

    assert overview.status == "missing"
    assert overview.details.layout.display == "none"
    assert overview.message.layout.display is None
    assert str(missing) in overview.message.value
    assert f"<code>workbench demo --workspace {missing}</code>" in overview.message.value
    assert "未找到工作区" in overview.message.value
    assert overview.tables_frame().empty

    overview.switch.lang = "en"
    assert "No workspace found at" in overview.message.value


def test_overview_default_path_from_environment(monkeypatch, tiny_workspace):
    monkeypatch.setenv("WORKBENCH_WORKSPACE", str(tiny_workspace))
    overview = WorkspaceOverview()

    assert overview.path == tiny_workspace
    assert overview.status == "ok"


def test_overview_default_path_in_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("WORKBENCH_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    overview = WorkspaceOverview(lang="en")

    assert overview.path == tmp_path / "workspace.duckdb"
    assert overview.status == "missing"


def test_overview_locked_workspace_then_refresh(tiny_workspace, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(tiny_workspace.read_bytes())
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
         "sys.stdin.read()", str(copy)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        overview = WorkspaceOverview(copy, lang="en")
        assert overview.status == "locked"
        assert "locked by another process" in overview.message.value
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)

    overview.refresh_button.click()
    assert overview.status == "ok"
    assert overview.message.layout.display == "none"
    assert "Weekly sales" in overview.tables.value


def test_overview_unknown_problem_key_is_shown(tiny_workspace):
    overview = WorkspaceOverview(tiny_workspace, lang="en")
    rejection = dict(overview.info["rejections"][0])
    rejection["problems"] = [{"file": "old.csv", "key": "map.retired_check", "row": 4,
                              "column": None, "value": None, "params": {}}]
    rejection["total"] = 5
    overview.info["rejections"] = [rejection]

    overview.render()

    rejections = plain_text(overview.rejections.value)
    assert "old.csv: problem map.retired_check has no message" in rejections
    assert "4 more problems were found but not stored." in rejections


def test_overview_tables_frame(tiny_workspace):
    frame = WorkspaceOverview(tiny_workspace, lang="en").tables_frame()

    assert list(frame.index) == list(TABLES)
    assert frame.loc["sales", "rows"] == 3
    assert frame.loc["sales", "first"] == "2024-01-01"
