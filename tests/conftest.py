"""Shared pytest fixtures: the browser and notebook harness lives in tests/harness.py."""

pytest_plugins = ["tests.harness"]
