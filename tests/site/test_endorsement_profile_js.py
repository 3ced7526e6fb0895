"""The page's copy of the whole endorsement profile (``profileProblem`` in endorsements.js, on the award profile's
building blocks in policies.js) against :class:`generator.models.endorsement.Endorsement`, as
:func:`generator.endorsements.verify_endorsement` words its first error
(:func:`generator.endorsements.profile_problem`).

A corpus generated from one genuine endorsement, made by ``credreg endorse`` with the Data Council's real key: every
field and list item removed, or given each wrong JSON type; every string with a trailing space or line end, a bidi
control, U+0085 or U+FEFF (whitespace to one engine and not the other), six or seven combining marks on its last
letter, made empty, too long, in capitals; every list reversed, emptied, grown; every object with an unknown key, a
JSON-LD keyword or an integer-like key; and the cases one by one: lengths counted in code points at each limit, the
@context and types in another order or spelling, the proofs by two keys, with one suite twice, with the wrong proof
@context, real and impossible timestamps, empty windows, malformed ids, status indexes and kinds, and documents that
are not objects. Both sides must accept the same
documents and refuse the others with the same words, field first.

The same corpus then goes through the page's whole check (``checkEndorsement``, each file published under its hash as
the build publishes it) and :func:`generator.endorsements.endorsement_verdict`: every refusal is the same verdict for
the same reason, and the mutations the profile accepts, signed again with the endorser's real key, are valid on both.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import ConfigDict, StringConstraints, TypeAdapter, ValidationError

from generator._internal.times import parse_time
from generator.awarding.signing import sign_document
from generator.awards import award_hash
from generator.crypto.rdfc import UnsafeDocumentError
from generator.endorsements import endorse, endorsement_verdict, profile_problem, verify_endorsement
from generator.models._base import ONE_LINE_PATTERN, TEXT_PATTERN, ecmascript_pattern
from generator.models.endorsement import ENDORSEMENT_CONTEXT, EndorsementKind
from tests.site.node_runner import NODE, NodeRunner
from tests.site.test_endorsements_js import CREDENTIAL, DC, NOW, Corpus

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { readFile } from "node:fs/promises";

const root = process.argv[2];
globalThis.fetch = async (url) => {
  try {
    return new Response(await readFile(root + new URL(url).pathname)); // its bytes, as a server sends them
  } catch (error) {
    if (error.code === "ENOENT") return { ok: false, status: 404 };
    throw error;
  }
};
const { ENDORSEMENT_CONTEXT, ENDORSEMENT_KINDS, checkEndorsement, profileProblem } = await import(
  "./verify/endorsements.js"
);
const { ONE_LINE, TEXT, pattern } = await import("./verify/policies.js");
const { parseJSON } = await import("./verify/jcs.js");

/** The code points `re` matches with `template` around them, as [first, last] runs. */
function scan(re, template) {
  const runs = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (!re.test(template.replace("{}", String.fromCodePoint(cp)))) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === cp - 1) last[1] = cp;
    else runs.push([cp, cp]);
  }
  return runs;
}

for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  let reply;
  try {
    if (req.op === "constants") {
      reply = { context: ENDORSEMENT_CONTEXT, kinds: ENDORSEMENT_KINDS, text: TEXT.source, oneLine: ONE_LINE.source };
    } else if (req.op === "profile") {
      reply = { problems: req.docs.map(profileProblem) };
    } else if (req.op === "scan") {
      const re = req.source === "ONE_LINE" ? ONE_LINE.re : pattern(req.source, req.engine).re;
      reply = { runs: scan(re, req.template) };
    } else {
      const url = new URL(req.file, "https://site.test/");
      const doc = parseJSON(await readFile(root + url.pathname, "utf8"));
      reply = await checkEndorsement(doc, req.hash, url, new Date(req.now));
    }
  } catch (error) {
    reply = { kind: "error", error: String((error && error.stack) || error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""

_GONE = object()
Loc = tuple[str | int, ...]


def _at(doc: Any, loc: Loc, value: Any) -> Any:
    """``doc`` with the value at ``loc`` replaced by ``value`` (removed: ``_GONE``)."""
    out = copy.deepcopy(doc)
    if not loc:
        return value
    parent = out
    for step in loc[:-1]:
        parent = parent[step]
    if value is _GONE:
        del parent[loc[-1]]
    else:
        parent[loc[-1]] = value
    return out


def _walk(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, Any]]:
    yield loc, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, (*loc, i))


def _name(loc: Loc) -> str:
    return ".".join(map(str, loc)) or "the document"


WRONG_TYPES: dict[str, Any] = {
    "null": None,
    "true": True,
    "0": 0,
    "1.5": 1.5,
    "a string": "x",
    "an empty list": [],
    "an empty object": {},
    "a list of a string": ["x"],
    "an object": {"a": 1},
}

STRING_CHANGES: dict[str, Callable[[str], str]] = {
    "a trailing space": lambda s: s + " ",
    "a trailing line end": lambda s: s + "\n",
    "a leading bidi override": lambda s: "\u202e" + s,
    "U+0085 inside": lambda s: s[:1] + "\x85" + s[1:],  # whitespace to Rust, not to ECMAScript
    "U+FEFF inside": lambda s: s[:1] + "\ufeff" + s[1:],  # whitespace to ECMAScript, not to Rust
    "a no-break space": lambda s: s + "\xa0",
    "a zero-width joiner": lambda s: s + "\u200d",
    "an emoji": lambda s: s + "\U0001f4ca",
    "a lone surrogate": lambda s: s + "\ud800",
    "a tower of seven combining marks": lambda s: s + "\u0301" * 7,  # text.js markTowerProblem
    "six combining marks": lambda s: s + "\u0301" * 6,
    "capitals": str.upper,
    "nothing": lambda s: "",
    "too long": lambda s: s + "x" * 2001,
}

EXTRA_KEYS: dict[str, tuple[str, Any]] = {
    "an unknown key": ("extra", 1),
    "a JSON-LD keyword": ("@id", "urn:x"),
    "an integer-like key": ("0", 1),
    "a nested unknown key": ("extra", {"id": "urn:x", "extra": 1}),
}


def _generated(base: dict[str, Any]) -> dict[str, Any]:
    """Every field and item removed or of each wrong type, every string, list and object changed."""
    cases: dict[str, Any] = {}
    for loc, value in _walk(base):
        if loc:
            cases[f"{_name(loc)} removed"] = _at(base, loc, _GONE)
        for label, wrong in WRONG_TYPES.items():
            if wrong != value or type(wrong) is not type(value):
                cases[f"{_name(loc)} is {label}"] = _at(base, loc, wrong)
        if isinstance(value, str):
            for label, change in STRING_CHANGES.items():
                cases[f"{_name(loc)} with {label}"] = _at(base, loc, change(value))
        elif isinstance(value, list):
            cases[f"{_name(loc)} reversed"] = _at(base, loc, value[::-1])
            cases[f"{_name(loc)} with its last item twice"] = _at(base, loc, [*value, value[-1]])
            cases[f"{_name(loc)} with a string more"] = _at(base, loc, [*value, "x"])
        elif isinstance(value, dict):
            for label, (key, extra) in EXTRA_KEYS.items():
                cases[f"{_name(loc)} with {label}"] = _at(base, loc, {**value, key: extra})
    return cases


def _proof(doc: dict[str, Any], suite: str) -> int:
    return next(i for i, p in enumerate(doc["proof"]) if p["cryptosuite"] == suite)


def _chosen(base: dict[str, Any]) -> dict[str, Any]:
    """The profile's rules one by one, at their edges."""
    jcs, rdfc = _proof(base, "eddsa-jcs-2022"), _proof(base, "eddsa-rdfc-2022")
    method = base["proof"][0]["verificationMethod"]
    other_key = method.replace("#k1", "#k2")
    cases: dict[str, Any] = {
        "genuine": base,
        "not an object: a list": [],
        "not an object: the endorsement in a list": [base],
        "not an object: a string": "endorsement",
        "not an object: null": None,
        # Lengths in code points, as Python counts them (an emoji is two UTF-16 units).
        "name of 300 emoji": _at(base, ("name",), "\U0001f4ca" * 300),
        "name of 301 emoji": _at(base, ("name",), "\U0001f4ca" * 301),
        "comment of 2000 characters beyond the BMP": _at(
            base, ("credentialSubject", "endorsementComment"), "\U00020000" * 2000
        ),
        "comment of 2001 characters": _at(base, ("credentialSubject", "endorsementComment"), "é" * 2001),
        "scope of 500 characters": _at(base, ("credentialSubject", "endorsementScope"), "s" * 500),
        "scope of 501 characters": _at(base, ("credentialSubject", "endorsementScope"), "s" * 501),
        "scope empty": _at(base, ("credentialSubject", "endorsementScope"), ""),
        "scope null": _at(base, ("credentialSubject", "endorsementScope"), None),
        "name with a tab inside and before": _at(base, ("name",), "\tData\tCouncil"),
        "name of spaces only": _at(base, ("name",), "   "),
        "name ending in a carriage return": _at(base, ("name",), "Data Council\r"),
        "name with a line separator": _at(base, ("name",), "Data\u2028Council"),
        "comment with line ends": _at(base, ("credentialSubject", "endorsementComment"), "One.\r\nTwo.\nThree."),
        "comment with an escape": _at(base, ("credentialSubject", "endorsementComment"), "Ok.\x1b[2J"),
        "comment of combining marks": _at(base, ("credentialSubject", "endorsementComment"), "e\u0301" * 1000),
        # No letter carries more than six combining marks (models/_base.py no_mark_tower, text.js markTowerProblem).
        "comment with a tower of marks": _at(
            base, ("credentialSubject", "endorsementComment"), "Well run. A" + "\u030d" * 7
        ),
        "comment with six marks on one letter": _at(
            base, ("credentialSubject", "endorsementComment"), "Well run. A" + "\u030d" * 6
        ),
        "comment with a tower across spacing marks": _at(
            base, ("credentialSubject", "endorsementComment"), "A" + ("\u0301" * 6 + "\u0903") * 3
        ),
        "scope with a tower of marks": _at(base, ("credentialSubject", "endorsementScope"), "x" + "\u0489" * 9),
        "name with a tower of marks": _at(base, ("name",), "\U0001f4caData Council" + "\u0301" * 7),
        "@context in another order": _at(base, ("@context",), list(reversed(ENDORSEMENT_CONTEXT))),
        "@context without the registry's": _at(base, ("@context",), list(ENDORSEMENT_CONTEXT[:2])),
        "@context with the registry's twice": _at(base, ("@context",), [*ENDORSEMENT_CONTEXT, ENDORSEMENT_CONTEXT[2]]),
        "@context of VC 1.1": _at(
            base, ("@context",), ["https://www.w3.org/2018/credentials/v1", *ENDORSEMENT_CONTEXT[1:]]
        ),
        "@context with another OB 3.0 version": _at(
            base,
            ("@context",),
            [
                ENDORSEMENT_CONTEXT[0],
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
                ENDORSEMENT_CONTEXT[2],
            ],
        ),
        "@context as an inline object": _at(base, ("@context",), [*ENDORSEMENT_CONTEXT[:2], {"@vocab": "urn:x#"}]),
        "@context spelt context": {("context" if k == "@context" else k): v for k, v in base.items()},
        "type in another order": _at(base, ("type",), ["EndorsementCredential", "VerifiableCredential"]),
        "type EndorsementCredential alone": _at(base, ("type",), ["EndorsementCredential"]),
        "type as a string": _at(base, ("type",), "EndorsementCredential"),
        "type with OpenBadgeCredential": _at(base, ("type",), [*base["type"], "OpenBadgeCredential"]),
        "type twice": _at(base, ("type",), ["VerifiableCredential", "VerifiableCredential"]),
        "proofs in the other order": _at(base, ("proof",), base["proof"][::-1]),
        "proofs by two keys": _at(base, ("proof", rdfc, "verificationMethod"), other_key),
        "both proofs by another key": _at(
            _at(base, ("proof", rdfc, "verificationMethod"), other_key), ("proof", jcs, "verificationMethod"), other_key
        ),
        "two eddsa-jcs-2022 proofs": _at(base, ("proof",), [base["proof"][jcs], base["proof"][jcs]]),
        "two eddsa-rdfc-2022 proofs": _at(base, ("proof",), [base["proof"][rdfc], base["proof"][rdfc]]),
        "three proofs": _at(base, ("proof",), [*base["proof"], base["proof"][jcs]]),
        "one proof": _at(base, ("proof",), [base["proof"][jcs]]),
        "no proof": _at(base, ("proof",), []),
        "a proof that is a string": _at(base, ("proof", rdfc), "z3abc"),
        "the eddsa-jcs-2022 proof without @context": _at(base, ("proof", jcs, "@context"), _GONE),
        "the eddsa-jcs-2022 proof with a null @context": _at(base, ("proof", jcs, "@context"), None),
        "the eddsa-jcs-2022 proof with @context reordered": _at(
            base, ("proof", jcs, "@context"), list(reversed(ENDORSEMENT_CONTEXT))
        ),
        "the eddsa-jcs-2022 proof @context spelt context": _at(
            _at(base, ("proof", jcs, "@context"), _GONE), ("proof", jcs, "context"), list(ENDORSEMENT_CONTEXT)
        ),
        "the eddsa-rdfc-2022 proof with the @context": _at(
            base, ("proof", rdfc, "@context"), list(ENDORSEMENT_CONTEXT)
        ),
        "the eddsa-rdfc-2022 proof with a null @context": _at(base, ("proof", rdfc, "@context"), None),
        "a proof of another type": _at(base, ("proof", jcs, "type"), "Ed25519Signature2020"),
        "a proof for authentication": _at(base, ("proof", jcs, "proofPurpose"), "authentication"),
        "a proof of another suite": _at(base, ("proof", jcs, "cryptosuite"), "ecdsa-jcs-2019"),
        "a proof value with a 0": _at(base, ("proof", jcs, "proofValue"), "z0" + base["proof"][jcs]["proofValue"][2:]),
        "a proof value too short": _at(base, ("proof", jcs, "proofValue"), base["proof"][jcs]["proofValue"][:60]),
        "a proof value in base64url": _at(base, ("proof", jcs, "proofValue"), "u" + "A" * 86),
        "a verification method that is no DID URL": _at(base, ("proof", jcs, "verificationMethod"), "https://x#k1"),
        "a verification method without a fragment": _at(
            base, ("proof", jcs, "verificationMethod"), method.partition("#")[0]
        ),
        "id in capitals": _at(base, ("id",), base["id"].upper().replace("URN:UUID:", "urn:uuid:")),
        "id without urn:uuid:": _at(base, ("id",), base["id"].removeprefix("urn:uuid:")),
        "id in braces": _at(base, ("id",), "urn:uuid:{" + base["id"].removeprefix("urn:uuid:") + "}"),
        "id with a digit more": _at(base, ("id",), base["id"] + "0"),
        "id with a line end": _at(base, ("id",), base["id"] + "\n"),
        "status index 0": _at(base, ("credentialStatus", "statusListIndex"), "0"),
        "status index with a leading zero": _at(base, ("credentialStatus", "statusListIndex"), "07"),
        "status index negative": _at(base, ("credentialStatus", "statusListIndex"), "-1"),
        "status index of 11 digits": _at(base, ("credentialStatus", "statusListIndex"), "12345678901"),
        "status index as a number": _at(base, ("credentialStatus", "statusListIndex"), 7),
        "status index in Arabic-Indic digits": _at(base, ("credentialStatus", "statusListIndex"), "\u0667"),
        "status list over http": _at(
            base,
            ("credentialStatus", "statusListCredential"),
            base["credentialStatus"]["statusListCredential"].replace("https:", "http:"),
        ),
        "status purpose suspension": _at(base, ("credentialStatus", "statusPurpose"), "suspension"),
        "issuer as its DID only": _at(base, ("issuer",), base["issuer"]["id"]),
        "issuer type as a string": _at(base, ("issuer", "type"), "Profile"),
        "issuer type without Profile": _at(base, ("issuer", "type"), ["Organization"]),
        "issuer with an image of unknown keys": _at(
            base, ("issuer", "image"), {"id": "https://x.test/i.png", "type": "Image", "caption": "x"}
        ),
        "issuer with an image typed as a list": _at(
            base, ("issuer", "image"), {"id": "https://x.test/i.png", "type": ["Image"]}
        ),
        "issuer with an image over http": _at(
            base, ("issuer", "image"), {"id": "http://x.test/i.png", "type": "Image"}
        ),
        "subject id neither https nor a DID": _at(base, ("credentialSubject", "id"), "urn:x:y"),
        "subject id with a space": _at(base, ("credentialSubject", "id"), "https://x.test/a b"),
        "subject typed twice": _at(base, ("credentialSubject", "type"), ["EndorsementSubject", "EndorsementSubject"]),
        "subject as a list": _at(base, ("credentialSubject",), [base["credentialSubject"]]),
        "kind in capitals": _at(base, ("credentialSubject", "endorsementKind"), "Recognises"),
        "kind with a space": _at(base, ("credentialSubject", "endorsementKind"), "recognises "),
        "kind unknown": _at(base, ("credentialSubject", "endorsementKind"), "vouches"),
    }
    for kind in EndorsementKind:
        cases[f"kind {kind.value}"] = _at(base, ("credentialSubject", "endorsementKind"), kind.value)
    start = base["validFrom"]
    times = {
        "30 February": "2026-02-30T00:00:00Z",
        "hour 24": "2026-01-01T24:00:00Z",
        "an offset of +14:01": "2026-01-01T00:00:00+14:01",
        "a lowercase t and z": "2026-01-01t00:00:00z",
        "no seconds": "2026-01-01T00:00Z",
        "no zone": "2026-01-01T00:00:00",
        "65 characters": "2026-01-01T00:00:00." + "1" * 44 + "Z",
        "year 0": "0000-01-01T00:00:00Z",
        "full-width digits": "\uff12\uff10\uff12\uff16-01-01T00:00:00Z",
        "a line end after it": "2026-01-01T00:00:00Z\n",
    }
    for label, value in times.items():
        for field in ("validFrom", "validUntil"):
            cases[f"{field} with {label}"] = _at(base, (field,), value)
        cases[f"proof created with {label}"] = _at(base, ("proof", jcs, "created"), value)
    cases |= {
        "window of one instant": _at(base, ("validUntil",), start),
        "window of one instant in two zones": _at(
            _at(base, ("validFrom",), "2026-05-01T12:00:00Z"), ("validUntil",), "2026-05-01T14:00:00+02:00"
        ),
        "window closing before it opens": _at(base, ("validUntil",), "2020-01-01T00:00:00Z"),
        "window of one microsecond": _at(
            _at(base, ("validFrom",), "2026-05-01T12:00:00.000001Z"), ("validUntil",), "2026-05-01T12:00:00.000002Z"
        ),
        "window shorter than a microsecond": _at(
            _at(base, ("validFrom",), "2026-05-01T12:00:00.0000001Z"), ("validUntil",), "2026-05-01T12:00:00.0000009Z"
        ),
        "window later as text, earlier as instants": _at(
            _at(base, ("validFrom",), "2026-05-01T12:00:00-05:00"), ("validUntil",), "2026-05-01T13:00:00Z"
        ),
        "validUntil null": _at(base, ("validUntil",), None),
        "validFrom in +05:30": _at(base, ("validFrom",), "2026-05-20T05:30:00+05:30"),
        # The one published form (times.py PUBLISHED_TIME_PATTERN), each proof signed at validFrom.
        "validFrom with a fraction": _at(base, ("validFrom",), start.replace("Z", ".5Z")),
        "validUntil with a fraction": _at(base, ("validUntil",), "2099-01-01T00:00:00.000001Z"),
        "validUntil in +01:00": _at(base, ("validUntil",), "2099-01-01T01:00:00+01:00"),
        "proof created a second after validFrom": _at(
            base, ("proof", jcs, "created"), start.replace(start[17:19], f"{(int(start[17:19]) + 1) % 60:02d}")
        ),
        "proof created as validFrom in +00:00": _at(base, ("proof", jcs, "created"), start.replace("Z", "+00:00")),
    }
    return cases


