"""The journey catalogue: stages, touchpoints, roles, personas and the journey canvas.

A catalogue is a YAML file (the default ships as ``catalogue.yaml`` beside this module).
:func:`load_catalogue` validates it whole and raises :class:`DataFileError` naming the
line of each defect, for example a touchpoint or a branch that refers to a stage the
file does not define.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import yaml

from workbench.errors import DataFileError, Problem

__all__ = ["Catalogue", "Stage", "Touchpoint", "default_catalogue", "load_catalogue",
           "parse_catalogue"]

logger = logging.getLogger(__name__)

LED_BY = ("rep", "marketing", "contact")
OUTCOMES = ("won", "lost")
_PROBABILITY_TOLERANCE = 0.011
_LINE = "__line__"


class _LineLoader(yaml.SafeLoader):
    """A safe YAML loader that records the 1-based line of every mapping as ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _plain(value: object) -> object:
    """Strip the recorded line numbers from a loaded document."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items() if key != _LINE}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


@dataclass(frozen=True)
class Stage:
    """A journey stage: branch probabilities on leaving it and its median dwell time."""

    id: str
    next: dict[str, float] = field(default_factory=dict)
    dwell_days: float = 0.0
    dwell_sigma: float = 0.6
    touch_rate: float = 0.0
    outcome: str | None = None

    @property
    def terminal(self) -> bool:
        """Whether the journey ends in this stage."""
        return self.outcome is not None


@dataclass(frozen=True)
class Touchpoint:
    """One kind of contact between the vendor and a buyer, or inside the buying committee."""

    id: str
    stages: tuple[str, ...]
    channel: str
    led_by: str
    hidden: bool
    roles: tuple[str, ...]
    weight: float
    hours: float
    engagement: float
    sentiment: float
    traits: dict[str, float]


@dataclass
class Catalogue:
    """A validated catalogue, with the numpy tables the model reads.

    Attributes
    ----------
    stages, touchpoints : list
        In file order; the first stage is where every journey starts (``awareness`` in
        the default catalogue) and is left through word of mouth.
    canvas : dict
        ``{segment: {stage: {"next": {...}, "dwell_days": d}}}`` overrides.
    """

    stages: list[Stage]
    touchpoints: list[Touchpoint]
    roles: list[str]
    segments: list[str]
    traits: list[str]
    personas: dict[str, dict[str, float]]
    canvas: dict[str, dict[str, dict]]
    source: str = "catalogue.yaml"

    def __post_init__(self) -> None:
        self.stage_ids = [stage.id for stage in self.stages]
        self.stage_index = {name: index for index, name in enumerate(self.stage_ids)}
        self.touchpoint_ids = [point.id for point in self.touchpoints]
        self.touchpoint_index = {name: index for index, name in enumerate(self.touchpoint_ids)}
        self.persona_ids = list(self.personas)
        self.persona_index = {name: index for index, name in enumerate(self.persona_ids)}
        self._build_tables()

    @property
    def activities(self) -> list[str]:
        """Every activity name a simulated log may hold: touchpoints, then stages."""
        return self.touchpoint_ids + self.stage_ids

    @property
    def outcome_stages(self) -> dict[str, str]:
        """Terminal stages and their outcome (``won`` or ``lost``)."""
        return {stage.id: stage.outcome for stage in self.stages if stage.outcome}

    def stage_settings(self, segment: str, stage: str) -> tuple[dict[str, float], float]:
        """Return the branch probabilities and median dwell days of a stage for a segment."""
        base = self.stages[self.stage_index[stage]]
        override = self.canvas.get(segment, {}).get(stage, {})
        return dict(override.get("next", base.next)), float(override.get("dwell_days",
                                                                          base.dwell_days))

    def _build_tables(self) -> None:
        stage_count, point_count = len(self.stages), len(self.touchpoints)
        self.touch_rate = np.array([stage.touch_rate for stage in self.stages])
        self.outcome = np.array([OUTCOMES.index(stage.outcome) + 1 if stage.outcome else 0
                                 for stage in self.stages], dtype=np.int8)
        self.point_weight = np.array([point.weight for point in self.touchpoints])
        self.point_hours = np.array([point.hours for point in self.touchpoints])
        self.point_engagement = np.array([point.engagement for point in self.touchpoints])
        self.point_sentiment = np.array([point.sentiment for point in self.touchpoints])
        self.point_led_by = np.array([LED_BY.index(point.led_by) for point in self.touchpoints],
                                     dtype=np.int8)
        self.point_hidden = np.array([point.hidden for point in self.touchpoints])

        # Cumulative choice weights of the touchpoints open to each (stage, role) pair.
        weights = np.zeros((stage_count, len(self.roles), point_count))
        for column, point in enumerate(self.touchpoints):
            for stage in point.stages:
                for role in point.roles:
                    weights[self.stage_index[stage], self.roles.index(role), column] = point.weight
        totals = weights.sum(axis=2, keepdims=True)
        self.choice_cumulative = np.divide(np.cumsum(weights, axis=2), totals,
                                           out=np.zeros_like(weights), where=totals > 0)
        self.role_has_touchpoints = totals[:, :, 0] > 0

        # Sentiment change added by a persona's traits, per (persona, touchpoint).
        trait_values = np.array([[self.personas[persona].get(trait, 0.5) for trait in self.traits]
                                 for persona in self.persona_ids])
        effects = np.array([[point.traits.get(trait, 0.0) for point in self.touchpoints]
                            for trait in self.traits])
        self.persona_sentiment = trait_values @ effects


def _problem(file: str, key: str, line: int | None, column: str | None = None,
             value: object = None, **params: object) -> Problem:
    return Problem(file, key, row=line, column=column,
                   value=None if value is None else str(value), params=params)


def parse_catalogue(document: object, file: str = "catalogue.yaml") -> Catalogue:
    """Validate a loaded catalogue document (with ``__line__`` marks) and build it.

    Raises
    ------
    DataFileError
        Listing every defect: a reference to an undefined stage, role, trait or segment,
        branch probabilities that do not sum to 1, duplicate ids, missing fields.
    """
    problems: list[Problem] = []
    if not isinstance(document, dict):
        raise DataFileError(file, [_problem(file, "journeys.catalogue.not_mapping", None)])
    for section in ("stages", "touchpoints", "roles", "segments"):
        if not document.get(section):
            problems.append(_problem(file, "journeys.catalogue.missing_section", None,
                                     section=section))
    if problems:
        raise DataFileError(file, problems)

    roles = [str(role) for role in document["roles"]]
    segments = [str(segment) for segment in document["segments"]]
    traits = [str(trait) for trait in document.get("traits", [])]
    stage_entries = document["stages"]
    stage_ids = [str(entry.get("id")) for entry in stage_entries if isinstance(entry, dict)]
    known_stages = ", ".join(stage_ids)

    def check_stage(name: object, line: int, column: str) -> None:
        if str(name) not in stage_ids:
            problems.append(_problem(file, "journeys.catalogue.undefined_stage", line, column,
                                     name, stage=name, known=known_stages))

    def check_next(branches: object, line: int) -> None:
        if not isinstance(branches, dict):
            problems.append(_problem(file, "journeys.catalogue.bad_branches", line, "next",
                                     branches))
            return
        branches = {key: value for key, value in branches.items() if key != _LINE}
        for target in branches:
            check_stage(target, line, "next")
        total = sum(float(value) for value in branches.values())
        if branches and abs(total - 1.0) > _PROBABILITY_TOLERANCE:
            problems.append(_problem(file, "journeys.catalogue.bad_probabilities", line, "next",
                                     f"{total:.3f}", total=f"{total:.3f}"))

    stages: list[Stage] = []
    seen: set[str] = set()
    for entry in stage_entries:
        line = entry.get(_LINE) if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or "id" not in entry:
            problems.append(_problem(file, "journeys.catalogue.missing_id", line))
            continue
        if entry["id"] in seen:
            problems.append(_problem(file, "journeys.catalogue.duplicate_id", line, "id",
                                     entry["id"]))
        seen.add(entry["id"])
        outcome = entry.get("outcome")
        if outcome is not None and outcome not in OUTCOMES:
            problems.append(_problem(file, "journeys.catalogue.bad_outcome", line, "outcome",
                                     outcome, allowed=", ".join(OUTCOMES)))
        next_branches = entry.get("next", {})
        if next_branches:
            check_next(next_branches, line)
        elif outcome is None:
            problems.append(_problem(file, "journeys.catalogue.dead_end", line, "next",
                                     entry["id"]))
        stages.append(Stage(str(entry["id"]), _plain(next_branches) or {},
                            float(entry.get("dwell_days", 0.0)),
                            float(entry.get("dwell_sigma", 0.6)),
                            float(entry.get("touch_rate", 0.0)), outcome))

    points: list[Touchpoint] = []
    for entry in document["touchpoints"]:
        line = entry.get(_LINE) if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or "id" not in entry:
            problems.append(_problem(file, "journeys.catalogue.missing_id", line))
            continue
        if entry["id"] in seen:
            problems.append(_problem(file, "journeys.catalogue.duplicate_id", line, "id",
                                     entry["id"]))
        seen.add(entry["id"])
        for stage in entry.get("stages", []):
            check_stage(stage, line, "stages")
        point_roles = entry.get("roles", roles)
        for role in point_roles:
            if role not in roles:
                problems.append(_problem(file, "journeys.catalogue.undefined_role", line, "roles",
                                         role, known=", ".join(roles)))
        point_traits = _plain(entry.get("traits", {}))
        for trait in point_traits:
            if trait not in traits:
                problems.append(_problem(file, "journeys.catalogue.undefined_trait", line,
                                         "traits", trait, known=", ".join(traits)))
        led_by = entry.get("led_by", "rep")
        if led_by not in LED_BY:
            problems.append(_problem(file, "journeys.catalogue.bad_led_by", line, "led_by",
                                     led_by, allowed=", ".join(LED_BY)))
        points.append(Touchpoint(
            str(entry["id"]), tuple(entry.get("stages", [])), str(entry.get("channel", "")),
            str(led_by), bool(entry.get("hidden", False)), tuple(point_roles),
            float(entry.get("weight", 1.0)), float(entry.get("hours", 0.0)),
            float(entry.get("engagement", 0.0)), float(entry.get("sentiment", 0.0)),
            {str(key): float(value) for key, value in point_traits.items()}))

    canvas = document.get("canvas") or {}
    canvas_line = canvas.get(_LINE)
    for segment, overrides in canvas.items():
        if segment == _LINE:
            continue
        if segment not in segments:
            problems.append(_problem(file, "journeys.catalogue.undefined_segment", canvas_line,
                                     "canvas", segment, known=", ".join(segments)))
            continue
        for stage, override in overrides.items():
            if stage == _LINE:
                continue
            line = override.get(_LINE, canvas_line) if isinstance(override, dict) else canvas_line
            check_stage(stage, line, "canvas")
            if isinstance(override, dict) and "next" in override:
                check_next(override["next"], line)

    personas = _plain(document.get("personas") or {"default": {}})
    if problems:
        raise DataFileError(file, problems)
    return Catalogue(stages, points, roles, segments, traits, personas, _plain(canvas), file)


def load_catalogue(path: str | Path) -> Catalogue:
    """Load and validate a catalogue YAML file.

    Raises
    ------
    DataFileError
        If the YAML is malformed or the catalogue is inconsistent (see :func:`parse_catalogue`).
    """
    path = Path(path)
    return _load_text(path.read_text("utf-8"), path.name)


def _load_text(text: str, file: str) -> Catalogue:
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise DataFileError(file, [_problem(file, "journeys.yaml_syntax",
                                            mark.line + 1 if mark else None,
                                            detail=str(getattr(error, "problem", error)))]
                            ) from error
    return parse_catalogue(document, file)


def default_catalogue() -> Catalogue:
    """Return the catalogue that ships with the workbench (54 touchpoints, 12 stages)."""
    text = resources.files("workbench.journeys").joinpath("catalogue.yaml").read_text("utf-8")
    return _load_text(text, "catalogue.yaml")
