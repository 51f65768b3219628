"""The rendered page in a real headless Chromium: offline, drawn, searchable, clickable, inert.

Needs Debian's chromium at /usr/bin/chromium; skips without it, except in CI
(CI=true) where a missing browser is a failure. Saves docs/img/view-<name>.png.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser_util import CLOSE_NAME, IMG_NAME, SCRIPT_NAME, hostile_store, sample_store

from defgraph.render import render

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
IMG_DIR = Path(__file__).resolve().parents[1] / "docs" / "img"
VIEWS = ["events", "countries"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("render")
    store = sample_store()
    hostile = hostile_store()
    files = {v: render(store, out / f"{v}.html", v, title=f"Sample: {v}") for v in VIEWS}
    for v in VIEWS:
        files[f"hostile-{v}"] = render(hostile, out / f"hostile-{v}.html", v, title="Hostile")
    return files


@dataclass
class Visit:
    """An open page and everything it tried to fetch or complained about."""

    page: Any
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture()
def visit(browser: Any) -> Iterator[Any]:
    contexts = []

    def open_page(path: Path) -> Visit:
        context = browser.new_context(viewport=VIEWPORT, offline=True)
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page)

        def route(r: Any) -> None:
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                seen.requests.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.on("request", lambda req: None if req.url.startswith(("file:", "data:"))
                else seen.requests.append(req.url))  # fmt: skip
        page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen.errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_selector("html[data-ready='1']", timeout=15_000)
        return seen

    yield open_page
    for context in contexts:
        context.close()


def node_id(page: Any, label: str) -> str:
    ids = page.evaluate(
        "label => defgraphNodes.getIds().filter(id => "
        "JSON.parse(document.getElementById('graph-data').textContent)"
        ".info.find(([i]) => i === id)[1].label === label)",
        label,
    )
    assert len(ids) == 1, (label, ids)
    return str(ids[0])


def click_node(page: Any, nid: str) -> None:
    """Centre the node on screen, then click where vis-network draws it."""
    x, y = page.evaluate(
        """id => {
          const n = window.defgraphNetwork;
          n.moveTo({position: n.getPosition(id), scale: 1.2, animation: false});
          const p = n.canvasToDOM(n.getPosition(id));
          const r = document.getElementById('network').getBoundingClientRect();
          return [r.left + p.x, r.top + p.y];
        }""",
        nid,
    )
    page.wait_for_timeout(100)
    page.mouse.click(x, y)


def colours_drawn(page: Any) -> int:
    return int(
        page.evaluate(
            """() => {
              const c = document.querySelector('#network canvas');
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              const seen = new Set();
              for (let i = 0; i < d.length; i += 4 * 97) seen.add(d.slice(i, i + 4).join(','));
              return seen.size;
            }"""
        )
    )


def test_harness_sees_requests_and_errors(visit: Any, tmp_path: Path) -> None:
    """The checks below can fail: a page that fetches and throws is caught."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<img src="https://example.org/x.png"><script>document.documentElement.dataset.ready = "1";'
        "throw new Error('boom')</script>"
    )
    v = visit(page)
    v.page.wait_for_timeout(200)
    assert v.requests and v.requests[0].startswith("https://example.org/")
    assert any("boom" in e for e in v.errors)


@pytest.mark.parametrize("view", VIEWS)
def test_page_is_offline_drawn_and_error_free(
    visit: Any, pages: dict[str, Path], view: str
) -> None:
    v = visit(pages[view])
    v.page.wait_for_timeout(300)
    assert colours_drawn(v.page) > 3
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    v.page.screenshot(path=str(IMG_DIR / f"view-{view}.png"))
    assert v.requests == []
    assert v.errors == []
    assert v.page.title() == f"Sample: {view}"
    assert v.page.locator("#legend").is_visible()


@pytest.mark.parametrize("view", VIEWS)
def test_search_selects_and_click_opens_panel(
    visit: Any, pages: dict[str, Path], view: str
) -> None:
    v = visit(pages[view])
    page = v.page
    ukraine = node_id(page, "Ukraine")
    page.fill("#search", "ukrain")
    assert ukraine in page.evaluate("defgraphNetwork.getSelectedNodes()")
    page.fill("#search", "ukraine")
    page.press("#search", "Enter")
    assert page.evaluate("defgraphNetwork.getSelectedNodes()") == [ukraine]
    assert page.text_content("#search-status") == "1 match"
    assert page.text_content("#panel-title") == "Ukraine"

    page.click("#panel-close")
    assert page.locator("#panel").is_hidden()
    estonia = node_id(page, "Estonia")
    click_node(page, estonia)
    page.wait_for_selector("#panel:not([hidden])")
    assert page.text_content("#panel-title") == "Estonia"
    assert page.get_attribute("#panel", "data-node") == estonia
    assert "EST" in (page.text_content("#panel-details") or "")
    assert page.locator("#panel-links li").count() > 0
    assert v.requests == [] and v.errors == []


def test_panel_link_moves_to_neighbour(visit: Any, pages: dict[str, Path]) -> None:
    page = visit(pages["events"]).page
    page.fill("#search", "27th Ukraine Defense Contact Group")
    page.press("#search", "Enter")
    link = page.locator("#panel-details a")
    assert link.count() == 1  # the source URL; the node's own IRI stays text
    assert (link.get_attribute("href") or "").startswith("https://www.atlanticdefencewire.com/")
    assert link.get_attribute("rel") == "noopener noreferrer"
    page.get_by_role("button", name="John Healey").click()
    assert page.text_content("#panel-title") == "John Healey"
    assert "Defence Secretary" in (page.text_content("#panel-details") or "")


@pytest.mark.parametrize("view", VIEWS)
def test_hostile_names_stay_text(visit: Any, pages: dict[str, Path], view: str) -> None:
    v = visit(pages[f"hostile-{view}"])
    page = v.page
    name = IMG_NAME if view == "events" else '<svg onload="window.__pwned=5">'
    nid = node_id(page, name)
    click_node(page, nid)
    page.wait_for_selector("#panel:not([hidden])")
    assert page.text_content("#panel-title") == name
    page.mouse.move(5, 400)
    click_node(page, nid)  # hovering shows the tooltip
    page.wait_for_selector("div.vis-tooltip", state="visible")
    assert name in (page.text_content("div.vis-tooltip") or "")

    page.fill("#search", "<script>")
    page.press("#search", "Enter")
    if view == "events":
        assert page.text_content("#panel-title") == SCRIPT_NAME
        page.fill("#search", CLOSE_NAME)
        page.press("#search", "Enter")
        assert page.text_content("#panel-title") == CLOSE_NAME
        page.fill("#search", "Hostile")  # the statement: its source is a javascript: URL
        page.press("#search", "Enter")
        assert "javascript:window.__pwned=4" in (page.text_content("#panel-details") or "")
        assert page.locator("#panel a").count() == 0
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, svg, b, iframe').length") == 0
    assert page.evaluate("document.scripts.length") == 3
    assert v.requests == [] and v.errors == []
