"""No recipient identifiable by a guess: what a file carries that no reviewer sees (an SVG's comments and metadata,
an image format's metadata the search does not walk) and a cohort saved as a people file are refused
(generator/governance/leaks.py, generator/_internal/svg.py, generator/_internal/rasters.py)."""

from __future__ import annotations

import io
from typing import Any

import pytest

from generator._internal.svg import svg_problem
from generator.governance.leaks import secret_in
from tests.governance.conftest import Repo, only

# Assembled at run time: no line of this file is itself a list of addresses (the full check searches it).
DOMAIN = "acme-academy" + ".org"
THREE = tuple(f"{name}@{DOMAIN}" for name in ("bo", "cy", "dee"))
NAMES = "Bo Lind, Cy Moe and Dee Ray passed Python 101"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{}<rect width="10" height="10"/></svg>'


def _svg(inner: str, head: str = "") -> bytes:
    return (head + SVG.format(inner)).encode()


HIDDEN_SVGS = {
    "comment": _svg(f"<!-- {NAMES} -->"),
    "comment-before-root": _svg("", head=f'<?xml version="1.0"?>\n<!-- {NAMES} -->\n'),
    "metadata": _svg(f"<metadata>{NAMES}</metadata>"),
    "rdf-creator": _svg(
        '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>' + NAMES + "</dc:creator></rdf:RDF></metadata>"
    ),
    "text-in-a-group": _svg(f"<g>{NAMES}</g>"),
}


@pytest.mark.parametrize("name", HIDDEN_SVGS)
@pytest.mark.parametrize("rel", ["docs/diagram.svg", "notes/march/cohort.svg", "README.svg"])
def test_an_svg_carrying_unseen_text_anywhere_is_refused(name: str, rel: str) -> None:
    """A hole: an SVG outside the registry's images was read as text only, so a comment or <metadata> naming the
    cohort (no address: no list rule sees it) passed both checks, unseen in every viewer, published with the
    repository. An SVG anywhere now holds its drawing and its shown text only, the issuer images' rule."""
    found = secret_in(HIDDEN_SVGS[name], rel=rel)
    assert found is not None, (name, rel)
    assert found[2] == "governance.image-metadata"
    assert "scour" in found[1] or "Plain SVG" in found[1]


def test_an_issuer_svg_comment_is_refused() -> None:
    """A hole: the parser dropped an issuer SVG's comments unnamed, so the site published the drawing without them
    but the check passed the file, and the repository published the comment byte for byte."""
    problem = svg_problem(HIDDEN_SVGS["comment"])
    assert problem is not None
    assert "comment" in problem


@pytest.mark.parametrize(
    "data",
    [
        _svg('<title>Python 101</title><desc>A badge</desc><text x="1" y="5">Acme Academy</text>'),
        _svg("", head='<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'),
        _svg('<g id="layer1"><text x="1" y="5"><tspan>Bo Lind</tspan></text></g>'),
    ],
)
def test_an_svg_holding_its_drawing_only_passes(data: bytes) -> None:
    assert secret_in(data, rel="docs/diagram.svg") is None


def test_addresses_shown_in_an_svgs_text_are_a_list() -> None:
    """A cohort drawn as an SVG's <text> rows (one line of XML) is a list as the same rows in a text file are."""
    rows = "".join(f'<text x="0" y="{i}">{a[:2].title()} Lind {a}</text>' for i, a in enumerate(THREE))
    found = secret_in(_svg(rows), rel="docs/cohort.svg")
    assert found is not None
    assert found[2] == "governance.recipients"


def test_both_checks_refuse_an_svg_comment_naming_the_cohort(repo: Repo) -> None:
    repo.write("docs/diagram.svg", HIDDEN_SVGS["comment"].decode())
    problem = only(repo.check("reg-admin"), "governance.image-metadata")
    assert problem.location.path == "docs/diagram.svg"


def _pillow(fmt: str, **params: Any) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, fmt, **params)
    return out.getvalue()


def _tiff_with_artist() -> bytes:
    from PIL import Image, TiffImagePlugin

    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[315] = NAMES  # Artist
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "TIFF", tiffinfo=info)
    return out.getvalue()


