"""The registry-wide part of ``credreg check``: every award, revocation and status list, verified.

Per award (a pure function of its text, so it can run in worker processes): no private key in its text (however escaped:
:func:`generator.governance.leaks.award_secret`; the full check's search of the repository leaves the awards to this),
strict parsing, the registry's award profile, both proofs, the key (its issuer's, valid when it signed), the issuer (the
folder's owner, as its records say), the credential (defined by that issuer, as its records say), and the file name (the
award's hash). Across awards: hashes and status list slots are unique, and every award and endorsement of the registry
has an id of its own. Per issuer: every revocation is signed by the issuer and matches an award, and the signed status
lists have exactly the revoked awards' bits set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator import layout
from generator._internal.progress import Progress
from generator._internal.source import Document, Positions, SourceError, parse_known_json
from generator._internal.times import epoch_micros, parse_time, signed_ahead_reason
from generator.awards import (
    AwardSource,
    award_hash,
    award_id_number,
    award_id_text,
    award_path_problem,
    iter_awards,
    iter_lines,
    parse_award_text,
    recipient_hash_number,
)
from generator.crypto.dataintegrity import CRYPTOSUITES, JCS, RDFC, verify_proof
from generator.crypto.jcs import canonicalize_without, fast_path_kind
from generator.errors import CredregError, CryptoError, Location, Problem, ProblemList
from generator.models.award import RevocationEntry
from generator.registry import Registry
from generator.statuslist import (
    get_bit,
    index_problem,
    list_file_number,
    parse_index,
    parse_list_url,
)
from generator.verify import Verifier
from generator.verify.keys import KeyResolver, ResolvedKey, window_problem
from generator.verify.policies import (
    CredentialPolicy,
    IssuerPolicy,
    KeyPolicy,
    Policy,
    ProofCache,
    ProofPolicy,
    RegistryLookups,
    SignedAheadPolicy,
    StructurePolicy,
    UnsupportedProofPolicy,
    VerificationContext,
    credential_problem,
    key_problem,
    proof_statement,
    signed_ahead_bound,
)
from generator.verify.results import CheckStatus
from generator.verify.status import ENDLESS, ListProblem, RegistryStatus

__all__ = [
    "AUTHENTICITY_POLICIES",
    "NEW_AWARD_POLICIES",
    "AwardChecker",
    "AwardIndex",
    "AwardOutcome",
    "check_awards",
    "check_revocations_and_lists",
    "duplicate_id_message",
    "index_endorsements",
    "list_numbers",
    "read_revocation",
    "revocation_key_problem",
    "revocation_signature_problem",
    "set_bits",
    "shared_recipient_message",
    "status_bit_problems",
]

_SIGNATURE_POLICIES: tuple[Policy, ...] = (
    StructurePolicy(profile=True),
    *(ProofPolicy(suite) for suite in CRYPTOSUITES),
    UnsupportedProofPolicy(),
    KeyPolicy(),
)

#: What the check asks of every award: authenticity and registration, and a signature not dated after the
#: check's clock (:class:`SignedAheadPolicy`). Expiry and revocation are legitimate states of an award in the
#: registry, so they are reported by ``credreg verify`` and the site, not here.
AUTHENTICITY_POLICIES: tuple[Policy, ...] = (
    *_SIGNATURE_POLICIES,
    IssuerPolicy(),
    CredentialPolicy(),
    SignedAheadPolicy(),
)

#: The same for the awards a pull request adds: they were signed now, so they carry their issuer's current
#: profile and the current version of their credential's definition (see :mod:`generator.verify.records`). Their
#: signing time is the pull-request check's freshness rule (governance/new_awards.py, ``governance.fresh-signature``:
#: neither backdated nor ahead of its clock), so :class:`SignedAheadPolicy` is not asked again: one problem, not two.
NEW_AWARD_POLICIES: tuple[Policy, ...] = (
    *_SIGNATURE_POLICIES,
    IssuerPolicy(current_only=True),
    CredentialPolicy(current_only=True),
)

# Where in the award each check's problem is reported.
_CHECK_FIELD = {
    "structure": [],
    **{f"proof:{suite}": ["proof"] for suite in CRYPTOSUITES},
    "proof": ["proof"],
    "key": ["proof"],
    "issuer": ["issuer"],
    "credential": ["credentialSubject", "achievement", "id"],
    "validity": ["validFrom"],
}


@dataclass(frozen=True, slots=True)
class AwardOutcome:
    """What the cross-award rules need from one award, plus its own problems."""

    source_path: str
    line: int | None
    digest: str | None
    issuer: str | None
    status_list: int | None = None
    status_index: int | None = None
    problems: tuple[Problem, ...] = ()
    credential: str | None = None
    """``issuer/slug`` of the credential the award counts towards (:meth:`Registry.credential_ref`)."""
    valid_until: int | None = None
    """Its ``validUntil``, in microseconds since 1970 (:func:`~generator._internal.times.epoch_micros`)."""
    award_id: int | None = None
    """Its ``id`` as a number (:func:`~generator.awards.award_id_number`)."""
    recipient: int | None = None
    """Its recipient's keyed hash as a number (:func:`~generator.awards.recipient_hash_number`)."""

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Outcomes cross process boundaries by the hundred thousand: a plain tuple pickles several times faster
        # than the dataclass's slot state.
        fields = (self.source_path, self.line, self.digest, self.issuer, self.status_list, self.status_index)
        return AwardOutcome, (*fields, self.problems, self.credential, self.valid_until, self.award_id, self.recipient)


