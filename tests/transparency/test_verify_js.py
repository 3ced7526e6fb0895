"""The browser's log check (``tlog.js``), run in Node against the Python log code and a log Python published.

* Merkle roots, inclusion and consistency proofs computed by JS from tiles written by Python, equal to
  Python's, for many sizes; tampered proofs refused by both.
* The whole "Public log" check on a published log of the example registry: entry N of S with the witness
  count; a tampered tile, bundle or checkpoint fails; a returning visitor shown a log that is not consistent
  with the one it remembered (a split view), or a smaller one, is told so.
* The same check of an endorsement (its record in ``log/index/endorsements/``): logged passes, unlogged or a
  tampered proof or a stale endorser status list fails, a key retired in the log before it fails.
* The check of a status list given on its own (``listLogCheck``, inclusion.py ``status_list_log_check``): its
  file's bytes the log's latest version passes; an older version, one never logged, none logged fail; a demo log
  and a registry without a log are said alike; and the headline each failure gives, alike.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import gzip
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import load_registry
from generator.publish.verifydata import shard_name
from generator.registry import Registry
from generator.tlog import merkle
from generator.tlog.tiles import TileSource, append, tile_path
from generator.transparency.log import LogError, LogSource
from generator.transparency.publish import award_entry_text, publish_log
from generator.transparency.witness import add_cosignatures, witness_log
from tests.conftest import reseal_shard
from tests.site.node_runner import NODE, NodeRunner
from tests.transparency.conftest import (
    LogRepo,
    award_with,
    commit_all,
    endorsement_with,
    endorser_list_under_a_declared_did,
    git,
    imported_key,
    issuer_declaring,
    owner_key,
    plant_award,
    second_issuer_list_under_a_taken_did,
    serve_log,
)

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { readFile } from "node:fs/promises";
import * as T from "./verify/tlog.js";
import { headlineOf, STATUS_LIST } from "./verify/results.js";
import { SiteData } from "./verify/sitedata.js";

const hex = (b) => Buffer.from(b).toString("hex");
const unhex = (s) => new Uint8Array(Buffer.from(s, "hex"));
// A folder where a file should be stands for a file the host refuses to serve (HTTP 403), as tlog.js reads one.
const file = (root) => async (path) => {
  try { return new Uint8Array(await readFile(root + path)); }
  catch (error) {
    if (error.code === "ENOENT") return null;
    if (error.code === "EISDIR") throw new T.LogError(`could not load ${path}: HTTP 403`);
    throw error;
  }
};
const memories = new Map();
function memory(name) {
  if (!memories.has(name)) {
    const items = new Map();
    // As localStorage: its keys enumerable (a browser's memory kept by an older page is read by its keys).
    memories.set(name, {
      getItem: (k) => items.get(k) ?? null,
      setItem: (k, v) => items.set(k, String(v)),
      removeItem: (k) => items.delete(k),
      key: (i) => [...items.keys()][i] ?? null,
      get length() { return items.size; },
    });
  }
  return memories.get(name);
}

async function handle(req) {
  if (req.op === "proofs") {
    const src = new T.TileSource(file(req.dir), req.size);
    const root = await T.rootHash(src, req.size);
    const inclusion = [];
    for (const i of req.indexes) inclusion.push((await T.inclusionProof(src, i, req.size)).map(hex));
    const consistency = [];
    for (const m of req.olds) consistency.push((await T.consistencyProof(src, m, req.size)).map(hex));
    return { root: hex(root), inclusion, consistency };
  }
  if (req.op === "virtual-proofs") {
    // A tree of one leaf repeated, as Python's test makes it: each complete subtree's hash is its height's.
    const heights = [T.leafHash(new TextEncoder().encode("entry"))];
    const src = {
      node: async (h) => {
        while (heights.length <= h) heights.push(T.nodeHash(await heights.at(-1), await heights.at(-1)));
        return heights[h];
      },
    };
    const [root, oldRoot] = [await T.rootHash(src, req.size), await T.rootHash(src, req.old)];
    const consistency = await T.consistencyProof(src, req.old, req.size);
    const inclusion = await T.inclusionProof(src, req.index, req.size);
    return {
      root: hex(root), consistency: consistency.map(hex), inclusion: inclusion.map(hex),
      consistent: await T.verifyConsistency(req.old, req.size, oldRoot, root, consistency),
      included: await T.verifyInclusion(await src.node(0, req.index), req.index, req.size, inclusion, root),
    };
  }
  if (req.op === "verify-inclusion") {
    return { ok: await T.verifyInclusion(unhex(req.leaf), req.index, req.size, req.proof.map(unhex), unhex(req.root)) };
  }
  if (req.op === "verify-consistency") {
    const roots = [unhex(req.oldRoot), unhex(req.newRoot)];
    return { ok: await T.verifyConsistency(req.old, req.size, ...roots, req.proof.map(unhex)) };
  }
  if (req.op === "forget") {
    // What a browser that ran an older page holds: its memory without the keys that page did not write.
    memory(req.visitor).removeItem(req.key);
    return {};
  }
  if (req.op === "check") {
    const load = file(req.site);
    const site = new SiteData(new URL(req.root ?? "https://site.test/"), async (path, options) => {
      const b = await load(path);
      return b === null || options?.binary ? b : Buffer.from(b).toString();
    });
    site.loadBytes = load;
    // The lookup, whose shard entry carries the award's log record (an endorsement's is in log/index/).
    const entry = req.kind === "endorsement" ? null : await site.entry(req.hash);
    const c = await T.logCheck(site, req.hash, memory(req.visitor), req.document ?? null, entry, req.now, req.kind);
    return { status: c.status, reason: c.reason, applicable: c.applicable };
  }
  if (req.op === "listcheck") {
    const load = file(req.site);
    const site = new SiteData(new URL(req.root ?? "https://site.test/"), async (path, options) => {
      const b = await load(path);
      return b === null || options?.binary ? b : Buffer.from(b).toString();
    });
    site.loadBytes = load;
    const c = await T.listLogCheck(site, req.text, memory(req.visitor), req.document, req.now, { image: req.image });
    return { status: c.status, reason: c.reason, applicable: c.applicable };
  }
  if (req.op === "awardproof") {
    const read = file(req.site + "log/");
    const seen = [];
    const tiles = new T.TileSource(async (path) => { seen.push(path); return read(path); }, req.size);
    const source = await T.withPath({ loadBytes: file(req.site) }, tiles, req.index, req.size);
    const proof = await T.inclusionProof(source, req.index, req.size);
    const ok = await T.verifyInclusion(unhex(req.leaf), req.index, req.size, proof, unhex(req.root));
    return { proof: proof.map(hex), ok, tiles: seen };
  }
  if (req.op === "checkpoint") {
    try { return { size: T.parseCheckpoint(req.text).size }; } catch (error) { return { refused: error.message }; }
  }
  if (req.op === "pathfile") return { found: req.cases.map(([index, size]) => T.pathFile(index, size)) };
  if (req.op === "index") {
    const given = T.indexCommitment({ extensions: req.extensions });
    const leaf = await T.indexLeaf(req.kind, req.path, req.entries);
    const ok = given !== null && (await T.verifyIndexProof(given, leaf, req.proof));
    return { given: given && { size: given.size, root: hex(given.root) }, leaf: Buffer.from(leaf).toString(), ok };
  }
  if (req.op === "entry") {
    const entry = T.parseEntry(req.text);
    return { entry: entry && [entry.kind, entry.issuer, entry.sha256, entry.path, entry.line] };
  }
  if (req.op === "cosignature") {
    const note = T.parseNote(new Uint8Array(Buffer.from(req.note, "base64")));
    const time = await T.cosignature(note, await T.parseVkey(req.vkey));
    return { time: time === null ? null : String(time) };
  }
  if (req.op === "headline") return headlineOf(req.checks, STATUS_LIST);
  if (req.op === "handover") {
    const problems = [];
    for (const [kept, now, origin, announced] of req.cases)
      problems.push(await T.handoverProblem(kept, now, origin, announced));
    const hashes = [];
    for (const [origin, witnesses, quorum, held, heldQuorum] of req.hashes)
      hashes.push(await T.policyHash(origin, witnesses, quorum, held, heldQuorum));
    return { problems, hashes };
  }
  if (req.op === "handover-text") {
    // Policies as the page reads log/policy.json's text (readPolicy), not as this line's JSON.parse read them.
    const problems = [];
    for (const [kept, now, origin, announced] of req.cases)
      problems.push(await T.handoverProblem(T.readPolicy(kept), T.readPolicy(now), origin, announced));
    return { problems };
  }
  throw new Error(`unknown op ${req.op}`);
}

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  let out;
  try { out = await handle(JSON.parse(line)); } catch (error) { out = { error: String(error.stack || error) }; }
  process.stdout.write(JSON.stringify(out) + "\n");
}
"""


class Node(NodeRunner):
    def __init__(self, workdir: Path) -> None:
        super().__init__(workdir, RUNNER)

    def error_of(self, reply: dict[str, Any]) -> str | None:
        return str(reply["error"]) if "error" in reply else None

    def __call__(self, **request: Any) -> dict[str, Any]:
        return self.ask(**request)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Any:
    runner = Node(tmp_path_factory.mktemp("node"))
    yield runner
    runner.close()


