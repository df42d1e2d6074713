"""The Container Apps environment: workload profiles, injected into the platform's VNet, never reachable from the
internet, with logs through Azure Monitor. The VNet reaches its apps either through an internal load balancer and a
private DNS zone for its default domain (``access: internal``), or through a private endpoint registered in the
per-region privatelink zone (``access: privateEndpoint``, for a landing zone's central DNS).

Sources:
- workload profiles and sizes: https://learn.microsoft.com/azure/container-apps/workload-profiles-overview
- internal environments and DNS for VNet-scope ingress (a private zone named as the default domain, ``*`` A
  record to the static IP): https://learn.microsoft.com/azure/container-apps/networking#dns
- the subnet range is immutable once the environment exists:
  https://learn.microsoft.com/azure/container-apps/networking (custom VNet configuration)
- zone redundancy is set only at creation: https://learn.microsoft.com/azure/reliability/reliability-azure-container-apps
- logs via Azure Monitor diagnostic settings: https://learn.microsoft.com/azure/container-apps/log-options
- private endpoints need public network access Disabled; an internal environment's is Disabled and cannot be set
  otherwise, an external one's can be either ("Public network access"):
  https://learn.microsoft.com/azure/container-apps/networking
- the endpoint's zone ``privatelink.{regionName}.azurecontainerapps.io``, and that the endpoint's VNet may be the
  environment's own: https://learn.microsoft.com/azure/container-apps/private-endpoints-with-dns; the group id
  ``managedEnvironments``: https://learn.microsoft.com/azure/container-apps/how-to-use-private-endpoint
- managed identity types (``SystemAssigned,UserAssigned`` without a space in Microsoft.App):
  the SDK's ``app.ManagedServiceIdentityType``
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, model_validator

from azplatform.components.args import Args, Input, raise_problems
from azplatform.components.interfaces import CommonArgs, ManagedIdentities, PrivateEndpointSpec, apply_interfaces
from azplatform.components.naming import Kind, name_check
from azplatform.components.private_network import linked_private_zone
from azplatform.components.replacements import replace_on_changes

TYPE_TOKEN = "azplatform:index:ContainerAppsEnvironment"

CONSUMPTION = "Consumption"
"""The serverless profile every workload-profiles environment has; its name and type are both ``Consumption``."""

WorkloadProfileType = Literal["D4", "D8", "D16", "D32", "E4", "E8", "E16", "E32"]
"""The keys of :data:`~azplatform.components.records.compute.DEDICATED_PROFILE_SIZES` (the sizes live in the
Container Apps records, which price them), as a type."""


class WorkloadProfile(Args):
    """A dedicated workload profile: a pool of nodes of one size that workloads pin to by the profile's name."""

    type: WorkloadProfileType = Field(description="Node size: D4-D32 (general purpose) or E4-E32 (memory optimised).")
    minimum_count: int = Field(default=0, ge=0, description="Nodes always running. Default 0.")
    maximum_count: int = Field(default=3, ge=1, description="Most nodes the pool scales to. Default 3.")

    @model_validator(mode="after")
    def _counts(self) -> WorkloadProfile:
        if self.minimum_count > self.maximum_count:
            raise_problems(
                [("minimum_count", f"is greater than maximum_count ({self.maximum_count})", self.minimum_count)]
            )
        return self


_PROFILE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]")


def _profile_names(value: dict[str, WorkloadProfile]) -> dict[str, WorkloadProfile]:
    problems: list[tuple[str, str, Any]] = []
    for name in value:
        if name == CONSUMPTION:
            problems.append((name, f"{CONSUMPTION!r} is the built-in serverless profile; name dedicated ones", name))
        elif not _PROFILE_NAME.fullmatch(name):
            problems.append((name, "must be letters, digits and hyphens, starting with a letter", name))
    raise_problems(problems)
    return value


EnvironmentAccess = Literal["internal", "privateEndpoint"]
"""How the VNet reaches an environment's apps (see :attr:`ContainerAppsEnvironmentSettings.access`)."""

PRIVATE_LINK_GROUP = "managedEnvironments"