class Node(NodeRunner):
    def __init__(self, workdir: Path, site: Path) -> None:
        super().__init__(workdir, RUNNER, str(site))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    c = Corpus(tmp_path_factory.mktemp("endorsement-profile"))
    done = endorse(
        c.registry, CREDENTIAL, DC, c.keys[DC], kind=EndorsementKind.RECOGNISES, comment="Recognised.",
        scope="Data analysts", valid_from=NOW - dt.timedelta(days=10), valid_until=NOW + dt.timedelta(days=300),
    )  # fmt: skip
    c.files["genuine"] = (f"registry/endorsers/{DC}/endorsements/{done.hash}.json", done.document)
    return c


@pytest.fixture(scope="module")
def cases(corpus: Corpus) -> dict[str, Any]:
    # As read from its file: the signer shares one @context list between the document and its JCS proof.
    base = json.loads(json.dumps(corpus.files["genuine"][1]))
    return _generated(base) | _chosen(base)


@pytest.fixture(scope="module")
def node(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    runner = Node(tmp_path_factory.mktemp("endorsement-profile-node"), corpus.site)
    yield runner
    runner.close()


def test_the_same_constants_and_text_patterns(node: Node) -> None:
    assert node.ask(op="constants") == {
        "context": list(ENDORSEMENT_CONTEXT),
        "kinds": [k.value for k in EndorsementKind],
        "text": ecmascript_pattern(TEXT_PATTERN),
        "oneLine": ecmascript_pattern(ONE_LINE_PATTERN),
    }


def _runs(matches: Callable[[str], bool], template: str) -> list[list[int]]:
    runs: list[list[int]] = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF or not matches(template.replace("{}", chr(cp))):
            continue
        if runs and runs[-1][1] == cp - 1:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp])
    return runs


