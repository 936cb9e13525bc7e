# Two entry points for a fresh machine: `make advise` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: advise test setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,cli,coach,server,dask]'
	touch $(STAMP)

setup: $(STAMP)

advise: $(STAMP)
	$(BIN)/promorules advise examples/claire-first-visit.yaml

# The layers (import-linter), format and lint (ruff) and the type/line-length ratchet run before the tests.
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m ruff format --check promorules tests bench tools
	$(BIN)/python -m ruff check promorules tests bench docs tools
	$(BIN)/python tools/ratchet.py
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build dist .pytest_cache
