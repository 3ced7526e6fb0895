"""Shared building blocks of the registry models: strict base class and constrained string types."""

from __future__ import annotations

import datetime as dt
import functools
import html
import ipaddress
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import unquote, urlsplit

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from generator._internal.durations import duration_problem
from generator._internal.text import (
    MAX_MARKS,
    UNSEEN,
    first_unseen,
    holds_mark,
    mark_tower,
    mark_tower_problem,
    shows_nothing,
)
from generator._internal.times import parse_date, parse_time

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = [
    "ONE_LINE_PATTERN",
    "PORT_PATTERN",
    "SLUG_PATTERN",
    "TEXT_PATTERN",
    "UNSEEN",
    "URL_PORT",
    "URL_PORT_PATTERN",
    "AssetUrlCheck",
    "CountryCode",
    "CredentialRef",
    "CurrencyCode",
    "Did",
    "GitHubHandle",
    "HttpsUrl",
    "Instant",
    "IsoDate",
    "IsoDuration",
    "LanguageTag",
    "Markdown",
    "Name",
    "PlainText",
    "Slug",
    "StrictModel",
    "WebUrl",
    "ecmascript_pattern",
    "no_mark_tower",
    "no_refused_reference",
    "page_url",
    "plain_url",
    "valid_port",
]


