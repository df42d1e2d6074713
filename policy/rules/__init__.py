"""The rule set. Importing this package registers every rule; :data:`RULES` lists them by id."""

from __future__ import annotations

from azplatform.policy.registry import registered
from azplatform.policy.rules import (
    apps,
    cost,
    cross_cutting,
    data,
    edge,
    network,
    observability,
    postgres,
    servicebus,
    stack,
)

RULES = registered()
"""Every rule, resource and stack, sorted by id."""

__all__ = [
    "RULES",
    "apps",
    "cost",
    "cross_cutting",
    "data",
    "edge",
    "network",
    "observability",
    "postgres",
    "servicebus",
    "stack",
]