def _heif_like(brand: bytes) -> bytes:
    """An ISO-BMFF file's start (ftyp, then a meta box holding Exif), as AVIF and HEIC write it."""
    ftyp = b"ftyp" + brand + b"\0\0\0\0" + b"mif1" + brand
    meta = b"meta\0\0\0\0" + b"Exif\0\0" + NAMES.encode()
    return (
        len(ftyp).to_bytes(4, "big")[:0]
        + (4 + len(ftyp)).to_bytes(4, "big")
        + ftyp
        + ((4 + len(meta)).to_bytes(4, "big") + meta)
    )


OTHER_IMAGES = {
    "tiff-artist": _tiff_with_artist,
    "tiff-plain": lambda: _pillow("TIFF"),
    "bmp": lambda: _pillow("BMP"),
    "avif": lambda: _heif_like(b"avif"),
    "heic": lambda: _heif_like(b"heic"),
}


@pytest.mark.parametrize("name", OTHER_IMAGES)
def test_an_image_format_whose_metadata_is_not_walked_is_refused(name: str) -> None:
    """A hole: TIFF (its tags are EXIF's: Artist, ImageDescription, XMP), BMP and AVIF/HEIC (Exif and XMP boxes)
    were read as bytes only, so an author or a pasted list in their metadata passed. The registry publishes none
    of them: the message says to convert the file to PNG."""
    found = secret_in(OTHER_IMAGES[name](), rel="docs/photo.img")
    assert found is not None, name
    assert found[2] == "governance.image-metadata"
    assert "PNG" in found[1]


def _ico(entries: list[bytes]) -> bytes:
    head = b"\0\0\1\0" + len(entries).to_bytes(2, "little")
    offset = 6 + 16 * len(entries)
    table = b""
    for data in entries:
        table += b"\x04\x04\0\0\1\0\x20\0" + len(data).to_bytes(4, "little") + offset.to_bytes(4, "little")
        offset += len(data)
    return head + table + b"".join(entries)


def _png_text() -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", NAMES, zip=True)
    return _pillow("PNG", pnginfo=info)


def test_an_icon_holding_a_png_with_text_is_refused() -> None:
    """A favicon's entries are PNGs (or bitmaps): a text chunk in one is metadata as in any PNG."""
    found = secret_in(_ico([_png_text()]), rel="docs/favicon.ico")
    assert found is not None
    assert found[2] == "governance.image-metadata"


def test_an_icon_holding_its_pictures_only_passes() -> None:
    assert secret_in(_pillow("ICO"), rel="docs/favicon.ico") is None
    assert secret_in(_ico([_pillow("PNG")]), rel="docs/favicon.ico") is None


def _commit_range_check(repo: Repo, message: str) -> list[Any]:
    from generator.check import CheckOptions, run_check
    from tests.governance.conftest import errors

    repo.write("docs/notes.md", "# Notes\n\nThe March cohort passed.\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", message)
    report = run_check(repo.root, CheckOptions(base="HEAD~1", actor="reg-admin", progress=False))
    return errors(report)


def test_a_commit_message_in_the_pull_request_holding_a_cohort_is_refused(repo: Repo) -> None:
    """A hole: the pull-request check searched the files a pull request changes, never its commits' messages, so a
    cohort pasted into one (``git commit -F cohort.txt``) passed and was published with the history for good."""
    message = "Award the March cohort\n\n" + "".join(f"- {a[:2].title()} Lind <{a}>\n" for a in THREE)
    found = _commit_range_check(repo, message)
    assert [p.code for p in found] == ["governance.recipients"], found
    assert found[0].location.path.startswith("commit ")
    assert "reword" in found[0].message


def test_an_honest_commit_message_passes(repo: Repo) -> None:
    """Git's trailers name the commit's own people (GitHub writes one a co-author): three of the project's
    committers are no cohort, nor is one outsider beside them."""
    for a in THREE:
        repo.write(f"docs/{a[:2]}.md", f"# {a[:2]}\n")
        repo.git("add", "-A")
        repo.git("-c", f"user.email={a}", "-c", f"user.name={a[:2].title()} Lind", "commit", "-q", "-m", "docs")
    trailers = "".join(f"Co-authored-by: {a[:2].title()} Lind <{a}>\n" for a in THREE)
    message = f"Award the March cohort\n\n{trailers}Signed-off-by: Eve Kay <eve@{DOMAIN}>\n"
    assert _commit_range_check(repo, message) == []


