"use strict";
(function () {
  var table = document.getElementById("assets");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var text = document.getElementById("filter-text");
  var kind = document.getElementById("filter-kind");
  var provider = document.getElementById("filter-provider");
  var shown = document.getElementById("shown");
  function apply() {
    var q = text.value.trim().toLowerCase();
    var k = kind.value, p = provider.value, n = 0;
    rows.forEach(function (r) {
      var ok = (!q || r.textContent.toLowerCase().indexOf(q) >= 0) &&
        (!k || r.dataset.kind === k) && (!p || r.dataset.provider === p);
      r.classList.toggle("hidden", !ok);
      if (ok) { n++; }
    });
    shown.textContent = String(n);
  }
  [text, kind, provider].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    th.classList.add("sortable");
    th.tabIndex = 0;
    function sort() {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        var c = x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
  });
  apply();
})();
