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

.PHONY: demo rehearsal rehearsal-short test lint format test-js test-sqlite test-postgres test-clock messages check-messages bench system-deps clean

demo: system-deps $(VENV)/.runtime
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "Serving the demo at http://127.0.0.1:8000/ (Ctrl+C to stop)"
	$(MANAGE) runserver 127.0.0.1:8000

test: system-deps $(VENV)/.dev lint test-js test-sqlite test-postgres test-clock

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

# The rules read the clock (a day closes at its closing time, a pass is for today), so the tests
# pin it (tests/conftest.py `clock`). This proves they do: the time-sensitive modules run again
# with the whole process's clock (the live server's threads and Chromium included) set by
# libfaketime to today at 22:30 and 00:05 in Hanoi (after the factory event's 21:00 closing, just
# past midnight) and at 08:00; on SQLite, and the check-in and registration modules on PostgreSQL
# too (its own now() is never read: the code takes the time from Django). The first test of
# tests/test_clock.py checks that the faked clock reached the process.
FAKETIME_LIB ?= $(firstword $(wildcard /usr/lib/*/faketime/libfaketime.so.1))
CLOCK_HOURS ?= 22:30 00:05 08:00
CLOCK_TESTS ?= tests/test_clock.py tests/events tests/figures tests/test_page_cache.py tests/test_seed.py \
	tests/browser/test_registration_flow.py tests/browser/test_scanner.py
CLOCK_TESTS_PG ?= tests/test_clock.py tests/events/test_registration.py tests/events/test_registration_api.py \
	tests/events/test_passes.py tests/events/test_checkin.py tests/events/test_checkin_api.py \
	tests/events/test_checkin_hot_path.py tests/events/test_gate_day.py tests/events/test_concurrency.py
# The offset from the real clock to "HH:MM in Hanoi today", in seconds: an offset (not a start
# time) so that every process (the tests, Chromium's, ffmpeg) reads the same faked clock;
# computed again before each run, which then starts at that hour.
offset_to_hanoi = $$(printf '%+d' $$(( $$(date -d "$$(TZ=Asia/Ho_Chi_Minh date +%F) $(1) +07:00" +%s) - $$(date +%s) )))

test-clock: $(VENV)/.dev
	@if [ -z "$(FAKETIME_LIB)" ]; then \
		if [ "$$CI" = "true" ]; then echo "ERROR: libfaketime is missing; CI needs it (apt-get install faketime)." >&2; exit 1; fi; \
		echo "WARNING: libfaketime is missing (apt-get install faketime): clock tests SKIPPED."; exit 0; \
	fi; \
	for hour in $(CLOCK_HOURS); do \
		offset=$(call offset_to_hanoi,$$hour); \
		echo "== Tests at $$hour in Hanoi (clock $$offset s) on SQLite =="; \
		TZ=UTC FAKETIME="$$offset" LD_PRELOAD=$(FAKETIME_LIB) FAKETIME_EXPECT=$$hour \
			DATABASE_URL=sqlite:///$(CURDIR)/.test-clock.sqlite3 $(BIN)/pytest $(CLOCK_TESTS) || exit 1; \
		if $(PG_CHECK) 2>/dev/null; then \
			offset=$(call offset_to_hanoi,$$hour); \
			echo "== Tests at $$hour in Hanoi (clock $$offset s) on PostgreSQL =="; \
			TZ=UTC FAKETIME="$$offset" LD_PRELOAD=$(FAKETIME_LIB) FAKETIME_EXPECT=$$hour \
				DATABASE_URL=$(PG_URL)_clock $(BIN)/pytest $(CLOCK_TESTS_PG) || exit 1; \
		elif [ "$$CI" = "true" ]; then \
			echo "ERROR: PostgreSQL at 127.0.0.1:5432 cannot be reached; CI needs it." >&2; exit 1; \
		fi; \
	done

# makemessages writes the project's strings to bookday/locale (first in LOCALE_PATHS) and leaves
# the admin catalogue bookday/locale_admin alone; admin_messages says what Wagtail's Vietnamese
# still lacks (after a Wagtail upgrade: `manage.py admin_messages --merge`, then translate).
# compilemessages compiles both.
messages: $(VENV)/.dev
	$(MANAGE) makemessages -l vi --no-obsolete --add-location file
	$(MANAGE) admin_messages
	$(MANAGE) compilemessages -l vi

# The production topology on this machine (nginx, 2 app servers, PgBouncer, Redis, a worker, over
# PostgreSQL) under a fair morning's load with faults injected; the invariants' table goes to
# docs/rehearsal.md. REHEARSAL_SECONDS (default 600) sets the load's length; the short run (about
# two minutes of load, every fault once) is what CI runs. Needs nginx, pgbouncer, redis-server.
rehearsal: system-deps $(VENV)/.runtime
	$(BIN)/python deploy/rehearsal/run.py

rehearsal-short: system-deps $(VENV)/.runtime
	$(BIN)/python deploy/rehearsal/run.py --short

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
	rm -rf $(VENV) .test.sqlite3 .test-clock.sqlite3 .pytest_cache .ruff_cache
