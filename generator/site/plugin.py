"""The ``credreg`` mkdocs plugin: takes the site name and URL from governance, writes the data files, adds the
generated pages (outside the navigation tree) and the site's static assets.

:func:`generator.publish.build.build_site` hands the plugin an already validated registry. Run by plain
``mkdocs build`` or ``mkdocs serve``, the plugin loads and validates the registry itself (option ``root``).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Callable, Mapping
from html import escape
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from markupsafe import Markup
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import CountHandler, clean_directory

from generator import layout
from generator._internal.files import Claimed, claim_folder, write_json_staged
from generator._internal.jobs import Background
from generator.errors import Location, Problem, ProblemsFound
from generator.guide import expand_markers
from generator.publish.search import SearchIndexer
from generator.publish.site import PreparedSite, Vetted, load_for_build, prepare_site
from generator.registry import Registry
from generator.render.page import PageSpec
from generator.site import ASSETS_DIR, VERIFY_FRAGMENT
from generator.site.frames import Frame, FrameKey, canonical_url, frame_key, frameable, write_pages
from generator.verify.registry_check import AwardIndex

__all__ = ["CredregPlugin"]

#: The site's Content-Security-Policy (a meta tag on every page). No inline script or style anywhere: Material's
#: inline bootstrap is moved to a file (overrides/partials/javascripts/). ``'wasm-unsafe-eval'`` lets Pagefind
#: compile its WebAssembly search; images may also be ``data:`` and ``blob:`` (the verification page shows the
#: badge image an award carries and previews dropped files); everything else is this origin only. Nothing from
#: another server: an issuer's https logo or badge image is shown as the site's own stand-in
#: (:func:`generator.render.credential.site_image`), so no issuer learns who reads the registry.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

#: Generated pages listed in mkdocs.yml's nav; all others stay out of it (the nav is rendered into every page).
NAV_PAGES = {"", "catalog/", "skills/", "issuers/", "verify/"}


def page_csp(data_url: str | None) -> str:
    """Every page's Content-Security-Policy: :data:`CSP`, with ``connect-src`` allowing the origin of the
    verification data's address, if the registry gives one (the page fetches the bulk of its data from there).
    The model admits only an origin this policy can name (governance ``_data_url_shape``)."""
    if not data_url:
        return CSP
    parts = urlsplit(data_url)
    return CSP.replace("connect-src 'self'", f"connect-src 'self' {parts.scheme}://{parts.netloc}")


class _PluginConfig(Config):  # type: ignore[no-untyped-call]
    root = config_options.Optional(config_options.Dir(exists=True))
    """The registry to publish; default: the repository holding ``mkdocs.yml``."""

    frames = config_options.Type(bool, default=True)
    """Lay out one page per kind of generated page and fill the others in (:mod:`generator.site.frames`):
    the same bytes, in a fraction of the time. Off, mkdocs renders every page itself."""


class GeneratedPage(Page):
    """A page whose content was rendered by :mod:`generator.render`: no Markdown is read or converted."""

    def __init__(self, spec: PageSpec, file: File, config: MkDocsConfig) -> None:
        # mkdocs renders templates without autoescaping: registry text reaches them pre-escaped.
        super().__init__(None if spec.path == "" else Markup.escape(spec.title), file, config)
        self.spec = spec

    def read_source(self, config: MkDocsConfig) -> None:
        spec = self.spec
        self.markdown = ""
        self.meta = {
            "description": Markup.escape(spec.description),
            "credreg": {
                "og_type": spec.og_type,
                "image": spec.image,
                "scripts": list(spec.scripts),
            },
        }
        if spec.path:
            self.meta["title"] = Markup.escape(spec.title)
        if spec.wide:
            self.meta["hide"] = ["navigation", "toc"]

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = self.spec.body()
        self.toc = get_toc([])
        self.present_anchor_ids = set()


class CredregPlugin(BasePlugin[_PluginConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        super().__init__()
        self.registry: Registry | None = None
        self.now: dt.datetime | None = None
        self.demo_statements = False
        """Set by :func:`generator.publish.build.build_site` for ``--demo-log`` (see :mod:`generator.statements`)."""
        self.data_out: Path | None = None
        """Where shards, templates and achievements go when the registry sets ``verification_data_url``."""
        self.serving = False
        """Run by `mkdocs serve`, which builds into a temporary folder it deletes when stopped."""
        self.served_data: Path | None = None
        """The data folder chosen beside a served site's temporary folder: deleted with it (:meth:`on_shutdown`)."""
        self.data_chosen = False
        """Whether :attr:`data_out` is the folder the plugin chose beside the site (not one ``credreg build`` gave)."""
        self.log_records: Mapping[str, Mapping[str, Any]] | None = None
        """The awards' public-log records (``credreg build --log``), for their verification shard entries."""
        self.checked: AwardIndex | None = None
        """The accepting check's index of the awards (set with :attr:`registry`): the page counts come from it."""
        self.vetted: Vetted | None = None
        """The registry files' state before the check (set with :attr:`registry`): confirmed unchanged once the
        build has read them all, before anything of the site is final."""
        self.site_named: Path | None = None
        """Set by :func:`generator.publish.build.build_site`: the folder its staging folder becomes, for the names
        in a refusal; it judges the whole output's twins itself (the log's too, added after mkdocs)."""
        self.prepared: PreparedSite | None = None
        self.started: list[Background[None] | SearchIndexer] = []
        """The background writers of the build (see :meth:`cancel_started`)."""
        self.files: Files | None = None
        self.frames: dict[str, Frame] = {}
        """By the frame page's source path."""
        self.dirty = False
        self.staged: list[tuple[Claimed, Path]] = []
        """Plain ``mkdocs build`` and ``gh-deploy``: each staging folder (the site's, the data's) and the folder it
        replaces once the build is accepted (:meth:`_stage`); a refused build removes them, the previous kept."""
        self.mkdocs_config: MkDocsConfig | None = None

    def _registry(self, config: MkDocsConfig) -> Registry:
        if self.registry is None:
            here = Path(config.config_file_path).parent
            root = Path(self.config.root) if self.config.root else layout.find_root(here)
            # `mkdocs serve` is a local look at one's changes, as `credreg serve` is: a preview of uncommitted files.
            try:
                self.registry, self.checked, self.vetted = load_for_build(root, preview=self.serving)
            except ProblemsFound as refused:  # `credreg check`'s words, each problem by file and line: no traceback
                raise PluginError(refused.explain()) from None
        return self.registry

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        self.serving = command == "serve"
        self.dirty = dirty

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]) -> Any:
        # `mkdocs serve --clean` tells plugins it builds (on_startup's command is "build"), but serves all the same,
        # from a temporary folder it deletes: this event, after the first build, is its only sign.
        self.serving = True
        if self.data_chosen:
            self.served_data = self.data_out
        if self.registry is not None:  # an edit of the registry's files rebuilds, checked again, as one of docs/
            from generator.publish.site import VETTED_FOLDERS

            for name in VETTED_FOLDERS:
                if (self.registry.root / name).is_dir():
                    server.watch(str(self.registry.root / name))
        return server

    def on_shutdown(self) -> None:
        # A build mkdocs' `on_build_error` never heard of (Ctrl-C, SIGTERM raised as KeyboardInterrupt): its
        # writers stopped, its hold ended and its staging folders removed, the previous site kept.
        if self.staged:
            self._abandon()
        # `mkdocs serve` deletes its temporary site folder after this; the data beside it is of no more use.
        if self.served_data is not None:
            shutil.rmtree(self.served_data, ignore_errors=True)

    def on_build_error(self, *, error: Exception) -> None:
        served = self.serving and not self.staged
        self._abandon()
        if served and self.mkdocs_config is not None:
            # `mkdocs serve`'s rebuild refused: its folder emptied, so no page built from an earlier check is served
            # as current (the terminal names the refusal's files; the next accepted rebuild serves again).
            for folder in (Path(self.mkdocs_config.site_dir), self.data_out, self.served_data):
                if folder is not None and folder.is_dir():
                    clean_directory(str(folder))

    def _abandon(self) -> None:
        """A build that will not finish: its background writers stopped, its hold ended (`credreg build` releases
        its own) and its staging folders removed, the previous site kept."""
        self.cancel_started()
        if self.vetted is not None and self.site_named is None:
            self.vetted.release()
        self._unstage()

    def _stage(self, config: MkDocsConfig) -> None:
        """Plain ``mkdocs build`` and ``gh-deploy``: build into staging folders beside the site's folder and the
        verification data's, swapped in by :meth:`on_post_build` only once the build is accepted, as
        ``credreg build`` does (its folders' rules too): mkdocs empties the folder it builds into first, so a build
        refused at its last look (a file changed since the check) or failing midway emptied the published site.
        Not for ``mkdocs serve``, whose folder is its own temporary one (a refused rebuild empties it: nothing
        built from a refused registry is served as current), nor ``credreg build``, which stages its own."""
        from generator.errors import UsageError
        from generator.publish.build import _clear_abandoned, output_folder

        assert self.registry is not None
        try:
            site = output_folder(self.registry.root, Path(config.site_dir), "site_dir")
        except UsageError as exc:
            raise PluginError(exc.explain()) from None
        claimed: list[Claimed] = []
        try:
            for out in (site, self.data_out):
                if out is None:
                    continue
                _clear_abandoned(out)
                stage = claim_folder(out.parent, f".{out.name}.building-", claimed)
                self.staged.append((stage, out))
                if self.dirty and out == site and out.is_dir():  # `--dirty`: rebuild over a copy of the site
                    shutil.copytree(out, stage.path, symlinks=True, dirs_exist_ok=True)
        except BaseException:
            self._unstage()
            for folder in claimed:
                shutil.rmtree(folder.path, ignore_errors=True)
                folder.release()
            raise
        self.mkdocs_config = config
        config.site_dir = str(self.staged[0][0].path)
        if self.data_out is not None:
            self.data_out = self.staged[1][0].path

    def _unstage(self) -> None:
        """A refused or failed plain build: its staging folders go, the previous site and data stay."""
        for stage, out in self.staged:
            if stage.path != out:
                shutil.rmtree(stage.path, ignore_errors=True)
            stage.release()
        if self.staged and self.mkdocs_config is not None:
            self.mkdocs_config.site_dir = str(self.staged[0][1])
            if self.data_chosen and len(self.staged) > 1:
                self.data_out = self.staged[1][1]
        self.staged = []

    def _swap_in(self) -> None:
        """The accepted plain build's staging folders replace the previous ones (the data first)."""
        from generator.publish.build import _replace

        swaps = [self.staged[1], self.staged[0]] if len(self.staged) > 1 else self.staged
        try:
            _replace(*swaps)
        finally:
            self._unstage()

    def cancel_started(self) -> None:
        """Stop the build's background writers (the verification data's, the search indexer): never leave one
        writing into a folder being deleted. For an interruption too, which mkdocs tells no plugin of."""
        for job in self.started:
            job.cancel()  # a finished one's: nothing to do
        self.started.clear()

    # First of every plugin's and hook's: the staging folder is `site_dir` before any other reads it (one that kept
    # the folder it read before ours ran wrote into the published site, from a build then refused).
    @event_priority(float("inf"))
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.site_named is None and self.vetted is not None:
            # mkdocs keeps this plugin across `mkdocs serve`'s rebuilds: each checks the registry again, under a
            # hold of its own (the last one's ended with it), and chooses its data folder again.
            self.registry = self.checked = self.vetted = None
            if self.data_chosen:
                self.data_out, self.data_chosen = None, False
        self.mkdocs_config = config
        registry = self._registry(config)
        governance = registry.governance.model
        # Pre-escaped: mkdocs renders templates without autoescaping.
        config.site_name = Markup.escape(governance.name)
        config.site_url = governance.site_url
        first_paragraph = governance.description.split("\n\n", 1)[0].replace("\n", " ")
        config.site_description = Markup.escape(first_paragraph.replace("*", "").replace("`", "").strip())
        config.extra["csp"] = page_csp(governance.verification_data_url)
        config.extra["credreg_preview"] = self.vetted is not None and self.vetted.marker() is not None
        if self.data_out is None and governance.verification_data_url is not None:
            # Plain `mkdocs build`: the data goes beside the site, as `credreg build` puts it, and only into a
            # folder that rule accepts (new, empty or a build's data, apart from the site): it replaces it whole.
            # Refused here, before mkdocs empties the site's folder.
            from generator.errors import UsageError
            from generator.publish.build import data_folder

            try:
                self.data_out = data_folder(registry.root, Path(config.site_dir), None, "verification data folder")
            except UsageError as exc:
                raise PluginError(exc.explain()) from None
            self.data_chosen = True
            if self.serving:
                self.served_data = self.data_out
        if self.site_named is None and not self.serving and not self.staged:
            self._stage(config)
        # No repo_url: Material's repository widget would call the GitHub API from every visitor's browser.
        if governance.repository:
            repo = Markup.escape(governance.repository)
            config.copyright = Markup(f'Registry data and its history: <a href="{repo}">{repo}</a>')  # noqa: S704
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        registry = self._registry(config)
        self.cancel_started()  # `mkdocs serve`'s previous build's, finished
        self._refuse(_registry_files(files, registry.root), DOCS_REFUSED)
        # The site directory was just cleaned: data files go in now, pages are written after.
        self.prepared = prepare_site(
            registry,
            Path(config.site_dir),
            _verify_fragment,
            now=self.now,
            demo_statements=self.demo_statements,
            data_out=self.data_out,
            log_records=self.log_records,
            checked=self.checked,
            started=self.started,
        )
        for path in sorted(ASSETS_DIR.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                rel = path.relative_to(ASSETS_DIR.parent).as_posix()
                files.append(File(rel, str(ASSETS_DIR.parent), config.site_dir, use_directory_urls=False))
        self.files = files
        by_key: dict[FrameKey, Frame] = {}
        self.frames = {}
        for spec in self.prepared.pages:
            if self.config.frames and spec.path not in NAV_PAGES and frameable(spec):
                key = frame_key(spec)
                if key not in by_key:
                    frame = by_key[key] = Frame(key, len(by_key))
                    frame_page = frame.spec()
                    self.frames[frame_page.src_uri] = frame
                    self._add_page(frame_page, files, config)
                by_key[key].pages.append(spec)
            else:
                self._add_page(spec, files, config)
        # Before a page is written: on a Mac the file system merges `Verify/` into `verify/` as they are written,
        # where no walk of the output could see two (the data files written above are slugs and hashes).
        from generator.publish.build import path_twins

        written = (f.dest_uri for f in files if f.inclusion is not InclusionLevel.EXCLUDED)  # `exclude_docs`: unwritten
        self._refuse(path_twins(written, self._named(config)))
        return files

    def _named(self, config: MkDocsConfig) -> Path:
        return self.site_named or (self.staged[0][1] if self.staged else Path(config.site_dir))

    def _refuse(self, twins: list[Problem], summary: str | None = None) -> None:
        """Stop the build when the site would have paths that are one path on some hosts (:mod:`build`'s rule),
        or with the ``summary`` given."""
        if not twins:
            return
        from generator.publish.build import TWINS_REFUSED

        self.cancel_started()
        refusal = ProblemsFound(twins, summary or TWINS_REFUSED)
        if self.site_named is not None:
            raise refusal  # `credreg build`'s, which reports it as its own check's and publishes nothing
        raise PluginError(refusal.explain())  # plain `mkdocs build`: its way to stop with a message, no traceback

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Guides name every field the files take, generated from the schemas (:mod:`generator.guide`)."""
        return expand_markers(markdown)

    @staticmethod
    def _add_page(spec: PageSpec, files: Files, config: MkDocsConfig) -> None:
        inclusion = InclusionLevel.UNDEFINED if spec.path in NAV_PAGES else InclusionLevel.NOT_IN_NAV
        file = File.generated(config, spec.src_uri, content="", inclusion=inclusion)
        files.append(file)
        GeneratedPage(spec, file, config)

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        """A frame page as the theme laid it out: kept to fill its pages in, and not written."""
        frame = self.frames.get(page.file.src_uri)
        if frame is None:
            return output
        frame.set_layout(output)
        return ""  # mkdocs writes no file for empty output

    def _post_build(self, *, config: MkDocsConfig) -> None:
        """Write the framed pages; wait for the search index and the verification data; write
        ``sitemap-pages.xml``, every page including generated ones (``sitemap.xml`` is an index to it)."""
        assert self.files is not None
        assert self.prepared is not None
        write_pages(self.frames.values(), Path(config.site_dir))
        # The last read of the registry's files is done: any written since the check began refuses the build.
        if self.vetted is not None:
            try:
                self.prepared.finish()  # the verification data refuses an award not as the check verified it
                self.vetted.confirm()
            except ProblemsFound as changed:
                if self.site_named is not None:
                    raise  # `credreg build`'s: its staging folder goes, the previous site stays
                # Plain mkdocs: on_build_error, which mkdocs runs next, removes the staging folders (`mkdocs serve`:
                # empties its own), so nothing built from the changed files is left.
                raise PluginError(changed.explain()) from None
            finally:
                if (
                    self.site_named is None
                ):  # plain `mkdocs build`: its last read is done (`credreg build` releases its own)
                    self.vetted.release()
            marker = self.vetted.marker()
            if marker is not None:
                write_json_staged(Path(config.site_dir) / "preview.json", marker)
        else:
            self.prepared.finish()
        generated = {spec.src_uri for spec in self.prepared.pages} | set(self.frames)
        # Documentation pages first, then generated ones in the order they were made, as mkdocs lists them.
        urls = [
            f.page.canonical_url
            for f in self.files.documentation_pages()
            if f.page is not None and f.page.canonical_url and f.src_uri not in generated
        ]
        if config.site_url:
            urls += [canonical_url(config.site_url, spec.path) for spec in self.prepared.pages]
        entries = "".join(f"<url><loc>{escape(url)}</loc></url>\n" for url in urls)
        text = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n{entries}</urlset>\n'
        (Path(config.site_dir) / "sitemap-pages.xml").write_text(text, encoding="utf-8")

    @event_priority(float("-inf"))
    def _post_build_last(self, *, config: MkDocsConfig) -> None:
        """Plain ``mkdocs build``'s end, after every other plugin's and hook's ``on_post_build`` (mkdocs runs
        ``hooks:`` after the plugins): the names of what all of them wrote judged, then the staging folders swapped
        in. Swapped at this plugin's own turn, a later one failing (or Ctrl-C there) reported the build failed
        with the previous site already replaced."""
        if self.site_named is None:  # plain `mkdocs build`: what was written, data and images too, as credreg build
            from generator.publish.build import output_twins

            site = Path(config.site_dir)
            twins = output_twins(site, self._named(config))
            if self.data_out is not None:
                twins += output_twins(self.data_out, self.staged[1][1] if len(self.staged) > 1 else self.data_out)
            self._refuse(twins)
            if self.staged and not _strict_warnings(config):  # refused by mkdocs after this event: not swapped in
                self._swap_in()

    on_post_build = CombinedEvent[..., None](_post_build, _post_build_last)


DOCS_REFUSED = "the documentation would publish the registry's own files as mkdocs reads them; nothing was built"


def _registry_files(files: Files, root: Path) -> list[Problem]:
    """Each file mkdocs would copy from the documentation (or the theme) that is one of the registry's, under
    ``registry/`` or ``keys/`` with links followed (a ``docs_dir`` that is or holds them, a link in ``docs/``):
    published as mkdocs reads it, outside the check's hold, so a file changed after the check went out unvetted.
    The registry's files reach the site only as the check read them, through the pages and data built from them."""
    from generator._internal.files import resolved
    from generator.publish.site import VETTED_FOLDERS

    home = resolved(root)
    vetted = [home / name for name in VETTED_FOLDERS]
    problems = []
    for file in files:
        if file.abs_src_path is None:
            continue
        source = resolved(Path(file.abs_src_path))
        if any(source.is_relative_to(folder) for folder in vetted):
            problems.append(
                Problem(
                    Location(source.relative_to(home).as_posix()),
                    f"mkdocs would copy it to the site as {file.dest_uri} (from {file.abs_src_path}): give a "
                    "docs_dir that neither is nor holds registry/ or keys/, with no link into them",
                    code="build.docs-registry",
                )
            )
    return problems


def _strict_warnings(config: MkDocsConfig) -> bool:
    """Whether mkdocs will refuse this build in strict mode once the plugins' ``on_post_build`` is done (it counts
    the warnings logged with a handler of its own)."""
    if not config.strict:
        return False
    return any(isinstance(h, CountHandler) and h.get_counts() for h in logging.getLogger("mkdocs").handlers)


def _verify_fragment() -> str:
    """The verification page's content: a trusted file of this project, included as it is."""
    return VERIFY_FRAGMENT.read_text(encoding="utf-8")
