# identity: one entry point for people and CI. `make demo` runs the demo, `make test` the suite.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
PYTEST := $(PY) -m pytest

.PHONY: demo test test-sqlite test-postgres lint browser bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Re-install only when the project's metadata changes.
$(VENV)/.installed-demo: pyproject.toml | $(PY)
	$(PIP) install -e ".[demo]"
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PIP) install -e ".[dev]"
	@touch $@ $(VENV)/.installed-demo

## demo: install, migrate and seed both sites, run them with the identity worker (Ctrl-C stops)
demo: $(VENV)/.installed-demo
	IDENTITY_DEMO_SITE=a $(PY) manage.py demo

## test: install the dev extra and run the whole suite (SQLite + Redis, then the PostgreSQL-only tests)
test: $(VENV)/.installed-dev
	$(PYTEST) -m "not postgres"
	IDENTITY_TEST_DB=postgres $(PYTEST) -m postgres

## test-postgres: the whole suite with PostgreSQL as the test database (what CI runs second)
test-postgres: $(VENV)/.installed-dev
	IDENTITY_TEST_DB=postgres $(PYTEST)

## browser: install Debian's chromium for the Playwright journeys (needs root and apt)
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PIP) install -e ".[bench,dev]"
	@touch $@

## bench: the benchmarks (never part of `make test`): tables, JSON and a chart in benchmarks/results/
bench: $(VENV)/.installed-bench
	@command -v hey >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq hey; }
	$(PY) -m benchmarks

## lint: ruff (checks and formatting) and mypy strict: identity/ fully, with no baseline entry allowed
## (.ci/mypy-baseline.txt, which may only shrink, is for code added to mypy's files later)
lint: $(VENV)/.installed-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) .ci/mypy_baseline.py

clean:
	rm -rf $(VENV) demo_sso_site_a/db.sqlite3 demo_sso_site_b/db.sqlite3
