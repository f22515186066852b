"""Stage transitions of a journey: a semi-Markov chain over stages with a short memory.

On entering a stage an account draws its next stage from probabilities that depend on
its segment, the stage it is in and its context (the ``order - 1`` stages before it),
then draws how long it stays
before moving (the dwell time) from a distribution that depends on that move. A catalogue
gives first-order probabilities (the same for every previous stage) and log-normal dwell
times; :mod:`workbench.journeys.calibration` estimates both from an event log.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workbench.journeys.catalogue import Catalogue

__all__ = ["StageChain"]


@dataclass
class StageChain:
    """Next-stage probabilities and dwell-time samplers of every stage.

    Attributes
    ----------
    stages : list of str
        Stage names; index ``len(stages)`` stands for "the journey ends" on the
        next-stage axis.
    probabilities : numpy.ndarray
        Shape ``(segments, contexts, stages, stages + 1)``: context, current, next. A
        context encodes the ``order - 1`` stages before the current one as digits in base
        ``stages + 1``, the most recent last, with ``stages`` for "before the first".
    initial : numpy.ndarray
        Shape ``(segments, stages)``: where journeys start.
    dwell : dict
        ``{(segment, current, next): ("lognormal", median_days, sigma)}`` or
        ``("empirical", days_array)``; a key with ``next = -1`` is the fallback for the stage.
    terminal : numpy.ndarray
        Whether each stage ends the journey.
    lost : numpy.ndarray
        Whether each stage is a lost outcome; a healthy account is less likely to move there.
    word_of_mouth_stage : int or None
        A stage left only through word of mouth and innovation (awareness), or ``None``.
    """

    stages: list[str]
    probabilities: np.ndarray
    initial: np.ndarray
    dwell: dict[tuple[int, int, int], tuple]
    terminal: np.ndarray
    lost: np.ndarray
    word_of_mouth_stage: int | None = None
    segments: list[str] = field(default_factory=lambda: ["all"])
    order: int = 2

    @property
    def start_context(self) -> int:
        """The context of a journey that has not passed any stage yet."""
        radix = len(self.stages) + 1
        return sum(len(self.stages) * radix ** power for power in range(self.order - 1))

    def advance_context(self, context: np.ndarray, left: np.ndarray) -> np.ndarray:
        """Return the contexts after leaving stage ``left`` (``-1``: not started)."""
        radix = len(self.stages) + 1
        left = np.where(left < 0, len(self.stages), left)
        return (context * radix + left) % radix ** (self.order - 1)

    @property
    def end(self) -> int:
        """Index of "no further stage" on the next-stage axis."""
        return len(self.stages)

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue) -> StageChain:
        """Build the chain of a catalogue, one probability table per segment."""
        stage_count = len(catalogue.stages)
        segments = catalogue.segments
        first_order = np.zeros((len(segments), stage_count, stage_count + 1))
        dwell: dict[tuple[int, int, int], tuple] = {}
        for group, segment in enumerate(segments):
            for index, stage in enumerate(catalogue.stages):
                if stage.terminal:
                    first_order[group, index, stage_count] = 1.0
                    continue
                branches, dwell_days = catalogue.stage_settings(segment, stage.id)
                for target, probability in branches.items():
                    first_order[group, index, catalogue.stage_index[target]] = probability
                first_order[group, index] /= first_order[group, index].sum()
                dwell[(group, index, -1)] = ("lognormal", max(dwell_days, 1e-6),
                                             stage.dwell_sigma)
        probabilities = np.repeat(first_order[:, None, :, :], stage_count + 1, axis=1)
        initial = np.zeros((len(segments), stage_count))
        initial[:, 0] = 1.0
        terminal = catalogue.outcome > 0
        lost = catalogue.outcome == 2
        return cls(catalogue.stage_ids, probabilities, initial, dwell, terminal, lost,
                   word_of_mouth_stage=0, segments=list(segments))

    def draw_next(self, rng: np.random.Generator, segment: np.ndarray, context: np.ndarray,
                  current: np.ndarray, health: np.ndarray | None = None,
                  health_effect: float = 0.0) -> np.ndarray:
        """Draw the next stage of each account (``end`` when the journey stops).

        ``health`` in [0, 1] tilts the lost branches: their odds are multiplied by
        ``exp(-health_effect * (2 * health - 1))``, so a healthy account (1) loses less
        often and an unhealthy one (0) more often. ``health_effect = 0`` keeps the table.
        """
        rows = self.probabilities[segment, context, current]
        if health is not None and health_effect:
            lost_columns = np.append(self.lost, False)
            tilt = np.exp(-health_effect * (2.0 * health - 1.0))
            rows = np.where(lost_columns[None, :], rows * tilt[:, None], rows)
            rows = rows / rows.sum(axis=1, keepdims=True)
        cumulative = np.cumsum(rows, axis=1)
        draws = rng.random(len(current))[:, None]
        chosen = (draws > cumulative[:, :-1]).sum(axis=1)
        return chosen

    def draw_dwell(self, rng: np.random.Generator, segment: np.ndarray, current: np.ndarray,
                   following: np.ndarray) -> np.ndarray:
        """Draw the days each account stays in ``current`` before moving to ``following``."""
        days = np.zeros(len(current))
        if not len(current):
            return days
        segment_count = self.probabilities.shape[0]
        keys = (segment.astype(np.int64) * (len(self.stages) + 1) + current) * (
            len(self.stages) + 2) + following + 1
        order = np.argsort(keys, kind="stable")
        unique, starts = np.unique(keys[order], return_index=True)
        bounds = np.append(starts, len(order))
        for position, key in enumerate(unique):
            members = order[bounds[position]:bounds[position + 1]]
            group, rest = divmod(int(key), (len(self.stages) + 1) * (len(self.stages) + 2))
            stage, target = divmod(rest, len(self.stages) + 2)
            sampler = (self.dwell.get((group % segment_count, stage, target - 1))
                       or self.dwell.get((group % segment_count, stage, -1)))
            if sampler is None:
                continue
            if sampler[0] == "lognormal":
                _, median, sigma = sampler
                days[members] = median * np.exp(sigma * rng.standard_normal(len(members)))
            else:
                values = sampler[1]
                days[members] = values[rng.integers(0, len(values), len(members))]
        return days
