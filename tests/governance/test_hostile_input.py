"""Hostile input through every command that reads it: a located error naming the file, never a traceback.

A corpus of hostile awards, status lists and revocation lines (deep nesting, huge numbers, NaN, lone
surrogates, duplicate keys, a BOM, bytes that are not UTF-8, giant strings, Unicode digits where numbers
belong, wrong types everywhere) is put into a real registry in a real Git repository, then run through
``credreg check``, ``check --base … --actor …``, ``verify FILE`` and ``build`` as real processes. Hypothesis then
throws generated variants of a valid award's fields at the per-award checker and at ``credreg verify``'s
reader in this process, where thousands of cases are cheap.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.awards import AwardSource
from generator.cli import main
from generator.verify.registry_check import AwardChecker
from tests.governance.conftest import ACME, Repo

UNICODE_DIGITS = ["²", "١٢", "٣", "𝟙", "１２", "߁", "৩"]


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), *args],
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
        timeout=300,
    )


def _valid_award(repo: Repo) -> dict[str, Any]:
    path = repo.files(f"registry/issuers/{ACME}/awards/*/*/*.json")[0]
    award: dict[str, Any] = json.loads(repo.read(path))
    return award


def _set(award: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(award)
    target: Any = out
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return out


def _deep(depth: int, leaf: str = "1") -> str:
    return '{"a":' * depth + leaf + "}" * depth


def hostile_awards(valid: dict[str, Any]) -> dict[str, bytes]:
    """File name → bytes of a hostile award."""
    text = json.dumps(valid)
    cases: dict[str, bytes] = {
        "deep-array": b"[" * 50_000 + b"]" * 50_000,
        "deep-object": _deep(50_000).encode(),
        "deep-inside-award": json.dumps(valid)[:-1].encode() + b', "evidence": ' + b"[" * 200 + b"]" * 200 + b"}",
        "huge-integer": text.replace('"validFrom"', '"big": ' + "9" * 5000 + ', "validFrom"', 1).encode(),
        "huge-float": text.replace('"validFrom"', '"big": 1e400, "validFrom"', 1).encode(),
        "nan": text.replace('"validFrom"', '"big": NaN, "validFrom"', 1).encode(),
        "infinity": text.replace('"validFrom"', '"big": -Infinity, "validFrom"', 1).encode(),
        "lone-surrogate": text.replace('"name": "', '"name": "\\ud800', 1).encode(),
        "lone-surrogate-key": text.replace('"name"', '"\\udfff"', 1).encode(),
        "duplicate-key": text.replace('"validFrom"', '"name": "x", "validFrom"', 1).encode(),
        "bom": b"\xef\xbb\xbf" + text.encode(),
        "not-utf8": text.replace('"name": "', '"name": "\x00', 1).encode().replace(b"\x00", b"\xff\xfe"),
        "giant-string": text.replace('"name": "', '"name": "' + "A" * 300_000, 1).encode(),
        "empty": b"",
        "null": b"null",
        "array": b"[]",
        "number": b"42",
        "string": b'"award"',
    }
    url = valid["credentialStatus"]["statusListCredential"]
    for i, digits in enumerate(UNICODE_DIGITS):
        cases[f"udigit-index-{i}"] = json.dumps(_set(valid, ["credentialStatus", "statusListIndex"], digits)).encode()
        unicode_url = url.rsplit("/", 1)[0] + f"/{digits}.json"
        cases[f"udigit-list-{i}"] = json.dumps(
            _set(valid, ["credentialStatus", "statusListCredential"], unicode_url)
        ).encode()
    cases["udigit-validfrom"] = json.dumps(_set(valid, ["validFrom"], "２０２５-01-01T00:00:00Z")).encode()
    cases["udigit-created"] = json.dumps(_set(valid, ["proof", 0, "created"], "2025-0٣-01T00:00:00Z")).encode()
    wrong: dict[str, tuple[list[Any], Any]] = {
        "status-list": (["credentialStatus"], [1, 2]),
        "status-string": (["credentialStatus"], "revoked"),
        "index-int": (["credentialStatus", "statusListIndex"], 5),
        "index-negative": (["credentialStatus", "statusListIndex"], "-1"),
        "index-huge": (["credentialStatus", "statusListIndex"], str(2**70)),
        "index-float": (["credentialStatus", "statusListIndex"], 1.5),
        "index-null": (["credentialStatus", "statusListIndex"], None),
        "index-object": (["credentialStatus", "statusListIndex"], {"a": 1}),
        "url-int": (["credentialStatus", "statusListCredential"], 7),
        "url-huge": (["credentialStatus", "statusListCredential"], url.rsplit("/", 1)[0] + "/" + "9" * 5000 + ".json"),
        "issuer-number": (["issuer"], 12),
        "issuer-list": (["issuer"], ["a"]),
        "proof-string": (["proof"], "signed"),
        "proof-numbers": (["proof"], [1, 2]),
        "proof-created-int": (["proof", 0, "created"], 20250101),
        "subject-list": (["credentialSubject"], [1, None]),
        "achievement-string": (["credentialSubject", "achievement"], "x"),
        "validfrom-int": (["validFrom"], 1),
        "validuntil-list": (["validUntil"], ["2030-01-01T00:00:00Z"]),
        "validuntil-bad-day": (["validUntil"], "2026-02-30T00:00:00Z"),
        "validuntil-bad-offset": (["validUntil"], "2030-01-01T00:00:00+99:00"),
        "context-dict": (["@context"], {"a": 1}),
        "type-int": (["type"], 3),
    }
    for name, (path, value) in wrong.items():
        cases[f"type-{name}"] = json.dumps(_set(valid, path, value)).encode()
    return cases


def hostile_revocation_lines() -> list[bytes]:
    return [
        b"[" * 50_000 + b"]" * 50_000,
        _deep(50_000).encode(),
        b'{"award": "' + b"0" * 64 + b'", "statusList": "\xc2\xb2", "statusListIndex": 1}',
        b'{"award": "' + b"0" * 64 + b'", "statusList": 1e400, "statusListIndex": NaN}',
        b'{"award": 5, "statusList": [1], "statusListIndex": {"a": 1}, "proof": "x"}',
        b"\xff\xfe not utf-8",
        b'"\\ud800"',
        b"1" * 5000,
    ]


def _plant(repo: Repo) -> dict[str, bytes]:
    """Every hostile file in the working tree, uncommitted (as a pull request would bring them)."""
    valid = _valid_award(repo)
    planted: dict[str, bytes] = {}
    folder = f"registry/issuers/{ACME}/awards/2025/zz"
    for name, data in hostile_awards(valid).items():
        planted[f"{folder}/{name}.json"] = data
    batch = b"\n".join([json.dumps(valid).encode(), b"[" * 50_000, b'{"name": "' + b"x" * 300_000 + b'"}'])
    planted[f"registry/issuers/{ACME}/awards/2025/batches/2025-01-01-sql-basics-hostile.jsonl"] = batch
    log = f"registry/issuers/{ACME}/revocations.jsonl"
    planted[log] = repo.path(log).read_bytes() + b"\n".join(hostile_revocation_lines()) + b"\n"
    status = f"registry/issuers/{ACME}/status/2.json"
    planted[status] = _deep(50_000).encode()
    # Files the base already holds, overwritten: the PR check reads both sides of each.
    planted[repo.files(f"registry/issuers/{ACME}/awards/*/*/*.json")[1]] = b"[" * 50_000
    planted[f"registry/issuers/{ACME}/status/1.json"] = b'{"id": "\xff", "proof": ' + b"[" * 50_000 + b"}"
    planted[f"keys/{ACME}/key-0.json"] = _deep(50_000).encode()
    for rel, data in planted.items():
        repo.path(rel).parent.mkdir(parents=True, exist_ok=True)
        repo.path(rel).write_bytes(data)
    return planted


def _assert_clean(result: subprocess.CompletedProcess[str], what: str) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, (what, output[-3000:])
    assert result.returncode in (1, 2), (what, result.returncode, output[-3000:])


def test_hostile_files_get_located_errors_in_check_pr_check_and_build(repo: Repo, tmp_path: Path) -> None:
    planted = _plant(repo)
    full = _cli(repo.root, "check", "--jobs", "1")
    _assert_clean(full, "check")
    pull = _cli(repo.root, "check", "--base", "HEAD", "--actor", "acme-lead")
    _assert_clean(pull, "check --base")
    for rel in planted:
        assert rel in full.stdout, (rel, full.stdout[-3000:])
        assert rel in pull.stdout, (rel, pull.stdout[-3000:])
    # --preview: the planted files are not committed, and the build is to judge them (by its check), not only that
    build = _cli(repo.root, "build", "--out", str(tmp_path / "site"), "--preview")
    output = build.stdout + build.stderr
    assert "Traceback" not in output, output[-3000:]
    assert build.returncode in (0, 1, 2), output[-3000:]


# Unreadable as JSON: `verify` must name the file (the rest parse, and fail checks instead).
UNREADABLE = {"deep-array", "deep-object", "deep-inside-award", "huge-integer", "nan", "infinity", "bom", "empty"}
UNREADABLE |= {"huge-float"}  # 1e400: refused as it is read, not later as a bad signature
UNREADABLE |= {"lone-surrogate", "lone-surrogate-key", "duplicate-key", "not-utf8"}
#: JSON that is no object is no credential either, as the verification page says it (not INVALID: nothing to check).
NOT_AN_OBJECT = {"null", "array", "number", "string"}


def test_verify_names_the_hostile_file_and_never_crashes(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    valid = _valid_award(repo)
    for name, data in hostile_awards(valid).items():
        path = tmp_path / f"{name}.json"
        path.write_bytes(data)
        if name in UNREADABLE or name.startswith("udigit-list"):  # as a real process (each costs a start-up)
            result = _cli(repo.root, "verify", str(path))
            _assert_clean(result, name)
            output, code = result.stdout + result.stderr, result.returncode
        else:  # the same entry point, in this process
            code = main(["--root", str(repo.root), "verify", str(path)])
            output = "".join(capsys.readouterr())
            assert code in (1, 2), (name, code, output)
        if name in UNREADABLE or name in NOT_AN_OBJECT:
            assert code == 2, (name, output)
            assert f"credreg: {path} is not a JSON credential" in output, (name, output)
        else:
            assert code == 1, (name, output)
            assert "INVALID" in output or "UNTRUSTED" in output, (name, output)


def test_verify_with_a_hostile_status_url_fails_cleanly(repo: Repo, tmp_path: Path) -> None:
    valid = _valid_award(repo)
    url = valid["credentialStatus"]["statusListCredential"].rsplit("/", 1)[0] + "/².json"
    path = tmp_path / "award.json"
    path.write_text(json.dumps(_set(valid, ["credentialStatus", "statusListCredential"], url)))
    result = _cli(repo.root, "verify", str(path))
    _assert_clean(result, "status url")
    assert result.returncode == 1


# --- generated variants, in this process ------------------------------------------------------------------------

hostile_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from(UNICODE_DIGITS)
    | st.sampled_from(["2026-02-30T00:00:00Z", "2030-01-01T00:00:00+99:00", "-1", "01", "1e3", " 1", "\ud800"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)

FIELDS: list[list[Any]] = [
    ["credentialStatus"],
    ["credentialStatus", "statusListIndex"],
    ["credentialStatus", "statusListCredential"],
    ["credentialStatus", "type"],
    ["validFrom"],
    ["validUntil"],
    ["issuer"],
    ["issuer", "id"],
    ["proof"],
    ["proof", 0],
    ["proof", 0, "created"],
    ["proof", 1, "verificationMethod"],
    ["credentialSubject"],
    ["credentialSubject", "achievement"],
    ["credentialSubject", "achievement", "id"],
    ["credentialSubject", "identifier"],
    ["@context"],
    ["type"],
]


@pytest.fixture(scope="module")
def module_repo(tmp_path_factory: pytest.TempPathFactory, base_repo: Repo) -> Repo:
    return base_repo  # read only


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=hostile_values)
def test_generated_wrong_values_never_crash_the_checker(module_repo: Repo, field: list[Any], value: Any) -> None:
    valid = _valid_award(module_repo)
    checker = _checker(module_repo)
    award = _set(valid, field, value)
    try:
        text = json.dumps(award, ensure_ascii=False)
    except ValueError:
        return
    path = f"registry/issuers/{ACME}/awards/2025/zz/case.json"
    outcome = checker.check(AwardSource(path, None, text))
    assert outcome.problems, "a changed award cannot pass"
    assert all(p.location.path == path for p in outcome.problems)
    for p in outcome.problems:
        str(p).encode("utf-8")  # printable: no lone surrogate reaches a message


_CHECKERS: dict[Path, AwardChecker] = {}


def _checker(repo: Repo) -> AwardChecker:
    if repo.root not in _CHECKERS:
        _CHECKERS[repo.root] = AwardChecker(repo.registry)
    return _CHECKERS[repo.root]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(FIELDS), value=hostile_values)
def test_generated_wrong_values_never_crash_verify(
    module_repo: Repo, tmp_path_factory: pytest.TempPathFactory, field: list[Any], value: Any
) -> None:
    award = _set(_valid_award(module_repo), field, value)
    try:
        text = json.dumps(award, ensure_ascii=False)
        data = text.encode("utf-8", "surrogatepass")
    except ValueError:
        return
    path = tmp_path_factory.mktemp("verify") / "award.json"
    path.write_bytes(data)
    code = main(["--root", str(module_repo.root), "verify", str(path), "--format", "json"])
    assert code in (1, 2)
