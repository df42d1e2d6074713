"""``azplatform``: the offline tooling. ``azplatform plan --stack NAME [--json FILE]``;
``azplatform diff BASE HEAD`` and ``azplatform graph --stack NAME`` (stacks/review_cli.py).

Exit status: 0 clean, 1 a mandatory policy violation, 2 an invalid config (or stack file).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from stacks import review_cli
from stacks.errors import ConfigError
from stacks.offline import render_stack
from stacks.offline.stackfile import StackFileError
from stacks.offline.summary import summary

EXIT_OK = 0
EXIT_POLICY = 1
EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="azplatform", description="azplatform offline tooling")
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="render a stack offline under recording mocks")
    plan.add_argument("--stack", required=True, help="stack name: reads Pulumi.<stack>.yaml")
    plan.add_argument("--json", type=Path, help="write the plan JSON here")
    plan.add_argument("--project-dir", type=Path, default=Path.cwd(), help="folder holding Pulumi.yaml")
    # Review tooling (stacks/review_cli.py): diff, graph.
    review_cli.add_commands(commands)
    return parser


def cmd_plan(args: argparse.Namespace) -> int:
    """Render, print the summary, write the JSON; the exit status says whether the plan is clean."""
    try:
        plan = render_stack(args.project_dir.resolve(), args.stack)
    except (ConfigError, StackFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    print(summary(plan))
    if args.json:
        plan.write(args.json)
        print(f"\nplan written to {args.json}")
    mandatory = [v for v in plan.violations if v.level == "mandatory"]
    return EXIT_POLICY if mandatory else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``azplatform`` console script."""
    args = _parser().parse_args(argv)
    if args.command == "plan":
        return cmd_plan(args)
    if hasattr(args, "handler"):
        return int(args.handler(args))
    return EXIT_CONFIG  # pragma: no cover - argparse rejects unknown commands


def run() -> None:
    """Console-script wrapper: exit with :func:`main`'s status."""
    sys.exit(main())


if __name__ == "__main__":
    run()
