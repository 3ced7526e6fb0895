"""``credreg form-to-pr``: turn a submitted GitHub issue form into the registry file it asks for.

The workflow ``.github/workflows/issue-form.yml`` runs this on the default branch's code when an issue made
from ``.github/ISSUE_TEMPLATE/register-issuer.yml`` or ``propose-credential.yml`` is opened (or labelled). It
then commits what this wrote and opens a pull request, which reviewers and the pull-request check judge like
any other.

An issue body is text anyone can write (the API accepts any body, not only what the form's widgets allow), so
everything here is refused unless it is exactly what the form asks for:

* the body is at most :data:`MAX_BODY` bytes, and made of ``### <question>`` sections whose questions are the
  form's own labels, each at most once (labels are read from the form's YAML, so form and converter cannot
  drift apart);
* answers go through :mod:`generator.scaffold` (slugs for ids, no line breaks in one-line answers, no
  invisible or control characters, a YAML text that parses back to exactly the answers, schema and model
  validation), and may not contain raw HTML;
* the issue's author must be one of the maintainers the new issuer lists, or a maintainer of the issuer a
  credential is proposed for (the same rule the pull-request check applies to a person);
* after writing, the registry is loaded and validated whole; on any error the written files are restored.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import scaffold
from generator._internal.source import Document, SourceError, decode_utf8, parse_yaml
from generator.errors import CredregError, Location, Problem, ProblemsFound, UsageError

__all__ = ["FORMS", "MAX_BODY", "Converted", "FormError", "convert_form", "issue_comment", "parse_form_body"]

#: A form's body is a few kilobytes; anything near this is not a form.
MAX_BODY = 65_536
NO_RESPONSE = "_No response_"
_HEADING = re.compile(r"^### (?P<label>.*?)\s*\Z")
_HTML = re.compile(r"<\s*[A-Za-z!/?]")
_HANDLE = re.compile(r"^@?(?P<handle>[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})\Z")

#: The two forms: their template file, and the label that marks their issues.
FORMS = {"issuer": "register-issuer.yml", "credential": "propose-credential.yml"}
TEMPLATES_DIR = ".github/ISSUE_TEMPLATE"


class FormError(CredregError):
    """The issue body is not a usable submission of the form; the message says why, for the issue's author."""


@dataclass(frozen=True, slots=True)
class Converted:
    """What the converter wrote, and what the pull request should be called."""

    files: list[str]
    branch: str
    title: str
    body: str


def form_fields(root: Path, form: str) -> dict[str, str]:
    """The form's questions: label → id, read from its issue template. A template that is missing or that a
    maintainer broke stops the command with a :class:`ProblemsFound` naming it (and the line and field)."""
    rel = f"{TEMPLATES_DIR}/{FORMS[form]}"
    try:
        raw = (root / rel).read_bytes()
    except OSError as exc:
        problem = Problem(
            Location(rel), f"cannot read the form's questions: {exc.strerror or exc}", code="form.template"
        )
        raise ProblemsFound([problem], f"{rel}: the issue form's template") from None
    try:
        template = parse_yaml(decode_utf8(raw, rel), rel)
    except SourceError as exc:
        raise ProblemsFound(exc.problems, f"{rel}: the issue form's template") from None
    items = template.data.get("body") if isinstance(template.data, dict) else None
    if not isinstance(items, list):
        raise _template_problem(template, [], "the template is not a mapping with a body list")
    fields = {}
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise _template_problem(template, ["body", n], "not a mapping")
        if item.get("type") in ("input", "textarea", "dropdown", "checkboxes") and "id" in item:
            attributes = item.get("attributes")
            label = attributes.get("label") if isinstance(attributes, dict) else None
            if label is None:
                raise _template_problem(template, ["body", n, "attributes", "label"], "missing")
            fields[str(label)] = str(item["id"])
    return fields


def _template_problem(template: Document, loc: list[str | int], message: str) -> ProblemsFound:
    problem = template.problem(loc, message, code="form.template")
    return ProblemsFound([problem], f"{template.path}: the issue form's template")


