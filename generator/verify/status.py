"""Revocation status from the registry's own status lists, never from the network.

A status list counts only if it is signed by a key of the credential's issuer; a revocation also counts when
only the issuer's signed revocation log records it (a conservative reading if the two ever disagree, which
``credreg check`` reports).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple

from generator import layout
from generator._internal.source import Document, SourceError, read_json_file
from generator._internal.times import CLOCK_SKEW, parse_time, published_time_problem
from generator.awards import read_revocations
from generator.crypto.dataintegrity import proofs_of, verify_proof
from generator.crypto.multibase import decode_ed25519_public
from generator.errors import CryptoError
from generator.openbadges import STATUS_LIST_TYPES, VC2_CONTEXT_URL
from generator.registry import Registry
from generator.statuslist import MAX_LIST_BYTES, decode_list, get_bit, index_problem, parse_index, parse_list_url
from generator.verify.keys import KeyResolver, ResolvedKey, named_key, window_problem
from generator.verify.results import ENDORSER_STATUS_LIST, STATUS_LIST, Check, CheckStatus, VerificationResult

__all__ = [
    "ENDLESS",
    "EndorserKeys",
    "ListProblem",
    "ListReading",
    "RegistryStatus",
    "StatusOutcome",
    "list_end",
    "logged_lines",
    "owner_problem",
    "read_list_file",
    "readable_list",
    "signature_problem",
    "status_outcome",
    "verify_status_list",
    "vouching_line",
]


@dataclass(frozen=True, slots=True)
class StatusOutcome:
    revoked: bool | None
    """``None`` when the status could not be determined (``problem`` says why)."""

    problem: str = ""
    revoked_on: str | None = None
    reason: str | None = None
    malformed: bool = False
    """The status entry itself is impossible (its index is not a canonical number, or beyond its list): the
    credential is invalid, not merely of unknown status."""
    logged: bool = False
    """Revoked by a line of the issuer's log whose signature holds: ``revoked_on`` and ``reason`` are the issuer's."""
    unsigned: str = ""
    """Revoked by the list alone, while a line of the log whose signature does not hold names it: why not (its
    date and reason are then not shown)."""


def read_list_file(path: Path, rel: str) -> Document:
    """A status list file (``rel`` names it in messages) as every reader of one reads it: a regular file, never
    through a symbolic link nor waiting on a FIFO (a checkout's, or a pull request's, link to one held the check up
    for ever), at most :data:`~generator.statuslist.MAX_LIST_BYTES`; :class:`SourceError` otherwise."""
    return read_json_file(path, rel, max_bytes=MAX_LIST_BYTES, what="the status list", regular=True)


#: Why a list of the registry may carry no ``validUntil`` (the pull-request check, the full check): credreg never
#: writes one, and every reader reads a list only while it is in force (:class:`_Window`).
ENDLESS = (
    "a status list never ends (credreg writes no validUntil): once its validUntil passed, no reader would read it, "
    "and every revocation it holds would lapse with it (an endorser's revoked endorsement read as of unknown "
    "status); sign it again without one (`credreg resign-lists`)"
)


def list_end(path: Path, rel: str) -> Any:
    """The ``validUntil`` of the status list file at ``path`` (``None``: none, or not a list that can be read, which
    the rules that read it report)."""
    try:
        credential = read_list_file(path, rel).data
    except SourceError:
        return None
    return credential.get("validUntil") if isinstance(credential, dict) else None


def owner_problem(credential: Any, url: str, issuer_did: str, whose: str = "this credential's issuer") -> str | None:
    """Why ``credential`` is not the status list at ``url`` of the issuer ``issuer_did`` (``None`` when it is).

    The rule of every reader of a list, an award's status and a list given on its own (:func:`verify_status_list`);
    ``whose`` names the issuer in the reason. policies.js ``listOwnerProblem`` is the page's copy."""
    if not isinstance(credential, dict) or credential.get("id") != url or credential.get("issuer") != issuer_did:
        return f"the status list does not belong to {whose}"
    return None


