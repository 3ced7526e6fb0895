"""``credreg new issuer|credential``, run for real: flags for scripts, prompts on a terminal, files that pass
``credreg check`` as written, and refusals (existing files, bad ids, YAML or invisible characters in answers)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from generator.errors import UsageError
from generator.scaffold import Scaffold, write_scaffold
from generator.schema import FileKind
from tests.conftest import REPO, ctrl_c

ISSUER_FLAGS = [
    "--name", "Harbour Data School", "--kind", "training-provider", "--url", "https://harbourdata.example",
    "--email", "credentials@harbourdata.example", "--country", "GB", "--city", "Bristol", "--maintainer", "kim-hds",
    "--description", "Harbour Data School runs part-time data courses: for working analysts.",
]  # fmt: skip
CREDENTIAL_FLAGS = [
    "--name", "SQL Reporting", "--summary", "Certifies that the holder can write readable SQL reports.",
    "--description", "A six-week evening course.\n\nFor analysts who build recurring reports.",
    "--narrative", "Complete the weekly labs and pass the final practical assessment.",
    "--method", "practical-assessment", "--method", "project", "--skill", "Writing analytical SQL queries",
    "--skill", "Window functions", "--proficiency", "intermediate", "--hours", "36", "--duration", "P6W",
    "--cost", "295 GBP", "--delivery", "online",
]  # fmt: skip
NEW_ISSUER = "registry/issuers/harbour-data-school/issuer.yaml"
NEW_CREDENTIAL = "registry/issuers/harbour-data-school/credentials/sql-reporting.yaml"


def credreg(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def test_scaffolds_pass_the_check_as_written(registry_dir: Path) -> None:
    made = credreg(registry_dir, "new", "issuer", "harbour-data-school", *ISSUER_FLAGS)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"wrote {NEW_ISSUER}\n")
    made = credreg(registry_dir, "new", "credential", "harbour-data-school/sql-reporting", *CREDENTIAL_FLAGS)
    assert made.returncode == 0, made.stderr
    text = (registry_dir / NEW_CREDENTIAL).read_text()
    assert text.startswith("# yaml-language-server: $schema=../../../../schemas/credential.schema.json\n")
    assert "# How it is assessed, one entry per part. Methods: exam, practical-assessment, project," in text
    assert "description: |\n  A six-week evening course.\n\n  For analysts who build recurring reports.\n" in text
    assert "cost:\n  amount: 295\n  currency: GBP\n" in text
    issuer = (registry_dir / NEW_ISSUER).read_text()
    assert "# logo: logo.svg" in issuer  # offered, but commented out: a logo line without its file fails
    assert "description: 'Harbour Data School runs part-time data courses: for working analysts.'" in issuer
    checked = credreg(registry_dir, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "2 issuers, 4 credentials" in checked.stderr


def test_refuses_to_overwrite(registry_dir: Path) -> None:
    path = registry_dir / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    before = path.read_bytes()
    done = credreg(registry_dir, "new", "credential", "acme-academy/sql-basics", *CREDENTIAL_FLAGS)
    assert done.returncode == 2
    assert "registry/issuers/acme-academy/credentials/sql-basics.yaml already exists; nothing was written" in (
        done.stderr
    )
    assert path.read_bytes() == before


def test_a_file_made_by_another_process_meanwhile_is_never_replaced(
    registry_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The name is free when `credreg new` looks; another process takes it as the folder is made.
    target = registry_dir / NEW_ISSUER
    real_mkdir = Path.mkdir

    def racing_mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
        real_mkdir(self, *args, **kwargs)
        if self == target.parent and not target.exists():
            target.write_text("the other process's file\n")

    monkeypatch.setattr(Path, "mkdir", racing_mkdir)
    with pytest.raises(UsageError, match=f"{NEW_ISSUER} already exists; nothing was written"):
        write_scaffold(registry_dir, Scaffold(NEW_ISSUER, "id: harbour-data-school\n", FileKind.ISSUER))
    assert target.read_text() == "the other process's file\n"
    assert [p.name for p in target.parent.iterdir()] == ["issuer.yaml"], "no temporary file left"


def test_without_a_terminal_missing_flags_are_named(registry_dir: Path) -> None:
    done = credreg(registry_dir, "new", "issuer", "harbour-data-school", "--name", "Harbour")
    assert done.returncode == 2
    assert "missing --kind, --url, --email, --description, --country, --maintainer" in done.stderr
    assert not (registry_dir / NEW_ISSUER).exists()


def test_credential_of_an_unknown_issuer(registry_dir: Path) -> None:
    done = credreg(registry_dir, "new", "credential", "ghost-school/sql-reporting", *CREDENTIAL_FLAGS)
    assert done.returncode == 2
    assert "no issuer 'ghost-school' in this registry: run `credreg new issuer ghost-school` first" in done.stderr


@pytest.mark.parametrize(
    ("ref", "words"),
    [
        ("../../../etc", "issuer id '../../../etc' is not a lowercase slug"),
        ("Harbour_School", "issuer id 'Harbour_School' is not a lowercase slug"),
    ],
)
def test_bad_ids_are_refused(registry_dir: Path, ref: str, words: str) -> None:
    done = credreg(registry_dir, "new", "issuer", ref, *ISSUER_FLAGS)
    assert done.returncode == 2
    assert words in done.stderr
    done = credreg(registry_dir, "new", "credential", f"acme-academy/{ref}", *CREDENTIAL_FLAGS)
    assert done.returncode == 2
    assert "credential id" in done.stderr


@pytest.mark.parametrize(
    ("flag", "value", "words"),
    [
        ("--name", "Evil\nmaintainers: [mallory]", "name: must be one line of text (it contains a line break)"),
        ("--name", "Harbour \u202eloohcS", "contains the invisible or control character U+202E"),
        ("--city", "Bristol\x1b[31m", "location.city: contains the invisible or control character U+001B"),
        ("--name", "Harbour\u200bSchool", "contains the invisible or control character U+200B (ZERO WIDTH SPACE)"),
        ("--url", "javascript:alert(1)", "url: 'javascript:alert(1)' is not an https:// URL"),
        ("--kind", "Training Provider", "did you mean 'training-provider'?"),
    ],
)
def test_hostile_or_wrong_answers_write_nothing(registry_dir: Path, flag: str, value: str, words: str) -> None:
    flags = list(ISSUER_FLAGS)
    flags[flags.index(flag) + 1] = value
    done = credreg(registry_dir, "new", "issuer", "harbour-data-school", *flags)
    assert done.returncode in (1, 2)
    assert words in done.stderr
    assert not (registry_dir / "registry/issuers/harbour-data-school").exists()


@pytest.mark.parametrize(
    ("flag", "value", "words"),
    [
        ("--hours", "nan", "hours: 'nan' is not a number"),  # was "YAML syntax in a value?"
        ("--hours", "inf", "hours: 'inf' is not a number"),
        ("--hours", "1e400", "hours: '1e400' is not a number"),
        ("--cost", "GBP nan", "cost 'GBP nan': write free, or an amount"),  # was written as amount NaN
        ("--cost", "GBP -inf", "cost 'GBP -inf': write free, or an amount"),
    ],
)
def test_numbers_python_reads_that_no_file_holds_are_refused_by_name(
    registry_dir: Path, flag: str, value: str, words: str
) -> None:
    """``float()`` reads ``nan``, ``inf`` and ``1e400`` as numbers: the hours gave a message about YAML syntax or a
    validation error, a cost's amount went into the answers as NaN. Both name the answer now, and write nothing."""
    flags = list(CREDENTIAL_FLAGS)
    flags[flags.index(flag) + 1] = value
    done = credreg(registry_dir, "new", "credential", "acme-academy/sql-reporting", *flags)
    assert done.returncode == 2, done.stderr
    assert words in done.stderr, done.stderr
    assert not (registry_dir / "registry/issuers/acme-academy/credentials/sql-reporting.yaml").exists()


