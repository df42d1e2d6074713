"""azplatform components: one ``pulumi.ComponentResource`` per capability of a private Azure application platform.

Everything listed in ``__all__`` is the public, stable API (semantic versioning, see CHANGELOG.md): the components,
their ``*Args`` dataclasses and the value types those take. Import from here::

    from azplatform.components import ContainerApp, ContainerAppArgs, CosmosDb, CosmosDbArgs

Submodules hold the same names plus helpers that are not part of the stable API (anything not in ``__all__``).
Components know nothing about environments or stack files; ``stacks`` composes them into the platform.
"""

from azplatform.components.alerting import ActionGroup, ActionGroupArgs, Dimension, metric_alert
from azplatform.components.api_gateway import (
    ApiGateway,
    ApiGatewayArgs,
    ApiSpec,
    AppInsightsLink,
    BackendPoolSpec,
    BackendSpec,
    CircuitBreaker,
    GatewayApi,
    GatewayApiArgs,
    OperationSpec,
    PoolMember,
)
from azplatform.components.apim_policy import (
    CachingType,
    CounterKey,
    EmitTokenMetric,
    ExistsAction,
    LlmFlavor,
    MetricDimension,
    PolicyDocument,
    QuotaByKey,
    RateLimitByKey,
    ResponseCache,
    Retry,
    Section,
    SetBackendService,
    SetBody,
    SetHeader,
    Statement,
    TokenLimit,
    ValidateJwt,
)
from azplatform.components.app_gateway import (
    AppGateway,
    AppGatewayArgs,
    GatewayBackend,
    GeoFilterRule,
    RateLimitRule,
    WafExclusion,
    WafMode,
    WafPolicySpec,
)
from azplatform.components.common import CommonArgs, PrivateEndpointPlacement
from azplatform.components.container_app import (
    ContainerApp,
    ContainerAppArgs,
    ContainerAppJob,
    ContainerAppJobArgs,
    ContainerSpec,
    Probe,
    TrafficSplit,
    WorkloadArgs,
    default_probes,
)
from azplatform.components.container_apps_environment import (
    ContainerAppsEnvironment,
    ContainerAppsEnvironmentArgs,
    DedicatedProfile,
)
from azplatform.components.container_registry import ContainerRegistry, ContainerRegistryArgs
from azplatform.components.cosmos_db import (
    CosmosDb,
    CosmosDbArgs,
    DatabaseSpec,
    DataRole,
    IndexingSpec,
    SecondaryRegion,
    SqlContainerSpec,
)
from azplatform.components.identity import UserIdentity, UserIdentityArgs
from azplatform.components.key_vault import KeyVault, KeyVaultArgs
from azplatform.components.managed_redis import AccessKeySecret, ManagedRedis, ManagedRedisArgs
from azplatform.components.naming import Kind, Namer
from azplatform.components.observability import Observability, ObservabilityArgs, diagnostic_setting
from azplatform.components.private_endpoint import PrivateEndpoint, PrivateEndpointArgs
from azplatform.components.private_network import PrivateNetwork, PrivateNetworkArgs, SubnetRole, SubnetSpec
from azplatform.components.rbac import BuiltInRole, Principal, assign_role
from azplatform.components.scale_rules import (
    CpuScaleRule,
    HttpScaleRule,
    MemoryScaleRule,
    RedisStreamsScaleRule,
    ServiceBusScaleRule,
)

__all__ = [
    "AccessKeySecret",
    "ActionGroup",
    "ActionGroupArgs",
    "ApiGateway",
    "ApiGatewayArgs",
    "ApiSpec",
    "AppGateway",
    "AppGatewayArgs",
    "AppInsightsLink",
    "BackendPoolSpec",
    "BackendSpec",
    "BuiltInRole",
    "CachingType",
    "CircuitBreaker",
    "CommonArgs",
    "ContainerApp",
    "ContainerAppArgs",
    "ContainerAppJob",
    "ContainerAppJobArgs",
    "ContainerAppsEnvironment",
    "ContainerAppsEnvironmentArgs",
    "ContainerRegistry",
    "ContainerRegistryArgs",
    "ContainerSpec",
    "CosmosDb",
    "CosmosDbArgs",
    "CounterKey",
    "CpuScaleRule",
    "DataRole",
    "DatabaseSpec",
    "DedicatedProfile",
    "Dimension",
    "EmitTokenMetric",
    "ExistsAction",
    "GatewayApi",
    "GatewayApiArgs",
    "GatewayBackend",
    "GeoFilterRule",
    "HttpScaleRule",
    "IndexingSpec",
    "KeyVault",
    "KeyVaultArgs",
    "Kind",
    "LlmFlavor",
    "ManagedRedis",
    "ManagedRedisArgs",
    "MemoryScaleRule",
    "MetricDimension",
    "Namer",
    "Observability",
    "ObservabilityArgs",
    "OperationSpec",
    "PolicyDocument",
    "PoolMember",
    "Principal",
    "PrivateEndpoint",
    "PrivateEndpointArgs",
    "PrivateEndpointPlacement",
    "PrivateNetwork",
    "PrivateNetworkArgs",
    "Probe",
    "QuotaByKey",
    "RateLimitByKey",
    "RateLimitRule",
    "RedisStreamsScaleRule",
    "ResponseCache",
    "Retry",
    "SecondaryRegion",
    "Section",
    "ServiceBusScaleRule",
    "SetBackendService",
    "SetBody",
    "SetHeader",
    "SqlContainerSpec",
    "Statement",
    "SubnetRole",
    "SubnetSpec",
    "TokenLimit",
    "TrafficSplit",
    "UserIdentity",
    "UserIdentityArgs",
    "ValidateJwt",
    "WafExclusion",
    "WafMode",
    "WafPolicySpec",
    "WorkloadArgs",
    "assign_role",
    "default_probes",
    "diagnostic_setting",
    "metric_alert",
]
