"""What a pull request changes on the site: the pages it adds, alters or removes, for the preview's summary.

The pull-request workflow builds the site the change would publish and uploads it as an artifact; then
``credreg preview-summary --base REV`` maps the changed files to the pages they make and writes a job summary
listing them, linked to the artifact, so reviewers open the credential page before merging.

This runs in the unprivileged preview job, with the pull request's own code: it only describes, it decides
nothing (the check job, with the base's code, does).
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from generator._internal.text import terminal_safe
from generator.governance.git import ChangeStatus, GitBase, working_tree_changes
from generator.layout import PathKind

__all__ = ["PageChange", "PageStatus", "changed_pages", "summary_markdown"]


class PageStatus(enum.StrEnum):
    ADDED = "added"
    ALTERED = "altered"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True, order=True)
class PageChange:
    """One page of the site (its path, ``""`` for the home page) and why it changes."""

    path: str
    status: PageStatus
    why: str


_ISSUER_FILES = {
    PathKind.ISSUER: "issuer details",
    PathKind.ISSUER_ASSET: "images",
    PathKind.REVOCATIONS: "revocations",
    PathKind.STATUS_LIST: "status list",
    PathKind.KEY: "signing keys",
}
#: Files whose change can alter any page: the summary says so rather than list every page.
_EVERYWHERE = ("registry/governance.yaml", "mkdocs.yml", "generator/", "pyproject.toml")


def changed_pages(root: Path, base: str) -> tuple[list[PageChange], list[str]]:
    """The pages the working tree changes compared with ``base``, and the changed files that can alter any page."""
    changes = working_tree_changes(GitBase.open(root, base))
    pages: dict[str, PageChange] = {}
    awards: Counter[str] = Counter()
    everywhere: list[str] = []

    def mark(path: str, status: PageStatus, why: str) -> None:
        known = pages.get(path)
        if known is None or (known.status is PageStatus.ALTERED and status is not PageStatus.ALTERED):
            pages[path] = PageChange(path, status, why)

    for change in changes:
        if change.path.startswith(_EVERYWHERE):
            everywhere.append(change.path)
            continue
        sides = [(change.role, change.status)]
        if change.status is ChangeStatus.RENAMED:
            sides = [(change.old_role, ChangeStatus.DELETED), (change.role, ChangeStatus.ADDED)]
        for role, status in sides:
            page_status = {ChangeStatus.ADDED: PageStatus.ADDED, ChangeStatus.DELETED: PageStatus.REMOVED}.get(
                status, PageStatus.ALTERED
            )
            if role.kind is PathKind.CREDENTIAL and role.issuer and role.name:
                mark(f"credentials/{role.issuer}/{role.name}/", page_status, "definition")
                mark(f"issuers/{role.issuer}/", PageStatus.ALTERED, "its credentials")
                mark("catalog/", PageStatus.ALTERED, "the catalog lists every credential")
            elif role.kind is PathKind.ISSUER and role.issuer:
                mark(f"issuers/{role.issuer}/", page_status, "issuer details")
                mark("issuers/", PageStatus.ALTERED, "the list of issuers")
            elif role.kind in _ISSUER_FILES and role.issuer:
                mark(f"issuers/{role.issuer}/", PageStatus.ALTERED, _ISSUER_FILES[role.kind])
            elif role.kind in (PathKind.AWARD, PathKind.AWARD_BATCH) and role.issuer and status is ChangeStatus.ADDED:
                awards[role.issuer] += 1
            elif change.path.startswith("docs/") and change.path.endswith(".md"):
                page = change.path.removeprefix("docs/").removesuffix(".md")
                page = "" if page == "index" else page.removesuffix("/index") + "/"
                mark(page, page_status, "guide")
    for issuer, count in awards.items():
        mark(f"issuers/{issuer}/", PageStatus.ALTERED, f"{count} new award file{'s' if count != 1 else ''}")
        mark("verify/", PageStatus.ALTERED, "the new awards verify here")
    return sorted(pages.values()), everywhere


#: A page path shown as a link once merged: one no Markdown reader takes apart (a guide's file name is anyone's).
_PLAIN_PATH = re.compile(r"[A-Za-z0-9._~/-]*")


def _code(path: str) -> str:
    """``path`` as a Markdown code span nothing in it can end or leave: a file of the pull request may be named
    with a backtick, a ``|`` (a table cell's end), a line break or a character a reader acts on, and the summary is
    rendered on the pull request's own page (a name could close the span and add a link of its own)."""
    shown = terminal_safe(path).replace("`", "\\x60").replace("|", "\\x7c")
    return f"`{shown}`"


def summary_markdown(
    pages: list[PageChange], everywhere: list[str], *, artifact_url: str | None, site_url: str | None
) -> str:
    """The job summary: the pages, each with where it is in the artifact and where it will be once merged."""
    where = f"[the **site-preview** artifact]({artifact_url})" if artifact_url else "the **site-preview** artifact"
    lines = [
        "### Site preview",
        "",
        f"The site this pull request would publish is in {where}. Download and unzip it, then open "
        "`<page>/index.html` for each page below.",
        "",
    ]
    if everywhere:
        shown = ", ".join(_code(p) for p in everywhere[:5]) + (", …" if len(everywhere) > 5 else "")
        lines += [f"This pull request changes {shown}: any page may look different.", ""]
    if not pages:
        lines.append("No registry page is added, altered or removed.")
        return "\n".join(lines) + "\n"
    lines += ["| Page | Change | Why | Once merged |", "| --- | --- | --- | --- |"]
    for page in pages:
        shown = _code(page.path or "/")
        live = (
            f"{site_url}{page.path}"
            if site_url and page.status is not PageStatus.REMOVED and _PLAIN_PATH.fullmatch(page.path)
            else ""
        )
        lines.append(f"| {shown} | {page.status} | {page.why} | {live} |")
    return "\n".join(lines) + "\n"
