"""Whole-pipeline scaling (issue #17): the same registry shape at 1k, 10k and 100k awards, and 1M extrapolated.

At each size: the full check cold and with a warm cache, the pull-request check of one new award, the site
build, the site's bytes and files, and the peak memory of the check. Each has a baseline measured in the same
run:

* check (cold, warm): raw PyNaCl Ed25519 verification of as many signatures on every core (the ratio is the
  check's speed as a share of that: 1.0 would be "nothing but the signature");
* PR check: the same pull request on the smallest registry (the ratio is how much a larger registry costs);
* build, site bytes and files: a plain mkdocs-material build of as many pages of the same size (what a site with
  these pages and no verification data would be);
* peak memory: the smallest registry's check.

The 1M column is extrapolated along the slope between the two largest measured sizes, never downwards (every
figure grows linearly or slower beyond a fixed start-up cost: see the per-award columns); the method is in
docs/performance.md. The registries (40 issuers, 400 credentials) are those of the check and PR figures, made
once per run and shared with them.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import check as check_figures
from benchmarks import pr as pr_figures
from benchmarks import site as site_figures
from benchmarks._common import PYTHON, Figure, Run, Workspace, credreg, median, read_through, require_ok, run

MILLION = 1_000_000
PR_REPEATS = 3


@dataclass
class Point:
    awards: int
    cold: Run
    warm: Run
    pr_seconds: float
    build: Run
    site_bytes: int
    site_files: int


def _tree(folder: Path) -> tuple[int, int]:
    size = files = 0
    for path in folder.rglob("*"):
        if path.is_file():
            size += path.stat().st_size
            files += 1
    return size, files


def _checks(ws: Workspace, name: str, root: Path) -> tuple[Run, Run]:
    """Cold and warm full checks: those the check figure ran on this registry, or run now."""
    cold, warm = ws.runs.get(("check-cold", name)), ws.runs.get(("check-warm", name))
    if cold is None or warm is None:
        env = check_figures.cache_env(ws.root / f"{name}-cache")
        shutil.rmtree(ws.root / f"{name}-cache", ignore_errors=True)
        read_through(root)  # as the check figure does (check_figures.measure)
        cold = credreg(root, "check", env=env, interval=0.25)
        require_ok(cold, f"cold check of the {name} registry")
        read_through(root, ws.root / f"{name}-cache")
        warm = credreg(root, "check", env=env, interval=0.25)
        require_ok(warm, f"warm check of the {name} registry")
    return cold, warm


def _pr(ws: Workspace, name: str, root: Path, key_dir: Path) -> float:
    """Median of a few PR checks adding one award (the registry is left as it was)."""
    pr_figures.commit_registry(root)
    pr_figures.git(root, "reset", "-q", "--hard")
    pr_figures.git(root, "clean", "-q", "-fdx", "registry")
    _, actor = pr_figures.add_one_award(root, key_dir)
    try:
        return median([pr_figures.pr_check(root, actor).seconds for _ in range(PR_REPEATS)])
    finally:
        pr_figures.git(root, "clean", "-q", "-fd", "registry")
        pr_figures.git(root, "checkout", "-q", "--", ".")


def _build(ws: Workspace, name: str, root: Path) -> tuple[Run, int, int, Path]:
    """The build with the cache the warm check left (as a deploy job that keeps its cache runs it): its own
    check is then the warm one, not whatever cache an earlier run happened to leave in the registry."""
    out = ws.root / f"{name}-curve-site"
    shutil.rmtree(out, ignore_errors=True)
    env = check_figures.cache_env(ws.root / f"{name}-cache")
    result = credreg(root, "build", "--out", str(out), env=env, interval=0.25)
    require_ok(result, f"credreg build of the {name} registry")
    size, files = _tree(out)
    return result, size, files, out


def _extrapolate(points: list[tuple[int, float]]) -> float:
    """The value at a million awards along the slope between the two largest measured sizes. A cost never
    falls as the registry grows: a negative slope is noise (one slow run at the middle size), so it counts
    as flat rather than extrapolating to a time below zero."""
    (n1, v1), (n2, v2) = points[-2], points[-1]
    return v2 + max(0.0, (v2 - v1) / (n2 - n1)) * (MILLION - n2)


def measure(ws: Workspace, *, points: list[tuple[str, int]], cores: int) -> Figure:
    """``points``: (workspace name, awards) of the measured sizes, smallest first (the names the check and PR
    figures use, so their registries and runs are shared)."""
    ws.log("curves: check cold and warm, PR check, build, site bytes and files, peak memory at 3 sizes")
    measured: list[Point] = []
    plain_site: Path | None = None
    for name, awards in points:
        made = ws.registry(name, issuers=40, credentials=400, awards=awards)
        cold, warm = _checks(ws, name, made.root)
        pr_seconds = _pr(ws, name, made.root, made.key_dir)
        build, size, files, out = _build(ws, name, made.root)
        measured.append(Point(awards, cold, warm, pr_seconds, build, size, files))
        ws.log(
            f"  {awards:>9,} awards: check {cold.seconds:.1f} s cold, {warm.seconds:.1f} s warm; PR {pr_seconds:.2f} s;"
            f" build {build.seconds:.1f} s, {size / 1e6:.1f} MB in {files:,} files"
        )
        if plain_site is None:  # the pages do not depend on the number of awards: one plain build serves all
            sizes = site_figures.article_sizes(out)
            config = site_figures.plain_project(ws.root / "curves-plain", made.credentials, sum(sizes) // len(sizes))
            plain_site = ws.root / "curves-plain-site"
        shutil.rmtree(out, ignore_errors=True)
    assert plain_site is not None
    shutil.rmtree(plain_site, ignore_errors=True)
    plain = run([PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(plain_site)], interval=0.5)
    require_ok(plain, "plain mkdocs build")
    plain_bytes, plain_files = _tree(plain_site)
    shutil.rmtree(plain_site, ignore_errors=True)
    per_core, _ = check_figures.raw_verify_rate(cores)

    def ed25519_seconds(awards: int) -> float:
        return awards / (per_core * cores)

    rows: list[dict[str, Any]] = []
    for p in measured:
        rows.append(
            {
                "awards": p.awards,
                "check_cold_s": round(p.cold.seconds, 2),
                "check_warm_s": round(p.warm.seconds, 2),
                "ed25519_s": round(ed25519_seconds(p.awards), 3),
                "pr_check_s": round(p.pr_seconds, 3),
                "build_s": round(p.build.seconds, 2),
                "plain_mkdocs_s": round(plain.seconds, 2),
                "site_mb": round(p.site_bytes / 1e6, 2),
                "site_files": p.site_files,
                "plain_site_mb": round(plain_bytes / 1e6, 2),
                "plain_site_files": plain_files,
                "check_peak_rss_mb": round(max(p.cold.peak_rss_mb, p.warm.peak_rss_mb), 1),
                "build_peak_rss_mb": round(p.build.peak_rss_mb, 1),
                "extrapolated": False,
            }
        )
    keys = ("check_cold_s", "check_warm_s", "pr_check_s", "build_s", "site_mb", "site_files", "check_peak_rss_mb",
            "build_peak_rss_mb")  # fmt: skip
    million: dict[str, Any] = {"awards": MILLION, "extrapolated": True}
    for key in keys:
        million[key] = round(_extrapolate([(r["awards"], float(r[key])) for r in rows]), 2)
    million.update(
        ed25519_s=round(ed25519_seconds(MILLION), 3),
        plain_mkdocs_s=round(plain.seconds, 2),
        plain_site_mb=round(plain_bytes / 1e6, 2),
        plain_site_files=plain_files,
    )
    million["site_files"] = int(million["site_files"])
    rows.append(million)
    for row in rows:
        row["check_cold_ratio"] = round(row["ed25519_s"] / row["check_cold_s"], 3)
        row["check_warm_ratio"] = round(row["ed25519_s"] / row["check_warm_s"], 3)
        row["pr_ratio"] = round(row["pr_check_s"] / rows[0]["pr_check_s"], 3)
        row["build_ratio"] = round(row["build_s"] / row["plain_mkdocs_s"], 3)
        row["site_bytes_ratio"] = round(row["site_mb"] / row["plain_site_mb"], 3)
        row["site_files_ratio"] = round(row["site_files"] / row["plain_site_files"], 3)
        row["rss_ratio"] = round(row["check_peak_rss_mb"] / rows[0]["check_peak_rss_mb"], 3)
    last = rows[-2]
    sizes = ", ".join(f"{r['awards']:,}" for r in rows[:-1])
    figure = Figure(
        "curves",
        f"Whole pipeline at {sizes} awards and 1M extrapolated "
        "(check cold/warm, PR check, build, site bytes and files, peak memory)",
        "recorded (each point against its baseline)",
        value=last["check_warm_s"],
        unit=f"s (warm check at {last['awards']:,})",
        baseline=last["ed25519_s"],
        baseline_unit="s (Ed25519 alone, all cores)",
        ratio=last["check_warm_ratio"],
        status="curves",
        details={"rows": rows, "raw_verify_per_core": round(per_core, 1), "cores": cores},
    )
    figure.notes.append(
        "400 credentials, 40 issuers at every size; 1M extrapolated along the slope of the two largest sizes; "
        f"PR check: median of {PR_REPEATS}"
    )
    return figure
