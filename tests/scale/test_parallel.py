"""Award verification on worker processes: the same outcomes, in the same order, as in one process; units that
split batches at line ends; the compact index behind the rules across awards."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from generator.awarding.issue import Recipient, issue_awards
from generator.awards import award_filename, iter_awards, render_award
from generator.check import CheckOptions, run_check
from generator.errors import ProblemList
from generator.load import load_registry
from generator.verify import cache as cache_module
from generator.verify import parallel
from generator.verify.cache import VerificationCache
from generator.verify.registry_check import AwardIndex, AwardOutcome
from tests.conftest import EPOCH, Signer


@pytest.fixture
def busy(signer: Signer) -> Signer:
    """Single awards, two cohorts, a forged award and a duplicate status slot."""
    for i in range(6):
        signer.award(email=f"single{i}@example.org")
    for n in range(2):
        issue_awards(
            signer.registry,
            "acme-academy/sql-basics",
            [Recipient(f"c{n}-{i}@example.org") for i in range(12)],
            signer.key,
            batch=True,
            valid_from=EPOCH + dt.timedelta(days=10 + n),
        )
    forged = signer.award(email="forged@example.org")
    doc = json.loads(forged.path.read_text())
    doc["name"] = "Forged"
    forged.path.unlink()
    path = award_filename(signer.root, "acme-academy", doc, "0" * 64)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_award(doc))  # wrong name, bad signatures
    return signer


def _outcomes(signer: Signer, jobs: int, cache: VerificationCache | None) -> list[AwardOutcome]:
    registry = load_registry(signer.root).registry
    assert registry is not None
    return list(parallel.award_outcomes(registry, jobs=jobs, cache=cache))


def test_workers_give_the_same_outcomes_in_the_same_order(busy: Signer, monkeypatch: pytest.MonkeyPatch) -> None:
    sequential = _outcomes(busy, 1, None)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 0)
    monkeypatch.setattr(parallel, "UNIT_BYTES", 8 * 1024)  # a batch spreads over several workers' units
    cache = VerificationCache.in_memory()
    in_parallel = _outcomes(busy, 2, cache)
    assert in_parallel == sequential
    assert len(sequential) == 31
    assert {p.code for o in sequential for p in o.problems} == {
        "award.filename",
        "award.credential",  # the forged name is not the credential's
        "award.proof:eddsa-rdfc-2022",
        "award.proof:eddsa-jcs-2022",
    }
    # What the workers added to the cache came back to the parent: a second run is served from it. (31 awards
    # parse and fit the profile; the 30 genuine ones have a verified RDFC proof; and the key set searched for.)
    assert len(cache) == 31 + 30 + 1
    again = _outcomes(busy, 2, cache)
    assert again == sequential
    assert cache.hits == 31 + 30 + 1


def test_check_on_two_processes_reports_like_one(busy: Signer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache_module.SECRET_ENV, "parallel-test")
    one = run_check(busy.root, CheckOptions(progress=False, jobs=1, cache=False))
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 0)
    two = run_check(busy.root, CheckOptions(progress=False, jobs=2))
    assert [str(p) for p in two.problems.sorted()] == [str(p) for p in one.problems.sorted()]
    assert two.counts == one.counts


def test_units_cover_a_batch_exactly(busy: Signer) -> None:
    root = busy.root
    expected = [(s.path, s.line, s.text) for s in iter_awards(root)]
    for size in (1, 3000, 10**6):
        units = list(parallel.plan_units(root, unit_bytes=size))
        got = [(s.path, s.line, s.text) for unit in units for s in parallel.unit_sources(root, unit)]
        assert got == expected, size
    assert any(u.batch and u.first_line > 1 for u in parallel.plan_units(root, unit_bytes=3000))


@pytest.mark.parametrize("spelling", [".", "./", "{name}", "./{name}/", "{name}/../{name}"])
def test_a_registry_named_by_a_relative_path_is_checked_as_by_its_absolute_path(
    busy: Signer, monkeypatch: pytest.MonkeyPatch, spelling: str
) -> None:
    # The planner cut each walked path at the length of the root's spelling: from ".", "registry/…" became
    # "gistry/…" and the check failed on a file that does not exist.
    absolute = run_check(busy.root, CheckOptions(progress=False, jobs=1, cache=False))
    monkeypatch.chdir(busy.root.parent if "{name}" in spelling else busy.root)
    root = Path(spelling.format(name=busy.root.name))
    assert [u.paths for u in parallel.plan_units(root)] == [u.paths for u in parallel.plan_units(busy.root)]
    relative = run_check(root, CheckOptions(progress=False, jobs=1, cache=False))
    assert [str(p) for p in relative.problems.sorted()] == [str(p) for p in absolute.problems.sorted()]
    assert relative.counts == absolute.counts


def test_a_batch_without_a_final_newline_and_with_blank_lines(tmp_path: Path) -> None:
    folder = tmp_path / "registry" / "issuers" / "x" / "awards" / "2025" / "batches"
    folder.mkdir(parents=True)
    lines = [json.dumps({"n": i}) for i in range(40)]
    lines[5] = ""
    (folder / "b.jsonl").write_text("\n".join(lines))
    units = list(parallel.plan_units(tmp_path, unit_bytes=50))
    got = [(s.line, s.text) for unit in units for s in parallel.unit_sources(tmp_path, unit)]
    assert got == [(i + 1, line) for i, line in enumerate(lines) if line]


def test_index_reports_duplicates_with_their_first_location() -> None:
    index, problems = AwardIndex(), ProblemList()
    a, b = "ab" * 32, "cd" * 32
    single = f"registry/issuers/x/awards/2025/{a[:2]}/{a}.json"
    index.add(AwardOutcome(single, None, a, "x", 1, 7), problems)
    index.add(AwardOutcome("registry/issuers/x/awards/2025/batches/b.jsonl", 3, a, "x", 1, 8), problems)
    index.add(AwardOutcome("registry/issuers/x/awards/2025/batches/b.jsonl", 4, b, "x", 1, 7), problems)
    index.add(AwardOutcome("registry/issuers/y/awards/2025/batches/c.jsonl", 1, b, "y", 1, 7), problems)
    messages = [(p.location.line, p.code, p.message) for p in problems]
    assert messages == [
        (3, "award.duplicate", f"the same award is already in {single}"),
        (
            4,
            "award.duplicate-status-index",
            f"status list 1 index 7 is already used by {single} "
            "(two changes allocated the same index: re-issue one of the awards)",
        ),
    ]
    assert index.count == 4
    assert index.award("x", a) == (1, 7, single)
    assert index.award("x", b) == (1, 7, "registry/issuers/x/awards/2025/batches/b.jsonl:4")
    assert index.award("x", "not hex") is None
    assert index.lists("x") == {1}
    assert index.lists("z") == set()


def test_a_workers_error_is_raised_in_the_parent_and_no_worker_is_left(
    busy: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 0)
    real = parallel._check_unit

    def failing(unit: parallel.Unit) -> Any:
        if unit.batch is not None:
            raise ValueError(f"cannot check {unit.batch}")
        return real(unit)

    monkeypatch.setattr(parallel, "_check_unit", failing)
    with pytest.raises(ValueError, match="cannot check"):
        _outcomes(busy, 2, None)
    assert multiprocessing.active_children() == []
    # A consumer that stops early stops the workers too.
    monkeypatch.setattr(parallel, "_check_unit", real)
    registry = load_registry(busy.root).registry
    assert registry is not None
    outcomes = parallel.award_outcomes(registry, jobs=2)
    next(outcomes)
    outcomes.close()
    assert multiprocessing.active_children() == []


def test_oversized_awards_are_read_as_the_serial_reader_reads_them(tmp_path: Path) -> None:
    """An award file or batch line over the bound is never held whole by a worker or the planner: each reads
    at most MAX_AWARD_BYTES + 1 of it, the same text the serial reader gives (so the same refusal)."""
    from generator.awards import MAX_AWARD_BYTES

    awards = tmp_path / "registry" / "issuers" / "x" / "awards" / "2025"
    (awards / "ab").mkdir(parents=True)
    (awards / "ab" / ("ab" + "0" * 62 + ".json")).write_text('{"big": "' + "é" * 150_000 + '"}')
    (awards / "batches").mkdir()
    lines = ['{"n": 1}', '{"n": "' + "x" * 300_000 + '"}', "", '{"n": 3}', '{"n": "' + "y" * 100_000 + '"}']
    lines.append('{"n": "' + "z" * 2_000_000 + '"}')  # the last line, with no line end
    (awards / "batches" / "b.jsonl").write_text("\n".join(lines))
    expected = [(s.path, s.line, s.text) for s in iter_awards(tmp_path)]
    assert [len(text.encode("utf-8", "surrogateescape")) for *_, text in expected] == [
        MAX_AWARD_BYTES + 1, 8, MAX_AWARD_BYTES + 1, 8, MAX_AWARD_BYTES + 1, MAX_AWARD_BYTES + 1
    ]  # fmt: skip
    for size in (1, 50, 3000, 200_000, parallel.UNIT_BYTES, 10**6, 10**8):
        units = list(parallel.plan_units(tmp_path, unit_bytes=size))
        got = [(s.path, s.line, s.text) for unit in units for s in parallel.unit_sources(tmp_path, unit)]
        assert got == expected, size
