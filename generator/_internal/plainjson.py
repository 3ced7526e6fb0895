"""Which JSON values ``orjson`` writes exactly as the standard library's ``json.dumps`` does.

Both the RFC 8785 fast path (:mod:`generator.crypto.jcs`) and the build's JSON writer
(:func:`generator._internal.files.json_text`) let the compiled ``orjson`` write what ``json.dumps`` would have
written, ten times faster. They may do so only for values where the two provably agree, and that fact lives
here, once:

* exact ``dict`` (string keys), ``list``, ``str``, ``int``, ``bool`` and ``None`` only: ``json.dumps`` turns
  tuples into arrays and non-string keys into strings, and orjson treats subclasses its own way;
* strings without lone surrogates (not UTF-8; orjson refuses them), and object keys below U+D800 (where
  code-point order, the order both sort by, is also RFC 8785's UTF-16 order);
* integers within ±(2**53 − 1) (RFC 8785's safe range; orjson refuses beyond 64 bits);
* floats only when the caller allows them, and then only those orjson writes as ``repr`` does (not NaN or
  infinities, which orjson writes as ``null``; not every exponent form). RFC 8785 formats floats its own way,
  so the JCS fast path never allows them.

Both libraries escape only ``"``, ``\\`` and U+0000–U+001F, with the same short escapes, and indent alike
(tested for every code point in ``tests/crypto/test_jcs.py`` and ``tests/_internal/test_files.py``).
"""

from __future__ import annotations

import re
from typing import Any

import orjson

__all__ = ["MAX_SAFE_INT", "orjson_writes_as_json"]

#: RFC 8785's (and JavaScript's) largest exactly representable integer.
MAX_SAFE_INT = 2**53 - 1
_SURROGATE = re.compile("[\ud800-\udfff]")
_KEY_LIMIT = "\ud800"


def orjson_writes_as_json(value: Any, *, floats: bool = False) -> bool:
    """True if ``orjson`` writes ``value`` byte for byte as ``json.dumps(value, ensure_ascii=False)`` does
    (compact or indented by two, keys sorted or not); ``floats``: whether floats may occur (see the module
    docstring). Iterative: deep nesting costs no recursion."""
    stack = [value]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str:
            if not item.isascii() and _SURROGATE.search(item):
                return False
        elif kind is dict:
            for key, member in item.items():
                if type(key) is not str or not (key.isascii() or max(key) < _KEY_LIMIT):
                    return False
                push(member)
        elif kind is list:
            extend(item)
        elif kind is int:
            if not -MAX_SAFE_INT <= item <= MAX_SAFE_INT:
                return False
        elif kind is float:
            if not floats or orjson.dumps(item) != repr(item).encode():
                return False
        elif item is not None and kind is not bool:
            return False
    return True
