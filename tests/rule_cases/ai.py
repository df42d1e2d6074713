"""Cases for policy/rules/ai.py (the stack rule AZP-AI-004 is in tests/test_policy_stack_rules.py)."""

from __future__ import annotations

import dataclasses

from azplatform.components.records.ai import ACCOUNT
from azplatform.components.records.edge import APIM_API_POLICY
from azplatform.policy.model import Resource
from tests.rule_cases import Case, synthetic

_ACCOUNT_OK = {
    "kind": "AIServices",
    "properties": {"disableLocalAuth": True, "publicNetworkAccess": "Disabled", "customSubDomainName": "ais-x"},
}
_POLICY = (
    '<policies><inbound><base /><set-backend-service backend-id="ai" />{extra}</inbound>'
    "<backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>"
)


def _account(**properties: object) -> Resource:
    # Stateful (AZP-PROT-001 asks for protect in prod).
    inputs = {**_ACCOUNT_OK, "properties": {**_ACCOUNT_OK["properties"], **properties}}
    return dataclasses.replace(synthetic(ACCOUNT, **inputs), protect=True)


def _policy(extra: str) -> Resource:
    return synthetic(APIM_API_POLICY, value=_POLICY.format(extra=extra), format="xml")


_KEY = '<set-header name="api-key" exists-action="override"><value>{{openai-key}}</value></set-header>'
_IDENTITY = '<authentication-managed-identity resource="https://cognitiveservices.azure.com" />'

_LOOKUP = (
    '<llm-semantic-cache-lookup score-threshold="0.05" embeddings-backend-id="ai-embeddings" '
    'embeddings-backend-auth="system-assigned">{vary}</llm-semantic-cache-lookup>'
)
_PARTITIONED = _LOOKUP.format(vary="<vary-by>@(context.Subscription?.Id)</vary-by>")


def _cached(lookup: str, store: bool = True) -> Resource:
    outbound = '<llm-semantic-cache-store duration="60" />' if store else ""
    value = _POLICY.format(extra=lookup).replace("<outbound><base />", f"<outbound><base />{outbound}")
    return synthetic(APIM_API_POLICY, value=value, format="xml")


VIOLATIONS = [
    Case("AZP-AI-001", "ai", synthetic=_account(disableLocalAuth=False)),
    Case("AZP-AI-002", "ai", synthetic=_account(publicNetworkAccess="Enabled")),
    Case("AZP-AI-003", "ai", synthetic=_policy(_KEY)),
    Case("AZP-AI-005", "ai", synthetic=_cached(_LOOKUP.format(vary=""))),
    Case("AZP-AI-005", "ai", synthetic=_cached(_PARTITIONED, store=False)),
]

COMPLIANT = [
    ("AZP-AI-001", _account()),
    ("AZP-AI-002", _account()),
    ("AZP-AI-003", _policy(_IDENTITY)),
    ("AZP-AI-005", _cached(_PARTITIONED)),
]
