"""The platform's typed configuration: one pydantic model, read from a stack's ``azplatform:`` namespace.

Values flow: environment profile defaults (stacks/profiles.py) <- the stack file's overrides -> this model.
Validation reports every problem at once, each with its key path, the bad value, and what is allowed.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic.alias_generators import to_camel

from azplatform.components.api_management import PRIVATE_DNS_ZONE as APIM_ZONE
from azplatform.components.args import ProblemList
from azplatform.components.container_apps_environment import PRIVATE_LINK_GROUP, ContainerAppsEnvironmentSettings
from azplatform.components.container_registry import ContainerRegistrySettings
from azplatform.components.cosmos_db import CosmosDbSettings
from azplatform.components.flow_logs import FlowLogSettings
from azplatform.components.interfaces import MAX_TAGS, PLATFORM_TAG_COUNT, Tags, check_location
from azplatform.components.key_vault import KeyVaultSettings
from azplatform.components.managed_redis import DEFAULT_ACCESS_KEY_SECRET
from azplatform.components.naming import Kind, Namer, stable_suffix
from azplatform.components.observability import ObservabilitySettings
from azplatform.components.private_network import Cidr, PrivateNetworkSettings, SubnetRole, subnet_layout_problems
from azplatform.components.records import private_dns_zone_sets
from azplatform.components.regions import REGIONS
from azplatform.plan import SECRET
from azplatform.plan.environments import ENVIRONMENTS, Environment, is_environment, traits
from azplatform.stacks.config_ai import AiServicesConfig, ai_problems
from azplatform.stacks.config_base import Model
from azplatform.stacks.config_base import get_path as _get
from azplatform.stacks.config_compute import AppConfig, compute_problems
from azplatform.stacks.config_cost import CostConfig
from azplatform.stacks.config_data import AlertsConfig, RedisConfig, data_problems
from azplatform.stacks.config_edge import ApimConfig, ApplicationGatewayConfig, edge_problems
from azplatform.stacks.config_postgres import PostgresConfig, postgres_problems
from azplatform.stacks.config_servicebus import ServiceBusConfig, servicebus_problems
from azplatform.stacks.errors import ConfigError, ConfigProblem
from azplatform.stacks.profiles import profile_for

NAMESPACE = "azplatform"
UNIQUE_SUFFIX_PATTERN = r"^[a-z0-9]{3,6}$"


class SubnetsConfig(Model):
    """One subnet per tier, as CIDRs inside the VNet's address space (the platform names them and gives each its
    role)."""

    gateway: Cidr = Field(description="Application Gateway WAF_v2 subnet (its own, at least /24).")
    apim: Cidr = Field(description="API Management subnet (/29 for Developer or Premium, /27 for Premium v2).")
    container_apps: Cidr = Field(description="Container Apps environment subnet, delegated (/27 minimum, /23 advised).")
    private_endpoints: Cidr = Field(description="Private endpoints for the data stores and registry (/28 minimum).")


class NetworkConfig(PrivateNetworkSettings):
    """The VNet and its tiers. Layout rules (containment, overlaps, sizes) are checked platform-wide."""

    subnets: SubnetsConfig = Field(description="A subnet per tier.")
    flow_logs: FlowLogSettings = Field(
        default_factory=FlowLogSettings,
        description="Virtual network flow logs with traffic analytics (on in staging and prod).",
    )


# The role of each tier's subnet (the API Management tier's minimum size depends on its SKU: see _network_problems).
TIER_ROLES: dict[str, SubnetRole] = {
    "gateway": SubnetRole.GATEWAY,
    "apim": SubnetRole.APIM,
    "containerApps": SubnetRole.CONTAINER_APPS,
    "privateEndpoints": SubnetRole.PRIVATE_ENDPOINTS,
}


def make_namer(prefix: str, environment: str, location: str, unique_suffix: str | None) -> Namer:
    """The stack's naming convention; the suffix defaults to a stable hash of prefix, environment and region."""
    suffix = unique_suffix or stable_suffix(f"{prefix}/{environment}/{location}")
    return Namer(prefix, traits(environment).code, REGIONS[location].short, suffix)


def _prefix(value: str) -> str:
    import re

    if not re.fullmatch(r"[a-z][a-z0-9]{1,9}", value):
        raise ValueError("must be 2-10 lowercase letters or digits, starting with a letter")
    return value