def _pr_adds_people_file(repo: Repo, rel: str, text: str) -> list[Any]:
    from generator.check import CheckOptions, run_check
    from tests.governance.conftest import errors

    repo.write(rel, text)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Update the project's people")
    report = run_check(repo.root, CheckOptions(base="HEAD~1", actor="reg-admin", progress=False))
    return [p for p in errors(report) if p.code == "governance.recipients"]


@pytest.mark.parametrize("rel", ["AUTHORS", "docs/CONTRIBUTORS.md", ".github/MAINTAINERS", ".mailmap"])
def test_a_cohort_saved_as_a_people_file_is_refused(repo: Repo, rel: str) -> None:
    """A hole: a people file's rows were never read, so a cohort committed as the root's AUTHORS (``Name
    <address>``, as an address book exports it) passed. Addresses a pull request adds to one are now the
    project's people when Git's history has them as a commit's author or committer, or role mailboxes."""
    text = "".join(f"{a[:2].title()} Lind <{a}>\n" for a in THREE)
    found = _pr_adds_people_file(repo, rel, text)
    assert [p.location.path for p in found] == [rel], found
    assert "commit" in found[0].message


def test_a_people_file_of_committers_and_role_mailboxes_passes(repo: Repo) -> None:
    """The project's committers (this repository's: author@example.org is an example address, so real-looking
    ones are committed here first) and role mailboxes are its people: such an AUTHORS passes."""
    for a in THREE:
        repo.write(f"docs/{a[:2]}.md", f"# {a[:2]}\n")
        repo.git("add", "-A")
        repo.git("-c", f"user.email={a}", "-c", f"user.name={a[:2].title()} Lind", "commit", "-q", "-m", "docs")
    text = "# Authors\n\n" + "".join(f"{a[:2].title()} Lind <{a}>\n" for a in THREE)
    text += f"Security team <security@{DOMAIN}>\nHelp desk <help@{DOMAIN}>\nPress <press@{DOMAIN}>\n"
    assert _pr_adds_people_file(repo, "AUTHORS", text) == []


