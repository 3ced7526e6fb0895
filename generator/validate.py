"""Validate stage: rules that span files (references, pathways, succession, keys, assets).

Each rule appends positioned problems; none stops the others. File-level rules (schema, model, names) ran
in the load stage.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import stat
from collections.abc import Collection, Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from generator import layout
from generator._internal.source import Document, format_field
from generator._internal.text import lookalike_keys, lookalike_note
from generator.crypto.multibase import public_key_bytes
from generator.errors import ProblemList, Severity
from generator.models import LifecycleStatus
from generator.models.credential import same_form
from generator.openbadges import skill_anchor
from generator.registry import CredentialRecord, IssuerRecord, Registry, did_web_for, resolve_ref

__all__ = ["validate_registry"]


def validate_registry(registry: Registry, problems: ProblemList, *, changed: Collection[str] = ()) -> None:
    """Run every cross-file rule over a loaded registry. ``changed``: the files a pull request adds or modifies,
    taken as the later ones where a rule blames the later of two files."""
    _references(registry, problems)
    _cycles(registry, problems)
    _succession(registry, problems)
    _assets(registry, problems)
    _identities(registry, problems, set(changed))
    _body_names(registry, problems)
    _skill_addresses(registry, problems)


def _refs(record: IssuerRecord, credential: CredentialRecord) -> Iterator[tuple[list[str | int], str, str]]:
    """Every reference a definition makes: (field location, full reference, relation)."""
    model = credential.model
    for i, ref in enumerate(model.prerequisites):
        yield ["prerequisites", i], resolve_ref(ref, record.id), "prerequisite"
    if model.stacking is not None:
        for i, ref in enumerate(model.stacking.components):
            yield ["stacking", "components", i], resolve_ref(ref, record.id), "stack component"
    if model.supersedes is not None:
        yield ["supersedes"], resolve_ref(model.supersedes, record.id), "superseded credential"
    if model.superseded_by is not None:
        yield ["superseded_by"], resolve_ref(model.superseded_by, record.id), "successor"


def _references(registry: Registry, problems: ProblemList) -> None:
    for record, credential in registry.credentials():
        own = f"{record.id}/{credential.model.id}"
        given: dict[tuple[str, str], list[str | int]] = {}
        for loc, ref, relation in _refs(record, credential):
            # A list names each credential once, however it is spelled ("sql-basics" and "acme/sql-basics" are
            # one): twice, "all 2 of" a stack asked for one credential, "2 of these 3" was met by holding one,
            # and the pages and the CTDL export counted and listed it twice.
            first = given.setdefault((relation, ref), loc)
            if first is not loc:
                problems.append(
                    credential.doc.problem(
                        loc,
                        f"{relation} {ref!r} is already listed (at {format_field(first)}): name each credential once",
                        code="ref.duplicate",
                    )
                )
                continue
            target = registry.credential(ref)
            if ref in registry.unusable or ref.partition("/")[0] in registry.unusable:
                continue  # the target's own file problems are reported; a second message would mislead
            if ref == own:
                problems.append(
                    credential.doc.problem(loc, f"a credential cannot be its own {relation}", code="ref.self")
                )
            elif target is None:
                issuer = ref.partition("/")[0]
                why = "no such credential" if issuer in registry.issuers else f"no issuer {issuer!r}"
                problems.append(
                    credential.doc.problem(
                        loc, f"{relation} {ref!r} does not exist ({why})", code="ref.unknown-credential"
                    )
                )
            elif (
                relation in ("prerequisite", "stack component")
                and target.model.status is LifecycleStatus.RETIRED
                and credential.model.status is LifecycleStatus.ACTIVE
            ):
                problems.append(
                    credential.doc.problem(
                        loc,
                        f"{relation} {ref!r} is retired: no one can earn it any more",
                        code="ref.retired",
                        severity=Severity.WARNING,
                    )
                )


_Edge = tuple[str, list[str | int], CredentialRecord]


def _cycles(registry: Registry, problems: ProblemList) -> None:
    """Stacking and prerequisite graphs must be acyclic: a pathway that contains itself can never be earned."""
    for relation, label in (("stacking", "stack component"), ("prerequisite", "prerequisite")):
        edges: dict[str, list[_Edge]] = {}
        for record, credential in registry.credentials():
            node = f"{record.id}/{credential.model.id}"
            edges[node] = [
                (ref, loc, credential)
                for loc, ref, rel in _refs(record, credential)
                if rel == label and registry.credential(ref) is not None and ref != node
            ]
        for cycle, loc, credential in _find_cycles(edges):
            message = f"{relation} cycle: {' → '.join(cycle)}"
            problems.append(credential.doc.problem(loc, message, code=f"ref.{relation}-cycle"))


def _find_cycles(edges: dict[str, list[_Edge]]) -> list[tuple[list[str], list[str | int], CredentialRecord]]:
    """Each distinct cycle once, with the edge that closes it (iterative DFS: pathways can be long)."""
    found = []
    seen_cycles: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    for start in sorted(edges):
        if start in state:
            continue
        path: list[str] = [start]
        stack = [iter(edges.get(start, []))]
        state[start] = 1
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            target, loc, credential = step
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                if frozenset(cycle) not in seen_cycles:
                    seen_cycles.add(frozenset(cycle))
                    found.append((cycle, loc, credential))
            elif target not in state:
                state[target] = 1
                path.append(target)
                stack.append(iter(edges.get(target, [])))
    return found


def _succession(registry: Registry, problems: ProblemList) -> None:
    """``supersedes`` and ``superseded_by`` must agree, so both pages tell the same story."""
    for record, credential in registry.credentials():
        own = f"{record.id}/{credential.model.id}"
        model = credential.model
        if model.superseded_by is not None:
            successor = registry.credential(resolve_ref(model.superseded_by, record.id))
            if successor is not None:
                back = successor.model.supersedes
                if back is None or resolve_ref(back, _issuer_of(successor)) != own:
                    problems.append(
                        successor.doc.problem(
                            ["supersedes"] if back else [],
                            f"{own} names this credential as its successor, so this credential must have "
                            f"supersedes: {own}",
                            code="ref.succession-mismatch",
                        )
                    )
        if model.supersedes is not None:
            previous = registry.credential(resolve_ref(model.supersedes, record.id))
            if previous is not None:
                forward = previous.model.superseded_by
                if forward is None or resolve_ref(forward, _issuer_of(previous)) != own:
                    problems.append(
                        previous.doc.problem(
                            ["superseded_by"] if forward else [],
                            f"{own} supersedes this credential, so this credential must have superseded_by: {own} "
                            "(and status deprecated or retired)",
                            code="ref.succession-mismatch",
                        )
                    )


def _issuer_of(record: CredentialRecord) -> str:
    issuer = layout.classify(record.path).issuer
    assert issuer is not None  # definitions are only loaded from issuer folders
    return issuer


def _assets(registry: Registry, problems: ProblemList) -> None:
    """Logos and images named as files must be regular files inside the issuer's folder (a symbolic link is not
    one: links are never followed). Whether each image is what its name says is the layout check's
    (:func:`generator.layout.layout_problems`), on the file itself."""
    for record in registry.issuers.values():
        folder = layout.issuer_dir(registry.root, record.id)
        for doc, field, value in record.assets():
            if value is None or value.startswith("https://"):
                continue
            target = PurePosixPath(value)
            inside = ".." not in target.parts and not target.is_absolute()
            where = f"registry/issuers/{record.id}/{value}"
            if not inside:
                reason = "must stay inside the issuer folder"
            elif layout.issuer_asset(record.id, value) is None:  # the build reads only what this names
                reason = (
                    f"{value!r} is not a plain path to an image the issuer folder may hold (logo.<ext> or "
                    f"images/<name>.<ext>, with no '.' or empty part): write it as {target.as_posix()!r}"
                    if target.as_posix() != value
                    else f"{where} is not a place for an image (logo.<ext> or images/<name>.<ext>)"
                )
            elif not _regular_file(folder, target):
                reason = f"file not found: {where}"
            else:
                continue
            problems.append(doc.problem(field, reason, code="ref.missing-file"))


def _regular_file(folder: Path, target: PurePosixPath) -> bool:
    """Whether ``folder / target`` is a regular file reached through no symbolic link below ``folder``."""
    path, mode = folder, 0
    try:
        for part in target.parts:
            path = path / part
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                return False
        return stat.S_ISREG(mode)
    except OSError:
        return False


def _identities(registry: Registry, problems: ProblemList, changed: set[str]) -> None:
    """A DID or a public key identifies exactly one body, issuer or endorser: sharing one would let one body sign
    as another (an endorsement is attributed by its DID and key, :func:`generator.endorsements.endorser_key`).
    The problem is on the later file: issuers before endorsers, and what a pull request changes after the rest
    (so it names the body the change adds, not the one that was there)."""
    bodies = [
        (f"issuer {r.id!r}", registry.issuer_did(r.id), r.issuer.did is None, r.source.doc, r.keys)
        for r in registry.issuers.values()
    ]
    bodies += [
        (f"endorser {r.id!r}", registry.endorser_did(r.id), r.endorser.did is None, r.source.doc, r.keys)
        for r in registry.endorsers.values()
    ]
    bodies.sort(key=lambda b: b[3].path in changed)  # stable: issuers before endorsers otherwise
    dids: dict[str, str] = {}
    # A did:web elsewhere by where a resolver finds its document: spelled otherwise (its default port, a
    # percent-escape in its path) it is the same identity, which compared as written two bodies could both hold.
    # (One on this site is refused whatever its spelling: id.site-did.)
    places: dict[tuple[str, tuple[str, ...]], str] = {}
    # The did:web the registry gives each body: the one DID on its site a body may declare (its own).
    given = {f"issuer {i!r}": did_web_for(registry.site_url, i) for i in registry.issuers}
    given |= {f"endorser {e!r}": did_web_for(registry.site_url, e, "endorsers") for e in registry.endorsers}
    site_place = _url_place(registry.site_url.removeprefix("https://"))
    for body, did, default_did, doc, _ in bodies:
        if did in dids:
            # Without a `did` field, the body has the registry's did:web, which the other body has declared.
            whose = " (the did:web this registry gives it)" if default_did else ""
            message = f"DID {did}{whose} is already used by {dids[did]}"
            problems.append(doc.problem(["did"], message, code="id.duplicate-did"))
            continue
        dids[did] = body
        place = _did_web_place(did)
        if place is not None and not _inside(place, site_place):
            where = (place[0], tuple(place[1]))
            if where in places:
                message = f"DID {did} is already used by {places[where]}, spelled otherwise (one did:web, one place)"
                problems.append(doc.problem(["did"], message, code="id.duplicate-did"))
                continue
            places[where] = body
        if not default_did and did != given[body] and place is not None and _inside(place, site_place):
            # Resolvers dereference it to a document the site serves for another (or for no one yet): at best
            # another spelling of a DID this registry gives, which it, comparing DIDs as written, took as new.
            message = (
                f"DID {did} is a place on this registry's site, which serves only the did:web it gives each body: "
                "leave did out to have this body's"
            )
            problems.append(doc.problem(["did"], message, code="id.site-did"))
    keys: dict[bytes | str, str] = {}
    all_keys = [key for *_, records in bodies for key in records.values()]
    for key in sorted(all_keys, key=lambda k: k.path in changed):
        # The key's bytes, as the log compares them (public_key_bytes); a registered key always decodes (the loader
        # refuses one that does not, key.invalid), the text only a fallback that keeps the two apart.
        material: bytes | str = public_key_bytes(key.model.publicKeyMultibase) or key.model.publicKeyMultibase
        owner = keys.get(material)
        if owner is not None:
            problems.append(
                key.doc.problem(
                    ["publicKeyMultibase"],
                    f"this public key is already registered as {owner}",
                    code="key.duplicate",
                )
            )
        else:
            keys[material] = key.path


def _did_web_place(did: str) -> tuple[str, list[str]] | None:
    """Where a ``did:web`` resolves (``None``: not a did:web), as a resolver fetches it (W3C did:web): each part
    percent-decoded, the parts joined by ``/``, then ``/did.json`` (``/.well-known/did.json`` for a host alone)
    after them, and that URL read as a URL parser and its server read it (:func:`_url_place`)."""
    if not did.startswith("did:web:"):
        return None
    parts = [unquote(part) for part in did.removeprefix("did:web:").split(":")]
    return _url_place("/".join(parts) + ("/.well-known/did.json" if len(parts) == 1 else "/did.json"))


def _url_place(url: str) -> tuple[str, list[str]]:
    """The one spelling of the place ``https://`` + ``url`` names (a did:web's document, the registry's site):
    every spelling a URL parser (WHATWG, as browsers and Node read URLs), DNS or a static server reads as the same
    place is that place. Compared by decoded parts alone, ``did:web:site.example:reg%2Fissuers:acme`` (an encoded
    ``/``, which the did:web resolver decodes before the URL is built), ``…:acme:did.json%23`` (a fragment: the
    parser drops what follows) or ``did:web:x%40site.example:…`` (a userinfo) was a new identity to the check and
    the registry site's own document to every resolver.

    The URL: tabs and line ends dropped, ``\\`` a ``/``, slashes before the host skipped, the query and fragment
    cut off, a userinfo dropped. The host percent-decoded, in lowercase, without its default port (443, however
    many leading zeros: a port is a number) or an empty one, without a fully qualified name's final dot (DNS: the
    same host), in its ASCII (IDNA) form, an IPv4 address in dotted decimal (``0x7f.1`` is ``127.0.0.1``) and an
    IPv6 literal compressed. The path decoded once (by the server: an encoded ``/`` or ``\\`` then separates too),
    without empty and dot-segments (parsers and servers resolve them). What no resolver could reach (an IDNA
    error, no IPv4 or IPv6 address) is compared as written."""
    url = url.translate({ord("\t"): None, ord("\n"): None, ord("\r"): None}).replace("\\", "/").lstrip("/")
    cut = min((i for i in (url.find(c) for c in "/?#") if i >= 0), default=len(url))
    authority, path = url[:cut], url[cut:].split("?")[0].split("#")[0]
    host = unquote(authority.rpartition("@")[2]).lower()
    name, port = host, ""
    if ":" in host.rpartition("]")[2]:  # a port (an IPv6 literal's colons are inside its brackets)
        name, _, port = host.rpartition(":")
        if port.isascii() and port.isdigit():
            port = "" if int(port) == 443 else port.lstrip("0") or "0"
    name = name.removesuffix(".")
    if name.startswith("[") and name.endswith("]"):
        with contextlib.suppress(ValueError):
            name = f"[{ipaddress.IPv6Address(name[1:-1]).compressed}]"
    else:
        with contextlib.suppress(UnicodeError):
            name = name.encode("idna").decode("ascii")
        name = _ipv4(name) or name
    segments: list[str] = []
    for segment in unquote(path).replace("\\", "/").split("/"):
        if segment == "..":
            segments = segments[:-1]
        elif segment not in ("", "."):
            segments.append(segment)
    return (f"{name}:{port}" if port else name), segments


def _ipv4(host: str) -> str | None:
    """An IPv4 address in dotted decimal, when a URL parser reads ``host`` as one (WHATWG: its last label a number;
    each part decimal, ``0x`` hexadecimal or ``0`` octal, the last filling the bytes left); ``None`` otherwise."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        digits, base = part, 10
        if part[:2] in ("0x", "0X"):
            digits, base = part[2:] or "0", 16
        elif len(part) > 1 and part.startswith("0"):
            digits, base = part[1:], 8
        if not digits.isascii() or not digits.isalnum():
            return None
        try:
            numbers.append(int(digits, base))
        except ValueError:
            return None
    *first, last = numbers
    if any(n > 255 for n in first) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last + sum(n << (8 * (3 - i)) for i, n in enumerate(first))
    return str(ipaddress.IPv4Address(value))


