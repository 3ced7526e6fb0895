"""Publishing, witnessing, monitoring and verifying, through the real CLI on real Git repositories."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.load import load_registry
from generator.tlog.note import parse_checkpoint, parse_note
from generator.transparency.entries import LogEntry
from generator.transparency.log import LogSource, open_log
from tests.transparency.conftest import (
    LogRepo,
    award_with,
    commit_all,
    cosign,
    git,
    imported_key,
    plant_award,
    receipt,
)

# Each test runs the real CLI several times on a copy of the example registry.
pytestmark = pytest.mark.slow


def _checkpoint(state: Path) -> tuple[int, str]:
    cp = parse_checkpoint(parse_note((state / "checkpoint").read_bytes()).text)
    return cp.size, cp.root.hex()


def _files(state: Path) -> dict[str, bytes]:
    return {p.relative_to(state).as_posix(): p.read_bytes() for p in state.rglob("*") if p.is_file()}


def test_publish_appends_and_the_witness_cosigns(log_repo: LogRepo, tmp_path: Path) -> None:
    out = log_repo.publish().stdout
    assert "0 → 421 entries" in out
    # The first publish has no earlier checkpoint to be consistent with (it said it was).
    assert "a new log (no earlier checkpoint)" in out
    assert "consistent" not in out
    witness_state = tmp_path / "witness"
    cosigned = tmp_path / "cosigned"
    log_repo.credreg(
        "log", "witness", "--key", str(log_repo.witness_key), "--state", str(witness_state),
        "--vkey", log_repo.signer.verifier.vkey, "--out", str(cosigned), str(log_repo.state),
    )  # fmt: skip
    log_repo.credreg("log", "add-cosignatures", "--state", str(log_repo.state), str(cosigned))
    assert "\u2014 witness.example.net/w1 " in (log_repo.state / "checkpoint").read_text()

    before = _files(log_repo.state)
    plant_award(log_repo)
    commit_all(log_repo.root, "one more award")
    out = log_repo.publish().stdout
    assert "421 → 422 entries (+1)" in out
    assert "new commits only" in out
    after = _files(log_repo.state)
    # Published tiles never change; one entry rewrites one partial bundle and one partial tile per level.
    assert all(after[p] == data for p, data in before.items() if p.startswith("tile/"))
    written = sorted(set(after) - set(before))
    assert written == ["tile/0/001.p/166", "tile/entries/001.p/166"]
    log_repo.credreg(
        "log", "witness", "--key", str(log_repo.witness_key), "--state", str(witness_state), str(log_repo.state)
    )
    assert _checkpoint(witness_state)[0] == 422


def test_a_force_pushed_history_without_an_award_is_refused_by_publish_and_witness(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(log_repo.root, "remote", "add", "origin", str(remote))
    git(log_repo.root, "push", "-q", "origin", "main")
    log_repo.publish()
    witness_state = tmp_path / "witness"
    log_repo.credreg(
        "log", "witness", "--key", str(log_repo.witness_key), "--state", str(witness_state),
        "--vkey", log_repo.signer.verifier.vkey, str(log_repo.state),
    )  # fmt: skip
    published = _checkpoint(log_repo.state)

    # Someone with push access rewrites the history without one award, and force-pushes it.
    attacker = tmp_path / "attacker"
    git(tmp_path, "clone", "-q", "-b", "main", str(remote), str(attacker))
    git(attacker, "config", "user.name", "Mallory")
    git(attacker, "config", "user.email", "mallory@example.org")
    dropped = sorted(attacker.glob("registry/issuers/*/awards/*/*/*.json"))[3]
    git(attacker, "checkout", "-q", "--orphan", "rewritten")
    dropped.unlink()
    commit_all(attacker, "example registry")
    git(attacker, "push", "-q", "--force", "origin", "rewritten:main")

    # The next publish job checks out the rewritten main and refuses it, writing nothing.
    git(log_repo.root, "fetch", "-q", "origin")
    git(log_repo.root, "reset", "-q", "--hard", "origin/main")
    done = log_repo.publish(ok=False)
    assert "no longer contains what the log already published" in done.stderr
    assert dropped.name.removesuffix(".json") in done.stderr  # the dropped award, named
    assert _checkpoint(log_repo.state) == published

    # Even holding the log key, the rewritten history makes a log no witness accepts.
    forged = tmp_path / "forged-state"
    log_repo.credreg("log", "publish", "--state", str(forged), "--key", str(log_repo.log_key))
    assert _checkpoint(forged)[0] == published[0] - 1
    done = log_repo.credreg(
        "log", "witness", "--key", str(log_repo.witness_key), "--state", str(witness_state), str(forged), ok=False
    )
    assert "refusing to cosign" in done.stderr
    # Padded to the same size with another entry, it is still not consistent.
    plant_award(log_repo)
    commit_all(log_repo.root, "padding")
    log_repo.credreg("log", "publish", "--state", str(forged), "--key", str(log_repo.log_key))
    assert _checkpoint(forged)[0] == published[0]
    done = log_repo.credreg(
        "log", "witness", "--key", str(log_repo.witness_key), "--state", str(witness_state), str(forged), ok=False
    )
    assert "not consistent" in done.stderr
    assert _checkpoint(witness_state) == published


def test_verify_checks_the_log_and_fails_on_a_tampered_tile_or_checkpoint(log_repo: LogRepo, tmp_path: Path) -> None:
    log_repo.publish()
    award = log_repo.award_files()[0].stem
    done = log_repo.credreg("verify", award, "--log", str(log_repo.state), "--format", "json", ok=None)
    assert "recorded in the public log as entry" in done.stdout
    assert "cosigned by 0 of 1 witnesses; its status list registry/issuers/" in done.stdout
    assert "is the log's latest version of it (entry " in done.stdout
    assert done.stdout.count("(quorum not reached)") == 1

    tampered = tmp_path / "tampered"
    shutil.copytree(log_repo.state, tampered)
    tile = next(p for p in sorted((tampered / "tile/0").rglob("*")) if p.is_file())
    data = bytearray(tile.read_bytes())
    data[5] ^= 1
    tile.write_bytes(bytes(data))
    done = log_repo.credreg("verify", award, "--log", str(tampered), ok=False)
    assert "Public log" in done.stdout
    assert "does not check out" in done.stdout

    shutil.copytree(log_repo.state, tampered, dirs_exist_ok=True)
    checkpoint = tampered / "checkpoint"
    checkpoint.write_text(checkpoint.read_text().replace("\n421\n", "\n420\n"))
    done = log_repo.credreg("verify", award, "--log", str(tampered), ok=False)
    assert "not signed by the log key" in done.stdout


def test_monitor_lists_a_planted_award(log_repo: LogRepo, tmp_path: Path) -> None:
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor("northbridge-university", "--log", str(log_repo.state), "--save", str(saved))
    _, planted = plant_award(log_repo, "northbridge-university")
    commit_all(log_repo.root, "an award nobody at Northbridge made")
    log_repo.publish()
    done = log_repo.monitor("northbridge-university", "--since", str(saved), "--log", str(log_repo.state))
    assert done.stdout.splitlines() == [next(line for line in done.stdout.splitlines() if planted in line)]
    assert done.stdout.startswith("421\taward\t" + planted)
    other = log_repo.monitor("brightforge-academy", "--since", str(saved), "--log", str(log_repo.state))
    assert other.stdout == ""


def _key_watched_since(log_repo: LogRepo, tmp_path: Path, issuer: str) -> tuple[Path, Path]:
    """A new key of ``issuer`` (made by `credreg keygen`, beside its record), published, and the checkpoint its
    monitor saved after it: (the private key, the saved checkpoint)."""
    key = tmp_path / f"{issuer}-keys" / "key.key"
    log_repo.credreg("keygen", issuer, "--key-id", "key-watched", "--out", str(key))
    commit_all(log_repo.root, f"a key {issuer} signs with")
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))
    return key, saved


def test_monitor_alerts_on_an_award_its_issuers_record_does_not_hold(log_repo: LogRepo, tmp_path: Path) -> None:
    """`credreg award` records what it signs beside the key; `credreg log monitor --record` then names an award in
    the issuer's name that the record does not hold (what a leaked key adds) as an alert, and exits 1, where
    without the record it was one line among the day's entries."""
    issuer = "northbridge-university"
    key, saved = _key_watched_since(log_repo, tmp_path, issuer)

    made = log_repo.credreg(
        "award", f"{issuer}/sql-for-data-analysis", "--recipient", "ada@example.org", "--key", str(key),
        "--out", str(tmp_path / "earners"),
    )  # fmt: skip
    record = key.parent / f"{issuer}.signed.txt"
    assert f"record:  {record}" in made.stdout
    digest = next(line.split()[-1] for line in made.stdout.splitlines() if line.startswith("hash:"))
    [line] = [line for line in record.read_text().splitlines() if line.split()[1] == "award"]
    fields = line.split()
    assert fields[:2] == [digest, "award"]
    assert fields[2] == next(p for p in made.stdout.split() if p.endswith(f"{digest}.json"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fields[3])
    commit_all(log_repo.root, "an award Northbridge made")
    log_repo.publish()
    mine = log_repo.monitor(
        issuer, "--since", str(saved), "--log", str(log_repo.state), "--record", str(record),
        "--save", str(saved),
    )  # fmt: skip
    assert [line.split("\t")[2] for line in mine.stdout.splitlines()] == [digest]
    assert "ALERT" not in mine.stderr

    _, planted = plant_award(log_repo, issuer)
    commit_all(log_repo.root, "an award nobody at Northbridge made")
    log_repo.publish()
    args = (issuer, "--since", str(saved), "--log", str(log_repo.state))
    alerted = log_repo.monitor(*args, "--record", str(record), ok=False)
    assert alerted.returncode == 1
    [alert] = [line for line in alerted.stderr.splitlines() if line.startswith("ALERT")]
    assert alert.startswith(f"ALERT: entry {alerted.stdout.split()[0]} (award, registry/issuers/{issuer}/")
    assert "not in your record of what you signed" in alert
    assert planted in alerted.stdout
    assert log_repo.monitor(*args).returncode == 0  # without a record: listed, not judged
    # Records from two machines: the union. A line that is not a record's: refused, naming the file and line.
    other = tmp_path / "laptop.signed.txt"
    other.write_text(f"# the laptop\n{planted} award elsewhere\n")
    assert log_repo.monitor(*args, "--record", str(record), "--record", str(other)).returncode == 0
    other.write_text("# the laptop\nnot a hash\n")
    bad = log_repo.monitor(*args, "--record", str(other), ok=False)
    assert bad.returncode == 2
    assert f"--record {other}:2: not a line of a record of what was signed" in bad.stderr
    assert "Traceback" not in bad.stderr
    # A record inside the registry is refused before anything is signed.
    inside = log_repo.credreg(
        "award", f"{issuer}/sql-for-data-analysis", "--recipient", "bo@example.org", "--key", str(key),
        "--out", str(tmp_path / "earners-2"), "--record", str(log_repo.root / "signed.txt"), ok=False,
    )  # fmt: skip
    assert "is inside the registry" in inside.stderr
    assert git(log_repo.root, "status", "--porcelain") == ""


def test_the_record_holds_what_keygen_award_and_revoke_make_and_the_monitor_holds_the_owner_to_it(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """Each command that makes something in an owner's name records the hash its log entry will carry: the new key
    file, the award, a status list it starts, the revocation line and the re-signed list. A status list signed
    with the key by other means is then an alert; a record kept before these kinds were recorded (no header) is
    held to awards and endorsements only."""
    import datetime as dt

    from generator.awarding.keys import load_signing_key
    from generator.awarding.status import revoked_list
    from generator.load import load_registry

    issuer = "northbridge-university"
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))
    key = tmp_path / "northbridge-keys" / "key.key"
    made = log_repo.credreg("keygen", issuer, "--key-id", "key-recorded", "--out", str(key))
    record = key.parent / f"{issuer}.signed.txt"
    assert f"record:      {record}" in made.stdout
    commit_all(log_repo.root, "a key Northbridge made")
    awarded = log_repo.credreg(
        "award", f"{issuer}/sql-for-data-analysis", "--recipient", "ada@example.org", "--key", str(key),
        "--out", str(tmp_path / "earners"),
    )  # fmt: skip
    digest = next(line.split()[-1] for line in awarded.stdout.splitlines() if line.startswith("hash:"))
    commit_all(log_repo.root, "an award")
    revoked = log_repo.credreg("revoke", digest, "--reason", "Issued in error", "--key", str(key))
    assert f"record: {record}" in revoked.stdout
    commit_all(log_repo.root, "its revocation")
    log_repo.publish()

    args = (issuer, "--log", str(log_repo.state), "--record", str(record))
    done = log_repo.monitor(*args, "--since", str(saved))
    logged = [line.split("\t")[1:3] for line in done.stdout.splitlines()]
    kinds = [kind for kind, _ in logged]
    assert kinds[0] == "key-added"
    assert {"award", "revocation", "status-list"} <= set(kinds)
    lines = record.read_text().splitlines()
    assert (
        lines[0]
        == "# credreg record of what was signed; it holds every: award endorsement revocation status-list key-added"
    )
    assert {sha for _, sha in logged} <= {line.split()[0] for line in lines[1:]}  # every entry, by its log hash
    assert "ALERT" not in done.stderr

    # The key signs a list by other means (a leaked key revoking someone's award): an alert, named.
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    status, data = revoked_list(
        registry, issuer, 1, 7, load_signing_key(key, root=log_repo.root), dt.datetime.now(dt.UTC)
    )
    status.write_bytes(data)
    commit_all(log_repo.root, "a list nobody at Northbridge signed with credreg")
    log_repo.publish()
    alerted = log_repo.monitor(*args, "--since", str(saved), ok=False)
    rel = status.relative_to(log_repo.root).as_posix()
    assert f"(status-list, {rel}): not in your record of what you signed" in alerted.stderr
    # A record from before (no header line): held to its awards and endorsements only.
    record.write_text("\n".join(lines[1:]) + "\n")
    assert log_repo.monitor(*args, "--since", str(saved)).returncode == 0


