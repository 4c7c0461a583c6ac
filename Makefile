# The two commands a newcomer needs: `make run` and `make test`. Everything else is set up by them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint format typecheck pytest test-pg bench clean browser screenshots

$(VENV)/.synced: pyproject.toml uv.lock
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	UV_PYTHON=$(PYTHON) $(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

## setup: virtualenv from the uv lock, migrations, catalogues
setup: $(VENV)/.synced
	@mkdir -p var
	@# Machines that set PYTHONDONTWRITEBYTECODE would otherwise recompile every module at every start (~1.5 s).
	@$(PY) -m compileall -q -j 0 ouvidoria bench manage.py conftest.py >/dev/null
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_catalogues

## run: set up, add demo data and a demo login, and serve http://127.0.0.1:8000 with the background jobs
run: setup
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py demo_login --url http://$(HOST):$(PORT)/painel/
	@# The huey consumer (e-mails, warnings, escalations, recomputations) runs beside the web server and stops with it.
	$(PY) manage.py run_huey --logfile var/huey.log & huey=$$!; \
	trap 'kill $$huey 2>/dev/null; wait $$huey 2>/dev/null' EXIT; \
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: every check — ruff, mypy and the whole suite (on SQLite unless DATABASE_URL says otherwise)
test: setup browser lint typecheck pytest

## browser: Debian's chromium for the browser tests (Playwright drives it; no browser is ever downloaded)
browser:
	@test -x /usr/bin/chromium || { \
		if [ "$$(id -u)" = 0 ]; then apt-get install -y -q chromium >/dev/null 2>&1 || \
			{ apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; \
		else sudo apt-get install -y -q chromium; fi; }

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: $(VENV)/.synced
	$(VENV)/bin/mypy .

pytest: $(VENV)/.synced
	$(PY) -m pytest

## test-pg: the suite on a throw-away PostgreSQL server on loopback (as CI runs it)
test-pg: $(VENV)/.synced browser
	scripts/with-postgres.sh $(PY) -m pytest

## screenshots: refresh docs/screenshots/ from the browser journeys
screenshots: setup browser
	OUVIDORIA_SCREENSHOTS=1 $(PY) -m pytest tests/browser -q

## bench: the benchmarks of docs/benchmarks.md
bench: setup
	PG_DURABLE=1 scripts/with-postgres.sh $(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
