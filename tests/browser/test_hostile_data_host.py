"""A hostile or stale host of the verification data (docs/hosting.md: "whoever serves the data can withhold it,
never change it unnoticed"). The example registry is built with ``verification_data_url`` and its data folder
served by a second local server, as in test_verify_data_url.py, but one the test can turn against the page: files
changed, replaced by older ones, or answered endlessly, slowly or as a decompression bomb. Whatever it does, the
page ends with an answer (an error, or a check that fails), never "valid" for what it changed and never a page
left checking for ever."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import gzip
import json
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.awards import award_hash, iter_awards
from generator.load import load_registry
from generator.models import LifecycleStatus
from generator.publish.build import build_site
from generator.publish.verifydata import read_gzip_json, shard_name
from generator.verify import Verdict, Verifier
from tests.browser.conftest import serve_dir
from tests.browser.test_verify_page import _cli, checks, ready
from tests.conftest import REPO

pytestmark = pytest.mark.browser

#: What the hostile host does for a path (relative to the data folder): writes the whole answer itself.
Behaviour = Callable[[SimpleHTTPRequestHandler], None]


class _Hostile(SimpleHTTPRequestHandler):
    """The data folder with CORS headers (docs/hosting.md), except where a behaviour is set for a path."""

    behaviours: dict[str, Behaviour]

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        rel = self.path.removeprefix("/verify-data/")
        behaviour = self.behaviours.get(rel)
        if behaviour is None:
            super().do_GET()
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the page stopped reading: its bound
            behaviour(self)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Host:
    root: Path
    site: Path
    data: Path
    site_url: str
    unpublished: dict[str, Any]
    """An award a registered key of a registered issuer signed that the registry never published (withdrawn in
    review, say): signed in a copy of the registry that was never built."""
    behaviours: dict[str, Behaviour] = field(default_factory=dict)


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    base = tmp_path_factory.mktemp("hostile-data")
    root = base / "registry-copy"
    for part in ("registry", "keys", "schemas"):
        shutil.copytree(REPO / part, root / part)
    store = base / "store"
    behaviours: dict[str, Behaviour] = {}
    handler = functools.partial(type("Handler", (_Hostile,), {"behaviours": behaviours}), directory=str(store))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        data_url = f"http://127.0.0.1:{server.server_address[1]}/verify-data/"
        governance = root / "registry" / "governance.yaml"
        governance.write_text(governance.read_text() + f"verification_data_url: {data_url}\n")
        # The issuer's new key is registered; the award it signs is made in a copy, never in the registry built.
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "CREDREG_KEY_DIR": str(base / "keys")}
        issuer = "northbridge-university"
        _cli("--root", str(root), "keygen", issuer, "--key-id", "key-review", env=env)
        loaded = load_registry(root)
        assert loaded.registry is not None
        slug = next(
            s for s, c in sorted(loaded.registry.issuers[issuer].credentials.items())
            if c.model.status is not LifecycleStatus.RETIRED
        )  # fmt: skip
        review = base / "review-copy"
        shutil.copytree(root, review)
        cohort = base / "cohort.csv"
        cohort.write_text("email,name\ncarol.wu@example.org,Carol Wu\n")
        key = str(base / "keys" / issuer / "key-review.key")
        _cli("--root", str(review), "award", f"{issuer}/{slug}", "--csv", str(cohort), "--key", key,
             "--out", str(base / "earners"), env=env)  # fmt: skip
        with (base / "earners" / "recipients.csv").open(newline="") as f:
            row = next(csv.DictReader(f))
        unpublished = json.loads(Path(row["award_file"]).read_text())
        for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "registry"]):
            git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
            subprocess.run([*git, *args], cwd=root, check=True, capture_output=True)
        site = build_site(root, base / "site", demo_log=True).out
        shutil.copytree(base / "site-data", store / "verify-data")
        with serve_dir(site, no_store=True) as site_url:
            yield Host(root, site, store / "verify-data", site_url, unpublished, behaviours)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def hostile(host: Host) -> Iterator[Host]:
    """The host, its behaviours cleared after each test."""
    yield host
    host.behaviours.clear()


def _shard_of(host: Host, digest: str) -> str:
    bits = json.loads((host.site / "verify" / "index.json").read_text())["shard_bits"]
    return f"shards/{shard_name(digest, bits)}.json.gz"


@functools.cache
def _valid_hashes() -> frozenset[str]:
    loaded = load_registry(REPO)
    assert loaded.registry is not None
    verifier = Verifier(loaded.registry)
    now = dt.datetime.now(dt.UTC)
    return frozenset(
        award_hash(award)
        for award in (json.loads(source.text) for source in iter_awards(REPO))
        if verifier.verify(award, now=now).verdict is Verdict.VALID
    )


def _a_lean_award(host: Host) -> str:
    """The hash of a valid award published with a lean entry (its template and achievement on the data host)."""
    valid = _valid_hashes()
    for path in sorted((host.data / "shards").glob("*.json.gz")):
        for digest, entry in read_gzip_json(path)["awards"].items():
            if "t" in entry and "log" in entry and "revocation" not in entry and digest in valid:
                return str(digest)
    raise AssertionError("no valid award with a lean entry")


def _verdict(page: Any, host: Host, digest: str, timeout: float = 20_000) -> tuple[str, str]:
    # From a blank page: the same address again only moves to the same fragment, and shows the last verdict.
    page.goto("about:blank")
    page.goto(f"{host.site_url}verify/#{digest}")
    page.wait_for_function(
        "() => { const v = document.getElementById('cr-verdict');"
        " return v && v.dataset.verdict && v.dataset.verdict !== 'checking'; }",
        timeout=timeout,
    )
    return str(page.get_attribute("#cr-verdict", "data-verdict")), page.inner_text("#cr-verdict")


#: Bytes the endless answer wrote before the page stopped reading it.
_written: list[int] = []


def _endless(handler: SimpleHTTPRequestHandler) -> None:
    """200, no length, bytes for ever (at most 256 MiB, so that a test that fails ends): a shard that never ends."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/gzip")
    handler.end_headers()
    chunk = b"\x1f\x8b" + bytes(64 * 1024 - 2)
    _written.append(0)
    for _ in range(4096):
        handler.wfile.write(chunk)
        _written[-1] += len(chunk)
        time.sleep(0.002)


