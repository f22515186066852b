"""The workspace overview dashboard served by Voila and read in headless Chromium."""

import re
import subprocess

import pytest
from playwright.sync_api import Page, expect

from workbench.data import TABLES, Workspace
from workbench.errors import Problem
from workbench.i18n import t
from workbench.ui.serve import PREHEAT_POOL_SIZE, voila_command, voila_executable

# Widgets and the chart render a few seconds after the page has loaded.
RENDER_TIMEOUT_MS = 45_000

OTHER_LANGUAGE = {"zh-CN": "en", "en": "zh-CN"}


def squash(text: str) -> str:
    """Collapse runs of whitespace, as the browser does when it lays out text."""
    return " ".join(text.split())


def check_overview_language(page: Page, lang: str, problems: list[dict]) -> None:
    """Check title, table names, chart title and every stored problem in ``lang``."""
    expect(page.locator(".wb-title h2")).to_have_text(t("ui.overview.title", lang),
                                                      timeout=RENDER_TIMEOUT_MS)
    for table in TABLES:
        name = page.locator(f'.wb-table-rows tr[data-table="{table}"] .wb-table-name')
        expect(name).to_have_text(t(f"ui.table.{table}", lang))
    expect(page.locator('.wb-table-rows tr[data-table="sales"] .wb-rows')).to_have_text("3")
    expect(page.locator(".wb-chart .gtitle")).to_have_text(t("ui.overview.chart.title", lang),
                                                           timeout=RENDER_TIMEOUT_MS)

    rejection = page.locator('.wb-rejections .wb-rejection[data-file="bad_sales.csv"]')
    expect(rejection).to_be_visible()
    rejection_text = squash(rejection.inner_text())
    for problem in problems:
        assert squash(Problem(**problem).message(lang)) in rejection_text


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_overview_dashboard_switches_language(voila_page, tiny_workspace, lang):
    with Workspace(tiny_workspace, read_only=True) as workspace:
        problems = workspace.info()["rejections"][0]["problems"]
    page = voila_page("workspace_overview", env={
        "WORKBENCH_WORKSPACE": str(tiny_workspace),
        "WORKBENCH_LANG": lang,
    })

    check_overview_language(page, lang, problems)

    other = OTHER_LANGUAGE[lang]
    page.locator(".wb-lang-switch button", has_text=t(f"ui.lang.{other}", other)).click()
    check_overview_language(page, other, problems)
    expect(page.locator(".wb-refresh")).to_have_text(t("ui.overview.refresh", other))


@pytest.mark.browser
def test_overview_dashboard_hides_code_and_tracebacks(voila_page, tiny_workspace):
    page = voila_page("workspace_overview", env={
        "WORKBENCH_WORKSPACE": str(tiny_workspace),
        "WORKBENCH_LANG": "en",
    })
    expect(page.locator(".wb-title h2")).to_have_text("Workspace overview",
                                                      timeout=RENDER_TIMEOUT_MS)

    body = page.locator("body").inner_text()
    assert "Traceback" not in body
    assert "Error" not in body
    assert "from workbench" not in body
    assert "WorkspaceOverview" not in body
    assert page.locator(".jp-InputArea, .jp-InputPrompt, .CodeMirror, .cm-editor").count() == 0
    assert page.locator('[data-mime-type="application/vnd.jupyter.stderr"]').count() == 0


def test_voila_command_flags():
    command = voila_command("voila_apps", 8870)

    assert command[0] == str(voila_executable())
    assert command[1] == "voila_apps"
    for flag in ["--no-browser", "--Voila.ip=127.0.0.1", "--port=8870",
                 "--strip_sources=True", "--show_tracebacks=False",
                 "--preheat_kernel=True", f"--pool_size={PREHEAT_POOL_SIZE}"]:
        assert flag in command
    cold = voila_command("voila_apps/workspace_overview.ipynb", 8870, preheat=False)
    assert not any(flag.startswith(("--preheat_kernel", "--pool_size")) for flag in cold)


def test_voila_accepts_command_options():
    help_text = subprocess.run([str(voila_executable()), "--help-all"], capture_output=True,
                               text=True, timeout=60, check=True).stdout
    for flag in voila_command("voila_apps", 8870)[2:]:
        name = re.match(r"--[\w.]+", flag).group()
        assert re.search(rf"^{re.escape(name)}\b", help_text, re.MULTILINE), name


@pytest.mark.browser
def test_overview_page_loads_nothing_from_outside(voila_page, tiny_workspace):
    outside = []
    page = voila_page("workspace_overview", env={"WORKBENCH_WORKSPACE": str(tiny_workspace),
                                                 "WORKBENCH_LANG": "en"})
    expect(page.locator(".wb-title h2")).to_have_text("Workspace overview",
                                                      timeout=RENDER_TIMEOUT_MS)
    html = page.content()
    for tag in page.locator("link[href], script[src]").all():
        source = tag.get_attribute("href") or tag.get_attribute("src")
        if source.startswith(("http://", "https://")) and "127.0.0.1" not in source:
            outside.append(source)
    assert "cdn.jsdelivr.net" not in html
    assert outside == []
