"""Issuer SVGs, reduced to drawing before they are published.

Pages only ever show issuer images through ``<img>``, where SVG cannot run script or fetch anything. But the
files are also served from the site's own origin, where opening one directly would run any script in it with
the verification page's origin, and let it call any server (a tracker, say) as it loads. So an SVG is rebuilt
from an allow-list: known drawing elements and attributes only, same-document references (``#id``) only, and
attribute values (``style`` included) that contain no CSS escape, no at-rule and no function other than colours,
transforms and ``url(#id)``. That rules out, as a class rather than by spelling: scripts, event handlers,
foreign content, animation, ``<image>``, external ``href``, ``url(…)``/``image-set(…)``/``src(…)`` to anything
but the drawing itself, ``@import``, style sheets, processing instructions (``xml-stylesheet``) and DTDs. An
SVG that cannot be parsed (or is not UTF-8, or nests absurdly deep, or multiplies itself through references
beyond :data:`MAX_DRAWN` shapes, or refers to itself in a cycle) is not published at all.

Names and keywords hold names and keywords: an ``id``, a filter ``result``, a ``class``, a ``font-family``, a
``lang`` or ``role`` holding a sentence is refused (:data:`_GRAMMARS`), and so is a presentation or geometry value
holding a word that is not one of its keywords (:data:`_KEYWORDS`; a browser ignores ``fill="recipients …"``).
What is published is also a function of the drawing alone (:func:`_canonical`): ids and filter results renamed
in document order, classes (which no style sheet selects) left out, white space between elements removed and runs
of it made one, attributes in one order. What the file chose but no reader sees does not ride out on the site.

Characters go only where the drawing shows them or names itself: in ``<text>`` and its parts, and in ``<title>``
and ``<desc>``. Anywhere else (inside a ``<g>``, between shapes, in ``<metadata>``) a browser draws nothing of
them, so they would be an SVG's text chunk: a recipients list or a key riding out on the site unseen. Such text
is removed, and named, like everything else the allow-list drops (white space, which lays the file out, stays).
"""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

__all__ = ["SvgResult", "inspect_svg", "result_problem", "sanitize_svg", "svg_problem", "unseen_content"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

#: Deeper than any drawing needs; bounds the recursion of parsing, cleaning and writing.
MAX_DEPTH = 64
#: Shapes and groups a browser draws for one image, references followed (a ``<use>`` draws what it names, a
#: marker is drawn on every vertex): a logo has hundreds. Nesting references multiplies them, ``10 ** 9`` from a
#: few hundred bytes (a "use bomb", which hangs a page showing it), so a drawing is refused beyond this.
MAX_DRAWN = 50_000

_ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "symbol", "use", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "clipPath",
    "mask", "pattern", "marker", "filter", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix",
    "feComposite", "feFlood", "feMerge", "feMergeNode", "feDropShadow", "metadata",
}  # fmt: skip

