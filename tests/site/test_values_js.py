# ruff: noqa: F811
"""The value rules both verifiers apply, run in Node against the Python module that owns each rule.

* date-times: ``parseTime`` (``policies.js``) against :func:`generator._internal.times.parse_time`, over
  generated strings near and inside the grammar, and ``validityWindowProblem`` against
  :func:`~generator._internal.times.validity_window_problem` over pairs of nearby instants in several offsets;
* status lists: ``decodeList``/``parseIndex``/``parseListUrl`` (``statuslist.js``) against
  :mod:`generator.statuslist`, including non-canonical GZIP (trailing bytes, two members, header fields);
* verdicts on signed awards whose values only one side used to accept (an impossible ``validUntil``, an offset of
  ``+99:00``, a status index beyond the list), through both verifiers with ``tests/site/test_verify_js.py``'s
  harness.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import gzip
import json
import re
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from generator import statuslist
from generator._internal import source
from generator._internal.times import parse_time, published_time_problem, validity_window_problem
from generator.awarding.issue import evidence_problem
from generator.awarding.revoke import revoke_award
from generator.awarding.signing import sign_document
from generator.awards import award_filename, award_hash, render_award
from generator.check import CheckOptions, run_check
from generator.crypto import ed25519
from generator.crypto.dataintegrity import hash_data
from generator.crypto.multibase import b58encode, multibase_encode
from generator.errors import CryptoError, UsageError
from generator.load import load_registry
from generator.models import PublicKey
from generator.models.award import MAX_EVIDENCE_URL, _as_read, _no_recipient_data
from generator.publish.verifydata import key_record
from generator.verify import Verifier
from generator.verify.keys import window_problem
from generator.verify.policies import valid_from_before_key
from tests.conftest import Signer, set_at
from tests.models.test_models import (
    HEAVY_EVIDENCE,
    HIDDEN_ADDRESSES,
    HIDDEN_PHONES,
    NAMES_NOBODY,
    REALISTIC_EVIDENCE,
)

# The harness's Node verifier and signed scenarios, as fixtures (their parameters shadow these names: F811).
from tests.site.node_runner import NODE, NodeRunner
from tests.site.test_verify_js import (  # noqa: F401
    NOW,
    Node,
    _ask,
    assert_agrees,
    node,
    publish,
    scenarios,
)

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

RUNNER = r"""
import { createInterface } from "node:readline";
import {
  asRead, parseTime, profileProblems, publishedTimeProblem, recipientDataProblem, validFromBeforeKey,
  validityWindowProblem, windowProblem,
} from "./verify/policies.js";
import { decodeList, parseIndex, parseListUrl, StatusListError } from "./verify/statuslist.js";
import { tooDeep } from "./verify/verifier.js";

async function handle(req) {
  if (req.op === "time") return { value: parseTime(req.text) };
  if (req.op === "published") return { value: publishedTimeProblem(req.text) };
  if (req.op === "window") return { value: validityWindowProblem(req.start, req.until, req.same) };
  if (req.op === "key window") return { value: windowProblem(req.record, req.when) };
  if (req.op === "key start") return { value: validFromBeforeKey({ validFrom: req.when }, req.record) };
  if (req.op === "deep") return { value: tooDeep(req.text) };
  if (req.op === "read") return { value: asRead(req.text) };
  if (req.op === "recipient") return { value: recipientDataProblem(req.text) };
  if (req.op === "evidence") {
    const doc = { evidence: [{ id: req.url, type: ["Evidence"] }] };
    return { value: profileProblems(doc, ["a", "b"]).filter((p) => p.startsWith("evidence.")) };
  }
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


class Values(NodeRunner):
    def __init__(self, workdir: Path) -> None:
        super().__init__(workdir, RUNNER)

    def error_of(self, reply: dict[str, Any]) -> str | None:
        return str(reply["error"]) if "error" in reply and "ok" not in reply else None


@pytest.fixture(scope="module")
def values(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Values]:
    runner = Values(tmp_path_factory.mktemp("values-js"))
    yield runner
    runner.close()


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


@settings(max_examples=600, deadline=None)
@given(text=shaped_times | st.text(alphabet="0123456789-T:Z+.²٣ tz\n", max_size=24))
@example(text="2016-12-31T23:59:60Z")
@example(text="2025-01-01T24:00:00Z")
@example(text="0000-01-01T00:00:00Z")
@example(text="2025-01-01t00:00:00z")
@example(text="2025-01-01T00:00:00Z\n")
@example(text="２０２５-01-01T00:00:00Z")
def test_python_and_the_browser_hold_an_award_s_times_to_one_form_alike(values: Values, text: str) -> None:
    """published_time_problem and policies.js publishedTimeProblem, with the date-time rule each applies first:
    the same verdict and words for every string (a leap second, 24:00, year 0000, lowercase t/z among them)."""
    expected = "no date-time" if parse_time(text) is None else published_time_problem(text)
    read = values.ask(op="time", text=text)["value"]
    said = "no date-time" if read is None else values.ask(op="published", text=text)["value"]
    assert said == expected, text


_BASE = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)


def _written(micros: int, zone_minutes: int, digits: int) -> str:
    """The instant ``micros`` after 2025-03-01T12:00Z, written in another offset, with ``digits`` fraction digits
    (beyond the sixth: digits both parsers ignore)."""
    zone = dt.timezone(dt.timedelta(minutes=zone_minutes))
    at = (_BASE + dt.timedelta(microseconds=micros)).astimezone(zone)
    fraction = f"{at.microsecond:06d}987"[:digits]
    offset = "Z" if zone_minutes == 0 else f"{at:%z}"[:3] + ":" + f"{at:%z}"[3:]
    return f"{at:%Y-%m-%dT%H:%M:%S}" + (f".{fraction}" if digits else "") + offset


nearby_times = st.builds(
    _written,
    st.sampled_from([0, 1, -1, 999, 1000, 1001, -1000, 1_000_000, -1_000_000]) | st.integers(-3_000_000, 3_000_000),
    st.sampled_from([0, 60, -300, 330, 840, -840]),
    st.integers(0, 9),
)


#: What HTML character references are made of, for the differential of _as_read.
REFERENCE_PARTS = ["&#", "&#x", "64", "40", "126", "0", ";", "&amp;", "&commat;", "&tilde;", "%26", "%23", "a"]


