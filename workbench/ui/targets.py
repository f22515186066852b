"""Target sandbox views: weight sliders, targets with their band, explanations and plans.

:class:`TargetSandbox` is the strategist's view. It has one slider per factor weight, a
unit or region filter, targets against history with the P10-P90 band, the contribution
waterfall of one week, the resource plan before and after, and a button that fits the
weights to history. :class:`TargetDashboard` is the manager's view: the same sliders and targets,
attainment of recent weeks, the backtest's deviation trend of static and dynamic targets,
the resource plan, and the overrides beside the algorithm's value with a form to add one.

Both views read the workspace read-only and close it at once, because a DuckDB file admits
one writer process. Only saving an override opens it for writing, for that one insert.
Calibration runs once when a view opens (and again when the horizon or fitted weights
change), so a slider release only re-evaluates the weights, which takes milliseconds.
"""

from __future__ import annotations

import html
import json
import logging
import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ipywidgets as widgets
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench.data import Workspace, default_workspace
from workbench.errors import WorkbenchError
from workbench.i18n import t
from workbench.targets.backtest import BacktestResult, backtest
from workbench.targets.factors import FactorSet, load_factor_set, normalize_weights
from workbench.targets.fit import WeightFit, fit_weights
from workbench.targets.model import TargetModel, TargetResult, calibrate
from workbench.targets.overrides import ROLES, add_override, list_overrides
from workbench.targets.panel import Panel, load_panel
from workbench.targets.plan import ResourcePlan, plan_resources
from workbench.ui.widgets import LanguageSwitch

__all__ = ["TargetDashboard", "TargetSandbox"]

logger = logging.getLogger(__name__)

_PLOTLY_MIME = "application/vnd.plotly.v1+json"

ALL_UNITS = "all"
HISTORY_WEEKS = 52
ATTAINMENT_WEEKS = 8
BACKTEST_WEEKS = 26

# Starting values of the resource plan, meant to be edited: a promotion budget of 2 % of
# the baseline sales of the horizon, and 40 rep hours per unit and week.
BUDGET_SHARE_OF_BASELINE = 0.02
HOURS_PER_UNIT_WEEK = 40.0

_STATUS_OF_ERROR = {"workspace.not_found": "missing", "workspace.locked": "locked"}

_STYLE = """<style>
.wb-targets table.wb-grid { border-collapse: collapse; margin: 4px 0 12px 0; }
.wb-targets table.wb-grid th, .wb-targets table.wb-grid td {
  padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
.wb-targets table.wb-grid td.wb-num, .wb-targets table.wb-grid th.wb-num {
  text-align: right; font-variant-numeric: tabular-nums; }
.wb-targets .wb-message { padding: 8px 12px; border-left: 4px solid #d9822b;
  background: #fff8ef; margin: 4px 0; }
.wb-targets .wb-ok { padding: 8px 12px; border-left: 4px solid #2b8a3e;
  background: #f1faf3; margin: 4px 0; }
.wb-targets .wb-target-total { font-size: 1.15em; }
.wb-targets .wb-target-share { min-width: 64px; text-align: right;
  font-variant-numeric: tabular-nums; }
</style>"""


@dataclass
class _Data:
    """Panel, unit names and overrides, read from the workspace in one read-only visit."""

    panel: Panel
    names: dict[str, str]
    overrides: pd.DataFrame


