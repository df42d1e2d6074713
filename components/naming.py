"""Deterministic Azure resource names: CAF abbreviations, per-type length and charset rules, stable suffixes.

Sources:
- abbreviations: https://learn.microsoft.com/azure/cloud-adoption-framework/ready/azure-best-practices/resource-abbreviations
- rules: https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class NameRule:
    """What Azure accepts for one resource type's name."""

    abbreviation: str
    min_length: int
    max_length: int
    pattern: str
    charset: str
    globally_unique: bool = False
    hyphens: bool = True
    lowercase: bool = False
    """Names are lowercased (the type refuses capitals)."""

    def problems(self, name: str) -> list[str]:
        """Why Azure would reject ``name`` (empty when it is valid)."""
        found: list[str] = []
        if not self.min_length <= len(name) <= self.max_length:
            found.append(f"is {len(name)} characters; allowed {self.min_length}-{self.max_length}")
        if not re.fullmatch(self.pattern, name):
            found.append(f"does not match the allowed charset: {self.charset}")
        return found


class Kind(Enum):
    """Resource kinds the platform names, each with its CAF abbreviation and Azure's naming rule."""

    RESOURCE_GROUP = NameRule("rg", 1, 90, r"[-\w.()]*[-\w()]", "letters, digits, -_.() ; not ending in '.'")
    VIRTUAL_NETWORK = NameRule("vnet", 2, 64, r"[A-Za-z0-9][-\w.]*\w", "letters, digits, -_. ; alnum first")
    SUBNET = NameRule("snet", 1, 80, r"[A-Za-z0-9]([-\w.]*\w)?", "letters, digits, -_. ; alnum first")
    NETWORK_SECURITY_GROUP = NameRule("nsg", 1, 80, r"[A-Za-z0-9]([-\w.]*\w)?", "letters, digits, -_.")
    PRIVATE_ENDPOINT = NameRule("pep", 2, 64, r"[A-Za-z0-9][-\w.]*\w", "letters, digits, -_.")
    KEY_VAULT = NameRule(
        "kv",
        3,
        24,
        r"[A-Za-z](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]",
        "letters, digits, single hyphens; letter first",
        globally_unique=True,
    )
    LOG_ANALYTICS = NameRule("log", 4, 63, r"[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]", "letters, digits, hyphens")
    APP_INSIGHTS = NameRule("appi", 1, 260, r"[^%&\\?/]*[^%&\\?/. ]", "anything but %&\\?/")
    CONTAINER_APPS_ENVIRONMENT = NameRule(
        "cae", 2, 60, r"[a-z](?!.*--)[a-z0-9-]*[a-z0-9]", "lowercase letters, digits, single hyphens"
    )
    CONTAINER_APP = NameRule(
        "ca", 2, 32, r"[a-z](?!.*--)[a-z0-9-]*[a-z0-9]", "lowercase letters, digits, single hyphens"
    )
    CONTAINER_APP_JOB = NameRule(
        "caj", 2, 32, r"[a-z](?!.*--)[a-z0-9-]*[a-z0-9]", "lowercase letters, digits, single hyphens"
    )
    CONTAINER_REGISTRY = NameRule(
        "cr", 5, 50, r"[A-Za-z0-9]+", "letters and digits only", globally_unique=True, hyphens=False
    )
    MANAGED_REDIS = NameRule(
        "amr",
        1,
        60,
        r"[A-Za-z0-9](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]",
        "letters, digits, single hyphens",
        globally_unique=True,
    )
    COSMOS_ACCOUNT = NameRule(
        "cosno",
        3,
        44,
        r"[a-z0-9][a-z0-9-]*[a-z0-9]",
        "lowercase letters, digits, hyphens",
        globally_unique=True,
    )
    APPLICATION_GATEWAY = NameRule("agw", 1, 80, r"[A-Za-z0-9]([-\w.]*\w)?", "letters, digits, -_.")
    WAF_POLICY = NameRule("waf", 1, 80, r"[A-Za-z0-9]+", "letters and digits only", hyphens=False)
    PUBLIC_IP = NameRule("pip", 1, 80, r"[A-Za-z0-9]([-\w.]*\w)?", "letters, digits, -_.")
    API_MANAGEMENT = NameRule(
        "apim",
        1,
        50,
        r"[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]",
        "letters, digits, hyphens; letter first",
        globally_unique=True,
    )
    MANAGED_IDENTITY = NameRule("id", 3, 128, r"[A-Za-z0-9][-\w]*", "letters, digits, hyphens, underscores")
    ACTION_GROUP = NameRule("ag", 1, 260, r"[^%&\\?/]*[^%&\\?/. ]", "anything but %&\\?/")


_ALPHABET = string.digits + string.ascii_lowercase


def stable_suffix(seed: str, length: int = 5) -> str:
    """A short base36 digest of ``seed``: the same seed always gives the same suffix."""
    number = int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16)
    out = []
    for _ in range(length):
        number, digit = divmod(number, 36)
        out.append(_ALPHABET[digit])
    return "".join(out)


@dataclass(frozen=True)
class Namer:
    """Builds ``<abbr>-<prefix>[-<workload>]-<env>-<region>[-<suffix>]`` names, shaped to each type's rule."""

    prefix: str
    """Workload prefix in every name (2-10 lowercase alphanumerics)."""
    environment: str
    """Environment code in names (dev, stg, prod)."""
    region_short: str
    """Short region code (weu for westeurope)."""
    suffix: str
    """Stable suffix that makes globally unique names unique."""

    def name(self, kind: Kind | NameRule, workload: str | None = None) -> str:
        """The name for a resource of ``kind`` (a platform-wide :class:`Kind`, or the :class:`NameRule` a component
        module keeps for its own type); globally unique kinds carry the stable suffix."""
        rule = kind.value if isinstance(kind, Kind) else kind
        parts = [rule.abbreviation, self.prefix]
        if workload:
            parts.append(workload)
        parts += [self.environment, self.region_short]
        if rule.globally_unique:
            parts.append(self.suffix)
        separator = "-" if rule.hyphens else ""
        name = separator.join(parts)
        return name.lower() if rule.lowercase or kind in _LOWERCASE else name


_LOWERCASE = {
    Kind.CONTAINER_APPS_ENVIRONMENT,
    Kind.CONTAINER_APP,
    Kind.CONTAINER_APP_JOB,
    Kind.COSMOS_ACCOUNT,
    Kind.CONTAINER_REGISTRY,
}


def name_check(kind: Kind | NameRule, label: str | None = None) -> Callable[[str], str]:
    """A validator for a name field: Azure's rule for ``kind`` (length and charset), with what is allowed. A
    :class:`NameRule` names its type with ``label``."""
    rule = kind.value if isinstance(kind, Kind) else kind
    what = label or (kind.name.lower().replace("_", " ") if isinstance(kind, Kind) else rule.abbreviation)

    def check(value: str) -> str:
        problems = rule.problems(value)
        if problems:
            raise ValueError(f"{what} name {value!r} " + " and ".join(problems))
        return value

    return check
