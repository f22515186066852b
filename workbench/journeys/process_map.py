"""Directly-follows graph of an event log: where journeys flow, wait, stall and loop."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["directly_follows", "wait_matrix"]


def directly_follows(events: pd.DataFrame, *, activities: list[str] | None = None
                     ) -> pd.DataFrame:
    """Count each pair of activities that follow each other directly within a case.

    Parameters
    ----------
    events
        A canonical events frame; rows are ordered by timestamp within each case (stable,
        so the stored order breaks ties).
    activities
        Keep only these activities before pairing (e.g. stages); default all.

    Returns
    -------
    pandas.DataFrame
        One row per (source, target): ``count`` (transitions), ``cases`` (distinct cases),
        ``mean_wait_days`` and ``median_wait_days`` (time between the two events) and
        ``loop`` (source equals target: rework).
    """
    frame = events[["case_id", "activity", "timestamp"]]
    if activities is not None:
        frame = frame[frame["activity"].isin(activities)]
    frame = frame.sort_values(["case_id", "timestamp"], kind="stable")
    same_case = frame["case_id"].to_numpy()[1:] == frame["case_id"].to_numpy()[:-1]
    source = frame["activity"].to_numpy()[:-1][same_case]
    target = frame["activity"].to_numpy()[1:][same_case]
    times = frame["timestamp"].to_numpy()
    wait = ((times[1:] - times[:-1])[same_case] / np.timedelta64(1, "s")) / 86_400
    pairs = pd.DataFrame({"source": source, "target": target, "wait": wait,
                          "case_id": frame["case_id"].to_numpy()[1:][same_case]})
    if pairs.empty:
        return pd.DataFrame(columns=["source", "target", "count", "cases", "mean_wait_days",
                                     "median_wait_days", "loop"])
    graph = pairs.groupby(["source", "target"]).agg(
        count=("wait", "size"), cases=("case_id", "nunique"), mean_wait_days=("wait", "mean"),
        median_wait_days=("wait", "median")).reset_index()
    graph["loop"] = graph["source"] == graph["target"]
    return graph.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def wait_matrix(graph: pd.DataFrame, value: str = "mean_wait_days", top: int = 25
                ) -> pd.DataFrame:
    """Pivot a directly-follows graph to a source x target matrix of ``value``.

    Keeps the ``top`` activities by transitions through them, most frequent first; cells
    without transitions are NaN. This is the heat map of where journeys stall or loop.
    """
    volume = pd.concat([graph.groupby("source")["count"].sum(),
                        graph.groupby("target")["count"].sum()], axis=1).fillna(0).sum(axis=1)
    keep = volume.sort_values(ascending=False, kind="stable").index[:top]
    subset = graph[graph["source"].isin(keep) & graph["target"].isin(keep)]
    return subset.pivot(index="source", columns="target", values=value).reindex(
        index=keep, columns=keep)
