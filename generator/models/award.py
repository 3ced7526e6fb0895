"""Awards and revocations: the registry's profile of an Open Badges 3.0 ``OpenBadgeCredential``.

Awards in ``registry/issuers/<issuer>/awards/`` must fit this profile (a recipient hash keyed with a secret,
status entry, the two-proof set). It is stricter than OB 3.0 itself, which ``credreg verify`` also accepts for
credentials from elsewhere (see :mod:`generator.verify.conformance`).

The profile is an allow-list, so that the JSON the checks read *is* what the proofs sign: the exact
``@context`` the registry issues, every key at every level a term the checks know for that object's type
(unknown keys, IRIs or compact IRIs as keys, ``@``-keywords, value objects and aliases are all refused), and
every value of the JSON type expected (strict: ``"1"`` is not ``1`` nor ``true``). JSON-LD offers many
spellings of one RDF graph; the RDFC proof signs the graph, the checks read JSON keys, and only with one
spelling allowed do the two agree. What the issuer and achievement objects must *say* (the registry's own
records) is checked against the registry by :mod:`generator.verify.records`.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from generator._internal.lazyre import LazyPattern
from generator._internal.text import drop_ignored
from generator._internal.times import (
    PUBLISHED_TIME_PATTERN,
    Publisher,
    parse_time,
    published_time_problem,
    validity_window_problem,
)
from generator.crypto.dataintegrity import CRYPTOSUITES, JCS
from generator.models._base import NOT_A_TIME, Instant, PlainText, StrictModel

__all__ = [
    "AWARD_CONTEXT",
    "MAX_EVIDENCE_URL",
    "RECIPIENT_KEY_IN_TEXT",
    "URN_UUID",
    "AchievementRef",
    "Award",
    "AwardProof",
    "AwardSubject",
    "IdentityObject",
    "ProfileRef",
    "RevocationEntry",
    "StatusEntry",
    "as_read",
    "error_text",
]

#: The award's ``@context``, exactly: the VC 2.0 and Open Badges 3.0 contexts (generator.openbadges uses it).
AWARD_CONTEXT = ("https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")

Cryptosuite = Literal["eddsa-rdfc-2022", "eddsa-jcs-2022"]
# A Literal cannot be built from a tuple: this keeps it equal to the one definition of the suites.
assert get_args(Cryptosuite) == CRYPTOSUITES

URN_UUID = r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
"""The one spelling of an award's or endorsement's ``id`` (unanchored): a random UUID as a URN, in lowercase, so
that two spellings of one id cannot exist (:func:`generator.awards.award_id_number` compares ids by it). Random:
version 4 of the RFC 9562 variant, as ``credreg award`` makes it. The id is published, and an issuer's own tooling
could derive it from the recipient: a name-based UUID (version 3 or 5) of an address is confirmed by hashing a
guess, and a time-based one (1, 6, 7) dates each award to the millisecond or finer, so a batch's ids give the
order its awards were made in, a class list's (the batch's lines are shuffled to hide it). policies.js
URN_UUID is the page's copy."""

AwardHash = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


def _real_time(value: str) -> str:
    if parse_time(value) is None:
        raise ValueError(NOT_A_TIME)
    return value


#: The schema's pattern is the grammar's shape; :func:`generator._internal.times.parse_time` is the whole rule.
Timestamp = Annotated[
    str,
    StringConstraints(
        pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})$"
    ),
    AfterValidator(_real_time),
]


def _published_form(value: str, what: Publisher = "award") -> str:
    problem = published_time_problem(value, what)
    if problem is not None:
        raise ValueError(problem)
    return value


#: The schema of a published time: the form itself.
PUBLISHED_TIME_SCHEMA = WithJsonSchema({"type": "string", "pattern": f"^{PUBLISHED_TIME_PATTERN.pattern}$"})

#: A time an award publishes: a :data:`Timestamp` in the one form of
#: :data:`generator._internal.times.PUBLISHED_TIME_PATTERN` (whole seconds, UTC, ``Z``). Read as any date-time
#: first, so that the error says why the form is refused rather than quote a pattern; the schema gives the form.
#: (An endorsement's: models/endorsement.py ``EndorsementTime``, in its words.)
AwardTime = Annotated[Timestamp, AfterValidator(_published_form), PUBLISHED_TIME_SCHEMA]


def _created_problem(created: str, at: str, what: str, signs: str, of: Publisher = "award") -> str | None:
    """Why a proof's ``created`` is not the published time ``at`` (the award's or line's own ``what``) in the one
    published form, or ``None``: ``signs`` says when the registry signs (a signing time of its own is free digits,
    which of an award, ``of``, could order or name its recipient). policies.js signedAtValidFrom's words."""
    problem = published_time_problem(created, of)
    if problem is None and created != at:
        does = "could order or name its recipient" if of == "award" else "is free digits beside it"
        problem = f"must be the {what} ({at}): the registry signs {signs}, and a signing time of its own {does} "
        problem += "(docs/privacy.md)"
    return problem


def signed_at_valid_from(
    proofs: list[AwardProof], valid_from: str, what: Literal["award", "endorsement"] = "award"
) -> None:
    """Each proof of an award (or endorsement: ``what``) is created at its ``validFrom``, in the same form
    (``credreg award`` and ``credreg endorse`` sign at the instant they issue): a signing time of its own is free
    digits beside the credential's, which could say when in its batch each award was signed (a class list's order)
    or carry a number. policies.js signedAtValidFrom."""
    for index, proof in enumerate(proofs):
        problem = _created_problem(
            proof.created, valid_from, f"{what}'s validFrom", f"an {what} when it issues it", what
        )
        if problem is not None:
            raise ValueError(f"proof.{index}.created: {problem}")