class StrictModel(BaseModel):
    """Unknown fields are errors (typos must not pass silently); loaded data is immutable."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        str_strip_whitespace=False,
        validate_default=True,
        # Lookaheads (ISO durations, GitHub handles) need Python's engine; the schemas use the same patterns,
        # written for ECMAScript by :func:`ecmascript_pattern`. Patterns end with ``\Z``, never ``$``: Python's
        # ``$`` also matches before a final newline, so ``^[a-z]+$`` would take "issuer\n" for an id.
        regex_engine="python-re",
    )


_ANCHOR = re.compile(r"\\(.)", re.DOTALL)


def ecmascript_pattern(pattern: str) -> str:
    """``pattern`` (Python ``re``) for JSON Schema, whose ``pattern`` is ECMAScript: ``\\A`` becomes ``^`` and ``\\Z``
    becomes ``$`` (there, without the ``m`` flag, ``$`` matches only at the very end). Other escapes stay."""
    return _ANCHOR.sub(lambda m: {"A": "^", "Z": "$"}.get(m[1], m[0]), pattern)


SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z"
SLUG_RE = re.compile(SLUG_PATTERN)

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=64)]
"""Lowercase letters, digits and single hyphens: ``data-analysis-foundations``."""

CredentialRef = Annotated[
    str, StringConstraints(pattern=r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*/)?[a-z0-9]+(?:-[a-z0-9]+)*\Z", max_length=129)
]
"""A credential of the same issuer (``slug``) or of another issuer (``issuer/slug``)."""

GitHubHandle = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:/[A-Za-z0-9_.-]{1,100})?\Z"),
]
"""A GitHub user (``octocat``) or team (``my-org/reviewers``), without the leading ``@``."""

#: A port in plain digits from 1 to 65535: the one rule, checked by :func:`valid_port` and, inside
#: :data:`URL_PORT_PATTERN`, by the schemas.
PORT_PATTERN = r"(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
_PORT = re.compile(rf"{PORT_PATTERN}\Z")


def valid_port(url: str) -> str:
    """Validator body for every URL a registry file gives: a port, if any, is 1–65535 in plain digits. The
    patterns admit ``:99999`` or ``:0``, which no browser opens; and the site URL's host and port become issuers'
    did:web identifiers, so a spelling a browser would rewrite (``:080``, an empty port) is refused too."""
    netloc = urlsplit(url).netloc.rpartition("@")[2]
    host_end = netloc.find("]") + 1 if netloc.startswith("[") else 0  # an IPv6 literal holds colons
    _, colon, port = netloc[host_end:].partition(":")
    if colon and not _PORT.match(port):
        raise ValueError(f"the port must be a number from 1 to 65535, without leading zeros (is {port!r})")
    return url


#: Characters RFC 3986 leaves out of a URL (space, quotes, angle brackets, braces…): a browser escapes them, and a
#: URL holding one, printed into a page's markup or its Content-Security-Policy, could end what it is written in.
_NOT_IN_URL = frozenset(' "<>^`{|}')
#: A URL's host: a domain name (labels of letters, digits, hyphens and underscores, which some hosts use, each
#: label non-empty) or an IP literal; nothing a browser would refuse or read as something else.
_HOST = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*|\[[0-9A-Fa-f:.]+\]")


def _host_problem(host: str) -> str | None:
    """Why browsers would not open ``host`` (a URL's host, as written), or None. An empty label (``r..example``,
    ``.example``) or an IPv6 literal they cannot parse is refused; so is a name whose last label is a number
    that is not an IPv4 address in four parts (``999.1.1.1``, ``1.2.3``): browsers read such a host as an IPv4
    address (WHATWG URL), and refuse the URL or open another address than the one written."""
    if not _HOST.fullmatch(host):
        return "is not a domain name or an IP address"
    try:
        if host.startswith("["):
            ipaddress.IPv6Address(host[1:-1])
        elif host.rpartition(".")[2].isdigit():
            ipaddress.IPv4Address(host)  # four decimal parts of 0-255, no leading zeros
    except ValueError:
        return "is not a domain name or an IP address (browsers read a name ending in a number as an IP address)"
    return None


def plain_url(url: str) -> str:
    """Validator body for every URL a registry file gives (its port is :func:`valid_port`'s, run once beside it:
    by :data:`URL_PORT` on a URL field, by :data:`AssetUrlCheck` on an image's URL): it opens what it reads as,
    wherever it is shown (the issuer page prints the issuer's website as its link text) and in every parser. No
    backslash (browsers read ``https://evil.example\\@good.example/`` as host ``evil.example``, Python as
    ``good.example``), no user before the host (``https://good.example@evil.example/`` opens ``evil.example``),
    no :data:`UNSEEN` character (a bidi override makes a URL read backwards), and a host in ASCII: letters of
    other scripts pass for Latin ones (``аcme.example``, Cyrillic ``а``), so an international domain name is
    written in its ``xn--`` form, which shows what it is."""
    if "\\" in url:
        raise ValueError("a URL may not hold a backslash: browsers read it as '/', so it may not open what it reads as")
    at = first_unseen(url)
    if at is not None:
        raise ValueError(f"a URL may not hold the invisible or control character U+{ord(url[at]):04X}")
    netloc = urlsplit(url).netloc
    if "@" in netloc:
        raise ValueError(
            f"a URL may not name a user before its host: {url!r} opens {netloc.rpartition('@')[2]!r}, not what "
            "is before the '@'"
        )
    if not netloc.isascii():
        host = netloc.rpartition(":")[0] if netloc.count(":") == 1 else netloc
        try:
            ascii_form = f" ({host.encode('idna').decode('ascii')})"
        except UnicodeError:
            ascii_form = ""
        raise ValueError(
            f"write the host in its ASCII form{ascii_form}: letters of other scripts can pass for Latin ones "
            "(a Cyrillic 'а' in 'аcme.example')"
        )
    return url


def page_url(url: str) -> str:
    """Validator body for a URL the theme prints into every page's markup unescaped (governance's site URL, its
    repository, the verification data's address, whose origin goes into the Content-Security-Policy): a
    :func:`plain_url`, holding no character RFC 3986 leaves out of a URL (a quote, ``<``, a brace, a space…,
    which could end the attribute it is printed in), its host a domain name or an IP literal. (An issuer's URLs
    reach pages only through :func:`generator.render.html.esc`.)"""
    plain_url(url)
    bad = next((c for c in url if c in _NOT_IN_URL), None)
    if bad is not None:
        raise ValueError(
            f"a URL may not hold {bad!r} as it is (write it percent-escaped): a URL holds none, and in a page's "
            "markup it could end the attribute the URL is written in"
        )
    host = urlsplit(url).netloc.rpartition("@")[2]
    host = host[: host.find("]") + 1] if host.startswith("[") else host.partition(":")[0]
    problem = _host_problem(host)
    if problem is not None:
        raise ValueError(f"the host {host!r} {problem}")
    return url


def _https_asset(value: str) -> str:
    """Validator body for an image named by a file or an https URL: a URL follows :func:`plain_url` and
    :func:`valid_port` (such a field has no :data:`URL_PORT`, which would check its port first)."""
    return valid_port(plain_url(value)) if value.startswith("https://") else value


AssetUrlCheck = AfterValidator(_https_asset)
"""For a field that names an image file in the issuer's folder or gives its https URL."""


_SCHEME = r"[A-Za-z][A-Za-z0-9+.-]*:"
URL_PORT_PATTERN = (
    rf"\A(?!(?:{_SCHEME})?//)"  # no authority, so no port: nothing to check
    rf"|\A(?:{_SCHEME})?//(?:[^/?#]*@)?(?:\[[^\]/?#]*\][^:/?#]*|[^:/?#]*)(?::{PORT_PATTERN})?(?:[/?#]|\Z)"
)
""":func:`valid_port` as a pattern, for the JSON Schemas (which cannot run it): the authority found as
``urlsplit`` finds it (after the scheme and ``//``, up to ``/``, ``?`` or ``#``; user info up to its last ``@``;
an IPv6 literal in brackets), and after the host either no port or :data:`PORT_PATTERN`. Written in the syntax
Python's ``re`` and ECMAScript (with or without the ``u`` flag) share; tests hold the two to the same verdicts."""


class _UrlPort:
    """Annotated metadata of every URL field: the port rule, checked by :func:`valid_port` and stated in the
    field's JSON Schema (an ``allOf`` beside the URL's own pattern, so each refusal names its own rule)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(valid_port, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.setdefault("allOf", []).append({"pattern": URL_PORT_PATTERN})
        return json_schema


URL_PORT = _UrlPort()
"""Add to a URL type (``Annotated[str, ..., URL_PORT]``): its port, if any, is 1–65535 in plain digits."""

WebUrl = Annotated[
    str,
    StringConstraints(pattern=r"^https?://[^\s/$.?#][^\s]*\Z", max_length=2048),
    URL_PORT,
    AfterValidator(plain_url),
]
"""An ``http(s)://`` URL. Plain http is allowed because framework identifiers (ESCO) use it."""

HttpsUrl = Annotated[
    str,
    StringConstraints(pattern=r"^https://[^\s/$.?#][^\s]*\Z", max_length=2048),
    URL_PORT,
    AfterValidator(plain_url),
]
"""An ``https://`` URL."""

_WEB_HOST = re.compile(r"did:web:([^:%]*)(%3[Aa][0-9]*)?")


def _one_spelling(did: str) -> str:
    """Validator body for a registered body's own DID. A ``did:web`` names its host in lowercase and its port
    after ``%3A``: hosts are case-insensitive, so ``did:web:Acme.example`` is ``did:web:acme.example`` to every
    resolver, and two spellings would let two bodies register one identity (the registry compares DIDs as
    written). A ``did:key`` is refused: it is one key forever, and its DID document lists only ``#z6Mk…``, so
    awards signed with the body's registered keys (``#key-1``, rotated by their validity windows) would verify
    here and fail in every other Open Badges tool."""
    if did.startswith("did:key:"):
        raise ValueError(
            "a did:key cannot be a registered body's DID: it names one key forever, so the keys registered "
            "under keys/ could not be verified by other tools; use a did:web, or leave did out"
        )
    m = _WEB_HOST.match(did)
    if m is not None and (m[1] != m[1].lower() or (m[2] or "").startswith("%3a")):
        raise ValueError("write a did:web's host in lowercase, and its port after %3A (did:web:example.org%3A8443)")
    return did


Did = Annotated[
    str,
    StringConstraints(pattern=r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]+\Z", max_length=512),
    AfterValidator(_one_spelling),
]
"""A registered body's own decentralized identifier, e.g. ``did:web:example.org``: not a did:key, and a did:web in
its one spelling."""

TEXT_PATTERN = rf"^[^{UNSEEN}]*\Z"
"""Any text without :data:`UNSEEN` characters (line ends allowed)."""

ONE_LINE_PATTERN = rf"^[^\S\n\r{UNSEEN}]*[^\s{UNSEEN}][^\n\r{UNSEEN}]*\Z"
"""One line of text with something visible in it and no :data:`UNSEEN` character. Unambiguous (the leading run
cannot hold what the visible character is), so it matches in linear time: Python's ``re`` runs it too."""


def no_mark_tower(text: str) -> str:
    """Validator body for registry text shown on the pages: no letter carries more than
    :data:`~generator._internal.text.MAX_MARKS` combining marks (a tower of them is drawn over the page around it).
    Not in the JSON Schemas: their patterns cannot name a Unicode category."""
    problem = mark_tower_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return text


#: What a Markdown or HTML reader decodes into another character: a character reference (by name, or by number in
#: decimal or hex with any number of digits: CommonMark reads up to 7 and 6 of them, HTML and other Markdown
#: renderers any), and a run of percent-encoded bytes (shown decoded in a link's words). Written to start with one
#: character class (the branch chosen by what it matched): Python's engine then skips ahead to an "&" or a "%",
#: where a bare alternation tried both branches at every character (72 µs against 7 for 1.5 KB of prose).
_REFERENCE = re.compile(
    r"[&%](?:(?<=&)(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{0,31});|(?<=%)[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*)"
)


def _decoded(written: str) -> str:
    """What ``written`` (one :data:`_REFERENCE`) decodes to. A number reads as its code point as well as as HTML
    reads it (HTML takes &#x85; for "…", another reader for U+0085): both are kept, so neither reading escapes."""
    if written.startswith("%"):
        return unquote(written, errors="replace")
    if not written.startswith("&#"):
        return html.unescape(written)
    hexadecimal = written[2] in "xX"
    digits = written[3 if hexadecimal else 2 : -1].lstrip("0") or "0"
    if len(digits) > (6 if hexadecimal else 7):  # beyond Unicode (and Python's int() refuses 4,300 digits)
        return "\ufffd"
    number = int(digits, 16 if hexadecimal else 10)
    raw = chr(number) if number <= 0x10FFFF and not 0xD800 <= number <= 0xDFFF else "\ufffd"
    shown = html.unescape(f"&#{number};")
    return raw if raw == shown else raw + shown


@functools.cache
def _commonmark() -> MarkdownIt:
    """A CommonMark reader as a wallet may hold one: the registry's tables and strikethrough, and raw HTML (the
    site's render leaves it out, another reader need not). Made on first use: loading a registry whose texts need
    no reading as Markdown (a pull request's check) does not import markdown-it."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


#: What a reader shows of a Markdown text's parts: its words, references decoded; markup (a tag) as nothing.
_SHOWN = {"text": True, "text_special": True, "code_inline": True, "html_inline": False}
_TAG = re.compile(r"<[^>]*>")


def _shown(text: str) -> Iterator[str]:
    """Each block of ``text`` as a Markdown reader shows it: the markup (``*``, ``[…](…)``, a code span's
    backticks, a tag) taken out, so marks on either side of it meet, as they do on the page."""
    for token in _commonmark().parse(text):
        if token.type == "html_block":
            yield _TAG.sub("", token.content)
        for child in token.children or ():
            if child.type in ("softbreak", "hardbreak"):
                yield "\n"
            elif child.type == "image":  # its words, as text
                yield "".join(c.content for c in child.children or () if _SHOWN.get(c.type))
            elif _SHOWN.get(child.type):
                yield child.content
        if token.type == "inline":
            yield "\n"


def no_refused_reference(text: str) -> str:
    """Validator body for Markdown: no character reference (``&#x202E;``, ``&rlm;``) or percent-encoding
    (``%E2%80%AE``) decodes to what :data:`TEXT_PATTERN` and :func:`no_mark_tower` refuse as written. The registry's
    pages show such a reference as written, but the text is carried on as Markdown (an award's description and
    criteria, signed; the API; CTDL) to readers that decode it: a wallet would show the override. After
    :func:`no_mark_tower`; not in the JSON Schemas, as it is not.

    Nor may marks meet across the Markdown's markup: ``e\u0301\u0301\u0301*\u0301\u0301\u0301\u0301*`` is two
    short runs as written, but a reader drops the ``*`` and the page stacks seven marks on the "e"."""
    # Markup can only join marks the text holds, as written or written by a reference: ASCII prose without one
    # (most registry text) is not parsed as Markdown.
    marked = ("&" in text or "%" in text) and _no_refused_reference(text)
    if marked or holds_mark(text):
        at = mark_tower("".join(_shown(text)))
        if at is not None:
            raise ValueError(
                f"a letter carries more than {MAX_MARKS} combining marks as a Markdown reader shows it, its markup "
                f"(emphasis, a link, a code span, a tag) taken out (the {MAX_MARKS + 1}th is character {at + 1} "
                "of the text so shown): write fewer marks"
            )
    return text


def _no_refused_reference(text: str) -> bool:
    """Raises when a reference or percent-encoded run in ``text`` decodes to what registry text may not hold;
    whether one of them writes a combining mark."""
    parts: list[str] = []
    marked = ""  # the first reference that writes a combining mark
    end = 0
    for found in _REFERENCE.finditer(text):
        written = found[0]
        decoded = _decoded(written)
        at = first_unseen(decoded)
        if at is not None:
            raise ValueError(
                f"its reference {written!r} writes U+{ord(decoded[at]):04X} (at character {found.start() + 1}), an "
                "invisible or control character registry text may not hold: a Markdown reader decodes it; leave it out"
            )
        if not marked and holds_mark(decoded):
            marked = written
        parts += [text[end : found.start()], decoded]
        end = found.end()
    if marked and mark_tower("".join(parts) + text[end:]) is not None:
        raise ValueError(
            f"its references write a letter with more than {MAX_MARKS} combining marks ({marked!r}, character "
            f"{text.index(marked) + 1}): a Markdown reader decodes them; write fewer marks"
        )
    return bool(marked)


Markdown = Annotated[
    str,
    StringConstraints(min_length=1, max_length=20_000, pattern=TEXT_PATTERN),
    AfterValidator(no_mark_tower),
    AfterValidator(no_refused_reference),
]
"""CommonMark text. Rendered without raw HTML and sanitized: issuer text never becomes markup."""

PlainText = Annotated[
    str, StringConstraints(min_length=1, max_length=300, pattern=ONE_LINE_PATTERN), AfterValidator(no_mark_tower)
]
"""One line of plain text."""


def _shows_something(name: str) -> str:
    """Validator body for a name the pages show where a body or a credential goes: something in it is drawn.
    One line of text needs a character that is neither a space nor :data:`UNSEEN`, but a zero-width joiner, a
    variation selector or a braille blank is such a character: a name of them named no one on a card, in the
    catalog's filters and on the verification page. Not in the JSON Schemas (their patterns would grow by the
    whole list of characters that show as nothing), as :func:`no_mark_tower` is not."""
    if shows_nothing(name):
        raise ValueError("the name shows nothing: its characters are spaces or show as nothing; write the name")
    return name


Name = Annotated[PlainText, AfterValidator(_shows_something), AfterValidator(no_refused_reference)]
"""One line of plain text naming a body or a credential: something in it is drawn. Held to the Markdown fields'
reference rule too: the registry writes an issuer's name into the ``endorsementComment`` (Markdown) of the binding
statement it signs (:func:`generator.statements.binding_statement`), where a wallet decodes ``&#x202E;``."""

LanguageTag = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?\Z")]
"""A BCP 47 language tag: ``en``, ``de``, ``pt-BR``, ``zh-Hant-TW``."""

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}\Z")]
"""ISO 3166-1 alpha-2 country code: ``DE``, ``NO``, ``US``."""

CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}\Z")]
"""ISO 4217 currency code: ``EUR``, ``USD``."""


def _duration(value: str) -> str:
    problem = duration_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


IsoDuration = Annotated[
    str,
    StringConstraints(pattern=r"^P(?!\Z)(?:[0-9]+Y)?(?:[0-9]+M)?(?:[0-9]+W)?(?:[0-9]+D)?\Z"),
    AfterValidator(_duration),
]
"""An ISO 8601 calendar duration: ``P3Y``, ``P6M``, ``P8W``, ``P10D``; longer than zero, at most 100 years
(:func:`~generator._internal.durations.duration_problem`)."""


#: Why a value is not a date-time, in the words of every rule that reads one (an award's, a key's).
NOT_A_TIME = "not a date-time: a real calendar date and time, with Z or an offset within +-14:00"


def _instant(value: object) -> object:
    # A datetime made in Python passes; anything read from a file is a string of the one grammar (parse_time),
    # never Unix seconds, a space for the T, no seconds or an offset beyond +-14:00, which pydantic also reads.
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or parse_time(value) is None:
        raise ValueError(NOT_A_TIME)
    return value


Instant = Annotated[AwareDatetime, BeforeValidator(_instant)]
"""A time a registry file gives (a key's window, a revocation's date), as a timezone-aware datetime: read by
:func:`~generator._internal.times.parse_time`'s grammar, the one every date-time of an award is read by."""


#: Why a value is not a date, in the words of every rule that reads one.
NOT_A_DATE = "not a date: a real calendar date written YYYY-MM-DD (e.g. 2025-01-31), without a time"


def _iso_date(value: object) -> object:
    # pydantic's date also reads a date-time at midnight and Unix seconds (even as text), which the rules that
    # compare dates (governance: `created`, a former profile's `until`) read as no date: one spelling for all.
    if parse_date(value) is None:
        raise ValueError(NOT_A_DATE)
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
"""A day a registry file gives (a definition's ``created``, a former profile's ``until``), read by
:func:`~generator._internal.times.parse_date`: ``YYYY-MM-DD`` and nothing else."""


def require_unique(values: list[str], *, casefold: bool = False) -> list[str]:
    """Validator body: refuse repeated entries, naming them."""
    seen = [v.lower() if casefold else v for v in values]
    dupes = sorted({v for v in seen if seen.count(v) > 1})
    if dupes:
        raise ValueError(f"listed more than once: {', '.join(dupes)}")
    return values
