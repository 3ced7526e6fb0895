"""Safe YAML/JSON reading with positions."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator._internal import source
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
        ("%YAML 1.1\n---\na: no\n", "f.yaml:1:1: %YAML 1.1: registry files are YAML 1.2 (remove the directive)"),
        (
            "%TAG !e! tag:example.org,2026:\n---\na: 1\n",
            "f.yaml:1:1: YAML %TAG directives are not allowed in registry files",
        ),
        ("", "f.yaml:1:1: file is empty"),
        ("# only a comment\n", "f.yaml:1:1: file is empty"),
    ],
)
def test_yaml_refusals(text: str, expected: str) -> None:
    assert _fails(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: x\x00y\n", "f.yaml:2:5: invalid YAML: character U+0000 is not allowed in YAML"),
        ("a: üüü\nb: '\x07'\n", "f.yaml:2:5: invalid YAML: character U+0007 is not allowed in YAML"),  # bytes ≠ chars
        ("a: 1\r\nb: 2\r\n# \x7f\n", "f.yaml:3:3: invalid YAML: character U+007F is not allowed in YAML"),
        ("a: 1\r\nb: 2\nc: \ufffe\n", "f.yaml:3:4: invalid YAML: character U+FFFE is not allowed in YAML"),
        ("a: 1\nb: \udcff\n", "f.yaml:2:4: file is not valid UTF-8"),  # text decoded with surrogateescape
    ],
)
def test_yaml_forbidden_characters_are_located(text: str, expected: str) -> None:
    # libyaml's reader gives no mark, only a byte offset: the problem still names the line and column.
    with pytest.raises(SourceError) as info:
        parse_yaml(text, "f.yaml")
    [problem] = info.value.problems
    assert str(problem).startswith(expected)
    assert problem.code in ("yaml.bad-character", "file.not-utf8")


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("a: 1\r\nb: x # note\u2028c: 2\n", "2:12", "U+2028 (LINE SEPARATOR)"),
        ("a: 1\nb: 'x\u2029y'\n", "2:6", "U+2029 (PARAGRAPH SEPARATOR)"),  # in a quoted string too
        ("a: 1\n\x85b: 2\n", "2:1", "U+0085 (NEXT LINE)"),
        ("a: 1\rb: 2\r", "1:5", "a carriage return (CR) not followed by LF"),
    ],
)
def test_line_breaks_git_does_not_show_are_refused_at_gits_line(text: str, where: str, what: str) -> None:
    # libyaml (YAML 1.1) breaks lines at them; Git, GitHub and most editors do not, so the comment above would
    # have hidden `c: 2` from a reviewer, and later line numbers were not GitHub's.
    with pytest.raises(SourceError) as info:
        parse_yaml(text, "f.yaml")
    [problem] = info.value.problems
    assert str(problem).startswith(f"f.yaml:{where}: {what} is a line break to YAML but not to Git")
    assert problem.code == "yaml.hidden-line-break"


@pytest.mark.parametrize(
    ("text", "where", "char"),
    [
        ("a: 1 # reviewed \u202e deriter :sutats\n", "1:17", "U+202E"),  # an override in a comment
        ("# \u2066note\u2069\na: 1\n", "1:3", "U+2066"),  # an isolate in a comment line
        ("a\u200b: 1\n", "1:2", "U+200B"),  # a key that reads as another
        ("{'b\u202e': 1}\n", "1:4", "U+202E"),  # a quoted flow key
        ("c: |\n  text\n# after the block \u200f\n", "3:19", "U+200F"),  # a comment after a block scalar
        ("a:\n  - x # soft\xadhyphen\n", "2:13", "U+00AD"),
        # A block scalar's header line: libyaml's marks put its comment in the value, which starts on the next line.
        ("c: | # \u202e deriter\n  text\nd: 1\n", "1:8", "U+202E"),
        ("c: >2- # hidden\u200b\n   text\n", "1:16", "U+200B"),
        ("c:\n  - |+ # \u2066x\u2069\n    text\n", "2:10", "U+2066"),
    ],
)
def test_an_unseen_character_outside_the_values_is_refused_where_it_is(text: str, where: str, char: str) -> None:
    # Values refuse them by their fields' rules; in a comment or a key, nothing did, and a bidi override in a
    # comment draws the comment's words where a reviewer expects the value.
    with pytest.raises(SourceError) as info:
        parse_yaml(text, "f.yaml")
    [problem] = info.value.problems
    assert str(problem).startswith(f"f.yaml:{where}: {char}, an invisible or control character, is in a comment")
    assert problem.code == "yaml.hidden-character"


@pytest.mark.parametrize("text", ['a: "x\u202ey"\n', "a: x\u200b\n", "c: |\n  q\u202e\n  r\n", "a: [x\u2066]\n"])
def test_an_unseen_character_in_a_value_is_left_to_its_field_s_rule(text: str) -> None:
    # The field's rule names the field (and an issuer's free text may need none of these either way).
    assert parse_yaml(text, "f.yaml").data


def test_a_yaml_12_directive_is_allowed() -> None:
    assert parse_yaml("%YAML 1.2\n---\na: no\n", "f.yaml").data == {"a": "no"}


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
        ('{"a": NaN}', "k.json:1:7: invalid JSON: NaN is not valid JSON (JSON numbers are finite)"),
        ('{"a": 1,}', "k.json:1:9: invalid JSON: Expecting property name enclosed in double quotes"),
    ],
)
def test_json_refusals(text: str, expected: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_json(text, "k.json")
    assert str(info.value.problems[0]) == expected


_NOT_A_NUMBER = "invalid JSON: {} is not valid JSON (JSON numbers are finite)"
_TOO_LARGE = "invalid JSON: number too large ({} is beyond ±1.8e308)"


@pytest.mark.parametrize(
    ("text", "where", "message", "code"),
    [
        ('{\n "a": "NaN Infinity",\n "b": [1, NaN]}', "3:11", _NOT_A_NUMBER.format("NaN"), "json.syntax"),
        ('{\n "a": 1,\n  "b": Infinity}', "3:8", _NOT_A_NUMBER.format("Infinity"), "json.syntax"),
        ('{"a": "-Infinity", "b":\n\t-Infinity}', "2:2", _NOT_A_NUMBER.format("-Infinity"), "json.syntax"),
        # Read by Python as infinity: refused where it is, not later as a bad signature.
        ('{"a": "1e400", "b": 11e400,\n "c": 1e400}', "1:21", _TOO_LARGE.format("11e400"), "json.number-too-large"),
        ('{"a": [0.5,\n -1.8e308]}', "2:2", _TOO_LARGE.format("-1.8e308"), "json.number-too-large"),
        ('{"a":\n 1' + "0" * 400 + ".0}", "2:2", _TOO_LARGE.format("1" + "0" * 19 + "…"), "json.number-too-large"),
    ],
)
@pytest.mark.parametrize("strict", [True, False])
def test_json_numbers_without_a_value_are_located(text: str, where: str, message: str, code: str, strict: bool) -> None:
    # The orjson path (strict=False) refuses all of these itself and leaves them to the standard library.
    with pytest.raises(SourceError) as info:
        parse_json(text, "k.json", strict=strict, line_offset=10)
    [problem] = info.value.problems
    line, col = where.split(":")
    assert str(problem) == f"k.json:{int(line) + 10}:{col}: {message}"
    assert problem.code == code


def test_known_json_refuses_numbers_without_a_value() -> None:
    # The verification fast path reads registry bytes without positions: still never infinity.
    assert source.parse_known_json(b'{"a": 1e308}') == {"a": 1e308}
    for text in (b'{"a": 1e400}', b'{"a": -1e400}', b'{"a": NaN}', b"[Infinity]"):
        with pytest.raises(ValueError, match=r"not valid JSON|number too large"):
            source.parse_known_json(text)


def test_json_lines_offset() -> None:
    with pytest.raises(SourceError) as info:
        parse_json('{"a": }', "b.jsonl", line_offset=41)
    assert info.value.problems[0].location.line == 42


# --- The orjson path (strict=False): the standard library's data, or the standard library decides -------------

# Texts a hostile award could be: each is refused or read exactly as the standard library reads it.
_HOSTILE_JSON = [
    '{"a": 1, "a": 2}',  # duplicate key: strict refuses; otherwise the last one is kept, as json.loads does
    '{"a": {"b": 1, "c": 2, "b": 3}}',
    '{"a": NaN}',
    '{"a": Infinity}',
    '{"a": -Infinity}',
    '{"a": 1e400}',  # json.loads reads inf; orjson refuses it
    '{"a": -1e400}',
    '{"a": 18446744073709551616}',  # beyond 64 bits: orjson would read a float
    '{"a": -9223372036854775809}',
    '{"a": 9223372036854775808}',
    '{"a": 12345678901234567890123}',
    '{"a": 1' + "0" * 5000 + "}",  # more digits than int() converts
    '{"a": "\\ud800"}',  # lone surrogates
    '{"a": "\\udc00\\ud800"}',
    '{"\\ud800": 1}',
    '{"a": "\\ud83d\\ude00"}',  # a pair: one character
    '\ufeff{"a": 1}',  # byte order mark
    '{"a": "tab\there"}',  # raw control character
    '{"a": "\\u0000"}',
    '{"a": 1,}',
    "[1,]",
    '{"a": 01}',
    '{"a": 1.}',
    '{"a": .5}',
    '{"a": -0}',
    '{"a": -0.0}',
    '{"a": 0.1e-400}',
    '{"a": 1E2, "b": 1e-2, "c": 2.5e+3}',
    '{"a": 1}x',
    '{"a": 1} ',
    " \t\r\n{} ",
    "\x0b{}",
    "\xa0{}",
    "",
    "   ",
    '"just a string"',
    "true",
    "null",
    "[" * 64 + "]" * 64,
    "[" * 65 + "]" * 65,  # beyond MAX_JSON_NESTING
    '{"a": "' + "9" * 30 + '"}',  # a run of digits in a string: left to the standard library, same data
]


def _outcome(text: str, *, strict: bool) -> str:
    """What parse_json makes of ``text``: the data (repr: types, -0.0 and key order count) or the problem."""
    try:
        return "data " + repr(parse_json(text, "k.json", strict=strict).data)
    except SourceError as exc:
        return "refused " + "; ".join(f"{p} [{p.code}]" for p in exc.problems)


def _stdlib_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "quick_loads", lambda encoded: source.NOT_PARSED)


@pytest.mark.parametrize("text", _HOSTILE_JSON)
def test_hostile_json_reads_as_the_standard_library_reads_it(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = {strict: _outcome(text, strict=strict) for strict in (True, False)}
    _stdlib_only(monkeypatch)
    assert fast == {strict: _outcome(text, strict=strict) for strict in (True, False)}


def test_hostile_json_refusals_hold_without_strictness() -> None:
    # What strict=False still refuses (the bounds, NaN, a BOM, syntax) and what only strict refuses.
    assert _outcome('{"a": NaN}', strict=False).startswith("refused")
    assert _outcome("\ufeff{}", strict=False).startswith("refused")
    assert _outcome("[" * 65 + "]" * 65, strict=False).startswith("refused")
    assert "json.too-deep" in _outcome("[" * 65 + "]" * 65, strict=False)
    assert "duplicate key 'a'" in _outcome('{"a": 1, "a": 2}', strict=True)
    assert "lone UTF-16 surrogate" in _outcome('{"a": "\\ud800"}', strict=True)
    # An integer beyond ±(2**53 − 1) (read apart by JSON readers: exact here, rounded by JSON.parse) is refused
    # either way, also where orjson would read it (below 2**64) and where it would make a float of it.
    for big in ("9007199254740992", "-9007199254740993", "18446744073709551615", "18446744073709551616"):
        assert "json.number-too-large" in _outcome('{"a": ' + big + "}", strict=False), big
    assert _outcome('{"a": [9007199254740991, -9007199254740991]}', strict=False).startswith("data")


# An unterminated string full of escaped quotes: the nesting scan retried its string pattern from every quote
# (each try running to the end of the text), quadratic: a 1 MiB award file or baked credential held
# `credreg verify` and the check for most of an hour. The text is refused, and at once.
_QUOTES = "[]" * (source.MAX_JSON_NESTING + 1) + '"' + '\\"' * 60_000


@pytest.mark.parametrize("tail", ["", "\\"])
def test_an_unterminated_string_is_measured_in_linear_time(tail: str) -> None:
    started = time.perf_counter()
    assert _outcome(_QUOTES + tail, strict=True).startswith("refused")
    assert time.perf_counter() - started < 1.0


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(_json_values, st.booleans())
def test_orjson_reads_what_json_loads_reads(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only, indent=None if ascii_only else 1)
    if _unsafe_integer(value):  # refused by both (source.py _safe_int), however read
        for strict in (True, False):
            assert "json.number-too-large" in _outcome(text, strict=strict)
        return
    assert repr(parse_json(text, "k.json", strict=False).data) == repr(json.loads(text))


def _unsafe_integer(value: Any) -> bool:
    if type(value) is int:
        return abs(value) > 2**53 - 1
    if isinstance(value, dict):
        return any(_unsafe_integer(v) for v in value.values())
    return isinstance(value, list) and any(_unsafe_integer(v) for v in value)


@settings(max_examples=400, deadline=None)
@given(
    st.from_regex(r"-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,25})?([eE][-+]?[0-9]{1,3})?", fullmatch=True),
)
def test_numbers_read_alike(number: str) -> None:
    # Floats are rounded alike (both correctly rounded); integers beyond ±(2**53 − 1) are refused.
    text = f'{{"n": {number}}}'
    try:
        value = json.loads(number)
    except ValueError:
        return  # too many digits for int(): refused either way (the hostile list has one)
    if _unsafe_integer(value):  # beyond ±(2**53 − 1): refused, as on the page
        assert "json.number-too-large" in _outcome(text, strict=False)
        return
    expected = "data " + repr({"n": value})
    if expected.endswith("inf}"):
        return
    assert _outcome(text, strict=False) == expected


# --- A duplicate key in text that is not JSON: the locating scan is never given what it cannot read ----------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The duplicate-key hook fires before the rest of the text is read: the syntax error comes first.
        ('[{"a":1,"a":2}]]', "k.json:1:16: invalid JSON: Extra data"),
        ('[{"a":1,"a":2},{"\\q":1}]', "k.json:1:18: invalid JSON: Invalid \\escape"),
        ('{"a":1,"a":2}}', "k.json:1:14: invalid JSON: Extra data"),
        ('{"a":{"b":1,"b":2}', "k.json:1:19: invalid JSON: Expecting ',' delimiter"),
        ('{"a":{"b":1,"b":2}, "c": NaN}', "k.json:1:26: invalid JSON: NaN is not valid JSON (JSON numbers are finite)"),
        # Valid JSON: still the duplicate, where it is.
        ('[{"a":1,"a":2}]', "k.json:1:9: duplicate key 'a'"),
    ],
)
def test_duplicate_key_before_a_syntax_error(text: str, expected: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_json(text, "k.json")
    assert str(info.value.problems[0]) == expected


def _award_text() -> str:
    from tests.conftest import REPO

    return next(iter(sorted((REPO / "registry").rglob("awards/**/*.json")))).read_text()


def _mutations(text: str, seed: int, count: int) -> list[str]:
    """Random truncations and small edits of ``text``, each with a duplicate member somewhere."""
    import random

    rng = random.Random(seed)
    alphabet = '{}[]",:\\ \n0123456789aeflnrstu-+.Ee'
    out = []
    for _ in range(count):
        t = text
        # Duplicate a member so that the duplicate-key hook fires first on most of them.
        at = t.find('"id"', rng.randrange(len(t)))
        if at > 0:
            t = t[:at] + '"id": 1, ' + t[at:]
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(t) + 1)
            op = rng.randrange(4)
            if op == 0:
                t = t[:i]
            elif op == 1:
                t = t[:i] + rng.choice(alphabet) + t[i:]
            elif op == 2:
                t = t[:i] + t[i + 1 :]
            else:
                t = t[:i] + rng.choice(alphabet) + t[i + 1 :]
        out.append(t)
    return out


def test_mutated_awards_give_located_problems_never_exceptions() -> None:
    text = _award_text()
    for mutated in _mutations(text, seed=20261203, count=1500):
        for strict in (True, False):
            try:
                doc = parse_json(mutated, "a.json", strict=strict)
            except SourceError as exc:
                located = exc.problems[0].location.path
            else:
                located = "a.json"
                doc.positions.locate(["credentialSubject", "id"])
            assert located == "a.json"
        # The locating scan itself reads anything without raising.
        source._json_scan(mutated)
        locate_json(mutated, ["proof", 0, "proofValue"])


# --- Huge integers: a located problem, never int()'s digit limit or a validator's repr() -----------------------


@pytest.mark.parametrize(
    "number",
    [
        "9" * 4400,  # beyond int()'s digit limit
        "-" + "9" * 4400,
        "0x" + "f" * 4000,  # power-of-two bases have no digit limit: repr() of the value would fail later
        "0o" + "7" * 5000,
        "9007199254740992",  # just beyond the bound
        "-9007199254740992",
        "0x20000000000000",
        "+" + "0" * 30 + "9" * 21,
    ],
)
def test_yaml_huge_integers_are_refused_where_they_are(number: str) -> None:
    with pytest.raises(SourceError) as info:
        parse_yaml(f"a: 1\nb:\n  - c: {number}\n", "f.yaml")
    [problem] = info.value.problems
    assert (problem.location.line, problem.location.col, problem.field) == (3, 8, "b[0].c")
    assert problem.code == "yaml.number-too-large"
    assert "number too large" in problem.message


@pytest.mark.parametrize(
    ("number", "value"),
    [
        ("9007199254740991", 2**53 - 1),
        ("-9007199254740991", -(2**53 - 1)),
        ("0x" + "0" * 50 + "1f", 31),  # leading zeros are not digits that count
        ("0o17", 15),
        ("0b" + "1" * 5000, "0b" + "1" * 5000),  # not an integer in YAML 1.2's core schema: text
        ("1e99999", float("inf")),
    ],
)
def test_yaml_integers_within_the_bound(number: str, value: Any) -> None:
    assert parse_yaml(f"n: {number}\n", "f.yaml").data == {"n": value}


def test_json_huge_integer_is_located() -> None:
    text = '{"a": "' + "9" * 5000 + '",\n "b": [1, ' + "9" * 5000 + "]}"
    for strict in (True, False):
        with pytest.raises(SourceError) as info:
            parse_json(text, "k.json", strict=strict, line_offset=10)
        [problem] = info.value.problems
        assert str(problem.location) == "k.json:12:11"
        assert "number too large" in problem.message
    # The same behind a duplicate key (the syntax check that comes first): still located.
    with pytest.raises(SourceError) as info:
        parse_json('[{"a": 1, "a": 2}, ' + "9" * 5000 + "]", "k.json")
    assert str(info.value.problems[0].location) == "k.json:1:20"
