"""Formatting problems for people and machines: text, JSON, and GitHub workflow annotations."""

from __future__ import annotations

import difflib
import enum
import json
import re
from collections.abc import Iterable

from generator import layout
from generator._internal.text import terminal_json, terminal_line, terminal_lines, terminal_safe, terminal_text
from generator.errors import CredregError, Location, Problem, ProblemList, Severity
from generator.registry import Registry
from generator.verify.results import (
    AUTHENTICITY,
    CheckStatus,
    HeadlineKind,
    VerificationResult,
    revoked_because,
)

__all__ = [
    "OutputFormat",
    "consolidate",
    "explained",
    "format_problems",
    "terminal_json",
    "terminal_line",
    "terminal_lines",
    "terminal_safe",
    "terminal_text",
]


class OutputFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


def _escape_data(value: str) -> str:
    # GitHub's workflow-command encoding: the message may span lines only through these escapes. Every other
    # control (an ANSI escape the log viewer renders, a bidi override) is shown escaped, as on a terminal.
    safe = terminal_safe(value, keep="\r\n")
    return safe.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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


def explained(error: CredregError) -> str:
    """``error.explain()`` as a terminal should show it: its summary and each detail one line, whatever they quote
    (a line break in a path is shown as ``\\x0a``, never a line of its own), escaped as :func:`terminal_line` does."""
    return error.explain(terminal_line)


def format_problems(problems: Iterable[Problem], fmt: OutputFormat, *, summary: dict[str, object]) -> str:
    """Problems (sorted by file and line) plus a summary, in the requested format."""
    items = sorted(problems, key=lambda p: (p.location.path, p.location.line or 0, p.location.col or 0))
    if fmt is OutputFormat.JSON:
        document = {"summary": summary, "problems": [p.as_dict() for p in items]}
        return terminal_json(json.dumps(document, indent=2, ensure_ascii=False))
    if fmt is OutputFormat.GITHUB:
        return "\n".join(github_annotation(p) for p in items)
    lines = []
    for p in items:
        prefix = "" if p.severity is Severity.ERROR else "warning: "
        lines.append(terminal_safe(f"{p.location}: {prefix}{p.field + ': ' if p.field else ''}{p.message}"))
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


#: After the quoted name of a registered issuer's credential that the registry does not define (verify.js says it too).
NOT_DEFINED_HERE = "(the file's name; no credential of this registry)"


class _Safe(str):
    """A line of output already made safe for a terminal, in parts (format_result): never escaped again."""


def quoted(words: object) -> str:
    """The file's words, quoted as the verification page quotes them (text.js pyRepr, Python's repr): the quote mark
    chosen and escaped so that no quote inside ends it, every character a terminal would act on escaped once. Safe
    for a terminal as it is (terminal_safe over it escaped its escapes twice); a workflow command's "##[" shown as
    terminal_safe shows it."""
    return repr(str(words)).replace("##[", "\\x23#[")


def _named_here(registry_name: object, own: object, unnamed: object = None) -> str:
    """What the registry defines (a registered issuer, a credential of its), by the registry's name for it, as the
    page names it (verify.js renderFacts): another name the file gives it is quoted as the file's words (anyone can
    write a registered issuer's DID and another name into a file; its issuer's own key may sign any name), by the
    page's rule (quoted). Made safe for a terminal here, part by part.
    What the registry does not define is named by the file: its name (``own``) quoted as its words, else ``unnamed``
    (an issuer's DID: an identifier, no words of its issuer's choosing). On one line with the tool's own words, a bare
    name could say what the tool says ("MSc — issued by Oxford (registered here)"); the page gives each its own row."""
    if registry_name is None:
        return quoted(own) if own else terminal_safe(str(unnamed))
    calls = f"; the file calls it {quoted(own)}" if own is not None and own != registry_name else ""
    return f"{terminal_safe(str(registry_name))}{calls}"


def format_result(result: VerificationResult) -> str:
    """A verification result for people: the plain headline and verdict first, then one line per check.

    When the file is not what its issuer signed, what the other checks read from it are its claims, not
    findings: they are listed as unverified claims, never as passed."""
    facts = result.facts
    lead = result.headline()
    lines = [lead.text, f"  verdict: {_HEADLINE[str(result.verdict)]}"]
    status = next((c for c in result.checks if c.id == "status"), None)
    if lead.kind is HeadlineKind.REVOKED and status is not None and revoked_because(status.reason):
        lines.append(f"  {revoked_because(status.reason)}")  # the signer's words, under the verdict, never in it
    if facts.get("credential_name"):
        # What an award that is not valid says about itself is a claim, not a finding (it may name anyone).
        claims = "" if result else "claims: "
        named = _named_here(facts.get("registry_credential_name"), facts["credential_name"])
        if facts.get("registry_issuer") and facts.get("registry_credential_name") is None:
            # A registered issuer's key may sign any name, for a credential it never defined here: the file's word,
            # quoted and said so, never written as the registry's names are (verify.js renderFacts, the same words).
            named = f"{quoted(facts['credential_name'])} {NOT_DEFINED_HERE}"
        by = _named_here(facts.get("registry_name"), facts.get("issuer_name"), facts.get("issuer"))
        if facts.get("registry_name") is None:
            by += " (not registered here)"  # as the page's Issuer row says it (verify.js renderFacts)
        lines.append(_Safe(f"  {claims}{named} — issued by {by}"))  # made safe in parts, the file's words quoted
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
    # Every line holds text from the file, the registry or a signature (names, reasons, a revocation's reason):
    # each is made safe whole, so no value can end its line, clear the screen or hide what follows.
    return "\n".join(line if isinstance(line, _Safe) else terminal_safe(line) for line in lines)


