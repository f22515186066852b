"""The practice dialogue: a rep talks to a (stacked) persona, turn by turn.

Each rep turn is classified into an intent (:mod:`workbench.personas.intents`). The
intent and the persona's traits move the buyer's state (trust and patience, 0-100, and
the objections that are open) by the rules in :func:`_effect`; the buyer then picks a
reply kind and a line of its repertoire. Every random draw comes from one
``numpy.random.Generator`` seeded at the start, in the same order whatever the responder,
so the same seed and the same rep turns give the same replies, states and scorecard.

A session ends when the buyer agrees to a next step, loses patience (patience 0), or after
``max_turns`` rep turns; :meth:`PracticeSession.finish` returns the scorecard at any time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np

from workbench.errors import WorkbenchError
from workbench.i18n import get_lang, normalize_lang
from workbench.personas.intents import intent_classifier
from workbench.personas.library import Objection, Persona, load_persona
from workbench.personas.responders import (
    BuiltInResponder,
    ReplyRequest,
    Responder,
    default_responder,
)
from workbench.personas.stacking import stack_personas

__all__ = [
    "DEFAULT_MAX_TURNS",
    "EVIDENCE_INTENTS",
    "MAX_TURN_CHARS",
    "HESITATION_OBJECTION",
    "BuyerState",
    "PracticeSession",
    "PracticeTurn",
    "close_threshold",
]

logger = logging.getLogger(__name__)

MAX_TURN_CHARS = 2000
DEFAULT_MAX_TURNS = 12
# Patience every rep turn costs, whatever its content: a meeting has a length.
PATIENCE_PER_TURN = 3.0
EVIDENCE_INTENTS = ("value_anchoring", "social_proof", "detail_evidence")
PITCH_INTENTS = EVIDENCE_INTENTS + ("concession", "closing_attempt", "vague_promise")

# "Let me think about it" is a stall every buyer may use; it is answered like an objection.
HESITATION_OBJECTION = Objection(
    "hesitation", 0.5, ("social_proof", "detail_evidence", "value_anchoring"),
    {"zh-CN": "", "en": ""})


def close_threshold(persona: Persona) -> float:
    """Return the trust (0-100) at which the buyer agrees to a next step.

    Risk-averse buyers need more trust; buyers with decision power need less, because
    they need nobody else's approval.
    """
    traits = persona.traits
    return 50.0 + 20.0 * traits["risk_aversion"] - 10.0 * traits["decision_power"]


@dataclass
class BuyerState:
    """The buyer's state between turns.

    Attributes
    ----------
    trust, patience
        0-100. The buyer walks away at patience 0.
    open_objections
        Ids of objections raised and not yet answered, most recent last.
    raised, resolved, acknowledged
        Objection ids with the rep turn (1-based) at which each happened.
    outcome
        ``None`` while the session runs, then ``"agreed"``, ``"walked_away"`` or
        ``"out_of_turns"``.
    """

    trust: float
    patience: float
    open_objections: list[str] = field(default_factory=list)
    raised: dict[str, int] = field(default_factory=dict)
    resolved: dict[str, int] = field(default_factory=dict)
    acknowledged: dict[str, int] = field(default_factory=dict)
    outcome: str | None = None

    def snapshot(self) -> dict:
        """Return the state as plain values (trust and patience rounded to 0.1)."""
        return {"trust": round(self.trust, 1), "patience": round(self.patience, 1),
                "open_objections": list(self.open_objections), "outcome": self.outcome}


@dataclass(frozen=True)
class PracticeTurn:
    """One exchange: the rep's turn, how it was read, and the buyer's reply.

    ``reply_line`` holds the built-in line in both languages, so a transcript can be shown
    in the other language; it is ``None`` for an objection not in the repertoire.
    ``reply`` is the text the rep saw, which may come from a language-model endpoint.
    ``notice`` is a message key shown beside the reply (the endpoint fallback), or ``None``.
    """

    index: int
    rep_text: str
    intent: str
    confidence: float
    reply_kind: str
    reply: str
    reply_line: dict[str, str] | None
    objection: str | None
    resolved: tuple[str, ...]
    trust_before: float
    trust: float
    patience: float
    open_objections: tuple[str, ...]
    ended: bool
    source: str = "built_in"
    notice: str | None = None

    def reply_in(self, lang: str) -> str:
        """Return the buyer's reply in ``lang`` when the built-in line has it, else as shown."""
        if self.reply_line and self.source == "built_in":
            return self.reply_line.get(lang, self.reply)
        return self.reply


