"""RFC 8785 JSON canonicalization: the json.dumps fast path is exactly rfc8785 wherever it is taken."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.crypto import jcs
from generator.crypto.jcs import canonicalize
from generator.errors import CryptoError

from .conftest import AWARD, JCS_DATA

INPUTS = sorted((JCS_DATA / "input").glob("*.json"))


def expected_output(path: Path) -> bytes:
    return (JCS_DATA / "output" / path.name).read_bytes()


def test_rfc8785_test_data_is_present() -> None:
    assert {p.name for p in INPUTS} >= {
        "arrays.json",
        "french.json",
        "structures.json",
        "unicode.json",
        "values.json",
        "weird.json",
    }


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_rfc8785_test_data(path: Path) -> None:
    value = json.loads(path.read_text(encoding="utf-8"))
    expected = expected_output(path)
    assert canonicalize(value) == expected
    assert jcs._reference_dumps(value) == expected
    if jcs._fast_path_is_exact(value):
        assert jcs._fast_dumps(value) == expected


def test_fast_path_taken_where_it_is_exact() -> None:
    by_name = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in INPUTS}
    # No floats, plain keys: fast. Floats (structures, values) or keys beyond U+D800 (weird): rfc8785.
    assert jcs._fast_path_is_exact(by_name["arrays.json"])
    assert jcs._fast_path_is_exact(by_name["french.json"])
    assert jcs._fast_path_is_exact(by_name["unicode.json"])
    assert not jcs._fast_path_is_exact(by_name["values.json"])
    assert not jcs._fast_path_is_exact(by_name["weird.json"])
    assert jcs._fast_path_is_exact(AWARD)


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1.5},
        [0.1],
        {"\U0001f600": 1, "\ufb33": 2},  # UTF-16 order differs from code point order here
        {"\ue000": 1},
        {1: "int key"},
        (1, 2),
        2**53,
        -(2**53),
        {"s": "lone \ud800 surrogate"},
    ],
    ids=repr,
)
def test_fast_path_declines(value: Any) -> None:
    assert not jcs._fast_path_is_exact(value)


def test_key_order_is_utf16() -> None:
    # RFC 8785 3.2.3: U+1F600 (surrogates D83D DE00) sorts before U+FB33 in UTF-16, after it by code point.
    assert canonicalize({"\ufb33": 2, "\U0001f600": 1}) == '{"\U0001f600":1,"\ufb33":2}'.encode()


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        {"a": [float("nan")]},
        2**53,
        -(2**53),
        {1: 2},
        object(),
        {"k": b"bytes"},
        "\udc00",
    ],
    ids=lambda v: "object" if type(v) is object else repr(v),
)
def test_unrepresentable_values_raise_crypto_error(value: Any) -> None:
    with pytest.raises(CryptoError, match="RFC 8785"):
        canonicalize(value)


def test_deep_nesting_raises_crypto_error() -> None:
    value: Any = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(CryptoError):
        canonicalize(value)


def test_safe_integer_bounds() -> None:
    assert canonicalize([2**53 - 1, -(2**53 - 1)]) == b"[9007199254740991,-9007199254740991]"


# Everything a JSON value can hold, including what JCS must reject or route to rfc8785: lone surrogates,
# supplementary characters and U+E000-U+FFFF in keys, control characters, floats, unsafe integers.
_chars = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
_text = st.text(_chars, max_size=12) | st.sampled_from(
    ["", "\ufb33", "\U0001f600", "\ue000", "\x7f", "\u2028", "\ud800"]
)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53 - 1), max_value=2**53 - 1)
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | _text
)
_json = st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_text, inner, max_size=5), max_leaves=30
)


def _outcome(fn: Any, value: Any) -> tuple[str, bytes]:
    try:
        return ("ok", fn(value))
    except (CryptoError, rfc8785.CanonicalizationError, UnicodeError):
        return ("error", b"")


@settings(max_examples=400, deadline=None)
@given(_json)
def test_canonicalize_equals_rfc8785(value: Any) -> None:
    assert _outcome(canonicalize, value) == _outcome(rfc8785.dumps, value)
    if jcs._fast_path_is_exact(value):
        assert jcs._fast_dumps(value) == rfc8785.dumps(value)
