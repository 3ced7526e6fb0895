"""No private key enters the repository, whatever the file and wherever it is."""

from __future__ import annotations

import base64
import bz2
import contextlib
import gzip
import hashlib
import io
import json
import lzma
import os
import shutil
import signal
import tarfile
import threading
import time
import zipfile
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from generator.awarding.keys import PRIVATE_KEY_FORMAT
from generator.check import CheckOptions, run_check
from generator.crypto.ed25519 import public_from_seed
from generator.crypto.multibase import b58encode, encode_ed25519_private
from generator.errors import GitFailed, Problem
from generator.governance import leaks
from generator.governance.leaks import award_secret, secret_in
from tests.conftest import CONFORMANCE
from tests.governance.conftest import ACME, Repo, commit_all, errors, only, shown

# Assembled at run time, so this test file itself never holds a private key block.
PEM_HEAD = "-----BEGIN " + "OPENSSH PRIVATE KEY-----"
#: A Multikey document's private-key field, built from pieces so this file is no hit of a repository scan.
PRIVATE_FIELD = "private" + "KeyMultibase"


def test_a_credreg_private_key_file_is_refused(repo: Repo) -> None:
    shutil.copy(repo.key_dir / f"{ACME}-key-1.key", repo.path(f"keys/{ACME}/key-1.key.json"))
    report = repo.check("acme-lead")
    problem = next(p for p in report.problems if p.code == "governance.private-key")
    assert (problem.location.path, problem.location.line) == (f"keys/{ACME}/key-1.key.json", 2)
    assert problem.message.startswith("contains a credreg private key: private keys never enter the repository")
    assert "treat the key as exposed: revoke it (revoked_at and revocation_reason in its key file)" in problem.message


def test_a_pem_private_key_anywhere_is_refused(repo: Repo) -> None:
    repo.write("docs/deploy.md", f"# Deploying\n\n{PEM_HEAD}\nb3BlbnNzaC1rZXktdjEAAAAA\n")
    problem = only(repo.check("reg-admin"), "governance.private-key")
    assert (problem.location.path, problem.location.line) == ("docs/deploy.md", 3)
    assert problem.message.startswith("contains a PEM private key")


def test_a_key_pasted_into_a_changed_file_is_found(repo: Repo) -> None:
    rel = f"registry/issuers/{ACME}/credentials/sql-basics.yaml"
    # Commented out, its body too: armour alone is no key (a narrative may quote it).
    repo.edit(rel, "criteria:", f"# {PEM_HEAD}\n# b3BlbnNzaC1rZXktdjEAAAAA\ncriteria:")
    problem = only(repo.check("acme-lead"), "governance.private-key")
    assert (problem.location.path, problem.location.line) == (rel, 8)


def test_naming_the_format_or_a_public_key_is_not_a_leak(repo: Repo) -> None:
    repo.write("docs/keys.md", f"Private key files say `{PRIVATE_KEY_FORMAT}` and live outside the repository.\n")
    repo.write("docs/ssh.md", "Paste the line from ~/.ssh/id_ed25519.pub, never the PRIVATE KEY file.\n")
    assert shown(repo.check("reg-admin").problems) == []


def test_ignored_files_are_not_part_of_the_change(repo: Repo) -> None:
    repo.write(".gitignore", "*.key\n")
    repo.git("add", ".gitignore")
    shutil.copy(repo.key_dir / f"{ACME}-key-1.key", repo.path("local.key"))
    assert shown(repo.check("reg-admin").problems) == []


# --- any spelling of a private key, and lists of recipients; in the full check too ---------------------------


def _full(repo: Repo) -> list[Problem]:
    report = run_check(repo.root, CheckOptions(progress=False))
    return [p for p in errors(report) if p.code.startswith("governance.")]


def test_the_full_check_refuses_a_committed_private_key(repo: Repo) -> None:
    """A key committed by any way (a push to main, a merge by hand) is found by the check that gates the build."""
    shutil.copy(repo.key_dir / f"{ACME}-key-1.key", repo.path("k4.key"))
    commit_all(repo.root, "oops")
    [problem] = _full(repo)
    assert (problem.location.path, problem.location.line, problem.code) == ("k4.key", 2, "governance.private-key")
    assert problem.message.startswith("contains a credreg private key: private keys never enter the repository")


def test_the_full_check_reads_from_git_a_key_a_sparse_checkout_left_out(repo: Repo) -> None:
    # A sparse checkout of registry/ and keys/ (what a CI fetching only the registry does): a private key committed
    # elsewhere is in every clone, but the search read the work tree only and passed a file it never saw.
    repo.write("ops/old/server.pem", pem_file(os.urandom(32)))
    repo.write("ops/old/readme.txt", "nothing here\n")
    commit_all(repo.root, "a key in an old folder")
    repo.git("sparse-checkout", "set", "--no-cone", "/registry/", "/keys/")
    assert not repo.path("ops/old/server.pem").exists()
    problems = [p for p in _full(repo) if p.location.path.startswith("ops/")]
    assert [(p.location.path, p.location.line, p.code) for p in problems] == [
        ("ops/old/server.pem", 1, "governance.private-key")
    ]
    # Read by one cat-file stream: each blob's own bytes, however many files were left out.
    blobs = leaks._blobs_not_as_on_disk(repo.root, ["ops/old/readme.txt", "ops/old/server.pem"], (".",))
    assert blobs["ops/old/readme.txt"] == b"nothing here\n"
    assert blobs["ops/old/server.pem"].startswith(PEM_PKCS8[0].encode())


def _pr(repo: Repo, base: str) -> list[Problem]:
    report = run_check(repo.root, CheckOptions(base=base, actor="reg-admin", progress=False))
    return [p for p in errors(report) if p.code == "governance.private-key"]


