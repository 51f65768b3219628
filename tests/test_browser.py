"""The rendered pages in a real headless Chromium: offline, drawn, searchable, clickable, inert.

Needs Debian's chromium at /usr/bin/chromium; skips without it, except in CI
(CI=true) where a missing browser is a failure. Every view is opened for the
bundled sample corpus and for the seed statement, each ingested through the
whole pipeline; markup is injected both through a real statement file and
through names built from the model. Screenshots of every view and the 5,000-node
timing (recorded, never asserted: tests make no timed assertions) go to a temporary
folder; `python bench/screenshots.py` runs the same tests with DEFGRAPH_DOCS_OUT=docs to
regenerate the README's docs/img/view-<name>.png and docs/browser-scale.json.
"""

from __future__ import annotations

import json
import os
import platform
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from browser_util import (
    CLOSE_NAME,
    HOSTILE_PUBLISHER,
    HOSTILE_TITLE,
    IMG_NAME,
    SCRIPT_NAME,
    hostile_statement_file,
    hostile_store,
    ingested,
    scale_store,
)
from conftest import DATA, IN_CI, SEED_FILE, require

from defgraph.render import VIEWS, network, render, write_html

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
#: where screenshots and the scale figures go: a temporary folder unless bench/screenshots.py
#: names the docs folder (tests never write to tracked files on their own)
DOCS_OUT_ENV = "DEFGRAPH_DOCS_OUT"
#: what each corpus's ego view centres on
EGO = {"sample": {"focus": "France", "depth": 2}, "seed": {"focus": "Germany", "depth": 2},
       "hostile": {"focus": "United Kingdom", "depth": 2}}  # fmt: skip
