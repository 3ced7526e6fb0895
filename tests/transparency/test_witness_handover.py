"""Replacing a log's witnesses (generator/transparency/handover.py): a hand-over announced in the log and cosigned by
the witnesses held to before is taken up by a monitor; a swap of witnesses that was not, is an alert. Through the real
CLI, on real Git repositories, real signatures and real cosignatures."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from generator.load import load_registry
from generator.tlog.note import NoteSigner
from generator.transparency.entries import LogEntry, derive_entries, head_commit
from generator.transparency.handover import ANNOUNCED, handover_problem, policy_hash
from generator.transparency.keys import generate_note_key
from generator.transparency.log import LogSource, open_log
from generator.transparency.witness import add_cosignatures, witness_log
from tests.transparency.conftest import LogRepo, commit_all, plant_award

pytestmark = pytest.mark.slow

ISSUER = "northbridge-university"
ORIGIN = "credentials.example.org/log"


def _witness(tmp_path: Path, name: str) -> NoteSigner:
    return generate_note_key(tmp_path / f"{name}.key", f"witness.example.com/{name}", "witness")


def _cosign(repo: LogRepo, tmp_path: Path, *witnesses: NoteSigner) -> None:
    """Each of ``witnesses`` (each with its own state, as a witness keeps) cosigns the log's checkpoint; the
    checkpoint served carries exactly their cosignatures."""
    notes = [
        witness_log(
            LogSource(repo.state),
            tmp_path / f"state-{w.verifier.name.replace('/', '-')}",
            w,
            vkey=repo.signer.verifier.vkey,
        ).note.encode()
        for w in witnesses
    ]
    log = open_log(LogSource(repo.state), repo.signer.verifier)
    note, _ = add_cosignatures(log, [w.verifier for w in witnesses], notes)
    (repo.state / "checkpoint").write_bytes(note.encode())


def _announce(repo: LogRepo, witness: NoteSigner, quorum: int = 1, *, swap: bool = False) -> None:
    """``log.handover`` naming ``witness`` (``swap``: and the witnesses replaced by it in the same commit)."""
    governance = repo.root / "registry/governance.yaml"
    text = governance.read_text()
    if swap:
        text = text.replace(repo.witness.verifier.vkey, witness.verifier.vkey)
    text += f"  handover:\n    witnesses:\n      - name: Next witness\n        vkey: {witness.verifier.vkey}\n"
    governance.write_text(text + f"    quorum: {quorum}\n")
    commit_all(repo.root, "announce the next witnesses")


def _take_up(repo: LogRepo, witness: NoteSigner, serial: str) -> None:
    """The governance lists the announced witness in place of the old one, ``log.handover`` gone; an award is added
    so that the log grows."""
    governance = repo.root / "registry/governance.yaml"
    text = governance.read_text().split("  handover:\n")[0]
    governance.write_text(text.replace(repo.witness.verifier.vkey, witness.verifier.vkey))
    plant_award(repo, serial=serial)
    commit_all(repo.root, "hand the log over to the next witnesses")


def _watched(repo: LogRepo, saved: Path) -> tuple[str, ...]:
    return (ISSUER, "--since", str(saved), "--save", str(saved), "--log", str(repo.state))


def test_a_commit_setting_the_handover_is_logged_as_its_announcement(log_repo: LogRepo, tmp_path: Path) -> None:
    """Setting ``log.handover`` is one ``witnesses-announced`` entry naming the announced policy's hash, for this
    log's name; a later commit that leaves it as it is logs none."""
    head = head_commit(log_repo.root)
    nxt = _witness(tmp_path, "next")
    _announce(log_repo, nxt)
    announced = [e for e in derive_entries(log_repo.root, head="HEAD", since=head) if e.kind == ANNOUNCED]
    digest = policy_hash(ORIGIN, [nxt.verifier.vkey], 1, [log_repo.witness.verifier.vkey], 1)
    assert announced == [LogEntry(ANNOUNCED, "-", digest, "registry/governance.yaml")]
    assert LogEntry.parse(announced[0].encode()) == announced[0]
    again = head_commit(log_repo.root)
    plant_award(log_repo)
    commit_all(log_repo.root, "an award, the handover unchanged")
    assert [e.kind for e in derive_entries(log_repo.root, head="HEAD", since=again)] == ["award"]


