"""``credreg form-to-pr``: turn a submitted GitHub issue form into the registry file it asks for.

The workflow ``.github/workflows/issue-form.yml`` runs this on the default branch's code when an issue made
from ``.github/ISSUE_TEMPLATE/register-issuer.yml`` or ``propose-credential.yml`` is opened (or labelled). It
then commits what this wrote and opens a pull request, which reviewers and the pull-request check judge like
any other.

An issue body is text anyone can write (the API accepts any body, not only what the form's widgets allow), so
everything here is refused unless it is exactly what the form asks for:

* the body is at most :data:`MAX_BODY` bytes, and made of ``### <question>`` sections whose questions are the
  form's own labels, each at most once (labels are read from the form's YAML, so form and converter cannot
  drift apart), with every answer the form marks required and every box it requires ticked (the web form
  enforces these; an edited issue, or one opened through the API, need not), and a checkboxes answer written as
  GitHub writes it: one ``- [X]`` or ``- [ ]`` line per box of the form, each once, and nothing else;
* answers go through :mod:`generator.scaffold` (slugs for ids, no line breaks in one-line answers, no
  invisible or control characters, a YAML text that parses back to exactly the answers, schema and model
  validation), and may not contain raw HTML;
* the issue's author must be one of the maintainers the new issuer lists, or a maintainer of the issuer a
  credential is proposed for (the same rule the pull-request check applies to a person);
* the registry is loaded and validated with the new file in a private copy of what that reads, before anything is
  written into it: a refusal, an error or a kill leaves it as it was, and the file (and CODEOWNERS) is then written
  whole.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import layout, scaffold
from generator._internal.files import Claimed, claim_folder, clear_abandoned, read_inside
from generator._internal.signals import held_off
from generator._internal.source import Document, SourceError, decode_utf8, parse_yaml
from generator.errors import CredregError, Location, Problem, ProblemsFound, UsageError

if TYPE_CHECKING:
    from generator.registry import Registry

__all__ = ["FORMS", "MAX_BODY", "Converted", "FormError", "convert_form", "issue_comment", "parse_form_body"]

#: A form's body is a few kilobytes; anything near this is not a form.
MAX_BODY = 65_536
#: What a refusal comment quotes at most: an answer quoted escaped can be several times the body's size.
MAX_COMMENT_QUOTE = 16_000
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
    warnings: list[Problem] = dataclasses.field(default_factory=list)
    """What the check warns of in the file made (a warning fails nothing): shown as `credreg check` shows it."""


@dataclass(frozen=True, slots=True)
class FormRules:
    """What the web form itself refuses to submit without, read from its template: an issue edited afterwards, or
    opened through the API, is held to the same."""

    required: list[str]
    """The ids of the questions the template marks ``validations: required: true``, in its order."""
    ticked: dict[str, list[str]]
    """id → the labels of its checkbox options marked ``required: true``."""
    options: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    """id → the labels of all its checkbox options (of a ``checkboxes`` question)."""


def form_fields(root: Path, form: str) -> tuple[dict[str, str], FormRules]:
    """The form's questions (label → id) and what it requires, read from its issue template. A template that is
    missing or that a maintainer broke stops the command with a :class:`ProblemsFound` naming it (and the line and
    field)."""
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
    fields: dict[str, str] = {}
    rules = FormRules([], {})
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise _template_problem(template, ["body", n], "not a mapping")
        if item.get("type") in ("input", "textarea", "dropdown", "checkboxes") and "id" in item:
            attributes = item.get("attributes")
            if not isinstance(attributes, dict):
                attributes = {}
            label = attributes.get("label")
            if label is None:
                raise _template_problem(template, ["body", n, "attributes", "label"], "missing")
            key = fields[str(label)] = str(item["id"])
            validations = item.get("validations")
            if isinstance(validations, dict) and validations.get("required") is True:
                rules.required.append(key)
            options = attributes.get("options") if item["type"] == "checkboxes" else None
            if isinstance(options, list):
                rules.options[key] = [str(o.get("label")) for o in options if isinstance(o, dict)]
                ticked = [str(o.get("label")) for o in options if isinstance(o, dict) and o.get("required") is True]
                if ticked:
                    rules.ticked[key] = ticked
    return fields, rules


def _hold_to(rules: FormRules, fields: dict[str, str], answers: dict[str, str | None]) -> None:
    """Refuse what the web form would not have submitted: a required answer missing, or a required box unticked
    (GitHub writes a ticked one as ``- [X] <label>``)."""
    labels = {key: label for label, key in fields.items()}
    for key in rules.required:
        if not answers.get(key):
            raise FormError(f"{labels[key]}: this answer is required")
    ticked = {key: _boxes(labels[key], options, answers.get(key)) for key, options in rules.options.items()}
    for key, options in rules.ticked.items():
        for option in options:
            if not ticked.get(key, {}).get(option):
                raise FormError(f"{labels[key]}: the form requires {option!r} to be checked")


_BOX = re.compile(r"- \[(?P<mark>[ xX])\] (?P<option>.*)\Z")


def _boxes(label: str, options: list[str], answer: str | None) -> dict[str, bool]:
    """A checkboxes answer as GitHub writes it: one ``- [X] <option>`` or ``- [ ] <option>`` line per option of the
    form, each once. Anything else (a line of free text, an option the form does not have, one written twice,
    ticked and unticked) is not what the form submits, and which way it was answered could not be told."""
    marks: dict[str, bool] = {}
    for line in (answer or "").split("\n"):
        if not line.strip():
            continue
        box = _BOX.match(line.strip())
        if box is None or box["option"] not in options:
            raise FormError(f"{label}: {line.strip()!r} is not one of the form's boxes (- [X] or - [ ] and its text)")
        if box["option"] in marks:
            raise FormError(f"{label}: the box {box['option']!r} is written twice")
        marks[box["option"]] = box["mark"] != " "
    return marks


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


def convert_form(
    root: Path, form: str, body: str, *, author: str, issue: int, created: dt.date | None = None
) -> Converted:
    """Write the file ``body`` asks for into the registry at ``root``; refuse (nothing written) otherwise.

    ``created`` is a credential's ``created`` date (default: today). The workflows pass the day the issue was
    opened: the file is then what the issue alone makes, and the pull-request check can make it again from the
    issue and compare (``.github/workflows/pull-request.yml``)."""
    if form not in FORMS:
        raise UsageError(f"unknown form {form!r} (one of: {', '.join(FORMS)})")
    fields, rules = form_fields(root, form)
    answers = parse_form_body(body, fields)
    _hold_to(rules, fields, answers)
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
            if created is not None:
                credential_answers = dataclasses.replace(credential_answers, created=created)
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
    written, warnings = _write_checked(root, made, new_issuer=form == "issuer")
    return Converted(
        files=written,
        branch=f"form/{issue}-{ident.replace('/', '-')}",
        title=f"{what}: {ident} (from issue #{issue})",
        body=(
            f"Made from the form in issue #{issue}, opened by @{author}, by `credreg form-to-pr`. It passed "
            "`credreg check`'s file checks when it was made.\n\nCloses #" + str(issue)
        ),
        warnings=warnings,
    )


def _write_checked(root: Path, made: scaffold.Scaffold, *, new_issuer: bool) -> tuple[list[str], list[Problem]]:
    """Validate the registry as it would be with ``made`` (and, for an issuer, the CODEOWNERS file that follows),
    then write them: all or nothing. The registry is judged in a copy (:func:`_judged`), so nothing is written
    into it until every check has passed, and an error or a kill (SIGKILL too) before then leaves it as it was.
    The files written, and the check's warnings for ``made``."""
    from generator.governance import CODEOWNERS_PATH, render_codeowners
    from generator.governance.codeowners import codeowners_path, replace_codeowners

    owners = codeowners_path(root) if new_issuer else root / CODEOWNERS_PATH  # refused through a link
    judged, warnings = _judged(root, made)
    written = [made.path]
    replace_owners = new_issuer and owners.is_file()
    if replace_owners:
        owners_text = render_codeowners(judged)  # before anything is written: it may refuse a handle
        written.append(CODEOWNERS_PATH)
    target = root / made.path
    made_folders = [f for f in reversed(target.relative_to(root).parents) if not (root / f).exists()]
    owners_replaced = False
    try:
        scaffold.write_scaffold(root, made)  # whole or not at all (write_new); never over an existing file
        if replace_owners:
            # Whole or not at all, too. Killed between the two writes, the check says CODEOWNERS is out of date.
            # Signals held off until it is known to be in place: one raised as its rename returned (a cancelled
            # workflow's SIGTERM) took the issuer's file back while CODEOWNERS named it.
            with held_off():
                replace_codeowners(owners, owners_text)
                owners_replaced = True
    except BaseException:
        if owners_replaced:  # both files stand: the step is done, whatever came after
            raise
        if target.is_file() and not target.is_symlink() and target.read_text(encoding="utf-8") == made.text:
            target.unlink()
        for folder in reversed(made_folders):  # the folders made for this file only, deepest first
            with contextlib.suppress(OSError):
                (root / folder).rmdir()
        raise
    return written, warnings


