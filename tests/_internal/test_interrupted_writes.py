"""A process killed (SIGKILL) while it writes a file leaves nothing behind: no half file under the name, and no
temporary file that would block the registry's check, and with it every later command."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.load import load_registry
from tests.conftest import REPO, Signer


def _unnamed_files_named(folder: Path) -> bool:
    """Whether this machine names an unnamed file (O_TMPFILE) through /proc (Linux with /proc; elsewhere every
    write goes through a temporary name, and the check's message is the help)."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return False
    try:
        fd = os.open(folder, flag | os.O_WRONLY, 0o600)
    except OSError:
        return False
    try:
        os.link(f"/proc/self/fd/{fd}", folder / "probe", src_dir_fd=fd, follow_symlinks=True)
    except OSError:
        return False
    finally:
        os.close(fd)
    (folder / "probe").unlink()
    return True


def _need_unnamed_files(tmp_path: Path) -> None:
    if not _unnamed_files_named(tmp_path):
        pytest.skip("this machine cannot name an unnamed file through /proc")


# Run in the child: os.fsync, called once a file's bytes are written and before it is named, kills the process
# when the file it syncs lies under FOLDER, the way `kill -9` or a power cut would at that moment.
_KILL_AT_FSYNC = """
import os, signal, sys
folder = sys.argv.pop(1)
real_fsync = os.fsync
def fsync(fd):
    real_fsync(fd)
    if os.readlink(f"/proc/self/fd/{fd}").startswith(folder):
        os.kill(os.getpid(), signal.SIGKILL)
os.fsync = fsync
"""


def _killed(folder: Path, code: str, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _KILL_AT_FSYNC + textwrap.dedent(code), str(folder), *args],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == -9, done.stderr  # it was killed at the fsync, not ended otherwise


@pytest.mark.parametrize("function", ["write_new", "write_text_atomic"])
def test_a_write_killed_before_the_file_is_named_leaves_nothing(tmp_path: Path, function: str) -> None:
    _need_unnamed_files(tmp_path)
    folder = tmp_path / "status"
    folder.mkdir()
    (folder / "2.json").write_text("old\n")
    code = f"""
        from pathlib import Path
        from generator._internal.files import write_new, write_text_atomic
        target = Path(sys.argv[1])
        write_new(target, b"new\\n") if {function == "write_new"} else write_text_atomic(target, "new\\n")
    """
    _killed(folder, code, str(folder / ("1.json" if function == "write_new" else "2.json")))
    assert sorted(p.name for p in folder.iterdir()) == ["2.json"]
    assert (folder / "2.json").read_text() == "old\n", "the file replaced is whole: the old one"


def test_an_award_run_killed_while_it_writes_the_registry_leaves_it_loadable(signer: Signer, tmp_path: Path) -> None:
    """`credreg award --csv` killed as it writes the cohort's status list: the registry loads (no stray file),
    and the cohort can be awarded again."""
    _need_unnamed_files(tmp_path)
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email\n" + "".join(f"p{i}@example.org\n" for i in range(20)))
    awards = ["-m", "generator", "--root", str(signer.root), "award", "acme-academy/sql-basics"]
    code = """
        import runpy
        sys.argv = ["credreg", *sys.argv[1:]]
        runpy.run_module("generator", run_name="__main__")
    """
    args = [*awards[2:], "--csv", str(cohort), "--key", str(signer.key_path), "--out", str(tmp_path / "e1")]
    _killed(signer.root / "registry", code, *args)
    loaded = load_registry(signer.root)
    assert [str(p) for p in loaded.problems.errors] == []
    again = [*args[:-1], str(tmp_path / "e2")]
    done = subprocess.run(
        [sys.executable, "-m", "generator", *again],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "20 awards in" in done.stdout