@settings(max_examples=800, deadline=None)
@given(start=nearby_times, until=nearby_times | st.none() | st.just("2025-02-30T00:00:00Z"), same=st.booleans())
@example(start="2025-03-01T12:00:00Z", until="2025-03-01T12:59:59+01:00", same=False)  # earlier, though later as text
@example(start="2025-03-01T12:00:00Z", until="2025-03-01T13:00:00+01:00", same=True)
@example(start="2025-03-01T12:00:00.0001Z", until="2025-03-01T12:00:00.0002Z", same=False)  # within one millisecond
@example(start="2025-03-01T12:00:00.0002Z", until="2025-03-01T12:00:00.0001Z", same=True)
def test_python_and_the_browser_judge_every_validity_window_alike(
    values: Values, start: str, until: str | None, same: bool
) -> None:
    expected = validity_window_problem(start, until, same_allowed=same)
    assert values.ask(op="window", start=start, until=until, same=same)["value"] == expected, (start, until)


@pytest.mark.parametrize(
    ("start", "until", "same", "ok"),
    [
        ("2025-03-01T12:00:00Z", "2025-03-01T12:00:01Z", False, True),
        ("2025-03-01T12:00:00Z", "2025-03-01T12:00:00Z", False, False),  # one instant: refused by the profile
        ("2025-03-01T12:00:00Z", "2025-03-01T13:00:00+01:00", True, True),  # ... allowed by VC 2.0
        ("2025-03-01T12:00:00Z", "2025-03-01T12:59:59+01:00", True, False),
        ("2025-03-01T12:00:00Z", "2025-03-01T07:00:00.000001-05:00", False, True),
        ("2025-03-01T12:00:00Z", None, False, True),
        ("2025-03-01T12:00:00Z", "2025-02-30T00:00:00Z", False, True),  # unreadable: the date-time rule's to say
    ],
)
def test_the_validity_window_rule(start: str, until: str | None, same: bool, ok: bool) -> None:
    assert (validity_window_problem(start, until, same_allowed=same) is None) is ok


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
        # Instants outside years 1-9999 in UTC, and the edges just inside.
        ("0001-01-01T00:00:00+00:01", False),
        ("9999-12-31T23:59:59-00:01", False),
        ("0001-01-01T00:00:00Z", True),
        ("0001-01-01T00:01:00+00:01", True),
        ("9999-12-31T23:59:59Z", True),
        ("9999-12-31T23:59:59+14:00", True),
    ],
)
def test_the_date_time_grammar(text: str, ok: bool) -> None:
    assert (parse_time(text) is not None) is ok


# --- a key's window, from the key file through keys.json ----------------------------------------------------------

MULTIKEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"


@settings(max_examples=600, deadline=None)
@given(
    start=nearby_times,
    end=nearby_times | st.none(),
    revoked=nearby_times | st.none(),
    when=nearby_times,
)
@example(  # the key file's fraction of a second: keys.json wrote whole seconds, an earlier revocation
    start="2025-03-01T11:00:00Z", end=None, revoked="2025-03-01T12:00:00.5Z", when="2025-03-01T12:00:00Z"
)
@example(  # ... and an earlier retirement
    start="2025-03-01T11:00:00Z", end="2025-03-01T12:00:00.9Z", revoked=None, when="2025-03-01T12:00:00.5Z"
)
@example(  # ... and an earlier start
    start="2025-03-01T12:00:00.5Z", end=None, revoked=None, when="2025-03-01T12:00:00.2Z"
)
@example(  # within one millisecond: the browser compared milliseconds, Python microseconds
    start="2025-03-01T11:00:00Z", end="2025-03-01T12:00:00.0001Z", revoked=None, when="2025-03-01T12:00:00.0005Z"
)
@example(start="2025-03-01T11:00:00Z", end=None, revoked="2025-03-01T12:00:00.0005Z", when="2025-03-01T12:00:00.0001Z")
def test_python_and_the_browser_judge_a_key_s_window_alike(
    values: Values, start: str, end: str | None, revoked: str | None, when: str
) -> None:
    """What the page reads of a key (its keys.json record, as the build publishes it) bounds a signature exactly
    where the key file does for Python: the instants of both, to the microsecond."""
    try:
        key = PublicKey.model_validate(
            {
                "id": "key-1",
                "issuer": "acme",
                "publicKeyMultibase": MULTIKEY,
                "created": start,
                "valid_from": start,
                "valid_until": end,
                "revoked_at": revoked,
                "revocation_reason": "lost" if revoked else None,
            }
        )
    except ValidationError:
        return  # a window that closes before it opens: no such key file
    record = key_record(key, "did:web:registry.example:issuers:acme")
    at = parse_time(when)
    assert at is not None
    python = window_problem(key, at)
    browser = values.ask(op="key window", record=record, when=when)["value"]
    assert browser == python, (record, when, python, browser)
    python_start = valid_from_before_key({"validFrom": when}, key)
    browser_start = values.ask(op="key start", record=record, when=when)["value"]
    assert browser_start == python_start, (record, when, python_start, browser_start)


# --- nesting ---------------------------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(
    text=st.lists(st.sampled_from(["[", "]", "{", "}", '"', "\\", '\\"', "a", ":", ","]), max_size=200).map("".join)
    | st.integers(0, 130).map(lambda n: '{"a":' * n + '"[{\\"]"' + "}" * n)
)
def test_python_and_the_browser_measure_nesting_alike(values: Values, text: str) -> None:
    assert values.ask(op="deep", text=text)["value"] is (source._too_deep(text) is not None), text


