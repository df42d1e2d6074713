"""The environments: one typed record per environment, the only place environment differences that are not sizes
are decided.

Config checks (``azplatform.stacks.config*``), the composition (``azplatform.stacks.tiers``) and the policy rules
(``azplatform.policy``) all read :data:`ENVIRONMENT_TABLE`, through :func:`traits` at the time they need a
record; none of them compares an environment's name. The
settings each environment starts from (sizes, SKUs, redundancy: what a stack file may override) are the data table
``azplatform.stacks.profiles.PROFILES``, keyed by the same :attr:`EnvironmentTraits.name`.

A neutral layer (nothing here imports components, policy or stacks), so that policy can read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Literal, TypeGuard

Environment = Literal["dev", "staging", "prod"]
"""An environment's name: the stack name and the ``environment`` tag."""

Level = Literal["mandatory", "advisory", "disabled"]
"""How hard a policy rule enforces in an environment."""
MANDATORY: Level = "mandatory"
ADVISORY: Level = "advisory"
DISABLED: Level = "disabled"


class Enforcement(Enum):
    """A policy rule's enforcement category; each environment gives every category a :data:`Level`."""

    BASELINE = "baseline"
    """The security baseline: never relaxed."""
    HARDENING = "hardening"
    """Hardening a dev environment may try without (purge protection, continuous backup, WAF Prevention, ...)."""
    RESILIENCE = "resilience"
    """Zone redundancy: required where an outage costs most, advised before it."""
    PROTECTION = "protection"
    """Protection against deletion (``protect``, management locks) of stateful resources."""
    ADVICE = "advice"
    """Warnings by nature (an estimate above a budget): a prompt to look, never a blocker."""


@dataclass(frozen=True)
class EnvironmentTraits:
    """What sets one environment apart, beyond the sizes its profile gives."""

    name: Environment
    """The environment's name (the stack name, the ``environment`` tag, the key of its profile)."""
    code: str
    """The environment in resource names: short, so that 24-character Key Vault names keep room."""
    protect_stateful: bool
    """Stateful resources (data stores, the log workspace, the vault, the registry, the gateways, the resource
    group) carry Pulumi ``protect``."""
    lock_stateful: bool
    """The same resources, but the resource group, carry a CanNotDelete management lock."""
    min_ingress_replicas: int
    """The fewest replicas the config accepts for an app with ingress (0: no floor beyond the app's own)."""
    waf_detection_allowed: bool
    """Whether the WAF may run in Detection mode (logging attacks without blocking them)."""
    log_retention_minimum_days: int
    """The fewest days Log Analytics may keep logs (policy AZP-LOG-002)."""
    policy_levels: Mapping[Enforcement, Level]
    """The enforcement level of each policy category."""

    def level(self, enforcement: Enforcement) -> Level:
        """The level a rule of category ``enforcement`` enforces at here."""
        return self.policy_levels[enforcement]


def _levels(**levels: Level) -> Mapping[Enforcement, Level]:
    return MappingProxyType({category: levels[category.name.lower()] for category in Enforcement})


# Retention: MCSB LT-6 leaves the period to the organisation. prod keeps 90 days (a quarter's investigations; the
# prod profile sets 90); dev and staging keep at least the 30 days the PerGB2018 SKU allows as its floor.
# Replicas: prod spreads apps with ingress over zones; one replica is one zone and no headroom for a restart.
# https://learn.microsoft.com/azure/reliability/reliability-azure-container-apps
ENVIRONMENT_TABLE: Mapping[Environment, EnvironmentTraits] = MappingProxyType(
    {
        "dev": EnvironmentTraits(
            name="dev",
            code="dev",
            protect_stateful=False,
            lock_stateful=False,
            min_ingress_replicas=0,
            waf_detection_allowed=True,
            log_retention_minimum_days=30,
            policy_levels=_levels(
                baseline=MANDATORY, hardening=ADVISORY, resilience=DISABLED, protection=DISABLED, advice=ADVISORY
            ),
        ),
        "staging": EnvironmentTraits(
            name="staging",
            code="stg",
            protect_stateful=False,
            lock_stateful=False,
            min_ingress_replicas=0,
            waf_detection_allowed=False,
            log_retention_minimum_days=30,
            policy_levels=_levels(
                baseline=MANDATORY, hardening=MANDATORY, resilience=ADVISORY, protection=DISABLED, advice=ADVISORY
            ),
        ),
        "prod": EnvironmentTraits(
            name="prod",
            code="prod",
            protect_stateful=True,
            lock_stateful=True,
            min_ingress_replicas=2,
            waf_detection_allowed=False,
            log_retention_minimum_days=90,
            policy_levels=_levels(
                baseline=MANDATORY, hardening=MANDATORY, resilience=MANDATORY, protection=MANDATORY, advice=ADVISORY
            ),
        ),
    }
)

ENVIRONMENTS: tuple[Environment, ...] = tuple(ENVIRONMENT_TABLE)
"""Every environment, from the least to the most strictly enforced."""

STRICTEST: Environment = ENVIRONMENTS[-1]
"""The environment assumed when nothing says which one runs (a policy pack without config)."""


def traits(environment: str) -> EnvironmentTraits:
    """The record of ``environment``; raises ``KeyError`` naming the known ones for any other name."""
    for record in ENVIRONMENT_TABLE.values():
        if record.name == environment:
            return record
    raise KeyError(f"unknown environment {environment!r}; known: {', '.join(ENVIRONMENTS)}")


def is_environment(value: object) -> TypeGuard[Environment]:
    """Whether ``value`` names an environment of the table."""
    return isinstance(value, str) and value in ENVIRONMENT_TABLE
