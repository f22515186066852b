"""The strategist's workspace notebook, executed with Papermill."""

import pytest

NOTEBOOK = "notebooks/00_workspace.ipynb"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def html_widget_values(executed) -> list[str]:
    """Return the ``value`` of every HTML widget stored with the executed notebook."""
    models = executed.metadata["widgets"][WIDGET_STATE]["state"].values()
    return [model["state"].get("value", "") for model in models
            if model["model_name"] == "HTMLModel"]


@pytest.mark.notebook
def test_workspace_notebook_in_english(run_notebook, tiny_workspace):
    executed = run_notebook(NOTEBOOK, {"workspace": str(tiny_workspace), "lang": "en"})

    cells = {cell.id: cell for cell in executed.cells}
    assert "workspace = " in cells["parameters"].source
    overview_output = cells["overview"].outputs[0]
    assert "application/vnd.jupyter.widget-view+json" in overview_output["data"]
    values = html_widget_values(executed)
    assert "<h2>Workspace overview</h2>" in values
    assert any("Weekly sales" in value for value in values)
    assert any("The value is not a number." in value for value in values)

    table = cells["tables"].outputs[0]["data"]["text/plain"]
    assert "sales" in table
    assert "2024-01-08" in table
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error"


@pytest.mark.notebook
def test_workspace_notebook_in_chinese(run_notebook, tiny_workspace):
    executed = run_notebook(NOTEBOOK, {"workspace": str(tiny_workspace), "lang": "zh-CN"})

    values = html_widget_values(executed)
    assert "<h2>工作区数据概览</h2>" in values
    assert any("周销售" in value for value in values)
    assert any("该值不是数字" in value for value in values)


@pytest.mark.notebook
def test_workspace_notebook_language_from_environment(run_notebook, tiny_workspace):
    executed = run_notebook(NOTEBOOK, {"workspace": str(tiny_workspace)},
                            env={"WORKBENCH_LANG": "zh-CN"})

    assert "<h2>工作区数据概览</h2>" in html_widget_values(executed)
