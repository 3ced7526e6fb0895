from __future__ import annotations

import posixpath
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render.html import _relpath, esc, external_href, external_link, mailto_href, relative
from generator.render.markdown import render_markdown


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="javascript:alert(1)" onclick="alert(1)">x</a>',
        "<svg onload=alert(1)>",
        "<iframe src=https://evil.example></iframe>",
        "![x](javascript:alert(1))",
        "[x](vbscript:msgbox(1))",
    ],
)
def test_markdown_never_yields_markup_or_script_urls(source: str) -> None:
    html = render_markdown(source).lower()
    tags = re.findall(r"<[a-z][^>]*>", html)
    assert all(t.split()[0].strip("<>") in {"p", "a", "br"} for t in tags), tags
    assert not any(re.search(r"\son[a-z]+=", t) for t in tags)
    assert not any(re.search(r'href="(?!https?:|mailto:)', t) for t in tags)


def test_raw_html_is_shown_as_text() -> None:
    assert render_markdown("<b>bold</b>") == "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_links_are_external_only_and_marked() -> None:
    html = render_markdown("[a](https://e.org/x) [b](mailto:x@e.org) [c](/inside) [d](../up)")
    assert '<a href="https://e.org/x" rel="nofollow noopener">a</a>' in html
    assert '<a href="mailto:x@e.org" rel="nofollow noopener">b</a>' in html
    assert 'href="/inside"' not in html
    assert 'href="../up"' not in html


def test_headings_are_demoted_and_images_keep_only_their_words() -> None:
    assert render_markdown("# Title").startswith("<h3>Title</h3>")
    assert render_markdown("###### Deep").startswith("<h6>")
    assert render_markdown("![a chart](https://e.org/x.png)") == "<p>a chart</p>\n"


def test_escaping_and_links() -> None:
    assert esc("\"<&>'") == "&quot;&lt;&amp;&gt;&#x27;"
    assert external_href("https://e.org/a?b=c") == "https://e.org/a?b=c"
    assert external_href("javascript:alert(1)") is None
    assert external_href('https://e.org/"onmouseover="x') is None
    assert external_link("javascript:x", "<b>") == "&lt;b&gt;"
    assert external_link("https://e.org", "E") == '<a href="https://e.org" rel="nofollow noopener">E</a>'


@pytest.mark.parametrize(
    ("url", "words", "shown"),
    [
        # A quality-assurance body's name, a framework label: an issuer's words over an issuer's link, by the same
        # rule as a Markdown link's (render/markdown.py).
        ("https://evil.example/", "iso.org", "https://evil.example/"),
        ("https://evil.example/", "Accredited at https://iso.org/cert", "https://evil.example/"),
        ("https://acme.example@evil.example/", "acme.example", "https://evil.example/"),
        ("https://iso.org/cert/1", "iso.org", "iso.org"),
        ("https://evil.example/", "ISO", "ISO"),
    ],
)
def test_a_link_of_issuer_words_reading_as_another_address_shows_where_it_goes(
    url: str, words: str, shown: str
) -> None:
    assert external_link(url, words) == f'<a href="{esc(url)}" rel="nofollow noopener">{esc(shown)}</a>'


@pytest.mark.parametrize(
    ("here", "target", "expected"),
    [
        ("", "catalog/", "catalog/"),
        ("", "", "./"),
        ("credentials/a/b/", "issuers/a/", "../../../issuers/a/"),
        ("credentials/a/b/", "", "../../../"),
        ("credentials/a/b/", "credentials/a/b/achievement.json", "achievement.json"),
        ("issuers/x/", "verify/#abc", "../../verify/#abc"),
        ("catalog/", "catalog/?q=sql", "./?q=sql"),
    ],
)
def test_relative_links(here: str, target: str, expected: str) -> None:
    assert relative(here, target) == expected


