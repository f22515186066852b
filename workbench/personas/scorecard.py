"""The scorecard of a practice session: a checklist with partial credit and three micro-actions.

| item | weight | full credit | partial credit |
|---|---|---|---|
| opening | 1 | turn 1 greets or asks a question | 0.5 when turn 2 does |
| discovery | 2 | 2+ discovery questions before the first pitch | 0.5 for one |
| fit | 2 | every kind of evidence this buyer weighs was used | the share used |
| objections | 2 | every raised objection answered | 0.5 per objection only acknowledged |
| promises | 1 | no vague promise | minus 0.5 per vague promise |
| price | 1 | no concession | 0.5 when the concession followed value anchoring |
| close | 2 | the buyer agreed to a next step | 0.5 well-timed ask, 0.25 early ask |
| focus | 1 | no off-topic turn, none over 400 chars | -0.5 per off-topic, -0.25 per long |

A "well-timed" ask came at a trust within 10 points of what the buyer needs to agree.
The score is the weighted mean of the credits, times 100. The buyer "weighs" proof when
risk_aversion is at least 0.6, specifics when detail_orientation is, and figures when
kpi_pressure or price_sensitivity is; a buyer with none of these weighs figures.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from workbench.i18n import t

if TYPE_CHECKING:
    from workbench.personas.dialogue import PracticeSession, PracticeTurn

__all__ = ["LONG_TURN_CHARS", "MicroAction", "ScoreItem", "Scorecard", "preferred_evidence",
           "score_session"]

LONG_TURN_CHARS = 400
ITEM_WEIGHTS = {"opening": 1.0, "discovery": 2.0, "fit": 2.0, "objections": 2.0,
                "promises": 1.0, "price": 1.0, "close": 2.0, "focus": 1.0}
_STALL_KINDS = ("objection", "hesitation")
_WEAK_ANSWERS = ("vague_promise", "concession", "closing_attempt", "off_topic")


@dataclass(frozen=True)
class ScoreItem:
    """One checklist item: credit 0-1, its weight and the rep turns it is based on."""

    id: str
    weight: float
    credit: float
    turns: tuple[int, ...] = ()

    def label(self, lang: str | None = None) -> str:
        """Return the item's name in ``lang``."""
        return t(f"personas.score.{self.id}", lang)


@dataclass(frozen=True)
class MicroAction:
    """A concrete change tied to one rep turn; ``key`` and ``params`` render the advice."""

    turn: int
    key: str
    params: dict = field(default_factory=dict)
    priority: int = 0

    def message(self, lang: str | None = None) -> str:
        """Render the advice in ``lang``; intents, traits and quotes follow the language."""
        params = dict(self.params)
        for name in ("did", "better", "intent"):
            if name in params:
                params[name] = t(f"personas.intent.{params[name]}", lang)
        if "trait" in params:
            params["trait"] = t(f"personas.trait.{params['trait']}", lang)
        if "track" in params:
            params["track"] = t(f"personas.track.{params['track']}", lang)
        if isinstance(params.get("quote"), dict):
            params["quote"] = params["quote"].get(lang) or next(iter(params["quote"].values()))
        return t(self.key, lang, turn=self.turn, **params)


@dataclass(frozen=True)
class Scorecard:
    """The review of a session."""

    persona: str
    score: float
    items: tuple[ScoreItem, ...]
    micro_actions: tuple[MicroAction, ...]
    outcome: str | None
    turns: int
    final_trust: float

    def to_dict(self, lang: str | None = None) -> dict:
        """Return the scorecard as JSON-ready values, advice rendered in ``lang``."""
        return {
            "persona": self.persona, "score": self.score, "outcome": self.outcome,
            "turns": self.turns, "final_trust": self.final_trust,
            "items": [dict(asdict(item), label=item.label(lang)) for item in self.items],
            "micro_actions": [{"turn": action.turn, "key": action.key,
                               "message": action.message(lang)}
                              for action in self.micro_actions],
        }

    def render_text(self, lang: str | None = None) -> str:
        """Return the scorecard as plain text lines in ``lang``."""
        lines = [t("personas.score.headline", lang, score=self.score, turns=self.turns,
                   outcome=t(f"personas.outcome.{self.outcome or 'open'}", lang))]
        for item in self.items:
            lines.append(t("personas.score.line", lang, label=item.label(lang),
                           credit=item.credit, weight=item.weight))
        lines.append(t("personas.score.micro_heading", lang))
        lines += [f"{number}. {action.message(lang)}"
                  for number, action in enumerate(self.micro_actions, 1)]
        return "\n".join(lines)