PWNED = "typeof window.__pwned"
#: the views drawn by vis-network (the timeline, drawn by vis-timeline, has tests of its own)
NETWORK_VIEWS = [v for v in VIEWS if v != "timeline"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _options(corpus: str, view: str) -> dict[str, Any]:
    return dict(EGO[corpus]) if view == "ego" else {}


class Pages(dict[str, Path]):
    """Rendered pages by "corpus-view"; a seed page asked for without the seed skips (fails in CI)."""

    def __missing__(self, key: str) -> Path:
        require(not key.startswith("seed-"), f"the seed statement at {SEED_FILE}")
        raise KeyError(key)
@pytest.fixture(scope="session")
def docs_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get(DOCS_OUT_ENV)
    return Path(given) if given else tmp_path_factory.mktemp("docs")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every view of the sample corpus, the seed, a hostile statement file and hostile names."""
    out = tmp_path_factory.mktemp("render")
    stores = {
        "sample": ingested(DATA / "statements").store,
        "hostile": ingested(hostile_statement_file(out)).store,
    }
    if SEED_FILE.is_file():
        stores["seed"] = ingested(SEED_FILE).store
    files = Pages()
    for corpus, store in stores.items():
        for v in VIEWS:
            files[f"{corpus}-{v}"] = render(
                store, out / f"{corpus}-{v}.html", v, title=f"{corpus.title()}: {v}",
                **_options(corpus, v),
            )  # fmt: skip
    names = hostile_store()
    for v in VIEWS:
        extra = {"focus": IMG_NAME} if v == "ego" else {}
        files[f"names-{v}"] = render(names, out / f"names-{v}.html", v, title="Names", **extra)
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

    def open_page(path: Path, *, wait: bool = True) -> Visit:
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
        page.on("request", lambda req: None if req.url.startswith(("file:", "data:", "about:"))
                else seen.requests.append(req.url))  # fmt: skip
        page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen.errors.append(str(e)))
        if wait:
            page.goto(path.as_uri())
            page.wait_for_selector("html[data-ready='1']", timeout=15_000)
        return seen

    yield open_page
    for context in contexts:
        context.close()


def graph_info(page: Any) -> dict[str, dict[str, Any]]:
    return dict(page.evaluate("JSON.parse(document.getElementById('graph-data').textContent).info"))


def node_id(page: Any, label: str) -> str:
    ids = [i for i, item in graph_info(page).items() if item["label"] == label]
    assert len(ids) == 1, (label, ids)
    return ids[0]


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


def shown_nodes(page: Any) -> list[str]:
    return list(page.evaluate("defgraphNodes.get({filter: n => !n.hidden}).map(n => n.id)"))


def search(page: Any, text: str) -> None:
    page.fill("#search", text)
    page.press("#search", "Enter")


def inert(v: Visit) -> None:
    """Nothing ran, nothing was made of markup, nothing was fetched, nothing complained."""
    page = v.page
    page.wait_for_timeout(150)
    assert page.evaluate(PWNED) == "undefined"
    assert page.evaluate("document.querySelectorAll('img, svg, b, iframe, object').length") == 0
    assert page.evaluate("document.scripts.length") == 3
    assert v.requests == [] and v.errors == []


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


@pytest.mark.parametrize("corpus", ["sample", "seed"])
@pytest.mark.parametrize("view", NETWORK_VIEWS)
def test_view_opens_offline_drawn_and_error_free(
    visit: Any, pages: dict[str, Path], corpus: str, view: str, docs_out: Path
) -> None:
    v = visit(pages[f"{corpus}-{view}"])
    page = v.page
    page.wait_for_timeout(300)
    assert colours_drawn(page) > 3
    if corpus == "sample":
        (docs_out / "img").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(docs_out / "img" / f"view-{view}.png"))
    assert v.requests == [] and v.errors == []
    assert page.title() == f"{corpus.title()}: {view}"
    assert page.locator("#legend").is_visible()
    summary = page.text_content("#summary") or ""
    assert f"View: {view}" in summary and "Filters: none" in summary and "Built 20" in summary
    n = len(graph_info(page))
    assert f"{n} nodes" in summary and page.text_content("#shown") == f"Showing {n} of {n} nodes"


@pytest.mark.parametrize("corpus", ["sample", "seed"])
@pytest.mark.parametrize("view", NETWORK_VIEWS)
def test_search_and_click_open_the_panel(
    visit: Any, pages: dict[str, Path], corpus: str, view: str
) -> None:
    v = visit(pages[f"{corpus}-{view}"])
    page = v.page
    info = graph_info(page)
    labels = [item["label"] for item in info.values()]
    unique = [i for i, item in info.items() if labels.count(item["label"]) == 1]
    degree = page.evaluate("ids => ids.map(id => defgraphNetwork.getConnectedEdges(id).length)",
                           unique)  # fmt: skip
    ranked = [i for _, i in sorted(zip(degree, unique), key=lambda di: -di[0])]
    first, second = ranked[0], ranked[1]
    search(page, info[first]["label"])
    assert page.evaluate("defgraphNetwork.getSelectedNodes()") == [first]
    assert page.text_content("#search-status") == "1 match"
    assert page.text_content("#panel-title") == info[first]["label"]
    assert page.get_attribute("#panel", "data-node") == first
    assert page.locator("#panel-links li").count() > 0
    page.click("#panel-close")
    assert page.locator("#panel").is_hidden()

    click_node(page, second)
    page.wait_for_selector("#panel:not([hidden])")
    assert page.text_content("#panel-title") == info[second]["label"]
    assert page.get_attribute("#panel", "data-node") == second
    assert (page.text_content("#panel-details") or "").strip()
    page.mouse.move(5, 400)
    click_node(page, second)  # the pointer rests on the node: its tooltip shows
    page.wait_for_selector("div.vis-tooltip", state="visible")
    assert info[second]["label"][:30] in (page.text_content("div.vis-tooltip") or "")
    assert v.requests == [] and v.errors == []


def test_panel_shows_events_evidence_and_sources(visit: Any, pages: dict[str, Path]) -> None:
    page = visit(pages["sample-events"]).page
    search(page, "£450 million from United Kingdom to Ukraine")
    assert page.text_content("#panel-kind") == "Pledge"
    quote = page.locator("#panel-evidence blockquote").first
    assert "£450 million" in (quote.text_content() or "")
    source = page.locator("#panel-evidence .cite a").first
    assert (source.get_attribute("href") or "").startswith("https://")
    assert source.get_attribute("rel") == "noopener noreferrer"
    assert source.get_attribute("target") == "_blank"
    assert page.locator("#panel-sources a").count() >= 1
    event = page.locator("#panel-events button").first
    name = event.text_content()
    event.click()
    assert page.text_content("#panel-title") == name
    assert page.text_content("#panel-kind") == "Meeting"
    # a state: its events, through the people who represent it too, and what they rest on
    search(page, "United Kingdom")
    assert page.locator("#panel-events li").count() >= 7
    assert page.locator("#panel-evidence li").count() >= 1
    assert page.locator("#panel-sources li").count() >= 3
    page.get_by_role("button", name="John Healey").click()
    assert page.text_content("#panel-title") == "John Healey"
    assert "Defence Secretary" in (page.text_content("#panel-details") or "")


def test_type_and_date_filters(visit: Any, pages: dict[str, Path]) -> None:
    v = visit(pages["sample-events"])
    page = v.page
    info = graph_info(page)
    total = len(info)
    people = {i for i, item in info.items() if item["kind"] == "person"}
    page.uncheck("#kinds input[value=person]")
    shown = set(shown_nodes(page))
    assert shown == set(info) - people
    assert page.text_content("#shown") == f"Showing {total - len(people)} of {total} nodes"
    search(page, "John Healey")
    assert page.text_content("#search-status") == "no match shown (1 hidden by filters)"
    page.check("#kinds input[value=person]")

    page.fill("#date-from", "2025-03-01")
    page.fill("#date-to", "2025-04-30")
    shown = set(shown_nodes(page))
    assert len(shown) < total
    for i in shown:
        span = info[i].get("span")
        if span:
            assert span[1] >= "2025-03-01" and span[0] <= "2025-04-30", info[i]
    dated = {i for i in shown if info[i].get("span")}
    assert {info[i]["kind"] for i in dated} >= {"event", "pledge", "statement"}
    # an undated node is shown only when linked to something shown that is dated
    for i in shown - dated:
        linked = page.evaluate("id => defgraphNetwork.getConnectedNodes(id)", i)
        assert any(j in dated for j in linked), info[i]["label"]
    assert "United Kingdom" in {info[i]["label"] for i in shown}
    assert "Sébastien Lecornu" not in {info[i]["label"] for i in shown}
    page.click("#reset")
    page.wait_for_function("n => defgraphNodes.get({filter: x => !x.hidden}).length === n", arg=total)
    assert page.input_value("#date-from") == ""
    assert v.errors == [] and v.requests == []


def test_date_filter_reweighs_shared_events(visit: Any, pages: dict[str, Path]) -> None:
    page = visit(pages["sample-countries"]).page
    before = {e["id"]: e.get("value") for e in page.evaluate("defgraphEdges.get()")}
    page.fill("#date-from", "2025-01-01")
    edges = page.evaluate("defgraphEdges.get()")
    shown = [e for e in edges if not e.get("hidden")]
    assert 0 < len(shown) < len(edges)
    assert all(e["value"] <= before[e["id"]] for e in shown)
    info = graph_info(page)
    visible = set(shown_nodes(page))
    assert all(e["from"] in visible and e["to"] in visible for e in shown)
    assert len(visible) < len(info)


@pytest.mark.parametrize("view", NETWORK_VIEWS)
def test_markup_in_an_ingested_statement_stays_text(
    visit: Any, pages: dict[str, Path], view: str
) -> None:
    """A real statement file with markup in it, read, extracted and stored like any other."""
    v = visit(pages[f"hostile-{view}"])
    page = v.page
    if view == "events":
        search(page, "<script>")
        assert page.text_content("#panel-title") == HOSTILE_TITLE
        assert HOSTILE_PUBLISHER in (page.text_content("#panel-details") or "")
        click_node(page, page.get_attribute("#panel", "data-node"))
        page.mouse.move(5, 400)
        click_node(page, page.get_attribute("#panel", "data-node"))
        page.wait_for_selector("div.vis-tooltip", state="visible")
        assert HOSTILE_TITLE in (page.text_content("div.vis-tooltip") or "")
    else:
        search(page, "United Kingdom")
        assert page.text_content("#panel-title") == "United Kingdom"
    panel = page.text_content("#panel") or ""
    assert HOSTILE_TITLE in panel  # a source, or the node itself
    assert '<img src=x onerror="window.__pwned=16">' in panel  # an evidence quote
    # the source link was javascript:, so it stays text; no link is made of it
    assert page.locator("#panel a").count() == 0
    # the person whose name was "Jan<script>...": the extractor keeps the name up to the markup
    if view in ("events", "ego"):
        assert "Jan" in {item["label"] for item in graph_info(page).values()}
    inert(v)


@pytest.mark.parametrize("view", NETWORK_VIEWS)
def test_markup_in_names_stays_text(visit: Any, pages: dict[str, Path], view: str) -> None:
    """Names of people, places and states made of markup, built from the model."""
    v = visit(pages[f"names-{view}"])
    page = v.page
    name = '<svg onload="window.__pwned=5">' if view in ("countries", "pledges") else IMG_NAME
    if view == "pledges":
        assert graph_info(page) == {}  # no pledge in this graph: an empty page, still inert
        inert(v)
        return
    nid = node_id(page, name)
    click_node(page, nid)
    page.wait_for_selector("#panel:not([hidden])")
    assert page.text_content("#panel-title") == name
    page.mouse.move(5, 400)
    click_node(page, nid)  # hovering shows the tooltip
    page.wait_for_selector("div.vis-tooltip", state="visible")
    assert name in (page.text_content("div.vis-tooltip") or "")
    search(page, "<script>")
    if view in ("events", "ego"):
        assert page.text_content("#panel-title") == SCRIPT_NAME
        search(page, CLOSE_NAME)
        assert page.text_content("#panel-title") == CLOSE_NAME
    if view == "events":
        search(page, "Hostile")  # the statement: its source is a javascript: URL
        assert "javascript:window.__pwned=4" in (page.text_content("#panel-details") or "")
        assert page.locator("#panel a").count() == 0
    inert(v)


@pytest.mark.parametrize("corpus", ["sample", "hostile"])
def test_notebook_iframe_is_isolated_and_works(visit: Any, tmp_path: Path, corpus: str) -> None:
    """KnowledgeGraph.show()'s HTML, as a notebook puts it in its page."""
    source = DATA / "statements" if corpus == "sample" else hostile_statement_file(tmp_path)
    view = ingested(source).show("events", height=600)
    host = tmp_path / "notebook.html"
    host.write_text("<!DOCTYPE html><title>notebook</title><h1>Out[1]:</h1>"
                    + view._repr_html_(), encoding="utf-8")  # fmt: skip
    v = visit(host, wait=False)
    v.page.goto(host.as_uri())
    frame = v.page.frames[1]
    frame.wait_for_selector("html[data-ready='1']", timeout=15_000)
    assert frame.evaluate("typeof window.defgraphNetwork") == "object"
    assert frame.evaluate("window.origin") == "null"  # sandboxed: not the notebook's origin
    assert int(frame.evaluate("""() => {
        const c = document.querySelector('#network canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < d.length; i += 4 * 97) seen.add(d.slice(i, i + 4).join(','));
        return seen.size; }""")) > 3  # fmt: skip
    frame.fill("#search", "United Kingdom")
    frame.press("#search", "Enter")
    assert frame.text_content("#panel-title") == "United Kingdom"
    v.page.wait_for_timeout(150)
    assert v.page.evaluate(PWNED) == "undefined" and frame.evaluate(PWNED) == "undefined"
    assert v.requests == [] and v.errors == []


def test_5000_nodes_answer_script_calls(visit: Any, tmp_path: Path, docs_out: Path) -> None:
    """Records how soon a 5,000-node page answers: printed and written to browser-scale.json.

    Timed from navigation start (performance.now() in the page) to the first successful
    defgraphNetwork.getSelectedNodes(), then to a search answered, then to a click's panel.
    """
    t0 = time.perf_counter()
    graph = network(scale_store(), "events", max_nodes=None, limit=None)  # every event read
    path = write_html(graph, tmp_path / "scale.html", title="5,000 nodes")
    built = time.perf_counter() - t0
    assert graph.number_of_nodes() == 5000

    v = visit(path, wait=False)
    page = v.page
    page.goto(path.as_uri(), wait_until="commit")
    first = None
    while first is None:
        first = page.evaluate(
            "() => { try { window.defgraphNetwork.getSelectedNodes(); return performance.now(); }"
            " catch (e) { return null; } }"
        )
        if first is None:
            page.wait_for_timeout(5)
    page.wait_for_selector("html[data-ready='1']", timeout=30_000)
    drawn = page.evaluate("performance.now()")
    search(page, "Person 0001")
    searched = page.evaluate("performance.now()")
    assert page.text_content("#search-status") == "1 match"
    assert page.text_content("#panel-title") == "Person 0001"
    page.click("#panel-close")
    target = node_id(page, "State XAB")
    before_click = page.evaluate("performance.now()")
    click_node(page, target)
    page.wait_for_selector("#panel:not([hidden])")
    clicked = page.evaluate("performance.now()")
    assert page.text_content("#panel-title") == "State XAB"
    assert colours_drawn(page) > 3
    assert v.requests == [] and v.errors == []

    figures = {
        "what": "events view of synthetic statements (tests/browser_util.py scale_store), "
        "opened from disk in headless Chromium",
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "html_bytes": path.stat().st_size,
        "python_build_and_write_s": round(built, 2),
        "first_script_call_answered_ms": round(first),
        "first_drawn_ms": round(drawn),
        "search_answered_ms": round(searched),
        "click_to_panel_ms": round(clicked - before_click),
        "chromium": page.context.browser.version,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "measured": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "note": "performance.now() from navigation start; recorded, not asserted",
    }
    print("\n" + json.dumps(figures, indent=2))
    docs_out.mkdir(parents=True, exist_ok=True)
    (docs_out / "browser-scale.json").write_text(json.dumps(figures, indent=2) + "\n",
                                                 encoding="utf-8")



# -- the timeline (vis-timeline) ------------------------------------------------------------


def timeline_items(page: Any) -> list[dict[str, Any]]:
    return list(page.evaluate("JSON.parse(document.getElementById('graph-data').textContent).items"))


def drag(page: Any, selector: str, x0: float, x1: float) -> None:
    box = page.locator(selector).bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, y, steps=4)
    page.mouse.move(x1, y, steps=4)
    page.mouse.up()


