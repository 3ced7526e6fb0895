"""Building HTML from registry data. Every value passes through :func:`esc`; every link an issuer wrote
through :func:`external_href`, which only lets http, https and mailto URLs become links."""

from __future__ import annotations

import posixpath
from html import escape
from urllib.parse import quote

from generator._internal.text import first_unseen
from generator.render.markdown import link_words

__all__ = ["esc", "external_href", "external_link", "mailto_href", "relative"]

_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_UNSAFE_IN_URL = frozenset("\x00\t\n\r <>\"'`\\")


def esc(value: object) -> str:
    """Text for element content or a quoted attribute value."""
    return escape(str(value), quote=True)


def external_href(url: str) -> str | None:
    """``url`` if it is safe to link to (http, https or mailto, nothing that could break out of an attribute),
    else ``None``. The models already constrain URLs; this is the page's own guard."""
    if not url.lower().startswith(_SAFE_SCHEMES) or any(c in _UNSAFE_IN_URL for c in url):
        return None
    if first_unseen(url) is not None:  # a control, bidi or unseen character: the models' rule (plain_url)
        return None
    return url


def mailto_href(address: str) -> str:
    """A mailto link to the one ``address`` (a model's email). Its local part may hold what a mailto URL reads as its
    own (RFC 6068: ``?`` starts fields, ``#`` a fragment, ``%`` an escape, ``&``, ``=``, ``/``): each is
    percent-encoded, or ``help?bcc=spy@acme.example`` would write to "help" and, blind, to spy@acme.example."""
    return "mailto:" + quote(address, safe="@!$'*+-._~")


def external_link(url: str | None, text: str, *, cls: str | None = None) -> str:
    """A link out of the site, or the bare text when the URL is missing or unsafe. Words that read as another
    address than ``url`` show ``url`` instead, by the rule of issuer Markdown's links
    (:func:`generator.render.markdown.link_words`): "iso.org" over a link to another server is an issuer's phish."""
    href = external_href(url) if url else None
    if href is None:
        return esc(text)
    klass = f' class="{esc(cls)}"' if cls else ""
    return f'<a href="{esc(href)}" rel="nofollow noopener"{klass}>{esc(link_words(href, text))}</a>'


def _relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` for two site paths, without its two ``getcwd`` calls (a build makes ~60,000 links:
    seconds of system calls). Paths that would need the working folder (absolute, or above the site root) go to
    ``posixpath.relpath`` itself; ``tests/render`` holds the two equal on generated paths."""
    path, start = posixpath.normpath(path), posixpath.normpath(start)
    if path.startswith(("/", "..")) or start.startswith(("/", "..")):
        return posixpath.relpath(path, start)
    to = [part for part in path.split("/") if part and part != "."]
    at = [part for part in start.split("/") if part and part != "."]
    common = 0
    for a, b in zip(to, at, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(at) - common) + to[common:]) or "."


def relative(here: str, target: str) -> str:
    """The link from the page at site path ``here`` (``""`` is the home page, pages end in ``/``) to the site
    path ``target`` (which may carry ``?query`` or ``#fragment``). Links stay relative so the site works from
    any origin and any sub-path."""
    cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
    path, tail = target[:cut], target[cut:]
    base = here if here.endswith("/") or not here else posixpath.dirname(here) + "/"
    rel = _relpath(path or ".", base.rstrip("/") or ".")
    if rel == ".":
        rel = "./"
    elif path.endswith("/") or not path:
        rel += "/"
    return rel + tail
