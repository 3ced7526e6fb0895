"""`credreg build` publishes only what `credreg check` accepts: the same full check (awards verified) runs first,
and a refusal leaves nothing written: no site, no staging folder, the previous site untouched."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.check import accepted_registry, run_check
from tests.conftest import REPO, Signer


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, check=False)


def _plain_mkdocs(root: Path) -> None:
    """Make ``root`` a registry with ``verification_data_url`` that plain ``mkdocs`` (the plugin's other way in)
    builds: the project's ``mkdocs.yml`` with its folders named absolutely."""
    governance = root / "registry" / "governance.yaml"
    governance.write_text(governance.read_text() + "verification_data_url: https://data.example.org/verify/\n")
    config = (REPO / "mkdocs.yml").read_text()
    config = config.replace("custom_dir: generator/site/overrides", f"custom_dir: {REPO / 'generator/site/overrides'}")
    config = config.replace("docs_dir: docs", f"docs_dir: {REPO / 'docs'}")
    (root / "mkdocs.yml").write_text(config)


def tamper(signer: Signer) -> str:
    """Issue an award, then change its achievement's name after signing; returns its repository path."""
    issued = signer.award()
    award = json.loads(issued.path.read_text())
    award["credentialSubject"]["achievement"]["name"] = "MSc Data Science (Distinction)"
    issued.path.write_text(json.dumps(award, indent=2))
    return issued.path.relative_to(signer.root).as_posix()


def test_a_tampered_award_is_refused_and_nothing_is_published(signer: Signer, tmp_path: Path) -> None:
    out = tmp_path / "site"
    first = run("--root", str(signer.root), "build", "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    where = tamper(signer)
    assert not run_check(signer.root)  # check refuses it ...
    built = run("--root", str(signer.root), "build", "--out", str(out))
    assert built.returncode == 1  # ... and so does build, with the located problems
    assert "Traceback" not in built.stderr
    assert where in built.stderr
    assert "nothing was built" in built.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_first_build_of_a_refused_registry_writes_no_folder(signer: Signer, tmp_path: Path) -> None:
    tamper(signer)
    out = tmp_path / "never" / "site"
    built = run("--root", str(signer.root), "build", "--out", str(out))
    assert built.returncode == 1
    assert "Traceback" not in built.stderr
    assert not out.exists()


@contextlib.contextmanager
def _mounted(folder: Path) -> Iterator[None]:
    """``folder`` made the mount point of a small tmpfs (skipped where mounting is not permitted)."""
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], check=False).returncode:
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@contextlib.contextmanager
def _bound(folder: Path) -> Iterator[None]:
    """``folder`` made the mount point of a bind mount of another folder of the same file system (skipped where
    mounting is not permitted): the same device as its parent, which ``Path.is_mount`` does not see."""
    folder.mkdir()
    source = folder.with_name(f"{folder.name}-source")
    source.mkdir()
    if subprocess.run(["mount", "--bind", str(source), str(folder)], check=False).returncode:
        pytest.skip("a bind mount is not permitted here")
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)
        source.rmdir()