def _published_instant(value: Any) -> Any:
    """Before ``Instant`` reads it: a date-time written in another form than an award's is refused, saying why
    (a value that is no date-time is left for ``Instant`` to name)."""
    if isinstance(value, str) and parse_time(value) is not None:
        _published_form(value)
    return value


#: A time a revocation line publishes (``revoked``), read as an :data:`Instant`: in the one form of an award's
#: times (:data:`AwardTime`), since the line is published beside the award it names.
PublishedInstant = Annotated[
    Instant,
    BeforeValidator(_published_instant),
    PUBLISHED_TIME_SCHEMA,
]


def signed_at_revoked(proof: AwardProof, revoked: dt.datetime) -> None:
    """A revocation line's proof is created at its ``revoked``, in the same form (``credreg revoke`` signs when it
    revokes): as an award's proof at its ``validFrom`` (:func:`signed_at_valid_from`), a signing time of its own
    is free digits beside the line's."""
    written = revoked.astimezone(dt.UTC).replace(tzinfo=None).isoformat() + "Z"
    problem = _created_problem(proof.created, written, "revocation's revoked", "a revocation when it writes it")
    if problem is not None:
        raise ValueError(f"proof.created: {problem}")


def closes_window(value: str | None, info: ValidationInfo) -> str | None:
    """A ``validUntil`` validator: the registry's awards and endorsements close their window strictly after
    ``validFrom`` (:func:`~generator._internal.times.validity_window_problem` says why equal is refused)."""
    problem = validity_window_problem(info.data.get("validFrom"), value)
    if problem is not None:
        raise ValueError(problem)
    return value


def awarded_on_valid_from(value: str | None, info: ValidationInfo) -> str | None:
    """An ``awardedDate`` validator: the award's ``validFrom``, as the registry writes it (openbadges.award).

    The page shows it ("Awarded", and the issue date it gives LinkedIn), so a date no check read would let an
    issuer show an award as given before its key or its credential existed, which ``validFrom`` may not say.
    """
    valid_from = info.data.get("validFrom")
    if value is not None and valid_from is not None and value != valid_from:
        raise ValueError(
            f"must be the award's validFrom ({valid_from}): the registry awards on the day it is valid from"
        )
    return value


_ABSENT = object()  # a key the JSON does not hold (None is its null)


def proof_contexts(proofs: list[AwardProof], context: tuple[str, ...], what: str) -> None:
    """The JCS proof repeats the credential's @context (as the W3C vectors do); the RDFC proof has none, not even
    a null one: a proof's own @context replaces the document's when its signature is checked, and the page, which
    leaves RDFC to the build, would not see that a null one changes what the RDFC proof signs."""
    for proof in proofs:
        given: object = proof.context if "context" in proof.model_fields_set else _ABSENT
        expected: object = list(context) if proof.cryptosuite == JCS else _ABSENT
        if given != expected:
            where = f"must repeat the {what}'s @context" if expected is not _ABSENT else "must not carry an @context"
            raise ValueError(f"proof: the {proof.cryptosuite} proof {where}")


def error_text(error: ErrorDetails, said: str | None = None) -> str:
    """A profile error as the checks print it (the page's ``errorText`` too): where, as keys and indexes joined by
    dots (nothing for the whole document: a model validator's own words name the field), then ``said`` or
    pydantic's words without the "Value error, " prefix."""
    where = ".".join(str(p) for p in error["loc"])
    what = said if said is not None else str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {what}" if where else what


def _types_including(required: str) -> Any:
    """A ``type`` list that must name ``required`` (OB 3.0 allows further types)."""

    def check(value: list[str]) -> list[str]:
        if required not in value:
            raise ValueError(f"must include {required!r}")
        return value

    return Annotated[list[str], AfterValidator(check), Field(json_schema_extra={"contains": {"const": required}})]


def _types_exactly(*names: str) -> Any:
    """A ``type`` list that is exactly ``names``, as the registry writes it: a further type is a free string
    published with the award (an IRI such as ``mailto:ada@example.org`` or ``urn:x:AdaLovelace`` signs fine), which
    could name its earner, where every other string of an award is the registry's records, a pattern or evidence."""

    def check(value: list[str]) -> list[str]:
        if value != list(names):
            raise ValueError(f"must be exactly {list(names)}: the registry publishes no other type ({_PRIVACY})")
        return value

    return Annotated[list[str], AfterValidator(check), Field(json_schema_extra={"const": list(names)})]


class _AwardModel(StrictModel):
    """Unknown keys are refused and values must have their JSON type exactly (no coercion). Patterns use the
    Rust engine, whose ``$`` is the end of the text as in JavaScript (Python's also matches before a final
    newline): the browser's copy of this profile must read every pattern the same way. Keys are read by their
    JSON names only (no ``populate_by_name``): a file holding ``context`` for ``@context`` has no JSON-LD context
    at all, yet would pass for one that has it."""

    model_config = ConfigDict(extra="forbid", strict=True, regex_engine="rust-regex")


class ImageRef(_AwardModel):
    """An ``Image``: its URL."""

    id: str = Field(pattern=r"^https://\S+$")
    type: Literal["Image"]


class ProfileRef(_AwardModel):
    """The issuer ``Profile``, as :func:`generator.openbadges.issuer_profile` builds it."""

    id: str = Field(pattern=r"^(?:did:|https://)\S+$")
    """The issuer's DID."""

    type: _types_including("Profile")  # type: ignore[valid-type]
    """Includes ``Profile``."""

    name: str
    """The issuer's name."""

    url: str | None = None
    email: str | None = None
    image: ImageRef | None = None


class CriteriaRef(_AwardModel):
    """The achievement's ``Criteria``."""

    id: str | None = None
    narrative: str | None = None