class AwardChecker:
    """Checks single awards against a loaded registry. Reusable across awards (shares key lookups).

    With a ``proof_cache`` (:class:`generator.verify.cache.VerificationCache`), an award's RDFC proof is
    looked up by the SHA-256 of its exact bytes and the key, and verified only when that statement is not
    recorded; the JCS proof is verified every time. ``new``: the awards a change adds (the PR check), which
    must carry their credential's current definition. ``now``: the clock the awards are judged at (default: when
    the checker is made), read once so that the full path and the fast path judge every award at one instant.

    Awards whose exact bytes the cache knows to be well-formed take a fast path (:meth:`_fast`) that applies
    the same rules, through the same functions, without the policy objects; any award it does not pass goes
    down the full path, which says what is wrong. ``fast_path=False`` checks every award the full way (the
    tests compare the two).
    """

    def __init__(
        self,
        registry: Registry,
        *,
        proof_cache: ProofCache | None = None,
        new: bool = False,
        fast_path: bool = True,
        now: dt.datetime | None = None,
    ) -> None:
        self.registry = registry
        self.now = now or dt.datetime.now(dt.UTC)
        # SignedAheadPolicy's bound, as the fast path compares it; a new award's time is the freshness rule's.
        self._latest = None if new else signed_ahead_bound(self.now)
        policies = NEW_AWARD_POLICIES if new else AUTHENTICITY_POLICIES
        self.verifier = Verifier(registry, policies=policies, proof_cache=proof_cache, profile=True)
        self.fast_path = fast_path
        self._current_only = new
        # Per-award lookups, answered once per check: the registry does not change while it is checked.
        self._keys = _MemoResolver(self.verifier.keys)
        self._lookups = RegistryLookups.of(registry)
        self._dids = {issuer: registry.issuer_did(issuer) for issuer in registry.issuers}
        self._folder: tuple[str, str | None] = ("", None)
        # Imported here, not at the top: the governance package imports this module.
        from generator.governance import leaks

        self._leaks = leaks
        # A token of 32 bytes in an award is a key when it is the seed of a registered key (tested once each).
        self._registered = leaks.RegisteredKeys.of(registry)
        self._keyset = self._registered.fingerprint
        # A key registered since the cache's statements were made: known awards are searched for its seed alone
        # (about 0.1 ms), not sent down the full path (about 2 ms), once. Other changes take the full path once.
        self._earlier: tuple[str, leaks.RegisteredKeys] | None = None
        if proof_cache is not None:
            # Looked up, not only put: a full check's cache keeps what it used or added, and drops the rest.
            if proof_cache.get(_keyset_statement(self._keyset)) is not True:
                proof_cache.put(_keyset_statement(self._keyset), True)
            for earlier in self._registered.one_fewer():
                if proof_cache.get(_keyset_statement(earlier[0])) is True:
                    self._earlier = earlier
                    break
        self._kinds = list(_JCS_KINDS)  # the kind the last known award had comes first

    def _folder_issuer(self, path: str) -> str | None:
        # The lines of a batch share their path: classify it once.
        if self._folder[0] != path:
            self._folder = (path, layout.classify(path).issuer)
        return self._folder[1]

    def check(self, source: AwardSource) -> AwardOutcome:
        if self.verifier.proof_cache is None:
            # Text made up (not read from a file) may hold a lone surrogate, which has no exact bytes: searched as
            # its code points are, then.
            try:
                raw = source.raw
            except UnicodeEncodeError:
                raw = source.text.encode("utf-8", "surrogatepass")
            secret = self._secret(source.path, source.line, raw, source)
            return self._full(source, self._folder_issuer(source.path), None, None, secret)
        return self.check_bytes(source.path, source.line, source.raw, source)

    def _secret(self, path: str, line: int | None, raw: bytes, source: AwardSource | None) -> Problem | None:
        """The refusal of an award whose text holds a private key (:func:`generator.governance.leaks.award_secret`),
        at the field that holds it when the award parses; the key itself is never shown."""
        found = self._leaks.award_secret(raw, self._registered)
        if found is None:
            return None
        at, what = found
        message, code = self._leaks.private_key_message(what), self._leaks.PRIVATE_KEY_CODE
        if source is None:
            source = AwardSource(path, line, raw.decode("utf-8", errors="surrogateescape"))
        try:
            doc = source.parse()
        except SourceError:
            doc = None
        field = self._leaks.secret_field(doc.data, self._registered) if doc is not None else None
        if doc is not None and field is not None:
            return doc.problem(field, message, code=code)
        return Problem(Location(path, line if line is not None else at), message, code=code)

    def check_bytes(self, path: str, line: int | None, raw: bytes, source: AwardSource | None = None) -> AwardOutcome:
        """:meth:`check` of the award whose exact bytes are ``raw`` (the file, or line ``line`` of a batch)."""
        folder_issuer = self._folder_issuer(path)
        cache = self.verifier.proof_cache
        # Statements in the cache name the exact bytes; what depends only on them (strict parsing, structure
        # and profile, the RDFC proof) is done once. The JCS proof and everything that depends on the registry
        # (keys and their windows, issuer, credential, folder, file name, status slot) is checked every time.
        source_digest = known = None
        if cache is not None:
            source_digest = hashlib.sha256(raw).hexdigest()
            known = self._known_kind(cache, source_digest, raw)
            if known is not None and self.fast_path:
                outcome = self._fast(path, line, raw, folder_issuer, source_digest, known)
                if outcome is not None:
                    return outcome
        # Bytes the cache knows to be a well-formed award hold no private key (its statement says so too).
        secret = self._secret(path, line, raw, source) if known is None else None
        if source is None:
            source = AwardSource(path, line, raw.decode("utf-8", errors="surrogateescape"))
        return self._full(source, folder_issuer, source_digest, known, secret)

    def _known_kind(self, cache: ProofCache, source_digest: str, raw: bytes) -> str | None:
        """How RFC 8785 serializes the award, when the cache knows its bytes to be a well-formed award holding
        no seed of a registered key."""
        kind = self._kind_for(cache, source_digest, self._keyset)
        if kind is None and self._earlier is not None:
            keyset, added = self._earlier
            kind = self._kind_for(cache, source_digest, keyset)
            if kind is not None:
                if added.first(raw) is not None:
                    return None  # the full path says where
                cache.put(_profile_statement(kind, source_digest, self._keyset), True)
        return kind

    def _kind_for(self, cache: ProofCache, source_digest: str, keyset: str) -> str | None:
        kinds = self._kinds
        for kind in kinds:
            if cache.get(_profile_statement(kind, source_digest, keyset)) is True:
                if kind != kinds[0]:  # a batch's awards are of one kind: ask for it first
                    kinds.remove(kind)
                    kinds.insert(0, kind)
                return kind
        return None

    def _fast(
        self, path: str, line: int | None, raw: bytes, folder_issuer: str | None, source_digest: str, known: str
    ) -> AwardOutcome | None:
        """The outcome of an award the cache knows to be well-formed, when every rule of the full path passes;
        ``None`` as soon as one does not, or the award is not exactly of the shape the profile makes common.

        The same rules as :meth:`_full` and the policies, through the same functions: the structure and profile
        (the cache's statement about the bytes; the validity window's coherence is one of them, so it costs
        nothing here), the key (:func:`key_problem`), the RDFC proof (the cache's statement), the JCS proof
        (verified, from the bytes), the issuer and the credential (the registry's records), the folder, the file
        name, the status slot, and the signing time (:class:`SignedAheadPolicy`, by
        :func:`~generator.verify.policies.signed_ahead_bound`: the profile writes validFrom in the one form in
        which a later time is a greater string)."""
        try:
            # Bytes of these kinds hold no integer beyond ±(2**53 − 1) (see generator.crypto.jcs).
            data = parse_known_json(raw, safe_integers=known != "other")
        except (ValueError, RecursionError):
            return None
        if type(data) is not dict:
            return None
        latest = self._latest
        if latest is not None and not (type(valid_from := data.get("validFrom")) is str and valid_from <= latest):
            return None  # signed ahead of the clock: the full path says so, and the verdict is never cached
        proofs = data.get("proof")
        if type(proofs) is not list or len(proofs) != 2 or not all(type(p) is dict for p in proofs):
            return None
        rdfc, jcs = proofs if proofs[0].get("cryptosuite") == RDFC else reversed(proofs)
        method = rdfc.get("verificationMethod")
        if rdfc.get("cryptosuite") != RDFC or jcs.get("cryptosuite") != JCS or type(method) is not str:
            return None
        if jcs.get("verificationMethod") != method:
            return None
        issuer = data.get("issuer")
        issuer_id = issuer.get("id") if type(issuer) is dict else None
        subject = data.get("credentialSubject")
        achievement = subject.get("achievement") if type(subject) is dict else None
        if type(issuer_id) is not str or type(achievement) is not dict:
            return None
        expected_did = self._dids.get(folder_issuer) if folder_issuer is not None else None
        if expected_did is not None and issuer_id != expected_did:
            return None
        key = self._keys.resolve(method)
        if key is None or key_problem(key, method, issuer_id, proofs, data) is not None:
            return None
        record = self._lookups.by_did.get(issuer_id)
        if record is None or self._lookups.issuer_problems(record, issuer, proofs, current_only=self._current_only):
            return None
        achievement_id = achievement.get("id")
        slug = self._lookups.slug_of(record, achievement_id)
        if slug is None or type(achievement_id) is not str:
            return None
        expected = self._lookups.achievements[achievement_id]  # the id is the credential's URL
        whole = self._lookups.canonical_of(expected)
        former = self._lookups.former[record.id]
        current_only = self._current_only
        if credential_problem(
            record,
            slug,
            achievement,
            data,
            expected,
            current_only=current_only,
            whole=whole,
            former=former,
            proofs=proofs,
        ):
            return None
        status_list, status_index = _status_slot(self.registry, folder_issuer, data.get("credentialStatus"))
        if status_list is None and folder_issuer is not None:
            return None
        try:
            full, unsecured = canonicalize_without(data, "proof", kind=known)
        except CryptoError:
            return None
        digest = hashlib.sha256(full).hexdigest()
        if award_path_problem(path, line, digest, slug, data.get("validFrom")) is not None:
            return None
        cache = self.verifier.proof_cache
        assert cache is not None
        if cache.get(proof_statement(source_digest, RDFC, method, key.public)) is not True:
            return None
        if not verify_proof(data, jcs, key.public, jcs_document=unsecured):
            return None
        facts = self._outcome_facts(data)
        return AwardOutcome(path, line, digest, folder_issuer, status_list, status_index, (), *facts)

    def _outcome_facts(self, data: dict[str, Any]) -> tuple[str | None, int | None, int | None, int | None]:
        """What the site counts of an award (:attr:`AwardOutcome.credential`, :attr:`AwardOutcome.valid_until`),
        and its id and recipient hash for the rules across awards (:attr:`AwardOutcome.award_id`,
        :attr:`AwardOutcome.recipient`)."""
        return (
            self.registry.credential_ref(data),
            epoch_micros(data.get("validUntil")),
            award_id_number(data.get("id")),
            recipient_hash_number(data),
        )

    def _full(
        self,
        source: AwardSource,
        folder_issuer: str | None,
        source_digest: str | None,
        known: str | None,
        secret: Problem | None = None,
    ) -> AwardOutcome:
        """Every policy, and every problem found (``secret``: the refusal of a private key in its text, first)."""
        cache = self.verifier.proof_cache
        try:
            doc = source.parse(strict=known is None)
        except SourceError as exc:
            return AwardOutcome(source.path, source.line, None, folder_issuer, problems=tuple(exc.problems))
        data = doc.data
        if not isinstance(data, dict):
            problem = doc.problem([], "an award must be a JSON object", code="award.structure")
            return AwardOutcome(source.path, source.line, None, folder_issuer, problems=(problem,))
        # One canonicalization gives the award hash and the bytes the JCS proof signs.
        digest: str | None
        try:
            full, unsecured = canonicalize_without(data, "proof", kind=known)
        except CryptoError:
            digest, unsecured = None, None  # the JCS proof check says why
        else:
            digest = hashlib.sha256(full).hexdigest()
        ctx = VerificationContext(
            document=data,
            now=self.now,
            keys=self._keys,
            registry=self.registry,
            award_hash=digest,
            proof_cache=cache,
            source_digest=source_digest,
            jcs_unsecured=unsecured,
            lookups=self._lookups,
            structure_verified=known is not None,
        )
        problems: list[Problem] = [] if secret is None else [secret]
        structure_ok = secret is None
        for policy in self.verifier.policies:
            check = policy.check(ctx)
            if check.status is CheckStatus.FAILED:
                loc = _CHECK_FIELD.get(check.id, [])
                if check.id == "structure":
                    # A single problem with a top-level field ("validUntil: ...") is reported at its line.
                    head, sep, _ = check.reason.partition(": ")
                    if sep and "; " not in check.reason and head in data:
                        loc = [head]
                problems.append(doc.problem(loc, f"{check.label}: {check.reason}", code=f"award.{check.id}"))
                structure_ok = structure_ok and check.id != "structure"
        if cache is not None and source_digest is not None and known is None and structure_ok and digest is not None:
            # Strictly parsed, a well-formed award of the registry's profile holding no private key, and serialized
            # this way.
            cache.put(_profile_statement(fast_path_kind(data), source_digest, self._keyset), True)
        expected_did = self._dids.get(folder_issuer) if folder_issuer is not None else None
        issuer_id = data["issuer"].get("id") if isinstance(data.get("issuer"), dict) else data.get("issuer")
        if expected_did is not None and issuer_id != expected_did:
            problems.append(
                doc.problem(
                    ["issuer", "id"],
                    f"this award is in {folder_issuer}'s folder but is issued by {issuer_id}",
                    code="award.wrong-folder",
                )
            )
        if digest is None:
            problems.append(doc.problem([], "the award cannot be canonicalized (RFC 8785)", code="award.structure"))
        elif (
            misnamed := award_path_problem(
                source.path, source.line, digest, _credential_slug(self.registry, data), data.get("validFrom")
            )
        ) is not None:
            problems.append(doc.problem([], misnamed, code="award.filename"))
        status_list, status_index = _status_slot(self.registry, folder_issuer, data.get("credentialStatus"))
        if status_list is None and folder_issuer is not None and not problems:
            problems.append(
                doc.problem(
                    ["credentialStatus", "statusListCredential"],
                    f"the status list is not one of {folder_issuer}'s lists in this registry",
                    code="award.status-list",
                )
            )
        return AwardOutcome(
            source.path,
            source.line,
            digest,
            folder_issuer,
            status_list,
            status_index,
            tuple(problems),
            *self._outcome_facts(data),
        )


