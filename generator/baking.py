"""Baked badge images (Open Badges 3.0, "Baking"): the credential carried inside its badge's PNG or SVG.

PNG: an ``iTXt`` chunk with the keyword ``openbadgecredential``, uncompressed, holding the credential's JSON; one
only, and no other text chunk of that keyword nor the keyword after IEND (where another tool may find a second).
SVG: an ``openbadges:credential`` element (namespace ``https://purl.imsglobal.org/ob/v3p0``) holding the JSON in
CDATA. The page bakes them (assets/verify/baking.js, which reads them the same way); ``credreg verify`` reads
them here. Reading only: no I/O, and bad input is a :class:`BakingError` that says what is wrong.
"""

from __future__ import annotations

import re
import struct
import zlib

__all__ = ["OB3_NAMESPACE", "PNG_KEYWORD", "BakingError", "baked_credential", "is_image"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
#: PNG's text chunks: a credential is an iTXt one, and the keyword in either of the others is refused.
_TEXT_CHUNKS = (b"iTXt", b"tEXt", b"zTXt")


class BakingError(ValueError):
    """The image is not a badge with a credential baked in as Open Badges 3.0 says."""


def is_image(data: bytes) -> bool:
    return data.startswith(PNG_SIGNATURE) or _looks_like_svg(data)


def _looks_like_svg(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and b"<svg" in data[:65536]


def baked_credential(data: bytes) -> str:
    """The credential's JSON text baked into a PNG or SVG badge image."""
    if data.startswith(PNG_SIGNATURE):
        return _from_png(data)
    if _looks_like_svg(data):
        return _from_svg(data)
    raise BakingError("not a PNG or SVG image")


def _from_png(data: bytes) -> str:
    found: list[str] = []
    at = len(PNG_SIGNATURE)
    while at < len(data):
        if at + 8 > len(data):
            raise BakingError(f"the PNG is cut short at byte {at}")
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        end = at + 12 + length
        if end > len(data):
            raise BakingError(f"the PNG's {kind.decode('latin-1')!r} chunk at byte {at} is cut short")
        body = data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : end])
        if zlib.crc32(kind + body) != crc:
            raise BakingError(f"the PNG's {kind.decode('latin-1')!r} chunk at byte {at} is damaged (its CRC fails)")
        if kind in _TEXT_CHUNKS and body.split(b"\0", 1)[0] == PNG_KEYWORD:
            if kind != b"iTXt":  # another tool may read it: which credential is "the" one would be the tool's pick
                raise BakingError(
                    f"the PNG has a {kind.decode()} chunk 'openbadgecredential' at byte {at}; a baked credential "
                    "is an iTXt chunk, and is the only chunk of that name"
                )
            found.append(_itxt_text(body, at))
        if kind == b"IEND":
            if PNG_KEYWORD in data[end:]:  # likewise: a credential where these readers stop and others may not
                raise BakingError("the PNG has 'openbadgecredential' after its end (IEND)")
            break
        at = end
    if not found:
        raise BakingError("the PNG has no baked credential (no iTXt chunk 'openbadgecredential')")
    if len(found) > 1:
        raise BakingError("the PNG has more than one baked credential")
    return found[0]


def _itxt_text(body: bytes, at: int) -> str:
    _keyword, _, rest = body.partition(b"\0")
    if len(rest) < 2:
        raise BakingError(f"the iTXt chunk at byte {at} is malformed")
    compressed, _method, rest = rest[0], rest[1], rest[2:]
    _language, found_language, rest = rest.partition(b"\0")
    _translated, found_translated, text = rest.partition(b"\0")
    if not (found_language and found_translated):  # the page refuses it too (baking.js)
        raise BakingError(f"the iTXt chunk at byte {at} is malformed")
    if compressed:
        raise BakingError(f"the iTXt chunk at byte {at} is compressed; a baked credential is stored uncompressed")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError(f"the iTXt chunk at byte {at} is not UTF-8 text") from None


