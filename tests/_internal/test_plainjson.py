"""The one rule saying when orjson writes what ``json.dumps`` writes, used by the JCS fast path and json_text."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from generator._internal.plainjson import MAX_SAFE_INT, orjson_writes_as_json
from tests._internal.test_files import _AWKWARD

_PLAIN = {"a": [1, "é 日本 😀", None, True, {"b": [], "c": {}}], "quote": '"\\\x00\x1f', "n": -MAX_SAFE_INT}


def test_plain_values_are_accepted_and_orjson_agrees() -> None:
    assert orjson_writes_as_json(_PLAIN)
    assert orjson.dumps(_PLAIN, option=orjson.OPT_SORT_KEYS).decode() == json.dumps(
        _PLAIN, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def test_floats_only_when_allowed_and_written_as_repr() -> None:
    assert not orjson_writes_as_json({"ects": 7.5})
    assert orjson_writes_as_json({"ects": 7.5}, floats=True)
    assert orjson_writes_as_json([1e16, 1.5e300, -0.0, 0.1], floats=True)  # written as repr writes them
    for awkward in (1e-05, 1.5e-07, float("nan"), float("inf")):
        assert not orjson_writes_as_json([awkward], floats=True), awkward


@pytest.mark.parametrize(
    "value",
    [
        [MAX_SAFE_INT + 1],
        [2**64],
        {1: "integer key"},
        {"t": (1, 2)},
        {"s": "lone \ud800"},
        {"k\ud83d": 1},
        {"\ue000 above the surrogates": 1},  # sorts differently in UTF-16: not for the JCS fast path
        {"b": b"bytes"},
    ],
    ids=range(8),
)
def test_everything_else_is_refused(value: Any) -> None:
    assert not orjson_writes_as_json(value, floats=True)


def test_the_awkward_values_of_the_writer_tests() -> None:
    assert not any(orjson_writes_as_json(_AWKWARD[i], floats=True) for i in range(7))
    assert all(orjson_writes_as_json(_AWKWARD[i], floats=True) for i in (8, 10, 11))
    assert not orjson_writes_as_json(_AWKWARD[9], floats=True)  # 2**53: beyond the safe range