#: What :func:`_judged` copies of an issuer's or endorser's folder: what loading and validating the registry read
#: (its awards, status lists, endorsements and revocations are judged by the full check, not by this one).
_NOT_COPIED = frozenset({"awards", "status", "endorsements", "revocations.jsonl"})


def _judged(root: Path, made: scaffold.Scaffold) -> tuple[Registry, list[Problem]]:
    """The registry loaded and validated from a private copy of what loading and validating it read, with ``made``
    added (a copy outside the repository, removed afterwards); its layout judged for ``made``'s path only, as the
    pull-request check judges a change, and the warnings at ``made``'s path (the copy's paths are the registry's).
    Raises :class:`FormError` when the registry does not accept the file."""
    from generator.load import load_registry
    from generator.validate import validate_registry

    held: list[Claimed] = []
    scratch_parent = Path(tempfile.gettempdir())
    clear_abandoned(scratch_parent, (_SCRATCH,))  # what runs killed midway left (never a running one's)
    try:
        copy = claim_folder(scratch_parent, _SCRATCH, held, mode=0o700).path
        _copy_regular(root, copy, layout.GOVERNANCE_PATH)
        _copy_regular(root, copy, layout.KEYS_DIR)
        for owners in (layout.ISSUERS_DIR, layout.ENDORSERS_DIR):
            for owner in _visible(root / owners):
                for entry in _visible(root / owners / owner):
                    if entry not in _NOT_COPIED:
                        _copy_regular(root, copy, f"{owners}/{owner}/{entry}")
        (copy / made.path).parent.mkdir(parents=True, exist_ok=True)
        (copy / made.path).write_text(made.text, encoding="utf-8")
        loaded = load_registry(copy, use_cache=False, layout_paths=[made.path])
        problems = loaded.problems
        if loaded.registry is not None:
            validate_registry(loaded.registry, problems)
        if problems.errors or loaded.registry is None:
            raise FormError("the registry does not accept this file", [str(p) for p in problems.errors])
        return loaded.registry, [p for p in problems if p.location.path == made.path]
    finally:
        for claimed in held:
            shutil.rmtree(claimed.path, ignore_errors=True)
            claimed.release()