def test_the_pr_check_reads_from_git_a_changed_file_a_sparse_checkout_left_out(repo: Repo) -> None:
    # A pull request adding a key under ops/, checked in a CI that fetches only registry/ and keys/ (sparse): the
    # diff names the file (Git compares its index entry), but the search read the work tree only, and skipped it.
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write("ops/server.pem", pem_file(os.urandom(32)))
    commit_all(repo.root, "a key in the pull request")
    repo.git("sparse-checkout", "set", "--no-cone", "/registry/", "/keys/")
    assert not repo.path("ops/server.pem").exists()
    assert [(p.location.path, p.location.line) for p in _pr(repo, base)] == [("ops/server.pem", 1)]


@pytest.mark.parametrize("flag", ["--skip-worktree", "--assume-unchanged"])
def test_a_committed_key_is_found_whatever_a_flagged_file_on_disk_says(repo: Repo, flag: str) -> None:
    # Git commits the index's blob of a file flagged skip-worktree or assume-unchanged, never what the work tree
    # holds (git diff and git add look past it): a harmless copy on disk hid the committed key from both checks.
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write("ops/server.pem", pem_file(os.urandom(32)))
    commit_all(repo.root, "a key in the pull request")
    repo.git("update-index", flag, "ops/server.pem")
    repo.write("ops/server.pem", "nothing here\n")
    assert repo.git("status", "--porcelain", "--", "ops") == ""
    assert [(p.location.path, p.location.line) for p in _pr(repo, base)] == [("ops/server.pem", 1)]
    assert [(p.location.path, p.location.line) for p in _full(repo) if p.location.path.startswith("ops/")] == [
        ("ops/server.pem", 1)
    ]
    # What the disk holds is searched too: it is what the next `git add` commits once the flag is dropped.
    shutil.copy(repo.key_dir / f"{ACME}-key-1.key", repo.path("ops/server.pem"))
    both = {("ops/server.pem", 1), ("ops/server.pem", 2)}
    assert {(p.location.path, p.location.line) for p in _pr(repo, base)} == both


