"""Sign the example registry's awards with throwaway keys.

Run from the repository root on a registry without keys or awards, or with ``--fresh`` to delete the example's
keys, awards, revocation logs and status lists first (to re-issue it, e.g. after the award profile changed):

    .venv/bin/python scripts/sign_example_awards.py [--fresh | --resign-retired]

Each issuer gets a key whose private half lives in a temporary directory that is deleted at the end, so no
one can sign for the example issuers afterwards. One issuer (cloud-skills-council) rotates its key half-way,
so both keys stay in keys/ and awards made before the rotation keep verifying. Awards are spread over
2023–2026, some as single files and some as cohorts (JSON Lines batches); some have expired and some are
revoked, with reasons.

**A retired key's id never signs again.** The transparency log retires a key by its file's path: a key added with
its end set is retired at the end of the commit that adds it, so only the awards of that commit count. A re-issue
therefore signs the rotated issuer's earlier awards with a key under a new id (``--fresh`` picks one, as
``--resign-retired`` does), never with new material under the retired id: the log dates those awards after the
retirement and every verifier refuses them. ``--resign-retired`` re-signs only the awards (and revocations) of
the rotated issuer's retired key, content unchanged, under a new key covering the same window.

Awards are made exactly as ``credreg award`` makes them, each with a fresh secret recipient key (see
docs/privacy.md). No earner files are written: the recipient keys are discarded with the signing keys, so
nobody, the maintainers included, can confirm which of the synthetic addresses below an example award was made
to (tests/publish/test_recipient_privacy.py tries). Nor can anyone replay this script: its seed makes the
example's shape, but which address each award went to is drawn from the OS (:func:`plan`).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.awarding.issue import Recipient, issue_awards
from generator.awarding.keys import SigningKey, generate_key, load_signing_key
from generator.awarding.revoke import revocation_entry, revoke_award
from generator.awarding.signing import sign_document
from generator.awards import award_filename, award_hash, render_award
from generator.load import load_registry
from generator.models import LifecycleStatus
from generator.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
START = dt.datetime(2023, 3, 1, 9, 0, tzinfo=dt.UTC)
TODAY = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
ROTATING = "cloud-skills-council"
ROTATION = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
#: The example's shape (times, cohort sizes, evidence, revocations) follows from it; who got what does not.
SEED = 20261120
FIRST_NAMES = (
    *("ada", "alan", "grace", "linus", "margaret", "dennis", "barbara", "ken"),
    *("radia", "tim", "frances", "edsger", "sophie", "john", "hedy"),
)
LAST_NAMES = (
    *("lovelace", "turing", "hopper", "torvalds", "hamilton", "ritchie"),
    *("liskov", "thompson", "perlman", "berners", "allen", "dijkstra"),
)
#: The synthetic recipients the example awards were made to: the dictionary a privacy test attacks them with.
RECIPIENTS = [f"{f}.{last}{k or ''}@example.org" for f in FIRST_NAMES for last in LAST_NAMES for k in range(3)]
REASONS = [
    "Awarded in error: the candidate had not completed the practical assessment",
    "Assessment misconduct confirmed by the academic integrity panel",
    "Duplicate award; replaced by a corrected award",
    "Awarded to the wrong candidate after a records mix-up",
    "Withdrawn at the holder's request",
]


def load() -> Registry:
    loaded = load_registry(ROOT)
    assert loaded.registry is not None, [str(p) for p in loaded.problems]
    assert not loaded.problems.errors, [str(p) for p in loaded.problems.errors]
    return loaded.registry


def clear() -> None:
    """Delete what this script makes: keys, awards, revocation logs and status lists (nothing else)."""
    for issuer in sorted((ROOT / "registry" / "issuers").iterdir()):
        # The issuers' keys only: the endorsers' sign the endorsements, which scripts/sign_example_endorsements.py
        # makes and this script leaves alone.
        shutil.rmtree(ROOT / "keys" / issuer.name, ignore_errors=True)
        for made in ("awards", "status"):
            shutil.rmtree(issuer / made, ignore_errors=True)
        (issuer / "revocations.jsonl").unlink(missing_ok=True)


@dataclass(frozen=True)
class Step:
    """One run of ``credreg award``: a cohort (a batch) or a single award."""

    credential: str
    at: dt.datetime
    recipients: tuple[str, ...]
    batch: bool
    evidence: tuple[str, ...] = ()
    valid_until: dt.datetime | None = None


def plan(registry: Registry, rng: random.Random) -> list[Step]:
    """What is awarded when: a cohort per credential, plus a few individual awards.

    The seeded ``rng`` (this script is public, and so is its seed) makes the example's shape reproducible: the
    times, sizes, evidence and expiries. Who gets which award is drawn from the OS instead: replaying the seed
    would otherwise map every award to its recipient (its credential and time name the step, and so the
    addresses it took), whatever the recipient keys hide.
    """
    people = list(RECIPIENTS)
    rng.shuffle(list(RECIPIENTS))  # the draws the seeded shuffle once took, so that the shape stays the same
    secrets.SystemRandom().shuffle(people)
    credentials = [
        f"{issuer}/{slug}"
        for issuer, record in sorted(registry.issuers.items())
        for slug, c in sorted(record.credentials.items())
        if c.model.status is not LifecycleStatus.RETIRED
    ]
    span = (TODAY - START).total_seconds()
    steps = []
    for n, credential in enumerate(credentials):
        cohort_at = START + dt.timedelta(seconds=rng.random() * span * 0.9)
        size = rng.randint(5, 9)
        steps.append(Step(credential, cohort_at, tuple(people.pop() for _ in range(size)), batch=True))
        for _ in range(2 + n % 3):
            at = START + dt.timedelta(seconds=rng.random() * span)
            evidence = (f"https://portfolio.example.org/{rng.randrange(10**6)}",) if rng.random() < 0.3 else ()
            until = None
            if rng.random() < 0.08:  # a short-lived award that has already expired
                at = min(at, TODAY - dt.timedelta(days=400))
                until = at + dt.timedelta(days=365)
            steps.append(Step(credential, at, (people.pop(),), batch=False, evidence=evidence, valid_until=until))
    return steps


def retired_key_id(base: str = "key-2023") -> str:
    """An id for the rotated issuer's old key that no key of its history had: a retired id never signs again."""
    used = subprocess.run(
        ["git", "log", "--format=", "--name-only", "--", f"keys/{ROTATING}/"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    taken = {Path(path).stem for path in used} | {p.stem for p in (ROOT / "keys" / ROTATING).glob("*.json")}
    return next(f"{base}{s}" for s in ("", *"bcdefghijklmnopqrstuvwxyz") if f"{base}{s}" not in taken)


def resign_retired() -> None:
    """Re-sign the rotated issuer's awards (and revocations) of its retired key under a new key id covering the same
    window, added with its end set: content and proof times unchanged, the key's private half discarded."""
    registry = load()
    old_path = next(p for p in sorted((ROOT / "keys" / ROTATING).glob("*.json")) if "valid_until" in p.read_text())
    old = json.loads(old_path.read_text())
    did = registry.issuer_did(ROTATING)
    old_method = f"{did}#{old['id']}"
    start = dt.datetime.fromisoformat(old["valid_from"].replace("Z", "+00:00"))
    with tempfile.TemporaryDirectory(prefix="credreg-example-keys-") as throwaway:
        made = generate_key(registry, ROTATING, key_id=retired_key_id(), valid_from=start,
                            private_path=Path(throwaway) / "resign.key")  # fmt: skip
        key_doc = json.loads(made.public_path.read_text())
        made.public_path.write_text(json.dumps({**key_doc, "valid_until": old["valid_until"]}, indent=2) + "\n")
        key = load_signing_key(made.private_path)
        method = f"{did}#{made.public.id}"

        def resign(award: dict[str, object]) -> dict[str, object]:
            proofs = award["proof"]
            assert isinstance(proofs, list)
            created = dt.datetime.fromisoformat(str(proofs[0]["created"]).replace("Z", "+00:00"))
            return sign_document({k: v for k, v in award.items() if k != "proof"}, key, method, created)

        renamed: dict[str, str] = {}
        for path in sorted((ROOT / "registry" / "issuers" / ROTATING / "awards").rglob("*")):
            if path.suffix == ".jsonl":
                lines = []
                for text in path.read_text().splitlines():
                    award = json.loads(text)
                    if award["proof"][0]["verificationMethod"] == old_method:
                        new = resign(award)
                        renamed[award_hash(award)] = award_hash(new)
                        text = json.dumps(new, ensure_ascii=False, separators=(",", ":"))
                    lines.append(text + "\n")
                path.write_text("".join(lines))
            elif path.suffix == ".json":
                award = json.loads(path.read_text())
                if award["proof"][0]["verificationMethod"] == old_method:
                    new = resign(award)
                    renamed[award_hash(award)] = digest = award_hash(new)
                    path.unlink()
                    target = award_filename(ROOT, ROTATING, new, digest)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(render_award(new))
        revocations = ROOT / "registry" / "issuers" / ROTATING / "revocations.jsonl"
        lines = []
        for text in revocations.read_text().splitlines():
            entry = json.loads(text)
            if entry["award"] in renamed:
                when = dt.datetime.fromisoformat(entry["revoked"].replace("Z", "+00:00"))
                entry = revocation_entry(did, renamed[entry["award"]], entry["statusList"], entry["statusListIndex"],
                                         entry["reason"], key, when)  # fmt: skip
                text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
            lines.append(text + "\n")
        revocations.write_text("".join(lines))
    print(f"re-signed {len(renamed)} awards of {old_method} as {method}; private key discarded")


def main() -> None:
    if "--resign-retired" in sys.argv[1:]:
        resign_retired()
        return
    if "--fresh" in sys.argv[1:]:
        clear()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="credreg-example-keys-") as throwaway:
        keys: dict[str, list[tuple[SigningKey, dt.datetime, dt.datetime | None]]] = {}
        registry = load()
        retiring = retired_key_id()
        for issuer in sorted(registry.issuers):
            first = START - dt.timedelta(days=30)
            key_id = retiring if issuer == ROTATING else "key-2023"
            made = generate_key(
                registry, issuer, key_id=key_id, now=first, private_path=Path(throwaway) / f"{issuer}-2023.key"
            )
            keys[issuer] = [(load_signing_key(made.private_path), first, None)]
        # One issuer rotates: the old key is retired, a new one takes over. Both stay published.
        registry = load()
        made = generate_key(
            registry, ROTATING, key_id="key-2024", now=ROTATION, private_path=Path(throwaway) / "rotation.key"
        )
        old_path = ROOT / "keys" / ROTATING / f"{retiring}.json"
        old = json.loads(old_path.read_text())
        old["valid_until"] = (ROTATION - dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        old_path.write_text(json.dumps(old, indent=2) + "\n")
        keys[ROTATING] = [
            (keys[ROTATING][0][0], START, ROTATION),
            (load_signing_key(made.private_path), ROTATION, None),
        ]

        def key_at(issuer: str, when: dt.datetime) -> SigningKey:
            for key, since, until in keys[issuer]:
                if when >= since and (until is None or when < until):
                    return key
            raise AssertionError(f"no key for {issuer} at {when}")

        registry = load()
        issued = []
        for step in plan(registry, rng):
            issued += issue_awards(
                registry,
                step.credential,
                [Recipient(email, step.evidence, step.valid_until) for email in step.recipients],
                key_at(step.credential.partition("/")[0], step.at),
                batch=step.batch,
                valid_from=step.at,
            )
        registry = load()
        planned = []
        for award in rng.sample(issued, 18):
            start = dt.datetime.fromisoformat(award.award["validFrom"].replace("Z", "+00:00"))
            when = min(start + dt.timedelta(days=rng.randint(10, 200)), TODAY - dt.timedelta(days=1))
            planned.append((when, award))
        for when, award in sorted(planned, key=lambda p: p[0]):  # the log is append-only: in date order
            issuer = award.path.relative_to(ROOT).parts[2]
            revoke_award(registry, award.hash, rng.choice(REASONS), key_at(issuer, when), now=when)
        print(f"signed {len(issued)} awards; revoked 18; private keys discarded")


if __name__ == "__main__":
    main()
