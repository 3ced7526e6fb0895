"""A body's name names it alone, as a reader sees it: an issuer (or endorser) whose name reads like another's, in
another case, with other spaces or with letters of another script drawn alike (Cyrillic "А" for Latin "A"), is
refused. The site shows issuers by name (cards, the catalog's Issuer filter, the verification page), so an impostor
could otherwise pass for a registered issuer, and a ``quality_assurance.by`` naming the issuer could resolve to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.check import CheckOptions, run_check
from tests.governance.conftest import errors, shown

ACME_ISSUER = "registry/issuers/acme-academy/issuer.yaml"
IMPOSTOR = "registry/issuers/acme-akademy/issuer.yaml"


def _add_issuer(root: Path, issuer_id: str, name: str) -> str:
    text = (root / ACME_ISSUER).read_text(encoding="utf-8")
    text = text.replace("id: acme-academy", f"id: {issuer_id}").replace("name: Acme Academy", f"name: {name}")
    text = text.replace("acme.example", "impostor.example")
    rel = f"registry/issuers/{issuer_id}/issuer.yaml"
    (root / rel).parent.mkdir(parents=True)
    (root / rel).write_text(text, encoding="utf-8")
    return rel


@pytest.mark.parametrize(
    "name",
    [
        "'Acme Academy'",  # the same name
        "'acme   ACADEMY'",  # case and spaces
        "'\u0410cme Academy'",  # CYRILLIC CAPITAL LETTER A
        "'Acm\u0435 Ac\u0430d\u0435my'",  # Cyrillic e and a
        "'\u0391cme \u0391cademy'",  # GREEK CAPITAL LETTER ALPHA
        "'\uff21cme Academy'",  # FULLWIDTH LATIN CAPITAL LETTER A
        "acme-academy",  # the other issuer's id
        "'Acme Academy\u200d'",  # ZERO WIDTH JOINER: shows as nothing
        "'Ac\u034fme Academy'",  # COMBINING GRAPHEME JOINER
        "'Acme Academy\ufe0f'",  # VARIATION SELECTOR-16
        "'Acme\u2800Academy'",  # BRAILLE PATTERN BLANK: drawn as a space
    ],
    ids=[
        "same",
        "case-and-spaces",
        "cyrillic-a",
        "cyrillic-e-a",
        "greek-alpha",
        "fullwidth",
        "id",
        "zero-width-joiner",
        "grapheme-joiner",
        "variation-selector",
        "braille-blank",
    ],
)
def test_an_issuer_named_like_another_issuer_is_refused(registry_dir: Path, name: str) -> None:
    rel = _add_issuer(registry_dir, "acme-akademy", name)
    report = run_check(registry_dir, CheckOptions(progress=False))
    found = errors(report, "issuer.duplicate-name")
    assert rel in {p.location.path for p in found}, shown(report.problems)
    [problem] = [p for p in found if p.location.path == rel]
    assert problem.field == "name"
    assert "is already a name, alias or id of acme-academy:" in problem.message
    if "\u0410" in name:  # the reviewer is told which letter is not what it looks like
        assert "(its character 1 is U+0410 CYRILLIC CAPITAL LETTER A, which reads as 'a')" in problem.message
    if "\u200d" in name:  # and which character shows as nothing
        assert "(its character 13 is U+200D ZERO WIDTH JOINER, which shows as nothing)" in problem.message


@pytest.mark.parametrize(
    "name",
    ["'\u2800'", "'\u200d\u2800 \ufe0f'", "'\u034f \u2800'"],
    ids=["braille-blank", "joiner-and-blank", "grapheme-joiner-and-blank"],
)
def test_a_name_that_shows_nothing_is_refused(registry_dir: Path, name: str) -> None:
    """A name of characters that show as nothing or as a space passed as one line with something in it: the
    cards, the catalog's Issuer filter and the verification page named no one where the issuer's name goes."""
    rel = _add_issuer(registry_dir, "acme-akademy", name)
    report = run_check(registry_dir, CheckOptions(progress=False))
    found = [p for p in errors(report) if p.location.path == rel and p.field == "name"]
    assert found, shown(report.problems)
    assert "shows nothing" in found[0].message, found[0].message


@pytest.mark.parametrize(
    "name",
    ["'Acme Academy\U000e0041'", "'Acme\ufff9 Academy\ufffb'", "'\ufff9\ufffa \ufffb'"],
    ids=["tag", "annotation-marks", "only-annotation-marks"],
)
def test_a_name_holding_a_character_no_text_may_hold_is_refused_as_such(registry_dir: Path, name: str) -> None:
    """A tag character (which can spell hidden ASCII) and the interlinear annotation marks (a browser draws nothing)
    are UNSEEN: refused in any registry text, before the look-alike rule would weigh the name against another's."""
    rel = _add_issuer(registry_dir, "acme-akademy", name)
    report = run_check(registry_dir, CheckOptions(progress=False))
    found = [p for p in errors(report) if p.location.path == rel and p.field == "name"]
    assert [p.code for p in found] == ["schema.pattern"], shown(report.problems)
    assert "no control or bidi characters" in found[0].message


