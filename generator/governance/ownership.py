"""Ownership: who may change which paths, and which additions need a registry maintainer's approval.

* A path under ``registry/issuers/<id>/`` or ``keys/<id>/`` may be changed by a maintainer of issuer ``<id>``
  or of the registry, as listed at the *base* commit.
* Every other path (governance, schemas, code, workflows, docs, tests, anything new) needs a registry
  maintainer. The one exception is ``.github/CODEOWNERS`` when it is exactly what ``credreg codeowners``
  generates: it is derived from files that have their own owners, and must follow them in the same change.
* A new issuer has no maintainers at the base. A registry maintainer may add it; so may anyone the new
  ``issuer.yaml`` itself lists as a maintainer (someone proposing an issuer must be one of its maintainers).
* New issuers and new keys are not refused when the actor is not a registry maintainer (per the review rules
  ``new_issuer_requires_registry_maintainer`` and ``new_key_requires_registry_maintainer``): the check passes
  with a warning on the file and the summary states the approval needed (a new endorser is a new issuer here).
  CODEOWNERS is what makes GitHub require it (a new issuer falls under ``*``; ``/keys/<id>/`` belongs to the
  registry maintainers).
* An issue form's pull request is opened by the workflow's token, whose author (``github-actions[bot]``)
  maintains nothing. That author proves nothing: anyone with write access can push a workflow of their own to a
  branch and open a pull request as it, from any branch, holding any file, or push to the form's branch. So a
  file is taken as a form's only when the pull-request workflow made it again, with ``credreg form-to-pr``, from
  the issue the branch names (its author's own text: an issue last edited by someone else is not made again), and
  found it equal to the pull request's (``--form-file``); the converter judged the issue's author (a maintainer
  of the issuer, or of the new issuer it proposes). Such a pull request may add that file, one new issuer's
  ``issuer.yaml`` or an existing issuer's new credential definition (and the generated CODEOWNERS), with a
  warning that the files' code owners must approve; anything else it changes is refused, as for any author who
  maintains nothing, and a form-like file not made again is refused with words that say why. One file: with two
  or more, each is refused.
* Handles compare case-insensitively. A team entry (``org/team``) cannot be matched against one person:
  membership cannot be confirmed here, so it does not authorize an author (the refusal says so); teams still
  review through CODEOWNERS, where GitHub knows their members.
"""

from __future__ import annotations

from generator import layout
from generator.errors import ProblemList, Severity
from generator.governance.codeowners import CODEOWNERS_PATH, read_codeowners, render_codeowners
from generator.governance.context import Maintainers, PullRequest, normalize_handle
from generator.governance.git import Change, ChangeStatus
from generator.governance.summary import md_code
from generator.layout import PathKind

__all__ = ["check_ownership", "record_approvals"]


def _team_note(actor: str, owners: Maintainers) -> str:
    teams = owners.teams
    if not teams:
        return ""
    listed = ", ".join(f"@{t}" for t in teams)
    return (
        f"; @{actor} may belong to {listed}, but team membership cannot be confirmed by this check: list the "
        "person in issuer.yaml, or have a listed maintainer open the pull request"
    )


def _codeowners_is_generated(pr: PullRequest) -> bool:
    if pr.registry is None:
        return False
    try:
        current = read_codeowners(pr.root)
    except (OSError, UnicodeDecodeError):
        return False
    return current == render_codeowners(pr.registry)


def _proposed_maintainers(pr: PullRequest, issuer: str) -> Maintainers:
    """The maintainers a new issuer's own (working tree) issuer.yaml lists."""
    if pr.registry is not None and issuer in pr.registry.issuers:
        return Maintainers(tuple(pr.registry.issuers[issuer].issuer.maintainers))
    if pr.registry is not None and issuer in pr.registry.endorsers:
        return Maintainers(tuple(pr.registry.endorsers[issuer].endorser.maintainers))
    return Maintainers()


def _refusal(pr: PullRequest, path: str, deleted: bool) -> str | None:
    """Why the actor may not change ``path`` (``None`` when they may)."""
    actor = pr.actor
    if pr.actor_is_registry_maintainer:
        return None
    registry_owners = pr.registry_maintainers
    role = layout.classify(path)
    if role.issuer is None:
        if path == CODEOWNERS_PATH and not deleted and _codeowners_is_generated(pr):
            return None
        return (
            f"only a registry maintainer ({registry_owners.mention()}) may change registry-level files, "
            f"and @{actor} is not one"
        )
    base_issuer = pr.base_issuer(role.issuer)
    if base_issuer is None:
        proposed = _proposed_maintainers(pr, role.issuer)
        if proposed.includes(actor):
            return None
        return (
            f"{role.issuer} is a new issuer and @{actor} is not among the maintainers its issuer.yaml lists "
            f"({proposed.mention()}): whoever proposes an issuer must be one of its maintainers"
            + _team_note(actor, proposed)
        )
    if base_issuer.maintainers.includes(actor):
        return None
    return (
        f"@{actor} is not a maintainer of {role.issuer}: only its maintainers ({base_issuer.maintainers.mention()}, "
        f"as listed before this change) and the registry maintainers ({registry_owners.mention()}) may change "
        f"its files" + _team_note(actor, base_issuer.maintainers)
    )


#: The author of a pull request opened with a workflow's token: here, only the issue-form workflow opens one.
FORM_BOT = "github-actions[bot]"


