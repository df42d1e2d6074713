"""Cross-cutting rules: they apply to every resource type that has the property they look at."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from azplatform.policy import catalog
from azplatform.policy.model import (
    SECRET,
    Enforcement,
    Environment,
    Resource,
    Severity,
    get,
    is_list,
    items,
    lower,
    mapping,
    tags_of,
)
from azplatform.policy.registry import resource_rule

REQUIRED_TAGS = ("environment", "owner", "costCenter")


@resource_rule(
    id="AZP-TAG-001",
    description="Taggable resources carry the environment, owner and costCenter tags; environment names the stack's.",
    severity=Severity.LOW,
    reference="Azure Policy: Require a tag on resources (Cloud Adoption Framework tagging strategy)",
    enforcement=Enforcement.BASELINE,
)
def required_tags(resource: Resource, environment: Environment) -> Iterator[str]:
    """Ownership and cost allocation; a wrong environment tag hides a resource from its environment's views."""
    if resource.type not in catalog.TAGGABLE and "tags" not in resource.inputs:
        return
    tags = tags_of(resource)
    missing = [tag for tag in REQUIRED_TAGS if not tags.get(tag)]
    if missing:
        yield f"missing tags {missing}"
    if tags.get("environment") and tags.get("environment") != environment:
        yield f"tag environment is {tags.get('environment')!r} in a {environment} stack"


# Types whose TLS minimum a dedicated rule checks.
_DEDICATED_TLS_RULES = {catalog.REDIS_CLUSTER, catalog.COSMOS_ACCOUNT, catalog.APPLICATION_GATEWAY, catalog.APIM}
_TLS_KEYS = ("minimumTlsVersion", "minimalTlsVersion", "minTlsVersion", "minimumTLSVersion")


