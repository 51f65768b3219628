"""Positions computed in Python: per-component force layouts packed in rows, rings for ego."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx

from .ego import _FOCUS_ORDER

_STRETCH = 1.35  # screens are wider than tall; layouts come out round


def _component_layout(sub: nx.Graph) -> dict[str, tuple[float, float]]:
    """Unscaled positions for one connected component (needs numpy; scipy for kamada_kawai)."""
    nodes = list(sub.nodes)
    n = len(nodes)
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    if n == 2:
        return {nodes[0]: (-1.0, 0.0), nodes[1]: (1.0, 0.0)}
    try:
        if n <= 150:
            pos = nx.kamada_kawai_layout(sub, weight="distance")
        else:
            return _local_force_layout(sub, iterations=150 if n <= 3000 else 50)
    except ImportError:  # no scipy: networkx's spring layout needs numpy only
        pos = nx.spring_layout(sub, seed=1, weight="weight", iterations=100)
    return {k: (float(p[0]), float(p[1])) for k, p in pos.items()}


def _local_force_layout(sub: nx.Graph, iterations: int) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold for components of more than 150 nodes, near-linear per step.

    networkx's spring_layout costs O(n²) a step (minutes for 10,000 nodes) and
    packs hubs' neighbours tight; this starts from the spectral layout and, as in
    FR's grid variant, lets nodes repel only within 2k, found with a k-d tree.
    Nodes come out evenly spread, so labels stay readable.
    """
    import numpy as np
    from scipy.spatial import cKDTree

    nodes = list(sub)
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    ends = np.array([(index[u], index[v]) for u, v in sub.edges()], dtype=np.intp).reshape(-1, 2)
    # spectral layouts squeeze hubs' neighbours into a point: keep only each axis's order
    spectral = _spectral_start(sub, nodes)
    pos = (spectral.argsort(axis=0).argsort(axis=0) + 0.5) / n
    pos += np.random.default_rng(1).uniform(-0.5 / n, 0.5 / n, size=pos.shape)
    k = math.sqrt(1.0 / n)

    def push(disp: Any, pairs: Any, force: Any) -> None:
        for axis in (0, 1):
            disp[:, axis] += np.bincount(pairs[:, 0], force[:, axis], minlength=n)
            disp[:, axis] -= np.bincount(pairs[:, 1], force[:, axis], minlength=n)

    for step in range(iterations):
        disp = np.zeros_like(pos)
        pairs = cKDTree(pos).query_pairs(2 * k, output_type="ndarray")
        if len(pairs):
            d = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            push(disp, pairs, d * (k * k / np.maximum((d * d).sum(axis=1), 1e-12))[:, None])
        d = pos[ends[:, 0]] - pos[ends[:, 1]]
        push(disp, ends, -d * (np.sqrt((d * d).sum(axis=1)) / k)[:, None])
        length = np.maximum(np.sqrt((disp * disp).sum(axis=1)), 1e-12)
        temperature = 0.1 * (1 - step / iterations) + 0.002
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
    return {v: (float(x), float(y)) for v, (x, y) in zip(nodes, pos)}


def _spectral_start(sub: nx.Graph, nodes: list[Any]) -> Any:
    """Two spectral coordinates per node, cheaply: the second and third largest eigenvectors
    of the normalised adjacency matrix (the smallest of the normalised Laplacian, which
    networkx's spectral_layout asks ARPACK for and which took minutes on large event
    networks). Only each axis's order is used, so a loose tolerance does.
    """
    import numpy as np
    from scipy.sparse import diags
    from scipy.sparse.linalg import ArpackNoConvergence, eigsh

    n = len(nodes)
    a = nx.to_scipy_sparse_array(sub, nodelist=nodes, weight=None, format="csr", dtype=float)
    degree = np.asarray(a.sum(axis=1)).ravel()
    scale = diags(1.0 / np.sqrt(np.maximum(degree, 1.0)))
    m = scale @ a @ scale
    v0 = np.random.default_rng(1).uniform(0.5, 1.5, size=n)
    try:
        _, vectors = eigsh(m, k=3, which="LA", tol=1e-3, maxiter=50 * n, v0=v0)
    except ArpackNoConvergence as exc:  # what did converge is still an order to start from
        vectors = exc.eigenvectors
    if vectors.shape[1] < 3:
        return np.random.default_rng(1).uniform(0, 1, size=(n, 2))
    return vectors[:, [1, 0]]  # ascending: [third, second, first (constant-like)]


