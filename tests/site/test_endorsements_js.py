"""The credential pages' endorsement check (``endorsements.js``) run in Node against the Python verifier.

One corpus of endorsement files, published as the build publishes them (the endorsers' and issuers' keys.json
and signed status lists, each file under its hash): genuine, tampered, revoked, expired, not yet in force, signed
with another body's key, signed by a key outside its validity window, an issuer forging a body's endorsement, and
an issuer endorsing its own credential or itself. Each goes through
:func:`generator.endorsements.verify_endorsement` (its verdict in the page's words:
:func:`generator.endorsements.endorsement_verdict`) and through the page's ``checkEndorsement`` under Node, and
both must say the same state for the same reason. What stands of a ``quality_assurance`` claim (confirmed,
withdrawn, claimed) is one rule (:func:`generator.recognition.claim_standing`), which the credential page applies
again at view time to the verdicts it gives the claim's endorsements (``claimStanding``): held equal here, its
Chromium test in tests/browser/test_endorsements.py.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import layout
from generator._internal.times import parse_time
from generator.awarding.keys import SigningKey, generate_key, load_signing_key
from generator.awarding.revoke import revocation_entry
from generator.awarding.signing import sign_document
from generator.awards import award_hash, render_award
from generator.endorsements import (
    endorse,
    endorsement_verdict,
    revoke_endorsement,
    unsigned_endorsement,
    verify_endorsement,
)
from generator.load import load_registry
from generator.models.endorsement import EndorsementKind
from generator.publish.site import _endorsement_files
from generator.publish.verifydata import write_verification_data
from generator.registry import Registry
from generator.statuslist import new_bitstring
from generator.verify.policies import revoked_reason
from generator.verify.results import (
    ENDORSEMENT,
    Check,
    CheckStatus,
    HeadlineKind,
    VerificationResult,
    plain_day,
    revoked_because,
    revoked_headline,
)
from tests.conftest import make_registry
from tests.site.node_runner import NODE, NodeRunner
from tests.test_endorsements import add_endorser

NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
SITE = "https://site.test/"
#: When a test's revocation was logged (its status reason gives the day).
REVOKED_AT = "2026-05-31T10:00:00Z"
CREDENTIAL = "acme-academy/sql-basics"
DC, OB, ACME, BETA = "data-council", "other-body", "acme-academy", "beta-labs"

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

# Serves the published site from disk for the page's fetch(), then answers one check per line.
RUNNER = r"""
import { createInterface } from "node:readline";
import { readFile } from "node:fs/promises";

const root = process.argv[2];
globalThis.fetch = async (url) => {
  const path = new URL(url).pathname;
  try {
    return new Response(await readFile(root + path)); // its bytes, as a server sends them
  } catch (error) {
    if (error.code === "ENOENT") return { ok: false, status: 404 };
    throw error;
  }
};
const { CLAIM_CSS, CLAIM_WORDS, checkEndorsement, claimStanding, verdictWords } = await import(
  "./verify/endorsements.js"
);
const { parseJSON } = await import("./verify/jcs.js");
const { revokedReason } = await import("./verify/policies.js");

const { ENDORSEMENT, headlineOf, revokedBecause, revokedHeadline } = await import("./verify/results.js");

for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  let reply;
  try {
    if (req.standing) {
      reply = { standing: claimStanding(req.standing), words: CLAIM_WORDS, css: CLAIM_CSS };
    } else if (req.checks) {
      // credreg verify's headline of an endorsement, from its checks (results.js headlineOf, as results.py's).
      reply = headlineOf(req.checks, ENDORSEMENT);
    } else if (req.revocation !== undefined) {
      reply = { text: revokedReason(req.revocation, req.by) };
    } else if (req.revokedReason !== undefined) {
      reply = { text: revokedHeadline(req.revokedReason), because: revokedBecause(req.revokedReason) };
    } else {
    const url = new URL(req.file, "https://site.test/");
    const doc = parseJSON(await readFile(root + url.pathname, "utf8"));
    reply = await checkEndorsement(doc, req.hash, url, new Date(req.now));
    reply.words = verdictWords(reply);
    }
  } catch (error) {
    reply = { state: "error", reason: String((error && error.stack) || error) };
  }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""


