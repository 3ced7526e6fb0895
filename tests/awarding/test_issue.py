"""Signing awards: OB 3.0 shape, hashed recipients, status lists, cohorts, and every refusal."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import stat
from pathlib import Path
from typing import Any

import pytest

from generator.awarding import issue, status
from generator.awarding.earners import EarnerCopy, earlier_holders, write_earners
from generator.awarding.issue import Recipient, issue_awards, parse_valid_until, read_cohort
from generator.awarding.status import StatusAllocator, create_list
from generator.awards import award_hash, iter_awards
from generator.crypto.jcs import canonicalize
from generator.errors import ProblemsFound, UsageError
from generator.openbadges import mailbox, normalize_identifier, timestamp
from generator.statuslist import MIN_BITS, decode_list
from tests.conftest import EPOCH, Signer


def test_award_is_an_ob3_credential_with_a_hashed_recipient(signer: Signer) -> None:
    issued = signer.award(email="Ada.Lovelace@Example.org")
    award = issued.award
    assert award["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert award["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert award["id"].startswith("urn:uuid:")
    assert award["issuer"]["id"] == "did:web:registry.test.example:issuers:acme-academy"
    [identity] = award["credentialSubject"]["identifier"]
    # Keyed with the secret recipient key, which the award does not carry (no "salt").
    assert re.fullmatch(r"[0-9a-f]{32}", issued.recipient_key)
    expected = hashlib.sha256(("ada.lovelace@example.org" + issued.recipient_key).encode()).hexdigest()
    assert identity == {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": f"sha256${expected}",
        "identityType": "emailAddress",
    }
    assert set(award["credentialSubject"]) == {"type", "identifier", "achievement"}
    text = issued.path.read_text()
    assert "lovelace" not in text.lower(), "the recipient's address never appears in the award"
    assert issued.recipient_key not in text, "nor the recipient key"
    assert issued.earner_url == f"https://registry.test.example/verify/#{issued.hash}~{issued.recipient_key}"
    achievement = award["credentialSubject"]["achievement"]
    assert achievement["id"] == "https://registry.test.example/credentials/acme-academy/sql-basics/"
    assert achievement["alignment"][0]["targetFramework"] == "ESCO"
    assert [p["cryptosuite"] for p in award["proof"]] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    assert {p["verificationMethod"] for p in award["proof"]} == {
        "did:web:registry.test.example:issuers:acme-academy#key-1"
    }
    # The hash is SHA-256 of the JCS form, and the file is named after it.
    assert issued.hash == hashlib.sha256(canonicalize(json.loads(text))).hexdigest()
    assert issued.path.name == f"{issued.hash}.json"
    assert issued.path.parent.name == issued.hash[:2]
    assert issued.verify_url == f"https://registry.test.example/verify/#{issued.hash}"


def test_recipient_keys_are_fresh_per_award(signer: Signer) -> None:
    a, b = signer.award(email="x@example.org"), signer.award(email="x@example.org")
    assert a.recipient_key != b.recipient_key
    hashes = [aw.award["credentialSubject"]["identifier"][0]["identityHash"] for aw in (a, b)]
    assert hashes[0] != hashes[1], "two awards to one person cannot be linked by their hashes"
    assert a.award["credentialStatus"]["statusListIndex"] != b.award["credentialStatus"]["statusListIndex"]


def test_first_award_creates_the_signed_status_list(signer: Signer) -> None:
    status_file = signer.root / "registry/issuers/acme-academy/status/1.json"
    assert not status_file.exists()
    issued = signer.award()
    status = json.loads(status_file.read_text())
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status["id"] == issued.award["credentialStatus"]["statusListCredential"]
    bits = decode_list(status["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == MIN_BITS
    assert not any(bits)
    assert len(status["proof"]) == 2


def test_published_times_are_whole_seconds_in_utc_and_proofs_are_created_at_valid_from(signer: Signer) -> None:
    """An award's times carry nothing but its day and second: no fraction (microseconds would order a cohort's
    awards inside its shuffled batch, or hide a number), no offset (the issuer's time zone), and both proofs are
    created at validFrom, whatever the clock or the options gave (docs/privacy.md)."""
    zone = dt.timezone(dt.timedelta(hours=5, minutes=30))
    at = dt.datetime(2026, 3, 1, 9, 15, 7, 123456, tzinfo=zone)
    issued = signer.award(at=at, until=dt.datetime(2027, 3, 1, 9, 15, 7, 987654, tzinfo=zone))
    award = issued.award
    assert award["validFrom"] == "2026-03-01T03:45:07Z"
    assert award["validUntil"] == "2027-03-01T03:45:07Z"
    assert [p["created"] for p in award["proof"]] == [award["validFrom"]] * 2
    for value in (award["validFrom"], award["validUntil"], award.get("awardedDate", award["validFrom"])):
        assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", value), value


def test_valid_until_comes_from_the_definitions_validity(signer: Signer) -> None:
    path = signer.root / "registry/issuers/acme-academy/credentials/sql-basics.yaml"
    path.write_text(path.read_text() + "validity:\n  period: P3Y\n")
    at = dt.datetime(2024, 2, 29, 12, 0, tzinfo=dt.UTC)
    issued = signer.award(at=at)
    assert issued.award["validFrom"] == "2024-02-29T12:00:00Z"
    assert issued.award["validUntil"] == "2027-02-28T12:00:00Z"
    explicit = signer.award(at=at, until=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    assert explicit.award["validUntil"] == "2025-01-01T00:00:00Z"


def test_cohort_from_csv_into_one_batch(signer: Signer, tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email,evidence,valid_until\nA@example.org,https://e.example/a,2030-06-30\nb@example.org,,\n")
    recipients = read_cohort(cohort)
    assert recipients[0].email == "a@example.org"
    issued = issue_awards(signer.registry, "acme-academy/data-reporting", recipients, signer.key, batch=True)
    assert len(issued) == 2
    assert issued[0].path == issued[1].path
    assert issued[0].path.suffix == ".jsonl"
    assert sorted(a.line or 0 for a in issued) == [1, 2]
    assert issued[0].award["evidence"] == [{"id": "https://e.example/a", "type": ["Evidence"]}]
    assert issued[0].award["validUntil"] == "2030-06-30T23:59:59Z"
    lines = issued[0].path.read_text().splitlines()
    assert [award_hash(json.loads(lines[(a.line or 0) - 1])) for a in issued] == [a.hash for a in issued]
    assert len(list(iter_awards(signer.root))) == 2


def test_a_batch_does_not_keep_the_cohort_s_order(signer: Signer, tmp_path: Path) -> None:
    # A cohort CSV comes sorted from a student system (here: by name). The batch is public, in the registry and,
    # line by line, in the transparency log: in the cohort's order, line k would be the k-th student of a
    # class list anyone can read, and its revocation ("obtained dishonestly") would name them. The status list
    # index is random for the same reason; the lines are in random order too.
    recipients = [Recipient(f"student{n:02}@example.org") for n in range(24)]
    issued = issue_awards(signer.registry, "acme-academy/sql-basics", recipients, signer.key, batch=True)
    written = [award_hash(json.loads(line)) for line in issued[0].path.read_text().splitlines()]
    assert sorted(written) == sorted(a.hash for a in issued)
    assert written != [a.hash for a in issued]  # 1 in 24! that a random order is the cohort's
    assert [written[(a.line or 0) - 1] for a in issued] == [a.hash for a in issued]  # each line as reported


def test_a_batch_signed_across_a_second_boundary_publishes_one_time(signer: Signer) -> None:
    # A cohort takes longer than a second to sign: a clock read per award would give the lines times that rise
    # through the batch, the signing order (the class list's) that its shuffled lines hide. One instant, read
    # once and written to the second, is every line's validFrom, awardedDate and proofs' created.
    from generator.models.award import Award

    at = dt.datetime.now(dt.UTC).replace(microsecond=999_999)
    recipients = [Recipient(f"student{n:02}@example.org") for n in range(12)]
    issued = issue_awards(signer.registry, "acme-academy/sql-basics", recipients, signer.key, batch=True, now=at)
    lines = [json.loads(line) for line in issued[0].path.read_text().splitlines()]
    times = {t for a in lines for t in (a["validFrom"], a["awardedDate"], *(p["created"] for p in a["proof"]))}
    assert times == {timestamp(at)}, times
    for award in lines:
        Award.model_validate(award)


def test_a_cohort_spanning_two_status_lists_is_not_split_in_its_order(
    signer: Signer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A list takes LIST_FILL awards (65,536) before the next starts. Slots handed out in the cohort's order
    # would put the first part of a class list (sorted by name) in one list and the rest in the next: the public
    # list number would say which half of the alphabet each earner is in. A smaller fill keeps this fast; the
    # signing, the lists and the files are the real ones.
    monkeypatch.setattr(status, "LIST_FILL", 100)
    recipients = [Recipient(f"student{n:03}@example.org") for n in range(200)]
    issued = issue_awards(signer.registry, "acme-academy/sql-basics", recipients, signer.key, batch=True)
    lists: dict[str, set[int]] = {}
    for position, award in enumerate(issued):
        lists.setdefault(award.award["credentialStatus"]["statusListCredential"], set()).add(position)
    assert sorted(len(p) for p in lists.values()) == [100, 100]
    assert {url.rsplit("/", 1)[1] for url in lists} == {"1.json", "2.json"}
    assert (signer.root / "registry/issuers/acme-academy/status/2.json").is_file()
    # Chance that a random split puts exactly the first hundred in one list: 2 / C(200, 100) < 1e-58.
    assert set(range(100)) not in lists.values()


def test_bad_cohort_rows_are_all_reported_and_nothing_is_signed(signer: Signer, tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email,evidence\nok@example.org,\nnot-an-email,\nok@example.org,\nc@example.org,ftp://x\n")
    with pytest.raises(ProblemsFound) as info:
        read_cohort(cohort)
    assert [(p.location.line, p.field, p.code) for p in info.value.problems] == [
        (3, "email", "cohort.email"),
        (4, "email", "cohort.duplicate"),
        (5, "evidence", "cohort.evidence"),
    ]
    assert "nothing was signed" in info.value.summary
    assert list(iter_awards(signer.root)) == []


def test_refuses_a_retired_credential(signer: Signer) -> None:
    path = signer.root / "registry/issuers/acme-academy/credentials/data-analyst.yaml"
    path.write_text(path.read_text() + "status: retired\n")
    with pytest.raises(UsageError, match="retired and can no longer be awarded"):
        signer.award("acme-academy/data-analyst")


def test_refuses_a_key_outside_its_window_or_of_another_issuer(signer: Signer) -> None:
    # In the words of every other reader of the key's window (verify/keys.py window_problem): a day in UTC, as
    # keys.json and the issuer's page give it, not the key file's own offset.
    with pytest.raises(UsageError, match=r"signed on 2023-12-31, before key key-1 became valid \(2024-01-01\)$"):
        signer.award(at=EPOCH - dt.timedelta(days=1))
    key_file = signer.root / "keys/acme-academy/key-1.json"
    doc = json.loads(key_file.read_text())
    doc["revoked_at"], doc["revocation_reason"] = "2025-01-01T01:00:00+02:00", "laptop stolen"
    key_file.write_text(json.dumps(doc))
    with pytest.raises(UsageError, match=r"after key key-1 was revoked \(2024-12-31: laptop stolen\)$"):
        signer.award()
    # A key registered for a different issuer cannot sign acme's awards.
    (signer.root / "registry/issuers/beta-labs").mkdir()
    issuer_yaml = signer.root / "registry/issuers/acme-academy/issuer.yaml"
    (signer.root / "registry/issuers/beta-labs/issuer.yaml").write_text(
        issuer_yaml.read_text().replace("acme-academy", "beta-labs").replace("Acme Academy", "Beta Labs")
    )
    beta_key = signer.new_key("beta-labs", "beta-1")
    with pytest.raises(UsageError, match="the key belongs to issuer 'beta-labs', not 'acme-academy'"):
        issue_awards(signer.registry, "acme-academy/sql-basics", [Recipient("a@example.org")], beta_key, batch=False)


def test_refuses_an_unregistered_key(signer: Signer) -> None:
    key = signer.key
    (signer.root / "keys/acme-academy/key-1.json").unlink()
    with pytest.raises(UsageError, match="key 'key-1' is not registered"):
        issue_awards(signer.registry, "acme-academy/sql-basics", [Recipient("a@example.org")], key, batch=False)


def test_a_cohort_writes_each_earners_file_and_the_private_mapping_outside_the_repository(
    signer: Signer, tmp_path: Path
) -> None:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email,name\nAda@Example.org,Ada Lovelace\nalan@example.org,\n")
    out = tmp_path / "earners" / "cohort-1"
    issued = issue_awards(
        signer.registry, "acme-academy/data-reporting", read_cohort(cohort), signer.key, batch=True, earner_dir=out
    )
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    mapping = out / "recipients.csv"
    assert stat.S_IMODE(mapping.stat().st_mode) == 0o600
    with mapping.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["email"], r["name"]) for r in rows] == [("ada@example.org", "Ada Lovelace"), ("alan@example.org", "")]
    for row, award in zip(rows, issued, strict=True):
        assert row["award_hash"] == award.hash
        assert row["recipient_key"] == award.recipient_key
        assert row["verification_link"] == award.earner_url
        file = Path(row["award_file"])
        assert file == out / f"{award.hash}.json"
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
        assert award_hash(json.loads(file.read_text())) == award.hash  # the very award the registry publishes
    published = issued[0].path.read_text()
    for row in rows:
        assert row["recipient_key"] not in published
        assert row["email"] not in published
    assert "Lovelace" not in published


@pytest.mark.parametrize("where", ["inside", "not empty"])
def test_earners_files_are_refused_inside_the_repository_or_over_an_earlier_run(
    signer: Signer, tmp_path: Path, where: str
) -> None:
    out = signer.root / "earners" if where == "inside" else tmp_path / "earlier"
    if where == "not empty":
        out.mkdir()
        (out / "recipients.csv").write_text("email,recipient_key\n")
    registry = signer.registry
    with pytest.raises(UsageError, match=r"inside the registry repository|already exists"):
        issue_awards(registry, "acme-academy/sql-basics", [Recipient("a@example.org")], signer.key, batch=False,
                     earner_dir=out)  # fmt: skip
    assert not list(iter_awards(signer.root)), "nothing is signed into the registry"
    assert where != "inside" or not out.exists()


def test_evidence_is_held_to_the_checks_rules_before_anything_is_signed(signer: Signer, tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email,evidence\na@example.org,https://\nb@example.org,https://x.example/?who=b@example.org\n")
    with pytest.raises(ProblemsFound) as info:
        read_cohort(cohort)
    assert [(p.location.line, p.field, p.code) for p in info.value.problems] == [
        (2, "evidence", "cohort.evidence"),
        (3, "evidence", "cohort.evidence"),
    ]
    assert "email address" in str(info.value.problems[1])
    # A caller building recipients itself is held to the same rule.
    bad = Recipient("c@example.org", ("https://x.example/?who=c@example.org",))
    with pytest.raises(UsageError, match="--evidence"):
        issue_awards(signer.registry, "acme-academy/sql-basics", [bad], signer.key, batch=False,
                     earner_dir=tmp_path / "earners")  # fmt: skip
    assert not (tmp_path / "earners").exists()
    assert list(iter_awards(signer.root)) == []


@pytest.mark.parametrize(
    ("text", "line", "why"),
    [
        ("email,name\na@example.org,Ada\nb@example.org," + "x" * (128 * 1024 + 1) + "\n", 3, "field limit"),
        ('email,name\na@example.org,"Ada\nb@example.org,Bob\n', 2, "unexpected end of data"),
        ('email,name\na@example.org,Ada\nb@example.org,"Bob"by\n', 3, "expected after"),
        ('"email' + "x" * (128 * 1024 + 1) + "\n", 1, "field limit"),
    ],
)
def test_malformed_csv_is_refused_with_its_line(signer: Signer, tmp_path: Path, text: str, line: int, why: str) -> None:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(text)
    with pytest.raises(UsageError, match=why) as info:
        read_cohort(cohort)
    assert info.value.summary.startswith(f"{cohort}:{line}: ")
    assert "nothing was signed" in info.value.summary
    assert list(iter_awards(signer.root)) == []


def test_the_private_mapping_is_never_a_spreadsheet_formula(signer: Signer, tmp_path: Path) -> None:
    names = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "'=quoted", "O'Brien"]
    # Built directly: a cohort's cells are stripped, so a leading tab or CR reaches the mapping only this way.
    recipients = [Recipient("-dash@example.org", name="Dash")]
    recipients += [Recipient(f"p{n}@example.org", name=name) for n, name in enumerate(names)]
    out = tmp_path / "earners" / "run-1"
    issued = issue_awards(
        signer.registry, "acme-academy/sql-basics", recipients, signer.key, batch=True, earner_dir=out
    )
    with (out / "recipients.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert rows[0]["email"] == "'-dash@example.org"
    expected = ["'" + n if n != "O'Brien" else n for n in names]
    assert [r["name"] for r in rows[1:]] == [n.replace("\r", "\n") for n in expected]  # one record per row
    # The issuer's next run still recognises the recipient behind a neutralised cell.
    held = earlier_holders(tmp_path / "earners", ["-dash@example.org"], {issued[0].hash})
    assert list(held) == ["-dash@example.org"]


def test_a_cohort_header_naming_a_column_twice_or_rows_with_extra_cells_are_refused(
    signer: Signer, tmp_path: Path
) -> None:
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email,Email\na@example.org,b@example.org\n")
    with pytest.raises(UsageError, match="'email' more than once") as info:
        read_cohort(cohort)
    assert info.value.summary.startswith(f"{cohort}:1: ")
    cohort.write_text("email,name\na@example.org,Ada\nb@example.org,Bob,https://x.example/e,more\n")
    with pytest.raises(ProblemsFound) as found:
        read_cohort(cohort)
    assert [(p.location.line, p.code) for p in found.value.problems] == [(3, "cohort.cells")]
    assert "2 more cells than the header's 2 columns" in str(found.value.problems[0])
    assert list(iter_awards(signer.root)) == []


def test_a_validity_window_that_does_not_open_is_refused_before_signing(signer: Signer, tmp_path: Path) -> None:
    """The check's window rule, on the times as the award writes them: a --valid-until later than the issue but
    within its second would give validUntil == validFrom once written to the second."""
    at = dt.datetime(2025, 3, 1, 12, 0, 0, 300_000, tzinfo=dt.UTC)
    for until, why in (
        (dt.datetime(2025, 3, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))), "is before validFrom"),
        (at + dt.timedelta(microseconds=500_000), "is the same instant as validFrom"),
    ):
        recipient = Recipient("a@example.org", valid_until=until)
        with pytest.raises(UsageError, match=rf"^--valid-until: \S+ {why} 2025-03-01T12:00:00Z: its validity period"):
            issue_awards(signer.registry, "acme-academy/sql-basics", [recipient], signer.key, batch=False,
                         valid_from=at, earner_dir=tmp_path / "earners")  # fmt: skip
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email,valid_until\na@example.org,2030-01-01\nb@example.org,2025-02-28\n")
    # Named as the cohort's other problems are (file:line: field); it said only "line 3", not which file.
    with pytest.raises(UsageError, match=rf"^{re.escape(str(cohort))}:3: valid_until: 2025-02-28T23:59:59Z is before"):
        issue_awards(signer.registry, "acme-academy/sql-basics", read_cohort(cohort), signer.key, batch=True,
                     valid_from=at)  # fmt: skip
    assert not (tmp_path / "earners").exists()
    assert list(iter_awards(signer.root)) == []


@pytest.mark.parametrize("batch", [True, False])
def test_an_award_file_is_never_replaced(signer: Signer, monkeypatch: pytest.MonkeyPatch, batch: bool) -> None:
    # A batch is named by date, credential and 32 random bits, a single award by its hash: a name already taken
    # (two runs drawing the same bits, or another process's file) is refused, and the file there stands.
    awards = signer.root / "registry/issuers/acme-academy/awards/2024"
    earlier = awards / ("batches/2024-01-01-sql-basics-0000.jsonl" if batch else f"ab/{'ab' * 32}.json")
    earlier.parent.mkdir(parents=True)
    earlier.write_text("an earlier run's awards\n")
    monkeypatch.setattr(issue, "batch_filename" if batch else "award_filename", lambda *args: earlier)
    rel = earlier.relative_to(signer.root).as_posix()
    with pytest.raises(UsageError, match=rf"{rel} already exists: award and endorsement files are never replaced"):
        issue_awards(signer.registry, "acme-academy/sql-basics", [Recipient("a@example.org")], signer.key, batch=batch)
    assert earlier.read_text() == "an earlier run's awards\n"
    assert sorted(p.name for p in earlier.parent.iterdir()) == [earlier.name], "no temporary file left"


def test_earners_files_never_replace_what_another_run_wrote_meanwhile(tmp_path: Path) -> None:
    # The folder was empty when the award run began; another run has since written its mapping (its recipients'
    # keys) there. It stands; this run is refused before anything reaches the registry.
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "recipients.csv").write_text("the other run's keys\n")
    row = EarnerCopy("a@example.org", None, {"id": "urn:uuid:1"}, "ab" * 32, "https://r.example/verify/#ab", "k" * 32)
    with pytest.raises(
        UsageError, match=r"recipients\.csv already exists: an earlier run's keys are never overwritten"
    ):
        write_earners(folder, [row])
    assert (folder / "recipients.csv").read_text() == "the other run's keys\n"
    assert stat.S_IMODE((folder / f"{'ab' * 32}.json").stat().st_mode) == 0o600, "created private, never chmod-ed later"


def test_a_status_list_made_by_another_run_meanwhile_is_kept(signer: Signer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The list was missing when this run looked; another run has since made it and may have revoked an award in
    # it. Replacing it with an empty list would silently un-revoke that award.
    allocator = StatusAllocator.scan(signer.registry, "acme-academy")
    allocator.allocate()
    path = signer.root / "registry/issuers/acme-academy/status/1.json"
    path.parent.mkdir(parents=True)
    path.write_text("the other run's list, with a revocation\n")
    real_exists = Path.exists

    def missing_when_looked_at(self: Path, *args: Any, **kwargs: Any) -> bool:
        return False if self == path else real_exists(self, *args, **kwargs)

    monkeypatch.setattr(Path, "exists", missing_when_looked_at)
    [(made, data)] = allocator.new_lists(signer.key, EPOCH)
    assert made == path
    assert create_list(made, data) is False
    assert path.read_text() == "the other run's list, with a revocation\n"


@pytest.mark.parametrize("value", ["9999-12-31T23:30:00-01:00", "0001-01-01T00:00:00+01:00"])
def test_a_date_given_outside_the_years_an_award_can_carry_is_refused_naming_the_option(value: str) -> None:
    # Read in its own offset it is a date; in UTC, as every award writes it, it is year 10000 or year 0, and the
    # award's signing failed on it with an OverflowError.
    with pytest.raises(UsageError, match=rf"^--valid-until: {re.escape(repr(value))} is outside the years 0001-9999"):
        parse_valid_until(value)
    assert timestamp(parse_valid_until("9999-12-31T23:30:00+01:00")) == "9999-12-31T22:30:00Z"


@pytest.mark.parametrize(
    "recorded",
    ["jose\u0301@example.org", "JOSE\u0301@Example.org", " jos\u00e9@example.org "],
    ids=["decomposed", "decomposed, capitals", "spaced"],
)
def test_an_earlier_run_finds_its_earner_however_unicode_wrote_the_address(tmp_path: Path, recorded: str) -> None:
    """The duplicate guard compared the address of an earlier run's recipients.csv lowercased only: a run made
    before addresses were composed (NFC), or a row edited by hand, held "josé" decomposed, and the same person's
    next award (composed now) was not recognised as a second one. Both are read as normalize_identifier reads
    them; another person is still not found."""
    digest = "a" * 64
    row = EarnerCopy(recorded, None, {"id": "x"}, digest, f"https://site.test/verify/#{digest}~k", "k")
    write_earners(tmp_path / "earners" / "run-1", [row])
    held = earlier_holders(tmp_path / "earners", [normalize_identifier("jos\u00e9@example.org")], {digest})
    assert list(held) == ["jos\u00e9@example.org"]
    assert earlier_holders(tmp_path / "earners", ["jose@example.org"], {digest}) == {}


@pytest.mark.parametrize(
    "recorded",
    [
        "jos\u00e9@example.org.",  # the root's dot: DNS's name of the same domain
        "jos\u00e9@exam\uff50le.org",  # a fullwidth letter, which IDNA reads as "p"
        "jos\u00e9@example\u3002org",  # the ideographic full stop between labels
        "jos\u00e9@example\uff0eorg",  # the fullwidth full stop
        "jos\u00e9\u200b@example.org",  # a zero-width space
        "jo\u00ads\u00e9@example.org",  # a soft hyphen
        "jos\u00e9@EXAMPLE.ORG.",
        "jos\u00e9@xn--exampl-gva.org",  # the domain as DNS carries it (examplé.org): compared decoded
    ],
    ids=["root dot", "fullwidth letter", "ideographic stop", "fullwidth stop", "zero-width", "soft hyphen",
         "capitals and root dot", "a-label"],
)  # fmt: skip
def test_an_earlier_run_finds_its_earner_in_any_spelling_of_the_same_mailbox(tmp_path: Path, recorded: str) -> None:
    """The duplicate guard read a recorded address normalize_identifier refuses as the cell lowercased: a row written
    before those refusals, or edited by hand, with the root's dot, a fullwidth letter or full stop, or an invisible
    character, named the mailbox a new cohort's address names, and the second award got no warning. Both sides
    are read by openbadges.mailbox, the one reading of what is the same mailbox."""
    digest = "a" * 64
    row = EarnerCopy(recorded, None, {"id": "x"}, digest, f"https://site.test/verify/#{digest}~k", "k")
    write_earners(tmp_path / "earners" / "run-1", [row])
    plain = "jos\u00e9@example.org" if "xn--" not in recorded else "jos\u00e9@exampl\u00e9.org"
    held = earlier_holders(tmp_path / "earners", [normalize_identifier(plain)], {digest})
    assert list(held) == [plain]
    assert earlier_holders(tmp_path / "earners", ["jose@example.org"], {digest}) == {}


@pytest.mark.parametrize(
    ("recorded", "typed"),
    [
        # IDNA 2008's A-labels: Python's "idna" codec is IDNA 2003's, which maps ß to ss and ς to σ and drops the
        # joiners, so it refused to decode these labels and the row kept the A-label a cohort never types.
        ("ada@xn--strae-oqa.de", "ada@stra\u00dfe.de"),
        ("ada@xn--mxa8ac.gr", "ada@\u03b1\u03c3\u03c2.gr"),  # final sigma
        ("ada@XN--Strae-oqa.de", "ada@stra\u00dfe.de"),
        # A domain's capital sigma: IDNA reads it as σ wherever it stands (the hash's lowercasing makes it ς at a
        # word's end, and normalize_identifier refuses it for that).
        ("ada@\u03a3\u0399\u0393\u039c\u0391.gr", "ada@\u03c3\u03b9\u03b3\u03bc\u03b1.gr"),
        ("ada@\u0391\u03a3.gr", "ada@\u03b1\u03c3.gr"),
        # A quoted local part whose content needs no quotes is that content (RFC 5322 3.2.4: the quotes are
        # semantically invisible): one mailbox.
        ('"ada"@example.org', "ada@example.org"),
        ('"Ada.Lovelace"@Example.org', "ada.lovelace@example.org"),
    ],
)
def test_a_mailbox_is_read_as_a_mailer_reads_its_domain_and_quotes(recorded: str, typed: str) -> None:
    assert mailbox(recorded) == normalize_identifier(typed)


def test_an_earlier_run_finds_its_earner_under_an_idna_2008_a_label(tmp_path: Path) -> None:
    """A row naming ada@xn--strae-oqa.de (straße.de as DNS carries it) was read as that string, since Python's IDNA
    2003 codec cannot decode it: a new cohort's ada@straße.de got a second award with no warning."""
    digest = "b" * 64
    row = EarnerCopy("ada@xn--strae-oqa.de", None, {"id": "x"}, digest, f"https://site.test/verify/#{digest}~k", "k")
    write_earners(tmp_path / "earners" / "run-1", [row])
    assert list(earlier_holders(tmp_path / "earners", ["ada@stra\u00dfe.de"], {digest})) == ["ada@stra\u00dfe.de"]
    assert earlier_holders(tmp_path / "earners", ["ada@strasse.de"], {digest}) == {}


@pytest.mark.parametrize(
    "text",
    [
        "ada@xn--example-.org",  # no A-label: an ASCII label in punycode's form is not example
        "ada@xn--zz.org",
        "ada@xn--.org",
        '"a b"@example.org',  # quoted for its space: no mailbox an award names
    ],
)
def test_what_no_mailer_reads_as_a_mailbox_has_none(text: str) -> None:
    assert mailbox(text) is None


def test_a_letter_of_a_newer_unicode_is_not_dropped_as_invisible() -> None:
    """A code point unassigned in this Unicode (U+1E4D0, a Nag Mundari letter of Unicode 15) may be a letter that
    shows: dropping it made ada\U0001e4d0@example.org, another mailbox, warn as ada@example.org's earlier award."""
    assert mailbox("ada\U0001e4d0@example.org") != mailbox("ada@example.org")


@pytest.mark.parametrize(
    "typed",
    [" Ada@Example.org ", "JOSE\u0301@example.org", "\u00fc@b\u00fccher.de", "bo@example.\u0440\u0444", "a.b+c@x.io"],
)
def test_the_mailbox_of_an_address_awards_accept_is_the_one_they_hash(typed: str) -> None:
    """mailbox() is normalize_identifier's reading wherever that accepts: one rule of what an award names."""
    assert mailbox(typed) == normalize_identifier(typed)


@pytest.mark.parametrize("text", ["", "ada", "ada@", "@example.org", "a@b@example.org", "ada@example", "a b@x.org"])
def test_what_names_no_mailbox_has_none(text: str) -> None:
    assert mailbox(text) is None


def test_a_cohort_naming_one_person_in_both_unicode_compositions_is_refused(tmp_path: Path) -> None:
    """Two lines of a cohort, "josé" composed and decomposed, were two addresses: one person got two awards."""
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("email\njos\u00e9@example.org\nJOSE\u0301@example.org\n", encoding="utf-8")
    with pytest.raises(ProblemsFound) as found:
        read_cohort(cohort)
    assert "is listed twice (first on line 2)" in str(found.value.problems)


@pytest.mark.parametrize(
    ("text", "email", "name"),
    [
        # A student number as the address's local part, in the evidence's path or query: classmates and staff know
        # it, and it is the earner's as plainly as a name (letters only were read, so it passed).
        ("https://portfolio.uni.example/s1234567/report", "s1234567@student.uni.example", None),
        ("https://portfolio.uni.example/u?id=1234567", "s1234567@student.uni.example", None),
        ("https://portfolio.uni.example/students/20231187", "20231187@uni.example", None),
        # A short name (two-letter words, as many Chinese, Korean and Vietnamese names are) in a path: each word was
        # too short to be read, and run together too (four letters), so it passed.
        ("https://github.com/boli/thesis", "x7q@uni.example", "Bo Li"),
        ("https://portfolio.uni.example/bo-li/7", "x7q@uni.example", "Bo Li"),
        ("https://portfolio.uni.example/li_bo/7", "x7q@uni.example", "Bo Li"),
        ("https://portfolio.uni.example/yu.xu/", "yu.xu@uni.example", None),
    ],
)
def test_evidence_naming_its_recipient_by_number_or_short_name_is_found(text: str, email: str, name: str) -> None:
    assert issue.recipient_named_in(text, email, name) is not None, text


@pytest.mark.parametrize(
    ("text", "email", "name"),
    [
        ("https://portfolio.uni.example/projects/7f3a", "s1234567@student.uni.example", "Bo Li"),
        ("https://github.com/bolivia-maps/li-ion", "x7q@uni.example", "Bo Li"),
        ("https://portfolio.uni.example/2023/report", "s1234567@student.uni.example", None),
    ],
)
def test_evidence_not_naming_its_recipient_by_number_or_short_name_passes(text: str, email: str, name: str) -> None:
    assert issue.recipient_named_in(text, email, name) is None, text


@pytest.mark.parametrize(
    "text",
    [
        # The student number written as people write long numbers, in groups: each group alone was too short to be
        # read, so it passed.
        "https://portfolio.uni.example/s123-4567/report",
        "Withdrawn at the request of student 123 4567",
        "Withdrawn at the request of student 1,234,567",
        "https://portfolio.uni.example/1.234.567/",
        "Withdrawn: student 123\u202f4567 asked",
    ],
)
def test_evidence_naming_its_recipients_number_in_groups_is_found(text: str) -> None:
    assert issue.recipient_named_in(text, "s1234567@student.uni.example", None) is not None, text


@pytest.mark.parametrize(
    "text",
    [
        # Other numbers beside the student's: a date, a course code, a port sharing five of its digits.
        "https://portfolio.uni.example/2023-11-05/report",
        "https://lab.uni.example:12345/CS4567/report",
        "Revoked on 12 Nov 2023 (course 123, room 4567)",
        "https://portfolio.uni.example/2023/1234/567",
    ],
)
def test_evidence_with_other_numbers_passes(text: str) -> None:
    assert issue.recipient_named_in(text, "s1234567@student.uni.example", None) is None, text
