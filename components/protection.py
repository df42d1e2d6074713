"""Protection against data loss: management locks on stateful resources."""

from __future__ import annotations

from typing import Literal

import pulumi
import pulumi_azure_native as azure_native


def management_lock(
    owner: pulumi.Resource,
    owner_name: str,
    target: pulumi.CustomResource,
    *,
    kind: Literal["CanNotDelete", "ReadOnly"],
    name: str,
    notes: str,
) -> azure_native.authorization.ManagementLockByScope:
    """A management lock on ``target``: CanNotDelete makes Azure refuse deletes (by anyone, any tool) until it is
    removed; ReadOnly refuses updates too."""
    return azure_native.authorization.ManagementLockByScope(
        f"{owner_name}-lock",
        scope=target.id,
        level=kind,
        lock_name=name,
        notes=notes,
        opts=pulumi.ResourceOptions(parent=owner),
    )
