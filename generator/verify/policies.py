"""Verification as composable policies: each checks one thing and returns one :class:`Check`.

A :class:`Verifier` runs a list of policies over a :class:`VerificationContext`. The default list is what
``credreg verify`` and the site's verdicts rest on; ``credreg check`` uses the authenticity subset (an expired
or revoked award is still a legitimate part of the registry).

What the verdict rests on is exactly what was signed:

* an award of an issuer registered here must fit the registry's award profile (:class:`~generator.models.award.
  Award`: one JSON spelling only, both proofs), say exactly what the registry's records say about its issuer
  and achievement (:mod:`generator.verify.records`), and be in the registry (:class:`RegisteredPolicy`);
* any other credential must be in the one compact form its JSON is read in
  (:mod:`generator.crypto.compactform`), so the facts the checks read are the facts its proofs cover.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import ValidationError

from generator import layout
from generator._internal.text import lookalike_keys
from generator._internal.times import (
    CLOCK_SKEW,
    day,
    parse_time,
    signed_ahead_reason,
    utc_day,
    validity_window_problem,
)
from generator.awards import award_text_hash, iter_award_files, lenient_text_hash, read_award_file
from generator.crypto.compactform import compact_form_problems, json_form_problems, size_problem
from generator.crypto.dataintegrity import CRYPTOSUITES, JCS, RDFC, proofs_of, verify_proof
from generator.models import PublicKey
from generator.models.award import Award, error_text
from generator.openbadges import identifier_forms, normalize_recipient_key
from generator.registry import IssuerRecord, Registry
from generator.verify.conformance import structure_problems
from generator.verify.keys import KeyResolver, ResolvedKey, signing_times, window_problem
from generator.verify.records import (
    Former,
    achievement_problems,
    canonical_or_none,
    expected_achievement,
    expected_issuer,
    former_issuers,
    issuer_problems,
)
from generator.verify.results import Check, CheckStatus
from generator.verify.status import RegistryStatus

if TYPE_CHECKING:
    from generator.binding import BindingSource

__all__ = [
    "SUITES",
    "CredentialPolicy",
    "IssuerPolicy",
    "KeyPolicy",
    "Policy",
    "ProofCache",
    "ProofPolicy",
    "RecipientPolicy",
    "RegisteredPolicy",
    "RegistryLookups",
    "SignedAheadPolicy",
    "StatusPolicy",
    "StructurePolicy",
    "UnsupportedProofPolicy",
    "ValidityPolicy",
    "VerificationContext",
    "credential_problem",
    "key_problem",
    "name_values",
    "name_words",
    "proof_statement",
    "registered_reason",
    "signed_ahead_bound",
    "unregistered_issuer_reason",
]

SUITES = CRYPTOSUITES  # defined once, in generator.crypto.dataintegrity


class ProofCache(Protocol):
    """Remembers proofs that verified, by a statement naming the exact source bytes (their SHA-256), the suite,
    the verification method and the public key. See :mod:`generator.verify.cache`."""

    def get(self, key: str) -> bool | None: ...

    def put(self, key: str, ok: bool) -> None: ...


def proof_statement(source_digest: str, suite: str, method: str, public: bytes) -> str:
    """What the cache records about a proof that verified: the exact bytes (proofs included) and the key material,
    so that any change to either misses. Only RDFC proofs are recorded: the JCS proof is cheap, and verifying it
    every time keeps a cache from ever being the only thing that vouches for an award."""
    return f"proof|{source_digest}|{suite}|{method}|{public.hex()}"


def _day(value: Any) -> str:
    """The day of a date-time, ``""`` when ``value`` is none: a signed line is trusted by its signature alone, and
    its ``revoked`` written as it is would put the signer's words outside the quotation (policies.js ``day``)."""
    parsed = parse_time(value)
    return day(parsed) if parsed else ""


def revoked_reason(revoked_on: Any, reason: Any, *, by: str = "") -> str:
    """What a revocation the issuer's log records says (the page's ``revokedReason``): ``revoked`` (``by`` whom,
    for an endorsement), the day and the published reason, each when there is one. The reason is the signer's
    words, so it is quoted (Python's repr: no quote in it ends the quotation, no line break starts a line) wherever
    this text is shown, the technical details included."""
    when = f" on {_day(revoked_on)}" if _day(revoked_on) else ""
    said = reason.strip() if isinstance(reason, str) else ""  # a value that is not text gives no reason
    why = f" for this reason: {said!r}" if said else ""
    return f"revoked{by}{when}{why}"


# The bounds of validFrom (the browser's copy: policies.js validFromBeforeKey / validFromBeforeDefinition). An
# award cannot have been valid before its issuer held the key that signs it, nor before the credential it
# certifies was defined: the key's window and the definition's `created` date are the registry's own records.
# (The definition's first commit would be a finer bound, but the browser has no Git history.)


