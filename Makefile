# kehoach — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BIND   ?= 127.0.0.1:8000
PASSWORD ?= kehoach@2025
# Every package pinned, with hashes (`make lock` writes it from pyproject.toml's ranges).
LOCK   := requirements.lock
EXTRAS := test dev bench
LOCK_ARGS ?=

.PHONY: install lock run test lint typecheck format bench profile messages clean parser-eval

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check || { echo "$(LOCK) does not fit pyproject.toml: run make lock"; exit 1; }
	touch $(STAMP)

install: $(STAMP)

# Write the lock again from pyproject.toml, keeping the pins still allowed;
# `make lock LOCK_ARGS=--upgrade` moves every package to its newest allowed release.
# Needs only uv (the one the lock pins), so it works when the lock no longer fits.
lock:
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet \
	  "$$(grep -o -m1 '^uv==[^ ]*' $(LOCK) 2>/dev/null || echo uv)"; }
	$(BIN)/uv pip compile pyproject.toml $(addprefix --extra ,$(EXTRAS)) --universal \
	  --python-version 3.11 --generate-hashes --custom-compile-command 'make lock' \
	  --quiet $(LOCK_ARGS) -o $(LOCK)

run: install
	$(BIN)/kehoach demo --password '$(PASSWORD)'
	$(BIN)/kehoach serve --bind $(BIND)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check $(wildcard src tests bench)
	$(BIN)/ruff format --check $(wildcard src tests bench)
	$(MAKE) --no-print-directory typecheck

# mypy on the modules listed in pyproject.toml ([tool.mypy] files)
typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix $(wildcard src tests bench)
	$(BIN)/ruff format $(wildcard src tests bench)

bench: install
	$(BIN)/python -m bench

# where a request's milliseconds go (cProfile, in-process, national scale): docs/performance.md
profile: install
	$(BIN)/python -m bench.profile --profiles --queries

# The plan reader scored on real published plan texts (recall and precision per text).
parser-eval: install
	$(BIN)/kehoach parse_eval tests/data/plans/real --detail

messages: install
	cd src/kehoach && ../../$(BIN)/kehoach makemessages -l vi --no-obsolete && ../../$(BIN)/kehoach compilemessages -l vi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache .hypothesis
