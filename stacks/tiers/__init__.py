"""The platform's tiers, bottom-up: foundation -> data -> compute -> edge.

Each module exposes one ``build_<tier>(scope, config, <inputs>) -> <Tier>``; its inputs and its result are frozen
dataclasses naming exactly what flows from the tiers below it. :class:`azplatform.stacks.platform.Platform`
calls them in order and exports the outputs contract from their results. A new tier (a new data store, a budget)
is one more module here and one more call there.
"""