def valid_from_before_key(document: Any, key: PublicKey) -> str | None:
    """Why the credential's ``validFrom`` lies before the signing key's window (``None`` when it does not)."""
    value = str(document.get("validFrom")) if isinstance(document, dict) else ""
    start = parse_time(value)
    if start is None or start >= key.valid_from:
        return None  # an unreadable validFrom is the structure and validity checks' to report
    return f"validFrom {value[:10]} is before key {key.id} became valid ({utc_day(key.valid_from)})"


def valid_from_before_definition(document: Any, created: dt.date) -> str | None:
    """Why the credential's ``validFrom`` lies before the definition was first published, a date: compared with
    validFrom's calendar date as written (in its own offset)."""
    value = str(document.get("validFrom")) if isinstance(document, dict) else ""
    if parse_time(value) is None or value[:10] >= created.isoformat():
        return None
    return f"validFrom {value[:10]} is before the credential was first published ({created.isoformat()})"


@dataclass(frozen=True)
class RegistryLookups:
    """What policies ask the registry about every credential, indexed once (a registry-wide check asks it for
    every award: scanning issuers and definitions each time would cost more than the signature)."""

    by_did: dict[str, IssuerRecord]
    credentials: dict[str, tuple[IssuerRecord, str]]
    """Achievement id (the credential's page URL) → (issuer, slug)."""

    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Issuer id → the issuer profile its awards must carry."""

    achievements: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Achievement id → the achievement its awards must carry (current version)."""

    canonical: dict[int, bytes | None] = field(default_factory=dict)
    """``id()`` of each profile and achievement above → its JCS bytes: every award is compared with them."""

    former: dict[str, tuple[Former, ...]] = field(default_factory=dict)
    """Issuer id → its former profiles (with their JCS bytes), which awards already held may carry."""

    @classmethod
    def of(cls, registry: Registry) -> RegistryLookups:
        credentials: dict[str, tuple[IssuerRecord, str]] = {}
        profiles: dict[str, dict[str, Any]] = {}
        achievements: dict[str, dict[str, Any]] = {}
        former: dict[str, tuple[Former, ...]] = {}
        by_did = registry.issuers_by_did()
        for record in registry.issuers.values():
            profiles[record.id] = expected_issuer(registry, record)
            former[record.id] = former_issuers(registry, record)
            for slug in record.credentials:
                url = registry.credential_url(record.id, slug)
                credentials.setdefault(url, (record, slug))
                achievements.setdefault(url, expected_achievement(registry, record, slug))
        canonical = {id(v): canonical_or_none(v) for v in (*profiles.values(), *achievements.values())}
        return cls(by_did, credentials, profiles, achievements, canonical, former)

    def canonical_of(self, expected: dict[str, Any]) -> bytes | None:
        """The JCS bytes of one of this index's profiles or achievements (``None`` for any other object)."""
        return self.canonical.get(id(expected))

    def slug_of(self, record: IssuerRecord, achievement_id: Any) -> str | None:
        """The slug of the credential ``record`` defines with this achievement id (``None``: none of its)."""
        found = self.credentials.get(achievement_id) if isinstance(achievement_id, str) else None
        return found[1] if found is not None and found[0] is record else None

    def issuer_problems(
        self, record: IssuerRecord, issuer: Any, proofs: Sequence[Any], *, current_only: bool = False
    ) -> list[str]:
        """Why an award's ``issuer`` is not ``record``'s registered profile, current or (unless ``current_only``)
        former, when the award's ``proofs`` were made (:func:`issuer_problems`)."""
        expected = self.profiles[record.id]
        return issuer_problems(
            issuer,
            expected,
            record.id,
            expected_json=self.canonical_of(expected),
            former=self.former[record.id],
            proofs=proofs,
            current_only=current_only,
        )


