"""Recipient privacy, tried as an attacker would: nothing the registry publishes confirms a guessed recipient.

The dictionary is the example generator's own: every ``first.last[k]@domain`` over the name lists of
``scripts/sign_example_awards.py`` (which made the example awards to exactly such addresses) and the domains
the generators use. Each guess is hashed unsalted and salted with every salt-looking string found anywhere in
what is published (OB 3.0's ``sha256(email + salt)``), and looked for among every SHA-256 in every file of the
repository's ``registry/`` and ``keys/`` and of the site ``credreg build`` makes (pages, API, feeds, shards,
status lists). A control runs the same attack on a record that publishes its salt, as awards did before: there
it recovers the recipient, so a 0 below means something.

Also: no recipient's address or name appears anywhere, and the erasure procedure of docs/privacy.md (withdraw
the award, delete the issuer's private row) leaves a record that verifies as withdrawn and names no one.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.load import load_registry
from generator.openbadges import identity_hash
from generator.publish.build import build_site
from generator.publish.verifydata import expand_entry, read_gzip_json
from tests.conftest import REPO, make_registry

#: Files read as text (the site's binary search index holds nothing the HTML pages do not).
TEXT_SUFFIXES = {".json", ".jsonl", ".html", ".xml", ".txt", ".yaml", ".yml", ".svg", ".js", ".gz", ".md"}
SHA256 = re.compile(r"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])")
#: Anything a salt or key could be written as: hex, base64url, base58 runs of 16 to 128 characters...
SALT_LIKE = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{16,128}(?![A-Za-z0-9_\-])")
#: ...that look random: with a digit, or mixed case that is not a CamelCase word (slugs and words are not salts).
RANDOM_LOOKING = re.compile(r"[0-9]|[a-z].*[A-Z]|[A-Z].*[A-Z]")
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location("sign_example_awards", REPO / "scripts" / "sign_example_awards.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


SCRIPT = _load_script()


def _generator_domains() -> set[str]:
    """Recipient domains the example generators use (scripts/ and ``credreg demo``)."""
    sources = [REPO / "scripts" / "sign_example_awards.py", REPO / "generator" / "demo.py"]
    found = {m.split("@", 1)[1].lower() for p in sources for m in EMAIL.findall(p.read_text(encoding="utf-8"))}
    return {d for d in found if "{" not in d} | {"example.org"}


def guesses() -> list[str]:
    """first.last[k]@domain for every first and last name of the generator, k empty or 0-9."""
    domains = sorted(_generator_domains())
    suffixes = ["", *map(str, range(10))]
    return [
        f"{first}.{last}{k}@{domain}"
        for first in SCRIPT.FIRST_NAMES
        for last in SCRIPT.LAST_NAMES
        for k in suffixes
        for domain in domains
    ]


def _texts(roots: Iterable[Path]) -> Iterator[tuple[Path, str]]:
    for root in roots:
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
                continue
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            yield path, data.decode("utf-8", errors="replace")
            if path.parent.name == "shards" and path.name.endswith(".json.gz"):
                yield path, _rebuilt(path)  # lean entries hold hashes in compact codecs: attack the awards too


def _rebuilt(shard: Path) -> str:
    """The awards of a verification shard as the page rebuilds them (identity hashes in hex again)."""
    templates = shard.parent.parent / "templates"

    def template(tid: str) -> dict[str, Any] | None:
        path = templates / f"{tid}.json.gz"
        return dict(read_gzip_json(path)) if path.exists() else None

    entries = read_gzip_json(shard)["awards"].values()
    return json.dumps([expand_entry(entry, template) for entry in entries])


def attack(roots: Iterable[Path], dictionary: list[str]) -> dict[str, str]:
    """Guess → the file holding a hash that confirms it (unsalted, or salted with any published string)."""
    targets: dict[str, Path] = {}
    salts: set[str] = {""}
    for path, text in _texts(roots):
        for digest in SHA256.findall(text.lower()):
            targets.setdefault(digest, path)
        salts.update(t for t in SALT_LIKE.findall(text) if RANDOM_LOOKING.search(t))
    recovered: dict[str, str] = {}
    encoded = [(guess, guess.encode()) for guess in dictionary]
    for salt in sorted(salts):
        tail = salt.encode()
        for guess, raw in encoded:
            digest = hashlib.sha256(raw + tail).hexdigest()
            if digest in targets:
                recovered[guess] = str(targets[digest])
    return recovered


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Everything the example registry publishes: its repository files and the site built from them."""
    site = tmp_path_factory.mktemp("privacy") / "site"
    build_site(REPO, site)
    return [REPO / "registry", REPO / "keys", site]


