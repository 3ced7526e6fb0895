"""Every model's own rules: what a valid file looks like and what each validator refuses."""

from __future__ import annotations

import base64
import contextlib
import copy
import re
import time
from typing import Any
from urllib.parse import quote

import pytest
from pydantic import ValidationError

from generator._internal.times import PUBLISHED_TIME_PATTERN
from generator.models import CredentialDefinition, Governance, Issuer, PublicKey
from generator.models.award import MAX_EVIDENCE_URL, Award, RevocationEntry, _no_recipient_data

DEFINITION: dict[str, Any] = {
    "id": "sql",
    "name": "SQL",
    "summary": "Query data.",
    "description": "Write queries.",
    "achievement_type": "MicroCredential",
    "criteria": {"narrative": "Pass.", "assessment": [{"method": "exam"}]},
    "skills": [{"name": "SQL"}],
    "level": {"eqf": 5},
    "effort": {"hours": 10},
    "cost": "free",
    "delivery": "online",
    "languages": ["en"],
    "created": "2025-01-01",
}


def errors(model: type[Any], data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return [(".".join(str(p) for p in e["loc"]), str(e["msg"])) for e in info.value.errors()]


def changed(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(DEFINITION)
    data.update(changes)
    return data


@pytest.mark.parametrize("period", ["P1D", "P6M", "P3Y6M", "P100Y", "P1200M", "P36600D"])
def test_durations_from_a_day_to_a_century_are_accepted(period: str) -> None:
    assert CredentialDefinition.model_validate(changed(validity={"period": period})).validity.period == period


def test_minimal_definition_and_defaults() -> None:
    model = CredentialDefinition.model_validate(DEFINITION)
    assert model.status == "active"
    assert model.version == "1.0"
    assert model.validity.period is None
    with pytest.raises(ValidationError):
        model.name = "changed"  # type: ignore[misc]  # loaded data is immutable


@pytest.mark.parametrize(
    ("changes", "where", "words"),
    [
        ({"level": {}}, "level", "give eqf, proficiency, or both"),
        ({"level": {"eqf": 9}}, "level.eqf", "less than or equal to 8"),
        ({"cost": {"amount": -1, "currency": "EUR"}}, "cost.Price.amount", "greater than or equal to 0"),
        ({"cost": "gratis"}, "cost.literal['free']", "Input should be 'free'"),
        ({"effort": {"hours": 10, "duration": "6 weeks"}}, "effort.duration", "String should match pattern"),
        ({"effort": {"hours": 10, "duration": "P0W"}}, "effort.duration", "P0W is a duration of nothing"),
        ({"validity": {"period": "P0Y0M"}}, "validity.period", "P0Y0M is a duration of nothing"),
        # Signed into every award: a value other RDFC verifiers canonicalize otherwise could never be awarded.
        ({"effort": {"hours": 10, "ects": 1e-7}}, "effort.ects", "at most two decimal places (e.g. 7.5), not 1e-07"),
        ({"effort": {"hours": 10, "ects": 2.123}}, "effort.ects", "at most two decimal places"),
        # Every page writes hours whole (never rounded, never in exponent form): 1e-300 was a 300-digit figure.
        ({"effort": {"hours": 1e-300}}, "effort.hours", "greater than or equal to 0.01"),
        # A date plus this has no calendar date for `credreg award` to write.
        ({"validity": {"period": "P99999999Y"}}, "validity.period", "P99999999Y is longer than 100 years"),
        ({"validity": {"period": "P36601D"}}, "validity.period", "P36601D is longer than 100 years"),
        ({"languages": ["en", "en"]}, "languages", "listed more than once: en"),
        ({"stacking": {"rule": "n-of-m", "components": ["a", "b"]}}, "stacking", "rule n-of-m needs n"),
        ({"stacking": {"rule": "n-of-m", "n": 3, "components": ["a", "b"]}}, "stacking", "only 2 components"),
        (
            {"stacking": {"rule": "all-of", "n": 1, "components": ["a", "b"]}},
            "stacking",
            "n only applies to rule n-of-m",
        ),
        ({"stacking": {"rule": "all-of", "components": ["a"]}}, "stacking.components", "at least 2 items"),
        ({"superseded_by": "sql-v2"}, "superseded_by", "a superseded credential cannot be active"),
        ({"supersedes": "sql"}, "supersedes", "a credential cannot supersede itself"),
        ({"updated": "2024-12-31"}, "updated", "is before created (2025-01-01)"),
        ({"summary": "two\nlines"}, "summary", "String should match pattern"),
        ({"skils": []}, "skils", "Extra inputs are not permitted"),
        ({"translations": {"de": {"nmae": "SQL"}}}, "translations.de.nmae", "Extra inputs are not permitted"),
        ({"translations": {"de": {}}}, "translations.de", "give at least one of name, summary"),
        ({"translations": {"German": {"name": "SQL"}}}, "translations.German.[key]", "String should match pattern"),
        ({"translations": {"en": {"name": "SQL"}}}, "translations", "'en' is the language of the definition's own"),
        ({"translations": {"de": {"summary": "zwei\nZeilen"}}}, "translations.de.summary", "should match pattern"),
    ],
)
def test_definition_rules(changes: dict[str, Any], where: str, words: str) -> None:
    found = errors(CredentialDefinition, changed(**changes))
    assert any(loc == where and words in msg for loc, msg in found), found


def test_assessment_weights_must_cover_every_part_and_sum_to_100() -> None:
    criteria = {
        "narrative": "x",
        "assessment": [{"method": "exam", "weight": 60}, {"method": "project", "weight": 30}],
    }
    assert errors(CredentialDefinition, changed(criteria=criteria)) == [
        ("criteria", "Value error, assessment weights must be given for every part and add up to 100")
    ]
    criteria["assessment"][1]["weight"] = 40
    CredentialDefinition.model_validate(changed(criteria=criteria))


GOVERNANCE = {"name": "R", "description": "d", "site_url": "https://r.example/", "maintainers": ["a"]}


@pytest.mark.parametrize(
    ("site_url", "words"),
    [
        ("https://r.example", "must end with '/'"),
        ("http://r.example/", "String should match pattern"),
        ("https://r.example/?x=1/", "must not have a query or fragment"),
        ("https://user:pw@r.example/", "may not name a user before its host"),
        # Its did:web names are every issuer's default DID: in one spelling, as a body's own did:web must be
        # (a body declaring did:web:r.example:issuers:acme took acme's identity, did:web:R.Example:issuers:acme).
        ("https://R.Example/", "write its host in lowercase"),
        # Every did:web escapes its segments once more (my%2520reg), naming another folder than the site's.
        ("https://r.example/my%20reg/", "its path may not hold a percent-escape"),
    ],
)
def test_governance_site_url(site_url: str, words: str) -> None:
    found = errors(Governance, {**GOVERNANCE, "site_url": site_url})
    assert any(words in msg for _, msg in found), found


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://data.r.example/verify", "must end with '/'"),
        ("http://data.r.example/verify/", "must be an https URL"),
        ("ftp://localhost/", "must be an https URL"),
        ("https://data.r.example/?x=1/", "must not have a query"),
        ("https://u:p@data.r.example/", "may not name a user before its host"),
        # credreg verify (log.py LogSource) read <data_url>log/… with the trailing slashes made one, a browser with
        # them as written, and a browser drops a dot segment, escaped too, where urllib sends it: on an object
        # store each is another key, so the page and credreg verify read different files of the data host.
        ("https://data.r.example/verify//", "may not hold an empty, '.' or '..' segment"),
        ("https://data.r.example//verify/", "may not hold an empty, '.' or '..' segment"),
        ("https://data.r.example/a/../verify/", "may not hold an empty, '.' or '..' segment"),
        ("https://data.r.example/a/%2E%2e/verify/", "may not hold an empty, '.' or '..' segment"),
        ("https://data.r.example/./", "may not hold an empty, '.' or '..' segment"),
    ],
)
def test_governance_verification_data_url(url: str, words: str) -> None:
    found = errors(Governance, {**GOVERNANCE, "verification_data_url": url})
    assert any(words in msg for _, msg in found), found


@pytest.mark.parametrize("url", ["https://data.r.example/verify/", "http://127.0.0.1:8123/", "http://localhost/d/"])
def test_governance_verification_data_url_accepted(url: str) -> None:
    assert Governance.model_validate({**GOVERNANCE, "verification_data_url": url}).verification_data_url == url
    assert Governance.model_validate(GOVERNANCE).verification_data_url is None


