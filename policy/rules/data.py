"""Data rules: Key Vault, Azure Managed Redis and Cosmos DB."""

from __future__ import annotations

from collections.abc import Iterator

from azplatform.policy import catalog
from azplatform.policy.model import Enforcement, Environment, Resource, Severity, get, items, lower
from azplatform.policy.registry import resource_rule

# --- Key Vault ------------------------------------------------------------------------------------------------


@resource_rule(
    id="AZP-KV-001",
    description="Key Vault purge protection is on.",
    severity=Severity.HIGH,
    reference="MCSB DP-8 (key and certificate repository security); Azure Policy: Key vaults should have "
    "deletion protection enabled",
    # dev may turn it off: with it on, a destroyed dev vault's name stays reserved for the retention period.
    enforcement=Enforcement.HARDENING,
    types=(catalog.KEY_VAULT,),
)
def vault_purge_protection(resource: Resource, _: Environment) -> Iterator[str]:
    """Without it, anyone with delete rights can purge a deleted vault and its secrets for good."""
    if get(resource.inputs, "properties", "enablePurgeProtection") is not True:
        yield "properties.enablePurgeProtection is not true"


# Chosen minimum: Azure's maximum (and default), 90 days. Retention costs nothing, and with purge protection it is
# the window in which an accidental or malicious delete can still be undone; a shorter window only helps reuse a
# name sooner, which dev may want (hence advisory there).
# https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview
SOFT_DELETE_MINIMUM_DAYS = 90


@resource_rule(
    id="AZP-KV-002",
    description=f"Key Vault soft delete is on with at least {SOFT_DELETE_MINIMUM_DAYS} days' retention.",
    severity=Severity.MEDIUM,
    reference="MCSB DP-8; Azure Policy: Key vaults should have soft delete enabled",
    enforcement=Enforcement.HARDENING,
    types=(catalog.KEY_VAULT,),
)
def vault_soft_delete(resource: Resource, _: Environment) -> Iterator[str]:
    """Retention is 7-90 days; Azure's default, when unset, is 90."""
    if get(resource.inputs, "properties", "enableSoftDelete") is False:
        yield "properties.enableSoftDelete is false"
    days = get(resource.inputs, "properties", "softDeleteRetentionInDays")
    if isinstance(days, int | float) and days < SOFT_DELETE_MINIMUM_DAYS:
        yield f"properties.softDeleteRetentionInDays is {days}; the minimum is {SOFT_DELETE_MINIMUM_DAYS}"


@resource_rule(
    id="AZP-KV-003",
    description="Key Vault uses the Azure RBAC permission model, with no access policies.",
    severity=Severity.HIGH,
    reference="MCSB PA-7 (just enough administration); Azure Policy: Azure Key Vault should use RBAC permission model",
    enforcement=Enforcement.BASELINE,
    types=(catalog.KEY_VAULT,),
)
def vault_rbac(resource: Resource, _: Environment) -> Iterator[str]:
    """Access policies grant vault-wide rights outside Azure RBAC and its audit trail."""
    if get(resource.inputs, "properties", "enableRbacAuthorization") is not True:
        yield "properties.enableRbacAuthorization is not true"
    if items(get(resource.inputs, "properties", "accessPolicies")):
        yield "properties.accessPolicies is not empty"


@resource_rule(
    id="AZP-KV-004",
    description="Key Vault has public network access disabled and its firewall denies by default.",
    severity=Severity.HIGH,
    reference="MCSB NS-2; Azure Policy: Azure Key Vault should disable public network access",
    enforcement=Enforcement.BASELINE,
    types=(catalog.KEY_VAULT,),
)
def vault_private(resource: Resource, _: Environment) -> Iterator[str]:
    """Reached only through its private endpoint."""
    value = get(resource.inputs, "properties", "publicNetworkAccess")
    if value != "Disabled":
        yield f"properties.publicNetworkAccess is {value!r}; use 'Disabled'"
    action = get(resource.inputs, "properties", "networkAcls", "defaultAction")
    if action != "Deny":
        yield f"properties.networkAcls.defaultAction is {action!r}; use 'Deny'"


@resource_rule(
    id="AZP-KV-005",
    description="Every Key Vault secret the stack writes carries an expiration date.",
    severity=Severity.MEDIUM,
    reference="MCSB IM-8 / DP-6; Azure Policy: Key Vault secrets should have an expiration date "
    "(98728c90-32c7-4049-8429-847dc0f4fe37)",
    enforcement=Enforcement.HARDENING,
    types=("azure-native:keyvault:Secret",),
)
def secret_expires(resource: Resource, _: Environment) -> Iterator[str]:
    """A secret without an end date outlives the reason it was created (and Azure Policy's deny effect refuses it)."""
    if not isinstance(get(resource.inputs, "properties", "attributes", "expires"), int):
        yield "properties.attributes.expires is not set; give the secret an expiry (seconds since the epoch)"


# --- Azure Managed Redis --------------------------------------------------------------------------------------


