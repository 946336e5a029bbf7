# Two commands set Hearth up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# Local runs and the test suite use development settings; production sets DEBUG=0.
export DEBUG ?= 1

.PHONY: run test install lint lock messages

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Hearth needs Python 3.12 or newer (found " + sys.version.split()[0] + ").")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

# The task worker (emails, shift reminders) runs next to the server and stops with it,
# however the server stops (Ctrl-C, a crash).
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py shift_reminders --start
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Regenerate the hashed lock after editing pyproject.toml (needs uv).
lock:
	UV_PYTHON_DOWNLOADS=never uv pip compile pyproject.toml --group dev --universal \
		--python-version 3.12 --generate-hashes --no-header -o requirements.lock

# Extract Hearth's strings into locale/es (the first of LOCALE_PATHS, the only one
# makemessages writes to), then compile every catalog of LOCALE_PATHS: locale/es and the
# hand-written core/allauth_wording/{en,es}.
messages: install
	$(BIN)/python manage.py makemessages -l es --no-obsolete --extension html,txt,py,subject
	$(BIN)/python manage.py compilemessages --ignore=.venv -l es -l en

# Load benchmark (bench/README.md): builds a synthetic data set at BENCH_SCALE, serves it
# with gunicorn and production settings on 127.0.0.1, measures each page for
# BENCH_DURATION seconds at BENCH_CONNECTIONS concurrent connections; JSON in var/bench/.
# BENCH_DB=postgres runs on a throwaway PostgreSQL cluster (.ci/postgres.sh);
# BENCH_DATABASE_URL=... on a database of your own (bench_data refuses one with real data).
BENCH_SCALE ?= 0.1
BENCH_DB ?= sqlite
BENCH_DATABASE_URL ?=
BENCH_DURATION ?= 10
BENCH_WARMUP ?= 2
BENCH_CONNECTIONS ?= 32
BENCH_WORKERS ?= 2
BENCH_ARGS ?=

.PHONY: bench
bench: install
	$(BIN)/python bench/run.py --scale $(BENCH_SCALE) --db $(BENCH_DB) \
		--database-url "$(BENCH_DATABASE_URL)" --duration $(BENCH_DURATION) \
		--warmup $(BENCH_WARMUP) --connections $(BENCH_CONNECTIONS) \
		--workers $(BENCH_WORKERS) $(BENCH_ARGS)
