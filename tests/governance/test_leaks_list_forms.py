"""A list of recipients' addresses in any common list form (a Markdown table or bullet list, pipes or spaces
between them, mailto: links, an HTML table, a header below a title line, a JSON or YAML list of bare addresses) is
refused as the cohort CSV is; a single contact address, an example in prose and the RFC 2606 example domains are
not (generator/governance/leaks.py)."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from generator.governance.leaks import secret_in
from tests.governance.conftest import Repo, commit_all, only

# Assembled at run time: no line of this file is itself a list of addresses (the full check searches it).
DOMAIN = "acme-academy" + ".org"
BO, CY, DEE, EVE = (f"{name}@{DOMAIN}" for name in ("bo", "cy", "dee", "eve"))
THREE = (BO, CY, DEE)


def _lines(*lines: str) -> str:
    return "\n".join(lines) + "\n"


LISTS = {
    "markdown-table": _lines("| Name | Email |", "|---|---|", *(f"| {a[:2]} | {a} |" for a in THREE)),
    "markdown-table-no-header": _lines(*(f"| {a[:2].title()} Lind | {a} |" for a in THREE)),
    "bullets": _lines(*(f"- {a}" for a in THREE)),
    "stars-in-prose-file": _lines("# March cohort", "", "Sent to:", "", *(f"* {a}" for a in THREE), "", "Done."),
    "numbered": _lines(*(f"{i}. {a}" for i, a in enumerate(THREE, 1))),
    "pipes": _lines(" | ".join(THREE)),
    "spaces": _lines("  ".join(THREE)),
    "one-per-line-after-a-title": _lines("Recipients (March)", "", *THREE),
    "mailto-lines": _lines(*(f"mailto:{a}" for a in THREE)),
    "markdown-mailto-links": _lines(*(f"- [{a[:2]}](mailto:{a})" for a in THREE)),
    "autolinks": _lines(*(f"- <{a}>" for a in THREE)),
    "code-spans": _lines(*(f"- `{a}`" for a in THREE)),
    "html-list": _lines("<ul>", *(f"  <li>{a}</li>" for a in THREE), "</ul>"),
    "html-table": _lines(
        "<table><tr><th>Name</th><th>Email</th></tr>",
        *(f'<tr><td>{a[:2]}</td><td><a href="mailto:{a}">{a[:2]}</a></td></tr>' for a in THREE),
        "</table>",
    ),
    "html-one-line": "<ul>" + "".join(f"<li>{a}</li>" for a in THREE) + "</ul>\n",
    "header-below-a-title": _lines("March cohort, exported 2026-11-20", "name,email", f"Bo,{BO}", f"Cy,{CY}"),
    "header-below-a-comment": _lines("# exported by the LMS", "", "name;email", f"Bo;{BO}", f"Cy;{CY}"),
    "table-below-a-heading": _lines("## Cohort", "", "| Name | E-Mail |", "|--|--|", f"|Bo|{BO}|", f"|C|{CY}|"),
    "quoted-cells-over-lines": _lines('"Bo', f'Lind",{BO}', '"Cy', f'Moreau",{CY}', '"Dee', f'Ek",{DEE}'),
    "json-array": '["' + '", "'.join(THREE) + '"]\n',
    "json-array-pretty": '[\n  "' + '",\n  "'.join(THREE) + '"\n]\n',
    "yaml-list": _lines("recipients:", *(f"  - {a}" for a in THREE)),
    "yaml-flow": "recipients: [" + ", ".join(THREE) + "]\n",
    "yaml-two-under-a-column-name": _lines("emails:", f"  - {BO}", f"  - '{CY}'"),
    "json-two-under-a-column-name": '{"cohort": {"E-Mail": ["' + BO + '", "' + CY + '"]}}\n',
    "quoted-lines": _lines(*(f'"{a}",' for a in THREE)),
    "blockquote": _lines(*(f"> - {a}" for a in THREE)),
    "semicolon-line": _lines("; ".join(THREE)),
    # The at sign escaped as a program, a page or a URL writes it: read as award text is read.
    "escaped-bullets": _lines(*(f"- {a.replace('@', chr(92) + 'u0040')}" for a in THREE)),
    "entity-table": _lines(*(f"| x | {a.replace('@', '&#64;')} |" for a in THREE)),
    "fullwidth-at-list": _lines(*(f"* {a.replace('@', chr(0xFF20))}" for a in THREE)),
    # Lines of one template, each naming one earner: names in lower case, rows of six words and more, sentences.
    "lower-case-names": _lines(*(f"{a[:2]} lind <{a}>" for a in THREE)),
    "lower-case-names-colon": _lines(*(f"{a[:2]} lind: {a}" for a in THREE)),
    "six-word-rows": _lines(*(f"{a[:2].title()} Lind passed the March course {a}" for a in THREE)),
    "address-then-words": _lines(*(f"{a} passed the March course on time" for a in THREE)),
    "one-sentence-each": _lines(*(f"Congratulations to {a[:2].title()} ({a}) for passing." for a in THREE)),
    "paragraphs-of-one-template": "\n\n".join(f"{a[:2].title()} Lind earned SQL Basics: {a}" for a in THREE) + "\n",
}


@pytest.mark.parametrize("name", list(LISTS))
def test_a_list_of_addresses_in_any_common_form_is_refused(name: str) -> None:
    found = secret_in(LISTS[name].encode(), rel=f"notes/{name}.md")
    assert found is not None, name
    assert found[2] == "governance.recipients"


def test_both_checks_refuse_a_markdown_table_of_recipients(repo: Repo) -> None:
    rel = "docs/cohort-march.md"
    repo.write(rel, "# March cohort\n\n" + LISTS["markdown-table"])
    problem = only(repo.check("reg-admin"), "governance.recipients")
    assert (problem.location.path, problem.location.line) == (rel, 3)
    commit_all(repo.root, "a table")
    from tests.governance.test_leaks import _full

    assert [p.location.path for p in _full(repo) if p.code == "governance.recipients"] == [rel]


HONEST = {
    # One contact address, or two (a project's help and security addresses), however written.
    "one-contact": _lines("# Contact", "", f"Write to {BO} for help.", "", f"- {BO}"),
    "two-contacts": _lines("## Contacts", "", f"- Help: {BO}", f"- Security: [{CY}](mailto:{CY})"),
    "two-bullets": _lines(f"- {BO}", f"- {CY}"),
    "maintainers-table": _lines("| Maintainer | Email |", "|---|---|", f"| Bo | {BO} |"),
    # Addresses in prose, each in a sentence: no list.
    "prose": _lines(
        f"Write to {BO} for help, to {CY} about security,",
        f"to {DEE} about the press, or to <{EVE}> for anything else.",
        f"Or mail [{BO}](mailto:{BO}) again.",
    ),
    # Placeholders at the domains RFC 2606 keeps for examples: they name nobody.
    "example-cohort-in-docs": _lines(
        "A cohort file:", "", "```csv", "name,email", *(f"{n},{n}@example.org" for n in ("Bo", "Cy", "Dee")), "```"
    ),
    "example-bullets": _lines(*(f"- {n}@example.com" for n in ("bo", "cy", "dee", "eve"))),
    "example-subdomains": _lines(*(f"- {n}@mail.example.net" for n in ("bo", "cy", "dee")), "- ada@school.test"),
    # Decorators and handles: an at sign that is no address.
    "python": _lines("@pytest.mark.parametrize", "@dataclass(frozen=True)", "@property", "def x(): ..."),
    "handles": _lines("- @bo", "- @cy", "- @dee", "- @acme.bsky.social"),
    "one-address-three-times": _lines(f"- {BO}", f"- {BO.upper()}", f"- {BO}"),
    # Addresses as examples between a sentence's commas (docs/privacy.md's spellings): clauses, not cells.
    "examples-between-commas": _lines(
        f"`{BO}`, the domain as DNS carries it, `{CY}`, read as IDNA reads it, `{DEE}`, or",
        f"`{EVE}`, the same mailbox to a mailer.",
    ),
    # An at sign that names no one: image densities, package versions in URLs, SSH remotes.
    "assets": _lines("- logo@2x.png", "- icon@3x.png", "- badge@1.5x.webp"),
    "urls": _lines(
        "- https://unpkg.com/lodash@4.17.21/lodash.min.js",
        "- https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/css/bootstrap.min.css",
        "- https://cdn.jsdelivr.net/npm/mermaid@10.9.0/dist/mermaid.min.js",
    ),
    "remotes": _lines("- git@github.com:org/a.git", "- git@gitlab.com:org/b.git", "- git@codeberg.org:org/c.git"),
    # A header word in prose above a contact: no table.
    "header-word-in-prose": _lines("# Format", "Columns: name, email, evidence.", f"- {BO}", f"- {CY}"),
}


@pytest.mark.parametrize("name", list(HONEST))
def test_legitimate_docs_shapes_are_no_list(name: str) -> None:
    assert secret_in(HONEST[name].encode(), rel=f"docs/{name}.md") is None


def test_a_registry_record_listing_its_own_addresses_is_no_list(repo: Repo) -> None:
    """An issuer's record holds its contact addresses (former ones too): public by design, never recipients."""
    text = _lines("formerly:", *(f"  - {a}" for a in THREE))
    assert secret_in(text.encode(), rel="registry/issuers/acme/issuer.yaml") is None


