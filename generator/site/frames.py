"""Page frames: the theme lays out one page per kind of generated page; every page of that kind is filled in.

Material renders each page through ~40 Jinja templates (header, tabs, navigation, footer): about 2 ms a page,
the largest part of a 5,000-credential build. Generated pages of one kind differ only in their title,
description, link-preview image, canonical URL and content; everything else the theme writes depends on the
page's top folder and depth (relative links) and its kind (scripts, layout). So the plugin adds one *frame*
page per kind, with slot tokens for those values, lets mkdocs lay it out like any other page, and fills the
result in once per page.

The values are escaped exactly as the templates escape them (:func:`markupsafe.escape`, as ``main.html`` and
:class:`~generator.site.plugin.GeneratedPage` do), so a filled page is byte for byte the page mkdocs would have
written; ``tests/site/test_frames.py`` builds the example and the hostile registries both ways and compares
every file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from markupsafe import escape

from generator._internal.files import write_staged
from generator._internal.jobs import default_jobs, fork_context
from generator.render.page import PageSpec

__all__ = ["Frame", "FrameKey", "canonical_url", "frame_key", "frameable", "write_pages"]

#: Lowercase letters only: unchanged by HTML escaping, URL quoting and every filter the templates apply.
MARK = "credregframeslot"
_SLOTS = ("title", "description", "image", "content")
#: Framed pages: inside a top-level folder, on paths the templates may print unescaped (canonical URL).
_SAFE_PATH = re.compile(r"^(?:[a-z0-9][a-z0-9_.-]*/){2,}\Z")


@dataclass(frozen=True, slots=True)
class FrameKey:
    """What decides a generated page's layout besides its own values."""

    folder: str
    """The page's top-level folder (``credentials/``)."""

    depth: int
    """Folders deep. The theme links only to the navigation's pages and its own assets, none of them inside a
    top-level folder's subfolders, so pages of one folder and depth get the same relative links."""
    og_type: str
    scripts: tuple[str, ...]
    wide: bool
    has_title: bool
    has_description: bool
    has_image: bool
    heading: bool


def frame_key(spec: PageSpec) -> FrameKey:
    return FrameKey(
        folder=spec.path.split("/", 1)[0] + "/",
        depth=spec.path.count("/"),
        og_type=spec.og_type,
        scripts=spec.scripts,
        wide=spec.wide,
        has_title=bool(spec.title),
        has_description=bool(spec.description),
        has_image=bool(spec.image),
        heading=spec.heading,
    )


def canonical_url(site_url: str, path: str) -> str:
    """A page's canonical URL, as mkdocs computes it."""
    return urljoin(site_url if site_url.endswith("/") else site_url + "/", path)


def frameable(spec: PageSpec) -> bool:
    return bool(_SAFE_PATH.match(spec.path))


@dataclass(slots=True)
class Frame:
    """One kind of generated page: the frame page mkdocs lays out, and the pages to fill into it."""

    key: FrameKey
    number: int
    pages: list[PageSpec] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    """The laid-out frame page between its slots."""
    names: list[str] = field(default_factory=list)
    """What goes into each slot."""

    @property
    def path(self) -> str:
        """The frame page's own site path: in its pages' folder, as deep as they are, and no page's path."""
        return self.key.folder + f"{MARK}path{self.number}/" + "x/" * (self.key.depth - 2)

    @property
    def content(self) -> str:
        """The frame page's body. With an ``<h1>`` in it when the pages have theirs: the theme adds one to a
        body without (Material's ``partials/content.html``)."""
        return f"<h1>{MARK}content</h1>" if self.key.heading else f"{MARK}content"

    def spec(self) -> PageSpec:
        """The frame page: slot tokens wherever a page's own values go."""
        key = self.key
        content = self.content
        return PageSpec(
            self.path,
            f"{MARK}title" if key.has_title else "",
            f"{MARK}description" if key.has_description else "",
            lambda: content,
            image=f"{MARK}image" if key.has_image else None,
            og_type=key.og_type,
            scripts=key.scripts,
            wide=key.wide,
            heading=key.heading,
        )

    def set_layout(self, layout: str) -> None:
        """Take the frame page as the theme rendered it, cut at its slots."""
        tokens = {self.path: "path", self.content: "content"}
        tokens.update((MARK + name, name) for name in _SLOTS if name != "content")
        slot = re.compile("|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)))
        self.pieces, self.names = [], []
        last = 0
        for match in slot.finditer(layout):
            self.pieces.append(layout[last : match.start()])
            self.names.append(tokens[match.group()])
            last = match.end()
        self.pieces.append(layout[last:])

    def render(self, page: PageSpec) -> str:
        """The page's HTML: the layout with the page's own values in its slots (inserted, never re-read)."""
        if not self.pieces:
            raise RuntimeError(f"frame {self.path} has not been laid out")
        content = page.body()
        if ("\u003ch1" in content) != self.key.heading:
            raise ValueError(f"{page.path}: the page's heading= does not say whether its body has an <h1>")
        values = {
            "path": page.path,
            "title": str(escape(page.title)),
            "description": str(escape(page.description)),
            "image": str(escape(page.image or "")),
            "content": content,
        }
        out = [self.pieces[0]]
        for name, piece in zip(self.names, self.pieces[1:], strict=True):
            out += (values[name], piece)
        return "".join(out)


#: Below this many framed pages, all are written in the building process.
PARALLEL_PAGES = 400
_STATE: dict[str, Any] = {}


def write_pages(frames: Iterable[Frame], site_dir: Path, *, jobs: int | None = None) -> int:
    """Render and write every framed page into ``site_dir``; returns how many. Rendering is most of a large
    build's remaining time and pages are independent, so a large site is shared with forked workers (they
    inherit the model; nothing is pickled but the share's number)."""
    tasks = [(frame, page) for frame in frames for page in frame.pages]
    jobs = min(jobs or default_jobs(), max(1, len(tasks) // (PARALLEL_PAGES // 2)))
    _STATE.update(tasks=tasks, site_dir=site_dir)
    try:
        if jobs <= 1:
            return _write_share(0, 1)
        with fork_context().Pool(jobs - 1) as pool:
            shares = [pool.apply_async(_write_share, (share, jobs)) for share in range(1, jobs)]
            written = _write_share(0, jobs)
            return written + sum(share.get() for share in shares)
    finally:
        _STATE.clear()


def _write_share(share: int, shares: int) -> int:
    tasks: list[tuple[Frame, PageSpec]] = _STATE["tasks"]
    site_dir: Path = _STATE["site_dir"]
    for frame, page in tasks[share::shares]:
        # Encoded as mkdocs encodes the pages it writes.
        write_staged(
            site_dir / page.path / "index.html", frame.render(page).encode("utf-8", errors="xmlcharrefreplace")
        )
    return len(tasks[share::shares])
