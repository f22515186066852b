# The two commands: `make run` (demo workspace + dashboards) and `make test` (everything).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8866
WORKSPACE ?= workspace.duckdb

.PHONY: run test install bench lint clean

run: $(VENV)/.installed
	$(BIN)/workbench serve --port $(PORT) --workspace $(WORKSPACE)

test: $(VENV)/.test-installed
	bash scripts/ensure_chromium.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

bench: $(VENV)/.test-installed
	bash scripts/ensure_chromium.sh
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_targets.py
	$(BIN)/python benchmarks/bench_journeys.py
	$(BIN)/python benchmarks/bench_target_slider.py

lint: $(VENV)/.test-installed
	$(BIN)/ruff check workbench tests benchmarks

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) data/demo $(WORKSPACE) .pytest_cache
