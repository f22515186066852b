"""Sales planning and simulation workbench.

The package is split into rooms: ``workbench.data`` (readers, source profiles, the DuckDB
workspace, the demo company) and ``workbench.ui`` (ipywidgets and plotly components).
User-facing text comes from one message catalog, ``workbench.i18n``.
"""

import logging

from workbench.errors import DataFileError, Problem, WorkbenchError
from workbench.i18n import get_lang, set_lang, t

__all__ = [
    "DataFileError",
    "Problem",
    "WorkbenchError",
    "get_lang",
    "set_lang",
    "t",
]

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