class _TargetView:
    """Loading, language, sliders, filter, targets chart and resource plan of both views."""

    _css_class = "wb-targets"

    def __init__(self, workspace: str | os.PathLike | None, factor_set: str | FactorSet | None,
                 horizon: int, lang: str | None, switch: LanguageSwitch | None,
                 budget: float | None, hours: float | None) -> None:
        self.path = Path(workspace if workspace is not None else default_workspace())
        self.path = self.path.expanduser().absolute()
        self.switch = switch if switch is not None else LanguageSwitch(lang)
        self.horizon = horizon
        self.status = "missing"
        self.selection = ALL_UNITS
        self.data: _Data | None = None
        self.model: TargetModel | None = None
        self.result: TargetResult | None = None
        self.plan: ResourcePlan | None = None
        self.figure = go.Figure()
        self._error: Exception | None = None
        self._weights_error: WorkbenchError | None = None
        self._plan_error: WorkbenchError | None = None
        self._quiet = False

        self._factor_set_error: WorkbenchError | None = None
        try:
            # Without a named set, WORKBENCH_FACTOR_SET lets `workbench serve` pick one.
            if factor_set is None:
                factor_set = os.environ.get("WORKBENCH_FACTOR_SET", "demo")
            self.factor_set = (factor_set if isinstance(factor_set, FactorSet)
                               else load_factor_set(factor_set))
        except WorkbenchError as error:
            self.factor_set = None
            self._factor_set_error = error
        self.default_factor_set = self.factor_set

        self._build_widgets()
        self._load()
        if self.status == "ok":
            self._init_plan_inputs(budget, hours)
            self._recompute()
        self.switch.on_change(self.render)
        self.render()

    @property
    def lang(self) -> str:
        """Language the view is rendered in."""
        return self.switch.lang

    @property
    def weights(self) -> np.ndarray:
        """Slider values in factor order, as dragged (not yet scaled to sum to 100)."""
        return np.array([slider.value for slider in self.sliders], dtype=float)

    def set_weights(self, weights: Mapping[str, float] | Sequence[float]) -> None:
        """Move the sliders to ``weights`` and recompute the targets once.

        ``weights`` is a sequence in factor order or a mapping from factor name to
        weight; factors missing from a mapping keep their slider value.

        Raises
        ------
        WorkbenchError
            For a negative, NaN or all-zero set of weights or a count that does not
            match the factors; the sliders are left as they were.
        """
        names = self.factor_set.names
        if isinstance(weights, Mapping):
            unknown = sorted(set(weights) - set(names))
            if unknown:
                raise WorkbenchError("targets.weights_count", given=len(weights),
                                     expected=len(names))
            values = [float(weights.get(name, slider.value))
                      for name, slider in zip(names, self.sliders, strict=True)]
        else:
            values = [float(value) for value in weights]
        normalize_weights(values, names)
        self._move_sliders(values)
        self._recompute()

    def select(self, selection: str) -> None:
        """Show ``all``, one region (``region:<name>``) or one unit (``unit:<id>``)."""
        self.filter.value = selection

    def frame(self) -> pd.DataFrame:
        """Return the current targets of the selected units, one row per unit and week."""
        if self.result is None:
            return pd.DataFrame()
        frame = self.model.frame(self.result, self.lang)
        units = set(self.data.panel.units[self._mask()])
        return frame[frame["unit_id"].isin(units)].reset_index(drop=True)

    def render(self, lang: str | None = None) -> None:
        """Re-render every text, table and chart in ``lang`` (default: the switch's)."""
        lang = lang or self.lang
        self.title.value = f"<h2>{_escape(t(self._title_key, lang))}</h2>"
        ok = self.status == "ok"
        self.message.value = "" if ok else self._status_html(lang)
        self.message.layout.display = "none" if ok else None
        self.details.layout.display = None if ok else "none"
        if not ok:
            return

        self._render_static_texts(lang)
        self._render_results(lang)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    # Loading ------------------------------------------------------------------------

    def _load(self) -> None:
        if self.factor_set is None:
            self.status, self._error = "error", self._factor_set_error
            return
        self.data, self.status, self._error = _read_data(self.path)
        if self.status != "ok":
            return
        try:
            self.model = calibrate(self.data.panel, self.factor_set, horizon=self.horizon)
        except WorkbenchError as error:
            self.status, self._error = "error", error
            return
        self._build_sliders()
        self._fill_filter()

    # Widgets ------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.title = _html("wb-title")
        header = widgets.HBox(
            [self.title, self.switch.widget],
            layout=widgets.Layout(align_items="center", justify_content="space-between"),
        )
        self.message = _html("wb-status")
        self.workspace_line = _html("wb-workspace")
        self.warnings = _html("wb-target-warnings")

        self.filter = widgets.Dropdown(layout=widgets.Layout(width="360px"))
        self.filter.add_class("wb-target-filter")
        self.filter.observe(self._on_filter_change, names="value")

        self.weights_heading = _html("wb-heading")
        self.sliders: list[widgets.FloatSlider] = []
        self.shares: list[widgets.HTML] = []
        self.slider_box = widgets.VBox()
        self.weights_message = _html("wb-target-weights-message")

        self.total = _html("wb-target-total")
        self.chart = _output("wb-target-chart")
        self.targets_heading = _html("wb-heading")
        self.targets_table = _html("wb-target-table")

        self.plan_heading = _html("wb-heading")
        self.budget_input = widgets.FloatText(layout=widgets.Layout(width="300px"))
        self.budget_input.add_class("wb-plan-budget")
        self.hours_input = widgets.FloatText(layout=widgets.Layout(width="300px"))
        self.hours_input.add_class("wb-plan-hours")
        for field in (self.budget_input, self.hours_input):
            field.style = {"description_width": "140px"}
            field.observe(self._on_plan_input, names="value")
        self.plan_summary = _html("wb-plan-summary")
        self.plan_table = _html("wb-plan-table")

        self.details = widgets.VBox(self._detail_children())
        self.widget = widgets.VBox([widgets.HTML(_STYLE), header, self.message, self.details])
        self.widget.add_class(self._css_class)
        self.widget.add_class(f"{self._css_class}-{type(self).__name__.lower()}")

    def _detail_children(self) -> list[widgets.Widget]:
        return [
            self.workspace_line, self.warnings, self.filter,
            self.weights_heading, self.slider_box, self.weights_message,
            self.total, self.chart, self.targets_heading, self.targets_table,
            self.plan_heading, widgets.HBox([self.budget_input, self.hours_input]),
            self.plan_summary, self.plan_table,
        ]

    def _build_sliders(self) -> None:
        self.sliders, self.shares, rows = [], [], []
        for factor, weight in zip(self.factor_set.factors, self.factor_set.default_weights,
                                  strict=True):
            # continuous_update=False: the value reaches the kernel once, when the handle
            # is released, so a drag never queues one recomputation per pixel.
            slider = widgets.FloatSlider(
                value=round(float(weight), 1), min=0.0, max=100.0, step=0.5,
                continuous_update=False, readout_format=".1f",
                style={"description_width": "170px"}, layout=widgets.Layout(width="460px"),
            )
            slider.add_class("wb-target-slider")
            slider.add_class(f"wb-factor-{factor.name}")
            slider.observe(self._on_weight_change, names="value")
            share = _html("wb-target-share")
            share.add_class(f"wb-share-{factor.name}")
            self.sliders.append(slider)
            self.shares.append(share)
            rows.append(widgets.HBox([slider, share],
                                     layout=widgets.Layout(align_items="center")))
        self.slider_box.children = rows

    def _fill_filter(self, lang: str | None = None) -> None:
        """Fill the filter's options in ``lang`` and keep the current selection."""
        lang = lang or self.lang
        panel = self.data.panel
        options = [(t("ui.targets.filter.all", lang, count=len(panel.units)), ALL_UNITS)]
        for region in sorted(set(panel.regions) - {""}):
            count = int(np.sum(panel.regions == region))
            options.append((t("ui.targets.filter.region", lang, region=region, count=count),
                            f"region:{region}"))
        for unit in panel.units:
            options.append((_unit_label(unit, self.data.names), f"unit:{unit}"))
        quiet, self._quiet = self._quiet, True
        try:
            self.filter.options = options
            self.filter.value = self.selection
        finally:
            self._quiet = quiet

    def _init_plan_inputs(self, budget: float | None, hours: float | None) -> None:
        if budget is None:
            baseline_total = float(np.nansum(self.model.baseline))
            budget = round(baseline_total * BUDGET_SHARE_OF_BASELINE, -3)
        if hours is None:
            hours = HOURS_PER_UNIT_WEEK * len(self.data.panel.units) * self.model.horizon
        quiet, self._quiet = self._quiet, True
        try:
            self.budget_input.value = float(budget)
            self.hours_input.value = float(hours)
        finally:
            self._quiet = quiet

    def _move_sliders(self, values: Sequence[float]) -> None:
        quiet, self._quiet = self._quiet, True
        try:
            for slider, value in zip(self.sliders, values, strict=True):
                slider.value = round(float(value), 1)
        finally:
            self._quiet = quiet

    # Events -------------------------------------------------------------------------

    def _on_weight_change(self, _change: dict) -> None:
        if self._quiet:
            return
        # The shares are sent first: they reach the browser before the charts, so the
        # slider benchmark can time a trivial round trip on the same release.
        self._render_shares(self.lang)
        self._recompute()
        self._render_results(self.lang)

    def _on_filter_change(self, change: dict) -> None:
        if self._quiet or change["new"] is None:
            return
        self.selection = change["new"]
        self._on_selection_change()
        self._render_results(self.lang)

    def _on_selection_change(self) -> None:
        """Update the parts that a subclass shows per selection (none here)."""

    def _on_plan_input(self, _change: dict) -> None:
        if self._quiet or self.result is None:
            return
        self._replan()
        self._render_plan(self.lang)

    # Computation --------------------------------------------------------------------

    def _recompute(self) -> None:
        """Evaluate the sliders' weights; invalid weights keep the last valid targets."""
        try:
            self.result = self.model.evaluate(self.weights)
        except WorkbenchError as error:
            self._weights_error = error
            return
        self._weights_error = None
        self._replan()

    def _recalibrate(self) -> None:
        self.model = calibrate(self.data.panel, self.factor_set, horizon=self.horizon)
        self._recompute()

    def _replan(self) -> None:
        try:
            self.plan = plan_resources(self.model, self.result,
                                       budget=float(self.budget_input.value),
                                       hours=float(self.hours_input.value))
        except WorkbenchError as error:
            self._plan_error = error
            return
        self._plan_error = None

    def _mask(self) -> np.ndarray:
        return _selection_mask(self.data.panel, self.selection)

    # Rendering ----------------------------------------------------------------------

    _title_key = "ui.targets.sandbox.title"

    def _render_static_texts(self, lang: str) -> None:
        self.workspace_line.value = _escape(
            t("ui.targets.workspace", lang, path=self.path,
              factor_set=self.factor_set.name, origin=_date(self.data.panel.weeks[
                  self.model.origin]), horizon=self.model.horizon))
        self.warnings.value = _messages_html(
            [_message_text(key, params, lang) for key, params in self.model.warnings])
        self._fill_filter(lang)
        self.filter.description = t("ui.targets.filter.label", lang)
        self.weights_heading.value = _heading(t("ui.targets.weights.heading", lang))
        for factor, slider in zip(self.factor_set.factors, self.sliders, strict=True):
            slider.description = factor.title(lang)
        self.targets_heading.value = _heading(t("ui.targets.table.heading", lang))
        self.plan_heading.value = _heading(t("ui.targets.plan.heading", lang))
        self.budget_input.description = t("ui.targets.plan.budget", lang)
        self.hours_input.description = t("ui.targets.plan.hours", lang)

    def _render_results(self, lang: str) -> None:
        """Render everything that depends on the weights or the selection."""
        if self.result is None:
            return
        self._render_shares(lang)
        self._render_total(lang)
        self._render_chart(lang)
        self.targets_table.value = self._targets_table_html(lang)
        self._render_plan(lang)

    def _render_shares(self, lang: str) -> None:
        total = self.weights.sum()
        for share, value in zip(self.shares, self.weights, strict=True):
            percent = 100.0 * value / total if total > 0 else 0.0
            share.value = _escape(t("ui.targets.weights.share", lang, percent=percent))
        if self._weights_error is not None or total <= 0:
            error = self._weights_error or WorkbenchError("targets.weights_zero")
            self.weights_message.value = _messages_html([_error_text(error, lang)])
        else:
            self.weights_message.value = ""

    def _render_total(self, lang: str) -> None:
        mask = self._mask()
        target = float(np.nansum(self.result.target[mask]))
        baseline = float(np.nansum(self.model.baseline[mask]))
        change = 100.0 * (target / baseline - 1.0) if baseline > 0 else 0.0
        text = t("ui.targets.total", lang, selection=self._selection_label(lang),
                 weeks=self.model.horizon, target=target, baseline=baseline, change=change)
        self.total.value = f'<p class="wb-total-text">{_escape(text)}</p>'

    def _render_chart(self, lang: str) -> None:
        mask = self._mask()
        panel, model, result = self.data.panel, self.model, self.result
        first = max(model.origin - HISTORY_WEEKS + 1, 0)
        history_weeks = panel.weeks[first:model.origin + 1]
        history = _sum_rows(panel.sales[mask, first:model.origin + 1])
        weeks = list(model.weeks)
        p10 = _sum_rows(result.p10[mask])
        p90 = _sum_rows(result.p90[mask])
        self.figure = go.Figure(
            [
                go.Scatter(x=list(history_weeks), y=history, mode="lines",
                           name=t("ui.targets.chart.actual", lang),
                           line={"color": "#4c6a92"}),
                # The band is drawn as P10 and then P90 filled down to it.
                # NOTE: for a region or all units the band is the sum of the units'
                # P10 and P90, which is wider than the aggregate's own quantiles unless
                # the units' errors move together.
                go.Scatter(x=weeks, y=p10, mode="lines", line={"width": 0},
                           name=t("ui.targets.chart.p10", lang), showlegend=False,
                           hoverinfo="skip"),
                go.Scatter(x=weeks, y=p90, mode="lines", line={"width": 0},
                           fill="tonexty", fillcolor="rgba(217,130,43,0.2)",
                           name=t("ui.targets.chart.band", lang)),
                go.Scatter(x=weeks, y=_sum_rows(model.baseline[mask]), mode="lines",
                           name=t("ui.targets.chart.baseline", lang),
                           line={"color": "#888888", "dash": "dash"}),
                go.Scatter(x=weeks, y=_sum_rows(result.target[mask]), mode="lines+markers",
                           name=t("ui.targets.chart.target", lang),
                           line={"color": "#d9822b"}),
            ],
            layout={"title": {"text": t("ui.targets.chart.title", lang,
                                        selection=self._selection_label(lang))},
                    "xaxis": {"title": {"text": t("ui.targets.chart.x", lang)}},
                    "yaxis": {"title": {"text": t("ui.targets.chart.y", lang)}},
                    "height": 380, "margin": {"t": 48, "b": 48, "l": 72, "r": 16},
                    "legend": {"orientation": "h", "y": -0.2}},
        )
        _show_figure(self.chart, self.figure, t("ui.targets.chart.title", lang,
                                                selection=self._selection_label(lang)))

    def _targets_table_html(self, lang: str) -> str:
        mask = self._mask()
        baseline = _sum_rows(self.model.baseline[mask])
        target = _sum_rows(self.result.target[mask])
        p10 = _sum_rows(self.result.p10[mask])
        p90 = _sum_rows(self.result.p90[mask])
        headers = [t(f"ui.targets.col.{name}", lang)
                   for name in ("week", "baseline", "target", "change", "p10", "p90")]
        rows = []
        for position, week in enumerate(self.model.weeks):
            change = 100.0 * (target[position] / baseline[position] - 1.0) if (
                baseline[position] > 0) else 0.0
            cells = [
                _cell(_date(week), "wb-week"),
                _cell(_amount(baseline[position]), "wb-num wb-baseline"),
                _cell(_amount(target[position]), "wb-num wb-target"),
                _cell(t("ui.targets.percent_change", lang, change=change), "wb-num"),
                _cell(_amount(p10[position]), "wb-num wb-p10"),
                _cell(_amount(p90[position]), "wb-num wb-p90"),
            ]
            rows.append(f'<tr data-week="{_date(week)}">{"".join(cells)}</tr>')
        return _grid(headers, rows, numeric_from=1)

    def _render_plan(self, lang: str) -> None:
        if self._plan_error is not None:
            self.plan_summary.value = _messages_html([_error_text(self._plan_error, lang)])
            self.plan_table.value = ""
            return
        if self.plan is None:
            return
        frame = self.plan.frame[self._mask()]
        lift_before = float(frame["lift_before"].sum())
        lift_after = float(frame["lift_after"].sum())
        summary = t("ui.targets.plan.summary", lang, selection=self._selection_label(lang),
                    budget=float(frame["budget_after"].sum()),
                    hours=float(frame["hours_after"].sum()),
                    lift_before=lift_before, lift_after=lift_after)
        self.plan_summary.value = f"<p>{_escape(summary)}</p>"
        self.plan_table.value = self._plan_table_html(frame, lang)

    def _plan_table_html(self, frame: pd.DataFrame, lang: str) -> str:
        # All units: one row per region; a region or a unit: one row per unit.
        if self.selection == ALL_UNITS and (frame["region"] != "").any():
            grouped = frame.groupby("region", sort=True).sum(numeric_only=True)
            labels = {region: region for region in grouped.index}
            column = "ui.targets.col.region"
        else:
            grouped = frame.set_index("unit_id")
            labels = {unit: _unit_label(unit, self.data.names) for unit in grouped.index}
            column = "ui.targets.col.unit"
        headers = [t(column, lang)] + [
            t(f"ui.targets.col.{name}", lang)
            for name in ("budget_before", "budget_after", "hours_before", "hours_after",
                         "lift_before", "lift_after")]
        rows = []
        for key, row in grouped.iterrows():
            cells = [_cell(labels[key], "wb-name")] + [
                _cell(_amount(row[name]), f"wb-num wb-{name.replace('_', '-')}")
                for name in ("budget_before", "budget_after", "hours_before", "hours_after",
                             "lift_before", "lift_after")]
            rows.append(f'<tr data-key="{_escape(key)}">{"".join(cells)}</tr>')
        return _grid(headers, rows, numeric_from=1)

    def _selection_label(self, lang: str) -> str:
        if self.selection == ALL_UNITS:
            return t("ui.targets.selection.all", lang)
        kind, _, value = self.selection.partition(":")
        if kind == "region":
            return t("ui.targets.selection.region", lang, region=value)
        return _unit_label(value, self.data.names)

    def _status_html(self, lang: str) -> str:
        path = str(self.path)
        if self.status == "missing":
            lines = [t("ui.targets.missing", lang, path=path),
                     t("ui.targets.missing.fix", lang, path=path)]
        elif self.status == "locked":
            lines = [t("ui.targets.locked", lang, path=path)]
        elif isinstance(self._error, WorkbenchError):
            lines = [t("ui.targets.failed", lang, error=_error_text(self._error, lang))]
        else:
            lines = [t("ui.targets.unreadable", lang, path=path, error=self._error)]
        body = "<br>".join(_escape(line) for line in lines)
        return f'<div class="wb-message">{body}</div>'


