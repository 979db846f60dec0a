// The proposal form: collects the answers into a proposal-shaped object, has them checked
// by `digifarm propose`'s own rules (propose.wasm: no request leaves the site, no import),
// shows each finding at its field, and offers the proposal YAML once it would be accepted.
(function () {
  "use strict";
  var form = document.getElementById("propose");
  var island = document.getElementById("form-settings");
  if (!form || !island) { return; }
  var settings = JSON.parse(island.textContent);
  var words = settings.words;
  var summary = document.getElementById("summary");
  var status = document.getElementById("status");
  var result = document.getElementById("result");
  var yamlBox = document.getElementById("yaml");
  var download = document.getElementById("download");
  var mail = document.getElementById("mail");
  var forge = document.getElementById("forge");
  var engine = null;
  var touched = {};
  var submitted = false;
  var timer = null;
  var blobUrl = null;
  var counter = 0;
  var last = null;

  // --- the checker -----------------------------------------------------------------------
  function makeEngine(x) {
    var encoder = new TextEncoder();
    var decoder = new TextDecoder();
    function call(fn, value) {
      var data = encoder.encode(JSON.stringify(value));
      var ptr = x.digifarm_input(data.length);
      new Uint8Array(x.memory.buffer, ptr, data.length).set(data);
      var rc = x[fn]();
      var out = new Uint8Array(x.memory.buffer, x.digifarm_output(), x.digifarm_output_len());
      var answer = JSON.parse(decoder.decode(out));
      if (rc !== 0 || answer.error) { throw new Error(answer.error || fn + " failed"); }
      return answer;
    }
    call("digifarm_init", settings.init);
    return function (answers) { return call("digifarm_check", { answers: answers, today: today() }); };
  }
  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  // --- the answers -----------------------------------------------------------------------
  function list(path) { return form.querySelector('[data-list="' + path + '"]'); }
  function itemIndex(el) {
    var item = el.closest("[data-item]");
    if (!item) { return null; }
    return Array.prototype.indexOf.call(item.parentNode.children, item);
  }
  function concrete(el) {
    var path = el.getAttribute("data-path");
    var i = itemIndex(el);
    return i === null ? path : path.replace("__i__", String(i));
  }
  function put(obj, parts, value, append) {
    var node = obj;
    for (var k = 0; k < parts.length - 1; k++) {
      var key = parts[k];
      var nextIsIndex = /^\d+$/.test(parts[k + 1]);
      if (node[key] === undefined) { node[key] = nextIsIndex ? [] : {}; }
      node = node[key];
    }
    var leaf = parts[parts.length - 1];
    if (append) {
      if (!Array.isArray(node[leaf])) { node[leaf] = []; }
      node[leaf].push(value);
    } else {
      node[leaf] = value;
    }
  }
  function collect() {
    var answers = {};
    // Every need the visitor added is a mapping, even before anything is filled in.
    Array.prototype.forEach.call(form.querySelectorAll("[data-list]"), function (l) {
      Array.prototype.forEach.call(l.children, function (item, i) {
        put(answers, l.getAttribute("data-list").split("/").concat([String(i)]), {});
      });
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-path]"), function (el) {
      var parts = concrete(el).split("/");
      var type = el.getAttribute("data-type");
      var v;
      if (type === "bool") {
        if (el.checked || el.getAttribute("data-optional") !== "true") { put(answers, parts, el.checked); }
        return;
      }
      if (type === "multi") {
        if (el.checked) { put(answers, parts, el.value, true); }
        return;
      }
      v = el.value.trim();
      if (v === "") { return; }
      if (type === "list") {
        v = v.split(",").map(function (s) { return s.trim(); }).filter(function (s) { return s !== ""; });
        if (v.length === 0) { return; }
      } else if (type === "number") {
        // Only a plain decimal is a number; anything else (Infinity, 1e999, 0x10) goes as
        // text, for the check to refuse rather than to lose.
        if (/^[-+]?\d+([.,]\d+)?$/.test(v)) { v = Number(v.replace(",", ".")); }
      }
      put(answers, parts, v);
    });
    return answers;
  }

  // --- showing findings --------------------------------------------------------------------
  function scopeFor(parts) {
    // /project/needs/1/description → the second need, path project/needs/__i__/description.
    for (var k = 0; k < parts.length; k++) {
      if (/^\d+$/.test(parts[k])) {
        var l = list(parts.slice(0, k).join("/"));
        var item = l && l.children[Number(parts[k])];
        if (item) {
          var generic = parts.slice(0, k).concat(["__i__"]).concat(parts.slice(k + 1));
          return { root: item, parts: generic, keep: k + 1 };
        }
        return { root: form, parts: parts.slice(0, k), keep: 0 };
      }
    }
    return { root: form, parts: parts, keep: 0 };
  }
  function errorElement(field) {
    var scope = scopeFor(field.replace(/^\//, "").split("/"));
    for (var n = scope.parts.length; n > 0; n--) {
      var path = scope.parts.slice(0, n).join("/");
      var el = scope.root.querySelector('[data-error-for="' + path + '"]');
      if (!el && scope.root !== form && n <= scope.keep) {
        el = form.querySelector('[data-error-for="' + path.replace(/\/__i__$/, "") + '"]');
      }
      if (el) { return el; }
    }
    return null;
  }
  function fieldKey(errorEl) { return errorEl.id; }
  function isTouched(errorEl) {
    return submitted || touched[fieldKey(errorEl)] === true;
  }
  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".error"), function (p) {
      p.hidden = true;
      p.textContent = "";
    });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) {
      el.removeAttribute("aria-invalid");
    });
  }
  function show(errorEl, d) {
    var line = document.createElement("span");
    line.className = d.severity;
    var strong = document.createElement("strong");
    strong.textContent = (settings.explanations[d.code] || "") + " ";
    var detail = document.createElement("span");
    detail.lang = "en";
    var code = document.createElement("code");
    code.textContent = d.code;
    detail.appendChild(code);
    // A hint meant for the command line (`digifarm schema …`) is not one for the visitor.
    var help = d.help && d.help.indexOf("digifarm ") < 0 ? " (" + d.help + ")" : "";
    detail.appendChild(document.createTextNode(": " + d.message + help));
    if (strong.textContent.trim() !== "") { line.appendChild(strong); }
    line.appendChild(detail);
    if (errorEl.childNodes.length > 0) { errorEl.appendChild(document.createElement("br")); }
    errorEl.appendChild(line);
    errorEl.hidden = false;
    var container = errorEl.closest("[data-field]");
    var input = container && container.querySelector("input, select, textarea");
    if (input && d.severity === "error" && errorEl.parentNode === container) {
      input.setAttribute("aria-invalid", "true");
    }
  }
  function render(answer) {
    last = answer;
    clearErrors();
    var errors = 0;
    answer.diagnostics.forEach(function (d) {
      if (d.severity === "error") { errors += 1; }
      var el = errorElement(d.field);
      if (el && isTouched(el)) { show(el, d); }
    });
    renderSummary(answer, errors);
    renderResult(answer);
  }
  function renderSummary(answer, errors) {
    if (!submitted) { summary.hidden = true; return; }
    summary.textContent = "";
    summary.hidden = false;
    summary.className = answer.accepted ? "ok" : "bad";
    var p = document.createElement("p");
    p.textContent = answer.accepted ? words.accepted : words.errors.replace("{n}", String(errors));
    summary.appendChild(p);
    var ul = document.createElement("ul");
    answer.diagnostics.forEach(function (d) {
      var el = errorElement(d.field);
      var li = document.createElement("li");
      // The explanation in the page's language, the finding's own message (English) marked.
      var holder = li;
      var container = el && el.closest("[data-field]");
      var target = container && container.querySelector("input, select, textarea");
      if (target && target.id) {
        holder = document.createElement("a");
        holder.href = "#" + target.id;
        li.appendChild(holder);
      }
      holder.appendChild(document.createTextNode((settings.explanations[d.code] || d.code) + " – "));
      var message = document.createElement("span");
      message.lang = "en";
      message.textContent = d.message;
      holder.appendChild(message);
      ul.appendChild(li);
    });
    if (ul.children.length > 0) { summary.appendChild(ul); }
  }
  function renderResult(answer) {
    if (!answer.accepted) { result.hidden = true; return; }
    result.hidden = false;
    yamlBox.textContent = answer.yaml;
    var id = (collect().project || {}).id || "vorschlag";
    if (blobUrl) { URL.revokeObjectURL(blobUrl); }
    blobUrl = URL.createObjectURL(new Blob([answer.yaml], { type: "application/yaml" }));
    download.href = blobUrl;
    download.setAttribute("download", id + ".yaml");
    var crlf = answer.yaml.replace(/\n/g, "\r\n");
    if (mail && settings.mailto) {
      var name = (collect().project || {}).name || id;
      mail.href = settings.mailto + "?subject=" + encodeURIComponent(words.subject + ": " + name) +
        "&body=" + encodeURIComponent(words.mailIntro.replace(/\n/g, "\r\n") + crlf);
    }
    if (forge && settings.forge) {
      forge.href = settings.forge + (settings.forge.indexOf("?") >= 0 ? "&" : "?") +
        "filename=" + encodeURIComponent(id + ".yaml") + "&value=" + encodeURIComponent(answer.yaml);
    }
  }
  function check() {
    if (!engine) { return null; }
    try {
      var answer = engine(collect());
      render(answer);
      return answer;
    } catch (e) {
      status.textContent = words.loadFailed + " (" + e.message + ")";
      return null;
    }
  }
  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 150);
  }

  // --- needs: add and remove ---------------------------------------------------------------
  function renumber(l) {
    Array.prototype.forEach.call(l.children, function (item, i) {
      var n = item.querySelector("[data-number]");
      if (n) { n.textContent = String(i + 1); }
    });
  }
  function addItem(path) {
    var tpl = form.querySelector('template[data-template="' + path + '"]');
    var l = list(path);
    if (!tpl || !l) { return null; }
    counter += 1;
    // The template's ids hold `--i--` where the item's number goes; only the attributes that
    // name ids change (`data-error-for` keeps its generic path, which findings are matched to).
    var html = tpl.innerHTML.replace(/(\s)(id|for|aria-describedby)="([^"]*)"/g, function (all, space, attr, value) {
      return space + attr + '="' + value.replace(/--i--/g, "-n" + counter + "-") + '"';
    });
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var item = holder.firstElementChild;
    l.appendChild(item);
    renumber(l);
    return item;
  }
  form.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add]");
    var remove = event.target.closest("[data-remove]");
    if (add) {
      var item = addItem(add.getAttribute("data-add"));
      var first = item && item.querySelector("input, select, textarea");
      if (first) { first.focus(); }
      later();
    } else if (remove) {
      var it = remove.closest("[data-item]");
      var l = it.parentNode;
      var addButton = form.querySelector('[data-add="' + l.getAttribute("data-list") + '"]');
      l.removeChild(it);
      renumber(l);
      if (addButton) { addButton.focus(); }
      later();
    }
  });

  // --- events ------------------------------------------------------------------------------
  function touch(event) {
    var container = event.target.closest("[data-field]");
    var err = container && container.querySelector(".error");
    if (err) { touched[fieldKey(err)] = true; }
  }
  form.addEventListener("input", later);
  form.addEventListener("change", function (event) { touch(event); later(); });
  form.addEventListener("focusout", function (event) {
    if (event.target.matches("input, select, textarea")) { touch(event); later(); }
  });
  var waiting = false;
  function submit() {
    submitted = true;
    window.clearTimeout(timer);
    var answer = check();
    if (!answer) { return; }
    if (answer.accepted) {
      document.getElementById("result-h").focus();
    } else {
      summary.focus();
    }
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!engine) {
      // Still loading: said so, and checked once it is ready.
      waiting = true;
      status.textContent = words.loading;
      return;
    }
    submit();
  });

  status.textContent = "";
  fetch(form.getAttribute("data-wasm"))
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
      return response.arrayBuffer();
    })
    .then(function (bytes) { return WebAssembly.instantiate(bytes, {}); })
    .then(function (module) {
      engine = makeEngine(module.instance.exports);
      form.setAttribute("data-ready", "true");
      if (waiting) {
        waiting = false;
        status.textContent = "";
        submit();
      } else {
        check();
      }
    })
    .catch(function (e) {
      status.textContent = words.loadFailed + " (" + e.message + ")";
    });
  window.digifarmProposal = { last: function () { return last; } };
}());
