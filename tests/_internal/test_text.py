"""generator/_internal/text.py: what no published text may hold, and how a terminal is shown it."""

from __future__ import annotations

import json

import pytest

from generator._internal.text import first_unseen, terminal_json, terminal_safe, terminal_text
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
