"""Issuer-written Markdown to HTML that cannot carry markup of its own.

Two independent layers: markdown-it renders CommonMark with raw HTML disabled (``<script>`` in the source stays
text), then nh3 keeps only an allow-list of tags and attributes, only http/https/mailto links (relative ones
are dropped: issuer text cannot point into the site), and marks every link ``nofollow noopener``. Headings are
shifted down two levels so issuer text never competes with the page's own outline. Images are dropped: issuer
text must not make visitors' browsers fetch third-party content. A link whose words read as a web or email address
(``[acme.example](https://evil.example)``) shows the address it goes to instead, unless the words name that same
place (the same host; the same page or one below it, when they name a path): readers trust an address they can
read, and cannot see where a link goes on a phone or a printout. A
mailto link goes to every address it names, in its ``to``, ``cc`` and ``bcc`` fields too.
One naming an address elsewhere (a malformed field, a body) shows the whole link.
Nothing written in a reference (``&#x202E;``) or an autolink's percent-encoding (``%E2%80%AE``) becomes a character
the models refuse in registry text (an unseen one, a tower of combining marks): they check the Markdown as written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote, urlsplit, urlunsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from generator._internal.text import drop_ignored, first_unseen, holds_mark, mark_tower

__all__ = ["link_words", "render_markdown", "sanitize_html"]

_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "del", "s", "sup", "sub",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}

_cleaner = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags={"script", "style"},
    attributes=_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
    link_rel="nofollow noopener",
    strip_comments=True,
)


def _refused(text: str) -> bool:
    """Whether ``text`` holds what the models refuse in registry text (``models._base`` ``TEXT_PATTERN`` and
    ``no_mark_tower``, by the same two rules)."""
    return first_unseen(text) is not None or mark_tower(text) is not None


def _keep_references_written(state: StateCore) -> None:
    """A character reference to what the models refuse is shown as written (as CommonMark shows an unknown one):
    one to an unseen character always, ones to combining marks when the paragraph's text would carry a tower
    (marks run on across a link's edge, so the whole inline text is weighed). Runs before ``text_join``, while
    each reference is a token of its own."""
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        # An image's words are shown as text (_render): their references too.
        shown = [g for c in token.children for g in (c, *(c.children or () if c.type == "image" else ()))]
        references = [c for c in shown if c.type == "text_special" and c.info == "entity"]
        for ref in references:
            if first_unseen(ref.content) is not None:
                ref.content = ref.markup
        words = "".join(c.content for c in shown if c.type in ("text", "text_special"))
        if references and mark_tower(words) is not None:
            for ref in references:
                if holds_mark(ref.content):
                    ref.content = ref.markup


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.enable("strikethrough")
    md.core.ruler.before("text_join", "credreg_references", _keep_references_written)
    return md


#: Words that read as an email address, or as a web address (a host with a top-level domain, maybe a scheme,
#: port and path). All the words, or one among others that nothing but an address could be (:data:`_MARKED`):
#: "Node.js, v22" is words, "Verify at https://acme.example" names an address.
#: (The email's domain is matched whole and its dot looked for after: a pattern placing the dot backtracks over
#: every dot of a long word, quadratic in it.)
_EMAIL = re.compile(r"(?:mailto:)?([^\s@:/]+@([^\s@/]+))\Z", re.IGNORECASE)
#: An address's start as a browser reads one: a scheme with any slashes or backslashes after it ("https:/acme.example"
#: and "https:acme.example" go to acme.example), or none and two of them ("//acme.example", protocol-relative).
_START = r"(?:(?P<scheme>[a-z][a-z0-9+.-]*):[/\\]*|[/\\]{2})"
#: A top-level domain: letters, or an international one in its ASCII form ("acme.xn--p1ai" is acme.рф).
_TLD = r"(?:[^\W\d_]{2,}|xn--[a-z0-9-]+)"
_WEB = re.compile(
    rf"{_START}?(?P<user>[^\s/\\@]*@)?(?P<host>(?:[^\s/\\:?#@.]+\.)+{_TLD})\.?(?::[0-9]*)?"
    r"(?P<rest>[/\\?#]\S*)?\Z",
    re.IGNORECASE,
)
#: A web address whose host is an IP literal (dotted IPv4 or bracketed IPv6). Only with a scheme or two slashes:
#: "1.2.3.4" alone is as likely a version as a host.
_IP = re.compile(
    rf"{_START}(?P<user>[^\s/\\@]*@)?(?P<host>[0-9]{{1,3}}(?:\.[0-9]{{1,3}}){{3}}|\[[0-9a-f:.]+\])"
    r"(?::[0-9]*)?"
    r"(?P<rest>[/\\?#]\S*)?\Z",
    re.IGNORECASE,
)
#: A web address after "http(s):" or two slashes, whatever its host: one label ("https://intranet/grades"), a
#: number a browser reads as an IPv4 address ("https://2130706433/"). Words that say so are an address.
_SCHEMED = re.compile(
    r"(?:(?P<scheme>https?):[/\\]*|[/\\]{2})(?P<user>[^\s/\\@]*@)?(?P<host>\[[0-9a-f:.]+\]|[^\s/\\?#@:\[\]]+)"
    r"(?::[0-9]*)?(?P<rest>[/\\?#]\S*)?\Z",
    re.IGNORECASE,
)


#: Characters drawn like the dot, slash and colon of an address that NFKC leaves as they are (Unicode's
#: confusables.txt; the ideographic full stops are dots to IDNA too): "acme\u2024example" and "acme\u3002example"
#: read as "acme.example", "https:\u2215\u2215acme.example" as "https://acme.example".
_PUNCTUATION = str.maketrans(
    {
        **dict.fromkeys("\u3002\uff61\u0660\u06f0\u0701\u0702\ua4f8\ua60e\U00010a50\U0001d16d", "."),
        **dict.fromkeys("\u2044\u2215\u29f8\u2571\u30ce\u31d3\u4e3f\U0001d23a", "/"),
        **dict.fromkeys("\u0589\u05c3\u0703\u0704\u16ec\u2236\ua789\ufe30", ":"),
    }
)


def _as_read(words: str) -> str:
    """``words`` as a reader reads them for an address: what shows as nothing left out (a combining grapheme
    joiner, a variation selector), compatibility forms folded (fullwidth letters, the one dot leader), and
    punctuation drawn like an address's read as it."""
    return unicodedata.normalize("NFKC", drop_ignored(words)).translate(_PUNCTUATION)


def _destination(href: str) -> str:
    """Where a web link goes, as its words show it: without the user name and password an address may carry before
    its host ("https://acme.example@evil.example/" goes to evil.example, and reads as acme.example)."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return href
    if "@" not in parts.netloc:
        return href
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _host(host: str) -> str:
    # "acme.example." is acme.example (the DNS root's dot; the words' pattern leaves it out of their host too).
    return host.lower().removesuffix(".").removeprefix("www.")


#: A word among others reads as an address when only an address could be it: a scheme (and slashes), two slashes,
#: "www.", an "@" or a path ("Node.js" alone could be a host too, but is a name).
_MARKED = re.compile(rf":[/\\]|\A[/\\]{{2}}|\Ahttps?:|\Awww\.|@|\.{_TLD}\.?(?::[0-9]*)?[/\\?#]", re.IGNORECASE)
#: What may stand around a word in a sentence: "(see acme.example/verify)." is the address acme.example/verify.
_OPENING, _CLOSING = "([{<\"'\u201c\u2018", ")]}>\"'.,;:!?\u201d\u2019"


def _names_another(word: str, href: str, mailto: bool, address: str) -> bool | None:
    """Whether ``word`` reads as an address other than where ``href`` goes (``address``: a mailto's); ``None``
    when it reads as no address."""
    email = _EMAIL.match(word)
    if email and "." in email[2][1:-1]:  # a domain with a dot inside it
        return not (mailto and email[1].casefold() == address.casefold())
    if web := _WEB.match(word) or _IP.match(word) or _SCHEMED.match(word):
        # A user name before the host reads as the host ("https://acme.example@evil.example/" as acme.example):
        # such words always give way to the destination, shown without it. Words that say https over a link that
        # is not (the same host, sent in clear text) give way too: the reader trusts the padlock the words promise.
        downgraded = (web["scheme"] or "").lower() == "https" and not href.lower().startswith("https:")
        return (
            mailto
            or downgraded
            or web["user"] is not None
            or _host(web["host"].strip("[]")) != _host(_hostname(href))
            or _other_page(web["rest"], href)
        )
    return None


def _other_page(rest: str | None, href: str) -> bool:
    """Whether words naming a path, query or fragment (``rest``, after their host) name another page of the host
    than ``href`` goes to: one host serves many people's pages (github.com/acme-org is not github.com/evil-org). A
    page at or below the one named is that place (acme.example/guide over acme.example/guide/v2)."""
    said = unquote((rest or "").replace("\\", "/"))
    said = said if said.startswith("/") else f"/{said}"
    if said.rstrip("/") == "":
        return False
    try:
        parts = urlsplit(href)
    except ValueError:
        return True
    goes = unquote(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))
    said = said.rstrip("/") if not said.endswith(("?", "#")) else said
    return goes != said and not goes.startswith(tuple(said + c for c in "/?#&"))


def _hostname(href: str) -> str:
    try:
        return urlsplit(href).hostname or ""
    except ValueError:  # a malformed IPv6 literal: no host a word could name
        return ""


#: A mailto's header fields that add recipients (RFC 6068; mail programs read their names in any case).
_RECIPIENT_FIELDS = frozenset({"to", "cc", "bcc"})


def _recipients(href: str) -> str:
    """Everyone a mailto link writes to, as written (still percent-encoded): the addresses before its "?" and those
    its to, cc and bcc fields add. ``mailto:help@acme.example?bcc=spy@evil.example`` reads as help@acme.example
    and sends the reader's mail to evil.example too."""
    path, _, query = href[len("mailto:") :].partition("?")
    fields = (field.partition("=") for field in query.split("&"))
    added = [value for name, _, value in fields if value and unquote(name).strip().lower() in _RECIPIENT_FIELDS]
    return ",".join([path, *added] if path else added)


#: What parts the addresses of a mailto link (split on, not searched for: a search for "x@y" in a long run of
#: characters holding no "@" takes time quadratic in it).
_BETWEEN_ADDRESSES = re.compile(r"[\s?&;=,:<>\"'()\[\]/#]+")


def _addresses(text: str) -> set[str]:
    return {part.casefold() for part in _BETWEEN_ADDRESSES.split(text) if "@" in part.strip("@")}


def _mailto_shown(href: str) -> str:
    """Who a mailto link writes to, as a reader is to see it: its recipients (:func:`_recipients`), or the whole link
    after "mailto:" when it names an address elsewhere too. Mail programs differ on what a malformed link says (a
    field after a second "?" or a ";", a field's "=" percent-encoded) and a body may be sent on: an address the
    recipient fields do not account for is shown where it stands, not ruled out."""
    recipients = unquote(_recipients(href))
    whole = unquote(href[len("mailto:") :])
    if _addresses(whole) - _addresses(recipients):
        return whole if _shown_decoded(whole) else href[len("mailto:") :]
    return recipients if _shown_decoded(recipients) else _recipients(href)


def _shown_decoded(addresses: str) -> bool:
    """Whether a mailto's addresses, their percent-encoding decoded, may be shown so: not when it decoded to what the
    models refuse, nor to a domain outside ASCII (a Cyrillic "а" passes for a Latin "a": markdown-it writes a
    mailto's host in its xn-- form, but not one percent-encoded or in a field). Otherwise they show as written."""
    domains = (part.rpartition("@")[2] for part in _BETWEEN_ADDRESSES.split(addresses) if "@" in part)
    return all(domain.isascii() for domain in domains) and not _refused(addresses)


#: A web link's scheme and the slashes after it, as many or as few as written: browsers read the host after them.
_WEB_SCHEME = re.compile(r"(https?):[/\\]*", re.IGNORECASE)


def _as_followed(href: str) -> str:
    """A web link as a browser follows it: the host after any slashes or backslashes following the scheme
    (``https:evil.example``, ``https:///evil.example`` and ``https:%2F%2Fa@evil.example`` open evil.example, where
    Python's ``urlsplit`` finds no host at all), and its path's dot segments resolved (``/acme-org/../evil-org``
    opens ``/evil-org``)."""
    scheme = _WEB_SCHEME.match(href)
    if scheme is None:
        return href
    followed = f"{scheme[1]}://{href[scheme.end() :]}"
    try:
        parts = urlsplit(followed)
    except ValueError:
        return followed
    path = _resolved(parts.path)
    return urlunsplit(parts._replace(path=path)) if parts.path and path != parts.path else followed


#: Dot segments as a browser reads them (WHATWG URL): "%2e" is a dot too, in either case.
_DOTS = {".": ".", "%2e": ".", "..": "..", ".%2e": "..", "%2e.": "..", "%2e%2e": ".."}


def _resolved(path: str) -> str:
    """A URL path with its dot segments resolved as a browser resolves them."""
    segments = path.split("/")[1:] if path.startswith("/") else path.split("/")
    out: list[str] = []
    for at, segment in enumerate(segments):
        dots = _DOTS.get(segment.lower())
        if dots == ".." and out:
            out.pop()
        if dots is None:
            out.append(segment)
        elif at == len(segments) - 1:  # "/a/.." is "/": the folder it leaves
            out.append("")
    return "/" + "/".join(out)


def _honest_words(href: str, words: str) -> str | None:
    """What a link must show instead of ``words`` when they read as an address that is not where ``href`` goes;
    ``None`` when they may stay."""
    words = _as_read(words).strip()
    mailto = href.lower().startswith("mailto:")
    href = href if mailto else _as_followed(href)
    address = _mailto_shown(href) if mailto else ""
    misleads = _names_another(words, href, mailto, address)
    if misleads is None:  # not one address: one among the words?
        marked = (w.lstrip(_OPENING).rstrip(_CLOSING) for w in words.split())
        misleads = any(_names_another(w, href, mailto, address) for w in marked if _MARKED.search(w))
    return (address or _destination(href)) if misleads else None


def link_words(href: str, words: str) -> str:
    """What a link to ``href`` (http, https or mailto) shows for an issuer's ``words``: the words, or where it goes
    when they read as another address. For links the pages make of issuer text outside Markdown too (a quality
    assurance body's name, a framework's label: :func:`generator.render.html.external_link`)."""
    shown = _honest_words(href, words)
    return words if shown is None else shown


#: The schemes the cleaner keeps links of, with or without slashes after them ("https:evil.example" is a link).
_LINKED = re.compile(r"(?:https?|mailto):", re.IGNORECASE)


def _show_destinations(children: list[Token]) -> None:
    """Give each link whose words read as another address the address it goes to, and leave out a title reading as
    one (in place)."""
    at = 0
    while at < len(children):
        start = children[at]
        at += 1
        href = str(start.attrs.get("href", "")) if start.type == "link_open" else ""
        if not _LINKED.match(href):
            continue  # not a link, or one the cleaner drops: its words stay as text
        end = next(i for i in range(at, len(children)) if children[i].type == "link_close")
        # A title is words shown over the link too (on hover, where a reader looks to see where it goes).
        if "title" in start.attrs and _honest_words(href, str(start.attrs["title"])) is not None:
            del start.attrs["title"]
        words = "".join(c.content for c in children[at:end] if c.type in ("text", "code_inline"))
        shown = _honest_words(href, words)
        if shown is not None:
            text = Token("text", "", 0, content=shown)
            children[at:end] = [text]
            end = at + 1
        at = end + 1


#: The tokens that hold words a reader reads (an image's, shown as text).
_WORDS = ("text", "text_special", "code_inline")


def _render(md: MarkdownIt, src: str) -> str:
    tokens = md.parse(src)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
        children = token.children or []
        for at, child in enumerate(children):
            if child.type == "image":  # keep the words, not the fetch: as read (its content is their source)
                alt = "".join(c.content for c in child.children or () if c.type in _WORDS)
                child.type, child.tag, child.attrs, child.children, child.content = "text", "", {}, None, alt
            elif child.type == "link_open":
                if _refused(str(child.attrs.get("title", ""))):  # a title's references decode: leave it out
                    del child.attrs["title"]
                words = children[at + 1] if at + 1 < len(children) else None
                if child.markup == "autolink" and words is not None and _refused(words.content):
                    # Its percent-encoding decoded: show it encoded (an email address without its "mailto:").
                    href = str(child.attrs["href"])
                    words.content = href[len("mailto:") :] if href.lower().startswith("mailto:") else href
        if token.children:
            _show_destinations(token.children)
    return str(md.renderer.render(tokens, md.options, {}))


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed markup of an HTML fragment."""
    return str(_cleaner.clean(html))


@lru_cache(maxsize=8192)
def render_markdown(text: str) -> str:
    """Safe HTML for issuer-written Markdown. Remembered: many credentials share a text (a framework's skill
    description, an assessment method's wording)."""
    return sanitize_html(_render(_parser(), text))
