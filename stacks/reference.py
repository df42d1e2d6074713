"""The platform's outputs contract, written once: :class:`PlatformReference`'s typed attributes are the outputs.

A team deploys onto the shared platform through the platform stack's outputs::

    from azplatform.stacks.reference import PlatformReference

    platform = PlatformReference("organization/azplatform/prod")   # DIY backend: the literal "organization"
    ContainerAppArgs(environment_id=platform.container_apps_environment_id, ...)

Each attribute of :class:`PlatformReference` is one :class:`Output`: its exported name, what it holds, whether it is
secret or optional, and an example value. The platform program exports exactly these (:func:`platform_exports`),
and the test kit's fake outputs are their examples (``stacks.testkit.fake_platform_outputs``).

The outputs are versioned (:data:`CONTRACT_VERSION`, semantic): adding an output is a minor change, removing or
renaming one is a major change, and a reference refuses a platform whose major version differs from its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast, overload

import pulumi

from azplatform.components.records.offline import SUBSCRIPTION_ID
from azplatform.stacks.config import required_private_dns_zones

CONTRACT_VERSION = "1.5"
"""The version of the outputs below (``major.minor``)."""

T = TypeVar("T")


@dataclass(frozen=True)
class ExampleEnvironment:
    """What example outputs are made of: a fake platform of one environment, with ARM-shaped ids."""

    code: str
    """Environment code in names (dev, stg, prod)."""

    @property
    def group(self) -> str:
        return f"rg-azp-{self.code}-weu"

    @property
    def providers(self) -> str:
        return f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{self.group}/providers"

    @property
    def vnet(self) -> str:
        return f"{self.providers}/Microsoft.Network/virtualNetworks/vnet-azp-{self.code}-weu"


_SUBNET_ROLES = (("gateway", "agw"), ("apim", "apim"), ("containerApps", "aca"), ("privateEndpoints", "pep"))
# Every private DNS zone the platform links: the Private Link targets' and API Management's.
# The private DNS zones a platform with every optional service exports (the list the foundation creates them from).
_ZONES = sorted(
    required_private_dns_zones({"postgres": {}, "serviceBus": {"sku": "Premium"}, "apim": {}, "aiServices": {}})
)


class Output(Generic[T]):
    """One output of the contract: exported by the platform under ``name``, read as a typed attribute of
    :class:`PlatformReference`."""

    def __init__(
        self,
        name: str,
        doc: str,
        *,
        example: Callable[[ExampleEnvironment], Any],
        secret: bool = False,
        optional: bool = False,
    ) -> None:
        self.name = name
        """The exported (camelCase) name."""
        self.__doc__ = doc
        self.example = example
        """An example value for a fake platform of one environment (the test kit's)."""
        self.secret = secret
        """A reference always returns it as a secret output."""
        self.optional = optional
        """Null when the platform runs without the feature (API Management)."""
        self.attribute = ""

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.attribute = attribute

    @overload
    def __get__(self, instance: None, owner: type) -> Output[T]: ...

    @overload
    def __get__(self, instance: PlatformReference, owner: type) -> pulumi.Output[T]: ...

    def __get__(self, instance: PlatformReference | None, owner: type) -> Output[T] | pulumi.Output[T]:
        if instance is None:
            return self
        return cast("pulumi.Output[T]", instance.read(self))


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

    contract_version: Output[str] = Output(
        "contractVersion",
        "The platform's outputs contract version (checked: same major version as this library's).",
        example=lambda env: CONTRACT_VERSION,
    )
    resource_group_name: Output[str] = Output(
        "resourceGroupName", "The platform's resource group.", example=lambda env: env.group
    )
    vnet_id: Output[str] = Output("vnetId", "The platform VNet's resource id.", example=lambda env: env.vnet)
    subnet_ids: Output[dict[str, str]] = Output(
        "subnetIds",
        "Subnet ids by role: gateway, apim, containerApps, privateEndpoints.",
        example=lambda env: {
            role: f"{env.vnet}/subnets/snet-azp-{short}-{env.code}-weu" for role, short in _SUBNET_ROLES
        },
    )
    private_dns_zone_ids: Output[dict[str, str]] = Output(
        "privateDnsZoneIds",
        "Private DNS zone ids by zone name (``privatelink.vaultcore.azure.net``, ...), for private endpoints.",
        example=lambda env: {zone: f"{env.providers}/Microsoft.Network/privateDnsZones/{zone}" for zone in _ZONES},
    )
    key_vault_uri: Output[str] = Output(
        "keyVaultUri",
        "The platform Key Vault's URI (``https://<name>.vault.azure.net/``).",
        example=lambda env: f"https://kv-azp-{env.code}-weu-test.vault.azure.net/",
    )
    key_vault_id: Output[str] = Output(
        "keyVaultId",
        "The platform Key Vault's resource id (scope for ``Key Vault Secrets User`` grants).",
        example=lambda env: f"{env.providers}/Microsoft.KeyVault/vaults/kv-azp-{env.code}-weu-test",
    )
    log_analytics_workspace_id: Output[str] = Output(
        "logAnalyticsWorkspaceId",
        "The Log Analytics workspace's resource id (diagnostic settings' destination).",
        example=lambda env: f"{env.providers}/Microsoft.OperationalInsights/workspaces/log-azp-{env.code}-weu",
    )
    app_insights_connection_string: Output[str] = Output(
        "appInsightsConnectionString",
        "Application Insights' connection string (a secret).",
        example=lambda env: "InstrumentationKey=00000000-0000-0000-0000-000000000000",
        secret=True,
    )
    container_apps_environment_id: Output[str] = Output(
        "containerAppsEnvironmentId",
        "The Container Apps environment's resource id.",
        example=lambda env: f"{env.providers}/Microsoft.App/managedEnvironments/cae-azp-{env.code}-weu",
    )
    container_apps_default_domain: Output[str] = Output(
        "containerAppsDefaultDomain",
        "The environment's default domain: an app is ``https://<app name>.<default domain>`` inside the VNet.",
        example=lambda env: f"test-{env.code}.westeurope.azurecontainerapps.io",
    )
    container_apps_static_ip: Output[str] = Output(
        "containerAppsStaticIp", "The environment's internal load balancer IP.", example=lambda env: "10.0.2.10"
    )
    registry_login_server: Output[str] = Output(
        "registryLoginServer",
        "The container registry's login server (``<name>.azurecr.io``).",
        example=lambda env: f"crazp{env.code}weutest.azurecr.io",
    )
    registry_id: Output[str] = Output(
        "registryId",
        "The container registry's resource id (scope for ``AcrPull`` grants).",
        example=lambda env: f"{env.providers}/Microsoft.ContainerRegistry/registries/crazp{env.code}weutest",
    )
    app_fqdns: Output[dict[str, str]] = Output(
        "appFqdns", "The platform's own apps' FQDNs, by app key.", example=lambda env: {}
    )
    redis_host_name: Output[str] = Output(
        "redisHostName",
        "Azure Managed Redis host name (TLS port 10000).",
        example=lambda env: f"amr-azp-{env.code}-weu-test.westeurope.redis.azure.net",
    )
    cosmos_endpoint: Output[str] = Output(
        "cosmosEndpoint",
        "Cosmos DB's document endpoint.",
        example=lambda env: f"https://cosno-azp-{env.code}-weu-test.documents.azure.com:443/",
    )
    service_bus_namespace: Output[str] = Output(
        "serviceBusNamespace",
        "The Service Bus namespace's fully qualified host name (``<name>.servicebus.windows.net``; Entra only, "
        "reachable through its private endpoint).",
        example=lambda env: f"sbns-azp-{env.code}-weu-test.servicebus.windows.net",
    )
    gateway_url: Output[str] = Output(
        "gatewayUrl",
        "The public entry point (``https://<appGateway.hostName>``).",
        example=lambda env: "https://platform.example.com",
    )
    gateway_public_ip: Output[str] = Output(
        "gatewayPublicIp", "The Application Gateway's public IP address.", example=lambda env: "20.0.0.1"
    )
    apim_name: Output[str | None] = Output(
        "apimName",
        "The API Management service's name (None when the platform has no API Management).",
        example=lambda env: f"apim-azp-{env.code}-weu-test",
        optional=True,
    )
    apim_gateway_url: Output[str | None] = Output(
        "apimGatewayUrl",
        "API Management's gateway URL, resolvable inside the VNet (None without API Management).",
        example=lambda env: f"https://apim-azp-{env.code}-weu-test.azure-api.net",
        optional=True,
    )
    postgres_host: Output[str | None] = Output(
        "postgresHost",
        "The PostgreSQL flexible server's host name (port 5432, Entra authentication, TLS; resolvable inside the "
        "VNet through its private endpoint). None when the platform has no PostgreSQL (``postgres: null``).",
        example=lambda env: f"psql-azp-{env.code}-weu-test.postgres.database.azure.com",
        optional=True,
    )
    postgres_roles_job: Output[str | None] = Output(
        "postgresRolesJob",
        "The Container Apps job that creates the apps' Entra roles inside PostgreSQL (it runs hourly; the deploy "
        "workflow starts it right after ``pulumi up``). None without PostgreSQL.",
        example=lambda env: f"caj-azp-pgroles-{env.code}-weu",
        optional=True,
    )
    post_deploy_jobs: Output[list[str]] = Output(
        "postDeployJobs",
        "Container Apps jobs the deploy workflow starts right after ``pulumi up`` and waits for, one after another: "
        "what a deployment needs done inside the VNet that ARM cannot do (today the PostgreSQL roles job). Empty "
        "when there is none.",
        example=lambda env: [f"caj-azp-pgroles-{env.code}-weu"],
    )
    ai_services_endpoints: Output[dict[str, str]] = Output(
        "aiServicesEndpoints",
        "The AI gateway's model accounts' endpoints by key (https://<account>.cognitiveservices.azure.com/; "
        "Entra ID only, resolvable inside the VNet through their private endpoints). Empty without AI services.",
        example=lambda env: {"primary": f"https://ais-azp-primary-{env.code}-weu-test.cognitiveservices.azure.com/"},
    )
    ai_routes: Output[dict[str, str]] = Output(
        "aiRoutes",
        "The AI gateway's model routes by API id: https://<apim>.azure-api.net/<path>, resolvable inside the VNet. A "
        "caller sends an Entra token for the route's audience (its validate-jwt) and, when the route requires one, "
        "a subscription key; API Management reaches the models as its own identity. Empty without API Management "
        "or model routes.",
        example=lambda env: {"ai": f"https://apim-azp-{env.code}-weu-test.azure-api.net/ai"},
    )

    def __init__(self, stack_name: str, *, name: str | None = None, opts: pulumi.ResourceOptions | None = None):
        self.stack_name = stack_name
        """The referenced stack, for example ``organization/azplatform/prod``."""
        self.stack_reference = pulumi.StackReference(name or f"platform-{stack_name}", stack_name=stack_name, opts=opts)
        """The underlying stack reference."""
        self._version: pulumi.Output[Any] = self.stack_reference.require_output("contractVersion").apply(
            check_contract_version
        )

    def read(self, output: Output[Any]) -> pulumi.Output[Any]:
        """The value of one output of the contract (after the version check)."""
        if output.name == PlatformReference.contract_version.name:
            return self._version
        read = (
            self.stack_reference.get_output(output.name)
            if output.optional
            else self.stack_reference.require_output(output.name)
        )
        # Every value waits for the version check, so a mismatched platform fails before it is used.
        checked = pulumi.Output.all(self._version, read).apply(lambda pair: pair[1])
        return pulumi.Output.secret(checked) if output.secret else checked


OUTPUTS: tuple[Output[Any], ...] = tuple(
    value for value in vars(PlatformReference).values() if isinstance(value, Output)
)
"""Every output of the contract, in the order the platform exports them."""

CONTRACT: dict[str, str] = {output.attribute: output.name for output in OUTPUTS}
"""Attribute -> exported output name (tests/test_contract.py holds the released v1 list: removing or renaming one
fails it)."""

SECRET_OUTPUTS = frozenset(output.name for output in OUTPUTS if output.secret)
"""Outputs that are secrets: a reference always returns them as secret outputs."""

OPTIONAL_OUTPUTS = frozenset(output.name for output in OUTPUTS if output.optional)
"""Outputs that are null when the platform runs without API Management (``apim: null``)."""


def platform_exports(**values: Any) -> dict[str, Any]:
    """The platform program's stack outputs, by exported name, from a value for each attribute of the contract
    (but ``contract_version``, which is this library's); refuses a missing or an unknown one."""
    expected = set(CONTRACT) - {"contract_version"}
    missing, unknown = sorted(expected - set(values)), sorted(set(values) - expected)
    if missing or unknown:
        raise ValueError(f"the platform's outputs must match the contract: missing {missing}, unknown {unknown}")
    values = {**values, "contract_version": CONTRACT_VERSION}
    return {output.name: values[output.attribute] for output in OUTPUTS}


def example_outputs(code: str) -> dict[str, Any]:
    """Every output of the contract with its example value, for a fake platform whose names carry ``code``."""
    env = ExampleEnvironment(code)
    return {output.name: output.example(env) for output in OUTPUTS}