def _rust(source: str) -> Callable[[str], bool]:
    adapter = TypeAdapter(
        Annotated[str, StringConstraints(pattern=source)], config=ConfigDict(regex_engine="rust-regex")
    )

    def matches(text: str) -> bool:
        try:
            adapter.validate_python(text)
        except ValidationError:
            return False
        return True

    return matches


@pytest.mark.parametrize(
    ("source", "template", "engine"),
    [
        (r"^\S$", "{}", "rust"),
        (r"^\s$", "{}", "rust"),
        (r"^[^\S\n\r]$", "{}", "rust"),  # a negated class holding \S (the one-line pattern's leading run)
        (r"^[\Sa]$", "{}", "rust"),
        ("ONE_LINE", "a{}", "rust"),
        (r"^\s$", "{}", "python"),  # the evidence URL's email rule is read by Python's re
    ],
)
def test_the_patterns_read_whitespace_as_the_models_engine_does(
    node: Node, source: str, template: str, engine: str
) -> None:
    """ECMAScript's \\s holds U+FEFF and not U+0085; Rust's is the reverse; Python's re also takes U+001C-U+001F."""
    if engine == "python":
        python = _runs(lambda text: re.fullmatch(source.strip("^$"), text) is not None, template)
    else:
        python = _runs(_rust(ecmascript_pattern(ONE_LINE_PATTERN) if source == "ONE_LINE" else source), template)
    assert node.ask(op="scan", source=source, template=template, engine=engine)["runs"] == python


