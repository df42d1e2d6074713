"""The offline plan: run the real program against a stack file under recording mocks (see docs/architecture.md)."""

from __future__ import annotations

import runpy
from pathlib import Path

from azplatform.plan import Plan, PlannedResource, Violation
from azplatform.stacks.offline.harness import AzureMocks, RecordingMonitor, render
from azplatform.stacks.offline.stackfile import StackFile, read_stack

__all__ = [
    "AzureMocks",
    "Plan",
    "PlannedResource",
    "RecordingMonitor",
    "StackFile",
    "Violation",
    "read_stack",
    "render",
    "render_stack",
]


def render_stack(project_dir: Path, stack: str, *, policy: bool = True) -> Plan:
    """Render ``Pulumi.<stack>.yaml`` through the project's own ``__main__.py``, as ``pulumi up`` would.

    With ``policy`` (the default), the rule set (policy/) is evaluated and its findings recorded as the plan's
    ``policy.violations``.
    """
    stack_file = read_stack(project_dir, stack)
    entry = project_dir / "__main__.py"

    def program() -> None:
        runpy.run_path(str(entry), run_name="__main__")

    plan = render(
        program,
        project=stack_file.project,
        stack=stack,
        config=stack_file.config,
        secret_keys=stack_file.secret_keys,
    )
    if policy:
        # Imported here: policy.offline builds on this package.
        from azplatform.policy.offline import apply_policy

        apply_policy(plan)
    return plan
