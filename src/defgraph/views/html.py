"""Page assembly: vis-network data, the legend, the header, the CSP and the Jinja2 template."""

from __future__ import annotations

import base64
import hashlib
import html as html_mod
import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import networkx as nx
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .build import network
from .layout import _layout
from .model import Queryable, short, short_label

# -- drawing --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    name: str
    plural: str
    colour: str
    shape: str
    size: int


# Okabe-Ito colours: distinguishable with colour-blindness
KIND_STYLES: dict[str, _Style] = {
    "event": _Style("Event", "events", "#E69F00", "diamond", 15),
    "pledge": _Style("Pledge", "pledges", "#D55E00", "star", 16),
    "country": _Style("Country", "countries", "#0072B2", "dot", 18),
    "organisation": _Style("Organisation", "organisations", "#CC79A7", "triangle", 14),
    "person": _Style("Person", "people", "#009E73", "dot", 9),
    "place": _Style("Place", "places", "#56B4E9", "triangleDown", 11),
    "statement": _Style("Statement", "statements", "#999999", "square", 9),
}
_OTHER = _Style("Other", "others", "#777777", "dot", 10)
# communities: Okabe-Ito again, then black and grey; past nine groups colours repeat (the legend names them)
COMMUNITY_COLOURS = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
    "#D55E00", "#F0E442", "#000000", "#999999",
)  # fmt: skip


def _tooltip(attrs: dict[str, Any]) -> str:
    details = attrs.get("details", {})
    head = details.get("type", attrs.get("kind", ""))
    if attrs.get("date"):
        head += f" · {attrs['date']}"
    lines = [head, attrs.get("label", "")]
    for key in ("role", "represents", "amount", "events", "pledged", "received", "drawn here"):
        if key in details:
            lines.append(f"{key}: {details[key]}")
    if attrs.get("events") and "events" not in details:
        n = len(attrs["events"]) + int(attrs.get("more_events", 0))
        lines.append(f"{n} event{'s' if n != 1 else ''} or pledge{'s' if n != 1 else ''}")
    lines.append("Click for details and sources")
    return "\n".join(short(line, 120) for line in lines if line)


def _node_info(a: dict[str, Any], style: _Style, ids: dict[str, str]) -> dict[str, Any]:
    """What the side panel shows for one node; every value is plain text."""
    details = {str(k): str(v) for k, v in a.get("details", {}).items()}
    search = [details.get("iso3", "")] + [str(x) for x in a.get("aliases", [])]
    item: dict[str, Any] = {
        "label": str(a.get("label", "")),
        "kind": a.get("kind", "") or "other",
        "type": details.get("type", style.name),
        "details": list(details.items()),
        "search": "\n".join(s.lower() for s in search if s),
    }
    if a.get("span"):
        item["span"] = list(a["span"])
    if a.get("events"):
        # an event drawn in this view by its node id (the panel links to it), else null
        item["events"] = [[ids.get(e["iri"]), e["label"], e["date"]] for e in a["events"]]
        if a.get("more_events"):
            item["moreEvents"] = int(a["more_events"])
    if a.get("evidence"):
        item["evidence"] = [[e["quote"], e["statement"], e["url"]] for e in a["evidence"]]
    if a.get("sources"):
        item["sources"] = [[s["title"], s["date"], s["url"]] for s in a["sources"]]
    if a.get("focus"):
        item["focus"] = True
    if a.get("confidence") is not None:
        item["confidence"] = float(a["confidence"])
    if "planned" in details:
        item["planned"] = True
    return item


_EDGE_LABELS_UP_TO = 2000


