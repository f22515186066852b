"""Reference journey model: one mesa agent per contact and per account, plain Python.

It applies the same rules as :class:`workbench.journeys.JourneyModel` (touch probability
per stage, touchpoint choice by role, rep hours, engagement and sentiment changes with
weekly decay, stage moves with a health tilt and log-normal dwell times, word of mouth
over the same small-world network), but each agent steps itself with Python's random
module, as a straightforward mesa model would. It exists only to be timed against the
vectorised model in ``bench_journeys.py``.
"""

from __future__ import annotations

import bisect
import math

import mesa

from workbench.journeys import JourneyModel

_ENGAGEMENT_RETENTION = 0.85
_SENTIMENT_RETENTION = 0.95


class ReferenceContact(mesa.Agent):
    """One buying-committee member that steps itself."""

    def __init__(self, model: ReferenceModel, account: ReferenceAccount, role: int,
                 persona: int) -> None:
        super().__init__(model)
        self.account, self.role, self.persona = account, role, persona
        self.engagement, self.sentiment, self.touches = 0.0, 0.0, 0
        self.pending: int | None = None

    def plan(self) -> None:
        """Decide whether a touchpoint happens this step and which one."""
        model, catalogue = self.model, self.model.catalogue
        self.pending = None
        stage = self.account.stage
        if stage < 0 or not self.account.active:
            return
        self.engagement *= _ENGAGEMENT_RETENTION
        self.sentiment *= _SENTIMENT_RETENTION
        if not catalogue.role_has_touchpoints[stage, self.role]:
            return
        if model.random.random() >= 1.0 - math.exp(-catalogue.touch_rate[stage]):
            return
        cumulative = model.choice_lists[stage][self.role]
        point = min(bisect.bisect_right(cumulative, model.random.random()),
                    len(catalogue.touchpoints) - 1)
        self.pending = point
        if catalogue.point_led_by[point] == 0:
            model.demand[self.account.rep] += catalogue.point_hours[point]

    def act(self) -> None:
        """Apply the planned touchpoint if the rep has the hours."""
        if self.pending is None:
            return
        model, catalogue, point = self.model, self.model.catalogue, self.pending
        rep = self.account.rep
        by_rep = catalogue.point_led_by[point] == 0
        if by_rep and model.demand[rep] > model.hours[rep]:
            if model.random.random() >= model.hours[rep] / model.demand[rep]:
                return
        strength = 0.5 + model.skill[rep] if by_rep else 1.0
        self.engagement = min(1.0, max(0.0, self.engagement + strength * float(
            catalogue.point_engagement[point]) * (1.0 - self.engagement)))
        change = strength * float(catalogue.point_sentiment[point]
                                  + catalogue.persona_sentiment[self.persona, point])
        self.sentiment = min(1.0, max(-1.0, self.sentiment + change))
        self.touches += 1
        model.events.append((self.account.unique_id, point, model.time, self.unique_id))


class ReferenceAccount(mesa.Agent):
    """One account that moves itself through the stages."""

    def __init__(self, model: ReferenceModel, segment: int, rep: int) -> None:
        super().__init__(model)
        self.segment, self.rep = segment, rep
        self.stage, self.active, self.adopted = 0, True, False
        self.due, self.next_stage = math.inf, -1
        self.contacts: list[ReferenceContact] = []
        self.neighbours: list[ReferenceAccount] = []

    def health(self) -> float:
        """Committee health in [0, 1]."""
        if not self.contacts:
            return 0.5
        return sum(0.5 * c.engagement + 0.25 * (c.sentiment + 1) for c in self.contacts) / len(
            self.contacts)

    def enter(self, stage: int, when: float) -> None:
        """Enter a stage and draw the next move."""
        model, chain = self.model, self.model.chain
        self.stage = stage
        model.events.append((self.unique_id, -stage - 1, when, -1))
        if stage >= model.adoption_index:
            self.adopted = True
        if chain.terminal[stage]:
            self.active, self.due = False, math.inf
            return
        health = self.health()
        tilt = math.exp(-(2 * health - 1))
        row = chain.probabilities[self.segment, 0, stage]
        weights = [p * tilt if index < len(chain.lost) and chain.lost[index] else p
                   for index, p in enumerate(row)]
        draw, total = model.random.random() * sum(weights), 0.0
        chosen = len(weights) - 1
        for index, weight in enumerate(weights):
            total += weight
            if draw < total:
                chosen = index
                break
        self.next_stage = chosen
        _kind, median, sigma = chain.dwell[(self.segment, stage, -1)]
        dwell = median * math.exp(sigma * model.random.gauss(0, 1))
        dwell *= 1 + 0.5 * min(1, max(0, 1 - 2 * health))
        self.due = when + dwell

    def step(self) -> None:
        """Word of mouth in awareness; otherwise move when the dwell time is over."""
        model = self.model
        if not self.active:
            return
        if self.stage == 0:
            share = (sum(n.adopted for n in self.neighbours) / len(self.neighbours)
                     if self.neighbours else 0.0)
            rate = (model.innovation + model.imitation * share) / 7.0
            if model.random.random() < 1 - math.exp(-rate * 7.0):
                self.enter(1, model.time + model.random.random() * 7.0)
            return
        while self.active and self.due < model.time + 7.0:
            self.enter(self.next_stage, self.due)


class ReferenceModel(mesa.Model):
    """The straightforward mesa implementation, built from a vectorised model's population."""

    def __init__(self, template: JourneyModel, seed: int = 0) -> None:
        super().__init__(seed=seed)
        self.catalogue, self.chain = template.catalogue, template.chain
        self.innovation, self.imitation = template.innovation, template.imitation
        self.adoption_index = template.adoption_index
        self.hours = (template.rep_hours * 1.0).tolist()
        self.skill = template.rep_skill.tolist()
        self.choice_lists = template.catalogue.choice_cumulative.tolist()
        self.time, self.events = 0.0, []
        self.accounts = [ReferenceAccount(self, int(segment), int(rep)) for segment, rep in
                         zip(template.account_segment, template.account_rep, strict=True)]
        self.contacts = []
        for row, account_row in enumerate(template.contact_account):
            account = self.accounts[account_row]
            contact = ReferenceContact(self, account, int(template.contact_role[row]),
                                       int(template.contact_persona[row]))
            account.contacts.append(contact)
            self.contacts.append(contact)
        links = zip(template.neighbour_rows, template.neighbour_cols, strict=True)
        for source, target in links:
            self.accounts[source].neighbours.append(self.accounts[target])
        for account in self.accounts:
            account.enter(0, 0.0)
        self.contact_set = mesa.agent.AgentSet(self.contacts, random=self.random)
        self.account_set = mesa.agent.AgentSet(self.accounts, random=self.random)

    def step(self) -> None:
        """One week: accounts move, contacts plan, reps' hours are shared, contacts act."""
        self.account_set.do("step")
        self.demand = [0.0] * len(self.hours)
        self.contact_set.do("plan")
        self.contact_set.do("act")
        self.time += 7.0
