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

from generator.transparency.inclusion import log_check
from generator.transparency.log import LogSource
from tests.site.node_runner import NODE
from tests.transparency.conftest import LogRepo
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
