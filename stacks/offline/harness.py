"""Run a real Pulumi program under recording mocks and return its plan.

This is the offline plan of docs/architecture.md: the program runs with ``preview=False`` so every ``apply`` runs,
invokes get realistic answers, every resource gets an ARM-shaped id, and each RegisterResourceRequest is
recorded (type, name, parent, inputs, dependencies, options). Secret values are masked as ``[secret]``.

Other teams use the same entry point, :func:`render`, to test their own stacks.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import gc
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_in_stack

from azplatform.components import records
from azplatform.components.records import offline as identities
from azplatform.plan import SECRET, Plan, PlannedResource, ResourceOptions

_SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
_RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"

InvokeHandler = Callable[[Mapping[str, Any]], dict[str, Any]]


def _mask(value: Any) -> Any:
    """Replace secret-wrapped values with ``[secret]`` and resource references with their URN."""
    if isinstance(value, dict):
        if value.get(_SECRET_SIG_KEY) == _SECRET_SIG:
            return SECRET
        if value.get(_SECRET_SIG_KEY) == _RESOURCE_SIG:
            return value.get("urn")
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf Structs carry every number as a double
    return value


def _client_config(_: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "clientId": identities.CLIENT_ID,
        "objectId": identities.CLIENT_OBJECT_ID,
        "subscriptionId": identities.SUBSCRIPTION_ID,
        "tenantId": identities.TENANT_ID,
    }


def redis_database_keys(args: Mapping[str, Any]) -> dict[str, Any]:
    """Answer ``listDatabaseKeys`` with keys derived from the database's name: realistic (44 base64 characters)
    and recognisable, so a test can prove the plan never holds one in plain text."""
    seed = f"{args.get('resourceGroupName')}/{args.get('clusterName')}/{args.get('databaseName')}"
    return {
        "primaryKey": base64.b64encode(hashlib.sha256(f"primary/{seed}".encode()).digest()).decode(),
        "secondaryKey": base64.b64encode(hashlib.sha256(f"secondary/{seed}".encode()).digest()).decode(),
    }


DEFAULT_INVOKES: dict[str, InvokeHandler] = {
    "azure-native:authorization:getClientConfig": _client_config,
    "azure-native:redisenterprise:listDatabaseKeys": redis_database_keys,
}


class AzureMocks(pulumi_mocks.Mocks):
    """Answers registrations with ARM-shaped ids and realistic computed outputs, and invokes from a table."""

    def __init__(
        self,
        invokes: Mapping[str, InvokeHandler] | None = None,
        stack_references: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.invokes = {**DEFAULT_INVOKES, **(invokes or {})}
        self.stack_references = {name: dict(outputs) for name, outputs in (stack_references or {}).items()}

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs: dict[str, Any] = dict(args.inputs)
        if args.typ == "pulumi:pulumi:StackReference":
            return self._stack_reference(str(inputs.get("name", args.name)))
        if not args.custom:
            return f"{args.name}_id", inputs
        rid = records.arm_id(args.typ, args.name, inputs)
        state = copy.deepcopy(inputs)
        state.setdefault("name", rid.rsplit("/", 1)[-1])
        state.update(records.computed_outputs(args.typ, inputs, rid))
        state["id"] = rid
        return rid, state

    def _stack_reference(self, stack_name: str) -> tuple[str, dict[str, Any]]:
        """A StackReference reads the outputs given for that stack (for example a rendered platform plan's)."""
        if stack_name not in self.stack_references:
            known = ", ".join(sorted(self.stack_references)) or "none"
            raise LookupError(
                f"the offline plan has no outputs for stack reference {stack_name!r} (given: {known}); "
                "pass render(..., stack_references={name: outputs})"
            )
        return stack_name, {"name": stack_name, "outputs": self.stack_references[stack_name], "secretOutputNames": []}

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        handler = self.invokes.get(args.token)
        if handler is None:
            raise NotImplementedError(
                f"the offline plan has no answer for invoke {args.token}; add one to AzureMocks(invokes=...)"
            )
        return handler(args.args), []


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """A MockMonitor that keeps every RegisterResourceRequest and the stack's outputs."""

    def __init__(self, mocks: pulumi_mocks.Mocks) -> None:
        super().__init__(mocks)
        self.recorded: list[PlannedResource] = []
        self.stack_urn: str | None = None
        self.stack_outputs: dict[str, Any] = {}

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            self.stack_urn = response.urn
            return response
        raw = json_format.MessageToDict(request.object, preserving_proto_field_name=True)
        self.recorded.append(
            PlannedResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                parent=request.parent if request.parent and request.parent != self.stack_urn else None,
                protect=bool(request.protect),
                dependencies=sorted(set(request.dependencies)),
                inputs=_mask(raw),
                options=ResourceOptions(
                    ignoreChanges=list(request.ignoreChanges),
                    replaceOnChanges=list(request.replaceOnChanges),
                    deleteBeforeReplace=bool(request.deleteBeforeReplace),
                    retainOnDelete=bool(request.retainOnDelete),
                ),
                propertyDependencies={
                    k: sorted(set(v.urns)) for k, v in sorted(request.propertyDependencies.items()) if v.urns
                },
                provider=request.provider or None,
            )
        )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        if self.stack_urn is not None and request.urn == self.stack_urn:
            self.stack_outputs = _mask(json_format.MessageToDict(request.outputs))
        return super().RegisterResourceOutputs(request)


