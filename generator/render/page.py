"""What a generated page is, independent of the site generator that lays it out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["PageSpec"]


@dataclass(frozen=True, slots=True)
class PageSpec:
    """A page: where it lives, its metadata, and how to render its main content (called once, when needed)."""

    path: str
    """Site path: ``""`` for home, otherwise ending in ``/`` (``credentials/<issuer>/<slug>/``)."""

    title: str
    description: str
    """Plain text for ``<meta name=description>`` and link previews."""

    body: Callable[[], str]
    """The main content as trusted HTML: built by :mod:`generator.render` with every registry value escaped."""

    image: str | None = None
    """Absolute URL of an image for link previews."""

    og_type: str = "website"
    scripts: tuple[str, ...] = ()
    """Site paths of JavaScript modules this page loads."""

    wide: bool = True
    """Hide the navigation and table-of-contents sidebars (generated pages lay out their own content)."""

    heading: bool = True
    """The body carries the page's ``<h1>``; when it does not, the theme adds one with the title."""

    @property
    def src_uri(self) -> str:
        return f"{self.path}index.md"
