"""A change to what earlier awards carry (an issuer's profile, an awarded definition) is refused when an award the
registry holds would stop matching it: the pull-request check used to accept such an edit, and the next build's
full check then refused every earlier award, so nothing could be published."""

from __future__ import annotations

import datetime as dt

from generator.check import CheckOptions, run_check
from generator.governance.awarded import CODE
from tests.governance.conftest import ACME, BETA, Repo, errors, only, shown

ISSUER = f"registry/issuers/{ACME}/issuer.yaml"
CREDENTIAL = f"registry/issuers/{ACME}/credentials/sql-basics.yaml"


def _full_check_errors(repo: Repo) -> list[str]:
    return shown(errors(run_check(repo.root, CheckOptions(progress=False, jobs=1, cache=False))))


def test_a_new_website_for_an_issuer_with_awards_is_refused_on_its_field(repo: Repo) -> None:
    repo.edit(ISSUER, "url: https://acme.example", "url: https://acme.example/new")
    assert _full_check_errors(repo)  # what the rule prevents: the full check refuses the earlier awards
    problem = only(repo.check(), CODE)
    assert problem.location.path == ISSUER
    assert problem.field == "url"
    assert problem.location.line == 5
    assert "would invalidate 5 awards the registry already holds" in problem.message
    assert "the issuer's url differs" in problem.message
    assert "to change them (a rebrand), add them as they are now" in problem.message
    assert "as a new last entry of `former_profiles`, then edit them" in problem.message


def test_a_renamed_credential_with_awards_is_refused_on_its_definition(repo: Repo) -> None:
    repo.edit(CREDENTIAL, "name: SQL Basics", "name: SQL Fundamentals")
    problem = only(repo.check(), CODE)
    assert problem.location.path == CREDENTIAL
    assert problem.field == "name"
    assert "would invalidate 5 awards" in problem.message


def test_a_changed_description_needs_a_new_version(repo: Repo) -> None:
    old, new = "Learners write `SELECT` queries", "Learners write `SELECT` and `WITH` queries"
    repo.edit(CREDENTIAL, old, new)
    problem = only(repo.check(), CODE)
    assert problem.field == "description"
    assert "only with a higher `version`" in problem.message
    # With a new version, earlier awards keep what version 1.0 said: the change is accepted, and so is the
    # registry by the full check.
    repo.edit(CREDENTIAL, "created: 2024-01-01", "created: 2024-01-01\nversion: '2.0'")
    assert errors(repo.check(), CODE) == []
    assert _full_check_errors(repo) == []


def test_fields_no_award_carries_may_change(repo: Repo) -> None:
    repo.edit(ISSUER, "  Acme Academy trains analysts.", "  Acme Academy trains analysts and engineers.")
    repo.edit(ISSUER, "  city: Oslo", "  city: Bergen")
    assert errors(repo.check(), CODE) == []
    assert _full_check_errors(repo) == []


def test_a_credential_change_that_breaks_only_the_other_issuers_awards_is_not_blamed_on_this_one(repo: Repo) -> None:
    # Each issuer's awards are compared with its own records only.
    repo.edit(f"registry/issuers/{BETA}/issuer.yaml", "Beta Labs", "Beta Laboratories")
    report = repo.check("beta-lead")
    problem = only(report, CODE)
    assert problem.location.path == f"registry/issuers/{BETA}/issuer.yaml"
    assert "would invalidate 1 award the registry" in problem.message


# --- a definition's `created` date: the earliest validFrom of its awards ------------------------------------------
# sql-basics (created 2024-01-01) has awards in the base; data-reporting (created 2025-02-01) has none.
UNAWARDED = f"registry/issuers/{ACME}/credentials/data-reporting.yaml"


def _created_problem(repo: Repo, path: str) -> str:
    problem = only(repo.check(), CODE)
    assert problem.location.path == path
    assert problem.field == "created"
    lines = repo.read(path).splitlines()
    assert problem.location.line == next(n for n, line in enumerate(lines, 1) if line.startswith("created:"))
    return problem.message


def test_an_awarded_credentials_created_date_moved_earlier_is_refused_on_its_field(repo: Repo) -> None:
    # It breaks no award held, so it used to pass (as the full check passes it): then awards made later could
    # claim validity from before the credential existed (down to their key's valid_from).
    repo.edit(CREDENTIAL, "created: 2024-01-01", "created: 2023-01-01\nversion: '2.0'")
    assert _full_check_errors(repo) == []
    message = _created_problem(repo, CREDENTIAL)
    assert message.startswith("created 2023-01-01 moves the credential's first publication earlier than 2024-01-01")
    assert "never changes once it is in the registry, awarded or not" in message
    assert "keep `created: 2024-01-01` and record the day of this change in `updated`" in message


