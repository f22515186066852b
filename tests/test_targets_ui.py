"""The target sandbox and target dashboard, driven from Python without a browser."""

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from workbench.cli import build_demo_workspace
from workbench.data import Workspace
from workbench.i18n import set_lang, t
from workbench.targets.factors import load_factor_set
from workbench.targets.overrides import list_overrides
from workbench.ui import TargetDashboard, TargetSandbox

LOCALES = Path(__file__).resolve().parents[1] / "workbench" / "locales"
PLOTLY_MIME = "application/vnd.plotly.v1+json"


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the demo company's workspace once: 120 stores in 6 regions, 156 weeks.

    Tests open it read-only; a test that stores overrides works on a copy.
    """
    folder = tmp_path_factory.mktemp("targets_demo")
    path = folder / "workspace.duckdb"
    assert build_demo_workspace(path, folder / "files") == 0
    return path


@pytest.fixture
def writable_workspace(demo_workspace: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "workspace.duckdb"
    shutil.copyfile(demo_workspace, copy)
    return copy


@pytest.fixture(autouse=True)
def reset_language(monkeypatch):
    monkeypatch.delenv("WORKBENCH_LANG", raising=False)
    set_lang(None)
    yield
    set_lang(None)


def plain_text(html: str) -> str:
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&")
    return " ".join(text.split())


def stored_figure(output) -> dict:
    """Return the plotly figure held in an Output widget's state."""
    (item,) = output.outputs
    return item["data"][PLOTLY_MIME]


def test_targets_catalogs_have_same_keys():
    english = yaml.safe_load((LOCALES / "en" / "targets_ui.yaml").read_text("utf-8"))
    chinese = yaml.safe_load((LOCALES / "zh-CN" / "targets_ui.yaml").read_text("utf-8"))
    assert set(english) == set(chinese)
    assert all(key.startswith("ui.targets.") for key in english)


def test_sandbox_has_one_slider_per_factor(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, lang="en")
    factor_set = load_factor_set("demo")

    assert sandbox.status == "ok"
    assert len(sandbox.sliders) == len(factor_set.factors)
    for slider, factor, weight in zip(sandbox.sliders, factor_set.factors,
                                      factor_set.default_weights, strict=True):
        assert slider.description == factor.title("en")
        assert slider.value == pytest.approx(weight, abs=0.05)
        assert slider.continuous_update is False
        assert "wb-target-slider" in slider._dom_classes
    assert [share.value for share in sandbox.shares[:2]] == ["35.0 %", "20.0 %"]


def test_slider_release_changes_targets(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, lang="en")
    before_total = sandbox.total.value
    before_target = sandbox.result.target.copy()
    before_chart = stored_figure(sandbox.chart)["data"][4]["y"]

    sandbox.sliders[0].value = 90

    assert not np.allclose(sandbox.result.target, before_target)
    assert sandbox.total.value != before_total
    assert stored_figure(sandbox.chart)["data"][4]["y"] != before_chart
    assert sandbox.result.weights[0] == pytest.approx(100 * 90 / 155)
    assert sandbox.shares[0].value == "58.1 %"


def test_slider_change_does_not_recalibrate(demo_workspace, monkeypatch):
    sandbox = TargetSandbox(demo_workspace, lang="en")
    model = sandbox.model

    def fail(*args, **kwargs):
        raise AssertionError("a slider change must not calibrate again")

    monkeypatch.setattr("workbench.ui.targets.calibrate", fail)
    sandbox.sliders[1].value = 60

    assert sandbox.model is model


def test_total_matches_model_frame(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, lang="en")
    sandbox.select("region:华东")

    frame = sandbox.frame()
    assert set(frame["region"]) == {"华东"}
    total = f"{frame['target'].sum():,.0f}"
    assert f"Target for region 华东, next 13 weeks: {total}" in plain_text(sandbox.total.value)


def test_contributions_in_waterfall_sum_to_target(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, lang="en")
    sandbox.select("unit:S001")
    sandbox.week_choice.value = 3

    waterfall = sandbox.waterfall_figure.data[0]
    baseline, *parts, target = waterfall.y
    assert baseline + sum(parts) == pytest.approx(target, rel=1e-9)
    assert target == pytest.approx(sandbox.result.target[0, 3])
    assert waterfall.x[0] == "Baseline"
    assert waterfall.x[1] == "Promotions"
    assert "S001" in sandbox.waterfall_figure.layout.title.text


def test_filter_lists_regions_and_units(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, lang="zh-CN")

    labels = [label for label, _value in sandbox.filter.options]
    values = [value for _label, value in sandbox.filter.options]
    assert labels[0] == "全部经营单元（120 个）"
    assert "华东大区（20 个单元）" in labels or any(
        label.startswith("华东大区（") for label in labels)
    assert len([value for value in values if value.startswith("region:")]) == 6
    assert len([value for value in values if value.startswith("unit:")]) == 120
    assert "S001 华景上海黄浦店" in labels


