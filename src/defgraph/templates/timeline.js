/* defgraph timeline page: events and pledges along time with vis-timeline, lanes per state or
   per type, filters beside the dates, a brush strip that selects a period, the side panel,
   the state kept in the URL fragment, and the shown items exported as CSV.
   All data is untrusted text: it reaches the DOM through textContent only. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var CLUSTER_ABOVE = 150;  // more items than this are grouped where they overlap until zoomed in
  var info = new Map(data.info);
  var records = new Map(data.items.map(function (it) { return [it.id, it]; }));
  var laneNames = new Map(data.lanes.map(function (l) { return [l[0], l[1]]; }));
  var typeIndex = new Map();
  data.types.forEach(function (t, i) { typeIndex.set(t[0], i); });
  var form = document.getElementById("controls");
  var dateFrom = document.getElementById("date-from");
  var dateTo = document.getElementById("date-to");
  var minConfidence = document.getElementById("min-confidence");
  var shown = document.getElementById("shown");
  var filtersText = document.getElementById("filters");
  var serverFilters = filtersText.textContent.replace(/^Filters: (none)?/, "");  // from the command line

  function typeClass(type) {
    return type === "Pledge" ? "ttp" : "tt" + Math.min(typeIndex.get(type) || 0, 7);
  }

  // -- the legend and the type checkboxes, built from the data ------------------------------
  var key = document.getElementById("key");
  var typeBoxes = document.getElementById("types");
  function keyEntry(text, className, hollow) {
    var span = document.createElement("span");
    var swatch = document.createElement("i");
    swatch.className = className + (hollow ? " hollow" : "");
    span.appendChild(swatch);
    span.appendChild(document.createTextNode(text));
    key.appendChild(span);
  }
  data.types.forEach(function (t) {
    keyEntry(t[0] + " (" + t[1] + ")", typeClass(t[0]), false);
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = "type";
    box.value = t[0];
    box.checked = box.defaultChecked = true;
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + t[0]));
    typeBoxes.appendChild(label);
  });
  keyEntry("planned (announced, not yet held): hollow, dashed", "tt6", true);

  // -- vis-timeline -------------------------------------------------------------------------
  function dayAfter(day) {
    var d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  }
  function utc(day) { return new Date(day + "T00:00:00Z"); }
  function textElement(text) {
    var span = document.createElement("span");
    span.textContent = text || "";
    if (text) span.title = text;
    return span;
  }
  var items = new vis.DataSet();
  var groups = new vis.DataSet();
  var container = document.getElementById("timeline");
  var timeline = new vis.Timeline(container, items, groups, {
    stack: true,
    selectable: true,
    multiselect: true,
    showCurrentTime: false,
    orientation: { axis: "top", item: "top" },
    verticalScroll: true,
    zoomKey: "ctrlKey",
    height: "100%",
    margin: { item: { horizontal: 4, vertical: 3 } },
    // a cluster (many items at one place, when zoomed out) shows how many it holds
    template: function (item) {
      return textElement(item.text !== undefined ? item.text :
        (item.items ? item.items.length + " items" : ""));
    },
    cluster: data.items.length > CLUSTER_ABOVE ? { maxItems: 2, showStipes: false,
      titleTemplate: "{count} events and pledges: zoom in" } : false,
    groupTemplate: function (group) { return textElement(group.text); },
    moment: function (date) { return vis.moment(date).utc(); }  // days are UTC days
  });
  window.defgraphTimeline = timeline;
  window.defgraphItems = items;

  var state = { lanes: "state", types: null, held: true, planned: true, min: 0, from: "", to: "" };

  function keeps(rec) {
    if (state.types && !state.types.has(rec.type)) return false;
    if (rec.planned ? !state.planned : !state.held) return false;
    if (state.min > 0 && (rec.confidence === null || rec.confidence < state.min)) return false;
    return true;
  }
  function inRange(rec) {
    return !(state.from && rec.end < state.from) && !(state.to && rec.start > state.to);
  }

  var lastLanes = null;
  function build() {
    var laneOf = state.lanes === "type"
      ? function (rec) { return ["t:" + rec.type]; }
      : function (rec) { return rec.lanes; };
    var visItems = [];
    var used = new Set();
    var counts = { events: 0, planned: 0, pledges: 0, out: 0 };
    records.forEach(function (rec) {
      if (!keeps(rec)) return;
      var within = inRange(rec);
      if (!within) counts.out += 1;
      else if (rec.kind === "pledge") counts.pledges += 1;
      else { counts.events += 1; if (rec.planned) counts.planned += 1; }
      var range = rec.end > rec.start;
      laneOf(rec).forEach(function (lane) {
        used.add(lane);
        visItems.push({
          id: rec.id + "|" + lane,
          node: rec.id,
          group: lane,
          start: utc(rec.start),
          end: range ? utc(dayAfter(rec.end)) : undefined,
          type: range ? "range" : "point",
          text: rec.label,
          content: "",
          className: typeClass(rec.type) + (rec.planned ? " planned" : "") + (within ? "" : " out")
        });
      });
    });
    if (state.from || state.to) {
      visItems.push({ id: "brush", type: "background", className: "brush", content: "",
        start: utc(state.from || "1900-01-01"), end: utc(dayAfter(state.to || "2999-12-31")) });
    }
    var laneList = state.lanes === "type"
      ? data.types.map(function (t, i) { return { id: "t:" + t[0], text: t[0], order: i }; })
      : data.lanes.map(function (l, i) { return { id: l[0], text: l[1], order: i }; });
    laneList = laneList.filter(function (g) { return used.has(g.id); });
    var laneKey = laneList.map(function (g) { return g.id; }).join(",");
    items.clear();
    if (laneKey !== lastLanes) {
      groups.clear();
      groups.add(laneList.map(function (g) { return { id: g.id, text: g.text, content: "", order: g.order }; }));
      lastLanes = laneKey;
    }
    items.add(visItems);
    var selected = [];
    visItems.forEach(function (it) {
      if (it.id !== "brush" && (state.from || state.to) && it.className.indexOf(" out") === -1) selected.push(it.id);
    });
    timeline.setSelection(selected);
    shown.textContent = "Showing " + counts.events + " event" + (counts.events === 1 ? "" : "s") +
      " (" + counts.planned + " planned) and " + counts.pledges + " pledge" +
      (counts.pledges === 1 ? "" : "s") + " in " + laneList.length + " lane" +
      (laneList.length === 1 ? "" : "s") + (counts.out ? "; " + counts.out + " outside the dates, dimmed" : "");
    var parts = serverFilters ? [serverFilters] : [];
    if (state.from) parts.push("from " + state.from);
    if (state.to) parts.push("to " + state.to);
    if (state.types) parts.push("types: " + Array.from(state.types).sort().join(", "));
    if (!state.held || !state.planned) parts.push(state.held ? "held only" : state.planned ? "planned only" : "neither held nor planned");
    if (state.min > 0) parts.push("confidence ≥ " + state.min);
    filtersText.textContent = "Filters: " + (parts.length ? parts.join("; ") : "none");
    document.documentElement.setAttribute("data-shown", String(counts.events + counts.pledges));
  }

  // -- controls <-> state <-> URL fragment ------------------------------------------------------
  function readControls() {
    state.lanes = form.querySelector("input[name=lanes]:checked").value;
    var boxes = Array.from(form.querySelectorAll("input[name=type]"));
    var on = boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    state.types = on.length === boxes.length ? null : new Set(on);
    state.held = form.querySelector("input[name=status][value=held]").checked;
    state.planned = form.querySelector("input[name=status][value=planned]").checked;
    state.min = parseFloat(minConfidence.value) || 0;
    var from = dateFrom.value || "", to = dateTo.value || "";
    if (from && to && from > to) { var t = from; from = to; to = t; }
    state.from = from;
    state.to = to;
  }
  function writeControls() {
    form.querySelector("input[name=lanes][value=" + (state.lanes === "type" ? "type" : "state") + "]").checked = true;
    form.querySelectorAll("input[name=type]").forEach(function (b) {
      b.checked = !state.types || state.types.has(b.value);
    });
    form.querySelector("input[name=status][value=held]").checked = state.held;
    form.querySelector("input[name=status][value=planned]").checked = state.planned;
    minConfidence.value = String(state.min);
    dateFrom.value = state.from;
    dateTo.value = state.to;
  }
  function saveFragment() {
    var p = new URLSearchParams();
    if (state.lanes !== "state") p.set("lanes", state.lanes);
    if (state.types) p.set("types", Array.from(state.types).sort().join(","));
    if (!state.held) p.set("held", "0");
    if (!state.planned) p.set("planned", "0");
    if (state.min > 0) p.set("min", String(state.min));
    if (state.from) p.set("from", state.from);
    if (state.to) p.set("to", state.to);
    var open = document.getElementById("panel").getAttribute("data-node");
    if (open) p.set("focus", open);
    var hash = p.toString();
    try {
      history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
    } catch (e) { /* an opaque origin (sandboxed iframe) has no history to write */ }
  }
  var DAY = /^\d{4}-\d\d-\d\d$/;
  function loadFragment() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    state.lanes = p.get("lanes") === "type" ? "type" : "state";
    state.types = p.has("types") ? new Set(p.get("types").split(",").filter(function (t) { return typeIndex.has(t); })) : null;
    state.held = p.get("held") !== "0";
    state.planned = p.get("planned") !== "0";
    state.min = Math.min(1, Math.max(0, parseFloat(p.get("min") || "0") || 0));
    state.from = DAY.test(p.get("from") || "") ? p.get("from") : "";
    state.to = DAY.test(p.get("to") || "") ? p.get("to") : "";
    return p.get("focus");
  }
  function apply() {
    readControls();
    build();
    saveFragment();
  }
  form.addEventListener("change", apply);
  form.addEventListener("input", function (event) {
    if (event.target.type === "date" || event.target.type === "number") apply();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });

  // -- the panel ---------------------------------------------------------------------------------
  /* select these items and move the window to show them all, with a margin either side */
  function frame(ids) {
    timeline.setSelection(ids);
    var start = Infinity, end = -Infinity;
    ids.forEach(function (id) {
      var it = items.get(id);
      if (!it) return;
      start = Math.min(start, it.start.valueOf());
      end = Math.max(end, (it.end || it.start).valueOf());
    });
    if (start === Infinity) return;
    var pad = Math.max((end - start) * 0.15, 20 * 86400000);
    timeline.setWindow(start - pad, end + pad, { animation: false });
  }
  function goTo(id) {
    var ids = items.getIds({ filter: function (it) { return it.node === id; } });
    if (ids.length) frame(ids);
    panel.show(id);
    saveFragment();
  }
  var panel = window.defgraphPanel(info, goTo, function (id) {
    var rec = records.get(id);
    return (rec ? rec.lanes : []).filter(function (l) { return laneNames.has(l); }).map(function (l) {
      return { relation: "lane", label: laneNames.get(l) };
    });
  });
  timeline.on("select", function (props) {
    if (!props.items.length) return;
    var it = items.get(props.items[0]);
    if (it && it.node) { panel.show(it.node); saveFragment(); }
  });

  // -- brushing: drag on the strip under the header to select a period -----------------------------
  var brush = document.getElementById("brush");
  var brushRange = document.getElementById("brush-range");
  function centre() {
    var el = container.querySelector(".vis-panel.vis-center");
    return el ? el.getBoundingClientRect() : container.getBoundingClientRect();
  }
  function dayAt(clientX) {
    var rect = centre();
    var w = timeline.getWindow();
    var f = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
    var t = w.start.valueOf() + f * (w.end.valueOf() - w.start.valueOf());
    return new Date(t).toISOString().slice(0, 10);
  }
  var brushStart = null;
  brush.addEventListener("pointerdown", function (event) {
    brushStart = event.clientX;
    brush.setPointerCapture(event.pointerId);
    brushRange.hidden = false;
    brushRange.style.left = (event.clientX - brush.getBoundingClientRect().left) + "px";
    brushRange.style.width = "0px";
  });
  brush.addEventListener("pointermove", function (event) {
    if (brushStart === null) return;
    var left = brush.getBoundingClientRect().left;
    brushRange.style.left = (Math.min(brushStart, event.clientX) - left) + "px";
    brushRange.style.width = Math.abs(event.clientX - brushStart) + "px";
  });
  brush.addEventListener("pointerup", function (event) {
    if (brushStart === null) return;
    var a = dayAt(Math.min(brushStart, event.clientX));
    var b = dayAt(Math.max(brushStart, event.clientX));
    var moved = Math.abs(event.clientX - brushStart);
    brushStart = null;
    brushRange.hidden = true;
    if (moved < 3) window.defgraphBrush("", "");  // a click on the strip clears the period
    else window.defgraphBrush(a, b);
  });
  /* select a period, as a drag on the strip does: the dates take it, items outside dim */
  window.defgraphBrush = function (from, to) {
    dateFrom.value = from || "";
    dateTo.value = to || "";
    apply();
    return shown.textContent;
  };
  window.defgraphDayAt = dayAt;

  // -- search: an item whose label (or a state's name) contains the text -------------------------
  var input = document.getElementById("search");
  var status = document.getElementById("search-status");
  function search() {
    var q = input.value.trim().toLowerCase();
    if (!q) { status.textContent = ""; return; }
    var lanes = new Set();
    laneNames.forEach(function (name, id) { if (name.toLowerCase().indexOf(q) !== -1) lanes.add(id); });
    var ids = items.getIds({ filter: function (it) {
      var rec = records.get(it.node);
      return Boolean(rec) && (rec.label.toLowerCase().indexOf(q) !== -1 ||
        rec.lanes.some(function (l) { return lanes.has(l); }));
    } });
    status.textContent = ids.length ? ids.length + (ids.length === 1 ? " match" : " matches") : "no match";
    if (ids.length) {
      frame(ids);
      if (ids.length === 1) panel.show(items.get(ids[0]).node);
    }
  }
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); search(); }
  });
  window.defgraphSearch = function (text) { input.value = text; search(); return status.textContent; };

  // -- export: what is shown, as CSV ------------------------------------------------------------
  function csv() {
    var rows = [["id", "label", "kind", "type", "start", "end", "planned", "confidence", "in_range", "lanes", "iri"]];
    records.forEach(function (rec) {
      if (!keeps(rec)) return;
      var item = info.get(rec.id) || { details: [] };
      var iri = (item.details.filter(function (d) { return d[0] === "iri"; })[0] || ["", ""])[1];
      rows.push([rec.id, rec.label, rec.kind, rec.type, rec.start, rec.end, rec.planned,
        rec.confidence === null ? "" : rec.confidence, inRange(rec),
        rec.lanes.map(function (l) { return laneNames.get(l) || ""; }).join("; "), iri]);
    });
    return rows.map(window.defgraphCsvRow).join("");
  }
  window.defgraphCsv = csv;
  document.getElementById("export-csv").addEventListener("click", function () {
    window.defgraphDownload("defgraph-timeline.csv", csv(), "text/csv;charset=utf-8");
  });

  /* the picture as drawn: lanes, axis labels and items redrawn from their boxes on a canvas */
  function picture() {
    var root = container.getBoundingClientRect();
    var ratio = window.devicePixelRatio || 1;
    var out = document.createElement("canvas");
    out.width = Math.round(root.width * ratio);
    out.height = Math.round(root.height * ratio);
    var ctx = out.getContext("2d");
    ctx.scale(ratio, ratio);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, root.width, root.height);
    ctx.textBaseline = "middle";
    function visible(r) {
      return r.width > 0 && r.bottom > root.top && r.top < root.bottom && r.right > root.left && r.left < root.right;
    }
    function text(el, colour) {
      var r = el.getBoundingClientRect();
      if (!visible(r) || !el.textContent) return;
      var style = getComputedStyle(el);
      ctx.font = style.fontSize + " " + style.fontFamily;
      ctx.fillStyle = colour || style.color;
      ctx.fillText(el.textContent, r.left - root.left + 2, r.top - root.top + r.height / 2, Math.max(r.width, 1));
    }
    ctx.strokeStyle = "#e5e5e5";
    container.querySelectorAll(".vis-foreground .vis-group, .vis-labelset .vis-label").forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (!visible(r)) return;
      ctx.beginPath();
      ctx.moveTo(0, r.bottom - root.top);
      ctx.lineTo(root.width, r.bottom - root.top);
      ctx.stroke();
    });
    container.querySelectorAll(".vis-labelset .vis-label .vis-inner, .vis-time-axis .vis-text").forEach(function (el) {
      text(el);
    });
    container.querySelectorAll(".vis-item").forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (!visible(r) || el.classList.contains("vis-background") || el.classList.contains("vis-point")) return;
      var style = getComputedStyle(el);
      var x = r.left - root.left, y = r.top - root.top;
      ctx.globalAlpha = parseFloat(style.opacity) || 1;
      ctx.fillStyle = style.backgroundColor;
      ctx.strokeStyle = style.borderTopColor;
      ctx.lineWidth = 1.5;
      if (el.classList.contains("vis-dot")) {
        ctx.beginPath();
        ctx.arc(x + r.width / 2, y + r.height / 2, r.width / 2, 0, 2 * Math.PI);
        ctx.fill();
        ctx.stroke();
      } else {
        ctx.fillRect(x, y, r.width, r.height);
        ctx.strokeRect(x, y, r.width, r.height);
      }
      ctx.globalAlpha = 1;
    });
    container.querySelectorAll(".vis-item .vis-item-content").forEach(function (el) {
      var item = el.closest(".vis-item");
      ctx.globalAlpha = parseFloat(getComputedStyle(item).opacity) || 1;
      text(el, "#1f2328");
      ctx.globalAlpha = 1;
    });
    return out;
  }
  window.defgraphPng = function () { return picture().toDataURL("image/png"); };
  document.getElementById("export-png").addEventListener("click", function () {
    picture().toBlob(function (blob) {
      window.defgraphDownload("defgraph-timeline.png", blob, "image/png");
    }, "image/png");
  });

  var focus = loadFragment();
  writeControls();
  build();
  timeline.fit({ animation: false });
  if (focus && info.has(focus)) goTo(focus);
  timeline.once("changed", function () {
    document.documentElement.setAttribute("data-ready", "1");
  });
})();
