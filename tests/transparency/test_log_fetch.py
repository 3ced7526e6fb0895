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
def _serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A local log host answering every request with ``handler``: its ``log/`` address, while it serves."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/log/"
    finally:
        server.shutdown()
        server.server_close()


def _trickling() -> contextlib.AbstractContextManager[str]:
    return _serving(_Trickle)


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


class _Slow(BaseHTTPRequestHandler):
    """Each path a way to hold a reader past the file's limit with every read of the socket well within it: the
    response's headers trickled, a chunked body whose size line is trickled (all within one read of the body),
    and a chain of redirects, each answered at once but only after a pause."""

    gap = 0.1

    def _trickle(self, data: bytes) -> None:
        for byte in data:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(self.gap)

    def do_GET(self) -> None:
        try:
            if self.path.endswith("/headers"):
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                self._trickle(b"X-Slow: " + b"a" * 30 + b"\r\nContent-Length: 1\r\n\r\nx")
            elif self.path.endswith("/chunked"):
                self.wfile.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                self._trickle(b"1" + b" " * 30 + b"\r\nx\r\n0\r\n\r\n")
            else:  # /hop/N: a redirect to the next, after a pause within a per-read limit
                hop = int(self.path.rsplit("/", 1)[1])
                time.sleep(0.3)
                self.send_response(302)
                self.send_header("Location", f"/log/hop/{hop + 1}")
                self.send_header("Content-Length", "0")
                self.end_headers()
        except OSError:
            pass  # the reader gave up: what is being tested

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize("rel", ["headers", "chunked", "hop/0"])
def test_no_part_of_an_answer_outlasts_the_file_limit(rel: str) -> None:
    """The limit covered the body's reads only: the headers (urlopen's reading, each read within the limit), a
    chunked body's size line (one read of the body, many of the socket) and redirects (each a new connection)
    held a verifier for as long as the host liked. Here each takes 3 s or more against a limit of 0.5 s."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/log/"
    try:
        started = time.monotonic()
        with pytest.raises(LogError) as raised:
            LogSource(url, timeout=0.5).read(rel)
        took = time.monotonic() - started
    finally:
        server.shutdown()
        server.server_close()
    assert took < 1.5, took
    assert f"cannot fetch {url}{rel}" in str(raised.value), raised.value
    assert "0.5 s" in str(raised.value), raised.value


def test_a_connection_timing_out_at_the_deadline_reads_as_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each connection is given no more than what is left of the deadline, so its own timeout fires at the deadline
    too; when it fires before the deadline's timer thread has run (a loaded machine: the run's two clocks race), the
    error was the socket's bare "timed out", not the limit the verifier set. The timer is made late here."""
    import generator.transparency.log as log_module

    real = threading.Timer

    def late(interval: float, function: object) -> threading.Timer:
        return real(interval + 2.0, function)  # type: ignore[arg-type]

    monkeypatch.setattr(log_module.threading, "Timer", late)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/log/"
    try:
        with pytest.raises(LogError) as raised:
            LogSource(url, timeout=0.5).read("hop/0")
    finally:
        server.shutdown()
        server.server_close()
    assert f"cannot fetch {url}hop/0: not served whole within 0.5 s" in str(raised.value), raised.value