@pytest.mark.parametrize("mount", [_mounted, _bound])
@pytest.mark.parametrize("option", ["--out", "--data-out"])
def test_a_mount_point_is_refused_as_an_output_folder_before_building(
    signer: Signer, tmp_path: Path, option: str, mount: Callable[[Path], contextlib.AbstractContextManager[None]]
) -> None:
    """The build replaces its folders whole by renaming, and a mount point cannot be renamed: a build into one
    (a volume mounted at ``public/``) ran to the end and failed with a bare "Device or resource busy". It is a
    usage error now, before anything is built, with what to give instead."""
    governance = signer.root / "registry" / "governance.yaml"
    governance.write_text(governance.read_text() + "verification_data_url: https://data.example.org/verify/\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    named = outside / ("public" if option == "--out" else "public-data")
    with mount(named):
        built = run("--root", str(signer.root), "build", "--out", str(outside / "public"), option, str(named))
        assert built.returncode == 2, built.stderr
        assert "Traceback" not in built.stderr
        assert f"{option} {named}: a mount point" in built.stderr, built.stderr
        assert list(named.iterdir()) == []
    assert [p.name for p in outside.iterdir()] == [named.name]


def test_a_mount_point_given_through_a_symbolic_link_is_refused(signer: Signer, tmp_path: Path) -> None:
    """``--out`` a link to a bind-mounted folder: what is renamed is the folder the link leads to."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "public").symlink_to(outside / "volume")
    with _bound(outside / "volume"):
        built = run("--root", str(signer.root), "build", "--out", str(outside / "public"))
        assert built.returncode == 2, built.stderr
        assert f"--out {outside / 'public'}: a mount point" in built.stderr, built.stderr


def test_build_and_check_share_one_verdict(signer: Signer) -> None:
    signer.award()
    registry = accepted_registry(signer.root)
    assert "acme-academy" in registry.issuers


def test_a_pagefind_module_where_the_build_runs_is_never_run(signer: Signer, tmp_path: Path) -> None:
    """The search index is built by ``python -m pagefind``, which looked in the current folder first: a
    ``pagefind.py`` there (committed at the repository's top, untracked, or ignored) ran instead of the
    indexer, with the build's rights, and wrote into the site."""
    (signer.root / "pagefind.py").write_text(
        "import pathlib, sys\npathlib.Path(sys.argv[sys.argv.index('--output-path') + 1]).mkdir(parents=True)\n"
        "pathlib.Path(__file__).with_name('ran').write_text('yes')\n"
    )
    out = tmp_path / "site"
    built = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=signer.root,
    )
    assert built.returncode == 0, built.stderr
    assert not (signer.root / "ran").exists()
    assert (out / "pagefind" / "pagefind.js").is_file()


SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#123"/></svg>\n'


def test_a_former_profiles_logo_is_checked_and_published(signer: Signer, tmp_path: Path) -> None:
    """Awards signed before a rebrand carry the former profile, whose logo may be a file of the issuer's folder
    (``logo.svg`` before a ``logo.png``, say): it was neither checked to exist nor published, so every earlier
    award's issuer image was a broken link."""
    issuer = signer.root / "registry/issuers/acme-academy"
    (issuer / "logo.svg").write_text(SVG)
    yaml = issuer / "issuer.yaml"
    yaml.write_text(
        yaml.read_text()
        + "former_profiles:\n  - until: 2024-06-30\n    name: Acme Academy Ltd\n    url: https://acme.example\n"
        + "    email: credentials@acme.example\n    logo: logo.svg\n"
    )
    out = tmp_path / "site"
    built = run("--root", str(signer.root), "build", "--out", str(out))
    assert built.returncode == 0, built.stderr
    assert '<rect fill="#123" height="10" width="10"' in (out / "issuers/acme-academy/logo.svg").read_text()  # rebuilt
    (issuer / "logo.svg").unlink()
    report = run_check(signer.root)
    assert [(p.location.path, p.field) for p in report.problems if p.code == "ref.missing-file"] == [
        ("registry/issuers/acme-academy/issuer.yaml", "former_profiles[0].logo")
    ]


def test_a_logo_is_published_as_its_pixels_and_nothing_it_carries(signer: Signer, tmp_path: Path) -> None:
    """A PNG logo holding a recipients list after the compressed stream of its image data: it decodes whole and its
    chunks are all picture chunks, so the check accepted it, and the build published the file as it was, list and
    all. The site now publishes the picture encoded again from its pixels."""
    import io
    import zlib

    from PIL import Image

    secret = b"recipients: ada@example.org,Ada Lovelace;grace@example.org,Grace Hopper"
    picture = Image.new("RGB", (24, 24), (200, 30, 60))
    saved = io.BytesIO()
    picture.save(saved, "PNG")
    data = saved.getvalue()
    at = data.index(b"IDAT")
    length = int.from_bytes(data[at - 4 : at], "big")
    body = data[at + 4 : at + 4 + length] + secret
    chunk = len(body).to_bytes(4, "big") + b"IDAT" + body + zlib.crc32(b"IDAT" + body).to_bytes(4, "big")
    issuer = signer.root / "registry/issuers/acme-academy"
    (issuer / "logo.png").write_bytes(data[: at - 4] + chunk + data[at + 8 + length :])
    (issuer / "issuer.yaml").write_text((issuer / "issuer.yaml").read_text() + "logo: logo.png\n")
    assert not [p for p in run_check(signer.root).problems if p.code == "asset.image"]  # a picture, accepted

    out = tmp_path / "site"
    built = run("--root", str(signer.root), "build", "--out", str(out))
    assert built.returncode == 0, built.stderr
    published = (out / "issuers/acme-academy/logo.png").read_bytes()
    assert secret not in published
    assert not [p for p in out.rglob("*") if p.is_file() and secret in p.read_bytes()]
    with Image.open(io.BytesIO(published)) as shown:
        assert shown.format == "PNG"
        assert shown.convert("RGB").tobytes() == picture.tobytes()
    page = (out / "issuers/acme-academy/index.html").read_text()
    assert 'src="logo.png"' in page


def test_an_output_folder_that_is_not_a_site_is_never_replaced(signer: Signer, tmp_path: Path) -> None:
    """The build replaces its output folder whole. `--out registry`, `--out .` or `--out ~` deleted the registry
    (or the repository, or the home folder) and put a site there: an output that holds or lies in the registry,
    or an existing folder (or file) that is not a site credreg built, is refused, and nothing is touched."""
    root = signer.root
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "todo.txt").write_text("mine\n")
    a_file = tmp_path / "a-file"
    a_file.write_text("mine\n")

    def snapshot() -> dict[str, bytes]:
        return {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}

    before = snapshot()
    refusals = {
        str(root): "it holds the registry",
        str(root / "registry"): "inside the registry's registry/",
        str(root / "keys" / "site"): "inside the registry's keys/",
        str(root / "schemas"): "inside the registry's schemas/",
        str(tmp_path): "it holds the registry",
        str(mine): "not a site credreg built",
        str(a_file): "not a folder",
    }
    for out, why in refusals.items():
        done = run("--root", str(root), "build", "--out", out)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 2, (out, done.stdout + done.stderr)
        assert f"credreg: --out {out}: " in done.stderr, (out, done.stderr)
        assert why in done.stderr, (out, done.stderr)
        assert snapshot() == before, out
    site = tmp_path / "site"
    assert run("--root", str(root), "build", "--out", str(site)).returncode == 0
    again = run("--root", str(root), "build", "--out", str(site))  # a site credreg built is replaced
    assert again.returncode == 0, again.stderr
    (site.parent / "empty").mkdir()
    assert run("--root", str(root), "build", "--out", str(site.parent / "empty")).returncode == 0


def test_the_verification_data_never_shares_the_sites_folder(signer: Signer, tmp_path: Path) -> None:
    """With ``verification_data_url``, the site and the verification data are each replaced whole, one after the
    other. `--data-out` naming the site's own folder had the data replace the site, and the build said "built N
    pages" into a folder holding no page; one inside the site's folder swapped the new site in, then failed with a
    bare "No such file or directory": a site published without its data. Both, and a data folder holding the
    site's, are refused before anything is written, naming the option; the default beside the site still builds."""
    root = signer.root
    governance = root / "registry" / "governance.yaml"
    governance.write_text(governance.read_text() + "verification_data_url: https://data.example.org/verify/\n")
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    site = outputs / "site"
    for data, why in (
        (site, "is the site's folder"),
        (site / "data", "is inside the site's folder"),
        (outputs, "holds the site's folder"),
    ):
        done = run("--root", str(root), "build", "--out", str(site), "--data-out", str(data))
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 2, (data, done.stdout + done.stderr)
        assert f"credreg: --data-out {data}: {why}" in done.stderr, (data, done.stderr)
        assert list(outputs.iterdir()) == [], data
    built = run("--root", str(root), "build", "--out", str(site))
    assert built.returncode == 0, built.stderr
    assert (site / "verify" / "index.json").is_file()
    assert sorted(p.name for p in (outputs / "site-data").iterdir()) == ["achievements", "shards", "templates"]


