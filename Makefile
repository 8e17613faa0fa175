# The project's commands. Everything runs from the virtual environment in .venv, which `make` creates
# on first use, so a fresh clone needs only Python 3.11 (with venv) and make.
#
#   make demo        install, then run the demo at http://127.0.0.1:8000 (ARGS="..." passes options)
#   make demo-reset  drop the demo data and build it again
#   make test        every check CI runs: ruff, mypy, import-linter, migrations, tests (SQLite,
#                    PostgreSQL when reachable, Chromium); CI=true turns any skipped step into a failure
#   make bench       page timings at region scale against the Django admin baseline (bench/results/)
#   make loadtest    locust against `imo serve` on PostgreSQL at region scale for LOADTEST_SECONDS (300);
#                    ARGS=--restart-postgres restarts PostgreSQL mid-run and checks the recovery
#   make lint | fmt | typecheck   the single checks, for use while editing

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
ARGS ?=

# Stamp files are named after a hash of the files that decide what gets installed, so a changed
# requirements file (or switching to a branch that has one) reinstalls, and an unchanged one is instant.
RUNTIME_HASH := $(shell cat requirements.txt pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)
DEV_HASH := $(shell cat requirements.txt requirements-dev.txt pyproject.toml 2>/dev/null | cksum | cut -d' ' -f1)
RUNTIME_STAMP := $(VENV)/.installed-runtime-$(RUNTIME_HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(DEV_HASH)

.DEFAULT_GOAL := help
.PHONY: help venv install install-dev demo demo-reset test bench loadtest lint fmt typecheck

help:
	@echo "make demo        run the demo at http://127.0.0.1:8000 (ARGS='...' passes options to 'imo demo')"
	@echo "make demo-reset  rebuild the demo data"
	@echo "make test        all checks and tests (what CI runs)"
	@echo "make bench       benchmarks at region scale -> bench/results/latest.json"
	@echo "make loadtest    load test on PostgreSQL -> bench/results/loadtest.json (ARGS=--restart-postgres)"
	@echo "make lint        ruff check, ruff format --check, import-linter"
	@echo "make fmt         sort imports and format with ruff"
	@echo "make typecheck   mypy"
	@echo "make install / install-dev   create .venv and install runtime / development requirements"

# The venv is usable only once pip runs in it: on Debian without python3-venv, `python3 -m venv`
# leaves a half-made directory behind, which would fool the next run, so it is removed on failure.
venv: $(BIN)/pip

$(BIN)/pip:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "python3 -m venv failed: install python3-venv (apt-get install -y python3-venv)"; exit 1; }
	$(PIP) install --upgrade pip

install: $(RUNTIME_STAMP)

$(RUNTIME_STAMP): | $(BIN)/pip
	$(PIP) install -r requirements.txt -e .
	rm -f $(VENV)/.installed-runtime-*
	touch $@

# requirements-dev.txt includes requirements.txt, so one pip call installs everything.
install-dev: $(DEV_STAMP)

$(DEV_STAMP): | $(BIN)/pip
	$(PIP) install -r requirements-dev.txt -e .
	rm -f $(VENV)/.installed-dev-* $(VENV)/.installed-runtime-*
	touch $@ $(RUNTIME_STAMP)

demo: install
	$(BIN)/imo demo $(ARGS)

demo-reset: install
	$(BIN)/imo demo --reset $(ARGS)

test: install-dev
	$(BIN)/python scripts/run_tests.py $(ARGS)

bench: install-dev
	$(BIN)/python bench/run.py $(ARGS)

LOADTEST_SECONDS ?= 300
loadtest: install-dev
	LOADTEST_SECONDS=$(LOADTEST_SECONDS) $(BIN)/python loadtest/run.py $(ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install-dev
	$(BIN)/ruff check --select I --fix .
	$(BIN)/ruff format .

typecheck: install-dev
	$(BIN)/mypy imo
