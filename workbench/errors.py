"""Structured, localised exceptions.

Every exception carries a message key and its parameters, so the same error renders in
Chinese or English wherever it is shown (CLI, dashboard, stored rejection report).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from workbench.i18n import t

__all__ = ["DataFileError", "Problem", "WorkbenchError"]


class WorkbenchError(Exception):
    """An error whose message comes from the catalog.

    Parameters
    ----------
    key
        Message key in ``workbench/locales/*.yaml``.
    **params
        Values for the message template.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def message(self, lang: str | None = None) -> str:
        """Render the message in ``lang`` (default: the language in force)."""
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message()


@dataclass(frozen=True)
class Problem:
    """One defect found in a user's file: where it is, what is wrong, and how to fix it.

    ``row`` counts lines as a spreadsheet or text editor shows them (the first header
    row is row 1); it is ``None`` for problems of the whole file. The message key
    ``key`` has a twin ``key + ".fix"`` in the catalog that says what to do.
    """

    file: str
    key: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        """Render location, defect and fix in ``lang``."""
        where = [t("problem.file", lang, file=self.file)]
        if self.row is not None:
            where.append(t("problem.row", lang, row=self.row))
        if self.column is not None:
            where.append(t("problem.column", lang, column=self.column))
        if self.value is not None:
            where.append(t("problem.value", lang, value=_clip(self.value)))
        detail = t(self.key, lang, **self.params)
        fix = t(self.key + ".fix", lang, **self.params)
        return t("problem.layout", lang, where=t("problem.sep", lang).join(where),
                 detail=detail, fix=fix)

    def to_dict(self) -> dict:
        """Return the fields as a JSON-serialisable dict."""
        return asdict(self)


def _clip(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


class DataFileError(WorkbenchError):
    """A user's file was rejected; ``problems`` lists every defect found (up to a cap).

    Nothing from the file has been stored when this is raised.
    """

    def __init__(self, file: str, problems: list[Problem], total: int | None = None) -> None:
        super().__init__("import.rejected", file=file, count=total or len(problems))
        self.file = file
        self.problems = problems
        self.total = total or len(problems)

    def message(self, lang: str | None = None) -> str:
        """Render the headline and one line per problem."""
        lines = [t(self.key, lang, **self.params)]
        lines += ["  - " + problem.message(lang) for problem in self.problems]
        if self.total > len(self.problems):
            lines.append("  " + t("import.more_problems", lang,
                                  count=self.total - len(self.problems)))
        return "\n".join(lines)
