"""`credreg verify --log` on the example registry's demo log (`make site`: `credreg build --demo-log`).

The registry declares no log key, so `--log` alone was "not checked" with no way forward. The demo log's key is
published beside it as `log/demo-vkey`, and `--log-key` says which log key to trust: never one taken from the
log itself unasked, and never another than the one a registry declares."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.publish.build import build_site
from generator.transparency.inclusion import UNWITNESSED_CLAUSE
from generator.transparency.keys import generate_note_key
from tests.conftest import REPO
from tests.transparency.conftest import LogRepo, cosign, receipt

pytestmark = pytest.mark.slow

DEMO = "a demo log, signed by a throwaway key made for this build: it guarantees nothing"


def _verify(*args: str, root: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "verify", *args, "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )


def _log_check(done: subprocess.CompletedProcess[str]) -> dict[str, str]:
    assert "Traceback" not in done.stderr
    [check] = [c for c in json.loads(done.stdout)["checks"] if c["id"] == "log"]
    return check  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("demo-log-cli") / "site"
    build_site(REPO, site, demo_log=True)
    return site


def test_the_demo_log_is_checked_against_its_published_key_when_asked(demo_site: Path, tmp_path: Path) -> None:
    policy = json.loads((demo_site / "log/policy.json").read_text())
    assert policy["demo"] is True
    demo_vkey = demo_site / "log/demo-vkey"
    assert demo_vkey.read_text().strip() == policy["vkey"]
    award = str(sorted(REPO.glob("registry/issuers/*/awards/*/*/*.json"))[0])

    # Not asked: not trusted, and the line says how to check it (the log's own key is never taken unasked).
    for given in (demo_site, demo_site / "log"):
        check = _log_check(_verify(award, "--log", str(given)))
        assert check["status"] == "not checked", check
        assert "--log is not checked" in check["reason"]
        assert f"--log-key {demo_site / 'log' / 'demo-vkey'}" in check["reason"], check

    # Asked, by the file or by its text; the site folder or its log/: checked, and labelled a demo.
    for key in (str(demo_vkey), policy["vkey"]):
        for given in (demo_site, demo_site / "log"):
            check = _log_check(_verify(award, "--log", str(given), "--log-key", key))
            assert check["status"] == "passed", check
            assert check["reason"].startswith("recorded in the public log as entry "), check
            assert DEMO in check["reason"], check
            assert "the log key given by --log-key (which registry/governance.yaml does not declare)" in check["reason"]
    text = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(REPO), "verify", award, "--log", str(demo_site),
         "--log-key", str(demo_vkey)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert DEMO in next(line for line in text.stdout.splitlines() if "Public log" in line)

    # Another key of the same name: the checkpoint is not signed by it.
    other = generate_note_key(tmp_path / "other.key", policy["vkey"].split("+")[0], "log").verifier.vkey
    check = _log_check(_verify(award, "--log", str(demo_site), "--log-key", other))
    assert check["status"] == "failed", check
    assert "the log does not check out" in check["reason"]

    # A key of another log's name: refused as what --log-key gave (it was refused in words about the registry's key).
    named = generate_note_key(tmp_path / "named.key", "other.example/log", "log").verifier.vkey
    origin = policy["vkey"].split("+")[0]
    for bad, says in (
        ("not-a-vkey", "--log-key not-a-vkey: not a log verifier key"),
        ("", "needs --log"),
        (
            named,
            f"--log-key {named}: the key is named 'other.example/log', and a log of this registry is named {origin!r}",
        ),
    ):
        args = ["--log", str(demo_site), "--log-key", bad] if bad else ["--log-key", str(demo_vkey)]
        done = _verify(award, *args)
        assert done.returncode == 2, done.stderr
        assert says in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_a_declared_log_key_is_never_replaced_by_another(log_repo: LogRepo, tmp_path: Path) -> None:
    log_repo.publish()
    award = str(sorted(log_repo.root.glob("registry/issuers/*/awards/*/*/*.json"))[0])
    other = generate_note_key(tmp_path / "other.key", "credentials.example.org/log", "log").verifier.vkey
    done = _verify(award, "--log", str(log_repo.state), "--log-key", other, root=log_repo.root)
    assert done.returncode == 2, done.stderr
    assert "is not the log key registry/governance.yaml declares" in done.stderr
    # The declared key itself: the same check as without --log-key (quorum not reached: no witness cosigned yet).
    same = _verify(award, "--log", str(log_repo.state), "--log-key", log_repo.signer.verifier.vkey, root=log_repo.root)
    assert _log_check(same) == _log_check(_verify(award, "--log", str(log_repo.state), root=log_repo.root))
    assert _log_check(same)["reason"].startswith("recorded in the public log as entry ")
    assert "--log-key" not in _log_check(same)["reason"]
    assert "demo" not in _log_check(same)["reason"]


def _monitor(*args: str, root: Path = REPO) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "log", "monitor", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in done.stderr
    return done


def test_the_monitor_reads_the_demo_log_against_the_key_it_is_given(demo_site: Path, tmp_path: Path) -> None:
    policy = json.loads((demo_site / "log/policy.json").read_text())
    demo_vkey = demo_site / "log/demo-vkey"

    # Not asked: the log's own keys (vkey, demo-vkey) are not trusted, and the refusal says how to go on.
    done = _monitor("northbridge-university", "--log", str(demo_site))
    assert done.returncode == 2, done.stderr
    assert "registry/governance.yaml declares no log key" in done.stderr
    assert f"--log-key {demo_vkey}" in done.stderr

    # Asked, by the file or by its text, the site folder or its log/: the issuer's entries, the log called a demo.
    # (The example history took revocations back while it was written: the monitor says so, and exits 1.)
    given_key = "signed by the log key given by --log-key (which registry/governance.yaml does not declare)"
    saved = tmp_path / "seen.checkpoint"
    done = _monitor(
        "northbridge-university", "--log", str(demo_site), "--log-key", str(demo_vkey), "--save", str(saved)
    )
    assert done.returncode == 1, done.stderr
    assert f"the checkpoint was not saved to {saved}: the next run shows these alerts again" in done.stderr
    assert not saved.exists()
    shown = receipt(done.stderr)
    for key in (str(demo_vkey), policy["vkey"]):
        for given in (demo_site, demo_site / "log"):
            done = _monitor(
                "northbridge-university",
                "--log",
                str(given),
                "--log-key",
                key,
                "--save",
                str(saved),
                "--acknowledge",
                shown,
            )
            assert done.returncode == 1, done.stderr
            assert done.stdout.count("\taward\t") > 0, done.stdout
            [summary] = [line for line in done.stderr.splitlines() if " entries for northbridge-university " in line]
            said = rf"in the log of (\d+): checkpoint of \1 {re.escape(given_key)} \({re.escape(DEMO)}\)"
            assert re.search(said + "$", summary), summary
            assert "ALERT: entry " in done.stderr
    # Since the checkpoint saved: nothing new, consistent, and still a demo read against the key given.
    done = _monitor(
        "northbridge-university", "--log", str(demo_site), "--log-key", str(demo_vkey), "--since", str(saved)
    )
    assert done.returncode == 0, done.stderr
    assert not done.stdout
    assert done.stderr.strip().endswith(f" {given_key}, consistent with --since ({DEMO})"), done.stderr

    # Another key of the same name: the checkpoint is not signed by it.
    other = generate_note_key(tmp_path / "other.key", policy["vkey"].split("+")[0], "log").verifier.vkey
    done = _monitor("northbridge-university", "--log", str(demo_site), "--log-key", other)
    assert done.returncode == 1, done.stderr
    assert "is not signed by the log key" in done.stderr
    assert not done.stdout

    done = _monitor("northbridge-university", "--log", str(demo_site), "--log-key", "not-a-vkey")
    assert done.returncode == 2, done.stderr
    assert "--log-key not-a-vkey: not a log verifier key" in done.stderr


def test_the_monitor_never_replaces_a_declared_log_key(log_repo: LogRepo, tmp_path: Path) -> None:
    log_repo.publish()
    cosign(log_repo, tmp_path / "witness")  # the quorum a monitor holds a checkpoint to, as verifiers do
    other = generate_note_key(tmp_path / "other.key", "credentials.example.org/log", "log").verifier.vkey
    done = _monitor("northbridge-university", "--log", str(log_repo.state), "--log-key", other, root=log_repo.root)
    assert done.returncode == 2, done.stderr
    assert "is not the log key registry/governance.yaml declares" in done.stderr
    assert not done.stdout
    # The declared key itself: as without --log-key, and no word of a given key or of a demo.
    plain = _monitor("northbridge-university", "--log", str(log_repo.state), root=log_repo.root)
    same = _monitor(
        "northbridge-university", "--log", str(log_repo.state), "--log-key", log_repo.signer.verifier.vkey,
        root=log_repo.root,
    )  # fmt: skip
    assert plain.returncode == same.returncode == 0, plain.stderr + same.stderr
    assert (plain.stdout, plain.stderr) == (same.stdout, same.stderr)
    assert "--log-key" not in same.stderr
    assert "demo" not in same.stderr


def test_a_log_key_given_is_not_said_to_be_the_registry_s(demo_site: Path) -> None:
    """Checked against a key the user gave, the log line says so, and never that the registry signed it: the
    registry declares no log key, and the key may well be one the log's own folder serves."""
    award = str(sorted(REPO.glob("registry/issuers/*/awards/*/*/*.json"))[0])
    check = _log_check(_verify(award, "--log", str(demo_site), "--log-key", str(demo_site / "log/demo-vkey")))
    assert check["status"] == "passed", check
    assert "signed by the registry" not in check["reason"], check
    signed = "checkpoint signed by the log key given by --log-key (which registry/governance.yaml does not declare)"
    assert f"{signed}{UNWITNESSED_CLAUSE}" in check["reason"], check  # no witness: the key given alone vouches