# The SVG is read by one pass over its markup, left to right, each character looked at a bounded number of
# times (a regular expression over the whole document retried a lazy CDATA match from every opening tag:
# quadratic time on a small crafted file). What XML reads as no element is skipped whole, so that the scanner
# finds the elements an XML parser (and so every Open Badges tool that reads SVG as XML) finds: comments, CDATA
# sections, processing instructions ("<?" to "?>": "<?pi > <ob:credential>…?>" was read as a credential, and
# "<?pi > <!-- ?>" hid the real one behind a comment no parser sees) and a DOCTYPE. A DOCTYPE with an internal
# subset ("[…]", where entities are declared) is refused: an entity can hold the credential's CDATA or a whole
# element, which a scanner cannot follow. A tag runs from "<" to the next ">" outside a quoted attribute value.
# The baked credential is a tag "<PREFIX:credential" (optionally whitespace and attributes; not "/>"), then
# optional whitespace, one CDATA section (which ends at its first "]]>", as in XML) holding the JSON, optional
# whitespace and "</PREFIX:credential>". PREFIX must be bound to the Open Badges 3.0 namespace by an xmlns:PREFIX
# attribute of some tag, and to no other namespace by any tag (XML scopes a prefix to its element; a scanner
# does not, so a prefix bound twice is not trusted). An unprefixed "<credential" is read the same way, its
# "prefix" the default namespace (xmlns="…"), and a namespace is compared once its character references are
# decoded, as XML decodes them: a decoy in the default namespace, or under a prefix bound to "&#104;ttps://…",
# was an element XML-reading tools took first and these readers did not see. Every credential element whose
# prefix is bound to Open Badges 3.0 by any tag counts: two are refused, and so is one whose prefix is bound to
# another namespace too (the default namespace is bound to none, "", as well, unless the root element declares
# it: an unprefixed element outside every xmlns="…" is in no namespace). A prefixed credential element outside
# every open element binding its prefix is refused (XML readers refuse that SVG: the prefix is unbound there).
# So is markup whose tags do not nest into one root element, or with something not closed: XML readers refuse
# it whole, so no Open Badges tool reading XML finds the credential these readers would.
# assets/verify/baking.js reads SVGs by the same rules.
# The lexical classes are XML 1.0's, not a programming language's (a second review found each of these read
# otherwise than XML reads it): whitespace is space, tab, CR and LF only (Python's \s and JavaScript's have more,
# and U+1680 is part of a name to XML: "<ob:credential\u1680>" is no credential element), and a prefix is XML's
# name characters: ASCII letters, digits, "_", "." and "-", and every non-ASCII character (XML names have
# "obé": a decoy under such a prefix was an element XML-reading tools took first and an ASCII scanner missed).
_S = "[ \t\r\n]"
_PREFIX = r"[^\x00-\x2c/:-@\[-\^`{-\x7f]+"
# "/": an empty element; no prefix: the default namespace's
_OPEN_TAG = re.compile(rf"(?:(?P<prefix>{_PREFIX}):)?credential(?:{_S}.*|/)?", re.DOTALL)
# An attribute starts after whitespace ("data-xmlns=" is not a declaration); no prefix: the default namespace.
# Any other quoted value is matched (and passed over) whole: "xmlns=…" inside an attribute's value declares
# nothing to XML, and was read as the root's default namespace.
_DECLARATION = re.compile(
    rf"(?<={_S})xmlns(?::(?P<prefix>{_PREFIX}))?{_S}*={_S}*(?:\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)')"
    r"|\"[^\"]*\"|'[^']*'"
)
# Any reference in an attribute value: one that is not XML's own (below) names an entity. Without a DTD it is no
# XML; after a DOCTYPE with an external subset expat skips it (its namespace then Open Badges' where these
# readers saw "&e;"), so a namespace holding one is refused.
_ANY_REFERENCE = re.compile(r"&[^;&]*;?")
# The XML declaration: XML tools decode the bytes as its encoding says (Latin-1's "Ã©" for UTF-8's "é") and read
# version 1.1's line ends (U+0085, U+2028) as whitespace; both readers read UTF-8 XML 1.0 only.
_XML_DECLARATION = re.compile(rf"<\?xml{_S}[^>]*?\?>")
_PSEUDO_ATTRIBUTE = re.compile(rf"(version|encoding){_S}*={_S}*(?:\"([^\"]*)\"|'([^']*)')")
# XML's references in an attribute value: character references and the five predefined entities.
_REFERENCE = re.compile(r"&(?:#(?P<decimal>[0-9]+)|#x(?P<hex>[0-9A-Fa-f]+)|(?P<name>amp|lt|gt|quot|apos));")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_SPACE = re.compile(f"{_S}*")
_TAG_TEXT = re.compile(r"[^>\"']*")  # up to the tag's end or a quoted value
_DOCTYPE_TEXT = re.compile(r"[^>\"'\[]*")  # up to the DOCTYPE's end, a literal or its internal subset
_CDATA, _CDATA_END, _COMMENT, _COMMENT_END, _PI, _PI_END = "<![CDATA[", "]]>", "<!--", "-->", "<?", "?>"
_DOCTYPE = "<!DOCTYPE"