class TargetSandbox(_TargetView):
    """The strategist's target sandbox, with a language switch at the top.

    Display the object (or its ``widget``) in a notebook cell or a Voila app.

    Parameters
    ----------
    workspace
        Workspace file; default :func:`workbench.data.default_workspace`.
    factor_set
        Name of a built-in factor set, a YAML path, or a :class:`FactorSet`.
    horizon
        Number of target weeks after the last week of data (1 to 104).
    lang
        Initial language; default :func:`workbench.i18n.get_lang`. Ignored when
        ``switch`` is given.
    switch
        A language switch shared with other views; by default the view creates its own.
    budget, hours
        Promotion budget and rep hours of the horizon for the resource plan. The
        defaults are 2 % of the baseline sales and 40 hours per unit and week.

    Attributes
    ----------
    status : str
        ``"ok"``, ``"missing"``, ``"locked"``, ``"unreadable"`` or ``"error"`` (the
        factor set, horizon or data were rejected; the message says why).
    model : TargetModel or None
        The calibration that slider changes re-evaluate.
    result : TargetResult or None
        Targets for the current slider weights.
    plan : ResourcePlan or None
        Resource plan for the current targets.
    fit_result : WeightFit or None
        The last weight fit.
    figure, waterfall_figure : plotly.graph_objects.Figure
        The charts as last rendered.
    widget : ipywidgets.VBox
        The whole view.
    """

    _title_key = "ui.targets.sandbox.title"

    def __init__(self, workspace: str | os.PathLike | None = None,
                 factor_set: str | FactorSet | None = None, horizon: int = 13,
                 lang: str | None = None, *, switch: LanguageSwitch | None = None,
                 budget: float | None = None, hours: float | None = None) -> None:
        self.fit_result: WeightFit | None = None
        self._fit_error: WorkbenchError | None = None
        self._horizon_error: WorkbenchError | None = None
        self.waterfall_figure = go.Figure()
        super().__init__(workspace, factor_set, horizon, lang, switch, budget, hours)

    def fit(self) -> WeightFit | None:
        """Fit the weights to history, move the sliders there and recompute.

        The fitted sensitivity replaces the factor set's, so the targets are calibrated
        again. When the fit is rejected the message is shown and nothing changes.
        """
        if self.status != "ok":
            return None
        try:
            fitted = fit_weights(self.data.panel, self.factor_set)
        except WorkbenchError as error:
            self._fit_error = error
            self._render_fit(self.lang)
            return None
        self.fit_result, self._fit_error = fitted, None
        self.factor_set = fitted.factor_set(self.factor_set)
        self._move_sliders(fitted.weights)
        self._recalibrate()
        self._render_fit(self.lang)
        self._render_results(self.lang)
        return fitted

    def reset(self) -> None:
        """Return to the factor set's default weights and sensitivity."""
        self.fit_result, self._fit_error = None, None
        self.factor_set = self.default_factor_set
        self._move_sliders(self.factor_set.default_weights)
        self._recalibrate()
        self._render_fit(self.lang)
        self._render_results(self.lang)

    def set_horizon(self, horizon: int) -> None:
        """Calibrate again for ``horizon`` weeks; an invalid horizon keeps the current one."""
        self.horizon_input.value = horizon
        self._apply_horizon(horizon)

    # Widgets ------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.fit_button = widgets.Button(icon="magic")
        self.fit_button.add_class("wb-target-fit")
        self.fit_button.on_click(lambda _button: self.fit())
        self.reset_button = widgets.Button(icon="undo")
        self.reset_button.add_class("wb-target-reset")
        self.reset_button.on_click(lambda _button: self.reset())
        self.fit_message = _html("wb-target-fit-message")
        self.horizon_input = widgets.BoundedIntText(min=0, max=999, step=1,
                                                    layout=widgets.Layout(width="220px"))
        self.horizon_input.add_class("wb-target-horizon")
        self.horizon_input.observe(self._on_horizon_input, names="value")
        self.horizon_message = _html("wb-target-horizon-message")
        self.waterfall_heading = _html("wb-heading")
        self.week_choice = widgets.Dropdown(layout=widgets.Layout(width="300px"))
        self.week_choice.add_class("wb-target-week")
        self.week_choice.observe(self._on_week_change, names="value")
        self.waterfall = _output("wb-target-waterfall")
        super()._build_widgets()

    def _detail_children(self) -> list[widgets.Widget]:
        return [
            self.workspace_line, self.warnings,
            widgets.HBox([self.filter, self.horizon_input],
                         layout=widgets.Layout(align_items="center")),
            self.horizon_message,
            self.weights_heading, self.slider_box, self.weights_message,
            widgets.HBox([self.fit_button, self.reset_button]), self.fit_message,
            self.total, self.chart, self.targets_heading, self.targets_table,
            self.waterfall_heading, self.week_choice, self.waterfall,
            self.plan_heading, widgets.HBox([self.budget_input, self.hours_input]),
            self.plan_summary, self.plan_table,
        ]

    def _load(self) -> None:
        super()._load()
        if self.status == "ok":
            self._quiet = True
            try:
                self.horizon_input.value = self.model.horizon
            finally:
                self._quiet = False
            self._fill_weeks()

    def _fill_weeks(self) -> None:
        weeks = [(_date(week), position) for position, week in enumerate(self.model.weeks)]
        current = self.week_choice.value
        quiet, self._quiet = self._quiet, True
        try:
            self.week_choice.options = weeks
            self.week_choice.value = current if current is not None and current < len(
                weeks) else 0
        finally:
            self._quiet = quiet

    # Events -------------------------------------------------------------------------

    def _on_week_change(self, change: dict) -> None:
        if self._quiet or change["new"] is None or self.result is None:
            return
        self._render_waterfall(self.lang)

    def _on_horizon_input(self, change: dict) -> None:
        if self._quiet:
            return
        self._apply_horizon(change["new"])

    def _apply_horizon(self, horizon: int) -> None:
        previous = self.horizon
        self.horizon = horizon
        try:
            self._recalibrate()
        except WorkbenchError as error:
            self.horizon = previous
            self._horizon_error = error
            self.horizon_message.value = _messages_html([_error_text(error, self.lang)])
            return
        self._horizon_error = None
        self.horizon_message.value = ""
        self._fill_weeks()
        self._render_static_texts(self.lang)
        self._render_results(self.lang)

    # Rendering ----------------------------------------------------------------------

    def _render_static_texts(self, lang: str) -> None:
        super()._render_static_texts(lang)
        self.fit_button.description = t("ui.targets.fit", lang)
        self.reset_button.description = t("ui.targets.reset", lang)
        self.horizon_input.description = t("ui.targets.horizon", lang)
        self.waterfall_heading.value = _heading(t("ui.targets.waterfall.heading", lang))
        self.week_choice.description = t("ui.targets.waterfall.week", lang)
        if self._horizon_error is not None:
            self.horizon_message.value = _messages_html(
                [_error_text(self._horizon_error, lang)])
        self._render_fit(lang)

    def _render_results(self, lang: str) -> None:
        super()._render_results(lang)
        if self.result is not None:
            self._render_waterfall(lang)

    def _render_fit(self, lang: str) -> None:
        if self._fit_error is not None:
            self.fit_message.value = _messages_html([_error_text(self._fit_error, lang)])
        elif self.fit_result is not None:
            fitted = self.fit_result
            text = t("ui.targets.fit.summary", lang, rows=fitted.rows, r2=fitted.r2,
                     before=100.0 * fitted.mae_baseline, after=100.0 * fitted.mae_fitted,
                     sensitivity=100.0 * fitted.sensitivity)
            self.fit_message.value = f'<div class="wb-ok">{_escape(text)}</div>'
        else:
            self.fit_message.value = ""

    def _render_waterfall(self, lang: str) -> None:
        mask = self._mask()
        week = self.week_choice.value or 0
        baseline = float(np.nansum(self.model.baseline[mask, week]))
        parts = np.nansum(self.result.contributions[mask, week, :], axis=0)
        target = float(np.nansum(self.result.target[mask, week]))
        labels = ([t("ui.targets.chart.baseline", lang)]
                  + [factor.title(lang) for factor in self.factor_set.factors]
                  + [t("ui.targets.chart.target", lang)])
        title = t("ui.targets.waterfall.title", lang, selection=self._selection_label(lang),
                  week=_date(self.model.weeks[week]))
        self.waterfall_figure = go.Figure(
            go.Waterfall(
                x=labels, y=[baseline, *parts.tolist(), target],
                measure=["absolute"] + ["relative"] * len(parts) + ["total"],
                text=[_amount(value) for value in (baseline, *parts, target)],
                textposition="outside",
                increasing={"marker": {"color": "#2b8a3e"}},
                decreasing={"marker": {"color": "#c92a2a"}},
                totals={"marker": {"color": "#d9822b"}},
            ),
            layout={"title": {"text": title},
                    "yaxis": {"title": {"text": t("ui.targets.chart.y", lang)}},
                    "height": 380, "margin": {"t": 48, "b": 64, "l": 72, "r": 16},
                    "showlegend": False},
        )
        _show_figure(self.waterfall, self.waterfall_figure, title)


