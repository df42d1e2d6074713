"""Compute rules: the Container Apps environment, its apps and jobs, and the container registry."""

from __future__ import annotations

from collections.abc import Iterator

from azplatform.components.images import is_mutable_image
from azplatform.policy import catalog
from azplatform.policy.model import Enforcement, Environment, Resource, Severity, get, items, lower
from azplatform.policy.registry import resource_rule

_WORKLOADS = (catalog.CONTAINER_APP, catalog.CONTAINER_APP_JOB)


def closed_to_internet(environment: Resource) -> bool:
    """An environment the internet cannot reach: internal, or external with public network access off."""
    return (
        get(environment.inputs, "vnetConfiguration", "internal") is True
        or lower(environment.inputs.get("publicNetworkAccess")) == "disabled"
    )


@resource_rule(
    id="AZP-ACA-001",
    description="The Container Apps environment is injected into its subnet and closed to the internet: internal, "
    "or with public network access Disabled (reached through private endpoints).",
    severity=Severity.CRITICAL,
    reference="MCSB NS-2; Azure Policy: Container Apps environment should use network injection",
    enforcement=Enforcement.BASELINE,
    types=(catalog.CONTAINER_APPS_ENVIRONMENT,),
)
def environment_internal(resource: Resource, _: Environment) -> Iterator[str]:
    """vnetConfiguration.internal true puts the environment's load balancer on a private IP in the VNet; an external
    one with publicNetworkAccess Disabled accepts traffic only through its private endpoints.
    https://learn.microsoft.com/azure/container-apps/networking (public network access)"""
    if not closed_to_internet(resource):
        yield (
            "vnetConfiguration.internal is not true and publicNetworkAccess is not 'Disabled': the environment "
            "accepts traffic from the internet"
        )
    if not get(resource.inputs, "vnetConfiguration", "infrastructureSubnetId"):
        yield "vnetConfiguration.infrastructureSubnetId is not set"


@resource_rule(
    id="AZP-ACA-002",
    description="The Container Apps environment sends logs through Azure Monitor (diagnostic settings), not a "
    "shared workspace key.",
    severity=Severity.MEDIUM,
    reference="MCSB LT-3 (logging for security investigation); MCSB IM-1",
    enforcement=Enforcement.BASELINE,
    types=(catalog.CONTAINER_APPS_ENVIRONMENT,),
)
def environment_logs_via_azure_monitor(resource: Resource, _: Environment) -> Iterator[str]:
    """'log-analytics' needs the workspace's shared key, which the workspace refuses (local auth off); none drops
    console and system logs. https://learn.microsoft.com/azure/container-apps/log-options"""
    destination = get(resource.inputs, "appLogsConfiguration", "destination")
    if destination != "azure-monitor":
        yield f"appLogsConfiguration.destination is {destination!r}; use 'azure-monitor' with a diagnostic setting"


@resource_rule(
    id="AZP-ACA-003",
    description="Container app ingress never allows plain HTTP (allowInsecure false).",
    severity=Severity.HIGH,
    reference="MCSB DP-3; Azure Policy: Container Apps should only be accessible over HTTPS",
    enforcement=Enforcement.BASELINE,
    types=(catalog.CONTAINER_APP,),
)
def app_no_insecure_ingress(resource: Resource, _: Environment) -> Iterator[str]:
    """allowInsecure lets HTTP through instead of redirecting it."""
    if get(resource.inputs, "configuration", "ingress", "allowInsecure") is True:
        yield "configuration.ingress.allowInsecure is true"


@resource_rule(
    id="AZP-ACA-004",
    description="Container app and job secrets are Key Vault references read with a managed identity, never values.",
    severity=Severity.HIGH,
    reference="MCSB IM-8 (restrict credential exposure); MCSB DP-6",
    enforcement=Enforcement.BASELINE,
    types=_WORKLOADS,
)
def workload_secrets_from_key_vault(resource: Resource, _: Environment) -> Iterator[str]:
    """keyVaultUrl plus identity: the value stays in Key Vault and rotates without a deployment."""
    for secret in items(get(resource.inputs, "configuration", "secrets")):
        name = get(secret, "name")
        if get(secret, "value") is not None:
            yield f"configuration.secrets[{name}] carries a value; use keyVaultUrl and identity"
        elif not (get(secret, "keyVaultUrl") and get(secret, "identity")):
            yield f"configuration.secrets[{name}] lacks keyVaultUrl or identity"


