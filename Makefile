# Two commands do all the set-up on a fresh machine: `make test` and `make plan STACK=prod`.
# Each builds .venv on first use (and again whenever pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STACK ?= dev
PLAN_DIR := build/plans
AZPLATFORM := $(BIN)/azplatform
# uv installs the dependencies (pip bootstraps it into the venv): it resolves, downloads and links in parallel
# and from its cache. It compiles the bytecode at install (--compile-bytecode, on every core), as pip does: where
# PYTHONDONTWRITEBYTECODE is set, nothing else would, and every process (each benchmark render) would compile the
# azure-native modules it imports again, which distorts the timings and peak memory the benchmarks measure.
UV_SPEC := uv>=0.9,<1
UV := $(BIN)/uv

.PHONY: test lint workflows typecheck unit bench-check example plan clean bench bench-ci

# The venv itself comes from `python -m venv` (with pip: Pulumi's pip toolchain runs the program from it).
$(BIN)/azplatform: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet '$(UV_SPEC)'
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	touch $@

lint: $(BIN)/azplatform
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy sees the packages under their installed names (azplatform.*) through a tree of links to the folders. The
# example is checked with the same options and cache, so that it reuses what the first run learnt of the SDK (its own
# cache would analyse the azure-native modules all over again: most of a cold typecheck's time).
TYPECHECK := build/typecheck
typecheck: $(BIN)/azplatform
	@mkdir -p $(TYPECHECK)/azplatform
	@for pkg in components plan stacks policy; do ln -sfn ../../../$$pkg $(TYPECHECK)/azplatform/$$pkg; done
	MYPYPATH=$(CURDIR)/$(TYPECHECK) $(BIN)/mypy -p azplatform.components -p azplatform.plan -p azplatform.stacks \
		-p azplatform.policy -p benchmarks
	cd examples/team-app && MYPYPATH=$(CURDIR)/$(TYPECHECK) $(CURDIR)/$(BIN)/mypy --strict \
		--config-file $(CURDIR)/pyproject.toml --cache-dir $(CURDIR)/.mypy_cache team_app tests components

# The GitHub workflows: actionlint (with shellcheck for the run: scripts), zizmor's offline audits, and shellcheck
# for the scripts they call.
workflows: $(BIN)/azplatform
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/actionlint
	$(BIN)/zizmor --offline --quiet .github/workflows
	$(BIN)/shellcheck .github/scripts/*.sh

# Each step has its own time budget in CPU seconds (tests/conftest.py fails a run that overruns it; CPU time, as
# other load on a shared machine stretches the wall clock).
# The unit suite runs on two workers (pytest-xdist), each rendering a stack once, in-process (about 92 s wall, 185
# CPU s since the stacks gained AI services and flow logs: a render is ~20% larger); the benchmark regression checks
# (marker `bench`) time subprocess renders, two side by side, and run on their own after it (about 45 s wall, 75 CPU
# s).
UNIT_BUDGET ?= 220
BENCH_BUDGET ?= 110
unit: $(BIN)/azplatform
	$(BIN)/pytest -q -m "not bench" -n 2 --time-budget $(UNIT_BUDGET)

bench-check: $(BIN)/azplatform
	$(BIN)/pytest -q -m bench --time-budget $(BENCH_BUDGET)

# The library outside this repo: build the wheel, install it in a clean virtualenv with only what the example
# needs, and run the example team stack's tests there (examples/team-app, docs/testing.md). uv installs it without
# compiling bytecode: the example's few tests import a small part of the SDK, once.
EXAMPLE_VENV := build/example-venv
example: $(BIN)/azplatform
	rm -rf build/dist $(EXAMPLE_VENV)
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir build/dist .
	$(PYTHON) -m venv --without-pip $(EXAMPLE_VENV)
	$(UV) pip install --quiet --python $(EXAMPLE_VENV)/bin/python build/dist/azplatform-*.whl pytest
	cd examples/team-app && ../../$(EXAMPLE_VENV)/bin/python -m pytest -q -p no:cacheprovider

test: lint workflows typecheck unit bench-check example

# `make plan` exits with the CLI's own status: 0 clean, 1 a mandatory policy violation, 2 an invalid config.
# GNU make exits 2 for any failed recipe, whatever its status; only in question mode (-q) does it pass a recipe's
# status 1 through ("not up to date"). So when plan is the only goal, make runs in question mode, where only the
# lines marked `+` run: the recipe builds the venv through a sub-make out of question mode, then runs the CLI.
# (With other goals beside it, plan runs the same lines and a failure is make's usual 2.)
ifeq ($(MAKECMDGOALS),plan)
MAKEFLAGS += -q
endif
plan:
	+@env -u MAKEFLAGS $(MAKE) --no-print-directory PYTHON='$(PYTHON)' $(BIN)/azplatform
	+@mkdir -p $(PLAN_DIR)
	+$(AZPLATFORM) plan --stack $(STACK) --json $(PLAN_DIR)/$(STACK).json

# Benchmarks (benchmarks/, README "Benchmarks"): the full run rewrites benchmarks/results and the README figures;
# the short run writes build/bench and exits 1 when a target is missed.
bench: $(BIN)/azplatform
	$(BIN)/python -m benchmarks

bench-ci: $(BIN)/azplatform
	$(BIN)/python -m benchmarks --quick

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