def test_text_the_registry_accepts_is_accepted_as_typed(registry_dir: Path) -> None:
    """``credreg new`` applies the registry's own text rule, not a stricter copy: a Persian name needs the
    zero-width non-joiner, an emoji sequence the joiner; both are written and pass the check."""
    flags = list(ISSUER_FLAGS)
    flags[flags.index("--name") + 1] = "آموزشگاه\u200cها 👩\u200d💻"
    made = credreg(registry_dir, "new", "issuer", "harbour-data-school", *flags)
    assert made.returncode == 0, made.stderr
    assert "آموزشگاه\u200cها 👩\u200d💻" in (registry_dir / NEW_ISSUER).read_text(encoding="utf-8")
    checked = credreg(registry_dir, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_prompts_on_a_terminal_and_asks_again_for_a_refused_answer(registry_dir: Path) -> None:
    answers = [
        "Harbour Data School", "Training Provider", "https://harbourdata.example", "credentials@harbourdata.example",
        "We run data courses.", "GB", "", "kim-hds, @lee-hds",
        "training-provider",  # asked again: only the refused answer
    ]  # fmt: skip
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(registry_dir), "new", "issuer", "harbour-data-school"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    os.close(secondary)
    os.write(primary, ("\n".join(answers) + "\n").encode())
    chunks = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # a command that waits for more answers must fail the test, not hang it
        if not select.select([primary], [], [], 1)[0]:
            continue
        try:
            data = os.read(primary, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    assert code == 0, b"".join(chunks).decode(errors="replace")
    os.close(primary)
    shown = b"".join(chunks).decode(errors="replace")
    assert "Kind of organisation (university, college, industry-body" in shown
    assert "City (optional): " in shown
    assert "did you mean 'training-provider'? (example: kind: training-provider)\r\nplease answer again:" in shown
    assert shown.count("Kind of organisation (") == 2
    assert shown.count("Website (") == 1
    text = (registry_dir / NEW_ISSUER).read_text()
    assert "maintainers:\n  - kim-hds\n  - lee-hds\n" in text
    assert "city:" not in text
    assert credreg(registry_dir, "check").returncode == 0


def test_new_never_writes_through_a_symbolic_link_to_a_folder(registry_dir: Path, tmp_path: Path) -> None:
    """`credreg new` (and `credreg codeowners`, and the issuer's CODEOWNERS rows it writes) wrote through a folder of
    the registry that is a symbolic link: the new file went wherever it pointed, outside the repository, and
    CODEOWNERS replaced a file there. Refused now, naming the link, and nothing is written anywhere."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "CODEOWNERS").write_text("theirs\n")
    issuers = registry_dir / "registry/issuers"
    (issuers / "harbour-data-school").symlink_to(outside)
    made = credreg(registry_dir, "new", "issuer", "harbour-data-school", *ISSUER_FLAGS)
    assert made.returncode == 2, made.stdout + made.stderr
    assert "registry/issuers/harbour-data-school is a symbolic link" in made.stderr, made.stderr
    assert "nothing was written" in made.stderr
    (issuers / "harbour-data-school").unlink()
    credentials = issuers / "acme-academy/credentials"
    for path in credentials.iterdir():
        path.rename(outside / path.name)
    credentials.rmdir()
    credentials.symlink_to(outside)
    made = credreg(registry_dir, "new", "credential", "acme-academy/sql-reporting", *CREDENTIAL_FLAGS)
    assert made.returncode == 2, made.stdout + made.stderr
    assert "registry/issuers/acme-academy/credentials is a symbolic link" in made.stderr, made.stderr
    assert not (outside / "sql-reporting.yaml").exists()
    credentials.unlink()
    credentials.mkdir()
    for path in outside.glob("*.yaml"):
        path.rename(credentials / path.name)
    github = registry_dir / ".github"
    if github.exists():
        for path in github.iterdir():
            path.unlink()
        github.rmdir()
    github.symlink_to(outside)
    owners = credreg(registry_dir, "codeowners")
    assert owners.returncode != 0, owners.stdout + owners.stderr
    assert "cannot write .github/CODEOWNERS: .github is a symbolic link" in owners.stderr, owners.stderr
    made = credreg(registry_dir, "new", "issuer", "harbour-data-school", *ISSUER_FLAGS)
    assert made.returncode != 0, made.stdout + made.stderr
    assert ".github is a symbolic link" in made.stderr, made.stderr
    assert not (issuers / "harbour-data-school").exists(), "the issuer's file was written, CODEOWNERS refused"
    assert (outside / "CODEOWNERS").read_text() == "theirs\n"
    assert sorted(p.name for p in outside.iterdir()) == ["CODEOWNERS"]


def test_a_new_issuer_interrupted_as_codeowners_is_replaced_keeps_both_files(
    registry_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C as CODEOWNERS's rename into place has returned (Python raises it at the next line, still inside the
    all-or-nothing block): the issuer's file was taken back while CODEOWNERS kept the new issuer's row, and the
    check refused the registry (`codeowners.stale`) until someone ran the command again. Once CODEOWNERS is in
    place the step is done: the issuer's file stays with it, and the interruption is still told (130)."""
    import signal

    from generator.cli import main

    (registry_dir / ".github").mkdir(exist_ok=True)
    (registry_dir / ".github" / "CODEOWNERS").write_text("# regenerated by credreg codeowners\n")
    assert main(["--root", str(registry_dir), "codeowners"]) == 0
    real = Path.replace
    sent: list[Path] = []

    def replace(self: Path, target: str | os.PathLike[str]) -> Path:
        done = real(self, target)
        if Path(target).name == "CODEOWNERS":
            sent.append(Path(target))
            ctrl_c()
        return done

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        monkeypatch.setattr(Path, "replace", replace)
        code = main(["--root", str(registry_dir), "new", "issuer", "harbour-data-school", *ISSUER_FLAGS])
    finally:
        monkeypatch.undo()
        signal.signal(signal.SIGINT, before)
    assert sent
    assert code == 130
    assert "harbour-data-school" in (registry_dir / ".github" / "CODEOWNERS").read_text()
    assert (registry_dir / NEW_ISSUER).is_file(), "CODEOWNERS names an issuer whose file was taken back"
    checked = credreg(registry_dir, "check")
    assert "codeowners.stale" not in checked.stdout + checked.stderr, checked.stdout


def test_a_new_issuer_whose_codeowners_write_fails_after_its_rename_keeps_both_files(
    registry_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error reported once CODEOWNERS's rename has taken effect (a network file system's rename retried, a sync
    after it): the issuer's file was taken back while CODEOWNERS kept the new issuer's row, the check refused the
    registry (`codeowners.stale`) and the command, run again, said the issuer's file was missing from CODEOWNERS'
    point of view. CODEOWNERS reads back as written: the write is done, and so is the command."""
    import errno

    from generator.cli import main

    (registry_dir / ".github").mkdir(exist_ok=True)
    (registry_dir / ".github" / "CODEOWNERS").write_text("# regenerated by credreg codeowners\n")
    assert main(["--root", str(registry_dir), "codeowners"]) == 0
    real = Path.replace
    failed: list[Path] = []

    def replace(self: Path, target: str | os.PathLike[str]) -> Path:
        done = real(self, target)
        if Path(target).name == "CODEOWNERS":
            failed.append(Path(target))
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return done

    monkeypatch.setattr(Path, "replace", replace)
    code = main(["--root", str(registry_dir), "new", "issuer", "harbour-data-school", *ISSUER_FLAGS])
    monkeypatch.undo()
    assert failed
    assert code == 0
    assert "harbour-data-school" in (registry_dir / ".github" / "CODEOWNERS").read_text()
    assert (registry_dir / NEW_ISSUER).is_file(), "CODEOWNERS names an issuer whose file was taken back"
    checked = credreg(registry_dir, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
