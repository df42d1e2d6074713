"""Key Vault: RBAC mode, purge protection, 90-day soft delete, no public network, a private endpoint."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.common import CommonArgs, PrivateEndpointPlacement
from azplatform.components.legacy_interfaces import attach_interfaces
from azplatform.components.rbac import BuiltInRole, Principal, assign_role
from azplatform.components.replacements import replace_on_changes

TYPE_TOKEN = "azplatform:index:KeyVault"


@dataclass(frozen=True, kw_only=True)
class KeyVaultArgs(CommonArgs):
    """Arguments for :class:`KeyVault`."""

    name: str
    """Vault name (CAF: kv-...; 3-24 characters, globally unique)."""
    tenant_id: pulumi.Input[str]
    """Entra tenant that authenticates requests to the vault."""
    sku: str = "standard"
    """``standard`` or ``premium`` (HSM-backed keys). Default standard."""
    soft_delete_retention_days: int = 90
    """Days a deleted vault or secret stays recoverable, 7-90. Default 90."""
    private_endpoint: PrivateEndpointPlacement | None = None
    """Private endpoint placement; the vault has no public network access either way. Default: none."""


class KeyVault(pulumi.ComponentResource):
    """A private, RBAC-mode Key Vault with purge protection. Grants: ``grant_secret_read``,
    ``grant_secrets_officer``, ``grant_certificate_read``."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    vault_uri: pulumi.Output[str]

    def __init__(self, name: str, args: KeyVaultArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._name = name
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
        self.private_endpoint = attach_interfaces(
            self,
            name,
            args,
            self.vault,
            placement=args.private_endpoint,
            azure_name=args.name,
            group_id="vault",
            lock_reason="Key Vault holds the platform's secrets and certificates",
        )
        self.id = self.vault.id
        self.name = self.vault.name
        self.vault_uri = self.vault.properties.vault_uri
        self.register_outputs({"id": self.id, "vaultUri": self.vault_uri})

    def secret_uri(self, secret_name: str) -> pulumi.Output[str]:
        """The versionless URI of a secret in this vault (what Key Vault references take)."""
        return self.vault_uri.apply(lambda uri: f"{uri.rstrip('/')}/secrets/{secret_name}")

    def grant_secret_read(self, principal: Principal) -> azure_native.authorization.RoleAssignment:
        """Key Vault Secrets User: read secret values (apps resolving Key Vault references)."""
        return assign_role(self, self._name, self.id, BuiltInRole.KEY_VAULT_SECRETS_USER, principal)

    def grant_secrets_officer(self, principal: Principal) -> azure_native.authorization.RoleAssignment:
        """Key Vault Secrets Officer: create, update and delete secrets (deployment identities)."""
        return assign_role(self, self._name, self.id, BuiltInRole.KEY_VAULT_SECRETS_OFFICER, principal)

    def grant_certificate_read(self, principal: Principal) -> azure_native.authorization.RoleAssignment:
        """Key Vault Certificate User: read certificates. (Application Gateway reads its TLS certificate through the
        certificate's secret, so it needs ``grant_secret_read`` instead.)"""
        return assign_role(self, self._name, self.id, BuiltInRole.KEY_VAULT_CERTIFICATE_USER, principal)
