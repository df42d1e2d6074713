"""Shared fixtures: each stack is rendered once per test session, and tests assert on that one plan."""

from __future__ import annotations

import copy
import functools
import resource
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from azplatform.stacks.config import deep_merge
from azplatform.stacks.offline import Plan, read_stack, render, render_stack
from azplatform.stacks.offline.harness import InvokeHandler
from azplatform.stacks.program import main as program_main

ROOT = Path(__file__).resolve().parent.parent
STACKS = ("dev", "staging", "prod")


# --- time budget (make test gives each pytest step one) ----------------------------------------------------------
# CPU seconds, not wall clock: on a shared machine other load stretches the wall clock of a run several times over,
# while the CPU time the run itself spends (pytest and the processes it waited for) stays what it costs.

_STARTED = pytest.StashKey[float]()


def _cpu_seconds() -> float:
    """CPU time since this process started (imports included), plus that of the subprocesses it waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--time-budget",
        type=float,
        default=None,
        metavar="CPU_SECONDS",
        help="fail a run that passes but spends more CPU time than this (pytest and its subprocesses)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_STARTED] = time.monotonic()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    budget = session.config.getoption("--time-budget")
    cpu, wall = _cpu_seconds(), time.monotonic() - session.config.stash[_STARTED]
    if budget is None or exitstatus != 0 or cpu <= budget:
        return
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = (
        f"time budget exceeded: the run spent {cpu:.1f} CPU s ({wall:.1f} s wall), over its budget of {budget:g} CPU s"
    )
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_line(message, red=True, bold=True)
    else:  # pragma: no cover - pytest without its terminal reporter
        print(message)


@pytest.fixture(scope="session")
def project_dir() -> Path:
    """The repository root, holding Pulumi.yaml and the stack files."""
    return ROOT


@pytest.fixture(scope="session")
def dev_plan() -> Plan:
    """Pulumi.dev.yaml rendered once."""
    return render_stack(ROOT, "dev")


@pytest.fixture(scope="session")
def staging_plan() -> Plan:
    """Pulumi.staging.yaml rendered once."""
    return render_stack(ROOT, "staging")


@pytest.fixture(scope="session")
def prod_plan() -> Plan:
    """Pulumi.prod.yaml rendered once."""
    return render_stack(ROOT, "prod")


@pytest.fixture(scope="session")
def plans(dev_plan: Plan, staging_plan: Plan, prod_plan: Plan) -> dict[str, Plan]:
    """All three stacks, by name."""
    return {"dev": dev_plan, "staging": staging_plan, "prod": prod_plan}


REDIS_STREAMS_RULE: dict[str, Any] = {
    "type": "redis-streams",
    "stream": "orders",
    "consumerGroup": "workers",
    "lagCount": 20,
    "passwordSecret": "redis-password",
}
REDIS_STREAMS_WORKER: dict[str, Any] = {
    "redis": {"accessKeysForKeda": True, "accessKeysExpireOn": "2099-12-31"},
    "apps": {"worker": {"secrets": {"redis-password": "redis-streams-password"}, "scaleRules": [REDIS_STREAMS_RULE]}},
}
"""The Redis Streams option for the worker (the stacks' worker scales on Service Bus): KEDA's password-only scaler on
the platform's Redis, with the time-boxed access-key exception it needs (overrides for a stack's values)."""


def stack_values(stack: str) -> dict[str, Any]:
    """A stack file's ``azplatform:`` values, without the namespace (a fresh copy, for building variants)."""
    return copy.deepcopy(_stack_values(stack))


@functools.cache
def _stack_values(stack: str) -> dict[str, Any]:
    config = read_stack(ROOT, stack).config
    return {k.split(":", 1)[1]: v for k, v in config.items() if k.startswith("azplatform:")}


def render_variant(
    stack: str, overrides: Mapping[str, Any], invokes: Mapping[str, InvokeHandler] | None = None
) -> Plan:
    """Render a stack with ``overrides`` deep-merged into its ``azplatform:`` values (for scenario fixtures);
    ``invokes`` adds to or replaces the harness's invoke answers."""
    stack_file = read_stack(ROOT, stack)
    values = deep_merge(stack_values(stack), overrides)
    config = {k: v for k, v in stack_file.config.items() if not k.startswith("azplatform:")}
    config.update({f"azplatform:{k}": v for k, v in values.items()})
    return render(program_main, project=stack_file.project, stack=stack, config=config, invokes=invokes)


@pytest.fixture(scope="session")
def variant() -> Callable[[str, Mapping[str, Any]], Plan]:
    """``variant(stack, overrides)`` renders a modified stack. Use it in a session fixture, not per test."""
    return render_variant


# --- policy ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def policy_estate() -> Plan:
    """A compliant, everything-on prod estate built with the real SDK (tests/policy_fixture.py), rendered once."""
    from tests.policy_fixture import render_fixture

    return render_fixture()
