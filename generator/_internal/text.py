"""The characters no published text may hold, in one place: the models refuse them in registry text and signed
endorsements, the CLI refuses them in a revocation reason and an endorsement's comment, and the terminal and
CODEOWNERS writers escape or refuse them. The browser's copy (``generator/site/assets/verify/text.js``) is held
equal by tests/site/test_text_js.py."""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "MAX_MARKS",
    "UNSEEN",
    "drop_ignored",
    "first_unseen",
    "holds_mark",
    "lookalike_key",
    "lookalike_keys",
    "lookalike_note",
    "mark_tower",
    "mark_tower_problem",
    "shows_nothing",
    "terminal_json",
    "terminal_line",
    "terminal_lines",
    "terminal_safe",
    "terminal_text",
    "unseen_problem",
    "workflow_command_problem",
]

UNSEEN = (
    r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u061c\u115f\u1160\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
    r"\u2060-\u206f\u3164\ufdd0-\ufdef\ufeff\uffa0\ufff9-\ufffb\ufffe\uffff"
    # The tag characters, as the characters themselves: the escape of a character beyond the BMP is spelt
    # differently in each engine (Python's \U000e0000, ECMAScript's \u{e0000}), the character is the same.
    "\U000e0000-\U000e007f"
)
"""A regex class body (valid in Python, Rust and ECMAScript): C0 controls but tab and line ends, DEL and C1
controls, the invisible marks that reorder or break what a reader sees (bidi controls and marks, line and
paragraph separators), and characters that show as nothing (soft hyphen, zero-width space, word joiner and
invisible operators, the deprecated format controls, the byte order mark, Hangul fillers, the interlinear
annotation marks, whose annotation a page may show or hide, and the tag characters U+E0000-U+E007F, which spell
any ASCII text unseen: "Acme" followed by tags reading "ignore the above" is drawn as "Acme", and a program or a
language model reading the name reads the hidden words). Pages, terminals and
PDFs would act on them: a name could read backwards, hide text, or look exactly like another body's name. And the
noncharacters of the BMP (U+FDD0–U+FDEF, U+FFFE, U+FFFF), which are not for interchange: XML 1.0 cannot hold
U+FFFE or U+FFFF even as a character reference, so one of them in a credential's name made the Atom feed, and so
every feed reader's copy of the registry, unreadable.

Not here, because real text needs them: the zero-width joiner and non-joiner (Persian, Indic scripts, emoji
sequences), variation selectors (emoji presentation, U+FE00-U+FE0F; the ideographic variants of CJK names,
U+E0100-U+E01EF) and the Mongolian vowel separator (U+180E, Mongolian words). The three subdivision flags
(England, Scotland, Wales) are spelt with tag characters, so a name cannot hold them. Allowing exactly those three
sequences (U+1F3F4, tags ``gbeng``/``gbsct``/``gbwls``, U+E007F) would hide no words, but it is no longer a
character class: every pattern built from this body (the models' and the JSON Schemas' patterns, ``[^…]`` in
the schema checks, the terminal, the JSON and CODEOWNERS writers, the page's text.js and endorsement checks)
would become an alternation ``(?:[^…]|flag)``, one rule spread over each of them, and a flag would have to be
kept out of the look-alike keys and drop_ignored's reading besides. The nation's name says the same."""

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


#: Letters of other scripts drawn like a Latin letter (from Unicode's confusables.txt): Cyrillic, Greek, Armenian
#: (its "օ" is the classic stand-in for "o") and a few Latin ones outside a-z. Capitals are mapped before case
#: folding, which would turn Cyrillic "В" (drawn as "B") into "в" (drawn as nothing Latin).
_LOOKALIKE_CAPITALS = str.maketrans(
    "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0423\u0425\u0405\u0406\u0408\u04c0\u051a\u051c"
    "\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a5\u03a7"
    "\u0555\u054d",
    "abekmhopctyxsijlqwabezhikmnoptyxou",
)
_LOOKALIKE_SMALL = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0455\u0456\u0458\u0501\u051b\u051d\u04bb\u04cf\u0475\u0131"
    "\u03bf\u03bd\u03b9\u03c1\u03c5\u03b1"
    "\u0585\u057d\u0578\u0570\u0566\u0581\u0251\u0261",
    "aeopcyxsijdqwhlviovipuaounhqgag",
)


