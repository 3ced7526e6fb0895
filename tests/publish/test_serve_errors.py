"""credreg serve's rebuild reports a failed build as the CLI reports an error: what a terminal would act on escaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.publish.serve import _build


@pytest.mark.parametrize("unseen", ["\x1b[2K\r", "\u202e"])
def test_a_failed_rebuild_prints_what_a_terminal_would_act_on_escaped(
    tmp_path: Path, unseen: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The message of a build that failed quotes input (a folder's name, a field's value) and was printed as it
    was, past the escaping the CLI gives every other error message: an escape sequence in a folder's name erased
    the line, a bidi override reordered it."""
    root = tmp_path / "registry"
    (root / "registry/issuers" / f"acme{unseen}academy").mkdir(parents=True)
    _build(root, tmp_path / "site")
    err = capsys.readouterr().err
    assert "build failed" in err, err
    assert unseen[0] not in err
    escaped = f"\\x{ord(unseen[0]):02x}" if ord(unseen[0]) < 0x100 else f"\\u{ord(unseen[0]):04x}"
    assert f"acme{escaped}" in err, err