def test_a_monitor_takes_up_a_handover_the_old_witnesses_cosigned(log_repo: LogRepo, tmp_path: Path) -> None:
    """The operator's procedure (docs/transparency-log-operators.md): announce, have the old witnesses cosign a
    checkpoint holding the announcement, then list the new witnesses. The issuer's monitor shows the announcement
    (an alert, held until acknowledged) and then takes the new witnesses up without an alert. Before, every
    monitor alerted on the change for good, whatever the log said: no witness could ever be replaced."""
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(ISSUER, "--log", str(log_repo.state), "--save", str(saved))
    nxt = _witness(tmp_path, "next")
    _announce(log_repo, nxt)
    log_repo.publish()
    watched = _watched(log_repo, saved)
    shown = log_repo.monitor(*watched, ok=False)  # cosigned by the old witness
    assert "the registry announces it will hand the log over to other witnesses" in shown.stderr
    assert "not saved" in shown.stderr
    log_repo.acknowledged(*watched, ok=False)  # read, and saved
    kept = json.loads(Path(f"{saved}.policy.json").read_text())
    assert kept["announced"] == [policy_hash(ORIGIN, [nxt.verifier.vkey], 1, [log_repo.witness.verifier.vkey], 1)]

    _take_up(log_repo, nxt, "c0de")
    log_repo.publish()
    _cosign(log_repo, tmp_path, nxt)  # the new witness alone
    done = log_repo.credreg("log", "monitor", *watched)
    assert "ALERT" not in done.stderr, done.stderr
    assert "taken up" in done.stderr
    assert "cosigned by 1 of 1 witnesses" in done.stderr
    kept = json.loads(Path(f"{saved}.policy.json").read_text())
    assert kept["witnesses"] == [nxt.verifier.vkey]
    assert "announced" not in kept
    # From then on the monitor holds the log to the new witness: the old one alone is not enough.
    plant_award(log_repo, serial="c0ded")
    commit_all(log_repo.root, "another award")
    log_repo.publish()
    _cosign(log_repo, tmp_path, log_repo.witness)
    late = log_repo.credreg("log", "monitor", *watched, ok=False)
    assert "ALERT: the checkpoint is cosigned by 0 of the 1 witnesses" in late.stderr


@pytest.mark.parametrize("cosigner", ["no witness", "the holder's own witness"])
def test_a_handover_the_old_witnesses_never_cosigned_is_an_alert(
    log_repo: LogRepo, tmp_path: Path, cosigner: str
) -> None:
    """The old witnesses removed before they cosigned the announcement (or the announcement cosigned only by a
    witness of the holder's, fewer than the old quorum): the monitor never saved a checkpoint its quorum cosigned
    holding it, so the swap is an alert, as any other change of the governance's witnesses."""
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(ISSUER, "--log", str(log_repo.state), "--save", str(saved))
    nxt = _witness(tmp_path, "next")
    _announce(log_repo, nxt)
    log_repo.publish()
    if cosigner != "no witness":
        _cosign(log_repo, tmp_path, nxt)
    watched = _watched(log_repo, saved)
    unseen = log_repo.credreg("log", "monitor", *watched, ok=False)
    assert "ALERT: the checkpoint is cosigned by 0 of the 1 witnesses" in unseen.stderr
    log_repo.credreg("log", "monitor", *watched, "--acknowledge", "0" * 32, ok=False)  # never saved below quorum
    _take_up(log_repo, nxt, "c0de")
    log_repo.publish()
    _cosign(log_repo, tmp_path, nxt)
    before = saved.read_bytes()
    alerted = log_repo.credreg("log", "monitor", *watched, ok=False)
    assert "ALERT: registry/governance.yaml lists other witnesses than when you saved" in alerted.stderr
    assert "no announcement of these witnesses and quorum for this log" in alerted.stderr
    assert "taken up" not in alerted.stderr
    assert saved.read_bytes() == before