def _tags(value: dict[str, str]) -> dict[str, str]:
    # The platform adds its own tags to every resource, and Azure's limit counts them too.
    if len(value) + PLATFORM_TAG_COUNT > MAX_TAGS:
        raise ValueError(
            f"{len(value)} tags plus the platform's {PLATFORM_TAG_COUNT} (environment, platform, managedBy) is "
            f"{len(value) + PLATFORM_TAG_COUNT}; Azure allows at most {MAX_TAGS} per resource"
        )
    return value


class PlatformConfig(Model):
    """Everything a stack says about the platform. Keys live under the stack file's ``azplatform:`` namespace."""

    environment: Environment = Field(description="Which profile supplies defaults: dev, staging or prod.")
    location: Annotated[str, AfterValidator(check_location)] = Field(
        description="Azure region, for example westeurope."
    )
    name_prefix: Annotated[str, AfterValidator(_prefix)] = Field(
        description="Workload prefix in every resource name (2-10 lowercase alphanumerics)."
    )
    unique_suffix: str | None = Field(
        default=None,
        pattern=UNIQUE_SUFFIX_PATTERN,
        description="Suffix for globally unique names; default: a stable hash of prefix, environment and region.",
    )
    tags: Annotated[Tags, AfterValidator(_tags)] = Field(
        default_factory=dict, description="Tags on every taggable resource (merged with the platform's own)."
    )
    zone_redundant: bool = Field(description="Spread zonal resources over availability zones. Profile default.")
    network: NetworkConfig = Field(description="VNet address space and subnets.")
    observability: ObservabilitySettings = Field(description="Log Analytics and Application Insights settings.")
    key_vault: KeyVaultSettings = Field(description="Key Vault settings.")
    apim: ApimConfig | None = Field(
        description="API Management, the AI gateway behind Application Gateway; null routes straight to an app."
    )
    app_gateway: ApplicationGatewayConfig = Field(
        description="Application Gateway WAF_v2, the single public entry point."
    )
    container_apps: ContainerAppsEnvironmentSettings = Field(
        default_factory=ContainerAppsEnvironmentSettings, description="Container Apps environment settings."
    )
    registry: ContainerRegistrySettings = Field(
        default_factory=ContainerRegistrySettings, description="Container registry settings (always private)."
    )
    apps: dict[str, AppConfig] = Field(default_factory=dict, description="Workloads by name (api, worker, ...).")
    # --- data stores (stacks/config_data.py) ---
    redis: RedisConfig = Field(description="Azure Managed Redis settings.")
    cosmos: CosmosDbSettings = Field(description="Cosmos DB for NoSQL settings, databases and containers.")
    alerts: AlertsConfig = Field(default_factory=AlertsConfig, description="Alert receivers and thresholds.")
    cost: CostConfig = Field(default_factory=CostConfig, description="Cost assumptions, budget and diff threshold.")
    postgres: PostgresConfig | None = Field(
        default=None, description="PostgreSQL flexible server (stacks/config_postgres.py); null: none."
    )
    ai_services: AiServicesConfig | None = Field(
        default=None, description="The AI gateway's models: AI services accounts and their deployments; null: none."
    )
    service_bus: ServiceBusConfig = Field(
        default_factory=ServiceBusConfig, description="Azure Service Bus namespace, queues and topics."
    )

    @property
    def namer(self) -> Namer:
        """The naming convention for this stack."""
        return make_namer(self.name_prefix, self.environment, self.location, self.unique_suffix)

    @model_validator(mode="before")
    @classmethod
    def _cross_checks(cls, data: Any, info: ValidationInfo) -> Any:
        # Runs on the raw values, tolerating bad ones, so that these problems are reported together with
        # every field error rather than only once the fields are fixed.
        problems = cross_check(data) if isinstance(data, Mapping) else []
        if problems:
            if info.context is not None and "problems" in info.context:
                info.context["problems"].extend(problems)
            else:
                raise ProblemList([(p.path, p.message, p.value) for p in problems])
        return data


_APP_KINDS = {Kind.CONTAINER_APP, Kind.CONTAINER_APP_JOB}


