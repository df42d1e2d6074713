"""Names: deterministic, CAF-shaped, and within each resource type's rules."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from azplatform.components.ai_services import ACCOUNT_NAME_RULE, DATA_ZONES, account_name
from azplatform.components.flow_logs import STORAGE_ACCOUNT_NAME_RULE
from azplatform.components.naming import Kind, Namer, stable_suffix
from azplatform.components.postgres import SERVER_NAME_RULE
from azplatform.components.regions import REGIONS
from azplatform.components.service_bus import NAMESPACE_NAME_RULE
from azplatform.stacks.config import load_platform_config
from azplatform.stacks.errors import ConfigError
from tests.conftest import stack_values


def test_stable_suffix_is_deterministic_and_short() -> None:
    assert stable_suffix("azp/prod/westeurope") == stable_suffix("azp/prod/westeurope")
    assert stable_suffix("azp/prod/westeurope") != stable_suffix("azp/dev/westeurope")
    assert len(stable_suffix("x")) == 5


def test_registry_and_waf_names_have_no_hyphens() -> None:
    namer = Namer("azp", "prod", "weu", "abcde")
    assert namer.name(Kind.CONTAINER_REGISTRY) == "crazpprodweuabcde"
    assert namer.name(Kind.WAF_POLICY) == "wafazpprodweu"


def test_key_vault_rule_rejects_consecutive_hyphens_and_length() -> None:
    rule = Kind.KEY_VAULT.value
    assert rule.problems("kv-azp-prod-weu-abcde") == []
    assert rule.problems("kv--azp") != []
    assert any("allowed 3-24" in p for p in rule.problems("kv-" + "a" * 30))


@settings(max_examples=40, deadline=None)
@given(
    prefix=st.from_regex(r"[a-z][a-z0-9]{1,9}", fullmatch=True),
    environment=st.sampled_from(["dev", "staging", "prod"]),
    location=st.sampled_from(sorted(REGIONS)),
)
def test_any_accepted_config_yields_only_valid_names(prefix: str, environment: str, location: str) -> None:
    values = stack_values(environment)
    values.update({"namePrefix": prefix, "location": location, "zoneRedundant": REGIONS[location].zones})
    try:
        config = load_platform_config(values, f"Pulumi.{environment}.yaml")
    except ConfigError as error:
        # The only acceptable rejections: a name that would break a rule, reported on namePrefix, dev's zone-less
        # SKUs (APIM Developer, single-node Redis) when zoneRedundant is forced on, and the profiles' data zone
        # model deployments in a region outside the US and EU data zones.
        paths = {p.path for p in error.problems}
        data_zone = {p for p in paths if p.startswith("aiServices.accounts.") and p.endswith(".sku")}
        assert paths - data_zone <= {"namePrefix", "apim.sku", "redis.highAvailability"}, str(error)
        assert not data_zone or location not in DATA_ZONES, str(error)
        return
    namer = config.namer
    for kind in Kind:
        name = namer.name(kind, "api" if kind in (Kind.CONTAINER_APP, Kind.CONTAINER_APP_JOB) else None)
        assert kind.value.problems(name) == [], (kind, name)
        assert name == config.namer.name(kind, "api" if kind in (Kind.CONTAINER_APP, Kind.CONTAINER_APP_JOB) else None)
    # The rules component modules keep for their own types.
    for rule in (SERVER_NAME_RULE, NAMESPACE_NAME_RULE, STORAGE_ACCOUNT_NAME_RULE, ACCOUNT_NAME_RULE):
        assert rule.problems(namer.name(rule)) == [], rule
    assert ACCOUNT_NAME_RULE.problems(account_name(namer, "secondary", "swedencentral", location)) == []