@pytest.mark.parametrize("entry", ["log", "templates", "achievements"])
def test_a_folder_of_ones_own_named_like_a_part_of_the_data_is_never_replaced(
    signer: Signer, tmp_path: Path, entry: str
) -> None:
    """`--data-out` replaces only an earlier build's verification data. A folder was taken for one when each of its
    entries bore one of the data's names: a user's ``project/`` holding only ``log/`` (their own logs) was deleted
    and replaced by shards. Every build writes ``shards/``: a folder without it is not one, and is refused."""
    root = signer.root
    governance = root / "registry" / "governance.yaml"
    governance.write_text(governance.read_text() + "verification_data_url: https://data.example.org/verify/\n")
    mine = tmp_path / "project"
    (mine / entry).mkdir(parents=True)
    (mine / entry / "notes.txt").write_text("mine\n")
    done = run("--root", str(root), "build", "--out", str(tmp_path / "site"), "--data-out", str(mine))
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"--data-out {mine}: not verification data credreg built" in done.stderr, done.stderr
    assert (mine / entry / "notes.txt").read_text() == "mine\n"
    assert not (tmp_path / "site").exists()
    built = run("--root", str(root), "build", "--out", str(tmp_path / "site"))
    assert built.returncode == 0, built.stderr
    again = run("--root", str(root), "build", "--out", str(tmp_path / "site"))  # an earlier build's data is
    assert again.returncode == 0, again.stderr


def test_a_folder_of_ones_own_holding_a_shards_folder_is_never_replaced(signer: Signer, tmp_path: Path) -> None:
    """A folder was taken for an earlier build's verification data when it held ``shards/`` and nothing but the
    data's names: a user's ``project/`` with their own ``shards/`` (database shards) and ``log/`` was deleted and
    replaced by the build's. A build's ``shards/`` holds nothing but its shard files (``<hex>.json.gz``); a folder
    holding anything else there is refused, whole, and an earlier build's data is still replaced."""
    root = signer.root
    governance = root / "registry" / "governance.yaml"
    governance.write_text(governance.read_text() + "verification_data_url: https://data.example.org/verify/\n")
    signer.award()
    mine = tmp_path / "project"
    for name in ("shards/eu.db", "shards/0a.json.gz/readme", "log/app.log"):
        (mine / name).parent.mkdir(parents=True, exist_ok=True)
        (mine / name).write_text("mine\n")
    for step in range(2):  # a file that is not a shard; then only a folder named like a shard
        if step:
            (mine / "shards" / "eu.db").unlink()
        before = sorted(p.relative_to(mine).as_posix() for p in mine.rglob("*"))
        done = run("--root", str(root), "build", "--out", str(tmp_path / "site"), "--data-out", str(mine))
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 2, done.stdout + done.stderr
        assert f"--data-out {mine}: not verification data credreg built" in done.stderr, done.stderr
        assert sorted(p.relative_to(mine).as_posix() for p in mine.rglob("*")) == before
        assert not (tmp_path / "site").exists()
    data = tmp_path / "data"
    for step in range(3):  # an earlier build's data (shards of an award) is replaced, with what file browsers add
        if step == 2:
            shard = next((data / "shards").iterdir()).name
            for name, magic in _BROWSER_LEFT.items():
                (data / name.replace("SHARD", shard)).write_bytes(magic + b"\0" * 64)
        built = run("--root", str(root), "build", "--out", str(tmp_path / "site"), "--data-out", str(data))
        assert built.returncode == 0, built.stderr
        assert [p.name for p in (data / "shards").iterdir() if p.name.endswith(".json.gz")]
    assert not [p for p in data.rglob("*") if p.name.startswith((".", "Thumbs", "desktop"))]


#: What file browsers leave, and how each of those files starts (macOS Finder's .DS_Store, AppleDouble ``._`` files
#: on volumes without resource forks, Windows Explorer's thumbnail cache, a folder's settings).
_BROWSER_LEFT = {
    ".DS_Store": b"\0\0\0\1Bud1",
    "shards/.DS_Store": b"\0\0\0\1Bud1",
    "shards/._SHARD": b"\0\x05\x16\x07",
    "Thumbs.db": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
    "shards/desktop.ini": b"[.ShellClassInfo]\r\n",
}


def test_a_folder_of_ones_own_named_like_what_file_browsers_leave_is_not_data(signer: Signer, tmp_path: Path) -> None:
    """What file browsers leave was taken by its name alone: a user's ``project/`` holding an empty ``shards/`` and
    their own ``._notes`` and ``shards/._plan`` (text files; only a ``._`` before the name) was an earlier build's
    data, deleted and replaced. A ``._`` file counts as a browser's only when it is one (AppleDouble: it starts
    with that format's magic number), and so do ``.DS_Store`` and ``Thumbs.db``."""
    root = signer.root
    governance = root / "registry" / "governance.yaml"
    governance.write_text(governance.read_text() + "verification_data_url: https://data.example.org/verify/\n")
    signer.award()
    mine = tmp_path / "project"
    (mine / "shards").mkdir(parents=True)
    for name in ("._notes", "shards/._plan", ".DS_Store", "shards/Thumbs.db"):
        (mine / name).write_text(f"{name}: mine\n")
    for own in ("._notes", "shards/._plan", ".DS_Store", "shards/Thumbs.db"):
        before = sorted(p.relative_to(mine).as_posix() for p in mine.rglob("*"))
        done = run("--root", str(root), "build", "--out", str(tmp_path / "site"), "--data-out", str(mine))
        assert done.returncode == 2, done.stdout + done.stderr
        assert f"--data-out {mine}: not verification data credreg built" in done.stderr, done.stderr
        assert sorted(p.relative_to(mine).as_posix() for p in mine.rglob("*")) == before
        (mine / own).unlink()  # the next one alone
    built = run("--root", str(root), "build", "--out", str(tmp_path / "site"), "--data-out", str(mine))
    assert built.returncode == 0, built.stderr  # an empty shards/ is (an earlier build of no awards') data


