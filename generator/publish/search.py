"""The catalog's search index: Pagefind over one small page per credential.

Pagefind splits its index into chunks, so a query downloads only the chunks its words fall in, and its filters
give the catalog's facet counts. It indexes stand-in pages holding only what the index needs (text, facet
values, the card, the sort key), not the site's full pages: about a tenth of the bytes to parse. The CLI runs
in the background while mkdocs writes the site; :meth:`SearchIndexer.finish` waits for it. (Pagefind's Python
service API answers at most ten requests a second, which is minutes for thousands of credentials.)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from generator._internal.files import scratch_folder, write_staged
from generator._internal.signals import HELD_OFF, held_off
from generator.errors import CredregError
from generator.render.html import esc
from generator.render.search import SearchRecord

__all__ = ["SearchIndexer", "stand_in_page"]


def stand_in_page(record: SearchRecord) -> str:
    """The page Pagefind reads for one credential. Filters, card and sort key sit in an ignored element, so
    they are captured but not indexed as text. The name weighs most (Pagefind's maximum, 10): a query that
    names a credential finds it first, before credentials that merely mention the words."""
    hidden = [f'<span data-pagefind-filter="{esc(k)}">{esc(v)}</span>' for k, vs in record.filters.items() for v in vs]
    hidden += [f'<span data-pagefind-meta="{esc(k)}">{esc(v)}</span>' for k, v in record.meta.items()]
    hidden += [f'<span data-pagefind-sort="{esc(k)}">{esc(v)}</span>' for k, v in record.sort.items()]
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{esc(record.meta["title"])}</title></head>'
        f'<body><main data-pagefind-body><h1 data-pagefind-weight="10">{esc(record.meta["title"])}</h1>'
        f"<p>{esc(record.content)}</p>"
        f"<div data-pagefind-ignore>{''.join(hidden)}</div></main></body></html>"
    )


#: Run as ``python -c`` in place of ``python -m pagefind``: the indexer starts while signals are held off
#: (:func:`~generator._internal.signals.held_off`), and a process inherits that, so it takes them again first.
_PAGEFIND = (
    "import runpy, signal; "
    f"signal.pthread_sigmask(signal.SIG_UNBLOCK, {sorted(int(s) for s in HELD_OFF)}); "
    "runpy.run_module('pagefind', run_name='__main__', alter_sys=True)"
)


class SearchIndexer:
    """Pagefind, run over stand-in pages into ``<site_dir>/pagefind``: :meth:`start` it, then :meth:`finish` or
    :meth:`cancel` it. Each thing it makes (the stand-in pages' folder, the process) is recorded as it is made, an
    interruption's included, so that :meth:`cancel` always finds it: an indexer no one knew of wrote on into the
    site's staging folder after the build was interrupted, and made it again once it had been deleted."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self.source: Path | None = None
        self.process: subprocess.Popen[str] | None = None

    def start(self, records: list[SearchRecord]) -> None:
        with held_off():
            # In memory where possible: thousands of small files, read once by Pagefind, then deleted.
            self.source = scratch_folder("credreg-search-")
        for record in records:
            write_staged(self.source / record.url.strip("/") / "index.html", stand_in_page(record).encode())
        # -P: the current folder (the repository, in CI) is not searched first: a pagefind.py there would run.
        command = [sys.executable, "-P", "-c", _PAGEFIND, "--site", str(self.source)]
        command += ["--output-path", str(self.site_dir / "pagefind"), "--force-language", "en", "--silent"]
        with held_off():
            self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def cancel(self) -> None:
        """Stop the indexer: it writes nothing more once this returns."""
        if self.process is not None and self.process.returncode is None:  # not waited for already
            self.process.kill()
            self.process.communicate()
        if self.source is not None:
            shutil.rmtree(self.source, ignore_errors=True)

    def finish(self) -> None:
        """Wait for the index; raise if Pagefind failed."""
        assert self.process is not None, "finish() before start()"
        try:
            output, _ = self.process.communicate()
        finally:
            if self.source is not None:
                shutil.rmtree(self.source, ignore_errors=True)
        if self.process.returncode != 0:
            raise CredregError("the search index could not be built", [output.strip()])
