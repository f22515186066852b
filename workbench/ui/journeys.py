"""Journey-health dashboard: health bands, timelines, alerts, funnel, process map, canvas.

It shows accounts by health band, one account's timeline with the drivers of its score,
the alert feed, the funnel, the process map and the journey canvas.

The view simulates the workspace's accounts (or a synthetic population when the
workspace has none) with a fixed seed when it is built, then only re-renders text and
charts when the language changes.
"""

from __future__ import annotations

import html
import json
import logging
import os
from importlib import resources
from pathlib import Path

import ipywidgets as widgets
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workbench.data import Workspace, default_workspace
from workbench.errors import WorkbenchError
from workbench.i18n import catalog, t
from workbench.journeys import (
    HealthWeights,
    JourneyModel,
    Population,
    directly_follows,
    evaluate_rules,
    explain,
    health_scores,
    parse_rules,
    wait_matrix,
)
from workbench.journeys.health import BAND_COLOURS
from workbench.ui.widgets import LanguageSwitch

__all__ = ["JourneyHealth"]

logger = logging.getLogger(__name__)

_PLOTLY_MIME = "application/vnd.plotly.v1+json"
_BANDS = ("green", "amber", "red")
_STYLE = """<style>
.wb-journeys table.wb-grid { border-collapse: collapse; margin: 4px 0 12px 0; }
.wb-journeys table.wb-grid th, .wb-journeys table.wb-grid td {
  padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: left; }
.wb-journeys .wb-band-green { color: #2e7d32; } .wb-journeys .wb-band-amber { color: #b26a00; }
.wb-journeys .wb-band-red { color: #c62828; }
</style>"""


