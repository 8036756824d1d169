# The clinic platform. `make run` serves a demo on 127.0.0.1:8000; `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint worker migrate seed install install-dev system-deps browser-deps bench bench-deps clean schema fuzz

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

install: system-deps $(VENV)/.installed
install-dev: system-deps browser-deps $(VENV)/.installed-dev

# weasyprint needs Pango; the invoices need fonts covering Latin, Cyrillic and Armenian; the demo
# site's illustrations are drawn from SVG by cairosvg (libcairo).
system-deps:
	@if ! ldconfig -p 2>/dev/null | grep -q libpango-1.0 || ! ldconfig -p 2>/dev/null | grep -q libcairo.so.2 \
	    || [ -z "$$(fc-list :lang=hy 2>/dev/null)" ] \
	    || [ -z "$$(fc-list :lang=ru 2>/dev/null)" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing the system libraries weasyprint needs (apt-get)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libcairo2 fontconfig fonts-dejavu-core fonts-noto-core >/dev/null; \
	  else \
	    echo "Missing Pango, Cairo or fonts: install libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fonts-dejavu-core fonts-noto-core (see README)."; \
	  fi; \
	fi

# Browser tests drive Debian's Chromium through Playwright (no browser download); Caddy validates
# the production proxy's Caddyfile.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v caddy >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium and Caddy for the browser and deployment tests (apt-get)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium caddy >/dev/null; \
	  else \
	    echo "Chromium or Caddy not found: their tests will be skipped (install the chromium and caddy packages)."; \
	  fi; \
	fi

# The staff front end (frontend/, the agenda scheduler): Node and npm from Debian's packages, `npm ci`
# when node_modules is missing or the lock changed, the API client generated from the committed
# schema/openapi.yaml, a type check, then the bundle into erp/clinical/static/clinical/agenda/.
.PHONY: frontend node-deps
node-deps:
	@if ! command -v npm >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Node.js and npm for the front end (apt-get)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  else \
	    echo "npm not found: install Debian's nodejs and npm packages."; exit 1; \
	  fi; \
	fi

frontend/node_modules/.package-lock.json: frontend/package-lock.json | node-deps
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

frontend: frontend/node_modules/.package-lock.json | node-deps
	cd frontend && npm run --silent build

# Without DATABASE_URL, every command below runs on the embedded PostgreSQL under var/pgdata.
migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed frontend
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "Serving on http://$(HOST):$(PORT)/fr/  -  admin: http://$(HOST):$(PORT)/admin/ (admin@clinic.test / demo-admin-2026, code: manage.py totp_code admin@clinic.test)"
	$(PY) manage.py runserver $(HOST):$(PORT)

worker: install
	$(PY) manage.py run_huey

# Benchmarks (not part of `make test`): PostgreSQL from DATABASE_URL or embedded, gunicorn under
# production settings, wrk from Debian's packages. BENCH_ARGS e.g. "--only pages,search --repeats 5".
bench-deps:
	@if ! command -v wrk >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing wrk for the benchmarks (apt-get)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "wrk not found: install Debian's wrk package (apt-get install wrk)."; exit 1; \
	  fi; \
	fi

bench: install-dev bench-deps
	$(PY) bench/run.py $(BENCH_ARGS)

# Lighthouse (npm package pinned in bench/lighthouse/package-lock.json, Debian's Chromium through
# CHROME_PATH, no browser download) on the demo site served by gunicorn under production settings:
# home, a service and a post in fr and hy, mobile profile. Scores in bench/results/site-audit-latest.*
# Not part of `make test`. AUDIT_ARGS e.g. "--skip-setup".
.PHONY: audit-site
audit-site: install browser-deps
	$(PY) bench/audit_site.py $(AUDIT_ARGS)

# The suite runs in TEST_WORKERS processes (pytest-xdist; each has its own test database): the
# machine's CPUs, at most 4. TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ "$$n" -gt 4 ] && n=4; echo $$n)
test: install-dev frontend
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The committed API contract; a test fails when the code's schema differs from it.
schema: install-dev
	$(PY) manage.py spectacular --file schema/openapi.yaml --validate --fail-on-warn

# A longer schemathesis run than the suite's: more examples, every role with API access, the
# coverage phase (boundary values). Needs PostgreSQL as `make test` does.
FUZZ_MAX_EXAMPLES ?= 40
FUZZ_ROLES ?= admin,practitioner,reception,accounting,marketing,distribution_manager,distributor
fuzz: install-dev
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) FUZZ_ROLES=$(FUZZ_ROLES) FUZZ_COVERAGE=1 \
	  $(PY) -m pytest erp/core/tests/test_api_fuzz.py -p no:cacheprovider -q $(PYTEST_ARGS)

# The screenshots of docs/screens/ (fr and hy, 1366 px wide), taken by the role walks in Chromium.
.PHONY: screens
screens: install-dev
	SCREENS=1 $(PY) -m pytest -m screens -n 0 -p no:cacheprovider -q $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var/pgdata var/huey.sqlite3 var/media var/static
