"""A pull request brings no symbolic link, no nested repository and no file the layout does not allow, on real
Git repositories: links committed as links, links checked out as plain files (``core.symlinks=false``),
gitlinks; a ``.gitattributes`` outside the registry is flagged for a registry maintainer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest

from generator.check import CheckOptions, run_check
from generator.errors import CredregError
from tests.conftest import give_away
from tests.governance.conftest import ACME, BETA, Repo, errors, shown, warnings

IMAGES = f"registry/issuers/{ACME}/images"


def check_commit(repo: Repo, actor: str) -> subprocess.CompletedProcess[str]:
    """Commit the working tree and check it against the previous commit, as CI checks a pull request."""
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "pull request")
    return pr_check(repo, actor)


def pr_check(repo: Repo, actor: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(repo.root), "check", "--base", "HEAD~1", "--actor", actor],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_committed_link_to_a_private_key_is_refused_and_not_read(repo: Repo) -> None:
    (repo.path(IMAGES)).mkdir(parents=True)
    key = repo.key_dir / f"{ACME}-key-1.key"
    repo.path(f"{IMAGES}/badge.png").symlink_to(key)
    assert repo.git("ls-files", "-s", f"{IMAGES}/badge.png") == ""  # not committed yet
    done = check_commit(repo, "acme-lead")
    assert "120000" in repo.git("ls-tree", "HEAD", f"{IMAGES}/badge.png")
    assert done.returncode == 1
    assert f"{IMAGES}/badge.png: is a symbolic link" in done.stdout
    assert key.read_text().split('"seed": "')[1][:20] not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_a_link_checked_out_as_a_plain_file_is_still_refused(repo: Repo) -> None:
    repo.path(f"registry/issuers/{ACME}/logo.svg").symlink_to("/etc/hostname")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "adds a link")
    repo.git("config", "core.symlinks", "false")
    repo.path(f"registry/issuers/{ACME}/logo.svg").unlink()
    repo.git("checkout", "--", f"registry/issuers/{ACME}/logo.svg")
    assert not repo.path(f"registry/issuers/{ACME}/logo.svg").is_symlink()  # a file holding the link's target
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "--root",
            str(repo.root),
            "check",
            "--base",
            "HEAD~1",
            "--actor",
            "acme-lead",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert f"registry/issuers/{ACME}/logo.svg: is a symbolic link (Git mode 120000)" in done.stdout


def test_a_link_anywhere_in_the_repository_is_refused(repo: Repo) -> None:
    repo.path("docs").mkdir(exist_ok=True)
    repo.path("docs/passwd.md").symlink_to("/etc/passwd")
    report = repo.check("reg-admin")
    assert [(p.location.path, p.code) for p in errors(report)] == [("docs/passwd.md", "governance.symlink")]


def test_a_gitlink_is_refused(repo: Repo) -> None:
    head = repo.git("rev-parse", "HEAD").strip()
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{head},vendor/lib")
    repo.git("commit", "-q", "-m", "adds a submodule")
    repo.path("vendor/lib").mkdir(parents=True)  # what a checkout of the merge commit holds
    done = run_check(repo.root, CheckOptions(base="HEAD~1", actor="reg-admin", progress=False))
    assert ("vendor/lib", "governance.nested-repo") in [(p.location.path, p.code) for p in errors(done)]


def test_a_gitlink_its_gitmodules_entry_says_to_ignore_is_still_refused(repo: Repo) -> None:
    # .gitmodules travels with the repository, and `ignore = all` in it makes Git's diff leave the submodule out,
    # its addition included: the check never saw the nested repository, in the registry (where an issuer's pull
    # request could add one at a path a registry maintainer's .gitmodules named) or beside it.
    head = repo.git("rev-parse", "HEAD").strip()
    award = f"registry/issuers/{ACME}/awards/2026/ab/{'ab' * 32}.json"
    repo.write(".gitmodules", "".join(
        f'[submodule "{n}"]\n\tpath = {path}\n\turl = https://example.org/{n}.git\n\tignore = all\n'
        for n, path in (("lib", "vendor/lib"), ("award", award))
    ))  # fmt: skip
    repo.git("add", ".gitmodules")
    repo.git("commit", "-q", "-m", "a registry maintainer's .gitmodules")
    for path in ("vendor/lib", award):
        repo.git("update-index", "--add", "--cacheinfo", f"160000,{head},{path}")
        repo.path(path).mkdir(parents=True)  # what a checkout of the merge commit holds
    repo.git("commit", "-q", "-m", "adds two submodules")
    done = run_check(repo.root, CheckOptions(base="HEAD~1", actor="reg-admin", progress=False))
    found = [(p.location.path, p.code) for p in errors(done)]
    assert ("vendor/lib", "governance.nested-repo") in found, found
    assert any(path == award for path, _ in found), found


def test_stray_files_in_the_registry_are_refused_in_a_pull_request(repo: Repo) -> None:
    repo.write(f"registry/issuers/{ACME}/awards/.gitattributes", "*.json -diff\n")
    repo.write(f"registry/issuers/{ACME}/status/notes.txt", "hello\n")
    found = sorted((p.location.path, p.code) for p in errors(repo.check("acme-lead")))
    assert found == [
        (f"registry/issuers/{ACME}/awards/.gitattributes", "layout.hidden"),
        (f"registry/issuers/{ACME}/status/notes.txt", "layout.unexpected"),
    ]


def test_a_gitattributes_outside_the_registry_is_flagged(repo: Repo) -> None:
    repo.write(".gitattributes", "registry/** -diff linguist-generated\n")
    report = repo.check("reg-admin")
    assert errors(report) == [], shown(report.problems)
    [flag] = warnings(report, "governance.gitattributes")
    assert flag.location.path == ".gitattributes"
    assert report.summary_markdown is not None
    assert "it can hide changes from the diff" in report.summary_markdown


# --- the layout rules judge what the change brings: nothing it adds escapes them ------------------------------


def _codes(report: object) -> list[tuple[str, str | None]]:
    return sorted((p.location.path, p.code) for p in errors(report))  # type: ignore[arg-type]


def test_a_file_renamed_out_of_place_is_refused(repo: Repo) -> None:
    [award] = repo.files(f"registry/issuers/{ACME}/awards/*/*/*.json")[:1]
    moved = f"registry/issuers/{ACME}/status/{award.rsplit('/', 1)[1]}"
    repo.git("mv", award, moved)
    assert (moved, "layout.unexpected") in _codes(repo.check("acme-lead"))


def test_a_file_turned_into_a_link_is_refused(repo: Repo) -> None:
    [award] = repo.files(f"registry/issuers/{ACME}/awards/*/*/*.json")[:1]
    repo.path(award).unlink()
    repo.path(award).symlink_to(repo.key_dir / f"{ACME}-key-1.key")  # Git reports a type change
    assert "T\t" in repo.git("diff", "--name-status", "HEAD")
    assert (award, "layout.symlink") in _codes(repo.check("acme-lead"))


def test_a_committed_folder_turned_into_a_link_is_refused(repo: Repo, tmp_path: Path) -> None:
    status = f"registry/issuers/{ACME}/status"
    outside = tmp_path / "outside"
    shutil.copytree(repo.path(status), outside)
    shutil.rmtree(repo.path(status))
    repo.path(status).symlink_to(outside, target_is_directory=True)
    done = check_commit(repo, "acme-lead")
    assert done.returncode == 1
    assert f"{status}: is a symbolic link" in done.stdout


@pytest.mark.parametrize(
    "rel",
    [f"registry/issuers/{ACME}/status/1.json", f"keys/{ACME}/key-1.json", f"registry/issuers/{ACME}/revocations.jsonl"],
)
def test_a_registry_file_turned_into_a_link_to_a_fifo_is_refused_never_waited_on(
    repo: Repo, tmp_path: Path, rel: str
) -> None:
    # The check read a list this change writes (for its signature's freshness), and the summary a key file it
    # modifies ("revoked", "rotated out"), by following the link and opening what it found: a FIFO held the
    # pull-request check up until CI gave up, however bounded the read. Every JSON file of a registry is read as a
    # regular file only, never through a link at its end nor waiting on a FIFO (read_json_file's default).
    os.mkfifo(tmp_path / "fifo")
    repo.path(rel).unlink()
    repo.path(rel).symlink_to(tmp_path / "fifo")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "pull request")
    args = ["--root", str(repo.root), "check", "--base", "HEAD~1", "--actor", "acme-lead"]
    done = subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 1, done.stdout
    assert f"{rel}: is a symbolic link" in done.stdout
    assert "Traceback" not in done.stderr, done.stderr


def test_a_nested_repository_a_change_adds_is_refused(repo: Repo) -> None:
    nested = repo.path(f"registry/issuers/{ACME}/awards/2031")
    nested.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(nested)], check=True)
    (nested / "a.json").write_text("{}")
    assert f"registry/issuers/{ACME}/awards/2031/" in repo.git("ls-files", "--others")  # Git shows a folder
    assert (f"registry/issuers/{ACME}/awards/2031/.git", "layout.nested-repository") in _codes(repo.check("acme-lead"))


def test_a_submodule_in_the_registry_is_refused(repo: Repo) -> None:
    head = repo.git("rev-parse", "HEAD").strip()
    path = f"registry/issuers/{ACME}/awards/2031"
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{head},{path}")
    repo.git("commit", "-q", "-m", "adds a submodule")
    repo.path(path).mkdir(parents=True)  # what a checkout of the merge commit holds
    done = run_check(repo.root, CheckOptions(base="HEAD~1", actor="acme-lead", progress=False))
    assert (path, "governance.nested-repo") in _codes(done)


def test_names_that_differ_only_in_case_are_other_names(repo: Repo) -> None:
    [award] = repo.files(f"registry/issuers/{ACME}/awards/*/*/*.json")[:1]
    upper = award.replace("/awards/", "/Awards/")
    repo.write(upper, repo.read(award))
    repo.write(f"registry/issuers/{ACME}/Status/1.json", repo.read(f"registry/issuers/{ACME}/status/1.json"))
    found = _codes(repo.check("acme-lead"))
    assert (f"registry/issuers/{ACME}/Awards", "layout.unexpected") in found
    assert (f"registry/issuers/{ACME}/Status", "layout.unexpected") in found


def test_an_image_a_change_adds_must_be_what_its_name_says(repo: Repo) -> None:
    repo.write(f"{IMAGES}/badge.png", "not a png\n")
    assert _codes(repo.check("acme-lead")) == [(f"{IMAGES}/badge.png", "asset.image")]


def test_what_the_base_holds_is_the_full_checks_to_judge(repo: Repo) -> None:
    # A stray file committed before the check existed: every build's full check refuses it; a pull request
    # that does not touch it is not held up by it, and one that touches it is refused.
    repo.write(f"registry/issuers/{ACME}/notes.txt", "hello\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "stray file")
    assert _codes(run_check(repo.root, CheckOptions(progress=False))) == [
        (f"registry/issuers/{ACME}/notes.txt", "layout.unexpected")
    ]
    repo.award()
    assert _codes(repo.check("acme-lead")) == []
    repo.write(f"registry/issuers/{ACME}/notes.txt", "hello again\n")
    assert _codes(repo.check("acme-lead")) == [(f"registry/issuers/{ACME}/notes.txt", "layout.unexpected")]


def test_a_status_file_naming_no_list_is_refused_in_a_pull_request(repo: Repo) -> None:
    """The issuer's own folder, its own maintainer: ``01.json`` is no list any check verifies, so it may not ride
    into the status folder the build publishes byte for byte."""
    rel = f"registry/issuers/{ACME}/status/01.json"
    repo.write(rel, repo.read(f"registry/issuers/{ACME}/status/1.json").replace("status/1.json", "status/01.json"))
    assert _codes(repo.check("acme-lead")) == [(rel, "layout.unexpected")]


@pytest.mark.parametrize(
    ("rule", "said"),
    [
        ("registry/** eol=crlf", "eol=crlf"),
        ("*.json working-tree-encoding=UTF-16", "working-tree-encoding=UTF-16"),
        ("keys/** ident", "ident"),
        ("*.jsonl filter=tidy", "filter=tidy"),
    ],
)
def test_a_gitattributes_that_converts_registry_files_on_checkout_is_refused(repo: Repo, rule: str, said: str) -> None:
    pattern = {"registry/**": "registry/*", "keys/**": "keys/*"}.get(rule.split()[0], "*" + rule.split()[0][1:])
    # A .gitattributes can make Git write other bytes into the work tree than the commit holds (line endings, an
    # encoding, $Id$ expanded, a filter). CI checks out the merge commit with it, and the build publishes that work
    # tree, while the public log records, and verifiers compare, the committed bytes: a status list served with
    # CRLF line ends is never the log's version, so every award's log check would fail. The diff shows none of it:
    # Git compares the work tree converted back. A registry maintainer's approval was all it took (a warning about
    # the diff); it is refused now, naming the rule, for the files of the registry and the keys.
    repo.write(".gitattributes", rule + "\n")
    repo.git("add", ".gitattributes")
    repo.git("commit", "-q", "-m", "pull request")
    repo.git("config", "filter.tidy.smudge", "cat")  # a runner with such a filter configured
    for top in ("registry", "keys"):
        shutil.rmtree(repo.path(top))
    repo.git("checkout", "--", "registry", "keys")  # as CI checks the merge commit out
    assert repo.git("status", "--porcelain") == ""  # the diff sees no change
    done = run_check(repo.root, CheckOptions(base="HEAD~1", actor="reg-admin", progress=False))
    [refusal] = errors(done, "governance.gitattributes-conversion")
    assert refusal.location.path == ".gitattributes"
    first = min(f for f in repo.git("ls-files", "registry", "keys").split() if fnmatch(f, pattern))
    assert f"({first}: {said})" in refusal.message, refusal.message


def test_the_conversions_rule_reads_this_checkout_whatever_the_environment_names(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its check-attr ran with the raw environment while the diff it judges drops GIT_DIR (generator._internal.git):
    # GIT_DIR and GIT_WORK_TREE naming another repository listed its files, none converted: the rule passed.
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    repo.write(".gitattributes", "*.json eol=crlf\n")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    assert errors(repo.check("reg-admin"), "governance.gitattributes-conversion")


def test_a_gitattributes_that_converts_nothing_of_the_registry_is_only_flagged(repo: Repo) -> None:
    repo.write(".gitattributes", "docs/** eol=crlf\n*.png binary\nregistry/** -diff text eol=lf\n")
    report = repo.check("reg-admin")
    assert errors(report) == [], shown(report.problems)
    assert warnings(report, "governance.gitattributes")


def test_a_key_file_made_executable_is_refused_by_the_pull_request_and_the_full_check(repo: Repo) -> None:
    # A mode-only change (100644 -> 100755, same bytes) is logged as the key file's key-changed with the hash its
    # last entry logged, which the log's index counts as a retirement (logindex.retires): an approved pull request
    # that only made a key file executable would retire a valid key in the log's view. Registry data is 100644.
    key = f"keys/{ACME}/key-0.json"
    repo.path(key).chmod(0o755)  # as a checkout of a commit holding it as 100755 leaves it
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "a key file made executable")
    assert repo.git("ls-files", "-s", key).startswith("100755")
    done = pr_check(repo, "acme-lead")
    assert done.returncode == 1, done.stdout
    assert f"{key}: is executable (Git mode 100755)" in done.stdout
    full = run_check(repo.root, CheckOptions(progress=False))
    assert (key, "layout.executable") in _codes(full)
    # Git's mode, not the work tree's: a checkout that keeps no executable bit (core.fileMode=false) still says it.
    repo.path(key).chmod(0o644)
    repo.git("config", "core.fileMode", "false")
    assert (key, "layout.executable") in _codes(run_check(repo.root, CheckOptions(progress=False)))


def test_the_full_check_fails_when_git_refuses_the_checkout(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    # The mode rule (layout.executable) and the leak search read Git's listing; a checkout Git refuses ("dubious
    # ownership") listed nothing, and the check passed having judged no mode at all. It must fail, saying why.
    key = f"keys/{ACME}/key-0.json"
    repo.path(key).chmod(0o755)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "a key file made executable")
    give_away(repo.root, monkeypatch)
    with pytest.raises(CredregError) as refused:
        run_check(repo.root, CheckOptions(progress=False))
    said = refused.value.explain()
    assert "dubious ownership" in said, said
    assert said.startswith("git "), said


def test_a_gitattributes_that_converted_nothing_converts_what_a_later_pull_request_adds(repo: Repo) -> None:
    # A .gitattributes whose rule matched no file of the registry when it came in was only flagged, and a registry
    # maintainer approved it ("converts nothing"). The conversions rule ran only for a change to a .gitattributes:
    # an issuer's later pull request adding a file the rule matches (its first revocation) passed, and CI's checkout
    # of the merge commit wrote CRLF line ends into the log the site publishes, while the commit and the public log
    # hold LF. The layout rule now asks Git of every file a change adds or modifies, whichever file says to convert it.
    log = f"registry/issuers/{BETA}/revocations.jsonl"
    assert not repo.path(log).exists()
    repo.write(".gitattributes", f"{log} eol=crlf\n")
    assert errors(repo.check("reg-admin")) == []  # it converts nothing yet
    repo.git("add", ".gitattributes")
    repo.git("commit", "-q", "-m", "approved: converts nothing")
    digest = next(p for p in repo.files(f"registry/issuers/{BETA}/awards/*/*/*.json")).rsplit("/", 1)[1][:-5]
    repo.revoke(digest, BETA)
    [refusal] = errors(repo.check("beta-lead"), "layout.converted")
    assert refusal.location.path == log, refusal
    assert f"({log}: eol=crlf)" in refusal.message, refusal.message


def test_a_gitattributes_that_converts_registry_files_is_refused_by_the_full_check(repo: Repo) -> None:
    # Whoever holds the repository can push a .gitattributes past the pull-request check; every build runs the full
    # check, which never asked what Git converts: the site published CRLF status lists the log never recorded.
    repo.write(".gitattributes", "registry/** eol=crlf\n")
    repo.git("add", ".gitattributes")
    repo.git("commit", "-q", "-m", "pushed directly")
    for top in ("registry", "keys"):
        shutil.rmtree(repo.path(top))
    repo.git("checkout", "--", "registry", "keys")  # as the build's checkout writes it
    report = run_check(repo.root, CheckOptions(progress=False))
    [refusal] = errors(report, "layout.converted")
    first = min(f for f in repo.git("ls-files", "registry").split())
    assert refusal.location.path == first, refusal
    assert "eol=crlf" in refusal.message, refusal.message


def test_a_checkout_whose_git_converts_line_ends_by_its_settings_is_refused_by_the_full_check(repo: Repo) -> None:
    # No .gitattributes needed: a Git set to core.autocrlf=true (a Windows runner's system default) writes every
    # text file of the registry with CRLF line ends, and its status and diff show nothing. The full check read those
    # bytes and passed; the build published status lists and revocation logs the public log never recorded.
    repo.git("config", "core.autocrlf", "true")
    for top in ("registry", "keys"):
        shutil.rmtree(repo.path(top))
    repo.git("checkout", "--", "registry", "keys")
    assert repo.git("status", "--porcelain") == ""
    report = run_check(repo.root, CheckOptions(progress=False))
    [refusal] = errors(report, "layout.converted")
    assert "CRLF" in refusal.message, refusal.message


def test_a_file_with_a_lone_cr_that_git_converts_by_a_text_attribute_is_refused_by_the_full_check(repo: Repo) -> None:
    # JSON allows a raw CR between tokens, and the award still verifies (its proof covers the canonical form). Git
    # counts a file with a lone CR as binary (ls-files --eol: i/-text w/-text), yet `text` (not eol=crlf) with
    # core.eol=crlf still writes every LF of it as CRLF: the line-end listing saw no change, the site published
    # other bytes than the commit holds.
    award = repo.files(f"registry/issuers/{ACME}/awards/*/*/*.json")[0]
    repo.write(award, repo.read(award).replace("{", "{\r ", 1))
    repo.write(".gitattributes", f"{award} text\n")  # that one file only
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "pushed directly")
    repo.git("config", "core.eol", "crlf")
    for top in ("registry", "keys"):
        shutil.rmtree(repo.path(top))
    repo.git("checkout", "--", "registry", "keys")
    assert b"\r\n" in repo.path(award).read_bytes()
    assert repo.git("status", "--porcelain") == ""
    [refusal] = errors(run_check(repo.root, CheckOptions(progress=False)), "layout.converted")
    assert refusal.location.path == award, refusal


def test_a_pull_request_checked_out_with_core_autocrlf_is_refused_at_the_file_it_adds(repo: Repo) -> None:
    # The pull-request check asks Git of the paths a change adds or modifies: a CI runner with core.autocrlf=true
    # (a Windows default) checks the merge commit out with CRLF line ends, and the build publishes those bytes.
    digest = repo.files(f"registry/issuers/{BETA}/awards/*/*/*.json")[0].rsplit("/", 1)[1][:-5]
    repo.revoke(digest, BETA)
    log = f"registry/issuers/{BETA}/revocations.jsonl"
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "pull request")
    repo.git("config", "core.autocrlf", "true")
    repo.path(log).unlink()
    repo.git("checkout", "--", log)
    assert b"\r\n" in repo.path(log).read_bytes()
    done = pr_check(repo, "beta-lead")
    assert done.returncode == 1, done.stdout
    assert f"{log}: is converted by Git when checked out" in done.stdout, done.stdout


def test_text_auto_that_converts_nothing_and_an_edit_not_yet_added_are_not_conversions(repo: Repo) -> None:
    # `* text=auto` is common and, on a Git writing LF, converts nothing; a registry file edited and not yet added
    # differs from its blob because it is a change, which the commit will hold: neither is refused as converted.
    repo.write(".gitattributes", "* text=auto\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "text=auto")
    award = repo.files(f"registry/issuers/{ACME}/awards/*/*/*.json")[0]
    repo.write(award, repo.read(award).replace("{", "{\r ", 1))
    assert errors(run_check(repo.root, CheckOptions(progress=False)), "layout.converted") == []


def test_a_checkout_converted_by_a_setting_given_only_to_it_is_refused_by_the_full_check(repo: Repo) -> None:
    # The setting may be gone when the check runs (git -c core.autocrlf=true checkout, a step's own environment):
    # what is judged is the bytes checked out, not the settings the check's Git reads.
    for top in ("registry", "keys"):
        shutil.rmtree(repo.path(top))
    repo.git("-c", "core.autocrlf=true", "checkout", "--", "registry", "keys")
    assert repo.git("config", "--default", "false", "--get", "core.autocrlf").strip() == "false"
    [refusal] = errors(run_check(repo.root, CheckOptions(progress=False)), "layout.converted")
    assert "CRLF" in refusal.message, refusal.message


@pytest.mark.parametrize("rule", ["export-ignore", "export-subst"])
def test_a_gitattributes_that_changes_the_registry_in_an_archive_is_refused_by_the_full_check(
    repo: Repo, rule: str
) -> None:
    # A site built from `git archive` (a release tarball) has no .git: its check cannot ask Git anything. There,
    # export-ignore leaves a revocation log out (every award it revokes published as valid) and export-subst
    # rewrites $Format:…$ in a file: the archive holds other bytes than the commit and the public log.
    repo.write(".gitattributes", f"registry/** {rule}\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "pushed directly")
    [refusal] = errors(run_check(repo.root, CheckOptions(progress=False)), "layout.converted")
    assert rule in refusal.message, refusal.message
