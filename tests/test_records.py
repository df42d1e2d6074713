"""The type records: every Azure type the platform registers has one, every record is complete and sourced, and
its ARM id shape agrees with the SDK and with the plans."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest

from azplatform import components
from azplatform.components.private_endpoint import PRIVATE_DNS_ZONES
from azplatform.components.records import (
    RECORDS,
    TypeRecord,
    UnknownTypeError,
    arm_id,
    display_name,
    id_inputs,
    private_dns_zones,
    record,
)
from azplatform.components.records.billing import Free
from azplatform.plan import Plan
from azplatform.stacks import propertypath
from tests import synthetic

# Placeholders that are not an input of the resource: the subscription, the resource group path, another
# resource's id (extension resources take it as ``scope`` or ``resourceUri``, which the SDK has as inputs).
_NOT_INPUTS = {"subscription", "rg"}


def _azure_types(plan: Plan) -> set[str]:
    return {r.type for r in plan.resources if r.custom and r.type.startswith("azure-native:")}


def _synthetic_types(plan: Plan) -> set[str]:
    doc = plan.to_dict()
    environment = synthetic.managed_environment(doc)
    resources = [*synthetic.cosmos(doc, ["/id"]), environment, *synthetic.container_app(doc, "x", environment)]
    return {str(r["type"]) for r in resources if r["custom"]}


def _sdk_class(token: str) -> type[pulumi.CustomResource]:
    _, module, kind = token.split(":")
    cls = getattr(importlib.import_module(f"pulumi_azure_native.{module}"), kind)
    assert isinstance(cls, type) and issubclass(cls, pulumi.CustomResource)
    return cls


def _sdk_parameters(token: str) -> dict[str, inspect.Parameter]:
    return dict(inspect.signature(_sdk_class(token)._internal_init).parameters)  # type: ignore[attr-defined]


def _camel(snake: str) -> str:
    head, *rest = snake.rstrip("_").split("_")
    return head + "".join(part.title() for part in rest)


def _component_registered_types() -> Iterator[str]:
    """Every azure-native resource class a component module calls, as its type token (read from the SDK class)."""
    for info in pkgutil.iter_modules(components.__path__):
        module = importlib.import_module(f"azplatform.components.{info.name}")
        tree = ast.parse(inspect.getsource(module))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            chain: list[str] = []
            target: ast.expr = node.func
            while isinstance(target, ast.Attribute):
                chain.insert(0, target.attr)
                target = target.value
            if not isinstance(target, ast.Name) or target.id not in vars(module):
                continue
            found: Any = vars(module)[target.id]
            if not getattr(found, "__name__", "").startswith("pulumi_azure_native"):
                continue
            for attr in chain:
                found = getattr(found, attr, None)
            # A provider (the central DNS zone's subscription) configures the SDK; it is no Azure type.
            if (
                isinstance(found, type)
                and issubclass(found, pulumi.CustomResource)
                and not issubclass(found, pulumi.ProviderResource)
            ):
                source = inspect.getsource(found._internal_init)  # type: ignore[attr-defined]
                yield re.findall(r"'(azure-native:[^']+)'", source)[0]


# --- completeness -----------------------------------------------------------------------------------------------


def test_every_type_in_the_plans_and_the_synthetic_fixtures_has_a_record(
    plans: dict[str, Plan], policy_estate: Plan
) -> None:
    registered = set().union(*(_azure_types(p) for p in plans.values()))
    registered |= _azure_types(policy_estate) | _synthetic_types(plans["dev"])
    missing = sorted(registered - set(RECORDS))
    assert missing == [], f"add a type record (azplatform.components.records) for {missing}"


def test_every_type_a_component_can_register_has_a_record() -> None:
    found = set(_component_registered_types())
    # The scan sees through the SDK aliases components use (azure_native.x.Y, _app.Y, monitor.Y, ...).
    assert {"azure-native:app:Job", "azure-native:apimanagement:Cache", "azure-native:keyvault:Vault"} <= found
    missing = sorted(found - set(RECORDS))
    assert missing == [], f"add a type record (azplatform.components.records) for {missing}"


def test_a_record_without_a_required_field_is_a_type_error() -> None:
    required = {f.name for f in dataclasses.fields(TypeRecord) if f.default is dataclasses.MISSING}
    assert {
        "token",
        "cost",
        "label",
        "tier",
        "arm_id",
        "parent",
        "stateful",
        "taggable",
        "telemetry",
        "create_minutes",
        "create_time_basis",
        "create_time_source",
        "prerequisites",
    } <= required
    complete = {f.name: getattr(record("azure-native:keyvault:Vault"), f.name) for f in dataclasses.fields(TypeRecord)}
    for name in sorted(required):
        with pytest.raises(TypeError, match=name):
            TypeRecord(**{k: v for k, v in complete.items() if k != name})


def test_an_unknown_type_is_a_key_error_naming_it_and_the_known_ones() -> None:
    with pytest.raises(KeyError) as raised:
        record("azure-native:storage:BlobContainer")
    assert isinstance(raised.value, UnknownTypeError)
    assert "azure-native:storage:BlobContainer" in str(raised.value)
    assert "azure-native:keyvault:Vault" in str(raised.value)


# --- the facts and their sources ----------------------------------------------------------------------------------


@pytest.mark.parametrize("token", sorted(RECORDS))
def test_every_fact_cites_a_source(token: str) -> None:
    item = record(token)
    assert item.token == token
    for prop in (*item.immutable, *item.one_way, *item.in_place):
        assert prop.source.startswith("https://"), prop
        propertypath.parse(prop.path)
    assert all(prop.reason for prop in item.immutable)
    if item.create_time_basis == "estimate":
        assert item.create_time_source.startswith(("estimate:", "https://")), item.create_time_source
    else:
        assert item.create_time_source.startswith("https://"), item.create_time_source
    for port in item.ports:
        assert port.source.startswith("https://"), port
    if item.private_link is not None:
        assert item.private_link.source.startswith("https://")
        assert item.private_link.ports_source.startswith("https://")
        assert item.private_link.zone.startswith("privatelink.")
    assert all(p.reason for p in (*item.prerequisites, *item.not_prerequisites))
    assert all(rule.instead and rule.refused and rule.allowed for rule in item.one_way)


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_planned_resource_declares_its_records_create_only_properties(plans: dict[str, Plan], stack: str) -> None:
    # The preview Pulumi computes and the offline diff read the same records: each resource's replace_on_changes
    # holds every property its type record marks immutable (and declared).
    for resource in plans[stack].resources:
        declared = record(resource.type).replace_on_changes if resource.custom else []
        missing = set(declared) - set(resource.options.replaceOnChanges)
        assert not missing, f"{resource.name} ({resource.type}) does not declare {sorted(missing)}"


def test_private_endpoints_read_the_records_zones() -> None:
    assert private_dns_zones() == PRIVATE_DNS_ZONES
    assert {"vault", "registry", "Sql", "redisEnterprise"} <= set(PRIVATE_DNS_ZONES)


@pytest.mark.parametrize("token", sorted(RECORDS))
def test_every_record_says_what_its_type_costs(token: str) -> None:
    """Billable: meters the price table holds, each with the Retail Prices API's names; free: a reason."""
    cost = record(token).cost
    if isinstance(cost, Free):
        assert len(cost.reason) > 8, token
        return
    assert cost.meters or cost.note, f"{token}: a billable type with no meter says why"
    assert len({m.id for m in cost.meters}) == len(cost.meters), token
    for meter in cost.meters:
        assert meter.id.count(".") >= 1 and meter.service and meter.name and meter.unit, meter


