"""The plan JSON contract: the resources a program registered (with their inputs and options), its stack outputs
and its policy violations, and how a plan is saved and read back.

A neutral layer: the components are below it, the policy rules and the tooling (``azplatform.stacks``) above;
both read and write plans through it and nothing here imports either.
"""

from azplatform.plan.model import (
    PLAN_VERSION,
    SECRET,
    Plan,
    PlanFormatError,
    PlannedResource,
    ResourceOptions,
    Violation,
)

__all__ = ["PLAN_VERSION", "SECRET", "Plan", "PlanFormatError", "PlannedResource", "ResourceOptions", "Violation"]