def test_a_people_file_of_addresses_the_pull_request_commits_as_is_refused(repo: Repo) -> None:
    """A hole: the history read was HEAD's, which holds the pull request's own commits, so a pull request that
    first committed once as each address of the cohort (``git -c user.email=… commit``: anyone can) made them
    "committers" and its AUTHORS of the cohort passed. The history is the base's only."""
    repo.write("docs/start.md", "# Start\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "docs")
    for a in THREE:
        repo.write(f"docs/{a[:2]}.md", f"# {a[:2]}\n")
        repo.git("add", "-A")
        repo.git("-c", f"user.email={a}", "-c", f"user.name={a[:2].title()} Lind", "commit", "-q", "-m", "docs")
    repo.write("AUTHORS", "".join(f"{a[:2].title()} Lind <{a}>\n" for a in THREE))
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Update the project's people")
    from generator.check import CheckOptions, run_check
    from tests.governance.conftest import errors

    report = run_check(repo.root, CheckOptions(base="HEAD~4", actor="reg-admin", progress=False))
    found = [p for p in errors(report) if p.code == "governance.recipients"]
    assert [p.location.path for p in found] == ["AUTHORS"], found


def test_a_cohort_as_a_commits_trailers_is_refused(repo: Repo) -> None:
    """A hole: every trailer line (``…-by:``, ``Cc:``) was blanked before the search, so a cohort written as
    ``Cc: a, b, c`` or as three ``Reported-by:`` lines passed and was published with the history for good. A
    trailer's addresses are now the people file's rule: the base's committers, role mailboxes, or fewer than
    three others."""
    one_line = "Award the March cohort\n\nCc: " + ", ".join(f"<{a}>" for a in THREE) + "\n"
    found = _commit_range_check(repo, one_line)
    assert [p.code for p in found] == ["governance.recipients"], found
    assert "trailer" in found[0].message


def test_trailers_naming_few_outsiders_pass(repo: Repo) -> None:
    """An honest "Reported-by" and a co-author who never committed here are the commit's own people."""
    message = f"Fix the page\n\nReported-by: Eve Kay <eve@{DOMAIN}>\nCo-authored-by: Bo Lind <{THREE[0]}>\n"
    assert _commit_range_check(repo, message) == []


def _merged_pull_request(repo: Repo, tmp_path: Any, depth: int | None) -> list[Any]:
    """A pull request of two commits (a cohort in the first one's message; an AUTHORS of the base's committers in
    the second), merged as GitHub does, cloned as actions/checkout clones it (``depth``: its fetch-depth), and
    checked against the merge commit's first parent."""
    import subprocess

    from generator.check import CheckOptions, run_check
    from tests.governance.conftest import errors

    for a in THREE:
        repo.write(f"docs/{a[:2]}.md", f"# {a[:2]}\n")
        repo.git("add", "-A")
        repo.git("-c", f"user.email={a}", "-c", f"user.name={a[:2].title()} Lind", "commit", "-q", "-m", "docs")
    repo.write("docs/later.md", "# Later\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "docs")
    base = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "pr")
    repo.write("docs/notes.md", "# Notes\n")
    repo.git("add", "-A")
    cohort = "".join(f"- Someone <{a.replace('@', '.x@')}>\n" for a in THREE)
    repo.git("commit", "-q", "-m", f"Award the March cohort\n\n{cohort}")
    repo.write("AUTHORS", "".join(f"{a[:2].title()} Lind <{a}>\n" for a in THREE))
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Update the project's people")
    repo.git("checkout", "-q", "-b", "merged", base)
    repo.git("merge", "-q", "--no-ff", "-m", "Merge pull request", "pr")
    clone = tmp_path / "clone"
    shallow = ["--depth", str(depth)] if depth else []
    subprocess.run(
        ["git", "clone", "-q", *shallow, "--branch", "merged", repo.root.as_uri(), str(clone)],
        check=True,
        capture_output=True,
    )
    report = run_check(clone, CheckOptions(base="HEAD^1", actor="reg-admin", progress=False))
    return errors(report)


def test_a_shallow_clone_says_it_cannot_judge(repo: Repo, tmp_path: Any) -> None:
    """A hole: in CI's clone (fetch-depth 2) the range held the merge commit and the pull request's last commit,
    so a cohort in an earlier commit's message passed unread; and the base's committers were cut off, so an honest
    AUTHORS of them was refused as a cohort. A cut range and a cut history now say the check cannot tell, and how
    to fetch the whole history; neither passes."""
    found = _merged_pull_request(repo, tmp_path, depth=2)
    assert {p.location.path for p in found} == {"commit messages", "AUTHORS"}, found
    assert all("fetch-depth: 0" in p.message and "cannot tell" in p.message for p in found), found


def test_a_whole_clone_judges_the_pull_requests_every_commit(repo: Repo, tmp_path: Any) -> None:
    found = _merged_pull_request(repo, tmp_path, depth=None)
    assert [p.location.path[:7] for p in found] == ["commit "], found
    assert "reword" in found[0].message.lower()


@pytest.mark.parametrize(
    "text",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><rect aria-label="{0}, {1}, {2}" width="1" height="1"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:i="http://www.inkscape.org/namespaces/inkscape">\n'
        '<g i:label="{0}"/>\n<g i:label="{1}"/>\n<g i:label="{2}"/>\n</svg>',
        '<p title="{0}; {1}; {2}">The March cohort</p>',
        "<ul>\n<li data-who='{0}'>Bo</li>\n<li data-who='{1}'>Cy</li>\n<li data-who='{2}'>Dee</li>\n</ul>",
    ],
)
@pytest.mark.parametrize("rel", ["docs/diagram.svg", "docs/cohort.html", "docs/cohort.md"])
def test_a_cohort_in_markup_attributes_is_a_list(text: str, rel: str) -> None:
    """A hole: a tag was read as a cell's edge and its attributes dropped (a ``mailto:`` target aside), so a cohort
    in an SVG's ``aria-label`` or Inkscape labels, or an HTML ``title`` or ``data-*`` attribute, passed every list
    rule: unseen on the page, published with the repository. An attribute's value is now a cell of its own."""
    found = secret_in(text.format(*THREE).encode(), rel=rel)
    assert found is not None, rel
    assert found[2] == "governance.recipients", found