def _trickle(handler: SimpleHTTPRequestHandler) -> None:
    """200, then a byte every half second, for a minute: a host (or a CDN) that never finishes its answer."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/gzip")
    handler.end_headers()
    for _ in range(120):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.5)


def _bomb(handler: SimpleHTTPRequestHandler) -> None:
    """A small answer that the browser itself inflates (Content-Encoding: gzip) to 64 MiB."""
    body = gzip.compress(b" " * (64 * 1024 * 1024), compresslevel=9)
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def test_an_endless_shard_ends_in_an_error_not_a_page_checking_for_ever(page: Any, hostile: Host) -> None:
    digest = _a_lean_award(hostile)
    hostile.behaviours[_shard_of(hostile, digest)] = _endless
    verdict, text = _verdict(page, hostile, digest)
    assert verdict == "error", text
    assert "larger than" in text, text
    assert _written[-1] < 32 * 1024 * 1024  # the page stopped reading at its bound, not at the host's end


def test_a_shard_never_finished_ends_in_an_error_within_the_time_bound(page: Any, hostile: Host) -> None:
    digest = _a_lean_award(hostile)
    hostile.behaviours[_shard_of(hostile, digest)] = _trickle
    started = time.monotonic()
    verdict, text = _verdict(page, hostile, digest, timeout=50_000)
    assert verdict == "error", text
    assert "not served whole within 30 s" in text, text
    assert time.monotonic() - started < 45


def test_a_decompression_bomb_is_read_no_further_than_the_bound(page: Any, hostile: Host) -> None:
    digest = _a_lean_award(hostile)
    hostile.behaviours[_shard_of(hostile, digest)] = _bomb
    verdict, text = _verdict(page, hostile, digest)
    assert verdict == "error", text
    assert "larger than" in text, text


def _gz(path: Path, change: Callable[[dict[str, Any]], None]) -> Behaviour:
    """A behaviour answering the JSON of ``path`` (a ``.json.gz`` or ``.json`` of the data folder) as changed."""
    doc = read_gzip_json(path) if path.name.endswith(".gz") else json.loads(path.read_text())
    change(doc)
    body = json.dumps(doc).encode()
    return _bytes(gzip.compress(body) if path.name.endswith(".gz") else body)


def _bytes(body: bytes, status: int = 200) -> Behaviour:
    def answer(handler: SimpleHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def _entry(host: Host, digest: str) -> dict[str, Any]:
    return dict(read_gzip_json(host.data / _shard_of(host, digest))["awards"][digest])


def _achievement_of(host: Host, digest: str) -> str:
    """The achievement file (relative) of a lean entry: the template's skeleton names its hash."""
    template = read_gzip_json(host.data / "templates" / f"{_entry(host, digest)['t']}.json.gz")
    return f"achievements/{template['award']['credentialSubject']['achievement']['$achievement']}.json"