def signature_problem(
    credential: dict[str, Any], issuer_did: str, keys: KeyResolver, what: str = "status list", *, in_force: bool = True
) -> str | None:
    """Why the signed object (a status list, a ``revocation`` line) is not signed by a key of ``issuer_did`` that
    was registered and in force when it signed, each of its proofs holding (``None`` when it is). policies.js
    ``signedBy`` is the page's copy. ``in_force=False`` leaves out when the key was in force (whose signature it
    is, not whether it is trusted: :func:`generator.awarding.revoke.revocable` asks that of what its owner
    revokes)."""
    proofs = proofs_of(credential)
    if not proofs:
        return f"the {what} is not signed"
    for proof in proofs:
        method = str(proof.get("verificationMethod", "")) if isinstance(proof, dict) else ""
        key = keys.resolve(method)
        if key is None or key.controller != issuer_did:
            return f"the {what} is not signed by a key of the issuer"
        if in_force and key.record is not None:
            created = parse_time(proof.get("created"))
            problem = window_problem(key.record, created) if created else "its proof has no valid created time"
            if problem:
                return f"the {what}'s signature is not trusted: {problem}"
        result = verify_proof(credential, proof, key.public)
        if not result:
            return f"the {what}'s signature does not verify: {result.reason}"
    return None


def logged_lines(log: Path) -> dict[str, list[dict[str, Any]]]:
    """Award (or endorsement) hash → the lines of a revocation log naming it, in order, as written."""
    lines: dict[str, list[dict[str, Any]]] = {}
    for _, entry in read_revocations(log):
        lines.setdefault(str(entry.get("award")), []).append(entry)
    return lines


def vouching_line(lines: list[dict[str, Any]], issuer_did: str, keys: KeyResolver) -> tuple[dict[str, Any], str]:
    """Of the lines of an issuer's log naming one award or endorsement, the one that vouches for its revocation:
    the first whose signature by a key of the issuer, in force when it signed, holds (:func:`signature_problem`),
    with ""; else the last, with why its signature does not hold. A line appended by someone without the key
    (which the full check refuses) never hides a signed one. The rule of every reader of a log on a checkout (an
    award's status, an issuer's endorsement's: endorsements.py ``_logged_revocation``); a built site, from a
    registry the full check accepted, has one signed line per award, the one the page reads."""
    problem = ""
    for line in lines:
        problem = signature_problem(line, issuer_did, keys, "revocation") or ""
        if not problem:
            return line, ""
    return lines[-1], problem


class ListProblem(NamedTuple):
    """Why a status list is not read for a credential's status, and the field of the list it is about (the full
    check's location: one signed ahead of the clock, its validFrom; one that ended, its validUntil; ``""``: the list
    as a whole). Carried with the words, so no caller reads a field back out of them."""

    message: str
    field: str = ""


@dataclass(frozen=True, slots=True)
class _Window:
    """A status list's own validity period, read once (a list is a credential: it is read only while in force)."""

    raw_start: Any
    raw_end: Any
    start: dt.datetime | None
    end: dt.datetime | None

    @classmethod
    def of(cls, document: dict[str, Any]) -> _Window:
        raw_start, raw_end = document.get("validFrom"), document.get("validUntil")
        return cls(raw_start, raw_end, parse_time(raw_start), parse_time(raw_end))

    def problem(self, now: dt.datetime) -> ListProblem | None:
        """Why the list is not in force at ``now`` (``None``: it is), and the date that says so;
        policies.js ``statusListWindowProblem``. A list starts in force when it is signed, and its signer's clock
        may run ahead of this reader's by :data:`CLOCK_SKEW`: a reader whose clock is a little behind, right after a
        revocation was published, reads the new list (as the check that accepted it did), rather than calling the
        award's status unknown."""
        if (self.raw_start is not None and self.start is None) or (self.raw_end is not None and self.end is None):
            return ListProblem("its dates (validFrom, validUntil) cannot be read")
        if self.start is not None and now + CLOCK_SKEW < self.start:
            return ListProblem(f"not valid before {self.raw_start}", "validFrom")
        if self.end is not None and now > self.end:
            return ListProblem(f"expired on {self.raw_end}", "validUntil")
        return None


