"""What every figure needs: a workspace of synthetic registries built once per run, timed subprocesses with the
peak memory of their whole process tree, and the machine's description."""

from __future__ import annotations

import compileall
import contextlib
import dataclasses
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import layout
from generator.demo import DemoResult, write_demo
from generator.schema import write_schemas

PYTHON = sys.executable
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Figure:
    """One row of the table: a measured value, its baseline measured in the same run, and the goal."""

    name: str
    title: str
    goal: str
    value: float | None = None
    baseline: float | None = None
    ratio: float | None = None
    unit: str = ""
    baseline_unit: str = ""
    met: bool | None = None
    status: str = "measured"
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "goal": self.goal,
            "value": self.value,
            "unit": self.unit,
            "baseline": self.baseline,
            "baseline_unit": self.baseline_unit,
            "ratio": self.ratio,
            "met": self.met,
            "status": self.status,
            "details": self.details,
            "notes": self.notes,
        }


class Workspace:
    """Synthetic registries under one temporary folder, each made once and reused by every figure."""

    def __init__(self, root: Path, *, log: Callable[[str], None]) -> None:
        self.root = root
        self.log = log
        self._made: dict[str, DemoResult] = {}
        self.runs: dict[tuple[str, str], Run] = {}
        """Runs one figure made that another reuses (``("check-cold", "large")``…), so none is run twice."""

    def registry(self, name: str, *, issuers: int, credentials: int, awards: int) -> DemoResult:
        record = self.root / f"{name}.demo.json"
        wanted = {"issuers": issuers, "credentials": credentials, "awards": awards}
        if name not in self._made and record.is_file():
            saved = json.loads(record.read_text())
            if saved["wanted"] == wanted and (self.root / name).is_dir():  # kept from an earlier run (--keep)
                fields: dict[str, Any] = dict(saved["made"])
                fields.update(root=Path(fields["root"]), key_dir=Path(fields["key_dir"]))
                self._made[name] = DemoResult(**fields)
                self.log(f"  reusing the {name} registry made earlier in {self.root}")
                _current_schemas(self.root / name)
        if name not in self._made:
            self.log(f"  making the {name} registry ({issuers} issuers, {credentials} credentials, {awards} awards)…")
            made = write_demo(
                self.root / name,
                issuers=issuers,
                credentials=credentials,
                awards=awards,
                key_dir=self.root / f"{name}-keys",
                show_progress=False,
            )
            self.log(f"    done in {made.seconds:.0f} s ({awards / max(made.seconds, 1e-9):,.0f} awards/s)")
            self._made[name] = made
            made_fields = {k: str(v) if isinstance(v, Path) else v for k, v in dataclasses.asdict(made).items()}
            write_json(record, {"wanted": wanted, "made": made_fields})
        return self._made[name]


def _current_schemas(root: Path) -> None:
    """Give a registry kept from an earlier run the schemas of this code: their check refuses stale ones. A
    registry committed to Git (the pull-request figure's) gets them in a commit, so its base has them too."""
    if write_schemas(root / layout.SCHEMAS_DIR) and (root / ".git").exists():
        subprocess.run(
            ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org", "commit", "-qam", "schemas"],
            cwd=root,
            check=True,
        )


@dataclass(frozen=True, slots=True)
class Run:
    """A finished subprocess: wall time, CPU time of the tree, and peak memory of the tree."""

    seconds: float
    returncode: int
    stdout: str
    stderr: str
    peak_rss_mb: float
    """Peak of the summed resident set sizes of the process and its descendants (counts shared pages twice)."""

    peak_pss_mb: float
    """Peak of the summed proportional set sizes (shared pages divided among the processes sharing them)."""

    peak_main_rss_mb: float
    cpu_seconds: float
    disk_read_mb: float = 0.0
    """What the process tree read from the disk rather than the page cache (its block input): a "warm" run that
    reads much is timing the disk, not the code."""


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{tid}/children").read_text()
        except OSError:
            continue
        out.extend(int(c) for c in text.split())
    return out


def _memory_kb(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return rss, pss


def run(
    args: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, interval: float = 0.2
) -> Run:
    """Run a command, sampling the memory of its process tree every ``interval`` seconds."""
    start = time.perf_counter()
    before = os.times()
    blocks_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_inblock
    proc = subprocess.Popen(
        list(args),
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peaks = [0, 0, 0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pids, frontier = [proc.pid], [proc.pid]
            while frontier:
                frontier = [c for p in frontier for c in _children(p)]
                pids.extend(frontier)
            rss_total = pss_total = 0
            for i, pid in enumerate(pids):
                rss, pss = _memory_kb(pid)
                rss_total += rss
                pss_total += pss
                if i == 0:
                    peaks[2] = max(peaks[2], rss)
            peaks[0] = max(peaks[0], rss_total)
            peaks[1] = max(peaks[1], pss_total)
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    done.set()
    sampler.join()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    blocks = resource.getrusage(resource.RUSAGE_CHILDREN).ru_inblock - blocks_before  # 512-byte units
    return Run(
        time.perf_counter() - start,
        proc.returncode,
        stdout,
        stderr,
        peaks[0] / 1024,
        peaks[1] / 1024,
        peaks[2] / 1024,
        cpu,
        blocks * 512 / 2**20,
    )


def read_through(*folders: Path) -> None:
    """Read every file under ``folders`` once, so that a run that follows finds them in the page cache, as a check
    right after a checkout does. This machine's kernel pages out what it has not touched for about a minute
    (DAMON reclaim), so a warm check after a long cold one would otherwise read part of its registry from disk."""
    for folder in folders:
        for path in folder.rglob("*"):
            with contextlib.suppress(OSError):
                if path.is_file() and not path.is_symlink():
                    with path.open("rb") as handle:
                        while handle.read(1 << 20):
                            pass


def compile_package() -> bool:
    """Compile the package's bytecode before any run is timed, as an installed credreg has it (pip compiles what it
    installs). A development checkout installed editable compiles each module on first import and keeps the
    result, unless ``PYTHONDONTWRITEBYTECODE`` is set (as on the machines these figures come from): every timed
    process then compiled the whole package again, about 0.3 s that no user's run pays (a pull request's check in
    CI pays it once, on its fresh clone). Existing bytecode is read whatever that variable says. Returns whether
    every module compiled."""
    return bool(compileall.compile_dir(REPO / "generator", quiet=1))


def credreg(root: Path, *args: str, env: dict[str, str] | None = None, interval: float = 0.2) -> Run:
    """``python -m generator --root ROOT ARGS…`` in a fresh process, as a user runs it."""
    return run([PYTHON, "-m", "generator", "--root", str(root), *args], cwd=REPO, env=env, interval=interval)


def require_ok(result: Run, what: str) -> None:
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-15:]
        raise RuntimeError(f"{what} failed (exit {result.returncode}):\n" + "\n".join(tail))


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cpu": model,
        "cores": len(os.sched_getaffinity(0)),
        "memory_mb": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in load],
        "dont_write_bytecode": bool(os.environ.get("PYTHONDONTWRITEBYTECODE")),
    }


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
