"""Reading a log from another host (``credreg verify --log URL``): each file within one overall time limit, so that
a host that trickles its bytes cannot hold a verifier for as long as it likes."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from generator.transparency.log import LogError, LogSource


class _Trickle(BaseHTTPRequestHandler):
    """Answers every request with a body of 32 bytes, one byte at a time, ``gap`` seconds apart: each read well
    within a per-read timeout, the whole far beyond it."""

    gap = 0.1

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "32")
        self.end_headers()
        try:
            for _ in range(32):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(self.gap)
        except OSError:
            pass  # the reader gave up: what is being tested

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def _trickling() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/log/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_host_that_trickles_a_file_is_given_up_on_at_the_overall_limit() -> None:
    """The timeout was per read (urlopen's): a byte every 29 s of a 30 s limit kept a 4 MiB file coming for weeks.
    Here a byte every 0.1 s, 3.2 s in all, against a limit of 0.5 s for the whole file."""
    with _trickling() as url:
        source = LogSource(url, timeout=0.5)
        started = time.monotonic()
        with pytest.raises(LogError) as raised:
            source.read("checkpoint")
        took = time.monotonic() - started
    assert took < 2.0, took
    assert f"cannot fetch {url}checkpoint" in str(raised.value), raised.value
    assert "0.5 s" in str(raised.value), raised.value


def test_a_host_within_the_limit_is_read_whole() -> None:
    with _trickling() as url:
        assert LogSource(url, timeout=30).read("checkpoint") == b"x" * 32
