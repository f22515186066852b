"""Data room: readers, source profiles, canonical tables, the DuckDB workspace, the demo company."""

from workbench.data.canonical import TABLES
from workbench.data.profiles import Profile, available_profiles, load_profile
from workbench.data.readers import RawTable, detect_encoding, read_table
from workbench.data.workspace import (
    DEFAULT_WORKSPACE,
    ImportResult,
    Workspace,
    default_workspace,
)

__all__ = [
    "DEFAULT_WORKSPACE",
    "ImportResult",
    "Profile",
    "RawTable",
    "TABLES",
    "Workspace",
    "available_profiles",
    "default_workspace",
    "detect_encoding",
    "load_profile",
    "read_table",
]
