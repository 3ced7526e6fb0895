"""The characters no published text may hold, in one place: the models refuse them in registry text and signed
endorsements, the CLI refuses them in a revocation reason and an endorsement's comment, and the terminal and
CODEOWNERS writers escape or refuse them. The browser's copy (``generator/site/assets/verify/text.js``) is held
equal by tests/site/test_text_js.py."""

from __future__ import annotations

import re

__all__ = ["UNSEEN", "first_unseen", "unseen_problem"]

UNSEEN = (
    r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u061c\u115f\u1160\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u206f\u3164\ufdd0-\ufdef\ufeff\uffa0\ufffe\uffff"
)
"""A regex class body (valid in Python, Rust and ECMAScript): C0 controls but tab and line ends, DEL and C1
controls, the invisible marks that reorder or break what a reader sees (bidi controls and marks, line and
paragraph separators), and characters that show as nothing (soft hyphen, zero-width space, word joiner and
invisible operators, the deprecated format controls, the byte order mark, Hangul fillers). Pages, terminals and
PDFs would act on them: a name could read backwards, hide text, or look exactly like another body's name. And the
noncharacters of the BMP (U+FDD0–U+FDEF, U+FFFE, U+FFFF), which are not for interchange: XML 1.0 cannot hold
U+FFFE or U+FFFF even as a character reference, so one of them in a credential's name made the Atom feed, and so
every feed reader's copy of the registry, unreadable.

Not here, because real text needs them: the zero-width joiner and non-joiner (Persian, Indic scripts, emoji
sequences) and variation selectors (emoji presentation)."""

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