def _inside(place: tuple[str, list[str]], site: tuple[str, list[str]]) -> bool:
    """Whether a did:web's document is served within the site (its host, under its path; a DID without a path is
    served at ``/.well-known/``, within a site at the host's root)."""
    return place[0] == site[0] and place[1][: len(site[1])] == site[1]


def _body_names(registry: Registry, problems: ProblemList) -> None:
    """A body's name (and an endorser's aliases) name it alone, as a reader sees them (:func:`lookalike_keys`: case,
    spaces, and letters of other scripts drawn alike). Pages show issuers and endorsers by name, so a new body
    named like an existing one would pass for it; and a ``quality_assurance.by`` resolves by name, alias or id
    (:func:`generator.recognition.endorser_for_name`), so it could take over the claims that name the existing
    one. Both files of a clash are named: which one came first is for the reviewer to see. An issuer's former
    names (``former_profiles``) are its too: its earlier awards carry them, and the verification page shows them."""
    from generator.recognition import answered_names  # recognition imports the verifiers

    bodies: dict[str, set[str]] = {}
    for body, names in answered_names(registry):
        for name in names:
            for key in lookalike_keys(name):
                bodies.setdefault(key, set()).add(body)

    former: dict[str, set[str]] = {}
    for issuer_id, issuer in registry.issuers.items():
        for profile in issuer.issuer.former_profiles:
            for key in lookalike_keys(profile.name):
                former.setdefault(key, set()).add(issuer_id)

    def clash(body: str, doc: Document, where: list[str | int], value: str, kind: str) -> None:
        keys = lookalike_keys(value)
        others = sorted(set().union(*(bodies.get(key, set()) for key in keys)) - {body})
        earlier = sorted(set().union(*(former.get(key, set()) for key in keys)) - {body} - set(others))
        if earlier and not others:
            problems.append(
                doc.problem(
                    where,
                    f"{value!r}{lookalike_note(value)} is a former name of {', '.join(earlier)}, which its earlier "
                    f"awards carry: an {kind}'s name must name it alone, as a reader sees it",
                    code=f"{kind}.duplicate-name",
                )
            )
        if others:
            problems.append(
                doc.problem(
                    where,
                    f"{value!r}{lookalike_note(value)} is already a name, alias or id of {', '.join(others)}: "
                    f"an {kind}'s name must name it alone, as a reader sees it (case, spaces and letters of other "
                    "scripts drawn alike do not count; pages show bodies by name, and quality_assurance.by resolves "
                    "by them)",
                    code=f"{kind}.duplicate-name",
                )
            )

    for issuer_id, issuer in registry.issuers.items():
        clash(issuer_id, issuer.source.doc, ["name"], issuer.issuer.name, "issuer")
    for endorser_id, record in registry.endorsers.items():
        clash(endorser_id, record.source.doc, ["name"], record.endorser.name, "endorser")
        for i, alias in enumerate(record.endorser.aliases):
            clash(endorser_id, record.source.doc, ["aliases", i], alias, "endorser")