# --- loading ------------------------------------------------------------------------------------------


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` wins; nested mappings merge key by key; lists and scalars replace."""
    merged: dict[str, Any] = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def parse_config_value(raw: Any) -> Any:
    """Pulumi hands structured config to programs as JSON text; scalars stay as given."""
    if raw == "null":
        return None  # a section switched off, such as apim: null
    if isinstance(raw, str) and raw[:1] in "{[":
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw
    return raw


def load_platform_config(values: Mapping[str, Any], source: str) -> PlatformConfig:
    """Validate a stack's ``azplatform:`` values (keys without the namespace) over its environment profile.

    Raises :class:`ConfigError` naming ``source`` and every problem found.
    """
    data = {key: parse_config_value(value) for key, value in values.items()}
    environment = data.get("environment")
    merged = deep_merge(profile_for(environment), data) if isinstance(environment, str) else data
    context: dict[str, list[ConfigProblem]] = {"problems": []}
    problems: list[ConfigProblem] = []
    config: PlatformConfig | None = None
    try:
        config = PlatformConfig.model_validate(merged, context=context)
    except ValidationError as exc:
        problems = _problems(exc)
    problems += context["problems"]
    if problems or config is None:
        unique = {(p.path, p.message): p for p in problems}
        raise ConfigError(source, root_causes(data, list(unique.values())), NAMESPACE)
    return config


def root_causes(data: Mapping[str, Any], problems: list[ConfigProblem]) -> list[ConfigProblem]:
    """The problems with their root causes first and the consequences folded into them.

    - ``secure:`` values, which the offline plan cannot decrypt (they read as ``[secret]``): one line per such key,
      instead of one for every name and check the placeholder breaks;
    - an unknown ``environment``: without it there is no profile, so every "no profile default" and every check
      that needs the profile's values is a consequence; one line, with the count of what it hides.
    """
    secret_keys = sorted(key for key, value in data.items() if value == SECRET)
    if secret_keys:
        problems = [
            p for p in problems if p.path.split(".")[0] not in secret_keys and SECRET not in f"{p.message} {p.value}"
        ]
        problems = [
            ConfigProblem(
                key,
                "is a secure: value, which the offline plan cannot decrypt; the platform's settings are not secrets "
                "(secrets live in Key Vault): give it in plain text",
                None,
                root=True,
            )
            for key in secret_keys
        ] + problems
    environment = data.get("environment")
    if not is_environment(environment):
        root = next((p for p in problems if p.path == "environment"), None)
        others = [p for p in problems if p is not root]
        if root is not None and others:
            known = ", ".join(ENVIRONMENTS)
            return [
                ConfigProblem(
                    "environment",
                    f"is not an environment (known: {known}); without one there is no profile to supply defaults, "
                    f"so {len(others)} more problems follow from it and are not listed: fix this first",
                    environment,
                    root=True,
                )
            ]
    return problems


def _problems(exc: ValidationError) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for error in exc.errors():
        path = ".".join(_file_spelling(error["loc"]))
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, ProblemList):
            # A validator's problems: locations and the fields messages mention, spelled as the file does.
            for where, message, value in cause.locations():
                problems.append(
                    ConfigProblem(".".join(_file_spelling((*error["loc"], *where))), _spelled(message), value)
                )
            continue
        problems.append(
            ConfigProblem(path, _message(error), error.get("input") if error["type"] != "missing" else None)
        )
    return problems


def _spelled(message: str) -> str:
    """A settings model's message with the fields it mentions (``max_replicas``) spelled as the file does
    (``maxReplicas``)."""
    return _FIELD_NAME.sub(lambda m: _file_keys().get(m.group(0), m.group(0)), message)


_FIELD_NAME = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


@functools.cache
def _file_keys() -> dict[str, str]:
    """Every field name of the config's models with its stack-file key, for the names that differ."""
    keys: dict[str, str] = {}
    pending, seen = list(_models_in(PlatformConfig)), set()
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            if field.alias and field.alias != name:
                keys[name] = field.alias
            pending += _models_in(field.annotation)
    return keys


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(error["loc"][:-1])
        return f"unknown key; allowed here: {', '.join(allowed)}" if allowed else "unknown key"
    if kind == "missing":
        return "is required and has no profile default"
    message = str(error["msg"])
    return _spelled(message.removeprefix("Value error, "))


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The camelCase keys the model at ``loc`` accepts, for 'unknown key' messages."""
    model: Any = PlatformConfig
    for part in loc:
        field = model.model_fields.get(str(part)) if hasattr(model, "model_fields") else None
        if field is None:
            # a dict entry (an app name): step into the dict's value type
            args = getattr(model, "__args__", ())
            model = args[-1] if args else None
            continue
        model = _unwrap_optional(field.annotation)
    if model is None or not hasattr(model, "model_fields"):
        return []
    return sorted(to_camel(name) for name in model.model_fields)


def _file_spelling(loc: tuple[Any, ...]) -> list[str]:
    """An error location in the stack file's own spelling: field names become their camelCase keys, while dict keys
    (an app's name), list indexes and union tags stay as given."""
    candidates = _models_in(PlatformConfig)
    parts: list[str] = []
    for part in loc:
        field = next((m.model_fields[str(part)] for m in candidates if str(part) in m.model_fields), None)
        if field is None:
            parts.append(str(part))  # a dict key, list index or union tag: the models stay the same
            continue
        parts.append(field.alias or str(part))
        candidates = _models_in(field.annotation)
    return parts


def _models_in(annotation: Any) -> list[Any]:
    """The pydantic models an annotation can hold, through Optional, unions, Annotated, lists and dicts."""
    if hasattr(annotation, "model_fields"):
        return [annotation]
    return [model for arg in getattr(annotation, "__args__", ()) for model in _models_in(arg)] + (
        _models_in(annotation.__origin__) if hasattr(annotation, "__metadata__") else []
    )


def _unwrap_optional(annotation: Any) -> Any:
    """``SomeModel | None`` -> ``SomeModel`` (an optional section still lists its keys)."""
    models = [a for a in getattr(annotation, "__args__", ()) if hasattr(a, "model_fields")]
    return models[0] if len(models) == 1 and type(None) in annotation.__args__ else annotation


# --- cross-field checks on raw values ---------------------------------------------------------------------


def cross_check(data: Mapping[str, Any]) -> list[ConfigProblem]:
    """Checks that span several keys, on raw (possibly invalid) values; malformed values are skipped here
    because field validation already reports them."""
    return (
        _network_problems(data)
        + _central_dns_problems(data)
        + _sku_problems(data)
        + _name_problems(data)
        + compute_problems(data)
        + data_problems(data)
        + edge_problems(data)
        + postgres_problems(data)
        + servicebus_problems(data)
        + ai_problems(data)
        + _keda_redis_problems(data)
        + _semantic_cache_problems(data)
    )


# The Key Vault secret the data layer writes the Redis access key to (components.managed_redis.AccessKeySecret).
REDIS_KEDA_SECRET = DEFAULT_ACCESS_KEY_SECRET


def _keda_redis_problems(data: Mapping[str, Any]) -> list[ConfigProblem]:
    """A redis-streams rule without an address scales on the platform's Redis. KEDA cannot use a managed identity
    for Redis, so that needs redis.accessKeysForKeda (the key goes to Key Vault) and the rule's password secret
    must be a reference to that Key Vault secret."""
    problems: list[ConfigProblem] = []
    apps = data.get("apps")
    keys_on = _get(data, "redis", "accessKeysForKeda") is True
    needs_keys = False
    for name, app in apps.items() if isinstance(apps, Mapping) else []:
        rules = _get(app, "scaleRules")
        secrets = _get(app, "secrets")
        for index, rule in enumerate(rules if isinstance(rules, list) else []):
            if not isinstance(rule, Mapping) or rule.get("type") != "redis-streams" or rule.get("address"):
                continue
            path = f"apps.{name}.scaleRules[{index}]"
            needs_keys = True
            if not keys_on:
                problems.append(
                    ConfigProblem(
                        "redis.accessKeysForKeda",
                        f"must be true: {path} scales on the platform's Redis, and KEDA's redis-streams scaler "
                        "authenticates with a password only (or give the rule its own address)",
                        _get(data, "redis", "accessKeysForKeda"),
                    )
                )
            secret = rule.get("passwordSecret")
            vault_secret = secrets.get(secret) if isinstance(secrets, Mapping) and isinstance(secret, str) else None
            if isinstance(secret, str) and vault_secret is not None and vault_secret != REDIS_KEDA_SECRET:
                problems.append(
                    ConfigProblem(
                        f"apps.{name}.secrets.{secret}",
                        f"must reference the Key Vault secret {REDIS_KEDA_SECRET!r}, where the platform writes the "
                        f"Redis access key that {path} authenticates with",
                        vault_secret,
                    )
                )
    if keys_on and not needs_keys:
        problems.append(
            ConfigProblem(
                "redis.accessKeysForKeda",
                "no redis-streams rule scales on the platform's Redis, so access keys stay off (Entra only); remove it",
                True,
            )
        )
    apim_keys = _get(data, "redis", "accessKeysForApimCache") is True
    if (keys_on or apim_keys) and _get(data, "redis", "accessKeysExpireOn") is None:
        flag = "accessKeysForKeda" if keys_on else "accessKeysForApimCache"
        problems.append(
            ConfigProblem(
                "redis.accessKeysExpireOn",
                f"is required with {flag}: the access-key exception is time-boxed (YYYY-MM-DD), and "
                "policy AZP-REDIS-004 fails the stack after that day",
                None,
            )
        )
    return problems


def _semantic_cache_problems(data: Mapping[str, Any]) -> list[ConfigProblem]:
    """A semantic cache runs on the platform's Redis through API Management's external cache: the database needs
    RediSearch (fixed at creation) and access keys (API Management reaches Azure Managed Redis only with a
    connection string), declared with redis.accessKeysForApimCache; and the keys stay off without one."""
    apis = _get(data, "apim", "apis")
    cached = [
        f"apim.apis.{api_id}.policies.semanticCache"
        for api_id, api in (apis.items() if isinstance(apis, Mapping) else [])
        if isinstance(_get(api, "policies", "semanticCache"), Mapping)
    ]
    flag = _get(data, "redis", "accessKeysForApimCache")
    problems: list[ConfigProblem] = []
    if not cached:
        if flag is True:
            problems.append(
                ConfigProblem(
                    "redis.accessKeysForApimCache",
                    "no API has a semantic cache, so access keys stay off (Entra only); remove it",
                    True,
                )
            )
        return problems
    modules = _get(data, "redis", "modules")
    if not (isinstance(modules, list) and "RediSearch" in modules):
        problems.append(
            ConfigProblem(
                "redis.modules",
                f"must include RediSearch for {cached[0]}: the semantic cache searches vectors in Redis. A module "
                "is fixed when the database is created, so adding it replaces the database (and its data); "
                "RediSearch also needs clusteringPolicy EnterpriseCluster and evictionPolicy NoEviction",
                modules,
            )
        )
    if flag is not True:
        problems.append(
            ConfigProblem(
                "redis.accessKeysForApimCache",
                f"must be true for {cached[0]}: API Management reaches Azure Managed Redis only with a connection "
                "string carrying an access key (no Entra); the exception is declared here and time-boxed by "
                "accessKeysExpireOn",
                flag,
            )
        )
    if _get(data, "apim", "externalCache") is not None:
        problems.append(
            ConfigProblem(
                "apim.externalCache",
                "is the service's one external cache, and a semantic cache puts the platform's Redis there; remove it",
                _get(data, "apim", "externalCache"),
            )
        )
    return problems


def _network_problems(data: Mapping[str, Any]) -> list[ConfigProblem]:
    raw_subnets = _get(data, "network", "subnets")
    tiers = [
        (key, cidr)
        for key, cidr in (raw_subnets.items() if isinstance(raw_subnets, Mapping) else [])
        if key in TIER_ROLES
    ]
    # API Management Premium v2 injects differently, with a larger minimum (config_edge refuses it for now).
    roles = {**TIER_ROLES, "apim": SubnetRole.APIM_V2 if _get(data, "apim", "sku") == "PremiumV2" else SubnetRole.APIM}
    found = subnet_layout_problems(
        _get(data, "network", "addressSpace"),
        [(f"network.subnets.{key}", cidr, roles[key]) for key, cidr in tiers],
        space_label="network.addressSpace",
    )
    return [ConfigProblem(f"network.subnets.{tiers[index][0]}", message, cidr) for index, message, cidr in found]


def required_private_dns_zones(data: Mapping[str, Any]) -> list[str]:
    """The private DNS zones the stack's services resolve through: each private endpoint's privatelink zone (Key
    Vault, the registry, Redis and Cosmos DB always; PostgreSQL, a Premium Service Bus, AI services (three zones)
    and the Container Apps environment in private-endpoint mode (its region's zone) when present) and, with API
    Management, azure-api.net."""
    groups = ["vault", "registry", "redisEnterprise", "Sql"]
    if _get(data, "containerApps", "access") == "privateEndpoint":
        groups.append(PRIVATE_LINK_GROUP)
    if data.get("postgres") is not None:
        groups.append("postgresqlServer")
    if _get(data, "serviceBus", "sku") == "Premium":
        groups.append("namespace")
    if data.get("aiServices") is not None:
        groups.append("account")
    zones = private_dns_zone_sets(str(data.get("location")))
    return [zone for group in groups for zone in zones[group]] + ([APIM_ZONE] if data.get("apim") is not None else [])


def _central_dns_problems(data: Mapping[str, Any]) -> list[ConfigProblem]:
    central = _get(data, "network", "privateDnsZoneIds")
    if not isinstance(central, Mapping) or not central:
        return []
    problems: list[ConfigProblem] = []
    access = _get(data, "containerApps", "access")
    if access in (None, "internal"):
        # Root cause first: the internal environment's zone is named after a default domain Azure assigns at
        # creation, so no central team can hold it; the per-region privatelink zone of private-endpoint mode can.
        problems.append(
            ConfigProblem(
                "containerApps.access",
                "is 'internal', whose private DNS zone (named after the environment's default domain, known only "
                "once it exists) would be created in this spoke beside the central zones; set it to "
                "'privateEndpoint', which registers the environment in the central "
                f"privatelink.{data.get('location')}.azurecontainerapps.io",
                access or "internal",
            )
        )
    missing = [zone for zone in required_private_dns_zones(data) if zone not in central]
    if missing:
        problems.append(
            ConfigProblem(
                "network.privateDnsZoneIds",
                f"gives central zones but not {missing}, which the enabled services need; with central zones the "
                "platform creates none of its own, so give each of these zones' ids",
                sorted(central),
            )
        )
    return problems


def _sku_problems(data: Mapping[str, Any]) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    if data.get("zoneRedundant") is True:
        region = REGIONS.get(str(data.get("location")))
        if region is not None and not region.zones:
            problems.append(
                ConfigProblem(
                    "zoneRedundant",
                    f"{data.get('location')} has no availability zones; set it to false",
                    True,
                )
            )
        if _get(data, "apim", "sku") == "Developer":
            problems.append(
                ConfigProblem(
                    "apim.sku",
                    "Developer has no availability zones (and no SLA); use Premium, or set zoneRedundant: false",
                    "Developer",
                )
            )
    return problems


def _name_problems(data: Mapping[str, Any]) -> list[ConfigProblem]:
    prefix, environment, location = data.get("namePrefix"), data.get("environment"), data.get("location")
    if not (isinstance(prefix, str) and is_environment(environment) and location in REGIONS):
        return []
    raw_suffix = data.get("uniqueSuffix")
    # A malformed suffix is the suffix's own field error; names are then checked with the default suffix, so that
    # its consequences are not blamed on namePrefix.
    suffix = raw_suffix if isinstance(raw_suffix, str) and re.fullmatch(UNIQUE_SUFFIX_PATTERN, raw_suffix) else None
    namer = make_namer(prefix, str(environment), str(location), suffix)
    default_namer = make_namer(prefix, str(environment), str(location), None)
    problems: list[ConfigProblem] = []
    for kind in Kind:
        if kind in _APP_KINDS:
            continue
        name = namer.name(kind)
        # A given suffix that breaks a name the default suffix keeps valid is the suffix's fault.
        blame_suffix = (
            suffix is not None and kind.value.globally_unique and not kind.value.problems(default_namer.name(kind))
        )
        for issue in kind.value.problems(name):
            problems.append(
                ConfigProblem(
                    "uniqueSuffix" if blame_suffix else "namePrefix",
                    f"makes the {_kind_label(kind)} name {name!r}, which {issue}",
                    suffix if blame_suffix else prefix,
                )
            )
    apps = data.get("apps")
    names = list(apps) if isinstance(apps, Mapping) else []
    for app in names:
        twins = [other for other in names if str(other).lower() == str(app).lower() and other != app]
        if twins and str(app) > str(twins[0]):
            # Azure names are lowercase: "api" and "API" become the same container app.
            problems.append(
                ConfigProblem(
                    f"apps.{app}",
                    f"has the same Azure name as apps.{twins[0]} once lowercased "
                    f"({namer.name(Kind.CONTAINER_APP, str(app).lower())!r}); "
                    "rename one",
                    app,
                )
            )
        for kind in _APP_KINDS:
            name = namer.name(kind, str(app))
            for issue in kind.value.problems(name):
                problems.append(
                    ConfigProblem(f"apps.{app}", f"makes the {_kind_label(kind)} name {name!r}, which {issue}", app)
                )
    return problems


def _kind_label(kind: Kind) -> str:
    return kind.name.lower().replace("_", " ")
