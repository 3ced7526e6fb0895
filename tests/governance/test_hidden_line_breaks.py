"""A YAML file is read as Git, GitHub and editors show it: no line break they do not show as one, and no
character that reorders or hides what they show outside the values (whose fields refuse them by their own rules).

libyaml follows YAML 1.1, where NEL (U+0085), LINE SEPARATOR (U+2028), PARAGRAPH SEPARATOR (U+2029) and a lone
carriage return end a line. Git and GitHub break lines at LF only, and most editors show the others within a
line (or not at all). So a comment that a reviewer reads as one line could end half-way and hide a field after
it, and every line number the check gave after such a character was not the line GitHub annotated."""

from __future__ import annotations

import pytest

from generator.check import CheckOptions, run_check
from tests.governance.conftest import ACME, Repo, errors, shown

CREDENTIAL = f"registry/issuers/{ACME}/credentials/sql-basics.yaml"


@pytest.mark.parametrize(
    ("char", "name"), [("\u2028", "U+2028"), ("\x85", "U+0085"), ("\u2029", "U+2029"), ("\r", "CR")]
)
def test_a_field_hidden_behind_a_line_break_git_does_not_show_is_refused_where_github_shows_it(
    repo: Repo, char: str, name: str
) -> None:
    text = repo.read(CREDENTIAL)
    line = text[: text.index("summary:")].count("\n") + 1
    # Shown as one comment line ("# reviewed …status: retired"); libyaml read a `status` field after the comment.
    repo.edit(CREDENTIAL, "summary:", f"# reviewed by the registry{char}status: retired\nsummary:")
    for report in (repo.check(), run_check(repo.root, CheckOptions(progress=False, cache=False))):
        found = errors(report)
        assert [(p.location.path, p.location.line, p.location.col, p.code) for p in found] == [
            (CREDENTIAL, line, 27, "yaml.hidden-line-break")
        ], shown(found)
        assert name in found[0].message


def test_a_bidi_override_in_a_comment_is_refused_where_github_shows_it(repo: Repo) -> None:
    text = repo.read(CREDENTIAL)
    line = text[: text.index("summary:")].count("\n") + 1
    # "# reviewed <RLO>deriter :sutats" is drawn as "# reviewed status: retired": the line a reviewer reads is not
    # the line YAML reads. Values refused such characters; comments and keys did not.
    repo.edit(CREDENTIAL, "summary:", "# reviewed \u202ederiter :sutats\nsummary:")
    for report in (repo.check(), run_check(repo.root, CheckOptions(progress=False, cache=False))):
        found = errors(report)
        assert [(p.location.path, p.location.line, p.location.col, p.code) for p in found] == [
            (CREDENTIAL, line, 12, "yaml.hidden-character")
        ], shown(found)
        assert "U+202E" in found[0].message
