"""Azure Container Registry: Entra-only pulls (no admin user, no anonymous pull), no public network, a
private endpoint, diagnostics, and ``grant_pull`` for workload identities (also on a registry of another stack,
:class:`ExistingContainerRegistry`).

Sources:
- private endpoints and disabling public access are Premium features:
  https://learn.microsoft.com/azure/container-registry/container-registry-private-link and
  https://learn.microsoft.com/azure/container-registry/container-registry-skus
- export policy (blocks import/export pipelines out of a private registry; Premium, needs public access off):
  https://learn.microsoft.com/azure/container-registry/data-loss-prevention
- resource logs (ContainerRegistryRepositoryEvents, ContainerRegistryLoginEvents) and metrics:
  https://learn.microsoft.com/azure/container-registry/monitor-container-registry-reference
- identity types (``SystemAssigned, UserAssigned``, with a space, in Microsoft.ContainerRegistry): the SDK's
  ``containerregistry.ResourceIdentityType``
- zone redundancy: Premium, in regions with zones; Azure now also turns it on by default in every tier there:
  https://learn.microsoft.com/azure/container-registry/zone-redundancy
"""

from __future__ import annotations

from typing import Annotated, Literal

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, model_validator

from azplatform.components.args import Args, raise_problems
from azplatform.components.interfaces import CommonArgs, ManagedIdentities, PrivateEndpointSpec, apply_interfaces
from azplatform.components.naming import Kind, name_check
from azplatform.components.rbac import BuiltInRole, ExistingResource, Grantable, Principal
from azplatform.components.replacements import replace_on_changes

TYPE_TOKEN = "azplatform:index:ContainerRegistry"

PRIVATE_SKUS = frozenset({"Premium"})
"""SKUs that support private endpoints and ``publicNetworkAccess: Disabled``."""


class ContainerRegistrySettings(Args):
    """What a user chooses about a container registry (the stack file's ``registry`` section).

    Settings alone describe the platform's registry, which is always private; :class:`ContainerRegistryArgs` says
    whether a registry used directly is (``public_network_access``, ``private_endpoints``).
    """

    sku: Literal["Basic", "Standard", "Premium"] = Field(
        default="Premium", description="Registry SKU; only Premium can be private. Default Premium."
    )
    export_enabled: bool = Field(
        default=False,
        description="Allow artifacts to be exported (az acr import from it, transfer pipelines). Only a Premium "
        "registry with public access off can block it; other SKUs always allow it. Default off.",
    )

    @property
    def private(self) -> bool:
        """Whether the registry is private (no public network access, or a private endpoint)."""
        return True

    @model_validator(mode="after")
    def _premium_when_private(self) -> ContainerRegistrySettings:
        if self.private and self.sku not in PRIVATE_SKUS:
            # Azure rejects a private endpoint, and the publicNetworkAccess switch, below Premium.
            # https://learn.microsoft.com/azure/container-registry/container-registry-private-link
            raise_problems(
                [
                    (
                        "sku",
                        f"{self.sku} cannot be private: Azure offers private endpoints and disabled public network "
                        "access only on Premium; use Premium",
                        self.sku,
                    )
                ]
            )
        return self


class ContainerRegistryArgs(ContainerRegistrySettings, CommonArgs):
    """Arguments for :class:`ContainerRegistry`: its settings plus placement, network and the shared interfaces."""

    name: Annotated[str, AfterValidator(name_check(Kind.CONTAINER_REGISTRY))] = Field(
        description="Registry name (CAF cr...; 5-50 letters and digits, globally unique)."
    )
    public_network_access: bool = Field(
        default=False, description="Allow the public endpoint; turning it off requires Premium. Default off (private)."
    )
    zone_redundant: bool = Field(
        default=False,
        description="Ask for zone redundancy explicitly (Premium, in a region with zones). Default off: the SDK "
        "sends Disabled and Azure applies its regional default.",
    )
    private_endpoints: list[PrivateEndpointSpec] = Field(
        default_factory=list, description="Private endpoints (group registry); Premium only. Default: none."
    )
    managed_identities: ManagedIdentities = Field(
        default_factory=ManagedIdentities,
        description="Identities the registry uses (customer-managed keys, tasks). Default: none.",
    )

    @property
    def private(self) -> bool:
        """Whether the registry is private (no public network access, or a private endpoint)."""
        return not self.public_network_access or bool(self.private_endpoints)

    @model_validator(mode="after")
    def _zones_on_premium(self) -> ContainerRegistryArgs:
        if self.zone_redundant and self.sku not in PRIVATE_SKUS:
            # https://learn.microsoft.com/azure/container-registry/zone-redundancy
            raise_problems([("zone_redundant", f"is a Premium setting; the SKU is {self.sku}", True)])
        return self


class ContainerRegistryGrants(Grantable):
    """Grants on a registry, for a :class:`ContainerRegistry` and an :class:`ExistingContainerRegistry` alike."""

    def grant_pull(self, principal: Principal) -> azure_native.authorization.RoleAssignment:
        """AcrPull: pull images (container apps and jobs pulling with their managed identity)."""
        return self._grant(BuiltInRole.ACR_PULL, principal)


class ExistingContainerRegistry(ExistingResource, ContainerRegistryGrants):
    """A registry another stack owns, by id (``PlatformReference.registry_id``): grants on it, nothing else."""


def _registry_identity(identities: ManagedIdentities) -> azure_native.containerregistry.IdentityPropertiesArgs | None:
    kind = identities.type  # "SystemAssigned, UserAssigned" with the space, as this provider spells it
    if kind is None:
        return None
    acr = azure_native.containerregistry
    ids = identities.user_assigned_resource_ids
    return acr.IdentityPropertiesArgs(
        type=acr.ResourceIdentityType(kind),
        # userAssignedIdentities is a map keyed by id, and ids may be outputs of other resources.
        user_assigned_identities=pulumi.Output.all(*ids).apply(
            lambda known: {str(i): acr.UserIdentityPropertiesArgs() for i in known}
        )
        if ids
        else None,
    )


class ContainerRegistry(pulumi.ComponentResource, ContainerRegistryGrants):
    """A private container registry that only Entra identities can pull from. Grant: ``grant_pull``."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    login_server: pulumi.Output[str]

    def __init__(self, name: str, args: ContainerRegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        export_disabled = args.sku in PRIVATE_SKUS and not args.public_network_access and not args.export_enabled
        self.registry = azure_native.containerregistry.Registry(
            name,
            registry_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            sku=azure_native.containerregistry.SkuArgs(name=args.sku),
            identity=_registry_identity(args.managed_identities),
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
        self.interfaces = apply_interfaces(
            self,
            name,
            args,
            self.registry,
            azure_name=args.name,
            group_id="registry",
            lock_notes="Container Registry holds the platform's release images",
        )
        self._grant_owner, self._grant_name, self._grant_scope = self, name, self.registry.id
        self.id = self.registry.id
        self.name = self.registry.name
        self.login_server = self.registry.login_server
        self.register_outputs({"id": self.id, "loginServer": self.login_server})


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "ContainerRegistry": """
from azplatform.components import (
    ContainerRegistry, ContainerRegistryArgs, DiagnosticSettings, Lock, PrivateEndpointSpec,
)

registry = ContainerRegistry("acr", ContainerRegistryArgs(
    name="crshopdevweu", resource_group_name=RG, location="westeurope",
    private_endpoints=[PrivateEndpointSpec(
        subnet_id=f"{SUBNETS}/snet-pep", private_dns_zone_ids=[f"{ZONES}/privatelink.azurecr.io"]
    )],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
    lock=Lock(),
))
""",
}
