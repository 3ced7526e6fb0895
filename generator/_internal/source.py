"""Reading registry files safely, keeping the position of every value.

YAML is read from libyaml's *event* stream and values are built here, never by a YAML constructor. That makes
the unsafe parts impossible rather than filtered: explicit tags are refused (no object construction), anchors
and aliases are refused (no alias bombs), and plain scalars follow the YAML 1.2 core schema, so ``NO`` stays
the string ``"NO"`` and ``2025-01-01`` stays a string for the models to parse. Lines break where Git breaks them
(LF, or CR LF): libyaml's YAML 1.1 breaks (NEL, U+2028, U+2029, a lone CR) are refused, so the file is read as it is
shown.

JSON is parsed by the standard library (fast); positions are only computed when a problem needs one. Before it
is, the text is bounded (size, nesting depth) and must be UTF-8 without lone surrogates, so that no input can end
a command with a ``RecursionError`` or a ``UnicodeEncodeError`` instead of a located problem. Text already known
to be strictly valid (``strict=False``) is parsed by orjson, several times faster, wherever it gives the standard
library's data; anything orjson refuses, and any integer of 16 digits or more (one it would turn into a float,
or one beyond ±(2**53 − 1), which no reader here accepts), is parsed by the standard library, which says where
the problem is.

Every value's position is kept in :class:`Positions`, keyed by its path (a tuple of keys and indexes), so later
stages can turn a pydantic or jsonschema error path into ``file:line:col``.
"""

from __future__ import annotations

import bisect
import json
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import yaml

from generator._internal.files import open_regular
from generator._internal.text import UNSEEN
from generator.errors import Location, Problem, ProblemList, Severity

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_JSON_NESTING",
    "MAX_NESTING",
    "MAX_YAML_INT",
    "NOT_PARSED",
    "Document",
    "PathKey",
    "Positions",
    "SourceError",
    "decode_utf8",
    "format_field",
    "locate_json",
    "parse_json",
    "parse_known_json",
    "parse_yaml",
    "quick_loads",
    "read_json_bytes",
    "read_json_file",
]

#: Registry files are small; a bound keeps a hostile pull request from exhausting memory in the check.
MAX_FILE_BYTES = 256 * 1024
#: Deeper nesting than any model needs is refused before it reaches a recursive validator.
MAX_NESTING = 32
#: JSON (awards, status lists, revocations, credentials given to ``credreg verify``) may nest this deep; a
#: foreign Open Badge with endorsements nests about a dozen levels.
MAX_JSON_NESTING = 64

PathKey = tuple[str | int, ...]


@dataclass(slots=True)
class Positions:
    """1-based (line, column) of values by path. For a mapping entry, the position is that of its key."""

    at: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    #: Line offset added when the text is one line of a larger file (JSON Lines).
    line_offset: int = 0

    def locate(self, path: Sequence[str | int]) -> tuple[int, int]:
        """Position of ``path``, or of its nearest ancestor that has one (e.g. the mapping missing a field)."""
        key = tuple(path)
        while key:
            pos = self.at.get(key)
            if pos is not None:
                return pos[0] + self.line_offset, pos[1]
            key = key[:-1]
        pos = self.at.get((), (1, 1))
        return pos[0] + self.line_offset, pos[1]


@dataclass(slots=True)
class Document:
    """A parsed file: its data and where each value came from."""

    path: str
    data: Any
    positions: Positions

    def problem(
        self, loc: Sequence[str | int], message: str, *, code: str, severity: Severity = Severity.ERROR
    ) -> Problem:
        """A problem at ``loc`` (a field path) in this document."""
        line, col = self.positions.locate(loc)
        return Problem(Location(self.path, line, col), message, format_field(loc), code, severity)


