"""The ego view: everything a few links from one entity, and how a --focus name is resolved."""

from __future__ import annotations

import difflib
import re
import unicodedata

import networkx as nx

from .events import _events_view
from .filters import Filters, ViewOptions
from .model import Snapshot


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(folded.casefold().split())


_FOCUS_ORDER = ("country", "organisation", "person", "place", "event", "pledge", "statement")


def resolve_focus(raw: Snapshot, text: str) -> str:
    """The IRI an ego view centres on: an IRI, an ISO code, a country's, person's or any label.

    Exact matches win over partial ones, and states over organisations, people and
    places; a name that still fits several nodes raises ValueError listing them.
    """
    q = text.strip()
    if not q:
        raise ValueError("give --focus: a country (name or ISO code), a person, or any label")
    if q in raw.kinds:
        return q
    if re.fullmatch(r"[A-Za-z]{3}", q):
        hits = [i for i, k in raw.kinds.items() if k == "country" and q.upper() in
                raw.attrs.get(i, {}).get("iso3", [])]  # fmt: skip
        if hits:
            return min(hits)
    folded = _fold(q)

    def pick(candidates: list[str], how: str) -> str | None:
        if not candidates:
            return None
        best = min(_FOCUS_ORDER.index(raw.kinds[i]) for i in candidates)
        top = sorted(i for i in candidates if _FOCUS_ORDER.index(raw.kinds[i]) == best)
        if len(top) == 1:
            return top[0]
        names = "; ".join(f"{raw.label(i)} <{i}>" for i in top[:8])
        raise ValueError(
            f"{text!r} {how} {len(top)} {raw.kinds[top[0]]} nodes: {names}"
            + (" …" if len(top) > 8 else "")
            + "; give the full IRI or a longer name"
        )

    exact = pick([i for i in raw.kinds if _fold(raw.label(i)) == folded], "names")
    if exact:
        return exact
    try:
        from ..extract.countries import resolve_country

        code = resolve_country(q)
    except (ImportError, LookupError, ValueError):  # the extractor's tables not loadable
        code = None
    if code:
        hits = [i for i, k in raw.kinds.items() if k == "country" and code in
                raw.attrs.get(i, {}).get("iso3", [])]  # fmt: skip
        if hits:
            return min(hits)
    partial = pick(
        [i for i in raw.kinds if folded in _fold(raw.label(i))], "is part of the name of"
    )
    if partial:
        return partial
    labels = sorted({raw.label(i) for i in raw.kinds})
    close = difflib.get_close_matches(q, labels, n=5, cutoff=0.6)
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise ValueError(f"nothing in the graph is called {text!r}{hint}")


def _ego_view(raw: Snapshot, f: Filters, o: ViewOptions | None = None) -> nx.MultiDiGraph:
    """The neighbourhood of one node in the events view: everything ``depth`` links away."""
    o = o or ViewOptions()
    if not o.focus:
        raise ValueError("the ego view needs a focus: a country, a person or any label")
    if o.depth < 1:
        raise ValueError(f"depth must be 1 or more, not {o.depth}")
    centre = resolve_focus(raw, o.focus)
    base = _events_view(raw, f)
    if centre not in base:
        raise ValueError(
            f"{raw.label(centre)} takes part in no event or pledge"
            + (" within the chosen dates and types" if f.describe() else "")
        )
    hops = nx.single_source_shortest_path_length(
        base.to_undirected(as_view=True), centre, cutoff=o.depth
    )
    g = nx.MultiDiGraph(base.subgraph(hops))
    kind = raw.kinds[centre]
    g.graph.update(
        description=f"Everything within {o.depth} link{'s' if o.depth != 1 else ''} of "
        f"{raw.label(centre)} ({kind}) in the events view; the focus is drawn with a black ring.",
        focus=f"{raw.label(centre)} ({kind}), depth {o.depth}",
        focus_iri=centre,
    )
    for n, d in hops.items():
        g.nodes[n]["hops"] = d
        g.nodes[n]["details"] = {**g.nodes[n]["details"], "links from focus": str(d)}
    g.nodes[centre]["focus"] = True
    return g
