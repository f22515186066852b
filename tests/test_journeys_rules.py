"""The rules engine on hand-made logs, and the health score with its explanation."""

import json

import pandas as pd
import pytest

from workbench.errors import DataFileError
from workbench.journeys import evaluate_rules, explain, health_scores, parse_rules
from workbench.journeys.health import HealthWeights


def make_log(rows):
    """Build a log from (case, activity, day, contact, sentiment) tuples."""
    start = pd.Timestamp("2024-03-01")
    return pd.DataFrame({
        "case_id": [row[0] for row in rows],
        "activity": [row[1] for row in rows],
        "timestamp": [start + pd.Timedelta(days=row[2]) for row in rows],
        "lifecycle": "complete",
        "resource": "R1",
        "attrs": [json.dumps({"kind": "stage"} if row[1] in {"quote", "negotiation"} else
                             {"kind": "touchpoint", "contact_id": row[3], "sentiment": row[4]})
                  for row in rows],
    })


LOG = make_log([
    ("A", "quote", 0.0, None, None),
    ("A", "payment_terms_viewed", 1.0, "c1", 0.0),
    ("A", "payment_terms_viewed", 2.0, "c1", 0.0),
    ("A", "payment_terms_viewed", 3.5, "c2", -0.1),
    ("B", "quote", 0.0, None, None),
    ("B", "payment_terms_viewed", 1.0, "c3", 0.1),
    ("B", "payment_terms_viewed", 9.0, "c3", 0.1),
    ("B", "payment_terms_viewed", 16.0, "c3", 0.1),
    ("C", "quote", 0.0, None, None),
    ("C", "competitor_quote_received", 2.0, "c4", -0.5),
    ("C", "discount_requested", 5.0, "c4", -0.5),
    ("C", "negotiation", 30.0, None, None),
])

RULES = """rules:
  - id: involve_legal
    when: count(payment_terms_viewed) >= 3 within 7d
    then: alert_legal
  - id: gone_quiet
    when: absent(any) for 20d
    then: escalate_manager
  - id: competitor
    when: competitor_quote_received followed by discount_requested within 7d
    then: escalate_manager
  - id: both
    when: not (count(any) >= 5 within 30d) and (health < 101 or absent(quote) for 1h)
    then: notify_rep
"""


def fired(alerts):
    return {(row.case_id, row.rule_id): row.fired_at for row in alerts.itertuples()}


def test_count_within_window_fires_at_third_view():
    alerts = fired(evaluate_rules(LOG, parse_rules(RULES)))
    assert alerts[("A", "involve_legal")] == pd.Timestamp("2024-03-04 12:00")
    assert ("B", "involve_legal") not in alerts


def test_absence_fires_when_window_closes():
    alerts = fired(evaluate_rules(LOG, parse_rules(RULES)))
    assert alerts[("C", "gone_quiet")] == pd.Timestamp("2024-03-26")
    assert ("A", "gone_quiet") not in alerts


def test_followed_by_within_window():
    alerts = fired(evaluate_rules(LOG, parse_rules(RULES)))
    assert alerts[("C", "competitor")] == pd.Timestamp("2024-03-06")
    assert ("A", "competitor") not in alerts


def test_boolean_operators_and_health():
    alerts = fired(evaluate_rules(LOG, parse_rules(RULES)))
    assert ("B", "both") in alerts
    assert alerts[("A", "both")] == pd.Timestamp("2024-03-01")


def test_until_days_limits_the_view():
    alerts = fired(evaluate_rules(LOG, parse_rules(RULES), until_days=3))
    assert ("A", "involve_legal") not in alerts
    assert ("C", "gone_quiet") not in alerts


def test_quoted_activity_names():
    rules = parse_rules('rules:\n  - id: q\n    when: count("W_Nabellen offertes", x) > 0 '
                        'within 2w\n    then: notify_rep\n')
    assert rules.rules[0].names[0][0] == "W_Nabellen offertes"


def test_health_score_explains_drivers():
    scores = health_scores(LOG, as_of="2024-03-28", weights=HealthWeights(stage_days={
        "quote": 10, "negotiation": 14}))
    quiet = scores.loc["C"]
    assert quiet["band"] == "red"
    assert quiet["days_since_contact"] == pytest.approx(22.0)
    assert quiet["stage"] == "quote"
    assert quiet["drivers"][:2] == ["engagement_trend", "days_since_contact"]
    lines_en = explain(quiet, "en")
    lines_zh = explain(quiet, "zh-CN")
    assert lines_en[0] == "Touchpoints changed by -100% over the last two weeks (−20 points)."
    assert lines_en[1].startswith("No contact for 22 days")
    assert lines_zh[0] == "近两周触点数量变化 -100%（扣 20 分）。"
    assert lines_zh[1].startswith("已有 22 天没有接触")
    recent = scores.loc["B"]
    assert recent["score"] > quiet["score"]
    assert recent["committee_coverage"] == pytest.approx(1.0)


def test_health_score_in_band_order():
    scores = health_scores(LOG, as_of="2024-03-05")
    for row in scores.itertuples():
        expected = "green" if row.score >= 70 else "amber" if row.score >= 40 else "red"
        assert row.band == expected


def test_health_weights_reject_all_zero():
    from workbench.errors import WorkbenchError

    with pytest.raises(WorkbenchError) as error:
        HealthWeights(0, 0, 0, 0, 0)
    assert "0" in error.value.message("en")


def test_same_rules_run_on_simulated_log():
    from importlib import resources

    from workbench.journeys import JourneyModel

    text = resources.files("workbench.journeys").joinpath(
        "rules_library/sales_early_warning.yaml").read_text("utf-8")
    model = JourneyModel(accounts=60, seed=11).run(140)
    alerts = evaluate_rules(model.event_log(), parse_rules(text),
                            known=set(model.catalogue.activities))
    assert set(alerts["action"]) <= {"alert_legal", "escalate_manager",
                                     "assign_customer_success"}
    assert len(alerts) > 0


def test_rules_reject_bad_actions():
    with pytest.raises(DataFileError) as error:
        parse_rules("rules:\n  - id: x\n    when: health < 3\n    then: call_ceo\n")
    assert error.value.problems[0].key == "journeys.rule.unknown_action"
    assert error.value.problems[0].params["line"] == 4
