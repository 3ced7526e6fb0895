"""RFC 8785 JSON Canonicalization Scheme (JCS).

``rfc8785.dumps`` is the reference. For the common case (no floats, safe integers, well-formed strings, object
keys below U+D800) ``json.dumps`` with sorted keys produces exactly the same bytes and is many times faster,
so :func:`canonicalize` checks the value once and takes that path when it is provably identical. ``orjson``
with sorted keys writes the same bytes as that ``json.dumps`` for such values (the same escapes, tested for
every code point; keys sorted by code point, the order of their UTF-8 bytes) another ten times faster, so it
does the writing; ``json.dumps`` remains for what orjson refuses (nesting beyond its limit):

* strings: both escape only ``"``, ``\\`` and U+0000–U+001F, with the same short escapes (``\\b \\t \\n
  \\f \\r``) and lowercase ``\\u00xx`` for the rest; a lone surrogate (not UTF-8) goes to rfc8785, which
  rejects it;
* key order: JCS sorts by UTF-16 code units, Python by code points; they agree unless a key has a character
  at or above U+D800 (surrogate pairs sort below U+E000–U+FFFF in UTF-16), so such keys go to rfc8785;
* numbers: integers within ±(2**53 − 1) print the same; floats (ECMAScript number formatting) and larger
  integers (rejected) go to rfc8785;
* only exact ``dict``/``list``/``str``/``int``/``bool``/``None`` take the fast path (``json.dumps`` would
  turn tuples into arrays and non-string keys into strings; rfc8785 decides about those).

Floats (ECTS credits in an achievement) are common in credentials and the only thing there that ``json.dumps``
formats differently. A value that is exact but for some finite floats is serialized by ``json.dumps`` with
each float replaced by a marker string, then each marker (found exactly once, or the next path is taken) by
rfc8785's formatting of that float. Anything else is taken apart: objects and arrays are assembled here (keys
in UTF-16 order), their exact members still go through ``json.dumps``, and only what is left (an unsafe
integer, a tuple) goes to rfc8785. RFC 8785 serializes members independently of each other, so either way the
result is the same bytes.

:func:`canonicalize_without` gives an object's canonical bytes with and without one member from one pass:
a Data Integrity proof signs the document without ``proof``, and the award hash covers all of it.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Mapping
from typing import Any

import orjson
import rfc8785

from generator._internal.plainjson import orjson_writes_as_json
from generator.errors import CryptoError

__all__ = ["canonicalize", "canonicalize_without", "equals_canonical", "fast_path_kind"]


def canonicalize(obj: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value; CryptoError if JCS cannot represent it."""
    try:
        if _fast_path_is_exact(obj):
            return _fast_dumps(obj)
        floats = _FloatsReplaced.of(obj)
        if floats is not None:
            text = floats.restore(_fast_text(floats.value))
            if text is not None:
                return text.encode()
        return _mixed_dumps(obj).encode()
    except (rfc8785.CanonicalizationError, UnicodeError) as exc:
        raise CryptoError(f"cannot canonicalize as JSON (RFC 8785): {exc}") from exc
    except RecursionError as exc:
        raise CryptoError("cannot canonicalize as JSON (RFC 8785): nested too deeply") from exc


def fast_path_kind(obj: Any) -> str:
    """How :func:`canonicalize` serializes ``obj``: ``"exact"`` (``json.dumps`` alone), ``"floats"`` (with its
    floats put back), or ``"other"``. A pure function of the value: callers may remember it for exact bytes."""
    if _fast_path_is_exact(obj):
        return "exact"
    return "floats" if _FloatsReplaced.of(obj) is not None else "other"


def canonicalize_without(obj: Mapping[str, Any], member: str, *, kind: str | None = None) -> tuple[bytes, bytes]:
    """``(canonicalize(obj), canonicalize(obj without member))``, computed together.

    When ``obj`` takes the fast path, the members sorting before and after ``member`` are serialized once
    each and both results are assembled from them (with code-point order equal to UTF-16 order there, the
    members before ``member`` are exactly those whose keys compare lower).

    ``kind``: what :func:`fast_path_kind` returned for this very value, if the caller knows; it saves walking
    the value to find out. A wrong ``kind`` gives wrong bytes: pass only what was computed for equal data.
    """
    if type(obj) is not dict or member not in obj or not all(type(k) is str for k in obj):
        return canonicalize(obj), canonicalize({k: v for k, v in obj.items() if k != member})
    try:
        if kind == "exact" or (kind is None and _fast_path_is_exact(obj)):
            # Two compiled serializations cost less than splitting one in Python.
            return _fast_dumps(obj), _fast_dumps({k: v for k, v in obj.items() if k != member})
        floats = _FloatsReplaced.of(obj, checked=kind == "floats") if kind != "other" else None
        if floats is not None:
            pair = _split(floats.value, member)
            restored = floats.restore(pair[0]), floats.restore(pair[1], partial=True)
            if restored[0] is not None and restored[1] is not None:
                return restored[0].encode(), restored[1].encode()
        members = [(k, _fast_text(k) + ":" + _part(v)) for k, v in sorted(obj.items(), key=_utf16_order)]
        full = "{" + ",".join(text for _, text in members) + "}"
        without = "{" + ",".join(text for k, text in members if k != member) + "}"
        return full.encode(), without.encode()
    except (rfc8785.CanonicalizationError, UnicodeError) as exc:
        raise CryptoError(f"cannot canonicalize as JSON (RFC 8785): {exc}") from exc
    except RecursionError as exc:
        raise CryptoError("cannot canonicalize as JSON (RFC 8785): nested too deeply") from exc


