"""How each billable Azure type is priced: which meters, and what quantity of each, from a resource's inputs.

One entry per type token in :data:`PRICING` (a :class:`TypePricing`: the meters it may name and a function from the
resource's inputs to its charges), and one per free type in :data:`FREE_TYPES` (why it costs nothing by itself).
Every entry reads only plain inputs (camelCase wire names, as the offline plan records them) and the usage
assumptions (:class:`UsageAssumptions`), so it can move into its type's record unchanged: ``TypeRecord.pricing`` =
``PRICING[token]``, ``TypeRecord.free_reason`` = ``FREE_TYPES[token]``.

Prices are not here: a charge names a meter id (``apim.premium.unit``), and the price table
(``components/prices.json``, read by ``stacks/cost.py``) gives that meter's Azure Retail Prices API fields per region.

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

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from azplatform.components.args import Args
from azplatform.components.container_apps_environment import DEDICATED_PROFILE_SIZES

__all__ = [
    "DAYS_PER_MONTH",
    "FREE_TYPES",
    "GRANTS",
    "HOURS_PER_MONTH",
    "PRICING",
    "SECONDS_PER_MONTH",
    "Charge",
    "Grant",
    "Related",
    "TypePricing",
    "UsageAssumptions",
    "charges_for",
]

HOURS_PER_MONTH = 730.0
"""Azure prices a month as 730 hours."""
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600
DAYS_PER_MONTH = HOURS_PER_MONTH / 24

Kind = Literal["fixed", "usage"]


class UsageAssumptions(Args):
    """What the usage-based charges multiply: explicit, documented assumptions (stack file ``cost.usage``, with
    environment defaults in ``stacks/profiles.py``). Every line priced from one of them says so."""

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
    service_bus_operations_per_month: float = Field(
        default=0, ge=0, description="Service Bus messaging operations a month (Standard tier)."
    )
    tokens_per_month: float = Field(
        default=0, ge=0, description="Model tokens a month through AI services deployments (when those types land)."
    )
    include_free_grants: bool = Field(
        default=True,
        description="Subtract the monthly free grants (Container Apps, Log Analytics), which are per subscription or "
        "billing account: set false when another workload in the same subscription already uses them.",
    )


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


@dataclass(frozen=True)
class TypePricing:
    """How one Azure type is priced: the meters it may name (all must be in the price table) and its charges."""

    meters: frozenset[str]
    charges: Pricer
    note: str = ""


@dataclass(frozen=True)
class Grant:
    """A monthly free quantity of a meter, once per subscription or billing account (not per resource)."""

    meter: str
    quantity: float
    label: str
    source: str


def _num(value: Any, default: float = 0.0) -> float:
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


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.4g}"


def _get(data: Any, *path: str) -> Any:
    for part in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(part)
    return data


def _sku(inputs: Mapping[str, Any]) -> str:
    return str(_get(inputs, "sku", "name") or "")


# --- API Management -------------------------------------------------------------------------------------------
_APIM_TIERS = ("Developer", "Basic", "Standard", "Premium")


def _apim(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    sku = _sku(inputs)
    if sku not in _APIM_TIERS:
        raise ValueError(f"API Management SKU {sku!r} has no price entry (priced: {', '.join(_APIM_TIERS)})")
    units = _num(_get(inputs, "sku", "capacity"), 1.0)
    return [
        Charge(
            f"apim.{sku.lower()}.unit",
            f"API Management {sku} units",
            units * HOURS_PER_MONTH,
            f"{_fmt(units)} units x 730 h",
            "fixed",
        )
    ]


# --- Application Gateway v2 -----------------------------------------------------------------------------------
_CUS_PER_INSTANCE = 10


def _app_gateway(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    tier = str(_get(inputs, "sku", "tier") or _sku(inputs))
    if tier not in ("WAF_v2", "Standard_v2"):
        raise ValueError(f"Application Gateway tier {tier!r} has no price entry (priced: WAF_v2, Standard_v2)")
    prefix = f"agw.{tier.lower()}"
    fixed_instances = _get(inputs, "sku", "capacity")
    minimum = _num(_get(inputs, "autoscaleConfiguration", "minCapacity"), _num(fixed_instances))
    reserved = minimum * _CUS_PER_INSTANCE
    charges = [
        Charge(f"{prefix}.fixed", f"Application Gateway {tier} gateway hours", HOURS_PER_MONTH, "730 h", "fixed")
    ]
    if reserved:
        charges.append(
            Charge(
                f"{prefix}.capacity_unit",
                "capacity units reserved by the minimum instances",
                reserved * HOURS_PER_MONTH,
                f"{_fmt(minimum)} instances x {_CUS_PER_INSTANCE} CU x 730 h",
                "fixed",
            )
        )
    extra = max(0.0, usage.gateway_capacity_units - reserved)
    if extra:
        charges.append(
            Charge(
                f"{prefix}.capacity_unit",
                "capacity units used beyond the reserved ones",
                extra * HOURS_PER_MONTH,
                f"{_fmt(extra)} CU ({_fmt(usage.gateway_capacity_units)} used - {_fmt(reserved)} reserved) x 730 h",
                "usage",
                ("gatewayCapacityUnits",),
            )
        )
    return charges


# --- Container Apps -------------------------------------------------------------------------------------------
def _environment(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    dedicated = [
        p
        for p in inputs.get("workloadProfiles") or []
        if isinstance(p, Mapping) and p.get("workloadProfileType") not in (None, "Consumption")
    ]
    if not dedicated:
        return []  # a Consumption-only environment has no charge of its own; its apps are billed
    charges = [
        Charge(
            "aca.dedicated.management",
            "dedicated plan management",
            HOURS_PER_MONTH,
            "1 environment x 730 h",
            "fixed",
        )
    ]
    for profile in dedicated:
        kind = str(profile.get("workloadProfileType"))
        if kind not in DEDICATED_PROFILE_SIZES:
            raise ValueError(
                f"workload profile type {kind!r} has no size entry (known: {', '.join(DEDICATED_PROFILE_SIZES)})"
            )
        cpu, memory = DEDICATED_PROFILE_SIZES[kind]
        count = _num(profile.get("minimumCount"), 0.0)
        name = profile.get("name")
        charges += [
            Charge(
                "aca.dedicated.vcpu",
                f"profile {name} ({kind}) vCPU, minimum instances",
                count * cpu * HOURS_PER_MONTH,
                f"{_fmt(count)} instances x {cpu} vCPU x 730 h",
                "fixed",
            ),
            Charge(
                "aca.dedicated.memory",
                f"profile {name} ({kind}) memory, minimum instances",
                count * memory * HOURS_PER_MONTH,
                f"{_fmt(count)} instances x {memory} GiB x 730 h",
                "fixed",
            ),
        ]
    return charges


_MEMORY = re.compile(r"^\s*([0-9.]+)\s*(Gi|G|Mi|M)?\s*$")


def memory_gib(value: Any) -> float:
    """A container memory request (``2Gi``, ``512Mi``, ``0.5Gi``) in GiB."""
    match = _MEMORY.match(str(value or "0"))
    if not match:
        raise ValueError(f"container memory {value!r} is not a quantity like 0.5Gi")
    amount, unit = float(match.group(1)), match.group(2) or "Gi"
    return amount / 1024 if unit in ("Mi", "M") else amount


def _container_app(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    profile = inputs.get("workloadProfileName")
    if profile not in (None, "Consumption"):
        return []  # on a dedicated profile: billed through the profile's instances (the environment's lines)
    template = inputs.get("template") or {}
    containers = [c for c in template.get("containers") or [] if isinstance(c, Mapping)]
    cpu = sum(_num(_get(c, "resources", "cpu")) for c in containers)
    memory = sum(memory_gib(_get(c, "resources", "memory")) for c in containers)
    replicas = _num(_get(template, "scale", "minReplicas"), 0.0)
    charges: list[Charge] = []
    if replicas:
        active = usage.app_active_fraction
        seconds = replicas * SECONDS_PER_MONTH
        for state, share in (("active", active), ("idle", 1 - active)):
            if not share:
                continue
            basis = f"{_fmt(replicas)} min replicas x {{size}} x 730 h x 3600 s x {share:.0%} {state}"
            charges += [
                Charge(
                    f"aca.vcpu.{state}",
                    f"vCPU of the minimum replicas ({state})",
                    seconds * cpu * share,
                    basis.format(size=f"{_fmt(cpu)} vCPU"),
                    "fixed",
                    ("appActiveFraction",) if active < 1 else (),
                ),
                Charge(
                    f"aca.memory.{state}",
                    f"memory of the minimum replicas ({state})",
                    seconds * memory * share,
                    basis.format(size=f"{_fmt(memory)} GiB"),
                    "fixed",
                    ("appActiveFraction",) if active < 1 else (),
                ),
            ]
    if _has_ingress(inputs):
        apps_with_ingress = sum(1 for app in related.all(CONTAINER_APP) if _has_ingress(app)) or 1
        requests = usage.api_requests_per_month / apps_with_ingress
        charges.append(
            Charge(
                "aca.requests",
                "HTTP requests",
                requests / 1_000_000,
                f"{_fmt(usage.api_requests_per_month)} requests / {apps_with_ingress} app(s) with ingress, in millions",
                "usage",
                ("apiRequestsPerMonth",),
            )
        )
    return charges


def _has_ingress(inputs: Mapping[str, Any]) -> bool:
    return bool(_get(inputs, "configuration", "ingress"))


# --- Azure Managed Redis --------------------------------------------------------------------------------------
REDIS_SKUS = ("Balanced_B0", "Balanced_B1", "Balanced_B3", "Balanced_B5", "Balanced_B10")


def _redis(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    sku = _sku(inputs)
    if sku not in REDIS_SKUS:
        raise ValueError(f"Azure Managed Redis SKU {sku!r} has no price entry (priced: {', '.join(REDIS_SKUS)})")
    ha = inputs.get("highAvailability", "Enabled") != "Disabled"
    instances = 2 if ha else 1
    return [
        Charge(
            f"amr.{sku.lower()}",
            f"Azure Managed Redis {sku}{' (high availability)' if ha else ''}",
            instances * HOURS_PER_MONTH,
            f"{instances} instance{'s' if instances > 1 else ''} x 730 h",
            "fixed",
        )
    ]


# --- Cosmos DB ------------------------------------------------------------------------------------------------
def _serverless(account: Mapping[str, Any] | None) -> bool:
    caps = account.get("capabilities") if account else None
    return any(isinstance(c, Mapping) and c.get("name") == "EnableServerless" for c in caps or [])


def _regions(account: Mapping[str, Any] | None) -> int:
    locations = account.get("locations") if account else None
    return max(len(locations), 1) if isinstance(locations, list) else 1


def _cosmos_account(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    regions = _regions(inputs)
    where = f"{regions} region{'s' if regions > 1 else ''}"
    charges = [
        Charge(
            "cosmos.storage",
            "transactional storage",
            usage.cosmos_storage_gb * regions,
            f"{_fmt(usage.cosmos_storage_gb)} GB x {where}",
            "usage",
            ("cosmosStorageGb",),
        )
    ]
    if _serverless(inputs):
        charges.append(
            Charge(
                "cosmos.serverless.ru",
                "serverless request units",
                usage.cosmos_request_units_per_month / 1_000_000,
                f"{_fmt(usage.cosmos_request_units_per_month)} RU, in millions",
                "usage",
                ("cosmosRequestUnitsPerMonth",),
            )
        )
    if _get(inputs, "backupPolicy", "continuousModeProperties", "tier") == "Continuous30Days":
        charges.append(
            Charge(
                "cosmos.backup.continuous30",
                "continuous backup, 30 days",
                usage.cosmos_storage_gb * regions,
                f"{_fmt(usage.cosmos_storage_gb)} GB x {where}",
                "usage",
                ("cosmosStorageGb",),
            )
        )
    return charges


def _cosmos_throughput(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    account = related.find(COSMOS_ACCOUNT, "accountName", inputs.get("accountName"))
    regions = _regions(account)
    options = inputs.get("options") if isinstance(inputs.get("options"), Mapping) else {}
    maximum = _num(_get(options, "autoscaleSettings", "maxThroughput"))
    manual = _num(options.get("throughput") if options else None)
    where = f"{regions} region{'s' if regions > 1 else ''}"
    if maximum:
        floor = 0.1 * maximum
        used = max(usage.cosmos_autoscale_utilization, 0.1) * maximum
        charges = [
            Charge(
                "cosmos.autoscale.ru",
                "autoscale throughput, billed floor (10% of max)",
                floor / 100 * HOURS_PER_MONTH * regions,
                f"{_fmt(floor)} RU/s (10% of {_fmt(maximum)}) / 100 x 730 h x {where}",
                "fixed",
            )
        ]
        if used > floor:
            charges.append(
                Charge(
                    "cosmos.autoscale.ru",
                    "autoscale throughput above the floor (hourly peak)",
                    (used - floor) / 100 * HOURS_PER_MONTH * regions,
                    f"({_fmt(used)} - {_fmt(floor)}) RU/s / 100 x 730 h x {where}",
                    "usage",
                    ("cosmosAutoscaleUtilization",),
                )
            )
        return charges
    if manual:
        return [
            Charge(
                "cosmos.manual.ru",
                "provisioned throughput",
                manual / 100 * HOURS_PER_MONTH * regions,
                f"{_fmt(manual)} RU/s / 100 x 730 h x {where}",
                "fixed",
            )
        ]
    return []  # serverless, or throughput shared from the database


# --- the rest -------------------------------------------------------------------------------------------------
def _registry(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    sku = _sku(inputs)
    if sku not in ("Basic", "Standard", "Premium"):
        raise ValueError(f"Container Registry SKU {sku!r} has no price entry")
    return [
        Charge(
            f"acr.{sku.lower()}.day",
            f"Container Registry {sku}",
            DAYS_PER_MONTH,
            "730 h / 24 = 30.42 days",
            "fixed",
        )
    ]


def _key_vault(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    return [
        Charge(
            "kv.operations",
            "secret and key operations",
            usage.key_vault_operations_per_month / 10_000,
            f"{_fmt(usage.key_vault_operations_per_month)} operations / 10,000",
            "usage",
            ("keyVaultOperationsPerMonth",),
        )
    ]


_INCLUDED_RETENTION_DAYS = 31


def _workspace(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    sku = _sku(inputs) or "PerGB2018"
    if sku != "PerGB2018":
        raise ValueError(f"Log Analytics SKU {sku!r} has no price entry (priced: PerGB2018)")
    daily = usage.log_ingestion_gb_per_day
    cap = _num(_get(inputs, "workspaceCapping", "dailyQuotaGb"), -1)
    capped = f" (capped at the daily quota {_fmt(cap)} GB)" if 0 < cap < daily else ""
    if capped:
        daily = cap
    charges = [
        Charge(
            "la.ingestion",
            "analytics logs ingestion",
            daily * DAYS_PER_MONTH,
            f"{_fmt(daily)} GB/day{capped} x 30.42 days",
            "usage",
            ("logIngestionGbPerDay",),
        )
    ]
    retention = _num(inputs.get("retentionInDays"), _INCLUDED_RETENTION_DAYS)
    if retention > _INCLUDED_RETENTION_DAYS:
        extra = retention - _INCLUDED_RETENTION_DAYS
        charges.append(
            Charge(
                "la.retention",
                f"retention past the included {_INCLUDED_RETENTION_DAYS} days",
                daily * extra,
                f"{_fmt(daily)} GB/day x {_fmt(extra)} days retained beyond {_INCLUDED_RETENTION_DAYS} (steady state)",
                "usage",
                ("logIngestionGbPerDay",),
            )
        )
    return charges


def _private_endpoint(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    return [
        Charge("pe.hour", "private endpoint", HOURS_PER_MONTH, "730 h", "fixed"),
        Charge(
            "pe.data",
            "data processed",
            usage.private_endpoint_gb_per_month,
            f"{_fmt(usage.private_endpoint_gb_per_month)} GB",
            "usage",
            ("privateEndpointGbPerMonth",),
        ),
    ]


def _public_ip(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    sku = _sku(inputs) or "Basic"
    method = inputs.get("publicIPAllocationMethod") or inputs.get("publicIpAllocationMethod") or "Dynamic"
    if sku != "Standard" or method != "Static":
        raise ValueError(f"public IP {sku}/{method} has no price entry (priced: Standard/Static)")
    return [Charge("pip.standard.static", "Standard static public IPv4", HOURS_PER_MONTH, "730 h", "fixed")]


def _private_zone(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    return [Charge("dns.private_zone", "hosted private DNS zone", 1, "1 zone x 1 month", "fixed")]


def _metric_alert(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    criteria = _get(inputs, "criteria", "allOf")
    series = 0
    for criterion in criteria if isinstance(criteria, list) else []:
        dims = criterion.get("dimensions") if isinstance(criterion, Mapping) else None
        count = 1
        for dim in dims if isinstance(dims, list) else []:
            values = dim.get("values") if isinstance(dim, Mapping) else None
            count *= max(len(values), 1) if isinstance(values, list) and "*" not in values else 1
        series += count
    scopes = inputs.get("scopes")
    series *= max(len(scopes), 1) if isinstance(scopes, list) else 1
    return [
        Charge(
            "monitor.metric_alert",
            "monitored metric time series",
            series,
            f"{series} time series x 1 month",
            "fixed",
        )
    ]


def _service_bus(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    sku = _sku(inputs)
    if sku == "Premium":
        units = _num(_get(inputs, "sku", "capacity"), 1.0)
        return [
            Charge(
                "servicebus.premium.unit",
                "Service Bus Premium messaging units",
                units * HOURS_PER_MONTH,
                f"{_fmt(units)} units x 730 h",
                "fixed",
            )
        ]
    if sku == "Standard":
        included = 13_000_000
        billed = max(0.0, usage.service_bus_operations_per_month - included)
        return [
            Charge("servicebus.standard.base", "Service Bus Standard base charge", HOURS_PER_MONTH, "730 h", "fixed"),
            Charge(
                "servicebus.standard.operations",
                "messaging operations beyond the included 13 million",
                billed / 1_000_000,
                f"({_fmt(usage.service_bus_operations_per_month)} - 13,000,000) operations, in millions",
                "usage",
                ("serviceBusOperationsPerMonth",),
            ),
        ]
    raise ValueError(f"Service Bus SKU {sku!r} has no price entry (priced: Standard, Premium)")


# --- the tables -----------------------------------------------------------------------------------------------
APIM = "azure-native:apimanagement:ApiManagementService"
APP_GATEWAY = "azure-native:network:ApplicationGateway"
MANAGED_ENVIRONMENT = "azure-native:app:ManagedEnvironment"
CONTAINER_APP = "azure-native:app:ContainerApp"
REDIS = "azure-native:redisenterprise:RedisEnterprise"
COSMOS_ACCOUNT = "azure-native:cosmosdb:DatabaseAccount"


# --- PostgreSQL Flexible Server -------------------------------------------------------------------------------
# Billed per hour of the compute SKU (Burstable per instance; General Purpose and Memory Optimized per vCore), a
# standby replica doubling compute with high availability, plus provisioned storage per GB-month.
# https://azure.microsoft.com/pricing/details/postgresql/flexible-server/
def _postgres_server(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    name, tier = _sku(inputs), str(_get(inputs, "sku", "tier") or "")
    ha = _get(inputs, "highAvailability", "mode") not in ("Disabled", None)
    copies = 2 if ha else 1
    standby = " with a high-availability standby" if ha else ""
    if tier == "Burstable":
        compute = Charge(
            f"postgres.burstable.{name.removeprefix('Standard_').lower()}",
            f"PostgreSQL {name}{standby}",
            copies * HOURS_PER_MONTH,
            f"{copies} instance{'s' if copies > 1 else ''} x 730 h",
            "fixed",
        )
    else:
        found = re.match(r"Standard_[A-Z]+(\d+)", name)
        if found is None:
            raise ValueError(f"PostgreSQL SKU {name!r}: cannot tell its vCores")
        vcores = int(found.group(1))
        compute = Charge(
            f"postgres.{tier.lower()}.vcore",
            f"PostgreSQL {name} ({vcores} vCores){standby}",
            copies * vcores * HOURS_PER_MONTH,
            f"{copies} x {vcores} vCores x 730 h",
            "fixed",
        )
    storage_gb = float(_get(inputs, "storage", "storageSizeGB") or 32)
    return [
        compute,
        Charge("postgres.storage", "PostgreSQL provisioned storage", storage_gb, f"{_fmt(storage_gb)} GB", "fixed"),
    ]


PRICING: dict[str, TypePricing] = {
    APIM: TypePricing(frozenset(f"apim.{t.lower()}.unit" for t in _APIM_TIERS), _apim),
    APP_GATEWAY: TypePricing(
        frozenset(
            {"agw.waf_v2.fixed", "agw.waf_v2.capacity_unit", "agw.standard_v2.fixed", "agw.standard_v2.capacity_unit"}
        ),
        _app_gateway,
        "fixed hours + capacity units; the public IP is priced as its own resource",
    ),
    MANAGED_ENVIRONMENT: TypePricing(
        frozenset({"aca.dedicated.management", "aca.dedicated.vcpu", "aca.dedicated.memory"}),
        _environment,
        "Consumption-only: no charge of its own; dedicated profiles: minimum instances + plan management",
    ),
    CONTAINER_APP: TypePricing(
        frozenset({"aca.vcpu.active", "aca.vcpu.idle", "aca.memory.active", "aca.memory.idle", "aca.requests"}),
        _container_app,
        "minimum replicas billed all month; scale-out above the minimum is not estimated",
    ),
    "azure-native:app:Job": TypePricing(
        frozenset(),
        lambda inputs, usage, related: [],
        "event-driven jobs run only when triggered; executions are not estimated",
    ),
    REDIS: TypePricing(frozenset(f"amr.{s.lower()}" for s in REDIS_SKUS), _redis),
    COSMOS_ACCOUNT: TypePricing(
        frozenset({"cosmos.storage", "cosmos.serverless.ru", "cosmos.backup.continuous30"}), _cosmos_account
    ),
    "azure-native:cosmosdb:SqlResourceSqlDatabase": TypePricing(
        frozenset({"cosmos.autoscale.ru", "cosmos.manual.ru"}), _cosmos_throughput
    ),
    "azure-native:cosmosdb:SqlResourceSqlContainer": TypePricing(
        frozenset({"cosmos.autoscale.ru", "cosmos.manual.ru"}), _cosmos_throughput
    ),
    "azure-native:containerregistry:Registry": TypePricing(
        frozenset({"acr.basic.day", "acr.standard.day", "acr.premium.day"}), _registry
    ),
    "azure-native:keyvault:Vault": TypePricing(frozenset({"kv.operations"}), _key_vault),
    "azure-native:operationalinsights:Workspace": TypePricing(frozenset({"la.ingestion", "la.retention"}), _workspace),
    "azure-native:network:PrivateEndpoint": TypePricing(frozenset({"pe.hour", "pe.data"}), _private_endpoint),
    "azure-native:network:PublicIPAddress": TypePricing(frozenset({"pip.standard.static"}), _public_ip),
    "azure-native:privatedns:PrivateZone": TypePricing(frozenset({"dns.private_zone"}), _private_zone),
    "azure-native:monitor:MetricAlert": TypePricing(frozenset({"monitor.metric_alert"}), _metric_alert),
    # Issue 15's backpressure queue, priced for when the type lands.
    "azure-native:dbforpostgresql:Server": TypePricing(
        frozenset(
            {"postgres.burstable.b1ms", "postgres.generalpurpose.vcore", "postgres.memoryoptimized.vcore"}
            | {"postgres.storage"}
        ),
        _postgres_server,
    ),
    "azure-native:servicebus:Namespace": TypePricing(
        frozenset({"servicebus.standard.base", "servicebus.standard.operations", "servicebus.premium.unit"}),
        _service_bus,
    ),
}
"""Billable types: type token -> how it is priced."""

FREE_TYPES: dict[str, str] = {
    "azure-native:eventgrid:SystemTopic": "Event Grid's first 100,000 operations a month are free, and a vault's "
    "near-expiry events are a handful",
    "azure-native:eventgrid:SystemTopicEventSubscription": "priced with the system topic's operations",
    "azure-native:servicebus:Queue": "included in the namespace price (Premium messaging units)",
    "azure-native:servicebus:Topic": "included in the namespace price (Premium messaging units)",
    "azure-native:servicebus:Subscription": "included in the namespace price (Premium messaging units)",
    "azure-native:dbforpostgresql:Database": "included in the server price",
    "azure-native:dbforpostgresql:Configuration": "no charge",
    "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": "no charge",
    "azure-native:resources:ResourceGroup": "no charge",
    "azure-native:network:VirtualNetwork": "no charge (peering and gateways would be; the platform has none)",
    "azure-native:network:Subnet": "no charge",
    "azure-native:network:NetworkSecurityGroup": "no charge",
    "azure-native:network:PrivateDnsZoneGroup": "no charge (the endpoint and the zone are priced)",
    "azure-native:network:WebApplicationFirewallPolicy": "included in the WAF_v2 gateway price",
    "azure-native:privatedns:VirtualNetworkLink": "no charge for registration-off links",
    "azure-native:privatedns:PrivateRecordSet": "no charge (queries are not estimated)",
    "azure-native:keyvault:Secret": "operations are priced on the vault",
    "azure-native:applicationinsights:Component": "workspace-based: its telemetry is Log Analytics ingestion "
    "(cost.usage.logIngestionGbPerDay)",
    "azure-native:monitor:DiagnosticSetting": "no charge: the logs it sends are Log Analytics ingestion",
    "azure-native:monitor:ActionGroup": "e-mail notifications (the platform's only receivers) are free up to 1,000 "
    "a month",
    "azure-native:authorization:RoleAssignment": "no charge",
    "azure-native:authorization:ManagementLockByScope": "no charge",
    "azure-native:managedidentity:UserAssignedIdentity": "no charge",
    "azure-native:redisenterprise:Database": "included in the cluster price",
    "azure-native:redisenterprise:AccessPolicyAssignment": "no charge",
    "azure-native:cosmosdb:SqlResourceSqlRoleAssignment": "no charge",
    "azure-native:apimanagement:Api": "included in the API Management units",
    "azure-native:apimanagement:ApiOperation": "included in the API Management units",
    "azure-native:apimanagement:ApiPolicy": "included in the API Management units",
    "azure-native:apimanagement:Backend": "included in the API Management units",
    "azure-native:apimanagement:Diagnostic": "included (its telemetry is Log Analytics ingestion)",
    "azure-native:apimanagement:Logger": "included in the API Management units",
    "azure-native:apimanagement:NamedValue": "included in the API Management units",
    "azure-native:consumption:Budget": "no charge",
}
"""Types that cost nothing by themselves, each with why."""

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
    """The charges of one resource; None for a type with no pricing entry (free types return an empty list)."""
    if type_token in FREE_TYPES:
        return []
    pricing = PRICING.get(type_token)
    if pricing is None:
        return None
    charges = pricing.charges(inputs, usage, related or Related())
    undeclared = {c.meter for c in charges} - pricing.meters
    if undeclared:
        raise ValueError(f"{type_token} priced with undeclared meters {sorted(undeclared)}")
    return charges