@pytest.mark.parametrize("tail", ["", "\\"])
def test_the_page_measures_an_unterminated_string_in_linear_time(values: Values, tail: str) -> None:
    """A dropped file of escaped quotes after an unterminated string held the page for seconds per 100 KiB (the
    scan retried its string pattern from every quote): quadratic, minutes for a 1 MiB file; now as Python's."""
    text = "[]" * 65 + '"' + '\\"' * 60_000 + tail
    started = time.perf_counter()
    assert values.ask(op="deep", text=text)["value"] is (source._too_deep(text) is not None) is False
    assert time.perf_counter() - started < 1.0


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
    # A gzip bomb: 16 MiB and one byte of zeros, a few KiB compressed; neither reader may inflate it whole.
    "one byte over the largest list": (gzip.compress(bytes(statuslist.MAX_BITS // 8 + 1), mtime=0), False),
}


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _spellings() -> dict[str, tuple[str, bool]]:
    """The one canonical encodedList of a list, and every other spelling of its bytes: each refused by both."""
    raw = gzip.compress(bytes(SET), mtime=0)
    text = _encoded(raw)
    body = text[1:]
    standard = base64.b64encode(raw).decode()
    # The last character's unused low bits set: the same bytes, another text (len(raw) % 3 decides how many).
    sloppy = body[:-1] + _ALPHABET[_ALPHABET.index(body[-1]) | 1]
    return {
        "canonical": (text, True),
        "padded": (text + "=" * (-len(body) % 4 or 4), False),
        "standard alphabet": ("u" + standard.rstrip("="), standard.rstrip("=") == body),
        "base64 prefix m": ("m" + standard.rstrip("="), False),
        "upper-case prefix": ("U" + body, False),
        "base58btc": (multibase_encode(raw), False),
        "a line break inside": ("u" + body[:40] + "\n" + body[40:], False),
        "a space at the end": (text + " ", False),
        "a line break at the end": (text + "\n", False),
        "non-canonical last character": ("u" + sloppy, sloppy == body),
        "a fullwidth letter": ("u" + body[:-1] + "\uff21", False),
        "only the prefix": ("u", False),
        "empty": ("", False),
    }


@pytest.mark.parametrize("name", sorted(_spellings()))
def test_python_and_the_browser_read_the_same_encodedList_spellings(values: Values, name: str) -> None:
    text, ok = _spellings()[name]
    python = _python_decodes(text)
    reply = values.ask(op="decode", text=text)
    assert (python is not None) is ok, name
    assert reply["ok"] is ok, (name, reply)
    if ok:
        assert reply["bits"] == python
    else:
        assert reply["error"] == _python_refusal(text), name


def _python_decodes(encoded: str) -> str | None:
    try:
        return statuslist.decode_list(encoded).hex()
    except CryptoError:
        return None


def _python_refusal(encoded: str) -> str | None:
    """Why Python refuses ``encoded`` (``None``: it does not): the page must say it in the same words, as a list
    refused is shown with them in credreg verify and on the page."""
    try:
        statuslist.decode_list(encoded)
    except CryptoError as exc:
        return str(exc)
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
    else:
        assert reply["error"] == _python_refusal(encoded), name


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
        else:
            assert reply["error"] == _python_refusal(encoded), mutated[-24:].hex()


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


# --- verdicts: values only one side used to accept ---------------------------------------------------------------

VM = "did:web:registry.test.example:issuers:acme-academy#key-1"
SIGNED_AT = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)


def _resigned(signer: Signer, award: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """``award`` changed and signed again by its issuer: a value the issuer really signed."""
    unsigned = {k: v for k, v in copy.deepcopy(award).items() if k != "proof"}
    change(unsigned)
    # Signed at its validFrom, as the registry signs (Award.signed_at_valid_from).
    return sign_document(unsigned, signer.key, VM, dt.datetime.fromisoformat(unsigned["validFrom"]))


def _store(signer: Signer, award: dict[str, Any]) -> str:
    digest = award_hash(award)
    path = award_filename(signer.root, "acme-academy", award, digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_award(award), encoding="utf-8")
    return path.relative_to(signer.root).as_posix()


def _status(index: str) -> Callable[[dict[str, Any]], None]:
    return set_at(["credentialStatus", "statusListIndex"], index)


def _starts(when: str) -> Callable[[dict[str, Any]], None]:
    """validFrom moved to ``when``, with the awardedDate the registry writes beside it (the same)."""

    def change(doc: dict[str, Any]) -> None:
        doc["validFrom"] = doc["awardedDate"] = when

    return change


def _until(seconds: int, zone_minutes: int = 0) -> Callable[[dict[str, Any]], None]:
    """validUntil ``seconds`` after validFrom, written in UTC (or in another offset)."""

    def change(doc: dict[str, Any]) -> None:
        start = parse_time(doc["validFrom"])
        assert start is not None
        micros = (start - _BASE) // dt.timedelta(microseconds=1) + seconds * 10**6
        doc["validUntil"] = _written(micros, zone_minutes, 0)

    return change


# name → (change, Python/browser verdict, the check that fails, the check's code in `credreg check`)
VALUE_CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str, str, str | None]] = {
    "index beyond the list": (_status("200000"), "invalid", "status", "award.status-index-range"),
    "index at the list's end": (_status(str(statuslist.MIN_BITS)), "invalid", "status", "award.status-index-range"),
    "index with a leading zero": (_status("0123"), "invalid", "status", "award.structure"),
    "index in Arabic-Indic digits": (_status("١٢"), "invalid", "status", "award.structure"),
    "validUntil on 30 February": (
        set_at(["validUntil"], "2030-02-30T00:00:00Z"),
        "invalid",
        "validity",
        "award.structure",
    ),
    "validUntil offset +99:00": (
        set_at(["validUntil"], "2030-01-01T00:00:00+99:00"),
        "invalid",
        "validity",
        "award.structure",
    ),
    "validUntil before validFrom": (_until(-1), "invalid", "structure", "award.structure"),
    # In +05:30, a validUntil one second before validFrom reads as later text; an award's times are in UTC
    # (times.py PUBLISHED_TIME_PATTERN), so it is refused as written, later or not (the window rule reads offsets
    # as instants: test_python_and_the_browser_judge_every_validity_window_alike).
    "validUntil before validFrom, in +05:30": (_until(-1, 330), "invalid", "structure", "award.structure"),
    "validUntil after validFrom, in +05:30": (_until(3600, 330), "invalid", "structure", "award.structure"),
    "validUntil after validFrom, to the microsecond": (
        lambda doc: doc.update(validUntil="2030-01-01T00:00:00.000001Z"),
        "invalid",
        "structure",
        "award.structure",
    ),
    "validUntil the instant of validFrom": (_until(0), "invalid", "structure", "award.structure"),
    "validFrom before the key": (_starts("2023-06-01T00:00:00Z"), "invalid", "key", "award.key"),
    "validFrom before the credential": (
        _starts("2024-06-01T00:00:00Z"),  # of data-reporting, defined from 2025-02-01
        "untrusted",
        "credential",
        "award.credential",
    ),
    "status list URL in Unicode digits": (
        lambda doc: doc["credentialStatus"].update(
            statusListCredential=doc["credentialStatus"]["statusListCredential"].replace("/1.json", "/².json")
        ),
        "invalid",  # not in the registry's one award form, which applies to every award of a registered issuer
        "status",
        "award.structure",  # the registry's profile allows only .../status/<ASCII digits>.json
    ),
}


