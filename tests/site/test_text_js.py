"""The page's copy of the characters no published text may hold (``text.js``) run in Node against
:mod:`generator._internal.text`: the same set over every BMP character, and the same words for where the first
one is (counted in code points, so text beyond the BMP before it counts alike)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from generator._internal.text import (
    MAX_MARKS,
    UNSEEN,
    first_unseen,
    lookalike_key,
    lookalike_keys,
    mark_tower,
    mark_tower_problem,
    terminal_safe,
    unseen_problem,
)
from generator.verify.policies import unregistered_issuer_reason
from tests.site.node_runner import NODE, NodeRunner

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import {
  MAX_MARKS, UNSEEN, lookalikeKey, lookalikeKeys, markTower, markTowerProblem, pyRepr, unseenProblem, visible,
} from "./verify/text.js";
import { unregisteredIssuerReason } from "./verify/policies.js";

for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  let reply;
  if (req.op === "source") reply = { value: UNSEEN };
  else if (req.op === "scan") {
    const found = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) if (unseenProblem(String.fromCodePoint(cp)) !== null) found.push(cp);
    reply = { value: found };
  } else if (req.op === "marks") {
    const found = [];
    for (let cp = 0; cp <= 0x10ffff; cp++)
      if (markTowerProblem("a" + String.fromCodePoint(cp).repeat(MAX_MARKS + 1)) !== null) found.push(cp);
    reply = { value: [MAX_MARKS, found] };
  } else if (req.op === "towers") reply = { value: req.texts.map(markTowerProblem) };
  else if (req.op === "lookalike-all") {
    const found = [];
    for (let cp = 0; cp <= 0x10ffff; cp++)
      if (cp < 0xd800 || cp > 0xdfff) found.push(lookalikeKey(String.fromCodePoint(cp)));
    reply = { value: found };
  } else if (req.op === "lookalike") reply = { value: req.texts.map(lookalikeKey) };
  else if (req.op === "lookalike-keys-all") {
    const found = [];
    for (let cp = 0; cp <= 0x10ffff; cp++)
      if (cp < 0xd800 || cp > 0xdfff) found.push(lookalikeKeys(String.fromCodePoint(cp)).sort());
    reply = { value: found };
  } else if (req.op === "lookalike-keys") reply = { value: req.texts.map((t) => lookalikeKeys(t).sort()) };
  else if (req.op === "namesakes")
    reply = { value: req.names.map((name) => unregisteredIssuerReason("did:key:z6Mkx", name, req.registered)) };
  else if (req.op === "repr") reply = { value: req.values.map(pyRepr) };
  else if (req.op === "repr-all") {
    const found = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) found.push(pyRepr(String.fromCodePoint(cp)));
    reply = { value: found };
  } else if (req.op === "tower-index") reply = { value: req.texts.map(markTower) };
  else if (req.op === "tower-scan") {
    // Each character after six marks on one letter, and a seventh mark after it: null when it starts a new letter,
    // 7 when it is a mark itself, 8 when the letter's cluster goes on across it.
    const found = [];
    const six = "\u0301".repeat(6);
    for (let cp = 0; cp <= 0x10ffff; cp++)
      if (cp < 0xd800 || cp > 0xdfff) found.push(markTower(`a${six}${String.fromCodePoint(cp)}\u0301`));
    reply = { value: found };
  } else if (req.op === "visible-all") {
    const changed = {};
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const char = cp < 0xd800 || cp > 0xdfff ? String.fromCodePoint(cp) : null;
      if (char !== null && visible(`a${char}b`) !== `a${char}b`) changed[cp] = visible(`a${char}b`);
    }
    reply = { value: changed };
  } else if (req.op === "visible") reply = { value: req.texts.map(visible) };
  else reply = { value: req.texts.map(unseenProblem) };
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeRunner]:
    runner = NodeRunner(tmp_path_factory.mktemp("text-js"), RUNNER)
    yield runner
    runner.close()


def _ask(node: NodeRunner, **request: Any) -> Any:
    return node.ask(**request)["value"]


def test_the_same_class_body(node: NodeRunner) -> None:
    assert _ask(node, op="source") == UNSEEN


def test_the_same_characters_over_all_of_unicode(node: NodeRunner) -> None:
    python = [cp for cp in range(0x110000) if first_unseen(chr(cp)) is not None]
    assert _ask(node, op="scan") == python
    assert {0x1B, 0x202E} <= set(python)
    assert not {0x09, 0x0A, 0x0D} & set(python)


TEXTS = [
    "plain text",
    "tab\tand\nline\r\nends",
    "reads \u202ebackwards",
    "\x1b[2J clears",
    "\U0001f4ca\U0001f4ca \u2066isolate",  # two characters beyond the BMP before it: four UTF-16 units
    "lone \ud800 surrogate \u2028",
    "\u0085",
    "",
]


def test_the_same_words(node: NodeRunner) -> None:
    python = [unseen_problem(t) for t in TEXTS]
    assert _ask(node, op="words", texts=TEXTS) == python
    assert python[4] == "holds the invisible or control character U+2066 (character 4)"


def test_a_value_quoted_in_a_message_is_quoted_as_python_repr_quotes_it(node: NodeRunner) -> None:
    """A proof's type or cryptosuite in a reason (dataintegrity.js verify, as generator/crypto/dataintegrity.py
    verify_proof says it): quoted by Python's repr on both sides, over every character but the surrogates (the page
    quoted them as JSON: "x" where credreg verify wrote 'x', null for None)."""
    values = ["x", "it's", 'it\'s "both"', 'say "hi"', "back\\slash", "tab\tand\nline", None, True, False, 5, 2.5]
    assert _ask(node, op="repr", values=values) == [repr(v) for v in values]
    everything = [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    js = _ask(node, op="repr-all")
    # Where this Python's Unicode database and Node's assign characters alike: a character assigned in the newer
    # one only is printable there and escaped here (repr follows its own database).
    assigned = [i for i, c in enumerate(everything) if unicodedata.category(c) != "Cn"]
    assert len(assigned) > 250_000
    assert [js[i] for i in assigned] == [repr(everything[i]) for i in assigned]


def test_the_same_combining_marks_over_all_of_unicode(node: NodeRunner) -> None:
    """A letter with seven of a character is a tower on both sides for the same characters (the nonspacing and
    enclosing marks), where this Python's Unicode database and Node's assign characters alike."""
    limit, js = _ask(node, op="marks")
    assert limit == MAX_MARKS
    python = [cp for cp in range(0x110000) if mark_tower_problem("a" + chr(cp) * (MAX_MARKS + 1)) is not None]
    assigned = {cp for cp in range(0x110000) if unicodedata.category(chr(cp)) != "Cn"}
    # Each reads the categories from its own Unicode database (Node's is newer): a few characters assigned since,
    # or moved from Mn to Mc (U+1171E), differ; the rule over them is the same.
    moved = set(python) - set(js)
    assert len(moved) <= 10, sorted(moved)
    assert [cp for cp in js if cp in assigned] == [cp for cp in python if cp not in moved]
    assert {0x0301, 0x20DD, 0x0E49, 0x05B8} <= set(python)  # acute, enclosing circle, Thai tone mark, Hebrew qamats
    assert len(python) > 1900
    assert not {0x200C, 0x200D, 0x0041, 0x0903} & set(python)  # the joiners, a letter, a spacing mark (Mc)


TOWERS = [
    "plain text",
    "Vie\u0302\u0323t Nam",  # two marks
    "a" + "\u0301" * MAX_MARKS,  # six: the limit
    "a" + "\u0301" * (MAX_MARKS + 1),
    "\U0001f4ca\U0001f4ca a" + "\u0301\u200d" * (MAX_MARKS + 1),  # joiners between marks; beyond the BMP before
    "a" + "\u0301" * MAX_MARKS + "b" + "\u0301" * MAX_MARKS,  # six on each of two letters
    "a" + "\u0301" * 3 + "\U0001d167" * 4,  # marks beyond the BMP (musical combining tremolo) count too
    "a" + "\u20dd" * 50,
    "lone \ud800" + "\u0301" * 9,
    "",
]


def test_the_same_words_for_a_tower(node: NodeRunner) -> None:
    python = [mark_tower_problem(t) for t in TOWERS]
    assert _ask(node, op="towers", texts=TOWERS) == python
    assert python[:3] == [None, None, None]
    assert python[3] == "a letter carries more than 6 combining marks (the 7th is character 8)"
    assert python[4] == "a letter carries more than 6 combining marks (the 7th is character 17)"
    assert python[5] is None
    assert python[6] is not None


def test_the_same_lookalike_key_over_all_of_unicode(node: NodeRunner) -> None:
    """Each character read alike (NFKC, case folding, the Cyrillic and Greek letters drawn as Latin ones, spaces)
    where this Python's Unicode database and Node's assign characters alike."""
    everything = [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    js = _ask(node, op="lookalike-all")
    assigned = [i for i, c in enumerate(everything) if unicodedata.category(c) != "Cn"]
    assert len(assigned) > 250_000
    assert [js[i] for i in assigned] == [lookalike_key(everything[i]) for i in assigned]


NAMES = [
    "Acme Academy",
    "  ACME\t\u3000academy\x1c ",  # Python's whitespace (U+001C too), collapsed; case ignored
    "\u0410\u0441\u0435 \u0420\u0435\u0440\u0435",  # Cyrillic capitals and small letters
    "\u0391\u0392\u0395 \u03bf\u03bd\u03b9",  # Greek
    "\uff21\uff43\uff4d\uff45 \ufb01ne \U0001d400\U0001d41b\U0001d41c",  # fullwidth, a ligature, mathematical
    "Stra\u00dfe STRASSE Stra\u1e9ee",  # ß and ẞ fold to ss
    "\u039f\u0394\u039f\u03a3 \u03bf\u03b4\u03bf\u03c2",  # a final sigma folds as any sigma
    "\u13a0\uab70 \u13f8\u13f0",  # Cherokee capitals and small letters
    "\u0130stanbul \u0131zmir",  # dotted capital I, dotless small i
    "Mu\u0308ller M\u00fcller Muller",  # accents stay; composed and decomposed alike
    "\u2167 \u00bd \u2474",  # compatibility forms of numbers
    INVISIBLES := "Acme\u200d Ac\u034fademy\ufe0f\U000e0041\u2800x",  # what shows as nothing left out, a blank a space
    "Московский университет",
    "\u00c5ngstr\u00f6m \u212bngstr\u00f6m",  # the angstrom sign is Å
    "\u00b5 \u03bc \u0345 \u03b9",
    "",
]


def test_the_same_lookalike_key_for_names(node: NodeRunner) -> None:
    python = [lookalike_key(name) for name in NAMES]
    assert _ask(node, op="lookalike", texts=NAMES) == python
    assert python[0] == python[1] == "acme academy"
    assert python[2] == lookalike_key("Ace Pepe")
    assert len(set(python[5].split())) == 1
    assert python[6].split()[0] == python[6].split()[1]
    assert python[NAMES.index(INVISIBLES)] == "acme academy x"


def test_the_same_lookalike_keys_over_all_of_unicode(node: NodeRunner) -> None:
    """Both keys (lookalike capitals read first, and case folded first) alike for each assigned character."""
    everything = [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    js = _ask(node, op="lookalike-keys-all")
    assigned = [i for i, c in enumerate(everything) if unicodedata.category(c) != "Cn"]
    assert [js[i] for i in assigned] == [sorted(lookalike_keys(everything[i])) for i in assigned]


def test_the_same_lookalike_keys_for_names(node: NodeRunner) -> None:
    python = [sorted(lookalike_keys(name)) for name in NAMES]
    assert _ask(node, op="lookalike-keys", texts=NAMES) == python
    assert set(python[0]) & set(python[1])


def test_an_issuer_named_like_a_registered_one_but_for_case(node: NodeRunner) -> None:
    """The check refuses two bodies whose names share either lookalike key (validate._body_names): a name that
    differs from a registered issuer's only in case, in a script whose capitals read as Latin letters and whose
    small letters do not (Cyrillic НАУКА and Наука), reads like it here too, on the page as in the CLI."""
    registered = {"nauka": "\u041d\u0430\u0443\u043a\u0430", "nea": "\u039d\u03b5\u03b1"}
    names = ["\u041d\u0410\u0423\u041a\u0410", "\u039d\u0395\u0391", "\u043d\u0430\u0443\u043a\u0430"]
    python = [unregistered_issuer_reason("did:key:z6Mkx", name, registered) for name in names]
    assert _ask(node, op="namesakes", names=names, registered=registered) == python
    assert python[0].endswith("reads like that of nauka, a registered issuer ('Наука'), which it is not")
    assert python[1].endswith("reads like that of nea, a registered issuer ('Νεα'), which it is not")
    assert python[2].endswith("reads like that of nauka, a registered issuer ('Наука'), which it is not")


def test_the_same_words_for_an_issuer_named_like_a_registered_one(node: NodeRunner) -> None:
    registered = {"acme-academy": "Acme Academy", "beta-institute": "Beta Institute", "zeta": "\u0391cme Academy"}
    names = ["Acme Academy", "\u0410cme  ACADEMY", "\uff22eta institute", "it's Beta", "Beta", "   ", 5, None, [1]]
    python = [unregistered_issuer_reason("did:key:z6Mkx", name, registered) for name in names]
    assert _ask(node, op="namesakes", names=names, registered=registered) == python
    assert python[1] == (
        "did:key:z6Mkx is not an issuer registered in this registry; its name 'Аcme  ACADEMY' reads like that of "
        "acme-academy, a registered issuer ('Acme Academy'), which it is not"
    )
    assert python[2].endswith(
        "reads like that of beta-institute, a registered issuer ('Beta Institute'), which it is not"
    )
    assert python[3:] == ["did:key:z6Mkx is not an issuer registered in this registry"] * 6


def test_an_issuer_named_like_a_registered_one_in_a_language_is_said_to_be_so(node: NodeRunner) -> None:
    """A name written as VC 2.0 and OB 3.0 allow (a value object, or a list of them, each with its language) is
    shown by both verifiers as its words ('Acme Academy [en]'): an issuer elsewhere naming itself a registered
    issuer so was shown under that name with no word that it reads like one (only a name as text was compared).
    Each value is compared, none picked over another; the name is quoted as it is shown."""
    registered = {"acme-academy": "Acme Academy", "beta-institute": "Beta Institute"}
    names: list[Any] = [
        {"@value": "Acme Academy"},
        [{"@value": "Acme Academy", "@language": "en"}],
        [{"@value": "Example Corp", "@language": "en"}, {"@value": "\u0410cme  ACADEMY", "@language": "ru"}],
        {"@value": "Beta", "@language": "en"},
        [{"@value": "   "}],
        [{"@value": "Acme Academy", "@language": 5}],  # no name (a refused shape): as the page shows it
        [{"@value": "Acme Academy", "@type": "x"}],
        [*({"@value": f"n{i}"} for i in range(5000)), {"@value": "Beta Institute"}],  # many values, one alike
    ]
    python = [unregistered_issuer_reason("did:key:z6Mkx", name, registered) for name in names]
    assert _ask(node, op="namesakes", names=names, registered=registered) == python
    alike = "reads like that of acme-academy, a registered issuer ('Acme Academy'), which it is not"
    assert python[0].endswith(f"its name 'Acme Academy' {alike}")
    assert python[1].endswith(f"its name 'Acme Academy [en]' {alike}")
    assert python[2].endswith(f"its name 'Example Corp [en] / \u0410cme  ACADEMY [ru]' {alike}")
    assert python[3:7] == ["did:key:z6Mkx is not an issuer registered in this registry"] * 4
    assert python[7].endswith(
        "reads like that of beta-institute, a registered issuer ('Beta Institute'), which it is not"
    )


#: Where a tower starts, counted alike: what goes on with a letter (a spacing mark, an invisible format character)
#: does not start a new one, and real clusters (Vietnamese, Burmese) are none.
CLUSTERS = [
    "plain text",
    "Acme A" + "\u030d" * 7 + "cademy",
    "e" + "\u0301" * 6,
    "\U0001f4ca\U0001f4ca e" + "\u0301" * 7,  # counted in code points: two characters beyond the BMP before it
    "a" + ("\u0301" * 6 + "\u0903") * 2,  # a spacing mark goes on with the letter
    "a" + ("\u0301" * 6 + "\U000e0020") * 2,  # and so does an invisible format character beyond the BMP
    "a" + "\u0301\u200d" * 7,
    "Vie\u0323\u0302t Nam",
    "\u1000\u103c\u103d\u103e\u102d\u102f\u1036\u1037",
    # JSON may carry lone surrogates: each is one character, and a new (unassigned) letter, on either side.
    "a" + "\u0301" * 6 + "\ud800" + "\u0301" * 6,
    "\udc00" * 3 + "a" + "\u0301" * 7,
    "\ud83d" + "\U0001d167" * 7,  # marks beyond the BMP after a lone high surrogate
]


def test_the_same_mark_towers(node: NodeRunner) -> None:
    python = [mark_tower(t) for t in CLUSTERS]
    assert _ask(node, op="tower-index", texts=CLUSTERS) == python
    assert python[3] == 10
    assert None not in python[4:6]
    assert python[7:9] == [None, None]
    assert python[9:] == [None, 10, 7]


#: Characters whose category a later Unicode changed between these classes (a mark, going on with the letter,
#: another): U+1171E AHOM CONSONANT SIGN MEDIAL RA, Mn in Unicode 14, Mc since 15.
RECLASSIFIED = {0x1171E}


def test_the_same_marks_over_all_of_unicode(node: NodeRunner) -> None:
    """Which characters are marks, which go on with a letter and which start a new one, over every character:
    where this Python's Unicode database and Node's assign characters alike (a character assigned in the newer
    one only has its category there, and none here)."""
    everything = [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    js = _ask(node, op="tower-scan")
    assigned = [i for i, c in enumerate(everything) if unicodedata.category(c) != "Cn" and ord(c) not in RECLASSIFIED]
    six = "\u0301" * 6
    assert [js[i] for i in assigned] == [mark_tower(f"a{six}{everything[i]}\u0301") for i in assigned]
    assert {js[ord("\u0301")], js[ord("\u0903")], js[ord("b")]} == {7, 8, None}


def test_a_credential_s_words_are_shown_with_what_shows_as_nothing_written_out(node: NodeRunner) -> None:
    """visible (how the page shows a file's words): exactly the UNSEEN characters are written out, each in the form
    Python's repr escapes it (as credreg verify prints it), a letter's marks beyond MAX_MARKS too, and every other
    character is left as it is."""
    changed = {int(cp): text for cp, text in _ask(node, op="visible-all").items()}
    assert set(changed) == {cp for cp in range(0x110000) if first_unseen(chr(cp)) is not None}
    # Python's escape forms, as terminal_safe writes them for credreg verify (a tag character beyond the BMP as
    # \U000e0041, where its escape ends); repr itself leaves the Hangul fillers (letters to Python) as they are.
    assert {cp: t for cp, t in changed.items() if t != f"a{terminal_safe(chr(cp))}b"} == {}
    assert changed[0xE0041] == "a\\U000e0041b" == f"a{repr(chr(0xE0041))[1:-1]}b"
    assert changed[0x202E] == f"a{repr(chr(0x202E))[1:-1]}b" == "a\\u202eb"
    tower = "Tower" + "\u0301" * 300 + " next\u0301"
    shown = _ask(node, op="visible", texts=[tower, "tab\tline\nend \u0645\u0631\u062d\u0628\u0627 Zo\u00eb"])
    assert mark_tower(shown[0]) is None
    assert shown[0] == "Tower" + "\u0301" * MAX_MARKS + "\\u0301" * (300 - MAX_MARKS) + " next\u0301"
    assert shown[1] == "tab\tline\nend \u0645\u0631\u062d\u0628\u0627 Zo\u00eb"


#: Writing a reader must see as it is: each mark, joiner and selector in it belongs to the script, none stacks
#: more than MAX_MARKS on one letter.
SCRIPTS = [
    "مُحَمَّدٌ رَسُولُ اللَّهِ",  # Arabic with shadda and vowels
    "می\u200cخواهم",  # Persian with a zero-width non-joiner
    "क्\u200dष क्\u200cष क्षत्रिय श्री",  # Devanagari with ZWJ and ZWNJ after a virama
    "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",  # an emoji family (ZWJ sequence)
    "\U0001f3f3\ufe0f\u200d\U0001f308 \U0001f9d1\U0001f3fd\u200d\U0001f91d\u200d\U0001f9d1\U0001f3fb",
    "1\ufe0f\u20e3 \U0001f3f4 \u6f22\U000e0100",  # keycap, black flag, a CJK ideographic variant
    unicodedata.normalize("NFD", "Việt Nam, Nguyễn Thị Ánh"),  # Vietnamese decomposed: two marks a letter
    "בְּרֵאשִׁ֖ית בָּרָ֣א",  # Hebrew with points and cantillation
    "กี่ ที่ น้ำ བསྒྲུབས་",  # Thai tone marks, a Tibetan stack
    "a" + "\u0301\u0302\u0303\u0304\u0306\u0307",  # six marks: the most one letter may carry
]


def test_writing_in_any_script_is_shown_as_it_is(node: NodeRunner) -> None:
    assert _ask(node, op="visible", texts=SCRIPTS) == SCRIPTS
    assert all(first_unseen(t) is None and mark_tower(t) is None for t in SCRIPTS)  # and Python publishes it