def _unquoted(text: str, at: int, part: re.Pattern[str]) -> int:
    """Where, from ``at``, the first character ``part`` stops at lies outside quotes; -1 when there is none
    (or a quote does not close: then the document ends there, unread, as an XML parser stops)."""
    while True:
        at = part.match(text, at).end()  # type: ignore[union-attr]  # a * pattern always matches
        if at >= len(text):
            return -1
        if text[at] not in "\"'":
            return at
        close = text.find(text[at], at + 1)
        if close < 0:
            return -1
        at = close + 1


def _namespace(value: str) -> str:
    """An ``xmlns`` attribute's value as XML reads it: its references decoded (one not XML's is left as written,
    and the document is then no XML at all)."""

    def decoded(m: re.Match[str]) -> str:
        if m["name"]:
            return _ENTITIES[m["name"]]
        digits = (m["decimal"] or m["hex"]).lstrip("0") or "0"
        if len(digits) > 7:  # past Unicode, and int() refuses 4,300 digits
            return m[0]
        code = int(digits, 10 if m["decimal"] else 16)
        return chr(code) if code <= 0x10FFFF else m[0]

    if "&" not in value:
        return value
    for m in _ANY_REFERENCE.finditer(value):
        if not _REFERENCE.fullmatch(m[0]):
            raise BakingError(
                f"the SVG declares a namespace with the entity reference {m[0][:40]!r}, which XML readers resolve "
                "differently (or skip)"
            )
    return _REFERENCE.sub(decoded, value)


def _svg_credentials(text: str) -> tuple[list[tuple[str, str | None]], dict[str, set[str]], str | None]:
    """Each ``(prefix, json)`` credential element of ``text``, in document order (``json`` None for an element that
    is not one CDATA section: it is still an element, which a tool taking the first may read; prefix "" for an
    unprefixed one), the namespaces each prefix is bound to by some tag ("" the default namespace), and why the
    markup is no XML (its tags do not nest into one root, or something is not closed), or None."""
    found: list[tuple[str, str | None]] = []
    bound: dict[str, set[str]] = {}
    rooted = False  # whether the root element's tag has been read
    # The prefixes each open element binds, and how many open elements bind each: a prefixed credential element
    # outside every element binding its prefix is no XML (XML readers refuse the SVG). In well-formed XML the
    # tags nest, so this is XML's scope; in other markup it may refuse more, never read more.
    opened: list[set[str]] = []
    in_scope: dict[str, int] = {}
    ended = False  # whether the root element is closed
    broken: str | None = None  # the first reason the markup is no XML (that these readers see)
    at = 0
    while (lt := text.find("<", at)) >= 0:
        if text.startswith(_DOCTYPE, lt):
            end = _unquoted(text, lt + len(_DOCTYPE), _DOCTYPE_TEXT)
            if end < 0:
                broken = broken or "a DOCTYPE is not closed"
                break
            if text[end] == "[":
                raise BakingError(
                    "the SVG has a DOCTYPE with declarations (an internal subset): its entities could hold markup "
                    "that a baked credential's reader does not follow"
                )
            at = end + 1
            continue
        if text.startswith("<!", lt) or text.startswith(_PI, lt):
            for start, stop in ((_COMMENT, _COMMENT_END), (_CDATA, _CDATA_END), (_PI, _PI_END)):
                if text.startswith(start, lt):
                    close = text.find(stop, lt + len(start))
                    at = len(text) if close < 0 else close + len(stop)
                    if close < 0:
                        broken = broken or f"a {start}…{stop} is not closed"
                    break
            else:
                at = lt + 2  # another declaration (not XML outside a DOCTYPE): its text is read as markup
            continue
        gt = _unquoted(text, lt + 1, _TAG_TEXT)
        if gt < 0:
            broken = broken or f"the tag at offset {lt} is not closed"
            break
        at = gt + 1
        if text.find("<", lt + 1, gt) >= 0:  # XML has no "<" in a tag, nor in an attribute's value
            broken = broken or f"a '<' in the tag at offset {lt}"
        default = False  # whether this tag declares the default namespace
        own: set[str] = set()  # the prefixes this tag binds
        if text.find("xmlns", lt, gt) >= 0:
            for m in _DECLARATION.finditer(text, lt + 1, gt):
                value = m["double"] if m["double"] is not None else m["single"]
                if value is None:  # another attribute's value
                    continue
                bound.setdefault(m["prefix"] or "", set()).add(_namespace(value))
                default = default or not m["prefix"]
                own.add(m["prefix"] or "")
        if text.startswith("/", lt + 1):  # an end tag closes the innermost open element
            if not opened:
                broken = broken or f"the end tag at offset {lt} closes no element"
            for closed in opened.pop() if opened else ():
                in_scope[closed] -= 1
            ended = ended or not opened
        else:
            if ended:
                broken = broken or f"a second root element at offset {lt}"
            if text[gt - 1] != "/":  # a start tag opens one (an empty-element tag opens none)
                opened.append(own)
                for prefix in own:
                    in_scope[prefix] = in_scope.get(prefix, 0) + 1
            ended = not opened
        if not rooted:
            rooted = True
            if not default:  # an unprefixed element outside every xmlns="…" is in no namespace: "" is bound to ""
                bound.setdefault("", set()).add("")
        opening = _OPEN_TAG.fullmatch(text, lt + 1, gt) if text.find("credential", lt, gt) >= 0 else None
        if opening is None:
            continue
        prefix, json = opening["prefix"] or "", None
        if prefix and prefix not in own and not in_scope.get(prefix):
            raise BakingError(
                f"the SVG uses the prefix '{prefix}' of a credential element outside the elements that bind it "
                "(xmlns:" + prefix + "), which XML readers refuse"
            )
        cdata = _SPACE.match(text, gt + 1).end()  # type: ignore[union-attr]  # \s* always matches
        # An empty-element tag holds nothing (what follows is its parent's); either way it is an element.
        if text[gt - 1] != "/" and text.startswith(_CDATA, cdata):
            close = text.find(_CDATA_END, cdata + len(_CDATA))
            if close < 0:
                found.append((prefix, None))
                broken = broken or f"a {_CDATA}…{_CDATA_END} is not closed"
                break
            end_tag = f"</{prefix}:credential" if prefix else "</credential"
            after = _SPACE.match(text, close + len(_CDATA_END)).end()  # type: ignore[union-attr]
            if text.startswith(end_tag, after):
                after = _SPACE.match(text, after + len(end_tag)).end()  # type: ignore[union-attr]
                if text.startswith(">", after):
                    # XML reads CR LF and a lone CR as LF, in CDATA too
                    json = text[cdata + len(_CDATA) : close].replace("\r\n", "\n").replace("\r", "\n")
                    at = after + 1
                    for closed in opened.pop():  # its end tag is read: the element is closed
                        in_scope[closed] -= 1
                    ended = not opened
            # else the scan goes on after the opening tag, skipping the CDATA section whole
        found.append((prefix, json))
    if opened:
        broken = broken or "an element is not closed"
    return found, bound, broken


