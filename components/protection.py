"""Protection against data loss: CanNotDelete management locks on stateful resources."""

from __future__ import annotations

import pulumi
import pulumi_azure_native as azure_native


def cannot_delete_lock(
    owner: pulumi.Resource, owner_name: str, target: pulumi.CustomResource, reason: str
) -> azure_native.authorization.ManagementLockByScope:
    """A CanNotDelete lock on ``target``: Azure refuses deletes (by anyone, any tool) until it is removed."""
    return azure_native.authorization.ManagementLockByScope(
        f"{owner_name}-lock",
        scope=target.id,
        level=azure_native.authorization.LockLevel.CAN_NOT_DELETE,
        lock_name=f"lock-{owner_name}",
        notes=reason,
        opts=pulumi.ResourceOptions(parent=owner),
    )