_ATTRIBUTES = {
    # structure and geometry
    "id", "class", "style", "viewBox", "preserveAspectRatio", "width", "height", "x", "y", "x1", "y1", "x2",
    "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points", "pathLength", "transform", "version",
    "baseProfile", "role", "focusable", "lang", "tabindex",
    # presentation
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity", "color",
    "display", "visibility", "overflow", "clip-path", "clip-rule", "mask", "filter", "marker-start",
    "marker-mid", "marker-end", "vector-effect", "shape-rendering", "text-rendering", "color-interpolation",
    "color-interpolation-filters", "paint-order", "mix-blend-mode", "isolation",
    # text
    "font-family", "font-size", "font-weight", "font-style", "font-variant", "font-stretch", "text-anchor",
    "dominant-baseline", "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing",
    "text-decoration", "writing-mode", "direction", "unicode-bidi", "dx", "dy", "rotate", "textLength",
    "lengthAdjust", "startOffset", "method", "spacing", "side",
    # gradients, patterns, clips, masks, markers
    "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod",
    "patternUnits", "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
    "maskContentUnits", "markerWidth", "markerHeight", "markerUnits", "refX", "refY", "orient",
    # filters
    "filterUnits", "primitiveUnits", "in", "in2", "result", "stdDeviation", "edgeMode", "mode", "operator",
    "k1", "k2", "k3", "k4", "type", "values", "flood-color", "flood-opacity", "lighting-color",
    # accessibility
    "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden",
}  # fmt: skip
#: Plain text, never read as CSS: checked by its own grammar (:data:`_GRAMMARS`), or, for an accessible label
#: (which a screen reader speaks, as the page shows a <title>), any value.
_TEXT = {"id", "class", "lang", "role", "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden"}
#: A name a drawing gives a part of itself (an id, a filter result, a class): short, and no sentence. Ids and
#: results are published renamed anyway (:func:`_canonical`); the grammar keeps a name a name.
_ID = r"[A-Za-z_][A-Za-z0-9_.:-]{0,63}"
#: A font family: a name of words (quoted or bare), at most four of them to fall back on.
_FAMILY = r"""(?:'[A-Za-z0-9 _-]{1,40}'|"[A-Za-z0-9 _-]{1,40}"|[A-Za-z][A-Za-z0-9 _-]{0,39})"""
#: What each attribute that holds a name, a list of names or a keyword may hold: values that are no sentence. Any
#: other text in them (a recipients list in a font-family, an id or a class) rode out on the site unseen.
_GRAMMARS = {
    name: re.compile(pattern + r"\Z")
    for names, pattern in (
        (("id", "result", "in", "in2"), _ID),
        (("class",), rf"{_ID}(?: {_ID}){{0,7}}"),
        (("aria-labelledby", "aria-describedby"), rf"{_ID}(?: {_ID}){{0,7}}"),
        (("lang", f"{{{XML_NS}}}lang"), r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8}){0,7}"),
        ((f"{{{XML_NS}}}space",), r"default|preserve"),
        (("role",), r"[a-z-]{1,32}(?: [a-z-]{1,32}){0,3}"),
        (("aria-hidden", "focusable"), r"true|false|auto"),
        (("tabindex",), r"-?[0-9]{1,4}"),
        (("font-family",), rf"{_FAMILY}(?: *, *{_FAMILY}){{0,3}}"),
    )
    for name in names
}
_NAMESPACED = {f"{{{XML_NS}}}space", f"{{{XML_NS}}}lang"}
_REFERENCES = {"href", f"{{{XLINK_NS}}}href"}