@pytest.mark.parametrize(
    "text",
    [
        "@" * 4_000_000,
        "- " + "@a." * 1_300_000,
        "[" * 2_000_000 + "(mailto:" + "(" * 2_000_000,
        "<a " * 1_300_000,
        "\n".join(f"- u{i}@x{i}.org" for i in range(100_000)),
        "\n".join(f"| a | b@c{i}.de | d |" * 3 for i in range(100_000)),
        "\n".join("<li>" + "<" * 30 + f"x{i}@y.org" for i in range(100_000)),
        "\n".join(f"{i} @ x" for i in range(100_000)),
    ],
    ids=["ats", "dots", "brackets", "tags", "bullets", "table", "tags-lines", "spaced"],
)
def test_adversarial_inputs_are_read_in_linear_time(text: str) -> None:
    start = time.perf_counter()
    secret_in(text.encode()[: 4 * 1024 * 1024], rel="notes/big.md")
    assert time.perf_counter() - start < 30  # about 1 s on a quiet machine: quadratic would take minutes


# Second review: forms an issuer commits that passed. A row naming its earner beside the address (an export's
# "Name <address>" or "Name: address" cell), a table whose notes column reads as a sentence, a spreadsheet saved as
# "Unicode text" (UTF-16, as Excel writes it), an address at a real domain that merely holds an example domain's name.
NAMED = {
    "name-angle-lines-in-docs": _lines(*(f"{a[:2].title()} Lind <{a}>" for a in THREE)),
    "name-angle-bullets": _lines("# Sent", "", *(f"- {a[:2].title()} Lind <{a}>" for a in THREE)),
    "name-colon-bullets": _lines(*(f"- {a[:2].title()} Lind: {a}" for a in THREE)),
    "address-then-name": _lines(*(f"* {a} ({a[:2].title()} Lind)" for a in THREE)),
    "name-dash-address": _lines(*(f"{i}. {a[:2].title()} Lind \u2013 {a}" for i, a in enumerate(THREE, 1))),
    "name-angle-table-cells": _lines("| To | Sent |", "|--|--|", *(f"| {a[:2].title()} <{a}> | yes |" for a in THREE)),
    "table-with-a-notes-column": _lines(
        "| Name | Contact | Notes |",
        "|---|---|---|",
        *(f"| {a[:2]} | {a} | completed the course with distinction in the spring term |" for a in THREE),
    ),
    "tsv-with-long-cells": _lines(*(f"{a}\tcompleted the course with distinction in the spring term" for a in THREE)),
    "look-alike-example-domains": _lines(
        "- bo@example.org.evil.com", "- cy@x.example.com.au", "- dee@uni.test.edu", "- eve@example.org.uk"
    ),
}
UTF16 = {
    "utf16le-csv": ("\ufeffname,email\r\n" + "".join(f"{a[:2]},{a}\r\n" for a in THREE)).encode("utf-16-le"),
    "utf16be-tsv": ("\ufeff" + "".join(f"{a[:2]}\t{a}\r\n" for a in THREE)).encode("utf-16-be"),
    "utf16-bullets": ("\n".join(f"- {a}" for a in THREE)).encode("utf-16"),
}