def _with_url(kind: str, url: str) -> tuple[type[Any], dict[str, Any], str]:
    """A model, valid data with ``url`` in one of its URL fields, and that field's error location."""
    alignment = {"framework": "ESCO", "code": "c", "url": url}
    return {
        "site_url": (Governance, {**GOVERNANCE, "site_url": url.rstrip("/") + "/"}, "site_url"),
        "repository": (Governance, {**GOVERNANCE, "repository": url}, "repository"),
        "verification_data_url": (
            Governance,
            {**GOVERNANCE, "verification_data_url": url.rstrip("/") + "/"},
            "verification_data_url",
        ),
        "issuer url": (Issuer, {**ISSUER, "url": url}, "url"),
        "alignment url": (
            CredentialDefinition,
            changed(skills=[{"name": "SQL", "alignment": alignment}]),
            "skills.0.alignment.url",
        ),
        "quality assurance url": (
            CredentialDefinition,
            changed(quality_assurance=[{"kind": "accredited", "by": "Agency", "url": url}]),
            "quality_assurance.0.url",
        ),
    }[kind]


_URL_FIELDS = [
    "site_url",
    "repository",
    "verification_data_url",
    "issuer url",
    "alignment url",
    "quality assurance url",
]


@pytest.mark.parametrize("port", ["99999", "65536", "0", "", "080", "8o", "-1"])
@pytest.mark.parametrize("kind", _URL_FIELDS)
def test_every_url_field_refuses_an_impossible_port(kind: str, port: str) -> None:
    model, data, where = _with_url(kind, f"https://r.example:{port}")
    found = errors(model, data)
    assert (
        where,
        f"Value error, the port must be a number from 1 to 65535, without leading zeros (is {port!r})",
    ) in found


@pytest.mark.parametrize("port", ["1", "443", "8443", "65535"])
@pytest.mark.parametrize("kind", _URL_FIELDS)
def test_every_url_field_takes_a_port_in_range(kind: str, port: str) -> None:
    model, data, _ = _with_url(kind, f"https://r.example:{port}")
    model.model_validate(data)
    ipv6 = _with_url(kind, "https://[2001:db8::1]:8443")  # an IPv6 host's colons are not a port
    if kind == "verification_data_url":  # ... but a Content-Security-Policy cannot name it (tests/browser)
        assert any("Content-Security-Policy" in msg for _, msg in errors(ipv6[0], ipv6[1])), errors(*ipv6[:2])
    else:
        model.model_validate(ipv6[1])


@pytest.mark.parametrize("kind", ["site_url", "repository", "verification_data_url"])  # printed unescaped
@pytest.mark.parametrize("host", ["r..example", ".r.example", "r.example.", "999.1.1.1", "1.2.3"])
def test_every_url_field_refuses_a_host_browsers_would_not_open(kind: str, host: str) -> None:
    """An empty label, or a name ending in a number that is not an IPv4 address (browsers read it as one, and
    refuse it or open another address), or an IPv6 literal that does not parse."""
    model, data, where = _with_url(kind, f"https://{host}")
    why = ("is not a domain name or an IP address", "should match pattern")  # '.r.example': the https pattern's
    assert any(loc == where and any(w in msg for w in why) for loc, msg in errors(model, data)), errors(model, data)


# URLs that read as one address and open another: an employer reads the issuer page's "Website", a wallet the
# award's issuer.url. Each is one way in: a user before the host, a backslash (browsers read it as '/', Python's
# urlsplit does not), a bidi override, a host in another script (Cyrillic 'а').
MISLEADING_URLS = {
    "https://www.mit.edu@evil.example/": "may not name a user before its host",
    "https://evil.example\\@www.mit.edu/": "may not hold a backslash",
    "https://acme.example/\u202elmth.xedni": "invisible or control character U+202E",
    "https://acme.example/\x01": "invisible or control character U+0001",
    "https://\u0430cme.example/": "write the host in its ASCII form (xn--cme-5cd.example)",
}


@pytest.mark.parametrize(("url", "words"), MISLEADING_URLS.items())
@pytest.mark.parametrize("kind", _URL_FIELDS)
def test_every_url_field_refuses_a_url_that_reads_as_another(kind: str, url: str, words: str) -> None:
    model, data, where = _with_url(kind, url.rstrip("/"))
    found = [message for loc, message in errors(model, data) if loc == where]
    assert any(words in message for message in found), found


@pytest.mark.parametrize(("url", "words"), MISLEADING_URLS.items())
def test_an_image_url_is_refused_alike(url: str, words: str) -> None:
    for model, data, where in (
        (Issuer, {**ISSUER, "logo": url + "logo.png"}, "logo"),
        (CredentialDefinition, {**DEFINITION, "image": url + "badge.png"}, "image"),
    ):
        found = [message for loc, message in errors(model, data) if loc == where]
        assert any(words in message for message in found), found


@pytest.mark.parametrize(
    "url", ["https://mastodon.social/@acme", "https://xn--cme-5cd.example/", "https://de.wikipedia.org/wiki/Köln"]
)
@pytest.mark.parametrize("kind", _URL_FIELDS)
def test_a_url_with_an_at_in_its_path_or_letters_beyond_ascii_after_its_host_is_fine(kind: str, url: str) -> None:
    model, data, _ = _with_url(kind, url)
    model.model_validate(data)


def test_governance_maintainers_unique_case_insensitively() -> None:
    found = errors(Governance, {**GOVERNANCE, "maintainers": ["Alice", "alice"]})
    assert found == [("maintainers", "Value error, listed more than once: alice")]
    assert Governance.model_validate(GOVERNANCE).review.required_approvals == 1


ISSUER = {
    "id": "acme",
    "name": "Acme",
    "kind": "employer",
    "url": "https://acme.example",
    "email": "hr@acme.example",
    "description": "d",
    "location": {"country": "DE"},
    "maintainers": ["octocat", "acme-org/reviewers"],
}
FORMER = {"until": "2021-01-31", "name": "Acme Old", "url": "https://old.acme.example", "email": "hr@acme.example"}


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"kind": "company"}, "kind"),
        ({"maintainers": ["@octocat"]}, "maintainers.0"),
        ({"maintainers": []}, "maintainers"),
        ({"logo": "../../secret.png"}, "logo"),
        ({"did": "web:acme.example"}, "did"),
        # One identity, one spelling: resolvers read the host case-insensitively.
        ({"did": "did:web:Acme.example"}, "did"),
        ({"did": "did:web:acme.example%3a8443"}, "did"),
        # Other tools resolve a did:key to its one key, never to the keys registered under keys/.
        ({"did": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}, "did"),
        ({"location": {"country": "de"}}, "location.country"),
        # A former profile's fields follow the issuer's own rules.
        ({"former_profiles": [{**FORMER, "email": "not-an-email"}]}, "former_profiles.0.email"),
        ({"former_profiles": [{**FORMER, "logo": "../../secret.png"}]}, "former_profiles.0.logo"),
        ({"former_profiles": [{**FORMER, "url": "http://acme.example"}]}, "former_profiles.0.url"),
        ({"former_profiles": [{**FORMER, "name": "Acme\u200b"}]}, "former_profiles.0.name"),
        ({"former_profiles": [{**FORMER, "kind": "employer"}]}, "former_profiles.0.kind"),
        ({"former_profiles": [{k: v for k, v in FORMER.items() if k != "until"}]}, "former_profiles.0.until"),
        ({"former_profiles": [FORMER, {**FORMER, "until": "2020-12-31"}]}, "former_profiles"),  # in order
    ],
)
def test_issuer_rules(changes: dict[str, Any], where: str) -> None:
    Issuer.model_validate(ISSUER)
    Issuer.model_validate({**ISSUER, "former_profiles": [FORMER, {**FORMER, "logo": "old.svg"}]})
    assert where in [loc for loc, _ in errors(Issuer, {**ISSUER, **changes})]


KEY = {
    "id": "k1",
    "issuer": "acme",
    "type": "Multikey",
    "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    "created": "2025-01-01T00:00:00Z",
    "valid_from": "2025-01-01T00:00:00Z",
}


def test_key_lifecycle_rules() -> None:
    assert PublicKey.model_validate({**KEY, "$schema": "../../schemas/key.schema.json"}).schema_ is not None
    assert errors(PublicKey, {**KEY, "valid_from": "2025-01-01T00:00:00"})[0][0] == "valid_from"  # no time zone
    assert errors(PublicKey, {**KEY, "valid_until": "2024-01-01T00:00:00Z"}) == [
        ("valid_until", "Value error, must be after valid_from (2025-01-01T00:00:00+00:00)")
    ]
    assert errors(PublicKey, {**KEY, "revoked_at": "2025-06-01T00:00:00Z"}) == [
        ("revocation_reason", "Value error, a revoked key needs a revocation_reason")
    ]
    assert errors(PublicKey, {**KEY, "revocation_reason": "x"}) == [
        ("revocation_reason", "Value error, revocation_reason without revoked_at")
    ]


def test_award_profile_requires_both_suites_by_one_key() -> None:
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-01-01T00:00:00Z",
        "verificationMethod": "did:web:x#k1",
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + "2" * 87,
    }
    entry = {"award": "a" * 64, "statusList": 1, "statusListIndex": 3, "revoked": "2025-01-01T00:00:00Z", "reason": "r"}
    assert errors(RevocationEntry, {**entry, "proof": proof}) == [
        ("proof", "Value error, revocations are signed with eddsa-jcs-2022")
    ]
    found = errors(Award, {"proof": [proof, proof]})
    assert ("proof", "Value error, the proof set must hold one eddsa-rdfc-2022 and one eddsa-jcs-2022 proof") in found


