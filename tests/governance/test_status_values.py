"""A pull request whose award names a status slot beyond its list: refused by the PR check on a real Git repository.

(Such an award could never be revoked: no bit of the list is its own. The full check, both verifiers and
``credreg revoke`` refuse it too: ``tests/site/test_values_js.py``.)
"""

from __future__ import annotations

import json

import pytest

from generator import statuslist
from tests.governance.conftest import Repo, errors, shown


@pytest.mark.parametrize("index", ["200000", str(statuslist.MIN_BITS)])
def test_a_new_award_beyond_its_status_list_is_refused(repo: Repo, index: str) -> None:
    [issued] = repo.award(email="newcomer@example.org")
    rel = issued.path.relative_to(repo.root).as_posix()
    status = json.loads(repo.read(rel))["credentialStatus"] | {"statusListIndex": index}
    status["id"] = f"{status['statusListCredential']}#{index}"  # the profile holds the id to the slot
    moved = repo.resign(rel, key=repo.key(), credentialStatus=status)
    found = errors(repo.check("acme-lead"), "award.status-index-range")
    assert [p.location.path for p in found] == [moved], shown(repo.check("acme-lead").problems)
    assert f"status index {index} is outside the list ({statuslist.MIN_BITS} entries)" in found[0].message


def test_the_last_entry_of_the_list_is_accepted(repo: Repo) -> None:
    [issued] = repo.award(email="newcomer@example.org")
    rel = issued.path.relative_to(repo.root).as_posix()
    status = json.loads(repo.read(rel))["credentialStatus"] | {"statusListIndex": str(statuslist.MIN_BITS - 1)}
    status["id"] = f"{status['statusListCredential']}#{status['statusListIndex']}"
    repo.resign(rel, key=repo.key(), credentialStatus=status)
    assert errors(repo.check("acme-lead")) == []