def preferred_evidence(traits: dict[str, float]) -> tuple[str, ...]:
    """Return the evidence intents this buyer weighs, by the rule in the module docstring."""
    preferred = []
    if traits["kpi_pressure"] >= 0.6 or traits["price_sensitivity"] >= 0.6:
        preferred.append("value_anchoring")
    if traits["risk_aversion"] >= 0.6:
        preferred.append("social_proof")
    if traits["detail_orientation"] >= 0.6:
        preferred.append("detail_evidence")
    return tuple(preferred) or ("value_anchoring",)


def _first(turns: list[PracticeTurn], intents: tuple[str, ...]) -> PracticeTurn | None:
    return next((turn for turn in turns if turn.intent in intents), None)


def score_session(session: PracticeSession) -> Scorecard:
    """Score a session's turns by the checklist in the module docstring."""
    from workbench.personas.dialogue import PITCH_INTENTS, close_threshold

    turns = session.turns
    state = session.state
    traits = session.persona.traits
    items = []

    opening = [turn.index for turn in turns[:2]
               if turn.intent in ("greeting", "discovery_question")]
    opening_credit = 1.0 if 1 in opening else 0.5 if opening else 0.0
    items.append(ScoreItem("opening", ITEM_WEIGHTS["opening"], opening_credit,
                           tuple(opening[:1])))

    first_pitch = _first(turns, PITCH_INTENTS)
    before_pitch = [turn.index for turn in turns if turn.intent == "discovery_question"
                    and (first_pitch is None or turn.index < first_pitch.index)]
    items.append(ScoreItem("discovery", ITEM_WEIGHTS["discovery"],
                           min(1.0, len(before_pitch) / 2.0), tuple(before_pitch)))

    preferred = preferred_evidence(traits)
    used = {intent: _first(turns, (intent,)) for intent in preferred}
    fit_turns = tuple(sorted(turn.index for turn in used.values() if turn is not None))
    items.append(ScoreItem("fit", ITEM_WEIGHTS["fit"],
                           round(len(fit_turns) / len(preferred), 3), fit_turns))

    raised = state.raised
    if raised:
        credits = [1.0 if oid in state.resolved else 0.5 if oid in state.acknowledged else 0.0
                   for oid in raised]
        objection_credit = round(sum(credits) / len(credits), 3)
    else:
        objection_credit = 1.0
    items.append(ScoreItem("objections", ITEM_WEIGHTS["objections"], objection_credit,
                           tuple(sorted(state.resolved.values()))))

    vague = [turn.index for turn in turns if turn.intent == "vague_promise"]
    items.append(ScoreItem("promises", ITEM_WEIGHTS["promises"],
                           max(0.0, 1.0 - 0.5 * len(vague)), tuple(vague)))

    concession = _first(turns, ("concession",))
    anchor = _first(turns, ("value_anchoring",))
    if concession is None:
        price_credit = 1.0
    elif anchor is not None and anchor.index < concession.index:
        price_credit = 0.5
    else:
        price_credit = 0.0
    items.append(ScoreItem("price", ITEM_WEIGHTS["price"], price_credit,
                           (concession.index,) if concession else ()))

    closes = [turn for turn in turns if turn.intent == "closing_attempt"]
    threshold = close_threshold(session.persona)
    if state.outcome == "agreed":
        close_credit = 1.0
    elif any(turn.trust_before >= threshold - 10.0 for turn in closes):
        close_credit = 0.5
    elif closes:
        close_credit = 0.25
    else:
        close_credit = 0.0
    items.append(ScoreItem("close", ITEM_WEIGHTS["close"], close_credit,
                           tuple(turn.index for turn in closes)))

    off_topic = [turn.index for turn in turns if turn.intent == "off_topic"]
    long_turns = [turn.index for turn in turns if len(turn.rep_text) > LONG_TURN_CHARS]
    focus = max(0.0, 1.0 - 0.5 * len(off_topic) - 0.25 * len(long_turns))
    items.append(ScoreItem("focus", ITEM_WEIGHTS["focus"], focus,
                           tuple(sorted(off_topic + long_turns))))

    total_weight = sum(item.weight for item in items)
    score = round(100.0 * sum(item.weight * item.credit for item in items) / total_weight, 1)
    if not turns:
        score = 0.0
    return Scorecard(session.persona.id, score, tuple(items),
                     tuple(_micro_actions(session, preferred)), state.outcome, len(turns),
                     round(state.trust, 1))


