"""Sign the example registry's awards with throwaway keys.

Run from the repository root on a registry without keys or awards, or with ``--fresh`` to delete the example's
keys, awards, revocation logs and status lists first (to re-issue it, e.g. after the award profile changed):

    .venv/bin/python scripts/sign_example_awards.py [--fresh]

Each issuer gets a key whose private half lives in a temporary directory that is deleted at the end, so no
one can sign for the example issuers afterwards. One issuer (cloud-skills-council) rotates its key half-way,
so both keys stay in keys/ and awards made before the rotation keep verifying. Awards are spread over
2023–2026, some as single files and some as cohorts (JSON Lines batches); some have expired and some are
revoked, with reasons.

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
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.awarding.issue import Recipient, issue_awards
from generator.awarding.keys import SigningKey, generate_key, load_signing_key
from generator.awarding.revoke import revoke_award
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


def main() -> None:
    if "--fresh" in sys.argv[1:]:
        clear()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="credreg-example-keys-") as throwaway:
        keys: dict[str, list[tuple[SigningKey, dt.datetime, dt.datetime | None]]] = {}
        registry = load()
        for issuer in sorted(registry.issuers):
            first = START - dt.timedelta(days=30)
            made = generate_key(
                registry, issuer, key_id="key-2023", now=first, private_path=Path(throwaway) / f"{issuer}-2023.key"
            )
            keys[issuer] = [(load_signing_key(made.private_path), first, None)]
        # One issuer rotates: the old key is retired, a new one takes over. Both stay published.
        registry = load()
        made = generate_key(
            registry, ROTATING, key_id="key-2024", now=ROTATION, private_path=Path(throwaway) / "rotation.key"
        )
        old_path = ROOT / "keys" / ROTATING / "key-2023.json"
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
