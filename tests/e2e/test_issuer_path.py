"""The issuer's path of CONTRIBUTING.md, walked with the real CLI in a real fork of a real Git repository.

The commands are read from CONTRIBUTING.md itself (only the key file name, which contains the day it was made,
and the folders are substituted), so the guide cannot drift from what works: join with `credreg new issuer`,
add a key with `credreg keygen` (the private key outside the repository), define a credential with
`credreg new credential`, award one person and a cohort with `credreg award` (what `new issuer`, `keygen` and a
single award print is held line by line to the output the guide shows); each step is checked as its pull request
would be (`credreg check --base upstream/main --actor kim-hds`) and then merged upstream. Finally the site
builds, shows the new credential and the guide, and `credreg verify` accepts an award for its recipient.
"""

from __future__ import annotations

import csv
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, make_registry

GUIDE = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
HASH = re.compile(r"\b[0-9a-f]{64}\b")


def documented(prefix: str) -> list[str]:
    """The first command of the guide's shell blocks that starts with ``prefix``, as words."""
    for block in re.findall(r"```sh\n(.*?)```", GUIDE, flags=re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            if line.strip().startswith(prefix):
                return shlex.split(line.strip())
    raise AssertionError(f"CONTRIBUTING.md shows no `{prefix}` command")


def documented_output(prefix: str) -> list[str]:
    """The lines of the ``text`` block the guide shows right after the shell block of the command ``prefix``."""
    for shell, output in re.findall(r"```sh\n(.*?)```\s*```text\n(.*?)```", GUIDE, flags=re.DOTALL):
        if any(line.strip().startswith(prefix) for line in shell.replace("\\\n", " ").splitlines()):
            return list(output.splitlines())
    raise AssertionError(f"CONTRIBUTING.md shows no output of `{prefix}`")


def labels(lines: list[str]) -> list[str]:
    """What each output line is (``public key``, ``next``, ``wrote``): the guide's example values differ from a
    run's (dates, hashes, paths), its lines must not (a line the guide leaves out, or one the command no longer
    prints, is drift)."""
    return [re.match(r"[a-z ]+?(?=:\s)|\S+", line)[0] for line in lines if line.strip()]  # type: ignore[index]


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


class Fork:
    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.env = env

    def credreg(
        self, words: list[str], *, ok: bool = True, typed: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """``words`` run as credreg; ``typed``: what the user types (or pipes) when it asks (an option given as -)."""
        assert words[0] == "credreg"
        done = subprocess.run(
            [sys.executable, "-m", "generator", *words[1:]],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            **({"input": typed} if typed is not None else {"stdin": subprocess.DEVNULL}),
        )
        assert "Traceback" not in done.stderr, done.stderr
        if ok:
            assert done.returncode == 0, f"{shlex.join(words)}\n{done.stdout}\n{done.stderr}"
        return done

    def pull_request(self, title: str) -> subprocess.CompletedProcess[str]:
        """Commit, run the pull-request check exactly as documented, then merge upstream and fetch."""
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", title)
        git(self.root, "fetch", "-q", "upstream")
        checked = self.credreg(documented("credreg check --base upstream/main --actor kim-hds"))
        git(self.root, "push", "-q", "upstream", "HEAD:main")
        git(self.root, "fetch", "-q", "upstream")
        return checked


def test_the_documented_path_works(tmp_path: Path) -> None:
    # The registry upstream (a bare repository, as on GitHub) and a fork of it.
    seed = make_registry(tmp_path / "seed")
    (tmp_path / "home").mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "CREDREG_KEY_DIR": str(tmp_path / "secure" / "credreg-keys"),
        "HOME": str(tmp_path / "home"),  # the guide's ~/cohorts/… must not land in the real home folder
        "GIT_AUTHOR_NAME": "Kim",
        "GIT_AUTHOR_EMAIL": "kim@harbourdata.example",
        "GIT_COMMITTER_NAME": "Kim",
        "GIT_COMMITTER_EMAIL": "kim@harbourdata.example",
    }
    subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(seed), "codeowners"], env=env, check=True, capture_output=True
    )
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", "-A")
    git(seed, "-c", "user.name=Reg", "-c", "user.email=reg@example.org", "commit", "-q", "-m", "the registry")
    upstream = tmp_path / "upstream.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(upstream))
    fork = Fork(tmp_path / "credential-registry", env)
    git(tmp_path, "clone", "-q", str(upstream), str(fork.root))
    git(fork.root, "remote", "add", "upstream", str(upstream))

    # 1. Join as an issuer.
    wrote = fork.credreg(documented("credreg new issuer"))
    assert labels(wrote.stdout.splitlines()) == labels(documented_output("credreg new issuer")), wrote.stdout
    fork.credreg(["credreg", "check"])
    joined = fork.pull_request("Join as harbour-data-school")
    assert "new issuer harbour-data-school: a registry maintainer (@reg-admin) must approve this pull request" in (
        joined.stdout
    )

    # 2. Add a signing key: the private half goes to CREDREG_KEY_DIR, outside the repository.
    made = fork.credreg(documented("credreg keygen harbour-data-school"))
    assert labels(made.stdout.splitlines()) == labels(documented_output("credreg keygen harbour-data-school"))
    private = Path(re.search(r"^private key: (\S+)", made.stdout, flags=re.MULTILINE)[1])  # type: ignore[index]
    assert private.is_file()
    assert private.is_relative_to(tmp_path / "secure")
    assert oct(private.stat().st_mode & 0o777) == "0o600"
    assert not list(fork.root.rglob("*.key"))
    fork.pull_request("A signing key")

    # 3. Propose a credential.
    fork.credreg(documented("credreg new credential"))
    fork.credreg(["credreg", "check"])
    fork.pull_request("SQL Reporting")

    # 4. Award it to one person, as the guide shows, and what it prints.
    one = documented("credreg award harbour-data-school/sql-reporting --recipient ")
    assert one[one.index("--recipient") + 1] == "-"  # the address off the command line, typed or piped
    single = fork.credreg([str(private) if word.endswith(".key") else word for word in one], typed="ada@example.org\n")
    shown = documented_output("credreg award harbour-data-school/sql-reporting --recipient ")
    assert labels(single.stdout.splitlines()) == labels(shown), single.stdout

    # Then to a cohort, from the CSV the guide shows.
    [cohort] = re.findall(r"```csv\n(.*?)```", GUIDE, flags=re.DOTALL)
    # Outside the checkout, where the guide keeps it (credreg refuses a cohort file inside it).
    award = documented("credreg award harbour-data-school/sql-reporting --csv ")
    where = award[award.index("--csv") + 1]
    assert where.startswith("~/"), where
    csv_file = tmp_path / "home" / where[2:]
    csv_file.parent.mkdir(parents=True)
    csv_file.write_text(cohort, encoding="utf-8")
    award = [str(private) if word.endswith(".key") else str(csv_file) if word == where else word for word in award]
    awarded = fork.credreg(award)
    new_files = git(fork.root, "status", "--porcelain", "--untracked-files=all")
    assert "registry/issuers/harbour-data-school/awards/" in new_files
    hashes = set(HASH.findall(awarded.stdout))
    for written in tmp_path.rglob("*.csv"):  # a mapping of recipients to links, when the CLI writes one
        if not written.is_relative_to(fork.root):
            hashes |= set(HASH.findall(written.read_text(encoding="utf-8")))
    assert hashes, awarded.stdout
    fork.pull_request("Award the first cohort")

    # The whole registry, the site, and an award verified for its recipient.
    fork.credreg(["credreg", "check"])
    site = tmp_path / "site"
    fork.credreg(["credreg", "build", "--out", str(site)])
    page = (site / "credentials" / "harbour-data-school" / "sql-reporting" / "index.html").read_text()
    assert "SQL Reporting" in page
    guide = (site / "become-an-issuer" / "index.html").read_text()
    assert "practical-assessment" in guide
    assert "training-provider" in guide
    assert "credreg:fields" not in guide
    # As the guide says: the earner's link (from the private recipients.csv) confirms their address.
    mappings = (tmp_path / "home").rglob("recipients.csv")  # the single award's run, and the cohort's
    rows = [row for mapping in mappings for row in csv.DictReader(mapping.open(encoding="utf-8"))]
    link = next(row["verification_link"] for row in rows if row["email"] == "bo@example.org")
    verdict = fork.credreg(["credreg", "verify", link, "--recipient", "bo@example.org"], ok=False)
    assert verdict.returncode == 0, verdict.stdout
    assert "verdict: VALID" in verdict.stdout, verdict.stdout
    wrong = fork.credreg(["credreg", "verify", link, "--recipient", "cy@example.org"], ok=False)
    assert wrong.returncode == 1, wrong.stdout
    shutil.rmtree(site)