def test_markup_attributes_without_a_list_pass() -> None:
    """Honest markup: one author's address in a meta tag, links, classes, a picture's alternative text."""
    text = (
        f'<meta name="author" content="Bo Lind <{THREE[0]}>">\n<img src="a.png" alt="Bo, Cy and Dee, our team">\n'
        '<a class="x, y" href="https://example.org/a@b">the page</a>\n<a href="mailto:help@acme-academy.org">help</a>\n'
    )
    assert secret_in(text.encode(), rel="docs/index.html") is None


INKSCAPE_092 = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->

<svg
   xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmlns:cc="http://creativecommons.org/ns#"
   xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
   xmlns:svg="http://www.w3.org/2000/svg"
   xmlns="http://www.w3.org/2000/svg"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   width="210mm" height="297mm" viewBox="0 0 210 297" version="1.1" id="svg8"
   inkscape:version="0.92.4 (5da689c313, 2019-01-14)" sodipodi:docname="flow.svg">
  <defs id="defs2" />
  <sodipodi:namedview id="base" pagecolor="#ffffff" inkscape:zoom="0.35" inkscape:current-layer="layer1" />
  <metadata id="metadata5">
    <rdf:RDF>
      <cc:Work rdf:about="">
        <dc:format>image/svg+xml</dc:format>
        <dc:type rdf:resource="http://purl.org/dc/dcmitype/StillImage" />
        <dc:title></dc:title>
      </cc:Work>
    </rdf:RDF>
  </metadata>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer" id="layer1">
    <rect style="fill:#ccc" width="50" height="20" x="10" y="10" />
    <text x="12" y="25">Issuer</text>
  </g>
</svg>
"""

ILLUSTRATOR = """<?xml version="1.0" encoding="utf-8"?>
<!-- Generator: Adobe Illustrator 27.5.0, SVG Export Plug-In . SVG Version: 6.00 Build 0)  -->
<svg version="1.1" id="Layer_1" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" x="0px"
   y="0px" viewBox="0 0 100 100" style="enable-background:new 0 0 100 100;" xml:space="preserve">
<style type="text/css">
  .st0{fill:#1D1D1B;}
</style>
<rect x="10" y="10" class="st0" width="80" height="80"/>
</svg>
"""


@pytest.mark.parametrize("data", [INKSCAPE_092, ILLUSTRATOR], ids=["inkscape-0.92", "illustrator"])
def test_an_editors_usual_svg_passes(data: str) -> None:
    """A false refusal: Inkscape's 'Inkscape SVG' (its creator comment, a <metadata> of a format and a type, no
    title) and Illustrator's export (its generator comment) were refused, though they name nobody: the editors'
    own words, exactly, with nothing free in them, are their drawing's."""
    assert secret_in(data.encode(), rel="docs/flow.svg") is None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "Created with Inkscape (http://www.inkscape.org/)",
            f"Created with Inkscape (http://www.inkscape.org/) {NAMES}",
        ),
        ("<dc:title></dc:title>", f"<dc:title>{NAMES}</dc:title>"),
        (
            "<dc:format>image/svg+xml</dc:format>",
            f"<dc:format>image/svg+xml</dc:format><dc:creator>{NAMES}</dc:creator>",
        ),
    ],
)
def test_an_editors_svg_carrying_more_is_refused(old: str, new: str) -> None:
    found = secret_in(INKSCAPE_092.replace(old, new).encode(), rel="docs/flow.svg")
    assert found is not None
    assert found[2] == "governance.image-metadata"


def test_an_illustrator_comment_carrying_more_is_refused() -> None:
    data = ILLUSTRATOR.replace("Build 0)  -->", f"Build 0) {NAMES} -->")
    found = secret_in(data.encode(), rel="docs/flow.svg")
    assert found is not None
    assert found[2] == "governance.image-metadata"


