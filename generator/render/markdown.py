"""Issuer-written Markdown to HTML that cannot carry markup of its own.

Two independent layers: markdown-it renders CommonMark with raw HTML disabled (``<script>`` in the source stays
text), then nh3 keeps only an allow-list of tags and attributes, only http/https/mailto links (relative ones
are dropped: issuer text cannot point into the site), and marks every link ``nofollow noopener``. Headings are
shifted down two levels so issuer text never competes with the page's own outline. Images are dropped: issuer
text must not make visitors' browsers fetch third-party content.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

__all__ = ["render_markdown", "sanitize_html"]

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


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.enable("strikethrough")
    return md


def _render(md: MarkdownIt, src: str) -> str:
    tokens = md.parse(src)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
        for child in token.children or ():
            if child.type == "image":  # keep the words, not the fetch
                child.type, child.tag, child.attrs, child.children = "text", "", {}, None
    return str(md.renderer.render(tokens, md.options, {}))


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed markup of an HTML fragment."""
    return str(_cleaner.clean(html))


@lru_cache(maxsize=8192)
def render_markdown(text: str) -> str:
    """Safe HTML for issuer-written Markdown. Remembered: many credentials share a text (a framework's skill
    description, an assessment method's wording)."""
    return sanitize_html(_render(_parser(), text))