class _Encoded(BaseHTTPRequestHandler):
    """Each path a body with a Content-Encoding, as a data host may send it whatever the client asked (an S3 object's
    metadata): what a browser undoes before the verification page reads the file (sitedata.js fetchBounded)."""

    def do_GET(self) -> None:
        import gzip
        import zlib

        from generator.transparency.log import MAX_FILE

        file = b"tile bytes " * 100
        answers = {
            "/log/gzip": ("gzip", gzip.compress(file)),
            "/log/x-gzip": ("x-gzip", gzip.compress(file)),
            "/log/deflate": ("deflate", zlib.compress(file)),
            "/log/identity": ("identity", file),
            "/log/cut": ("gzip", gzip.compress(file)[:-12]),
            "/log/not-gzip": ("gzip", file),
            "/log/bomb": ("gzip", gzip.compress(bytes(64 * MAX_FILE), 9)),
            "/log/br": ("br", file),
            "/log/twice": ("gzip, gzip", gzip.compress(gzip.compress(file))),
        }
        coding, body = answers[self.path]
        self.send_response(200)
        self.send_header("Content-Encoding", coding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def _encoding() -> contextlib.AbstractContextManager[str]:
    return _serving(_Encoded)


@pytest.mark.parametrize("rel", ["gzip", "x-gzip", "deflate", "identity"])
def test_a_file_is_read_with_its_content_encoding_undone_as_a_browser_reads_it(rel: str) -> None:
    """The page reads what the browser hands it, the encoding undone; credreg read the encoded bytes as the file
    (tests/browser/test_hostile_data_host.py holds the two readings equal on one host)."""
    with _encoding() as url:
        assert LogSource(url).read(rel) == b"tile bytes " * 100


@pytest.mark.parametrize(
    ("rel", "said"),
    [
        ("cut", "ends before its end"),
        ("not-gzip", "is not gzip as its Content-Encoding says"),
        ("bomb", "larger than any log file can be"),
        ("br", "Content-Encoding br, which credreg does not undo"),
        ("twice", "Content-Encoding gzip, gzip, which credreg does not undo"),
    ],
)
def test_an_encoding_that_cannot_be_undone_whole_within_the_bound_is_an_error(rel: str, said: str) -> None:
    with _encoding() as url, pytest.raises(LogError) as raised:
        LogSource(url).read(rel)
    assert said in str(raised.value), raised.value
    assert f"{url}{rel}" in str(raised.value), raised.value


class _Redirecting(BaseHTTPRequestHandler):
    """``/log/here`` redirects to a file of the same host, ``/log/away`` to the same file on another host (``away``,
    set per test): a data host sending its reader elsewhere."""

    away = ""

    def do_GET(self) -> None:
        if self.path in ("/log/here", "/log/away"):
            target = "/log/file" if self.path == "/log/here" else f"{self.away}log/file"
            self.send_response(302)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"file")

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_redirect_is_followed_on_its_host_only_as_the_page_follows_it() -> None:
    """The page's Content-Security-Policy lets it read the site and the data host only, each hop of a redirect
    checked: a redirect to another host is an error there, and credreg followed it (anywhere, https to http too)."""
    with _encoding() as elsewhere:
        away = elsewhere.removesuffix("log/")
        server = ThreadingHTTPServer(("127.0.0.1", 0), type("R", (_Redirecting,), {"away": away}))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/log/"
            assert LogSource(url).read("here") == b"file"
            with pytest.raises(LogError) as raised:
                LogSource(url).read("away")
            assert f"{url}away redirects to {away}log/file, another origin" in str(raised.value), raised.value
        finally:
            server.shutdown()
            server.server_close()


class _Headers(BaseHTTPRequestHandler):
    """Answers every request with an empty file, and keeps the headers it was asked with."""

    asked: list[dict[str, str]] = []

    def do_GET(self) -> None:
        self.asked.append(dict(self.headers.items()))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_every_file_is_asked_for_as_the_host_has_it_now_not_as_a_cache_kept_it() -> None:
    """As the page asks (sitedata.js REVALIDATE): a cache between credreg and the host (a proxy, a CDN that honours
    the request's directives) revalidates with the host before answering, so a checkpoint, a status list or a shard
    published since it stored its copy is what credreg verify reads (docs/hosting.md "How fresh a verdict is")."""
    _Headers.asked.clear()
    with _serving(_Headers) as url:
        LogSource(url).read("checkpoint")
    assert [asked.get("Cache-Control") for asked in _Headers.asked] == ["no-cache"], _Headers.asked
