# Two entry points for a fresh machine: `make site` and `make test`.
# Both create .venv/ with the project installed on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CATALOG ?= catalog
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test validate bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## Build the site from CATALOG (default: the bundled catalog/) into site/
site: $(VENV)/.installed
	COOKIE_CATALOG=$(abspath $(CATALOG)) $(BIN)/mkdocs build --strict

## Serve the site with live reload on catalog edits
serve: $(VENV)/.installed
	COOKIE_CATALOG=$(abspath $(CATALOG)) $(BIN)/mkdocs serve

validate: $(VENV)/.installed
	$(BIN)/cookie-catalog validate $(CATALOG)

## Run the checks (lint, format, types, the stages' import direction), then the test suite
test: $(VENV)/.installed
	$(BIN)/ruff check generator tests benchmarks scripts
	$(BIN)/ruff format --check generator tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

## Benchmarks: the OCD site three ways, generation alone, edit-to-page under serve
bench: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf site
