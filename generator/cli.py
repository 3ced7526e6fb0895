"""The ``credreg`` command. It parses arguments, calls library functions and formats their results.

Exit codes: 0 success, 1 problems found (or a credential did not verify), 2 usage error (a refusal to put a secret
in a Git work tree, or to read one from the checkout, is one: :class:`generator.errors.SecretPlaceRefused`).
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import datetime as dt
import io
import json
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from generator import __version__, layout
from generator._internal.files import (
    append_text,
    names_file,
    option_file_error,
    refuse_link_on_path,
    resolved,
    write_option_file,
)
from generator.errors import CredregError, ProblemsFound, UsageError
from generator.openbadges import (
    normalize_identifier,
    normalize_recipient_key,
    parse_verification_link,
    quoted_without_key,
)
from generator.report import (
    OutputFormat,
    explained,
    format_problems,
    format_result,
    terminal_json,
    terminal_line,
    terminal_lines,
    terminal_text,
)

if TYPE_CHECKING:
    from generator.awarding.keys import SigningKey
    from generator.registry import Registry
    from generator.verify.results import VerificationResult

__all__ = ["main"]

Handler = Callable[[argparse.Namespace], int]
HASH_RE = re.compile(r"^[0-9a-f]{64}\Z")


#: A credential given to `credreg verify` may come from elsewhere, with its badge image embedded as a data URI.
MAX_CREDENTIAL_BYTES = 1024 * 1024


#: The most worker processes --jobs may ask for: more is no faster on any machine, and each is a forked process.
MAX_JOBS = 1024


def _jobs(text: str) -> int:
    """``--jobs``: a number of worker processes, 1 to :data:`MAX_JOBS` (a huge one forked until the machine gave
    out; 0 and negative numbers were taken silently)."""
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if not 1 <= jobs <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes from 1 to {MAX_JOBS}")
    return jobs


def _port(text: str) -> int:
    """``serve --port``: a TCP port (0: any free one); another number was an OverflowError from bind()."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a TCP port (0 to 65535)")
    return port


def _say(text: str, *, file: TextIO | None = None) -> None:
    """Print a line (or lines) of a command's output for people. Nearly every one holds text from a file or a path
    the user gave (a name, a revocation's reason read back from its log, a folder): shown as
    :func:`~generator.report.terminal_text` shows it, so a character a terminal would act on (an escape sequence
    that clears the screen, a bidi override) is shown, not obeyed, and a typed backslash is told from an escape."""
    print(terminal_text(text), file=sys.stdout if file is None else file)