def test_a_log_key_given_as_text_is_never_read_from_a_file_of_that_name(demo_site: Path, tmp_path: Path) -> None:
    """A vkey's text is also a relative path (origin/log+id+key): a file at that path, where the command runs,
    does not replace the key the user typed."""
    policy = json.loads((demo_site / "log/policy.json").read_text())
    award = str(sorted(REPO.glob("registry/issuers/*/awards/*/*/*.json"))[0])
    other = generate_note_key(tmp_path / "other.key", policy["vkey"].split("+")[0], "log").verifier.vkey
    where = tmp_path / "cwd"
    decoy = where / policy["vkey"]
    decoy.parent.mkdir(parents=True)
    decoy.write_text(other + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(REPO), "verify", award, "--log", str(demo_site),
         "--log-key", policy["vkey"], "--format", "json"],
        capture_output=True, text=True, check=False, cwd=where,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert _log_check(done)["status"] == "passed", _log_check(done)


def test_a_log_that_does_not_say_it_is_a_demo_is_not_called_one(demo_site: Path, tmp_path: Path) -> None:
    """A demo-vkey file is the log folder's word, as its policy.json is: the not-checked line calls the log a
    demo only when its policy says so (as the result then does), and the demo label only ever adds words."""
    award = str(sorted(REPO.glob("registry/issuers/*/awards/*/*/*.json"))[0])
    site = tmp_path / "site"
    shutil.copytree(demo_site, site)
    policy = json.loads((site / "log/policy.json").read_text())
    del policy["demo"]
    (site / "log/policy.json").write_text(json.dumps(policy))
    check = _log_check(_verify(award, "--log", str(site)))
    assert check["status"] == "not checked", check
    assert "demo" not in check["reason"], check
    assert "give --log-key VKEY|FILE" in check["reason"], check
    given = _log_check(_verify(award, "--log", str(site), "--log-key", str(site / "log/demo-vkey")))
    assert given["status"] == "passed", given
    assert "demo" not in given["reason"].replace("--log-key", ""), given
    # The label put back: the same verdict, the same words with the demo's added.
    policy["demo"] = True
    (site / "log/policy.json").write_text(json.dumps(policy))
    labelled = _log_check(_verify(award, "--log", str(site), "--log-key", str(site / "log/demo-vkey")))
    assert labelled["status"] == given["status"]
    assert labelled["reason"].replace(" (" + DEMO + ")", "", 1) == given["reason"]


