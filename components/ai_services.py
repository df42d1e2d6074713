"""Azure AI services (``Microsoft.CognitiveServices/accounts``, kind AIServices): Azure OpenAI and Foundry models
behind private link, keyless, with their model deployments.

What Azure requires, and what the settings therefore refuse:

- Keyless and private: ``disableLocalAuth`` (Entra ID only, so no key exists to leak) and ``publicNetworkAccess``
  Disabled; Entra ID authentication needs a custom subdomain (``<name>.cognitiveservices.azure.com``), which can't be
  changed once set (https://learn.microsoft.com/azure/ai-services/cognitive-services-custom-subdomains). A private
  endpoint (sub-resource ``account``) registers in three zones: ``privatelink.cognitiveservices.azure.com``,
  ``privatelink.openai.azure.com`` and ``privatelink.services.ai.azure.com``
  (https://learn.microsoft.com/azure/private-link/private-endpoint-dns#ai--machine-learning).
- Deployments: one write at a time per account. Azure answers a concurrent one with ``RequestConflict`` ("Another
  operation is being performed on the parent resource"), so each deployment here depends on the previous one.
- Deployment types (``sku.name``, https://learn.microsoft.com/azure/ai-foundry/openai/concepts/deployment-types):
  GlobalStandard, DataZoneStandard and Standard are billed per token, capacity in units of 1,000 tokens a minute;
  GlobalProvisionedManaged, DataZoneProvisionedManaged and ProvisionedManaged reserve provisioned throughput units
  (PTU). Data zone types keep processing inside a data zone, the US or the EU, so the account must be in one.
- Provisioned sizes (https://learn.microsoft.com/azure/ai-foundry/openai/how-to/provisioned-throughput-onboarding,
  the minimum deployment and scale increment per model): global and data zone provisioned deployments start at 15
  PTU in steps of 5 for every model in :data:`PTU_SIZES`; regional provisioned ones at the model's own size.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Literal

import pulumi
import pulumi_azure_native as azure_native
from pydantic import AfterValidator, Field, model_validator

from azplatform.components.args import Args, ProblemList
from azplatform.components.interfaces import CommonArgs, ManagedIdentities, PrivateEndpointSpec, apply_interfaces
from azplatform.components.naming import Namer, NameRule, name_check
from azplatform.components.rbac import ExistingResource, Grantable, Principal, RoleCatalogue
from azplatform.components.records.ai import ACCOUNT, DEPLOYMENT
from azplatform.components.regions import REGIONS
from azplatform.components.replacements import replace_on_changes

__all__ = [
    "AiServices",
    "AiServicesArgs",
    "AiServicesGrants",
    "AiServicesRole",
    "AiServicesSettings",
    "ExistingAiServices",
    "ModelDeploymentSettings",
    "account_name",
    "data_zone_problems",
]

TYPE_TOKEN = "azplatform:index:AiServices"
PRIVATE_LINK_GROUP = "account"

# Account names (the custom subdomain): 2-64 letters, digits and hyphens, alphanumeric at both ends; globally unique.
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftcognitiveservices
ACCOUNT_NAME_RULE = NameRule(
    "ais",
    2,
    64,
    r"[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]",
    "letters, digits, hyphens; alphanumeric first and last",
    globally_unique=True,
    lowercase=True,
)


def account_name(namer: Namer, key: str, location: str, home: str) -> str:
    """The platform's name for an account: ``ais-<prefix>-<key>[-<region>]-<env>-<home region>-<suffix>``, with the
    account's own region when it is not the stack's."""
    workload = key if location == home else f"{key}-{REGIONS[location].short}"
    return namer.name(ACCOUNT_NAME_RULE, workload)


STANDARD_SKUS = ("GlobalStandard", "DataZoneStandard", "Standard")
PROVISIONED_SKUS = ("GlobalProvisionedManaged", "DataZoneProvisionedManaged", "ProvisionedManaged")
ModelSku = Literal[
    "GlobalStandard",
    "DataZoneStandard",
    "Standard",
    "GlobalProvisionedManaged",
    "DataZoneProvisionedManaged",
    "ProvisionedManaged",
]

# The data zone of each region the platform knows that lies in one (the EU's member states, the US): a data zone
# deployment needs its account there. Regions in neither (Norway, Switzerland, the UK, Asia...) are absent.
DATA_ZONES: dict[str, Literal["EU", "US"]] = {
    **dict.fromkeys(
        (
            "francecentral",
            "germanywestcentral",
            "italynorth",
            "northeurope",
            "polandcentral",
            "spaincentral",
            "swedencentral",
            "westeurope",
        ),
        "EU",
    ),
    **dict.fromkeys(
        (
            "centralus",
            "eastus",
            "eastus2",
            "northcentralus",
            "southcentralus",
            "westcentralus",
            "westus",
            "westus2",
            "westus3",
        ),
        "US",
    ),
}

# Regional provisioned (ProvisionedManaged) minimum deployment and scale increment, in PTU, per model (the same
# number for both); global and data zone provisioned are 15 and 5 for all of these.
PTU_SIZES: dict[str, int] = {
    "gpt-5": 50,
    "gpt-5-mini": 25,
    "gpt-5.1": 50,
    "gpt-5.2": 50,
    "gpt-4.1": 50,
    "gpt-4.1-mini": 25,
    "gpt-4.1-nano": 25,
    "gpt-4o": 50,
    "gpt-4o-mini": 25,
    "o3": 50,
    "o4-mini": 25,
}
GLOBAL_PTU_MINIMUM, GLOBAL_PTU_INCREMENT = 15, 5

# Deployment names: letters, digits, hyphens, underscores and periods, 2-64 characters (the platform's own bound).
_DEPLOYMENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9]$")


class ModelDeploymentSettings(Args):
    """One model deployment: the model, its deployment type and size, its content filter and how it upgrades."""

    model: str = Field(
        min_length=1, max_length=64, description="Model name, for example gpt-4o or text-embedding-3-large."
    )
    version: str = Field(min_length=1, max_length=32, description="Model version, for example 2024-11-20.")
    format: str = Field(default="OpenAI", min_length=1, description="Model format (publisher). Default OpenAI.")
    sku: ModelSku = Field(description="Deployment type: " + ", ".join((*STANDARD_SKUS, *PROVISIONED_SKUS)) + ".")
    capacity: int = Field(
        ge=1,
        description="Standard types: thousands of tokens a minute. Provisioned types: PTU, at least the model's "
        "minimum and in its increments.",
    )
    rai_policy: str = Field(
        default="Microsoft.DefaultV2",
        min_length=1,
        description="Content filter (RAI) policy. Default Microsoft.DefaultV2, Azure's default filter.",
    )
    version_upgrade: Literal["OnceNewDefaultVersionAvailable", "OnceCurrentVersionExpired", "NoAutoUpgrade"] = Field(
        default="OnceCurrentVersionExpired",
        description="When Azure moves the deployment to a newer model version. Default OnceCurrentVersionExpired "
        "(no silent change of behaviour while the version is supported).",
    )
    spillover_to: str | None = Field(
        default=None,
        description="A provisioned deployment's spillover: the standard deployment (on the same account) that "
        "takes requests beyond its PTU instead of a 429. Default: none.",
    )

    @model_validator(mode="after")
    def _size(self) -> ModelDeploymentSettings:
        problems: list[tuple[tuple[str, ...], str, object]] = []
        if self.sku in PROVISIONED_SKUS:
            regional = self.sku == "ProvisionedManaged"
            size = PTU_SIZES.get(self.model) if regional else GLOBAL_PTU_MINIMUM
            step = size if regional else GLOBAL_PTU_INCREMENT
            if size is not None and step is not None and (self.capacity < size or self.capacity % step):
                problems.append(
                    (
                        ("capacity",),
                        f"{self.sku} {self.model} takes at least {size} PTU in steps of {step}",
                        self.capacity,
                    )
                )
        elif self.spillover_to is not None:
            problems.append((("spillover_to",), "only a provisioned deployment spills over", self.spillover_to))
        if problems:
            raise ProblemList(problems)
        return self


class AiServicesSettings(Args):
    """What a user chooses about the account: its model deployments (the stack file's ``aiServices``)."""

    deployments: dict[str, ModelDeploymentSettings] = Field(
        default_factory=dict, description="Model deployments by name, created one after another in this order."
    )

    @model_validator(mode="after")
    def _deployments(self) -> AiServicesSettings:
        problems: list[tuple[tuple[str, ...], str, object]] = []
        seen: dict[tuple[str, str], str] = {}
        for name, deployment in self.deployments.items():
            if not _DEPLOYMENT_NAME.match(name):
                problems.append(
                    (
                        ("deployments", name),
                        "a deployment name is 2-64 letters, digits, hyphens, underscores, periods",
                        name,
                    )
                )
            key = (deployment.model, deployment.sku)
            if key in seen:
                problems.append(
                    (
                        ("deployments", name),
                        f"deploys {deployment.model} as {deployment.sku} again (as {seen[key]})",
                        name,
                    )
                )
            seen.setdefault(key, name)
            target = deployment.spillover_to
            if target is not None and (
                target not in self.deployments or self.deployments[target].sku not in STANDARD_SKUS
            ):
                problems.append(
                    (
                        ("deployments", name, "spillover_to"),
                        f"names {target!r}, which is not a standard deployment of this account",
                        target,
                    )
                )
        if problems:
            raise ProblemList(problems)
        return self


class AiServicesArgs(AiServicesSettings, CommonArgs):
    """Arguments for :class:`AiServices`: the settings plus name, placement and the shared interfaces."""

    name: Annotated[str, AfterValidator(name_check(ACCOUNT_NAME_RULE, "AI services account"))] = Field(
        description="Account name, also its custom subdomain (<name>.cognitiveservices.azure.com); globally unique."
    )
    managed_identities: ManagedIdentities = Field(
        default_factory=lambda: ManagedIdentities(system_assigned=True),
        description="The account's identities. Default: system-assigned (content safety, projects).",
    )
    private_endpoints: list[PrivateEndpointSpec] = Field(
        default_factory=list,
        description="Private endpoints (sub-resource account), each with the three zones the account's names "
        "resolve in. Default: none (then nothing can reach it: public access is off).",
    )

    @model_validator(mode="after")
    def _data_zone(self) -> AiServicesArgs:
        location = self.location if isinstance(self.location, str) else None
        skus = {name: deployment.sku for name, deployment in self.deployments.items()}
        problems = [
            (("deployments", *path), message, value) for path, message, value in data_zone_problems(location, skus)
        ]
        if problems:
            raise ProblemList(problems)
        return self


def data_zone_problems(location: str | None, skus: Mapping[str, object]) -> list[tuple[tuple[str, str], str, object]]:
    """Deployments (name -> deployment type) whose data zone type an account in ``location`` cannot take, as
    ((name, "sku"), message, type); none when the region is unknown here or in a data zone."""
    if location is None or location in DATA_ZONES:
        return []
    return [
        ((name, "sku"), f"{sku} keeps processing in a data zone (the US or the EU), and {location} is in neither", sku)
        for name, sku in skus.items()
        if isinstance(sku, str) and sku.startswith("DataZone")
    ]


class AiServicesRole(RoleCatalogue):
    """AI services data-plane roles (https://learn.microsoft.com/azure/ai-foundry/openai/how-to/role-based-access-control)."""

    COGNITIVE_SERVICES_OPENAI_USER = "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd"


class AiServicesGrants(Grantable):
    """Grants on an account, for an :class:`AiServices` and an :class:`ExistingAiServices` alike."""

    def grant_openai_user(self, principal: Principal) -> azure_native.authorization.RoleAssignment:
        """Cognitive Services OpenAI User: call the account's deployments with an Entra token (no key)."""
        return self._grant(AiServicesRole.COGNITIVE_SERVICES_OPENAI_USER, principal)


class ExistingAiServices(ExistingResource, AiServicesGrants):
    """An account another stack owns, by id: grants on it."""


class AiServices(pulumi.ComponentResource, AiServicesGrants):
    """A private, keyless AI services account and its model deployments, created one at a time."""

    id: pulumi.Output[str]
    endpoint: pulumi.Output[str]

    def __init__(self, name: str, args: AiServicesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        cs = azure_native.cognitiveservices
        self.account = cs.Account(
            name,
            account_name=args.name,
            resource_group_name=args.resource_group_name,
            location=args.location,
            kind="AIServices",
            sku=cs.SkuArgs(name="S0"),
            identity=cs.IdentityArgs(
                type=cs.ResourceIdentityType(args.managed_identities.type),
                user_assigned_identities=list(args.managed_identities.user_assigned_resource_ids) or None,
            )
            if args.managed_identities.type
            else None,
            properties=cs.AccountPropertiesArgs(
                custom_sub_domain_name=args.name.lower(),
                disable_local_auth=True,
                public_network_access="Disabled",
                network_acls=cs.NetworkRuleSetArgs(default_action="Deny"),
            ),
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self, protect=args.protect, replace_on_changes=replace_on_changes(ACCOUNT)
            ),
        )
        self._grant_owner, self._grant_name, self._grant_scope = self, name, self.account.id
        self.deployments: dict[str, azure_native.cognitiveservices.Deployment] = {}
        previous: pulumi.Resource | None = None
        for deployment_name, deployment in args.deployments.items():
            created = cs.Deployment(
                f"{name}-{deployment_name}",
                account_name=self.account.name,
                resource_group_name=args.resource_group_name,
                deployment_name=deployment_name,
                sku=cs.SkuArgs(name=deployment.sku, capacity=deployment.capacity),
                properties=cs.DeploymentPropertiesArgs(
                    model=cs.DeploymentModelArgs(
                        format=deployment.format, name=deployment.model, version=deployment.version
                    ),
                    rai_policy_name=deployment.rai_policy,
                    version_upgrade_option=deployment.version_upgrade,
                    spillover_deployment_name=deployment.spillover_to,
                ),
                tags=dict(args.tags),
                # Azure takes one deployment write at a time per account (RequestConflict otherwise).
                opts=pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[previous] if previous is not None else None,
                    replace_on_changes=replace_on_changes(DEPLOYMENT),
                ),
            )
            self.deployments[deployment_name] = created
            previous = created
        self.interfaces = apply_interfaces(
            self,
            name,
            args,
            self.account,
            azure_name=args.name,
            group_id=PRIVATE_LINK_GROUP,
            lock_notes="The AI gateway's models are deployed on this account",
        )
        self.id = self.account.id
        self.endpoint_url = f"https://{args.name.lower()}.cognitiveservices.azure.com/"
        """The endpoint, known from the name alone (a policy can name it before the account exists)."""
        self.endpoint = pulumi.Output.from_input(self.endpoint_url)
        self.register_outputs({"id": self.id, "endpoint": self.endpoint})


# Runnable examples for the component reference (`azplatform docs`): tests/test_docs.py runs each under the offline
# harness, with RG, SUBNETS, WORKSPACE and ZONES defined as on the generated page.
EXAMPLES: dict[str, str] = {
    "AiServices": """
from azplatform.components import AiServices, AiServicesArgs, DiagnosticSettings, PrivateEndpointSpec

models = AiServices("ai", AiServicesArgs(
    name="ais-shop-dev-weu", resource_group_name=RG, location="westeurope",
    deployments={
        "gpt-4o-mini": {"model": "gpt-4o-mini", "version": "2024-07-18", "sku": "DataZoneStandard", "capacity": 50},
        "embeddings": {"model": "text-embedding-3-large", "version": "1", "sku": "GlobalStandard", "capacity": 20},
    },
    private_endpoints=[PrivateEndpointSpec(subnet_id=f"{SUBNETS}/snet-pep", private_dns_zone_ids=[
        f"{ZONES}/privatelink.cognitiveservices.azure.com",
        f"{ZONES}/privatelink.openai.azure.com",
        f"{ZONES}/privatelink.services.ai.azure.com",
    ])],
    diagnostic_settings=[DiagnosticSettings(workspace_id=WORKSPACE)],
))
""",
}
