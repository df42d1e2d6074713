"""User-assigned managed identities: what apps and gateways authenticate as (identity, not keys)."""

from __future__ import annotations

from typing import Annotated

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, model_validator

from azplatform.components.interfaces import CommonArgs, apply_interfaces
from azplatform.components.naming import Kind, name_check

TYPE_TOKEN = "azplatform:index:UserIdentity"


class UserIdentityArgs(CommonArgs):
    """Arguments for :class:`UserIdentity`: its name, placement, tags, lock and role assignments on it."""

    name: Annotated[str, AfterValidator(name_check(Kind.MANAGED_IDENTITY))] = Field(
        description="Azure name of the identity (CAF id-...; 3-128 letters, digits, hyphens, underscores)."
    )

    @model_validator(mode="after")
    def _no_diagnostics(self) -> UserIdentityArgs:
        if self.diagnostic_settings:
            raise ValueError("diagnostic_settings: a user-assigned identity emits no logs or metrics to send")
        return self


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
        self.interfaces = apply_interfaces(
            self, name, args, self.identity, azure_name=args.name, lock_notes="Workloads authenticate as this identity"
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


# Runnable examples for the component reference (`azplatform docs`), by component: tests/test_docs.py runs each under
# the offline harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "UserIdentity": """
from azplatform.components import UserIdentity, UserIdentityArgs

identity = UserIdentity(
    "orders-id", UserIdentityArgs(name="id-orders-dev", resource_group_name=RG, location="westeurope")
)
""",
}


def component_identity(owner: pulumi.Resource, name: str, identity_name: str, args: CommonArgs) -> UserIdentity:
    """The identity a component runs as: ``<name>-id``, a child of ``owner``, in the component's resource group,
    region and tags (an Application Gateway reading its certificate, API Management, a flow log writing to storage)."""
    return UserIdentity(
        f"{name}-id",
        UserIdentityArgs(
            name=identity_name, resource_group_name=args.resource_group_name, location=args.location, tags=args.tags
        ),
        opts=pulumi.ResourceOptions(parent=owner),
    )
