"""Practice dialogue: determinism, state changes, scorecard, bad turns, endpoint responder."""

import pytest

from tests.stub_chat_endpoint import StubChatEndpoint
from workbench.errors import WorkbenchError
from workbench.i18n import t
from workbench.personas import (
    MAX_TURN_CHARS,
    BuiltInResponder,
    ChatEndpointResponder,
    PracticeSession,
    default_responder,
)

STACK = ["cautious_cfo", "detail_driven_cto", "kpi_anxious_procurement"]

ZH_TURNS = [
    "王总您好，感谢您今天抽时间见我。",
    "您现在做报表最头疼的问题是什么？",
    "放心，肯定没问题的。",
    "苏州一家和你们规模差不多的物流公司去年上线，现在两天就能关账。",
    "数据存放在境内机房，压测结果是三千并发，这是接口规范文档。",
    "按你们的业务量算，一年大概能省一百二十万。",
    "我们能不能定在下个月一号启动试点？",
]
EN_TURNS = [
    "Good morning, thanks for making time to see me today.",
    "What is the biggest challenge your team faces with reporting right now?",
    "At your volume that works out to around 1.2 million yuan saved per year.",
    "If price is the issue, I can give you a ten percent discount.",
    "A logistics company of your size went live last spring and now closes its books in two days.",
]


def play(turns, seed, lang="zh-CN", personas=STACK, responder=None):
    session = PracticeSession(personas, lang=lang, seed=seed,
                              responder=responder or BuiltInResponder())
    exchanges = [session.say(text) for text in turns if not session.ended]
    return session, exchanges


def test_same_seed_same_replies_and_scorecard():
    first, first_turns = play(ZH_TURNS, seed=11)
    second, second_turns = play(ZH_TURNS, seed=11)

    assert [turn.reply for turn in first_turns] == [turn.reply for turn in second_turns]
    assert [turn.trust for turn in first_turns] == [turn.trust for turn in second_turns]
    assert first.finish().to_dict("en") == second.finish().to_dict("en")


def test_different_seeds_change_the_buyer():
    runs = {tuple(turn.reply for turn in play(ZH_TURNS, seed=seed)[1]) for seed in range(6)}
    assert len(runs) > 1


def test_turn_moves_state_by_intent():
    session, turns = play(ZH_TURNS[:3], seed=2)

    assert [turn.intent for turn in turns] == ["greeting", "discovery_question", "vague_promise"]
    assert turns[1].trust > turns[1].trust_before
    assert turns[2].trust < turns[2].trust_before
    assert turns[2].reply_kind == "unconvinced"
    assert turns[2].patience < turns[1].patience
    assert all(turn.reply for turn in turns)


def test_scorecard_has_items_and_three_micro_actions():
    session, turns = play(ZH_TURNS, seed=11)
    card = session.finish()

    assert 0 <= card.score <= 100
    assert [item.id for item in card.items] == ["opening", "discovery", "fit", "objections",
                                                "promises", "price", "close", "focus"]
    promises = next(item for item in card.items if item.id == "promises")
    assert promises.credit == 0.5
    assert promises.turns == (3,)
    assert len(card.micro_actions) == 3
    for action in card.micro_actions:
        assert 1 <= action.turn <= len(turns)
        assert action.message("zh-CN") != action.message("en")
    text = card.render_text("zh-CN")
    assert "下次要改进的三件事" in text


def test_vague_promise_after_hesitation_gets_micro_action():
    # Find a seed where the buyer stalls and the rep answers with a vague promise.
    for seed in range(40):
        session = PracticeSession(STACK, lang="en", seed=seed, responder=BuiltInResponder())
        session.say("Hello, thanks for having me.")
        session.say("What made you start looking for a new solution this year?")
        stall = session.say("At your volume that works out to around 1.2 million yuan saved "
                            "per year.")
        if stall.reply_kind in ("objection", "hesitation") and not session.ended:
            answer = session.say("Don't worry, it will definitely work for you.")
            break
    else:
        pytest.fail("no seed in 0-39 produced a stall")

    card = session.finish()
    action = card.micro_actions[0]
    assert action.key == "personas.micro.after_stall"
    assert action.turn == answer.index
    assert stall.reply_in("en") in action.message("en")
    assert stall.reply_in("zh-CN") in action.message("zh-CN")


