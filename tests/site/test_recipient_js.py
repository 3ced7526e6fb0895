"""The recipient rules of the page (``policies.js``) against :mod:`generator.openbadges` and
:mod:`generator.verify.policies`, over the same generated inputs, in Node.

Whether "awarded to …" is said hangs on three small rules both verifiers apply before any hash is compared: the
forms of a typed address (``identifierForms``: trimmed by Python's whitespace, lowercased, NFC, an address's
shape), a typed recipient key (``normalizeRecipientKey``) and which identifiers are compared at all
(``comparableIdentifier``). The example tests (test_verify_js.py) hold a few spellings; this one mixes the
characters each rule is about (Python's whitespace and what only one language calls space, controls, composed and
decomposed accents, case pairs whose lowercase differs by language, lone surrogates, look-alike "@"), seeded.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.openbadges import identifier_forms, normalize_recipient_key
from generator.verify.policies import comparable_identifier
from tests.site.node_runner import NODE, NodeRunner

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { comparableIdentifier, identifierForms, normalizeRecipientKey } from "./verify/policies.js";
for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  let reply;
  try {
    if (req.op === "forms") reply = { forms: identifierForms(req.text) };
    else if (req.op === "key") reply = { key: normalizeRecipientKey(req.text) };
    else reply = { comparable: comparableIdentifier(req.ident) };
  } catch (error) {
    reply = { kind: "error", error: String(error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""

# What each rule is about; only characters both Pythons' and Node's Unicode assign (Python's is older).
ALPHABET = (
    "abzAZ09.-_+@"
    " \t\n\x0b\x0c\r\x1c\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000"  # Python's whitespace
    "\u180e\u200b\ufeff\x00\x7f\x9f"  # space to one reader only, controls
    "\u00e9e\u0301\u00c9E\u0130I\u0131\u03a3\u03c3\u03c2\u00df\u1e9e\u212a\u2126\ufb00"  # NFC, case pairs
    "\uff20\ufe6b\u0040\uff0e"  # look-alike "@" and "."
    "\u3002\uff61\u2024\ufe52\uff45\u2460\ufb01\u043e"  # IDNA's full stops, compatibility letters, a confusable
    "\ud800\udc00\U0001f600\ufffd"  # lone surrogates, an astral character, U+FFFD
)
# Two surrogates side by side are two lone ones in Python, one character once sent to the page as JSON: not a case.
SAMPLES = st.text(alphabet=st.sampled_from(ALPHABET), max_size=12).filter(lambda t: "\ud800\udc00" not in t)


def addresses() -> st.SearchStrategy[str]:
    return st.builds(lambda a, b, c: f"{a}@{b}.{c}", SAMPLES, SAMPLES, SAMPLES) | SAMPLES


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeRunner]:
    runner = NodeRunner(tmp_path_factory.mktemp("recipient-js"), RUNNER)
    yield runner
    runner.close()


def python_forms(text: str) -> list[str] | None:
    try:
        return list(identifier_forms(text))
    except ValueError:
        return None


def python_key(text: str) -> str | None:
    try:
        return normalize_recipient_key(text)
    except ValueError:
        return None


def _assigned(text: str) -> bool:
    return all(unicodedata.category(c) != "Cn" for c in text)


RELAXED = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@RELAXED
@given(text=addresses())
@example(text=" Ada@Example.ORG\u2028")
@example(text="jos\u0065\u0301@example.org")
@example(text="\u0130@example.org")
@example(text="ada\ud800@example.org")
@example(text="ada@example.org\x1c")
@example(text="ada@exa\u180emple.org")
@example(text="ada@example.\u03a3")
@example(text="bo@uni.edu\u3002")
@example(text="bo@uni\u3002edu")
@example(text="bo\uff20uni.edu")
@example(text="bo@uni.\uff45du")
@example(text="bo@uni\u2024edu")
@example(text="b\u043e@uni.edu")
def test_the_forms_of_a_typed_address(node: NodeRunner, text: str) -> None:
    assert _assigned(text)
    assert node.ask(op="forms", text=text)["forms"] == python_forms(text), ascii(text)


@RELAXED
@given(text=SAMPLES)
@example(text=" 0123456789ABCDEFabcdef0123456789 ")
@example(text="\u2028ABCDEF\x85")
@example(text="ABCDEF\ud800")
@example(text="\uff21BC")
def test_a_typed_recipient_key(node: NodeRunner, text: str) -> None:
    assert node.ask(op="key", text=text)["key"] == python_key(text), ascii(text)


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1, 1),
    st.sampled_from(["", "sha256$ab", "emailAddress", "pepper", "\ud800", "a\udc00b", "0", "false"]),
    st.lists(st.none(), max_size=1),
    st.dictionaries(st.just("a"), st.none(), max_size=1),
)
FIELDS = st.sampled_from(["identityType", "hashed", "identityHash", "salt", "type"])


@RELAXED
@given(
    ident=st.one_of(
        st.dictionaries(FIELDS, VALUES, max_size=5),
        st.fixed_dictionaries(
            {"identityType": st.just("emailAddress"), "hashed": VALUES, "identityHash": VALUES},
            optional={"salt": VALUES},
        ),
        VALUES,
    )
)
@example(ident={"identityType": "emailAddress", "hashed": True, "identityHash": "x", "salt": "\ud800"})
@example(ident={"identityType": "emailAddress", "hashed": [], "identityHash": "x"})
@example(ident={"identityType": "emailAddress", "hashed": 0, "identityHash": "x"})
@example(ident={"identityType": "emailAddress", "hashed": False, "identityHash": "x", "salt": None})
def test_which_identifiers_are_compared(node: NodeRunner, ident: Any) -> None:
    assert node.ask(op="comparable", ident=ident)["comparable"] == comparable_identifier(ident), json.dumps(ident)