class TargetDashboard(_TargetView):
    """The manager's target dashboard, with a language switch at the top.

    Display the object (or its ``widget``) in a notebook cell or a Voila app.

    Parameters
    ----------
    workspace, factor_set, horizon, lang, switch, budget, hours
        As for :class:`TargetSandbox`.
    author
        Name filled into the override form.

    Attributes
    ----------
    backtest_result : BacktestResult or None
        The backtest of the last 26 weeks with the factor set's default weights; ``None``
        when the history is too short, and the dashboard then shows the reason.
    overrides : pandas.DataFrame
        Overrides in force, newest first, as last read.
    deviation_figure : plotly.graph_objects.Figure
        The deviation trend as last rendered.
    """

    _css_class = "wb-targets"
    _title_key = "ui.targets.dashboard.title"

    def __init__(self, workspace: str | os.PathLike | None = None,
                 factor_set: str | FactorSet | None = None, horizon: int = 13,
                 lang: str | None = None, *, switch: LanguageSwitch | None = None,
                 budget: float | None = None, hours: float | None = None,
                 author: str = "") -> None:
        self.backtest_result: BacktestResult | None = None
        self._backtest_error: WorkbenchError | None = None
        self.overrides = pd.DataFrame()
        self.deviation_figure = go.Figure()
        self._author = author
        self._form_message: tuple[str, str, dict] | None = None
        super().__init__(workspace, factor_set, horizon, lang, switch, budget, hours)

    def submit_override(self) -> int | None:
        """Store the override in the form and return its id, or ``None`` if rejected.

        An empty reason or author, a value that is not a non-negative number, or a
        workspace that cannot be written gets a message in the form, and nothing is
        stored.
        """
        unit, week = self.override_unit.value, self.override_week.value
        value_text = str(self.override_value.value).strip()
        problem = _override_problem(value_text, self.override_reason.value,
                                    self.override_author.value)
        if problem is not None:
            self._form_message = ("error", problem, {"value": value_text})
            self._render_form_message(self.lang)
            return None

        algorithm_value = self._algorithm_value(unit, week)
        try:
            with Workspace(self.path) as workspace:
                override_id = add_override(
                    workspace, unit, self.model.weeks[week], value_text.replace(",", ""),
                    reason=self.override_reason.value, author=self.override_author.value,
                    role=self.override_role.value, algorithm_value=algorithm_value)
        except WorkbenchError as error:
            self._form_message = ("error_key", error.key, error.params)
            self._render_form_message(self.lang)
            return None
        except duckdb.Error as error:
            logger.warning("storing an override in %s failed: %s", self.path, error)
            self._form_message = ("error", "ui.targets.override.store_failed",
                                  {"error": str(error)})
            self._render_form_message(self.lang)
            return None

        logger.info("override %s stored for %s, week %s", override_id, unit,
                    _date(self.model.weeks[week]))
        self._form_message = ("ok", "ui.targets.override.saved",
                              {"id": override_id, "unit": _unit_label(unit, self.data.names),
                               "week": _date(self.model.weeks[week])})
        self.override_value.value = ""
        self.override_reason.value = ""
        self.reload_overrides()
        self._render_form_message(self.lang)
        return override_id

    def reload_overrides(self) -> None:
        """Read the overrides again and re-render their table."""
        data, status, error = _read_data(self.path, overrides_only=True)
        if status == "ok":
            self.overrides = data.overrides
        else:
            logger.warning("reading overrides from %s failed (%s): %s", self.path, status,
                           error)
        self.overrides_table.value = self._overrides_html(self.lang)

    # Loading ------------------------------------------------------------------------

    def _load(self) -> None:
        super()._load()
        if self.status != "ok":
            return
        self.overrides = self.data.overrides
        try:
            self.backtest_result = backtest(self.data.panel, self.factor_set,
                                            weeks=BACKTEST_WEEKS)
        except WorkbenchError as error:
            self._backtest_error = error
        self._fill_override_choices()

    # Widgets ------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.attainment_heading = _html("wb-heading")
        self.attainment_table = _html("wb-target-attainment")
        self.deviation_heading = _html("wb-heading")
        self.deviation_summary = _html("wb-target-deviation-summary")
        self.deviation_chart = _output("wb-target-deviation")
        self.overrides_heading = _html("wb-heading")
        self.overrides_table = _html("wb-target-overrides")

        self.form_heading = _html("wb-heading")
        wide = widgets.Layout(width="420px")
        self.override_unit = widgets.Dropdown(layout=wide)
        self.override_unit.add_class("wb-override-unit")
        self.override_week = widgets.Dropdown(layout=wide)
        self.override_week.add_class("wb-override-week")
        for choice in (self.override_unit, self.override_week):
            choice.observe(self._on_override_choice, names="value")
        self.override_suggested = _html("wb-override-suggested")
        self.override_value = widgets.Text(layout=wide)
        self.override_value.add_class("wb-override-value")
        self.override_reason = widgets.Textarea(layout=widgets.Layout(width="420px",
                                                                      height="64px"))
        self.override_reason.add_class("wb-override-reason")
        self.override_author = widgets.Text(value=self._author, layout=wide)
        self.override_author.add_class("wb-override-author")
        self.override_role = widgets.Dropdown(layout=wide)
        self.override_role.add_class("wb-override-role")
        for field in (self.override_unit, self.override_week, self.override_value,
                      self.override_reason, self.override_author, self.override_role):
            field.style = {"description_width": "120px"}
        self.override_save = widgets.Button(icon="save", button_style="primary")
        self.override_save.add_class("wb-override-save")
        self.override_save.on_click(lambda _button: self.submit_override())
        self.override_message = _html("wb-override-message")
        self.override_form = widgets.VBox([
            self.override_unit, self.override_week, self.override_suggested,
            self.override_value, self.override_reason, self.override_author,
            self.override_role, self.override_save, self.override_message,
        ])
        self.override_form.add_class("wb-override-form")
        super()._build_widgets()

    def _detail_children(self) -> list[widgets.Widget]:
        return [
            self.workspace_line, self.warnings, self.filter,
            self.total, self.chart,
            self.weights_heading, self.slider_box, self.weights_message,
            self.targets_heading, self.targets_table,
            self.attainment_heading, self.attainment_table,
            self.deviation_heading, self.deviation_summary, self.deviation_chart,
            self.plan_heading, widgets.HBox([self.budget_input, self.hours_input]),
            self.plan_summary, self.plan_table,
            self.overrides_heading, self.overrides_table,
            self.form_heading, self.override_form,
        ]

    def _fill_override_choices(self, lang: str | None = None) -> None:
        lang = lang or self.lang
        quiet, self._quiet = self._quiet, True
        try:
            unit, week, role = (self.override_unit.value, self.override_week.value,
                                self.override_role.value)
            units = self.data.panel.units[self._mask()]
            self.override_unit.options = [(_unit_label(unit_id, self.data.names), unit_id)
                                          for unit_id in units]
            self.override_unit.value = unit if unit in units else units[0]
            self.override_week.options = [(_date(day), position)
                                          for position, day in enumerate(self.model.weeks)]
            self.override_week.value = week if week is not None else 0
            self.override_role.options = [(t(f"ui.targets.role.{name}", lang), name)
                                          for name in ROLES]
            self.override_role.value = role if role in ROLES else ROLES[0]
        finally:
            self._quiet = quiet

    # Events -------------------------------------------------------------------------

    def _on_selection_change(self) -> None:
        self._fill_override_choices()
        self._render_selection_history(self.lang)

    def _on_override_choice(self, _change: dict) -> None:
        if self._quiet or self.result is None:
            return
        self._render_suggested(self.lang)

    # Rendering ----------------------------------------------------------------------

    def _render_static_texts(self, lang: str) -> None:
        super()._render_static_texts(lang)
        self.attainment_heading.value = _heading(t("ui.targets.attainment.heading", lang))
        self.deviation_heading.value = _heading(t("ui.targets.deviation.heading", lang))
        self.overrides_heading.value = _heading(t("ui.targets.overrides.heading", lang))
        self.form_heading.value = _heading(t("ui.targets.override.heading", lang))
        self._fill_override_choices(lang)
        for field, key in ((self.override_unit, "unit"), (self.override_week, "week"),
                           (self.override_value, "value"), (self.override_reason, "reason"),
                           (self.override_author, "author"), (self.override_role, "role")):
            field.description = t(f"ui.targets.override.{key}", lang)
        self.override_value.placeholder = t("ui.targets.override.value_hint", lang)
        self.override_reason.placeholder = t("ui.targets.override.reason_hint", lang)
        self.override_save.description = t("ui.targets.override.save", lang)
        self._render_selection_history(lang)
        self._render_form_message(lang)

    def _render_results(self, lang: str) -> None:
        super()._render_results(lang)
        if self.result is None:
            return
        self.overrides_table.value = self._overrides_html(lang)
        self._render_suggested(lang)

    def _render_selection_history(self, lang: str) -> None:
        """Render attainment and the deviation trend, which do not depend on the sliders."""
        if self.backtest_result is None:
            message = _messages_html([_error_text(self._backtest_error, lang)]) if (
                self._backtest_error is not None) else ""
            self.attainment_table.value = message
            self.deviation_summary.value = message
            self.deviation_chart.outputs = ()
            return
        self.attainment_table.value = self._attainment_html(lang)
        self._render_deviation(lang)

    def _attainment_html(self, lang: str) -> str:
        result = self.backtest_result
        mask = self._mask()
        headers = [t(f"ui.targets.col.{name}", lang)
                   for name in ("week", "target", "actual", "attainment")]
        rows = []
        for position in range(len(result.weeks) - ATTAINMENT_WEEKS, len(result.weeks)):
            # Units without an actual that week are left out of both sums.
            actual_column = result.actual[mask, position]
            target_column = result.targets["dynamic"][mask, position]
            known = np.isfinite(actual_column) & np.isfinite(target_column)
            target = float(target_column[known].sum())
            actual = float(actual_column[known].sum())
            attainment = (t("ui.targets.percent", lang, percent=100.0 * actual / target)
                          if target > 0 else "—")
            cells = [_cell(_date(result.weeks[position]), "wb-week"),
                     _cell(_amount(target), "wb-num wb-target"),
                     _cell(_amount(actual), "wb-num wb-actual"),
                     _cell(attainment, "wb-num wb-attainment")]
            rows.append(f'<tr data-week="{_date(result.weeks[position])}">'
                        f'{"".join(cells)}</tr>')
        note = _escape(t("ui.targets.attainment.note", lang))
        return f"<p>{note}</p>" + _grid(headers, rows, numeric_from=1)

    def _render_deviation(self, lang: str) -> None:
        result = self.backtest_result
        mask = self._mask()
        # Weeks where no selected unit has an actual give NaN, which the chart leaves out.
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)
            static = np.nanmean(result.deviation("static")[mask], axis=0) * 100.0
            dynamic = np.nanmean(result.deviation("dynamic")[mask], axis=0) * 100.0
            overall_static = float(np.nanmean(result.deviation("static")[mask])) * 100.0
            overall_dynamic = float(np.nanmean(result.deviation("dynamic")[mask])) * 100.0
        summary = t("ui.targets.deviation.summary", lang, weeks=len(result.weeks),
                    selection=self._selection_label(lang), static=overall_static,
                    dynamic=overall_dynamic)
        self.deviation_summary.value = f"<p>{_escape(summary)}</p>"
        weeks = list(result.weeks)
        title = t("ui.targets.deviation.title", lang)
        self.deviation_figure = go.Figure(
            [go.Scatter(x=weeks, y=_finite_list(static), mode="lines+markers",
                        name=t("ui.targets.policy.static", lang), line={"color": "#888888"}),
             go.Scatter(x=weeks, y=_finite_list(dynamic), mode="lines+markers",
                        name=t("ui.targets.policy.dynamic", lang),
                        line={"color": "#d9822b"})],
            layout={"title": {"text": title},
                    "xaxis": {"title": {"text": t("ui.targets.chart.x", lang)}},
                    "yaxis": {"title": {"text": t("ui.targets.deviation.y", lang)},
                              "rangemode": "tozero"},
                    "height": 340, "margin": {"t": 48, "b": 48, "l": 72, "r": 16},
                    "legend": {"orientation": "h", "y": -0.2}},
        )
        _show_figure(self.deviation_chart, self.deviation_figure, title)

    def _algorithm_value(self, unit: str, week: int) -> float:
        row = int(np.flatnonzero(self.data.panel.units == unit)[0])
        return float(self.result.target[row, week])

    def _render_suggested(self, lang: str) -> None:
        unit, week = self.override_unit.value, self.override_week.value
        if unit is None or week is None:
            self.override_suggested.value = ""
            return
        text = t("ui.targets.override.suggested", lang,
                 value=_amount(self._algorithm_value(unit, week)))
        self.override_suggested.value = f"<p>{_escape(text)}</p>"

    def _render_form_message(self, lang: str) -> None:
        if self._form_message is None:
            self.override_message.value = ""
            return
        kind, key, params = self._form_message
        if kind == "error_key":
            text, css_class = _message_text(key, params, lang), "wb-message"
        else:
            text = t(key, lang, **params)
            css_class = "wb-ok" if kind == "ok" else "wb-message"
        self.override_message.value = f'<div class="{css_class}">{_escape(text)}</div>'

    def _overrides_html(self, lang: str) -> str:
        frame = self.overrides
        if frame.empty:
            return f"<p>{_escape(t('ui.targets.overrides.none', lang))}</p>"
        units = set(self.data.panel.units[self._mask()])
        frame = frame[frame["unit_id"].isin(units)]
        if frame.empty:
            return f"<p>{_escape(t('ui.targets.overrides.none_here', lang))}</p>"
        headers = [t(f"ui.targets.col.{name}", lang)
                   for name in ("unit", "week", "current", "algorithm_value",
                                "override_value", "reason", "author", "role", "created_at")]
        week_of = {_date(day): position for position, day in enumerate(self.model.weeks)}
        row_of = {unit: row for row, unit in enumerate(self.data.panel.units)}
        rows = []
        for item in frame.itertuples(index=False):
            week = _date(item.week_start)
            # The algorithm's value now, with the sliders' weights, beside the value it
            # had when the override was stored; empty for weeks outside the horizon.
            current = (self.result.target[row_of[item.unit_id], week_of[week]]
                       if week in week_of else None)
            role = (t(f"ui.targets.role.{item.role}", lang) if item.role in ROLES
                    else item.role)
            cells = [
                _cell(_unit_label(item.unit_id, self.data.names), "wb-unit"),
                _cell(week, "wb-week"),
                _cell(None if current is None else _amount(current), "wb-num wb-current"),
                _cell(_amount(item.algorithm_value), "wb-num wb-algorithm"),
                _cell(_amount(item.override_value), "wb-num wb-override"),
                _cell(item.reason, "wb-reason"),
                _cell(item.author, "wb-author"),
                _cell(role, "wb-role"),
                _cell(str(item.created_at), "wb-created-at"),
            ]
            rows.append(f'<tr data-override="{int(item.override_id)}">{"".join(cells)}</tr>')
        return _grid(headers, rows)


