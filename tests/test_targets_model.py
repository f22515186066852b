"""Target sandbox computations on the real Walmart stores and the demo company."""

import json

import numpy as np
import pandas as pd
import pytest

from tests.paths import WALMART
from workbench.cli import main
from workbench.data import Workspace
from workbench.errors import WorkbenchError
from workbench.targets import (
    add_override,
    backtest,
    calibrate,
    canary_compare,
    fit_weights,
    list_overrides,
    load_factor_set,
    load_panel,
    normalize_weights,
    plan_resources,
)
from workbench.targets.panel import panel_from_frames


@pytest.fixture(scope="module")
def walmart_panel(tmp_path_factory):
    path = tmp_path_factory.mktemp("walmart") / "w.duckdb"
    with Workspace(path) as workspace:
        for name in ("train.csv", "features.csv", "stores.csv"):
            workspace.import_file(WALMART / name, "walmart")
        return load_panel(workspace)


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--workspace", str(folder / "demo.duckdb"), "--folder",
                 str(folder / "files")]) == 0
    return folder / "demo.duckdb"


@pytest.fixture(scope="module")
def demo_panel(demo_workspace):
    with Workspace(demo_workspace, read_only=True) as workspace:
        return load_panel(workspace)


def test_walmart_panel_sums_departments_to_stores(walmart_panel):
    assert walmart_panel.shape == (45, 117)
    assert walmart_panel.weeks[0] == pd.Timestamp("2010-02-05")
    assert not np.isnan(walmart_panel.sales).any()


def test_baseline_beats_seasonal_naive_on_walmart(walmart_panel):
    scores = backtest(walmart_panel, load_factor_set("walmart"), weeks=26).summary()[
        "mean_abs_attainment_deviation"]
    assert scores["baseline"] < scores["seasonal_naive"]
    # Figures recorded in the baseline module's docstring and docs/targets.md.
    assert scores["baseline"] == pytest.approx(0.0479, abs=0.0005)
    assert scores["seasonal_naive"] == pytest.approx(0.0665, abs=0.0005)


@pytest.mark.parametrize("fixture, factors", [("walmart_panel", "walmart"),
                                              ("demo_panel", "demo")])
def test_contributions_sum_to_target_minus_baseline(request, fixture, factors):
    model = calibrate(request.getfixturevalue(fixture), load_factor_set(factors), horizon=13)
    for weights in (None, [5, 1, 1, 1, 1, 1][:len(model.factor_set.factors)]):
        result = model.evaluate(weights)
        gap = result.target - model.baseline
        assert np.abs(result.contributions.sum(axis=2) - gap).max() <= 1e-9 * np.abs(
            result.target).max()
        # The band is where actuals fell around past targets; it may sit off-centre.
        assert np.all(result.p10 <= result.p90)


def test_weight_change_moves_targets(demo_panel):
    model = calibrate(demo_panel, load_factor_set("demo"), horizon=8)
    before = model.evaluate().target.copy()
    after = model.evaluate([100, 0, 0, 0, 0, 0]).target
    assert not np.allclose(before, after)


def test_evaluate_into_previous_result(demo_panel):
    model = calibrate(demo_panel, load_factor_set("demo"), horizon=4)
    fresh = model.evaluate([1, 2, 3, 4, 5, 6])
    reused = model.evaluate([9, 9, 9, 9, 9, 9], out=model.evaluate())
    reused = model.evaluate([1, 2, 3, 4, 5, 6], out=reused)
    assert np.array_equal(fresh.target, reused.target)
    assert np.array_equal(fresh.contributions, reused.contributions)


def test_fit_recovers_demo_promotion_as_strongest(demo_panel):
    fitted = fit_weights(demo_panel, load_factor_set("demo"))
    weights = dict(zip(load_factor_set("demo").names, fitted.weights, strict=True))
    assert max(weights, key=weights.get) == "promotion"
    # The demo company's search volume has no effect on sales: a decoy signal.
    assert weights["search_volume"] == 0
    assert fitted.sensitivity > 0
    assert fitted.mae_fitted < fitted.mae_baseline