def test_a_hostile_demo_label_on_a_declared_log_changes_only_the_words(log_repo: LogRepo) -> None:
    """A log's policy.json saying "demo": true (its writer's word, unsigned) never makes a check pass or fail: it
    adds the demo's words, which lower what the line is worth, and nothing else."""
    log_repo.publish()
    award = str(sorted(log_repo.root.glob("registry/issuers/*/awards/*/*/*.json"))[0])
    before = _log_check(_verify(award, "--log", str(log_repo.state), root=log_repo.root))
    (log_repo.state / "policy.json").write_text(json.dumps({"demo": True}))
    after = _log_check(_verify(award, "--log", str(log_repo.state), root=log_repo.root))
    assert after["status"] == before["status"], (before, after)
    assert DEMO not in before["reason"]
    assert after["reason"].replace(" (" + DEMO + ")", "", 1) == before["reason"], (before, after)


def test_a_witness_takes_the_log_key_as_monitor_and_verify_do(demo_site: Path, tmp_path: Path) -> None:
    """`credreg log witness --log-key VKEY|FILE`: the same option, read the same way (a key's text, or a file
    holding it), so that the demo log can be witnessed against the key one names rather than the one it serves."""
    policy = json.loads((demo_site / "log/policy.json").read_text())
    key = tmp_path / "witness.key"
    generate_note_key(key, "witness.example.net/w1", "witness")

    def witness(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(REPO), "log", "witness", "--key", str(key),
             "--state", str(state), "--out", str(state.with_suffix(".cosigned")), *args, str(demo_site / "log")],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert "Traceback" not in done.stderr
        return done

    for n, given in enumerate((str(demo_site / "log/demo-vkey"), policy["vkey"])):
        done = witness(tmp_path / f"w{n}", "--log-key", given)
        assert done.returncode == 0, done.stderr
        assert "following the log key it serves" not in done.stdout + done.stderr
        assert (tmp_path / f"w{n}/log.vkey").read_text().strip() == policy["vkey"]
    other = generate_note_key(tmp_path / "other.key", policy["vkey"].split("+")[0], "log").verifier.vkey
    done = witness(tmp_path / "w-other", "--log-key", other)
    assert done.returncode == 1, done.stderr
    assert "is not signed by the log key" in done.stderr
    done = witness(tmp_path / "w0", "--log-key", other)  # a witness follows the key it started with
    assert done.returncode == 1, done.stderr
    assert f"this witness follows the log key {policy['vkey']}" in done.stderr
    done = witness(tmp_path / "w-bad", "--log-key", "not-a-vkey")
    assert done.returncode == 2, done.stderr
    assert "--log-key not-a-vkey: not a log verifier key" in done.stderr


