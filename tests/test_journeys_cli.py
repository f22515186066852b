"""The ``workbench journeys`` commands on small generated inputs."""

import json

from workbench.cli import main
from workbench.data import Workspace


def test_simulate_stores_run(tmp_path, capsys):
    workspace = tmp_path / "demo.duckdb"
    assert main(["demo", "--workspace", str(workspace), "--folder", str(tmp_path / "demo")]) == 0
    capsys.readouterr()
    code = main(["journeys", "simulate", "--workspace", str(workspace), "--weeks", "8",
                 "--seed", "4", "--run-id", "try", "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    assert summary["accounts"] == 300
    with Workspace(workspace, read_only=True) as opened:
        rows = opened.sql("SELECT count(*) AS n FROM journeys_events WHERE run_id = 'try'")
        stored = opened.sql("SELECT sha256 FROM journeys_runs WHERE run_id = 'try'")
    assert rows["n"][0] == summary["events"]
    assert stored["sha256"][0] == summary["sha256"]
    assert summary["replaced"] is False

    code = main(["--lang", "en", "journeys", "simulate", "--workspace", str(workspace),
                 "--weeks", "8", "--seed", "4", "--run-id", "try"])
    output = capsys.readouterr().out
    assert code == 0
    assert "A run called try was already stored" in output
    with Workspace(workspace, read_only=True) as opened:
        runs = opened.sql("SELECT count(*) AS n FROM journeys_runs WHERE run_id = 'try'")
    assert runs["n"][0] == 1


def test_simulate_without_accounts_is_usage_error(tmp_path, capsys):
    code = main(["--lang", "en", "journeys", "simulate", "--workspace",
                 str(tmp_path / "empty.duckdb")])
    assert code == 2
    assert "has no accounts" in capsys.readouterr().err


def test_rules_and_map_on_csv_log(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text("case_id,activity,timestamp\n"
                   "1,A_SUBMITTED,2024-01-01 09:00\n1,A_DECLINED,2024-01-02 09:00\n"
                   "2,A_SUBMITTED,2024-01-01 09:00\n2,W_call,2024-01-01 10:00\n"
                   "2,A_APPROVED,2024-01-20 09:00\n", encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - id: quiet\n    when: absent(any) for 12h\n"
                     "    then: notify_rep\n", encoding="utf-8")
    code = main(["journeys", "rules", "--log", str(log), "--rules", str(rules), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["all"]["positives"] == 1
    assert report["all"]["rules"]["quiet"]["alerted"] == 2
    code = main(["--lang", "zh-CN", "journeys", "map", "--log", str(log)])
    assert code == 0
    assert "A_SUBMITTED → W_call：1 次" in capsys.readouterr().out


def test_bad_rule_file_exit_code(tmp_path, capsys):
    log = tmp_path / "log.csv"
    log.write_text("case_id,activity,timestamp\n1,a,2024-01-01\n", encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - id: x\n    when: count(a) >= 1 within\n    then: notify_rep\n",
                     encoding="utf-8")
    code = main(["--lang", "en", "journeys", "rules", "--log", str(log), "--rules", str(rules)])
    assert code == 1
    assert "line 3, column 31: rule x: expected a duration" in capsys.readouterr().err