def _icon_bitmap() -> bytes:
    """The bitmap entry (a DIB: header, pixels, mask) of an icon as Pillow writes one."""
    icon = _pillow("ICO", bitmap_format="bmp", sizes=[(4, 4)])
    offset, size = int.from_bytes(icon[18:22], "little"), int.from_bytes(icon[14:18], "little")
    return icon[offset : offset + size]


def test_an_icon_bitmap_carrying_more_than_its_pixels_is_refused() -> None:
    """A hole: an icon's bitmap entry was taken whole whatever its size, so the cohort's names written after its
    pixels and mask, inside the entry (its size in the directory grown to hold them), passed unseen."""
    bitmap = _icon_bitmap()
    assert secret_in(_ico([bitmap]), rel="docs/favicon.ico") is None
    found = secret_in(_ico([bitmap + NAMES.encode()]), rel="docs/favicon.ico")
    assert found is not None
    assert found[2] == "governance.image-metadata"


def test_a_first_contributors_sign_off_beside_two_co_authors_passes(repo: Repo) -> None:
    """A false refusal: a first-time contributor's own Signed-off-by (the DCO's) counted as an outsider, so with two
    co-authors the commit read as a list. The commit's own author and committer are published in its header
    anyway: its trailers naming them add nobody."""
    eve = f"eve@{DOMAIN}"
    repo.write("docs/notes.md", "# Notes\n")
    repo.git("add", "-A")
    message = f"Fix the page\n\nCo-authored-by: Bo Lind <{THREE[0]}>\nCo-authored-by: Cy Moe <{THREE[1]}>\n"
    message += f"Signed-off-by: Eve Kay <{eve}>\n"
    repo.git("-c", f"user.email={eve}", "-c", "user.name=Eve Kay", "commit", "-q", "-m", message)
    from generator.check import CheckOptions, run_check
    from tests.governance.conftest import errors

    assert errors(run_check(repo.root, CheckOptions(base="HEAD~1", actor="reg-admin", progress=False))) == []


DRAWIO = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
    'width="121px" height="61px" viewBox="-0.5 -0.5 121 61" content="{}"><defs/><g>'
    '<rect x="0" y="0" width="120" height="60" fill="#ffffff" stroke="#000000" pointer-events="all"/>'
    '<text x="59.5" y="34.5">Issuer</text></g></svg>'
)


def test_draw_ios_copy_of_the_diagram_is_refused() -> None:
    """A hole: draw.io's export keeps a copy of the diagram in the root's ``content`` attribute, deflated and in
    base64 by default: whatever its labels, notes and tooltips hold (a cohort's addresses) no rule can read, and no
    viewer shows it. Such a copy is refused, saying to export without it."""
    packed = (
        "&lt;mxfile host=&quot;app.diagrams.net&quot;&gt;&lt;diagram id=&quot;a&quot;&gt;7VZNb9swDP01Pm6w5a/0"
        "&lt;/diagram&gt;&lt;/mxfile&gt;"
    )
    found = secret_in(DRAWIO.format(packed).encode(), rel="docs/flow.svg")
    assert found is not None
    assert found[2] == "governance.image-metadata"
    assert "Include a copy of my diagram" in found[1]
    assert secret_in(DRAWIO.replace(' content="{}"', "").encode(), rel="docs/flow.svg") is None


def test_a_cohort_with_escaped_at_signs_saved_as_a_people_file_is_refused(repo: Repo) -> None:
    """A hole: a people file's addresses were read as typed, so a cohort written with a full-width at sign, an
    HTML reference or a percent escape (``bo＠…``, ``cy&#64;…``, ``dee%40…``: each reads as an address, as award
    text is read) was no address at all and the AUTHORS passed. They are read as the list rules read them."""
    forms = ("\uff20", "&#64;", "%40")
    text = "".join(f"{a[:2].title()} Lind <{a.replace('@', at)}>\n" for a, at in zip(THREE, forms, strict=True))
    found = _pr_adds_people_file(repo, "AUTHORS", text)
    assert [p.location.path for p in found] == ["AUTHORS"], found
