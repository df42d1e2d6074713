"""Config of the edge: Application Gateway WAF_v2 (``appGateway``) and API Management (``apim``) with its APIs.

The sections are the components' own settings models (:class:`ApplicationGatewaySettings`,
:class:`ApiManagementSettings`, :class:`ApiSettings`, :class:`ApiPolicies`), which hold every field limit with its
source; this module adds only the keys the platform itself interprets (an API's backend as an app of the stack,
the app the gateway serves without API Management). Checks that need the environment or the apps run on the raw
values in :func:`edge_problems`, so that they are reported together with every other problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import Field, field_validator, model_validator

from azplatform.components.api_management import (
    POOL_SIZE,
    ApiId,
    ApiManagementSettings,
    ApiSettings,
    CircuitBreaker,
    HttpsUrl,
    PoolMemberSettings,
    StatusCodeRange,
    duplicate_paths,
    product_api_problems,
)
from azplatform.components.apim_policies import ApiPolicies
from azplatform.components.application_gateway import ApplicationGatewaySettings
from azplatform.components.args import Args
from azplatform.plan.environments import ENVIRONMENTS, is_environment, traits
from azplatform.stacks.config_base import get_path as _get
from azplatform.stacks.errors import ConfigProblem, ProblemList

_A = TypeVar("_A", bound=Args)


class _PlatformKeys(Args):
    """A component's settings plus keys the platform interprets: :meth:`extend` leaves those keys out."""

    def extend(self, args_type: type[_A], **fields: Any) -> _A:
        """These settings (without the platform's own keys) plus ``fields``, validated as ``args_type``."""
        own = {key: value for key, value in self if key in args_type.model_fields}
        return args_type.model_validate({**own, **fields})


# --- Application Gateway and its WAF policy ----------------------------------------------------------------


class ApplicationGatewayConfig(_PlatformKeys, ApplicationGatewaySettings):
    """Application Gateway WAF_v2 and its WAF policy."""

    direct_backend_app: str = Field(
        default="api", description="App the gateway sends traffic to when there is no API Management. Default api."
    )


# --- API Management ---------------------------------------------------------------------------------------


class PoolMemberConfig(PoolMemberSettings):
    """One backend of a pool: an app of the platform or an HTTPS URL."""

    app: str | None = Field(default=None, description="A Container App by its apps key.")
    url: HttpsUrl | None = Field(default=None, description="An HTTPS URL.")

    @model_validator(mode="after")
    def _one_target(self) -> PoolMemberConfig:
        if (self.app is None) == (self.url is None):
            raise ValueError("give exactly one of app or url")
        return self


class ModelMemberConfig(PoolMemberSettings):
    """One model deployment behind a model route: an ``aiServices`` account and one of its deployments."""

    account: str = Field(min_length=1, description="The account's key in aiServices.accounts.")
    deployment: str = Field(min_length=1, description="The deployment's name on that account.")


class ShadowConfig(Args):
    """Shadow traffic for a model rollout: a share of a model route's requests mirrored to a candidate deployment,
    whose answers are discarded."""

    account: str = Field(min_length=1, description="The candidate's account key in aiServices.accounts.")
    deployment: str = Field(min_length=1, description="The candidate deployment's name on that account.")
    percent: int = Field(ge=1, le=100, description="Share of the route's requests mirrored, 1-100.")


class EmbeddingsConfig(Args):
    """The embeddings deployment a model route's semantic cache vectorises prompts with."""

    account: str = Field(min_length=1, description="The account's key in aiServices.accounts.")
    deployment: str = Field(
        min_length=1, description="The name of an embeddings deployment (model text-embedding-*) on that account."
    )


EMBEDDINGS_MODEL_PREFIX = "text-embedding-"
"""Azure OpenAI's embeddings models (text-embedding-3-small, -3-large, -ada-002): what a semantic cache's
embeddings deployment must run. https://learn.microsoft.com/azure/ai-foundry/openai/concepts/models#embeddings"""


