# ruff: noqa: F811
"""How fresh a view of the log is, by its newest witness cosignature: a time after the clock says nothing of it.

A cosignature's time is the witness's word (C2SP tlog-cosignature). One dated ahead of the reader's clock was read
as "0 minutes ago", and kept being read so for as long as the clock had not caught up: a host serving a stale site
whose checkpoint a witness (with a wrong clock, or a dishonest one) cosigned a year ahead looked fresh for a year.
The CLI and the page say the same of it, in the same words.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from generator.tlog.note import NoteSigner
from generator.transparency.inclusion import log_check
from generator.transparency.log import LogSource
from tests.site.node_runner import NODE
from tests.transparency.conftest import LogRepo, commit_all
from tests.transparency.test_verify_js import COSIGNED_AT, Node, _published_cosigned, node  # noqa: F401

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

WHEN = "2026-12-01T09:30:00Z"  # COSIGNED_AT


@pytest.mark.parametrize(
    ("clock", "said"),
    [
        (COSIGNED_AT + dt.timedelta(hours=2), f"; a witness last cosigned its checkpoint 2 hours ago ({WHEN})"),
        (COSIGNED_AT, f"; a witness last cosigned its checkpoint 0 minutes ago ({WHEN})"),
        # A witness's clock a few minutes ahead of the reader's is a clock, not a claim.
        (COSIGNED_AT - dt.timedelta(minutes=5), f"; a witness last cosigned its checkpoint 0 minutes ago ({WHEN})"),
        (
            COSIGNED_AT - dt.timedelta(minutes=5, seconds=1),
            f"; a witness's cosignature is dated after this clock ({WHEN}): it says nothing of how old this view "
            "of the log is",
        ),
        (
            COSIGNED_AT - dt.timedelta(days=365),
            f"; a witness's cosignature is dated after this clock ({WHEN}): it says nothing of how old this view "
            "of the log is",
        ),
    ],
)
def test_a_cosignature_dated_after_the_clock_is_not_freshness(
    node: Node, log_repo: LogRepo, tmp_path: Path, clock: dt.datetime, said: str
) -> None:
    registry, site, _ = _published_cosigned(log_repo.root, log_repo, tmp_path, COSIGNED_AT)
    award_path = next(p for p in log_repo.award_files() if "/northbridge-university/" in p.as_posix())
    award, document = award_path.stem, json.loads(award_path.read_text())
    python = log_check(registry, LogSource(site / "log"), award, document, now=clock)
    js = node(
        op="check",
        site=f"{site}/",
        hash=award,
        visitor=f"visitor {clock.timestamp()}",
        document=document,
        now=clock.timestamp(),
    )
    assert (python.status.value, js["status"]) == ("passed", "passed"), (python, js)
    assert said in python.reason, python.reason
    assert js["reason"] == python.reason


def _second_witness_and_a_quorum_of_two(log_repo: LogRepo) -> NoteSigner:
    """A second witness listed beside the log's, and a quorum of two, committed: the second witness's key."""
    from generator.transparency.keys import generate_note_key

    second = generate_note_key(log_repo.keys / "w2.key", "witness.example.net/w2", "witness")
    governance = log_repo.root / "registry/governance.yaml"
    text = governance.read_text().replace("  quorum: 1\n", "")
    governance.write_text(text + f"    - name: Second witness\n      vkey: {second.verifier.vkey}\n  quorum: 2\n")
    commit_all(log_repo.root, "a second witness, and a quorum of two")
    return second


def test_a_view_is_as_fresh_as_its_quorum_not_its_most_recent_witness(
    node: Node, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A quorum of two: no one witness is to be trusted alone. The view's age was the newest cosignature's: a host
    serving a stale copy of the site, with the one witness it had on its side cosigning that old checkpoint again
    now, looked a minute old though the other witness, the honest one, last cosigned it three days ago (it refuses
    an older checkpoint than its last, so cosigns nothing newer of a view gone stale). The age is now the time by
    which the quorum had cosigned: the quorum-th newest cosignature, in the CLI and on the page alike."""
    from generator.tlog.note import cosign, parse_note

    second = _second_witness_and_a_quorum_of_two(log_repo)
    clock = COSIGNED_AT + dt.timedelta(days=3, hours=1)
    registry, site, _ = _published_cosigned(log_repo.root, log_repo, tmp_path, COSIGNED_AT)
    served = site / "log/checkpoint"
    note = parse_note(served.read_bytes())
    stale_now = cosign(note, second, int((clock - dt.timedelta(minutes=1)).timestamp()))
    served.write_bytes(note.with_signatures(stale_now).encode())

    award_path = next(p for p in log_repo.award_files() if "/northbridge-university/" in p.as_posix())
    award, document = award_path.stem, json.loads(award_path.read_text())
    python = log_check(registry, LogSource(site / "log"), award, document, now=clock)
    js = node(op="check", site=f"{site}/", hash=award, visitor="quorum", document=document, now=clock.timestamp())
    assert (python.status.value, js["status"]) == ("passed", "passed"), (python, js)
    assert "cosigned by 2 of 2 witnesses" in python.reason
    said = f"; its quorum of 2 witnesses had all cosigned its checkpoint since {WHEN} (3 days ago)"
    assert said in python.reason, python.reason
    assert js["reason"] == python.reason


