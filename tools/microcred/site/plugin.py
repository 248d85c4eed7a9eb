"""The mkdocs plugin that turns a registry into its public site.

- on_config: load and check the registry; any problem fails the build, all of them listed.
- on_files: add the generated pages (catalog, credentials, issuers, portfolios, analytics), badge
  images, transcripts and the site's own assets as virtual files; nothing generated is committed.
- on_page_markdown: put the headline figures into the hand-written home page.
- on_nav: place the generated pages that belong in the navigation.
- on_post_build: write the published JSON documents (publish.iter_published) and render award pages
  straight from a template, outside mkdocs' page pipeline.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from ..registry import Registry, load_registry
from ..urls import SiteUrls, site_url_from_mkdocs
from .awards import AwardPages, AwardPageStats, PageLook, write_output
from .badges import badge_svg
from .data import SiteData, build_site_data
from .pages import GeneratedPage, PageBuilder

log = logging.getLogger("mkdocs.plugins.microcred")

ASSETS = Path(__file__).parent / "assets"
OVERRIDES = Path(__file__).parent / "templates" / "overrides"
ASSET_DIR = "assets/microcred"
FIGURES_TOKEN = "<!-- microcred:figures -->"
FEATURED_TOKEN = "<!-- microcred:featured -->"
DEFAULT_HOME = f"""# Micro-credentials for educators

{FIGURES_TOKEN}

## Credentials