# Helpers --------------------------------------------------------------------------------


def _read_data(path: Path, *, overrides_only: bool = False
               ) -> tuple[_Data | None, str, Exception | None]:
    """Read the panel, unit names and overrides read-only; return (data, status, error)."""
    if not path.exists():
        return None, "missing", None
    try:
        with Workspace(path, read_only=True) as workspace:
            overrides = list_overrides(workspace)
            if overrides_only:
                return _Data(None, {}, overrides), "ok", None
            panel = load_panel(workspace)
            units = workspace.table("units")
    except WorkbenchError as error:
        status = _STATUS_OF_ERROR.get(error.key, "error")
        logger.warning("reading workspace %s failed (%s): %s", path, status, error.key)
        return None, status, error
    except duckdb.Error as error:
        logger.warning("reading workspace %s failed: %s", path, error)
        return None, "unreadable", error
    names = {}
    if not units.empty and "name" in units:
        names = units.set_index("unit_id")["name"].dropna().astype(str).to_dict()
    return _Data(panel, names, overrides), "ok", None


def _override_problem(value: str, reason: str, author: str) -> str | None:
    """Return the catalog key of the first problem of an override form, or ``None``."""
    if not value:
        return "ui.targets.override.value_missing"
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        return "ui.targets.override.value_not_number"
    if not np.isfinite(number):
        return "ui.targets.override.value_not_number"
    if number < 0:
        return "ui.targets.override.value_negative"
    if not str(reason).strip():
        return "ui.targets.override.reason_missing"
    if not str(author).strip():
        return "ui.targets.override.author_missing"
    return None