def _skill_addresses(registry: Registry, problems: ProblemList) -> None:
    """A warning at a skill whose awards link it (``targetUrl``, :func:`generator.openbadges.achievement`: a skill
    without its framework's ``url`` links ``skills/#<its name's a-z and 0-9>``) where another skill is linked, or
    at the skills page's top: "C++" where "C" is, a name in another script at ``skills/#``. Awards already signed
    carry that address, and the check compares them with their definition, so it stays: the issuer learns it
    before signing more, and gives the skill its framework's url (or a name that differs in a-z or 0-9)."""
    first: dict[str, tuple[str, str, CredentialRecord]] = {}  # anchor: a name's form, its name, where
    for _, credential in sorted(registry.credentials(), key=lambda rc: (rc[0].id, rc[1].model.id)):
        for i, skill in enumerate(credential.model.skills):
            if skill.alignment is not None and skill.alignment.url:
                continue
            anchor, form = skill_anchor(skill.name), same_form(skill.name)
            if not anchor:
                message = (
                    f"{skill.name!r} is linked from each award to skills/#, the skills page's top: a name with no "
                    "letter or digit in a-z or 0-9 makes no anchor; give it an alignment with its framework's url"
                )
            else:
                held = first.setdefault(anchor, (form, skill.name, credential))
                if held[0] == form:
                    continue
                where = held[2].doc.path if held[2] is not credential else ""
                at = next(  # the first entry of that form, for the message
                    f"skills[{j}]" for j, s in enumerate(held[2].model.skills) if same_form(s.name) == held[0]
                )
                message = (
                    f"{skill.name!r} is linked from each award to skills/#{anchor}, as {held[1]!r} "
                    f"({f'{where} ' if where else ''}{at}) is: two skills at one address in signed awards; give it "
                    "an alignment with its framework's url, or a name that differs in a-z or 0-9"
                )
            problems.append(
                credential.doc.problem(
                    ["skills", i], message, code="credential.skill-address", severity=Severity.WARNING
                )
            )