class Node(NodeRunner):
    def __init__(self, workdir: Path, site: Path) -> None:
        super().__init__(workdir, RUNNER, str(site))

    def error_of(self, reply: dict[str, Any]) -> str | None:
        return str(reply["reason"]) if reply.get("state") == "error" else None

    def check(self, file: str, digest: str, now: dt.datetime) -> tuple[str, str]:
        reply = self.ask(file=file, hash=digest, now=now.isoformat())
        return reply["state"], reply["reason"]

    def headline(self, checks: list[dict[str, Any]]) -> dict[str, str]:
        """The page's headline (results.js headlineOf) of an endorsement's checks."""
        reply = self.ask(checks=checks)
        return {"kind": reply["kind"], "text": reply["text"]}

    def revoked_reason(self, revoked: str | None, reason: Any, by: str) -> str:
        """The status check's reason of a logged revocation (policies.js revokedReason)."""
        return str(self.ask(revocation={"revoked": revoked, "reason": reason}, by=by)["text"])

    def revoked_headline(self, reason: str) -> str:
        return str(self.ask(revokedReason=reason)["text"])

    def revoked_because(self, reason: str) -> str:
        return str(self.ask(revokedReason=reason)["because"])

    def badge(self, file: str, digest: str, now: dt.datetime) -> tuple[str, str]:
        """What the page's badge and the note beside it say of the file (endorsements.js verdictWords)."""
        words = self.ask(file=file, hash=digest, now=now.isoformat())["words"]
        return words["badge"], words["note"]


def at_valid_from(doc: dict[str, Any]) -> dt.datetime:
    """When ``credreg endorse`` signs ``doc``: at its validFrom (models/award.py signed_at_valid_from)."""
    return dt.datetime.fromisoformat(doc["validFrom"])