{FEATURED_TOKEN}
"""


_PRELOADED: dict[Path, Registry] = {}


def use_loaded_registry(registry: Registry) -> None:
    """Hand the next build a registry that was just loaded and checked (by `microcred build`), so
    the plugin does not read and check every record a second time. Used once, then forgotten."""
    _PRELOADED[registry.root.resolve()] = registry


class MicrocredConfig(Config):  # type: ignore[no-untyped-call]
    """Options under `plugins: - microcred:` in mkdocs.yml."""

    root = opt.Optional(opt.Dir(exists=True))  # registry root; default: the folder of mkdocs.yml
    incremental = opt.Type(bool, default=True)  # keep unchanged award pages across builds


class MicrocredPlugin(BasePlugin[MicrocredConfig]):  # type: ignore[no-untyped-call]
    """Builds the registry's pages into an mkdocs-material site."""

    def __init__(self) -> None:
        self.registry: Registry | None = None
        self.data: SiteData | None = None
        self.urls: SiteUrls | None = None
        self.builder: PageBuilder | None = None
        self.generated: list[GeneratedPage] = []
        self.stats: AwardPageStats | None = None
        self.timings: dict[str, float] = {}
        self.portfolio_stats: tuple[int, int] = (0, 0)

    # -- config ----------------------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load the registry (fail with every problem), and wire the theme overrides and assets."""
        started = time.perf_counter()
        config_file = Path(config.config_file_path or "mkdocs.yml").resolve()
        root = Path(self.config.root).resolve() if self.config.root else config_file.parent
        # `mkdocs serve` replaces site_url with the local address; identities use the real one.
        try:
            self.urls = SiteUrls.from_site_url(site_url_from_mkdocs(config_file))
        except Exception as err:  # noqa: BLE001 - UsageError or a bad URL: say it mkdocs' way
            raise PluginError(f"microcred: {err}") from None
        if not config.use_directory_urls:
            raise PluginError("microcred: the registry site needs use_directory_urls: true (its URLs are part of "
                              "every award and did:web identity)")
        registry = _PRELOADED.pop(root, None) or load_registry(root)
        if registry.problems:
            listing = "\n".join(f"  {p}" for p in registry.problems)
            raise PluginError(
                f"microcred: the registry at {root} has {len(registry.problems)} problem(s):\n{listing}"
            )
        self.registry = registry
        self.data = build_site_data(registry)
        repo_url = config.repo_url or None
        self.builder = PageBuilder(self.data, self.urls, repo_url)
        if config.theme.name == "material":
            config.theme.dirs.insert(0, str(OVERRIDES))
        for css in ("verify-panel.css", "microcred.css"):
            path = f"{ASSET_DIR}/{css}"
            if path not in config.extra_css:
                config.extra_css.append(path)
        if f"{ASSET_DIR}/catalog.js" not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(f"{ASSET_DIR}/catalog.js")
        for folder in ("issuers", "credentials", "awards"):
            if (root / folder).is_dir() and str(root / folder) not in config.watch:
                config.watch.append(str(root / folder))  # `mkdocs serve` rebuilds when a record changes
        self.timings["load"] = time.perf_counter() - started
        return config

    # -- files -----------------------------------------------------------------------------------

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Add every generated page and file as a virtual file."""
        assert self.builder is not None and self.data is not None and self.urls is not None
        started = time.perf_counter()
        self.generated = list(self.builder.pages())
        if files.get_file_from_path("index.md") is None:
            self.generated.append(GeneratedPage("index.md", DEFAULT_HOME, "Home"))
        for c in self.data.credentials:
            if not (c.image and c.image.startswith(self.urls.base)):
                label = c.competency
                self.generated.append(GeneratedPage(self.urls.badge_image(c.issuer, c.id), badge_svg(c.title, c.issuer, label)))
        for page in self.generated:
            self._add(files, File.generated(config, page.src_uri, content=page.content))
        for asset in sorted(ASSETS.iterdir()):
            if asset.is_file():
                self._add(files, File.generated(config, f"{ASSET_DIR}/{asset.name}", abs_src_path=str(asset)))
        self.timings["pages"] = time.perf_counter() - started
        return files

    @staticmethod
    def _add(files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None:
            files.remove(existing)
        files.append(file)

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Fill the home page's placeholders with live figures and featured credentials."""
        if page.file.src_uri == "index.md" and self.builder is not None:
            if FIGURES_TOKEN in markdown:
                markdown = markdown.replace(FIGURES_TOKEN, self.builder.figures_html())
            if FEATURED_TOKEN in markdown:
                markdown = markdown.replace(FEATURED_TOKEN, self.builder.featured_html())
        return markdown

    # -- navigation -------------------------------------------------------------------------------

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """Catalog, issuers, portfolios and analytics after Home; credentials and people stay out of the
        nav (the catalog and portfolio list link them) so the nav does not grow with the registry."""
        def page_of(src_uri: str) -> Page | None:
            f = files.get_file_from_path(src_uri)
            return f.page if f is not None and isinstance(f.page, Page) else None

        present = {id(p) for p in nav.pages}
        entries: list[Any] = []
        catalog = page_of("catalog/index.md")
        if catalog is not None and id(catalog) not in present:
            catalog.title = "Catalog"
            entries.append(catalog)
        found = [page_of(g.src_uri) for g in self.generated if g.nav_section == "issuers"]
        issuer_pages = [p for p in found if p is not None and id(p) not in present]
        if issuer_pages:
            section = Section("Organisations", issuer_pages)  # type: ignore[arg-type]
            for issuer_page in issuer_pages:
                issuer_page.parent = section
            entries.append(section)
        for src, title in (("portfolios/index.md", "Portfolios"), ("analytics/index.md", "Analytics")):
            single = page_of(src)
            if single is not None and id(single) not in present:
                single.title = title
                entries.append(single)
        if not entries:
            return nav
        # After the home page when it is first, else at the front.
        at = 1 if nav.items and isinstance(nav.items[0], Page) and nav.items[0].is_homepage else 0
        nav.items[at:at] = entries
        pages = _pages_in(nav.items)
        for i, p in enumerate(pages):
            p.previous_page = pages[i - 1] if i else None
            p.next_page = pages[i + 1] if i + 1 < len(pages) else None
        nav.pages = pages
        return nav

    # -- after mkdocs -----------------------------------------------------------------------------

    def on_pre_build(self, config: MkDocsConfig) -> None:
        """Move last build's award and portfolio folders aside so mkdocs' clean does not delete them;
        on_post_build puts them back and re-renders only what changed."""
        if not self.config.incremental:
            return
        site_dir, stash = _keep_dirs(config)
        # A stash left by a build that stopped half-way is kept only if the site lost its folders.
        if stash.exists() and any((site_dir / name).exists() for name in KEEP_FOLDERS):
            shutil.rmtree(stash)
        for name in KEEP_FOLDERS:
            if (site_dir / name).is_dir() and not (stash / name).exists():
                stash.mkdir(parents=True, exist_ok=True)
                os.replace(site_dir / name, stash / name)

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Write published documents and award pages."""
        assert self.registry is not None and self.data is not None and self.urls is not None
        started = time.perf_counter()
        site_dir = Path(config.site_dir)
        _restore_kept(config)
        keep: set[str] = set()
        try:
            from ..publish import iter_published
        except ImportError:  # the signing half may be absent in a partial checkout
            iter_published = None  # type: ignore[assignment]
        written = 0
        if iter_published is not None:
            for site_path, data in iter_published(self.registry, self.urls):
                target = site_dir / site_path
                if not _is_site_path(site_path):
                    raise PluginError(f"microcred: refusing to write outside the site: {site_path}")
                written += write_output(target, data)
                parts = site_path.split("/")
                if parts[0] == "awards" and len(parts) > 2:
                    keep.add(parts[1])
        from ..tlog.registrylog import has_log
        from ..tlog.registrylog import iter_published as iter_log_published

        if has_log(self.registry.root):
            # The transparency log: checkpoint, key and tiles, so monitors can check this publication.
            for site_path, data in iter_log_published(self.registry.root, self.urls):
                if not _is_site_path(site_path):
                    raise PluginError(f"microcred: refusing to write outside the site: {site_path}")
                written += write_output(site_dir / site_path, data)
        self.timings["publish"] = time.perf_counter() - started
        look = _look(config, site_dir)
        pages = AwardPages(self.data, self.urls, site_dir, look)
        self.stats = pages.render_all(keep)
        self.timings["awards"] = self.stats.seconds
        started = time.perf_counter()
        assert self.builder is not None
        self.portfolio_stats = self.builder.write_portfolios(site_dir, pages.look_context(), pages.version)
        # Portfolios are public pages outside mkdocs' pipeline: list them in its sitemap too. Award
        # pages are not listed (unlisted ones must never be, and public ones are linked from here).
        _add_to_sitemap(site_dir, config.site_url or self.urls.base,
                        [self.urls.portfolio(slug) for slug in self.data.portfolios()])
        self.timings["portfolios"] = time.perf_counter() - started
        log.info(
            f"microcred: {self.stats.pages} award pages ({self.stats.rendered} rendered, "
            f"{self.stats.skipped} unchanged, {self.stats.removed} removed) in {self.stats.seconds:.2f}s; "
            f"{written} documents written in {self.timings['publish']:.2f}s; registry loaded in "
            f"{self.timings['load']:.2f}s, pages generated in {self.timings['pages']:.2f}s, "
            f"{self.portfolio_stats[0]} portfolios ({self.portfolio_stats[1]} rendered) in {self.timings['portfolios']:.2f}s"
        )


def _add_to_sitemap(site_dir: Path, base: str, paths: list[str]) -> None:
    """Append `paths` (site-relative) to mkdocs' sitemap.xml and sitemap.xml.gz, if it wrote them."""
    import gzip
    from xml.sax.saxutils import escape as xml_escape

    sitemap = site_dir / "sitemap.xml"
    if not paths or not sitemap.is_file():
        return
    text = sitemap.read_text(encoding="utf-8")
    if "</urlset>" not in text:
        return
    base = base if base.endswith("/") else base + "/"
    entries = "".join(f"    <url>\n         <loc>{xml_escape(base + p)}</loc>\n    </url>\n" for p in paths)
    text = text.replace("</urlset>", entries + "</urlset>", 1)
    sitemap.write_text(text, encoding="utf-8")
    (site_dir / "sitemap.xml.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))


def _pages_in(items: list[Any]) -> list[Page]:
    out: list[Page] = []
    for item in items:
        if isinstance(item, Page):
            out.append(item)
        elif isinstance(item, Section):
            out.extend(_pages_in(item.children))
    return out


KEEP_FOLDERS = ("awards", "portfolios")


def _keep_dirs(config: MkDocsConfig) -> tuple[Path, Path]:
    site_dir = Path(config.site_dir).resolve()
    return site_dir, site_dir.parent / f".{site_dir.name}.microcred-keep"


def _restore_kept(config: MkDocsConfig) -> None:
    """Put the folders on_pre_build moved aside back, under what mkdocs has just written."""
    site_dir, stash = _keep_dirs(config)
    if not stash.is_dir():
        return
    for name in KEEP_FOLDERS:
        src, dst = stash / name, site_dir / name
        if not src.is_dir():
            continue
        if not dst.exists():
            os.replace(src, dst)
            continue
        for entry in src.iterdir():  # mkdocs wrote e.g. portfolios/index.html: keep its version
            if not (dst / entry.name).exists():
                os.replace(entry, dst / entry.name)
    shutil.rmtree(stash)


def _is_site_path(site_path: str) -> bool:
    """A relative path inside the site: no absolute path, no '..', no empty or hidden segment.

    A string check rather than resolve(): this runs for every published document (20,000 for
    10,000 awards) and resolving costs a system call per path segment.
    """
    parts = site_path.split("/")
    return bool(site_path) and not site_path.startswith("/") and "\\" not in site_path and all(
        p and p not in (".", "..") and not p.startswith(".") for p in parts
    )


def _look(config: MkDocsConfig, site_dir: Path) -> PageLook:
    """Stylesheets and palette the award pages share with the mkdocs pages."""
    sheets = []
    stylesheets = site_dir / "assets" / "stylesheets"
    for pattern in ("main.*.min.css", "palette.*.min.css"):
        sheets += sorted(p.relative_to(site_dir).as_posix() for p in stylesheets.glob(pattern))
    sheets += [str(s) for s in config.extra_css]
    palette: Any = config.theme.get("palette") or {}
    if isinstance(palette, list):
        palette = palette[0] if palette else {}
    return PageLook(
        site_name=config.site_name,
        stylesheets=sheets,
        scheme=str(palette.get("scheme", "default")),
        primary=str(palette.get("primary", "indigo")).replace(" ", "-"),
        accent=str(palette.get("accent", "indigo")).replace(" ", "-"),
    )
