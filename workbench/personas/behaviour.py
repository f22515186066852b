"""Behaviour probabilities of a buying-committee contact, given its persona's traits.

The journey simulation reads :func:`behaviour` (or :data:`BEHAVIOUR_MODEL`) to decide how
a contact reacts to a touchpoint. Each probability is a logistic function of the traits
(each 0-1)::

    p = 1 / (1 + exp(-(intercept + sum(weight[trait] * (trait - 0.5)))))

Centring the traits on 0.5 makes the intercept the log-odds of a contact whose traits are
all average, so ``intercept`` alone sets the base rate and each weight says how far one
trait moves it. The weights are judgement, set so that the direction of each effect
follows the sales literature on buyer types (risk-averse buyers delay and ask for proof,
powerful buyers decide, impatient buyers go silent); they are not fitted to data.

Behaviours, each a probability per touchpoint, with base rate and strongest effects:

- ``respond`` (replies to outreach), base 0.55: extraversion +, agreeableness +,
  kpi_pressure +.
- ``accept_meeting`` (accepts a meeting request), base 0.40: openness +, kpi_pressure +,
  patience +.
- ``raise_objection`` (raises an objection in a meeting), base 0.45: risk_aversion +,
  price_sensitivity +, agreeableness -.
- ``request_detail`` (asks for documents, specs or a demo), base 0.35:
  detail_orientation +, conscientiousness +.
- ``delay_decision`` (postpones a decision step), base 0.30: risk_aversion +,
  neuroticism +, decision_power -.
- ``advance_stage`` (agrees to move the deal one stage on), base 0.25: decision_power +,
  kpi_pressure +, risk_aversion -.
- ``champion`` (argues for the deal inside the buying committee), base 0.20:
  extraversion +, openness +, agreeableness +.
- ``go_silent`` (stops answering for a while), base 0.10: patience -, agreeableness -,
  neuroticism +.
"""

from __future__ import annotations

import math

from workbench.personas.library import TRAITS, Persona, load_persona

__all__ = ["BEHAVIOURS", "BEHAVIOUR_MODEL", "behaviour"]

# behaviour -> (base probability, {trait: weight on the log-odds scale})
BEHAVIOUR_MODEL: dict[str, tuple[float, dict[str, float]]] = {
    "respond": (0.55, {"extraversion": 1.2, "agreeableness": 0.8, "kpi_pressure": 0.6,
                       "patience": 0.4}),
    "accept_meeting": (0.40, {"openness": 1.0, "kpi_pressure": 0.8, "patience": 0.6,
                              "risk_aversion": -0.4}),
    "raise_objection": (0.45, {"risk_aversion": 1.4, "price_sensitivity": 1.0,
                               "detail_orientation": 0.6, "agreeableness": -0.8}),
    "request_detail": (0.35, {"detail_orientation": 2.0, "conscientiousness": 0.8,
                              "risk_aversion": 0.6}),
    "delay_decision": (0.30, {"risk_aversion": 1.6, "neuroticism": 0.8,
                              "price_sensitivity": 0.6, "decision_power": -1.0,
                              "kpi_pressure": -0.6}),
    "advance_stage": (0.25, {"decision_power": 1.6, "kpi_pressure": 0.8, "openness": 0.6,
                             "risk_aversion": -1.2}),
    "champion": (0.20, {"extraversion": 1.4, "openness": 1.0, "agreeableness": 0.8,
                        "risk_aversion": -0.6}),
    "go_silent": (0.10, {"patience": -1.6, "agreeableness": -0.8, "neuroticism": 0.8}),
}
BEHAVIOURS = tuple(BEHAVIOUR_MODEL)


def behaviour(persona: Persona | str | dict[str, float]) -> dict[str, float]:
    """Return the probability of each behaviour in :data:`BEHAVIOURS` for a persona.

    Parameters
    ----------
    persona
        A persona, a built-in persona id, or a mapping of traits (missing traits count
        as 0.5, the average).
    """
    if isinstance(persona, str):
        persona = load_persona(persona)
    traits = persona.traits if isinstance(persona, Persona) else dict(persona)
    unknown = set(traits) - set(TRAITS)
    if unknown:
        raise ValueError(f"unknown traits {sorted(unknown)}: use names from {', '.join(TRAITS)}")
    probabilities = {}
    for name, (base, weights) in BEHAVIOUR_MODEL.items():
        log_odds = math.log(base / (1 - base))
        log_odds += sum(weight * (traits.get(trait, 0.5) - 0.5)
                        for trait, weight in weights.items())
        probabilities[name] = 1 / (1 + math.exp(-log_odds))
    return probabilities