@pytest.mark.parametrize("corpus", ["sample", "seed"])
def test_timeline_opens_offline_drawn_and_error_free(
    visit: Any, pages: dict[str, Path], corpus: str
) -> None:
    v = visit(pages[f"{corpus}-timeline"])
    page = v.page
    items = timeline_items(page)
    assert items
    assert page.locator(".vis-item").count() >= 1
    assert page.locator(".vis-labelset .vis-label").count() >= 1
    summary = page.text_content("#summary") or ""
    assert "View: timeline" in summary and "Filters: none" in summary
    events = sum(1 for i in items if i["kind"] == "event")
    planned = sum(1 for i in items if i["planned"])
    assert f"{events} events ({planned} planned)" in summary
    assert (page.text_content("#shown") or "").startswith(f"Showing {events} event")
    assert v.requests == [] and v.errors == []


def test_timeline_brushing_selects_the_range(visit: Any, pages: dict[str, Path]) -> None:
    v = visit(pages["sample-timeline"])
    page = v.page
    items = {i["id"]: i for i in timeline_items(page)}
    box = page.locator("#brush").bounding_box()
    x0, x1 = box["x"] + box["width"] * 0.55, box["x"] + box["width"] * 0.8
    first, last = page.evaluate("xs => xs.map(x => defgraphDayAt(x))", [x0, x1])
    assert first < last
    drag(page, "#brush", x0, x1)
    assert page.input_value("#date-from") == first and page.input_value("#date-to") == last
    expected = {i for i, it in items.items() if not (it["end"] < first or it["start"] > last)}
    assert expected and expected != set(items)  # the range holds some items, not all
    selected = page.evaluate("defgraphTimeline.getSelection()")
    assert {s.split("|")[0] for s in selected} == expected
    dimmed = page.evaluate("defgraphItems.get({filter: i => / out/.test(i.className)})"
                           ".map(i => i.node)")  # fmt: skip
    assert set(dimmed) == set(items) - expected
    assert f"Filters: from {first}; to {last}" == page.text_content("#filters")
    assert f"from={first}" in page.evaluate("location.hash")
    # the link reopens the same selection
    page.reload()
    page.wait_for_selector("html[data-ready='1']")
    assert page.input_value("#date-from") == first and page.input_value("#date-to") == last
    assert {s.split("|")[0] for s in page.evaluate("defgraphTimeline.getSelection()")} == expected
    # a click on the strip clears the period
    drag(page, "#brush", x0, x0)
    assert page.input_value("#date-from") == "" and page.text_content("#filters") == "Filters: none"
    assert v.errors == [] and v.requests == []