def test_a_log_folder_with_an_unreadable_file_is_an_error_not_a_traceback(demo_site: Path, tmp_path: Path) -> None:
    """A --log folder is anyone's: a policy.json that is a folder (or any file that cannot be read) is said so."""
    award = str(sorted(REPO.glob("registry/issuers/*/awards/*/*/*.json"))[0])
    log = tmp_path / "log"
    shutil.copytree(demo_site / "log", log)
    (log / "policy.json").unlink()
    (log / "policy.json").mkdir()
    key = str(demo_site / "log/demo-vkey")
    check = _log_check(_verify(award, "--log", str(log)))
    assert check["status"] == "not checked", check
    assert "demo" not in check["reason"], check  # its policy does not say so: it cannot be read
    check = _log_check(_verify(award, "--log", str(log), "--log-key", key))
    assert check["status"] == "failed", check
    assert f"cannot read {log / 'policy.json'}" in check["reason"], check
    done = _monitor("northbridge-university", "--log", str(log), "--log-key", key)
    # The checkpoint and the entries check out (the example history's alerts: exit 1); the label cannot be read.
    assert done.returncode == 1, done.stderr
    assert " entries for northbridge-university in the log of " in done.stderr
    assert DEMO not in done.stderr


def test_a_status_list_is_checked_in_the_demo_log_by_credreg_verify(demo_site: Path, tmp_path: Path) -> None:
    """`credreg verify LIST --log SITE --log-key SITE/log/demo-vkey`: the list's bytes are the log's latest version
    of it (passed, on the site's index or a bare copy of its log/, scanned); the same list signed alike but not
    those bytes is not the list in force (exit 1, its own headline); without --log, not checked and not blocking."""
    listed = REPO / "registry/issuers/northbridge-university/status/1.json"
    key = str(demo_site / "log/demo-vkey")
    bare = tmp_path / "bare-log"
    shutil.copytree(demo_site / "log", bare)  # no site around it: every entry is read
    for given in (demo_site, bare):
        done = _verify(str(listed), "--log", str(given), "--log-key", key)
        assert done.returncode == 0, done.stdout + done.stderr
        check = _log_check(done)
        assert check["status"] == "passed", check
        # The example's history re-issued its awards, which cleared bits of this list: said, not failed.
        said, _, beware = check["reason"].partition("; beware: ")
        assert said.endswith(f"{DEMO}); it is the log's latest version of {listed.relative_to(REPO)}"), check
        assert not beware or beware.startswith(f"{listed.relative_to(REPO)} had a revocation taken back"), check
        assert json.loads(done.stdout)["headline_kind"] == "status list"

    changed = tmp_path / "1.json"
    changed.write_bytes(listed.read_bytes() + b"\n")  # still verifies (JCS, RDFC), but not the bytes logged
    for given in (demo_site, bare):
        done = _verify(str(changed), "--log", str(given), "--log-key", key)
        assert done.returncode == 1, done.stdout + done.stderr
        check = _log_check(done)
        assert check["status"] == "failed", check
        assert check["reason"].startswith("not the public log's latest version of registry/issuers/"), check
        assert json.loads(done.stdout)["headline_kind"] == "status list not latest"
        assert [c["status"] for c in json.loads(done.stdout)["checks"][:-1]] == ["passed"] * 4

    done = _verify(str(changed))
    assert done.returncode == 0, done.stdout + done.stderr
    assert _log_check(done)["status"] == "not checked"
    done = _verify(str(changed), "--log", str(demo_site))  # no key to check it against: said, with how
    assert done.returncode == 0
    assert f"--log-key {demo_site / 'log' / 'demo-vkey'}" in _log_check(done)["reason"]


def test_a_status_list_baked_in_a_badge_image_is_not_checked_in_the_log_by_its_image_s_bytes(
    demo_site: Path, tmp_path: Path
) -> None:
    """The log records a list's file byte for byte; an image carrying the list is not that file. `credreg verify`
    hashed the image's bytes and called the latest list "not the log's latest version" (exit 1), while the page,
    given the same image, said the log check was not made: now both say the check needs the file itself."""
    from generator.transparency.inclusion import IMAGE_NOT_FILE

    listed = REPO / "registry/issuers/northbridge-university/status/1.json"
    image = tmp_path / "list.svg"
    image.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        f"<openbadges:credential><![CDATA[{listed.read_text()}]]></openbadges:credential></svg>"
    )
    done = _verify(str(image), "--log", str(demo_site), "--log-key", str(demo_site / "log/demo-vkey"))
    check = _log_check(done)
    assert (check["status"], check["reason"]) == ("not checked", IMAGE_NOT_FILE), check
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["headline_kind"] == "status list"
