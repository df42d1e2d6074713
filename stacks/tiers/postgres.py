"""The PostgreSQL tier: the flexible server behind its private endpoint, its administrator identity, its alerts, and
the job that makes the apps' identities database roles.

What runs where:

- ``pulumi up`` (ARM): the server (public network access off, Entra only, TLS only), its server parameters,
  databases and Entra administrators (the platform's ``id-<prefix>-pgadmin-...`` identity, plus
  ``postgres.entraAdministrator`` when given), the private endpoint in the private endpoints subnet with its
  ``privatelink.postgres.database.azure.com`` record, diagnostics, alerts and, in prod, the lock.
- Inside PostgreSQL (not ARM): the Container Apps job ``caj-<prefix>-pgroles-...`` runs in the platform's Container
  Apps environment (in the VNet) as the administrator identity, gets an Entra token for it from the environment's
  identity endpoint and, for each app with ``dataAccess.postgres``, runs ``pgaadauth_create_principal_with_oid``
  (when the role does not exist yet) and grants CONNECT and TEMPORARY on each listed database and USAGE and CREATE
  on its ``public`` schema. It runs hourly and is idempotent; start it right after a deploy with
  ``az containerapp job start --name <job> --resource-group <group>``.
- In each app: ``POSTGRES_HOST``, ``POSTGRES_PORT`` and ``POSTGRES_USER`` (its identity's name); it signs in with an
  Entra token for ``https://ossrdbms-aad.database.windows.net`` as password.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from azplatform.components.alerting import ActionGroup
from azplatform.components.identity import UserIdentity, UserIdentityArgs
from azplatform.components.interfaces import DiagnosticSettings, PrivateEndpointSpec
from azplatform.components.naming import Kind
from azplatform.components.postgres import (
    DATABASE_SUFFIX,
    PORT,
    DatabaseGrant,
    PostgresFlexibleServer,
    PostgresFlexibleServerArgs,
    PostgresPrincipals,
    PostgresPrincipalsArgs,
    server_name,
)
from azplatform.stacks.config import PlatformConfig
from azplatform.stacks.config_compute import AppConfig
from azplatform.stacks.tiers.scope import Placement, TierScope

__all__ = ["PostgresInputs", "PostgresResult", "build_postgres", "postgres_app_env"]


@dataclass(frozen=True)
class PostgresInputs:
    """What the PostgreSQL tier takes from the tiers before it."""

    placement: Placement
    tenant_id: pulumi.Input[str]
    private_endpoint: PrivateEndpointSpec
    """The endpoint in the private endpoints subnet, with the privatelink.postgres.database.azure.com zone."""
    workspace_id: pulumi.Input[str]
    action_group: ActionGroup
    container_apps_environment_id: pulumi.Input[str]
    app_identities: Mapping[str, UserIdentity] = field(default_factory=dict)


@dataclass(frozen=True)
class PostgresResult:
    """What the tier built (``server`` None when the stack has no ``postgres`` section)."""

    server: PostgresFlexibleServer | None = None
    administrator: UserIdentity | None = None
    principals: PostgresPrincipals | None = None

    @property
    def host(self) -> pulumi.Output[str] | None:
        """The server's host name, or None."""
        return self.server.host if self.server is not None else None


def postgres_app_env(config: PlatformConfig, key: str, app: AppConfig) -> dict[str, str]:
    """The environment an app with ``dataAccess.postgres`` gets: the server's host (a fixed function of its name,
    so the app does not wait for the server), port, and the role it signs in as (its identity's name)."""
    if config.postgres is None or not app.data_access.postgres:
        return {}
    namer = config.namer
    return {
        "POSTGRES_HOST": f"{server_name(namer)}.{DATABASE_SUFFIX}",
        "POSTGRES_PORT": str(PORT),
        "POSTGRES_USER": namer.name(Kind.MANAGED_IDENTITY, key),
    }


def build_postgres(scope: TierScope, config: PlatformConfig, inputs: PostgresInputs) -> PostgresResult:
    """The server, its administrator identity, alerts and the database-roles job (see the module docstring)."""
    settings = config.postgres
    if settings is None:
        return PostgresResult()
    namer = scope.namer
    placement = inputs.placement
    opts = scope.opts()
    admin_name = namer.name(Kind.MANAGED_IDENTITY, "pgadmin")
    administrator = UserIdentity(scope.child("pgadmin-id"), UserIdentityArgs(name=admin_name, **placement), opts=opts)
    server = PostgresFlexibleServer(
        scope.child("postgres"),
        settings.extend(
            PostgresFlexibleServerArgs,
            **placement,
            name=server_name(namer),
            high_availability=settings.high_availability
            or ("ZoneRedundant" if config.zone_redundant and settings.tier != "Burstable" else "Disabled"),
            tenant_id=inputs.tenant_id,
            administrator_principal_id=administrator.principal_id,
            administrator_name=admin_name,
            private_endpoints=[inputs.private_endpoint],
            diagnostic_settings=[DiagnosticSettings(workspace_id=inputs.workspace_id)],
            **scope.protection(),
        ),
        opts=opts,
    )
    thresholds = settings.alerts
    server.alert_cpu_above(thresholds.cpu_percent, inputs.action_group.id)
    server.alert_storage_above(thresholds.storage_percent, inputs.action_group.id)
    server.alert_connections_above(thresholds.active_connections, inputs.action_group.id)

    grants = [
        DatabaseGrant(
            role=namer.name(Kind.MANAGED_IDENTITY, key),
            object_id=inputs.app_identities[key].principal_id,
            databases=app.data_access.postgres,
        )
        for key, app in sorted(config.apps.items())
        if app.data_access.postgres and key in inputs.app_identities
    ]
    principals = None
    if grants:
        principals = PostgresPrincipals(
            scope.child("pgroles"),
            PostgresPrincipalsArgs(
                **placement,
                name=namer.name(Kind.CONTAINER_APP_JOB, "pgroles"),
                environment_id=inputs.container_apps_environment_id,
                identity_id=administrator.id,
                identity_client_id=administrator.client_id,
                administrator_name=admin_name,
                host=server.host,
                grants=grants,
                image=settings.principals_job_image,
                # The server's last child (administrators, parameters, databases) and its private endpoint.
                wait_for=[server.last_operation, *server.interfaces.private_endpoints],
            ),
            opts=opts,
        )
    return PostgresResult(server=server, administrator=administrator, principals=principals)
