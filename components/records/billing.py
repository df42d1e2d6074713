"""How a type record says what its resources cost: the meters it may name and a function from a resource's inputs
to its monthly charges (:class:`Priced`), or why it costs nothing by itself (:class:`Free`). Every record answers
one or the other (``TypeRecord.cost``), so a new type cannot be forgotten by the estimate.

A pricing function reads only plain inputs (camelCase wire names, as the offline plan records them) and the usage
assumptions (:class:`UsageAssumptions`). Prices are not here: a charge names a meter id (``apim.premium.unit``),
each :class:`Meter` says how the Azure Retail Prices API names it, and the price table
(``components/prices.json``, written by ``python -m azplatform.stacks.prices_refresh``) gives its price per region.

Billing rules, with their sources:
- a month is 730 hours (Azure's pricing pages and calculator);
- API Management classic tiers: per unit-hour; https://azure.microsoft.com/pricing/details/api-management/
- Application Gateway v2: a fixed hourly price plus capacity units, each minimum instance reserving 10 CUs billed
  whether used or not; https://learn.microsoft.com/azure/application-gateway/understanding-pricing
- Container Apps consumption: vCPU-seconds and GiB-seconds (active or idle rate) and requests, with a monthly free
  grant per subscription (180,000 vCPU-s, 360,000 GiB-s, 2 million requests); a replica kept by ``minReplicas`` is
  billed all month; dedicated workload profiles per instance-hour plus a plan management charge per environment;
  https://learn.microsoft.com/azure/container-apps/billing
- Azure Managed Redis: per cache-instance hour; high availability runs two instances (infracost's model of the
  ``{SKU} Cache Instance`` meter); https://learn.microsoft.com/azure/redis/overview
- Cosmos DB: autoscale is billed per hour at the highest RU/s the hour scaled to, never below 10% of the maximum,
  in every region of the account; serverless per million RUs; storage per GB-month per region;
  https://learn.microsoft.com/azure/cosmos-db/how-pricing-works and .../provision-throughput-autoscale
- Container Registry: per registry-day; Log Analytics: per GB ingested, retention past the included 31 days per
  GB-month, 5 GB a month free per billing account; private endpoints per hour plus data processed; Standard public
  IPs per hour; private DNS zones per zone-month; metric alerts per monitored time series a month.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, create_model

from azplatform.components.args import Args

HOURS_PER_MONTH = 730.0
"""Azure prices a month as 730 hours."""
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
DAYS_PER_MONTH = HOURS_PER_MONTH / 24

Kind = Literal["fixed", "usage"]


@dataclass(frozen=True)
class UsageFigure:
    """A usage assumption only one type's pricing multiplies, declared in that type's records module with
    :func:`usage_figure` (so that a new type adds its figure without editing this module). It is a key of
    ``cost.usage`` like the fields of :class:`UsageAssumptions`, checked and defaulted there, and read with
    ``usage.figure(FIGURE)``."""

    name: str
    """The snake_case name; the stack file spells it in camelCase (:attr:`key`)."""
    default: float
    description: str
    maximum: float | None = None

    @property
    def key(self) -> str:
        """The camelCase key under ``cost.usage`` (what a :class:`Charge` lists in ``assumptions``)."""
        head, *rest = self.name.split("_")
        return head + "".join(part.capitalize() for part in rest)


USAGE_FIGURES: dict[str, UsageFigure] = {}
"""Every declared figure by name (records modules declare theirs when the records package imports them)."""


def usage_figure(name: str, default: float, description: str, maximum: float | None = None) -> UsageFigure:
    """Declare a usage figure (at import of a records module); a name declared twice, or one that a field of
    :class:`UsageAssumptions` already has, is an error."""
    if name in USAGE_FIGURES or name in UsageAssumptions.model_fields:
        raise ValueError(f"usage figure {name!r} is declared twice")
    figure = UsageFigure(name, default, description, maximum)
    USAGE_FIGURES[name] = figure
    return figure


class UsageAssumptions(Args):
    """What the usage-based charges multiply: explicit, documented assumptions (stack file ``cost.usage``, with
    environment defaults in ``stacks/profiles.py``). Every line priced from one of them says so. Besides the fields
    here, the keys are the :class:`UsageFigure` s the records modules declare for their own types
    (:meth:`with_figures` is the model with all of them)."""

    api_requests_per_month: float = Field(
        default=1_000_000, ge=0, description="HTTP requests a month to the Container Apps (all apps together)."
    )
    app_active_fraction: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="Share of the minimum replicas' time billed at the active rate (the rest at the idle rate).",
    )
    log_ingestion_gb_per_day: float = Field(
        default=1.0,
        ge=0,
        description="GB a day into Log Analytics (diagnostics, container logs and Application Insights telemetry).",
    )
    cosmos_request_units_per_month: float = Field(
        default=10_000_000, ge=0, description="Request units a month consumed by a serverless Cosmos DB account."
    )
    cosmos_autoscale_utilization: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="Average hourly peak of autoscale throughput as a share of its maximum (billed at least 10%).",
    )
    cosmos_storage_gb: float = Field(default=10, ge=0, description="GB stored in Cosmos DB (per region).")
    private_endpoint_gb_per_month: float = Field(
        default=10, ge=0, description="GB a month through each private endpoint (inbound plus outbound)."
    )
    gateway_capacity_units: float = Field(
        default=1,
        ge=0,
        description="Average capacity units the Application Gateway uses (billed beyond those its minimum reserves).",
    )
    key_vault_operations_per_month: float = Field(
        default=100_000, ge=0, description="Key Vault secret and key operations a month."
    )
    include_free_grants: bool = Field(
        default=True,
        description="Subtract the monthly free grants (Container Apps, Log Analytics), which are per subscription or "
        "billing account: set false when another workload in the same subscription already uses them.",
    )

    def figure(self, figure: UsageFigure) -> float:
        """A declared figure's value: the stack file's, else its default."""
        value = getattr(self, figure.name, None)
        return figure.default if value is None else float(value)

    @classmethod
    def with_figures(cls) -> type[UsageAssumptions]:
        """The model of ``cost.usage``: these fields plus a field per declared figure (each a number from 0 up to its
        maximum, with its default and description), so that every key is checked like the others."""
        return _usage_model(tuple(USAGE_FIGURES.values()))


@functools.cache
def _usage_model(figures: tuple[UsageFigure, ...]) -> type[UsageAssumptions]:
    fields: dict[str, Any] = {
        figure.name: (float, Field(default=figure.default, ge=0, le=figure.maximum, description=figure.description))
        for figure in figures
    }
    return create_model("UsageAssumptions", __base__=UsageAssumptions, __module__=__name__, **fields)


@dataclass(frozen=True)
class Charge:
    """One priced quantity: ``quantity`` units of ``meter`` a month."""

    meter: str
    """Meter id in the price table, for example ``apim.premium.unit``."""
    label: str
    """What is charged, for example ``API Management Premium units``."""
    quantity: float
    """Monthly quantity, in the meter's unit of measure."""
    basis: str
    """How the quantity was computed, for example ``3 units x 730 h``."""
    kind: Kind
    """``fixed`` (charged whatever the traffic) or ``usage`` (depends on an assumption)."""
    assumptions: tuple[str, ...] = ()
    """The usage assumptions (camelCase keys under ``cost.usage``) the quantity depends on."""


