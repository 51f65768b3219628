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
  if (data.options.physics.enabled) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      fitBesideLegend();
      edgeLabels();
    });
  }
  // fit the graph into the part of the canvas the legend leaves free
  var legend = document.getElementById("legend");
  function fitBesideLegend() {
    network.fit({ animation: false });
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
  fitBesideLegend();

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

  function goTo(id) {
    if (!nodes.get(id) || nodes.get(id).hidden) return;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1), animation: false });
    edgeLabels();
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
  }

  network.on("click", function (params) {
    if (params.nodes.length) showPanel(params.nodes[0]);
    else if (!params.edges.length) hidePanel();
  });
  document.getElementById("panel-close").addEventListener("click", hidePanel);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hidePanel();
  });

  // -- filters: node types and a date range, applied in the page ------------------------
  var form = document.getElementById("controls");
  var dateFrom = document.getElementById("date-from");
  var dateTo = document.getElementById("date-to");
  var shown = document.getElementById("shown");
  var incident = new Map();
  data.edges.forEach(function (e) {
    [e.from, e.to].forEach(function (id) {
      if (!incident.has(id)) incident.set(id, []);
      incident.get(id).push(e);
    });
  });
  var hiddenNodes = new Set();

  function formatAmount(value, unit) {
    var sizes = [[1e9, " bn"], [1e6, " M"], [1e3, " k"]];
    for (var i = 0; i < sizes.length; i++) {
      if (Math.abs(value) >= sizes[i][0]) {
        return parseFloat((value / sizes[i][0]).toPrecision(3)) + sizes[i][1] + " " + unit;
      }
    }
    return Math.round(value) + " " + unit;
  }

  function applyFilters() {
    var from = dateFrom.value || "";
    var to = dateTo.value || "";
    if (from && to && from > to) { var t = from; from = to; to = t; }
    var dated = Boolean(from || to);
    var kinds = new Set(Array.from(form.querySelectorAll("input[name=kind]:checked"),
      function (box) { return box.value; }));
    function inRange(start, end) {
      if (!start) return false;
      return !(from && (end || start) < from) && !(to && start > to);
    }
    // 1. edges that carry their own dates (shared events, pledges): what is left of them
    var edgeWeight = new Map();
    data.edges.forEach(function (e) {
      var parts = (edgeInfo.get(e.id) || {}).parts;
      if (!parts) return;
      var n = 0, total = 0;
      parts.forEach(function (p) {
        if (!dated || inRange(p[0], p[1])) { n += 1; total += p[2]; }
      });
      edgeWeight.set(e.id, { n: n, total: total });
    });
    // 2. nodes with a date, then nodes without one, kept while linked to something shown
    var visible = new Map();
    info.forEach(function (item, id) {
      if (!kinds.has(item.kind)) visible.set(id, false);
      else if (!dated) visible.set(id, true);
      else if (item.span) visible.set(id, inRange(item.span[0], item.span[1]));
    });
    info.forEach(function (item, id) {
      if (visible.has(id)) return;
      var links = incident.get(id) || [];
      visible.set(id, links.length === 0 || links.some(function (e) {
        var w = edgeWeight.get(e.id);
        if (w) return w.n > 0;
        var other = info.get(e.from === id ? e.to : e.from);
        return Boolean(other && other.span) && visible.get(e.from === id ? e.to : e.from) === true;
      }));
    });
    var nodeUpdates = [];
    hiddenNodes = new Set();
    var count = 0;
    visible.forEach(function (show, id) {
      if (!show) hiddenNodes.add(id); else count += 1;
      if (Boolean(nodes.get(id).hidden) === !show) return;
      nodeUpdates.push({ id: id, hidden: !show });
    });
    var edgeUpdates = [];
    data.edges.forEach(function (e) {
      var w = edgeWeight.get(e.id);
      var show = !hiddenNodes.has(e.from) && !hiddenNodes.has(e.to) && (!w || w.n > 0);
      var update = { id: e.id, hidden: !show };
      if (w && show) {
        var unit = (edgeInfo.get(e.id) || {}).unit;
        if (unit === "events") {
          update.value = w.n;
          update.label = w.n > 1 ? String(w.n) : "";
        } else if (w.total > 0) {
          update.value = w.total / 1e6;
          update.label = formatAmount(w.total, unit);
        }
      }
      edgeUpdates.push(update);
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    shown.textContent = "Showing " + count + " of " + info.size + " nodes";
    var open = panel.getAttribute("data-node");
    if (open && hiddenNodes.has(open)) hidePanel();
    else if (open) showPanel(open);
  }

  form.addEventListener("change", applyFilters);
  form.addEventListener("input", function (event) {
    if (event.target.type === "date") applyFilters();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(applyFilters, 0); });
  window.defgraphApplyFilters = applyFilters;

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
    if (ids.length === 1) {
      network.focus(ids[0], { scale: Math.max(network.getScale(), 1), animation: false });
    } else {
      network.fit({ nodes: ids, animation: false });
    }
    edgeLabels();
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
})();
