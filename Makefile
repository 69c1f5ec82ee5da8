# The README's Quickstart: `make example` runs mlgate on the bundled example,
# `make test` runs every check (lint, format, types, tests). Both create or update
# the virtual environment in .venv from pyproject.toml; only Python 3 and make needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: example example-fail test test-deepchecks lint bench clean browser mermaid docs release-check

$(STAMP): pyproject.toml examples/plugin-gate/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' -e examples/plugin-gate
	touch $(STAMP)

# The text report on the terminal, and the HTML report a reviewer opens (git-ignored).
example: $(STAMP)
	$(BIN)/mlgate check examples/credit-scoring/mlgate.yaml \
		-f html -o examples/credit-scoring/report.html -f text
	@echo "HTML report: examples/credit-scoring/report.html"

# A failing run (exit 1 is expected): the annotations GitHub would show, then the Markdown
# of the job summary / pull-request comment, written to examples/credit-scoring/reports/.
example-fail: $(STAMP)
	-$(BIN)/mlgate check examples/credit-scoring/failing.yaml -q \
		-f markdown -o examples/credit-scoring/reports/failing.md -f github
	@echo "Markdown report: examples/credit-scoring/reports/failing.md"

WORKFLOWS := action.yml .github/workflows/ci.yml .github/workflows/release.yml examples/github/mlgate.yml examples/github/mlflow-release.yml

lint: $(STAMP)
	$(BIN)/ruff check src tests tests_deepchecks benchmarks examples
	$(BIN)/ruff format --check src tests tests_deepchecks benchmarks examples
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/zizmor --offline --quiet $(WORKFLOWS)
	$(BIN)/check-jsonschema --builtin-schema vendor.github-actions action.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/ci.yml .github/workflows/release.yml examples/github/mlgate.yml examples/github/mlflow-release.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.gitlab-ci examples/gitlab/.gitlab-ci.yml
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# The documentation site (docs/ -> site/): reference pages generated from the code.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict
	@echo "Site: site/index.html"

# deepchecks 0.19.1 needs numpy < 2 and scikit-learn < 1.8: its gate is tested in a second
# environment with that stack, while the main suite runs on the current one.
DC_VENV  := .venv-deepchecks
DC_STAMP := $(DC_VENV)/.installed

$(DC_STAMP): pyproject.toml
	test -x $(DC_VENV)/bin/python || $(PYTHON) -m venv $(DC_VENV)
	$(DC_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DC_VENV)/bin/python -m pip install --quiet -e '.[deepchecks]' pytest
	touch $(DC_STAMP)

test-deepchecks: $(DC_STAMP)
	$(DC_VENV)/bin/pytest tests_deepchecks -p no:cacheprovider

# The HTML report's browser test drives the system Chromium (Debian's package; a browser
# download by Playwright is not needed and not possible offline).
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)

browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -qq && \
		  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } || \
		{ echo "cannot install Chromium: run 'apt-get install chromium' as root" >&2; exit 1; }

# Mermaid (from the npm registry) parses every Mermaid block the Markdown report emits.
MERMAID := tests/mermaid/node_modules/mermaid/dist/mermaid.min.js
$(MERMAID): tests/mermaid/package.json tests/mermaid/package-lock.json
	npm ci --prefix tests/mermaid --no-audit --no-fund --loglevel=error
	touch $(MERMAID)

mermaid: $(MERMAID)

test: lint browser mermaid
	MLGATE_BROWSER=require $(BIN)/pytest
	$(MAKE) test-deepchecks
	$(MAKE) release-check

# What the release workflow does before publishing, here: build the sdist and wheel, check
# them, build the changelog from its fragments (draft), install the wheel with its
# dependencies into a clean environment (.venv-release) and smoke-test it outside the
# checkout, then write the CycloneDX SBOM of that environment to dist/.
REL_VENV := .venv-release
VERSION   = $$($(BIN)/python -c 'import mlgate; print(mlgate.__version__)')

release-check: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist . > /dev/null
	$(BIN)/twine check --strict dist/*
	$(BIN)/towncrier build --draft --version "$(VERSION)" > /dev/null
	test -x $(REL_VENV)/bin/python || $(PYTHON) -m venv $(REL_VENV)
	$(REL_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(REL_VENV)/bin/python -m pip install --quiet "$$(ls dist/*.whl)[all]"
	$(REL_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps dist/*.whl
	scripts/release/smoke.sh $(REL_VENV)/bin/mlgate
	$(BIN)/cyclonedx-py environment --pyproject pyproject.toml --validate --of JSON \
		-o dist/mlgate-$(VERSION).cdx.json $(REL_VENV)/bin/python
	@echo "release-check: dist/ holds the sdist, the wheel and the SBOM of mlgate $(VERSION)"

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[presidio]' faker
	$(BIN)/python benchmarks/bench_core.py
	$(BIN)/python benchmarks/bench_fairness.py
	$(BIN)/python benchmarks/bench_pii.py
	$(BIN)/python benchmarks/bench_drift.py
	$(BIN)/python benchmarks/bench_gx.py
	$(MAKE) $(DC_STAMP)
	$(DC_VENV)/bin/python benchmarks/bench_deepchecks.py

clean:
	rm -rf $(VENV) $(DC_VENV) .pytest_cache .mypy_cache .ruff_cache
