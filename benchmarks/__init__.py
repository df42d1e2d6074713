"""Benchmarks: what the program costs to render, how it scales with apps, and how long ``pulumi up`` would take.

Everything here reads the offline plan (stacks.offline) and is generic over its resource types and dependency
graph, so it keeps working as compute, data, edge and policy land. ``python -m benchmarks`` runs it all and writes
``benchmarks/results/`` and the README's Benchmarks figures; ``python -m benchmarks --quick`` is the short run.
"""
