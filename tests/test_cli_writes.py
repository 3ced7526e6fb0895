"""What the CLI writes and prints, under a hostile file system or hostile text: appends to a CI file named on the
command line are whole or absent (a full disk included), a message names the file the user asked for (never a
temporary sibling), text from files or paths is printed escaped so that what a file says is told from what it
commands, and concurrent `credreg new issuer` runs leave CODEOWNERS current."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import cli
from generator._internal.files import write_new, write_option_file, write_staged, write_text_atomic
from generator.awarding.lock import held
from generator.cli import _append_option_file
from generator.errors import FolderLocked, UsageError
from generator.governance.codeowners import read_codeowners, render_codeowners
from generator.load import load_registry
from generator.report import terminal_safe, terminal_text
from tests.awarding.test_full_disk import _fill, _pad_to_page_end, small_disk
from tests.conftest import REPO
from tests.governance.conftest import Repo, base_repo, repo
from tests.scaffold.test_new import ISSUER_FLAGS

__all__ = ["base_repo", "repo", "small_disk"]  # the fixtures, imported for the tests below


def test_a_summary_appended_on_a_full_disk_leaves_the_file_as_it_was(small_disk: Path) -> None:
    """`credreg check --summary FILE` (and `preview-summary --summary`, `form --outputs`) appended with a plain
    write: a full disk midway left half a summary (a table cut mid-row) that the job's summary then showed, and
    the next step's text was glued onto it. Appended as the registry's logs are: whole or not at all."""
    summary = small_disk / "step-summary.md"
    _pad_to_page_end(summary, "## earlier step", free=40)
    _fill(small_disk)
    before = summary.read_bytes()
    with pytest.raises(UsageError, match="No space left on device") as raised:
        _append_option_file("--summary", str(summary), "| file | problem |\n|---|---|\n" + "| x | y |\n" * 50)
    assert str(summary) in str(raised.value)
    assert summary.read_bytes() == before
    os.unlink(small_disk / "filler")
    _append_option_file("--summary", str(summary), "## next\n")
    assert summary.read_bytes() == before + b"## next\n"


def test_a_typed_backslash_escape_is_told_from_the_character_it_spells() -> None:
    """A file holding the four characters ``\\x1b`` and one holding ESC printed alike (``\\x1b``): a message could
    not say which the file holds, and a name typed to look escaped passed for one that is."""
    assert terminal_safe("\x1b") == "\\x1b"
    assert terminal_safe("\\x1b") != terminal_safe("\x1b")
    assert terminal_safe("\\u202e") != terminal_safe("\u202e")
    assert terminal_text("a\\x0a\nb") != terminal_text("a\n\nb")
    shown = {terminal_safe(t) for t in ("\\\\x1b", "\\x1b", "\\\x1b", "\x1b", "\\\\\x1b")}
    assert len(shown) == 5
    # A backslash before anything else stays as it is: a pattern in a message reads as written.
    assert terminal_safe(r"^[a-z]\d+$") == r"^[a-z]\d+$"


def test_the_waiting_line_of_a_lock_shows_the_path_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`credreg log publish --state PATH` waiting on another run printed PATH raw: a folder named with an escape
    sequence cleared the screen, or rewrote the line, of whoever ran it."""
    folder = tmp_path / "state\x1b[2Jx"
    folder.mkdir()
    monkeypatch.setenv("CREDREG_LOCK_TIMEOUT", "0.1")
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(FolderLocked), held(folder, str(folder), "log publish"):
            pass
    finally:
        os.close(fd)
    err = capsys.readouterr().err
    assert "waiting" in err
    assert "\x1b" not in err
    assert "state\\x1b[2Jx" in err


@pytest.fixture
def read_only_disk(small_disk: Path) -> Iterator[Path]:
    """``small_disk`` remounted read-only, with a folder in it."""
    (small_disk / "out").mkdir()
    if subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=False).returncode != 0:
        pytest.skip("cannot remount the tmpfs read-only")
    try:
        yield small_disk / "out"
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=False)


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "no O_TMPFILE"])
@pytest.mark.parametrize("write", [write_text_atomic, lambda p, t: write_new(p, t.encode())], ids=["atomic", "new"])
def test_a_write_that_cannot_open_names_the_file_asked_for(
    read_only_disk: Path, monkeypatch: pytest.MonkeyPatch, unnamed: bool, write: object
) -> None:
    """Where the file system makes no unnamed files, the error named the temporary sibling
    (``.summary.md.3f9a….tmp: Read-only file system``), a file the user never named and cannot find; with them,
    the folder. Both name the file asked for now."""
    if not unnamed:
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    target = read_only_disk / "summary.md"
    with pytest.raises(OSError, match="Read-only file system") as raised:
        write(target, "text\n")  # type: ignore[operator]
    assert raised.value.errno == errno.EROFS
    assert raised.value.filename == str(target)
    assert raised.value.filename2 is None


