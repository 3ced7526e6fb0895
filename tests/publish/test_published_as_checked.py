"""The build publishes only what the check vetted: the registry's files as the check read them (nothing changed
between the check and the build's last read) and, in a Git checkout, as committed (a local preview says so)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import check as check_module
from generator.errors import ProblemsFound
from generator.publish import site
from generator.publish.build import build_site
from tests.conftest import REPO, Signer
from tests.governance.conftest import commit_all, git, init_repo


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, check=False)


def _mkdocs(*args: str, script: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Plain ``mkdocs ARGS`` in a fresh process (or ``script``, which runs mkdocs, given ``ARGS``)."""
    program = ["-m", "mkdocs"] if script is None else ["-c", script]
    return subprocess.run(
        [sys.executable, *program, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env=os.environ | {"NO_MKDOCS_2_WARNING": "1"},
    )


def _after_the_check(monkeypatch: pytest.MonkeyPatch, change: callable) -> None:  # type: ignore[valid-type]
    """Run ``change`` once the real full check has accepted the registry, before the build reads it: a CI step,
    a hook or a racing process on the build machine."""
    real = check_module.accepted_check

    def racing(*args: object, **kwargs: object) -> object:
        accepted = real(*args, **kwargs)  # type: ignore[arg-type]
        change()
        return accepted

    monkeypatch.setattr(site, "accepted_check", racing)


def test_an_award_changed_after_the_check_is_never_published(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = signer.award()
    where = issued.path.relative_to(signer.root).as_posix()

    def tamper() -> None:
        award = json.loads(issued.path.read_text())
        award["credentialSubject"]["achievement"]["name"] = "MSc Data Science (Distinction)"
        issued.path.write_text(json.dumps(award, indent=2))

    _after_the_check(monkeypatch, tamper)
    out = tmp_path / "site"
    with pytest.raises(ProblemsFound) as refused:
        build_site(signer.root, out)
    assert any(p.location.path == where for p in refused.value.problems), refused.value.problems
    assert "nothing was built" in str(refused.value)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_a_file_added_after_the_check_is_never_published(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = signer.award()
    status = signer.root / "registry" / "issuers" / "acme-academy" / "status"
    extra = status / "1.json"

    def add() -> None:
        status.mkdir(parents=True, exist_ok=True)
        extra.write_bytes(issued.path.read_bytes())  # a "status list" nobody checked

    _after_the_check(monkeypatch, add)
    out = tmp_path / "site"
    with pytest.raises(ProblemsFound) as refused:
        build_site(signer.root, out)
    assert [p.location.path for p in refused.value.problems] == [extra.relative_to(signer.root).as_posix()]
    assert not out.exists()


def test_a_build_changes_nothing_of_the_registry_and_passes(signer: Signer, tmp_path: Path) -> None:
    signer.award()
    build_site(signer.root, tmp_path / "site")
    assert (tmp_path / "site" / "verify" / "index.json").is_file()


def _committed(signer: Signer) -> None:
    init_repo(signer.root)
    signer.award()
    commit_all(signer.root, "registry")


def test_uncommitted_registry_changes_are_refused_unless_previewed(signer: Signer, tmp_path: Path) -> None:
    _committed(signer)
    out = tmp_path / "site"
    built = _run("--root", str(signer.root), "build", "--out", str(out))
    assert built.returncode == 0, built.stderr

    issued = signer.award(email="grace@example.org")  # valid, but never committed
    where = issued.path.relative_to(signer.root).as_posix()
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    refused = _run("--root", str(signer.root), "build", "--out", str(out))
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert where in refused.stderr
    assert "--preview" in refused.stderr
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before

    preview = _run("--root", str(signer.root), "build", "--out", str(out), "--preview")
    assert preview.returncode == 0, preview.stderr
    assert where in preview.stderr  # named as a preview's
    marker = json.loads((out / "preview.json").read_text())
    assert marker["uncommitted"] == [where]
    assert "A preview, not for publishing" in (out / "index.html").read_text()

    commit_all(signer.root, "the new award")
    built = _run("--root", str(signer.root), "build", "--out", str(out))
    assert built.returncode == 0, built.stderr
    assert not (out / "preview.json").exists()
    assert "A preview, not for publishing" not in (out / "index.html").read_text()
    assert 'class="md-banner"' not in (out / "index.html").read_text()


def test_an_ignored_file_in_the_registry_is_refused(signer: Signer, tmp_path: Path) -> None:
    _committed(signer)
    issued = signer.award(email="grace@example.org")  # valid, on disk, and never committed: Git ignores it
    where = issued.path.relative_to(signer.root).as_posix()
    (signer.root / ".gitignore").write_text(f"/{where}\n")
    commit_all(signer.root, "ignore one award")
    with pytest.raises(ProblemsFound) as refused:
        build_site(signer.root, tmp_path / "site")
    assert [p.location.path for p in refused.value.problems] == [where]


def test_a_registry_in_a_folder_of_its_repository_names_its_own_paths(signer: Signer, tmp_path: Path) -> None:
    issued = signer.award()
    top = signer.root.parent  # the repository holds the registry in registry-root/ (the keys outside it)
    init_repo(top)
    git(top, "add", signer.root.name)
    git(top, "rm", "-q", "--cached", issued.path.relative_to(top).as_posix())  # never committed
    git(top, "commit", "-q", "-m", "registry")
    with pytest.raises(ProblemsFound) as refused:
        build_site(signer.root, tmp_path / "site")
    assert [p.location.path for p in refused.value.problems] == [issued.path.relative_to(signer.root).as_posix()]


def test_a_folder_swapped_during_the_build_and_back_is_never_published(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder renamed aside after the check, a forged one put in its place for the build to read, and the
    original renamed back before the build's last look: every file in it is the file the check read (same inode,
    size, times), yet the build published the forged folder's files. The folders are held to their identity too."""
    issued = signer.award()
    issuer = signer.root / "registry" / "issuers" / "acme-academy"
    aside = tmp_path / "aside"
    forged = tmp_path / "forged"

    def swap() -> None:
        import shutil

        shutil.copytree(issuer, forged, symlinks=True)
        (forged / "status").mkdir(exist_ok=True)
        (forged / "status" / "1.json").write_bytes(issued.path.read_bytes())  # a "status list" nobody checked
        issuer.rename(aside)
        forged.rename(issuer)

    real_confirm = site.Vetted.confirm

    def restore_then_confirm(self: site.Vetted) -> None:
        issuer.rename(forged)
        aside.rename(issuer)
        real_confirm(self)

    _after_the_check(monkeypatch, swap)
    monkeypatch.setattr(site.Vetted, "confirm", restore_then_confirm)
    out = tmp_path / "site"
    with pytest.raises(ProblemsFound) as refused:
        build_site(signer.root, out)
    # The forged folder's status list was refused as the build read it (never hashed before the check).
    assert [p.location.path for p in refused.value.problems] == ["registry/issuers/acme-academy/status/1.json"]
    assert {p.code for p in refused.value.problems} == {"build.changed"}
    assert not out.exists()


@pytest.mark.parametrize("flag", ["--assume-unchanged", "--skip-worktree"])
def test_a_change_git_is_told_not_to_look_at_is_refused(signer: Signer, tmp_path: Path, flag: str) -> None:
    """``git update-index --assume-unchanged`` (or ``--skip-worktree``) has ``git status`` call a changed file
    clean: the build took it for committed and published text that never was."""
    _committed(signer)
    definition = signer.root / "registry" / "issuers" / "acme-academy" / "credentials" / "data-reporting.yaml"
    where = definition.relative_to(signer.root).as_posix()
    git(signer.root, "update-index", flag, where)
    definition.write_text(definition.read_text().replace("description: ", "description: Never committed. ", 1))
    assert git(signer.root, "status", "--porcelain").strip() == ""  # Git says nothing changed
    with pytest.raises(ProblemsFound) as refused:
        build_site(signer.root, tmp_path / "site")
    assert [p.location.path for p in refused.value.problems] == [where]
    # The check refuses such a file already (layout.not-checked-out): nothing of it is published.
    assert not (tmp_path / "site").exists()


def test_a_change_an_fsmonitor_hook_hides_from_git_is_refused(signer: Signer, tmp_path: Path) -> None:
    """A repository's ``core.fsmonitor`` names a command Git asks what changed: one that answers "nothing" has
    ``git status`` call a changed file clean (and Git runs it on every status). The build asks Git without it."""
    _committed(signer)
    hook = tmp_path / "fsmonitor.sh"
    hook.write_text("#!/bin/sh\nprintf 'token\\0'\n")
    hook.chmod(0o755)
    git(signer.root, "config", "core.fsmonitor", str(hook))
    git(signer.root, "update-index", "--fsmonitor")
    git(signer.root, "status", "--porcelain")  # the index now holds the hook's token: it is asked from here on
    definition = signer.root / "registry" / "issuers" / "acme-academy" / "credentials" / "data-reporting.yaml"
    where = definition.relative_to(signer.root).as_posix()
    definition.write_text(definition.read_text().replace("description: ", "description: Never committed. ", 1))
    assert git(signer.root, "status", "--porcelain", "--", "registry").strip() == ""  # Git says nothing changed
    with pytest.raises(ProblemsFound) as refused:
        build_site(signer.root, tmp_path / "site")
    assert [(p.location.path, p.code) for p in refused.value.problems] == [(where, "build.uncommitted")]
    assert not (tmp_path / "site").exists()


def _published(tmp_path: Path) -> dict[Path, bytes]:
    """Every file of the site ``mine`` and its verification data ``mine-data`` in ``tmp_path``, with its bytes."""
    return {p: p.read_bytes() for name in ("mine", "mine-data") for p in (tmp_path / name).rglob("*") if p.is_file()}


def test_plain_mkdocs_build_refuses_a_change_after_the_check_and_keeps_the_previous_site(
    signer: Signer, tmp_path: Path
) -> None:
    """Plain ``mkdocs build`` (the plugin's other way in) wrote its pages straight into the site's folder, which
    mkdocs empties first: a file changed after the check was refused only after that, so the refusal emptied the
    published site and its verification data (a site deployed from the folder went blank). Now the build writes
    into staging folders swapped in only once accepted, as ``credreg build`` does: the refusal is mkdocs' own
    error, naming the file, and the previous site and data stay byte for byte, with no staging folder left."""
    from tests.publish.test_build import _plain_mkdocs

    issued = signer.award()
    where = issued.path.relative_to(signer.root).as_posix()
    _plain_mkdocs(signer.root)
    site_dir = tmp_path / "mine"
    first = _mkdocs("build", "-q", "-f", str(signer.root / "mkdocs.yml"), "-d", str(site_dir))
    assert first.returncode == 0, first.stderr
    before = _published(tmp_path)
    assert site_dir / "index.html" in before
    assert any(p.is_relative_to(tmp_path / "mine-data") for p in before)
    script = (
        "import json, runpy, sys\n"
        "from pathlib import Path\n"
        "from generator import check\n"
        "from generator.publish import site\n"
        "def racing(*args, **kwargs):\n"
        "    accepted = check.accepted_check(*args, **kwargs)\n"
        f"    award = Path({str(issued.path)!r})\n"
        "    doc = json.loads(award.read_text())\n"
        "    doc['credentialSubject']['achievement']['name'] = 'MSc Data Science (Distinction)'\n"
        "    award.write_text(json.dumps(doc, indent=2))\n"
        "    return accepted\n"
        "site.accepted_check = racing\n"
        "sys.argv[0] = 'mkdocs'\n"
        "runpy.run_module('mkdocs', run_name='__main__', alter_sys=True)\n"
    )
    config = str(signer.root / "mkdocs.yml")
    done = _mkdocs("build", "-q", "-f", config, "-d", str(site_dir), script=script)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert where in done.stderr
    after = _published(tmp_path)
    assert sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_award_changed_through_a_shared_mapping_after_the_check_is_never_published(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that holds a file mapped for writing, its page already written to, changes its bytes with no
    trace in the file's times or size (the kernel updates them on the page's first write only): the build took
    the file for the one the check read and published the changed award. The build compares the bytes too."""
    import mmap

    issued = signer.award()
    where = issued.path.relative_to(signer.root).as_posix()
    original = issued.path.read_bytes()
    name = b'"name": "'
    at = original.index(name, original.index(b'"achievement"')) + len(name)
    fd = os.open(issued.path, os.O_RDWR)
    mapped = mmap.mmap(fd, 0)
    try:
        mapped[at : at + 1] = original[at : at + 1]  # the page written once, before the build: bytes unchanged

        def tamper() -> None:
            mapped[at : at + 1] = b"X" if original[at : at + 1] != b"X" else b"Y"

        _after_the_check(monkeypatch, tamper)
        out = tmp_path / "site"
        with pytest.raises(ProblemsFound) as refused:
            build_site(signer.root, out)
        assert [p.location.path for p in refused.value.problems] == [where]
        assert not out.exists()
    finally:
        mapped.close()
        os.close(fd)


def _shown_to_the_check_only(monkeypatch: pytest.MonkeyPatch, path: Path, at: int) -> Callable[[], None]:
    """``path`` holds a forged byte at ``at`` (through a shared writable mapping whose page is already written to:
    no time or size changes), the original for as long as the check reads it, and the forged one again once the
    check has accepted the registry: both of the build's looks see the forged file, the check vetted the
    original. Returns the clean-up."""
    import mmap

    original = path.read_bytes()
    fd = os.open(path, os.O_RDWR)
    mapped = mmap.mmap(fd, 0)
    good = original[at : at + 1]
    forged = b"X" if good != b"X" else b"Y"
    mapped[at : at + 1] = forged  # at rest: the forged byte (its page now written to: later writes leave no trace)
    real = check_module.accepted_check

    def racing(*args: object, **kwargs: object) -> object:
        mapped[at : at + 1] = good
        try:
            return real(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            mapped[at : at + 1] = forged

    monkeypatch.setattr(site, "accepted_check", racing)

    def close() -> None:
        mapped.close()
        os.close(fd)

    return close


def _build_refused(root: Path, out: Path, close: Callable[[], None]) -> ProblemsFound:
    """The refusal of a build into ``out`` while a file is shown to the check only (``close`` ends the showing):
    nothing built."""
    try:
        with pytest.raises(ProblemsFound) as refused:
            build_site(root, out)
    finally:
        close()
    assert not out.exists()
    return refused.value


def test_an_award_the_check_read_another_version_of_is_never_published(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changed after the build's first look and back before its last, through a shared mapping: the check
    verified the original award, the build derived the verification shards from the forged one. Every award
    the build publishes is the one the check verified."""
    issued = signer.award()
    where = issued.path.relative_to(signer.root).as_posix()
    original = issued.path.read_bytes()
    name = b'"name": "'
    close = _shown_to_the_check_only(
        monkeypatch, issued.path, original.index(name, original.index(b'"achievement"')) + len(name)
    )
    refused = _build_refused(signer.root, tmp_path / "site", close)
    assert [(p.location.path, p.code) for p in refused.problems] == [(where, "build.changed")]
    assert "nothing was built" in str(refused)


def test_a_status_list_the_check_read_another_version_of_is_never_published(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same with a file the build copies byte for byte: the check verified the signed status list, the build
    copied the forged one."""
    signer.award()
    [status] = sorted((signer.root / "registry" / "issuers" / "acme-academy" / "status").glob("*.json"))
    where = status.relative_to(signer.root).as_posix()
    text = status.read_bytes()
    close = _shown_to_the_check_only(monkeypatch, status, text.index(b'"encodedList"') + len(b'"encodedList": "') + 3)
    refused = _build_refused(signer.root, tmp_path / "site", close)
    assert where in [p.location.path for p in refused.problems]
    assert {p.code for p in refused.problems} == {"build.changed"}


def test_a_revocation_the_check_read_another_version_of_is_never_published(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The revocation log, which the build reads again for the site's revocation lists and every shard entry:
    the check verified the issuer's signed reason, the build published a reason nobody signed."""
    from generator.awarding.revoke import revoke_award

    issued = signer.award()
    revoke_award(signer.registry, issued.hash, "assessment irregularity", signer.key)
    log = signer.root / "registry" / "issuers" / "acme-academy" / "revocations.jsonl"
    text = log.read_bytes()
    close = _shown_to_the_check_only(monkeypatch, log, text.index(b"irregularity"))
    refused = _build_refused(signer.root, tmp_path / "site", close)
    assert [(p.location.path, p.code) for p in refused.problems] == [
        (log.relative_to(signer.root).as_posix(), "build.changed")
    ]


def test_an_image_swapped_for_a_link_after_the_check_is_refused_by_name(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An issuer's logo the check read, replaced by a symbolic link (to the very same bytes, elsewhere) before the
    build reads it to publish it: never followed, and the build is refused naming the file, not ended by the
    reader's error (a traceback)."""
    issuer = signer.root / "registry" / "issuers" / "acme-academy"
    logo = issuer / "logo.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>\n'
    )
    yaml_file = issuer / "issuer.yaml"
    yaml_file.write_text(yaml_file.read_text() + "logo: logo.svg\n")
    signer.award()
    elsewhere = tmp_path / "elsewhere.svg"

    def swap() -> None:
        elsewhere.write_bytes(logo.read_bytes())
        logo.unlink()
        logo.symlink_to(elsewhere)

    _after_the_check(monkeypatch, swap)
    out = tmp_path / "site"
    with pytest.raises(ProblemsFound) as refused:
        build_site(signer.root, out)
    assert [(p.location.path, p.code) for p in refused.value.problems] == [
        (logo.relative_to(signer.root).as_posix(), "build.changed")
    ]
    assert not out.exists()


def test_a_build_refused_after_its_check_holds_no_later_read(signer: Signer, tmp_path: Path) -> None:
    """A build refused once its check has accepted the registry (here its `--data-out` is the site's own folder)
    ends its hold on the registry's reads: in the same process (a test run, a program calling the build), a file
    edited afterwards honestly is read as it now is, not refused as changed since a build that is long over."""
    from generator._internal import files
    from generator.errors import UsageError
    from generator.load import load_registry

    root = signer.root
    governance = root / "registry" / "governance.yaml"
    governance.write_text(governance.read_text() + "verification_data_url: https://data.example.org/verify/\n")
    out = tmp_path / "site"
    with pytest.raises(UsageError):
        build_site(root, out, data_out=out)
    governance.write_text(governance.read_text() + "# edited after the refused build\n")
    assert files.read_inside(root, "registry/governance.yaml").endswith(b"# edited after the refused build\n")
    assert load_registry(root)


def test_a_file_the_secret_search_read_another_version_of_is_never_published(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The full check's secret search (in a process of its own) read the registry's files by its own means, not
    held to the bytes hashed before the check: an issuer.yaml holding a private key at rest, shown clean (through
    a shared writable mapping: no time or size changes) only while the search read it, was loaded, vetted and
    published with the key, the search having found nothing (only the last look might see the mapping's write, if
    the kernel happened to note a time). The search reads the held bytes too: the check the build runs refuses,
    naming the file, before anything is built."""
    import mmap
    import time

    from generator._internal.jobs import Background

    signer.award()
    issuer_yaml = signer.root / "registry" / "issuers" / "acme-academy" / "issuer.yaml"
    pem_head = "-----BEGIN " + "OPENSSH PRIVATE KEY-----"  # assembled: this file holds no key block
    secret = f"# {pem_head}\n# b3BlbnNzaC1rZXktdjEAAAAA\n".encode()
    clean = b"# " + b"x" * len(pem_head) + b"\n# " + b"y" * 24 + b"\n"
    issuer_yaml.write_bytes(issuer_yaml.read_bytes() + secret)
    at = issuer_yaml.stat().st_size - len(secret)
    fd = os.open(issuer_yaml, os.O_RDWR)
    mapped = mmap.mmap(fd, 0)
    mapped[at : at + len(secret)] = secret  # its page written to: later writes leave no trace
    real_search = check_module.repository_search

    def search_shown_clean(root: Path) -> object:
        mapped[at : at + len(clean)] = clean
        try:
            return real_search(root)
        finally:
            mapped[at : at + len(secret)] = secret

    def searched_first(fn: Callable[..., object], *args: object, **kwargs: object) -> Background[object]:
        job = Background(fn, *args, **kwargs)
        while job.running:  # the racing writer's timing: the search reads before the check's loading does
            time.sleep(0.01)
        return job

    monkeypatch.setattr(check_module, "repository_search", search_shown_clean)
    monkeypatch.setattr(check_module, "Background", searched_first)
    try:
        with pytest.raises(ProblemsFound) as refused:
            site.load_for_build(signer.root)
    finally:
        mapped.close()
        os.close(fd)
    assert [(p.location.path, p.code) for p in refused.value.problems] == [
        (issuer_yaml.relative_to(signer.root).as_posix(), "build.changed")
    ]
    assert "nothing was built" in str(refused.value)


def test_plain_mkdocs_build_and_gh_deploy_of_a_refused_registry_keep_and_push_nothing(
    signer: Signer, tmp_path: Path
) -> None:
    """A registry the full check refuses (here an award whose signature no longer covers its bytes), built by plain
    ``mkdocs build`` or ``mkdocs gh-deploy``: the previous site and data stay byte for byte, no staging folder is
    left, and ``gh-deploy`` never runs ghp-import (the remote's ``gh-pages`` is the accepted build's)."""
    from tests.publish.test_build import _plain_mkdocs, tamper

    signer.award()
    _plain_mkdocs(signer.root)
    init_repo(signer.root)
    commit_all(signer.root, "registry")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(signer.root, "remote", "add", "origin", str(remote))
    site_dir = tmp_path / "mine"

    def mkdocs(*args: str) -> subprocess.CompletedProcess[str]:
        return _mkdocs(*args, "-q", "-f", str(signer.root / "mkdocs.yml"), "-d", str(site_dir), cwd=signer.root)

    deployed = mkdocs("gh-deploy")
    assert deployed.returncode == 0, deployed.stderr
    pages = git(remote, "rev-parse", "gh-pages").strip()
    before = _published(tmp_path)
    assert site_dir / "index.html" in before
    where = tamper(signer)
    commit_all(signer.root, "tampered")
    for command in ("build", "gh-deploy"):
        refused = mkdocs(command)
        assert refused.returncode == 1, refused.stderr
        assert "Traceback" not in refused.stderr, refused.stderr
        assert where in refused.stderr, refused.stderr
        after = _published(tmp_path)
        assert sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)) == []
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
        assert git(remote, "rev-parse", "gh-pages").strip() == pages


@pytest.mark.parametrize("raised", ["RuntimeError('a later hook failed')", "KeyboardInterrupt"])
def test_plain_mkdocs_build_failing_after_the_plugin_keeps_the_previous_site(
    signer: Signer, tmp_path: Path, raised: str
) -> None:
    """A hook or plugin run after ours at the build's end (mkdocs ``hooks:`` run after the plugins) that fails, or
    Ctrl-C there: the plugin swapped its staging folders in at its own ``on_post_build``, so a build mkdocs then
    reported failed had already replaced the published site (and Ctrl-C, which mkdocs' ``on_build_error`` never
    sees, left the staging folders beside it). Now the swap is the build's last event: the previous site and data
    stay byte for byte and no staging folder is left."""
    from tests.publish.test_build import _plain_mkdocs

    signer.award()
    _plain_mkdocs(signer.root)
    site_dir = tmp_path / "mine"

    def mkdocs(*args: str) -> subprocess.CompletedProcess[str]:
        return _mkdocs("build", *args, "-q", "-f", str(signer.root / "mkdocs.yml"), "-d", str(site_dir))

    first = mkdocs()
    assert first.returncode == 0, first.stderr
    before = _published(tmp_path)
    assert site_dir / "index.html" in before
    (signer.root / "late_hook.py").write_text(f"def on_post_build(config):\n    raise {raised}\n")
    config = signer.root / "mkdocs.yml"
    config.write_text(config.read_text() + "hooks:\n  - late_hook.py\n")
    for args in ((), ("--dirty",)):
        failed = mkdocs(*args)
        assert failed.returncode != 0, failed.stderr
        after = _published(tmp_path)
        assert sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)) == []
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("how", ["link in docs", "docs_dir registry"])
def test_documentation_holding_the_registry_s_files_is_refused(signer: Signer, tmp_path: Path, how: str) -> None:
    """mkdocs copies every file of ``docs_dir`` to the site as it is, links followed: a ``docs_dir`` of ``registry/``
    (or one holding it), or a link in ``docs/`` to ``registry/`` or ``keys/``, published the registry's files as
    mkdocs read them, outside the check's hold (a file changed after the check went out unvetted), and an award
    file raw beside its page. Now the build refuses any documentation file that is one of the registry's, naming
    it, before anything is written: plain ``mkdocs build`` and ``credreg build`` alike."""
    from tests.publish.test_build import _plain_mkdocs

    signer.award()
    _plain_mkdocs(signer.root)
    config = signer.root / "mkdocs.yml"
    if how == "link in docs":
        docs = tmp_path / "docs"
        shutil.copytree(REPO / "docs", docs)
        (docs / "raw").symlink_to(signer.root / "registry")
        config.write_text(config.read_text().replace(f"docs_dir: {REPO / 'docs'}", f"docs_dir: {docs}"))
    else:
        config.write_text(config.read_text().replace(f"docs_dir: {REPO / 'docs'}", "docs_dir: registry"))
    site_dir = tmp_path / "mine"
    done = _mkdocs("build", "-q", "-f", str(config), "-d", str(site_dir))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "registry/governance.yaml" in done.stderr, done.stderr
    assert not any(p.is_file() for p in tmp_path.rglob("*") if "mine" in p.name or p.name.startswith(".mine"))
    with pytest.raises(ProblemsFound) as refused:
        build_site(signer.root, tmp_path / "site")
    assert "registry/governance.yaml" in [p.location.path for p in refused.value.problems]
    assert not (tmp_path / "site").exists()


def test_plain_mkdocs_build_strict_dirty_and_an_earlier_plugin_keep_the_previous_site(
    signer: Signer, tmp_path: Path
) -> None:
    """The previous site stays byte for byte when mkdocs refuses the build in ``strict`` mode (after the plugins'
    last event: a warning counted), ``--dirty`` or not; a plugin whose ``on_config`` ran before ours kept the real
    ``site_dir`` and wrote into the published site from a build then refused (here a hook given the first turn,
    then failing). Now the plugin's ``on_config`` runs first, so every other plugin sees the staging folder. An
    accepted ``--dirty`` build replaces the site, keeping what the previous build wrote."""
    from tests.publish.test_build import _plain_mkdocs

    signer.award()
    _plain_mkdocs(signer.root)
    config = signer.root / "mkdocs.yml"
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    config.write_text(config.read_text().replace(f"docs_dir: {REPO / 'docs'}", f"docs_dir: {docs}"))
    site_dir = tmp_path / "mine"

    def mkdocs(*args: str) -> subprocess.CompletedProcess[str]:
        # Not -q: mkdocs counts no warning it does not log, and so refuses nothing in strict mode.
        return _mkdocs("build", *args, "-f", str(config), "-d", str(site_dir))

    first = mkdocs()
    assert first.returncode == 0, first.stderr
    (site_dir / "kept-by-dirty.txt").write_text("from an earlier build\n")
    dirty = mkdocs("--dirty")
    assert dirty.returncode == 0, dirty.stderr
    assert (site_dir / "kept-by-dirty.txt").is_file()
    before = _published(tmp_path)

    def unchanged() -> None:
        after = _published(tmp_path)
        assert sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p)) == []
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    (signer.root / "warn_hook.py").write_text(
        "import logging\n"
        "def on_post_build(config):\n"
        "    logging.getLogger('mkdocs.plugins.warn_hook').warning('a warning at the end')\n"
    )
    plain = config.read_text()
    config.write_text(plain + "hooks:\n  - warn_hook.py\n")
    for args in (("--strict",), ("--strict", "--dirty")):
        refused = mkdocs(*args)
        assert refused.returncode == 1, refused.stderr
        assert "strict mode" in refused.stdout + refused.stderr, refused.stderr
        unchanged()
    config.write_text(plain)
    (signer.root / "early_hook.py").write_text(
        "from pathlib import Path\n"
        "from mkdocs.plugins import event_priority\n"
        "seen = []\n"
        "@event_priority(100)\n"
        "def on_config(config):\n"
        "    seen.append(config.site_dir)\n"
        "def on_post_build(config):\n"
        "    (Path(seen[0]) / 'written-early.txt').write_text('a refused build')\n"
        "    raise RuntimeError('refused after writing')\n"
    )
    config.write_text(config.read_text() + "hooks:\n  - early_hook.py\n")
    refused = mkdocs()
    assert refused.returncode == 1, refused.stderr
    unchanged()
