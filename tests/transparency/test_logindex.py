"""The log's index and the checkpoint's commitment to it (generator/transparency/logindex.py), and the page's copy
(tlog.js) held equal on the same spellings and proofs."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from generator.tlog import merkle
from generator.tlog.note import Checkpoint
from generator.transparency.entries import LogEntry
from generator.transparency.logindex import (
    KEY,
    LIST,
    IndexCommitment,
    LogIndex,
    commitment,
    index_leaf,
    index_problem,
    read_kept,
    resume,
    verify_index_proof,
    write_kept,
)
from tests.transparency.test_verify_js import Node, node  # noqa: F401  (the page's runner, as a fixture)

KEY_A, KEY_B = "keys/acme/key-2023.json", "keys/zed/key-2023.json"
LIST_A = "registry/issuers/acme/status/1.json"


def _entry(kind: str, path: str, n: int) -> bytes:
    return LogEntry(kind, "acme", f"{n:064x}", path).encode()


def _log() -> list[tuple[int, bytes]]:
    """A log's entries: two keys (one retired twice), a list in three versions, and entries the index ignores."""
    kinds = [
        ("key-added", KEY_A), ("award", "registry/issuers/acme/awards/a.json"), ("status-list", LIST_A),
        ("key-added", KEY_B), ("key-expiry-set", KEY_A), ("status-list", LIST_A), ("key-changed", KEY_B),
        ("status-list-cleared", LIST_A), ("status-list", LIST_A), ("key-revoked", KEY_A),
    ]  # fmt: skip
    return [(n, _entry(kind, path, n)) for n, (kind, path) in enumerate(kinds)]


def _index(entries: list[tuple[int, bytes]]) -> LogIndex:
    index = LogIndex()
    for number, raw in entries:
        index.add_raw(number, raw)
    return index


def test_the_index_names_each_lists_latest_version_and_each_keys_retirements() -> None:
    index = _index(_log())
    assert index.keys == {KEY_A: [4, 9], KEY_B: []}
    assert index.lists == {LIST_A: 8}
    assert index.cleared == {LIST_A: 7}  # the list put back: its latest revocation taken back is named on its line
    given = index.commitment()
    assert given.size == 3
    for kind, path, entries in [(KEY, KEY_A, [4, 9]), (KEY, KEY_B, []), (LIST, LIST_A, [7, 8])]:
        assert verify_index_proof(given, index_leaf(kind, path, entries), index.proof(kind, path))
    proof = index.proof(KEY, KEY_A)
    # What a host would like to show instead: a retirement dropped, a list's older version or its revocation taken
    # back dropped, another key's line.
    for kind, path, entries in [
        (KEY, KEY_A, [4]),
        (KEY, KEY_A, []),
        (LIST, LIST_A, [5]),
        (LIST, LIST_A, [8]),
        (KEY, KEY_B, [4, 9]),
    ]:
        assert not verify_index_proof(given, index_leaf(kind, path, entries), proof)
        assert not verify_index_proof(given, index_leaf(kind, path, entries), index.proof(kind, path))
    for spoiled in [None, [], [proof[0]], [proof[0] + 1, proof[1]], [-1, proof[1]], [True, proof[1]], [0, "%"]]:
        assert not verify_index_proof(given, index_leaf(KEY, KEY_A, [4, 9]), spoiled)


def test_a_key_changed_that_repeats_its_files_last_hash_is_a_retirement_and_one_with_a_new_hash_is_not(
    tmp_path: Path,
) -> None:
    """logindex.retires: a ``key-changed`` logging the hash its file's previous key entry logged (an alert: a
    retired public key's copy, or an end taken back) is on the file's line; one with a new hash (the file's own
    change: reformatted, deleted) is not. The hash is kept between runs with the rest of the index."""
    copy, reformatted = "keys/acme/key-again.json", "keys/acme/key-new.json"
    raw = [
        LogEntry("key-added", "acme", "a" * 64, copy),
        LogEntry("key-changed", "acme", "a" * 64, copy),  # revived: beside its own key-added, the same hash
        LogEntry("key-added", "acme", "b" * 64, reformatted),
        LogEntry("key-changed", "acme", "c" * 64, reformatted),  # its bytes rewritten: a new hash
        LogEntry("key-changed", "zed", "a" * 64, copy),  # held or outlasting, later: the file unchanged
    ]
    index = _index([(n, e.encode()) for n, e in enumerate(raw)])
    assert index.keys == {copy: [1, 4], reformatted: []}
    kept = tmp_path / "index.json"
    write_kept(kept, index, 5, b"\0" * 32)
    data = read_kept(kept)
    assert isinstance(data, dict)
    again = LogIndex.from_json({k: v for k, v in data.items() if k not in ("size", "root")})
    assert again is not None
    assert again.shas == {copy: "a" * 64, reformatted: "c" * 64}
    # One kept by a credreg that did not keep the hashes is no index: every entry is read again.
    assert LogIndex.from_json({k: data[k] for k in ("keys", "lists", "cleared")}) is None


