"""Private keys of the log and of witnesses, on disk: written once and never over anything."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from generator.errors import KeyFileError, UsageError
from generator.transparency.keys import generate_note_key, load_note_key


def test_a_note_key_is_written_private_and_loads(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "log.key"
    signer = generate_note_key(path, "credentials.example.org/log", "log")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_note_key(path, "log").verifier.vkey == signer.verifier.vkey
    assert [p.name for p in path.parent.iterdir()] == ["log.key"], "no temporary file left"


def test_a_note_key_never_replaces_a_file_nor_writes_through_a_link(tmp_path: Path) -> None:
    # A dangling link is no file to path.exists(): it was opened (O_EXCL) and failed with a traceback.
    dangling = tmp_path / "log.key"
    dangling.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(KeyFileError, match=f"{dangling} already exists; not overwriting a private key"):
        generate_note_key(dangling, "credentials.example.org/log", "log")
    assert not (tmp_path / "elsewhere").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.key"], "no temporary file left"


def test_a_note_key_that_cannot_be_written_is_a_usage_error(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    with pytest.raises(
        UsageError, match=f"cannot write the private key {a_file / 'log.key'}: {a_file} is not a folder"
    ):
        generate_note_key(a_file / "log.key", "credentials.example.org/log", "log")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"format": "credreg-note-key/1", "role": "log", "role": "witness"}', ":1:49: duplicate key 'role'"),
        ('{"format": "credreg-note-key/1", "seed": NaN}', ":1:42: invalid JSON: NaN is not valid JSON"),
        ("[" * 3000 + "]" * 3000, ":1:65: nesting deeper than 64 levels"),  # was a RecursionError traceback
        ('{"format": "credreg-note-key/1",}', ":1:33: invalid JSON: Expecting property name enclosed in double quotes"),
    ],
    ids=["duplicate", "nan", "deep", "syntax"],
)
def test_a_malformed_log_key_file_is_located(tmp_path: Path, text: str, problem: str) -> None:
    # The log's key reaches CI as a pasted repository secret written to a file: read as every JSON file is.
    path = tmp_path / "log.key"
    path.write_text(text)
    path.chmod(0o600)
    with pytest.raises(KeyFileError) as info:
        load_note_key(path, "log")
    assert info.value.summary == f"{path} is not a credreg log or witness key file"
    assert info.value.details[0].startswith(f"{path}{problem}"), info.value.details


def test_a_log_key_file_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "log.key"
    path.write_text("[]\n")
    path.chmod(0o600)
    with pytest.raises(KeyFileError, match=f"{path} is not a credreg log or witness key file: not a JSON object"):
        load_note_key(path, "log")
