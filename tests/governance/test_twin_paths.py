"""Paths that are two files to Git and to the check (on Linux) but one file on macOS or Windows, or that a file
system there cannot hold, are refused in ``registry/`` and ``keys/``: names that differ only in case or in Unicode
normalisation (``café`` written with ``é`` or with ``e`` and a combining accent), names not in NFC, and names
with invisible characters, Windows' forbidden characters, a trailing dot or space, or a device name. Otherwise a
contributor could add a twin so that what the check reads differs from what a Mac checkout, or a build host that
is not Linux, sees (either twin may win there)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.check import CheckOptions, run_check
from generator.layout import name_problem, twin_key
from tests.governance.conftest import ACME, Repo, errors, shown

IMAGES = "registry/issuers/acme-academy/images"
NFC = "caf\u00e9"
NFD = "cafe\u0301"
SVG = b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect width='10' height='10'/></svg>\n"


def _images(root: Path, *names: str) -> None:
    (root / IMAGES).mkdir(parents=True, exist_ok=True)
    for name in names:
        (root / IMAGES / name).write_bytes(SVG)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("badge.svg", "Badge.svg"),  # case: one file on macOS and Windows
        (f"{NFC}.svg", f"{NFC.upper()}.svg"),  # case beyond ASCII
        ("strasse.svg", "stra\u00dfe.svg"),  # full case folding: ß is ss
        ("badge-i.svg", "badge-\u0131.svg"),  # dotless ı: NTFS upper-cases it to I, as it does i
    ],
    ids=["case", "case-beyond-ascii", "sharp-s", "dotless-i"],
)
def test_twins_in_one_folder_are_refused_naming_both(registry_dir: Path, first: str, second: str) -> None:
    _images(registry_dir, first, second)
    report = run_check(registry_dir, CheckOptions(progress=False))
    [twin] = errors(report, "layout.twin")
    a, b = sorted([first, second])
    assert twin.location.path == f"{IMAGES}/{b}"
    assert f"is the same file as {IMAGES}/{a} on macOS and Windows" in twin.message


def test_folders_that_are_twins_are_refused(registry_dir: Path) -> None:
    """A path collapses with another where the first name that differs does: for folders, that folder."""
    awards = registry_dir / "registry/issuers/acme-academy/awards"
    (awards / "Cohort").mkdir(parents=True)
    (awards / "cohort").mkdir()
    report = run_check(registry_dir, CheckOptions(progress=False))
    assert [p.location.path for p in errors(report, "layout.twin")] == [
        "registry/issuers/acme-academy/awards/cohort"
    ], shown(report.problems)


def test_a_name_not_in_nfc_is_refused_even_alone(registry_dir: Path) -> None:
    _images(registry_dir, f"{NFD}.svg")
    report = run_check(registry_dir, CheckOptions(progress=False))
    [problem] = errors(report, "layout.name-not-nfc")
    assert problem.location.path == f"{IMAGES}/{NFD}.svg"
    assert "U+0301 COMBINING ACUTE ACCENT" in problem.message
    assert f"rename it to '{NFC}.svg'" in problem.message


def test_nfc_and_nfd_twins_are_both_named(registry_dir: Path) -> None:
    _images(registry_dir, f"{NFC}.svg", f"{NFD}.svg")
    report = run_check(registry_dir, CheckOptions(progress=False))
    assert {p.location.path for p in errors(report, "layout.name-not-nfc")} == {f"{IMAGES}/{NFD}.svg"}
    [twin] = errors(report, "layout.twin")
    assert {twin.location.path, twin.message.split("is the same file as ")[1].split(" on ")[0]} == {
        f"{IMAGES}/{NFC}.svg",
        f"{IMAGES}/{NFD}.svg",
    }


ISSUER = "registry/issuers/acme-academy"


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ("images/badge\u200b.svg", None),  # zero-width space
        ("images/bad\u200dge.svg", None),  # zero-width joiner: HFS+ ignores it when it compares names
        ("images/badge\u00a0x.svg", None),  # no-break space
        ("images/a\nb.svg", None),  # a line break
        ("images/a:b.svg", None),  # Windows refuses : < > " \\ | ? *
        ("images/con.svg", None),  # a Windows device name
        ("images/con .svg", None),  # ...with spaces before its extension, a device name still
        ("awards/cohort./x.json", "awards/cohort."),  # Windows drops a trailing dot...
        ("awards/cohort /x.json", "awards/cohort "),  # ...and a trailing space
        ("images/\udcff.svg", None),  # not UTF-8 (a byte Git keeps and macOS refuses)
    ],
    ids=["zwsp", "zwj", "nbsp", "newline", "colon", "device", "device-space", "dot", "space", "not-utf8"],
)
def test_names_a_file_system_cannot_hold_as_they_are_are_refused(
    registry_dir: Path, path: str, refused: str | None
) -> None:
    (registry_dir / ISSUER / path).parent.mkdir(parents=True)
    (registry_dir / ISSUER / path).write_bytes(SVG)
    report = run_check(registry_dir, CheckOptions(progress=False))
    found = errors(report, "layout.name-unportable")
    assert [p.location.path for p in found] == [f"{ISSUER}/{refused or path}"], shown(report.problems)


@pytest.mark.parametrize(
    "name", [f"{NFC}.svg", "stra\u00dfe.svg", "\u00fcber uns.svg", "\u30d0\u30c3\u30b8.svg", "\uff42adge.svg"]
)
def test_names_in_nfc_without_a_twin_are_accepted(registry_dir: Path, name: str) -> None:
    """Letters of any script, composed, and plain spaces; a fullwidth letter too (no file system folds it into
    the ASCII one: that is a name that reads alike, not one file)."""
    assert name_problem(name) is None
    _images(registry_dir, name)
    report = run_check(registry_dir, CheckOptions(progress=False))
    assert errors(report) == [], shown(report.problems)


def test_the_twin_key_folds_what_file_systems_fold() -> None:
    assert twin_key("Badge.SVG") == twin_key("badge.svg")
    assert twin_key(NFD) == twin_key(NFC) == twin_key(NFC.upper())
    assert twin_key("\uff42adge") != twin_key("badge")  # compatibility forms are other names everywhere


def _pr_check(repo: Repo, actor: str = "acme-lead") -> subprocess.CompletedProcess[str]:
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "pull request")
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(repo.root), "check", "--base", "HEAD~1", "--actor",
         actor],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_a_pull_request_adding_a_twin_of_a_base_file_is_refused(repo: Repo) -> None:
    """On real Git: the base holds ``images/badge.svg``; a pull request adds ``images/BADGE.svg``, a second file
    to Git and to the check, the same file as the first on a Mac."""
    _images(repo.root, "badge.svg")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "base with an image")
    _images(repo.root, "BADGE.svg")
    done = _pr_check(repo)
    assert done.returncode == 1, done.stdout
    assert f"{IMAGES}/BADGE.svg: is the same file as {IMAGES}/badge.svg on macOS and Windows" in done.stdout, (
        done.stdout
    )
    assert "Traceback" not in done.stderr


def test_a_pull_request_adding_a_name_in_nfd_is_refused(repo: Repo) -> None:
    _images(repo.root, f"{NFD}.svg")
    done = _pr_check(repo)
    assert done.returncode == 1, done.stdout
    assert f"{IMAGES}/{NFD}.svg: the name is not in Unicode normalisation form NFC" in done.stdout
    assert ACME in done.stdout


@pytest.mark.parametrize("name", ["Registry", "KEYS", "Keys"])
def test_a_top_level_twin_of_a_checked_tree_is_refused(registry_dir: Path, name: str) -> None:
    """``Registry/`` is outside the registry to the check on Linux, and is ``registry/`` itself on a Mac, where
    its issuer folders and awards would join the registry's unchecked."""
    (registry_dir / name / "issuers" / ACME).mkdir(parents=True)
    (registry_dir / name / "issuers" / ACME / "x.json").write_text("{}\n")
    report = run_check(registry_dir, CheckOptions(progress=False))
    [twin] = errors(report, "layout.twin")
    assert twin.location.path == name
    assert f"is the same folder as {name.lower()}/ on macOS and Windows" in twin.message