@pytest.mark.parametrize(
    ("dated", "said"),
    [
        # The other witness's cosignature dated a year ahead of the clock: its time says nothing of when it was made.
        (
            COSIGNED_AT + dt.timedelta(days=368),
            "; a witness's cosignature is dated after this clock (2027-12-04T09:30:00Z): it says nothing of how old "
            "this view of the log is",
        ),
        # ... or after 9999-12-31: it names no date at all, and nothing is said of the view's age.
        (None, ""),
    ],
)
def test_a_cosignature_dated_ahead_does_not_leave_the_age_to_one_witness(
    node: Node, log_repo: LogRepo, tmp_path: Path, dated: dt.datetime | None, said: str
) -> None:
    """A quorum of two, one of whose cosignatures is dated after the clock (or after 9999): ranked by its value, the
    undated time was the newest, so the quorum-th newest was the other witness's, and the one witness on a stale
    host's side, cosigning its old checkpoint again a minute ago, set the view's age alone ("its quorum of 2
    witnesses had all cosigned its checkpoint since a minute ago"). A time that says nothing of when it was made
    ranks as the oldest: the view's age is not said, in the CLI and on the page alike."""
    from generator.tlog.note import Note, cosign, parse_note

    second = _second_witness_and_a_quorum_of_two(log_repo)
    clock = COSIGNED_AT + dt.timedelta(days=3, hours=1)
    registry, site, _ = _published_cosigned(log_repo.root, log_repo, tmp_path, COSIGNED_AT)
    served = site / "log/checkpoint"
    note = parse_note(served.read_bytes())
    first = log_repo.witness.name
    logged = Note(note.text, tuple(s for s in note.signatures if s.name != first))
    ahead = int(dated.timestamp()) if dated else 2**40
    stale_now = cosign(note, second, int((clock - dt.timedelta(minutes=1)).timestamp()))
    served.write_bytes(logged.with_signatures(cosign(note, log_repo.witness, ahead), stale_now).encode())

    award_path = next(p for p in log_repo.award_files() if "/northbridge-university/" in p.as_posix())
    award, document = award_path.stem, json.loads(award_path.read_text())
    python = log_check(registry, LogSource(site / "log"), award, document, now=clock)
    visitor = f"ahead {ahead}"
    js = node(op="check", site=f"{site}/", hash=award, visitor=visitor, document=document, now=clock.timestamp())
    assert (python.status.value, js["status"]) == ("passed", "passed"), (python, js)
    assert "cosigned by 2 of 2 witnesses" in python.reason
    assert "since" not in python.reason, python.reason
    assert "ago" not in python.reason, python.reason
    assert f"cosigned by 2 of 2 witnesses{said}" in python.reason, python.reason
    assert js["reason"] == python.reason
