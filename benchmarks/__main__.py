"""``make bench`` (``python -m benchmarks``): the scale figures of issue #6, each as a ratio against a baseline
measured in the same run, with the absolute numbers beside it.

Builds its own synthetic registries (``credreg demo``) under a temporary folder and reuses them between
figures; writes ``benchmarks/results/latest.json``. Not part of ``make test``: timings on a shared machine are
noisy, which is why every figure is a ratio against something measured at the same time.

Options: ``--only NAME`` (repeatable) runs some figures; ``--quick`` uses small registries (to try the harness,
not to quote); ``--keep DIR`` builds the registries in DIR and keeps them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import check, curves, docs, lookup, pr, rdfc, site, sitesize, tlog
from benchmarks._common import Figure, Workspace, compile_package, machine, write_json

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
#: Quick runs (small registries, not for quoting) keep their own file: they never replace full-size figures.
QUICK_RESULTS = RESULTS.with_name("quick.json")
FIGURES = ("check", "pr", "curves", "site", "size", "lookup", "rdfc", "log", "log-build")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _sizes(quick: bool) -> dict[str, int]:
    if quick:
        return {"large": 4_000, "medium": 1_500, "small": 300, "credentials": 300, "small_credentials": 100}
    return {"large": 100_000, "medium": 10_000, "small": 1_000, "credentials": 5_000, "small_credentials": 1_000}


def _format(figure: Figure) -> list[str]:
    if figure.ratio is None:
        return [f"{figure.title}", f"    {figure.status}; goal {figure.goal}"]
    mark = {True: "met", False: "NOT met", None: "?"}[figure.met]
    return [
        f"{figure.title}",
        f"    ratio {figure.ratio:g}  (goal {figure.goal}: {mark})   "
        f"{figure.value:g} {figure.unit}  vs  {figure.baseline:g} {figure.baseline_unit}"
        + (f"   [{figure.status}]" if figure.status != "measured" else ""),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=FIGURES, help="run only these figures")
    parser.add_argument("--quick", action="store_true", help="small registries: try the harness, do not quote")
    parser.add_argument("--keep", metavar="DIR", help="build the registries here and keep them")
    parser.add_argument(
        "--docs-only", action="store_true", help="measure nothing: regenerate docs/performance.md from the results"
    )
    args = parser.parse_args(argv)
    if args.docs_only:
        try:
            results = json.loads(RESULTS.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            # The results are this machine's (not committed): a clean clone has none to regenerate from.
            print(
                f"python -m benchmarks: no results to regenerate from ({RESULTS}: {exc}); run make bench",
                file=sys.stderr,
            )
            return 2
        docs.regenerate(results)
        print(f"regenerated {docs.PAGE}")
        return 0
    wanted = args.only or list(FIGURES)
    sizes = _sizes(args.quick)
    started = time.perf_counter()
    info = machine()
    _log(f"credreg benchmarks on {info['cpu']} ({info['cores']} cores), load {info['load_average_at_start']}")
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="credreg-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    ws = Workspace(root, log=_log)
    if not compile_package():
        _log("  the package's bytecode did not all compile: timed runs compile what is missing")
    steps: dict[str, Callable[[], list[Figure]]] = {
        "rdfc": lambda: [rdfc.measure(ws, registry_awards=sizes["medium"])],
        "check": lambda: list(check.measure(ws, large=sizes["large"], medium=sizes["medium"], cores=info["cores"])),
        "pr": lambda: [pr.measure(ws, large=sizes["large"], small=sizes["small"])],
        "lookup": lambda: [lookup.measure(ws, awards=sizes["medium"])],
        "log": lambda: tlog.measure(ws, size=100_000 if args.quick else tlog.MILLION),
        "log-build": lambda: [tlog.measure_build(ws, name="large", awards=sizes["large"])],
        "curves": lambda: [
            curves.measure(ws, points=[(n, sizes[n]) for n in ("small", "medium", "large")], cores=info["cores"])
        ],
        "site": lambda: [
            site.measure(ws, credentials=sizes["credentials"], small_credentials=sizes["small_credentials"])
        ],
        "size": lambda: [sitesize.measure(ws, awards=sizes["medium"], credentials=sizes["credentials"])],
    }
    figures: list[Figure] = []
    failures: dict[str, str] = {}
    timings: dict[str, float] = {}
    try:
        # rdfc first (it makes the 10k registry the others reuse), the slow site build last (size reuses it).
        for name in ("rdfc", "check", "pr", "curves", "lookup", "log", "log-build", "site", "size"):
            if name not in wanted:
                continue
            mark = time.perf_counter()
            try:
                figures.extend(steps[name]())
            except Exception as exc:  # one figure failing must not lose the others
                failures[name] = "".join(traceback.format_exception_only(exc)).strip()
                _log(f"  {name} FAILED: {failures[name]}")
                traceback.print_exc(file=sys.stderr)
            timings[name] = round(time.perf_counter() - mark, 1)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    whole = tlog.combined(figures)
    if whole is not None:
        figures.append(whole)
    total = time.perf_counter() - started
    print()
    print(f"credreg scale figures ({'QUICK, not for quoting' if args.quick else 'full size'}), {total / 60:.1f} min")
    for figure in figures:
        print("\n".join(_format(figure)))
    for name, error in failures.items():
        print(f"{name}: FAILED: {error}")
    fresh = [{**f.as_dict(), "measured": now} for f in figures]
    result = {
        "generated": now,
        "quick": args.quick,
        "sizes": sizes,
        "machine": info,
        "seconds": round(total, 1),
        "seconds_per_figure": timings,
        "figures": _merged(fresh, args.quick) if args.only else fresh,
        "only": args.only or [],
        "failures": failures,
    }
    target = QUICK_RESULTS if args.quick else RESULTS
    write_json(target, result)
    print(f"\nwritten to {target.relative_to(Path.cwd()) if target.is_relative_to(Path.cwd()) else target}")
    if not args.quick:  # the figures page quotes full-size runs only
        docs.regenerate(result)
        print(f"regenerated the tables of {docs.PAGE}")
    return 1 if failures else 0


def _merged(fresh: list[dict[str, Any]], quick: bool) -> list[dict[str, Any]]:
    """A partial run (``--only``) replaces its own figures in the last results and keeps the others, each
    with the date it was measured (a quick run never mixes with full-size figures)."""
    try:
        previous = json.loads((QUICK_RESULTS if quick else RESULTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return fresh
    new = {f["name"]: f for f in fresh}
    merged = []
    for entry in previous.get("figures", []):  # the page keeps its order: a re-measured row stays in place
        entry.setdefault("measured", previous.get("generated", "?"))
        merged.append(new.pop(entry.get("name"), entry))
    return merged + list(new.values())


if __name__ == "__main__":
    sys.exit(main())