def test_witnesses_swapped_in_the_commit_that_announces_them_are_an_alert(log_repo: LogRepo, tmp_path: Path) -> None:
    """A holder of the repository and the log key that announces its own witness and lists it in the same commit:
    the checkpoint holding the announcement is cosigned only by its own witness, never by the old quorum."""
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(ISSUER, "--log", str(log_repo.state), "--save", str(saved))
    own = _witness(tmp_path, "mine")
    _announce(log_repo, own, swap=True)
    log_repo.publish()
    _cosign(log_repo, tmp_path, own)
    alerted = log_repo.credreg("log", "monitor", *_watched(log_repo, saved), ok=False)
    assert "cosigned by 1 of 1 witnesses" in alerted.stderr
    assert "ALERT: registry/governance.yaml lists other witnesses than when you saved" in alerted.stderr
    assert "the registry announces it will hand the log over" in alerted.stderr
    assert "taken up" not in alerted.stderr


def test_a_handover_to_no_witness_is_refused_by_the_check(log_repo: LogRepo, tmp_path: Path) -> None:
    """``log.handover`` with a quorum of 0: the check refuses it (no witness is never a hand-over)."""
    governance = log_repo.root / "registry/governance.yaml"
    governance.write_text(governance.read_text() + "  handover:\n    witnesses: []\n    quorum: 0\n")
    assert load_registry(log_repo.root).registry is None
    done = log_repo.credreg("check", ok=False)
    assert "registry/governance.yaml" in done.stdout + done.stderr
    assert "handover" in done.stdout + done.stderr


OLD = ["witness.example.net/w1+00000000+BAAA"]
NEW = ["witness.example.com/next+00000000+BBBB"]


def _kept(*announced: str) -> dict[str, object]:
    return {"vkey": "log+1+A", "witnesses": OLD, "quorum": 1, "announced": list(announced)}


def test_the_rule_takes_up_only_the_announced_policy_of_this_log() -> None:
    now = {"vkey": "log+1+A", "witnesses": NEW, "quorum": 1}
    assert handover_problem(_kept(policy_hash(ORIGIN, NEW, 1, OLD, 1)), now, ORIGIN) is None
    assert handover_problem(_kept(), {**now, "witnesses": OLD}, ORIGIN) is None  # nothing changed
    # None announced; another set announced; another quorum announced.
    assert handover_problem(_kept(), now, ORIGIN) is not None
    assert handover_problem(_kept(policy_hash(ORIGIN, OLD + NEW, 1, OLD, 1)), now, ORIGIN) is not None
    both = {**now, "witnesses": NEW + OLD, "quorum": 2}
    assert handover_problem(_kept(policy_hash(ORIGIN, NEW + OLD, 2, OLD, 1)), both, ORIGIN) is None
    assert handover_problem(
        _kept(policy_hash(ORIGIN, NEW + OLD, 1, OLD, 1)), {**now, "witnesses": NEW + OLD, "quorum": 2}, ORIGIN
    )
    # Replayed from another site's log, or this site's log under another name.
    for other in ("other.example/log", "credentials.example.org/registry/log"):
        assert handover_problem(_kept(policy_hash(other, NEW, 1, OLD, 1)), now, ORIGIN) is not None
    # The log key replaced with the witnesses.
    assert "log key" in str(
        handover_problem(_kept(policy_hash(ORIGIN, NEW, 1, OLD, 1)), {**now, "vkey": "log+2+B"}, ORIGIN)
    )


@pytest.mark.parametrize(("witnesses", "quorum"), [([], 0), (NEW, 0), (NEW, 2), (NEW, -1), (NEW, True)])
def test_the_rule_never_takes_up_a_quorum_of_no_witness_even_announced(witnesses: list[str], quorum: int) -> None:
    """No witness is never a hand-over: the log key alone would vouch for the log (handover.py)."""
    announced = policy_hash(ORIGIN, witnesses, int(quorum), OLD, 1)
    now = {"vkey": "log+1+A", "witnesses": witnesses, "quorum": quorum}
    assert handover_problem(_kept(announced), now, ORIGIN) is not None


