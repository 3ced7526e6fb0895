"""The pull request in words: what it changes, what it needs, and every refusal, as Markdown for
``$GITHUB_STEP_SUMMARY``. Paths and messages come from the pull request itself, so they are rendered inert
(one line, no HTML, no breaking out of code spans)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from generator._internal.source import SourceError, decode_utf8, parse_json, read_json_file
from generator.errors import Problem, Severity
from generator.governance.context import PullRequest
from generator.governance.git import Change, ChangeStatus
from generator.governance.history import lifecycle_additions
from generator.layout import PathKind

__all__ = ["ChangeSummary", "md_code", "render_markdown", "summarize"]

#: Refusals listed one by one in the summary; the rest are counted (annotations and logs have them all).
MAX_LISTED = 200
_VERBS = {ChangeStatus.ADDED: "added", ChangeStatus.MODIFIED: "changed", ChangeStatus.DELETED: "deleted"}


@dataclass
class ChangeSummary:
    """What a pull request adds and changes, by kind."""

    issuers: dict[str, list[str]] = field(default_factory=dict)
    credentials: dict[str, list[str]] = field(default_factory=dict)
    keys: dict[str, list[str]] = field(default_factory=dict)
    status_lists: dict[str, list[str]] = field(default_factory=dict)
    awards: int = 0
    award_files: int = 0
    revocations: int = 0
    issuer_files: int = 0
    registry_files: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)

    def add(self, group: dict[str, list[str]], verb: str, item: str) -> None:
        group.setdefault(verb, []).append(item)


def _key_verb(pr: PullRequest, change: Change) -> str:
    try:
        before = parse_json(decode_utf8(pr.base.read(change.path) or b"", change.path), change.path).data
        after = read_json_file(pr.root / change.path, change.path).data
    except SourceError:
        return "changed"
    if not isinstance(before, dict) or not isinstance(after, dict):
        return "changed"
    added = lifecycle_additions(before, after)
    return "revoked" if "revoked_at" in added else "rotated out" if "valid_until" in added else "changed"


def summarize(pr: PullRequest, *, awards: int, award_files: int, revocations: int) -> ChangeSummary:
    summary = ChangeSummary(awards=awards, award_files=award_files, revocations=revocations)
    for change in pr.changes:
        role = change.role
        if change.status is ChangeStatus.RENAMED:
            summary.renamed.append(f"{change.old_path} → {change.path}")
            continue
        verb = _VERBS[change.status]
        if role.kind is PathKind.ISSUER:
            summary.add(summary.issuers, verb, str(role.issuer))
        elif role.kind is PathKind.CREDENTIAL:
            summary.add(summary.credentials, verb, f"{role.issuer}/{role.name}")
        elif role.kind is PathKind.KEY:
            if change.status is ChangeStatus.MODIFIED:
                verb = _key_verb(pr, change)
            summary.add(summary.keys, verb, change.path)
        elif role.kind is PathKind.STATUS_LIST:
            summary.add(summary.status_lists, "re-signed" if verb == "changed" else verb, change.path)
        elif role.kind in (PathKind.AWARD, PathKind.AWARD_BATCH, PathKind.REVOCATIONS):
            continue  # counted by what they contain
        elif role.issuer is not None:
            summary.issuer_files += 1
        else:
            summary.registry_files.append(change.path)
    return summary


def _inline(text: str) -> str:
    """One line of Markdown text that cannot open HTML, links or code spans of its own."""
    flat = " ".join(text.split())
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")


def md_code(text: str) -> str:
    """``text`` as an inline code span, safe whatever it contains."""
    return f"`{_inline(text)}`"


_code = md_code


def _list(items: Iterable[str], limit: int = 5) -> str:
    items = list(items)
    shown = ", ".join(_code(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _group(label: str, group: dict[str, list[str]]) -> str | None:
    if not group:
        return None
    parts = [f"{len(items)} {verb} ({_list(items)})" for verb, items in group.items()]
    return f"- **{label}:** " + "; ".join(parts)


def _problem_line(problem: Problem) -> str:
    where = _code(str(problem.location))
    field = f"{_code(problem.field)}: " if problem.field else ""
    return f"- {where} — {field}{_inline(problem.message)} ({_code(problem.code)})"


def render_markdown(
    pr: PullRequest, summary: ChangeSummary, problems: Iterable[Problem], *, title: str = "credreg pull-request check"
) -> str:
    items = sorted(problems, key=lambda p: (p.location.path, p.location.line or 0, p.location.col or 0))
    errors = [p for p in items if p.severity is Severity.ERROR]
    warnings = [p for p in items if p.severity is not Severity.ERROR]
    out = [f"## {title}", ""]
    if errors:
        out.append(f"❌ **Refused:** {len(errors)} problem{'s' if len(errors) != 1 else ''} (listed below).")
    else:
        out.append("✅ **Every rule holds.**" + (" Approvals are still needed (below)." if pr.needs else ""))
    # A merge queue's group has no one author: each was judged by their own pull request's check.
    actor = f" by @{_inline(pr.actor)}" if pr.actor else " (a merge queue's group of pull requests)"
    out += [
        "",
        f"Compared with base commit {_code(pr.base.short)}{actor}.",
        "",
        "### What this pull request changes",
        "",
    ]
    lines = [
        _group("Issuers", summary.issuers),
        _group("Credentials", summary.credentials),
        f"- **Awards:** {summary.awards} added in {summary.award_files} file{'s' if summary.award_files != 1 else ''}"
        if summary.awards or summary.award_files
        else None,
        f"- **Revocations:** {summary.revocations} added" if summary.revocations else None,
        _group("Keys", summary.keys),
        _group("Status lists", summary.status_lists),
        f"- **Renamed:** {_list(summary.renamed)}" if summary.renamed else None,
        f"- **Other issuer files:** {summary.issuer_files}" if summary.issuer_files else None,
        f"- **Registry files:** {_list(summary.registry_files)}" if summary.registry_files else None,
    ]
    shown = [line for line in lines if line]
    out += shown or ["- nothing: the working tree equals the base commit"]
    if pr.needs or pr.notes:
        out += ["", "### What it needs", ""]
        out += [f"- {need}" for need in pr.needs]
        out += [f"- {note}" for note in pr.notes]
    for heading, group in (("Refusals", errors), ("Warnings", warnings)):
        if group:
            out += ["", f"### {heading}", ""]
            out += [_problem_line(p) for p in group[:MAX_LISTED]]
            if len(group) > MAX_LISTED:
                out.append(f"- … and {len(group) - MAX_LISTED} more (see the check's log)")
    return "\n".join(out) + "\n"
