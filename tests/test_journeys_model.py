"""The journey model: mesa API, readable agents, reproducible event logs, stored runs."""

import mesa
import numpy as np
import pandas as pd
import pytest

from workbench.data import Workspace
from workbench.journeys import (
    JourneyModel,
    Population,
    default_catalogue,
    directly_follows,
    log_hash,
    store_run,
    wait_matrix,
)
from workbench.journeys.events import load_run


@pytest.fixture(scope="module")
def finished_model():
    return JourneyModel(accounts=200, seed=42).run(7 * 52)


def test_catalogue_has_forty_touchpoints_and_hidden_ones():
    catalogue = default_catalogue()
    assert len(catalogue.touchpoints) >= 40
    assert sum(point.hidden for point in catalogue.touchpoints) >= 8
    assert catalogue.stage_ids[:3] == ["awareness", "inquiry", "demo"]
    for stage in ("trial", "quote", "negotiation", "legal_review", "contract", "onboarding",
                  "renewal", "churn"):
        assert stage in catalogue.stage_ids


def test_model_uses_mesa_agents(finished_model):
    model = finished_model
    assert isinstance(model, mesa.Model)
    account = model.account_agents[0]
    assert account in model.agents
    assert len(model.agents) == 200 + len(model.contact_ids) + len(model.rep_ids)
    assert account.stage in model.chain.stages
    contact = account.contacts[0]
    assert contact.engagement == model.contact_engagement[contact.row]
    assert contact.role == "economic_buyer"
    assert 0 <= account.rep.skill <= 1


def test_model_collects_data(finished_model):
    frame = finished_model.datacollector.get_model_vars_dataframe()
    assert len(frame) == finished_model.steps + 1
    assert frame["won"].iloc[-1] + frame["lost"].iloc[-1] <= 200
    assert frame["adopted_share"].is_monotonic_increasing


def test_batch_run_works():
    results = mesa.batch_run(JourneyModel, parameters={"accounts": 50, "seed": [1, 2]},
                             iterations=1, max_steps=8, number_processes=1,
                             display_progress=False)
    assert {row["seed"] for row in results} == {1, 2}
    assert all("won" in row for row in results)


def test_event_log_matches_canonical_schema(finished_model):
    log = finished_model.event_log()
    assert list(log.columns) == ["case_id", "activity", "timestamp", "lifecycle", "resource",
                                 "attrs"]
    assert set(log["case_id"]) <= set(finished_model.account_ids)
    assert log.groupby("case_id")["timestamp"].apply(lambda s: s.is_monotonic_increasing).all()
    hidden = finished_model.event_log(include_hidden=False)
    assert len(hidden) < len(log)
    assert "internal_price_comparison" not in set(hidden["activity"])


def test_same_seed_same_log():
    first = JourneyModel(accounts=80, seed=7).run(140).event_log()
    second = JourneyModel(accounts=80, seed=7).run(140).event_log()
    other = JourneyModel(accounts=80, seed=8).run(140).event_log()
    assert log_hash(first) == log_hash(second)
    assert log_hash(first) != log_hash(other)


def test_stored_hash_ignores_batch_size(tmp_path, finished_model):
    log = finished_model.event_log()
    with Workspace(tmp_path / "w.duckdb") as workspace:
        small = store_run(workspace, log, "small", seed=42, batch_size=997)
        large = store_run(workspace, log, "large", seed=42, batch_size=1_000_000)
        assert log_hash(load_run(workspace, "small")) == small
        assert log_hash(load_run(workspace, "large")) == large
        assert workspace.sql("SELECT count(*) AS n FROM events")["n"][0] == 0
    assert small == large == log_hash(log)


def test_population_from_demo_workspace(tmp_path):
    from workbench.cli import build_demo_workspace

    path = tmp_path / "demo.duckdb"
    assert build_demo_workspace(path, tmp_path / "demo") == 0
    with Workspace(path, read_only=True) as workspace:
        population = Population.from_workspace(workspace, seed=1)
    model = JourneyModel(population, seed=1).run(28)
    segments = {agent.segment for agent in model.account_agents}
    assert segments == {"technical_decision", "cost_sensitive", "compliance_driven"}
    personas = {agent.persona for agent in model.contact_agents}
    assert "cautious_cfo" in personas


def test_rep_capacity_limits_touchpoints():
    busy = JourneyModel(accounts=150, reps=1, seed=3, health_effect=0.0)
    busy.rep_hours[:] = 1.0
    busy.run(56)
    free = JourneyModel(accounts=150, reps=1, seed=3, health_effect=0.0)
    free.rep_hours[:] = 1000.0
    free.run(56)
    assert busy.rep_agents[0].utilisation > 1
    assert busy.contact_touches.sum() < free.contact_touches.sum()


def test_word_of_mouth_spreads_on_network():
    with_word = JourneyModel(accounts=300, seed=5, innovation=0.01, imitation=0.9,
                             adoption_stage="inquiry", record_events=False).run(70)
    without = JourneyModel(accounts=300, seed=5, innovation=0.01, imitation=0.0,
                           adoption_stage="inquiry", record_events=False).run(70)
    assert with_word.account_adopted.mean() > without.account_adopted.mean() + 0.1


def test_process_map_counts_loops():
    log = pd.DataFrame({
        "case_id": ["1", "1", "1", "2", "2"],
        "activity": ["a", "b", "b", "a", "b"],
        "timestamp": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-04",
                                     "2024-01-01", "2024-01-02"]),
    })
    graph = directly_follows(log).set_index(["source", "target"])
    assert graph.loc[("a", "b"), "count"] == 2
    assert graph.loc[("a", "b"), "mean_wait_days"] == pytest.approx(1.5)
    assert bool(graph.loc[("b", "b"), "loop"])
    matrix = wait_matrix(graph.reset_index())
    assert np.isnan(matrix.loc["b", "a"])