@pytest.fixture
def value_awards(scenarios: dict[str, Any], signer: Signer) -> dict[str, dict[str, Any]]:
    fresh = scenarios["awards"]["fresh"]
    # A credential defined from 2025-02-01, so that a validFrom in 2024 is inside the key's window but before it.
    later = signer.award("acme-academy/data-reporting", at=SIGNED_AT).award
    out = {}
    for name, (change, _, _, _) in VALUE_CASES.items():
        out[name] = _resigned(signer, later if name == "validFrom before the credential" else fresh, change)
    return out


def test_both_verifiers_refuse_values_only_one_side_used_to_accept(
    node: Node,
    scenarios: dict[str, Any],
    value_awards: dict[str, dict[str, Any]],
) -> None:
    verifier = Verifier(scenarios["registry"])
    for name, award in value_awards.items():
        _, verdict, failing, _ = VALUE_CASES[name]
        expected = verifier.verify(award, now=NOW)
        reply = _ask(node, scenarios["site"], text=json.dumps(award))
        assert_agrees(expected, reply, name)
        assert str(expected.verdict) == verdict, (name, [c.as_dict() for c in expected.checks])
        check = expected.check(failing)
        assert check is not None
        assert str(check.status) in ("failed", "not checked"), (name, check)


def test_check_refuses_each_value(signer: Signer, value_awards: dict[str, dict[str, Any]]) -> None:
    stored = {name: _store(signer, award) for name, award in value_awards.items()}
    report = run_check(signer.root, CheckOptions(progress=False, jobs=1))
    by_path: dict[str, set[str]] = {}
    for problem in report.problems:
        by_path.setdefault(problem.location.path, set()).add(problem.code)
    for name, rel in stored.items():
        code = VALUE_CASES[name][3]
        assert code in by_path.get(rel, set()), (name, by_path.get(rel))


def test_revoking_an_award_beyond_its_list_is_a_clear_refusal(
    signer: Signer, value_awards: dict[str, dict[str, Any]]
) -> None:
    award = value_awards["index beyond the list"]
    _store(signer, award)
    log = signer.root / "registry/issuers/acme-academy/revocations.jsonl"
    before = log.read_bytes() if log.exists() else b""
    with pytest.raises(UsageError, match=r"cannot be revoked: its status index 200000 is outside the list"):
        revoke_award(signer.registry, award_hash(award), "Issued in error", signer.key, now=NOW)
    assert (log.read_bytes() if log.exists() else b"") == before  # nothing half-written


def test_a_key_revoked_within_a_second_of_a_signature_gets_one_verdict(
    node: Node, signer: Signer, tmp_path: Path
) -> None:
    """A key file revoked half a second after an award was signed: Python trusts the signature (made before the
    revocation), and so must the page, which read the revocation from keys.json in whole seconds (at the very
    second of the signature, so "signed after the key was revoked")."""
    issued = signer.award(at=SIGNED_AT)
    created = issued.award["proof"][0]["created"]
    key_file = signer.root / "keys/acme-academy/key-1.json"
    key = json.loads(key_file.read_text())
    key["revoked_at"], key["revocation_reason"] = created.replace("Z", ".5Z"), "key compromised"
    key_file.write_text(json.dumps(key))
    registry = signer.registry
    site = publish(registry, tmp_path / "site")
    expected = Verifier(registry).verify(issued.award, now=NOW)
    assert str(expected.verdict) == "valid", [c.as_dict() for c in expected.checks]
    for request in ({"hash": issued.hash}, {"text": json.dumps(issued.award)}):
        reply = _ask(node, site, **request)
        assert_agrees(expected, reply, str(request)[:40])


@pytest.mark.parametrize("where", ["list", "subject"])
def test_a_status_list_holding_a_field_the_registry_never_writes_is_refused_everywhere(
    node: Node, scenarios: dict[str, Any], signer: Signer, where: str
) -> None:
    """A list is published with every field its signer put in it: a ``description`` naming whose award it revoked
    signed and passed, in the check and on the page. The reason names no field (its name could be an address)."""
    rel = "registry/issuers/acme-academy/status/1.json"
    listed = json.loads((signer.root / rel).read_text())
    unsigned = {k: v for k, v in listed.items() if k != "proof"}
    target = unsigned if where == "list" else unsigned["credentialSubject"]
    target["description"] = "Revoked: the award of Ada Lovelace"
    resigned = sign_document(unsigned, signer.key, VM, NOW)
    for path in (signer.root / rel, scenarios["site"] / "issuers/acme-academy/status/1.json"):
        path.write_text(json.dumps(resigned))
    report = run_check(signer.root, CheckOptions(progress=False, jobs=1))
    refused = [p for p in report.problems if p.code == "status-list.invalid"]
    assert [p.location.path for p in refused] == [rel], [str(p) for p in report.problems]
    assert "holds a field the registry never writes" in refused[0].message
    assert "Lovelace" not in refused[0].message
    fresh = scenarios["awards"]["fresh"]
    expected = Verifier(load_registry(signer.root).registry).verify(fresh, now=NOW)
    reply = _ask(node, scenarios["site"], text=json.dumps(fresh))
    assert_agrees(expected, reply, "a field in the list")
    assert reply["verdict"] == "untrusted"
    assert "holds a field the registry never writes" in reply["checks"]["status"][1]


def _list_with_free_value(unsigned: dict[str, Any], where: str) -> dict[str, Any]:
    """A list whose fields are the registry's, one of them holding a value it never writes there."""
    if where == "type":
        unsigned["type"] = [*unsigned["type"], "urn:x:AdaLovelace"]
    elif where == "@context":
        unsigned["@context"] = [*unsigned["@context"], {"ada": "urn:x:AdaLovelace"}]
    elif where == "subject id":
        unsigned["credentialSubject"]["id"] = "urn:x:revoked-ada-lovelace"
    return unsigned


