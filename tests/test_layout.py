"""The registry layout as an allow-list, and symbolic links, on the real CLI: nothing a link points at is read,
quoted or published; only known file kinds in known places; images are what their names say."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from generator import layout
from generator.check import run_check
from generator.load import load_registry
from tests.conftest import Signer, make_registry

ACME = "registry/issuers/acme-academy"
SECRET_SEED_FIELD = '"seed"'


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, cwd=cwd, check=False
    )


def png(width: int = 8, height: int = 8, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def set_logo(root: Path, value: str) -> None:
    issuer = root / ACME / "issuer.yaml"
    text = issuer.read_text()
    lines = [line for line in text.splitlines() if not line.startswith("logo:")]
    issuer.write_text("\n".join([*lines, f"logo: {value}"]) + "\n")


def codes(root: Path) -> list[tuple[str, str]]:
    return sorted((p.location.path, p.code) for p in run_check(root).problems.errors)


# --- item 3: symbolic links ---------------------------------------------------------------------------------


def test_a_logo_linked_outside_the_repository_is_refused_and_never_published(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registry")
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(png() + b"OUTSIDE-MARKER")
    (root / ACME / "logo.png").symlink_to(outside)
    set_logo(root, "logo.png")

    checked = run("--root", str(root), "check")
    assert checked.returncode == 1
    assert f"{ACME}/logo.png: is a symbolic link" in checked.stdout
    assert "Traceback" not in checked.stderr

    built = run("--root", str(root), "build", "--out", str(tmp_path / "site"))
    assert built.returncode == 1, built.stdout + built.stderr
    assert "Traceback" not in built.stderr
    assert f"{ACME}/logo.png" in built.stderr
    assert not (tmp_path / "site").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_a_badge_image_linked_to_a_private_key_is_refused_without_quoting_it(signer: Signer, tmp_path: Path) -> None:
    root = signer.root
    key_text = signer.key_path.read_text()
    assert SECRET_SEED_FIELD in key_text
    seed = json.loads(key_text)["seed"]
    images = root / ACME / "images"
    images.mkdir()
    (images / "badge.png").symlink_to(signer.key_path)
    credential = root / ACME / "credentials" / "sql-basics.yaml"
    credential.write_text(credential.read_text() + "image: images/badge.png\n")
    # The same key, linked where YAML and JSON are parsed: nothing of it may reach a message either.
    (root / ACME / "credentials" / "leak.yaml").symlink_to(signer.key_path)
    (root / "keys" / "acme-academy" / "key-9.json").symlink_to(signer.key_path)

    checked = run("--root", str(root), "check")
    built = run("--root", str(root), "build", "--out", str(tmp_path / "site"))
    for done in (checked, built):
        assert done.returncode == 1
        assert seed not in done.stdout + done.stderr
        assert "Traceback" not in done.stderr
    assert f"{ACME}/images/badge.png: is a symbolic link" in checked.stdout
    assert f"{ACME}/credentials/leak.yaml: is a symbolic link" in checked.stdout
    assert "keys/acme-academy/key-9.json: is a symbolic link" in checked.stdout
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    "link",
    [
        f"{ACME}/images",  # a linked folder
        f"{ACME}/awards/2025/ab",  # deep in the awards
        f"{ACME}/status",
        "keys/acme-academy",
        "registry/issuers/other-academy",  # a whole issuer
    ],
)
def test_a_linked_folder_is_refused_at_any_depth(tmp_path: Path, link: str) -> None:
    root = make_registry(tmp_path / "registry")
    target = tmp_path / "outside"
    target.mkdir()
    (target / "1.json").write_text("{}")
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(root / link, ignore_errors=True)
    (root / link).symlink_to(target, target_is_directory=True)
    assert (link, "layout.symlink") in codes(root)


# --- item 10: only known file kinds in known places -----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (f"{ACME}/awards/.gitattributes", "layout.hidden"),
        (f"{ACME}/awards/2025/notes.txt", "layout.unexpected"),
        (f"{ACME}/images/notes.txt", "layout.unexpected"),
        (f"{ACME}/status/notes.txt", "layout.unexpected"),
        (f"{ACME}/status/latest.json", "layout.unexpected"),
        (f"{ACME}/.gitattributes", "layout.hidden"),
        ("registry/.gitattributes", "layout.hidden"),
        ("registry/notes.md", "layout.unexpected"),
        ("keys/.gitkeep", "layout.hidden"),
        ("keys/acme-academy/key-2025.pem", "layout.unexpected"),
        (f"{ACME}/credentials/.hidden.yaml", "layout.hidden"),
    ],
)
def test_unknown_and_hidden_files_are_refused_where_they_are(tmp_path: Path, path: str, code: str) -> None:
    root = make_registry(tmp_path / "registry")
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text("* -diff\n")
    assert codes(root) == [(path, code)]


def test_a_nested_git_repository_is_refused(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registry")
    nested = root / ACME / "awards" / "2025"
    nested.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(nested)], check=True)
    assert codes(root) == [(f"{ACME}/awards/2025/.git", "layout.nested-repository")]


def test_a_special_file_is_refused_without_blocking(tmp_path: Path) -> None:
    import os

    # Git cannot carry a FIFO, but a local one must not hang the check (award files and images are read
    # without following anything but regular files).
    root = make_registry(tmp_path / "registry")
    (root / ACME / "awards").mkdir()
    (root / ACME / "images").mkdir()
    os.mkfifo(root / ACME / "awards" / "a.json")
    os.mkfifo(root / ACME / "images" / "b.png")
    assert codes(root) == [
        (f"{ACME}/awards/a.json", "layout.not-a-file"),
        (f"{ACME}/images/b.png", "layout.not-a-file"),
    ]


def test_the_allow_list_judges_paths_git_reports() -> None:
    assert layout.path_problem(f"{ACME}/awards/2025/ab/x.json") is None
    assert layout.path_problem(f"{ACME}/images/logo.webp") is None
    assert layout.path_problem("docs/anything.txt") is None  # outside the registry: ownership rules apply
    assert layout.path_problem(f"{ACME}/images/a.txt") == ("layout.unexpected", layout.place_of(f"{ACME}/images").holds)  # type: ignore[union-attr]
    assert layout.path_problem(f"{ACME}/awards/.gitattributes")[0] == "layout.hidden"  # type: ignore[index]
    assert layout.path_problem(f"{ACME}/x/.git/config")[0] == "layout.unexpected"  # type: ignore[index]


# --- item 3: images are what their names say -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("logo.png", png(fmt="JPEG"), "is not a PNG image (it is JPEG)"),
        ("logo.jpg", png(), "is not a JPEG image (it is PNG)"),
        ("logo.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 garbage", "is not a readable WEBP image"),
        ("logo.png", png()[:40], "is not a readable PNG image"),
        ("logo.png", b"not an image at all\n", "is not a readable PNG image"),
        ("logo.png", png(5000, 10), "at most 4096 on a side"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>", "<script>"),
        ("logo.svg", b"just text", "not an SVG the site can publish"),
        ("logo.png", png() + b"<html><script>alert(1)</script>", "holds more than its picture"),
    ],
)
def test_an_image_that_is_not_what_its_name_says_is_refused(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    root = make_registry(tmp_path / "registry")
    (root / ACME / name).write_bytes(data)
    set_logo(root, name)
    report = run_check(root)
    [problem] = report.problems.errors
    assert (problem.location.path, problem.code) == (f"{ACME}/{name}", "asset.image")
    assert words in problem.message


def test_a_decompression_bomb_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registry")
    out = io.BytesIO()
    Image.new("1", (4096, 4097)).save(out, "PNG", optimize=True)
    assert len(out.getvalue()) < 64 * 1024  # tiny on disk, 16 million pixels decoded
    (root / ACME / "images").mkdir()
    (root / ACME / "images" / "bomb.png").write_bytes(out.getvalue())
    [problem] = run_check(root).problems.errors
    assert "image is too large: at most 4096×4096 pixels" in problem.message


def test_real_images_of_every_kind_pass_and_are_published(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registry")
    images = root / ACME / "images"
    images.mkdir()
    for name, fmt in (("a.png", "PNG"), ("b.jpg", "JPEG"), ("c.jpeg", "JPEG"), ("d.webp", "WEBP")):
        (images / name).write_bytes(png(fmt=fmt))
    (root / ACME / "logo.webp").write_bytes(png(fmt="WEBP"))
    set_logo(root, "logo.webp")
    assert [str(p) for p in run_check(root).problems] == []
    built = run("--root", str(root), "build", "--out", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr
    published = tmp_path / "site" / "issuers" / "acme-academy" / "logo.webp"
    # The picture encoded again from its pixels (images.py published_image), never the file as it is.
    from generator._internal.images import published_image

    given = (root / ACME / "logo.webp").read_bytes()
    assert published.read_bytes() == published_image("logo.webp", given)[1]
    with Image.open(published) as shown:
        assert (shown.format, shown.size) == ("WEBP", (8, 8))


def test_the_example_registry_passes_the_layout() -> None:
    from tests.conftest import REPO

    assert list(layout.layout_problems(REPO)) == []


def test_a_private_key_copied_anywhere_is_never_quoted(signer: Signer) -> None:
    """A key copied (not linked) under a registry name is parsed as that kind of file: every message may name
    its fields, none may show their values."""
    key_text = signer.key_path.read_text()
    seed = json.loads(key_text)["seed"]
    root = signer.root
    places = [
        f"{ACME}/credentials/x.yaml",
        "keys/acme-academy/k2.json",
        f"{ACME}/awards/2025/ab/x.json",
        f"{ACME}/awards/2025/b.jsonl",
        f"{ACME}/status/3.json",
        f"{ACME}/revocations.jsonl",
        f"{ACME}/images/k.svg",
        f"{ACME}/images/k.png",
    ]
    for rel in places:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(key_text)
    (root / ACME / "credentials" / "y.yaml").write_text("a: b\nc: " + key_text.replace("\n", " "))
    done = run("--root", str(root), "check")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert seed not in done.stdout + done.stderr
    for rel in places:
        assert rel in done.stdout


# --- the pull-request check's scope: the paths a change brings, judged as the walk judges them ------------------


def _scoped(root: Path, *paths: str) -> list[tuple[str, str | None]]:
    return sorted((p.location.path, p.code) for p in layout.layout_problems(root, paths))


def _walked(root: Path) -> list[tuple[str, str | None]]:
    return sorted((p.location.path, p.code) for p in layout.layout_problems(root))


@pytest.mark.parametrize(
    ("made", "changed"),
    [
        ("hidden", f"{ACME}/awards/2025/.gitattributes"),
        ("hidden", f"{ACME}/.git/config"),  # under a refused folder: refused at the folder, once
        ("hidden", "registry/.hidden/x/y.json"),
        ("file", f"{ACME}/status/latest.json"),
        ("file", f"{ACME}/Awards/2025/ab/x.json"),  # a name that differs only in case is another name
        ("file", f"{ACME}/images/sub/a.png"),
        ("file", "keys/acme-academy/key-2025.pem"),
        ("link", f"{ACME}/logo.png"),
        ("link", f"{ACME}/awards/2025/ab/x.json"),
        ("folder-link", f"{ACME}/awards/2025/ab"),
        ("folder-link", f"{ACME}/awards"),
        ("folder-link", "registry/issuers/acme-academy"),
        ("folder-link", "keys"),
        ("fifo", f"{ACME}/awards/2025/a.json"),
        ("bad-image", f"{ACME}/images/b.png"),
    ],
)
def test_the_paths_of_a_change_are_judged_as_the_whole_tree_is(tmp_path: Path, made: str, changed: str) -> None:
    import os

    root = make_registry(tmp_path / "registry")
    target = root / changed
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.json").write_text("{}")
    if made in ("hidden", "file"):
        target.write_text("{}")
    elif made == "link":
        target.symlink_to(outside / "x.json")
    elif made == "folder-link":
        target.symlink_to(outside, target_is_directory=True)
    elif made == "fifo":
        os.mkfifo(target)
    else:
        target.write_bytes(b"not an image")
    walked = _walked(root)
    assert walked, "the case makes a problem the full check sees"
    # What the change brings (a file, or everything under a linked folder) is refused where the walk refuses it.
    inside = [changed, f"{changed}/x.json"] if made == "folder-link" else [changed]
    assert _scoped(root, *inside) == walked


def test_a_folder_a_change_brings_is_walked_whole(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registry")
    nested = root / ACME / "awards" / "2025"
    nested.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(nested)], check=True)
    (nested / "ab").mkdir()
    (nested / "ab" / "notes.txt").write_text("x")
    # Git names an untracked nested repository as a folder, with a trailing slash.
    assert _scoped(root, f"{ACME}/awards/2025/") == _walked(root)
    assert _walked(root) == [
        (f"{ACME}/awards/2025/.git", "layout.nested-repository"),
        (f"{ACME}/awards/2025/ab/notes.txt", "layout.unexpected"),
    ]


def test_what_a_change_does_not_touch_is_not_judged_again(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registry")
    (root / ACME / "notes.txt").write_text("the base's, already refused by the full check every build runs")
    (root / ACME / "awards" / "2025").mkdir(parents=True)
    (root / ACME / "awards" / "2025" / "a.json").write_text("{}")
    assert _walked(root) == [(f"{ACME}/notes.txt", "layout.unexpected")]
    assert _scoped(root, f"{ACME}/awards/2025/a.json", "docs/outside.md", "README.md") == []
    assert _scoped(root, f"{ACME}/notes.txt") == [(f"{ACME}/notes.txt", "layout.unexpected")]


# --- anchors: Python's ``$`` also matches before a final newline; names are matched to their true end ----------

ENDINGS = ["\n", "\r\n", "\r"]


@pytest.mark.parametrize("ending", ENDINGS)
@pytest.mark.parametrize(
    "path",
    [
        f"{ACME}/credentials/x.yaml",
        f"{ACME}/issuer.yaml",
        f"{ACME}/logo.svg",
        f"{ACME}/images/x.svg",
        f"{ACME}/status/1.json",
        f"{ACME}/endorsements/{'a' * 64}.json",
        f"{ACME}/awards/2025/ab/x.json",
        "keys/acme-academy/k.json",
        "keys/README.md",
        "registry/governance.yaml",
    ],
)
def test_a_file_name_ending_in_a_line_break_is_not_a_known_file(path: str, ending: str) -> None:
    assert layout.path_problem(path) is None
    assert layout.path_problem(path + ending) == ("layout.unexpected", layout.place_of(path.rpartition("/")[0]).holds)  # type: ignore[union-attr]
    # Any name in images/ is an asset (the layout refuses it); README.md is no kind of its own.
    if layout.classify(path).kind not in (layout.PathKind.ISSUER_ASSET, layout.PathKind.REGISTRY_LEVEL):
        assert layout.classify(path + ending).kind != layout.classify(path).kind


@pytest.mark.parametrize(
    ("path", "longer"),
    [
        (f"{ACME}/issuer.yaml", f"{ACME}/issuer.yaml.bak"),
        (f"{ACME}/README.md", f"{ACME}/README.mdx"),
        (f"{ACME}/credentials/x.yaml", f"{ACME}/credentialsX/x.yaml"),
        (f"{ACME}/endorsements/{'a' * 64}.json", f"{ACME}/endorsementsX/{'a' * 64}.json"),
        ("registry/endorsers/x/endorser.yaml", "registry/endorsers/x/endorser.yaml.bak"),
    ],
)
def test_every_alternative_of_a_place_is_matched_whole(path: str, longer: str) -> None:
    # A place's names are alternatives (``issuer\.yaml|README\.md``): each is anchored at both ends, not only
    # the first at the start and the last at the end.
    assert layout.path_problem(path) is None
    assert layout.path_problem(longer) is not None


@pytest.mark.parametrize("ending", ENDINGS)
@pytest.mark.parametrize(
    "path",
    [
        f"{ACME}/credentials/x.yaml",
        f"{ACME}/status/1.json",
        f"{ACME}/endorsements/{'a' * 64}.json",
        f"{ACME}/images/x.png",
    ],
)
def test_a_folder_name_ending_in_a_line_break_is_not_a_known_folder(path: str, ending: str) -> None:
    folder, _, name = path.rpartition("/")
    assert layout.path_problem(path) is None
    assert layout.path_problem(f"{folder}{ending}/{name}") is not None
    assert layout.place_of(folder + ending) is None


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_slug_ending_in_a_line_break_is_not_a_slug(ending: str) -> None:
    assert layout.SLUG_RE.match("acme-academy")
    assert not layout.SLUG_RE.match("acme-academy" + ending)


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_name_ending_in_a_line_break_has_no_image_extension(ending: str) -> None:
    assert layout.image_extension("x.svg") == "svg"
    assert layout.image_extension("x.JPEG") == "jpeg"
    assert layout.image_extension("x.svg" + ending) is None
    assert layout.image_extension("svg") is None


@pytest.mark.parametrize("ending", ENDINGS)
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("credentials/x.yaml", b"id: x\n"),
        ("images/x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>x()</script></svg>"),
    ],
)
def test_files_whose_names_end_in_a_line_break_are_refused_by_the_walk(
    tmp_path: Path, name: str, data: bytes, ending: str
) -> None:
    root = make_registry(tmp_path / "registry")
    path = f"{ACME}/{name}{ending}"
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_bytes(data)
    assert codes(root) == [(path, "layout.unexpected")]


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_key_file_whose_name_ends_in_a_line_break_is_refused_by_the_walk(tmp_path: Path, ending: str) -> None:
    root = make_registry(tmp_path / "registry")
    key = next((root / "keys/acme-academy").glob("*.json"))
    path = f"keys/acme-academy/{key.name}{ending}"
    (root / path).write_bytes(key.read_bytes())
    assert (path, "layout.unexpected") in codes(root)


def test_a_temporary_file_left_by_a_killed_command_is_named_as_such(signer: Signer) -> None:
    """Where a write goes through a temporary name, a kill can leave it: the check says what it is and what to do."""
    (signer.root / "registry/issuers/acme-academy/status").mkdir()
    (signer.root / "registry/issuers/acme-academy/status/.1.json.2ec7c6b4cf5a.tmp").write_text("{")
    [problem] = load_registry(signer.root).problems.errors
    assert problem.location.path == "registry/issuers/acme-academy/status/.1.json.2ec7c6b4cf5a.tmp"
    assert problem.message.startswith("a temporary file left by a credreg command that was interrupted while writing")
    assert "delete it" in problem.message


# --- a status/ folder is published byte for byte: it holds only files the status-list check verifies ---------


@pytest.mark.parametrize("name", ["01.json", "0.json", "65536.json", "99999.json", "0001.json"])
def test_a_status_file_naming_no_list_is_refused_and_never_published(tmp_path: Path, name: str) -> None:
    """The status-list checks verify ``<n>.json`` for a canonical list number only; any other ``[0-9]+.json``
    used to pass the layout unverified and go out byte for byte beside the signed lists."""
    root = make_registry(tmp_path / "registry")
    rel = f"{ACME}/status/{name}"
    (root / rel).parent.mkdir(parents=True)
    (root / rel).write_text('{"note": "<script>alert(document.domain)</script>"}\n')
    [problem] = run_check(root).problems.errors
    assert (problem.location.path, problem.code) == (rel, "layout.unexpected")
    assert "numbered 1 to 65535 with no leading zero" in problem.message
    # The pull-request check judges the paths Git reports by the same rule, an endorser's folder too.
    assert layout.path_problem(rel) == ("layout.unexpected", problem.message)
    assert layout.path_problem(f"registry/endorsers/qa-body/status/{name}") == ("layout.unexpected", problem.message)
    built = run("--root", str(root), "build", "--out", str(tmp_path / "site"))
    assert built.returncode == 1
    assert rel in built.stderr
    assert not (tmp_path / "site").exists()


def test_every_list_number_names_a_status_file_the_layout_allows() -> None:
    for number in (1, 9, 10, 65535):
        assert layout.path_problem(f"{ACME}/status/{number}.json") is None
        assert layout.path_problem(f"registry/endorsers/qa-body/status/{number}.json") is None


# --- an image the check accepts is the file the build publishes -----------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("images/./badge.png", "write it as 'images/badge.png'"),
        ("images//badge.png", "write it as 'images/badge.png'"),
        ("credentials/badge.png", "is not a place for an image"),
    ],
)
def test_an_image_path_the_build_would_not_read_is_refused_by_the_check(tmp_path: Path, value: str, words: str) -> None:
    """The check found ``images/./badge.png`` as a path library normalises it, the build reads the layout's
    path and refused it: a pull request the check accepted broke every later build of the registry."""
    root = make_registry(tmp_path / "registry")
    (root / ACME / "images").mkdir()
    (root / ACME / "images" / "badge.png").write_bytes(png())
    if value.startswith("credentials/"):
        (root / ACME / value).write_bytes(png())
    definition = root / ACME / "credentials" / "sql-basics.yaml"
    definition.write_text(definition.read_text() + f"image: {value}\n")
    problems = [p for p in run_check(root).problems.errors if p.location.path.endswith("sql-basics.yaml")]
    [problem] = problems
    assert (problem.code, problem.field) == ("ref.missing-file", "image")
    assert problem.location.line is not None
    assert words in problem.message
    built = run("--root", str(root), "build", "--out", str(tmp_path / "site"))
    assert built.returncode == 1
    assert "nothing was built" in built.stderr


def test_an_image_path_written_plainly_is_published(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registry")
    (root / ACME / "images").mkdir()
    (root / ACME / "images" / "badge.png").write_bytes(png())
    definition = root / ACME / "credentials" / "sql-basics.yaml"
    definition.write_text(definition.read_text() + "image: images/badge.png\n")
    assert [str(p) for p in run_check(root).problems] == []
    assert layout.issuer_asset("acme-academy", "images/badge.png") == f"{ACME}/images/badge.png"
    assert layout.issuer_asset("acme-academy", "logo.svg") == f"{ACME}/logo.svg"
