"""Append-only history: what has been signed or published is never changed, renamed or removed.

* Awards (single files and batches) may be added, never changed or deleted; a batch file never changes at all
  once committed (new awards go into a new file).
* ``revocations.jsonl`` only grows: the base content must stay a byte prefix of the new one.
* A key file is never deleted and its fields never change, except that ``valid_until``, ``revoked_at`` and
  ``revocation_reason`` may be added when absent; an added end of validity may not cut off signatures the
  registry already holds (they could not be removed again), nor lie in the future (the log dates it by the change).
* Ids and file names never change: issuer folders, credential files, key files, awards, logs and status lists
  are never renamed.
* A credential definition with awards, or that a body has endorsed, is deprecated or retired, never deleted; an
  issuer with keys or awards is never deleted; status lists may be re-signed, never deleted.
* Identity is part of every signature: an issuer's ``did`` and the registry's ``site_url`` (which decides every
  issuer's ``did:web``) do not change once something has been signed under them. An endorser's ``endorser.yaml``
  follows the issuers' rule (``_issuer``). So does an endorsement another body signed: it names the issuer (or
  credential) it endorses, so an endorsed issuer keeps its ``did`` and is never removed, keys or not.
* An issuer's ``former_profiles`` only grow, one entry per change, at the end: the entry a change adds is the
  profile that change replaces (name, url, email and logo exactly as the base had them), with an ``until`` not
  in the future and not before the previous entry's. Awards signed before a rebrand carry that profile
  (:mod:`generator.verify.records`), so it is recorded as it was and never rewritten or removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from generator import layout
from generator._internal.files import read_inside
from generator._internal.source import (
    Document,
    SourceError,
    decode_utf8,
    parse_json,
)
from generator._internal.times import parse_date, parse_time
from generator.awards import iter_lines, parse_award_text
from generator.endorsements import iter_endorsements
from generator.errors import ProblemList
from generator.governance.context import PullRequest
from generator.governance.existing import award_signatures, awards_citing
from generator.governance.git import Change, ChangeStatus
from generator.governance.status import new_log_offset
from generator.layout import PathKind
from generator.models.issuer import FormerProfile
from generator.registry import did_web_for
from generator.verify.keys import window_problem
from generator.verify.status import read_list_file

__all__ = ["LIFECYCLE_FIELDS", "check_history", "lifecycle_additions"]

#: The only key fields a change may add (each once): rotation and compromise.
LIFECYCLE_FIELDS = ("valid_until", "revoked_at", "revocation_reason")

#: Kinds whose name is an id (or a content hash) that signed data or published URLs depend on.
_NAMED = {
    PathKind.ISSUER: "an issuer's folder",
    PathKind.CREDENTIAL: "a credential's file",
    PathKind.AWARD: "an award file",
    PathKind.AWARD_BATCH: "an award batch",
    PathKind.REVOCATIONS: "a revocation log",
    PathKind.STATUS_LIST: "a status list",
    PathKind.KEY: "a key file",
    PathKind.ENDORSER: "an endorser's folder",
    PathKind.ENDORSEMENT: "an endorsement file",
}

#: The issuer fields an award carries (generator.openbadges.issuer_profile), which a former profile records.
PROFILE_FIELDS = tuple(name for name in FormerProfile.model_fields if name != "until")
FORMER_CODE = "governance.former-profiles"

_REVOKE_HINT = "to withdraw an award, revoke it (`credreg revoke HASH --reason …`)"


def _first_different_line(old: bytes | None, new: bytes) -> int:
    old_lines, new_lines = (old or b"").split(b"\n"), new.split(b"\n")
    for number, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        if a != b:
            return number
    return min(len(old_lines), len(new_lines))


def _current(pr: PullRequest, change: Change) -> bytes:
    try:
        return read_inside(pr.root, change.path)  # never through a link, never a FIFO or a device
    except OSError:
        return b""


def _mode_only(pr: PullRequest, change: Change, what: str) -> str | None:
    """What to say of a modified file whose bytes are the base's (``None`` when they are not): only its mode changed
    (the executable bit, by ``git update-index --chmod`` or a ``chmod`` committed), which "its signature and hash
    are published" does not explain: there is no edit to find."""
    if change.status is not ChangeStatus.MODIFIED or pr.base.read(change.path) != _current(pr, change):
        return None
    mode = pr.modes.get(change.path, "")
    executable = mode == "100755"
    state = "executable" if executable else "not executable"
    flag = "-x" if executable else "+x"
    return (
        f"only the file's mode changed, not its content: Git now records it as {state} (mode {mode}); {what} never "
        f"changes, not even its mode: set it back (`git update-index --chmod={flag} {change.path}` and "
        f"`chmod {flag} {change.path}`)"
    )