@dataclass(frozen=True, slots=True)
class ListReading:
    """A status list as read for a credential's status: its bits, or why it is not read."""

    bits: bytes | None
    problem: str
    window: _Window | None = None

    def at(self, now: dt.datetime | None) -> tuple[bytes | None, str]:
        """The bits, or ``None`` and why not, at ``now`` (the list's own validity period applies:
        :meth:`_Window.problem`); :meth:`read` also says which field of the list the why is about."""
        read = self.read(now)
        return (None, read.message) if isinstance(read, ListProblem) else (read, "")

    def read(self, now: dt.datetime | None) -> bytes | ListProblem:
        """The bits at ``now``, or why they are not read and the field of the list that says so."""
        if self.bits is None:
            return ListProblem(self.problem)
        problem = self.window.problem(now or dt.datetime.now(dt.UTC)) if self.window is not None else None
        if problem is None:
            return self.bits
        return ListProblem(f"the status list is not in force: {problem.message}", problem.field)

    @property
    def ends(self) -> bool:
        """Whether the list read gives a ``validUntil`` (:data:`ENDLESS`: the registry's lists never end)."""
        return self.window is not None and self.window.raw_end is not None


def readable_list(document: dict[str, Any]) -> ListReading:
    """The bits of a status list whose owner and signature hold (:func:`owner_problem`, :func:`signature_problem`),
    and its validity period; or ``None`` and why it is not read: not a well-formed revocation list
    (:func:`_structure`, the rules a list given on its own is held to). The rule of every reader of a
    list for a credential's status, an award's or an endorsement's; policies.js ``readableList`` is the page's
    copy. Bitstring Status List §3.2: a list that is not a valid credential (ill-formed, or outside its own
    validity period: :meth:`ListReading.at`) yields no status."""
    bits, structure = _structure(document)
    if bits is None:
        return ListReading(None, f"the status list is not well-formed: {structure}")
    return ListReading(bits, "", _Window.of(document))


class RegistryStatus:
    """Status lists and revocation logs of the registry at hand, each read and verified once."""

    def __init__(self, registry: Registry, keys: KeyResolver) -> None:
        self._registry = registry
        self._keys = keys
        self._lists: dict[tuple[str, str], ListReading] = {}
        self._revocations: dict[str, dict[str, list[dict[str, Any]]]] = {}
        self._line_problems: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}

    def _path_for(self, url: str) -> tuple[str, Path] | None:
        located = parse_list_url(self._registry.site_url, url)
        if located is None or located[0] not in self._registry.issuers:
            return None
        return located[0], layout.status_list_path(self._registry.root, *located)

    def list_bits(self, url: str, issuer_did: str, now: dt.datetime | None = None) -> tuple[bytes | None, str]:
        """The verified bitstring of a status list in force at ``now`` (default: the clock; :meth:`ListReading.at`),
        or ``None`` and why it cannot be trusted."""
        return self.reading(url, issuer_did).at(now)

    def reading(self, url: str, issuer_did: str) -> ListReading:
        """The status list at ``url``, read and verified for ``issuer_did`` once (:meth:`list_bits` at a time)."""
        return self._load(url, issuer_did)

    def _load(self, url: str, issuer_did: str) -> ListReading:
        # Read once per list and issuer: whether a list is trusted depends on whose it must be (owner_problem,
        # signature_problem), so a list verified for its own issuer's award must not be trusted, from the cache,
        # for an award naming another issuer (the page reads it for each award's issuer: policies.js
        # statusListBits).
        key = (url, issuer_did)
        cached = self._lists.get(key)
        if cached is not None:
            return cached
        result = self._read(url, issuer_did)
        self._lists[key] = result
        return result

    def _read(self, url: str, issuer_did: str) -> ListReading:
        located = self._path_for(url)
        if located is None:
            return ListReading(None, f"status list {url} is not in this registry (credreg never fetches)")
        _, path = located
        rel = layout.relpath(self._registry.root, path)
        if not path.is_file():
            return ListReading(None, f"status list {rel} is missing")
        try:
            credential = read_list_file(path, rel).data
        except SourceError as exc:
            return ListReading(None, f"status list {rel} is unreadable: {exc.problems[0].message}")
        problem = owner_problem(credential, url, issuer_did) or signature_problem(credential, issuer_did, self._keys)
        if problem:
            return ListReading(None, problem)
        return readable_list(credential)

    def revocations(self, issuer: str) -> dict[str, list[dict[str, Any]]]:
        """Award hash → the lines of the issuer's log naming it, in order, as written (:meth:`revocation` says
        which one vouches for it)."""
        if issuer not in self._revocations:
            log = layout.revocations_path(self._registry.root, issuer)
            self._revocations[issuer] = logged_lines(log)
        return self._revocations[issuer]

    def revocation(self, issuer: str, issuer_did: str, award_hash: str) -> tuple[dict[str, Any] | None, str]:
        """The line of ``issuer``'s log that revokes ``award_hash`` (``None``: none), and why its signature does
        not vouch for it ("" when it does): :func:`vouching_line`. Each award's lines are verified once, when it
        asks for them: the full check verifies every line itself and never asks."""
        lines = self.revocations(issuer).get(award_hash)
        if not lines:
            return None, ""
        key = (issuer, award_hash)
        if key not in self._line_problems:
            self._line_problems[key] = vouching_line(lines, issuer_did, self._keys)
        return self._line_problems[key]

    def status(
        self, entry: Any, issuer_did: str, award_hash: str | None, now: dt.datetime | None = None
    ) -> StatusOutcome:
        if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
            return StatusOutcome(None, "credentialStatus is not a BitstringStatusListEntry")
        if entry.get("statusPurpose") != "revocation":
            return StatusOutcome(None, f"status purpose {entry.get('statusPurpose')!r} is not supported")
        url = str(entry.get("statusListCredential", ""))
        index = parse_index(entry.get("statusListIndex"))
        if index is None:
            return StatusOutcome(None, "statusListIndex is not a canonical base-10 number string", malformed=True)
        located = self._path_for(url)
        line, unsigned = self.revocation(located[0], issuer_did, award_hash) if located and award_hash else (None, "")
        bits, problem = self._load(url, issuer_did).at(now)
        outcome = status_outcome(bits, problem, index, None if unsigned else line)
        if not unsigned or outcome.revoked is None:
            return outcome
        # A line that does not hold vouches for nothing: the list alone says revoked or not, and when it says not,
        # the published line leaves the status unknown (policies.js statusPolicy says it in the same words).
        if outcome.revoked:
            return replace(outcome, unsigned=unsigned)
        return StatusOutcome(
            None, f"the status list says not revoked, but a revocation is published for it: {unsigned}"
        )


