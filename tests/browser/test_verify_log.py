"""The verification page's public-log check in Chromium: the example site served with a published log.

The built example site is served with a ``log/`` and the ``verify/`` data holding the awards' log records
beside it (links swapped between visits, so the origin and its localStorage stay the same): a first visit
shows "recorded in the public log as entry N of S"; a return
visit shown a rewritten log (a split view) is told so; a tampered log fails.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.endorsements import iter_endorsements, verify_endorsement
from generator.load import load_registry
from generator.transparency.log import LogSource, open_log
from generator.transparency.publish import publish_log
from generator.transparency.witness import add_cosignatures, witness_log
from tests.browser.conftest import serve_dir
from tests.browser.test_verify_page import checks, wait_for_verdict
from tests.transparency.conftest import (
    LogRepo,
    commit_all,
    copy_example,
    git,
    make_log_repo,
    plant_award,
    serve_log,
)


@pytest.fixture
def log_repo(tmp_path: Path) -> LogRepo:
    return make_log_repo(tmp_path, copy_example(tmp_path / "example"))


def _logs(repo: LogRepo, out: Path, page: Path) -> tuple[Path, Path, Path]:
    """The real log, a fork of a rewritten history signed with the same key, and the real one tampered: each a
    site folder with ``log/`` and ``verify/`` (the page's folder, the verification data written for that log)."""
    registry = load_registry(repo.root).registry
    assert registry is not None
    publish_log(repo.root, registry, repo.state, repo.signer)
    cosigned = witness_log(LogSource(repo.state), out / "witness", repo.witness, vkey=repo.signer.verifier.vkey)
    log = open_log(LogSource(repo.state), repo.signer.verifier)
    note, _ = add_cosignatures(log, [repo.witness.verifier], [cosigned.note.encode()])
    (repo.state / "checkpoint").write_bytes(note.encode())

    def site(name: str, state: Path) -> Path:
        shutil.copytree(page, out / name / "verify")
        serve_log(registry, state, out / name)
        return out / name

    real = site("real", repo.state)
    tampered = out / "tampered"
    shutil.copytree(real, tampered)
    # The right edge's hashes, which every proof of this log uses.
    policy = json.loads((tampered / "log/policy.json").read_text())
    frontier = bytearray(base64.b64decode(policy["frontier"]["hashes"]))
    frontier[-32] ^= 1
    policy["frontier"]["hashes"] = base64.b64encode(frontier).decode()
    (tampered / "log/policy.json").write_text(json.dumps(policy))
    git(repo.root, "checkout", "-q", "--orphan", "rewritten")
    repo.award_files()[7].unlink()
    for issuer in ("brightforge-academy", "cloud-skills-council"):
        plant_award(repo, issuer)
    commit_all(repo.root, "rewritten")
    forked_state = out / "forked-state"
    publish_log(repo.root, registry, forked_state, repo.signer)
    return real, site("forked", forked_state), tampered


def _swappable(built_site: Path, served: Path, names: tuple[str, ...]) -> Callable[[Path], None]:
    """The built site served from ``served``, its folders ``names`` linked to those of the site given to the
    function returned (swapped between visits, so the origin and its localStorage stay the same)."""
    served.mkdir()
    for child in built_site.iterdir():
        if child.name not in names:
            (served / child.name).symlink_to(child)

    def show(site: Path) -> None:
        for name in names:
            (served / name).unlink(missing_ok=True)
            (served / name).symlink_to(site / name)

    return show


def _new_page(browser: Any) -> tuple[Any, Any, list[str]]:
    """A page in a context of its own, and the list its script errors fill as they happen."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def _log_line(page: Any, url: str) -> tuple[str, str]:
    page.goto("about:blank")  # a new visit, not a same-document navigation
    page.goto(url)
    wait_for_verdict(page)
    page.wait_for_selector("#cr-checks li[data-check=log]", state="attached")  # in the collapsed details
    return checks(page)["log"]


def test_the_page_checks_the_log_and_remembers_it(
    browser: Any, built_site: Path, log_repo: LogRepo, tmp_path: Path
) -> None:
    real, forked, tampered = _logs(log_repo, tmp_path, built_site / "verify")
    served = tmp_path / "served"
    show = _swappable(built_site, served, ("log", "verify"))
    award = log_repo.award_files()[0].stem
    context, page, errors = _new_page(browser)
    with serve_dir(served, no_store=True) as url:
        show(real)
        status, text = _log_line(page, f"{url}verify/#{award}")
        assert status == "passed", text
        assert "Recorded in the public log as entry" in text
        assert "of 421, checkpoint signed by the registry and cosigned by 1 of 1 witnesses; a witness last " in text
        # The status list the page judged the award's status by is the log's latest version of it.
        assert re.search(r"; its status list registry/issuers/[a-z-]+/status/1\.json is the log's latest version "
                         r"of it \(entry [0-9]+\)\.$", text), text  # fmt: skip
        show(forked)
        status, text = _log_line(page, f"{url}verify/#{award}")
        assert status == "failed"
        assert "not consistent with the one this browser saw before (421 entries)" in text
        assert page.get_attribute("#cr-verdict", "data-verdict") != "valid"

        fresh = browser.new_context()
        other = fresh.new_page()
        show(tampered)
        status, text = _log_line(other, f"{url}verify/#{award}")
        assert status == "failed"
        assert "does not check out" in text
        fresh.close()
    context.close()
    assert not errors


def _endorsement(browser: Any, url: str) -> tuple[str, str, str]:
    """(state, note, title) of the endorsement on a credential page, checked by a new visitor."""
    from tests.browser.test_endorsements import BACKEND, _verified

    context, page, errors = _new_page(browser)
    page.goto(url + BACKEND)
    [state] = _verified(page)
    item = page.locator("li[data-endorsement]")
    note = item.locator("[data-endorsement-check]").text_content() or ""
    title = item.get_attribute("title") or ""
    context.close()
    assert not errors
    return state, note, title


def test_an_endorsement_is_checked_against_the_log_as_an_award_is(
    browser: Any, built_site: Path, log_repo: LogRepo, tmp_path: Path
) -> None:
    """A credential page's endorsement: valid only when the log records it (found through
    ``log/index/endorsements/``, proven against the checkpoint, the endorser's list its latest version); one the
    log does not record, a log that does not check out, or the endorser's list served as an older version makes
    it "Not valid"."""
    # A new version of the endorser's list (the same signed content, other bytes), logged; the site serves both.
    rel = "endorsers/valencia-tech-employers-network/status/1.json"
    older = (log_repo.root / "registry" / rel).read_bytes()
    newer = (json.dumps(json.loads(older), indent=4) + "\n").encode()
    assert newer != older
    (log_repo.root / "registry" / rel).write_bytes(newer)
    commit_all(log_repo.root, "the endorser's list, reformatted")
    real, _, tampered = _logs(log_repo, tmp_path, built_site / "verify")
    unlogged = tmp_path / "unlogged"
    shutil.copytree(real, unlogged)
    shutil.rmtree(unlogged / "log/index/endorsements")  # slipped into the site without being logged
    served = tmp_path / "served"
    served.mkdir()
    for child in built_site.iterdir():
        if child.name not in ("verify", "endorsers"):
            (served / child.name).symlink_to(child)
    shutil.copytree(built_site / "endorsers", served / "endorsers")
    assert (served / rel).read_bytes() == older

    def show(log: Path) -> None:
        for name in ("log", "verify"):
            (served / name).unlink(missing_ok=True)
            (served / name).symlink_to(log / name)

    example = load_registry(log_repo.root).registry
    assert example is not None
    endorsed = sorted(  # one of the endorser's that holds (not revoked, in force)
        e.hash
        for e in iter_endorsements(log_repo.root)
        if e.owner == "valencia-tech-employers-network" and verify_endorsement(e.document, example)
    )[0]
    with serve_dir(served, no_store=True) as url:
        show(real)
        state, note, _ = _endorsement(browser, url)  # the list from before the logged version
        assert state == "invalid"
        assert re.search(rf"; but its status list registry/{rel}, as read here, is not the log's latest version of "
                         r"it \(entry [0-9]+\): an older list \(a revocation made since hidden\) or one never "
                         r"published\)$", note), note  # fmt: skip
        (served / rel).write_bytes(newer)
        state, note, title = _endorsement(browser, url)
        assert state == "valid", (note, title)
        assert title.startswith("Public log: recorded in the public log as entry "), title
        assert re.search(r"; its status list registry/endorsers/[a-z-]+/status/1\.json is the log's latest version "
                         r"of it \(entry [0-9]+\)$", title), title  # fmt: skip
        # The verification page, given the endorsement's hash, adds the same log check last (as credreg verify).
        page = browser.new_context().new_page()
        status, text = _log_line(page, f"{url}verify/#{endorsed}")
        assert status == "passed", text
        assert "Recorded in the public log as entry " in text, text
        assert page.get_attribute("#cr-verdict", "data-verdict") == "valid"
        show(unlogged)
        state, note, _ = _endorsement(browser, url)
        assert (state, note) == ("invalid", "(not recorded in the public log)")
        status, text = _log_line(page, f"{url}verify/#{endorsed}")
        assert status == "failed", text
        assert "Not recorded in the public log" in text, text
        assert page.get_attribute("#cr-verdict", "data-verdict") != "valid"
        page.context.close()
        show(tampered)
        state, note, _ = _endorsement(browser, url)
        assert state == "invalid"
        assert note.startswith("(the log does not check out"), note


def test_a_host_that_names_an_older_status_list_as_the_latest_is_caught_by_the_page(
    browser: Any, built_site: Path, log_repo: LogRepo, tmp_path: Path
) -> None:
    """The attack the log's index closes, on the real page: a host keeps the current, cosigned checkpoint, serves
    the award's status list as it was before its latest version (a revocation taken back, say) and rewrites the
    list's index file to name that older version's entry (genuinely in the log, its proof from the tiles). The
    page's log check fails and the verdict is not valid; the honest site passes."""
    import hashlib

    award_file = next(p for p in log_repo.award_files() if "/northbridge-university/" in p.as_posix())
    rel = "registry/issuers/northbridge-university/status/1.json"
    status = log_repo.root / rel
    older = status.read_bytes()
    status.write_text(json.dumps(json.loads(older), indent=1) + "\n")  # the newer version
    commit_all(log_repo.root, "the list re-written")
    real, _, _ = _logs(log_repo, tmp_path, built_site / "verify")
    hostile = tmp_path / "hostile"
    shutil.copytree(real, hostile)
    (hostile / "issuers/northbridge-university/status/1.json").write_bytes(older)
    index = hostile / f"log/index/status/{hashlib.sha256(rel.encode()).hexdigest()}.json"
    genuine = json.loads(index.read_text())
    log = open_log(LogSource(log_repo.state), log_repo.signer.verifier)
    first = next(  # the older version's entry, as a host reads it from the entry bundles
        (n, raw) for n, raw in log.entries(0) if raw.startswith(b"credreg-log/1 status-list ") and rel.encode() in raw
    )
    index.write_text(json.dumps({"records": [[first[0], first[1].decode(), ""]], "index": genuine["index"]}))

    served = tmp_path / "served"
    show = _swappable(built_site, served, ("log", "verify", "issuers"))
    context, page, errors = _new_page(browser)
    with serve_dir(served, no_store=True) as url:
        show(real)
        status_, text = _log_line(page, f"{url}verify/#{award_file.stem}")
        assert status_ == "passed", text
        assert f"its status list {rel} is the log's latest version of it" in text
        show(hostile)
        status_, text = _log_line(page, f"{url}verify/#{award_file.stem}")
        assert status_ == "failed", text
        assert f"not the log's index line for {rel}" in text
        assert page.get_attribute("#cr-verdict", "data-verdict") != "valid"
    context.close()
    assert not errors