def tls_version(value: Any) -> tuple[int, int] | None:
    """'1.2', 'TLS1_2', 'Tls12', 'TLSv1_2' -> (1, 2); 'Tls' or 'TLS1_0' -> (1, 0); None when unreadable."""
    text = lower(value).replace("tlsv", "").replace("tls", "").replace("_", ".").strip(".")
    if text == "":
        return (1, 0) if lower(value) == "tls" else None
    match = re.fullmatch(r"(\d)\.?(\d)", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


@resource_rule(
    id="AZP-TLS-001",
    description="Any resource with a minimum-TLS setting requires TLS 1.2 or later.",
    severity=Severity.HIGH,
    reference="MCSB DP-3 (encrypt sensitive data in transit)",
    enforcement=Enforcement.BASELINE,
)
def tls_minimum(resource: Resource, _: Environment) -> Iterator[str]:
    """The catch-all for storage, SQL, Service Bus and the like; the platform's own services have dedicated rules."""
    if resource.type in _DEDICATED_TLS_RULES:
        return
    for scope in (resource.inputs, mapping(resource.inputs.get("properties"))):
        for key in _TLS_KEYS:
            value = scope.get(key)
            version = tls_version(value)
            if value is not None and (version is None or version < (1, 2)):
                yield f"{key} is {value!r}; require TLS 1.2"


@resource_rule(
    id="AZP-IAM-001",
    description="Workloads and gateways (container apps and jobs, API Management, App Gateway) have a managed "
    "identity.",
    severity=Severity.HIGH,
    reference="MCSB IM-3 (manage application identities securely and automatically)",
    enforcement=Enforcement.BASELINE,
    types=catalog.NEEDS_IDENTITY,
)
def managed_identity(resource: Resource, _: Environment) -> Iterator[str]:
    """They read Key Vault, pull images and call data stores: with an identity, not a key."""
    kind = lower(get(resource.inputs, "identity", "type")).replace(" ", "")
    if "assigned" not in kind:
        yield f"identity.type is {get(resource.inputs, 'identity', 'type')!r}; give it a managed identity"
    elif "userassigned" in kind and not get(resource.inputs, "identity", "userAssignedIdentities"):
        yield "identity.type is UserAssigned but identity.userAssignedIdentities is empty"


# Key names that hold a credential; a camelCase ...Key or a bare "key" too, except keys that are not secrets.
_SECRET_KEY = re.compile(
    r"(password|passwd|secret|connectionstring|sharedkey|accesskey|apikey|token|privatekey|instrumentationkey)$",
    re.IGNORECASE,
)
_KEY_SUFFIX = re.compile(r"(^key|[a-z0-9]Key)$")
_NOT_SECRET_KEYS = {"partitionKey", "publicKey", "shardKey", "sortKey", "uniqueKey"}
_SECRET_ENV_NAME = re.compile(r"(password|passwd|secret|connectionstring|key|token)$", re.IGNORECASE)
_NOT_SECRET_ENV_NAMES = {"partitionkey", "publickey"}


# An API Management named value reference, the whole value: "{{appinsights-connection-string}}".
# https://learn.microsoft.com/azure/api-management/api-management-howto-properties#use-a-named-value
_NAMED_VALUE = re.compile(r"^\{\{[A-Za-z0-9._-]+\}\}$")


def _is_reference(value: str) -> bool:
    """Key Vault references and APIM named value references are not secrets: the value stays elsewhere."""
    lowered = value.lower()
    return (
        lowered.startswith("@microsoft.keyvault(")
        or (".vault.azure.net/" in lowered and "/secrets/" in lowered)
        or bool(_NAMED_VALUE.match(value))
    )


def _plaintext(value: Any) -> bool:
    return isinstance(value, str) and value not in ("", SECRET) and not _is_reference(value)


def _secret_key(key: str) -> bool:
    return key not in _NOT_SECRET_KEYS and bool(_SECRET_KEY.search(key) or _KEY_SUFFIX.search(key))


def _walk(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, Mapping):
        name = value.get("name")
        # {"name": "DB_PASSWORD", "value": "..."} (container env vars, app settings)
        normalized = name.replace("_", "").replace("-", "").lower() if isinstance(name, str) else ""
        if (
            normalized
            and _SECRET_ENV_NAME.search(normalized)
            and normalized not in _NOT_SECRET_ENV_NAMES
            and _plaintext(value.get("value"))
        ):
            yield f"{path}[{name}].value"
        for key, child in value.items():
            if key == "tags" and path == "":
                continue
            child_path = f"{path}.{key}" if path else str(key)
            if _secret_key(str(key)) and _plaintext(child):
                yield child_path
            else:
                yield from _walk(child, child_path)
    elif is_list(value):
        parent_secret = path.rsplit(".", 1)[-1] == "secrets"
        for index, child in enumerate(items(value)):
            if parent_secret and _plaintext(get(child, "value")):
                yield f"{path}[{get(child, 'name') or index}].value"
            else:
                yield from _walk(child, f"{path}[{index}]")


@resource_rule(
    id="AZP-SEC-001",
    description="No input holds a plaintext secret (passwords, keys, connection strings, tokens must be Pulumi "
    "secrets or Key Vault references).",
    severity=Severity.CRITICAL,
    reference="MCSB IM-8 (restrict the exposure of credentials and secrets); MCSB DP-6",
    enforcement=Enforcement.BASELINE,
)
def no_plaintext_secrets(resource: Resource, _: Environment) -> Iterator[str]:
    """A heuristic on key names: a secret-looking key whose value is plain text (not "[secret]") is reported."""
    for path in _walk(resource.inputs, ""):
        yield f"{path} holds a plaintext value; wrap it in pulumi.Output.secret or reference Key Vault"


@resource_rule(
    id="AZP-PROT-001",
    description="In prod, stateful resources (data stores, the log workspace, the resource group) carry Pulumi "
    "protect.",
    severity=Severity.HIGH,
    reference="MCSB BR-1 (backup and recovery) / data-loss protection; docs/architecture.md (decisions)",
    enforcement=Enforcement.PROTECTION,
    types=catalog.STATEFUL,
)
def stateful_protected(resource: Resource, _: Environment) -> Iterator[str]:
    """protect makes `pulumi up`/`destroy` refuse to delete it; the lock (AZP-STACK-004) covers everyone else."""
    if not resource.protect:
        yield "protect is not set"


def _zones(value: Any) -> set[str]:
    return {str(zone) for zone in items(value)}


def _zone_problems(resource: Resource) -> Iterator[str]:
    inputs = resource.inputs
    if resource.type == catalog.APIM and not _zones(inputs.get("zones")):
        # Premium without explicit zones gets automatic zone redundancy, which Microsoft recommends, given at
        # least two units. https://learn.microsoft.com/azure/api-management/enable-availability-zone-support
        sku = get(inputs, "sku")
        if get(sku, "name") != "Premium" or not isinstance(get(sku, "capacity"), int) or get(sku, "capacity") < 2:
            yield (
                f"sku is {sku}; automatic zone redundancy needs Premium with at least 2 units "
                "(or set zones to at least two of ['1', '2', '3'])"
            )
    elif resource.type in (catalog.APPLICATION_GATEWAY, catalog.PUBLIC_IP, catalog.APIM):
        if len(_zones(inputs.get("zones"))) < 2:
            yield f"zones is {sorted(_zones(inputs.get('zones')))}; spread it over at least two zones (['1', '2', '3'])"
    elif resource.type == catalog.CONTAINER_APPS_ENVIRONMENT:
        if inputs.get("zoneRedundant") is not True:
            yield "zoneRedundant is not true"
    elif resource.type == catalog.COSMOS_ACCOUNT:
        locations = items(inputs.get("locations"))
        if not locations or any(get(location, "isZoneRedundant") is not True for location in locations):
            yield "not every locations[] entry has isZoneRedundant true"
    elif resource.type == catalog.REGISTRY:
        if inputs.get("zoneRedundancy") != "Enabled":
            yield f"zoneRedundancy is {inputs.get('zoneRedundancy')!r}; use 'Enabled'"
    elif resource.type == catalog.REDIS_CLUSTER and lower(inputs.get("highAvailability")) == "disabled":
        # Azure Managed Redis replicates across zones when high availability is on, in regions with zones.
        # https://learn.microsoft.com/azure/redis/high-availability
        yield "highAvailability is 'Disabled': no replica, no zone redundancy"


@resource_rule(
    id="AZP-ZONE-001",
    description="In prod, zonal services span availability zones (gateway, public IP, APIM, Container Apps, "
    "Cosmos, registry, Redis).",
    severity=Severity.MEDIUM,
    reference="MCSB BR-1 / Well-Architected reliability: Azure Policy: [Preview]: Cosmos Database Accounts should "
    "be Zone Redundant (and the per-service zone-redundancy built-ins)",
    enforcement=Enforcement.RESILIENCE,
    types=(
        catalog.APPLICATION_GATEWAY,
        catalog.PUBLIC_IP,
        catalog.APIM,
        catalog.CONTAINER_APPS_ENVIRONMENT,
        catalog.COSMOS_ACCOUNT,
        catalog.REGISTRY,
        catalog.REDIS_CLUSTER,
    ),
)
def zone_redundant(resource: Resource, _: Environment) -> Iterator[str]:
    """A zone outage must not take prod down."""
    yield from _zone_problems(resource)