def duplicate_id_message(award_id: int, first: str, *, what: str = "award") -> str:
    """Why an award (or an endorsement: ``what``) whose id an earlier award or endorsement (at ``first``, any
    issuer's or endorser's) has is refused: the full check's and the pull-request check's words. An OB 3.0 / VC
    ``id`` names one credential: two with one id are the same credential to a wallet, a verifier or a revocation."""
    return (
        f"the id {award_id_text(award_id)} is already the id of the credential in {first}: every award and "
        f"endorsement in the registry needs an id of its own, whoever issued it (re-issue this {what})"
    )


def shared_recipient_message(first: str) -> str:
    """Why an award whose recipient hash an earlier award of its issuer (at ``first``) has is refused: the full
    check's and the pull-request check's words. ``credreg award`` keys every award's hash with a fresh recipient
    key; the same hash twice is a key used twice (or none), and publishes that the two awards are one person's."""
    return (
        f"its recipient hash (identityHash) is already that of the award in {first}: the two are publicly one "
        "person's, whose other awards then name them too; every award's hash must be keyed with a recipient key of "
        "its own (credreg award makes one), never one kept per person, nor none (re-issue this award)"
    )


def _intern(ids: dict[Any, int], values: list[Any], value: Any) -> int:
    """``value``'s number in ``values`` (appended the first time): a repeated string stored once."""
    number = ids.get(value)
    if number is None:
        number = ids[value] = len(values)
        values.append(value)
    return number