def test_chart_shows_history_band_and_target(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, lang="en")

    names = [trace.name for trace in sandbox.figure.data]
    assert names == ["Actual sales", "P10", "P10-P90 band", "Baseline", "Target"]
    history, p10, p90, _baseline, target = sandbox.figure.data
    assert len(history.y) == 52
    assert len(target.y) == 13
    assert all(low <= mid <= high for low, mid, high in zip(p10.y, target.y, p90.y,
                                                             strict=True))


def test_all_zero_weights_keep_last_targets(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, lang="en")
    for slider in sandbox.sliders[1:]:
        slider.value = 0
    valid = sandbox.result.target.copy()

    sandbox.sliders[0].value = 0

    assert np.array_equal(sandbox.result.target, valid)
    assert "wb-message" in sandbox.weights_message.value
    assert t("targets.weights_zero", "en") in plain_text(sandbox.weights_message.value)

    sandbox.switch.lang = "zh-CN"
    assert t("targets.weights_zero", "zh-CN") in plain_text(sandbox.weights_message.value)


def test_set_weights_rejects_negative(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, lang="en")
    before = sandbox.weights.copy()

    with pytest.raises(Exception, match="promotion"):
        sandbox.set_weights({"promotion": -5})

    assert np.array_equal(sandbox.weights, before)


def test_set_weights_by_name(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, lang="en")
    sandbox.set_weights({"promotion": 0, "search_volume": 50})

    assert sandbox.sliders[0].value == 0
    assert sandbox.sliders[5].value == 50
    assert sandbox.result.weights[0] == 0


def test_fit_button_moves_sliders(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, lang="en")

    sandbox.fit_button.click()

    fitted = sandbox.fit_result
    assert fitted is not None
    assert sandbox.weights == pytest.approx(np.round(fitted.weights, 1))
    assert sandbox.model.factor_set.sensitivity == pytest.approx(fitted.sensitivity)
    assert "Weights fitted on" in sandbox.fit_message.value

    sandbox.reset_button.click()
    assert sandbox.fit_message.value == ""
    assert sandbox.model.factor_set.sensitivity == load_factor_set("demo").sensitivity


def test_invalid_horizon_keeps_model(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, lang="en")
    model = sandbox.model

    sandbox.horizon_input.value = 0

    assert sandbox.model is model
    assert t("targets.horizon_invalid", "en", horizon=0, maximum=104) in plain_text(
        sandbox.horizon_message.value)

    sandbox.horizon_input.value = 26
    assert sandbox.model.horizon == 26
    assert sandbox.horizon_message.value == ""
    assert len(sandbox.figure.data[4].y) == 26


def test_horizon_over_limit_is_explained(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, horizon=105, lang="zh-CN")

    assert sandbox.status == "error"
    assert sandbox.details.layout.display == "none"
    assert t("targets.horizon_invalid", "zh-CN", horizon=105, maximum=104) in plain_text(
        sandbox.message.value)


def test_plan_follows_budget(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, lang="en", budget=1_000_000, hours=50_000)

    assert sandbox.plan.frame["budget_after"].sum() == pytest.approx(1_000_000)
    assert 'data-key="华东"' in sandbox.plan_table.value

    sandbox.budget_input.value = 2_000_000
    assert sandbox.plan.frame["budget_after"].sum() == pytest.approx(2_000_000)
    assert "budget 2,000,000" in plain_text(sandbox.plan_summary.value)

    sandbox.budget_input.value = -1
    assert t("targets.plan_invalid", "en", name="budget", value="-1.0") in plain_text(
        sandbox.plan_summary.value)


def test_sandbox_switch_rerenders(demo_workspace):
    sandbox = TargetSandbox(demo_workspace, lang="en")
    sandbox.select("region:华南")

    sandbox.switch.lang = "zh-CN"

    assert sandbox.title.value == "<h2>动态目标沙盘</h2>"
    assert sandbox.sliders[0].description == "促销力度"
    assert sandbox.fit_button.description == "按历史数据拟合权重"
    assert plain_text(sandbox.total.value).startswith("华南大区，未来 13 周目标合计")
    assert sandbox.filter.value == "region:华南"
    assert stored_figure(sandbox.chart)["layout"]["title"]["text"] == "周销售与目标：华南大区"
    assert sandbox.waterfall_figure.data[0].x[0] == "基线"
    assert "调整后预算" in sandbox.plan_table.value


def test_sandbox_missing_workspace(tmp_path):
    missing = tmp_path / "none.duckdb"
    sandbox = TargetSandbox(missing, lang="en")

    assert sandbox.status == "missing"
    assert f"workbench demo --workspace {missing}" in sandbox.message.value
    assert sandbox.frame().empty


def test_sandbox_releases_workspace(writable_workspace):
    TargetSandbox(writable_workspace, lang="en")

    # DuckDB rejects a read-write connection while this process keeps a read-only one open.
    with Workspace(writable_workspace) as workspace:
        assert not workspace.table("units").empty