class AlignmentRef(_AwardModel):
    """A skill the achievement aligns to."""

    type: list[Literal["Alignment"]]
    targetName: str
    targetUrl: str
    targetType: str | None = None
    targetFramework: str | None = None
    targetCode: str | None = None


class AchievementRef(_AwardModel):
    """The ``Achievement`` (the credential definition as it was when awarded), as
    :func:`generator.openbadges.achievement` builds it."""

    id: str = Field(pattern=r"^https://\S+$")
    """The credential's page on the registry site."""

    type: _types_including("Achievement")  # type: ignore[valid-type]
    """Includes ``Achievement``."""

    achievementType: str | None = None
    name: str
    description: str
    criteria: CriteriaRef
    creator: ProfileRef | None = None
    inLanguage: str | None = None
    version: str | None = None
    image: ImageRef | None = None
    alignment: list[AlignmentRef] | None = None
    tag: list[str] | None = None
    creditsAvailable: float | None = None


#: An email address anywhere in a published string (a revocation reason, an evidence URL's userinfo). Its top-level
#: domain is ASCII letters or an internationalized one (``.рф``, ``.中国``: any characters but ASCII and spaces).
#: Its letters may be mixed (``example.oｒg``, ``example.o\u0301rg``: openbadges.mailbox reads a mailbox there, as a
#: mailer does), or one ligature of two letters or more (``ex.ﬁ`` is ``ex.fi`` to IDNA).
#: Its local part is the one character before the ``@`` (a lookbehind): a run of them, searched for from every
#: character to the ``@``, took seconds per 10,000 characters (quadratic), and one says as much as a run.
_EMAIL_IN_TEXT = re.compile(r"(?<=[^@\s/:])@[^@\s/]+\.(?:(?:[A-Za-z]|[^\x00-\x7F\s]){2,}|[\ufb00-\ufb06])")
#: A percent-escaped ASCII character: how a URL (a portfolio tool's ``?user=ada%40example.org``) carries an address.
_ESCAPED_ASCII = re.compile(r"%([0-7][0-9A-Fa-f])")
#: An HTML character reference (``&#64;``, ``&#x40;``, ``&commat;``): how a page or a tool that writes HTML carries
#: an address. Numeric ones are undone for printable ASCII and the look-alikes (:data:`READ_AS`); the named ones
#: are those of the characters that spell an address, a link's ``~`` and an escape.
_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6})|(commat|period|tilde|amp|percnt|num|sol));")
_NAMED = {"commat": "@", "period": ".", "tilde": "\u02dc", "amp": "&", "percnt": "%", "num": "#", "sol": "/"}
#: A JSON, JavaScript or Python escape typed out (``ada\\u0040example.org``, ``\\x40``, ``\\u{40}``, Python's
#: ``\\U00000040`` and ``\\N{COMMERCIAL AT}``): a program that reads the text undoes it. Undone, as a reference is,
#: for printable ASCII and the look-alikes only; a name (any case, as Python reads it) for the characters that
#: spell an address, a phone number or an earner's link only (:data:`_NAMED_CODE`: browsers know no names).
_ESCAPED_CODE = re.compile(
    r"\\(?:u([0-9A-Fa-f]{4})|u\{([0-9A-Fa-f]{1,6})\}|x([0-9A-Fa-f]{2})|U([0-9A-Fa-f]{8})|N\{([A-Za-z ]{1,30})\})"
)
_NAMED_CODE = {"COMMERCIAL AT": "@", "FULL STOP": ".", "TILDE": "~", "PLUS SIGN": "+"}
#: Characters read as ``@``, ``~`` or ``.`` by anyone looking: the fullwidth and small commercial at; the fullwidth
#: tilde, the tilde operator, the wave dash, the small tilde and the swung dash (an earner's link joins hash and key
#: by ``~``); the fullwidth and small plus signs and the fullwidth digits (a phone number typed with a CJK
#: input method), and the Arabic-Indic, Persian and Devanagari ones (typed on such a keyboard); the ideographic,
#: fullwidth and halfwidth ideographic full stops (which IDNA maps to ``.`` in a domain: ``ada@example。org`` is an
#: address a mail program sends to).
#: And what compatibility folding (NFKC) reads as a full stop: the one dot leader and the small full stop. The
#: characters that show as nothing (the soft hyphen, the zero-width space, non-joiner and joiner, the word joiner,
#: the byte order mark, the variation selectors) are read as nothing: ``ada@example.o\u200drg`` is what a reader
#: sees as ``ada@example.org``.
READ_AS = {
    "@": "\uff20\ufe6b",
    "~": "\uff5e\u223c\u301c\u02dc\u2053",
    ".": "\u3002\uff0e\uff61\u2024\ufe52",
    "+": "\uff0b\ufe62",
    # Spaces of other widths (Ogham's, the en to hair spaces, the narrow no-break, the mathematical and the
    # ideographic space): ``ada\u2009@\u2009example.org`` is read as ``ada @ example.org``.
    " ": "\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000",
    # Fullwidth, Arabic-Indic, Persian (extended Arabic-Indic) and Devanagari digits: a number typed on such a
    # keyboard is read as digits by anyone (and dialled so).
    **{str(digit): "".join(chr(zero + digit) for zero in (0xFF10, 0x0660, 0x06F0, 0x0966)) for digit in range(10)},
    "": "\u00ad\u200b\u200c\u200d\u2060\ufeff"
    "\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c\ufe0d\ufe0e\ufe0f",
}
_LOOKALIKES = str.maketrans({c: plain for plain, chars in READ_AS.items() for c in chars})
#: A look-alike percent-escaped as a URL carries it (its UTF-8 bytes: ``%EF%BD%9E`` is ``～``).
_ESCAPED_LOOKALIKE = LazyPattern(
    "|".join("".join(f"%{byte:02X}" for byte in c.encode()) for chars in READ_AS.values() for c in chars),
    re.IGNORECASE | re.ASCII,
)
_PRIVACY = "recipients are published only as a hash keyed with a secret recipient key (docs/privacy.md)"