def _configure(mocks: pulumi_mocks.Mocks, monitor: RecordingMonitor, project: str, stack: str) -> None:
    """Point the Pulumi runtime at the mocks, with a fresh root so the program gets its own Stack."""
    pulumi_settings.reset_options(project=project, stack=stack, preview=False)
    features = set(monitor.GetDeploymentInfo(None).supportedFeatures)
    pulumi_settings.configure(
        pulumi_mocks.MockSettings(
            monitor=monitor,
            monitor_features=features,
            engine=pulumi_mocks.MockEngine(None),
            project=project,
            stack=stack,
            dry_run=False,
            organization="organization",
            callbacks=None,
        )
    )


def config_strings(namespace_values: Mapping[str, Any]) -> dict[str, str]:
    """Pulumi passes config to programs as strings; structured values travel as JSON."""
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in namespace_values.items()}


def _quiet_unretrieved(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Outputs that failed with the error the program raises are not reported a second time."""
    if "never retrieved" not in str(context.get("message", "")):
        loop.default_exception_handler(context)


def render(
    program: Callable[[], None],
    *,
    project: str,
    stack: str,
    config: Mapping[str, Any],
    secret_keys: Sequence[str] = (),
    invokes: Mapping[str, InvokeHandler] | None = None,
    stack_references: Mapping[str, Mapping[str, Any]] | None = None,
) -> Plan:
    """Run ``program`` as ``pulumi up`` would, against ``config`` (full ``ns:key`` names), and return its plan.

    ``stack_references`` answers ``pulumi.StackReference`` reads: stack name -> its outputs. Exceptions the
    program raises (a config error, for example) propagate unchanged.
    """
    # The loop comes first, so that pulumi's set-up reuses it instead of opening one that is never closed.
    loop = asyncio.new_event_loop()
    loop.set_exception_handler(_quiet_unretrieved)
    asyncio.set_event_loop(loop)
    mocks = AzureMocks(invokes, stack_references)
    monitor = RecordingMonitor(mocks)
    _configure(mocks, monitor, project, stack)
    set_all_config(config_strings(config), list(secret_keys))
    try:
        loop.run_until_complete(run_in_stack(program))
    finally:
        # A failing program leaves outputs' tasks pending; finish them here, or their finalizers run at some later
        # garbage collection (in CPython 3.11, even inside an unrelated ast.parse, which then fails).
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()
        asyncio.set_event_loop(None)
        # Outputs that failed with the program's own error (which propagates) are dropped here, quietly.
        gc.collect()
        pulumi_settings.reset_options()
    return Plan(
        project=project,
        stack=stack,
        resources=list(monitor.recorded),
        outputs=dict(monitor.stack_outputs),
    )
