"""A private key pasted into an award (signed with it) is refused by the full check and the pull-request check
alike, in any string field and however its text is escaped, naming the file, line and field and never the key."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest

from generator.awarding.issue import Recipient, issue_awards
from generator.awarding.keys import PRIVATE_KEY_FORMAT, generate_key, load_signing_key
from generator.check import CheckOptions, run_check
from generator.crypto.multibase import encode_ed25519_private
from generator.endorsements import endorse
from generator.errors import Problem
from generator.governance.leaks import award_secret
from generator.models.endorsement import EndorsementKind
from tests.governance.conftest import ACME, NOW, Repo, errors, shown
from tests.governance.test_endorsements import DC, _setup
from tests.governance.test_leaks import pem_file

PEM_HEAD = "-----BEGIN " + "OPENSSH PRIVATE KEY-----"
PEM_PKCS8 = ("-----BEGIN " + "PRIVATE KEY-----", "-----END " + "PRIVATE KEY-----")
JWK_D = "d"
PRIVATE_FIELD = "private" + "KeyMultibase"
CODE = "governance.private-key"


def _seed(repo: Repo) -> str:
    seed: str = json.loads((repo.key_dir / f"{ACME}-key-1.key").read_text())["seed"]
    return seed


def _multikey(repo: Repo) -> str:
    seed = _seed(repo)
    return encode_ed25519_private(base64.urlsafe_b64decode(seed + "=" * (-len(seed) % 4)))


def _seed_bytes(repo: Repo) -> bytes:
    seed = _seed(repo)
    return base64.urlsafe_b64decode(seed + "=" * (-len(seed) % 4))


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _u(text: str) -> str:
    """``text`` with every character a JSON ``\\u`` escape."""
    return "".join(f"\\u{ord(c):04x}" for c in text)


def _pct(text: str) -> str:
    return "".join(f"%{ord(c):02X}" for c in text)


#: (evidence URL made from the key, the text of the key in that URL to escape in the file, or None).
URLS: dict[str, Callable[[Repo], tuple[str, str | None]]] = {
    "query-seed": lambda r: (f"https://e.example/p?seed={_seed(r)}", None),
    "query-seed-then-more": lambda r: (f"https://e.example/p?seed={_seed(r)}&lang=en", None),
    "fragment-seed-then-path": lambda r: (f"https://e.example/p#seed={_seed(r)}/x", None),
    "fragment-multikey": lambda r: (f"https://e.example/p#{_multikey(r)}", None),
    "query-field": lambda r: (f"https://e.example/p?{PRIVATE_FIELD}={_multikey(r)}&x=1", None),
    "pem-plus": lambda r: ("https://e.example/p?k=" + PEM_HEAD.replace(" ", "+") + "b3BlbnNzaC1r", None),
    "pem-percent": lambda r: ("https://e.example/p?k=" + _pct(PEM_HEAD) + "b3BlbnNzaC1r", None),
    # An IRI holds no quote or brace: a JSON text in a URL is percent-encoded.
    "jwk-d": lambda r: ("https://e.example/#" + quote(f'{{"kty":"OKP","d":"{_seed(r)}"}}'), None),
    "key-file": lambda r: (
        "https://e.example/#" + quote(json.dumps({"format": PRIVATE_KEY_FORMAT, "seed": _seed(r)})),
        None,
    ),
    "u-escaped-multikey": lambda r: (f"https://e.example/p#{_multikey(r)}", "z3u2"),
    "u-escaped-seed-field": lambda r: (f"https://e.example/p?seed={_seed(r)}", "seed"),
    "u-escaped-pem": lambda r: ("https://e.example/p?k=" + PEM_HEAD.replace(" ", "+") + "b3Bl", "PRIVATE+KEY"),
    "percent-then-u-escaped": lambda r: ("https://e.example/p?k=" + _pct(PEM_HEAD) + "b3Bl", "%50%52%49"),
    # A key file, base64 in a data: URL (an evidence URL is https, so in its fragment or query).
    "data-url-key-file": lambda r: (
        "https://e.example/v#data:application/json;base64,"
        + _b64(json.dumps({"format": PRIVATE_KEY_FORMAT, "seed": _seed(r)})),
        None,
    ),
    "data-url-pem": lambda r: ("https://e.example/v#data:text/plain;base64," + _b64(pem_file(_seed_bytes(r))), None),
    "data-url-in-a-query": lambda r: ("https://e.example/v?file=" + quote("data:;base64," + _b64(_multikey(r))), None),
    "base64-key-file-in-a-query": lambda r: (
        "https://e.example/v?k=" + _b64(json.dumps({"format": PRIVATE_KEY_FORMAT, "seed": _seed(r)})).rstrip("="),
        None,
    ),
    "seed-percent-newline": lambda r: (f"https://e.example/p?k=seed:%0A{_seed(r)}", None),
    "seed-percent-separators": lambda r: (f"https://e.example/p?k=seed%3A%20{_seed(r)}", None),
    "jwk-d-in-the-query": lambda r: (f"https://e.example/k?kty=OKP&crv=Ed25519&{JWK_D}={_seed(r)}", None),
    "html-entities": lambda r: (f"https://e.example/p?k=seed&#58;{_seed(r)}", None),
    # The issuer's own seed, bare: told by its public key, which the registry registers.
    "registered-seed-hex": lambda r: (f"https://e.example/p?t={_seed_bytes(r).hex()}", None),
    "registered-seed-in-a-path": lambda r: (f"https://e.example/s/{_seed(r)}/view", None),
    "registered-seed-u-escaped": lambda r: (f"https://e.example/p?t={_seed_bytes(r).hex()}", "?t="),
}


def _award_with_evidence(repo: Repo, url: str, escape: str | None, *, batch: bool = False) -> tuple[str, int]:
    """Sign an award holding ``url`` as its evidence (and, for a batch, a second one beside it), escape ``escape``
    in its file's text (the award, its hash and its proofs are unchanged: escapes are only its text); the file's
    path and the line of the evidence."""
    emails = ["ada@example.org", "bo@example.org"] if batch else ["ada@example.org"]
    [issued, *_] = issue_awards(
        repo.registry,
        f"{ACME}/sql-basics",
        [Recipient(e, evidence=(url,)) for e in emails],
        repo.key(),
        batch=batch,
        valid_from=NOW,
    )
    text = issued.path.read_text()
    if escape is not None:
        assert escape in text
        text = text.replace(escape, _u(escape))
        issued.path.write_text(text)
    rel = issued.path.relative_to(repo.root).as_posix()
    line = issued.line or next(i for i, t in enumerate(text.splitlines(), 1) if '"https://e.example/' in t)
    return rel, line


def _refusals(problems: list[Problem]) -> list[tuple[str, int | None, str]]:
    return [(p.location.path, p.location.line, p.field) for p in problems if p.code == CODE]


def _full(repo: Repo) -> list[Problem]:
    return errors(run_check(repo.root, CheckOptions(progress=False, jobs=1)))


@pytest.mark.parametrize("spelling", list(URLS))
def test_a_key_in_an_awards_evidence_url_is_refused_by_both_checks(repo: Repo, spelling: str) -> None:
    url, escape = URLS[spelling](repo)
    rel, line = _award_with_evidence(repo, url, escape)
    expected = [(rel, line, "evidence[0].id")]
    assert _refusals(_full(repo)) == expected
    pull = errors(repo.check("acme-lead"))
    assert _refusals(pull) == expected, shown(pull)  # once: the award check, not the file search too
    for problem in pull:
        for secret in (_seed(repo), _multikey(repo), "e.example"):
            assert secret not in str(problem)


def test_a_key_in_a_batch_line_is_refused_at_its_line(repo: Repo) -> None:
    rel, line = _award_with_evidence(repo, f"https://e.example/p#{_multikey(repo)}", "z3u2", batch=True)
    assert rel.endswith(".jsonl")
    lines = [i for i, text in enumerate(repo.read(rel).splitlines(), 1) if "e.example" in text]
    assert len(lines) == 2
    assert line in lines
    both = [(rel, n, "evidence[0].id") for n in lines]  # each recipient's line holds it
    assert _refusals(_full(repo)) == both
    assert _refusals(errors(repo.check("acme-lead"))) == both


def test_the_full_check_with_its_cache_refuses_it_on_every_run(repo: Repo) -> None:
    """The warm path (bytes the cache knows) never skips the search: a key is never recorded as well-formed."""
    rel, line = _award_with_evidence(repo, f"https://e.example/p#{_multikey(repo)}", None)
    for _ in range(2):
        report = run_check(repo.root, CheckOptions(progress=False, jobs=1, cache=True))
        assert _refusals(errors(report)) == [(rel, line, "evidence[0].id")]


@pytest.mark.parametrize("added", [1, 2])
def test_a_known_awards_token_is_found_once_it_is_a_registered_keys_seed(
    repo: Repo, tmp_path: Path, added: int
) -> None:
    """The cache's word that an award holds no private key holds for the keys registered when it was given. A
    token that is 32 random bytes until its key is registered (the public half added after the award) is found by
    the next warm check, with that key alone added (a search for its seed) or beside another (the full path); the
    pull request adding the key searches only its own files."""
    generate_key(repo.registry, ACME, key_id="key-2", now=NOW, private_path=tmp_path / "key-2.key")
    public = repo.path(f"keys/{ACME}/key-2.json")
    registered = public.read_bytes()
    public.unlink()  # made, not yet registered
    if added == 2:
        generate_key(repo.registry, ACME, key_id="key-3", now=NOW, private_path=tmp_path / "key-3.key")
        other = repo.path(f"keys/{ACME}/key-3.json")
        other_registered = other.read_bytes()
        other.unlink()
    seed = json.loads((tmp_path / "key-2.key").read_text())["seed"]
    token = base64.urlsafe_b64decode(seed + "=" * (-len(seed) % 4)).hex()
    rel, line = _award_with_evidence(repo, f"https://e.example/p?t={token}", None)
    options = CheckOptions(progress=False, jobs=1, cache=True)
    assert _refusals(errors(run_check(repo.root, options))) == []  # no key's seed yet: a digest, say
    public.write_bytes(registered)
    if added == 2:
        other.write_bytes(other_registered)
    for _ in range(2):  # and every run after, as for any key
        assert _refusals(errors(run_check(repo.root, options))) == [(rel, line, "evidence[0].id")]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (["name"], lambda r: f"SQL basics {_multikey(r)}"),
        (["credentialSubject", "achievement", "criteria", "narrative"], lambda r: f"Pass.\n{PEM_HEAD}\nb3Bl\n"),
        # On a line of its own: the JSON text holds ``\nz3u2…``, no word boundary before the key.
        (["credentialSubject", "achievement", "criteria", "narrative"], lambda r: f"Pass.\n{_multikey(r)}"),
        (["x-note"], lambda r: {"format": PRIVATE_KEY_FORMAT, "seed": _seed(r)}),
        (["x-note"], lambda r: json.dumps({"seed": _seed(r)})),  # a key file pasted as text: its quotes escaped
        (["x-jwk"], lambda r: {"kty": "OKP", "crv": "Ed25519", "d": _seed(r)}),
        (
            ["credentialSubject", "achievement", "criteria", "narrative"],
            lambda r: "Pass.\n" + repr({"kty": "OKP", JWK_D: _seed(r)}),
        ),
        (["credentialSubject", "achievement", "criteria", "narrative"], lambda r: "Pass.\n" + pem_file(_seed_bytes(r))),
        (["name"], lambda r: f"SQL basics {_seed_bytes(r).hex().upper()}"),
    ],
    ids=[
        "name",
        "narrative",
        "narrative-own-line",
        "extension-object",
        "extension-text",
        "extension-jwk",
        "narrative-jwk-repr",
        "narrative-pem",
        "name-registered-seed",
    ],
)
def test_a_key_in_any_other_string_field_is_refused_at_that_field(
    repo: Repo, field: list[str], value: Callable[[Repo], object]
) -> None:
    """Fields the profile refuses anyway (an extension, a narrative unlike the definition's) still say that the
    award holds a key, and where: the key is exposed and must be revoked, whatever else is wrong."""
    rel, _ = _award_with_evidence(repo, "https://e.example/evidence", None)
    award = json.loads(repo.read(rel))
    target = award
    for name in field[:-1]:
        target = target[name]
    target[field[-1]] = value(repo)
    if field[0].startswith("x-"):  # no context defines it, so it cannot be signed: refused anyway, and must say why
        award.pop("proof")
        new = rel
        repo.write(rel, json.dumps(award, indent=2))
    else:
        new = repo.resign(rel, key=repo.key(), **{field[0]: award[field[0]]})
    dotted = ".".join(field) if not field[0].startswith("x-") else field[0]
    found = [(p, f) for p, _, f in _refusals(_full(repo))]
    [(path, where)] = found
    assert path == new
    assert where.startswith(dotted)
    assert [f for p, _, f in _refusals(errors(repo.check("acme-lead")))] == [where]


def test_public_values_in_awards_are_not_keys(repo: Repo) -> None:
    """Every award the base holds passes; so does an evidence URL with a token, a hash or a public Multikey."""
    for url in (
        "https://e.example/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdEf/view?usp=sharing",
        "https://e.example/x?sha=" + "ab" * 32 + "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "https://e.example/search?q=private%20key%20seed",
        # An LMS's quiz seed: a SHA-1 or SHA-256 in hex is a digest, never a credreg seed (base64url).
        "https://e.example/quiz/7/evidence?attempt=3&seed=" + "3f9a" * 10,
        "https://e.example/quiz/7/evidence?seed=" + "3f9a" * 16 + "&attempt=3",
        # A share or tracking token after ?seed= or ?d=, of another size, or of 32 bytes but no registered key's.
        "https://e.example/share?seed=" + "Xk2_9aQ-" * 6,
        "https://e.example/share?seed=" + "Xk2_9aQ-" * 7 + "&" + JWK_D + "=" + "Qm9_" * 10 + "Qm9",
        "https://e.example/t/" + "ab12" * 16 + "/view",
    ):
        _award_with_evidence(repo, url, None)
    assert [p for p in _full(repo) if p.code == CODE] == []
    assert [p for p in errors(repo.check("acme-lead")) if p.code == CODE] == []


def test_a_narrative_quoting_pem_armour_without_a_key_passes(repo: Repo) -> None:
    """Armour alone, as a course on keys quotes it, holds no key: only a key's body after it is one."""
    rel, _ = _award_with_evidence(repo, "https://e.example/evidence", None)
    award = json.loads(repo.read(rel))
    head, end = PEM_PKCS8
    award["credentialSubject"]["achievement"]["criteria"]["narrative"] = (
        f"Generate a key pair: the private key file starts with `{head}` and ends with `{end}`;\n"
        f"{head}\n...\n{end}\nnever share it."
    )
    repo.resign(rel, key=repo.key(), credentialSubject=award["credentialSubject"])
    assert [p for p in _full(repo) if p.code == CODE] == []
    assert [p for p in errors(repo.check("acme-lead")) if p.code == CODE] == []


def test_the_search_undoes_escapes_but_not_line_breaks() -> None:
    text = b'{\n"a": "x",\n"b": "' + _u("z3u2").encode() + b"A" * 44 + b'"\n}'
    assert award_secret(text) == (3, "an Ed25519 private Multikey (z3u2…)")
    assert award_secret(b'{"a": "line\\nbreak \\u0041 %41"}') is None
    assert re.search(rb"z3u2", text) is None


def test_a_key_escaped_in_an_endorsements_comment_is_refused_by_both_checks(repo: Repo, tmp_path: Path) -> None:
    """Endorsements are searched as files, by both checks: with the same escapes undone."""
    _setup(repo, tmp_path)
    done = endorse(
        repo.registry, f"{ACME}/sql-basics", DC, load_signing_key(tmp_path / f"{DC}.key", root=repo.root),
        kind=EndorsementKind.RECOGNISES, comment=f"Recognised. {_multikey(repo)}",
        valid_from=NOW - dt.timedelta(minutes=5),
    )  # fmt: skip
    text = done.path.read_text()
    done.path.write_text(text.replace("z3u2", _u("z3u2")))  # the same endorsement, written another way
    rel = done.path.relative_to(repo.root).as_posix()
    line = next(i for i, t in enumerate(done.path.read_text().splitlines(), 1) if "\\u007a" in t)
    assert _refusals(errors(repo.check(f"{DC}-lead"))) == [(rel, line, "")]
    assert _refusals(_full(repo)) == [(rel, line, "")]


@pytest.mark.parametrize(
    "text",
    [
        b'{"n": "Key:\\tMK"}',  # a tab, as JSON writes it
        b'{"id": "https://e.example/p?k=%0AMK"}',  # a URL's line break
        b'{"n": "Key\\u2014MK"}',  # a dash, as JSON writes a non-ASCII character
        b'{"id": "https://e.example/p?k=%E2%80%94MK"}',  # and as a URL does
        b'{"id": "https://e.example/keys/issuer_MK_v1"}',  # beside an underscore (a word character)
        b'{"n": "my seed: SEED."}',  # a seed ended by a full stop, a parenthesis, a line break or a semicolon
        b'{"n": "(seed: SEED)"}',
        b'{"n": "seed: SEED\\nnext"}',
        b'{"id": "https://e.example/p;seed=SEED;x"}',
    ],
)
def test_a_key_beside_an_escape_or_punctuation_is_found(text: bytes) -> None:
    seed = bytes(range(32))
    key = text.replace(b"MK", encode_ed25519_private(seed).encode())
    key = key.replace(b"SEED", base64.urlsafe_b64encode(seed).rstrip(b"="))
    assert award_secret(key) is not None


@pytest.mark.parametrize(
    "text",
    [
        b"seed = make_a_long_enough_seed_for_the_tests_of_this_module(x)",  # source code names a value
        b"seed=settings.a_long_enough_attribute_name_for_the_seed_value",
        b"seed: a_long_enough_attribute_name_for_the_seed_value.decode()",
        b"seed: a_long_enough_mapping_name_for_the_seed_values_to_use[0]",
        b"seed = " + b"0123456789abcdef" * 4,  # hex: a digest, not a credreg seed
    ],
)
def test_a_name_or_a_digest_after_seed_is_not_a_key(text: bytes) -> None:
    assert award_secret(text) is None


@pytest.mark.parametrize("name", ["a.json", "b.jsonl"])
def test_an_added_award_that_is_a_link_is_refused_never_read(repo: Repo, tmp_path: Path, name: str) -> None:
    """A link named like an award: its target (a file of the machine running the check) is never read, so no
    refusal quotes it and a batch's reader does not fail; the link's own text is searched as any file's is."""
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"issuer": {"id": "did:web:private-runner-value"}, "type": ["x"]}))
    folder = repo.root / f"registry/issuers/{ACME}/awards/2026"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).symlink_to(outside)
    (folder / f"key-{name}").symlink_to(f"../{_multikey(repo)}")
    found = errors(repo.check("acme-lead"))
    assert "private-runner-value" not in "\n".join(shown(found))
    assert {p.code for p in found} >= {"layout.symlink", CODE}
    assert [p.location.path for p in found if p.code == CODE] == [f"registry/issuers/{ACME}/awards/2026/key-{name}"]