@dataclass
class VerificationContext:
    """The credential under verification and everything the policies may consult."""

    document: Any
    now: dt.datetime
    keys: KeyResolver
    registry: Registry | None = None
    status: RegistryStatus | None = None
    award_hash: str | None = None
    recipient: str | None = None
    recipient_key: str | None = None
    """The earner's secret recipient key (from their link or file), which the registry never publishes."""

    proof_cache: ProofCache | None = None
    any_issuer: bool = False
    """Accept credentials whose issuer is not registered here (authenticity only)."""

    source_digest: str | None = None
    """Hex SHA-256 of the exact bytes the document was parsed from. Only with it is ``proof_cache`` used: a
    statement about a document is a statement about exact bytes (see :mod:`generator.verify.cache`)."""

    jcs_unsecured: bytes | None = None
    """The document's RFC 8785 bytes without ``proof``, when the caller computed them with the award hash."""

    lookups: RegistryLookups | None = None
    """``registry`` indexed (see :class:`RegistryLookups`); looked up by scanning when absent."""

    bindings: BindingSource | None = None
    """Where "who defines what" is read (:mod:`generator.binding`): the registry's data when absent."""

    structure_verified: bool = False
    """The exact bytes are known (from the verification cache) to have passed :class:`StructurePolicy` with the
    registry's profile: it is not run again."""

    _keys_cache: dict[str, ResolvedKey | None] = field(default_factory=dict, repr=False)

    @functools.cached_property
    def issuer_id(self) -> str | None:
        issuer = self.document.get("issuer") if isinstance(self.document, dict) else None
        if isinstance(issuer, dict):
            issuer = issuer.get("id")
        return issuer if isinstance(issuer, str) else None

    @functools.cached_property
    def proofs(self) -> list[dict[str, Any]]:
        if not isinstance(self.document, dict):
            return []
        return [p for p in proofs_of(self.document) if isinstance(p, dict)]

    def key_for(self, method: str) -> ResolvedKey | None:
        if method not in self._keys_cache:
            self._keys_cache[method] = self.keys.resolve(method)
        return self._keys_cache[method]

    @functools.cached_property
    def registry_issuer(self) -> IssuerRecord | None:
        if self.registry is None or self.issuer_id is None:
            return None
        if self.lookups is not None:
            return self.lookups.by_did.get(self.issuer_id)
        return self.registry.issuer_for_did(self.issuer_id)

    def expected_issuer(self, record: IssuerRecord) -> dict[str, Any]:
        assert self.registry is not None
        if self.lookups is not None:
            return self.lookups.profiles[record.id]
        return expected_issuer(self.registry, record)

    def former_issuers(self, record: IssuerRecord) -> tuple[Former, ...]:
        assert self.registry is not None
        if self.lookups is not None:
            return self.lookups.former[record.id]
        return former_issuers(self.registry, record)

    def expected_achievement(self, record: IssuerRecord, slug: str) -> dict[str, Any]:
        assert self.registry is not None
        if self.lookups is not None:
            return self.lookups.achievements[self.registry.credential_url(record.id, slug)]
        return expected_achievement(self.registry, record, slug)

    @functools.cached_property
    def achievement(self) -> dict[str, Any]:
        subject = self.document.get("credentialSubject") if isinstance(self.document, dict) else None
        if isinstance(subject, list):
            subject = subject[0] if subject else None
        value = subject.get("achievement") if isinstance(subject, dict) else None
        return value if isinstance(value, dict) else {}


class Policy(Protocol):
    def check(self, ctx: VerificationContext) -> Check: ...


def _check(check_id: str, label: str, ok: bool, reason: str) -> Check:
    return Check(check_id, label, CheckStatus.PASSED if ok else CheckStatus.FAILED, reason)


def _not_checked(check_id: str, label: str, reason: str, *, applicable: bool) -> Check:
    return Check(check_id, label, CheckStatus.NOT_CHECKED, reason, applicable)


@dataclass(frozen=True)
class StructurePolicy:
    """Open Badges 3.0 / VC 2.0 structure, in the one form its JSON is read in: the registry's award profile
    for an issuer registered here (or always, with ``profile``), the compact form of its own context for any
    other credential (see the module docstring)."""

    profile: bool = False

    def check(self, ctx: VerificationContext) -> Check:
        label = "Structure (Open Badges 3.0 on VC 2.0)"
        if ctx.structure_verified:
            return _check("structure", label, True, "a well-formed OpenBadgeCredential")
        problems = structure_problems(ctx.document)
        if not problems and not self.profile and ctx.registry_issuer is None:
            problems = compact_form_problems(ctx.document)
        elif not problems:
            try:
                Award.model_validate(ctx.document)
            except ValidationError as exc:
                problems = [error_text(err) for err in exc.errors(include_url=False)]
            else:
                # The profile fixes every key; a node id used twice (the status entry named as the award…)
                # could still describe one node in two ways.
                problems = json_form_problems(ctx.document)
        if problems:
            return _check("structure", label, False, "; ".join(problems))
        return _check("structure", label, True, "a well-formed OpenBadgeCredential")