def _profile_statement(kind: str, source_digest: str, keyset: str) -> str:
    """What the cache records about bytes that parsed strictly into a well-formed award of the registry's
    profile, holding no private key (:func:`generator.governance.leaks.award_secret`) of the registered keys
    ``keyset`` names (:attr:`~generator.governance.leaks.RegisteredKeys.fingerprint`), which RFC 8785 serializes
    the ``kind`` way (:func:`generator.crypto.jcs.fast_path_kind`). A key registered (or removed) since makes
    every award take the full path once, its RDFC proof still known (one key added: a search for its seed
    only); a token of an award becomes a key's seed only when its key is registered."""
    return f"award-profile|{kind}|{keyset}|{source_digest}"


def _keyset_statement(keyset: str) -> str:
    """That the cache holds statements made for the registered keys ``keyset`` names: a hint only, to find the
    set one key smaller (:meth:`AwardChecker._known_kind`); the statements about each award decide."""
    return f"keyset|{keyset}"


def _credential_slug(registry: Registry, data: dict[str, Any]) -> str | None:
    """The slug of the credential the award names (:meth:`Registry.credential_ref`), for its batch's name."""
    ref = registry.credential_ref(data)
    return ref.rsplit("/", 1)[1] if ref is not None else None


class _MemoResolver:
    """A key resolver that answers each verification method once."""

    def __init__(self, inner: KeyResolver) -> None:
        self._inner = inner
        self._known: dict[str, ResolvedKey | None] = {}

    def resolve(self, verification_method: str) -> ResolvedKey | None:
        try:
            return self._known[verification_method]
        except KeyError:
            found = self._known[verification_method] = self._inner.resolve(verification_method)
            return found


