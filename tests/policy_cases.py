"""Helpers for the policy tests: copy a plan, find a resource, mutate its inputs."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from typing import Any

from azplatform.policy.model import Resource
from azplatform.policy.offline import resources_of
from azplatform.stacks.offline import Plan

Inputs = dict[str, Any]
Mutation = Callable[[Inputs], None]


def copy_plan(plan: Plan) -> Plan:
    """A deep copy, through the JSON form (so it is also what a saved plan reads back as)."""
    return Plan.from_dict(json.loads(json.dumps(plan.to_dict())))


def find(plan: Plan, name: str) -> Resource:
    """The estate resource with this logical name, as rules see it."""
    found = [r for r in resources_of(plan) if r.name == name]
    assert len(found) == 1, f"{name}: {len(found)} found"
    return found[0]


def with_inputs(resource: Resource, mutate: Mutation | None = None, **changes: Any) -> Resource:
    """A copy of ``resource`` with its inputs mutated and fields replaced."""
    inputs = copy.deepcopy(dict(resource.inputs))
    if mutate is not None:
        mutate(inputs)
    return dataclasses.replace(resource, inputs=inputs, **changes)


def setp(*path: str | int, value: Any) -> Mutation:
    """Set ``path`` (creating objects on the way) to ``value``."""

    def mutate(inputs: Inputs) -> None:
        node: Any = inputs
        for step in path[:-1]:
            node = node.setdefault(step, {}) if isinstance(step, str) else node[step]
        node[path[-1]] = value

    return mutate


def delp(*path: str | int) -> Mutation:
    """Delete ``path``."""

    def mutate(inputs: Inputs) -> None:
        node: Any = inputs
        for step in path[:-1]:
            node = node[step]
        del node[path[-1]]

    return mutate


def append(*path: str | int, value: Any) -> Mutation:
    """Append ``value`` to the list at ``path``."""

    def mutate(inputs: Inputs) -> None:
        node: Any = inputs
        for step in path:
            node = node[step]
        node.append(value)

    return mutate


def drop(plan: Plan, *names: str) -> Plan:
    """A copy of ``plan`` without the named resources."""
    changed = copy_plan(plan)
    changed.resources = [r for r in changed.resources if r.name not in names]
    return changed


def edit(plan: Plan, name: str, mutate: Mutation) -> Plan:
    """A copy of ``plan`` with one resource's inputs mutated."""
    changed = copy_plan(plan)
    for r in changed.resources:
        if r.name == name:
            mutate(r.inputs)
    return changed