def _signed_with_proof_option(unsigned: dict[str, Any], signer: Signer, option: str, value: str) -> dict[str, Any]:
    """``unsigned`` signed with both suites, each proof carrying ``option`` (a Data Integrity proof option,
    signed with the proof as any of its fields is)."""
    proofs = []
    for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
        proof: dict[str, Any] = {
            "type": "DataIntegrityProof",
            "cryptosuite": suite,
            "created": "2026-03-01T12:00:00Z",
            "verificationMethod": VM,
            "proofPurpose": "assertionMethod",
            option: value,
        }
        if suite == "eddsa-jcs-2022":
            proof["@context"] = unsigned["@context"]
        proof["proofValue"] = "z" + b58encode(ed25519.sign(signer.key.seed, hash_data(unsigned, proof)))
        proofs.append(proof)
    return {**unsigned, "proof": proofs}


@pytest.mark.parametrize("where", ["type", "@context", "subject id", "proof domain", "proof challenge"])
def test_a_status_list_holding_a_value_the_registry_never_writes_is_refused_everywhere(
    node: Node, scenarios: dict[str, Any], signer: Signer, where: str
) -> None:
    """A list's fields are the registry's, but each value outside its bits is one the registry writes: a further
    type or context entry, a subject id, a proof option (``domain``, ``challenge``: signed with the proof) are free
    strings published with the list, which could say whose award it revoked. They signed and passed, in the check
    and on the page. The reason names nothing of them."""
    rel = "registry/issuers/acme-academy/status/1.json"
    listed = json.loads((signer.root / rel).read_text())
    unsigned = {k: v for k, v in listed.items() if k != "proof"}
    if where.startswith("proof "):
        resigned = _signed_with_proof_option(unsigned, signer, where.removeprefix("proof "), "ada-lovelace")
    else:
        resigned = sign_document(_list_with_free_value(unsigned, where), signer.key, VM, NOW)
    for path in (signer.root / rel, scenarios["site"] / "issuers/acme-academy/status/1.json"):
        path.write_text(json.dumps(resigned))
    report = run_check(signer.root, CheckOptions(progress=False, jobs=1))
    refused = [p for p in report.problems if p.code == "status-list.invalid"]
    assert [p.location.path for p in refused] == [rel], [str(p) for p in report.problems]
    assert "holds a value the registry never writes" in refused[0].message, refused[0].message
    assert "ada" not in refused[0].message.lower()
    fresh = scenarios["awards"]["fresh"]
    expected = Verifier(load_registry(signer.root).registry).verify(fresh, now=NOW)
    reply = _ask(node, scenarios["site"], text=json.dumps(fresh))
    assert_agrees(expected, reply, f"a free {where} in the list")
    assert reply["verdict"] == "untrusted"
    assert "holds a value the registry never writes" in reply["checks"]["status"][1]


def test_a_status_list_with_trailing_bytes_is_refused_everywhere(
    node: Node,
    scenarios: dict[str, Any],
    signer: Signer,
) -> None:
    rel = "registry/issuers/acme-academy/status/1.json"
    listed = json.loads((signer.root / rel).read_text())
    bits = statuslist.decode_list(listed["credentialSubject"]["encodedList"])
    unsigned = {k: v for k, v in listed.items() if k != "proof"}
    unsigned["credentialSubject"]["encodedList"] = _encoded(gzip.compress(bits, mtime=0) + b"\x00")
    resigned = sign_document(unsigned, signer.key, VM, NOW)
    for target in (signer.root / rel, scenarios["site"] / "issuers/acme-academy/status/1.json"):
        target.write_text(json.dumps(resigned))
    report = run_check(signer.root, CheckOptions(progress=False, jobs=1))
    assert any(p.code == "status-list.invalid" and "after its GZIP member" in p.message for p in report.problems)
    fresh = scenarios["awards"]["fresh"]
    expected = Verifier(load_registry(signer.root).registry).verify(fresh, now=NOW)
    reply = _ask(node, scenarios["site"], text=json.dumps(fresh))
    assert_agrees(expected, reply, "trailing bytes")
    assert reply["verdict"] == "untrusted"
    assert "after its GZIP member" in reply["checks"]["status"][1]


# --- an email address in a published string, however it is written (models/award.py _as_read) ------------------

ADDRESSES = [
    "https://portfolio.example.org/view?user=ada.lovelace%40example.org",
    "https://portfolio.example.org/view?user=ada.lovelace%2540example.org",
    "https://portfolio.example.org/u/ada.lovelace\uff20example.org",
    "https://portfolio.example.org/u/ada.lovelace\ufe6bexample%2Eorg",
    "https://portfolio.example.org/u/ada.lovelace&#64;example.org",
    "https://portfolio.example.org/u/ada.lovelace&commat;example&period;org",
    "https://portfolio.example.org/u/ada.lovelace%26%23x40%3Bexample.org",
    "https://portfolio.example.org/u/ada.lovelace&#x0FF20;example.org",
    "https://portfolio.example.org/u/ada.lovelace@example\uff0eorg",
    "https://portfolio.example.org/u/ada.lovelace@example%E3%80%82org",
    "https://portfolio.example.org/u/ada@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",
    "https://portfolio.example.org/u/YWRhLmxvdmVsYWNlQGV4YW1wbGUub3Jn",
    "https://portfolio.example.org/view?u=x_YWRhLmxvdmVsYWNlQGV4YW1wbGUub3Jn&t=1",
    "https://portfolio.example.org/p/eyJ1c2VyIjoiYWRhLmxvdmVsYWNlQGV4YW1wbGUub3JnIn0/view",
    # Base64 of an address written as a reader reads it: '%40', '&#64;', a fullwidth at sign, or base64 again.
    "https://portfolio.example.org/u/YWRhJTQwZXhhbXBsZS5vcmc",
    "https://portfolio.example.org/u/YWRhJiM2NDtleGFtcGxlLm9yZw",
    "https://portfolio.example.org/u/YWRh77ygZXhhbXBsZS5vcmc",
    "https://portfolio.example.org/u/WVdSaFFHVjRZVzF3YkdVdWIzSm4",
    "https://portfolio.example.org/t/eyJ1IjoiYWRhJTQwZXhhbXBsZS5vcmcifQ",
    # Split by characters that show as nothing (the joiners the text rules allow, a variation selector, the
    # zero-width space, the soft hyphen), or a full stop by what compatibility folding reads as one.
    "https://portfolio.example.org/?u=ada@example.o\u200drg",
    "https://portfolio.example.org/?u=ada@example.o\u200crg",
    "https://portfolio.example.org/?u=ada@example.o\ufe0frg",
    "https://portfolio.example.org/?u=ada@example.\u200borg",
    "https://portfolio.example.org/?u=ada@example.o\u00adrg",
    "https://portfolio.example.org/?u=ada@example.o%E2%80%8Drg",
    "https://portfolio.example.org/?u=ada@example.o&#8205;rg",
    "https://portfolio.example.org/?u=ada@example\u2024org",
    # Evidence may hold characters no text may (a URL's own rule): a tag character, an invisible separator, a
    # direction mark between its letters are seen as nothing.
    "https://portfolio.example.org/?u=ada@example.o\U000e0041rg",
    "https://portfolio.example.org/?u=ada@example.o\u2063rg",
    "https://portfolio.example.org/?u=ada@example.o\u200erg",
    "https://portfolio.example.org/?u=ada@example\ufe52org",
    "https://portfolio.example.org/?u=ada%40example%E2%80%A4org",
    # In hexadecimal, at either alignment, either case.
    "https://portfolio.example.org/?u=616461406578616d706c652e6f7267",
    "https://portfolio.example.org/?u=F616461406578616D706C652E6F7267",
]