def test_the_leaf_is_a_function_of_the_entries_alone() -> None:
    name = hashlib.sha256(KEY_A.encode()).hexdigest()
    assert index_leaf(KEY, KEY_A, [4, 9]) == f"credreg-index/1 key {name} 4 9\n".encode()
    assert index_leaf(KEY, KEY_A, []) == f"credreg-index/1 key {name}\n".encode()
    # The entries are the only input: one entry fewer, another commitment.
    assert _index(_log()[:-1]).commitment() != _index(_log()).commitment()


def _checkpoint(*extensions: str, size: int = 10) -> Checkpoint:
    return Checkpoint("example.org/log", size, b"\x07" * 32, extensions)


def test_a_checkpoint_commits_to_the_index_its_entries_give_or_is_caught() -> None:
    entries = _log()
    line = _index(entries).commitment().line()
    assert index_problem(_checkpoint(line), entries) is None
    assert index_problem(_checkpoint("other extension", line), entries) is None
    missing = index_problem(_checkpoint(), entries)
    assert missing is not None
    assert "does not commit" in missing
    # A publisher that left out the last retirement of KEY_A: its index is not the entries'.
    false = index_problem(_checkpoint(_index(entries[:-1]).commitment().line()), entries)
    assert false is not None
    assert "not the log's" in false


ROOT = base64.b64encode(bytes(range(32))).decode()
ROOT_HEX = bytes(range(32)).hex()

#: Extension lines: the commitment read from them (size, root hex), or None.
SPELLINGS: list[tuple[list[str], tuple[int, str] | None]] = [
    ([f"credreg-index/1 3 {ROOT}"], (3, ROOT_HEX)),
    ([f"credreg-index/1 0 {ROOT}"], (0, ROOT_HEX)),
    (["something else", f"credreg-index/1 12 {ROOT}"], (12, ROOT_HEX)),
    ([], None),
    ([f"credreg-index/1 3 {ROOT}", f"credreg-index/1 3 {ROOT}"], None),  # two: which one?
    ([f"credreg-index/1 03 {ROOT}"], None),
    ([f"credreg-index/1 +3 {ROOT}"], None),
    ([f"credreg-index/1 \u0663 {ROOT}"], None),  # an Arabic-Indic three
    ([f"credreg-index/1 99999999999999999 {ROOT}"], None),  # beyond 16 digits
    ([f"credreg-index/1 9007199254740993 {ROOT}"], None),  # 16 digits, beyond what the page holds exactly
    ([f"credreg-index/1 9007199254740991 {ROOT}"], (2**53 - 1, ROOT_HEX)),
    ([f"credreg-index/1 3 {ROOT} "], None),
    ([f"credreg-index/1  3 {ROOT}"], None),
    ([f"credreg-index/1 3 {ROOT[:-2]}B="], None),  # the same bytes, another spelling (non-zero padding bits)
    ([f"credreg-index/1 3 {ROOT[:-1]}"], None),
    ([f"credreg-index/1 3 {base64.b64encode(bytes(31)).decode()}"], None),
    ([f"credreg-index/1 3 {base64.urlsafe_b64encode(bytes([251] * 32)).decode()}"], None),
    ([f"credreg-index/2 3 {ROOT}"], None),
    ([f"Credreg-index/1 3 {ROOT}"], None),
]


@pytest.mark.parametrize(("extensions", "expected"), SPELLINGS)
def test_the_commitment_line_is_read_alike_in_python_and_js(
    node: Node,  # noqa: F811
    extensions: list[str],
    expected: tuple[int, str] | None,
) -> None:
    got = commitment(_checkpoint(*extensions))
    assert (None if got is None else (got.size, got.root.hex())) == expected
    js: dict[str, Any] = node(op="index", extensions=extensions, kind=KEY, path=KEY_A, entries=[], proof=None)
    assert (None if js["given"] is None else (js["given"]["size"], js["given"]["root"])) == expected


