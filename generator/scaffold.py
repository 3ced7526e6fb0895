"""``credreg new issuer|credential``: write a new issuer's or credential's file, commented, that passes the check.

The same code serves the terminal (prompts), scripts (flags) and the issue-form converter
(:mod:`generator.forms`): answers go in as :class:`IssuerAnswers` / :class:`CredentialAnswers`, a YAML text
comes out, and that text is refused unless

* it parses back (with the registry's own strict YAML reader) to exactly the values given, so no answer can
  smuggle in YAML structure (a ``:`` or newline in a name, an anchor, a tag, a second document); and
* it passes the same schema and model validation as ``credreg check``.

Nothing is written over an existing file, and nothing is written at all when either test fails.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import json
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import layout
from generator._internal.files import all_or_nothing, refuse_link_on_path, write_new
from generator._internal.signals import held_off
from generator._internal.source import SourceError, parse_yaml
from generator._internal.text import first_unseen
from generator.errors import CredregError, ProblemList, ProblemsFound, UsageError
from generator.load import validate_document
from generator.models import AchievementType, AssessmentMethod, DeliveryMode, IssuerKind, Proficiency
from generator.schema import FileKind

__all__ = [
    "CredentialAnswers",
    "IssuerAnswers",
    "Scaffold",
    "credential_scaffold",
    "issuer_scaffold",
    "parse_cost",
    "write_scaffold",
]

#: Longest answer accepted for one field (the models' own limits are lower for most fields).
MAX_ANSWER = 20_000


@dataclass(frozen=True, slots=True)
class IssuerAnswers:
    """What ``credreg new issuer`` asks."""

    id: str
    name: str
    kind: str
    url: str
    email: str
    description: str
    country: str
    maintainers: tuple[str, ...]
    city: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class CredentialAnswers:
    """What ``credreg new credential`` asks."""

    issuer: str
    id: str
    name: str
    summary: str
    description: str
    narrative: str
    methods: tuple[str, ...]
    skills: tuple[str, ...]
    hours: float
    cost: str | dict[str, Any]
    delivery: str
    proficiency: str | None = None
    eqf: int | None = None
    duration: str | None = None
    languages: tuple[str, ...] = ("en",)
    achievement_type: str = AchievementType.MICRO_CREDENTIAL.value
    created: dt.date = field(default_factory=lambda: dt.datetime.now(dt.UTC).date())


@dataclass(frozen=True, slots=True)
class Scaffold:
    """A file to write: where (relative to the registry root) and what."""

    path: str
    text: str
    kind: FileKind


def _values(kind: type[enum.Enum]) -> str:
    return ", ".join(str(member.value) for member in kind)


def parse_cost(text: str) -> str | dict[str, Any]:
    """``free``, or ``295 EUR`` / ``EUR 295`` → ``{amount: 295, currency: EUR}``."""
    words = text.strip().split()
    if [w.lower() for w in words] == ["free"]:
        return "free"
    if len(words) == 2:
        amount, currency = (words[1], words[0]) if words[0].isalpha() else (words[0], words[1])
        try:
            number = _number("cost", amount, float)
        except UsageError:
            pass
        else:
            return {"amount": int(number) if number.is_integer() else number, "currency": currency}
    raise UsageError(f"cost {text!r}: write free, or an amount and a currency code such as 295 EUR")


def _check_text(name: str, value: str, *, multiline: bool = False) -> None:
    if len(value) > MAX_ANSWER:
        raise UsageError(f"{name}: at most {MAX_ANSWER} characters (has {len(value)})")
    if not multiline and any(ch in "\n\r" for ch in value):
        raise UsageError(f"{name}: must be one line of text (it contains a line break)")
    # The registry's own rule (the models refuse the same characters in the file this writes), plus lone
    # surrogates, which no file can hold.
    at = first_unseen(value)
    if at is None:
        at = next((i for i, ch in enumerate(value) if unicodedata.category(ch) == "Cs"), None)
    if at is not None:
        ch = value[at]
        raise UsageError(
            f"{name}: contains the invisible or control character U+{ord(ch):04X} "
            f"({unicodedata.name(ch, 'unnamed')}); type the text without it"
        )


def _check_answers(values: dict[str, Any], multiline: set[str]) -> None:
    for name, value in values.items():
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, str):
                _check_text(name, item, multiline=name in multiline)


def _slug(what: str, value: str) -> str:
    if not layout.SLUG_RE.match(value) or len(value) > 64:
        raise UsageError(
            f"{what} {value!r} is not a lowercase slug: letters a–z, digits and single hyphens, at most 64 "
            "characters (e.g. harbour-data-school)"
        )
    return value


def _scalar(value: Any) -> str:
    """One YAML scalar on one line, quoted only when it must be; multi-line text as a literal block."""
    if isinstance(value, str) and "\n" in value.strip("\n"):
        block = _block(value)
        if yaml.safe_load(f"k: {block}\n") == {"k": value}:
            return block
        return json.dumps(value, ensure_ascii=False)  # a YAML double-quoted scalar: exact, escapes and all
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1_000_000, sort_keys=False)
    return dumped.removesuffix("\n").removesuffix("\n...")


def _block(value: str) -> str:
    """A literal block (``|``) for multi-line text: what the existing files use, and easy to edit."""
    lines = value.strip("\n").split("\n")
    return "|\n" + "\n".join(f"  {line}" if line else "" for line in lines)


def _indent_block(text: str, by: str) -> str:
    first, _, rest = text.partition("\n")
    return first + ("\n" + "\n".join(by + line if line else "" for line in rest.split("\n")) if rest else "")


def issuer_scaffold(answers: IssuerAnswers) -> Scaffold:
    """The commented ``issuer.yaml`` for ``answers``. Raises :class:`UsageError` / :class:`ProblemsFound`."""
    issuer = _slug("issuer id", answers.id)
    data: dict[str, Any] = {
        "id": issuer,
        "name": answers.name,
        "kind": answers.kind,
        "url": answers.url,
        "email": answers.email,
        "description": answers.description.strip("\n") + "\n"
        if "\n" in answers.description.strip("\n")
        else answers.description,
        "location": {"country": answers.country},
        "maintainers": list(answers.maintainers),
    }
    if answers.region:
        data["location"]["region"] = answers.region
    if answers.city:
        data["location"]["city"] = answers.city
    _check_answers(
        {k: v for k, v in data.items() if k != "location"} | {f"location.{k}": v for k, v in data["location"].items()},
        multiline={"description"},
    )
    loc = data["location"]
    lines = [
        "# yaml-language-server: $schema=../../../schemas/issuer.schema.json",
        f"# {layout.ISSUERS_DIR}/{issuer}/issuer.yaml, made by `credreg new issuer`. Edit it freely; run",
        '# `credreg check` after every change. Every field is explained in the "Become an issuer" guide.',
        "",
        "# Your folder name. It is part of your identity (did:web:…:issuers:<id>) and of every badge you sign,",
        "# so it never changes.",
        f"id: {_scalar(issuer)}",
        "# The organisation's name as employers know it.",
        f"name: {_scalar(answers.name)}",
        f"# One of: {_values(IssuerKind)}.",
        f"kind: {_scalar(answers.kind)}",
        "# Your website (https://).",
        f"url: {_scalar(answers.url)}",
        "# Published: where people ask about your credentials.",
        f"email: {_scalar(answers.email)}",
        "# Who you are, in a few factual sentences (Markdown; no raw HTML).",
        f"description: {_scalar(data['description'])}",
        "location:",
        "  # Two-letter ISO 3166-1 code: GB, DE, US, …",
        f"  country: {_scalar(loc['country'])}",
    ]
    if "region" in loc:
        lines.append(f"  region: {_scalar(loc['region'])}")
    if "city" in loc:
        lines.append(f"  city: {_scalar(loc['city'])}")
    lines += [
        "# Optional: a logo. Put logo.svg (or .png) in this folder first, then uncomment the line. A logo line",
        "# naming a file that is not there fails the check. An https:// URL is accepted and carried in your awards,",
        "# but the site never loads it in readers' browsers: its pages show your initials instead.",
        "# logo: logo.svg",
        "# GitHub handles of the people who may change these files and award your credentials. List people, not",
        "# teams: only people listed by name may open pull requests for you. You must be one of them.",
        "maintainers:",
        *(f"  - {_scalar(handle)}" for handle in answers.maintainers),
    ]
    return _finish(
        Scaffold(f"{layout.ISSUERS_DIR}/{issuer}/issuer.yaml", "\n".join(lines) + "\n", FileKind.ISSUER), data
    )


def credential_scaffold(answers: CredentialAnswers) -> Scaffold:
    """The commented ``credentials/<id>.yaml`` for ``answers``."""
    issuer = _slug("issuer id", answers.issuer)
    slug = _slug("credential id", answers.id)
    level: dict[str, Any] = {}
    if answers.eqf is not None:
        level["eqf"] = answers.eqf
    if answers.proficiency is not None:
        level["proficiency"] = answers.proficiency
    effort: dict[str, Any] = {"hours": int(answers.hours) if float(answers.hours).is_integer() else answers.hours}
    if answers.duration:
        effort["duration"] = answers.duration
    description = answers.description.strip("\n") + ("\n" if "\n" in answers.description.strip("\n") else "")
    narrative = answers.narrative.strip("\n") + ("\n" if "\n" in answers.narrative.strip("\n") else "")
    data: dict[str, Any] = {
        "id": slug,
        "name": answers.name,
        "summary": answers.summary,
        "description": description,
        "achievement_type": answers.achievement_type,
        "criteria": {"narrative": narrative, "assessment": [{"method": m} for m in answers.methods]},
        "skills": [{"name": s} for s in answers.skills],
        "level": level,
        "effort": effort,
        "cost": answers.cost,
        "delivery": answers.delivery,
        "languages": list(answers.languages),
        "created": answers.created.isoformat(),
    }
    _check_answers(
        {
            "name": answers.name,
            "summary": answers.summary,
            "description": description,
            "criteria.narrative": narrative,
            "skills": answers.skills,
            "criteria.assessment.method": answers.methods,
            "achievement_type": answers.achievement_type,
            "delivery": answers.delivery,
            "languages": answers.languages,
            "level.proficiency": answers.proficiency or "",
            "effort.duration": answers.duration or "",
            "cost.currency": answers.cost.get("currency", "") if isinstance(answers.cost, dict) else answers.cost,
        },
        multiline={"description", "criteria.narrative"},
    )
    if isinstance(answers.cost, dict):
        cost = ["cost:", *(f"  {k}: {_scalar(v)}" for k, v in answers.cost.items())]
    else:
        cost = [f"cost: {_scalar(answers.cost)}"]
    lines = [
        "# yaml-language-server: $schema=../../../../schemas/credential.schema.json",
        f"# {layout.ISSUERS_DIR}/{issuer}/credentials/{slug}.yaml, made by `credreg new credential`. The file",
        "# name is the credential's id and never changes once it is awarded. Run `credreg check` after every change.",
        "",
        f"id: {_scalar(slug)}",
        "# The name on the badge.",
        f"name: {_scalar(answers.name)}",
        "# One sentence for lists and link previews.",
        f"summary: {_scalar(answers.summary)}",
        "# What the holder can do, for whom it is meant, how it is taught (Markdown).",
        f"description: {_scalar(description)}",
        "# Open Badges 3.0 type; common ones: MicroCredential, Badge, Certificate, Certification, Course.",
        f"achievement_type: {_scalar(answers.achievement_type)}",
        "criteria:",
        "  # What a holder had to do to earn it.",
        f"  narrative: {_indent_block(_scalar(narrative), '  ')}",
        f"  # How it is assessed, one entry per part. Methods: {_values(AssessmentMethod)}.",
        "  # Each part may have a description and a weight (percent; all weights add up to 100).",
        "  assessment:",
        *(f"    - method: {_scalar(m)}" for m in answers.methods),
        "# The skills it certifies. Each may point into a framework (ESCO, O*NET, SFIA, …), for example:",
        "#   alignment: {framework: ESCO, code: 598de5b0-5b58-4ea7-8058-a4bc4d18c742}",
        "skills:",
        *(f"  - name: {_scalar(s)}" for s in answers.skills),
        f"# eqf: European Qualifications Framework level, 1–8; proficiency: {_values(Proficiency)}. Either or both.",
        "level:",
        *(f"  {k}: {_scalar(v)}" for k, v in level.items()),
        "# hours: total learning hours, assessment included; duration: ISO 8601 (P6W = six weeks, P3M = three months).",
        "effort:",
        *(f"  {k}: {_scalar(v)}" for k, v in effort.items()),
        "# free, or an amount and an ISO 4217 currency code, e.g. {amount: 295, currency: EUR}.",
        *cost,
        f"# One of: {_values(DeliveryMode)}.",
        f"delivery: {_scalar(answers.delivery)}",
        "# Languages of the learning and the assessment (BCP 47: en, de, pt-BR).",
        "languages: [" + ", ".join(_scalar(x) for x in answers.languages) + "]",
        f"created: {answers.created.isoformat()}",
        "# Optional fields (occupations, industries, tags, prerequisites, stacking, validity, quality_assurance,",
        "# image, …) are listed in the guide and in schemas/credential.schema.json.",
    ]
    path = f"{layout.ISSUERS_DIR}/{issuer}/credentials/{slug}.yaml"
    return _finish(Scaffold(path, "\n".join(lines) + "\n", FileKind.CREDENTIAL), data)


def _finish(scaffold: Scaffold, intended: dict[str, Any]) -> Scaffold:
    """Refuse a text that does not mean exactly ``intended``, or that the check would refuse."""
    try:
        doc = parse_yaml(scaffold.text, scaffold.path)
    except SourceError as exc:
        raise ProblemsFound(exc.problems, "the answers do not make a valid file") from None
    if doc.data != intended:
        raise UsageError("an answer changes the file's structure (YAML syntax in a value?); rephrase it")
    problems = ProblemList()
    validate_document(doc, scaffold.kind, problems)
    if problems.errors:
        raise ProblemsFound(problems.errors, "the answers do not make a valid file (nothing was written); in the file:")
    return scaffold


def write_scaffold(root: Path, scaffold: Scaffold) -> Path:
    """Write ``scaffold`` under ``root``; refuses an existing file (a registry's files are never overwritten)."""
    target = root / scaffold.path
    refuse_link_on_path(root, scaffold.path)
    taken = UsageError(f"{scaffold.path} already exists; nothing was written (edit it, or choose another id)")
    if target.exists() or target.is_symlink():
        raise taken
    try:
        write_new(target, scaffold.text.encode("utf-8"))
    except FileExistsError:  # another process made it since the test above: its file stands
        raise taken from None
    return target


# --- prompting --------------------------------------------------------------------------------------------


Ask = Callable[[str], str]


def ask_missing(given: dict[str, Any], questions: Sequence[tuple[str, str, Any]], ask: Ask | None) -> dict[str, Any]:
    """Fill in what the flags left out: by asking (``ask``, on a terminal), else a usage error naming the flags.

    ``questions`` are ``(name, prompt, default)``; a default of ``...`` means required. Answers are added to
    ``given`` itself, so that asking again after a refusal (:func:`make_interactively`) keeps them.
    """
    answers = given
    missing = [(name, prompt, default) for name, prompt, default in questions if answers.get(name) in (None, [], ())]
    if ask is None:
        required = [name for name, _, default in missing if default is ...]
        if required:
            flags = ", ".join("--" + name.replace("_", "-") for name in required)
            raise UsageError(f"missing {flags} (or run the command on a terminal to be asked)")
        for name, _, default in missing:
            answers[name] = default
        return answers
    for name, prompt, default in missing:
        shown = "" if default in (..., None) else f" [{default}]"
        while True:
            reply = ask(f"{prompt}{shown}: ").strip()
            if reply:
                answers[name] = reply
                break
            if default is not ...:
                answers[name] = "" if default is None else default  # asked: not asked again
                break
    return answers


def _split(value: Any, sep: str = ",") -> tuple[str, ...]:
    """A list answer: repeated flags (each taken whole), or one prompt answer separated by ``sep``."""
    items = [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value).split(sep)
    return tuple(item.strip() for item in items if item.strip())


def _number(name: str, value: Any, kind: Callable[[str], float | int]) -> Any:
    try:
        number = kind(str(value))
    except ValueError:
        raise UsageError(f"{name}: {value!r} is not a number") from None
    if not math.isfinite(number):  # float() reads nan, inf and 1e400 as numbers; no file holds them
        raise UsageError(f"{name}: {value!r} is not a number")
    return number


#: Flags of ``credreg new`` that are answers (the CLI passes these through).
FLAG_NAMES = frozenset(
    {"name", "description", "kind", "url", "email", "country", "city", "region", "maintainer", "summary"}
    | {"narrative", "method", "skill", "proficiency", "eqf", "hours", "duration", "cost", "delivery", "language"}
    | {"type"}
)

ISSUER_QUESTIONS: tuple[tuple[str, str, Any], ...] = (
    ("name", "Organisation name, as employers know it", ...),
    ("kind", f"Kind of organisation ({_values(IssuerKind)})", ...),
    ("url", "Website (https://…)", ...),
    ("email", "Contact email for questions about your credentials (published)", ...),
    ("description", "Who you are, in a sentence or two", ...),
    ("country", "Country (two-letter code: GB, DE, US, …)", ...),
    ("city", "City (optional)", None),
    ("maintainer", "GitHub handles of your maintainers, separated by commas (you must be one)", ...),
)

CREDENTIAL_QUESTIONS: tuple[tuple[str, str, Any], ...] = (
    ("name", "Credential name", ...),
    ("summary", "One sentence: what does it certify?", ...),
    ("description", "Description: what the holder can do, for whom it is meant", ...),
    ("narrative", "What must a holder do to earn it?", ...),
    ("method", f"How is it assessed ({_values(AssessmentMethod)}; several separated by commas)", ...),
    ("skill", "Skills it certifies, separated by semicolons", ...),
    ("proficiency", f"Level ({_values(Proficiency)})", ...),
    ("hours", "Learning hours, assessment included", ...),
    ("duration", "Typical duration as ISO 8601 (P6W = six weeks; optional)", None),
    ("cost", "Cost: free, or an amount and currency such as 295 EUR", ...),
    ("delivery", f"Delivery ({_values(DeliveryMode)})", ...),
    ("language", "Languages, separated by commas", "en"),
)


def issuer_answers(issuer: str, flags: dict[str, Any], ask: Ask | None) -> IssuerAnswers:
    got = ask_missing(flags, ISSUER_QUESTIONS, ask)
    return IssuerAnswers(
        id=issuer,
        name=str(got["name"]),
        kind=str(got["kind"]),
        url=str(got["url"]),
        email=str(got["email"]),
        description=str(got["description"]),
        country=str(got["country"]),
        city=str(got["city"]) if got.get("city") else None,
        region=str(got["region"]) if got.get("region") else None,
        maintainers=tuple(h.removeprefix("@") for h in _split(got["maintainer"])),
    )


def credential_answers(ref: str, flags: dict[str, Any], ask: Ask | None) -> CredentialAnswers:
    issuer, slash, slug = ref.partition("/")
    if not slash:
        raise UsageError(f"{ref!r}: name the credential as ISSUER/ID, e.g. harbour-data-school/sql-reporting")
    questions = CREDENTIAL_QUESTIONS
    if flags.get("eqf") is not None:  # an EQF level alone is a level
        questions = tuple((n, p, None if n == "proficiency" else d) for n, p, d in questions)
    got = ask_missing(flags, questions, ask)
    cost = got["cost"] if isinstance(got["cost"], dict) else parse_cost(str(got["cost"]))
    return CredentialAnswers(
        issuer=_slug("issuer id", issuer),
        id=_slug("credential id", slug),
        name=str(got["name"]),
        summary=str(got["summary"]),
        description=str(got["description"]),
        narrative=str(got["narrative"]),
        methods=_split(got["method"]),
        skills=_split(got["skill"], ";"),
        hours=_number("hours", got["hours"], float),
        cost=cost,
        delivery=str(got["delivery"]),
        proficiency=str(got["proficiency"]) if got.get("proficiency") else None,
        eqf=_number("eqf", got["eqf"], int) if got.get("eqf") is not None else None,
        duration=str(got["duration"]) if got.get("duration") else None,
        languages=_split(got["language"]),
        achievement_type=str(got.get("type") or AchievementType.MICRO_CREDENTIAL.value),
    )


def new_issuer(root: Path, made: Scaffold) -> list[Path]:
    """Write an issuer's ``issuer.yaml`` and, when the registry has one, regenerate ``.github/CODEOWNERS``."""
    from generator.governance import write_codeowners
    from generator.governance.codeowners import codeowners_lock, codeowners_path
    from generator.load import load_registry

    owners = codeowners_path(root)  # refused (a link on its way) before the issuer's file is written
    if not owners.is_file():
        return [write_scaffold(root, made)]
    # The issuer's file, the load and CODEOWNERS under one lock: a run that loads after another wrote its issuer
    # file but before that run wrote CODEOWNERS would otherwise write rows without it, and might write last.
    # All or nothing: the issuer's file is taken back when CODEOWNERS cannot follow (a full disk, Ctrl-C), else it
    # stood without its row (which the check refuses) and the same command, run again, said "already exists".
    # Signals held off from CODEOWNERS's writing until the block has kept the issuer's file: one raised as it went
    # into place (Python raises it at the next line, still in the block) took the issuer's file back and left
    # CODEOWNERS naming an issuer that is not there, which the check refuses; it is delivered once both stand.
    written: list[Path] = []
    try:
        with codeowners_lock(root), contextlib.ExitStack() as kept, all_or_nothing(root) as make:
            make(root / made.path, lambda: written.append(write_scaffold(root, made)))
            loaded = load_registry(root)
            if loaded.registry is not None and not loaded.problems.errors:
                kept.enter_context(held_off())
                written.append(write_codeowners(loaded.registry))
    except CredregError as exc:
        if not written or type(exc) not in (CredregError, UsageError):  # refused before anything was written
            raise
        raise type(exc)(exc.summary, [*exc.details, f"{made.path} was not written: nothing was changed"]) from None
    return written


#: Which question answers a field that a problem names (the rest are named as their question).
_FIELD_QUESTION = {
    "location.country": "country",
    "location.city": "city",
    "location.region": "region",
    "maintainers": "maintainer",
    "criteria.narrative": "narrative",
    "criteria.assessment": "method",
    "criteria.assessment.method": "method",
    "skills": "skill",
    "level": "proficiency",
    "level.proficiency": "proficiency",
    "level.eqf": "eqf",
    "effort.hours": "hours",
    "effort.duration": "duration",
    "cost.currency": "cost",
    "cost.amount": "cost",
    "languages": "language",
    "achievement_type": "type",
}


def _question_for(field: str) -> str | None:
    base = re.sub(r"\[\d+\]", "", field)
    for key in (field, base, base.split(".")[0]):
        if key in _FIELD_QUESTION:
            return _FIELD_QUESTION[key]
        if key in FLAG_NAMES:
            return key
    return None


def make_interactively(
    make: Callable[[dict[str, Any]], Scaffold], flags: dict[str, Any], ask: Ask | None, tell: Callable[[str], None]
) -> Scaffold:
    """``make(answers)``; on a terminal, a refused answer is explained and asked again (the others are kept)."""
    answers = dict(flags)
    for _ in range(10):
        try:
            return make(answers)
        except (ProblemsFound, UsageError) as exc:
            if ask is None:
                raise
            if isinstance(exc, ProblemsFound):
                fields = [p.field for p in exc.problems]
            else:
                fields = [m[0] for m in [re.match(r"[\w.\[\]]+", exc.summary)] if m]
            names = {name for name in map(_question_for, fields) if name is not None}
            if not names:
                raise
            tell(exc.explain())
            for name in names:
                answers.pop(name, None)
    return make(answers)


def refuse_existing(root: Path, what: str, ref: str) -> None:
    """Refuse before asking anything when the file to write exists already (or the id cannot name one)."""
    if what == "issuer":
        path = f"{layout.ISSUERS_DIR}/{_slug('issuer id', ref)}/issuer.yaml"
    else:
        issuer, slash, slug = ref.partition("/")
        if not slash:
            raise UsageError(f"{ref!r}: name the credential as ISSUER/ID, e.g. harbour-data-school/sql-reporting")
        path = f"{layout.ISSUERS_DIR}/{_slug('issuer id', issuer)}/credentials/{_slug('credential id', slug)}.yaml"
    if (root / path).exists():
        raise UsageError(f"{path} already exists; nothing was written (edit it, or choose another id)")
    if what != "issuer" and not (root / layout.ISSUERS_DIR / issuer / "issuer.yaml").is_file():
        raise UsageError(f"no issuer {issuer!r} in this registry: run `credreg new issuer {issuer}` first")
