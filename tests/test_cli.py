"""The credreg command: exit codes, output formats, and never a traceback."""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.cli import MAX_JOBS, build_parser, main
from tests.conftest import FIXTURES, REPO, Signer, make_registry


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_check_clean_registry_exits_0(registry_dir: Path) -> None:
    result = run("--root", str(registry_dir), "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "credreg check: ok (1 issuers, 3 credentials, 1 issuer keys, 0 awards, 0 revocations)" in result.stderr


def test_check_problems_exit_1_without_traceback(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "r", FIXTURES / "invalid" / "yaml-tag")
    result = run("--root", str(root), "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout.startswith("registry/issuers/acme-academy/credentials/sql-basics.yaml:23:7: YAML tags")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("check", "--format", "xml").returncode == 2
    assert run("frobnicate").returncode == 2
    result = run("--root", str(tmp_path), "check")
    assert result.returncode == 2
    assert "is not a registry" in result.stderr
    assert "Traceback" not in result.stderr


def test_root_defaults_to_the_enclosing_repository(registry_dir: Path) -> None:
    subprocess.run(["git", "init", "-q", str(registry_dir)], check=True)
    result = run("check", cwd=registry_dir / "registry" / "issuers")
    assert result.returncode == 0, result.stderr


def test_json_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_registry(tmp_path / "r", FIXTURES / "invalid" / "bad-enum")
    assert main(["--root", str(root), "check", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["ok"] is False
    assert out["summary"]["errors"] == 1
    assert out["problems"] == [
        {
            "path": "registry/issuers/acme-academy/credentials/sql-basics.yaml",
            "line": 24,
            "col": 1,
            "field": "delivery",
            "code": "schema.enum",
            "severity": "error",
            "message": (
                "'remote' is not one of the allowed values: online, in-person, blended (example: delivery: online)"
            ),
        }
    ]


def test_github_annotations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_registry(tmp_path / "r", FIXTURES / "invalid" / "unknown-prerequisite")
    assert main(["--root", str(root), "check", "--format", "github"]) == 1
    line = capsys.readouterr().out.strip()
    assert line == (
        "::error file=registry/issuers/acme-academy/credentials/sql-basics.yaml,line=27,col=5,"
        "title=prerequisites[0]::prerequisites[0]: prerequisite 'acme-academy/excel-basics' does not exist "
        "(no such credential)"
    )


def test_schemas_command_writes_and_checks(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    assert main(["schemas", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "award.schema.json",
        "credential.schema.json",
        "endorsement.schema.json",
        "endorser.schema.json",
        "governance.schema.json",
        "issuer.schema.json",
        "key.schema.json",
        "revocation.schema.json",
    ]
    assert main(["schemas", "--out", str(out), "--check"]) == 0
    (out / "key.schema.json").write_text("{}")
    assert main(["schemas", "--out", str(out), "--check"]) == 1


def test_stale_schemas_fail_the_check(registry_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (registry_dir / "schemas" / "issuer.schema.json").write_text("{}\n")
    assert main(["--root", str(registry_dir), "check"]) == 1
    assert "schemas/issuer.schema.json: out of date with the models" in capsys.readouterr().out


def test_module_entry_point_and_console_script_agree() -> None:
    script = Path(sys.executable).parent / "credreg"
    assert script.exists()
    a = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True).stdout
    assert a == run("--version").stdout


def test_progress_only_on_a_terminal() -> None:
    """On a terminal the award check shows a live progress bar on stderr; in a pipe (CI logs) it does not."""
    primary, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(REPO), "check"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=secondary,
        env=env,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(primary)
    on_terminal = b"".join(chunks).decode(errors="replace")
    assert "Verifying awards" in on_terminal
    piped = run("--root", str(REPO), "check")
    assert "Verifying awards" not in piped.stderr
    assert piped.stderr.startswith("credreg check: ok")


# --- --root on either side of the command ---------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["before", "after"])
def test_root_before_or_after_the_command(tmp_path: Path, spelling: str) -> None:
    """Every command that reads a registry, run from a folder outside it: `credreg --root DIR check` and
    `credreg check --root DIR` are both what users type."""
    root = make_registry(tmp_path / "r")
    key = tmp_path / "private.json"

    def cli(command: str, *args: str) -> subprocess.CompletedProcess[str]:
        rooted = ["--root", str(root), command] if spelling == "before" else [command, "--root", str(root)]
        return run(*rooted, *args, cwd=tmp_path)  # no registry here: only --root can find it

    assert cli("keygen", "acme-academy", "--out", str(key)).returncode == 0
    awarded = cli("award", "acme-academy/sql-basics", "--recipient", "kim@example.org", "--key", str(key))
    assert awarded.returncode == 0, awarded.stderr
    digest = awarded.stdout.split("hash:")[1].split()[0]
    verified = cli("verify", digest)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("Valid: a genuine award, in force.\n  verdict: VALID\n")
    assert cli("revoke", digest, "--reason", "issued in error", "--key", str(key)).returncode == 0
    checked = cli("check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "1 awards, 1 revocations" in checked.stderr
    assert cli("schemas", "--check").returncode == 0
    assert cli("codeowners").returncode == 0
    assert (root / ".github" / "CODEOWNERS").is_file()
    assert cli("build", "--out", str(tmp_path / "site")).returncode == 0
    assert (tmp_path / "site" / "index.html").is_file()
    assert run("verify", digest, cwd=tmp_path).returncode == 2  # and without --root, nothing is found


def test_root_is_accepted_after_every_command_that_reads_a_registry() -> None:
    parser = build_parser()
    commands = set(next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices)
    needs: dict[str, list[str]] = {
        "check": [],
        "schemas": [],
        "codeowners": [],
        "build": [],
        "serve": [],
        "verify": ["x"],
        "keygen": ["acme"],
        "award": ["acme/sql", "--key", "k"],
        "revoke": ["h", "--reason", "r", "--key", "k"],
        "resign-lists": ["--key", "k"],
        "new": ["issuer", "acme"],
        "form-to-pr": ["issuer", "--body", "b", "--author", "a", "--issue", "1"],
        "preview-summary": ["--base", "main"],
        "endorse": ["acme/sql", "--as", "e", "--key", "k", "--kind", "endorses", "--comment", "c"],
    }
    assert commands == {*needs, "demo", "log"}
    # Nested commands take it after the innermost command word.
    log_needs: dict[str, list[str]] = {
        "log keygen": ["--out", "k"],
        "log publish": ["--state", "s"],
        "log witness": ["u", "--key", "k", "--state", "s"],
        "log add-cosignatures": ["f", "--state", "s"],
        "log monitor": ["acme"],
    }
    for words, args in [*needs.items(), *log_needs.items()]:
        command = words.split()
        assert parser.parse_args(["--root", "A", *command, *args]).root == "A"
        assert parser.parse_args([*command, "--root", "A", *args]).root == "A"
        assert parser.parse_args([*command, *args]).root is None
        assert parser.parse_args(["--root", "A", *command, "--root", "B", *args]).root == "B"  # the last one wins


@pytest.mark.parametrize("target", ["ref=" + "a" * 300 + "#" + "0" * 64, "a" * 300, "/".join(["b" * 250] * 20)])
def test_verify_a_target_too_long_to_be_a_path_is_read_as_a_link(registry_dir: Path, target: str) -> None:
    """A path component over 255 bytes (or a path over PATH_MAX) is not a file: no OSError, no traceback."""
    result = run("--root", str(registry_dir), "verify", target)
    assert "Traceback" not in result.stderr
    if target.startswith("ref="):
        assert result.returncode == 1
        assert f"UNKNOWN: no award or endorsement with hash {'0' * 64}" in result.stdout
    else:
        assert result.returncode == 2
        assert "is neither a file, an award or endorsement hash" in result.stderr
        assert "aaaaaaaa" in result.stderr or "bbbbbbbb" in result.stderr  # quoted: no key on its own in it


FAKE_VALID = "X\u001b[2J\u001b[HValid: a genuine award, in force.\n  verdict: VALID\u001b[8m"
UNSAFE_CHARS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))] + [
    *"\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
]


def _raw_controls(text: str) -> list[str]:
    """The characters of ``text`` a terminal would act on (its own line ends aside)."""
    return sorted({c for c in text if c in UNSAFE_CHARS and c != "\n"})


def test_verify_text_output_shows_controls_from_the_file_escaped(signer: Any, tmp_path: Path) -> None:
    """A crafted name cannot clear the screen and print a fake VALID: what the file says is shown escaped."""
    from generator.awarding.revoke import revoke_award
    from generator.errors import UsageError

    issued = signer.award()
    award = json.loads(json.dumps(issued.award))
    award["name"] = FAKE_VALID
    award["credentialSubject"]["achievement"]["name"] = FAKE_VALID + "\u202e\u2066\u0085\u2028"
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(award))
    result = run("--root", str(signer.root), "verify", str(path))
    assert result.returncode == 1
    assert _raw_controls(result.stdout) == []
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "This file was changed after it was issued: it is not what its issuer signed.",
        "  verdict: INVALID",
    ]
    assert not any(line.lstrip().startswith("verdict: VALID") for line in lines)
    # Its credential's other name is quoted after the registry's, as the file's words, escaped once, as the page
    # quotes it (text.js pyRepr, Python's repr: a line break as \n).
    claims = next(line for line in lines if line.startswith("  claims: "))
    assert "calls it 'X\\x1b[2J\\x1b[HValid: a genuine award, in force.\\n  verdict: VALID\\x1b[8m" in claims
    assert "\\u202e\\u2066\\x85\\u2028" in result.stdout
    # A revocation's reason is registry text, which refuses such characters at every door (`credreg revoke`, the
    # revocation model, so the check): none reaches a verdict from there.
    with pytest.raises(UsageError, match="control character"):
        revoke_award(signer.registry, issued.hash, "irregular\u001b[2J\u202eVALID", signer.key)


def test_check_output_escapes_controls_in_every_format() -> None:
    from generator.errors import Location, Problem
    from generator.report import OutputFormat, format_problems

    problem = Problem(Location("registry/x.yaml", 3), "bad value 'a\u001b[2Jb\u202ec'\nregistry/x.yaml: ok", "name")
    text = format_problems([problem], OutputFormat.TEXT, summary={})
    assert text == "registry/x.yaml:3: name: bad value 'a\\x1b[2Jb\\u202ec'\\x0aregistry/x.yaml: ok"
    github = format_problems([problem], OutputFormat.GITHUB, summary={})
    assert _raw_controls(github) == []
    assert github.endswith("::name: bad value 'a\\x1b[2Jb\\u202ec'%0Aregistry/x.yaml: ok")


def test_verify_names_the_public_log_check_for_an_award_as_for_an_endorsement(tmp_path: Path) -> None:
    """The example registry declares no log: `credreg verify AWARD --log site/log/` dropped the check (no line,
    --log silently ignored), where an endorsement, and the page, say the registry publishes no log."""
    award = next((REPO / "registry" / "issuers").glob("*/awards/*/*/*.json"))
    endorsement = next((REPO / "registry").glob("*/*/endorsements/*.json"))
    for document in (award, endorsement):
        plain = run("--root", str(REPO), "verify", str(document), "--format", "json")
        [check] = [c for c in json.loads(plain.stdout)["checks"] if c["id"] == "log"]
        assert check["reason"] == "this registry publishes no transparency log", document
        given = run("--root", str(REPO), "verify", str(document), "--log", str(tmp_path / "site" / "log"))
        assert "Traceback" not in given.stderr
        line = next(line for line in given.stdout.splitlines() if "Public log" in line)
        assert "not checked: this registry publishes no transparency log" in line, document
        assert "registry/governance.yaml declares none: --log is not checked" in line, document


def test_a_reader_that_stops_early_is_no_traceback() -> None:
    """`credreg verify … | head -3` printed a BrokenPipeError traceback once head had read its lines."""
    award = next((REPO / "registry" / "issuers").glob("*/awards/*/*/*.json"))
    read, write = os.pipe()
    os.close(read)  # the reader is gone before credreg writes a line
    with os.fdopen(write, "wb") as stdout:
        done = subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(REPO), "verify", str(award)],
            stdout=stdout, stderr=subprocess.PIPE, text=True, check=False,
        )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    assert "BrokenPipeError" not in done.stderr, done.stderr
    assert done.returncode == 141  # as a command the shell saw end by SIGPIPE (128 + 13)