_JCS_KINDS = ("exact", "floats", "other")


def _status_slot(registry: Registry, issuer: str | None, entry: Any) -> tuple[int | None, int | None]:
    """(list, index) of an award's status entry, when the list is one of its folder issuer's."""
    if issuer is None or not isinstance(entry, dict):
        return None, None
    located = parse_list_url(registry.site_url, entry.get("statusListCredential"))
    index = parse_index(entry.get("statusListIndex"))
    if located is None or located[0] != issuer or index is None:
        return None, None
    return located[1], index


# A status slot (list number, index) packs into one int; an award's location into another. Together they make
# one dict value per award: a few hundred bytes per award in all, whatever the registry's size.
_SLOT_BITS = 48
_SLOT_MASK = (1 << _SLOT_BITS) - 1
_NO_SLOT = _SLOT_MASK  # the largest slot: (list 65535, index 2**32 - 1) is never a real one
_LOC_BITS = 64
#: Above slot and location: what the site counts (the credential, ``validUntil``), ``until << 32 | credential``.
_FACTS_SHIFT = _LOC_BITS + _SLOT_BITS
#: ``validUntil`` in microseconds since 1970 plus this (0: none); it covers years 1 to 9999.
_UNTIL_OFFSET = 1 << 62


def _pack_slot(status_list: int | None, status_index: int | None) -> int:
    if status_list is None or status_index is None or status_list >= 1 << 16 or status_index >= 1 << 32:
        return _NO_SLOT
    return status_list << 32 | status_index