def test_blobs_left_out_are_read_as_a_stream_whatever_their_size_or_name(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each blob's first SCAN_BYTES only, read as Git writes them (a huge file outside the cone is never held
    # whole), each under its own name: one with a newline or bytes that are not UTF-8 in it too.
    odd = os.fsdecode(b"ops/line\nbreak-\xff.pem")
    repo.path("ops").mkdir()
    repo.path(odd).write_text(pem_file(os.urandom(32)))
    repo.write("ops/big.txt", "x" * 5000 + "\n")
    repo.write("ops/small.txt", "small\n")
    commit_all(repo.root, "files outside the cone")
    repo.git("sparse-checkout", "set", "--no-cone", "/registry/", "/keys/")
    monkeypatch.setattr(leaks, "SCAN_BYTES", 100)
    blobs = leaks._blobs_not_as_on_disk(repo.root, ["ops/big.txt", "ops/small.txt", odd], (".",))
    assert blobs["ops/big.txt"] == b"x" * 100
    assert blobs["ops/small.txt"] == b"small\n"
    assert blobs[odd].startswith(PEM_PKCS8[0].encode())
    monkeypatch.undo()
    assert [p.location.path for p in _full(repo) if p.location.path.startswith("ops/")] == [odd]


def test_a_blob_git_cannot_give_is_a_failure_not_a_pass(repo: Repo) -> None:
    # A partial clone offline, or a repository missing an object: the file was never read, so the search fails.
    repo.write("ops/a.txt", "a\n")
    repo.write("ops/b.txt", "b\n")
    commit_all(repo.root, "two files")
    repo.git("sparse-checkout", "set", "--no-cone", "/registry/", "/keys/")
    blob = repo.git("rev-parse", "HEAD:ops/b.txt").strip()
    (repo.root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    with pytest.raises(GitFailed, match=r"^ops/b\.txt is not checked out as Git holds it, and Git could not give"):
        leaks._blobs_not_as_on_disk(repo.root, ["ops/a.txt", "ops/b.txt"], (".",))


def test_the_full_check_finds_an_untracked_key_git_would_add_but_not_an_ignored_one(repo: Repo) -> None:
    shutil.copy(repo.key_dir / f"{ACME}-key-1.key", repo.path("issuer.key"))
    shutil.copy(repo.key_dir / f"{ACME}-key-1.key", repo.path("ignored.key"))
    repo.write(".git/info/exclude", "ignored.key\n")
    assert [p.location.path for p in _full(repo)] == ["issuer.key"]


def test_an_interrupted_full_check_leaves_no_search_reading_the_repository(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the full check's background secret search runs Git: the check ends at once, and with it the
    search and the Git it started (killing the search's process alone left its git ls-files, git grep or grep -r
    reading the repository for as long as they took: seconds on a large registry, beside whatever changed it)."""
    bin_dir, pid_file = tmp_path / "bin", tmp_path / "git.pid"
    bin_dir.mkdir()
    real_git = shutil.which("git")
    # The search's listing (committable files: untracked ones too) as slow as a large repository's: it says who it
    # is, then takes its time (and lists nothing). Only the search's: the check's own listing of tracked names, in
    # the main process, is Git as it is (a Ctrl-C landing as Python starts that one leaves it to run alone until it
    # writes to the closed pipe: a slow fake that never writes would outlive the check there).
    (bin_dir / "git").write_text(
        f'#!/bin/sh\ncase " $* " in *" ls-files "*" --others "*) echo $$ > "{pid_file}"; exec sleep 60;; esac\n'
        f'exec "{real_git}" "$@"\n'
    )
    (bin_dir / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    main = threading.get_ident()

    def ctrl_c_once_git_runs() -> None:
        deadline = time.monotonic() + 60
        while not (pid_file.exists() and pid_file.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.01)
        signal.pthread_kill(main, signal.SIGINT)

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        threading.Thread(target=ctrl_c_once_git_runs, daemon=True).start()
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            run_check(repo.root, CheckOptions(progress=False))
        assert time.monotonic() - started < 30
    finally:
        signal.signal(signal.SIGINT, before)
    git = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(git) and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        assert not _alive(git)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(git, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended: its reaping is its new parent's


def _key_doc(repo: Repo) -> dict[str, str]:
    doc: dict[str, str] = json.loads((repo.key_dir / f"{ACME}-key-1.key").read_text())
    return doc


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param(lambda doc: json.dumps(doc).replace("/", "\\/"), id="json-escaped-slash"),
        pytest.param(lambda doc: json.dumps(doc).replace('"format"', '"\\u0066ormat"'), id="u-escape"),
        pytest.param(lambda doc: "".join(f"{k}: {v}\n" for k, v in doc.items()), id="yaml"),
        pytest.param(lambda doc: json.dumps({"seed": doc["seed"]}), id="seed-alone"),
        pytest.param(lambda doc: encode_ed25519_private(_seed(doc)) + "\n", id="private-multikey"),
        pytest.param(
            lambda doc: json.dumps({"id": "#k", PRIVATE_FIELD: encode_ed25519_private(_seed(doc))}),
            id="private-multikey-field",
        ),
        pytest.param(
            lambda doc: json.dumps({"privateKeyJwk": {"kty": "OKP", "crv": "Ed25519", "d": doc["seed"], "x": "AA"}}),
            id="jwk",
        ),
        pytest.param(lambda doc: doc["seed"] + "\n", id="bare-base64url-seed"),
        pytest.param(lambda doc: b58encode(_seed(doc)), id="bare-base58-seed"),
    ],
)
def test_a_private_key_in_any_spelling_is_refused_by_both_checks(repo: Repo, spelling: Any) -> None:
    repo.write("notes/key.txt", spelling(_key_doc(repo)))
    problem = only(repo.check("reg-admin"), "governance.private-key")
    assert problem.location.path == "notes/key.txt"
    assert [p.location.path for p in _full(repo)] == ["notes/key.txt"]


def _seed(doc: dict[str, str]) -> bytes:
    return base64.urlsafe_b64decode(doc["seed"] + "=" * (-len(doc["seed"]) % 4))


def test_a_raw_binary_seed_is_refused(repo: Repo) -> None:
    repo.path("seed.bin").write_bytes(hashlib.sha256(b"a seed").digest())
    problem = only(repo.check("reg-admin"), "governance.private-key")
    assert problem.message.startswith("contains raw key material")


def test_public_values_are_not_keys(repo: Repo) -> None:
    """A digest alone in a file, a public Multikey, the test vectors a standard prints, a JWK without "d"."""
    repo.write("notes/digest.txt", hashlib.sha256(b"x").hexdigest() + "\n")
    repo.write("notes/public.txt", "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2\n")
    repo.write("notes/vector.json", (CONFORMANCE / "vc-di-eddsa" / "keyPair.json").read_text(encoding="utf-8"))
    repo.write("notes/jwk.json", '{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcH"}')
    repo.write("notes/format.md", 'A key file is `{"format": "credreg-note-key/1", "seed": …}`.\n')
    repo.write("notes/code.py", f'doc = {{"{PRIVATE_FIELD}": encode_ed25519_private_multikey(seed_bytes_here)}}\n')
    assert shown(repo.check("reg-admin").problems) == []


COHORT = "email,name,evidence\nbo@example.org,Bo Lind,\ncy@example.org,Cy Moreau,\n"


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("cohort.csv", COHORT),
        ("docs/list.txt", "\ufeffName;E-Mail\nBo;bo@example.org\n"),
        (
            "recipients.csv",
            "email,name,award_hash,verification_link,award_file,recipient_key\nbo@example.org,Bo,ab,https://x,/f,9c\n",
        ),
        # A form's and a learning platform's exports, and lists the header once missed.
        ("responses.csv", "Timestamp,Email Address,Name\n2026/11/20 10:02:11,bo@example.org,Bo Lind\n"),
        ("class/participants.csv", "First name,Surname,Email address\nBo,Lind,bo@example.org\n"),
        ("notes/cohort.tsv", "name\tstudent_email\nBo\tbo@example.org\n"),
        ("notes/kurs.csv", "Name;E-Mail-Adresse\nBo;bo@example.org\n"),
        ("notes/addresses.txt", "bo@example.org\ncy@example.org\n"),
        # A class list keyed by phone numbers or students' numbers instead of addresses.
        ("notes/whatsapp.csv", "Name,Mobile Phone\nBo Lind,+44 7700 900123\nCy Moreau,(0161) 496-0000\n"),
        ("notes/kurs-tel.csv", "Name;Telefon\nBo;0151/12345678\n"),
        ("notes/roster.tsv", "Student ID\tGrade\nS-2026-0042\tA\n"),
        ("notes/matrikel.csv", "Matrikelnummer,Note\n4711,1.3\n"),
        # Addresses split by what shows as nothing (a zero-width space, a soft hyphen, a word joiner) or written
        # percent-escaped, as a link or a mangled export holds them: the same list to whoever reads it.
        ("notes/split.txt", "bo@example.\u200borg\ncy@exam\u00adple.o\u2060rg\n"),
        ("notes/escaped.txt", "bo%40example.org\ncy%40example.org\n"),
        ("notes/escaped.csv", "email,name\nbo%40example.org,Bo\n"),
        ("notes/invisible-escaped.txt", "bo@example.org%E2%80%8B\ncy@example.o%C2%ADrg\n"),
        # Spellings a mailer delivers to bo@example.org, but the address's pattern did not see: a fullwidth at
        # sign, fullwidth or ideographic full stops, a trailing root dot, a top-level domain not in ASCII letters
        # (an award hashes bo@example.рф as an address: its list is one), fullwidth letters in the domain.
        ("notes/fullwidth-at.txt", "bo\uff20example.org\ncy\ufe6bexample.org\n"),
        ("notes/ideographic.txt", "bo@example\u3002org\ncy@example\uff0eorg\n"),
        ("notes/root-dot.txt", "bo@example.org.\ncy@example.org.\n"),
        ("notes/idn-tld.txt", "bo@example.\u0440\u0444\ncy@\u4f8b\u5b50.\u4e2d\u56fd\n"),
        ("notes/fullwidth-domain.csv", "email,name\nbo@\uff45\uff58ample.\uff4f\uff52\uff47,Bo\n"),
        ("notes/idn-tld.csv", "email,name\nbo@example.\u0440\u0444,Bo\n"),
        # The at sign as an HTML character reference (a web app's export, a page's obfuscation): the sibling of the
        # percent escape, the same list to whoever reads it.
        ("notes/entity.txt", "bo&#64;example.org\ncy&#x40;example.org\n"),
        ("notes/entity.csv", "email,name\nbo&commat;example.org,Bo\n"),
        ("notes/entity.json", '[{"email": "bo&#64;example.org"}, {"email": "cy&#64;example.org"}]\n'),
        # Quoted local parts (RFC 5322: the quotes are not part of the address) in a list that keeps them.
        ("notes/quoted.json", '[{"email": "\\"bo\\"@example.org"}, {"email": "\\"cy\\"@example.org"}]\n'),
    ],
)
def test_a_list_of_recipients_is_refused_by_both_checks(repo: Repo, rel: str, text: str) -> None:
    _refused_as_a_list(repo, rel, text, 1)


@pytest.mark.parametrize(
    ("rel", "text", "line"),
    [
        # The same cohort exported as JSON, JSON Lines or YAML, not CSV: a list whose items each hold an address
        # under a column's name, however deep in the item.
        ("notes/cohort.json", '[{"email": "bo@example.org", "name": "Bo Lind"},\n {"email": "cy@example.org"}]\n', 1),
        (
            "notes/export.json",
            '{\n  "course": "SQL",\n  "learners": [\n    {"name": "Bo", "contact": {"E-Mail": "bo@example.org"}},\n'
            '    {"name": "Cy", "contact": {"E-Mail": "cy@example.org"}}\n  ]\n}\n',
            4,
        ),
        ("notes/cohort.jsonl", '{"student_email":"bo@example.org"}\n{"student_email":"cy@example.org"}\n', 1),
        ("notes/cohort.yaml", "cohort:\n  - name: Bo Lind\n    email: bo@example.org\n  - email: cy@example.org\n", 3),
        # As TOML (an array of tables), and with its at signs JSON- or YAML-escaped: the same list.
        ("notes/cohort.toml", '[[learner]]\nemail = "bo@example.org"\n\n[[learner]]\nemail = "cy@example.org"\n', 2),
        ("notes/escaped.json", '[{"email": "bo\\u0040example.org"}, {"email": "cy\\u0040example.org"}]\n', 1),
        ("notes/escaped.yaml", '- email: "bo\\x40example.org"\n- email: "cy\\x40example.org"\n', 1),
        # Each address under a name written twice in its object (the other value empty): read keeping the last
        # value, as JSON readers here do, the file held no address; it holds them, and readers keeping the first
        # value read them. Every value is searched, however often its name is written, at any depth.
        (
            "notes/twice.json",
            '[{"email": "bo@example.org", "email": ""},\n {"email": "cy@example.org", "email": ""}]\n',
            1,
        ),
        ("notes/twice.jsonl", '{"email":"bo@example.org","email":""}\n{"email":"cy@example.org","email":""}\n', 1),
        (
            "notes/deep-twice.json",
            '{"learners": [\n  {"contact": {"E-Mail": "bo@example.org", "E-Mail": "", "E-Mail": "-"}},\n'
            '  {"contact": {"E-Mail": "cy@example.org", "E-Mail": ""}}\n], "learners": []}\n',
            2,
        ),
        (  # written again 1,500 times: no reading may give up on it (a recursion as deep as the repeats did)
            "notes/many-times.json",
            "["
            + ",\n".join("{" + f'"email": "{a}"' + ', "email": ""' * 1500 + "}" for a in ("bo@ex.org", "cy@ex.org"))
            + "]\n",
            1,
        ),
        # YAML that any YAML reader reads, but not as a registry file is read (a key twice, an anchor, a tag, two
        # documents): searched all the same, every value of it.
        ("notes/twice.yaml", "- email: bo@example.org\n  email: ''\n- email: cy@example.org\n  email: ''\n", 1),
        ("notes/anchored.yaml", "- &bo\n  email: bo@example.org\n- email: !!str cy@example.org\n- *bo\n", 2),
        ("notes/two.yaml", "email: bo@example.org\n---\nemail: cy@example.org\n", 1),
        # Addresses split by a zero-width space or a soft hyphen where the domain's ending is read.
        ("notes/split.json", '[{"email": "bo@example.\u200borg"}, {"email": "cy@example.or\u00adg"}]\n', 1),
    ],
)
def test_a_list_of_recipients_in_json_or_yaml_is_refused_by_both_checks(
    repo: Repo, rel: str, text: str, line: int
) -> None:
    _refused_as_a_list(repo, rel, text, line)


def _refused_as_a_list(repo: Repo, rel: str, text: str, line: int) -> None:
    repo.write(rel, text)
    problem = only(repo.check("reg-admin"), "governance.recipients")
    assert (problem.location.path, problem.location.line) == (rel, line)
    assert problem.message.startswith("is a list of recipients (")
    assert "recipients are never published" in problem.message
    assert [p.location.path for p in _full(repo)] == [rel]


#: An award hash and a recipient key, as an earner's link joins them (never joined in this file: the full check of
#: this repository would find them).
EARNER_HASH = "e985455c0390d65f54612e1438a9160d8095f4f35c3a276839b4121d8b223a2e"
EARNER_KEY = "4ba319625842b9b84cb49b7f589301ea"
SITE = "https://credentials.example.org/verify/"


@pytest.mark.parametrize(
    ("rel", "text", "line"),
    [
        ("notes/sent.md", f"# Links sent\n\n- Bo: {SITE}#{EARNER_HASH}~{EARNER_KEY}\n", 3),
        ("notes/links.txt", f"{EARNER_HASH}~{EARNER_KEY}\n", 1),
        ("notes/query.txt", f"{SITE}?award={EARNER_HASH}%7E{EARNER_KEY}\n", 1),
        ("notes/escaped.json", f'{{"link": "{EARNER_HASH}\\u007e{EARNER_KEY}"}}\n', 1),
        ("notes/page.html", f"<a href='{SITE}#{EARNER_HASH}&#126;{EARNER_KEY}'>Bo</a>\n", 1),
        # A tilde anyone reads as one (fullwidth, the tilde operator, the wave dash), as typed or escaped.
        ("notes/wide.md", f"- Bo: {SITE}#{EARNER_HASH}\uff5e{EARNER_KEY}\n", 1),
        ("notes/operator.txt", f"{EARNER_HASH}\u223c{EARNER_KEY}\n", 1),
        ("notes/wave.md", f"Bo: {EARNER_HASH}\u301c{EARNER_KEY}\n", 1),
        ("notes/wide.json", f'{{"link": "{EARNER_HASH}\\uFF5E{EARNER_KEY}"}}\n', 1),
        ("notes/wide-query.txt", f"{SITE}?award={EARNER_HASH}%EF%BD%9E{EARNER_KEY}\n", 1),
        # Split across lines, as a wrapped paragraph or a YAML folded scalar holds it.
        ("notes/wrapped.md", f"Bo's link: {SITE}#{EARNER_HASH}~\n{EARNER_KEY}\n", 1),
        ("notes/sent.yaml", f"bo: >\n  {EARNER_HASH} ~\n  {EARNER_KEY}\n", 2),
        # An earners' mapping with its address column taken out.
        ("notes/keys.csv", f"award_hash,Recipient Key\n{EARNER_HASH},{EARNER_KEY}\n", 2),
    ],
)
def test_an_earners_recipient_key_is_refused_by_both_checks(repo: Repo, rel: str, text: str, line: int) -> None:
    """An earner's link (or a mapping's key column) published confirms a guess of their address, as a published
    salt does: no address need be in the file."""
    repo.write(rel, text)
    problem = only(repo.check("reg-admin"), "governance.recipients")
    assert (problem.location.path, problem.location.line) == (rel, line)
    assert problem.message.startswith("holds an earner's recipient key")
    assert EARNER_KEY not in problem.message
    assert [p.location.path for p in _full(repo)] == [rel]


def test_a_public_verification_link_is_no_recipient_key(repo: Repo) -> None:
    repo.write("notes/public.md", f"{SITE}#{EARNER_HASH}\n{EARNER_HASH}~\n{EARNER_HASH}~{EARNER_KEY}0\n")
    repo.write("notes/header.csv", "award_hash,recipient_key\n")
    repo.write("notes/digests.csv", f"award_hash,key\n{EARNER_HASH},{EARNER_KEY}\n")
    assert shown(repo.check("reg-admin").problems) == []
    assert _full(repo) == []


def test_an_award_whose_evidence_is_an_earners_link_is_refused_by_both_checks(repo: Repo) -> None:
    """A prerequisite's private link given as evidence, signed into an award: the key after ``~`` would be published
    with it (and the public log), so the award is refused at its evidence, in the full check as in the PR's."""
    [earlier] = repo.award(email="bo@example.org")
    [issued] = repo.award(email="bo@example.org")
    rel = repo.resign(
        issued.path.relative_to(repo.root).as_posix(),
        key=repo.key(),
        evidence=[{"id": f"{earlier.verify_url}~{earlier.recipient_key}", "type": ["Evidence"]}],
    )
    for report in (repo.check("acme-lead"), run_check(repo.root, CheckOptions(progress=False))):
        [problem] = [p for p in errors(report) if p.location.path == rel]
        assert problem.code == "award.structure"
        assert "evidence.0.id: must not contain a recipient key" in problem.message
        assert earlier.recipient_key not in str(problem)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", ["VerifiableCredential", "OpenBadgeCredential", "urn:earner:AdaLovelace"]),
        ("type", ["VerifiableCredential", "OpenBadgeCredential", "mailto:ada.lovelace@example.org"]),
        ("credentialSubject", ["AchievementSubject", "https://people.example.org/AdaLovelace"]),
        ("credentialStatus", "urn:earner:AdaLovelace"),
    ],
)
def test_an_award_whose_free_strings_name_its_earner_is_refused_by_both_checks(
    repo: Repo, field: str, value: Any
) -> None:
    """An award's and its subject's ``type`` lists and its status entry's ``id`` were the last free strings of an
    award (every other is the registry's records, a pattern, or evidence): an IRI naming the earner signed, and
    was published. Each is now exactly what the registry writes."""
    [issued] = repo.award(email="ada.lovelace@example.org")
    award = json.loads(repo.read(issued.path.relative_to(repo.root).as_posix()))
    changes: dict[str, Any] = {
        "type": {"type": value},
        "credentialSubject": {"credentialSubject": {**award["credentialSubject"], "type": value}},
        "credentialStatus": {"credentialStatus": {**award["credentialStatus"], "id": value}},
    }[field]
    rel = repo.resign(issued.path.relative_to(repo.root).as_posix(), key=repo.key(), **changes)
    said = {
        "type": "type: must be exactly ['VerifiableCredential', 'OpenBadgeCredential']",
        "credentialSubject": "credentialSubject.type: must be exactly ['AchievementSubject']",
        "credentialStatus": "credentialStatus: id: must be the status list's URL, '#' and the index",
    }[field]
    for report in (repo.check("acme-lead"), run_check(repo.root, CheckOptions(progress=False))):
        [problem] = [p for p in errors(report) if p.location.path == rel]
        assert problem.code == "award.structure"
        assert said in problem.message, str(problem)
        assert "lovelace" not in problem.message.lower()


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _tar(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = text.encode()
        info = tarfile.TarInfo(name)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


#: A spreadsheet's cells, as an .xlsx holds them (the header and the addresses are shared strings).
XLSX_STRINGS = "<sst><si><t>Name</t></si><si><t>Email</t></si><si><t>bo@example.org</t></si></sst>"


@pytest.mark.parametrize(
    ("rel", "make", "kind"),
    [
        ("notes/cohort.csv.gz", lambda: gzip.compress(COHORT.encode()), "gzip"),
        ("notes/cohort.zip", lambda: _zip({"cohort.csv": COHORT}), "ZIP archive"),
        ("notes/class.xlsx", lambda: _zip({"xl/sharedStrings.xml": XLSX_STRINGS}), "ZIP archive"),
        ("notes/renamed.txt", lambda: _zip({"cohort.csv": COHORT}), "ZIP archive"),
        ("notes/cohort.csv.bz2", lambda: bz2.compress(COHORT.encode()), "bzip2"),
        ("notes/cohort.csv.xz", lambda: lzma.compress(COHORT.encode()), "xz"),
        ("notes/cohort.tar", lambda: _tar("cohort.csv", COHORT), "tar archive"),
        ("notes/cohort.7z", lambda: b"7z\xbc\xaf\x27\x1c" + bytes(range(64)), "7-Zip"),
        ("notes/cohort.zst", lambda: b"\x28\xb5\x2f\xfd" + bytes(range(64)), "Zstandard"),
        ("notes/class.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "Office compound"),
        ("notes/list.pdf", lambda: b"%PDF-1.7\n1 0 obj << /Filter /FlateDecode >> stream\n", "PDF"),
        ("notes/cohort.bin", lambda: zlib.compress(COHORT.encode()), "zlib"),  # Python's zlib.compress, no header
        ("notes/cohort.z", lambda: zlib.compress(COHORT.encode(), 9), "zlib"),
    ],
)
def test_a_file_the_search_cannot_read_inside_is_refused_by_both_checks(
    repo: Repo, rel: str, make: Any, kind: str
) -> None:
    """A cohort gzipped, zipped or exported as a spreadsheet hides its addresses (and a key) from every rule that
    reads text: what the search cannot read is refused whole, known by its first bytes, whatever its name."""
    repo.path(rel).parent.mkdir(parents=True, exist_ok=True)
    repo.path(rel).write_bytes(make())
    problem = only(repo.check("reg-admin"), "governance.opaque-file")
    assert (problem.location.path, problem.location.line) == (rel, 1)
    assert problem.message.startswith(f"is a {kind}")
    assert "cannot be searched for private keys and lists of recipients" in problem.message
    assert [(p.location.path, p.code) for p in _full(repo)] == [(rel, "governance.opaque-file")]


def test_text_that_starts_like_a_container_is_read_as_text(repo: Repo) -> None:
    repo.write("notes/bzh.txt", "BZh is how a bzip2 stream starts.\n")
    repo.write("notes/pk.md", "PK stands for primary key.\n")
    repo.write("notes/power.md", "x^2 grows faster than x, and x^n faster still.\n")  # zlib's x^ header, as text
    repo.write("notes/square.md", "x^2\n")  # decodes to a byte or two as deflate, then ends: no stream
    assert shown(repo.check("reg-admin").problems) == []


def test_the_projects_own_authors_and_maintainers_are_no_list_of_recipients(repo: Repo) -> None:
    """A repository's metadata names its own people with their addresses, public by their choice: CITATION.cff's
    authors, package.json's contributors, codemeta.json's and .zenodo.json's creators, a YAML file's
    maintainers. The structured list rule refused every one of them as a cohort."""
    repo.write(
        "CITATION.cff",
        "cff-version: 1.2.0\ntitle: Registry\nauthors:\n  - family-names: Lind\n    email: bo@example.org\n"
        "  - family-names: Moreau\n    email: cy@example.org\n",
    )
    repo.write(
        "tools/package.json",
        '{"name": "x", "author": {"email": "bo@example.org"}, '
        '"contributors": [{"name": "Bo", "email": "bo@example.org"}, {"name": "Cy", "email": "cy@example.org"}]}\n',
    )
    repo.write(".zenodo.json", '{"creators": [{"email": "bo@example.org"}, {"email": "cy@example.org"}]}\n')
    repo.write(
        "project.yml",
        "maintenance:\n  maintainers:\n    - name: Bo\n      email: bo@example.org\n"
        "    - name: Cy\n      email: cy@example.org\n",
    )
    assert shown(repo.check("reg-admin").problems) == []
    assert _full(repo) == []
    # The same list under any other name is a cohort still.
    repo.write("notes/cohort.yaml", "learners:\n  - email: bo@example.org\n  - email: cy@example.org\n")
    assert only(repo.check("reg-admin"), "governance.recipients").location.path == "notes/cohort.yaml"


def test_a_cohort_example_in_the_docs_is_not_a_list(repo: Repo) -> None:
    repo.write("docs/cohort.md", f"A cohort file:\n\n```csv\n{COHORT}```\n")
    repo.write("docs/header-only.csv", "email,name\n")
    repo.write(".mailmap", "Bo Lind <bo@example.org>\nCy Moreau <cy@example.org> <cy@old.example.org>\n")
    repo.write("docs/contact.md", "Write to help@example.org\nor to security@example.org.\n")
    # Words of a column's name in what is no column: a JSON member (an award batch's line) or a heading.
    line = '{"identityType":"emailAddress","hashed":true,"issuer":{"email":"credentials@acme.example"}}\n'
    repo.write("notes/lines.jsonl", line * 2)
    repo.write("notes/README.md", "# Contact by email\n\nWrite to help@example.org.\n")
    # One address in a list (an issuer's former contacts under one address), or addresses not in a list's items.
    repo.write("notes/one.json", '[{"email": "help@example.org"}, {"email": "help@example.org"}, {"name": "x"}]\n')
    repo.write("notes/contacts.yaml", "email: help@example.org\nsecurity_email: security@example.org\n")
    # A phone column with no number in it, a heading that names one, a table of counts by student type.
    repo.write("notes/empty-phone.csv", "name,phone\nBo,\n")
    repo.write("notes/phones.md", "# Phone support, mobile apps\n\nCall 0800 123 4567.\n")
    repo.write("notes/counts.csv", "student type,count\nfull-time,1204\n")
    assert shown(repo.check("reg-admin").problems) == []


# --- spellings the search once missed, and honest text it once refused ------------------------------------------

#: A JWK's private member and PEM's armour words, from pieces (this file is searched too).
JWK_D = "d"
PEM_PKCS8 = ("-----BEGIN " + "PRIVATE KEY-----", "-----END " + "PRIVATE KEY-----")
#: PKCS#8's prefix of an Ed25519 private key (RFC 8410: OID 1.3.101.112), before its 32-byte seed.
PKCS8_ED25519 = bytes.fromhex("302e020100300506032b657004220420")


def _b64(data: bytes | str) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def pem_file(seed: bytes) -> str:
    """An Ed25519 private key as OpenSSL writes it (PKCS#8 in PEM)."""
    return f"{PEM_PKCS8[0]}\n{_b64(PKCS8_ED25519 + seed)}\n{PEM_PKCS8[1]}\n"


def b64url(seed: bytes) -> str:
    return base64.urlsafe_b64encode(seed).rstrip(b"=").decode()


#: Spellings of a key (from its 32-byte seed) that need no registry to be found.
SPELLINGS: dict[str, Any] = {
    "data-url-multikey-file": lambda s: (
        "data:application/json;base64," + _b64(json.dumps({"id": "#k", PRIVATE_FIELD: encode_ed25519_private(s)}))
    ),
    "data-url-jwk": lambda s: (
        "data:application/json;base64," + _b64(json.dumps({"kty": "OKP", "crv": "Ed25519", JWK_D: b64url(s)}))
    ),
    "data-url-pem": lambda s: "data:text/plain;base64," + _b64(pem_file(s)),
    "data-url-hex-seed": lambda s: "data:text/plain;base64," + _b64(s.hex() + "\n"),
    "data-url-base64-of-base64": lambda s: "data:text/plain;base64," + _b64(_b64(pem_file(s))),
    "data-url-percent-encoded": lambda s: quote("data:text/plain;base64," + _b64(pem_file(s)), safe=""),
    "base64-in-a-query": lambda s: (
        "https://e.example/v?k=" + _b64(json.dumps({PRIVATE_FIELD: encode_ed25519_private(s)}))
    ),
    "base64-of-base64-of-a-jwk": lambda s: _b64(_b64(json.dumps({"kty": "OKP", JWK_D: b64url(s)}))),
    "seed-percent-newline": lambda s: "seed:%0A" + b64url(s),
    "seed-percent-space-colon": lambda s: "seed%3A%20" + b64url(s),
    "seed-percent-equals": lambda s: "https://e.example/p?seed%3D" + b64url(s),
    "seed-html-entities": lambda s: "seed&#58;&#10;" + b64url(s),
    "seed-standard-base64": lambda s: "seed: " + _b64(s),
    # 64 bytes are a key when they are a seed and its public key (libsodium's form); 64 others are a token.
    "seed-with-its-public-key": lambda s: "seed=" + b64url(s + public_from_seed(s)),
    "data-url-hex-seed-with-its-public-key": lambda s: (
        "data:text/plain;base64," + _b64((s + public_from_seed(s)).hex())
    ),
    "jwk-single-quotes": lambda s: repr({"kty": "OKP", "crv": "Ed25519", JWK_D: b64url(s)}),
    "jwk-url-query": lambda s: f"https://e.example/k?kty=OKP&crv=Ed25519&{JWK_D}={b64url(s)}",
    "jwk-yaml": lambda s: f"kty: OKP\ncrv: Ed25519\n{JWK_D}: {b64url(s)}\n",
    "pem-pkcs8": pem_file,
    "pem-in-comments": lambda s: "".join(f"# {line}\n" for line in pem_file(s).splitlines()),
}


@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_a_key_spelt_any_of_these_ways_is_found(spelling: str) -> None:
    seed = hashlib.sha256(spelling.encode()).digest()
    text = SPELLINGS[spelling](seed)
    assert award_secret(text.encode()) is not None
    assert award_secret(json.dumps({"n": f"see\n{text}\nthere"}).encode()) is not None  # in a JSON string


@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_a_committed_key_spelt_any_of_these_ways_is_refused_by_both_checks(repo: Repo, spelling: str) -> None:
    repo.write("notes/key.txt", f"Notes\n\n{SPELLINGS[spelling](hashlib.sha256(spelling.encode()).digest())}\n")
    line = 5 if spelling == "jwk-yaml" else 3  # a YAML JWK's "d" is its third line
    problem = only(repo.check("reg-admin"), "governance.private-key")
    assert (problem.location.path, problem.location.line) == ("notes/key.txt", line)
    commit_all(repo.root, "notes")
    assert [(p.location.path, p.location.line) for p in _full(repo)] == [("notes/key.txt", line)]


#: A registered key's seed as a bare token: no label, nothing but its bytes tells it.
BARE: dict[str, Any] = {
    "hex": lambda s: f"token {s.hex()} here",
    "hex-upper": lambda s: f"token {s.hex().upper()}.",
    "hex-0x": lambda s: f"token 0x{s.hex()}",
    "hex-after-percent-newline": lambda s: f"https://e.example/p?t=%0A{s.hex()}",
    "base64": lambda s: f"token {_b64(s)} here",
    "base64url-in-a-path": lambda s: f"https://e.example/d/{b64url(s)}/view",
    "base58": lambda s: f"token {b58encode(s)}",
    "json-after-a-line-break": lambda s: json.dumps({"n": f"token\n{s.hex()}"}),
}


@pytest.mark.parametrize("spelling", list(BARE))
def test_a_bare_token_that_is_a_registered_keys_seed_is_refused_by_both_checks(repo: Repo, spelling: str) -> None:
    """Committed: the full check searches in a process of its own, which tests the tokens once the registry is
    loaded; the pull-request check tests them against the registry of the change."""
    seed = _seed(_key_doc(repo))
    repo.write("notes/token.txt", f"Notes\n{BARE[spelling](seed)}\n")
    problem = only(repo.check("reg-admin"), "governance.private-key")
    assert (problem.location.path, problem.location.line) == ("notes/token.txt", 2)
    assert problem.message.startswith(f"contains the private key of the registered key {ACME}/key-1")
    commit_all(repo.root, "notes")
    for jobs in (None, 1):
        [found] = [p for p in errors(run_check(repo.root, CheckOptions(progress=False, jobs=jobs)))]
        assert (found.location.path, found.location.line, found.code) == ("notes/token.txt", 2, problem.code)


def test_a_bare_token_of_no_registered_key_passes(repo: Repo) -> None:
    """A share token, a digest: 32 bytes, but no registered key's seed."""
    other = hashlib.sha256(b"a share token").digest()
    repo.write("notes/tokens.txt", "".join(spell(other) + "\n" for spell in BARE.values()))
    assert shown(repo.check("reg-admin").problems) == []
    commit_all(repo.root, "notes")
    assert _full(repo) == []


def test_each_token_is_derived_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cost of the registered-key test: one derivation per distinct value of a key's length, whatever the
    number of texts that hold it; other runs are never decoded to a key."""
    calls: list[bytes] = []
    monkeypatch.setattr(leaks, "public_from_seed", lambda seed: calls.append(seed) or bytes(32))
    registered = leaks.RegisteredKeys({b"\1" * 32: "acme/key-1"})
    digest = hashlib.sha256(b"x").hexdigest()
    for _ in range(3):
        assert award_secret(f'{{"a": "{digest}", "b": "{digest}", "c": "{"ab" * 40}"}}'.encode(), registered) is None
    assert calls == [bytes.fromhex(digest)]


HONEST = {
    "seed-share-token": "https://e.example/p?seed=" + b64url(hashlib.sha512(b"share").digest()[:30]),
    "seed-tracking-token-long": "https://e.example/p?utm_source=x&seed=" + b64url(hashlib.sha512(b"t").digest()),
    "d-share-token": f"https://e.example/p?{JWK_D}=" + b64url(hashlib.sha256(b"share").digest()),
    "armour-quoted": f"Your key file starts with {PEM_PKCS8[0]} and ends with {PEM_PKCS8[1]}.",
    "armour-around-nothing": f"{PEM_PKCS8[0]}\n...\n{PEM_PKCS8[1]}",
    "armour-around-a-placeholder": f"{PEM_PKCS8[0]}\n<your key here>\n{PEM_PKCS8[1]}",
    "armour-then-words": f"{PEM_PKCS8[0]}\nfollowed by the key, then\n{PEM_PKCS8[1]}",
    "data-url-image": "data:image/png;base64," + _b64(b"\x89PNG\r\n\x1a\n" + hashlib.sha512(b"i").digest() * 4),
    "data-url-text": "data:text/plain;base64," + _b64("Hello, world: a note, not a key.\n"),
}


@pytest.mark.parametrize("name", list(HONEST))
def test_honest_text_passes_both_checks(repo: Repo, name: str) -> None:
    assert award_secret(HONEST[name].encode()) is None
    assert award_secret(json.dumps({"n": HONEST[name]}).encode()) is None
    repo.write("docs/note.md", f"# A note\n\n{HONEST[name]}\n")
    assert shown(repo.check("reg-admin").problems) == []
    commit_all(repo.root, "a note")
    assert _full(repo) == []


@pytest.mark.parametrize(
    "text",
    [
        # An office directory: each row is a place, its number the place's.
        "Office,Phone\nBerlin,+49 30 1234567\nLondon,+44 20 7946 0958\n",
        "Name,Office,Phone\nFront desk,B12,+44 20 7946 0958\n",
        "Department;Telefon\nPrüfungsamt;030/1234567\n",
        # A person's name beside an office's number (a staff directory's): the number is the office's.
        "Name,Office Phone\nDr. Lind,+44 20 7946 0958\n",
        "Name,Main phone\nAcme Academy,+44 20 7946 0958\n",
        # A cell of a table, a battery or a culture: its id is no phone number.
        "Cell,Voltage\n1234567,3.7\n7654321,3.6\n",
        "Cell\tValue\nB12\t1234567\n",
    ],
)
def test_a_table_of_places_or_cells_is_no_list_of_recipients(text: str) -> None:
    assert secret_in(text.encode()) is None


@pytest.mark.parametrize(
    "text",
    [
        "Name,Cell\nBo Lind,+1 212 555 0123\n",
        "Name,Cell\nBo Lind,(212) 555-0123\n",
        "Name,Cell\nBo Lind,0151-12345678\n",
        "First name,Office,Phone\nBo,B12,+44 7700 900123\n",
        "Student,Office,Mobile\nBo Lind,B12,+44 7700 900123\n",
        # A cohort's country, city, region or campus is a person's as much as a place's: the rows are people.
        "Name,Country,Phone\nBo Lind,Germany,+49 151 12345678\n",
        "Name,City,Phone\nBo Lind,Berlin,+49 151 12345678\n",
        "Name;Region;Telefon\nBo Lind;Bayern;0151 12345678\n",
        "Name,Campus,Phone\nBo Lind,North,+44 7700 900123\n",
        # A mobile is a person's, whatever else the table lists: an office has a phone.
        "Name,Office,Mobile\nBo Lind,B12,+44 7700 900123\n",
        "Name,Department,WhatsApp\nBo Lind,Chemistry,+44 7700 900123\n",
        "Office,Handy\nB12,0151 12345678\n",
    ],
)
def test_a_class_list_with_a_cell_or_an_office_column_is_still_refused(text: str) -> None:
    found = secret_in(text.encode())
    assert found is not None
    assert found[2] == "governance.recipients"
