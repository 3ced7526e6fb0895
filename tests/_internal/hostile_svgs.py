"""Hostile SVGs, each of which makes a browser fetch ``{tracker}`` (or run script) when opened on its own.

``{tracker}`` is replaced by a URL the test serves; every entry is one way in, not one spelling of it.
"""

from __future__ import annotations

HOSTILE: dict[str, str] = {
    "css-escape-url": '<rect width="9" height="9" style="fill: u\\rl({tracker}a)"/>',
    "css-hex-escape-url": '<rect width="9" height="9" style="fill: \\75rl({tracker}b)"/>',
    "css-escape-in-attribute": '<rect width="9" height="9" fill="u\\72l({tracker}c)"/>',
    "image-set": '<rect width="9" height="9" style="cursor: image-set(url({tracker}d) 1x), auto"/>',
    "webkit-image-set": "<svg style=\"background-image: -webkit-image-set('{tracker}e' 1x)\"/>",
    "filter-url": '<rect width="9" height="9" filter="url({tracker}f#x)"/>',
    "mask-url": '<rect width="9" height="9" style="mask: url({tracker}g#m)"/>',
    "cursor-url": '<rect width="9" height="9" style="cursor: url({tracker}h), auto"/>',
    "style-element-import": "<style>@import url({tracker}i);</style>",
    "style-element-background": "<style>rect {{ fill: url({tracker}j#p) }}</style><rect width='9' height='9'/>",
    "image-element": '<image href="{tracker}k" width="9" height="9"/>',
    "xlink-image": '<image xlink:href="{tracker}l" width="9" height="9"/>',
    "use-external": '<use href="{tracker}m#x"/>',
    "fe-image": '<filter id="f"><feImage href="{tracker}n"/></filter><rect filter="url(#f)" width="9" height="9"/>',
    "foreign-object": '<foreignObject width="9" height="9"><img xmlns="http://www.w3.org/1999/xhtml" '
    'src="{tracker}o"/></foreignObject>',
    "script": "<script>fetch('{tracker}p')</script>",
    "event-handler": "<rect width='9' height='9' onload=\"fetch('{tracker}q')\"/><g onclick='fetch(1)'/>",
    "animate-href": '<a><set attributeName="href" to="{tracker}r"/></a>'
    '<image width="9" height="9"><animate attributeName="href" values="{tracker}s"/></image>',
    "css-comment-in-url": '<rect width="9" height="9" style="fill: url(/**/{tracker}t)"/>',
    "font-face": "<style>@font-face {{ font-family: x; src: url({tracker}u) }}</style><text font-family='x'>a</text>",
    "custom-property": '<rect width="9" height="9" style="--p: url({tracker}v); fill: var(--p)"/>',
    "xml-base": '<g xml:base="{tracker}"><use href="w#x"/></g>',
}

#: Processing instructions live outside the root element.
STYLESHEET_PI = '<?xml-stylesheet type="text/css" href="{tracker}pi.css"?>'


def document(body: str, tracker: str, *, prolog: str = "") -> bytes:
    namespaces = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
    return (
        f"{prolog.format(tracker=tracker)}<svg {namespaces} "
        f'width="32" height="32" viewBox="0 0 32 32"><circle cx="16" cy="16" r="8" fill="url(#g)"/>'
        f'<defs><linearGradient id="g"><stop offset="0" stop-color="rgb(10, 20, 30)"/></linearGradient></defs>'
        f"{body.format(tracker=tracker)}</svg>"
    ).encode()
