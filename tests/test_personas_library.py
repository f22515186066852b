"""Persona library, stacking, behaviour probabilities and the intent classifier."""

import math

import pytest

from workbench.errors import DataFileError, WorkbenchError
from workbench.i18n import t
from workbench.personas import (
    BEHAVIOURS,
    BUILTIN_PERSONAS,
    INTENTS,
    TRAITS,
    behaviour,
    held_out_accuracy,
    intent_classifier,
    load_persona,
    parse_persona,
    stack_personas,
)
from workbench.personas.intents import labelled_phrases

DEMO_PERSONAS = ["cautious_cfo", "detail_driven_cto", "kpi_anxious_procurement",
                 "compliance_minded_legal", "enthusiastic_champion", "sceptical_end_user",
                 "budget_frozen_buyer", "new_decision_maker"]

# Held-out accuracy of the shipped classifier is 0.834 at seed 0 and 0.762-0.834 over seeds
# 0-4 (10 intents, chance 0.10), with zh-CN at 0.832-0.868 and en at 0.691-0.807. The floor
# is below the lowest of those seeds, so another split would pass too. It catches a broken
# feature pipeline or a mislabelled phrase file.
ACCURACY_FLOOR = 0.75


def test_builtin_personas_match_demo_ids():
    from workbench.data.demo import PERSONAS

    assert list(BUILTIN_PERSONAS) == DEMO_PERSONAS
    assert list(PERSONAS) == DEMO_PERSONAS


@pytest.mark.parametrize("persona_id", DEMO_PERSONAS)
def test_builtin_persona_is_complete(persona_id):
    persona = load_persona(persona_id)

    assert persona.id == persona_id
    assert set(persona.traits) == set(TRAITS)
    assert all(0 <= value <= 1 for value in persona.traits.values())
    assert persona.objections
    for objection in persona.objections:
        assert set(objection.answered_by) <= set(INTENTS)
        assert objection.text["zh-CN"] and objection.text["en"]
    for kind, lines in persona.replies.items():
        assert lines, kind
        assert all(line["zh-CN"] and line["en"] for line in lines), kind


UNKNOWN_TRAIT_YAML = """\
id: odd_buyer
name: {zh-CN: 奇怪的买家, en: Odd buyer}
role: {zh-CN: 采购, en: Buyer}
summary: {zh-CN: 测试用, en: For tests}
traits:
  openness: 0.5
  conscientiousness: 0.5
  extraversion: 0.5
  agreeableness: 0.5
  neuroticism: 0.5
  risk_aversion: 0.5
  price_sensitivity: 0.5
  detail_orientation: 0.5
  kpi_pressure: 0.5
  decision_power: 0.5
  patience: 0.5
  stubbornness: 0.9
objections:
  - id: price_too_high
    weight: 1
    answered_by: [value_anchoring]
    text: {zh-CN: 太贵了。, en: Too expensive.}
"""


@pytest.mark.parametrize("lang, expected", [
    ("en", "Remove it or rename it to one of: openness"),
    ("zh-CN", "请删除，或改成以下之一：openness"),
])
def test_persona_yaml_unknown_trait_rejected(tmp_path, lang, expected):
    path = tmp_path / "odd_buyer.yaml"
    path.write_text(UNKNOWN_TRAIT_YAML, encoding="utf-8")

    with pytest.raises(DataFileError) as caught:
        load_persona(path)

    problem = caught.value.problems[0]
    assert problem.key == "personas.yaml.unknown_trait"
    assert problem.row == 17
    assert problem.value == "stubbornness"
    message = caught.value.message(lang)
    assert "odd_buyer.yaml" in message
    assert "stubbornness" in message
    assert expected in message
    assert t("personas.yaml.unknown_trait", lang) in message
    # The library still works after the rejection.
    assert load_persona("cautious_cfo").id == "cautious_cfo"


def test_persona_yaml_trait_out_of_range():
    text = UNKNOWN_TRAIT_YAML.replace("  stubbornness: 0.9\n", "").replace(
        "patience: 0.5", "patience: 5")
    with pytest.raises(DataFileError) as caught:
        parse_persona(text, "odd.yaml")
    assert [p.key for p in caught.value.problems] == ["personas.yaml.trait_range"]
    assert caught.value.problems[0].row == 16