@pytest.mark.parametrize("name", list(NAMED))
def test_a_list_naming_its_earners_or_padded_with_prose_is_refused(name: str) -> None:
    found = secret_in(NAMED[name].encode(), rel=f"notes/{name}.md")
    assert found is not None, name
    assert found[2] == "governance.recipients"


@pytest.mark.parametrize("name", list(UTF16))
def test_a_list_saved_as_utf16_text_is_refused(name: str) -> None:
    found = secret_in(UTF16[name], rel=f"exports/{name}.txt")
    assert found is not None, name
    assert found[2] == "governance.recipients"
    assert found[0] in (1, 2)


@pytest.mark.parametrize(
    "rel",
    [".mailmap", "AUTHORS", "AUTHORS.md", "CONTRIBUTORS.txt", "MAINTAINERS", "docs/MAINTAINERS.md", "CODEOWNERS"],
)
def test_a_projects_own_people_file_may_list_them(rel: str) -> None:
    """Git's .mailmap and the AUTHORS, CONTRIBUTORS and MAINTAINERS files list the project's own people (public by
    their choice), as _PROJECT_PEOPLE's members do in JSON or YAML metadata."""
    text = _lines("| Maintainer | Email |", "|--|--|", *(f"| {a[:2]} | {a} |" for a in THREE))
    text += _lines(*(f"{a[:2].title()} Lind <{a}>" for a in THREE))
    assert secret_in(text.encode(), rel=rel) is None
    # The name exempts that file only: the same text elsewhere is a list.
    assert secret_in(text.encode(), rel="docs/people.md") is not None


