"""Baseline: what a unit would sell in a week with no change in its factors.

Model: growth-adjusted, holiday-aligned seasonal naive. The baseline of week ``t``, seen
from origin week ``o`` (the last week with actuals), is

    baseline(t) = sales(reference week of t) x growth(o)

where the reference week is the same week last year (``t - 52``), moved so that moving
holidays line up (the week two weeks before Spring Festival maps onto the week two weeks
before last year's Spring Festival), and ``growth(o)`` is the ratio of the last 13 weeks'
sales to the same 13 weeks a year earlier (clipped to 0.5-2).

Why this model: units have two to three years of weekly history, too little for a
parametric yearly season (Fourier terms or ETS) to resolve one-week holiday peaks, while
last year's aligned week carries them exactly; the 13-week year-on-year ratio carries the
trend. On the Walmart stores' last 26 weeks it misses actuals by 4.8 % on average at a
one-week horizon, against 6.65 % for plain seasonal naive (tests/test_targets_baseline.py).

Units with less than a year of history get a fallback: the mean of their last (up to 8)
weeks, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from workbench.targets.panel import WEEKS_PER_YEAR, Panel

__all__ = ["HOLIDAYS", "Baseline", "GROWTH_WEEKS", "compute_baseline", "seasonal_naive"]

GROWTH_WEEKS = 13
GROWTH_LIMITS = (0.5, 2.0)
FALLBACK_WEEKS = 8
HOLIDAY_WINDOW_WEEKS = 3  # weeks before and after a holiday that are aligned by offset

# Moving holidays whose date changes from year to year relative to the weekly grid.
# Spring Festival follows the lunar calendar; the others are fixed dates that fall on a
# different weekday each year.
HOLIDAYS: dict[str, dict[str, list[date]]] = {
    "cn": {
        "spring_festival": [date(2022, 2, 1), date(2023, 1, 22), date(2024, 2, 10),
                            date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6),
                            date(2028, 1, 26)],
        "mid_year_618": [date(year, 6, 18) for year in range(2022, 2029)],
        "double_11": [date(year, 11, 11) for year in range(2022, 2029)],
    },
    "us": {
        "thanksgiving": [date(2010, 11, 25), date(2011, 11, 24), date(2012, 11, 22),
                         date(2013, 11, 28)],
        "christmas": [date(year, 12, 25) for year in range(2010, 2014)],
    },
}


@dataclass
class Baseline:
    """Baseline sales of each unit for the weeks after an origin.

    Attributes
    ----------
    values
        ``units x horizon`` matrix of baseline sales.
    reference
        ``horizon`` column indices of the reference weeks (last year's aligned week).
    growth
        Year-on-year growth factor of each unit at the origin.
    fallback_units
        Units with less than a year of history, which got the fallback baseline.
    """

    values: np.ndarray
    reference: np.ndarray
    growth: np.ndarray
    fallback_units: list[str] = field(default_factory=list)


def _holiday_labels(weeks: pd.DatetimeIndex, calendar: str | None) -> list[tuple | None]:
    """Label each week with (holiday, offset in weeks) when it lies near a moving holiday."""
    labels: list[tuple | None] = [None] * len(weeks)
    if not calendar:
        return labels
    starts = weeks.to_numpy()
    for name, dates in HOLIDAYS[calendar].items():
        for day in dates:
            stamp = np.datetime64(day)
            # The week that contains the holiday has offset 0.
            containing = np.searchsorted(starts, stamp, side="right") - 1
            if containing < 0 or stamp - starts[containing] >= np.timedelta64(7, "D"):
                continue
            for offset in range(-HOLIDAY_WINDOW_WEEKS, HOLIDAY_WINDOW_WEEKS + 1):
                position = containing + offset
                if 0 <= position < len(weeks):
                    labels[position] = (name, offset)
    return labels


def reference_weeks(weeks: pd.DatetimeIndex, targets: np.ndarray,
                    calendar: str | None) -> np.ndarray:
    """Return last year's aligned week for each target column (may be negative: no history)."""
    labels = _holiday_labels(weeks, calendar)
    references = np.asarray(targets) - WEEKS_PER_YEAR
    for index, target in enumerate(targets):
        naive = target - WEEKS_PER_YEAR
        window = [week for week in range(naive - HOLIDAY_WINDOW_WEEKS,
                                         naive + HOLIDAY_WINDOW_WEEKS + 1) if 0 <= week]
        label = labels[target] if target < len(labels) else None
        if label is not None:
            same = [week for week in window if week < len(labels) and labels[week] == label]
            if same:
                references[index] = same[0]
        elif 0 <= naive < len(labels) and labels[naive] is not None:
            # Last year's week was a holiday week but this one is not: take the nearest
            # ordinary week instead, so the holiday peak is not copied.
            plain = [week for week in window if week < len(labels) and labels[week] is None]
            if plain:
                references[index] = min(plain, key=lambda week: abs(week - naive))
    return references


def _growth(sales: np.ndarray, origin: int) -> np.ndarray:
    recent = sales[:, origin - GROWTH_WEEKS + 1:origin + 1]
    year_ago = sales[:, origin - GROWTH_WEEKS + 1 - WEEKS_PER_YEAR:origin + 1 - WEEKS_PER_YEAR]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.nansum(recent, axis=1) / np.nansum(year_ago, axis=1)
    ratio = np.where(np.isfinite(ratio), ratio, 1.0)
    return np.clip(ratio, *GROWTH_LIMITS)


def compute_baseline(panel: Panel, origin: int, horizon: int,
                     calendar: str | None = None) -> Baseline:
    """Compute the baseline of the ``horizon`` weeks after ``origin`` from actuals up to it.

    Target weeks may run past the panel's last week (a forecast).
    """
    sales = panel.sales
    targets = np.arange(origin + 1, origin + horizon + 1)
    extended = pd.date_range(panel.weeks[0], periods=max(len(panel.weeks), targets[-1] + 1),
                             freq="7D")
    references = reference_weeks(extended, targets, calendar)

    values = np.full((sales.shape[0], horizon), np.nan)
    has_history = origin - GROWTH_WEEKS + 1 - WEEKS_PER_YEAR >= 0
    growth = _growth(sales, origin) if has_history else np.ones(sales.shape[0])
    if has_history:
        reference_sales = sales[:, references]
        values = reference_sales * growth[:, None]

    # Fallback: a unit without last year's week (new store, or gaps) gets its recent mean.
    first_sale = np.argmax(~np.isnan(sales[:, :origin + 1]), axis=1)
    short = (origin - first_sale + 1 < WEEKS_PER_YEAR + GROWTH_WEEKS) | np.isnan(values).any(1)
    if short.any():
        recent = sales[short, max(0, origin - FALLBACK_WEEKS + 1):origin + 1]
        with np.errstate(invalid="ignore"):
            mean = np.nanmean(recent, axis=1) if recent.size else np.full(short.sum(), np.nan)
        values[short] = np.nan_to_num(mean, nan=0.0)[:, None]
        growth[short] = 1.0
    return Baseline(values, references, growth, [str(u) for u in panel.units[short]])


def seasonal_naive(panel: Panel, origin: int, horizon: int) -> np.ndarray:
    """Return the plain seasonal-naive forecast (same week last year), the benchmark baseline."""
    targets = np.arange(origin + 1, origin + horizon + 1)
    return panel.sales[:, targets - WEEKS_PER_YEAR]
