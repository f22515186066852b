"""The strategist's target sandbox notebook, executed with Papermill."""

import pytest

from tests.test_targets_ui import demo_workspace  # noqa: F401 - session fixture

NOTEBOOK = "notebooks/01_target_sandbox.ipynb"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def widget_models(executed) -> list[dict]:
    return list(executed.metadata["widgets"][WIDGET_STATE]["state"].values())


def html_values(executed) -> list[str]:
    return [model["state"].get("value", "") for model in widget_models(executed)
            if model["model_name"] == "HTMLModel"]


def slider_states(executed) -> list[dict]:
    return [model["state"] for model in widget_models(executed)
            if model["model_name"] == "FloatSliderModel"]


def check_no_errors(executed) -> None:
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", output


@pytest.mark.notebook
def test_sandbox_notebook_in_english(run_notebook, demo_workspace):  # noqa: F811
    executed = run_notebook(NOTEBOOK, {"workspace": str(demo_workspace), "lang": "en",
                                       "horizon": 8, "budget": 500_000})

    check_no_errors(executed)
    cells = {cell.id: cell for cell in executed.cells}
    assert "parameters" in cells["parameters"].metadata["tags"]
    assert "application/vnd.jupyter.widget-view+json" in cells["sandbox"].outputs[0]["data"]
    values = html_values(executed)
    assert "<h2>Target sandbox</h2>" in values
    assert any("Target for all units, next 8 weeks:" in value for value in values)
    sliders = slider_states(executed)
    assert len(sliders) == 6
    assert all(state["continuous_update"] is False for state in sliders)

    table = cells["targets"].outputs[0]["data"]["text/plain"]
    assert "S001" in table
    assert "contribution_promotion" in table
    totals = cells["plan"].outputs[0]["data"]["text/plain"]
    assert "'budget': 500000" in totals


@pytest.mark.notebook
def test_sandbox_notebook_weights_in_chinese(run_notebook, demo_workspace):  # noqa: F811
    executed = run_notebook(NOTEBOOK, {"workspace": str(demo_workspace), "lang": "zh-CN",
                                       "weights": {"promotion": 0, "search_volume": 100}})

    check_no_errors(executed)
    values = html_values(executed)
    assert "<h2>动态目标沙盘</h2>" in values
    assert any("全部经营单元，未来 13 周目标合计" in value for value in values)
    promotion = next(state for state in slider_states(executed)
                     if state["description"] == "促销力度")
    assert promotion["value"] == 0