def _selection_mask(panel: Panel, selection: str) -> np.ndarray:
    if selection == ALL_UNITS:
        return np.ones(len(panel.units), dtype=bool)
    kind, _, value = selection.partition(":")
    if kind == "region":
        return panel.regions == value
    return panel.units == value


def _sum_rows(matrix: np.ndarray) -> list[float | None]:
    """Sum a units x weeks matrix over units; weeks where every unit is NaN give ``None``."""
    if matrix.size == 0:
        return []
    totals = np.nansum(matrix, axis=0)
    totals[np.isnan(matrix).all(axis=0)] = np.nan
    return _finite_list(totals)


def _finite_list(values: np.ndarray) -> list[float | None]:
    return [float(value) if np.isfinite(value) else None for value in values]


def _show_figure(output: widgets.Output, figure: go.Figure, text: str) -> None:
    # The figure is stored in the Output widget's state as a plotly mime bundle, because
    # a FigureWidget sends later changes only as messages, which a Voila page that
    # connects after the notebook ran would miss.
    bundle = {_PLOTLY_MIME: json.loads(figure.to_json()), "text/plain": text}
    output.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)


def _message_text(key: str, params: dict, lang: str) -> str:
    """Render a catalog message; a key this catalog lacks is shown as the key itself."""
    try:
        return t(key, lang, **params)
    except KeyError:
        logger.warning("no message for key %r", key)
        return t("ui.targets.message_unknown", lang, key=key)