class SourceError(Exception):
    """The file could not be read as data at all; ``problems`` say where."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def format_field(loc: Sequence[str | int]) -> str:
    """``("skills", 2, "alignment", "code")`` → ``skills[2].alignment.code``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _error(path: str, message: str, line: int | None, col: int | None, code: str, field: str = "") -> SourceError:
    problems = ProblemList()
    return SourceError([problems.add(path, message, line=line, col=col, field=field, code=code)])


def decode_utf8(raw: bytes, path: str, *, limit: int = MAX_FILE_BYTES) -> str:
    """Bytes → text, refusing oversized and non-UTF-8 files with the position of the first bad byte."""
    if len(raw) > limit:
        raise _error(path, f"file is {len(raw):,} bytes; the limit is {limit:,} bytes", None, None, "file.too-large")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _error(
            path,
            f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            line,
            col,
            "file.not-utf8",
        ) from None
    return text.removeprefix("\ufeff")


# --- YAML -------------------------------------------------------------------------------------------------

# YAML 1.2 core schema, for plain (unquoted) scalars only.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)\Z")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+\Z")
_INT8 = re.compile(r"^0o[0-7]+\Z")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)\Z")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)\Z")


#: Integers a YAML file may hold: JSON's safe range (RFC 8785, I-JSON), far beyond any count or limit a registry
#: file gives. A bigger one would overflow ``int()``'s digit limit, or later ``repr()`` in a validator's message.
MAX_YAML_INT = 2**53 - 1
#: More significant digits than this (in any base) is too large without converting it.
_MAX_INT_TEXT = 20


class _NumberTooLarge(Exception):
    pass


def _bounded_int(digits: str, base: int, negative: bool = False) -> int:
    significant = digits.lstrip("0")
    if len(significant) > _MAX_INT_TEXT:
        raise _NumberTooLarge
    number = int(significant or "0", base)
    if number > MAX_YAML_INT:
        raise _NumberTooLarge
    return -number if negative else number


def _plain_scalar(value: str) -> Any:
    """A plain scalar's value (YAML 1.2 core schema). Raises :class:`_NumberTooLarge` for an integer beyond
    ±:data:`MAX_YAML_INT`."""
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT10.match(value):
        return _bounded_int(value.lstrip("+-"), 10, value.startswith("-"))
    if _INT8.match(value):
        return _bounded_int(value[2:], 8)
    if _INT16.match(value):
        return _bounded_int(value[2:], 16)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return float("-inf") if value.startswith("-") else float("inf")
    if _NAN.match(value):
        return float("nan")
    return value


