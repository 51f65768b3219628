"""Screenshots of every view of the bundled corpus, for the README: ``python -m defgraph.views.screenshots OUTDIR``.

Ingests the bundled sample corpus into a store in memory, renders each view and
photographs it in headless Chromium (Playwright drives it; ``pip install
"defgraph[test]"``), offline, at 1280x800. Writes ``OUTDIR/view-<name>.png``
and nothing else; the test suite never runs this, so tests leave tracked files alone.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

#: file stem -> (view, options): what each screenshot shows
SHOTS: dict[str, tuple[str, dict[str, Any]]] = {
    "events": ("events", {}),
    "countries": ("countries", {}),
    "pledges": ("pledges", {}),
    "ego": ("ego", {"focus": "France", "depth": 2}),
    "timeline": ("timeline", {}),
}
WIDTH, HEIGHT = 1280, 800


def _chromium(path: str | None) -> str | None:
    """The browser to drive: the one named, else chromium on PATH, else Playwright's own."""
    if path:
        return path
    return shutil.which("chromium") or shutil.which("chromium-browser")


def take(outdir: Path, chromium: str | None = None, names: list[str] | None = None) -> list[Path]:
    """Render and photograph the views; return the PNG files written."""
    from playwright.sync_api import sync_playwright

    from ..pipeline import KnowledgeGraph
    from ..resources import sample_data_dir
    from .html import render

    kg = KnowledgeGraph(":memory:")
    kg.ingest(sample_data_dir() / "statements")
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        executable = _chromium(chromium)
        browser = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for name in names or list(SHOTS):
            view, options = SHOTS[name]
            page_file = render(kg.store, Path(tmp) / f"{name}.html", view, **options)
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, offline=True)
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
                          else r.abort())  # fmt: skip
            page = context.new_page()
            page.goto(page_file.as_uri())
            page.wait_for_selector("html[data-ready='1']", timeout=30_000)
            page.wait_for_timeout(400)
            target = outdir / f"view-{name}.png"
            page.screenshot(path=str(target))
            context.close()
            written.append(target)
        browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m defgraph.views.screenshots",
        description="Photograph every view of the bundled corpus in headless Chromium.",
        epilog="Example: python -m defgraph.views.screenshots docs/img",
    )
    parser.add_argument("outdir", type=Path, help="folder for view-<name>.png")
    parser.add_argument(
        "--chromium", default=None, help="browser executable (default: chromium on PATH)"
    )
    parser.add_argument(
        "--view", action="append", choices=list(SHOTS), help="only these (repeatable)"
    )
    args = parser.parse_args(argv)
    for path in take(args.outdir, args.chromium, args.view):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
