"""Persona trainer and call coach views: practise with a (stacked) persona, coach a transcript.

The trainer tab lets a trainer tick 1-3 personas, start a seeded session, chat, watch the
buyer's trust, patience and open objections, and read the scorecard. The coach tab takes
an uploaded transcript (CSV, TXT, JSON, WebVTT, SRT) and shows the metrics, the emotion
curve, the playbook match per turn and three micro-actions. Errors in a turn or a file
are shown in the view, and the session goes on.
"""

from __future__ import annotations

import html
import json
import logging

import ipywidgets as widgets
import plotly.graph_objects as go

from workbench.errors import WorkbenchError
from workbench.i18n import t
from workbench.personas import (
    BUILTIN_PERSONAS,
    MAX_TRANSCRIPT_BYTES,
    PracticeSession,
    coach_dialog,
    load_persona,
    read_transcript,
    stack_personas,
)
from workbench.ui.widgets import LanguageSwitch

__all__ = ["PersonaTrainer"]

logger = logging.getLogger(__name__)

_PLOTLY_MIME = "application/vnd.plotly.v1+json"
_STYLE = """<style>
.wb-trainer .wb-chat { max-height: 420px; overflow-y: auto; border: 1px solid #ddd;
  padding: 6px 10px; }
.wb-trainer .wb-rep { margin: 6px 0; color: #1a4f8b; }
.wb-trainer .wb-buyer { margin: 6px 0 10px 16px; color: #333; }
.wb-trainer .wb-intent { color: #777; font-size: 90%; }
.wb-trainer .wb-message { padding: 6px 10px; border-left: 4px solid #d9822b;
  background: #fff8ef; }
.wb-trainer table.wb-grid { border-collapse: collapse; }
.wb-trainer table.wb-grid td, .wb-trainer table.wb-grid th { padding: 2px 10px;
  border-bottom: 1px solid #ddd; text-align: left; }
</style>"""


def _escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def _html(css_class: str) -> widgets.HTML:
    widget = widgets.HTML()
    widget.add_class(css_class)
    return widget


def _show_figure(output: widgets.Output, figure: go.Figure, title: str) -> None:
    # Stored as a mime bundle so a Voila page that connects later still shows it.
    output.outputs = ({"output_type": "display_data", "metadata": {},
                       "data": {_PLOTLY_MIME: json.loads(figure.to_json()),
                                "text/plain": title}},)