_FRAGMENT = re.compile(r"^#[A-Za-z_][A-Za-z0-9_.:-]*\Z")
_LOCAL_URL = re.compile(r"url\(\s*(['\"]?)#[A-Za-z_][A-Za-z0-9_.:-]*\1\s*\)", re.IGNORECASE)
_LOCAL_REF = re.compile(r"url\(\s*(['\"]?)#([A-Za-z_][A-Za-z0-9_.:-]*)\1\s*\)", re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_FUNCTION = re.compile(r"([A-Za-z0-9_-]+)\s*\(")
#: Functions a value may call once same-document ``url(#id)`` s are taken out: none of them fetches anything.
_FUNCTIONS = {"rgb", "rgba", "hsl", "hsla", "matrix", "translate", "scale", "rotate", "skewx", "skewy"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Elements whose characters the drawing shows (text) or that name and describe it (title, desc): text elsewhere
#: is drawn by no browser.
_TEXT_HOLDERS = {"text", "tspan", "textPath", "title", "desc"}
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]{0,40}\Z")


@dataclass(frozen=True, slots=True)
class SvgResult:
    data: bytes
    """The drawing, written out from what the allow-list kept (never the input bytes as they were)."""

    removed: tuple[str, ...]
    """What was taken out, in words: element and attribute names, never their content."""


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


def _named(name: str) -> str:
    """A name from the file, for a message: shown only when it is plainly a name."""
    return name if _NAME.match(name) else "an unnamed item"


#: Words a presentation or geometry value may hold besides numbers (with their units), ``#``-colours and
#: same-document ``url(#id)`` s: CSS's colour names and the keywords of the allowed attributes and properties. Any
#: other word (``fill="recipients ada example org"``, which a browser ignores) is text riding out on the site.
_COLOUR_NAMES = (
    "aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown burlywood "
    "cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod "
    "darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon "
    "darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray "
    "dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold goldenrod gray green "
    "greenyellow grey honeydew hotpink indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon "
    "lightblue lightcoral lightcyan lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon "
    "lightseagreen lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen "
    "magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue "
    "mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy "
    "oldlace olive olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise palevioletred "
    "papayawhip peachpuff peru pink plum powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon "
    "sandybrown seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen steelblue tan "
    "teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen transparent currentcolor"
)
_KEYWORDS = frozenset(
    (
        _COLOUR_NAMES + " none inherit initial unset revert auto normal bold bolder lighter italic oblique "
        "small-caps butt round square miter miter-clip arcs bevel evenodd nonzero userspaceonuse objectboundingbox "
        "strokewidth pad reflect repeat start middle end hidden visible collapse scroll inline block inline-block "
        "xminymin xmidymin xmaxymin xminymid xmidymid xmaxymid xminymax xmidymax xmaxymax meet slice "
        "auto-start-reverse alphabetic hanging ideographic mathematical central text-before-edge text-after-edge "
        "before-edge after-edge baseline sub super text-top text-bottom underline overline line-through lr rl tb "
        "lr-tb rl-tb tb-rl horizontal-tb vertical-rl vertical-lr ltr rtl embed bidi-override isolate plaintext "
        "isolate-override spacing spacingandglyphs align stretch left right wider narrower ultra-condensed "
        "extra-condensed condensed semi-condensed semi-expanded expanded extra-expanded ultra-expanded "
        "optimizespeed optimizequality optimizelegibility geometricprecision crispedges non-scaling-stroke "
        "non-scaling-size non-rotation fixed-position srgb linearrgb fill stroke markers multiply screen overlay "
        "darken lighten color-dodge color-burn hard-light soft-light difference exclusion hue saturation color "
        "luminosity saturate huerotate luminancetoalpha over in out atop xor arithmetic duplicate wrap exact "
        "sourcegraphic sourcealpha backgroundimage backgroundalpha fillpaint strokepaint true false preserve default "
        "full basic tiny small medium large x-small xx-small x-large xx-large smaller larger sans-serif serif "
        "monospace cursive fantasy system-ui pre pre-wrap pre-line nowrap uppercase lowercase capitalize "
        "default img presentation"
    ).split()
    + [name.lower() for name in _ATTRIBUTES]  # property names, in a style attribute
    + sorted(_FUNCTIONS)
    # CSS properties drawing tools write in a style attribute, and their keywords
    + [
        *("url", "white-space", "font", "text-transform", "line-height", "text-align", "font-variant-ligatures"),
        *("font-variant-caps", "font-variant-numeric", "font-variant-east-asian", "font-feature-settings"),
        *("font-kerning", "text-orientation", "text-indent", "center", "justify", "mixed", "upright", "sideways"),
    ]
)
_UNITS = r"(?:px|em|ex|pt|pc|cm|mm|in|deg|rad|grad|turn|rem|ch|vw|vh|vmin|vmax|ms|s|%)?"
_QUANTITY = re.compile(rf"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?{_UNITS}(?![A-Za-z])")
_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{3,8}(?![0-9A-Za-z])")
_WORD = re.compile(r"[A-Za-z_-][A-Za-z0-9_-]*")
_PATH = re.compile(r"[MmLlHhVvCcSsQqTtAaZz0-9eE.,+\- \t\n\r]*\Z")
_FONT_FAMILY = re.compile(r"\s*font-family\s*:\s*(.*?)\s*\Z", re.DOTALL)
#: Inkscape's name of the font it drew with ("sans-serif Bold"), beside the family: held to the family's grammar.
_FONT_SPECIFICATION = re.compile(r"\s*-inkscape-font-specification\s*:\s*(.*?)\s*\Z", re.DOTALL)


def _words_ok(local: str, value: str) -> bool:
    """Whether a presentation or geometry value holds only numbers, colours, same-document references and known
    keywords (a path: its commands and numbers; a style: known properties, each font family by its grammar). ASCII
    only: no keyword has another letter, and words of another script would pass as no word at all."""
    if not value.isascii():
        return False
    if local == "d":
        return bool(_PATH.match(value))
    if local == "style":
        for declaration in value.split(";"):
            family = _FONT_FAMILY.match(declaration) or _FONT_SPECIFICATION.match(declaration)
            if family is not None:
                if not _GRAMMARS["font-family"].match(_collapsed(family.group(1))):
                    return False
            elif not _words_ok("", declaration):
                return False
        return True
    rest = _QUANTITY.sub(" ", _HEX_COLOUR.sub(" ", _LOCAL_URL.sub(" ", value)))
    return all(word.lower() in _KEYWORDS for word in _WORD.findall(rest))


def _value_ok(value: str) -> bool:
    """No CSS escape (``u\\rl(``), at-rule (``@import``) or control character, and no function but harmless
    ones once same-document ``url(#id)`` s are removed: any other ``url(``, ``image-set(``, ``src(``… fails."""
    if "\\" in value or "@" in value or _CONTROL.search(value):
        return False
    rest = _LOCAL_URL.sub("", value)
    return all(m.group(1).lower() in _FUNCTIONS for m in _FUNCTION.finditer(rest))


def _clean(element: ET.Element, removed: list[str]) -> None:
    """Strip everything not allowed from ``element`` and below, in place, noting what went."""
    _, here = _local(element.tag)
    # Its own characters, and those after each child (a child's tail is this element's text), are shown only
    # in a text holder.
    if here not in _TEXT_HOLDERS:
        unseen = [element] if element.text and element.text.strip() else []
        unseen += [child for child in element if child.tail and child.tail.strip()]
        if unseen:
            removed.append(f"text in <{_named(here)}>, which the drawing does not show")
        if element.text and element.text.strip():
            element.text = None
        for child in unseen:
            if child is not element:
                child.tail = None
    for name in list(element.attrib):
        value = element.attrib[name]
        ns, local = _local(name)
        grammar = _GRAMMARS.get(name)
        if name in _REFERENCES:
            allowed = bool(_FRAGMENT.match(value.strip()))
        elif grammar is not None:
            allowed = bool(grammar.match(_collapsed(value)))
        else:
            known = name in _NAMESPACED or (ns is None and local in _ATTRIBUTES)
            allowed = known and (local in _TEXT or (_value_ok(value) and _words_ok(local, value)))
        if not allowed:
            del element.attrib[name]
            removed.append(f"{_named(local)} on <{_named(here)}>")
    for child in list(element):
        if _is_comment(child):  # shown by no viewer, published with the repository byte for byte
            element.remove(child)
            removed.append("a comment")
            continue
        ns, local = _local(child.tag) if isinstance(child.tag, str) else (None, "")
        if ns != SVG_NS or local not in _ELEMENTS:
            element.remove(child)
            removed.append(f"<{_named(local)}>")
        else:
            _clean(child, removed)


def _depth(root: ET.Element) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_DEPTH:
            stack.extend((child, depth + 1) for child in element)
    return deepest


class _TooMuch(Exception):
    """The drawing refers to itself in a cycle, or draws more than :data:`MAX_DRAWN` things."""


def _references(element: ET.Element) -> list[tuple[str, int]]:
    """(id, times drawn) of what ``element`` draws by reference: ``href="#id"`` once, ``url(#id)`` once, or on
    every vertex for a marker (counted as the coordinate pairs of its ``d`` or ``points``)."""
    found: list[tuple[str, int]] = []
    for name, value in element.attrib.items():
        if name in _REFERENCES:
            if _FRAGMENT.match(value.strip()):
                found.append((value.strip()[1:], 1))
            continue
        local = _local(name)[1]
        times = 1
        if local.startswith("marker") or (local == "style" and "marker" in value.lower()):
            geometry = element.get("d") or element.get("points") or ""
            times = len(_NUMBER.findall(geometry)) // 2 + 1
        found += [(m.group(2), times) for m in _LOCAL_REF.finditer(value)]
    return found


def _drawn(root: ET.Element) -> int:
    """How many elements a browser draws for ``root``, references followed; :class:`_TooMuch` beyond
    :data:`MAX_DRAWN` or on a reference cycle. Iterative: a chain of references may be long."""
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    counted: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[ET.Element, bool]] = [(root, False)]
    while stack:
        element, done = stack.pop()
        key = id(element)
        below = [*element, *(by_id[ref] for ref, _ in _references(element) if ref in by_id)]
        if not done:
            if key in counted:
                continue
            if key in on_path:
                raise _TooMuch
            on_path.add(key)
            stack.append((element, True))
            stack.extend((child, False) for child in below if id(child) not in counted)
            continue
        on_path.discard(key)
        total = 1 + sum(counted[id(child)] for child in element)
        total += sum(times * counted[id(by_id[ref])] for ref, times in _references(element) if ref in by_id)
        if total > MAX_DRAWN:
            raise _TooMuch
        counted[key] = total
    return counted[id(root)]


