"""Signing awards: one recipient into one file, or a cohort from CSV into one JSON Lines batch.

Every award gets a fresh secret recipient key (:func:`generator.openbadges.new_recipient_key`): the award holds
only ``sha256(email + key)``, the key goes to the earner (see :mod:`generator.awarding.earners`).

Nothing is written until every recipient is valid and every award is signed; then the earners' files (outside
the repository), the status list (if new) and the award file are each written atomically.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import secrets
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator import layout
from generator._internal.durations import add_duration
from generator._internal.times import validity_window_problem
from generator.awarding.earners import EarnerCopy, earlier_holders, prepare_earner_dir, write_earners
from generator.awarding.keys import SigningKey
from generator.awarding.lock import owner_lock
from generator.awarding.record import SignedEntry, file_entry, record_signed
from generator.awarding.signing import sign_document
from generator.awarding.status import StatusAllocator, refuse_lost_lists, tell_not_published, write_signed_files
from generator.awards import (
    award_filename,
    award_hash,
    batch_filename,
    iter_awards,
    read_revocations,
    render_award,
)
from generator.errors import CredregError, ProblemList, ProblemsFound, SecretPlaceRefused, UsageError
from generator.models import LifecycleStatus
from generator.models.award import EvidenceRef, as_read
from generator.openbadges import earner_link, new_recipient_key, normalize_identifier, timestamp, unsigned_award
from generator.registry import Registry
from generator.verify.keys import window_problem
from generator.verify.policies import valid_from_before_definition

__all__ = [
    "IssuedAward",
    "Recipient",
    "evidence_problem",
    "holder_warnings",
    "issue_awards",
    "parse_valid_from",
    "parse_valid_until",
    "read_cohort",
    "recipient_named_in",
    "signing_key_problems",
]


@dataclass(frozen=True, slots=True)
class Recipient:
    email: str
    evidence: tuple[str, ...] = ()
    valid_until: dt.datetime | None = None
    line: int | None = None
    """Line in the cohort CSV, for messages."""
    source: str | None = None
    """The cohort CSV, for messages (``file:line: field``, as its other rows' problems are named)."""

    name: str | None = None
    """For the issuer's private mapping only: never published."""


@dataclass(frozen=True, slots=True)
class IssuedAward:
    award: dict[str, Any]
    hash: str
    path: Path
    line: int | None
    verify_url: str
    """The public verification link: anyone may see what was awarded, by whom, when, and its status."""

    recipient: Recipient
    recipient_key: str
    """The secret that confirms the recipient: only in the earner's link and the issuer's private mapping."""

    @property
    def earner_url(self) -> str:
        """The earner's private link: confirms their address on the verification page."""
        return earner_link(self.verify_url, self.recipient_key)


def _parse_date(value: str, *, start: bool = False) -> dt.datetime:
    """``2027-06-30`` (end of that day, UTC; its start with ``start``: a window that opens that day) or a full ISO
    8601 timestamp with zone."""
    value = value.strip()
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            end = (0, 0, 0) if start else (23, 59, 59)
            return dt.datetime(day.year, day.month, day.day, *end, tzinfo=dt.UTC)
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD) or an ISO 8601 timestamp") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    try:
        parsed.astimezone(dt.UTC)  # how every award writes it (timestamp): year 10000 or 0 has no such form
    except OverflowError:
        raise ValueError(f"{value!r} is outside the years 0001-9999 in UTC") from None
    return parsed


def evidence_problem(url: str) -> str | None:
    """Why ``url`` cannot be an award's evidence (None when it can), by the very rules `credreg check` applies to
    a signed award (:class:`generator.models.award.Award`): an http(s) URL without spaces, naming no one (no
    email address anywhere in it: it is published)."""
    try:
        EvidenceRef.model_validate({"id": url, "type": ["Evidence"]})
    except ValidationError as exc:
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    return None


#: A word of a name, or of an address's local part (``ada.lovelace`` is ``ada`` and ``lovelace``).
_NAME_WORD = re.compile(r"[^\W\d_]{3,}")
_NOT_LETTERS = re.compile(r"[\W\d_]+")


