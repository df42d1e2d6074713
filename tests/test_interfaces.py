"""The shared interfaces (Azure Verified Modules' vocabulary) and the one function that applies them."""

from __future__ import annotations

import gc

import pulumi
import pulumi_azure_native as azure_native
import pytest
from pydantic import ValidationError

from azplatform.components.args import Args
from azplatform.components.interfaces import (
    CommonArgs,
    DiagnosticSettings,
    Lock,
    ManagedIdentities,
    PrivateEndpointSpec,
    RoleAssignmentSpec,
    apply_interfaces,
)
from azplatform.components.rbac import BuiltInRole, RoleCatalogue
from azplatform.components.service_bus import ServiceBusRole
from azplatform.stacks.offline import Plan, render

RG = "rg-unit"
WS = f"/subscriptions/s/resourceGroups/{RG}/providers/Microsoft.OperationalInsights/workspaces/log-unit"
SUBNET = f"/subscriptions/s/resourceGroups/{RG}/providers/Microsoft.Network/virtualNetworks/v/subnets/pep"
ZONE = (
    f"/subscriptions/s/resourceGroups/{RG}/providers/Microsoft.Network/privateDnsZones/privatelink.vaultcore.azure.net"
)
PRINCIPAL = "00000000-0000-4000-8000-000000000123"


class _VaultArgs(CommonArgs):
    private_endpoints: list[PrivateEndpointSpec] = []


def _common(**kwargs: object) -> _VaultArgs:
    return _VaultArgs.model_validate({"resource_group_name": RG, "location": "westeurope", **kwargs})


