"""Persona trainer dashboard in headless Chromium, and the persona training notebook."""

import pytest
from playwright.sync_api import expect

from workbench.i18n import t

RENDER_TIMEOUT_MS = 45_000
STACK = ["cautious_cfo", "detail_driven_cto", "kpi_anxious_procurement"]
ZH_TURNS = [
    "王总您好，感谢您今天抽时间见我。",
    "您现在做报表最头疼的问题是什么？",
    "苏州一家和你们规模差不多的物流公司去年上线，现在两天就能关账。",
    "数据存放在境内机房，压测结果是三千并发，这是接口规范文档。",
    "我们能不能定在下个月一号启动试点？",
]
EN_TURNS = [
    "Good morning, thanks for making time to see me today.",
    "What is the biggest challenge your team faces with reporting right now?",
    "At your volume that works out to around 1.2 million yuan saved per year.",
    "Here is the implementation plan, eight weeks in four phases with named owners.",
    "Can we agree to start the pilot on the first of next month?",
]


def play_session(page, lang, turns):
    for persona_id in STACK:
        page.locator(f".wb-persona-{persona_id} input[type=checkbox]").check()
    page.locator("button.wb-start").click()
    expect(page.locator(".wb-persona-card")).to_contain_text("+", timeout=RENDER_TIMEOUT_MS)

    # An empty turn shows the localised message and the session goes on.
    page.locator("button.wb-send").click()
    expect(page.locator(".wb-message-box")).to_contain_text(t("personas.turn.empty", lang),
                                                            timeout=RENDER_TIMEOUT_MS)
    played = 0
    for text in turns:
        if page.locator(".wb-outcome").inner_text() not in (
                t("personas.outcome.open", lang),):
            break  # the buyer ended the meeting early
        page.locator(".wb-input textarea").fill(text)
        page.locator("button.wb-send").click()
        played += 1
        expect(page.locator(f'.wb-rep[data-turn="{played}"]')).to_contain_text(
            text, timeout=RENDER_TIMEOUT_MS)
    assert played == 5
    page.locator("button.wb-finish").click()
    score = page.locator(".wb-scorecard .wb-score")
    expect(score).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    assert t("personas.score.micro_heading", lang) in page.locator(".wb-scorecard").inner_text()
    assert page.locator(".wb-scorecard .wb-micro-actions li").count() == 3
    return score.inner_text()


@pytest.mark.browser
def test_trainer_plays_five_turns_in_each_language(voila_page):
    page = voila_page("persona_trainer", env={"WORKBENCH_LANG": "zh-CN"})
    expect(page.locator(".wb-title h2")).to_have_text(t("ui.personas.title", "zh-CN"),
                                                      timeout=RENDER_TIMEOUT_MS)

    headline = play_session(page, "zh-CN", ZH_TURNS)
    assert "轮后得分" in headline
    assert "5 轮" in headline
    buyer_lines = page.locator(".wb-buyer").all_inner_texts()
    assert all(any("\u4e00" <= char <= "\u9fff" for char in line) for line in buyer_lines)

    page.locator(".wb-lang-switch button", has_text="English").click()
    expect(page.locator(".wb-title h2")).to_have_text(t("ui.personas.title", "en"),
                                                      timeout=RENDER_TIMEOUT_MS)
    headline = play_session(page, "en", EN_TURNS)
    assert headline.startswith("Score ")
    assert "after 5 turns" in headline
    buyer_lines = page.locator(".wb-buyer").all_inner_texts()
    assert not any("\u4e00" <= char <= "\u9fff" for line in buyer_lines for char in line)

    body = page.locator("body").inner_text()
    assert "Traceback" not in body


def upload(page, path):
    # ipywidgets' FileUpload keeps its file input out of the DOM and opens a file chooser.
    with page.expect_file_chooser() as chooser:
        page.locator(".wb-upload").click()
    chooser.value.set_files(str(path))


@pytest.mark.browser
def test_coach_tab_rejects_one_speaker_upload(voila_page, tmp_path):
    page = voila_page("persona_trainer", env={"WORKBENCH_LANG": "en"})
    expect(page.locator(".wb-title h2")).to_have_text(t("ui.personas.title", "en"),
                                                      timeout=RENDER_TIMEOUT_MS)
    page.locator(".wb-tabs .lm-TabBar-tab", has_text="Call coach").click()

    solo = tmp_path / "solo.txt"
    solo.write_text("Rep: Hello\nRep: Anyone there?\n", encoding="utf-8")
    upload(page, solo)
    expect(page.locator(".wb-coach-message")).to_contain_text(
        t("personas.transcript.one_speaker.fix", "en"), timeout=RENDER_TIMEOUT_MS)

    good = tmp_path / "call.txt"
    good.write_text("Rep: Hello, what matters most to you this quarter?\n"
                    "Buyer: Let me think about it.\nRep: Trust me, it will definitely work.\n",
                    encoding="utf-8")
    upload(page, good)
    expect(page.locator(".wb-coach-metrics")).to_contain_text("Dialog call",
                                                             timeout=RENDER_TIMEOUT_MS)
    expect(page.locator(".wb-coach-message")).to_have_text("")
    expect(page.locator(".wb-coach-chart .gtitle")).to_have_text(
        t("ui.personas.coach.chart", "en"), timeout=RENDER_TIMEOUT_MS)


@pytest.mark.notebook
@pytest.mark.parametrize("lang, heading", [("zh-CN", "下次要改进的三件事"),
                                           ("en", "Three things to do differently")])
def test_persona_notebook_runs(run_notebook, lang, heading):
    executed = run_notebook("notebooks/03_persona_training.ipynb", {"lang": lang, "seed": 7})

    cells = {cell.id: cell for cell in executed.cells}
    assert "parameters" in cells["parameters"].metadata["tags"]
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error"
    scorecard = "".join(output.get("text", "") for output in cells["scorecard"].outputs)
    assert heading in scorecard
    assert "advance_stage" in cells["behaviour"].outputs[0]["data"]["text/plain"]
    coach = "".join(output.get("text", "") for output in cells["coach"].outputs)
    assert coach.startswith("1 ")
