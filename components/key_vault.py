"""Key Vault: RBAC mode, purge protection, soft delete, no public network, private endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field

from azplatform.components.args import Args, Input
from azplatform.components.interfaces import CommonArgs, PrivateEndpointSpec, apply_interfaces
from azplatform.components.naming import Kind, name_check
from azplatform.components.rbac import BuiltInRole, ExistingResource, Grantable, Principal
from azplatform.components.records.foundation import SYSTEM_TOPIC
from azplatform.components.replacements import replace_on_changes

TYPE_TOKEN = "azplatform:index:KeyVault"


class KeyVaultSettings(Args):
    """What a user chooses about a Key Vault (the stack file's ``keyVault`` section)."""

    sku: Literal["standard", "premium"] = Field(
        default="standard", description="Vault SKU; premium adds HSM-backed keys. Default standard."
    )
    # https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview
    soft_delete_retention_days: int = Field(
        default=90,
        ge=7,
        le=90,
        description="Days a deleted vault or secret stays recoverable (Azure allows 7-90; fixed once the vault "
        "exists). Default 90.",
    )


class KeyVaultArgs(KeyVaultSettings, CommonArgs):
    """Arguments for :class:`KeyVault`: its settings plus placement and the shared interfaces."""

    name: Annotated[str, AfterValidator(name_check(Kind.KEY_VAULT))] = Field(
        description="Vault name (CAF kv-...; 3-24 letters, digits and single hyphens, globally unique)."
    )
    tenant_id: Input[str] = Field(description="Entra tenant that authenticates requests to the vault.")
    private_endpoints: list[PrivateEndpointSpec] = Field(
        default_factory=list,
        description="Private endpoints (group vault); the vault has no public network access either way. "
        "Default: none.",
    )


class KeyVaultGrants(Grantable):
    """Grants on a vault, for a :class:`KeyVault` and an :class:`ExistingKeyVault` alike."""

    def grant_secret_read(self, principal: Principal) -> azure_native.authorization.RoleAssignment:
        """Key Vault Secrets User: read secret values (apps resolving Key Vault references)."""
        return self._grant(BuiltInRole.KEY_VAULT_SECRETS_USER, principal)

    def grant_secrets_officer(self, principal: Principal) -> azure_native.authorization.RoleAssignment:
        """Key Vault Secrets Officer: create, update and delete secrets (deployment identities)."""
        return self._grant(BuiltInRole.KEY_VAULT_SECRETS_OFFICER, principal)

    def grant_certificate_read(self, principal: Principal) -> azure_native.authorization.RoleAssignment:
        """Key Vault Certificate User: read certificates. (Application Gateway reads its TLS certificate through the
        certificate's secret, so it needs ``grant_secret_read`` instead.)"""
        return self._grant(BuiltInRole.KEY_VAULT_CERTIFICATE_USER, principal)


class ExistingKeyVault(ExistingResource, KeyVaultGrants):
    """A vault another stack owns, by id (``PlatformReference.key_vault_id``): grants on it, nothing else."""


class KeyVault(pulumi.ComponentResource, KeyVaultGrants):
    """A private, RBAC-mode Key Vault with purge protection. Grants: ``grant_secret_read``,
    ``grant_secrets_officer``, ``grant_certificate_read``."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    vault_uri: pulumi.Output[str]

    def __init__(self, name: str, args: KeyVaultArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self.vault = azure_native.keyvault.Vault(
            name,
            vault_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            properties=azure_native.keyvault.VaultPropertiesArgs(
                tenant_id=args.tenant_id,
                sku=azure_native.keyvault.SkuArgs(family="A", name=azure_native.keyvault.SkuName(args.sku)),
                enable_rbac_authorization=True,
                enable_soft_delete=True,
                soft_delete_retention_in_days=args.soft_delete_retention_days,
                # Once on, purge protection can never be turned off: a deleted vault cannot be purged early.
                enable_purge_protection=True,
                public_network_access="Disabled",
                network_acls=azure_native.keyvault.NetworkRuleSetArgs(default_action="Deny", bypass="None"),
                enabled_for_deployment=False,
                enabled_for_disk_encryption=False,
                enabled_for_template_deployment=False,
            ),
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                # Azure cannot move a vault between tenants or regions in place.
                replace_on_changes=replace_on_changes("azure-native:keyvault:Vault"),
            ),
        )
        self.interfaces = apply_interfaces(
            self,
            name,
            args,
            self.vault,
            azure_name=args.name,
            group_id="vault",
            lock_notes="Key Vault holds the platform's secrets and certificates",
        )
        self._grant_owner, self._grant_name, self._grant_scope = self, name, self.vault.id
        self._azure_name, self._resource_group_name, self._location = args.name, args.resource_group_name, args.location
        self._tags = dict(args.tags)
        self.id = self.vault.id
        self.name = self.vault.name
        self.vault_uri = self.vault.properties.vault_uri
        self.register_outputs({"id": self.id, "vaultUri": self.vault_uri})

    def alert_secrets_near_expiry(
        self, action_group_id: pulumi.Input[str], *, severity: int = 2
    ) -> azure_native.eventgrid.SystemTopicEventSubscription:
        """Alert the action group when a secret in this vault nears its expiry.

        Key Vault publishes ``Microsoft.KeyVault.SecretNearExpiry`` 30 days before a secret's ``expires``
        (https://learn.microsoft.com/azure/key-vault/general/event-grid-overview); an Event Grid system topic on the
        vault routes it to an Azure Monitor alert, a handler Event Grid offers for Key Vault events only
        (https://learn.microsoft.com/azure/event-grid/event-handlers), which notifies the action groups.
        """
        if not 0 <= severity <= 4:
            raise ValueError(f"severity {severity} is not an Azure Monitor severity (0-4)")
        topic = azure_native.eventgrid.SystemTopic(
            f"{self._grant_name}-events",
            system_topic_name=f"egst-{self._azure_name}",  # CAF: egst (Event Grid system topic)
            resource_group_name=self._resource_group_name,
            location=self._location,
            source=self.vault.id,
            topic_type="Microsoft.KeyVault.vaults",
            tags=self._tags,
            opts=pulumi.ResourceOptions(parent=self, replace_on_changes=replace_on_changes(SYSTEM_TOPIC)),
        )
        return azure_native.eventgrid.SystemTopicEventSubscription(
            f"{self._grant_name}-secret-near-expiry",
            event_subscription_name="secret-near-expiry",
            resource_group_name=self._resource_group_name,
            system_topic_name=topic.name,
            event_delivery_schema="CloudEventSchemaV1_0",
            filter=azure_native.eventgrid.EventSubscriptionFilterArgs(
                included_event_types=["Microsoft.KeyVault.SecretNearExpiry"]
            ),
            destination=azure_native.eventgrid.MonitorAlertEventSubscriptionDestinationArgs(
                endpoint_type="MonitorAlert",
                action_groups=[action_group_id],
                severity=f"Sev{severity}",
                description=f"A secret in Key Vault {self._azure_name} expires within 30 days: rotate it",
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def secret_uri(self, secret_name: str) -> pulumi.Output[str]:
        """The versionless URI of a secret in this vault (what Key Vault references take)."""
        return self.vault_uri.apply(lambda uri: f"{uri.rstrip('/')}/secrets/{secret_name}")


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "KeyVault": """
from azplatform.components import DiagnosticSettings, KeyVault, KeyVaultArgs, Lock, PrivateEndpointSpec

vault = KeyVault("kv", KeyVaultArgs(
    name="kv-shop-dev-weu", resource_group_name=RG, location="westeurope",
    tenant_id="00000000-0000-4000-8000-000000000002",
    private_endpoints=[PrivateEndpointSpec(
        subnet_id=f"{SUBNETS}/snet-pep", private_dns_zone_ids=[f"{ZONES}/privatelink.vaultcore.azure.net"]
    )],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
    lock=Lock(),
))
""",
}
