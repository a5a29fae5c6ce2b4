# EduFlow: `make run` serves the demo school, `make test` runs the whole suite, `make lint` runs ruff.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app eduflow
PORT ?= 5000
# pytest-xdist workers for `make test`: one per core
JOBS ?= auto
HOST ?= 127.0.0.1

.PHONY: run test lint install dev translations extract-messages vendor upgrade benchmark loadtest clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[postgres,mysql,server]'
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev,postgres,mysql,server]'
	touch $@

install: $(VENV)/.installed translations

dev: $(VENV)/.dev-installed translations

# Catalogues are compiled at install time; the .mo files are build output and not committed.
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile --use-fuzzy -d eduflow/translations -D messages

extract-messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o eduflow/translations/messages.pot --no-location --sort-output .
	$(VENV)/bin/pybabel update -i eduflow/translations/messages.pot -d eduflow/translations -D messages --no-fuzzy-matching --ignore-obsolete

upgrade: install
	$(FLASK) db upgrade

run: upgrade
	$(FLASK) demo-data --if-empty
	@echo "Demo logins (password eduflow-demo-school): admin, manager1, sales1, sales2, academic1, teacher1, teacher3, manager2, sales3, teacher2"
	@echo "Parent logins at http://$(HOST):$(PORT)/p/login (same password): 13800000001 (two children), 13800000002"
	@echo "Serving on http://$(HOST):$(PORT); the notifications worker runs beside it"
	$(FLASK) notifications worker --workers 1 & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# Every core runs tests (pytest-xdist; the slow ones first, and a worker that runs dry takes over the other's
# waiting tests); the 15 slowest are listed at the end.
test: dev
	$(PY) -m pytest -n $(JOBS) --dist worksteal --durations=15

# ruff's rules are in pyproject.toml; .ci/run fails on any finding.
lint: dev
	$(VENV)/bin/ruff check .

# Every main screen and action timed on a chain-sized campus (bench-data: 100,000 leads, 1,000,000
# follow-ups at SCALE=1), on a throw-away SQLite database or BENCH_DATABASE_URL (an empty one).
benchmark: install
	$(FLASK) benchmark --scale $${SCALE:-1.0} $${BENCH_DATABASE_URL:+--database-url $$BENCH_DATABASE_URL}

# 50 users of mixed roles for 60 s against gunicorn on PostgreSQL, then a consistency check.
loadtest: install
	$(PY) -m pip install --quiet -e '.[load]'
	tests/load/run.sh

# Re-copy the pinned front-end libraries (package.json) into static/vendor/; needs npm.
vendor:
	scripts/vendor.sh

clean:
	rm -rf $(VENV) .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