def test_every_mutation_is_accepted_or_refused_alike_with_the_same_words(node: Node, cases: dict[str, Any]) -> None:
    names = list(cases)
    python = [profile_problem(cases[name]) for name in names]
    page = node.ask(op="profile", docs=[cases[name] for name in names])["problems"]
    differ = [(name, p, js) for name, p, js in zip(names, python, page, strict=True) if p != js]
    assert not differ, f"{len(differ)} of {len(names)} differ, first: {differ[:5]}"
    # The corpus is what it says: both sides refuse and accept, for every kind of rule.
    refused = [p for p in python if p is not None]
    assert python[names.index("genuine")] is None
    assert len(names) >= 1000, len(names)
    assert 50 <= len(names) - len(refused) < len(refused), (len(names), len(refused))
    said = "\n".join(refused)
    for words in [
        "@context: Field required",
        "context: Extra inputs are not permitted",
        "issuer.extra: Extra inputs are not permitted",
        "credentialSubject.endorsementKind: Input should be 'accredits', 'approves-for-regulated-role', "
        "'counts-towards-qualification', 'recognises' or 'endorses'",
        "Input should be a valid string",
        "Input should be a valid string, unable to parse raw data as a unicode string",
        "Input should be a valid list",
        "Input should be a valid dictionary or instance of Endorsement",
        "issuer: Input should be a valid dictionary or instance of ProfileRef",
        "proof.0: Input should be a valid dictionary or instance of AwardProof",
        "String should match pattern '^urn:uuid:",
        "name: String should have at most 300 characters",
        "credentialSubject.endorsementComment: String should have at least 1 character",
        "proof: List should have at least 2 items after validation, not 1",
        "proof: List should have at most 2 items after validation, not 3",
        "@context: must be exactly ['https://www.w3.org/ns/credentials/v2', ",
        "type: must be exactly ['VerifiableCredential', 'EndorsementCredential']",
        "issuer.type: must include 'Profile'",
        "proof: both proofs must be made by the same key",
        "proof: the proof set must hold one eddsa-rdfc-2022 and one eddsa-jcs-2022 proof",
        "\nproof: the eddsa-jcs-2022 proof must repeat the endorsement's @context",
        "\nproof: the eddsa-rdfc-2022 proof must not carry an @context",
        "validUntil: not a date-time",
        "validFrom: must be whole seconds in UTC (YYYY-MM-DDThh:mm:ssZ)",
        "created: must be the endorsement's validFrom (",
        "its validity period is empty",
        "name: holds the invisible or control character U+202E (character 1)",
        "name: a letter carries more than 6 combining marks (the 7th is character",
        "credentialSubject.endorsementComment: a letter carries more than 6 combining marks",
        "credentialSubject.id: holds the invisible or control character U+0085",
        "proof.1.proofPurpose: Input should be 'assertionMethod'",
        # A tower of combining marks, as in registry text: seven on the A of "Well run. A".
        "credentialSubject.endorsementComment: a letter carries more than 6 combining marks (the 7th is character 18)",
        "credentialSubject.endorsementScope: a letter carries more than 6 combining marks",
        "name: a letter carries more than 6 combining marks (the 7th is character 20)",
    ]:
        assert words in said, words


