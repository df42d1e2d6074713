"""The platform's outputs contract, and :class:`PlatformReference`, its typed reader for other teams' stacks.

A team deploys onto the shared platform through the platform stack's outputs::

    from azplatform.stacks.reference import PlatformReference

    platform = PlatformReference("organization/azplatform/prod")   # DIY backend: the literal "organization"
    ContainerAppArgs(environment_id=platform.container_apps_environment_id, ...)

The outputs are versioned (:data:`CONTRACT_VERSION`, semantic): adding an output is a minor change, removing or
renaming one is a major change, and a reference refuses a platform whose major version differs from its own.
"""

from __future__ import annotations

from typing import Any, cast

import pulumi

CONTRACT_VERSION = "1.0"
"""The version of the outputs below (``major.minor``)."""

# Attribute -> exported output name. The program exports PlatformOutputs' fields under these names
# (tests/test_contract.py holds the released v1 list: removing or renaming one fails it).
CONTRACT: dict[str, str] = {
    "contract_version": "contractVersion",
    "resource_group_name": "resourceGroupName",
    "vnet_id": "vnetId",
    "subnet_ids": "subnetIds",
    "private_dns_zone_ids": "privateDnsZoneIds",
    "key_vault_uri": "keyVaultUri",
    "key_vault_id": "keyVaultId",
    "log_analytics_workspace_id": "logAnalyticsWorkspaceId",
    "app_insights_connection_string": "appInsightsConnectionString",
    "container_apps_environment_id": "containerAppsEnvironmentId",
    "container_apps_default_domain": "containerAppsDefaultDomain",
    "container_apps_static_ip": "containerAppsStaticIp",
    "registry_login_server": "registryLoginServer",
    "registry_id": "registryId",
    "app_fqdns": "appFqdns",
    "redis_host_name": "redisHostName",
    "cosmos_endpoint": "cosmosEndpoint",
    "gateway_url": "gatewayUrl",
    "gateway_public_ip": "gatewayPublicIp",
    "apim_name": "apimName",
    "apim_gateway_url": "apimGatewayUrl",
}

SECRET_OUTPUTS = frozenset({"appInsightsConnectionString"})
"""Outputs that are secrets: a reference always returns them as secret outputs."""

OPTIONAL_OUTPUTS = frozenset({"apimName", "apimGatewayUrl"})
"""Outputs that are null when the platform runs without API Management (``apim: null``)."""


class ContractVersionError(pulumi.RunError):
    """The platform stack exports a contract whose major version this library does not read."""


def check_contract_version(found: Any, expected: str = CONTRACT_VERSION) -> str:
    """``found`` if its major version equals ``expected``'s; otherwise a :class:`ContractVersionError`."""
    if not isinstance(found, str) or found.split(".")[0] != expected.split(".", maxsplit=1)[0]:
        raise ContractVersionError(
            f"the platform stack exports outputs contract {found!r}; this azplatform reads {expected} "
            "(same major version required): upgrade azplatform, or reference a platform stack of that version"
        )
    return found


