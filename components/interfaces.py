"""The interfaces every component offers, in Azure Verified Modules' vocabulary, and the one function that applies
them: ``diagnostic_settings``, ``private_endpoints``, ``lock``, ``role_assignments``, ``managed_identities`` and
``tags``. A user who has learnt them on one component knows them on all.

- :class:`CommonArgs` is the base of every component's args: placement (resource group, region), tags, diagnostic
  settings, lock, role assignments and Pulumi ``protect``.
- Components whose type Azure gives a private endpoint add ``private_endpoints: list[PrivateEndpointSpec]``; those
  whose type takes a managed identity add ``managed_identities: ManagedIdentities``.
- :func:`apply_interfaces` creates, for a component's main resource, its private endpoints, diagnostic settings,
  lock and role assignments, as children of the component, with stable names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, field_validator, model_validator

from azplatform.components.args import Args, Input
from azplatform.components.rbac import RoleCatalogue

if TYPE_CHECKING:
    # The component imports this module's models: a runtime import here would be circular.
    from azplatform.components.private_endpoint import PrivateEndpoint
from azplatform.components.regions import REGIONS

__all__ = [
    "MAX_TAGS",
    "PLATFORM_TAG_COUNT",
    "AppliedInterfaces",
    "CommonArgs",
    "DiagnosticSettings",
    "Lock",
    "ManagedIdentities",
    "PrivateEndpointSpec",
    "RoleAssignmentSpec",
    "apply_interfaces",
]

# Azure's tag limits: https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations
MAX_TAGS = 50
_TAG_NAME_FORBIDDEN = "<>%&\\?/"
PLATFORM_TAG_COUNT = 3
"""Tags the platform composition adds to every resource (environment, platform, managedBy)."""


def check_tags(value: dict[str, str]) -> dict[str, str]:
    """Azure's tag rules: at most 50 per resource, names up to 512 characters without ``<>%&\\?/``, values up to
    256 characters."""
    problems = []
    bad = [k for k in value if not k or len(k) > 512 or any(c in k for c in _TAG_NAME_FORBIDDEN)]
    if bad:
        problems.append(f"tag names {bad} break Azure's rules (1-512 characters, none of {_TAG_NAME_FORBIDDEN})")
    long_values = [k for k, v in value.items() if len(v) > 256]
    if long_values:
        problems.append(f"tag values of {long_values} exceed Azure's 256 characters")
    if len(value) > MAX_TAGS:
        problems.append(f"{len(value)} tags; Azure allows at most {MAX_TAGS} per resource")
    if problems:
        raise ValueError("; ".join(problems))
    return value


Tags = Annotated[dict[str, str], AfterValidator(check_tags)]


def check_location(value: object) -> object:
    """A region the platform knows (zones, short code), when the location is a plain string."""
    if isinstance(value, str) and value not in REGIONS:
        raise ValueError(f"unknown Azure region {value!r}; known: {', '.join(sorted(REGIONS))}")
    return value


class DiagnosticSettings(Args):
    """One diagnostic setting: where a resource's logs and metrics go (AVM ``diagnosticSettings``)."""

    workspace_id: Input[str] = Field(description="Log Analytics workspace that receives the data.")
    name: str = Field(
        default="diag-to-log-analytics",
        pattern=r"^[A-Za-z0-9][-\w.]{0,63}$",
        description="The setting's Azure name, unique per resource. Default diag-to-log-analytics.",
    )
    categories: Literal["allLogsAndMetrics", "logs", "metrics"] = Field(
        default="allLogsAndMetrics",
        description="What is sent: every log (the allLogs category group) and every metric, logs only, or metrics "
        "only. A type without logs or metrics sends only what it has. Default allLogsAndMetrics.",
    )


class PrivateEndpointSpec(Args):
    """One private endpoint of a resource and the private DNS zones it registers in (AVM ``privateEndpoints``)."""

    subnet_id: Input[str] = Field(description="The subnet the endpoint's network interface goes in.")
    private_dns_zone_ids: list[Input[str]] = Field(
        min_length=1,
        description="Ids of the privatelink.* private DNS zones of the service's group (one zone group config each).",
    )
    name: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][-\w.]{0,62}\w$",
        description="Azure name of the endpoint. Default pep-<resource name>; give one to each further endpoint.",
    )
    location: Annotated[Input[str], AfterValidator(check_location)] | None = Field(
        default=None,
        description="The endpoint's region, which must be its subnet's (VNet's): Azure creates an endpoint only in "
        "its virtual network's region, while the resource may be elsewhere. Default: the resource's region.",
    )


