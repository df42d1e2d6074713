"""The review commands of ``azplatform``: ``diff`` (two plans, for pull requests) and ``graph`` (a stack's topology).

``azplatform diff BASE HEAD [--format markdown|text|json] [--output FILE] [--fail-on-refused]``
    BASE and HEAD are plan JSON files (``azplatform plan --json``) or folders of ``<stack>.json`` plans. With
    ``--fail-on-refused`` the report is written as usual, then the status is 2 when the head makes a change Azure
    refuses (the deploy would fail there), each named on standard error.
``azplatform graph --stack NAME [--format mermaid|dot] [--plan FILE] [--readme README.md]``
    Draws the stack from its plan; ``--readme`` rewrites the README's architecture block instead of printing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from azplatform.plan import Plan
from azplatform.stacks import cost, diff_report, graph
from azplatform.stacks.diff import compare_paths
from azplatform.stacks.errors import ConfigError
from azplatform.stacks.offline import render_stack
from azplatform.stacks.offline.stackfile import StackFileError
from azplatform.stacks.risks import RiskKind

EXIT_OK = 0
EXIT_USAGE = 2


def add_commands(commands: Any) -> None:
    """Register ``diff`` and ``graph`` on the ``azplatform`` sub-command parser."""
    diff = commands.add_parser("diff", help="compare two plans (base and head of a pull request)")
    diff.add_argument("base", type=Path, help="base plan JSON, or a folder of <stack>.json plans")
    diff.add_argument("head", type=Path, help="head plan JSON, or a folder of <stack>.json plans")
    diff.add_argument("--format", choices=["markdown", "text", "json"], default="text", help="output format")
    diff.add_argument("--output", type=Path, help="write here instead of standard output")
    diff.add_argument(
        "--limit",
        type=positive_int,
        default=diff_report.GITHUB_COMMENT_LIMIT,
        help="markdown size limit in UTF-8 bytes (default: GitHub's comment limit)",
    )
    diff.add_argument("--diagram-stack", default="prod", help="whose head plan the markdown's diagram shows")
    diff.add_argument(
        "--project-dir", type=Path, default=Path.cwd(), help="folder holding the stack files (cost assumptions)"
    )
    diff.add_argument(
        "--allow-stack-mismatch",
        action="store_true",
        help="compare two plan files of different stacks (refused by default: the diff would be all creates and "
        "deletes)",
    )
    diff.add_argument(
        "--fail-on-refused",
        action="store_true",
        help="exit 2 (after writing the report) when a change is one Azure refuses, such as a Key Vault's soft-delete "
        "retention or a smaller PostgreSQL storage size",
    )
    diff.set_defaults(handler=cmd_diff)

    draw = commands.add_parser("graph", help="draw a stack's topology from its plan")
    draw.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    draw.add_argument("--format", choices=["mermaid", "dot"], default="mermaid", help="output format")
    draw.add_argument("--plan", type=Path, help="read this plan JSON instead of rendering the stack")
    draw.add_argument("--project-dir", type=Path, default=Path.cwd(), help="folder holding Pulumi.yaml")
    draw.add_argument("--readme", type=Path, help="rewrite the architecture block of this README (mermaid)")
    draw.set_defaults(handler=cmd_graph)


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (``--limit 0`` would leave no room for any report)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.partial")
    try:  # written whole or not at all
        partial.write_text(text, encoding="utf-8")
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)


def _diff_arguments_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with diff's paths, checked before reading anything; removes a previous ``--output``."""
    if args.output is not None:
        if args.output.is_dir():
            return f"--output {args.output} is a folder; give a file name"
        args.output.unlink(missing_ok=True)  # a failed diff leaves no previous report behind
    for label, path in (("base", args.base), ("head", args.head)):
        # Folders may lack a stack (new or removed); a plan file named on the command line must exist.
        if not path.exists():
            return f"{label} plan {path} does not exist"
    if args.base.is_dir() != args.head.is_dir():
        return f"{args.base} and {args.head}: give two plan files or two folders of plans"
    return None


def cmd_diff(args: argparse.Namespace) -> int:
    """Diff the plans and print (or write) the report; status 2 when a plan cannot be read."""
    problem = _diff_arguments_problem(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = compare_paths(args.base, args.head)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: cannot read the plans: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not args.base.is_dir():
        old, new = report.base_plans, report.head_plans
        if set(old) != set(new) and not args.allow_stack_mismatch:
            print(
                f"error: {args.base} is a plan of stack {', '.join(old)!s} and {args.head} of stack "
                f"{', '.join(new)}: a diff across stacks reports every resource as created and deleted; compare "
                "plans of one stack, or pass --allow-stack-mismatch",
                file=sys.stderr,
            )
            return EXIT_USAGE
    try:
        cost.attach(report, args.project_dir.resolve())
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: cannot price the plans: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "markdown":
        text = diff_report.to_markdown(report, limit=args.limit, diagram_stack=args.diagram_stack)
    elif args.format == "json":
        text = diff_report.to_json(report)
    else:
        text = diff_report.to_text(report)
    _emit(text, args.output)
    if args.fail_on_refused:
        refused = [(stack, risk) for stack, risk in report.risks if risk.kind is RiskKind.REFUSED]
        for stack, risk in refused:
            print(f"error: {stack}: {risk.name} ({risk.type}): {risk.message}", file=sys.stderr)
        if refused:
            return EXIT_USAGE
    return EXIT_OK


def cmd_graph(args: argparse.Namespace) -> int:
    """Draw the stack; with ``--readme``, rewrite the README's architecture block."""
    try:
        plan = Plan.load(args.plan) if args.plan else render_stack(args.project_dir.resolve(), args.stack)
    except (ConfigError, StackFileError, OSError, ValueError) as exc:  # PlanFormatError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.plan and plan.stack != args.stack:
        print(f"error: {args.plan} is a plan of stack {plan.stack!r}, not {args.stack!r}", file=sys.stderr)
        return EXIT_USAGE
    topology = graph.topology(plan)
    if args.readme:
        if args.format != "mermaid":
            print("error: --readme embeds the mermaid form", file=sys.stderr)
            return EXIT_USAGE
        try:
            updated = graph.embed(args.readme.read_text(encoding="utf-8"), graph.to_mermaid(topology))
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        args.readme.write_text(updated, encoding="utf-8")
        print(f"architecture diagram of {args.stack} written to {args.readme}")
        return EXIT_OK
    sys.stdout.write(graph.to_mermaid(topology) if args.format == "mermaid" else graph.to_dot(topology))
    return EXIT_OK