def _collapsed(value: str) -> str:
    """An attribute value with its runs of XML white space made one space, as every reader of it takes them."""
    return " ".join(re.split(r"[ \t\n\r]+", value.strip(" \t\n\r")))


#: What a filter primitive's ``in`` may name besides a result of its own filter.
_FILTER_INPUTS = {"SourceGraphic", "SourceAlpha", "BackgroundImage", "BackgroundAlpha", "FillPaint", "StrokePaint"}


def _canonical(root: ET.Element) -> None:
    """Make what the check kept a function of the drawing alone, in place: what the file chose that no reader
    sees does not ride out on the site. Ids become ``i1``, ``i2``… in document order and filter results ``r1``…
    within their filter (every reference follows; one to nothing points at ``i0``/``r0``, which is nothing
    still); ``class`` goes (no style sheet reaches a published SVG, so it selects nothing); white space between
    elements goes and runs of it in attribute values become one space (the page draws neither); attributes are
    written in one order."""
    ids: dict[str, str] = {}
    own: dict[int, str] = {}  # each element's new id: a repeated id names the first element that has it (as a
    # browser takes it); later ones get names of their own, which nothing refers to
    repeated = [element for element in root.iter() if element.get("id") is not None]
    for element in repeated:
        name = element.get("id", "")
        if name not in ids:
            ids[name] = own[id(element)] = f"i{len(ids) + 1}"
    for element in repeated:
        if id(element) not in own:
            own[id(element)] = f"i{len(ids) + 1 + len(own) - len(ids)}"
    # Runs of white space inside text are drawn as one space, unless the drawing asks for them kept.
    collapse = not any(
        element.get(f"{{{XML_NS}}}space") == "preserve" or "white-space" in element.get("style", "")
        for element in root.iter()
    )

    def renamed(match: re.Match[str]) -> str:
        return f"url(#{ids.get(match.group(2), 'i0')})"

    for element in root.iter():
        _, here = _local(element.tag)
        if here == "filter":
            results: dict[str, str] = {}
            primitives = list(element.iter())[1:]  # a merge's nodes too
            for primitive in primitives:
                made = primitive.get("result")
                if made is not None:
                    results.setdefault(made, f"r{len(results) + 1}")
            for primitive in primitives:
                for key in ("in", "in2", "result"):
                    value = primitive.get(key)
                    if value is not None and value not in _FILTER_INPUTS:
                        primitive.set(key, results.get(value, "r0"))
        if here not in _TEXT_HOLDERS:
            element.text = None
            for child in element:
                child.tail = None
        elif collapse:
            element.text = element.text and re.sub(r"[ \t\n\r]+", " ", element.text)
            for child in element:
                child.tail = child.tail and re.sub(r"[ \t\n\r]+", " ", child.tail)
        attributes = {}
        for key, value in element.attrib.items():
            local = _local(key)[1]
            value = _collapsed(value)
            if key == "class":
                continue
            if key == "id":
                value = own[id(element)]
            elif key in _REFERENCES:
                value = f"#{ids.get(value.removeprefix('#'), 'i0')}"
            elif local in ("aria-labelledby", "aria-describedby"):
                value = " ".join(ids.get(name, "i0") for name in value.split(" "))
            elif "url(" in value.lower():
                value = _LOCAL_REF.sub(renamed, value)
            attributes[key] = value
        element.attrib.clear()
        element.attrib.update(sorted(attributes.items()))


