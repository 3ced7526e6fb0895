"""Load stage: read every registry file, check it against its schema and model, and build a :class:`Registry`.

All problems are collected (never only the first), each naming file, line, column and field. A file with
problems is left out of the registry so later stages only see valid data; the problems explain why.
"""

from __future__ import annotations

import difflib
import errno
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as ModelValidationError

from generator import layout
from generator._internal.files import read_inside
from generator._internal.gcpause import gc_paused
from generator._internal.source import (
    MAX_FILE_BYTES,
    Document,
    SourceError,
    decode_utf8,
    format_field,
    parse_json,
    parse_yaml,
)
from generator.crypto.multibase import decode_ed25519_public
from generator.errors import CryptoError, Location, Problem, ProblemList
from generator.models import CredentialDefinition, Governance, Issuer, PublicKey
from generator.models._base import SLUG_PATTERN, URL_PORT_PATTERN, ecmascript_pattern
from generator.models.endorser import Endorser
from generator.parse_cache import ParseCache
from generator.registry import EndorserRecord, IssuerRecord, Registry, Sourced
from generator.schema import FileKind, model_for, schema_errors

if TYPE_CHECKING:  # python-jsonschema's errors come only from an invalid document (schema_errors): imported then
    from jsonschema.exceptions import ValidationError as SchemaValidationError

__all__ = ["LoadResult", "load_registry", "parse_document", "pattern_words", "read_document", "validate_document"]

M = TypeVar("M", bound=BaseModel)

# Patterns of the constrained types, explained in words for the people who write the files, with an example
# value: a message that only says what is wrong leaves the writer guessing what is right.
# Keyed and matched in the schemas' spelling (ECMAScript: ``$``), which the models' ``\Z`` is turned into.
_PATTERN_WORDS = {
    ecmascript_pattern(SLUG_PATTERN): (
        "a lowercase slug: letters a–z, digits and single hyphens (e.g. data-analysis-foundations)",
        "",
    ),
    ecmascript_pattern(URL_PORT_PATTERN): (
        "a URL whose port, if it has one, is a number from 1 to 65535 without leading zeros",
        "",
    ),
}
_PATTERN_HINTS = [
    ("z6Mk", "an Ed25519 Multikey: 'z6Mk' followed by 44 base58 characters", ""),
    ("\\.(?:png|svg|jpg", "an image file in the issuer's folder (logo.svg) or an https:// URL", "logo.svg"),
    ("\\.(?:png|svg))$", "a PNG or SVG file in the issuer's folder or an https:// URL", "images/badge.svg"),
    ("^\\S(?:.*\\S)?$", "text without leading or trailing spaces", ""),
    ("^https://", "an https:// URL", "https://www.example.org"),
    ("^https?://", "an http(s):// URL", "https://www.example.org/page"),
    ("^P(?!$)", "an ISO 8601 duration such as P3Y, P6M, P8W or P10D", "P6W"),
    ("[A-Z]{3}$", "a three-letter ISO 4217 currency code (EUR, USD)", "EUR"),
    ("^[A-Z]{2}$", "a two-letter ISO 3166-1 country code (DE, US)", "GB"),
    ("^[a-z]{2,3}", "a BCP 47 language tag (en, de, pt-BR)", "en"),
    ("^did:", "a DID (did:web:…, did:key:…)", "did:web:example.org"),
    ("[A-Za-z0-9](?:[A-Za-z0-9]|-(?=", "a GitHub user or org/team handle, without '@'", "octocat"),
    ("@[A-Za-z0-9]", "an email address", "credentials@example.org"),
    ("^(?:[a-z0-9]+(?:-[a-z0-9]+)*/)?", "a credential reference: slug or issuer/slug", "other-issuer/sql-basics"),
    ("^[0-9]+(?:\\.[0-9]+){0,2}$", "a version number such as 1.0 or 2.1.3", "'1.1'"),
    ("[^\\n\\r\\x00", "one line of text, with no control or bidi characters", ""),
    ("^[^\\x00", "text with no control or bidi characters", ""),
    ("^[^\\s\\x00", "one line of text without leading or trailing spaces, control or bidi characters", ""),
]

