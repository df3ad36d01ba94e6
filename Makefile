# 明镜 — the two commands a newcomer needs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-browser test-postgres lint bench bench-postgres setup clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# Reinstall only when the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/mingjing migrate --noinput
	$(BIN)/mingjing demo

run: setup
	$(BIN)/mingjing serve --host 127.0.0.1 --port 8000

# The whole suite, browser tests included (they skip themselves without /usr/bin/chromium).
# .ci/run installs chromium first and relies on this: it does not run the browser tests again.
test: $(STAMP)
	$(BIN)/mingjing check
	$(BIN)/python manage.py test --noinput --exclude-tag browser
	$(BIN)/python manage.py test --noinput --tag browser

# Browser tests alone (they skip themselves when /usr/bin/chromium is missing).
test-browser: $(STAMP)
	$(BIN)/python manage.py test --noinput --tag browser

# The suite against PostgreSQL (127.0.0.1:5432, user postgres); the runner creates and drops test_<db>.
test-postgres: $(STAMP)
	MINGJING_DATABASE_URL=$${MINGJING_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mingjing_ci} \
		$(BIN)/python manage.py test --noinput --exclude-tag browser

lint: $(STAMP)
	$(BIN)/ruff check .

# Every benchmark but bench/postgres.py (make bench-postgres: it needs a PostgreSQL server and builds 1 M items).
bench: $(STAMP)
	@for f in bench/[a-z]*.py; do [ "$$f" = bench/postgres.py ] && continue; echo "== $$f"; MINGJING_ALLOWED_HOSTS=testserver $(BIN)/python "$$f" || exit 1; done

clean:
	rm -rf $(VENV) var/

# PostgreSQL plans at province size (not in CI: builds 1 M items in a scratch database mingjing_bench
# on 127.0.0.1:5432, user postgres, and drops it): MISS on a sequential scan of items, roster or people;
# then the pages at 5,000 units and 100× one meeting's records on PostgreSQL (bench/pages.py --postgres).
bench-postgres: $(STAMP)
	MINGJING_ALLOWED_HOSTS=testserver $(BIN)/python bench/postgres.py
	MINGJING_ALLOWED_HOSTS=testserver $(BIN)/python bench/pages.py --postgres
