"""Calibrate the journey model on an event log and check it reproduces the log.

The stages of a log are its milestone activities: by default every activity recorded only
as a completed event (never with a ``start`` or ``schedule`` lifecycle), because an
activity with a start is work done inside a stage, not a change of state. In the BPI
Challenge 2012 log these are the application (``A_``) and offer (``O_``) states, and the
work items (``W_``) are left out.

Each case becomes the sequence of stages in the order it first reached them. From these
sequences :func:`calibrate` estimates a third-order chain (the next stage depends on the
current stage and the two before it) and the dwell time of every move. A history seen in
fewer than ``min_history_cases`` cases backs off to the last stage only, and then to the
current stage alone. Third order is needed because several BPI milestones are recorded
at the same instant in varying order (A_REGISTERED, A_APPROVED, O_ACCEPTED, A_ACTIVATED):
with one stage of memory the chain forgets which of them a case has already passed.
:func:`simulate` runs
:class:`~workbench.journeys.model.JourneyModel` with that chain, and :func:`compare` sets
the simulated share of cases reaching each stage beside the real one, with the two-sample
Kolmogorov-Smirnov distance of the dwell times in each stage.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.journeys.chain import StageChain

__all__ = ["Calibration", "calibrate", "compare", "ks_distance", "milestone_activities",
           "simulate", "stage_sequences"]

logger = logging.getLogger(__name__)

_WORK_LIFECYCLES = {"start", "schedule", "assign", "resume", "suspend"}
DWELL_MODELS = ("empirical", "lognormal")


def milestone_activities(events: pd.DataFrame) -> list[str]:
    """Return the activities that are stage changes, in order of first appearance.

    Rows whose attrs kind is ``stage`` (a simulated log) decide when present; otherwise
    the activities never recorded with a work lifecycle (start, schedule...).
    """
    attrs = events["attrs"].fillna("").astype(str) if "attrs" in events else None
    if attrs is not None:
        marked = attrs.str.contains('"kind": "stage"', regex=False)
        if marked.any():
            return list(pd.unique(events.loc[marked, "activity"]))
    lifecycle = events["lifecycle"].fillna("complete").astype(str).str.lower()
    work = set(events.loc[lifecycle.isin(_WORK_LIFECYCLES), "activity"])
    return [name for name in pd.unique(events["activity"]) if name not in work]


def stage_sequences(events: pd.DataFrame, stages: list[str]) -> pd.DataFrame:
    """Return each case's first entry into each stage, ordered by time within the case.

    Stages entered at the same instant have no order of their own; they are put in the
    order of ``stages``, so that the same set of simultaneous milestones always forms
    the same sequence.
    """
    frame = events[events["activity"].isin(stages)][["case_id", "activity", "timestamp"]]
    rank = {name: position for position, name in enumerate(stages)}
    frame = frame.assign(_order=frame["activity"].map(rank))
    frame = frame.sort_values(["case_id", "timestamp", "_order"], kind="stable")
    frame = frame.drop_duplicates(["case_id", "activity"], keep="first")
    return frame.rename(columns={"activity": "stage"})[["case_id", "stage", "timestamp"]]


@dataclass
class Calibration:
    """A chain estimated from a log, with the real figures it should reproduce.

    Attributes
    ----------
    stages : list of str
        Stage activities, in order of first appearance in the log.
    chain : StageChain
        Estimated transitions and dwell times.
    arrivals : numpy.ndarray
        Days from the first case start to each case's start, in the real log.
    real_reach : pandas.Series
        Share of cases reaching each stage.
    real_dwell : dict
        Days spent in each stage before the next stage, per stage.
    cases : int
        Number of real cases.
    start : pandas.Timestamp
        First timestamp of the log.
    """

    stages: list[str]
    chain: StageChain
    arrivals: np.ndarray
    real_reach: pd.Series
    real_dwell: dict[str, np.ndarray]
    cases: int
    start: pd.Timestamp


def _dwell_table(sequences: pd.DataFrame, index: dict[str, int]) -> pd.DataFrame:
    frame = sequences.copy()
    frame["code"] = frame["stage"].map(index)
    grouped = frame.groupby("case_id", sort=False)
    frame["previous"] = grouped["code"].shift(1)
    frame["before_previous"] = grouped["code"].shift(2)
    frame["following"] = grouped["code"].shift(-1)
    frame["next_time"] = grouped["timestamp"].shift(-1)
    frame["dwell"] = (frame["next_time"] - frame["timestamp"]).dt.total_seconds() / 86_400
    return frame


def calibrate(events: pd.DataFrame, stages: list[str] | None = None, *,
              min_history_cases: int = 30, dwell_model: str = "empirical") -> Calibration:
    """Estimate stage transitions and dwell times from a log.

    Parameters
    ----------
    events
        A canonical events frame (checked with :func:`validate_log` first).
    stages
        Stage activities; default :func:`milestone_activities`.
    min_history_cases
        A history (stages before, current stage) seen in fewer cases backs off to a
        shorter one.
    dwell_model
        ``empirical`` resamples the observed dwell times of each move; ``lognormal``
        fits a log-normal (median and spread of the log-days) per move.

    Raises
    ------
    WorkbenchError
        ``journeys.calibration.no_stages`` if fewer than two stages are found,
        ``journeys.calibration.bad_dwell_model`` for an unknown dwell model.
    """
    if dwell_model not in DWELL_MODELS:
        raise WorkbenchError("journeys.calibration.bad_dwell_model", value=dwell_model,
                             allowed=", ".join(DWELL_MODELS))
    stages = list(stages) if stages else milestone_activities(events)
    if len(stages) < 2:
        raise WorkbenchError("journeys.calibration.no_stages", found=", ".join(stages) or "—")
    index = {name: position for position, name in enumerate(stages)}
    count = len(stages)
    start_code, end_code = count, count
    sequences = stage_sequences(events, stages)
    table = _dwell_table(sequences, index)

    radix = count + 1
    previous = table["previous"].fillna(start_code).astype(int).to_numpy()
    before = table["before_previous"].fillna(start_code).astype(int).to_numpy()
    current = table["code"].to_numpy()
    following = table["following"].fillna(end_code).astype(int).to_numpy()

    def estimate(context: np.ndarray, contexts: int, fallback: np.ndarray) -> np.ndarray:
        counts = np.zeros((contexts, count, count + 1))
        np.add.at(counts, (context, current, following), 1)
        totals = counts.sum(axis=2, keepdims=True)
        estimated = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
        return np.where(totals >= min_history_cases, estimated, fallback)

    ends_here = np.zeros((1, count, count + 1))
    ends_here[..., end_code] = 1.0
    first_counts = np.zeros((count, count + 1))
    np.add.at(first_counts, (current, following), 1)
    first_totals = first_counts.sum(axis=1, keepdims=True)
    first_probability = np.where(first_totals > 0, first_counts / np.maximum(first_totals, 1),
                                 ends_here[0])
    second = estimate(previous, radix, first_probability[None])
    full_context = np.arange(radix * radix)
    third = estimate(before * radix + previous, radix * radix, second[full_context % radix])
    probabilities = third[None]
    firsts = table.groupby("case_id", sort=False)["code"].first()
    initial = np.bincount(firsts.to_numpy(), minlength=count).astype(float)[None, :]
    initial /= initial.sum()

    dwell: dict[tuple[int, int, int], tuple] = {}
    moved = table[table["following"].notna()]
    for (stage, target), days in moved.groupby(["code", "following"])["dwell"]:
        dwell[(0, int(stage), int(target))] = _dwell_sampler(days.to_numpy(), dwell_model)
    for stage, days in moved.groupby("code")["dwell"]:
        dwell[(0, int(stage), -1)] = _dwell_sampler(days.to_numpy(), dwell_model)
    real_dwell = {stages[int(stage)]: days.to_numpy()
                  for stage, days in moved.groupby("code")["dwell"]}

    case_start = events.groupby("case_id")["timestamp"].min()
    start = case_start.min()
    arrivals = ((case_start - start).dt.total_seconds() / 86_400).to_numpy()
    reached = sequences.groupby("stage")["case_id"].nunique().reindex(stages).fillna(0)
    real_reach = reached / len(case_start)
    chain = StageChain(stages, probabilities, initial, dwell,
                       terminal=first_probability[:, end_code] >= 1.0 - 1e-12,
                       lost=np.zeros(count, dtype=bool), word_of_mouth_stage=None,
                       segments=["all"], order=3)
    logger.info("calibrated %d stages on %d cases", count, len(case_start))
    return Calibration(stages, chain, arrivals, real_reach.rename("share"), real_dwell,
                       len(case_start), start)


def _dwell_sampler(days: np.ndarray, model: str) -> tuple:
    days = np.maximum(days, 0.0)
    if model == "empirical":
        return ("empirical", np.sort(days))
    logs = np.log(np.maximum(days, 1e-6))
    return ("lognormal", float(np.exp(np.median(logs))), float(np.std(logs)))


def simulate(calibration: Calibration, cases: int | None = None,
             seed: int | np.random.Generator | None = None, step_days: float = 7.0):
    """Run the journey model with a calibration until every simulated journey has ended.

    ``cases`` defaults to the real number of cases; their start days are drawn from the
    real ones. Returns the finished :class:`~workbench.journeys.model.JourneyModel`.
    """
    from workbench.journeys.model import JourneyModel
    from workbench.journeys.population import Population

    rng = np.random.default_rng(seed)
    count = cases or calibration.cases
    arrivals = rng.choice(calibration.arrivals, size=count, replace=True)
    population = Population(
        pd.DataFrame({"account_id": [f"S{number:06d}" for number in range(1, count + 1)],
                      "segment": "all", "size": np.nan, "budget": np.nan, "rep_id": "sim"}),
        pd.DataFrame(columns=["contact_id", "account_id", "role", "persona"]),
        pd.DataFrame({"rep_id": ["sim"], "hours_per_week": [40.0], "skill": [0.6]}))
    model = JourneyModel(population, chain=calibration.chain, step_days=step_days,
                         arrivals=arrivals, health_effect=0.0, network="none",
                         adoption_stage=calibration.stages[-1], start=str(calibration.start),
                         rng=rng)
    while model.running:
        model.step()
    return model


def ks_distance(sample: np.ndarray, other: np.ndarray) -> float:
    """Return the two-sample Kolmogorov-Smirnov statistic: the largest gap of the two ECDFs."""
    sample, other = np.sort(np.asarray(sample, float)), np.sort(np.asarray(other, float))
    if not len(sample) or not len(other):
        return float("nan")
    points = np.concatenate([sample, other])
    gap = np.abs(np.searchsorted(sample, points, side="right") / len(sample)
                 - np.searchsorted(other, points, side="right") / len(other))
    return float(gap.max())


def compare(calibration: Calibration, simulated: pd.DataFrame) -> dict:
    """Compare a simulated log with the real figures of a calibration.

    Returns
    -------
    dict
        ``stages``: per stage the real and simulated share of cases reaching it, their
        difference in percentage points, the KS distance of dwell times and the sample
        sizes; ``max_share_gap_pp`` and ``max_ks``; ``cases`` real and simulated.
    """
    stages = calibration.stages
    sequences = stage_sequences(simulated, stages)
    simulated_cases = simulated["case_id"].nunique()
    reach = (sequences.groupby("stage")["case_id"].nunique().reindex(stages).fillna(0)
             / max(simulated_cases, 1))
    table = _dwell_table(sequences, {name: position for position, name in enumerate(stages)})
    moved = table[table["following"].notna()]
    simulated_dwell = {stages[int(stage)]: days.to_numpy()
                       for stage, days in moved.groupby("code")["dwell"]}
    rows = []
    for stage in stages:
        real_days = calibration.real_dwell.get(stage, np.empty(0))
        simulated_days = simulated_dwell.get(stage, np.empty(0))
        real_share, simulated_share = float(calibration.real_reach[stage]), float(reach[stage])
        rows.append({"stage": stage, "real_share": round(real_share, 4),
                     "simulated_share": round(simulated_share, 4),
                     "gap_pp": round(100 * (simulated_share - real_share), 2),
                     "ks": (round(ks_distance(real_days, simulated_days), 4)
                            if len(real_days) and len(simulated_days) else None),
                     "dwell_n_real": int(len(real_days)),
                     "dwell_n_simulated": int(len(simulated_days))})
    ks_values = [row["ks"] for row in rows if row["ks"] is not None]
    return {"cases": {"real": calibration.cases, "simulated": int(simulated_cases)},
            "stages": rows,
            "max_share_gap_pp": max(abs(row["gap_pp"]) for row in rows),
            "max_ks": max(ks_values) if ks_values else None}
