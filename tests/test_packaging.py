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


def test_package_data_covers_every_data_file():
    from fnmatch import fnmatch

    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["workbench"]
    package = REPO / "workbench"
    data_files = [path.relative_to(package).as_posix() for path in package.rglob("*")
                  if path.is_file() and path.suffix not in {".py", ".pyc"}
                  and "__pycache__" not in path.parts]
    assert data_files
    uncovered = [name for name in data_files
                 if not any(fnmatch(name, pattern) for pattern in patterns)]
    assert uncovered == []
