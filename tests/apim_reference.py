"""An allow-list of API Management policy elements, written from Microsoft's policy reference, and a checker that
walks a ``<policies>`` document against it. Independent of components.apim_policies on purpose: the builder's
output is checked against this, not against itself.

Sources (one per element; "Policy statement", "Attributes", "Elements" and "Usage / Policy sections"):
- base, sections: https://learn.microsoft.com/azure/api-management/api-management-howto-policies
- validate-jwt: https://learn.microsoft.com/azure/api-management/validate-jwt-policy
- rate-limit-by-key: https://learn.microsoft.com/azure/api-management/rate-limit-by-key-policy
- quota-by-key: https://learn.microsoft.com/azure/api-management/quota-by-key-policy
- llm-token-limit: https://learn.microsoft.com/azure/api-management/llm-token-limit-policy
- azure-openai-token-limit: https://learn.microsoft.com/azure/api-management/azure-openai-token-limit-policy
- llm-emit-token-metric: https://learn.microsoft.com/azure/api-management/llm-emit-token-metric-policy
- azure-openai-emit-token-metric: https://learn.microsoft.com/azure/api-management/azure-openai-emit-token-metric-policy
- set-backend-service: https://learn.microsoft.com/azure/api-management/set-backend-service-policy
- authentication-managed-identity: https://learn.microsoft.com/azure/api-management/authentication-managed-identity-policy
- choose, when, otherwise: https://learn.microsoft.com/azure/api-management/choose-policy
- send-one-way-request, set-url: https://learn.microsoft.com/azure/api-management/send-one-way-request-policy
- cache-lookup: https://learn.microsoft.com/azure/api-management/cache-lookup-policy
- cache-store: https://learn.microsoft.com/azure/api-management/cache-store-policy
- llm-semantic-cache-lookup: https://learn.microsoft.com/azure/api-management/llm-semantic-cache-lookup-policy
- llm-semantic-cache-store: https://learn.microsoft.com/azure/api-management/llm-semantic-cache-store-policy
- retry: https://learn.microsoft.com/azure/api-management/retry-policy
- forward-request: https://learn.microsoft.com/azure/api-management/forward-request-policy
- set-header: https://learn.microsoft.com/azure/api-management/set-header-policy
- set-body: https://learn.microsoft.com/azure/api-management/set-body-policy
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

SECTIONS = ("inbound", "backend", "outbound", "on-error")
ALL = frozenset(SECTIONS)
BOOL = frozenset({"true", "false"})
EXPRESSION = re.compile(r"^@(\(.*\)|\{.*\})$", re.DOTALL)


@dataclass(frozen=True)
class Spec:
    """What the reference allows for one element."""

    sections: frozenset[str]
    """Sections the element may appear in directly (empty: only nested in its parent)."""
    attributes: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    children: frozenset[str] = frozenset()
    """Allowed child elements; ``{"*"}`` means any policy (retry)."""
    values: dict[str, frozenset[str]] = field(default_factory=dict)
    """Attributes restricted to an enumeration (when not a policy expression)."""
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Integer attributes and their documented bounds."""
    text: bool = False
    """The element carries text content."""


def _s(*names: str) -> frozenset[str]:
    return frozenset(names)


