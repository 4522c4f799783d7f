"use strict";
(function () {
  var table = document.getElementById("assets");
  if (!table) { return; }
  var body = table.tBodies[0];
  var size = parseInt(table.dataset.pageSize, 10) || 100;
  var rows = Array.prototype.slice.call(body.rows);
  var texts = new Map();
  rows.forEach(function (r) { texts.set(r, r.textContent.toLowerCase()); });
  var text = document.getElementById("filter-text");
  var kind = document.getElementById("filter-kind");
  var provider = document.getElementById("filter-provider");
  var groupBy = document.getElementById("group-by");
  var prev = document.getElementById("page-prev");
  var next = document.getElementById("page-next");
  var shown = document.getElementById("shown");
  var info = document.getElementById("page-info");
  var cols = table.tHead.rows[0].cells.length;
  var page = 0, matching = [], onPage = [], heads = [], counts = new Map();
  // filter decides which rows match; render shows one page of them, in
  // order (grouped when asked), with a header row where a group starts.
  function filter() {
    var q = text.value.trim().toLowerCase();
    var k = kind.value, p = provider.value;
    matching = rows.filter(function (r) {
      return (!q || texts.get(r).indexOf(q) >= 0) && (!k || r.dataset.kind === k) && (!p || r.dataset.provider === p);
    });
    var g = groupBy.value;
    if (g) {
      var order = new Map();
      matching.forEach(function (r, i) { order.set(r, i); });
      matching.sort(function (a, b) {
        var c = a.dataset[g].localeCompare(b.dataset[g]);
        return c !== 0 ? c : order.get(a) - order.get(b);
      });
    }
    // Each group's size, for its header on whichever page it starts.
    counts = new Map();
    if (g) { matching.forEach(function (r) { counts.set(r.dataset[g], (counts.get(r.dataset[g]) || 0) + 1); }); }
    page = 0;
    render();
  }
  function render() {
    onPage.forEach(function (r) { r.classList.add("hidden"); });
    heads.forEach(function (h) { h.remove(); });
    heads = [];
    var pages = Math.max(1, Math.ceil(matching.length / size));
    if (page >= pages) { page = pages - 1; }
    onPage = matching.slice(page * size, (page + 1) * size);
    var g = groupBy.value, last = null;
    onPage.forEach(function (r) {
      if (g && r.dataset[g] !== last) {
        last = r.dataset[g];
        var h = document.createElement("tr");
        h.className = "group";
        var th = document.createElement("th");
        th.colSpan = cols;
        th.textContent = (last || "(none)") + " · " + counts.get(last);
        h.appendChild(th);
        body.appendChild(h);
        heads.push(h);
      }
      r.classList.remove("hidden");
      body.appendChild(r);
    });
    shown.textContent = String(matching.length);
    info.textContent = pages > 1 ? ", page " + (page + 1) + " of " + pages + " (" + size + " a page)" : "";
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }
  [text, kind, provider, groupBy].forEach(function (el) { el.addEventListener("input", filter); el.addEventListener("change", filter); });
  prev.addEventListener("click", function () { page--; render(); });
  next.addEventListener("click", function () { page++; render(); });
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  var ths = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(ths, function (th, col) {
    th.classList.add("sortable");
    th.tabIndex = 0;
    function sort() {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(ths, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var keys = new Map();
      rows.forEach(function (r) { keys.set(r, r.cells[col].textContent); });
      rows.sort(function (a, b) {
        var c = collator.compare(keys.get(a), keys.get(b));
        return asc ? c : -c;
      });
      filter();
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
  });
  onPage = rows.slice(0, size);
  filter();
})();