def test_the_page_reads_index_lines_and_proofs_as_python_does(node: Node) -> None:  # noqa: F811
    index = _index(_log())
    line = index.commitment().line()
    cases = [(KEY, KEY_A, [4, 9]), (KEY, KEY_B, []), (LIST, LIST_A, [8]), (KEY, KEY_A, [4]), (LIST, LIST_A, [5])]
    for kind, path, entries in cases:
        for proof in [index.proof(kind, path), index.proof(KEY, KEY_B), [0, ""], "x"]:
            py = verify_index_proof(index.commitment(), index_leaf(kind, path, entries), proof)
            js = node(op="index", extensions=[line], kind=kind, path=path, entries=entries, proof=proof)
            assert js["leaf"].encode() == index_leaf(kind, path, entries)
            assert js["ok"] is py, (kind, path, entries, proof)
    # A tree of one line and of none.
    single = LogIndex(keys={KEY_A: []})
    one = single.commitment()
    assert one == IndexCommitment(1, merkle.leaf_hash(index_leaf(KEY, KEY_A, [])))
    js = node(op="index", extensions=[one.line()], kind=KEY, path=KEY_A, entries=[], proof=single.proof(KEY, KEY_A))
    assert js["ok"] is True
    assert LogIndex().commitment() == IndexCommitment(0, merkle.EMPTY_ROOT)


def test_a_kept_index_is_resumed_only_for_the_tree_it_was_kept_for(tmp_path: Path) -> None:
    """``resume`` takes a kept index only when it was written for the very checkpoint read on from (its size and
    root) and that checkpoint commits to it: one commitment repeated over a larger tree (a false index) does not
    make an older kept index that tree's. A kept file that is anything else is ignored (every entry read again),
    never a traceback: deep nesting, another shape, numbers that are not integers."""
    entries = _log()
    index = _index(entries)
    line = index.commitment().line()
    here = Checkpoint("example.org/log", 10, b"\x07" * 32, (line,))
    kept = tmp_path / "index.json"
    write_kept(kept, index, here.size, here.root)
    resumed, start = resume(read_kept(kept), here)
    assert (resumed.keys, resumed.lists, start) == (index.keys, index.lists, 10)
    assert KEY_A in resumed.shas
    # The same commitment over another tree: a larger one (entries hidden from the index), or another root.
    for other in (Checkpoint(here.origin, 12, here.root, (line,)), Checkpoint(here.origin, 10, b"\x08" * 32, (line,))):
        assert resume(read_kept(kept), other)[1] == 0
    good = json.loads(kept.read_text())
    for spoiled in [
        {**good, "size": True},
        {**good, "size": 10.0},
        {**good, "root": None},
        {k: v for k, v in good.items() if k != "size"},
        {**good, "lists": {LIST_A: 8.0}},
        {**good, "keys": {KEY_A: [4, True]}},
        {**good, "extra": 1},
        {**good, "keys": {**good["keys"], "\ud800": []}},  # a path no line can name (a lone surrogate)
        {**good, "lists": {**good["lists"], "\udfff": 3}},
        # The key files' last hashes are in no commitment: a key line without one (a later alert repeating its
        # hash then read as no retirement), or one that is no SHA-256, is no kept index of these entries.
        {**good, "shas": {}},
        {**good, "shas": {**good["shas"], KEY_A: "not a hash"}},
        [good],
        None,
    ]:
        assert resume(spoiled, here) == (LogIndex(), 0), spoiled
    kept.write_text("[" * 100_000 + "]" * 100_000)
    assert read_kept(kept) is None
    kept.write_bytes(b"\xff\xfe")
    assert read_kept(kept) is None


def test_a_proofs_position_is_read_as_the_page_reads_a_json_number(node: Node) -> None:  # noqa: F811
    """The page reads JSON numbers as numbers (``JSON.parse``: 3, 3.0 and 3e0 are one value; ``true`` is none):
    a position spelled ``3.0`` proves on the page, so it proves in Python too, and a boolean or an integer beyond
    what the page reads exactly proves in neither (a position Python took for an int and the page did not, or the
    reverse, gave two answers about one file)."""
    index = _index(_log())
    line = index.commitment().line()
    position, hashes = index.proof(KEY, KEY_A)
    assert isinstance(position, int)
    assert position > 0
    for spelled, proves in [
        (position, True),
        (float(position), True),
        (position + 0.5, False),
        (True, False),
        (position + 2**53, False),
        (float(2**53 + position), False),
    ]:
        proof = [spelled, hashes]
        py = verify_index_proof(index.commitment(), index_leaf(KEY, KEY_A, [4, 9]), proof)
        js = node(op="index", extensions=[line], kind=KEY, path=KEY_A, entries=[4, 9], proof=proof)
        assert (py, js["ok"]) == (proves, proves), spelled