def _check_xml_text(text: str) -> None:
    """Refuse what XML tools decode otherwise than UTF-8 XML 1.0: a NUL (no XML character; "<" and NUL is UTF-16
    without a byte-order mark, whose characters can hide a second, UTF-8, SVG), another declared encoding or
    version."""
    if "\0" in text:
        raise BakingError(
            f"the SVG has a NUL character at offset {text.index(chr(0))}: not UTF-8 XML (UTF-16?), which XML "
            "readers and this one would read differently"
        )
    declaration = _XML_DECLARATION.match(text, 1 if text.startswith("\ufeff") else 0)
    for m in _PSEUDO_ATTRIBUTE.finditer(declaration[0] if declaration else ""):
        value = m[2] if m[2] is not None else m[3]
        if m[1] == "encoding" and value.lower() != "utf-8":
            raise BakingError(f"the SVG declares the encoding {value!r}; a baked SVG is read as UTF-8 only")
        if m[1] == "version" and value != "1.0":
            raise BakingError(f"the SVG declares the XML version {value!r}; a baked SVG is read as XML 1.0 only")


def _from_svg(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError("the SVG is not UTF-8 text") from None
    _check_xml_text(text)
    credentials, bound, broken = _svg_credentials(text)
    found = [(prefix, json) for prefix, json in credentials if OB3_NAMESPACE in bound.get(prefix, ())]
    if len(found) > 1:  # even if one holds no CDATA: another tool may read its text, or the other one
        raise BakingError("the SVG has more than one baked credential (credential element)")
    if found and found[0][1] is not None and bound[found[0][0]] != {OB3_NAMESPACE}:
        raise BakingError(
            "the SVG has no baked credential that can be told for sure: its credential element's "
            + (f"prefix '{found[0][0]}'" if found[0][0] else "default namespace")
            + " is bound to another namespace too, and which one it has depends on the element it is in"
        )
    if not found or found[0][1] is None:
        raise BakingError(
            f"the SVG has no baked credential (no credential element of the namespace {OB3_NAMESPACE} with the "
            "JSON in CDATA)"
        )
    if broken:  # XML readers refuse it whole: none finds this credential
        raise BakingError(f"the SVG is not well-formed XML ({broken}), which XML readers refuse")
    return found[0][1]
