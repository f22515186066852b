"""How well the coach's features predict a real outcome, and how Big Five traits relate to it.

Built for Persuasion For Good (Wang et al., ACL 2019): ``full_info.csv`` beside
``full_dialog.csv`` contains each participant's Big Five scores (1-5, columns ``extrovert.x``,
``agreeable.x``, ``conscientious.x``, ``neurotic.x``, ``open.x``) and the donation made
after the chat (``B6``); persuadees are the rows with ``B4 = 1``. The outcome is
``donation > 0``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu, pointbiserialr
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from workbench.personas.coach import DialogReport

__all__ = ["BIG_FIVE_COLUMNS", "CV_FOLDS", "feature_table", "outcome_analysis",
           "read_persuasion_outcomes"]

CV_FOLDS = 5
BIG_FIVE_COLUMNS = {"extraversion": "extrovert.x", "agreeableness": "agreeable.x",
                    "conscientiousness": "conscientious.x", "neuroticism": "neurotic.x",
                    "openness": "open.x"}
# Features of the rep's own behaviour; the rest describe the buyer's side of the call.
REP_FEATURES = ("talk_ratio", "question_rate", "longest_monologue", "rep_turns",
                "playbook_coverage", "playbook_matched")
BUYER_FEATURES = ("buyer_emotion_mean", "buyer_emotion_end", "hesitations")


def read_persuasion_outcomes(info_path: str | Path) -> pd.DataFrame:
    """Return one row per persuadee: dialog_id, donation, donated and the Big Five (1-5)."""
    info = pd.read_csv(info_path)
    persuadees = info[info["B4"] == 1]
    frame = pd.DataFrame({"dialog_id": persuadees["B2"].astype(str),
                          "donation": pd.to_numeric(persuadees["B6"], errors="coerce")})
    for trait, column in BIG_FIVE_COLUMNS.items():
        frame[trait] = pd.to_numeric(persuadees[column], errors="coerce")
    frame["donated"] = (frame["donation"] > 0).astype(int)
    return frame.dropna(subset=["donation"]).drop_duplicates("dialog_id").reset_index(drop=True)


def feature_table(reports: list[DialogReport]) -> pd.DataFrame:
    """Return the coach's numeric features, one row per dialog, indexed by dialog_id."""
    rows = []
    for report in reports:
        metrics = report.metrics
        row = {name: float(metrics[name]) for name in REP_FEATURES + BUYER_FEATURES}
        row.update({f"share_{intent}": share for intent, share in
                    metrics["intent_shares"].items()})
        rows.append({"dialog_id": report.dialog_id, **row})
    return pd.DataFrame(rows).set_index("dialog_id")


def _cv_auc(features: pd.DataFrame, outcome: np.ndarray, seed: int) -> dict:
    folds = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=seed)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    scores = cross_val_predict(model, features.to_numpy(dtype=float), outcome, cv=folds,
                               method="predict_proba")[:, 1]
    per_fold = [roc_auc_score(outcome[test], scores[test])
                for _, test in folds.split(features, outcome)]
    return {"auc": round(float(roc_auc_score(outcome, scores)), 4),
            "auc_fold_mean": round(float(np.mean(per_fold)), 4),
            "auc_fold_sd": round(float(np.std(per_fold)), 4),
            "features": list(features.columns)}


def outcome_analysis(reports: list[DialogReport], outcomes: pd.DataFrame,
                     seed: int = 0) -> dict:
    """Cross-validate the coach's features against ``donated``; relate the Big Five to it.

    Returns the base rate, the pooled out-of-fold AUC (and fold mean and spread) of a
    standardised logistic regression for: all coach features, the rep's behaviour only,
    the Big Five only, and both; then per Big Five trait the means of donors and
    non-donors, the point-biserial correlation, the Mann-Whitney p-value and the AUC of
    the trait alone.
    """
    features = feature_table(reports)
    joined = outcomes.set_index("dialog_id").join(features, how="inner")
    outcome = joined["donated"].to_numpy()
    coach_columns = list(features.columns)
    rep_columns = [c for c in coach_columns if c not in BUYER_FEATURES]
    traits = list(BIG_FIVE_COLUMNS)
    with_traits = joined.dropna(subset=traits)

    result = {
        "dialogs": int(len(joined)),
        "donated": int(outcome.sum()),
        "base_rate": round(float(outcome.mean()), 4),
        "published_base_rate": 0.536,
        "cv_folds": CV_FOLDS,
        "seed": seed,
        "coach_features": _cv_auc(joined[coach_columns], outcome, seed),
        "rep_features": _cv_auc(joined[rep_columns], outcome, seed),
        "big_five": _cv_auc(with_traits[traits], with_traits["donated"].to_numpy(), seed),
        "coach_and_big_five": _cv_auc(with_traits[coach_columns + traits],
                                      with_traits["donated"].to_numpy(), seed),
        "traits": {},
    }
    donors = with_traits[with_traits["donated"] == 1]
    others = with_traits[with_traits["donated"] == 0]
    for trait in traits:
        correlation, _ = pointbiserialr(with_traits["donated"], with_traits[trait])
        _, p_value = mannwhitneyu(donors[trait], others[trait])
        result["traits"][trait] = {
            "mean_donors": round(float(donors[trait].mean()), 3),
            "mean_non_donors": round(float(others[trait].mean()), 3),
            "r": round(float(correlation), 4),
            "p_mann_whitney": float(f"{p_value:.3g}"),
            "auc": round(float(roc_auc_score(with_traits["donated"], with_traits[trait])), 4),
        }
    return result