def _mark(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    assert mark is not None  # the parser marks every event it emits
    return mark.line + 1, mark.column + 1


class _Builder:
    """Builds plain Python values from parser events, recording positions and refusing unsafe constructs."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.positions = Positions()
        # Each frame: [container, path, pending_key, pending_key_pos, key_lines]
        self.stack: list[list[Any]] = []
        self.root: Any = None
        self.documents = 0
        #: The character span of each value scalar, in file order (keys and comments are outside every span).
        self.value_spans: list[tuple[int, int]] = []

    def fail(self, event: yaml.Event, message: str, code: str) -> SourceError:
        line, col = _mark(event)
        return _error(self.path, message, line, col, code)

    def _check_node(self, event: yaml.NodeEvent) -> None:
        if isinstance(event, yaml.AliasEvent):
            raise self.fail(event, "YAML aliases (*name) are not allowed in registry files", "yaml.alias")
        if event.anchor is not None:
            raise self.fail(event, f"YAML anchors (&{event.anchor}) are not allowed in registry files", "yaml.anchor")
        tag = getattr(event, "tag", None)
        if tag is not None:
            raise self.fail(event, f"YAML tags ({tag}) are not allowed in registry files", "yaml.tag")

    def _child_path(self, event: yaml.Event) -> PathKey:
        """Path of the node that starts now, attaching it to its parent slot."""
        if not self.stack:
            return ()
        frame = self.stack[-1]
        container, parent = frame[0], frame[1]
        if isinstance(container, list):
            return (*parent, len(container))
        return (*parent, frame[2])

    def _attach(self, value: Any, event: yaml.Event) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        container = frame[0]
        if isinstance(container, list):
            container.append(value)
            return
        container[frame[2]] = value
        frame[2] = None

    def _scalar_key(self, event: yaml.ScalarEvent) -> None:
        frame = self.stack[-1]
        key = event.value
        line, col = _mark(event)
        first = frame[4].get(key)
        if first is not None:
            raise _error(
                self.path,
                f"duplicate key {key!r} (first defined on line {first})",
                line,
                col,
                "yaml.duplicate-key",
            )
        frame[4][key] = line
        frame[2] = key
        self.positions.at[(*frame[1], key)] = (line, col)

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self.fail(event, "only one YAML document is allowed per file", "yaml.multiple-documents")
            version = getattr(event, "version", None)
            if version is not None and tuple(version) != (1, 2):
                # Read as YAML 1.2 whatever it says: a file that declares 1.1 has `no`, `on` and `017` read by every
                # 1.1 reader (an editor honouring the directive) as a boolean and an octal number, here as text.
                raise self.fail(
                    event,
                    f"%YAML {'.'.join(map(str, version))}: registry files are YAML 1.2 (remove the directive)",
                    "yaml.version",
                )
            if getattr(event, "tags", None):  # %TAG only serves tags, which are refused
                raise self.fail(event, "YAML %TAG directives are not allowed in registry files", "yaml.tag")
            return
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
            return
        in_mapping = bool(self.stack) and isinstance(self.stack[-1][0], dict)
        expecting_key = in_mapping and self.stack[-1][2] is None
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = self.stack.pop()
            self._attach(frame[0], event)
            return
        assert isinstance(event, yaml.NodeEvent)
        self._check_node(event)
        if expecting_key:
            if not isinstance(event, yaml.ScalarEvent):
                raise self.fail(event, "mapping keys must be plain strings", "yaml.complex-key")
            self._scalar_key(event)
            return
        path = self._child_path(event)
        if path not in self.positions.at:
            self.positions.at[path] = _mark(event)
        if isinstance(event, yaml.ScalarEvent):
            try:
                value = _plain_scalar(event.value) if event.implicit[0] else event.value
            except _NumberTooLarge:
                message = f"number too large: integers are limited to ±{MAX_YAML_INT:,} (quote it if it is text)"
                line, col = _mark(event)
                field = format_field(path)
                raise _error(self.path, message, line, col, "yaml.number-too-large", field) from None
            self._attach(value, event)
            start, end = event.start_mark, event.end_mark
            if start is not None and end is not None:  # libyaml gives both (without, its text counts as outside)
                at = start.index
                if event.style in ("|", ">"):
                    # A block scalar's marks start at its header ("|2- # comment"), whose comment is no value: its
                    # text starts on the next line (a hidden break is refused before, so that is after an LF).
                    line_end = self.text.find("\n", at, end.index)
                    at = end.index if line_end < 0 else line_end + 1
                self.value_spans.append((at, end.index))
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(self.stack) >= MAX_NESTING:
                raise self.fail(event, f"nesting deeper than {MAX_NESTING} levels", "yaml.too-deep")
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            self.stack.append([container, path, None, None, {}])


_UNSEEN_RE = re.compile(f"[{UNSEEN}]")

# Where libyaml starts a new line (for its marks too): CR LF, CR, LF, NEL, LINE and PARAGRAPH SEPARATOR.
_YAML_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def _yaml_linecol(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of character ``offset`` in ``text``, lines counted as libyaml counts them."""
    line, start = 1, 0
    for m in _YAML_BREAK.finditer(text, 0, offset):
        line, start = line + 1, m.end()
    return line, offset - start + 1


#: What libyaml (YAML 1.1) takes for a line break but Git, GitHub and most editors do not: NEL, LINE and PARAGRAPH
#: SEPARATOR, and a carriage return not followed by LF.
_HIDDEN_BREAK = re.compile(r"\r(?!\n)|[\x85\u2028\u2029]")


def _hidden_break(text: str, path: str) -> SourceError | None:
    """The problem of a line break the file's readers do not see (``None`` when it has none). A comment a reviewer
    reads as one line would end there and hide the field after it, and every line number from there on would
    not be the one GitHub annotates. Refused wherever it is (a quoted string's text cannot hold one either:
    :data:`generator._internal.text.UNSEEN`); counted in LF lines, as Git counts them."""
    m = _HIDDEN_BREAK.search(text)
    if m is None:
        return None
    char = m.group()
    what = "a carriage return (CR) not followed by LF" if char == "\r" else f"U+{ord(char):04X} ({_BREAK_NAMES[char]})"
    line, col = _linecol(text, m.start())
    message = (
        f"{what} is a line break to YAML but not to Git, GitHub or most editors, so the file would be read "
        "otherwise than it is shown: use plain line breaks (LF, or CR LF)"
    )
    return _error(path, message, line, col, "yaml.hidden-line-break")


_BREAK_NAMES = {"\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


def _hidden_character(text: str, path: str, values: list[tuple[int, int]]) -> SourceError | None:
    """The problem of a character readers do not see, or that reorders what they see (:data:`UNSEEN`: a bidi
    override, a zero-width space), outside the file's values: in a comment or a key (``None`` when there is
    none). There it would make the line a reviewer reads differ from the line YAML reads (an override in a comment
    can draw the comment's words where the value is). Values are left to their fields' rules, which name the
    field. ``values`` are the values' character spans, in file order; a byte order mark may open the file."""
    starts = [start for start, _ in values]
    for m in _UNSEEN_RE.finditer(text, 1 if text.startswith("\ufeff") else 0):
        at = bisect.bisect_right(starts, m.start()) - 1
        if at >= 0 and m.start() < values[at][1]:
            continue
        line, col = _linecol(text, m.start())
        message = (
            f"U+{ord(m.group()):04X}, an invisible or control character, is in a comment or a key, where it could "
            "make this line read otherwise than YAML reads it: remove it"
        )
        return _error(path, message, line, col, "yaml.hidden-character")
    return None


def parse_yaml(text: str, path: str) -> Document:
    """Parse one YAML document into plain values with positions. Raises :class:`SourceError`."""
    hidden = _hidden_break(text, path)
    if hidden is not None:
        raise hidden
    builder = _Builder(path, text)
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise _error(path, f"invalid YAML: {exc.problem or exc.context}", line, col, "yaml.syntax") from None
    except yaml.reader.ReaderError as exc:  # a character YAML forbids: no mark, only a UTF-8 byte offset
        # libyaml reads the text as UTF-8: its offset counts bytes.
        line, col = _yaml_linecol(text, len(text.encode("utf-8")[: exc.position].decode("utf-8", "replace")))
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        message = f"invalid YAML: character {what} is not allowed in YAML ({exc.reason})"
        raise _error(path, message, line, col, "yaml.bad-character") from None
    except yaml.YAMLError as exc:
        raise _error(path, f"invalid YAML: {exc}", None, None, "yaml.syntax") from None
    except UnicodeEncodeError as exc:  # a lone surrogate (text decoded with surrogateescape): not UTF-8
        line, col = _yaml_linecol(text, exc.start)
        raise _error(path, "file is not valid UTF-8", line, col, "file.not-utf8") from None
    if builder.documents == 0 or builder.root is None:
        raise _error(path, "file is empty", 1, 1, "file.empty")
    hidden = _hidden_character(text, path, builder.value_spans)
    if hidden is not None:
        raise hidden
    builder.positions.at.setdefault((), (1, 1))
    return Document(path, builder.root, builder.positions)


# --- JSON -------------------------------------------------------------------------------------------------


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


class _BadNumber(ValueError):
    """A number JSON cannot hold, refused while parsing; ``token`` is its text, for :func:`_find_token`."""

    def __init__(self, token: str, message: str, code: str) -> None:
        super().__init__(message)
        self.token, self.message, self.code = token, message, code


def _reject_constant(name: str) -> Any:
    raise _BadNumber(name, f"{name} is not valid JSON (JSON numbers are finite)", "json.syntax")


def _finite_float(text: str) -> float:
    """``float(text)``, refusing a number beyond a double's range, which Python would read as infinity (and
    which would then fail far from here, e.g. as a bad signature). orjson refuses such a number itself and
    leaves it to the standard library, so both paths give this problem."""
    value = float(text)
    if math.isinf(value):
        shown = text if len(text) <= 24 else text[:20] + "…"
        limit = f"{sys.float_info.max:.1e}".replace("e+", "e")  # 1.8e308
        raise _BadNumber(text, f"number too large ({shown} is beyond ±{limit})", "json.number-too-large")
    return value


def _safe_int(text: str) -> int:
    """``int(text)``, refusing an integer beyond ±(2**53 − 1), YAML's bound (:data:`MAX_YAML_INT`) and I-JSON's.
    Python reads it exactly, JavaScript (the verification page, any JSON.parse) as another number, and RFC 8785
    cannot canonicalize it: the page refused such a text as JSON, credreg read it and went on to checks that
    could only fail. Now both readers refuse it, here (jcs.js parseJSON is the page's copy)."""
    if len(text) < 16:  # 2**53 has 16 digits
        return int(text)
    if len(text) > _MAX_INT_TEXT + 1 or not -MAX_YAML_INT <= (number := int(text)) <= MAX_YAML_INT:
        shown = text if len(text) <= 24 else text[:20] + "…"
        message = f"number too large (the integer {shown} is beyond ±{MAX_YAML_INT:,}, JSON's exact integers)"
        raise _BadNumber(text, message, "json.number-too-large")
    return number


#: The standard library's parsing, refusing what JSON has no number for: NaN, infinities, overflowing numbers, and
#: integers beyond ±(2**53 − 1), which JSON readers read apart.
_NUMBER_HOOKS: dict[str, Any] = {
    "parse_constant": _reject_constant,
    "parse_float": _finite_float,
    "parse_int": _safe_int,
}


# Strings (skipped whole) and brackets: enough to measure nesting without parsing. A string that is never closed
# runs to the end of the text (as a JSON reader reads it; the text is refused anyway): a pattern that had to find
# the closing quote failed there, and was tried again from every later quote to the end, quadratic in the text
# (an hour for 1 MiB of escaped quotes). Now each string is one match that never fails. verifier.js STRUCTURE alike.
_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)|[\[\]{}]', re.S)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF][0-9a-fA-F]{2}")
# orjson reads an integer beyond 64 bits as a float (the standard library: as an int), and one beyond ±(2**53 − 1)
# as it is, where the standard library's reader here refuses it (_safe_int). Such an integer has at least 16
# digits; text with any run of 16 digits (in a number or a string: rare) is left to the standard library. Found
# by mapping every digit to "0" and searching (a regular expression is a hundred times slower).
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_DIGITS = b"0" * 16


def _too_deep(text: str, encoded: bytes | None = None) -> int | None:
    """Offset of the first bracket nested deeper than :data:`MAX_JSON_NESTING`, if any."""
    raw = text.encode("utf-8", "surrogatepass") if encoded is None else encoded
    if raw.count(b"{") + raw.count(b"[") <= MAX_JSON_NESTING:
        return None  # the common case, at C speed (bytes count faster than str): not even that many brackets
    depth = 0
    for m in _STRUCTURE.finditer(text):
        token = m.group()
        if token in ("{", "["):
            depth += 1
            if depth > MAX_JSON_NESTING:
                return m.start()
        elif token in ("}", "]"):
            depth -= 1
    return None


def _linecol(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _has_lone_surrogate(data: Any) -> bool:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def parse_json(
    text: str,
    path: str,
    *,
    line_offset: int = 0,
    with_positions: bool = False,
    strict: bool = True,
    max_bytes: int = MAX_FILE_BYTES,
    what: str = "file",
) -> Document:
    """Parse JSON strictly (no duplicate keys, no NaN, no lone surrogates, at most ``max_bytes`` of UTF-8 and
    :data:`MAX_JSON_NESTING` levels). Positions are computed lazily unless asked for.

    ``strict=False`` skips the duplicate-key and lone-surrogate checks, for text already known to pass them (the
    verification cache knows exact bytes that did) or read only to look something up: the same data, faster.
    The bounds (size, nesting) hold either way: they keep the parser itself safe."""
    if len(text) > max_bytes:
        raise _error(path, f"{what} is over {max_bytes:,} bytes", line_offset + 1, None, "file.too-large")
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError as exc:  # text decoded with surrogateescape: the bytes were not UTF-8
        line, col = _linecol(text, exc.start)
        raise _error(path, f"{what} is not valid UTF-8", line + line_offset, col, "file.not-utf8") from None
    size = len(encoded)
    if size > max_bytes:
        raise _error(
            path, f"{what} is {size:,} bytes; the limit is {max_bytes:,}", line_offset + 1, None, "file.too-large"
        )
    deep = _too_deep(text, encoded)
    if deep is not None:
        line, col = _linecol(text, deep)
        message = f"nesting deeper than {MAX_JSON_NESTING} levels"
        raise _error(path, message, line + line_offset, col, "json.too-deep")
    data = NOT_PARSED if strict else quick_loads(encoded)
    try:
        if data is NOT_PARSED:  # strict (duplicate keys refused), or what orjson leaves to the standard library
            hook = _no_duplicates if strict else None
            data = json.loads(text, object_pairs_hook=hook, **_NUMBER_HOOKS)
    except json.JSONDecodeError as exc:
        raise _error(path, f"invalid JSON: {exc.msg}", exc.lineno + line_offset, exc.colno, "json.syntax") from None
    except _DuplicateKey as exc:
        # The hook fires as soon as the object closes, before the rest of the text is read: a syntax error later
        # on is the first thing to say (and the locating scan is then given only valid JSON).
        _raise_syntax_error(text, path, line_offset)
        line, col = _find_duplicate(text, exc.key)
        raise _error(path, f"duplicate key {exc.key!r}", line + line_offset, col, "json.duplicate-key") from None
    except (ValueError, RecursionError) as exc:
        raise _value_error(exc, text, path, line_offset) from None
    if strict and "\\u" in text and _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(data):
        raise _error(path, "invalid JSON: a string holds a lone UTF-16 surrogate", line_offset + 1, None, "json.syntax")
    positions = Positions(line_offset=line_offset)
    doc = Document(path, data, positions)
    if with_positions:
        positions.at.update(_json_positions(text))
    else:
        # Filled on first use: most files never have a problem, and scanning costs more than parsing.
        doc.positions = _LazyJsonPositions(text, line_offset)
    return doc


def _raise_syntax_error(text: str, path: str, line_offset: int) -> None:
    """Raise the :class:`SourceError` for ``text``'s JSON syntax error, if it has one (duplicates allowed)."""
    try:
        json.loads(text, **_NUMBER_HOOKS)
    except json.JSONDecodeError as exc:
        raise _error(path, f"invalid JSON: {exc.msg}", exc.lineno + line_offset, exc.colno, "json.syntax") from None
    except (ValueError, RecursionError) as exc:
        raise _value_error(exc, text, path, line_offset) from None


def _value_error(exc: Exception, text: str, path: str, line_offset: int) -> SourceError:
    """The :class:`SourceError` for what ``json.loads`` refused other than by a syntax error (NaN, an integer
    beyond Python's digit limit)."""
    if isinstance(exc, _BadNumber):
        line, col = _find_token(text, exc.token)
        return _error(path, f"invalid JSON: {exc.message}", line + line_offset, col, exc.code)
    if "int_max_str_digits" not in str(exc):
        return _error(path, f"invalid JSON: {exc}", line_offset + 1, None, "json.syntax")
    # Python's own wording for a huge integer tells the reader to raise an interpreter limit: say what it is,
    # and where (the first digit run that long outside a string; the line alone if none is found).
    limit = sys.get_int_max_str_digits()
    message = f"invalid JSON: number too large (an integer has more than {limit:,} digits)"
    found = _outside_strings(text, r"(?<![0-9.eE+-])-?[0-9]{" + str(limit + 1) + ",}")
    if found is None:
        return _error(path, message, line_offset + 1, None, "json.number-too-large")
    return _error(path, message, found[0] + line_offset, found[1], "json.number-too-large")


def _find_token(text: str, token: str) -> tuple[int, int]:
    """Line and column of the first ``token`` (a whole literal) outside strings; the parser refused the first
    one it met, and the text before it parsed, so this is the one. (1, 1) if not found."""
    boundary = r"[\w.+-]"
    return _outside_strings(text, rf"(?<!{boundary}){re.escape(token)}(?!{boundary})") or (1, 1)


def _outside_strings(text: str, pattern: str) -> tuple[int, int] | None:
    """Line and column of the first match of ``pattern`` that is not inside a JSON string (``None``: none)."""
    for m in re.finditer(rf'"(?:[^"\\]|\\.)*"|{pattern}', text, re.S):
        if not m.group().startswith('"'):
            return _linecol(text, m.start())
    return None


NOT_PARSED = object()


def quick_loads(encoded: bytes, *, safe_integers: bool = False) -> Any:
    """What ``json.loads`` (duplicates allowed, last one kept) gives for ``encoded``, parsed by orjson; or
    ``NOT_PARSED`` where orjson refuses the text or might read it differently (the standard library decides).

    ``safe_integers``: the caller knows every integer in the text to be within ±(2**53 − 1) (the verification
    cache knows such bytes), so orjson cannot read one as a float: the search for long integers is skipped."""
    if not safe_integers and _LONG_DIGITS in encoded.translate(_DIGITS_TO_ZERO):
        return NOT_PARSED
    try:
        return orjson.loads(encoded)
    except orjson.JSONDecodeError:  # a syntax error, NaN, a lone surrogate, 1e400: the standard library says how
        return NOT_PARSED


def parse_known_json(encoded: bytes, *, safe_integers: bool = False) -> Any:
    """The data :func:`parse_json` gives with ``strict=False`` for the UTF-8 JSON text ``encoded``, which the
    caller knows to be within its bounds (size, nesting); without positions. ``ValueError`` if it does not parse.
    ``safe_integers``: as for :func:`quick_loads`."""
    data = quick_loads(encoded, safe_integers=safe_integers)
    if data is NOT_PARSED:
        data = json.loads(encoded, **_NUMBER_HOOKS)
    return data


def read_json_file(
    path: Any, rel: str, *, max_bytes: int = MAX_FILE_BYTES, what: str = "file", regular: bool = True
) -> Document:
    """Read and parse one JSON file, never more than ``max_bytes`` of it; raises :class:`SourceError`. A regular
    file only unless ``regular=False`` (:func:`read_json_bytes`): every file of a registry is read so, since a
    pull request's tree may hold a link to a FIFO where any of them should be (a key file's held the check up)."""
    return read_json_bytes(path, rel, max_bytes=max_bytes, what=what, regular=regular)[1]


def read_json_bytes(
    path: Any, rel: str, *, max_bytes: int = MAX_FILE_BYTES, what: str = "file", regular: bool = True
) -> tuple[bytes, Document]:
    """:func:`read_json_file`, with the bytes it parsed (what a hash of the file must be of: read once).
    ``regular``: only a regular file, never through a symbolic link at its end nor waiting on a FIFO
    (:func:`generator._internal.files.open_regular`)."""
    try:
        with open_regular(Path(path)) if regular else open(path, "rb") as fh:  # noqa: PTH123 - a str or a Path
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise _error(rel, f"cannot be read: {exc.strerror or exc}", None, None, "file.unreadable") from None
    if len(raw) > max_bytes:
        raise _error(rel, f"{what} is over {max_bytes:,} bytes", None, None, "file.too-large")
    text = decode_utf8(raw, rel, limit=max_bytes)
    if raw.startswith(b"\xef\xbb\xbf"):
        text = "\ufeff" + text  # JSON has no byte order mark (RFC 8259): refused, as award files and the page do
    return raw, parse_json(text, rel, max_bytes=max_bytes, what=what)


class _LazyJsonPositions(Positions):
    __slots__ = ("_text",)

    def __init__(self, text: str, line_offset: int) -> None:
        super().__init__(line_offset=line_offset)
        self._text: str | None = text

    def locate(self, path: Sequence[str | int]) -> tuple[int, int]:
        if self._text is not None:
            self.at.update(_json_positions(self._text))
            self._text = None
        return super().locate(path)


_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<open>[{\[])|(?P<close>[}\]])|(?P<colon>:)|(?P<comma>,)'
    r"|(?P<lit>[^\s,:\[\]{}\"]+))",
    re.S,
)


