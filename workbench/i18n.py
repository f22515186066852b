"""One message catalog for every user-facing text, in Simplified Chinese and English.

The catalog of a language is every ``workbench/locales/<lang>/*.yaml`` file (one per
room), each mapping flat keys to ``str.format`` templates; a key may appear in one file
only. The language is chosen, in this order, by :func:`set_lang`,
the ``WORKBENCH_LANG`` environment variable (``zh-CN`` or ``en``), the system locale
(``LC_ALL``, ``LC_MESSAGES``, ``LANG``), and finally English.

This module is a leaf: every room, domain rooms included, may import it.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources

import yaml

__all__ = ["LANGUAGES", "catalog", "get_lang", "normalize_lang", "set_lang", "t"]

LANGUAGES = ("zh-CN", "en")

_chosen: str | None = None


def normalize_lang(value: str | None) -> str | None:
    """Map a language tag or locale name onto a supported language, or ``None``.

    ``zh``, ``zh_CN.UTF-8``, ``zh-Hans`` and ``zh-CN`` give ``zh-CN``; ``en``,
    ``en_US.UTF-8`` and ``C.UTF-8`` give ``en``.
    """
    if not value:
        return None
    tag = value.split(".")[0].replace("_", "-").strip().lower()
    if tag.startswith("zh"):
        return "zh-CN"
    if tag.startswith("en") or tag in {"c", "posix"}:
        return "en"
    return None


def set_lang(lang: str | None) -> None:
    """Choose the language for this process; ``None`` returns to the environment's choice.

    Raises
    ------
    ValueError
        If ``lang`` is not one of :data:`LANGUAGES` (or a tag that maps onto one).
    """
    global _chosen
    if lang is None:
        _chosen = None
        return
    normalized = normalize_lang(lang)
    if normalized is None:
        raise ValueError(
            f"unsupported language {lang!r}: use one of {', '.join(LANGUAGES)}"
        )
    _chosen = normalized


def get_lang() -> str:
    """Return the language in force: set_lang, then WORKBENCH_LANG, then the locale, else en."""
    if _chosen is not None:
        return _chosen
    for variable in ("WORKBENCH_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        lang = normalize_lang(os.environ.get(variable))
        if lang is not None:
            return lang
    return "en"


@cache
def catalog(lang: str) -> dict[str, str]:
    """Load the message catalog of one language as a flat ``{key: template}`` dict."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}: use one of {', '.join(LANGUAGES)}")
    messages: dict[str, str] = {}
    folder = resources.files("workbench").joinpath("locales", lang)
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".yaml"):
            continue
        part = yaml.safe_load(entry.read_text("utf-8")) or {}
        repeated = messages.keys() & part.keys()
        if repeated:
            raise ValueError(f"message keys defined twice in {lang}: {sorted(repeated)}")
        messages.update(part)
    return messages


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """Render the message ``key`` in ``lang`` (default: :func:`get_lang`) with ``params``.

    Raises
    ------
    KeyError
        If the catalog has no such key; tests check both catalogs hold the same keys.
    """
    template = catalog(normalize_lang(lang) or get_lang())[key]
    return template.format(**params) if params else template