def test_the_dictionary_covers_every_example_recipient() -> None:
    assert set(SCRIPT.RECIPIENTS) <= set(guesses())
    assert len(SCRIPT.RECIPIENTS) == 540


def test_the_attack_reads_the_recipient_hashes_the_site_publishes(published: list[Path]) -> None:
    """Not vacuous: the site's shards store hashes in compact codecs, and the attack reads them rebuilt."""
    site_hashes = {d for _, text in _texts(published[-1:]) for d in re.findall(r"sha256\$([0-9a-f]{64})", text)}
    registry_hashes = {d for _, text in _texts(published[:1]) for d in re.findall(r"sha256\$([0-9a-f]{64})", text)}
    assert registry_hashes
    assert registry_hashes <= site_hashes


def test_a_dictionary_attack_recovers_no_recipient(published: list[Path]) -> None:
    recovered = attack(published, guesses())
    assert recovered == {}, f"{len(recovered)} recipients recovered, e.g. {sorted(recovered.items())[:3]}"


def test_the_attack_recovers_a_recipient_whose_salt_is_published(tmp_path: Path) -> None:
    """The control: the same attack against records as OB 3.0 tools write them by default."""
    SALT = "5d41402abc4b2a76b9719d911017c592"
    salted = {"identityHash": identity_hash("grace.hopper2@example.org", SALT), "salt": SALT}
    unsalted = {"identityHash": identity_hash("ada.lovelace@example.org", "")}
    (tmp_path / "award.json").write_text(json.dumps({"identifier": [salted, unsalted]}))
    assert set(attack([tmp_path], guesses())) == {"grace.hopper2@example.org", "ada.lovelace@example.org"}


def test_no_recipient_address_or_name_is_published(published: list[Path]) -> None:
    recipients = {g.lower() for g in guesses()}
    names = re.compile(
        rf"\b(?:{'|'.join(SCRIPT.FIRST_NAMES)})[\s._-]+(?:{'|'.join(SCRIPT.LAST_NAMES)})\b", re.IGNORECASE
    )
    loaded = load_registry(REPO)
    assert loaded.registry is not None
    contacts = {str(record.issuer.email).lower() for record in loaded.registry.issuers.values()}
    contacts |= {str(record.endorser.email).lower() for record in loaded.registry.endorsers.values()}
    for path, text in _texts(published):
        addresses = {m.lower() for m in EMAIL.findall(text)}
        assert not addresses & recipients, (path, sorted(addresses & recipients))
        hit = names.search(text)
        assert hit is None, (path, hit.group(0) if hit else None)
        if path.is_relative_to(REPO / "registry"):
            # Every address in the registry's data is an issuer's contact address.
            assert addresses <= contacts, (path, addresses - contacts)


# --- erasure ---------------------------------------------------------------------------------------------------


def _credreg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, env=env)