def _publishable(doc: Any) -> bool:
    try:
        award_hash(doc)
    except Exception:  # JCS cannot hash it (a lone surrogate, a huge integer): it is never published
        return False
    return True


def _signed(corpus: Corpus, doc: dict[str, Any], base: dict[str, Any]) -> dict[str, Any] | None:
    """``doc`` signed again with the Data Council's key when more than its proofs changed (``None``: the signer
    refuses it, as it refuses a type no context defines: such a file is never made)."""
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    if unsigned == {k: v for k, v in base.items() if k != "proof"}:
        return doc
    method = base["proof"][0]["verificationMethod"]
    # Signed at its validFrom, as credreg endorse signs (models/award.py signed_at_valid_from).
    when = parse_time(unsigned.get("validFrom")) or NOW - dt.timedelta(days=1)
    try:
        return sign_document(unsigned, corpus.keys[DC], method, when)
    except UnsafeDocumentError:
        return None


# Fields the page cannot hold against the registry's records (it has the endorser's keys, not its name or the
# registry's credentials): a change the profile accepts there is refused by Python only, and never published.
_RECORDS = ("issuer.name", "issuer.id", "credentialSubject.id")


def test_the_page_gives_every_mutation_the_verdict_of_the_python_check(
    corpus: Corpus, node: Node, cases: dict[str, Any]
) -> None:
    base = corpus.files["genuine"][1]
    chosen: dict[str, Any] = {}
    for name, doc in cases.items():
        if not _publishable(doc):
            continue
        if profile_problem(doc) is None:
            doc = None if name.startswith(_RECORDS) else _signed(corpus, doc, base)
        if doc is not None:
            chosen[name] = doc
    for name, doc in chosen.items():
        corpus.place(name, doc, DC)
    corpus.publish()
    registry = corpus.registry
    states: dict[str, int] = {}
    for name, doc in chosen.items():
        python = endorsement_verdict(verify_endorsement(doc, registry, now=NOW))
        reply = node.ask(file=corpus.site_path(name), hash=award_hash(doc), now=NOW.isoformat())
        assert (reply["state"], reply["reason"]) == python, name
        problem = profile_problem(doc)
        assert problem is None or python == ("invalid", problem), name  # the profile's refusal comes first
        states[python[0]] = states.get(python[0], 0) + 1
    print(f"{len(chosen)} published mutations: {states}")
    assert states["valid"] >= 40, states
    assert states["invalid"] >= 500, states


