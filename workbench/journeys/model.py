"""The agent-based journey model: accounts, buying committees and reps in mesa 3.3.

Per-contact and per-account state lives in numpy arrays owned by :class:`JourneyModel`,
one row per agent, and every step updates whole arrays at once. The mesa agents
(:class:`AccountAgent`, :class:`ContactAgent`, :class:`RepAgent`) stay readable objects:
their properties read their row, so ``contact.engagement`` is always current.

Time is counted in days from ``start``; a step covers ``step_days`` (7 for a week, 1 for a
day). Within a step, stage changes fall at their own drawn times, so a journey may pass
several stages in one step and dwell times are not rounded to the step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import mesa
import numpy as np
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.journeys.catalogue import Catalogue, default_catalogue
from workbench.journeys.chain import StageChain
from workbench.journeys.population import Population

__all__ = ["AccountAgent", "ContactAgent", "JourneyModel", "RepAgent"]

logger = logging.getLogger(__name__)

_LED_BY_REP = 0
_LED_BY_MARKETING = 1
# Weekly retention of engagement and sentiment without new touchpoints.
_ENGAGEMENT_RETENTION = 0.85
_SENTIMENT_RETENTION = 0.95
NETWORKS = ("small_world", "complete", "none")


@dataclass
class _EventChunks:
    """Events of a run as parallel arrays, appended per step and joined on demand."""

    case: list
    code: list
    time: list
    resource: list
    contact: list
    sentiment: list

    @classmethod
    def empty(cls) -> _EventChunks:
        return cls([], [], [], [], [], [])

    def add(self, case, code, time, resource, contact, sentiment) -> None:
        if len(case):
            self.case.append(np.asarray(case, dtype=np.int32))
            self.code.append(np.asarray(code, dtype=np.int32))
            self.time.append(np.asarray(time, dtype=np.float64))
            self.resource.append(np.asarray(resource, dtype=np.int32))
            self.contact.append(np.asarray(contact, dtype=np.int32))
            self.sentiment.append(np.asarray(sentiment, dtype=np.float32))

    def joined(self) -> dict[str, np.ndarray]:
        names = ("case", "code", "time", "resource", "contact", "sentiment")
        kinds = (np.int32, np.int32, np.float64, np.int32, np.int32, np.float32)
        return {name: (np.concatenate(getattr(self, name)) if getattr(self, name)
                       else np.empty(0, dtype=kind)) for name, kind
                in zip(names, kinds, strict=True)}

    def __len__(self) -> int:
        return sum(len(chunk) for chunk in self.case)


class AccountAgent(mesa.Agent):
    """A buying account; its journey state is row ``row`` of the model's account arrays."""

    def __init__(self, model: JourneyModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def account_id(self) -> str:
        """The account id, also the case id of its journey in the event log."""
        return self.model.account_ids[self.row]

    @property
    def segment(self) -> str:
        """Segment (technical_decision, cost_sensitive, compliance_driven by default)."""
        return self.model.chain_segments[self.model.account_segment[self.row]]

    @property
    def stage(self) -> str | None:
        """Current stage, ``None`` before the journey has started."""
        index = self.model.account_stage[self.row]
        return None if index < 0 else self.model.chain.stages[index]

    @property
    def days_in_stage(self) -> float:
        """Days since the account entered its current stage."""
        return float(self.model.time - self.model.account_entered[self.row])

    @property
    def contacts(self) -> list[ContactAgent]:
        """The buying committee."""
        start, stop = self.model.committee_bounds[self.row:self.row + 2]
        return self.model.contact_agents[start:stop]

    @property
    def rep(self) -> RepAgent:
        """The rep who owns the account."""
        return self.model.rep_agents[self.model.account_rep[self.row]]

    @property
    def health(self) -> float:
        """Committee health proxy in [0, 1] from engagement and sentiment."""
        return float(self.model.committee_health()[self.row])


class ContactAgent(mesa.Agent):
    """A buying-committee member with a role and a persona."""

    def __init__(self, model: JourneyModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def contact_id(self) -> str:
        """The contact id."""
        return self.model.contact_ids[self.row]

    @property
    def role(self) -> str:
        """Role in the buying committee."""
        return self.model.catalogue.roles[self.model.contact_role[self.row]]

    @property
    def persona(self) -> str:
        """Persona id; its trait vector is ``model.catalogue.personas[persona]``."""
        return self.model.catalogue.persona_ids[self.model.contact_persona[self.row]]

    @property
    def engagement(self) -> float:
        """Engagement in [0, 1]."""
        return float(self.model.contact_engagement[self.row])

    @property
    def sentiment(self) -> float:
        """Sentiment in [-1, 1]."""
        return float(self.model.contact_sentiment[self.row])

    @property
    def last_touch_day(self) -> float:
        """Day of the last touchpoint, NaN if none yet."""
        return float(self.model.contact_last_touch[self.row])

    @property
    def touches(self) -> int:
        """Touchpoints so far."""
        return int(self.model.contact_touches[self.row])


class RepAgent(mesa.Agent):
    """A sales rep with weekly hours and a skill in [0, 1]."""

    def __init__(self, model: JourneyModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    @property
    def rep_id(self) -> str:
        """The rep id."""
        return self.model.rep_ids[self.row]

    @property
    def hours_per_week(self) -> float:
        """Hours available for rep-led touchpoints per week."""
        return float(self.model.rep_hours[self.row])

    @property
    def skill(self) -> float:
        """Skill in [0, 1]; scales the effect of the rep's touchpoints."""
        return float(self.model.rep_skill[self.row])

    @property
    def utilisation(self) -> float:
        """Demanded hours over available hours in the last step (above 1: overloaded)."""
        return float(self.model.rep_utilisation[self.row])


class JourneyModel(mesa.Model):
    """Purchase journeys of accounts, their buying committees and reps.

    Parameters
    ----------
    population
        Accounts, contacts and reps; default a synthetic population of ``accounts``
        accounts with ``contacts_per_account`` contacts each.
    catalogue
        Stages and touchpoints; default :func:`default_catalogue`.
    chain
        Stage transitions; default the catalogue's (see :meth:`StageChain.from_catalogue`).
    step_days
        Days per step: 7 (a week) or 1 (a day); any positive number works.
    innovation, imitation
        Bass coefficients per ``period_days``: an account in the word-of-mouth stage
        (awareness) starts its journey at rate ``innovation + imitation * s`` per period,
        where ``s`` is the share of its network neighbours that have adopted.
    adoption_stage
        An account that has reached this stage counts as an adopter for word of mouth.
    network
        ``small_world`` (ring of ``network_degree`` neighbours, each link rewired with
        probability ``rewire``), ``complete`` (everyone hears everyone) or ``none``.
    health_effect
        How strongly committee health tilts lost branches (0 switches it off).
    arrivals
        Day on which each account enters its first stage; default 0 for everyone.
    horizon_days
        The model stops (``running = False``) at this day; default none, so it stops once
        every journey has ended.
    record_events
        Keep the event log (touchpoints and stage changes).
    seed, rng
        Passed to :class:`mesa.Model`; all draws come from ``self.rng``.
    """

    def __init__(self, population: Population | None = None, catalogue: Catalogue | None = None,
                 *, chain: StageChain | None = None, accounts: int = 300,
                 contacts_per_account: int = 5, reps: int | None = None, step_days: float = 7,
                 innovation: float = 0.03, imitation: float = 0.38, period_days: float = 7,
                 adoption_stage: str = "contract", network: str = "small_world",
                 network_degree: int = 6, rewire: float = 0.1, health_effect: float = 1.0,
                 arrivals: np.ndarray | None = None, horizon_days: float | None = None,
                 start: str = "2024-01-01", record_events: bool = True,
                 seed: int | None = None, rng: np.random.Generator | None = None) -> None:
        super().__init__(seed=seed, rng=rng)
        if step_days <= 0:
            raise WorkbenchError("journeys.model.bad_step", value=step_days)
        if network not in NETWORKS:
            raise WorkbenchError("journeys.model.bad_network", value=network,
                                 allowed=", ".join(NETWORKS))
        self.catalogue = catalogue or default_catalogue()
        self.chain = chain or StageChain.from_catalogue(self.catalogue)
        if adoption_stage not in self.chain.stages:
            raise WorkbenchError("journeys.model.unknown_stage", stage=adoption_stage,
                                 known=", ".join(self.chain.stages))
        if population is None:
            population = Population.synthetic(self.catalogue, accounts, contacts_per_account,
                                              reps, seed=self.rng)
        self.population = population
        self.step_days = float(step_days)
        self.innovation, self.imitation = float(innovation), float(imitation)
        self.period_days = float(period_days)
        self.adoption_index = self.chain.stages.index(adoption_stage)
        self.health_effect = float(health_effect)
        self.horizon_days = horizon_days
        self.start = pd.Timestamp(start)
        self.record_events = record_events
        self.time = 0.0

        self._build_state(population, arrivals)
        self._build_network(network, int(network_degree), float(rewire))
        self.events = _EventChunks.empty()
        self._create_agents()
        self.datacollector = mesa.DataCollector(model_reporters={
            "day": lambda model: model.time,
            "waiting": lambda model: int(np.sum(model.account_stage < 0)),
            "active": lambda model: int(np.sum(model.active_mask())),
            "won": lambda model: int(np.sum(model.account_outcome() == 1)),
            "lost": lambda model: int(np.sum(model.account_outcome() == 2)),
            "adopted_share": lambda model: float(model.account_adopted.mean()),
            "mean_engagement": lambda model: float(model.contact_engagement.mean())
            if len(model.contact_engagement) else 0.0,
        })
        self._enter_due_arrivals(0.0, 0.0)
        self.datacollector.collect(self)

    # -- set-up -----------------------------------------------------------------------

    def _build_state(self, population: Population, arrivals: np.ndarray | None) -> None:
        catalogue, chain = self.catalogue, self.chain
        accounts, contacts, reps = population.accounts, population.contacts, population.reps
        self.account_ids = accounts["account_id"].astype(str).tolist()
        account_row = {account: row for row, account in enumerate(self.account_ids)}
        count = len(self.account_ids)

        self.chain_segments = chain.segments
        segment_of = {segment: index for index, segment in enumerate(chain.segments)}
        self.account_segment = np.array([segment_of.get(segment, 0) for segment in
                                         accounts["segment"].astype(str)], dtype=np.int64)
        self.rep_ids = reps["rep_id"].astype(str).tolist()
        rep_row = {rep: row for row, rep in enumerate(self.rep_ids)}
        self.account_rep = np.array([rep_row.get(rep, 0) for rep in accounts["rep_id"]],
                                    dtype=np.int64)
        self.rep_hours = reps["hours_per_week"].to_numpy(dtype=float, copy=True)
        self.rep_skill = reps["skill"].to_numpy(dtype=float, copy=True)
        self.rep_utilisation = np.zeros(len(self.rep_ids))

        stage_count = len(chain.stages)
        self.account_stage = np.full(count, -1, dtype=np.int64)
        self.account_context = np.full(count, chain.start_context, dtype=np.int64)
        self.account_entered = np.zeros(count)
        self.account_next = np.full(count, chain.end, dtype=np.int64)
        self.account_due = np.full(count, np.inf)
        self.account_reached = np.zeros((count, stage_count), dtype=bool)
        self.account_adopted = np.zeros(count, dtype=bool)
        self.account_arrival = (np.zeros(count) if arrivals is None
                                else np.asarray(arrivals, dtype=float))

        contacts = contacts[contacts["account_id"].isin(account_row)]
        contact_account = contacts["account_id"].map(account_row).to_numpy(dtype=np.int64)
        order = np.argsort(contact_account, kind="stable")
        contacts = contacts.iloc[order]
        self.contact_ids = contacts["contact_id"].astype(str).tolist()
        self.contact_account = contact_account[order]
        role_of = {role: index for index, role in enumerate(catalogue.roles)}
        self.contact_role = np.array([role_of.get(role, 0) for role in contacts["role"]],
                                     dtype=np.int64)
        default_persona = catalogue.persona_index.get("default", 0)
        self.contact_persona = np.array(
            [catalogue.persona_index.get(persona, default_persona)
             for persona in contacts["persona"].fillna("default")], dtype=np.int64)
        contact_count = len(self.contact_ids)
        self.contact_engagement = np.zeros(contact_count)
        self.contact_sentiment = np.zeros(contact_count)
        self.contact_last_touch = np.full(contact_count, np.nan)
        self.contact_touches = np.zeros(contact_count, dtype=np.int64)
        self.committee_size = np.bincount(self.contact_account, minlength=count)
        self.committee_bounds = np.concatenate([[0], np.cumsum(self.committee_size)])

        # Resource names of events: reps, then contacts, then the marketing team.
        self.resource_names = self.rep_ids + self.contact_ids + ["marketing"]
        self._marketing_resource = len(self.resource_names) - 1

    def _build_network(self, kind: str, degree: int, rewire: float) -> None:
        count = len(self.account_ids)
        self.network = kind
        if kind != "small_world" or count < 3:
            self.neighbour_rows = self.neighbour_cols = np.empty(0, dtype=np.int64)
            return
        half = max(1, min(degree // 2, (count - 1) // 2))
        rows = np.repeat(np.arange(count), half)
        cols = (rows + np.tile(np.arange(1, half + 1), count)) % count
        rewired = self.rng.random(len(cols)) < rewire
        cols[rewired] = self.rng.integers(0, count, int(rewired.sum()))
        keep = rows != cols
        rows, cols = rows[keep], cols[keep]
        # Word of mouth travels both ways along a link.
        self.neighbour_rows = np.concatenate([rows, cols])
        self.neighbour_cols = np.concatenate([cols, rows])
        self.degree = np.bincount(self.neighbour_rows, minlength=count)

    def _create_agents(self) -> None:
        self.account_agents = [AccountAgent(self, row) for row in range(len(self.account_ids))]
        self.contact_agents = [ContactAgent(self, row) for row in range(len(self.contact_ids))]
        self.rep_agents = [RepAgent(self, row) for row in range(len(self.rep_ids))]

    # -- derived state ----------------------------------------------------------------

    def active_mask(self) -> np.ndarray:
        """Accounts whose journey has started and not ended.

        A journey ends in a terminal stage, or in any stage from which the chain drew
        "no further stage" (a real log's case that simply stops there).
        """
        stage = self.account_stage
        waiting_for_word = (stage == self.chain.word_of_mouth_stage
                            if self.chain.word_of_mouth_stage is not None
                            else np.zeros(len(stage), dtype=bool))
        return (stage >= 0) & (np.isfinite(self.account_due) | waiting_for_word)

    def account_outcome(self) -> np.ndarray:
        """Per account: 0 open or not started, 1 ended in a stage that is not lost, 2 lost."""
        stage = np.maximum(self.account_stage, 0)
        ended = (self.account_stage >= 0) & ~self.active_mask()
        outcome = np.where(ended, 2, 0)
        outcome[ended & ~self.chain.lost[stage]] = 1
        return outcome

    def committee_health(self) -> np.ndarray:
        """Per-account health proxy in [0, 1]: mean of engagement and rescaled sentiment."""
        count = len(self.account_ids)
        if not len(self.contact_ids):
            return np.full(count, 0.5)
        value = 0.5 * self.contact_engagement + 0.25 * (self.contact_sentiment + 1.0)
        total = np.bincount(self.contact_account, weights=value, minlength=count)
        return np.divide(total, self.committee_size, out=np.full(count, 0.5),
                         where=self.committee_size > 0)

    def neighbour_adoption(self) -> np.ndarray:
        """Share of each account's network neighbours that have adopted."""
        count = len(self.account_ids)
        if self.network == "complete":
            return np.full(count, self.account_adopted.mean())
        if self.network == "none" or not len(self.neighbour_rows):
            return np.zeros(count)
        adopted = np.bincount(self.neighbour_rows,
                              weights=self.account_adopted[self.neighbour_cols], minlength=count)
        return np.divide(adopted, self.degree, out=np.zeros(count), where=self.degree > 0)

    # -- the step ---------------------------------------------------------------------

    def step(self) -> None:
        """Advance every journey by ``step_days``: word of mouth, touchpoints, stage changes."""
        start, stop = self.time, self.time + self.step_days
        self._enter_due_arrivals(start, stop)
        self._word_of_mouth(start, stop)
        self._touchpoints(start, stop)
        self._advance_stages(stop)
        self.time = stop
        ended = not self.active_mask().any() and not (self.account_stage < 0).any()
        if ended or (self.horizon_days is not None and self.time >= self.horizon_days - 1e-9):
            self.running = False
        self.datacollector.collect(self)

    def run(self, days: float) -> JourneyModel:
        """Step until ``days`` have passed or every journey has ended; return the model."""
        while self.running and self.time < days - 1e-9:
            self.step()
        return self

    def _enter_due_arrivals(self, start: float, stop: float) -> None:
        waiting = np.flatnonzero((self.account_stage < 0) & (self.account_arrival <= stop)
                                 & (self.account_arrival >= start))
        if not len(waiting):
            return
        segment = self.account_segment[waiting]
        cumulative = np.cumsum(self.chain.initial[segment], axis=1)
        first = (self.rng.random(len(waiting))[:, None] > cumulative[:, :-1]).sum(axis=1)
        self._enter(waiting, first, self.account_arrival[waiting])
        self._advance_stages(stop)

    def _word_of_mouth(self, start: float, stop: float) -> None:
        stage = self.chain.word_of_mouth_stage
        if stage is None:
            return
        waiting = np.flatnonzero(self.account_stage == stage)
        if not len(waiting):
            return
        rate = (self.innovation + self.imitation * self.neighbour_adoption()[waiting]
                ) / self.period_days
        probability = 1.0 - np.exp(-rate * (stop - start))
        moving = waiting[self.rng.random(len(waiting)) < probability]
        if not len(moving):
            return
        when = start + self.rng.random(len(moving)) * (stop - start)
        following = self.chain.draw_next(self.rng, self.account_segment[moving],
                                         self.account_context[moving], self.account_stage[moving])
        keep = following != self.chain.end
        self._enter(moving[keep], following[keep], when[keep])

    def _advance_stages(self, stop: float) -> None:
        # A journey may pass several stages within one step (zero-length dwell times are
        # common in real logs), so repeat until no account is due before the step's end.
        while True:
            due = np.flatnonzero(self.account_due < stop)
            if not len(due):
                return
            self._enter(due, self.account_next[due], self.account_due[due])

    def _enter(self, rows: np.ndarray, stages: np.ndarray, when: np.ndarray) -> None:
        chain = self.chain
        moving = stages != chain.end
        ended = rows[~moving]
        self.account_due[ended] = np.inf
        self.account_next[ended] = chain.end
        rows, stages, when = rows[moving], stages[moving], when[moving]
        if not len(rows):
            return
        self.account_context[rows] = chain.advance_context(self.account_context[rows],
                                                           self.account_stage[rows])
        self.account_stage[rows] = stages
        self.account_entered[rows] = when
        self.account_reached[rows, stages] = True
        self.account_adopted[rows] |= self.account_reached[rows, self.adoption_index]
        if self.record_events:
            self.events.add(rows, len(self.catalogue.touchpoints) + stages, when,
                            self.account_rep[rows], np.full(len(rows), -1),
                            np.full(len(rows), np.nan))

        # Draw where each account goes next and when, unless the stage is terminal or is
        # left through word of mouth.
        open_rows = ~chain.terminal[stages]
        if chain.word_of_mouth_stage is not None:
            open_rows &= stages != chain.word_of_mouth_stage
        closed = rows[~open_rows]
        self.account_due[closed] = np.inf
        self.account_next[closed] = chain.end
        rows, stages, when = rows[open_rows], stages[open_rows], when[open_rows]
        if not len(rows):
            return
        segment = self.account_segment[rows]
        health = self.committee_health()[rows] if self.health_effect else None
        following = chain.draw_next(self.rng, segment, self.account_context[rows], stages,
                                    health, self.health_effect)
        dwell = chain.draw_dwell(self.rng, segment, stages, following)
        if health is not None:
            # An unhealthy committee stalls: dwell stretches up to 1.5 times.
            dwell = dwell * (1.0 + self.health_effect * 0.5 * (1.0 - 2.0 * health).clip(0, 1))
        self.account_next[rows] = following
        self.account_due[rows] = np.where(following == chain.end, np.inf, when + dwell)

    def _touchpoints(self, start: float, stop: float) -> None:
        catalogue = self.catalogue
        if not len(self.contact_ids) or len(self.chain.stages) != len(catalogue.stages):
            return
        weeks = (stop - start) / 7.0
        stage = self.account_stage[self.contact_account]
        candidates = np.flatnonzero(self.active_mask()[self.contact_account])
        self._decay(candidates, weeks)
        if not len(candidates):
            return

        stage = stage[candidates]
        role = self.contact_role[candidates]
        probability = 1.0 - np.exp(-catalogue.touch_rate[stage] * weeks)
        probability *= catalogue.role_has_touchpoints[stage, role]
        touched = self.rng.random(len(candidates)) < probability
        contacts, stage, role = candidates[touched], stage[touched], role[touched]
        if not len(contacts):
            return
        cumulative = catalogue.choice_cumulative[stage, role]
        point = (self.rng.random(len(contacts))[:, None] > cumulative).sum(axis=1)
        point = np.minimum(point, len(catalogue.touchpoints) - 1)
        when = start + self.rng.random(len(contacts)) * (stop - start)

        # Reps work within their hours: when the touchpoints they lead this step would
        # need more hours than they have, each of those touchpoints happens with
        # probability hours available / hours demanded.
        account = self.contact_account[contacts]
        rep = self.account_rep[account]
        led_by = catalogue.point_led_by[point]
        by_rep = led_by == _LED_BY_REP
        demand = np.bincount(rep[by_rep], weights=catalogue.point_hours[point[by_rep]],
                             minlength=len(self.rep_ids)).astype(float)
        available = self.rep_hours * weeks
        self.rep_utilisation = np.divide(demand, available, out=np.zeros_like(demand),
                                         where=available > 0)
        keep_share = np.minimum(1.0, np.divide(1.0, self.rep_utilisation,
                                               out=np.ones_like(demand),
                                               where=self.rep_utilisation > 0))
        kept = ~by_rep | (self.rng.random(len(contacts)) < keep_share[rep])
        contacts, point, when, rep, by_rep, led_by = (
            contacts[kept], point[kept], when[kept], rep[kept], by_rep[kept], led_by[kept])

        # A skilled rep's touchpoints move engagement and sentiment more.
        strength = np.where(by_rep, 0.5 + self.rep_skill[rep], 1.0)
        engagement = self.contact_engagement[contacts]
        self.contact_engagement[contacts] = np.clip(
            engagement + strength * catalogue.point_engagement[point] * (1.0 - engagement), 0, 1)
        change = strength * (catalogue.point_sentiment[point]
                             + catalogue.persona_sentiment[self.contact_persona[contacts], point])
        self.contact_sentiment[contacts] = np.clip(self.contact_sentiment[contacts] + change,
                                                   -1, 1)
        self.contact_last_touch[contacts] = np.fmax(self.contact_last_touch[contacts], when)
        self.contact_touches[contacts] += 1
        if self.record_events:
            resource = np.where(by_rep, rep, np.where(
                led_by == _LED_BY_MARKETING, self._marketing_resource,
                len(self.rep_ids) + contacts))
            self.events.add(self.contact_account[contacts], point, when, resource, contacts,
                            self.contact_sentiment[contacts])

    def _decay(self, contacts: np.ndarray, weeks: float) -> None:
        self.contact_engagement[contacts] *= _ENGAGEMENT_RETENTION ** weeks
        self.contact_sentiment[contacts] *= _SENTIMENT_RETENTION ** weeks

    # -- results ----------------------------------------------------------------------

    def stage_reach(self) -> pd.Series:
        """Share of started journeys that reached each stage."""
        started = self.account_reached.any(axis=1)
        shares = self.account_reached[started].mean(axis=0) if started.any() else np.zeros(
            len(self.chain.stages))
        return pd.Series(shares, index=self.chain.stages, name="share")

    def event_log(self, *, include_hidden: bool = True) -> pd.DataFrame:
        """Return the event log in the canonical ``events`` schema, sorted by case and time.

        Touchpoint rows carry ``attrs`` with kind, contact_id, role, persona, channel,
        hidden and the contact's sentiment after it; stage rows carry kind and stage.
        ``include_hidden=False`` drops touchpoints a CRM would never see.
        """
        from workbench.journeys.events import events_frame

        return events_frame(self, include_hidden=include_hidden)