class Related:
    """What a pricing function may ask of the rest of the plan: another resource's inputs, found by a name input."""

    def __init__(self, resources: Sequence[tuple[str, Mapping[str, Any]]] = ()) -> None:
        self._resources = list(resources)

    def find(self, type_token: str, key: str, value: Any) -> Mapping[str, Any] | None:
        """The inputs of the first resource of ``type_token`` whose input ``key`` equals ``value``."""
        for token, inputs in self._resources:
            if token == type_token and inputs.get(key) == value:
                return inputs
        return None

    def all(self, type_token: str) -> list[Mapping[str, Any]]:
        """The inputs of every resource of ``type_token``."""
        return [inputs for token, inputs in self._resources if token == type_token]


Pricer = Callable[[Mapping[str, Any], UsageAssumptions, Related], list[Charge]]
"""Inputs, usage assumptions and the rest of the plan -> the monthly charges."""


@dataclass(frozen=True)
class Meter:
    """One Azure meter, as the Retail Prices API names it (the price table's query for it)."""

    id: str
    """The id charges name, for example ``apim.premium.unit``."""
    service: str
    """``serviceName``."""
    product: str
    """``productName``."""
    sku: str
    """``skuName``."""
    name: str
    """``meterName``."""
    unit: str
    """``unitOfMeasure``: a charge's quantity is in this unit."""


@dataclass(frozen=True)
class Priced:
    """A billable type: the meters its charges may name (all must be in the price table) and its charges."""

    meters: tuple[Meter, ...]
    charges: Pricer
    note: str = ""

    @property
    def meter_ids(self) -> frozenset[str]:
        """The ids of :attr:`meters`."""
        return frozenset(m.id for m in self.meters)


@dataclass(frozen=True)
class Free:
    """A type that costs nothing by itself, and why (included in its parent's price, or no charge at all)."""

    reason: str


Cost = Priced | Free
"""What a type record says about cost."""


def no_charges(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    """The charges of a billable type whose use is not estimated (its :attr:`Priced.note` says why)."""
    return []


def num(value: Any, default: float = 0.0) -> float:
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.4g}"


def get(data: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def sku_name(inputs: Mapping[str, Any]) -> str:
    return str(get(inputs, "sku", "name") or "")


_MEMORY = re.compile(r"^\s*([0-9.]+)\s*(Gi|G|Mi|M)?\s*$")


def memory_gib(value: Any) -> float:
    """A container memory request (``2Gi``, ``512Mi``, ``0.5Gi``) in GiB."""
    match = _MEMORY.match(str(value or "0"))
    if not match:
        raise ValueError(f"container memory {value!r} is not a quantity like 0.5Gi")
    amount, unit = float(match.group(1)), match.group(2) or "Gi"
    return amount / 1024 if unit in ("Mi", "M") else amount
