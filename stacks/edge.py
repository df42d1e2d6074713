"""From the edge config to what only the platform knows: an API's backends as the stack's apps, and its policy
document with the deploying tenant.

Pure functions (no resources): :meth:`stacks.platform.Platform._build_edge` composes the components with them.
"""

from __future__ import annotations

from collections.abc import Callable

import pulumi

from azplatform.components.api_management import BackendPoolSpec, BackendSpec, PoolMember
from azplatform.components.apim_policies import ApiPolicies, CachingType
from azplatform.stacks.config_edge import ApiConfig


def backends(
    api_id: str, api: ApiConfig, app_url: Callable[[str], pulumi.Input[str]]
) -> tuple[list[BackendSpec], list[BackendPoolSpec]]:
    """The API's single backends (each with the circuit breaker) and, for a pool, the pool named ``api_id``."""
    backend = api.backend
    breaker = backend.circuit_breaker

    def url(app: str | None, fixed: str | None) -> pulumi.Input[str]:
        if app is not None:
            return app_url(app)
        if fixed is None:
            raise ValueError(f"api {api_id}: a backend needs an app or a url")
        return fixed

    if backend.pool is None:
        single = BackendSpec(
            id=api_id, url=url(backend.app, backend.url), circuit_breaker=breaker, description=f"{api_id} backend"
        )
        return [single], []
    singles = [
        BackendSpec(id=f"{api_id}-{index}", url=url(member.app, member.url), circuit_breaker=breaker)
        for index, member in enumerate(backend.pool)
    ]
    members = [
        PoolMember(backend_id=single.id, priority=member.priority, weight=member.weight)
        for single, member in zip(singles, backend.pool, strict=True)
    ]
    return singles, [BackendPoolSpec(id=api_id, members=members, description=f"{api_id} pool")]


def policy_xml(
    backend_id: str, policies: ApiPolicies, tenant_id: pulumi.Input[str], caching: CachingType
) -> pulumi.Output[str]:
    """The API's policy document as XML, once the tenant (the default token issuer) is known."""
    return pulumi.Output.from_input(tenant_id).apply(
        lambda tenant: policies.document(backend_id, tenant, caching).to_xml()
    )