def _template_of(host: Host, digest: str) -> str:
    return f"templates/{_entry(host, digest)['t']}.json.gz"


def _checks_when_done(page: Any) -> dict[str, tuple[str, str]]:
    page.wait_for_selector("#cr-checks li[data-check=log]", state="attached", timeout=20_000)
    page.wait_for_function(
        "() => { const li = document.querySelector('#cr-checks li[data-check=log]');"
        " return li && li.dataset.status && li.dataset.status !== 'checking'; }",
        timeout=20_000,
    )
    return dict(checks(page))


def test_the_untampered_award_is_valid_and_logged(page: Any, hostile: Host) -> None:
    """The baseline every tampering below is measured against."""
    digest = _a_lean_award(hostile)
    verdict, text = _verdict(page, hostile, digest)
    assert verdict == "valid", text
    assert _checks_when_done(page)["log"][0] == "passed"


def test_an_achievement_changed_on_the_data_host_is_never_shown_as_valid(page: Any, hostile: Host) -> None:
    digest = _a_lean_award(hostile)
    rel = _achievement_of(hostile, digest)

    def rename(doc: dict[str, Any]) -> None:
        doc["name"] = "Doctor of Everything"
        doc.setdefault("criteria", {})["narrative"] = "none"

    hostile.behaviours[rel] = _gz(hostile.data / rel, rename)
    verdict, text = _verdict(page, hostile, digest)
    assert verdict != "valid", text
    assert checks(page)["hash"][0] == "failed"


@pytest.mark.parametrize(
    "field_name",
    ["issuer", "credential"],
)
def test_a_template_field_outside_the_award_changed_on_the_data_host_proves_nothing(
    page: Any, hostile: Host, field_name: str
) -> None:
    """A template's ``issuer`` and ``credential`` are not part of the award its hash covers: the page names the
    award's credential from the award itself, and the issuer only enters the log entry's text, whose proof then
    fails; never a pass for another issuer's entry, never another credential's name."""
    digest = _a_lean_award(hostile)
    rel = _template_of(hostile, digest)
    other = {"issuer": "another-issuer", "credential": "another-credential"}[field_name]
    hostile.behaviours[rel] = _gz(hostile.data / rel, lambda doc: doc.__setitem__(field_name, other))
    verdict, text = _verdict(page, hostile, digest)
    found = _checks_when_done(page)
    assert "another" not in page.inner_text("#cr-result")
    if field_name == "issuer":
        assert found["log"][0] == "failed", found["log"]
    else:
        assert verdict == "valid", text
        assert found["log"][0] == "passed", found["log"]


def test_a_shard_with_the_entry_written_twice_is_refused(page: Any, hostile: Host) -> None:
    """Duplicate keys: the page never picks one of two entries (strict JSON, as credreg reads it)."""
    digest = _a_lean_award(hostile)
    rel = _shard_of(hostile, digest)
    entry = json.dumps(_entry(hostile, digest))
    text = json.dumps(read_gzip_json(hostile.data / rel))
    twice = text.replace(f'"{digest}": ', f'"{digest}": {entry}, "{digest}": ', 1)
    hostile.behaviours[rel] = _bytes(gzip.compress(twice.encode()))
    verdict, shown = _verdict(page, hostile, digest)
    assert verdict == "error", shown


@pytest.mark.parametrize("status", [403, 500, 302])
def test_a_host_error_is_never_read_as_no_award_with_this_hash(page: Any, hostile: Host, status: int) -> None:
    """Only a 404 means "no award has this hash" (docs/hosting.md): a 403 from a bucket without ListBucket, a 500,
    a redirect without a target, are errors."""
    digest = _a_lean_award(hostile)
    hostile.behaviours[_shard_of(hostile, digest)] = _bytes(b"denied", status)
    verdict, text = _verdict(page, hostile, digest)
    assert verdict == "error", text