def test_timeline_item_opens_the_panel_with_evidence(visit: Any, pages: dict[str, Path]) -> None:
    v = visit(pages["sample-timeline"])
    page = v.page
    assert page.evaluate("defgraphSearch('£450 million from United Kingdom')") == "2 matches"
    item = page.locator(".vis-item", has_text="£450 million from United Kingdom").first
    item.scroll_into_view_if_needed()
    item.click()
    page.wait_for_selector("#panel:not([hidden])")
    assert page.text_content("#panel-kind") == "Pledge"
    assert "£450 million" in (page.locator("#panel-evidence blockquote").first.text_content() or "")
    assert {t.strip() for t in page.locator("#panel-links li").all_text_contents()} == {
        "lane United Kingdom", "lane Ukraine"}  # fmt: skip
    assert "focus=" in page.evaluate("location.hash")
    assert v.errors == [] and v.requests == []


def test_timeline_lanes_types_and_planned_switch(visit: Any, pages: dict[str, Path]) -> None:
    v = visit(pages["sample-timeline"])
    page = v.page
    items = timeline_items(page)
    types = {i["type"] for i in items}
    page.check("input[name=lanes][value=type]")
    assert page.locator(".vis-labelset .vis-label").count() == len(types)
    assert page.evaluate("defgraphItems.length") == len(items)  # each drawn once
    page.uncheck("input[name=status][value=held]")
    planned = [i for i in items if i["planned"]]
    assert page.evaluate("defgraphItems.length") == len(planned) > 0
    assert "held only" not in (page.text_content("#filters") or "")
    assert "planned only" in (page.text_content("#filters") or "")
    page.check("input[name=status][value=held]")
    page.uncheck("input[name=type][value=Pledge]")
    assert page.evaluate("defgraphItems.length") == sum(1 for i in items if i["kind"] == "event")
    assert "types: " in (page.text_content("#filters") or "")
    page.click("#reset")
    page.wait_for_timeout(50)
    assert page.text_content("#filters") == "Filters: none"
    assert v.errors == [] and v.requests == []


