"""The registry-wide part of ``credreg check``: every award, revocation and status list, verified.

Per award (a pure function of its text, so it can run in worker processes): strict parsing, the registry's
award profile, both proofs, the key (its issuer's, valid when it signed), the issuer (the folder's owner),
the credential (defined by that issuer), and the file name (the award's hash). Across awards: hashes and
status list slots are unique. Per issuer: every revocation is signed by the issuer and matches an award, and
the signed status lists have exactly the revoked awards' bits set.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator import layout
from generator._internal.progress import Progress
from generator._internal.source import Document, Positions, SourceError, parse_json
from generator._internal.times import parse_time
from generator.awards import AwardSource, award_hash, iter_awards
from generator.crypto.dataintegrity import verify_proof
from generator.errors import Problem, ProblemList
from generator.models.award import RevocationEntry
from generator.registry import Registry
from generator.statuslist import get_bit
from generator.verify import Verifier
from generator.verify.keys import KeyResolver, window_problem
from generator.verify.policies import (
    CredentialPolicy,
    IssuerPolicy,
    KeyPolicy,
    Policy,
    ProofCache,
    ProofPolicy,
    StructurePolicy,
    UnsupportedProofPolicy,
)
from generator.verify.results import CheckStatus
from generator.verify.status import RegistryStatus

__all__ = [
    "AUTHENTICITY_POLICIES",
    "AwardChecker",
    "AwardIndex",
    "AwardOutcome",
    "check_awards",
    "check_revocations_and_lists",
]

#: What the check asks of every award: authenticity and registration. Expiry and revocation are legitimate
#: states of an award in the registry, so they are reported by ``credreg verify`` and the site, not here.
AUTHENTICITY_POLICIES: tuple[Policy, ...] = (
    StructurePolicy(profile=True),
    ProofPolicy("eddsa-rdfc-2022"),
    ProofPolicy("eddsa-jcs-2022"),
    UnsupportedProofPolicy(),
    KeyPolicy(),
    IssuerPolicy(),
    CredentialPolicy(),
)

# Where in the award each check's problem is reported.
_CHECK_FIELD = {
    "structure": [],
    "proof:eddsa-rdfc-2022": ["proof"],
    "proof:eddsa-jcs-2022": ["proof"],
    "proof": ["proof"],
    "key": ["proof"],
    "issuer": ["issuer"],
    "credential": ["credentialSubject", "achievement", "id"],
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


class AwardChecker:
    """Checks single awards against a loaded registry. Reusable across awards (shares key lookups)."""

    def __init__(self, registry: Registry, *, proof_cache: ProofCache | None = None) -> None:
        self.registry = registry
        self.verifier = Verifier(registry, policies=AUTHENTICITY_POLICIES, proof_cache=proof_cache, profile=True)

    def check(self, source: AwardSource) -> AwardOutcome:
        folder_issuer = layout.classify(source.path).issuer
        try:
            doc = source.parse()
        except SourceError as exc:
            return AwardOutcome(source.path, source.line, None, folder_issuer, problems=tuple(exc.problems))
        data = doc.data
        if not isinstance(data, dict):
            problem = doc.problem([], "an award must be a JSON object", code="award.structure")
            return AwardOutcome(source.path, source.line, None, folder_issuer, problems=(problem,))
        digest = award_hash(data)
        problems: list[Problem] = []
        result = self.verifier.verify(data)
        for check in result.checks:
            if check.status is CheckStatus.FAILED:
                loc = _CHECK_FIELD.get(check.id, [])
                problems.append(doc.problem(loc, f"{check.label}: {check.reason}", code=f"award.{check.id}"))
        expected_did = self.registry.issuer_did(folder_issuer) if folder_issuer in self.registry.issuers else None
        issuer_id = data["issuer"].get("id") if isinstance(data.get("issuer"), dict) else data.get("issuer")
        if expected_did is not None and issuer_id != expected_did:
            problems.append(
                doc.problem(
                    ["issuer", "id"],
                    f"this award is in {folder_issuer}'s folder but is issued by {issuer_id}",
                    code="award.wrong-folder",
                )
            )
        if source.line is None and not source.path.endswith(f"/{digest[:2]}/{digest}.json"):
            problems.append(
                doc.problem(
                    [],
                    f"the file must be named after the award's hash: .../{digest[:2]}/{digest}.json",
                    code="award.filename",
                )
            )
        status_list, status_index = _status_slot(self.registry, folder_issuer, data.get("credentialStatus"))
        if status_list is None and folder_issuer is not None and not problems:
            problems.append(
                doc.problem(
                    ["credentialStatus", "statusListCredential"],
                    f"the status list is not one of {folder_issuer}'s lists in this registry",
                    code="award.status-list",
                )
            )
        return AwardOutcome(source.path, source.line, digest, folder_issuer, status_list, status_index, tuple(problems))


def _status_slot(registry: Registry, issuer: str | None, entry: Any) -> tuple[int | None, int | None]:
    if issuer is None or not isinstance(entry, dict):
        return None, None
    prefix = registry.url(f"issuers/{issuer}/status/")
    url = str(entry.get("statusListCredential", ""))
    number = url[len(prefix) : -len(".json")] if url.startswith(prefix) and url.endswith(".json") else ""
    index = str(entry.get("statusListIndex", ""))
    if not number.isdigit() or not index.isdigit():
        return None, None
    return int(number), int(index)


@dataclass
class AwardIndex:
    """Per issuer: award hashes and their status slots, for the cross-award and revocation rules."""

    awards: dict[str, dict[str, tuple[int | None, int | None, str]]] = field(default_factory=dict)
    slots: dict[tuple[str, int, int], str] = field(default_factory=dict)
    count: int = 0


def check_awards(
    registry: Registry,
    problems: ProblemList,
    *,
    outcomes: Iterable[AwardOutcome] | None = None,
    progress: Progress | None = None,
    proof_cache: ProofCache | None = None,
) -> AwardIndex:
    """Check every award (streamed) and the rules across them. ``outcomes`` lets a caller supply results
    computed elsewhere (in parallel); by default they are computed here."""
    if outcomes is None:
        checker = AwardChecker(registry, proof_cache=proof_cache)
        outcomes = (checker.check(source) for source in iter_awards(registry.root))
    index = AwardIndex()
    for outcome in outcomes:
        index.count += 1
        if progress is not None:
            progress.advance()
        problems.extend(outcome.problems)
        if outcome.digest is None or outcome.issuer is None:
            continue
        where = f"{outcome.source_path}:{outcome.line}" if outcome.line else outcome.source_path
        per_issuer = index.awards.setdefault(outcome.issuer, {})
        if outcome.digest in per_issuer:
            problems.add(
                outcome.source_path,
                f"the same award is already in {per_issuer[outcome.digest][2]}",
                line=outcome.line,
                code="award.duplicate",
            )
            continue
        per_issuer[outcome.digest] = (outcome.status_list, outcome.status_index, where)
        if outcome.status_list is not None and outcome.status_index is not None:
            slot = (outcome.issuer, outcome.status_list, outcome.status_index)
            first = index.slots.get(slot)
            if first is not None:
                problems.add(
                    outcome.source_path,
                    f"status list {outcome.status_list} index {outcome.status_index} is already used by {first} "
                    "(two changes allocated the same index: re-issue one of the awards)",
                    line=outcome.line,
                    field="credentialStatus.statusListIndex",
                    code="award.duplicate-status-index",
                )
            else:
                index.slots[slot] = where
    return index


def check_revocations_and_lists(registry: Registry, index: AwardIndex, problems: ProblemList) -> int:
    """Every revocation signed by its issuer and matching an award; status lists signed and consistent."""
    status = RegistryStatus(registry, Verifier(registry).keys)
    revoked_total = 0
    for issuer in sorted(registry.issuers):
        revoked_slots = _check_revocations(registry, issuer, index, problems)
        revoked_total += len(revoked_slots)
        _check_status_lists(registry, issuer, status, revoked_slots, index, problems)
    return revoked_total


def _check_revocations(
    registry: Registry, issuer: str, index: AwardIndex, problems: ProblemList
) -> dict[tuple[int, int], int]:
    """Check the issuer's revocation log; returns the revoked (list, index) slots and their log lines."""
    log = layout.revocations_path(registry.root, issuer)
    rel = layout.relpath(registry.root, log)
    keys = Verifier(registry).keys
    awards = index.awards.get(issuer, {})
    seen: dict[str, int] = {}
    slots: dict[tuple[int, int], int] = {}
    for line, data in _revocation_lines(log, rel, problems):
        doc = Document(rel, data, Positions(at={(): (line, 1)}))
        problem, entry = _judge_revocation(registry, issuer, keys, awards, seen, doc)
        if problem is not None:
            problems.append(problem)
        elif entry is not None:
            seen[entry.award] = line
            slots[(entry.statusList, entry.statusListIndex)] = line
    return slots