def _error_text(error: WorkbenchError, lang: str) -> str:
    return _message_text(error.key, error.params, lang)


def _messages_html(lines: list[str]) -> str:
    if not lines:
        return ""
    body = "<br>".join(_escape(line) for line in lines)
    return f'<div class="wb-message">{body}</div>'


def _unit_label(unit: str, names: dict[str, str]) -> str:
    name = names.get(unit)
    return f"{unit} {name}" if name else str(unit)


def _output(css_class: str) -> widgets.Output:
    output = widgets.Output()
    output.add_class(css_class)
    return output


def _html(css_class: str) -> widgets.HTML:
    widget = widgets.HTML()
    widget.add_class(css_class)
    return widget


def _heading(text: str) -> str:
    return f"<h3>{_escape(text)}</h3>"


def _grid(headers: list[str], rows: list[str], numeric_from: int | None = None) -> str:
    head = "".join(
        f'<th class="wb-num">{_escape(header)}</th>'
        if numeric_from is not None and position >= numeric_from
        else f"<th>{_escape(header)}</th>"
        for position, header in enumerate(headers))
    return (f'<table class="wb-grid"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _cell(value: object, css_class: str) -> str:
    text = "—" if value is None or value == "" else str(value)
    return f'<td class="{css_class}">{_escape(text)}</td>'


def _amount(value: float | None) -> str | None:
    if value is None or not np.isfinite(value):
        return None
    return f"{value:,.0f}"


def _date(value: object) -> str:
    return pd.Timestamp(value).date().isoformat()


def _escape(text: object) -> str:
    return html.escape(str(text), quote=True)
