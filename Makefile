# Two commands a newcomer needs: `make demo` (start the embedded hub with demo data) and
# `make test` (the whole suite: lint, types, architecture contracts, tests on both shapes).
PYTHON ?= python3.11
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: install demo test lint contract-fuzz bench clean

$(BIN)/hub: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/hub

install: $(BIN)/hub

demo: install
	$(BIN)/hub demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# The property test over the real GIS contract with 200 random valid instances per operation and
# shape instead of the suite's 30 (tests/fuzz; needs ../shared and the servers of `make test`).
contract-fuzz: install
	HUB_FUZZ_EXAMPLES=200 $(BIN)/pytest -q tests/fuzz $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) hub-data .pytest_cache .mypy_cache .ruff_cache
