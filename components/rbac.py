"""Azure RBAC: built-in role definition ids and deterministic role assignments.

Role ids: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Protocol

import pulumi
import pulumi_azure_native as azure_native

from azplatform.components.records.foundation import ROLE_ASSIGNMENT
from azplatform.components.replacements import replace_on_changes

if TYPE_CHECKING:
    from azplatform.components.interfaces import RoleAssignmentSpec


class RoleCatalogue(Enum):
    """Built-in Azure roles by role definition GUID (fixed across all tenants). :class:`BuiltInRole` holds the roles
    several capabilities share; a capability whose data-plane roles only it grants keeps them in a subclass in its
    own module (``ServiceBusRole``). Every subclass is part of the catalogue that ``RoleAssignmentSpec`` names roles
    from, so member names are unique across subclasses."""

    @classmethod
    def every_role(cls) -> dict[str, RoleCatalogue]:
        """Every role of every catalogue, by member name."""
        found: dict[str, RoleCatalogue] = {}
        pending = list(RoleCatalogue.__subclasses__())
        while pending:
            catalogue = pending.pop(0)
            pending.extend(catalogue.__subclasses__())
            for name, member in catalogue.__members__.items():
                if name in found:
                    raise TypeError(f"role {name} is in both {type(found[name]).__name__} and {catalogue.__name__}")
                found[name] = member
        return found


class BuiltInRole(RoleCatalogue):
    """Built-in Azure roles that several capabilities grant."""

    KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
    KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
    KEY_VAULT_CERTIFICATE_USER = "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba"
    ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
    MONITORING_METRICS_PUBLISHER = "3913510d-42f4-4e42-8a64-420c390055eb"


class Principal(Protocol):
    """Anything that can be granted a role: a stable logical name and an Entra principal (object) id."""

    @property
    def logical_name(self) -> str:
        """Stable name used to name the grant resources."""
        ...

    @property
    def principal_id(self) -> pulumi.Output[str]:
        """The Entra object id of the service principal."""
        ...


@dataclass(frozen=True)
class SystemIdentity:
    """A resource's system-assigned identity as a :class:`Principal` (API Management's, which the semantic cache
    lookup authenticates as)."""

    logical_name: str
    principal_id: pulumi.Output[str]


# Role assignment names must be GUIDs; uuid5 over logical names keeps them stable across runs.
_GRANT_NAMESPACE = uuid.UUID("6f1c0d9e-5a3b-4c1e-9b7a-2d8e4f6a1c3b")


def role_definition_id(scope_id: pulumi.Input[str], role: RoleCatalogue | str) -> pulumi.Output[str]:
    """The subscription-qualified role definition id (``role`` a built-in role or a role definition GUID), taken
    from the scope's own id (no extra invoke)."""
    guid = role.value if isinstance(role, RoleCatalogue) else role
    return pulumi.Output.from_input(scope_id).apply(
        lambda rid: f"/subscriptions/{rid.split('/')[2]}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
    )


def assign_role(
    owner: pulumi.Resource | None,
    owner_name: str,
    scope_id: pulumi.Input[str],
    role: RoleCatalogue,
    principal: Principal,
) -> azure_native.authorization.RoleAssignment:
    """Grant ``role`` on ``scope_id`` to ``principal``; the assignment is a child of ``owner`` (a top-level resource
    when ``owner`` is None)."""
    key = f"{owner_name}/{principal.logical_name}/{role.name}"
    return azure_native.authorization.RoleAssignment(
        f"{owner_name}-{role.name.lower().replace('_', '-')}-{principal.logical_name}",
        scope=scope_id,
        role_definition_id=role_definition_id(scope_id, role),
        principal_id=principal.principal_id,
        # ServicePrincipal skips the Entra lookup that fails for a just-created identity (replication delay).
        principal_type=azure_native.authorization.PrincipalType.SERVICE_PRINCIPAL,
        role_assignment_name=str(uuid.uuid5(_GRANT_NAMESPACE, key)),
        opts=pulumi.ResourceOptions(parent=owner, replace_on_changes=replace_on_changes(ROLE_ASSIGNMENT)),
    )


def assign_role_spec(
    owner: pulumi.Resource, owner_name: str, scope_id: pulumi.Input[str], spec: RoleAssignmentSpec
) -> azure_native.authorization.RoleAssignment:
    """The role assignment a component's ``role_assignments`` entry asks for, on ``scope_id``; named from the entry's
    stable ``key``, so that the assignment keeps its GUID name as long as the key stays."""
    role = spec.role
    role_label = role.name.lower().replace("_", "-") if isinstance(role, RoleCatalogue) else f"role-{role[:8].lower()}"
    return azure_native.authorization.RoleAssignment(
        f"{owner_name}-{role_label}-{spec.key}",
        scope=scope_id,
        role_definition_id=role_definition_id(scope_id, role),
        principal_id=spec.principal_id,
        principal_type=spec.principal_type,
        description=spec.description,
        role_assignment_name=str(uuid.uuid5(_GRANT_NAMESPACE, f"{owner_name}/{spec.key}/{spec.role_definition_guid}")),
        opts=pulumi.ResourceOptions(parent=owner, replace_on_changes=replace_on_changes(ROLE_ASSIGNMENT)),
    )


class Grantable:
    """The plumbing behind a component's ``grant_*`` methods: the scope granted on, and the resource that parents the
    role assignments. Components and references to existing resources (:class:`ExistingResource`) share their grant
    methods through a mixin built on this class."""

    _grant_owner: pulumi.Resource | None
    _grant_name: str
    _grant_scope: pulumi.Input[str]

    def _grant(self, role: RoleCatalogue, principal: Principal) -> azure_native.authorization.RoleAssignment:
        return assign_role(self._grant_owner, self._grant_name, self._grant_scope, role, principal)


class ExistingResource(Grantable):
    """A resource another stack owns, known by its id (for example from ``PlatformReference``): this stack creates
    nothing for it, but grants on it are role assignments this stack owns, named from ``name``."""

    def __init__(self, name: str, resource_id: pulumi.Input[str], *, parent: pulumi.Resource | None = None) -> None:
        self._grant_owner = parent
        self._grant_name = name
        self._grant_scope = resource_id
        self.id: pulumi.Output[str] = pulumi.Output.from_input(resource_id)

    # An ARM id: /subscriptions/<sub>/resourceGroups/<group>/providers/<namespace>/<type>/<name>
    @property
    def resource_group_name(self) -> pulumi.Output[str]:
        """The resource group named in the id."""
        return self.id.apply(lambda rid: rid.split("/")[4])

    @property
    def resource_name(self) -> pulumi.Output[str]:
        """The resource's own name, the id's last segment."""
        return self.id.apply(lambda rid: rid.rstrip("/").rsplit("/", 1)[-1])
