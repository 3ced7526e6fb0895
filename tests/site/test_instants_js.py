# ruff: noqa: F811
"""The clock against a validity window, on the page and in Python: the same verdict at every boundary.

Python reads ``validFrom``/``validUntil`` to the microsecond and compares its clock with them; the page's clock
is a ``Date`` (whole milliseconds), and it compares it with the same instants to the microsecond, so that an
award, a status list or an endorsement that comes into force (or expires) within a millisecond gets one
verdict. Real signatures, a real published site, the page's own modules in Node.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from generator._internal.times import CLOCK_SKEW, parse_time
from generator.awarding.keys import SigningKey, load_signing_key
from generator.awarding.signing import sign_document
from generator.awards import award_filename, award_hash, render_award
from generator.crypto import ed25519
from generator.crypto.multibase import did_key_from_public
from generator.statuslist import new_bitstring, status_list_credential
from generator.verify import Verifier
from tests.conftest import Signer

# The harness's Node verifier, as fixtures (their parameters shadow these names: F811).
from tests.site.node_runner import NODE, NodeRunner
from tests.site.test_statuslist_js import corpus  # noqa: F401
from tests.site.test_statuslist_js import node as statuslist_node  # noqa: F401
from tests.site.test_verify_js import NOW, Node, _ask, assert_agrees, node, publish  # noqa: F401

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

VM = "did:web:registry.test.example:issuers:acme-academy#key-1"
SIGNED_AT = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


def _micros(delta: int) -> str:
    """The instant ``delta`` microseconds from the clock of the tests (NOW), written with seven fraction digits."""
    at = NOW + dt.timedelta(microseconds=delta)
    return f"{at:%Y-%m-%dT%H:%M:%S}.{at.microsecond:06d}0Z"


def _signed(signer: Signer, **dates: str) -> dict[str, Any]:
    """An award of acme-academy with these dates, really signed by its key at its validFrom (as the registry
    signs: Award.signed_at_valid_from), stored in the registry."""
    unsigned = {k: v for k, v in signer.award(at=SIGNED_AT).award.items() if k != "proof"}
    unsigned.update(dates)
    if "validFrom" in dates:
        unsigned["awardedDate"] = dates["validFrom"]  # the registry awards on the day it is valid from
    award = sign_document(unsigned, signer.key, VM, dt.datetime.fromisoformat(unsigned["validFrom"]))
    path = award_filename(signer.root, "acme-academy", award, award_hash(award))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_award(award), encoding="utf-8")
    return award


def _boundaries(ahead: int = 0) -> dict[str, tuple[str, str | None, str]]:
    """name → (validFrom, validUntil, the verdict both give at NOW), a start read as in force ``ahead``
    microseconds before it (a status list's: its signer's clock skew, times.py CLOCK_SKEW)."""
    return {
        "in force half a millisecond after now": (_micros(ahead + 500), None, "not yet valid"),
        "in force a microsecond after now": (_micros(ahead + 1), None, "not yet valid"),
        "in force exactly now": (_micros(ahead), None, "valid"),
        "in force a microsecond before now": (_micros(ahead - 1), None, "valid"),
        **ENDS,
    }


ENDS: dict[str, tuple[str, str | None, str]] = {
    "expires exactly now": ("2025-03-01T00:00:00Z", _micros(0), "valid"),
    "expires a microsecond after now": ("2025-03-01T00:00:00Z", _micros(1), "valid"),
    "expired a microsecond before now": ("2025-03-01T00:00:00Z", _micros(-1), "expired"),
    "expired half a millisecond before now": ("2025-03-01T00:00:00Z", _micros(-500), "expired"),
    "expired in +14:00, a microsecond before now": (
        "2025-03-01T00:00:00Z",
        (NOW - dt.timedelta(microseconds=1)).astimezone(dt.timezone(dt.timedelta(hours=14))).isoformat(),
        "expired",
    ),
}
BOUNDARIES = _boundaries()

_WHOLE = f"{NOW:%Y-%m-%dT%H:%M:%S}Z"  # NOW, as an award writes it


def _now(delta: int) -> str:
    """The clock ``delta`` milliseconds from NOW (the page's clock, a Date, holds whole milliseconds)."""
    return (NOW + dt.timedelta(milliseconds=delta)).isoformat()


#: name → (validFrom, validUntil, the clock, the verdict both give). An award's times are whole seconds in UTC
#: (times.py PUBLISHED_TIME_PATTERN), so the boundaries are the clock's, which moves a millisecond around them.
AWARD_BOUNDARIES: dict[str, tuple[str, str | None, str, str]] = {
    "in force half a second after now": (_WHOLE, None, _now(-500), "not yet valid"),
    "in force a millisecond after now": (_WHOLE, None, _now(-1), "not yet valid"),
    "in force exactly now": (_WHOLE, None, _now(0), "valid"),
    "in force a millisecond before now": (_WHOLE, None, _now(1), "valid"),
    "expires exactly now": ("2025-03-01T00:00:00Z", _WHOLE, _now(0), "valid"),
    "expires a millisecond after now": ("2025-03-01T00:00:00Z", _WHOLE, _now(-1), "valid"),
    "expired a millisecond before now": ("2025-03-01T00:00:00Z", _WHOLE, _now(1), "expired"),
    "expired half a second before now": ("2025-03-01T00:00:00Z", _WHOLE, _now(500), "expired"),
}


def test_an_award_at_a_boundary_of_its_window_gets_one_verdict(node: Node, signer: Signer, tmp_path: Path) -> None:
    awards = {
        name: _signed(signer, validFrom=start, **({"validUntil": end} if end else {}))
        for name, (start, end, _, _) in AWARD_BOUNDARIES.items()
    }
    registry = signer.registry
    site = publish(registry, tmp_path / "site")
    verifier = Verifier(registry)
    for name, award in awards.items():
        now = AWARD_BOUNDARIES[name][2]
        expected = verifier.verify(award, now=dt.datetime.fromisoformat(now))
        assert str(expected.verdict) == AWARD_BOUNDARIES[name][3], (name, [c.as_dict() for c in expected.checks])
        for request in ({"hash": award_hash(award)}, {"text": json.dumps(award)}):
            reply = node.ask(op="verify", root=f"{site}/", now=now, **request)
            assert_agrees(expected, reply, f"{name} ({next(iter(request))})")


def test_an_award_in_microseconds_or_an_offset_is_malformed_in_both(node: Node, signer: Signer, tmp_path: Path) -> None:
    """The microsecond instants the page once had to compare: now refused by the profile, in both verifiers."""
    awards = {name: _signed(signer, validFrom=start) for name, (start, _, _) in BOUNDARIES.items() if not _is_end(name)}
    awards |= {
        name: _signed(signer, validFrom="2025-03-01T00:00:00Z", validUntil=end)
        for name, (_, end, _) in ENDS.items()
        if end is not None
    }
    registry = signer.registry
    site = publish(registry, tmp_path / "site")
    verifier = Verifier(registry)
    for name, award in awards.items():
        expected = verifier.verify(award, now=NOW)
        assert str(expected.verdict) == "invalid", name
        assert "must be whole seconds in UTC" in expected.check("structure").reason, name  # type: ignore[union-attr]
        assert_agrees(expected, _ask(node, site, text=json.dumps(award)), name)


def _is_end(name: str) -> bool:
    return name in ENDS


# --- a status list given on its own ---------------------------------------------------------------------------


def test_a_status_list_at_a_boundary_of_its_window_gets_one_verdict(
    statuslist_node: NodeRunner, corpus: dict[str, Any]
) -> None:
    registry, site = corpus["registry"], corpus["site"]
    key = load_signing_key(site.parent / "private-keys" / "acme-academy-key-1.key", root=registry.root)
    did = registry.issuer_did("acme-academy")
    verifier = Verifier(registry)

    # A list's times are whole seconds in UTC, each proof created at validFrom (verify/status.py _times_problem):
    # its boundaries are a second apart, read as in force CLOCK_SKEW before its start; a fraction is refused alike.
    def at(delta: dt.timedelta) -> str:
        return f"{NOW + delta:%Y-%m-%dT%H:%M:%S}Z"

    second, day = dt.timedelta(seconds=1), dt.timedelta(days=1)
    boundaries = {
        "in force a second after now": (at(CLOCK_SKEW + second), None, "not yet valid"),
        "in force exactly now": (at(CLOCK_SKEW), None, "valid"),
        "in force a second before now": (at(CLOCK_SKEW - second), None, "valid"),
        "expires exactly now": (at(-day), at(dt.timedelta(0)), "valid"),
        "expired a second before now": (at(-day), at(-second), "expired"),
        "in force exactly now, with a fraction": (at(CLOCK_SKEW).replace("Z", ".0Z"), None, "invalid"),
    }
    for name, (start, end, verdict) in boundaries.items():
        unsigned = status_list_credential(
            list_url=registry.status_list_url("acme-academy", 1),
            issuer_did=did,
            bitstring=new_bitstring(),
            valid_from=SIGNED_AT,
        )
        unsigned["validFrom"] = start
        if end is not None:
            unsigned["validUntil"] = end
        doc = sign_document(unsigned, key, f"{did}#key-1", parse_time(start) or SIGNED_AT)
        python = verifier.verify(doc, now=NOW)
        assert str(python.verdict) == verdict, (name, python.as_dict())
        js = statuslist_node.ask(root=f"{site}/", now=NOW.isoformat(), text=json.dumps(doc))
        assert js["verdict"] == verdict, (name, js)
        assert js["headline"]["text"] == python.headline().text, name


# --- years before 1000 ----------------------------------------------------------------------------------------


def test_a_key_valid_from_a_year_before_1000_bounds_its_signatures_alike(
    node: Node, signer: Signer, tmp_path: Path
) -> None:
    """A key file's times may name any year from 0001. The build wrote them with strftime's ``%Y``, which writes
    year 999 as "999": keys.json then held no date-time, and the page read every signature of the key as made
    before it became valid, while credreg verify found the award valid."""
    key_file = signer.root / "keys/acme-academy/key-1.json"
    key = json.loads(key_file.read_text()) | {"created": "0999-01-01T00:00:00Z", "valid_from": "0999-01-01T00:00:00Z"}
    key_file.write_text(json.dumps(key, indent=2) + "\n")
    issued = signer.award(at=SIGNED_AT)
    registry = signer.registry
    site = publish(registry, tmp_path / "site")
    expected = Verifier(registry).verify(issued.award, now=NOW)
    assert str(expected.verdict) == "valid", [c.as_dict() for c in expected.checks]
    for request in ({"hash": issued.hash}, {"text": json.dumps(issued.award)}):
        assert_agrees(expected, _ask(node, site, **request), str(request)[:40])


def test_a_date_before_year_1000_is_said_alike(node: Node, signer: Signer, tmp_path: Path) -> None:
    """Python said "expired on 99-12-31" (strftime's %Y) where the page said "expired on 0099-12-31"."""
    seed = ed25519.generate_seed()
    did = did_key_from_public(ed25519.public_from_seed(seed))
    unsigned = {k: v for k, v in signer.award(at=SIGNED_AT).award.items() if k not in ("proof", "credentialStatus")}
    unsigned |= {
        "issuer": {"id": did, "type": ["Profile"], "name": "Someone"},
        "validFrom": "0090-01-01T00:00:00Z",
        "validUntil": "0099-12-31T00:00:00Z",
    }
    foreign = sign_document(unsigned, SigningKey("x", "x", seed), f"{did}#{did.removeprefix('did:key:')}", SIGNED_AT)
    site = publish(signer.registry, tmp_path / "site")
    expected = Verifier(signer.registry).verify(foreign, now=NOW)
    validity = expected.check("validity")
    assert validity is not None
    assert validity.reason == "expired on 0099-12-31", validity.reason
    reply = _ask(node, site, text=json.dumps(foreign))
    assert reply["checks"]["validity"] == [str(validity.status), validity.reason]
    assert reply["headline"]["text"] == expected.headline().text


def test_a_key_time_written_in_another_offset_is_said_on_the_same_day(
    node: Node, signer: Signer, tmp_path: Path
) -> None:
    """keys.json gives the page a key's times in UTC; Python said the day of the key file's own offset: a key revoked
    at 2025-03-01T01:00:00+02:00 was "revoked (2025-03-01 …)" for credreg verify and "(2025-02-28 …)" on the page."""
    issued = signer.award(at=SIGNED_AT)
    key_file = signer.root / "keys/acme-academy/key-1.json"
    key = json.loads(key_file.read_text()) | {
        "revoked_at": "2025-03-01T01:00:00+02:00",
        "revocation_reason": "key compromised",
    }
    key_file.write_text(json.dumps(key, indent=2) + "\n")
    registry = signer.registry
    site = publish(registry, tmp_path / "site")
    expected = Verifier(registry).verify(issued.award, now=NOW)
    check = expected.check("key")
    assert check is not None
    assert check.reason.endswith("after key key-1 was revoked (2025-02-28: key compromised)"), check.reason
    status, reason = _ask(node, site, text=json.dumps(issued.award))["checks"]["key"]
    assert status == str(check.status)
    assert reason == check.reason  # the same words as credreg verify
