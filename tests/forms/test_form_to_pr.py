"""``credreg form-to-pr`` on recorded issue-form bodies: good ones become files that pass ``credreg check``,
hostile or mistaken ones are refused with a message for the issue (and nothing is left written)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.models import AssessmentMethod, DeliveryMode, IssuerKind, Proficiency
from tests.conftest import FIXTURES, REPO

FORMS = FIXTURES / "forms"
TEMPLATES = REPO / ".github" / "ISSUE_TEMPLATE"


@pytest.fixture
def root(registry_dir: Path) -> Path:
    """The test registry with the repository's issue forms and a CODEOWNERS file, as on GitHub."""
    shutil.copytree(TEMPLATES, registry_dir / ".github" / "ISSUE_TEMPLATE")
    subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(registry_dir), "codeowners"], check=True, capture_output=True
    )
    return registry_dir


def convert(
    root: Path, form: str, body: Path | bytes, author: str, tmp: Path, *more: str
) -> subprocess.CompletedProcess[str]:
    if isinstance(body, bytes):
        (tmp / "body.md").write_bytes(body)
        body = tmp / "body.md"
    args = ["form-to-pr", form, "--body", str(body), "--author", author, "--issue", "12"]
    args += ["--outputs", str(tmp / "outputs"), "--pr-body", str(tmp / "pr.md"), "--comment", str(tmp / "comment.md")]
    args += more
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "check"], capture_output=True, text=True, check=False
    )


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_issuer_form_becomes_a_checked_issuer(root: Path, tmp_path: Path) -> None:
    done = convert(root, "issuer", FORMS / "issuer-good.md", "kim-hds", tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "outputs").read_text() == (
        "branch=form/12-harbour-data-school\n"
        "title=Register issuer: harbour-data-school (from issue #12)\n"
        "files=registry/issuers/harbour-data-school/issuer.yaml .github/CODEOWNERS\n"
    )
    assert "Closes #12" in (tmp_path / "pr.md").read_text()
    text = (root / "registry/issuers/harbour-data-school/issuer.yaml").read_text()
    assert "maintainers:\n  - kim-hds\n  - lee-hds\n" in text
    assert "description: |\n  Harbour Data School runs part-time data courses for working analysts.\n\n" in text
    assert (
        "/registry/issuers/harbour-data-school/  @kim-hds @lee-hds @reg-admin\n"
        in (root / ".github/CODEOWNERS").read_text()
    )
    checked = check(root)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_credential_form_becomes_a_checked_definition(root: Path, tmp_path: Path) -> None:
    done = convert(root, "credential", FORMS / "credential-good.md", "acme-lead", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "files=registry/issuers/acme-academy/credentials/sql-reporting.yaml\n" in (tmp_path / "outputs").read_text()
    data = yaml.safe_load((root / "registry/issuers/acme-academy/credentials/sql-reporting.yaml").read_text())
    assert data["criteria"]["assessment"] == [{"method": "practical-assessment"}, {"method": "project"}]
    assert data["skills"] == [{"name": "Writing analytical SQL queries"}, {"name": "Window functions"}]
    assert data["cost"] == {"amount": 295, "currency": "EUR"}
    assert data["languages"] == ["en", "de"]
    checked = check(root)
    assert checked.returncode == 0, checked.stdout + checked.stderr


REFUSED = {
    "issuer-yaml-injection": ("issuer", "kim-hds", "name: must be one line of text"),
    "issuer-path-traversal": ("issuer", "kim-hds", "issuer id '../../.github/workflows' is not a lowercase slug"),
    "issuer-html": ("issuer", "kim-hds", "description: HTML is not accepted in the registry's files"),
    "issuer-bidi": ("issuer", "kim-hds", "name: contains the invisible or control character U+202E"),
    "issuer-homoglyph-id": ("issuer", "kim-hds", "issuer id 'hаrbour-data-school' is not a lowercase slug"),
    "issuer-answered-twice": ("issuer", "kim-hds", "line 39: the question 'Maintainers' is answered twice"),
    "issuer-heading-in-answer": ("issuer", "kim-hds", "line 25: 'Issuer id: evil' is not a question of this form"),
    "issuer-good": ("issuer", "mallory", "Maintainers: list yourself (@mallory)"),
    "credential-bad-level": ("credential", "acme-lead", "did you mean 'intermediate'?"),
    "credential-bad-duration": ("credential", "acme-lead", "'6 weeks' is not an ISO 8601 duration"),
    "credential-bad-cost": ("credential", "acme-lead", "cost: HTML is not accepted in the registry's files"),
    "credential-path-traversal": ("credential", "acme-lead", "is not a lowercase slug"),
    "credential-good": ("credential", "mallory", "@mallory is not a maintainer of acme-academy"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_hostile_or_mistaken_forms_are_refused(root: Path, tmp_path: Path, case: str) -> None:
    form, author, words = REFUSED[case]
    before = snapshot(root)
    done = convert(root, form, FORMS / f"{case}.md", author, tmp_path)
    assert done.returncode == 1
    assert words in done.stderr
    assert snapshot(root) == before  # nothing written, CODEOWNERS untouched
    comment = (tmp_path / "comment.md").read_text()
    assert words in comment
    assert not (tmp_path / "outputs").exists()


def test_a_huge_body_is_refused(root: Path, tmp_path: Path) -> None:
    body = (FORMS / "issuer-good.md").read_bytes() + b"x" * 70_000
    done = convert(root, "issuer", body, "kim-hds", tmp_path)
    assert done.returncode == 1
    assert "the issue is longer than 64 KiB: that is not a form submission" in done.stderr


def test_the_comment_cannot_break_out_of_its_code_block(root: Path, tmp_path: Path) -> None:
    body = (FORMS / "issuer-good.md").read_text().replace("Harbour Data School\n", "Harbour ```` @everyone\n", 1)
    body = body.replace("\nhttps://harbourdata.example\n", "\nhttp://x ```` [link](https://evil.example)\n", 1)
    done = convert(root, "issuer", body.encode(), "kim-hds", tmp_path)
    assert done.returncode == 1
    comment = (tmp_path / "comment.md").read_text()
    fence = comment.split("\n\n", 1)[1].split("text\n", 1)[0]
    assert fence == "`````"  # longer than any backtick run in the quoted text
    assert comment.rstrip().endswith(fence)


def test_the_forms_offer_exactly_the_models_values() -> None:
    """The dropdowns are the models' enumerations: a value the form offers always passes the check."""

    def options(name: str, field: str) -> list[str]:
        form = yaml.safe_load((TEMPLATES / name).read_text())
        [item] = [i for i in form["body"] if i.get("id") == field]
        return [str(o) for o in item["attributes"]["options"]]

    assert options("register-issuer.yml", "kind") == [k.value for k in IssuerKind]
    assert options("propose-credential.yml", "methods") == [m.value for m in AssessmentMethod]
    assert options("propose-credential.yml", "proficiency") == [p.value for p in Proficiency]
    assert options("propose-credential.yml", "delivery") == [d.value for d in DeliveryMode]


@pytest.mark.parametrize(
    ("template", "where"),
    [
        (None, "register-issuer.yml: cannot read the form's questions: No such file or directory"),
        (b"body: [\n", "register-issuer.yml:2:1: invalid YAML"),
        (b"\xff\xfe", "register-issuer.yml:1:1: file is not valid UTF-8"),
        (b"- a list\n", "register-issuer.yml:1:1: the template is not a mapping with a body list"),
        (b"body:\n  - type: input\n    id: name\n", "register-issuer.yml:2:5: body[0].attributes.label: missing"),
        (b"body:\n  - 7\n", "register-issuer.yml:2:5: body[0]: not a mapping"),
    ],
)
def test_a_missing_or_broken_form_template_is_named_not_a_traceback(
    root: Path, tmp_path: Path, template: bytes | None, where: str
) -> None:
    """The converter reads the questions from the repository's issue template: a checkout without it, or a
    template a maintainer broke, is an error naming the template (and the line), and nothing is written."""
    path = root / ".github" / "ISSUE_TEMPLATE" / "register-issuer.yml"
    if template is None:
        path.unlink()
    else:
        path.write_bytes(template)
    before = snapshot(root)
    done = convert(root, "issuer", FORMS / "issuer-good.md", "kim-hds", tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f".github/ISSUE_TEMPLATE/{where}" in done.stderr, done.stderr
    assert snapshot(root) == before


def test_a_body_on_standard_input_that_is_not_utf8_is_read_as_a_file_is(root: Path) -> None:
    """`--body -` read standard input as text in the locale's encoding: bytes that are not UTF-8 under a strict
    setting were a UnicodeDecodeError traceback. They are read as a --body file is (bytes, bad ones replaced), and
    the form is refused with its message."""
    body = (FORMS / "issuer-good.md").read_bytes().replace(b"### ", b"\xff### ", 1)
    done = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), "form-to-pr", "issuer", "--body", "-",
         "--author", "kim-hds", "--issue", "12"],
        input=body, capture_output=True, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8:strict"},
    )  # fmt: skip
    stderr = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    assert done.returncode == 1, stderr
    assert "text before the first question" in stderr, stderr


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root``, folders too (``None``), with each file's bytes: an empty folder left behind counts.
    Not the parse cache (``.cache/``, ignored by Git), which reading the registry may update."""
    paths = (p for p in sorted(root.rglob("*")) if p.relative_to(root).parts[0] != ".cache")
    return {p.relative_to(root).as_posix(): p.read_bytes() if p.is_file() else None for p in paths}


# Run in the child: the conversion, with the registry's validation replaced: killed (SIGKILL: no clean-up runs),
# or refusing the registry as a validation error would.
_VALIDATION = """
import os, signal, sys
import generator.validate
real = generator.validate.validate_registry
def validate_registry(registry, problems):
    if sys.argv[1] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    real(registry, problems)
    problems.add("registry/governance.yaml", "refused by the test", code="test.refused")
generator.validate.validate_registry = validate_registry
from generator.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _convert_while_validating(how: str, root: Path, form: str, author: str) -> subprocess.CompletedProcess[str]:
    args = ["--root", str(root), "form-to-pr", form, "--body", str(FORMS / f"{form}-good.md"), "--author", author]
    return subprocess.run(
        [sys.executable, "-c", _VALIDATION, how, *args, "--issue", "12"],
        capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip


@pytest.mark.parametrize(("form", "author"), [("issuer", "kim-hds"), ("credential", "acme-lead")])
def test_a_conversion_killed_while_it_validates_leaves_the_registry_as_it_was(
    root: Path, form: str, author: str
) -> None:
    """SIGKILL while the registry is validated with the new file: nothing is written into the registry yet (the
    file was written first and validated in place, and a kill left it there, unchecked)."""
    before = tree(root)
    done = _convert_while_validating("kill", root, form, author)
    assert done.returncode == -9, done.stderr  # killed as it validated, not ended otherwise
    assert tree(root) == before


def test_a_refused_credential_leaves_no_folder_behind(root: Path) -> None:
    """A definition the registry's validation refuses, for an issuer with no credentials/ folder yet: nothing is
    left, not even the folder made for it (it was, empty, after the file was removed again)."""
    shutil.rmtree(root / "registry/issuers/acme-academy/credentials")
    before = tree(root)
    done = _convert_while_validating("refuse", root, "credential", "acme-lead")
    assert done.returncode == 1, done.stderr
    assert "refused by the test" in done.stderr
    assert tree(root) == before


_COMMITMENT = "- [X] We keep our signing keys outside the repository and will report a lost or stolen key at once."
_PROOF = "Our staff page https://harbourdata.example/team names both accounts."


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (
            lambda body: body.replace(_COMMITMENT, _COMMITMENT.replace("[X]", "[ ]")),
            "Commitments: the form requires 'We keep our signing keys outside the repository and will report a lost "
            "or stolen key at once.' to be checked",
        ),
        (
            lambda body: body.replace(_COMMITMENT + "\n", ""),
            "Commitments: the form requires 'We keep our signing keys",
        ),
        (lambda body: body.replace(_PROOF, "_No response_"), "How we can confirm you speak for the organisation: "),
        (
            lambda body: body.split("### How we can confirm")[0],
            "How we can confirm you speak for the organisation: this answer is required",
        ),
    ],
    ids=["commitment-unchecked", "commitment-removed", "proof-no-response", "proof-and-rest-cut"],
)
def test_what_the_form_requires_is_required(root: Path, tmp_path: Path, edit: Any, words: str) -> None:
    """The web form will not submit without its required answers and its required checkboxes ticked, but an issue
    edited afterwards (or opened through the API) can leave them out: the issuer's pull request was made all the
    same, without the proof that the registry maintainers approve it on, or with its commitments unticked. The
    converter holds the body to the template's own `required` rules."""
    before = snapshot(root)
    body = edit((FORMS / "issuer-good.md").read_text())
    done = convert(root, "issuer", body.encode(), "kim-hds", tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert words in done.stderr, done.stderr
    assert snapshot(root) == before
    assert words in (tmp_path / "comment.md").read_text()


def test_the_comment_fits_in_an_issue_comment(root: Path, tmp_path: Path) -> None:
    """GitHub refuses a comment over 65,536 characters, and then the author hears nothing. A refusal quotes the
    answer it refuses, shown escaped: a body within its 64 KiB of control characters quoted four times as long
    (``\\x01``), so the comment could not be posted. What the comment quotes is cut to fit."""
    body = (FORMS / "issuer-good.md").read_text().replace("@lee-hds", "\x01" * 60_000)
    done = convert(root, "issuer", body.encode(), "kim-hds", tmp_path)
    assert done.returncode == 1
    comment = (tmp_path / "comment.md").read_text()
    assert len(comment) <= 65_536, len(comment)
    assert "Maintainers: " in comment
    assert "characters of this message are not shown" in comment
    assert comment.rstrip().endswith("```")


_OTHER = "- [X] We understand that awards are public (recipients only as keyed hashes) and never deleted, only revoked."


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (  # ticked and unticked: the unticked one is the answer GitHub shows in its place
            lambda body: body.replace(_COMMITMENT, _COMMITMENT.replace("[X]", "[ ]") + "\n" + _COMMITMENT),
            "is written twice",
        ),
        (lambda body: body.replace(_COMMITMENT, _COMMITMENT + "\n" + _COMMITMENT), "is written twice"),
        (  # a ticked box's text edited: a commitment the form never asked for
            lambda body: body.replace(_OTHER, _OTHER.replace("never deleted", "deleted on request")),
            "is not one of the form's boxes",
        ),
        (lambda body: body.replace(_OTHER, _OTHER + "\nExcept for the keys we lose."), "is not one of the form's"),
        (lambda body: body.replace(_COMMITMENT, _COMMITMENT.replace("- [X]", "* [X]")), "is not one of the form's"),
    ],
    ids=["ticked-and-unticked", "twice", "text-edited", "free-text", "other-bullet"],
)
def test_checkboxes_are_answered_as_the_form_writes_them(root: Path, tmp_path: Path, edit: Any, words: str) -> None:
    """A required box counted as ticked when a ``- [X]`` line with its text was anywhere in the answer: next to the
    same box unticked (which GitHub's rendering shows), or among lines the form cannot write (a commitment's text
    edited into another, free text under the boxes). A checkboxes answer is now one line per box of the form,
    each once, as GitHub writes it; anything else is refused."""
    before = snapshot(root)
    body = (FORMS / "issuer-good.md").read_text()
    assert _COMMITMENT in body
    assert _OTHER in body
    done = convert(root, "issuer", edit(body).encode(), "kim-hds", tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert words in done.stderr, done.stderr
    assert snapshot(root) == before


def test_a_ticked_box_may_be_written_either_case_and_crlf(root: Path, tmp_path: Path) -> None:
    """What GitHub writes (``- [X]``), a box ticked in the rendered issue (``- [x]``), and a body sent with CRLF."""
    body = (FORMS / "issuer-good.md").read_text().replace(_OTHER, _OTHER.replace("[X]", "[x]")).replace("\n", "\r\n")
    done = convert(root, "issuer", body.encode(), "kim-hds", tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("created", "day"),
    [
        ("2025-06-02", "2025-06-02"),
        ("2025-06-02T09:30:00Z", "2025-06-02"),
        # The issue-form workflow reads the event's created_at, the pull-request check GraphQL's createdAt: the day
        # is UTC's whichever offset a timestamp is written in, so both make the same file.
        ("2025-06-02T23:30:00-05:00", "2025-06-03"),
        ("2025-06-03T00:30:00+02:00", "2025-06-02"),
        ("2025-06-02T09:30:00.123456Z", "2025-06-02"),
    ],
)
def test_created_is_the_utc_day_the_issue_was_opened(root: Path, tmp_path: Path, created: str, day: str) -> None:
    done = convert(root, "credential", FORMS / "credential-good.md", "acme-lead", tmp_path, "--created", created)
    assert done.returncode == 0, done.stderr
    data = yaml.safe_load((root / "registry/issuers/acme-academy/credentials/sql-reporting.yaml").read_text())
    assert str(data["created"]) == day


@pytest.mark.parametrize(
    "created",
    ["2025-06-02T25:99:99Z", "2025-13-02", "9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00", "yesterday"],
)
def test_a_created_that_is_no_time_is_refused_with_words(root: Path, tmp_path: Path, created: str) -> None:
    """A timestamp whose time is not one (25:99), or whose UTC day is outside the calendar, was taken by its date."""
    before = snapshot(root)
    done = convert(root, "credential", FORMS / "credential-good.md", "acme-lead", tmp_path, "--created", created)
    assert done.returncode != 0
    assert f"--created: {created!r} is not a date" in done.stderr, done.stderr
    assert snapshot(root) == before


@pytest.mark.parametrize("after_rename", ["ctrl-c", "an error"])
def test_an_issuer_form_stopped_as_codeowners_is_replaced_keeps_both_files(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after_rename: str
) -> None:
    """Ctrl-C (a cancelled workflow's SIGTERM alike) as CODEOWNERS's rename into place has returned, or an error
    reported once it took effect (a network file system's retried rename): the issuer's file was taken back while
    CODEOWNERS named the issuer, and the check refused the registry (`codeowners.stale`). Both now stand; the
    interruption is still told (130), the error is none (CODEOWNERS reads back as written)."""
    import errno
    import signal

    from generator.cli import main
    from tests.conftest import ctrl_c

    real = Path.replace
    hit: list[Path] = []

    def replace(self: Path, target: str | os.PathLike[str]) -> Path:
        done = real(self, target)
        if Path(target).name == "CODEOWNERS":
            hit.append(Path(target))
            if after_rename == "ctrl-c":
                ctrl_c()
            else:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
        return done

    args = ["form-to-pr", "issuer", "--body", str(FORMS / "issuer-good.md"), "--author", "kim-hds", "--issue", "12"]
    args += ["--outputs", str(tmp_path / "outputs"), "--pr-body", str(tmp_path / "pr.md")]
    args += ["--comment", str(tmp_path / "comment.md")]
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        monkeypatch.setattr(Path, "replace", replace)
        code = main(["--root", str(root), *args])
    finally:
        monkeypatch.undo()
        signal.signal(signal.SIGINT, before)
    assert hit
    assert code == (130 if after_rename == "ctrl-c" else 0)
    assert "harbour-data-school" in (root / ".github/CODEOWNERS").read_text()
    assert (root / "registry/issuers/harbour-data-school/issuer.yaml").is_file(), "CODEOWNERS names a missing issuer"
    checked = check(root)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_refusal_quoting_the_issue_is_no_workflow_command_in_the_job_log(root: Path, tmp_path: Path) -> None:
    """Anyone can open an issue, and the converter's refusal quotes it in the issue-form job's log, which GitHub's
    runner reads for workflow commands: "##[" anywhere in a line is one. An issuer id of
    "##[stop-commands]tok" stopped the job reading commands (every later annotation lost), "##[set-output
    name=files;]…" set a step's output that the pull-request check reads as the form's files."""
    from tests._internal.test_text import workflow_commands

    body = (FORMS / "issuer-good.md").read_text()
    for said in ("##[stop-commands]tok", "##[set-output name=files;]registry/a.yaml x"):
        done = convert(root, "issuer", body.replace("harbour-data-school", said, 1).encode(), "kim-hds", tmp_path)
        assert done.returncode == 1
        assert "is not a lowercase slug" in done.stderr
        assert workflow_commands(done.stdout + done.stderr) == [], done.stderr
        assert "'\\x23#[" in done.stderr  # shown, escaped as a control character is


def test_the_converter_shows_the_checks_warnings_for_the_file_it_made(root: Path, tmp_path: Path) -> None:
    """A warning `credreg check` gives for the file the form made (a skill whose name makes no address on the
    skills page) was never shown by the converter, so the issue's author never heard of it: it is printed as
    `credreg check` prints it, and the file is still made (a warning fails nothing)."""
    body = (FORMS / "credential-good.md").read_text().replace("Window functions", "窓関数 ##[関数]", 1)
    done = convert(root, "credential", body.encode(), "acme-lead", tmp_path)
    assert done.returncode == 0, done.stderr
    path = "registry/issuers/acme-academy/credentials/sql-reporting.yaml"
    checked = check(root)
    [warning] = [line for line in checked.stdout.splitlines() if ": warning: " in line]
    assert warning.startswith(f"{path}:")
    assert "skills[1]" in warning
    assert warning in done.stdout.splitlines()
    assert "\\x23#[関数]" in warning  # the author's text, shown as the check shows it
    assert done.stdout.splitlines()[-1] == f"wrote {path}"