IDENTITY = {
    "type": "IdentityObject",
    "hashed": True,
    "identityHash": "sha256$" + "0" * 64,
    "identityType": "emailAddress",
}


def _subject_errors(subject: dict[str, Any]) -> list[tuple[str, str]]:
    found = errors(Award, {"credentialSubject": subject})
    return [(where, msg) for where, msg in found if where.startswith("credentialSubject")]


def test_award_subject_holds_only_the_keyed_hash() -> None:
    """A published salt, or any other recipient data, would let a guess confirm or name the recipient."""
    achievement = {"id": "https://x.example/c/", "type": ["Achievement"], "name": "C", "description": "D",
                   "criteria": {}}  # fmt: skip
    base = {"type": ["AchievementSubject"], "identifier": [IDENTITY], "achievement": achievement}
    assert _subject_errors(base) == []
    [(where, msg)] = _subject_errors({**base, "identifier": [{**IDENTITY, "salt": "0" * 32}]})
    assert where == "credentialSubject.identifier.0"
    assert "salt: a published salt makes the recipient's address guessable" in msg
    for extra in ({"id": "mailto:ada@example.org"}, {"name": "Ada Lovelace"}, {"email": "ada@example.org"},
                  {"id": "did:key:z6Mk"}, {"image": "https://example.org/ada.jpg"}):  # fmt: skip
        found = _subject_errors({**base, **extra})
        assert any(
            w == "credentialSubject" and "holds no recipient data besides the keyed hash" in m for w, m in found
        ), (extra, found)
    plain = _subject_errors({**base, "identifier": [{**IDENTITY, "hashed": False}]})
    assert ("credentialSubject.identifier.0.hashed", "Input should be True") in plain


#: A proof of the profile's shape (its value is not checked here: the models hold shape, not signatures).
JCS_PROOF = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-jcs-2022",
    "created": "2025-01-01T00:00:00Z",
    "verificationMethod": "did:web:x#k1",
    "proofPurpose": "assertionMethod",
    "proofValue": "z" + "2" * 87,
}


def test_no_phone_number_in_a_revocation_reason_or_evidence() -> None:
    """A phone number names its holder as an address does: written internationally (``+`` and the country), or
    as a ``tel:`` link, it is refused in a reason and in evidence; other numbers (a year, a count) are not."""
    proof = dict(JCS_PROOF)
    entry = {"award": "a" * 64, "statusList": 1, "statusListIndex": 3, "revoked": "2025-01-01T00:00:00Z",
             "proof": proof}  # fmt: skip
    for written in ("+44 7700 900123", "+49 (151) 1234-5678", "tel:07700900123", "+4915112345678", "%2B447700900123"):
        [(where, msg)] = errors(RevocationEntry, {**entry, "reason": f"Withdrawn at {written}'s request"})
        assert (where, "must not contain a phone number" in msg) == ("reason", True), (written, msg)
        url = f"https://wa.example.org/{written.replace(' ', '')}"  # a URL has no spaces
        found = errors(Award, {"evidence": [{"id": url, "type": ["Evidence"]}]})
        assert any(w == "evidence.0.id" and "must not contain a phone number" in m for w, m in found), written
    # Spaced as a word processor spaces it (no-break, narrow no-break, a dash), typed in fullwidth forms.
    for written in ("+44\u00a07700\u00a0900123", "+44\u202f7700\u202f900123", "+44\u20137700\u2013900123",
                    "\uff0b\uff14\uff14 7700 900123"):  # fmt: skip
        [(where, msg)] = errors(RevocationEntry, {**entry, "reason": f"Withdrawn at {written}'s request"})
        assert (where, "must not contain a phone number" in msg) == ("reason", True), (written, msg)
    for fine in ("Withdrawn in 2025 after 12 complaints", "Cohort 2024-2025, 1,204 learners", "Score +12 points"):
        RevocationEntry.model_validate({**entry, "reason": fine})
    for url in ("https://github.com/a/b/pull/12345678", "https://x.org/?q=a+12345678", "https://x.org/v/1+2"):
        assert not [m for _, m in errors(Award, {"evidence": [{"id": url, "type": ["Evidence"]}]}) if "phone" in m]


def test_no_email_address_in_a_revocation_reason_or_evidence() -> None:
    proof = dict(JCS_PROOF)
    entry = {"award": "a" * 64, "statusList": 1, "statusListIndex": 3, "revoked": "2025-01-01T00:00:00Z",
             "proof": proof}  # fmt: skip
    RevocationEntry.model_validate({**entry, "reason": "Withdrawn at the holder's request"})
    [(where, msg)] = errors(RevocationEntry, {**entry, "reason": "Withdrawn at ada.lovelace@example.org's request"})
    assert where == "reason"
    assert "must not contain an email address" in msg
    found = errors(Award, {"evidence": [{"id": "https://ada%40x:ada@portfolio.example.org/x", "type": ["Evidence"]}]})
    assert any(w == "evidence.0.id" and "must not contain an email address" in m for w, m in found)
    # However it is written: a URL's escape, escaped again, or a look-alike at sign.
    # An HTML character reference, a full stop anyone (and IDNA) reads as one, an internationalized top-level domain.
    for written in (
        "ada.lovelace%40example.org",
        "ada.lovelace%2540example.org",
        "ada.lovelace\uff20example.org",
        "ada.lovelace&#64;example.org",
        "ada.lovelace&#x40;example&period;org",
        "ada.lovelace&commat;example.org",
        "ada.lovelace&amp;#64;example.org",
        "ada.lovelace%26%2364%3Bexample.org",
        "ada.lovelace&#65312;example.org",
        "ada.lovelace@example\u3002org",
        "ada.lovelace@example%EF%BC%8Eorg",
        "ada.lovelace@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",
        "ada.lovelace@example.\u4e2d\u56fd",
        # base64 and base64url of the address, or of a text holding it, as a portfolio tool's ?u= carries one
        "YWRhLmxvdmVsYWNlQGV4YW1wbGUub3Jn",
        "user-YWRhLmxvdmVsYWNlQGV4YW1wbGUub3Jn",
        "eyJ1c2VyIjoiYWRhLmxvdmVsYWNlQGV4YW1wbGUub3JnIn0",
        "dT1hZGFAZXhhbXBsZS5vcmc%3D",
    ):
        [(where, msg)] = errors(RevocationEntry, {**entry, "reason": f"Withdrawn at {written}'s request"})
        assert (where, "must not contain an email address" in msg) == ("reason", True), written
        found = errors(Award, {"evidence": [{"id": f"https://p.example.org/?u={written}", "type": ["Evidence"]}]})
        assert any(w == "evidence.0.id" and "must not contain an email address" in m for w, m in found), written


def test_no_earners_link_in_a_revocation_reason_or_evidence() -> None:
    """An earner's link holds their recipient key: published, it confirms a guess of their address. A
    prerequisite's link given as evidence is the likely slip; the public link (no ``~``) is evidence like any."""
    digest, key = "e9" * 32, "4b" * 16
    entry = {"award": "a" * 64, "statusList": 1, "statusListIndex": 3, "revoked": "2025-01-01T00:00:00Z",
             "proof": dict(JCS_PROOF)}  # fmt: skip
    for written in (f"#{digest}~{key}", f"?award={digest}%7E{key}", f"?award={digest}%257e{key.upper()}"):
        url = f"https://credentials.example.org/verify/{written}"
        found = errors(Award, {"evidence": [{"id": url, "type": ["Evidence"]}]})
        assert any(w == "evidence.0.id" and "must not contain a recipient key" in m for w, m in found), written
        [(where, msg)] = errors(RevocationEntry, {**entry, "reason": f"Superseded by {url}"})
        assert (where, "must not contain a recipient key" in msg) == ("reason", True), written
    public = f"https://credentials.example.org/verify/#{digest}"
    assert not [
        w for w, _ in errors(Award, {"evidence": [{"id": public, "type": ["Evidence"]}]}) if w.startswith("evidence")
    ]


# --- anchors: Python's ``$`` also matches before a final newline, so every pattern ends with ``\Z`` -------------

ENDINGS = ["\n", "\r\n", "\r"]