@pytest.mark.parametrize("text", ["[1, 2]", '"a string"', "42", "null", "true"])
def test_verify_json_that_is_no_object_is_not_a_credential(tmp_path: Path, text: str) -> None:
    """JSON that is not an object is no credential, as invalid JSON is none and as the verification page says
    (verifier.js parseAwardJSON: "a credential is a JSON object"). It was verified as one: INVALID, with a table
    of checks run on nothing ("the credential names no issuer", "no readable start date")."""
    target = tmp_path / "not-an-object.json"
    target.write_text(text + "\n", encoding="utf-8")
    done = run("--root", str(REPO), "verify", str(target))
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert done.stderr == f"credreg: {target} is not a JSON credential\n  a credential is a JSON object\n"


def test_verify_a_status_list_checks_it_as_one_with_no_hash_and_no_link() -> None:
    """An issuer's status list from the example registry was checked as an award ("not an award", exit 1, with an
    award hash): it is checked as a list, genuine here (exit 0), with no hash and no link, in both formats."""
    status_list = next((REPO / "registry" / "issuers").glob("*/status/1.json"))
    issuer = status_list.parent.parent.name
    text = run("--root", str(REPO), "verify", str(status_list))
    assert text.returncode == 0, text.stdout + text.stderr
    lines = text.stdout.splitlines()
    assert lines[:2] == [
        "A genuine status list of a registered issuer (the registry's record of what it revoked): "
        "check an award or endorsement by its file, hash or link.",
        "  verdict: VALID",
    ]
    assert f"passed: list 1 of {issuer}" in text.stdout
    assert not any(line.strip().startswith("hash ") for line in lines)
    assert "/verify/" not in text.stdout
    given = run("--root", str(REPO), "verify", str(status_list), "--format", "json")
    result = json.loads(given.stdout)
    assert (result["headline_kind"], result["headline"], result["verdict"]) == ("status list", lines[0], "valid")
    # Last, as for an award: the public log's, not checked here (this registry declares no log).
    assert [c["id"] for c in result["checks"]] == ["structure", "list", "proof", "validity", "log"]
    assert result["registry_issuer"] == issuer
    assert "hash" not in result
    assert "verify_url" not in result


