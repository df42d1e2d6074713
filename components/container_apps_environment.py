"""The Container Apps environment: workload profiles, internal only, injected into the platform's VNet, with
logs through Azure Monitor and a private DNS zone for its default domain.

Sources:
- workload profiles and sizes: https://learn.microsoft.com/azure/container-apps/workload-profiles-overview
- internal environments and DNS for VNet-scope ingress (a private zone named as the default domain, ``*`` A
  record to the static IP): https://learn.microsoft.com/azure/container-apps/networking#dns
- the subnet range is immutable once the environment exists:
  https://learn.microsoft.com/azure/container-apps/networking (custom VNet configuration)
- zone redundancy is set only at creation: https://learn.microsoft.com/azure/reliability/reliability-azure-container-apps
- logs via Azure Monitor diagnostic settings: https://learn.microsoft.com/azure/container-apps/log-options
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.common import CommonArgs
from azplatform.components.observability import diagnostic_setting
from azplatform.components.private_network import linked_private_zone
from azplatform.components.replacements import replace_on_changes

TYPE_TOKEN = "azplatform:index:ContainerAppsEnvironment"

CONSUMPTION = "Consumption"
"""The serverless profile every workload-profiles environment has; its name and type are both ``Consumption``."""

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


@dataclass(frozen=True, kw_only=True)
class DedicatedProfile:
    """A dedicated workload profile: a pool of nodes of one size that apps can pin to by ``name``."""

    name: str
    """Profile name apps refer to (not ``Consumption``)."""
    type: str
    """Node size, one of :data:`DEDICATED_PROFILE_SIZES` (D4 ... E32)."""
    minimum_count: int = 0
    """Nodes kept running. Default 0."""
    maximum_count: int = 3
    """Most nodes the pool scales to. Default 3."""


@dataclass(frozen=True, kw_only=True)
class ContainerAppsEnvironmentArgs(CommonArgs):
    """Arguments for :class:`ContainerAppsEnvironment`."""

    name: str
    """Environment name (CAF: cae-...)."""
    infrastructure_subnet_id: pulumi.Input[str]
    """The containerApps subnet, delegated to Microsoft.App/environments; /27 or larger."""
    vnet_id: pulumi.Input[str]
    """The VNet the environment's private DNS zone is linked to."""
    zone_redundant: bool = False
    """Spread replicas across availability zones; only settable at creation. Default off."""
    dedicated_profiles: Sequence[DedicatedProfile] = ()
    """Dedicated workload profiles besides Consumption. Default: none."""
    peer_traffic_encryption: bool = True
    """Encrypt app-to-app traffic inside the environment. Default on."""


class ContainerAppsEnvironment(pulumi.ComponentResource):
    """An internal, VNet-injected, workload-profiles Container Apps environment.

    It has no public endpoint: its ingress is an internal load balancer at ``static_ip`` in the containerApps
    subnet. A private DNS zone named after ``default_domain`` (wildcard and apex A records to the static IP,
    linked to the VNet) makes apps with VNet-scope ingress resolvable from the rest of the VNet (API Management).
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
        for profile in args.dedicated_profiles:
            if profile.type not in DEDICATED_PROFILE_SIZES:
                raise ValueError(
                    f"workload profile {profile.name!r}: unknown type {profile.type!r}; "
                    f"known: {', '.join(DEDICATED_PROFILE_SIZES)}"
                )
            if profile.name == CONSUMPTION:
                raise ValueError(f"workload profile name {CONSUMPTION!r} is reserved for the serverless profile")
            profiles.append(
                azure_native.app.WorkloadProfileArgs(
                    name=profile.name,
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
                # Internal: the environment's only ingress is an internal load balancer; no public IP.
                # publicNetworkAccess is left unset: it governs an external environment's public endpoint
                # and its private endpoints, neither of which an internal environment has.
                internal=True,
            ),
            zone_redundant=args.zone_redundant,
            # Logs leave through Azure Monitor (the diagnostic setting below), so the environment never holds
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
        if args.diagnostics_workspace_id is not None:
            diagnostic_setting(self, name, self.environment.id, args.diagnostics_workspace_id)

        # VNet-scope ingress resolves through a private zone named after the default domain.
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
