"""Pulumi entry point (`pulumi up --stack <name>`): the whole program lives in stacks.program."""

from azplatform.stacks.program import main

main()
