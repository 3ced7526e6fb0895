"""Formatting problems for people and machines: text, JSON, and GitHub workflow annotations."""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable

from generator.errors import Problem, Severity
from generator.verify.results import AUTHENTICITY, CheckStatus, VerificationResult

__all__ = ["OutputFormat", "format_problems"]


class OutputFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


def _escape_data(value: str) -> str:
    # GitHub's workflow-command encoding: the message may span lines only through these escapes.
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_annotation(problem: Problem) -> str:
    level = "error" if problem.severity is Severity.ERROR else "warning"
    props = [f"file={_escape_property(problem.location.path)}"]
    if problem.location.line is not None:
        props.append(f"line={problem.location.line}")
        if problem.location.col is not None:
            props.append(f"col={problem.location.col}")
    if problem.field:
        props.append(f"title={_escape_property(problem.field)}")
    message = f"{problem.field}: {problem.message}" if problem.field else problem.message
    return f"::{level} {','.join(props)}::{_escape_data(message)}"


def format_problems(problems: Iterable[Problem], fmt: OutputFormat, *, summary: dict[str, object]) -> str:
    """Problems (sorted by file and line) plus a summary, in the requested format."""
    items = sorted(problems, key=lambda p: (p.location.path, p.location.line or 0, p.location.col or 0))
    if fmt is OutputFormat.JSON:
        return json.dumps({"summary": summary, "problems": [p.as_dict() for p in items]}, indent=2, ensure_ascii=False)
    if fmt is OutputFormat.GITHUB:
        return "\n".join(github_annotation(p) for p in items)
    lines = []
    for p in items:
        prefix = "" if p.severity is Severity.ERROR else "warning: "
        lines.append(f"{p.location}: {prefix}{p.field + ': ' if p.field else ''}{p.message}")
    return "\n".join(lines)


_MARK = {CheckStatus.PASSED: "✓", CheckStatus.FAILED: "✗", CheckStatus.NOT_CHECKED: "–"}
_HEADLINE = {
    "valid": "VALID",
    "invalid": "INVALID",
    "revoked": "REVOKED",
    "expired": "EXPIRED",
    "not yet valid": "NOT YET VALID",
    "untrusted": "NOT VERIFIED",
    "recipient does not match": "RECIPIENT DOES NOT MATCH",
}


def format_result(result: VerificationResult) -> str:
    """A verification result for people: the plain headline and verdict first, then one line per check.

    When the file is not what its issuer signed, what the other checks read from it are its claims, not
    findings: they are listed as unverified claims, never as passed."""
    facts = result.facts
    lead = result.headline()
    lines = [lead.text, f"  verdict: {_HEADLINE[str(result.verdict)]}"]
    if facts.get("credential_name"):
        # What an award that is not valid says about itself is a claim, not a finding (it may name anyone).
        claims = "" if result else "claims: "
        lines.append(
            f"  {claims}{facts['credential_name']} — issued by {facts.get('issuer_name') or facts.get('issuer')}"
        )
    if result.award_hash:
        lines.append(f"  hash {result.award_hash}")
    if facts.get("verify_url"):
        lines.append(f"  {facts['verify_url']}")
    lines.append("")
    lines.append("Technical details:")
    width = max(len(c.label) for c in result.checks)
    authentic = result.authentic
    for check in result.checks:
        if not authentic and check.id not in AUTHENTICITY and check.status is not CheckStatus.FAILED:
            lines.append(f"? {check.label.ljust(width)}  unverified claim: {check.reason}")
            continue
        lines.append(f"{_MARK[check.status]} {check.label.ljust(width)}  {check.status}: {check.reason}")
    return "\n".join(lines)
