"""Stacking: 2 or 3 personas combined into one buyer.

A stacked buyer is one person who carries several roles' concerns at once (a cautious CFO
who is also a detail-driven engineer), so the rules keep each member's strongest concern
rather than averaging it away:

- Guarding traits take the maximum over members: ``risk_aversion``,
  ``price_sensitivity``, ``detail_orientation``, ``kpi_pressure``, ``neuroticism`` and
  ``conscientiousness``. The buyer is as wary as the wariest member.
- ``decision_power`` takes the maximum: the stacked person holds the highest authority.
- ``patience`` takes the minimum: the least patient member sets the pace.
- ``openness``, ``extraversion`` and ``agreeableness`` take the weighted mean.
- Objections are the union. An objection id that several members share is kept once, with
  the highest weight, the union of the intents that answer it and the text of the member
  listed first. They are ordered by descending weight.
- Replies: for each kind, the members' own lines are interleaved in member order. Lines
  that came from the shared fallback file appear once.
- Name and role join the members' names and roles; the id joins their ids with ``+``.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.errors import WorkbenchError
from workbench.i18n import LANGUAGES
from workbench.personas.library import TRAITS, Objection, Persona, load_persona

__all__ = ["MAX_STACK", "MAX_TRAITS", "MEAN_TRAITS", "MIN_TRAITS", "stack_personas"]

MAX_STACK = 3
MAX_TRAITS = ("risk_aversion", "price_sensitivity", "detail_orientation", "kpi_pressure",
              "neuroticism", "conscientiousness", "decision_power")
MIN_TRAITS = ("patience",)
MEAN_TRAITS = tuple(name for name in TRAITS if name not in MAX_TRAITS + MIN_TRAITS)

_JOINER = {"zh-CN": " + ", "en": " + "}


def stack_personas(personas: Sequence[Persona | str],
                   weights: Sequence[float] | None = None) -> Persona:
    """Combine 2 or 3 personas (or built-in ids) into one buyer by the module's rules.

    Parameters
    ----------
    personas
        Personas or built-in persona ids; one persona is returned unchanged.
    weights
        Weights of the members in the traits that are averaged; default equal.

    Raises
    ------
    WorkbenchError
        If no persona, more than :data:`MAX_STACK`, or the same persona twice is given,
        or ``weights`` does not match.
    """
    members = [load_persona(item) if isinstance(item, str) else item for item in personas]
    if not members or len(members) > MAX_STACK:
        raise WorkbenchError("personas.stack.count", count=len(members), maximum=MAX_STACK)
    ids = [member.id for member in members]
    if len(set(ids)) != len(ids):
        raise WorkbenchError("personas.stack.repeated", ids=", ".join(ids))
    if len(members) == 1:
        return members[0]
    weights = list(weights) if weights is not None else [1.0] * len(members)
    if len(weights) != len(members) or min(weights) < 0 or sum(weights) <= 0:
        raise WorkbenchError("personas.stack.weights", count=len(members))

    traits: dict[str, float] = {}
    total = sum(weights)
    for name in TRAITS:
        values = [member.traits[name] for member in members]
        if name in MAX_TRAITS:
            traits[name] = max(values)
        elif name in MIN_TRAITS:
            traits[name] = min(values)
        else:
            traits[name] = sum(v * w for v, w in zip(values, weights, strict=True)) / total

    return Persona(
        id="+".join(ids),
        name={lang: _JOINER[lang].join(m.name[lang] for m in members) for lang in LANGUAGES},
        role={lang: _JOINER[lang].join(m.role[lang] for m in members) for lang in LANGUAGES},
        summary={lang: " ".join(m.summary[lang] for m in members) for lang in LANGUAGES},
        traits=traits,
        objections=_merge_objections(members),
        replies=_merge_replies(members),
        members=tuple(ids),
    )


def _merge_objections(members: list[Persona]) -> tuple[Objection, ...]:
    merged: dict[str, Objection] = {}
    for member in members:
        for objection in member.objections:
            known = merged.get(objection.id)
            if known is None:
                merged[objection.id] = objection
                continue
            answered_by = known.answered_by + tuple(
                intent for intent in objection.answered_by if intent not in known.answered_by)
            merged[objection.id] = Objection(known.id, max(known.weight, objection.weight),
                                             answered_by, known.text)
    return tuple(sorted(merged.values(), key=lambda item: -item.weight))


def _merge_replies(members: list[Persona]) -> dict[str, tuple[dict[str, str], ...]]:
    replies: dict[str, tuple[dict[str, str], ...]] = {}
    for kind in members[0].replies:
        columns = [member.replies[kind] for member in members]
        lines: list[dict[str, str]] = []
        for index in range(max(len(column) for column in columns)):
            for column in columns:
                if index < len(column) and column[index] not in lines:
                    lines.append(column[index])
        replies[kind] = tuple(lines)
    return replies