def _vis_data(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """vis-network nodes, edges and options via pyvis, plus the panel's data."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    directed = bool(graph.graph.get("directed", True))
    net = Network(directed=directed)
    degree = dict(graph.degree())
    sizes: dict[str, float] = {}
    for iri, a in graph.nodes(data=True):
        if "scale" in a:
            sizes[iri] = 8 + 24 * float(a["scale"])
        else:
            sizes[iri] = KIND_STYLES.get(a.get("kind", ""), _OTHER).size + min(
                10.0, 1.5 * math.sqrt(degree[iri])
            )
        if a.get("focus"):
            sizes[iri] += 8
    spacing = min(180.0, 70.0 + 2 * max(sizes.values(), default=10.0))
    if graph.number_of_nodes() <= 40:  # room for the labels of a small view
        spacing *= 1.7
    positions = _layout(graph, spacing=spacing)
    # short node ids keep the page small; each node's IRI is in its panel's details
    ids = {iri: f"n{i}" for i, iri in enumerate(graph.nodes)}
    info: list[tuple[str, dict[str, Any]]] = []
    for iri, a in graph.nodes(data=True):
        style = KIND_STYLES.get(a.get("kind", ""), _OTHER)
        if a.get("colour"):
            colour: Any = a["colour"]
        elif "community" in a:
            colour = COMMUNITY_COLOURS[int(a["community"]) % len(COMMUNITY_COLOURS)]
        else:
            colour = style.colour
        extra: dict[str, Any] = {}
        if positions:
            extra.update(x=positions[iri][0], y=positions[iri][1])
        if a.get("focus"):
            colour = {"background": colour, "border": "#111111",
                      "highlight": {"background": colour, "border": "#111111"}}  # fmt: skip
            extra.update(borderWidth=5, borderWidthSelected=6)
        net.add_node(
            ids[iri],
            label=short_label(str(a.get("label", ""))) or " ",
            shape=style.shape,
            color=colour,
            title=_tooltip(a),
            size=round(sizes[iri], 1),
            **extra,
        )
        info.append((ids[iri], _node_info(a, style, ids)))
    # pyvis.Network.add_edge checks membership in a list per edge (quadratic); Edge is the same
    # conversion without the check, and every endpoint is a node added above.
    edge_info: list[tuple[str, dict[str, Any]]] = []
    # Beyond _EDGE_LABELS_UP_TO edges, lines carry no text: vis-network measures every label
    # (seconds for 10,000 edges) and nobody reads them; hover and the panel still name them.
    labelled = graph.number_of_edges() <= _EDGE_LABELS_UP_TO
    for n, (u, v, a) in enumerate(graph.edges(data=True)):
        label = str(a.get("label", ""))
        options: dict[str, Any] = {"id": f"e{n}", "title": str(a.get("title", label))}
        if labelled:
            options["label"] = str(a.get("caption", label))
        if a.get("value") is not None:
            options["value"] = a["value"]
        if a.get("dashes"):
            options["dashes"] = True
        edge = Edge(ids[u], ids[v], directed, **options).options
        edge.pop("arrows", None)  # set once for all edges in the options below
        net.edges.append(edge)
        meta: dict[str, Any] = {"relation": str(a.get("relation", label))}
        if a.get("parts") is not None:
            meta["parts"] = [list(p) for p in a["parts"]]
            meta["unit"] = a.get("unit", "")
        edge_info.append((f"e{n}", meta))
    big = graph.number_of_edges() > 1500
    net.options = {
        "autoResize": True,
        # laid out above; without numpy, vis-network places the nodes and the page stops physics
        "physics": {"enabled": positions is None, "stabilization": {"iterations": 300}},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "multiselect": True,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
        },
        "nodes": {
            "borderWidth": 1,
            "font": {"size": 19, "face": "system-ui, sans-serif", "color": "#222",
                     "strokeWidth": 3, "strokeColor": "#ffffff"},
        },
        "edges": {
            "smooth": False,
            # arrows cost a fifth of drawing a big graph; its panel still says which way
            "arrows": {"to": {"enabled": directed and labelled, "scaleFactor": 0.45}},
            "color": {"color": "#b5b5b5", "highlight": "#333333", "hover": "#666666"},
            "font": {"size": 12, "color": "#666", "strokeWidth": 3, "strokeColor": "#ffffff",
                     "align": "middle"},
            "scaling": {"min": _WIDTH_MIN,
                        "max": _WIDTH_MAX if graph.graph.get("view") == "pledges" else 9,
                        "label": {"enabled": False}},
        },
    }  # fmt: skip
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    return {
        "view": graph.graph.get("view", ""),
        "directed": directed,
        "edgeLabels": labelled,
        "nodes": nodes,
        "edges": edges,
        "options": json.loads(options) if isinstance(options, str) else options,
        "info": info,
        "edgeInfo": edge_info,
        "kindNames": [[k, st.name.lower(), st.plural] for k, st in KIND_STYLES.items()],
        "pairs": bool(graph.graph.get("edge_summary")),
    }


_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                 0x2028: "\\u2028", 0x2029: "\\u2029"}  # fmt: skip


def script_json(obj: Any) -> str:
    """JSON safe to put inside a <script> element: no <, >, & or line separators left raw."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).translate(
        _JSON_ESCAPES
    )


def _raw_text(text: str, element: str) -> str:
    """Keep inlined JS/CSS from closing its element early (vis-network has no such text today)."""
    text = re.sub(rf"</({element})", r"<\\/\1", text, flags=re.IGNORECASE)
    return text.replace("<!--", "<\\!--")