@resource_rule(
    id="AZP-REDIS-001",
    description="Azure Managed Redis requires TLS 1.2 or later.",
    severity=Severity.HIGH,
    reference="MCSB DP-3",
    enforcement=Enforcement.BASELINE,
    types=(catalog.REDIS_CLUSTER,),
)
def redis_tls(resource: Resource, _: Environment) -> Iterator[str]:
    """Unset is compliant: Azure Managed Redis supports nothing older than 1.2 (the SDK's minimumTlsVersion docs:
    "TLS 1.0 and TLS 1.1 are now completely obsolete -- you cannot use them")."""
    value = resource.inputs.get("minimumTlsVersion")
    if value is not None and value not in ("1.2", "1.3"):
        yield f"minimumTlsVersion is {value!r}; use '1.2'"


@resource_rule(
    id="AZP-REDIS-002",
    description="Azure Managed Redis has public network access disabled.",
    severity=Severity.HIGH,
    reference="MCSB NS-2",
    enforcement=Enforcement.BASELINE,
    types=(catalog.REDIS_CLUSTER,),
)
def redis_private(resource: Resource, _: Environment) -> Iterator[str]:
    """publicNetworkAccess is required by the API; it must say Disabled."""
    value = resource.inputs.get("publicNetworkAccess")
    if value != "Disabled":
        yield f"publicNetworkAccess is {value!r}; use 'Disabled'"


@resource_rule(
    id="AZP-REDIS-003",
    description="Azure Managed Redis databases accept only encrypted (TLS) client connections.",
    severity=Severity.HIGH,
    reference="MCSB DP-3",
    enforcement=Enforcement.BASELINE,
    types=(catalog.REDIS_DATABASE,),
)
def redis_encrypted_protocol(resource: Resource, _: Environment) -> Iterator[str]:
    """clientProtocol Plaintext opens the port without TLS; unset means Azure's default, Encrypted."""
    value = resource.inputs.get("clientProtocol")
    if lower(value) == "plaintext":
        yield "clientProtocol is 'Plaintext'; use 'Encrypted'"


# --- Cosmos DB --------------------------------------------------------------------------------------------------


@resource_rule(
    id="AZP-COSMOS-001",
    description="Cosmos DB local (key) authentication is disabled; only Entra identities get in.",
    severity=Severity.HIGH,
    reference="MCSB IM-1; Azure Policy: Cosmos DB database accounts should have local authentication methods disabled",
    enforcement=Enforcement.BASELINE,
    types=(catalog.COSMOS_ACCOUNT,),
)
def cosmos_local_auth_off(resource: Resource, _: Environment) -> Iterator[str]:
    """Account keys are full-control bearer secrets."""
    if resource.inputs.get("disableLocalAuth") is not True:
        yield "disableLocalAuth is not true"


@resource_rule(
    id="AZP-COSMOS-002",
    description="Cosmos DB has public network access disabled.",
    severity=Severity.HIGH,
    reference="MCSB NS-2; Azure Policy: Azure Cosmos DB should disable public network access",
    enforcement=Enforcement.BASELINE,
    types=(catalog.COSMOS_ACCOUNT,),
)
def cosmos_private(resource: Resource, _: Environment) -> Iterator[str]:
    """Azure's default is Enabled, so Disabled must be explicit."""
    value = resource.inputs.get("publicNetworkAccess")
    if value != "Disabled":
        yield f"publicNetworkAccess is {value!r}; use 'Disabled'"


@resource_rule(
    id="AZP-COSMOS-003",
    description="Cosmos DB uses continuous backup (point-in-time restore).",
    severity=Severity.MEDIUM,
    reference="MCSB BR-1 (ensure regular automated backups)",
    enforcement=Enforcement.HARDENING,
    types=(catalog.COSMOS_ACCOUNT,),
)
def cosmos_continuous_backup(resource: Resource, _: Environment) -> Iterator[str]:
    """Periodic backups restore only through a support ticket, to a snapshot hours old."""
    kind = get(resource.inputs, "backupPolicy", "type")
    if kind != "Continuous":
        yield f"backupPolicy.type is {kind!r}; use 'Continuous'"


@resource_rule(
    id="AZP-COSMOS-004",
    description="Cosmos DB key-based metadata writes are disabled (databases and containers change only via ARM).",
    severity=Severity.MEDIUM,
    reference="MCSB PA-7; Azure Policy: Azure Cosmos DB key based metadata write access should be disabled",
    enforcement=Enforcement.BASELINE,
    types=(catalog.COSMOS_ACCOUNT,),
)
def cosmos_metadata_writes_off(resource: Resource, _: Environment) -> Iterator[str]:
    """Otherwise a data-plane client can drop a container outside the deployment."""
    if resource.inputs.get("disableKeyBasedMetadataWriteAccess") is not True:
        yield "disableKeyBasedMetadataWriteAccess is not true"


@resource_rule(
    id="AZP-COSMOS-005",
    description="Cosmos DB requires TLS 1.2 (minimalTlsVersion Tls12), set explicitly.",
    severity=Severity.HIGH,
    reference="MCSB DP-3",
    enforcement=Enforcement.BASELINE,
    types=(catalog.COSMOS_ACCOUNT,),
)
def cosmos_tls12(resource: Resource, _: Environment) -> Iterator[str]:
    """Accounts created before the TLS 1.0/1.1 retirement kept 'Tls' as their default; say Tls12."""
    value = resource.inputs.get("minimalTlsVersion")
    if value != "Tls12":
        yield f"minimalTlsVersion is {value!r}; use 'Tls12'"
