"""What earlier awards carry: a change to the records they must match is refused when one would stop matching.

Every award carries its issuer's profile and its credential's achievement, and must match what the registry's
records build from them (:mod:`generator.verify.records`). The pull-request check verifies only what a change
adds, so without this rule an edit of ``issuer.yaml`` (a new website) or of an awarded definition (a new name,
a new description without a new ``version``) passed, and the full check of the next build then refused every
earlier award: nothing could be published until the edit was undone.

Here, for each issuer whose ``issuer.yaml`` or credential definitions the change modifies, the awards the
registry already holds are compared with the changed records through the full check's own rules
(:meth:`RegistryLookups.issuer_problems`, :func:`credential_problem`), and the change is refused on the file
and field that broke them: for a rebrand whose new former profile's ``until`` is before awards held with that
profile were signed (a former profile is carried only by awards signed while it was current), that ``until``.

A definition's ``created`` date is a record awards are held to as well: no award's ``validFrom`` may lie before
it (:func:`valid_from_before_definition`). Moving it later broke awards already held, and was refused as such;
moving it earlier broke none, and let awards made from then on claim validity from before the credential
existed. It is a historical fact, the day the definition was first published, so it never changes once the
definition is in the base, awarded or not (a new ``version`` is recorded in ``updated``): refused on the
``created`` field, whichever way it moves (and the awards a later date would break are not reported again).
Since it can never be corrected, a definition a change adds is held to it as well: its ``created`` may not be
after the day of the check (UTC, as a former profile's ``until``), for a credential is not first published in
the future. It has no lower bound: issuers register credentials they published long before they joined the
registry, and the registry records no day an issuer joined that could bound it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator import layout
from generator._internal.source import Document
from generator._internal.times import parse_date
from generator.crypto.dataintegrity import proofs_of
from generator.errors import ProblemList
from generator.governance.context import PullRequest
from generator.governance.existing import existing_awards
from generator.governance.git import ChangeStatus
from generator.layout import PathKind
from generator.registry import Registry
from generator.verify.policies import RegistryLookups, credential_problem, valid_from_before_definition
from generator.verify.records import late_former

__all__ = ["check_awarded_records"]

CODE = "governance.awarded-records"


@dataclass
class _Broken:
    """The earlier awards a changed file would invalidate."""

    count: int = 0
    first: list[tuple[str, str]] = field(default_factory=list)
    """(where, why) of the first few."""
    last: str = ""
    until: int | None = None
    """The former profile (index) every one of them carries but was signed after: its ``until`` is the cause."""

    def add(self, where: str, why: str, until: int | None) -> None:
        if where == self.last:  # an award that breaks two ways (its issuer and its achievement's creator) once
            return
        self.last = where
        self.until = until if self.count == 0 or until == self.until else None
        self.count += 1
        if len(self.first) < 3:
            self.first.append((where, why))


def check_awarded_records(pr: PullRequest, problems: ProblemList) -> None:
    """Refuse a change to an issuer profile or credential definition that an award already held would no
    longer match (see the module's documentation)."""
    registry = pr.registry
    if registry is None:
        return
    moved = _check_created(pr, problems)
    changed: dict[str, str] = {}  # path of a modified record file → its issuer
    for change in pr.changes:
        role = change.role
        modified = change.status is ChangeStatus.MODIFIED and role.kind in (PathKind.ISSUER, PathKind.CREDENTIAL)
        if modified and role.issuer is not None and role.issuer in registry.issuers:
            changed[change.path] = role.issuer
    if not changed:
        return
    added = {c.path for c in pr.changes if c.status is not ChangeStatus.MODIFIED}
    lookups = RegistryLookups.of(registry)
    broken: dict[str, _Broken] = {}
    for issuer in sorted(set(changed.values())):
        issuer_file = _issuer_file(registry, issuer)
        for where, data in _held_awards(registry, issuer, added):
            for path, why in _mismatches(registry, lookups, issuer, data, moved):
                # A definition's achievement embeds the issuer's profile: when only issuer.yaml changed, that
                # is where the award broke.
                path = path if path in changed else issuer_file
                if path in changed:
                    until = _late_former(lookups, issuer, data) if path == issuer_file else None
                    broken.setdefault(path, _Broken()).add(where, why, until)
    for path, found in broken.items():
        _refuse(pr, path, found, problems)


def _held_awards(registry: Registry, issuer: str, added: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, data) of the awards of ``issuer`` the base already held (not the files this change adds)."""
    for rel, where, data in existing_awards(registry.root, issuer):
        if rel not in added and isinstance(data, dict):
            yield where, data


def _mismatches(
    registry: Registry, lookups: RegistryLookups, issuer: str, data: dict[str, Any], moved: set[str]
) -> Iterator[tuple[str, str]]:
    """(record file, why) for each record of ``issuer`` that the award ``data`` no longer matches (not a
    definition in ``moved`` for only its ``created`` date: that is refused on its own)."""
    record = registry.issuers[issuer]
    proofs = proofs_of(data)
    if data.get("issuer") is not None:
        reasons = lookups.issuer_problems(record, data.get("issuer"), proofs)
        if reasons:
            yield _issuer_file(registry, issuer), reasons[0]
    subject = data.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    achievement_id = achievement.get("id") if isinstance(achievement, dict) else None
    slug = lookups.slug_of(record, achievement_id)
    if slug is None or not isinstance(achievement_id, str):
        return  # a deleted or renamed definition: the history rules refuse that
    expected = lookups.achievements[achievement_id]
    whole, former = lookups.canonical_of(expected), lookups.former[issuer]
    why = credential_problem(record, slug, achievement, data, expected, whole=whole, former=former, proofs=proofs)
    path = layout.relpath(registry.root, layout.credential_path(registry.root, issuer, slug))
    if why is None or (
        path in moved and why == valid_from_before_definition(data, record.credentials[slug].model.created)
    ):
        return
    yield path, why


def _check_created(pr: PullRequest, problems: ProblemList) -> set[str]:
    """Refuse a changed ``created`` date of a definition the base holds, and a future one of a definition the
    change adds, on that field; the paths of the changed ones."""
    today = pr.now.date()
    for change in pr.changed(PathKind.CREDENTIAL, statuses=[ChangeStatus.ADDED]):
        doc = pr.head_yaml(change.path)
        created = parse_date(doc.data.get("created")) if doc is not None and isinstance(doc.data, dict) else None
        if doc is not None and created is not None and created > today:
            problems.append(
                doc.problem(
                    ["created"],
                    f"created {created.isoformat()} is in the future (today is {today.isoformat()}, UTC): `created` "
                    "is the day the definition was first published, and it never changes once it is in the "
                    "registry; write the day it was first published, today at the latest",
                    code=CODE,
                )
            )
    _check_updated(pr, problems, today)
    moved: set[str] = set()
    for change in pr.changed(PathKind.CREDENTIAL, statuses=[ChangeStatus.MODIFIED]):
        before = parse_date(pr.base_yaml(change.path).get("created"))
        doc = pr.head_yaml(change.path)
        after = parse_date(doc.data.get("created")) if doc is not None and isinstance(doc.data, dict) else None
        if doc is None or before is None or after is None or after == before:
            continue  # a missing or unreadable date is the definition's own check's to report
        moved.add(change.path)
        direction = "earlier" if after < before else "later"
        problems.append(
            doc.problem(
                ["created"],
                f"created {after.isoformat()} moves the credential's first publication {direction} than "
                f"{before.isoformat()}: `created` is the day the definition was first published, a historical fact "
                "that never changes once it is in the registry, awarded or not (no award's validFrom may lie "
                "before it: an earlier date would let new awards claim validity from before the credential "
                f"existed, a later one would invalidate awards already made); keep `created: {before.isoformat()}` "
                "and record the day of this change in `updated` (with a higher `version` if it changes what "
                "awards carry)",
                code=CODE,
            )
        )
    return moved


def _check_updated(pr: PullRequest, problems: ProblemList, today: dt.date) -> None:
    """Refuse an ``updated`` date the change writes that is in the future: the day a definition last changed has
    come. The feed dates its entries, and itself, by it (feed readers list by it), and the page says it."""
    for change in pr.changed(PathKind.CREDENTIAL, statuses=[ChangeStatus.ADDED, ChangeStatus.MODIFIED]):
        doc = pr.head_yaml(change.path)
        updated = parse_date(doc.data.get("updated")) if doc is not None and isinstance(doc.data, dict) else None
        if doc is None or updated is None or updated <= today:
            continue
        if change.status is ChangeStatus.MODIFIED and parse_date(pr.base_yaml(change.path).get("updated")) == updated:
            continue  # not this change's date
        problems.append(
            doc.problem(
                ["updated"],
                f"updated {updated.isoformat()} is in the future (today is {today.isoformat()}, UTC): `updated` is "
                "the day the definition last changed, which the site's pages and its feed show; write the day of "
                "this change, today at the latest",
                code=CODE,
            )
        )


def _late_former(lookups: RegistryLookups, issuer: str, data: dict[str, Any]) -> int | None:
    """The former profile (index) the award carries, as issuer or creator, but was signed after (records.py)."""
    subject = data.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    creator = achievement.get("creator") if isinstance(achievement, dict) else None
    former, proofs = lookups.former[issuer], proofs_of(data)
    late = late_former(data.get("issuer"), former, proofs)
    return late if late is not None else late_former(creator, former, proofs)


def _issuer_file(registry: Registry, issuer: str) -> str:
    return layout.relpath(registry.root, layout.issuer_dir(registry.root, issuer) / "issuer.yaml")


def _changed_fields(pr: PullRequest, path: str) -> tuple[Document | None, list[str]]:
    """The file as it is now, and its top-level fields whose values the change made differ, in its order."""
    doc = pr.head_yaml(path)
    if doc is None or not isinstance(doc.data, dict):
        return doc, []
    before = pr.base_yaml(path)
    return doc, [k for k, v in doc.data.items() if before.get(k) != v] + [k for k in before if k not in doc.data]


def _refuse(pr: PullRequest, path: str, found: _Broken, problems: ProblemList) -> None:
    doc, fields = _changed_fields(pr, path)
    examples = "; ".join(f"{where}: {why}" for where, why in found.first)
    more = f" and {found.count - len(found.first)} more" if found.count > len(found.first) else ""
    kind = layout.classify(path).kind
    loc: list[str | int] = [*fields[:1]]
    if kind is PathKind.ISSUER and found.until is not None:
        # Every one carries a former profile it was signed after: its `until` (the entry a rebrand adds) is early.
        loc = ["former_profiles", found.until, "until"]
        rule = (
            "`until` is the last day the former profile was used, and an award carries it only if signed by the "
            "end of that day (UTC): make it the day the last of them was signed, or later"
        )
    elif kind is PathKind.ISSUER:
        rule = (
            "an issuer's name, website, email and logo are in every award it has made; to change them (a rebrand), "
            "add them as they are now, with `until` (the last day they are used), as a new last entry of "
            "`former_profiles`, then edit them: earlier awards keep the former profile, new ones carry the new one"
        )
    else:
        rule = (
            "a credential's name, type and issuer never change once it has awards, and its other fields change "
            "only with a higher `version` (earlier awards keep what their version said)"
        )
    message = (
        f"this change would invalidate {found.count} award{'s' if found.count != 1 else ''} the registry already "
        f"holds ({examples}{more}): {rule}"
    )
    if doc is None or not loc or loc[0] not in doc.data:
        problems.add(path, message, code=CODE)
    else:
        problems.append(doc.problem(loc, message, code=CODE))