def _vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS, read from the installed pyvis package."""
    lib = files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text("utf-8"), (lib / "vis-network.css").read_text(
        "utf-8"
    )


def _sha256(text: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"
    )


def _build_time() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return when.strftime("%Y-%m-%d %H:%M UTC")


def _legend(graph: nx.MultiDiGraph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    kinds = Counter(a.get("kind", "") for _, a in graph.nodes(data=True))
    recoloured = bool(graph.graph.get("groups") or graph.graph.get("communities"))
    entries = []
    for kind, style in KIND_STYLES.items():
        if kinds.get(kind):
            colour = "#c8c8c8" if recoloured else style.colour  # the groups below colour them
            entries.append({"kind": kind, "name": style.name, "colour": colour,
                            "shape": style.shape, "count": kinds[kind]})  # fmt: skip
    if graph.graph.get("groups"):
        return entries, list(graph.graph["groups"])
    groups = []
    for n, members in enumerate(graph.graph.get("communities", [])):
        shown = ", ".join(members[:3]) + (f" +{len(members) - 3}" if len(members) > 3 else "")
        groups.append({"name": f"Group {n + 1}: {shown}",
                       "colour": COMMUNITY_COLOURS[n % len(COMMUNITY_COLOURS)],
                       "shape": "dot", "count": len(members)})  # fmt: skip
    return entries, groups


_WIDTH_MIN, _WIDTH_MAX = 1.0, 12.0  # vis-network edge widths for the smallest and largest value


def _width_legend(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Sample line widths and the amounts they stand for (the pledges view), as vis scales them."""
    unit = graph.graph.get("currency")
    values = sorted(float(a["value"]) for *_, a in graph.edges(data=True) if a.get("value"))
    if not unit or not values:
        return []
    low, high = values[0], values[-1]
    picks = sorted({low, values[len(values) // 2], high})

    def width(v: float) -> float:
        if high == low:
            return (_WIDTH_MIN + _WIDTH_MAX) / 2
        return _WIDTH_MIN + (v - low) * (_WIDTH_MAX - _WIDTH_MIN) / (high - low)

    from .fx import money

    return [{"width": round(width(v), 1), "text": money(v * 1e6, unit)} for v in picks]


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("defgraph", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _date_range(graph: nx.MultiDiGraph) -> tuple[str, str]:
    """The earliest and latest day in the view: bounds for the page's date inputs."""
    days = [d for _, a in graph.nodes(data=True) if a.get("span") for d in a["span"] if d]
    days += [d for *_, a in graph.edges(data=True) for p in a.get("parts") or [] for d in p[:2]
             if d]  # fmt: skip
    return (min(days), max(days)) if days else ("", "")


def _csp(scripts: list[str]) -> str:
    """Only these scripts run (by hash); nothing is fetched; inline styles and data: images."""
    return "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(_sha256(s) for s in scripts),
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


_SOURCE_MAP_RE = re.compile(
    r"^[ \t]*(//# sourceMappingURL=.*|/\*# sourceMappingURL=.*\*/)$", re.MULTILINE
)


def _timeline_assets() -> tuple[str, str]:
    """vis-timeline's JS and CSS, vendored in templates/vendor (source-map comments dropped)."""
    lib = files("defgraph") / "templates" / "vendor" / "vis-timeline"
    js = (lib / "vis-timeline-graph2d.min.js").read_text("utf-8")
    css = (lib / "vis-timeline-graph2d.min.css").read_text("utf-8")
    return _SOURCE_MAP_RE.sub("", js), _SOURCE_MAP_RE.sub("", css)


def _template_text(name: str) -> str:
    return (files("defgraph") / "templates" / name).read_text("utf-8")


def render_timeline_html(graph: nx.MultiDiGraph, *, title: str, subtitle: str = "") -> str:
    """The timeline view as one self-contained HTML page (vis-timeline inlined)."""
    from .timeline import timeline_data

    lib_js, lib_css = _timeline_assets()
    app_js = _template_text("panel.js") + "\n" + _template_text("timeline.js")
    scripts = [_raw_text(lib_js, "script"), _raw_text(app_js, "script")]
    counts = graph.graph.get("timeline_counts", {})
    first, last = _date_range(graph)
    return (
        _environment()
        .get_template("timeline.html")
        .render(
            title=title,
            subtitle=subtitle,
            view="timeline",
            description=graph.graph.get("description", ""),
            counts=counts,
            n_lanes=len(graph.graph.get("lanes", [])),
            filters=graph.graph.get("filters", []),
            left_out=graph.graph.get("left_out", ""),
            built=_build_time(),
            first_day=first,
            last_day=last,
            csp=_csp(scripts),
            lib_css=Markup(_raw_text(lib_css, "style")),
            app_css=Markup(
                _raw_text(
                    _template_text("network.css") + "\n" + _template_text("timeline.css"), "style"
                )
            ),
            data=Markup(script_json(timeline_data(graph))),
            lib_js=Markup(scripts[0]),
            app_js=Markup(scripts[1]),
        )
    )


def render_html(graph: nx.MultiDiGraph, *, title: str, subtitle: str = "") -> str:
    """The graph as one self-contained HTML page (vis-network inlined, no request made)."""
    if graph.graph.get("page") == "timeline":
        return render_timeline_html(graph, title=title, subtitle=subtitle)
    env = _environment()
    vis_js, vis_css = _vis_assets()
    app_js = _template_text("panel.js") + "\n" + _template_text("network.js")
    app_css = (files("defgraph") / "templates" / "network.css").read_text("utf-8")
    scripts = [_raw_text(vis_js, "script"), _raw_text(app_js, "script")]
    csp = _csp(scripts)
    kinds = Counter(a.get("kind", "") for _, a in graph.nodes(data=True))
    relations = Counter(str(a.get("label", "")) for _, _, a in graph.edges(data=True))
    node_counts = [
        f"{kinds[k]} {s.plural if kinds[k] != 1 else s.name.lower()}"
        for k, s in KIND_STYLES.items()
        if kinds.get(k)
    ]
    edge_counts = [
        f"{n} {label}" for label, n in sorted(relations.items(), key=lambda x: (-x[1], x[0]))
    ]
    legend, groups = _legend(graph)
    first, last = _date_range(graph)
    return env.get_template("network.html").render(
        title=title,
        subtitle=subtitle,
        view=graph.graph.get("view", ""),
        description=graph.graph.get("description", ""),
        n_nodes=graph.number_of_nodes(),
        n_edges=graph.number_of_edges(),
        node_counts=node_counts,
        edge_counts=edge_counts,
        edge_summary=graph.graph.get("edge_summary", ""),
        filters=graph.graph.get("filters", []),
        focus=graph.graph.get("focus", ""),
        aggregated=graph.graph.get("aggregated", []),
        left_out=graph.graph.get("left_out", ""),
        built=_build_time(),
        legend=legend,
        groups=groups,
        groups_title=graph.graph.get("groups_title", "Communities"),
        legend_notes=graph.graph.get("legend_notes", []),
        legend_lines=_width_legend(graph),
        first_day=first,
        last_day=last,
        csp=csp,
        vis_css=Markup(_raw_text(vis_css, "style")),
        app_css=Markup(_raw_text(app_css, "style")),
        data=Markup(script_json(_vis_data(graph))),
        vis_js=Markup(scripts[0]),
        app_js=Markup(scripts[1]),
    )


def write_html(graph: nx.MultiDiGraph, path: str | Path, *, title: str, subtitle: str = "") -> Path:
    """Write the graph as one self-contained HTML page (vis-network inlined, no request made)."""
    path = Path(path)
    text = render_html(graph, title=title, subtitle=subtitle)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _title(view: str, graph: nx.MultiDiGraph) -> str:
    focus = graph.graph.get("focus")
    return f"defgraph: {view}" + (f" of {focus.split(' (')[0]}" if focus else "")


def render(
    store: Queryable,
    path: str | Path,
    view: str = "events",
    *,
    title: str | None = None,
    subtitle: str = "",
    **options: Any,
) -> Path:
    """network() then write_html(): the store's view as one HTML file."""
    graph = network(store, view, **options)
    return write_html(graph, path, title=title or _title(view, graph), subtitle=subtitle)


@dataclass
class View:
    """A rendered page that shows itself in a notebook, isolated in a sandboxed iframe.

    ``_repr_html_`` puts the whole page in ``<iframe srcdoc="...">`` (escaped with
    ``html.escape(quote=True)``), sandboxed without ``allow-same-origin``: its scripts
    run in an opaque origin, apart from the notebook's page and kernel.
    """

    html: str
    title: str
    height: int = 720

    def _repr_html_(self) -> str:
        return (
            f'<iframe title="{html_mod.escape(self.title, quote=True)}" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
            f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #d0d7de" '
            f'srcdoc="{html_mod.escape(self.html, quote=True)}"></iframe>'
        )

    def save(self, path: str | Path) -> Path:
        """Write the page to a file, to open in a browser or send on."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.html, encoding="utf-8")
        return path


def page(
    store: Queryable,
    view: str = "events",
    *,
    title: str | None = None,
    subtitle: str = "",
    height: int = 720,
    **options: Any,
) -> View:
    """network() then render_html(), kept in memory: what ``KnowledgeGraph.show`` returns."""
    graph = network(store, view, **options)
    name = title or _title(view, graph)
    return View(render_html(graph, title=name, subtitle=subtitle), name, height)