def test_verify_an_endorsers_status_list_checks_it_as_the_endorsers() -> None:
    """A registered endorser's list (registry/endorsers/<id>/status/<n>.json) is one of this registry's lists too:
    genuine, signed by the endorser's registered key, and named as the endorser's."""
    status_list = next((REPO / "registry" / "endorsers").glob("*/status/1.json"))
    done = run("--root", str(REPO), "verify", str(status_list), "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["headline"].startswith("A genuine status list of a registered endorser ")
    assert result["registry_endorser"] == status_list.parent.parent.name
    assert [(c["id"], c["status"]) for c in result["checks"]] == [
        ("structure", "passed"),
        ("list", "passed"),
        ("proof", "passed"),
        ("validity", "passed"),
        ("log", "not checked"),
    ]


def test_verify_a_changed_status_list_is_not_genuine(tmp_path: Path) -> None:
    """The example registry's status list with a bit set that its issuer did not sign: INVALID, exit 1, as for an
    award that was changed."""
    from generator.statuslist import decode_list, encode_list, get_bit, set_bit

    status_list = next((REPO / "registry" / "issuers").glob("*/status/1.json"))
    doc = json.loads(status_list.read_text(encoding="utf-8"))
    bits = bytearray(decode_list(doc["credentialSubject"]["encodedList"]))
    set_bit(bits, 7, not get_bit(bits, 7))
    doc["credentialSubject"]["encodedList"] = encode_list(bits)
    changed = tmp_path / "1.json"
    changed.write_text(json.dumps(doc), encoding="utf-8")
    done = run("--root", str(REPO), "verify", str(changed))
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.splitlines()[:2] == [
        "This status list is not genuine: it was changed after its issuer signed it.",
        "  verdict: INVALID",
    ]
    assert "✗ Signed by its issuer's registered key" in done.stdout


def test_verify_a_status_list_says_what_it_cannot_check(tmp_path: Path) -> None:
    """Without its registry a list's owner and keys are unknown, and it names no recipient: a usage error each."""
    status_list = next((REPO / "registry" / "issuers").glob("*/status/1.json"))
    done = run("verify", str(status_list), cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "is a status list: checking it needs its registry (--root DIR)" in done.stderr
    asked = run("--root", str(REPO), "verify", str(status_list), "--recipient", "ada@example.org")
    assert asked.returncode == 2, asked.stdout + asked.stderr
    assert "is a status list: it names no recipient" in asked.stderr


def test_verify_shows_no_date_or_reason_of_a_revocation_line_its_issuer_did_not_sign(tmp_path: Path) -> None:
    """On a checkout, `credreg verify` does not run the full check: a line added to an issuer's revocation log, or
    changed, by someone without its key vouches for nothing, as on the verification page. It showed a changed
    line's reason as the issuer's, and let a line no key signed revoke an award its signed list says is not."""
    root = tmp_path / "example"
    for name in ("registry", "keys", "schemas"):
        shutil.copytree(REPO / name, root / name)
    log = root / "registry" / "issuers" / "brightforge-academy" / "revocations.jsonl"
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    revoked = {line["award"] for line in lines}
    awards = sorted((root / "registry" / "issuers" / "brightforge-academy" / "awards").glob("*/*/*.json"))
    valid = next(p.stem for p in awards if p.stem not in revoked)
    forged = [{**lines[0], "reason": "Forged by a third party"}, *lines[1:], {**lines[0], "award": valid}]
    log.write_text("".join(json.dumps(line) + "\n" for line in forged), encoding="utf-8")

    changed = run("--root", str(root), "verify", lines[0]["award"])
    assert changed.returncode == 1, changed.stderr
    assert "Forged" not in changed.stdout
    assert changed.stdout.startswith("Revoked by its issuer.\n  verdict: REVOKED\n")
    assert (
        "failed: revoked (the issuer's signed status list says so; the revocation's signature does not verify: "
    ) in changed.stdout
    assert "so its date and reason are not shown" in changed.stdout

    added = run("--root", str(root), "verify", valid)
    assert "verdict: REVOKED" not in added.stdout
    assert (
        "not checked: the status list says not revoked, but a revocation is published for it: the revocation's "
        "signature does not verify: "
    ) in added.stdout


def test_a_line_nobody_signed_does_not_hide_the_signed_one_for_the_same_award(tmp_path: Path) -> None:
    """A revocation its issuer signed stands: a line for the same award appended after it by someone without the
    key (the full check refuses it, but `credreg verify` on a checkout does not run that check) took its place, so
    the award read as revoked without a day or a reason, or, its list's bit clear, as of unknown status."""
    root = tmp_path / "example"
    for name in ("registry", "keys", "schemas"):
        shutil.copytree(REPO / name, root / name)
    log = root / "registry" / "issuers" / "brightforge-academy" / "revocations.jsonl"
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    forged = [*lines, {**lines[0], "reason": "Forged by a third party"}]
    log.write_text("".join(json.dumps(line) + "\n" for line in forged), encoding="utf-8")
    found = run("--root", str(root), "verify", lines[0]["award"])
    assert found.returncode == 1, found.stderr
    assert "Forged" not in found.stdout
    assert f"for this reason: {lines[0]['reason']!r}" in found.stdout


# --- files named on the command line ---------------------------------------------------------------------------


def test_a_file_option_that_cannot_be_read_or_written_is_a_usage_error(registry_dir: Path, tmp_path: Path) -> None:
    """The files a workflow names (--summary, --body, --outputs, --pr-body, --comment): a folder, a path under a
    file or a missing file is a usage error that names the option and the path, never an OSError traceback."""
    subprocess.run(["git", "init", "-q", str(registry_dir)], check=True)
    subprocess.run(["git", "-C", str(registry_dir), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(registry_dir), "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "r"],
        check=True,
    )
    shutil.copytree(REPO / ".github" / "ISSUE_TEMPLATE", registry_dir / ".github" / "ISSUE_TEMPLATE")
    folder = tmp_path / "a-folder"
    folder.mkdir()
    under_file = tmp_path / "a-file" / "summary.md"
    under_file.parent.write_text("x\n")
    body = tmp_path / "body.md"
    body.write_text("### Not a question\n\nanswer\n")
    form = ["form-to-pr", "issuer", "--author", "kim", "--issue", "7"]
    cases: list[tuple[list[str], str, Path]] = [
        (["check", "--base", "HEAD", "--actor", "kim", "--summary", str(folder)], "--summary", folder),
        (["check", "--base", "HEAD", "--actor", "kim", "--summary", str(under_file)], "--summary", under_file),
        (["preview-summary", "--base", "HEAD", "--summary", str(folder)], "--summary", folder),
        ([*form, "--body", str(tmp_path / "missing.md")], "--body", tmp_path / "missing.md"),
        ([*form, "--body", str(folder)], "--body", folder),
        ([*form, "--body", str(body), "--comment", str(folder)], "--comment", folder),
    ]
    for args, option, path in cases:
        done = run("--root", str(registry_dir), *args)
        assert "Traceback" not in done.stderr, (args, done.stderr)
        assert done.returncode == 2, (args, done.stdout + done.stderr)
        assert f"credreg: {option} {path}: " in done.stderr, (args, done.stderr)


def test_a_path_whose_symbolic_links_loop_is_a_usage_error_in_every_command(signer: Any, tmp_path: Path) -> None:
    """A path given on the command line that is a symbolic link loop (or lies under one) raised RuntimeError
    from Path.resolve in Python 3.11: a usage error naming it instead, whatever the command and option."""
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    root, key, credential = str(signer.root), str(signer.key_path), "acme-academy/sql-basics"
    award = ["award", credential, "--recipient", "kim@example.org", "--key"]
    demo = ["demo", "--issuers", "1", "--credentials", "1", "--awards", "0"]
    cases = [
        ["--root", str(loop), "check"],
        ["--root", root, *award, str(loop)],
        ["--root", root, *award, key, "--out", str(loop)],
        ["--root", root, *award, key, "--out", str(loop / "earners")],
        ["--root", root, *award, key, "--out", str(tmp_path / "earners"), "--record", str(loop)],
        ["--root", root, "award", credential, "--csv", str(loop), "--key", key],
        ["--root", root, "keygen", "acme-academy", "--key-id", "key-9", "--out", str(loop / "k")],
        ["--root", root, "log", "keygen", "--out", str(loop)],
        ["--root", root, "build", "--out", str(loop)],
        [*demo, "--out", str(loop)],
        [*demo, "--out", str(tmp_path / "demo"), "--keys", str(loop)],
    ]
    _each_a_usage_error(cases, f"{loop}", "symbolic links loop")


def test_a_path_the_file_system_refuses_is_a_usage_error_in_every_command(signer: Any, tmp_path: Path) -> None:
    """A path given on the command line with a component longer than the file system allows (ENAMETOOLONG from
    a stat, an open or a mkdir anywhere in the command) ended in an OSError traceback: a usage error naming the
    path and the system's reason, whichever command and option met it."""
    long = str(tmp_path / ("a" * 300))
    root, key, credential = str(signer.root), str(signer.key_path), "acme-academy/sql-basics"
    award = ["--root", root, "award", credential, "--recipient", "kim@example.org", "--key"]
    cases = [
        ["--root", long, "check"],
        [*award, key, "--out", long],
        [*award, key, "--out", str(tmp_path / "earners"), "--record", long],
        ["--root", root, "keygen", "acme-academy", "--key-id", "key-9", "--out", long],
        ["--root", root, "log", "keygen", "--out", long],
        ["--root", root, "build", "--out", long],
        ["demo", "--issuers", "1", "--credentials", "1", "--awards", "0", "--out", long],
    ]
    _each_a_usage_error(cases, f"credreg: {long}", ": File name too long")


def _each_a_usage_error(cases: list[list[str]], *says: str) -> None:
    """Each command line in ``cases`` ends in a usage error (exit 2, no traceback) whose message says ``says``."""
    for args in cases:
        done = run(*args)
        assert "Traceback" not in done.stderr, (args, done.stderr)
        assert done.returncode == 2, (args, done.stdout + done.stderr)
        for words in says:
            assert words in done.stderr, (args, done.stderr)


@pytest.mark.parametrize("jobs", ["0", "-3", "99999999999999999999", "many"])
def test_a_number_of_jobs_out_of_range_is_a_usage_error(registry_dir: Path, jobs: str) -> None:
    """`--jobs 99999999999999999999` forked workers until the machine ran out (5,000 of them for the example
    registry before it was stopped); 0 and negative numbers were taken silently. Each is a usage error."""
    for command in (["check", "--no-cache"], ["demo", "--out", str(registry_dir / "demo")]):
        done = subprocess.run(
            [sys.executable, "-m", "generator", "--root", str(registry_dir), *command, "--jobs", jobs],
            capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
        assert done.returncode == 2, done.stdout + done.stderr
        assert f"--jobs: {jobs!r} is not a number of processes from 1 to {MAX_JOBS}" in done.stderr, done.stderr


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_serve_on_a_port_that_is_none_is_a_usage_error(registry_dir: Path, port: str) -> None:
    """`credreg serve --port 99999` built the site, then bind() raised OverflowError: a usage error first."""
    done = run("--root", str(registry_dir), "serve", "--out", str(registry_dir.parent / "served"), "--port", port)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"--port: {port!r} is not a TCP port (0 to 65535)" in done.stderr, done.stderr
    assert not (registry_dir.parent / "served").exists()


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("2024-06-01", "2024-06-01T00:00:00Z"),  # a day: its first instant, as the help promises ("first day")
        ("2024-06-01T08:30:00+02:00", "2024-06-01T06:30:00Z"),  # a time: that instant
    ],
)
def test_keygen_valid_from_a_day_opens_the_key_at_its_start(tmp_path: Path, given: str, written: str) -> None:
    # --valid-from was read as --valid-until is: a day as its last second, so a key "valid from 1 June" could sign
    # nothing on 1 June until 23:59:59 (its window opened at the day's end).
    root = make_registry(tmp_path / "r")
    made = run("--root", str(root), "keygen", "acme-academy", "--key-id", "key-9", "--out", str(tmp_path / "k"),
               "--valid-from", given)  # fmt: skip
    assert made.returncode == 0, made.stderr
    key = json.loads((root / "keys/acme-academy/key-9.json").read_text(encoding="utf-8"))
    assert key["valid_from"] == written


def _said_escaped(done: subprocess.CompletedProcess[str], unseen: str) -> None:
    """``done`` refused the registry's folder, naming it with ``unseen`` shown escaped, never as it is."""
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert unseen not in done.stderr
    escaped = f"\\x{ord(unseen):02x}" if ord(unseen) < 0x100 else f"\\u{ord(unseen):04x}"
    assert f"reg{escaped}" in done.stderr, done.stderr


@pytest.mark.parametrize("unseen", ["\x1b[2K\r", "\u202e", "\u2028", "\x9b"])
def test_an_error_message_quoting_input_prints_what_a_terminal_would_act_on_escaped(
    tmp_path: Path, unseen: str
) -> None:
    """An error message quotes input (a path, a field's value, a host's words), and was printed as it was: an
    escape sequence in a folder's name erased the line on the terminal, a bidi override reordered it. Every message
    is printed with such characters escaped, its own line breaks kept."""
    root = tmp_path / f"reg{unseen}istry"
    root.mkdir()
    done = run("--root", str(root), "check")
    _said_escaped(done, unseen[0])


@pytest.mark.parametrize("unseen", ["\x1b[2K\r", "\u202e"])
def test_a_path_the_file_system_refuses_is_printed_with_what_a_terminal_would_act_on_escaped(
    tmp_path: Path, unseen: str
) -> None:
    """The last resort for an OSError no reader made a located problem (a name too long for the file system) printed
    the refused path as it was, past the escaping every other error message gets: an escape sequence in a folder's
    name erased the line there, a bidi override reordered it."""
    root = tmp_path / f"reg{unseen}{'y' * 300}"
    done = run("--root", str(root), "check")
    _said_escaped(done, unseen[0])


def test_verify_output_holds_no_workflow_command_from_the_file(signer: Any, tmp_path: Path) -> None:
    """`credreg verify` in a CI job prints to a log GitHub's runner reads for workflow commands ("##[" anywhere in a
    line, "::" at a line's start): a file's name for itself must not stop the job reading commands, or raise an
    annotation, whatever the verdict."""
    from tests._internal.test_text import workflow_commands

    issued = signer.award()
    award = json.loads(json.dumps(issued.award))
    said = "##[stop-commands]tok \u2003::notice::VALID"
    award["credentialSubject"]["achievement"]["name"] = said
    path = tmp_path / "crafted.json"
    path.write_text(json.dumps(award))
    text = run("--root", str(signer.root), "verify", str(path))
    as_json = run("--root", str(signer.root), "verify", str(path), "--format", "json")
    assert text.returncode == as_json.returncode == 1
    assert "verdict: INVALID" in text.stdout
    assert "\\x23#[stop-commands]tok" in text.stdout
    assert workflow_commands(text.stdout + text.stderr) == []
    assert workflow_commands(as_json.stdout) == []
    assert json.loads(as_json.stdout)["valid"] is False


def test_check_output_holds_no_workflow_command_in_any_format() -> None:
    """A path or a message in the pull request's check (a file's name is the author's: Git lets it start with
    "::") is no workflow command in the job's log, in the text and JSON formats, nor inside an annotation."""
    from generator.errors import Location, Problem
    from generator.report import OutputFormat, format_problems
    from tests._internal.test_text import workflow_commands

    problems = [
        Problem(Location("::error file=registry/a.yaml::forged", 1), "unknown file"),
        Problem(Location("registry/x.yaml", 3), "bad value '##[stop-commands]tok'", "name"),
    ]
    for fmt in OutputFormat:
        shown = format_problems(problems, fmt, summary={})
        commands = workflow_commands(shown)
        if fmt is OutputFormat.GITHUB:  # the annotations themselves, and only them
            assert commands == shown.split("\n")
            assert all(c.startswith(("::error ", "::warning ")) for c in commands)
            assert "##[" not in shown
        else:
            assert commands == [], shown


FORGED_VERDICT = "\nValid: a genuine award, in force.\n  verdict: VALID\n"


def test_a_file_name_holding_line_breaks_forges_no_line_of_an_error(tmp_path: Path, registry_dir: Path) -> None:
    """Git, a zip or a tarball can hand over a file whose name holds line breaks. `credreg verify` quoted the name
    bare in its error, line breaks and all: "Valid: a genuine award, in force." and "  verdict: VALID" were lines
    of their own under the refusal. A message's own lines are kept; a line break in what it quotes is shown."""
    for name, data in ((f"award.json{FORGED_VERDICT}", b"not json"), (f"list.json{FORGED_VERDICT}", b"[]")):
        path = tmp_path / name
        path.write_bytes(data)
        done = run("--root", str(registry_dir), "verify", str(path))
        assert done.returncode == 2, done.stderr
        lines = done.stderr.splitlines()
        assert not any(line.lstrip().startswith(("Valid:", "verdict:")) for line in lines), done.stderr
        assert "award.json\\x0aValid: a genuine award, in force.\\x0a  verdict: VALID\\x0a" in done.stderr or (
            "list.json\\x0aValid" in done.stderr
        )
    # A folder's name too, wherever an error names it (here: no registry in it).
    root = tmp_path / f"reg{FORGED_VERDICT}istry"
    root.mkdir()
    done = run("--root", str(root), "check")
    assert done.returncode == 2
    assert not any(line.lstrip().startswith(("Valid:", "verdict:")) for line in done.stderr.splitlines())


def runner_command(line: str) -> tuple[str, dict[str, str], str] | None:
    """``line`` as GitHub's runner parses a workflow command (actions/runner ActionCommand.TryParseV2): its name,
    its properties unescaped and its data unescaped, or None when the line is none."""
    message = line.lstrip()
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    name, _, listed = message[2:end].partition(" ")
    properties = {}
    for item in listed.strip().split(","):
        key, _, value = item.partition("=")
        if key and value:
            for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
                value = value.replace(escaped, char)
            properties[key] = value
    data = message[end + 2 :]
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%25", "%")):
        data = data.replace(escaped, char)
    return name, properties, data


def test_an_annotation_names_the_file_as_it_is_and_no_property_a_name_forges(tmp_path: Path) -> None:
    """`credreg check --format github` in a pull request's job names each file the author added in an annotation's
    file= property. A name holding ",line=1::", "%0A::" or a carriage return could close the property list or add
    a property (a line, a title) of its own, or a second command: the runner parses each annotation to the file as
    it is named, with only credreg's properties, one command a line ("##[" alone is shown escaped: the runner reads
    it anywhere in a line, and the property's encoding has no escape for "#")."""
    root = make_registry(tmp_path / "r")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-C", str(root), "-c", "user.name=T", "-c", "user.email=t@example.org", *args], check=True
        )

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "base")
    named = {
        "registry/issuers/x,line=1::error::y.yaml": "registry/issuers/x,line=1::error::y.yaml",
        "registry/a%0A::error::z.yaml": "registry/a%0A::error::z.yaml",
        "registry/b%2Ctitle=forged.yaml": "registry/b%2Ctitle=forged.yaml",
        "registry/c\r::warning::cr.yaml": "registry/c\r::warning::cr.yaml",
        "registry/\u3000::s.yaml": "registry/\u3000::s.yaml",
        "registry/##[stop-commands]t.yaml": "registry/\\x23#[stop-commands]t.yaml",
    }
    for name in named:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x: 1\n")
    git("add", "-A")
    git("commit", "-qm", "change")
    done = run("--root", str(root), "check", "--base", "HEAD~1", "--actor", "someone", "--format", "github")
    assert done.returncode == 1, done.stderr
    lines = [line for line in re.split(r"\r\n|\r|\n", done.stdout) if line]  # as the runner reads them
    parsed = [runner_command(line) for line in lines]
    assert None not in parsed, done.stdout
    files = set()
    for command in parsed:
        assert command is not None
        name, properties, _data = command
        assert name == "error"
        assert set(properties) == {"file"}, properties  # these problems name no line: none is forged
        files.add(properties["file"])
    assert files == set(named.values())


