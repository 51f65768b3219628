/* defgraph network page: draws the graph and wires the search box and the side panel.
   All data is untrusted text: it reaches the DOM through textContent / value only. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var info = new Map(data.info);
  var edgeInfo = new Map(data.edgeInfo);
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
  var edgeFont = data.options.edges.font.size;
  var edgeLabelsShown = true;
  function edgeLabels() {
    var show = network.getScale() * edgeFont >= 8;
    if (show === edgeLabelsShown) return;
    edgeLabelsShown = show;
    network.setOptions({ edges: { font: { size: show ? edgeFont : 0 } } });
  }
  network.on("zoom", edgeLabels);
  edgeLabels();

  var panel = document.getElementById("panel");
  var panelTitle = document.getElementById("panel-title");
  var panelKind = document.getElementById("panel-kind");
  var panelDetails = document.getElementById("panel-details");
  var panelLinks = document.getElementById("panel-links");
  var URL_RE = /^https?:\/\/[^\s]+$/i;

  function element(tag, text, className) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) el.textContent = String(text);
    if (className) el.className = className;
    return el;
  }

  function detailValue(key, value) {
    var dd = document.createElement("dd");
    var links = /url$/.test(key);
    String(value).split("\n").forEach(function (line, i) {
      if (i > 0) dd.appendChild(document.createTextNode("\n"));
      if (links && URL_RE.test(line)) {
        var a = element("a", line);
        a.href = line;  // only http(s), checked above; opened on click, never fetched
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        dd.appendChild(a);
      } else {
        dd.appendChild(document.createTextNode(line));
      }
    });
    return dd;
  }

  function goTo(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1), animation: false });
    edgeLabels();
    showPanel(id);
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
      panelDetails.appendChild(detailValue(pair[0], pair[1]));
    });
    panelLinks.replaceChildren();
    var links = network.getConnectedEdges(id).map(function (edgeId) {
      var edge = edges.get(edgeId);
      var outgoing = edge.from === id;
      var other = outgoing ? edge.to : edge.from;
      var otherInfo = info.get(other);
      var relation = edgeInfo.get(edgeId) || "";
      return {
        other: other,
        relation: !data.directed ? relation : (outgoing ? relation + " →" : "← " + relation),
        label: otherInfo ? otherInfo.label : String(other)
      };
    });
    links.sort(function (a, b) {
      return a.relation.localeCompare(b.relation) || a.label.localeCompare(b.label);
    });
    links.forEach(function (link) {
      var li = element("li");
      li.appendChild(element("span", link.relation + " ", "relation"));
      var button = element("button", link.label);
      button.type = "button";
      button.addEventListener("click", function () { goTo(link.other); });
      li.appendChild(button);
      panelLinks.appendChild(li);
    });
    document.getElementById("panel-links-title").hidden = links.length === 0;
    panel.hidden = false;
  }

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

  // search: select the node with that name (or ISO code), else every node whose name contains it
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
    if (!q) return [];
    info.forEach(function (item, id) {
      var label = item.label.toLowerCase();
      if (label === q || item.search === q) exact.push(id);
      else if (label.indexOf(q) !== -1) partial.push(id);
    });
    return exact.length ? exact : partial;  // an exact name wins over partial matches
  }

  function search(open) {
    var ids = find(input.value);
    if (!ids.length) {
      network.unselectAll();
      status.textContent = input.value.trim() ? "no match" : "";
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
})();