# A model route's breaker also trips on 429 (a provisioned deployment that is full) and keeps the backend out for as
# long as its Retry-After says, so the pool moves on to the next priority instead of queueing behind it.
# https://learn.microsoft.com/azure/api-management/backends#circuit-breaker
MODEL_CIRCUIT_BREAKER = CircuitBreaker(
    failures=1,
    interval_seconds=10,
    trip_seconds=10,
    status_codes=[StatusCodeRange(min=429, max=429), StatusCodeRange(min=500, max=599)],
    accept_retry_after=True,
)


class BackendConfig(Args):
    """Where an API goes: one app, one HTTPS URL, a load-balanced pool, or a model route (model deployments of the
    platform's AI services, reached with API Management's identity); each single backend has a circuit breaker."""

    app: str | None = Field(default=None, description="A Container App by its apps key (https://<app>.<domain>).")
    url: HttpsUrl | None = Field(default=None, description="An HTTPS URL.")
    pool: Annotated[list[PoolMemberConfig], POOL_SIZE] | None = Field(
        default=None, description="A load-balanced pool of 2-30 backends."
    )
    models: Annotated[list[ModelMemberConfig], Field(min_length=1, max_length=30)] | None = Field(
        default=None,
        description="A model route: 1-30 model deployments (aiServices), by priority and weight; API Management calls "
        "them with its managed identity, never a key.",
    )
    shadow: ShadowConfig | None = Field(
        default=None,
        description="A model route's shadow traffic to a candidate deployment (same identity, answers discarded). "
        "Default: none.",
    )
    embeddings: EmbeddingsConfig | None = Field(
        default=None,
        description="A model route's embeddings deployment, which its semantic cache (policies.semanticCache) "
        "vectorises prompts with; API Management calls it as its system-assigned identity. Default: none.",
    )
    circuit_breaker: CircuitBreaker | None = Field(
        default=None,
        description="Circuit breaker of each single backend. Default: 5 server errors a minute trip it for a minute; "
        "for a model route, one 429 or server error trips it for Retry-After (at least 10 s).",
    )

    @model_validator(mode="after")
    def _one_target(self) -> BackendConfig:
        if sum(x is not None for x in (self.app, self.url, self.pool, self.models)) != 1:
            raise ValueError("give exactly one of app, url, pool or models")
        if self.shadow is not None and self.models is None:
            raise ValueError("shadow traffic mirrors a model route: give models")
        if self.embeddings is not None and self.models is None:
            raise ValueError("an embeddings deployment serves a model route's semantic cache: give models")
        return self

    @property
    def breaker(self) -> CircuitBreaker:
        """The circuit breaker each single backend gets (the model route's default differs)."""
        if self.circuit_breaker is not None:
            return self.circuit_breaker
        return MODEL_CIRCUIT_BREAKER if self.models is not None else CircuitBreaker()


class ApiConfig(_PlatformKeys, ApiSettings):
    """One API on the gateway: its settings, where its requests go and its policies."""

    backend: BackendConfig = Field(description="Where requests go.")
    policies: ApiPolicies = Field(default_factory=ApiPolicies, description="Policies. Default: none.")

    @model_validator(mode="after")
    def _semantic_cache(self) -> ApiConfig:
        cached, embeddings = self.policies.semantic_cache is not None, self.backend.embeddings is not None
        if cached and not embeddings:
            raise ProblemList(
                [
                    (
                        "policies.semanticCache",
                        "needs backend.embeddings, the embeddings deployment (text-embedding-*) that vectorises "
                        "the prompts",
                        None,
                    )
                ]
            )
        if embeddings and not cached:
            raise ProblemList(
                [("backend.embeddings", "serves only a semantic cache: add policies.semanticCache or remove it", None)]
            )
        return self