@pytest.mark.parametrize("ending", ENDINGS)
@pytest.mark.parametrize(
    ("model", "base", "field", "value"),
    [
        (Issuer, ISSUER, "id", "acme"),  # Slug
        (Issuer, ISSUER, "maintainers", ["octocat"]),  # GitHubHandle
        (Issuer, ISSUER, "maintainers", ["acme-org/reviewers"]),  # GitHubHandle: a team
        (Issuer, ISSUER, "did", "did:web:acme.example"),  # Did
        (Issuer, ISSUER, "url", "https://acme.example"),  # HttpsUrl
        (Issuer, ISSUER, "email", "hr@acme.example"),
        (Issuer, ISSUER, "logo", "logo.svg"),
        (Issuer, ISSUER, "name", "Acme"),  # PlainText
        (Issuer, ISSUER, "location", {"country": "DE"}),  # CountryCode
        (CredentialDefinition, DEFINITION, "id", "sql"),
        (CredentialDefinition, DEFINITION, "image", "images/x.svg"),
        (CredentialDefinition, DEFINITION, "summary", "Query data."),
        (CredentialDefinition, DEFINITION, "languages", ["en"]),  # LanguageTag
        (CredentialDefinition, DEFINITION, "version", "1.0"),
        (CredentialDefinition, DEFINITION, "effort", {"hours": 10, "duration": "P6W"}),  # IsoDuration
        (CredentialDefinition, DEFINITION, "cost", {"amount": 5, "currency": "EUR"}),  # CurrencyCode
        (Governance, GOVERNANCE, "maintainers", ["a"]),
        (Governance, GOVERNANCE, "site_url", "https://r.example/"),
        (PublicKey, KEY, "id", "k1"),
        (PublicKey, KEY, "publicKeyMultibase", KEY["publicKeyMultibase"]),
    ],
)
def test_a_value_ending_in_a_line_break_is_refused(
    model: type[Any], base: dict[str, Any], field: str, value: Any, ending: str
) -> None:
    model.model_validate({**base, field: value})  # the value itself is fine

    def broken(v: Any) -> Any:
        if isinstance(v, str):
            return v + ending
        if isinstance(v, list):
            return [broken(v[0]), *v[1:]]
        key = next(k for k, x in v.items() if isinstance(x, str))
        return {**v, key: v[key] + ending}

    found = errors(model, {**base, field: broken(value)})
    assert any(loc.split(".")[0] == field for loc, _ in found), found


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_translation_language_ending_in_a_line_break_is_refused(ending: str) -> None:
    CredentialDefinition.model_validate(changed(translations={"de": {"name": "SQL"}}))
    found = errors(CredentialDefinition, changed(translations={"de" + ending: {"name": "SQL"}}))
    assert any(loc.startswith("translations") for loc, _ in found), found


def test_the_schemas_keep_ecmascript_anchors() -> None:
    from generator.models._base import SLUG_PATTERN, ecmascript_pattern
    from generator.schema import FileKind, json_schema

    assert SLUG_PATTERN.endswith(r"\Z")
    assert ecmascript_pattern(SLUG_PATTERN) == r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
    assert ecmascript_pattern(r"\AP(?!\Z)x\\Z[\s/$]\Z") == r"^P(?!$)x\\Z[\s/$]$"
    text = "".join(str(json_schema(kind)) for kind in FileKind)
    # No Python-only anchor reaches a JSON Schema.
    assert r"\\Z" not in text
    assert r"\\A" not in text


# --- unseen characters: controls and bidi marks would act on a page, a terminal or a PDF ---------------------

UNSEEN_SAMPLES = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\u200e", "\u202e", "\u2066", "\u2028", "\u2029"]
# Characters that show as nothing: "Acme\u200bAcademy" looks exactly like "AcmeAcademy", "Acme\u3164" like "Acme".
INVISIBLE_SAMPLES = ["\xad", "\u115f", "\u200b", "\u2060", "\u2063", "\u206f", "\u3164", "\ufeff", "\uffa0"]
# Noncharacters: not for interchange, and XML (the Atom feed) cannot hold U+FFFE or U+FFFF at all.
NONCHARACTER_SAMPLES = ["\ufdd0", "\ufdef", "\ufffe", "\uffff"]


@pytest.mark.parametrize("char", UNSEEN_SAMPLES + INVISIBLE_SAMPLES + NONCHARACTER_SAMPLES)
@pytest.mark.parametrize(
    ("model", "base", "field"),
    [
        (Issuer, ISSUER, "name"),  # PlainText
        (Issuer, ISSUER, "description"),  # Markdown
        (CredentialDefinition, DEFINITION, "summary"),  # Summary
        (CredentialDefinition, DEFINITION, "name"),
    ],
)
def test_text_holding_a_control_or_bidi_character_is_refused(
    model: type[Any], base: dict[str, Any], field: str, char: str
) -> None:
    # "Acme \u202eymedacA" reads as "Acme Academy" on a page; "\x1b[2J" clears a terminal.
    found = errors(model, {**base, field: f"Acme {char}Academy"})
    assert any(loc == field for loc, _ in found), found


@pytest.mark.parametrize("char", UNSEEN_SAMPLES + INVISIBLE_SAMPLES + NONCHARACTER_SAMPLES)
def test_a_framework_code_holding_a_control_or_bidi_character_is_refused(char: str) -> None:
    # Not text to the models (a plain string with a pattern), so nothing refused one: the YAML reader leaves a
    # value to its field's rule, and a bidi override in a skill's code reached the pages and every award's
    # targetCode.
    skill = {"name": "SQL", "alignment": {"framework": "ESCO", "code": f"S1.{char}2"}}
    found = errors(CredentialDefinition, changed(skills=[skill]))
    assert any(loc == "skills.0.alignment.code" for loc, _ in found), found


@pytest.mark.parametrize(
    "text",
    [
        "Acme Académie",
        "Akademie für Daten",
        "数据学院",
        "Tab\there",
        "Émoji 🎓",
        "آموزش\u200cها",  # Persian needs the zero-width non-joiner
        "Team 👩\u200d💻 and ❤\ufe0f",  # emoji sequences need the joiner and variation selectors
    ],
)
def test_text_in_any_script_with_tabs_and_emoji_is_accepted(text: str) -> None:
    Issuer.model_validate({**ISSUER, "name": text, "description": f"{text}\n\nMore:\r\n- {text}"})


@pytest.mark.parametrize(
    ("tower", "seventh"),
    [
        ("\u030d" * 7, 13),  # COMBINING VERTICAL LINE ABOVE, seven high on the A of "Acme A…"
        ("\u0489" * 40, 13),  # COMBINING CYRILLIC MILLIONS SIGN: an enclosing mark, drawn around its neighbours
        ("\u0301\u200d" * 7, 19),  # joiners between the marks do not start a new letter
        # Neither does a spacing mark (U+0903 DEVANAGARI SIGN VISARGA) nor an invisible format character (U+E0020
        # TAG SPACE): both extend the letter's cluster, and the marks after them stack on the same letter.
        (("\u0301" * 6 + "\u0903") * 3, 14),
        (("\u0301" * 6 + "\U0001d173") * 3, 14),
    ],
    ids=["above", "enclosing", "joined", "spacing-mark-between", "format-character-between"],
)
@pytest.mark.parametrize(
    ("model", "base", "field"),
    [
        (Issuer, ISSUER, "name"),  # PlainText
        (Issuer, ISSUER, "description"),  # Markdown
        (CredentialDefinition, DEFINITION, "summary"),  # Summary
    ],
)
def test_a_tower_of_combining_marks_is_refused(
    model: type[Any], base: dict[str, Any], field: str, tower: str, seventh: int
) -> None:
    # Marks stacked on one letter are drawn beyond its line: over the card above, another issuer's name, a
    # status badge. No script stacks more than six on one letter.
    found = errors(model, {**base, field: f"Acme A{tower}cademy"})
    message = f"Value error, a letter carries more than 6 combining marks (the 7th is character {seventh})"
    assert (field, message) in found, found


@pytest.mark.parametrize(
    "text",
    [
        "Vi\u1ec7t Nam, Vie\u0323\u0302t Nam",  # Vietnamese, composed and decomposed (two marks)
        "\u05e9\u05c1\u05bc\u05b8\u05bd\u0591",  # Hebrew: shin with shin dot, dagesh, qamats, meteg, accent
        "\u0f62\u0f92\u0fb1\u0f74",  # Tibetan: a stack of subjoined letters with a vowel sign
        "\u0915\u094d\u0937\u093f",  # Devanagari conjunct
        "\u0915\u094d\u0937\u0940\u0902",  # Devanagari conjunct with a spacing vowel sign and anusvara
        "\u1000\u103c\u103d\u103e\u102d\u102f\u1036\u1037",  # Burmese: medials, vowels, tone marks
        "\u0d15\u0d4d\u0d37\u0d47\u0d02",  # Malayalam conjunct with a vowel sign and anusvara
        "1\ufe0f\u20e3 keycap",
    ],
)
def test_text_with_the_marks_real_scripts_stack_is_accepted(text: str) -> None:
    Issuer.model_validate({**ISSUER, "name": text, "description": text})


def test_the_signed_profiles_read_at_context_by_its_json_name_only() -> None:
    """``context`` for ``@context`` names no JSON-LD context at all: it is an unknown key, not a second spelling."""
    from generator.models.endorsement import ENDORSEMENT_CONTEXT, Endorsement

    proof = {**JCS_PROOF, "context": list(ENDORSEMENT_CONTEXT)}
    for model in (Award, Endorsement):
        found = errors(model, {"context": list(ENDORSEMENT_CONTEXT), "proof": [proof, proof]})
        assert ("@context", "Field required") in found, found
        assert ("context", "Extra inputs are not permitted") in found, found
        assert ("proof.0.context", "Extra inputs are not permitted") in found, found