def test_an_alert_is_shown_again_until_it_is_acknowledged(log_repo: LogRepo, tmp_path: Path) -> None:
    """A scheduled monitor's one missed e-mail must not lose an alert: a run that shows one saves no checkpoint, so
    the next run shows it again, until `--acknowledge` saves it (and later runs are quiet)."""
    issuer = "northbridge-university"
    key, saved = _key_watched_since(log_repo, tmp_path, issuer)
    _, planted = plant_award(log_repo, issuer)
    commit_all(log_repo.root, "an award nobody at Northbridge made")
    log_repo.publish()
    record = key.parent / f"{issuer}.signed.txt"
    record.write_text("")
    args = (issuer, "--since", str(saved), "--log", str(log_repo.state), "--record", str(record))
    before = saved.read_bytes()
    for _ in range(2):  # the day of the alert, and the day after
        done = log_repo.monitor(*args, "--save", str(saved), ok=False)
        assert done.returncode == 1
        assert planted in done.stdout
        assert "not in your record of what you signed" in done.stderr
        assert f"the checkpoint was not saved to {saved}: the next run shows these alerts again" in done.stderr
        assert saved.read_bytes() == before
    done = log_repo.monitor(*args, "--save", str(saved), "--acknowledge", receipt(done.stderr), ok=False)
    assert done.returncode == 1  # still this run's alert
    assert "not saved" not in done.stderr
    assert saved.read_bytes() != before
    quiet = log_repo.monitor(*args, "--save", str(saved))
    assert (quiet.stdout, "ALERT" in quiet.stderr) == ("", False)


def test_an_acknowledgement_covers_only_the_alerts_it_was_shown(log_repo: LogRepo, tmp_path: Path) -> None:
    """``--acknowledge`` was a bare flag: the run that acknowledged saved past whatever it found, so an award
    planted between the run the owner read and the one it acknowledged with was saved past, never shown as an
    alert. A receipt names the alerts a run printed, at its checkpoint: another run's alerts save nothing."""
    issuer = "northbridge-university"
    key, saved = _key_watched_since(log_repo, tmp_path, issuer)
    plant_award(log_repo, issuer)
    commit_all(log_repo.root, "an award nobody at Northbridge made")
    log_repo.publish()
    record = key.parent / f"{issuer}.signed.txt"
    record.write_text("")
    args = (issuer, "--since", str(saved), "--log", str(log_repo.state), "--record", str(record), "--save", str(saved))
    before = saved.read_bytes()
    read = log_repo.monitor(*args, ok=False)
    # While the owner reads that run's alert, a second award is published.
    _, second = plant_award(log_repo, issuer, serial="f00d")
    commit_all(log_repo.root, "and another, while the owner looks at the first")
    log_repo.publish()
    stale = log_repo.monitor(*args, "--acknowledge", receipt(read.stderr), ok=False)
    assert second in stale.stdout
    assert f"--acknowledge {receipt(read.stderr)} is not the receipt of these alerts" in stale.stderr
    assert saved.read_bytes() == before
    assert log_repo.monitor(*args, "--acknowledge", "0" * 32, ok=False).returncode == 1
    assert saved.read_bytes() == before
    # The same alerts read again (the witness's later cosignature changes nothing): that receipt saves.
    assert receipt(log_repo.monitor(*args, ok=False).stderr) == receipt(stale.stderr)
    log_repo.monitor(*args, "--acknowledge", receipt(stale.stderr), ok=False)
    assert saved.read_bytes() != before
    assert "ALERT" not in log_repo.monitor(*args).stderr


def test_publish_refuses_the_wrong_key_and_a_tampered_state(log_repo: LogRepo, tmp_path: Path) -> None:
    done = log_repo.credreg(
        "log", "publish", "--state", str(log_repo.state), "--key", str(log_repo.witness_key), ok=False
    )
    assert "witness key, not a log key" in done.stderr
    log_repo.publish()
    (log_repo.state / "tile/entries/001.p/165").write_bytes(b"\x00\x01x")
    plant_award(log_repo)
    commit_all(log_repo.root, "one more")
    done = log_repo.publish(ok=False)
    assert "entry bundle 1 holds 1 entries, not 165" in done.stderr
    assert "Traceback" not in done.stderr
    (log_repo.state / "tile/entries/001.p/165").write_bytes(b"\x00\x01x" * 165)
    done = log_repo.publish(ok=False)
    assert "entry bundle 1 does not hold the entries its tile hashes" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[" * 5000 + "]" * 5000, "policy.json:1:65: nesting deeper than 64 levels"),  # was a RecursionError
        ('{"frontier": NaN}\n', "policy.json:1:14: invalid JSON: NaN is not valid JSON (JSON numbers are finite)"),
        ('{"frontier": [}\n', "policy.json:1:15: invalid JSON: Expecting value"),
    ],
)
def test_verify_names_the_place_in_a_malformed_log_file(
    log_repo: LogRepo, tmp_path: Path, text: str, problem: str
) -> None:
    # The log's JSON files come from another host (or a folder handed over): read as every JSON file is.
    log_repo.publish()
    award = log_repo.award_files()[0].stem
    served = tmp_path / "served"
    shutil.copytree(log_repo.state, served)
    (served / "policy.json").write_text(text)
    done = log_repo.credreg("verify", award, "--log", str(served), ok=False)
    assert "Traceback" not in done.stderr, done.stderr
    assert f"the log does not check out: {served}/{problem}" in done.stdout


def test_monitor_alerts_on_a_status_list_that_lost_a_set_bit(log_repo: LogRepo, tmp_path: Path) -> None:
    # Someone who can push puts back an older signed status list of Northbridge's, the bit of a revoked award clear:
    # the award looks valid again. The log records it, and Northbridge's monitor alerts (and exits non-zero).
    import hashlib
    import json

    from generator.statuslist import decode_list, encode_list, get_bit, set_bit

    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor("northbridge-university", "--log", str(log_repo.state), "--save", str(saved))
    status = log_repo.root / "registry/issuers/northbridge-university/status/1.json"
    before = status.read_bytes()
    doc = json.loads(before)
    bits = bytearray(decode_list(doc["credentialSubject"]["encodedList"]))
    revoked = next(i for i in range(len(bits) * 8) if get_bit(bits, i))
    set_bit(bits, revoked, False)
    doc["credentialSubject"]["encodedList"] = encode_list(bits)
    status.write_text(json.dumps(doc, indent=2) + "\n")
    commit_all(log_repo.root, "an older list")
    log_repo.publish()
    done = log_repo.monitor("northbridge-university", "--since", str(saved), "--log", str(log_repo.state), ok=False)
    rel = "registry/issuers/northbridge-university/status/1.json"
    assert [line.split("\t")[1:] for line in done.stdout.splitlines()] == [
        ["status-list-cleared", hashlib.sha256(before).hexdigest(), rel],
        ["status-list", hashlib.sha256(status.read_bytes()).hexdigest(), rel],
    ]
    assert f"ALERT: entry {done.stdout.split()[0]} (status-list-cleared, {rel}): the status list lost a bit" in (
        done.stderr
    )
    # Another issuer's monitor sees nothing of it.
    assert log_repo.monitor("brightforge-academy", "--since", str(saved), "--log", str(log_repo.state)).stdout == ""


