"""RFC 8785 JSON Canonicalization Scheme (JCS).

``rfc8785.dumps`` is the reference. For the common case (no floats, safe integers, well-formed strings, object
keys below U+D800) ``json.dumps`` with sorted keys produces exactly the same bytes and is many times faster,
so :func:`canonicalize` checks the value once and takes that path when it is provably identical:

* strings: both escape only ``"``, ``\\`` and U+0000–U+001F, with the same short escapes (``\\b \\t \\n
  \\f \\r``) and lowercase ``\\u00xx`` for the rest; a lone surrogate (not UTF-8) goes to rfc8785, which
  rejects it;
* key order: JCS sorts by UTF-16 code units, Python by code points; they agree unless a key has a character
  at or above U+D800 (surrogate pairs sort below U+E000–U+FFFF in UTF-16), so such keys go to rfc8785;
* numbers: integers within ±(2**53 − 1) print the same; floats (ECMAScript number formatting) and larger
  integers (rejected) go to rfc8785;
* only exact ``dict``/``list``/``str``/``int``/``bool``/``None`` take the fast path (``json.dumps`` would
  turn tuples into arrays and non-string keys into strings; rfc8785 decides about those).
"""

from __future__ import annotations

import json
import re
from typing import Any

import rfc8785

from generator.errors import CryptoError

__all__ = ["canonicalize"]

_MAX_SAFE_INT = 2**53 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")
_KEY_LIMIT = "\ud800"


def canonicalize(obj: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value; CryptoError if JCS cannot represent it."""
    try:
        return _fast_dumps(obj) if _fast_path_is_exact(obj) else _reference_dumps(obj)
    except (rfc8785.CanonicalizationError, UnicodeError) as exc:
        raise CryptoError(f"cannot canonicalize as JSON (RFC 8785): {exc}") from exc
    except RecursionError as exc:
        raise CryptoError("cannot canonicalize as JSON (RFC 8785): nested too deeply") from exc


def _fast_dumps(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _reference_dumps(obj: Any) -> bytes:
    out: bytes = rfc8785.dumps(obj)
    return out


def _fast_path_is_exact(obj: Any) -> bool:
    """True if ``json.dumps`` gives RFC 8785's bytes for ``obj`` (see the module docstring)."""
    stack = [obj]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        value = pop()
        kind = type(value)
        if kind is str:
            if not value.isascii() and _SURROGATE.search(value):
                return False
        elif kind is dict:
            for key, item in value.items():
                if type(key) is not str or not (key.isascii() or max(key) < _KEY_LIMIT):
                    return False
                push(item)
        elif kind is list:
            extend(value)
        elif kind is int:
            if not -_MAX_SAFE_INT <= value <= _MAX_SAFE_INT:
                return False
        elif value is not None and kind is not bool:
            return False
    return True