_SCRATCH = "credreg-form-"


def _visible(folder: Path) -> list[str]:
    """The names in ``folder`` that are not hidden (none when it is missing or no folder)."""
    try:
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries if not e.name.startswith("."))
    except OSError:
        return []


def _copy_regular(root: Path, copy: Path, rel: str) -> None:
    """Copy ``rel`` (a file, or a folder with what it holds) from ``root`` into ``copy``: regular files and folders
    only, never through a symbolic link (the registry's check refuses links; their targets are never read)."""
    source = root / rel
    try:
        mode = os.lstat(source).st_mode
    except OSError:
        return
    if stat.S_ISDIR(mode):
        (copy / rel).mkdir(parents=True, exist_ok=True)
        for name in _visible(source):
            _copy_regular(root, copy, f"{rel}/{name}")
    elif stat.S_ISREG(mode):
        (copy / rel).parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            (copy / rel).write_bytes(read_inside(root, rel))


def issue_comment(error: CredregError) -> str:
    """The refusal as a Markdown comment: the messages quote the submitter's text, so they go in a code block
    (fenced longer than any backtick run in them) where nothing in them is rendered, linked or mentioned."""
    text = error.explain()
    if len(text) > MAX_COMMENT_QUOTE:  # GitHub posts no comment over 65,536 characters: the author would hear nothing
        cut = len(text) - MAX_COMMENT_QUOTE
        text = f"{text[:MAX_COMMENT_QUOTE]}\n… ({cut} more characters of this message are not shown)"
    fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return (
        "This form could not be turned into a pull request. Edit the issue to fix what is listed below: the "
        "conversion runs again when its author saves an edit (an edit by anyone else is not converted). Or ask a "
        f"registry maintainer.\n\n{fence}text\n"
        f"{text}\n{fence}\n"
    )


def format_outputs(converted: Converted) -> str:
    """``key=value`` lines for ``$GITHUB_OUTPUT``; values come from slugs and numbers only, never free text."""
    return f"branch={converted.branch}\ntitle={converted.title}\nfiles={' '.join(converted.files)}\n"
