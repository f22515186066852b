"""Workspace data-health view: tables, row counts, date ranges, imports and rejected files.

The view opens the DuckDB workspace read-only, reads :meth:`Workspace.info` and closes it
at once, because a DuckDB file admits one writer process and an import running next to
the dashboard must not be locked out. Refresh reads it again.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
from pathlib import Path

import duckdb
import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go

from workbench.data import Workspace, default_workspace
from workbench.errors import Problem, WorkbenchError
from workbench.i18n import catalog, t
from workbench.ui.widgets import LanguageSwitch

__all__ = ["WorkspaceOverview", "default_workspace_path", "table_label"]

logger = logging.getLogger(__name__)

_EMPTY_CELL = "—"

# Rendered by the jupyterlab-plotly extension that ships with plotly, in JupyterLab and
# in Voila alike.
_PLOTLY_MIME = "application/vnd.plotly.v1+json"

_STATUS_OF_ERROR = {"workspace.not_found": "missing", "workspace.locked": "locked"}

_STYLE = """<style>
.wb-overview table.wb-grid { border-collapse: collapse; margin: 4px 0 12px 0; }
.wb-overview table.wb-grid th, .wb-overview table.wb-grid td {
  padding: 3px 12px; border-bottom: 1px solid #ddd; text-align: left; }
.wb-overview table.wb-grid td.wb-num { text-align: right; font-variant-numeric: tabular-nums; }
.wb-overview .wb-message { padding: 8px 12px; border-left: 4px solid #d9822b;
  background: #fff8ef; }
.wb-overview .wb-problems li { margin: 2px 0; }
</style>"""


def default_workspace_path() -> Path:
    """Return the workspace to show when none is named (see ``default_workspace``)."""
    return default_workspace()


class WorkspaceOverview:
    """The data-health view of one workspace, with a language switch at the top.

    Display the object (or its ``widget``) in a notebook cell or a Voila app.

    Parameters
    ----------
    path
        Workspace file; default :func:`default_workspace_path`.
    lang
        Initial language; default :func:`workbench.i18n.get_lang`. Ignored when
        ``switch`` is given.
    switch
        A language switch shared with other views of the same dashboard; by default the
        view creates its own.

    Attributes
    ----------
    info : dict or None
        What :meth:`Workspace.info` returned at the last (re)load, ``None`` when the
        workspace could not be read.
    status : str
        ``"ok"``, ``"missing"`` (no file), ``"locked"`` (another process writes to it)
        or ``"unreadable"``.
    figure : plotly.graph_objects.Figure
        The bar chart of rows per table as last rendered.
    widget : ipywidgets.VBox
        The whole view.
    """

    def __init__(self, path: str | os.PathLike | None = None, lang: str | None = None, *,
                 switch: LanguageSwitch | None = None) -> None:
        self.path = Path(path if path is not None else default_workspace_path())
        self.path = self.path.expanduser().absolute()
        self.switch = switch if switch is not None else LanguageSwitch(lang)
        self.info: dict | None = None
        self.status = "missing"
        self._error: Exception | None = None

        self._build_widgets()
        self.switch.on_change(self.render)
        self.reload()

    @property
    def lang(self) -> str:
        """Language the view is rendered in."""
        return self.switch.lang

    def reload(self) -> None:
        """Read the workspace again and re-render the view."""
        self.info, self.status, self._error = _read_info(self.path)
        self.render()

    def render(self, lang: str | None = None) -> None:
        """Re-render every text, table and chart label in ``lang`` (default: the switch's)."""
        lang = lang or self.lang
        ok = self.status == "ok"

        self.title.value = f"<h2>{_escape(t('ui.overview.title', lang))}</h2>"
        self.refresh_button.description = t("ui.overview.refresh", lang)
        self.workspace_line.value = _escape(t("ui.overview.workspace", lang, path=self.path))
        self.message.value = "" if ok else self._status_html(lang)
        self.message.layout.display = "none" if ok else None
        self.details.layout.display = None if ok else "none"
        if not ok:
            return

        info = self.info
        self.summary.value = _escape(_summary_text(info["tables"], lang))
        self.tables_heading.value = _heading(t("ui.overview.tables", lang))
        self.tables.value = _tables_html(info["tables"], lang)
        self.imports_heading.value = _heading(t("ui.overview.imports", lang))
        self.imports.value = _imports_html(info["imports"], lang)
        self.rejections_heading.value = _heading(t("ui.overview.rejections", lang))
        self.rejections.value = _rejections_html(info["rejections"], lang)
        self._render_chart(info["tables"], lang)

    def tables_frame(self) -> pd.DataFrame:
        """Return the per-table figures as a DataFrame indexed by table name.

        The frame is empty when the workspace could not be read (see :attr:`status`).
        """
        if self.info is None:
            return pd.DataFrame()
        return pd.DataFrame(self.info["tables"]).set_index("table")

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _build_widgets(self) -> None:
        self.title = _html("wb-title")
        self.refresh_button = widgets.Button(icon="refresh")
        self.refresh_button.add_class("wb-refresh")
        self.refresh_button.on_click(lambda _button: self.reload())
        controls = widgets.HBox([self.switch.widget, self.refresh_button],
                                layout=widgets.Layout(align_items="center"))
        header = widgets.HBox(
            [self.title, controls],
            layout=widgets.Layout(align_items="center", justify_content="space-between"),
        )

        self.workspace_line = _html("wb-workspace")
        self.message = _html("wb-status")
        self.summary = _html("wb-summary")
        self.tables_heading = _html("wb-heading")
        self.tables = _html("wb-table-rows")
        self.figure = go.Figure()
        self.chart = widgets.Output()
        self.chart.add_class("wb-chart")
        self.imports_heading = _html("wb-heading")
        self.imports = _html("wb-imports")
        self.rejections_heading = _html("wb-heading")
        self.rejections = _html("wb-rejections")

        self.details = widgets.VBox([
            self.summary, self.tables_heading, self.tables, self.chart,
            self.imports_heading, self.imports, self.rejections_heading, self.rejections,
        ])
        self.widget = widgets.VBox(
            [widgets.HTML(_STYLE), header, self.workspace_line, self.message, self.details]
        )
        self.widget.add_class("wb-overview")

    def _status_html(self, lang: str) -> str:
        path = str(self.path)
        if self.status == "missing":
            lines = [t("ui.overview.missing", lang, path=path),
                     t("ui.overview.missing.fix", lang, path=path)]
        elif self.status == "locked":
            lines = [t("ui.overview.locked", lang, path=path),
                     t("ui.overview.locked.fix", lang)]
        else:
            if isinstance(self._error, WorkbenchError):
                error = self._error.message(lang)
            else:
                error = str(self._error)
            lines = [t("ui.overview.unreadable", lang, path=path, error=error)]
        body = "<br>".join(_with_code(line) for line in lines)
        return f'<div class="wb-message">{body}</div>'

    def _render_chart(self, tables: list[dict], lang: str) -> None:
        rows = [table["rows"] for table in tables]
        self.figure = go.Figure(
            go.Bar(x=[table_label(table["table"], lang) for table in tables], y=rows,
                   text=[f"{count:,}" for count in rows], textposition="outside",
                   hovertemplate="%{x}: %{y:,}<extra></extra>"),
            layout={"title": {"text": t("ui.overview.chart.title", lang)},
                    "xaxis": {"title": {"text": t("ui.overview.chart.x", lang)}},
                    "yaxis": {"title": {"text": t("ui.overview.chart.y", lang)},
                              # Whole-row ticks; plotly would label 0.5 rows otherwise.
                              "dtick": 1 if max(rows, default=0) <= 10 else None},
                    "height": 360, "margin": {"t": 48, "b": 48, "l": 64, "r": 16}},
        )

        # The figure is stored in the Output widget's state as a plotly mime bundle.
        # A FigureWidget sends later changes only as messages, so a page that connects
        # after the notebook ran (every Voila page) would show the figure as first built.
        bundle = {
            _PLOTLY_MIME: json.loads(self.figure.to_json()),
            "text/plain": t("ui.overview.chart.title", lang),
        }
        self.chart.outputs = ({"output_type": "display_data", "data": bundle,
                               "metadata": {}},)


def table_label(table: str, lang: str) -> str:
    """Return the user-facing name of a canonical table in ``lang``.

    A table without a catalog entry (one added to the schema after this view) keeps its
    storage name, so the view still renders.
    """
    return catalog(lang).get(f"ui.table.{table}", table)


def _read_info(path: Path) -> tuple[dict | None, str, Exception | None]:
    """Read ``Workspace.info()`` read-only, close the file and return (info, status, error)."""
    if not path.exists():
        return None, "missing", None
    try:
        with Workspace(path, read_only=True) as workspace:
            return workspace.info(), "ok", None
    except WorkbenchError as error:
        status = _STATUS_OF_ERROR.get(error.key, "unreadable")
        logger.warning("reading workspace %s failed (%s): %s", path, status, error.key)
        return None, status, error
    except duckdb.Error as error:
        # A file written by another program, or by a workbench with another schema.
        logger.warning("reading workspace %s failed: %s", path, error)
        return None, "unreadable", error


def _summary_text(tables: list[dict], lang: str) -> str:
    total = sum(table["rows"] for table in tables)
    filled = sum(1 for table in tables if table["rows"])
    return t("ui.overview.summary", lang, rows=total, filled=filled, tables=len(tables))


def _tables_html(tables: list[dict], lang: str) -> str:
    headers = [t(f"ui.overview.col.{name}", lang)
               for name in ("table", "rows", "key", "keys", "date_column", "first", "last")]
    rows = []
    for table in tables:
        key = table["key"]
        if isinstance(key, list | tuple):
            key = ", ".join(key)
        cells = [
            _cell(table_label(table["table"], lang), "wb-table-name"),
            _cell(f"{table['rows']:,}", "wb-num wb-rows"),
            _cell(key, "wb-key"),
            _cell(_count(table["keys"]), "wb-num wb-keys"),
            _cell(table["date_column"], "wb-date-column"),
            _cell(table["first"], "wb-first"),
            _cell(table["last"], "wb-last"),
        ]
        rows.append(f'<tr data-table="{_escape(table["table"])}">{"".join(cells)}</tr>')
    return _grid(headers, rows)


def _imports_html(imports: list[dict], lang: str) -> str:
    if not imports:
        return f"<p>{_escape(t('ui.overview.no_imports', lang))}</p>"
    headers = [t(f"ui.overview.col.{name}", lang)
               for name in ("file", "profile", "table", "rows", "imported_at")]
    rows = []
    for item in imports:
        cells = [
            _cell(item["file"], "wb-file"),
            _cell(item["profile"], "wb-profile"),
            _cell(table_label(item["table"], lang), "wb-table-name"),
            _cell(_count(item["rows"]), "wb-num wb-rows"),
            _cell(_timestamp(item["imported_at"]), "wb-imported-at"),
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return _grid(headers, rows)


def _rejections_html(rejections: list[dict], lang: str) -> str:
    if not rejections:
        return f"<p>{_escape(t('ui.overview.no_rejections', lang))}</p>"
    parts = []
    for rejection in rejections:
        headline = t("ui.overview.rejection", lang, file=rejection["file"],
                     profile=rejection["profile"],
                     rejected_at=_timestamp(rejection["rejected_at"]))
        count = _plural("ui.overview.problem_count", rejection["total"], lang)
        items = [f"<li>{_escape(_problem_text(problem, lang))}</li>"
                 for problem in rejection["problems"]]
        unlisted = rejection["total"] - len(rejection["problems"])
        if unlisted > 0:
            more = _plural("ui.overview.more_problems", unlisted, lang)
            items.append(f'<li class="wb-more">{_escape(more)}</li>')
        status = ""
        if rejection.get("resolved"):
            resolved = _escape(t("ui.overview.resolved", lang))
            status = f' · <span class="wb-resolved">{resolved}</span>'
        parts.append(
            f'<div class="wb-rejection" data-file="{_escape(rejection["file"])}">'
            f"<p><b>{_escape(headline)}</b> · {_escape(count)}{status}</p>"
            f'<ul class="wb-problems">{"".join(items)}</ul></div>'
        )
    return "".join(parts)


def _problem_text(problem: dict, lang: str) -> str:
    try:
        return Problem(**problem).message(lang)
    except KeyError:
        # A report stored by another version of the workbench may name a message key
        # that this catalog lacks. The view then shows the key and still renders.
        logger.warning("no message for problem key %r", problem.get("key"))
        return t("ui.overview.problem_unknown", lang, file=problem.get("file"),
                 key=problem.get("key"))


def _plural(key: str, count: int, lang: str) -> str:
    return t(f"{key}.one" if count == 1 else f"{key}.other", lang, count=count)


def _grid(headers: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{_escape(header)}</th>" for header in headers)
    body = "".join(rows)
    return f'<table class="wb-grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cell(value: object, css_class: str) -> str:
    text = _EMPTY_CELL if value is None or value == "" else str(value)
    return f'<td class="{css_class}">{_escape(text)}</td>'


def _count(value: int | None) -> str | None:
    return None if value is None else f"{value:,}"


def _timestamp(value: str | None) -> str | None:
    """Show an ISO timestamp with a space instead of the ``T``."""
    return None if value is None else str(value).replace("T", " ")


def _heading(text: str) -> str:
    return f"<h3>{_escape(text)}</h3>"


def _html(css_class: str) -> widgets.HTML:
    widget = widgets.HTML()
    widget.add_class(css_class)
    return widget


def _escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def _with_code(text: str) -> str:
    """Escape ``text`` and show each `backquoted` part as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _escape(text))
