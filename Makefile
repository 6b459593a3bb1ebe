PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup test lint demo bench bench-memory clean

$(BIN)/cmelog: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(BIN)/cmelog

setup: $(BIN)/cmelog

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
