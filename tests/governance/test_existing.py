"""The pull request check's scan of existing awards for their status slots reads exactly what parsing each
award as JSON reads: on the example registry, and on awards written oddly."""

from __future__ import annotations

import json

import pytest

from generator import layout
from generator.awards import award_id_number, iter_awards
from generator.governance.existing import _GIT_GREP_STRINGS, _slot, existing_status_slots, find_holders
from generator.load import load_registry
from tests.conftest import REPO

BATCHES = sorted(REPO.glob("registry/issuers/*/awards/*/batches/*.jsonl"))


def _by_json(text: str, prefix: str) -> tuple[int, int] | None:
    entry = json.loads(text).get("credentialStatus") or {}
    url = str(entry.get("statusListCredential", ""))
    number = url.removeprefix(prefix).removesuffix(".json")
    return (int(number), int(entry["statusListIndex"])) if url.startswith(prefix) and number.isdigit() else None


def test_every_example_award_slot_is_found_where_json_puts_it() -> None:
    registry = load_registry(REPO).registry
    assert registry is not None
    slots = existing_status_slots(registry, registry.issuers)
    expected = {}
    for award in iter_awards(REPO):
        issuer = award.path.split("/")[2]
        slot = _by_json(award.text, registry.url(f"issuers/{issuer}/status/"))
        assert slot is not None
        where = award.path + (f":{award.line}" if award.line else "")
        expected.setdefault((issuer, *slot), where)
    assert slots == expected
    assert len(slots) == 332


@pytest.mark.parametrize("case", ["as written", "key inside a string", "nested status", "two status keys"])
def test_a_slot_reads_as_json_reads_it(case: str) -> None:
    """The byte-level fast path of the slot scan, on awards written oddly: the same slot as JSON gives."""
    [batch, *_] = BATCHES
    issuer = batch.relative_to(REPO).parts[2]
    prefix = f"https://credentials.example.org/issuers/{issuer}/status/"
    line = batch.read_bytes().splitlines()[1]
    award = json.loads(line)
    if case == "key inside a string":
        award["credentialSubject"]["note"] = 'mentions "credentialStatus": {}'
        line = json.dumps(award).encode()
    elif case == "nested status":
        award["credentialStatus"] = {"extra": {"x": 1}, **award["credentialStatus"]}
        line = json.dumps(award).encode()
    elif case == "two status keys":  # a duplicate member: JSON parsers keep the last
        status = json.dumps(award["credentialStatus"]).replace('"statusListIndex": "', '"statusListIndex": "9')
        line = line[:-1] + b', "credentialStatus": ' + status.encode() + b"}"
    slot = _slot(line, prefix.encode())
    assert slot is not None
    assert slot == _by_json(line.decode(), prefix)


def test_asked_for_some_indexes_the_answer_is_the_full_scans_for_them() -> None:
    """Files that cannot hold an index asked for are not read (``git grep`` picks the others); for the indexes
    asked for, the answer is exactly what reading every award gives, first holder included."""
    registry = load_registry(REPO).registry
    assert registry is not None
    full = existing_status_slots(registry, registry.issuers)
    for issuer in sorted(registry.issuers):
        mine = sorted(slot for slot in full if slot[0] == issuer)
        wanted = {index for _, _, index in mine[::7]} | {131071}  # and one no award holds
        found = existing_status_slots(registry, [issuer], indexes=wanted)
        assert {s: w for s, w in found.items() if s[2] in wanted} == {
            s: w for s, w in full.items() if s[0] == issuer and s[2] in wanted
        }
        assert len(found) < len(mine) or len(mine) < 8  # fewer files were read
    assert existing_status_slots(registry, registry.issuers, indexes=()) == {}


def test_ids_are_found_alike_by_either_file_pick() -> None:
    """A few ids are picked by ``git grep`` (every core), many by ``grep -F`` (one pass for all: git grep's cost grew
    with the number of strings, a minute for a 1,000-award cohort on a 100k-award registry). Both find every
    holder of every id, where parsing each award as JSON finds it."""
    registry = load_registry(REPO).registry
    assert registry is not None
    expected: dict[int, list[str]] = {}
    for award in iter_awards(REPO):
        number = award_id_number(json.loads(award.text).get("id"))
        assert number is not None
        expected.setdefault(number, []).append(f"{award.path}:{award.line}" if award.line else award.path)
    owners = [(layout.ISSUERS_DIR, issuer) for issuer in sorted(registry.issuers)]
    assert len(expected) > _GIT_GREP_STRINGS  # so that both picks are taken
    every = find_holders(REPO, owners, ids=expected).ids
    few = dict(list(expected.items())[:3])
    for found in (every, find_holders(REPO, owners, ids=few).ids):
        for number, wheres in found.items():
            assert sorted(where for _, where in wheres) == sorted(expected[number])
