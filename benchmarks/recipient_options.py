"""Bytes per verification lookup under each recipient design weighed in issue #10 (docs/privacy.md).

``python -m benchmarks.recipient_options [SITE]`` builds the example registry's site (or reads SITE, a built
site) and rewrites every real shard entry as each design would publish it:

* ``published salt`` — before: the OB 3.0 ``IdentityObject`` with its ``salt`` (guessable);
* ``secret key`` — chosen: the same object without ``salt``; the key is only in the earner's link and file;
* ``did:key`` — ``credentialSubject.id`` is the earner's wallet DID (an Ed25519 ``did:key``), no identifier;
* ``hash + status`` — the public record is the award hash, its issuer and its status entry; the credential
  itself is held only by the earner.

A lookup fetches ``verify/index.json``, the award's shard, its achievement (not needed by ``hash + status``,
which has none to show), the issuer's ``keys.json`` and its status list. Shards are rewritten with the same
membership, so the figures differ only by the entries' bytes.
"""

from __future__ import annotations

import copy
import json
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.crypto.multibase import did_key_from_public
from generator.publish.build import build_site
from generator.publish.verifydata import expand_entry, read_gzip_json

REPO = Path(__file__).resolve().parent.parent
SALT = "0" * 32  # as long as the salts the example awards carried (32 hex digits)
DID_KEY = did_key_from_public(bytes(32))  # as long as any Ed25519 did:key


def _published_salt(entry: dict[str, Any]) -> dict[str, Any]:
    entry = copy.deepcopy(entry)
    entry["award"]["credentialSubject"]["identifier"][0]["salt"] = SALT
    return entry


def _did_key(entry: dict[str, Any]) -> dict[str, Any]:
    entry = copy.deepcopy(entry)
    subject = entry["award"]["credentialSubject"]
    subject.pop("identifier")
    entry["award"]["credentialSubject"] = {"id": DID_KEY, **subject}
    return entry


def _hash_and_status(entry: dict[str, Any]) -> dict[str, Any]:
    status = entry["award"]["credentialStatus"]
    slim: dict[str, Any] = {"issuer": entry["issuer"], "credentialStatus": status}
    if "revocation" in entry:
        slim["revocation"] = entry["revocation"]
    return slim


DESIGNS: dict[str, tuple[Callable[[dict[str, Any]], dict[str, Any]], bool]] = {
    "published salt (before)": (_published_salt, True),
    "secret key (chosen)": (lambda e: e, True),
    "did:key recipient": (_did_key, True),
    "hash + status only": (_hash_and_status, False),
}


def _size(data: Any) -> int:
    return len(json.dumps(data, ensure_ascii=False).encode()) + 1  # as the shard writer writes it


def measure(site: Path) -> list[dict[str, Any]]:
    verify = site / "verify"
    shards = [read_gzip_json(p) for p in sorted((verify / "shards").glob("*.json.gz"))]
    index = (verify / "index.json").stat().st_size

    def template(tid: str) -> dict[str, Any]:  # the designs compare full entries, as the shards held them then
        return dict(read_gzip_json(verify / "templates" / f"{tid}.json.gz"))

    achievement = statistics.mean(p.stat().st_size for p in (verify / "achievements").glob("*.json"))
    keys = statistics.mean(p.stat().st_size for p in site.glob("issuers/*/keys.json"))
    status = statistics.mean(p.stat().st_size for p in site.glob("issuers/*/status/*.json"))
    rows = []
    for name, (rewrite, needs_achievement) in DESIGNS.items():
        entries, sizes = [], []
        for shard in shards:
            awards = {digest: rewrite(expand_entry(entry, template)) for digest, entry in shard["awards"].items()}
            entries += [len(json.dumps({d: e}, ensure_ascii=False).encode()) - 2 for d, e in awards.items()]
            sizes.append(_size({"shard": shard["shard"], "awards": awards}))
        fixed = index + keys + status + (achievement if needs_achievement else 0)
        rows.append(
            {
                "design": name,
                "entry": round(statistics.mean(entries)),
                "shard_mean": round(statistics.mean(sizes)),
                "lookup_mean": round(fixed + statistics.mean(sizes)),
                "lookup_max": round(fixed + max(sizes)),
            }
        )
    return rows


def main(argv: list[str]) -> int:
    if argv:
        rows = measure(Path(argv[0]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build_site(REPO, Path(tmp) / "site")
            rows = measure(Path(tmp) / "site")
    print(f"{'design':28} {'entry':>7} {'shard':>7} {'lookup':>8} {'max':>8}  (bytes, mean unless max)")
    for row in rows:
        sizes = f"{row['entry']:>7} {row['shard_mean']:>7} {row['lookup_mean']:>8} {row['lookup_max']:>8}"
        print(f"{row['design']:28} {sizes}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
