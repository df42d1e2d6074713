"""The ``postgres`` config section (Azure Database for PostgreSQL flexible server) and its checks across sections.

The section is the component's own settings model (:class:`PostgresSettings`), which defines, defaults and validates
every key; the subclass adds only what the platform itself interprets. :func:`postgres_problems` checks what spans
sections (the region against zone-redundant HA, apps' ``dataAccess.postgres`` against the databases) on raw values,
so that these problems are reported together with every field error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from azplatform.components.postgres import PostgresSettings, ha_region_problem
from azplatform.stacks.errors import ConfigProblem

__all__ = ["PostgresConfig", "postgres_problems"]


class PostgresConfig(PostgresSettings):
    """PostgreSQL flexible server: private endpoint only, Entra only, TLS only; databases and their app roles."""

    principals_job_image: str = Field(
        default="docker.io/library/postgres:17-alpine",
        description="Image of the job that creates the apps' database roles (needs psql, sh and wget). Mirror it "
        "into the platform's registry where egress to Docker Hub is closed.",
    )


def postgres_problems(data: Mapping[str, Any]) -> list[ConfigProblem]:
    """Cross-section checks for PostgreSQL; malformed values are skipped (field validation reports them)."""
    problems: list[ConfigProblem] = []
    postgres = data.get("postgres")
    section = postgres if isinstance(postgres, Mapping) else None
    if section is not None:
        mode = section.get("highAvailability")
        reason = ha_region_problem(mode, data.get("location"))
        if reason is not None:
            problems.append(ConfigProblem("postgres.highAvailability", reason, mode))
        if mode is None and data.get("zoneRedundant") is True and section.get("tier") == "Burstable":
            # https://learn.microsoft.com/azure/reliability/reliability-postgresql-flexible-server
            problems.append(
                ConfigProblem(
                    "postgres.tier",
                    "Burstable has no high availability, which zoneRedundant asks for; use GeneralPurpose or "
                    "MemoryOptimized, or set postgres.highAvailability: Disabled",
                    "Burstable",
                )
            )
    databases = section.get("databases") if section is not None else None
    known = set(databases) if isinstance(databases, Mapping) else set()
    apps = data.get("apps")
    for name, app in apps.items() if isinstance(apps, Mapping) else []:
        access = app.get("dataAccess") if isinstance(app, Mapping) else None
        wanted = access.get("postgres") if isinstance(access, Mapping) else None
        if not isinstance(wanted, list) or not wanted:
            continue
        path = f"apps.{name}.dataAccess.postgres"
        if section is None:
            problems.append(ConfigProblem(path, "the platform has no PostgreSQL server (postgres is null)", wanted))
            continue
        missing = [db for db in wanted if isinstance(db, str) and db not in known]
        if missing:
            problems.append(
                ConfigProblem(
                    path,
                    f"names databases that postgres.databases does not define: {', '.join(missing)}",
                    wanted,
                )
            )
    return problems
