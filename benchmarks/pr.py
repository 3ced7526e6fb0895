"""Figure 2: the pull-request check (``credreg check --base``) of a change adding one award, on a registry of
100k awards and on one of 1k, both committed to Git."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import yaml

from benchmarks._common import Figure, Run, Workspace, credreg, median, read_through, require_ok
from generator.awarding.issue import Recipient, issue_awards
from generator.awarding.keys import load_signing_key
from generator.load import load_registry

GOAL_SECONDS = 3.0
GOAL_FACTOR = 1.5


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def commit_registry(root: Path) -> None:
    if (root / ".git").exists():
        return
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "registry")


def busiest_issuer(root: Path) -> str:
    counts: dict[str, int] = {}
    for line in git(root, "ls-files", "registry/issuers").splitlines():
        parts = line.split("/")
        if len(parts) > 3 and parts[3] == "awards":
            counts[parts[2]] = counts.get(parts[2], 0) + (1 if line.endswith(".json") else 60)
    return max(counts, key=lambda issuer: counts[issuer])


def add_one_award(root: Path, key_dir: Path) -> tuple[str, str]:
    """Sign one new award, as ``credreg award`` does, into the issuer with the most awards; return the issuer
    and a maintainer who may add it."""
    issuer = busiest_issuer(root)
    registry = load_registry(root).registry
    assert registry is not None
    record = registry.issuers[issuer]
    slug = next(s for s, c in sorted(record.credentials.items()) if c.model.status.value == "active")
    key_path = sorted((key_dir / issuer).glob("*.key"))[-1]
    key = load_signing_key(key_path, root=root)
    issue_awards(
        registry,
        f"{issuer}/{slug}",
        [Recipient(f"new-learner-{dt.datetime.now(dt.UTC).timestamp():.0f}@example.org")],
        key,
        batch=False,
    )
    maintainers = yaml.safe_load((root / "registry" / "issuers" / issuer / "issuer.yaml").read_text())["maintainers"]
    return issuer, str(maintainers[0])


def pr_check(root: Path, actor: str) -> Run:
    result = credreg(root, "check", "--base", "HEAD", "--actor", actor, interval=0.1)
    require_ok(result, f"pull-request check in {root.name}")
    return result


def measure(ws: Workspace, *, large: int, small: int, repeats: int = 5) -> Figure:
    ws.log("pr: a pull request adding one award, on a large and a small registry (committed to Git)")
    seconds: dict[str, float] = {}
    details: dict[str, object] = {}
    prepared: dict[str, tuple[Path, str]] = {}
    for name, awards in (("small", small), ("large", large)):
        made = ws.registry(name, issuers=40, credentials=400, awards=awards)
        commit_registry(made.root)
        git(made.root, "reset", "-q", "--hard")
        git(made.root, "clean", "-q", "-fdx", "registry")
        issuer, actor = add_one_award(made.root, made.key_dir)
        prepared[name] = (made.root, actor)
        details[f"issuer_{name}"] = issuer
    for root, _ in prepared.values():
        read_through(root)  # the files and Git's objects in memory, as after a clone (_common.read_through)
    # Alternating runs, so that both registries see the same machine (its speed drifts within minutes).
    runs: dict[str, list[Run]] = {"small": [], "large": []}
    for _ in range(repeats):
        for name, (root, actor) in prepared.items():
            runs[name].append(pr_check(root, actor))
    for name, awards in (("small", small), ("large", large)):
        seconds[name] = median([r.seconds for r in runs[name]])
        details[f"seconds_{name}_{awards}_awards"] = round(seconds[name], 3)
        details[f"runs_{name}"] = [round(r.seconds, 3) for r in runs[name]]
        ws.log(f"  {name} ({awards} awards): {seconds[name]:.2f} s (median of {repeats}, alternating)")
        root = prepared[name][0]
        git(root, "clean", "-q", "-fd", "registry")
        git(root, "checkout", "-q", "--", ".")
    ratio = seconds["large"] / seconds["small"]
    figure = Figure(
        "pr_check",
        f"PR check, 1 new award, {large // 1000}k-award registry (vs the same PR on a {small // 1000}k registry)",
        f"≤ {GOAL_SECONDS:.0f} s and ≤ {GOAL_FACTOR} × the small registry",
        value=round(seconds["large"], 3),
        unit="s",
        baseline=round(seconds["small"], 3),
        baseline_unit="s",
        ratio=round(ratio, 3),
        details=details,
    )
    figure.met = seconds["large"] <= GOAL_SECONDS and ratio <= GOAL_FACTOR
    figure.notes.append(
        "whole `credreg check --base HEAD --actor …` process, median of runs alternating between the registries"
    )
    return figure