_SEGMENTS = ["", ".", "..", "a", "b", "ab", "credentials", "x.json", "index.html", "/"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(_SEGMENTS), max_size=6), st.lists(st.sampled_from(_SEGMENTS), max_size=6))
def test_site_relpath_equals_posixpath(path: list[str], start: list[str]) -> None:
    """The getcwd-free relpath of the link builder gives what ``posixpath.relpath`` gives, on any paths."""
    a, b = "/".join(path) or ".", "/".join(start) or "."
    assert _relpath(a, b) == posixpath.relpath(a, b)


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("[https://acme.example/verify](https://evil.example/v)", "https://evil.example/v"),
        ("[acme.example](https://acme.example.evil.example/)", "https://acme.example.evil.example/"),
        ("[**www.acme.example**](https://evil.example)", "https://evil.example"),
        ("[`acme.example/login`](https://evil.example)", "https://evil.example"),
        ("[help@acme.example](mailto:help@evil.example)", "help@evil.example"),
        # The address shown is where the link goes, without a user name that reads as another host.
        ("[https://acme.example](https://acme.example@evil.example/)", "https://evil.example/"),
        ("[acme.example](https://acme.example:pw@evil.example/x?y#z)", "https://evil.example/x?y#z"),
        ("[help@acme.example](https://help@acme.example@evil.example/)", "https://evil.example/"),
        # Letters of another script pass for Latin ones: the address shows in its xn-- form, which shows what it is.
        ("[\u0430cme.example](https://\u0430cme.example/)", "https://xn--cme-5cd.example/"),
        # Punctuation drawn like an address's reads as it: a one dot leader, an ideographic full stop, a division
        # slash, a fullwidth solidus.
        ("[https://acme\u2024example/verify](https://evil.example/v)", "https://evil.example/v"),
        ("[acme\u3002example](https://evil.example/)", "https://evil.example/"),
        ("[https:\u2215\u2215acme.example](https://evil.example/)", "https://evil.example/"),
        ("[acme.example\uff0flogin](https://evil.example/)", "https://evil.example/"),
        ("[help\uff20acme.example](mailto:help@evil.example)", "help@evil.example"),
        # A mailto's to, cc and bcc fields write to more addresses than its words name (RFC 6068): all are shown.
        ("[help@acme.example](mailto:help@acme.example?bcc=spy@evil.example)", "help@acme.example,spy@evil.example"),
        (
            "[help@acme.example](mailto:help@acme.example?subject=Hi&CC=spy@evil.example)",
            "help@acme.example,spy@evil.example",
        ),
        (
            "[help@acme.example](mailto:help@acme.example?%62cc=spy%40evil.example)",
            "help@acme.example,spy@evil.example",
        ),
        ("[help@acme.example](mailto:?to=help@acme.example&to=spy@evil.example)", "help@acme.example,spy@evil.example"),
        (
            "[Write to help@acme.example](mailto:help@acme.example?cc=spy@evil.example)",
            "help@acme.example,spy@evil.example",
        ),
        # An address elsewhere in a mailto than its recipient fields, where some mail program may read it as one (a
        # field after a second "?" or a ";", a field name or "=" percent-encoded, in a body): the whole link shows.
        (
            "[help@acme.example](mailto:help@acme.example??bcc=spy@evil.example)",
            "help@acme.example??bcc=spy@evil.example",
        ),
        (
            "[help@acme.example](mailto:help@acme.example?subject=Hi;bcc=spy@evil.example)",
            "help@acme.example?subject=Hi;bcc=spy@evil.example",
        ),
        (
            "[help@acme.example](mailto:help@acme.example?subject=Hi?bcc=spy@evil.example)",
            "help@acme.example?subject=Hi?bcc=spy@evil.example",
        ),
        (
            "[help@acme.example](mailto:help@acme.example?bcc%3Dspy%40evil.example)",
            "help@acme.example?bcc=spy@evil.example",
        ),
        (
            "[help@acme.example](mailto:help@acme.example?body=Forward%20to%20spy@evil.example)",
            "help@acme.example?body=Forward to spy@evil.example",
        ),
        # The addresses shown never pass a letter of another script for a Latin one (a Cyrillic "а" in "аcme"): one
        # percent-encoded past markdown-it's xn-- form of a mailto's host is shown as written.
        ("[help@acme.example](mailto:help%40\u0430cme.example)", "help%40%D0%B0cme.example"),
        ("[help@acme.example](mailto:?to=help@%D0%B0cme.example)", "help@%D0%B0cme.example"),
        (
            "[help@acme.example](mailto:help@acme.example?cc=x@\u0430cme.example)",
            "help@acme.example,x@%D0%B0cme.example",
        ),
        # An address among other words reads as one when nothing else could be it.
        ("[Verify at https://acme.example/verify](https://evil.example/v)", "https://evil.example/v"),
        ("[Log in at www.acme.example.](https://evil.example/)", "https://evil.example/"),
        ("[Write to help@acme.example](mailto:help@evil.example)", "help@evil.example"),
        ("[See (acme.example/verify), today](https://evil.example/)", "https://evil.example/"),
        # An address whose host is an IP literal is an address too.
        ("[https://192.168.1.1/login](https://evil.example/)", "https://evil.example/"),
        ("[Log in at http://10.0.0.1:8080/](https://evil.example/)", "https://evil.example/"),
        ("[https://[2001:db8::1]/login](https://evil.example/)", "https://evil.example/"),
        ("[https://10.0.0.1/](https://10.0.0.2/)", "https://10.0.0.2/"),
        # Words that promise https over a link in clear text, to the same host.
        ("[https://acme.example/verify](http://acme.example/verify)", "http://acme.example/verify"),
        ("[Verify at https://acme.example/](http://acme.example/)", "http://acme.example/"),
        ("[HTTPS://acme.example/](HTTP://acme.example/)", "HTTP://acme.example/"),
        ("[https://10.0.0.1/](http://10.0.0.1/)", "http://10.0.0.1/"),
        # An address's start as a browser reads it: no scheme and two slashes (protocol-relative), a scheme with one
        # slash or none, backslashes for slashes: each goes to the host after it, and reads as it.
        ("[//acme.example/verify](https://evil.example/)", "https://evil.example/"),
        ("[Verify at //acme.example/verify](https://evil.example/)", "https://evil.example/"),
        ("[https:/acme.example/verify](https://evil.example/)", "https://evil.example/"),
        ("[https:acme.example](https://evil.example/)", "https://evil.example/"),
        ("[Verify at https:acme.example](https://evil.example/)", "https://evil.example/"),
        ("[https:\\\\acme.example\\verify](https://evil.example/)", "https://evil.example/"),
        ("[//10.0.0.1/](https://10.0.0.2/)", "https://10.0.0.2/"),
        ("[https:/acme.example/](http://acme.example/)", "http://acme.example/"),
        # Words with a user name before the host read as that name (as the destination shown leaves it out).
        ("[https://acme.example@evil.example/](https://evil.example/)", "https://evil.example/"),
        ("[https://acme.example@evil.example/](https://acme.example@evil.example/)", "https://evil.example/"),
        ("[Log in at https://acme.example:pw@evil.example/](https://evil.example/)", "https://evil.example/"),
        # On one host, words naming a path name that place: a page of another account on a shared host is another
        # place (github.com/acme-org is not github.com/evil-org).
        ("[github.com/acme-org](https://github.com/evil-org)", "https://github.com/evil-org"),
        (
            "[Releases at https://github.com/acme/tool/releases](https://github.com/evil/tool/releases)",
            "https://github.com/evil/tool/releases",
        ),
        ("[https://acme.example/verify](https://acme.example/verify-evil)", "https://acme.example/verify-evil"),
        ("[acme.example/?id=1](https://acme.example/?id=2)", "https://acme.example/?id=2"),
        # The path as the browser resolves it: dot segments, percent-encoded or not, climb out of the one named.
        ("[github.com/acme-org](https://github.com/acme-org/../evil-org)", "https://github.com/evil-org"),
        (
            "[github.com/acme-org](https://github.com/acme-org/%2e%2E/evil-org)",
            "https://github.com/evil-org",
        ),
        (
            "[github.com/acme-org/](https://github.com/acme-org/./../evil-org)",
            "https://github.com/evil-org",
        ),
        # A link written with one slash, none or three after its scheme goes where a browser reads it (the host after
        # any slashes, a user name before it left out): its words are weighed against that, and it shows so.
        ("[acme.example](https:evil.example/)", "https://evil.example/"),
        ("[acme.example](https:%2F%2Facme.example@evil.example/)", "https://evil.example/"),
        ("[acme.example](https:///acme.example@evil.example/)", "https://evil.example/"),
        ("[acme.example](HTTP:/evil.example/x)", "HTTP://evil.example/x"),
        # A host whose last label is an international one in its xn-- form (acme.рф) is a host too.
        ("[acme.xn--p1ai](https://evil.example/)", "https://evil.example/"),
        ("[Log in at www.acme.xn--p1ai/login](https://evil.example/)", "https://evil.example/"),
        ("[help@acme.xn--p1ai](mailto:help@evil.example)", "help@evil.example"),
        # Words with a scheme (or two slashes) are an address whatever their host: one label, a number.
        ("[https://intranet/grades](https://evil.example/)", "https://evil.example/"),
        ("[Log in at HTTPS://acme/](https://evil.example/)", "https://evil.example/"),
        ("[https://2130706433/](https://evil.example/)", "https://evil.example/"),
        ("[http:acme](https://evil.example/)", "https://evil.example/"),
        ("[//localhost:8080/](https://evil.example/)", "https://evil.example/"),
    ],
)
def test_a_link_reading_as_another_address_shows_where_it_goes(source: str, shown: str) -> None:
    # Words that read as a web or email address are what a reader trusts: they must be where the link goes.
    html = render_markdown(source)
    assert re.fullmatch(rf'<p><a href="[^"]+" rel="nofollow noopener">{re.escape(shown)}</a></p>\n', html), html


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("[acme.example](https://acme.example/about)", "acme.example"),
        ("[www.Acme.example/about](https://acme.example/about)", "www.Acme.example/about"),
        ("[https://acme.example](https://www.acme.example/)", "https://acme.example"),
        # The same address, spelt another way: a trailing slash, capitals, "www.", the root's trailing dot.
        ("[https://acme.example](https://acme.example/)", "https://acme.example"),
        ("[HTTPS://ACME.EXAMPLE/](https://acme.example/)", "HTTPS://ACME.EXAMPLE/"),
        ("[https://www.acme.example](HTTPS://Acme.Example/)", "https://www.acme.example"),
        ("[https://acme.example](https://acme.example./)", "https://acme.example"),
        ("[help@acme.example](mailto:help@acme.example)", "help@acme.example"),
        # Fields that only fill in the mail, and a to field naming the words' address, write to no one else.
        ("[help@acme.example](mailto:help@acme.example?subject=Hi&body=x)", "help@acme.example"),
        ("[help@acme.example](mailto:?to=help@acme.example)", "help@acme.example"),
        ("[our syllabus](https://evil.example/)", "our syllabus"),  # words, not an address
        ("[Node.js, v22](https://nodejs.example/)", "Node.js, v22"),
        ("<https://acme.example/x>", "https://acme.example/x"),
        ("[docs.python.org](https://docs.python.org/3/)", "docs.python.org"),
        (
            "[Read the guide at https://acme.example/guide.](https://acme.example/guide/v2)",
            "Read the guide at https://acme.example/guide.",
        ),
        ("[Write to help@acme.example](mailto:help@acme.example)", "Write to help@acme.example"),
        (
            "[Built with Node.js and Vue.js](https://evil.example/)",
            "Built with Node.js and Vue.js",
        ),  # names, not addresses
        ("[Version 1.2/3 and/or later](https://evil.example/)", "Version 1.2/3 and/or later"),
        ("[\uff41cme.example](https://acme.example/)", "\uff41cme.example"),  # fullwidth, still that address
        ("[https://192.168.1.1/login](https://192.168.1.1/login)", "https://192.168.1.1/login"),
        ("[https://[2001:DB8::1]/](https://[2001:db8::1]/)", "https://[2001:DB8::1]/"),
        ("[1.2.3.4](https://acme.example/releases)", "1.2.3.4"),  # a version: without a scheme, no address
        ("[http://acme.example/](https://acme.example/)", "http://acme.example/"),  # the link is safer than its words
        ("[acme.example](http://acme.example/)", "acme.example"),  # no scheme promised
        ("[//acme.example/verify](https://acme.example/verify)", "//acme.example/verify"),
        ("[https:/acme.example/](https://acme.example/)", "https:/acme.example/"),
        ("[/index.html](https://evil.example/)", "/index.html"),  # a path: one slash names no host
        ("[Time: 10.30 and/or later](https://evil.example/)", "Time: 10.30 and/or later"),
        ("[https://intranet/grades](https://INTRANET./grades)", "https://intranet/grades"),
        ("[acme.example](https:acme.example/)", "acme.example"),
        ("[https://acme.example/verify](https:///acme.example/verify)", "https://acme.example/verify"),
        # Words naming a path over a link to that path or below it, spelt alike or percent-encoded.
        ("[github.com/acme-org](https://github.com/acme-org/tool)", "github.com/acme-org"),
        ("[github.com/acme-org](https://github.com/acme-org/x/../tool)", "github.com/acme-org"),
        ("[acme.example/verify/](https://acme.example/verify/x?y#z)", "acme.example/verify/"),
        ("[acme.example/café](https://acme.example/caf%C3%A9)", "acme.example/café"),
        ("[https:\\\\acme.example\\verify](https://acme.example/verify)", "https:\\acme.example\\verify"),
        ("[acme.xn--p1ai](https://acme.xn--p1ai/)", "acme.xn--p1ai"),
        ("[Note:this and that](https://evil.example/)", "Note:this and that"),  # a colon after a word: words
    ],
)
def test_a_link_reading_as_its_own_address_or_as_words_keeps_them(source: str, words: str) -> None:
    html = render_markdown(source)
    assert re.fullmatch(rf'<p><a href="[^"]+" rel="nofollow noopener">{re.escape(words)}</a></p>\n', html), html


