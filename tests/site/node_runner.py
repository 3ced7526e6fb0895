"""The page's own JavaScript modules in one Node.js process, asked one JSON line at a time: the harness every
differential test of the page shares (each test module brings its own runner script)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import REPO

ASSETS = REPO / "generator" / "site" / "assets" / "verify"
NODE = shutil.which("node")


class NodeRunner:
    """``runner``: an ES module that reads one JSON request per line on stdin and writes one JSON reply per line;
    it runs beside a copy of the page's modules (``./verify/``), with ``args`` on its command line."""

    def __init__(self, workdir: Path, runner: str, *args: str) -> None:
        shutil.copytree(ASSETS, workdir / "verify")
        (workdir / "package.json").write_text('{"type": "module"}\n')
        (workdir / "runner.js").write_text(runner)
        assert NODE is not None
        self.proc = subprocess.Popen(
            [NODE, "runner.js", *args], cwd=workdir, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )

    def error_of(self, reply: dict[str, Any]) -> str | None:
        """The runner's own failure (an exception it caught) in a reply, as opposed to an answer."""
        return str(reply.get("error")) if reply.get("kind") == "error" else None

    def ask(self, **request: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        assert self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        reply: dict[str, Any] = json.loads(self.proc.stdout.readline())
        error = self.error_of(reply)
        assert error is None, error
        return reply

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