class AwardIndex:
    """Per issuer: award hashes, their status slots, ids and where each award is: what the rules across awards
    and the revocation checks need, and no more.

    Compact by construction: a hash is kept as 32 bytes, a slot and a location as one int, an id as its 128-bit
    number, and a single-award file's path is its folder (shared) plus its hash. About 300 bytes per award.
    """

    def __init__(self) -> None:
        self.count = 0
        self._awards: dict[str, dict[bytes, int]] = {}
        """issuer → award hash → ``slot << 64 | location``."""
        self._slots: dict[str, dict[int, bytes]] = {}
        """issuer → slot → the hash of the award that holds it."""
        self._paths: list[str] = []
        self._path_ids: dict[str, int] = {}
        self._ids: dict[int, bytes] = {}
        """Award or endorsement id (:func:`~generator.awards.award_id_number`) → the hash of the award or
        endorsement that has it, registry-wide (whose it is is looked up only for a refusal: :meth:`_anywhere`)."""
        self._endorsements: dict[str, dict[bytes, tuple[int, str]]] = {}
        """owner → endorsement hash → (slot, its file). An issuer's endorsements share its status lists, so their
        slots are in :attr:`_slots` beside its awards' (an endorser's, beside its other endorsements')."""
        self._credentials: list[str | None] = [None]
        """The credentials awards count towards, by id (0: none)."""
        self._credential_ids: dict[str | None, int] = {None: 0}
        self._recipients: dict[str, dict[int, bytes]] = {}
        """issuer → the first 64 bits of an award's recipient hash → the award's hash (8 bytes, not 32: two
        awards of one issuer sharing them by chance is one in 10**7 at a million awards)."""

    def _location(self, path: str, line: int | None, digest: bytes) -> int:
        # Single files named after their hash are stored as their folder; anything else by its full path.
        explicit = line is not None or not path.endswith(f"/{digest.hex()}.json")
        stored = path if explicit else path.rpartition("/")[0]
        return _intern(self._path_ids, self._paths, stored) << 33 | (line or 0) << 1 | explicit

    def _holder(self, owner: str, digest: bytes) -> str:
        """Where the award or endorsement with this hash is."""
        value = self._awards.get(owner, {}).get(digest)
        return self._where(digest, value) if value is not None else self._endorsements[owner][digest][1]

    def _anywhere(self, digest: bytes) -> str:
        """Where the award or endorsement with this hash is, whoever's it is (for the rare refusal that needs it)."""
        for awards in self._awards.values():
            if digest in awards:
                return self._where(digest, awards[digest])
        return next(found[digest][1] for found in self._endorsements.values() if digest in found)

    def _new_id(self, number: int, digest: bytes) -> str | None:
        """Record that the award or endorsement with hash ``digest`` has id ``number``; where the one that has it
        already is (``None``: none has)."""
        first = self._ids.setdefault(number, digest)
        return None if first == digest else self._anywhere(first)

    def _where(self, digest: bytes, value: int) -> str:
        location = value & ((1 << _LOC_BITS) - 1)
        stored = self._paths[location >> 33]
        line = (location >> 1) & 0xFFFFFFFF
        if not location & 1:
            return f"{stored}/{digest.hex()}.json"
        return f"{stored}:{line}" if line else stored

    def add(self, outcome: AwardOutcome, problems: ProblemList) -> None:
        """Count an award and apply the rules across awards (unique hashes, unique status slots, ids distinct
        registry-wide)."""
        self.count += 1
        problems.extend(outcome.problems)
        if outcome.digest is None or outcome.issuer is None:
            return
        digest = bytes.fromhex(outcome.digest)
        per_issuer = self._awards.setdefault(outcome.issuer, {})
        first = per_issuer.get(digest)
        if first is not None:
            problems.add(
                outcome.source_path,
                f"the same award is already in {self._where(digest, first)}",
                line=outcome.line,
                code="award.duplicate",
            )
            return
        slot = _pack_slot(outcome.status_list, outcome.status_index)
        location = self._location(outcome.source_path, outcome.line, digest)
        per_issuer[digest] = self._facts(outcome) << _FACTS_SHIFT | slot << _LOC_BITS | location
        if outcome.award_id is not None and not outcome.problems:  # an award with problems is refused already
            earlier = self._new_id(outcome.award_id, digest)
            if earlier is not None:
                problems.add(
                    outcome.source_path,
                    duplicate_id_message(outcome.award_id, earlier),
                    line=outcome.line,
                    field="id",
                    code="award.duplicate-id",
                )
        if outcome.recipient is not None and not outcome.problems:
            first_holder = self._recipients.setdefault(outcome.issuer, {}).setdefault(outcome.recipient >> 192, digest)
            if first_holder != digest:
                problems.add(
                    outcome.source_path,
                    shared_recipient_message(self._holder(outcome.issuer, first_holder)),
                    line=outcome.line,
                    field="credentialSubject.identifier",
                    code="award.shared-recipient-hash",
                )
        if slot == _NO_SLOT:
            return
        slots = self._slots.setdefault(outcome.issuer, {})
        holder = slots.get(slot)
        if holder is not None:
            problems.add(
                outcome.source_path,
                f"status list {outcome.status_list} index {outcome.status_index} is already used by "
                f"{self._holder(outcome.issuer, holder)} "
                "(two changes allocated the same index: re-issue one of the awards)",
                line=outcome.line,
                field="credentialStatus.statusListIndex",
                code="award.duplicate-status-index",
            )
        else:
            slots[slot] = digest

    def _facts(self, outcome: AwardOutcome) -> int:
        credential = _intern(self._credential_ids, self._credentials, outcome.credential)
        until = 0 if outcome.valid_until is None else outcome.valid_until + _UNTIL_OFFSET
        return until << 32 | credential

    def add_endorsement(
        self,
        owner: str,
        digest: str,
        status_list: int,
        status_index: int,
        where: str,
        endorsement_id: int | None = None,
    ) -> tuple[str | None, str | None]:
        """Count an endorsement's status slot in its owner's lists (an issuer's are shared with its awards) and its
        id (``endorsement_id``, :func:`~generator.awards.award_id_number`) among every award's and endorsement's;
        returns where the award or endorsement that already holds the slot is, and where the one that already has
        the id is (``None``: free)."""
        key = bytes.fromhex(digest)
        slot = _pack_slot(status_list, status_index)
        endorsements = self._endorsements.setdefault(owner, {})
        if key in endorsements:
            return None, None  # the same file counted twice: not a second holder
        endorsements[key] = (slot, where)
        id_holder = self._new_id(endorsement_id, key) if endorsement_id is not None else None
        if slot == _NO_SLOT:
            return None, id_holder
        holder = self._slots.setdefault(owner, {}).setdefault(slot, key)
        return (None if holder == key else self._holder(owner, holder)), id_holder

    def endorsement(self, owner: str, digest: str) -> tuple[int | None, int | None, str] | None:
        """(status list, index, where) of the owner's endorsement with this hash, or ``None``."""
        try:
            found = self._endorsements.get(owner, {}).get(bytes.fromhex(digest))
        except ValueError:
            return None
        if found is None:
            return None
        slot, where = found
        return (None, None, where) if slot == _NO_SLOT else (slot >> 32, slot & 0xFFFFFFFF, where)

    def published(self) -> Iterator[tuple[str, str, str | None, int | None]]:
        """(issuer, award hash, credential ``issuer/slug``, ``validUntil`` in microseconds since 1970) of every
        award counted once: what the site's statistics need, without reading the awards again."""
        credentials = self._credentials
        for issuer, awards in self._awards.items():
            for digest, value in awards.items():
                facts = value >> _FACTS_SHIFT
                credential, until = facts & 0xFFFFFFFF, facts >> 32
                yield (
                    issuer,
                    digest.hex(),
                    credentials[credential],
                    until - _UNTIL_OFFSET if until else None,
                )

    def award(self, issuer: str, digest: str) -> tuple[int | None, int | None, str] | None:
        """(status list, index, where) of the award with this hash, or ``None``."""
        try:
            key = bytes.fromhex(digest)
        except ValueError:
            return None
        value = self._awards.get(issuer, {}).get(key)
        if value is None:
            return None
        slot = (value >> _LOC_BITS) & _SLOT_MASK
        where = self._where(key, value)
        return (None, None, where) if slot == _NO_SLOT else (slot >> 32, slot & 0xFFFFFFFF, where)

    def lists(self, issuer: str) -> set[int]:
        """The status lists the issuer's awards and endorsements use."""
        return {slot >> 32 for slot in self._slots.get(issuer, {})}

    def beyond(self, issuer: str, number: int, size: int) -> Iterator[tuple[int, str, int | None]]:
        """(index, path, line) of the issuer's awards whose slot in list ``number`` is not below ``size``."""
        awards = self._awards.get(issuer, {})
        for slot, digest in self._slots.get(issuer, {}).items():
            if slot >> 32 == number and slot & 0xFFFFFFFF >= size and digest in awards:  # endorsements: their verdict
                path, _, line = self._where(digest, awards[digest]).partition(":")
                yield slot & 0xFFFFFFFF, path, int(line) if line else None