def test_a_pull_request_adding_files_under_a_twin_of_registry_is_refused(repo: Repo) -> None:
    repo.write(f"Registry/issuers/{ACME}/awards/extra.json", "{}\n")
    done = _pr_check(repo)
    assert done.returncode == 1, done.stdout
    assert "Registry: is the same folder as registry/ on macOS and Windows" in done.stdout


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ("images/badge-~1.svg", None),  # BADGE-~1.SVG: the short name Windows gives badge-large.svg
        ("images/BADGE~12.svg", None),
        ("awards/2026-c~1/x.json", "awards/2026-c~1"),  # 2026-C~1: the short name of a folder 2026-cohort
        ("awards/c~1.x/x.json", "awards/c~1.x"),
    ],
    ids=["image", "image-upper", "folder", "folder-with-dot"],
)
def test_a_name_shaped_as_a_windows_short_name_is_refused(registry_dir: Path, path: str, refused: str | None) -> None:
    """NTFS gives a long name a second, 8.3 name (``badge-large.svg`` is also ``BADGE-~1.SVG``), and opening that
    opens the long one. Git checks ``badge-large.svg`` out first (it sorts first), so ``badge-~1.svg`` cannot be
    created there (Git's create refuses an existing file), and every read of it on Windows (a build, a check, a
    reviewer) gets ``badge-large.svg``: what the check on Linux read is not what the name holds there. A folder
    the same: ``2026-c~1/`` is ``2026-cohort/``, and its files are written into that one."""
    (registry_dir / ISSUER / path).parent.mkdir(parents=True, exist_ok=True)
    (registry_dir / ISSUER / path).write_bytes(SVG)
    report = run_check(registry_dir, CheckOptions(progress=False))
    found = errors(report, "layout.name-unportable")
    assert [p.location.path for p in found] == [f"{ISSUER}/{refused or path}"], shown(report.problems)
    assert "short (8.3) name" in found[0].message


