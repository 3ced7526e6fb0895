"""A date in a registry file has one spelling, ``YYYY-MM-DD``, for every reader: the models, the full check and
the pull-request rules that compare dates (``created``, a former profile's ``until``).

pydantic's ``date`` also reads a date-time at midnight (``2020-01-01T00:00:00``) and Unix seconds as text
(``"1735689600"``), which the schema's ``format: date`` (an annotation) let through, while the pull-request rules
read such a value as no date at all and left it to "the file's own check", which accepted it: a definition's
``created`` moved, or a new one dated in the future, or a former profile's ``until`` set in the future, each
passed both checks when written that way."""

from __future__ import annotations

import pytest

from generator.check import CheckOptions, run_check
from tests.governance.conftest import ACME, Repo, errors, shown

CREDENTIAL = f"registry/issuers/{ACME}/credentials/sql-basics.yaml"
ISSUER = f"registry/issuers/{ACME}/issuer.yaml"

#: Spellings pydantic's date reads and the pull-request rules did not.
SPELLINGS = ["2020-01-01T00:00:00", "2020-01-01T00:00", "'1577836800'", "2020-01-01T00:00:00Z"]


def _full(repo: Repo) -> list[str]:
    return shown(errors(run_check(repo.root, CheckOptions(progress=False, jobs=1, cache=False))))


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_created_moved_by_another_spelling_is_refused(repo: Repo, spelling: str) -> None:
    repo.edit(CREDENTIAL, "created: 2024-01-01", f"created: {spelling}")
    for found in (errors(repo.check()), errors(run_check(repo.root, CheckOptions(progress=False, cache=False)))):
        assert [(p.location.path, p.field) for p in found] == [(CREDENTIAL, "created")], shown(found)
    assert _full(repo)


@pytest.mark.parametrize("spelling", ["2099-01-01T00:00:00", "'4070908800'"])
def test_a_new_credential_dated_in_the_future_by_another_spelling_is_refused(repo: Repo, spelling: str) -> None:
    text = repo.read(CREDENTIAL).replace("id: sql-basics", "id: sql-next").replace("name: SQL Basics", "name: SQL Next")
    repo.write(
        CREDENTIAL.replace("sql-basics", "sql-next"), text.replace("created: 2024-01-01", f"created: {spelling}")
    )
    found = errors(repo.check())
    assert [p.field for p in found] == ["created"], shown(found)


@pytest.mark.parametrize("until", ["2099-01-01T00:00:00", "'4070908800'"])
def test_a_former_profile_until_in_the_future_by_another_spelling_is_refused(repo: Repo, until: str) -> None:
    repo.edit(ISSUER, "name: Acme Academy\n", "name: Acme Institute of Data\n")
    fields = "name: Acme Academy\n    url: https://acme.example\n    email: credentials@acme.example"
    repo.write(ISSUER, repo.read(ISSUER) + f"former_profiles:\n  - until: {until}\n    {fields}\n")
    found = errors(repo.check())
    assert [(p.location.path, p.field) for p in found] == [(ISSUER, "former_profiles[0].until")], shown(found)