REFERENCE: dict[str, Spec] = {
    "base": Spec(ALL),
    "validate-jwt": Spec(
        _s("inbound"),
        attributes=_s(
            "header-name",
            "query-parameter-name",
            "token-value",
            "failed-validation-httpcode",
            "failed-validation-error-message",
            "require-expiration-time",
            "require-scheme",
            "require-signed-tokens",
            "clock-skew",
            "output-token-variable-name",
        ),
        children=_s(
            "openid-config", "issuer-signing-keys", "decryption-keys", "audiences", "issuers", "required-claims"
        ),
        values={"require-expiration-time": BOOL, "require-signed-tokens": BOOL},
    ),
    "openid-config": Spec(frozenset(), attributes=_s("url"), required=_s("url")),
    "audiences": Spec(frozenset(), children=_s("audience")),
    "audience": Spec(frozenset(), text=True),
    "issuers": Spec(frozenset(), children=_s("issuer")),
    "issuer": Spec(frozenset(), text=True),
    "rate-limit-by-key": Spec(
        _s("inbound"),
        attributes=_s(
            "calls",
            "renewal-period",
            "increment-condition",
            "increment-count",
            "counter-key",
            "retry-after-header-name",
            "retry-after-variable-name",
            "remaining-calls-header-name",
            "remaining-calls-variable-name",
            "total-calls-header-name",
        ),
        required=_s("calls", "renewal-period", "counter-key"),
        ranges={"renewal-period": (1, 300), "calls": (1, 2**31)},
    ),
    "quota-by-key": Spec(
        _s("inbound"),
        attributes=_s(
            "calls", "bandwidth", "renewal-period", "increment-condition", "counter-key", "first-period-start"
        ),
        required=_s("renewal-period", "counter-key"),
    ),
    "llm-token-limit": Spec(
        _s("inbound"),
        attributes=_s(
            "counter-key",
            "tokens-per-minute",
            "token-quota",
            "token-quota-period",
            "estimate-prompt-tokens",
            "retry-after-header-name",
            "retry-after-variable-name",
            "remaining-quota-tokens-header-name",
            "remaining-quota-tokens-variable-name",
            "remaining-tokens-header-name",
            "remaining-tokens-variable-name",
            "tokens-consumed-header-name",
            "tokens-consumed-variable-name",
        ),
        required=_s("counter-key", "estimate-prompt-tokens"),
        values={
            "token-quota-period": _s("Hourly", "Daily", "Weekly", "Monthly", "Yearly"),
            "estimate-prompt-tokens": BOOL,
        },
    ),
    "azure-openai-token-limit": Spec(
        _s("inbound"),
        attributes=_s(
            "counter-key",
            "tokens-per-minute",
            "estimate-prompt-tokens",
            "retry-after-header-name",
            "retry-after-variable-name",
            "remaining-tokens-header-name",
            "remaining-tokens-variable-name",
            "tokens-consumed-header-name",
            "tokens-consumed-variable-name",
        ),
        required=_s("counter-key", "tokens-per-minute", "estimate-prompt-tokens"),
        values={"estimate-prompt-tokens": BOOL},
    ),
    "llm-emit-token-metric": Spec(_s("inbound"), attributes=_s("namespace"), children=_s("dimension")),
    "azure-openai-emit-token-metric": Spec(_s("inbound"), attributes=_s("namespace"), children=_s("dimension")),
    "dimension": Spec(frozenset(), attributes=_s("name", "value"), required=_s("name")),
    "authentication-managed-identity": Spec(
        _s("inbound"),
        attributes=_s("resource", "client-id", "output-token-variable-name", "ignore-error"),
        required=_s("resource"),
        values={"ignore-error": BOOL},
    ),
    "choose": Spec(ALL, children=_s("when", "otherwise")),
    "when": Spec(frozenset(), attributes=_s("condition"), required=_s("condition"), children=_s("*")),
    "otherwise": Spec(frozenset(), children=_s("*")),
    "send-one-way-request": Spec(
        ALL,
        attributes=_s("mode", "timeout"),
        children=_s("set-url", "set-method", "set-header", "set-body", "authentication-certificate", "proxy"),
        values={"mode": _s("new", "copy")},
    ),
    "set-url": Spec(frozenset(), text=True),
    "set-backend-service": Spec(
        _s("inbound", "backend"),
        attributes=_s(
            "base-url",
            "backend-id",
            "sf-resolve-condition",
            "sf-service-instance-type",
            "sf-partition-key",
            "sf-listener-name",
            "dapr-app-id",
            "dapr-method",
            "dapr-namespace",
        ),
    ),
    "cache-lookup": Spec(
        _s("inbound"),
        attributes=_s(
            "vary-by-developer",
            "vary-by-developer-groups",
            "caching-type",
            "downstream-caching-type",
            "must-revalidate",
            "allow-private-response-caching",
        ),
        required=_s("vary-by-developer", "vary-by-developer-groups"),
        children=_s("vary-by-header", "vary-by-query-parameter"),
        values={
            "caching-type": _s("prefer-external", "external", "internal"),
            "downstream-caching-type": _s("none", "private", "public"),
            "vary-by-developer": BOOL,
            "vary-by-developer-groups": BOOL,
            "must-revalidate": BOOL,
            "allow-private-response-caching": BOOL,
        },
    ),
    "vary-by-header": Spec(frozenset(), text=True),
    "vary-by-query-parameter": Spec(frozenset(), text=True),
    "cache-store": Spec(_s("outbound"), attributes=_s("duration", "cache-response"), required=_s("duration")),
    "llm-semantic-cache-lookup": Spec(
        _s("inbound"),
        attributes=_s(
            "score-threshold",
            "embeddings-backend-id",
            "embeddings-backend-auth",
            "ignore-system-messages",
            "max-message-count",
        ),
        required=_s("score-threshold", "embeddings-backend-id", "embeddings-backend-auth"),
        children=_s("vary-by"),
        values={"embeddings-backend-auth": _s("system-assigned"), "ignore-system-messages": BOOL},
    ),
    "vary-by": Spec(frozenset(), text=True),
    "llm-semantic-cache-store": Spec(_s("outbound"), attributes=_s("duration"), required=_s("duration")),
    "retry": Spec(
        ALL,
        attributes=_s("condition", "count", "interval", "max-interval", "delta", "first-fast-retry"),
        required=_s("condition", "count", "interval"),
        children=_s("*"),
        ranges={"count": (1, 50)},
        values={"first-fast-retry": BOOL},
    ),
    "forward-request": Spec(
        _s("backend"),
        attributes=_s(
            "timeout", "follow-redirects", "buffer-request-body", "buffer-response", "fail-on-error-status-code"
        ),
        values={
            "follow-redirects": BOOL,
            "buffer-request-body": BOOL,
            "buffer-response": BOOL,
            "fail-on-error-status-code": BOOL,
        },
        ranges={"timeout": (0, 240)},
    ),
    "set-header": Spec(
        ALL,
        attributes=_s("name", "exists-action"),
        required=_s("name"),
        children=_s("value"),
        values={"exists-action": _s("override", "skip", "append", "delete")},
    ),
    "value": Spec(frozenset(), text=True),
    "set-body": Spec(
        _s("inbound", "outbound", "backend"),
        attributes=_s("template", "xsi-nil", "parse-date"),
        values={"template": _s("liquid"), "xsi-nil": _s("blank", "null"), "parse-date": BOOL},
        text=True,
    ),
}