@pytest.mark.parametrize("value", [None, [], ["https://www.w3.org/ns/credentials/v2"]])
def test_an_rdfc_proof_carries_no_context_not_even_null(value: Any) -> None:
    """A proof's own ``@context``, null included, stands in for the document's when its signature is checked: the
    page leaves the RDFC proof to the build, so a null one there changed what Python's RDFC check signed and
    nothing the page saw. The profile refuses the key however it is given (the page's copy the same way)."""
    import json

    from tests.conftest import REPO

    source = sorted((REPO / "registry" / "issuers").glob("*/awards/*/*/*.json"))[0]
    award = json.loads(source.read_text())
    Award.model_validate(award)
    rdfc = next(p for p in award["proof"] if p["cryptosuite"] == "eddsa-rdfc-2022")
    rdfc["@context"] = value
    found = errors(Award, award)
    assert any(message.endswith("the eddsa-rdfc-2022 proof must not carry an @context") for _, message in found), found


def _b64(raw: str | bytes) -> str:
    return base64.b64encode(raw.encode() if isinstance(raw, str) else raw).decode().rstrip("=")


#: Addresses and phone numbers written as tools and people write them, each of which passed the check and the page.
HIDDEN_ADDRESSES = [
    # A top-level domain mixing ASCII letters with a fullwidth one or a combining mark, or a ligature: what
    # openbadges.mailbox reads as a mailbox (example.org, example.órg, ex.fi), the finder read as no address.
    "ada@example.o\uff52g",
    "ada@example.\uff4frg",
    "ada@example.o\u0301rg",
    "ada@ex.\ufb01",
    _b64("ada@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444"),  # an IDN domain, in base64
    _b64("ada@b\u00fccher.de"),
    "ada@b\u00fccher.de".encode().hex(),  # in hexadecimal
    _b64("ada@example.org".encode("utf-16-le")),  # UTF-16 (as Windows tools write text), in base64
    _b64("ada@example.org".encode("utf-16-be")),
    _b64("ada@example.org".encode("utf-32-le")),  # UTF-32, as a program dumping code points writes it
    _b64("ada@example.org".encode("utf-32")),  # its byte order mark first
    _b64("ada@example.org".encode("utf-32-be")),
    _b64(_b64(_b64("ada@example.org"))),  # base64 of base64 of base64
    base64.b32encode(b"ada@example.org").decode(),  # base32 (a TOTP tool's or a filename-safe token's alphabet)
    base64.b32encode(b"ada@example.org!").decode().lower().rstrip("="),  # lower case, unpadded
    "MFSGC" + base64.b32encode(b"ada@example.org").decode(),  # after other base32
    "61:64:61:40:65:78:61:6d:70:6c:65:2e:6f:72:67",  # hex pairs apart, as a dump writes them
    "61 64 61 40 65 78 61 6d 70 6c 65 2e 6f 72 67",
    "\\x61\\x64\\x61\\x40\\x65\\x78\\x61\\x6d\\x70\\x6c\\x65\\x2e\\x6f\\x72\\x67",
    "ada=40example.org",  # quoted-printable (a mail's body)
    "ada [at] example [dot] org",
    "ada(at)example.org",
    "ada {at} example.org",
    "ada AT example DOT org",
    "ada at example dot org",
    "ada+at+example+dot+org",  # a form's query, where "+" is a space
    "ada+[at]+example.org",
    "ada @ example.org",  # the "@" spaced out, as a harvester's dodge writes it
    "ada@ example.org",
    "ada\u2009@\u2009example.org",  # spaced by other spaces: thin, narrow no-break, ideographic, a tab
    "ada\u202f@ example.org",
    "ada\u3000@\u3000example.org",
    "ada\t@\texample.org",
    "ada\\u0040example.org",  # a JSON or JavaScript escape, typed out (a program's reader undoes it)
    "ada\\x40example.org",
    "ada\\u{40}example.org",
    "ada\\uFF20example.org",
    "ada\\U00000040example.org",  # Python's long escape and its named one, in any case
    "ada\\N{COMMERCIAL AT}example.org",
    "ada\\N{commercial at}example\\N{FULL STOP}org",
    # Split by what shows as nothing (text.py's default ignorables): a CJK variation selector, the Mongolian vowel
    # separator, the combining grapheme joiner, a Khmer inherent vowel.
    "ada@example.o\U000e0100rg",
    "ada@example.o\u180erg",
    "ada@example.o\u034frg",
    "ada@example.o\u17b4rg",
]
HIDDEN_PHONES = [
    "+49 30/1234567",  # apart by a slash (German)
    "+49/30/1234567",
    "phone: 07700 900123",  # national, named as a phone
    "Tel. 030/1234567",
    "mobile 0151-1234-5678",
    "(212) 555-0123",  # North America's national format
    "+\u0664\u0664\u0667\u0667\u0660\u0660\u0669\u0660\u0660\u0661\u0662\u0663",  # Arabic-Indic digits
    "+\u06f4\u06f4\u06f7\u06f7\u06f0\u06f0\u06f9\u06f0\u06f0\u06f1\u06f2\u06f3",  # Persian digits
    "+\u096a\u096a\u096d\u096d\u0966\u0966\u096f\u0966\u0966\u0967\u0968\u0969",  # Devanagari digits
    "phone_number=07700900123",  # a query's parameter
    "https://wa.me/447700900123",  # WhatsApp's link to a number
    "phone: 0044 7700 900123",  # international with 00 for "+", named as a phone
    "Tel. 0049 30 1234567",
    "mobile=00447700900123",
    _b64("+447700900123"),  # encoded as addresses are: base64, hex, a token's claim
    b"+447700900123".hex(),
    base64.b32encode(b"+447700900123").decode().rstrip("="),
    "eyJhbGciOiJub25lIn0." + _b64(b'{"phone_number":"+447700900123"}').replace("+", "-").replace("/", "_") + ".",
]
#: Text that names nobody, each of which was refused.
NAMES_NOBODY = [
    "https://cdn.example.org/img/badge@2x.png",  # an image's pixel density
    "https://cdn.example.org/img/badge@1.5x.webp",
    "https://example.org/clone?from=git@github.com:org/repo.git",  # a Git remote
    "https://example.org/clone?from=ssh://git@gitlab.com/org/repo.git",
    "https://storage.googleapis.com/b/o.pdf?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=signer%40project"
    ".iam.gserviceaccount.com%2F20240101%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Signature=ab12",
    "https://storage.googleapis.com/b/o.pdf?GoogleAccessId=signer@project.iam.gserviceaccount.com&Expires=1700000000",
    "https://maps.example.org/?q=+52.5200066,+13.4049540",  # coordinates
    "https://maps.example.org/?q=+52.5200066%2C+13.4049540",
    "https://maps.example.org/loc/+52.5200066+013.4049540/",  # ISO 6709
    "https://p.example.org/?t=+1700000000123",  # a timestamp in milliseconds
    "https://p.example.org/?t=+1700000000",
    "https://p.example.org/d/01/02/2024",
    "https://p.example.org/?size=40x40.png",
    "https://p.example.org/?u=ada&at=example.org",
    "https://p.example.org/order/0151-1234-5678",  # national digits named as no phone: an order's number
    "https://lab.example.org/cell-1234567",  # a word of a phone's in a path's slug, digits after it
    "https://apps.example.org/mobile-2024-0001234",
    "Presented at events.example.org",  # " at " and a host: a place, not an address
    "Presented @ PyCon 2024",  # a spaced "@" before no host
    "Shared by @acme.bsky.social",  # a handle (a space before the "@" only)
    "https://p.example.org/invoice/0044770090012345",  # 00 and digits, named as no phone: a zero-padded number
    "https://p.example.org/?id=0049%2030%201234567",
    "C:\\users\\xavier\\u2014notes",  # backslashes before no escape of a printable character
    "C:\\Users\\ada\\Notes\\N{BULLET}\\Updates",  # a name that spells no address; \\U before no 8 hex digits
]