@dataclass(frozen=True)
class ProofPolicy:
    """Every proof of one cryptosuite verifies against the key its verification method names."""

    suite: str

    def check(self, ctx: VerificationContext) -> Check:
        check_id, label = f"proof:{self.suite}", f"Proof {self.suite}"
        proofs = [p for p in ctx.proofs if p.get("cryptosuite") == self.suite]
        if not proofs:
            return _not_checked(check_id, label, f"the credential has no {self.suite} proof", applicable=False)
        if self.suite == RDFC and ctx.registry_issuer is None:
            # Canonicalizing costs time growing with the file (40 s for 12,000 small objects): a credential of an
            # issuer not registered here is bounded first, by the structure check's rule 0, in its words.
            too_large = size_problem(ctx.document)
            if too_large is not None:
                return _check(check_id, label, False, too_large)
        for proof in proofs:
            method = proof.get("verificationMethod")
            key = ctx.key_for(method) if isinstance(method, str) else None
            if key is None or not isinstance(method, str):
                return _check(check_id, label, False, f"verification method {method!r} cannot be resolved offline")
            cache_key = None
            if ctx.proof_cache is not None and ctx.source_digest is not None and self.suite == RDFC:
                cache_key = proof_statement(ctx.source_digest, self.suite, method, key.public)
                if ctx.proof_cache.get(cache_key) is True:
                    continue
            jcs_document = ctx.jcs_unsecured if self.suite == JCS else None
            result = verify_proof(ctx.document, proof, key.public, jcs_document=jcs_document)
            if cache_key is not None and ctx.proof_cache is not None:
                ctx.proof_cache.put(cache_key, bool(result))
            if not result:
                return _check(check_id, label, False, result.reason)
        return _check(check_id, label, True, "signature matches")


class UnsupportedProofPolicy:
    """A proof of a kind we cannot check is not silently ignored."""

    def check(self, ctx: VerificationContext) -> Check:
        others = sorted({str(p.get("cryptosuite") or p.get("type")) for p in ctx.proofs} - set(SUITES))
        if others:
            return _check("proof", "Other proofs", False, f"unsupported proof type or cryptosuite: {', '.join(others)}")
        return _not_checked("proof", "Other proofs", "no other proofs", applicable=False)


class KeyPolicy:
    """The signing key is found, controlled by the issuer, and was valid when it signed."""

    def check(self, ctx: VerificationContext) -> Check:
        label = "Signing key"
        issuer = ctx.issuer_id
        reasons = []
        methods = sorted({str(p.get("verificationMethod")) for p in ctx.proofs if p.get("cryptosuite") in SUITES})
        if not methods:
            return _check("key", label, False, "no proof names a verification method")
        for method in methods:
            key = ctx.key_for(method)
            problem = key_problem(key, method, issuer, ctx.proofs, ctx.document)
            if problem is not None or key is None:
                return _check("key", label, False, problem or "")
            if key.record is not None:
                reasons.append(f"{key.source}, valid when it signed")
            else:
                reasons.append(f"{key.source} (the key is the issuer's identifier)")
        return _check("key", label, True, "; ".join(reasons))


def key_problem(
    key: ResolvedKey | None, method: str, issuer: str | None, proofs: Sequence[dict[str, Any]], document: Any
) -> str | None:
    """Why the key behind ``method`` cannot vouch for ``document``'s proofs made with it (``None`` when it
    can): found, controlled by ``issuer``, and valid when each of those ``proofs`` was created."""
    if key is None:
        return f"{method} cannot be resolved offline"
    if key.controller != issuer:
        owner = f"issuer {key.issuer_id!r}" if key.issuer_id else key.controller
        return f"the key belongs to {owner}, not to the credential's issuer"
    if not key.confirmed:
        return f"cannot confirm offline that {key.controller} controls the key in {method}"
    if key.record is None:
        return None
    for _, created in signing_times(proofs, method):
        if created is None:
            return "a proof has no valid 'created' time"
        problem = window_problem(key.record, created)
        if problem:
            return problem
    return valid_from_before_key(document, key.record)


@dataclass(frozen=True)
class IssuerPolicy:
    """The issuer is registered in this registry, and the award carries its profile (:mod:`generator.verify.
    records`; ``current_only``: its current profile, for new awards)."""

    current_only: bool = False

    def check(self, ctx: VerificationContext) -> Check:
        label = "Issuer registered"
        record = ctx.registry_issuer
        if record is not None:
            issuer = ctx.document.get("issuer") if isinstance(ctx.document, dict) else None
            if ctx.lookups is not None:
                problems = ctx.lookups.issuer_problems(record, issuer, ctx.proofs, current_only=self.current_only)
            else:
                problems = issuer_problems(
                    issuer,
                    ctx.expected_issuer(record),
                    record.id,
                    former=ctx.former_issuers(record),
                    proofs=ctx.proofs,
                    current_only=self.current_only,
                )
            if problems:
                return _check("issuer", label, False, problems[0])
            return _check("issuer", label, True, f"{record.issuer.name} (registered as {record.id})")
        if ctx.issuer_id is None:
            return _check("issuer", label, False, "the credential names no issuer")
        names = {i: r.issuer.name for i, r in ctx.registry.issuers.items()} if ctx.registry is not None else {}
        issuer = ctx.document.get("issuer") if isinstance(ctx.document, dict) else None
        reason = unregistered_issuer_reason(
            ctx.issuer_id, issuer.get("name") if isinstance(issuer, dict) else None, names
        )
        if ctx.any_issuer:
            return _not_checked("issuer", label, reason, applicable=False)
        return _check("issuer", label, False, reason)


