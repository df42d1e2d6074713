"""The estimate's view of the type records' cost: which types are billable and how (``TypeRecord.cost``), the
monthly free grants, and the charges of one resource.

What a type costs lives in its record (``components/records/``, see :mod:`azplatform.components.records.billing`
for the model and the billing rules with their sources); this module only indexes the records and applies them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from azplatform.components.records import RECORDS
from azplatform.components.records.billing import (
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    SECONDS_PER_MONTH,
    Charge,
    Free,
    Meter,
    Priced,
    Related,
    UsageAssumptions,
    memory_gib,
)

__all__ = [
    "DAYS_PER_MONTH",
    "FREE_TYPES",
    "GRANTS",
    "HOURS_PER_MONTH",
    "METERS",
    "PRICING",
    "SECONDS_PER_MONTH",
    "Charge",
    "Grant",
    "Meter",
    "Priced",
    "Related",
    "UsageAssumptions",
    "charges_for",
    "memory_gib",
]

PRICING: dict[str, Priced] = {token: r.cost for token, r in RECORDS.items() if isinstance(r.cost, Priced)}
"""Billable types: type token -> how it is priced (from its record)."""

FREE_TYPES: dict[str, str] = {token: r.cost.reason for token, r in RECORDS.items() if isinstance(r.cost, Free)}
"""Types that cost nothing by themselves, each with why (from its record)."""

METERS: dict[str, Meter] = {meter.id: meter for pricing in PRICING.values() for meter in pricing.meters}
"""Every meter a record names, by id (the price table holds one entry per meter and region)."""


@dataclass(frozen=True)
class Grant:
    """A monthly free quantity of a meter, once per subscription or billing account (not per resource)."""

    meter: str
    quantity: float
    label: str
    source: str


GRANTS: tuple[Grant, ...] = (
    Grant(
        "aca.vcpu.active",
        180_000,
        "Container Apps monthly free grant (vCPU-seconds)",
        "https://learn.microsoft.com/azure/container-apps/billing",
    ),
    Grant(
        "aca.memory.active",
        360_000,
        "Container Apps monthly free grant (GiB-seconds)",
        "https://learn.microsoft.com/azure/container-apps/billing",
    ),
    Grant(
        "aca.requests",
        2,
        "Container Apps monthly free grant (2 million requests)",
        "https://learn.microsoft.com/azure/container-apps/billing",
    ),
    Grant(
        "la.ingestion",
        5,
        "Log Analytics: 5 GB a month free per billing account",
        "https://azure.microsoft.com/pricing/details/monitor/",
    ),
)
"""Monthly free quantities, once per subscription (or billing account): applied once per stack estimate."""


def charges_for(
    type_token: str, inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related | None = None
) -> list[Charge] | None:
    """The charges of one resource; None for a type with no record (free types return an empty list)."""
    if type_token in FREE_TYPES:
        return []
    pricing = PRICING.get(type_token)
    if pricing is None:
        return None
    charges = pricing.charges(inputs, usage, related or Related())
    undeclared = {c.meter for c in charges} - pricing.meter_ids
    if undeclared:
        raise ValueError(f"{type_token} priced with undeclared meters {sorted(undeclared)}")
    return charges
