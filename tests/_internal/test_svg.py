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


# --- names and layout the drawing chose but nobody sees do not ride out on the site ----------------------------------

SENTENCE = "recipients ada@example.org Ada Lovelace grace@example.org Grace Hopper"


def test_names_are_published_as_the_drawing_s_own_not_the_file_s() -> None:
    """Ids, filter results and classes held any text: published as they were, a file of names rode out on the site
    unread. Ids and results are renamed in document order (every reference follows), classes go (no style sheet
    reaches a published SVG), so two files that draw the same publish the same bytes."""
    body = (
        '<defs><linearGradient id="ada-example-org"><stop offset="0"/></linearGradient>'
        '<filter id="grace-hopper"><feGaussianBlur in="SourceGraphic" result="key-0x1f2e"/>'
        '<feMerge><feMergeNode in="key-0x1f2e"/><feMergeNode in="nowhere"/></feMerge></filter></defs>'
        '<g class="ada grace" fill="url(#ada-example-org)" filter="url(\'#grace-hopper\')">'
        '<use href="#ada-example-org"/>'
        '<title id="lovelace">Badge</title><circle r="4" aria-labelledby="lovelace"/></g>'
    )
    data = document(body, TRACKER)
    assert svg_problem(data) is None
    published = sanitize_svg(data)
    assert published is not None
    for name in (b"ada", b"grace", b"key-0x1f2e", b"lovelace", b"nowhere", b"class="):
        assert name not in published, name
    # i1 is the frame's own gradient (hostile_svgs.document), then these in document order.
    for kept in (b'id="i2"', b'fill="url(#i2)"', b'filter="url(#i3)"', b'href="#i2"', b'result="r1"', b'in="r1"'):
        assert kept in published, kept
    assert b'in="r0"' in published  # a result no primitive makes is still none
    assert b'aria-labelledby="i4"' in published
    renamed = body.replace("ada-example-org", "a").replace("grace-hopper", "b").replace("lovelace", "c")
    assert sanitize_svg(document(renamed.replace("key-0x1f2e", "k").replace('class="ada grace" ', ""), TRACKER)) == (
        published
    )


@pytest.mark.parametrize(
    "attribute",
    [
        f'font-family="{SENTENCE.replace("@", " at ")}"',
        f'class="{SENTENCE}"',
        f'id="{SENTENCE.replace(" ", "-").replace("@", "-")}"',
        'lang="en, and a key: 0x1f2e3d4c"',
        'role="img; recipients ada"',
        'aria-hidden="ada@example.org"',
    ],
)
def test_a_name_that_is_no_name_is_refused(attribute: str) -> None:
    problem = svg_problem(document(f'<circle r="4" {attribute}/>', TRACKER))
    assert problem is not None
    assert "ada" not in problem  # named by its attribute, never its value


def test_white_space_and_attribute_order_carry_nothing_out() -> None:
    """Blanks between elements, runs of them inside values and text, and the order of attributes are drawn by no
    browser: spaces and tabs between two shapes encoded a file, bit by bit."""
    bits = "".join(" \t"[int(b)] for b in format(0x1F2E3D4C, "032b"))
    data = document(f'<circle r="4" cx="1"/>{bits}<rect  width="2"\theight="3"/>\n<text x="1">a{bits}b</text>', TRACKER)
    same = document('<circle cx="1" r="4"/><rect height="3" width="2"/><text x="1">a b</text>', TRACKER)
    assert svg_problem(data) is None
    assert sanitize_svg(data) == sanitize_svg(same)
    assert b"\t" not in (sanitize_svg(data) or b"\t")


def test_text_kept_as_written_keeps_its_spaces() -> None:
    data = document('<text xml:space="preserve" x="1">a   b</text>', TRACKER)
    assert b"a   b" in (sanitize_svg(data) or b"")


#: Drawings as common tools write them: Inkscape's plain SVG (styles), a Figma export (filters, clips, ids).
TOOL_EXPORTS = {
    "inkscape": (
        '<g transform="matrix(0.26458333,0,0,0.26458333,-10.5,5e-1)"><path style="fill:#ff0000;fill-opacity:1;'
        'stroke:none;stroke-width:0.26458332;stroke-linecap:round" '
        'd="M 10,10 H 90 V 90 Z m -5.5e-1,2 c 1,2 3,4 5,6 z"/>'
        '<text xml:space="preserve" style="font-style:normal;font-weight:bold;font-size:10.5833px;line-height:1.25;'
        "font-family:'DejaVu Sans';-inkscape-font-specification:'DejaVu Sans Bold';letter-spacing:0px;"
        'word-spacing:0px;text-align:center;text-anchor:middle;fill:#000000" x="50" y="50">'
        '<tspan x="50" y="50" style="stroke-width:0.264583">ACME</tspan></text></g>'
    ),
    "figma": (
        '<g clip-path="url(#clip0_1_2)" filter="url(#filter0_d_1_2)"><rect width="120" height="120" rx="24" '
        'fill="url(#paint0_linear_1_2)" fill-opacity="0.9"/><path fill-rule="evenodd" clip-rule="evenodd" '
        'd="M60 20L100 100H20L60 20Z" fill="white"/></g><defs>'
        '<filter id="filter0_d_1_2" x="-4" y="0" width="128" height="128" filterUnits="userSpaceOnUse" '
        'color-interpolation-filters="sRGB"><feFlood flood-opacity="0" result="BackgroundImageFix"/>'
        '<feColorMatrix in="SourceAlpha" type="matrix" values="0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 127 0" '
        'result="hardAlpha"/><feOffset dy="4"/><feGaussianBlur stdDeviation="2"/>'
        '<feComposite in2="hardAlpha" operator="out"/>'
        '<feBlend mode="normal" in2="BackgroundImageFix" result="effect1_dropShadow_1_2"/>'
        '<feBlend mode="normal" in="SourceGraphic" in2="effect1_dropShadow_1_2" result="shape"/></filter>'
        '<linearGradient id="paint0_linear_1_2" x1="0" y1="0" x2="120" y2="120" gradientUnits="userSpaceOnUse">'
        '<stop stop-color="#4F46E5"/><stop offset="1" stop-color="rebeccapurple" stop-opacity="0.5"/></linearGradient>'
        '<clipPath id="clip0_1_2"><rect width="120" height="120" fill="white"/></clipPath></defs>'
    ),
}


@pytest.mark.parametrize("tool", sorted(TOOL_EXPORTS))
def test_drawings_as_tools_export_them_pass(tool: str) -> None:
    assert svg_problem(document(TOOL_EXPORTS[tool], TRACKER)) is None


@pytest.mark.parametrize(
    "attribute",
    [
        'fill="recipients ada example org"',
        'stroke-dasharray="ada lovelace 1 2"',
        'd="M0 0 recipients ada"',
        'transform="translate(1 2) recipients"',
        'style="fill: red; stroke: recipients ada"',
        'style="font-family: recipients ada at example org and grace hopper at example org and more"',
        'style="font: bold 12px recipients"',
        'fill="red получатели ада"',
        'stroke="#000 受取人"',
    ],
)
def test_a_value_holding_words_no_reader_knows_is_refused(attribute: str) -> None:
    """A browser ignores a presentation value it cannot read, so any text went in one (``fill="recipients …"``)
    and out on the site: a value holds numbers, colours, same-document references and known keywords only."""
    problem = svg_problem(document(f'<rect width="4" height="4" {attribute}/>', TRACKER))
    assert problem is not None
    assert "ada" not in problem