class PracticeSession:
    """A practice conversation with one buyer, deterministic for a seed.

    Parameters
    ----------
    personas
        A persona, a built-in id, or a list of 2-3 of either to stack.
    lang
        Language of the buyer's replies; default :func:`workbench.i18n.get_lang`.
    seed
        Seed of the session's random generator.
    responder
        Where reply text comes from; default :func:`default_responder` (built-in unless
        the endpoint environment variables are set).
    max_turns
        Rep turns after which the meeting ends.

    Examples
    --------
    >>> session = PracticeSession(["cautious_cfo", "detail_driven_cto"], lang="en", seed=7)
    >>> turn = session.say("What is the biggest challenge for your team this year?")
    >>> card = session.finish()
    """

    def __init__(self, personas: Persona | str | list, lang: str | None = None, seed: int = 0,
                 responder: Responder | None = None,
                 max_turns: int = DEFAULT_MAX_TURNS) -> None:
        if isinstance(personas, list | tuple):
            self.persona = stack_personas(personas)
        else:
            self.persona = load_persona(personas) if isinstance(personas, str) else personas
        self.lang = normalize_lang(lang) or get_lang()
        self.seed = seed
        self.max_turns = max_turns
        self.responder = responder if responder is not None else default_responder()
        self._builtin = BuiltInResponder()
        self._rng = np.random.default_rng(seed)
        traits = self.persona.traits
        self.state = BuyerState(
            trust=30.0 + 25.0 * traits["agreeableness"] - 15.0 * traits["risk_aversion"],
            patience=40.0 + 60.0 * traits["patience"],
        )
        self.turns: list[PracticeTurn] = []
        self._last_line: dict[str, int] = {}
        self._scorecard = None

    @property
    def ended(self) -> bool:
        """Whether the buyer has agreed, walked away, or the turns are used up."""
        return self.state.outcome is not None

    def objection(self, objection_id: str) -> Objection:
        """Return an objection of the buyer by id (the hesitation stall included)."""
        if objection_id == HESITATION_OBJECTION.id:
            return HESITATION_OBJECTION
        return self.persona.objection(objection_id)

    def say(self, text: str) -> PracticeTurn:
        """Play one rep turn and return the exchange.

        Raises
        ------
        WorkbenchError
            If the turn is empty, longer than :data:`MAX_TURN_CHARS` characters, or the
            session has ended. The session is unchanged and accepts the next turn.
        """
        text = (text or "").strip()
        if not text:
            raise WorkbenchError("personas.turn.empty")
        if len(text) > MAX_TURN_CHARS:
            raise WorkbenchError("personas.turn.too_long", length=len(text),
                                 limit=MAX_TURN_CHARS)
        if self.ended:
            raise WorkbenchError("personas.session.ended")

        prediction = intent_classifier().classify(text)
        index = len(self.turns) + 1
        trust_before = self.state.trust
        kind, objection_id, resolved = self._advance(index, prediction.intent)
        line = self._pick_line(kind, objection_id)
        request = ReplyRequest(persona=self.persona, lang=self.lang, kind=kind, line=line,
                               rep_text=text, history=[(turn.rep_text, turn.reply)
                                                       for turn in self.turns],
                               state=self.state.snapshot())
        reply = self.responder.respond(request)
        turn = PracticeTurn(
            index=index, rep_text=text, intent=prediction.intent,
            confidence=round(prediction.confidence, 3), reply_kind=kind, reply=reply.text,
            reply_line=line, objection=objection_id, resolved=tuple(resolved),
            trust_before=round(trust_before, 1), trust=round(self.state.trust, 1),
            patience=round(self.state.patience, 1),
            open_objections=tuple(self.state.open_objections), ended=self.ended,
            source=reply.source, notice=reply.notice)
        self.turns.append(turn)
        self._scorecard = None
        logger.debug("turn %d intent=%s kind=%s trust=%.1f", index, turn.intent, kind,
                     turn.trust)
        return turn

    def finish(self):
        """Return the :class:`~workbench.personas.scorecard.Scorecard` of the turns so far."""
        from workbench.personas.scorecard import score_session

        if self._scorecard is None:
            self._scorecard = score_session(self)
        return self._scorecard

    # -- state rules --------------------------------------------------------------------

    def _advance(self, index: int, intent: str) -> tuple[str, str | None, list[str]]:
        """Apply the turn's effect; return (reply kind, objection raised, objections resolved)."""
        state = self.state
        noise = float(self._rng.normal(0.0, 1.0))
        draw = float(self._rng.random())
        trust_delta, patience_delta = _effect(self, index, intent)
        state.trust += trust_delta + noise
        state.patience += patience_delta - PATIENCE_PER_TURN

        resolved = self._answer_objections(index, intent)
        if resolved:
            state.trust += 6.0 * len(resolved)
        state.trust = float(np.clip(state.trust, 0.0, 100.0))
        state.patience = float(np.clip(state.patience, 0.0, 100.0))

        if intent == "closing_attempt":
            return self._closing(index, draw)
        if state.patience <= 0:
            state.outcome = "walked_away"
            return "walk_away", None, resolved
        if index >= self.max_turns:
            state.outcome = "out_of_turns"
            return "walk_away", None, resolved
        if resolved:
            return "objection_eased", None, resolved

        fixed = {"vague_promise": "unconvinced", "off_topic": "impatient",
                 "concession": "concession_reaction"}
        if intent in fixed:
            return fixed[intent], None, resolved
        if intent == "objection_acknowledged" and state.open_objections:
            return "objection_heard", None, resolved

        raised = self._maybe_raise(index, intent, draw)
        if raised is not None:
            kind = "hesitation" if raised == HESITATION_OBJECTION.id else "objection"
            return kind, raised, resolved
        if intent == "greeting":
            return ("greeting" if index <= 2 else "neutral"), None, resolved
        if intent == "discovery_question":
            return "share_need", None, resolved
        if intent in EVIDENCE_INTENTS and state.trust > self._trust_before(index):
            return "interested", None, resolved
        return "neutral", None, resolved

    def _trust_before(self, index: int) -> float:
        """Return the trust before rep turn ``index`` (1-based)."""
        if index == 1:
            traits = self.persona.traits
            return 30.0 + 25.0 * traits["agreeableness"] - 15.0 * traits["risk_aversion"]
        return self.turns[index - 2].trust

    def _answer_objections(self, index: int, intent: str) -> list[str]:
        state = self.state
        resolved = []
        for objection_id in list(state.open_objections):
            objection = self.objection(objection_id)
            if intent == "objection_acknowledged":
                state.acknowledged.setdefault(objection_id, index)
                continue
            answers = intent in objection.answered_by
            # A discount quiets a price objection of a price-sensitive buyer, but the
            # scorecard still marks the concession.
            bought_off = (intent == "concession" and objection_id == "price_too_high"
                          and self.persona.traits["price_sensitivity"] >= 0.6)
            if answers or bought_off:
                state.open_objections.remove(objection_id)
                state.resolved[objection_id] = index
                resolved.append(objection_id)
        return resolved

    def _maybe_raise(self, index: int, intent: str, draw: float) -> str | None:
        state = self.state
        traits = self.persona.traits
        if index < 2 or len(state.open_objections) >= 2:
            return None
        if (state.trust < 35.0 and index >= 3 and HESITATION_OBJECTION.id not in state.raised
                and draw < 0.25 + 0.3 * traits["neuroticism"]):
            self._open(HESITATION_OBJECTION.id, index)
            return HESITATION_OBJECTION.id
        waiting = [item for item in self.persona.objections if item.id not in state.raised]
        if not waiting:
            return None
        chance = 0.25 + 0.35 * traits["risk_aversion"]
        if intent in EVIDENCE_INTENTS:
            chance += 0.15  # a pitch invites a challenge
        if draw >= chance:
            return None
        weights = np.array([item.weight for item in waiting])
        choice = waiting[int(self._rng.choice(len(waiting), p=weights / weights.sum()))]
        self._open(choice.id, index)
        return choice.id

    def _open(self, objection_id: str, index: int) -> None:
        self.state.open_objections.append(objection_id)
        self.state.raised[objection_id] = index

    def _closing(self, index: int, draw: float) -> tuple[str, str | None, list[str]]:
        state = self.state
        if state.trust >= close_threshold(self.persona) and not state.open_objections:
            state.trust = min(100.0, state.trust + 5.0)
            state.outcome = "agreed"
            return "close_accept", None, []
        state.trust = max(0.0, state.trust - 4.0)
        state.patience = max(0.0, state.patience - 6.0)
        if state.patience <= 0:
            state.outcome = "walked_away"
            return "walk_away", None, []
        if index >= self.max_turns:
            state.outcome = "out_of_turns"
            return "close_reject", None, []
        raised = self._maybe_raise(index, "closing_attempt", draw)
        if raised is not None:
            kind = "hesitation" if raised == HESITATION_OBJECTION.id else "objection"
            return kind, raised, []
        return "close_reject", None, []

    def _pick_line(self, kind: str, objection_id: str | None) -> dict[str, str] | None:
        if kind == "objection":
            return dict(self.objection(objection_id).text)
        lines = self.persona.replies[kind]
        pick = int(self._rng.integers(len(lines)))
        if len(lines) > 1 and pick == self._last_line.get(kind):
            pick = (pick + 1) % len(lines)
        self._last_line[kind] = pick
        return dict(lines[pick])