def _award(pr: PullRequest, change: Change, problems: ProblemList) -> None:
    batch = change.role.kind is PathKind.AWARD_BATCH
    if change.status is ChangeStatus.DELETED:
        problems.add(change.path, f"awards are never deleted: {_REVOKE_HINT}", code="governance.append-only")
    elif (mode := _mode_only(pr, change, "a committed batch of awards" if batch else "a committed award")) is not None:
        problems.add(change.path, mode, code="governance.append-only")
    elif change.status is ChangeStatus.MODIFIED and batch:
        problems.add(
            change.path,
            "a batch file never changes once committed, not even by appending lines: put new awards in a new file "
            f"(`credreg award --csv` makes one); {_REVOKE_HINT}",
            line=_first_different_line(pr.base.read(change.path), _current(pr, change)),
            code="governance.append-only",
        )
    elif change.status is ChangeStatus.MODIFIED:
        problems.add(
            change.path,
            f"a committed award never changes (its signature and hash are published); {_REVOKE_HINT}, "
            "then award a corrected one",
            code="governance.append-only",
        )


def _endorsement(pr: PullRequest, change: Change, problems: ProblemList) -> None:
    if (mode := _mode_only(pr, change, "a committed endorsement")) is not None:
        problems.add(change.path, mode, code="governance.append-only")
    elif change.status in (ChangeStatus.DELETED, ChangeStatus.MODIFIED):
        done = "deleted" if change.status is ChangeStatus.DELETED else "changed"
        problems.add(
            change.path,
            f"endorsements are never {done} (their signature and hash are published): to withdraw one, its endorser "
            "revokes it (`credreg revoke HASH --key …`), then signs a new one if needed",
            code="governance.append-only",
        )


def _revocations(pr: PullRequest, change: Change, problems: ProblemList) -> None:
    if change.status is ChangeStatus.DELETED:
        problems.add(change.path, "the revocation log is never deleted", code="governance.append-only")
        return
    if change.status is not ChangeStatus.MODIFIED:
        return
    base, current = pr.base.read(change.path), _current(pr, change)
    if base is not None and new_log_offset(base, current) is None:
        problems.add(
            change.path,
            "the revocation log is append-only: existing lines never change, new ones go at the end "
            "(`credreg revoke` appends them)",
            line=_first_different_line(base, current),
            code="governance.append-only",
        )


def _status_list(pr: PullRequest, change: Change, problems: ProblemList) -> None:
    if change.status is ChangeStatus.DELETED:
        problems.add(
            change.path,
            "status lists are never deleted: awards point at them (a list is only re-signed, by `credreg revoke`)",
            code="governance.append-only",
        )


def _credential(pr: PullRequest, change: Change, problems: ProblemList) -> None:
    role = change.role
    if change.status is not ChangeStatus.DELETED or role.issuer is None or role.name is None:
        return
    site = pr.base_site_url
    if site is None:
        return
    url = f"{site}credentials/{role.issuer}/{role.name}/"
    retire = "set `status: deprecated` (still awarded, not recommended) or `status: retired` (no longer awarded)"
    cited = awards_citing(pr.root, role.issuer, url)
    if cited:
        problems.add(
            change.path,
            f"{role.issuer}/{role.name} has awards (e.g. {cited[0]}): a credential with awards is never deleted; "
            + retire,
            code="governance.append-only",
        )
        return
    endorsed = _endorsements_of(pr, url)
    if endorsed:
        problems.add(
            change.path,
            f"{role.issuer}/{role.name} is endorsed ({endorsed[0]}): a credential another body has endorsed is never "
            f"deleted (the endorsement names it, and is never changed); {retire}",
            code="governance.append-only",
        )