def test_dashboard_shows_backtest(demo_workspace):
    dashboard = TargetDashboard(demo_workspace, lang="en")
    summary = dashboard.backtest_result.summary()["mean_abs_attainment_deviation"]

    text = plain_text(dashboard.deviation_summary.value)
    assert f"static annual targets by {100 * summary['static']:.1f} %" in text
    assert f"dynamic weekly targets by {100 * summary['dynamic']:.1f} %" in text
    names = [trace.name for trace in dashboard.deviation_figure.data]
    assert names == ["Static annual targets", "Dynamic weekly targets"]
    assert len(dashboard.deviation_figure.data[0].x) == 26
    assert dashboard.attainment_table.value.count("<tr data-week=") == 8


def test_dashboard_attainment_follows_filter(demo_workspace):
    dashboard = TargetDashboard(demo_workspace, lang="en")
    everyone = dashboard.attainment_table.value

    dashboard.select("unit:S002")

    assert dashboard.attainment_table.value != everyone
    assert [label for label, _unit in dashboard.override_unit.options] == ["S002 华景上海普陀店"]


def test_dashboard_slider_changes_targets(demo_workspace):
    dashboard = TargetDashboard(demo_workspace, lang="zh-CN")
    before = dashboard.total.value

    dashboard.sliders[0].value = 0

    assert dashboard.total.value != before
    assert plain_text(dashboard.total.value).startswith("全部经营单元，未来 13 周目标合计")


@pytest.mark.parametrize(("value", "reason", "key"), [
    ("", "开业活动", "ui.targets.override.value_missing"),
    ("abc", "开业活动", "ui.targets.override.value_not_number"),
    ("-100", "开业活动", "ui.targets.override.value_negative"),
    ("nan", "开业活动", "ui.targets.override.value_not_number"),
    ("250000", "   ", "ui.targets.override.reason_missing"),
])
def test_override_bad_input_stores_nothing(writable_workspace, value, reason, key):
    dashboard = TargetDashboard(writable_workspace, lang="zh-CN", author="王芳")
    dashboard.override_value.value = value
    dashboard.override_reason.value = reason

    assert dashboard.submit_override() is None

    message = plain_text(dashboard.override_message.value)
    assert message == t(key, "zh-CN", value=value)
    with Workspace(writable_workspace, read_only=True) as workspace:
        assert list_overrides(workspace).empty

    dashboard.switch.lang = "en"
    assert plain_text(dashboard.override_message.value) == t(key, "en", value=value)


def test_override_without_author_stores_nothing(writable_workspace):
    dashboard = TargetDashboard(writable_workspace, lang="en")
    dashboard.override_value.value = "250000"
    dashboard.override_reason.value = "Store renovation"

    assert dashboard.submit_override() is None
    assert "Enter your name" in dashboard.override_message.value


def test_override_is_stored_beside_algorithm_value(writable_workspace):
    dashboard = TargetDashboard(writable_workspace, lang="en", author="Wang Fang")
    dashboard.select("unit:S003")
    dashboard.override_week.value = 2
    dashboard.override_role.value = "regional_lead"
    dashboard.override_value.value = "123,456"
    dashboard.override_reason.value = "Store renovation"
    suggested = dashboard.result.target[2, 2]

    override_id = dashboard.submit_override()

    assert override_id == 1
    with Workspace(writable_workspace, read_only=True) as workspace:
        stored = list_overrides(workspace)
    row = stored.iloc[0]
    assert row["unit_id"] == "S003"
    assert row["override_value"] == 123456
    assert row["algorithm_value"] == pytest.approx(suggested)
    assert row["reason"] == "Store renovation"
    assert row["author"] == "Wang Fang"
    assert row["role"] == "regional_lead"

    table = plain_text(dashboard.overrides_table.value)
    assert f"{suggested:,.0f} {suggested:,.0f} 123,456 Store renovation Wang Fang" in table
    assert "Regional lead" in table
    assert "Override #1 saved for S003" in dashboard.override_message.value
    assert dashboard.override_value.value == ""

    dashboard.switch.lang = "zh-CN"
    assert "大区负责人" in dashboard.overrides_table.value


def test_override_table_shows_current_algorithm_value(writable_workspace):
    dashboard = TargetDashboard(writable_workspace, lang="en", author="Li Lei")
    dashboard.select("unit:S001")
    dashboard.override_value.value = "1000"
    dashboard.override_reason.value = "Closed for a week"
    dashboard.submit_override()
    stored = float(dashboard.overrides["algorithm_value"].iloc[0])

    dashboard.sliders[0].value = 0

    current = dashboard.result.target[0, 0]
    assert current != pytest.approx(stored)
    cells = plain_text(dashboard.overrides_table.value)
    assert f"{current:,.0f} {stored:,.0f} 1,000" in cells


def test_dashboard_switch_rerenders(demo_workspace):
    dashboard = TargetDashboard(demo_workspace, lang="zh-CN")

    dashboard.switch.lang = "en"

    assert dashboard.title.value == "<h2>Target dashboard</h2>"
    assert dashboard.override_save.description == "Save override"
    assert dashboard.override_role.options == (("Regional lead", "regional_lead"),
                                               ("Sales rep", "rep"))
    assert stored_figure(dashboard.deviation_chart)["layout"]["title"]["text"] == (
        "Mean absolute attainment deviation by week")
    assert "Attainment" in dashboard.attainment_table.value
