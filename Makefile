# Minsheng: two commands for a fresh machine — `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/minsheng
HOST ?= 127.0.0.1
PORT ?= 8000
# Django's SECRET_KEY for this checkout (demo, tests, bench): random, made once, kept out of
# git in var/. A SECRET_KEY already in the environment wins. The settings refuse to start
# without one unless DEBUG=1; to run pytest or minsheng by hand, export it first:
#   export SECRET_KEY="$(cat var/secret_key)"
KEY_FILE := var/secret_key
WITH_KEY = SECRET_KEY="$${SECRET_KEY:-$$(cat $(KEY_FILE))}"

.PHONY: install demo serve test test-sqlite test-postgres lint typecheck migrations-check browser wrk gettext bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(KEY_FILE):
	@mkdir -p $(dir $@)
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

install: $(STAMP) $(KEY_FILE)

demo: install
	$(WITH_KEY) $(BIN)/minsheng migrate --noinput
	$(WITH_KEY) $(BIN)/minsheng seed_demo --reset
	@echo
	@echo "Minsheng demo county: http://$(HOST):$(PORT)/   (Ctrl-C to stop)"
	$(WITH_KEY) $(BIN)/minsheng demo_logins
	@echo "Open311 (GeoReport v2) at http://$(HOST):$(PORT)/open311/v2/ — an API key for trying POST requests:"
	$(WITH_KEY) $(BIN)/minsheng open311_key create --name "demo client"
	@echo "REST API docs: http://$(HOST):$(PORT)/api/docs/"
	# The demo is not DEBUG; the console SMS gateway still prints each code it "sends".
	$(WITH_KEY) MINSHENG_SMS_ECHO=$${MINSHENG_SMS_ECHO:-1} $(BIN)/minsheng runserver --noreload $(HOST):$(PORT)

serve: install
	$(WITH_KEY) $(BIN)/minsheng runserver $(HOST):$(PORT)

# Debian's Chromium for the browser tests (no browser download at run time).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "Install Debian's chromium package (sudo apt-get install chromium) for the browser tests"; exit 1; fi; }

# Debian's wrk drives the bench's HTTP load from its own light process (C, event loop, Lua
# scripts): a Python client inside the bench would take half of the two cores. The bench's
# smoke test (tests/bench, PostgreSQL) drives a tiny run through it, so the tests need it too.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "Install Debian's wrk package (sudo apt-get install wrk) for the bench"; exit 1; fi; }

# GNU gettext's xgettext: the translations test checks the catalogue holds every message.
gettext:
	@command -v xgettext >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else echo "Install GNU gettext (sudo apt-get install gettext) for the translations test"; exit 1; fi; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install
	$(WITH_KEY) $(BIN)/mypy minsheng

migrations-check: install
	$(WITH_KEY) $(BIN)/minsheng makemigrations --check --dry-run

test-sqlite: install browser gettext wrk
	$(WITH_KEY) MINSHENG_VAR_DIR=$(CURDIR)/var/test $(BIN)/pytest -q

test-postgres: install browser gettext wrk
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not answering on 127.0.0.1:5432"; exit 1; }
	$(WITH_KEY) DATABASE_URL=$(PG_URL) MINSHENG_VAR_DIR=$(CURDIR)/var/test-pg \
	  MINSHENG_TEST_REDIS_URL=redis://127.0.0.1:6379/13 $(BIN)/pytest -q

# The two databases' runs share nothing (own files, own Redis database), so on a machine of
# two cores or more they run side by side; each run's output is printed whole when it ends.
test: lint typecheck migrations-check browser gettext wrk
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

bench: install wrk
	$(WITH_KEY) DATABASE_URL=$(PG_URL) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
