# The README's Quickstart: `make example` runs mlgate on the bundled example,
# `make test` runs every check (lint, format, types, tests). Both create or update
# the virtual environment in .venv from pyproject.toml; only Python 3 and make needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: example test lint bench clean

$(STAMP): pyproject.toml examples/plugin-gate/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' -e examples/plugin-gate
	touch $(STAMP)

example: $(STAMP)
	$(BIN)/mlgate check examples/credit-scoring/mlgate.yaml

WORKFLOWS := action.yml .github/workflows/ci.yml examples/github/mlgate.yml

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy
	$(BIN)/zizmor --offline --quiet $(WORKFLOWS)
	$(BIN)/check-jsonschema --builtin-schema vendor.github-actions action.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/ci.yml examples/github/mlgate.yml

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[presidio]' faker
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_fairness.py
	$(BIN)/python benchmarks/bench_pii.py
	$(BIN)/python benchmarks/bench_drift.py
	$(BIN)/python benchmarks/bench_gx.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
