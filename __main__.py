"""Pulumi entry point (`pulumi up --stack <name>`): the whole program lives in stacks.program."""

from stacks.program import main

main()
