"""The SVG allow-list: every way an SVG can reach outside itself is refused by the check and removed by the
sanitizer; drawings (gradients, same-document references, transforms, colours) pass unchanged in meaning."""

from __future__ import annotations

import pytest

from generator._internal.svg import inspect_svg, sanitize_svg, svg_problem
from tests._internal.hostile_svgs import HOSTILE, STYLESHEET_PI, document

TRACKER = "http://tracker.example/"
CASES = {**{name: (body, "") for name, body in HOSTILE.items()}, "stylesheet-pi": ("", STYLESHEET_PI)}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_external_reference_is_refused_and_removed(case: str) -> None:
    body, prolog = CASES[case]
    data = document(body, TRACKER, prolog=prolog)
    problem = svg_problem(data)
    assert problem is not None
    assert "remove them" in problem
    assert "tracker" not in problem  # names only, never the file's content
    cleaned = sanitize_svg(data)
    assert cleaned is not None
    assert b"tracker" not in cleaned
    assert svg_problem(cleaned) is None  # what is published passes the check itself
    assert b"<circle" in cleaned  # the drawing survives, in the default namespace


@pytest.mark.parametrize(
    "data",
    [
        b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg"/>'.encode(
            "utf-16"
        ),
        b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 200 + b"</g>" * 200 + b"</svg>",
        b"<html/>",
        b"\x89PNG\r\n\x1a\n",
    ],
    ids=["entities", "utf-16-doctype", "deep", "not-svg", "binary"],
)
def test_unusable_svgs_are_not_published(data: bytes) -> None:
    assert inspect_svg(data) is None
    assert svg_problem(data) is not None


def test_a_plain_drawing_passes() -> None:
    data = document(
        '<g transform="translate(1 2) rotate(45)" style="fill: hsl(10, 50%, 50%); stroke: #000">'
        '<use href="#g"/><text aria-label="Badge (gold) @ 2025" font-family="\'Inter\', sans-serif">A</text></g>',
        TRACKER,
    )
    assert svg_problem(data) is None


def test_the_example_registry_images_pass() -> None:
    from tests.conftest import REPO

    for path in sorted((REPO / "registry").rglob("*.svg")):
        assert svg_problem(path.read_bytes()) is None, path


def _use_bomb(levels: int, fan_out: int = 10, *, via: str = "use") -> bytes:
    """Each level draws the one below ``fan_out`` times: ``fan_out ** levels`` shapes from a few hundred bytes.
    ``via``: how a level refers to the one below (``use``, or a marker on every vertex of a path)."""
    parts = ['<path id="l0" d="M0 0 L10 10 L0 10 Z"/>']
    for i in range(1, levels + 1):
        if via == "use":
            parts.append(f'<g id="l{i}">' + "".join(f'<use href="#l{i - 1}"/>' for _ in range(fan_out)) + "</g>")
        else:
            points = " ".join(f"{n} {n}" for n in range(fan_out))
            parts.append(
                f'<marker id="l{i}"><polyline points="{points}" marker-mid="url(#l{i - 1})"/></marker>'
                if i > 1
                else f'<marker id="l{i}"><use href="#l0"/></marker>'
            )
    top = (
        f'<use href="#l{levels}"/>'
        if via == "use"
        else f'<polyline points="0 0 1 1 2 2" marker-mid="url(#l{levels})"/>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs>{"".join(parts)}</defs>{top}</svg>'.encode()
    )


@pytest.mark.parametrize("via", ["use", "marker"])
def test_a_drawing_that_multiplies_itself_is_not_published(via: str) -> None:
    # A "use bomb", the billion laughs of SVG: nine levels of ten references are 10^9 shapes, and Chromium spent
    # more than 30 s on a page showing it in an <img>, so one issuer's logo would hang the issuers index for
    # every visitor. What a browser would draw, references followed, is bounded; drawings that reuse a shape a
    # few times pass.
    assert svg_problem(_use_bomb(9, via=via)) is not None
    assert inspect_svg(_use_bomb(9, via=via)) is None
    assert svg_problem(_use_bomb(2, via=via)) is None


def test_a_reference_cycle_is_not_published() -> None:
    data = b'<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>'
    assert inspect_svg(data) is None


HIDDEN = "ada@example.org,Ada Lovelace;grace@example.org,Grace Hopper"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (f'<g>{HIDDEN}<rect width="9" height="9"/></g>', "<g>"),
        (f'<g><rect width="9" height="9"/>{HIDDEN}</g>', "<g>"),  # after a shape: the <rect>'s tail, the <g>'s text
        (f"<metadata>{HIDDEN}</metadata>", "<metadata>"),
        (f"<defs><![CDATA[{HIDDEN}]]></defs>", "<defs>"),
        (f'<rect width="9" height="9"/>{HIDDEN}', "<svg>"),
    ],
    ids=["in-a-group", "after-a-shape", "metadata", "cdata", "at-the-top"],
)
def test_text_the_drawing_does_not_show_is_refused_and_removed(body: str, where: str) -> None:
    """Characters outside <text>, <title> and <desc> are drawn by no browser: they were an SVG's text chunk, and
    went out on the site in the rebuilt file (a recipients list in a logo, unseen by anyone reviewing it)."""
    data = document(f'<circle r="4"/>{body}', TRACKER)
    problem = svg_problem(data)
    assert problem is not None
    assert f"text in {where}, which the drawing does not show" in problem
    assert "ada@" not in problem  # named, never quoted
    cleaned = sanitize_svg(data)
    assert cleaned is not None
    assert b"ada@" not in cleaned
    assert b"<circle" in cleaned
    assert svg_problem(cleaned) is None


def test_text_the_drawing_shows_or_names_itself_with_stays() -> None:
    body = (
        "<title>Gold badge</title><desc>A star on a shield</desc>\n  "
        '<text x="1" y="9">Level <tspan font-weight="bold">2</tspan> analyst<textPath href="#p">!</textPath></text>'
        '\n  <path id="p" d="M0 0 L9 9"/>\n'
    )
    data = document(body, TRACKER)
    assert svg_problem(data) is None
    cleaned = sanitize_svg(data)
    assert cleaned is not None
    for words in (b"Gold badge", b"A star on a shield", b"Level ", b">2<", b" analyst", b">!<"):
        assert words in cleaned
