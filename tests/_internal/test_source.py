"""Safe YAML/JSON reading with positions."""

from __future__ import annotations

import pytest

from generator._internal.source import (
    MAX_NESTING,
    SourceError,
    decode_utf8,
    locate_json,
    parse_json,
    parse_yaml,
)


def _fails(text: str) -> str:
    with pytest.raises(SourceError) as info:
        parse_yaml(text, "f.yaml")
    [problem] = info.value.problems
    return str(problem)


def test_yaml_12_core_scalars() -> None:
    doc = parse_yaml(
        "a: NO\nb: yes\nc: 2025-01-01\nd: 0x1F\ne: 1.5\nf: ~\ng: 'true'\nh: True\ni: 010\nj: 1_000\n", "f.yaml"
    )
    assert doc.data == {
        "a": "NO",
        "b": "yes",
        "c": "2025-01-01",
        "d": 31,
        "e": 1.5,
        "f": None,
        "g": "true",
        "h": True,
        "i": 10,
        "j": "1_000",
    }


def test_positions_of_nested_values() -> None:
    doc = parse_yaml("# comment\nskills:\n  - name: SQL\n    alignment: {framework: ESCO, code: x}\n", "f.yaml")
    assert doc.positions.locate(["skills", 0, "alignment", "code"]) == (4, 34)
    assert doc.positions.locate(["skills", 0, "missing"]) == (3, 5)
    assert doc.problem(["skills", 0, "name"], "bad", code="t").location.line == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\na: 2\n", "f.yaml:2:1: duplicate key 'a' (first defined on line 1)"),
        ("a: &x 1\nb: *x\n", "f.yaml:1:4: YAML anchors (&x) are not allowed in registry files"),
        ("a: !!binary aGk=\n", "f.yaml:1:4: YAML tags (tag:yaml.org,2002:binary) are not allowed in registry files"),
        ("a: !local x\n", "f.yaml:1:4: YAML tags (!local) are not allowed in registry files"),
        ("? [a]\n: 1\n", "f.yaml:1:3: mapping keys must be plain strings"),
        ("a: 1\n---\nb: 2\n", "f.yaml:2:1: only one YAML document is allowed per file"),
        ("", "f.yaml:1:1: file is empty"),
        ("# only a comment\n", "f.yaml:1:1: file is empty"),
    ],
)
def test_yaml_refusals(text: str, expected: str) -> None:
    assert _fails(text) == expected


def test_merge_keys_are_plain_keys_not_merges() -> None:
    # YAML 1.2 has no merge key; "<<" is an ordinary (and, for our models, unknown) key.
    assert parse_yaml("a: {x: 1}\n<<: {y: 2}\n", "f.yaml").data == {"a": {"x": 1}, "<<": {"y": 2}}


def test_nesting_limit() -> None:
    deep = "a: " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1) + "\n"
    assert "nesting deeper than" in _fails(deep)


def test_decode_utf8() -> None:
    assert decode_utf8("\ufeffa: ü".encode(), "f.yaml") == "a: ü"
    with pytest.raises(SourceError, match=r"f.yaml:2:3: file is not valid UTF-8 \(byte 0xff\)"):
        decode_utf8(b"a: 1\nb:\xff\n", "f.yaml")
    with pytest.raises(SourceError, match="the limit is 10 bytes"):
        decode_utf8(b"x" * 11, "f.yaml", limit=10)


def test_json_positions_are_lazy_and_exact() -> None:
    text = '{\n  "a": 1,\n  "b": [10, {"c": "x,y:z"}],\n  "d": {"e": null}\n}'
    doc = parse_json(text, "k.json")
    assert doc.data["b"][1]["c"] == "x,y:z"
    assert doc.positions.locate(["b", 1, "c"]) == (3, 14)
    assert doc.positions.locate(["d", "e"]) == (4, 9)
    assert locate_json(text, ["b", 0]) == (3, 9)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1,\n "a": 2}', "k.json:2:2: duplicate key 'a'"),
        ('{"a": NaN}', "k.json:1: invalid JSON: NaN is not valid JSON"),
        ('{"a": 1,}', "k.json:1:9: invalid JSON: Expecting property name enclosed in double quotes"),
    ],
)
def test_json_refusals(text: str, expected: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_json(text, "k.json")
    assert str(info.value.problems[0]) == expected


def test_json_lines_offset() -> None:
    with pytest.raises(SourceError) as info:
        parse_json('{"a": }', "b.jsonl", line_offset=41)
    assert info.value.problems[0].location.line == 42