def test_timeline_exports_what_is_shown_as_csv_and_png(visit: Any, pages: dict[str, Path]) -> None:
    import csv
    import io

    v = visit(pages["sample-timeline"])
    page = v.page
    page.uncheck("input[name=type][value=Pledge]")
    with page.expect_download() as download:
        page.click("#export-csv")
    path = download.value.path()
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text("utf-8"))))
    events = [i for i in timeline_items(page) if i["kind"] == "event"]
    assert len(rows) == len(events) and {r["kind"] for r in rows} == {"event"}
    # the prefixed names of the Turtle export and the query tables (event:KEY-1)
    assert all(r["iri"].startswith("event:") for r in rows)
    with page.expect_download() as download:
        page.click("#export-png")
    png = Path(download.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    assert v.errors == [] and v.requests == []


@pytest.mark.parametrize("corpus", ["hostile", "names"])
def test_timeline_markup_stays_text(visit: Any, pages: dict[str, Path], corpus: str) -> None:
    v = visit(pages[f"{corpus}-timeline"])
    page = v.page
    label = page.locator(".vis-item").first
    label.click()
    page.wait_for_selector("#panel:not([hidden])")
    panel = page.text_content("#panel") or ""
    assert "<" in panel  # the markup is there, as text
    page.evaluate("defgraphSearch('<script>')")
    page.check("input[name=lanes][value=type]")
    inert(v)


def label_overlaps(boxes: list[dict[str, float]]) -> list[tuple[str, str]]:
    """Pairs of drawn label boxes (vis-network's own measures, in page pixels) that intersect."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            w = min(a["right"], b["right"]) - max(a["left"], b["left"])
            h = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if w > 0.5 and h > 0.5:
                found.append((a["id"], b["id"]))
    return found


@pytest.mark.parametrize("view", ["events", "countries", "ego"])
def test_labels_do_not_overlap_at_the_default_zoom(
    visit: Any, pages: dict[str, Path], view: str
) -> None:
    v = visit(pages[f"sample-{view}"])
    page = v.page
    page.wait_for_selector("html[data-labels]")
    boxes = page.evaluate("defgraphLabelBoxes()")
    assert len(boxes) >= min(12, len(graph_info(page)) // 2)  # the important ones are named
    assert label_overlaps(boxes) == []
    # each drawn label is readable: at least 11 px high on screen
    assert min(b["bottom"] - b["top"] for b in boxes) >= 11
    # zoomed in on one node, again none overlap, and more are named
    search(page, "United Kingdom")
    page.wait_for_selector("html[data-labels]")
    assert label_overlaps(page.evaluate("defgraphLabelBoxes()")) == []
    assert v.errors == [] and v.requests == []


def test_event_labels_keep_their_dates(visit: Any, pages: dict[str, Path]) -> None:
    page = visit(pages["sample-events"]).page
    events = [i for i, item in graph_info(page).items() if item["kind"] == "event"]
    labels = page.evaluate("ids => ids.map(id => defgraphNodes.get(id).label)", events)
    cut = [label for label in labels if "…" in label]
    assert cut and all(re.search(r" on \d{4}-\d\d-\d\d$", label) for label in cut), cut


def test_controls_tell_the_truth_and_the_link_keeps_them(visit: Any, pages: dict[str, Path]) -> None:
    """Type, status and confidence filters beside the dates; the header says what is drawn."""
    v = visit(pages["sample-events"])
    page = v.page
    info = graph_info(page)
    meetings = {i for i, item in info.items() if item["type"] == "Meeting"}
    assert meetings
    page.uncheck("#types input[value=Meeting]")
    shown = set(shown_nodes(page))
    assert not shown & meetings
    assert "types: " in (page.text_content("#filters") or "") and "Meeting" not in (
        page.text_content("#filters") or "")
    kinds = {info[i]["kind"] for i in shown}
    events = sum(1 for i in shown if info[i]["kind"] == "event")
    assert (page.text_content("#node-count") or "").startswith(f"{len(shown)} nodes ({events} events")
    edges = page.evaluate("defgraphEdges.get({filter: e => !e.hidden}).length")
    assert page.text_content("#edge-count") == f"{edges} edges"
    assert "statement" in kinds
    # statements only while they report something shown
    for i in shown:
        if info[i]["kind"] == "statement":
            linked = page.evaluate("id => defgraphNetwork.getConnectedNodes(id)", i)
            assert any(info[j]["kind"] in ("event", "pledge") and j in shown for j in linked)
    # the layout re-fits to what is shown: every shown node is on screen
    box = page.locator("#network").bounding_box()
    xy = page.evaluate("ids => ids.map(id => defgraphNetwork.canvasToDOM(defgraphNetwork.getPosition(id)))",
                       sorted(shown))  # fmt: skip
    assert all(0 <= p["x"] <= box["width"] and 0 <= p["y"] <= box["height"] for p in xy)
    # held / planned: only the planned event (and what it involves) is left
    page.check("#types input[value=Meeting]")
    page.uncheck("#status input[value=held]")
    planned = {i for i in shown_nodes(page) if info[i]["kind"] == "event"}
    assert planned and all(info[i].get("planned") for i in planned)
    assert "planned only" in (page.text_content("#filters") or "")
    # confidence
    page.check("#status input[value=held]")
    page.fill("#min-confidence", "0.7")
    kept = [i for i in shown_nodes(page) if info[i]["kind"] in ("event", "pledge")]
    assert kept and all(info[i]["confidence"] >= 0.7 for i in kept)
    page.fill("#date-from", "2025-01-01")
    search(page, "United Kingdom")
    hash_ = page.evaluate("location.hash")
    assert "min=0.7" in hash_ and "from=2025-01-01" in hash_ and "focus=" in hash_
    # the link reopens the same view
    expected = sorted(shown_nodes(page))
    filters = page.text_content("#filters")
    page.reload()
    page.wait_for_selector("html[data-ready='1']")
    assert sorted(shown_nodes(page)) == expected and page.text_content("#filters") == filters
    assert page.text_content("#panel-title") == "United Kingdom"
    assert v.errors == [] and v.requests == []


def test_search_frames_the_node_with_its_neighbours(visit: Any, pages: dict[str, Path]) -> None:
    page = visit(pages["sample-events"]).page
    search(page, "Lithuania")
    nid = page.get_attribute("#panel", "data-node")
    near = page.evaluate("id => [id].concat(defgraphNetwork.getConnectedNodes(id))", nid)
    box = page.locator("#network").bounding_box()
    legend = page.locator("#legend").bounding_box()
    xy = page.evaluate("ids => ids.map(id => defgraphNetwork.canvasToDOM(defgraphNetwork.getPosition(id)))", near)
    # every neighbour on screen, right of the legend, and the found node not blown up
    assert all(legend["x"] + legend["width"] - box["x"] <= p["x"] <= box["width"] for p in xy)
    assert all(0 <= p["y"] <= box["height"] for p in xy)
    assert page.evaluate("defgraphNetwork.getScale()") <= 1.6


def test_export_csv_and_png_offline(visit: Any, pages: dict[str, Path]) -> None:
    import base64
    import csv
    import io

    v = visit(pages["sample-events"])
    page = v.page
    info = graph_info(page)
    search(page, "United Kingdom")  # one node selected: the CSV is it and nothing else
    with page.expect_download() as download:
        page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert [(r["record"], r["label"]) for r in rows] == [("node", "United Kingdom")]
    page.keyboard.press("Escape")
    page.evaluate("defgraphNetwork.unselectAll()")
    page.uncheck("#kinds input[value=statement]")
    with page.expect_download() as download:
        page.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    nodes = [r for r in rows if r["record"] == "node"]
    assert len(nodes) == len(shown_nodes(page)) < len(info)
    assert not any(r["kind"] == "statement" for r in nodes)
    assert any(r["record"] == "edge" and r["relation"] == "participant" for r in rows)
    with page.expect_download() as download:
        page.click("#export-png")
    png = Path(download.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
    assert base64.b64decode(page.evaluate("defgraphPng()").split(",", 1)[1])[:4] == b"\x89PNG"
    assert v.errors == [] and v.requests == []


def test_pledge_amounts_are_widths_with_a_legend(visit: Any, pages: dict[str, Path]) -> None:
    page = visit(pages["sample-pledges"]).page
    assert page.evaluate("defgraphEdges.get().filter(e => e.label && e.label.trim()).length") == 0
    widths = page.locator("#legend .widths li")
    assert widths.count() >= 2
    assert "USD" in (widths.first.text_content() or "")


def test_screenshot_command_writes_pngs(tmp_path: Path) -> None:
    """`python -m defgraph.views.screenshots OUTDIR` photographs views into OUTDIR only."""
    import subprocess
    import sys

    import defgraph

    require(CHROMIUM.exists(), f"{CHROMIUM}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(defgraph.__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "defgraph.views.screenshots", str(tmp_path / "img"),
         "--chromium", str(CHROMIUM), "--view", "timeline", "--view", "pledges"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in (tmp_path / "img").iterdir())
    assert written == ["view-pledges.png", "view-timeline.png"]
    for name in written:
        data = (tmp_path / "img" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_timeline_clusters_many_items(visit: Any, tmp_path: Path) -> None:
    from browser_util import scale_extractions, store_of

    store = store_of(scale_extractions(statements=120, countries=12, organisations=4, people=40,
                                       places=10))  # fmt: skip
    path = render(store, tmp_path / "many.html", "timeline", title="Many")
    v = visit(path)
    page = v.page
    assert len(timeline_items(page)) > 150
    page.wait_for_selector(".vis-item.vis-cluster")
    text = page.locator(".vis-item.vis-cluster").first.text_content() or ""
    assert re.fullmatch(r"\d+ items", text.strip())
    assert v.errors == [] and v.requests == []
