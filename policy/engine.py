"""Evaluate the rule set over a list of resources: the one evaluation both enforcement points share."""

from __future__ import annotations

from collections.abc import Sequence

from azplatform.policy.model import ADVISORY, DISABLED, Environment, Finding, PolicyRule, Resource
from azplatform.policy.rules import RULES


def evaluate(
    resources: Sequence[Resource], environment: Environment, rules: Sequence[PolicyRule] = RULES
) -> list[Finding]:
    """Every finding of ``rules`` over ``resources`` in ``environment``, at each rule's level there.

    Rules disabled in the environment do not run. An exempted stack finding is reported as advisory, with the
    exception named in its message.
    """
    findings: list[Finding] = []
    for rule in rules:
        level = rule.level(environment)
        if level == DISABLED:
            continue
        if rule.stack_check is not None:
            for problem in rule.stack_check(resources, environment):
                message = (
                    f"{problem.message} (explicit exception: policyExemptions tag)"
                    if problem.exempt
                    else problem.message
                )
                findings.append(
                    Finding(rule.id, ADVISORY if problem.exempt else level, problem.urn, message, rule.severity)
                )
            continue
        if rule.check is None:
            continue
        for resource in resources:
            if rule.applies_to(resource.type):
                findings.extend(
                    Finding(rule.id, level, resource.urn, message, rule.severity)
                    for message in rule.check(resource, environment)
                )
    return findings


def mandatory(findings: Sequence[Finding]) -> list[Finding]:
    """The findings that block a deployment."""
    return [f for f in findings if f.level == "mandatory"]