_VALUE_KEYS = frozenset({"@value", "@language", "@direction"})


def name_values(value: Any) -> list[tuple[str, str | None]] | None:
    """A name as a file writes it, as (value, language) pairs (verifier.js ``nameValues``): text (no language); or,
    as VC 2.0 and OB 3.0 allow, a value object (``{"@value": ..., "@language": ...}``) or a list of them. Anything
    else (a number, a list of plain text, a value object with other keys) is no name: ``None``."""
    if isinstance(value, str):
        return [(value, None)]
    objects = value if isinstance(value, list) and value else [value]
    pairs: list[tuple[str, str | None]] = []
    for one in objects:
        if not isinstance(one, dict) or not isinstance(one.get("@value"), str) or not set(one) <= _VALUE_KEYS:
            return None
        language = one.get("@language")
        if "@language" in one and not isinstance(language, str):
            return None
        pairs.append((one["@value"], language))
    return pairs


def name_words(value: Any) -> str | None:
    """A name as a file writes it, in words (verifier.js ``nameWords``): each of its values (:func:`name_values`)
    with its language tag in brackets after it, joined by " / ": every word the file gives, none picked over
    another. ``None`` when it is no name."""
    pairs = name_values(value)
    if pairs is None:
        return None
    return " / ".join(word + (f" [{language}]" if language is not None else "") for word, language in pairs)


def unregistered_issuer_reason(issuer_id: str, name: Any, names: Mapping[str, str]) -> str:
    """Why an issuer is not one of this registry's (``names``: each registered issuer's name by id), and, when the
    ``name`` its credential gives it reads like a registered issuer's (:func:`~generator._internal.text.
    lookalike_keys`, as the check compares bodies' names: the same name, or one that passes for it), whose: its
    credential is genuine, and a reader would take it for that issuer's. The page's ``unregisteredIssuerReason``
    (policies.js) says the same."""
    reason = f"{issuer_id} is not an issuer registered in this registry"
    # Every value of a name in languages (name_values), as both verifiers show them all: "Acme Academy [en]" was
    # shown with no word that it reads like a registered issuer's name, only a name as text being compared.
    values = [word for word, _ in name_values(name) or () if word.strip()]
    if not values:
        return reason
    keys = frozenset().union(*(lookalike_keys(word) for word in values))
    namesake = next((i for i in sorted(names) if lookalike_keys(names[i]) & keys), None)
    if namesake is None:
        return reason
    registered = names[namesake]
    alike = f"its name {name_words(name)!r} reads like that of {namesake}, a registered issuer ({registered!r})"
    return f"{reason}; {alike}, which it is not"


@dataclass(frozen=True)
class CredentialPolicy:
    """The achievement is a credential its issuer defines in this registry, and says what the registry's
    definition says (:mod:`generator.verify.records`; ``current_only``: its current version, for new awards)."""

    current_only: bool = False

    def check(self, ctx: VerificationContext) -> Check:
        label = "Credential defined"
        record = ctx.registry_issuer
        if record is None and ctx.registry is not None:
            # A foreign credential that names one of our Achievement ids claims a credential another issuer owns.
            from generator.binding import RegistryBindings, binding_problem

            source = ctx.bindings or RegistryBindings(ctx.registry)
            reused = binding_problem(source, ctx.registry.url("credentials/"), ctx.achievement.get("id"), ctx.issuer_id)
            if reused is not None:
                return _check("credential", label, False, reused)
        if record is None or ctx.registry is None:
            return _not_checked("credential", label, "the issuer is not registered here", applicable=False)
        achievement_id = ctx.achievement.get("id")
        slug: str | None = None
        if ctx.lookups is not None:
            slug = ctx.lookups.slug_of(record, achievement_id)
        else:
            slug = next(
                (s for s in record.credentials if achievement_id == ctx.registry.credential_url(record.id, s)), None
            )
        if slug is not None:
            expected = ctx.expected_achievement(record, slug)
            whole = ctx.lookups.canonical_of(expected) if ctx.lookups is not None else None
            problem = credential_problem(
                record,
                slug,
                ctx.achievement,
                ctx.document,
                expected,
                current_only=self.current_only,
                whole=whole,
                former=ctx.former_issuers(record),
                proofs=ctx.proofs,
            )
            if problem is not None:
                return _check("credential", label, False, problem)
            return _check("credential", label, True, f"{record.credentials[slug].model.name} ({record.id}/{slug})")
        prefix = ctx.registry.url("credentials/")
        if isinstance(achievement_id, str) and achievement_id.startswith(prefix):
            owner = achievement_id[len(prefix) :].split("/")[0]
            if owner != record.id:
                return _check("credential", label, False, f"the achievement is {owner}'s credential, not {record.id}'s")
        return _check("credential", label, False, f"{achievement_id} is not a credential {record.id} defines here")


