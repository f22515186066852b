"""The target dashboard served by Voila and driven in headless Chromium."""

import pytest
from playwright.sync_api import Page, expect

from tests.test_targets_ui import demo_workspace  # noqa: F401 - session fixture
from workbench.i18n import t

# Calibration and the backtest run before the widgets render, a few seconds on the demo.
RENDER_TIMEOUT_MS = 60_000
UPDATE_TIMEOUT_MS = 15_000

OTHER_LANGUAGE = {"zh-CN": "en", "en": "zh-CN"}


def drag_slider_to_start(page: Page, factor: str) -> None:
    """Drag a weight slider's handle to the left end and release it, as a user does."""
    handle = page.locator(f".wb-factor-{factor} .noUi-handle")
    track = page.locator(f".wb-factor-{factor} .noUi-target")
    handle_box = handle.bounding_box()
    track_box = track.bounding_box()
    page.mouse.move(handle_box["x"] + handle_box["width"] / 2,
                    handle_box["y"] + handle_box["height"] / 2)
    page.mouse.down()
    page.mouse.move(track_box["x"] - 20, handle_box["y"] + handle_box["height"] / 2, steps=8)
    page.mouse.up()


def open_dashboard(voila_page, workspace, lang: str) -> Page:
    page = voila_page("target_dashboard", env={"WORKBENCH_WORKSPACE": str(workspace),
                                               "WORKBENCH_LANG": lang})
    expect(page.locator(".wb-title h2")).to_have_text(t("ui.targets.dashboard.title", lang),
                                                      timeout=RENDER_TIMEOUT_MS)
    expect(page.locator(".wb-target-total")).to_contain_text(
        t("ui.targets.selection.all", lang), timeout=RENDER_TIMEOUT_MS)
    return page


def check_slider_changes_targets(page: Page, lang: str) -> None:
    """Drag the promotion weight to 0 and check that total, table and share change."""
    total = page.locator(".wb-target-total")
    chart_title = page.locator(".wb-target-chart .gtitle")
    expect(chart_title).to_contain_text(t("ui.targets.chart.title", lang, selection=""),
                                        timeout=RENDER_TIMEOUT_MS)
    before = total.inner_text()
    first_target = page.locator(".wb-target-table tbody tr:first-child .wb-target")
    target_before = first_target.inner_text()

    drag_slider_to_start(page, "promotion")

    expect(total).not_to_have_text(before, timeout=UPDATE_TIMEOUT_MS)
    expect(first_target).not_to_have_text(target_before, timeout=UPDATE_TIMEOUT_MS)
    expect(page.locator(".wb-share-promotion")).to_have_text(
        t("ui.targets.weights.share", lang, percent=0.0))


def check_override_bad_input(page: Page, lang: str) -> None:
    """Submit a non-numeric, a negative and a reasonless override; none is stored."""
    message = page.locator(".wb-override-message")
    save = page.locator(".wb-override-save")
    page.locator(".wb-override-author input").fill("王芳")

    page.locator(".wb-override-value input").fill("abc")
    page.locator(".wb-override-reason textarea").fill("门店装修")
    save.click()
    expect(message).to_have_text(t("ui.targets.override.value_not_number", lang, value="abc"),
                                 timeout=UPDATE_TIMEOUT_MS)

    page.locator(".wb-override-value input").fill("-5")
    save.click()
    expect(message).to_have_text(t("ui.targets.override.value_negative", lang, value="-5"),
                                 timeout=UPDATE_TIMEOUT_MS)

    page.locator(".wb-override-value input").fill("250000")
    page.locator(".wb-override-reason textarea").fill("")
    save.click()
    expect(message).to_have_text(t("ui.targets.override.reason_missing", lang),
                                 timeout=UPDATE_TIMEOUT_MS)
    expect(page.locator(".wb-target-overrides")).to_have_text(
        t("ui.targets.overrides.none", lang))


# Starting Voila and rendering the dashboard take most of each test's time. So there is one
# server per language, and the checks run in order on the same page.
@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_dashboard_slider_and_override_form(voila_page, demo_workspace, lang):  # noqa: F811
    page = open_dashboard(voila_page, demo_workspace, lang)
    body = page.locator("body").inner_text()
    assert "Traceback" not in body
    assert "TargetDashboard" not in body
    assert page.locator('[data-mime-type="application/vnd.jupyter.stderr"]').count() == 0

    check_slider_changes_targets(page, lang)
    check_override_bad_input(page, lang)

    # The other language re-renders the changed targets and the last form message.
    other = OTHER_LANGUAGE[lang]
    changed = page.locator(".wb-target-table tbody tr:first-child .wb-target").inner_text()
    page.locator(".wb-lang-switch button", has_text=t(f"ui.lang.{other}", other)).click()
    expect(page.locator(".wb-title h2")).to_have_text(t("ui.targets.dashboard.title", other))
    expect(page.locator(".wb-target-total")).to_contain_text(
        t("ui.targets.selection.all", other))
    expect(page.locator(".wb-target-table tbody tr:first-child .wb-target")).to_have_text(
        changed)
    expect(page.locator(".wb-factor-promotion .widget-label")).to_have_text(
        "促销力度" if other == "zh-CN" else "Promotions")
    expect(page.locator(".wb-override-message")).to_have_text(
        t("ui.targets.override.reason_missing", other))