def problems(xml_text: str) -> list[str]:
    """Everything in ``xml_text`` that the reference does not allow (empty when the document is valid)."""
    found: list[str] = []
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as exc:
        return [f"not well-formed: {exc}"]
    if root.tag != "policies":
        return [f"root is <{root.tag}>, expected <policies>"]
    sections = [child.tag for child in root]
    if sections != list(SECTIONS):
        found.append(f"sections are {sections}, expected {list(SECTIONS)}")
    for section in root:
        for element in section:
            found += _check(element, section.tag, nested=False)
    return found


def _check(element: ET.Element, section: str, *, nested: bool) -> list[str]:
    spec = REFERENCE.get(element.tag)
    where = f"<{element.tag}> in {section}"
    if spec is None:
        return [f"{where}: not an element of the policy reference"]
    found: list[str] = []
    if not nested and section not in spec.sections:
        found.append(f"{where}: allowed only in {sorted(spec.sections)}")
    attributes = set(element.attrib)
    if attributes - spec.attributes:
        found.append(f"{where}: unknown attributes {sorted(attributes - spec.attributes)}")
    if spec.required - attributes:
        found.append(f"{where}: missing required attributes {sorted(spec.required - attributes)}")
    for name, allowed in spec.values.items():
        value = element.get(name)
        if value is not None and not EXPRESSION.match(value) and value not in allowed:
            found.append(f"{where}: {name}={value!r} not in {sorted(allowed)}")
    for name, (low, high) in spec.ranges.items():
        value = element.get(name)
        if value is not None and not EXPRESSION.match(value) and not (value.isdigit() and low <= int(value) <= high):
            found.append(f"{where}: {name}={value!r} outside {low}-{high}")
    if (element.text or "").strip() and not spec.text:
        found.append(f"{where}: unexpected text")
    for child in element:
        if "*" in spec.children:
            found += _check(child, section, nested=False)  # any policy allowed in this section
        elif child.tag not in spec.children:
            found.append(f"{where}: unexpected child <{child.tag}>")
        else:
            found += _check(child, section, nested=True)
    return found
