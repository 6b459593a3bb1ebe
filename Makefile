PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup test lint demo bench bench-memory clean check-python

# First of all: a Python that can run cmelog, said in one sentence when it cannot.
check-python:
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
	  echo "cmelog needs Python 3.11 or newer, but '$(PY)' is $$($(PY) -V 2>/dev/null || echo 'not found'); install Python 3.11+ and run make again (or: make PY=python3.12)." >&2; \
	  exit 1; }

$(BIN)/cmelog: pyproject.toml | check-python
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(BIN)/cmelog

setup: check-python $(BIN)/cmelog

lint: setup
	$(BIN)/ruff check cmelog tests benchmarks
	$(BIN)/ruff format --check cmelog tests benchmarks
	$(BIN)/mypy

test: setup lint
	$(BIN)/pytest -q -n auto

demo: setup
	bash scripts/demo.sh $(BIN)/cmelog

bench: setup
	$(BIN)/python benchmarks/bench.py

bench-memory: setup
	$(BIN)/python benchmarks/bench_memory.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
