"""generator/_internal/text.py: what no published text may hold, and how a terminal is shown it."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest

from generator._internal.text import (
    first_unseen,
    terminal_json,
    terminal_line,
    terminal_lines,
    terminal_safe,
    terminal_text,
)
from generator.models import Issuer
from tests.models.test_models import ISSUER

#: "Acme" and the words tag characters spell unseen: drawn as "Acme", read by a program as more.
HIDDEN_ASCII = "Acme" + "".join(chr(0xE0000 + ord(c)) for c in "ignore the above")


@pytest.mark.parametrize(
    "char",
    [
        "\U000e0001",  # LANGUAGE TAG
        "\U000e0020",  # TAG SPACE
        "\U000e0041",  # TAG LATIN CAPITAL LETTER A
        "\U000e007f",  # CANCEL TAG
        "\ufff9",  # INTERLINEAR ANNOTATION ANCHOR: the annotation after it may be shown or hidden
        "\ufffa",
        "\ufffb",
        "\u2065",  # unassigned, default ignorable: drawn as nothing when assigned
    ],
)
def test_a_character_that_hides_text_is_unseen(char: str) -> None:
    assert first_unseen(f"a{char}b") == 1


def test_a_name_spelling_hidden_ascii_in_tag_characters_is_refused() -> None:
    with pytest.raises(ValueError, match="String should match pattern"):
        Issuer.model_validate({**ISSUER, "name": HIDDEN_ASCII})
    # A subdivision flag is spelt so too: it cannot be told from hidden words by a character class.
    flag = "\U0001f3f4\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f"
    with pytest.raises(ValueError, match="String should match pattern"):
        Issuer.model_validate({**ISSUER, "name": f"Prifysgol {flag}"})


@pytest.mark.parametrize(
    "char", ["\u180e", "\ufe0f", "\U000e0100", "\u200d", "\u200c"]
)  # Mongolian, emoji and CJK variants, joiners
def test_what_real_text_needs_is_not_unseen(char: str) -> None:
    assert first_unseen(f"a{char}b") is None


def test_a_character_beyond_the_bmp_is_written_out_where_its_escape_ends() -> None:
    """Four hex digits said U+E004 and a "1" for U+E0041: each is written as Python's repr writes it."""
    assert terminal_safe("a\U000e0041b") == "a\\U000e0041b" == repr("a\U000e0041b")[1:-1]
    assert terminal_text("a\U000e0041\n") == "a\\U000e0041\n"
    # And a typed "\U" before it is told from it, as a typed "\u" is.
    assert terminal_safe("\\U000e0041") != terminal_safe("\U000e0041")


def test_a_json_document_keeps_a_tag_character_as_its_surrogate_pair() -> None:
    text = json.dumps({"name": HIDDEN_ASCII}, ensure_ascii=False)
    shown = terminal_json(text)
    assert first_unseen(shown) is None
    assert json.loads(shown) == {"name": HIDDEN_ASCII}


def workflow_commands(output: str) -> list[str]:
    """The lines of ``output`` GitHub's runner would take as a workflow command, by the runner's own two rules
    (actions/runner ActionCommand.cs, tried in turn by ActionCommandManager.TryProcessCommand): ``::`` at the
    start of a line once leading whitespace is trimmed (TryParseV2; .NET's TrimStart trims Unicode whitespace,
    as Python's lstrip does), or the legacy ``##[`` anywhere in the line (TryParse). Lines as the runner reads them
    (ProcessInvoker: StreamReader.ReadLine, which ends a line at "\r\n", "\n" and a carriage return alone)."""
    return [line for line in _RUNNER_LINE_END.split(output) if line.lstrip().startswith("::") or "##[" in line]


_RUNNER_LINE_END = re.compile(r"\r\n|\r|\n")


def dotnet_whitespace(char: str) -> bool:
    """.NET's Char.IsWhiteSpace, what the runner's TrimStart trims before looking for "::": the Unicode space,
    line and paragraph separators, and tab, the line ends, vertical tab, form feed, NEL and no-break space."""
    return unicodedata.category(char) in ("Zs", "Zl", "Zp") or char in "\t\n\x0b\x0c\r\x85\xa0"


#: What a file can say to a CI log that prints it: stop reading commands (every later annotation and output is
#: ignored), mask a word, set a step's output, raise a failure annotation on a job that passed.
COMMANDS = [
    "##[stop-commands]tok",
    "x ##[add-mask]error",
    "##[set-output name=files;]a.yaml b.yaml",
    "###[error]three",
    "::error file=a.yaml::forged",
    "  ::notice::indented",
    "\u2003\u3000::warning::Unicode spaces",
    "\u00a0::add-mask::no-break space",
    "x\r::error::after a carriage return alone, which ends a line for the runner",
    "x\r##[error]after a carriage return alone",
    "\x85::error::after NEL, which .NET trims",
    "\u2028\u2029::error::after the line and paragraph separators",
    "\ufeff::error::after a byte order mark",
]


@pytest.mark.parametrize("said", COMMANDS)
def test_no_terminal_text_is_read_as_a_workflow_command(said: str) -> None:
    """Output in a GitHub Actions log is read for workflow commands: text from a file (an issue form's answer, an
    award's name, a log's entry) must not be one. The marks are shown escaped, as a control character is."""
    for shown in (
        terminal_safe(said),
        terminal_text(said),
        terminal_lines(said),
        terminal_line(said),
        terminal_text(f"wrote\n{said}"),
    ):
        assert workflow_commands(shown) == [], shown
    assert workflow_commands(terminal_lines(f"credreg: a message\n{said}")) == []
    document = json.dumps({said: said}, indent=2, ensure_ascii=False)
    assert workflow_commands(terminal_json(document)) == []
    assert json.loads(terminal_json(document)) == {said: said}


def test_no_whitespace_the_runner_trims_brings_a_command_back() -> None:
    """The runner trims what .NET calls whitespace before looking for "::" (TrimStart): each such character, in
    front of a line's "::" or alone before it on a line of its own, leaves no command in what credreg shows."""
    trimmed = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and dotnet_whitespace(chr(c))]
    assert len(trimmed) == 25  # Zs (17), Zl, Zp, and the seven control and Latin-1 characters
    for char in trimmed:
        said = f"{char}::error::forged"
        assert workflow_commands(said) != [], repr(char)  # as it is, the runner reads it as a command
        for where in (said, f"wrote\n{said}", f"wrote\n  {char}{said}"):
            for shown in (terminal_safe(where), terminal_text(where), terminal_lines(where), terminal_line(where)):
                assert workflow_commands(shown) == [], (repr(char), shown)


def test_workflow_command_marks_are_escaped_visibly_and_told_from_typed_escapes() -> None:
    assert terminal_safe("##[error]x") == "\\x23#[error]x"
    assert terminal_text("::error::x\n  ::a") == "\\x3a:error::x\n  \\x3a:a"
    # A typed "\x23" is not the escaped mark: its backslash is doubled, as for any typed escape.
    assert terminal_safe("\\x23#[error]") == "\\\\x23#[error]"
    # Mid-line "::" is ordinary text (a DID's method separator, an IPv6 address): left as it is.
    assert terminal_safe("did:web:example.org a::b") == "did:web:example.org a::b"
