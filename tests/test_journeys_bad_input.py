"""Bad input: each case gets a localised message in both languages and changes nothing stored."""


import duckdb
import pytest

from workbench.cli import main
from workbench.data import Workspace
from workbench.errors import DataFileError
from workbench.journeys import JourneyModel, parse_rules, read_log, store_run
from workbench.journeys.catalogue import _load_text


@pytest.fixture
def stored_workspace(tmp_path):
    """A workspace holding one stored run; returns (path, digest of the file)."""
    path = tmp_path / "w.duckdb"
    with Workspace(path) as workspace:
        store_run(workspace, JourneyModel(accounts=20, seed=1).run(28).event_log(), "base")
    return path


def table_state(path):
    with Workspace(path, read_only=True) as workspace:
        return (workspace.sql("SELECT count(*) AS n FROM journeys_events")["n"][0],
                workspace.sql("SELECT run_id, sha256 FROM journeys_runs ORDER BY run_id")
                .values.tolist(),
                workspace.sql("SELECT count(*) AS n FROM events")["n"][0])


def messages(error):
    return error.message("en"), error.message("zh-CN")


def run_cli(arguments, capsys):
    code = main(arguments)
    return code, capsys.readouterr()


def test_log_without_case_id(tmp_path, stored_workspace, capsys):
    before = table_state(stored_workspace)
    log = tmp_path / "no_case.csv"
    log.write_text("activity,timestamp\nquote_sent,2024-01-01 10:00\n", encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        read_log(log)
    english, chinese = messages(error.value)
    assert "The event log has no case_id column; the file has: activity, timestamp." in english
    assert "事件日志缺少 case_id 列" in chinese
    code, output = run_cli(["--lang", "zh-CN", "journeys", "map", "--log", str(log)], capsys)
    assert code == 1
    assert "事件日志缺少 case_id 列" in output.err
    assert table_state(stored_workspace) == before


def test_log_without_timestamp(tmp_path, stored_workspace):
    before = table_state(stored_workspace)
    log = tmp_path / "no_time.csv"
    log.write_text("case_id,activity\n1,quote_sent\n", encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        read_log(log)
    english, chinese = messages(error.value)
    assert "has no timestamp column" in english
    assert "缺少 timestamp 列" in chinese
    assert table_state(stored_workspace) == before


def test_timestamps_out_of_order(tmp_path, stored_workspace):
    before = table_state(stored_workspace)
    log = tmp_path / "order.csv"
    log.write_text("case_id,activity,timestamp\n1,a,2024-01-02\n1,b,2024-01-01\n2,a,2024-01-01\n",
                   encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        read_log(log)
    problem = error.value.problems[0]
    assert (problem.key, problem.row) == ("journeys.log.out_of_order", 3)
    english, chinese = messages(error.value)
    assert "row 3" in english and "earlier than the previous event of case 1" in english
    assert "早于案例 1 的上一个事件" in chinese
    assert table_state(stored_workspace) == before


def test_rule_with_unknown_activity(stored_workspace):
    before = table_state(stored_workspace)
    rules = parse_rules("rules:\n  - id: legal\n    when: count(payment_terms_veiwed) >= 3 "
                        "within 7d\n    then: alert_legal\n")
    with pytest.raises(DataFileError) as error:
        rules.check_activities({"payment_terms_viewed", "quote_sent"})
    english, chinese = messages(error.value)
    assert ('line 3, column 17: rule legal names activity "payment_terms_veiwed", which the '
            'log does not hold; closest: payment_terms_viewed') in english
    assert "第 3 行第 17 列：规则 legal 引用的活动“payment_terms_veiwed”不在日志中" in chinese
    assert table_state(stored_workspace) == before


def test_rule_syntax_error_names_line_and_column(stored_workspace):
    before = table_state(stored_workspace)
    text = ("rules:\n"
            "  - id: ok\n"
            "    when: health < 40\n"
            "    then: notify_rep\n"
            "  - id: broken\n"
            "    when: |\n"
            "      absent(any) for 14d\n"
            "      and count(quote_opened) >> 2 within 7d\n"
            "    then: escalate_manager\n")
    with pytest.raises(DataFileError) as error:
        parse_rules(text, "team.yaml")
    params = error.value.problems[0].params
    assert (params["line"], params["column"]) == (8, 32)
    english, chinese = messages(error.value)
    assert ("team.yaml: line 8, column 32: rule broken: expected a number, found '>'."
            in english)
    assert "第 8 行第 32 列：规则 broken：此处应为 a number，实际为 '>'。" in chinese
    assert table_state(stored_workspace) == before


def test_catalogue_with_undefined_stage(stored_workspace):
    from importlib import resources

    before = table_state(stored_workspace)
    text = resources.files("workbench.journeys").joinpath("catalogue.yaml").read_text("utf-8")
    broken = text.replace("stages: [quote], channel: email, led_by: rep",
                          "stages: [quotation], channel: email, led_by: rep")
    line = next(number for number, content in enumerate(broken.splitlines(), 1)
                if "[quotation]" in content)
    with pytest.raises(DataFileError) as error:
        _load_text(broken, "my_catalogue.yaml")
    problem = error.value.problems[0]
    assert (problem.key, problem.row, problem.value) == (
        "journeys.catalogue.undefined_stage", line, "quotation")
    english, chinese = messages(error.value)
    assert 'Stage "quotation" is not defined in the catalogue' in english
    assert f"row {line}" in english
    assert "阶段“quotation”未在目录中定义" in chinese
    assert table_state(stored_workspace) == before


def test_failed_store_keeps_previous_run(stored_workspace, monkeypatch):
    import workbench.journeys.events as events

    before = table_state(stored_workspace)
    bad = JourneyModel(accounts=5, seed=2).run(14).event_log()
    bad.loc[bad.index[-1], "attrs"] = "{not json"

    # Hashing would reject the row first; skip it so the last batch fails inside DuckDB
    # after earlier batches of the same transaction went in.
    monkeypatch.setattr(events, "log_hash", lambda frame: "skipped")
    with Workspace(stored_workspace) as workspace:
        with pytest.raises(duckdb.Error):
            store_run(workspace, bad, "base", batch_size=3)
    assert table_state(stored_workspace) == before
