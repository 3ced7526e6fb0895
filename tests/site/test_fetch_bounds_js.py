"""Every file the page's scripts read of the registry is read within one bound (sitedata.js fetchBounded: 16 MiB,
30 s): the endorsement badges of the credential, endorser and compare pages too (endorsements.js
publishedVerdict), which read their file with a fetch of their own, to its end however long it was."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.site.node_runner import NODE, NodeRunner

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
import { createInterface } from "node:readline";
import { publishedVerdict } from "./verify/endorsements.js";

for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  const verdict = await publishedVerdict("0".repeat(64), req.file, req.base);
  process.stdout.write(JSON.stringify({ state: verdict.state, reason: verdict.reason ?? null }) + "\n");
}
"""

#: Bytes each endless answer wrote before its reader stopped.
_written: list[int] = []


class _Host(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.endswith("/endless.json"):  # 200, no length, bytes for ever (at most 256 MiB)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            _written.append(0)
            with contextlib.suppress(OSError):
                for _ in range(4096):
                    self.wfile.write(b" " * (64 * 1024))
                    _written[-1] += 64 * 1024
                    time.sleep(0.001)
            return
        self.send_response(403 if self.path.endswith("/denied.json") else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Host)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/endorsers/body/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeRunner]:
    runner = NodeRunner(tmp_path_factory.mktemp("fetch-bounds-js"), RUNNER)
    yield runner
    runner.close()


def test_an_endless_endorsement_file_is_read_no_further_than_the_bound(node: NodeRunner, base: str) -> None:
    reply = node.ask(file="endorsements/endless.json", base=base)
    assert reply["state"] == "unknown"
    assert "larger than 16777216 bytes" in reply["reason"], reply
    assert _written[-1] < 32 * 1024 * 1024  # stopped at the bound, not at the host's end


@pytest.mark.parametrize(("file", "said"), [("missing.json", "HTTP 404"), ("denied.json", "HTTP 403")])
def test_an_endorsement_file_not_served_is_unknown_and_says_why(
    node: NodeRunner, base: str, file: str, said: str
) -> None:
    reply = node.ask(file=f"endorsements/{file}", base=base)
    assert reply == {"state": "unknown", "reason": f"could not load /endorsers/body/endorsements/{file}: {said}"}
