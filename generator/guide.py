"""The reference part of the "Become an issuer" guide, generated from the JSON Schemas at build time.

``docs/become-an-issuer.md`` holds the marker ``<!-- credreg:fields issuer -->`` (or ``credential``); the site
plugin replaces it with a table of every field of that file: whether it is required, what it takes (the
allowed values of every enumeration, the format of every pattern) and what it means. The table is made from
the same schemas the check validates against, so the guide cannot drift from what the check accepts.
"""

from __future__ import annotations

import re
from typing import Any

from generator.load import pattern_words
from generator.schema import FileKind, inline_refs, json_schema

__all__ = ["expand_markers", "fields_table"]

MARKER = re.compile(r"<!-- credreg:fields (?P<kind>issuer|credential) -->")


def _cell(text: str) -> str:
    # Docstrings use reStructuredText ``literals``; a table cell holds one line with no bare pipe.
    return re.sub(r"``([^`]+)``", r"`\1`", " ".join(text.split())).replace("|", "\\|")


def _code(value: Any) -> str:
    return f"`{value}`"


def _takes(node: dict[str, Any]) -> str:
    """What a schema node accepts, in words."""
    options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
    if options:
        return " or ".join(_takes(o) for o in options)
    if "enum" in node:
        return "one of " + ", ".join(_code(v) for v in node["enum"])
    if "const" in node:
        return _code(node["const"])
    kind = node.get("type")
    if kind == "array":
        items = node.get("items", {})
        if items.get("type") == "object":
            return "a list of mappings (fields below)"
        return f"a list; each item {_takes(items)}"
    if kind == "object":
        return "a mapping (fields below)"
    if kind == "string":
        if node.get("format") == "date":
            return "a date, YYYY-MM-DD"
        if node.get("format") == "date-time":
            return "a date and time, e.g. 2026-11-23T12:00:00Z"
        if "pattern" in node:
            return pattern_words(str(node["pattern"]))
        return "text"
    if kind in ("integer", "number"):
        low, high = node.get("minimum", node.get("exclusiveMinimum")), node.get("maximum")
        what = "a whole number" if kind == "integer" else "a number"
        if low is not None and high is not None:
            return f"{what}, {low}–{high}" if "minimum" in node else f"{what} above {low}, up to {high}"
        return what
    if kind == "boolean":
        return "`true` or `false`"
    return "see the schema"


def _rows(node: dict[str, Any], prefix: str, required: bool) -> list[tuple[str, str, str, str]]:
    rows = []
    needed = set(node.get("required", []))
    for name, child in node.get("properties", {}).items():
        if name == "$schema":
            continue
        path = f"{prefix}{name}"
        is_required = required and name in needed
        rows.append((path, "yes" if is_required else "", _takes(child), _cell(str(child.get("description", "")))))
        mapping = next((o for o in [child, *child.get("anyOf", [])] if o.get("type") == "object"), None)
        items = child.get("items") if child.get("type") == "array" else None
        if mapping is not None and "properties" in mapping:
            rows += _rows(mapping, f"{path}.", is_required)
        elif isinstance(items, dict) and items.get("type") == "object":
            rows += _rows(items, f"{path}[].", is_required)
    return rows


def fields_table(kind: FileKind) -> str:
    """A Markdown table of every field of a file of ``kind``."""
    schema = inline_refs(json_schema(kind))
    lines = ["| Field | Required | Takes | Meaning |", "| --- | --- | --- | --- |"]
    for path, required, takes, meaning in _rows(schema, "", True):
        lines.append(f"| `{path}` | {required} | {takes.replace('|', chr(92) + '|')} | {meaning} |")
    return "\n".join(lines) + "\n"


def expand_markers(markdown: str) -> str:
    """``markdown`` with each field-table marker replaced by its table."""
    return MARKER.sub(lambda m: fields_table(FileKind(m["kind"])), markdown)