def test_an_awarded_credentials_created_date_moved_later_is_refused_once_on_its_field(repo: Repo) -> None:
    repo.edit(CREDENTIAL, "created: 2024-01-01", "version: '2.0'\ncreated: 2030-01-01")
    message = _created_problem(repo, CREDENTIAL)  # not again as the awards it would invalidate
    assert message.startswith("created 2030-01-01 moves the credential's first publication later than 2024-01-01")


def test_an_unawarded_credentials_created_date_never_changes_either(repo: Repo) -> None:
    for moved, direction in (("2024-06-01", "earlier"), ("2025-03-01", "later")):
        repo.edit(UNAWARDED, "created: 2025-02-01", f"created: {moved}")
        message = _created_problem(repo, UNAWARDED)
        expected = f"created {moved} moves the credential's first publication {direction} than 2025-02-01"
        assert message.startswith(expected)
        repo.git("checkout", "--", UNAWARDED)


def test_a_definition_changed_with_its_created_date_unchanged_passes(repo: Repo) -> None:
    # A new version, its day in `updated`, the date written quoted: `created` is the same date.
    old, new = "Learners write `SELECT` queries", "Learners write `SELECT` and `WITH` queries"
    repo.edit(CREDENTIAL, old, new)
    repo.edit(CREDENTIAL, "created: 2024-01-01", "created: '2024-01-01'\nupdated: 2025-06-01\nversion: '2.0'")
    assert errors(repo.check(), CODE) == []
    assert _full_check_errors(repo) == []


# --- a credential a change adds: its `created` date is not in the future (it can never be corrected later) ----------
ADDED = f"registry/issuers/{ACME}/credentials/data-dashboards.yaml"


def _add_credential(repo: Repo, created: dt.date) -> None:
    text = repo.read(UNAWARDED).replace("id: data-reporting", "id: data-dashboards")
    repo.write(ADDED, text.replace("created: 2025-02-01", f"created: {created.isoformat()}"))


def test_a_new_credential_created_in_the_future_is_refused_on_its_field(repo: Repo) -> None:
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)  # two: the check may run after midnight
    _add_credential(repo, tomorrow)
    message = _created_problem(repo, ADDED)
    assert message.startswith(f"created {tomorrow.isoformat()} is in the future (today is ")
    assert "write the day it was first published, today at the latest" in message


def test_a_new_credentials_created_date_is_judged_by_the_day_of_the_check_in_utc(repo: Repo) -> None:
    # The check's own "now" (as for a former profile's `until`): the day after is refused, that very day is not.
    now = dt.datetime(2026, 3, 10, 23, 59, tzinfo=dt.UTC)
    _add_credential(repo, dt.date(2026, 3, 11))
    refused = [p for p in repo.pull_request(now=now)[1] if p.code == CODE]
    assert [(p.location.path, p.field) for p in refused] == [(ADDED, "created")]
    assert refused[0].message.startswith("created 2026-03-11 is in the future (today is 2026-03-10, UTC)")
    _add_credential(repo, dt.date(2026, 3, 10))
    assert [p for p in repo.pull_request(now=now)[1] if p.code == CODE] == []


def test_a_new_credential_created_today_or_long_ago_passes(repo: Repo) -> None:
    # No lower bound: an issuer may register a credential it published years before it joined the registry.
    for created in (dt.datetime.now(dt.UTC).date(), dt.date(2009, 5, 1)):
        _add_credential(repo, created)
        assert errors(repo.check(), CODE) == []
    assert _full_check_errors(repo) == []


# --- a definition's `updated` date: the day it last changed, not a day to come ---------------------------------------
# The feed's entries and the feed itself are dated by it (feed readers list by it): a day to come kept a credential
# first in every reader, as new, for years, and its page said it was updated on a day that had not come.


def test_an_updated_date_in_the_future_is_refused_on_its_field(repo: Repo) -> None:
    later = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=2)  # two: the check may run after midnight
    repo.edit(UNAWARDED, "created: 2025-02-01", f"created: 2025-02-01\nupdated: {later.isoformat()}")
    problem = only(repo.check(), CODE)
    assert (problem.location.path, problem.field) == (UNAWARDED, "updated")
    assert problem.message.startswith(f"updated {later.isoformat()} is in the future (today is ")
    _add_credential(repo, dt.date(2025, 3, 1))  # a new credential's too (a copy of the one above, its date too)
    assert f"updated: {later.isoformat()}" in repo.read(ADDED)
    refused = [(p.location.path, p.field) for p in errors(repo.check(), CODE)]
    assert sorted(refused) == sorted([(UNAWARDED, "updated"), (ADDED, "updated")])


def test_an_updated_date_of_today_passes(repo: Repo) -> None:
    today = dt.datetime.now(dt.UTC).date()
    repo.edit(UNAWARDED, "created: 2025-02-01", f"created: 2025-02-01\nupdated: {today.isoformat()}")
    assert errors(repo.check(), CODE) == []
