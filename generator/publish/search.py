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


class SearchIndexer:
    def __init__(self, records: list[SearchRecord], site_dir: Path) -> None:
        # In memory where possible: thousands of small files, read once by Pagefind, then deleted.
        self.source = scratch_folder("credreg-search-")
        for record in records:
            write_staged(self.source / record.url.strip("/") / "index.html", stand_in_page(record).encode())
        # -P: the current folder (the repository, in CI) is not searched first: a pagefind.py there would run.
        command = [sys.executable, "-P", "-m", "pagefind", "--site", str(self.source)]
        command += ["--output-path", str(site_dir / "pagefind"), "--force-language", "en", "--silent"]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def cancel(self) -> None:
        self.process.kill()
        self.process.communicate()
        shutil.rmtree(self.source, ignore_errors=True)

    def finish(self) -> None:
        """Wait for the index; raise if Pagefind failed."""
        try:
            output, _ = self.process.communicate()
        finally:
            shutil.rmtree(self.source, ignore_errors=True)
        if self.process.returncode != 0:
            raise CredregError("the search index could not be built", [output.strip()])