def test_plain_mkdocs_build_replaces_only_a_folder_of_verification_data(signer: Signer, tmp_path: Path) -> None:
    """Run by plain `mkdocs build` (the plugin's documented other way in), a registry with ``verification_data_url``
    had its data written to ``<site>-data`` after deleting whatever that folder held: a user's own ``mine-data/``
    beside ``mkdocs build -d mine`` was gone, with no word. The plugin now takes that folder by `credreg build`'s
    rule (new, empty or a build's data), refusing anything else before mkdocs empties the site's folder."""
    root = signer.root
    _plain_mkdocs(root)
    site, data = tmp_path / "mine", tmp_path / "mine-data"
    data.mkdir()
    (data / "thesis.tex").write_text("years of work\n")

    def mkdocs_build() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(site)]
        return subprocess.run(
            command, capture_output=True, text=True, check=False, env=os.environ | {"NO_MKDOCS_2_WARNING": "1"}
        )

    refused = mkdocs_build()
    assert refused.returncode == 1, refused.stderr
    assert "Traceback" not in refused.stderr
    assert f"{data}: not verification data credreg built" in refused.stderr, refused.stderr
    assert [p.name for p in data.iterdir()] == ["thesis.tex"]
    assert not site.exists()
    (data / "thesis.tex").unlink()
    built = mkdocs_build()
    assert built.returncode == 0, built.stderr
    assert (site / "verify" / "index.json").is_file()
    assert sorted(p.name for p in data.iterdir()) == ["achievements", "shards", "templates"]


def _mkdocs_serve(config: Path, *args: str, temporary: Path) -> tuple[subprocess.Popen[str], int]:
    """Plain `mkdocs serve ARGS` of ``config`` on a free local port, its temporary files in ``temporary``: the server
    (its standard error a pipe of text) and the port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Ctrl-C is how a user stops it. A shell running the tests in the background ignores SIGINT, its children
    # inherit that and Python then installs no handler: the server is given Python's own handler back.
    start = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "sys.argv[0] = 'mkdocs'; runpy.run_module('mkdocs', run_name='__main__', alter_sys=True)"
    )
    command = [sys.executable, "-c", start, "serve", *args, "-f", str(config), "-a", f"127.0.0.1:{port}"]
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(temporary)}
    return subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env), port


@pytest.mark.parametrize("how", [["--no-livereload"], ["--clean"]], ids=["no-livereload", "clean"])
def test_mkdocs_serve_leaves_no_data_folder_behind(signer: Signer, tmp_path: Path, how: list[str]) -> None:
    """`mkdocs serve` builds into a temporary folder it deletes when stopped; the plugin wrote the verification data
    beside it (``<tmp>-data``, its default), which nothing deleted: every served session left a copy of the data in
    the temporary folder. The plugin now removes the data folder it chose for a served site when serving stops;
    with ``--clean`` too, which tells plugins at startup that it builds (then only its serve event says it serves)."""
    _plain_mkdocs(signer.root)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    served, port = _mkdocs_serve(signer.root / "mkdocs.yml", *how, temporary=temporary)
    try:
        assert served.stderr is not None
        said = []
        for line in served.stderr:
            said.append(line)
            if "Serving on" in line:
                break
        assert any("Serving on" in line for line in said), "".join(said)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as answered:  # up and serving
            assert answered.status == 200
        data = [p for p in temporary.iterdir() if p.name.endswith("-data")]
        assert data, sorted(p.name for p in temporary.iterdir())  # the data was written beside the served site
        assert (data[0] / "shards").is_dir()
        served.send_signal(signal.SIGINT)
        rest = served.communicate(timeout=60)[1]
    finally:
        if served.poll() is None:  # a failed step never leaves the server running, nor the test waiting on it
            served.kill()
            served.communicate()
    assert served.returncode == 0, rest
    assert "Traceback" not in rest, rest
    assert list(temporary.iterdir()) == []


def test_the_data_folder_is_beside_the_site_as_named_and_apart_from_it_through_links(
    signer: Signer, tmp_path: Path
) -> None:
    """The data folder's default is ``<out>-data``, beside the site. `credreg build` took it beside the site's
    folder with its links followed (``--out public``, a link to ``www/``, wrote ``www-data/``) while plain `mkdocs
    build -d public` wrote ``public-data/``: the folder the docs say to upload was never written, or kept an older
    build's shards. And the plugin compared the data folder, links followed, with the site's folder as written:
    a ``public-data`` linking into the site's real folder passed, and the data was written inside the site. Both
    now take ``<out>-data`` beside the name given, and compare the two with their links followed."""
    root = signer.root
    _plain_mkdocs(root)
    (tmp_path / "www").mkdir()
    (tmp_path / "public").symlink_to(tmp_path / "www")
    built = run("--root", str(root), "build", "--out", str(tmp_path / "public"))
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "www" / "verify" / "index.json").is_file()
    assert (tmp_path / "public-data" / "shards").is_dir(), sorted(p.name for p in tmp_path.iterdir())
    assert not (tmp_path / "www-data").exists()

    shutil.rmtree(tmp_path / "public-data")
    (tmp_path / "public-data").symlink_to(tmp_path / "www" / "data")  # the data inside the site, through a link
    command = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "-q",
        "-f",
        str(root / "mkdocs.yml"),
        "-d",
        str(tmp_path / "public"),
    ]
    refused = subprocess.run(
        command, capture_output=True, text=True, check=False, env=os.environ | {"NO_MKDOCS_2_WARNING": "1"}
    )
    assert refused.returncode == 1, refused.stderr
    assert "Traceback" not in refused.stderr
    assert "is inside the site's folder" in refused.stderr, refused.stderr
    assert not (tmp_path / "www" / "data").exists()
    assert (tmp_path / "www" / "verify" / "index.json").is_file()  # refused before mkdocs empties the site


#: Governance URLs that end the attribute they are printed in: the data URL's origin goes into every page's
#: Content-Security-Policy meta tag, the site URL into every page's canonical link (both unescaped by the theme).
_BREAKOUT = '"><meta http-equiv=refresh content=0;url=&sol;&sol;evil.example><x y="'


_ENDS_ATTRIBUTE = "a URL may not hold"
_DOT_SEGMENT = "its path may not hold an empty, '.' or '..' segment"


@pytest.mark.parametrize(
    ("field", "value", "why"),
    [
        ("verification_data_url", f"https://data.example{_BREAKOUT}/", _ENDS_ATTRIBUTE),
        ("site_url", f"https://registry.test.example/{_BREAKOUT.replace(' ', '/')}/", _ENDS_ATTRIBUTE),
        ("verification_data_url", "https://data.example/<b>/", _ENDS_ATTRIBUTE),
        ("repository", "https://code.example/{registry}", _ENDS_ATTRIBUTE),
        # Every did:web holds the site URL's path segments, and resolvers remove dot segments before fetching:
        # did:web:registry.test.example:reg:..:issuers:acme-academy's document was another site's.
        ("site_url", "https://registry.test.example/reg/../", _DOT_SEGMENT),
        ("site_url", "https://registry.test.example/reg/%2E%2e/", _DOT_SEGMENT),
        ("site_url", "https://registry.test.example//", _DOT_SEGMENT),
        # Chromium drops a connect-src source it cannot parse: every page refused to fetch the data
        # (tests/browser/test_csp_data_origin.py holds the model and the browser equal).
        ("verification_data_url", "https://data_store.example/verify/", "its host goes into every page's Content"),
        ("verification_data_url", "https://[2001:db8::1]/verify/", "its host goes into every page's Content"),
        ("site_url", "https://registry..example/", "the host 'registry..example' is not a domain name"),
        # did:web escapes its segments: did:web:registry.test.example:my%2520reg:… resolved in folder 'my%20reg'.
        ("site_url", "https://registry.test.example/my%20reg/", "its path may not hold a percent-escape"),
    ],
)
def test_a_governance_url_read_otherwise_than_written_is_refused(
    signer: Signer, tmp_path: Path, field: str, value: str, why: str
) -> None:
    """A quote in ``verification_data_url`` reached every page's head as markup: the build wrote a second
    ``<meta http-equiv=refresh>`` sending each visitor to another site. Every URL a registry file gives now holds
    only what a URL may (no quote, angle bracket, brace, space…; a host that is a domain name or an IP address),
    so the check refuses such a value, naming the file and the field, and nothing is built. Nor may the site URL's
    path hold a segment a resolver reads otherwise (``..``, ``.``, escaped or not, or an empty one)."""
    governance = signer.root / "registry" / "governance.yaml"
    lines = [line for line in governance.read_text().splitlines() if not line.startswith(f"{field}:")]
    governance.write_text("\n".join([*lines, f"{field}: {json.dumps(value)}"]) + "\n")
    out = tmp_path / "site"
    built = run("--root", str(signer.root), "build", "--out", str(out))
    assert built.returncode == 1, built.stdout + built.stderr
    assert "Traceback" not in built.stderr
    assert f"registry/governance.yaml:{len(lines) + 1}:1: {field}: {why}" in built.stderr, built.stderr
    assert not out.exists()


def _processes_naming(text: str) -> list[str]:
    """The command lines of the live processes that name ``text`` (a folder) in their arguments."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                argv = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
            except OSError:  # ended meanwhile
                continue
            if any(text in arg for arg in argv):
                found.append(" ".join(argv))
    return found