def test_the_genuine_endorsement_is_valid_on_both(corpus: Corpus, node: Node) -> None:
    corpus.publish()
    _, doc = corpus.files["genuine"]
    assert profile_problem(doc) is None
    python = endorsement_verdict(verify_endorsement(doc, corpus.registry, now=NOW))
    reply = node.ask(file=corpus.site_path("genuine"), hash=award_hash(doc), now=NOW.isoformat())
    assert (reply["state"], reply["reason"]) == python == ("valid", "")


#: Ids and URLs as a forger might respell them (the binding test's spellings): each replaces a string field.
ID_SPELLINGS: list[Callable[[str], str]] = [
    lambda s: s + "/",
    lambda s: s.rstrip("/"),
    lambda s: s.upper(),
    lambda s: s.replace("a", "\u0430").replace("e", "\u0435").replace("o", "\u043e"),  # Cyrillic look-alikes
    lambda s: s.replace("-", "%2D").replace(":", "%3A", 2),
    lambda s: s.replace("did:key:", "did:web:site.test%3A8443:"),
    lambda s: s.replace("did:key:", "did:web:site.test:endorsers:"),
    lambda s: s.replace("https://", "did:web:"),
    lambda s: s.replace("https://", "HTTPS://"),
    lambda s: s + "?x=1",
    lambda s: s + "#frag",
    lambda s: s.replace("/", "//", 3),
    lambda s: s + "\u200b",
    lambda s: "",
]