class PersonaTrainer:
    """The trainer and coach dashboard.

    Parameters
    ----------
    lang
        Initial language; default :func:`workbench.i18n.get_lang`. Ignored with ``switch``.
    seed
        Initial seed of practice sessions.
    switch
        A language switch shared with other views.

    Attributes
    ----------
    session : PracticeSession or None
        The running practice session.
    report : DialogReport or None
        The last coached transcript.
    """

    def __init__(self, lang: str | None = None, seed: int = 42, *,
                 switch: LanguageSwitch | None = None) -> None:
        self.switch = switch if switch is not None else LanguageSwitch(lang)
        self.session: PracticeSession | None = None
        self.report = None
        self._message: tuple[str, dict] | None = None
        self._coach_message: str | None = None
        self._build(seed)
        self.switch.on_change(self.render)
        self.render()

    @property
    def lang(self) -> str:
        """Language the view is rendered in."""
        return self.switch.lang

    # -- actions usable from a notebook -------------------------------------------------

    def start(self, personas: list[str] | None = None, seed: int | None = None) -> None:
        """Start a new session with the ticked personas (or ``personas``) and ``seed``."""
        if personas is not None:
            for persona_id, box in self.persona_boxes.items():
                box.value = persona_id in personas
        if seed is not None:
            self.seed_input.value = seed
        chosen = [pid for pid, box in self.persona_boxes.items() if box.value]
        self._message = None
        self._show_card = False
        try:
            self.session = PracticeSession(stack_personas(chosen), lang=self.lang,
                                           seed=int(self.seed_input.value))
        except WorkbenchError as error:
            self._message = (error.key, error.params)
        self.render()

    def send(self, text: str | None = None) -> None:
        """Send ``text`` (default: the input box) as the rep's next turn."""
        text = self.input.value if text is None else text
        self._message = None
        if self.session is None:
            self._message = ("ui.personas.no_session", {})
        else:
            try:
                turn = self.session.say(text)
            except WorkbenchError as error:
                self._message = (error.key, error.params)
            else:
                self.input.value = ""
                if turn.notice:
                    self._message = (turn.notice, {})
        self.render()

    def finish(self) -> None:
        """Show the scorecard of the current session."""
        if self.session is None:
            self._message = ("ui.personas.no_session", {})
        else:
            self._show_card = True
        self.render()

    def coach_file(self, content: bytes, name: str) -> None:
        """Coach an uploaded transcript and show the results."""
        self.report = None
        self._coach_message = None
        try:
            self.report = coach_dialog(read_transcript(content, name))
        except WorkbenchError as error:
            self._coach_error = error
            self._coach_message = "error"
        self.render()

    # -- rendering ---------------------------------------------------------------------

    def _build(self, seed: int) -> None:
        self._show_card = False
        self._coach_error: WorkbenchError | None = None
        self.title = _html("wb-title")
        self.persona_boxes = {}
        for persona_id in BUILTIN_PERSONAS:
            box = widgets.Checkbox(value=False, indent=False)
            box.add_class(f"wb-persona-{persona_id}")
            self.persona_boxes[persona_id] = box
        self.persona_label = _html("wb-label")
        self.seed_input = widgets.BoundedIntText(value=seed, min=0, max=2**31 - 1,
                                                 layout=widgets.Layout(width="160px"))
        self.seed_input.add_class("wb-seed")
        self.start_button = widgets.Button(button_style="primary")
        self.start_button.add_class("wb-start")
        self.start_button.on_click(lambda _button: self.start())
        self.persona_card = _html("wb-persona-card")
        self.chat = _html("wb-chat")
        self.input = widgets.Textarea(layout=widgets.Layout(width="100%", height="70px"))
        self.input.add_class("wb-input")
        self.send_button = widgets.Button(button_style="info")
        self.send_button.add_class("wb-send")
        self.send_button.on_click(lambda _button: self.send())
        self.finish_button = widgets.Button()
        self.finish_button.add_class("wb-finish")
        self.finish_button.on_click(lambda _button: self.finish())
        self.message = _html("wb-message-box")
        self.state = _html("wb-state")
        self.state_chart = widgets.Output()
        self.state_chart.add_class("wb-state-chart")
        self.scorecard = _html("wb-scorecard")

        picker = widgets.GridBox(list(self.persona_boxes.values()),
                                 layout=widgets.Layout(grid_template_columns="repeat(4, 25%)"))
        trainer = widgets.VBox([
            self.persona_label, picker,
            widgets.HBox([self.seed_input, self.start_button]),
            self.persona_card,
            widgets.HBox([widgets.VBox([self.chat, self.input,
                                        widgets.HBox([self.send_button, self.finish_button]),
                                        self.message],
                                       layout=widgets.Layout(width="62%")),
                          widgets.VBox([self.state, self.state_chart],
                                       layout=widgets.Layout(width="38%"))]),
            self.scorecard,
        ])

        self.upload = widgets.FileUpload(accept=",".join((".csv", ".txt", ".json", ".vtt",
                                                          ".srt")), multiple=False)
        self.upload.add_class("wb-upload")
        self.upload.observe(self._on_upload, names="value")
        self.coach_intro = _html("wb-coach-intro")
        self.coach_message = _html("wb-coach-message")
        self.coach_metrics = _html("wb-coach-metrics")
        self.coach_chart = widgets.Output()
        self.coach_chart.add_class("wb-coach-chart")
        self.coach_actions = _html("wb-coach-actions")
        self.coach_turns = _html("wb-coach-turns")
        coach = widgets.VBox([self.coach_intro, self.upload, self.coach_message,
                              self.coach_metrics, self.coach_chart, self.coach_actions,
                              self.coach_turns])

        self.tabs = widgets.Tab(children=[trainer, coach])
        self.tabs.add_class("wb-tabs")
        header = widgets.HBox([self.title, self.switch.widget],
                              layout=widgets.Layout(justify_content="space-between",
                                                    align_items="center"))
        self.widget = widgets.VBox([widgets.HTML(_STYLE), header, self.tabs])
        self.widget.add_class("wb-trainer")

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        size = item.get("size") or len(item["content"])
        if size > MAX_TRANSCRIPT_BYTES:
            self.report = None
            self._coach_error = WorkbenchError("ui.personas.upload_too_large", file=item["name"],
                                               limit=MAX_TRANSCRIPT_BYTES // 1048576)
            self._coach_message = "error"
            self.render()
            return
        self.coach_file(bytes(item["content"]), item["name"])

    def render(self, lang: str | None = None) -> None:
        """Re-render every text in ``lang`` (default: the switch's)."""
        lang = lang or self.lang
        if self.session is not None:
            self.session.lang = lang
        self.title.value = f"<h2>{_escape(t('ui.personas.title', lang))}</h2>"
        self.tabs.set_title(0, t("ui.personas.tab.trainer", lang))
        self.tabs.set_title(1, t("ui.personas.tab.coach", lang))
        self.persona_label.value = _escape(t("ui.personas.choose", lang))
        for persona_id, box in self.persona_boxes.items():
            box.description = load_persona(persona_id).name[lang]
        self.seed_input.description = t("ui.personas.seed", lang)
        self.start_button.description = t("ui.personas.start", lang)
        self.send_button.description = t("ui.personas.send", lang)
        self.finish_button.description = t("ui.personas.finish", lang)
        self.input.placeholder = t("ui.personas.placeholder", lang)
        self._render_session(lang)
        self._render_coach(lang)

    def _render_session(self, lang: str) -> None:
        message = ""
        if self._message is not None:
            key, params = self._message
            message = f'<div class="wb-message">{_escape(t(key, lang, **params))}</div>'
        self.message.value = message
        session = self.session
        if session is None:
            self.persona_card.value = _escape(t("ui.personas.pick_hint", lang))
            self.chat.value = ""
            self.state.value = ""
            self.state_chart.outputs = ()
            self.scorecard.value = ""
            return

        persona = session.persona
        traits = ", ".join(f"{t(f'personas.trait.{name}', lang)} {value:.2f}"
                           for name, value in persona.traits.items())
        self.persona_card.value = (
            f"<p><b>{_escape(persona.name[lang])}</b> · {_escape(persona.role[lang])}</p>"
            f"<p>{_escape(persona.summary[lang])}</p>"
            f'<p class="wb-traits">{_escape(traits)}</p>')
        lines = []
        for turn in session.turns:
            intent = t(f"personas.intent.{turn.intent}", lang)
            lines.append(
                f'<div class="wb-rep" data-turn="{turn.index}"><b>{turn.index}.</b> '
                f'{_escape(turn.rep_text)} <span class="wb-intent">[{_escape(intent)}]</span>'
                f'</div><div class="wb-buyer">{_escape(turn.reply_in(lang))}</div>')
        self.chat.value = "".join(lines)

        state = session.state
        objections = [session.objection(oid).text[lang] or t("ui.personas.hesitation", lang)
                      for oid in state.open_objections]
        items = "".join(f"<li>{_escape(text)}</li>" for text in objections) or \
            f"<li>{_escape(t('ui.personas.none', lang))}</li>"
        outcome = t(f"personas.outcome.{state.outcome or 'open'}", lang)
        self.state.value = (
            f"<h4>{_escape(t('ui.personas.state', lang))}</h4>"
            f'<p class="wb-trust">{_escape(t("ui.personas.trust", lang, value=state.trust))}</p>'
            f'<p class="wb-patience">'
            f'{_escape(t("ui.personas.patience", lang, value=state.patience))}</p>'
            f"<p>{_escape(t('ui.personas.open_objections', lang))}</p><ul>{items}</ul>"
            f'<p class="wb-outcome">{_escape(outcome)}</p>')
        self._render_state_chart(lang)

        if self._show_card:
            self.scorecard.value = self._scorecard_html(lang)
        else:
            self.scorecard.value = ""

    def _render_state_chart(self, lang: str) -> None:
        turns = self.session.turns
        if not turns:
            self.state_chart.outputs = ()
            return
        x = [turn.index for turn in turns]
        title = t("ui.personas.chart.state", lang)
        figure = go.Figure([
            go.Scatter(x=x, y=[turn.trust for turn in turns], mode="lines+markers",
                       name=t("ui.personas.chart.trust", lang)),
            go.Scatter(x=x, y=[turn.patience for turn in turns], mode="lines+markers",
                       name=t("ui.personas.chart.patience", lang)),
        ], layout={"title": {"text": title}, "height": 260, "yaxis": {"range": [0, 100]},
                   "xaxis": {"title": {"text": t("ui.personas.chart.turn", lang)}, "dtick": 1},
                   "margin": {"t": 40, "b": 40, "l": 40, "r": 10}})
        _show_figure(self.state_chart, figure, title)

    def _scorecard_html(self, lang: str) -> str:
        card = self.session.finish()
        outcome = t(f"personas.outcome.{card.outcome or 'open'}", lang)
        rows = "".join(
            f'<tr data-item="{item.id}"><td>{_escape(item.label(lang))}</td>'
            f"<td>{item.credit:.0%}</td><td>{item.weight:.0f}</td>"
            f"<td>{_escape(', '.join(str(turn) for turn in item.turns))}</td></tr>"
            for item in card.items)
        head = "".join(f"<th>{_escape(t(f'ui.personas.col.{name}', lang))}</th>"
                       for name in ("item", "credit", "weight", "turns"))
        actions = "".join(f"<li>{_escape(action.message(lang))}</li>"
                          for action in card.micro_actions)
        headline = t("personas.score.headline", lang, score=card.score, turns=card.turns,
                     outcome=outcome)
        return (f'<h3 class="wb-score">{_escape(headline)}</h3>'
                f'<table class="wb-grid"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>'
                f"</table><h4>{_escape(t('personas.score.micro_heading', lang))}</h4>"
                f'<ol class="wb-micro-actions">{actions}</ol>')

    def _render_coach(self, lang: str) -> None:
        self.coach_intro.value = _escape(t("ui.personas.coach.intro", lang,
                                           limit=MAX_TRANSCRIPT_BYTES // 1048576))
        self.upload.description = t("ui.personas.coach.upload", lang)
        if self._coach_message == "error" and self._coach_error is not None:
            text = _escape(self._coach_error.message(lang)).replace("\n", "<br>")
            self.coach_message.value = f'<div class="wb-message">{text}</div>'
        else:
            self.coach_message.value = ""
        report = self.report
        if report is None:
            for widget in (self.coach_metrics, self.coach_actions, self.coach_turns):
                widget.value = ""
            self.coach_chart.outputs = ()
            return

        metrics = report.metrics
        self.coach_metrics.value = "<p>" + "</p><p>".join(_escape(line) for line in [
            t("personas.cli.dialog", lang, dialog=report.dialog_id, rep=report.rep,
              turns=metrics["turns"]),
            t("personas.cli.metrics", lang, talk=metrics["talk_ratio"],
              questions=metrics["question_rate"], longest=metrics["longest_monologue"],
              turn=metrics["longest_monologue_turn"], emotion=metrics["buyer_emotion_mean"],
              coverage=metrics["playbook_coverage"]),
        ] + [t("personas.cli.hesitation", lang, turn=item["turn"], phrase=item["phrase"],
               pause="—" if item["pause_s"] is None else f"{item['pause_s']:.1f}")
             for item in report.hesitations]) + "</p>"
        self.coach_actions.value = (
            f"<h4>{_escape(t('personas.score.micro_heading', lang))}</h4><ol>"
            + "".join(f"<li>{_escape(action.message(lang))}</li>" for action in report.actions)
            + "</ol>")
        head = "".join(f"<th>{_escape(t(f'ui.personas.coach.col.{name}', lang))}</th>"
                       for name in ("turn", "speaker", "text", "emotion", "intent", "track"))
        rows = []
        for row in report.turn_rows:
            intent = t(f"personas.intent.{row['intent']}", lang) if row["intent"] else ""
            track = t(f"personas.track.{row['track']}", lang) if row["track"] else ""
            rows.append(f"<tr><td>{row['turn']}</td><td>{_escape(row['speaker'])}</td>"
                        f"<td>{_escape(row['text'])}</td><td>{row['emotion']:+.2f}</td>"
                        f"<td>{_escape(intent)}</td><td>{_escape(track)}</td></tr>")
        self.coach_turns.value = (f'<table class="wb-grid"><thead><tr>{head}</tr></thead>'
                                  f"<tbody>{''.join(rows)}</tbody></table>")
        rows = report.turn_rows
        title = t("ui.personas.coach.chart", lang)
        figure = go.Figure([
            go.Scatter(x=[r["turn"] for r in rows if r["role"] == role],
                       y=[r["emotion"] for r in rows if r["role"] == role],
                       mode="lines+markers", name=t(f"ui.personas.coach.{role}", lang))
            for role in ("buyer", "rep")],
            layout={"title": {"text": title}, "height": 300, "yaxis": {"range": [-1.1, 1.1]},
                    "xaxis": {"title": {"text": t("ui.personas.chart.turn", lang)}},
                    "margin": {"t": 40, "b": 40, "l": 40, "r": 10}})
        _show_figure(self.coach_chart, figure, title)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