def test_a_child_is_named_with_its_top_level_ancestor() -> None:
    assert display_name("azure-native:cosmosdb:SqlResourceSqlContainer") == "Cosmos DB container"
    assert display_name("azure-native:keyvault:Secret") == "Key Vault secret"
    assert display_name("azure-native:keyvault:Vault") == "Key Vault"


@pytest.mark.parametrize("token", sorted(RECORDS))
def test_taggable_means_the_sdk_takes_the_arm_tags_map(token: str) -> None:
    tags = _sdk_parameters(token).get("tags")
    # API Management named values have "tags" too, but as a list of labels, not ARM tags.
    takes_map = tags is not None and "Mapping" in str(tags.annotation)
    assert record(token).taggable is takes_map


# --- ARM ids -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", sorted(RECORDS))
def test_arm_id_segments_are_sdk_inputs(token: str) -> None:
    """Every name segment of the id is an input of the SDK resource (no guessed property names)."""
    inputs = {_camel(name) for name in _sdk_parameters(token)}
    placeholders = set(re.findall(r"\{(\w+)\}", record(token).arm_id)) - _NOT_INPUTS
    assert placeholders <= inputs, sorted(placeholders - inputs)
    assert record(token).arm_id.startswith(("{rg}/providers/", "{scope}/providers/", "{resourceUri}/providers/")) or (
        token == "azure-native:resources:ResourceGroup"
    )


@pytest.mark.parametrize("token", sorted(t for t, r in RECORDS.items() if r.parent is not None))
def test_a_child_id_nests_under_its_parents(token: str) -> None:
    item = record(token)
    assert item.parent is not None
    assert item.arm_id.startswith(record(item.parent).arm_id + "/"), (item.arm_id, record(item.parent).arm_id)


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_every_planned_resource_fills_its_id_from_its_own_inputs(plans: dict[str, Plan], stack: str) -> None:
    """No id segment falls back to the logical name, and every child's id nests under a planned parent's."""
    plan = plans[stack]
    custom = [r for r in plan.resources if r.custom and r.type in RECORDS]
    ids = {arm_id(r.type, r.name, r.inputs).lower() for r in custom}
    for r in custom:
        missing = sorted(name for name in id_inputs(r.type) if name not in r.inputs)
        assert missing == [], f"{r.type} {r.name}: no input for id segments {missing}"
        parent = record(r.type).parent
        if parent is not None and parent != "azure-native:network:VirtualNetwork":
            rid = arm_id(r.type, r.name, r.inputs).lower()
            assert any(rid.startswith(other + "/") for other in ids), f"{r.type} {r.name}: {rid} has no parent"


def test_api_operations_and_policies_hang_off_the_api(prod_plan: Plan) -> None:
    for api in prod_plan.of_type("azure-native:apimanagement:Api"):
        api_id = arm_id(api.type, api.name, api.inputs)
        assert api_id.endswith(f"/apis/{api.inputs['apiId']}")
        children = [
            child
            for child_type in ("azure-native:apimanagement:ApiOperation", "azure-native:apimanagement:ApiPolicy")
            for child in prod_plan.of_type(child_type)
            if child.inputs["apiId"] == api.inputs["apiId"]
        ]
        assert children
        for child in children:
            assert arm_id(child.type, child.name, child.inputs).startswith(api_id + "/")
