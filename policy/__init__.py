"""azplatform's policy as code: one rule set, enforced by the offline plan and by a CrossGuard policy pack.

Rules are pure functions over a resource (type, inputs, options) and the stack's environment; see
``policy/rules/`` and the generated table in ``docs/policy-rules.md``.
"""

from __future__ import annotations

from azplatform.policy.engine import evaluate, mandatory
from azplatform.policy.model import (
    ENVIRONMENTS,
    Enforcement,
    Environment,
    Finding,
    Level,
    PolicyRule,
    Resource,
    Severity,
    StackProblem,
)
from azplatform.policy.rules import RULES

__all__ = [
    "ENVIRONMENTS",
    "RULES",
    "Enforcement",
    "Environment",
    "Finding",
    "Level",
    "PolicyRule",
    "Resource",
    "Severity",
    "StackProblem",
    "evaluate",
    "mandatory",
]
