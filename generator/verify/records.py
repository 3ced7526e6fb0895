"""What an award of this registry may say about its issuer and achievement: exactly the registry's records.

An award carries its issuer's ``Profile`` and its ``Achievement`` as the signer wrote them. A registered
issuer's key proves only that *this issuer* signed it, not that the names inside are true: with
``issuer.name`` "Northbridge University" and an achievement renamed "MSc Data Science (Distinction)" (its ``id``
still the signer's own credential), a signature check alone would show "Valid … signed by Northbridge
University". So every award of this registry must say what :mod:`generator.openbadges` builds from the records
(the same code ``credreg award`` signs with):

* ``issuer`` is :func:`~generator.openbadges.issuer_profile` of the issuer, exactly (id, type, name, url,
  email, image);
* **tolerance for rebrands**: an issuer may change its name, website, email or logo, recording the profile it
  replaces in ``former_profiles`` (append-only, :mod:`generator.governance.history`). An award already in the
  registry may carry one of those former profiles instead (:func:`former_issuers`, built by the same
  ``issuer_profile``, so its id and type are the current ones), as its issuer and as its achievement's
  ``creator``, if it was signed while that profile was current: no proof ``created`` after the end (UTC) of
  its ``until`` day (the same profile recorded twice: either entry). There is no lower bound: an entry records
  when a profile ended, not when it began, and an award the current profile covers must not be refused once a
  later rebrand makes that profile a former one. New awards (``current_only``) carry the current profile;
* ``credentialSubject.achievement`` is :func:`~generator.openbadges.achievement` of the definition, exactly,
  and the award's ``name`` is the definition's name;
* **tolerance for definition versions**: a definition changes over time (its ``version`` is in the
  achievement) while awards signed before stay in the registry, and the registry keeps no copy of earlier
  versions. An award naming an *earlier* version than the current one must still match what a version cannot
  change — :data:`FIXED_FIELDS` (id, type, achievementType, name, creator) — while the rest (description,
  criteria, skills, tags, image, …) is what that version said. Only awards already in the registry can be in
  that state: new awards (the PR check, ``current_only``) must match the current version exactly, an award that
  is not in the registry is never valid (:class:`~generator.verify.policies.RegisteredPolicy`), and the
  browser says valid only for an award the build published as it is.

The rules are used by the full check, the PR check and ``credreg verify`` (through
:mod:`generator.verify.policies`); the build publishes the same records for the browser
(:func:`published_records`), whose ``policies.js`` applies the same rules to them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from generator.crypto.jcs import canonicalize, equals_canonical
from generator.errors import CryptoError
from generator.openbadges import achievement, issuer_profile
from generator.registry import IssuerRecord, Registry
from generator.verify.keys import signing_times

__all__ = [
    "FIXED_FIELDS",
    "Former",
    "achievement_problems",
    "canonical_or_none",
    "expected_achievement",
    "expected_issuer",
    "former_issuers",
    "issuer_problems",
    "late_former",
    "published_records",
]

#: Achievement fields that are the same in every version of a definition.
FIXED_FIELDS = ("id", "type", "achievementType", "name", "creator")

_VERSION = re.compile(r"^[0-9]+(?:\.[0-9]+){0,2}\Z")


def expected_issuer(registry: Registry, record: IssuerRecord) -> dict[str, Any]:
    """The issuer ``Profile`` every award of ``record`` must carry."""
    return issuer_profile(registry, record.issuer)


@dataclass(frozen=True, slots=True)
class Former:
    """A former profile of an issuer, as the awards signed before its rebrand carry it."""

    until: str
    """The last day it was used (ISO date): awards signed by the end of that day (UTC) may carry it."""
    profile: dict[str, Any]
    canonical: bytes | None
    """Its JCS bytes: an award's profile is compared with them."""


def former_issuers(registry: Registry, record: IssuerRecord) -> tuple[Former, ...]:
    """The profiles of ``record``'s ``former_profiles`` (oldest first), which awards already in the registry may
    carry instead of the current one."""
    out = []
    for entry in record.issuer.former_profiles:
        profile = issuer_profile(registry, record.issuer, entry)
        out.append(Former(entry.until.isoformat(), profile, canonical_or_none(profile)))
    return tuple(out)