def _split(obj: dict[str, Any], member: str) -> tuple[str, str]:
    """JCS text of an exact object with and without ``member`` (code-point order is UTF-16 order here)."""
    before = _fast_text({k: v for k, v in obj.items() if k < member})[1:-1]
    after = _fast_text({k: v for k, v in obj.items() if k > member})[1:-1]
    own = _fast_text(member) + ":" + _fast_text(obj[member])
    full = "{" + ",".join(part for part in (before, own, after) if part) + "}"
    without = "{" + ",".join(part for part in (before, after) if part) + "}"
    return full, without


class _FloatsReplaced:
    """A copy of a value with each finite float replaced by a marker string (copied along the floats' paths
    only), and how to put the floats' RFC 8785 text back in its serialization."""

    _MARKER = "\x00jcs-float-" + secrets.token_hex(8) + "-"

    def __init__(self, value: Any, floats: list[float]) -> None:
        self.value = value
        self.needles = [
            (_fast_text(f"{self._MARKER}{i}\x00"), _reference_dumps(number).decode()) for i, number in enumerate(floats)
        ]

    @classmethod
    def of(cls, obj: Any, *, checked: bool = False) -> _FloatsReplaced | None:
        """``None`` unless ``obj`` has floats, all finite, and is exact once they are replaced (``checked``: the
        caller knows it is)."""
        floats: list[float] = []
        try:
            value = cls._replace(obj, floats)
        except (ValueError, RecursionError):
            return None
        if not floats or not (checked or _fast_path_is_exact(value)):
            return None
        return cls(value, floats)

    @classmethod
    def _replace(cls, value: Any, floats: list[float]) -> Any:
        kind = type(value)
        if kind is float:
            if not math.isfinite(value):
                raise ValueError("not a JSON number")
            floats.append(value)
            return f"{cls._MARKER}{len(floats) - 1}\x00"
        if kind is dict:
            copy = None
            for key, item in value.items():
                if type(item) in _CONTAINERS:
                    new = cls._replace(item, floats)
                    if new is not item:
                        copy = copy or dict(value)
                        copy[key] = new
            return copy or value
        if kind is list:
            copied = None
            for i, item in enumerate(value):
                if type(item) in _CONTAINERS:
                    new = cls._replace(item, floats)
                    if new is not item:
                        copied = copied or list(value)
                        copied[i] = new
            return copied or value
        return value

    def restore(self, text: str, *, partial: bool = False) -> str | None:
        """``text`` with every marker replaced by its float; ``None`` if a marker is not found exactly once (a
        string in the data that looks like one), or, with ``partial``, more than once."""
        for needle, number in self.needles:
            found = text.count(needle)
            if found != 1 and not (partial and found == 0):
                return None
            text = text.replace(needle, number)
        return text


_CONTAINERS = (dict, list, float)


#: Integers beyond ±(2**53 − 1), subclasses, dataclasses and datetimes are refused rather than written.
_ORJSON_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_STRICT_INTEGER
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
)


def _fast_text(obj: Any) -> str:
    return _fast_dumps(obj).decode()


def _fast_dumps(obj: Any) -> bytes:
    """The bytes of ``json.dumps`` with sorted keys, compact, UTF-8, for an exact value (see the module docstring)."""
    try:
        return orjson.dumps(obj, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:  # nested beyond orjson's limit (or not exact after all: json.dumps decides)
        return _stdlib_text(obj).encode()


def _stdlib_text(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def equals_canonical(value: Any, canonical: bytes) -> bool:
    """``canonicalize(value) == canonical``, for a ``value`` made of JSON types (as parsed), usually without
    walking it in Python.

    orjson writes numbers, strings and literals faithfully (floats as their shortest round-trip text) and, with
    these options, refuses lone surrogates and the integers JCS refuses, so when its text of ``value`` is the JCS
    text ``canonical``, the two denote the same JSON value, whose JCS text is ``canonical``. The one unfaithful
    case: it writes NaN and infinities as ``null``; a ``canonical`` with ``null`` in it is therefore compared the
    long way, as is any value whose orjson text differs (floats formatted otherwise, keys ordered by code point).
    """
    try:
        fast = orjson.dumps(value, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        fast = None
    if fast == canonical and b"null" not in canonical:
        return True
    try:
        return canonicalize(value) == canonical
    except CryptoError:
        return False


def _utf16_order(item: tuple[str, Any]) -> bytes:
    return item[0].encode("utf-16be")


def _mixed_dumps(obj: Any) -> str:
    """RFC 8785 text of a value that is not exact as a whole: see the module docstring."""
    kind = type(obj)
    if kind is dict and all(type(k) is str for k in obj):
        members = sorted(obj.items(), key=_utf16_order)
        return "{" + ",".join(_fast_text(k) + ":" + _part(v) for k, v in members) + "}"
    if kind is list:
        return "[" + ",".join(_part(v) for v in obj) + "]"
    return _reference_dumps(obj).decode()


def _part(value: Any) -> str:
    return _fast_text(value) if _fast_path_is_exact(value) else _mixed_dumps(value)


def _reference_dumps(obj: Any) -> bytes:
    out: bytes = rfc8785.dumps(obj)
    return out


#: True if ``json.dumps`` (so orjson) gives RFC 8785's bytes for a value: no floats, and the conditions of
#: :mod:`generator._internal.plainjson`, which holds the one copy of that rule (bound directly: it runs for
#: every member :func:`canonicalize` serializes, and a wrapper would add a call to each).
_fast_path_is_exact = orjson_writes_as_json