@settings(max_examples=800, deadline=None)
@given(
    text=st.text(
        alphabet="%0123456789abcdefABCDEF@\uff20\ufe6b~\uff5e\u223c\u301c./:x &#;\u3002\uff0e"
        "\u200d\u2024\uff11\uff0b\u00ad",
        max_size=30,
    )
    | st.lists(st.sampled_from(REFERENCE_PARTS)).map("".join)
    | st.lists(
        st.sampled_from(["%EF%BD%9E", "%ef%bc%a0", "%E2%88%BC", "%25", "%e3", "%80%9C", "~", "a", "%E2%80%8D"])
    ).map("".join)
    | st.text(max_size=20)
)
@example(text="%252540")
@example(text="%%4040")
@example(text="%7f%80%4")
@example(text="%25EF%25BD%259E")
@example(text="&#1114112;&#x110000;&#0064;&#x7f;&#31;&amp;amp;#64;")
def test_python_and_the_browser_read_escapes_and_at_signs_alike(values: Values, text: str) -> None:
    assert values.ask(op="read", text=text)["value"] == _as_read(text)


def _found_alike(values: Values, url: str, words: str) -> None:
    """The page refuses ``url`` as evidence for ``words`` (an address, a phone number) exactly when Python does."""
    found = values.ask(op="evidence", url=url)["value"]
    assert any(words in p for p in found) == (words in (evidence_problem(url) or "")), url


@settings(max_examples=600, deadline=None)
@given(
    tail=st.text(
        alphabet="a.@\uff0e\u3002 \u00a0\u2028\u0440\u0444\u4e2d\u00e9\u00b2\u0661_-1/:&#;"
        "\u200d\ufe0f\u2024\uff11\uff0b",
        max_size=16,
    )
)
@example(tail="a@a.\u0440\u0444")
@example(tail="a@a.\u00a0\u00a0")
@example(tail="a@a.\u2028\u0440")
def test_python_and_the_browser_find_the_same_addresses(values: Values, tail: str) -> None:
    """One rule for an address (its internationalized top-level domain, its spaces as each engine reads them)."""
    url = f"https://p.example.org/{tail}"
    _found_alike(values, url, "must not contain an email address")


@settings(max_examples=800, deadline=None)
@example(before="", text="ada%40example.org", after="", twice=False)
@example(before="A", text="ada@example.org", after="", twice=True)
@example(before="", text="\ufeffa@b.co", after="", twice=False)
@given(
    before=st.text(alphabet="Aa0+/_-=.", max_size=6),
    text=st.text(alphabet="ab.@_-+/=\u00e9%40&#;\uff20\u200d\u2024\ufeffYWRhQGV4", max_size=24)
    | st.binary(max_size=24).map(lambda b: b.decode("latin-1")),
    after=st.text(alphabet="Aa0+/_-=.", max_size=6),
    twice=st.booleans(),
)
def test_python_and_the_browser_find_the_same_encoded_addresses(
    values: Values, before: str, text: str, after: str, twice: bool
) -> None:
    """One rule for an address in base64 or base64url (any alignment, split at '/' or not), the decoded text read
    as a reader reads it (escapes, references, look-alikes, what is not UTF-8), and base64 of base64."""
    raw = text.encode("latin-1") if all(ord(c) < 256 for c in text) and not text.isascii() else text.encode()
    if twice:
        raw = base64.b64encode(raw)
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        url = f"https://p.example.org/{before}{encoded.decode().rstrip('=')}{after}"
        _found_alike(values, url, "must not contain an email address")


@settings(max_examples=600, deadline=None)
@example(
    before="", text="ada@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444", after="", encoding="utf-16-le", depth=1
)
@example(before="", text="ada@example.org", after="", encoding="utf-8", depth=3)
@example(before="", text="\ud800a@b.co", after="", encoding="utf-16-be", depth=1)
@example(before="", text="\ud800a@b.co\U0010ffff", after="A", encoding="utf-32-le", depth=1)
@example(before="A", text="\ufeffa@b.co", after="", encoding="utf-32-be", depth=2)
@given(
    before=st.text(alphabet="Aa0+/_-=.", max_size=4),
    text=st.text(alphabet="ab.@_-%40&#;\uff20\u00e9\u0440\u0444\u4e2d\ufeff\ufffe", max_size=20) | st.text(max_size=12),
    after=st.text(alphabet="Aa0+/_-=.", max_size=4),
    encoding=st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]),
    depth=st.integers(1, 4),
)
def test_python_and_the_browser_find_the_same_addresses_in_utf16_idn_and_nested_base64(
    values: Values, before: str, text: str, after: str, encoding: str, depth: int
) -> None:
    """An address in UTF-16 (lone surrogates too: each engine replaces them), its domain internationalized, and
    base64 up to three levels deep (the fourth is not read, by either)."""
    raw = text.encode(encoding, "surrogatepass")
    for _ in range(depth):
        raw = base64.b64encode(raw)
    url = f"https://p.example.org/{before}{raw.decode().rstrip('=')}{after}"
    _found_alike(values, url, "must not contain an email address")


