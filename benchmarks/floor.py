"""The floor: the plan's own resources registered directly, with no azplatform code in between.

A replay program registers every resource of a rendered plan, in the plan's registration order, with the same
type, name, parent, inputs, property dependencies, explicit dependencies and options, so that it produces the
*same plan* (checked by :func:`differences`). Two kinds of floor:

- ``generic``: ``pulumi.CustomResource(type, name, props)``. The engine's own minimum: no SDK module is imported
  and no input is translated.
- ``sdk``: the azure-native SDK class of each type (``pulumi_azure_native.network.VirtualNetwork(...)``), called
  with keyword arguments as hand-written code would. It pays what any typed azure-native program pays: importing
  the SDK modules it uses and the SDK's input handling.

Component resources are replayed as bare ``pulumi.ComponentResource`` s so that URNs (which encode the parent
chain) are identical; they are cheap, and whatever the components' Python does is left to the program's side.
Secrets (``[secret]`` in the plan) are replayed as secret outputs, so the masking is the same too.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from typing import Any

from azplatform.plan import SECRET, Plan, PlannedResource

FLOOR_KINDS = ("generic", "sdk")
_SDK_PACKAGE = "azure-native"


def sdk_class_name(type_token: str) -> tuple[str, str] | None:
    """(python module, class name) of an azure-native type token; None for other packages."""
    package, module, kind = type_token.split(":")
    if package != _SDK_PACKAGE:
        return None
    return f"pulumi_azure_native.{module}", kind


def sdk_keyword_map(plan: Plan) -> dict[str, dict[str, str]]:
    """For each azure-native type in ``plan``: wire (camelCase) input name -> the SDK constructor's keyword.

    Taken from the SDK's own ``<Type>Args`` metadata (``publicIPAddressVersion`` is ``public_ip_address_version``;
    ``resourceName`` is the keyword ``resource_name_``). Computed in the parent process and handed to the measuring
    subprocess, so the floor does not pay for introspection that hand-written code, which spells its keywords in
    source, never does.
    """
    from pulumi import _types

    out: dict[str, dict[str, str]] = {}
    for token in sorted({r.type for r in plan.resources if r.custom}):
        where = sdk_class_name(token)
        if where is None:
            continue
        module = importlib.import_module(where[0])
        cls = getattr(module, where[1])
        # The first two parameters are the Pulumi name and the options; an input named resourceName is resource_name_.
        params = set(inspect.signature(cls._internal_init).parameters) - {"__self__", "resource_name", "opts"}
        names = _types.input_type_py_to_pulumi_names(getattr(module, f"{where[1]}Args"))
        out[token] = {wire: py if py in params else f"{py}_" for py, wire in names.items()}
    return out


def _resolved(value: Any) -> asyncio.Future[Any]:
    future: asyncio.Future[Any] = asyncio.get_event_loop().create_future()
    future.set_result(value)
    return future


def _contains_secret(value: Any) -> bool:
    if value == SECRET:
        return True
    if isinstance(value, dict):
        return any(_contains_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_secret(v) for v in value)
    return False


def _input(value: Any, deps: Iterable[Any]) -> Any:
    """A plan input as the program passed it: plain, or an output carrying its resources and secrecy."""
    import pulumi

    resources = set(deps)
    secret = _contains_secret(value)
    if not resources and not secret:
        return value
    if secret and value != SECRET:
        # A secret nested inside a structure: only that leaf is secret, and it carries the dependencies.
        if isinstance(value, dict):
            return {k: _input(v, resources if _contains_secret(v) else ()) for k, v in value.items()}
        if isinstance(value, list):
            return [_input(v, resources if _contains_secret(v) else ()) for v in value]
    return pulumi.Output(resources, _resolved(value), _resolved(True), _resolved(secret))


def _options(r: PlannedResource, made: Mapping[str, Any], covered: set[str]) -> Any:
    import pulumi

    explicit = [made[u] for u in r.dependencies if u not in covered and u in made]
    return pulumi.ResourceOptions(
        parent=made.get(r.parent) if r.parent else None,
        depends_on=explicit or None,
        protect=r.protect,
        ignore_changes=list(r.options.ignoreChanges) or None,
        replace_on_changes=list(r.options.replaceOnChanges) or None,
        delete_before_replace=r.options.deleteBeforeReplace or None,
        retain_on_delete=r.options.retainOnDelete or None,
    )


def replay_program(
    plan: Plan, kind: str, keywords: Mapping[str, Mapping[str, str]] | None = None
) -> Callable[[], None]:
    """A Pulumi program that registers ``plan``'s resources directly (see the module docstring)."""
    if kind not in FLOOR_KINDS:
        raise ValueError(f"unknown floor {kind!r}; known: {FLOOR_KINDS}")
    keywords = keywords or {}

    def program() -> None:
        import pulumi

        made: dict[str, pulumi.Resource] = {}
        classes: dict[str, Any] = {}
        for r in plan.resources:
            covered = {u for urns in r.propertyDependencies.values() for u in urns}
            opts = _options(r, made, covered)
            props = {
                key: _input(value, (made[u] for u in r.propertyDependencies.get(key, ()) if u in made))
                for key, value in r.inputs.items()
            }
            if not r.custom:
                made[r.urn] = pulumi.ComponentResource(r.type, r.name, props or None, opts)
                continue
            where = sdk_class_name(r.type) if kind == "sdk" else None
            if where is None:
                made[r.urn] = pulumi.CustomResource(r.type, r.name, props, opts)
                continue
            cls = classes.get(r.type)
            if cls is None:
                # Attribute access on the lazily loaded SDK package is what imports the module: timed, as in
                # any program that uses it.
                cls = classes[r.type] = getattr(importlib.import_module(where[0]), where[1])
            names = keywords.get(r.type, {})
            kwargs = {names.get(key, _snake(key)): value for key, value in props.items()}
            made[r.urn] = cls(r.name, opts=opts, **kwargs)

    return program


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).lower()


def differences(expected: Plan, actual: Plan, limit: int = 20) -> list[str]:
    """How ``actual`` differs from ``expected``: missing or extra URNs, and any field that differs."""
    found: list[str] = []
    a = {r.urn: r for r in expected.resources}
    b = {r.urn: r for r in actual.resources}
    found += [f"missing {u}" for u in a.keys() - b.keys()]
    found += [f"extra {u}" for u in b.keys() - a.keys()]
    for urn in a.keys() & b.keys():
        left, right = asdict(a[urn]), asdict(b[urn])
        for field, value in left.items():
            if right.get(field) != value:
                found.append(f"{urn}: {field} differs: {value!r} != {right.get(field)!r}")
    return found[:limit]
