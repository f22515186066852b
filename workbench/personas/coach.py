"""Call coach: metrics, emotion curve, playbook match and micro-actions for a transcript.

Input is the canonical ``dialogs`` table (from :func:`read_transcript` or a workspace).
A turn is a run of consecutive rows by one speaker, numbered from 1 across both speakers.
Speech is counted in *units*: one per Chinese character and one per Latin-script word, so
Chinese and English calls compare on a similar scale.

Metrics per dialog
------------------
talk_ratio
    The rep's share of all units.
question_rate
    Share of the rep's turns that contain a question mark (``?`` or ``？``).
longest_monologue
    Units in the rep's longest turn (``longest_monologue_s``: its duration in seconds,
    when times exist).
emotion
    Per turn, (positive cues - negative cues) / cues, from -1 to 1; 0 without cues. Cues
    come from ``phrases/emotion.yaml``; a negator just before a cue flips it.
playbook
    Each rep turn's intent, its confidence, and the talk track of :data:`PLAYBOOK` it
    matches (``None`` for off-playbook intents or confidence under
    :data:`MATCH_CONFIDENCE`).
hesitations
    Buyer turns with a hesitation phrase; ``pause_s`` is the gap before the rep's next
    turn when times exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import yaml

from workbench.errors import WorkbenchError
from workbench.personas.intents import intent_classifier
from workbench.personas.scorecard import MicroAction, top_actions

__all__ = [
    "MATCH_CONFIDENCE",
    "PLAYBOOK",
    "REP_SPEAKERS",
    "CoachAction",
    "DialogReport",
    "coach_dialog",
    "coach_dialogs",
    "emotion_score",
    "speech_units",
]

# Talk tracks in the order a call usually runs, each with the intents that fulfil it.
PLAYBOOK = {
    "opening": ("greeting",),
    "discovery": ("discovery_question",),
    "value": ("value_anchoring",),
    "proof": ("social_proof", "detail_evidence"),
    "objection_handling": ("objection_acknowledged",),
    "close": ("closing_attempt",),
}
MATCH_CONFIDENCE = 0.3
# Speaker names taken to be the rep when no rep is named, compared case-insensitively.
REP_SPEAKERS = ("rep", "sales", "seller", "agent", "persuader", "销售", "销售代表", "客户经理",
                "顾问")
# Thresholds of the micro-actions: talk share, question share, units per turn, seconds.
MAX_TALK_RATIO = 0.65
MIN_QUESTION_RATE = 0.2
MAX_MONOLOGUE_UNITS = 120
MIN_PAUSE_S = 1.0

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9']+")
_TRACK_OF = {intent: track for track, intents in PLAYBOOK.items() for intent in intents}


def speech_units(text: str) -> int:
    """Return the units of ``text``: Chinese characters plus Latin-script words."""
    return len(_CJK.findall(text)) + len(_WORD.findall(_CJK.sub(" ", text)))


@cache
def _lexicon() -> dict:
    document = yaml.safe_load(resources.files("workbench.personas").joinpath(
        "phrases", "emotion.yaml").read_text("utf-8"))
    compiled = {}
    for lang, cues in document.items():
        entries = [(cue.lower(), 1) for cue in cues["positive"]]
        entries += [(cue.lower(), -1) for cue in cues["negative"]]
        # Longest cues first, so "不放心" is read before "放心" inside it.
        entries.sort(key=lambda item: -len(item[0]))
        by_first_word: dict[str, list] = {}
        for cue, sign in entries:
            by_first_word.setdefault(cue.split()[0], []).append((cue.split(), sign))
        hesitation = [phrase.lower() for phrase in cues["hesitation"]]
        if lang == "en":
            pattern = r"\b(" + "|".join(re.escape(phrase) for phrase in hesitation) + r")\b"
        else:
            pattern = "(" + "|".join(re.escape(phrase) for phrase in hesitation) + ")"
        compiled[lang] = {"cues": entries, "by_first_word": by_first_word,
                          "negators": {n.lower() for n in cues["negators"]},
                          "hesitation": re.compile(pattern)}
    return compiled


def _english_score(text: str, lexicon: dict) -> tuple[int, int]:
    words = _WORD.findall(text.lower())
    positive = negative = 0
    position = 0
    while position < len(words):
        match = None
        for cue_words, sign in lexicon["by_first_word"].get(words[position], ()):
            if words[position:position + len(cue_words)] == cue_words:
                match = (cue_words, sign)
                break
        if match is None:
            position += 1
            continue
        cue_words, sign = match
        window = words[max(0, position - 2):position]
        negated = (cue_words[0] not in lexicon["negators"]
                   and any(word in lexicon["negators"] for word in window))
        value = -sign if negated else sign
        positive += value > 0
        negative += value < 0
        position += len(cue_words)
    return positive, negative


def _chinese_score(text: str, lexicon: dict) -> tuple[int, int]:
    masked = text
    positive = negative = 0
    for cue, sign in lexicon["cues"]:
        start = masked.find(cue)
        while start >= 0:
            before = masked[max(0, start - 2):start]
            negated = any(negator in before for negator in lexicon["negators"]) \
                and not cue.startswith(tuple(lexicon["negators"]))
            value = -sign if negated else sign
            positive += value > 0
            negative += value < 0
            masked = masked[:start] + "\0" * len(cue) + masked[start + len(cue):]
            start = masked.find(cue, start + len(cue))
    return positive, negative


def emotion_score(text: str) -> float:
    """Return the emotion of ``text`` from -1 (negative) to 1 (positive); 0 without cues."""
    lexicon = _lexicon()
    positive, negative = _english_score(_CJK.sub(" ", text), lexicon["en"])
    if _CJK.search(text):
        more_positive, more_negative = _chinese_score(text, lexicon["zh-CN"])
        positive += more_positive
        negative += more_negative
    total = positive + negative
    return 0.0 if total == 0 else (positive - negative) / total


def hesitation_phrase(text: str) -> str | None:
    """Return the first hesitation phrase found in ``text``, or ``None``."""
    lowered = text.lower()
    for lang in ("zh-CN", "en"):
        match = _lexicon()[lang]["hesitation"].search(lowered)
        if match is not None:
            return match.group(1)
    return None


# A coaching point of a real call renders like a practice session's micro-action.
CoachAction = MicroAction


@dataclass
class DialogReport:
    """The coach's reading of one dialog.

    ``turn_rows`` has one dict per turn: turn, speaker, role (``rep`` or ``buyer``), text,
    units, t_start, t_end, emotion, intent, confidence, track, hesitation; :attr:`turns`
    is the same as a DataFrame.
    """

    dialog_id: str
    rep: str
    turn_rows: list[dict]
    metrics: dict
    hesitations: list[dict]
    actions: list[CoachAction]

    @property
    def turns(self) -> pd.DataFrame:
        """The turns as a DataFrame, one row per turn."""
        return pd.DataFrame(self.turn_rows)

    def to_dict(self, lang: str | None = None, with_turns: bool = True) -> dict:
        """Return JSON-ready values; advice rendered in ``lang``."""
        result = {"dialog_id": self.dialog_id, "rep": self.rep, **self.metrics,
                  "hesitations": self.hesitations,
                  "micro_actions": [{"turn": action.turn, "key": action.key,
                                     "message": action.message(lang)}
                                    for action in self.actions]}
        if with_turns:
            result["turns"] = [{key: row[key] for key in
                                ("turn", "role", "emotion", "intent", "confidence", "track")}
                               for row in self.turn_rows]
        return result


def _number(value: object) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(number) else number


def _merge_turns(speakers: list[str], texts: list[str], starts: list, ends: list
                 ) -> list[dict]:
    """Merge consecutive rows of one speaker into turns."""
    turns: list[dict] = []
    for speaker, text, start, end in zip(speakers, texts, starts, ends, strict=True):
        start, end = _number(start), _number(end)
        if turns and turns[-1]["speaker"] == speaker:
            last = turns[-1]
            last["text"] += " " + text
            if end is not None:
                last["t_end"] = end if last["t_end"] is None else max(last["t_end"], end)
            if start is not None and last["t_start"] is None:
                last["t_start"] = start
            continue
        turns.append({"turn": len(turns) + 1, "speaker": speaker, "text": text,
                      "t_start": start, "t_end": end})
    return turns


def _pick_rep(speakers: list[str], rep: str | None) -> str:
    if rep is not None:
        if rep not in speakers:
            raise WorkbenchError("personas.coach.unknown_rep", rep=rep,
                                 speakers=", ".join(speakers))
        return rep
    for speaker in speakers:
        if speaker.strip().lower() in REP_SPEAKERS:
            return speaker
    return speakers[0]


def coach_dialogs(dialogs: pd.DataFrame, rep: str | None = None) -> list[DialogReport]:
    """Coach every dialog of a ``dialogs`` table; rep turns are classified in one batch.

    Parameters
    ----------
    dialogs
        The canonical ``dialogs`` table; rows of a dialog are ordered by ``seq``.
    rep
        The rep's speaker name; default the first speaker named in :data:`REP_SPEAKERS`,
        else whoever speaks first.

    Raises
    ------
    WorkbenchError
        If ``rep`` is given and is not a speaker of a dialog.
    """
    # Plain lists: per-dialog pandas operations cost more than the coaching itself.
    ordered = dialogs.assign(_order=np.arange(len(dialogs)))
    ordered = ordered.sort_values(["dialog_id", "seq", "_order"], kind="stable")
    ids = ordered["dialog_id"].astype(str).tolist()
    columns = {name: ordered[name].astype(object).tolist()
               for name in ("speaker", "text", "t_start", "t_end")}
    first_seen = list(dict.fromkeys(dialogs["dialog_id"].astype(str)))
    bounds: dict[str, list[int]] = {}
    for position, dialog_id in enumerate(ids):
        bounds.setdefault(dialog_id, [position, position])[1] = position + 1

    prepared = []
    for dialog_id in first_seen:
        low, high = bounds[dialog_id]
        turns = _merge_turns([str(value) for value in columns["speaker"][low:high]],
                             [str(value) for value in columns["text"][low:high]],
                             columns["t_start"][low:high], columns["t_end"][low:high])
        speakers = list(dict.fromkeys(turn["speaker"] for turn in turns))
        rep_name = _pick_rep(speakers, rep)
        for turn in turns:
            turn["role"] = "rep" if turn["speaker"] == rep_name else "buyer"
        prepared.append((dialog_id, rep_name, turns))

    rep_texts = [turn["text"] for _, _, turns in prepared for turn in turns
                 if turn["role"] == "rep"]
    predictions = iter(intent_classifier().predict(rep_texts))
    reports = []
    for dialog_id, rep_name, turns in prepared:
        for turn in turns:
            if turn["role"] == "rep":
                prediction = next(predictions)
                turn["intent"] = prediction.intent
                turn["confidence"] = round(prediction.confidence, 3)
            else:
                turn["intent"] = turn["confidence"] = None
        reports.append(_report(dialog_id, rep_name, turns))
    return reports


def coach_dialog(dialog: pd.DataFrame, rep: str | None = None) -> DialogReport:
    """Coach one dialog (all rows are taken as one dialog whatever their ``dialog_id``)."""
    single = dialog.assign(dialog_id=str(dialog["dialog_id"].iloc[0]))
    return coach_dialogs(single, rep)[0]


def _has_question(text: str) -> bool:
    return "?" in text or "？" in text


def _report(dialog_id: str, rep: str, turns: list[dict]) -> DialogReport:
    for turn in turns:
        turn["units"] = speech_units(turn["text"])
        turn["emotion"] = round(emotion_score(turn["text"]), 3)
        confident = turn["intent"] is not None and turn["confidence"] >= MATCH_CONFIDENCE
        turn["track"] = _TRACK_OF.get(turn["intent"]) if confident else None
        turn["hesitation"] = hesitation_phrase(turn["text"]) if turn["role"] == "buyer" else None

    rep_turns = [turn for turn in turns if turn["role"] == "rep"]
    buyer_emotion = np.array([turn["emotion"] for turn in turns if turn["role"] == "buyer"])
    total_units = sum(turn["units"] for turn in turns)
    longest = max(rep_turns, key=lambda turn: turn["units"]) if rep_turns else None
    longest_s = None
    if longest is not None and longest["t_start"] is not None and longest["t_end"] is not None:
        longest_s = round(longest["t_end"] - longest["t_start"], 2)
    tracks = [turn["track"] for turn in rep_turns if turn["track"] is not None]
    rep_count = len(rep_turns)

    metrics = {
        "turns": len(turns),
        "rep_turns": rep_count,
        "talk_ratio": round(sum(turn["units"] for turn in rep_turns) / total_units, 4)
        if total_units else 0.0,
        "question_rate": round(sum(_has_question(turn["text"]) for turn in rep_turns)
                               / rep_count, 4) if rep_count else 0.0,
        "longest_monologue": longest["units"] if longest is not None else 0,
        "longest_monologue_turn": longest["turn"] if longest is not None else None,
        "longest_monologue_s": longest_s,
        "buyer_emotion_mean": round(float(buyer_emotion.mean()), 4) if len(buyer_emotion)
        else 0.0,
        "buyer_emotion_end": round(float(buyer_emotion[-3:].mean()), 4) if len(buyer_emotion)
        else 0.0,
        "playbook_coverage": round(len(set(tracks)) / len(PLAYBOOK), 4),
        "playbook_matched": round(len(tracks) / rep_count, 4) if rep_count else 0.0,
        "intent_shares": {intent: round(sum(turn["intent"] == intent for turn in rep_turns)
                                        / rep_count, 4) if rep_count else 0.0
                          for intent in intent_classifier().classes},
    }

    hesitations = []
    for position, buyer in enumerate(turns):
        if buyer["hesitation"] is None:
            continue
        following = turns[position + 1] if position + 1 < len(turns) else None
        pause = None
        if following is not None and buyer["t_end"] is not None \
                and following["t_start"] is not None:
            pause = round(following["t_start"] - buyer["t_end"], 2)
        hesitations.append({"turn": buyer["turn"], "phrase": buyer["hesitation"],
                            "pause_s": pause,
                            "rep_intent": following["intent"] if following else None})
    metrics["hesitations"] = len(hesitations)
    return DialogReport(dialog_id, rep, turns, metrics, hesitations,
                        _actions(turns, metrics, hesitations))


def _actions(turns: list[dict], metrics: dict, hesitations: list[dict]) -> list[CoachAction]:
    """Return the three most important coaching points, each tied to a turn."""
    rep_turns = [turn for turn in turns if turn["role"] == "rep"]
    buyer_turns = [turn for turn in turns if turn["role"] == "buyer"]
    candidates: list[CoachAction] = []
    if not rep_turns:
        return candidates

    for item in hesitations:
        if item["rep_intent"] in ("vague_promise", "concession", "closing_attempt"):
            candidates.append(CoachAction(item["turn"] + 1, "personas.coach.after_hesitation", {
                "phrase": item["phrase"], "did": item["rep_intent"]}, 10))
            break
    for item in hesitations:
        if item["pause_s"] is not None and item["pause_s"] < MIN_PAUSE_S:
            candidates.append(CoachAction(item["turn"] + 1, "personas.coach.short_pause", {
                "pause": item["pause_s"], "minimum": MIN_PAUSE_S}, 7))
            break

    if metrics["talk_ratio"] > MAX_TALK_RATIO:
        candidates.append(CoachAction(metrics["longest_monologue_turn"],
                                      "personas.coach.talk_ratio",
                                      {"ratio": metrics["talk_ratio"]}, 8))
    if metrics["longest_monologue"] > MAX_MONOLOGUE_UNITS:
        candidates.append(CoachAction(metrics["longest_monologue_turn"],
                                      "personas.coach.monologue",
                                      {"units": metrics["longest_monologue"]}, 6))
    if metrics["question_rate"] < MIN_QUESTION_RATE:
        statement = next((turn for turn in rep_turns if not _has_question(turn["text"])),
                         rep_turns[0])
        candidates.append(CoachAction(statement["turn"], "personas.coach.questions",
                                      {"rate": metrics["question_rate"]}, 6))

    # The sharpest fall in the buyer's emotion, blamed on the rep turn just before it.
    drops = [(later["emotion"] - earlier["emotion"], earlier, later)
             for earlier, later in zip(buyer_turns, buyer_turns[1:], strict=False)]
    if drops:
        drop, earlier, later = min(drops, key=lambda item: item[0])
        rep_before = [turn for turn in rep_turns if turn["turn"] < later["turn"]]
        if drop <= -0.5 and rep_before:
            candidates.append(CoachAction(rep_before[-1]["turn"], "personas.coach.emotion_drop", {
                "before": earlier["emotion"], "after": later["emotion"],
                "intent": rep_before[-1]["intent"]}, 5))

    used_tracks = {turn["track"] for turn in rep_turns if turn["track"] is not None}
    if "discovery" not in used_tracks:
        candidates.append(CoachAction(rep_turns[0]["turn"], "personas.coach.missing_track",
                                      {"track": "discovery"}, 5))
    if "close" not in used_tracks:
        candidates.append(CoachAction(rep_turns[-1]["turn"], "personas.coach.missing_track",
                                      {"track": "close"}, 4))
    elif "proof" not in used_tracks and "value" not in used_tracks:
        candidates.append(CoachAction(rep_turns[-1]["turn"], "personas.coach.missing_track",
                                      {"track": "proof"}, 4))

    rises = [(later["emotion"] - earlier["emotion"], later)
             for earlier, later in zip(buyer_turns, buyer_turns[1:], strict=False)]
    if rises:
        rise, later = max(rises, key=lambda item: item[0])
        rep_before = [turn for turn in rep_turns if turn["turn"] < later["turn"]]
        if rise > 0 and rep_before:
            candidates.append(CoachAction(rep_before[-1]["turn"], "personas.coach.keep",
                                          {"intent": rep_before[-1]["intent"]}, 1))
    candidates.append(CoachAction(rep_turns[-1]["turn"], "personas.coach.summarise", {}, 0))

    return top_actions(candidates)