#: Examples of the compound fields, for messages about their shape (a YAML flow mapping fits on one line).
FIELD_EXAMPLES = {
    "cost": "cost: free, or cost: {amount: 295, currency: EUR}",
    "alignment": "alignment: {framework: ESCO, code: 598de5b0-5b58-4ea7-8058-a4bc4d18c742}",
    "level": "level: {eqf: 5, proficiency: intermediate}",
    "effort": "effort: {hours: 36, duration: P6W}",
    "location": "location: {country: GB, city: Bristol}",
    "criteria": "criteria: {narrative: Pass the final project., assessment: [{method: project}]}",
    "validity": "validity: {period: P3Y}",
    "stacking": "stacking: {rule: all-of, components: [sql-basics, data-visualisation]}",
    "skills": "skills: [{name: Writing analytical SQL queries}]",
    "languages": "languages: [en]",
    "maintainers": "maintainers: [octocat]",
}


@dataclass(slots=True)
class LoadResult:
    """The registry (``None`` when governance itself is unusable) and every problem found."""

    registry: Registry | None
    problems: ProblemList

    def __bool__(self) -> bool:
        return self.registry is not None and not self.problems.errors


def read_document(root: Path, path: Path, cache: ParseCache | None = None) -> Document:
    """Read and parse one YAML or JSON file (YAML through ``cache`` when given: the same values, parsed once).
    Raises :class:`SourceError` with positioned problems."""
    rel = layout.relpath(root, path)
    try:
        # Never through a symbolic link: what a link points at (a private key, say) must not be parsed, and
        # so never quoted in a message. The layout check reports the link itself.
        raw = read_inside(root, rel, limit=MAX_FILE_BYTES)
    except OSError as exc:
        if exc.errno == errno.EFBIG:
            raise SourceError([Problem(Location(rel), str(exc.strerror), code="file.too-large")]) from None
        raise SourceError(
            [Problem(Location(rel), f"cannot read file: {exc.strerror}", code="file.unreadable")]
        ) from None
    text = decode_utf8(raw, rel)
    if path.suffix == ".json":
        if raw.startswith(b"\xef\xbb\xbf"):
            # JSON has no byte order mark (RFC 8259): refused, as an award file's is (read_json_bytes). Read past
            # it, a key file with one was registered while the log, which reads it strictly, never retired it.
            text = "\ufeff" + text
        return parse_json(text, rel)  # fast already: the standard library's parser
    if cache is not None:
        return cache.parse(raw, text, rel)
    return parse_yaml(text, rel)


def _pattern_hint(pattern: str) -> tuple[str, str]:
    """Words for a pattern (a model's or a schema's), and an example value ('' when none helps)."""
    pattern = ecmascript_pattern(pattern)
    if pattern in _PATTERN_WORDS:
        return _PATTERN_WORDS[pattern]
    for needle, words, example in _PATTERN_HINTS:
        if needle in pattern:
            return words, example
    return f"text matching {pattern}", ""


def pattern_words(pattern: str) -> str:
    """A schema pattern in words (``an ISO 8601 duration such as P3Y, …``), for messages and the guide."""
    return _pattern_hint(pattern)[0]


_pattern_words = pattern_words


def _example(loc: list[str | int], value: str) -> str:
    """`` (example: name: value)``: the line as it is written in the file."""
    if not value:
        return ""
    if loc and isinstance(loc[-1], str):
        return f" (example: {loc[-1]}: {value})"
    return f" (example: {value})"


def _shape_example(loc: list[str | int]) -> str:
    name = loc[-1] if loc else None
    return f" (example: {FIELD_EXAMPLES[name]})" if isinstance(name, str) and name in FIELD_EXAMPLES else ""