class Lock(Args):
    """A management lock on the resource (AVM ``lock``)."""

    kind: Literal["CanNotDelete", "ReadOnly"] = Field(
        default="CanNotDelete",
        description="CanNotDelete: reads and updates pass, deletes fail. ReadOnly also blocks updates (and many "
        "data-plane list operations). Default CanNotDelete.",
    )
    name: str | None = Field(
        default=None, max_length=90, description="The lock's Azure name. Default lock-<component name>."
    )


_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class RoleAssignmentSpec(Args):
    """A role granted on the resource to a principal (AVM ``roleAssignments``)."""

    role: RoleCatalogue | str = Field(
        description="A built-in role (a RoleCatalogue member such as BuiltInRole.KEY_VAULT_SECRETS_USER or "
        "ServiceBusRole.SERVICE_BUS_DATA_SENDER, or its name) or a role definition GUID."
    )
    principal_id: Input[str] = Field(description="Entra object id of the user, group or service principal.")
    key: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{0,62}$",
        description="A stable name for the grant (lowercase, digits, hyphens): it names the Pulumi resource and seeds "
        "the assignment's GUID, so it must not change while the grant exists.",
    )
    principal_type: Literal["ServicePrincipal", "User", "Group"] = Field(
        default="ServicePrincipal",
        description="The principal's type; ServicePrincipal skips Entra's lookup, which fails for a just-created "
        "managed identity. Default ServicePrincipal.",
    )
    description: str | None = Field(default=None, max_length=1024, description="Why the grant exists.")

    @field_validator("role", mode="before")
    @classmethod
    def _known_role(cls, value: object) -> object:
        if isinstance(value, RoleCatalogue):
            return value
        roles = RoleCatalogue.every_role()
        if isinstance(value, str):
            if value in roles:
                return roles[value]
            if _GUID.match(value):
                return value
        raise ValueError(f"not a built-in role or a role definition GUID; built-in roles: {', '.join(roles)}")

    @property
    def role_definition_guid(self) -> str:
        """The role definition's GUID."""
        return self.role.value if isinstance(self.role, RoleCatalogue) else self.role


class ManagedIdentities(Args):
    """The managed identities a resource runs as (AVM ``managedIdentities``)."""

    system_assigned: bool = Field(default=False, description="Give the resource a system-assigned identity.")
    user_assigned_resource_ids: list[Input[str]] = Field(
        default_factory=list, description="Ids of user-assigned identities to attach."
    )

    @property
    def type(self) -> str | None:
        """The ARM ``identity.type`` value (``SystemAssigned, UserAssigned`` and so on), None for no identity."""
        kinds = [
            k
            for k, on in (
                ("SystemAssigned", self.system_assigned),
                ("UserAssigned", bool(self.user_assigned_resource_ids)),
            )
            if on
        ]
        return ", ".join(kinds) or None

    def user_assigned_map(self) -> dict[Input[str], object] | None:
        """ARM's ``userAssignedIdentities`` shape: each identity id mapped to an empty object."""
        return {rid: {} for rid in self.user_assigned_resource_ids} or None