def _read_option_file(option: str, path: str, limit: int) -> str:
    """The text of a file named by ``option``, ``-`` for standard input (at most ``limit`` bytes are read: the
    caller refuses more), read as bytes: bytes that are not UTF-8 are replaced, whatever the locale says."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with Path(path).open("rb") as fh:
                data = fh.read(limit + 1)
    except OSError as exc:
        raise option_file_error(option, path, exc) from None
    return data.decode("utf-8", errors="replace")


def _append_option_file(option: str, path: str, text: str) -> None:
    """Append to a file named by ``option`` (a CI job's step summary or outputs, which others append to as well):
    whole or not at all, under the file's lock (:func:`append_text`), so a full disk never leaves half a summary
    that the next step's text is glued onto. A path that is not UTF-8 (Git hands it over surrogate-escaped) is
    written as the terminal shows it."""
    try:
        append_text(Path(path), text, errors="backslashreplace", parents=False)
    except OSError as exc:
        raise option_file_error(option, path, exc) from None


def _root(args: argparse.Namespace) -> Path:
    if args.root is not None:
        root = resolved(Path(args.root))
        if not (root / layout.GOVERNANCE_PATH).is_file():
            raise UsageError(f"{root} is not a registry: it has no {layout.GOVERNANCE_PATH}")
        return root
    return layout.find_root()


def _cmd_check(args: argparse.Namespace) -> int:
    from generator.check import CheckOptions, run_check

    root = _root(args)
    options = CheckOptions(
        base=args.base,
        actor=args.actor,
        merge_group=args.merge_group,
        jobs=args.jobs,
        cache=not args.no_cache,
        form_files=frozenset(args.form_file or ()),
    )
    report = run_check(root, options)
    fmt = OutputFormat(args.format)
    errors = len(report.problems.errors)
    warnings = len(report.problems) - errors
    summary: dict[str, object] = {"ok": bool(report), "errors": errors, "warnings": warnings, **report.counts}
    text = format_problems(report.problems, fmt, summary=summary)
    if text:
        print(text)
    if fmt is not OutputFormat.JSON:
        counted = ", ".join(f"{v} {k}" for k, v in report.counts.items())
        verdict = "ok" if report else f"{errors} error{'s' if errors != 1 else ''}"
        extra = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
        _say(f"credreg check: {verdict}{extra} ({counted})", file=sys.stderr)
    if args.summary and report.summary_markdown:
        _append_option_file("--summary", args.summary, report.summary_markdown)
    return 0 if report else 1


def _cmd_schemas(args: argparse.Namespace) -> int:
    from generator.schema import check_schemas, write_schemas

    directory = Path(args.out) if args.out else _root(args) / layout.SCHEMAS_DIR
    if not args.out and not args.check:
        refuse_link_on_path(directory.parent, f"{layout.SCHEMAS_DIR}/*.schema.json")
    if args.check:
        stale = check_schemas(directory)
        for name in stale:
            _say(f"{name}: out of date with the models (run `credreg schemas`)")
        return 1 if stale else 0
    for path in write_schemas(directory):
        _say(f"wrote {path}")
    return 0


def _cmd_codeowners(args: argparse.Namespace) -> int:
    from generator.governance import CODEOWNERS_PATH, codeowners_problems, write_codeowners
    from generator.governance.codeowners import codeowners_lock

    if args.check:
        stale = codeowners_problems(_load(args), required=True)
        for problem in stale:
            print(terminal_line(str(problem)))
        return 1 if stale else 0
    with codeowners_lock(_root(args)):  # loaded under the lock: a `credreg new issuer` meanwhile is not lost
        write_codeowners(_load(args))
    _say(f"wrote {CODEOWNERS_PATH}")
    return 0


def _load(args: argparse.Namespace) -> Registry:
    """The registry at --root; refuses to act on a registry that does not load."""
    from generator.load import load_registry

    root = _root(args)
    loaded = load_registry(root)
    if loaded.registry is None or loaded.problems.errors:
        raise ProblemsFound(loaded.problems.errors, "the registry has problems; run `credreg check` and fix them first")
    return loaded.registry


def _cmd_keygen(args: argparse.Namespace) -> int:
    from generator.awarding.issue import parse_valid_from
    from generator.awarding.keys import generate_key

    registry = _load(args)
    valid_from = parse_valid_from(args.valid_from) if args.valid_from else None
    out = Path(args.out).expanduser() if args.out else None
    record = Path(args.record).expanduser() if args.record else True
    made = generate_key(
        registry, args.issuer, key_id=args.key_id, valid_from=valid_from, private_path=out, record=record
    )
    _say(f"public key:  {layout.relpath(registry.root, made.public_path)}  ({made.public.publicKeyMultibase})")
    _say(f"private key: {made.private_path}  (mode 600; keep it secret, never commit it)")
    _say_record(made.record, "record:     ", "what you signed and made")
    _say(f"verification method: {registry.endorser_did(args.issuer)}#{made.public.id}")
    print("next: commit the public key file and open a pull request (a registry maintainer must approve new keys)")
    return 0


def _signing_key(args: argparse.Namespace, registry: Registry) -> SigningKey:
    from generator.awarding.keys import load_signing_key

    return load_signing_key(Path(args.key).expanduser(), root=registry.root)


#: ``--record`` of the commands that sign awards, endorsements and revocations.
RECORD_HELP = (
    "your record of what you sign, appended to before the registry's files (default: <owner>.signed.txt beside "
    "--key); give it to `credreg log monitor --record`"
)


def _signed_record(args: argparse.Namespace, registry: Registry, owner: str) -> Path:
    """Where ``credreg award``, ``endorse`` and ``revoke`` record what they sign (checked before anything is
    signed)."""
    from generator.awarding.record import default_record, usable_record

    path = Path(args.record) if args.record else default_record(Path(args.key).expanduser(), owner)
    return usable_record(path, registry.root)


def _say_signed(document: dict[str, Any], label: str = "signed: ") -> None:
    """What was signed, read from the signed document itself (an award's credential and issuer, an endorsement's
    name) and the key's verification method: the names and the DID come from the checkout's files, which anyone's
    change may have shaped, and this shows what the signature covers, not what was asked for."""
    from generator.crypto.dataintegrity import proofs_of

    subject = document.get("credentialSubject") or {}
    what = (subject.get("achievement") or {}).get("name") if "achievement" in subject else document.get("name")
    signer = (document.get("issuer") or {}).get("name")
    methods = sorted({str(p.get("verificationMethod")) for p in proofs_of(document) if isinstance(p, dict)})
    by = f" by {signer}" if "achievement" in subject else ""
    _say(f"{label} {json.dumps(what, ensure_ascii=False)}{by}, as {', '.join(methods)}")


def _say_record(record: Path | None, label: str = "record:", what: str = "what you signed") -> None:
    """The line telling where the owner's record of what it signed is (``label`` aligns it with its neighbours)."""
    _say(f"{label} {record}  ({what}: for credreg log monitor --record)")


def _cmd_award(args: argparse.Namespace) -> int:
    from generator.awarding.earners import MAPPING_FILE, default_earner_dir
    from generator.awarding.issue import Recipient, holder_warnings, issue_awards, parse_valid_until, read_cohort

    if bool(args.recipient) == bool(args.csv):
        raise UsageError("give exactly one of --recipient EMAIL or --csv FILE")
    # Off the command line, which shows every local user who is awarded what, at the time the award is published.
    _stdin_secrets(args, (("recipient", "--recipient"),))
    registry = _load(args)
    key = _signing_key(args, registry)
    if args.csv:
        if args.evidence or args.valid_until:
            raise UsageError("with --csv, give evidence and valid_until as CSV columns")
        recipients = read_cohort(Path(args.csv), root=registry.root)
    else:
        until = parse_valid_until(args.valid_until) if args.valid_until else None
        try:
            recipients = [Recipient(normalize_identifier(args.recipient), tuple(args.evidence or ()), until)]
        except ValueError as exc:
            raise UsageError(f"--recipient: {exc}") from None
    issuer, _, slug = args.credential.partition("/")
    now = dt.datetime.now(dt.UTC)
    earners = Path(args.out).expanduser() if args.out else default_earner_dir(issuer, slug, now)
    for warning in holder_warnings(registry, args.credential, recipients, earners.parent):
        _say(f"warning: {warning}", file=sys.stderr)
    record = _signed_record(args, registry, issuer)
    issued = issue_awards(
        registry,
        args.credential,
        recipients,
        key,
        batch=bool(args.csv),
        now=now,
        earner_dir=earners,
        signed_record=record,
    )
    first = issued[0]
    where = layout.relpath(registry.root, first.path)
    earners = earners.resolve()
    if len(issued) == 1 and first.line is None:
        _say(f"award:  {where}")
        _say(f"hash:   {first.hash}")
        _say(f"verify: {first.verify_url}  (public: what, by whom, when, status)")
        if sys.stdout.isatty():
            _say(f"earner: {first.earner_url}  (private: give it to the recipient only)")
        else:  # a CI job's log, a file: kept, and maybe public; the link (with the key) is in the private file
            _say(f"earner: in {earners.resolve() / MAPPING_FILE}  (private: not printed where output is kept)")
        _say(f"file:   {earners / (first.hash + '.json')}  (the earner's copy)")
    else:
        _say(f"{len(issued)} awards in {where}")
        for award in sorted(issued, key=lambda a: a.line or 0):  # the file's order, never the cohort's
            _say(f"  line {award.line}: {award.hash}  {award.verify_url}")
    _say_signed(first.award)
    # The keys and links go to a private file, not to the terminal: a cohort's log must not map people to awards.
    _say(f"earners: {earners / MAPPING_FILE}  (private: each recipient's link, key and file; never commit it)")
    _say_record(record, "record: ")
    return 0


def _baked_document(path: Path) -> Any | None:
    """The credential baked into a PNG or SVG badge image (``None`` when the file is not an image)."""
    from generator.baking import BakingError, baked_credential, is_image

    with path.open("rb") as handle:
        data = handle.read(8 * MAX_CREDENTIAL_BYTES + 1)  # an image is bigger than the credential it carries
    if not is_image(data):
        return None
    if len(data) > 8 * MAX_CREDENTIAL_BYTES:
        raise UsageError(f"{path} is too large for a badge image (at most {8 * MAX_CREDENTIAL_BYTES // 2**20} MiB)")
    try:
        text = baked_credential(data)
    except BakingError as exc:
        raise UsageError(f"{path}: {exc}") from None
    from generator._internal.source import SourceError, parse_json

    try:
        return parse_json(
            text, f"{path} (baked credential)", max_bytes=MAX_CREDENTIAL_BYTES, what="the credential"
        ).data
    except SourceError as exc:
        raise UsageError(f"{path}: the baked credential is not JSON", [str(p) for p in exc.problems]) from None


def _recipient_key(key: str) -> str:
    try:
        return normalize_recipient_key(key)
    except ValueError as exc:
        raise UsageError(f"--recipient-key: {exc}") from None


#: An option (or the link) given as this is read from standard input: every local user can read a command's
#: arguments (`ps`, /proc/<pid>/cmdline), and a shell keeps them in its history, as `docker login --password-stdin`
#: and `gh auth login --with-token` say too. A file named "-" is given as ./-.
FROM_STDIN = "-"
#: What `credreg verify` reads from standard input when given as "-", one line each, in this order (the order of a
#: link's parts): the attribute, how the user names it.
_STDIN_SECRETS = (("target", "FILE|HASH|LINK"), ("recipient", "--recipient"), ("recipient_key", "--recipient-key"))
#: The longest line read for one of them (a link's evidence is at most 8,192 characters; a key 32).
_STDIN_LINE = 16384
#: Said when an argument carries a recipient key; it names the way around, never the key.
ARGV_KEY_WARNING = (
    "the recipient key on the command line can be read by other users of this computer (ps) and stays in your "
    "shell's history: give it as - and type or pipe it instead (--recipient-key -, the link as -, --recipient -)"
)


def _stdin_secrets(args: argparse.Namespace, fields: Sequence[tuple[str, str]] = _STDIN_SECRETS) -> None:
    """Each of ``fields`` (attribute, option) given as ``-`` read from standard input instead, one line each in
    that order (verify's: :data:`_STDIN_SECRETS`); at a terminal, asked for without echo (nor shell history)."""
    first = True
    for name, label in fields:
        if getattr(args, name) != FROM_STDIN:
            continue
        if sys.stdin is None:  # closed (`<&-`): Python then has no sys.stdin at all
            raise UsageError(f"{label} -: standard input is closed, so nothing can be read from it")
        if sys.stdin.isatty():
            import getpass

            try:
                value = getpass.getpass(f"{label}: ")
            except EOFError:
                raise UsageError(f"{label} -: nothing was typed") from None
        else:
            line = sys.stdin.buffer.readline(_STDIN_LINE + 1)
            if not line:
                order = ", ".join(option for _, option in fields)
                raise UsageError(
                    f"{label} -: no line left on standard input"
                    + (f" (one line for each of {order} given as -, in that order)" if len(fields) > 1 else "")
                )
            if len(line) > _STDIN_LINE:
                raise UsageError(f"{label} -: the line on standard input is too long (at most {_STDIN_LINE} bytes)")
            if first:
                # A file saved with a byte order mark (Notepad's, PowerShell's): text's encoding, not its text. Kept,
                # it made an email no one can type, which an award was then signed to, and a link no one reads.
                line = line.removeprefix(codecs.BOM_UTF8)
            if b"\0" in line:  # no argument can hold one: read as it would be, it is no link, email or key
                raise UsageError(
                    f"{label} -: the line on standard input holds a NUL byte, which no link, address or key holds"
                )
            if name == "target" and line.lstrip().startswith((b"{", b"[")):
                raise UsageError(
                    f"{label} -: standard input holds JSON, but - reads a link or hash (one line): to verify an "
                    "award's file, give its file's path (a file named - as ./-)"
                )
            # Read as an argument is (surrogate-escaped bytes that are not UTF-8), so both answer alike.
            value = os.fsdecode(line.rstrip(b"\r\n"))
        first = False
        setattr(args, name, value)


def _report(result: VerificationResult, fmt: str) -> int:
    """Print a verification result (an award's, an endorsement's or a status list's) as text or JSON; its exit code."""
    print(
        terminal_json(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        if fmt == "json"
        else format_result(result)
    )
    return 0 if result else 1


def _cmd_verify(args: argparse.Namespace) -> int:
    from generator.load import load_registry
    from generator.verify import verify_credential

    registry = None
    try:
        registry = load_registry(_root(args)).registry
    except UsageError:
        if args.root is not None:
            raise
    # Arguments that carry a secret: each is said once, whatever else goes wrong.
    key_in_argv = args.recipient_key not in (None, FROM_STDIN)
    link_in_argv = args.target != FROM_STDIN
    _stdin_secrets(args)
    target = args.target
    recipient_key = args.recipient_key
    if key_in_argv:
        _say(f"warning: {ARGV_KEY_WARNING}", file=sys.stderr)
    if recipient_key is not None and args.recipient is None:
        raise UsageError("a recipient key confirms an email address: give it with --recipient EMAIL")
    is_file = names_file(target)
    link = None if is_file else parse_verification_link(target)
    raw: bytes | None = None  # the file's bytes as read and verified, when it is JSON (a badge image is not)
    if is_file:
        from generator._internal.source import SourceError, read_json_bytes

        document = _baked_document(Path(target))
        if document is None:
            try:
                # The user's own file, named by them: a link to it (a download folder's) is read too.
                raw, parsed = read_json_bytes(
                    target, target, max_bytes=MAX_CREDENTIAL_BYTES, what="the credential", regular=False
                )
                document = parsed.data
            except SourceError as exc:
                raise UsageError(f"{target} is not a JSON credential", [str(p) for p in exc.problems]) from None
        if not isinstance(document, dict):
            # As the verification page says it (verifier.js parseAwardJSON), not a table of checks run on nothing.
            raise UsageError(f"{target} is not a JSON credential", ["a credential is a JSON object"])
    elif link is not None:
        digest, link_key = link
        if link_key is not None and link_in_argv and not key_in_argv:
            _say(f"warning: {ARGV_KEY_WARNING}", file=sys.stderr)
        if link_key is not None:
            if recipient_key is not None and _recipient_key(recipient_key) != link_key:
                raise UsageError("the link carries a different recipient key than --recipient-key")
            recipient_key = link_key
        if registry is None:
            raise UsageError("verifying by hash needs a registry (--root DIR)")
        from generator.awards import find_award
        from generator.endorsements import find_endorsement

        found = find_award(registry.root, digest)
        endorsement = find_endorsement(registry.root, digest) if found is None else None
        if found is None and endorsement is None:
            result_unknown = {"valid": False, "verdict": "unknown", "hash": digest}
            if args.format == "json":
                print(json.dumps(result_unknown, indent=2))
            else:
                _say(f"UNKNOWN: no award or endorsement with hash {digest} is in this registry")
            return 1
        document = found[1] if found is not None else endorsement.document if endorsement is not None else None
    else:
        raise UsageError(
            f"{quoted_without_key(target)} is neither a file, an award or endorsement hash (64 hex digits) nor a "
            "verification link"
        )
    from generator.endorsements import is_endorsement, verify_endorsement

    if is_endorsement(document) and registry is not None:
        from generator.transparency.commands import with_log_check

        # Last, as for an award (and on the page): slipped in unlogged, it fails; without a log, it says so.
        result = verify_endorsement(document, registry)
        result = with_log_check(result, registry, args.log, document, kind="endorsement", log_key=args.log_key)
        return _report(result, args.format)
    from generator.openbadges import is_status_list

    if is_status_list(document):
        # An issuer's (or endorser's) status list, checked as one (generator/verify/status.py verify_status_list),
        # then in the public log as every version of it is: the file's bytes must be the log's latest version.
        if registry is None:
            raise UsageError(f"{target} is a status list: checking it needs its registry (--root DIR)")
        if args.recipient is not None:
            raise UsageError(f"{target} is a status list: it names no recipient (check an award with --recipient)")
        from generator.transparency.commands import with_log_check
        from generator.verify import Verifier

        result = Verifier(registry).verify(document)
        # The log hashes a list's file, the bytes verified here: a badge image carrying one is not that file (its
        # log check says so).
        result = with_log_check(
            result, registry, args.log, document, kind="status-list", log_key=args.log_key, data=raw
        )
        return _report(result, args.format)
    bindings = None
    if args.statements is not None:
        from generator.binding import PublishedBindings

        if registry is None:
            raise UsageError("--statements needs the registry they are about (--root DIR)")
        try:
            bindings = PublishedBindings(Path(args.statements), registry)
        except ValueError as exc:
            raise UsageError(f"--statements {args.statements}: {exc}") from None
    result = verify_credential(
        document,
        registry,
        recipient=args.recipient,
        recipient_key=recipient_key,
        any_issuer=args.any_issuer,
        bindings=bindings,
    )
    if registry is not None:
        from generator.transparency.commands import with_log_check

        # Also without a log (it says so), as for an endorsement and on the page: the same checks, listed alike.
        result = with_log_check(result, registry, args.log, document, log_key=args.log_key)
    return _report(result, args.format)


def _cmd_endorse(args: argparse.Namespace) -> int:
    from generator.awarding.issue import parse_valid_until
    from generator.endorsements import endorse
    from generator.models.endorsement import EndorsementKind

    registry = _load(args)
    key = _signing_key(args, registry)
    record = _signed_record(args, registry, args.endorser)
    done = endorse(
        registry,
        args.target,
        args.endorser,
        key,
        kind=EndorsementKind(args.kind),
        comment=args.comment,
        scope=args.scope,
        valid_until=parse_valid_until(args.valid_until) if args.valid_until else None,
        record=record,
    )
    _say(f"endorsement {done.hash}")
    _say(f"  {layout.relpath(registry.root, done.path)}")
    _say_signed(done.document, "  signed:")
    _say_record(record)
    return 0


def _cmd_revoke(args: argparse.Namespace) -> int:
    from generator.awarding.earners import default_earner_base
    from generator.awarding.revoke import revoke_award

    if not HASH_RE.match(args.hash.lower()):
        raise UsageError(f"{args.hash!r} is not an award or endorsement hash (64 hex digits)")
    registry = _load(args)
    key = _signing_key(args, registry)
    from generator.endorsements import find_endorsement, revoke_endorsement

    found = find_endorsement(registry.root, args.hash, key.issuer)
    record = _signed_record(args, registry, key.issuer)
    if found is not None:
        digest = args.hash.lower()
        revoked = revoke_endorsement(registry, digest, key, reason=args.reason, record=record)
        listed = layout.relpath(registry.root, revoked.status_list)
        logged = revoked.logged  # an issuer's endorsement: its log explains the bit, as for an award
        if logged is not None and logged.completed:  # the line of an interrupted run: nothing appended now
            entry = logged.entry
            _say(f"completed the revocation of endorsement {digest} begun on {entry['revoked']}: {entry['reason']}")
            _say(f"  {layout.relpath(registry.root, logged.log)} (its signed entry was already there: kept as it is)")
            _say(f"  {listed} (bit {entry['statusListIndex']} set, re-signed)")
            _say_uncounted(registry, key.issuer)
            _say_record(record)
            return 0
        _say(f"revoked endorsement {digest}: {listed} (bit set, re-signed)")
        if logged is not None:
            _say(f"  {layout.relpath(registry.root, logged.log)} (signed entry appended)")
        else:
            print("  --reason is not recorded: an endorser keeps no revocation log ('Revoked by its endorser.')")
        _say_uncounted(registry, key.issuer)
        _say_record(record)
        return 0
    earners = Path(args.earners).expanduser() if args.earners else default_earner_base()
    done = revoke_award(registry, args.hash.lower(), args.reason, key, earners=earners, record=record)
    if done.completed:
        begun = done.entry["revoked"]
        _say(f"completed the revocation of {args.hash.lower()} begun on {begun}: {done.entry['reason']}")
        _say(f"  {layout.relpath(registry.root, done.log)} (its signed entry was already there: kept as it is)")
    else:
        _say(f"revoked {args.hash.lower()} on {done.entry['revoked']}: {done.entry['reason']}")
        _say(f"  {layout.relpath(registry.root, done.log)} (signed entry appended)")
    _say(f"  {layout.relpath(registry.root, done.status_list)} (bit {done.entry['statusListIndex']} set, re-signed)")
    _say_uncounted(registry, key.issuer)
    _say_record(record)
    return 0


def _cmd_resign_lists(args: argparse.Namespace) -> int:
    from generator.awarding.revoke import resign_lists

    registry = _load(args)
    key = _signing_key(args, registry)
    record = _signed_record(args, registry, key.issuer)
    written = resign_lists(registry, key.issuer, key, record=record)
    made = "made again from the revocation log" if key.issuer in registry.issuers else "its bits as you signed them"
    for path in written:
        _say(f"{layout.relpath(registry.root, path)}: {made}, signed with {key.key_id}")
    if not written:
        _say(f"every status list of {key.issuer} is trusted as it is: nothing signed")
    _say_uncounted(registry, key.issuer)
    _say_record(record)
    return 0


def _say_uncounted(registry: Registry, issuer: str) -> None:
    """Name each of ``issuer``'s own revocations no reader counts (signed with its key after the end it later gave
    that key): a list made again from the log (``resign-lists``, or ``revoke`` of an award in such a list) drops its
    bit, and only the issuer can tell whether it made that revocation and make it again."""
    from generator.awarding.revoke import uncounted_revocations

    log = layout.relpath(registry.root, layout.revocations_path(registry.root, issuer))
    from generator.report import terminal_safe

    for number, award, why in uncounted_revocations(registry, issuer):
        print(  # why names the line's key, as the line gives it: made safe for the terminal
            terminal_safe(
                f"{log}:{number} ({award}) no longer counts ({why}): its bit is not set. If you made that revocation, "
                f"make it again: credreg revoke {award} --reason TEXT --key <your key in force>"
            ),
            file=sys.stderr,
        )


def _cmd_new(args: argparse.Namespace) -> int:
    from generator import scaffold

    root = _root(args)
    ask = input if sys.stdin.isatty() and not args.no_input else None
    flags = {k: v for k, v in vars(args).items() if k in scaffold.FLAG_NAMES and v is not None}
    scaffold.refuse_existing(root, args.what, args.id)

    def tell(text: str) -> None:
        _say(f"{text}\nplease answer again:", file=sys.stderr)

    if args.what == "issuer":
        made = scaffold.make_interactively(
            lambda got: scaffold.issuer_scaffold(scaffold.issuer_answers(args.id, got, ask)), flags, ask, tell
        )
        written = scaffold.new_issuer(root, made)
        next_step = "next: credreg check, then commit and open a pull request (a registry maintainer approves it)"
    else:
        made = scaffold.make_interactively(
            lambda got: scaffold.credential_scaffold(scaffold.credential_answers(args.id, got, ask)), flags, ask, tell
        )
        written = [scaffold.write_scaffold(root, made)]
        next_step = "next: edit it (the comments say what each field takes), credreg check, then open a pull request"
    for path in written:
        _say(f"wrote {layout.relpath(root, path)}")
    print(next_step)
    return 0


def _issue_date(value: str | None) -> dt.date | None:
    """The UTC day of a GitHub timestamp (``2026-12-05T21:44:55Z``), or a date, for ``form-to-pr --created``: the
    issue-form workflow passes the event's ``created_at`` and the pull-request check GraphQL's ``createdAt``, and
    both must make the same file whatever offset a timestamp is written in. Read by the registry's own rules for
    dates and date-times (:func:`parse_date`, :func:`parse_time`)."""
    from generator._internal.times import parse_date, parse_time

    if value is None:
        return None
    day, instant = parse_date(value), parse_time(value)
    if day is None and instant is not None:
        day = instant.astimezone(dt.UTC).date()  # parse_time refuses an instant whose UTC day is outside 1-9999
    if day is None:
        raise UsageError(f"--created: {value!r} is not a date (YYYY-MM-DD) or a GitHub timestamp")
    return day


def _cmd_form_to_pr(args: argparse.Namespace) -> int:
    from generator.forms import MAX_BODY, FormError, convert_form, format_outputs, issue_comment

    # A body over MAX_BODY is refused by the converter: more is never read (nor is /dev/zero read forever).
    body = _read_option_file("--body", args.body, MAX_BODY)
    try:
        done = convert_form(
            _root(args), args.form, body, author=args.author, issue=args.issue, created=_issue_date(args.created)
        )
    except FormError as exc:
        if args.comment:
            write_option_file("--comment", args.comment, issue_comment(exc))
        raise
    if done.warnings:  # as `credreg check` shows them: a warning fails nothing, but its author should hear of it
        print(format_problems(done.warnings, OutputFormat.TEXT, summary={}))
    for path in done.files:
        _say(f"wrote {path}")
    if args.outputs:
        _append_option_file("--outputs", args.outputs, format_outputs(done))
    if args.pr_body:
        write_option_file("--pr-body", args.pr_body, done.body + "\n")
    return 0


def _cmd_preview_summary(args: argparse.Namespace) -> int:
    from generator.load import load_registry
    from generator.preview import changed_pages, summary_markdown

    root = _root(args)
    pages, everywhere = changed_pages(root, args.base)
    registry = load_registry(root).registry
    site_url = registry.site_url if registry is not None else None
    text = summary_markdown(pages, everywhere, artifact_url=args.artifact_url or None, site_url=site_url)
    if args.summary:
        _append_option_file("--summary", args.summary, text)
    else:  # a changed file's name is the pull request author's text: shown, not obeyed
        print(terminal_text(text), end="")
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from generator.publish.build import build_site

    log_dir = Path(args.log) if args.log else None
    data_out = Path(args.data_out) if args.data_out else None
    result = build_site(
        _root(args), Path(args.out), log_dir=log_dir, demo_log=args.demo_log, data_out=data_out, preview=args.preview
    )
    if result.uncommitted:
        _say(
            f"a preview, not for publishing: built from uncommitted files ({', '.join(result.uncommitted)})",
            file=sys.stderr,
        )
    took = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
    _say(f"built {result.pages} pages into {result.out} ({took})")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from generator.publish.serve import serve

    serve(_root(args), Path(args.out), host=args.host, port=args.port)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from generator.demo import write_demo

    out = Path(args.out)
    keys = Path(args.keys) if args.keys else None
    made = write_demo(
        out, issuers=args.issuers, credentials=args.credentials, awards=args.awards, key_dir=keys, seed=args.seed,
        jobs=args.jobs,
    )  # fmt: skip
    _say(
        f"wrote {made.root}: {made.issuers} issuers, {made.credentials} credentials, {made.awards} awards "
        f"({made.batches} batches, {made.single_files} single files), {made.revoked} revoked, "
        f"{made.status_lists} status lists, in {made.seconds:.1f}s"
    )
    _say(f"private keys: {made.key_dir}  (outside the registry; delete them when done)")
    _say(f"next: credreg --root {made.root} check")
    return 0


ROOT_HELP = "registry root (default: the repository containing the current directory)"
_NO_ROOT = {"demo"}  # writes a new registry at --out


_ISSUER_FLAGS = {"kind", "url", "email", "country", "city", "region", "maintainer"}
_CREDENTIAL_FLAGS = {
    "summary", "narrative", "method", "skill", "proficiency", "eqf", "hours", "duration", "cost", "delivery",
    "language", "type",
}  # fmt: skip
_NEW_FLAGS = (
    ("name", "the name"),
    ("description", "a few sentences (Markdown)"),
    ("kind", "issuer: university, training-provider, … (see the guide)"),
    ("url", "issuer: website, https://…"),
    ("email", "issuer: published contact email"),
    ("country", "issuer: two-letter country code"),
    ("city", "issuer: city"),
    ("region", "issuer: region"),
    ("maintainer", "issuer: a maintainer's GitHub handle (repeatable)"),
    ("summary", "one sentence"),
    ("narrative", "what a holder must do to earn it"),
    ("method", "assessment method (repeatable): exam, practical-assessment, project, portfolio, observation"),
    ("skill", "a skill it certifies (repeatable)"),
    ("proficiency", "beginner, intermediate or advanced"),
    ("eqf", "EQF level 1-8"),
    ("hours", "learning hours"),
    ("duration", "ISO 8601 duration, e.g. P6W"),
    ("cost", "free, or an amount and currency such as '295 EUR'"),
    ("delivery", "online, in-person or blended"),
    ("language", "BCP 47 language tag (repeatable; default en)"),
    ("type", "Open Badges achievement type (default MicroCredential)"),
)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, its own messages (usage, errors) shown as every other message is: argparse quotes some
    arguments (``invalid choice: '…'``) but joins others as typed (``unrecognized arguments: …``), and an argument
    a script passes on (a file name from a glob) may hold an escape sequence. Subcommands' parsers are made of
    this class too (argparse uses the parent's class)."""

    def _print_message(self, message: str, file: Any = None) -> None:
        super()._print_message(terminal_lines(message), file)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="credreg",
        description="Check, sign, verify and publish a Git-based registry of micro-credentials.",
    )
    parser.add_argument("--version", action="version", version=f"credreg {__version__}")
    parser.add_argument("--root", metavar="DIR", help=ROOT_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate the whole registry (and, with --base, a pull request)")
    check.add_argument("--format", choices=[f.value for f in OutputFormat], default="text")
    check.add_argument("--base", metavar="REV", help="compare with this Git revision (pull-request mode)")
    check.add_argument("--actor", metavar="HANDLE", help="GitHub handle of the change's author (with --base)")
    check.add_argument(
        "--merge-group",
        action="store_true",
        help="with --base, instead of --actor: the change is a merge queue's group, held to every pull-request rule "
        "but ownership (which each pull request's own check judged)",
    )
    check.add_argument(
        "--form-file",
        action="append",
        metavar="PATH",
        help="with --actor github-actions[bot] (repeatable): a file the pull-request workflow made again from the "
        "issue the pull request's branch names, and found equal; only such a file is taken as an issue form's",
    )
    check.add_argument("--summary", metavar="FILE", help="append a Markdown summary (e.g. $GITHUB_STEP_SUMMARY)")
    check.add_argument("--jobs", type=_jobs, metavar="N", help="processes verifying awards (default: one per core)")
    check.add_argument(
        "--no-cache", action="store_true", help="parse every file and verify every RDFC proof again (ignore the caches)"
    )
    check.set_defaults(handler=_cmd_check)

    schemas = sub.add_parser("schemas", help="write the JSON Schemas generated from the models into schemas/")
    schemas.add_argument("--check", action="store_true", help="only report schemas that are out of date")
    schemas.add_argument("--out", metavar="DIR", help="write here instead of <root>/schemas")
    schemas.set_defaults(handler=_cmd_schemas)

    codeowners = sub.add_parser("codeowners", help="write .github/CODEOWNERS from the maintainers in the registry")
    codeowners.add_argument("--check", action="store_true", help="only report whether it is out of date")
    codeowners.set_defaults(handler=_cmd_codeowners)

    keygen = sub.add_parser("keygen", help="make an Ed25519 signing key for an issuer")
    keygen.add_argument("issuer", help="issuer id")
    keygen.add_argument("--key-id", help="key id (default: key-YYYY-MM-DD)")
    keygen.add_argument("--out", metavar="PATH", help="private key file (default: in your config dir, never the repo)")
    keygen.add_argument(
        "--valid-from", metavar="DATE", help="first day (from its start, UTC) or time the key may sign (default: now)"
    )
    keygen.add_argument(
        "--record",
        metavar="FILE",
        help="your record of what you sign, which gets the new public key file's line (default: <owner>.signed.txt "
        "beside the private key); give it to `credreg log monitor --record`",
    )
    keygen.set_defaults(handler=_cmd_keygen)

    award = sub.add_parser("award", help="sign an award (or a cohort) into the registry")
    award.add_argument("credential", metavar="ISSUER/CREDENTIAL")
    award.add_argument(
        "--recipient",
        metavar="EMAIL",
        help="the recipient's email (published only as a hash keyed with a secret); - reads it from standard input, "
        "out of sight of other local users (ps) and your shell's history",
    )
    award.add_argument(
        "--csv",
        metavar="FILE",
        help="a cohort: CSV with columns email[,name][,evidence][,valid_until], kept outside the registry checkout",
    )
    award.add_argument(
        "--out",
        metavar="DIR",
        help="new folder outside the repository for the earners' files and private links "
        "(default: $CREDREG_EARNER_DIR or ~/.local/share/credreg/earners/…)",
    )
    award.add_argument("--key", metavar="PATH", required=True, help="the issuer's private key file")
    award.add_argument("--evidence", metavar="URL", action="append", help="evidence URL (repeatable)")
    award.add_argument("--valid-until", metavar="DATE", help="expiry (default: from the credential's validity)")
    award.add_argument("--record", metavar="FILE", help=RECORD_HELP)
    award.set_defaults(handler=_cmd_award)

    from generator.transparency.commands import add_log_key_option

    verify = sub.add_parser("verify", help="verify an award by file, hash or link, check by check")
    verify.add_argument("target", metavar="FILE|HASH|LINK", help="- reads it from standard input (an earner's link)")
    verify.add_argument(
        "--recipient",
        metavar="EMAIL",
        help="also check the award was made to this email (- reads it from standard input, after the link's line)",
    )
    verify.add_argument(
        "--recipient-key",
        metavar="KEY",
        help="the earner's recipient key, needed with --recipient (an earner's link carries it after '~'); "
        "- reads it from standard input, asked for without echo at a terminal (an argument is visible to every "
        "local user and kept in your shell's history)",
    )
    verify.add_argument("--format", choices=["text", "json"], default="text")
    verify.add_argument(
        "--any-issuer", action="store_true", help="accept issuers not registered here (authenticity only)"
    )
    verify.add_argument(
        "--log",
        metavar="DIR|URL",
        help="also check the award, endorsement or status list is in this public log (a built site, or its log/)",
    )
    add_log_key_option(verify)
    verify.add_argument(
        "--statements",
        metavar="SITE",
        help="who defines what from the registry's signed statements in a built site (its statements/index.json)",
    )
    verify.set_defaults(handler=_cmd_verify)

    revoke = sub.add_parser("revoke", help="revoke an award (or an endorsement) with its issuer's (endorser's) key")
    revoke.add_argument("hash", help="the award's (or endorsement's) hash")
    revoke.add_argument(
        "--reason", required=True, help="why (published on the site; an issuer's log records it for an endorsement)"
    )
    revoke.add_argument("--key", metavar="PATH", required=True, help="the issuer's (or endorser's) private key file")
    revoke.add_argument(
        "--earners",
        metavar="DIR",
        help="the folder of your `credreg award` runs (the parent of --out; default: your data directory): a "
        "--reason naming the recipient they recorded for the award is refused",
    )
    revoke.add_argument("--record", metavar="FILE", help=RECORD_HELP)
    revoke.set_defaults(handler=_cmd_revoke)

    resign = sub.add_parser(
        "resign-lists",
        help="sign again the status lists no reader reads: an issuer's signed with its key after its end (after a "
        "compromise: revoked_at set as of an earlier time), from its revocation log; an issuer's or an endorser's "
        "signed in force but ended (validUntil passed)",
    )
    resign.add_argument(
        "--key", metavar="PATH", required=True, help="the issuer's or endorser's private key file (in force)"
    )
    resign.add_argument("--record", metavar="FILE", help=RECORD_HELP)
    resign.set_defaults(handler=_cmd_resign_lists)

    new = sub.add_parser("new", help="write a new issuer's or credential's file, commented, ready to check")
    new.add_argument("--root", metavar="DIR", default=argparse.SUPPRESS, help=ROOT_HELP)
    new_sub = new.add_subparsers(dest="what", required=True, metavar="issuer|credential")
    new_issuer = new_sub.add_parser("issuer", help="registry/issuers/ID/issuer.yaml (asks on a terminal)")
    new_issuer.add_argument("id", metavar="ID", help="the issuer id: your folder name, a lowercase slug")
    new_credential = new_sub.add_parser("credential", help="a credential definition (asks on a terminal)")
    new_credential.add_argument("id", metavar="ISSUER/ID", help="the issuer and the credential's id (a slug)")
    for name, helps in _NEW_FLAGS:
        target = new_issuer if name in _ISSUER_FLAGS else new_credential if name in _CREDENTIAL_FLAGS else None
        for command in (new_issuer, new_credential) if target is None else (target,):
            repeat = name in ("maintainer", "method", "skill", "language")
            command.add_argument(f"--{name}", action="append" if repeat else "store", help=helps)
    for command in (new_issuer, new_credential):
        command.add_argument("--no-input", action="store_true", help="never ask, even on a terminal")
        command.set_defaults(handler=_cmd_new)
        command.add_argument("--root", metavar="DIR", default=argparse.SUPPRESS, help=ROOT_HELP)

    form = sub.add_parser("form-to-pr", help="write the file a submitted issue form asks for (used by a workflow)")
    form.add_argument("form", choices=["issuer", "credential"], help="which form the issue was made from")
    form.add_argument("--body", metavar="FILE", required=True, help="the issue's body (- for standard input)")
    form.add_argument("--author", metavar="HANDLE", required=True, help="the issue's author (GitHub login)")
    form.add_argument("--issue", metavar="N", type=int, required=True, help="the issue's number")
    form.add_argument("--outputs", metavar="FILE", help="append branch=, title=, files= (e.g. $GITHUB_OUTPUT)")
    form.add_argument("--pr-body", metavar="FILE", help="write the pull request's description here")
    form.add_argument("--comment", metavar="FILE", help="on refusal, write a Markdown comment for the issue here")
    form.add_argument(
        "--created",
        metavar="DATE",
        help="a credential's created date (default: today); the workflows pass the day the issue was opened",
    )
    form.set_defaults(handler=_cmd_form_to_pr)

    preview = sub.add_parser("preview-summary", help="list the site pages a change adds, alters or removes")
    preview.add_argument("--base", metavar="REV", required=True, help="compare with this Git revision")
    preview.add_argument("--artifact-url", metavar="URL", help="where the built preview can be downloaded")
    preview.add_argument("--summary", metavar="FILE", help="append the Markdown here (e.g. $GITHUB_STEP_SUMMARY)")
    preview.set_defaults(handler=_cmd_preview_summary)

    from generator.models.endorsement import EndorsementKind

    endorse = sub.add_parser("endorse", help="sign an endorsement of a credential (or an issuer) as an endorser")
    endorse.add_argument("target", metavar="ISSUER/CREDENTIAL|ISSUER")
    endorse.add_argument("--as", dest="endorser", metavar="ENDORSER", required=True, help="endorser (or issuer) id")
    endorse.add_argument("--key", metavar="PATH", required=True, help="the endorser's private key file")
    endorse.add_argument("--kind", required=True, choices=[k.value for k in EndorsementKind])
    endorse.add_argument("--comment", required=True, help="what the endorsement means (published)")
    endorse.add_argument("--scope", help="what it covers, when not the whole credential (published)")
    endorse.add_argument("--valid-until", metavar="DATE", help="when the endorsement ends")
    endorse.add_argument("--record", metavar="FILE", help=RECORD_HELP)
    endorse.set_defaults(handler=_cmd_endorse)

    build = sub.add_parser("build", help="build the static website (refuses a registry with errors)")
    build.add_argument(
        "--out", metavar="DIR", default="site", help="output folder: new, empty or an earlier build's, replaced whole "
        "(default: site)"
    )  # fmt: skip
    build.add_argument("--log", metavar="DIR", help="the transparency log's state, published under log/")
    build.add_argument(
        "--data-out",
        metavar="DIR",
        help="with verification_data_url set: where the data to upload goes, replaced whole (default: <out>-data)",
    )
    build.add_argument(
        "--demo-log",
        action="store_true",
        help="no log declared: serve a demo log of the Git history, signed by a throwaway key (make site)",
    )
    build.add_argument(
        "--preview",
        action="store_true",
        help="build from uncommitted registry files too, to look at them locally (refused otherwise); the site "
        "names them in preview.json: never publish it",
    )
    build.set_defaults(handler=_cmd_build)

    serve = sub.add_parser("serve", help="build, serve on localhost and rebuild when files change")
    serve.add_argument("--out", metavar="DIR", default=".build/serve", help="where the served site is built")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8000)
    serve.set_defaults(handler=_cmd_serve)

    demo = sub.add_parser("demo", help="write a realistic synthetic registry, signed for real (for trying at scale)")
    demo.add_argument("--issuers", type=int, default=20, metavar="N", help="number of issuers (default: 20)")
    demo.add_argument("--credentials", type=int, default=200, metavar="N", help="definitions in all (default: 200)")
    demo.add_argument("--awards", type=int, default=10_000, metavar="N", help="signed awards (default: 10000)")
    demo.add_argument("--out", metavar="DIR", required=True, help="where to write the registry (new or empty)")
    demo.add_argument("--keys", metavar="DIR", help="where the private keys go (default: <out>-keys, outside DIR)")
    demo.add_argument("--seed", type=int, default=2026, help="the same seed gives the same registry (but new keys)")
    demo.add_argument("--jobs", type=_jobs, metavar="N", help="worker processes (default: one per core)")
    demo.set_defaults(handler=_cmd_demo)

    from generator.transparency.commands import add_log_commands

    add_log_commands(sub)
    # Users type --root on either side of the command: every command that reads a registry takes it after the
    # command too (and after a nested one: `credreg log monitor ISSUER --root DIR`). There it has no default
    # (SUPPRESS), so leaving it out keeps a --root given before the command.
    for name, command in sub.choices.items():
        if name in _NO_ROOT or name == "new":  # new's subcommands take it themselves
            continue
        nested = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
        for leaf in [p for action in nested for p in action.choices.values()] or [command]:
            leaf.add_argument("--root", metavar="DIR", default=argparse.SUPPRESS, help=ROOT_HELP)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI runner cancelling a job, a service manager stopping one) or SIGHUP (the terminal or the SSH
    session closed), raised where the process is so that it unwinds as for Ctrl-C: every clean-up runs (a build's
    staging folder, a temporary file) and nothing is left half written."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = signum
        """The signal that ended the run: the exit status is 128 + it, as for a process it ended."""


#: What :class:`Terminated` stands for. SIGHUP's default ended the process where it was, clean-up unrun: a build
#: left its staging folder, and a step held off (``_internal.signals.held_off``) stopped at its end, not unwound.
_TERMINATING = (signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def _terminate_by_unwinding() -> Iterator[None]:
    """While a command runs, SIGTERM and SIGHUP raise :class:`Terminated` in it (the handlers before are restored
    after: main() also runs inside other programs, tests among them)."""
    main_pid = os.getpid()

    def on_term(signum: int, _frame: object) -> None:
        if os.getpid() != main_pid:  # a forked worker: the default (its parent cleans up and reports)
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated(signum)

    before: dict[signal.Signals, Any] = {}
    try:
        for terminating in _TERMINATING:
            if signal.getsignal(terminating) is not signal.SIG_IGN:  # nohup's: the run is to outlive its terminal
                before[terminating] = signal.signal(terminating, on_term)
    except ValueError:  # not the main thread (main() called from a thread): leave it be
        yield
        return
    try:
        yield
    finally:
        for terminating, handler in before.items():
            signal.signal(terminating, handler)


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        # A message quotes input (a field's value, a file name): whatever its characters, it is printed, escaped.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        with _terminate_by_unwinding():
            code = handler(args)
            sys.stdout.flush()  # here, not at exit, so that a reader gone by then is met below
        return code
    except CredregError as exc:
        print(f"credreg: {explained(exc)}", file=sys.stderr)  # it quotes input: printed, not obeyed
        return exc.exit_code
    except KeyboardInterrupt as exc:  # Terminated too; its notes: what the step it cut says was left, and to do
        print(f"credreg: {'terminated' if isinstance(exc, Terminated) else 'interrupted'}", file=sys.stderr)
        for note in getattr(exc, "__notes__", ()):
            print(f"  {terminal_line(str(note))}", file=sys.stderr)  # one line each, whatever it quotes
        return 128 + exc.signum if isinstance(exc, Terminated) else 130
    except BrokenPipeError:
        # The reader of the output stopped early (`credreg verify … | head`): no traceback, and nothing more to
        # write at exit either (Python would flush into the closed pipe again). 141 = 128 + SIGPIPE, as for a
        # command the pipe ended.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:
        # A path given on the command line that the file system refuses where no reader made it a located problem
        # (a name too long for it, say, met by a stat anywhere in the command): the path and the reason.
        print(f"credreg: {terminal_line(_refused_path(exc))}", file=sys.stderr)  # a path is input: printed, not obeyed
        return UsageError.exit_code


def _refused_path(exc: OSError) -> str:
    named = exc.filename2 if exc.filename2 is not None else exc.filename
    return f"{os.fsdecode(named)}: {exc.strerror}" if named is not None and exc.strerror else str(exc)
