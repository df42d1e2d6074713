"""Azure Container Registry: Entra-only pulls (no admin user, no anonymous pull), no public network, a
private endpoint, diagnostics, and ``grant_pull`` for workload identities.

Sources:
- private endpoints and disabling public access are Premium features:
  https://learn.microsoft.com/azure/container-registry/container-registry-private-link and
  https://learn.microsoft.com/azure/container-registry/container-registry-skus
- export policy (blocks import/export pipelines out of a private registry; Premium, needs public access off):
  https://learn.microsoft.com/azure/container-registry/data-loss-prevention
- zone redundancy: Premium, in regions with zones; Azure now also turns it on by default in every tier there:
  https://learn.microsoft.com/azure/container-registry/zone-redundancy
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.common import CommonArgs, PrivateEndpointPlacement
from azplatform.components.observability import diagnostic_setting
from azplatform.components.private_endpoint import PrivateEndpoint, PrivateEndpointArgs
from azplatform.components.protection import cannot_delete_lock
from azplatform.components.rbac import BuiltInRole, Principal, assign_role
from azplatform.components.replacements import replace_on_changes

TYPE_TOKEN = "azplatform:index:ContainerRegistry"

PRIVATE_SKUS = frozenset({"Premium"})
"""SKUs that support private endpoints and ``publicNetworkAccess: Disabled``."""


@dataclass(frozen=True, kw_only=True)
class ContainerRegistryArgs(CommonArgs):
    """Arguments for :class:`ContainerRegistry`."""

    name: str
    """Registry name (CAF: cr...; 5-50 letters and digits, globally unique)."""
    sku: str = "Premium"
    """``Basic``, ``Standard`` or ``Premium``. Only Premium can be private. Default Premium."""
    private_endpoint: PrivateEndpointPlacement | None = None
    """Private endpoint placement (group ``registry``). Requires Premium. Default: none."""
    public_network_access: bool = False
    """Allow the public endpoint. Turning it off requires Premium. Default off (private)."""
    zone_redundant: bool = False
    """Ask for zone redundancy explicitly (Premium, zonal region). Default off: the SDK sends ``Disabled``,
    and Azure applies its regional default."""
    export_enabled: bool = False
    """Allow artifacts to be exported (``az acr import`` from it, transfer pipelines). Premium with public
    access off can block it; other SKUs always allow it. Default off."""


class ContainerRegistry(pulumi.ComponentResource):
    """A private container registry that only Entra identities can pull from. Grant: ``grant_pull``."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    login_server: pulumi.Output[str]

    def __init__(self, name: str, args: ContainerRegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._name = name
        private_sku = args.sku in PRIVATE_SKUS
        if not private_sku and (args.private_endpoint is not None or not args.public_network_access):
            # Azure rejects a private endpoint, and the publicNetworkAccess switch, below Premium; failing here
            # names the cause instead of a deployment error halfway through an update.
            raise ValueError(
                f"registry {args.name!r}: SKU {args.sku} cannot be private (private endpoint, public network "
                "access disabled); use Premium"
            )
        if args.zone_redundant and args.sku != "Premium":
            raise ValueError(f"registry {args.name!r}: zone redundancy is a Premium setting, not {args.sku}")
        export_disabled = private_sku and not args.public_network_access and not args.export_enabled
        self.registry = azure_native.containerregistry.Registry(
            name,
            registry_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=azure_native.containerregistry.SkuArgs(name=args.sku),
            # Entra only: no shared admin credentials, no unauthenticated pulls.
            admin_user_enabled=False,
            anonymous_pull_enabled=False,
            public_network_access="Enabled" if args.public_network_access else "Disabled",
            # Trusted Azure services (for example Defender image scanning) still reach a private registry.
            network_rule_bypass_options="AzureServices",
            policies=azure_native.containerregistry.PoliciesArgs(
                export_policy=azure_native.containerregistry.ExportPolicyArgs(status="disabled")
            )
            if export_disabled
            else None,
            zone_redundancy="Enabled" if args.zone_redundant else None,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                # The SKU can be changed in place, but a registry cannot move regions.
                replace_on_changes=replace_on_changes("azure-native:containerregistry:Registry"),
            ),
        )
        if args.private_endpoint is not None:
            self.private_endpoint: PrivateEndpoint | None = PrivateEndpoint(
                f"{name}-pep",
                PrivateEndpointArgs(
                    name=f"pep-{args.name}",
                    resource_group_name=args.resource_group_name,
                    location=args.location,
                    subnet_id=args.private_endpoint.subnet_id,
                    target_id=self.registry.id,
                    group_id="registry",
                    private_dns_zone_ids=[args.private_endpoint.dns_zone_id],
                    tags=args.tags,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        else:
            self.private_endpoint = None
        if args.diagnostics_workspace_id is not None:
            diagnostic_setting(self, name, self.registry.id, args.diagnostics_workspace_id)
        if args.lock:
            cannot_delete_lock(self, name, self.registry, "Container Registry holds the platform's release images")
        self.id = self.registry.id
        self.name = self.registry.name
        self.login_server = self.registry.login_server
        self.register_outputs({"id": self.id, "loginServer": self.login_server})

    def grant_pull(self, principal: Principal) -> azure_native.authorization.RoleAssignment:
        """AcrPull: pull images (container apps and jobs pulling with their managed identity)."""
        return assign_role(self, self._name, self.id, BuiltInRole.ACR_PULL, principal)