def _referenced(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return _NAMED[name]
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    char = chr(code) if code <= 0x10FFFF else ""
    return char if 0x20 <= code <= 0x7E or char in _LOOKALIKE_CHARS else match[0]


_LOOKALIKE_CHARS = frozenset(c for chars in READ_AS.values() for c in chars)


def _code_escaped(match: re.Match[str]) -> str:
    if match[5] is not None:
        return _NAMED_CODE.get(match[5].upper(), match[0])
    code = int(next(group for group in match.groups() if group is not None), 16)
    char = chr(code) if code <= 0x10FFFF else ""
    return char if 0x20 <= code <= 0x7E or char in _LOOKALIKE_CHARS else match[0]


#: How many times :func:`_as_read` undoes escapes and references at most: a tool escaping twice or thrice is seen,
#: and no reader undoes more; each round reads the whole text, so ``%2525…2540`` undone to the end was quadratic.
_ROUNDS = 8


def _as_read(value: str) -> str:
    """``value`` as a reader (or a browser) reads it: ASCII escapes, HTML character references and typed-out code
    escapes (:data:`_ESCAPED_CODE`) decoded until
    none is left, :data:`_ROUNDS` times at most (``%2540`` is ``%40`` is ``@``, ``&amp;#64;`` is ``&#64;`` is
    ``@``), and the look-alike at signs, tildes and full stops (:data:`READ_AS`), escaped or not, read as ``@``,
    ``~`` and ``.``, and what shows as nothing left out (:func:`~generator._internal.text.drop_ignored`: a tag
    character, a CJK variation selector, an invisible separator between an address's letters). policies.js asRead
    is the page's copy."""
    if "%" not in value and "&" not in value and "\\" not in value:  # nothing to undo: the look-alikes alone
        return drop_ignored(value.translate(_LOOKALIKES))
    for _ in range(_ROUNDS):
        decoded = _REFERENCE.sub(_referenced, _ESCAPED_ASCII.sub(lambda m: chr(int(m.group(1), 16)), value))
        decoded = _ESCAPED_CODE.sub(_code_escaped, decoded)
        if decoded == value:
            break
        value = decoded
    read = _ESCAPED_LOOKALIKE.sub(lambda m: bytes.fromhex(m[0].replace("%", "")).decode(), value)
    return drop_ignored(read.translate(_LOOKALIKES))


#: An earner's verification link (or its fragment): an award hash, ``~`` and a recipient key of 32 hex digits
#: (:func:`generator.openbadges.earner_link`). Published, the key lets anyone confirm a guess of the earner's address.
RECIPIENT_KEY_IN_TEXT = re.compile(
    r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}[\t\n\r ]*~[\t\n\r ]*[0-9A-Fa-f]{32}(?![0-9A-Fa-f])"
)


#: What separates a phone number's digits: spaces (no-break ones too), dots, hyphens, dashes, brackets and slashes
#: (``+49 30/1234567``, as German numbers are written).
_PHONE_GAP = r"[ .()/\-\u00a0\u202f\u2010-\u2015]{0,2}"
#: A phone number in a published string: written internationally (``+``, the country, then seven to fourteen more
#: digits, :data:`_PHONE_GAP` between them), not within a word or a ``+``-joined query; or a ``tel:`` link; or in
#: national form, or international with ``00`` for ``+``, where the text names it a phone (``phone: 07700 900123``,
#: ``Tel. 030/1234567``, ``phone: 0044 7700 900123``: digits alone, zero-padded ones too, are as often an order's or
#: a case's number, so they are not refused) or in North America's ``(212) 555-0123``, a shape
#: no other number takes; or WhatsApp's link to one (``wa.me/447700900123``). Fullwidth, Arabic-Indic, Persian and
#: Devanagari digits and plus signs are read as ASCII first (:data:`READ_AS`). Explicit classes only: policies.js
#: PHONE_IN_TEXT reads it alike. What is found is then told from numbers that are no phone's
#: (:func:`_is_phone`).
PHONE_IN_TEXT = LazyPattern(
    r"(?<![A-Za-z0-9_+])\+[1-9](?:" + _PHONE_GAP + r"[0-9]){7,14}(?![0-9])"
    r"|[Tt][Ee][Ll]:\+?[0-9](?:" + _PHONE_GAP + r"[0-9]){6,14}"
    r"|(?<![A-Za-z])(?:[Pp][Hh][Oo][Nn][Ee]|[Tt][Ee][Ll](?:[Ee][Pp][Hh][Oo][Nn][Ee]|[Ee][Ff][Oo][Nn])?|[Mm][Oo][Bb][Ii][Ll][Ee]"
    r"|[Cc][Ee][Ll][Ll]|[Hh][Aa][Nn][Dd][Yy]|[Ff][Aa][Xx]|[Ww][Hh][Aa][Tt][Ss][Aa][Pp][Pp])"
    r"(?:[ .:=]|_?[Nn][Oo]|_?[Nn][Rr]|_?[Nn][Uu][Mm][Bb][Ee][Rr]){0,4}"  # "phone_number=", as a query names it
    r"\(?(?:00[1-9](?:" + _PHONE_GAP + r"[0-9]){7,14}|0?[1-9](?:" + _PHONE_GAP + r"[0-9]){6,13})(?![0-9])"
    r"|(?<![0-9])\([2-9][0-9]{2}\) ?[2-9][0-9]{2}[ .\-][0-9]{4}(?![0-9])"
    r"|(?<![A-Za-z0-9.\-])[Ww][Aa]\.[Mm][Ee]/\+?[1-9][0-9]{6,14}(?![0-9])"
)
#: Decimal coordinates, a pair (``+52.5200066,+13.4049540``) or ISO 6709's (``+52.5200066+013.4049540/``): a map
#: link's, whose signed latitude would otherwise read as an international number.
_COORDINATES = re.compile(
    r"(?<![0-9.])[+\-]?[0-9]{1,3}\.[0-9]+(?: ?, ?|[+\-](?=[0-9]{1,3}(?:\.[0-9]+)?[/ ]|[0-9]{1,3}\.[0-9]+))"
    r"[+\-]?[0-9]{1,3}\.[0-9]+"
)


