/* defgraph side panel, shared by the pages that are not drawn by vis-network: a node's details,
   its events and pledges, the evidence quotes and the source statements. Every value is
   untrusted text: it reaches the DOM through textContent only; links only for http(s). */
window.defgraphPanel = function (info, goTo, linksOf) {
  "use strict";
  var panel = document.getElementById("panel");
  var URL_RE = /^https?:\/\/[^\s<>"']+$/i;

  function element(tag, text, className) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) el.textContent = String(text);
    if (className) el.className = className;
    return el;
  }

  function link(text, url) {
    if (!url || !URL_RE.test(url)) return element("span", text);
    var a = element("a", text);
    a.href = url;  // opened on click, never fetched
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function button(text, id) {
    var b = element("button", text);
    b.type = "button";
    b.addEventListener("click", function () { goTo(id); });
    return b;
  }

  function section(name, items, fill, count) {
    var box = document.getElementById("panel-" + name + "-box");
    var list = document.getElementById("panel-" + name);
    list.replaceChildren();
    (items || []).forEach(function (item) { list.appendChild(fill(item)); });
    box.hidden = !items || items.length === 0;
    if (count) count.textContent = items && items.length ? "(" + items.length + ")" : "";
  }

  function show(id) {
    var item = info.get(id);
    if (!item) return;
    panel.setAttribute("data-node", id);
    document.getElementById("panel-kind").textContent = item.type;
    document.getElementById("panel-title").textContent = item.label;
    var details = document.getElementById("panel-details");
    details.replaceChildren();
    item.details.forEach(function (pair) {
      if (pair[0] === "type") return;
      details.appendChild(element("dt", pair[0]));
      details.appendChild(element("dd", pair[1]));
    });
    section("events", item.events, function (ev) {
      var li = element("li");
      if (ev[2]) li.appendChild(element("span", ev[2] + " ", "when"));
      li.appendChild(info.has(ev[0]) ? button(ev[1], ev[0]) : element("span", ev[1]));
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
    var links = document.getElementById("panel-links");
    links.replaceChildren();
    var shown = linksOf ? linksOf(id) : [];
    shown.forEach(function (l) {
      var li = element("li");
      li.appendChild(element("span", l.relation + " ", "relation"));
      li.appendChild(l.id ? button(l.label, l.id) : element("span", l.label));
      links.appendChild(li);
    });
    document.getElementById("panel-links-title").hidden = shown.length === 0;
    panel.hidden = false;
  }

  function hide() {
    panel.hidden = true;
    panel.removeAttribute("data-node");
  }

  document.getElementById("panel-close").addEventListener("click", hide);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hide();
  });
  return { show: show, hide: hide, element: element };
};

/* Save text or a data: URL as a file, offline: a blob: link clicked in the page. */
window.defgraphDownload = function (name, content, type) {
  "use strict";
  var blob = content instanceof Blob ? content : new Blob([content], { type: type });
  var a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  window.setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
};

/* One CSV line: every field quoted, quotes doubled; a leading =, +, - or @ is prefixed with '
   so that a spreadsheet never runs a statement's text as a formula. */
window.defgraphCsvRow = function (fields) {
  "use strict";
  return fields.map(function (value) {
    var text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;
    return '"' + text.replace(/"/g, '""') + '"';
  }).join(",") + "\r\n";
};
