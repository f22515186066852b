"""The journey health score: five weighted measures give 0-100, a colour band and the drivers.

The score is computed from an event log, so it reads simulated and real journeys alike.
Each measure is turned into a sub-score from 0 (bad) to 100 (good):

========================  ==========================================================
measure                   sub-score
========================  ==========================================================
days_since_contact        100 up to ``fresh_days`` (3), falling linearly to 0 at
                          ``stale_days`` (30)
committee_coverage        100 x contacts touched in the last 30 days / committee size
engagement_trend          50 + 50 x (recent - earlier) / (recent + earlier), touchpoints
                          in the last 14 days against the 14 days before
days_in_stage             100 up to the stage's expected dwell, 0 at three times it
sentiment                 50 + 50 x mean sentiment of the last 30 days (50 if none)
========================  ==========================================================

The score is the weighted mean of the sub-scores. Bands: green from 70, amber from 40,
red below. The drivers are the measures that take the most points off the score
(weight x (100 - sub-score) / sum of weights).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.i18n import t

__all__ = ["HealthWeights", "MEASURES", "band_of", "explain", "health_scores"]

MEASURES = ("days_since_contact", "committee_coverage", "engagement_trend", "days_in_stage",
            "sentiment")
BANDS = {"green": 70.0, "amber": 40.0}
BAND_COLOURS = {"green": "#2e7d32", "amber": "#f9a825", "red": "#c62828"}
_WINDOW_DAYS = 30.0
_TREND_DAYS = 14.0
_DEFAULT_STAGE_DAYS = 14.0


@dataclass(frozen=True)
class HealthWeights:
    """Weights of the five measures; they need not sum to 1 but must not all be 0."""

    days_since_contact: float = 0.25
    committee_coverage: float = 0.20
    engagement_trend: float = 0.20
    days_in_stage: float = 0.20
    sentiment: float = 0.15
    fresh_days: float = 3.0
    stale_days: float = 30.0
    stage_days: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        values = [getattr(self, name) for name in MEASURES]
        if any(value < 0 for value in values) or sum(values) <= 0:
            raise WorkbenchError("journeys.health.bad_weights",
                                 weights=", ".join(f"{name}={getattr(self, name)}"
                                                   for name in MEASURES))

    def vector(self) -> np.ndarray:
        """Return the weights in :data:`MEASURES` order."""
        return np.array([getattr(self, name) for name in MEASURES], dtype=float)


def band_of(score: float) -> str:
    """Return the colour band of a score: green, amber or red."""
    if score >= BANDS["green"]:
        return "green"
    return "amber" if score >= BANDS["amber"] else "red"


def _parse_attrs(values: pd.Series) -> list[dict]:
    parsed = []
    for text in values:
        if isinstance(text, str) and text:
            try:
                parsed.append(json.loads(text))
            except ValueError:
                parsed.append({})
        elif isinstance(text, dict):
            parsed.append(text)
        else:
            parsed.append({})
    return parsed


def health_scores(events: pd.DataFrame, as_of: pd.Timestamp | str | None = None, *,
                  stages: set[str] | None = None, committee_sizes: dict[str, int] | None = None,
                  weights: HealthWeights | None = None) -> pd.DataFrame:
    """Score every case of a log at ``as_of`` (default: the log's last timestamp).

    Parameters
    ----------
    events
        A canonical events frame. Touchpoints are rows whose ``attrs`` kind is not
        ``stage``; their ``attrs`` ``contact_id`` (else ``resource``) counts for coverage
        and ``sentiment`` for sentiment.
    stages
        Activities that are stage changes; default the rows whose attrs kind is ``stage``.
    committee_sizes
        Buying-committee size per case; default the distinct contacts seen in the case.
    weights
        Measure weights and thresholds; default :class:`HealthWeights`.

    Returns
    -------
    pandas.DataFrame
        Indexed by case_id: each measure's value and sub-score (``<measure>_score``),
        ``<measure>_cost`` (points the measure takes off the score), ``stage``, ``score``,
        ``band`` and ``drivers`` (measures costing half a point or more, worst first).
    """
    weights = weights or HealthWeights()
    frame = events[events["timestamp"].notna()].copy()
    as_of = pd.Timestamp(as_of) if as_of is not None else frame["timestamp"].max()
    frame = frame[frame["timestamp"] <= as_of]
    attrs = _parse_attrs(frame["attrs"]) if "attrs" in frame else [{}] * len(frame)
    kind = np.array([item.get("kind", "") for item in attrs], dtype=object)
    if stages is None:
        is_stage = kind == "stage"
    else:
        is_stage = frame["activity"].isin(stages).to_numpy()
    frame["_stage"] = is_stage
    resources = frame["resource"].astype(object).fillna("").astype(str)
    frame["_contact"] = [item.get("contact_id") or resource for item, resource
                         in zip(attrs, resources, strict=True)]
    frame["_sentiment"] = [float(item["sentiment"]) if isinstance(
        item.get("sentiment"), int | float) else np.nan for item in attrs]
    frame["_age"] = (as_of - frame["timestamp"]).dt.total_seconds() / 86_400

    cases = pd.Index(frame["case_id"].unique(), name="case_id")
    touches = frame[~frame["_stage"]]
    stage_rows = frame[frame["_stage"]]
    result = pd.DataFrame(index=cases)

    last_touch_age = touches.groupby("case_id")["_age"].min()
    first_age = frame.groupby("case_id")["_age"].max()
    result["days_since_contact"] = last_touch_age.reindex(cases).fillna(first_age)

    recent = touches[touches["_age"] <= _WINDOW_DAYS]
    touched = recent.groupby("case_id")["_contact"].nunique().reindex(cases).fillna(0)
    if committee_sizes:
        size = pd.Series(committee_sizes).reindex(cases)
    else:
        size = touches.groupby("case_id")["_contact"].nunique().reindex(cases)
    size = size.fillna(touched).clip(lower=1)
    result["committee_coverage"] = (touched / size).clip(0, 1)

    late = touches[touches["_age"] <= _TREND_DAYS].groupby("case_id").size()
    early = touches[(touches["_age"] > _TREND_DAYS) & (touches["_age"] <= 2 * _TREND_DAYS)
                    ].groupby("case_id").size()
    late, early = late.reindex(cases).fillna(0), early.reindex(cases).fillna(0)
    total = late + early
    result["engagement_trend"] = np.where(total > 0, (late - early) / total.where(total > 0, 1),
                                          -1.0)

    last_stage = stage_rows.sort_values("timestamp", kind="stable").groupby("case_id").last()
    result["stage"] = last_stage["activity"].reindex(cases)
    result["days_in_stage"] = last_stage["_age"].reindex(cases).fillna(first_age)

    result["sentiment"] = recent.groupby("case_id")["_sentiment"].mean().reindex(cases)

    scores = _sub_scores(result, weights)
    for name in MEASURES:
        result[f"{name}_score"] = scores[name]
    matrix = np.column_stack([scores[name] for name in MEASURES])
    vector = weights.vector()
    result["score"] = np.round(matrix @ vector / vector.sum(), 1)
    result["band"] = [band_of(score) for score in result["score"]]
    shortfall = (100.0 - matrix) * vector / vector.sum()
    for column, name in enumerate(MEASURES):
        result[f"{name}_cost"] = shortfall[:, column]
    order = np.argsort(-shortfall, axis=1, kind="stable")
    result["drivers"] = [[MEASURES[index] for index in row if shortfall[case, index] >= 0.5]
                         for case, row in enumerate(order)]
    return result


def _sub_scores(result: pd.DataFrame, weights: HealthWeights) -> dict[str, np.ndarray]:
    days = result["days_since_contact"].to_numpy(dtype=float)
    span = max(weights.stale_days - weights.fresh_days, 1e-9)
    expected = np.array([weights.stage_days.get(stage, _DEFAULT_STAGE_DAYS)
                         if isinstance(stage, str) else _DEFAULT_STAGE_DAYS
                         for stage in result["stage"]])
    stall_ratio = result["days_in_stage"].to_numpy(dtype=float) / np.maximum(expected, 1e-9)
    sentiment = result["sentiment"].to_numpy(dtype=float)
    return {
        "days_since_contact": np.clip(100 * (weights.stale_days - days) / span, 0, 100),
        "committee_coverage": 100 * result["committee_coverage"].to_numpy(dtype=float),
        "engagement_trend": 50 + 50 * result["engagement_trend"].to_numpy(dtype=float),
        "days_in_stage": np.clip(100 * (3.0 - stall_ratio) / 2.0, 0, 100),
        "sentiment": np.where(np.isnan(sentiment), 50.0, 50 + 50 * np.clip(sentiment, -1, 1)),
    }


def explain(row: pd.Series, lang: str | None = None, limit: int = 3) -> list[str]:
    """Return one sentence per driver of a score row (from :func:`health_scores`), worst first."""
    lines = []
    for name in row["drivers"][:limit]:
        value = row[name]
        params = {"points": round(float(row[f"{name}_cost"]))}
        if name == "committee_coverage":
            params["value"] = f"{100 * float(value):.0f}"
        elif name == "sentiment":
            params["value"] = "—" if pd.isna(value) else f"{float(value):+.2f}"
        elif name == "engagement_trend":
            params["value"] = f"{100 * float(value):+.0f}"
        else:
            params["value"] = f"{float(value):.0f}"
        lines.append(t(f"journeys.health.driver.{name}", lang, **params))
    if not lines:
        lines.append(t("journeys.health.no_drivers", lang))
    return lines