def _effect(session: PracticeSession, index: int, intent: str) -> tuple[float, float]:
    """Return (trust change, patience change) of a rep turn with ``intent``.

    Evidence counts for more with the buyer whose traits it speaks to: proof for the
    risk-averse, specifics for the detail-oriented, figures for those under KPI or price
    pressure. Pitching before any discovery question halves the gain.
    """
    traits = session.persona.traits
    previous = [turn.intent for turn in session.turns]
    discovered = "discovery_question" in previous
    if intent == "greeting":
        return (4.0, 0.0) if index == 1 else (0.0, -4.0)
    if intent == "discovery_question":
        streak = 0
        for earlier in reversed(previous):
            if earlier != "discovery_question":
                break
            streak += 1
        patience = -2.0 - (6.0 if streak >= 3 else 0.0)
        return 3.0 + 3.0 * traits["openness"], patience
    if intent in EVIDENCE_INTENTS:
        weight = {"value_anchoring": 6.0 * traits["kpi_pressure"]
                  + 3.0 * traits["price_sensitivity"],
                  "social_proof": 7.0 * traits["risk_aversion"],
                  "detail_evidence": 7.0 * traits["detail_orientation"]}[intent]
        gain = 2.0 + weight
        return (gain if discovered else gain / 2.0), 0.0
    if intent == "objection_acknowledged":
        if session.state.open_objections:
            return 2.0 + 4.0 * traits["agreeableness"], 0.0
        return 0.0, -3.0
    if intent == "concession":
        return 3.0 * traits["price_sensitivity"] - 2.0 - 4.0 * traits["risk_aversion"], 0.0
    if intent == "vague_promise":
        return -(4.0 + 6.0 * traits["detail_orientation"] + 4.0 * traits["risk_aversion"]), -5.0
    if intent == "off_topic":
        return -2.0, -(6.0 + 8.0 * (1.0 - traits["patience"]))
    return 0.0, 0.0