def credential_problem(
    record: IssuerRecord,
    slug: str,
    achievement: Any,
    document: Any,
    expected: dict[str, Any],
    *,
    current_only: bool = False,
    whole: bytes | None = None,
    former: Sequence[Former] = (),
    proofs: Sequence[Any] = (),
) -> str | None:
    """Why ``document``, whose achievement names credential ``slug`` of ``record``, does not carry what the
    registry defines (``expected``, its JCS bytes ``whole`` when known; ``former``: the issuer's former profiles,
    which its ``creator`` may be if current when ``proofs``, the document's, were made); ``None`` when it
    does."""
    name = document.get("name") if isinstance(document, dict) else None
    ref = f"{record.id}/{slug}"
    problems = achievement_problems(
        achievement, name, expected, ref, current_only=current_only, expected_json=whole, former=former, proofs=proofs
    )
    if problems:
        return problems[0]
    return valid_from_before_definition(document, record.credentials[slug].model.created)


def registered_reason(registry: Registry, document: Any) -> str:
    """The "Registered here" check's words for an award this registry holds: the credential it counts towards, as
    the signed award's achievement names it (:meth:`Registry.credential_ref`), never as a record kept beside it
    says (the site's shard entry is not signed: a host could change it). The page's copy is verifier.js
    ``registeredReason``, held equal by tests/site/test_differential.py."""
    ref = registry.credential_ref(document) if isinstance(document, dict) else None
    return f"yes: published in this registry ({ref or '?'})"


def filed_under(owner: str, other: str) -> str:
    """The "Registered here" words for an award filed under ``other``, a second issuer declaring the DID ``owner``
    owns (verifier.js ``filedUnder``)."""
    return (
        f"no: no award with this hash is in this registry under {owner}, whose DID is its issuer's (it is "
        f"filed under {other}, which declares the same DID)"
    )


class RegisteredPolicy:
    """An award of an issuer registered here is in this registry: added by a reviewed change, with its status
    slot its own. One that is not (a file handed over, a changed award: any change changes its hash) is never
    valid, as on the site, which says valid only for an award the build published as it is."""

    def __init__(self) -> None:
        self._batches: dict[tuple[str, str], dict[str, list[tuple[Path, int | None]]]] = {}

    def check(self, ctx: VerificationContext) -> Check:
        label = "Registered here"
        record = ctx.registry_issuer
        if record is None or ctx.registry is None:
            return _not_checked("registered", label, "the issuer is not registered here", applicable=False)
        if ctx.award_hash is None:
            return _check("registered", label, False, "no: it cannot be canonicalized, so it has no award hash")
        if self._find(ctx.registry, record.id, ctx.award_hash) is not None:
            return _check("registered", label, True, registered_reason(ctx.registry, ctx.document))
        # Filed under a second issuer declaring its issuer's DID (id.duplicate-did, pushed past the check): said as
        # the page says it (verifier.js filedUnder), the award being in the registry, under another issuer.
        did = ctx.registry.issuer_did(record.id)
        for other in ctx.registry.issuers:
            same = other != record.id and ctx.registry.issuer_did(other) == did
            if same and self._find(ctx.registry, other, ctx.award_hash) is not None:
                return _check("registered", label, False, filed_under(record.id, other))
        return _check(
            "registered",
            label,
            False,
            "no: no award with this hash is in this registry (a changed award has a different hash)",
        )

    def _find(self, registry: Registry, issuer: str, digest: str) -> str | None:
        # A single award is found by its file name (and must hash to it); batch lines are hashed once per issuer,
        # leniently (fast), and the line found is then read strictly: a line holding a key twice has no award hash
        # (awards.award_text_hash), though its last-wins reading has one.
        awards = layout.awards_dir(registry.root, issuer)
        for path in sorted(awards.glob(f"*/{digest[:2]}/{digest}.json")) if awards.is_dir() else []:
            for source in read_award_file(registry.root, path):
                if award_text_hash(source.text) == digest:
                    return source.where
        key = (str(registry.root), issuer)
        if key not in self._batches:
            found: dict[str, list[tuple[Path, int | None]]] = {}
            for path in iter_award_files(registry.root, issuer) if awards.is_dir() else []:
                if path.suffix == ".jsonl":
                    for source in read_award_file(registry.root, path):
                        line_hash = lenient_text_hash(source.text)
                        if line_hash is not None:
                            found.setdefault(line_hash, []).append((path, source.line))
            self._batches[key] = found
        for path, line in self._batches[key].get(digest, []):
            for source in read_award_file(registry.root, path):
                if source.line == line and award_text_hash(source.text) == digest:
                    return source.where
        return None