#: What a name shows as nothing: Unicode's Default_Ignorable_Code_Point (joiners, variation selectors, tag
#: characters, the combining grapheme joiner, Khmer's inherent vowels, Mongolian selectors, ...). Real text may hold
#: some (the zero-width joiner of an emoji or of Persian, a variation selector), so :data:`UNSEEN` lets them be;
#: but "Acme Academy" with one of them added reads as "Acme Academy", and is the same name to a reader. And the
#: interlinear annotation characters (U+FFF9-U+FFFB), format controls Unicode does not call ignorable, which
#: browsers draw as nothing all the same.
_IGNORED = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)
#: Drawn as a space, though not one to Unicode: BRAILLE PATTERN BLANK.
_BLANKS = "\u2800"
_AS_SEEN = str.maketrans(dict.fromkeys(_BLANKS, " "))


def drop_ignored(text: str) -> str:
    """``text`` without what shows as nothing (:data:`_IGNORED`): what a reader sees of an address split by a
    variation selector or a tag character. The page's dropIgnored."""
    return _IGNORED.sub("", text)


def _as_seen(name: str) -> str:
    """``name`` as it is drawn: without what shows as nothing, with blanks as spaces."""
    return _IGNORED.sub("", name).translate(_AS_SEEN)


def shows_nothing(text: str) -> bool:
    """Whether ``text`` is drawn as nothing but spaces: it holds nothing but whitespace, what shows as nothing
    (:data:`_IGNORED`) and blanks."""
    return not _as_seen(text).strip()


def lookalike_key(name: str) -> str:
    """What a reader sees of a name, for telling whether two names read alike: what shows as nothing left out
    (a zero-width joiner, a variation selector) and blanks read as spaces, compatibility forms folded (fullwidth
    and mathematical letters, ligatures), case ignored, runs of spaces collapsed, and letters of other scripts
    drawn like Latin ones read as those. Accents stay: "für" and "fur" read differently. Not for matching what a
    name refers to (that compares names as written), only for refusing a name that passes for another."""
    text = unicodedata.normalize("NFKC", _as_seen(name)).translate(_LOOKALIKE_CAPITALS).casefold()
    return " ".join(text.translate(_LOOKALIKE_SMALL).split())


def lookalike_keys(name: str) -> frozenset[str]:
    """The keys under which two names read alike when any one of them is shared: :func:`lookalike_key`, and the
    same reading with case folded first. The two are needed because a lookalike capital's small letter need not
    look Latin (Cyrillic "Н" reads as "H", "н" as nothing Latin; Greek "Ν" as "N", "ν" as "v"): with capitals read
    first, "НАУКА" and "Наука" would be two names, though they differ only in case (and ``quality_assurance.by``
    resolves a name ignoring case: :func:`generator.recognition.normalized_name`)."""
    folded = unicodedata.normalize("NFKC", _as_seen(name).casefold()).casefold()
    return frozenset({lookalike_key(name), " ".join(folded.translate(_LOOKALIKE_SMALL).split())})


def lookalike_note(name: str) -> str:
    """Which character of ``name`` reads as another (``""`` when none does): a reviewer cannot see that the "А"
    of "Аcme" is Cyrillic."""
    for at, char in enumerate(name):
        if _as_seen(char) != char:
            what = unicodedata.name(char, "unnamed")
            drawn = "shows as nothing" if _IGNORED.match(char) else "is drawn as a space"
            return f" (its character {at + 1} is U+{ord(char):04X} {what}, which {drawn})"
        folded = unicodedata.normalize("NFKC", char)
        if folded != char or char.translate(_LOOKALIKE_CAPITALS) != char or char.translate(_LOOKALIKE_SMALL) != char:
            what = unicodedata.name(char, "unnamed")
            return f" (its character {at + 1} is U+{ord(char):04X} {what}, which reads as {lookalike_key(char)!r})"
    return ""


