"""Which config changes replace a data store, and how to spot a replacing change between two plans.

A replaced data store is a new, empty one: Redis keys, Cosmos items and their backups go with the old resource.
In prod ``protect`` and the CanNotDelete lock stop such a change at ``pulumi up``; this list says in advance
which stack-file edits lead there, and :func:`changed_immutable_paths` finds them in a pair of plans (the PR
diff reads the same type records, :mod:`azplatform.components.records`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from azplatform.components.records import find
from azplatform.components.records.data import COSMOS_ACCOUNT, COSMOS_CONTAINER, REDIS_CLUSTER, REDIS_DATABASE


@dataclass(frozen=True)
class ConfigReplacement:
    """A stack-file key whose change replaces a data store."""

    config_key: str
    """The key, as written in the stack file (``<database>`` and ``<container>`` stand for any id)."""
    type_token: str
    """The resource that is replaced."""
    property_path: str
    """The input that changes (a Pulumi property path)."""
    loses: str
    """What is lost with the old resource."""
    declared: bool = True
    """True when the component declares the path in ``replace_on_changes``; False when the provider itself
    replaces (a change of the resource's name)."""


DATA_STORE_REPLACEMENTS: tuple[ConfigReplacement, ...] = (
    ConfigReplacement("location", REDIS_CLUSTER, "location", "every Redis key"),
    ConfigReplacement("location", COSMOS_ACCOUNT, "location", "every Cosmos database, container and item"),
    ConfigReplacement("namePrefix", REDIS_CLUSTER, "clusterName", "every Redis key", declared=False),
    ConfigReplacement("namePrefix", COSMOS_ACCOUNT, "accountName", "every Cosmos item", declared=False),
    ConfigReplacement("uniqueSuffix", REDIS_CLUSTER, "clusterName", "every Redis key", declared=False),
    ConfigReplacement("uniqueSuffix", COSMOS_ACCOUNT, "accountName", "every Cosmos item", declared=False),
    ConfigReplacement("redis.clusteringPolicy", REDIS_DATABASE, "clusteringPolicy", "every Redis key"),
    ConfigReplacement("redis.modules", REDIS_DATABASE, "modules", "every Redis key"),
    ConfigReplacement("cosmos.serverless", COSMOS_ACCOUNT, "capabilities", "every Cosmos item"),
    ConfigReplacement(
        "zoneRedundant", COSMOS_ACCOUNT, "locations[*].isZoneRedundant", "every Cosmos item (single-region account)"
    ),
    ConfigReplacement(
        "cosmos.databases.<database>.containers.<container>.partitionKey",
        COSMOS_CONTAINER,
        "resource.partitionKey",
        "the container's items",
    ),
)

# Declared paths no stack-file key reaches: the platform fixes these values itself.
FIXED_BY_THE_PLATFORM: dict[tuple[str, str], str] = {
    (REDIS_CLUSTER, "zones"): "never set: a highly available cache is spread across zones by Azure",
    (REDIS_DATABASE, "port"): "never set: Azure Managed Redis listens on 10000",
    (COSMOS_ACCOUNT, "kind"): "always GlobalDocumentDB (the NoSQL API)",
}

# One-way and in-place changes worth knowing: not replacements, listed so nobody expects one.
IN_PLACE: dict[str, str] = {
    "redis.sku": "scales in place up to larger or faster in-memory SKUs; scaling down only to compatible SKUs",
    "redis.highAvailability": "false -> true in place; true -> false is refused by Azure",
    "redis.persistence": "in place",
    "redis.evictionPolicy": "in place",
    "redis.accessKeysForKeda": "in place (existing connections are dropped)",
    "cosmos.backupTier": "in place (30 -> 7 days drops restore points older than 7 days)",
    "cosmos.secondaryLocations": "regions are added and removed in place",
    "cosmos.databases.<database>.containers.<container>.maxThroughput": "in place",
    "cosmos.databases.<database>.containers.<container>.defaultTtl": "in place (items may expire at once)",
}


def changed_immutable_paths(
    type_token: str, before: Mapping[str, Any], after: Mapping[str, Any], paths: Sequence[str] | None = None
) -> list[str]:
    """The concrete property paths, among ``paths`` (default: the type's declared ones), whose value differs
    between two sets of inputs of the same resource: the changes that replace it.

    As in the Pulumi engine, a wildcard path only compares list elements present on both sides, so adding or
    removing an element (a Cosmos region) is not a replacement; a leaf that appears or disappears is.
    """
    changed: list[str] = []
    declared = item.replace_on_changes if (item := find(type_token)) is not None else []
    for path in declared if paths is None else paths:
        changed += _compare(before, after, _segments(path), "")
    return changed


_MISSING = object()


def _segments(path: str) -> list[str]:
    return [part for part in path.replace("[", ".").replace("]", "").split(".") if part]


def _compare(before: Any, after: Any, segments: list[str], prefix: str) -> list[str]:
    if not segments:
        return [prefix] if before != after else []
    head, rest = segments[0], segments[1:]
    if head == "*":
        if not (isinstance(before, list) and isinstance(after, list)):
            return [prefix] if before != after else []
        found: list[str] = []
        for index in range(min(len(before), len(after))):
            found += _compare(before[index], after[index], rest, f"{prefix}[{index}]")
        return found
    here = f"{prefix}.{head}" if prefix else head
    left = before.get(head, _MISSING) if isinstance(before, Mapping) else _MISSING
    right = after.get(head, _MISSING) if isinstance(after, Mapping) else _MISSING
    if left is _MISSING and right is _MISSING:
        return []
    if left is _MISSING or right is _MISSING:
        return [here]
    return _compare(left, right, rest, here)