def test_link_words_are_read_in_linear_time() -> None:
    # Words of one long "address" (a Markdown field holds 20,000 characters): the email pattern placed the
    # domain's dot by backtracking over every dot, seconds for one link, on every page that shows the text.
    import time

    words = "a@" + "." * 19_900 + "@"
    started = time.perf_counter()
    html = render_markdown(f"[{words}](https://evil.example/)")
    assert time.perf_counter() - started < 0.5
    assert words in html


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        ("help@acme.example", "https://evil.example/"),
        ("mailto:help@acme.example", "https://evil.example/"),
        ("help@.example", "help@.example"),  # no dot inside the domain: not an address
        ("help@example.", "help@example."),
        ("help@a.b", "https://evil.example/"),
    ],
)
def test_an_email_address_is_a_domain_with_a_dot_inside(words: str, shown: str) -> None:
    html = render_markdown(f"[{words}](https://evil.example/)")
    assert re.fullmatch(rf'<p><a href="[^"]+" rel="nofollow noopener">{re.escape(shown)}</a></p>\n', html), html


_TOWER = "e" + "&#x301;" * 12


@pytest.mark.parametrize(
    "source",
    ["Pay at &#x202E;moc.elpmaxe-emca", "Pay at &#8238;moc.elpmaxe-emca", "a&#x200B;b &ZeroWidthSpace; &rlm;&lrm;&shy;",
     "line&#x2028;break", _TOWER, f"[pay {_TOWER}](https://acme.example)", "![&#x202e;alt](https://acme.example/x.png)",
     '[pay](https://acme.example "&#x202E;title")', f'[pay](https://acme.example "{_TOWER}")',
     "<https://acme.example/%E2%80%AEexe.txt>", "<https://acme.example/%E2%80%8Bx>",
     "<https://acme.example/e" + "%CC%81" * 12 + ">", "&NotEqualTilde;" * 8,
     # A mailto link's words give way to its address, shown decoded: the override came back.
     "<pay%E2%80%AE@acme.example>", "<mailto:pay%E2%80%AE@acme.example>",
     "[help@acme.example](mailto:pay%E2%80%AE@evil.example)",
     "[help@acme.example](mailto:e" + "%CC%81" * 12 + "@evil.example)"],
)  # fmt: skip
def test_markdown_never_writes_a_character_the_registry_refuses_in_its_text(source: str) -> None:
    # The models refuse bidi overrides, zero-width and other unseen characters, and letters carrying towers of
    # combining marks, in every text an issuer writes: but they read the Markdown as written, and a character
    # reference (&#x202E;) or an autolink's percent-encoding (%E2%80%AE) became that character on the page: a
    # description could read backwards ("Pay at moc.elpmaxe-emca" shown as acme-example.com), hide text, or draw
    # over the cards around it. A reference to such a character is shown as written, as CommonMark shows an
    # unknown one; an autolink shows its address as encoded; a link title holding one is left out.
    from generator._internal.text import first_unseen, mark_tower

    html = render_markdown(source)
    assert first_unseen(html) is None
    assert mark_tower(html) is None


