"""Issuer SVGs, made inert before they are published.

Pages only ever show issuer images through ``<img>``, where SVG cannot run script. But the files are also
served from the site's own origin, where opening one directly would run any script in it with the
verification page's origin. So each SVG is reduced to drawing: no scripts, event handlers, foreign
content, animation, external references or DTDs. An SVG that cannot be parsed is not published.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

__all__ = ["sanitize_svg"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "symbol", "use", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "textPath", "linearGradient", "radialGradient", "stop", "clipPath",
    "mask", "pattern", "marker", "filter", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix",
    "feComposite", "feFlood", "feMerge", "feMergeNode", "feDropShadow", "metadata",
}  # fmt: skip
_REFERENCE_ATTRS = {"href", f"{{{XLINK_NS}}}href"}
_URL_FUNC = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)


def _local(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        ns, _, name = tag[1:].partition("}")
        return ns, name
    return None, tag


def _safe_value(value: str) -> bool:
    """Only same-document references (``#id``) may appear in url(...) values."""
    lowered = re.sub(r"\s+", "", value).lower()
    if "javascript:" in lowered or "data:" in lowered or "@import" in lowered:
        return False
    return all(target.startswith("#") or not target for target in _URL_FUNC.findall(value))


def _clean(element: ET.Element) -> bool:
    """Strip unsafe attributes and children in place; ``True`` if anything was removed."""
    changed = False
    for name in list(element.attrib):
        value = element.attrib[name]
        _, local = _local(name)
        unsafe = local.lower().startswith("on") or not _safe_value(value)
        if name in _REFERENCE_ATTRS and not value.strip().startswith("#"):
            unsafe = True
        if unsafe:
            del element.attrib[name]
            changed = True
    for child in list(element):
        ns, local = _local(child.tag) if isinstance(child.tag, str) else (None, "")
        if ns != SVG_NS or local not in _ELEMENTS:
            element.remove(child)
            changed = True
        elif _clean(child):
            changed = True
    return changed


def sanitize_svg(data: bytes) -> bytes | None:
    """The SVG itself when it is already inert, a cleaned copy when it was not, ``None`` when unusable."""
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        return None  # entities are how XML bombs and external fetches get in; drawings never need them
    try:
        root = ET.fromstring(data)  # noqa: S314 — no DTDs reach the parser (refused above)
    except ET.ParseError:
        return None
    if root.tag != f"{{{SVG_NS}}}svg":
        return None
    if not _clean(root):
        return data
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