def _is_phone(found: str) -> bool:
    """Whether a number :data:`PHONE_IN_TEXT` found is one a phone could have: a number of country 1 (North America)
    is ``+1`` and ten digits whose area and exchange codes begin with 2 to 9, so ``+1700000000123`` (a timestamp in
    milliseconds) or ``+1700000000`` (in seconds) is none. policies.js isPhone is the page's copy."""
    if not found.startswith("+1"):
        return True
    digits = re.sub(r"[^0-9]", "", found)
    spaced = len(digits) + 1 < len(found)  # apart: the first eleven digits may be the number, the rest text
    return (len(digits) == 11 or (spaced and len(digits) > 11)) and digits[1] not in "01" and digits[4] not in "01"


def _names_a_phone(read: str) -> bool:
    """Whether ``read`` (a string as read: :func:`_as_read`) holds a phone number (:data:`PHONE_IN_TEXT`,
    :func:`_is_phone`), coordinates aside (:data:`_COORDINATES`)."""
    return any(_is_phone(m[0]) for m in PHONE_IN_TEXT.finditer(_COORDINATES.sub(" ", read)))


#: Where an ``@`` names no person: an image's pixel density (``badge@2x.png``), a Git remote's ``git@``
#: (``git@github.com:org/repo``) and a cloud service account (``…@project.iam.gserviceaccount.com``, in every Google
#: Cloud Storage signed URL). Each ``@`` is read as a space before addresses are looked for. policies.js NO_PERSON.
_NO_PERSON = re.compile(
    r"@(?=[0-9]+(?:\.[0-9]+)?x\.(?:png|jpe?g|gif|webp|avif|svg|bmp|ico|tiff?|heic)(?![A-Za-z0-9]))"
    r"|(?<=git)(?<![A-Za-z0-9._%+\-]git)@(?=[A-Za-z0-9.\-]+\.[A-Za-z]{2,}[:/])"
    r"|@(?=[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.gserviceaccount\.com(?![A-Za-z0-9.\-]))"
)
#: An address written out for people, not programs: ``ada [at] example [dot] org``, ``ada(at)example.org``,
#: ``ada at example dot org``. A bracketed ``at`` (``[at]``, ``(at)``, ``{at}``, ``<at>``) is one whatever its dots;
#: a bare `` at `` only with a dot spelt out too (`` dot ``, ``[dot]``): "presented at events.example.org" is a
#: place, not an address. Letters explicit: policies.js SPELT_OUT reads it alike.
_AT_WORD = r"[Aa][Tt]"
_DOT_WORD = r"[Dd][Oo][Tt]"
_LABEL = r"[A-Za-z0-9\-]+"
_SP = r"[ +]"  # a space, or a "+" as a form's query writes one (``?u=ada+at+example+dot+org``)
_SPELT_DOT = (
    r"(?:" + _SP + r"?[\[({<]" + _SP + "?" + _DOT_WORD + _SP + r"?[\])}>]" + _SP + r"?|" + _SP + _DOT_WORD + _SP + ")"
)
_LOCAL = r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+"  # from its start: a search from every letter is quadratic
_SPELT_OUT = LazyPattern(
    _LOCAL
    + _SP
    + r"?[\[({<]"
    + _SP
    + "?"
    + _AT_WORD
    + _SP
    + r"?[\])}>]"
    + _SP
    + "?"
    + _LABEL
    + r"(?:(?:\.|"
    + _SPELT_DOT
    + ")"
    + _LABEL
    + r")*(?:\.|"
    + _SPELT_DOT
    + r")[A-Za-z]{2,}"
    r"|"
    + _LOCAL
    + _SP
    + _AT_WORD
    + _SP
    + _LABEL
    + r"(?:(?:\.|"
    + _SPELT_DOT
    + ")"
    + _LABEL
    + r")*"
    + _SPELT_DOT
    + r"[A-Za-z]{2,}"
)
#: A quoted-printable ``@`` (``=40``, a mail body's): an address when its local part opens a value (it follows the
#: text's start, a space, a quote, a bracket or a query's ``=``), so ``?size=40x40.png`` (``size`` follows ``?``)
#: is not one.
_QUOTED_PRINTABLE = re.compile(
    r"(?:^|(?<=[ \t\r\n\"'(<,;=]))[A-Za-z0-9._%+\-]+=40" + _LABEL + r"(?:\." + _LABEL + r")*\.[A-Za-z]{2,}"
)


#: An ``@`` spaced out (``ada @ example.org``, ``ada@ example.org``, a form's ``ada+@+example.org``, a tab, a no-break
#: space; other spaces are read as a space first: :data:`READ_AS`), a harvester's
#: dodge any reader undoes. Spaced before it only (``by @acme.bsky.social``) it is a handle, and not refused. Its
#: local part is the one character before (linear, as :data:`_EMAIL_IN_TEXT`). policies.js SPACED_AT.
_SPACED_AT = re.compile(
    r"(?<=[A-Za-z0-9._%+\-])(?:[ \t+\u00a0]{1,3}@|@(?=[ \t+\u00a0]))[ \t+\u00a0]{1,3}"
    + _LABEL
    + r"(?:\."
    + _LABEL
    + r")*\.[A-Za-z]{2,}"
)


