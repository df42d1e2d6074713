"""The team's own ``components`` package, a name many Pulumi projects use for their own code. The platform library
lives under the ``azplatform`` import namespace, so this package and ``azplatform.components`` never collide (the
example's tests import both)."""

from __future__ import annotations


def team_tags(*, owner: str, cost_center: str, environment: str) -> dict[str, str]:
    """The tags on every resource the team owns."""
    return {"owner": owner, "costCenter": cost_center, "environment": environment, "managedBy": "pulumi"}
