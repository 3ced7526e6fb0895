"""``credreg log …``: the command line of the transparency log (argument parsing and printing only)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import UsageError

if TYPE_CHECKING:
    from generator.registry import Registry
    from generator.transparency.log import LogSource
    from generator.verify.results import VerificationResult

__all__ = ["add_log_commands", "log_source_for", "with_log_check"]


def _registry(args: argparse.Namespace) -> Registry:
    from generator.cli import _load

    return _load(args)


def log_source_for(location: str | None, registry_site_url: str | None = None) -> LogSource:
    from generator.transparency.log import LogSource

    if location is None:
        if registry_site_url is None:
            raise UsageError("give the log: --log DIR|URL")
        location = registry_site_url + "log/"
    return LogSource(location)


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
    )
    return 0


def _cmd_witness(args: argparse.Namespace) -> int:
    from generator.transparency.keys import load_note_key
    from generator.transparency.witness import witness_log

    signer = load_note_key(Path(args.key).expanduser(), "witness")
    result = witness_log(log_source_for(args.log), Path(args.state), signer, vkey=args.vkey)
    if result.trusted_on_first_use:
        print("first run: following the log key it serves (check it against registry/governance.yaml)")
    since = f"consistent with {result.old_size}" if result.old_size is not None else "first checkpoint"
    print(f"cosigned the checkpoint of {result.size} entries ({since})", file=sys.stderr)
    data = result.note.encode()
    if args.out:
        Path(args.out).write_bytes(data)
    else:
        sys.stdout.write(data.decode())
    return 0


def _cmd_add_cosignatures(args: argparse.Namespace) -> int:
    from generator._internal.files import write_text_atomic
    from generator.tlog.note import parse_vkey
    from generator.transparency.log import LogSource, open_log
    from generator.transparency.publish import log_config
    from generator.transparency.witness import add_cosignatures

    registry = _registry(args)
    verifier, origin = log_config(registry)
    config = registry.governance.model.log
    assert config is not None
    log = open_log(LogSource(Path(args.state)), verifier, origin=origin)
    witnesses = [parse_vkey(w.vkey) for w in config.witnesses]
    note, names = add_cosignatures(log, witnesses, [_read(f) for f in args.files])
    write_text_atomic(Path(args.state) / "checkpoint", note.encode().decode())
    print(f"checkpoint of {log.size}: cosigned by {len(set(names))} listed witnesses ({', '.join(sorted(set(names)))})")
    return 0


def _cmd_monitor(args: argparse.Namespace) -> int:
    from generator._internal.files import write_text_atomic
    from generator.transparency.log import open_log, read_note
    from generator.transparency.monitor import ALERTS, monitor_log
    from generator.transparency.publish import log_config

    registry = _registry(args)
    verifier, origin = log_config(registry)
    log = open_log(log_source_for(args.log, registry.site_url), verifier, origin=origin)
    since = None
    if args.since:
        since = read_note(_read(args.since), args.since)[1]
    result = monitor_log(log, args.issuer, since)
    for index, entry in result.entries:
        print(f"{index}\t{entry.kind}\t{entry.sha256}\t{entry.where}")
    print(
        f"{len(result.entries)} entries for {args.issuer} in entries {result.start}..{result.size - 1} "
        f"(checkpoint of {result.size}, signed, consistent with --since)"
        if since
        else f"{len(result.entries)} entries for {args.issuer} in the log of {result.size} (checkpoint signed)",
        file=sys.stderr,
    )
    for index, entry in result.alerts:
        print(f"ALERT: entry {index} ({entry.kind}, {entry.where}): {ALERTS[entry.kind]}", file=sys.stderr)
    if args.save:
        write_text_atomic(Path(args.save), log.note.encode().decode())
    return 1 if result.alerts else 0


def with_log_check(
    result: VerificationResult,
    registry: Registry,
    location: str | None,
    document: object = None,
    *,
    kind: str = "award",
) -> VerificationResult:
    """``result`` with the public-log check added (not checked, and not blocking, without --log); ``kind``:
    ``"endorsement"`` for an endorsement's result."""
    from generator.transparency.inclusion import log_check
    from generator.verify.results import VerificationResult

    declared = registry.governance.model.log is not None
    source = log_source_for(location) if location and declared else None
    check = log_check(registry, source, result.award_hash, document, kind=kind)
    if location and not declared:
        # No key the registry declared to check the given log against (a site's demo log has a throwaway one):
        # say that --log went unread rather than drop it silently.
        reason = f"{check.reason} (registry/governance.yaml declares none: --log is not checked)"
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
    witness.add_argument("--vkey", help="the log's verifier key (first run; then remembered)")
    witness.add_argument("--out", metavar="FILE", help="write the cosigned checkpoint here (default: stdout)")

    cosigs = command("add-cosignatures", _cmd_add_cosignatures, "add witnesses' cosignatures to the checkpoint")
    cosigs.add_argument("files", nargs="+", metavar="FILE", help="cosigned checkpoints returned by witnesses")
    cosigs.add_argument("--state", metavar="DIR", required=True, help="the log's state")

    monitor = command("monitor", _cmd_monitor, "list every log entry of an issuer (since a saved checkpoint)")
    monitor.add_argument("issuer", help="issuer id")
    monitor.add_argument("--since", metavar="CHECKPOINT", help="a checkpoint saved earlier (--save): only what's new")
    monitor.add_argument("--save", metavar="FILE", help="save the checkpoint seen now, for the next --since")
    monitor.add_argument("--log", metavar="URL|DIR", help="the log (default: the site's log/)")