class ContainerAppsEnvironmentSettings(Args):
    """What a user chooses about the Container Apps environment (the stack file's ``containerApps`` section). The
    environment is always internal and VNet-injected, and always has the Consumption profile."""

    zone_redundant: bool | None = Field(
        default=None,
        description="Spread replicas over availability zones; fixed at creation. Default: the platform's "
        "zoneRedundant (off when the component is used directly).",
    )
    workload_profiles: Annotated[dict[str, WorkloadProfile], AfterValidator(_profile_names)] = Field(
        default_factory=dict, description="Dedicated workload profiles by name, besides Consumption. Default: none."
    )
    peer_traffic_encryption: bool = Field(
        default=True, description="Encrypt app-to-app traffic inside the environment. Default on."
    )
    access: EnvironmentAccess = Field(
        default="internal",
        description="How the VNet reaches the apps; fixed at creation. 'internal' (default): an internal load "
        "balancer in the environment's subnet and a private DNS zone named after the default domain, created in "
        "this stack. 'privateEndpoint': public network access off and a private endpoint registered in "
        "privatelink.<region>.azurecontainerapps.io, a zone a landing zone's central DNS can hold (use it with "
        "network.privateDnsZoneIds).",
    )


class ContainerAppsEnvironmentArgs(ContainerAppsEnvironmentSettings, CommonArgs):
    """Arguments for :class:`ContainerAppsEnvironment`: its settings plus placement and the shared interfaces.
    Private endpoints go with ``access='privateEndpoint'`` only (Azure creates them only on an environment whose
    public network access is off, which an internal one has no setting for)."""

    name: Annotated[str, AfterValidator(name_check(Kind.CONTAINER_APPS_ENVIRONMENT))] = Field(
        description="Environment name (CAF cae-...; 2-60 lowercase letters, digits and single hyphens)."
    )
    infrastructure_subnet_id: Input[str] = Field(
        description="The subnet the environment is injected into: delegated to Microsoft.App/environments, /27 or "
        "larger; fixed at creation."
    )
    vnet_id: Input[str] | None = Field(
        default=None,
        description="The VNet the environment's default-domain private DNS zone is linked to; required with "
        "access 'internal', unused with 'privateEndpoint'.",
    )
    managed_identities: ManagedIdentities = Field(
        default_factory=ManagedIdentities,
        description="Identities the environment itself uses (Key Vault certificates, registry pulls at the "
        "environment level). Default: none.",
    )
    private_endpoints: list[PrivateEndpointSpec] = Field(
        default_factory=list,
        description="With access 'privateEndpoint': the endpoints (sub-resource managedEnvironments) the VNet "
        "reaches the apps through, at least one. Default: none.",
    )

    @model_validator(mode="after")
    def _access(self) -> ContainerAppsEnvironmentArgs:
        problems: list[tuple[str, str, Any]] = []
        if self.access == "internal":
            if self.private_endpoints:
                problems.append(
                    (
                        "private_endpoints",
                        "are only for access 'privateEndpoint': Azure creates an environment's private endpoints "
                        "only when its public network access is off, and an internal environment has none to turn off",
                        len(self.private_endpoints),
                    )
                )
            if self.vnet_id is None:
                problems.append(
                    ("vnet_id", "is required with access 'internal' (the default-domain zone's link)", None)
                )
        elif not self.private_endpoints:
            problems.append(
                (
                    "private_endpoints",
                    "needs at least one endpoint with access 'privateEndpoint': with public network access off, "
                    "nothing else reaches the apps",
                    [],
                )
            )
        raise_problems(problems)
        return self


def app_identity(
    identities: ManagedIdentities, *user_assigned: Input[str]
) -> azure_native.app.ManagedServiceIdentityArgs | None:
    """Microsoft.App's ``identity``: ``identities`` plus ``user_assigned`` ids; None when there is no identity.
    (Microsoft.App spells both kinds ``SystemAssigned,UserAssigned``, without the space other providers use.)"""
    ids = [*user_assigned, *identities.user_assigned_resource_ids]
    kinds = [kind for kind, on in (("SystemAssigned", identities.system_assigned), ("UserAssigned", bool(ids))) if on]
    if not kinds:
        return None
    return azure_native.app.ManagedServiceIdentityArgs(type=",".join(kinds), user_assigned_identities=ids or None)


