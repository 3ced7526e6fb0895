"""A former issuer profile is accepted only for an award signed while it was current.

Before, a former profile's ``until`` was not compared with anything: any award (one slipped into the registry
later, or a file handed to ``credreg verify``) could carry any recorded former profile, even one signed long
after the rebrand. Now its signing time (each proof's ``created``, read as the key-window rule reads it) must not
be after the end of the ``until`` day, in UTC. Real awards, signed with a real key, in a real registry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from generator.awards import award_filename, award_hash, render_award
from generator.check import CheckOptions, run_check
from generator.crypto.dataintegrity import CRYPTOSUITES, add_proofs, create_proof
from generator.errors import Severity
from generator.verify import Verifier
from generator.verify.records import former_issuers, issuer_problems
from tests.conftest import Signer

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
UNTIL = "2025-02-20"
REBRAND = (
    "former_profiles:\n  - until: 2025-02-20\n    name: Acme Academy\n    url: https://acme.example\n"
    "    email: credentials@acme.example\n"
)
#: Each proof's created (and the award's validFrom, which it must be), as written → the one that is too late to
#: carry the profile used until 2025-02-20 (``None``: the award may carry it).
CASES: dict[tuple[str, str], str | None] = {
    ("2025-02-20T23:59:59Z", "2025-02-20T23:59:59Z"): None,  # the last second of the day
    ("2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z"): None,  # long before: no lower bound
    ("2025-02-21T00:00:00Z", "2025-02-21T00:00:00Z"): "2025-02-21T00:00:00Z",  # the first second after it
}
#: Signed otherwise: an award's times are whole seconds in UTC and each proof is created at its validFrom
#: (times.py PUBLISHED_TIME_PATTERN, Award.signed_at_valid_from), so each is malformed whatever its day in UTC.
OTHERWISE: tuple[tuple[str, str], ...] = (
    ("2025-02-21T00:30:00+01:00", "2025-02-21T00:30:00+01:00"),  # 23:30 on the 20th in UTC
    ("2025-02-20T23:30:00-01:00", "2025-02-20T23:30:00-01:00"),  # the 21st in UTC
    ("2025-02-20T12:00:00Z", "2025-03-01T12:00:00Z"),  # one proof in time, one after
)


def _signed(signer: Signer, award: dict[str, Any], created: tuple[str, str]) -> dict[str, Any]:
    """``award`` signed again by acme's key, valid from the first ``created``, each proof with its own ``created``
    as written."""
    unsigned = {k: v for k, v in award.items() if k != "proof"}
    unsigned["validFrom"] = unsigned["awardedDate"] = created[0]
    method = award["proof"][0]["verificationMethod"]
    proofs = [
        create_proof(unsigned, cryptosuite=suite, seed=signer.key.seed, verification_method=method, created=when)
        for suite, when in zip(CRYPTOSUITES, created, strict=True)
    ]
    return add_proofs(unsigned, proofs)


@pytest.fixture
def rebranded(signer: Signer) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    """acme's awards of each case, signed with its profile of then and held in the registry; then acme rebrands
    (recording that profile until 2025-02-20). Case → (path, award)."""
    held = {}
    for i, created in enumerate((*CASES, *OTHERWISE)):
        issued = signer.award(email=f"earner{i}@example.org", at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
        issued.path.unlink()
        award = _signed(signer, issued.award, created)
        path = award_filename(signer.root, "acme-academy", award, award_hash(award))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_award(award))
        held[created] = (path.relative_to(signer.root).as_posix(), award)
    issuer = signer.root / "registry/issuers/acme-academy/issuer.yaml"
    text = issuer.read_text()
    assert "name: Acme Academy\n" in text
    issuer.write_text(text.replace("name: Acme Academy\n", "name: Acme Data School\n") + REBRAND)
    return held


def _late(who: str, created: tuple[str, str]) -> str:
    when = CASES[created]
    assert when is not None
    day = dt.datetime.fromisoformat(when).astimezone(dt.UTC).date().isoformat()
    return (
        f"{who} former profile 'Acme Academy' (used until {UNTIL}), but the award was signed on {day} (UTC; proof "
        f"created {when}), after it was replaced: an award carries a former profile only if it was signed while "
        "that profile was current"
    )


def test_credreg_verify_accepts_a_former_profile_only_until_its_last_day(
    signer: Signer, rebranded: dict[tuple[str, str], tuple[str, dict[str, Any]]]
) -> None:
    verifier = Verifier(signer.registry)
    for created, late in CASES.items():
        result = verifier.verify(rebranded[created][1], now=NOW)
        checks = {c.id: c for c in result.checks}
        if late is None:
            assert str(result.verdict) == "valid", (created, result.as_dict())
            continue
        assert str(result.verdict) == "untrusted", created
        assert [c.id for c in result.checks if str(c.status) == "failed"] == ["issuer", "credential"], created
        assert checks["issuer"].reason == _late("the issuer is acme-academy's", created)
        assert checks["credential"].reason == _late("the achievement's creator is its issuer's", created)
        # Only the window: the same award is the current profile's in every other way (key valid, registered).
        assert str(checks["key"].status) == str(checks["registered"].status) == "passed"


def test_the_full_check_refuses_a_held_award_signed_after_the_former_profile_was_replaced(
    signer: Signer, rebranded: dict[tuple[str, str], tuple[str, dict[str, Any]]]
) -> None:
    report = run_check(signer.root, CheckOptions(progress=False, jobs=1, cache=False))
    found = [p for p in report.problems if p.severity is Severity.ERROR]
    refused = {rebranded[c][0] for c, late in CASES.items() if late is not None} | {rebranded[c][0] for c in OTHERWISE}
    assert {p.location.path for p in found} == refused, [str(p) for p in found]
    for created, late in CASES.items():
        if late is None:
            continue
        path = rebranded[created][0]
        mine = {p.code: p for p in found if p.location.path == path}
        assert set(mine) == {"award.issuer", "award.credential"}
        assert mine["award.issuer"].field == "issuer"
        assert mine["award.issuer"].location.line is not None
        assert mine["award.issuer"].message == "Issuer registered: " + _late("the issuer is acme-academy's", created)


def test_an_award_signed_with_an_offset_or_at_two_times_is_malformed(
    signer: Signer, rebranded: dict[tuple[str, str], tuple[str, dict[str, Any]]]
) -> None:
    verifier = Verifier(signer.registry)
    for created in OTHERWISE:
        result = verifier.verify(rebranded[created][1], now=NOW)
        structure = result.check("structure")
        assert structure is not None
        assert str(structure.status) == "failed", created
        assert "must be whole seconds in UTC" in structure.reason or "must be the award's validFrom" in structure.reason
        assert str(result.verdict) == "invalid", created


def test_the_current_profile_is_compared_first_and_never_held_to_a_window(
    signer: Signer, rebranded: dict[tuple[str, str], tuple[str, dict[str, Any]]]
) -> None:
    """An award signed after the rebrand with the new profile: its proofs are not even read for the rule (the
    common case costs nothing more), so proofs that say nothing still leave it valid here."""
    registry = signer.registry
    record = registry.issuers["acme-academy"]
    current = signer.award(email="now@example.org", at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC)).award
    former = former_issuers(registry, record)
    assert [f.until for f in former] == [UNTIL]
    profile = current["issuer"]
    assert issuer_problems(profile, profile, "acme-academy", former=former, proofs=[]) == []
    assert str(Verifier(registry).verify(current, now=NOW).verdict) == "valid"
