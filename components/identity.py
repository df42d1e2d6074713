"""User-assigned managed identities: what apps and gateways authenticate as (identity, not keys)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure_native

TYPE_TOKEN = "azplatform:index:UserIdentity"


@dataclass(frozen=True, kw_only=True)
class UserIdentityArgs:
    """Arguments for :class:`UserIdentity`."""

    name: str
    """Azure name of the identity (CAF: id-...)."""
    resource_group_name: pulumi.Input[str]
    """Resource group."""
    location: pulumi.Input[str]
    """Azure region."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags. Default: none."""


class UserIdentity(pulumi.ComponentResource):
    """A user-assigned managed identity, usable as the principal of any ``grant_*`` method."""

    id: pulumi.Output[str]
    name: pulumi.Output[str]
    principal_id: pulumi.Output[str]
    client_id: pulumi.Output[str]

    def __init__(self, name: str, args: UserIdentityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self._logical_name = name
        self.identity = azure_native.managedidentity.UserAssignedIdentity(
            name,
            resource_name_=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.id = self.identity.id
        self.name = self.identity.name
        self.principal_id = self.identity.principal_id
        self.client_id = self.identity.client_id
        self.register_outputs({"id": self.id, "principalId": self.principal_id, "clientId": self.client_id})

    @property
    def logical_name(self) -> str:
        """The Pulumi name, used to name grants made to this identity."""
        return self._logical_name
