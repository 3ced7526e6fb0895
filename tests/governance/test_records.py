"""An issuer cannot pose as another: an award says exactly what the registry's records say (issue 9, item 2).

Reproduced first: a registered issuer (acme-academy) signs, with its own key, an award whose ``issuer.name`` is
"Northbridge University" and whose achievement is renamed "MSc Data Science (Distinction)" (its ``id`` still
acme's own credential). It passed the PR check and showed "Valid … signed by Northbridge University". Now the
PR check, the full check and ``credreg verify`` refuse it (the browser: ``tests/site/test_differential.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.check import CheckOptions, run_check
from generator.crypto import ed25519
from generator.crypto.dataintegrity import JCS, create_proof
from generator.verify.records import Former, achievement_problems, canonical_or_none, issuer_problems
from tests.governance.conftest import ACME, Repo, errors, shown


def _posing(repo: Repo, *, issuer_name: str | None = None, **achievement: Any) -> str:
    """A new award of acme-academy, changed as given and re-signed with acme's own key; its path."""
    [issued] = repo.award()
    rel = issued.path.relative_to(repo.root).as_posix()
    award = json.loads(repo.read(rel))
    issuer = dict(award["issuer"])
    if issuer_name is not None:
        issuer["name"] = issuer_name
    subject = dict(award["credentialSubject"])
    subject["achievement"] = {**subject["achievement"], **achievement}
    if issuer_name is not None:
        subject["achievement"]["creator"] = issuer
    award.update(issuer=issuer, credentialSubject=subject)
    repo.write(rel, json.dumps(award))
    return repo.resign(rel, key=repo.key())


def _full_check(repo: Repo) -> list[str]:
    return shown(errors(run_check(repo.root, CheckOptions(progress=False))))


def test_an_issuer_posing_as_another_is_refused_everywhere(repo: Repo) -> None:
    rel = _posing(repo, issuer_name="Northbridge University", name="MSc Data Science (Distinction)")
    refused = {p.code: p for p in errors(repo.check("acme-lead"))}
    assert set(refused) >= {"award.issuer", "award.credential"}, shown(refused.values())
    assert "the issuer's name differs from acme-academy's registered profile" in refused["award.issuer"].message
    assert "'Northbridge University'" in refused["award.issuer"].message
    assert "the achievement's creator, name differ from acme-academy/sql-basics" in refused["award.credential"].message
    assert refused["award.issuer"].location.path == rel
    assert any(rel in p and "registered profile" in p for p in _full_check(repo))
    code, result = repo.verify(rel)
    assert (code, result["valid"], result["verdict"]) == (1, False, "untrusted")
    checks = {c["id"]: c["status"] for c in result["checks"]}
    assert (checks["issuer"], checks["credential"], checks["proof:eddsa-rdfc-2022"]) == ("failed", "failed", "passed")
    text = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(repo.root), "verify", rel],
        capture_output=True,
        text=True,
        check=False,
        cwd=repo.root,
    ).stdout
    assert "verdict: VALID" not in text
    # Named by the registry's name for the DID it signed with, the file's other name quoted as its own: "issued by
    # Northbridge University" was the file's word for a signature of acme's, shown as who issued it.
    named = "issued by Acme Academy; the file calls it 'Northbridge University'"
    credential = "SQL Basics; the file calls it 'MSc Data Science (Distinction)'"  # its credential likewise
    assert f"  claims: {credential} — {named}" in text


def test_each_field_the_award_shows_must_be_the_records(repo: Repo) -> None:
    for change in (
        {"description": "With distinction."},
        {"criteria": {"narrative": "Attend once."}},
        {"image": {"id": "https://elsewhere.example/badge.png", "type": "Image"}},
        {"type": ["Achievement", "Achievement"]},
        {"achievementType": "Diploma"},
        {"humanCode": "MSC-DS"},
    ):
        rel = _posing(repo, **change)
        codes = [p.code for p in errors(repo.check("acme-lead"))]
        assert codes, change
        assert set(codes) <= {"award.credential", "award.structure"}, (change, codes)
        repo.path(rel).unlink()
    rel = _posing(repo, issuer_name=None)
    repo.resign(rel, key=repo.key(), name="MSc Data Science (Distinction)")
    assert "award.credential" in [p.code for p in errors(repo.check("acme-lead"))]