def status_outcome(bits: bytes | None, problem: str, index: int, logged: dict[str, Any] | None) -> StatusOutcome:
    """The status of the credential at ``index`` of a list whose verified bits are ``bits`` (``None``: the list
    cannot be trusted, ``problem`` says why), given the line of its issuer's revocation log that revokes it
    (``logged``, ``None``: none). The rule of an award's status and of an issuer's endorsement's (an endorser keeps
    no log); policies.js ``statusOutcome`` is the page's copy.

    A revocation the log records stands whatever the list says: an untrusted list, or one whose bit is clear, takes
    no revocation back (the full check reports the disagreement). Without one, an untrusted list leaves the status
    unknown; an index beyond the list makes the entry impossible."""
    if bits is None:
        if logged:
            return StatusOutcome(True, "", logged.get("revoked"), logged.get("reason"), logged=True)
        return StatusOutcome(None, problem)
    outside = index_problem(index, bits)
    if outside is not None:
        return StatusOutcome(None, outside, malformed=True)
    if logged:
        return StatusOutcome(True, "", logged.get("revoked"), logged.get("reason"), logged=True)
    return StatusOutcome(get_bit(bits, index))


# ------------------------------------------------------------------------------------- a status list on its own


#: A list read by its terms' names (validUntil, encodedList) must spell each one so: an eddsa-rdfc-2022 proof signs
#: the RDF, in which "validUntil" and its IRI as a key are one statement, so a signed end date renamed to its IRI
#: still verified and was read as none (an expired list "in force"). policies.js NOT_A_TERM says it alike.
_NOT_A_TERM = "one of its keys is an IRI or a JSON-LD keyword, not a term's name"


#: What a status list holds (:func:`generator.statuslist.status_list_credential`, signed): a list is published with
#: every field its signer put in it, and a free one (a ``description`` "revoked for …") could name an earner.
LIST_FIELDS = ("@context", "id", "type", "issuer", "validFrom", "validUntil", "credentialSubject", "proof")
LIST_SUBJECT_FIELDS = ("id", "type", "statusPurpose", "encodedList")
#: Names no field: its name could be anything, an address too.
_NOT_A_LIST_FIELD = (
    f"it holds a field the registry never writes in one (a list holds {', '.join(LIST_FIELDS)}, and its "
    f"credentialSubject {', '.join(LIST_SUBJECT_FIELDS)}): it is published, and says nothing but its bits"
)


