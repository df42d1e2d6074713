"""Azure AI services (Azure OpenAI / AI Foundry models): the account and its model deployments."""

from __future__ import annotations

from azplatform.components.records.billing import Free, Priced, no_charges, usage_figure
from azplatform.components.records.model import (
    Immutable,
    Prerequisite,
    PrivateLink,
    Reserved,
    Telemetry,
    Tier,
    TypeRecord,
)
from azplatform.components.records.sources import ARM_MOVE, PRIVATE_LINK_DNS, QUICK

ACCOUNT = "azure-native:cognitiveservices:Account"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"

_SUBDOMAINS = "https://learn.microsoft.com/azure/ai-services/cognitive-services-custom-subdomains"

ORDER = 55
"""Where these records come in :data:`~azplatform.components.records.RECORDS` (lower first)."""

TOKENS = usage_figure(
    "tokens_per_month",
    0,
    "Model tokens a month through AI services deployments (not priced yet: the deployments' records price nothing).",
)

RECORDS = (
    TypeRecord(
        token=ACCOUNT,
        # An AIServices account (S0) has no charge of its own: its deployments are billed.
        cost=Free("the account is free; its model deployments are billed per token or per PTU-hour"),
        label="AI services",
        tier=Tier.PLATFORM,
        arm_id="{rg}/providers/Microsoft.CognitiveServices/accounts/{accountName}",
        parent=None,
        # Its deployments hold provisioned capacity that may not be found again, and it keeps fine-tuned models and
        # stored files: protected and locked in prod like a data store.
        stateful=True,
        taggable=True,
        # Audit, RequestResponse, Trace and AzureOpenAIRequestUsage logs, and the account's metrics.
        # https://learn.microsoft.com/azure/ai-foundry/openai/monitor-openai-reference
        telemetry=Telemetry.LOGS,
        create_minutes=1,
        create_time_basis="estimate",
        create_time_source=QUICK,
        prerequisites=(),
        immutable=(
            Immutable("location", "an AI services account cannot move between regions", ARM_MOVE),
            Immutable("kind", "an account's kind (AIServices, OpenAI...) is fixed at creation", _SUBDOMAINS),
            Immutable(
                "properties.customSubDomainName",
                "a custom subdomain name can't be changed once it is set; another name means a new account",
                _SUBDOMAINS,
            ),
        ),
        outage="a new account: every model deployment is recreated in it (and provisioned capacity must be found "
        "again), and callers reach nothing until API Management's backends point at it",
        private_link=PrivateLink(
            group_id="account",
            zone="privatelink.cognitiveservices.azure.com",
            also=("privatelink.openai.azure.com", "privatelink.services.ai.azure.com"),
            source=f"{PRIVATE_LINK_DNS}#ai--machine-learning",
            ports=("443",),
            ports_source="https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks",
        ),
    ),
    TypeRecord(
        token=DEPLOYMENT,
        cost=Priced(
            (),
            no_charges,
            "billed per token by model (standard SKUs) or per PTU-hour (provisioned SKUs); the estimate does not "
            "price model deployments yet",
        ),
        label="model deployment",
        outage="the model route loses this deployment; a provisioned deployment's throughput units go back to the "
        "region, with no guarantee they can be had again",
        # "Scaling down or deleting a deployment releases capacity back to the region. There's no guarantee that the
        # capacity is available if the deployment is scaled up or re-created later."
        reserved=Reserved(
            "sku.capacity",
            lambda inputs: str((inputs.get("sku") or {}).get("name", "")).endswith("ProvisionedManaged"),
            "provisioned throughput units",
            "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/provisioned-throughput",
        ),
        tier=Tier.PLUMBING,
        arm_id="{rg}/providers/Microsoft.CognitiveServices/accounts/{accountName}/deployments/{deploymentName}",
        parent=ACCOUNT,
        stateful=False,
        taggable=True,
        telemetry=Telemetry.NONE,
        # Azure OpenAI's own answer to a call on a deployment not serving yet: "The API deployment for this
        # resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment
        # and try again." (DeploymentNotFound): five minutes is the service's stated window for a new deployment,
        # taken here as its creation time (an upper bound for the ARM operation; chained, they add up).
        create_minutes=5,
        create_time_basis="reported",
        create_time_source="https://learn.microsoft.com/answers/questions/1299621 (the service's DeploymentNotFound "
        "message: 'If you created the deployment within the last 5 minutes, please wait a moment and try again')",
        create_time_note="a provisioned deployment waits for capacity in the region and can take longer; the "
        "deployments of one account are created one after another, so their times add up",
        prerequisites=(
            Prerequisite(ACCOUNT, "a child of its account"),
            # Azure refuses concurrent deployment writes on one account (RequestConflict, "Another operation is
            # being performed on the parent resource"): components chain them.
            Prerequisite(DEPLOYMENT, "one deployment at a time per account: each waits for the previous one"),
        ),
    ),
)
