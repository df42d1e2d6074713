"""``azplatform``: the offline tooling.

- ``azplatform plan --stack NAME [--json FILE]``: render a stack, evaluate the policy rules, write the plan.
- ``azplatform policy check PLAN.json [--stack-env ENV]``: evaluate the rules on a saved plan.
- ``azplatform policy docs``: the rules table (docs/policy-rules.md).
- ``azplatform policy pack-config --stack-env ENV``: the CrossGuard pack config (policy/config/<env>.json).
- ``azplatform docs [--out DIR]``: the component reference pages (docs/components), and the library pages beside
  them (docs/platform-reference.md, docs/role-assignments.md).
- ``azplatform diff BASE.json HEAD.json`` and ``azplatform graph --stack NAME``: review tooling (stacks/review_cli.py).
- ``azplatform cost --stack NAME``: the monthly estimate (stacks/cost_cli.py).

Exit status: 0 clean, 1 a mandatory policy violation, 2 an invalid config, stack file or plan.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from azplatform.stacks import cost_cli, review_cli
from azplatform.stacks.errors import ConfigError
from azplatform.stacks.offline import Plan, render_stack
from azplatform.stacks.offline.stackfile import StackFileError
from azplatform.stacks.offline.summary import summary

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
    _policy_parser(commands)
    # Review tooling (stacks/review_cli.py): diff, graph.
    review_cli.add_commands(commands)
    cost_cli.add_commands(commands)  # azplatform cost (stacks/cost_cli.py)
    docs = commands.add_parser("docs", help="write the component reference (docs/components) from the code")
    docs.add_argument("--out", type=Path, default=Path("docs/components"), help="folder to write the pages to")
    docs.add_argument(
        "--readme", type=Path, default=None, help="also fill this README's configuration table (its config block)"
    )
    docs.set_defaults(handler=cmd_docs)
    return parser


# --- azplatform policy ... ---------------------------------------------------------------------------------


def _policy_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from azplatform.policy.model import ENVIRONMENTS

    policy = commands.add_parser("policy", help="the policy rules: check a plan, generate docs and pack config")
    actions = policy.add_subparsers(dest="policy_command", required=True)
    check = actions.add_parser("check", help="evaluate the rules on a saved plan JSON")
    check.add_argument("plan_json", type=Path, metavar="PLAN.json", help="a plan written by `azplatform plan --json`")
    check.add_argument(
        "--stack-env",
        choices=ENVIRONMENTS,
        help="which environment's levels apply; default: from the plan's stack name or environment tag",
    )
    actions.add_parser("docs", help="print the rules table (docs/policy-rules.md)")
    pack = actions.add_parser("pack-config", help="print the CrossGuard pack config for one environment")
    pack.add_argument("--stack-env", choices=ENVIRONMENTS, required=True)


def cmd_policy(args: argparse.Namespace) -> int:
    """The ``policy`` subcommands."""
    from azplatform.policy.docs import pack_config, rules_markdown

    if args.policy_command == "docs":
        sys.stdout.write(rules_markdown())
        return EXIT_OK
    if args.policy_command == "pack-config":
        sys.stdout.write(pack_config(args.stack_env))
        return EXIT_OK
    return cmd_policy_check(args.plan_json, args.stack_env)


def cmd_policy_check(path: Path, stack_env: str | None) -> int:
    """Evaluate a saved (possibly hand-edited, possibly another team's) plan; print the findings."""
    import json

    from azplatform.policy.engine import mandatory
    from azplatform.policy.offline import UnknownEnvironmentError, check_plan, infer_environment

    try:
        plan = Plan.load(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: cannot read plan {path}: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    problem = _nothing_to_check(plan)
    if problem:
        print(f"error: {path}: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        environment = stack_env or infer_environment(plan)
        findings = check_plan(plan, environment)  # type: ignore[arg-type]
    except UnknownEnvironmentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except json.JSONDecodeError as exc:  # pragma: no cover - Plan.load raises it first
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    blocking = mandatory(findings)
    print(f"{plan.project}/{plan.stack} ({environment}): {len(plan.resources)} resources, {len(findings)} finding(s)")
    for finding in findings:
        where = finding.urn.rsplit("::", 1)[-1] if finding.urn else "stack"
        print(f"  [{finding.level}] {finding.rule} {where}: {finding.message}")
    print(f"{len(blocking)} mandatory violation(s)" if blocking else "no mandatory violations")
    return EXIT_POLICY if blocking else EXIT_OK


def _nothing_to_check(plan: Plan) -> str | None:
    """Why the policy rules cannot say anything about ``plan`` (no resources, or none of a type they know): a
    clean result would be a false all-clear."""
    from azplatform.components.records import find

    if not plan.resources:
        return "the plan has no resources; nothing to check (an empty or truncated plan?)"
    known = [r for r in plan.resources if find(r.type) is not None or r.type.startswith(("azplatform:", "pulumi:"))]
    if not known:
        types = sorted({r.type for r in plan.resources})
        shown = ", ".join(types[:3]) + (", ..." if len(types) > 3 else "")
        return (
            f"none of its {len(plan.resources)} resources has a type the policy rules know ({shown}); "
            "not an azplatform plan?"
        )
    return None


def cmd_plan(args: argparse.Namespace) -> int:
    """Render, print the summary, write the JSON; the exit status says whether the plan is clean.

    A plan that cannot be rendered writes no JSON and removes the one a previous run left at ``--json`` (a diff
    must never compare against a stale plan). A mandatory violation still writes the plan (exit 1).
    """
    out: Path | None = args.json
    if out is not None:
        problem = _unwritable(out)
        if problem:
            print(f"error: --json {out}: {problem}", file=sys.stderr)
            return EXIT_CONFIG
        out.unlink(missing_ok=True)
    try:
        plan = render_stack(args.project_dir.resolve(), args.stack)
    except (ConfigError, StackFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except Exception as exc:  # anything else: say what was being read, never a traceback
        print(
            f"error: rendering stack {args.stack!r} (Pulumi.{args.stack}.yaml) failed: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    print(summary(plan))
    if out is not None:
        try:
            _write_atomically(plan, out)
        except OSError as exc:
            print(f"error: cannot write the plan to {out}: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        print(f"\nplan written to {out}")
    mandatory = [v for v in plan.violations if v.level == "mandatory"]
    return EXIT_POLICY if mandatory else EXIT_OK


def _unwritable(path: Path) -> str | None:
    """Why the plan could not be written to ``path`` (checked before rendering), or None."""
    if path.is_dir():
        return "is a folder; give a file name, e.g. build/plans/prod.json"
    for parent in path.parents:
        if parent.exists():
            return None if parent.is_dir() else f"{parent} is a file, not a folder"
    return None  # pragma: no cover - the filesystem root exists


def _write_atomically(plan: Plan, path: Path) -> None:
    """Write next to ``path`` and rename: an interrupted write never leaves a partial plan behind."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        plan.write(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def cmd_docs(args: argparse.Namespace) -> int:
    """``azplatform docs``: one page per public component, plus an index."""
    from azplatform.stacks.docs import COMPONENTS, update_readme, write_docs  # loads every component module
    from azplatform.stacks.library_docs import write_library_docs

    for path in write_docs(COMPONENTS, args.out):
        print(f"wrote {path}")
    if args.readme is not None:
        print(f"{'updated' if update_readme(args.readme, COMPONENTS) else 'unchanged'} {args.readme}")
    # The library pages (PlatformReference, role assignments) go next to the components folder: docs/.
    for path in write_library_docs(args.out.parent):
        print(f"wrote {path}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``azplatform`` console script."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "plan":
            return cmd_plan(args)
        if args.command == "policy":
            return cmd_policy(args)
        if hasattr(args, "handler"):
            return int(args.handler(args))
    except Exception as exc:  # the last guard: say what was being read, never a traceback
        print(
            f"error: azplatform {args.command} reading {_inputs(args)} failed: {type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    return EXIT_CONFIG  # pragma: no cover - argparse rejects unknown commands


def _inputs(args: argparse.Namespace) -> str:
    """The files a command reads, for the last-guard error message."""
    names = ("plan_json", "plan", "base", "head", "stack", "prices", "readme")
    found = [f"{name}={value}" for name in names if (value := getattr(args, name, None)) is not None]
    return ", ".join(found) or "its arguments"


def run() -> None:
    """Console-script wrapper: exit with :func:`main`'s status."""
    sys.exit(main())


if __name__ == "__main__":
    run()