class StatusPolicy:
    """Not revoked, according to the issuer's signed status list."""

    def check(self, ctx: VerificationContext) -> Check:
        label = "Not revoked"
        entry = ctx.document.get("credentialStatus") if isinstance(ctx.document, dict) else None
        if entry is None:
            return _not_checked("status", label, "no status entry: its issuer cannot revoke it", applicable=False)
        if ctx.status is None or ctx.issuer_id is None:
            return _not_checked("status", label, "no registry to look the status up in", applicable=True)
        outcome = ctx.status.status(entry, ctx.issuer_id, ctx.award_hash, ctx.now)
        if outcome.malformed:
            return _check("status", label, False, outcome.problem)
        if outcome.revoked is None:
            return _not_checked("status", label, outcome.problem, applicable=True)
        if outcome.revoked:
            if outcome.logged:
                return _check("status", label, False, revoked_reason(outcome.revoked_on, outcome.reason))
            # Only a line the issuer signed vouches for a date and a reason (policies.js statusPolicy).
            unsigned = outcome.unsigned
            note = f"; {unsigned}, so its date and reason are not shown" if unsigned else "; no reason is published"
            return _check("status", label, False, f"revoked (the issuer's signed status list says so{note})")
        return _check("status", label, True, "not revoked (issuer's signed status list)")


class ValidityPolicy:
    """Within validFrom / validUntil at the time of verification."""

    def check(self, ctx: VerificationContext) -> Check:
        label = "Validity period"
        doc = ctx.document if isinstance(ctx.document, dict) else {}
        start, end = parse_time(doc.get("validFrom")), parse_time(doc.get("validUntil"))
        if start is None:
            return _check("validity", label, False, "it has no readable start date (validFrom)")
        if end is None and doc.get("validUntil") is not None:
            # Never "does not expire": an end date one verifier cannot read is an invalid credential.
            return _check("validity", label, False, "its end date (validUntil) cannot be read")
        # Never "expired": a window that closes before it opens is a malformed credential (the structure check
        # refuses it too; the registry's profile also refuses one that closes as it opens).
        same_allowed = ctx.registry_issuer is None
        window = validity_window_problem(doc.get("validFrom"), doc.get("validUntil"), same_allowed=same_allowed)
        if window is not None:
            return _check("validity", label, False, f"validUntil {window}")
        if ctx.now < start:
            return _check("validity", label, False, f"not valid before {day(start)}")
        if end is not None and ctx.now > end:
            return _check("validity", label, False, f"expired on {day(end)}")
        until = f" until {day(end)}" if end else ", does not expire"
        return _check("validity", label, True, f"valid from {day(start)}{until}")


class SignedAheadPolicy:
    """Not signed at a time still to come: the registry's awards are signed at their validFrom (each proof created
    then: models/award.py ``signed_at_valid_from``), so one dated more than the signer's clock skew
    (:data:`~generator._internal.times.CLOCK_SKEW`) after the check's clock claims a signature no key made yet.
    The rest of the validity window is not judged: an expired award is a legitimate state of an award in the
    registry (``credreg verify`` and the site report it). An endorsement is held to the same rule, in the same
    words (generator/recognition.py ``_signed_ahead``). The verdict depends on the clock: never cached."""

    def check(self, ctx: VerificationContext) -> Check:
        label = "In force"
        value = ctx.document.get("validFrom") if isinstance(ctx.document, dict) else None
        if parse_time(value) is None:  # the structure check reports a missing or unreadable validFrom
            return _not_checked("validity", label, "it has no readable start date (validFrom)", applicable=True)
        reason = signed_ahead_reason(value, ctx.now)
        return _check("validity", label, False, reason) if reason else _check("validity", label, True, f"from {value}")


def signed_ahead_bound(now: dt.datetime) -> str:
    """The latest validFrom :class:`SignedAheadPolicy` takes at ``now``, in the one form an award publishes its
    times (whole seconds in UTC: :data:`~generator._internal.times.PUBLISHED_TIME_PATTERN`), in which a later
    time is a greater string. For a validFrom in that form, ``valid_from > signed_ahead_bound(now)`` is the
    policy's refusal (a whole second is after ``now + CLOCK_SKEW`` exactly when it is after that instant's whole
    second) at the cost of one string comparison: the fast path's (registry_check.py ``AwardChecker._fast``),
    where parsing a time the cache of parsed times misses costs about 6 µs an award."""
    bound = (now + CLOCK_SKEW).astimezone(dt.UTC)
    return f"{bound.year:04d}-{bound:%m-%dT%H:%M:%S}Z"