def test_js_proofs_from_tiles_equal_pythons(node: Node, tmp_path: Path) -> None:
    files: dict[str, bytes] = {}
    tree = merkle.MemoryTree()
    size = 0
    for step in [1, 6, 250, 300, 1000]:
        entries = [f"e{size + i}".encode() for i in range(step)]
        files.update(append(lambda lv, i, w: files[tile_path(lv, i, w)], size, entries).files)
        for entry in entries:
            tree.append(merkle.leaf_hash(entry))
        size += step
        for rel, data in files.items():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_bytes(data)
        indexes = sorted({0, size // 3, size // 2, size - 1})
        olds = sorted({0, 1, size // 2, size - 1, size})
        got = node(op="proofs", dir=f"{tmp_path}/", size=size, indexes=indexes, olds=olds)
        source = TileSource(lambda lv, i, w: files[tile_path(lv, i, w)], size)
        assert got["root"] == tree.root().hex()
        assert got["inclusion"] == [[p.hex() for p in merkle.inclusion_proof(source, i, size)] for i in indexes]
        assert got["consistency"] == [[p.hex() for p in merkle.consistency_proof(source, m, size)] for m in olds]
        for i, proof in zip(indexes, got["inclusion"], strict=True):
            leaf = tree.node(0, i).hex()
            ok = node(op="verify-inclusion", leaf=leaf, index=i, size=size, proof=proof, root=tree.root().hex())
            assert ok["ok"]
            if proof:
                bad = [proof[0][:-2] + ("00" if proof[0][-2:] != "00" else "01"), *proof[1:]]
                assert not node(
                    op="verify-inclusion", leaf=leaf, index=i, size=size, proof=bad, root=tree.root().hex()
                )["ok"]
        for m, proof in zip(olds, got["consistency"], strict=True):
            args = {"old": m, "size": size, "oldRoot": tree.root(m).hex(), "newRoot": tree.root().hex()}
            assert node(op="verify-consistency", proof=proof, **args)["ok"]
            if proof:
                assert not node(op="verify-consistency", proof=proof[:-1], **args)["ok"]


class _Virtual:
    """A tree of one entry repeated, of any size: each complete subtree's hash is its height's (the proofs' shape,
    which heights in which order, is a real tree's)."""

    def __init__(self) -> None:
        self.heights = [merkle.leaf_hash(b"entry")]

    def node(self, height: int, index: int) -> bytes:
        while len(self.heights) <= height:
            self.heights.append(merkle.node_hash(self.heights[-1], self.heights[-1]))
        return self.heights[height]


@pytest.mark.parametrize(
    ("old", "size", "index"),
    [
        (2**32 + 4, 2**32 + 9, 2**32 + 3),  # old past 2**32, not a power of two, and 4 below it: ToInt32 read 4
        (2**32 + 2**20, 2**33 + 5, 2**33 + 4),
        (2**40 + 1, 2**40 + 2**20, 7),
        (2**33, 2**33 + 5, 2**33 - 1),  # a power of two
        (3 * 2**31, 2**34 - 1, 2**34 - 2),
    ],
)
def test_js_proofs_past_two_to_the_32_equal_pythons(node: Node, old: int, size: int, index: int) -> None:
    """Sizes the page reads exactly (up to 2**53 - 1, note.py MAX_TREE_SIZE): tlog.js told a power of two by ``n &
    (n - 1)``, which JavaScript reads in 32 bits, so past 2**32 it took a size such as 2**32 + 4 for one, made
    proofs of another tree and refused every honest consistency proof Python accepts (a returning visitor's log
    past 4 billion entries never checked out)."""
    source = _Virtual()
    root, old_root = merkle.root_hash(source, size), merkle.root_hash(source, old)
    consistency = merkle.consistency_proof(source, old, size)
    inclusion = merkle.inclusion_proof(source, index, size)
    assert merkle.verify_consistency(old, size, old_root, root, consistency)
    assert merkle.verify_inclusion(source.node(0, index), index, size, inclusion, root)
    got = node(op="virtual-proofs", old=old, size=size, index=index)
    assert got["root"] == root.hex()
    assert got["consistency"] == [p.hex() for p in consistency]
    assert got["inclusion"] == [p.hex() for p in inclusion]
    assert got["consistent"]
    assert got["included"]
    args = {"old": old, "size": size, "oldRoot": old_root.hex(), "newRoot": root.hex()}
    assert node(op="verify-consistency", proof=[p.hex() for p in consistency], **args)["ok"]


def test_the_public_log_check_in_js(node: Node, log_repo: LogRepo, tmp_path: Path) -> None:
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    publish_log(log_repo.root, registry, log_repo.state, log_repo.signer)
    cosigned = witness_log(
        _source(log_repo.state), tmp_path / "witness", log_repo.witness, vkey=log_repo.signer.verifier.vkey
    )
    from generator.transparency.inclusion import log_check
    from generator.transparency.log import open_log

    log = open_log(LogSource(log_repo.state), log_repo.signer.verifier)
    note, _ = add_cosignatures(log, [log_repo.witness.verifier], [cosigned.note.encode()])
    (log_repo.state / "checkpoint").write_bytes(note.encode())
    site = tmp_path / "site"
    # One issuer's record per award here: none was committed in another issuer's folder.
    served = serve_log(registry, log_repo.state, site)
    records = {digest: only for digest, [only] in ((d, list(named.values())) for d, named in served.items())}
    award = log_repo.award_files()[0].stem

    first = node(op="check", site=f"{site}/", hash=award, visitor="alice")
    assert first["status"] == "passed", first
    assert first["reason"].startswith("recorded in the public log as entry ")
    assert (
        " of 421, checkpoint signed by the registry and cosigned by 1 of 1 witnesses; a witness last "
        in (first["reason"])
    )
    unknown = node(op="check", site=f"{site}/", hash="0" * 64, visitor="alice")
    assert unknown["reason"] == "not recorded in the public log"

    # The records: an award file at the default place is named by its folder alone, a batch line by its path.
    entries = _bundle_entries(site / "log")
    shard_entries = {h: e for p in (site / "verify/shards").glob("*.json.gz") for h, e in _awards(p).items()}
    assert {h for h, e in shard_entries.items() if "log" in e} == set(records)  # every published award is logged
    for digest, (number, where) in records.items():
        assert entries[number] == award_entry_text(_issuer(site, shard_entries[digest]), digest, where).encode()
        assert shard_entries[digest]["log"] == [number, where]
    assert records[award][1] == f"{log_repo.award_files()[0].parent.parent.name}/"
    assert any("/batches/" in where and "#" in where for _, where in records.values())
    assert records[award][0] < 256  # in the first, full tile
    late = next(h for h, r in sorted(records.items(), key=lambda item: item[1][0]) if r[0] >= 256)

    # Tampered files fail, in JS and Python alike: the checkpoint, the award's log record (its folder: the
    # entry's text), the full tile holding it (a sibling's leaf hash), the frontier in policy.json (the right
    # edge's hashes), and, for an award past the last full tile, the partial tile its proof reads.
    policy = json.loads((site / "log/policy.json").read_text())
    index = json.loads((site / "verify/index.json").read_text())
    shard = f"verify/shards/{shard_name(award, index['shard_bits'])}.json.gz"
    text = gzip.decompress((site / shard).read_bytes())
    at = text.index(f'"{records[award][1]}"'.encode(), text.index(b'"log"', text.index(award.encode()))) + 1
    bad_shard = gzip.compress(text[:at] + bytes([text[at] ^ 1]) + text[at + 1 :])  # the record's folder
    frontier = bytearray(base64.b64decode(policy["frontier"]["hashes"]))
    frontier[-32] ^= 1
    hashes = base64.b64encode(frontier).decode()
    bad_policy = json.dumps({**policy, "frontier": {**policy["frontier"], "hashes": hashes}})
    cases: list[tuple[str, str, int | str | bytes]] = [
        (award, "log/checkpoint", 30), (award, shard, bad_shard),
        (award, "log/tile/0/000", 32 * (records[award][0] ^ 1) + 5),
        (award, "log/policy.json", bad_policy), (late, _partial_tile(site), 40),
        (late, "log/policy.json", bad_policy),
    ]  # fmt: skip
    for n, (target, rel, change) in enumerate(cases):
        bad = tmp_path / f"bad-{n}"
        shutil.copytree(site, bad)
        if isinstance(change, str):
            (bad / rel).write_text(change)
        elif isinstance(change, bytes):
            (bad / rel).write_bytes(change)
        else:
            data = (bad / rel).read_bytes()
            (bad / rel).write_bytes(data[:change] + bytes([data[change] ^ 1]) + data[change + 1 :])
        if rel == shard:  # the site's digest too: the log check is what is tested
            reseal_shard(bad, bad / rel)
        got = node(op="check", site=f"{bad}/", hash=target, visitor="mallory-victim")
        assert got["status"] == "failed", (rel, got)
        assert "does not check out" in got["reason"], (rel, got)
        py = log_check(registry, LogSource(bad / "log"), target)
        assert py.status.value == "failed", (rel, py)
        assert "does not check out" in py.reason, (rel, py)
    assert node(op="check", site=f"{site}/", hash=late, visitor="carol")["status"] == "passed"
    moved = tmp_path / "bad-index-number"
    shutil.copytree(site, moved)
    data = json.loads(gzip.decompress((moved / shard).read_bytes()))
    data["awards"][award]["log"][0] += 1
    (moved / shard).write_bytes(gzip.compress(json.dumps(data).encode()))
    reseal_shard(moved, moved / shard)
    got = node(op="check", site=f"{moved}/", hash=award, visitor="mallory-victim")
    assert got["status"] == "failed"
    assert "inclusion proof" in got["reason"]

    # The log grows: alice, who saw 421, accepts 422 as consistent.
    plant_award(log_repo)
    commit_all(log_repo.root, "one more award")
    grown = tmp_path / "grown-state"
    shutil.copytree(log_repo.state, grown)
    publish_log(log_repo.root, registry, grown, log_repo.signer)
    grown_site = tmp_path / "grown-site"
    serve_log(registry, grown, grown_site)
    # Not yet cosigned: checked against alice's memory, but not remembered (a view no witness vouched for).
    unwitnessed = node(op="check", site=f"{grown_site}/", hash=award, visitor="alice")
    assert unwitnessed["status"] == "failed"
    assert "quorum not reached" in unwitnessed["reason"]
    assert "consistent with the log this browser saw before (421 entries)" in unwitnessed["reason"]
    assert node(op="check", site=f"{site}/", hash=award, visitor="alice")["status"] == "passed"
    _cosign(grown, tmp_path / "witness", log_repo)
    serve_log(registry, grown, grown_site)
    later = node(op="check", site=f"{grown_site}/", hash=award, visitor="alice")
    assert later["status"] == "passed", later
    assert "consistent with the log this browser saw before (421 entries)" in later["reason"]
    # ...and is now told when shown the older one again (a rollback).
    back = node(op="check", site=f"{site}/", hash=award, visitor="alice")
    assert back["status"] == "failed"
    assert "saw a larger log before" in back["reason"]

    # A split view: the key holder signs a log of a rewritten history (one award dropped, three added, so it
    # is larger); a visitor who saw the real one catches it.
    forked = tmp_path / "forked-state"
    git(log_repo.root, "checkout", "-q", "--orphan", "rewritten")
    log_repo.award_files()[5].unlink()
    for issuer in ("brightforge-academy", "cloud-skills-council", "riverside-health-academy"):
        plant_award(log_repo, issuer)
    commit_all(log_repo.root, "the registry, rewritten")
    publish_log(log_repo.root, registry, forked, log_repo.signer, full=True)  # a new log: the key holder's fork
    forked_site = tmp_path / "forked-site"
    serve_log(registry, forked, forked_site)
    split = node(op="check", site=f"{forked_site}/", hash=award, visitor="alice")
    assert split["status"] == "failed"
    assert "not consistent with the one this browser saw before" in split["reason"]
    fresh = node(op="check", site=f"{forked_site}/", hash=award, visitor="bob")  # a first visit cannot tell
    assert fresh["status"] == "failed"
    assert "quorum not reached" in fresh["reason"]  # but no witness cosigned the fork
    # ...nor does bob's browser remember it: a fork signed by the log key alone, shown to bob first, must not make
    # the log everyone is shown (cosigned) fail for him later as "a rollback or a split view" (the memory poisoned).
    honest = node(op="check", site=f"{grown_site}/", hash=award, visitor="bob")
    assert honest["status"] == "passed", honest


def _cosign(state: Path, witness_state: Path, log_repo: LogRepo) -> None:
    """The log in ``state`` cosigned by the fixture's witness (keeping its own state in ``witness_state``)."""
    from generator.transparency.log import open_log

    cosigned = witness_log(_source(state), witness_state, log_repo.witness, vkey=log_repo.signer.verifier.vkey)
    log = open_log(LogSource(state), log_repo.signer.verifier)
    note, _ = add_cosignatures(log, [log_repo.witness.verifier], [cosigned.note.encode()])
    (state / "checkpoint").write_bytes(note.encode())


def _cosigned_site(log_repo: LogRepo, tmp_path: Path) -> tuple[Path, str]:
    """The fixture's log published, cosigned by its witness and served in ``tmp_path/site``; an award's hash in it."""
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    publish_log(log_repo.root, registry, log_repo.state, log_repo.signer)
    _cosign(log_repo.state, tmp_path / "witness", log_repo)
    site = tmp_path / "site"
    serve_log(registry, log_repo.state, site)
    return site, log_repo.award_files()[0].stem


def _source(state: Path) -> Any:

    return LogSource(state)


@pytest.mark.parametrize("change", ["valid_until", "revoked_at"])
def test_an_award_logged_after_its_key_was_retired_fails_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path, change: str
) -> None:
    """Judged by log time, the same in the CLI (site index and bare state) and the browser: an award first
    logged after its signing key was logged as expired or revoked fails, whatever date it claims; one logged
    before passes."""
    from generator.transparency.inclusion import find_award, log_check, signing_keys

    # The award a leaked key signs later (planted, backdated): its key, then retired in a logged commit.
    planted_path, planted = plant_award(log_repo, "northbridge-university")
    document = json.loads(planted_path.read_text())
    key_id = document["proof"][0]["verificationMethod"].partition("#")[2]
    planted_path.unlink()
    key = log_repo.root / "keys/northbridge-university" / f"{key_id}.json"
    doc = json.loads(key.read_text())
    doc.update({"valid_until": "2026-01-01T00:00:00Z"} if change == "valid_until" else
               {"revoked_at": "2026-01-01T00:00:00Z", "revocation_reason": "key leaked"})  # fmt: skip
    key.write_text(json.dumps(doc, indent=2) + "\n")
    commit_all(log_repo.root, "the key is retired")
    plant_award(log_repo, "northbridge-university")
    commit_all(log_repo.root, "an award, dated before the key was retired")
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    publish_log(log_repo.root, registry, log_repo.state, log_repo.signer)
    site = tmp_path / "site"
    serve_log(registry, log_repo.state, site)
    key_files = {p.name: json.loads(p.read_text()) for p in (site / "log/index/keys").iterdir()}
    assert len(key_files) == len(list(log_repo.root.glob("keys/*/*.json")))
    method = hashlib.sha256(document["proof"][0]["verificationMethod"].encode()).hexdigest()
    assert len(key_files[f"{method}.json"]["records"]) == 1
    # Besides it, only the example's two keys added with their end set were retired.
    assert sorted(len(file["records"]) for file in key_files.values())[-4:] == [0, 1, 1, 1]

    earlier = next(p for p in log_repo.award_files() if json.loads(p.read_text())["proof"][0]["verificationMethod"]
                   .endswith(f"#{key_id}") and p.stem != planted)  # fmt: skip
    what = "revoked" if change == "revoked_at" else "expired (valid_until set)"
    for award, doc_, passes in [(earlier.stem, json.loads(earlier.read_text()), True), (planted, document, False)]:
        py_site = log_check(registry, LogSource(site / "log"), award, doc_)
        py_state = log_check(registry, LogSource(log_repo.state), award, doc_)
        js = node(op="check", site=f"{site}/", hash=award, visitor=f"v-{change}-{award}", document=doc_)
        assert py_site.status.value == py_state.status.value == js["status"], (py_site, py_state, js)
        assert py_site.reason == py_state.reason == js["reason"]
        # All fail on the witness quorum (none cosigned); the retired key is named only for the planted award.
        assert ("was logged as " + what + " before it" in js["reason"]) is (not passes), js["reason"]
        assert f"keys/northbridge-university/{key_id}.json" in js["reason"] or passes
    # Without the document (no signing keys named) the rule cannot apply: JS and Python agree on that too.
    assert (
        node(op="check", site=f"{site}/", hash=planted, visitor=f"w-{change}")["reason"]
        == log_check(registry, LogSource(site / "log"), planted).reason
    )

    # One verification of a site reads O(log n) files: policy, checkpoint, the lookup's index and shard (with
    # the award's record), the key's file, the tiles of the proofs; no entry bundle.
    found = find_award(registry, LogSource(site / "log"), planted, signing_keys(registry, document))
    assert found is not None
    assert {"../verify/index.json", "checkpoint", "policy.json"} <= set(found.files_read)
    assert len([f for f in found.files_read if f.startswith("tile/")]) <= 4, found.files_read
    assert not [f for f in found.files_read if f.startswith("tile/entries/")]
    assert {"checkpoint", "policy.json"} <= set(found.files_read)
    assert found.retired_key_before is not None


def test_a_retired_keys_copy_under_another_path_fails_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A retired public key brought back in another key file (pushed past the pull-request check): the copy's
    ``key-changed`` alert is on the copy's index line (logindex.retires), and the CLI (site index and bare state)
    and the page fail an award it signed after it in the same words; one the old file signed before its end is
    named no retirement."""
    from generator.transparency.inclusion import log_check
    from generator.verify.results import _LOGGED_RETIRED

    rel, key = imported_key(log_repo, tmp_path, "key-old", "2023-12-31T23:59:59Z")
    before = award_with(log_repo, key, dt.datetime(2023, 9, 1, tzinfo=dt.UTC))
    commit_all(log_repo.root, "an older key, retired, and its awards")
    copy = "keys/northbridge-university/key-again.json"
    doc = json.loads((log_repo.root / rel).read_text())
    doc.pop("valid_until")
    (log_repo.root / copy).write_text(json.dumps(doc | {"id": "key-again"}, indent=2) + "\n")
    commit_all(log_repo.root, "the retired key again, as key-again (pushed past the check)")
    late = award_with(log_repo, dataclasses.replace(key, key_id="key-again"), dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    commit_all(log_repo.root, "an award signed with the copy")
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    publish_log(log_repo.root, registry, log_repo.state, log_repo.signer)
    site = tmp_path / "site"
    serve_log(registry, log_repo.state, site)
    for award, retired in [(before, None), (late, copy)]:
        py_site = log_check(registry, LogSource(site / "log"), award.hash, award.award)
        py_state = log_check(registry, LogSource(log_repo.state), award.hash, award.award)
        js = node(op="check", site=f"{site}/", hash=award.hash, visitor=f"copy-{award.hash}", document=award.award)
        assert py_site.status.value == py_state.status.value == js["status"], (py_site, py_state, js)
        assert py_site.reason == py_state.reason == js["reason"]
        said = f"; but its signing key {retired} was logged as changed past the registry's checks (a copy of a "
        assert (said in js["reason"]) is (retired is not None), js["reason"]
        assert "was logged as" not in js["reason"] or retired is not None, js["reason"]
        # The verdict's reading of a key logged as retired before (results.py, results.js: the same expression).
        assert (_LOGGED_RETIRED.search(js["reason"]) is not None) is (retired is not None)


def _bundle_entries(log: Path) -> list[bytes]:
    from generator.tlog.tiles import decode_bundle

    return [e for p in sorted((log / "tile/entries").glob("*[0-9]")) for e in decode_bundle(p.read_bytes())] + [
        e for p in sorted((log / "tile/entries").glob("*.p/*")) for e in decode_bundle(p.read_bytes())
    ]


def _awards(shard: Path) -> dict[str, Any]:
    awards: dict[str, Any] = json.loads(gzip.decompress(shard.read_bytes()))["awards"]
    return awards


def _issuer(site: Path, entry: dict[str, Any]) -> str:
    """The issuer of a shard entry: its own, or its template's (a lean entry)."""
    if "t" not in entry:
        return str(entry["issuer"])
    return str(json.loads(gzip.decompress((site / f"verify/templates/{entry['t']}.json.gz").read_bytes()))["issuer"])


def _partial_tile(site: Path) -> str:
    """The level-0 partial tile at the log's right edge (its width follows the log's size)."""
    [tile] = [p for p in (site / "log/tile/0").glob("*.p/*")]
    return str(tile.relative_to(site))


#: When the witness cosigns in the freshness cases (the page and the CLI are given a clock after it).
COSIGNED_AT = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def _published_cosigned(
    root: Path, log_repo: LogRepo, tmp_path: Path, cosigned_at: dt.datetime
) -> tuple[Registry, Path, list[bytes]]:
    """The registry at ``root`` published to the log, cosigned by its witness at ``cosigned_at``, and served as a
    site: (registry, site folder, the log's entries)."""
    from generator.transparency.log import open_log

    registry = load_registry(root).registry
    assert registry is not None
    publish_log(root, registry, log_repo.state, log_repo.signer)
    cosigned = witness_log(
        _source(log_repo.state), tmp_path / "w", log_repo.witness, vkey=log_repo.signer.verifier.vkey, now=cosigned_at
    )
    log = open_log(LogSource(log_repo.state), log_repo.signer.verifier)
    note, _ = add_cosignatures(log, [log_repo.witness.verifier], [cosigned.note.encode()])
    (log_repo.state / "checkpoint").write_bytes(note.encode())
    site = tmp_path / "site"
    serve_log(registry, log_repo.state, site)
    return registry, site, _bundle_entries(site / "log")


def _award_in_northbridge_list_1(log_repo: LogRepo) -> Path:
    """An award of northbridge-university whose status is judged by its list 1."""
    return next(
        p for p in log_repo.award_files()
        if "/northbridge-university/" in p.as_posix()
        and json.loads(p.read_text()).get("credentialStatus", {}).get("statusListCredential", "").endswith("/1.json")
    )  # fmt: skip


def _revoke_a_free_slot(status: Path) -> tuple[bytes, dict[str, Any]]:
    """The list file at ``status`` with its first clear bit set (a revocation), written as JSON: (its bytes before,
    the list as written)."""
    from generator.statuslist import decode_list, encode_list, get_bit, set_bit

    older = status.read_bytes()
    doc = json.loads(older)
    bits = bytearray(decode_list(doc["credentialSubject"]["encodedList"]))
    set_bit(bits, next(i for i in range(len(bits) * 8) if not get_bit(bits, i)))
    doc["credentialSubject"]["encodedList"] = encode_list(bits)
    status.write_text(json.dumps(doc, indent=2) + "\n")
    return older, doc


def test_the_status_list_used_is_bound_to_the_log_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """The status list an award's status is judged by must be the log's latest version of it, proven in the signed
    tree; a list put back from before a revocation (served by a stale host, or left in a registry copy) fails, in
    the CLI (site index and bare state) and the browser alike; and the newest witness cosignature says how old the
    view of the log is."""

    from generator.transparency.inclusion import log_check

    root = log_repo.root
    rel = "registry/issuers/northbridge-university/status/1.json"
    status = root / rel
    award_path = _award_in_northbridge_list_1(log_repo)
    award, document = award_path.stem, json.loads(award_path.read_text())
    older, _ = _revoke_a_free_slot(status)  # a revocation
    commit_all(root, "a revocation")
    registry, site, entries = _published_cosigned(root, log_repo, tmp_path, COSIGNED_AT)
    cosigned_at = COSIGNED_AT
    versions = [n for n, e in enumerate(entries) if e.startswith(b"credreg-log/1 status-list northbridge-university ")]
    assert len(versions) == 2
    first, latest = versions

    now = cosigned_at + dt.timedelta(hours=3, minutes=59)
    fresh = "; a witness last cosigned its checkpoint 3 hours ago (2026-12-01T09:30:00Z)"

    def both(name: str) -> tuple[Any, Any, dict[str, Any]]:
        py_site = log_check(registry, LogSource(site / "log"), award, document, now=now)
        py_state = log_check(registry, LogSource(log_repo.state), award, document, now=now)
        js = node(op="check", site=f"{site}/", hash=award, visitor=name, document=document, now=now.timestamp())
        assert py_site.status.value == py_state.status.value == js["status"], (py_site, py_state, js)
        assert py_site.reason == py_state.reason == js["reason"], (py_site.reason, py_state.reason, js["reason"])
        return py_site, py_state, js

    _, _, js = both("a")
    assert js["status"] == "passed", js
    assert js["reason"].endswith(f"witnesses{fresh}; its status list {rel} is the log's latest version of it "
                                 f"(entry {latest})")  # fmt: skip
    # The list from before the revocation: put back in the registry copy, and served by the site.
    status.write_bytes(older)
    (site / "issuers/northbridge-university/status/1.json").write_bytes(older)
    _, _, js = both("b")
    assert js["status"] == "failed"
    unlatest = (
        f"; but its status list {rel}, as read here, is not the log's latest version of it (entry {latest}): an "
        "older list (a revocation made since hidden) or one never published"
    )
    assert js["reason"].endswith(unlatest)
    assert first < latest
    # A list the log never saw.
    status.write_bytes(older + b" ")
    (site / "issuers/northbridge-university/status/1.json").write_bytes(older + b" ")
    _, _, js = both("c")
    assert js["status"] == "failed"
    assert js["reason"].endswith(unlatest)
    # A list the log has no version of (or its file in the site's index withheld: nothing then proves a version).
    withheld = tmp_path / "withheld"
    shutil.copytree(site, withheld)
    (withheld / f"log/index/status/{hashlib.sha256(rel.encode()).hexdigest()}.json").unlink()
    js = node(op="check", site=f"{withheld}/", hash=award, visitor="e", document=document, now=now.timestamp())
    py = log_check(registry, LogSource(withheld / "log"), award, document, now=now)
    assert js["reason"] == py.reason
    assert js["reason"].endswith(f"; but its status list {rel} is not in the public log")
    # A tampered version record fails the proof, not the comparison.
    name = hashlib.sha256(rel.encode()).hexdigest()
    content = json.loads((site / f"log/index/status/{name}.json").read_text())
    records = content["records"]
    records[-1][1] = records[-1][1].replace(records[-1][1].split()[3], older_hash := hashlib.sha256(older).hexdigest())
    (site / f"log/index/status/{name}.json").write_text(json.dumps(content))
    status.write_bytes(older)
    (site / "issuers/northbridge-university/status/1.json").write_bytes(older)
    js = node(op="check", site=f"{site}/", hash=award, visitor="d", document=document, now=now.timestamp())
    assert js["status"] == "failed"
    assert "does not check out" in js["reason"], js
    assert "does not check out" in log_check(registry, LogSource(site / "log"), award, document, now=now).reason
    assert older_hash in records[-1][1]


def test_a_status_list_put_back_from_before_a_revocation_is_said_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """An older version of a status list, from before a revocation, committed again (a "put back": whoever holds
    the repository takes the revocation back) is the log's latest version, byte for byte what is served. It was
    logged with a ``status-list-cleared`` entry, which only the owner's monitor read: every reader now finds it
    through the list's index line (which names it, proven against the checkpoint) and says so for the award and the
    list alike, in Python (site and bare state) and JS; a host that drops that record from the index file fails the
    index proof. (Said, not failed: the example's own history re-issued its awards, which cleared bits too.)"""
    from generator.transparency.inclusion import log_check, status_list_log_check

    root = log_repo.root
    rel = "registry/issuers/northbridge-university/status/1.json"
    status = root / rel
    award_path = _award_in_northbridge_list_1(log_repo)
    award, document = award_path.stem, json.loads(award_path.read_text())
    older, doc = _revoke_a_free_slot(status)  # a revocation
    commit_all(root, "a revocation")
    status.write_bytes(older)
    commit_all(root, "the list from before the revocation, put back")
    registry, site, entries = _published_cosigned(root, log_repo, tmp_path, COSIGNED_AT)
    (site / "issuers/northbridge-university/status/1.json").write_bytes(older)
    of_list = [(n, e) for n, e in enumerate(entries) if rel.encode() in e]
    cleared = next(n for n, e in of_list if e.startswith(b"credreg-log/1 status-list-cleared "))
    latest = max(n for n, e in of_list if e.startswith(b"credreg-log/1 status-list "))
    assert cleared < latest
    assert hashlib.sha256(older).hexdigest().encode() in entries[latest]
    now = COSIGNED_AT + dt.timedelta(hours=1)
    taken_back = (
        f"; beware: {rel} had a revocation taken back (entry {cleared} logs that a bit set before was cleared: an "
        "older list put back, the list withdrawn, or its awards re-issued), which no revocation may be"
    )

    def award_check(where: Path, visitor: str, state: bool = True) -> dict[str, Any]:
        py_site = log_check(registry, LogSource(where / "log"), award, document, now=now)
        js = node(op="check", site=f"{where}/", hash=award, visitor=visitor, document=document, now=now.timestamp())
        assert (py_site.status.value, _site_relative(py_site.reason, where)) == (js["status"], js["reason"]), js
        if state:
            py_state = log_check(registry, LogSource(log_repo.state), award, document, now=now)
            assert (py_state.status, py_state.reason) == (py_site.status, py_site.reason), (py_state, py_site)
        return js

    def list_check(where: Path, visitor: str) -> dict[str, Any]:
        py_site = status_list_log_check(registry, LogSource(where / "log"), older, doc, now=now)
        py_state = status_list_log_check(registry, LogSource(log_repo.state), older, doc, now=now)
        js = node(op="listcheck", site=f"{where}/", text=older.decode(), visitor=visitor, document=doc,
                  now=now.timestamp())  # fmt: skip
        assert (py_site.status.value, py_site.reason) == (js["status"], js["reason"]), (py_site, js)
        assert (py_state.status, py_state.reason) == (py_site.status, py_site.reason), (py_state, py_site)
        return js

    js = award_check(site, "put-back")
    assert js["reason"].endswith(f"is the log's latest version of it (entry {latest}){taken_back}"), js
    js = list_check(site, "put-back-list")
    assert js["reason"].endswith(f"; it is the log's latest version of {rel}{taken_back}"), js
    # The host drops the cleared entry's record from the list's index file (the line's proof kept): refused.
    name = hashlib.sha256(rel.encode()).hexdigest()
    content = json.loads((site / f"log/index/status/{name}.json").read_text())
    assert [r[0] for r in content["records"]] == [cleared, latest]
    content["records"] = [r for r in content["records"] if r[0] == latest]
    hostile = tmp_path / "hostile"
    shutil.copytree(site, hostile)
    (hostile / f"log/index/status/{name}.json").write_text(json.dumps(content))
    js = award_check(hostile, "put-back-hostile", state=False)
    assert js["status"] == "failed", js
    assert f"not the log's index line for {rel}" in js["reason"], js


def test_an_endorsement_is_checked_against_the_log_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """An endorsement's log check is an award's: its entry found through the site's ``log/index/endorsements/``
    and proven against the checkpoint, its key judged by log time, its endorser's status list bound to the log's
    latest version; the CLI (site and bare state) and the browser agree. An endorsement slipped into the
    registry (or the site) without being logged fails, and so does a tampered proof or a stale endorser list."""

    from generator.awards import award_hash
    from generator.transparency.inclusion import log_check

    root = log_repo.root
    endorser = "accreditation-board-for-personnel-certification"
    folder = root / f"registry/endorsers/{endorser}/endorsements"
    path = sorted(folder.glob("*.json"))[0]
    digest, document = path.stem, json.loads(path.read_text())
    site_url = load_registry(root).registry.site_url  # type: ignore[union-attr]
    rel = "registry/" + document["credentialStatus"]["statusListCredential"].removeprefix(site_url)
    assert rel.startswith(f"registry/endorsers/{endorser}/status/"), rel
    status = root / rel
    older, doc = _revoke_a_free_slot(status)  # another endorsement revoked
    commit_all(root, "an endorsement revoked")
    # Its key expires in the log; then an endorsement signed by it, backdated, is slipped in (and logged).
    key_id = document["proof"][0]["verificationMethod"].partition("#")[2]
    key = root / f"keys/{endorser}/{key_id}.json"
    key.write_text(json.dumps({**json.loads(key.read_text()), "valid_until": "2026-01-01T00:00:00Z"}, indent=2))
    commit_all(root, "the endorser's key expires")

    def planted(n: int) -> tuple[str, dict[str, Any]]:
        copy = {**document, "id": f"urn:uuid:00000000-0000-4000-8000-00000000e{n:03d}"}
        made = award_hash(copy)
        (folder / f"{made}.json").write_text(json.dumps(copy, indent=2) + "\n")
        return made, copy

    late, late_doc = planted(1)
    commit_all(root, "an endorsement, dated before the key expired")
    registry, site, entries = _published_cosigned(root, log_repo, tmp_path, COSIGNED_AT)
    cosigned_at = COSIGNED_AT
    mine = f"credreg-log/1 endorsement {endorser} {digest} ".encode()
    logged = [n for n, e in enumerate(entries) if e.startswith(mine)]
    versions = [n for n, e in enumerate(entries) if e.startswith(b"credreg-log/1 status-list ") and rel.encode() in e]
    assert len(logged) == 1
    assert len(versions) == 2
    latest = versions[-1]
    now = cosigned_at + dt.timedelta(days=2, hours=1)
    fresh = "; a witness last cosigned its checkpoint 2 days ago (2026-12-01T09:30:00Z)"

    def both(name: str, want: str, doc_: dict[str, Any], where: Path = site, state: bool = True) -> dict[str, Any]:
        py_site = log_check(registry, LogSource(where / "log"), want, doc_, now=now, kind="endorsement")
        py_state = log_check(registry, LogSource(log_repo.state), want, doc_, now=now, kind="endorsement")
        js = node(op="check", site=f"{where}/", hash=want, visitor=f"endorsement-{name}", document=doc_,
                  now=now.timestamp(), kind="endorsement")  # fmt: skip
        assert py_site.status.value == js["status"], (py_site, js)
        assert py_site.reason == js["reason"], (py_site.reason, js["reason"])
        if state:  # the bare state has no site index to tamper with: it agrees with the untampered site
            assert (py_state.status, py_state.reason) == (py_site.status, py_site.reason), (py_state, py_site)
        return js

    # Logged before its key expired, with the endorser's latest list: passes, saying how fresh the view is.
    js = both("a", digest, document)
    assert js["status"] == "passed", js
    assert js["reason"] == (
        f"recorded in the public log as entry {logged[0]} of {len(entries)}, checkpoint signed by the registry and "
        f"cosigned by 1 of 1 witnesses{fresh}; its status list {rel} is the log's latest version of it "
        f"(entry {latest})"
    )
    # Logged after its key was logged as expired: fails, whatever date it claims.
    js = both("b", late, late_doc)
    assert js["status"] == "failed"
    assert f"but its signing key keys/{endorser}/{key_id}.json was logged as expired (valid_until set)" in js["reason"]
    # Slipped into the registry and the site without being logged: no record, fails.
    unlogged, unlogged_doc = planted(2)
    js = both("c", unlogged, unlogged_doc)
    assert (js["status"], js["reason"]) == ("failed", "not recorded in the public log")
    # A record that points at it anyway (another endorsement's copied under its name): the proof decides.
    index = site / "log/index/endorsements"
    shutil.copy(index / f"{digest}.json", index / f"{unlogged}.json")
    js = both("d", unlogged, unlogged_doc, state=False)
    assert js["status"] == "failed"
    assert "does not check out" in js["reason"], js
    (index / f"{unlogged}.json").unlink()
    # A tampered proof: a hash of its path changed.
    tampered = tmp_path / "tampered"
    shutil.copytree(site, tampered)
    records = json.loads((index / f"{digest}.json").read_text())
    raw = bytearray(base64.b64decode(records[0][2]))
    raw[0] ^= 1
    records[0][2] = base64.b64encode(bytes(raw)).decode()
    (tampered / f"log/index/endorsements/{digest}.json").write_text(json.dumps(records))
    js = both("e", digest, document, tampered, state=False)
    assert js["status"] == "failed"
    assert js["reason"] == f"the log does not check out: the inclusion proof of entry {logged[0]} does not verify"
    # The endorser's list from before a revocation (a stale host, a registry copy put back): fails.
    status.write_bytes(older)
    (site / rel.removeprefix("registry/")).write_bytes(older)
    js = both("f", digest, document)
    assert js["status"] == "failed"
    assert js["reason"].endswith(
        f"; but its status list {rel}, as read here, is not the log's latest version of it (entry {latest}): an "
        "older list (a revocation made since hidden) or one never published"
    )
    status.write_text(json.dumps(doc, indent=2) + "\n")

    # `credreg verify <endorsement> --log`: the "Public log" line, the logged one passing, the unlogged failing.
    def cli_log(want: str) -> dict[str, Any]:
        done = log_repo.credreg("verify", want, "--log", str(site / "log"), "--format", "json", ok=None)
        return next(c for c in json.loads(done.stdout)["checks"] if c["id"] == "log")

    assert cli_log(digest)["status"] == "passed"
    assert cli_log(unlogged) == {**cli_log(unlogged), "status": "failed", "reason": "not recorded in the public log"}


def test_a_demo_log_is_labelled_in_the_same_words_in_python_and_js(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A log whose policy.json says "demo": true gets DEMO_CLAUSE in the CLI and the same words on the page (held
    equal: a change of either side's wording fails here), and nothing else changes."""
    from generator.transparency.inclusion import DEMO_CLAUSE, log_check

    registry, site, _ = _published_cosigned(log_repo.root, log_repo, tmp_path, COSIGNED_AT)
    award_path = log_repo.award_files()[0]
    award, document = award_path.stem, json.loads(award_path.read_text())
    now = COSIGNED_AT + dt.timedelta(hours=1)

    def both(visitor: str) -> tuple[Any, dict[str, Any]]:
        py = log_check(registry, LogSource(site / "log"), award, document, now=now)
        js = node(op="check", site=f"{site}/", hash=award, visitor=visitor, document=document, now=now.timestamp())
        assert (py.status.value, py.reason) == (js["status"], js["reason"]), (py, js)
        return py, js

    plain, _ = both("plain")
    assert plain.status.value == "passed", plain
    assert "demo" not in plain.reason
    policy = json.loads((site / "log/policy.json").read_text())
    policy["demo"] = True
    (site / "log/policy.json").write_text(json.dumps(policy))
    demo, js = both("demo")
    assert DEMO_CLAUSE in js["reason"]
    assert demo.status == plain.status
    assert demo.reason.replace(DEMO_CLAUSE, "", 1) == plain.reason


def test_a_status_list_given_on_its_own_is_checked_against_the_log_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A status list dropped on the page or given to `credreg verify`: its file's bytes must be the log's latest
    version of the list its id names (SHA-256 of the bytes, as the log hashes it), proven against the checkpoint.
    An older version (still signed: a list re-formatted since, as a re-signed one is) or one never logged fails,
    and the headline says it is not the list in force; the same in Python (site and bare state) and JS."""
    from generator.transparency.inclusion import DEMO_CLAUSE, NOT_LATEST, NOT_RECORDED, status_list_log_check
    from generator.verify import Verifier
    from generator.verify.results import STATUS_LIST, HeadlineKind, VerificationResult

    root = log_repo.root
    rel = "registry/issuers/northbridge-university/status/1.json"
    status = root / rel
    older = status.read_bytes()
    document = json.loads(older)
    status.write_text(json.dumps(document, indent=1) + "\n")  # a new version, its signature as good (JCS, RDFC)
    commit_all(root, "the list re-written")
    newer = status.read_bytes()
    registry, site, entries = _published_cosigned(root, log_repo, tmp_path, COSIGNED_AT)
    versions = [n for n, e in enumerate(entries) if e.startswith(b"credreg-log/1 status-list northbridge-university ")
                and rel.encode() in e]  # fmt: skip
    assert len(versions) == 2
    latest = versions[-1]
    now = COSIGNED_AT + dt.timedelta(hours=2)
    fresh = "; a witness last cosigned its checkpoint 2 hours ago (2026-12-01T09:30:00Z)"
    assert Verifier(registry).verify(document), "both versions are genuine and in force"

    def both(name: str, data: bytes, where: Path = site, state: bool = True) -> dict[str, Any]:
        py_site = status_list_log_check(registry, LogSource(where / "log"), data, document, now=now)
        js = node(op="listcheck", site=f"{where}/", text=data.decode(), visitor=f"list-{name}", document=document,
                  now=now.timestamp())  # fmt: skip
        assert (py_site.status.value, py_site.reason) == (js["status"], js["reason"]), (py_site, js)
        if state:
            py_state = status_list_log_check(registry, LogSource(log_repo.state), data, document, now=now)
            assert (py_state.status, py_state.reason) == (py_site.status, py_site.reason), (py_state, py_site)
        # The headline of a genuine list in force with this log check, alike in Python and JS.
        checks = [*Verifier(registry).verify(document).checks, py_site]
        py_lead = VerificationResult(tuple(checks), None, {}, STATUS_LIST).headline()
        js_lead = node(op="headline", checks=[{**c.as_dict(), "applicable": c.applicable} for c in checks])
        assert (py_lead.kind.value, py_lead.text) == (js_lead["kind"], js_lead["text"]), (py_lead, js_lead)
        return {**js, "headline": py_lead.kind}

    got = both("latest", newer)
    assert got["status"] == "passed", got
    assert got["reason"] == (
        f"recorded in the public log as entry {latest} of {len(entries)}, checkpoint signed by the registry and "
        f"cosigned by 1 of 1 witnesses{fresh}; it is the log's latest version of {rel}"
    )
    assert got["headline"] is HeadlineKind.STATUS_LIST
    # The version before: logged, genuine, but superseded (the site names only the latest, so is the state read).
    unlatest = f"{NOT_LATEST}{rel} (entry {latest}): an older version, superseded, or one never published"
    got = both("older", older)
    assert (got["status"], got["reason"], got["headline"]) == ("failed", unlatest, HeadlineKind.STATUS_LIST_NOT_LATEST)
    # Bytes the log never saw (signed alike): the same answer, never "genuine and in force".
    got = both("unlogged", older + b" ")
    assert (got["status"], got["reason"], got["headline"]) == ("failed", unlatest, HeadlineKind.STATUS_LIST_NOT_LATEST)
    # No version of the list logged (or its file in the site's index withheld: nothing then proves a version).
    withheld = tmp_path / "withheld"
    shutil.copytree(site, withheld)
    (withheld / f"log/index/status/{hashlib.sha256(rel.encode()).hexdigest()}.json").unlink()
    got = both("none", newer, withheld, state=False)
    assert (got["status"], got["reason"], got["headline"]) == (
        "failed",
        NOT_RECORDED,
        HeadlineKind.STATUS_LIST_NOT_LOGGED,
    )
    # A tampered version record fails the proof, not the comparison.
    name = hashlib.sha256(rel.encode()).hexdigest()
    tampered = tmp_path / "tampered"
    shutil.copytree(site, tampered)
    content = json.loads((site / f"log/index/status/{name}.json").read_text())
    records = content["records"]
    records[-1][1] = records[-1][1].replace(records[-1][1].split()[3], hashlib.sha256(older).hexdigest())
    (tampered / f"log/index/status/{name}.json").write_text(json.dumps(content))
    got = both("tampered", older, tampered, state=False)
    assert got["status"] == "failed", got
    assert got["reason"].startswith("the log does not check out: "), got
    assert got["headline"] is HeadlineKind.CANNOT_CHECK
    # A demo log: labelled in the same words, nothing else changed.
    demo = tmp_path / "demo"
    shutil.copytree(site, demo)
    policy = json.loads((demo / "log/policy.json").read_text())
    (demo / "log/policy.json").write_text(json.dumps({**policy, "demo": True}))
    got = both("demo", newer, demo, state=False)
    assert got["status"] == "passed"
    assert (
        got["reason"] == f"recorded in the public log as entry {latest} of {len(entries)}, checkpoint signed by "
        f"the registry and cosigned by 1 of 1 witnesses{fresh}{DEMO_CLAUSE}; it is the log's latest version of {rel}"
    )
    # A registry without a log (a site without log/): not checked, and not blocking.
    bare = tmp_path / "bare"
    shutil.copytree(site, bare)
    shutil.rmtree(bare / "log")
    plain = dataclasses.replace(registry, governance=dataclasses.replace(
        registry.governance, model=registry.governance.model.model_copy(update={"log": None})))  # fmt: skip
    py = status_list_log_check(plain, None, newer, document)
    js = node(op="listcheck", site=f"{bare}/", text=newer.decode(), visitor="list-bare", document=document)
    assert (py.status.value, py.reason, py.applicable) == (js["status"], js["reason"], js["applicable"])
    assert (js["status"], js["applicable"]) == ("not checked", False)
    # Pasted text on the page (no file, whose bytes the log hashes): not checked, not blocking.
    js = node(op="listcheck", site=f"{site}/", text=None, visitor="list-paste", document=document)
    assert (js["status"], js["applicable"]) == ("not checked", False), js
    # A list read from a badge image (not its file either): not checked, in the same words on both sides.
    py = status_list_log_check(registry, LogSource(site / "log"), None, document, now=now)
    js = node(op="listcheck", site=f"{site}/", text=None, image=True, visitor="list-image", document=document)
    assert (py.status.value, py.reason, py.applicable) == (js["status"], js["reason"], js["applicable"])
    assert (js["status"], js["applicable"]) == ("not checked", False), js


def test_a_status_list_logged_after_its_key_was_retired_is_not_genuine_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A list version first logged after its signing key was logged as expired: its signature claims a date the
    key was in force (so its own checks pass), the log shows it was published later. Its log check fails, and the
    headline calls it not genuine (it was "cannot be fully checked"), in Python (site and state) and JS alike."""
    from generator.transparency.inclusion import status_list_log_check
    from generator.verify import Verifier
    from generator.verify.results import STATUS_LIST, HeadlineKind, VerificationResult

    root = log_repo.root
    rel = "registry/issuers/northbridge-university/status/1.json"
    status = root / rel
    document = json.loads(status.read_bytes())
    key_id = document["proof"][0]["verificationMethod"].partition("#")[2]
    key = root / "keys/northbridge-university" / f"{key_id}.json"
    key.write_text(json.dumps({**json.loads(key.read_text()), "valid_until": "2025-01-01T00:00:00Z"}, indent=2) + "\n")
    commit_all(root, "the key expires")
    status.write_text(json.dumps(document, indent=1) + "\n")  # a version logged only now, its signature as good
    commit_all(root, "the list re-written after its key expired")
    data = status.read_bytes()
    registry, site, _ = _published_cosigned(root, log_repo, tmp_path, COSIGNED_AT)
    now = COSIGNED_AT + dt.timedelta(hours=1)
    own = Verifier(registry).verify(document)
    assert own, own.checks  # signed 2024-08-18, when its key was in force
    py_site = status_list_log_check(registry, LogSource(site / "log"), data, document, now=now)
    py_state = status_list_log_check(registry, LogSource(log_repo.state), data, document, now=now)
    js = node(op="listcheck", site=f"{site}/", text=data.decode(), visitor="list-late", document=document,
              now=now.timestamp())  # fmt: skip
    assert (py_site.status.value, py_site.reason) == (py_state.status.value, py_state.reason)
    assert (py_site.status.value, py_site.reason) == (js["status"], js["reason"])
    assert js["status"] == "failed"
    assert f"; but its signing key keys/northbridge-university/{key_id}.json was logged as expired" in js["reason"]
    checks = [*own.checks, py_site]
    py_lead = VerificationResult(tuple(checks), None, {}, STATUS_LIST).headline()
    js_lead = node(op="headline", checks=[{**c.as_dict(), "applicable": c.applicable} for c in checks])
    assert (py_lead.kind.value, py_lead.text) == (js_lead["kind"], js_lead["text"])
    assert py_lead.kind is HeadlineKind.STATUS_LIST_NOT_GENUINE
    assert py_lead.text == (
        "This status list is not genuine: the public log shows it was published after its signing key was retired."
    )


def _site_relative(reason: str, site: Path) -> str:
    """Python names a site's log file by its whole path, the page by its path in the site."""
    return reason.replace(f"{site / 'log'}/", "log/")


def test_another_owners_retired_key_of_the_same_id_is_not_this_lists_key_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """Every issuer's key may be called key-2023: a site host that lists another issuer's logged retirement of
    its key-2023 in the key index of this list's signing method must not make the page say this list's key was
    retired (Python reads only ``keys/<owner>/<key id>.json``, the owner the DID names; the page read any
    ``keys/*/<key id>.json``). Now that the key's index line is committed to, such a record is refused outright,
    in the same words."""
    from generator.transparency.inclusion import status_list_log_check

    root = log_repo.root
    rel = "registry/issuers/northbridge-university/status/1.json"
    status = root / rel
    document = json.loads(status.read_bytes())
    method = document["proof"][0]["verificationMethod"]
    key_id = method.partition("#")[2]
    other = root / "keys/brightforge-academy" / f"{key_id}.json"
    assert other.exists(), "the example's issuers share key ids"
    other.write_text(json.dumps({**json.loads(other.read_text()), "valid_until": "2025-01-01T00:00:00Z"}) + "\n")
    commit_all(root, "another issuer's key of the same id expires")
    status.write_text(json.dumps(document, indent=1) + "\n")  # this list's version logged after that
    commit_all(root, "the list re-written")
    data = status.read_bytes()
    registry, site, _ = _published_cosigned(root, log_repo, tmp_path, COSIGNED_AT)
    keys = site / "log/index/keys"
    own_file = keys / f"{hashlib.sha256(method.encode()).hexdigest()}.json"
    other_method = f"{registry.issuer_did('brightforge-academy')}#{key_id}"
    other_records = json.loads((keys / f"{hashlib.sha256(other_method.encode()).hexdigest()}.json").read_text())
    assert other_records, "the other key's retirement is logged"
    hostile = tmp_path / "hostile"
    shutil.copytree(site, hostile)
    own = json.loads(own_file.read_text())
    own["records"] += other_records["records"]
    (hostile / own_file.relative_to(site)).write_text(json.dumps(own))
    now = COSIGNED_AT + dt.timedelta(hours=1)
    for where, passes in ((site, True), (hostile, False)):
        py = status_list_log_check(registry, LogSource(where / "log"), data, document, now=now)
        js = node(op="listcheck", site=f"{where}/", text=data.decode(), visitor=f"same-id-{where.name}",
                  document=document, now=now.timestamp())  # fmt: skip
        assert (py.status.value, _site_relative(py.reason, where)) == (js["status"], js["reason"]), (py, js)
        assert js["status"] == ("passed" if passes else "failed"), js
    assert "is not a retirement of the key keys/northbridge-university/" in js["reason"], js
    assert "retired" not in js["reason"].replace("a retirement", ""), js


def test_a_site_host_cannot_name_an_older_list_version_as_the_latest(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A host that serves the current, freshly cosigned checkpoint but rewrites the list's index file to name the
    older version's entry (its text is public, its proof comes from the tiles) does not get that version called
    "the log's latest version": the file's line must be proven in the index the checkpoint commits to, in Python
    (site) and JS alike; the genuine file still passes the latest version."""
    from generator.transparency.inclusion import status_list_log_check

    root = log_repo.root
    rel = "registry/issuers/northbridge-university/status/1.json"
    status = root / rel
    older = status.read_bytes()
    document = json.loads(older)
    status.write_text(json.dumps(document, indent=1) + "\n")  # the newer version (a revocation, say)
    commit_all(root, "the list re-written")
    newer = status.read_bytes()
    registry, site, entries = _published_cosigned(root, log_repo, tmp_path, COSIGNED_AT)
    first = next(n for n, e in enumerate(entries) if e.startswith(b"credreg-log/1 status-list ") and rel.encode() in e)
    index = Path(f"log/index/status/{hashlib.sha256(rel.encode()).hexdigest()}.json")
    genuine = json.loads((site / index).read_text())
    assert genuine["records"][0][0] > first
    now = COSIGNED_AT + dt.timedelta(hours=1)

    def both(where: Path, data: bytes, visitor: str) -> tuple[Any, dict[str, Any]]:
        py = status_list_log_check(registry, LogSource(where / "log"), data, document, now=now)
        js = node(op="listcheck", site=f"{where}/", text=data.decode(), visitor=visitor, document=document,
                  now=now.timestamp())  # fmt: skip
        assert (py.status.value, _site_relative(py.reason, where)) == (js["status"], js["reason"]), (py, js)
        return py, js

    assert both(site, newer, "genuine")[1]["status"] == "passed"
    # The older entry, with the genuine line's proof, with no proof, or with a proof made up for its own line.
    for n, proof in enumerate([genuine["index"], None, [0, ""], [genuine["index"][0], genuine["index"][1][:44]]]):
        hostile = tmp_path / f"hostile-{n}"
        shutil.copytree(site, hostile)
        forged: dict[str, Any] = {"records": [[first, entries[first].decode(), ""]]}  # no path below: from tiles
        if proof is not None:
            forged["index"] = proof
        (hostile / index).write_text(json.dumps(forged))
        _, js = both(hostile, older, f"rollback-{n}")
        assert js["status"] == "failed", js
        assert f"not the log's index line for {rel}" in js["reason"], js


@pytest.mark.parametrize("spoil", ["emptied", "withheld"])
def test_a_site_host_cannot_hide_a_keys_retirement(node: Node, log_repo: LogRepo, tmp_path: Path, spoil: str) -> None:
    """An award published after its signing key was logged as revoked fails; a host that empties the key's index
    file (or withholds it) to hide that retirement makes the log check fail too, in Python and JS alike, never
    pass."""
    from generator.transparency.inclusion import log_check

    planted_path, planted = plant_award(log_repo, "northbridge-university")
    document = json.loads(planted_path.read_text())
    method = document["proof"][0]["verificationMethod"]
    planted_path.unlink()
    key = log_repo.root / "keys/northbridge-university" / f"{method.partition('#')[2]}.json"
    key.write_text(json.dumps({**json.loads(key.read_text()), "revoked_at": "2026-01-01T00:00:00Z",
                               "revocation_reason": "key leaked"}, indent=2) + "\n")  # fmt: skip
    commit_all(log_repo.root, "the key is revoked")
    plant_award(log_repo, "northbridge-university")
    commit_all(log_repo.root, "an award, dated before the key was revoked")
    registry, site, _ = _published_cosigned(log_repo.root, log_repo, tmp_path, COSIGNED_AT)
    file = site / f"log/index/keys/{hashlib.sha256(method.encode()).hexdigest()}.json"
    content = json.loads(file.read_text())
    assert len(content["records"]) == 1
    if spoil == "emptied":
        file.write_text(json.dumps({**content, "records": []}))
    else:
        file.unlink()
    now = COSIGNED_AT + dt.timedelta(hours=1)
    py = log_check(registry, LogSource(site / "log"), planted, document, now=now)
    js = node(op="check", site=f"{site}/", hash=planted, visitor=f"hide-{spoil}", document=document,
              now=now.timestamp())  # fmt: skip
    assert (py.status.value, _site_relative(py.reason, site)) == (js["status"], js["reason"]), (py, js)
    assert js["status"] == "failed", js
    why = "not the log's index line for keys/" if spoil == "emptied" else "the log's index has no line for the key"
    assert why in js["reason"], js


def test_a_site_of_an_older_log_without_the_index_line_says_so_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A site whose log was published before the checkpoint committed to its index (no index line, index files
    as bare lists of records) proves no list's latest version and no key's retirements: the log check fails,
    saying why, in the same words on both sides (before, a verifier took those answers on the host's word)."""
    from generator.tlog.note import Checkpoint, parse_checkpoint, parse_note, sign_note
    from generator.transparency.inclusion import log_check

    registry, site, _ = _published_cosigned(log_repo.root, log_repo, tmp_path, COSIGNED_AT)
    cp = parse_checkpoint(parse_note((site / "log/checkpoint").read_bytes()).text)
    older = sign_note(Checkpoint(cp.origin, cp.size, cp.root).text(), log_repo.signer)
    (site / "log/checkpoint").write_bytes(older.encode())
    for file in [*(site / "log/index/keys").iterdir(), *(site / "log/index/status").iterdir()]:
        file.write_text(json.dumps(json.loads(file.read_text())["records"]))
    award = next(p for p in log_repo.award_files() if "/northbridge-university/" in p.as_posix())
    document = json.loads(award.read_text())
    now = COSIGNED_AT + dt.timedelta(hours=1)
    py = log_check(registry, LogSource(site / "log"), award.stem, document, now=now)
    js = node(op="check", site=f"{site}/", hash=award.stem, visitor="older", document=document, now=now.timestamp())
    assert (py.status.value, _site_relative(py.reason, site)) == (js["status"], js["reason"]), (py, js)
    assert js["reason"] == (
        "the log does not check out: log/checkpoint does not commit to the log's index (a log published by an older "
        "credreg): nothing proves which version of a status list is the latest, or that a key was not retired"
    )


def test_an_awards_proof_reads_its_tiles_path_file_not_a_level_1_tile_in_python_and_js_alike(
    node: Node, tmp_path: Path
) -> None:
    """In a complete 65,536-entry block, the hashes an award's proof needs at heights 8 to 15 come from the 256-byte
    path file of its level-0 tile (``log/index/paths/<tile>``), not from the 8 KiB level-1 tile. Python and the
    page read the same files and get the same proof; a file withheld or unreadable means the tile is read, a
    spoiled one fails the proof, and an entry in the last, incomplete block has no file."""
    from generator.tlog.note import Checkpoint
    from generator.transparency.inclusion import _with_path
    from generator.transparency.log import VerifiedLog
    from generator.transparency.publish import path_file, tile_paths

    size = 70_000
    log_dir = tmp_path / "site/log"
    files: dict[str, bytes] = {}
    for start in range(0, size, 16_384):
        entries = [f"e{i}".encode() for i in range(start, min(size, start + 16_384))]
        files.update(append(lambda lv, i, w: files[tile_path(lv, i, w)], start, entries).files)
    tiles = TileSource(lambda lv, i, w: files[tile_path(lv, i, w)], size)
    paths = dict(tile_paths(tiles, size))
    assert len(paths) == 256  # one complete block of 256 level-0 tiles; the rest is incomplete
    for rel, data in {**files, **paths}.items():
        (log_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (log_dir / rel).write_bytes(data)
    root = merkle.root_hash(tiles, size)
    log = VerifiedLog(LogSource(log_dir), None, None, Checkpoint("o", size, root))  # type: ignore[arg-type]

    def both(index: int) -> tuple[bool, list[str]]:
        read: list[str] = []
        counted = TileSource(lambda lv, i, w: (read.append(tile_path(lv, i, w)), files[tile_path(lv, i, w)])[1], size)
        proof = merkle.inclusion_proof(_with_path(log, index, counted), index, size)
        leaf = merkle.leaf_hash(f"e{index}".encode())
        ok = merkle.verify_inclusion(leaf, index, size, proof, root)
        js = node(op="awardproof", site=f"{tmp_path / 'site'}/", size=size, index=index, leaf=leaf.hex(),
                  root=root.hex())  # fmt: skip
        assert (js["proof"], js["ok"], sorted(set(js["tiles"]))) == ([h.hex() for h in proof], ok, sorted(set(read)))
        return ok, sorted(set(read))

    for index in (0, 255, 300, 40_000, 65_535):
        ok, read = both(index)
        assert ok
        assert "tile/1/000" not in read, read  # the path file, not the block's level-1 tile
        assert path_file(index, size) is not None
    ok, read = both(66_000)  # the incomplete block: no path file, its partial level-1 tile is read
    assert ok
    assert path_file(66_000, size) is None
    assert "tile/1/001.p/17" in read, read
    spoiled = log_dir / path_file(300, size)[0]  # type: ignore[index]
    good = spoiled.read_bytes()
    spoiled.write_bytes(bytes(32) + good[32:])
    assert both(300)[0] is False
    spoiled.unlink()  # withheld: the level-1 tile is read instead
    ok, read = both(300)
    assert ok
    assert "tile/1/000" in read, read
    # Unreadable (a host's HTTP 403 or 500; here a folder in its place): as withheld, in both. It failed the check
    # in both, where "missing means read the tile" held for a 404 only: the file is a hint, the tile the proof.
    spoiled.mkdir()
    ok, read = both(300)
    assert ok
    assert "tile/1/000" in read, read
    spoiled.rmdir()
    # A shard record whose index is no number: refused as malformed, as the page does, never a traceback.
    from generator.transparency.inclusion import _proven_award

    for index in ("300", None, [300], 300.5):
        with pytest.raises(LogError, match="malformed log record"):
            _proven_award(log, "ab" * 32, "acme", [index, "x/"], "the shard", tiles)


def _list_index_site(log_repo: LogRepo, tmp_path: Path) -> tuple[Registry, Path, bytes, Any, Path, Any]:
    """The registry published, cosigned and served; Northbridge's status list (bytes, document), its index file
    (path in the site) and that file's content, for a test that spoils the file."""
    rel = "registry/issuers/northbridge-university/status/1.json"
    data = (log_repo.root / rel).read_bytes()
    registry, site, _ = _published_cosigned(log_repo.root, log_repo, tmp_path, COSIGNED_AT)
    index = Path(f"log/index/status/{hashlib.sha256(rel.encode()).hexdigest()}.json")
    return registry, site, data, json.loads(data), index, json.loads((site / index).read_text())


def test_a_records_numbers_spelled_as_json_allows_are_read_alike_in_python_and_js(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A site host that spells the list's index file's numbers (the entry's index, the line's position) as
    ``418.0`` or ``4.18e2``: the page reads the same number, so Python must too, or a file the page accepts Python
    called malformed (and the reverse for ``true``, which Python took for 1 where the page reads no number); an index
    that is no number is a malformed log record on both sides (Python called it a malformed index record)."""
    from generator.transparency.inclusion import status_list_log_check

    registry, site, data, document, index, genuine = _list_index_site(log_repo, tmp_path)
    [[number, text, below]] = genuine["records"]
    position, proof = genuine["index"]
    now = COSIGNED_AT + dt.timedelta(hours=1)
    spellings = [(f"{number}.0", f"{position}.0", "passed"), (f"{number / 100}e2", f"{position}e0", "passed")]
    spellings.append((f'"{number}"', str(position), "failed"))  # a string: a malformed record, in the same words
    if position == 1:
        spellings.append(("true", str(position), "failed"))
    for n, (at, where, status) in enumerate(spellings):
        hostile = tmp_path / f"spelled-{n}"
        shutil.copytree(site, hostile)
        body = f'{{"records":[[{at},{json.dumps(text)},"{below}"]],"index":[{where},"{proof}"]}}'
        (hostile / index).write_text(body)
        py = status_list_log_check(registry, LogSource(hostile / "log"), data, document, now=now)
        js = node(op="listcheck", site=f"{hostile}/", text=data.decode(), visitor=f"spelled-{n}", document=document,
                  now=now.timestamp())  # fmt: skip
        assert (py.status.value, _site_relative(py.reason, hostile)) == (js["status"], js["reason"]), (py, js)
        assert js["status"] == status, js


SHA = "ab" * 32
#: Log entry texts, as a site's record may carry them: each read alike by LogEntry.parse and tlog.js parseEntry.
ENTRY_TEXTS = [
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key-1.json\n",
    f"credreg-log/1 revocation acme {SHA} registry/issuers/acme/revocations.jsonl#12\n",
    f"credreg-log/1 key-bogus acme {SHA} keys/acme/key-1.json\n",  # a kind the log has not
    f"credreg-log/1 key-revoked ac%20me {SHA} keys/acme/key%2D1.json\n",
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key%2d1.json\n",
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/k%C3%A9y.json\n",
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key%zz.json\n",  # not an escape: kept as written
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key%4.json\n",
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key%.json\n",
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key%FF.json\n",  # not UTF-8: each byte escaped (U+DCFF)
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/k%80%C3%A9%C3.json\n",  # a character between stray bytes
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key%F4%90%80%80.json\n",  # above U+10FFFF
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key%E0%9F%BF%F0%8F%BF%BF.json\n",  # overlong forms
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key%ED%A0%80.json\n",  # a surrogate's bytes
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key%F0%9F%98.json\n",  # a character cut short
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key%C0%AF.json\n",  # an overlong slash
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key%E0%80%AFx.json\n",
    f"credreg-log/1 key-revoked \ufffd {SHA} keys/acme/key-1.json\n",
    f"credreg-log/1 key-revoked \U0001f600 {SHA} keys/acme/key-1.json\n",
    f"credreg-log/1 key-revoked \u00e9%C3%A9 {SHA} keys/acme/key-1.json\n",  # escapes beside a non-ASCII one
    f"credreg-log/1 key-revoked %C3\u00e9%A9 {SHA} keys/acme/key-1.json\n",  # a character split by one
    f"credreg-log/1 key-revoked a\ud800 {SHA} keys/acme/key-1.json\n",  # a lone surrogate: no UTF-8 text
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key-1.json#0\n",
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key-1.json",
    f"credreg-log/1 key-revoked acme {SHA} keys/acme/key-1.json\n\n",
]


def test_the_page_reads_a_log_entry_as_python_does(node: Node) -> None:
    """A site's record carries its entry's text, which the verifier parses before proving it (LogEntry.parse):
    the page parses it the same way, kinds and percent-decoding included (it took an unknown kind for an entry
    and proved it, and decoded paths with decodeURIComponent, which throws where Python's unquote keeps a stray
    ``%`` and replaces bytes that are not UTF-8)."""
    from generator.transparency.entries import KINDS, LogEntry

    for text in [*ENTRY_TEXTS, *(f"credreg-log/1 {kind} acme {SHA} a/b.json\n" for kind in KINDS)]:
        try:
            parsed = LogEntry.parse(text.encode())
            py: Any = [parsed.kind, parsed.issuer, parsed.sha256, parsed.path, parsed.line]
        except ValueError:
            py = None
        assert node(op="entry", text=text)["entry"] == py, text


def _mostly(valid: str, *others: str) -> st.SearchStrategy[str]:
    """``valid`` three times in four: a text spoilt in one piece at a time is read, not refused for another."""
    return st.one_of(st.just(valid), st.just(valid), st.just(valid), st.sampled_from(others))


_ENTRY_PIECES = {
    "head": _mostly("credreg-log/1 ", "credreg-log/2 ", "Credreg-log/1 ", "credreg-log/1  "),
    "kind": _mostly("key-revoked", "award", "status-list", "key-bogus", "Award", "key_revoked", ""),
    "issuer": _mostly("acme", "a", "%20", "%2F", "/", "\u00e9", "%C3%A9", "%", "%FF", "-", "~", "ac%41me"),
    "sha": _mostly(SHA, SHA.upper(), SHA[:-1], SHA + "0"),
    "path": _mostly("keys/acme/key-1.json", "k%2e", "%2F", "%", "%zz", "%ED%A0%80", "~", " ", "#", "\u00e9", "+",
                    "a//b", ""),
    # Not beyond 2**53 - 1: the page's Number rounds such a line (#9007199254740993 reads as ...992), which no page
    # rule reads (it only proves the entry's text); Python keeps it exact for its messages.
    "line": st.sampled_from(["", "#0", "#1", "#01", "#12", "#", "#9007199254740991", "#-1"]),
    "end": _mostly("\n", "", "\n\n", "\r\n", " \n"),
}  # fmt: skip


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(**_ENTRY_PIECES)
def test_generated_log_entries_are_read_as_python_reads_them(node: Node, **pieces: str) -> None:
    """Entry texts made of the pieces the two readers could read apart (a kind the log has not or of another
    case, escapes and stray "%", non-ASCII, a line number with a leading zero or beyond 2**53, other line ends):
    the same entry, or none, from LogEntry.parse and tlog.js parseEntry."""
    from generator.transparency.entries import LogEntry

    text = "{head}{kind} {issuer} {sha} {path}{line}{end}".format(**pieces)
    try:
        parsed = LogEntry.parse(text.encode("utf-8", "surrogatepass"))
        py: Any = [parsed.kind, parsed.issuer, parsed.sha256, parsed.path, parsed.line]
    except ValueError:
        py = None
    assert node(op="entry", text=text)["entry"] == py, text


def test_a_records_text_is_parsed_before_it_is_proven_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A host that puts a text the log cannot hold in a list's index record (a kind the log has not): both sides
    say the record is malformed, before any proof (the page said its proof did not verify). And a record whose
    path claims more hashes than the complete subtree holding its entry has: both name the file, in the same
    words (the page named neither the file nor the tree's size)."""
    from generator.transparency.inclusion import status_list_log_check

    registry, site, data, document, index, genuine = _list_index_site(log_repo, tmp_path)
    [[number, text, below]] = genuine["records"]
    now = COSIGNED_AT + dt.timedelta(hours=1)
    long = base64.b64encode(bytes(32 * 9)).decode()
    spoils = [(text.replace(" status-list ", " status-bogus ", 1), below), (text.replace("1.json", "1%zz"), below)]
    for n, (spoiled, path) in enumerate([*spoils, (text, long)]):
        hostile = tmp_path / f"text-{n}"
        shutil.copytree(site, hostile)
        (hostile / index).write_text(json.dumps({**genuine, "records": [[number, spoiled, path]]}))
        py = status_list_log_check(registry, LogSource(hostile / "log"), data, document, now=now)
        js = node(op="listcheck", site=f"{hostile}/", text=data.decode(), visitor=f"text-{n}", document=document,
                  now=now.timestamp())  # fmt: skip
        assert (py.status.value, _site_relative(py.reason, hostile)) == (js["status"], js["reason"]), (py, js)
        assert js["status"] == "failed", js


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_a_signature_line_broken_by_a_unicode_line_separator_fails_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path, separator: str
) -> None:
    """A host may append lines to the checkpoint's signatures (unknown ones are ignored), but not make the two
    sides read different lines: one holding U+2028 (or U+2029, U+0085, which str.splitlines splits at) is
    one malformed signature line on the page, and was two well-formed ones to Python, which passed."""
    from generator.transparency.inclusion import log_check

    registry, site, _ = _published_cosigned(log_repo.root, log_repo, tmp_path, COSIGNED_AT)
    award = next(p for p in log_repo.award_files() if "/northbridge-university/" in p.as_posix())
    document = json.loads(award.read_text())
    checkpoint = site / "log/checkpoint"
    checkpoint.write_bytes(checkpoint.read_bytes() + f"\u2014 a AAAAAAAA{separator}\u2014 b AAAAAAAA\n".encode())
    now = COSIGNED_AT + dt.timedelta(hours=1)
    py = log_check(registry, LogSource(site / "log"), award.stem, document, now=now)
    js = node(op="check", site=f"{site}/", hash=award.stem, visitor=f"separator-{ord(separator)}", document=document,
              now=now.timestamp())  # fmt: skip
    assert (py.status.value, js["status"]) == ("failed", "failed"), (py, js)
    assert js["reason"].startswith("the log does not check out: log/checkpoint: not base64: "), js
    assert _site_relative(py.reason, site) == js["reason"], (py, js)


@pytest.mark.parametrize("spoil", ["withheld", "malformed"])
def test_an_award_not_in_the_log_is_said_so_before_its_keys_are_read_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path, spoil: str
) -> None:
    """An award the log does not hold is "not recorded", whatever the host does to its signing key's index file:
    the page says so before reading the key's file, and Python read the key's file first (a withheld or malformed
    one gave another failure, in other words). A status list that is not the latest: the same, by the same
    order (its own index file first)."""
    from generator.transparency.inclusion import log_check, status_list_log_check

    registry, site, _ = _published_cosigned(log_repo.root, log_repo, tmp_path, COSIGNED_AT)
    award = next(p for p in log_repo.award_files() if "/northbridge-university/" in p.as_posix())
    document = json.loads(award.read_text())
    method = document["proof"][0]["verificationMethod"]
    keys = site / f"log/index/keys/{hashlib.sha256(method.encode()).hexdigest()}.json"
    rel = "registry/issuers/northbridge-university/status/1.json"
    data = (log_repo.root / rel).read_bytes()
    listed = json.loads(data)
    list_method = listed["proof"][0]["verificationMethod"]
    lists = site / f"log/index/keys/{hashlib.sha256(list_method.encode()).hexdigest()}.json"
    for file in {keys, lists}:
        if spoil == "withheld":
            file.unlink()
        else:
            file.write_text('{"records": 5}')
    now = COSIGNED_AT + dt.timedelta(hours=1)
    unlogged = "00" * 32
    py = log_check(registry, LogSource(site / "log"), unlogged, document, now=now)
    js = node(op="check", site=f"{site}/", hash=unlogged, visitor=f"unlogged-{spoil}", document=document,
              now=now.timestamp())  # fmt: skip
    assert (py.status.value, _site_relative(py.reason, site)) == (js["status"], js["reason"]), (py, js)
    assert js["reason"] == "not recorded in the public log", js
    older = data + b"\n"  # bytes the log never held for this list
    py = status_list_log_check(registry, LogSource(site / "log"), older, listed, now=now)
    js = node(op="listcheck", site=f"{site}/", text=older.decode(), visitor=f"older-{spoil}", document=listed,
              now=now.timestamp())  # fmt: skip
    assert (py.status.value, _site_relative(py.reason, site)) == (js["status"], js["reason"]), (py, js)
    assert js["reason"].startswith("not the public log's latest version of "), js


def test_the_path_file_an_awards_record_names_is_the_same_in_python_and_js(node: Node) -> None:
    """Which path file an award's record makes a verifier read (and which nodes it answers), for the record's index
    as a site spells it: at the edges of a 65,536-entry block (a size of exactly one or two blocks, one entry short
    of one), near the largest index the page reads exactly, and for indexes that are no entry index (a string, a
    boolean, a fraction, a negative), which name no file in either (the page read ``index/paths/1`` for ``"300"``
    before refusing the record)."""
    from generator.transparency.logindex import json_integer
    from generator.transparency.publish import path_file

    block, top = 1 << 16, (1 << 53) - 1
    cases: list[tuple[Any, int]] = [
        (0, block - 1), (0, block), (block - 1, block), (block, block), (block - 1, 2 * block),
        (block, 2 * block), (2 * block - 1, 2 * block), (2 * block - 1, 2 * block - 1), (70_000, 140_000),
        (top - 1, top), (top - block, top), ((top >> 16 << 16) - 1, top), (255, block), (256, 3 * block + 5),
        ("300", 2 * block), (True, 2 * block), (300.5, 2 * block), (-1, 2 * block), (300.0, 2 * block),
        (None, 2 * block), ([300], 2 * block),
    ]  # fmt: skip
    cases += [(tile * 256 + 7, 2 * block) for tile in range(512)]  # every tile of two blocks: the sibling rule

    def python(given: Any, size: int) -> Any:
        index = json_integer(given)  # as _proven_award reads the record's index before its path file
        found = path_file(index, size) if index is not None else None
        return None if found is None else {"rel": found[0], "nodes": [list(n) for n in found[1]]}

    js = node(op="pathfile", cases=cases)["found"]
    assert js == [python(*case) for case in cases]


def test_a_checkpoint_size_beyond_2_53_is_refused_in_the_same_words_in_python_and_js(node: Node) -> None:
    """A tree size the page's numbers hold exactly (up to 2**53 - 1) is read as Python reads it; a larger one, which
    ``Number`` rounds (9007199254740993 was read as ...992, and every proof then made for another tree than the
    one signed), is refused by both in the same words: C2SP allows sizes up to 2**64 - 1, which Python read and the
    page refused, but no log holds that many entries. Beyond 2**64 - 1 it is no size at all, alike."""
    from generator.tlog.note import NoteError, parse_checkpoint

    root = base64.b64encode(bytes(32)).decode()
    for size in [0, 2**53 - 1, 2**53, 2**53 + 1, 10**16 - 1, 2**64 - 1, 2**64, 10**20]:
        text = f"example.org/log\n{size}\n{root}\n"
        try:
            python: dict[str, Any] = {"size": parse_checkpoint(text).size}
        except NoteError as exc:
            python = {"refused": str(exc)}
        assert node(op="checkpoint", text=text) == python, size
        assert ("size" in python) == (size <= 2**53 - 1), python


@pytest.mark.parametrize("spoil", ["repeated-key", "gzip-bytes"])
def test_a_site_file_of_the_log_is_read_as_strictly_in_python_as_in_js(
    node: Node, log_repo: LogRepo, tmp_path: Path, spoil: str
) -> None:
    """One reader of a site's log files: a key written twice in one object (a host's second "records" after a
    first that says nothing), or a ``.json`` file served as gzip bytes, is not JSON to the page (sitedata.js), so it
    is not to the CLI either. Python read the last of the two keys, and unzipped any file starting with gzip's
    magic, and passed what the page refused."""
    from generator.transparency.inclusion import log_check

    registry, site, _ = _published_cosigned(log_repo.root, log_repo, tmp_path, COSIGNED_AT)
    award = next(p for p in log_repo.award_files() if "/northbridge-university/" in p.as_posix())
    document = json.loads(award.read_text())
    method = document["proof"][0]["verificationMethod"]
    if spoil == "repeated-key":
        rel = f"log/index/keys/{hashlib.sha256(method.encode()).hexdigest()}.json"
        text = (site / rel).read_text()
        assert text.startswith("{")
        (site / rel).write_text('{"records": 5, ' + text[1:])
    else:
        rel = "log/policy.json"
        (site / rel).write_bytes(gzip.compress((site / rel).read_bytes()))
    now = COSIGNED_AT + dt.timedelta(hours=1)
    py = log_check(registry, LogSource(site / "log"), award.stem, document, now=now)
    js = node(op="check", site=f"{site}/", hash=award.stem, visitor=f"strict-{spoil}", document=document,
              now=now.timestamp())  # fmt: skip
    assert (py.status.value, js["status"]) == ("failed", "failed"), (py, js)
    for reason in (_site_relative(py.reason, site), js["reason"]):
        assert reason.startswith(f"the log does not check out: {rel}"), (py.reason, js["reason"])


def _rewrite_checkpoint(change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def spoil(site: Path) -> None:
        path = site / "log/checkpoint"
        path.write_bytes(change(path.read_bytes()))

    return spoil


def _text_lines(change: Callable[[list[bytes]], list[bytes]]) -> Callable[[bytes], bytes]:
    """A checkpoint with its note text's lines changed (its signatures kept: no longer valid, read after)."""

    def rewrite(data: bytes) -> bytes:
        text, _, signatures = data.partition(b"\n\n")
        return b"\n".join(change(text.split(b"\n"))) + b"\n\n" + signatures

    return rewrite


def _withhold(rel: str) -> Callable[[Path], None]:
    return lambda site: (site / rel).unlink()


_LOG_SPOILS: dict[str, Callable[[Path], None]] = {
    "checkpoint withheld": _withhold("log/checkpoint"),
    "tile withheld": _withhold("log/tile/0/000"),
    "level-1 tiles withheld": lambda site: shutil.rmtree(site / "log/tile/1"),
    "a short tile": lambda site: (site / "log/tile/0/000").write_bytes((site / "log/tile/0/000").read_bytes()[:-1]),
    "not UTF-8": _rewrite_checkpoint(lambda d: d.replace(b"\n\n", b"\n\xff\n\n", 1)),
    "a control character": _rewrite_checkpoint(lambda d: d.replace(b"\n\n", b"\n\x01\n\n", 1)),
    "no final newline": _rewrite_checkpoint(lambda d: d[:-1]),
    "no signatures": _rewrite_checkpoint(lambda d: d.partition(b"\n\n")[0] + b"\n\n\n"),
    "65 signatures": _rewrite_checkpoint(lambda d: d + b"\xe2\x80\x94 x AAAAAAAA\n" * 64),
    "no em dash": _rewrite_checkpoint(lambda d: d + b"- x AAAAAAAA\n"),
    "no space": _rewrite_checkpoint(lambda d: d + b"\xe2\x80\x94 xAAAAAAAA\n"),
    "a '+' in a name": _rewrite_checkpoint(lambda d: d + b"\xe2\x80\x94 a+b AAAAAAAA\n"),
    "a no-break space in a name": _rewrite_checkpoint(lambda d: d + "\u2014 a\u00a0b AAAAAAAA\n".encode()),
    "not base64": _rewrite_checkpoint(lambda d: d + b"\xe2\x80\x94 x AAAA*AAA\n"),
    "base64 not canonical": _rewrite_checkpoint(lambda d: d + b"\xe2\x80\x94 x AAAAAAB=\n"),
    "a short signature": _rewrite_checkpoint(lambda d: d + b"\xe2\x80\x94 x AAAA\n"),
    "two lines": _rewrite_checkpoint(_text_lines(lambda lines: lines[:2])),
    "a leading zero": _rewrite_checkpoint(_text_lines(lambda lines: [lines[0], b"0" + lines[1], *lines[2:]])),
    "a size of 2**53": _rewrite_checkpoint(_text_lines(lambda lines: [lines[0], b"9007199254740992", *lines[2:]])),
    "a size of 2**64 - 1": _rewrite_checkpoint(
        _text_lines(lambda lines: [lines[0], str(2**64 - 1).encode(), *lines[2:]])
    ),
    "a size of 2**64": _rewrite_checkpoint(_text_lines(lambda lines: [lines[0], str(2**64).encode(), *lines[2:]])),
    "a root not base64": _rewrite_checkpoint(_text_lines(lambda lines: [*lines[:2], b"!" + lines[2][1:], *lines[3:]])),
    "a short root": _rewrite_checkpoint(_text_lines(lambda lines: [*lines[:2], b"AAAA", *lines[3:]])),
    "another origin": _rewrite_checkpoint(_text_lines(lambda lines: [b'example.org/"log"', *lines[1:]])),
    "not signed": _rewrite_checkpoint(_text_lines(lambda lines: [*lines[:3], b"an extension", *lines[3:]])),
}


@pytest.mark.parametrize("spoil", sorted(_LOG_SPOILS))
@pytest.mark.parametrize("kind", ["award", "endorsement"])
def test_a_spoiled_checkpoint_or_withheld_tile_is_said_in_the_same_words_in_python_and_js(
    node: Node, log_repo: LogRepo, tmp_path: Path, spoil: str, kind: str
) -> None:
    """A host's malformed checkpoint note (each rule of C2SP signed-note and tlog-checkpoint as note.py reads it)
    or a withheld tile fails an award's or an endorsement's log check in the same words in the CLI and on the page
    (the page had words of its own, and read some notes the CLI refuses: gzip-free bytes not UTF-8, 65 signature
    lines, a key name with '+', base64 in a second spelling). A checkpoint's tree size above 2**53 - 1, which C2SP
    allows and the page cannot count exactly, is refused by both, in the same words."""
    from generator.transparency.inclusion import log_check

    registry, site, _ = _published_cosigned(log_repo.root, log_repo, tmp_path, COSIGNED_AT)
    if kind == "award":
        path = next(p for p in log_repo.award_files() if "/northbridge-university/" in p.as_posix())
    else:
        folder = log_repo.root / "registry/endorsers/accreditation-board-for-personnel-certification/endorsements"
        path = sorted(folder.glob("*.json"))[0]
    document = json.loads(path.read_text())
    _LOG_SPOILS[spoil](site)
    now = COSIGNED_AT + dt.timedelta(hours=1)
    py = log_check(registry, LogSource(site / "log"), path.stem, document, now=now, kind=kind)
    js = node(op="check", site=f"{site}/", hash=path.stem, visitor=f"spoil-{kind}-{spoil}", document=document,
              now=now.timestamp(), kind=kind)  # fmt: skip
    # Python names a site's file by its whole path, the page by its path in the site.
    assert (py.status.value, py.reason.replace(f"{site}/", "")) == (js["status"], js["reason"])
    # An endorsement's record carries the hashes its level-0 tile would give; the frontier stands for level 1 here.
    if "tile" not in spoil or (kind == "award" and "level-1" not in spoil):
        assert py.status.value == "failed", py


def test_a_sites_shard_bits_spelled_as_json_allows_are_read_alike_in_python_and_js(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """verify/index.json's ``shard_bits`` written ``4.0`` (one JSON number with ``4``, which the page reads as 4):
    the CLI's log check refused the index as malformed, where the page found the award's record and passed."""
    from generator.transparency.inclusion import log_check

    registry, site, _ = _published_cosigned(log_repo.root, log_repo, tmp_path, COSIGNED_AT)
    award = next(p for p in log_repo.award_files() if "/northbridge-university/" in p.as_posix())
    document = json.loads(award.read_text())
    index = site / "verify/index.json"
    bits = json.loads(index.read_text())["shard_bits"]
    text = index.read_text()
    assert f'"shard_bits": {bits}' in text, text[:200]
    index.write_text(text.replace(f'"shard_bits": {bits}', f'"shard_bits": {bits}.0'))
    now = COSIGNED_AT + dt.timedelta(hours=1)
    py = log_check(registry, LogSource(site / "log"), award.stem, document, now=now)
    js = node(op="check", site=f"{site}/", hash=award.stem, visitor="shard-bits", document=document,
              now=now.timestamp())  # fmt: skip
    assert (py.status.value, _site_relative(py.reason, site)) == (js["status"], js["reason"])
    assert js["status"] == "passed", js


def test_an_award_logged_in_another_owners_name_is_not_recorded_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """The log names each entry's owner by its folder, and an owner's monitor lists the entries in its name. An
    award of northbridge-university (a leaked key's) pushed past the checks into another issuer's folder is logged
    in that issuer's name: northbridge's monitor never shows it. So a log check counts only an entry in the name of
    the award's own issuer; the CLI (site index and bare state) and the browser agree."""
    from generator.transparency.inclusion import NOT_RECORDED, log_check
    from generator.transparency.log import open_log
    from generator.transparency.monitor import monitor_log

    planted_path, planted = plant_award(log_repo, "northbridge-university")
    document = json.loads(planted_path.read_text())
    elsewhere = (
        log_repo.root
        / "registry/issuers/brightforge-academy/awards"
        / planted_path.relative_to(planted_path.parents[2])
    )
    elsewhere.parent.mkdir(parents=True, exist_ok=True)
    planted_path.rename(elsewhere)
    commit_all(log_repo.root, "an award of northbridge-university, in brightforge-academy's folder")
    registry, site, entries = _published_cosigned(log_repo.root, log_repo, tmp_path, COSIGNED_AT)
    [logged] = [n for n, e in enumerate(entries) if f" {planted} ".encode() in e]
    assert entries[logged].startswith(f"credreg-log/1 award brightforge-academy {planted} ".encode())
    log = open_log(LogSource(log_repo.state), log_repo.signer.verifier)
    assert not [e for _, e in monitor_log(log, "northbridge-university").entries if e.sha256 == planted]

    now = COSIGNED_AT + dt.timedelta(hours=1)
    py_site = log_check(registry, LogSource(site / "log"), planted, document, now=now)
    py_state = log_check(registry, LogSource(log_repo.state), planted, document, now=now)
    js = node(
        op="check", site=f"{site}/", hash=planted, visitor="award-elsewhere", document=document, now=now.timestamp()
    )
    want = (
        f"{NOT_RECORDED} in the name of its issuer northbridge-university (entry {logged} logs it in the name of "
        "brightforge-academy, whose folder it was published in: northbridge-university's monitor does not list it)"
    )
    for got in (py_site, py_state):
        assert (got.status.value, got.reason) == ("failed", want)
    assert (js["status"], js["reason"]) == ("failed", want)

    # The same award moved into its issuer's folder is logged again, in its name: then it is recorded.
    planted_path.parent.mkdir(parents=True, exist_ok=True)
    elsewhere.rename(planted_path)
    commit_all(log_repo.root, "the award, in its issuer's folder")
    registry, site, entries = _published_cosigned(log_repo.root, log_repo, tmp_path / "moved", COSIGNED_AT)
    [_, again] = [n for n, e in enumerate(entries) if f" {planted} ".encode() in e]
    for got in (log_check(registry, LogSource(site / "log"), planted, document, now=now),
                log_check(registry, LogSource(log_repo.state), planted, document, now=now)):  # fmt: skip
        assert got.status.value == "passed", got
        assert got.reason.startswith(f"recorded in the public log as entry {again} of "), got.reason
    js = node(op="check", site=f"{site}/", hash=planted, visitor="award-moved", document=document, now=now.timestamp())
    assert js["status"] == "passed", js


def test_an_endorsement_logged_in_another_owners_name_is_not_recorded_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """An endorser's endorsement (a leaked key's) pushed past the checks into an issuer's endorsements folder is
    logged in that issuer's name: the endorser's monitor never shows it, and no check counts it; the site names the
    first entry in each owner's name, so the same endorsement committed in its endorser's folder later passes."""
    from generator.awards import award_hash
    from generator.transparency.inclusion import NOT_RECORDED, log_check

    root = log_repo.root
    endorser = "accreditation-board-for-personnel-certification"
    folder = root / f"registry/endorsers/{endorser}/endorsements"
    document = {
        **json.loads(sorted(folder.glob("*.json"))[0].read_text()),
        "id": f"urn:uuid:{'e' * 8}-0000-4000-8000-{'0' * 12}",
    }
    digest = award_hash(document)
    elsewhere = root / f"registry/issuers/brightforge-academy/endorsements/{digest}.json"
    elsewhere.parent.mkdir(parents=True, exist_ok=True)
    elsewhere.write_text(json.dumps(document, indent=2) + "\n")
    commit_all(root, "an endorsement of the board, in brightforge-academy's folder")
    registry, site, entries = _published_cosigned(root, log_repo, tmp_path, COSIGNED_AT)
    [logged] = [n for n, e in enumerate(entries) if f" {digest} ".encode() in e]
    assert entries[logged].startswith(f"credreg-log/1 endorsement brightforge-academy {digest} ".encode())

    now = COSIGNED_AT + dt.timedelta(hours=1)
    want = (
        f"{NOT_RECORDED} in the name of its endorser {endorser} (entry {logged} logs it in the name of "
        f"brightforge-academy, whose folder it was published in: {endorser}'s monitor does not list it)"
    )

    def both(visitor: str, where: Path) -> list[tuple[str, str]]:
        got = [
            log_check(registry, LogSource(source), digest, document, now=now, kind="endorsement")
            for source in (where / "log", log_repo.state)
        ]
        js = node(op="check", site=f"{where}/", hash=digest, visitor=visitor, document=document,
                  now=now.timestamp(), kind="endorsement")  # fmt: skip
        return [(c.status.value, c.reason) for c in got] + [(js["status"], js["reason"])]

    assert both("endorsement-elsewhere", site) == [("failed", want)] * 3
    # Committed in its endorser's folder too: logged again in its name, and the site names that entry as well.
    (folder / f"{digest}.json").write_text(elsewhere.read_text())
    elsewhere.unlink()
    commit_all(root, "the endorsement, in its endorser's folder")
    registry, site, entries = _published_cosigned(root, log_repo, tmp_path / "moved", COSIGNED_AT)
    [_, again] = [n for n, e in enumerate(entries) if f" {digest} ".encode() in e]
    results = both("endorsement-moved", site)
    assert {status for status, _ in results} == {"passed"}, results
    assert all(reason.startswith(f"recorded in the public log as entry {again} of ") for _, reason in results)


def test_an_endorsement_by_a_did_an_issuer_declares_too_is_judged_by_its_endorsers_key_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """An issuer added declaring an endorser's DID (pushed past the check; nothing logged in the endorser's name),
    and an endorsement signed with the endorser's retired key, backdated, committed in both folders: the offline
    checks read the DID as the endorser's (endorsers first), so the log's check judges the endorser's key file, as
    its retirement is logged, and wants the entry in the endorser's name, in the CLI (site and bare state) and on
    the page alike. Read as the issuer's (its key file, never retired in the log), it passed."""
    from generator.transparency.inclusion import log_check

    root = log_repo.root
    endorser = "valencia-tech-employers-network"
    rel, key = owner_key(log_repo, tmp_path, endorser, "key-old", "2023-12-31T23:59:59Z")
    commit_all(root, "an endorser's older key, retired")
    did = load_registry(root).registry.endorser_did(endorser)  # type: ignore[union-attr]
    issuer = issuer_declaring(root, "valencia-panel", did)
    commit_all(root, "an issuer declaring the endorser's DID (pushed past the check)")
    digest = endorsement_with(log_repo, key, dt.datetime(2023, 10, 1, tzinfo=dt.UTC), endorser=endorser)
    made = root / f"registry/endorsers/{endorser}/endorsements/{digest}.json"
    (issuer / "endorsements").mkdir()
    (issuer / "endorsements" / made.name).write_bytes(made.read_bytes())
    commit_all(root, "an endorsement signed with the retired key, backdated, in both folders")
    document = json.loads(made.read_text())
    registry, site, _ = _published_cosigned(root, log_repo, tmp_path, COSIGNED_AT)
    now = COSIGNED_AT + dt.timedelta(hours=1)
    got = [
        log_check(registry, LogSource(source), digest, document, now=now, kind="endorsement")
        for source in (site / "log", log_repo.state)
    ]
    js = node(op="check", site=f"{site}/", hash=digest, visitor="shared-did", document=document,
              now=now.timestamp(), kind="endorsement")  # fmt: skip
    results = [(c.status.value, c.reason) for c in got] + [(js["status"], js["reason"])]
    assert len(set(results)) == 1, results
    status, reason = results[0]
    assert status == "failed", reason
    assert f"but its signing key {rel} was logged as expired (valid_until set) before it" in reason, reason


def test_an_endorsers_list_is_judged_by_its_own_key_when_an_issuer_declares_its_did_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A status list given on its own is held offline to the keys of the owner of its folder: with an issuer added
    declaring an endorser's DID (pushed past the check), the endorser's list signed again by its retired key,
    backdated, is judged by the log against the endorser's key file (retired before the list was logged) in the
    CLI (site and bare state) and on the page alike, not against the issuer's, which the log never retired."""
    from generator.transparency.inclusion import status_list_log_check

    root = log_repo.root
    resigned = endorser_list_under_a_declared_did(log_repo, tmp_path)
    rel, signed, data = resigned.key_file, resigned.document, resigned.data
    registry, site, _ = _published_cosigned(root, log_repo, tmp_path, COSIGNED_AT)
    now = COSIGNED_AT + dt.timedelta(hours=1)
    got = [
        status_list_log_check(registry, LogSource(source), data, signed, now=now)
        for source in (site / "log", log_repo.state)
    ]
    js = node(op="listcheck", site=f"{site}/", text=data.decode(), visitor="shared-did-list", document=signed,
              now=now.timestamp())  # fmt: skip
    results = [(c.status.value, c.reason) for c in got] + [(js["status"], js["reason"])]
    assert len(set(results)) == 1, results
    status, reason = results[0]
    assert status == "failed", reason
    assert f"but its signing key {rel} was logged as expired (valid_until set) before it" in reason, reason


def test_a_second_issuers_list_is_judged_by_its_dids_owners_key_in_python_and_not_passed_by_js(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """An issuer's list is held offline to its DID owner's keys (the registry resolver: the first issuer declaring
    the DID), not its folder owner's: a newcomer declaring northbridge's DID (pushed past the check) with its list
    signed by northbridge's retired key, backdated, is judged against northbridge's key file (retired before the
    list was logged) by the CLI (site and bare state). Python judged the newcomer's key file (the folder's owner's,
    its DID the method's), which the log never retired, and passed it. The page knows an issuer by its DID only
    (verify/index.json ``issuers``: the DID's owner), so the newcomer's list is no list of this registry to it:
    it does not pass it either."""
    from generator.transparency.inclusion import status_list_log_check

    root = log_repo.root
    resigned = second_issuer_list_under_a_taken_did(log_repo, tmp_path)
    rel, signed, data = resigned.key_file, resigned.document, resigned.data
    registry, site, _ = _published_cosigned(root, log_repo, tmp_path, COSIGNED_AT)
    now = COSIGNED_AT + dt.timedelta(hours=1)
    got = [
        status_list_log_check(registry, LogSource(source), data, signed, now=now)
        for source in (site / "log", log_repo.state)
    ]
    js = node(op="listcheck", site=f"{site}/", text=data.decode(), visitor="second-issuer-list", document=signed,
              now=now.timestamp())  # fmt: skip
    results = [(c.status.value, c.reason) for c in got]
    assert len(set(results)) == 1, results
    assert (js["status"], js["reason"]) == ("not checked", "not a status list of this registry"), js
    status, reason = results[0]
    assert status == "failed", reason
    assert f"but its signing key {rel} was logged as expired (valid_until set) before it" in reason, reason


def test_a_cosignature_dated_past_what_a_timestamp_holds_counts_for_neither_reader(node: Node) -> None:
    """A cosignature/v1 timestamp is at most 2**63 - 1 (C2SP tlog-cosignature; note.py refuses a larger one, and
    cosign() makes none). The page read any 8 bytes as a time: a witness's signature over a time of 2**63 or more
    counted towards the page's quorum and not towards credreg verify's."""
    import os

    from generator.crypto import ed25519
    from generator.tlog.note import (
        COSIGNATURE_V1,
        Checkpoint,
        NoteSigner,
        Signature,
        cosign,
        sign_note,
        verify_cosignature,
    )

    log = NoteSigner("credentials.example.org/log", os.urandom(32))
    witness = NoteSigner("witness.example.net/w1", os.urandom(32), COSIGNATURE_V1)
    note = sign_note(Checkpoint(log.name, 1, bytes(32)).text(), log)
    for time, counts in ((2**63 - 1, True), (2**63, False), (2**64 - 1, False)):
        message = f"cosignature/v1\ntime {time}\n{note.text}".encode()
        data = time.to_bytes(8, "big") + ed25519.sign(witness.seed, message)
        signed = note.with_signatures(Signature(witness.name, witness.verifier.id, data))
        python = verify_cosignature(signed, witness.verifier)
        page = node(op="cosignature", note=base64.b64encode(signed.encode()).decode(), vkey=witness.verifier.vkey)
        assert (python is not None, page["time"] is not None) == (counts, counts), time
        assert page["time"] == (str(python) if python is not None else None)
    assert verify_cosignature(note.with_signatures(cosign(note, witness, 1)), witness.verifier) == 1


def test_one_witness_key_under_two_names_counts_once_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A cosignature signs the checkpoint and its time, never the witness's name: whoever holds the log's key copies
    one witness's cosignature under a second name whose key id it computes from that same public key. Governance
    refuses such a witness list (a quorum counts keys: models/governance.py); the page read log/policy.json's list
    as given and counted the copy, so a policy naming one key twice with a quorum of 2 passed on one witness's word
    ("cosigned by 2 of 2"). Now the page counts each public key once (and never the log's own key)."""
    import pydantic

    from generator.models.governance import TransparencyLog, Witness
    from generator.tlog.note import COSIGNATURE_V1, NoteSigner, Signature, parse_note

    site, award = _cosigned_site(log_repo, tmp_path)
    assert node(op="check", site=f"{site}/", hash=award, visitor="twin-visitor")["status"] == "passed"

    twin = NoteSigner("twin.example.net/w", log_repo.witness.seed, COSIGNATURE_V1)
    note = parse_note((site / "log/checkpoint").read_bytes())
    [real] = [s for s in note.signatures if s.name == log_repo.witness.name]
    (site / "log/checkpoint").write_bytes(
        note.with_signatures(Signature(twin.name, twin.verifier.id, real.data)).encode()
    )
    policy = json.loads((site / "log/policy.json").read_text())
    [listed] = policy["witnesses"]
    policy["witnesses"].append({**listed, "name": "Twin", "vkey": twin.verifier.vkey})
    policy["quorum"] = 2
    (site / "log/policy.json").write_text(json.dumps(policy))

    def governed(second: Witness) -> TransparencyLog:
        """The registry's governance given the fixture's witness and ``second``, a quorum of 2."""
        first = Witness(name="W", vkey=log_repo.witness.verifier.vkey)
        return TransparencyLog(vkey=log_repo.signer.verifier.vkey, witnesses=[first, second], quorum=2)

    page = node(op="check", site=f"{site}/", hash=award, visitor="twin-visitor")
    assert page["status"] == "failed", page
    assert "cosigned by 1 of 2 witnesses" in page["reason"]
    assert page["reason"].endswith("(quorum not reached)")
    with pytest.raises(pydantic.ValidationError, match="one key under two names"):
        governed(Witness(name="Twin", vkey=twin.verifier.vkey))

    # The log's own key listed as a witness (its holder cosigns at will) counts for neither.
    own = NoteSigner(log_repo.signer.name, log_repo.signer.seed, COSIGNATURE_V1)
    from generator.tlog.note import cosign

    plain = parse_note((site / "log/checkpoint").read_bytes())
    (site / "log/checkpoint").write_bytes(plain.with_signatures(cosign(plain, own, 1)).encode())
    policy["witnesses"] = [listed, {**listed, "name": "Own", "vkey": own.verifier.vkey}]
    (site / "log/policy.json").write_text(json.dumps(policy))
    page = node(op="check", site=f"{site}/", hash=award, visitor="twin-visitor")
    assert page["status"] == "failed", page
    assert "cosigned by 1 of 2 witnesses" in page["reason"]
    with pytest.raises(pydantic.ValidationError, match="holds the log's own key"):
        governed(Witness(name="Own", vkey=own.verifier.vkey))


def test_a_returning_visitor_is_not_shown_the_log_without_the_witnesses_it_saw(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """log/policy.json (the witnesses and the quorum) is the site's word. A host holding the log's key served a
    returning visitor the log it remembers, or an extension of it, signed by the log key alone, with a policy that
    names no witness: consistent with the browser's memory, "cosigned by 0 of 0 witnesses", passed; the index that
    checkpoint commits to, which no witness recomputed, could then hide a key's retirement or a revocation taken back.
    The browser now remembers, with the checkpoint its quorum cosigned, the witnesses' keys and the quorum, and fails
    a later view that the quorum of those witnesses did not cosign (as a monitor alerts on a policy that is not the
    one saved beside its checkpoint, monitor.py). A change of witnesses they cosign through is taken up."""
    from generator.tlog.note import COSIGNATURE_V1, NoteSigner, cosign, parse_note

    site, award = _cosigned_site(log_repo, tmp_path)
    assert node(op="check", site=f"{site}/", hash=award, visitor="policy-carol")["status"] == "passed"
    cosigned = (site / "log/checkpoint").read_bytes()
    policy = json.loads((site / "log/policy.json").read_text())

    def serve(note: bytes, witnesses: list[dict[str, Any]], quorum: int) -> None:
        (site / "log/checkpoint").write_bytes(note)
        (site / "log/policy.json").write_text(json.dumps({**policy, "witnesses": witnesses, "quorum": quorum}))

    unwitnessed = parse_note(cosigned)
    unwitnessed = dataclasses.replace(
        unwitnessed, signatures=tuple(s for s in unwitnessed.signatures if s.name == log_repo.signer.name)
    )
    serve(unwitnessed.encode(), [], 0)
    assert node(op="check", site=f"{site}/", hash=award, visitor="policy-dave")["status"] == "passed"  # a first visit
    carol = node(op="check", site=f"{site}/", hash=award, visitor="policy-carol")
    assert carol["status"] == "failed", carol
    assert carol["reason"] == (
        "the log does not check out: this browser saw this log cosigned by 1 of the 1 witnesses its policy listed "
        "then; this checkpoint is cosigned by 0 of them (log/policy.json now lists 0, quorum 0): a log shown without "
        "the witnesses it had (if the registry replaced its witnesses, forgetting this site's data in the browser "
        "forgets what it saw)"
    )
    # A witness of the host's own, named in their place, is no witness carol saw either.
    own = NoteSigner("own.example.net/w", b"\x07" * 32, COSIGNATURE_V1)
    serve(
        unwitnessed.with_signatures(cosign(unwitnessed, own, 1)).encode(),
        [{"name": "Own", "vkey": own.verifier.vkey}],
        1,
    )
    assert node(op="check", site=f"{site}/", hash=award, visitor="policy-carol")["status"] == "failed"

    # A witness added beside the one carol saw, the quorum kept: passes (hers cosigned) but is not taken up, for it
    # does not imply hers: a later view cosigned by the added one alone (a host's own, for all the page knows) fails.
    [listed] = policy["witnesses"]
    added = NoteSigner("added.example.net/w", b"\x08" * 32, COSIGNATURE_V1)
    named = {"name": "Added", "vkey": added.verifier.vkey}
    both = parse_note(cosigned)
    both = both.with_signatures(cosign(both, added, 2))
    serve(both.encode(), [listed, named], 1)
    assert node(op="check", site=f"{site}/", hash=award, visitor="policy-carol")["status"] == "passed"
    alone = unwitnessed.with_signatures(cosign(unwitnessed, added, 3)).encode()
    serve(alone, [named], 1)
    assert node(op="check", site=f"{site}/", hash=award, visitor="policy-carol")["status"] == "failed"
    # With the quorum raised to both, it implies hers and is taken up: both are then needed.
    serve(both.encode(), [listed, named], 2)
    assert node(op="check", site=f"{site}/", hash=award, visitor="policy-carol")["status"] == "passed"
    serve(alone, [listed, named], 1)
    carol = node(op="check", site=f"{site}/", hash=award, visitor="policy-carol")
    assert "this browser saw this log cosigned by 2 of the 2 witnesses" in carol["reason"], carol
    # A first visitor's memory: the view a host shows without witnesses passes it (the limit docs state).
    assert node(op="check", site=f"{site}/", hash=award, visitor="policy-erin")["status"] == "passed"


def test_a_returning_visitor_is_not_shown_a_log_under_another_key_without_the_witnesses_it_saw(
    node: Node, log_repo: LogRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The browser kept its memory of the log (the checkpoint, and the witnesses and quorum it was cosigned by) under
    the log's name alone. Whoever holds the repository and the site rewrote history (the award's revocation, or a
    key's retirement, taken out), put a log key of its own in registry/governance.yaml, published the log again from
    scratch under a new name, and served a policy naming no witness: a returning visitor started afresh ("cosigned by
    0 of 0 witnesses") and passed, as a first visitor would; the log it had seen, and its witnesses, were forgotten.
    The witnesses and quorum are now remembered for the site, whatever the log's name: a log under another name and
    key must be cosigned by the witnesses this browser saw the site's log cosigned by (a registry that moves to a new
    log key keeps its witnesses, who cosign the new log)."""
    site, award = _cosigned_site(log_repo, tmp_path)
    assert node(op="check", site=f"{site}/", hash=award, visitor="rename-carol")["status"] == "passed"
    _own_log(log_repo, tmp_path, monkeypatch, site)

    # A first visitor cannot tell (the limit docs/transparency-log.md states); carol saw the site's log witnessed.
    assert node(op="check", site=f"{site}/", hash=award, visitor="rename-erin")["status"] == "passed"
    carol = node(op="check", site=f"{site}/", hash=award, visitor="rename-carol")
    assert carol["status"] == "failed", carol
    assert carol["reason"] == (
        "the log does not check out: this browser saw this site's log (credentials.example.org/log) cosigned by 1 of "
        "the 1 witnesses its policy listed then; this checkpoint (of the log credentials.example.org/log2) is "
        "cosigned by 0 of them (log/policy.json now lists 0, quorum 0): a log shown without the witnesses it had (if "
        "the registry replaced its witnesses, forgetting this site's data in the browser forgets what it saw)"
    )


def _own_log(log_repo: LogRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: Path) -> None:
    """The holder's own log served in ``site``: a new key under a new name in the governance it pushes, the whole
    history logged anew (by a publisher of its own: credreg names a log after the site, which the page does not
    know), with a policy that names no witness."""
    from generator.transparency import publish
    from generator.transparency.keys import generate_note_key

    signer = generate_note_key(tmp_path / "own.key", "credentials.example.org/log2", "log")
    monkeypatch.setattr(publish, "log_origin", lambda _site: signer.name)
    governance = log_repo.root / "registry/governance.yaml"
    text = governance.read_text()
    governance.write_text(
        text[: text.index("log:\n")] + f"log:\n  vkey: {signer.verifier.vkey}\n  witnesses: []\n  quorum: 0\n"
    )
    commit_all(log_repo.root, "a log key of the holder's own, no witness")
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    state = tmp_path / "own-state"
    publish_log(log_repo.root, registry, state, signer)
    shutil.rmtree(site / "log")
    serve_log(registry, state, site)
    assert json.loads((site / "log/policy.json").read_text())["quorum"] == 0


def test_a_browser_that_ran_the_older_page_is_not_shown_a_log_under_another_key_without_its_witnesses(
    node: Node, log_repo: LogRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site-wide memory of the witnesses (credreg-log-witnesses) is written by this page only: a browser that ran
    the page before it holds the witnesses under the log's name alone (credreg-log:NAME). That memory was read only
    for a log of the same name, so such a returning visitor (every one, the day the page changed) shown the holder's
    own log under another name with no witness passed it as a first visit, and the page then wrote that policy (no
    witness, quorum 0) as the site's: from then on it stood in for the witnesses remembered under the old name, and
    even the site's own log, shown without them, passed. Every log name's memory is now held as well."""
    site, award = _cosigned_site(log_repo, tmp_path)
    root = "https://credentials.example.org/"  # the site the fixture's log is named after
    assert node(op="check", site=f"{site}/", root=root, hash=award, visitor="older-carol")["status"] == "passed"
    node(op="forget", visitor="older-carol", key=f"credreg-log-witnesses:{root}")
    _own_log(log_repo, tmp_path, monkeypatch, site)

    carol = node(op="check", site=f"{site}/", root=root, hash=award, visitor="older-carol")
    assert carol["status"] == "failed", carol
    assert (
        "this browser saw this site's log (credentials.example.org/log) cosigned by 1 of the 1 witnesses"
        in (carol["reason"])
    ), carol
    # Nor is anything written that would stand in for the witnesses: a second look fails alike.
    assert node(op="check", site=f"{site}/", root=root, hash=award, visitor="older-carol")["status"] == "failed"


def test_a_site_remembers_its_own_witnesses_not_those_of_another_site_on_its_origin(
    node: Node, log_repo: LogRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sites on one origin (a host's project pages: one localStorage) are registries of their own. The memory of the
    witnesses kept for "the site" under one key held a visitor of one such registry to the witnesses of another:
    its honest log, under its own name, failed ("this browser saw this site's log ... a log shown without the
    witnesses it had"). Each site's memory is now kept under its root."""
    site, award = _cosigned_site(log_repo, tmp_path)
    first = node(op="check", site=f"{site}/", root="https://pages.example.net/a/", hash=award, visitor="pages-carol")
    assert first["status"] == "passed", first
    _own_log(log_repo, tmp_path, monkeypatch, site)  # another registry's log, under its own name, no witness
    other = node(op="check", site=f"{site}/", root="https://pages.example.net/b/", hash=award, visitor="pages-carol")
    assert other["status"] == "passed", other


def test_a_log_no_witness_cosigned_is_said_to_rest_on_the_registry_alone_in_python_and_js_alike(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A log whose policy names no witness (quorum 0) passed as "cosigned by 0 of 0 witnesses", words that read as a
    count of witnesses that did their part. Both sides now say what it is (UNWITNESSED_CLAUSE, held equal here):
    no witness cosigned it, and only the registry vouches for the log."""
    from generator.transparency.inclusion import UNWITNESSED_CLAUSE, log_check

    governance = log_repo.root / "registry/governance.yaml"
    text = governance.read_text()
    vkey = log_repo.signer.verifier.vkey
    governance.write_text(text[: text.index("log:\n")] + f"log:\n  vkey: {vkey}\n  witnesses: []\n  quorum: 0\n")
    commit_all(log_repo.root, "a log no witness watches")
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    publish_log(log_repo.root, registry, log_repo.state, log_repo.signer)
    site = tmp_path / "site"
    serve_log(registry, log_repo.state, site)
    award_path = log_repo.award_files()[0]
    award, document = award_path.stem, json.loads(award_path.read_text())

    py = log_check(registry, LogSource(site / "log"), award, document)
    js = node(op="check", site=f"{site}/", hash=award, visitor="unwitnessed", document=document)
    assert (py.status.value, py.reason) == (js["status"], js["reason"]), (py, js)
    assert py.status.value == "passed", py
    assert f" of 421, checkpoint signed by the registry{UNWITNESSED_CLAUSE}; its status list " in py.reason, py.reason
    assert "0 of 0" not in py.reason


_ORIGIN = "credentials.example.org/log"
_W1, _W2, _W3 = "witness.example.net/w1+00000000+BAAA", "witness.example.com/w2+00000000+BBBB", "w3+1+BCCC"


def _real_witness() -> tuple[str, str]:
    from generator.tlog.note import NoteSigner

    verifier = NoteSigner("witness.example.net/real", bytes(range(32)), 0x04).verifier
    return verifier.vkey, verifier.public.hex()


_VKEY, _HEX = _real_witness()


def _handover_cases() -> list[tuple[dict[str, Any], dict[str, Any], str, list[str]]]:
    from generator.transparency.handover import policy_hash

    kept = {"vkey": "log+1+A", "witnesses": [_W1], "quorum": 1}
    now = {"vkey": "log+1+A", "witnesses": [_W2], "quorum": 1}
    ann = policy_hash(_ORIGIN, [_W2], 1, [_W1], 1)
    return [
        (kept, now, _ORIGIN, [ann]),  # announced: taken up
        (kept, kept, _ORIGIN, []),  # nothing changed
        (kept, now, _ORIGIN, []),  # never announced
        (kept, now, "credentials.example.org/log2", [ann]),  # replayed under another log name
        (kept, now, "other.example/log", [ann]),  # from another site
        (kept, {**now, "quorum": 2}, _ORIGIN, [ann]),  # another quorum than announced
        (kept, {**now, "witnesses": [_W2, _W3]}, _ORIGIN, [ann]),  # another set
        (
            kept,
            {**now, "witnesses": [_W3, _W2, _W2], "quorum": 2},
            _ORIGIN,
            [policy_hash(_ORIGIN, [_W2, _W3], 2, [_W1], 1)],
        ),
        (
            kept,
            {**now, "witnesses": [], "quorum": 0},
            _ORIGIN,
            [policy_hash(_ORIGIN, [], 0, [_W1], 1)],
        ),  # to no witness
        (kept, {**now, "quorum": 0}, _ORIGIN, [policy_hash(_ORIGIN, [_W2], 0, [_W1], 1)]),
        (kept, {**now, "quorum": True}, _ORIGIN, [ann]),
        (kept, {**now, "quorum": 1.5}, _ORIGIN, [ann]),
        (kept, {**now, "witnesses": [_W2, 7]}, _ORIGIN, [ann]),
        (kept, {**now, "vkey": "log+2+B"}, _ORIGIN, [ann]),  # the log key replaced too
        (kept, {**now, "witnesses": [_W2], "quorum": 2}, _ORIGIN, [policy_hash(_ORIGIN, [_W2], 2, [_W1], 1)]),
        ({**kept, "vkey": None}, {**now, "vkey": None}, _ORIGIN, [ann]),
        # An old announcement replayed: W2 announced from W3, the set held now W1 (W3's key retired, say).
        (kept, now, _ORIGIN, [policy_hash(_ORIGIN, [_W2], 1, [_W3], 1)]),
        (kept, now, _ORIGIN, [policy_hash(_ORIGIN, [_W2], 1, [_W1], 2)]),  # from another quorum
        ({**kept, "quorum": True}, now, _ORIGIN, [ann]),
        # The page remembers witnesses as hex keys: an announcement names those (from a verifier key, the same).
        ({**kept, "witnesses": [_HEX]}, now, _ORIGIN, [policy_hash(_ORIGIN, [_W2], 1, [_VKEY], 1)]),
        # Announced, then withdrawn by a later announcement (in the log's order); announced again after it.
        (kept, now, _ORIGIN, [ann, policy_hash(_ORIGIN, [_W3], 1, [_W1], 1)]),
        (kept, now, _ORIGIN, [policy_hash(_ORIGIN, [_W3], 1, [_W1], 1), ann]),
        (kept, {**now, "quorum": 2**60}, _ORIGIN, [ann]),  # beyond the integers the page reads exactly
    ]


def test_the_handover_rule_is_one_rule_in_python_and_js(node: Node) -> None:
    """handover.py `handover_problem` / `policy_hash` and tlog.js `handoverProblem` / `policyHash`: the same words
    for every case, the attacks among them (no announcement, another log's, another set or quorum, no witness)."""
    from generator.transparency.handover import handover_problem, policy_hash

    cases = _handover_cases()
    hashes = [(_ORIGIN, [_W2, _W1, _W2], 2, [_W1], 1), ("x/log", [], 0, [], 0), ("a/log", [_W3], 1, [_VKEY, _HEX], 2)]
    got = node(op="handover", cases=cases, hashes=hashes)
    want = [handover_problem({**kept, "announced": ann}, now, origin) for kept, now, origin, ann in cases]
    assert got["problems"] == want
    assert [w is None for w in want][:2] == [True, True]
    assert want[7] is None
    assert all(problem is not None for problem in want[2:7] + want[8:15] + want[16:19])
    assert want[19] is None
    assert "withdrawn" in str(want[20])
    assert want[21] is None
    assert "not a whole number" in str(want[22])
    assert got["hashes"] == [policy_hash(*h) for h in hashes]


def test_a_quorum_written_as_a_fraction_is_refused_alike_in_python_and_js(node: Node) -> None:
    """A policy whose quorum is written ``1.0`` (or ``1e0``, or as an escaped key): Python reads a float and refuses
    it as a quorum; JSON.parse read the number 1, so the page took the hand-over up (or called it unchanged) where
    Python refused it. The page now reads the quorum as written (tlog.js readPolicy), and both refuse in the same
    words; a quorum written as a whole number is still taken up."""
    from generator.transparency.handover import handover_problem, policy_hash

    kept = '{"vkey": "log+1+A", "witnesses": [%s], "quorum": %s}'
    ann = policy_hash(_ORIGIN, [_W2], 1, [_W1], 1)
    cases = [
        (kept % (json.dumps(_W1), "1"), kept % (json.dumps(_W2), "1"), _ORIGIN, [ann]),  # taken up
        (kept % (json.dumps(_W1), "1"), kept % (json.dumps(_W2), "1.0"), _ORIGIN, [ann]),
        (kept % (json.dumps(_W1), "1"), kept % (json.dumps(_W2), "1e0"), _ORIGIN, [ann]),
        (
            kept % (json.dumps(_W1), "1"),
            kept.replace('"quorum"', '"quor\\u0075m"') % (json.dumps(_W2), "1.0"),
            _ORIGIN,
            [ann],
        ),  # the key escaped
        (kept % (json.dumps(_W1), "1.0"), kept % (json.dumps(_W2), "1"), _ORIGIN, [ann]),
        (kept % (json.dumps(_W1), "1"), kept % (json.dumps(_W1), "1.0"), _ORIGIN, []),  # "unchanged" but 1.0
        (kept % (json.dumps(_W1), "1"), kept % (json.dumps("quorum: 1.0"), "1"), _ORIGIN, []),  # in a string
        # Only the policy's own quorum counts, wherever the object's keys put a nested one first.
        (kept % (json.dumps(_W1), "1"), '{"5": {"quorum": 1}, ' + kept[1:] % (json.dumps(_W2), "1.0"), _ORIGIN, [ann]),
        (kept % (json.dumps(_W1), "1"), '{"5": {"quorum": 1.0}, ' + kept[1:] % (json.dumps(_W2), "1"), _ORIGIN, [ann]),
        # One fraction spelled two ways: Python reads the same float (unchanged, then), the page two texts. Both
        # refuse it: a quorum that is no whole number is no policy, changed or not.
        (kept % (json.dumps(_W1), "1.0"), kept % (json.dumps(_W1), "1.00"), _ORIGIN, []),
        (kept % (json.dumps(_W1), "1.0"), kept % (json.dumps(_W1), "1e0"), _ORIGIN, []),
        (kept % (json.dumps(_W1), "1.0"), kept % (json.dumps(_W1), "1.0"), _ORIGIN, []),
        (kept % (json.dumps(_W1), "0.5"), kept % (json.dumps(_W1), "5e-1"), _ORIGIN, []),
    ]
    got = node(op="handover-text", cases=cases)["problems"]
    want = [handover_problem({**json.loads(k), "announced": a}, json.loads(n), o) for k, n, o, a in cases]
    assert got == want
    assert want[0] is None
    assert all(problem is not None for problem in want[1:8])
    assert want[8] is None
    assert all("not a whole number" in str(problem) for problem in want[9:13])


def _handover_site(log_repo: LogRepo, tmp_path: Path, site: Path, *, swap: bool) -> Any:
    """``log.handover`` naming a new witness committed (``swap``: the witness replaced by it in the same commit, as a
    holder of the repository would), published and served, cosigned by the old witness (``swap``: by the new one
    alone). The new witness."""
    from generator.transparency.keys import generate_note_key

    nxt = generate_note_key(tmp_path / "next.key", "witness.example.com/next", "witness")
    governance = log_repo.root / "registry/governance.yaml"
    text = governance.read_text()
    if swap:
        text = text.replace(log_repo.witness.verifier.vkey, nxt.verifier.vkey)
    text += f"  handover:\n    witnesses:\n      - name: Next\n        vkey: {nxt.verifier.vkey}\n    quorum: 1\n"
    governance.write_text(text)
    commit_all(log_repo.root, "announce the next witness")
    _republish(log_repo, tmp_path, site, nxt if swap else None)
    return nxt


def _republish(log_repo: LogRepo, tmp_path: Path, site: Path, by: Any) -> None:
    """Publish, cosign (by the fixture's witness, or ``by`` alone), and serve in ``site`` afresh."""
    from generator.transparency.log import open_log

    registry = load_registry(log_repo.root).registry
    assert registry is not None
    publish_log(log_repo.root, registry, log_repo.state, log_repo.signer)
    if by is None:
        _cosign(log_repo.state, tmp_path / "witness", log_repo)
    else:
        done = witness_log(_source(log_repo.state), tmp_path / "next-state", by, vkey=log_repo.signer.verifier.vkey)
        log = open_log(LogSource(log_repo.state), log_repo.signer.verifier)
        note, _ = add_cosignatures(log, [by.verifier], [done.note.encode()])
        (log_repo.state / "checkpoint").write_bytes(note.encode())
    shutil.rmtree(site)
    serve_log(registry, log_repo.state, site)


def test_a_returning_visitor_takes_up_a_handover_the_witnesses_it_saw_cosigned(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A registry replacing its witness (docs/transparency-log-operators.md, "Replacing a witness"): every returning
    visitor failed "a log shown without the witnesses it had" for good. A hand-over announced in the log is now taken
    up by a browser whose remembered checkpoint (cosigned by the witnesses it remembers) holds the announcement, also
    one that last ran the older page (its memory under the log's name alone); a browser that never saw the old
    witnesses cosign the announcement still fails, and once taken up the old witness alone is not enough."""
    site, award = _cosigned_site(log_repo, tmp_path)
    root = "https://credentials.example.org/"
    visit = lambda who: node(op="check", site=f"{site}/", root=root, hash=award, visitor=who)  # noqa: E731
    for who in ("ho-carol", "ho-older", "ho-frank"):
        assert visit(who)["status"] == "passed"
    node(op="forget", visitor="ho-older", key=f"credreg-log-witnesses:{root}")
    nxt = _handover_site(log_repo, tmp_path, site, swap=False)
    policy = json.loads((site / "log/policy.json").read_text())
    assert policy["handover"][1].startswith("credreg-log/1 witnesses-announced - ")
    for who in ("ho-carol", "ho-older"):  # they see the old witness cosign the announcement
        assert visit(who)["status"] == "passed"

    governance = log_repo.root / "registry/governance.yaml"
    text = governance.read_text().split("  handover:\n")[0]
    governance.write_text(text.replace(log_repo.witness.verifier.vkey, nxt.verifier.vkey))
    plant_award(log_repo, serial="c0de")
    commit_all(log_repo.root, "hand the log over")
    _republish(log_repo, tmp_path, site, nxt)
    for who in ("ho-carol", "ho-older"):
        seen = visit(who)
        assert seen["status"] == "passed", seen
        assert "cosigned by 1 of 1 witnesses" in seen["reason"]
    frank = visit("ho-frank")  # never saw a checkpoint holding the announcement
    assert frank["status"] == "failed", frank
    assert "a log shown without the witnesses it had" in frank["reason"]

    # Taken up: the old witness alone (its cosignature, the policy naming it) no longer does for carol.
    served = json.loads((site / "log/policy.json").read_text())
    _cosign(log_repo.state, tmp_path / "witness", log_repo)
    (site / "log/checkpoint").write_bytes((log_repo.state / "checkpoint").read_bytes())
    old = {"name": "Example witness", "vkey": log_repo.witness.verifier.vkey}
    (site / "log/policy.json").write_text(json.dumps({**served, "witnesses": [old], "quorum": 1}))
    carol = visit("ho-carol")
    assert carol["status"] == "failed", carol
    assert "a log shown without the witnesses it had" in carol["reason"]


def test_witnesses_swapped_in_with_their_own_announcement_are_not_taken_up(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A holder of the repository and the log key announcing its own witness and listing it in the same commit: the
    announcement is in no checkpoint the witness the visitor remembers cosigned, so it is not taken up."""
    site, award = _cosigned_site(log_repo, tmp_path)
    root = "https://credentials.example.org/"
    assert node(op="check", site=f"{site}/", root=root, hash=award, visitor="sw-carol")["status"] == "passed"
    _handover_site(log_repo, tmp_path, site, swap=True)
    assert "handover" in json.loads((site / "log/policy.json").read_text())
    carol = node(op="check", site=f"{site}/", root=root, hash=award, visitor="sw-carol")
    assert carol["status"] == "failed", carol
    assert "a log shown without the witnesses it had" in carol["reason"]


def test_a_retired_witness_is_not_taken_back_up_by_its_old_announcement(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """W0 handed over to W1, then W1 (its key leaked, say) to W2. Whoever holds the log key and W1's key serves a
    policy naming W1 again, its ``handover`` the old W0 → W1 announcement (in the log, before the checkpoint the
    visitor remembers), the checkpoint cosigned by W1. The page took any announcement its remembered checkpoint held:
    W1 was taken back up. An announcement now names the witnesses it hands over from (W0, not W2): it fails."""
    from generator.transparency.keys import generate_note_key

    site, award = _cosigned_site(log_repo, tmp_path)
    root = "https://credentials.example.org/"
    visit = lambda: node(op="check", site=f"{site}/", root=root, hash=award, visitor="rb-carol")  # noqa: E731
    assert visit()["status"] == "passed"
    governance = log_repo.root / "registry/governance.yaml"
    w1 = _handover_site(log_repo, tmp_path, site, swap=False)
    first = json.loads((site / "log/policy.json").read_text())["handover"]
    assert visit()["status"] == "passed"
    text = governance.read_text().split("  handover:\n")[0]
    governance.write_text(text.replace(log_repo.witness.verifier.vkey, w1.verifier.vkey))
    plant_award(log_repo, serial="c0de")
    commit_all(log_repo.root, "hand the log over to w1")
    _republish(log_repo, tmp_path, site, w1)
    assert visit()["status"] == "passed"

    w2 = generate_note_key(tmp_path / "w2.key", "witness.example.com/w2", "witness")
    text = governance.read_text()
    governance.write_text(
        text + f"  handover:\n    witnesses:\n      - name: W2\n        vkey: {w2.verifier.vkey}\n    quorum: 1\n"
    )
    commit_all(log_repo.root, "announce w2")
    _republish(log_repo, tmp_path, site, w1)
    assert visit()["status"] == "passed"
    text = governance.read_text().split("  handover:\n")[0]
    governance.write_text(text.replace(w1.verifier.vkey, w2.verifier.vkey))
    plant_award(log_repo, serial="c0df")
    commit_all(log_repo.root, "hand the log over to w2")
    _republish(log_repo, tmp_path, site, w2)
    seen = visit()
    assert seen["status"] == "passed", seen

    # The attack: the same log, cosigned by W1 alone, the policy naming W1 and serving the old announcement.
    _republish(log_repo, tmp_path, site, w1)
    served = json.loads((site / "log/policy.json").read_text())
    assert served["handover"] != first
    back = {**served, "witnesses": [{"name": "W1", "vkey": w1.verifier.vkey}], "quorum": 1, "handover": first}
    (site / "log/policy.json").write_text(json.dumps(back))
    carol = visit()
    assert carol["status"] == "failed", carol
    assert "a log shown without the witnesses it had" in carol["reason"]
