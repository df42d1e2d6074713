# Two commands do all the set-up on a fresh machine: `make test` and `make plan STACK=prod`.
# Each builds .venv on first use (and again whenever pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= dev
PLAN_DIR := build/plans

.PHONY: test lint typecheck unit example plan plans clean bench bench-ci

$(BIN)/azplatform: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

lint: $(BIN)/azplatform
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy sees the packages under their installed names (azplatform.*) through a tree of links to the folders.
TYPECHECK := build/typecheck
typecheck: $(BIN)/azplatform
	@mkdir -p $(TYPECHECK)/azplatform
	@for pkg in components plan stacks policy; do ln -sfn ../../../$$pkg $(TYPECHECK)/azplatform/$$pkg; done
	MYPYPATH=$(TYPECHECK) $(BIN)/mypy -p azplatform.components -p azplatform.plan -p azplatform.stacks -p azplatform.policy -p benchmarks
	cd examples/team-app && MYPYPATH=../../$(TYPECHECK) ../../$(BIN)/mypy --strict team_app tests components

unit: $(BIN)/azplatform
	$(BIN)/pytest -q

# The library outside this repo: build the wheel, install it in a clean virtualenv with only what the example
# needs, and run the example team stack's tests there (examples/team-app, docs/testing.md).
EXAMPLE_VENV := build/example-venv
example: $(BIN)/azplatform
	rm -rf build/dist $(EXAMPLE_VENV)
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir build/dist .
	$(PYTHON) -m venv $(EXAMPLE_VENV)
	$(EXAMPLE_VENV)/bin/pip install --quiet --upgrade pip
	$(EXAMPLE_VENV)/bin/pip install --quiet build/dist/azplatform-*.whl pytest
	cd examples/team-app && ../../$(EXAMPLE_VENV)/bin/python -m pytest -q -p no:cacheprovider

test: lint typecheck unit example

plan: $(BIN)/azplatform
	@mkdir -p $(PLAN_DIR)
	$(BIN)/azplatform plan --stack $(STACK) --json $(PLAN_DIR)/$(STACK).json

# Benchmarks (benchmarks/, README "Benchmarks"): the full run rewrites benchmarks/results and the README figures;
# the short run writes build/bench and exits 1 when a target is missed.
bench: $(BIN)/azplatform
	$(BIN)/python -m benchmarks

bench-ci: $(BIN)/azplatform
	$(BIN)/python -m benchmarks --quick

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
