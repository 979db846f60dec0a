(function () {
  "use strict";
  var form = document.getElementById("filters");
  var list = document.getElementById("projects");
  var count = document.getElementById("count");
  var none = document.getElementById("none");
  var toggle = document.getElementById("filter-toggle");
  if (!form || !list || !count) { return; }
  var items = Array.prototype.map.call(list.children, function (li) {
    var d = li.dataset;
    return {
      li: li,
      help: (d.help || "").split(" "),
      tech: JSON.parse(d.tech || "[]"),
      cat: JSON.parse(d.cat || "[]"),
      type: d.type || "",
      complexity: d.complexity || "",
      status: d.status || "",
      // Search runs over what the card shows (name, summary, badges, status, technologies,
      // licence) plus the categories.
      text: (li.textContent + " " + JSON.parse(d.cat || "[]").join(" ")).toLowerCase()
    };
  });
  var template = count.getAttribute("data-template") || "{n} / {total}";
  function selected(name) {
    var el = form.elements[name];
    return el ? el.value : "";
  }
  function active() {
    var n = form.querySelectorAll("input[name=help]:checked").length;
    ["tech", "category", "type", "complexity", "status"].forEach(function (name) {
      if (selected(name)) { n += 1; }
    });
    return n;
  }
  function apply() {
    var q = (form.elements.q.value || "").trim().toLowerCase();
    var terms = q ? q.split(/\s+/) : [];
    var help = Array.prototype.filter.call(
      form.querySelectorAll("input[name=help]"), function (i) { return i.checked; }
    ).map(function (i) { return i.value; });
    var tech = selected("tech"), cat = selected("category"), type = selected("type");
    var cx = selected("complexity"), st = selected("status");
    var shown = 0;
    items.forEach(function (it) {
      var ok = help.every(function (h) { return it.help.indexOf(h) >= 0; }) &&
        (!tech || it.tech.indexOf(tech) >= 0) &&
        (!cat || it.cat.indexOf(cat) >= 0) &&
        (!type || it.type === type) &&
        (!cx || it.complexity === cx) &&
        (!st || it.status === st) &&
        terms.every(function (t) { return it.text.indexOf(t) >= 0; });
      it.li.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = template.replace("{n}", shown).replace("{total}", items.length);
    if (none) { none.hidden = shown > 0; }
    if (toggle) {
      var n = active();
      var label = toggle.getAttribute("data-label") || "";
      toggle.textContent = n > 0 ? label + " (" + n + ")" : label;
    }
  }
  // On small screens the filters sit behind one button (the stylesheet hides them while the
  // form is not open); the button says how many are set.
  if (toggle) {
    toggle.addEventListener("click", function () {
      var open = !form.classList.contains("open");
      form.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // Filters can be preset through the URL, e.g. index.html?help=technical&status=live.
  var params = new URLSearchParams(window.location.search);
  params.getAll("help").forEach(function (h) {
    var box = form.querySelector("input[name=help][value='" + h.replace(/[^a-z-]/g, "") + "']");
    if (box) { box.checked = true; }
  });
  ["q", "tech", "category", "type", "complexity", "status"].forEach(function (name) {
    if (params.has(name) && form.elements[name]) { form.elements[name].value = params.get(name); }
  });
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  apply();
}());