@pytest.mark.parametrize(
    ("moment", "signum"), [("claimed", signal.SIGTERM), ("indexing", signal.SIGTERM), ("indexing", signal.SIGHUP)]
)
def test_a_build_terminated_midway_leaves_the_previous_site_and_no_staging(
    signer: Signer, tmp_path: Path, moment: str, signum: int
) -> None:
    """`kill` (SIGTERM, what a CI runner or a service manager sends) while the site is being built: the previous
    site stays whole and no staging folder is left beside it (SIGTERM ended the process with no clean-up, which
    left a `.site.building-…` folder at every cancelled build); the exit status says it was terminated.

    ``claimed``: as the staging folder appears (a signal between its making and its claim left it behind).
    ``indexing``: while Pagefind writes the search index into it (mkdocs tells plugins of an Exception only, so the
    indexer ran on and made the folder again after the build had ended). SIGHUP (the terminal or SSH session closed)
    alike: its default ended the process where it was, leaving the folder."""

    out = tmp_path / "site"
    assert run("--root", str(signer.root), "build", "--out", str(out)).returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # Each signal at its default, as in a terminal: a run under nohup (this suite's, say) passes SIGHUP on ignored.
    proc = subprocess.Popen(
        ["env", "--default-signal=HUP,TERM", sys.executable, "-m", "generator", "--root", str(signer.root), "build",
         "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    stage_prefix = str(tmp_path / ".site.building-")

    def reached() -> bool:
        if moment == "claimed":
            return any(p.name.startswith(".site.building-") for p in tmp_path.iterdir())
        return any("pagefind" in argv for argv in _processes_naming(stage_prefix))

    deadline = time.monotonic() + 60
    while not reached():
        assert proc.poll() is None, "the build ended before it was terminated"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    os.kill(proc.pid, signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr, stderr
    assert "credreg: terminated" in stderr
    assert _processes_naming(str(tmp_path)) == []  # nothing it started writes on
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_build_run_with_nohup_outlives_its_terminal(signer: Signer, tmp_path: Path) -> None:
    """`nohup credreg build` ignores SIGHUP, and so does the build: it is meant to outlive the terminal."""
    out = tmp_path / "site"
    proc = subprocess.Popen(
        ["nohup", sys.executable, "-m", "generator", "--root", str(signer.root), "build", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".site.building-") for p in tmp_path.iterdir()):
        assert proc.poll() is None, "the build ended before the signal"
        assert time.monotonic() < deadline
        time.sleep(0.002)
    os.kill(proc.pid, signal.SIGHUP)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert (out / "index.html").is_file()


def test_a_build_interrupted_as_it_swaps_the_site_in_keeps_the_previous_site(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interrupted (Ctrl-C, SIGTERM) between moving the previous site aside and moving the new one in: the
    previous site is put back, whole (it was left as `.site.old-<pid>`, with no site under the name)."""
    from generator.publish.build import build_site

    out = tmp_path / "site"
    build_site(signer.root, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    _interrupt_swap(monkeypatch, out)
    with pytest.raises(KeyboardInterrupt):
        build_site(signer.root, out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_build_whose_data_cannot_be_swapped_in_keeps_the_previous_site(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``verification_data_url`` the build replaces two folders. The site went first: a data folder that could
    not be swapped in (interrupted, refused) left the new site published over the previous data, its index naming
    shards that were never written. The data goes first now, as docs/hosting.md uploads it before deploying the
    site: when it fails, both folders are the previous build's."""
    from generator.publish.build import build_site

    governance = signer.root / "registry" / "governance.yaml"
    governance.write_text(governance.read_text() + "verification_data_url: https://data.example.org/verify/\n")
    out, data = tmp_path / "site", tmp_path / "site-data"
    signer.award()
    build_site(signer.root, out)
    before = (_site_files(out), _site_files(data))
    assert before[1], "the data folder holds the award's shard"
    signer.award()  # the next build has another award: other shards, another index
    _interrupt_swap(monkeypatch, data)
    with pytest.raises(KeyboardInterrupt):
        build_site(signer.root, out)
    assert (_site_files(out), _site_files(data)) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


# Run in the child: the rename that moves the new site in kills the process (SIGKILL: no clean-up runs), the
# previous site having been moved aside to `.site.old-…`.
_KILLED_MID_SWAP = """
import os, signal, sys
from pathlib import Path
from generator.publish.build import build_site
out = Path(sys.argv[2])
real_rename = Path.rename
def rename(self, target):
    if Path(target) == out and self.name.startswith(".site.building-"):
        os.kill(os.getpid(), signal.SIGKILL)
    return real_rename(self, target)
Path.rename = rename
build_site(Path(sys.argv[1]), out)
"""


def _interrupt_swap(monkeypatch: pytest.MonkeyPatch, out: Path) -> None:
    """Interrupt the build (Ctrl-C) as it renames its staging folder to ``out``."""
    real_rename = Path.rename

    def rename(self: Path, target: Path | str) -> Path:
        if Path(target) == out and self.name.startswith(f".{out.name}.building-"):
            raise KeyboardInterrupt
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)


def _site_files(out: Path) -> dict[Path, bytes]:
    return {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def _killed_mid_swap(root: Path, out: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_MID_SWAP, str(root), str(out)], capture_output=True, check=False
    )
    assert done.returncode == -9, done.stderr  # killed between the renames, not ended otherwise
    assert not out.exists()
    left = sorted(p.name.split("-")[0] for p in out.parent.iterdir() if p.name.startswith("."))
    assert left == [".site.building", ".site.old"]  # the new site, whole, and the previous one


def test_the_next_build_clears_what_a_build_killed_mid_swap_left(signer: Signer, tmp_path: Path) -> None:
    """SIGKILL between moving the previous site aside and moving the new one in: no clean-up can run, so the
    previous site is left as `.site.old-<pid>…` with no site under the name. The next build puts it back first,
    then replaces it as usual: nothing is left beside the site (the `.site.old-…` folders of killed builds used to
    pile up, each a whole site)."""
    out = tmp_path / "site"
    assert run("--root", str(signer.root), "build", "--out", str(out)).returncode == 0
    _killed_mid_swap(signer.root, out)
    assert run("--root", str(signer.root), "build", "--out", str(out)).returncode == 0
    assert (out / "verify" / "index.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_refused_build_after_one_killed_mid_swap_puts_the_previous_site_back(signer: Signer, tmp_path: Path) -> None:
    """The previous site a killed build left aside is back under its name even when the next build is refused."""
    out = tmp_path / "site"
    assert run("--root", str(signer.root), "build", "--out", str(out)).returncode == 0
    before = _site_files(out)
    _killed_mid_swap(signer.root, out)
    tamper(signer)
    assert run("--root", str(signer.root), "build", "--out", str(out)).returncode == 1
    assert _site_files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


# Run in the child: claim a staging folder as a build does, say so, and stay alive until told to end.
_LIVE_BUILD = """
import sys
import time
from pathlib import Path
from generator._internal.files import claim_folder
held = []
claimed = claim_folder(Path(sys.argv[1]), ".site.building-", held)
(claimed.path / "index.html").write_text("half a site")
print(claimed.path.name, flush=True)
sys.stdin.read()
"""


def test_a_build_removes_dead_builds_staging_and_never_a_live_builds(signer: Signer, tmp_path: Path) -> None:
    """Staging folders beside the site: one of a build that was killed (no process holds it) is removed by the
    next build, one of a build still running (another process, which holds it) is left alone, as is anything
    else with a name of its own."""
    import os

    out = tmp_path / "site"
    dead = tmp_path / (".site.building-" + "0" * 16)
    dead.mkdir()
    (dead / "index.html").write_text("half a site")
    other = tmp_path / ".site.backup"
    other.mkdir()
    live = subprocess.Popen(
        [sys.executable, "-c", _LIVE_BUILD, str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    try:
        assert live.stdout is not None
        live_name = live.stdout.readline().strip()
        assert live_name.startswith(".site.building-")
        assert run("--root", str(signer.root), "build", "--out", str(out)).returncode == 0
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == sorted(
            [live_name, ".site.backup"]
        )
        assert (tmp_path / live_name / "index.html").read_text() == "half a site"
    finally:
        live.communicate("", timeout=30)
    # Its process gone (it ended without tidying, as a killed one would), the next build removes it.
    assert run("--root", str(signer.root), "build", "--out", str(out)).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [".site.backup"]


def test_a_build_leaves_a_users_folders_named_like_its_own_alone(signer: Signer, tmp_path: Path) -> None:
    """Only the names a build gives its folders (a prefix and 16 random hex digits) are its to tidy: a user's
    `.site.old-backup` (a copy of an earlier site, say) was deleted by the next build, or put in the site's place
    when there was none, and a `.site.building-notes` deleted."""
    out = tmp_path / "site"
    mine = [tmp_path / ".site.old-backup", tmp_path / ".site.building-notes", tmp_path / ".site.old-1234-abcd1234"]
    for folder in mine:
        folder.mkdir()
        (folder / "keep.txt").write_text("mine\n")
    assert run("--root", str(signer.root), "build", "--out", str(out)).returncode == 0
    assert (out / "verify" / "index.json").is_file()
    assert run("--root", str(signer.root), "build", "--out", str(out)).returncode == 0
    for folder in mine:
        assert (folder / "keep.txt").read_text() == "mine\n", folder.name


def test_another_builds_clean_up_never_finds_the_site_missing_between_the_two_renames(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between moving the previous site aside and moving the new one in, there is no site under its name. Another
    build starting then (its clean-up) found a killed build's stale `.site.old-…` and put it there: this build's
    site could not go in, and the build failed, leaving the stale site published. The renames now run with the
    parent folder locked, as the clean-up does: it waits, then deletes the stale folder."""
    from generator._internal.files import claim_name
    from generator.publish.build import build_site

    out = tmp_path / "site"
    build_site(signer.root, out)
    real_rename = Path.rename
    cleaner: list[subprocess.Popen[bytes]] = []

    def rename(self: Path, target: Path | str) -> Path:
        if Path(target) == out and self.name.startswith(".site.building-"):
            stale = tmp_path / claim_name(".site.old-")  # what a build killed mid-swap left, held by no one
            (stale / "verify").mkdir(parents=True)
            (stale / "verify" / "stale.txt").write_text("a site of a killed build\n")
            script = "import sys; from pathlib import Path; from generator.publish.build import _clear_abandoned; "
            script += "_clear_abandoned(Path(sys.argv[1]))"
            cleaner.append(subprocess.Popen([sys.executable, "-c", script, str(out)], env={**os.environ,
                           "PYTHONPATH": str(REPO)}))  # fmt: skip
            with contextlib.suppress(subprocess.TimeoutExpired):
                cleaner[0].wait(timeout=3)  # it finishes now only if it can look
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    build_site(signer.root, out)
    monkeypatch.undo()
    assert cleaner[0].wait(timeout=60) == 0
    assert not (out / "verify" / "stale.txt").exists()
    assert (out / "verify" / "index.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_two_builds_at_once_never_publish_one_sites_pages_with_the_others_data(
    signer: Signer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``verification_data_url``, a build swaps in its data folder, then its site, each under the lock of its
    parent folder in turn. Another build (a newer commit, a `credreg serve` rebuild) finishing between the two put
    its data in, then this build's site went in over it: one build's index with the other's shards, an award the
    pages count absent from the data. Both swaps now run under one lock: the other build waits, and the two
    folders published are always one build's."""
    from generator.publish.build import build_site

    root = signer.root
    governance = root / "registry" / "governance.yaml"
    governance.write_text(governance.read_text() + "verification_data_url: https://data.example.org/verify/\n")
    signer.award()
    out, data = tmp_path / "site", tmp_path / "site-data"
    build_site(root, out)
    real_rmtree = shutil.rmtree
    other: list[subprocess.Popen[bytes]] = []

    def rmtree(path: Path | str, *args: Any, **kwargs: Any) -> None:  # the previous data, once the new is in
        if Path(path).name.startswith(".site-data.old-") and not other:
            signer.award(email="second@example.org")  # the other build is of a newer registry
            script = "import sys; from pathlib import Path; from generator.publish.build import build_site; "
            script += "build_site(Path(sys.argv[1]), Path(sys.argv[2]))"
            other.append(subprocess.Popen([sys.executable, "-c", script, str(root), str(out)], env={**os.environ,
                         "PYTHONPATH": str(REPO)}))  # fmt: skip
            with contextlib.suppress(subprocess.TimeoutExpired):
                other[0].wait(timeout=40)  # it finishes now only if its swaps do not wait for this build's
        real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", rmtree)
    build_site(root, out)
    monkeypatch.undo()
    assert other[0].wait(timeout=120) == 0
    index = json.loads((out / "verify" / "index.json").read_text())
    from generator.publish.verifydata import read_gzip_json

    in_data = sum(len(read_gzip_json(p)["awards"]) for p in (data / "shards").iterdir())
    assert (index["awards"], in_data) == (2, 2)  # the newer build's, both of them


def test_an_output_folder_whose_path_is_not_utf8_is_refused_before_the_build(signer: Signer, tmp_path: Path) -> None:
    """Pagefind (the search index) takes only UTF-8 paths: the whole site was built, then refused with Pagefind's
    'invalid UTF-8 was detected in one or more arguments', which named no path. Now refused before anything is
    read or written, naming --out and why."""
    out = os.fsdecode(os.fsencode(str(tmp_path)) + b"/site-\xff")
    done = run("--root", str(signer.root), "build", "--out", out)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 2, done.stdout + done.stderr
    assert "--out " in done.stderr, done.stderr
    assert "site-\\udcff: the path is not UTF-8 text" in done.stderr, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site") or "site-" in p.name) == []


@pytest.mark.parametrize("moved", ["previous site aside", "new site in"])
def test_a_build_interrupted_as_a_swap_rename_returns_leaves_a_site_and_nothing_beside_it(
    signer: Signer, tmp_path: Path, interrupt_as_renamed: Any, moved: str
) -> None:
    """Ctrl-C or SIGTERM as one of the swap's renames has returned (Python raises it at the next line, before the
    build has recorded the rename): after the previous site was moved aside, the build ended with no site under
    its name (the previous one left as `.site.old-…` until the next build); after the new one was moved in, the
    previous one stayed beside it. A swap is one step now: the new site is in place, and nothing beside it."""
    from generator.publish.build import build_site

    out = tmp_path / "site"
    build_site(signer.root, out)
    signer.award()
    if moved == "new site in":
        renamed = interrupt_as_renamed(lambda source, to: to == out and source.name.startswith(".site.building-"))
    else:
        renamed = interrupt_as_renamed(lambda source, to: source == out and to.name.startswith(".site.old-"))
    with pytest.raises(KeyboardInterrupt):
        build_site(signer.root, out)
    assert len(renamed) == 1
    assert (out / "index.html").is_file(), "no site under its name"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_site_paths_one_on_a_case_insensitive_host_are_refused_and_nothing_is_published(
    signer: Signer, tmp_path: Path
) -> None:
    """A page of the registry's own documentation, ``Verify.md``, is ``Verify/`` on the site: another folder than
    the verification page's ``verify/`` on Linux, where the site is built, but the same one on a Mac building it,
    on a Windows or macOS copy of the site, and on a host or CDN that folds case, where one page replaces the other
    (either: it depends on which is written last). The build refuses two such paths, naming both, and publishes
    nothing."""
    _with_docs_page_verify(signer.root, tmp_path)
    out = tmp_path / "site"
    built = run("--root", str(signer.root), "build", "--out", str(out))
    assert built.returncode == 1, built.stderr
    assert "Traceback" not in built.stderr
    assert f"{out}/verify: is the same path as {out}/Verify on a host or file system that ignores case" in (
        built.stderr
    ), built.stderr
    assert "nothing was built" in built.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_plain_mkdocs_build_refuses_site_paths_one_on_a_case_insensitive_host(signer: Signer, tmp_path: Path) -> None:
    """The plugin's other way in, plain ``mkdocs build``, published a site where the documentation page
    ``Verify.md`` (``Verify/``) and the verification page (``verify/``) are one folder on a Mac, on Windows and on
    a host or CDN that folds case: only ``credreg build`` looked. The plugin now judges the names of every file
    mkdocs is to write (the documentation's, the theme's, the generated pages') before it writes a page, so a
    build on a Mac, whose file system would merge the two before any walk of the output could see them, refuses
    them too; and it walks what was written at the end (data files and issuer images included)."""
    root = signer.root
    _with_docs_page_verify(root, tmp_path)
    site = tmp_path / "mine"
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(site)]
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, env=os.environ | {"NO_MKDOCS_2_WARNING": "1"}
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{site}/verify: is the same path as {site}/Verify on a host or file system that ignores case" in (
        done.stderr
    ), done.stderr
    assert not (site / "verify" / "index.html").exists(), "refused before a page was written"
    assert not (site / "Verify" / "index.html").exists()


def _with_docs_page_verify(root: Path, tmp_path: Path) -> None:
    """The registry at ``root`` built with a copy of this repository's documentation (in ``tmp_path/docs``) that
    also has a page ``Verify.md``: ``Verify/`` on the site, beside the verification page's ``verify/``."""
    docs = tmp_path / "docs"
    shutil.copytree(REPO / "docs", docs)
    (docs / "Verify.md").write_text("# Verify\n\nPaste the badge here.\n")
    config = (REPO / "mkdocs.yml").read_text()
    config = config.replace("custom_dir: generator/site/overrides", f"custom_dir: {REPO / 'generator/site/overrides'}")
    config = config.replace("docs_dir: docs", f"docs_dir: {docs}")
    (root / "mkdocs.yml").write_text(config)


def test_mkdocs_serve_checks_the_registry_again_on_every_rebuild(signer: Signer, tmp_path: Path) -> None:
    """mkdocs keeps a plugin with a startup event across `mkdocs serve`'s rebuilds, and the plugin kept the registry
    it had checked at the first build: a rebuild served the first check's registry as current, an edit under
    ``registry/`` started no rebuild at all (only ``docs/`` was watched), and a rebuild after any registry edit was
    refused by the first build's spent hold, for good. Now every rebuild checks the registry again, an edit of the
    registry's files starts one, and a refused rebuild says which file and serves nothing built (an honest edit
    then serves again)."""
    _plain_mkdocs(signer.root)
    issued = signer.award()
    governance = signer.root / "registry" / "governance.yaml"
    served, port = _mkdocs_serve(signer.root / "mkdocs.yml", temporary=tmp_path)
    said: list[str] = []
    lines: queue.Queue[str] = queue.Queue()
    assert served.stderr is not None
    threading.Thread(target=lambda: [lines.put(line) for line in served.stderr or ()], daemon=True).start()

    def wait_for(words: str) -> None:
        """The server's next line saying ``words``; failed if none comes within two minutes (a rebuild never run)."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            said.append(line)
            if words in line:
                return
        raise AssertionError(f"never said {words!r}:\n" + "".join(said))

    def home() -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as answered:
                return answered.read().decode()
        except urllib.error.HTTPError as refused:
            return f"HTTP {refused.code}"

    try:
        wait_for("Serving on")
        assert "A small registry used by the test suite." in home()
        governance.write_text(governance.read_text().replace("used by the test suite", "edited while served"))
        wait_for("Documentation built")
        assert "A small registry edited while served." in home()
        award = json.loads(issued.path.read_text())
        award["credentialSubject"]["achievement"]["name"] = "MSc Data Science (Distinction)"
        issued.path.write_text(json.dumps(award, indent=2))
        wait_for(issued.path.name)  # the refusal names the tampered award
        # mkdocs holds every request while its last rebuild failed; nothing built from the earlier check is left.
        served_folders = list(tmp_path.glob("mkdocs_*"))  # the site's and its verification data's
        assert len(served_folders) == 2, served_folders
        assert [p for folder in served_folders for p in folder.rglob("*") if p.is_file()] == []
        issued.path.unlink()
        wait_for("Documentation built")
        assert "A small registry edited while served." in home()
        served.send_signal(signal.SIGINT)
        served.wait(timeout=60)
    finally:
        if served.poll() is None:
            served.kill()
            served.wait()
    assert "Traceback" not in "".join(said), "".join(said)