def check_awards(
    registry: Registry,
    problems: ProblemList,
    *,
    outcomes: Iterable[AwardOutcome] | None = None,
    progress: Progress | None = None,
    proof_cache: ProofCache | None = None,
) -> AwardIndex:
    """Check every award (streamed) and the rules across them. ``outcomes`` lets a caller supply results
    computed elsewhere (in parallel, :mod:`generator.verify.parallel`); by default they are computed here."""
    if outcomes is None:
        checker = AwardChecker(registry, proof_cache=proof_cache)
        outcomes = (checker.check(source) for source in iter_awards(registry.root))
    index = AwardIndex()
    for outcome in outcomes:
        index.add(outcome, problems)
        if progress is not None:
            progress.advance()
    return index


def check_revocations_and_lists(
    registry: Registry, index: AwardIndex, problems: ProblemList, *, now: dt.datetime | None = None
) -> int:
    """Every revocation signed by its issuer, not dated after ``now`` (default: the clock) and matching an award or
    an endorsement of that issuer; status lists signed and consistent. The endorsements' status slots are counted
    first (:func:`index_endorsements`)."""
    now = now or dt.datetime.now(dt.UTC)
    index_endorsements(registry, index, problems)
    status = RegistryStatus(registry, Verifier(registry).keys)
    revoked_total = 0
    for issuer in sorted(registry.issuers):
        revoked_slots = _check_revocations(registry, issuer, index, problems, now)
        revoked_total += len(revoked_slots)
        _check_status_lists(registry, issuer, status, revoked_slots, index, problems)
    return revoked_total


def index_endorsements(registry: Registry, index: AwardIndex, problems: ProblemList) -> None:
    """Count every endorsement's status slot in its owner's lists, after the awards: an issuer's endorsements
    share its award lists, so a slot held by an award (or by another endorsement) is refused on the endorsement,
    naming the other holder. Endorsement files that cannot be read or hashed are the endorsement check's to
    report (:func:`generator.recognition.check_endorsements`)."""
    from generator.endorsements import (
        endorsement_slots,
        iter_endorsements,
        slot_taken_message,
    )  # here: it imports the verifier

    for owner in [*sorted(registry.issuers), *sorted(registry.endorsers)]:
        for found, number, i in endorsement_slots(registry, owner, iter_endorsements(registry.root, owner)):
            try:
                digest = award_hash(found.document)
            except CredregError:
                continue
            rel = layout.relpath(registry.root, found.path)
            number_id = award_id_number(found.document.get("id"))
            holder, id_holder = index.add_endorsement(owner, digest, number, i, rel, number_id)
            refusals = []
            if holder is not None:
                refusals.append(
                    (
                        ["credentialStatus", "statusListIndex"],
                        slot_taken_message(number, i, holder),
                        "endorsement.duplicate-status-index",
                    )
                )
            if id_holder is not None and number_id is not None:
                refusals.append(
                    (["id"], duplicate_id_message(number_id, id_holder, what="endorsement"), "endorsement.duplicate-id")
                )
            for field, message, code in refusals:
                if found.source is not None:
                    problems.append(found.source.problem(field, message, code=code))
                else:
                    problems.add(rel, message, field=".".join(field), code=code)


def _check_revocations(
    registry: Registry, issuer: str, index: AwardIndex, problems: ProblemList, now: dt.datetime
) -> dict[tuple[int, int], int]:
    """Check the issuer's revocation log; returns the revoked (list, index) slots and their log lines."""
    log = layout.revocations_path(registry.root, issuer)
    rel = layout.relpath(registry.root, log)
    keys = Verifier(registry).keys
    seen: dict[str, int] = {}
    slots: dict[tuple[int, int], int] = {}
    for line, data in _revocation_lines(log, rel, problems):
        doc = Document(rel, data, Positions(at={(): (line, 1)}))
        problem, entry = _judge_revocation(registry, issuer, keys, index, seen, doc, now)
        if problem is not None:
            problems.append(problem)
        if entry is not None:  # a revocation refused only for its date still explains its bit: one problem
            seen[entry.award] = line
            slots[(entry.statusList, entry.statusListIndex)] = line
    return slots