def test_erasure_withdraws_the_award_and_leaves_a_record_that_names_no_one(tmp_path: Path) -> None:
    """docs/privacy.md, "Erasure": the earner asks; the issuer withdraws the award (a signed revocation, the
    one append-only change allowed) and deletes its private row. The record stays, verifies as withdrawn, and
    nothing published or kept by the issuer links it to the earner any more."""
    root = make_registry(tmp_path / "r")
    (root / "keys/acme-academy/key-2025.json").unlink()
    env = {**os.environ, "CREDREG_KEY_DIR": str(tmp_path / "keys")}
    r = ["--root", str(root)]
    assert (
        _credreg(*r, "keygen", "acme-academy", "--key-id", "k1", "--valid-from", "2024-01-01", env=env).returncode == 0
    )
    key = str(tmp_path / "keys/acme-academy/k1.key")
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email,name\nada.lovelace@example.org,Ada Lovelace\nalan.turing@example.org,Alan Turing\n")
    out = tmp_path / "earners"
    done = _credreg(*r, "award", "acme-academy/sql-basics", "--csv", str(cohort), "--key", key, "--out", str(out),
                    env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    mapping = out / "recipients.csv"
    header, ada, alan = mapping.read_text().splitlines()
    digest, link, recipient_key = ada.split(",")[2], ada.split(",")[3], ada.split(",")[5]

    # 1. The issuer withdraws the award: a signed revocation whose reason names no one.
    refused = _credreg(*r, "revoke", digest, "--reason", "Withdrawn at ada.lovelace@example.org's request",
                       "--key", key, env=env)  # fmt: skip
    assert refused.returncode != 0
    assert "must not contain an email address" in refused.stderr
    withdrawn = _credreg(*r, "revoke", digest, "--reason", "Withdrawn at the holder's request", "--key", key, env=env)
    assert withdrawn.returncode == 0, withdrawn.stderr
    checked = _credreg(*r, "check", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # 2. The issuer deletes its private row and the earner's copy.
    mapping.write_text(f"{header}\n{alan}\n")
    (out / f"{digest}.json").unlink()

    # What anyone sees: withdrawn, and why; whom it was awarded to cannot be confirmed.
    public = _credreg(*r, "verify", digest, "--recipient", "ada.lovelace@example.org", env=env)
    assert public.returncode == 1
    assert public.stdout.startswith("Revoked on ")
    assert "  verdict: REVOKED" in public.stdout
    assert "Withdrawn at the holder's request" in public.stdout
    assert "cannot confirm without the recipient key" in public.stdout
    assert attack([root / "registry", root / "keys"], ["ada.lovelace@example.org", "alan.turing@example.org"]) == {}
    published = "".join(text for _, text in _texts([root / "registry"]))
    assert "lovelace" not in published.lower()
    assert recipient_key not in published
    # Only the earner, if they kept their link, can still show it was theirs, and that it was withdrawn.
    theirs = _credreg(*r, "verify", link, "--recipient", "ada.lovelace@example.org", env=env)
    assert "  verdict: REVOKED" in theirs.stdout
    assert "awarded to ada.lovelace@example.org" in theirs.stdout


def test_replaying_the_example_script_does_not_tell_who_got_which_award() -> None:
    """The script and its seed are public. Were its seeded generator to pick the recipients too, replaying it
    would map every example award (its credential and time, which the seed also gives) to the addresses it was
    made to, one address for each single award, whatever the recipient keys hide."""
    loaded = load_registry(REPO)
    assert loaded.registry is not None
    first, second = (SCRIPT.plan(loaded.registry, random.Random(SCRIPT.SEED)) for _ in range(2))
    shape = [[(s.credential, s.at, len(s.recipients), s.evidence, s.valid_until) for s in p] for p in (first, second)]
    assert shape[0] == shape[1]  # the example's shape is reproducible...
    singles = [(a.recipients, b.recipients) for a, b in zip(first, second, strict=True) if not a.batch]
    assert len(singles) > 50
    # ...but not who got what: two replays agree on a single award's recipient only by chance (1 in 540 each).
    assert sum(a == b for a, b in singles) < 5
    assert {r for s in first for r in s.recipients} <= set(SCRIPT.RECIPIENTS)


def _signing_registry(tmp_path: Path) -> tuple[Path, dict[str, str], str]:
    """A test registry with a key of acme-academy made by `credreg keygen`: its root, the environment (keys and
    earners' files in ``tmp_path``) and the private key's path."""
    root = make_registry(tmp_path / "r")
    (root / "keys/acme-academy/key-2025.json").unlink()
    env = {**os.environ, "CREDREG_KEY_DIR": str(tmp_path / "keys"), "CREDREG_EARNER_DIR": str(tmp_path / "earners")}
    made = _credreg("--root", str(root), "keygen", "acme-academy", "--key-id", "k1", "--valid-from", "2024-01-01",
                    env=env)  # fmt: skip
    assert made.returncode == 0, made.stderr
    return root, env, str(tmp_path / "keys/acme-academy/k1.key")


def test_a_revocation_reason_naming_the_recipient_the_issuer_recorded_is_refused(tmp_path: Path) -> None:
    """The email check sees only an address: "Withdrawn at Ada Lovelace's request" names her as plainly, and a
    revocation is signed and published for good. `credreg revoke` reads the issuer's own record of the award's
    recipient (the runs' recipients.csv, where `credreg award` put them) and refuses a reason that names them."""
    root, env, key = _signing_registry(tmp_path)
    r = ["--root", str(root)]
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email,name\nada.lovelace@example.org,Ada Lovelace\nalan.turing@example.org,Alan Turing\n")
    done = _credreg(*r, "award", "acme-academy/sql-basics", "--csv", str(cohort), "--key", key, env=env)
    assert done.returncode == 0, done.stderr
    [mapping] = (tmp_path / "earners").glob("*/recipients.csv")
    ada = next(line for line in mapping.read_text().splitlines() if line.startswith("ada."))
    digest = ada.split(",")[2]
    for reason, named in [
        ("Withdrawn at Ada Lovelace's request", "'Ada'"),
        ("Awarded in error to LOVELACE", "'Lovelace'"),
        ("Duplicate of the award of ada-lovelace", "'Ada'"),
    ]:
        refused = _credreg(*r, "revoke", digest, "--reason", reason, "--key", key, env=env)
        assert refused.returncode != 0, reason
        assert f"--reason names the award's recipient: {named}" in refused.stderr, refused.stderr
    assert not (root / "registry/issuers/acme-academy/revocations.jsonl").exists()
    # Another folder of runs holds no record of this award: nothing to compare with, as before.
    elsewhere = _credreg(*r, "revoke", digest, "--reason", "Withdrawn at Alan Turing's request", "--key", key,
                         "--earners", str(tmp_path / "nowhere"), env=env)  # fmt: skip
    assert elsewhere.returncode == 0, elsewhere.stderr
    # Alan's name is no word of Ada's record.
    log = root / "registry/issuers/acme-academy/revocations.jsonl"
    assert "Withdrawn at Alan Turing's request" in log.read_text()


def test_evidence_naming_its_recipient_is_refused_before_anything_is_signed(tmp_path: Path) -> None:
    """Evidence is published with the award: a portfolio link holding the recipient's name or address
    (github.com/adalovelace) names them, where the award profile's email check sees only an address."""
    root, env, key = _signing_registry(tmp_path)
    r = ["--root", str(root)]
    cohort = tmp_path / "cohort.csv"
    rows = [
        "ada.lovelace@example.org,Ada Lovelace,https://harbourdata.example/projects/7f3a",
        "alan.turing@example.org,Alan Turing,https://github.com/aturing/sql-report",
    ]
    cohort.write_text("email,name,evidence\n" + "\n".join(rows) + "\n")
    refused = _credreg(*r, "award", "acme-academy/sql-basics", "--csv", str(cohort), "--key", key, env=env)
    assert refused.returncode != 0
    assert f"{cohort}:3: evidence 'https://github.com/aturing/sql-report' names the recipient: 'Turing'" in (
        refused.stderr
    ), refused.stderr
    single = _credreg(*r, "award", "acme-academy/sql-basics", "--recipient", "grace.hopper@example.org",
                      "--evidence", "https://portfolio.example.org/grace-h/7", "--key", key, env=env)  # fmt: skip
    assert single.returncode != 0
    assert "--evidence 'https://portfolio.example.org/grace-h/7' names the recipient: 'grace'" in single.stderr
    # However the name is written there: percent-escaped letters (a browser shows github.com/hopper), fullwidth
    # ones (NFKC reads them as letters), or the address's local part escaped.
    for written, named in (
        ("https://github.com/h%6Fpper/sql", "'hopper'"),
        ("https://portfolio.example.org/\uff48\uff4f\uff50\uff50\uff45\uff52", "'hopper'"),
        ("https://portfolio.example.org/u/gr%61cehopper", "'grace'"),
    ):
        spelled = _credreg(*r, "award", "acme-academy/sql-basics", "--recipient", "grace.hopper@example.org",
                           "--evidence", written, "--key", key, env=env)  # fmt: skip
        assert spelled.returncode != 0, written
        assert "names the recipient:" in spelled.stderr, (written, spelled.stderr)
        assert named in spelled.stderr, (written, spelled.stderr)
    assert not list((root / "registry/issuers/acme-academy").glob("awards/**/*.json*"))
    # An opaque link names no one.
    rows[1] = "alan.turing@example.org,Alan Turing,https://harbourdata.example/projects/91c2"
    cohort.write_text("email,name,evidence\n" + "\n".join(rows) + "\n")
    done = _credreg(*r, "award", "acme-academy/sql-basics", "--csv", str(cohort), "--key", key, env=env)
    assert done.returncode == 0, done.stderr
