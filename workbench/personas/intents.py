"""Intent classifier for a rep's turn, trained on the labelled phrases shipped in ``phrases/``.

The model is a scikit-learn pipeline: TF-IDF over character 1-3-grams of the Chinese
characters in a turn, TF-IDF over word 1-2-grams of its Latin-script words, joined and fed
to a linear support-vector classifier. Question marks are kept as tokens in both parts,
because they separate discovery questions and closing attempts from statements. Chinese
is not split into words, so character n-grams stand in
for words there; English words carry meaning on their own. A mixed turn gets both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

__all__ = [
    "HELD_OUT_SHARE",
    "INTENTS",
    "IntentClassifier",
    "IntentPrediction",
    "held_out_accuracy",
    "intent_classifier",
    "labelled_phrases",
]

INTENTS = ("greeting", "discovery_question", "value_anchoring", "social_proof",
           "detail_evidence", "objection_acknowledged", "concession", "vague_promise",
           "closing_attempt", "off_topic")

# Share of the phrases of each intent and language kept out of training by held_out_accuracy.
HELD_OUT_SHARE = 0.25

# Decision scores of a linear SVM lie mostly within -1.5..1.5; scaling them before the
# softmax spreads the confidences over 0-1 instead of bunching them near 1 / len(INTENTS).
_SOFTMAX_SCALE = 3.0

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CJK_AND_QUESTION = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff？]+")


def chinese_part(text: str) -> str:
    """Return the runs of Chinese characters and question marks of ``text``."""
    return " ".join(_CJK_AND_QUESTION.findall(text.replace("?", "？")))


def latin_part(text: str) -> str:
    """Return ``text`` lower-cased with its Chinese characters removed."""
    return _CJK.sub(" ", text).lower()


@dataclass(frozen=True)
class IntentPrediction:
    """The intent of one turn and the model's confidence in it.

    ``confidence`` is the softmax of the classifier's decision scores, a number from 0 to 1
    that ranks predictions; it is not a calibrated probability.
    """

    intent: str
    confidence: float


def labelled_phrases() -> tuple[list[str], list[str], list[str]]:
    """Return the shipped phrases as ``(texts, intents, languages)``, in file order."""
    texts: list[str] = []
    labels: list[str] = []
    languages: list[str] = []
    folder = resources.files("workbench.personas").joinpath("phrases")
    for lang in ("zh-CN", "en"):
        document = yaml.safe_load(folder.joinpath(f"{lang}.yaml").read_text("utf-8"))
        for intent in INTENTS:
            for phrase in document[intent]:
                texts.append(str(phrase))
                labels.append(intent)
                languages.append(lang)
    return texts, labels, languages


def _pipeline() -> Pipeline:
    chinese = TfidfVectorizer(preprocessor=chinese_part, analyzer="char_wb",
                              ngram_range=(1, 3), sublinear_tf=True)
    latin = TfidfVectorizer(preprocessor=latin_part, analyzer="word", ngram_range=(1, 2),
                            token_pattern=r"(?u)\b\w+\b|\?", sublinear_tf=True)
    return Pipeline([
        ("features", FeatureUnion([("chinese_chars", chinese), ("latin_words", latin)])),
        ("model", LinearSVC(C=1.0)),
    ])


class IntentClassifier:
    """A fitted intent model.

    Parameters
    ----------
    texts, labels
        Training phrases and their intents; default: every shipped phrase.
    """

    def __init__(self, texts: list[str] | None = None, labels: list[str] | None = None) -> None:
        if texts is None or labels is None:
            texts, labels, _ = labelled_phrases()
        self.pipeline = _pipeline().fit(texts, labels)
        self.classes = [str(name) for name in self.pipeline.classes_]

    def predict(self, texts: list[str]) -> list[IntentPrediction]:
        """Classify each text; return the best intent and its confidence."""
        if not texts:
            return []
        confidences = self.confidences(texts)
        best = confidences.argmax(axis=1)
        return [IntentPrediction(str(self.classes[index]), float(row[index]))
                for index, row in zip(best, confidences, strict=True)]

    def confidences(self, texts: list[str]) -> np.ndarray:
        """Return the confidence in each intent of :attr:`classes` for each text (rows sum to 1)."""
        scores = self.pipeline.decision_function(list(texts)) * _SOFTMAX_SCALE
        scores -= scores.max(axis=1, keepdims=True)
        weights = np.exp(scores)
        return weights / weights.sum(axis=1, keepdims=True)

    def classify(self, text: str) -> IntentPrediction:
        """Classify one turn."""
        return self.predict([text])[0]


@cache
def intent_classifier() -> IntentClassifier:
    """Return the classifier trained on every shipped phrase (built once per process)."""
    return IntentClassifier()


def held_out_accuracy(seed: int = 0) -> dict[str, float]:
    """Train on 75 % of the shipped phrases and return accuracy on the other 25 %.

    The split is stratified by intent and language. Returns the overall accuracy, the
    accuracy per language and the number of held-out phrases.
    """
    texts, labels, languages = labelled_phrases()
    strata = [f"{label}|{lang}" for label, lang in zip(labels, languages, strict=True)]
    indices = np.arange(len(texts))
    train, test = train_test_split(indices, test_size=HELD_OUT_SHARE, random_state=seed,
                                   stratify=strata)
    model = IntentClassifier([texts[i] for i in train], [labels[i] for i in train])
    predicted = [item.intent for item in model.predict([texts[i] for i in test])]
    correct = np.array([predicted[k] == labels[i] for k, i in enumerate(test)])
    result = {"accuracy": float(correct.mean()), "held_out": int(len(test))}
    for lang in ("zh-CN", "en"):
        mask = np.array([languages[i] == lang for i in test])
        result[f"accuracy_{lang}"] = float(correct[mask].mean())
    return result