class _Owner(pulumi.ComponentResource):
    def __init__(self, name: str, args: _VaultArgs) -> None:
        super().__init__("azplatform:test:Owner", name)
        vault = azure_native.keyvault.Vault(
            name,
            vault_name="kv-unit",
            resource_group_name=RG,
            properties=azure_native.keyvault.VaultPropertiesArgs(
                tenant_id="t", sku=azure_native.keyvault.SkuArgs(family="A", name="standard")
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.applied = apply_interfaces(
            self, name, args, vault, azure_name="kv-unit", group_id="vault", lock_notes="holds secrets"
        )
        self.register_outputs({})


@pytest.fixture(scope="module")
def everything_on() -> Plan:
    """A resource given every interface, two of each list."""
    args = _common(
        diagnostic_settings=[
            DiagnosticSettings(workspace_id=WS),
            DiagnosticSettings(workspace_id=WS, name="audit", categories="logs"),
        ],
        private_endpoints=[
            PrivateEndpointSpec(subnet_id=SUBNET, private_dns_zone_ids=[ZONE]),
            PrivateEndpointSpec(subnet_id=SUBNET, private_dns_zone_ids=[ZONE], name="pep-kv-unit-2"),
        ],
        lock=Lock(),
        role_assignments=[
            RoleAssignmentSpec(role="KEY_VAULT_SECRETS_USER", principal_id=PRINCIPAL, key="reader"),
            RoleAssignmentSpec(
                role="acdd72a7-3385-48ef-bd42-f606fba81ae7", principal_id=PRINCIPAL, key="ops", principal_type="Group"
            ),
        ],
    )
    return render(lambda: _Owner("vault", args), project="unit", stack="unit", config={})


def test_each_diagnostic_setting_is_created_with_its_categories(everything_on: Plan) -> None:
    settings = {r.inputs["name"]: r for r in everything_on.of_type("azure-native:monitor:DiagnosticSetting")}
    assert set(settings) == {"diag-to-log-analytics", "audit"}
    assert settings["diag-to-log-analytics"].inputs["metrics"][0]["category"] == "AllMetrics"
    assert settings["audit"].inputs["logs"][0]["categoryGroup"] == "allLogs"
    assert not settings["audit"].inputs.get("metrics")


def test_each_private_endpoint_registers_in_its_zones(everything_on: Plan) -> None:
    endpoints = everything_on.of_type("azure-native:network:PrivateEndpoint")
    assert sorted(e.inputs["privateEndpointName"] for e in endpoints) == ["pep-kv-unit", "pep-kv-unit-2"]
    groups = everything_on.of_type("azure-native:network:PrivateDnsZoneGroup")
    assert {g.inputs["privateDnsZoneConfigs"][0]["name"] for g in groups} == {"privatelink-vaultcore-azure-net"}
    assert all(g.inputs["privateDnsZoneConfigs"][0]["privateDnsZoneId"] == ZONE for g in groups)


def test_lock_defaults_to_cannot_delete_named_after_the_component(everything_on: Plan) -> None:
    lock = everything_on.one("azure-native:authorization:ManagementLockByScope")
    assert lock.inputs["level"] == "CanNotDelete"
    assert lock.inputs["lockName"] == "lock-vault"
    assert lock.inputs["notes"] == "holds secrets"


def test_role_assignments_take_built_in_names_and_guids(everything_on: Plan) -> None:
    grants = {r.name: r for r in everything_on.of_type("azure-native:authorization:RoleAssignment")}
    reader = grants["vault-key-vault-secrets-user-reader"].inputs
    assert reader["roleDefinitionId"].endswith(BuiltInRole.KEY_VAULT_SECRETS_USER.value)
    assert reader["principalType"] == "ServicePrincipal"
    ops = grants["vault-role-acdd72a7-ops"].inputs
    assert ops["roleDefinitionId"].endswith("/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7")
    assert ops["principalType"] == "Group"


def test_nothing_is_attached_by_default() -> None:
    plan = render(lambda: _Owner("bare", _common()), project="unit", stack="unit", config={})
    assert {r.type for r in plan.resources if r.custom} == {"azure-native:keyvault:Vault"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"location": "mars"}, "unknown Azure region 'mars'"),
        ({"tags": {f"t{i}": "v" for i in range(51)}}, "51 tags; Azure allows at most 50"),
        ({"tags": {"a/b": "v"}}, "tag names ['a/b'] break Azure's rules"),
        (
            {"diagnostic_settings": [DiagnosticSettings(workspace_id=WS), DiagnosticSettings(workspace_id=WS)]},
            "diagnostic_settings: each needs its own name",
        ),
        (
            {
                "role_assignments": [
                    RoleAssignmentSpec(role="ACR_PULL", principal_id=PRINCIPAL, key="x"),
                    RoleAssignmentSpec(role="ACR_PULL", principal_id=PRINCIPAL, key="x"),
                ]
            },
            "role_assignments: each needs its own key",
        ),
    ],
)
def test_common_args_refuse_what_azure_would(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _common(**kwargs)


def test_unknown_role_names_list_the_built_in_roles() -> None:
    with pytest.raises(ValidationError, match="built-in roles: KEY_VAULT_SECRETS_USER"):
        RoleAssignmentSpec(role="Owner", principal_id=PRINCIPAL, key="x")


def test_roles_kept_in_a_capability_module_are_named_like_built_in_ones() -> None:
    spec = RoleAssignmentSpec(role="SERVICE_BUS_DATA_SENDER", principal_id=PRINCIPAL, key="x")
    assert spec.role is ServiceBusRole.SERVICE_BUS_DATA_SENDER
    assert spec.role_definition_guid == "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39"
    with pytest.raises(ValidationError, match="SERVICE_BUS_DATA_OWNER"):
        RoleAssignmentSpec(role="Owner", principal_id=PRINCIPAL, key="x")


def test_a_role_name_in_two_catalogues_is_refused() -> None:
    class Clash(RoleCatalogue):
        ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"

    try:
        with pytest.raises(TypeError, match="ACR_PULL is in both BuiltInRole and Clash"):
            RoleCatalogue.every_role()
    finally:
        # The subclass list holds classes weakly: dropping the last reference removes it from the catalogue.
        del Clash
        gc.collect()
    assert "ACR_PULL" in RoleCatalogue.every_role()


def test_private_endpoint_needs_a_zone() -> None:
    with pytest.raises(ValidationError, match="private_dns_zone_ids"):
        PrivateEndpointSpec(subnet_id=SUBNET, private_dns_zone_ids=[])


def test_managed_identities_shape_arm_identity() -> None:
    both = ManagedIdentities(system_assigned=True, user_assigned_resource_ids=["/id/a"])
    assert both.type == "SystemAssigned, UserAssigned"
    assert both.user_assigned_map() == {"/id/a": {}}
    assert ManagedIdentities().type is None


def test_args_read_camel_case_keys_and_refuse_unknown_ones() -> None:
    assert DiagnosticSettings.model_validate({"workspaceId": WS, "categories": "metrics"}).categories == "metrics"
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        DiagnosticSettings.model_validate({"workspaceId": WS, "category": "metrics"})


def test_extend_validates_the_combined_args() -> None:
    class Settings(Args):
        retention: int = 7

    class Full(Settings):
        name: str

    assert Settings(retention=9).extend(Full, name="x") == Full(retention=9, name="x")
    with pytest.raises(ValidationError, match="name"):
        Settings().extend(Full)