def test_fit_turns_weak_walmart_factors_down(walmart_panel):
    fitted = fit_weights(walmart_panel, load_factor_set("walmart"),
                         last_week=walmart_panel.shape[1] - 27)
    assert fitted.mae_fitted <= fitted.mae_baseline
    assert fitted.r2 < 0.1


def test_cli_backtest_dynamic_beats_static_on_walmart(capsys):
    assert main(["targets", "backtest", "--profile", "walmart", "--data", str(WALMART),
                 "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    scores = summary["mean_abs_attainment_deviation"]
    assert (summary["first_week"], summary["last_week"]) == ("2011-11-04", "2012-04-27")
    assert scores["dynamic"] < scores["static"]
    assert len(summary["per_unit"]) == 45


def test_demo_backtest_dynamic_beats_static(demo_panel):
    factor_set = load_factor_set("demo")
    fitted = fit_weights(demo_panel, factor_set, last_week=demo_panel.shape[1] - 27)
    scores = backtest(demo_panel, fitted.factor_set(factor_set)).summary()[
        "mean_abs_attainment_deviation"]
    assert scores["dynamic"] < scores["baseline"] < scores["static"]


@pytest.mark.parametrize("weights, key", [([-1, 1, 1, 1, 1, 1], "targets.weight_invalid"),
                                          ([float("nan"), 1, 1, 1, 1, 1],
                                           "targets.weight_invalid"),
                                          ([0, 0, 0, 0, 0, 0], "targets.weights_zero"),
                                          ([1, 1], "targets.weights_count")])
def test_bad_weights_rejected(demo_panel, weights, key):
    with pytest.raises(WorkbenchError) as caught:
        normalize_weights(weights, load_factor_set("demo").names)
    assert caught.value.key == key
    assert caught.value.message("zh-CN") != caught.value.message("en")


def test_negative_weight_message_names_the_factor():
    with pytest.raises(WorkbenchError) as caught:
        normalize_weights([-5, 1, 1, 1, 1, 1], load_factor_set("demo").names)
    assert "promotion" in caught.value.message("en")
    assert "权重" in caught.value.message("zh-CN")


@pytest.mark.parametrize("horizon", [0, 105])
def test_horizon_out_of_range_rejected(demo_panel, horizon):
    with pytest.raises(WorkbenchError) as caught:
        calibrate(demo_panel, load_factor_set("demo"), horizon=horizon)
    assert "1" in caught.value.message("en") and "104" in caught.value.message("en")
    assert "104 周" in caught.value.message("zh-CN")


def test_missing_signal_warns_and_names_units(demo_panel):
    signals = {name: values.copy() for name, values in demo_panel.signals.items()}
    signals["promotion"][:3] = np.nan
    panel = type(demo_panel)(demo_panel.units, demo_panel.weeks, demo_panel.sales, signals,
                             demo_panel.regions)
    model = calibrate(panel, load_factor_set("demo"), horizon=4)
    warnings = dict(model.warnings)
    assert warnings["targets.warn_signal_missing"]["units"] == "S001, S002, S003"
    assert np.all(model.indices[:3, :, 0] == 0)


def test_short_history_falls_back_with_warning():
    weeks = pd.date_range("2026-01-05", periods=30, freq="7D")
    sales = pd.DataFrame({"unit_id": "NEW", "week_start": weeks, "sales": np.arange(30) + 100.0})
    model = calibrate(panel_from_frames(sales), load_factor_set("demo"), horizon=2)
    assert model.baseline[0].tolist() == [np.mean(np.arange(22, 30) + 100.0)] * 2
    assert dict(model.warnings)["targets.warn_short_history"]["units"] == "NEW"


def test_resource_plan_respects_total_and_bounds(demo_panel):
    model = calibrate(demo_panel, load_factor_set("demo"), horizon=13)
    plan = plan_resources(model, model.evaluate(), budget=1_000_000, hours=4_000,
                          max_budget=20_000, min_hours=10, max_hours=80)
    frame = plan.frame
    assert frame["budget_after"].sum() == pytest.approx(1_000_000)
    assert frame["hours_after"].sum() == pytest.approx(4_000)
    assert frame["budget_after"].max() <= 20_000 + 1e-6
    assert frame["hours_after"].between(10 - 1e-6, 80 + 1e-6).all()
    assert plan.totals["lift_after"] >= plan.totals["lift_before"]


def test_resource_plan_infeasible_bounds_rejected(demo_panel):
    model = calibrate(demo_panel, load_factor_set("demo"), horizon=4)
    with pytest.raises(WorkbenchError) as caught:
        plan_resources(model, model.evaluate(), budget=1_000, hours=100, min_budget=100)
    assert caught.value.key == "targets.plan_infeasible"


def test_overrides_keep_their_audit_trail(demo_workspace, tmp_path):
    path = tmp_path / "overrides.duckdb"
    path.write_bytes(demo_workspace.read_bytes())
    with Workspace(path) as workspace:
        first = add_override(workspace, "S001", "2026-11-30", 500000, reason="门店装修",
                             author="王经理", role="regional_lead", algorithm_value=480000)
        second = add_override(workspace, "S001", "2026-11-30", "520,000", reason="新品上市",
                              author="李代表", role="rep", algorithm_value=480000)
        in_force = list_overrides(workspace)
        trail = list_overrides(workspace, latest_only=False)
    assert (first, second) == (1, 2)
    assert in_force[["override_id", "override_value", "author"]].values.tolist() == [
        [2, 520000.0, "李代表"]]
    assert trail["reason"].tolist() == ["新品上市", "门店装修"]
    assert trail["algorithm_value"].tolist() == [480000.0, 480000.0]
    assert trail["created_at"].notna().all()


@pytest.mark.parametrize("changes, key", [
    ({"reason": "  "}, "targets.override_reason_missing"),
    ({"value": "abc"}, "targets.override_not_number"),
    ({"value": -5}, "targets.override_not_number"),
    ({"role": "intern"}, "targets.override_role_invalid"),
    ({"author": ""}, "targets.override_author_missing"),
])
def test_bad_override_stores_nothing(demo_workspace, tmp_path, changes, key):
    path = tmp_path / "overrides.duckdb"
    path.write_bytes(demo_workspace.read_bytes())
    arguments = {"value": 100, "reason": "test", "author": "王经理", "role": "rep"} | changes
    with Workspace(path) as workspace:
        with pytest.raises(WorkbenchError) as caught:
            add_override(workspace, "S001", "2026-11-30", arguments["value"],
                         reason=arguments["reason"], author=arguments["author"],
                         role=arguments["role"], algorithm_value=1.0)
        assert caught.value.key == key
        assert list_overrides(workspace, latest_only=False).empty


def test_canary_compares_regions(demo_panel):
    summary = canary_compare(demo_panel, load_factor_set("demo"), regions=["华东"],
                             start_week="2026-09-07", days=56)
    assert summary["window"] == ["2026-09-07", "2026-10-26"]
    assert summary["canary_units"] + summary["other_units"] == 120
    assert summary["canary_during"] < summary["canary_before"]
    assert "difference_in_differences" in summary


def test_canary_unknown_region_rejected(demo_panel):
    with pytest.raises(WorkbenchError) as caught:
        canary_compare(demo_panel, load_factor_set("demo"), regions=["东北"],
                       start_week="2026-09-07", days=14)
    assert "华东" in caught.value.message("zh-CN")


def test_cli_override_and_list(demo_workspace, tmp_path, capsys):
    path = tmp_path / "cli.duckdb"
    path.write_bytes(demo_workspace.read_bytes())
    assert main(["--lang", "zh-CN", "targets", "override", "S002", "2026-12-07", "300000",
                 "--reason", "重点客户流失", "--author", "张三", "--role", "regional_lead",
                 "--workspace", str(path)]) == 0
    assert "已保存调整 1" in capsys.readouterr().out
    assert main(["targets", "overrides", "--workspace", str(path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["reason"] == "重点客户流失"