def parse_form_body(body: str, fields: dict[str, str]) -> dict[str, str | None]:
    """``### Label`` sections → ``{id: answer}`` (``None`` for "_No response_"). Raises :class:`FormError`."""
    if len(body.encode("utf-8", errors="replace")) > MAX_BODY:
        raise FormError(f"the issue is longer than {MAX_BODY // 1024} KiB: that is not a form submission")
    answers: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, line in enumerate(body.replace("\r\n", "\n").split("\n"), 1):
        heading = _HEADING.match(line)
        if heading:
            label = heading["label"]
            if label not in fields:
                raise FormError(
                    f"line {number}: {label!r} is not a question of this form (an answer may not contain a line "
                    "starting with ###)"
                )
            if fields[label] in answers:
                raise FormError(f"line {number}: the question {label!r} is answered twice")
            current = answers[fields[label]] = []
        elif current is not None:
            current.append(line)
        elif line.strip():
            raise FormError(f"line {number}: text before the first question; submit the form without editing it")
    parsed: dict[str, str | None] = {}
    for key, lines in answers.items():
        value = "\n".join(lines).strip("\n").strip()
        parsed[key] = None if value in ("", NO_RESPONSE) else value
    return parsed


def _lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").split("\n") if line.strip()]


def _required(answers: dict[str, str | None], key: str, label: str) -> str:
    value = answers.get(key)
    if not value:
        raise FormError(f"{label}: this answer is required")
    return value


def _no_html(answers: dict[str, str | None]) -> None:
    for key, value in answers.items():
        if value and _HTML.search(value):
            raise FormError(f"{key}: HTML is not accepted in the registry's files; write plain text or Markdown")


def _handles(value: str | None, what: str) -> tuple[str, ...]:
    handles = []
    for item in re.split(r"[,\s]+", value or ""):
        if not item:
            continue
        match = _HANDLE.match(item)
        if match is None:
            raise FormError(f"{what}: {item!r} is not a GitHub user name")
        handles.append(match["handle"])
    if not handles:
        raise FormError(f"{what}: name at least one GitHub user")
    return tuple(handles)


def _issuer_answers(answers: dict[str, str | None]) -> scaffold.IssuerAnswers:
    return scaffold.IssuerAnswers(
        id=_required(answers, "issuer-id", "Issuer id"),
        name=_required(answers, "organisation", "Organisation"),
        kind=_required(answers, "kind", "Kind of organisation"),
        url=_required(answers, "website", "Website"),
        email=_required(answers, "email", "Contact email"),
        description=_required(answers, "description", "Description"),
        country=_required(answers, "country", "Country"),
        city=answers.get("city"),
        maintainers=_handles(answers.get("maintainers"), "Maintainers"),
    )


def _credential_answers(answers: dict[str, str | None]) -> scaffold.CredentialAnswers:
    issuer = _required(answers, "issuer-id", "Issuer id")
    slug = _required(answers, "credential-id", "Credential id")
    eqf = answers.get("eqf")
    flags: dict[str, Any] = {
        "name": answers.get("name"),
        "summary": answers.get("summary"),
        "description": answers.get("description"),
        "narrative": answers.get("narrative"),
        "method": [m.strip() for m in (answers.get("methods") or "").split(",") if m.strip()] or None,
        "skill": _lines(answers.get("skills")) or None,
        "proficiency": answers.get("proficiency"),
        "eqf": eqf,
        "hours": answers.get("hours"),
        "duration": answers.get("duration"),
        "cost": answers.get("cost"),
        "delivery": answers.get("delivery"),
        "language": [x.strip() for x in (answers.get("languages") or "en").split(",") if x.strip()],
    }
    try:
        return scaffold.credential_answers(f"{issuer}/{slug}", {k: v for k, v in flags.items() if v}, None)
    except UsageError as exc:
        raise FormError(exc.summary.replace("missing --", "missing answers: --")) from None


def _issuer_maintainers(root: Path, issuer: str) -> list[str]:
    from generator.load import load_registry

    loaded = load_registry(root)
    record = loaded.registry.issuers.get(issuer) if loaded.registry is not None else None
    if record is None:
        raise FormError(f"Issuer id: {issuer!r} is not a registered issuer (register it first)")
    return [m.casefold() for m in record.issuer.maintainers]


