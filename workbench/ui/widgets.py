"""Controls shared by every dashboard: the language switch."""

from __future__ import annotations

import logging
from collections.abc import Callable

import ipywidgets as widgets

from workbench.i18n import LANGUAGES, get_lang, normalize_lang, set_lang, t

__all__ = ["LanguageSwitch"]

logger = logging.getLogger(__name__)


class LanguageSwitch:
    """A ``中文`` / ``English`` toggle that re-renders the components registered on it.

    Choosing a language calls :func:`workbench.i18n.set_lang`, so text rendered later
    in the same kernel (errors, other views) follows the choice, and then calls every
    registered callback with the new language.

    Parameters
    ----------
    lang
        Initial language (``zh-CN``, ``en`` or a tag that maps onto one); default
        :func:`workbench.i18n.get_lang`. The initial value does not call ``set_lang``.

    Raises
    ------
    ValueError
        If ``lang`` is given but is not a supported language.
    """

    def __init__(self, lang: str | None = None) -> None:
        initial = get_lang() if lang is None else normalize_lang(lang)
        if initial is None:
            raise ValueError(
                f"unsupported language {lang!r}: use one of {', '.join(LANGUAGES)}"
            )
        self._callbacks: list[Callable[[str], None]] = []
        self.widget = widgets.ToggleButtons(
            options=[(t(f"ui.lang.{code}", code), code) for code in LANGUAGES],
            value=initial,
            description=t("ui.lang.label", initial),
            style={"button_width": "auto"},
        )
        self.widget.add_class("wb-lang-switch")
        self.widget.observe(self._on_value_change, names="value")

    @property
    def lang(self) -> str:
        """Language currently chosen."""
        return self.widget.value

    @lang.setter
    def lang(self, value: str) -> None:
        normalized = normalize_lang(value)
        if normalized is None:
            raise ValueError(
                f"unsupported language {value!r}: use one of {', '.join(LANGUAGES)}"
            )
        self.widget.value = normalized

    def on_change(self, callback: Callable[[str], None]) -> None:
        """Register ``callback(lang)``, called after every change of language."""
        self._callbacks.append(callback)

    def _on_value_change(self, change: dict) -> None:
        lang = change["new"]
        set_lang(lang)
        self.widget.description = t("ui.lang.label", lang)

        # One failing view must not leave the others in the old language, so each
        # callback runs even when an earlier one raised.
        for callback in self._callbacks:
            try:
                callback(lang)
            except Exception:
                logger.exception("re-rendering %r in %s failed", callback, lang)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