def _form_like(pr: PullRequest, change: Change) -> bool:
    """Whether ``change``, in a pull request opened as ``github-actions[bot]``, is the kind of file a form makes: a
    new issuer's ``issuer.yaml``, or a new credential definition of an issuer the base has (``credreg
    form-to-pr``, which judged the issue's author against the same ownership)."""
    if normalize_handle(pr.actor) != FORM_BOT or change.status is not ChangeStatus.ADDED or change.old_path:
        return False
    role = layout.classify(change.path)
    if role.issuer is None:
        return False
    if role.kind is PathKind.ISSUER:  # a new id: no issuer's, and no endorser's (base_issuer knows both)
        return pr.base_issuer(role.issuer) is None
    # An issuer's definition: form-to-pr makes one only for a registered issuer, never under an endorser's id.
    return (
        role.kind is PathKind.CREDENTIAL and pr.base.read(f"{layout.ISSUERS_DIR}/{role.issuer}/issuer.yaml") is not None
    )


def _form_file(pr: PullRequest, change: Change) -> bool:
    """Whether ``change`` is a form's file: of the kind a form makes, and made again from its issue by the
    pull-request workflow, equal to the pull request's (``github-actions[bot]`` alone is any writer's workflow)."""
    return _form_like(pr, change) and change.path in pr.form_files


def check_ownership(pr: PullRequest, problems: ProblemList) -> None:
    """Refuse every changed path the actor does not own (a rename needs both its old and new path)."""
    # A form makes one file. The workflow's branch is in the registry's repository, where anyone with write access
    # can push to it: a second form-like file there was not made by the converter, so when there are several, none
    # is taken as a form's, and each is judged as a change by an author who maintains nothing.
    forms = [change for change in pr.changes if _form_file(pr, change)]
    for change in pr.changes:
        if _form_like(pr, change) and not _form_file(pr, change):
            problems.add(
                change.path,
                f"this pull request was opened as @{FORM_BOT}, but this file is not what credreg form-to-pr makes "
                "from the issue its branch names (form/<issue>-…), as the pull-request workflow made it again: "
                f"anyone with write access can open a pull request as @{FORM_BOT} (with a workflow of their own) "
                "or push to a form's branch. Only the issue's author's edit of the issue makes the form's file "
                "again; other changes go in a pull request of your own",
                code="governance.ownership",
            )
    if len(forms) > 1:
        listed = ", ".join(change.path for change in forms)
        for change in forms:
            problems.add(
                change.path,
                f"an issue form makes one file, and this pull request, opened by the issue-form workflow as "
                f"@{FORM_BOT}, adds {len(forms)} ({listed}): they were not all made by credreg form-to-pr, which "
                "judged the issue's author for one; propose the others in a pull request of your own",
                code="governance.ownership",
            )
    for change in pr.changes:
        if _form_like(pr, change) and not _form_file(pr, change):
            continue  # refused above
        if any(change is form for form in forms):
            if len(forms) > 1:
                continue  # refused above
            problems.add(
                change.path,
                "made from an issue form by credreg form-to-pr, which checked that the issue's author may propose "
                "it; this pull request was opened by the workflow, so its code owners must approve it, and one "
                "other than the issue's author (GitHub counts the author's own approval here, as the pull request "
                "is not theirs)",
                code="governance.approval",
                severity=Severity.WARNING,
            )
            pr.need(
                "approval by each file's code owners, not only by the issue's author (GitHub would count theirs): "
                "made from an issue form, opened by the workflow"
            )
            continue
        paths = [change.path] if change.old_path is None else [change.old_path, change.path]
        for path in paths:
            reason = _refusal(pr, path, deleted=change.status is ChangeStatus.DELETED or path == change.old_path)
            if reason is not None:
                problems.add(path, reason, code="governance.ownership")


def record_approvals(pr: PullRequest, problems: ProblemList) -> None:
    """What the pull request needs from reviewers: code owner approvals, and a registry maintainer for new
    issuers, endorsers and keys when the actor is not one (a warning on the file, and a line in the summary)."""
    rules = pr.rules
    if rules.required_approvals:
        n = rules.required_approvals
        pr.need(f"{n} approval{'s' if n != 1 else ''} from code owners ({md_code(CODEOWNERS_PATH)}; branch protection)")
    if pr.actor_is_registry_maintainer:
        return
    maintainers = pr.registry_maintainers.mention()
    for change in pr.changed(PathKind.ISSUER, PathKind.ENDORSER, statuses=[ChangeStatus.ADDED]):
        issuer = change.role.issuer
        assert issuer is not None
        what = "new issuer" if change.role.kind is PathKind.ISSUER else "new endorser"  # one rule for both
        # New as this kind of body: an endorser that becomes an issuer is a new issuer (its id is not new, but a
        # registry maintainer approved a body that endorses, not one that awards credentials).
        if rules.new_issuer_requires_registry_maintainer:
            doc = pr.head_yaml(change.path)
            did = doc.data.get("did") if doc is not None and isinstance(doc.data, dict) else None
            did = did if isinstance(did, str) else None
            # Its own DID is vouched for by the site once merged, and no check can prove control of it.
            own = f" (its own DID {md_code(did)}: see that its DID document lists its keys)" if did else ""
            pr.need(f"registry maintainer approval: {what} {md_code(issuer)}{own}")
            problems.add(
                change.path,
                f"{what} {issuer}: a registry maintainer ({maintainers}) must approve this pull request",
                code="governance.approval",
                severity=Severity.WARNING,
            )
    for change in pr.changed(PathKind.KEY, statuses=[ChangeStatus.ADDED]):
        if rules.new_key_requires_registry_maintainer:
            pr.need(f"registry maintainer approval: new key {md_code(change.path)}")
            problems.add(
                change.path,
                f"new signing key: a registry maintainer ({maintainers}) must approve this pull request",
                code="governance.approval",
                severity=Severity.WARNING,
            )