def _endorsements_of(pr: PullRequest, subject_id: str) -> list[str]:
    """The endorsements (paths) whose subject is ``subject_id`` (a credential's page, an issuer's DID). Each names
    its subject, which every check must find in the registry: removing it, or giving it another id, broke a file
    another body signed and that never changes."""
    return [
        layout.relpath(pr.root, found.path)
        for found in iter_endorsements(pr.root)
        if isinstance(subject := found.document.get("credentialSubject"), dict) and subject.get("id") == subject_id
    ]


def _base_did(pr: PullRequest, change: Change) -> str | None:
    """The issuer's DID at the base: its own, or its did:web on the base's site (``None`` when neither is known)."""
    declared = pr.base_yaml(change.path).get("did")
    if isinstance(declared, str):
        return declared
    site, issuer = pr.base_site_url, change.role.issuer
    return did_web_for(site, issuer) if site is not None and issuer is not None else None


def _issuer(pr: PullRequest, change: Change, problems: ProblemList) -> None:
    issuer = change.role.issuer
    assert issuer is not None
    endorsed = change.role.kind is PathKind.ISSUER and change.status is not ChangeStatus.ADDED
    base_did = _base_did(pr, change) if endorsed else None
    if change.status is ChangeStatus.DELETED:
        if pr.has_signed_history(issuer):
            problems.add(
                change.path,
                f"{issuer} has keys or awards: an issuer is never removed, or its awards could not be verified",
                code="governance.append-only",
            )
        elif base_did is not None and (cited := _endorsements_of(pr, base_did)):
            problems.add(
                change.path,
                f"{issuer} is endorsed ({cited[0]}): an issuer another body has endorsed is never removed (the "
                "endorsement names it, and is never changed)",
                code="governance.append-only",
            )
        return
    doc = pr.head_yaml(change.path)
    if change.role.kind is PathKind.ISSUER and doc is not None and isinstance(doc.data, dict):
        _former_profiles(pr, change, doc, problems)
    if change.status is ChangeStatus.ADDED:
        # An id the base has as the other kind of body (an endorser becoming an issuer, or back) is no new body:
        # record_approvals asks no registry maintainer for it, so its DID is compared with the body's at the base.
        known = pr.base_issuer(issuer)
        if known is None:
            return  # a new body: a registry maintainer approves it, its own DID named (ownership.record_approvals)
        before: Any = known.did
    elif change.status is ChangeStatus.MODIFIED:
        before = pr.base_yaml(change.path).get("did")
    else:
        return
    after = doc.data.get("did") if doc is not None and isinstance(doc.data, dict) else None
    if before != after and pr.has_signed_history(issuer) and doc is not None:
        problems.append(
            doc.problem(
                ["did"],
                f"{issuer}'s DID was {before or 'its did:web on the registry site'}: it is part of every signature "
                f"{issuer} has made, so it never changes once it has keys or awards",
                code="governance.identity",
            )
        )
    elif before != after and doc is not None and base_did is not None and (cited := _endorsements_of(pr, base_did)):
        problems.append(
            doc.problem(
                ["did"],
                f"{issuer}'s DID was {base_did}: {cited[0]} endorses {issuer} by it, and an endorsement is never "
                "changed, so the DID does not change while another body's endorsement names it",
                code="governance.identity",
            )
        )
    elif (
        before != after
        and isinstance(after, str)
        and doc is not None
        and pr.rules.new_issuer_requires_registry_maintainer
        and not pr.actor_is_registry_maintainer
    ):
        # The site then vouches for the DID: as the issuer of the awards it signs, and in the issuer list wallets
        # trust (issuers/registry.json), where another organisation's DID would put that organisation's genuine
        # credentials under this issuer's name. No check can prove control of it without the network.
        problems.append(
            doc.problem(
                ["did"],
                f"{issuer} would be known by {after}, a DID of its own: no check can tell whether {issuer} controls "
                "it (the check reads no network), and the site would vouch for it to every verifier and wallet, so "
                f"only a registry maintainer ({pr.registry_maintainers.mention()}) sets or changes it, once its DID "
                f"document lists {issuer}'s keys",
                code="governance.identity",
            )
        )


