"""Framed layout (:mod:`generator.site.frames`) writes the very bytes mkdocs writes when it lays out every page
itself: the example registry and the hostile fixture, built both ways, every file compared."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.publish.build import build_site
from generator.render.page import PageSpec
from generator.site.frames import Frame, frame_key
from tests.conftest import FIXTURES, REPO, make_registry

NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def _files(site: Path) -> dict[str, bytes]:
    # Pagefind's index is built from the search records, not from the pages: not what frames change.
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and not p.is_relative_to(site / "pagefind")
    }


@pytest.mark.parametrize("registry", ["example", "hostile"])
def test_framed_pages_are_the_pages_mkdocs_writes(tmp_path: Path, registry: str) -> None:
    root = REPO if registry == "example" else make_registry(tmp_path / "registry", FIXTURES / "hostile")
    framed = build_site(root, tmp_path / "framed", now=NOW)
    plain = build_site(root, tmp_path / "plain", now=NOW, frames=False)
    assert framed.pages == plain.pages
    got, want = _files(framed.out), _files(plain.out)
    assert sorted(got) == sorted(want)  # no frame page left behind, no page missing
    different = [name for name in want if got[name] != want[name]]
    assert different == []
    pages = [name for name in want if name.endswith("index.html")]
    assert len(pages) > (40 if registry == "example" else 5)
    assert not any("credregframeslot" in name for name in got)
    assert all(b"credregframeslot" not in got[name] for name in pages)


def test_page_text_that_looks_like_a_slot_stays_text() -> None:
    page = PageSpec(
        "credentials/a/b/",
        "credregframeslottitle <b>",
        "credregframeslotcontent",
        lambda: "<h1>x</h1><p>credregframeslotdescription credentials/credregframeslotpath0/x/</p>",
    )
    frame = Frame(frame_key(page), 0, [page])
    layout = (
        f'<title>{frame.spec().title}</title><meta content="{frame.spec().description}">'
        f'<link href="https://r.example/{frame.path}"><main>{frame.content}</main>'
    )
    frame.set_layout(layout)
    html = frame.render(page)
    assert html == (
        '<title>credregframeslottitle &lt;b&gt;</title><meta content="credregframeslotcontent">'
        '<link href="https://r.example/credentials/a/b/">'
        "<main><h1>x</h1><p>credregframeslotdescription credentials/credregframeslotpath0/x/</p></main>"
    )