def inspect_svg(data: bytes) -> SvgResult | None:
    """The drawing rebuilt from the allow-list and what was removed; ``None`` when it is not a usable SVG."""
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError:
        return None
    lowered = text.lower()
    if "\0" in text or "<!doctype" in lowered or "<!entity" in lowered:
        return None  # entities are how XML bombs and external fetches get in; drawings never need them
    removed: list[str] = []
    # Processing instructions (an xml-stylesheet fetches a style sheet) are dropped by the parser; say so.
    declaration = re.match(r"\s*<\?xml\s", text)
    if text.count("<?") > (1 if declaration else 0):
        removed.append("processing instructions")
    root = _parsed(text)
    if root is None or root.tag != f"{{{SVG_NS}}}svg" or _depth(root) > MAX_DEPTH:
        return None
    if _outside_root(text):
        removed.append("a comment")
    _clean(root, removed)
    try:
        _drawn(root)
    except _TooMuch:
        return None
    _canonical(root)
    return SvgResult(bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True)), tuple(removed))


def _parsed(text: str) -> ET.Element | None:
    """The element tree of ``text``, its comments kept (as elements whose tag is :data:`ET.Comment`: named and
    removed, as everything else no viewer shows)."""
    # The encoding is forced, so the parser reads exactly the characters given (no UTF-16 detour).
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True), encoding="utf-8")  # noqa: S314 - see callers
    try:
        parser.feed(text.encode("utf-8"))
        return parser.close()
    except (ET.ParseError, RecursionError):
        return None