def test_an_image_shows_its_words_as_a_reader_reads_them() -> None:
    # The words of an image (kept, not fetched) were its source: "caf&#xe9; *b* &amp;" showed the reference, the
    # stars and "&amp;" as written. They are read as any words are, a reference to what the models refuse still
    # shown as written.
    html = render_markdown("![caf&#xe9; *b* &amp; `c` e&#x202E;](https://acme.example/x.png)")
    assert html == "<p>café b &amp; c e&amp;#x202E;</p>\n"
    assert render_markdown("![e" + "&#x301;" * 3 + "](https://acme.example/x.png)" + "&#x301;" * 4).count("\u0301") < 7


def test_a_refused_character_reference_is_shown_as_written() -> None:
    assert render_markdown("Pay at &#x202E;moc") == "<p>Pay at &amp;#x202E;moc</p>\n"
    assert render_markdown("caf&#xe9; &amp; e&#x301;") == "<p>café &amp; e\u0301</p>\n"  # others still decode
    assert 'title="t"' in render_markdown('[p](https://acme.example "t")')
    # An email address so spelt shows encoded, as written (not "mailto:"), and still decodes when it may.
    assert ">pay%E2%80%AE@acme.example</a>" in render_markdown("<pay%E2%80%AE@acme.example>")
    assert ">pay%E2%80%AE@evil.example</a>" in render_markdown("[help@acme.example](mailto:pay%E2%80%AE@evil.example)")
    assert ">caf\u00e9@evil.example</a>" in render_markdown("[help@acme.example](mailto:caf%C3%A9@evil.example)")


