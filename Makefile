# The two commands: `make run` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-12)
MANAGE := $(BIN)/python manage.py
HOST ?= 0.0.0.0
PORT ?= 8000

.PHONY: run test test-dates smoke install chromium db migrate demo stop bench lint schema messages clean

# The job worker (imports, workflows, webhooks, emails) runs next to the web server and stops with it.
# The addresses the app hands out (signup's new company, emails) carry the port it is served on.
run: demo
	@echo "Serving http://localhost:$(PORT)/ (public) and http://demo.localhost:$(PORT)/ (demo tenant)"
	export PUBLIC_URL_PORT=$(PORT); $(MANAGE) procrastinate worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	$(MANAGE) runserver $(HOST):$(PORT)

# pytest-xdist workers, each with its own test database and session tenants (README: "Tests"); 0 runs in-process.
TEST_WORKERS ?= 2
test: db
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The date-sensitive part of the suite again, the clock moved to year and month boundaries (tests/conftest.py
# --today): 1 January at 00:30 is still 31 December in UTC.
DATED_TESTS := tests/sales tests/accounting tests/banking tests/sepa tests/workflows tests/imports \
	tests/web/test_dashboard.py tests/web/test_automation_pages.py tests/test_clock.py
MOVED_DAYS ?= 2027-12-31 2028-01-01T00:30 2028-02-29
test-dates: db
	@for day in $(MOVED_DAYS); do \
	  echo "== clock moved to $$day"; \
	  $(BIN)/python -m pytest -n $(TEST_WORKERS) --today $$day $(PYTEST_ARGS) $(DATED_TESTS) || exit 1; \
	done

smoke: db
	$(BIN)/python -m pytest -m smoke $(PYTEST_ARGS)

install: $(STAMP) chromium

# The browser tests drive Debian's Chromium (Playwright's own browser downloads are not used).
chromium:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

$(STAMP):
	@[ -n "$(PYTHON)" ] || { echo "Python 3.11+ is required"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

# The embedded PostgreSQL (under .data/) when DATABASE_URL is unset; it keeps running until `make stop`.
db: install
	@if [ -z "$$DATABASE_URL" ]; then $(BIN)/python -m saas.devdb start >/dev/null; fi

migrate: db
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable

demo: migrate
	PUBLIC_URL_PORT=$(PORT) $(MANAGE) demo

stop:
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m saas.devdb stop; fi

bench: migrate
	$(BIN)/python bench/tenant_signup.py
	$(BIN)/python bench/record_page.py
	$(BIN)/python bench/invoicing.py
	$(BIN)/python bench/drilldown.py
	$(BIN)/python bench/permissions.py
	$(BIN)/python bench/web_pages.py
	$(BIN)/python bench/import.py

lint: install
	$(BIN)/ruff check saas tenants web tests bench
	$(BIN)/lint-imports

schema: install
	DJANGO_SETTINGS_MODULE=saas.settings.test $(BIN)/python -m saas.api.export_schema

clean: stop
	rm -rf .data $(VENV)

messages: install
	$(MANAGE) makemessages -l fr --ignore ".venv/*" --ignore ".data/*" --ignore "tests/*" --ignore "bench/*"
	$(MANAGE) compilemessages --ignore ".venv/*"
