"""Imports of the real public files, checked against their published figures."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import BPIC2012, CDNOW, PERSUASION, WALMART
from workbench.data import Workspace

WORKBENCH = [sys.executable, "-m", "workbench.cli"]


@pytest.fixture(scope="module")
def walmart_info(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("walmart") / "W.duckdb"
    files = [str(WALMART / name) for name in ("train.csv", "features.csv", "stores.csv")]
    subprocess.run([*WORKBENCH, "import", *files, "--profile", "walmart",
                    "--workspace", str(workspace)], check=True, capture_output=True)
    output = subprocess.run([*WORKBENCH, "info", "--workspace", str(workspace), "--json"],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def table_entry(info, name):
    return next(table for table in info["tables"] if table["table"] == name)


def test_walmart_has_45_units_and_its_weeks(walmart_info):
    assert walmart_info["units"] == 45
    sales = table_entry(walmart_info, "sales")
    assert (sales["first"], sales["last"]) == ("2010-02-05", "2012-04-27")


def test_walmart_row_counts_match_the_files(walmart_info):
    assert table_entry(walmart_info, "sales")["rows"] == 344_667
    assert table_entry(walmart_info, "units")["rows"] == 45
    assert walmart_info["imports"][-1]["file"] == "train.csv"


def test_walmart_signals_are_long_and_skip_missing(tmp_path):
    with Workspace(tmp_path / "w.duckdb") as workspace:
        workspace.import_file(WALMART / "features.csv", "walmart")
        counts = dict(workspace.connection.execute(
            "SELECT signal, count(*) FROM signals GROUP BY signal").fetchall())
        holiday_weeks = workspace.connection.execute(
            "SELECT count(*) FROM signals WHERE signal = 'holiday' AND value = 1").fetchone()[0]
    assert counts["temperature"] == 5_265
    assert counts["markdown1"] < 5_265  # "NA" cells give no row
    assert holiday_weeks > 0


def test_walmart_stores_keep_type_and_size(tmp_path):
    with Workspace(tmp_path / "w.duckdb") as workspace:
        workspace.import_file(WALMART / "stores.csv", "walmart")
        row = workspace.sql("SELECT kind, attrs->>'type' AS type, attrs->>'size' AS size "
                            "FROM units WHERE unit_id = '1'").iloc[0].tolist()
    assert row == ["store", "A", "151315"]


@pytest.fixture(scope="module")
def bpic_workspace(tmp_path_factory):
    path = tmp_path_factory.mktemp("bpic") / "events.duckdb"
    with Workspace(path) as workspace:
        workspace.import_file(BPIC2012, "xes")
    with Workspace(path, read_only=True) as workspace:
        yield workspace


def test_bpic2012_has_8766_cases(bpic_workspace):
    assert bpic_workspace.info()["cases"] == 8_766


# Share of all cases reaching each activity in the whole BPI 2012 log, as published; the
# subset before 2012-01-15 differs slightly, so 2 percentage points are allowed.
PUBLISHED_SHARES = {"A_PREACCEPTED": 56.3, "A_ACCEPTED": 39.1, "O_SENT": 38.3,
                    "A_APPROVED": 17.1, "A_DECLINED": 58.3, "A_CANCELLED": 21.5}


@pytest.mark.parametrize("activity", PUBLISHED_SHARES)
def test_bpic2012_stage_shares_near_published(bpic_workspace, activity):
    share = bpic_workspace.connection.execute(
        "SELECT 100.0 * count(DISTINCT case_id) FILTER (WHERE activity = ?) "
        "/ count(DISTINCT case_id) FROM events", [activity]).fetchone()[0]
    assert share == pytest.approx(PUBLISHED_SHARES[activity], abs=2.0)


def test_bpic2012_timestamps_are_utc(bpic_workspace):
    first = bpic_workspace.sql("SELECT timestamp, attrs->>'case:REG_DATE' AS registered "
                               "FROM events WHERE case_id = '173688' ORDER BY timestamp LIMIT 1")
    assert str(first["timestamp"][0]) == "2011-09-30 22:38:44.546000"
    assert first["registered"][0] == "2011-10-01T00:38:44.546+02:00"


def test_persuasion_dialogs_import(tmp_path):
    with Workspace(tmp_path / "d.duckdb") as workspace:
        result = workspace.import_file(PERSUASION / "full_dialog.csv", "persuasionforgood")
        speakers = dict(workspace.connection.execute(
            "SELECT speaker, count(*) FROM dialogs GROUP BY speaker").fetchall())
        dialogs = workspace.info()["tables"][-1]["keys"]
    assert result.rows == 20_932
    assert dialogs == 1_017
    assert set(speakers) == {"persuader", "persuadee"}


def test_cdnow_purchases_import_as_events(tmp_path):
    with Workspace(tmp_path / "c.duckdb") as workspace:
        result = workspace.import_file(CDNOW / "CDNOW_sample.txt", "cdnow")
        customers, spend = workspace.connection.execute(
            "SELECT count(DISTINCT case_id), sum(CAST(attrs->>'amount' AS DOUBLE)) FROM events"
        ).fetchone()
        first = workspace.sql("SELECT case_id, timestamp::DATE::VARCHAR AS day FROM events "
                              "ORDER BY case_id, timestamp LIMIT 1").iloc[0].tolist()
    assert result.rows == 6_919
    assert customers == 2_357
    assert spend > 0
    assert first == ["0001", "1997-01-01"]


def test_real_data_folder_is_present():
    assert Path(WALMART / "train.csv").is_file(), f"real data not found under {WALMART.parent}"
