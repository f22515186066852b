"""pyproject.toml and environment.yml must list the same packages."""

import re
import tomllib

import yaml

from tests.paths import REPO

# Conda-forge splits dask[distributed] into two packages.
PIP_TO_CONDA = {"dask[distributed]": ["dask", "distributed"]}


def requirement_name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;]", requirement, maxsplit=1)[0].lower()


def test_environment_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pip_names = [requirement_name(r) for r in
                 project["dependencies"] + project["optional-dependencies"]["test"]]
    expected = sorted(name for pip_name in pip_names
                      for name in PIP_TO_CONDA.get(pip_name, [pip_name]))
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    conda_names = sorted(requirement_name(entry) for entry in environment["dependencies"]
                         if isinstance(entry, str) and requirement_name(entry) not in {
                             "python", "pip"})
    assert conda_names == expected


def test_environment_pins_the_same_lower_bounds():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    bounds = {requirement_name(r): r[len(requirement_name(r)):] for r in project["dependencies"]}
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    for entry in environment["dependencies"]:
        if isinstance(entry, str) and requirement_name(entry) in bounds:
            assert entry[len(requirement_name(entry)):] == bounds[requirement_name(entry)], entry