def _json_scan(text: str) -> list[tuple[PathKey, tuple[int, int]]]:
    """Every value's path and position, in document order (a repeated member name appears twice).

    Object members are reported at their key. Only called when a problem needs a position. Never raises, even
    on text that is not JSON: it stops at the first token it cannot place.
    """
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def linecol(offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(line_starts, offset) - 1
        return line + 1, offset - line_starts[line] + 1

    found: list[tuple[PathKey, tuple[int, int]]] = []
    # Frames: [is_object, path, next_index, pending_key, expecting_key]
    stack: list[list[Any]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        kind = m.lastgroup
        assert kind is not None
        start = m.start(kind)
        if kind == "colon":
            continue
        if kind == "comma":
            if stack and stack[-1][0]:
                stack[-1][4] = True
            continue
        if kind == "close":
            if not stack:  # not valid JSON: nothing more to locate
                break
            stack.pop()
            continue
        if stack and stack[-1][0] and stack[-1][4] and kind == "str":
            frame = stack[-1]
            frame[3], frame[4] = _member_name(m.group("str")), False
            found.append(((*frame[1], frame[3]), linecol(start)))
            continue
        if not stack:
            path: PathKey = ()
            found.append(((), linecol(start)))
        elif stack[-1][0]:
            path = (*stack[-1][1], stack[-1][3])
        else:
            path = (*stack[-1][1], stack[-1][2])
            stack[-1][2] += 1
            found.append((path, linecol(start)))
        if kind == "open":
            stack.append([m.group("open") == "{", path, 0, None, True])
    return found


def _member_name(token: str) -> str:
    """A member name's value; the text between the quotes where it is not a valid JSON string (the scan may
    be given invalid JSON and must not raise)."""
    try:
        name = json.loads(token)
    except ValueError:
        return token[1:-1]
    return name if isinstance(name, str) else token[1:-1]


def _json_positions(text: str) -> dict[PathKey, tuple[int, int]]:
    out: dict[PathKey, tuple[int, int]] = {}
    for path, linecol in _json_scan(text):
        out.setdefault(path, linecol)
    return out


def _find_duplicate(text: str, key: str) -> tuple[int, int]:
    """Line and column of the second occurrence of member ``key`` in one object."""
    seen: set[PathKey] = set()
    for path, linecol in _json_scan(text):
        if path and path[-1] == key:
            if path in seen:
                return linecol
            seen.add(path)
    return 1, 1


def locate_json(text: str, path: Sequence[str | int]) -> tuple[int, int]:
    """Line and column of ``path`` in a JSON text (nearest ancestor if absent)."""
    positions = Positions()
    positions.at.update(_json_positions(text))
    return positions.locate(path)