class PlatformReference:
    """The outputs of a platform stack (``<organization>/<project>/<stack>``), as typed attributes.

    Wraps ``pulumi.StackReference``. The App Insights connection string comes back as a secret. Reading any
    output first checks the platform's contract version.
    """

    def __init__(self, stack_name: str, *, name: str | None = None, opts: pulumi.ResourceOptions | None = None):
        self.stack_name = stack_name
        """The referenced stack, for example ``organization/azplatform/prod``."""
        self.stack_reference = pulumi.StackReference(name or f"platform-{stack_name}", stack_name=stack_name, opts=opts)
        """The underlying stack reference."""
        self.contract_version: pulumi.Output[str] = self.stack_reference.require_output("contractVersion").apply(
            check_contract_version
        )
        """The platform's outputs contract version (checked: same major version as this library's)."""

    def _output(self, attribute: str) -> pulumi.Output[Any]:
        output_name = CONTRACT[attribute]
        read = (
            self.stack_reference.get_output(output_name)
            if output_name in OPTIONAL_OUTPUTS
            else self.stack_reference.require_output(output_name)
        )
        # Every value waits for the version check, so a mismatched platform fails before it is used.
        checked = pulumi.Output.all(self.contract_version, read).apply(lambda pair: pair[1])
        return pulumi.Output.secret(checked) if output_name in SECRET_OUTPUTS else checked

    @property
    def resource_group_name(self) -> pulumi.Output[str]:
        """The platform's resource group."""
        return cast("pulumi.Output[str]", self._output("resource_group_name"))

    @property
    def vnet_id(self) -> pulumi.Output[str]:
        """The platform VNet's resource id."""
        return cast("pulumi.Output[str]", self._output("vnet_id"))

    @property
    def subnet_ids(self) -> pulumi.Output[dict[str, str]]:
        """Subnet ids by role: gateway, apim, containerApps, privateEndpoints."""
        return cast("pulumi.Output[dict[str, str]]", self._output("subnet_ids"))

    @property
    def private_dns_zone_ids(self) -> pulumi.Output[dict[str, str]]:
        """Private DNS zone ids by zone name (``privatelink.vaultcore.azure.net``, ...), for private endpoints."""
        return cast("pulumi.Output[dict[str, str]]", self._output("private_dns_zone_ids"))

    @property
    def key_vault_uri(self) -> pulumi.Output[str]:
        """The platform Key Vault's URI (``https://<name>.vault.azure.net/``)."""
        return cast("pulumi.Output[str]", self._output("key_vault_uri"))

    @property
    def key_vault_id(self) -> pulumi.Output[str]:
        """The platform Key Vault's resource id (scope for ``Key Vault Secrets User`` grants)."""
        return cast("pulumi.Output[str]", self._output("key_vault_id"))

    @property
    def log_analytics_workspace_id(self) -> pulumi.Output[str]:
        """The Log Analytics workspace's resource id (diagnostic settings' destination)."""
        return cast("pulumi.Output[str]", self._output("log_analytics_workspace_id"))

    @property
    def app_insights_connection_string(self) -> pulumi.Output[str]:
        """Application Insights' connection string (a secret)."""
        return cast("pulumi.Output[str]", self._output("app_insights_connection_string"))

    @property
    def container_apps_environment_id(self) -> pulumi.Output[str]:
        """The Container Apps environment's resource id."""
        return cast("pulumi.Output[str]", self._output("container_apps_environment_id"))

    @property
    def container_apps_default_domain(self) -> pulumi.Output[str]:
        """The environment's default domain: an app is ``https://<app name>.<default domain>`` inside the VNet."""
        return cast("pulumi.Output[str]", self._output("container_apps_default_domain"))

    @property
    def container_apps_static_ip(self) -> pulumi.Output[str]:
        """The environment's internal load balancer IP."""
        return cast("pulumi.Output[str]", self._output("container_apps_static_ip"))

    @property
    def registry_login_server(self) -> pulumi.Output[str]:
        """The container registry's login server (``<name>.azurecr.io``)."""
        return cast("pulumi.Output[str]", self._output("registry_login_server"))

    @property
    def registry_id(self) -> pulumi.Output[str]:
        """The container registry's resource id (scope for ``AcrPull`` grants)."""
        return cast("pulumi.Output[str]", self._output("registry_id"))

    @property
    def app_fqdns(self) -> pulumi.Output[dict[str, str]]:
        """The platform's own apps' FQDNs, by app key."""
        return cast("pulumi.Output[dict[str, str]]", self._output("app_fqdns"))

    @property
    def redis_host_name(self) -> pulumi.Output[str]:
        """Azure Managed Redis host name (TLS port 10000)."""
        return cast("pulumi.Output[str]", self._output("redis_host_name"))

    @property
    def cosmos_endpoint(self) -> pulumi.Output[str]:
        """Cosmos DB's document endpoint."""
        return cast("pulumi.Output[str]", self._output("cosmos_endpoint"))

    @property
    def gateway_url(self) -> pulumi.Output[str]:
        """The public entry point (``https://<appGateway.hostName>``)."""
        return cast("pulumi.Output[str]", self._output("gateway_url"))

    @property
    def gateway_public_ip(self) -> pulumi.Output[str]:
        """The Application Gateway's public IP address."""
        return cast("pulumi.Output[str]", self._output("gateway_public_ip"))

    @property
    def apim_name(self) -> pulumi.Output[str | None]:
        """The API Management service's name (None when the platform has no API Management)."""
        return cast("pulumi.Output[str | None]", self._output("apim_name"))

    @property
    def apim_gateway_url(self) -> pulumi.Output[str | None]:
        """API Management's gateway URL, resolvable inside the VNet (None without API Management)."""
        return cast("pulumi.Output[str | None]", self._output("apim_gateway_url"))