def test_an_announcement_hands_over_only_from_the_witnesses_it_was_made_under() -> None:
    """A set once announced and since handed over from (a witness retired because its key leaked) cannot be taken
    back up by replaying its old announcement: the page takes up any announcement its remembered checkpoint holds
    (log/policy.json's handover names which), so an announcement names the witnesses it hands over from."""
    earlier = ["witness.example.org/first+00000000+BDDD"]
    # OLD was taken up from EARLIER; then OLD (its key leaked) was handed over to NEW, the set now held.
    replayed = policy_hash(ORIGIN, OLD, 1, earlier, 1)
    kept = {
        "vkey": "log+1+A",
        "witnesses": NEW,
        "quorum": 1,
        "announced": [replayed, policy_hash(ORIGIN, NEW, 1, OLD, 1)],
    }
    assert handover_problem(kept, {"vkey": "log+1+A", "witnesses": OLD, "quorum": 1}, ORIGIN) is not None
    # The same set and quorum announced from the set held now is a hand-over; from another quorum of it is not.
    back = {**kept, "announced": [policy_hash(ORIGIN, OLD, 1, NEW, 1)]}
    assert handover_problem(back, {"vkey": "log+1+A", "witnesses": OLD, "quorum": 1}, ORIGIN) is None
    other = {**kept, "announced": [policy_hash(ORIGIN, OLD, 1, NEW, 2)]}
    assert handover_problem(other, {"vkey": "log+1+A", "witnesses": OLD, "quorum": 1}, ORIGIN) is not None


def _reannounce(repo: LogRepo, witness: NoteSigner) -> None:
    """``log.handover`` corrected to name ``witness`` instead (the set announced before withdrawn)."""
    governance = repo.root / "registry/governance.yaml"
    text = governance.read_text().split("  handover:\n")[0]
    text += f"  handover:\n    witnesses:\n      - name: Next witness\n        vkey: {witness.verifier.vkey}\n"
    governance.write_text(text + "    quorum: 1\n")
    commit_all(repo.root, "announce other witnesses instead")


def _announced_then_corrected(
    log_repo: LogRepo, tmp_path: Path
) -> tuple[Path, tuple[str, ...], NoteSigner, NoteSigner]:
    """A monitor saves the log, then sees A→``first`` announced and cosigned by the old witness, then corrected to
    A→``second``, acknowledging each alert: the saved file, the monitor's arguments and the two witnesses."""
    log_repo.publish()
    saved = tmp_path / "seen"
    log_repo.monitor(ISSUER, "--log", str(log_repo.state), "--save", str(saved))
    first, second = _witness(tmp_path, "first"), _witness(tmp_path, "second")
    watched = _watched(log_repo, saved)
    _announce(log_repo, first)
    log_repo.publish()
    log_repo.monitor(*watched, ok=False)  # cosigned by the old witness
    log_repo.acknowledged(*watched, ok=False)
    _reannounce(log_repo, second)
    log_repo.publish()
    log_repo.monitor(*watched, ok=False)
    log_repo.acknowledged(*watched, ok=False)
    return saved, watched, first, second


def _listed_and_monitored(
    log_repo: LogRepo, tmp_path: Path, chosen: NoteSigner, watched: tuple[str, ...], *, ok: bool
) -> subprocess.CompletedProcess[str]:
    """``chosen`` listed as the log's witness, the log published and cosigned by it, then the monitor run."""
    _take_up(log_repo, chosen, "c0de")
    log_repo.publish()
    _cosign(log_repo, tmp_path, chosen)
    return log_repo.credreg("log", "monitor", *watched, ok=ok)


