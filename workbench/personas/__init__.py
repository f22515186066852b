"""Personas room: buyer personas, stacking, behaviour probabilities, practice dialogue, coach.

The journey simulation reads :func:`behaviour` for the contacts of a buying committee;
the trainer dashboard drives :class:`PracticeSession`; the ``workbench coach`` command and
the coach view use :func:`coach_dialogs` and :func:`read_transcript`.
"""

import logging

from workbench.personas.behaviour import BEHAVIOUR_MODEL, BEHAVIOURS, behaviour
from workbench.personas.coach import DialogReport, coach_dialog, coach_dialogs, emotion_score
from workbench.personas.dialogue import MAX_TURN_CHARS, PracticeSession, PracticeTurn
from workbench.personas.intents import INTENTS, held_out_accuracy, intent_classifier
from workbench.personas.library import (
    BUILTIN_PERSONAS,
    TRAITS,
    Persona,
    available_personas,
    load_persona,
    parse_persona,
)
from workbench.personas.outcomes import outcome_analysis, read_persuasion_outcomes
from workbench.personas.responders import (
    BuiltInResponder,
    ChatEndpointResponder,
    default_responder,
)
from workbench.personas.scorecard import Scorecard
from workbench.personas.stacking import stack_personas
from workbench.personas.transcripts import MAX_TRANSCRIPT_BYTES, read_transcript

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "BEHAVIOURS",
    "BEHAVIOUR_MODEL",
    "BUILTIN_PERSONAS",
    "INTENTS",
    "MAX_TRANSCRIPT_BYTES",
    "MAX_TURN_CHARS",
    "TRAITS",
    "BuiltInResponder",
    "ChatEndpointResponder",
    "DialogReport",
    "Persona",
    "PracticeSession",
    "PracticeTurn",
    "Scorecard",
    "available_personas",
    "behaviour",
    "coach_dialog",
    "coach_dialogs",
    "default_responder",
    "emotion_score",
    "held_out_accuracy",
    "intent_classifier",
    "load_persona",
    "outcome_analysis",
    "parse_persona",
    "read_persuasion_outcomes",
    "read_transcript",
    "stack_personas",
]