def test_a_registered_issuer_s_award_of_a_credential_not_defined_here_names_it_as_the_file_s_word(
    signer: Signer, tmp_path: Path
) -> None:
    """An award signed with a registered issuer's key, of a credential its issuer never defined here: its name is the
    file's word only (the key may sign any), and was written as the registry's names are, on the page under "This
    award" unquoted. Both now quote it and say no credential of this registry is so named (verify.js renderFacts)."""
    import datetime as dt

    from generator.awarding.signing import sign_document

    award = json.loads(json.dumps(signer.award().award))
    [proof, *_] = award.pop("proof")
    achievement = award["credentialSubject"]["achievement"]
    achievement["id"] = achievement["id"].replace("sql-basics", "msc-medicine")
    achievement["name"] = "MSc Medicine"
    signed = sign_document(award, signer.key, proof["verificationMethod"], dt.datetime.fromisoformat(proof["created"]))
    path = tmp_path / "undefined.json"
    path.write_text(json.dumps(signed))
    result = run("--root", str(signer.root), "verify", str(path))
    line = next(line for line in result.stdout.splitlines() if "MSc Medicine" in line)
    assert line.startswith("  claims: 'MSc Medicine' (the file's name; no credential of this registry) — issued by "), (
        result.stdout
    )


@pytest.mark.parametrize(
    "name",
    [
        "MSc Medicine' (the file's name; no credential of this registry) — issued by Oxford",
        'it\'s "quoted" both ways',
        "back\\slash\\x1b and \u202etxt",
        "two\nlines",
    ],
)
def test_a_file_s_name_is_quoted_by_one_rule_on_the_page_and_by_credreg_verify(
    signer: Signer, tmp_path: Path, name: str
) -> None:
    """The file's word for a credential its registered issuer never defined here is quoted as the page quotes it
    (text.js pyRepr, Python's repr): the CLI wrote '…' round it as it was, and a name holding ' ended the quote early
    ("'MSc Medicine' (the file's name; no credential of this registry) — issued by Oxford' …"), its rest read as
    the tool's own words, where the page quoted it whole."""
    import datetime as dt

    from generator.awarding.signing import sign_document
    from generator.report import NOT_DEFINED_HERE

    award = json.loads(json.dumps(signer.award().award))
    [proof, *_] = award.pop("proof")
    achievement = award["credentialSubject"]["achievement"]
    achievement["id"] = achievement["id"].replace("sql-basics", "msc-medicine")
    achievement["name"] = name
    signed = sign_document(award, signer.key, proof["verificationMethod"], dt.datetime.fromisoformat(proof["created"]))
    path = tmp_path / "undefined.json"
    path.write_text(json.dumps(signed))
    result = run("--root", str(signer.root), "verify", str(path))
    line = next(line for line in result.stdout.splitlines() if line.startswith("  claims: "))
    assert line.startswith(f"  claims: {name!r} {NOT_DEFINED_HERE} — issued by "), result.stdout