MAX_MARKS = 6
"""Combining marks one letter may carry. Nonspacing and enclosing marks are drawn above, below or around their
letter, beyond its line: a few dozen on one letter draw over the lines and cards around it (another issuer's name,
a status badge). Real scripts stack far fewer: Vietnamese two, pointed Hebrew with its accents five, a Tibetan
stack four."""

#: Runs that could hold such a tower: it is more than MAX_MARKS characters, none of them ASCII.
_NON_ASCII_RUN = re.compile(f"[^\\x00-\\x7f]{{{MAX_MARKS + 1},}}")
#: What a mark run continues across without a new letter: spacing marks (Mc) and invisible format characters (Cf:
#: the joiners real text needs, tag characters), which extend the letter's cluster, so the nonspacing marks after
#: them are drawn on the same letter. A tower interleaved with them is still one tower.
_CONTINUES = frozenset({"Mc", "Cf"})


def holds_mark(text: str) -> bool:
    """Whether ``text`` holds a combining mark (nonspacing or enclosing). ASCII holds none: the common case costs
    one C-level scan, not a look-up per character."""
    return not text.isascii() and any(unicodedata.category(c) in ("Mn", "Me") for c in text)


def mark_tower(text: str) -> int | None:
    """The index of the first combining mark beyond :data:`MAX_MARKS` on one letter (``None`` when there is none).
    Only runs of non-ASCII characters are looked at, so ordinary text costs one regex scan."""
    for run in _NON_ASCII_RUN.finditer(text):
        marks = 0
        for at in range(run.start(), run.end()):
            category = unicodedata.category(text[at])
            if category in ("Mn", "Me"):
                marks += 1
                if marks > MAX_MARKS:
                    return at
            elif category not in _CONTINUES:
                marks = 0
    return None


def mark_tower_problem(text: str) -> str | None:
    """Why ``text`` may not be shown, in words (``None`` when it may): a letter carrying more than
    :data:`MAX_MARKS` combining marks, counted in code points (as the page's ``markTowerProblem`` counts them)."""
    at = mark_tower(text)
    if at is None:
        return None
    return f"a letter carries more than {MAX_MARKS} combining marks (the {MAX_MARKS + 1}th is character {at + 1})"


# What a terminal (or a log viewer) acts on instead of showing: C0 and C1 controls (ESC starts the sequences
# that clear the screen, move the cursor, hide text), DEL, the bidirectional overrides, embeddings, isolates and
# marks (they reorder what is shown), and the Unicode line and paragraph separators.
#
# And what GitHub's runner acts on in a job's log (where a pull request's check, the issue-form converter and any
# CI job running credreg print): a line is a workflow command when it starts with "::" once leading whitespace is
# trimmed, or holds the legacy "##[" anywhere (actions/runner ActionCommand.TryParseV2, then TryParse). The legacy
# form still runs every command: "##[stop-commands]tok" in an issue's answer, quoted in a refusal, stopped the job
# reading commands; "##[set-output name=files;]…" set a step's output. So the first "#" of "##[" is shown escaped
# wherever it is, and the first ":" of a line's leading "::" (:func:`_inert`).
_LEGACY_COMMAND = "#(?=#\\[)"
_CONTROLS = re.compile(f"[\\t\\n\\r{UNSEEN}]|{_LEGACY_COMMAND}")  # and the line ends and tab besides
# And a backslash where it could be read as the start of such an escape (before x, u, another backslash or a
# character shown escaped), for text shown bare: a file holding the four characters \x1b is then told from one
# holding ESC. Any other backslash (\d in a pattern) is shown as it is.
_UNSAFE = re.compile(f"{_CONTROLS.pattern}|\\\\(?=[\\\\xuU\\t\\n\\r{UNSEEN}]|{_LEGACY_COMMAND})")
# A line's leading "::", once what is escaped is written out (an escaped U+2028 is no longer whitespace). Python's
# \s is Unicode whitespace, as .NET's TrimStart trims it (a no-break space, U+3000), and some more.
_COMMAND_START = re.compile(r"^(\s*):(?=:)", re.MULTILINE)


