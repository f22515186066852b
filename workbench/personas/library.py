"""Persona library: buyer personas read from YAML, with traits, objections and replies.

A persona file contains an ``id``, a ``name``, ``role`` and ``summary`` in each language,
``traits`` (every name in :data:`TRAITS`, each a number from 0 to 1), ``objections``
(``id``, ``weight`` 0-1, ``answered_by`` intents and ``text``) and ``replies`` (lists of
lines per kind in :data:`REPLY_KINDS`). Lines and texts are mappings
``{zh-CN: ..., en: ...}``. Reply kinds a persona leaves out come from
``builtin/_common.yaml``.

The eight built-in personas live in ``workbench/personas/builtin/``; a trainer may load
their own file with :func:`load_persona` and a path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from workbench.errors import DataFileError, Problem
from workbench.i18n import LANGUAGES
from workbench.personas.intents import INTENTS

__all__ = [
    "BIG_FIVE",
    "BUILTIN_PERSONAS",
    "REPLY_KINDS",
    "TRAITS",
    "Objection",
    "Persona",
    "available_personas",
    "load_persona",
    "parse_persona",
]

# Big Five scores are scaled to 0-1 (a 1-5 questionnaire score s maps to (s - 1) / 4).
BIG_FIVE = ("openness", "conscientiousness", "extraversion", "agreeableness", "neuroticism")
TRAITS = BIG_FIVE + ("risk_aversion", "price_sensitivity", "detail_orientation",
                     "kpi_pressure", "decision_power", "patience")

REPLY_KINDS = ("greeting", "share_need", "interested", "unconvinced", "objection_heard",
               "objection_eased", "concession_reaction", "impatient", "hesitation",
               "close_accept", "close_reject", "walk_away", "neutral")

BUILTIN_PERSONAS = ("cautious_cfo", "detail_driven_cto", "kpi_anxious_procurement",
                    "compliance_minded_legal", "enthusiastic_champion", "sceptical_end_user",
                    "budget_frozen_buyer", "new_decision_maker")

_PERSONA_KEYS = {"id", "name", "role", "summary", "traits", "objections", "replies"}
_OBJECTION_KEYS = {"id", "weight", "answered_by", "text"}


@dataclass(frozen=True)
class Objection:
    """An objection a persona may raise, and the intents of a rep turn that answer it."""

    id: str
    weight: float
    answered_by: tuple[str, ...]
    text: dict[str, str]


@dataclass(frozen=True)
class Persona:
    """A buyer persona (or a stack of them, see :func:`workbench.personas.stack_personas`).

    Attributes
    ----------
    id
        Identifier; a stack's id joins its members' ids with ``+``.
    name, role, summary
        Texts per language.
    traits
        Every trait of :data:`TRAITS`, from 0 to 1.
    objections
        Objections in descending weight.
    replies
        Lines per reply kind, each a ``{lang: text}`` mapping; every kind of
        :data:`REPLY_KINDS` is present.
    members
        Ids of the personas a stack was built from; ``(id,)`` for a single persona.
    """

    id: str
    name: dict[str, str]
    role: dict[str, str]
    summary: dict[str, str]
    traits: dict[str, float]
    objections: tuple[Objection, ...]
    replies: dict[str, tuple[dict[str, str], ...]]
    members: tuple[str, ...] = field(default=())

    def objection(self, objection_id: str) -> Objection:
        """Return the objection called ``objection_id``."""
        return next(item for item in self.objections if item.id == objection_id)


def _builtin_folder():
    return resources.files("workbench.personas").joinpath("builtin")


def available_personas() -> list[str]:
    """Return the ids of the built-in personas, in the library's order."""
    return list(BUILTIN_PERSONAS)


@cache
def _common_replies() -> dict[str, tuple[dict[str, str], ...]]:
    text = _builtin_folder().joinpath("_common.yaml").read_text("utf-8")
    document = yaml.safe_load(text)
    return {kind: tuple(lines) for kind, lines in document["replies"].items()}


@cache
def _load_builtin(persona_id: str) -> Persona:
    entry = _builtin_folder().joinpath(f"{persona_id}.yaml")
    return parse_persona(entry.read_text("utf-8"), f"{persona_id}.yaml")


def load_persona(name: str | Path) -> Persona:
    """Load a built-in persona by id, or a persona YAML file by path.

    Raises
    ------
    DataFileError
        If the file is not valid; each problem names the line and the fix.
    WorkbenchError
        If ``name`` is neither a built-in id nor an existing file.
    """
    from workbench.errors import WorkbenchError

    if isinstance(name, str) and name in BUILTIN_PERSONAS:
        return _load_builtin(name)
    path = Path(name)
    if not path.is_file():
        raise WorkbenchError("personas.unknown_persona", name=str(name),
                             available=", ".join(BUILTIN_PERSONAS))
    return parse_persona(path.read_text("utf-8"), path.name)


def _line_of_keys(text: str) -> dict[tuple, int]:
    """Map each mapping key path in a YAML text to its 1-based line number."""
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, prefix: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                path = prefix + (key_node.value,)
                lines[path] = key_node.start_mark.line + 1
                walk(value_node, path)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines[prefix + (index,)] = item.start_mark.line + 1
                walk(item, prefix + (index,))

    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return lines
    if root is not None:
        walk(root, ())
    return lines