@pytest.mark.parametrize("name", ["badge~beta.svg", "a~1b.svg", "~.svg", "v1.0~1.svg"])
def test_a_tilde_that_no_short_name_has_is_accepted(name: str) -> None:
    """A short name is ``<base>~<digits>`` and an optional ``.<extension>``, the base without dots: a tilde
    elsewhere names nothing else on Windows."""
    assert name_problem(name) is None


def test_a_pull_request_adding_a_windows_short_name_of_a_base_file_is_refused(repo: Repo) -> None:
    _images(repo.root, "badge-large.svg")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "base with an image")
    _images(repo.root, "badge-~1.svg")
    done = _pr_check(repo)
    assert done.returncode == 1, done.stdout
    assert f"{IMAGES}/badge-~1.svg: the name is shaped as a Windows short (8.3) name" in done.stdout, done.stdout
    assert "Traceback" not in done.stderr


def test_a_path_longer_than_windows_checks_out_is_refused_and_one_at_the_limit_is_not(registry_dir: Path) -> None:
    """Git for Windows cannot create a file whose full path passes 259 characters (``MAX_PATH``, unless the user
    set ``core.longpaths``): a checkout there lacks it, so what a Windows contributor or build host reads is not
    what the check read. Paths are held to 200 characters, counted as Windows counts them (UTF-16 units), which
    leaves 55 for the folder of the checkout; the longest path a credreg command writes is 192."""
    at_limit = "a" * (200 - len(IMAGES) - len("/.svg")) + ".svg"
    over = "\U0001d4b7" + at_limit[1:]  # one more UTF-16 unit: a letter outside the BMP counts twice
    _images(registry_dir, at_limit, over)
    report = run_check(registry_dir, CheckOptions(progress=False))
    [problem] = errors(report, "layout.path-too-long")
    assert problem.location.path == f"{IMAGES}/{over}", shown(report.problems)
    assert "201 characters" in problem.message
    assert errors(report) == [problem], shown(report.problems)