def test_concurrent_new_issuers_leave_codeowners_current(registry_dir: Path) -> None:
    """Each `credreg new issuer` loaded the registry and rewrote CODEOWNERS: run at once, the last writer's file
    lacked the issuers of the runs it had not seen, and the check then said CODEOWNERS was out of date. They take
    turns now, under the lock of CODEOWNERS's folder: while another run (here, this test) holds it, every run
    says it waits and has written nothing; once it is released, CODEOWNERS names every new issuer."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "CREDREG_LOCK_TIMEOUT": "300"}
    command = [sys.executable, "-m", "generator", "--root", str(registry_dir)]
    if not (registry_dir / ".github/CODEOWNERS").is_file():
        subprocess.run([*command, "codeowners"], check=True, capture_output=True, env=env)
    names = [f"harbour-school-{i}" for i in range(4)]
    fd = os.open(registry_dir / ".github", os.O_RDONLY | os.O_DIRECTORY)
    runs = []
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        for name in names:
            run = subprocess.Popen(
                [*command, "new", "issuer", name, *ISSUER_FLAGS],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                env=env,
                text=True,
            )
            runs.append(run)
            assert run.stderr is not None
            said = run.stderr.readline()  # EOF ("") if the run ended without waiting
            assert "credreg: waiting: another credreg run is changing .github" in said, said + run.stderr.read()
        assert not any((registry_dir / "registry/issuers" / name).exists() for name in names)
    finally:
        os.close(fd)
        for run in runs:
            _out, err = run.communicate(timeout=300)
            assert run.returncode == 0, err
    loaded = load_registry(registry_dir)
    assert loaded.registry is not None
    assert set(names) <= set(loaded.registry.issuers)
    assert read_codeowners(registry_dir) == render_codeowners(loaded.registry)


def _cache_run(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Open the registry's verification cache, add an entry and save it (appended when the file exists), then
    the parse cache likewise: in a child process, so that a read that never ends fails the test, not hangs it."""
    code = (
        "import sys; from pathlib import Path\n"
        "from generator.verify.cache import VerificationCache\n"
        "from generator.parse_cache import ParseCache\n"
        "root = Path(sys.argv[1])\n"
        "cache = VerificationCache.open(root); cache.put('statement', True); cache.save()\n"
        "cache = VerificationCache.open(root); cache.put('another', True); cache.save()\n"
        "parsed = ParseCache.open(root)\n"
        "if parsed is not None: parsed.save()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=60, check=False, env=env
    )


@pytest.fixture
def cache_env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "CREDREG_CACHE_SECRET": "test-secret"}
    env.pop("CREDREG_CACHE_DIR", None)
    return env


@pytest.mark.parametrize("link", [".cache", ".cache/credreg", ".cache/credreg/verified.tags"])
def test_the_cache_never_writes_through_a_link_in_the_checkout(
    tmp_path: Path, cache_env: dict[str, str], link: str
) -> None:
    """The verification cache lives in the checkout (``.cache/credreg``), which a pull request shapes: a link
    committed there (``git add -f``) made `credreg check` in CI append its tags to, or replace, a file anywhere
    the runner could write (a shell's profile). Links are never written through: the cache is then kept in
    memory, or the link replaced."""
    root = tmp_path / "checkout"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "profile"
    victim.write_bytes(b"credreg-vcache1\n" + b"keep me as I am")
    target = outside if link != ".cache/credreg/verified.tags" else victim
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    (root / link).symlink_to(target)
    done = _cache_run(root, cache_env)
    assert done.returncode == 0, done.stderr
    assert victim.read_bytes() == b"credreg-vcache1\n" + b"keep me as I am"
    assert sorted(p.name for p in outside.iterdir()) == ["profile"]


def test_the_cache_never_reads_a_fifo_or_a_device(tmp_path: Path, cache_env: dict[str, str]) -> None:
    """A cache file that is a FIFO (or a link to /dev/zero) made the check wait for ever, or read without end."""
    root = tmp_path / "checkout"
    (root / ".cache/credreg").mkdir(parents=True)
    os.mkfifo(root / ".cache/credreg/verified.tags")
    os.mkfifo(root / ".cache/credreg/parsed.jsonl")
    done = _cache_run(root, cache_env)
    assert done.returncode == 0, done.stderr


def test_a_staged_write_never_follows_a_link(tmp_path: Path) -> None:
    """What a build or `credreg demo` writes into its staging folder was opened following links: a link there
    (the folder reused, or made by another process of the user) had the file written wherever it pointed."""
    stage = tmp_path / "stage"
    stage.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("mine\n")
    (stage / "index.html").symlink_to(victim)
    with pytest.raises(OSError, match="Too many levels of symbolic links") as raised:
        write_staged(stage / "index.html", b"<html>")
    assert raised.value.filename == str(stage / "index.html")
    assert victim.read_text() == "mine\n"
    write_staged(stage / "a" / "b.json", b"{}\n")  # folders made as needed
    assert (stage / "a" / "b.json").read_bytes() == b"{}\n"