class ApimConfig(_PlatformKeys, ApiManagementSettings):
    """API Management, the AI gateway (internal VNet mode)."""

    apis: dict[ApiId, ApiConfig] = Field(default_factory=dict, description="APIs by id. Default: none.")

    @model_validator(mode="after")
    def _product_apis(self) -> ApimConfig:
        problems = product_api_problems(self.products, self.apis)
        if problems:
            raise ProblemList(problems)
        return self

    @field_validator("apis")
    @classmethod
    def _paths(cls, value: dict[str, ApiConfig]) -> dict[str, ApiConfig]:
        taken = duplicate_paths({api_id: api.path for api_id, api in value.items()})
        if taken:
            raise ProblemList([(f"{api_id}.path", why, value[api_id].path) for api_id, why in taken.items()])
        return value


# --- checks that need the environment or the apps ---------------------------------------------------------


def edge_problems(data: Mapping[str, Any]) -> list[ConfigProblem]:
    """Cross-key checks of the edge on raw (possibly invalid) values; malformed values are left to the models."""
    problems: list[ConfigProblem] = []
    environment = data.get("environment")
    detection = _get(data, "appGateway", "wafMode") == "Detection"
    if detection and is_environment(environment) and not traits(environment).waf_detection_allowed:
        allowed = " and ".join(name for name in ENVIRONMENTS if traits(name).waf_detection_allowed)
        problems.append(
            ConfigProblem(
                "appGateway.wafMode",
                f"Detection only logs attacks; {environment} must block them: use Prevention "
                f"(Detection is allowed in {allowed} only)",
                "Detection",
            )
        )
    raw_apps = data.get("apps")
    apps: Mapping[str, Any] = raw_apps if isinstance(raw_apps, Mapping) else {}
    served = {name for name, app in apps.items() if isinstance(app, Mapping) and app.get("targetPort") is not None}
    apis = _get(data, "apim", "apis")
    deployments = {
        (key, name): deployment
        for key, account in (_get(data, "aiServices", "accounts") or {}).items()
        if isinstance(account, Mapping)
        for name, deployment in (account.get("deployments") or {}).items()
    }
    for api_id, api in apis.items() if isinstance(apis, Mapping) else []:
        backend = _get(api, "backend")
        models = _get(backend, "models")
        named = [(f"backend.models.{i}", m) for i, m in enumerate(models if isinstance(models, list) else [])]
        named += [
            (f"backend.{key}", _get(backend, key))
            for key in ("shadow", "embeddings")
            if isinstance(_get(backend, key), Mapping)
        ]
        for path, member in named:
            target = (_get(member, "account"), _get(member, "deployment"))
            if all(isinstance(part, str) for part in target) and target not in deployments:
                problems.append(
                    ConfigProblem(
                        f"apim.apis.{api_id}.{path}",
                        f"names no deployment of aiServices; deployments: {sorted('/'.join(d) for d in deployments)}",
                        "/".join(str(part) for part in target),
                    )
                )
            model = _get(deployments.get(target), "model")
            if (
                path == "backend.embeddings"
                and isinstance(model, str)
                and not model.startswith(EMBEDDINGS_MODEL_PREFIX)
            ):
                problems.append(
                    ConfigProblem(
                        f"apim.apis.{api_id}.{path}",
                        f"runs {model}, not an embeddings model ({EMBEDDINGS_MODEL_PREFIX}*), so the semantic cache "
                        "could not vectorise prompts with it",
                        "/".join(str(part) for part in target),
                    )
                )
        members = _get(backend, "pool")
        targets = [("backend.app", _get(backend, "app"))]
        targets += (
            [(f"backend.pool.{i}.app", _get(m, "app")) for i, m in enumerate(members)]
            if isinstance(members, list)
            else []
        )
        for path, app in targets:
            if isinstance(app, str) and app not in served:
                problems.append(
                    ConfigProblem(
                        f"apim.apis.{api_id}.{path}",
                        f"names no app with ingress; apps with ingress: {sorted(served)}",
                        app,
                    )
                )
    direct = _get(data, "appGateway", "directBackendApp") or "api"
    if "apim" in data and data.get("apim") is None and isinstance(direct, str) and direct not in served:
        problems.append(
            ConfigProblem(
                "appGateway.directBackendApp",
                f"with apim: null the gateway sends traffic straight to this app, which needs ingress; "
                f"apps with ingress: {sorted(served)}",
                direct,
            )
        )
    return problems
