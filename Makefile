# Two commands do all the set-up on a fresh machine that has python3, git and make:
#   make run    install, migrate, load the default data, serve http://127.0.0.1:8000/
#   make test   install what the tests need and run the whole suite (SQLite unless DATABASE_URL)

SHELL := /bin/bash
UV := .tools/uv
PYTHON := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# uv uses the machine's python3 (3.11+) and never downloads an interpreter.
export UV_PYTHON ?= python3
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: run test install install-dev check lint format

$(UV):
	python3 scripts/bootstrap_uv.py $(UV)

install: $(UV)
	$(UV) sync --frozen --no-dev --inexact

install-dev: $(UV)
	$(UV) sync --frozen

# The development server, with debug on. For production use gunicorn (README).
run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PYTHON) manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PYTHON) manage.py load_default_data
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PYTHON) manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(PYTHON) -m pytest $(PYTEST_ARGS)

check: install-dev
	DJANGO_SETTINGS_MODULE=tests.settings $(PYTHON) manage.py check
	DJANGO_SETTINGS_MODULE=tests.settings $(PYTHON) manage.py makemigrations --check --dry-run
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: install-dev
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

# The benchmark of issue 7 (bench/README.md): the app against Datasette on the same data,
# at 2,000 and 200,000 recommendations (builds them on PostgreSQL and SQLite on first run).
# Needs PostgreSQL with the role gcm/gcm (README). Short run: make bench BENCH_ARGS=--quick
# Datasette and sqlite-utils go into bench/.venv: a `uv sync` of .venv would prune them.
.PHONY: bench
BENCH_ARGS ?=
bench: install
	command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	UV_PROJECT_ENVIRONMENT=bench/.venv $(UV) sync --frozen --only-group bench
	$(PYTHON) bench/run.py $(BENCH_ARGS)

# Issue 8's load and fault scripts (bench/LOAD.md): gunicorn on PostgreSQL, loopback only.
# load: wrk, 50 connections for 60 s on pages and API calls; fault: the same while
# PostgreSQL is stopped for 5 s, printing the error window and the recovery time.
.PHONY: load fault
load: install
	command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	$(PYTHON) bench/load.py $(BENCH_ARGS)

fault: install
	command -v wrk >/dev/null || apt-get install -y wrk || (apt-get update && apt-get install -y wrk)
	$(PYTHON) bench/fault.py $(BENCH_ARGS)
