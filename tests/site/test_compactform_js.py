"""The compact form's JSON rules (``compactform.py`` ``json_form_problems``) and the page's copy (``policies.js``
``jsonFormProblems``) say the same in the same words, run in Node: above all the rule on relative references,
over the cases ``tests/crypto/test_compactform.py`` names and generated ids and types near an IRI's grammar. The
page reads the contexts' terms from what the build writes (``verify/index.json``'s ``contexts``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.crypto.compactform import MAX_OBJECTS, MAX_VALUES, context_terms, json_form_problems, size_problem
from generator.crypto.contexts import ContextStore
from tests.crypto.test_compactform import DOC, RELATIVE, _set
from tests.site.node_runner import NODE, NodeRunner

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { jsonFormProblems, sizeProblem } from "./verify/policies.js";

const contexts = JSON.parse(process.argv[2]);
for await (const line of createInterface({ input: process.stdin })) {
  let reply;
  try {
    const { doc, size } = JSON.parse(line);
    reply = { value: size ? sizeProblem(doc) : jsonFormProblems(doc, contexts) };
  }
  catch (error) { reply = { error: String(error && error.stack || error) }; }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""

PATHS: list[tuple[Any, ...]] = [
    ("id",),
    ("issuer",),
    ("issuer", "id"),
    ("credentialSubject", "achievement", "criteria", "id"),
    ("credentialSubject", "achievement", "type", 0),
    ("type", 1),
    ("proof", 0, "verificationMethod"),
    ("proof", 0, "proofPurpose"),
    ("proof", 0, "type"),
]


class Rules(NodeRunner):
    def __init__(self, workdir: Path) -> None:
        super().__init__(workdir, RUNNER, json.dumps(context_terms(ContextStore.bundled())))

    def error_of(self, reply: dict[str, Any]) -> str | None:
        return str(reply["error"]) if "error" in reply else None


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rules]:
    runner = Rules(tmp_path_factory.mktemp("compactform-js"))
    yield runner
    runner.close()


def _agree(rules: Rules, doc: Any) -> list[str]:
    python = json_form_problems(doc)
    reply = rules.ask(doc=doc)
    assert rules.error_of(reply) is None, reply
    assert reply["value"] == python, (doc, python, reply)
    return python


def test_the_build_hands_the_page_the_contexts_terms(tmp_path: Path) -> None:
    # What the page reads is what the Python rule reads (the index's contexts: every bundled context's terms).
    terms = context_terms(ContextStore.bundled())
    assert sorted(terms) == sorted(ContextStore.bundled())
    vc2 = terms["https://www.w3.org/ns/credentials/v2"]
    assert {"id", "issuer", "verificationMethod"} <= set(vc2["ids"])
    assert "assertionMethod" in vc2["vocabs"]["proofPurpose"]
    assert "VerifiableCredential" in vc2["terms"]


@pytest.mark.parametrize(
    "value", [*RELATIVE, "https://x.example/a", "foo:bar", "_:b0", "Achievement", "assertionMethod"]
)
def test_each_named_case_is_refused_or_passed_alike(rules: Rules, value: str) -> None:
    for path in PATHS:
        _agree(rules, _set(DOC, path, value))


def test_many_and_mixed_problems_alike(rules: Rules) -> None:
    doc = {**DOC, "type": ["VerifiableCredential", *(f"x{i}" for i in range(7))], "@x": 1}
    assert len(_agree(rules, doc)) == 2
    assert _agree(rules, {**DOC, "@context": ["https://www.w3.org/ns/credentials/v2"]}) != []  # OB's terms unknown
    # An inline context (its @base, its @vocab) is refused by the first rule; no reference is read against it.
    inline = _agree(rules, {**DOC, "@context": [{"@base": "https://x/"}], "id": "x"})
    assert inline[0] == "@context: must be a list of known context URLs (no inline or unknown contexts)"
    assert not any(p.startswith("ids and types") for p in inline)


@pytest.mark.parametrize("value", [[["badge-1"]], ["https://x.example/a", [["b"]]], [[]], [["https://x.example/a"]]])
def test_lists_in_lists_alike(rules: Rules, value: Any) -> None:
    for path in PATHS:
        _agree(rules, _set(DOC, path, value))


# Near an IRI's grammar: scheme characters, delimiters, white space each language reads apart, a term.
_CHARS = st.sampled_from([*"aZ09+-.,:/?#_@ %é", "\n", "\x85", "\xa0", "\u2028", "\ufeff", "\u180e", "\x7f"])
_VALUES = st.one_of(
    st.text(_CHARS, max_size=8),
    st.builds("{}:{}".format, st.sampled_from(["https", "_", "a+b", "1a", ""]), st.text(_CHARS, max_size=4)),
    st.sampled_from(["Achievement", "assertionMethod", "Profile"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_VALUES, where=st.sampled_from(PATHS))
def test_generated_ids_and_types_alike(rules: Rules, value: str, where: tuple[Any, ...]) -> None:
    _agree(rules, _set(DOC, where, value))


@pytest.mark.parametrize("past", [-1, 0, 1])
def test_the_size_bounds_alike(rules: Rules, past: int) -> None:
    # One below, at and one past each bound: the same count and the same words (the document itself, its lists and
    # its nulls count too: DOC with no evidence is 6 objects and 36 values).
    objects = [{"id": f"https://x.example/e{i}"} for i in range(MAX_OBJECTS - 6 + past)]
    values = [None] * (MAX_VALUES - 36 + past)
    for extra, what in ((objects, "JSON objects"), (values, "JSON values")):
        doc = {**DOC, "evidence": extra}
        python = size_problem(doc)
        reply = rules.ask(doc=doc, size=True)
        assert rules.error_of(reply) is None, reply
        assert reply["value"] == python, (python, reply)
        assert (python is None) == (past <= 0), python
        assert (
            python is None or f"holds {MAX_OBJECTS + 1 if what == 'JSON objects' else MAX_VALUES + 1} {what}" in python
        )
