# Storywatch: `make demo` and `make test` set everything up themselves (idempotently).
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .cache/tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
RUN := $(UV) run --frozen

.PHONY: setup demo test lint typecheck unit integration bench stop clean

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

setup: $(UV)  ## Create .venv with exactly the locked packages.
	UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen --python $(PYTHON)

demo: setup  ## Start the local stack, serve the sample feeds, run one full cycle.
	$(RUN) storywatch demo

test: setup lint typecheck  ## Lint, type-check, then every test (starts Elasticsearch and SMTP).
	$(RUN) pytest

unit: setup  ## Only the fast tests that need no services.
	$(RUN) pytest tests/unit

integration: setup
	$(RUN) pytest tests/integration

lint: setup
	$(RUN) ruff check .
	$(RUN) ruff format --check .

typecheck: setup
	$(RUN) mypy

bench: setup  ## Every benchmark in bench/, in sequence (starts the local Elasticsearch).
	$(RUN) storywatch stack up
	$(RUN) python -m bench

stop:  ## Stop the local Elasticsearch and SMTP sink.
	$(RUN) storywatch stack down

clean: stop
	rm -rf .venv var .cache
