"""Journeys room: a mesa model of purchase journeys and the tools around it.

The model, its event log, the health score, early-warning rules, calibration on real
logs, the Bass docking and the process map.
"""

from workbench.journeys.bass import bass_cumulative, simulate_bass
from workbench.journeys.calibration import (
    Calibration,
    calibrate,
    compare,
    ks_distance,
    milestone_activities,
    simulate,
)
from workbench.journeys.catalogue import Catalogue, default_catalogue, load_catalogue
from workbench.journeys.chain import StageChain
from workbench.journeys.events import log_hash, read_log, store_run, validate_log
from workbench.journeys.health import HealthWeights, explain, health_scores
from workbench.journeys.model import AccountAgent, ContactAgent, JourneyModel, RepAgent
from workbench.journeys.population import Population
from workbench.journeys.process_map import directly_follows, wait_matrix
from workbench.journeys.rules import (
    RuleSet,
    evaluate_rules,
    load_rules,
    parse_rules,
    score_early_warning,
)

__all__ = [
    "AccountAgent",
    "Calibration",
    "Catalogue",
    "ContactAgent",
    "HealthWeights",
    "JourneyModel",
    "Population",
    "RepAgent",
    "RuleSet",
    "StageChain",
    "bass_cumulative",
    "calibrate",
    "compare",
    "default_catalogue",
    "directly_follows",
    "evaluate_rules",
    "explain",
    "health_scores",
    "ks_distance",
    "load_catalogue",
    "load_rules",
    "log_hash",
    "milestone_activities",
    "parse_rules",
    "read_log",
    "score_early_warning",
    "simulate",
    "simulate_bass",
    "store_run",
    "validate_log",
    "wait_matrix",
]
