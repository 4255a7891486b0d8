# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Where `make run` serves; `make demo` prints the same addresses (make run PORT=8001).
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint check sync install demo bench-labs bench-dashboard bench-sim loadtest clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py lessons sync
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy learn
	DJANGO_DEBUG=1 $(BIN)/python manage.py lessons check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy learn

check sync: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py lessons $@

demo: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py lessons sync
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo --base-url http://$(HOST):$(PORT)

bench-dashboard: $(STAMP)
	$(BIN)/python scripts/bench_dashboard.py

bench-labs: $(STAMP)
	$(BIN)/python scripts/bench_labs.py

bench-sim: $(STAMP)
	$(BIN)/python scripts/bench_sim.py

loadtest: $(STAMP)
	$(BIN)/python scripts/loadtest.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache
