"""A hand-over of the log's witnesses (generator/transparency/handover.py, tlog.js ``handoverProblem``) on the real
verification page in Chromium: a returning visitor takes up a hand-over announced in the log that the witness it
remembers cosigned; witnesses swapped in with an announcement of their own (in the same commit, cosigned only by the
new witness) are not taken up. The served site's ``log/`` and ``verify/`` are swapped between visits, so the origin
and its localStorage stay the same (tests/browser/test_verify_log.py)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.load import load_registry
from generator.tlog.note import NoteSigner
from generator.transparency.keys import generate_note_key
from generator.transparency.log import LogSource, open_log
from generator.transparency.publish import publish_log
from generator.transparency.witness import add_cosignatures, witness_log
from tests.browser.conftest import serve_dir
from tests.browser.test_verify_log import _log_line, _new_page, _swappable
from tests.transparency.conftest import LogRepo, commit_all, copy_example, git, make_log_repo, plant_award, serve_log


@pytest.fixture
def log_repo(tmp_path: Path) -> LogRepo:
    return make_log_repo(tmp_path, copy_example(tmp_path / "example"))


def _stage(repo: LogRepo, out: Path, page: Path, name: str, state: Path, by: NoteSigner) -> Path:
    """The repository's HEAD published into ``state``, its checkpoint cosigned by ``by`` alone (each witness with
    its own state), served as the site folder ``out/name`` (``log/`` and ``verify/``)."""
    registry = load_registry(repo.root).registry
    assert registry is not None
    publish_log(repo.root, registry, state, repo.signer)
    witness_state = out / f"state-{by.verifier.name.replace('/', '-')}"
    done = witness_log(LogSource(state), witness_state, by, vkey=repo.signer.verifier.vkey)
    note, _ = add_cosignatures(open_log(LogSource(state), repo.signer.verifier), [by.verifier], [done.note.encode()])
    (state / "checkpoint").write_bytes(note.encode())
    shutil.copytree(page, out / name / "verify")
    serve_log(registry, state, out / name)
    return out / name


def _announce(repo: LogRepo, witness: NoteSigner, *, swap: bool) -> None:
    """``log.handover`` naming ``witness`` committed (``swap``: listed in place of the current witness in the same
    commit, as a holder of the repository swapping in its own would)."""
    governance = repo.root / "registry/governance.yaml"
    text = governance.read_text()
    if swap:
        text = text.replace(repo.witness.verifier.vkey, witness.verifier.vkey)
    text += f"  handover:\n    witnesses:\n      - name: Next\n        vkey: {witness.verifier.vkey}\n    quorum: 1\n"
    governance.write_text(text)
    commit_all(repo.root, "announce the next witness")


def test_a_returning_visitor_takes_up_an_announced_handover_and_not_a_swap(
    browser: Any, built_site: Path, log_repo: LogRepo, tmp_path: Path
) -> None:
    page_dir = built_site / "verify"
    out = tmp_path / "sites"
    out.mkdir()
    first = _stage(log_repo, out, page_dir, "first", log_repo.state, log_repo.witness)
    branch = git(log_repo.root, "rev-parse", "--abbrev-ref", "HEAD").strip()

    # The attack, on a branch and a copy of the log's state: the holder's own witness announced and listed in one
    # commit, the checkpoint cosigned by it alone.
    own = generate_note_key(tmp_path / "own.key", "witness.example.com/own", "witness")
    git(log_repo.root, "checkout", "-q", "-b", "swap")
    _announce(log_repo, own, swap=True)
    swap_state = tmp_path / "swap-state"
    shutil.copytree(log_repo.state, swap_state)
    swapped = _stage(log_repo, out, page_dir, "swapped", swap_state, own)
    git(log_repo.root, "checkout", "-q", branch)

    # The honest hand-over: announced, cosigned by the old witness; then taken up, cosigned by the new one alone.
    nxt = generate_note_key(tmp_path / "next.key", "witness.example.com/next", "witness")
    _announce(log_repo, nxt, swap=False)
    announced = _stage(log_repo, out, page_dir, "announced", log_repo.state, log_repo.witness)
    governance = log_repo.root / "registry/governance.yaml"
    text = governance.read_text().split("  handover:\n")[0]
    governance.write_text(text.replace(log_repo.witness.verifier.vkey, nxt.verifier.vkey))
    plant_award(log_repo, serial="c0de")
    commit_all(log_repo.root, "hand the log over")
    handed = _stage(log_repo, out, page_dir, "handed", log_repo.state, nxt)

    show = _swappable(built_site, tmp_path / "served", ("log", "verify"))
    award = log_repo.award_files()[0].stem
    context, page, errors = _new_page(browser)
    with serve_dir(tmp_path / "served", no_store=True) as url:
        target = f"{url}verify/#{award}"
        show(first)
        status, text = _log_line(page, target)
        assert status == "passed", text
        assert "cosigned by 1 of 1 witnesses" in text

        show(swapped)  # its own witness, its own announcement: never cosigned by the one this browser saw
        status, text = _log_line(page, target)
        assert status == "failed", text
        assert "a log shown without the witnesses it had" in text
        assert page.get_attribute("#cr-verdict", "data-verdict") != "valid"

        show(announced)  # the old witness cosigns the announcement: this browser saw it
        status, text = _log_line(page, target)
        assert status == "passed", text

        show(handed)  # the new witness alone: the announced hand-over, taken up
        status, text = _log_line(page, target)
        assert status == "passed", text
        assert "cosigned by 1 of 1 witnesses" in text

        show(swapped)  # and the swap, on a log that is no longer this one's history, still fails
        status, text = _log_line(page, target)
        assert status == "failed", text
    context.close()
    assert not errors