def _names_an_address(read: str) -> bool:
    """Whether ``read`` (a string as read: :func:`_as_read`) holds an email address: as typed
    (:data:`_EMAIL_IN_TEXT`, :data:`_SPACED_AT`), spelt out (:data:`_SPELT_OUT`) or quoted-printable
    (:data:`_QUOTED_PRINTABLE`); the ``@`` that names no person aside (:data:`_NO_PERSON`). Encoded ones:
    :func:`_encoded`."""
    read = _NO_PERSON.sub(" ", read)
    return bool(
        ("@" in read and (_EMAIL_IN_TEXT.search(read) or _SPACED_AT.search(read)))
        or _SPELT_OUT.search(read)
        or _QUOTED_PRINTABLE.search(read)
    )


#: A run of base64 or base64url characters long enough to hold an address (``a@b.co`` is 8 of them).
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{8,}")
#: A run of hexadecimal digits long enough to hold an address (``a@b.co`` is 12 of them, in 16 at either alignment);
#: or of hexadecimal pairs apart (``61:64:61:40…``, ``61 64 61 40…``, ``\x61\x64…``, as a dump or source code writes
#: bytes).
_HEX_RUN = re.compile(r"[0-9A-Fa-f]{16,}")
_HEX_PAIRS = re.compile(r"(?:[0-9A-Fa-f]{2}[:\- ,]){5,}[0-9A-Fa-f]{2}|(?:\\x[0-9A-Fa-f]{2}){6,}")
#: A letter of an internationalized domain name (Latin with accents, Greek, Cyrillic, … , CJK, Hangul): not the
#: replacement character, which a decoding of random bytes is full of.
_IDN_LETTER = r"\u00c0-\u02af\u0370-\u1fff\u2c00-\ud7ff"
#: An address in decoded bytes: an ASCII local part, and a domain of ASCII or internationalized labels.
_ADDRESS_DECODED = LazyPattern(  # its local part one character before the "@", as in _EMAIL_IN_TEXT: linear
    rf"(?<=[A-Za-z0-9._%+-])@[A-Za-z0-9{_IDN_LETTER}-]+(?:\.[A-Za-z0-9{_IDN_LETTER}-]+)*\.(?:[A-Za-z]{{2,}}|[{_IDN_LETTER}]{{2,}})"
)
#: A run of base32 letters in one case (RFC 4648's alphabet, as TOTP secrets and filename-safe tokens write bytes;
#: text of mixed case is none) long enough to hold an address (``a@b.co`` is 10 of them).
_BASE32_RUN = re.compile(r"[A-Z2-7]{10,}|[a-z2-7]{10,}")
#: Base32's characters left over that make no byte (1, 3 or 6 of a group of 8): dropped, as policies.js base32 drops
#: their bits.
_BASE32_SPARE = {1: 1, 3: 1, 6: 1}
#: What any of those runs starts with: a decoded text without one (most are) is not searched again.
_MAYBE_ENCODED = re.compile(r"[A-Za-z0-9+/_-]{8}|[0-9A-Fa-f]{2}[:\- ,][0-9A-Fa-f]{2}|\\x[0-9A-Fa-f]{2}")
#: How deep base64 within base64 is read (base64 of base64 of base64 at most).
_NESTED = 2


def _decoded_texts(raw: bytes) -> list[str]:
    """``raw`` read as text: as UTF-8, as UTF-16 of either byte order (as Windows and .NET tools write text) and
    as UTF-32 of either (as a program dumping code points writes it), what is not text replaced. UTF-16 only when
    ``raw`` could hold an address so: an ``@``, and every ASCII character, has a zero byte in UTF-16, and its
    look-alikes (``＠``, ``﹫``) a byte 0xFF or 0xFE; UTF-32 only when it holds two zero bytes together, as every
    character of the BMP has in UTF-32. policies.js decodedTexts (its own UTF-32 decoder: browsers have none)."""
    texts = [raw.decode("utf-8", "replace")]
    if b"\0" in raw or b"\xff" in raw or b"\xfe" in raw:
        texts += [raw.decode("utf-16-le", "replace"), raw.decode("utf-16-be", "replace")]
    if b"\0\0" in raw:
        texts += [raw.decode("utf-32-le", "replace"), raw.decode("utf-32-be", "replace")]
    return texts


#: Seven ASCII digits, as every phone number :data:`PHONE_IN_TEXT` finds has (a text as read).
_SEVEN_DIGITS = re.compile(r"(?:[^0-9]*[0-9]){7}")
#: What an encoded text is found to name: an email address, a phone number.
_ADDRESS, _PHONE = "an email address", "a phone number"


#: What a decoded text needs, one at least, to name anything: an ``@``, a digit, an escape's start, a base64
#: character, or a look-alike (:data:`READ_AS`). Reading a text does not make one of these where none was (it
#: decodes escapes, maps look-alikes, drops what shows as nothing), so a text with none is not read.
_READABLE = LazyPattern("[@%&\\\\A-Za-z0-9+/_\\-" + "".join(sorted(_LOOKALIKE_CHARS)) + "]")


def _found_decoded(raw: bytes, nested: int, found: set[str]) -> None:
    """Adds to ``found`` what ``raw``, read as text (:func:`_decoded_texts`), names: an address
    (:data:`_ADDRESS_DECODED`), a phone number (:func:`_names_a_phone`), or either in base64 again."""
    for text in _decoded_texts(raw):
        if not _READABLE.search(text):  # no such character read as none: nothing to find (zeros, UTF-16 of noise)
            continue
        read = _as_read(text)
        if "@" in read and _ADDRESS_DECODED.search(_NO_PERSON.sub(" ", read)):
            found.add(_ADDRESS)
        if _SEVEN_DIGITS.match(read) and _names_a_phone(read):  # every phone has seven digits: most texts none
            found.add(_PHONE)
        if len(found) == 2:
            return
        if nested and _MAYBE_ENCODED.search(read):
            found |= _encoded(read, nested - 1)