def _judge_revocation(
    registry: Registry,
    issuer: str,
    keys: KeyResolver,
    awards: dict[str, tuple[int | None, int | None, str]],
    seen: dict[str, int],
    doc: Document,
) -> tuple[Problem | None, RevocationEntry | None]:
    """The first problem with one revocation entry, or the entry when it stands."""
    try:
        entry = RevocationEntry.model_validate(doc.data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = [p for p in err["loc"] if isinstance(p, (str, int))]
        return doc.problem(loc, str(err["msg"]).removeprefix("Value error, "), code="revocation.schema"), None
    method = entry.proof.verificationMethod
    key = keys.resolve(method)
    if key is None or key.controller != registry.issuer_did(issuer):
        return doc.problem(["proof"], f"not signed by a key of {issuer}: {method}", code="revocation.key"), None
    created = parse_time(entry.proof.created)
    late = window_problem(key.record, created) if key.record and created else None
    if late:
        return doc.problem(["proof"], late, code="revocation.key"), None
    result = verify_proof(doc.data, doc.data["proof"], key.public)
    if not result:
        return doc.problem(["proof"], f"revocation signature: {result.reason}", code="revocation.signature"), None
    if entry.award in seen:
        return doc.problem(["award"], f"already revoked on line {seen[entry.award]}", code="revocation.duplicate"), None
    award = awards.get(entry.award)
    if award is None:
        message = f"no award of {issuer} has hash {entry.award}"
        return doc.problem(["award"], message, code="revocation.unknown-award"), None
    if (award[0], award[1]) != (entry.statusList, entry.statusListIndex):
        message = f"the award's status slot is list {award[0]} index {award[1]}"
        return doc.problem(["statusListIndex"], message, code="revocation.slot-mismatch"), None
    return None, entry


def _revocation_lines(path: Path, rel: str, problems: ProblemList) -> Iterator[tuple[int, Any]]:
    if not path.exists():
        return
    for number, text in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not text.strip():
            continue
        try:
            yield number, parse_json(text, rel, line_offset=number - 1).data
        except SourceError as exc:
            problems.extend(exc.problems)


def _check_status_lists(
    registry: Registry,
    issuer: str,
    status: RegistryStatus,
    revoked: dict[tuple[int, int], int],
    index: AwardIndex,
    problems: ProblemList,
) -> None:
    used_lists = {slot[1] for slot in index.slots if slot[0] == issuer}
    folder = layout.issuer_dir(registry.root, issuer) / "status"
    present = sorted(int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit()) if folder.is_dir() else []
    did = registry.issuer_did(issuer)
    for number in sorted(set(present) | used_lists):
        url = registry.status_list_url(issuer, number)
        rel = layout.relpath(registry.root, layout.status_list_path(registry.root, issuer, number))
        bits, problem = status.list_bits(url, did)
        if bits is None:
            problems.add(rel, problem, code="status-list.invalid")
            continue
        for (n, i), line in revoked.items():
            if n == number and not get_bit(bits, i):
                problems.add(
                    rel,
                    f"index {i} is revoked in revocations.jsonl:{line} but its bit is not set: re-run credreg revoke",
                    code="status-list.missing-bit",
                )
        for i in _set_bits(bits):
            if (number, i) not in revoked:
                problems.add(
                    rel,
                    f"index {i} is set but no signed revocation in revocations.jsonl explains it",
                    code="status-list.unexplained-bit",
                )


def _set_bits(bits: bytes) -> Iterator[int]:
    for byte_index, byte in enumerate(bits):
        if byte:
            for bit in range(8):
                if byte & (0x80 >> bit):
                    yield byte_index * 8 + bit
