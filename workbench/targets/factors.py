"""Factor sets: how signals move targets away from the baseline.

A factor turns one or more signals (summed) into a standardised index per unit and week:

- ``transform: yoy`` compares the target week with its reference week last year, because
  the baseline already carries last year's conditions (a promotion run in both years
  adds nothing);
- ``transform: level`` compares with the unit's mean over its history.

The difference is divided by its standard deviation over all units and history weeks and
multiplied by the direction (+1 ``up``, -1 ``down``), so a value of 1 means "one standard
deviation in the direction that raises sales".

Missing signal values are filled by the factor's ``fill`` rule, applied per unit:
``zero`` (absence means none, e.g. no markdown), ``ffill`` (carry the last known value
forward, then back-fill the start) or ``median`` (the unit's median); a unit with no value
at all gets 0 (no effect) and is reported. Future weeks of a factor that is not
``known_in_advance`` (CPI, weather) carry the last value known at the origin.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import yaml

from workbench.errors import WorkbenchError
from workbench.targets.panel import Panel

__all__ = ["Factor", "FactorSet", "available_factor_sets", "factor_matrix", "load_factor_set",
           "normalize_weights"]

logger = logging.getLogger(__name__)

_TRANSFORMS = {"yoy", "level"}
_FILLS = {"zero", "ffill", "median"}
_DIRECTIONS = {"up": 1, "down": -1}
_FACTOR_KEYS = {"name", "signals", "transform", "direction", "weight", "fill",
                "known_in_advance", "label"}


@dataclass(frozen=True)
class Factor:
    """One factor of a factor set (see the module docstring for the fields' meaning)."""

    name: str
    signals: tuple[str, ...]
    transform: str = "yoy"
    direction: int = 1
    weight: float = 0.0
    fill: str = "ffill"
    known_in_advance: bool = False
    label: dict[str, str] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        """Return the factor's label in ``lang``, or its name."""
        return self.label.get(lang) or self.name


@dataclass(frozen=True)
class FactorSet:
    """Factors with default weights (percentages summing to 100) and a sensitivity.

    ``sensitivity`` is the fraction of baseline sales moved by one standard deviation of
    the weighted factor index; ``calendar`` names the moving-holiday calendar of the
    baseline (``cn``, ``us`` or none).
    """

    name: str
    factors: tuple[Factor, ...]
    sensitivity: float = 0.05
    calendar: str | None = None

    @property
    def names(self) -> list[str]:
        """Factor names in order."""
        return [factor.name for factor in self.factors]

    @property
    def default_weights(self) -> np.ndarray:
        """Default weights, normalised to sum to 100."""
        return normalize_weights([factor.weight for factor in self.factors], self.names)


def normalize_weights(weights, names: list[str] | None = None) -> np.ndarray:
    """Check weights and scale them to percentages that sum to 100.

    Raises
    ------
    WorkbenchError
        ``targets.weight_invalid`` for a NaN, infinite or negative weight (naming the
        factor), ``targets.weights_zero`` when all are zero, ``targets.weights_count``
        when the count does not match the factors.
    """
    values = np.asarray(weights, dtype=float)
    names = names or [str(index + 1) for index in range(len(values))]
    if values.ndim != 1 or len(values) != len(names):
        raise WorkbenchError("targets.weights_count", given=int(values.size),
                             expected=len(names))
    for name, value in zip(names, values, strict=True):
        if not math.isfinite(value) or value < 0:
            raise WorkbenchError("targets.weight_invalid", factor=name, value=str(value))
    total = values.sum()
    if total <= 0:
        raise WorkbenchError("targets.weights_zero")
    return values * (100.0 / total)


def _parse_factor(entry: dict, origin: str) -> Factor:
    unknown = sorted(set(entry) - _FACTOR_KEYS)
    if unknown:
        raise WorkbenchError("targets.factor_set_invalid", origin=origin,
                             detail=f"unknown key {unknown[0]!r}; allowed: "
                                    f"{', '.join(sorted(_FACTOR_KEYS))}")
    signals = entry.get("signals") or entry.get("signal")
    transform = entry.get("transform", "yoy")
    fill = entry.get("fill", "ffill")
    direction = entry.get("direction", "up")
    problems = []
    if not entry.get("name") or not signals:
        problems.append("every factor needs a name and signals")
    if transform not in _TRANSFORMS:
        problems.append(f"transform {transform!r} is not one of {sorted(_TRANSFORMS)}")
    if fill not in _FILLS:
        problems.append(f"fill {fill!r} is not one of {sorted(_FILLS)}")
    if direction not in _DIRECTIONS:
        problems.append(f"direction {direction!r} is not one of {sorted(_DIRECTIONS)}")
    if problems:
        raise WorkbenchError("targets.factor_set_invalid", origin=origin, detail=problems[0])
    return Factor(
        name=str(entry["name"]),
        signals=tuple([signals] if isinstance(signals, str) else signals),
        transform=transform, direction=_DIRECTIONS[direction],
        weight=float(entry.get("weight", 0.0)), fill=fill,
        known_in_advance=bool(entry.get("known_in_advance", False)),
        label=dict(entry.get("label") or {}),
    )


def _builtin_dir():
    return resources.files("workbench").joinpath("targets", "factor_sets")


def available_factor_sets() -> list[str]:
    """Return the names of the built-in factor sets."""
    return sorted(entry.name[:-5] for entry in _builtin_dir().iterdir()
                  if entry.name.endswith(".yaml"))


def load_factor_set(name: str) -> FactorSet:
    """Load a built-in factor set by name, or a YAML file by path.

    Raises
    ------
    WorkbenchError
        ``targets.unknown_factor_set`` or ``targets.factor_set_invalid``.
    """
    path = Path(name)
    if path.suffix in {".yaml", ".yml"} and path.is_file():
        text, origin = path.read_text("utf-8"), str(path)
    elif name in available_factor_sets():
        text, origin = _builtin_dir().joinpath(f"{name}.yaml").read_text("utf-8"), name
    else:
        raise WorkbenchError("targets.unknown_factor_set", name=name,
                             known=", ".join(available_factor_sets()))
    document = yaml.safe_load(text) or {}
    factors = tuple(_parse_factor(entry, origin) for entry in document.get("factors") or [])
    if not factors:
        raise WorkbenchError("targets.factor_set_invalid", origin=origin,
                             detail="no factors listed")
    factor_set = FactorSet(str(document.get("name", path.stem)), factors,
                           float(document.get("sensitivity", 0.05)), document.get("calendar"))
    factor_set.default_weights  # noqa: B018 - validates the default weights
    return factor_set


def _fill(values: np.ndarray, rule: str, origin: int) -> np.ndarray:
    """Fill NaNs of a units x weeks matrix row by row with ``rule``; all-NaN rows become 0.

    Medians use weeks up to ``origin`` only, so a backtest sees no later values.
    """
    filled = values.copy()
    if rule == "zero":
        return np.nan_to_num(filled, nan=0.0)
    if rule == "median":
        with np.errstate(all="ignore"):
            medians = np.nanmedian(filled[:, :origin + 1], axis=1)
        rows, columns = np.nonzero(np.isnan(filled))
        filled[rows, columns] = medians[rows]
        return np.nan_to_num(filled, nan=0.0)
    # Forward fill along weeks, then back-fill the leading gap.
    present = ~np.isnan(filled)
    index = np.where(present, np.arange(filled.shape[1]), 0)
    np.maximum.accumulate(index, axis=1, out=index)
    filled = filled[np.arange(filled.shape[0])[:, None], index]
    first = np.argmax(present, axis=1)
    leading = np.arange(filled.shape[1])[None, :] < first[:, None]
    filled[leading] = filled[np.arange(filled.shape[0]), first][:, None].repeat(
        filled.shape[1], axis=1)[leading]
    return np.nan_to_num(filled, nan=0.0)


def factor_matrix(panel: Panel, factor: Factor, origin: int, targets: np.ndarray,
                  references: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Return the standardised index of ``factor`` (units x target weeks) and units lacking it.

    Target weeks past the panel's end, and target weeks after the origin of a factor that
    is not known in advance, use the last value known at the origin.
    """
    missing = [name for name in factor.signals if name not in panel.signals]
    units, weeks = panel.shape
    if len(missing) == len(factor.signals):
        return np.zeros((units, len(targets))), [str(unit) for unit in panel.units]
    raw = sum(panel.signals[name] for name in factor.signals if name in panel.signals)
    absent = np.isnan(raw[:, :origin + 1]).all(axis=1)
    values = _fill(raw, factor.fill, origin)

    last_known = origin if not factor.known_in_advance else weeks - 1
    target_columns = np.minimum(targets, last_known)
    current = values[:, target_columns]
    history = values[:, :origin + 1]
    if factor.transform == "yoy":
        reference_columns = np.clip(references, 0, weeks - 1)
        index = current - values[:, reference_columns]
        lagged = history[:, 52:] - history[:, :-52] if history.shape[1] > 52 else history * 0
        scale = np.std(lagged) if lagged.size else 0.0
    else:
        mean = history.mean(axis=1, keepdims=True)
        index = current - mean
        scale = np.std(history - mean)
    standardized = index / scale if scale > 0 else np.zeros_like(index)
    standardized[absent] = 0.0
    return factor.direction * standardized, [str(unit) for unit in panel.units[absent]]