def test_a_summary_in_a_missing_folder_is_an_error_not_a_new_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="No such file or directory"):
        _append_option_file("--summary", str(tmp_path / "typo" / "summary.md"), "## x\n")
    assert not (tmp_path / "typo").exists()


def test_an_option_file_that_is_a_fifo_or_a_device_is_written_to_not_replaced(tmp_path: Path) -> None:
    """`credreg form --pr-body /dev/stdout` (or a FIFO, a process substitution) renamed a temporary file over the
    name: /dev/stdout became a regular file when run as root, and a FIFO's reader waited for ever."""
    fifo = tmp_path / "body"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_option_file("--pr-body", str(fifo), "the body\n")
    reader.join(timeout=30)
    assert got == [b"the body\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    sink = tmp_path / "sink"
    sink.symlink_to("/dev/null")
    write_option_file("--pr-body", str(sink), "gone\n")
    assert sink.is_symlink()
    assert Path("/dev/null").is_char_device()


def test_what_a_command_prints_shows_a_path_escaped(tmp_path: Path) -> None:
    """Lines a command printed for people held paths the user gave (and names, reasons read from files) raw: a
    folder named with an escape sequence cleared the terminal of whoever ran `credreg demo` (or award, revoke…)."""
    out = tmp_path / "demo\x1b[2J\\x1b"
    done = subprocess.run(
        [
            *(sys.executable, "-m", "generator", "demo", "--issuers", "1", "--credentials", "1", "--awards", "0"),
            *("--out", str(out), "--keys", str(tmp_path / "keys")),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout + done.stderr
    assert f"wrote {tmp_path}/demo\\x1b[2J\\\\x1b:" in done.stdout


def test_a_path_with_a_line_break_stays_on_the_message_s_line(tmp_path: Path) -> None:
    """`credreg check --summary "$(printf 'x\\ncredreg: ok')"` failing printed the path's second line as a line of
    its own: a message that a script or a reader took for the run's verdict."""
    path = tmp_path / "missing" / "x\ncredreg: ok"
    with pytest.raises(UsageError) as raised:
        _append_option_file("--summary", str(path), "## x\n")
    message = raised.value.explain()
    assert "\n" not in message.split(": No such file")[0]
    assert "x\\x0acredreg: ok" in message


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "\x1b[2Jgone"],  # unrecognized arguments: argparse joins them as typed
        ["\x1b[2Jgone"],  # an unknown command
        ["revoke", "--reason", "\x1b]0;title\x07"],  # a missing argument, with a value beside it
    ],
)
def test_argument_errors_show_typed_controls_escaped(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """An argument a script passes on (a file name from a glob) reaches argparse's own error messages: they are
    shown escaped like every other message, not obeyed by the terminal."""
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\x07" not in err
    assert "usage: credreg" in err  # the usage's own line breaks are kept


def test_preview_summary_shows_a_changed_files_name_escaped(repo: Repo) -> None:
    """`preview-summary` without --summary prints its Markdown to the terminal: a changed file's name is the pull
    request author's text (``generator/\\x1b[2J.py``), shown escaped, not obeyed."""
    (repo.root / "generator").mkdir(exist_ok=True)
    (repo.root / "generator" / "\x1b[2Jx.py").write_text("")
    subprocess.run(["git", "add", "-A"], cwd=repo.root, check=True)
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(repo.root), "preview-summary", "--base", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout
    # The summary writes the name out (a Markdown code span holds `\x1b`, four characters); the terminal shows
    # that text as typed, its backslash doubled, as it shows every typed escape.
    assert "generator/\\\\x1b[2Jx.py" in done.stdout


def test_json_output_holds_no_character_a_terminal_acts_on() -> None:
    """`--format json` is read on terminals and in CI logs too: JSON escapes C0 controls itself, but not DEL, the
    C1 controls (U+009B is an 8-bit CSI), the bidi overrides or the line separators a file's name can hold. They
    are written as JSON escapes, so the document parses to the same values."""
    from generator._internal.text import first_unseen
    from generator.errors import Location, Problem
    from generator.report import OutputFormat, format_problems

    name = "registry/a\u202egpj.exe\x9b2J\x7f\u2028b\\x1b.yaml"
    problem = Problem(Location(name, 1), "bad \u2066value\u2069")
    text = format_problems([problem], OutputFormat.JSON, summary={"ok": False})
    assert first_unseen(text) is None  # nothing a terminal would act on
    assert json.loads(text)["problems"][0]["path"] == name
    assert "é" in format_problems([Problem(Location("é.yaml"), "x")], OutputFormat.JSON, summary={})