@resource_rule(
    id="AZP-ACA-005",
    description="Container apps and jobs pull images with a managed identity, not a registry password.",
    severity=Severity.HIGH,
    reference="MCSB IM-3 (manage application identities securely)",
    enforcement=Enforcement.BASELINE,
    types=_WORKLOADS,
)
def workload_registry_identity(resource: Resource, _: Environment) -> Iterator[str]:
    """Each configuration.registries entry names an identity and no username/passwordSecretRef."""
    for registry in items(get(resource.inputs, "configuration", "registries")):
        server = get(registry, "server")
        if not get(registry, "identity"):
            yield f"registry {server!r} has no identity"
        if get(registry, "passwordSecretRef") or get(registry, "username"):
            yield f"registry {server!r} authenticates with a username/password"


@resource_rule(
    id="AZP-ACA-006",
    description="Container apps and jobs run a pinned image: a version tag or a digest, never latest or no tag.",
    severity=Severity.MEDIUM,
    reference="https://learn.microsoft.com/azure/container-registry/container-registry-image-tag-version "
    "(stable tags, unique tags, digests)",
    enforcement=Enforcement.HARDENING,
    types=_WORKLOADS,
)
def workload_image_pinned(resource: Resource, _: Environment) -> Iterator[str]:
    """A mutable tag (latest, or none, which means latest) deploys whatever the tag points at when a replica
    starts: two replicas of one revision can run different code, and a rollback does not roll the image back."""
    for container in items(get(resource.inputs, "template", "containers")):
        image = get(container, "image")
        if isinstance(image, str) and is_mutable_image(image):
            yield (
                f"template.containers[{get(container, 'name')}].image {image!r} is a mutable tag; pin a version tag "
                "or a digest (@sha256:...)"
            )


@resource_rule(
    id="AZP-ACR-001",
    description="The container registry's admin user is disabled.",
    severity=Severity.HIGH,
    reference="MCSB IM-1; Azure Policy: Container registries should have local admin account disabled",
    enforcement=Enforcement.BASELINE,
    types=(catalog.REGISTRY,),
)
def registry_admin_off(resource: Resource, _: Environment) -> Iterator[str]:
    """The admin user is one shared password with push rights."""
    if resource.inputs.get("adminUserEnabled") is True:
        yield "adminUserEnabled is true"


@resource_rule(
    id="AZP-ACR-002",
    description="The container registry has public network access and anonymous pull disabled.",
    severity=Severity.HIGH,
    reference="MCSB NS-2; Azure Policy: Public network access should be disabled for Container registries",
    enforcement=Enforcement.BASELINE,
    types=(catalog.REGISTRY,),
)
def registry_private(resource: Resource, _: Environment) -> Iterator[str]:
    """Azure's default is Enabled, so Disabled must be explicit."""
    value = resource.inputs.get("publicNetworkAccess")
    if value != "Disabled":
        yield f"publicNetworkAccess is {value!r}; use 'Disabled'"
    if resource.inputs.get("anonymousPullEnabled") is True:
        yield "anonymousPullEnabled is true"


@resource_rule(
    id="AZP-ACR-003",
    description="The container registry is Premium, the only SKU with private endpoints.",
    severity=Severity.HIGH,
    reference="MCSB NS-2; https://learn.microsoft.com/azure/container-registry/container-registry-private-link",
    enforcement=Enforcement.BASELINE,
    types=(catalog.REGISTRY,),
)
def registry_premium(resource: Resource, _: Environment) -> Iterator[str]:
    """Basic and Standard registries cannot take a private endpoint; Azure rejects it."""
    sku = get(resource.inputs, "sku", "name")
    if lower(sku) != "premium":
        yield f"sku.name is {sku!r}; private endpoints need 'Premium'"
