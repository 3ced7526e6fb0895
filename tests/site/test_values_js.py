"""The value rules both verifiers apply, run in Node against the Python module that owns each rule.

* date-times: ``parseTime`` (``policies.js``) against :func:`generator._internal.times.parse_time`, over
  generated strings near and inside the grammar;
* status lists: ``decodeList``/``parseIndex``/``parseListUrl`` (``statuslist.js``) against
  :mod:`generator.statuslist`, including non-canonical GZIP (trailing bytes, two members, header fields);
* verdicts on signed awards whose values only one side used to accept (an impossible ``validUntil``, an offset of
  ``+99:00``, a status index beyond the list), through both verifiers with ``tests/site/test_verify_js.py``'s
  harness.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator import statuslist
from generator._internal.times import parse_time
from generator.crypto.multibase import multibase_encode
from generator.errors import CryptoError
from tests.site.test_verify_js import ASSETS, NODE

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

RUNNER = r"""
import { createInterface } from "node:readline";
import { parseTime } from "./verify/policies.js";
import { decodeList, parseIndex, parseListUrl, StatusListError } from "./verify/statuslist.js";

async function handle(req) {
  if (req.op === "time") return { value: parseTime(req.text) };
  if (req.op === "index") return { value: parseIndex(req.value) };
  if (req.op === "url") return { value: parseListUrl(req.site, req.url) };
  if (req.op === "decode") {
    try { return { ok: true, bits: Buffer.from(await decodeList(req.text)).toString("hex") }; }
    catch (error) {
      if (error instanceof StatusListError) return { ok: false, error: error.message };
      throw error;
    }
  }
  throw new Error(`unknown op ${req.op}`);
}