#: Why a hashed recipient cannot be compared without the key: said the same way by the site (policies.js).
NO_RECIPIENT_KEY = (
    "cannot confirm without the recipient key: the registry never publishes it; it is in the earner's "
    "verification link (after ~) and comes with their award file"
)

#: A hashed identifier of another algorithm (Open Badges 3.0 allows md5) is not compared: "does not match" would
#: refuse its own recipient too. Said the same way by the site (policies.js).
NOT_SHA256 = "cannot confirm: its recipient hash is not SHA-256 (sha256$…), the one algorithm compared here"


def comparable_identifier(ident: Any) -> bool:
    """Whether ``ident`` is an email IdentityObject as Open Badges 3.0 types it: ``hashed`` a boolean,
    ``identityHash`` a string, and ``salt``, when present, a string with UTF-8 to hash (no lone surrogate).

    Read by truthiness and by each language's text of a value, one identifier said two things: ``"hashed": []``
    is false in Python and true in JavaScript, ``"salt": true`` hashes as "True" here and "true" on the page, and
    a lone surrogate has no UTF-8 here while the page hashes U+FFFD in its place. Any other identifier is
    compared by neither (policies.js comparableIdentifier)."""
    if not isinstance(ident, dict) or ident.get("identityType") != "emailAddress":
        return False
    if type(ident.get("hashed")) is not bool or type(ident.get("identityHash")) is not str:
        return False
    if "salt" not in ident:
        return True
    salt = ident["salt"]
    if type(salt) is not str:
        return False
    try:
        salt.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class RecipientPolicy:
    """The recipient's email matches the credential's hashed identifier.

    ``identityHash`` is ``sha256(email + salt)``. A published ``salt`` (credentials from elsewhere) is used as
    is; this registry's awards carry none, and the salt is the earner's secret recipient key. Without either,
    only an unsalted hash can be compared; otherwise the recipient is *not checked*, and that blocks a valid
    verdict: the question was asked and cannot be answered. Only an identifier written as Open Badges 3.0
    defines it is compared (:func:`comparable_identifier`).
    """

    def check(self, ctx: VerificationContext) -> Check:
        label = "Recipient"
        if ctx.recipient is None or not ctx.recipient.strip():
            return _not_checked("recipient", label, "no recipient given to compare", applicable=False)
        try:
            forms = identifier_forms(ctx.recipient)
            key = normalize_recipient_key(ctx.recipient_key) if ctx.recipient_key is not None else ""
        except ValueError as exc:
            return _check("recipient", label, False, str(exc))
        subject = ctx.document.get("credentialSubject") if isinstance(ctx.document, dict) else None
        identifiers = subject.get("identifier", []) if isinstance(subject, dict) else []
        needs_key = other_algorithm = False
        for ident in identifiers if isinstance(identifiers, list) else []:
            if not comparable_identifier(ident):
                continue
            value = ident["identityHash"].lower()
            if ident["hashed"] and not value.startswith("sha256$"):
                other_algorithm = True
            elif ident["hashed"]:
                if "salt" in ident:
                    salt = ident["salt"]
                elif key:
                    salt = key
                else:
                    salt, needs_key = "", True
                if any(value == f"sha256${hashlib.sha256((form + salt).encode()).hexdigest()}" for form in forms):
                    return _check("recipient", label, True, f"awarded to {forms[0]} (the hashed recipient matches)")
            elif unicodedata.normalize("NFC", value.strip()) in forms:
                return _check("recipient", label, True, f"awarded to {forms[0]} (the recipient matches)")
        if needs_key:
            return _not_checked("recipient", label, NO_RECIPIENT_KEY, applicable=True)
        if other_algorithm:
            return _not_checked("recipient", label, NOT_SHA256, applicable=True)
        if key:
            return _check("recipient", label, False, "the email address and recipient key do not match the recipient")
        return _check("recipient", label, False, "the email address does not match the recipient")


def default_policies(*, profile: bool = False) -> Sequence[Policy]:
    """Everything a verdict needs, in the order results are shown."""
    return (
        StructurePolicy(profile=profile),
        *(ProofPolicy(suite) for suite in CRYPTOSUITES),
        UnsupportedProofPolicy(),
        KeyPolicy(),
        IssuerPolicy(),
        CredentialPolicy(),
        RegisteredPolicy(),
        StatusPolicy(),
        ValidityPolicy(),
        RecipientPolicy(),
    )