class JourneyHealth:
    """The journey-health view with a language switch.

    Parameters
    ----------
    path
        Workspace whose accounts, contacts and reps are simulated; default
        :func:`workbench.data.default_workspace`. A missing or empty workspace gives a
        synthetic population of ``accounts`` accounts.
    weeks, seed, accounts
        Simulated weeks, random seed and the synthetic population's size.
    rules
        Rule-file text; default the shipped ``sales_early_warning.yaml``.
    lang, switch
        Initial language, or a language switch shared with other views.

    Attributes
    ----------
    model : JourneyModel
    log : pandas.DataFrame
        The simulated event log.
    scores : pandas.DataFrame
        Health of every open account at the end of the run.
    alerts : pandas.DataFrame
        Rules that fired.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, weeks: int = 26,
                 seed: int = 42, accounts: int = 300, rules: str | None = None,
                 lang: str | None = None, switch: LanguageSwitch | None = None) -> None:
        self.switch = switch if switch is not None else LanguageSwitch(lang)
        self.weeks, self.seed = weeks, seed
        population = _population(Path(path) if path else default_workspace(), seed)
        self.model = JourneyModel(population, accounts=accounts, seed=seed).run(7 * weeks)
        self.log = self.model.event_log()
        catalogue = self.model.catalogue
        stage_days = {stage.id: stage.dwell_days or 10_000.0 for stage in catalogue.stages}
        open_ids = set(np.array(self.model.account_ids)[self.model.active_mask()])
        self.scores = health_scores(self.log, weights=HealthWeights(stage_days=stage_days))
        self.scores = self.scores[self.scores.index.isin(open_ids)].sort_values("score")
        rules_text = rules or resources.files("workbench.journeys").joinpath(
            "rules_library/sales_early_warning.yaml").read_text("utf-8")
        self.alerts = evaluate_rules(self.log, parse_rules(rules_text),
                                     known=set(catalogue.activities)).sort_values(
            "fired_at", ascending=False, kind="stable")
        self._build_widgets()
        self.switch.on_change(self.render)
        self.render()

    @property
    def lang(self) -> str:
        """Language the view is rendered in."""
        return self.switch.lang

    def _build_widgets(self) -> None:
        self.title = _html("wb-title")
        self.summary = _html("wb-summary")
        self.bands_chart = _output("wb-bands")
        options = list(self.scores.index) or list(self.model.account_ids[:1])
        self.account_picker = widgets.Dropdown(options=options, value=options[0])
        self.account_picker.add_class("wb-account")
        self.account_picker.observe(lambda _change: self._render_account(self.lang),
                                    names="value")
        self.account_score = _html("wb-account-score")
        self.drivers = _html("wb-drivers")
        self.timeline_chart = _output("wb-timeline")
        self.alerts_heading = _html("wb-heading")
        self.alerts_table = _html("wb-alerts")
        self.funnel_chart = _output("wb-funnel")
        self.map_chart = _output("wb-process-map")
        self.segment_picker = widgets.Dropdown(options=self.model.catalogue.segments)
        self.segment_picker.add_class("wb-segment")
        self.segment_picker.observe(lambda _change: self._render_canvas(self.lang),
                                    names="value")
        self.canvas_chart = _output("wb-canvas")
        header = widgets.HBox([self.title, self.switch.widget],
                              layout=widgets.Layout(align_items="center",
                                                    justify_content="space-between"))
        self.widget = widgets.VBox([
            widgets.HTML(_STYLE), header, self.summary, self.bands_chart,
            self.account_picker, self.account_score, self.drivers, self.timeline_chart,
            self.alerts_heading, self.alerts_table, self.funnel_chart, self.map_chart,
            self.segment_picker, self.canvas_chart])
        self.widget.add_class("wb-journeys")

    def render(self, lang: str | None = None) -> None:
        """Re-render every text and chart in ``lang`` (default: the switch's)."""
        lang = lang or self.lang
        self.title.value = f"<h2>{_escape(t('ui.journeys.title', lang))}</h2>"
        self.summary.value = _escape(t("ui.journeys.summary", lang,
                                       accounts=len(self.model.account_ids), weeks=self.weeks,
                                       seed=self.seed, open=len(self.scores)))
        self.account_picker.description = t("ui.journeys.account", lang)
        self.segment_picker.options = [(_segment_label(segment, lang), segment)
                                       for segment in self.model.catalogue.segments]
        self._render_bands(lang)
        self._render_account(lang)
        self._render_alerts(lang)
        self._render_funnel(lang)
        self._render_map(lang)
        self._render_canvas(lang)

    def _render_bands(self, lang: str) -> None:
        counts = self.scores["band"].value_counts().reindex(_BANDS).fillna(0).astype(int)
        figure = go.Figure(go.Bar(
            x=[t(f"ui.journeys.band.{band}", lang) for band in _BANDS], y=counts.tolist(),
            marker_color=[BAND_COLOURS[band] for band in _BANDS], text=counts.tolist(),
            textposition="outside"),
            layout={"title": {"text": t("ui.journeys.bands", lang)}, "height": 300,
                    "margin": {"t": 48, "b": 32, "l": 48, "r": 16}})
        _show(self.bands_chart, figure, t("ui.journeys.bands", lang))

    def _render_account(self, lang: str) -> None:
        account = self.account_picker.value
        if account in self.scores.index:
            row = self.scores.loc[account]
            band = t(f"ui.journeys.band.{row['band']}", lang)
            self.account_score.value = (
                f'<b class="wb-band-{row["band"]}">' + _escape(t(
                    "ui.journeys.score", lang, score=row["score"], band=band,
                    stage=row["stage"])) + "</b>")
            items = "".join(f"<li>{_escape(line)}</li>" for line in explain(row, lang))
            self.drivers.value = (f"<b>{_escape(t('ui.journeys.drivers', lang))}</b>"
                                  f"<ul>{items}</ul>")
        events = self.log[self.log["case_id"] == account]
        is_stage = events["attrs"].str.contains('"kind": "stage"', regex=False)
        figure = go.Figure([
            go.Scatter(x=events.loc[~is_stage, "timestamp"], y=events.loc[~is_stage, "activity"],
                       mode="markers", name=t("ui.journeys.timeline.y", lang)),
            go.Scatter(x=events.loc[is_stage, "timestamp"], y=events.loc[is_stage, "activity"],
                       mode="markers", marker={"symbol": "diamond", "size": 12},
                       name=t("ui.journeys.funnel", lang).split("：")[0].split(":")[0]),
        ], layout={"title": {"text": t("ui.journeys.timeline", lang, account=account)},
                   "xaxis": {"title": {"text": t("ui.journeys.timeline.x", lang)}},
                   "height": 420, "showlegend": False,
                   "margin": {"t": 48, "b": 48, "l": 180, "r": 16}})
        _show(self.timeline_chart, figure, t("ui.journeys.timeline", lang, account=account))

    def _render_alerts(self, lang: str) -> None:
        self.alerts_heading.value = f"<h3>{_escape(t('ui.journeys.alerts', lang))}</h3>"
        if self.alerts.empty:
            self.alerts_table.value = f"<p>{_escape(t('ui.journeys.no_alerts', lang))}</p>"
            return
        head = "".join(f"<th>{_escape(t(f'ui.journeys.col.{name}', lang))}</th>"
                       for name in ("account", "rule", "action", "fired_at"))
        rows = "".join(
            f'<tr data-rule="{_escape(row.rule_id)}"><td>{_escape(row.case_id)}</td>'
            f"<td>{_escape(row.rule_id)}</td>"
            f'<td class="wb-action">{_escape(t(f"ui.journeys.action.{row.action}", lang))}</td>'
            f"<td>{_escape(str(row.fired_at)[:16])}</td></tr>"
            for row in self.alerts.head(30).itertuples())
        self.alerts_table.value = (f'<table class="wb-grid"><thead><tr>{head}</tr></thead>'
                                   f"<tbody>{rows}</tbody></table>")

    def _render_funnel(self, lang: str) -> None:
        reach = self.model.account_reached.sum(axis=0)
        stages = [stage for stage in self.model.chain.stages
                  if stage not in self.model.catalogue.outcome_stages or stage == "renewal"]
        values = [int(reach[self.model.chain.stages.index(stage)]) for stage in stages]
        figure = go.Figure(go.Funnel(y=stages, x=values),
                           layout={"title": {"text": t("ui.journeys.funnel", lang)},
                                   "height": 420, "margin": {"t": 48, "l": 120, "r": 16}})
        _show(self.funnel_chart, figure, t("ui.journeys.funnel", lang))

    def _render_map(self, lang: str) -> None:
        graph = directly_follows(self.log, activities=self.model.chain.stages)
        matrix = wait_matrix(graph, top=len(self.model.chain.stages))
        counts = wait_matrix(graph, value="count", top=len(self.model.chain.stages))
        text = counts.map(lambda value: "" if pd.isna(value) else f"{int(value)}")
        figure = go.Figure(go.Heatmap(
            z=matrix.to_numpy(), x=list(matrix.columns), y=list(matrix.index),
            text=text.to_numpy(), texttemplate="%{text}", colorscale="YlOrRd",
            hovertemplate="%{y} → %{x}: %{z:.1f}<extra></extra>"),
            layout={"title": {"text": t("ui.journeys.process_map", lang)},
                    "xaxis": {"title": {"text": t("ui.journeys.process_map.to", lang)}},
                    "yaxis": {"title": {"text": t("ui.journeys.process_map.from", lang)}},
                    "height": 480, "margin": {"t": 48, "l": 120, "r": 16}})
        _show(self.map_chart, figure, t("ui.journeys.process_map", lang))

    def _render_canvas(self, lang: str) -> None:
        segment = self.segment_picker.value or self.model.catalogue.segments[0]
        catalogue = self.model.catalogue
        stages = catalogue.stage_ids
        flow = np.zeros(len(stages))
        flow[catalogue.stage_index["inquiry"] if "inquiry" in stages else 0] = 1000.0
        sources, targets, values = [], [], []
        for index, stage in enumerate(catalogue.stages):
            if stage.terminal or index == 0 or flow[index] <= 0:
                continue
            branches, _dwell = catalogue.stage_settings(segment, stage.id)
            for target, probability in branches.items():
                target_index = catalogue.stage_index[target]
                amount = flow[index] * probability
                if target_index > index:
                    flow[target_index] += amount
                sources.append(index)
                targets.append(target_index)
                values.append(round(amount, 1))
        label = _segment_label(segment, lang)
        figure = go.Figure(go.Sankey(node={"label": stages, "pad": 12},
                                     link={"source": sources, "target": targets,
                                           "value": values}),
                           layout={"title": {"text": t("ui.journeys.canvas", lang,
                                                       segment=label)},
                                   "height": 420, "margin": {"t": 48, "l": 16, "r": 16}})
        _show(self.canvas_chart, figure, t("ui.journeys.canvas", lang, segment=label))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def _population(path: Path, seed: int) -> Population | None:
    if not path.exists():
        return None
    try:
        with Workspace(path, read_only=True) as workspace:
            count = workspace.sql("SELECT count(*) AS n FROM accounts")["n"][0]
            return Population.from_workspace(workspace, seed=seed) if count else None
    except WorkbenchError as error:
        logger.warning("reading workspace %s failed (%s); simulating a synthetic population",
                       path, error.key)
        return None


def _segment_label(segment: str, lang: str) -> str:
    return catalog(lang).get(f"ui.journeys.segment.{segment}", segment)


def _show(output: widgets.Output, figure: go.Figure, text: str) -> None:
    # Stored as a plotly mime bundle in the Output's state, so a Voila page that
    # connects after the kernel ran still shows the figure.
    bundle = {_PLOTLY_MIME: json.loads(figure.to_json()), "text/plain": text}
    output.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)


def _html(css_class: str) -> widgets.HTML:
    widget = widgets.HTML()
    widget.add_class(css_class)
    return widget


def _output(css_class: str) -> widgets.Output:
    widget = widgets.Output()
    widget.add_class(css_class)
    return widget


def _escape(text: object) -> str:
    return html.escape(str(text), quote=True)