def _former_profiles(pr: PullRequest, change: Change, doc: Document, problems: ProblemList) -> None:
    """``former_profiles`` only grows, by the profile the change replaces (see the module's documentation)."""
    base = pr.base_yaml(change.path) if change.status is ChangeStatus.MODIFIED else {}
    before, after = base.get("former_profiles") or [], doc.data.get("former_profiles") or []
    if not isinstance(before, list) or not isinstance(after, list):
        return  # not a list: the schema says so
    field = "former_profiles"

    def refuse(loc: list[str | int], message: str) -> None:
        problems.append(doc.problem(loc if field in doc.data else [], message, code=FORMER_CODE))

    for i, entry in enumerate(before):
        if i >= len(after):
            refuse(
                [field],
                f"{len(before) - i} former profile(s) removed: former profiles are never removed "
                "(awards signed before a rebrand carry them)",
            )
            return
        if after[i] != entry:
            refuse([field, i], "a former profile never changes (awards signed before a rebrand carry it as it is)")
            return
    added = after[len(before) :]
    if not added:
        return
    at = len(before)
    entry = added[0]
    if len(added) > 1:
        refuse([field, at + 1], "add one former profile per change: the profile this change replaces")
    if not isinstance(entry, dict):
        return  # the schema says what an entry is
    if not base:
        refuse(
            [field, at],
            "a new issuer has no former profile: one is recorded when an issuer changes its name, "
            "website, email or logo",
        )
        return
    for name in PROFILE_FIELDS:
        if entry.get(name) != base.get(name):
            was = f"{base[name]!r}" if base.get(name) is not None else "not set"
            refuse(
                [field, at, name] if name in entry else [field, at],
                f"the new former profile must be the profile this change replaces, exactly as it was: its {name} "
                f"was {was}",
            )
            return
    until = parse_date(entry.get("until"))
    if until is None:
        return  # the schema says what a date is
    if until > pr.now.date():
        refuse([field, at, "until"], f"until {until} is in the future: it is the last day the former profile was used")
    previous = parse_date(before[-1].get("until")) if before and isinstance(before[-1], dict) else None
    if previous is not None and until < previous:
        refuse([field, at, "until"], f"until {until} is before the previous former profile's ({previous})")


def _governance(pr: PullRequest, change: Change, problems: ProblemList) -> None:
    if change.status is not ChangeStatus.MODIFIED:
        return
    doc = pr.head_yaml(change.path)
    after = doc.data.get("site_url") if doc is not None and isinstance(doc.data, dict) else None
    before = pr.base_site_url
    if doc is not None and before is not None and after != before and pr.base.entries(layout.KEYS_DIR):
        problems.append(
            doc.problem(
                ["site_url"],
                f"site_url was {before}: it decides every issuer's did:web, which registered keys and signed awards "
                "name, so it never changes once the registry has keys",
                code="governance.identity",
            )
        )