def _former_match(actual: Any, former: Sequence[Former], proofs: Sequence[Any]) -> tuple[int | None, str]:
    """Which of ``former`` ``actual`` is, exactly (``None``: none), and why the award, signed with ``proofs``, may
    not carry it (empty when it may). A profile recorded twice (a return to an earlier brand) may be carried
    while either entry was current; the newest is named otherwise."""
    found, late = None, ""
    if not isinstance(actual, dict):
        return found, late
    for i in range(len(former) - 1, -1, -1):
        entry = former[i]
        if entry.canonical is not None and equals_canonical(actual, entry.canonical):
            why = _signed_after(entry, proofs)
            if not why:
                return i, ""
            if found is None:
                found, late = i, why
    return found, late


def late_former(actual: Any, former: Sequence[Former], proofs: Sequence[Any]) -> int | None:
    """The index in ``former`` of the former profile ``actual`` is, when the award (signed with ``proofs``) was
    signed after it was replaced; ``None`` otherwise."""
    found, late = _former_match(actual, former, proofs)
    return found if late else None


def _signed_after(entry: Former, proofs: Sequence[Any]) -> str:
    """Why an award signed with ``proofs`` was not signed while ``entry`` was current (empty when it was): its
    signing time (:func:`~generator.verify.keys.signing_times`, the key window's reading) after the end of the
    ``until`` day, in UTC. An unreadable or missing time is never within it."""
    times = list(signing_times(proofs))
    if not times:
        return "but the award has no proof to say when it was signed"
    for created, when in times:
        if when is None:
            return "but a proof has no valid 'created' time, so when the award was signed cannot be told"
        signed = when.astimezone(dt.UTC).date().isoformat()
        if signed > entry.until:
            return f"but the award was signed on {signed} (UTC; proof created {created}), after it was replaced"
    return ""


def _former_refusal(who: str, entry: Former, late: str) -> str:
    """Why ``who`` (former profile ``entry``, ``late``) is refused; policies.js formerRefusal says the same."""
    return (
        f"{who} former profile '{entry.profile.get('name')}' (used until {entry.until}), {late}: an award carries "
        "a former profile only if it was signed while that profile was current"
    )


def expected_achievement(registry: Registry, record: IssuerRecord, slug: str) -> dict[str, Any]:
    """The ``Achievement`` an award of credential ``slug`` of ``record`` must carry (its current version)."""
    return achievement(registry, record.issuer, record.credentials[slug].model)


def _version(value: Any) -> tuple[int, ...] | None:
    return _parse_version(value) if isinstance(value, str) else None


@functools.lru_cache(maxsize=1024)  # a registry has few versions, and every award is compared by its version
def _parse_version(value: str) -> tuple[int, ...] | None:
    if not _VERSION.match(value):
        return None
    parts = tuple(int(p) for p in value.split("."))
    return parts + (0,) * (3 - len(parts))


def canonical_or_none(value: Any) -> bytes | None:
    """The JCS bytes of ``value``, or ``None`` when it has none."""
    try:
        return canonicalize(value)
    except (CryptoError, RecursionError):  # hostile nesting: equal to nothing
        return None


_json = canonical_or_none


