"""The weekly panel the target sandbox works on: units x weeks of sales and signals.

Sales of all categories are summed per unit and week. Weeks form a complete 7-day grid from
the first to the last week in the data, so ``t - 52`` is always the same week last year;
weeks without a sales row are NaN.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.data import Workspace
from workbench.errors import WorkbenchError

__all__ = ["WEEKS_PER_YEAR", "Panel", "load_panel"]

WEEKS_PER_YEAR = 52


@dataclass
class Panel:
    """Weekly sales and signals of a set of units on a common week grid.

    Attributes
    ----------
    units
        Unit ids, the row order of every matrix.
    weeks
        Week starts, the column order of every matrix (7 days apart, no gaps).
    sales
        ``len(units) x len(weeks)`` float matrix; NaN where no sales were recorded.
    signals
        Signal name to a matrix of the same shape; NaN where the signal is missing.
    regions
        Region of each unit (empty string where unknown).
    """

    units: np.ndarray
    weeks: pd.DatetimeIndex
    sales: np.ndarray
    signals: dict[str, np.ndarray] = field(default_factory=dict)
    regions: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.regions is None:
            self.regions = np.full(len(self.units), "", dtype=object)

    @property
    def shape(self) -> tuple[int, int]:
        """Number of units and number of weeks."""
        return self.sales.shape

    def week_index(self, week: str | pd.Timestamp) -> int:
        """Return the column of ``week``.

        Raises
        ------
        WorkbenchError
            ``targets.unknown_week`` if ``week`` is not on the grid.
        """
        stamp = pd.Timestamp(week)
        position = self.weeks.get_indexer([stamp])[0]
        if position < 0:
            raise WorkbenchError("targets.unknown_week", week=stamp.date().isoformat(),
                                 first=self.weeks[0].date().isoformat(),
                                 last=self.weeks[-1].date().isoformat())
        return int(position)

    def subset(self, mask: np.ndarray) -> Panel:
        """Return the panel restricted to the units where ``mask`` is true."""
        return Panel(self.units[mask], self.weeks, self.sales[mask],
                     {name: values[mask] for name, values in self.signals.items()},
                     self.regions[mask])


def _grid(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.date_range(first, last, freq="7D")


def panel_from_frames(sales: pd.DataFrame, signals: pd.DataFrame | None = None,
                      units: pd.DataFrame | None = None) -> Panel:
    """Build a :class:`Panel` from canonical ``sales``, ``signals`` and ``units`` frames.

    Raises
    ------
    WorkbenchError
        ``targets.no_sales`` when there are no sales rows.
    """
    if sales.empty:
        raise WorkbenchError("targets.no_sales")
    sales = sales.assign(week_start=pd.to_datetime(sales["week_start"]))
    weekly = sales.groupby(["unit_id", "week_start"], sort=True)["sales"].sum()
    unit_ids = np.array(sorted(weekly.index.get_level_values(0).unique()), dtype=object)
    weeks = _grid(weekly.index.get_level_values(1).min(), weekly.index.get_level_values(1).max())
    matrix = _to_matrix(weekly, unit_ids, weeks)

    signal_matrices = {}
    if signals is not None and not signals.empty:
        signals = signals.assign(week_start=pd.to_datetime(signals["week_start"]))
        for name, rows in signals.groupby("signal", sort=True):
            series = rows.groupby(["unit_id", "week_start"])["value"].mean()
            signal_matrices[str(name)] = _to_matrix(series, unit_ids, weeks)

    regions = np.full(len(unit_ids), "", dtype=object)
    if units is not None and not units.empty:
        region_of = units.set_index("unit_id")["region"].dropna().to_dict()
        regions = np.array([region_of.get(unit, "") for unit in unit_ids], dtype=object)
    return Panel(unit_ids, weeks, matrix, signal_matrices, regions)


def _to_matrix(series: pd.Series, unit_ids: np.ndarray, weeks: pd.DatetimeIndex) -> np.ndarray:
    """Spread a (unit_id, week_start) series onto the grid; off-grid weeks are dropped."""
    row = pd.Index(unit_ids).get_indexer(series.index.get_level_values(0))
    column = weeks.get_indexer(series.index.get_level_values(1))
    keep = (row >= 0) & (column >= 0)
    matrix = np.full((len(unit_ids), len(weeks)), np.nan)
    matrix[row[keep], column[keep]] = series.to_numpy()[keep]
    return matrix


def load_panel(workspace: Workspace) -> Panel:
    """Read the sales, signals and units tables of ``workspace`` into a :class:`Panel`."""
    return panel_from_frames(workspace.table("sales"), workspace.table("signals"),
                             workspace.table("units"))