def test_a_shard_with_a_byte_order_mark_is_refused(page: Any, hostile: Host) -> None:
    digest = _a_lean_award(hostile)
    rel = _shard_of(hostile, digest)
    body = b"\xef\xbb\xbf" + json.dumps(read_gzip_json(hostile.data / rel)).encode()
    hostile.behaviours[rel] = _bytes(gzip.compress(body))
    verdict, text = _verdict(page, hostile, digest)
    assert verdict == "error", text


def test_a_stale_shard_without_the_revocation_does_not_take_it_back(page: Any, hostile: Host) -> None:
    """A CDN serving the shard from before the issuer revoked the award (no ``revocation`` in its entry): not the
    shard the site published, refused (and the status list, on the site, would still say revoked). (It read
    "revoked" before too, but only because the second look at the same address showed the first verdict.)"""
    revoked = [
        (path, digest)
        for path in sorted((hostile.data / "shards").glob("*.json.gz"))
        for digest, entry in read_gzip_json(path)["awards"].items()
        if "revocation" in entry
    ]
    assert revoked
    path, digest = revoked[0]
    rel = f"shards/{path.name}"
    verdict, _ = _verdict(page, hostile, digest)
    assert verdict == "revoked"
    hostile.behaviours[rel] = _gz(path, lambda doc: doc["awards"][digest].pop("revocation"))
    verdict, text = _verdict(page, hostile, digest)
    assert verdict == "error", text
    assert "is not the one the site published" in text, text


def test_a_tile_changed_on_the_data_host_fails_the_log_check_never_passes_it(page: Any, hostile: Host) -> None:
    digest = _a_lean_award(hostile)
    tiles = sorted(p for p in (hostile.data / "log" / "tile").rglob("*") if p.is_file() and "entries" not in p.parts)
    for tile in tiles:
        data = bytearray(tile.read_bytes())
        data[0] ^= 1
        hostile.behaviours[tile.relative_to(hostile.data).as_posix()] = _bytes(bytes(data))
    _verdict(page, hostile, digest)
    assert _checks_when_done(page)["log"][0] != "passed"


@pytest.mark.parametrize("swap", ["entry", "template", "achievement"])
def test_another_genuine_file_in_its_place_is_never_shown_as_this_award(page: Any, hostile: Host, swap: str) -> None:
    """A host (or a stale or half-synced copy) answering with another genuine file of the registry: the entry of
    another award under this hash, another template shared by many awards, another achievement (an older version
    of a credential's). Every one is the registry's own signed data, and none makes this hash valid."""
    digest = _a_lean_award(hostile)
    entry = _entry(hostile, digest)
    others = [
        (d, e)
        for path in sorted((hostile.data / "shards").glob("*.json.gz"))
        for d, e in read_gzip_json(path)["awards"].items()
        if d != digest and "t" in e
    ]
    if swap == "entry":
        other = others[0][1]
        rel = _shard_of(hostile, digest)
        hostile.behaviours[rel] = _gz(hostile.data / rel, lambda doc: doc["awards"].__setitem__(digest, other))
    elif swap == "template":
        template = next(e["t"] for _, e in others if e["t"] != entry["t"])
        body = (hostile.data / "templates" / f"{template}.json.gz").read_bytes()
        hostile.behaviours[_template_of(hostile, digest)] = _bytes(body)
    else:
        mine = _achievement_of(hostile, digest)
        another = next(p for p in sorted((hostile.data / "achievements").glob("*.json")) if p.name not in mine)
        hostile.behaviours[mine] = _bytes(another.read_bytes())
    verdict, text = _verdict(page, hostile, digest)
    assert verdict != "valid", text
    if verdict != "error":  # rebuilt, then found not to be this award
        assert checks(page)["hash"][0] == "failed"