@settings(max_examples=600, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            [
                "ada",
                "a",
                "%20",
                "[at]",
                "(at)",
                "{",
                "}",
                "at",
                "AT",
                "%20at%20",
                "%20dot%20",
                "[dot]",
                ".",
                "org",
                "=40",
                "=",
                "?",
                "&",
                "@",
                "2x",
                "1.5x",
                ".png",
                "git",
                ":",
                "/",
                "gserviceaccount",
                ".com",
                "x",
                "-",
                "%40",
                "<at>",
            ]
        )
    ).map("".join)
)
def test_python_and_the_browser_find_the_same_spelt_out_addresses(values: Values, text: str) -> None:
    url = f"https://p.example.org/?u={text}"
    _found_alike(values, url, "must not contain an email address")


@settings(max_examples=400, deadline=None)
@given(
    before=st.text(alphabet="0aF", max_size=3),
    text=st.text(alphabet="ab.@%40\uff20\u0440", max_size=20)
    | st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
    upper=st.booleans(),
    apart=st.sampled_from(["", ":", "%20", "-", ",", "\\x"]),
)
def test_python_and_the_browser_find_the_same_addresses_in_hexadecimal(
    values: Values, before: str, text: str, upper: bool, apart: str
) -> None:
    raw = text.encode("latin-1") if all(ord(c) < 256 for c in text) and not text.isascii() else text.encode()
    encoded = raw.hex().upper() if upper else raw.hex()
    pairs = [encoded[i : i + 2] for i in range(0, len(encoded), 2)]
    encoded = "".join(apart + p for p in pairs) if apart == "\\x" else apart.join(pairs)
    url = f"https://p.example.org/?u={before}{encoded}"
    _found_alike(values, url, "must not contain an email address")


@settings(max_examples=400, deadline=None)
@example(before="", text="ada@example.org", lower=False, padded=True)
@example(before="MFSGC", text="a@b.co\u0440", lower=True, padded=False)
@given(
    before=st.text(alphabet="A27a", max_size=9),
    text=st.text(alphabet="ab.@%40\uff20\u0440+1234567", max_size=20)
    | st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
    lower=st.booleans(),
    padded=st.booleans(),
)
def test_python_and_the_browser_find_the_same_addresses_in_base32(
    values: Values, before: str, text: str, lower: bool, padded: bool
) -> None:
    """Base32, either case, padded or not, after other base32 letters (any of its eight alignments): one reading."""
    raw = text.encode("latin-1") if all(ord(c) < 256 for c in text) and not text.isascii() else text.encode()
    encoded = base64.b32encode(raw).decode()
    encoded = before + (encoded if padded else encoded.rstrip("="))
    url = f"https://p.example.org/?u={encoded.lower() if lower else encoded}"
    _found_alike(values, url, "must not contain an email address")
    _found_alike(values, url, "must not contain a phone number")


@pytest.mark.parametrize(
    "url",
    [
        "https://wa.example.org/+44 7700 900123",
        "https://wa.example.org/send?phone=%2B447700900123",
        "https://p.example.org/tel:07700900123",
        "https://github.com/a/b/pull/12345678",
        "https://x.org/?q=a+12345678",
    ],
)
def test_a_phone_number_in_evidence_is_found_alike(values: Values, url: str) -> None:
    _found_alike(values, url, "must not contain a phone number")


@pytest.mark.parametrize(
    "url",
    [
        # Written as a reader reads it: hyphens and dashes between the digits (and in a reason, no-break spaces),
        # fullwidth digits or plus sign (what a phone's keyboard in CJK input gives), a character that shows as
        # nothing inside.
        "https://p.example.org/?r=+44\u20137700\u2013900123",
        "https://p.example.org/?r=+44\u20107700\u2010900123",
        "https://p.example.org/?r=\uff0b447700900123",
        "https://p.example.org/?r=+\uff14\uff14\uff17\uff17\uff10\uff10\uff19\uff10\uff10\uff11\uff12\uff13",
        "https://p.example.org/?r=%EF%BC%8B447700900123",
        "https://p.example.org/?r=+44\u200d7700900123",
    ],
)
def test_a_phone_number_however_spaced_is_refused_by_both(values: Values, url: str) -> None:
    assert "must not contain a phone number" in (evidence_problem(url) or "")
    assert any("must not contain a phone number" in p for p in values.ask(op="evidence", url=url)["value"])


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(alphabet="+0123456789 ().-/:tel=a%2B\u00a0\u202f\u2013\uff0b\uff14\u200d,", max_size=24)
    | st.lists(
        st.sampled_from(
            [
                "+1",
                "+52",
                ".",
                "52",
                "0",
                "2",
                "1700000000",
                "555",
                "(212)",
                "%20",
                "-",
                "/",
                ",",
                "+",
                "phone",
                "Tel.",
                "mobile",
                "no",
                ":",
                "0151",
                "1234",
                "5678",
                "cell",
                "%2C",
                "+013",
            ]
        )
    ).map("".join)
)
def test_python_and_the_browser_find_the_same_phone_numbers(values: Values, text: str) -> None:
    url = f"https://p.example.org/{text}"
    _found_alike(values, url, "must not contain a phone number")


def _spaces_escaped(text: str) -> str:
    """``text`` in a URL: its spaces (a thin or ideographic one, a tab) percent-escaped, as a browser sends them."""
    return re.sub(r"\s", lambda m: quote(m[0]), text)


@pytest.mark.parametrize(
    ("text", "refused"),
    [(t, "an email address") for t in HIDDEN_ADDRESSES]
    + [(t, "a phone number") for t in HIDDEN_PHONES]
    + [(t, None) for t in NAMES_NOBODY],
)
def test_encoded_spelt_out_and_harmless_text_is_read_alike(values: Values, text: str, refused: str | None) -> None:
    """tests/models/test_models.py's cases, through the page: what names a recipient (an address in UTF-16, an IDN
    domain, nested base64, hex pairs, quoted-printable or spelt out; a phone number apart by slashes or national)
    is refused by both, and what names nobody (badge@2x.png, a Git remote, a signed storage URL, coordinates, a
    timestamp) by neither."""
    url = text if text.startswith("https://") else "https://p.example.org/?u=" + _spaces_escaped(text)
    python = evidence_problem(url)
    page = values.ask(op="evidence", url=url)["value"]
    if refused is None:
        assert python is None, (url, python)
        assert page == [], (url, page)
    else:
        assert f"must not contain {refused}" in (python or "")
        assert any(f"must not contain {refused}" in p for p in page), page


