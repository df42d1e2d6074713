"""AI gateway rules: model accounts are keyless and private, and API Management reaches them with its identity,
never with a key."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence

from azplatform.components.apim_policies import COGNITIVE_SERVICES
from azplatform.components.records.ai import ACCOUNT
from azplatform.components.records.edge import APIM_API_POLICY, APIM_BACKEND
from azplatform.policy.model import (
    Enforcement,
    Environment,
    Resource,
    Severity,
    StackProblem,
    get,
    items,
    lower,
    of_types,
)
from azplatform.policy.registry import resource_rule, stack_rule

# The host names of Azure OpenAI and AI services endpoints: a backend there is a model.
_MODEL_HOST = re.compile(
    r"^https://[^/]+\.(cognitiveservices\.azure\.com|openai\.azure\.com|services\.ai\.azure\.com)/"
)


@resource_rule(
    id="AZP-AI-001",
    description="AI services accounts accept Entra ID only: local (key) authentication is disabled.",
    severity=Severity.CRITICAL,
    reference="MCSB IM-1; Azure Policy: Azure AI Services resources should have key access disabled (disable "
    "local authentication)",
    enforcement=Enforcement.BASELINE,
    types=(ACCOUNT,),
)
def ai_local_auth_off(resource: Resource, _: Environment) -> Iterator[str]:
    """With local auth on, the account's keys work: anyone holding one bypasses Entra ID and RBAC."""
    if get(resource.inputs, "properties", "disableLocalAuth") is not True:
        yield "properties.disableLocalAuth is not true; callers must use Entra ID (a managed identity), not keys"


@resource_rule(
    id="AZP-AI-002",
    description="AI services accounts disable public network access (reached through their private endpoint).",
    severity=Severity.HIGH,
    reference="MCSB NS-2; Azure Policy: Azure AI Services resources should restrict network access",
    enforcement=Enforcement.BASELINE,
    types=(ACCOUNT,),
)
def ai_public_access_off(resource: Resource, _: Environment) -> Iterator[str]:
    """Explicitly Disabled: an account created without it is public."""
    value = get(resource.inputs, "properties", "publicNetworkAccess")
    if lower(value) != "disabled":
        yield f"properties.publicNetworkAccess is {value!r}; set it to 'Disabled'"


@resource_rule(
    id="AZP-AI-003",
    description="No API Management policy sets an api-key header: models are called with the gateway's identity.",
    severity=Severity.CRITICAL,
    reference="https://learn.microsoft.com/azure/api-management/api-management-authenticate-authorize-azure-openai",
    enforcement=Enforcement.BASELINE,
    types=(APIM_API_POLICY,),
)
def no_api_key_header(resource: Resource, _: Environment) -> Iterator[str]:
    """A key in a policy lives in the gateway's configuration, where every operator can read it."""
    root = _policy(resource)
    if root is None:
        return
    for header in root.iter("set-header"):
        if lower(header.get("name")) == "api-key":
            yield "sets the api-key header; use authentication-managed-identity"


def _policy(resource: Resource) -> ET.Element | None:
    value = resource.inputs.get("value")
    if not isinstance(value, str):
        return None
    try:
        return ET.fromstring(value)
    except ET.ParseError:
        return None


@stack_rule(
    id="AZP-AI-004",
    description="API Management reaches model backends with its managed identity (authentication-managed-identity "
    "for https://cognitiveservices.azure.com) in every API that routes to them.",
    severity=Severity.CRITICAL,
    reference="https://learn.microsoft.com/azure/api-management/authentication-managed-identity-policy",
    enforcement=Enforcement.BASELINE,
)
def models_reached_with_identity(resources: Sequence[Resource], _: Environment) -> Iterator[StackProblem]:
    """A model backend (or a pool holding one) named by an API's set-backend-service needs the identity policy in
    that API, else the call carries no credential (keys are off) or someone adds a key."""
    backends = of_types(resources, APIM_BACKEND)
    models = {
        str(b.inputs.get("backendId"))
        for b in backends
        if isinstance(b.inputs.get("url"), str) and _MODEL_HOST.match(str(b.inputs["url"]) + "/")
    }
    for pool in backends:
        members = [str(get(s, "id")).rsplit("/", 1)[-1] for s in items(get(pool.inputs, "pool", "services"))]
        if set(members) & models:
            models.add(str(pool.inputs.get("backendId")))
    for policy in of_types(resources, APIM_API_POLICY):
        root = _policy(policy)
        if root is None:
            continue
        routed = {str(node.get("backend-id")) for node in root.iter("set-backend-service")} & models
        if not routed:
            continue
        authenticated = any(
            lower(node.get("resource")).rstrip("/") == COGNITIVE_SERVICES
            for node in root.iter("authentication-managed-identity")
        )
        if not authenticated:
            yield StackProblem(
                policy.urn,
                f"routes to the model backend {sorted(routed)[0]!r} without authentication-managed-identity for "
                f"{COGNITIVE_SERVICES}",
            )


@resource_rule(
    id="AZP-AI-005",
    description="A semantic cache keeps each consumer's answers apart (a vary-by in llm-semantic-cache-lookup) and "
    "stores what it looks up (a matching llm-semantic-cache-store).",
    severity=Severity.HIGH,
    reference="https://learn.microsoft.com/azure/api-management/llm-semantic-cache-lookup-policy",
    enforcement=Enforcement.BASELINE,
    types=(APIM_API_POLICY,),
)
def semantic_cache_partitioned(resource: Resource, _: Environment) -> Iterator[str]:
    """Without vary-by, a prompt from one subscription is answered with another's cached completion (which may
    carry that consumer's data); a lookup without its store never hits."""
    root = _policy(resource)
    if root is None:
        return
    for lookup in root.iter("llm-semantic-cache-lookup"):
        if not any((node.text or "").strip() for node in lookup.iter("vary-by")):
            yield "llm-semantic-cache-lookup has no vary-by: every consumer is served from one shared cache"
        if next(root.iter("llm-semantic-cache-store"), None) is None:
            yield "llm-semantic-cache-lookup has no llm-semantic-cache-store in outbound: nothing is ever cached"
