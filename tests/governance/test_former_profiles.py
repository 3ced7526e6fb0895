"""An issuer can rebrand: its former profiles (``former_profiles`` in issuer.yaml) keep its earlier awards valid.

Before, an issuer with awards could never change its name, website, email or logo: every award carries its
profile, and the records rule (``generator.verify.records``) compared it with the current one only. Now a rebrand
is a pull request that moves the current fields into a new last ``former_profiles`` entry and edits them; awards
already held may carry a former profile, new awards must carry the current one, and ``former_profiles`` only
grows by the profile the change replaces.
"""

from __future__ import annotations

import datetime as dt
import json

from generator.check import CheckOptions, run_check
from generator.governance.awarded import CODE as AWARDED
from generator.governance.history import FORMER_CODE
from tests.governance.conftest import ACME, NOW, Repo, commit_all, errors, only, shown

ISSUER = f"registry/issuers/{ACME}/issuer.yaml"
OLD = {"name": "Acme Academy", "url": "https://acme.example", "email": "credentials@acme.example"}
# The day before the awards' own day: the conftest signs them a minute before NOW, which in a session started in a UTC
# day's first minute is the day before NOW's, a day the former profile was still current then.
YESTERDAY = (NOW - dt.timedelta(days=1, minutes=1)).date().isoformat()


def _entry(until: str = YESTERDAY, **fields: str) -> str:
    values = {"until": until, **OLD, **fields}
    return "  - " + "\n    ".join(f"{k}: {v}" for k, v in values.items()) + "\n"


def _rebrand(repo: Repo, *entries: str, name: str = "Acme Institute of Data") -> None:
    """Rename acme-academy and move its website, recording ``entries`` as its former profiles."""
    repo.edit(ISSUER, "name: Acme Academy\n", f"name: {name}\n")
    repo.edit(ISSUER, "url: https://acme.example\n", "url: https://data.acme.example\n")
    if entries:
        repo.write(ISSUER, repo.read(ISSUER) + "former_profiles:\n" + "".join(entries))


def _full_check_errors(repo: Repo) -> list[str]:
    return shown(errors(run_check(repo.root, CheckOptions(progress=False, jobs=1, cache=False))))


def test_a_rebrand_that_records_the_former_profile_keeps_earlier_awards_valid(repo: Repo) -> None:
    held = repo.files(f"registry/issuers/{ACME}/awards/*/*/*.json")
    _rebrand(repo, _entry())
    assert errors(repo.check()) == []
    assert _full_check_errors(repo) == []
    assert "Acme Academy" in repo.read(held[-1])  # the earlier award still carries the former name …
    assert repo.verify(held[-1])[1]["verdict"] in ("valid", "revoked")  # … and is what it was


def test_a_rebrand_that_does_not_record_the_former_profile_is_refused_and_says_how(repo: Repo) -> None:
    _rebrand(repo)
    problem = only(repo.check(), AWARDED)
    assert (problem.location.path, problem.field) == (ISSUER, "name")
    assert "add them as they are now" in problem.message
    assert "as a new last entry of `former_profiles`" in problem.message


def test_new_awards_carry_the_current_profile_not_a_former_one(repo: Repo) -> None:
    _rebrand(repo, _entry())
    commit_all(repo.root, "rebrand")
    [current] = repo.award(email="new@example.org")
    assert errors(repo.check()) == []  # a new award with the current profile
    rel = current.path.relative_to(repo.root).as_posix()
    award = json.loads(repo.read(rel))
    former = {**award["issuer"], **OLD}
    award["issuer"] = award["credentialSubject"]["achievement"]["creator"] = former
    repo.write(rel, json.dumps(award))
    rel = repo.resign(rel, key=repo.key())
    refused = {p.code: p for p in errors(repo.check())}
    assert set(refused) == {"award.issuer", "award.credential"}, shown(refused.values())
    assert refused["award.issuer"].message == (
        f"Issuer registered: the issuer is {ACME}'s former profile (used until {YESTERDAY}), but new awards must "
        "carry its current profile (name: 'Acme Academy', registered: 'Acme Institute of Data')"
    )
    # Once in the registry (the full check does not know which awards are new), it is held to when it was signed:
    # today, after the former profile's last day (test_former_window.py: signed by then, it is accepted).
    commit_all(repo.root, "an award slipped in past the pull-request check")
    late = {p.code: p for p in errors(run_check(repo.root, CheckOptions(progress=False, jobs=1, cache=False)))}
    assert set(late) == {"award.issuer", "award.credential"}, shown(late.values())
    assert {(p.location.path, p.field) for p in late.values()} == {
        (rel, "issuer"),
        (rel, "credentialSubject.achievement.id"),
    }
    when = json.loads(repo.read(rel))["proof"][0]["created"]
    assert late["award.issuer"].message == (
        f"Issuer registered: the issuer is {ACME}'s former profile 'Acme Academy' (used until {YESTERDAY}), but the "
        f"award was signed on {when[:10]} (UTC; proof created {when}), after it was replaced: an award carries a "
        "former profile only if it was signed while that profile was current"
    )
    assert late["award.credential"].message.startswith(
        f"Credential defined: the achievement's creator is its issuer's former profile 'Acme Academy' (used until "
        f"{YESTERDAY}), but the award was signed on {when[:10]}"
    )
    code, result = repo.verify(rel)  # credreg verify: the same rule, the same words
    checks = {c["id"]: c for c in result["checks"]}
    assert (code, result["verdict"]) == (1, "untrusted")
    assert checks["issuer"]["status"] == checks["credential"]["status"] == "failed"
    assert checks["issuer"]["reason"] == late["award.issuer"].message.removeprefix("Issuer registered: ")


