# kehoach — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BIND   ?= 127.0.0.1:8000
PASSWORD ?= kehoach@2025

.PHONY: install run test lint format bench messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev,bench]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/kehoach demo --password '$(PASSWORD)'
	$(BIN)/kehoach serve --bind $(BIND)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check $(wildcard src tests bench)
	$(BIN)/ruff format --check $(wildcard src tests bench)

format: install
	$(BIN)/ruff check --fix $(wildcard src tests bench)
	$(BIN)/ruff format $(wildcard src tests bench)

bench: install
	$(BIN)/python -m bench

messages: install
	cd src/kehoach && ../../$(BIN)/kehoach makemessages -l vi --no-obsolete && ../../$(BIN)/kehoach compilemessages -l vi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .hypothesis