@pytest.mark.parametrize(
    "rel",
    [
        "cohorts/march/AUTHORS",
        "notes/2026/CONTRIBUTORS.md",
        "site-extra/MAINTAINERS.txt",
        "docs/cohort/AUTHORS.md",
        "AUTHORS.csv",
        "CONTRIBUTORS.tsv",
        "docs/MAINTAINERS.json",
        "tools/.mailmap",
        "lists/CODEOWNERS",
    ],
)
def test_a_cohort_named_like_a_people_file_elsewhere_is_a_list(rel: str) -> None:
    """A hole: the people-file names exempted a file anywhere in the tree and with any extension, so a cohort
    committed as ``cohorts/march/AUTHORS`` or ``CONTRIBUTORS.csv`` (its rows ``Name <address>``, as an address
    book exports them) passed both checks, and named every earner. Only where a project keeps its own people (the
    root, ``docs/``, ``.github/``), in a text file, is such a name the project's list."""
    text = _lines(*(f"{a[:2].title()} Lind <{a}>" for a in THREE))
    found = secret_in(text.encode(), rel=rel)
    assert found is not None, rel
    assert found[2] == "governance.recipients"


def test_prose_naming_people_beside_addresses_stays_prose() -> None:
    text = _lines(
        f"Write to Bo Lind <{BO}> for help, to Cy <{CY}> about security,",
        f"to Dee: {DEE} about the press. Ada Lovelace wrote it.",
        f"- Help: {BO}",
        f"- Security: {CY}",
    )
    assert secret_in(text.encode(), rel="docs/contact.md") is None


def test_the_refusal_says_where_the_projects_own_people_may_be_listed(repo: Repo) -> None:
    """Three maintainers' addresses in CONTRIBUTING.md read as a list like a cohort's: the message says what to do."""
    rel = "CONTRIBUTING.md"
    repo.write(rel, "# Contributing\n\n## Maintainers\n\n" + _lines(*(f"- {a[:2].title()} Lind <{a}>" for a in THREE)))
    problem = only(repo.check("reg-admin"), "governance.recipients")
    assert (problem.location.path, problem.location.line) == (rel, 5)
    assert "MAINTAINERS" in problem.message
    assert "example.org" in problem.message


def test_contacts_in_differently_worded_sentences_stay_prose() -> None:
    text = _lines(
        f"Write to {BO} for help.",
        f"Write to {CY} about security.",
        f"Write to {DEE} about the press and interviews.",
        f"For help, write to {BO}. For security, {CY}.",
    )
    assert secret_in(text.encode(), rel="docs/contact.md") is None


def test_lower_case_words_before_an_address_are_prose_not_a_name() -> None:
    text = _lines(f"- send feedback to {BO}", f"- or mail {CY}", f"- security reports: {DEE}")
    assert secret_in(text.encode(), rel="docs/contact.md") is None


def test_a_private_key_saved_as_utf16_text_is_refused() -> None:
    from tests.governance.test_leaks import pem_file

    found = secret_in(pem_file(os.urandom(32)).encode("utf-16"), rel="notes/key.txt")
    assert found is not None
    assert found[2] != "governance.recipients"


def _png(**chunks: str) -> bytes:
    import io

    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for key, value in chunks.items():
        info.add_text(key, value, zip=True)
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _jpeg_with_exif() -> bytes:
    import io

    from PIL import Image

    image = Image.new("RGB", (4, 4))
    exif = image.getexif()
    exif[0x013B] = "Bo Lind"  # Artist
    exif[0x9C9D] = "Bo Lind".encode("utf-16-le")  # XPAuthor, as Windows writes it
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.mark.parametrize(
    ("rel", "data"),
    [
        ("docs/cohort.png", lambda: _png(Comment="\n".join(f"{a[:2].title()} Lind <{a}>" for a in THREE))),
        ("notes/march/shot.png", lambda: _png(Author="Bo Lind")),
        ("docs/photo.jpg", _jpeg_with_exif),
    ],
)
def test_an_image_carrying_metadata_anywhere_is_refused(rel: str, data: Any) -> None:
    """A hole: outside the registry's images (whose check walks every chunk), an image was read as bytes only, so a
    screenshot's compressed text chunk holding the cohort, or a photo's EXIF author (Windows writes it UTF-16),
    passed both checks and was published with the repository. An image anywhere now holds its picture only."""
    found = secret_in(data(), rel=rel)
    assert found is not None, rel
    assert found[2] == "governance.image-metadata"
    assert "metadata" in found[1] or "text" in found[1]