def _micro_actions(session: PracticeSession, preferred: tuple[str, ...]) -> list[MicroAction]:
    """Return the three most important micro-actions, each tied to a rep turn."""
    from workbench.personas.dialogue import EVIDENCE_INTENTS, PITCH_INTENTS, close_threshold

    turns = session.turns
    state = session.state
    candidates: list[MicroAction] = []
    if not turns:
        return [MicroAction(0, "personas.micro.start", {}, 0)]

    answered_stalls = set()
    for previous, turn in zip(turns, turns[1:], strict=False):
        if previous.reply_kind in _STALL_KINDS and turn.intent in _WEAK_ANSWERS:
            objection = session.objection(previous.objection)
            better = next((intent for intent in objection.answered_by
                           if intent in EVIDENCE_INTENTS), objection.answered_by[0])
            quote = previous.reply_line or {session.lang: previous.reply}
            candidates.append(MicroAction(turn.index, "personas.micro.after_stall", {
                "quote": quote, "did": turn.intent, "better": better,
                "buyer_turn": previous.index}, 10))
            answered_stalls.add(turn.index)

    concession = _first(turns, ("concession",))
    anchor = _first(turns, ("value_anchoring",))
    if concession and (anchor is None or anchor.index > concession.index) \
            and concession.index not in answered_stalls:
        candidates.append(MicroAction(concession.index, "personas.micro.early_concession",
                                      {}, 8))

    for objection_id in state.open_objections:
        objection = session.objection(objection_id)
        better = next((intent for intent in objection.answered_by
                       if intent in EVIDENCE_INTENTS), objection.answered_by[0])
        raised_at = state.raised[objection_id]
        quote = (turns[raised_at - 1].reply_line
                 or {session.lang: turns[raised_at - 1].reply})
        candidates.append(MicroAction(raised_at, "personas.micro.unresolved",
                                      {"quote": quote, "better": better}, 7))

    threshold = close_threshold(session.persona)
    for turn in turns:
        if turn.intent == "closing_attempt" and turn.reply_kind != "close_accept" \
                and turn.index not in answered_stalls:
            candidates.append(MicroAction(turn.index, "personas.micro.early_close", {
                "trust": round(turn.trust_before), "needed": round(threshold)}, 6))
            break

    first_pitch = _first(turns, PITCH_INTENTS)
    if first_pitch is not None and not any(
            turn.intent == "discovery_question" for turn in turns[:first_pitch.index - 1]):
        candidates.append(MicroAction(first_pitch.index, "personas.micro.no_discovery", {}, 6))

    for turn in turns:
        if turn.intent == "vague_promise" and turn.index not in answered_stalls:
            candidates.append(MicroAction(turn.index, "personas.micro.vague",
                                          {"better": preferred[0]}, 5))
            break

    if state.outcome != "agreed" and not any(t_.intent == "closing_attempt" for t_ in turns):
        peak = max(turns, key=lambda turn: turn.trust)
        candidates.append(MicroAction(peak.index, "personas.micro.missing_close",
                                      {"trust": round(peak.trust)}, 5))

    for turn in turns:
        if turn.intent == "off_topic":
            candidates.append(MicroAction(turn.index, "personas.micro.off_topic", {}, 4))
            break
    for turn in turns:
        if len(turn.rep_text) > LONG_TURN_CHARS:
            candidates.append(MicroAction(turn.index, "personas.micro.long_turn",
                                          {"chars": len(turn.rep_text)}, 3))
            break

    unused = [intent for intent in preferred if not any(turn.intent == intent for turn in turns)]
    if unused:
        trait = {"value_anchoring": "kpi_pressure", "social_proof": "risk_aversion",
                 "detail_evidence": "detail_orientation"}[unused[0]]
        candidates.append(MicroAction(turns[-1].index, "personas.micro.bring_evidence",
                                      {"better": unused[0], "trait": trait}, 2))

    best = max(turns, key=lambda turn: turn.trust - turn.trust_before)
    if best.trust > best.trust_before:
        candidates.append(MicroAction(best.index, "personas.micro.keep", {
            "intent": best.intent, "gain": round(best.trust - best.trust_before)}, 1))
    candidates.append(MicroAction(turns[-1].index, "personas.micro.summarise", {}, 0))

    return top_actions(candidates)


def top_actions(candidates: list[MicroAction], count: int = 3) -> list[MicroAction]:
    """Return the ``count`` highest-priority actions, earliest turn first, one per message key."""
    chosen: list[MicroAction] = []
    for action in sorted(candidates, key=lambda item: (-item.priority, item.turn)):
        if any(action.key == kept.key for kept in chosen):
            continue
        chosen.append(action)
        if len(chosen) == 3:
            break
    return chosen