# One mistake, one message. A definition (or issuer.yaml) that does not load, or a credential file that was
# renamed, makes every award that refers to it fail too: hundreds of lines before the one that names the cause.
# The verifier reports each award honestly; here, where problems are shown, the consequences are folded into
# one line that names the cause and counts what depends on it.

_CONSEQUENCE_PREFIXES = ("award.", "status-list.", "revocation.", "endorsement.")
# A signing key named in a message: did:web:<host>:issuers:<owner>#<key id> (or :endorsers:).
_KEY_DID = re.compile(r"did:web:\S*?:(?:issuers|endorsers):(?P<owner>[a-z0-9-]+)#(?P<key>[A-Za-z0-9._-]+)")
_AWARD_KINDS = (layout.PathKind.AWARD, layout.PathKind.AWARD_BATCH)


def _where(problem: Problem) -> str:
    return str(problem.location)


def _is_award(problem: Problem) -> bool:
    return layout.classify(problem.location.path).kind in _AWARD_KINDS


def _award_key(problem: Problem) -> tuple[str, int | None]:
    """One award: a file, or a line of a batch (problems in one award file point at different lines)."""
    batch = layout.classify(problem.location.path).kind is layout.PathKind.AWARD_BATCH
    return problem.location.path, problem.location.line if batch else None


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' if n != 1 else ''}"


def consolidate(problems: ProblemList, registry: Registry | None) -> ProblemList:
    """``problems`` with the consequences of one cause folded into one problem that names it.

    - Awards, status lists and revocations of an issuer whose ``issuer.yaml`` does not load: they cannot be
      checked, and say so once, at ``issuer.yaml`` (a warning: the file's own errors already fail the check).
    - Awards of a credential whose definition does not load: likewise, once, at the definition.
    - Awards, revocations and endorsements signed by a key whose file does not load: once, at the key file.
    - Awards of a credential that is not defined (its file renamed or deleted): one error at the first such
      award, with how many refer to it and which file would define it.
    """
    if registry is None:
        return problems
    prefix = registry.url("credentials/")
    achievement = re.compile(rf"{re.escape(prefix)}(?P<issuer>[a-z0-9-]+)/(?P<slug>[a-z0-9-]+)/")
    kept: list[Problem] = []
    unloadable: dict[str, list[Problem]] = {}  # cause file → consequences
    undefined: dict[str, list[Problem]] = {}  # issuer/slug → the awards' problems
    for problem in problems:
        role = layout.classify(problem.location.path)
        key = _KEY_DID.search(problem.message) if problem.code.startswith(_CONSEQUENCE_PREFIXES) else None
        key_file = f"{layout.KEYS_DIR}/{key['owner']}/{key['key']}.json" if key else ""
        if key_file in registry.unusable:
            unloadable.setdefault(key_file, []).append(problem)
            continue
        if not problem.code.startswith(_CONSEQUENCE_PREFIXES) or role.issuer is None:
            kept.append(problem)
            continue
        if role.issuer in registry.unusable and role.issuer not in registry.issuers:
            unloadable.setdefault(f"{layout.ISSUERS_DIR}/{role.issuer}/issuer.yaml", []).append(problem)
            continue
        found = achievement.search(problem.message) if problem.code == "award.credential" else None
        if found is None or role.kind not in _AWARD_KINDS:
            kept.append(problem)
            continue
        ref = f"{found['issuer']}/{found['slug']}"
        if ref in registry.unusable:
            path = f"{layout.ISSUERS_DIR}/{found['issuer']}/credentials/{found['slug']}.yaml"
            unloadable.setdefault(path, []).append(problem)
        else:
            undefined.setdefault(ref, []).append(problem)
    for path, consequences in unloadable.items():
        awards = {_award_key(p) for p in consequences if _is_award(p)}
        files = {p.location.path for p in consequences if not _is_award(p)}
        what = _count(len(awards), "award") + (f" and {_count(len(files), 'other file')}" if files else "")
        kept.append(
            Problem(
                Location(path),
                f"{what} depend on this file: they are checked once its problems are fixed",
                code="consequence.unchecked",
                severity=Severity.WARNING,
            )
        )
    for ref, consequences in undefined.items():
        first = consequences[0]
        issuer, slug = ref.split("/")
        others = len({_award_key(p) for p in consequences}) - 1
        record = registry.issuers.get(issuer)
        close = difflib.get_close_matches(slug, list(record.credentials) if record else [], n=1)
        rename = f" (was it renamed to {close[0]!r}?)" if close else ""
        listed = ", ".join(_where(p) for p in consequences[1:4]) + (", …" if others > 3 else "")
        message = (
            f"{first.message}: {_count(others + 1, 'award')} refer to credential {ref}{rename}. An awarded "
            f"credential keeps its file name: restore {layout.ISSUERS_DIR}/{issuer}/credentials/{slug}.yaml"
            + (f" (the other awards: {listed})" if others else "")
        )
        kept.append(Problem(first.location, message, first.field, first.code, first.severity))
    return ProblemList(kept)
