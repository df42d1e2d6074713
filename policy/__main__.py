"""The CrossGuard policy pack's entry point: ``pulumi preview --policy-pack policy``.

Building the PolicyPack starts the analyzer's gRPC server, so it happens here and nowhere else; the policies
themselves come from :mod:`policy.crossguard`, which the tests exercise directly.
"""

from __future__ import annotations

from pulumi_policy import PolicyPack

from azplatform.policy.crossguard import environment_from_process, install_secret_masking, policies

install_secret_masking()
PolicyPack(
    name="azplatform",
    policies=policies(environment_from_process()),
    description="azplatform's rules (policy/rules): private networking, identity over keys, TLS 1.2, WAF, "
    "protection of stateful resources. Levels per environment: policy/config/<env>.json.",
    provider="azure-native",
)
