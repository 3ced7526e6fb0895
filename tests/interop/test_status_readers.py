"""One revocation, three readers: ``credreg verify``, the verification page and Digital Bazaar's
vc-bitstring-status-list (the status reader of DCC's verifier and common wallets) read every spelling of an award's
status entries, each signed by its issuer, without one saying valid where another reads the award revoked.

The spellings are the ones a signer can choose and the specification leaves open (several entries, in any order;
a suspension beside a revocation; a purpose or type in another case or with a space; an index as a number, with a
sign, a leading zero, a space or a tail ``parseInt`` drops; an ``id`` that is the list's, or names another slot; a
``statusSize`` with its messages; a list named with a fragment, a query or another host's case). The registry
reads exactly one entry, spelt one way (models/award.py ``StatusEntry``): whatever else is signed, it says no
"valid"; Digital Bazaar reads every entry, and its reading of the one canonical entry is the registry's bit.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import gzip
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import layout
from generator.awarding.signing import sign_document
from generator.awarding.status import list_bytes
from generator.awards import award_filename, award_hash, render_award, write_award_file
from generator.check import run_check
from generator.errors import CredregError
from generator.load import load_registry
from generator.openbadges import timestamp
from generator.publish.verifydata import write_verification_data
from generator.registry import Registry
from generator.statuslist import decode_list, encode_list, set_bit
from generator.transparency.entries import _entries_of_change
from generator.verify import Verifier
from tests.interop.test_digital_bazaar import NODE_DIR, documents
from tests.interop.test_digital_bazaar import pytestmark as needs_node
from tests.site.test_endorsements_js import ACME, DC, NOW
from tests.site.test_mutations_js import Mutations
from tests.site.test_verify_js import Node

pytestmark = [needs_node]

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def m(tmp_path_factory: pytest.TempPathFactory) -> Mutations:
    return Mutations(tmp_path_factory.mktemp("status-readers"))


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    runner = Node(tmp_path_factory.mktemp("status-readers-node"))
    yield runner
    runner.close()


def _entry(entry: Doc, **change: Any) -> Doc:
    """A copy of ``entry`` changed (a value of None: the field removed)."""
    out = copy.deepcopy(entry)
    for name, value in change.items():
        if value is None:
            out.pop(name, None)
        else:
            out[name] = value
    return out


def _slot(entry: Doc, index: Any) -> Doc:
    """``entry`` naming ``index`` of its list, its id following (as the registry writes it)."""
    return _entry(entry, statusListIndex=index, id=f"{entry['statusListCredential']}#{index}")


def _cases(m: Mutations) -> dict[str, Any]:
    """Name → the award's credentialStatus; each award is signed again by its issuer (acme's k1)."""
    mine, gone = m.award.award["credentialStatus"], m.revoked.award["credentialStatus"]
    url, index = gone["statusListCredential"], gone["statusListIndex"]
    suspension = _entry(gone, statusPurpose="suspension")
    cases: dict[str, Any] = {
        "its own entry": mine,
        "the revoked award's entry": gone,
        "an array of its own entry": [mine],
        "its own entry, then the revoked slot": [mine, gone],
        "the revoked slot, then its own entry": [gone, mine],
        "its own entry twice": [mine, mine],
        "null": None,
        "an empty array": [],
        "an empty object": {},
        "its own entry and a suspension at the revoked slot": [mine, suspension],
        "a suspension at the revoked slot alone": suspension,
        "a suspension at the revoked slot, then its own entry": [suspension, mine],
        "its own entry and an entry of another type at the revoked slot": [
            mine,
            _entry(gone, type="StatusList2021Entry"),
        ],
        "the revoked slot as a status message list": _entry(
            gone,
            statusPurpose="message",
            statusSize=1,
            statusMessage=[{"status": "0x0", "message": "valid"}, {"status": "0x1", "message": "revoked"}],
        ),
        "the revoked slot with statusSize 2": _entry(gone, statusSize=2),
        "the revoked slot, its id the list's": _entry(gone, id=url),
        "the revoked slot, its id another slot's": _entry(gone, id=mine["id"]),
        "the revoked slot, no id": _entry(gone, id=None),
        "the revoked slot, the list named with a fragment": _entry(gone, statusListCredential=f"{url}#list"),
        "the revoked slot, the list named with a query": _entry(gone, statusListCredential=f"{url}?v=1"),
        "the revoked slot, the list's host in capitals": _entry(
            gone, statusListCredential=url.replace("https://", "HTTPS://").upper().replace(".JSON", ".json")
        ),
    }
    for purpose in ("Revocation", "REVOCATION", " revocation", "revocation ", "revocation\n", "suspension "):
        cases[f"the revoked slot, purpose {purpose!r}"] = _entry(gone, statusPurpose=purpose)
    for kind in ("bitstringStatusListEntry", "BitstringStatusListEntry ", ["BitstringStatusListEntry"]):
        cases[f"the revoked slot, type {kind!r}"] = _entry(gone, type=kind)
    number = int(index)
    for spelling in (
        number,
        float(number),
        f"+{index}",
        f"0{index}",
        f" {index}",
        f"{index} ",
        f"{index}.0",
        f"{index}abc",
        f"{index}e0",
        f"0x{number:x}",
        str(number + 131_072),
        str(2**53 + number),
        "-1",
        "",
    ):
        cases[f"the revoked slot, index {spelling!r}"] = _slot(gone, spelling)
    # Its own slot spelt otherwise: parseInt would read its bit, the registry none.
    cases[f"its own slot, index '{mine['statusListIndex']}x'"] = _slot(mine, f"{mine['statusListIndex']}x")
    return cases


def _signed(m: Mutations, status: Any) -> Doc | None:
    award = {k: v for k, v in copy.deepcopy(m.award.award).items() if k != "proof"}
    award["credentialStatus"] = status
    try:
        return m.sign(award)
    except CredregError:
        return None  # no RDFC proof can be made of it (a term its contexts do not define): no one signs it


class _Registry:
    """What :func:`_digital_bazaar` reads of a corpus: its registry (a copy's, changed)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry


def _digital_bazaar(m: Mutations | _Registry, awards: list[Doc]) -> list[Doc]:
    payload = json.dumps(
        {
            "credentials": [{"credential": award, "now": NOW.isoformat()} for award in awards],
            "documents": documents(m.registry),
        }
    )
    result = subprocess.run(
        ["node", str(NODE_DIR / "verify-vc.mjs")], input=payload, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _status_check(result: Any) -> tuple[str, str]:
    check = next(c for c in result.checks if c.id == "status")
    return str(check.status), check.reason


def test_no_spelling_of_an_award_s_status_reads_not_revoked_here_and_revoked_there(
    m: Mutations, node: Node, tmp_path: Path
) -> None:
    """Each spelling signed by acme: credreg's status check and the page's agree, word for word; neither says "not
    revoked" where Digital Bazaar reads a set bit in any entry; and the full check refuses every spelling but the
    canonical one, by its status entry, so none is ever published to be read valid (a signed award the registry
    does not publish reads untrusted, whatever its status)."""
    signed = {name: _signed(m, status) for name, status in _cases(m).items()}
    awards = {name: award for name, award in signed.items() if award is not None}
    assert len(awards) >= 35, sorted(set(signed) - set(awards))
    theirs = dict(zip(awards, _digital_bazaar(m, list(awards.values())), strict=True))
    verifier = Verifier(m.registry)
    found: list[str] = []
    ours: dict[str, tuple[str, str]] = {}
    for name, award in awards.items():
        ours[name] = status = _status_check(verifier.verify(award, now=NOW))
        page = node.ask(op="verify", root=f"{m.c.site}/", now=NOW.isoformat(), text=json.dumps(award))
        said = page["checks"]["status"][1].replace("(the page never fetches elsewhere)", "(credreg never fetches)")
        if (page["checks"]["status"][0], said) != status:
            found.append(f"{name}: credreg's status check {status}, the page's {page['checks']['status']}")
        db = theirs[name]
        db_revoked = any(s["status"] is True for s in db["statuses"])
        if status[0] == "passed" and (db_revoked or db["statusError"] is not None):
            found.append(f"{name}: credreg reads it not revoked, Digital Bazaar {db}")
        if db_revoked and status[0] == "passed":
            found.append(f"{name}: Digital Bazaar reads it revoked, credreg {status}")
    assert found == [], "\n".join(found)
    # The corpus reaches what it says: only the canonical entry of its own slot reads not revoked, the revoked
    # award's reads revoked, in every reader; Digital Bazaar reads the revoked bit through spellings the registry
    # refuses (an array, a sign, a tail parseInt drops).
    assert {name for name, (status, _) in ours.items() if status == "passed"} == {"its own entry"}
    assert ours["the revoked award's entry"][1].startswith("revoked")
    assert theirs["its own entry"]["statuses"] == [{"purpose": "revocation", "status": False}]
    assert theirs["the revoked award's entry"]["statuses"] == [{"purpose": "revocation", "status": True}]
    index = m.revoked.award["credentialStatus"]["statusListIndex"]
    for name in ("its own entry, then the revoked slot", f"the revoked slot, index '+{index}'"):
        assert any(s["status"] is True for s in theirs[name]["statuses"]), theirs[name]
    # Published, each spelling is refused by the full check at its status entry.
    root = tmp_path / "registry"
    shutil.copytree(m.c.root, root, symlinks=True)
    paths = {}
    for name, award in awards.items():
        if name == "its own entry":
            continue
        path = award_filename(root, ACME, award, award_hash(award))
        write_award_file(root, path, render_award(award))
        paths[name] = path.relative_to(root).as_posix()
    errors = run_check(root).problems.errors
    # A slot two awards share is refused at whichever of the two the check reads second (file names are hashes of
    # awards signed with this run's keys), naming the other: either way the spelling's file is named.
    unrefused = [
        name
        for name, rel in paths.items()
        if not any(
            "credentialStatus" in p.field + p.message and (p.location.path == rel or rel in p.message) for p in errors
        )
    ]
    assert unrefused == [], [str(p) for p in errors if p.location.path in {paths[n] for n in unrefused}]


def test_a_registry_list_reads_the_same_bits_in_digital_bazaar(m: Mutations, tmp_path: Path) -> None:
    """Every slot the registry reads revoked, and a run of others around them, read alike by Digital Bazaar: the
    bit order (index 0 the first byte's most significant bit) and the list's one encoding are the specification's."""
    gone = m.revoked.award["credentialStatus"]
    index = int(gone["statusListIndex"])
    slots = sorted({*range(max(0, index - 9), index + 10), 0, 7, 8, 131_071})
    awards = [a for a in (_signed(m, _slot(gone, str(i))) for i in slots) if a is not None]
    assert len(awards) == len(slots)
    theirs = _digital_bazaar(m, awards)
    verifier = Verifier(m.registry)
    for slot, award, db in zip(slots, awards, theirs, strict=True):
        ours = str(verifier.verify(award, now=NOW).verdict)
        assert db["verified"] is True, (slot, db)
        assert db["statuses"] == [{"purpose": "revocation", "status": slot == index}], (slot, db)
        # The registry reads the same bit (an award that is not published is not its own: untrusted, its
        # revocation still read first).
        check = next(c for c in verifier.verify(award, now=NOW).checks if c.id == "status")
        assert check.reason.startswith("revoked") == (slot == index), (slot, ours, check.reason)


# --- a revocation taken back by the list's encoding -------------------------------------------------------------


def _gzip_members(*parts: bytes) -> bytes:
    return b"".join(gzip.compress(part, mtime=0) for part in parts)


def _unrevoking_lists(m: Mutations) -> dict[str, Doc]:
    """acme's list 1 signed again by acme, its revoked award's bit cleared in every spelling an encodedList can
    take: the plain one, and those a lenient decoder reads (two members, trailing bytes, standard base64 with
    padding, no multibase prefix, a header field, fewer bits than the minimum), and a list of another purpose."""
    path = layout.status_list_path(m.c.root, ACME, 1)
    genuine = json.loads(path.read_text())
    bits = bytearray(decode_list(genuine["credentialSubject"]["encodedList"]))
    set_bit(bits, int(m.revoked.award["credentialStatus"]["statusListIndex"]), False)
    cleared = bytes(bits)
    plain = gzip.compress(cleared, mtime=0)
    b64 = base64.urlsafe_b64encode
    named = bytearray(gzip.compress(cleared, mtime=0))
    named[3] = 0x08  # FNAME: a file name follows the fixed header
    named[10:10] = b"list\x00"
    spellings: dict[str, Any] = {
        "bit cleared": encode_list(cleared),
        "bit cleared, two GZIP members": "u" + b64(_gzip_members(cleared[:8192], cleared[8192:])).decode().rstrip("="),
        "bit cleared, bytes after the member": "u" + b64(plain + b"\0\0\0\0").decode().rstrip("="),
        "bit cleared, standard base64 with padding": "u" + base64.b64encode(plain + b"\0").decode(),
        "bit cleared, no multibase prefix": b64(plain).decode().rstrip("="),
        "bit cleared, a file name in the header": "u" + b64(bytes(named)).decode().rstrip("="),
        "bit cleared, 8 KiB of bits": encode_list(cleared[:8192]) if cleared[8192:].strip(b"\0") == b"" else None,
    }
    out: dict[str, Doc] = {}
    for name, encoded in spellings.items():
        if encoded is None:
            continue
        doc = copy.deepcopy(genuine)
        doc.pop("proof")
        doc["credentialSubject"]["encodedList"] = encoded
        out[name] = doc
    purpose = copy.deepcopy(genuine)
    purpose.pop("proof")
    purpose["credentialSubject"]["statusPurpose"] = "suspension"
    purpose["credentialSubject"]["encodedList"] = encode_list(cleared)
    out["bit cleared, a suspension list"] = purpose
    key = m.c.keys[ACME]
    for doc in out.values():
        doc["validFrom"] = timestamp(LATER)  # signed when written, as credreg signs a list
    signed = {name: sign_document(doc, key, f"{m.did(ACME)}#{key.key_id}", LATER) for name, doc in out.items()}
    # The plain list with the bit cleared, signed by a key no reader trusts for it: acme's retired k2 and revoked
    # k3 (each after its end), another body's key named as its own.
    plain = {k: v for k, v in out["bit cleared"].items() if k != "proof"}
    other = m.c.keys[DC]
    signed["bit cleared, signed by acme's retired key"] = sign_document(plain, m.k2, f"{m.did(ACME)}#k2", LATER)
    signed["bit cleared, signed by acme's revoked key"] = sign_document(plain, m.k3, f"{m.did(ACME)}#k3", LATER)
    method = f"{m.did(DC)}#{other.key_id}"
    signed["bit cleared, signed by an endorser's key"] = sign_document(plain, other, method, LATER)
    return signed


LATER = NOW - dt.timedelta(days=1)


def test_no_encoding_of_a_cleared_bit_takes_a_revocation_back_unseen(m: Mutations, node: Node, tmp_path: Path) -> None:
    """The revoked award's list re-signed by its issuer with the bit cleared, in every spelling: credreg verify and
    the page still read the award revoked (the issuer's signed revocation line stands whatever the list says), and
    the transparency log records every such list as a revocation taken back (``status-list-cleared``), whichever
    spelling a lenient reader would read its bits through."""
    lists = _unrevoking_lists(m)
    assert len(lists) >= 10
    rel = layout.relpath(m.c.root, layout.status_list_path(m.c.root, ACME, 1))
    old = layout.status_list_path(m.c.root, ACME, 1).read_bytes()
    found: list[str] = []
    verdicts: dict[str, tuple[str, str]] = {}
    db: dict[str, Doc] = {}
    for i, (name, signed) in enumerate(lists.items()):
        root, site = tmp_path / f"r{i}", tmp_path / f"s{i}"
        shutil.copytree(m.c.root, root, symlinks=True)
        shutil.copytree(m.c.site, site, symlinks=True)
        text = list_bytes(signed)
        (root / rel).write_bytes(text)
        (site / "issuers" / ACME / "status" / "1.json").write_bytes(text)
        loaded = load_registry(root, use_cache=False).registry
        assert loaded is not None
        ours = Verifier(loaded).verify(m.revoked.award, now=NOW)
        page = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), text=json.dumps(m.revoked.award))
        if str(ours.verdict) != "revoked" or page.get("verdict") != "revoked":
            found.append(f"{name}: credreg {ours.verdict} ({_status_check(ours)}), the page {page.get('verdict')}")
        kinds = [entry.kind for entry in _entries_of_change(rel, old, text)]
        if "status-list-cleared" not in kinds:
            found.append(f"{name}: the log records {kinds}, no revocation taken back")
        # Digital Bazaar reads most of these lists (a lenient decoder; a key's end it does not read) and the award
        # not revoked: the full check refuses each, so the registry never publishes one.
        db[name] = _digital_bazaar(_Registry(loaded), [m.revoked.award])[0]
        if not [p for p in run_check(root).problems.errors if p.location.path == rel]:
            found.append(f"{name}: the full check does not refuse the list")
        # The issuer's revocation line removed too (logged as revocation-removed): the plain list is then read
        # (the award valid again, in the open), and no other spelling is read at all (its status unknown).
        log = layout.revocations_path(root, ACME)
        log.unlink()
        loaded = load_registry(root, use_cache=False).registry
        assert loaded is not None
        site = tmp_path / f"bare{i}"  # a fresh build: the site of a registry without the line
        write_verification_data(loaded, site, now=NOW)
        shutil.copytree(root / rel.rsplit("/", 1)[0], site / "issuers" / ACME / "status")
        verdicts[name] = _status_check(Verifier(loaded).verify(m.revoked.award, now=NOW))
        page = node.ask(op="verify", root=f"{site}/", now=NOW.isoformat(), text=json.dumps(m.revoked.award))
        if tuple(page["checks"]["status"]) != verdicts[name]:
            found.append(f"{name}, no revocation line: credreg {verdicts[name]}, the page {page['checks']['status']}")
    assert found == [], "\n".join(found)
    lenient = {
        name
        for name, out in db.items()
        if out["verified"] and out["statuses"] == [{"purpose": "revocation", "status": False}]
    }
    assert lenient >= {
        "bit cleared, two GZIP members",
        "bit cleared, bytes after the member",
        "bit cleared, a file name in the header",
        "bit cleared, signed by acme's revoked key",
    }, db
    assert verdicts.pop("bit cleared") == ("passed", "not revoked (issuer's signed status list)")
    # Each refused by the rule it probes: its encoding or purpose (not its dates), or its signer.
    signer = {name: reason for name, (_, reason) in verdicts.items() if "signed by" in name}
    assert signer == {
        "bit cleared, signed by acme's retired key": "the status list's signature is not trusted: signed on "
        "2026-05-31, after key k2 was retired (2026-04-02)",
        "bit cleared, signed by acme's revoked key": "the status list's signature is not trusted: signed on "
        "2026-05-31, after key k3 was revoked (2026-04-12: Leaked)",
        "bit cleared, signed by an endorser's key": "the status list is not signed by a key of the issuer",
    }, signer
    assert all(
        status == "not checked"
        and reason.startswith("the status list is not well-formed: ")
        and ("encodedList" in reason or "statusPurpose" in reason)
        for name, (status, reason) in verdicts.items()
        if name not in signer
    ), verdicts