def _mutated(rng: random.Random, base: dict[str, Any]) -> Any:
    """``base`` changed at one to three places picked at random, each in a way picked at random."""
    doc: Any = base
    for _ in range(rng.randint(1, 3)):
        if not isinstance(doc, dict):
            break
        loc, value = rng.choice([(loc, value) for loc, value in _walk(doc) if loc])
        roll = rng.random()
        if isinstance(value, str) and roll < 0.45:
            doc = _at(doc, loc, rng.choice(ID_SPELLINGS)(value))
        elif isinstance(value, str) and roll < 0.75:
            doc = _at(doc, loc, rng.choice(list(STRING_CHANGES.values()))(value))
        elif roll < 0.85:
            doc = _at(doc, loc, _GONE)
        else:
            doc = _at(doc, loc, rng.choice(list(WRONG_TYPES.values())))
    return doc


def test_random_combinations_of_mutations_get_the_same_words(node: Node, corpus: Corpus) -> None:
    """Several hundred seeded documents, each spoilt at up to three places at once (ids and URLs respelt as a
    forger might: a trailing slash, capitals, percent-escapes, look-alike letters, did:web with a port or a path,
    empty): the single mutations above never meet, and which error comes first when two fields are wrong is a rule
    both sides must share."""
    base = json.loads(json.dumps(corpus.files["genuine"][1]))
    rng = random.Random(7171)
    docs = [_mutated(rng, base) for _ in range(600)]
    python = [profile_problem(doc) for doc in docs]
    page = node.ask(op="profile", docs=docs)["problems"]
    differ = [(i, p, js) for i, (p, js) in enumerate(zip(python, page, strict=True)) if p != js]
    assert not differ, f"{len(differ)} of {len(docs)} differ, first: {differ[:3]}"
    accepted = sum(p is None for p in python)
    assert 20 <= accepted < len(docs) // 2, accepted  # both accept some, refuse most
