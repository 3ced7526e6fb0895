"""Ownership: who may change which paths, read from the base commit; approvals for new issuers and keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.awarding.keys import generate_key
from generator.errors import UsageError
from generator.governance import CODEOWNERS_PATH, write_codeowners
from tests.governance.conftest import ACME, BETA, Repo, commit_all, errors, only, shown, warnings

CREDENTIAL = f"registry/issuers/{ACME}/credentials/sql-basics.yaml"
BETA_CREDENTIAL = f"registry/issuers/{BETA}/credentials/sql-basics.yaml"
GAMMA = "registry/issuers/gamma-guild/issuer.yaml"


def _new_issuer(repo: Repo, maintainers: str = "  - gamma-lead") -> None:
    text = repo.read(f"registry/issuers/{ACME}/issuer.yaml").replace("id: acme-academy", "id: gamma-guild")
    text = text.replace("name: Acme Academy", "name: Gamma Guild")  # a name of its own: check refuses another's
    repo.write(GAMMA, text.replace("  - acme-lead", maintainers))


def test_an_issuers_maintainer_may_change_its_files(repo: Repo) -> None:
    repo.award()
    # (Not its name: an award in the same change would then show a name the credential no longer has.)
    repo.edit(CREDENTIAL, "summary: Query relational data with SQL.", "summary: Query relational data in SQL.")
    report = repo.check("acme-lead")
    assert shown(report.problems) == []
    assert report.counts["new awards"] == 1


def test_a_maintainer_of_another_issuer_is_refused(repo: Repo) -> None:
    repo.edit(CREDENTIAL, "summary: Query relational data with SQL.", "summary: Query relational data in SQL.")
    problem = only(repo.check("beta-lead"), "governance.ownership")
    assert problem.location.path == CREDENTIAL
    assert problem.message.startswith(
        "@beta-lead is not a maintainer of acme-academy: only its maintainers (@acme-lead, as listed before this "
        "change) and the registry maintainers (@reg-admin) may change its files"
    )


def test_registry_level_files_need_a_registry_maintainer(repo: Repo) -> None:
    repo.edit("README.md", "# A test registry", "# The test registry")
    repo.write("docs/howto.md", "How to\n")
    refused = errors(repo.check("acme-lead"), "governance.ownership")
    assert [p.location.path for p in refused] == ["README.md", "docs/howto.md"]
    assert refused[0].message == (
        "only a registry maintainer (@reg-admin) may change registry-level files, and @acme-lead is not one"
    )
    assert shown(repo.check("reg-admin").problems) == []


def test_a_registry_maintainer_may_change_an_issuers_files(repo: Repo) -> None:
    repo.edit(BETA_CREDENTIAL, "summary: Query relational data with SQL.", "summary: Query relational data in SQL.")
    assert shown(repo.check("reg-admin").problems) == []


def test_handles_compare_case_insensitively_with_or_without_at(repo: Repo) -> None:
    repo.edit(CREDENTIAL, "summary: Query relational data with SQL.", "summary: Query relational data in SQL.")
    assert shown(repo.check("@ACME-Lead").problems) == []


def test_an_author_cannot_make_themselves_a_maintainer_in_the_same_change(repo: Repo) -> None:
    repo.edit(f"registry/issuers/{ACME}/issuer.yaml", "  - acme-lead", "  - acme-lead\n  - mallory")
    repo.edit(CREDENTIAL, "summary: Query relational data with SQL.", "summary: Query relational data in SQL.")
    refused = errors(repo.check("mallory"), "governance.ownership")
    assert {p.location.path for p in refused} == {f"registry/issuers/{ACME}/issuer.yaml", CREDENTIAL}
    assert all("@mallory is not a maintainer of acme-academy" in p.message for p in refused)


def test_team_membership_cannot_be_confirmed(repo: Repo) -> None:
    repo.edit(BETA_CREDENTIAL, "summary: Query relational data with SQL.", "summary: Query relational data in SQL.")
    problem = only(repo.check("carol"), "governance.ownership")
    assert problem.location.path == BETA_CREDENTIAL
    assert "only its maintainers (@beta-lead, @beta-org/reviewers, as listed before this change)" in problem.message
    assert problem.message.endswith(
        "; @carol may belong to @beta-org/reviewers, but team membership cannot be confirmed by this check: list "
        "the person in issuer.yaml, or have a listed maintainer open the pull request"
    )


def test_a_new_issuer_proposed_by_its_maintainer_passes_but_needs_a_registry_maintainer(repo: Repo) -> None:
    _new_issuer(repo)
    write_codeowners(repo.registry)  # derived from the issuer files: anyone may regenerate it
    report = repo.check("gamma-lead")
    assert errors(report) == [], shown(report.problems)
    [warning] = warnings(report, "governance.approval")
    assert warning.location.path == GAMMA
    assert (
        warning.message == "new issuer gamma-guild: a registry maintainer (@reg-admin) must approve this pull request"
    )
    assert report.summary_markdown is not None
    assert "- registry maintainer approval: new issuer `gamma-guild`" in report.summary_markdown
    assert "- **Issuers:** 1 added (`gamma-guild`)" in report.summary_markdown


def test_a_new_issuer_with_a_did_of_its_own_asks_the_registry_maintainer_to_see_its_did_document(repo: Repo) -> None:
    _new_issuer(repo)
    repo.edit(GAMMA, "maintainers:", "did: did:web:gamma.example\nmaintainers:")
    write_codeowners(repo.registry)
    report = repo.check("gamma-lead")
    assert errors(report) == [], shown(report.problems)
    assert report.summary_markdown is not None
    assert (
        "- registry maintainer approval: new issuer `gamma-guild` (its own DID `did:web:gamma.example`: see that its "
        "DID document lists its keys)"
    ) in report.summary_markdown


@pytest.mark.parametrize("before", [None, "did:web:gamma.example"])
def test_only_a_registry_maintainer_gives_an_issuer_a_did_of_its_own(repo: Repo, before: str | None) -> None:
    # An issuer with no keys or awards yet may change its DID, but its own maintainers alone could name another
    # organisation's (did:web:university.example): the site then lists it as this issuer's in issuers/registry.json,
    # the list wallets trust, and that organisation's genuine credentials would show under this issuer's name.
    _new_issuer(repo)
    if before is not None:
        repo.edit(GAMMA, "maintainers:", f"did: {before}\nmaintainers:")
    write_codeowners(repo.registry)
    commit_all(repo.root, "gamma-guild, approved by a registry maintainer")
    if before is None:
        repo.edit(GAMMA, "maintainers:", "did: did:web:university.example\nmaintainers:")
    else:
        repo.edit(GAMMA, before, "did:web:university.example")
    [problem] = errors(repo.check("gamma-lead"), "governance.identity")
    assert (problem.location.path, problem.field) == (GAMMA, "did")
    assert problem.message.startswith(
        "gamma-guild would be known by did:web:university.example, a DID of its own: no check can tell whether "
        "gamma-guild controls it"
    )
    assert "only a registry maintainer (@reg-admin) sets or changes it" in problem.message
    assert errors(repo.check("reg-admin"), "governance.identity") == []


GAMMA_ENDORSER = "registry/endorsers/gamma-guild/endorser.yaml"
GAMMA_AS_ENDORSER = (
    "id: gamma-guild\nname: Gamma Guild\nkind: qa-agency\nurl: https://gamma-guild.example\n"
    "email: office@gamma-guild.example\ndescription: |\n  A quality-assurance agency.\nlocation:\n"
    "  country: FR\nmaintainers:\n  - gamma-lead\n"
)


def _endorser_becomes_issuer(repo: Repo) -> None:
    """gamma-guild, an endorser in the base (a registry maintainer approved it), is made an issuer instead."""
    repo.write(GAMMA_ENDORSER, GAMMA_AS_ENDORSER)
    write_codeowners(repo.registry)
    commit_all(repo.root, "gamma-guild endorses, approved by a registry maintainer")
    repo.path(GAMMA_ENDORSER).unlink()
    repo.path(GAMMA_ENDORSER).parent.rmdir()
    _new_issuer(repo)


def test_an_endorser_that_becomes_an_issuer_takes_no_did_of_its_own_without_a_registry_maintainer(
    repo: Repo,
) -> None:
    # An endorser's id is no new issuer (it owns its folder as an issuer does), so its maintainers needed no registry
    # maintainer to become an issuer, and a new issuer.yaml was no change of DID: one naming another organisation's
    # DID passed with their approval alone, and the site would list it in issuers/registry.json.
    _endorser_becomes_issuer(repo)
    repo.edit(GAMMA, "maintainers:", "did: did:web:university.example\nmaintainers:")
    write_codeowners(repo.registry)
    [problem] = errors(repo.check("gamma-lead"), "governance.identity")
    assert (problem.location.path, problem.field) == (GAMMA, "did")
    assert problem.message.startswith("gamma-guild would be known by did:web:university.example, a DID of its own")
    assert errors(repo.check("reg-admin"), "governance.identity") == []


def test_an_endorser_that_becomes_an_issuer_needs_a_registry_maintainer_as_a_new_issuer_does(repo: Repo) -> None:
    # A registry maintainer approved a body that endorses; one that awards credentials is approved as a new issuer.
    _endorser_becomes_issuer(repo)
    write_codeowners(repo.registry)
    report = repo.check("gamma-lead")
    assert errors(report) == [], shown(report.problems)
    [warning] = warnings(report, "governance.approval")
    assert (warning.location.path, warning.message) == (
        GAMMA,
        "new issuer gamma-guild: a registry maintainer (@reg-admin) must approve this pull request",
    )
    assert report.summary_markdown is not None
    assert "- registry maintainer approval: new issuer `gamma-guild`" in report.summary_markdown


def test_an_issuer_may_give_up_a_did_of_its_own_for_the_registry_s(repo: Repo) -> None:
    _new_issuer(repo)
    repo.edit(GAMMA, "maintainers:", "did: did:web:gamma.example\nmaintainers:")
    write_codeowners(repo.registry)
    commit_all(repo.root, "gamma-guild, approved by a registry maintainer")
    repo.edit(GAMMA, "did: did:web:gamma.example\n", "")
    assert errors(repo.check("gamma-lead")) == []


def test_a_new_issuer_proposed_by_someone_it_does_not_list_is_refused(repo: Repo) -> None:
    _new_issuer(repo)
    write_codeowners(repo.registry)
    problem = only(repo.check("mallory"), "governance.ownership")
    assert problem.location.path == GAMMA
    assert problem.message == (
        "gamma-guild is a new issuer and @mallory is not among the maintainers its issuer.yaml lists (@gamma-lead): "
        "whoever proposes an issuer must be one of its maintainers"
    )


def test_a_new_issuer_added_by_a_registry_maintainer_needs_no_further_approval(repo: Repo) -> None:
    _new_issuer(repo)
    write_codeowners(repo.registry)
    report = repo.check("reg-admin")
    assert shown(report.problems) == []
    assert report.summary_markdown is not None
    assert "registry maintainer approval" not in report.summary_markdown


def test_a_new_key_needs_a_registry_maintainer(repo: Repo) -> None:
    generate_key(repo.registry, ACME, key_id="key-2", private_path=repo.root.parent / "key-2.key")
    report = repo.check("acme-lead")
    assert errors(report) == [], shown(report.problems)
    [warning] = warnings(report, "governance.approval")
    assert warning.location.path == f"keys/{ACME}/key-2.json"
    assert report.summary_markdown is not None
    assert f"- registry maintainer approval: new key `keys/{ACME}/key-2.json`" in report.summary_markdown
    assert f"- **Keys:** 1 added (`keys/{ACME}/key-2.json`)" in report.summary_markdown
    assert warnings(repo.check("reg-admin")) == []


def test_codeowners_follows_the_maintainers_but_is_never_edited_by_hand(repo: Repo) -> None:
    repo.edit(f"registry/issuers/{ACME}/issuer.yaml", "  - acme-lead", "  - acme-lead\n  - acme-second")
    write_codeowners(repo.registry)
    assert shown(repo.check("acme-lead").problems) == []

    repo.write(CODEOWNERS_PATH, repo.read(CODEOWNERS_PATH) + "/registry/ @acme-lead\n")
    report = repo.check("acme-lead")
    assert {(p.code, p.location.path) for p in errors(report)} == {
        ("governance.ownership", CODEOWNERS_PATH),
        ("codeowners.stale", CODEOWNERS_PATH),
    }


@pytest.mark.parametrize("actor", [None, "", "  ", "@"])
def test_without_an_actor_the_pull_request_check_refuses_to_run(repo: Repo, actor: str | None) -> None:
    # Once, no actor meant "ownership not checked" and a change to another issuer's files passed.
    repo.edit(CREDENTIAL, "summary: Query relational data with SQL.", "summary: Query relational data in SQL.")
    with pytest.raises(UsageError, match="needs --actor HANDLE"):
        repo.check(actor)
    with pytest.raises(UsageError, match="needs --actor HANDLE"):
        repo.pull_request(actor)
    assert [p.code for p in errors(repo.check("@beta-lead "))] == ["governance.ownership"]


def test_review_rules_come_from_the_base(repo: Repo) -> None:
    repo.edit("registry/governance.yaml", "maintainers:", "review:\n  required_approvals: 0\nmaintainers:")
    report = repo.check("reg-admin")
    assert errors(report) == []
    assert report.summary_markdown is not None
    assert "1 approval from code owners" in report.summary_markdown  # the base's default, not the change's 0


def test_path_rules_apply_even_when_the_registry_does_not_load(repo: Repo) -> None:
    repo.write("registry/governance.yaml", "name: [unclosed\n")
    report = repo.check("acme-lead")
    codes = {(p.code, p.location.path) for p in errors(report)}
    assert ("governance.ownership", "registry/governance.yaml") in codes
    assert any(code.startswith("yaml.") for code, _ in codes), codes
    assert report.summary_markdown is not None
    assert "- **Registry files:** `registry/governance.yaml`" in report.summary_markdown


# --- a registry kept in a subfolder of its repository ---------------------------------------------------------


@pytest.fixture
def nested(base_repo: Repo, tmp_path: Path) -> tuple[Path, Repo]:
    """The base registry in ``registry-data/`` of a larger repository (the toolkit and workflows beside it)."""
    import shutil

    from tests.governance.conftest import commit_all, init_repo

    top = tmp_path / "monorepo"
    shutil.copytree(base_repo.root, top / "registry-data", symlinks=True, ignore=shutil.ignore_patterns(".git"))
    (top / ".github" / "workflows").mkdir(parents=True)
    (top / ".github" / "workflows" / "publish.yml").write_text("on: push\n")
    (top / "toolkit.py").write_text("print('build')\n")
    init_repo(top)
    commit_all(top, "base")
    return top, Repo(top / "registry-data", base_repo.key_dir)


@pytest.mark.parametrize("relative", [False, True])
def test_a_change_beside_a_registry_in_a_subfolder_needs_a_registry_maintainer(
    nested: tuple[Path, Repo], relative: bool
) -> None:
    """The diff was limited to the registry's folder (``--relative``): an issuer's maintainer could change the
    workflows or the toolkit that publishes the site, and the check saw 0 changed files. The same with Git's own
    ``diff.relative`` set (by the user, or in the repository's config): the check pins it off."""
    import subprocess

    top, repo = nested
    if relative:
        subprocess.run(["git", "config", "diff.relative", "true"], cwd=top, check=True)
    (top / ".github" / "workflows" / "publish.yml").write_text("on: push\njobs: {}\n")
    (top / "toolkit.py").unlink()
    (top / "added-beside.txt").write_text("untracked\n")
    refused = sorted(p.location.path for p in errors(repo.check("acme-lead"), "governance.ownership"))
    assert refused == ["../.github/workflows/publish.yml", "../added-beside.txt", "../toolkit.py"]
    assert errors(repo.check("reg-admin")) == []


def test_inside_a_registry_in_a_subfolder_ownership_is_unchanged(nested: tuple[Path, Repo]) -> None:
    _, repo = nested
    repo.edit(CREDENTIAL, "summary: Query relational data with SQL.", "summary: Query relational data in SQL.")
    assert shown(repo.check("acme-lead").problems) == []
    assert only(repo.check("beta-lead"), "governance.ownership").location.path == CREDENTIAL


@pytest.mark.parametrize(
    "variable", ["GIT_LITERAL_PATHSPECS", "GIT_ICASE_PATHSPECS", "GIT_NOGLOB_PATHSPECS", "GIT_INDEX_FILE"]
)
def test_git_variables_in_the_environment_change_nothing_the_check_sees(
    nested: tuple[Path, Repo], variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``GIT_LITERAL_PATHSPECS=1`` in the environment made the ``:/`` every diff is limited to a literal name
    that matches nothing: the check saw no change at all, and let anyone's change through. The variables that
    change what Git reads or matches are dropped for the check's commands."""
    top, repo = nested
    value = str(top / "no-such-index") if variable == "GIT_INDEX_FILE" else "1"
    monkeypatch.setenv(variable, value)
    (top / ".github" / "workflows" / "publish.yml").write_text("on: push\njobs: {}\n")
    (top / "added-beside.txt").write_text("untracked\n")
    refused = sorted(p.location.path for p in errors(repo.check("acme-lead"), "governance.ownership"))
    assert refused == ["../.github/workflows/publish.yml", "../added-beside.txt"]


def test_a_form_pull_request_adds_no_credential_for_an_endorser(repo: Repo) -> None:
    """A form makes a credential only for a registered issuer (credreg form-to-pr refuses any other id). The
    workflow's pull request was read as adding a form's file when the id was an endorser's (an endorser owns its
    folder as an issuer does), so its definition under registry/issuers/<endorser>/ passed the ownership rule."""
    repo.write(
        "registry/endorsers/data-council/endorser.yaml",
        "id: data-council\nname: Data Council\nkind: qa-agency\nurl: https://data-council.example\n"
        "email: office@data-council.example\ndescription: |\n  A quality-assurance agency.\nlocation:\n"
        "  country: FR\nmaintainers:\n  - data-council-lead\n",
    )
    write_codeowners(repo.registry)
    commit_all(repo.root, "an endorser")
    rel = "registry/issuers/data-council/credentials/sql-basics.yaml"
    repo.write(rel, repo.read(f"registry/issuers/{ACME}/credentials/sql-basics.yaml"))
    found = [p for p in errors(repo.check("github-actions[bot]")) if p.code == "governance.ownership"]
    assert [p.location.path for p in found] == [rel], shown(repo.check("github-actions[bot]").problems)