#: The fields of a list's proof (:func:`generator.crypto.dataintegrity.create_proof`): a further proof option
#: (``domain``, ``challenge``, ``nonce``, any name) is signed with the proof, and published as freely as a field.
LIST_PROOF_FIELDS = ("type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue", "@context")
#: Names no value, for the same reason.
_NOT_AS_WRITTEN = (
    "it holds a value the registry never writes in one (its @context, type and credentialSubject id are the "
    f"registry's, and its proofs hold only {', '.join(LIST_PROOF_FIELDS)}): it is published, and says nothing but "
    "its bits"
)


def _as_written(document: dict[str, Any], subject: dict[str, Any]) -> bool:
    """Whether a list's values other than its bits, validity period and signatures are the ones
    :func:`generator.statuslist.status_list_credential` writes (its id and issuer: :func:`owner_problem`): a
    further type or context entry, a subject id or a proof option is a free string otherwise."""
    context = document.get("@context")
    if context != [VC2_CONTEXT_URL] or document.get("type") != list(STATUS_LIST_TYPES):
        return False
    url = document.get("id")
    if not isinstance(url, str) or subject.get("id") != f"{url}#list":
        return False
    for proof in proofs_of(document):
        if isinstance(proof, dict) and (
            any(key not in LIST_PROOF_FIELDS for key in proof) or proof.get("@context", context) != context
        ):
            return False
    return True


def _times_problem(document: dict[str, Any]) -> str | None:
    """Why a list's times are not as credreg writes them (``None``: they are): each in the one form of a published
    time (:func:`~generator._internal.times.published_time_problem`: whole seconds in UTC), and each proof created
    at the list's ``validFrom`` (credreg signs a list when it writes it, valid from then). A fraction or an offset
    is free digits in a published file, and a signing time of its own says when, between two revocations, the list
    was signed. A time that is no date-time is left to the window (:class:`_Window`). policies.js
    ``listTimesProblem`` says it in the same words."""
    valid_from = document.get("validFrom")
    for name in ("validFrom", "validUntil"):
        value = document.get(name)
        problem = published_time_problem(value, "status list") if isinstance(value, str) and parse_time(value) else None
        if problem is not None:
            return f"{name}: {problem}"
    for index, proof in enumerate(proofs_of(document)):
        created = proof.get("created") if isinstance(proof, dict) else None
        if not isinstance(created, str) or parse_time(created) is None:
            continue  # the signature check says a proof has no time
        problem = published_time_problem(created, "status list")
        if problem is None and isinstance(valid_from, str) and created != valid_from:
            problem = (
                f"must be the status list's validFrom ({valid_from}): the registry signs a list when it writes it, "
                "and a signing time of its own is free digits beside it"
            )
        if problem is not None:
            return f"proof.{index}.created: {problem}"
    return None


def _not_a_term(key: str) -> bool:
    """Whether a key of a list names no term, but an IRI (``x:y``) or a keyword other than ``@context``."""
    return ":" in key or (key.startswith("@") and key != "@context")


def _structure(document: dict[str, Any]) -> tuple[bytes | None, str | None]:
    """The bits of a well-formed revocation list, or ``None`` and why ``document`` is not one; policies.js
    ``statusListStructure`` says it in the same words."""
    types = document.get("type")
    if not isinstance(types, list) or not all(t in types for t in STATUS_LIST_TYPES):
        return None, f"its type must include {' and '.join(STATUS_LIST_TYPES)}"
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict):
        return None, "its credentialSubject must be one object"
    if any(_not_a_term(key) for key in (*document, *subject)):
        return None, _NOT_A_TERM
    if any(key not in LIST_FIELDS for key in document) or any(key not in LIST_SUBJECT_FIELDS for key in subject):
        return None, _NOT_A_LIST_FIELD
    if not _as_written(document, subject):
        return None, _NOT_AS_WRITTEN
    if (times := _times_problem(document)) is not None:
        return None, times
    if subject.get("type") != "BitstringStatusList":
        return None, "its credentialSubject's type must be BitstringStatusList"
    if subject.get("statusPurpose") != "revocation":
        return None, "its statusPurpose must be revocation (the only purpose this registry's lists have)"
    try:
        return decode_list(subject.get("encodedList")), None
    except CryptoError as exc:
        return None, str(exc)


