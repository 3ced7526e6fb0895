"""A change to what earlier awards carry (an issuer's profile, an awarded definition) is refused when an award the
registry holds would stop matching it: the pull-request check used to accept such an edit, and the next build's
full check then refused every earlier award, so nothing could be published."""

from __future__ import annotations

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