def _spread(pos: dict[str, tuple[float, float]], spacing: float) -> dict[str, tuple[float, float]]:
    """Scale and centre a layout so that the median nearest-neighbour distance is ``spacing``."""
    import numpy as np

    keys = list(pos)
    xy = np.array([pos[k] for k in keys], dtype=float)
    xy -= xy.mean(axis=0)
    xy[:, 0] *= _STRETCH
    if len(keys) > 1:
        try:
            from scipy.spatial import cKDTree

            distances = cKDTree(xy).query(xy, k=2)[0][:, 1]
        except ImportError:
            parts = []
            for i in range(0, len(keys), 512):  # 512 x n distances at a time
                d = np.hypot(*(xy[i : i + 512, None, :] - xy[None, :, :]).transpose(2, 0, 1))
                d[np.arange(d.shape[0]), np.arange(i, i + d.shape[0])] = np.inf
                parts.append(d.min(axis=1))
            distances = np.concatenate(parts)
        apart = distances[distances > 0]
        if len(apart):
            xy *= spacing / float(np.median(apart))
    return {k: (float(x), float(y)) for k, (x, y) in zip(keys, xy)}


def _ego_layout(
    graph: nx.MultiDiGraph, centre: str, spacing: float
) -> dict[str, tuple[float, float]]:
    """Rings around the focus, one per link away; each ring ordered by where its links come from."""
    depth = max((int(a.get("hops", 0)) for _, a in graph.nodes(data=True)), default=0)
    rings: dict[int, list[str]] = defaultdict(list)
    for n, a in graph.nodes(data=True):
        if n != centre:
            rings[int(a.get("hops", depth or 1)) or 1].append(n)
    near = graph.to_undirected(as_view=True)
    angle = {centre: 0.0}
    pos = {centre: (0.0, 0.0)}
    radius = 0.0
    order = {k: i for i, k in enumerate(_FOCUS_ORDER)}
    for ring in sorted(rings):
        members = rings[ring]

        def where(n: str, ring: int = ring) -> tuple[float, int, str]:
            inner = [angle[m] for m in near[n] if m in angle]
            mean = math.atan2(sum(map(math.sin, inner)), sum(map(math.cos, inner))) if inner else 0
            kind = order.get(graph.nodes[n].get("kind", ""), 9)
            return (round(mean % (2 * math.pi), 6) if ring > 1 else 0.0, kind, n)

        members.sort(key=where)
        radius = max(radius + 1.1 * spacing, len(members) * spacing / (2 * math.pi))
        for i, n in enumerate(members):
            theta = 2 * math.pi * i / len(members) + (0.5 if ring % 2 == 0 else 0.0)
            angle[n] = theta
            pos[n] = (
                round(radius * math.cos(theta) * _STRETCH, 1),
                round(radius * math.sin(theta), 1),
            )
    return pos


def _layout(graph: nx.MultiDiGraph, spacing: float) -> dict[str, tuple[float, float]] | None:
    """Positions in vis pixels: each connected component laid out apart, then packed in rows.

    An ego view is drawn as rings around its focus. None when numpy is missing: the
    page then lets vis-network's physics place the nodes.
    """
    centre = graph.graph.get("focus_iri")
    if centre in graph:
        return _ego_layout(graph, centre, spacing)
    try:
        import numpy  # noqa: F401
    except ImportError:
        return None
    simple = nx.Graph()
    simple.add_nodes_from(sorted(graph.nodes))
    for u, v, a in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1])):
        if u != v:
            w = float(a.get("weight", 1)) + (simple[u][v]["weight"] if simple.has_edge(u, v) else 0)
            simple.add_edge(u, v, weight=w, distance=1.0 / math.sqrt(w))
    components = sorted(
        (sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0])
    )
    boxes = []
    for comp in components:
        sub = nx.Graph()
        sub.add_nodes_from(comp)
        sub.add_edges_from(simple.subgraph(comp).edges(data=True))
        pos = _spread(_component_layout(sub), spacing)
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        boxes.append(
            (pos, min(xs), min(ys), max(xs) - min(xs) + spacing, max(ys) - min(ys) + spacing)
        )
    area = sum(w * h for *_, w, h in boxes)
    row_width = (
        max([w for *_, w, _ in boxes] + [math.sqrt(area) * _STRETCH * 1.2]) if boxes else 0.0
    )
    out: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for pos, x0, y0, w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for k, (px, py) in pos.items():
            out[k] = (round(x + px - x0, 1), round(y + py - y0, 1))
        x += w
        row_height = max(row_height, h)
    return out
