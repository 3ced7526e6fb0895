"""The award lifecycle through the credreg command, as an issuer and a verifier use it."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import make_registry


def credreg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, env=env, check=False
    )


def _keyed(tmp_path: Path) -> tuple[Path, list[str], dict[str, str], str]:
    """A registry, the --root arguments, an environment and the path of a registered acme-academy key."""
    root = make_registry(tmp_path / "r")
    (root / "keys/acme-academy/key-2025.json").unlink()
    env = {**os.environ, "CREDREG_KEY_DIR": str(tmp_path / "keys")}
    r = ["--root", str(root)]
    made = credreg(*r, "keygen", "acme-academy", "--key-id", "k1", "--valid-from", "2024-01-01", env=env)
    assert made.returncode == 0, made.stderr
    return root, r, env, str(tmp_path / "keys/acme-academy/k1.key")


def test_keygen_award_verify_revoke(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "r")
    (root / "keys/acme-academy/key-2025.json").unlink()
    env = {**os.environ, "CREDREG_KEY_DIR": str(tmp_path / "keys")}
    r = ["--root", str(root)]

    made = credreg(*r, "keygen", "acme-academy", "--key-id", "k1", "--valid-from", "2024-01-01", env=env)
    assert made.returncode == 0, made.stderr
    key = tmp_path / "keys/acme-academy/k1.key"
    assert f"private key: {key}" in made.stdout
    assert "verification method: did:web:registry.test.example:issuers:acme-academy#k1" in made.stdout

    out = tmp_path / "earners"
    awarded = credreg(
        *r, "award", "acme-academy/sql-basics", "--recipient", "ada@example.org", "--key", str(key),
        "--out", str(out), env=env,
    )  # fmt: skip
    assert awarded.returncode == 0, awarded.stderr
    digest = next(line.split()[1] for line in awarded.stdout.splitlines() if line.startswith("hash:"))
    assert f"verify: https://registry.test.example/verify/#{digest}" in awarded.stdout
    # Output that is kept (a CI job's log, as here: no terminal) never holds the earner's link: its key is private.
    assert "~" not in awarded.stdout
    assert f"earner: in {(out / 'recipients.csv').resolve()}" in awarded.stdout
    [row] = list(csv.DictReader((out / "recipients.csv").open()))
    link = row["verification_link"]
    assert link.startswith(f"https://registry.test.example/verify/#{digest}~")
    recipient_key = link.rsplit("~", 1)[1]
    earner_file = out / f"{digest}.json"
    assert f"file:   {earner_file}" in awarded.stdout

    # The earner's link confirms their address; a wrong one is refused.
    ok = credreg(*r, "verify", link, "--recipient", "ada@example.org", env=env)
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.startswith(
        "Valid: a genuine award, in force, awarded to ada@example.org.\n"
        "  verdict: VALID\n  SQL Basics — issued by Acme Academy"
    )
    assert "awarded to ada@example.org" in ok.stdout
    wrong = credreg(*r, "verify", link, "--recipient", "eve@example.org", env=env)
    assert wrong.returncode == 1
    assert wrong.stdout.startswith("Genuine and in force, but not awarded to this email address.\n")
    # The earner's file with the key, and the hash with the key, do the same.
    for target in (str(earner_file), digest):
        by_key = credreg(*r, "verify", target, "--recipient", "ADA@example.org", "--recipient-key", recipient_key,
                         env=env)  # fmt: skip
        assert by_key.returncode == 0, by_key.stdout
    # The public hash alone cannot confirm anyone.
    no_key = credreg(*r, "verify", digest, "--recipient", "ada@example.org", env=env)
    assert no_key.returncode == 1
    assert "cannot confirm without the recipient key" in no_key.stdout

    # --format json says what the human output says, the typed address in the same two places (the headline and
    # the recipient's check: the answer to "was this awarded to ada@example.org?") and nowhere else; never the key.
    confirmed = credreg(*r, "verify", link, "--recipient", "ADA@example.org", "--format", "json", env=env).stdout
    assert recipient_key not in confirmed
    held = json.loads(confirmed)
    assert held["headline"] == "Valid: a genuine award, in force, awarded to ada@example.org."
    reasons = {c["id"]: c["reason"] for c in held["checks"]}
    assert reasons.pop("recipient") == "awarded to ada@example.org (the hashed recipient matches)"
    held.pop("headline")
    held["checks"] = reasons
    assert "ada@" not in json.dumps(held).lower()
    as_json = json.loads(credreg(*r, "verify", digest, "--format", "json", env=env).stdout)
    assert as_json["valid"] is True
    assert {c["id"]: c["status"] for c in as_json["checks"]}["proof:eddsa-rdfc-2022"] == "passed"

    revoked = credreg(*r, "revoke", digest, "--reason", "Issued to the wrong person", "--key", str(key), env=env)
    assert revoked.returncode == 0, revoked.stderr
    after = credreg(*r, "verify", digest, env=env)
    assert after.returncode == 1
    assert after.stdout.startswith("Revoked on ")
    assert after.stdout.splitlines()[0].endswith(" by its issuer.")  # the verdict; the reason is the issuer's words
    assert "  Reason given by its issuer: 'Issued to the wrong person'" in after.stdout.splitlines()
    assert "revoked on" in after.stdout
    assert "Issued to the wrong person" in after.stdout
    again = credreg(*r, "revoke", digest, "--reason", "again", "--key", str(key), env=env)
    assert again.returncode == 2
    assert "was already revoked" in again.stderr

    checked = credreg(*r, "check", env=env)
    assert checked.returncode == 0, checked.stdout
    assert "1 awards, 1 revocations" in checked.stderr


def test_verify_unknown_hash_and_bad_input(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "r")
    env = dict(os.environ)
    unknown = credreg("--root", str(root), "verify", "ab" * 32, env=env)
    assert unknown.returncode == 1
    assert unknown.stdout.startswith("UNKNOWN: no award or endorsement with hash")
    assert credreg("--root", str(root), "verify", "not-a-hash", env=env).returncode == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    result = credreg("--root", str(root), "verify", str(bad), env=env)
    assert result.returncode == 2
    assert "is not a JSON credential" in result.stderr
    assert "Traceback" not in result.stderr


def test_award_refuses_a_group_readable_key(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "r")
    env = {**os.environ, "CREDREG_KEY_DIR": str(tmp_path / "keys")}
    assert credreg("--root", str(root), "keygen", "acme-academy", "--key-id", "k1", env=env).returncode == 0
    key = tmp_path / "keys/acme-academy/k1.key"
    key.chmod(0o640)
    result = credreg(
        "--root",
        str(root),
        "award",
        "acme-academy/sql-basics",
        "--recipient",
        "a@example.org",
        "--key",
        str(key),
        env=env,
    )
    assert result.returncode == 1
    assert "chmod 600" in result.stderr
    assert not (root / "registry/issuers/acme-academy/awards").exists()


def test_a_cohort_file_inside_the_checkout_is_refused_before_anything_is_signed(tmp_path: Path) -> None:
    # The documented `credreg award --csv cohort.csv`, run at the checkout's top: the class list sat one
    # `git add` from publishing every address (and the full check refuses it there). Refused by where it lies,
    # however spelt: a link into the checkout is the checkout.
    root, r, env, key = _keyed(tmp_path)
    inside = root / "cohort.csv"
    inside.write_text("email\nada@example.org\n")
    (tmp_path / "link").symlink_to(root)
    for spelling in (inside, tmp_path / "link" / "cohort.csv"):
        done = credreg(*r, "award", "acme-academy/sql-basics", "--csv", str(spelling), "--key", key, env=env)
        assert done.returncode == 2, done.stderr
        assert "refusing to read a cohort file inside the registry repository" in done.stderr
        assert "move it outside the checkout" in done.stderr
        assert "Traceback" not in done.stderr
        assert not (root / "registry/issuers/acme-academy/awards").exists(), "nothing was signed"
    outside = tmp_path / "cohort.csv"
    inside.rename(outside)
    done = credreg(*r, "award", "acme-academy/sql-basics", "--csv", str(outside), "--key", key, env=env)
    assert done.returncode == 0, done.stderr


def test_a_cohort_writes_the_private_mapping_and_never_into_the_repository(tmp_path: Path) -> None:
    root, r, env, key = _keyed(tmp_path)
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email,name\nada@example.org,Ada Lovelace\nalan@example.org,Alan Turing\n")
    award = [*r, "award", "acme-academy/sql-basics", "--csv", str(cohort), "--key", key]

    inside = credreg(*award, "--out", str(root / "private"), env=env)
    assert inside.returncode == 2
    assert "refusing to write earners' links and keys inside the registry repository" in inside.stderr
    assert not (root / "private").exists()
    assert not (root / "registry/issuers/acme-academy/awards").exists(), "nothing was signed"

    done = credreg(*award, "--out", str(tmp_path / "cohort-out"), env=env)
    assert done.returncode == 0, done.stderr
    mapping = tmp_path / "cohort-out" / "recipients.csv"
    assert f"earners: {mapping}" in done.stdout
    text = mapping.read_text()
    assert "Ada Lovelace" in text
    for secret in ("ada@example.org", "Lovelace", "~"):
        assert secret not in done.stdout, "a cohort's output names no one and shows no key"
    link = text.splitlines()[1].split(",")[3]
    ok = credreg(*r, "verify", link, "--recipient", "ada@example.org", env=env)
    assert ok.returncode == 0, ok.stdout

    again = credreg(*award, "--out", str(tmp_path / "cohort-out"), env=env)
    assert again.returncode == 2
    assert "is not an empty folder" in again.stderr
    # Without --out: a new folder under $CREDREG_EARNER_DIR (the user's data dir by default).
    default = credreg(*award, env={**env, "CREDREG_EARNER_DIR": str(tmp_path / "default")})
    assert default.returncode == 0, default.stderr
    assert len(list((tmp_path / "default").glob("*/recipients.csv"))) == 1

    # The registry and its history hold no address, name or key.
    published = "".join(p.read_text() for p in (root / "registry").rglob("*") if p.is_file())
    for row in text.splitlines()[1:]:
        email, name, _, _, _, recipient_key = row.split(",")
        assert email not in published
        assert name.split()[1] not in published
        assert recipient_key not in published


def test_verify_link_and_key_usage_errors(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "r")
    env = dict(os.environ)
    r = ["--root", str(root)]
    link = "https://registry.test.example/verify/#" + "ab" * 32 + "~" + "0" * 32
    unknown = credreg(*r, "verify", link, "--recipient", "a@example.org", env=env)
    assert unknown.returncode == 1
    assert unknown.stdout.startswith("UNKNOWN: no award or endorsement with hash " + "ab" * 32)
    clash = credreg(*r, "verify", link, "--recipient", "a@example.org", "--recipient-key", "1" * 32, env=env)
    assert clash.returncode == 2
    assert "different recipient key" in clash.stderr
    alone = credreg(*r, "verify", "ab" * 32, "--recipient-key", "1" * 32, env=env)
    assert alone.returncode == 2
    assert "give it with --recipient EMAIL" in alone.stderr


def test_a_cohort_warns_about_recipients_who_already_hold_the_credential(tmp_path: Path) -> None:
    # The registry cannot tell (it publishes no recipient a guess could match): the issuer's own earlier runs can.
    _, r, env, key = _keyed(tmp_path)
    env["CREDREG_EARNER_DIR"] = str(tmp_path / "runs")
    first = tmp_path / "first.csv"
    first.write_text("email\nada@example.org\nalan@example.org\n")
    award = [*r, "award", "acme-academy/sql-basics", "--key", key]
    done = credreg(*award, "--csv", str(first), env=env)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr

    second = tmp_path / "second.csv"
    second.write_text("email\nADA@example.org\ngrace@example.org\n")
    again = credreg(*award, "--csv", str(second), env=env)
    assert again.returncode == 0, again.stderr  # a warning: re-awarding can be deliberate
    lines = [line for line in again.stderr.splitlines() if line.startswith("warning: ")]
    assert any("ada@example.org already holds acme-academy/sql-basics" in line for line in lines), again.stderr
    assert not any("alan@" in line or "grace@" in line for line in lines), lines

    # A revoked award is no longer held.
    first_run = next(m for m in (tmp_path / "runs").glob("*/recipients.csv") if "alan@" in m.read_text())
    alan_hash = next(row.split(",")[2] for row in first_run.read_text().splitlines() if row.startswith("alan@"))
    revoked = credreg(*r, "revoke", alan_hash, "--reason", "Issued in error", "--key", key, env=env)
    assert revoked.returncode == 0, revoked.stdout + revoked.stderr
    third = tmp_path / "third.csv"
    third.write_text("email\nalan@example.org\nada@example.org\n")
    warned = credreg(*award, "--csv", str(third), env=env).stderr
    assert "alan@example.org already holds" not in warned
    assert "ada@example.org already holds" in warned


def test_an_earlier_run_recorded_in_another_spelling_of_the_mailbox_still_warns(tmp_path: Path) -> None:
    """An earlier run's recipients.csv holding the address with the root's dot, a fullwidth full stop or an invisible
    character (a run made before credreg refused them, or a row edited by hand) names the mailbox the new cohort's
    plain address does: the second award to it was made with no warning. A cohort written so is refused, naming
    its file, line and field."""
    _, r, env, key = _keyed(tmp_path)
    env["CREDREG_EARNER_DIR"] = str(tmp_path / "runs")
    award = [*r, "award", "acme-academy/sql-basics", "--key", key]
    first = tmp_path / "first.csv"
    first.write_text("email\nada@example.org\nalan@example.org\n")
    assert credreg(*award, "--csv", str(first), env=env).returncode == 0
    [mapping] = (tmp_path / "runs").glob("*/recipients.csv")
    text = mapping.read_text(encoding="utf-8")
    text = text.replace("ada@example.org,", "ADA@example\uff0eorg.,")
    mapping.write_text(text.replace("alan@example.org,", "al\u200ban@example.org,"), encoding="utf-8")
    second = tmp_path / "second.csv"
    second.write_text("email\nada@example.org\nalan@example.org\ngrace@example.org\n")
    again = credreg(*award, "--csv", str(second), env=env)
    assert again.returncode == 0, again.stderr
    warned = [line for line in again.stderr.splitlines() if line.startswith("warning: ")]
    assert any("ada@example.org already holds acme-academy/sql-basics" in line for line in warned), again.stderr
    assert any("alan@example.org already holds acme-academy/sql-basics" in line for line in warned), again.stderr
    assert not any("grace@" in line for line in warned), warned

    for spelling in ("ada@example.org.", "ada@example\u3002org", "ad\u00ada@example.org"):
        third = tmp_path / "third.csv"
        third.write_text(f"email\ngrace@example.org\n{spelling}\n", encoding="utf-8")
        refused = credreg(*award, "--csv", str(third), env=env)
        assert refused.returncode != 0, spelling
        assert f"{third}:3: email: " in refused.stderr, refused.stderr
        assert "is not an email address" in refused.stderr
        assert "nothing was signed" in refused.stderr
        assert "Traceback" not in refused.stderr


def test_award_refuses_evidence_the_check_would_refuse_before_signing(tmp_path: Path) -> None:
    root, r, env, key = _keyed(tmp_path)
    award = [*r, "award", "acme-academy/sql-basics", "--key", key]
    for url in ("https://x.example/?u=ev@example.org", "https://", "ftp://x.example/a"):
        out = tmp_path / "out"
        result = credreg(*award, "--recipient", "s@example.org", "--evidence", url, "--out", str(out), env=env)
        assert result.returncode == 2, (url, result.stderr)
        assert f"--evidence {url!r}:" in result.stderr
        assert "Traceback" not in result.stderr
        assert not out.exists(), "nothing written for the earner"
        assert not (root / "registry/issuers/acme-academy/awards").exists(), "nothing signed into the registry"
    assert (
        "must not contain an email address"
        in credreg(
            *award, "--recipient", "s@example.org", "--evidence", "https://u:ev@example.org@x.example/", env=env
        ).stderr
    )
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(
        "email,evidence\na@example.org,https://x.example/a\nb@example.org,https://x.example/?u=b@example.org\n"
    )
    result = credreg(*award, "--csv", str(cohort), "--out", str(tmp_path / "c"), env=env)
    assert result.returncode == 1, result.stderr  # bad rows are problems found, as for every other column
    assert f"{cohort}:3: evidence" in result.stderr
    assert not (root / "registry/issuers/acme-academy/awards").exists()
    fine = credreg(
        *award,
        "--recipient",
        "s@example.org",
        "--evidence",
        "https://x.example/p/1",
        "--out",
        str(tmp_path / "f"),
        env=env,
    )
    assert fine.returncode == 0, fine.stderr
    assert credreg(*r, "check", env=env).returncode == 0
    # The earner's private link of the award just made, as evidence for their next one: its key would be published.
    [row] = csv.DictReader(io.StringIO((tmp_path / "f" / "recipients.csv").read_text()))
    link = next(value for value in row.values() if "/verify/#" in value and "~" in value)
    leaked = credreg(*award, "--recipient", "s@example.org", "--evidence", link, "--out", str(tmp_path / "l"), env=env)
    assert leaked.returncode == 2, leaked.stderr
    assert "must not contain a recipient key" in leaked.stderr
    assert not (tmp_path / "l").exists()


def test_award_refuses_a_valid_until_before_the_issue_date(tmp_path: Path) -> None:
    root, r, env, key = _keyed(tmp_path)
    award = [*r, "award", "acme-academy/sql-basics", "--key", key, "--recipient", "s@example.org"]
    result = credreg(*award, "--valid-until", "2025-02-01", env=env)  # issued now, later than that
    assert result.returncode == 2, result.stderr
    assert "--valid-until: 2025-02-01T23:59:59Z is before validFrom 20" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (root / "registry/issuers/acme-academy/awards").exists(), "nothing signed into the registry"


def test_unusable_key_and_out_paths_are_usage_errors_and_nothing_is_written(tmp_path: Path) -> None:
    root, r, env, key = _keyed(tmp_path)
    award = [*r, "award", "acme-academy/sql-basics", "--recipient", "s@example.org"]
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    folder = tmp_path / "key-folder"
    folder.mkdir(mode=0o700)

    as_key = credreg(*award, "--key", str(folder), "--out", str(tmp_path / "o1"), env=env)
    assert as_key.returncode == 1, as_key.stderr
    assert f"cannot read private key {folder}" in as_key.stderr
    under_a_file = credreg(*award, "--key", key, "--out", str(a_file / "x"), env=env)
    assert under_a_file.returncode == 2, under_a_file.stderr
    assert f"cannot write earners' files to {a_file / 'x'}: {a_file} is not a folder" in under_a_file.stderr
    for result in (as_key, under_a_file):
        assert "Traceback" not in result.stderr
    assert not (root / "registry/issuers/acme-academy/awards").exists(), "nothing signed into the registry"

    keygen = [*r, "keygen", "acme-academy", "--key-id", "k2"]
    dangling = tmp_path / "dl.key"
    dangling.symlink_to(tmp_path / "nowhere")
    bad_parent = credreg(*keygen, "--out", str(a_file / "k.key"), env=env)
    assert bad_parent.returncode == 2, bad_parent.stderr
    assert f"cannot write the private key {a_file / 'k.key'}: {a_file} is not a folder" in bad_parent.stderr
    link = credreg(*keygen, "--out", str(dangling), env=env)
    assert link.returncode == 1, link.stderr
    assert f"{dangling} already exists; not overwriting a private key" in link.stderr
    for result in (bad_parent, link):
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "nowhere").exists(), "never written through the link"
    assert not (root / "keys/acme-academy/k2.json").exists(), "no public half without its private half"


def test_keygen_names_the_option_whose_date_is_wrong(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "r")
    env = {**os.environ, "CREDREG_KEY_DIR": str(tmp_path / "keys")}
    result = credreg("--root", str(root), "keygen", "acme-academy", "--valid-from", "garbage", env=env)
    assert result.returncode == 2, result.stderr
    assert "--valid-from: 'garbage' is not a date" in result.stderr
    assert "--valid-until" not in result.stderr
    assert not (tmp_path / "keys").exists()


def test_an_email_or_recipient_key_that_is_not_utf8_is_refused_not_a_traceback(tmp_path: Path) -> None:
    """Arguments are bytes: one that is not UTF-8 (Python reads it surrogate-escaped) has no UTF-8 to hash.
    `award --recipient` refuses it as no email address (exit 2, nothing signed), and `verify --recipient` /
    `--recipient-key` answer that the recipient does not match (exit 1), as for any other wrong address."""
    root, r, env, key = _keyed(tmp_path)
    not_utf8 = os.fsdecode(b"ada\xff@example.org")
    awarded = credreg(*r, "award", "acme-academy/sql-basics", "--recipient", not_utf8, "--key", key, env=env)
    assert "Traceback" not in awarded.stderr, awarded.stderr
    assert awarded.returncode == 2, awarded.stdout + awarded.stderr
    assert "--recipient: 'ada\\udcff@example.org' is not an email address" in awarded.stderr
    assert not list(root.glob("registry/issuers/acme-academy/awards/**/*.json"))
    done = credreg(*r, "award", "acme-academy/sql-basics", "--recipient", "ada@example.org", "--key", key, env=env)
    assert done.returncode == 0, done.stderr
    digest = done.stdout.split("hash:")[1].split()[0]
    stray = os.fsdecode(b"4ba319625842b9b8\xff")  # a key with a stray byte: no key, but most of a real one
    for recipient, recipient_key in ((not_utf8, "0" * 32), ("ada@example.org", os.fsdecode(b"\xff" * 16)),
                                     ("ada@example.org", stray)):  # fmt: skip
        checked = credreg(*r, "verify", digest, "--recipient", recipient, "--recipient-key", recipient_key, env=env)
        assert "Traceback" not in checked.stderr, checked.stderr
        assert checked.returncode == 1, checked.stdout + checked.stderr
        assert "failed: " in next(line for line in checked.stdout.splitlines() if "Recipient" in line)
        # A key is not echoed, not even one that is no key (a real one with a stray byte): output goes to logs.
        for fmt in ("text", "json"):
            shown = credreg(*r, "verify", digest, "--recipient", recipient, "--recipient-key", recipient_key,
                            "--format", fmt, env=env)  # fmt: skip
            assert "4ba319625842b9b8" not in shown.stdout + shown.stderr
            assert "udcff\\udcff" not in shown.stdout + shown.stderr
    link = credreg(*r, "verify", f"https://example.org/verify/#{digest}~" + os.fsdecode(b"\xff"), env=env)
    assert "Traceback" not in link.stderr, link.stderr
    assert link.returncode == 2, link.stdout + link.stderr
    assert "is neither a file, an award or endorsement hash (64 hex digits) nor a verification link" in link.stderr


def test_an_earners_folder_whose_name_is_not_utf8_is_refused_before_anything_is_signed(tmp_path: Path) -> None:
    """The earners' mapping (recipients.csv, UTF-8 text) lists each earner's file by its path, which a name that is
    not UTF-8 cannot be written in: `award` wrote the earners' award files, then stopped on a UnicodeEncodeError
    traceback. The folder, given by --out or $CREDREG_EARNER_DIR, is refused before anything is signed."""
    root, r, env, key = _keyed(tmp_path)
    award = [*r, "award", "acme-academy/sql-basics", "--recipient", "ada@example.org", "--key", key]
    odd = os.fsdecode(os.fsencode(str(tmp_path)) + b"/earners-\xff")
    record = tmp_path / "keys/acme-academy/acme-academy.signed.txt"
    for given, environ in ((["--out", odd], env), ([], {**env, "CREDREG_EARNER_DIR": odd})):
        done = credreg(*award, *given, env=environ)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 2, done.stdout + done.stderr
        assert "earners-\\udcff" in done.stderr, done.stderr
        assert ": the name is not UTF-8 text" in done.stderr, done.stderr
        assert "nothing was signed" in done.stderr
        assert not os.path.lexists(odd), "no earner's file written"
        assert not (root / "registry/issuers/acme-academy/awards").exists(), "nothing signed into the registry"
        assert " award registry/" not in record.read_text(), "nothing recorded as signed"


def test_award_signs_only_what_the_pull_request_check_takes_as_fresh(tmp_path: Path) -> None:
    """The pull-request check refuses a new award signed more than review.award_backdating_days ago, or ahead, or by
    a key out of force now (governance/fresh.py freshness_problem). `credreg award` signs at the clock's time and
    takes no start date (a back-dated award would be refused only at pull-request time): an award it signs meets
    that rule as the check reads it, and --valid-from (keygen's option) is refused with nothing written."""
    import datetime as dt

    from generator.governance.fresh import freshness_problem
    from generator.load import load_registry

    root, r, env, key = _keyed(tmp_path)
    out = tmp_path / "earners"
    common = ("award", "acme-academy/sql-basics", "--recipient", "ada@example.org", "--key", key, "--out", str(out))
    backdated = credreg(*r, *common, "--valid-from", "2020-01-01", env=env)
    assert backdated.returncode == 2
    assert "unrecognized arguments: --valid-from 2020-01-01" in backdated.stderr
    assert not out.exists()
    assert not list(root.glob("registry/issuers/acme-academy/awards/**/*.json"))

    awarded = credreg(*r, *common, env=env)
    assert awarded.returncode == 0, awarded.stderr
    [path] = root.glob("registry/issuers/acme-academy/awards/**/*.json")
    award = json.loads(path.read_text())
    registry = load_registry(root).registry
    assert registry is not None
    record = registry.issuers["acme-academy"].keys["k1"].model
    rules = registry.governance.model.review
    assert {p["created"] for p in award["proof"]} == {award["validFrom"]}
    for proof in award["proof"]:
        assert (
            freshness_problem(record, proof["created"], now=dt.datetime.now(dt.UTC), rules=rules, what="the award")
            is None
        )


def _hidden_from_cmdline(args: list[str], stdin: str, env: dict[str, str], secrets: tuple[str, ...]) -> str:
    """Run credreg with ``stdin`` piped in; read its /proc/<pid>/cmdline (what `ps` shows every local user) while it
    runs, and assert none of ``secrets`` is in it. Its output."""
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    cmdline = ""
    for _ in range(200):  # before stdin is written it still runs; read once its exec is done (empty until then)
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode(errors="replace")
        if "generator" in cmdline:
            break
        time.sleep(0.01)
    out, err = process.communicate(stdin)
    assert "\x00".join(args) in cmdline, cmdline  # this command's own arguments, as ps shows them
    for secret in secrets:
        assert secret not in cmdline
    assert process.returncode == 0, out + err
    return out + err


def _awarded_to_ada(tmp_path: Path) -> tuple[list[str], dict[str, str], str, dict[str, str]]:
    """A registry in ``tmp_path`` with one award to ada@example.org: credreg's root arguments, its environment, the
    key's path and the award's row of the earners' recipients.csv (link, key, hash)."""
    _, r, env, key = _keyed(tmp_path)
    out = tmp_path / "earners"
    done = credreg(
        *r, "award", "acme-academy/sql-basics", "--recipient", "ada@example.org", "--key", key, "--out", str(out),
        env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [row] = list(csv.DictReader((out / "recipients.csv").open()))
    return r, env, key, row


def test_the_recipient_key_email_and_private_link_can_be_kept_off_the_command_line(tmp_path: Path) -> None:
    """An argument is visible to every local user (`ps`, /proc/<pid>/cmdline) and kept in shell history: `-` reads
    the link, the email and the key from standard input instead, one line each, in that order."""
    r, env, _, row = _awarded_to_ada(tmp_path)
    link, recipient_key = row["verification_link"], row["recipient_key"]
    digest = link.split("#")[1].split("~")[0]
    by_key = _hidden_from_cmdline(
        [*r, "verify", digest, "--recipient", "-", "--recipient-key", "-"], f"ada@example.org\n{recipient_key}\n",
        env, ("ada@example.org", recipient_key),
    )  # fmt: skip
    assert "awarded to ada@example.org" in by_key
    assert "warning" not in by_key
    by_link = _hidden_from_cmdline(
        [*r, "verify", "-", "--recipient", "-"], f"{link}\nada@example.org\n", env, ("ada@example.org", recipient_key)
    )
    assert "awarded to ada@example.org" in by_link
    # A line missing is a usage error that says which, not a key of "" (nor a traceback).
    short = subprocess.run(
        [sys.executable, "-m", "generator", *r, "verify", digest, "--recipient", "-", "--recipient-key", "-"],
        input="ada@example.org\n", capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert short.returncode == 2, short.stdout + short.stderr
    assert "--recipient-key -: no line left on standard input" in short.stderr
    # The key on the command line still works (scripts use it), with a warning that names no secret.
    argv = credreg(*r, "verify", digest, "--recipient", "ada@example.org", "--recipient-key", recipient_key, env=env)
    assert argv.returncode == 0, argv.stdout + argv.stderr
    assert "warning: the recipient key on the command line can be read by other users" in argv.stderr
    assert recipient_key not in argv.stderr
    private = credreg(*r, "verify", link, "--recipient", "ada@example.org", env=env)
    assert private.returncode == 0
    assert "warning: the recipient key on the command line can be read by other users" in private.stderr


def test_an_unreadable_private_link_is_not_echoed_with_its_key(tmp_path: Path) -> None:
    """An error quoting its input goes to logs (a CI job's): a link credreg cannot read keeps its key out of it."""
    _, r, env, _ = _keyed(tmp_path)
    secret = "4ba319625842b9b84cb49b7f589301ea"
    for link in (f"https://example.org/verify/#{'ab' * 31}~{secret}", f"{'ab' * 32}~{secret}/x"):
        refused = credreg(*r, "verify", link, env=env)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "is neither a file" in refused.stderr
        assert secret not in refused.stderr + refused.stdout


def test_award_reads_the_recipient_from_standard_input(tmp_path: Path) -> None:
    """`credreg award … --recipient EMAIL` showed every local user (ps) who was being awarded what, at the time the
    award appears in the public registry: it ties the published award to its earner. `--recipient -` reads it from
    standard input (a cohort's --csv keeps addresses off the command line already)."""
    _, r, env, key = _keyed(tmp_path)
    out = tmp_path / "earners"
    said = _hidden_from_cmdline(
        [*r, "award", "acme-academy/sql-basics", "--recipient", "-", "--key", key, "--out", str(out)],
        "Zoe.Hidden@example.org\n", env, ("zoe.hidden", "Zoe.Hidden"),
    )  # fmt: skip
    assert "zoe" not in said.lower()
    [row] = list(csv.DictReader((out / "recipients.csv").open()))
    assert row["email"] == "zoe.hidden@example.org"


def test_an_escaped_look_alike_before_a_key_is_cut_too(tmp_path: Path) -> None:
    """A link is read decoded (percent-escapes undone once): an error cut its echo at a "~" or look-alike as
    written, so one escaped ("%EF%BD%9E" is "～", as a mailer or a browser's copy writes it) quoted the key whole."""
    _, r, env, _ = _keyed(tmp_path)
    secret = "4ba319625842b9b84cb49b7f589301ea"
    for separator in ("%EF%BD%9E", "%ef%bd%9e", "%E2%88%BC", "%E3%80%9C", "%CB%9C", "%E2%81%93", "%257E", "%7E"):
        link = f"https://example.org/verify/#zz{separator}{secret}"
        refused = credreg(*r, "verify", link, env=env)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "is neither a file" in refused.stderr
        assert secret not in refused.stderr + refused.stdout, separator


def _piped(args: list[str], stdin: bytes | None, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """credreg with ``stdin`` as its standard input's bytes (None: standard input closed, as `<&-` leaves it)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=env, pass_fds=(), close_fds=True, preexec_fn=(lambda: os.close(0)) if stdin is None else None,
    )  # fmt: skip
    out, err = process.communicate(stdin)
    return subprocess.CompletedProcess(process.args, process.returncode, out.decode(), err.decode())


def test_secrets_on_standard_input_as_files_and_pipes_give_them(tmp_path: Path) -> None:
    """Standard input as an earner's machine gives it: closed (`<&-`: a traceback), a file saved with a byte order
    mark (Notepad's: the award was signed to "\\ufeffada@…", an address nobody can type, and the link refused),
    an award's JSON piped where a link was asked for ("'{' is neither a file…"), a NUL (no argument holds one)."""
    _, r, env, key = _keyed(tmp_path)
    closed = _piped([*r, "verify", "-"], None, env)
    assert "Traceback" not in closed.stderr, closed.stderr
    assert closed.returncode == 2
    assert "FILE|HASH|LINK -: standard input is closed" in closed.stderr
    out = tmp_path / "earners"
    bom = b"\xef\xbb\xbf"
    done = _piped(
        [*r, "award", "acme-academy/sql-basics", "--recipient", "-", "--key", key, "--out", str(out)],
        bom + b"Ada@Example.org\r\n", env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    [row] = list(csv.DictReader((out / "recipients.csv").open(encoding="utf-8")))
    assert row["email"] == "ada@example.org"
    link, digest = row["verification_link"], row["award_hash"]
    confirmed = _piped([*r, "verify", "-", "--recipient", "-"], bom + f"{link}\r\nada@example.org\r\n".encode(), env)
    assert confirmed.returncode == 0, confirmed.stdout + confirmed.stderr
    assert "awarded to ada@example.org" in confirmed.stdout
    by_hash = _piped([*r, "verify", "-"], bom + digest.encode() + b"\n", env)
    assert by_hash.returncode == 0, by_hash.stdout + by_hash.stderr
    award = Path(row["award_file"]).read_bytes()
    piped = _piped([*r, "verify", "-"], award, env)
    assert piped.returncode == 2, piped.stdout + piped.stderr
    assert "standard input holds JSON" in piped.stderr, piped.stderr
    assert "give its file's path" in piped.stderr
    nul = _piped([*r, "verify", digest, "--recipient", "-", "--recipient-key", "-"], b"ada@example.org\n\x00\n", env)
    assert nul.returncode == 2, nul.stdout + nul.stderr
    assert "--recipient-key -: the line on standard input holds a NUL" in nul.stderr


def test_a_key_or_link_given_as_the_email_is_not_echoed(tmp_path: Path) -> None:
    """The lines of `-` in another order than asked, or the earner's link pasted where the address goes: the
    recipient check (and award's refusal) quoted it whole as "'<it>' is not an email address", in text, in
    --format json and in a CI job's log: the key that confirms its earner's address, or their whole private link."""
    r, env, key, row = _awarded_to_ada(tmp_path)
    link, secret, digest = row["verification_link"], row["recipient_key"], row["award_hash"]
    for fmt in ("text", "json"):
        for given in (f"{secret}\nada@example.org\n", f"{link}\n{secret}\n", f"{secret.upper()} \n{secret}\n"):
            mixed = _piped(
                [*r, "verify", digest, "--recipient", "-", "--recipient-key", "-", "--format", fmt], given.encode(), env
            )
            assert mixed.returncode == 1, mixed.stdout + mixed.stderr
            assert "is not an email address" in mixed.stdout, mixed.stdout
            assert secret not in (mixed.stdout + mixed.stderr).lower(), given
    refused = _piped(
        [*r, "award", "acme-academy/sql-basics", "--recipient", "-", "--key", key, "--out", str(tmp_path / "o2")],
        f"{link}\n".encode(), env,
    )  # fmt: skip
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "is not an email address" in refused.stderr
    assert secret not in refused.stdout + refused.stderr


def _at_a_terminal(args: list[str], answers: list[tuple[str, bytes]], env: dict[str, str]) -> tuple[str, int]:
    """credreg run on a real pseudo-terminal: each answer typed once its prompt shows. All it showed, its exit code."""
    import pty
    import select

    pid, fd = pty.fork()
    if pid == 0:  # the child: credreg, its standard streams and /dev/tty the terminal
        # As a shell starts it: no signal blocked. A mask is inherited through exec, and a test run earlier in this
        # worker may leave SIGINT blocked in it: the Ctrl-C typed below then stayed pending, credreg at its prompt.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # nor ignored (kept through exec): Python then takes it
        os.execve(sys.executable, [sys.executable, "-m", "generator", *args], env)
    shown = b""

    def read(seconds: float) -> None:
        nonlocal shown
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    shown += os.read(fd, 4096)
                except OSError:  # the terminal closed: credreg has exited
                    return

    for prompt, typed in answers:
        for _ in range(120):
            if prompt.encode() in shown:
                break
            read(0.25)
        assert prompt.encode() in shown, shown
        os.write(fd, typed)
    read(8)
    deadline = time.monotonic() + 60  # bounded: a credreg still waiting is a failure that says what it showed
    while (done := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        read(0.25)
    if done[0] == 0:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
        raise AssertionError(f"credreg still waited at the terminal after its answers: {shown!r}")
    os.close(fd)
    return shown.decode(errors="replace"), os.waitstatus_to_exitcode(done[1])


def test_secrets_typed_at_a_terminal_are_not_shown_and_an_interrupt_is_no_traceback(tmp_path: Path) -> None:
    """At a terminal, each `-` is asked for without echo (nothing typed shows, so nothing of it stays in the
    scrollback); Ctrl-C at the prompt ends it as any interrupt (130, no traceback), Ctrl-D says nothing was typed."""
    r, env, _, row = _awarded_to_ada(tmp_path)
    args = [*r, "verify", row["award_hash"], "--recipient", "-", "--recipient-key", "-"]
    env = {**env, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    shown, code = _at_a_terminal(
        args, [("--recipient: ", b"ada@example.org\r"), ("--recipient-key: ", row["recipient_key"].encode() + b"\r")],
        env,
    )  # fmt: skip
    assert code == 0, shown
    assert "awarded to ada@example.org" in shown
    assert "--recipient: ada" not in shown  # not echoed as typed (the result names the address, as asked)
    assert row["recipient_key"] not in shown
    shown, code = _at_a_terminal(args, [("--recipient: ", b"\x03")], env)
    assert (code, "Traceback" in shown, "credreg: interrupted" in shown) == (130, False, True), shown
    shown, code = _at_a_terminal(args, [("--recipient: ", b"\x04")], env)
    assert (code, "--recipient -: nothing was typed" in shown) == (2, True), shown


def test_a_cohort_address_holding_what_nobody_types_is_refused_naming_line_and_code_point(tmp_path: Path) -> None:
    """A cohort file's stray zero-width space, a trailing dot or an xn-- domain bound an award to a string its earner
    never types (or to a second hash of their mailbox): `credreg award --csv` refuses each, naming the line, the
    field and the code point, and signs nothing; `verify --recipient` says the same of such an address."""
    root, r, env, key = _keyed(tmp_path)
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(
        "email,name\nok@example.org,Ok\nada\u200b@example.org,Ada\nalan@example.org.,Alan\nbob@xn--bcher-kva.de,Bob\n"
    )
    done = credreg(*r, "award", "acme-academy/sql-basics", "--csv", str(cohort), "--key", key, env=env)
    assert done.returncode != 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    out = done.stdout + done.stderr
    assert "U+200B (character 4), which nobody can type" in out, out
    assert ":3" in out, out
    assert "its domain has an empty label" in out, out
    assert ":4" in out, out
    assert "write it as the earner types it" in out, out
    assert ":5" in out, out
    assert not (root / "registry/issuers/acme-academy/awards").exists(), "nothing was signed"
    one = ["award", "acme-academy/sql-basics", "--key", key, "--recipient"]
    refused = credreg(*r, *one, "ada\ufeff@example.org", env=env)
    assert refused.returncode == 2, refused.stderr
    assert "U+FEFF (character 4), which nobody can type" in refused.stderr
    done = credreg(*r, *one, "ada@example.org", env=env)
    assert done.returncode == 0, done.stderr
    digest = done.stdout.split("hash:")[1].split()[0]
    checked = credreg(*r, "verify", digest, "--recipient", "ada\u2060@example.org", env=env)
    assert "U+2060 (character 4), which nobody can type" in checked.stdout + checked.stderr
