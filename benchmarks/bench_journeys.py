"""Journey simulation throughput: contact-weeks per second against a one-agent-per-contact
mesa implementation of the same rules (``journeys_reference.py``), measured in one run.

The vectorised model simulates ``--accounts`` accounts x ``--contacts`` contacts for
``--weeks`` weeks with its event log recorded. The reference steps a smaller population
(``--reference-accounts``, default 2,000) for the same weeks, because at about 0.2 million
contact-weeks per second it would take minutes on the full one; both rates are per
contact-week, so the ratio compares like with like. Set-up (building agents) is timed
apart from stepping. Targets: at least 2 million contact-weeks per second and at least
10 times the reference.

Usage: python benchmarks/bench_journeys.py [--accounts 20000] [--contacts 5] [--weeks 52]
"""

import argparse
import json
import os
import platform
import time

from workbench.journeys import JourneyModel

try:
    from benchmarks.journeys_reference import ReferenceModel
except ModuleNotFoundError:  # run as a script, so benchmarks/ itself is on sys.path
    from journeys_reference import ReferenceModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--reference-accounts", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=42)
    arguments = parser.parse_args()

    started = time.perf_counter()
    model = JourneyModel(accounts=arguments.accounts, contacts_per_account=arguments.contacts,
                         seed=arguments.seed)
    setup = time.perf_counter() - started
    started = time.perf_counter()
    for _week in range(arguments.weeks):
        model.step()
    stepping = time.perf_counter() - started
    contact_weeks = len(model.contact_ids) * arguments.weeks

    template = JourneyModel(accounts=arguments.reference_accounts,
                            contacts_per_account=arguments.contacts, seed=arguments.seed)
    started = time.perf_counter()
    reference = ReferenceModel(template, seed=arguments.seed)
    reference_setup = time.perf_counter() - started
    started = time.perf_counter()
    for _week in range(arguments.weeks):
        reference.step()
    reference_stepping = time.perf_counter() - started
    reference_contact_weeks = len(reference.contacts) * arguments.weeks

    rate = contact_weeks / stepping
    reference_rate = reference_contact_weeks / reference_stepping
    print(json.dumps({
        "benchmark": "journeys",
        "accounts": arguments.accounts, "contacts": len(model.contact_ids),
        "weeks": arguments.weeks, "events": len(model.events),
        "setup_seconds": round(setup, 3), "step_seconds": round(stepping, 3),
        "contact_weeks_per_second": round(rate),
        "reference_accounts": arguments.reference_accounts,
        "reference_events": len(reference.events),
        "reference_setup_seconds": round(reference_setup, 3),
        "reference_step_seconds": round(reference_stepping, 3),
        "reference_contact_weeks_per_second": round(reference_rate),
        "ratio": round(rate / reference_rate, 1),
        "won_share": round(float((model.account_outcome() == 1).mean()), 4),
        "cpus": os.cpu_count(), "python": platform.python_version(),
    }, indent=2))


if __name__ == "__main__":
    main()
