"""Container Apps: the environment, apps and jobs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from azplatform.components.records.data import REGISTRY
from azplatform.components.records.foundation import IDENTITY, ROLE_ASSIGNMENT, WORKSPACE
from azplatform.components.records.model import Immutable, Prerequisite, Telemetry, Tier, TypeRecord
from azplatform.components.records.network import SUBNET, VIRTUAL_NETWORK
from azplatform.components.records.offline import digest, stable_ip
from azplatform.components.records.sources import QUICK

MANAGED_ENVIRONMENT = "azure-native:app:ManagedEnvironment"
CONTAINER_APP = "azure-native:app:ContainerApp"
JOB = "azure-native:app:Job"

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

RECORDS = (
    TypeRecord(
        token=MANAGED_ENVIRONMENT,
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
        computed=_managed_environment,
    ),
    TypeRecord(
        token=CONTAINER_APP,
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
        computed=_container_app,
    ),
    TypeRecord(
        token=JOB,
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
    ),
)