@pytest.mark.parametrize(
    ("base", "added", "refused", "says"),
    [
        # GNU make on Linux runs `makefile` before `Makefile`; a Mac or Windows checkout holds one of the two.
        ("Makefile", "makefile", "makefile", "is the same file as Makefile on macOS and Windows"),
        ("docs/privacy.md", "docs/Privacy.md", "docs/Privacy.md", "is the same file as docs/privacy.md"),
        ("docs/privacy.md", "Docs/extra.md", "Docs", "is the same file as docs on macOS"),  # beside the base's docs/
        (".github/workflows/a.yml", ".github/Workflows/a.yml", ".github/Workflows", "same file as .github/workflows"),
        # HFS+ ignores U+200C: `.g‌it` is `.git` on a Mac, which Git there refuses to check out.
        ("docs/privacy.md", "docs/.g\u200cit/config", "docs/.g\u200cit", "U+200C ZERO WIDTH NON-JOINER"),
        ("docs/privacy.md", "docs/cafe\u0301.md", "docs/cafe\u0301.md", "not in Unicode normalisation form NFC"),
        ("docs/privacy.md", "docs/notes.md.", "docs/notes.md.", "ends with a dot or a space"),
        ("docs/privacy.md", "docs/" + "d" * 200 + ".md", "docs/" + "d" * 200 + ".md", "208 characters long"),
        ("docs/privacy.md", "docs/privac~1.md", "docs/privac~1.md", "Windows short (8.3) name"),
    ],
    ids=["makefile", "docs-page", "folder", "workflows", "hfs-dotgit", "nfd", "trailing-dot", "long", "short-name"],
)
def test_a_pull_request_bringing_an_unportable_name_outside_the_registry_is_refused(
    repo: Repo, base: str, added: str, refused: str, says: str
) -> None:
    """The site's sources (``docs/``, ``schemas/``, ``mkdocs.yml``), the workflows and the toolkit are checked out
    on a Mac or Windows too (a reviewer's, a maintainer's build): a twin or a name one of them cannot hold there is
    another tree than the one CI checked on Linux, wherever it is in the repository, not only in ``registry/``. A
    registry maintainer's own pull request is refused too: review on GitHub shows two files, a Mac one."""
    repo.write(base, "base\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "base")
    repo.write(added, "added\n")
    done = _pr_check(repo, actor="reg-admin")
    assert done.returncode == 1, done.stdout
    [line] = [line for line in done.stdout.splitlines() if line.startswith(f"{refused}: ")]
    assert says in line, done.stdout
    assert "Traceback" not in done.stderr


def test_the_full_check_refuses_twins_and_unportable_names_anywhere_in_the_repository(repo: Repo) -> None:
    """Committed past the pull-request check (pushed by a maintainer): the full check every build runs refuses
    them too, every tracked path of the repository judged, the registry's as before."""
    repo.write("docs/privacy.md", "a\n")
    repo.write("docs/PRIVACY.md", "b\n")
    repo.write("schemas/x\u200b.json", "{}\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "twins outside the registry")
    report = run_check(repo.root, CheckOptions(progress=False))
    assert [p.location.path for p in errors(report, "layout.twin")] == ["docs/privacy.md"], shown(report.problems)
    assert "is the same file as docs/PRIVACY.md" in errors(report, "layout.twin")[0].message
    assert [p.location.path for p in errors(report, "layout.name-unportable")] == ["schemas/x\u200b.json"]


def test_a_pull_request_without_names_to_refuse_outside_the_registry_passes_the_rule(repo: Repo) -> None:
    repo.write("docs/privacy.md", "base\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "base")
    repo.write("docs/about us.md", "a plain space\n")
    repo.write("docs/caf\u00e9.md", "NFC\n")
    done = _pr_check(repo)
    assert "layout." not in done.stdout, done.stdout


#: Names Git for Windows or for macOS (``core.protectNTFS``, ``core.protectHFS``: ``is_ntfs_dotgit``,
#: ``is_hfs_dotgit``) takes for ``.git``, or that NTFS gives another meaning (a stream of a file), while Git on
#: Linux, with protectHFS off, would check out some of them.
GIT_ALIASES = [
    ".git",
    ".GIT",
    "git~1",  # NTFS's short name of .git
    "GIT~1",
    "GI7EAB~1",  # the hashed short name form
    ".git.",  # Windows drops a trailing dot...
    ".git ",  # ...and space
    ".git::$INDEX_ALLOCATION",  # a folder's index stream: .git on NTFS
    "awards.json::$DATA",  # a file's default stream: awards.json itself on NTFS
    ".g\u200cit",  # HFS+ ignores zero-width characters when it compares names
    "\ufeff.git",
    ".gi\u206ft",
]


def test_every_name_git_or_a_file_system_takes_for_dot_git_or_a_stream_is_refused(registry_dir: Path) -> None:
    """The strongest case of the rules holding: each of these, as a folder of awards (which may have any name
    the rules allow), is refused by the full check, the pull-request check's rules being the same functions."""
    awards = registry_dir / ISSUER / "awards"
    for name in GIT_ALIASES:
        (awards / name).mkdir(parents=True)
        (awards / name / "x.json").write_text("{}\n")
    report = run_check(registry_dir, CheckOptions(progress=False))
    refused = {p.location.path for p in report.problems if (p.code or "").startswith("layout.")}
    assert {f"{ISSUER}/awards/{name}" for name in GIT_ALIASES} <= refused, shown(report.problems)


@pytest.mark.parametrize(
    ("base", "renamed", "twin"),
    [
        (f"{IMAGES}/badge.svg", f"{IMAGES}/BADGE.svg", f"{IMAGES}/badge.svg"),
        ("docs/privacy.md", "docs/Privacy.md", "docs/privacy.md"),
    ],
    ids=["registry", "docs"],
)
def test_a_pull_request_renaming_a_file_into_a_twin_of_a_base_file_is_refused(
    repo: Repo, base: str, renamed: str, twin: str
) -> None:
    """Git reports a rename (``git mv other.svg BADGE.svg``, the same bytes) as one change, not an addition: the
    rules judge where it lands all the same."""
    repo.write(base, SVG.decode())
    repo.write(f"{base.rsplit('/', 1)[0]}/other.svg", SVG.decode())
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "base")
    repo.git("mv", f"{base.rsplit('/', 1)[0]}/other.svg", renamed)
    done = _pr_check(repo, actor="reg-admin")
    status = repo.git("diff", "--name-status", "-M", "HEAD~1", "HEAD")
    assert status.startswith("R"), status  # a rename to Git
    assert done.returncode == 1, done.stdout
    assert f"{renamed}: is the same file as {twin} on macOS and Windows" in done.stdout, done.stdout


def test_the_path_limit_counts_the_registrys_folder_in_its_repository(registry_dir: Path) -> None:
    """A registry may be a subfolder of its repository (``registry-root/`` here): a Windows checkout holds its
    files under that folder too, so the 200 characters are counted from the repository's top, not the registry's
    (a path of 200 from the registry's folder is 214 there, past what Git for Windows checks out)."""
    subprocess.run(["git", "init", "-q", str(registry_dir.parent)], check=True)
    prefix = f"{registry_dir.name}/"
    at_limit = "a" * (200 - len(prefix) - len(IMAGES) - len("/.svg")) + ".svg"
    over = "b" + at_limit
    _images(registry_dir, at_limit, over)
    report = run_check(registry_dir, CheckOptions(progress=False))
    [problem] = errors(report, "layout.path-too-long")
    assert problem.location.path == f"{IMAGES}/{over}", shown(report.problems)
    assert f"201 characters long (as Windows counts them, {prefix} in the repository included)" in problem.message
    assert errors(report) == [problem], shown(report.problems)