def recipient_named_in(text: str, email: str, name: str | None) -> str | None:
    """What in ``text`` (an evidence URL, a revocation reason: published) names the recipient (None when nothing
    does): a word of three letters or more of their name or of their address before the ``@`` (one of five or
    more within a word too: ``alovelace``), or either one written run together (``github.com/adalovelace``).
    The award profile's email check sees only an address; "Withdrawn at Ada Lovelace's request" or
    ``…/projects/ada-lovelace`` name her as plainly. The text is read as a reader reads it (its escapes undone:
    ``h%6Fpper`` is ``hopper`` in a browser's address bar; :func:`generator.models.award.as_read`) and its
    compatibility characters as the letters they show (NFKC: fullwidth ``ｈｏｐｐｅｒ``)."""
    text = unicodedata.normalize("NFKC", as_read(text))
    sequence = [w.casefold() for w in _WORD.findall(text)]
    words = set(sequence)
    squeezed = _NOT_LETTERS.sub("", text).casefold()
    numbers = [_ascii_digits(run) for run in _NUMBER.findall(text)]
    grouped = _grouped_numbers(text)
    for whose, part in (("name", name or ""), ("address", email.partition("@")[0])):
        for word in _NAME_WORD.findall(part):
            # A word of the text; a long one also within a word (alovelace, lovelace-portfolio).
            if word.casefold() in words or (len(word) >= 5 and word.casefold() in squeezed):
                return f"{word!r}, of the recipient's {whose}"
        whole = _NOT_LETTERS.sub("", part).casefold()
        if len(whole) >= 6 and whole in squeezed:
            return f"{part!r} run together, the recipient's {whose}"
        # Its words however short (Bo Li, yu.xu: each word too short to be read alone), run together as a word of
        # the text (boli) or as the text's words next to each other, in either order (bo-li, li_bo).
        own = [w.casefold() for w in _WORD.findall(part) if not w.isdigit()]
        if len(own) >= 2 and ((len("".join(own)) >= 4 and "".join(own) in words) or _adjacent(own, sequence)):
            return f"{part!r}, the recipient's {whose}, its words side by side"
        # A number (a student's number as the address's local part, s1234567@…) of five digits or more in a
        # number of the text (…/s1234567/, ?id=1234567), whatever digits it is written in, or written in groups
        # (123 4567, 1,234,567, s123-4567: the groups side by side are the number, leading zeros aside).
        for run in _NUMBER.findall(part):
            digits = _ascii_digits(run)
            if len(digits) >= 5 and (any(digits in number for number in numbers) or digits.lstrip("0") in grouped):
                return f"{run!r}, the number in the recipient's {whose}"
    return None


_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+")


#: Digit groups of one number as people write a long one: apart by one space, comma, full stop, hyphen,
#: apostrophe or underscore (``123 4567``, ``1,234,567``, ``1'234'567``); a slash parts a path's numbers.
_GROUPED = re.compile(r"\d+(?:[ ,.'_-]\d+)+")


_LONGEST_NUMBER = 32


def _grouped_numbers(text: str) -> set[str]:
    """Every number ``text`` writes in groups (:data:`_GROUPED`), as its groups side by side read (any run of
    neighbouring groups: ``2023-123-4567`` holds ``1234567``), in ASCII digits without leading zeros."""
    found = set()
    for written in _GROUPED.findall(text):
        groups = [_ascii_digits(group) for group in _NUMBER.findall(written)]
        for start in range(len(groups)):
            joined = groups[start]
            for end in range(start + 1, len(groups)):
                joined += groups[end]
                if len(joined) > _LONGEST_NUMBER:  # no one's number: and a text of many groups reads in linear time
                    break
                found.add(joined.lstrip("0"))
    return found


def _ascii_digits(run: str) -> str:
    """A run of decimal digits of any script as ASCII digits (``١٢٣`` is ``123``)."""
    return "".join(str(unicodedata.decimal(char)) for char in run)


def _adjacent(own: list[str], sequence: list[str]) -> bool:
    """Whether ``own``'s words stand next to each other in ``sequence``, in their order or reversed."""
    count = len(own)
    forms = (own, own[::-1])
    return any(sequence[i : i + count] in forms for i in range(len(sequence) - count + 1))


