"""`microcred build` and `microcred serve`: validate the registry, then build or preview its site.

Both run the registry checks first and stop with every problem listed (exit 1) before mkdocs
starts; mkdocs itself (through the microcred plugin in mkdocs.yml) does the rest. `mkdocs build`
and `mkdocs serve` work directly too: the plugin runs the same checks.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..errors import UsageError
from ..registry import load_registry
from .output import TerminalProgress


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `build` and `serve` verbs."""
    build = sub.add_parser(
        "build",
        help="validate the registry and build its static site",
        description="Validate every record, then build the public site with mkdocs (the microcred plugin "
        "generates the pages, award pages and published JSON documents).",
    )
    build.add_argument("--root", type=Path, default=Path("."), help="registry folder holding mkdocs.yml (default: .)")
    build.add_argument("--site-dir", type=Path, default=None, help="output folder (default: mkdocs.yml's site_dir)")
    build.add_argument("--clean", action="store_true",
                       help="re-render every award page (default: keep pages whose inputs did not change)")
    build.set_defaults(func=run_build)

    serve = sub.add_parser(
        "serve",
        help="validate the registry and preview its site on this machine",
        description="Validate every record, then serve the site with live reload. Award pages verify "
        "themselves there too: 127.0.0.1 counts as a secure context for the browser's cryptography.",
    )
    serve.add_argument("--root", type=Path, default=Path("."), help="registry folder holding mkdocs.yml (default: .)")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to listen on (default: 127.0.0.1:8000)")
    serve.set_defaults(func=run_serve)


def _mkdocs_logging() -> None:
    """Show mkdocs' messages (warnings, the plugin's summary) on stderr, as `mkdocs build` does."""
    import logging

    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_microcred", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._microcred = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _validate(root: Path) -> bool:
    registry = load_registry(root, TerminalProgress())
    if not registry.problems:
        from ..site.plugin import use_loaded_registry

        use_loaded_registry(registry)
    for problem in registry.problems:
        print(problem)
    if registry.problems:
        n = len(registry.problems)
        print(f"FAIL: {n} problem{'s' if n != 1 else ''}; the site was not built")
        return False
    return True


def _config_file(root: Path) -> Path:
    config = root / "mkdocs.yml"
    if not config.is_file():
        raise UsageError(f"{config} not found; --root must be the registry folder that holds mkdocs.yml")
    return config


def run(args: argparse.Namespace) -> int:
    """Dispatch (kept for symmetry with other verb modules)."""
    func = run_build if args.verb == "build" else run_serve
    return func(args)


def run_build(args: argparse.Namespace) -> int:
    """Validate, then build; 0 on success, 1 when the registry has problems or the build fails."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    root = args.root.resolve()
    config_file = _config_file(root)
    if not _validate(root):
        return 1
    _mkdocs_logging()
    started = time.perf_counter()
    overrides: dict[str, str] = {}
    if args.site_dir is not None:
        overrides["site_dir"] = str(args.site_dir.resolve())
    try:
        config = load_config(config_file=str(config_file), **overrides)
        if args.clean:
            plugin = config.plugins.get("microcred")
            if plugin is not None:
                plugin.config.incremental = False
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as err:
        print(f"FAIL: {err}")
        return 1
    print(f"OK: site built in {config.site_dir} in {time.perf_counter() - started:.1f}s")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """Validate, then serve with live reload until interrupted."""
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    root = args.root.resolve()
    config_file = _config_file(root)
    if not _validate(root):
        return 1
    try:
        serve(config_file=str(config_file), dev_addr=args.dev_addr, livereload=True,
              watch=[str(root / d) for d in ("issuers", "credentials", "awards") if (root / d).is_dir()])
    except MkDocsException as err:
        print(f"FAIL: {err}")
        return 1
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0