def _encoded(read: str, nested: int = _NESTED) -> set[str]:
    """What a run of base64 or base64url in ``read`` (a string as read: :func:`_as_read`) names when it decodes, at
    any of its four alignments, whole or each part between its ``/``, to text (UTF-8, UTF-16 or UTF-32, what is not
    text replaced: :func:`_decoded_texts`) that holds an email address (its domain ASCII or internationalized) or a
    phone number as :func:`_as_read` reads it (``ada%40example.org``, ``ada&#64;example.org``, ``ada＠example.org``),
    itself or in base64 again (:data:`_NESTED` levels); or a run of hexadecimal digits, at either alignment, or of
    hexadecimal pairs apart, or of base32 in one case (:data:`_BASE32_RUN`) at any of its eight alignments, to
    such text: a portfolio tool's ``?u=YWRhQGV4YW1wbGUub3Jn`` (or ``?u=616461406578…``) names ``ada@example.org``
    to anyone who decodes it, a token's ``{"phone_number":"+447700900123"}`` a phone. One pass finds both (each
    decoding read once). policies.js encoded is the page's copy."""
    found: set[str] = set()
    for run in _BASE64_RUN.findall(read):
        for part in (run, *run.split("/")) if "/" in run else (run,):  # a run without "/" once, not twice
            standard = part.replace("-", "+").replace("_", "/")
            for start in range(4):
                chunk = standard[start:]
                if len(chunk) < 8 or len(chunk) % 4 == 1:
                    continue
                _found_decoded(base64.b64decode(chunk + "=" * (-len(chunk) % 4)), nested, found)
                if len(found) == 2:
                    return found
    for run in _HEX_RUN.findall(read):
        for start in (0, 1):
            _found_decoded(bytes.fromhex(run[start : len(run) - (len(run) - start) % 2]), 0, found)
    for run in _HEX_PAIRS.findall(read):
        _found_decoded(bytes.fromhex(re.sub(r"\\x|[:\- ,]", "", run)), 0, found)
    for run in _BASE32_RUN.findall(read):
        for start in range(8):  # a group is 8 characters: other base32 before it shifts the bytes
            chunk = run[start:].upper()
            chunk = chunk[: len(chunk) - _BASE32_SPARE.get(len(chunk) % 8, 0)]
            if len(chunk) >= 10:
                _found_decoded(base64.b32decode(chunk + "=" * (-len(chunk) % 8)), 0, found)
    return found


#: :func:`_as_read`, for the tools that compare a published text with the recipient (``credreg award``'s and
#: ``credreg revoke``'s name check).
as_read = _as_read
#: :data:`_NO_PERSON`, for the leak check's reading of a list's addresses (``badge@2x.png`` names no one there either).
NO_PERSON_AT = _NO_PERSON


def _no_recipient_data(value: str) -> str:
    """A published string (evidence, a revocation reason) names no recipient: no email address (written as
    :func:`_as_read` reads it, or encoded: :func:`_encoded`), no phone number (:data:`PHONE_IN_TEXT`, encoded too),
    and no earner's link, whose recipient key would confirm a guessed one (a prerequisite's link given as
    evidence, say)."""
    read = _as_read(value)
    encoded = _encoded(read)
    if _ADDRESS in encoded or _names_an_address(read):
        raise ValueError(f"must not contain an email address: {_PRIVACY}")
    if _PHONE in encoded or _names_a_phone(read):
        raise ValueError(f"must not contain a phone number: {_PRIVACY}")
    if RECIPIENT_KEY_IN_TEXT.search(read):
        raise ValueError(
            "must not contain a recipient key (an earner's verification link, <award hash>~<key>: give the link "
            f"without ~ and what follows): {_PRIVACY}"
        )
    return value


#: The longest evidence URL: most servers refuse a longer request line (Apache's 8,190 bytes, nginx's 8 KiB), so
#: a longer URL opens nothing and is only room for free text published beside the award. A signed storage URL
#: (S3's with a session token, Google Cloud Storage's) is well within it. policies.js EVIDENCE's max.
MAX_EVIDENCE_URL = 8192


class EvidenceRef(_AwardModel):
    """Evidence: a URL. It is published with the award, so it may not contain an email address."""

    id: Annotated[
        str, Field(pattern=r"^https?://\S+$", max_length=MAX_EVIDENCE_URL), AfterValidator(_no_recipient_data)
    ]
    type: list[Literal["Evidence"]]


class IdentityObject(_AwardModel):
    """The recipient, as a hash of their email address keyed with a secret: never the address, never the key."""

    type: Literal["IdentityObject"]
    hashed: Literal[True]
    """Always hashed: the registry is public."""

    identityHash: str = Field(pattern=r"^sha256\$[0-9a-f]{64}$")
    """``sha256$`` + hex(sha256(lowercased email + recipient key)). The 128-bit recipient key is given to the
    earner only (their verification link and file); with it published, a guessed address could be confirmed."""

    identityType: Literal["emailAddress"]

    @model_validator(mode="before")
    @classmethod
    def _no_salt(cls, data: Any) -> Any:
        # Named before the generic "extra field" error: this is the mistake an OB 3.0 tool makes by default.
        if isinstance(data, dict) and "salt" in data:
            raise ValueError(
                "salt: a published salt makes the recipient's address guessable by trying addresses; "
                f"the registry never publishes it: {_PRIVACY}"
            )
        return data