for await (const line of createInterface({ input: process.stdin })) {
  let reply;
  try { reply = await handle(JSON.parse(line)); }
  catch (error) { reply = { error: String(error && error.stack || error) }; }
  process.stdout.write(JSON.stringify(reply) + "\n");
}
"""


class Values:
    def __init__(self, workdir: Path) -> None:
        shutil.copytree(ASSETS, workdir / "verify")
        (workdir / "package.json").write_text('{"type": "module"}\n')
        (workdir / "runner.js").write_text(RUNNER)
        assert NODE is not None
        self.proc = subprocess.Popen(
            [NODE, "runner.js"], cwd=workdir, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )

    def ask(self, **request: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        reply: dict[str, Any] = json.loads(self.proc.stdout.readline())
        assert "error" not in reply or "ok" in reply, reply.get("error")
        return reply


@pytest.fixture(scope="module")
def values(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Values]:
    runner = Values(tmp_path_factory.mktemp("values-js"))
    yield runner
    assert runner.proc.stdin is not None
    runner.proc.stdin.close()
    runner.proc.wait(timeout=10)


# --- date-times ------------------------------------------------------------------------------------------------


def _millis(value: str) -> int | None:
    parsed = parse_time(value)
    return None if parsed is None else (parsed - EPOCH) // dt.timedelta(milliseconds=1)


def _two(lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.integers(lo, hi).map(lambda n: f"{n:02d}")


# Mostly well-shaped strings with out-of-range parts, so both calendars and offsets are exercised.
shaped_times = st.builds(
    lambda y, mo, d, h, mi, s, frac, zone: f"{y}-{mo}-{d}T{h}:{mi}:{s}{frac}{zone}",
    st.integers(0, 9999).map(lambda n: f"{n:04d}") | st.sampled_from(["0000", "0001", "9999", "1900", "2000", "2100"]),
    _two(0, 13),
    _two(0, 32),
    _two(0, 25),
    _two(0, 61),
    _two(0, 61),
    st.sampled_from(["", ".5", ".123", ".1234567", ".", ".000000000001"]),
    st.sampled_from(["Z", "z", "", "+00:00", "-00:00", "+14:00", "-14:00", "+14:01", "+13:59", "+99:00", "+05:60"])
    | st.builds(lambda sign, h, m: f"{sign}{h}:{m}", st.sampled_from("+-"), _two(0, 24), _two(0, 60)),
)


@settings(max_examples=1500, deadline=None)
@given(text=shaped_times | st.text(max_size=40) | st.text(alphabet="0123456789-T:Z+.²٣ t", max_size=30))
@example(text="2026-02-30T00:00:00Z")
@example(text="2024-02-29T00:00:00Z")
@example(text="2025-02-29T00:00:00Z")
@example(text="2100-02-29T00:00:00Z")
@example(text="2030-01-01T00:00:00+99:00")
@example(text="0001-01-01T00:00:00+00:01")
@example(text="9999-12-31T23:59:59-00:01")
@example(text="0099-01-01T00:00:00Z")
@example(text="2025-01-01 00:00:00Z")
@example(text="2025-01-01T00:00:00")
@example(text="2025-01-01T24:00:00Z")
@example(text="2016-12-31T23:59:60Z")
@example(text="２０２５-01-01T00:00:00Z")
@example(text="1969-12-31T23:59:59.9995Z")
def test_python_and_the_browser_read_every_date_time_alike(values: Values, text: str) -> None:
    assert values.ask(op="time", text=text)["value"] == _millis(text), text


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("2026-02-28T23:59:59Z", True),
        ("2026-02-30T00:00:00Z", False),
        ("2024-02-29T12:00:00+14:00", True),
        ("2030-01-01T00:00:00+99:00", False),
        ("2030-01-01T00:00:00+15:00", False),
        ("2030-01-01T00:00:00", False),
        ("2030-01-01t00:00:00z", False),
        ("2030-01-01T00:00:00.123456789Z", True),
        ("-2030-01-01T00:00:00Z", False),
        ("12030-01-01T00:00:00Z", False),
        ("2030-01-01T00:00:00Z" + " ", False),
    ],
)
def test_the_date_time_grammar(text: str, ok: bool) -> None:
    assert (parse_time(text) is not None) is ok


# --- status lists ----------------------------------------------------------------------------------------------


def _gzip_member(data: bytes, *, flags: int = 0, extra: bytes = b"") -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = compressor.compress(data) + compressor.flush()
    header = b"\x1f\x8b\x08" + bytes([flags]) + b"\x00\x00\x00\x00\x02\xff" + extra
    return header + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def _encoded(raw: bytes) -> str:
    return multibase_encode(raw, "base64url")


BITS = bytes(statuslist.MIN_BITS // 8)
SET = bytearray(BITS)
SET[3] = 0x10

GZIP_CASES: dict[str, tuple[bytes, bool]] = {
    "canonical": (gzip.compress(bytes(SET), mtime=0), True),
    "own member": (_gzip_member(bytes(SET)), True),
    "trailing zero bytes": (gzip.compress(BITS, mtime=0) + b"\x00\x00", False),
    "trailing garbage": (gzip.compress(BITS, mtime=0) + b"junk", False),
    "two members": (gzip.compress(BITS[:8000], mtime=0) + gzip.compress(BITS[8000:], mtime=0), False),
    "file name field": (_gzip_member(BITS, flags=0x08, extra=b"name\x00"), False),
    "header crc": (_gzip_member(BITS, flags=0x02, extra=b"\x00\x00"), False),
    "wrong crc": (gzip.compress(BITS, mtime=0)[:-8] + struct.pack("<II", 1, len(BITS)), False),
    "wrong size": (gzip.compress(BITS, mtime=0)[:-4] + struct.pack("<I", len(BITS) + 1), False),
    "truncated": (gzip.compress(BITS, mtime=0)[:-3], False),
    "zlib, not gzip": (zlib.compress(BITS), False),
    "too few bits": (gzip.compress(bytes(100), mtime=0), False),
    "not compressed": (BITS, False),
}


def _python_decodes(encoded: str) -> str | None:
    try:
        return statuslist.decode_list(encoded).hex()
    except CryptoError:
        return None


@pytest.mark.parametrize("name", sorted(GZIP_CASES))
def test_python_and_the_browser_decode_the_same_status_lists(values: Values, name: str) -> None:
    raw, ok = GZIP_CASES[name]
    encoded = _encoded(raw)
    python = _python_decodes(encoded)
    reply = values.ask(op="decode", text=encoded)
    assert (python is not None) is ok, name
    assert reply["ok"] is ok, (name, reply)
    if ok:
        assert reply["bits"] == python


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tail=st.binary(min_size=1, max_size=16), cut=st.integers(0, 40))
def test_any_change_to_the_gzip_framing_is_refused_by_both(values: Values, tail: bytes, cut: int) -> None:
    raw = gzip.compress(bytes(SET), mtime=0)
    for mutated in (raw + tail, raw[: len(raw) - cut] + tail if cut else raw + tail):
        encoded = _encoded(mutated)
        python = _python_decodes(encoded)
        reply = values.ask(op="decode", text=encoded)
        assert reply["ok"] is (python is not None), mutated[-24:].hex()
        if python is not None:
            assert reply["bits"] == python


INDEXES = ["0", "1", "131071", "131072", "01", "-1", "+1", " 1", "1 ", "1.0", "1e3", "", "²", "١٢", "１", "0x10"]


@pytest.mark.parametrize("value", [*INDEXES, 5, None, ["1"], str(2**70), "9" * 400])
def test_python_and_the_browser_read_status_indexes_alike(values: Values, value: Any) -> None:
    assert values.ask(op="index", value=value)["value"] == statuslist.parse_index(value)


SITE = "https://registry.example/"


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}issuers/acme/status/1.json",
        f"{SITE}issuers/acme/status/65535.json",
        f"{SITE}issuers/acme/status/65536.json",
        f"{SITE}issuers/acme/status/0.json",
        f"{SITE}issuers/acme/status/01.json",
        f"{SITE}issuers/acme/status/².json",
        f"{SITE}issuers/acme/status/١.json",
        f"{SITE}issuers/acme/status/1.json?x",
        f"{SITE}issuers/acme/status/1.json#x",
        f"{SITE}issuers/acme/x/status/1.json",
        f"{SITE}issuers/../status/1.json",
        f"{SITE}issuers/acme/status/1.JSON",
        "https://elsewhere.example/issuers/acme/status/1.json",
        f"{SITE}issuers/acme/status/{'9' * 5000}.json",
    ],
)
def test_python_and_the_browser_read_status_list_urls_alike(values: Values, url: str) -> None:
    expected = statuslist.parse_list_url(SITE, url)
    assert values.ask(op="url", site=SITE, url=url)["value"] == (list(expected) if expected else None)