def test_an_image_holding_its_picture_only_passes() -> None:
    assert secret_in(_png(), rel="docs/plain.png") is None


@pytest.mark.parametrize(
    "text",
    [
        # A project's README lists its role addresses in one template: no person, no earner, no list of recipients.
        "- For help: help@registry.org\n- For security: security@registry.org\n- For press: press@registry.org\n",
        "For help, write to help@registry.org.\nFor security, write to security@registry.org.\n"
        "For press, write to press@registry.org.\n",
        f"Contact support@{DOMAIN} for help.\nContact privacy@{DOMAIN} for data.\nContact no-reply@{DOMAIN} never.\n",
    ],
)
def test_role_addresses_in_one_template_are_no_list(text: str) -> None:
    assert secret_in(text.encode(), rel="README.md") is None


def test_people_in_one_template_beside_a_role_address_are_still_a_list() -> None:
    text = _lines(
        "Contact help@registry.org for help.",
        f"Congratulations to Bo ({BO}) for passing.",
        f"Congratulations to Cy ({CY}) for passing.",
        f"Congratulations to Dee ({DEE}) for passing.",
    )
    assert secret_in(text.encode(), rel="README.md") is not None


def _gif(**info: Any) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("P", (4, 4)).save(out, "GIF", **info)
    return out.getvalue()


@pytest.mark.parametrize(
    ("rel", "data"),
    [
        # A GIF's comment extension holds text after the file's binary header: its first row was no row, so a
        # cohort of three passed as two. The same bytes after the trailer, or in an application extension (XMP).
        ("docs/cohort.gif", lambda: _gif(comment="\n".join(f"{a[:2].title()} Lind <{a}>" for a in THREE).encode())),
        ("notes/anim.gif", lambda: _gif(comment=b"Author: Bo Lind")),
        ("notes/after.dat", lambda: _gif() + b"Bo Lind"),
    ],
)
def test_a_gif_carrying_text_anywhere_is_refused(rel: str, data: Any) -> None:
    found = secret_in(data(), rel=rel)
    assert found is not None, rel
    assert found[2] == "governance.image-metadata"


def test_a_gif_holding_its_picture_only_passes() -> None:
    import io

    from PIL import Image

    frames = [Image.new("P", (4, 4), color) for color in (0, 1)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], loop=0, duration=100)
    assert secret_in(_gif(), rel="docs/plain.gif") is None
    assert secret_in(out.getvalue(), rel="docs/anim.gif") is None
    # No global colour table, a local one: a 1x1 picture written by hand.
    local = (
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00" + b"\x2c" + bytes(8) + b"\x80" + bytes(6) + b"\x02\x02\x44\x01\x00\x3b"
    )
    assert secret_in(local, rel="docs/local.gif") is None
    assert secret_in(local[:-1] + b"\x21\xfe\x02Bo\x00\x3b", rel="docs/local.gif") is not None


# Assembled at run time, as the file's other lists are.
BO_IP, CY_IP, DEE_IP = (f"{name}@[198.51.100.{n}]" for n, name in enumerate(("bo", "cy", "dee"), 7))


@pytest.mark.parametrize(
    "rows",
    [
        # An address at an IP literal is one credreg awards to (openbadges.mailbox reads it): a list of them was read
        # as no addresses at all (a domain's last label had to be letters).
        [f"Bo Lind <{BO_IP}>", f"Cy Moe <{CY_IP}>", f"Dee Ng <{DEE_IP}>"],
        [f"| {BO_IP} |", f"| {CY_IP} |", f"| {DEE_IP} |"],
        [
            f"Congratulations to {name} ({address}) for passing."
            for name, address in (("Bo", BO_IP), ("Cy", CY_IP), ("Dee", DEE_IP))
        ],
    ],
)
def test_a_list_of_addresses_at_ip_literals_is_refused(rows: list[str]) -> None:
    assert secret_in(_lines(*rows).encode(), rel="notes/march.md") is not None