def read_revocation(doc: Document) -> tuple[Problem | None, RevocationEntry | None]:
    """One revocation line as an entry, or the first problem with its shape."""
    try:
        return None, RevocationEntry.model_validate(doc.data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = [p for p in err["loc"] if isinstance(p, (str, int))]
        return doc.problem(loc, str(err["msg"]).removeprefix("Value error, "), code="revocation.schema"), None


def revocation_key_problem(
    doc: Document, entry: RevocationEntry, keys: KeyResolver, issuer: str, issuer_did: str
) -> tuple[Problem | None, ResolvedKey | None]:
    """The key of a revocation entry: the issuer's registered key, valid when it signed; or why not. (The full
    check and the pull-request check both ask this; the PR check adds freshness.)"""
    method = entry.proof.verificationMethod
    key = keys.resolve(method)
    if key is None or key.controller != issuer_did or key.record is None:
        return doc.problem(["proof"], f"not signed by a key of {issuer}: {method}", code="revocation.key"), None
    created = parse_time(entry.proof.created)
    late = window_problem(key.record, created) if created else "the proof has no valid 'created' time"
    if late:
        return doc.problem(["proof"], late, code="revocation.key"), None
    return None, key


def status_bit_problems(
    rel: str,
    number: int,
    bits: bytes,
    revoked: dict[tuple[int, int], int],
    problems: ProblemList,
    *,
    revoked_in: str = "revocations.jsonl:{line}",
    unexplained: bool = True,
) -> None:
    """A status list's bits against the signed revocations: each revoked slot set, no bit set without one.

    An endorser keeps no revocation log: its record is the list as the base commit signed it (``revoked_in``
    says where a slot was revoked; ``unexplained=False``, since its new bits are explained by the list's own
    signature)."""
    for (n, i), line in sorted(revoked.items()):
        if n == number and not (index_problem(i, bits) is None and get_bit(bits, i)):
            problems.add(
                rel,
                f"index {i} is revoked in {revoked_in.format(line=line)} but its bit is not set: re-run credreg revoke",
                code="status-list.missing-bit",
            )
    if not unexplained:
        return
    for i in set_bits(bits):
        if (number, i) not in revoked:
            problems.add(
                rel,
                f"index {i} is set but no signed revocation in revocations.jsonl explains it",
                code="status-list.unexplained-bit",
            )


def revocation_signature_problem(doc: Document, public_key: bytes) -> Problem | None:
    """The problem with a revocation entry's signature by ``public_key``, if any."""
    result = verify_proof(doc.data, doc.data["proof"], public_key)
    return (
        None
        if result
        else doc.problem(["proof"], f"revocation signature: {result.reason}", code="revocation.signature")
    )


def _judge_revocation(
    registry: Registry,
    issuer: str,
    keys: KeyResolver,
    index: AwardIndex,
    seen: dict[str, int],
    doc: Document,
    now: dt.datetime,
) -> tuple[Problem | None, RevocationEntry | None]:
    """The first problem with one revocation entry, or the entry when it stands (with the problem, when it stands
    but for a date ahead of ``now``: its proof is created at its ``revoked`` time, so it says it was signed at a
    time still to come; the pull-request check refuses a new one as governance.fresh-signature)."""
    problem, entry = read_revocation(doc)
    if entry is None:
        return problem, None
    problem, key = revocation_key_problem(doc, entry, keys, issuer, registry.issuer_did(issuer))
    if key is None:
        return problem, None
    bad = revocation_signature_problem(doc, key.public)
    if bad is not None:
        return bad, None
    if entry.award in seen:
        return doc.problem(["award"], f"already revoked on line {seen[entry.award]}", code="revocation.duplicate"), None
    # An issuer's endorsement is revoked as its awards are: its lists are theirs (generator.endorsements).
    award, what = index.award(issuer, entry.award), "award"
    if award is None:
        award, what = index.endorsement(issuer, entry.award), "endorsement"
    if award is None:
        message = f"no award or endorsement of {issuer} has hash {entry.award}"
        return doc.problem(["award"], message, code="revocation.unknown-award"), None
    if (award[0], award[1]) != (entry.statusList, entry.statusListIndex):
        message = f"the {what}'s status slot is list {award[0]} index {award[1]}"
        return doc.problem(["statusListIndex"], message, code="revocation.slot-mismatch"), None
    ahead = signed_ahead_reason(doc.data.get("revoked"), now)
    return (
        None if ahead is None else doc.problem(["revoked"], f"In force: {ahead}", code="revocation.validity")
    ), entry


def _revocation_lines(path: Path, rel: str, problems: ProblemList) -> Iterator[tuple[int, Any]]:
    if not os.path.lexists(path):
        return
    try:
        for number, text in iter_lines(path):
            try:
                yield number, parse_award_text(text, rel, number).data
            except SourceError as exc:
                problems.extend(exc.problems)
    except OSError as exc:  # a link, a folder, a FIFO or a device: never followed, never waited on
        problems.add(rel, f"the revocation log cannot be read: {exc.strerror}", code="revocation.unreadable")


def _check_status_lists(
    registry: Registry,
    issuer: str,
    status: RegistryStatus,
    revoked: dict[tuple[int, int], int],
    index: AwardIndex,
    problems: ProblemList,
) -> None:
    used_lists = index.lists(issuer)
    folder = layout.issuer_dir(registry.root, issuer) / "status"
    present = list_numbers(folder)
    did = registry.issuer_did(issuer)
    for number in sorted(set(present) | used_lists):
        url = registry.status_list_url(issuer, number)
        rel = layout.relpath(registry.root, layout.status_list_path(registry.root, issuer, number))
        reading = status.reading(url, did)
        bits = reading.read(None)
        if isinstance(bits, ListProblem):
            problems.add(rel, bits.message, field=bits.field, code="status-list.invalid")
            continue
        if reading.ends:  # read today, its revocations lapse when it ends
            problems.add(rel, ENDLESS, field="validUntil", code="status-list.valid-until")
        size = len(bits) * 8
        for i, where, line_no in index.beyond(issuer, number, size):
            problems.add(
                where,
                f"statusListIndex {i} is outside status list {number} ({size} entries): the award could never "
                "be revoked; re-issue it",
                line=line_no,
                field="credentialStatus.statusListIndex",
                code="award.status-index-range",
            )
        status_bit_problems(rel, number, bits, revoked, problems)


def list_numbers(folder: Path) -> list[int]:
    """The numbers of the status list files in an issuer's ``status/`` folder (``<n>.json``, canonical)."""
    if not folder.is_dir():
        return []
    found = (list_file_number(p.name) for p in folder.glob("*.json"))
    return sorted(n for n in found if n is not None)


def set_bits(bits: bytes) -> Iterator[int]:
    """The indexes whose bit is set."""
    for byte_index, byte in enumerate(bits):
        if byte:
            for bit in range(8):
                if byte & (0x80 >> bit):
                    yield byte_index * 8 + bit
