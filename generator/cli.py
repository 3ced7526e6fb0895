"""The ``credreg`` command. It parses arguments, calls library functions and formats their results.

Exit codes: 0 success, 1 problems found (or a credential did not verify), 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from generator import __version__, layout
from generator.errors import CredregError, UsageError
from generator.report import OutputFormat, format_problems

__all__ = ["main"]

Handler = Callable[[argparse.Namespace], int]


def _root(args: argparse.Namespace) -> Path:
    if args.root is not None:
        root = Path(args.root).resolve()
        if not (root / layout.GOVERNANCE_PATH).is_file():
            raise UsageError(f"{root} is not a registry: it has no {layout.GOVERNANCE_PATH}")
        return root
    return layout.find_root()


def _cmd_check(args: argparse.Namespace) -> int:
    from generator.check import CheckOptions, run_check

    root = _root(args)
    report = run_check(root, CheckOptions(base=args.base, actor=args.actor))
    fmt = OutputFormat(args.format)
    errors = len(report.problems.errors)
    warnings = len(report.problems) - errors
    summary: dict[str, object] = {"ok": bool(report), "errors": errors, "warnings": warnings, **report.counts}
    text = format_problems(report.problems, fmt, summary=summary)
    if text:
        print(text)
    if fmt is not OutputFormat.JSON:
        counted = ", ".join(f"{v} {k}" for k, v in report.counts.items())
        verdict = "ok" if report else f"{errors} error{'s' if errors != 1 else ''}"
        extra = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
        print(f"credreg check: {verdict}{extra} ({counted})", file=sys.stderr)
    if args.summary and report.summary_markdown:
        with Path(args.summary).open("a", encoding="utf-8") as fh:
            fh.write(report.summary_markdown)
    return 0 if report else 1


def _cmd_schemas(args: argparse.Namespace) -> int:
    from generator.schema import check_schemas, write_schemas

    directory = Path(args.out) if args.out else _root(args) / layout.SCHEMAS_DIR
    if args.check:
        stale = check_schemas(directory)
        for name in stale:
            print(f"{name}: out of date with the models (run `credreg schemas`)")
        return 1 if stale else 0
    for path in write_schemas(directory):
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="credreg",
        description="Check, sign, verify and publish a Git-based registry of micro-credentials.",
    )
    parser.add_argument("--version", action="version", version=f"credreg {__version__}")
    parser.add_argument(
        "--root", metavar="DIR", help="registry root (default: the repository containing the current directory)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate the whole registry (and, with --base, a pull request)")
    check.add_argument("--format", choices=[f.value for f in OutputFormat], default="text")
    check.add_argument("--base", metavar="REV", help="compare with this Git revision (pull-request mode)")
    check.add_argument("--actor", metavar="HANDLE", help="GitHub handle of the change's author (with --base)")
    check.add_argument("--summary", metavar="FILE", help="append a Markdown summary (e.g. $GITHUB_STEP_SUMMARY)")
    check.set_defaults(handler=_cmd_check)

    schemas = sub.add_parser("schemas", help="write the JSON Schemas generated from the models into schemas/")
    schemas.add_argument("--check", action="store_true", help="only report schemas that are out of date")
    schemas.add_argument("--out", metavar="DIR", help="write here instead of <root>/schemas")
    schemas.set_defaults(handler=_cmd_schemas)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except CredregError as exc:
        print(f"credreg: {exc.explain()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("credreg: interrupted", file=sys.stderr)
        return 130