def test_an_issuer_with_a_name_of_its_own_is_accepted(registry_dir: Path) -> None:
    _add_issuer(registry_dir, "acme-akademy", "Acme Akademy Oslo")
    report = run_check(registry_dir, CheckOptions(progress=False))
    assert errors(report) == [], shown(report.problems)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bundesagentur für Arbeit", "Bundesagentur fur Arbeit"),  # an accent is a difference a reader sees
        ("Московский университет", "Moskovskiy universitet"),  # a name in Cyrillic is not a Latin lookalike
        ("Ελληνικό Ανοικτό Πανεπιστήμιο", "Hellenic Open University"),
        ("Наука", "Hayka"),  # Cyrillic small н and к read as nothing Latin
        ("Երևանի պետական համալսարան", "Yerevan State University"),
    ],
)
def test_names_that_read_differently_are_different(a: str, b: str) -> None:
    from generator._internal.text import lookalike_key, lookalike_keys

    assert lookalike_key(a) != lookalike_key(b)
    assert not lookalike_keys(a) & lookalike_keys(b)


def test_whole_script_lookalikes_are_one_name() -> None:
    from generator._internal.text import lookalike_key

    # Every letter Cyrillic, and it still reads "Acme": as much an impostor as one mixed letter.
    assert lookalike_key("\u0410\u0441\u0435 \u0420\u0435\u0440\u0435") == lookalike_key("Ace Pepe")


def test_an_issuer_named_like_another_issuers_former_name_is_refused(registry_dir: Path) -> None:
    rel = _add_issuer(registry_dir, "acme-akademy", "'ACME academy'")
    # Acme Academy became Acme Data School: its earlier awards still carry the former name.
    issuer = registry_dir / ACME_ISSUER
    text = issuer.read_text(encoding="utf-8").replace("name: Acme Academy", "name: Acme Data School")
    issuer.write_text(
        text + "former_profiles:\n  - until: 2024-06-30\n    name: Acme Academy\n    url: https://acme.example\n"
        "    email: credentials@acme.example\n",
        encoding="utf-8",
    )
    report = run_check(registry_dir, CheckOptions(progress=False))
    [problem] = errors(report, "issuer.duplicate-name")
    assert problem.location.path == rel, shown(report.problems)
    assert problem.message.startswith("'ACME academy' is a former name of acme-academy, which its earlier awards")


@pytest.mark.parametrize(
    ("existing", "impostor"),
    [
        ("Наука", "НАУКА"),  # Cyrillic н, к: their capitals read as Latin H, K, the small letters do not
        ("Νέα Σχολή", "ΝΈΑ ΣΧΟΛΉ"),  # Greek ν reads as v, its capital Ν as N
        ("Тема", "ТЕМА"),
    ],
)
def test_a_name_in_another_case_of_a_non_latin_script_is_refused(
    registry_dir: Path, existing: str, impostor: str
) -> None:
    # The name check compared names case-folded before lookalikes were read (and quality_assurance.by still
    # resolves a name ignoring case, recognition.endorser_for_name): the same name in capitals must still clash,
    # whichever script it is written in.
    first = _add_issuer(registry_dir, "body-one", f"'{existing}'")
    text = (registry_dir / first).read_text(encoding="utf-8").replace("impostor.example", "one.example")
    (registry_dir / first).write_text(text, encoding="utf-8")
    rel = _add_issuer(registry_dir, "body-two", f"'{impostor}'")
    report = run_check(registry_dir, CheckOptions(progress=False))
    found = errors(report, "issuer.duplicate-name")
    assert rel in {p.location.path for p in found}, shown(report.problems)


@pytest.mark.parametrize(
    ("lookalike", "latin"),
    [
        ("G\u0585\u0585d Sch\u0585\u0585l", "Good School"),  # ARMENIAN SMALL LETTER OH
        ("\u0555pen \u054dniversity", "Open University"),  # ARMENIAN CAPITAL LETTERS OH and SEH
        ("Data \u0570ub", "Data hub"),  # ARMENIAN SMALL LETTER HO
        ("\u0261\u0251me lab", "game lab"),  # LATIN SMALL LETTERS SCRIPT G and ALPHA
    ],
)
def test_armenian_and_latin_lookalikes_read_as_latin(lookalike: str, latin: str) -> None:
    from generator._internal.text import lookalike_keys

    assert lookalike_keys(lookalike) & lookalike_keys(latin)
