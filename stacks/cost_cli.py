"""``azplatform cost``: the monthly estimate of a stack.

``azplatform cost --stack NAME [--plan FILE] [--format table|markdown|json] [--prices FILE]``
    Renders the stack (or reads ``--plan``), prices every resource with the dated price table
    (``components/prices.json``) and the stack's usage assumptions (its stack file's ``cost.usage`` over the profile),
    and prints each resource's lines: the meter, unit, unit price and region used, and the quantity multiplied.

Exit status: 0, or 2 when the stack cannot be rendered, the plan read, or its region is not in the price table.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from azplatform.components.estimate import PriceTable, PriceTableError
from azplatform.stacks import cost
from azplatform.stacks.errors import ConfigError
from azplatform.stacks.offline.stackfile import StackFileError

EXIT_OK = 0
EXIT_USAGE = 2


def add_commands(commands: Any) -> None:
    """Register ``cost`` on the ``azplatform`` sub-command parser."""
    parser = commands.add_parser("cost", help="the monthly estimate of a stack, per resource and in total")
    parser.add_argument("--stack", help="stack name: reads Pulumi.<stack>.yaml (and renders it unless --plan)")
    parser.add_argument("--plan", type=Path, help="price this plan JSON instead of rendering the stack")
    parser.add_argument("--format", choices=["table", "markdown", "json"], default="table", help="output format")
    parser.add_argument("--prices", type=Path, help="price table JSON (default: the packaged components/prices.json)")
    parser.add_argument("--project-dir", type=Path, default=Path.cwd(), help="folder holding Pulumi.yaml")
    parser.set_defaults(handler=cmd_cost)


def cmd_cost(args: argparse.Namespace) -> int:
    """Estimate and print; status 2 for an unreadable plan or price table, or a region the table lacks."""
    from azplatform.plan import Plan
    from azplatform.stacks.offline import render_stack

    if not args.stack and not args.plan:
        print("error: give --stack NAME or --plan FILE", file=sys.stderr)
        return EXIT_USAGE
    try:
        plan = Plan.load(args.plan) if args.plan else render_stack(args.project_dir.resolve(), args.stack, policy=False)
    except (ConfigError, StackFileError, OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.stack and plan.stack != args.stack:
        print(f"error: the plan is of stack {plan.stack!r}, not {args.stack!r}", file=sys.stderr)
        return EXIT_USAGE
    try:
        table = PriceTable.load(args.prices)
        settings = cost.settings_for(plan, args.project_dir.resolve())
        estimate = cost.estimate_plan(plan, settings, table)
    except (PriceTableError, OSError, json.JSONDecodeError) as exc:
        print(f"error: {plan.stack}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "json":
        sys.stdout.write(cost.to_json(estimate, settings))
    elif args.format == "markdown":
        sys.stdout.write(cost.to_markdown(estimate, settings))
    else:
        sys.stdout.write(cost.to_text(estimate, settings))
    return EXIT_OK