def test_an_award_of_an_earlier_definition_version_stays_valid_but_new_ones_carry_the_current_one(
    repo: Repo,
) -> None:
    """The registry keeps no copy of earlier versions: an award that names one must still match what a version
    cannot change (id, type, name, creator), and only awards already in the registry may name one."""
    rel = _posing(repo, version="0.9", description="What version 0.9 said.")
    assert [p.code for p in errors(repo.check("acme-lead"))] == ["award.credential"]
    assert "new awards must carry the current version (1.0)" in errors(repo.check("acme-lead"))[0].message
    assert _full_check(repo) == []
    code, result = repo.verify(rel)
    assert (code, result["verdict"]) == (0, "valid")
    repo.path(rel).unlink()
    rel = _posing(repo, version="0.9", name="MSc Data Science (Distinction)")
    assert any(
        "the achievement's name differs from version 0.9 of acme-academy/sql-basics" in p for p in _full_check(repo)
    )
    rel2 = _posing(repo, version="2.0", description="A version that does not exist yet.")
    assert any(rel2 in p for p in _full_check(repo))
    assert ACME in rel


# The check compares each award's issuer and achievement with the records' JCS bytes first (one comparison
# instead of one per field): the answer must be the field-by-field one, whatever the award holds.
_PROFILE = {
    "id": "did:web:example.org:issuers:acme",
    "type": ["Profile"],
    "name": "Acme",
    "image": {"id": "https://example.org/logo.svg", "type": "Image"},
    "version": "1.0",
    "credits": 5,
}
_changes = st.sampled_from(
    [None, True, 1, 1.0, 5.0, 5, float("nan"), float("inf"), 10**16, 1e16, "Acme", "\ud800", [], {}, "1.0", "0.9"]
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*_PROFILE, "extra"]), _changes, max_size=3), st.booleans())
def test_the_whole_object_comparison_gives_the_field_by_field_answer(changes: dict[str, Any], drop: bool) -> None:
    award = {**_PROFILE, **changes}
    if drop and changes:
        award.pop(next(iter(changes)))
    whole = canonical_or_none(_PROFILE)
    assert whole is not None
    assert issuer_problems(award, _PROFILE, "acme", expected_json=whole) == issuer_problems(award, _PROFILE, "acme")
    for current_only in (False, True):
        fast = achievement_problems(
            award, award.get("name"), _PROFILE, "acme/x", current_only=current_only, expected_json=whole
        )
        assert fast == achievement_problems(award, award.get("name"), _PROFILE, "acme/x", current_only=current_only)


def _proofs(document: dict[str, Any], *created: str) -> list[dict[str, Any]]:
    """Real eddsa-jcs-2022 proofs of ``document``, one per ``created`` time (as written)."""
    seed = ed25519.generate_seed()
    return [
        create_proof(document, cryptosuite=JCS, seed=seed, verification_method="did:web:x#k", created=when)
        for when in created
    ]


def test_a_former_profile_is_the_issuer_and_creator_of_held_awards_only() -> None:
    """A rebrand (``former_profiles``): an award already held may carry a former profile, a new one may not."""
    then = {**_PROFILE, "name": "Acme Ltd"}
    former = (Former("2024-12-31", then, canonical_or_none(then)),)
    signed = _proofs({"issuer": then}, "2024-12-31T23:59:59Z")
    assert issuer_problems(then, _PROFILE, "acme", former=former, proofs=signed) == []
    assert issuer_problems(then, _PROFILE, "acme", former=former, proofs=signed, current_only=True) == [
        "the issuer is acme's former profile (used until 2024-12-31), but new awards must carry its current profile "
        "(name: 'Acme Ltd', registered: 'Acme')"
    ]
    neither = {**then, "url": "https://acme.example/"}
    assert issuer_problems(neither, _PROFILE, "acme", former=former, proofs=signed) == issuer_problems(
        neither, _PROFILE, "acme"
    )
    assert "differ from acme's registered profile" in issuer_problems(neither, _PROFILE, "acme", former=former)[0]
    held = {"id": "https://x/acme/x/", "name": "X", "creator": then, "version": "1.0", "description": "Now."}
    current = {**held, "creator": _PROFILE}
    assert achievement_problems(held, "X", current, "acme/x", former=former, proofs=signed) == []
    earlier = {**held, "version": "0.9", "description": "Then."}
    assert achievement_problems(earlier, "X", current, "acme/x", former=former, proofs=signed) == []
    [new] = achievement_problems(held, "X", current, "acme/x", former=former, proofs=signed, current_only=True)
    assert new.startswith("the achievement's creator differs from acme/x as defined in this registry")
    assert achievement_problems(held, "X", current, "acme/x")  # without the record of the rebrand