class ContainerAppsEnvironment(pulumi.ComponentResource):
    """A VNet-injected, workload-profiles Container Apps environment that the internet cannot reach.

    With ``access='internal'`` (the default) its ingress is an internal load balancer at ``static_ip`` in the
    containerApps subnet, and a private DNS zone named after ``default_domain`` (wildcard and apex A records to the
    static IP, linked to the VNet) makes apps with VNet-scope ingress resolvable from the rest of the VNet (API
    Management). With ``access='privateEndpoint'`` its public network access is off and the VNet reaches it through
    private endpoints, whose names live in the per-region privatelink zone (``static_ip`` is then not a route in).
    """

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    default_domain: pulumi.Output[str]
    static_ip: pulumi.Output[str]

    def __init__(
        self, name: str, args: ContainerAppsEnvironmentArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        profiles = [azure_native.app.WorkloadProfileArgs(name=CONSUMPTION, workload_profile_type=CONSUMPTION)]
        for profile_name, profile in sorted(args.workload_profiles.items()):
            profiles.append(
                azure_native.app.WorkloadProfileArgs(
                    name=profile_name,
                    workload_profile_type=profile.type,
                    minimum_count=profile.minimum_count,
                    maximum_count=profile.maximum_count,
                )
            )
        self.environment = azure_native.app.ManagedEnvironment(
            name,
            environment_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            workload_profiles=profiles,
            vnet_configuration=azure_native.app.VnetConfigurationArgs(
                infrastructure_subnet_id=args.infrastructure_subnet_id,
                # internal: the environment's only ingress is an internal load balancer, no public IP; its public
                # network access is Disabled by construction and cannot be set. privateEndpoint: the environment's
                # virtual IP is external, but public network access is off, so it accepts traffic only through
                # private endpoints ("Public network access", learn.microsoft.com/azure/container-apps/networking).
                internal=args.access == "internal",
            ),
            public_network_access="Disabled" if args.access == "privateEndpoint" else None,
            zone_redundant=bool(args.zone_redundant),
            identity=app_identity(args.managed_identities),
            # Logs leave through Azure Monitor (the diagnostic settings below), so the environment never holds
            # the workspace's shared key, as the "log-analytics" destination would require.
            app_logs_configuration=azure_native.app.AppLogsConfigurationArgs(destination="azure-monitor"),
            peer_traffic_configuration=azure_native.app.ManagedEnvironmentPeerTrafficConfigurationArgs(
                encryption=azure_native.app.ManagedEnvironmentEncryptionArgs(enabled=args.peer_traffic_encryption)
            ),
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=args.protect,
                replace_on_changes=replace_on_changes("azure-native:app:ManagedEnvironment"),
            ),
        )
        # Logs (console and system) and metrics; private endpoints in privateEndpoint mode (their DNS zone group
        # registers the default domain's name in privatelink.<region>.azurecontainerapps.io).
        # https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/microsoft-app-managedenvironments-logs
        self.interfaces = apply_interfaces(
            self,
            name,
            args,
            self.environment,
            azure_name=args.name,
            group_id=PRIVATE_LINK_GROUP,
            lock_notes="The Container Apps environment runs every workload of the platform",
        )

        self.dns_zone: azure_native.privatedns.PrivateZone | None = None
        self.dns_records: list[azure_native.privatedns.PrivateRecordSet] = []
        if args.access == "internal" and args.vnet_id is not None:
            # VNet-scope ingress resolves through a private zone named after the default domain, which exists only
            # once the environment does: so it is created here, in this stack, whatever DNS a landing zone keeps.
            self.dns_zone = linked_private_zone(
                self,
                f"{name}-zone",
                f"{name}-zone-link",
                zone_name=self.environment.default_domain,
                resource_group_name=args.resource_group_name,
                vnet_id=args.vnet_id,
                link_name=f"link-{args.name}",
                tags=args.tags,
            )
            self.dns_records = [
                azure_native.privatedns.PrivateRecordSet(
                    f"{name}-{label}",
                    private_zone_name=self.dns_zone.name,
                    resource_group_name=args.resource_group_name,
                    record_type="A",
                    relative_record_set_name=record,
                    ttl=300,
                    a_records=[azure_native.privatedns.ARecordArgs(ipv4_address=self.environment.static_ip)],
                    opts=pulumi.ResourceOptions(parent=self),
                )
                for label, record in (("wildcard", "*"), ("apex", "@"))
            ]

        self.id = self.environment.id
        self.name = self.environment.name
        self.default_domain = self.environment.default_domain
        self.static_ip = self.environment.static_ip
        self.register_outputs(
            {"id": self.id, "name": self.name, "defaultDomain": self.default_domain, "staticIp": self.static_ip}
        )


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "ContainerAppsEnvironment": """
from azplatform.components import (
    ContainerAppsEnvironment, ContainerAppsEnvironmentArgs, DiagnosticSettings, WorkloadProfile,
)

environment = ContainerAppsEnvironment("cae", ContainerAppsEnvironmentArgs(
    name="cae-shop-dev-weu", resource_group_name=RG, location="westeurope",
    infrastructure_subnet_id=f"{SUBNETS}/snet-aca",
    vnet_id=SUBNETS.rsplit("/subnets", 1)[0],
    workload_profiles={"general": WorkloadProfile(type="D4", maximum_count=2)},
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
))
""",
}
