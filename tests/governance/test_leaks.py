"""No private key enters the repository, whatever the file and wherever it is."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from typing import Any

import pytest

from generator.awarding.keys import PRIVATE_KEY_FORMAT
from generator.check import CheckOptions, run_check
from generator.crypto.multibase import b58encode, encode_ed25519_private
from generator.errors import Problem
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


def test_the_full_check_finds_an_untracked_key_git_would_add_but_not_an_ignored_one(repo: Repo) -> None:
    shutil.copy(repo.key_dir / f"{ACME}-key-1.key", repo.path("issuer.key"))
    shutil.copy(repo.key_dir / f"{ACME}-key-1.key", repo.path("ignored.key"))
    repo.write(".git/info/exclude", "ignored.key\n")
    assert [p.location.path for p in _full(repo)] == ["issuer.key"]


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
    ],
)
def test_a_list_of_recipients_is_refused_by_both_checks(repo: Repo, rel: str, text: str) -> None:
    repo.write(rel, text)
    problem = only(repo.check("reg-admin"), "governance.recipients")
    assert (problem.location.path, problem.location.line) == (rel, 1)
    assert problem.message.startswith("is a list of recipients (an email column): recipients are never published")
    assert [p.location.path for p in _full(repo)] == [rel]


def test_a_cohort_example_in_the_docs_is_not_a_list(repo: Repo) -> None:
    repo.write("docs/cohort.md", f"A cohort file:\n\n```csv\n{COHORT}```\n")
    repo.write("docs/header-only.csv", "email,name\n")
    assert shown(repo.check("reg-admin").problems) == []