def lifecycle_additions(before: Any, after: Any) -> set[str]:
    """The lifecycle fields ``after`` sets that a key file's ``before`` content did not: absent or ``null``
    there (a ``null`` sets nothing, so it is no value that "never changes": were it one, a change adding
    ``"revoked_at": null`` would make the key impossible to revoke)."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return set()
    return {f for f in LIFECYCLE_FIELDS if before.get(f) is None and after.get(f) is not None}


def _key(pr: PullRequest, change: Change, problems: ProblemList) -> None:
    if change.status is ChangeStatus.DELETED:
        problems.add(
            change.path,
            "key files are never deleted: signatures made with the key point at it. Retire the key by adding "
            "valid_until, or revoke it by adding revoked_at and revocation_reason",
            code="governance.append-only",
        )
        return
    if change.status is ChangeStatus.ADDED:
        # A key added with its end already written is retired by the log as of the change that adds it
        # (transparency/entries.py), as one whose end a later change sets: the same rule, nothing signed yet.
        try:
            doc = parse_json(decode_utf8(_current(pr, change), change.path), change.path)
        except SourceError:
            return  # the load stage reports a broken new key file
        added = lifecycle_additions({}, doc.data)
        if added:
            _end_not_ahead(pr, change, doc, added, problems)
        return
    if change.status is not ChangeStatus.MODIFIED:
        return
    try:
        before = parse_json(decode_utf8(pr.base.read(change.path) or b"", change.path), change.path).data
        doc = parse_json(decode_utf8(_current(pr, change), change.path), change.path)
    except SourceError:
        return  # a base that was no key file protects nothing; the load stage reports a broken new one
    after = doc.data
    if not isinstance(before, dict) or not isinstance(after, dict):
        return
    refused = False
    for name in sorted(set(before) | set(after)):
        if name in LIFECYCLE_FIELDS and before.get(name) is None:  # not set yet: it may be (lifecycle_additions)
            continue
        if before.get(name) == after.get(name) and (name in before) == (name in after):
            continue
        refused = True
        if name == "publicKeyMultibase":
            message = (
                "a key's public material never changes: for a new key pair add a new key file (`credreg keygen`) "
                "and retire this one with valid_until"
            )
        elif name in LIFECYCLE_FIELDS:
            message = f"was {before[name]!r}: once set, it never changes"
        else:
            message = (
                f"never changes (was {before.get(name)!r}): only valid_until, revoked_at and revocation_reason may "
                "be added to a key file"
            )
        problems.append(doc.problem([name] if name in after else [], message, code="governance.append-only"))
    added = lifecycle_additions(before, after)
    if added and not refused:
        _end_not_ahead(pr, change, doc, added, problems)
        _signatures_stay_valid(pr, change, doc, added, problems)


def _end_not_ahead(pr: PullRequest, change: Change, doc: Document, added: set[str], problems: ProblemList) -> None:
    """An end of validity added to a key (or written into a new key's file) may not lie in the future. The public
    log dates a key's retirement by the change that sets it (an entry that retires the key:
    :mod:`generator.transparency.inclusion` refuses what the key signs that is published after it), and the key
    file by its time: they agree only when that time has come by the change. A ``valid_until`` a month ahead kept
    the key in force for this check, which accepted new awards signed with it for a month, each refused by the
    log."""
    registry, role = pr.registry, change.role
    if registry is None or role.issuer is None or not registry.is_endorser(role.issuer) or role.name is None:
        return
    record = registry.endorser_keys(role.issuer).get(role.name)
    if record is None:
        return  # the load stage explains why the key file is unusable
    for name in sorted(added):
        when = getattr(record.model, name)
        if name != "revocation_reason" and when is not None and when > pr.now:
            problems.append(
                doc.problem(
                    [name],
                    f"{doc.data[name]} is in the future: a key's end takes effect when the change that sets it is "
                    "published (the public log refuses whatever the key signs that is published after it, whatever "
                    "date its signature claims), so set it to the time of this change; publish what the key has "
                    "signed before retiring it",
                    code="governance.key-window",
                )
            )


def _key_signatures(pr: PullRequest, issuer: str, method: str) -> Iterator[tuple[str, object]]:
    """Every signature by ``method`` in the issuer's (or endorser's) awards, revocation log, status lists and
    endorsements (working tree)."""
    yield from award_signatures(pr.root, issuer, method)
    yield from _endorsement_signatures(pr, issuer, method)
    log = layout.revocations_path(pr.root, issuer)
    try:
        lines = list(iter_lines(log)) if log.is_file() else []
    except OSError:  # a link or special file: the layout rules refuse it
        lines = []
    for number, line in lines:
        if method in line:
            try:
                entry = parse_award_text(line, "", number, strict=False).data
            except SourceError:
                continue
            proof = entry.get("proof") if isinstance(entry, dict) else None
            if isinstance(proof, dict) and proof.get("verificationMethod") == method:
                yield f"{layout.relpath(pr.root, log)}:{number}", proof.get("created")
    for path in sorted((layout.owner_dir(pr.root, issuer) / "status").glob("*.json")):
        try:
            credential = read_list_file(path, "").data
        except SourceError:
            continue
        proofs = credential.get("proof") if isinstance(credential, dict) else None
        for proof in proofs if isinstance(proofs, list) else [proofs]:
            if isinstance(proof, dict) and proof.get("verificationMethod") == method:
                yield layout.relpath(pr.root, path), proof.get("created")


def _endorsement_signatures(pr: PullRequest, owner: str, method: str) -> Iterator[tuple[str, object]]:
    """Every signature by ``method`` in the endorsements filed under ``owner`` (an endorser or an issuer)."""
    for found in iter_endorsements(pr.root, owner):
        proofs = found.document.get("proof")
        for proof in proofs if isinstance(proofs, list) else [proofs]:
            if isinstance(proof, dict) and proof.get("verificationMethod") == method:
                yield layout.relpath(pr.root, found.path), proof.get("created")


def _signatures_stay_valid(
    pr: PullRequest, change: Change, doc: Document, added: set[str], problems: ProblemList
) -> None:
    """An end of validity added to a key must not invalidate signatures the registry already holds: awards and
    the log are never removed, so they would fail every check from then on."""
    registry, role = pr.registry, change.role
    if registry is None or role.issuer is None or not registry.is_endorser(role.issuer) or role.name is None:
        return  # an issuer or an endorser: is_endorser is true of both
    record = registry.endorser_keys(role.issuer).get(role.name)
    if record is None:
        return  # the load stage explains why the key file is unusable
    method = f"{registry.endorser_did(role.issuer)}#{role.name}"
    cut: list[str] = []  # each signed file or line once, though an award carries two proofs
    for where, created in _key_signatures(pr, role.issuer, method):
        when = parse_time(created)
        if when is not None and window_problem(record.model, when) and where not in cut:
            cut.append(where)
    if cut:
        name = "revoked_at" if "revoked_at" in added else "valid_until"
        examples = ", ".join(cut[:3]) + (f" and {len(cut) - 3} more" if len(cut) > 3 else "")
        problems.append(
            doc.problem(
                [name],
                f"would invalidate {len(cut)} signed item{'s' if len(cut) != 1 else ''} the registry already holds "
                f"({examples}): signed awards are never removed, so the key must stay valid for them. Choose a "
                "later time; if the key was stolen and misused, ask the registry maintainers",
                code="governance.key-window",
            )
        )


_RULES: dict[PathKind, Callable[[PullRequest, Change, ProblemList], None]] = {
    PathKind.AWARD: _award,
    PathKind.AWARD_BATCH: _award,
    PathKind.REVOCATIONS: _revocations,
    PathKind.STATUS_LIST: _status_list,
    PathKind.CREDENTIAL: _credential,
    PathKind.ISSUER: _issuer,
    PathKind.ENDORSER: _issuer,  # an endorser's did and its existence are bound to its signatures alike
    PathKind.KEY: _key,
    PathKind.GOVERNANCE: _governance,
    PathKind.ENDORSEMENT: _endorsement,
}


def check_history(pr: PullRequest, problems: ProblemList) -> None:
    """Refuse every change that rewrites, renames or removes what the registry has published."""
    for change in pr.changes:
        if change.status is ChangeStatus.RENAMED:
            kinds = [k for k in (change.old_role.kind, change.role.kind) if k in _NAMED]
            if kinds:
                problems.add(
                    change.path,
                    f"renamed from {change.old_path}: {_NAMED[kinds[0]]} is never renamed "
                    "(ids and file names are part of signed awards and published URLs)",
                    code="governance.append-only",
                )
            continue
        rule = _RULES.get(change.role.kind)
        if rule is not None:
            rule(pr, change, problems)
