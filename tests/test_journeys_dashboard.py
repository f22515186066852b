"""The journey-health dashboard in headless Chromium and the journey notebook."""

import pytest
from playwright.sync_api import expect

from workbench.i18n import t

RENDER_TIMEOUT_MS = 60_000
OTHER_LANGUAGE = {"zh-CN": "en", "en": "zh-CN"}
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.fixture(scope="module")
def demo_workspace(tmp_path_factory):
    from workbench.cli import build_demo_workspace

    folder = tmp_path_factory.mktemp("journeys_demo")
    path = folder / "workspace.duckdb"
    assert build_demo_workspace(path, folder / "files") == 0
    return path


def check_language(page, lang):
    expect(page.locator(".wb-title h2")).to_have_text(t("ui.journeys.title", lang),
                                                      timeout=RENDER_TIMEOUT_MS)
    expect(page.locator(".wb-alerts")).to_contain_text(t("ui.journeys.col.rule", lang))
    expect(page.locator(".wb-drivers")).to_contain_text(t("ui.journeys.drivers", lang))
    expect(page.locator(".wb-bands .gtitle")).to_have_text(t("ui.journeys.bands", lang),
                                                           timeout=RENDER_TIMEOUT_MS)
    expect(page.locator(".wb-funnel .gtitle")).to_have_text(t("ui.journeys.funnel", lang))
    expect(page.locator(".wb-process-map .gtitle")).to_have_text(
        t("ui.journeys.process_map", lang))


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_journey_dashboard_switches_language(voila_page, demo_workspace, lang):
    page = voila_page("journey_health", env={"WORKBENCH_WORKSPACE": str(demo_workspace),
                                             "WORKBENCH_LANG": lang})
    check_language(page, lang)
    assert "Traceback" not in page.locator("body").inner_text()

    other = OTHER_LANGUAGE[lang]
    page.locator(".wb-lang-switch button", has_text=t(f"ui.lang.{other}", other)).click()
    check_language(page, other)
    expect(page.locator(".wb-alerts .wb-action").first).to_have_text(
        t("ui.journeys.action.escalate_manager", other))


@pytest.mark.notebook
def test_journey_notebook_runs(run_notebook, demo_workspace):
    executed = run_notebook("notebooks/02_journey_simulation.ipynb",
                            {"workspace": str(demo_workspace), "weeks": 12, "lang": "en"},
                            timeout=300)
    cells = {cell.id: cell for cell in executed.cells}
    assert "parameters" in cells["parameters"].metadata["tags"]
    models = executed.metadata["widgets"][WIDGET_STATE]["state"].values()
    values = [model["state"].get("value", "") for model in models
              if model["model_name"] == "HTMLModel"]
    assert "<h2>Journey health</h2>" in values
    assert "awareness" in cells["funnel"].outputs[0]["data"]["text/plain"]
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error"