class CommonArgs(Args):
    """What every component takes: placement, tags, diagnostics, lock, role assignments, protection."""

    resource_group_name: Input[str] = Field(description="Resource group the component's resources go in.")
    location: Annotated[Input[str], AfterValidator(check_location)] = Field(
        description="Azure region, for example westeurope."
    )
    tags: Tags = Field(default_factory=dict, description="Tags on every taggable child. Default: none.")
    diagnostic_settings: list[DiagnosticSettings] = Field(
        default_factory=list, description="Where the main resource's logs and metrics go. Default: nowhere."
    )
    lock: Lock | None = Field(default=None, description="A management lock on the main resource. Default: none.")
    role_assignments: list[RoleAssignmentSpec] = Field(
        default_factory=list, description="Roles granted on the main resource. Default: none."
    )
    protect: bool = Field(
        default=False,
        description="Pulumi protect on the stateful resource itself, so no pulumi up can delete it. Default: off.",
    )

    @model_validator(mode="after")
    def _unique_interface_names(self) -> CommonArgs:
        for what, names in (
            ("diagnostic_settings", [d.name for d in self.diagnostic_settings]),
            ("role_assignments", [r.key for r in self.role_assignments]),
            ("private_endpoints", [p.name for p in getattr(self, "private_endpoints", [])]),
        ):
            seen = [n for n in names if names.count(n) > 1]
            if seen:
                label = "name" if what != "role_assignments" else "key"
                shown = sorted({str(n) for n in seen})
                raise ValueError(f"{what}: each needs its own {label}; given more than once: {shown}")
        return self


@dataclass(frozen=True)
class AppliedInterfaces:
    """What :func:`apply_interfaces` created for a component's main resource."""

    private_endpoints: list[PrivateEndpoint]
    diagnostic_settings: list[azure_native.monitor.DiagnosticSetting]
    lock: azure_native.authorization.ManagementLockByScope | None
    role_assignments: list[azure_native.authorization.RoleAssignment]


def apply_interfaces(
    owner: pulumi.Resource,
    owner_name: str,
    args: CommonArgs,
    target: pulumi.CustomResource,
    *,
    azure_name: str,
    group_id: str | None = None,
    logs: bool = True,
    metrics: bool = True,
    lock_notes: str,
) -> AppliedInterfaces:
    """Give ``target`` (the component's main resource) the interfaces ``args`` asks for.

    ``group_id`` is the type's Private Link sub-resource (required when ``args`` has private endpoints);
    ``logs``/``metrics`` say what the type emits, as Azure rejects a diagnostic setting asking for categories a
    type lacks. Names: the first (default-named) endpoint is ``<owner_name>-pep`` / ``pep-<azure_name>``, further ones
    ``<owner_name>-pep-<name>``; a setting named other than the default is ``<owner_name>-<name>-diag``.
    """
    from azplatform.components.observability import diagnostic_setting
    from azplatform.components.private_endpoint import PrivateEndpoint as _PrivateEndpoint
    from azplatform.components.private_endpoint import PrivateEndpointArgs
    from azplatform.components.protection import management_lock
    from azplatform.components.rbac import assign_role_spec

    endpoints: list[PrivateEndpoint] = []
    for spec in getattr(args, "private_endpoints", []):
        if group_id is None:
            raise ValueError(f"{owner_name}: this resource type takes no private endpoint")
        endpoints.append(
            _PrivateEndpoint(
                f"{owner_name}-pep" if spec.name is None else f"{owner_name}-pep-{spec.name}",
                PrivateEndpointArgs(
                    name=spec.name or f"pep-{azure_name}",
                    resource_group_name=args.resource_group_name,
                    location=spec.location or args.location,
                    subnet_id=spec.subnet_id,
                    target_id=target.id,
                    group_id=group_id,
                    private_dns_zone_ids=spec.private_dns_zone_ids,
                    tags=args.tags,
                ),
                opts=pulumi.ResourceOptions(parent=owner),
            )
        )
    settings = []
    for setting in args.diagnostic_settings:
        wants_logs = logs and setting.categories in ("allLogsAndMetrics", "logs")
        wants_metrics = metrics and setting.categories in ("allLogsAndMetrics", "metrics")
        if not (wants_logs or wants_metrics):
            continue
        default = setting.name == DiagnosticSettings.model_fields["name"].default
        settings.append(
            diagnostic_setting(
                owner,
                owner_name if default else f"{owner_name}-{setting.name}",
                target.id,
                setting.workspace_id,
                logs=wants_logs,
                metrics=wants_metrics,
                name=setting.name,
            )
        )
    lock = None
    if args.lock is not None:
        lock = management_lock(
            owner,
            owner_name,
            target,
            kind=args.lock.kind,
            name=args.lock.name or f"lock-{owner_name}",
            notes=lock_notes,
        )
    grants = [assign_role_spec(owner, owner_name, target.id, spec) for spec in args.role_assignments]
    return AppliedInterfaces(endpoints, settings, lock, grants)