#: What an award's subject may hold: who earned it only as the keyed hash, and what was earned.
_SUBJECT_FIELDS = frozenset({"type", "identifier", "achievement"})


class AwardSubject(_AwardModel):
    """The ``AchievementSubject``: who earned what. No other recipient data (``id``, ``name``, ``email``, …)."""

    type: _types_exactly("AchievementSubject")  # type: ignore[valid-type]
    identifier: list[IdentityObject] = Field(min_length=1, max_length=1)
    achievement: AchievementRef

    @model_validator(mode="before")
    @classmethod
    def _only_the_hash(cls, data: Any) -> Any:
        if isinstance(data, dict):
            extra = sorted(str(k) for k in data if k not in _SUBJECT_FIELDS)
            if extra:
                raise ValueError(
                    f"{', '.join(extra)}: the award's subject holds no recipient data besides the keyed hash in "
                    f"'identifier' ({_PRIVACY})"
                )
        return data


class StatusEntry(_AwardModel):
    """Where the award's revocation bit lives."""

    id: str
    type: Literal["BitstringStatusListEntry"]
    statusPurpose: Literal["revocation"]
    statusListIndex: str = Field(pattern=r"^(?:0|[1-9][0-9]{0,9})$")
    statusListCredential: str = Field(pattern=r"^https://\S+/status/[0-9]+\.json$")

    @model_validator(mode="after")
    def _id_names_the_slot(self) -> StatusEntry:
        # The id is a free string otherwise (``urn:x:ada-lovelace`` signs fine): it is the slot, as written.
        if self.id != f"{self.statusListCredential}#{self.statusListIndex}":
            raise ValueError(
                "id: must be the status list's URL, '#' and the index (statusListCredential#statusListIndex), as "
                f"the registry writes it ({_PRIVACY})"
            )
        return self


class AwardProof(_AwardModel):
    """One Data Integrity proof of the set."""

    type: Literal["DataIntegrityProof"]
    cryptosuite: Cryptosuite
    created: Timestamp
    verificationMethod: str = Field(pattern=r"^did:\S+#\S+$")
    proofPurpose: Literal["assertionMethod"]
    proofValue: str = Field(pattern=r"^z[1-9A-HJ-NP-Za-km-z]{80,90}$")
    context: list[str] | None = Field(default=None, alias="@context")


class Award(_AwardModel):
    """A signed award as stored in the registry: one ``OpenBadgeCredential`` with both proofs."""

    context: list[str] = Field(alias="@context", min_length=2)
    id: str = Field(pattern=f"^{URN_UUID}$")
    type: _types_exactly("VerifiableCredential", "OpenBadgeCredential")  # type: ignore[valid-type]
    name: str
    issuer: ProfileRef
    validFrom: AwardTime
    validUntil: AwardTime | None = None
    awardedDate: AwardTime | None = None
    credentialSubject: AwardSubject
    evidence: list[EvidenceRef] | None = None
    credentialStatus: StatusEntry
    proof: list[AwardProof] = Field(min_length=2, max_length=2)

    # validFrom is declared before validUntil, so it is validated (and in info.data) first.
    _closes_window = field_validator("validUntil")(closes_window)
    _awarded_on_valid_from = field_validator("awardedDate")(awarded_on_valid_from)

    @field_validator("context")
    @classmethod
    def _exact_context(cls, value: list[str]) -> list[str]:
        # Another context (or another order) could give the same keys another meaning.
        if tuple(value) != AWARD_CONTEXT:
            raise ValueError(f"must be exactly {list(AWARD_CONTEXT)}")
        return value

    @field_validator("proof")
    @classmethod
    def _both_suites(cls, value: list[AwardProof]) -> list[AwardProof]:
        suites = sorted(p.cryptosuite for p in value)
        if suites != sorted(CRYPTOSUITES):
            raise ValueError(f"the proof set must hold {' and '.join('one ' + s for s in CRYPTOSUITES)} proof")
        if value[0].verificationMethod != value[1].verificationMethod:
            raise ValueError("both proofs must be made by the same key")
        return value

    @model_validator(mode="after")
    def _proof_contexts(self) -> Award:
        proof_contexts(self.proof, AWARD_CONTEXT, "award")
        signed_at_valid_from(self.proof, self.validFrom)
        return self


class RevocationEntry(StrictModel):
    """One line of ``revocations.jsonl``: signed by the issuer, so repository write access alone cannot revoke."""

    award: AwardHash
    """Hash of the revoked award, or of an endorsement the issuer signed (its status lists hold both)."""

    # Strict: the line is signed JSON, read as written. A signed "1" (or 1.0, or true) is not list 1 to every
    # reader: the issuer's tools never write one, and the check would otherwise count a slot they do not.
    statusList: int = Field(ge=1, strict=True)
    """Number of the issuer's status list holding the award's bit."""

    statusListIndex: int = Field(ge=0, strict=True)
    """The award's index in that list."""

    revoked: PublishedInstant
    """When the award was revoked: whole seconds in UTC, as its proof's ``created`` (:func:`signed_at_revoked`)."""

    reason: Annotated[PlainText, AfterValidator(_no_recipient_data)]
    """Why (published on the site): never the recipient's address."""

    proof: AwardProof
    """eddsa-jcs-2022 proof by a key of the award's issuer."""

    @field_validator("proof")
    @classmethod
    def _jcs(cls, value: AwardProof) -> AwardProof:
        if value.cryptosuite != JCS:
            raise ValueError(f"revocations are signed with {JCS}")
        return value

    @model_validator(mode="after")
    def _signed_at_revoked(self) -> RevocationEntry:
        signed_at_revoked(self.proof, self.revoked)
        return self