def test_persona_yaml_minimal_file_loads():
    text = UNKNOWN_TRAIT_YAML.replace("  stubbornness: 0.9\n", "")
    persona = parse_persona(text, "odd.yaml")
    assert persona.id == "odd_buyer"
    assert persona.replies["greeting"]  # taken from the shared fallback lines


def test_stack_three_personas_merges_by_rules():
    cfo, cto, procurement = (load_persona(name) for name in DEMO_PERSONAS[:3])
    stacked = stack_personas([cfo, cto, procurement])

    assert stacked.id == "cautious_cfo+detail_driven_cto+kpi_anxious_procurement"
    assert stacked.members == tuple(DEMO_PERSONAS[:3])
    assert stacked.traits["risk_aversion"] == 0.90
    assert stacked.traits["detail_orientation"] == 0.95
    assert stacked.traits["kpi_pressure"] == 0.95
    assert stacked.traits["decision_power"] == 0.90
    assert stacked.traits["patience"] == 0.40
    assert math.isclose(stacked.traits["openness"], (0.35 + 0.70 + 0.40) / 3)
    ids = [objection.id for objection in stacked.objections]
    assert len(ids) == len(set(ids))
    price = stacked.objection("price_too_high")
    assert price.weight == 0.9  # the procurement lead's weight beats the CFO's 0.7
    assert price.text == cfo.objection("price_too_high").text  # first member's wording
    weights = [objection.weight for objection in stacked.objections]
    assert weights == sorted(weights, reverse=True)
    assert "谨慎的财务总监" in stacked.name["zh-CN"]
    assert "Detail-driven CTO" in stacked.name["en"]


def test_stack_rejects_bad_counts():
    with pytest.raises(WorkbenchError) as caught:
        stack_personas(DEMO_PERSONAS[:4])
    assert caught.value.key == "personas.stack.count"
    with pytest.raises(WorkbenchError) as caught:
        stack_personas(["cautious_cfo", "cautious_cfo"])
    assert caught.value.key == "personas.stack.repeated"


def test_behaviour_follows_traits():
    cfo = behaviour("cautious_cfo")
    champion = behaviour("enthusiastic_champion")
    cto = behaviour("detail_driven_cto")

    assert set(cfo) == set(BEHAVIOURS)
    assert all(0 < value < 1 for value in cfo.values())
    assert cfo["delay_decision"] > champion["delay_decision"]
    assert champion["champion"] > cfo["champion"]
    assert cto["request_detail"] > champion["request_detail"]
    average = behaviour({})
    assert math.isclose(average["respond"], 0.55)


def test_intent_held_out_accuracy_floor():
    result = held_out_accuracy(seed=0)

    print(f"held-out intent accuracy: {result}")
    assert result["held_out"] >= 80
    assert result["accuracy"] >= ACCURACY_FLOOR
    assert result["accuracy_zh-CN"] >= ACCURACY_FLOOR - 0.05
    assert result["accuracy_en"] >= ACCURACY_FLOOR - 0.1


def test_phrase_set_covers_every_intent_in_both_languages():
    texts, labels, languages = labelled_phrases()
    for intent in INTENTS:
        for lang in ("zh-CN", "en"):
            count = sum(1 for label, language in zip(labels, languages, strict=True)
                        if label == intent and language == lang)
            assert count >= 18, (intent, lang)
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize("text, intent", [
    ("您现在做报表最头疼的问题是什么？", "discovery_question"),
    ("如果这个月签，我可以给您打九折。", "concession"),
    ("放心，肯定没问题的。", "vague_promise"),
    ("What is the biggest challenge your team faces with reporting right now?",
     "discovery_question"),
    ("Shall I send the contract over today so you can review it?", "closing_attempt"),
])
def test_intent_classifier_reads_typical_turns(text, intent):
    assert intent_classifier().classify(text).intent == intent