def _quoted(value: Any, limit: int = 80) -> str:
    """``repr`` of a value in a message, cut after ``limit`` characters: a value may be as long as its file."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    return repr(value)


def _enum_words(instance: Any, allowed: list[Any], loc: list[str | int]) -> str:
    words = [str(v) for v in allowed]
    close: list[str] = []
    if isinstance(instance, str):
        folded = {w.casefold(): w for w in words}
        close = [folded[instance.casefold()]] if instance.casefold() in folded else []
        close = close or difflib.get_close_matches(instance, words, n=1, cutoff=0.6)
    shown = _quoted(instance) if isinstance(instance, str) else _json_type(instance)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    example = _example(loc, close[0] if close else words[0])
    return f"{shown} is not one of the allowed values: {', '.join(words)}{hint}{example}"


def _branches(error: SchemaValidationError) -> list[list[SchemaValidationError]]:
    """The sub-errors of an anyOf/oneOf, grouped by the alternative that raised them."""
    grouped: dict[Any, list[SchemaValidationError]] = {}
    for sub in error.context or ():
        grouped.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
    return list(grouped.values())


def _rejects_shape(branch: list[SchemaValidationError], depth: int) -> bool:
    """Whether an alternative refused the value for being the wrong kind of thing (text where it takes a mapping,
    a mapping where it takes ``free``) rather than for what is inside it: that alternative is not the one meant."""
    return any(len(sub.absolute_path) == depth and sub.validator in ("type", "const") for sub in branch)


def _alternative_words(error: SchemaValidationError) -> str:
    """What the alternatives of an anyOf accept, in words: ``'free' or a mapping``."""
    words = []
    for option in error.validator_value if isinstance(error.validator_value, list) else []:
        if not isinstance(option, dict):
            continue
        if "const" in option:
            words.append(repr(option["const"]))
        elif "enum" in option:
            words.append("one of " + ", ".join(str(v) for v in option["enum"]))
        elif "type" in option and option["type"] != "null":
            words.append(_type_words(str(option["type"])))
    return " or ".join(words) or "something else"


def _schema_problems(doc: Document, error: SchemaValidationError) -> Iterator[Problem]:
    loc = list(error.absolute_path)
    kind = error.validator
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        for key in sorted(set(error.instance) - set(known)):
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; known fields: {', '.join(known)}"
            yield doc.problem([*loc, key], f"unknown field {key!r}{hint}", code="schema.unknown-field")
        return
    if kind == "required":
        missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance]
        for key in missing:
            message = f"missing required field {key!r}" + _shape_example(loc)
            problem = doc.problem(loc, message, code="schema.missing-field")
            yield Problem(problem.location, problem.message, format_field([*loc, key]), problem.code)
        return
    if kind in ("anyOf", "oneOf") and error.context:
        # Optional fields are anyOf[X, null] and cost is anyOf['free', price]. Report the alternative the writer
        # evidently meant (the one that takes this kind of value), never "expected null": nobody means null.
        depth = len(error.absolute_path)
        meant = [branch for branch in _branches(error) if not _rejects_shape(branch, depth)]
        if len(meant) == 1:
            for sub in sorted(meant[0], key=lambda e: [str(p) for p in e.absolute_path]):
                yield from _schema_problems(doc, sub)
            return
        if meant:
            from jsonschema.exceptions import best_match

            yield from _schema_problems(doc, best_match([sub for branch in meant for sub in branch]))
            return
        message = f"expected {_alternative_words(error)}, got {_json_type(error.instance)}" + _shape_example(loc)
        yield doc.problem(loc, message, code=f"schema.{kind}")
        return
    if kind == "enum":
        message = _enum_words(error.instance, list(error.validator_value), loc)
    elif kind == "const":
        message = f"must be {error.validator_value!r}"
    elif kind == "pattern":
        words, example = _pattern_hint(str(error.validator_value))
        message = f"{_quoted(error.instance)} is not {words}" + _example(loc, example)
    elif kind == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        message = f"expected {_type_words(str(expected))}, got {_json_type(error.instance)}" + _shape_example(loc)
    elif kind in ("minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum"):
        message = _bound_words(kind, error.validator_value, error.instance)
    else:
        message = error.message
    yield doc.problem(loc, message, code=f"schema.{kind}")


def _type_words(name: str) -> str:
    return {"object": "a mapping", "array": "a list", "string": "text", "integer": "a whole number"}.get(name, name)


def _json_type(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"text {value!r}"


def _bound_words(kind: str, bound: Any, value: Any) -> str:
    size = len(value) if isinstance(value, (list, str)) else value
    return {
        "minItems": f"needs at least {bound} item{'s' if bound != 1 else ''}",
        "maxItems": f"allows at most {bound} items (has {size})",
        "minLength": "must not be empty" if bound == 1 else f"must be at least {bound} characters",
        "maxLength": f"must be at most {bound} characters (has {size})",
        "minimum": f"must be at least {bound} (is {value})",
        "maximum": f"must be at most {bound} (is {value})",
        "exclusiveMinimum": f"must be more than {bound} (is {value})",
    }[kind]


def _model_problems(doc: Document, exc: ModelValidationError) -> Iterator[Problem]:
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if isinstance(p, (str, int))]
        message = str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        yield doc.problem(loc, message, code=f"model.{err['type']}")


def validate_document(doc: Document, kind: FileKind, problems: ProblemList) -> BaseModel | None:
    """Validate with the JSON Schema, then parse with the model. ``None`` (and problems) when invalid."""
    errors = sorted(schema_errors(kind, doc.data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        required_at: set[tuple[str | int, ...]] = set()
        for error in errors:
            if error.validator == "required":
                # One error per missing field, each carrying the whole list: the first names them all.
                if tuple(error.absolute_path) in required_at:
                    continue
                required_at.add(tuple(error.absolute_path))
            problems.extend(_schema_problems(doc, error))
        return None
    try:
        return model_for(kind).model_validate(doc.data)
    except ModelValidationError as exc:
        problems.extend(_model_problems(doc, exc))
        return None


def parse_document(
    root: Path, path: Path, kind: FileKind, model: type[M], problems: ProblemList, cache: ParseCache | None = None
) -> Sourced[M] | None:
    """Read, validate and parse one file; problems are appended, ``None`` when unusable. Validation runs on
    every call, whether the values were parsed now or read from ``cache``."""
    try:
        doc = read_document(root, path, cache)
    except SourceError as exc:
        problems.extend(exc.problems)
        return None
    parsed = validate_document(doc, kind, problems)
    if parsed is None:
        return None
    assert isinstance(parsed, model)
    return Sourced(parsed, doc)


def _check_name(source: Sourced[Any], field: str, expected: str, what: str, problems: ProblemList) -> bool:
    value = getattr(source.model, field)
    if value != expected:
        problems.append(
            source.doc.problem([field], f"{value!r} does not match the {what} {expected!r}", code="id.mismatch")
        )
        return False
    return True


def _check_key_material(source: Sourced[Any], problems: ProblemList, field: str = "publicKeyMultibase") -> bool:
    """The schema's pattern admits any ``z6Mk`` and 44 base58 characters; only decoding says whether that is an
    Ed25519 public key. A key that is not is reported here, at its field (a key file's, or the governance file's
    ``registry_key``), and never registered: nothing later (signature checks, DID documents, the build's
    statements) meets it."""
    value = getattr(source.model, field)
    if value is None:
        return True
    try:
        decode_ed25519_public(value)
    except CryptoError as exc:
        problems.append(source.doc.problem([field], exc.summary, code="key.invalid"))
        return False
    return True


def _sorted_entries(directory: Path) -> list[Path]:
    """The visible entries of a folder, symbolic links left out (never followed; the layout check reports
    them, and every other entry the layout does not allow)."""
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        return []
    return [Path(e.path) for e in entries if not e.is_symlink() and not e.name.startswith(".")]


def load_registry(root: Path, *, use_cache: bool = True, layout_paths: Iterable[str] | None = None) -> LoadResult:
    """Load governance, issuers, credential definitions and keys of the registry at ``root``. ``use_cache``:
    read unchanged YAML files' values from the registry's parse cache (:mod:`generator.parse_cache`).
    ``layout_paths``: check the layout of these paths only (a pull request's; see
    :func:`generator.layout.layout_problems`), not of the whole tree."""
    cache = ParseCache.open(root) if use_cache else None
    try:
        with gc_paused():  # everything loaded stays alive: collecting meanwhile only walks it again
            return _load(root, cache, layout_paths)
    finally:
        if cache is not None:
            cache.save()


def _load(root: Path, cache: ParseCache | None, layout_paths: Iterable[str] | None) -> LoadResult:
    problems = ProblemList()
    problems.extend(layout.layout_problems(root, layout_paths))
    governance = parse_document(root, root / layout.GOVERNANCE_PATH, FileKind.GOVERNANCE, Governance, problems, cache)
    if governance is not None:
        _check_key_material(governance, problems, "registry_key")
    issuers: dict[str, IssuerRecord] = {}
    unusable: set[str] = set()
    issuers_dir = root / layout.ISSUERS_DIR
    if not issuers_dir.is_dir():
        problems.add(layout.ISSUERS_DIR, "the registry has no issuers folder", code="layout.missing")
    for entry in _sorted_entries(issuers_dir):
        rel = layout.relpath(root, entry)
        if not entry.is_dir():
            continue  # the layout check reports it
        if not layout.SLUG_RE.match(entry.name):
            problems.add(rel, f"issuer folder name is not {_pattern_words(SLUG_PATTERN)}", code="id.not-slug")
            continue
        record = _load_issuer(root, entry, problems, unusable, cache)
        if record is not None:
            issuers[record.id] = record
        else:
            unusable.add(entry.name)
    endorsers = _load_endorsers(root, issuers, problems, unusable, cache)
    _load_keys(root, issuers, problems, unusable, endorsers)
    if governance is None:
        return LoadResult(None, problems)
    return LoadResult(Registry(root, governance, issuers, unusable, endorsers), problems)


def _load_endorsers(
    root: Path, issuers: dict[str, IssuerRecord], problems: ProblemList, unusable: set[str], cache: ParseCache | None
) -> dict[str, EndorserRecord]:
    endorsers: dict[str, EndorserRecord] = {}
    for entry in _sorted_entries(root / layout.ENDORSERS_DIR):
        rel = layout.relpath(root, entry)
        if not entry.is_dir():
            continue  # the layout check reports it
        if not layout.SLUG_RE.match(entry.name):
            problems.add(rel, f"endorser folder name is not {_pattern_words(SLUG_PATTERN)}", code="id.not-slug")
            continue
        if entry.name in issuers or (root / layout.ISSUERS_DIR / entry.name).is_dir():
            # One id, one owner of keys/<id>/: an issuer endorses under its own id.
            problems.add(rel, f"{entry.name!r} is already an issuer: an issuer endorses as itself", code="id.duplicate")
            continue
        path = entry / "endorser.yaml"
        if not path.is_file():
            problems.add(rel, "endorser folder has no endorser.yaml", code="layout.missing")
            continue
        source = parse_document(root, path, FileKind.ENDORSER, Endorser, problems, cache)
        if source is not None and _check_name(source, "id", entry.name, "folder name", problems):
            endorsers[entry.name] = EndorserRecord(source)
        else:
            unusable.add(entry.name)
    return endorsers


def _load_issuer(
    root: Path, folder: Path, problems: ProblemList, unusable: set[str], cache: ParseCache | None
) -> IssuerRecord | None:
    issuer_file = folder / "issuer.yaml"
    rel_folder = layout.relpath(root, folder)
    if not issuer_file.is_file():
        problems.add(rel_folder, "issuer folder has no issuer.yaml", code="layout.missing")
        return None
    source = parse_document(root, issuer_file, FileKind.ISSUER, Issuer, problems, cache)
    issuer_ok = source is not None and _check_name(source, "id", folder.name, "folder name", problems)
    # Definitions are checked even when issuer.yaml is broken: every problem should surface in one run.
    credentials = {}
    for path in _sorted_entries(folder / "credentials"):
        rel = layout.relpath(root, path)
        if path.suffix != ".yaml" or not path.is_file():
            continue  # the layout check reports it
        if not layout.SLUG_RE.match(path.stem):
            problems.add(rel, f"file name is not {_pattern_words(SLUG_PATTERN)}", code="id.not-slug")
            continue
        credential = parse_document(root, path, FileKind.CREDENTIAL, CredentialDefinition, problems, cache)
        if credential is not None and _check_name(credential, "id", path.stem, "file name", problems):
            credentials[credential.model.id] = credential
        else:
            unusable.add(f"{folder.name}/{path.stem}")
    if not issuer_ok or source is None:
        return None
    return IssuerRecord(source, credentials)


def _load_keys(
    root: Path,
    issuers: dict[str, IssuerRecord],
    problems: ProblemList,
    unusable: set[str],
    endorsers: dict[str, EndorserRecord] | None = None,
) -> None:
    endorsers = endorsers or {}
    keys_dir = root / layout.KEYS_DIR
    for folder in _sorted_entries(keys_dir):
        rel_folder = layout.relpath(root, folder)
        if not folder.is_dir():
            continue  # the layout check reports anything but README.md
        issuer_known = (
            folder.name in issuers
            or (root / layout.ISSUERS_DIR / folder.name / "issuer.yaml").is_file()
            or (root / layout.ENDORSERS_DIR / folder.name / "endorser.yaml").is_file()
        )
        if not issuer_known:
            problems.add(rel_folder, f"keys for unknown issuer {folder.name!r}", code="ref.unknown-issuer")
            continue
        for path in _sorted_entries(folder):
            if path.suffix != ".json" or not path.is_file():
                continue  # the layout check reports it
            key = parse_document(root, path, FileKind.KEY, PublicKey, problems)
            if key is None:
                # What it signed is not checked again against it: the key file's own problems say why.
                unusable.add(layout.relpath(root, path))
                continue
            ok = _check_name(key, "id", path.stem, "file name", problems)
            ok = _check_name(key, "issuer", folder.name, "folder name", problems) and ok
            ok = _check_key_material(key, problems) and ok
            if ok and folder.name in issuers:
                issuers[folder.name].keys[key.model.id] = key
            elif ok and folder.name in endorsers:
                endorsers[folder.name].keys[key.model.id] = key