def test_a_log_published_before_status_lists_were_logged_still_publishes_in_full(
    log_repo: LogRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A registry whose log was published before status lists and endorsements were logged (the earlier derivation,
    # patched in: publish runs in-process here) has no entries of theirs for those commits. The next publishes log
    # them for new commits; a publish that derives the whole history again (--full, or after a rewrite) must keep
    # the old commits as published, not refuse them as a rewritten history.
    import generator.transparency.publish as publish
    from generator.load import load_registry
    from generator.transparency.entries import LEGACY_KINDS, derive_entries

    def legacy(root: Path, *, head: str, since: str | None = None, shallow_ok: bool = False):  # type: ignore[no-untyped-def]
        return (e for e in derive_entries(root, head=head, since=since) if e.kind in LEGACY_KINDS)

    registry = load_registry(log_repo.root).registry
    with monkeypatch.context() as patched:
        patched.setattr(publish, "derive_entries", legacy)
        first = publish.publish_log(log_repo.root, registry, log_repo.state, log_repo.signer)
    assert first.size == 398  # what the earlier version logged
    status = log_repo.root / "registry/issuers/northbridge-university/status/1.json"
    status.write_text(status.read_text().replace('"validFrom"', '"validFrom" ', 1))
    commit_all(log_repo.root, "a new version of a list")
    second = publish.publish_log(log_repo.root, registry, log_repo.state, log_repo.signer)
    assert (second.size, second.full) == (399, False)
    third = publish.publish_log(log_repo.root, registry, log_repo.state, log_repo.signer, full=True)
    assert (third.old_size, third.size, third.full) == (399, 399, True)
    assert log_repo.publish().returncode == 0


def test_an_older_checkpoint_is_signed_again_with_the_index_and_a_false_index_is_refused(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """The checkpoint commits to the log's index (each status list's latest version, each key's retirements).
    One published by an older credreg, without that line, is served by no build and cosigned by no witness
    until the next publish signs it again; one whose line is false (its publisher holds the log key) is refused
    by the witness, the build and the issuer's monitor alike."""
    import json

    from generator.load import load_registry
    from generator.tlog.note import Checkpoint, sign_note
    from generator.transparency.inclusion import log_check
    from generator.transparency.log import LogError, LogSource
    from generator.transparency.logindex import LogIndex
    from generator.transparency.publish import copy_log

    log_repo.publish()
    checkpoint = log_repo.state / "checkpoint"
    cp = parse_checkpoint(parse_note(checkpoint.read_bytes()).text)
    assert [line.split()[0] for line in cp.extensions] == ["credreg-index/1"]
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    witness_state = tmp_path / "witness"

    def witness(ok: bool) -> str:
        done = log_repo.credreg(
            "log", "witness", "--key", str(log_repo.witness_key), "--state", str(witness_state),
            "--log-key", log_repo.signer.verifier.vkey, str(log_repo.state), ok=ok,
        )  # fmt: skip
        return done.stderr

    # An older credreg's checkpoint: the same tree, no index line, signed by the log key.
    checkpoint.write_bytes(sign_note(Checkpoint(cp.origin, cp.size, cp.root).text(), log_repo.signer).encode())
    with pytest.raises(LogError, match="does not commit to the log's index"):
        copy_log(registry, log_repo.state, tmp_path / "site" / "log")
    assert "refusing to cosign: the checkpoint does not commit to the log's index" in witness(False)
    out = log_repo.publish().stdout
    assert f"{cp.size} → {cp.size} entries (+0)" in out
    assert "checkpoint signed again to commit to the log's index" in out
    assert parse_checkpoint(parse_note(checkpoint.read_bytes()).text) == cp
    witness(True)
    copy_log(registry, log_repo.state, tmp_path / "site" / "log")
    assert "signed again" not in log_repo.publish().stdout  # once only

    # A publisher that commits to a false index: say, with no line at all (every retirement hidden).
    false = LogIndex().commitment().line()
    checkpoint.write_bytes(
        sign_note(Checkpoint(cp.origin, cp.size, cp.root, (false,)).text(), log_repo.signer).encode()
    )
    assert "refusing to cosign: the checkpoint commits to an index of 0 lines that is not the log's" in witness(False)
    with pytest.raises(LogError, match="commits to an index that is not its entries'"):
        copy_log(registry, log_repo.state, tmp_path / "site2" / "log")
    done = log_repo.monitor("northbridge-university", "--log", str(log_repo.state), ok=False)
    assert "ALERT: the checkpoint commits to an index of 0 lines that is not the log's" in done.stderr
    # A verifier given the bare state reads every entry, and refuses it too, as it refuses a site built from it.
    award = log_repo.award_files()[0]
    checked = log_check(registry, LogSource(log_repo.state), award.stem, json.loads(award.read_text()))
    assert checked.status.value == "failed", checked
    assert "commits to an index of 0 lines that is not the log's" in checked.reason, checked


def test_the_kept_index_is_trusted_only_when_the_signed_checkpoint_commits_to_it(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """The publisher and the witness keep the index beside their last checkpoint (index.json) and read only the
    new entries the next time. A kept index that the checkpoint does not commit to (damaged, or an attacker's)
    is recomputed from every entry, never trusted; the witness's incremental run still refuses a false index."""
    import json

    from generator.tlog.note import Checkpoint, sign_note
    from generator.transparency.log import LogSource, open_log
    from generator.transparency.logindex import LogIndex, index_problem

    def witness(ok: bool) -> str:
        return log_repo.credreg(
            "log", "witness", "--key", str(log_repo.witness_key), "--state", str(tmp_path / "witness"),
            "--log-key", log_repo.signer.verifier.vkey, str(log_repo.state), ok=ok,
        ).stderr  # fmt: skip

    def honest() -> bool:
        log = open_log(LogSource(log_repo.state), log_repo.signer.verifier)
        return index_problem(log.checkpoint, log.entries(0)) is None

    log_repo.publish()
    witness(True)
    for kept in (log_repo.state / "index.json", tmp_path / "witness/index.json"):
        data = json.loads(kept.read_text())
        index = LogIndex.from_json({k: data[k] for k in ("keys", "lists", "cleared", "shas")})
        assert index is not None
        assert index.lists
        # Damaged: a list's latest version moved back to an older entry.
        path = next(iter(index.lists))
        index.lists[path] = 0
        kept.write_text(json.dumps({**data, **index.to_json()}))
    issuers = iter(sorted(p.name for p in (log_repo.root / "registry/issuers").iterdir()))
    plant_award(log_repo, next(issuers))  # one new award per publish: the same award planted twice is no change
    commit_all(log_repo.root, "one more award")
    log_repo.publish()
    assert honest()
    witness(True)  # the witness recomputed too: the honest checkpoint is cosigned
    # Now both kept indexes are good: the next runs read only the new entries, and still catch a false line.
    plant_award(log_repo, next(issuers))
    commit_all(log_repo.root, "and another")
    log_repo.publish()
    assert honest()
    checkpoint = log_repo.state / "checkpoint"
    witness(True)
    plant_award(log_repo, next(issuers))
    commit_all(log_repo.root, "a third")
    log_repo.publish()
    cp = parse_checkpoint(parse_note(checkpoint.read_bytes()).text)
    false = LogIndex().commitment().line()
    checkpoint.write_bytes(
        sign_note(Checkpoint(cp.origin, cp.size, cp.root, (false,)).text(), log_repo.signer).encode()
    )
    assert "refusing to cosign: the checkpoint commits to an index of 0 lines" in witness(False)


def test_a_daily_monitor_reads_only_the_new_entries_and_still_checks_the_index(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """``--save`` keeps the index beside the saved checkpoint, so the next ``--since`` run reads only the entries
    after it (an entry bundle before it can be unreadable), and still alerts on a checkpoint that commits to a
    false index; without the kept index, every entry is read again."""
    import json

    from generator.tlog.note import Checkpoint, sign_note
    from generator.transparency.logindex import LogIndex

    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor("northbridge-university", "--log", str(log_repo.state), "--save", str(saved))
    seen = json.loads((tmp_path / "seen.index.json").read_text())
    assert LogIndex.from_json({k: seen[k] for k in ("keys", "lists", "cleared", "shas")}) is not None
    _, planted = plant_award(log_repo, "northbridge-university")
    commit_all(log_repo.root, "one more award")
    log_repo.publish()
    cosign(log_repo, tmp_path / "witness")  # the mirror serves a cosigned checkpoint, as the site does
    mirror = tmp_path / "mirror"
    shutil.copytree(log_repo.state, mirror)
    (mirror / "tile/entries/000").write_bytes(b"unreadable\n")  # a bundle the daily run has no need to read

    def monitor(ok: bool) -> tuple[str, str]:
        done = log_repo.monitor("northbridge-university", "--since", str(saved), "--log", str(mirror), ok=ok)
        return done.stdout, done.stderr

    out, _ = monitor(True)
    assert planted in out
    kept = (tmp_path / "seen.index.json").read_bytes()
    (tmp_path / "seen.index.json").unlink()
    _, err = monitor(False)  # no kept index: every entry read, and the damaged bundle found
    assert "entry bundle 0" in err or "do not hash" in err, err
    (tmp_path / "seen.index.json").write_bytes(kept)

    # The publisher commits to a false index at the next size: the daily run alerts.
    cp = parse_checkpoint(parse_note((mirror / "checkpoint").read_bytes()).text)
    false = LogIndex().commitment().line()
    (mirror / "checkpoint").write_bytes(
        sign_note(Checkpoint(cp.origin, cp.size, cp.root, (false,)).text(), log_repo.signer).encode()
    )
    out, err = monitor(False)
    assert planted in out
    assert "ALERT: the checkpoint commits to an index of 0 lines that is not the log's" in err


def test_a_monitor_that_saved_a_checkpoint_with_a_false_index_still_alerts_the_next_day(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """A checkpoint that hides a key's revocation by committing to the index of before it is an alert. ``--save``
    keeps that checkpoint (it is what was seen) but not its index; the kept index of the day before, whose
    commitment the false checkpoint repeats, must not then be taken as the index of the new checkpoint: the next
    daily run, with nothing new in the log, alerts again (it was silent, exit 0, with the revocation unread)."""
    import json

    from generator.tlog.note import Checkpoint, sign_note

    log_repo.publish()
    saved = tmp_path / "seen"

    def monitor(ok: bool) -> str:
        return log_repo.monitor(
            "northbridge-university", "--since", str(saved), "--save", str(saved),
            "--log", str(log_repo.state), ok=ok,
        ).stderr  # fmt: skip

    log_repo.monitor("northbridge-university", "--log", str(log_repo.state), "--save", str(saved))
    before = parse_checkpoint(parse_note(saved.read_bytes()).text)
    key = next((log_repo.root / "keys/northbridge-university").glob("*.json"))
    doc = json.loads(key.read_text())
    doc.update(revoked_at="2026-01-01T00:00:00Z", revocation_reason="key leaked")
    key.write_text(json.dumps(doc, indent=2) + "\n")
    commit_all(log_repo.root, "the key leaked")
    log_repo.publish()
    checkpoint = log_repo.state / "checkpoint"
    cp = parse_checkpoint(parse_note(checkpoint.read_bytes()).text)
    assert cp.size > before.size
    assert cp.extensions != before.extensions
    # The publisher hides the revocation: the new tree, yesterday's index.
    checkpoint.write_bytes(
        sign_note(Checkpoint(cp.origin, cp.size, cp.root, before.extensions).text(), log_repo.signer).encode()
    )
    alert = "ALERT: the checkpoint commits to an index of"
    assert alert in monitor(False)
    assert alert in monitor(False)  # the next day: the same false checkpoint, saved yesterday, still alerts


def test_a_monitor_given_a_checkpoint_of_another_log_says_so_not_split_view(log_repo: LogRepo, tmp_path: Path) -> None:
    """``--since`` a checkpoint saved from another log (another origin: a staging or demo log), with its kept index
    beside it: no entry is read on from it, and the error names both logs, not a rewrite or a split view of this
    one (the same tree under another origin is still another log)."""
    from generator.tlog.note import Checkpoint, sign_note

    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor("northbridge-university", "--log", str(log_repo.state), "--save", str(saved))
    cp = parse_checkpoint(parse_note(saved.read_bytes()).text)
    other = Checkpoint("staging.example.org/log", cp.size, cp.root, cp.extensions)
    saved.write_bytes(sign_note(other.text(), log_repo.signer).encode())
    err = log_repo.monitor(
        "northbridge-university", "--since", str(saved), "--log", str(log_repo.state), ok=False
    ).stderr
    assert "is of the log 'staging.example.org/log', not 'credentials.example.org/log'" in err, err
    assert "split view" not in err
    assert "Traceback" not in err


def test_a_signed_entry_that_is_not_utf8_is_no_entry_to_the_build_or_the_monitor(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """Every entry credreg writes is ASCII. A log whose key signed bytes that are not UTF-8 (a key or status-list
    entry with such an issuer, say) holds no entry there: the build serves the log without it, and an issuer's
    monitor names the entry; neither stops on the bytes with a traceback."""
    from generator.load import load_registry
    from generator.tlog import merkle
    from generator.tlog.note import Checkpoint, sign_note
    from generator.tlog.tiles import TileSource, append
    from generator.transparency.log import LogSource, open_log
    from generator.transparency.logindex import LogIndex
    from generator.transparency.publish import copy_log

    log_repo.publish()
    source = LogSource(log_repo.state)
    log = open_log(source, log_repo.signer.verifier)
    forged = [
        b"credreg-log/1 key-revoked caf\xe9 " + b"a" * 64 + b" keys/northbridge-university/key-2023.json\n",
        b"credreg-log/1 status-list \xff " + b"b" * 64 + b" registry/issuers/northbridge-university/status/1.json\n",
    ]
    update = append(source.tile, log.size, forged)
    for rel, data in update.files.items():
        (log_repo.state / rel).parent.mkdir(parents=True, exist_ok=True)
        (log_repo.state / rel).write_bytes(data)
    source = LogSource(log_repo.state)
    index = LogIndex()
    for number, raw in open_log(source, log_repo.signer.verifier).entries(0):
        index.add_raw(number, raw)
    for number, raw in enumerate(forged, start=log.size):
        index.add_raw(number, raw)
    root = merkle.root_hash(TileSource(source.tile, update.size), update.size)
    checkpoint = Checkpoint(log.checkpoint.origin, update.size, root, (index.commitment().line(),))
    (log_repo.state / "checkpoint").write_bytes(sign_note(checkpoint.text(), log_repo.signer).encode())

    registry = load_registry(log_repo.root).registry
    assert registry is not None
    copy_log(registry, log_repo.state, tmp_path / "site" / "log")
    done = log_repo.monitor("northbridge-university", "--log", str(log_repo.state), ok=False)
    assert f"entry {log.size} of the log is not a credreg entry" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_a_witness_out_that_cannot_be_written_is_a_usage_error(log_repo: LogRepo, tmp_path: Path) -> None:
    """`credreg log witness --out` (or `log monitor --save`) a folder: a usage error naming the option and the path
    (it was an OSError traceback; and the cosignature was written in place, where a killed run left half of it)."""
    log_repo.publish()
    folder = tmp_path / "a-folder"
    folder.mkdir()
    witness = ["log", "witness", "--key", str(log_repo.witness_key), "--state", str(tmp_path / "witness")]
    done = log_repo.credreg(*witness, "--out", str(folder), str(log_repo.state), ok=False)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stderr
    assert f"credreg: --out {folder}: " in done.stderr
    out = tmp_path / "cosigned"
    log_repo.credreg(*witness, "--out", str(out), str(log_repo.state))
    assert out.read_bytes().startswith(b"credentials.example.org/log\n")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    monitor = ["northbridge-university", "--log", str(log_repo.state)]
    done = log_repo.monitor(*monitor, "--save", str(folder), ok=False)
    assert "Traceback" not in done.stderr, done.stderr
    assert f"credreg: --save {folder}: " in done.stderr


@pytest.mark.parametrize("name", ["commit", "vkey", "index.json"])
def test_a_folder_where_a_state_file_goes_is_named_not_a_traceback(log_repo: LogRepo, name: str) -> None:
    """`credreg log publish` into a state where one of its files is a folder: an error naming it (it was an
    IsADirectoryError traceback from the rename)."""
    log_repo.publish()
    plant_award(log_repo)
    commit_all(log_repo.root, "one more award")
    target = log_repo.state / name
    target.unlink()
    target.mkdir()
    done = log_repo.publish(ok=False)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, done.stderr
    assert f"cannot write the log state: {target}: Is a directory" in done.stderr, done.stderr


def test_a_log_published_before_keys_added_retired_were_retired_catches_them_up(
    log_repo: LogRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log published before a key added with its end set was retired (the earlier derivation, patched in)
    holds no retirement for such a key, so a backdated award signed with it counted whenever it was added. The
    next publish notices a retired key the log never retired, derives the whole history again and logs each
    such retirement once, before the new commits' entries: from then on nothing signed with it counts. A publish
    that derives everything again afterwards (--full) keeps the log as published."""
    import generator.transparency.publish as publish
    from generator.transparency.entries import derive_commits

    def earlier(root: Path, *, head: str, since: str | None = None, shallow_ok: bool = False):  # type: ignore[no-untyped-def]
        for _commit, entries in derive_commits(root, head=head, since=since):
            yield from (e for e in entries if not e.last)

    root = log_repo.root
    path, key = imported_key(log_repo, tmp_path, "key-imported", "2023-12-31T23:59:59Z")
    brought = award_with(log_repo, key, dt.datetime(2023, 9, 1, tzinfo=dt.UTC))
    commit_all(root, "an issuer brings its older awards and the key that signed them")
    registry = load_registry(root).registry
    assert registry is not None
    with monkeypatch.context() as patched:
        patched.setattr(publish, "derive_entries", earlier)
        first = publish.publish_log(root, registry, log_repo.state, log_repo.signer)
    assert first.size == 421  # neither the example's retired keys nor this one retired
    backdated = award_with(log_repo, key, dt.datetime(2023, 10, 1, tzinfo=dt.UTC))
    commit_all(root, "an award signed later with the retired key, dated inside its window")

    second = publish.publish_log(root, registry, log_repo.state, log_repo.signer)
    assert (second.old_size, second.size, second.full) == (421, 425, True)
    caught_up = [LogEntry.parse(raw) for _, raw in open_log(LogSource(log_repo.state), log_repo.signer.verifier)
                 .entries(421)]  # fmt: skip
    assert [(e.kind, e.path) for e in caught_up] == [
        ("key-expiry-set", "keys/cloud-skills-council/key-2023.json"),
        ("key-expiry-set", "keys/cloud-skills-council/key-2023b.json"),
        ("key-expiry-set", path),
        ("award", backdated.path.relative_to(root).as_posix()),
    ]
    cosign(log_repo, tmp_path / "witness")
    for award, passes in ((brought, True), (backdated, False)):
        done = log_repo.credreg("verify", award.hash, "--log", str(log_repo.state), "--format", "json", ok=None)
        [check] = [c for c in json.loads(done.stdout)["checks"] if c["id"] == "log"]
        assert (check["status"] == "passed") is passes, check
    assert f"{path} was logged as expired (valid_until set) before it" in check["reason"]

    third = publish.publish_log(root, registry, log_repo.state, log_repo.signer, full=True)
    assert (third.old_size, third.size) == (425, 425)
    assert log_repo.publish().returncode == 0
    assert "(+0)" in log_repo.publish().stdout  # caught up once: the next publish reads the new commits only


def test_a_monitor_shown_a_checkpoint_no_witness_cosigned_alerts_and_saves_nothing(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """A split view against the issuer: the log key's holder shows witnesses and visitors one log (an award the
    issuer never made, cosigned) and the issuer's monitor another, of the same size, consistent with what it saved,
    without the award. The monitor checked only the log key's signature and consistency: it read the other log,
    listed nothing and exited 0. What verifiers accept is a checkpoint the quorum of witnesses cosigned, and a
    witness never cosigns two logs that disagree: the monitor must hold its view to that quorum too."""
    issuer = "northbridge-university"
    log_repo.publish()
    witness_state = tmp_path / "witness"
    cosign(log_repo, witness_state)
    saved = tmp_path / "seen"
    log_repo.credreg("log", "monitor", issuer, "--log", str(log_repo.state), "--save", str(saved))
    fork = tmp_path / "fork"
    shutil.copytree(log_repo.state, fork)
    # The monitor's log: something of another issuer's, signed by the log key, shown to no witness.
    plant_award(log_repo, "brightforge-academy")
    commit_all(log_repo.root, "another issuer's award")
    log_repo.credreg("log", "publish", "--state", str(fork), "--key", str(log_repo.log_key))
    # Everyone else's: an award in Northbridge's name, cosigned.
    git(log_repo.root, "reset", "-q", "--hard", "HEAD~1")
    _, planted = plant_award(log_repo, issuer)
    commit_all(log_repo.root, "an award nobody at Northbridge made")
    log_repo.publish()
    cosign(log_repo, witness_state)
    assert _checkpoint(fork)[0] == _checkpoint(log_repo.state)[0]
    honest = log_repo.credreg("log", "monitor", issuer, "--since", str(saved), "--log", str(log_repo.state))
    assert planted in honest.stdout
    assert "cosigned by 1 of 1 witnesses; a witness last cosigned its checkpoint 0 minutes ago" in honest.stderr

    before = saved.read_bytes()
    done = log_repo.credreg(
        "log", "monitor", issuer, "--since", str(saved), "--save", str(saved), "--log", str(fork), ok=False
    )
    assert done.returncode == 1
    assert "ALERT: the checkpoint is cosigned by 0 of the 1 witnesses registry/governance.yaml requires" in done.stderr
    assert saved.read_bytes() == before  # nothing saved: the next run reads these entries again


def _append_signed(repo: LogRepo, entries: list[LogEntry]) -> None:
    """What only the log key's holder can do: append entries of its choosing (not derived from the history) to the
    state, and sign a checkpoint committing to their index, as publish would."""
    from generator.tlog import merkle
    from generator.tlog.note import Checkpoint, sign_note
    from generator.tlog.tiles import TileSource, append
    from generator.transparency.logindex import LogIndex

    old = open_log(LogSource(repo.state), repo.signer.verifier)
    index = LogIndex()
    for number, raw in old.entries(0):
        index.add_raw(number, raw)
    update = append(LogSource(repo.state).tile, old.size, [entry.encode() for entry in entries])
    for rel, data in update.files.items():
        (repo.state / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo.state / rel).write_bytes(data)
    for number, entry in enumerate(entries, start=old.size):
        index.add(number, entry)
    root = merkle.root_hash(TileSource(LogSource(repo.state).tile, update.size), update.size)
    text = Checkpoint(old.checkpoint.origin, update.size, root, (index.commitment().line(),)).text()
    (repo.state / "checkpoint").write_bytes(sign_note(text, repo.signer).encode())


def _two_list_versions(log_repo: LogRepo, tmp_path: Path) -> tuple[Path, list[bytes], tuple[str, ...], Path]:
    """Northbridge awards twice and revokes each, each revocation a published version of its ``status/1.json``,
    watched by a monitor given its record: the list's path, its two versions' bytes, the monitor's arguments and
    the checkpoint it saved (no alert so far)."""
    issuer = "northbridge-university"
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))  # the record is used from here
    key = tmp_path / "northbridge-keys" / "key.key"
    log_repo.credreg("keygen", issuer, "--key-id", "key-lists", "--out", str(key))
    record = key.parent / f"{issuer}.signed.txt"
    commit_all(log_repo.root, "a key Northbridge made")
    status = log_repo.root / f"registry/issuers/{issuer}/status/1.json"
    versions = []
    for n, who in enumerate(("ada@example.org", "grace@example.org")):
        awarded = log_repo.credreg(
            "award", f"{issuer}/sql-for-data-analysis", "--recipient", who, "--key", str(key),
            "--out", str(tmp_path / f"earners-{n}"),
        )  # fmt: skip
        digest = next(line.split()[-1] for line in awarded.stdout.splitlines() if line.startswith("hash:"))
        commit_all(log_repo.root, "an award")
        if n:
            import time

            time.sleep(1.1)  # the record dates each list to the second
        log_repo.credreg("revoke", digest, "--reason", "Issued in error", "--key", str(key))
        commit_all(log_repo.root, "its revocation")
        log_repo.publish()
        versions.append(status.read_bytes())
    watched = (issuer, "--log", str(log_repo.state), "--record", str(record))
    assert "ALERT" not in log_repo.monitor(*watched, "--since", str(saved), "--save", str(saved)).stderr
    return status, versions, watched, saved


def test_a_status_list_put_back_without_its_cleared_entry_is_an_alert(log_repo: LogRepo, tmp_path: Path) -> None:
    """The log key's holder puts back a list its issuer signed before a later revocation (so the revoked award looks
    valid again), and logs it as one more version of the list, leaving out the ``status-list-cleared`` entry an
    honest publish adds. Witnesses cosign it (they check consistency and the index, not what a list holds); the
    page takes it as the list in force (it is the log's latest version); and the issuer's monitor, given its record,
    found the list's hash in it (the issuer did sign it, earlier) and said nothing. The record dates what it signed:
    a version signed before the one it replaces is an alert."""
    import hashlib

    status, versions, watched, saved = _two_list_versions(log_repo, tmp_path)
    issuer = "northbridge-university"

    # The first version put back (the second award's revocation gone), logged as a mere new version.
    status.write_bytes(versions[0])
    commit_all(log_repo.root, "an older list")
    rel = status.relative_to(log_repo.root).as_posix()
    _append_signed(log_repo, [LogEntry("status-list", issuer, hashlib.sha256(versions[0]).hexdigest(), rel)])
    done = log_repo.monitor(*watched, "--since", str(saved), "--save", str(saved), ok=False)
    assert "cosigned by 1 of 1 witnesses" in done.stderr  # the witness cosigned it
    assert f"(status-list, {rel}): a version of the list you signed before the one it replaces" in done.stderr
    assert "not saved" in done.stderr


def test_a_monitor_alerts_when_the_witnesses_it_holds_the_log_to_change(log_repo: LogRepo, tmp_path: Path) -> None:
    """The monitor holds the log to the witnesses and quorum registry/governance.yaml lists, and that file is the
    repository holder's to change: a push past the review that lists a witness key of its own (or lowers the quorum)
    is no entry of the log, and the issuer's next pull made the monitor accept checkpoints only the holder cosigned.
    The monitor keeps the log key, witnesses and quorum beside the checkpoint it saves: a change is an alert."""
    from generator.transparency.keys import generate_note_key
    from generator.transparency.log import LogSource, open_log
    from generator.transparency.witness import add_cosignatures, witness_log

    issuer = "northbridge-university"
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))
    own = generate_note_key(tmp_path / "own-witness.key", "witness.example.com/mine", "witness")
    governance = log_repo.root / "registry/governance.yaml"
    governance.write_text(governance.read_text().replace(log_repo.witness.verifier.vkey, own.verifier.vkey))
    commit_all(log_repo.root, "a witness of our own")
    log_repo.publish()
    done = witness_log(LogSource(log_repo.state), tmp_path / "own-state", own, vkey=log_repo.signer.verifier.vkey)
    log = open_log(LogSource(log_repo.state), log_repo.signer.verifier)
    (log_repo.state / "checkpoint").write_bytes(add_cosignatures(log, [own.verifier], [done.note.encode()])[0].encode())

    watched = (issuer, "--since", str(saved), "--save", str(saved), "--log", str(log_repo.state))
    before = saved.read_bytes()
    alerted = log_repo.credreg("log", "monitor", *watched, ok=False)
    assert "cosigned by 1 of 1 witnesses" in alerted.stderr
    assert "ALERT: registry/governance.yaml lists other witnesses than when you saved" in alerted.stderr
    assert saved.read_bytes() == before
    log_repo.acknowledged(*watched, ok=False)  # dealt with: saved
    assert "ALERT" not in log_repo.credreg("log", "monitor", *watched).stderr


def test_a_key_whose_public_material_changed_is_an_alert(log_repo: LogRepo, tmp_path: Path) -> None:
    """A key file's public key never changes (the pull-request check refuses it): whoever pushes past the check
    puts a key of its own under an issuer's key id, and signs in the issuer's name. The log has a ``key-changed``
    entry for it, which the monitor listed as one line among the day's many, and exited 0 without a record."""
    from generator.awarding.keys import generate_key

    issuer = "northbridge-university"
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    key = next((log_repo.root / f"keys/{issuer}").glob("*.json"))
    mine = generate_key(registry, "brightforge-academy", key_id="key-mine", private_path=tmp_path / "mine.key")
    doc = json.loads(key.read_text())
    doc["publicKeyMultibase"] = json.loads(mine.public_path.read_text())["publicKeyMultibase"]
    key.write_text(json.dumps(doc, indent=2) + "\n")
    mine.public_path.unlink()
    commit_all(log_repo.root, "a key of our own under Northbridge's id")
    log_repo.publish()
    done = log_repo.monitor(issuer, "--since", str(saved), "--log", str(log_repo.state), ok=False)
    rel = key.relative_to(log_repo.root).as_posix()
    assert "\tkey-changed\t" in done.stdout
    assert f"ALERT: entry 421 (key-changed, {rel}): the key's public key" in done.stderr


def _own_witness_cosigns(log_repo: LogRepo, tmp_path: Path) -> None:
    """What the repository holder can do: list a witness key of its own in governance.yaml in place of the
    example witness (a push past the review), publish, and cosign the checkpoint with it."""
    from generator.transparency.keys import generate_note_key
    from generator.transparency.witness import add_cosignatures, witness_log

    own = generate_note_key(tmp_path / "own-witness.key", "witness.example.com/mine", "witness")
    governance = log_repo.root / "registry/governance.yaml"
    governance.write_text(governance.read_text().replace(log_repo.witness.verifier.vkey, own.verifier.vkey))
    commit_all(log_repo.root, "a witness of our own")
    log_repo.publish()
    done = witness_log(LogSource(log_repo.state), tmp_path / "own-state", own, vkey=log_repo.signer.verifier.vkey)
    log = open_log(LogSource(log_repo.state), log_repo.signer.verifier)
    (log_repo.state / "checkpoint").write_bytes(add_cosignatures(log, [own.verifier], [done.note.encode()])[0].encode())


@pytest.mark.parametrize("kept", ["missing", "unreadable", "nested deep", "a key twice", "NaN", "a FIFO"])
def test_a_since_checkpoint_without_the_witnesses_it_was_saved_under_is_an_alert(
    log_repo: LogRepo, tmp_path: Path, kept: str
) -> None:
    """The witnesses, quorum and log key are kept beside the checkpoint (``FILE.policy.json``); a ``--since`` run
    that found none (a scheduled job that keeps only the checkpoint file it names, a checkpoint saved by an earlier
    credreg, a file that does not read) compared nothing, said nothing, and saved the governance of the day: a
    witness key of the holder's own, pulled with it, was accepted in silence, run after run.

    The file is read as every JSON file credreg trusts is (generator/_internal/source.py parse_json): nested too
    deep, it ended the monitor with a RecursionError's traceback; a key written twice or a NaN, which credreg
    never writes, was read leniently (the last value kept) and compared as if it were the record; a FIFO put there
    held the monitor for ever. A plain file only, read strictly, or none."""
    issuer = "northbridge-university"
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))
    policy = Path(f"{saved}.policy.json")
    if kept == "missing":
        policy.unlink()
    elif kept == "unreadable":
        policy.write_text("{not json")
    elif kept == "nested deep":
        policy.write_text("[" * 100_000 + "]" * 100_000)
    elif kept == "a key twice":
        text = policy.read_text()
        policy.write_text('{"quorum": 0, ' + text.lstrip()[1:])
    elif kept == "NaN":
        policy.write_text(policy.read_text().replace('"quorum": 1', '"quorum": NaN'))
        assert "NaN" in policy.read_text()
    else:
        policy.unlink()
        os.mkfifo(policy)  # read as a file, it held the monitor for ever
    _own_witness_cosigns(log_repo, tmp_path)

    watched = (issuer, "--since", str(saved), "--save", str(saved), "--log", str(log_repo.state))
    before = saved.read_bytes()
    alerted = log_repo.credreg("log", "monitor", *watched, ok=False)
    assert "Traceback" not in alerted.stderr, alerted.stderr
    assert "cosigned by 1 of 1 witnesses" in alerted.stderr
    said = f"ALERT: no record of the witnesses, quorum and log key beside --since ({policy}: missing or"
    assert said in alerted.stderr
    assert saved.read_bytes() == before
    if kept == "a FIFO":
        policy.unlink()
    log_repo.acknowledged(*watched, ok=False)  # checked: saved, with its policy
    assert json.loads(policy.read_text())["quorum"] == 1
    assert "ALERT" not in log_repo.credreg("log", "monitor", *watched).stderr


def test_a_status_list_logged_in_another_name_in_its_owners_folder_is_an_alert(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """Verifiers take a list's latest version by its path, whatever name its entry gives (a list's entry binds
    nothing more, inclusion.py): the log key's holder put back a list Northbridge signed before a later revocation,
    logged as a version of Northbridge's ``status/1.json`` in another issuer's name. The monitor listed only the
    entries in Northbridge's name: it never saw it, so neither the put-back alert nor any other fired, exit 0."""
    import hashlib

    status, versions, watched, saved = _two_list_versions(log_repo, tmp_path)

    rel = status.relative_to(log_repo.root).as_posix()
    put_back = LogEntry("status-list", "brightforge-academy", hashlib.sha256(versions[0]).hexdigest(), rel)
    _append_signed(log_repo, [put_back])
    done = log_repo.monitor(*watched, "--since", str(saved), "--save", str(saved), ok=False)
    assert "cosigned by 1 of 1 witnesses" in done.stderr  # the witness cosigned it
    assert f"\tstatus-list\t{put_back.sha256}\t{rel}" in done.stdout
    assert f"(status-list, {rel}): logged in the name of brightforge-academy" in done.stderr
    assert f"(status-list, {rel}): a version of the list you signed before the one it replaces" in done.stderr
    assert "not saved" in done.stderr


@pytest.mark.parametrize(
    "retirement",
    [
        {"valid_until": "2099-01-01T00:00:00Z"},
        {"revoked_at": "2099-01-01T00:00:00Z", "revocation_reason": "Superseded"},  # after the awards it is to sign
    ],
)
def test_a_key_whose_public_material_changed_with_its_retirement_is_an_alert(
    log_repo: LogRepo, tmp_path: Path, retirement: dict[str, str]
) -> None:
    """The public key replaced in the same push as an end of validity set far off (or a revocation): the entry was
    named by the retirement alone (``key-expiry-set``, ``key-revoked``), listed as one line among the day's, exit 0,
    while awards signed with the holder's key under the issuer's key id count until then. A key file's change is
    ``key-changed`` (an alert) whenever more than its lifecycle fields changed, whatever else it is too."""
    from generator.awarding.keys import generate_key

    issuer = "northbridge-university"
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))
    registry = load_registry(log_repo.root).registry
    assert registry is not None
    key = next((log_repo.root / f"keys/{issuer}").glob("*.json"))
    mine = generate_key(registry, "brightforge-academy", key_id="key-mine", private_path=tmp_path / "mine.key")
    doc = json.loads(key.read_text())
    doc["publicKeyMultibase"] = json.loads(mine.public_path.read_text())["publicKeyMultibase"]
    key.write_text(json.dumps(doc | retirement, indent=2) + "\n")
    mine.public_path.unlink()
    commit_all(log_repo.root, "a key of our own under Northbridge's id, with an end far off")
    log_repo.publish()
    done = log_repo.monitor(issuer, "--since", str(saved), "--log", str(log_repo.state), ok=False)
    rel = key.relative_to(log_repo.root).as_posix()
    assert "\tkey-changed\t" in done.stdout
    assert f"(key-changed, {rel}): the key's public key" in done.stderr


def test_a_monitor_shows_an_entrys_path_as_it_is_not_what_it_commands(log_repo: LogRepo, tmp_path: Path) -> None:
    """An entry's path is the log's text (percent-decoded: any byte): whoever holds the log's key (or pushes a file
    so named past the checks) wrote ``%1B[1A%1B[2K`` or ``%0A`` into it. The monitor printed it raw: on the
    owner's terminal the escape erased the alert line it stood in, and a newline split one listed entry into two
    lines a script reads as other entries. Each is now shown escaped, one entry a line."""
    import hashlib

    issuer = "northbridge-university"
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))
    sha = hashlib.sha256(b"a revocation line").hexdigest()
    hidden = f"registry/issuers/{issuer}/revocations.jsonl\r\x1b[1A\x1b[2K\n421\tcredential\t{sha}\tfine.yaml"
    _append_signed(log_repo, [LogEntry("revocation-removed", issuer, sha, hidden, 1)])
    done = log_repo.monitor(issuer, "--since", str(saved), "--log", str(log_repo.state), ok=False)
    for stream in (done.stdout, done.stderr):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029]", stream), stream
    assert len(done.stdout.splitlines()) == 1, done.stdout
    assert done.stdout.count("\t") == 3
    assert "\\x1b[2K" in done.stdout
    assert "ALERT: entry 421 (revocation-removed, " in done.stderr
    assert "revocations.jsonl\\x0d\\x1b[1A\\x1b[2K\\x0a421\\x09credential" in done.stderr


def test_a_full_entry_bundle_served_in_place_of_a_withheld_partial_one_is_read_not_a_traceback(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """A reader takes a partial entry bundle it is not served from the full one, which starts with the same entries
    (a full one replaces it once the bundle fills). A host that withholds the partial bundle and serves a full one
    that ends inside an entry stopped the witness, the monitor and `credreg verify --log` with a ValueError
    traceback; each now says which file does not read."""
    from generator.tlog.tiles import ENTRIES, TILE_WIDTH, tile_path

    log_repo.publish()
    served = tmp_path / "served"
    shutil.copytree(log_repo.state, served)
    size, _ = _checkpoint(served)
    assert size % TILE_WIDTH, "the last bundle is a partial one"
    last = size // TILE_WIDTH
    (served / tile_path(ENTRIES, last, size % TILE_WIDTH)).unlink()
    (served / tile_path(ENTRIES, last)).write_bytes(b"\x00\x05ab")  # ends inside its first entry
    said = f"{served}/{tile_path(ENTRIES, last)}: entry bundle ends inside an entry"
    witness = log_repo.credreg(
        "log", "witness", str(served), "--state", str(tmp_path / "w"), "--key", str(log_repo.witness_key),
        "--log-key", log_repo.signer.verifier.vkey, ok=False,
    )  # fmt: skip
    monitor = log_repo.credreg("log", "monitor", "northbridge-university", "--log", str(served), ok=False)
    verify = log_repo.credreg("verify", log_repo.award_files()[0].stem, "--log", str(served), ok=False)
    for done in (witness, monitor, verify):
        assert "Traceback" not in done.stderr, done.stderr
        assert said in done.stdout + done.stderr, done.stdout + done.stderr


@pytest.mark.parametrize("kind", ["tile linked to /dev/zero", "checkpoint a FIFO", "bundle linked outside"])
def test_a_log_folder_file_that_is_not_a_regular_file_is_refused_without_waiting(
    log_repo: LogRepo, tmp_path: Path, kind: str
) -> None:
    """A log folder is anyone's: a clone of the log branch its publisher pushed, a folder handed over. Its files were
    read whole, through links: a tile linked to ``/dev/zero`` (a link is one commit of the branch away) read until
    the witness, the monitor or `credreg verify --log` ran out of memory, and a FIFO as the checkpoint blocked
    them for ever. Each is refused where it is, as every file of the repository is (open_regular)."""
    import os
    import subprocess
    import sys

    from generator.tlog.tiles import ENTRIES, TILE_WIDTH, tile_path

    log_repo.publish()
    served = tmp_path / "served"
    shutil.copytree(log_repo.state, served)
    size, _ = _checkpoint(served)
    if kind == "tile linked to /dev/zero":
        target = served / tile_path(0, size // TILE_WIDTH, size % TILE_WIDTH)
        target.unlink()
        target.symlink_to("/dev/zero")
    elif kind == "checkpoint a FIFO":
        target = served / "checkpoint"
        target.unlink()
        os.mkfifo(target)
    else:
        target = served / tile_path(ENTRIES, 0)
        outside = tmp_path / "outside"
        outside.write_bytes(target.read_bytes())
        target.unlink()
        target.symlink_to(outside)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    witness = ["log", "witness", str(served), "--state", str(tmp_path / "w"), "--key", str(log_repo.witness_key),
               "--log-key", log_repo.signer.verifier.vkey]  # fmt: skip
    monitor = ["log", "monitor", "northbridge-university", "--log", str(served)]
    # A first run of the monitor rebuilds the tree from the entries: it reads no hash tile.
    for args in (witness, monitor) if kind != "tile linked to /dev/zero" else (witness,):
        done = subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(log_repo.root), *args],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 1, done.stdout + done.stderr
        assert "Traceback" not in done.stderr, done.stderr
        assert f"cannot read {target}" in done.stderr, done.stderr


@pytest.mark.parametrize("name", ["commit", "index.json"])
def test_a_publish_state_file_that_is_not_a_regular_file_is_not_waited_on(
    log_repo: LogRepo, tmp_path: Path, name: str
) -> None:
    """The publisher's state is a checkout of the log branch, anyone's who can push to it, as a log folder is: its
    checkpoint and tiles are read as a plain file each (LogSource), but the two files beside them it keeps for itself
    (``commit``, the commit the checkpoint covers; ``index.json``, the kept index) were read whole, through links: a
    FIFO there blocked `credreg log publish` for ever, holding the state's lock (a link to /dev/zero read until
    memory ran out). Each is now opened as a plain file, and one that is not is no hint: the history is read again
    and the file written anew."""
    import os
    import subprocess
    import sys

    log_repo.publish()
    target = log_repo.state / name
    target.unlink()
    os.mkfifo(target)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    args = ["log", "publish", "--state", str(log_repo.state), "--key", str(log_repo.log_key)]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(log_repo.root), *args],
            capture_output=True, text=True, env=env, timeout=60, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"credreg log publish waited on the FIFO {target}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert target.is_file()
    assert not target.is_symlink()


@pytest.mark.parametrize(
    ("retired", "taken_back"),
    [
        ({"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "Key compromise"}, {}),  # revocation removed
        (
            {"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "Key compromise"},
            {"revoked_at": "2099-01-01T00:00:00Z", "revocation_reason": "Key compromise"},  # moved past its awards
        ),
        ({"valid_until": "2024-06-01T00:00:00Z"}, {}),  # end of validity removed
    ],
)
def test_a_key_retirement_taken_back_is_an_alert(
    log_repo: LogRepo, tmp_path: Path, retired: dict[str, str], taken_back: dict[str, str]
) -> None:
    """A key's ``revoked_at`` (or ``valid_until``) is its revocation: signatures made at or after it are not trusted,
    those of the compromised weeks before it was set included. A push past the pull-request check that removes it,
    or moves it later, makes them valid again. The log named that change as it names a retirement (``key-revoked``,
    ``key-expiry-set``), a line among the day's, no alert, exit 0; it is ``key-changed`` too now, an alert held until
    acknowledged, as ``revocation-removed`` is for a revocation line."""
    issuer = "northbridge-university"
    key = log_repo.root / f"keys/{issuer}/key-2023.json"
    doc = json.loads(key.read_text())
    key.write_text(json.dumps(doc | retired, indent=2) + "\n")
    commit_all(log_repo.root, "key-2023 retired")
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))

    key.write_text(json.dumps(doc | taken_back, indent=2) + "\n")
    commit_all(log_repo.root, "key-2023's retirement taken back")
    log_repo.publish()
    watched = (issuer, "--since", str(saved), "--save", str(saved), "--log", str(log_repo.state))
    before = saved.read_bytes()
    done = log_repo.monitor(*watched, ok=False)
    rel = key.relative_to(log_repo.root).as_posix()
    assert "\tkey-changed\t" in done.stdout
    assert f"(key-changed, {rel}): " in done.stderr
    assert "a retirement taken back" in done.stderr
    assert saved.read_bytes() == before  # held until acknowledged


def test_a_key_deleted_and_added_again_without_its_retirement_is_an_alert(log_repo: LogRepo, tmp_path: Path) -> None:
    """The same retirement taken back in two commits: the revoked key file deleted (a deletion logged nothing), then
    added again as it was before its revocation (``key-added``, whose hash the owner's record may even hold: the
    file is byte for byte the one its keygen wrote). Every change was a line among the day's, exit 0; the deletion
    of a key file is now ``key-changed``, an alert, as a revocation log's lost lines are."""
    issuer = "northbridge-university"
    key = log_repo.root / f"keys/{issuer}/key-2023.json"
    original = key.read_text()
    retired = {"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "Key compromise"}
    key.write_text(json.dumps(json.loads(original) | retired, indent=2) + "\n")
    commit_all(log_repo.root, "key-2023 revoked")
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))

    key.unlink()
    commit_all(log_repo.root, "key-2023 gone")
    key.write_text(original)
    commit_all(log_repo.root, "key-2023 back, unrevoked")
    log_repo.publish()
    done = log_repo.monitor(issuer, "--since", str(saved), "--save", str(saved), "--log", str(log_repo.state), ok=False)
    rel = key.relative_to(log_repo.root).as_posix()
    assert "\tkey-changed\t" in done.stdout
    assert f"(key-changed, {rel}): the key's public key replaced, or a retirement taken back?" in done.stderr
    assert "\tkey-added\t" in done.stdout


def test_a_log_published_before_retirements_taken_back_were_logged_still_publishes_in_full(
    log_repo: LogRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log published before a key file's deletion, or its end removed or moved, was ``key-changed`` (the earlier
    derivation, patched in) holds no such entry for those commits. A publish that derives the whole history again
    (``--full``, or after a force-push put back) must keep them as published, not refuse the history as rewritten;
    the commits after it are logged as they are now."""
    import hashlib

    from generator.transparency.entries import derive_commits

    root = log_repo.root
    key = root / "keys/northbridge-university/key-2023.json"
    original = key.read_text()
    revoked = {"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "Key compromise"}
    key.write_text(json.dumps(json.loads(original) | revoked, indent=2) + "\n")
    commit_all(root, "key-2023 revoked")
    moved = json.dumps(json.loads(original) | revoked | {"revoked_at": "2099-01-01T00:00:00Z"}, indent=2) + "\n"
    key.write_text(moved)
    commit_all(root, "key-2023's revocation moved")
    key.unlink()
    commit_all(root, "key-2023 gone")
    # What the earlier credreg did not log: the deletion, and the "key-changed" beside the moved revocation.
    unlogged = {hashlib.sha256(b"").hexdigest(), hashlib.sha256(moved.encode()).hexdigest()}

    def earlier(root: Path, *, head: str, since: str | None = None, shallow_ok: bool = False):  # type: ignore[no-untyped-def]
        for _commit, entries in derive_commits(root, head=head, since=since):
            yield from (e for e in entries if not (e.kind == "key-changed" and e.sha256 in unlogged))

    def back() -> None:
        key.write_text(original)
        commit_all(root, "key-2023 back, unrevoked")

    _published_earlier_then_in_full(log_repo, monkeypatch, earlier, back)


def _published_earlier_then_in_full(
    log_repo: LogRepo, monkeypatch: pytest.MonkeyPatch, earlier: Callable[..., Any], change: Callable[[], None]
) -> None:
    """The log published by ``earlier`` (an earlier credreg's derivation, patched in), then ``change`` committed:
    the next publish logs its one entry on top, and one that derives the whole history again keeps every commit as
    published (not refused as a rewritten history); the CLI's publish passes too."""
    import generator.transparency.publish as publish

    root = log_repo.root
    registry = load_registry(root).registry
    assert registry is not None
    with monkeypatch.context() as patched:
        patched.setattr(publish, "derive_entries", earlier)
        first = publish.publish_log(root, registry, log_repo.state, log_repo.signer)
    change()
    second = publish.publish_log(root, registry, log_repo.state, log_repo.signer)
    assert (second.old_size, second.size, second.full) == (first.size, first.size + 1, False)
    third = publish.publish_log(root, registry, log_repo.state, log_repo.signer, full=True)
    assert (third.old_size, third.size, third.full) == (second.size, second.size, True)
    assert log_repo.publish().returncode == 0


def _full_check(log_repo: LogRepo, award: str) -> tuple[bool, dict[str, str]]:
    """``credreg verify --log``'s verdict (valid?), and its checks that failed, by id."""
    done = log_repo.credreg("verify", award, "--log", str(log_repo.state), "--format", "json", ok=None)
    report = json.loads(done.stdout)
    return report["valid"], {c["id"]: c["reason"] for c in report["checks"] if c["status"] == "failed"}


def _fails_as_a_retired_keys_copy(log_repo: LogRepo, award: str, copy: str) -> None:
    """``credreg verify --log`` fails ``award`` on the log check alone: its key file ``copy``, a retired public key's
    copy, was retired by its ``key-changed`` alert (logindex.retires) before the award was logged."""
    valid, failed = _full_check(log_repo, award)
    assert not valid, failed
    assert set(failed) == {"log"}, failed
    assert f"; but its signing key {copy} was logged as changed past the registry's checks" in failed["log"]


def test_a_revoked_key_revived_under_another_issuer_taking_its_did_is_an_alert(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """A revoked key revived by moving its issuer's DID: someone with push access, past the pull-request check,
    gives issuer A's ``issuer.yaml`` another ``did`` (an issuer file was never logged), adds issuer B declaring A's
    former DID, with A's revoked key under B's folder without its ``revoked_at`` (``key-added``, in B's name) and
    the awards moved under B (a deletion adds nothing). A method ``<A's DID>#key-x`` then resolves to B's file,
    which holds no end: an award signed after the revocation passes every offline check (the log's fails it now:
    the copy's ``key-changed`` alert in A's name retires B's file), and A's monitor saw nothing. An issuer file
    whose DID changes, or that is deleted, is ``issuer-changed`` now, in its issuer's name: an alert A's
    monitor shows until acknowledged."""
    root, issuer = log_repo.root, "northbridge-university"
    path, key = imported_key(log_repo, tmp_path, "key-x", None)
    late = award_with(log_repo, key, dt.datetime(2024, 7, 1, tzinfo=dt.UTC))
    key_file = root / path
    unrevoked = key_file.read_text()
    revoked = {"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "Key compromise"}
    key_file.write_text(json.dumps(json.loads(unrevoked) | revoked, indent=2) + "\n")
    commit_all(root, "key-x revoked: the award signed after it no longer counts")
    log_repo.publish()
    cosign(log_repo, tmp_path / "witness")
    valid, failed = _full_check(log_repo, late.hash)
    assert not valid
    assert list(failed) == ["key"]  # signed after the key's revocation
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))

    registry = load_registry(root).registry
    assert registry is not None
    did = registry.issuer_did(issuer)
    a_file = root / f"registry/issuers/{issuer}/issuer.yaml"
    b_folder = root / "registry/issuers/northbridge-two"
    shutil.copytree(  # B's profile and definitions: a new issuer's (its awards and lists are its own)
        root / f"registry/issuers/{issuer}", b_folder, ignore=shutil.ignore_patterns("awards", "status", "revocations*")
    )
    (b_folder / "issuer.yaml").write_text(
        a_file.read_text().replace(f"id: {issuer}\n", f"id: northbridge-two\ndid: {did}\n")
    )
    a_file.write_text(a_file.read_text().replace(f"id: {issuer}\n", f"id: {issuer}\ndid: did:web:elsewhere.example\n"))
    (root / "keys/northbridge-two").mkdir()
    moved_key = json.loads(unrevoked) | {"issuer": "northbridge-two"}
    (root / "keys/northbridge-two/key-x.json").write_text(json.dumps(moved_key, indent=2) + "\n")
    commit_all(root, "A's DID moved to B, with key-x unrevoked")
    # The leaked key's holder signs in B's name, under A's former DID, after the revocation.
    stolen = dataclasses.replace(key, issuer="northbridge-two")  # the private key file names no issuer it is bound to
    fresh = award_with(log_repo, stolen, dt.datetime(2024, 7, 2, tzinfo=dt.UTC), issuer="northbridge-two")
    commit_all(root, "an award signed with the revived key")
    log_repo.publish()
    cosign(log_repo, tmp_path / "witness")
    assert fresh.award["issuer"]["id"] == did
    # Offline, valid (the revocation undone); with the log, the copy's alert is a retirement of its file.
    _fails_as_a_retired_keys_copy(log_repo, fresh.hash, "keys/northbridge-two/key-x.json")
    done = log_repo.monitor(issuer, "--since", str(saved), "--save", str(saved), "--log", str(log_repo.state), ok=None)
    assert done.returncode != 0, done.stdout + done.stderr
    assert "\tissuer-changed\t" in done.stdout
    assert f"(issuer-changed, registry/issuers/{issuer}/issuer.yaml): " in done.stderr


def test_a_log_published_before_issuer_files_were_logged_still_publishes_in_full(
    log_repo: LogRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log published before an issuer file giving up its DID was ``issuer-changed`` (the earlier derivation,
    patched in) holds no such entry for those commits: a publish that derives the whole history again keeps them
    as published, not refused as a rewritten history; later commits are logged as they are now."""
    from generator.transparency.entries import derive_commits

    root = log_repo.root
    issuer_file = root / "registry/issuers/northbridge-university/issuer.yaml"
    b_file = root / "registry/issuers/brightforge-academy/issuer.yaml"
    b_text = b_file.read_bytes()
    b_file.unlink()
    commit_all(root, "B's file deleted")
    b_file.write_bytes(b_text)
    commit_all(root, "B's file back (an issuer file added is nothing)")
    key = root / "keys/northbridge-university/key-2023.json"
    original = key.read_text()
    key.write_text(json.dumps(json.loads(original) | {"valid_until": "2024-06-01T00:00:00Z"}, indent=2) + "\n")
    commit_all(root, "key-2023 ended")
    key.write_text(original)  # (key-changed, logged since before issuer files were: in one commit with one)
    issuer_file.write_text(
        issuer_file.read_text().replace("id: northbridge", "did: did:web:nbu.example\nid: northbridge")
    )
    commit_all(root, "key-2023's end taken back, and A declares its own DID")

    def earlier(root: Path, *, head: str, since: str | None = None, shallow_ok: bool = False):  # type: ignore[no-untyped-def]
        for _commit, entries in derive_commits(root, head=head, since=since):
            yield from (e for e in entries if not e.did_moved)

    def moved() -> None:
        issuer_file.write_text(issuer_file.read_text().replace("did:web:nbu.example", "did:web:elsewhere.example"))
        commit_all(root, "A's DID moved")

    _published_earlier_then_in_full(log_repo, monkeypatch, earlier, moved)


def test_a_site_moved_is_seen_by_every_issuers_monitor(log_repo: LogRepo, tmp_path: Path) -> None:
    """``site_url`` makes every default DID (``did:web:<site>:issuers:<id>``): moving the site gives each of them
    up, for a newcomer to declare with a copy of a revoked key. The log derives ``issuer-changed`` for each issuer on
    its default DID (tests/transparency/test_entries.py), and the move is louder still: the log is named after the
    site (``<host>/log``), so an issuer's monitor refuses the moved registry's log, naming both, until the log is
    set up anew (a new key, which witnesses and the page's memory see as another log)."""
    root, issuer = log_repo.root, "northbridge-university"
    log_repo.publish()
    cosign(log_repo, tmp_path / "witness")
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))
    governance = root / "registry/governance.yaml"
    text = governance.read_text()
    [line] = [x for x in text.splitlines() if x.startswith("site_url:")]
    governance.write_text(text.replace(line, "site_url: https://moved.example/"))
    commit_all(root, "the site moved")
    done = log_repo.monitor(issuer, "--since", str(saved), "--log", str(log_repo.state), ok=None)
    assert done.returncode != 0, done.stdout + done.stderr
    assert "'credentials.example.org/log'" in done.stderr
    assert "'moved.example/log'" in done.stderr


@pytest.mark.parametrize(
    ("owner", "key_id", "end"),
    [
        ("northbridge-university", "key-y", {}),  # another key id, the same issuer: the same DID
        ("northbridge-university", "key-y", {"revoked_at": "2099-01-01T00:00:00Z", "revocation_reason": "Later"}),
        ("brightforge-academy", "key-x", {}),  # another issuer's folder (one that may declare the DID given up)
    ],
)
def test_a_retired_public_key_added_again_in_another_key_file_is_an_alert_to_whoever_retired_it(
    log_repo: LogRepo, tmp_path: Path, owner: str, key_id: str, end: dict[str, str]
) -> None:
    """A revoked key revived under another key file: someone with push access, past the pull-request check (which
    refuses a public key registered twice), adds ``keys/<issuer>/key-y.json`` holding the revoked ``key-x``'s public
    key, without its ``revoked_at`` (or with one far off). A method ``<DID>#key-y`` resolves to it, which the log
    never retired: an award the leaked key signs after the revocation passes the full check, and the issuer's
    monitor listed one ``key-added`` and exited 0 (its content is no keygen's, so only a ``--record`` run named it).
    A key file whose public key was retired earlier by another file (compared as the key's bytes) is ``key-changed``
    in the name of whoever retired it now: an alert, held until acknowledged."""
    root, issuer = log_repo.root, "northbridge-university"
    path, key = imported_key(log_repo, tmp_path, "key-x", None)
    key_file = root / path
    unrevoked = json.loads(key_file.read_text())
    revoked = {"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "Key compromise"}
    key_file.write_text(json.dumps(unrevoked | revoked, indent=2) + "\n")
    commit_all(root, "key-x revoked")
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))

    copy = root / f"keys/{owner}/{key_id}.json"
    copy.write_text(json.dumps(unrevoked | {"id": key_id, "issuer": owner} | end, indent=2) + "\n")
    commit_all(root, f"{key_id}: key-x's public key again")
    if owner == issuer and not end:
        late = award_with(log_repo, dataclasses.replace(key, key_id=key_id), dt.datetime(2024, 7, 2, tzinfo=dt.UTC))
        commit_all(root, "an award signed with the revived key after its revocation")
    log_repo.publish()
    cosign(log_repo, tmp_path / "witness")
    if owner == issuer and not end:
        # With the log, the copy's alert is a retirement of its file (offline, the revocation undone).
        _fails_as_a_retired_keys_copy(log_repo, late.hash, copy.relative_to(root).as_posix())
    rel = copy.relative_to(root).as_posix()
    done = log_repo.monitor(issuer, "--since", str(saved), "--save", str(saved), "--log", str(log_repo.state), ok=False)
    assert f"\tkey-changed\t{hashlib.sha256(copy.read_bytes()).hexdigest()}\t{rel}" in done.stdout
    assert f"(key-changed, {rel}): " in done.stderr
    assert "a public key retired earlier" in done.stderr
    if owner != issuer:  # its folder's owner is shown the entry in another's name too
        other = log_repo.monitor(owner, "--log", str(log_repo.state), ok=False)
        assert f"(key-changed, {rel}): logged in the name of {issuer}" in other.stderr


def test_a_log_published_before_retired_keys_added_again_were_logged_still_publishes_in_full(
    log_repo: LogRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log published before a retired public key added again in another key file was ``key-changed`` (the earlier
    derivation, patched in) holds no such entry for those commits: a publish that derives the whole history again
    keeps them as published, not refused as a rewritten history; later commits are logged as they are now. And a
    publish from a commit on (``since``) knows the keys retired before it: it logs what a whole derivation does."""
    from generator.transparency.entries import derive_commits, derive_entries

    root = log_repo.root
    key = root / "keys/northbridge-university/key-2023.json"
    original = json.loads(key.read_text())
    key.write_text(json.dumps(original | {"valid_until": "2024-06-01T00:00:00Z"}, indent=2) + "\n")
    commit_all(root, "key-2023 ended")
    since = git(root, "rev-parse", "HEAD").strip()
    copy = root / "keys/northbridge-university/key-copy.json"
    copy.write_text(json.dumps(original | {"id": "key-copy"}, indent=2) + "\n")
    commit_all(root, "key-2023's public key again, as key-copy")
    whole = list(derive_entries(root, head="HEAD"))
    assert [e.kind for e in whole if e.revived] == ["key-changed"]
    assert list(derive_entries(root, head="HEAD", since=since)) == whole[-2:]  # key-added, key-changed

    def earlier(root: Path, *, head: str, since: str | None = None, shallow_ok: bool = False):  # type: ignore[no-untyped-def]
        for _commit, entries in derive_commits(root, head=head, since=since):
            yield from (e for e in entries if not e.revived)

    def again() -> None:  # one entry (key-copy's own end: no copy of another's)
        copy.write_text(json.dumps(original | {"id": "key-copy", "valid_until": "2024-06-01T00:00:00Z"}) + "\n")
        commit_all(root, "key-copy ended")

    _published_earlier_then_in_full(log_repo, monkeypatch, earlier, again)


def test_a_copy_made_while_the_key_was_valid_is_an_alert_when_the_key_is_retired(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """The copy first, the retirement later: someone with push access, past the pull-request check, adds
    ``keys/<issuer>/key-y.json`` holding ``key-x``'s public key while ``key-x`` is valid (one ``key-added``, no
    alert: nothing was retired yet). The issuer revokes ``key-x`` (compromised); ``key-y`` has no end, and an award
    the leaked key signs after the revocation, naming ``#key-y``, passes the full check. The revoking commit is
    ``key-changed`` for ``key-y`` in the issuer's name: its monitor alerts."""
    root, issuer = log_repo.root, "northbridge-university"
    path, key = imported_key(log_repo, tmp_path, "key-x", None)
    key_file = root / path
    unrevoked = json.loads(key_file.read_text())
    copy = root / f"keys/{issuer}/key-y.json"
    copy.write_text(json.dumps(unrevoked | {"id": "key-y"}, indent=2) + "\n")
    commit_all(root, "key-y: key-x's public key, while key-x is valid")
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(issuer, "--log", str(log_repo.state), "--save", str(saved))

    revoked = {"revoked_at": "2024-06-01T00:00:00Z", "revocation_reason": "Key compromise"}
    key_file.write_text(json.dumps(unrevoked | revoked, indent=2) + "\n")
    commit_all(root, "key-x revoked")
    late = award_with(log_repo, dataclasses.replace(key, key_id="key-y"), dt.datetime(2024, 7, 2, tzinfo=dt.UTC))
    commit_all(root, "an award signed with the leaked key after its revocation, through key-y")
    log_repo.publish()
    cosign(log_repo, tmp_path / "witness")
    # With the log, the copy's alert (in the commit that revokes key-x) is a retirement of key-y's file.
    _fails_as_a_retired_keys_copy(log_repo, late.hash, copy.relative_to(root).as_posix())
    rel = copy.relative_to(root).as_posix()
    done = log_repo.monitor(issuer, "--since", str(saved), "--save", str(saved), "--log", str(log_repo.state), ok=False)
    assert f"\tkey-changed\t{hashlib.sha256(copy.read_bytes()).hexdigest()}\t{rel}" in done.stdout
    assert f"(key-changed, {rel}): " in done.stderr


def test_a_log_published_before_copies_held_at_a_retirement_were_logged_still_publishes_in_full(
    log_repo: LogRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log published by the credreg just before a copy held when its key was retired was ``key-changed`` (that
    derivation, patched in: with the ``key-changed`` of a copy made after the retirement, in the same commit too)
    holds no such entry for those commits: a publish that derives the whole history again keeps them as published."""
    from generator.transparency.entries import derive_commits

    root = log_repo.root
    a, b = "northbridge-university", "brightforge-academy"
    key = root / f"keys/{a}/key-2023.json"
    original = json.loads(key.read_text())
    (root / f"keys/{b}/key-b.json").write_text(json.dumps(original | {"id": "key-b", "issuer": b}) + "\n")
    commit_all(root, "a copy of a valid key")
    key.write_text(json.dumps(original | {"valid_until": "2024-06-01T00:00:00Z"}, indent=2) + "\n")
    copy = root / f"keys/{a}/key-copy.json"
    copy.write_text(json.dumps(original | {"id": "key-copy"}, indent=2) + "\n")
    commit_all(root, "key-2023 ended, and copied again as key-copy")
    kinds = [(e.path, e.revived, e.held) for _c, es in derive_commits(root, head="HEAD") for e in es if e.issuer == a]
    assert (f"keys/{b}/key-b.json", False, True) in kinds
    assert (f"keys/{a}/key-copy.json", True, False) in kinds

    def earlier(root: Path, *, head: str, since: str | None = None, shallow_ok: bool = False):  # type: ignore[no-untyped-def]
        for _commit, entries in derive_commits(root, head=head, since=since):
            yield from (e for e in entries if not e.held)

    def again() -> None:  # one entry (key-copy's own end: no copy of another's)
        copy.write_text(json.dumps(original | {"id": "key-copy", "valid_until": "2024-06-01T00:00:00Z"}) + "\n")
        commit_all(root, "key-copy ended")

    _published_earlier_then_in_full(log_repo, monkeypatch, earlier, again)


def test_a_log_published_before_copies_outlasting_a_moved_end_were_logged_still_publishes_in_full(
    log_repo: LogRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A log published by the credreg just before a copy cut off at the retirement was ``key-changed`` once its own
    end was removed (:attr:`LogEntry.outlasts`) holds no such entry for that commit: a publish that derives the whole
    history again keeps it as published."""
    from generator.transparency.entries import derive_commits

    root = log_repo.root
    a, b = "northbridge-university", "brightforge-academy"
    key = root / f"keys/{a}/key-2023.json"
    original = json.loads(key.read_text())
    ended = {"valid_until": "2024-06-01T00:00:00Z"}
    copy = root / f"keys/{b}/key-b.json"
    copy.write_text(json.dumps(original | {"id": "key-b", "issuer": b} | ended) + "\n")
    commit_all(root, "a copy ending")
    key.write_text(json.dumps(original | ended, indent=2) + "\n")
    commit_all(root, "key-2023 ended at the same instant")
    copy.write_text(json.dumps(original | {"id": "key-b", "issuer": b}) + "\n")
    commit_all(root, "the copy's end removed")
    kinds = [(e.path, e.outlasts) for _c, es in derive_commits(root, head="HEAD") for e in es if e.issuer == a]
    assert (f"keys/{b}/key-b.json", True) in kinds

    def earlier(root: Path, *, head: str, since: str | None = None, shallow_ok: bool = False):  # type: ignore[no-untyped-def]
        for _commit, entries in derive_commits(root, head=head, since=since):
            yield from (e for e in entries if not e.outlasts)

    def again() -> None:  # one entry (the copy's own, in its owner's name: told in the retirer's already)
        copy.write_text(json.dumps(original | {"id": "key-b", "issuer": b}, indent=2) + "\n")
        commit_all(root, "the copy reformatted")

    _published_earlier_then_in_full(log_repo, monkeypatch, earlier, again)


def test_a_log_published_with_a_held_copys_alert_after_its_commits_awards_still_publishes_in_full(
    log_repo: LogRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy held when its key is retired is alerted before the retiring commit's awards now (an award it signed
    there, logged before the alert, passed the log's check); the credreg before logged the alert after every other
    entry of the commit (that derivation, patched in): a publish that derives the whole history again keeps that
    commit as published."""
    from generator.transparency.entries import derive_commits

    root, issuer = log_repo.root, "northbridge-university"
    path, key = imported_key(log_repo, tmp_path, "key-x", None)
    original = json.loads((root / path).read_text())
    (root / f"keys/{issuer}/key-y.json").write_text(json.dumps(original | {"id": "key-y"}) + "\n")
    commit_all(root, "a copy of a valid key")
    (root / path).write_text(json.dumps(original | {"valid_until": "2024-01-01T00:00:00Z"}) + "\n")
    award_with(log_repo, dataclasses.replace(key, key_id="key-y"), dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    commit_all(root, "key-x ended, and an award through the copy")
    [*_, (_c, entries)] = derive_commits(root, head="HEAD")
    assert [e.kind for e in entries] == ["key-expiry-set", "key-changed", "award"]

    def earlier(root: Path, *, head: str, since: str | None = None, shallow_ok: bool = False):  # type: ignore[no-untyped-def]
        for _commit, entries in derive_commits(root, head=head, since=since):
            yield from (e for e in entries if not e.held)
            yield from (e for e in entries if e.held)  # no key added already retired here: nothing logged last

    def again() -> None:
        award_with(log_repo, key, dt.datetime(2023, 9, 1, tzinfo=dt.UTC))
        commit_all(root, "an award")

    _published_earlier_then_in_full(log_repo, monkeypatch, earlier, again)


def test_a_witness_cosigns_no_checkpoint_whose_text_a_terminal_or_ci_log_would_act_on(
    log_repo: LogRepo, tmp_path: Path
) -> None:
    """`credreg log witness` prints the cosigned checkpoint (default: stdout, a terminal or a cron job's log), and
    the log hands it on to every reader: an extension line is the log's text, any character but C0 controls. A
    hostile log's line holding U+009B (CSI), a bidi override or "##[stop-commands]" was printed as it was."""
    from generator.tlog.note import Checkpoint, sign_note
    from tests._internal.test_text import workflow_commands

    log_repo.publish()
    checkpoint = log_repo.state / "checkpoint"
    cp = parse_checkpoint(parse_note(checkpoint.read_bytes()).text)
    for said in ("x \u009b2J\u202e", "##[stop-commands]tok", "  ::error::forged", "— ##[add-mask]x AAAAAAAA"):
        note = sign_note(Checkpoint(cp.origin, cp.size, cp.root, (*cp.extensions, said)).text(), log_repo.signer)
        if said.startswith("—"):  # a signature line, of a key name no witness knows
            note = sign_note(Checkpoint(cp.origin, cp.size, cp.root, cp.extensions).text(), log_repo.signer)
            note = parse_note(note.encode() + (said + "\n").encode())
        checkpoint.write_bytes(note.encode())
        done = log_repo.credreg(
            "log", "witness", "--key", str(log_repo.witness_key), "--state", str(tmp_path / "w"),
            "--vkey", log_repo.signer.verifier.vkey, str(log_repo.state), ok=False,
        )  # fmt: skip
        assert "refusing to cosign" in done.stderr
        assert done.stdout == ""
        assert not any(c in done.stderr for c in "\u009b\u202e")
        assert workflow_commands(done.stderr) == []
    assert not (tmp_path / "w" / "checkpoint").exists()
