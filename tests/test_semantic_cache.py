"""Semantic caching of the AI route (staging and prod): llm-semantic-cache-lookup/-store on the platform's Azure
Managed Redis with RediSearch, prompts vectorised by an embeddings deployment that API Management calls as its
system-assigned identity, and the Redis connection string as the one declared, time-boxed key exception, kept in
Key Vault behind a named value. Each config mistake is refused with its key path, and the component refuses alike."""

from __future__ import annotations

import dataclasses
import datetime
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from pydantic import ValidationError

from azplatform.components.ai_services import AiServicesRole
from azplatform.components.apim_policies import (
    ApiPolicies,
    CachingType,
    CounterKey,
    SemanticCache,
    SemanticCacheSettings,
    TokenLimit,
)
from azplatform.components.managed_redis import AccessKeySecret
from azplatform.plan import Plan
from azplatform.stacks.config import load_platform_config
from azplatform.stacks.diff import compare_resource
from azplatform.stacks.risks import Action
from tests.conftest import stack_values
from tests.test_schema import _stack_file_problem as stack_file_problem

CACHED = ["staging", "prod"]
APIM = "azure-native:apimanagement:ApiManagementService"
BACKEND = "azure-native:apimanagement:Backend"
CACHE = "azure-native:apimanagement:Cache"
NAMED_VALUE = "azure-native:apimanagement:NamedValue"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
ROLE = "azure-native:authorization:RoleAssignment"
SECRET = "azure-native:keyvault:Secret"
REDIS_DATABASE = "azure-native:redisenterprise:Database"


def _policy(plan: Plan) -> ET.Element:
    (policy,) = [p for p in plan.of_type("azure-native:apimanagement:ApiPolicy") if p.inputs["apiId"] == "ai"]
    return ET.fromstring(policy.inputs["value"])