def test_a_former_profile_only_for_an_award_signed_by_the_end_of_its_until_day_in_utc() -> None:
    """Before, any award could carry any recorded former profile, even one signed long after the rebrand."""
    then = {**_PROFILE, "name": "Acme Ltd"}
    former = (Former("2024-12-31", then, canonical_or_none(then)),)
    held = {"id": "https://x/acme/x/", "name": "X", "creator": then, "version": "1.0"}
    current = {**held, "creator": _PROFILE}
    for created in ("2024-12-31T23:59:59Z", "2025-01-01T00:30:00+01:00", "2020-01-01T00:00:00Z"):
        signed = _proofs({"issuer": then}, created, "2024-06-01T00:00:00Z")
        assert issuer_problems(then, _PROFILE, "acme", former=former, proofs=signed) == [], created
        assert achievement_problems(held, "X", current, "acme/x", former=former, proofs=signed) == [], created
    for created, day in (
        ("2025-01-01T00:00:00Z", "2025-01-01"),
        ("2024-12-31T23:30:00-01:00", "2025-01-01"),  # the 31st where it was signed, the 1st in UTC
        ("2031-05-04T10:00:00Z", "2031-05-04"),
    ):
        # Every proof counts: one made in time does not cover another made later.
        signed = _proofs({"issuer": then}, "2024-06-01T00:00:00Z", created)
        late = (
            f"former profile 'Acme Ltd' (used until 2024-12-31), but the award was signed on {day} (UTC; proof "
            f"created {created}), after it was replaced: an award carries a former profile only if it was signed "
            "while that profile was current"
        )
        assert issuer_problems(then, _PROFILE, "acme", former=former, proofs=signed) == [f"the issuer is acme's {late}"]
        assert achievement_problems(held, "X", current, "acme/x", former=former, proofs=signed) == [
            f"the achievement's creator is its issuer's {late}"
        ]
    # A time that cannot be read, or no proof at all, is never within the window.
    [unreadable] = issuer_problems(then, _PROFILE, "acme", former=former, proofs=[{"created": "31/12/2024"}])
    assert unreadable.endswith(
        "but a proof has no valid 'created' time, so when the award was signed cannot be told: an award carries a "
        "former profile only if it was signed while that profile was current"
    )
    [unsigned] = issuer_problems(then, _PROFILE, "acme", former=former)
    assert "but the award has no proof to say when it was signed" in unsigned
    # The current profile is never held to a window (and no lower bound applies to a former one).
    assert issuer_problems(_PROFILE, _PROFILE, "acme", former=former) == []


def test_a_profile_recorded_twice_may_be_carried_while_either_entry_was_current() -> None:
    """Acme Ltd until 2024-12-31, then Acme Group until 2025-06-30, then Acme Ltd again until 2025-12-31."""
    ltd, group = {**_PROFILE, "name": "Acme Ltd"}, {**_PROFILE, "name": "Acme Group"}
    former = tuple(
        Former(until, profile, canonical_or_none(profile))
        for until, profile in (("2024-12-31", ltd), ("2025-06-30", group), ("2025-12-31", ltd))
    )
    assert issuer_problems(ltd, _PROFILE, "acme", former=former, proofs=_proofs(ltd, "2025-09-01T00:00:00Z")) == []
    assert issuer_problems(ltd, _PROFILE, "acme", former=former, proofs=_proofs(ltd, "2024-03-01T00:00:00Z")) == []
    [late] = issuer_problems(ltd, _PROFILE, "acme", former=former, proofs=_proofs(ltd, "2026-01-01T00:00:00Z"))
    assert "'Acme Ltd' (used until 2025-12-31), but the award was signed on 2026-01-01" in late
    [late] = issuer_problems(group, _PROFILE, "acme", former=former, proofs=_proofs(group, "2025-07-01T00:00:00Z"))
    assert "'Acme Group' (used until 2025-06-30), but the award was signed on 2025-07-01" in late
