# Bookday: `make demo` serves a demo Book Day on SQLite; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/bookday
PG_CHECK = $(BIN)/python -c "import psycopg; psycopg.connect('postgres://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()"
# Debian packages the project needs at run time: HarfBuzz subsetting (WeasyPrint is about ten
# times slower without it) and gettext (to compile translations).
SYSTEM_PACKAGES := libharfbuzz-subset0 gettext

.PHONY: demo test lint format test-js test-sqlite test-postgres messages check-messages bench system-deps clean

demo: system-deps $(VENV)/.runtime
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Serving the demo at http://127.0.0.1:8000/ (Ctrl+C to stop)"
	$(MANAGE) runserver 127.0.0.1:8000

test: system-deps $(VENV)/.dev lint test-js test-sqlite test-postgres

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The scanner's JavaScript modules, with Node's own test runner (no npm packages).
test-js:
	@echo "== Scanner JavaScript (node --test) =="
	node --test tests/js/

test-sqlite: $(VENV)/.dev
	@echo "== Tests on SQLite =="
	DATABASE_URL=sqlite:///$(CURDIR)/.test.sqlite3 $(BIN)/pytest

# PostgreSQL is where concurrency is real. Start the local cluster if it is stopped; under
# CI=true an unreachable database is a failure, elsewhere it is skipped with a warning.
test-postgres: $(VENV)/.dev
	@echo "== Tests on PostgreSQL =="
	@if ! $(PG_CHECK) 2>/dev/null && command -v pg_ctlcluster >/dev/null; then \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | head -1) main start || true; \
		sleep 2; \
	fi
	@if $(PG_CHECK) 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "ERROR: PostgreSQL at 127.0.0.1:5432 cannot be reached; CI needs it." >&2; exit 1; \
	else \
		echo "WARNING: PostgreSQL at 127.0.0.1:5432 cannot be reached: PostgreSQL tests SKIPPED."; \
	fi

messages: $(VENV)/.dev
	$(MANAGE) makemessages -l vi --no-obsolete --add-location file
	$(MANAGE) compilemessages -l vi

bench: system-deps $(VENV)/.dev
	$(BIN)/python bench/run.py

# Installs the Debian packages when running as root with apt; otherwise says what is missing.
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
		echo "WARNING: missing Debian packages:$$missing (run as root, or: sudo apt-get install$$missing)."; \
		echo "WARNING: without libharfbuzz-subset0 PDF rendering is about ten times slower."; \
	fi

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.runtime $@

clean:
	rm -rf $(VENV) .test.sqlite3 .pytest_cache .ruff_cache
