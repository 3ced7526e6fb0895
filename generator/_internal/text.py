"""The characters no published text may hold, in one place: the models refuse them in registry text and signed
endorsements, the CLI refuses them in a revocation reason and an endorsement's comment, and the terminal and
CODEOWNERS writers escape or refuse them. The browser's copy (``generator/site/assets/verify/text.js``) is held
equal by tests/site/test_text_js.py."""

from __future__ import annotations

import re

__all__ = ["UNSEEN", "first_unseen", "unseen_problem"]

UNSEEN = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
"""A regex class body (valid in Python and ECMAScript): C0 controls but tab and line ends, DEL and C1 controls,
and the invisible marks that reorder or break what a reader sees (bidi controls and marks, line and paragraph
separators). Pages, terminals and PDFs would act on them: a name could read backwards or hide text."""

_UNSEEN_RE = re.compile(f"[{UNSEEN}]")


def first_unseen(text: str) -> int | None:
    """The index of the first :data:`UNSEEN` character in ``text`` (``None`` when it has none)."""
    m = _UNSEEN_RE.search(text)
    return m.start() if m else None


def unseen_problem(text: str) -> str | None:
    """Why ``text`` may not be published, in words (``None`` when it may): its first :data:`UNSEEN` character,
    counted in code points (as the page's ``unseenProblem`` counts them)."""
    at = first_unseen(text)
    if at is None:
        return None
    return f"holds the invisible or control character U+{ord(text[at]):04X} (character {at + 1})"