def test_english_turns_get_english_replies():
    session, turns = play(EN_TURNS, seed=5, lang="en", personas=STACK[:2])
    assert all(not any("\u4e00" <= char <= "\u9fff" for char in turn.reply) for turn in turns)
    assert turns[3].intent == "concession"
    price = next(item for item in session.finish().items if item.id == "price")
    assert price.credit == 0.5  # the concession came after value anchoring


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_empty_turn_rejected_session_continues(lang):
    session = PracticeSession(STACK, lang=lang, seed=1, responder=BuiltInResponder())
    session.say(ZH_TURNS[0])

    with pytest.raises(WorkbenchError) as caught:
        session.say("   ")
    assert caught.value.message(lang) == t("personas.turn.empty", lang)
    assert len(session.turns) == 1
    assert session.say(ZH_TURNS[1]).index == 2


@pytest.mark.parametrize("lang, fragment", [("zh-CN", "上限是 2,000"),
                                            ("en", "the limit is 2,000")])
def test_overlong_turn_rejected_session_continues(lang, fragment):
    session = PracticeSession(STACK, lang=lang, seed=1, responder=BuiltInResponder())
    trust = session.state.trust

    with pytest.raises(WorkbenchError) as caught:
        session.say("好" * (MAX_TURN_CHARS + 1))
    message = caught.value.message(lang)
    assert fragment in message
    assert "2,001" in message
    assert session.state.trust == trust
    assert session.say(ZH_TURNS[0]).index == 1


def test_ended_session_rejects_turns():
    session = PracticeSession("enthusiastic_champion", lang="en", seed=0, max_turns=2,
                              responder=BuiltInResponder())
    session.say("Hi, nice to meet you.")
    session.say("Did you watch the football last night?")
    assert session.ended
    with pytest.raises(WorkbenchError) as caught:
        session.say("One more thing")
    assert caught.value.key == "personas.session.ended"


def test_default_responder_is_built_in(monkeypatch):
    monkeypatch.delenv("WORKBENCH_LLM_BASE_URL", raising=False)
    assert isinstance(default_responder(), BuiltInResponder)


def test_endpoint_responder_replies_through_stub(monkeypatch):
    with StubChatEndpoint(reply="我还是觉得贵。") as stub:
        monkeypatch.setenv("WORKBENCH_LLM_BASE_URL", stub.base_url)
        monkeypatch.setenv("WORKBENCH_LLM_MODEL", "stub-model")
        monkeypatch.setenv("WORKBENCH_LLM_API_KEY", "test-key")
        responder = default_responder()
        assert isinstance(responder, ChatEndpointResponder)
        session, turns = play(ZH_TURNS[:2], seed=11, responder=responder)

    assert [turn.reply for turn in turns] == ["我还是觉得贵。"] * 2
    assert all(turn.source == "endpoint" and turn.notice is None for turn in turns)
    request = stub.requests[-1]
    assert request["model"] == "stub-model"
    assert request["messages"][-1] == {"role": "user", "content": ZH_TURNS[1]}
    assert "Simplified Chinese" in request["messages"][0]["content"]
    assert stub.headers[-1]["Authorization"] == "Bearer test-key"


@pytest.mark.parametrize("mode", ["error", "slow", "malformed"])
def test_endpoint_failure_falls_back_to_built_in(mode):
    built_in_session, built_in_turns = play(ZH_TURNS[:3], seed=11)
    with StubChatEndpoint(mode=mode, delay=2.0) as stub:
        responder = ChatEndpointResponder(stub.base_url, timeout=0.5)
        session, turns = play(ZH_TURNS[:3], seed=11, responder=responder)

    assert [turn.reply for turn in turns] == [turn.reply for turn in built_in_turns]
    assert all(turn.notice == "personas.responder.fallback" for turn in turns)
    assert responder.failures == 3
    assert session.finish().to_dict() == built_in_session.finish().to_dict()
    assert "内置人设" in t("personas.responder.fallback", "zh-CN")


def test_endpoint_down_falls_back():
    with StubChatEndpoint() as stub:
        base_url = stub.base_url
    responder = ChatEndpointResponder(base_url, timeout=1.0)  # nothing listens any more
    session, turns = play(ZH_TURNS[:1], seed=3, responder=responder)
    assert turns[0].notice == "personas.responder.fallback"
    assert turns[0].reply