def _validity(document: dict[str, Any], now: dt.datetime) -> Check:
    problem = _Window.of(document).problem(now)
    if problem is None:
        return Check("validity", "In force", CheckStatus.PASSED, "in force")
    return Check("validity", "In force", CheckStatus.FAILED, problem.message)


class EndorserKeys:
    """The keys an endorser (a registered endorser, or an issuer that endorses) registered, named as its DID
    document names them (:func:`~generator.verify.keys.named_key`), each with its window: how
    :func:`signature_problem` reads an endorser's list, given on its own or read for an endorsement's status
    (generator/endorsements.py). The registry's resolver knows issuers' DIDs only."""

    def __init__(self, registry: Registry, endorser: str) -> None:
        self._did = registry.endorser_did(endorser)
        self._keys = registry.endorser_keys(endorser)

    def resolve(self, verification_method: str) -> ResolvedKey | None:
        key = named_key(self._keys, self._did, verification_method)
        if key is None:
            return None
        try:
            public = decode_ed25519_public(key.model.publicKeyMultibase)
        except CryptoError:
            return None  # not a key at all: the registry check reports the key file
        return ResolvedKey(public, self._did, key.path, None, key.model)


def verify_status_list(
    document: Any, registry: Registry | None, keys: KeyResolver, *, now: dt.datetime | None = None
) -> VerificationResult:
    """Every check of a status list given on its own (not an award's status), an issuer's or a registered
    endorser's: well-formed, one of this registry's lists of a registered owner, signed by that owner's key
    registered and in force when it signed (the rule every award's status is read by: :func:`owner_problem`,
    :func:`signature_problem`), and in force. policies.js ``statusListChecks`` is the page's copy, held equal by
    tests/site/test_statuslist_js.py."""
    now = now or dt.datetime.now(dt.UTC)
    doc = document if isinstance(document, dict) else {}
    checks: list[Check] = []

    def add(check_id: str, label: str, problem: str | None, passed: str) -> None:
        status = CheckStatus.PASSED if problem is None else CheckStatus.FAILED
        checks.append(Check(check_id, label, status, passed if problem is None else problem))

    add("structure", "Well-formed status list", _structure(doc)[1], "a revocation list that decodes")
    url, signer = doc.get("id"), doc.get("issuer")
    facts: dict[str, Any] = {"type": STATUS_LIST_TYPES[1], "issuer": signer if isinstance(signer, str) else None}
    subject = STATUS_LIST
    label = "A list of this registry"
    # An issuer's list (issuers/<id>/status/<n>.json), or a registered endorser's (endorsers/<id>/status/<n>.json).
    found = None
    if registry is not None:
        for folder in ("issuers", "endorsers"):
            located = parse_list_url(registry.site_url, url, folder)
            if located is not None:
                # Its DID's owner's (one DID, one body for every reader): a second body declaring a DID has no list.
                found = (folder, *located, registry.owns_its_did(folder, located[0]))
                break
    if registry is None:
        checks.append(Check("list", label, CheckStatus.NOT_CHECKED, "no registry to check it against"))
    elif found is None:
        add("list", label, "its id is not the address of a status list of this registry", "")
    elif not found[3]:
        add(
            "list",
            label,
            f"{found[1]} is not {'an issuer' if found[0] == 'issuers' else 'an endorser'} registered here",
            "",
        )
    else:
        folder, owner, number, _ = found
        if folder == "issuers":
            signer = registry.issuer_did(owner)
            facts.update(registry_issuer=owner, list=number)
        else:
            signer, keys, subject = registry.endorser_did(owner), EndorserKeys(registry, owner), ENDORSER_STATUS_LIST
            facts.update(registry_endorser=owner, list=number)
        problem = owner_problem(doc, str(url), signer, whose=f"{owner}, whose list its id names")
        add("list", label, problem, f"list {number} of {owner}")
    did = signer if isinstance(signer, str) else ""
    add(
        "proof",
        f"Signed by its {subject.signer}'s registered key",
        signature_problem(doc, did, keys),
        "signature verified",
    )
    checks.append(_validity(doc, now))
    facts.update(valid_from=doc.get("validFrom"), valid_until=doc.get("validUntil"))
    return VerificationResult(tuple(checks), None, facts, subject)