@pytest.mark.parametrize(
    "words",
    ["acme.exa\u034fmple", "acme.example\ufe0f", "https://acme.example\U000e0041", "see acme.exa\u034fmple/verify",
     "acme.exa\u180bmple"],
)  # fmt: skip
def test_link_words_read_as_an_address_whatever_shows_as_nothing_in_them(words: str) -> None:
    # "[acme.exa<U+034F>mple](https://evil.example)": the combining grapheme joiner (and a variation selector, a tag
    # character: characters real text may hold, so the models let them be) shows as nothing, so the words read as
    # acme.example, yet they matched no address's pattern and stayed over a link to evil.example.
    html = render_markdown(f"[{words}](https://evil.example)")
    assert ">https://evil.example</a>" in html


def test_a_long_mailto_link_is_read_in_linear_time() -> None:
    # The addresses a mailto link names anywhere in it are looked for in a Markdown field of 20,000 characters.
    import time

    started = time.perf_counter()
    html = render_markdown(f"[help@acme.example](mailto:help@acme.example?body={'a' * 19_900})")
    assert time.perf_counter() - started < 0.5
    assert ">help@acme.example</a>" in html


@pytest.mark.parametrize(
    ("email", "href"),
    [
        ("help@acme.example", "mailto:help@acme.example"),
        # What a mailto URL reads as its own (RFC 6068): a "?" starting fields, "#", "%", "&", "=", "/".
        ("help?bcc=spy@acme.example", "mailto:help%3Fbcc%3Dspy@acme.example"),
        ("a%40evil.example#@acme.example", "mailto:a%2540evil.example%23@acme.example"),
        ("a&b/c@acme.example", "mailto:a%26b%2Fc@acme.example"),
    ],
)
def test_an_issuer_contact_address_is_one_mailto_recipient_shown_as_written(email: str, href: str) -> None:
    # The models allow these characters in an address's local part; written raw into a mailto link they started
    # its fields or a fragment, and the link wrote to another address than the page showed (or to none).
    assert mailto_href(email) == href
    assert external_link(href, email) == f'<a href="{esc(href)}" rel="nofollow noopener">{esc(email)}</a>'


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\u200b", "\ufeff"])
def test_the_pages_guard_links_to_no_url_holding_a_control_or_unseen_character(char: str) -> None:
    # The models refuse these in a URL (plain_url); the page's own guard refused only tab, CR, LF and NUL, and a
    # bidi override or a line separator in a link reads as another address than it is.
    assert external_href(f"https://acme.example/{char}x") is None
    assert external_href(f"mailto:help@acme.example{char}") is None


@pytest.mark.parametrize(
    ("source", "title"),
    [
        ('[Verify](https://evil.example/ "https://acme.example/verify")', None),
        ('[Verify](https://evil.example/ "Log in at acme.example/login")', None),
        ("[Write](mailto:help@acme.example?bcc=spy@evil.example 'help@acme.example')", None),
        ('[Verify](https://acme.example/verify "acme.example")', "acme.example"),
        ('[Verify](https://evil.example/ "Our results page")', "Our results page"),
    ],
)
def test_a_link_title_reading_as_another_address_is_left_out(source: str, title: str | None) -> None:
    # A title is words shown over the link on hover, where a reader looks to see where a link goes.
    html = render_markdown(source)
    assert ("title=" in html) == (title is not None), html
    if title is not None:
        assert f'title="{title}"' in html