def _outside_root(text: str, *, editors: bool = False) -> bool:
    """Whether ``text`` holds a comment before or after its root element (the tree builder keeps none there);
    with ``editors``, one that is no editor's own (:data:`_EDITOR_COMMENT`)."""
    start, end = text.find("<svg"), text.rfind("</svg>")
    outside = text[: max(start, 0)] + (text[end:] if end >= 0 else "")
    if not editors:
        return "<!--" in outside
    return any(_EDITOR_COMMENT.fullmatch(said) is None for said in re.findall(r"<!--(.*?)(?:-->|\Z)", outside, re.S))


#: What an editor writes in every file it saves, word for word, nothing free in it (a version's digits): its
#: comment (Inkscape's creator line, Illustrator's generator line), and Inkscape 0.92's <metadata> of a format and
#: a type with an empty title (:func:`_editors_metadata`). Anything more is refused as any comment is.
_EDITOR_COMMENT = re.compile(
    r" Created with Inkscape \(http://www\.inkscape\.org/\) "
    r"| Generator: Adobe Illustrator [0-9.]{1,12}, SVG Export Plug-In \. "
    r"SVG Version: [0-9.]{1,8} Build [0-9]{1,6}\)\s{0,4}"
)
_RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_EDITORS_METADATA: dict[tuple[str | None, str], dict[str, str]] = {
    ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "RDF"): {},
    ("http://creativecommons.org/ns#", "Work"): {f"{{{_RDF_NS}}}about": ""},
    ("http://purl.org/dc/elements/1.1/", "format"): {},
    ("http://purl.org/dc/elements/1.1/", "type"): {f"{{{_RDF_NS}}}resource": "http://purl.org/dc/dcmitype/StillImage"},
    ("http://purl.org/dc/elements/1.1/", "title"): {},
}


def _editors_metadata(metadata: ET.Element) -> bool:
    """Whether ``metadata`` is Inkscape's own (:data:`_EDITOR_COMMENT`): its elements, their attributes exactly,
    and no text but the format's ``image/svg+xml``."""
    if set(metadata.attrib) - {"id"} or (metadata.text or "").strip():
        return False
    for element in metadata.iter():
        if element is metadata:
            continue
        expected = _EDITORS_METADATA.get(_local(element.tag) if isinstance(element.tag, str) else (None, ""))
        if expected is None or element.attrib != expected or (element.tail or "").strip():
            return False
        said = (element.text or "").strip()
        if said and (said != "image/svg+xml" or _local(element.tag)[1] != "format"):
            return False
    return True


def _is_comment(element: ET.Element) -> bool:
    return element.tag is ET.Comment  # type: ignore[comparison-overlap]  # typeshed types a tag as a string