@pytest.mark.parametrize("listed", ["withdrawn", "latest"])
def test_a_monitor_takes_up_only_the_latest_announcement_from_the_set_it_holds(
    log_repo: LogRepo, tmp_path: Path, listed: str
) -> None:
    """A→B announced and cosigned, then corrected to A→C (B's key leaked, say), both seen by the monitor. Whoever
    holds the repository, the log key and B's leaked key lists B and has B cosign: before, the monitor took B up in
    silence (any announcement it kept counted). The latest announcement from the set held is what the registry
    means; an earlier one is withdrawn: B is an alert, C is taken up."""
    saved, watched, first, second = _announced_then_corrected(log_repo, tmp_path)
    old = [log_repo.witness.verifier.vkey]
    kept = json.loads(Path(f"{saved}.policy.json").read_text())
    assert kept["announced"] == [
        policy_hash(ORIGIN, [first.verifier.vkey], 1, old, 1),
        policy_hash(ORIGIN, [second.verifier.vkey], 1, old, 1),
    ]  # in the log's order
    chosen = first if listed == "withdrawn" else second
    done = _listed_and_monitored(log_repo, tmp_path, chosen, watched, ok=listed == "latest")
    if listed == "latest":
        assert "ALERT" not in done.stderr, done.stderr
        assert "taken up" in done.stderr
    else:
        assert "ALERT: registry/governance.yaml lists other witnesses than when you saved" in done.stderr
        assert "withdrawn" in done.stderr
        assert "taken up" not in done.stderr


def test_the_rule_takes_up_only_the_latest_announcement() -> None:
    """``announced`` is in the log's order: the last is the one the registry means, an earlier one withdrawn."""
    other = ["witness.example.org/other+00000000+BEEE"]
    now = {"vkey": "log+1+A", "witnesses": NEW, "quorum": 1}
    withdrawn = policy_hash(ORIGIN, NEW, 1, OLD, 1)
    latest = policy_hash(ORIGIN, other, 1, OLD, 1)
    assert "withdrawn" in str(handover_problem(_kept(withdrawn, latest), now, ORIGIN))
    assert handover_problem(_kept(withdrawn, latest), {**now, "witnesses": other}, ORIGIN) is None
    assert handover_problem(_kept(latest, withdrawn), now, ORIGIN) is None  # announced again after


@pytest.mark.parametrize("saved_by", ["earlier credreg", "this credreg"])
def test_announcements_an_earlier_credreg_kept_sorted_by_hash_are_not_read_as_the_log_order(
    log_repo: LogRepo, tmp_path: Path, saved_by: str
) -> None:
    """A→B announced, then corrected to A→C, both saved by a credreg that kept ``announced`` sorted by hash (here
    the withdrawn B sorts last). Read as the log's order, the last would be taken up: whoever holds the repository,
    the log key and B's leaked key listed B, had B cosign, and the monitor took B up in silence. Which of an earlier
    credreg's announcements is the latest cannot be told: the change is an alert (acknowledged once), as it was
    before hand-overs were followed. One this credreg saved is in the log's order: C is taken up."""
    saved, watched, first, second = _announced_then_corrected(log_repo, tmp_path)
    old = [log_repo.witness.verifier.vkey]
    withdrawn = policy_hash(ORIGIN, [first.verifier.vkey], 1, old, 1)
    latest = policy_hash(ORIGIN, [second.verifier.vkey], 1, old, 1)
    policy_file = Path(f"{saved}.policy.json")
    kept = json.loads(policy_file.read_text())
    if saved_by == "earlier credreg":
        kept = {name: kept[name] for name in ("vkey", "witnesses", "quorum")} | {"announced": [latest, withdrawn]}
        policy_file.write_text(json.dumps(kept, indent=2) + "\n")
        chosen = first
    else:
        chosen = second
    done = _listed_and_monitored(log_repo, tmp_path, chosen, watched, ok=saved_by == "this credreg")
    if saved_by == "this credreg":
        assert "ALERT" not in done.stderr, done.stderr
        assert "taken up" in done.stderr
    else:
        assert "ALERT: registry/governance.yaml lists other witnesses than when you saved" in done.stderr
        assert "sorted by hash" in done.stderr
        assert "taken up" not in done.stderr