def _encoded(path: Path) -> Behaviour:
    """``path`` served as an S3 object uploaded with ``Content-Encoding: gzip`` metadata is: its bytes gzipped, and
    that header sent whatever the client asked (S3 does not read Accept-Encoding). A browser undoes it."""
    body = gzip.compress(path.read_bytes())

    def answer(handler: SimpleHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def _cli_log_check(host: Host, digest: str) -> str:
    """``credreg verify HASH --log SITE_URL``: the same two hosts the page read, read by credreg."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "verify",
            digest,
            "--root",
            str(host.root),
            "--log",
            f"{host.site_url}log/",
            "--log-key",
            str(host.site / "log" / "demo-vkey"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
    )
    return done.stdout + done.stderr


@pytest.mark.parametrize("encoded", ["tiles", "shard and template", "all"])
def test_page_and_credreg_read_a_content_encoded_data_host_alike(page: Any, hostile: Host, encoded: str) -> None:
    """One reading of a served file, the page's and credreg's: the body after its Content-Encoding is undone (what a
    browser hands the page). A bucket that sends every file with ``Content-Encoding: gzip`` (its metadata, on the
    stored tiles, shards gzipped twice) had the page find the award logged and credreg verify say its tiles "do not
    check out"."""
    digest = _a_lean_award(hostile)
    lookup = (_shard_of(hostile, digest), _template_of(hostile, digest))
    for path in (p for p in hostile.data.rglob("*") if p.is_file()):
        rel = path.relative_to(hostile.data).as_posix()
        if {"tiles": rel.startswith("log/"), "shard and template": rel in lookup, "all": True}[encoded]:
            hostile.behaviours[rel] = _encoded(path)
    verdict, text = _verdict(page, hostile, digest)
    assert verdict == "valid", text
    assert _checks_when_done(page)["log"][0] == "passed"
    said = _cli_log_check(hostile, digest)
    assert "recorded in the public log as entry" in said.lower(), said


def _award_document(digest: str) -> dict[str, Any]:
    return next(doc for doc in (json.loads(s.text) for s in iter_awards(REPO)) if award_hash(doc) == digest)


def _pasted(page: Any, host: Host, text: str) -> tuple[str, str]:
    """The verdict on a file pasted into a fresh verification page, and the verdict box's text."""
    page.goto(f"{host.site_url}verify/")
    ready(page)
    if page.get_attribute("#cr-file-section", "open") is None:
        page.click("#cr-file-section summary")
    page.fill("#cr-json", text)
    page.click("#cr-json-form button[type=submit]")
    page.wait_for_function(
        "() => { const v = document.getElementById('cr-verdict');"
        " return v && v.dataset.verdict && v.dataset.verdict !== 'checking'; }",
        timeout=20_000,
    )
    return str(page.get_attribute("#cr-verdict", "data-verdict")), page.inner_text("#cr-verdict")


def _given(page: Any, host: Host, text: str) -> str:
    """The verdict on a file pasted into the page, once its log check is done too."""
    _pasted(page, host, text)
    _checks_when_done(page)
    return str(page.get_attribute("#cr-verdict", "data-verdict"))


@pytest.mark.parametrize("entry_award", ["the file itself", "another award", "nothing"])
def test_an_entry_planted_under_a_changed_file_s_hash_does_not_register_it(
    page: Any, hostile: Host, entry_award: str
) -> None:
    """A file given to the page is "registered here" when the registry publishes an entry under its hash; the entry
    was taken on its word, its award never compared with the file. So a data host that planted one (another award,
    an empty one) under the hash of a genuine award whose eddsa-rdfc-2022 proof had been changed (its eddsa-jcs-2022
    one still the issuer's) had the page say "Registered here: yes" and the proof "verified by the registry's check
    before this exact award was published", never checking it: the award the page finds invalid without the
    planted entry. Now the entry counts only if it publishes this very file.

    Now the site also commits to every shard: a shard with an entry planted is not the one the site published, an
    error before any check (docs/hosting.md)."""
    from tests.browser.test_verify_page import _altered_r

    digest = _a_lean_award(hostile)
    award = _award_document(digest)
    for proof in award["proof"]:
        if proof["cryptosuite"] == "eddsa-rdfc-2022":
            proof["proofValue"] = _altered_r(proof["proofValue"])
    changed = award_hash(award)
    rel = _shard_of(hostile, changed)
    planted: dict[str, Any] = {
        "the file itself": {"award": award},
        "another award": {"award": _award_document(digest)},
        "nothing": {"award": {}},
    }[entry_award]
    path = hostile.data / rel
    shard = read_gzip_json(path) if path.exists() else {"awards": {}}
    shard["awards"][changed] = planted
    hostile.behaviours[rel] = _bytes(gzip.compress(json.dumps(shard).encode()))
    # The shard is no longer the one the site published (docs/hosting.md): the page refuses it, before any check.
    verdict, text = _pasted(page, hostile, json.dumps(award))
    assert verdict == "error", text
    assert "is not the one the site published" in text, text


class _Recording(SimpleHTTPRequestHandler):
    """Another registry's site and data host: records every request, answers each with a verification index naming
    itself as the data host (what a hostile site would serve, had anything asked it)."""

    asked: list[str]

    def do_GET(self) -> None:
        self.asked.append(self.path)
        base = f"http://127.0.0.1:{self.server.server_address[1]}/"
        body = json.dumps({"shard_bits": 1, "issuers": {}, "site_url": base, "data_url": base}).encode()
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_link_naming_another_site_is_checked_against_this_registry_only(page: Any, hostile: Host) -> None:
    """A verification link or QR code names a site; the page and credreg verify read only its hash (and the
    earner's key after ~), and look it up in this registry, from this site's own data: another site's address, or
    a data address in its query, is never fetched, so another site's data never speaks under this registry's name."""
    asked: list[str] = []
    other = ThreadingHTTPServer(("127.0.0.1", 0), type("Other", (_Recording,), {"asked": asked}))
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        there = f"http://127.0.0.1:{other.server_address[1]}/"
        digest = _a_lean_award(hostile)
        page.goto(f"{hostile.site_url}verify/")
        ready(page)
        unknown = "ab" * 32
        for link, verdict, fragment in (
            (f"{there}verify/#{digest}", "valid", digest),
            (f"{there}verify/#{unknown}", "unknown", unknown),
            (f"{there}verify/?data_url={there}&site_url={there}#{digest}", "valid", digest),
        ):
            page.fill("#cr-hash", link)
            page.press("#cr-hash", "Enter")
            page.wait_for_url(f"{hostile.site_url}verify/#{fragment}", timeout=10_000)
            # Awaited until it is this verdict, not read once settled: the last link's verdict ("valid") stays
            # on the page until this lookup's "checking" replaces it, and under load that can come after a
            # check for "settled" has already passed.
            try:
                page.wait_for_function(
                    "want => document.getElementById('cr-verdict')?.dataset.verdict === want",
                    arg=verdict,
                    timeout=20_000,
                )
            except Exception:
                pytest.fail(
                    f"{link}: the page said {page.get_attribute('#cr-verdict', 'data-verdict')!r}, not {verdict!r}"
                )
        said = subprocess.run(
            [sys.executable, "-m", "generator", "verify", f"{there}verify/#{digest}", "--root", str(hostile.root)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
        ).stdout
        assert "verdict: VALID" in said, said
        assert asked == []
    finally:
        other.shutdown()
        other.server_close()


@pytest.mark.parametrize("added", ["fields beside the award", "an unsigned revocation"])
def test_nothing_a_data_host_adds_beside_the_award_is_shown(page: Any, hostile: Host, added: str) -> None:
    """What the result page shows of an award found by its hash (credential, issuer and its link, dates, criteria,
    evidence, results, image, the status's reason and date) is read from the award its hash covers, its achievement
    by that achievement's hash, and a revocation's words only from a line its issuer signed: a shard entry's or a
    template's other fields (a name, an issuer's name, an image) and a revocation nobody signed are never shown."""
    marker = "Doctor-of-Everything"
    digest = _a_lean_award(hostile)
    shard, template = _shard_of(hostile, digest), _template_of(hostile, digest)
    if added == "fields beside the award":
        beside = {"name": marker, "issuerName": marker, "image": f"https://evil.example/{marker}.png"}
        hostile.behaviours[template] = _gz(hostile.data / template, lambda doc: doc.update(beside))
        verdict, text = _verdict(page, hostile, digest)
        found = _checks_when_done(page)
        assert marker not in page.inner_text("body") + page.inner_html("#cr-result")
        assert verdict == "valid", text
        assert found["log"][0] == "passed", found["log"]
        # The same fields beside the entry in the shard: a shard the site did not publish, refused whole.
        hostile.behaviours[shard] = _gz(hostile.data / shard, lambda doc: doc["awards"][digest].update(beside))
    else:
        line = {"award": digest, "revoked": "2026-01-01T00:00:00Z", "reason": marker}
        hostile.behaviours[shard] = _gz(
            hostile.data / shard, lambda doc: doc["awards"][digest].__setitem__("revocation", line)
        )
    verdict, text = _verdict(page, hostile, digest)
    assert marker not in page.inner_text("body") + page.inner_html("#cr-result")
    assert verdict == "error", text
    assert "is not the one the site published" in text, text


def _redirect(to: str) -> Behaviour:
    def answer(handler: SimpleHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", to)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


@pytest.mark.parametrize("where", ["this host", "another host"])
def test_page_and_credreg_follow_a_data_host_s_redirect_alike(page: Any, hostile: Host, where: str) -> None:
    """A redirect to another path of the data host is followed by both; one to another host (the same files there)
    is an error to the page, whose Content-Security-Policy names the data host only, and credreg verify followed it
    and found the award logged: now neither reads it."""
    digest = _a_lean_award(hostile)
    tiles = [p for p in (hostile.data / "log" / "tile").rglob("*") if p.is_file()]
    with serve_dir(hostile.data.parent) as elsewhere:
        for tile in tiles:
            rel = tile.relative_to(hostile.data).as_posix()
            moved = f"moved/{rel}"
            if where == "this host":
                (hostile.data / moved).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(tile, hostile.data / moved)
                hostile.behaviours[rel] = _redirect(f"/verify-data/{moved}")
            else:
                hostile.behaviours[rel] = _redirect(f"{elsewhere}verify-data/{rel}")
        try:
            _, text = _verdict(page, hostile, digest)
            logged = _checks_when_done(page)["log"][0] == "passed"
            assert (page.get_attribute("#cr-verdict", "data-verdict") == "valid") is logged, text
            said = _cli_log_check(hostile, digest)
        finally:
            shutil.rmtree(hostile.data / "moved", ignore_errors=True)
    assert logged is (where == "this host")
    assert ("recorded in the public log as entry" in said.lower()) is logged, said


def _planted(host: Host, award: dict[str, Any]) -> tuple[str, str]:
    """Have the data host add ``award`` whole, under its own hash, to the shard its hash names (made if the site
    has no such shard): (its hash, the shard)."""
    digest = award_hash(award)
    rel = _shard_of(host, digest)
    path = host.data / rel
    shard = read_gzip_json(path) if path.exists() else {"shard": rel, "awards": {}}
    entry = {"issuer": "northbridge-university", "credential": award["credentialSubject"]["achievement"]["id"]}
    shard["awards"][digest] = {**entry, "award": award}
    host.behaviours[rel] = _bytes(gzip.compress(json.dumps(shard).encode()))
    return digest, rel


def test_an_unpublished_award_its_issuer_signed_is_not_registered_when_the_data_host_adds_it(
    page: Any, hostile: Host
) -> None:
    """docs/hosting.md: the site commits to every shard. An award a registered key signed that the registry never
    published, added whole by the data host under its own hash, read as registered (valid, but for the log check):
    only a public log told. Now the shard is not the one the site published: an error, by hash and by file."""
    award = hostile.unpublished
    assert award_hash(award) not in _valid_hashes()
    digest, _ = _planted(hostile, award)
    verdict, text = _verdict(page, hostile, digest)
    assert verdict == "error", text
    assert "is not the one the site published" in text, text
    verdict, text = _pasted(page, hostile, json.dumps(award))
    assert verdict not in ("valid", "registered"), text
    assert "registered here" not in text.lower() or verdict == "error"


def test_the_unpublished_award_untouched_is_not_registered(page: Any, hostile: Host) -> None:
    """The baseline: without the data host's help, the signed but unpublished award is found in no shard."""
    verdict, text = _verdict(page, hostile, award_hash(hostile.unpublished))
    assert verdict not in ("valid", "error"), text


def test_a_shard_the_site_lists_answered_404_is_withheld_not_absent(page: Any, hostile: Host) -> None:
    """Only a shard the site does not list means no award has this hash; one it lists that the data host answers
    404 for is the data host withholding it, and the page says so. credreg verify --log reads it alike."""
    digest = _a_lean_award(hostile)
    hostile.behaviours[_shard_of(hostile, digest)] = _bytes(b"gone", 404)
    verdict, text = _verdict(page, hostile, digest)
    assert verdict == "error", text
    assert "withheld by the data host" in text, text
    said = _cli_log_check(hostile, digest)
    assert "withheld by the data host" in said, said