def convert_form(root: Path, form: str, body: str, *, author: str, issue: int) -> Converted:
    """Write the file ``body`` asks for into the registry at ``root``; refuse (nothing written) otherwise."""
    if form not in FORMS:
        raise UsageError(f"unknown form {form!r} (one of: {', '.join(FORMS)})")
    answers = parse_form_body(body, form_fields(root, form))
    _no_html(answers)
    author = author.casefold()
    try:
        if form == "issuer":
            issuer_answers = _issuer_answers(answers)
            if author not in {m.casefold() for m in issuer_answers.maintainers}:
                raise FormError(f"Maintainers: list yourself (@{author}): the person who asks to join must be one")
            scaffold.refuse_existing(root, "issuer", issuer_answers.id)
            made = scaffold.issuer_scaffold(issuer_answers)
            ident, what = issuer_answers.id, "Register issuer"
        else:
            credential_answers = _credential_answers(answers)
            if author not in _issuer_maintainers(root, credential_answers.issuer):
                raise FormError(
                    f"@{author} is not a maintainer of {credential_answers.issuer}: only its maintainers may "
                    "propose its credentials"
                )
            scaffold.refuse_existing(root, "credential", f"{credential_answers.issuer}/{credential_answers.id}")
            made = scaffold.credential_scaffold(credential_answers)
            ident, what = f"{credential_answers.issuer}/{credential_answers.id}", "Propose credential"
    except (ProblemsFound, UsageError) as exc:
        raise FormError(exc.summary, exc.details) from None
    written = _write_checked(root, made, new_issuer=form == "issuer")
    return Converted(
        files=written,
        branch=f"form/{issue}-{ident.replace('/', '-')}",
        title=f"{what}: {ident} (from issue #{issue})",
        body=(
            f"Made from the form in issue #{issue}, opened by @{author}, by `credreg form-to-pr`. It passed "
            "`credreg check`'s file checks when it was made.\n\nCloses #" + str(issue)
        ),
    )


def _write_checked(root: Path, made: scaffold.Scaffold, *, new_issuer: bool) -> list[str]:
    """Write ``made`` (and CODEOWNERS for an issuer); validate the registry whole; undo everything on an error."""
    from generator.governance import CODEOWNERS_PATH, write_codeowners
    from generator.load import load_registry
    from generator.validate import validate_registry

    owners = root / CODEOWNERS_PATH
    before = owners.read_bytes() if owners.is_file() else None
    path = scaffold.write_scaffold(root, made)
    undo: list[Callable[[], object]] = [path.unlink]
    try:
        loaded = load_registry(root)
        problems = loaded.problems
        if loaded.registry is not None:
            validate_registry(loaded.registry, problems)
        if problems.errors or loaded.registry is None:
            raise FormError("the registry does not accept this file", [str(p) for p in problems.errors])
        written = [made.path]
        if new_issuer and before is not None:
            undo.append(lambda: owners.write_bytes(before))
            write_codeowners(loaded.registry)
            written.append(CODEOWNERS_PATH)
        return written
    except BaseException:
        for step in reversed(undo):
            step()
        if new_issuer:
            with contextlib.suppress(OSError):  # the issuer's folder, made for this file only
                path.parent.rmdir()
        raise


def issue_comment(error: CredregError) -> str:
    """The refusal as a Markdown comment: the messages quote the submitter's text, so they go in a code block
    (fenced longer than any backtick run in them) where nothing in them is rendered, linked or mentioned."""
    text = error.explain()
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return (
        "This form could not be turned into a pull request. Edit the issue to fix what is listed below (the "
        f"conversion runs again when the issue is labelled again), or ask a registry maintainer.\n\n{fence}text\n"
        f"{text}\n{fence}\n"
    )


def format_outputs(converted: Converted) -> str:
    """``key=value`` lines for ``$GITHUB_OUTPUT``; values come from slugs and numbers only, never free text."""
    return f"branch={converted.branch}\ntitle={converted.title}\nfiles={' '.join(converted.files)}\n"
