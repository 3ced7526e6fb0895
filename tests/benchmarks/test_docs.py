"""docs/performance.md's tables are regenerated from the benchmark results, and only they."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from benchmarks import docs


def _results() -> dict[str, Any]:
    rows = [
        {"awards": n, "extrapolated": n == 1_000_000, "check_cold_s": n / 700, "check_warm_s": n / 3000,
         "ed25519_s": n / 21000, "pr_check_s": 1.5 + n / 1e6, "build_s": 20 + n / 5000, "plain_mkdocs_s": 18.0,
         "site_mb": 20 + n / 2000, "site_files": 3000 + n // 4, "plain_site_mb": 15.0, "plain_site_files": 900,
         "check_peak_rss_mb": 200 + n / 1000, "build_peak_rss_mb": 300.0}
        for n in (1_000, 10_000, 100_000, 1_000_000)
    ]  # fmt: skip
    for r in rows:
        r.update(check_cold_ratio=0.03, check_warm_ratio=0.14, pr_ratio=1.1, build_ratio=1.3,
                 site_bytes_ratio=2.0, site_files_ratio=4.0, rss_ratio=1.5)  # fmt: skip
    return {
        "generated": "2026-12-02T15:00:00Z",
        "quick": False,
        "seconds": 600,
        "machine": {
            "cores": 2,
            "cpu": "Test CPU",
            "memory_mb": 24000,
            "python": "3.11.7",
            "load_average_at_start": [1.0, 1.0, 1.0],
        },
        "figures": [
            {
                "name": "pr_check",
                "title": "PR check T",
                "goal": "≤ 3 s",
                "value": 2.24,
                "unit": "s",
                "baseline": 1.6,
                "baseline_unit": "s",
                "ratio": 1.4,
                "met": True,
                "status": "measured",
                "measured": "2026-12-01T10:00:00Z",
            },
            {
                "name": "site_build",
                "title": "Build T",
                "goal": "≤ 1.2",
                "value": None,
                "ratio": None,
                "met": None,
                "status": "pending: x",
            },
            {
                "name": "curves",
                "title": "Curves",
                "goal": "recorded",
                "ratio": 0.14,
                "met": None,
                "status": "curves",
                "details": {"rows": rows},
            },
        ],
    }


def test_the_page_s_blocks_are_rewritten_and_the_prose_kept() -> None:
    page = docs.PAGE.read_text(encoding="utf-8")
    out = docs.render(_results(), page)
    assert "| PR check T | 2.24 s | 1.6 s | **1.4** | ≤ 3 s | met | 2026-12-01 |" in out
    assert "| Build T | — | — | — | ≤ 1.2 | — (pending: x) | 2026-12-02 |" in out
    assert "**1M (extrapolated)**" in out
    assert "| Site files | 3,250 | 5,500 | 28,000 | 253,000 |" in out
    assert "2 cores of Test CPU" in out
    strip = re.compile(r"<!-- bench:(\w+) -->\n(?:.*?\n)?<!-- /bench:\1 -->", re.S)
    assert strip.sub("", out) == strip.sub("", page)  # nothing outside the markers changed
    assert docs.render(_results(), out) == out  # idempotent


def test_a_page_without_the_markers_is_an_error_not_a_silent_skip() -> None:
    with pytest.raises(ValueError, match="bench:figures"):
        docs.render(_results(), "# Performance\n\nNo markers here.\n")


def test_a_partial_run_keeps_the_pages_other_figures_in_place() -> None:
    # A clean clone has no results file (it is this machine's): `--only pr` regenerates the page from its one
    # figure, and the rows of the figures it did not measure must stay as the page had them, in their order.
    page = docs.PAGE.read_text(encoding="utf-8")
    block = re.search(r"<!-- bench:figures -->\n(.*?)<!-- /bench:figures -->", page, re.S)
    assert block is not None
    before = [r for r in block.group(1).splitlines() if r.startswith("| ") and not r.startswith("| Figure |")]
    pr_title = next(r for r in before if r.startswith("| PR check")).split(" | ")[0].removeprefix("| ")
    results = _results()
    results["figures"] = [{**results["figures"][0], "title": pr_title}, results["figures"][2]]
    results["only"] = ["pr"]
    out = docs.render(results, page)
    after = re.search(r"<!-- bench:figures -->\n(.*?)<!-- /bench:figures -->", out, re.S)
    assert after is not None
    rows = [r for r in after.group(1).splitlines() if r.startswith("| ") and not r.startswith("| Figure |")]
    assert len(rows) == len(before)
    for old, new in zip(before, rows, strict=True):
        if old.startswith(f"| {pr_title} |"):
            assert new == f"| {pr_title} | 2.24 s | 1.6 s | **1.4** | ≤ 3 s | met | 2026-12-01 |"
        else:
            assert new == old


def test_docs_only_without_results_says_so_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import __main__ as bench

    page = docs.PAGE.read_bytes()
    monkeypatch.setattr(bench, "RESULTS", tmp_path / "latest.json")
    assert bench.main(["--docs-only"]) == 2
    assert docs.PAGE.read_bytes() == page


def test_a_full_run_s_table_is_its_own() -> None:
    out = docs.render(_results(), docs.PAGE.read_text(encoding="utf-8"))
    block = re.search(r"<!-- bench:figures -->\n(.*?)<!-- /bench:figures -->", out, re.S)
    assert block is not None
    assert [r.split(" | ")[0] for r in block.group(1).splitlines()[2:]] == ["| PR check T", "| Build T"]
