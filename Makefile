# konnectlite: `make run` sets up and starts the control plane; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint test-unit test-postgres bench bench-quick browsers clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing konnectlite and its dependencies into $(VENV) (a minute or two on a first run)..."
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@echo "Installed. konnectlite-dp is $(BIN)/konnectlite-dp: export PATH=\"$$PWD/$(BIN):\$$PATH\" to call it by name."
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo --with-nodes --host $(HOST) --port $(PORT)

# 536870912 = kongcore.protocol.MAX_SERVER_FRAME_BYTES: a snapshot is one WebSocket message, and
# daphne refuses to send one over 1 MiB unless told otherwise.
serve: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python -m konnectlite.server --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

browsers: $(STAMP)
	scripts/install-browser.sh

# The whole suite on the embedded default (SQLite + in-memory layer), then the tests that are
# about PostgreSQL and Redis again on those services.
test: lint browsers
	$(BIN)/pytest -q -m "not postgres and not redis"
	scripts/with-services.sh $(BIN)/pytest -q -m "(not e2e and not browser) or postgres or redis"

test-unit: $(STAMP)
	$(BIN)/pytest -q -m "not e2e and not browser"

bench: $(STAMP)
	$(BIN)/python -m bench.run --profile full

bench-quick: $(STAMP)
	$(BIN)/python -m bench.run --profile quick

clean:
	rm -rf $(VENV) var test-artifacts .mypy_cache .ruff_cache .pytest_cache