#: Where an SVG in the repository starts to say so: its root element within the first bytes (past a declaration,
#: comments, a DOCTYPE). A file not starting so is not parsed at all: the full check reads every file.
_SVG_HEAD = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<(?:\?xml|!--|!DOCTYPE|svg)", re.IGNORECASE)


def unseen_content(data: bytes) -> str | None:
    """What an SVG file anywhere in the repository (by its bytes: any name) holds that no viewer shows, in words:
    a comment, ``<metadata>`` or any text outside ``<text>``, ``<title>`` and ``<desc>`` (the issuer images' rule:
    :func:`_clean`), or an entity declaration (text substituted where the reader cannot see it). ``None`` when it
    holds its drawing and shown text only, or is no SVG. Scripts, styles and the rest of the issuer images'
    allow-list are not asked of a document's diagram (a script's or a style sheet's text is code, searched as any
    file's text is): only what could carry a name unseen."""
    if _SVG_HEAD.match(data) is None or b"<svg" not in data:
        return None
    try:
        text = data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError:
        return None
    lowered = text.lower()
    if "<!entity" in lowered:
        return "an entity declaration (text the drawing substitutes unseen)"
    if "<!doctype" in lowered:  # a DOCTYPE with no entities (old exporters write SVG 1.1's): the parser can't read it
        text = re.sub(r"<!DOCTYPE[^>\[]*>", "", text, count=1, flags=re.IGNORECASE)
    root = _parsed(text)
    if root is None or _local(root.tag if isinstance(root.tag, str) else "") != (SVG_NS, "svg"):
        return None
    if _outside_root(text, editors=True):
        return "a comment"
    if root.get("content", "").strip():  # no SVG attribute: draw.io's copy of the diagram, deflated by default
        return (
            "an editor's copy of the diagram in its root's content attribute (draw.io: export again with "
            "'Include a copy of my diagram' unticked)"
        )
    stack: list[tuple[ET.Element, bool]] = [(root, False)]  # an element, and whether it is in shown text
    while stack:
        element, in_text = stack.pop()
        if _is_comment(element):
            if _EDITOR_COMMENT.fullmatch(element.text or "") is None:
                return "a comment"
            continue
        ns, local = _local(element.tag) if isinstance(element.tag, str) else (None, "")
        if local == "metadata":
            if (len(element) or (element.text or "").strip()) and not _editors_metadata(element):
                return "metadata (<metadata>)"
            continue
        if ns == SVG_NS and local in ("foreignObject", "script", "style"):
            continue  # its HTML is drawn, as a page's text is; a script or style sheet is code, read as such
        shown = in_text or (ns == SVG_NS and local in _TEXT_HOLDERS)
        if not shown and ((element.text or "").strip() or any((child.tail or "").strip() for child in element)):
            return f"text in <{_named(local)}>, which the drawing does not show"
        stack += [(child, shown) for child in element]
    return None


def sanitize_svg(data: bytes) -> bytes | None:
    """What the site publishes for this SVG: the drawing rebuilt from the allow-list; ``None`` when unusable."""
    result = inspect_svg(data)
    return None if result is None else result.data


def svg_problem(data: bytes) -> str | None:
    """Why an SVG cannot be published as it is (``None`` when it can). The build strips what is not allowed
    anyway; the issuer must still learn that the file carries it, and the check refuses it."""
    return result_problem(inspect_svg(data))


def result_problem(result: SvgResult | None) -> str | None:
    """:func:`svg_problem` of an SVG already inspected."""
    if result is None:
        return (
            "not an SVG the site can publish (it must be UTF-8, parse, have an <svg> root and no DTD or entities, "
            f"and draw at most {MAX_DRAWN:,} shapes once its references are followed, without a reference cycle)"
        )
    if result.removed:
        shown = ", ".join(dict.fromkeys(result.removed[:8]))
        more = f" and {len(result.removed) - 8} more" if len(result.removed) > 8 else ""
        return (
            f"contains scripts, event handlers, foreign content, styles, external references, text outside its "
            f"drawing, names that are no names (an id, class, font-family, language or role holding other text) "
            f"or values holding words no reader knows, that the site does not publish ({shown}{more}): remove them"
        )
    return None
