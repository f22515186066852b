"""Dashboard components: ipywidgets and plotly views shared by Voila apps and notebooks.

Every view takes its text from :mod:`workbench.i18n` and re-renders when its
:class:`LanguageSwitch` changes language. The views are imported on first use, so the
command line can import :mod:`workbench.ui.serve` without loading ipywidgets and plotly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__all__ = [
    "JourneyHealth",
    "LanguageSwitch",
    "PersonaTrainer",
    "TargetDashboard",
    "TargetSandbox",
    "WorkspaceOverview",
]

_MODULE_OF = {
    "JourneyHealth": "workbench.ui.journeys",
    "LanguageSwitch": "workbench.ui.widgets",
    "PersonaTrainer": "workbench.ui.personas",
    "WorkspaceOverview": "workbench.ui.overview",
    "TargetSandbox": "workbench.ui.targets",
    "TargetDashboard": "workbench.ui.targets",
}

if TYPE_CHECKING:
    from workbench.ui.journeys import JourneyHealth
    from workbench.ui.overview import WorkspaceOverview
    from workbench.ui.personas import PersonaTrainer
    from workbench.ui.targets import TargetDashboard, TargetSandbox
    from workbench.ui.widgets import LanguageSwitch


def __getattr__(name: str) -> object:
    if name not in _MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_MODULE_OF[name]), name)


def __dir__() -> list[str]:
    return sorted(__all__)
