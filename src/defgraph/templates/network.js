/* defgraph network page: draws the graph and wires the search box, the filters and the panel.
   All data is untrusted text: it reaches the DOM through textContent / value only. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var info = new Map(data.info);
  var edgeInfo = new Map(data.edgeInfo);
  // edge labels start hidden on a big graph: hiding them later re-measures every edge
  var edgeFont = data.options.edges.font.size;
  var edgeLabelsShown = data.edgeLabels && data.edges.length <= 300;
  if (!edgeLabelsShown) data.options.edges.font.size = 0;
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(
    document.getElementById("network"), { nodes: nodes, edges: edges }, data.options
  );
  window.defgraphNetwork = network;
  window.defgraphNodes = nodes;
  window.defgraphEdges = edges;

  network.once("afterDrawing", function () {
    document.documentElement.setAttribute("data-ready", "1");
  });

  // -- labels by importance: at any zoom, the most important labels that fit without touching
  //    one another are drawn at a readable size; the others show on hover (the tooltip)
  var LABEL_PX = 12.5;
  var degree = new Map();
  data.edges.forEach(function (e) {
    degree.set(e.from, (degree.get(e.from) || 0) + 1);
    degree.set(e.to, (degree.get(e.to) || 0) + 1);
  });
  var byImportance = data.nodes.map(function (n) { return n.id; });
  var focusId = null;
  data.info.forEach(function (pair) { if (pair[1].focus) focusId = pair[0]; });
  byImportance.sort(function (a, b) {
    var na = nodes.get(a), nb = nodes.get(b);
    return (b === focusId) - (a === focusId) || (nb.size || 0) - (na.size || 0) ||
      (degree.get(b) || 0) - (degree.get(a) || 0) || String(na.label).localeCompare(String(nb.label));
  });
  var measure = document.createElement("canvas").getContext("2d");
  measure.font = "100px " + data.options.nodes.font.face;
  var widths = new Map();
  function labelWidth(id) {
    if (!widths.has(id)) widths.set(id, measure.measureText(String(nodes.get(id).label || "")).width / 100);
    return widths.get(id);
  }
  var labelled = new Set(byImportance);  // as drawn before the first choice: every label
  function overlaps(a, b) {
    return a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
  }
  /* choose the labels to draw at the current zoom: estimated boxes first, in canvas units */
  function placeLabels() {
    var scale = network.getScale();
    var size = LABEL_PX / scale;
    var pad = 3 / scale;
    var positions = network.getPositions();
    var kept = [];
    var next = new Set();
    byImportance.forEach(function (id) {
      if (hiddenNodes.has(id)) return;
      var p = positions[id];
      var r = (nodes.get(id).size || 10);
      var w = labelWidth(id) * size;
      var box = { l: p.x - w / 2 - pad, r: p.x + w / 2 + pad, t: p.y + r, b: p.y + r + size * 1.35 + pad };
      if (kept.some(function (k) { return overlaps(k, box); })) return;
      kept.push(box);
      next.add(id);
    });
    applyLabels(next, size);
  }
  var labelSize = 0;
  function applyLabels(next, size) {
    var updates = [];
    byImportance.forEach(function (id) {
      var show = next.has(id);
      if (show !== labelled.has(id) || (show && size !== labelSize)) {
        updates.push({ id: id, font: { size: show ? size : 0 } });
      }
    });
    labelled = next;
    labelSize = size;
    checkLabels = true;
    if (updates.length) nodes.update(updates);
    else network.redraw();  // nothing changed: still draw once so that the check runs
  }
  /* after a draw, vis-network's own measured label boxes: drop the less important of any two
     that still touch (the estimate above is close, not exact) */
  var checkLabels = false;
  function labelBoxes() {
    var boxes = [];
    byImportance.forEach(function (id) {
      if (!labelled.has(id) || hiddenNodes.has(id)) return;
      var body = network.body.nodes[id];
      var s = body && body.labelModule && body.labelModule.size;
      if (!s || !s.width) return;
      boxes.push({ id: id, l: s.left, r: s.left + s.width, t: s.top, b: s.top + s.height });
    });
    return boxes;
  }
  network.on("afterDrawing", function () {
    if (!checkLabels) return;
    checkLabels = false;
    var kept = [];
    var drop = new Set();
    labelBoxes().forEach(function (box) {
      if (kept.some(function (k) { return overlaps(k, box); })) drop.add(box.id);
      else kept.push(box);
    });
    if (drop.size) {
      var next = new Set(Array.from(labelled).filter(function (id) { return !drop.has(id); }));
      applyLabels(next, labelSize);
      return;
    }
    document.documentElement.setAttribute("data-labels", String(labelled.size));
  });
  var labelTimer = null;
  function relabel() {
    window.clearTimeout(labelTimer);
    document.documentElement.removeAttribute("data-labels");
    labelTimer = window.setTimeout(placeLabels, 120);
  }
  window.defgraphLabelBoxes = function () {
    var canvas = document.querySelector("#network canvas").getBoundingClientRect();
    return labelBoxes().map(function (b) {
      var tl = network.canvasToDOM({ x: b.l, y: b.t });
      var br = network.canvasToDOM({ x: b.r, y: b.b });
      return { id: b.id, left: canvas.left + tl.x, top: canvas.top + tl.y,
        right: canvas.left + br.x, bottom: canvas.top + br.y };
    });
  };
  if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      fitBesideLegend();
      edgeLabels();
      relabel();
    });
  }
  // fit the graph into the part of the canvas the legend leaves free
  var legend = document.getElementById("legend");
  function fitBesideLegend(ids) {
    network.fit(ids && ids.length ? { nodes: ids, animation: false } : { animation: false });
    if (ids && ids.length && network.getScale() > 1.6) {
      network.moveTo({ scale: 1.6, animation: false });  // a node and a few neighbours: not huge
    }
    var width = document.getElementById("network").clientWidth;
    var free = width - legend.offsetWidth - 24;
    if (legend.offsetWidth === 0 || free < width / 2) return;
    var scale = network.getScale() * free / width;
    var centre = network.getViewPosition();
    network.moveTo({
      position: { x: centre.x - (width - free) / 2 / scale, y: centre.y },
      scale: scale,
      animation: false
    });
  }
  var hiddenNodes = new Set();
  fitBesideLegend();
  placeLabels();
  network.on("zoom", relabel);

  // edge labels only when zoomed in enough to read them
  function edgeLabels() {
    var show = data.edgeLabels && network.getScale() * edgeFont >= 8;
    if (show === edgeLabelsShown) return;
    edgeLabelsShown = show;
    network.setOptions({ edges: { font: { size: show ? edgeFont : 0 } } });
  }
  network.on("zoom", edgeLabels);
  edgeLabels();

  // -- side panel ------------------------------------------------------------------------
  var panel = document.getElementById("panel");
  var panelTitle = document.getElementById("panel-title");
  var panelKind = document.getElementById("panel-kind");
  var panelDetails = document.getElementById("panel-details");
  var panelLinks = document.getElementById("panel-links");
  var URL_RE = /^https?:\/\/[^\s<>"']+$/i;

  function element(tag, text, className) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) el.textContent = String(text);
    if (className) el.className = className;
    return el;
  }

  // a link only for an http(s) address; anything else stays text
  function link(text, url) {
    if (!url || !URL_RE.test(url)) return element("span", text);
    var a = element("a", text);
    a.href = url;  // opened on click, never fetched
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  /* show these nodes with their shown neighbours, beside the legend, and name them */
  function frame(ids) {
    var around = new Set(ids);
    if (ids.length <= 20) {
      ids.forEach(function (id) {
        network.getConnectedNodes(id).forEach(function (n) {
          if (!hiddenNodes.has(n)) around.add(n);
        });
      });
    }
    fitBesideLegend(Array.from(around));
    edgeLabels();
    relabel();
  }

  function goTo(id) {
    if (!nodes.get(id) || nodes.get(id).hidden) return;
    network.selectNodes([id]);
    frame([id]);
    showPanel(id);
  }

  function section(name, items, fill, count) {
    var box = document.getElementById("panel-" + name + "-box");
    var list = document.getElementById("panel-" + name);
    list.replaceChildren();
    (items || []).forEach(function (item) { list.appendChild(fill(item)); });
    box.hidden = !items || items.length === 0;
    if (count) count.textContent = items && items.length ? "(" + items.length + ")" : "";
  }

  function showPanel(id) {
    var item = info.get(id);
    if (!item) return;
    panel.setAttribute("data-node", id);
    panelKind.textContent = item.type;
    panelTitle.textContent = item.label;
    panelDetails.replaceChildren();
    item.details.forEach(function (pair) {
      if (pair[0] === "type") return;
      panelDetails.appendChild(element("dt", pair[0]));
      panelDetails.appendChild(element("dd", pair[1]));
    });
    var events = (item.events || []).slice();
    section("events", events, function (ev) {
      var li = element("li");
      if (ev[2]) li.appendChild(element("span", ev[2] + " ", "when"));
      if (info.has(ev[0])) {
        var button = element("button", ev[1]);
        button.type = "button";
        button.addEventListener("click", function () { goTo(ev[0]); });
        li.appendChild(button);
      } else {
        li.appendChild(element("span", ev[1]));
      }
      return li;
    }, document.getElementById("panel-events-count"));
    if (item.moreEvents) {
      document.getElementById("panel-events").appendChild(
        element("li", "… and " + item.moreEvents + " more", "when"));
    }
    section("evidence", item.evidence, function (ev) {
      var li = element("li");
      li.appendChild(element("blockquote", "“" + ev[0] + "”"));
      if (ev[1]) {
        var cite = element("span", "— ", "cite");
        cite.appendChild(link(ev[1], ev[2]));
        li.appendChild(cite);
      }
      return li;
    });
    section("sources", item.sources, function (src) {
      var li = element("li");
      if (src[1]) li.appendChild(element("span", src[1] + " ", "when"));
      li.appendChild(link(src[0], src[2]));
      return li;
    });
    panelLinks.replaceChildren();
    var links = network.getConnectedEdges(id).map(function (edgeId) {
      var edge = edges.get(edgeId);
      var outgoing = edge.from === id;
      var other = outgoing ? edge.to : edge.from;
      var otherInfo = info.get(other);
      var meta = edgeInfo.get(edgeId) || {};
      var relation = meta.relation || "";
      return {
        other: other,
        hidden: edge.hidden || nodes.get(other).hidden,
        relation: !data.directed ? relation : (outgoing ? relation + " →" : "← " + relation),
        label: otherInfo ? otherInfo.label : String(other)
      };
    }).filter(function (l) { return !l.hidden; });
    links.sort(function (a, b) {
      return a.relation.localeCompare(b.relation) || a.label.localeCompare(b.label);
    });
    links.forEach(function (l) {
      var li = element("li");
      li.appendChild(element("span", l.relation + " ", "relation"));
      var button = element("button", l.label);
      button.type = "button";
      button.addEventListener("click", function () { goTo(l.other); });
      li.appendChild(button);
      panelLinks.appendChild(li);
    });
    document.getElementById("panel-links-title").hidden = links.length === 0;
    panel.hidden = false;
    fillFix(item);
    if (form) saveFragment();
  }

  // -- "suggest a correction": the `defgraph correct ...` command for a fact of this node.
  // The page never writes; the analyst copies the command (twin: curation.suggest_command).
  var FIX_PROPS = {
    "date": "date", "role": "roleTitle", "represents": "represents", "country": "country",
    "amount": "amount", "currency": "currency", "planned": "planned",
    "participants reported": "participantCount", "items": "item"
  };
  function shellQuote(word) {
    word = String(word);
    if (word === "") return "''";
    if (!/[^\w@%+=:,.\/-]/.test(word)) return word;
    return "'" + word.replace(/'/g, "'\"'\"'") + "'";
  }
  function correctionCommand(op, node, prop, value, reason) {
    var words = ["defgraph", "correct", op, node];
    if ((op === "set" || op === "unset") && prop) {
      words.push(prop);
      if (value) words.push(value);
    }
    words.push("--reason", reason);
    return words.map(shellQuote).join(" ");
  }
  window.defgraphCorrectionCommand = correctionCommand;
  var fixWhat = document.getElementById("fix-what");
  var fixValue = document.getElementById("fix-value");
  var fixReason = document.getElementById("fix-reason");
  var fixCommand = document.getElementById("fix-command");
  function fixIri() {
    var item = info.get(panel.getAttribute("data-node"));
    var pair = item && item.details.filter(function (p) { return p[0] === "iri"; })[0];
    return pair ? pair[1] : "";
  }
  function updateFix() {
    var parts = (fixWhat.value || "").split(" ");
    fixValue.disabled = parts[0] === "reject";
    fixCommand.textContent = fixIri() ? correctionCommand(
      parts[0], fixIri(), parts[1], parts[0] === "reject" ? "" : fixValue.value.trim(),
      fixReason.value.trim()) : "";
  }
  function fillFix(item) {
    if (!fixWhat) return;
    fixWhat.replaceChildren();
    item.details.forEach(function (pair) {
      var prop = FIX_PROPS[pair[0]];
      if (!prop) return;
      var set = element("option", "set " + pair[0] + " (now: " + pair[1] + ")");
      set.value = "set " + prop;
      fixWhat.appendChild(set);
      var unset = element("option", "remove " + pair[0]);
      unset.value = "unset " + prop;
      fixWhat.appendChild(unset);
    });
    ["represents", "roleTitle", "participant"].forEach(function (prop) {
      if (fixWhat.querySelector("option[value='set " + prop + "']")) return;
      if (prop !== "participant" && item.kind !== "person") return;
      if (prop === "participant" && !/event/.test(item.kind)) return;
      var add = element("option", (prop === "participant" ? "add " : "set ") + prop);
      add.value = "set " + prop;
      fixWhat.appendChild(add);
    });
    var reject = element("option", "reject: not a real " + (item.type || "node").toLowerCase());
    reject.value = "reject";
    fixWhat.appendChild(reject);
    fixValue.value = "";
    updateFix();
  }
  [fixWhat, fixValue, fixReason].forEach(function (el) {
    el.addEventListener("input", updateFix);
    el.addEventListener("change", updateFix);
  });

  function hidePanel() {
    panel.hidden = true;
    panel.removeAttribute("data-node");
    if (form) saveFragment();
  }

  network.on("click", function (params) {
    if (params.nodes.length) showPanel(params.nodes[0]);
    else if (!params.edges.length) hidePanel();
  });
  document.getElementById("panel-close").addEventListener("click", hidePanel);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hidePanel();
  });

  // -- filters: kinds, event types, held/planned, confidence and dates, applied in the page ------
  var form = document.getElementById("controls");
  var dateFrom = document.getElementById("date-from");
  var dateTo = document.getElementById("date-to");
  var minConfidence = document.getElementById("min-confidence");
  var shown = document.getElementById("shown");
  var filtersText = document.getElementById("filters");
  var serverFilters = filtersText.textContent.replace(/^Filters: (none)?/, "");
  var nodeCount = document.getElementById("node-count");
  var edgeCount = document.getElementById("edge-count");
  var incident = new Map();
  data.edges.forEach(function (e) {
    [e.from, e.to].forEach(function (id) {
      if (!incident.has(id)) incident.set(id, []);
      incident.get(id).push(e);
    });
  });
  // event and pledge types present, as checkboxes; the status and confidence inputs only where
  // there are events or pledges to judge
  var typeBox = document.getElementById("types");
  var itemTypes = new Map();
  info.forEach(function (item) {
    if (item.kind === "event" || item.kind === "pledge") {
      itemTypes.set(item.type, (itemTypes.get(item.type) || 0) + 1);
    }
  });
  Array.from(itemTypes.keys()).sort().forEach(function (t) {
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = "type";
    box.value = t;
    box.checked = box.defaultChecked = true;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + t));
    typeBox.appendChild(label);
  });
  var hasItems = itemTypes.size > 0;
  typeBox.hidden = itemTypes.size < 2;
  document.getElementById("status").hidden = !Array.from(info.values()).some(function (i) { return i.planned; });
  document.getElementById("confidence").hidden = !hasItems;

  function formatAmount(value, unit) {
    var sizes = [[1e9, " bn"], [1e6, " M"], [1e3, " k"]];
    for (var i = 0; i < sizes.length; i++) {
      if (Math.abs(value) >= sizes[i][0]) {
        return parseFloat((value / sizes[i][0]).toPrecision(3)) + sizes[i][1] + " " + unit;
      }
    }
    return Math.round(value) + " " + unit;
  }

  function currentState() {
    var kindBoxes = Array.from(form.querySelectorAll("input[name=kind]"));
    var typeBoxes = Array.from(form.querySelectorAll("input[name=type]"));
    var on = typeBoxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    var from = dateFrom.value || "", to = dateTo.value || "";
    if (from && to && from > to) { var t = from; from = to; to = t; }
    return {
      kinds: new Set(kindBoxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; })),
      hiddenKinds: kindBoxes.filter(function (b) { return !b.checked; }).map(function (b) { return b.value; }),
      types: on.length === typeBoxes.length ? null : new Set(on),
      held: form.querySelector("input[name=status][value=held]").checked,
      planned: form.querySelector("input[name=status][value=planned]").checked,
      min: Math.min(1, Math.max(0, parseFloat(minConfidence.value) || 0)),
      from: from,
      to: to
    };
  }

  function describe(st) {
    var parts = serverFilters ? [serverFilters] : [];
    if (st.from) parts.push("from " + st.from);
    if (st.to) parts.push("to " + st.to);
    if (st.types) parts.push("types: " + Array.from(st.types).sort().join(", "));
    if (!st.held || !st.planned) {
      parts.push(st.held ? "held only" : st.planned ? "planned only" : "neither held nor planned");
    }
    if (st.min > 0) parts.push("confidence ≥ " + st.min);
    if (st.hiddenKinds.length) parts.push("hidden: " + st.hiddenKinds.join(", "));
    return "Filters: " + (parts.length ? parts.join("; ") : "none");
  }

  function applyFilters(noFit) {
    var st = currentState();
    var from = st.from, to = st.to;
    var dated = Boolean(from || to);
    var judged = Boolean(st.types || !st.held || !st.planned || st.min > 0);
    var narrowed = dated || judged;
    function inRange(start, end) {
      if (!start) return false;
      return !(from && (end || start) < from) && !(to && start > to);
    }
    function keepsItem(item) {
      if (item.kind !== "event" && item.kind !== "pledge") return true;
      if (st.types && !st.types.has(item.type)) return false;
      if (item.kind === "event" && (item.planned ? !st.planned : !st.held)) return false;
      if (st.min > 0 && (item.confidence === undefined || item.confidence < st.min)) return false;
      return true;
    }
    // 1. edges that carry their own dates (shared events, pledges): what is left of them
    var edgeWeight = new Map();
    data.edges.forEach(function (e) {
      var parts = (edgeInfo.get(e.id) || {}).parts;
      if (!parts) return;
      var n = 0, total = 0;
      parts.forEach(function (p) {
        // [first, last, value] per event or pledge, or [first, last, value, count] per month
        if (!dated || inRange(p[0], p[1])) { n += p.length > 3 ? p[3] : 1; total += p[2]; }
      });
      edgeWeight.set(e.id, { n: n, total: total });
    });
    // 2. events and pledges by their own type, status, confidence and dates; statements by
    //    their date and, when events are judged, by reporting one that is shown
    var visible = new Map();
    info.forEach(function (item, id) {
      if (!st.kinds.has(item.kind)) visible.set(id, false);
      else if (!narrowed) visible.set(id, true);
      else if (item.kind === "event" || item.kind === "pledge") {
        visible.set(id, keepsItem(item) && (!dated || inRange(item.span && item.span[0], item.span && item.span[1])));
      }
    });
    info.forEach(function (item, id) {
      if (visible.has(id) || item.kind !== "statement" || !item.span) return;
      var ok = !dated || inRange(item.span[0], item.span[1]);
      if (ok && judged) {
        ok = (incident.get(id) || []).some(function (e) { return visible.get(e.from === id ? e.to : e.from) === true; });
      }
      visible.set(id, ok);
    });
    // 3. the rest (states, people, places...), kept while linked to something shown
    info.forEach(function (item, id) {
      if (visible.has(id)) return;
      var links = incident.get(id) || [];
      visible.set(id, links.length === 0 || links.some(function (e) {
        var w = edgeWeight.get(e.id);
        if (w) return w.n > 0;
        var other = e.from === id ? e.to : e.from;
        var o = info.get(other);
        return Boolean(o && (o.span || o.kind === "event" || o.kind === "pledge")) && visible.get(other) === true;
      }));
    });
    var nodeUpdates = [];
    hiddenNodes = new Set();
    var count = 0;
    var byKind = new Map();
    var shownIds = [];
    visible.forEach(function (show, id) {
      if (!show) hiddenNodes.add(id);
      else {
        count += 1;
        shownIds.push(id);
        var k = info.get(id).kind;
        byKind.set(k, (byKind.get(k) || 0) + 1);
      }
      if (Boolean(nodes.get(id).hidden) === !show) return;
      nodeUpdates.push({ id: id, hidden: !show });
    });
    var edgeUpdates = [];
    var edgesShown = 0;
    data.edges.forEach(function (e) {
      var w = edgeWeight.get(e.id);
      var show = !hiddenNodes.has(e.from) && !hiddenNodes.has(e.to) && (!w || w.n > 0);
      if (show) edgesShown += 1;
      var update = { id: e.id, hidden: !show };
      if (w && show) {
        var unit = (edgeInfo.get(e.id) || {}).unit;
        if (unit === "events") {
          update.value = w.n;
          update.label = w.n > 1 ? String(w.n) : "";
        } else if (w.total > 0) {
          update.value = w.total / 1e6;
        }
      }
      edgeUpdates.push(update);
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    shown.textContent = "Showing " + count + " of " + info.size + " nodes";
    // the header tells what is drawn now
    var parts = (data.kindNames || []).filter(function (kn) { return byKind.get(kn[0]); }).map(function (kn) {
      var n = byKind.get(kn[0]);
      return n + " " + (n === 1 ? kn[1] : kn[2]);
    });
    nodeCount.textContent = count + " nodes" + (parts.length ? " (" + parts.join(", ") + ")" : "");
    if (narrowed || st.hiddenKinds.length) {
      edgeCount.textContent = data.pairs ? edgesShown + " pairs of states" : edgesShown + " edges";
    } else {
      edgeCount.textContent = initialEdgeText;
    }
    filtersText.textContent = describe(st);
    var open = panel.getAttribute("data-node");
    if (open && hiddenNodes.has(open)) hidePanel();
    else if (open) showPanel(open);
    if (!noFit) fitBesideLegend(shownIds.length < info.size ? shownIds : null);
    relabel();
    saveFragment();
  }
  var initialEdgeText = edgeCount.textContent;

  // -- the state in the URL fragment: a link reopens the same view ---------------------------
  function saveFragment() {
    var st = currentState();
    var p = new URLSearchParams();
    if (st.hiddenKinds.length) p.set("hide", st.hiddenKinds.join(","));
    if (st.types) p.set("types", Array.from(st.types).sort().join(","));
    if (!st.held) p.set("held", "0");
    if (!st.planned) p.set("planned", "0");
    if (st.min > 0) p.set("min", String(st.min));
    if (st.from) p.set("from", st.from);
    if (st.to) p.set("to", st.to);
    var open = panel.getAttribute("data-node");
    if (open) p.set("focus", open);
    var hash = p.toString();
    try {
      history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
    } catch (e) { /* an opaque origin (a sandboxed notebook frame) keeps no history */ }
  }
  var DAY = /^\d{4}-\d\d-\d\d$/;
  function loadFragment() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    if (!location.hash) return false;
    var hide = new Set((p.get("hide") || "").split(","));
    form.querySelectorAll("input[name=kind]").forEach(function (b) { b.checked = !hide.has(b.value); });
    var types = p.has("types") ? new Set(p.get("types").split(",")) : null;
    form.querySelectorAll("input[name=type]").forEach(function (b) { b.checked = !types || types.has(b.value); });
    form.querySelector("input[name=status][value=held]").checked = p.get("held") !== "0";
    form.querySelector("input[name=status][value=planned]").checked = p.get("planned") !== "0";
    minConfidence.value = String(Math.min(1, Math.max(0, parseFloat(p.get("min") || "0") || 0)));
    dateFrom.value = DAY.test(p.get("from") || "") ? p.get("from") : "";
    dateTo.value = DAY.test(p.get("to") || "") ? p.get("to") : "";
    return p.get("focus") || true;
  }

  form.addEventListener("change", function () { applyFilters(); });
  form.addEventListener("input", function (event) {
    if (event.target.type === "date" || event.target.type === "number") applyFilters();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(function () { applyFilters(); }, 0); });
  window.defgraphApplyFilters = applyFilters;

  // -- export: the selection (or everything shown) as CSV, the picture as PNG -----------------
  function exportRows() {
    var chosen = network.getSelectedNodes().filter(function (id) { return !hiddenNodes.has(id); });
    var ids = new Set(chosen.length ? chosen : Array.from(info.keys()).filter(function (id) { return !hiddenNodes.has(id); }));
    var rows = [["record", "id", "label", "kind", "type", "date", "confidence", "iri", "from", "to", "relation"]];
    ids.forEach(function (id) {
      var item = info.get(id);
      var iri = (item.details.filter(function (d) { return d[0] === "iri"; })[0] || ["", ""])[1];
      rows.push(["node", id, item.label, item.kind, item.type, item.span ? item.span.join(" – ") : "",
        item.confidence === undefined ? "" : item.confidence, iri, "", "", ""]);
    });
    data.edges.forEach(function (e) {
      if (!ids.has(e.from) || !ids.has(e.to) || edges.get(e.id).hidden) return;
      rows.push(["edge", e.id, "", "", "", "", "", "", (info.get(e.from) || {}).label,
        (info.get(e.to) || {}).label, (edgeInfo.get(e.id) || {}).relation || ""]);
    });
    return rows.map(window.defgraphCsvRow).join("");
  }
  window.defgraphCsv = exportRows;
  document.getElementById("export-csv").addEventListener("click", function () {
    window.defgraphDownload("defgraph-" + (data.view || "view") + ".csv", exportRows(), "text/csv;charset=utf-8");
  });
  function picture() {
    var source = document.querySelector("#network canvas");
    var out = document.createElement("canvas");
    out.width = source.width;
    out.height = source.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(source, 0, 0);
    return out;
  }
  window.defgraphPng = function () { return picture().toDataURL("image/png"); };
  document.getElementById("export-png").addEventListener("click", function () {
    picture().toBlob(function (blob) {
      window.defgraphDownload("defgraph-" + (data.view || "view") + ".png", blob, "image/png");
    }, "image/png");
  });

  // -- search: the node with that name (or ISO code), else every node whose name contains it
  var input = document.getElementById("search");
  var status = document.getElementById("search-status");
  var datalist = document.getElementById("names");
  var names = Array.from(new Set(Array.from(info.values(), function (i) { return i.label; })));
  names.sort(function (a, b) { return a.localeCompare(b); });
  names.slice(0, 5000).forEach(function (name) {
    var option = document.createElement("option");
    option.value = name;
    datalist.appendChild(option);
  });

  function find(query) {
    var q = query.trim().toLowerCase();
    var exact = [];
    var partial = [];
    var hidden = 0;
    if (!q) return { ids: [], hidden: 0 };
    info.forEach(function (item, id) {
      var label = item.label.toLowerCase();
      var aliases = item.search ? item.search.split("\n") : [];
      var isExact = label === q || aliases.indexOf(q) !== -1;
      var isPartial = !isExact && (label.indexOf(q) !== -1 ||
        aliases.some(function (a) { return a.indexOf(q) !== -1; }));
      if (!isExact && !isPartial) return;
      if (hiddenNodes.has(id)) { hidden += 1; return; }
      (isExact ? exact : partial).push(id);
    });
    return { ids: exact.length ? exact : partial, hidden: hidden };  // an exact name wins
  }

  function search(open) {
    var found = find(input.value);
    var ids = found.ids;
    if (!ids.length) {
      network.unselectAll();
      status.textContent = !input.value.trim() ? "" :
        found.hidden ? "no match shown (" + found.hidden + " hidden by filters)" : "no match";
      return;
    }
    status.textContent = ids.length === 1 ? "1 match" : ids.length + " matches";
    network.selectNodes(ids);
    frame(ids);
    if (open) showPanel(ids[0]);
  }

  input.addEventListener("input", function (event) {
    // typing gives an InputEvent; picking a name from the datalist a plain Event
    search(!(event instanceof InputEvent));
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); search(true); }
  });
  window.defgraphSearch = function (text) { input.value = text; search(true); return status.textContent; };

  var restored = loadFragment();
  if (restored) {
    applyFilters(true);
    if (typeof restored === "string" && info.has(restored)) goTo(restored);
    else fitBesideLegend(Array.from(info.keys()).filter(function (id) { return !hiddenNodes.has(id); }));
  }
})();