#: Pieces of every recipient-data rule, and characters the two engines might read apart: digits that are not ASCII
#: (Arabic-Indic, Devanagari, fullwidth, mathematical: Python's \\d would take them, JavaScript's not), spaces only
#: Python's \\s holds (the information separators), a letter whose case folds to ASCII (Kelvin sign, long s, dotted
#: I), astral characters (a code point to Python, two units to JavaScript), IDN letters, and each rule's words.
RULE_PIECES = [
    *"@.:/-_+=%&#;~ ,()[]{}<>\\",
    *"0123456789abcdefxAFQUY",
    "\u0663", "\u0967", "\uff14", "\U0001d7d8", "\u00b2", "\u2083",
    "\x1c", "\x1f", "\x85", "\u180e", "\u2028", "\u3000", "\ufeff", "\u200d",
    "\u212a", "\u017f", "\u0130", "\u0131", "\U0001f600", "\U00010400", "\U000e0041", "\U000e0100", "\u034f",
    "\u0440\u0444", "\u4e2d\u6587", "\u00fc", "\uff20", "\uff0e", "\u3002",
    "%20", "%40", "%2B", "%25", "&#64;", "&commat;", "=40", "\\x", "\\u0040", "\\x40", "\\u{40}", "\\uff20", "\\u005c",
    "%20@%20", "+@+", "@%20", "00", "0044",
    "at", "AT", "dot", "[at]", "(at)", "%20at%20", "%20dot%20", "[dot]",
    "phone", "Tel.", "mobile", "cell", "fax", "no", "Nr", "tel:",
    "+1", "+44", "+49", "7700", "900123", "(212)", "555", "0123", "+52.5200066", "+13.4049540",
    "git", "2x.png", "gserviceaccount.com", "example", "org", "ada",
    "YWRh", "QGV4", "YW1w", "bGUu", "b3Jn", "AEAA", "ZABh", "616461", "406578", "2e6f7267",
]  # fmt: skip


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.lists(st.sampled_from(RULE_PIECES), max_size=40).map("".join) | st.text(max_size=40))
@example(text="\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662")
@example(text="+\u0664\u0664\u0667\u0667\u0660\u0660\u0669\u0660\u0660\u0661\u0662\u0663")
@example(text="ada@\u212aelvin.org")
@example(text="\U0001f600@b.co")
def test_python_and_the_browser_judge_recipient_data_alike(values: Values, text: str) -> None:
    """Every recipient-data rule at once (addresses typed, spelt out, quoted-printable, in base64 or hex; phone
    numbers; an earner's link), over text mixing their pieces with what Python and JavaScript could read apart:
    the same verdict, word for word."""
    url = "https://p.example.org/?u=" + "".join(c if c.isprintable() and not c.isspace() else quote(c) for c in text)
    python = evidence_problem(url)
    page = values.ask(op="evidence", url=url)["value"]
    assert [p.removeprefix("evidence.0.id: ") for p in page] == ([python] if python else []), url


@pytest.mark.parametrize("url", HEAVY_EVIDENCE.values(), ids=HEAVY_EVIDENCE.keys())
def test_the_page_reads_the_costliest_evidence_in_a_moment(values: Values, url: str) -> None:
    """tests/models/test_models.py's costliest evidence (at an award's size), on the page: V8's engine backtracks as
    Python's does, so a search from every character to the end hung the page for seconds; and the same verdict."""
    started = time.perf_counter()
    found = values.ask(op="recipient", text=url)["value"]
    assert time.perf_counter() - started < 1.5
    try:
        _no_recipient_data(url)
        python = None
    except ValueError as error:
        python = str(error)
    assert found == python


def test_an_evidence_url_longer_than_any_server_reads_is_refused_by_both(values: Values) -> None:
    url = "https://example.org/" + "a" * (MAX_EVIDENCE_URL - 20)
    assert evidence_problem(url) is None
    assert values.ask(op="evidence", url=url)["value"] == []
    assert evidence_problem(url + "a") == f"String should have at most {MAX_EVIDENCE_URL} characters"
    assert values.ask(op="evidence", url=url + "a")["value"] == [
        f"evidence.0.id: String should have at most {MAX_EVIDENCE_URL} characters"
    ]


@pytest.mark.parametrize("url", REALISTIC_EVIDENCE)
def test_realistic_evidence_is_accepted_by_both(values: Values, url: str) -> None:
    assert evidence_problem(url) is None, url
    assert values.ask(op="evidence", url=url)["value"] == [], url


@pytest.mark.parametrize("url", ADDRESSES)
def test_an_escaped_or_look_alike_address_in_evidence_is_refused_by_both(values: Values, url: str) -> None:
    """A portfolio tool's ``?user=ada%40example.org`` names the recipient as plainly as ``@`` does."""
    assert evidence_problem(url) is not None
    assert any("must not contain an email address" in p for p in values.ask(op="evidence", url=url)["value"])


@pytest.mark.parametrize(
    "fragment",
    [
        "#{h}~{k}",
        "?award={h}%7E{k}",
        "?award={h}%257e{k}",
        # A tilde anyone reads as one: fullwidth, the tilde operator, the wave dash; typed or percent-escaped.
        "#{h}\uff5e{k}",
        "#{h}\u223c{k}",
        "#{h}\u301c{k}",
        "?award={h}%EF%BD%9E{k}",
        "?award={h}%25e2%2588%25bc{k}",
    ],
)
def test_an_earners_link_in_evidence_is_refused_by_both(values: Values, fragment: str) -> None:
    """The recipient key after ``~`` confirms a guess of the earner's address: published evidence never holds it."""
    url = "https://credentials.example.org/verify/" + fragment.format(h="e9" * 32, k="4b" * 16)
    assert evidence_problem(url) is not None
    assert "must not contain a recipient key" in evidence_problem(url)
    assert any("must not contain a recipient key" in p for p in values.ask(op="evidence", url=url)["value"])


@pytest.mark.parametrize(
    "url",
    [
        "https://medium.com/%40ada/sql-project",
        "https://portfolio.example.org/7f3a%20b",
        "https://credentials.example.org/verify/#" + "e9" * 32,
        # Tokens that are base64 of no address: a Drive id, a commit, a share token.
        "https://drive.example.org/file/d/1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ/view",
        "https://github.com/acme/project/commit/" + "5f" * 20,
        "https://portfolio.example.org/s/QUJDREVGR0hJSktMTU5PUA",
    ],
)
def test_an_escape_that_names_no_address_is_evidence_for_both(values: Values, url: str) -> None:
    assert evidence_problem(url) is None
    assert values.ask(op="evidence", url=url)["value"] == []
