"""Container Apps: the environment, apps and jobs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azplatform.components.records.billing import (
    HOURS_PER_MONTH,
    SECONDS_PER_MONTH,
    Charge,
    Meter,
    Priced,
    Related,
    UsageAssumptions,
    fmt,
    get,
    memory_gib,
    no_charges,
    num,
)
from azplatform.components.records.data import REGISTRY
from azplatform.components.records.foundation import IDENTITY, ROLE_ASSIGNMENT, WORKSPACE
from azplatform.components.records.model import (
    REGION_PLACEHOLDER,
    Immutable,
    Prerequisite,
    PrivateLink,
    Telemetry,
    Tier,
    TypeRecord,
)
from azplatform.components.records.network import SUBNET, VIRTUAL_NETWORK
from azplatform.components.records.offline import digest, stable_ip
from azplatform.components.records.sources import QUICK

MANAGED_ENVIRONMENT = "azure-native:app:ManagedEnvironment"

# environmentId is create-only (x-ms-mutability: create, read) on container apps and jobs in Azure's REST API
# specification (specification/app/resource-manager/Microsoft.App/ContainerApps, ContainerApps.json and Jobs.json).
_ENVIRONMENT_ID = (
    "https://github.com/Azure/azure-rest-api-specs/tree/main/specification/app/resource-manager/Microsoft.App"
)
CONTAINER_APP = "azure-native:app:ContainerApp"
JOB = "azure-native:app:Job"

# Dedicated profile types and their (vCPU, GiB) per node: general purpose (D) and memory optimised (E).
# https://learn.microsoft.com/azure/container-apps/workload-profiles-overview#profile-types
DEDICATED_PROFILE_SIZES: dict[str, tuple[int, int]] = {
    "D4": (4, 16),
    "D8": (8, 32),
    "D16": (16, 64),
    "D32": (32, 128),
    "E4": (4, 32),
    "E8": (8, 64),
    "E16": (16, 128),
    "E32": (32, 256),
}
_NETWORKING = "https://learn.microsoft.com/azure/container-apps/networking"


def _managed_environment(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    return {
        "defaultDomain": f"{digest(rid)[:10]}.{inputs.get('location', 'westeurope')}.azurecontainerapps.io",
        "staticIp": stable_ip(rid),
    }


def _container_app(inputs: Mapping[str, Any], rid: str) -> dict[str, Any]:
    name = inputs.get("containerAppName", "app")
    return {"latestRevisionFqdn": f"{name}--rev1.internal.example", "outboundIpAddresses": []}


# Apps and jobs: what their first revision (or execution template) needs at creation.
_WORKLOAD_PREREQUISITES = (
    Prerequisite(MANAGED_ENVIRONMENT, "an app or job runs in an existing environment"),
    Prerequisite(IDENTITY, "an assigned identity must exist"),
    Prerequisite(
        ROLE_ASSIGNMENT,
        "the first revision pulls its image (AcrPull) and resolves Key Vault references with the app's identity",
    ),
    Prerequisite(REGISTRY, "the image's registry must exist"),
    Prerequisite("azure-native:keyvault:*", "Key Vault secret references are resolved at creation"),
)
_WORKLOAD_NOT_PREREQUISITES = (Prerequisite("azure-native:privatedns:*", "apps do not read DNS records at creation"),)


# --- Container Apps -------------------------------------------------------------------------------------------
def _price_environment(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    dedicated = [
        p
        for p in inputs.get("workloadProfiles") or []
        if isinstance(p, Mapping) and p.get("workloadProfileType") not in (None, "Consumption")
    ]
    # A private endpoint on the environment bills the dedicated plan's management meter on Consumption too.
    # https://learn.microsoft.com/azure/container-apps/private-endpoints-with-dns (Billing)
    private_endpoint = str(inputs.get("publicNetworkAccess", "")).lower() == "disabled"
    if not dedicated and not private_endpoint:
        return []  # a Consumption-only environment has no charge of its own; its apps are billed
    charges = [
        Charge(
            "aca.dedicated.management",
            "dedicated plan management" + ("" if dedicated else " (private endpoint infrastructure)"),
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
        count = num(profile.get("minimumCount"), 0.0)
        name = profile.get("name")
        charges += [
            Charge(
                "aca.dedicated.vcpu",
                f"profile {name} ({kind}) vCPU, minimum instances",
                count * cpu * HOURS_PER_MONTH,
                f"{fmt(count)} instances x {cpu} vCPU x 730 h",
                "fixed",
            ),
            Charge(
                "aca.dedicated.memory",
                f"profile {name} ({kind}) memory, minimum instances",
                count * memory * HOURS_PER_MONTH,
                f"{fmt(count)} instances x {memory} GiB x 730 h",
                "fixed",
            ),
        ]
    return charges


_MANAGED_ENVIRONMENT_COST = Priced(
    (
        Meter(
            "aca.dedicated.management",
            "Azure Container Apps",
            "Azure Container Apps",
            "Dedicated",
            "Dedicated Plan Management",
            "1 Hour",
        ),
        Meter(
            "aca.dedicated.vcpu",
            "Azure Container Apps",
            "Azure Container Apps",
            "Dedicated",
            "Dedicated vCPU Usage",
            "1 Hour",
        ),
        Meter(
            "aca.dedicated.memory",
            "Azure Container Apps",
            "Azure Container Apps",
            "Dedicated",
            "Dedicated Memory Usage",
            "1 Hour",
        ),
    ),
    _price_environment,
    "Consumption-only: no charge of its own; dedicated profiles: minimum instances + plan management; a private "
    "endpoint: plan management",
)


def _has_ingress(inputs: Mapping[str, Any]) -> bool:
    return bool(get(inputs, "configuration", "ingress"))


def _price_container_app(inputs: Mapping[str, Any], usage: UsageAssumptions, related: Related) -> list[Charge]:
    profile = inputs.get("workloadProfileName")
    if profile not in (None, "Consumption"):
        return []  # on a dedicated profile: billed through the profile's instances (the environment's lines)
    template = inputs.get("template") or {}
    containers = [c for c in template.get("containers") or [] if isinstance(c, Mapping)]
    cpu = sum(num(get(c, "resources", "cpu")) for c in containers)
    memory = sum(memory_gib(get(c, "resources", "memory")) for c in containers)
    replicas = num(get(template, "scale", "minReplicas"), 0.0)
    charges: list[Charge] = []
    if replicas:
        active = usage.app_active_fraction
        seconds = replicas * SECONDS_PER_MONTH
        for state, share in (("active", active), ("idle", 1 - active)):
            if not share:
                continue
            basis = f"{fmt(replicas)} min replicas x {{size}} x 730 h x 3600 s x {share:.0%} {state}"
            charges += [
                Charge(
                    f"aca.vcpu.{state}",
                    f"vCPU of the minimum replicas ({state})",
                    seconds * cpu * share,
                    basis.format(size=f"{fmt(cpu)} vCPU"),
                    "fixed",
                    ("appActiveFraction",) if active < 1 else (),
                ),
                Charge(
                    f"aca.memory.{state}",
                    f"memory of the minimum replicas ({state})",
                    seconds * memory * share,
                    basis.format(size=f"{fmt(memory)} GiB"),
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
                f"{fmt(usage.api_requests_per_month)} requests / {apps_with_ingress} app(s) with ingress, in millions",
                "usage",
                ("apiRequestsPerMonth",),
            )
        )
    return charges


_CONTAINER_APP_COST = Priced(
    (
        Meter(
            "aca.vcpu.active",
            "Azure Container Apps",
            "Azure Container Apps",
            "Standard",
            "Standard vCPU Active Usage",
            "1 Second",
        ),
        Meter(
            "aca.vcpu.idle",
            "Azure Container Apps",
            "Azure Container Apps",
            "Standard",
            "Standard vCPU Idle Usage",
            "1 Second",
        ),
        Meter(
            "aca.memory.active",
            "Azure Container Apps",
            "Azure Container Apps",
            "Standard",
            "Standard Memory Active Usage",
            "1 GiB Second",
        ),
        Meter(
            "aca.memory.idle",
            "Azure Container Apps",
            "Azure Container Apps",
            "Standard",
            "Standard Memory Idle Usage",
            "1 GiB Second",
        ),
        Meter("aca.requests", "Azure Container Apps", "Azure Container Apps", "Standard", "Standard Requests", "1M"),
    ),
    _price_container_app,
    "minimum replicas billed all month; scale-out above the minimum is not estimated",
)


ORDER = 60
"""Where these records come in :data:`~azplatform.components.records.RECORDS` (lower first)."""

RECORDS = (
    TypeRecord(
        token=MANAGED_ENVIRONMENT,
        cost=_MANAGED_ENVIRONMENT_COST,
        label="Container Apps environment",
        tier=Tier.PLATFORM,
        arm_id="{rg}/providers/Microsoft.App/managedEnvironments/{environmentName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.LOGS,
        create_minutes=12,
        create_time_basis="reported",
        create_time_source="https://github.com/hashicorp/terraform-provider-azurerm/issues/20435",
        create_time_note=(
            "community report: 'container app env is created after about 12min' (VNet-integrated environments take "
            "10-20 minutes in reports; Microsoft publishes no figure)."
        ),
        prerequisites=(
            Prerequisite(VIRTUAL_NETWORK, "the environment is injected into an existing subnet"),
            Prerequisite(SUBNET, "the environment is injected into an existing subnet"),
            Prerequisite(WORKSPACE, "logs go to an existing workspace (its customer id is an input)"),
            Prerequisite(IDENTITY, "an assigned identity must exist"),
        ),
        immutable=(
            Immutable(
                "vnetConfiguration.infrastructureSubnetId",
                "an environment's network cannot be changed after it is created",
                _NETWORKING,
            ),
            Immutable(
                "vnetConfiguration.internal",
                "an environment's accessibility (internal or external) cannot be changed after it is created",
                _NETWORKING,
            ),
            Immutable(
                "zoneRedundant",
                "zone redundancy can only be enabled when the environment is created",
                "https://learn.microsoft.com/azure/reliability/reliability-azure-container-apps",
            ),
        ),
        outage="every app and job in the environment is recreated in the new one (an app cannot move between "
        "environments): all workloads stop, and their FQDNs, the environment's static IP and default domain change",
        # Only with containerApps.access: privateEndpoint (an environment whose public network access is off); the
        # zone is named per region, so a landing zone's central DNS team can hold it before the environment exists.
        private_link=PrivateLink(
            group_id="managedEnvironments",
            zone=f"privatelink.{REGION_PLACEHOLDER}.azurecontainerapps.io",
            source="https://learn.microsoft.com/azure/container-apps/private-endpoints-with-dns; group id: "
            "https://learn.microsoft.com/azure/container-apps/how-to-use-private-endpoint",
            ports=("443",),
            ports_source=_NETWORKING,
        ),
        computed=_managed_environment,
    ),
    TypeRecord(
        token=CONTAINER_APP,
        cost=_CONTAINER_APP_COST,
        label="Container app",
        tier=Tier.PLATFORM,
        arm_id="{rg}/providers/Microsoft.App/containerApps/{containerAppName}",
        parent=None,
        stateful=False,
        taggable=True,
        # Console and system logs flow through the environment.
        telemetry=Telemetry.METRICS,
        create_minutes=2,
        create_time_basis="estimate",
        create_time_source="estimate: no published duration; the first revision pulls its image and starts replicas",
        prerequisites=_WORKLOAD_PREREQUISITES,
        not_prerequisites=_WORKLOAD_NOT_PREREQUISITES,
        immutable=(
            Immutable(
                "environmentId",
                "an app or job cannot move to another Container Apps environment; a new environment means a new one",
                _ENVIRONMENT_ID,
            ),
        ),
        outage="a new app: its revisions restart from nothing, its FQDN and outbound addresses may change, and "
        "requests fail until it is ready",
        computed=_container_app,
    ),
    TypeRecord(
        token=JOB,
        cost=Priced((), no_charges, "event-driven jobs run only when triggered; executions are not estimated"),
        label="Container Apps job",
        tier=Tier.PLATFORM,
        arm_id="{rg}/providers/Microsoft.App/jobs/{jobName}",
        parent=None,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.METRICS,
        create_minutes=0.5,
        create_time_basis="estimate",
        create_time_source=QUICK,
        create_time_note="no execution runs at create",
        prerequisites=_WORKLOAD_PREREQUISITES,
        not_prerequisites=_WORKLOAD_NOT_PREREQUISITES,
        immutable=(
            Immutable(
                "environmentId",
                "an app or job cannot move to another Container Apps environment; a new environment means a new one",
                _ENVIRONMENT_ID,
            ),
        ),
    ),
)