def _one(plan: Plan, token: str, **match: str) -> Any:
    found = [r for r in plan.of_type(token) if all(r.inputs.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (token, match, [r.name for r in found])
    return found[0]


# --- the rendered stacks -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("stack", CACHED)
def test_the_route_looks_up_before_the_token_limit_and_stores_after(plans: dict[str, Plan], stack: str) -> None:
    config = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml")
    assert config.apim is not None
    settings = config.apim.apis["ai"].policies.semantic_cache
    assert settings is not None
    policy = _policy(plans[stack])
    inbound = [child.tag for child in policy.find("inbound") or []]
    # A hit answers before the token limit counts anything, and after the caller is authenticated.
    assert inbound.index("validate-jwt") < inbound.index("llm-semantic-cache-lookup") < inbound.index("llm-token-limit")
    lookup = policy.find("inbound/llm-semantic-cache-lookup")
    assert lookup is not None
    assert lookup.attrib == {
        "score-threshold": f"{settings.score_threshold:g}",
        "embeddings-backend-id": "ai-embeddings",
        "embeddings-backend-auth": "system-assigned",
        "ignore-system-messages": "true",
    }
    # Partitioned per subscription: no consumer is served another's cached answer.
    vary = lookup.find("vary-by")
    assert vary is not None and vary.text == CounterKey.SUBSCRIPTION.expression
    store = policy.find("outbound/llm-semantic-cache-store")
    assert store is not None and store.attrib == {"duration": str(settings.duration_seconds)}


@pytest.mark.parametrize("stack", CACHED)
def test_the_embeddings_backend_is_a_chained_embeddings_deployment_called_as_the_system_identity(
    plans: dict[str, Plan], stack: str
) -> None:
    plan = plans[stack]
    deployment = _one(plan, DEPLOYMENT, deploymentName="embeddings")
    assert deployment.inputs["properties"]["model"]["name"].startswith("text-embedding-")
    # Created after the account's other deployments, one at a time (Azure refuses concurrent ones).
    chat = _one(plan, DEPLOYMENT, deploymentName="chat", accountName=deployment.inputs["accountName"])
    assert chat.urn in deployment.dependencies
    account = deployment.inputs["accountName"]
    backend = _one(plan, BACKEND, backendId="ai-embeddings")
    assert backend.inputs["url"] == (
        f"https://{account}.cognitiveservices.azure.com/openai/deployments/embeddings/embeddings"
    )
    assert "credentials" not in backend.inputs  # the policy authenticates, as the system-assigned identity
    service = plan.one(APIM)
    assert service.inputs["identity"]["type"] == "SystemAssigned, UserAssigned"
    grants = [
        r
        for r in plan.of_type(ROLE)
        if r.inputs["roleDefinitionId"].endswith(AiServicesRole.COGNITIVE_SERVICES_OPENAI_USER.value)
        and service.urn in r.propertyDependencies.get("principalId", [])
    ]
    assert [g.inputs["scope"].rsplit("/", 1)[-1] for g in grants] == [account]


@pytest.mark.parametrize("stack", CACHED)
def test_the_cache_is_redis_with_redisearch_reached_through_a_key_vault_named_value(
    plans: dict[str, Plan], stack: str
) -> None:
    plan = plans[stack]
    config = load_platform_config(stack_values(stack), f"Pulumi.{stack}.yaml")
    database = plan.one(REDIS_DATABASE).inputs
    assert database["modules"] == [{"name": "RediSearch"}]
    assert (database["clusteringPolicy"], database["evictionPolicy"]) == ("EnterpriseCluster", "NoEviction")
    assert database["accessKeysAuthentication"] == "Enabled"
    secret = _one(plan, SECRET, secretName="redis-apim-cache-connection")
    assert secret.inputs["properties"]["value"] == "[secret]"
    expires = config.redis.access_keys_expire_on
    assert expires is not None
    end = datetime.datetime.combine(expires + datetime.timedelta(days=1), datetime.time(), tzinfo=datetime.UTC)
    assert secret.inputs["properties"]["attributes"]["expires"] == int(end.timestamp())
    value = _one(plan, NAMED_VALUE, namedValueId="redis-cache-connection")
    vault = secret.inputs["vaultName"]
    assert value.inputs["secret"] is True and "value" not in value.inputs
    assert value.inputs["keyVault"]["secretIdentifier"] == (
        f"https://{vault}.vault.azure.net/secrets/redis-apim-cache-connection"
    )
    # Azure reads the secret when it creates the named value: the secret comes first.
    assert secret.urn in value.dependencies
    cache = plan.one(CACHE)
    assert cache.inputs["connectionString"] == "{{redis-cache-connection}}"
    assert cache.inputs["cacheId"] == cache.inputs["useFromLocation"] == "default"
    assert value.urn in cache.dependencies
    # No key or connection string in plain text anywhere in the plan.
    assert "password=" not in json.dumps([r.inputs for r in plan.resources])


def test_dev_has_no_semantic_cache_and_no_key(dev_plan: Plan) -> None:
    assert _policy(dev_plan).find("inbound/llm-semantic-cache-lookup") is None
    assert dev_plan.of_type(CACHE) == []
    assert dev_plan.one(REDIS_DATABASE).inputs["accessKeysAuthentication"] == "Disabled"
    assert dev_plan.one(APIM).inputs["identity"]["type"] == "UserAssigned"


def test_turning_redisearch_on_is_flagged_as_a_replacement_of_the_database(staging_plan: Plan) -> None:
    # The database as it was before the semantic cache (no module, Azure's default eviction), then as it is now: on
    # a deployed stack that change replaces the database (modules are fixed at creation), and the PR diff says why.
    now = staging_plan.one(REDIS_DATABASE)
    before = dataclasses.replace(
        now, inputs={k: v for k, v in now.inputs.items() if k != "modules"} | {"evictionPolicy": "VolatileLRU"}
    )
    change = compare_resource(before, now)
    assert change is not None and change.action is Action.REPLACE
    assert change.replace_reasons == ("`modules` changed (replaceOnChanges)",)


# --- config mistakes ---------------------------------------------------------------------------------------------
def _problems(override: dict[str, Any]) -> dict[str, str]:
    return {p.path: p.message for p in stack_file_problem(override).problems}


def test_a_semantic_cache_without_redisearch_is_refused() -> None:
    problems = _problems({"redis": {"modules": []}})
    assert "must include RediSearch for apim.apis.ai.policies.semanticCache" in problems["redis.modules"]


def test_a_semantic_cache_without_the_declared_key_exception_is_refused() -> None:
    problems = _problems({"redis": {"accessKeysForApimCache": False}})
    assert "must be true for apim.apis.ai.policies.semanticCache" in problems["redis.accessKeysForApimCache"]


def test_the_key_exception_needs_a_last_day() -> None:
    problems = _problems({"redis": {"accessKeysExpireOn": None}})
    assert "is required with accessKeysForApimCache" in problems["redis.accessKeysExpireOn"]


def test_the_key_exception_without_a_semantic_cache_is_refused() -> None:
    problems = _problems(
        {"apim": {"apis": {"ai": {"backend": {"embeddings": None}, "policies": {"semanticCache": None}}}}}
    )
    assert "no API has a semantic cache" in problems["redis.accessKeysForApimCache"]


def test_a_semantic_cache_without_an_embeddings_deployment_is_refused() -> None:
    problems = _problems({"apim": {"apis": {"ai": {"backend": {"embeddings": None}}}}})
    assert "needs backend.embeddings" in problems["apim.apis.ai.policies.semanticCache"]


def test_an_embeddings_backend_that_runs_a_chat_model_is_refused() -> None:
    problems = _problems({"apim": {"apis": {"ai": {"backend": {"embeddings": {"deployment": "chat"}}}}}})
    assert "runs gpt-4o, not an embeddings model" in problems["apim.apis.ai.backend.embeddings"]


def test_an_embeddings_deployment_nobody_made_is_refused() -> None:
    problems = _problems({"apim": {"apis": {"ai": {"backend": {"embeddings": {"deployment": "vectors"}}}}}})
    assert "names no deployment of aiServices" in problems["apim.apis.ai.backend.embeddings"]


def test_a_second_external_cache_is_refused() -> None:
    problems = _problems({"apim": {"externalCache": {"connectionStringSecret": "other-redis"}}})
    assert "is the service's one external cache" in problems["apim.externalCache"]


def test_the_score_threshold_is_bounded_in_the_stack_file() -> None:
    error = stack_file_problem({"apim": {"apis": {"ai": {"policies": {"semanticCache": {"scoreThreshold": 1.5}}}}}})
    assert [p.path for p in error.problems] == ["apim.apis.ai.policies.semanticCache.scoreThreshold"]


# --- the components, used directly -------------------------------------------------------------------------------
def test_the_settings_refuse_what_the_stack_file_refuses() -> None:
    with pytest.raises(ValidationError, match="less than or equal to 1"):
        SemanticCacheSettings(score_threshold=1.5, duration_seconds=60)
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        SemanticCacheSettings(score_threshold=0.1, duration_seconds=0)


def test_a_document_with_a_semantic_cache_needs_the_external_cache_and_an_embeddings_backend() -> None:
    policies = ApiPolicies(semantic_cache=SemanticCacheSettings(score_threshold=0.05, duration_seconds=60))
    with pytest.raises(ValueError, match="needs the service's external Redis cache"):
        policies.document("ai", "tenant", CachingType.INTERNAL, embeddings_backend_id="ai-embeddings")
    with pytest.raises(ValueError, match="needs the embeddings backend"):
        policies.document("ai", "tenant", CachingType.EXTERNAL)
    document = policies.document("ai", "tenant", CachingType.EXTERNAL, embeddings_backend_id="emb")
    assert [type(s) for s in document.statements if isinstance(s, SemanticCache)] == [SemanticCache]


def test_the_lookup_comes_before_a_token_limit_in_any_document() -> None:
    policies = ApiPolicies(
        semantic_cache=SemanticCacheSettings(score_threshold=0.05, duration_seconds=60, partition=CounterKey.CALLER),
        token_limit=TokenLimit(tokens_per_minute=1000),
    )
    root = ET.fromstring(policies.document("ai", "t", CachingType.EXTERNAL, embeddings_backend_id="emb").to_xml())
    inbound = [child.tag for child in root.find("inbound") or []]
    assert inbound.index("llm-semantic-cache-lookup") < inbound.index("llm-token-limit")
    vary = root.find("inbound/llm-semantic-cache-lookup/vary-by")
    assert vary is not None and vary.text == CounterKey.CALLER.expression


def test_the_access_key_secret_must_go_somewhere() -> None:
    with pytest.raises(ValidationError, match="the key would go nowhere"):
        AccessKeySecret(vault_name="kv", resource_group_name="rg", secret_name=None)
    with pytest.raises(ValidationError, match="must differ from secret_name"):
        AccessKeySecret(vault_name="kv", resource_group_name="rg", secret_name="x", connection_string_secret_name="x")
    both = AccessKeySecret(vault_name="kv", resource_group_name="rg", connection_string_secret_name="conn")
    assert (both.secret_name, both.connection_string_secret_name) == ("redis-streams-password", "conn")
