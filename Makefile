# DutyDesk: `make run` serves the demo centre, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format messages bench-roster bench-complaints clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: install
	DUTYDESK_ENV=$${DUTYDESK_ENV:-demo} $(BIN)/dutydesk demo --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-extract the web pages' messages and merge them into web/locale/*/messages.po; then
# translate the new entries (tests/web/test_i18n.py fails while one is missing).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --omit-header -o web/locale/messages.pot .
	$(BIN)/pybabel update -i web/locale/messages.pot -d web/locale -D messages --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
	rm web/locale/messages.pot

bench-roster: install
	$(BIN)/python bench/roster_benchmark.py --seconds 60

bench-complaints: install
	$(BIN)/python bench/complaints_benchmark.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis dutydesk.db*
