"""The risks a reviewer must see first in a plan diff: data loss, changes Azure will refuse, outages, cascading
replacements, removed protection, public exposure, and weakened security settings. The Azure facts come from the
type records (stateful, one-way changes, what a replacement interrupts); the setting rules are generic over
resource types: they read property names, so resources added later are covered without changes here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from azplatform.components.records import OneWay, display_name, find
from azplatform.plan import SECRET, PlannedResource
from azplatform.stacks import propertypath
from azplatform.stacks.propertypath import ABSENT, Path


class Action(StrEnum):
    """What the engine will do to one resource."""

    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"


class RiskKind(StrEnum):
    """The classes of risk, in the order the report lists them."""

    DATA_LOSS = "data loss"
    REFUSED = "refused by Azure"
    """A change Azure refuses after creation (or in this direction): the deploy fails at this resource."""
    OUTAGE = "outage"
    """A replacement or delete of something that serves traffic."""
    CASCADE = "cascade"
    """A replacement that forces the replacement of the resources whose create-only inputs reference it."""
    PROTECTION = "protection removed"
    EXPOSURE = "public exposure"
    WEAKENED = "security weakened"
    COST = "cost increase"


RISK_ORDER = list(RiskKind)


@dataclass(frozen=True)
class Risk:
    """One risky change to one resource."""

    kind: RiskKind
    urn: str
    type: str
    name: str
    message: str


def stateful_label(type_token: str) -> str | None:
    """What to call a resource whose delete or replace loses data (its type record says it holds data); None when
    it holds none, or its type has no record."""
    item = find(type_token)
    return display_name(type_token) if item is not None and item.stateful else None


def _kind(type_token: str) -> str:
    return type_token.rsplit(":", 1)[-1]


def is_lock(type_token: str) -> bool:
    """Management locks (ManagementLockByScope, ...AtResourceGroupLevel, ...AtResourceLevel, ...)."""
    return type_token.startswith("azure-native:authorization:ManagementLock")


def is_secret(value: Any) -> bool:
    """A value the plan masked (``[secret]``, or a future ``[secret:<fingerprint>]``)."""
    return isinstance(value, str) and value.startswith(SECRET[:-1])


def show(value: Any) -> str:
    """A short, JSON-like rendering of a value for messages."""
    if value is ABSENT:
        return "(unset)"
    if is_secret(value):
        return SECRET
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


# --- setting rules: (old value, new value) -> is this a weakening? -------------------------------------------------
@dataclass(frozen=True)
class SettingRule:
    """A property whose change (or, on a new resource, whose value) weakens security or exposes the resource."""

    kind: RiskKind
    leaf: re.Pattern[str]
    """Matches the last key of the property path (case-insensitive)."""
    weakened: Callable[[Any, Any], bool]
    """Given (old, new) at the same path, whether the change is a weakening."""
    message: str
    parent: re.Pattern[str] | None = None
    """Also require the key before the leaf to match (``ingress`` for ``external``)."""
    on_create: Callable[[Any], bool] | None = None
    """For a new resource: whether its value alone is the risk (explicitly insecure). None: not checked."""


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _was_true_now_not(old: Any, new: Any) -> bool:
    return old is True and new is not True


def _now_true(old: Any, new: Any) -> bool:
    return old is not True and new is True


def _is_true(value: Any) -> bool:
    return value is True


def _public_opened(old: Any, new: Any) -> bool:
    # Removing an explicit "Disabled" reverts to Azure's default, which is Enabled for most services.
    return (new == "Enabled" and old != "Enabled") or (old in ("Disabled", "SecuredByPerimeter") and new is ABSENT)


def _tls_version(value: Any) -> tuple[int, int] | None:
    match = re.search(r"(\d)[._]?(\d)", str(value)) if isinstance(value, str | int | float) else None
    return (int(match.group(1)), int(match.group(2))) if match else None


def _tls_lowered(old: Any, new: Any) -> bool:
    before, after = _tls_version(old), _tls_version(new)
    return before is not None and (after is None or after < before)


def _changed_to(*values: str) -> Callable[[Any, Any], bool]:
    return lambda old, new: new in values and old not in values


def _changed_from(*values: str) -> Callable[[Any, Any], bool]:
    return lambda old, new: old in values and new not in values


SETTING_RULES: tuple[SettingRule, ...] = (
    SettingRule(
        RiskKind.EXPOSURE,
        _rx(r"^publicNetworkAccess(ForIngestion|ForQuery)?$"),
        _public_opened,
        "public network access opened",
        on_create=lambda v: v == "Enabled",
    ),
    SettingRule(
        RiskKind.EXPOSURE,
        _rx(r"^external$"),
        _now_true,
        "ingress exposed outside the environment",
        parent=_rx(r"^ingress$"),
        on_create=_is_true,
    ),
    SettingRule(
        RiskKind.EXPOSURE,
        _rx(r"^internal$"),
        _was_true_now_not,
        "environment no longer internal (gets a public load balancer)",
        parent=_rx(r"^vnetConfiguration$"),
        on_create=lambda v: v is False,
    ),
    SettingRule(
        RiskKind.EXPOSURE,
        _rx(r"^virtualNetworkType$"),
        _changed_from("Internal"),
        "API Management no longer internal to the VNet",
        on_create=lambda v: v in ("External", "None"),
    ),
    SettingRule(
        RiskKind.EXPOSURE,
        _rx(r"^defaultAction$"),
        _changed_from("Deny"),
        "network rules no longer deny by default",
        parent=_rx(r"^(networkAcls|networkRuleSet)$"),
    ),
    SettingRule(
        RiskKind.EXPOSURE,
        _rx(r"^(allowBlobPublicAccess|anonymousPullEnabled)$"),
        _now_true,
        "anonymous access turned on",
        on_create=_is_true,
    ),
    # Purge protection turned off is not here: Azure refuses it, and the Key Vault record says so (RiskKind.REFUSED).
    SettingRule(RiskKind.WEAKENED, _rx(r"^enableSoftDelete$"), _was_true_now_not, "soft delete turned off"),
    SettingRule(
        RiskKind.WEAKENED,
        _rx(r"^enableRbacAuthorization$"),
        _was_true_now_not,
        "RBAC authorization turned off (back to access policies)",
    ),
    SettingRule(
        RiskKind.WEAKENED,
        _rx(r"^(disableLocalAuth|disableKeyBasedMetadataWriteAccess)$"),
        _was_true_now_not,
        "local (key-based) authentication re-enabled",
        on_create=lambda v: v is False,
    ),
    SettingRule(
        RiskKind.WEAKENED,
        _rx(r"^accessKeysAuthentication$"),
        _changed_to("Enabled"),
        "access-key authentication turned on",
        on_create=lambda v: v == "Enabled",
    ),
    SettingRule(
        RiskKind.WEAKENED,
        _rx(r"^allowSharedKeyAccess$"),
        lambda old, new: old is False and new is not False,
        "shared-key access re-enabled",
    ),
    SettingRule(RiskKind.WEAKENED, _rx(r"^adminUserEnabled$"), _now_true, "admin user turned on", on_create=_is_true),
    SettingRule(
        RiskKind.WEAKENED, _rx(r"^allowInsecure$"), _now_true, "insecure (HTTP) connections allowed", on_create=_is_true
    ),
    SettingRule(
        RiskKind.WEAKENED,
        _rx(r"^(mode|firewallMode)$"),
        _changed_from("Prevention"),
        "WAF no longer in Prevention mode",
        parent=_rx(r"^(policySettings|webApplicationFirewallConfiguration)$"),
        on_create=lambda v: v == "Detection",
    ),
    SettingRule(
        RiskKind.WEAKENED,
        _rx(r"^(state|enabled)$"),
        lambda old, new: old in ("Enabled", True) and new not in ("Enabled", True),
        "WAF turned off",
        parent=_rx(r"^(policySettings|webApplicationFirewallConfiguration)$"),
    ),
    SettingRule(
        RiskKind.WEAKENED, _rx(r"^min(imum|imal)?_?tls_?version$"), _tls_lowered, "minimum TLS version lowered"
    ),
    SettingRule(
        RiskKind.WEAKENED,
        _rx(r"^(httpsOnly|supportsHttpsTrafficOnly|enableHttpsTrafficOnly)$"),
        _was_true_now_not,
        "HTTPS-only turned off",
    ),
)


def _rule_applies(rule: SettingRule, path: Path) -> bool:
    if not path or path[-1].item or not rule.leaf.match(path[-1].text):
        return False
    if rule.parent is None:
        return True
    parents = [seg.text for seg in path[:-1] if not seg.item]
    return bool(parents) and bool(rule.parent.match(parents[-1]))


# --- NSG rules open to the internet ----------------------------------------------------------------------------------
_ANYWHERE = {"*", "internet", "0.0.0.0/0", "any", "::/0"}


def _internet_inbound(rule: Mapping[str, Any]) -> bool:
    body = rule.get("properties", rule) if isinstance(rule.get("properties"), Mapping) else rule
    sources = [body.get("sourceAddressPrefix"), *(body.get("sourceAddressPrefixes") or [])]
    return (
        str(body.get("direction", "")).lower() == "inbound"
        and str(body.get("access", "")).lower() == "allow"
        and any(isinstance(s, str) and s.lower() in _ANYWHERE for s in sources)
    )


def _security_rules(resource: PlannedResource | None) -> dict[str, Mapping[str, Any]]:
    if resource is None:
        return {}
    if _kind(resource.type) == "SecurityRule":
        return {resource.name: resource.inputs}
    rules = resource.inputs.get("securityRules")
    if not isinstance(rules, list):
        return {}
    return {str(r.get("name", i)): r for i, r in enumerate(rules) if isinstance(r, Mapping)}


# --- assessment --------------------------------------------------------------------------------------------------
def assess(
    action: Action,
    old: PlannedResource | None,
    new: PlannedResource | None,
    replace_reasons: list[str],
) -> list[Risk]:
    """The risks of one resource change (``old`` is None for a create, ``new`` None for a delete)."""
    current = new if new is not None else old
    assert current is not None
    risks: list[Risk] = []

    def add(kind: RiskKind, message: str) -> None:
        risks.append(Risk(kind, current.urn, current.type, current.name, message))

    label = stateful_label(current.type)
    if old is not None and action in (Action.DELETE, Action.REPLACE):
        guarded = " It is protected, so the update fails until `protect` is removed." if old.protect else ""
        if label and not (action is Action.DELETE and old.options.retainOnDelete):
            if action is Action.DELETE:
                add(RiskKind.DATA_LOSS, f"deletes the {label}: its data is lost.{guarded}")
            else:
                because = "; ".join(replace_reasons)
                add(
                    RiskKind.DATA_LOSS,
                    f"replaces the {label} ({because}): the old one and its data are deleted.{guarded}",
                )
        elif old.protect:
            add(RiskKind.PROTECTION, f"{action.value}s a protected resource.{guarded}")
    item = find(current.type)
    if old is not None and action in (Action.DELETE, Action.REPLACE) and item is not None and item.outage:
        how = f"replaces it ({'; '.join(replace_reasons)})" if action is Action.REPLACE else "deletes it"
        add(RiskKind.OUTAGE, f"{how}: {item.outage}")
    reserved = item.reserved if item is not None else None
    if old is not None and new is not None and reserved is not None and reserved.applies(old.inputs):
        was, now = propertypath.get(old.inputs, reserved.path), propertypath.get(new.inputs, reserved.path)
        if isinstance(was, int | float) and isinstance(now, int | float) and now < was:
            add(
                RiskKind.OUTAGE,
                f"`{reserved.path}` {show(was)} → {show(now)}: {show(was - now)} {reserved.what} go back to the "
                f"region, with no guarantee they can be had again ({reserved.source})",
            )
    if old is not None and new is not None and action is Action.UPDATE and item is not None:
        for one_way in item.one_way:
            message = refused_change(one_way, old.inputs, new.inputs)
            if message:
                add(RiskKind.REFUSED, message)
    if old is not None and new is not None and old.protect and not new.protect:
        add(RiskKind.PROTECTION, "`protect` removed: `pulumi up` may now delete it")
    if is_lock(current.type) and old is not None:
        level = old.inputs.get("level")
        if action is Action.DELETE:
            add(
                RiskKind.PROTECTION,
                f"removes the {f'{level} ' if level else ''}management lock `{old.inputs.get('lockName', old.name)}`",
            )
        elif new is not None and level in ("CanNotDelete", "ReadOnly") and new.inputs.get("level") != level:
            add(RiskKind.PROTECTION, f"management lock weakened: {show(level)} → {show(new.inputs.get('level'))}")
    if new is None:
        return risks
    if old is None and _kind(new.type) in ("PublicIPAddress", "PublicIPPrefix"):
        add(RiskKind.EXPOSURE, "new public IP address: an internet-facing entry point")
    risks += [Risk(k, new.urn, new.type, new.name, m) for k, m in _setting_risks(old, new)]
    before, after = _security_rules(old), _security_rules(new)
    for name, rule in sorted(after.items()):
        if _internet_inbound(rule) and not (name in before and _internet_inbound(before[name])):
            add(RiskKind.EXPOSURE, f"NSG rule `{name}` allows inbound traffic from the internet")
    return risks


def refused_change(rule: OneWay, old: Mapping[str, Any], new: Mapping[str, Any]) -> str | None:
    """What the reviewer must know when ``old`` -> ``new`` inputs make a change ``rule`` covers: that Azure refuses
    it (the deploy fails here) and what to do instead, or that Azure may refuse it when the two values cannot tell;
    None when Azure allows the change."""
    was, now = propertypath.get(old, rule.path), propertypath.get(new, rule.path)
    if was == now or was is ABSENT:
        return None
    change = f"`{rule.path}` {show(was)} → {show(now)}"
    if rule.is_refused is None:
        return (
            f"{change}: Azure may refuse this ({rule.refused}); the offline diff cannot tell. "
            f"Instead: {rule.instead} ({rule.source})"
        )
    if not rule.is_refused(was, None if now is ABSENT else now):
        return None
    return (
        f"{change}: Azure refuses {rule.refused}, so the deploy fails at this resource. "
        f"Instead: {rule.instead} ({rule.source})"
    )


def _setting_risks(old: PlannedResource | None, new: PlannedResource) -> list[tuple[RiskKind, str]]:
    found: list[tuple[RiskKind, str]] = []
    after = propertypath.flatten(new.inputs)
    if old is None:
        for path, value in after.items():
            for rule in SETTING_RULES:
                if rule.on_create is not None and _rule_applies(rule, path) and rule.on_create(value):
                    found.append((rule.kind, f"{rule.message}: `{propertypath.render(path)}` = {show(value)}"))
        return found
    before = propertypath.flatten(old.inputs)
    for path in sorted(set(before) | set(after)):
        was, now = before.get(path, ABSENT), after.get(path, ABSENT)
        if was == now:
            continue
        if is_secret(was) and now is not ABSENT and not is_secret(now):
            found.append((RiskKind.WEAKENED, f"`{propertypath.render(path)}` was secret and is now plain text"))
        for rule in SETTING_RULES:
            if _rule_applies(rule, path) and rule.weakened(was, now):
                found.append((rule.kind, f"{rule.message}: `{propertypath.render(path)}` {show(was)} → {show(now)}"))
    return found
