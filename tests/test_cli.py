"""The workbench command in both languages, run as a user runs it."""

import json
import subprocess
import sys

import pytest

from workbench.cli import main
from workbench.data import Workspace
from workbench.data.demo import DEMO_FILES

WORKBENCH = [sys.executable, "-m", "workbench.cli"]


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    workspace = folder / "demo.duckdb"
    completed = subprocess.run([*WORKBENCH, "--lang", "zh-CN", "demo", "--workspace",
                                str(workspace), "--folder", str(folder / "files")],
                               capture_output=True, text=True, check=True)
    return workspace, folder / "files", completed.stdout


def test_demo_writes_the_export_files(demo_workspace):
    _, files, output = demo_workspace
    assert sorted(path.name for path in files.iterdir()) == sorted(DEMO_FILES)
    assert sum(path.stat().st_size for path in files.iterdir()) < 5 * 1024 * 1024
    assert "已将 周度信号.csv 导入" in output


def test_demo_workspace_holds_the_company(demo_workspace):
    workspace, _, _ = demo_workspace
    with Workspace(workspace, read_only=True) as opened:
        info = opened.info()
        regions = opened.sql("SELECT DISTINCT region FROM units ORDER BY region")["region"]
        committee = opened.sql("SELECT count(*) AS n FROM contacts c JOIN accounts a "
                               "USING (account_id)")["n"][0]
    tables = {table["table"]: table for table in info["tables"]}
    assert info["units"] == 120
    assert sorted(regions) == sorted(["华东", "华南", "华北", "华中", "西南", "西北"])
    assert tables["sales"]["rows"] == 120 * 156
    assert (tables["sales"]["first"], tables["sales"]["last"]) == ("2023-12-04", "2026-11-23")
    assert tables["signals"]["keys"] == 120
    assert committee == tables["contacts"]["rows"]
    assert tables["reps"]["rows"] > 0


def test_demo_again_changes_nothing(demo_workspace, capsys):
    workspace, files, _ = demo_workspace
    with Workspace(workspace, read_only=True) as opened:
        before = opened.info()["imports"]
    assert main(["--lang", "en", "demo", "--workspace", str(workspace), "--folder",
                 str(files)]) == 0
    assert capsys.readouterr().out.count("Skipped") == len(DEMO_FILES)
    with Workspace(workspace, read_only=True) as opened:
        assert opened.info()["imports"] == before


@pytest.mark.parametrize("lang, title, table", [("en", "Workspace", "Weekly sales"),
                                                ("zh-CN", "工作区", "周销售")])
def test_info_table_in_both_languages(demo_workspace, lang, title, table):
    workspace, _, _ = demo_workspace
    output = subprocess.run([*WORKBENCH, "--lang", lang, "info", "--workspace", str(workspace)],
                            capture_output=True, text=True, check=True).stdout
    assert output.startswith(title)
    assert table in output and "18,720" in output


def test_info_language_from_environment(demo_workspace):
    workspace, _, _ = demo_workspace
    output = subprocess.run([*WORKBENCH, "info", "--workspace", str(workspace)],
                            capture_output=True, text=True, check=True,
                            env={"WORKBENCH_LANG": "zh-CN", "PATH": ""}).stdout
    assert "周销售" in output


def test_info_json(demo_workspace):
    workspace, _, _ = demo_workspace
    output = subprocess.run([*WORKBENCH, "info", "--workspace", str(workspace), "--json"],
                            capture_output=True, text=True, check=True).stdout
    info = json.loads(output)
    assert [table["table"] for table in info["tables"]] == [
        "units", "sales", "signals", "accounts", "contacts", "reps", "events", "dialogs"]


def test_info_on_missing_workspace(tmp_path, capsys):
    assert main(["--lang", "zh-CN", "info", "--workspace", str(tmp_path / "none.duckdb")]) == 2
    assert "没有工作区" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()


def test_profiles_listed_with_titles(capsys):
    assert main(["--lang", "zh-CN", "profiles", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert {"walmart", "xes", "persuasionforgood", "cdnow", "generic_sales", "demo"} <= set(
        listing)
    assert listing["walmart"]["title"].startswith("沃尔玛")


def test_help_in_chinese():
    output = subprocess.run([*WORKBENCH, "--lang", "zh-CN", "import", "--help"],
                            capture_output=True, text=True, check=True).stdout
    assert "数据源配置" in output
