"""Typical time Azure takes to create one resource of each type, with the source of each figure.

Figures are minutes for a create (what a first ``pulumi up`` does), from each type's record
(``azplatform.components.records``): where Microsoft documents a duration, the figure comes from that statement;
where only a community report exists it says so; where nothing is published the entry is an ``estimate`` and says
why. A type without a record gets :data:`UNLISTED` (reported in the results, so a new type cannot hide).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from azplatform.components.records import RECORDS, find


@dataclass(frozen=True)
class Duration:
    """How long a create takes, and why we believe it."""

    minutes: float
    """Typical create time used by the estimate."""
    basis: str
    """``documented`` (a Microsoft statement), ``reported`` (a community report), ``estimate`` or ``local``."""
    source: str
    """URL of the statement, or why the figure is an estimate."""
    note: str = ""
    """The statement quoted, or the range it gives."""


_APIM = "azure-native:apimanagement:ApiManagementService"
APIM_V2 = Duration(
    10,
    "estimate",
    "https://learn.microsoft.com/azure/api-management/v2-service-tiers-overview",
    "v2 tiers: 'Deploy a production-ready API Management instance in minutes' (no figure given; 10 assumed).",
)
LOCAL = Duration(0, "local", "computed by the provider locally (or a provider configuration); no cloud call")
# Packages whose resources never reach Azure.
_LOCAL_PACKAGES = ("random:", "pulumi:providers:")

UNLISTED = Duration(1, "estimate", "estimate: this type has no record yet (add one with a source)")


def lookup(type_token: str) -> Duration | None:
    """The create time a type's record gives (local types: none to wait for); None when it has no record."""
    if type_token.startswith(_LOCAL_PACKAGES):
        return LOCAL
    item = find(type_token)
    if item is None:
        return None
    return Duration(item.create_minutes, item.create_time_basis, item.create_time_source, item.create_time_note)


def recorded() -> dict[str, Duration]:
    """Every record's create time, by type token."""
    return {token: d for token in RECORDS if (d := lookup(token)) is not None}


def provisioning_time(type_token: str, inputs: Mapping[str, Any] | None = None) -> Duration:
    """How long creating this resource takes; the SKU refines the figure where it changes it (API Management)."""
    if type_token == _APIM:
        sku = (inputs or {}).get("sku") or {}
        name = str(sku.get("name", "")) if isinstance(sku, Mapping) else ""
        if name.endswith("V2"):
            return APIM_V2
        if name == "Consumption":
            return Duration(2, "estimate", APIM_V2.source, "Consumption: serverless, provisioned in minutes")
    return lookup(type_token) or UNLISTED
