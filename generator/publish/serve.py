"""``credreg serve``: build, serve the site on localhost, and rebuild when the registry or the site sources change.

The server always serves the last good build: builds replace the folder whole, and a failed one (a registry
with errors while it is being edited) is reported and leaves the served site as it was.
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from generator._internal.files import resolved
from generator.errors import CredregError
from generator.publish.build import TOOLKIT_ROOT, build_site
from generator.report import explained

__all__ = ["serve", "snapshot"]

POLL_SECONDS = 1.0


def _watched(root: Path) -> list[Path]:
    return [root / "registry", root / "keys", root / "docs", root / "mkdocs.yml", TOOLKIT_ROOT / "generator"]


def snapshot(paths: list[Path]) -> dict[str, float]:
    """Modification times of every file under ``paths`` (cheap at registry scale; no watcher dependency)."""
    seen: dict[str, float] = {}
    for base in paths:
        candidates = [base] if base.is_file() else (base.rglob("*") if base.is_dir() else [])
        for path in candidates:
            if path.is_file() and "__pycache__" not in path.parts:
                seen[str(path)] = path.stat().st_mtime
    return seen


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _build(root: Path, out: Path) -> None:
    started = time.perf_counter()
    try:
        result = build_site(root, out, preview=True)  # a local look at one's changes, committed or not
    except CredregError as exc:
        # The message quotes the registry's words (a folder's name, a field's value): printed, not obeyed.
        print(
            f"credreg serve: build failed, still serving the previous site\n{explained(exc)}",
            file=sys.stderr,
        )
        return
    print(f"credreg serve: built {result.pages} pages in {time.perf_counter() - started:.1f}s", file=sys.stderr)


def serve(root: Path, out: Path, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    out = resolved(out)
    _build(root, out)
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"credreg serve: http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)", file=sys.stderr)
    watched = _watched(root)
    state = snapshot(watched)
    try:
        while True:
            time.sleep(POLL_SECONDS)
            current = snapshot(watched)
            if current != state:
                state = current
                _build(root, out)
    finally:
        server.shutdown()