def _differing(
    actual: Any, expected: dict[str, Any], fields: tuple[str, ...] | None = None, *, whole: bytes | None = None
) -> list[str]:
    """The fields that differ, as JSON (in Python ``1 == 1.0 == True``; in JSON, and in the browser, not).

    ``whole``: the JCS bytes of ``expected``, when the caller has them. Comparing all fields (``fields`` is
    ``None``) then starts with one comparison of the whole object: a registry's awards almost always match, and
    two objects whose JCS bytes are equal have the same members with equal JCS bytes."""
    if not isinstance(actual, dict):
        return ["(not an object)"]
    if fields is None and whole is not None and equals_canonical(actual, whole):
        return []
    keys = fields if fields is not None else tuple(sorted(actual.keys() | expected.keys()))
    out = []
    for k in keys:
        if (k in actual) != (k in expected):
            out.append(k)
            continue
        ours = _json(actual.get(k))
        if ours is None or ours != _json(expected.get(k)):
            out.append(k)
    return out


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def issuer_problems(
    issuer: Any,
    expected: dict[str, Any],
    issuer_id: str,
    *,
    expected_json: bytes | None = None,
    former: Sequence[Former] = (),
    proofs: Sequence[Any] = (),
    current_only: bool = False,
) -> list[str]:
    """Why the award's ``issuer`` is not the registry's profile of ``issuer_id`` (empty when it is).

    ``expected_json``: the JCS bytes of ``expected``, when known (a faster way to the same answer). ``former``:
    the issuer's former profiles (:func:`former_issuers`), which an award signed while one was current (its
    ``proofs``) may carry, unless ``current_only`` (new awards). The current profile is compared first: most
    awards carry it, and they cost nothing more."""
    fields = _differing(issuer, expected, whole=expected_json)
    if not fields:
        return []
    if not isinstance(issuer, dict):
        return [f"the issuer must be {issuer_id}'s profile as registered"]
    first = fields[0]
    match, late = _former_match(issuer, former, proofs)
    if match is not None and current_only:
        return [
            f"the issuer is {issuer_id}'s former profile (used until {former[match].until}), but new awards must "
            f"carry its current profile ({first}: {_shown(issuer.get(first))}, registered: "
            f"{_shown(expected.get(first))})"
        ]
    if match is not None:
        return [_former_refusal(f"the issuer is {issuer_id}'s", former[match], late)] if late else []
    return [
        f"the issuer's {', '.join(fields)} differ{'s' if len(fields) == 1 else ''} from {issuer_id}'s registered "
        f"profile ({first}: {_shown(issuer.get(first))}, registered: {_shown(expected.get(first))})"
    ]


def achievement_problems(
    actual: Any,
    name: Any,
    expected: dict[str, Any],
    ref: str,
    *,
    current_only: bool = False,
    expected_json: bytes | None = None,
    former: Sequence[Former] = (),
    proofs: Sequence[Any] = (),
) -> list[str]:
    """Why the award's achievement (and its ``name``) is not what the registry defines as ``ref``.

    ``current_only``: the award must carry the current version (new awards), and its issuer's current profile as
    ``creator``; otherwise an earlier version, and a ``creator`` that is one of the issuer's ``former`` profiles
    (current when the award's ``proofs`` were made), are tolerated as the module docstring says.
    ``expected_json``: the JCS bytes of ``expected``, when known.
    """
    out = []
    expected_name = _json(expected["name"])
    same_name = _json(name) is None if expected_name is None else equals_canonical(name, expected_name)
    if not same_name:
        out.append(f"the award's name {_shown(name)} is not the name of {ref} ({_shown(expected['name'])})")
    if not isinstance(actual, dict):
        return [*out, f"the achievement must be {ref} as defined in this registry"]
    ours, current = _version(actual.get("version")), _version(expected.get("version"))
    older = ours is not None and current is not None and ours < current
    if older and current_only:
        out.append(
            f"the achievement is version {actual.get('version')} of {ref}, but new awards must carry the current "
            f"version ({expected.get('version')})"
        )
        return out
    fields = _differing(actual, expected, FIXED_FIELDS if older else None, whole=expected_json)
    if "creator" in fields and not current_only:
        match, late = _former_match(actual.get("creator"), former, proofs)
        if match is not None:
            fields.remove("creator")
            if late:
                out.append(_former_refusal("the achievement's creator is its issuer's", former[match], late))
    if fields:
        first = fields[0]
        which = f"version {actual.get('version')} of {ref}" if older else f"{ref} as defined in this registry"
        out.append(
            f"the achievement's {', '.join(fields)} differ{'s' if len(fields) == 1 else ''} from {which} "
            f"({first}: {_shown(actual.get(first))}, registered: {_shown(expected.get(first))})"
        )
    return out


def published_records(registry: Registry, issuer_id: str) -> dict[str, Any]:
    """The records the browser compares awards with (``verify/issuers/<issuer>.json``)."""
    record = registry.issuers[issuer_id]
    return {
        "issuer": issuer_id,
        "profile": expected_issuer(registry, record),
        "former_profiles": [{"until": f.until, "profile": f.profile} for f in former_issuers(registry, record)],
        "credentials": {slug: expected_achievement(registry, record, slug) for slug in sorted(record.credentials)},
        "fixed_fields": list(FIXED_FIELDS),
    }
