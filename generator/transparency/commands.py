"""``credreg log …``: the command line of the transparency log (argument parsing and printing only)."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from generator._internal.files import names_file, write_option_file
from generator.errors import UsageError

if TYPE_CHECKING:
    from generator.models.governance import TransparencyLog
    from generator.registry import Registry
    from generator.transparency.log import LogSource
    from generator.verify.results import VerificationResult

__all__ = [
    "GIVEN_SIGNER",
    "TrustedLogKey",
    "add_log_commands",
    "add_log_key_option",
    "log_source_for",
    "trusted_log_key",
    "untrusted_log_hint",
    "with_log_check",
]


def _registry(args: argparse.Namespace) -> Registry:
    from generator.cli import _load

    return _load(args)


def log_source_for(location: str | None, registry_site_url: str | None = None) -> LogSource:
    from generator.transparency.log import LogSource

    if location is None:
        if registry_site_url is None:
            raise UsageError("give the log: --log DIR|URL")
        location = registry_site_url + "log/"
    return LogSource(_log_folder(location))


def _log_folder(location: str) -> str:
    """``location``, or a built site's ``log/`` when ``location`` is the site's folder (no checkpoint of its own)."""
    if location.startswith(("https://", "http://")):
        return location
    folder = Path(location)
    if not (folder / "checkpoint").exists() and (folder / "log" / "checkpoint").is_file():
        return str(folder / "log")
    return location


@dataclasses.dataclass(frozen=True, slots=True)
class TrustedLogKey:
    """Which log key a published log is checked against (:func:`trusted_log_key`)."""

    registry: Registry
    """The registry, with that key as its ``log:`` (none: no key to check a log against)."""
    given: bool
    """The key is the one ``--log-key`` gave, the registry declaring none: the user's word, not the registry's."""

    @property
    def signer(self) -> str:
        """Whose key signed a checkpoint that checks out, in words (a given key may be one the log itself serves:
        what is said is only that it is the key given)."""
        return GIVEN_SIGNER if self.given else "the registry"


#: Who signed a checkpoint checked against ``--log-key`` (for a registry that declares no log key).
GIVEN_SIGNER = "the log key given by --log-key (which registry/governance.yaml does not declare)"


def trusted_log_key(registry: Registry, log_key: str | None) -> TrustedLogKey:
    """The log key to check a published log against, for ``credreg verify --log`` and every ``credreg log``
    command that reads one: the key ``registry/governance.yaml`` declares, or, for a registry that declares none,
    the one ``--log-key`` gives (a vkey, or a file holding one, as a site built with ``--demo-log`` publishes in
    ``log/demo-vkey``). A key is never taken from the log unasked: a log brings its own, whoever wrote it.
    ``--log-key`` never replaces a declared key (usage error)."""
    if log_key is None:
        return TrustedLogKey(registry, False)
    given = _given_log_key(log_key)
    declared = registry.governance.model.log
    if declared is not None:
        if declared.vkey != given.vkey:
            raise UsageError(
                f"--log-key {log_key} is not the log key registry/governance.yaml declares ({declared.vkey})",
                ["the declared key is the one a log of this registry is checked against; leave out --log-key"],
            )
        return TrustedLogKey(registry, False)
    from generator.transparency.publish import log_config

    model = registry.governance.model.model_copy(update={"log": given})
    trusted = dataclasses.replace(registry, governance=dataclasses.replace(registry.governance, model=model))
    # The log key's rule, said now in words about --log-key (later, it would be about the registry's own key).
    log_config(
        trusted,
        whose=f"--log-key {log_key}: the key",
        hints=("give the key of this registry's log (a site built with --demo-log serves it in log/demo-vkey)",),
    )
    return TrustedLogKey(trusted, True)


def _given_log_key(log_key: str) -> TransparencyLog:
    """``--log-key``: the key itself, or else a file holding it. The text is read as a key first: a vkey is also
    a relative path (``<origin>+<id>+<key>``), and a file there must not replace the key typed."""
    from pydantic import ValidationError

    from generator.models.governance import TransparencyLog

    def why(exc: ValidationError) -> str:
        return "; ".join(str(error["msg"]) for error in exc.errors())

    try:
        return TransparencyLog(vkey=log_key)
    except ValidationError as exc:
        problem = why(exc)
    if names_file(log_key):
        try:
            with Path(log_key).open("rb") as fh:
                text = fh.read(4096).decode("utf-8", "replace").strip()
        except OSError as exc:
            raise UsageError(f"--log-key {log_key}: cannot read it: {exc.strerror}") from None
        try:
            return TransparencyLog(vkey=text)
        except ValidationError as exc:
            problem = why(exc)
    raise UsageError(f"--log-key {log_key}: not a log verifier key (<origin>+<key id>+<base64 key>): {problem}")


def untrusted_log_hint(location: str | None) -> str:
    """How to check a log for a registry that declares no log key: with ``--log-key``, naming the demo log's
    ``log/demo-vkey`` when the log says it is a demo (its policy.json, as the check's words then will)."""
    from generator.transparency.inclusion import log_is_demo
    from generator.transparency.log import LogSource
    from generator.transparency.publish import DEMO_VKEY_FILE

    folder = _log_folder(location) if location is not None else None
    if folder is not None and not folder.startswith(("https://", "http://")):
        demo = Path(folder) / DEMO_VKEY_FILE
        if demo.is_file() and log_is_demo(LogSource(Path(folder))):
            return f"to check this demo log, give its key: --log-key {demo}"
    return "to check it against a log key you trust, give --log-key VKEY|FILE"


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


def _cmd_keygen(args: argparse.Namespace) -> int:
    from generator.transparency.keys import generate_note_key
    from generator.transparency.log import log_origin

    out = Path(args.out).expanduser()
    if args.witness:
        if not args.name:
            raise UsageError("a witness key needs --name (e.g. witness.example.org/w1)")
        signer = generate_note_key(out, args.name, "witness")
        print(f"witness key: {out}  (mode 600; keep it secret)")
        print(f"vkey: {signer.verifier.vkey}")
        print("the registry lists it in registry/governance.yaml under log: witnesses: [{name: …, vkey: …}]")
        return 0
    registry = _registry(args)
    signer = generate_note_key(out, args.name or log_origin(registry.site_url), "log", root=registry.root)
    print(f"log key: {out}  (mode 600; keep it secret: in CI, a repository secret)")
    print(f"vkey: {signer.verifier.vkey}")
    print("add to registry/governance.yaml:\nlog:\n  vkey: " + signer.verifier.vkey)
    return 0


def _cmd_publish(args: argparse.Namespace) -> int:
    from generator.transparency.keys import load_note_key
    from generator.transparency.publish import publish_log

    registry = _registry(args)
    state = Path(args.state)
    # The state folder is pushed as the log branch: a key in it would be published with the next checkpoint.
    signer = load_note_key(
        Path(args.key).expanduser() if args.key else None, "log", root=registry.root, published=[state]
    )
    result = publish_log(registry.root, registry, state, signer, full=args.full)
    added = result.size - result.old_size
    how = "whole history derived again" if result.full else "new commits only"
    # A first publish proves nothing against an earlier checkpoint: there is none.
    proven = (
        "a new log (no earlier checkpoint)"
        if result.old_size == 0
        else f"consistent with the previous checkpoint ({how})"
    )
    print(
        f"log: {result.old_size} → {result.size} entries (+{added}), {result.files_written} tiles written, "
        f"{proven}; covers {result.commit[:12]}"
        + ("; checkpoint signed again to commit to the log's index (it had no index line)" if result.reindexed else "")
    )
    return 0


def _cmd_witness(args: argparse.Namespace) -> int:
    from generator.transparency.keys import load_note_key
    from generator.transparency.witness import witness_log

    signer = load_note_key(Path(args.key).expanduser(), "witness")
    vkey = _given_log_key(args.log_key).vkey if args.log_key is not None else None
    result = witness_log(log_source_for(args.log), Path(args.state), signer, vkey=vkey)
    if result.trusted_on_first_use:
        print("first run: following the log key it serves (check it against registry/governance.yaml)")
    since = f"consistent with {result.old_size}" if result.old_size is not None else "first checkpoint"
    print(f"cosigned the checkpoint of {result.size} entries ({since})", file=sys.stderr)
    data = result.note.encode()
    if args.out:
        write_option_file("--out", args.out, data.decode())
    else:
        sys.stdout.write(data.decode())
    return 0


def _cmd_add_cosignatures(args: argparse.Namespace) -> int:
    from generator._internal.files import write_text_atomic
    from generator.awarding.lock import held
    from generator.tlog.note import parse_vkey
    from generator.transparency.log import LogSource, open_log
    from generator.transparency.publish import log_config
    from generator.transparency.witness import add_cosignatures

    registry = _registry(args)
    verifier, origin = log_config(registry)
    config = registry.governance.model.log
    assert config is not None
    state = Path(args.state)
    witnesses = [parse_vkey(w.vkey) for w in config.witnesses]
    cosignatures = [_read(f) for f in args.files]
    # The checkpoint read and written with the state locked: a `log publish` between the two would be undone.
    with held(state, str(state), "log publish or log add-cosignatures") if state.is_dir() else contextlib.nullcontext():
        log = open_log(LogSource(state), verifier, origin=origin)
        note, names = add_cosignatures(log, witnesses, cosignatures)
        write_text_atomic(state / "checkpoint", note.encode().decode())
    print(f"checkpoint of {log.size}: cosigned by {len(set(names))} listed witnesses ({', '.join(sorted(set(names)))})")
    return 0


def _cmd_monitor(args: argparse.Namespace) -> int:
    from generator.awarding.record import read_records
    from generator.report import terminal_safe
    from generator.transparency.inclusion import (
        DEMO_CLAUSE,
        cosignature_times,
        freshness,
        log_is_demo,
    )
    from generator.transparency.log import open_log, read_note
    from generator.transparency.logindex import read_kept, write_kept
    from generator.transparency.monitor import held_to, judge_run, monitor_log
    from generator.transparency.publish import log_config

    registry = _registry(args)
    signed = read_records(Path(p).expanduser() for p in args.record) if args.record else None
    trusted = trusted_log_key(registry, args.log_key)
    config = trusted.registry.governance.model.log
    if config is None:
        raise UsageError(
            "registry/governance.yaml declares no log key: give the key of the log to read with --log-key VKEY|FILE",
            [untrusted_log_hint(args.log)],
        )
    verifier, origin = log_config(trusted.registry)
    source = log_source_for(args.log, registry.site_url)
    log = open_log(source, verifier, origin=origin)
    since, kept = None, None
    if args.since:
        since = read_note(_read(args.since), args.since)[1]
        kept = read_kept(Path(f"{args.since}.index.json"))
    result = monitor_log(log, args.issuer, since, kept)
    # An entry's path and name are the log's text, percent-decoded (any character: whoever holds the log's key
    # writes them): shown escaped, so that one entry stays one line and no escape sequence erases an alert.
    for index, entry in result.entries:
        print(f"{index}\t{entry.kind}\t{entry.sha256}\t{terminal_safe(entry.where)}")
    found = f"{len(result.entries)} entries for {args.issuer}"
    where = f"in entries {result.start}..{result.size - 1}" if since else f"in the log of {result.size}"
    consistent = ", consistent with --since" if since else ""
    # What the checkpoint was checked against (a key given: that one, not the registry's), and the log's own
    # demo label (its writer's word, which only ever lowers what the check is worth).
    checked = (
        f": checkpoint of {result.size} signed by {trusted.signer}{consistent}"
        if trusted.given
        else f" (checkpoint of {result.size}, signed{consistent})"
        if since
        else " (checkpoint signed)"
    )
    times = cosignature_times(log.note, config)
    witnessed = (
        f"; cosigned by {len(times)} of {config.quorum} witnesses"
        + freshness(times, dt.datetime.now(dt.UTC), config.quorum)
        if config.witnesses
        else ""  # a log no witness watches (a demo log): nothing to count
    )
    policy = held_to(config)
    verdict = judge_run(
        result,
        signed,
        cosigned=len(times),
        quorum=config.quorum,
        policy=policy,
        since=args.since,
        kept_policy=_kept_policy(Path(f"{args.since}.policy.json")) if args.since else None,
        checkpoint=log.checkpoint,
    )
    demo = DEMO_CLAUSE if log_is_demo(source) else ""
    print(f"{found} {where}{checked}{witnessed}{demo}", file=sys.stderr)
    if verdict.handed_over:
        print(
            "the witnesses and quorum of registry/governance.yaml are those a hand-over announced in the log, "
            "which the witnesses held to before cosigned: taken up",
            file=sys.stderr,
        )
    for alert in verdict.alerts:
        print(f"ALERT: {terminal_safe(alert)}", file=sys.stderr)
    if args.save and verdict.may_save(args.acknowledge):
        write_option_file("--save", args.save, log.note.encode().decode())
        write_option_file("--save", f"{args.save}.policy.json", json.dumps(verdict.saved_policy, indent=2) + "\n")
        if result.index is not None and result.index_problem is None:
            write_kept(Path(f"{args.save}.index.json"), result.index, log.size, log.checkpoint.root)
    elif args.save and not verdict.unwitnessed:  # below the quorum: said in its alert
        stale = (
            f"--acknowledge {args.acknowledge} is not the receipt of these alerts (the log, your record or the "
            "governance changed since the run that printed it: read them again). "
            if args.acknowledge is not None
            else ""
        )
        print(
            f"{stale}the checkpoint was not saved to {args.save}: the next run shows these alerts again. Once you "
            f"have dealt with them, run again with --acknowledge {verdict.receipt} to save it (that receipt "
            "acknowledges these alerts at this checkpoint, nothing the log shows later)",
            file=sys.stderr,
        )
    return verdict.exit_code


def _kept_policy(path: Path) -> object:
    """The log key, witnesses and quorum a monitor saved beside its checkpoint; None when it saved none (a checkpoint
    saved by an earlier credreg) or the file does not read (an alert: nothing to compare with).

    Read as every JSON file credreg trusts (source.read_json_file: a plain file, bounded, no key twice, no NaN):
    read with json.loads, a deeply nested file ended the monitor with a RecursionError's traceback, a FIFO held it
    for ever, and a key written twice was compared by its last value, in a file credreg never writes so."""
    from generator._internal.source import SourceError, read_json_file

    try:
        return read_json_file(path, str(path), what="the kept policy").data
    except SourceError:
        return None


def with_log_check(
    result: VerificationResult,
    registry: Registry,
    location: str | None,
    document: object = None,
    *,
    kind: str = "award",
    log_key: str | None = None,
    data: bytes | None = None,
) -> VerificationResult:
    """``result`` with the public-log check added (not checked, and not blocking, without --log); ``kind``:
    ``"endorsement"`` for an endorsement's result, ``"status-list"`` for a status list given on its own (``data``:
    its file's bytes, which the log hashes; ``None`` when it was read from a badge image); ``log_key``:
    ``--log-key`` (:func:`trusted_log_key`)."""
    from generator.transparency.inclusion import LIST_KIND, log_check, status_list_log_check
    from generator.verify.results import VerificationResult

    if log_key is not None and location is None:
        raise UsageError("--log-key names the key of the log given by --log: it needs --log DIR|URL")
    trusted = trusted_log_key(registry, log_key)
    source = log_source_for(location) if location and trusted.registry.governance.model.log is not None else None
    if kind == LIST_KIND:
        check = status_list_log_check(trusted.registry, source, data, document, signer=trusted.signer)
    else:
        check = log_check(trusted.registry, source, result.award_hash, document, kind=kind, signer=trusted.signer)
    if location and trusted.registry.governance.model.log is None:
        # No key the registry declared to check the given log against (a site's demo log has a throwaway one):
        # say that --log went unread rather than drop it silently, and how to check it against a key one trusts.
        hint = untrusted_log_hint(location)
        reason = f"{check.reason} (registry/governance.yaml declares none: --log is not checked; {hint})"
        check = dataclasses.replace(check, reason=reason)
    return VerificationResult((*result.checks, check), result.award_hash, result.facts, result.subject)


def add_log_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    log = sub.add_parser("log", help="the public transparency log: publish, witness, monitor")
    commands = log.add_subparsers(dest="log_command", required=True, metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace], int], help_: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = commands.add_parser(name, help=help_)
        parser.set_defaults(handler=handler)
        return parser

    keygen = command("keygen", _cmd_keygen, "make the log's Ed25519 note key (or a witness's, with --witness)")
    keygen.add_argument("--out", metavar="PATH", required=True, help="the private key file (outside the repository)")
    keygen.add_argument("--witness", action="store_true", help="a witness (cosigner) key instead of the log's")
    keygen.add_argument("--name", help="key name (default for the log: its origin, <site host/path>/log)")

    publish = command("publish", _cmd_publish, "append the new Git history to the log and sign a checkpoint")
    publish.add_argument("--state", metavar="DIR", required=True, help="the log's state (the log branch checkout)")
    publish.add_argument("--key", metavar="PATH", help="the log's private key (default: $CREDREG_LOG_KEY)")
    publish.add_argument("--full", action="store_true", help="derive the whole history again and compare")

    witness = command("witness", _cmd_witness, "cosign the log's checkpoint if consistent with the last cosigned")
    witness.add_argument("log", metavar="URL|DIR", help="the log (e.g. https://credentials.example.org/log/)")
    witness.add_argument("--key", metavar="PATH", required=True, help="the witness's private key")
    witness.add_argument("--state", metavar="DIR", required=True, help="where the witness remembers the log")
    # A witness follows a log, not a registry: no declared key, the one it started with (remembered) instead.
    add_log_key_option(
        witness, "--vkey", help_="the log's verifier key, or a file holding it (first run; then remembered)"
    )
    witness.add_argument("--out", metavar="FILE", help="write the cosigned checkpoint here (default: stdout)")

    cosigs = command("add-cosignatures", _cmd_add_cosignatures, "add witnesses' cosignatures to the checkpoint")
    cosigs.add_argument("files", nargs="+", metavar="FILE", help="cosigned checkpoints returned by witnesses")
    cosigs.add_argument("--state", metavar="DIR", required=True, help="the log's state")

    monitor = command("monitor", _cmd_monitor, "list every log entry of an issuer (since a saved checkpoint)")
    monitor.add_argument("issuer", help="issuer id")
    monitor.add_argument("--since", metavar="CHECKPOINT", help="a checkpoint saved earlier (--save): only what's new")
    monitor.add_argument(
        "--save",
        metavar="FILE",
        help="save the checkpoint seen now, for the next --since (with FILE.policy.json, the witnesses, quorum and "
        "log key it is held to, and FILE.index.json: keep them with it)",
    )
    monitor.add_argument("--log", metavar="URL|DIR", help="the log: a built site, or its log/ (default: the site's)")
    monitor.add_argument(
        "--record",
        metavar="FILE",
        action="append",
        help="your record of what you signed (credreg keygen, award, endorse and revoke write it): an award, "
        "endorsement, revocation, status list or key it does not hold is an alert (repeatable: one per machine "
        "you sign on)",
    )
    monitor.add_argument(
        "--acknowledge",
        metavar="RECEIPT",
        help="save the checkpoint (--save) even though this run shows alerts: you have dealt with the alerts a run "
        "printed RECEIPT for (without it, a run with alerts saves nothing, so the next run shows them again). A "
        "receipt names those alerts at that checkpoint: a run that finds other alerts, or another checkpoint, saves "
        "nothing and prints its own. A checkpoint below the witnesses' quorum is never saved",
    )
    add_log_key_option(monitor)


def add_log_key_option(parser: argparse.ArgumentParser, *aliases: str, help_: str | None = None) -> None:
    """``--log-key VKEY|FILE``, for every command that reads a published log (read by :func:`trusted_log_key`,
    a witness's by :func:`_given_log_key`)."""
    parser.add_argument(
        "--log-key",
        *aliases,
        dest="log_key",
        metavar="VKEY|FILE",
        help=help_
        or "the log key to trust when the registry declares none (a --demo-log site's log/demo-vkey: a demo)",
    )
