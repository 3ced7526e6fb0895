"""One RDFC-1.0 verdict in Python and on the page: for values near every boundary where pyld 3.3.0 and jsonld.js
(with rdf-canonize) canonicalize apart, and for random JSON in an award's signed fields, credreg's canonicalizer
(generator/crypto/rdfc.py) and the page's (generator/site/assets/verify/rdfc.js) give the same N-Quads or both
refuse the document, in the same words where the refusal is one of the unportable values."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyld import jsonld

from generator._internal.source import parse_known_json
from generator.crypto import rdfc
from generator.errors import CryptoError
from tests.conftest import REPO
from tests.crypto.conftest import award
from tests.site.node_runner import NODE, NodeRunner

RUNNER = r"""
import { createInterface } from "node:readline";
import { parseJSON } from "./verify/jcs.js";
import { canonical, firstUnportable, unportableReason } from "./verify/rdfc.js";
for await (const line of createInterface({ input: process.stdin })) {
  const { text } = JSON.parse(line);
  let reply;
  try {
    const doc = parseJSON(text);  // as the page reads a file: what Python's reader refuses, refused
    const found = firstUnportable(doc);
    reply = found ? { refused: unportableReason(...found) } : { nquads: await canonical(doc) };
  } catch (error) {
    reply = { refused: String(error && error.message ? error.message : error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""

# The unportable-value refusals end so, in both languages (rdfc.py unportable_reason).
UNPORTABLE = "a proof over it could hold here only, never in other verifiers"
XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeRunner]:
    runner = NodeRunner(tmp_path_factory.mktemp("rdfc-js"), RUNNER)
    yield runner
    runner.close()


def _python(text: str) -> dict[str, str]:
    try:  # an integer beyond ±(2**53 − 1) is refused by both readers (jcs.js parseJSON) before any canonicalization
        doc = parse_known_json(text.encode())
    except ValueError as error:
        return {"refused": str(error)}
    try:
        return {"nquads": rdfc.canonize(doc)}
    except CryptoError as error:
        return {"refused": error.summary}


def _with(raw: str, where: str) -> str:
    """An award's JSON text with ``raw`` (JSON text, written as it is: 1E2 stays 1E2) at ``where``."""
    doc = award()
    achievement = doc["credentialSubject"]["achievement"]
    if where == "number":
        achievement["creditsAvailable"] = "@@X@@"
    elif where == "text":
        achievement["name"] = "@@X@@"
    elif where == "json literal":
        doc["_sd"] = "@@X@@"  # a term of the VC 2.0 context typed @json
    elif where == "id":
        achievement["id"] = "@@X@@"
    return json.dumps(doc, ensure_ascii=False).replace('"@@X@@"', raw)


def _agree(node: NodeRunner, text: str) -> dict[str, str]:
    python = _python(text)
    page = node.ask(text=text)
    assert python.keys() == page.keys(), (text, python, page)
    if "nquads" in python:
        assert python["nquads"] == page["nquads"], text
    elif UNPORTABLE in python["refused"] or UNPORTABLE in page["refused"]:
        assert python["refused"] == page["refused"], text
    return python


BOUNDARY_NUMBERS = [
    "9007199254740991", "-9007199254740991", "9007199254740992", "-9007199254740992", "9007199254740993",
    "-0", "-0.0", "0.0", "1e-6", "0.000001", "9.999999e-7", "-1e-7", "-0.0000005", "1e-400", "-1e-400",
    "1.0e2", "1E2", "1.0", "100000000000000000000000", "1e21", "1e20", "1000000000000000.5", "0.1", "1.5e-6",
    "123456.789", "4503599627370495.5", "2.5", "-7.25",
]  # fmt: skip
BOUNDARY_TEXTS = [
    r'"a\u0085b"', r'"a\u2028b\u2029"', r'"a\u007fb"', r'"a\u000bb"', r'"a\u000cb"', r'"\ufeffx"', r'"tab\tnl\n"',
    r'"cr\r"', r'"\u00a0\u3000"', r'"\ud83d\ude00"', r'{"@value": "x", "@language": "EN-us"}',
    r'{"@value": "x", "@language": "en", "@direction": "rtl"}',
]  # fmt: skip
BOUNDARY_JSON = [
    '[5.0, 1.5, 0.1, 1e-6, 123456789.125, 1e15, 2.5e-6, -0.0, 1E2]', r'{"\ue000": 1, "\ud83d\ude00": 2, "b": [true]}',
    r'"\u00e9\u0301 \u2028 \u0085"', r'{"a": "\u001f"}', r'{"\u007f": 1}', '[9007199254740992]', '[1e-7]',
]  # fmt: skip
TYPED = [
    # Text typed xsd:double: pyld reads it with float() ("inf", "1_0"), jsonld.js with parseFloat ("5abc" is 5).
    *(
        f'{{"@value": {json.dumps(v, ensure_ascii=False)}, "@type": "{XSD_DOUBLE}"}}'
        for v in ("5abc", "abc", "inf", "5", "1_0", " 5", "٥", "1.50", "+.5", "5.", "1e400", "1e-400", "-1e-400")
    ),
    *(f'{{"@value": {v}, "@type": "{XSD_DOUBLE}"}}' for v in ('"0"', '"-0"', '"1000000000000000.5"', '"1e-7"')),
    # JavaScript reads -0 where Python reads 0: no zero is typed xsd:double alike.
    *(f'{{"@value": {v}, "@type": "{XSD_DOUBLE}"}}' for v in ("0", "-0", "-0.0", "0.0", "1e-400", "-2.5", "7")),
    f'{{"@list": [{{"@value": "2.5", "@type": "{XSD_DOUBLE}"}}]}}',
    f'{{"@value": 5, "@type": "{XSD_DOUBLE}"}}',
    f'{{"@value": true, "@type": "{XSD_DOUBLE}"}}',
    '{"@value": "x", "@type": "http://www.w3.org/2001/XMLSchema#integer"}',
    '{"@value": 5.5, "@type": "http://www.w3.org/2001/XMLSchema#integer"}',
    # A datatype IRI holding what N-Quads' IRIREF excludes, or white space to one regular-expression dialect only.
    *(f'{{"@value": "a", "@type": "https://x.example/{c}"}}' for c in ("a|b", "a<b", r"\u0085", r"\ufeff", "a^b")),
]
IDS = [f'"https://a.example/{c}"' for c in ("a<b", "a{b", r"a\\b", "a^b", "a`b", r"\u0085", r"\ufeff", "\u00e9")]
CASES = [
    *((raw, "number") for raw in BOUNDARY_NUMBERS),
    *((raw, "text") for raw in BOUNDARY_TEXTS),
    *((raw, "json literal") for raw in BOUNDARY_JSON + BOUNDARY_NUMBERS),
    *((raw, "number") for raw in TYPED),
    *((raw, "id") for raw in IDS),
]


@pytest.mark.parametrize(("raw", "where"), CASES)
def test_values_near_every_boundary_get_one_verdict(node: NodeRunner, raw: str, where: str) -> None:
    """Text typed xsd:double was canonicalized apart ("5abc": pyld kept it, jsonld.js wrote 5.0E0; "abc": "NaN"),
    and so were IRIs holding < { \\ ^ ` | (refused by credreg, escaped by rdf-canonize), U+0085 (refused by pyld,
    kept by jsonld.js) or U+FEFF (the other way round): a proof over one held on one side only."""
    _agree(node, _with(raw, where))


def test_text_typed_double_and_unportable_iris_are_refused(node: NodeRunner) -> None:
    typed = _agree(node, _with(f'{{"@value": "5abc", "@type": "{XSD_DOUBLE}"}}', "number"))
    assert typed["refused"].startswith('"5abc": text typed xsd:double that is no plain decimal number')
    zero = _agree(node, _with(f'{{"@value": -0.0, "@type": "{XSD_DOUBLE}"}}', "number"))
    assert zero["refused"].startswith("a number: a zero typed xsd:double")
    assert "nquads" in _agree(node, _with(f'{{"@value": "1.50", "@type": "{XSD_DOUBLE}"}}', "number"))
    for raw in ('"https://a.example/a<b"', r'"https://a.example/\ufeff"'):
        assert "which an IRI in N-Quads may not" in _agree(node, _with(raw, "id"))["refused"]


@pytest.mark.parametrize(
    "raw",
    [
        r'{"b": "\u007f", "1": "\u000b"}',
        r'{"x": [1e-7], "10": {"2": 1e-8}, "9": "\u0001"}',  # (2**53 here: refused as JSON by both readers)
        r'{"4294967295": "\u0002", "4294967294": "\u0003", "01": "\u0004"}',
    ],
)
def test_the_first_unportable_value_is_the_same_one(node: NodeRunner, raw: str) -> None:
    """Both name the first such value in JavaScript's order of an object's keys (array-index keys first, by number),
    the only order the page knows: Python named the first as written, so the two reasons named other fields."""
    assert UNPORTABLE in _agree(node, _with(raw, "json literal"))["refused"]


_CHARS = ["a", "é", "\u2028", "\u0085", "\ufeff", "\x7f", "\t", "\n", "\r", "\x0b", '"', "\\", "<", "😀", "\ue000", " "]


def _random_value(rng: random.Random, depth: int = 0) -> str:
    def number() -> str:
        return rng.choice(
            [
                lambda: str(rng.choice([2**53 - 1, 2**53, -(2**53 - 1), -(2**53) - 1, 10**21, 0])),
                lambda: repr(rng.uniform(-1e-5, 1e-5)),
                lambda: f"{rng.randrange(1, 10**15)}.5",
                lambda: f"{rng.randrange(10)}e{rng.randrange(-10, 25)}",
                lambda: f"{rng.randrange(10)}.0e{rng.randrange(5)}",
                lambda: repr(rng.random() * 10 ** rng.randrange(-8, 22)),
                lambda: str(rng.randrange(-1000, 1000)),
            ]
        )()

    def text() -> str:
        return json.dumps("".join(rng.choice(_CHARS) for _ in range(rng.randrange(4))), ensure_ascii=False)

    kind = rng.randrange(6 if depth < 2 else 3)
    if kind == 0:
        return number()
    if kind == 1:
        return text()
    if kind == 2:
        return rng.choice(["true", "false", "null"])
    if kind == 3:
        return "[" + ",".join(_random_value(rng, depth + 1) for _ in range(rng.randrange(3))) + "]"
    if kind == 4:
        members = (f"{json.dumps(f'k{i}')}: {_random_value(rng, depth + 1)}" for i in range(rng.randrange(3)))
        return "{" + ",".join(members) + "}"
    datatype = rng.choice([XSD_DOUBLE, "http://www.w3.org/2001/XMLSchema#integer", "@json", "https://x.example/t"])
    return f'{{"@value": {rng.choice([number(), text()])}, "@type": {json.dumps(datatype)}}}'


@pytest.mark.parametrize("seed", range(4))
def test_random_values_get_one_verdict(node: NodeRunner, seed: int) -> None:
    """A small differential fuzz: random JSON (numbers near every boundary, text with control, white-space and
    astral characters, typed values) in an award's signed fields."""
    rng = random.Random(seed)
    for _ in range(40):
        where = rng.choice(["number", "text", "json literal"])
        _agree(node, _with(_random_value(rng), where))


# --- Poison datasets: the Hash N-Degree Quads work limit is one limit ------------------------------------------
# rdf-canonize (under the page's jsonld) allows as many Hash N-Degree Quads calls as there are blank nodes whose
# first-degree hashes are not unique (maxWorkFactor 1); rdfc.py counts the same calls against the same limit, so
# a graph just under it is canonicalized alike and one just over it refused by both, in the same words.
KNOWS = {"knows": {"@id": "https://ex.org/knows", "@type": "@id"}}


def _graph(edges: dict[int, list[int]], extra: int = 0) -> dict[str, object]:
    """Blank nodes ``_:n<i>`` that know ``_:n<j>`` for each j in ``edges[i]`` (and ``extra`` lone alike nodes)."""
    nodes: list[dict[str, object]] = [{"@id": f"_:n{i}", "knows": [f"_:n{j}" for j in js]} for i, js in edges.items()]
    nodes += [{"@id": f"_:x{i}", "knows": "https://ex.org/same"} for i in range(extra)]
    return {"@context": KNOWS, "@graph": nodes}


def _cycle(n: int) -> dict[int, list[int]]:
    return {i: [(i + 1) % n] for i in range(n)}


def _clique(n: int) -> dict[int, list[int]]:
    return {i: [j for j in range(n) if j != i] for i in range(n)}


def _two_way_cycle(n: int) -> dict[int, list[int]]:
    return {i: [(i + 1) % n, (i - 1) % n] for i in range(n)}


def _disjoint(*parts: dict[int, list[int]]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for part in parts:
        base = len(out)
        out.update({base + i: [base + j for j in js] for i, js in part.items()})
    return out


def _pairs(k: int) -> dict[int, list[int]]:
    """k blank nodes each knowing one of k others: one call each for 2k alike nodes, the limit exactly."""
    return {**{i: [k + i] for i in range(k)}, **{k + i: [] for i in range(k)}}


def _chains(k: int, length: int) -> dict[int, list[int]]:
    """k chains of ``length`` alike blank nodes: one call per node, the limit exactly."""
    return {c * length + i: ([c * length + i + 1] if i < length - 1 else []) for c in range(k) for i in range(length)}


POISON = [
    # At the limit (each blank node costs one call) and one call over it (a 2-cycle: 3 calls for 2 nodes).
    *(_graph(_pairs(k)) for k in (1, 2, 5, 40)),
    *(_graph(_chains(k, n)) for k in (1, 3) for n in (3, 6)),
    *(_graph(_disjoint(_pairs(k), _cycle(2))) for k in (1, 2, 5, 40)),
    _graph(_disjoint(_chains(3, 4), _cycle(2))),
    # As deep as the blank-node bound allows: a cycle (refused by the work limit, not by Python's recursion limit),
    # and two alike chains whose levels are told apart (passes, recursing 300 deep).
    _graph(_cycle(600)),
    {
        "@context": {**KNOWS, "level": "https://ex.org/level"},
        "@graph": [
            {"@id": f"_:c{c}n{i}", "level": i, **({"knows": f"_:c{c}n{i + 1}"} if i < 299 else {})}
            for c in range(2)
            for i in range(300)
        ],
    },
    *(_graph(_cycle(n)) for n in (2, 3, 4, 6)),
    *(_graph(_two_way_cycle(n)) for n in (2, 3, 4, 5)),
    *(_graph(_clique(n)) for n in (2, 3, 4, 5, 6)),
    *(_graph(_disjoint(_cycle(3), _cycle(3)), extra) for extra in (0, 1, 2, 4, 8, 16)),
    *(_graph(_disjoint(_clique(3), _cycle(2)), extra) for extra in (0, 1, 3, 6, 12)),
    *(_graph(_disjoint(_two_way_cycle(4), _two_way_cycle(4)), extra) for extra in (0, 2, 5, 9, 20)),
    *(_graph(_cycle(n), extra) for n in (2, 3, 4) for extra in (1, 2, 3, 5, 8)),
]


@pytest.mark.parametrize("doc", POISON, ids=lambda d: f"{len(d['@graph'])}-nodes")  # type: ignore[index]
def test_poison_graphs_get_one_verdict(node: NodeRunner, doc: dict[str, object]) -> None:
    text = json.dumps(doc)
    python = _python(text)
    page = node.ask(text=text)
    assert python.keys() == page.keys(), (text, python, page)
    if "nquads" in python:
        assert python["nquads"] == page["nquads"], text
    else:
        assert python["refused"] == page["refused"], text
        assert python["refused"].startswith(rdfc.work_limit_reason(0).split(" more than")[0])


def test_the_poison_family_straddles_the_limit(node: NodeRunner) -> None:
    # The family is worth something only if some graphs pass and some are refused.
    verdicts = {next(iter(node.ask(text=json.dumps(doc)))) for doc in POISON}
    assert verdicts == {"nquads", "refused"}


W3C_POISON = sorted((REPO / "tests" / "fixtures" / "rdfc-poison").glob("*.nq"))


@pytest.mark.parametrize("path", W3C_POISON, ids=lambda p: p.stem)
def test_the_w3c_poison_graphs_are_refused_alike(node: NodeRunner, path: Path) -> None:
    # The W3C suite's poison graphs (tests/fixtures/rdfc-poison/README.md), read as JSON-LD.
    doc = {"@graph": jsonld.from_rdf(path.read_text(), {"format": "application/n-quads"})}
    text = json.dumps(doc)
    python, page = _python(text), node.ask(text=text)
    assert "refused" in python, path.name
    assert python == page
    assert python["refused"].startswith(rdfc.work_limit_reason(0).split(" more than")[0])


# A dataset of many blank nodes: rdf-canonize's limit allows one Hash N-Degree Quads call per alike blank node, but
# each call copies an issuer of up to that many identifiers, so alike blank nodes cost time growing with their square
# (two blank nodes knowing the same 9,600 took credreg 3.7 s, and a 1 MiB file naming a registered issuer, not held
# to rule 0, minutes on the page). Both refuse a dataset of more than MAX_BLANK_NODES blank nodes, in the same words.
@pytest.mark.parametrize(("pairs", "extra", "refused"), [(300, 0, False), (300, 1, True), (30, 541, True)])
def test_a_dataset_of_too_many_blank_nodes_is_refused_alike(
    node: NodeRunner, pairs: int, extra: int, refused: bool
) -> None:
    assert rdfc.MAX_BLANK_NODES == 600
    doc = _graph(_pairs(pairs))
    doc["@graph"] += [{"@id": f"_:u{i}", "https://ex.org/n": i} for i in range(extra)]  # type: ignore[operator]
    text = json.dumps(doc)
    python, page = _python(text), node.ask(text=text)
    assert python == page
    assert ("refused" in python) is refused
    if refused:
        assert python["refused"] == rdfc.blank_nodes_reason(2 * pairs + extra)
