"""Generate the component reference (docs/components/*.md) from the code itself, so the docs cannot drift.

Per component: its purpose (class docstring), its args (fields, types, defaults and the docstring under each
field, read with ``ast`` the way Sphinx reads attribute docstrings), its outputs, its methods (grants), the
stack-file config section that drives it in the platform with each environment's profile default (from the
pydantic models and ``stacks/profiles.py``), and a usage example that the tests run under the offline harness.
``azplatform docs`` writes the pages; tests/test_docs.py fails when a committed page differs.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, Discriminator, Tag
from pydantic.alias_generators import to_camel

from azplatform.plan.environments import ENVIRONMENTS
from azplatform.stacks.profiles import PROFILES


@dataclass(frozen=True)
class ComponentDoc:
    """Where one component lives, which config section drives it in the platform, and a runnable example."""

    module: str
    component: str
    args: str
    config_section: str | None
    example: str


def attribute_docs(cls: type) -> dict[str, str]:
    """The docstrings written under each annotated attribute of ``cls`` (and its dataclass bases)."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass is object or klass.__module__ == "builtins":
            continue
        try:
            tree = ast.parse(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
        for node, following in zip(body, [*body[1:], None], strict=True):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[node.target.id] = " ".join(following.value.value.split())
    return docs


def _default(field: dataclasses.Field[Any]) -> str:
    if field.default is not dataclasses.MISSING:
        return f"`{field.default!r}`"
    if field.default_factory is not dataclasses.MISSING:
        return f"`{field.default_factory()!r}`"
    return "required"


def _annotation(text: Any) -> str:
    return str(text).replace("pulumi.Input", "Input").replace("|", "\\|")


def _args_table(args_cls: type) -> Iterator[str]:
    yield "| arg | type | default | what it controls |"
    yield "| --- | --- | --- | --- |"
    if issubclass(args_cls, BaseModel):
        for name, info in args_cls.model_fields.items():
            default = "required" if info.is_required() else f"`{info.get_default(call_default_factory=True)!r}`"
            is_input = any(getattr(m, "__name__", "") == "_AnyInput" for m in info.metadata)
            shown = "Input" if is_input else _type_name(info.annotation)
            yield f"| `{name}` | `{_annotation(shown)}` | {default} | {info.description or ''} |"
        return
    if not dataclasses.is_dataclass(args_cls):
        raise TypeError(f"{args_cls.__name__} is neither a pydantic model nor a dataclass")
    docs = attribute_docs(args_cls)
    for field in dataclasses.fields(args_cls):
        yield f"| `{field.name}` | `{_annotation(field.type)}` | {_default(field)} | {docs.get(field.name, '')} |"


def _plain(annotation: Any) -> Any:
    """A discriminated union (scale rules told apart by ``type``) as the plain union of its members, for display."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated and any(isinstance(m, Discriminator | Tag) for m in annotation.__metadata__):
        inner = args[0]
        return Union[tuple(_plain(a) for a in get_args(inner))] if get_args(inner) else inner  # noqa: UP007
    if origin in (list, dict) and args:
        return origin[tuple(_plain(a) for a in args)]
    return annotation


def _type_name(annotation: Any) -> str:
    """A readable annotation: module paths, ``typing.`` prefixes and validators dropped, Inputs shown as such."""
    annotation = _plain(annotation)
    text = getattr(annotation, "__name__", None) if isinstance(annotation, type) else None
    text = text or str(annotation)
    text = re.sub(r"typing\.Annotated\[typing\.Any, <class '[\w.]*_AnyInput'>\]", "Input", text)
    text = re.sub(r"typing\.Annotated\[([^,\[\]]+(?:\[[^\]]*\])?), [^\]]*\]", r"\1", text)
    text = re.sub(r"<class '(?:[\w]+\.)*(\w+)'>", r"\1", text)
    return re.sub(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)", r"\1", text)


def _outputs(component_cls: type) -> Iterator[str]:
    hints = {k: v for k, v in component_cls.__annotations__.items() if not k.startswith("_")}
    for name, annotation in hints.items():
        yield f"- `{name}`: `{_annotation(annotation)}`"


def _methods(component_cls: type) -> Iterator[str]:
    # The component's own methods and those of its grant mixins (KeyVaultGrants...), not pulumi's.
    own = {k.__name__ for k in component_cls.__mro__ if k.__module__.startswith("azplatform.")}
    for name, member in inspect.getmembers(component_cls, inspect.isfunction):
        if name.startswith("_") or member.__qualname__.split(".")[0] not in own:
            continue
        doc = " ".join((inspect.getdoc(member) or "").split())
        yield f"- `{name}{inspect.signature(member)}`: {doc}"


def _config_table(section: str) -> Iterator[str]:
    from azplatform.stacks.config import PlatformConfig

    field = PlatformConfig.model_fields[_snake(section)]
    # The section's model: plain, optional (ApimConfig | None) or a mapping of them (apps: dict[str, AppConfig]).
    candidates = [field.annotation, *getattr(field.annotation, "__args__", ())]
    models = [m for m in candidates if isinstance(m, type) and issubclass(m, BaseModel)]
    if not models:
        return
    model = models[0]
    where = f"azplatform:{section}.<name>" if section == "apps" else f"azplatform:{section}"
    yield f"Stack-file key `{where}`; defaults per environment come from `stacks/profiles.py`."
    yield ""
    yield f"| key | {' | '.join(ENVIRONMENTS)} | meaning |"
    yield "| --- |" + " --- |" * len(ENVIRONMENTS) + " --- |"
    for name, info in model.model_fields.items():
        key = to_camel(name)
        per_env = []
        for env in ENVIRONMENTS:
            value = PROFILES[env].get(section, {}).get(key) if isinstance(PROFILES[env].get(section), dict) else None
            if value is None and not info.is_required():
                value = info.get_default(call_default_factory=True)
            per_env.append("" if value is None else f"`{value}`")
        yield f"| `{key}` | {' | '.join(per_env)} | {info.description or ''} |"
    yield from _entry_tables(where, model)


def _entry_model(annotation: Any) -> Any:
    """The model of a ``dict[str, Model]`` field (queues, containers...), or None."""
    args: tuple[Any, ...] = getattr(annotation, "__args__", ())
    origin = getattr(annotation, "__origin__", None)
    value = args[-1] if origin is dict and len(args) == 2 else None
    return value if isinstance(value, type) and issubclass(value, BaseModel) else None


def _entry_tables(where: str, model: Any) -> Iterator[str]:
    """A table of keys for each entry of the section's ``dict[str, Model]`` fields, and of theirs."""
    for name, info in model.model_fields.items():
        entry = _entry_model(info.annotation)
        if entry is None:
            continue
        path = f"{where}.{to_camel(name)}.<name>"
        yield ""
        yield f"Each entry of `{path}`:"
        yield ""
        yield "| key | default | meaning |"
        yield "| --- | --- | --- |"
        for key, field in entry.model_fields.items():
            default = "" if field.is_required() else field.get_default(call_default_factory=True)
            shown = "" if default in ("", None) else f"`{default}`"
            yield f"| `{to_camel(key)}` | {shown} | {field.description or ''} |"
        yield from _entry_tables(path, entry)


def _snake(camel: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in camel)


def _example(code: str) -> Iterator[str]:
    yield "## Example"
    yield ""
    yield "```python"
    yield from (_PREAMBLE + code).strip("\n").splitlines()
    yield "```"


def render_component(entry: ComponentDoc) -> str:
    """The markdown page for one component."""
    module = importlib.import_module(entry.module)
    component_cls = getattr(module, entry.component)
    args_cls = getattr(module, entry.args)
    lines = [f"# {entry.component}", "", inspect.getdoc(component_cls) or "", ""]
    tokens = [v for k, v in vars(module).items() if k.endswith("TYPE_TOKEN") and str(v).endswith(f":{entry.component}")]
    lines += [
        f"`from azplatform.components import {entry.component}, {entry.args}`"
        + (f" · type token `{tokens[0]}`" if tokens else "")
    ]
    lines += ["", f"## Args: `{entry.args}`", "", *_args_table(args_cls), ""]
    outputs = list(_outputs(component_cls))
    if outputs:
        lines += ["## Outputs", "", *outputs, ""]
    methods = list(_methods(component_cls))
    if methods:
        lines += ["## Methods", "", *methods, ""]
    if entry.config_section:
        lines += ["## Platform configuration", "", *_config_table(entry.config_section), ""]
    lines += [*_example(entry.example)]
    return "\n".join(lines).rstrip() + "\n"


def write_docs(entries: list[ComponentDoc], out_dir: Path) -> list[Path]:
    """Write one page per component plus an index; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    index = ["# Components", "", "Generated by `azplatform docs` from the code; do not edit by hand.", ""]
    index += ["Every class below is importable from `components` (see README, Public API).", ""]
    for entry in entries:
        path = out_dir / f"{_snake(entry.component).lstrip('_')}.md"
        path.write_text(render_component(entry), encoding="utf-8")
        written.append(path)
        index.append(f"- [{entry.component}]({path.name})")
    index_path = out_dir / "README.md"
    index_path.write_text("\n".join(index) + "\n", encoding="utf-8")
    return [*written, index_path]


_RG = "rg-shop-dev-weu"
_SUB = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-shop-dev-weu/providers"
_SUBNET = f"{_SUB}/Microsoft.Network/virtualNetworks/vnet-shop-dev-weu/subnets"
_WORKSPACE = f"{_SUB}/Microsoft.OperationalInsights/workspaces/log-shop-dev-weu"
_ZONES = f"{_SUB}/Microsoft.Network/privateDnsZones"
_PREAMBLE = f"""RG = "{_RG}"
SUBNETS = "{_SUBNET}"
WORKSPACE = "{_WORKSPACE}"
ZONES = "{_ZONES}"
"""

# The vault the gateway examples read their certificate and named values from.
_VAULT = """
vault = KeyVault("kv", KeyVaultArgs(
    name="kv-shop-dev-weu", resource_group_name=RG, location="westeurope",
    tenant_id="00000000-0000-4000-8000-000000000002",
))
"""

# One entry per public component. Each example is a complete program body: tests/test_docs.py runs it under the
# offline harness, so an example that stops working fails the build.
COMPONENTS: list[ComponentDoc] = [
    ComponentDoc(
        "azplatform.components.private_network",
        "PrivateNetwork",
        "PrivateNetworkArgs",
        "network",
        """
from azplatform.components import DiagnosticSettings, PrivateNetwork, PrivateNetworkArgs, SubnetRole, SubnetSpec

network = PrivateNetwork("net", PrivateNetworkArgs(
    name="vnet-shop-dev-weu", resource_group_name=RG, location="westeurope", address_space="10.40.0.0/16",
    subnets=[
        SubnetSpec(name="snet-aca", role=SubnetRole.CONTAINER_APPS, cidr="10.40.2.0/23"),
        SubnetSpec(name="snet-pep", role=SubnetRole.PRIVATE_ENDPOINTS, cidr="10.40.4.0/27"),
    ],
    private_dns_zones=["privatelink.vaultcore.azure.net"],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
))
""",
    ),
    ComponentDoc(
        "azplatform.components.private_endpoint",
        "PrivateEndpoint",
        "PrivateEndpointArgs",
        None,
        """
from azplatform.components import PrivateEndpoint, PrivateEndpointArgs

PrivateEndpoint("vault-pep", PrivateEndpointArgs(
    name="pep-kv-shop-dev-weu", resource_group_name=RG, location="westeurope",
    subnet_id=f"{SUBNETS}/snet-pep",
    target_id="/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-shop-dev-weu/providers/"
    "Microsoft.KeyVault/vaults/kv-shop-dev-weu",
    group_id="vault",
    private_dns_zone_ids=[f"{ZONES}/privatelink.vaultcore.azure.net"],
))
""",
    ),
    ComponentDoc(
        "azplatform.components.observability",
        "Observability",
        "ObservabilityArgs",
        "observability",
        """
from azplatform.components import Observability, ObservabilityArgs

observability = Observability("obs", ObservabilityArgs(
    resource_group_name=RG, location="westeurope",
    workspace_name="log-shop-dev-weu", app_insights_name="appi-shop-dev-weu", retention_days=30,
))
""",
    ),
    ComponentDoc(
        "azplatform.components.key_vault",
        "KeyVault",
        "KeyVaultArgs",
        "keyVault",
        """
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
    ),
    ComponentDoc(
        "azplatform.components.identity",
        "UserIdentity",
        "UserIdentityArgs",
        None,
        """
from azplatform.components import UserIdentity, UserIdentityArgs

identity = UserIdentity(
    "orders-id", UserIdentityArgs(name="id-orders-dev", resource_group_name=RG, location="westeurope")
)
""",
    ),
    ComponentDoc(
        "azplatform.components.container_apps_environment",
        "ContainerAppsEnvironment",
        "ContainerAppsEnvironmentArgs",
        "containerApps",
        """
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
    ),
    ComponentDoc(
        "azplatform.components.container_registry",
        "ContainerRegistry",
        "ContainerRegistryArgs",
        "registry",
        """
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
    ),
    ComponentDoc(
        "azplatform.components.container_app",
        "ContainerApp",
        "ContainerAppArgs",
        "apps",
        """
from azplatform.components import (
    ContainerApp, ContainerAppArgs, CpuScaleRule, ExistingContainerRegistry, HttpScaleRule, UserIdentity,
    UserIdentityArgs,
)

identity = UserIdentity("api-id", UserIdentityArgs(name="id-api-dev", resource_group_name=RG, location="westeurope"))
registry = ExistingContainerRegistry("platform-acr", f"{RG}/registries/crshopdevweu")
api = ContainerApp("api", ContainerAppArgs(
    name="ca-api-dev", resource_group_name=RG, location="westeurope",
    environment_id=f"{RG}/managedEnvironments/cae-shop-dev-weu",
    identity=identity,
    image="crshopdevweu.azurecr.io/api:1.4.2", cpu=0.5, memory="1Gi",
    registry_server="crshopdevweu.azurecr.io",
    wait_for=[registry.grant_pull(identity)],
    target_port=80,
    min_replicas=1,
    max_replicas=5,
    scale_rules=[HttpScaleRule(concurrent_requests=50), CpuScaleRule(utilization=70)],
))
""",
    ),
    ComponentDoc(
        "azplatform.components.container_app",
        "ContainerAppJob",
        "ContainerAppJobArgs",
        None,
        """
from azplatform.components import (
    ContainerAppJob, ContainerAppJobArgs, JobExecution, ServiceBusScaleRule, UserIdentity, UserIdentityArgs,
)

identity = UserIdentity(
    "batch-id", UserIdentityArgs(name="id-batch-dev", resource_group_name=RG, location="westeurope")
)
ContainerAppJob("batch", ContainerAppJobArgs(
    name="caj-batch-dev", resource_group_name=RG, location="westeurope",
    environment_id=f"{RG}/managedEnvironments/cae-shop-dev-weu",
    identity=identity,
    image="mcr.microsoft.com/k8se/quickstart:latest",
    # Authenticated as the job's managed identity: no connection string.
    scale_rules=[ServiceBusScaleRule(namespace="sb-shop-dev", queue_name="orders", message_count=10)],
    job=JobExecution(parallelism=2, replica_timeout_seconds=600),
))
""",
    ),
    ComponentDoc(
        "azplatform.components.managed_redis",
        "ManagedRedis",
        "ManagedRedisArgs",
        "redis",
        """
from azplatform.components import DiagnosticSettings, ManagedRedis, ManagedRedisArgs, PrivateEndpointSpec

redis = ManagedRedis("redis", ManagedRedisArgs(
    name="amr-shop-dev-weu", resource_group_name=RG, location="westeurope", sku="Balanced_B0",
    high_availability=False,
    private_endpoints=[PrivateEndpointSpec(
        subnet_id=f"{SUBNETS}/snet-pep", private_dns_zone_ids=[f"{ZONES}/privatelink.redis.azure.net"]
    )],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
))
""",
    ),
    ComponentDoc(
        "azplatform.components.service_bus",
        "ServiceBus",
        "ServiceBusArgs",
        "serviceBus",
        """
from azplatform.components import (
    DiagnosticSettings, PrivateEndpointSpec, ServiceBus, ServiceBusArgs, ServiceBusQueueSettings,
)

bus = ServiceBus("bus", ServiceBusArgs(
    name="sbns-shop-dev-weu", resource_group_name=RG, location="westeurope", sku="Premium", capacity=1,
    queues={"orders": ServiceBusQueueSettings(max_delivery_count=5, duplicate_detection_seconds=600)},
    private_endpoints=[PrivateEndpointSpec(
        subnet_id=f"{SUBNETS}/snet-pep", private_dns_zone_ids=[f"{ZONES}/privatelink.servicebus.windows.net"]
    )],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
))
""",
    ),
    ComponentDoc(
        "azplatform.components.cosmos_db",
        "CosmosDb",
        "CosmosDbArgs",
        "cosmos",
        """
from azplatform.components import CosmosDb, CosmosDbArgs, DatabaseSpec, PrivateEndpointSpec, SqlContainerSpec

cosmos = CosmosDb("cosmos", CosmosDbArgs(
    name="cosno-shop-dev-weu", resource_group_name=RG, location="westeurope", serverless=True,
    databases={"shop": DatabaseSpec(containers={"orders": SqlContainerSpec(partition_key="/tenantId")})},
    private_endpoints=[PrivateEndpointSpec(
        subnet_id=f"{SUBNETS}/snet-pep", private_dns_zone_ids=[f"{ZONES}/privatelink.documents.azure.com"]
    )],
))
""",
    ),
    ComponentDoc(
        "azplatform.components.postgres",
        "PostgresFlexibleServer",
        "PostgresFlexibleServerArgs",
        "postgres",
        """
from azplatform.components import (
    DiagnosticSettings, EntraAdministrator, PostgresDatabaseSpec, PostgresFlexibleServer, PostgresFlexibleServerArgs,
    PrivateEndpointSpec,
)

# Entra only (no password login): the DBA group is the server's administrator. Private endpoint only.
server = PostgresFlexibleServer("pg", PostgresFlexibleServerArgs(
    name="psql-shop-dev-weu", resource_group_name=RG, location="westeurope",
    tenant_id="00000000-0000-4000-8000-000000000002",
    tier="Burstable", sku_name="Standard_B1ms", storage_size_gb=32,
    entra_administrator=EntraAdministrator(object_id="00000000-0000-4000-8000-0000000000db", principal_name="DBAs"),
    databases={"shop": PostgresDatabaseSpec()},
    private_endpoints=[PrivateEndpointSpec(
        subnet_id=f"{SUBNETS}/snet-pep", private_dns_zone_ids=[f"{ZONES}/privatelink.postgres.database.azure.com"]
    )],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
))
""",
    ),
    ComponentDoc(
        "azplatform.components.postgres",
        "PostgresPrincipals",
        "PostgresPrincipalsArgs",
        None,
        """
from azplatform.components import DatabaseGrant, PostgresPrincipals, PostgresPrincipalsArgs

# Runs in the Container Apps environment as the server's administrator identity and makes the app's managed
# identity a PostgreSQL role (pgaadauth_create_principal_with_oid) with access to the shop database.
PostgresPrincipals("pg-roles", PostgresPrincipalsArgs(
    name="caj-shop-pgroles-dev", resource_group_name=RG, location="westeurope",
    environment_id=f"/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/{RG}"
    "/providers/Microsoft.App/managedEnvironments/cae-shop-dev-weu",
    identity_id=f"/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/{RG}"
    "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-shop-pgadmin-dev",
    identity_client_id="00000000-0000-4000-8000-0000000000c1", administrator_name="id-shop-pgadmin-dev",
    host="psql-shop-dev-weu.postgres.database.azure.com",
    grants=[DatabaseGrant(
        role="id-shop-api-dev", object_id="00000000-0000-4000-8000-0000000000a1", databases=["shop"]
    )],
))
""",
    ),
    ComponentDoc(
        "azplatform.components.alerting",
        "ActionGroup",
        "ActionGroupArgs",
        "alerts",
        """
from azplatform.components import ActionGroup, ActionGroupArgs

ActionGroup("alerts", ActionGroupArgs(
    name="ag-shop-dev", short_name="shop-dev", resource_group_name=RG, emails=["oncall@example.com"],
))
""",
    ),
    ComponentDoc(
        "azplatform.components.application_gateway",
        "ApplicationGateway",
        "ApplicationGatewayArgs",
        "appGateway",
        """
from azplatform.components import (
    ApplicationGateway, ApplicationGatewayArgs, DiagnosticSettings, GatewayBackend, KeyVault, KeyVaultArgs, Lock,
    RateLimitRule,
)
"""
        + _VAULT
        + """ApplicationGateway("agw", ApplicationGatewayArgs(
    name="agw-shop-dev-weu", public_ip_name="pip-agw-shop-dev-weu", waf_policy_name="wafshopdevweu",
    identity_name="id-agw-shop-dev", resource_group_name=RG, location="westeurope",
    subnet_id=f"{SUBNETS}/snet-agw", host_name="shop.example.com",
    certificate_store=vault, certificate_secret_name="appgw-tls",
    backend=GatewayBackend(fqdn="apim-shop-dev-weu.azure-api.net", probe_path="/status-0123456789abcdef"),
    min_capacity=0, max_capacity=2,
    custom_rules=[RateLimitRule(name="perClientIp", priority=10, threshold=3000)],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
    lock=Lock(),  # on the public IP, the address DNS names
))
""",
    ),
    ComponentDoc(
        "azplatform.components.api_management",
        "ApiManagement",
        "ApiManagementArgs",
        "apim",
        """
from azplatform.components import (
    ApiManagement, ApiManagementArgs, ApiPolicies, ApiSpec, BackendSpec, CachingType, CircuitBreaker,
    DiagnosticSettings, KeyVault, KeyVaultArgs, RateLimitByKey, Retry,
)
"""
        + _VAULT
        + """policies = ApiPolicies(
    rate_limit=RateLimitByKey(calls=300, renewal_period_seconds=60), retry=Retry(count=2)
).document("orders", tenant_id="00000000-0000-4000-8000-000000000002", caching=CachingType.INTERNAL)
ApiManagement("apim", ApiManagementArgs(
    name="apim-shop-dev-weu", identity_name="id-apim-shop-dev", resource_group_name=RG, location="westeurope",
    sku="Developer", capacity=1, publisher_name="Shop", publisher_email="platform@example.com",
    subnet_id=f"{SUBNETS}/snet-apim", secret_store=vault,
    backends=[BackendSpec(id="orders", url="https://ca-orders-dev.internal.example", circuit_breaker=CircuitBreaker())],
    apis=[ApiSpec(id="orders", path="orders", backend_id="orders", policy_xml=policies.to_xml())],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
))
""",
    ),
    ComponentDoc(
        "azplatform.components.api_management",
        "PublishedApi",
        "PublishedApiArgs",
        None,
        """
from azplatform.components import (
    ApiSpec, BackendSpec, PublishedApi, PublishedApiArgs, ApimPolicyDocument, RateLimitByKey, SetBackendService,
)

policy = ApimPolicyDocument(
    statements=(RateLimitByKey(calls=100, renewal_period_seconds=60), SetBackendService(backend_id="orders"))
)
PublishedApi("orders-api", PublishedApiArgs(
    service_name="apim-shop-dev-weu", resource_group_name=RG,
    backend=BackendSpec(id="orders", url="https://ca-orders-dev.internal.example"),
    api=ApiSpec(id="orders", path="orders", backend_id="orders", policy_xml=policy.to_xml()),
))
""",
    ),
]


def example_source(entry: ComponentDoc) -> str:
    """The example as a runnable program body (its constants, then the snippet)."""
    return _PREAMBLE + entry.example
