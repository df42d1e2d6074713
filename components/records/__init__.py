"""One record per Azure resource type the components register: everything the tooling knows about the type.

The harness answers with a record's ARM id and computed outputs, components declare its immutable properties in
``replace_on_changes``, private endpoints take its Private Link group and zone, the PR diff reads which types hold
data and which changes replace them, the graph its label and tier, the policy rules which types hold data, take
tags and emit logs, and the benchmarks its create time and the prerequisites Azure really requires. A new type is
taught to all of them by one record here (tests/test_records.py fails on a registered type without one).

Records hold strings, never SDK enums, so that importing this package loads no ``pulumi_azure_native`` module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from azplatform.components.records.foundation import identity_outputs
from azplatform.components.records.model import (
    Basis,
    Computed,
    Immutable,
    InPlace,
    OneWay,
    Port,
    Prerequisite,
    PrivateLink,
    Reserved,
    Telemetry,
    Tier,
    TypeRecord,
)
from azplatform.components.records.offline import SUBSCRIPTION_ID

__all__ = [
    "RECORDS",
    "Basis",
    "Computed",
    "Immutable",
    "InPlace",
    "OneWay",
    "Port",
    "Prerequisite",
    "PrivateLink",
    "Reserved",
    "Telemetry",
    "Tier",
    "TypeRecord",
    "UnknownTypeError",
    "arm_id",
    "computed_outputs",
    "display_name",
    "find",
    "id_inputs",
    "private_dns_zone_sets",
    "private_dns_zones",
    "private_link_ports",
    "record",
]


def _index(*groups: tuple[TypeRecord, ...]) -> dict[str, TypeRecord]:
    found: dict[str, TypeRecord] = {}
    for item in (item for group in groups for item in group):
        if item.token in found:
            raise ValueError(f"two records for {item.token}")
        found[item.token] = item
    for item in found.values():
        if item.parent is not None and item.parent not in found:
            raise ValueError(f"{item.token}: parent {item.parent} has no record")
    return found


def _record_modules() -> list[ModuleType]:
    """Every module of this package that holds records (``RECORDS``), in its ``ORDER``: a new area's records are a
    new module here, with no edit to this one."""
    modules = [importlib.import_module(f"{__name__}.{found.name}") for found in pkgutil.iter_modules(__path__)]
    holding = [m for m in modules if hasattr(m, "RECORDS")]
    unordered = [m.__name__ for m in holding if not isinstance(getattr(m, "ORDER", None), int)]
    if unordered:
        raise ValueError(f"records modules without an integer ORDER: {unordered}")
    return sorted(holding, key=lambda m: (m.ORDER, m.__name__))


# Order matters where a consumer lists records (NSG rules for Private Link ports, the diagram): foundation, network,
# data stores (vault, registry, Cosmos, Redis, then PostgreSQL and Service Bus), compute, edge.
RECORDS: dict[str, TypeRecord] = _index(*(m.RECORDS for m in _record_modules()))
"""Type token -> its record."""


class UnknownTypeError(KeyError):
    """A type token without a record."""

    def __str__(self) -> str:
        return str(self.args[0])


def record(token: str) -> TypeRecord:
    """The record of ``token``; raises :class:`UnknownTypeError` (a KeyError) naming it and the known tokens."""
    try:
        return RECORDS[token]
    except KeyError:
        known = ", ".join(sorted(RECORDS))
        raise UnknownTypeError(
            f"no type record for {token!r}; add one to azplatform.components.records (known: {known})"
        ) from None


def find(token: str) -> TypeRecord | None:
    """The record of ``token``, or None for a type the platform does not register (another team's plan)."""
    return RECORDS.get(token)


def display_name(token: str) -> str:
    """What to call a resource of this type in a sentence: a child type is named with its top-level ancestor
    (``Cosmos DB container``, ``Key Vault secret``)."""
    item = record(token)
    root = item
    while root.parent is not None:
        root = record(root.parent)
    return item.label if root is item else f"{root.label} {item.label}"


def private_dns_zones() -> dict[str, str]:
    """Private Link group id -> the (primary) privatelink zone its A records go in, for every Private Link target."""
    return {r.private_link.group_id: r.private_link.zone for r in RECORDS.values() if r.private_link is not None}


def private_dns_zone_sets(region: str) -> dict[str, tuple[str, ...]]:
    """Private Link group id -> every privatelink zone an endpoint in ``region`` registers in (most have one)."""
    return {
        r.private_link.group_id: r.private_link.zones_in(region) for r in RECORDS.values() if r.private_link is not None
    }


def private_link_ports() -> list[str]:
    """Every port (or range) a Private Link target is reached on, once each, in record order."""
    ports = (port for r in RECORDS.values() if r.private_link is not None for port in r.private_link.ports)
    return list(dict.fromkeys(ports))


# --- ARM ids and computed outputs (the offline harness answers with these) -------------------------------------


def _generic_template(token: str) -> str:
    _, module, kind = token.split(":")
    return f"{{rg}}/providers/Microsoft.{module}/{kind[0].lower()}{kind[1:]}s/{{name}}"


class _Fallback(dict[str, str]):
    def __init__(self, values: Mapping[str, str], default: str) -> None:
        super().__init__(values)
        self._default = default

    def __missing__(self, key: str) -> str:
        return self._default


def arm_id(token: str, name: str, inputs: Mapping[str, Any], subscription_id: str = SUBSCRIPTION_ID) -> str:
    """The id Azure gives a resource of ``token`` with these inputs (a type without a record gets a generic
    ``Microsoft.<module>/<type>s/<name>`` shape). A missing name segment falls back to the logical name, as
    azure-native's auto-naming would."""
    item = RECORDS.get(token)
    template = item.arm_id if item is not None else _generic_template(token)
    group = inputs.get("resourceGroupName", "rg-unknown")
    values: dict[str, str] = {
        "subscription": subscription_id,
        "rg": f"/subscriptions/{subscription_id}/resourceGroups/{group}",
        "name": str(inputs.get("name", name)),
    }
    for key, value in inputs.items():
        if isinstance(value, str):
            values.setdefault(key, value)
    return template.format_map(_Fallback(values, name))


def id_inputs(token: str) -> frozenset[str]:
    """The inputs that form ``token``'s ARM id (:attr:`TypeRecord.id_inputs`; a type without a record: its
    resource group and ``<type>Name``)."""
    item = RECORDS.get(token)
    if item is not None:
        return item.id_inputs
    kind = token.rsplit(":", 1)[-1]
    return frozenset({"resourceGroupName", f"{kind[0].lower()}{kind[1:]}Name"})


def _identities(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    """Requests list user-assigned identity ids; Azure answers with a map of id -> {principalId, clientId}
    (and the SDK's output types expect the map), and with the system-assigned identity's principal and tenant."""
    identity = inputs.get("identity")
    if not isinstance(identity, Mapping):
        return {}
    answered: dict[str, Any] = dict(identity)
    if isinstance(identity.get("userAssignedIdentities"), list):
        answered["userAssignedIdentities"] = {
            str(user): identity_outputs(inputs, str(user)) for user in identity["userAssignedIdentities"]
        }
    if "systemassigned" in str(identity.get("type", "")).replace(" ", "").lower():
        system = identity_outputs(inputs, rid + "/system")
        answered.update(principalId=system["principalId"], tenantId=system["tenantId"])
    return {"identity": answered} if answered != identity else {}


def computed_outputs(token: str, inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    """Outputs Azure computes (URIs, principal ids, IPs) that downstream resources consume."""
    item = RECORDS.get(token)
    computed = item.computed if item is not None else None
    return {**_identities(inputs, rid), **(computed(inputs, rid) if computed else {})}
