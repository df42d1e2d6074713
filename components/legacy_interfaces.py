"""LEGACY (1.x): how stateful components attached their endpoint, diagnostics and lock; removed once every
component uses :func:`azplatform.components.interfaces.apply_interfaces`."""

from __future__ import annotations

import pulumi

from azplatform.components.common import CommonArgs, PrivateEndpointPlacement
from azplatform.components.observability import diagnostic_setting
from azplatform.components.private_endpoint import PrivateEndpoint, PrivateEndpointArgs
from azplatform.components.protection import cannot_delete_lock


def attach_interfaces(
    owner: pulumi.Resource,
    owner_name: str,
    args: CommonArgs,
    target: pulumi.CustomResource,
    *,
    placement: PrivateEndpointPlacement | None,
    azure_name: str,
    group_id: str,
    lock_reason: str,
    logs: bool = True,
    metrics: bool = True,
) -> PrivateEndpoint | None:
    """Give ``target`` its private endpoint (``placement``), diagnostic setting (``args.diagnostics_workspace_id``;
    ``logs``/``metrics`` as the type supports) and lock (``args.lock``); returns the endpoint, if any."""
    endpoint = private_endpoint_for(
        owner, owner_name, placement, common=args, azure_name=azure_name, target_id=target.id, group_id=group_id
    )
    if args.diagnostics_workspace_id is not None:
        diagnostic_setting(owner, owner_name, target.id, args.diagnostics_workspace_id, logs=logs, metrics=metrics)
    if args.lock:
        cannot_delete_lock(owner, owner_name, target, lock_reason)
    return endpoint


def private_endpoint_for(
    owner: pulumi.Resource,
    owner_name: str,
    placement: PrivateEndpointPlacement | None,
    *,
    common: CommonArgs,
    azure_name: str,
    target_id: pulumi.Input[str],
    group_id: str,
) -> PrivateEndpoint | None:
    """The private endpoint ``pep-<azure_name>`` of a component's resource, as the owner's child; None when the
    component was given no placement."""
    if placement is None:
        return None
    return PrivateEndpoint(
        f"{owner_name}-pep",
        PrivateEndpointArgs(
            name=f"pep-{azure_name}",
            resource_group_name=common.resource_group_name,
            location=common.location,
            subnet_id=placement.subnet_id,
            target_id=target_id,
            group_id=group_id,
            private_dns_zone_ids=[placement.dns_zone_id],
            tags=common.tags,
        ),
        opts=pulumi.ResourceOptions(parent=owner),
    )
