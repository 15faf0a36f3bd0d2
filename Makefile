# curator: `make run` sets up and runs the service; `make test` is what CI runs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEV    := $(VENV)/.installed-dev-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_WORKERS ?= auto

.PHONY: install install-dev run check lint test test-sqlite bench clean browser

# The service's own dependencies only (`make run`); test and lint tools are the dev extra.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	rm -f $(VENV)/.installed-[0-9]*
	touch $(STAMP)

$(DEV): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-dev-*
	touch $(DEV)

install: $(STAMP)

install-dev: $(DEV)

## run: migrate the embedded SQLite database, sync resources.yaml, serve the API on :8000
## and run the scheduler in the same process (production runs them apart)
run: install
	$(BIN)/curator db upgrade
	$(BIN)/curator sync
	$(BIN)/curator up

## check: one check of every link in resources.yaml
check: install
	$(BIN)/curator check

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

## browser: Debian's Chromium for the dashboard's browser tests (never `playwright install`).
## Without root or apt-get the browser tests are skipped, and this says so.
browser:
	@if command -v chromium >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; \
	else \
	  echo "notice: Chromium is missing and cannot be installed without root and apt-get: the dashboard's browser tests will be skipped"; \
	fi

## test: lint, types, and the whole suite on SQLite and PostgreSQL
test: lint browser
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -p no:cacheprovider

bench: install-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache curator.db