class Corpus:
    """A registry with two endorsers and an issuer that endorses another's credential, and the site it publishes."""

    def __init__(self, tmp: Path) -> None:
        self.root = make_registry(tmp / "registry")
        acme, beta = (self.root / layout.ISSUERS_DIR / who for who in (ACME, BETA))
        (beta / "credentials").mkdir(parents=True)
        profile = (acme / "issuer.yaml").read_text(encoding="utf-8")
        (beta / "issuer.yaml").write_text(
            profile.replace(f"id: {ACME}", f"id: {BETA}").replace("Acme Academy", "Beta Labs"), encoding="utf-8"
        )
        shutil.copy(acme / "credentials/sql-basics.yaml", beta / "credentials/sql-basics.yaml")
        add_endorser(self.root, DC, "Data Council")
        add_endorser(self.root, OB, "Other Body")
        self.keys: dict[str, SigningKey] = {}
        registry = self.registry
        for who in (DC, OB, ACME):
            path = tmp / "keys" / f"{who}.key"
            start = NOW - dt.timedelta(days=200)
            generate_key(registry, who, key_id="k1", valid_from=start, private_path=path, now=start)
            self.keys[who] = load_signing_key(path, root=self.root)
        self.site = tmp / "site"
        self.files: dict[str, tuple[str, dict[str, Any]]] = {}

    @property
    def registry(self) -> Registry:
        registry = load_registry(self.root).registry
        assert registry is not None
        return registry

    def endorse(self, name: str, who: str = DC, target: str = CREDENTIAL, **when: dt.datetime) -> dict[str, Any]:
        done = endorse(
            self.registry, target, who, self.keys[who], kind=EndorsementKind.RECOGNISES, comment="Recognised.",
            valid_from=when.get("valid_from", NOW - dt.timedelta(days=10)), valid_until=when.get("valid_until"),
        )  # fmt: skip
        self.files[name] = (layout.relpath(self.root, done.path), done.document)
        return done.document

    def forge(self, name: str, doc: dict[str, Any], owner: str, key: SigningKey, method_of: str) -> None:
        """``doc`` re-signed with ``key`` under ``method_of``'s key id, filed in ``owner``'s folder."""
        unsigned = {k: v for k, v in copy.deepcopy(doc).items() if k != "proof"}
        method = f"{self.registry.endorser_did(method_of)}#k1"
        signed = sign_document(unsigned, key, method, at_valid_from(unsigned))
        self.place(name, signed, owner)

    def place(self, name: str, doc: dict[str, Any], owner: str) -> None:
        """``doc`` filed in ``owner``'s folder of the registry (an endorsement counts only there: the "registered"
        check), as a change the pull-request check let through would add it."""
        folder = layout.ISSUERS_DIR if owner in self.registry.issuers else layout.ENDORSERS_DIR
        rel = f"{folder}/{owner}/endorsements/{award_hash(doc)}.json"
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.root / rel).write_text(render_award(doc), encoding="utf-8")
        self.files[name] = (rel, doc)

    def close_key(self, who: str, closed: str) -> None:
        """``who``'s key ``k1`` retired (``valid_until``) or revoked (``revoked_at``, stolen) three days before NOW."""
        key_file = layout.key_path(self.root, who, "k1")
        record = json.loads(key_file.read_text(encoding="utf-8"))
        record[closed] = (NOW - dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        if closed == "revoked_at":
            record["revocation_reason"] = "laptop stolen"
        key_file.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

    def publish(self) -> None:
        """The build's data files for the page, then every corpus file under its hash, as a page names it."""
        registry = self.registry
        write_verification_data(registry, self.site, now=NOW)
        for issuer in registry.issuers:
            status = self.root / layout.ISSUERS_DIR / issuer / "status"
            if status.is_dir():
                shutil.copytree(status, self.site / "issuers" / issuer / "status", dirs_exist_ok=True)
        _endorsement_files(registry, self.site)
        for rel, doc in self.files.values():
            target = self.site / rel.removeprefix("registry/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render_award(doc), encoding="utf-8")

    def site_path(self, name: str) -> str:
        return self.files[name][0].removeprefix("registry/")


def _before(value: str) -> str:
    """One second before ``value``, in the one form of an endorsement's times (an offset is refused on its own)."""
    start = parse_time(value)
    assert start is not None
    return f"{(start - dt.timedelta(seconds=1)).astimezone(dt.UTC):%Y-%m-%dT%H:%M:%S}Z"


UNSEEN_TEXTS = [
    ("bidi-name", "name", "Data Council recognises: \u202eLQS"),
    # (U+009B: the one-byte escape sequence introducer; ESC itself cannot be signed with an eddsa-rdfc-2022 proof.)
    ("escape-comment", "endorsementComment", "Recognised.\x9b2J Accredited."),
    ("bidi-scope", "endorsementScope", "\U0001f4ca analysts \u2066and\u2069 \u202emanagers"),
]


#: Reasons edged with whitespace of one language only: Python's str.strip() removes U+001C-U+001F and U+0085,
#: JavaScript's trim() removes U+FEFF.
ODD_EDGES = {
    "reason-in-python-space": "\x1c\x1d\x1e\x1f\x85 Withdrawn \x85\x1f",
    "reason-in-javascript-space": "\ufeffWithdrawn\ufeff",
}


def _resign_reason(log: Path, digest: str, c: Corpus, reason: str) -> None:
    """The log line revoking ``digest`` signed again by its issuer with ``reason``, as it is (not folded)."""
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    for i, line in enumerate(lines):
        if line["award"] == digest:
            when = parse_time(line["revoked"])
            assert when is not None
            did = c.registry.issuer_did(ACME)
            number, index = line["statusList"], line["statusListIndex"]
            lines[i] = revocation_entry(did, digest, number, index, reason, c.keys[ACME], when)
    log.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    c = Corpus(tmp_path_factory.mktemp("endorsements-js"))
    genuine = c.endorse("genuine")
    tampered = copy.deepcopy(genuine)
    tampered["credentialSubject"]["endorsementKind"] = "accredits"
    c.place("tampered", tampered, DC)
    c.endorse("issuer-profile", who=OB, target=ACME)
    revoked = c.endorse("revoked", who=OB)
    revoke_endorsement(c.registry, award_hash(revoked), c.keys[OB], now=NOW - dt.timedelta(days=1))
    # An issuer's endorsement, in the issuer's award lists, revoked by a signed line of its revocation log.
    by_issuer = c.endorse("revoked-by-an-issuer", who=ACME, target=f"{BETA}/sql-basics")
    revoke_endorsement(
        c.registry, award_hash(by_issuer), c.keys[ACME], now=NOW - dt.timedelta(days=1), reason="Withdrawn"
    )
    # Issuer's endorsements whose signed log lines give a reason edged with whitespace of one language only (the
    # CLI folds it away; a line signed by other means keeps it): Python's and JavaScript's own.
    for name, edge in ODD_EDGES.items():
        odd = c.endorse(name, who=ACME, target=BETA)
        revoke_endorsement(c.registry, award_hash(odd), c.keys[ACME], now=NOW - dt.timedelta(days=1), reason="x")
        _resign_reason(c.root / layout.ISSUERS_DIR / ACME / "revocations.jsonl", award_hash(odd), c, edge)
    c.endorse("expired", valid_from=NOW - dt.timedelta(days=90), valid_until=NOW - dt.timedelta(days=1))
    c.endorse("not-yet-valid", valid_from=NOW + dt.timedelta(days=3))
    # The Other Body's key, named as the Data Council's: the signature does not hold.
    c.forge("another-bodys-key", genuine, DC, c.keys[OB], DC)
    # The Other Body's key under its own name, on a statement in the Data Council's name.
    c.forge("another-bodys-method", genuine, DC, c.keys[OB], OB)
    # An issuer writing, with its own key, an accreditation of its own credential in the Data Council's name.
    claimed = copy.deepcopy(genuine)
    claimed["credentialSubject"]["endorsementKind"] = "accredits"
    c.forge("issuer-in-a-bodys-name", claimed, DC, c.keys[ACME], DC)
    # An issuer endorsing its own credential, and itself, in its own name and folder with its own key.
    registry = c.registry
    for name, target in (("own-credential", CREDENTIAL), ("itself", ACME)):
        unsigned = unsigned_endorsement(
            registry, ACME, target, kind=EndorsementKind.ENDORSES, comment="We are good.", scope=None,
            valid_from=NOW - dt.timedelta(days=1), valid_until=None, status_list=1, status_index=7,
        )  # fmt: skip
        signed = sign_document(unsigned, c.keys[ACME], f"{registry.endorser_did(ACME)}#k1", at_valid_from(unsigned))
        c.place(name, signed, ACME)
    # Signed by the Data Council with text the page would show reversed or a terminal would act on.
    for name, field, text in UNSEEN_TEXTS:
        unsigned = unsigned_endorsement(
            registry, DC, CREDENTIAL, kind=EndorsementKind.RECOGNISES, comment="Recognised.", scope="analysts",
            valid_from=NOW - dt.timedelta(days=1), valid_until=None, status_list=1, status_index=9,
        )  # fmt: skip
        target = unsigned if field == "name" else unsigned["credentialSubject"]
        target[field] = text
        signed = sign_document(unsigned, c.keys[DC], f"{registry.endorser_did(DC)}#k1", at_valid_from(unsigned))
        c.place(name, signed, DC)
    # Signed before the Data Council's key became valid.
    early = {k: v for k, v in copy.deepcopy(genuine).items() if k != "proof"}
    early["validFrom"] = "2025-01-01T00:00:00Z"
    c.place("before-the-key", sign_document(early, c.keys[DC], f"{registry.endorser_did(DC)}#k1", dt.datetime(
        2025, 1, 1, tzinfo=dt.UTC)), DC)  # fmt: skip
    # Signed by the Data Council, but its window closes before it opens.
    backwards = {k: v for k, v in copy.deepcopy(genuine).items() if k != "proof"}
    backwards["validUntil"] = _before(backwards["validFrom"])
    method = f"{registry.endorser_did(DC)}#k1"
    c.place("empty-window", sign_document(backwards, c.keys[DC], method, at_valid_from(backwards)), DC)
    c.publish()
    return c


@pytest.fixture(scope="module")
def node(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    runner = Node(tmp_path_factory.mktemp("endorsements-js-node"), corpus.site)
    yield runner
    runner.close()


EXPECTED = {
    "genuine": "valid",
    "issuer-profile": "valid",
    "tampered": "invalid",
    "revoked": "revoked",
    "revoked-by-an-issuer": "revoked",
    **{name: "revoked" for name in ODD_EDGES},
    "expired": "expired",
    "not-yet-valid": "not-yet-valid",
    "another-bodys-key": "invalid",
    "another-bodys-method": "invalid",
    "issuer-in-a-bodys-name": "invalid",
    "own-credential": "invalid",
    "itself": "invalid",
    "before-the-key": "invalid",
    "empty-window": "invalid",
    **{name: "invalid" for name, _, _ in UNSEEN_TEXTS},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_page_and_the_python_verifier_agree(corpus: Corpus, node: Node, name: str) -> None:
    _, doc = corpus.files[name]
    python = endorsement_verdict(verify_endorsement(doc, corpus.registry, now=NOW))
    page = node.check(corpus.site_path(name), award_hash(doc), NOW)
    assert page == python
    assert python[0] == EXPECTED[name], python
    assert (python[1] == "") == (python[0] == "valid"), python  # every refusal says why


@pytest.mark.parametrize(
    ("name", "reason", "headline", "because"),
    [
        # An issuer's revocation is a signed line of its log: both say its day and published reason, as for awards.
        (
            "revoked-by-an-issuer",
            "revoked by the endorser on 2026-05-31 for this reason: 'Withdrawn'",
            "Revoked on 31 May 2026 by its endorser.",
            "Reason given by its endorser: 'Withdrawn'",
        ),
        # An endorser keeps no log: its re-signed list is all there is.
        ("revoked", "revoked by the endorser", "Revoked by its endorser.", ""),
    ],
)
def test_a_revoked_endorsement_says_why_alike_when_its_issuer_logged_it(
    corpus: Corpus, node: Node, name: str, reason: str, headline: str, because: str
) -> None:
    _, doc = corpus.files[name]
    result = verify_endorsement(doc, corpus.registry, now=NOW)
    python = endorsement_verdict(result)
    assert node.check(corpus.site_path(name), award_hash(doc), NOW) == python == ("revoked", reason)
    # The page's badge is credreg verify's headline, word for word (one wording: revoked_headline).
    assert (result.headline().kind, result.headline().text) == (HeadlineKind.REVOKED, headline)
    assert revoked_because(reason) == because
    assert node.badge(corpus.site_path(name), award_hash(doc), NOW) == (headline, because)


def test_the_page_gives_no_reason_its_issuer_did_not_sign(corpus: Corpus, node: Node, tmp_path: Path) -> None:
    # The published line is the issuer's signed record: altered, the page does not show it (an award's likewise).
    _, doc = corpus.files["revoked-by-an-issuer"]
    digest = award_hash(doc)
    published = corpus.site / "issuers" / ACME / "endorsements" / f"{digest}.revocation.json"
    kept = tmp_path / "kept.json"
    shutil.copy(published, kept)
    try:
        published.write_text(published.read_text(encoding="utf-8").replace("Withdrawn", "Fraud"), encoding="utf-8")
        assert node.check(corpus.site_path("revoked-by-an-issuer"), digest, NOW) == (
            "revoked",
            "revoked by the endorser",
        )
        assert node.badge(corpus.site_path("revoked-by-an-issuer"), digest, NOW) == ("Revoked by its endorser.", "")
    finally:
        shutil.copy(kept, published)


HOLDS = "holds the invisible or control character"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("bidi-name", f"name: {HOLDS} U+202E (character 26)"),
        ("escape-comment", f"credentialSubject.endorsementComment: {HOLDS} U+009B"),
        # Counted in code points on both sides: the emoji is one character, not two UTF-16 units.
        ("bidi-scope", f"credentialSubject.endorsementScope: {HOLDS} U+2066 (character 12)"),
    ],
)
def test_signed_text_with_an_unseen_character_is_refused_alike(
    corpus: Corpus, node: Node, name: str, reason: str
) -> None:
    _, doc = corpus.files[name]
    python = endorsement_verdict(verify_endorsement(doc, corpus.registry, now=NOW))
    assert node.check(corpus.site_path(name), award_hash(doc), NOW) == python
    assert python[0] == "invalid"
    assert python[1].startswith(reason), python


def test_the_same_file_changes_verdict_with_the_clock(corpus: Corpus, node: Node) -> None:
    _, doc = corpus.files["not-yet-valid"]
    later = NOW + dt.timedelta(days=4)
    python = endorsement_verdict(verify_endorsement(doc, corpus.registry, now=later))
    assert node.check(corpus.site_path("not-yet-valid"), award_hash(doc), later) == python == ("valid", "")


def test_the_page_refuses_a_file_that_is_not_the_one_it_names(corpus: Corpus, node: Node) -> None:
    # The page's own extra rule: the file must be the one the page names (the Python side reads it by hash).
    _, doc = corpus.files["genuine"]
    other = award_hash(corpus.files["revoked"][1])
    assert node.check(corpus.site_path("genuine"), other, NOW) == (
        "invalid",
        "the file is not the one this page names",
    )
    assert award_hash(doc) != other


# --- credreg verify's headline of an endorsement, and the page's copy (results.js headlineOf) --------------------

#: Reasons an endorsement's checks can give beyond those the corpus meets (a key revoked or retired before it
#: signed, a verification method whose own text looks like a signature failure, dates and lists that cannot be
#: read, a revocation with a published reason).
EXTRA_REASONS = {
    "proof": [
        "signed on 2026-05-01, after key k1 was revoked (2026-04-01: the laptop was lost)",
        "signed on 2026-05-01, after key k1 was retired (2026-04-01)",
        "eddsa-jcs-2022: the signature does not match",
        "eddsa-jcs-2022: x is not a registered key of data-council",
        "x is not a registered key of data-council; eddsa-jcs-2022",
    ],
    "validity": ["expired on 2026-05-01T00:00:00Z", "not valid before 2026-07-01T00:00:00Z", "cannot be read"],
    "status": [
        "revoked by the endorser on 2026-05-31 for this reason: 'Withdrawn'",
        "revoked by the endorser",
        "the status list could not be read",
    ],
}
STATUSES = (CheckStatus.FAILED, CheckStatus.NOT_CHECKED, CheckStatus.PASSED)


def _variants(results: list[VerificationResult]) -> Iterator[tuple[Check, ...]]:
    """Every corpus result's checks, and each with one check's outcome changed to every status, with every
    reason seen for that check (in the corpus or in EXTRA_REASONS)."""
    reasons: dict[str, set[str]] = {}
    for result in results:
        for c in result.checks:
            reasons.setdefault(c.id, {"ok"}).add(c.reason)
    for check_id, extra in EXTRA_REASONS.items():
        reasons.setdefault(check_id, {"ok"}).update(extra)
    seen: set[tuple[Check, ...]] = set()
    for result in results:
        for at, c in enumerate((None, *result.checks)):
            if c is None:
                variants: Iterator[tuple[Check, ...]] = iter([result.checks])
            else:
                variants = (
                    (*result.checks[: at - 1], Check(c.id, c.label, status, reason), *result.checks[at:])
                    for status in STATUSES
                    for reason in sorted(reasons[c.id])
                )
            for checks in variants:
                if checks not in seen:
                    seen.add(checks)
                    yield checks


def test_an_endorsement_s_headline_names_an_endorsement_and_the_page_says_the_same(corpus: Corpus, node: Node) -> None:
    """Every headline kind an endorsement can get, over a generated corpus of check lists: Python's and the page's
    are the same words, and none calls it an award or its endorser an issuer (one wording table, by subject)."""
    results = [verify_endorsement(doc, corpus.registry, now=NOW) for _, doc in corpus.files.values()]
    kinds: dict[HeadlineKind, int] = {}
    for checks in _variants(results):
        lead = VerificationResult(checks, None, {}, ENDORSEMENT).headline()
        assert node.headline([{**c.as_dict(), "applicable": c.applicable} for c in checks]) == {
            "kind": str(lead.kind),
            "text": lead.text,
        }, checks
        assert "award" not in lead.text, (lead, checks)
        assert "issuer" not in lead.text, (lead, checks)
        kinds[lead.kind] = kinds.get(lead.kind, 0) + 1
    recipient = {HeadlineKind.RECIPIENT_CONFIRMED, HeadlineKind.RECIPIENT_REFUSED, HeadlineKind.RECIPIENT_UNCONFIRMED}
    # An endorsement names no recipient, its profile fixes its two proofs (none of an unsupported kind), and its
    # endorser is checked before its signature (never "genuine signature, but"); a status list is no endorsement.
    status_list = {
        HeadlineKind.STATUS_LIST,
        HeadlineKind.STATUS_LIST_NOT_GENUINE,
        HeadlineKind.STATUS_LIST_NOT_IN_FORCE,
        HeadlineKind.STATUS_LIST_NOT_LATEST,
        HeadlineKind.STATUS_LIST_NOT_LOGGED,
    }
    never = {HeadlineKind.UNSUPPORTED, HeadlineKind.UNREGISTERED_ISSUER, *status_list}
    assert set(kinds) == set(HeadlineKind) - recipient - never, kinds


CHANGED = "This file was changed after it was issued: it is not what its endorser signed."
NOT_ITS_KEY = "Signed with a key its endorser had not registered."
NOT_OURS = "Not an endorsement this registry published."
ENDED, STARTS = plain_day((NOW - dt.timedelta(days=1)).isoformat()), plain_day((NOW + dt.timedelta(days=3)).isoformat())


@pytest.mark.parametrize(
    ("name", "kind", "text"),
    [
        ("genuine", HeadlineKind.VALID, "Valid: a genuine endorsement, in force."),
        ("tampered", HeadlineKind.CHANGED, CHANGED),
        ("another-bodys-key", HeadlineKind.CHANGED, CHANGED),
        ("another-bodys-method", HeadlineKind.KEY_NOT_REGISTERED, NOT_ITS_KEY),
        ("before-the-key", HeadlineKind.KEY_NOT_REGISTERED, NOT_ITS_KEY),
        (
            "bidi-name",
            HeadlineKind.MALFORMED,
            "This file is not a well-formed endorsement, so what it says cannot be trusted.",
        ),
        ("expired", HeadlineKind.EXPIRED, f"Expired on {ENDED}: it was genuine but is no longer in force."),
        (
            "not-yet-valid",
            HeadlineKind.NOT_YET_VALID,
            f"Not yet valid: it is genuine, and comes into force on {STARTS}.",
        ),
        ("own-credential", HeadlineKind.NOT_PUBLISHED, NOT_OURS),
        ("itself", HeadlineKind.NOT_PUBLISHED, NOT_OURS),
    ],
)
def test_each_endorsement_is_headlined_as_an_endorsement(
    corpus: Corpus, node: Node, name: str, kind: HeadlineKind, text: str
) -> None:
    """The headline of what went wrong, in an endorsement's words: a changed endorsement was headlined as "a kind of
    signature that cannot be checked here" (its one signature check shares the id of an award's other proofs)."""
    _, doc = corpus.files[name]
    result = verify_endorsement(doc, corpus.registry, now=NOW)
    lead = result.headline()
    assert (lead.kind, lead.text) == (kind, text)
    checks = [{**c.as_dict(), "applicable": c.applicable} for c in result.checks]
    assert node.headline(checks) == {"kind": str(kind), "text": text}


#: Whitespace of one language only: Python's str.strip() removes U+001C-U+001F and U+0085, JavaScript's trim()
#: removes U+FEFF; both remove the rest.
ODD_SPACES = ["\ufeff", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\u3000", "\u2028", "\xa0", "\u200b"]


@pytest.mark.parametrize("space", ODD_SPACES, ids=lambda c: f"U+{ord(c):04X}")
def test_a_revocation_reason_is_trimmed_as_python_trims_it(node: Node, space: str) -> None:
    """The status check of a revoked award or endorsement quotes its published reason, trimmed by one rule."""
    for by in ("", " by the endorser"):
        reason = revoked_reason(REVOKED_AT, f"{space}Withdrawn{space}", by=by)
        assert node.revoked_reason(REVOKED_AT, f"{space}Withdrawn{space}", by) == reason, space
        python = revoked_because(reason)
        assert node.revoked_because(reason) == python, (space, python)
        assert node.revoked_headline(reason) == revoked_headline(reason)
        if space in "\x1c\x1d\x1e\x1f\x85\u3000\u2028\xa0":
            assert python.endswith(": 'Withdrawn'"), python
        # Nothing but the odd character: no reason at all, on both sides.
        bare = revoked_reason(None, f"{space}{space}", by=by)
        assert node.revoked_reason(None, f"{space}{space}", by) == bare
        assert node.revoked_because(bare) == revoked_because(bare)


@pytest.mark.parametrize("reason", [["Withdrawn"], {"text": "Withdrawn"}, 1.0, 5, True, None, ""])
def test_a_revocation_reason_that_is_not_text_gives_no_reason_on_either_side(node: Node, reason: Any) -> None:
    # A signed line's reason is text by the check's model; the readers trust a line by its signature alone, and a
    # list or a number was written as str() in Python and JSON.stringify on the page ("['a']" against '["a"]').
    assert revoked_reason(REVOKED_AT, reason) == node.revoked_reason(REVOKED_AT, reason, "") == "revoked on 2026-05-31"


#: A signed line's `revoked` that is no date-time (the check's model refuses it; the readers trust the line by its
#: signature alone): it was written as it is, unquoted, where the status check gives the day.
NOT_A_TIME = "2026-05-31 for this reason: 'none' -- status: VALID, a genuine award"


@pytest.mark.parametrize("revoked", [NOT_A_TIME, "2026-05-31", 20260531, ["2026-05-31T10:00:00Z"], True])
@pytest.mark.parametrize("by", ["", " by the endorser"])
def test_a_revocation_day_that_is_not_a_time_gives_no_day_on_either_side(node: Node, revoked: Any, by: str) -> None:
    # "revoked on 2026-05-31 for this reason: 'none' -- status: VALID, a genuine award for this reason: 'x'": the
    # signer's words outside any quotation, and the reason beside the headline read "'none' -- status: VALID, ...".
    python = revoked_reason(revoked, "Withdrawn", by=by)
    assert python == node.revoked_reason(revoked, "Withdrawn", by) == f"revoked{by} for this reason: 'Withdrawn'"
    who = "its endorser" if by else "its issuer"
    assert revoked_because(python) == node.revoked_because(python) == f"Reason given by {who}: 'Withdrawn'"
    assert revoked_headline(python) == node.revoked_headline(python)


@pytest.mark.parametrize("name", sorted(ODD_EDGES))
def test_an_odd_edged_revocation_reason_reads_the_same_on_the_page_as_in_credreg_verify(
    corpus: Corpus, node: Node, name: str
) -> None:
    """The page's badge and credreg verify's headline give the signed reason trimmed by one rule (Python's)."""
    _, doc = corpus.files[name]
    result = verify_endorsement(doc, corpus.registry, now=NOW)
    assert result.headline().kind is HeadlineKind.REVOKED
    python = result.headline().text
    assert python == "Revoked on 31 May 2026 by its endorser."
    because = f"Reason given by its endorser: {ODD_EDGES[name].strip()!r}"
    assert node.badge(corpus.site_path(name), award_hash(doc), NOW) == (python, because)


def taken_back(tmp: Path, closed: str, who: str = OB) -> tuple[Corpus, dict[str, Any]]:
    """A published corpus where the Other Body (or ``who``: an issuer, whose signed log line says why, on
    2026-05-27) revoked an endorsement, then its key was retired (``closed``: ``valid_until``) or revoked as leaked
    (``revoked_at``), and whoever holds it signed a version of the list with the bit clear, after the key's window
    closed (on 2026-05-31, the window closing on 2026-05-29)."""
    from generator.endorsements import _list_path, _signed_list  # how credreg signs an endorser's list

    c = Corpus(tmp)
    target = CREDENTIAL if who != ACME else f"{BETA}/sql-basics"
    doc = c.endorse("taken-back", who=who, target=target)
    reason = "Withdrawn" if who in c.registry.issuers else None
    revoke_endorsement(c.registry, award_hash(doc), c.keys[who], now=NOW - dt.timedelta(days=5), reason=reason)
    c.close_key(who, closed)
    located = _list_path(c.registry, doc["credentialStatus"]["statusListCredential"])
    assert located is not None
    _, number, path = located
    cleared = _signed_list(c.registry, who, number, new_bitstring(), c.keys[who], NOW - dt.timedelta(days=1))
    path.write_text(json.dumps(cleared), encoding="utf-8")
    c.publish()
    return c, doc


def taken_back_reason(closed: str) -> str:
    """Why the status of :func:`taken_back`'s endorsement is unknown, on both sides."""
    what = "retired (2026-05-29)" if closed == "valid_until" else "revoked (2026-05-29: laptop stolen)"
    return f"the status list's signature is not trusted: signed on 2026-05-31, after key k1 was {what}"


@pytest.mark.parametrize("closed", ["valid_until", "revoked_at"])
def test_a_list_signed_after_its_key_closed_takes_no_revocation_back_alike(tmp_path: Path, closed: str) -> None:
    # The page and credreg verify read the list by one rule (status.py signature_problem, policies.js signedBy):
    # not the endorser's word, so the endorsement's status is unknown, never valid (it read "valid" on both).
    c, doc = taken_back(tmp_path / "corpus", closed)
    python = endorsement_verdict(verify_endorsement(doc, c.registry, now=NOW))
    assert python == ("unknown", taken_back_reason(closed))
    runner = Node(tmp_path / "node", c.site)
    try:
        assert runner.check(c.site_path("taken-back"), award_hash(doc), NOW) == python
    finally:
        runner.close()


@pytest.mark.parametrize("closed", ["valid_until", "revoked_at"])
def test_an_issuer_s_logged_revocation_stands_alike_when_its_list_is_not_trusted(tmp_path: Path, closed: str) -> None:
    # As for an award (status.py status_outcome, policies.js statusOutcome): a list that cannot be trusted says
    # nothing, but the issuer's signed log still records the revocation, with its day and reason. It read
    # "unknown" on both sides, as if the revocation had never been made.
    c, doc = taken_back(tmp_path / "corpus", closed, who=ACME)
    result = verify_endorsement(doc, c.registry, now=NOW)
    python = endorsement_verdict(result)
    assert python == ("revoked", "revoked by the endorser on 2026-05-27 for this reason: 'Withdrawn'")
    assert (result.headline().kind, result.headline().text) == (
        HeadlineKind.REVOKED,
        "Revoked on 27 May 2026 by its endorser.",
    )
    runner = Node(tmp_path / "node", c.site)
    try:
        assert runner.check(c.site_path("taken-back"), award_hash(doc), NOW) == python
    finally:
        runner.close()


@pytest.mark.parametrize(
    "why",
    [
        "VALID: a genuine endorsement, in force.",
        "✓ Verified by the registry",
        "It's \"fine\"'\nValid.",
        "Valid\u2028ok",
    ],
)
def test_a_revocation_reason_never_reads_as_the_registry_s_verdict(node: Node, why: str) -> None:
    """The headline and the endorsements' badges said "Revoked on 31 May 2026 by its issuer: VALID: a genuine
    endorsement, in force.": the signer's words in the registry's verdict, styled as one. The verdict names only
    who revoked it and when; the reason is the signer's, quoted whole (no quote in it closes the quotation, no line
    break starts a line of its own) and attributed, on both sides alike."""
    for by, who in (("", "its issuer"), (" by the endorser", "its endorser")):
        reason = revoked_reason(REVOKED_AT, why, by=by)
        assert node.revoked_reason(REVOKED_AT, why, by) == reason
        # The technical details show this reason too: the signer's words are quoted there as well.
        assert reason.endswith(f" for this reason: {why!r}")
        assert revoked_headline(reason) == node.revoked_headline(reason) == f"Revoked on 31 May 2026 by {who}."
        because = revoked_because(reason)
        assert because == node.revoked_because(reason) == f"Reason given by {who}: {why!r}"
        assert "\n" not in because
        assert "\u2028" not in because


#: Every verdict checkEndorsement (and endorsement_verdict) gives, and one it does not (an unknown word).
_STATES = ("valid", "revoked", "expired", "not-yet-valid", "invalid", "unknown", "framed")


def test_what_stands_of_a_claim_is_one_rule_at_build_and_view_time(node: Node) -> None:
    # The build's claim_standing and the credential page's claimStanding, which weighs the claim again with the
    # verdicts the page gives its endorsements when it is read, over every set of up to three verdicts; and the
    # words and classes the page then shows are the build's.
    from generator.recognition import claim_standing
    from generator.render.endorsements import _CLAIM_CSS, CLAIM_WORDS

    cases = [[*combo] for n in range(4) for combo in itertools.combinations_with_replacement(_STATES, n)]
    for states in cases:
        reply = node.ask(standing=states or ["none"])
        assert reply["standing"] == claim_standing(states or ["none"]).value, states
    assert reply["words"] == {str(status): words for status, words in CLAIM_WORDS.items()}
    assert reply["css"] == {str(status): css for status, css in _CLAIM_CSS.items()}