#: The costliest evidence an attacker can write, at the size an award may have (awards.py MAX_AWARD_BYTES): each
#: once took Python or the page seconds to tens of seconds (a search from every character, each to the end of
#: the text; escapes undone one level a round). Read at the limit, each must take a moment.
_LONG = 60_000
HEAVY_EVIDENCE = {
    "one @ then dots": "https://p.example.org/?u=git@" + "a." * (_LONG // 2),
    "one @ then a service account's dots": "https://p.example.org/?u=@a" + ".a" * (_LONG // 2),
    "one @ then an IDN label": "https://p.example.org/?u=a@" + "\u0440" * _LONG,
    "a local part's dots then @": "https://p.example.org/?u=" + "a.a" * (_LONG // 3) + "@",
    "base64 of an @ then dots": "https://p.example.org/?u=" + _b64("a@" + "a." * (_LONG // 3)),
    "percent escapes nested": "https://p.example.org/?u=%" + "25" * (_LONG // 2) + "40",
    "references nested": "https://p.example.org/?u=&" + "amp;" * (_LONG // 4) + "#64;",
    "base64 nested": "https://p.example.org/?u=" + "QUFB" * (_LONG // 4),
    "base64 apart by slashes": "https://p.example.org/?u=" + "AAAAAAAA/" * (_LONG // 9),
    "hex pairs apart": "https://p.example.org/?u=" + "61:" * (_LONG // 3),
    "phone words": "https://p.example.org/?u=" + "phone:1234567" * (_LONG // 13),
    "spelt-out dots": "https://p.example.org/?u=a%20at%20b" + "%20dot%20b" * (_LONG // 10),
    "spelt-out with +": "https://p.example.org/?u=a+at+b" + "+dot+b" * (_LONG // 6),
    "many +at+": "https://p.example.org/?u=" + "a+at+" * (_LONG // 5),
    "phone words with _number": "https://p.example.org/?u=" + "phone_number=1" * (_LONG // 14),
    "base64 of digits, many runs": "https://p.example.org/?u=" + (_b64("12345678") + ".") * (_LONG // 12),
    "base64 of base64 of digits": "https://p.example.org/?u=" + _b64(_b64("1234567." * (_LONG // 16))),
    "spaced @ then dots": "https://p.example.org/?u=a%20@%20" + "a." * (_LONG // 2),
    "many spaced @": "https://p.example.org/?u=" + "a+@+" * (_LONG // 4),
    "typed escapes of backslashes": "https://p.example.org/?u=" + "\\u005c" * (_LONG // 6) + "u0040",
    "base64 of zero bytes": "https://p.example.org/?u=" + "A" * _LONG,
    "UTF-32 of base64": "https://p.example.org/?u=" + _b64(("QUFB" * (_LONG // 24)).encode("utf-32-le")),
    "base32 runs": "https://p.example.org/?u=" + "GEZDGNBVGY3TQOJQ." * (_LONG // 17),
    "phone words with 00": "https://p.example.org/?u=" + "phone:0012345678" * (_LONG // 16),
}


@pytest.mark.parametrize("url", HEAVY_EVIDENCE.values(), ids=HEAVY_EVIDENCE.keys())
def test_the_costliest_evidence_is_read_in_a_moment(url: str) -> None:
    """The search itself, over text of an award's size: evidence is held to MAX_EVIDENCE_URL characters first, but
    the search must not rest on that limit (nor on a reason's 300)."""
    # CPU time, not wall time: another process on the machine slows the wall clock, never this count (a search from
    # every character to the end took 24-35 s of it; linear, these take some 0.2 s).
    started = time.process_time()
    with contextlib.suppress(ValueError):
        _no_recipient_data(url)
    assert time.process_time() - started < 1.5


def test_an_evidence_url_longer_than_any_server_reads_is_refused() -> None:
    """Evidence is a link a reader opens: a URL beyond 8,192 characters is one most servers refuse to read (their
    request line's limit), so it is no evidence, only room for 60 KiB of free text beside the award."""
    url = "https://example.org/" + "a" * (MAX_EVIDENCE_URL - 20)
    assert errors(Award, {"evidence": [{"id": url, "type": ["Evidence"]}]}) == errors(Award, {})
    found = errors(Award, {"evidence": [{"id": url + "a", "type": ["Evidence"]}]})
    assert ("evidence.0.id", f"String should have at most {MAX_EVIDENCE_URL} characters") in found, found


_JWT = (
    _b64(b'{"alg":"EdDSA","typ":"JWT"}').replace("+", "-").replace("/", "_")
    + "."
    + _b64(b'{"sub":"1234567890","iat":1700000000,"exp":1700003600,"scope":"read"}').replace("+", "-").replace("/", "_")
)
#: Evidence as issuers give it, naming nobody: ORCID iDs, DOIs, ISBNs, timestamps, versions (``pkg@1.2.3``),
#: IPv6 hosts, colour codes, commits, UUIDs, a JWT, signed storage URLs, map links, handles, hex dumps of no
#: address. Each must pass both verifiers: a refusal here blocks a real issuer.
REALISTIC_EVIDENCE = [
    # Content addresses and ids in base32 (lower case: IPFS CIDv1, onion v3; upper case: TOTP, Crockford, AWS),
    # which the base32 reading decodes at eight alignments and must not mistake for an address.
    "https://ipfs.io/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
    "https://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi.ipfs.dweb.link/wiki/",
    "https://bafkreidgvpkjawlxz6sffxzwgooowe5yt7i6wsyg236mfoks77nywkptdq.ipfs.w3s.link/",
    "https://ipfs.io/ipfs/QmXoypizjW3WknFiJnKLwHCnL72vedxjQkDDP1mXWo6uco/wiki/Vincent_van_Gogh.html",
    "https://w3s.link/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/readme.md",
    "http://duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion/",
    "https://example.org/otp?secret=JBSWY3DPEHPK3PXP&issuer=Acme",
    "https://example.org/item/01ARZ3NDEKTSV4RRFFQ69G5FAV",
    "https://example.org/ledger/7ZZZZZZZZZZZZZZZZZZZZZZZZZ",
    "https://s3.amazonaws.com/bucket/report.pdf?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1700000000",
    "https://arweave.net/bNbA3TEQVL60xlgCcqdz4ZPHFZ711cZ3hmkpGttDt_U",
    "https://orcid.org/0000-0002-1825-0097",
    "https://doi.org/10.1000/182",
    "https://doi.org/10.1371/journal.pone.0123456",
    "https://www.worldcat.org/isbn/978-3-16-148410-0",
    "https://books.example.org/?isbn=9783161484100",
    "https://example.org/log?ts=2024-01-15T10:30:00Z&since=1700000000123",
    "https://example.org/log?ts=2024-01-15T10:30:00%2B01:00",
    "https://example.org/release/v1.2.3-beta.4+build.5678",
    "https://example.org/pkg/foo@1.2.3",
    "https://www.npmjs.com/package/@scope/pkg",
    "https://www.npmjs.com/package/@types/node/v/20.11.5",
    "https://unpkg.com/lodash@4.17.21/lodash.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/css/bootstrap.min.css",
    "http://[2001:db8:85a3::8a2e:370:7334]/badge",
    "http://[2001:db8::1]:8080/",
    "https://example.org/theme?color=%23ff00aa&bg=%23FFFFFF",
    "https://example.org/theme#ff00aa",
    "https://github.com/acme/proj/commit/9fceb02d0ae598e95dc970b74767f19372d61af8",
    "https://github.com/acme/proj/compare/9fceb02...a1b2c3d",
    "https://example.org/r/123e4567-e89b-12d3-a456-426614174000",
    "https://example.org/r/123E4567-E89B-12D3-A456-426614174000/view",
    "https://example.org/cb?token=" + _JWT + ".c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
    "https://drive.google.com/file/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/view?usp=sharing",
    "https://docs.google.com/spreadsheets/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/edit#gid=0",
    "https://medium.com/@ada/my-capstone-project-3f2a1b4c5d6e",
    "https://mastodon.social/@ada",
    "https://www.tiktok.com/@ada.codes/video/7234567890123456789",
    "https://twitter.com/ada/status/1712345678901234567",
    "https://www.linkedin.com/in/ada-lovelace-12345678/",
    "https://arxiv.org/abs/2401.12345v2",
    "https://zenodo.org/records/10012345",
    "https://osf.io/abcd3/",
    "https://example.org/a?utm_source=newsletter&utm_medium=email&utm_campaign=2024-spring",
    "https://example.org/a?lat=52.5200&lng=13.4050&zoom=12",
    "https://www.google.com/maps/@52.5200066,13.404954,15z",
    "https://www.google.com/maps/place/Berlin/@52.5069312,13.1445487,10z/data=!3m1!4b1",
    "https://example.org/s3?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=3600&X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
    "https://example.blob.core.windows.net/c/f.pdf?sv=2022-11-02&ss=b&srt=o&sp=r&se=2024-12-31T23:59:59Z&st=2024-01-01T00:00:00Z&spr=https&sig=abcdEFGH1234%2Bijkl%2Fmnop%3D",
    "https://example.org/v?id=550e8400-e29b-41d4-a716-446655440000&sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "https://example.org/ipfs/QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
    "https://example.org/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
    "https://example.org/p?mac=00:1A:2B:3C:4D:5E",
    "https://example.org/fp/SHA256:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
    "https://example.org/cert?serial=04:3f:2a:11:9c:de:00:7f",
    "https://example.org/bug/12345678",
    "https://example.org/order/+1234567",
    "https://example.org/calc?q=2+2",
    "https://example.org/search?q=c%2B%2B+tutorial",
    "https://example.org/search?q=%2B49+area+codes",
    "https://example.org/tickets?id=TKT-2024-000123",
    "https://example.org/at/vienna/2024",
    "https://example.org/talks/data-at-scale-dot-conf-2024",
    "https://example.org/events/meet-at-the-dot-org-summit",
    "https://example.org/x?v=1.0.0-rc.1&sha=a1b2c3d4e5f6a7b8c9d0",
    "https://example.org/v/1.2.3.4/",
    "https://192.168.1.100:8443/path",
    "https://example.org/ts/1700000000",
    "https://example.org/cal?dt=20240115T103000Z",
    "https://example.org/img/logo@3x.png",
    "https://example.org/img/icon@2x.svg?v=2",
    "https://example.org/data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "https://example.org/?q=phone+case+review",
    "https://example.org/products/iphone-15-pro-max-256gb",
    "https://example.org/blog/telephone-history-1876-2024",
    "https://example.org/?cell=A1:B12345678",
    "https://example.org/?sheet=Tel%20Aviv%20Office%20Hours%202024-2025",
    "https://example.org/fax-machine-museum/1234567890",
    "https://example.org/cells/12345678",
    "https://example.org/courses/CS50x/2024/problem-set-1234567",
    "https://www.credly.com/badges/8d7e2b7a-1234-4c56-9abc-def012345678/public_url",
    "https://badgr.com/public/assertions/ZHs7aW5NQ2qUqY9eXz1kYw",
    "https://example.org/proj?ref=heads/main&path=src%2Fmain.py#L10-L20",
    "https://example.org/?version=2024.01.15.1234567",
    "https://example.org/?id=+0000000000",
    "https://example.org/?q=%22hello%20world%22",
    "https://example.org/?sig=" + _b64(bytes(range(0, 256, 7))),
    "https://example.org/?k=" + "00" * 32,
    "https://example.org/?k=" + "ff" * 32,
    "https://example.org/?k=" + _b64(b"\x00\xff" * 20),
    "https://example.org/math/1.5x10^3",
    "https://example.org/at-a-glance/dot-net-core/",
    "https://news.example.org/2024/01/15/apple-at-ces-dot-com-era",
    "https://example.org/otp?secret=JBSWY3DPEHPK3PXP&issuer=ACME",  # a base32 secret of no address
    "https://example.org/docs/README/CONTRIBUTING/INTERNATIONALIZATION",
    "https://example.org/w/supercalifragilisticexpialidocious-antidisestablishmentarianism",
]


@pytest.mark.parametrize("url", REALISTIC_EVIDENCE)
def test_realistic_evidence_is_accepted(url: str) -> None:
    found = [(where, m) for where, m in errors(Award, {"evidence": [{"id": url, "type": ["Evidence"]}]})]
    assert [m for where, m in found if where.startswith("evidence")] == [], url


def _spaces_escaped(text: str) -> str:
    """``text`` in a URL: its spaces (a thin or ideographic one, a tab) percent-escaped, as a browser sends them."""
    return re.sub(r"\s", lambda m: quote(m[0]), text)


def _reason_and_evidence_errors(written: str) -> list[str]:
    entry = {"award": "a" * 64, "statusList": 1, "statusListIndex": 3, "revoked": "2025-01-01T00:00:00Z",
             "proof": dict(JCS_PROOF)}  # fmt: skip
    url = written if written.startswith("https://") else "https://p.example.org/?u=" + _spaces_escaped(written)
    found = []
    reason = (RevocationEntry, {**entry, "reason": f"Withdrawn: {written}"}, "reason")
    evidence = (Award, {"evidence": [{"id": url, "type": ["Evidence"]}]}, "evidence.0.id")
    for model, data, where in (reason, evidence):
        try:
            model.model_validate(data)
        except ValidationError as error:
            found += [str(e["msg"]) for e in error.errors() if ".".join(map(str, e["loc"])) == where]
    return found


@pytest.mark.parametrize("written", HIDDEN_ADDRESSES)
def test_an_encoded_or_spelt_out_address_is_refused(written: str) -> None:
    found = _reason_and_evidence_errors(written)
    assert len(found) == 2, (written, found)
    assert all("must not contain an email address" in m for m in found), (written, found)


@pytest.mark.parametrize("written", HIDDEN_PHONES)
def test_a_phone_number_apart_by_slashes_or_in_national_form_is_refused(written: str) -> None:
    found = _reason_and_evidence_errors(written)
    assert len(found) == 2, (written, found)
    assert all("must not contain a phone number" in m for m in found), (written, found)


@pytest.mark.parametrize("written", NAMES_NOBODY)
def test_text_that_names_nobody_is_not_refused(written: str) -> None:
    assert _reason_and_evidence_errors(written) == []


def _registry_award() -> dict[str, Any]:
    import json

    from tests.conftest import REPO

    source = sorted((REPO / "registry" / "issuers").glob("*/awards/*/*/*.json"))[0]
    award: dict[str, Any] = json.loads(source.read_text())
    return award


_FORM = "must be whole seconds in UTC (YYYY-MM-DDThh:mm:ssZ), as the registry writes it"


@pytest.mark.parametrize("field", ["validFrom", "validUntil", "awardedDate"])
@pytest.mark.parametrize("form", [".123456Z", ".5Z", "+00:00", "+05:30"])
def test_an_award_publishes_its_times_in_whole_seconds_in_utc(field: str, form: str) -> None:
    """A fraction of a second can order a batch's awards as they were signed, or carry a number; an offset says
    where its signer was. Each is refused by name, saying why (docs/privacy.md)."""
    award = _registry_award()
    start = award["validFrom"]
    written = start[:19] + form if field != "validUntil" else "2099-01-01T00:00:00" + form
    award[field] = written
    if field == "validFrom":  # the fields that must repeat it do
        award["awardedDate"] = written
        for proof in award["proof"]:
            proof["created"] = written
    found = errors(Award, award)
    assert any(where == field and _FORM in message and "recipient" in message for where, message in found), found


@pytest.mark.parametrize("created", ["+1s", "fraction", "offset"])
def test_an_award_is_signed_at_its_valid_from(created: str) -> None:
    """Each proof's ``created`` is the award's ``validFrom``, exactly: a signing time of its own could say when in
    its batch each award was signed."""
    award = _registry_award()
    Award.model_validate(award)
    start = award["validFrom"]
    assert PUBLISHED_TIME_PATTERN.fullmatch(start), start
    written = {
        "+1s": start[:17] + f"{(int(start[17:19]) + 1) % 60:02d}Z",
        "fraction": start[:19] + ".000001Z",
        "offset": start[:19] + "+00:00",
    }[created]
    award["proof"][1]["created"] = written
    found = errors(Award, award)
    assert len(found) == 1, found
    assert found[0][0] == "", found
    message = found[0][1].removeprefix("Value error, ")
    assert message.startswith("proof.1.created: "), message
    expected = _FORM if created != "+1s" else f"must be the award's validFrom ({start})"
    assert expected in message, message
    assert "recipient" in message, message


@pytest.mark.parametrize(
    ("revoked", "created", "where", "expected"),
    [
        ("2025-01-01T00:00:00.123456Z", "2025-01-01T00:00:00.123456Z", "revoked", _FORM),
        ("2025-01-01T05:30:00+05:30", "2025-01-01T05:30:00+05:30", "revoked", _FORM),
        ("2025-01-01T00:00:00Z", "2025-01-01T00:00:00.000001Z", "", "proof.created: " + _FORM),
        ("2025-01-01T00:00:00Z", "2025-01-01T00:00:07Z", "", "proof.created: must be the revocation's revoked"),
    ],
)
def test_a_revocation_publishes_its_time_as_an_award_does(
    revoked: str, created: str, where: str, expected: str
) -> None:
    """A revocation line is published beside the award it names (revocations.jsonl, the award's shard entry): a
    fraction of its ``revoked`` or of its proof's ``created``, or a signing time of its own, is free digits that
    could carry a number about the recipient; an offset says where its signer was. The one form, as an award's,
    and the proof signed at ``revoked`` (as ``credreg revoke`` writes it)."""
    entry = {"award": "a" * 64, "statusList": 1, "statusListIndex": 3, "reason": "Withdrawn"}
    RevocationEntry.model_validate({**entry, "revoked": "2025-01-01T00:00:00Z", "proof": JCS_PROOF})
    found = errors(RevocationEntry, {**entry, "revoked": revoked, "proof": {**JCS_PROOF, "created": created}})
    assert len(found) == 1, found
    assert found[0][0] == where, found
    assert expected in found[0][1], found
    assert "recipient" in found[0][1], found


# A wallet, CTDL reader or the API's consumers render Markdown themselves: a reference or an autolink's
# percent-encoding there writes the character the field refuses as written (the site's own render shows it as
# written, but an award's description and criteria are signed and carried as Markdown).
@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("&#x202E;", "'&#x202E;' writes U+202E"),  # RIGHT-TO-LEFT OVERRIDE, in hex
        ("&#8238;", "'&#8238;' writes U+202E"),  # in decimal
        ("&#X0000202e;", "'&#X0000202e;' writes U+202E"),  # capital X, leading zeros, small hex digits
        ("&#0000008238;", "'&#0000008238;' writes U+202E"),
        ("&#" + "0" * 5000 + "8238;", "' writes U+202E"),  # more zeros than Python reads as a number
        ("&rlm;", "'&rlm;' writes U+200F"),  # by name
        ("&lrm;", "'&lrm;' writes U+200E"),
        ("&shy;", "'&shy;' writes U+00AD"),  # soft hyphen: shows as nothing
        ("&#0;", "'&#0;' writes U+0000"),  # NUL: CommonMark shows U+FFFD, a reader taking the number U+0000
        ("&#x85;", "'&#x85;' writes U+0085"),  # HTML reads "…", a reader taking the number the C1 control
        ("<https://a.example/%E2%80%AE>", "'%E2%80%AE' writes U+202E"),  # an autolink's words decode it
        ("[x](https://a.example/%e2%80%ae)", "'%e2%80%ae' writes U+202E"),
        ("<a%E2%80%AE@b.example>", "'%E2%80%AE' writes U+202E"),
        ("a" + "&#x301;" * 7, "references write a letter with more than 6 combining marks ('&#x301;'"),
        ("a" + "\u0301" * 3 + "&#769;" * 4, "references write a letter with more than 6 combining marks ('&#769;'"),
        ("<https://a.example/a" + "%CC%81" * 7 + ">", "references write a letter with more than 6 combining marks"),
    ],
)
@pytest.mark.parametrize(
    ("model", "base", "field"),
    [
        (Issuer, ISSUER, "description"),
        (CredentialDefinition, DEFINITION, "description"),
        (CredentialDefinition, DEFINITION, "criteria.narrative"),
    ],
)
def test_markdown_cannot_write_a_refused_character_by_reference(
    model: type[Any], base: dict[str, Any], field: str, written: str, words: str
) -> None:
    data = copy.deepcopy(base)
    *parents, last = field.split(".")
    target = data
    for part in parents:
        target = target[part]
    target[last] = f"Acme {written} Academy"
    found = errors(model, data)
    assert [m for f, m in found if f == field and words in m], found


@pytest.mark.parametrize(
    "text",
    [
        "Fish &amp; chips &copy; &#x41;&#65; &zwj; &#x200D; 100% at 50%OFF, a%20b",  # what real text writes
        "<https://a.example/caf%C3%A9>",  # a percent-encoded letter
        "Vie&#x323;&#x302;t Nam",  # two marks by reference, as Vietnamese stacks them
        "&#x202E",  # no semicolon, no reference in CommonMark: shown as written
        "&#" + "1" * 5000 + "; &#x" + "f" * 5000 + ";",  # beyond Unicode: U+FFFD
    ],
)
def test_markdown_references_to_what_real_text_writes_are_accepted(text: str) -> None:
    Issuer.model_validate({**ISSUER, "description": text})


@pytest.mark.parametrize(
    "split",
    ["*{m}*", "**{m}**", "[{m}](https://a.example)", "[](https://a.example){m}", "`{m}`", "~~{m}~~", "<b>{m}"],
)
def test_markdown_cannot_build_a_mark_tower_across_its_markup(split: str) -> None:
    # "e" with three marks, then four more inside emphasis, a link, a code span, after an empty link or a tag: each
    # run is short as written, but a Markdown reader drops the markup and the browser stacks all seven on the "e",
    # over the lines and cards around it.
    for marks in ("\u0301\u0300\u0302", "&#x301;&#x300;&#x302;"):  # written, or as references (ASCII)
        if "`" in split and "&" in marks:
            continue  # a code span shows a reference as written
        text = "Acme e" + marks + split.format(m=marks + "\u0303")
        found = errors(Issuer, {**ISSUER, "description": text})
        assert [m for f, m in found if f == "description" and "as a Markdown reader shows it" in m], found


def test_marks_markup_sets_apart_stay_apart() -> None:
    # A mark run that its markup ends (a line break, a space, a letter) is no tower.
    marks = "\u0301\u0300\u0302"
    text = f"e{marks} *e{marks}{marks}* [e{marks}](https://a.example) `e{marks}`\ne{marks}\n\n- e{marks}{marks}"
    Issuer.model_validate({**ISSUER, "description": text})


def test_a_credential_certifies_at_most_max_skills_and_its_award_can_be_canonicalized() -> None:
    """Each skill is an alignment of every award, a blank node for RDF canonicalization, which both verifiers refuse
    past rdfc.MAX_BLANK_NODES: a credential of that many skills could never be awarded. The model refuses one skill
    more than MAX_SKILLS, and an award of a credential of MAX_SKILLS skills canonicalizes."""
    import datetime as dt

    from generator.crypto.rdfc import canonize
    from generator.load import load_registry
    from generator.models.credential import MAX_SKILLS
    from generator.openbadges import new_recipient_key, unsigned_award
    from tests.conftest import REPO

    skills = [{"name": f"Skill {n}", "alignment": {"framework": "SFIA", "code": f"S{n}"}} for n in range(MAX_SKILLS)]
    assert CredentialDefinition.model_validate(changed(skills=skills))
    assert errors(CredentialDefinition, changed(skills=[*skills, {"name": "One more"}]))[0][0] == "skills"

    registry = load_registry(REPO).registry
    assert registry is not None
    record = registry.issuers["northbridge-university"]
    base = next(iter(record.credentials.values())).model
    widest = CredentialDefinition.model_validate({**base.model_dump(mode="json", exclude_none=True), "skills": skills})
    award = unsigned_award(
        registry, record.issuer, widest, award_id="urn:uuid:00000000-0000-4000-8000-000000000009",
        recipient_email="ada@example.org", recipient_key=new_recipient_key(),
        valid_from=dt.datetime(2025, 6, 1, tzinfo=dt.UTC), valid_until=None, evidence=[], status_list=1, status_index=0,
    )  # fmt: skip
    assert len(award["credentialSubject"]["achievement"]["alignment"]) == MAX_SKILLS
    assert canonize(award).count("_:c14n") > MAX_SKILLS


ESCO_SQL = "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
ESCO_SQL_URI = f"http://data.europa.eu/esco/skill/{ESCO_SQL}"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"framework": "ESCO", "code": ESCO_SQL}, {"framework": "ESCO", "code": ESCO_SQL.upper()}),
        ({"framework": "ESCO", "code": ESCO_SQL}, {"framework": "ESCO", "code": ESCO_SQL_URI}),
        (
            {"framework": "ESCO", "code": ESCO_SQL_URI.upper().replace("HTTP:", "HTTPS:")},
            {"framework": "ESCO", "code": ESCO_SQL},
        ),
        # Any framework's code in other capitals, other spacing or compatibility forms is one code.
        ({"framework": "SFIA", "code": "PROG"}, {"framework": "SFIA", "code": "prog"}),
        ({"framework": "O*NET", "code": "2.A.1.a"}, {"framework": "O*NET", "code": "2.A.1.a"}),
        ({"framework": "Other", "code": "data  analysis"}, {"framework": "Other", "code": "Data analysis"}),
        ({"framework": "SFIA", "code": "PROG"}, {"framework": "SFIA", "code": "ＰＲＯＧ"}),
    ],
)
def test_a_skill_aligned_twice_to_one_item_is_refused(first: dict[str, str], second: dict[str, str]) -> None:
    skills = [{"name": "SQL", "alignment": first}, {"name": "Databases"}, {"name": "Queries", "alignment": second}]
    [(where, message)] = errors(CredentialDefinition, changed(skills=skills))
    assert where == "skills.2"
    assert message.startswith("repeats skills[0]"), message


@pytest.mark.parametrize(
    ("first", "second"), [("SQL", "SQL"), ("SQL", "sql"), ("S  Q L", "s q l"), ("Straße", "STRASSE")]
)
def test_an_unaligned_skill_named_twice_is_refused(first: str, second: str) -> None:
    skills = [{"name": first}, {"name": second}]
    [(where, message)] = errors(CredentialDefinition, changed(skills=skills))
    assert (where, message) == ("skills.1", f"repeats skills[0] (the skill {first!r}): list each skill once")


def test_distinct_skills_are_kept() -> None:
    # Another framework, a name that only shares letters: not the same skill. (An ESCO occupation's URI is no
    # skill at all: test_load.py test_an_esco_concept_of_the_wrong_kind_is_a_located_problem.)
    skills = [
        {"name": "SQL", "alignment": {"framework": "ESCO", "code": ESCO_SQL}},
        {"name": "SQL", "alignment": {"framework": "Other", "code": ESCO_SQL}},
        {"name": "SQL"},
        {"name": "C"},
        {"name": "C++"},
        {"name": "C#"},
    ]
    assert len(CredentialDefinition.model_validate(changed(skills=skills)).skills) == 6
