"""docs/performance.md's tables, regenerated from ``benchmarks/results/latest.json`` by ``make bench``.

Only the blocks between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` are rewritten (``figures``: one row
per figure with its baseline and ratio; ``curves``: the whole pipeline at each size; ``machine``: what ran it);
the prose around them is written by hand and refers to them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

PAGE = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}" if abs(value) < 10 else f"{value:,.1f}"
    return f"{text} {unit}".strip()


_HEAD = ("| Figure | Measured | Baseline (same run) | Ratio | Goal | | Run |", "|---|---|---|---|---|---|---|")


def _title(row: str) -> str:
    return row.split(" | ", 1)[0].removeprefix("| ").strip()


def figures_table(results: dict[str, Any], previous: str = "") -> str:
    """One row per figure of ``results``; ``previous``: the block as the page has it, whose rows of figures
    these results do not hold are kept where they were, with their own run's date (a partial run on a machine
    without the last results file must not drop the other figures from the page)."""
    fresh = dict(_figure_rows(results))
    kept = [_title(r) for r in previous.splitlines() if r.startswith("| ") and r not in _HEAD]
    lines = list(_HEAD)
    for title in kept:
        lines.append(
            fresh.pop(title) if title in fresh else next(r for r in previous.splitlines() if _title(r) == title)
        )
    lines.extend(fresh.values())
    return "\n".join(lines)


def _figure_rows(results: dict[str, Any]) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    for figure in results["figures"]:
        if figure.get("status") == "curves":
            continue
        mark = {True: "met", False: "**not met**", None: "—"}[figure.get("met")]
        if figure.get("status") not in ("measured", "curves", None):
            mark += f" ({figure['status']})"
        ratio = figure.get("ratio")
        lines.append(
            (
                figure["title"],
                f"| {figure['title']} | {_number(figure.get('value'), figure.get('unit', ''))} "
                f"| {_number(figure.get('baseline'), figure.get('baseline_unit', ''))} "
                f"| **{ratio:g}** | {figure['goal']} | {mark} | {figure.get('measured', results['generated'])[:10]} |"
                if ratio is not None
                else f"| {figure['title']} | — | — | — | {figure['goal']} | {mark} | "
                f"{figure.get('measured', results['generated'])[:10]} |",
            )
        )
    return lines


def curves_table(results: dict[str, Any]) -> str | None:
    curve = next((f for f in results["figures"] if f.get("status") == "curves"), None)
    if curve is None:
        return None
    rows = curve["details"]["rows"]
    head = "| | " + " | ".join(("**1M (extrapolated)**" if r["extrapolated"] else f"**{r['awards']:,}**") for r in rows)
    lines = [head + " |", "|---" * (len(rows) + 1) + "|"]

    def row(label: str, cell: Any) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(r) for r in rows) + " |")

    row("Full check, cold (s)", lambda r: f"{r['check_cold_s']:,.1f}")
    row("Full check, warm cache (s)", lambda r: f"{r['check_warm_s']:,.1f}")
    row("… baseline: Ed25519 alone, all cores (s)", lambda r: f"{r['ed25519_s']:,.2f}")
    row(
        "… ratio cold / warm (share of Ed25519 speed)",
        lambda r: f"{r['check_cold_ratio']:g} / {r['check_warm_ratio']:g}",
    )
    row("PR check, 1 new award (s)", lambda r: f"{r['pr_check_s']:,.2f}")
    row("… ratio to the smallest registry", lambda r: f"{r['pr_ratio']:g}")
    row("Site build (s)", lambda r: f"{r['build_s']:,.1f}")
    row("… baseline: plain mkdocs-material, same pages (s)", lambda r: f"{r['plain_mkdocs_s']:,.1f}")
    row("… ratio", lambda r: f"{r['build_ratio']:g}")
    row("Site size (MB)", lambda r: f"{r['site_mb']:,.1f}")
    row("Site files", lambda r: f"{r['site_files']:,}")
    row(
        "… baseline: plain site, same pages (MB / files)",
        lambda r: f"{r['plain_site_mb']:,.1f} / {r['plain_site_files']:,}",
    )
    row("… ratio bytes / files", lambda r: f"{r['site_bytes_ratio']:g} / {r['site_files_ratio']:g}")
    row("Peak memory of the check (MB, process tree)", lambda r: f"{r['check_peak_rss_mb']:,.0f}")
    row("… ratio to the smallest registry", lambda r: f"{r['rss_ratio']:g}")
    row("Peak memory of the build (MB)", lambda r: f"{r['build_peak_rss_mb']:,.0f}")
    return "\n".join(lines)


def machine_text(results: dict[str, Any]) -> str:
    m = results["machine"]
    quick = ", QUICK sizes" if results["quick"] else ""
    only = results.get("only") or []
    what = f"Last run, of {', '.join(only)} only (the other rows keep their own run's date)" if only else "Run"
    return (
        f"{what}: {results['generated']} ({results['seconds'] / 60:.1f} minutes{quick}): "
        f"{m['cores']} cores of {m['cpu'] or 'an unknown CPU'}, {m['memory_mb'] / 1024:.0f} GB, Python {m['python']}, "
        f"load average {m['load_average_at_start'][0]} at the start."
    )


def _block(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- bench:{name} -->\n)((?:.*?\n)?)(<!-- /bench:{name} -->)", re.S)


def _replace(text: str, name: str, body: str) -> str:
    pattern = _block(name)
    if not pattern.search(text):
        raise ValueError(f"{PAGE.name} has no <!-- bench:{name} --> … <!-- /bench:{name} --> block")
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(3), text)


def render(results: dict[str, Any], text: str) -> str:
    # Only a partial run (--only) keeps rows it did not measure; a full run's table is its own, whole.
    found = _block("figures").search(text) if results.get("only") else None
    text = _replace(text, "figures", figures_table(results, found.group(2) if found else ""))
    curves = curves_table(results)
    if curves is not None:
        text = _replace(text, "curves", curves)
    return _replace(text, "machine", machine_text(results))


def regenerate(results: dict[str, Any], page: Path = PAGE) -> None:
    page.write_text(render(results, page.read_text(encoding="utf-8")), encoding="utf-8")
