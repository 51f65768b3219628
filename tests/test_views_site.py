"""What `defgraph build` draws: readable views at every size (views.site)."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from browser_util import ingested
from conftest import DATA, REPO

from defgraph.views import network
from defgraph.views.site import PAGES, write_views


def graph_nodes(html: str) -> int:
    match = re.search(r'<span id="node-count">(\d+) nodes', html)
    assert match, "no node count in the header"
    return int(match.group(1))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The benchmark generator's corpus of 150 statements, ingested."""
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec and spec.loader
    gen: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = gen
    spec.loader.exec_module(gen)
    folder = tmp_path_factory.mktemp("corpus")
    gen.write_corpus(folder, 150, seed=3)
    return ingested(folder)


def test_small_corpus_gets_every_view_whole(tmp_path: Path) -> None:
    kg = ingested(DATA / "statements")
    paths = write_views(kg.store, tmp_path)
    assert (
        [p.name for p in paths] == list(PAGES) == ["graph.html", "countries.html", "timeline.html"]
    )
    events = paths[0].read_text("utf-8")
    assert graph_nodes(events) == network(kg.store, "events").number_of_nodes()
    assert 'id="left-out"' not in events


def test_large_corpus_limits_the_events_view_and_says_so(generated, tmp_path: Path) -> None:
    full = network(generated.store, "events", max_nodes=None)
    anchors = sum(1 for _, a in full.nodes(data=True) if a["kind"] in ("event", "pledge"))
    assert anchors > 60
    paths = write_views(generated.store, tmp_path, large_above=60, node_budget=80)
    events = paths[0].read_text("utf-8")
    shown = graph_nodes(events)
    assert shown <= 80 < full.number_of_nodes()
    note = re.search(r'<p class="aggregated" id="left-out">([^<]*)</p>', events)
    assert note, "the header does not say what was left out"
    m = re.match(r"Showing the (\d+) best-connected of (\d+) events and pledges; (\d+) left out\.",
                 note.group(1))  # fmt: skip
    assert m and int(m.group(2)) == anchors and int(m.group(1)) + int(m.group(3)) == anchors
    assert "timeline view" in note.group(
        1
    ) and "defgraph render --view events --from" in note.group(1)
    # the timeline still holds every dated event and pledge
    timeline = paths[2].read_text("utf-8")
    assert re.search(r"(\d+) events \(\d+ planned\), (\d+) pledges", timeline)


def test_the_best_connected_are_kept(generated) -> None:
    full = network(generated.store, "events", max_nodes=None)
    limited = network(generated.store, "events", node_budget=80, max_nodes=None)
    degree = {n: len({v for _, v in full.out_edges(n)}) for n, a in full.nodes(data=True)
              if a["kind"] in ("event", "pledge")}  # fmt: skip
    kept = [n for n, a in limited.nodes(data=True) if a["kind"] in ("event", "pledge")]
    left = set(degree) - set(kept)
    assert kept and left
    # what is kept is on average better connected than what is left out
    assert sum(degree[n] for n in kept) / len(kept) > sum(degree[n] for n in left) / len(left)
