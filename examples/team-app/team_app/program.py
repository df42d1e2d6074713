"""Deploy a team's service onto the shared platform, using only azplatform's public API:

- read the platform stack's outputs through ``PlatformReference`` (typed, versioned);
- run the service as a ``ContainerApp`` in the platform's internal environment, under its own identity, pulling
  from the platform registry (``ExistingContainerRegistry(...).grant_pull``: a grant on another stack's registry);
- publish it on the platform's API Management as a ``PublishedApi`` with a typed policy (rate limit, retry);
- call a model through the platform's AI gateway (``aiRoutes``) as its own managed identity: the app gets the
  route's URL in ``AI_GATEWAY_URL`` and ``AZURE_CLIENT_ID`` for DefaultAzureCredential; no model key exists.
"""

from __future__ import annotations

import pulumi

from azplatform.components import (
    ApimPolicyDocument,
    ApiSpec,
    BackendSpec,
    ContainerApp,
    ContainerAppArgs,
    ExistingContainerRegistry,
    HttpScaleRule,
    PublishedApi,
    PublishedApiArgs,
    RateLimitByKey,
    Retry,
    SetBackendService,
    UserIdentity,
    UserIdentityArgs,
)
from azplatform.stacks.reference import PlatformReference
from components import team_tags


def _required(value: str | None) -> str:
    if not value:
        raise pulumi.RunError("the platform stack has no API Management (apim: null); this API needs one")
    return value


def main() -> None:
    """The team's program."""
    config = pulumi.Config("team-app")
    name = config.require("name")
    location = config.get("location") or "westeurope"
    tags = team_tags(
        owner=config.require("owner"), cost_center=config.require("costCenter"), environment=pulumi.get_stack()
    )
    platform = PlatformReference(config.require("platformStack"))

    identity = UserIdentity(
        f"{name}-id",
        UserIdentityArgs(
            name=f"id-{name}-{pulumi.get_stack()}",
            resource_group_name=platform.resource_group_name,
            location=location,
            tags=tags,
        ),
    )
    # Azure pulls the image at creation with the identity: the grant comes first.
    pull = ExistingContainerRegistry(f"{name}-registry", platform.registry_id).grant_pull(identity)
    app = ContainerApp(
        name,
        ContainerAppArgs(
            name=f"ca-{name}-{pulumi.get_stack()}",
            resource_group_name=platform.resource_group_name,
            location=location,
            environment_id=platform.container_apps_environment_id,
            identity=identity,
            image=config.require("image"),
            container_name=name,
            registry_server=platform.registry_login_server,
            wait_for=[pull],
            # The environment is the platform's (internal, by the platform's own policy), which this stack's
            # policy check cannot see: the app declares that exception instead of failing AZP-STACK-005.
            tags={**tags, "policyExemptions": "AZP-STACK-005"},
            # The AI gateway's model route: the app calls it with an Entra token of its identity (the route's
            # validate-jwt audience), and API Management calls the model as its own identity.
            env={"AI_GATEWAY_URL": platform.ai_routes.apply(lambda routes: routes.get("ai", ""))},
            target_port=80,
            # Reachable from API Management's subnet through the environment's internal load balancer only.
            ingress_scope="vnet",
            default_domain=platform.container_apps_default_domain,
            min_replicas=1,
            max_replicas=5,
            scale_rules=[HttpScaleRule(concurrent_requests=50)],
        ),
    )

    if app.fqdn is None:  # cannot happen: the app has ingress and the platform's default domain
        raise pulumi.RunError(f"{name} has no FQDN to route to")
    backend_id = f"{name}-backend"
    policy = ApimPolicyDocument(
        statements=(
            RateLimitByKey(calls=100, renewal_period_seconds=60),
            SetBackendService(backend_id=backend_id),
            Retry(count=2, interval_seconds=1),
        )
    )
    api = PublishedApi(
        f"{name}-api",
        PublishedApiArgs(
            service_name=platform.apim_name.apply(_required),
            resource_group_name=platform.resource_group_name,
            backend=BackendSpec(id=backend_id, url=pulumi.Output.concat("https://", app.fqdn)),
            api=ApiSpec(id=name, path=config.require("apiPath"), backend_id=backend_id, policy_xml=policy.to_xml()),
        ),
    )
    pulumi.export("appFqdn", app.fqdn)
    pulumi.export("apiId", api.api.id)