def test_an_until_before_held_awards_were_signed_is_refused_on_the_until(repo: Repo) -> None:
    """A former profile may be carried only by awards signed by the end of its ``until``: a rebrand whose
    ``until`` is earlier than awards already held that carry the profile would invalidate them (the full check
    then refuses each); the pull-request check refuses the rebrand itself, on that ``until``."""
    early = (NOW - dt.timedelta(days=3)).date().isoformat()  # the base's awards were signed 2 and 3 days ago
    _rebrand(repo, _entry(until=early))
    late = [p for p in _full_check_errors(repo) if "after it was replaced" in p]
    assert len(late) == 8, late  # issuer and creator of the 4 awards signed two days ago (2 files, 2 batch lines)
    problem = only(repo.check(), AWARDED)
    assert (problem.location.path, problem.field) == (ISSUER, "former_profiles[0].until")
    assert problem.location.line == len(repo.read(ISSUER).splitlines()) - 3
    signed = (NOW - dt.timedelta(days=2)).date().isoformat()
    assert problem.message.startswith("this change would invalidate 4 awards the registry already holds (")
    assert (
        f"the issuer is {ACME}'s former profile 'Acme Academy' (used until {early}), but the award was signed on "
        f"{signed} (UTC; proof created {signed}T"
    ) in problem.message
    assert problem.message.endswith(
        "`until` is the last day the former profile was used, and an award carries it only if signed by the end of "
        "that day (UTC): make it the day the last of them was signed, or later"
    )
    # The day they were signed is the earliest `until` that keeps them.
    repo.edit(ISSUER, f"until: {early}", f"until: {signed}")
    assert errors(repo.check()) == []
    assert _full_check_errors(repo) == []


def test_the_entry_a_change_adds_is_exactly_the_profile_it_replaces(repo: Repo) -> None:
    _rebrand(repo, _entry(name="Acme Academy Ltd"))
    found = errors(repo.check(), FORMER_CODE)
    assert len(found) == 1, shown(found)
    assert found[0].field == "former_profiles[0].name"
    assert found[0].location.line is not None
    assert "must be the profile this change replaces, exactly as it was: its name was 'Acme Academy'" in (
        found[0].message
    )
    assert errors(repo.check(), AWARDED)  # and the earlier awards do not match it


def test_a_logo_the_profile_did_not_have_is_not_recorded(repo: Repo) -> None:
    _rebrand(repo, _entry(logo="https://acme.example/logo.png"))
    [problem] = errors(repo.check(), FORMER_CODE)
    assert problem.field == "former_profiles[0].logo"
    assert "its logo was not set" in problem.message


def test_until_is_not_in_the_future_nor_before_the_previous_entry(repo: Repo) -> None:
    tomorrow = (NOW + dt.timedelta(days=2)).date().isoformat()
    _rebrand(repo, _entry(until=tomorrow))
    [problem] = errors(repo.check(), FORMER_CODE)
    assert problem.field == "former_profiles[0].until"
    assert "is in the future" in problem.message


def test_former_profiles_only_grow_at_the_end(repo: Repo) -> None:
    _rebrand(repo, _entry(until="2025-01-31"))
    commit_all(repo.root, "rebrand")
    base = repo.read(ISSUER)
    second = _entry(until="2025-01-01", name="Acme Institute of Data", url="https://data.acme.example")
    # A second rebrand whose `until` is before the first's: the model's order rule and the PR rule both say so.
    repo.edit(ISSUER, "name: Acme Institute of Data\n", "name: Acme Data School\n")
    repo.write(ISSUER, repo.read(ISSUER) + second)
    report = repo.check()
    assert "before the previous former profile's (2025-01-31)" in " ".join(shown(errors(report, FORMER_CODE)))
    assert any("former profiles are in order of `until`" in p for p in shown(errors(report)))
    # Edited, then removed.
    repo.write(ISSUER, base.replace("until: 2025-01-31", "until: 2025-01-30"))
    [edited] = errors(repo.check(), FORMER_CODE)
    assert edited.field == "former_profiles[0]"
    assert edited.message.startswith("a former profile never changes")
    repo.write(ISSUER, base[: base.index("former_profiles:")])
    [removed] = errors(repo.check(), FORMER_CODE)
    assert "former profiles are never removed" in removed.message
    # Two at once: one rebrand per change.
    repo.write(ISSUER, base + second.replace("2025-01-01", YESTERDAY) * 2)
    repo.edit(ISSUER, "name: Acme Institute of Data\n", "name: Acme Data School\n")
    assert [p.field for p in errors(repo.check(), FORMER_CODE)] == ["former_profiles[2]"]


def test_a_new_issuer_has_no_former_profile(repo: Repo) -> None:
    text = repo.read(ISSUER).replace("id: acme-academy", "id: gamma-school").replace("Acme Academy", "Gamma")
    repo.write("registry/issuers/gamma-school/issuer.yaml", text + "former_profiles:\n" + _entry())
    found = errors(repo.check("reg-admin"), FORMER_CODE)
    assert [p.field for p in found] == ["former_profiles[0]"], shown(found)
    assert "a new issuer has no former profile" in found[0].message
