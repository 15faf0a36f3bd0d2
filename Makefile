# curator: `make run` sets up and runs the service; `make test` is what CI runs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_WORKERS ?= auto

.PHONY: install run check lint test test-sqlite bench clean browser

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

## run: migrate the embedded SQLite database, sync resources.yaml, serve the API on :8000
## and run the scheduler in the same process (production runs them apart)
run: install
	$(BIN)/curator db upgrade
	$(BIN)/curator sync
	$(BIN)/curator up

## check: one check of every link in resources.yaml
check: install
	$(BIN)/curator check

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

## browser: Debian's Chromium for the dashboard's browser tests (never `playwright install`)
browser:
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver)

## test: lint, types, and the whole suite on SQLite and PostgreSQL
test: lint browser
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache curator.db