class _Checker:
    """Collects problems of one persona file with the line each one sits on."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines = _line_of_keys(text)
        self.problems: list[Problem] = []

    def add(self, path: tuple, key: str, value: object = None, **params: object) -> None:
        row = None
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                row = self.lines[path[:end]]
                break
        self.problems.append(Problem(self.file, key, row=row,
                                     value=None if value is None else str(value),
                                     params=params))


def _texts(checker: _Checker, value: object, path: tuple) -> dict[str, str]:
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str)
                                          or not value.get(lang).strip() for lang in LANGUAGES):
        checker.add(path, "personas.yaml.missing_language", languages=", ".join(LANGUAGES))
        return {lang: "" for lang in LANGUAGES}
    return {lang: value[lang].strip() for lang in LANGUAGES}


def _parse_traits(checker: _Checker, value: object) -> dict[str, float]:
    traits: dict[str, float] = {}
    if not isinstance(value, dict):
        checker.add(("traits",), "personas.yaml.missing_traits", traits=", ".join(TRAITS))
        return traits
    for name, number in value.items():
        if name not in TRAITS:
            checker.add(("traits", name), "personas.yaml.unknown_trait", value=name,
                        allowed=", ".join(TRAITS))
            continue
        if isinstance(number, bool) or not isinstance(number, int | float) \
                or not 0 <= number <= 1:
            checker.add(("traits", name), "personas.yaml.trait_range", value=number,
                        trait=name)
            continue
        traits[name] = float(number)
    missing = [name for name in TRAITS if name not in value]
    if missing:
        checker.add(("traits",), "personas.yaml.missing_traits", traits=", ".join(missing))
    return traits


def _parse_objections(checker: _Checker, value: object) -> list[Objection]:
    objections = []
    if not isinstance(value, list) or not value:
        checker.add(("objections",), "personas.yaml.no_objections")
        return objections
    for index, entry in enumerate(value):
        path = ("objections", index)
        if not isinstance(entry, dict):
            checker.add(path, "personas.yaml.objection_fields",
                        fields=", ".join(sorted(_OBJECTION_KEYS)))
            continue
        unknown = sorted(set(entry) - _OBJECTION_KEYS)
        if unknown or not {"id", "answered_by", "text"} <= set(entry):
            checker.add(path, "personas.yaml.objection_fields",
                        fields=", ".join(sorted(_OBJECTION_KEYS)))
            continue
        answered_by = tuple(entry["answered_by"] or ())
        for intent in answered_by:
            if intent not in INTENTS:
                checker.add(path + ("answered_by",), "personas.yaml.unknown_intent",
                            value=intent, allowed=", ".join(INTENTS))
        weight = entry.get("weight", 0.5)
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 1:
            checker.add(path + ("weight",), "personas.yaml.weight_range", value=weight)
            weight = 0.5
        objections.append(Objection(str(entry["id"]), float(weight), answered_by,
                                    _texts(checker, entry["text"], path + ("text",))))
    return sorted(objections, key=lambda item: -item.weight)


def _parse_replies(checker: _Checker, value: object) -> dict[str, tuple[dict[str, str], ...]]:
    replies = dict(_common_replies())
    if value is None:
        return replies
    if not isinstance(value, dict):
        checker.add(("replies",), "personas.yaml.unknown_reply_kind", value=value,
                    allowed=", ".join(REPLY_KINDS))
        return replies
    for kind, lines in value.items():
        if kind not in REPLY_KINDS:
            checker.add(("replies", kind), "personas.yaml.unknown_reply_kind", value=kind,
                        allowed=", ".join(REPLY_KINDS))
            continue
        if not isinstance(lines, list) or not lines:
            checker.add(("replies", kind), "personas.yaml.missing_language",
                        languages=", ".join(LANGUAGES))
            continue
        replies[kind] = tuple(_texts(checker, line, ("replies", kind, index))
                              for index, line in enumerate(lines))
    return replies


def parse_persona(text: str, file: str) -> Persona:
    """Parse the YAML ``text`` of a persona file named ``file``.

    Raises
    ------
    DataFileError
        With every problem found: unknown or missing traits, traits outside 0-1, unknown
        keys, reply kinds or intents, and texts missing a language.
    """
    checker = _Checker(file, text)
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise DataFileError(file, [Problem(
            file, "personas.yaml.syntax", row=mark.line + 1 if mark else None)]) from error
    if not isinstance(document, dict):
        raise DataFileError(file, [Problem(file, "personas.yaml.not_mapping")])

    for key in sorted(set(document) - _PERSONA_KEYS):
        checker.add((key,), "personas.yaml.unknown_key", value=key,
                    allowed=", ".join(sorted(_PERSONA_KEYS)))
    persona_id = str(document.get("id") or Path(file).stem)
    texts = {key: _texts(checker, document.get(key), (key,))
             for key in ("name", "role", "summary")}
    traits = _parse_traits(checker, document.get("traits"))
    objections = _parse_objections(checker, document.get("objections"))
    replies = _parse_replies(checker, document.get("replies"))
    if checker.problems:
        raise DataFileError(file, checker.problems)
    return Persona(persona_id, texts["name"], texts["role"], texts["summary"], traits,
                   tuple(objections), replies, (persona_id,))