_WORKFLOW_COMMAND = re.compile(r"##\[|^\s*::", re.MULTILINE)


def workflow_command_problem(text: str) -> str | None:
    """Why ``text`` would be read as a GitHub workflow command in a job's log, in words (``None`` when it would
    not): for text passed on as it is, where it cannot be shown escaped (a signed note)."""
    m = _WORKFLOW_COMMAND.search(text)
    if m is None:
        return None
    mark = m[0].lstrip()
    at = m.end() - len(mark) + 1  # counted from 1, as unseen_problem counts
    return f"holds {mark!r} (character {at}), which a CI job's log reads as a workflow command"


def _inert(shown: str) -> str:
    """``shown`` (already escaped) with a line's leading "::" shown as ``\\x3a:``: no workflow command. Only a
    leading one: "::" within a line is ordinary text (an IPv6 address, a C++ name)."""
    return _COMMAND_START.sub(lambda m: f"{m[1]}\\x3a", shown)


def _escaped(match: re.Match[str]) -> str:
    if match[0] == "\\":
        return "\\\\"
    code = ord(match[0])
    # Python's repr forms (as the page's visible() writes them): four hex digits would not say where the escape of a
    # tag character (U+E0041) ends.
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def terminal_safe(text: str, *, keep: str = "") -> str:
    """``text`` with every character a terminal would act on shown escaped (``\\x1b``, ``\\u202e``), newlines
    and tabs included: one line of output stays one line, and shows what the file says, not what it commands. A
    backslash that would read as the start of such an escape is doubled (``\\\\x1b``: the four characters).
    ``keep``: characters shown as they are (GitHub's workflow commands encode line ends their own way)."""
    if keep:
        return _inert(_UNSAFE.sub(lambda m: m[0] if m[0] in keep else _escaped(m), text))
    return _inert(_UNSAFE.sub(_escaped, text))


def terminal_text(text: str) -> str:
    """``text`` as :func:`terminal_safe` shows it, but for its line breaks: lines of output that show values bare
    (a path, a revocation's reason, a name), backslashes doubled where they could read as an escape."""
    return _inert(_UNSAFE.sub(lambda m: m[0] if m[0] == "\n" else _escaped(m), text))


def terminal_lines(text: str) -> str:
    """A message of several lines (an error and its hints) as a terminal should show it: its line breaks kept,
    every other character a terminal would act on shown escaped. Backslashes are left as they are: a message
    quotes the values it names (``{value!r}``), which escapes a typed backslash itself; doubled, every escape of a
    quoted value would read as a typed one. Output that shows values bare: :func:`terminal_text`."""
    return _inert(_CONTROLS.sub(lambda m: m[0] if m[0] == "\n" else _escaped(m), text))


def terminal_line(text: str) -> str:
    """One line of a message (an error's summary, one of its details), as :func:`terminal_lines` shows it, but a
    line break in it shown escaped too: the message quotes a path bare, and a file's name may hold line breaks (Git,
    a zip or a tarball hand them over), which started lines of their own ("  verdict: VALID") under a refusal."""
    return _inert(_CONTROLS.sub(_escaped, text))


def terminal_json(text: str) -> str:
    """A JSON document (``json.dumps(..., ensure_ascii=False)``) as a terminal should get it: JSON escapes C0
    controls itself, but not DEL, the C1 controls, the bidi overrides or the line separators (a file's name, a
    credential's field can hold them). They can only stand inside its strings, so they are written as JSON's own
    escapes (``\\u202e``): the document parses to the same values, and other text (``é``) stays readable."""
    return _JSON_UNSAFE.sub(lambda m: _json_escape(ord(m[0])), text)


# And the "#" of a legacy workflow command: "##[" can only stand inside a string (a value, a key) too.
_JSON_UNSAFE = re.compile(f"[{UNSEEN}]|{_LEGACY_COMMAND}")


def _json_escape(code: int) -> str:
    """JSON's escape of a character: beyond the BMP (a tag character), its UTF-16 surrogate pair, as JSON has no
    longer escape (``\\ue0041`` would read as U+E004 and a "1")."""
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