@pytest.mark.parametrize("any_issuer", [True, False])
def test_an_unregistered_issuer_s_names_are_quoted_as_the_file_s_words(
    signer: Signer, tmp_path: Path, any_issuer: bool
) -> None:
    """An issuer not registered here names itself and its credential as it likes, and its key signs it: the CLI wrote
    both bare on one line ("MSc Medicine — issued by Oxford University (registered here as oxford)" read as the
    registry's words), where the page gives each its own row and says "(not registered here)". Both names are now
    quoted as the file's (report.quoted) and the issuer said to be not registered here, valid or not."""
    from tests.verify.test_proof_shape import foreign

    doc = foreign(
        signer,
        issuer_name="Oxford University (registered here as oxford)",
        achievement_name="MSc Medicine — issued by Oxford",
    )
    path = tmp_path / "foreign.json"
    path.write_text(json.dumps(doc))
    result = run("--root", str(signer.root), "verify", *(["--any-issuer"] if any_issuer else []), str(path))
    line = next(line for line in result.stdout.splitlines() if "MSc Medicine" in line)
    claims = "" if any_issuer else "claims: "
    assert line == (
        f"  {claims}'MSc Medicine — issued by Oxford' — issued by "
        "'Oxford University (registered here as oxford)' (not registered here)"
    ), result.stdout


def test_a_quoted_name_is_python_s_repr_and_starts_no_workflow_command() -> None:
    """The file's words quoted (report.quoted) are the page's pyRepr of them, which test_text_js holds equal to
    Python's repr for every character; a workflow command's "##[" in them is shown escaped as terminal_safe shows it
    (repr leaves it: "##[stop-commands]" quoted in an answer stopped a job reading commands)."""
    from generator.report import quoted

    assert quoted("it's") == '"it\'s"'
    assert quoted("a\nb\u202e") == "'a\\nb\\u202e'"
    assert quoted("x ##[stop-commands]tok") == "'x \\x23#[stop-commands]tok'"
    assert "##[" not in quoted("##[##[##[")
