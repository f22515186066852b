"""Who takes part in a simulation: accounts, their buying committees, and the reps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.journeys.catalogue import Catalogue

__all__ = ["Population"]

# Share of accounts per segment and of contacts per role in synthetic populations; the
# shares follow the demo company's committees (an economic buyer in every account).
_SEGMENT_SHARES = (0.35, 0.40, 0.25)
_SYNTHETIC_ROLE_SHARES = (0.0, 0.30, 0.30, 0.25, 0.15)
_REP_HOURS = (30, 45)
_REP_SKILL = (0.30, 0.95)


@dataclass
class Population:
    """Accounts, contacts and reps as DataFrames.

    ``accounts``: account_id, segment, size, budget, rep_id. ``contacts``: contact_id,
    account_id, role, persona (sorted by account). ``reps``: rep_id, hours_per_week, skill.
    """

    accounts: pd.DataFrame
    contacts: pd.DataFrame
    reps: pd.DataFrame

    @classmethod
    def synthetic(cls, catalogue: Catalogue, accounts: int = 300, contacts_per_account: int = 5,
                  reps: int | None = None, seed: int | np.random.Generator | None = None
                  ) -> Population:
        """Draw a population: each committee has an economic buyer and random other roles."""
        rng = np.random.default_rng(seed)
        rep_count = reps or max(1, accounts // 15)
        rep_ids = np.array([f"R{number:04d}" for number in range(1, rep_count + 1)])
        segment_shares = np.resize(np.array(_SEGMENT_SHARES), len(catalogue.segments))
        segments = rng.choice(len(catalogue.segments), size=accounts,
                              p=segment_shares / segment_shares.sum())
        size = np.clip(np.round(rng.lognormal(np.log(300), 1.1, accounts)), 10, 50_000)
        account_frame = pd.DataFrame({
            "account_id": [f"A{number:05d}" for number in range(1, accounts + 1)],
            "segment": np.array(catalogue.segments)[segments],
            "size": size,
            "budget": np.round(size * rng.uniform(500, 3000, accounts), -3),
            "rep_id": rep_ids[rng.integers(0, rep_count, accounts)],
        })

        roles = np.array(catalogue.roles)
        role_shares = np.resize(np.array(_SYNTHETIC_ROLE_SHARES), len(roles))
        if role_shares.sum() == 0:
            role_shares = np.ones(len(roles))
        other_roles = rng.choice(len(roles), size=(accounts, max(contacts_per_account - 1, 0)),
                                 p=role_shares / role_shares.sum())
        role_index = np.concatenate([np.zeros((accounts, 1), dtype=int), other_roles], axis=1)
        role_index = role_index[:, :contacts_per_account].ravel()
        personas = [name for name in catalogue.persona_ids if name != "default"] or ["default"]
        contact_count = accounts * contacts_per_account
        contact_frame = pd.DataFrame({
            "contact_id": [f"C{number:06d}" for number in range(1, contact_count + 1)],
            "account_id": np.repeat(account_frame["account_id"].to_numpy(),
                                    contacts_per_account),
            "role": roles[role_index] if contact_count else np.array([], dtype=str),
            "persona": np.array(personas)[rng.integers(0, len(personas), contact_count)],
        })
        rep_frame = pd.DataFrame({
            "rep_id": rep_ids,
            "hours_per_week": rng.integers(_REP_HOURS[0], _REP_HOURS[1] + 1, rep_count)
                                 .astype(float),
            "skill": np.round(rng.uniform(*_REP_SKILL, rep_count), 2),
        })
        return cls(account_frame, contact_frame, rep_frame)

    @classmethod
    def from_workspace(cls, workspace, seed: int | np.random.Generator | None = None
                       ) -> Population:
        """Read accounts, contacts and reps from a workspace (the demo company's, say).

        Accounts get a rep drawn at random (seeded) because the canonical tables do not
        assign one. Missing skill or hours default to 0.6 and 40.
        """
        rng = np.random.default_rng(seed)
        accounts = workspace.sql(
            "SELECT account_id, segment, size, budget FROM accounts ORDER BY account_id")
        contacts = workspace.sql(
            "SELECT contact_id, account_id, role, persona FROM contacts "
            "ORDER BY account_id, contact_id")
        reps = workspace.sql("SELECT rep_id, hours_per_week, skill FROM reps ORDER BY rep_id")
        if reps.empty:
            reps = pd.DataFrame({"rep_id": ["R0001"], "hours_per_week": [40.0], "skill": [0.6]})
        reps["hours_per_week"] = reps["hours_per_week"].fillna(40.0).astype(float)
        reps["skill"] = reps["skill"].fillna(0.6).astype(float)
        accounts["rep_id"] = reps["rep_id"].to_numpy()[
            rng.integers(0, len(reps), len(accounts))]
        return cls(accounts, contacts, reps)