def parse_valid_until(value: str, option: str = "--valid-until") -> dt.datetime:
    """The date given with ``option`` (named in the message when it is not a date): a day is read to its end."""
    try:
        return _parse_date(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def parse_valid_from(value: str, option: str = "--valid-from") -> dt.datetime:
    """The start given with ``option``: a day from its first instant (UTC), a time as given. ``credreg keygen``'s
    ``--valid-from`` is a key's first day, which ``parse_valid_until`` opened only at its last second."""
    try:
        return _parse_date(value, start=True)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _rows(reader: csv.DictReader[str], path: Path) -> Iterator[dict[str | Any, str | Any]]:
    """The reader's rows; malformed CSV (an unclosed quote, a cell over the csv module's size limit) is refused
    with the line its record starts on."""
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UsageError(f"{path}:{start}: {exc}; nothing was signed") from None
        yield row


def read_cohort(path: Path, root: Path | None = None) -> list[Recipient]:
    """Recipients from a CSV with a header: ``email`` (required), ``name``, ``evidence`` and ``valid_until``
    (optional; the name goes only into the issuer's private mapping).

    Every bad row is reported (file, line, column) before anything is signed. With ``root``, a file inside a
    registry checkout (:func:`generator.layout.checkout_holding`) is refused: it is one ``git add`` from
    publishing every recipient's address, and the full check refuses it there anyway.
    """
    holder = layout.checkout_holding(path, root) if root is not None else None
    if holder is not None:
        raise SecretPlaceRefused(
            f"refusing to read a cohort file inside the registry repository: {path} (in the checkout {holder})",
            [
                "a list of recipients' addresses must never be published; move it outside the checkout "
                "(for example to your home folder) and give that path to --csv",
                "nothing was signed",
            ],
        )
    problems = ProblemList()
    rel = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    # strict: a stray or unclosed quote is an error, not a field that swallows the following rows (recipients).
    reader = csv.DictReader(io.StringIO(text), strict=True)
    try:
        fields = [f.strip().lower() for f in reader.fieldnames or []]
    except csv.Error as exc:
        raise UsageError(f"{path}:1: {exc} (the header); nothing was signed") from None
    if "email" not in fields:
        raise UsageError(
            f"{path}: the first line must be a header with an 'email' column (optional: name, evidence, valid_until)"
        )
    twice = sorted({f for f in fields if fields.count(f) > 1})
    if twice:
        raise UsageError(f"{path}:1: the header names {', '.join(map(repr, twice))} more than once; nothing was signed")
    unknown = sorted(set(fields) - {"email", "name", "evidence", "valid_until"})
    if unknown:
        raise UsageError(f"{path}: unknown columns: {', '.join(unknown)} (allowed: email, name, evidence, valid_until)")
    recipients: list[Recipient] = []
    seen: dict[str, int] = {}
    for row in _rows(reader, path):
        line = reader.line_num
        extra = row.get(None)  # DictReader's key for the cells beyond the header's columns
        if extra:
            problems.add(
                rel,
                f"{len(extra)} more cell{'s' if len(extra) != 1 else ''} than the header's {len(fields)} columns",
                line=line,
                code="cohort.cells",
            )
            continue
        values = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
        try:
            email = normalize_identifier(values.get("email", ""))
        except ValueError as exc:
            problems.add(rel, str(exc), line=line, field="email", code="cohort.email")
            continue
        if email in seen:
            problems.add(
                rel,
                f"{email} is listed twice (first on line {seen[email]})",
                line=line,
                field="email",
                code="cohort.duplicate",
            )
            continue
        seen[email] = line
        evidence = tuple(u for u in values.get("evidence", "").split() if u)
        bad = [f"{u!r}: {why}" for u in evidence if (why := evidence_problem(u)) is not None]
        if bad:
            problems.add(
                rel,
                f"evidence must be http(s) URLs naming no one: {'; '.join(bad)}",
                line=line,
                field="evidence",
                code="cohort.evidence",
            )
            continue
        until = None
        if values.get("valid_until"):
            try:
                until = _parse_date(values["valid_until"])
            except ValueError as exc:
                problems.add(rel, str(exc), line=line, field="valid_until", code="cohort.date")
                continue
        recipients.append(Recipient(email, evidence, until, line, rel, values.get("name") or None))
    if problems:
        raise ProblemsFound(
            problems, f"{path}: {len(problems)} bad row{'s' if len(problems) != 1 else ''}; nothing was signed"
        )
    if not recipients:
        raise UsageError(f"{path} lists no recipients")
    return recipients


def _awards_in_force(registry: Registry, issuer: str, slug: str) -> set[str]:
    """Hashes of the registry's awards of one credential that are not revoked."""
    if issuer not in registry.issuers:
        return set()
    achievement = registry.credential_url(issuer, slug)
    log = layout.issuer_dir(registry.root, issuer) / "revocations.jsonl"
    revoked = {str(entry.get("award")) for _, entry in read_revocations(log)}
    held: set[str] = set()
    for source in iter_awards(registry.root, issuer):
        try:
            award = source.parse().data
            subject = award.get("credentialSubject") if isinstance(award, dict) else None
            if isinstance(subject, dict) and (subject.get("achievement") or {}).get("id") == achievement:
                held.add(award_hash(award))
        except (CredregError, AttributeError):
            continue  # the check reports it
    return held - revoked


def holder_warnings(registry: Registry, credential: str, recipients: list[Recipient], earner_base: Path) -> list[str]:
    """Recipients who already hold this credential, by the issuer's earlier runs' private mappings under
    ``earner_base`` (a cohort naming one address twice is refused by :func:`read_cohort`). Warnings, not
    refusals: a re-award can be deliberate."""
    issuer, _, slug = credential.partition("/")
    warnings: list[str] = []
    emails = list(dict.fromkeys(r.email for r in recipients))
    held = _awards_in_force(registry, issuer, slug)
    for email, holdings in sorted(earlier_holders(earner_base, emails, held).items()):
        digest, mapping = holdings[0]
        warnings.append(f"{email} already holds {credential} (award {digest}, recorded in {mapping})")
    return warnings


def signing_key_problems(registry: Registry, issuer: str, key: SigningKey, when: dt.datetime) -> list[str]:
    """Why ``key`` may not sign for ``issuer`` at ``when`` (empty when it may)."""
    if key.issuer != issuer:
        return [f"the key belongs to issuer {key.issuer!r}, not {issuer!r}"]
    if (elsewhere := key.identity_problem(registry.issuer_did(issuer), registry.site_url)) is not None:
        return [elsewhere]
    record = registry.issuers[issuer].keys.get(key.key_id)
    if record is None:
        return [f"key {key.key_id!r} is not registered: keys/{issuer}/{key.key_id}.json is missing"]
    if record.model.publicKeyMultibase != key.public_multibase:
        return [f"the private key does not match the registered public key keys/{issuer}/{key.key_id}.json"]
    # The check's rule and words (an endorser's signing_problems reads it too): a copy said the key's times in
    # the key file's own offset, where every verdict on what it signs says them in UTC.
    problem = window_problem(record.model, when)
    return [problem] if problem else []


def issue_awards(
    registry: Registry,
    ref: str,
    recipients: list[Recipient],
    key: SigningKey,
    *,
    batch: bool,
    now: dt.datetime | None = None,
    valid_from: dt.datetime | None = None,
    earner_dir: Path | None = None,
    signed_record: Path | None = None,
) -> list[IssuedAward]:
    """Sign an award per recipient for credential ``issuer/slug`` and write them into the registry.

    With ``earner_dir`` (outside the repository, new or empty), each earner's file and the private mapping of
    recipients to links and keys are written there first. Without it the keys exist only in the result. With
    ``signed_record`` (:mod:`generator.awarding.record`), a line per award is appended there before the registry's files
    are written. ``valid_from`` signs at another time than ``now`` (a test's or a demo's history): no command passes
    it, as the pull-request check refuses a new award signed more than ``review.award_backdating_days`` back or
    ahead (:func:`generator.governance.fresh.freshness_problem`), and ``credreg award`` signs at the clock's time.
    """
    issuer_id, _, slug = ref.partition("/")
    if issuer_id not in registry.issuers:
        raise UsageError(f"unknown issuer {issuer_id!r}")
    record = registry.issuers[issuer_id]
    credential = record.credentials.get(slug)
    if credential is None:
        known = ", ".join(sorted(record.credentials)) or "none"
        raise UsageError(f"issuer {issuer_id!r} defines no credential {slug!r}", [f"its credentials: {known}"])
    definition = credential.model
    if definition.status is LifecycleStatus.RETIRED:
        raise UsageError(f"{ref} is retired and can no longer be awarded")
    now = now or dt.datetime.now(dt.UTC)
    issued_at = valid_from or now
    refusals = signing_key_problems(registry, issuer_id, key, issued_at)
    if refusals:
        raise UsageError(f"cannot sign with this key: {refusals[0]}", refusals[1:])
    early = valid_from_before_definition({"validFrom": timestamp(issued_at)}, definition.created)
    if early:
        raise UsageError(f"cannot award {ref}: {early}")
    period = definition.validity.period
    untils = [r.valid_until or (add_duration(issued_at, period) if period else None) for r in recipients]
    for recipient, until in zip(recipients, untils, strict=True):
        for url in recipient.evidence:
            where = f"{recipient.source}:{recipient.line}: evidence" if recipient.line else "--evidence"
            why = evidence_problem(url)
            if why is not None:
                raise UsageError(f"{where} {url!r}: {why}", ["nothing was signed"])
            named = recipient_named_in(url, recipient.email, recipient.name)
            if named is not None:
                raise UsageError(
                    f"{where} {url!r} names the recipient: {named}; evidence is published, and the recipient never is",
                    ["link to the work by an opaque address (a project number, a share link)", "nothing was signed"],
                )
        # The rule `credreg check` applies, to the times as the award writes them (to the second): a
        # --valid-until within the issue's second would otherwise pass here and be refused once signed.
        window = validity_window_problem(timestamp(issued_at), timestamp(until)) if until is not None else None
        if window is not None:
            where = f"{recipient.source}:{recipient.line}: valid_until" if recipient.line else "--valid-until"
            where = where if recipient.valid_until else f"{ref}'s validity period {period}"
            raise UsageError(f"{where}: {window}", ["nothing was signed"])
    # Another run for this issuer (an award, a cohort, an endorsement) would see none of this run's slots until its
    # files are in place: the issuer's folder is locked from the scan of the taken slots until then.
    with owner_lock(registry.root, issuer_id):
        earners = prepare_earner_dir(earner_dir, registry.root) if earner_dir is not None else None
        allocator = StatusAllocator.scan(registry, issuer_id)
        refuse_lost_lists(registry, issuer_id, allocator.used)
        vm = f"{registry.issuer_did(issuer_id)}#{key.key_id}"
        signed: list[dict[str, Any]] = []
        keys: list[str] = []
        slots = allocator.allocate_many(len(recipients))
        for recipient, until, (number, index) in zip(recipients, untils, slots, strict=True):
            keys.append(new_recipient_key())
            unsigned = unsigned_award(
                registry,
                record.issuer,
                definition,
                award_id=f"urn:uuid:{uuid.uuid4()}",
                recipient_email=recipient.email,
                recipient_key=keys[-1],
                valid_from=issued_at,
                valid_until=until,
                evidence=list(recipient.evidence),
                status_list=number,
                status_index=index,
            )
            signed.append(sign_document(unsigned, key, vm, issued_at))

        digests = [award_hash(a) for a in signed]
        order = list(range(len(signed)))
        if batch:
            date = issued_at.date().isoformat()
            batch_path = batch_filename(registry.root, issuer_id, slug, date, secrets.token_hex(4))
            paths = [batch_path] * len(signed)
            # The lines in random order, as the status indexes are drawn: a batch is public (and so is its line order,
            # in the transparency log), and a cohort's order is usually a class list's (by name or address).
            secrets.SystemRandom().shuffle(order)
            lines: list[int | None] = [None] * len(signed)
            for line, i in enumerate(order, 1):
                lines[i] = line
        else:
            paths = [award_filename(registry.root, issuer_id, a, d) for a, d in zip(signed, digests, strict=True)]
            lines = [None] * len(signed)
        results = [
            IssuedAward(award, digest, path, line, registry.verify_url(digest), recipient, rkey)
            for award, digest, path, line, recipient, rkey in zip(
                signed, digests, paths, lines, recipients, keys, strict=True
            )
        ]
        files: list[tuple[Path, str]] = []
        try:  # stopped from the earners' folder on: told that it holds awards not published
            if earners is not None:
                # Before the registry: an award is never published whose recipient key was not written down.
                write_earners(
                    earners,
                    [
                        EarnerCopy(r.recipient.email, r.recipient.name, r.award, r.hash, r.earner_url, r.recipient_key)
                        for r in results
                    ],
                )
            lists = allocator.new_lists(key, issued_at)
            if signed_record is not None:
                in_order = sorted(results, key=lambda r: r.line or 0)  # the file's order, never the cohort's
                entries = [
                    SignedEntry(
                        r.hash, "award", layout.relpath(registry.root, r.path) + (f"#{r.line}" if r.line else "")
                    )
                    for r in in_order
                ]
                entries += [file_entry("status-list", registry.root, path, data) for path, data in lists]
                record_signed(signed_record, entries, now)
            if batch:
                text = "".join(json.dumps(signed[i], ensure_ascii=False, separators=(",", ":")) + "\n" for i in order)
                files = [(paths[0], text)]
            else:
                files = [(path, render_award(award)) for award, path in zip(signed, paths, strict=True)]
            write_signed_files(registry.root, lists, files, earners=earners)
        except KeyboardInterrupt as exc:
            tell_not_published(exc, earners, files)
            raise
        return results
