// The cookie finder ("Find a cookie") and the cookie tables' controls: filters with
// counts, sorting by any column, a link to each row and a button copying its name.
//
// Progressive enhancement: without JavaScript (or without the index) the page is
// its plain tables. Everything comes from cookie-catalog-index.json, written by
// the build beside this script and fetched relative to it (no request leaves the
// site, any site path works). Catalog text only ever goes in as text, never markup.
(function () {
  "use strict";

  // Every string the visitor sees or hears, in one place; {name} fields are filled in.
  // An index may carry its own ("text"), in the site's language.
  var TEXT = {
    find: "Find a cookie",
    findHint: "Its name, such as _ga_ABC123",
    exact: "This cookie",
    pattern: "Could be",
    prefix: "Starts with",
    more: "and {count} more",
    notFound: "{query} is not in this policy.",
    exactFound: "{query} is in this policy.",
    // Counted texts have a form for each plural category of the page's language (Intl.PluralRules).
    patternFound: {
      one: "{query} could be the pattern cookie {name}.",
      other: "{query} could be one of {count} pattern cookies.",
    },
    prefixFound: { one: "1 cookie starts with it.", other: "{count} cookies start with it." },
    details: "{plugin} · {category} · {duration}",
    filters: "Filter the cookies on this page",
    category: "Category",
    provenance: "Provenance",
    storage: "Storage",
    shown: "{shown} of {total} cookies",
    sortBy: "Sort by {column}",
    rowLink: "Link to {name}",
    copyName: "Copy the name {name}",
    copied: "Copied {name}",
    copyFailed: "Could not copy {name}; select it and copy",
  };
  var INDEX_FILE = "cookie-catalog-index.json";
  var LIMIT = 8; // results shown per kind; the rest are counted
  var script = document.currentScript;
  var indexUrl = script && script.src ? new URL(INDEX_FILE, script.src) : null;
  var loading = null;

  function say(key, fields) {
    var text = TEXT[key];
    if (typeof text === "object") text = text[plurals().select(fields.count)] || text.other;
    return text.replace(/\{(\w+)\}/g, function (all, field) {
      return fields && field in fields ? String(fields[field]) : all;
    });
  }

  var pluralRules = null;

  function plurals() {
    if (!pluralRules) {
      try { pluralRules = new Intl.PluralRules(document.documentElement.lang || "en"); }
      catch (e) { pluralRules = new Intl.PluralRules("en"); }
    }
    return pluralRules;
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    for (var key in attributes) node.setAttribute(key, attributes[key]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- The index ----------------------------------------------------------

  // The index as the build writes it (cookie_catalog/render/finder_index.py says how), decoded once.
  function Index(doc, url) {
    var names = doc.names, count = names.length;
    var durations = doc.durations.length, storages = doc.storages.length, provenances = doc.provenances.length;
    this.doc = doc;
    this.url = url;
    this.names = names;
    this.columns = { plugins: new Int32Array(count), categories: new Int32Array(count),
      provenances: new Int32Array(count), storages: new Int32Array(count), durations: new Int32Array(count) };
    var next = 0;
    for (var p = 0; p < doc.plugins.length; p++) {
      for (var end = next + doc.plugins[p][3]; next < end; next++) this.columns.plugins[next] = p;
    }
    for (var i = 0; i < count; i++) {
      var kind = doc.kinds[i];
      this.columns.durations[i] = kind % durations;
      kind = Math.floor(kind / durations);
      this.columns.storages[i] = kind % storages;
      kind = Math.floor(kind / storages);
      this.columns.provenances[i] = kind % provenances;
      this.columns.categories[i] = Math.floor(kind / provenances);
    }
    this.places = new Map(doc.places);
    this.givenAnchors = new Map(doc.anchors);
    this.folded = names.map(function (n) { return n.toLowerCase(); });
    this.order = sortedOrder(names, this.folded);
    // Patterns by the literal text they start with (`_ga_` for `_ga_` and `_ga_*`): a query
    // is tested only against the patterns whose start it has, a few Map look-ups a keystroke.
    this.patterns = new Map();
    this.longestStart = 0;
    for (var k = 0; k < doc.patterns.length; k++) {
      var cookie = doc.patterns[k][0], start = names[cookie].split("*")[0];
      var regex;
      try { regex = new RegExp(doc.patterns[k][1]); } catch (e) { continue; } // a source this browser cannot compile
      if (!this.patterns.has(start)) this.patterns.set(start, []);
      this.patterns.get(start).push({ cookie: cookie, regex: regex });
      this.longestStart = Math.max(this.longestStart, start.length);
    }
    this.anchors = null;
  }

  // Name order, case folded first, as JavaScript compares strings.
  function sortedOrder(names, folded) {
    var order = folded.map(function (f, i) { return i; });
    return order.sort(function (a, b) {
      if (folded[a] !== folded[b]) return folded[a] < folded[b] ? -1 : 1;
      return names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0;
    });
  }

  Index.prototype.plugin = function (i) { return this.doc.plugins[this.columns.plugins[i]]; };
  // As finder_index.derived_anchor makes it, unless the index gives it.
  Index.prototype.anchor = function (i) {
    var given = this.givenAnchors.get(i);
    if (given !== undefined) return given;
    var readable = this.names[i].replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 120);
    return this.plugin(i)[1] + "--" + readable;
  };
  Index.prototype.page = function (i) {
    var page = this.places.get(i);
    return page !== undefined ? page : this.plugin(i)[2];
  };
  Index.prototype.duration = function (i) { return this.doc.durations[this.columns.durations[i]]; };
  Index.prototype.label = function (group, i) { return this.doc[group][this.columns[group][i]][1]; };

  // The row's address: on this page when the row is here, else on its page; null when on none.
  Index.prototype.href = function (i) {
    var anchor = this.anchor(i);
    if (document.getElementById(anchor)) return "#" + encodeURIComponent(anchor);
    var page = this.page(i);
    if (page < 0) return null;
    return new URL(this.doc.pages[page], this.url).href + "#" + encodeURIComponent(anchor);
  };

  Index.prototype.byAnchor = function (anchor) {
    if (!this.anchors) {
      this.anchors = new Map();
      for (var i = 0; i < this.names.length; i++) this.anchors.set(this.anchor(i), i);
    }
    return this.anchors.get(anchor);
  };

  // The first position in name order whose folded name is not below `key` (or, with
  // `past`, not below and not starting with it): a binary search, O(log n) a keystroke.
  Index.prototype.bound = function (key, past) {
    var lo = 0, hi = this.order.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      var folded = this.folded[this.order[mid]];
      var before = folded < key || (past && folded.slice(0, key.length) === key);
      if (before) lo = mid + 1; else hi = mid;
    }
    return lo;
  };

  // What `query` is (exact name), could be (a pattern matching it) and starts (a prefix of).
  Index.prototype.find = function (query) {
    var key = query.toLowerCase();
    var first = this.bound(key, false), last = this.bound(key, true);
    var exact = [], prefix = [], pattern = [];
    // Names folding to the query come first in the range; past them only LIMIT are needed.
    for (var p = first; p < last && (prefix.length < LIMIT || this.folded[this.order[p]] === key); p++) {
      var i = this.order[p];
      if (this.names[i] === query) exact.push(i);
      else if (prefix.length < LIMIT) prefix.push(i);
    }
    var prefixCount = last - first - exact.length;
    // The longest literal start first: `_gat_gtag_` says more about `_gat_gtag_UA_1` than `_gat`.
    for (var length = Math.min(query.length, this.longestStart); length >= 0; length--) {
      var candidates = this.patterns.get(query.slice(0, length)) || [];
      for (var k = 0; k < candidates.length; k++) {
        var c = candidates[k];
        if (this.names[c.cookie] !== query && c.regex.test(query)) pattern.push(c.cookie);
      }
    }
    return { exact: exact, pattern: pattern, prefix: prefix, prefixCount: prefixCount };
  };

  function loadIndex() {
    if (!indexUrl || !window.fetch) return Promise.reject(new Error("no index"));
    if (!loading) {
      loading = fetch(indexUrl.href, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("index: HTTP " + response.status);
          return response.json();
        })
        .then(function (doc) {
          // The page's language (the build writes it outside English): counted texts are objects of plural forms.
          if (doc.text) for (var key in doc.text) {
            var given = doc.text[key];
            if (key in TEXT) TEXT[key] = given && typeof given === "object" ? given : String(given);
          }
          return new Index(doc, indexUrl.href);
        });
    }
    return loading;
  }

  // ---- The finder ---------------------------------------------------------

  var finders = 0;

  function buildFinder(place, index) {
    var id = "cc-finder-" + ++finders;
    var box = element("div", { class: "cc-finder", role: "search", "aria-label": TEXT.find });
    var label = element("label", { for: id, class: "cc-finder__label" }, TEXT.find);
    var input = element("input", {
      id: id, type: "search", class: "cc-finder__input", autocomplete: "off", spellcheck: "false",
      autocapitalize: "off", placeholder: TEXT.findHint, "aria-describedby": id + "-status",
    });
    var status = element("p", { id: id + "-status", class: "cc-finder__status", role: "status" });
    var results = element("div", { class: "cc-finder__results" });
    box.append(label, input, status, results);
    place.replaceChildren(box);
    input.addEventListener("input", function () { showResults(index, input.value, status, results); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        var first = results.querySelector("a[href]");
        if (first) { event.preventDefault(); first.click(); }
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        showResults(index, "", status, results);
      }
    });
  }

  function showResults(index, raw, status, results) {
    // Pasted text loses its surrounding spaces, unless a name has them.
    var query = raw !== raw.trim() && index.find(raw).exact.length ? raw : raw.trim();
    if (!query) {
      results.replaceChildren();
      status.textContent = "";
      return;
    }
    var found = index.find(query);
    var shown = query.length > 80 ? query.slice(0, 80) + "\u2026" : query; // a pasted page is not read out whole
    var lists = [];
    var parts = [];
    if (found.exact.length) {
      lists.push(resultList(index, TEXT.exact, found.exact, 0));
      parts.push(say("exactFound", { query: shown }));
    }
    if (found.pattern.length) {
      lists.push(resultList(index, TEXT.pattern, found.pattern.slice(0, LIMIT), found.pattern.length - LIMIT));
      if (!found.exact.length) {
        var name = index.names[found.pattern[0]];
        parts.push(say("patternFound", { query: shown, name: name, count: found.pattern.length }));
      }
    }
    if (found.prefixCount) {
      lists.push(resultList(index, TEXT.prefix, found.prefix, found.prefixCount - found.prefix.length));
      parts.push(say("prefixFound", { count: found.prefixCount }));
    }
    if (!found.exact.length && !found.pattern.length) parts.unshift(say("notFound", { query: shown }));
    results.replaceChildren.apply(results, lists);
    status.textContent = parts.join(" ");
  }

  function resultList(index, title, cookies, more) {
    var section = element("div", { class: "cc-finder__group" });
    section.append(element("p", { class: "cc-finder__kind" }, title));
    var list = element("ul", { class: "cc-finder__list" });
    cookies.forEach(function (i) {
      var item = element("li");
      var href = index.href(i);
      var name = element("code", {}, index.names[i]);
      if (href) {
        var link = element("a", { href: href });
        link.append(name);
        item.append(link);
      } else {
        item.append(name);
      }
      item.append(" ", element("span", { class: "cc-finder__details" }, say("details", {
        plugin: index.plugin(i)[0], category: index.label("categories", i), duration: index.duration(i)[0],
      })));
      list.append(item);
    });
    section.append(list);
    if (more > 0) section.append(element("p", { class: "cc-finder__more" }, say("more", { count: more })));
    return section;
  }

  // ---- The tables ---------------------------------------------------------

  // Every row of the page's cookie tables, with its cookie's index position (undefined if unknown).
  // A cookie listed twice on a page has "<anchor>~2", "~3", ... on its later rows (render.pages.RowIds);
  // no anchor holds a "~", so what comes before it is the cookie's anchor.
  function cookieRows(index) {
    var rows = [];
    document.querySelectorAll(".cc-anchor[id]").forEach(function (anchor) {
      var row = anchor.closest("tr");
      if (!row || row.closest("thead")) return;
      var cookie = index.byAnchor(anchor.id.replace(/~\d+$/, ""));
      rows.push({ row: row, cell: anchor.closest("td, th"), cookie: cookie });
    });
    return rows;
  }

  function addRowTools(index, rows) {
    rows.forEach(function (entry) {
      if (entry.cell.querySelector(".cc-row-tools")) return;
      var anchor = entry.row.querySelector(".cc-anchor[id]").id;
      var name = entry.cookie !== undefined ? index.names[entry.cookie]
        : (entry.cell.querySelector("code") || entry.cell).textContent;
      var tools = element("span", { class: "cc-row-tools" });
      var link = element("a", {
        class: "cc-row-link", href: "#" + encodeURIComponent(anchor), "aria-label": say("rowLink", { name: name }),
        title: say("rowLink", { name: name }),
      }); // its "#" is drawn by the CSS: the row's text, as read or copied, stays the catalog's
      var copy = element("button", {
        type: "button", class: "cc-copy", "aria-label": say("copyName", { name: name }),
        title: say("copyName", { name: name }),
      });
      copy.append(copyIcon());
      copy.addEventListener("click", function () { copyName(name, copy); });
      tools.append(link, copy);
      entry.cell.append(tools);
    });
  }

  function copyIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M19 21H8V7h11m0-2H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2m-3-4H4a2 "
      + "2 0 0 0-2 2v14h2V3h12V1Z");
    svg.append(path);
    return svg;
  }

  var announcer = null;

  function announce(text) {
    if (!announcer) {
      announcer = element("p", { class: "cc-visually-hidden", role: "status" });
      document.body.append(announcer);
    }
    announcer.textContent = text;
  }

  function copyName(name, button) {
    var done = function () {
      button.classList.add("cc-copy--done");
      announce(say("copied", { name: name }));
      setTimeout(function () { button.classList.remove("cc-copy--done"); }, 1500);
    };
    var fallback = function () {
      if (copyBySelection(name)) done(); else announce(say("copyFailed", { name: name }));
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(name).then(done, fallback);
    else fallback();
  }

  // Outside a secure context (plain http on an intranet) the Clipboard API is missing.
  function copyBySelection(text) {
    var area = element("textarea", { readonly: "", class: "cc-visually-hidden", "aria-hidden": "true" });
    area.value = text;
    document.body.append(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }

  // ---- Filters --------------------------------------------------------------

  var GROUPS = [["categories", "category"], ["provenances", "provenance"], ["storages", "storage"]];
  var controls = 0;

  function buildFilters(place, index, rows) {
    var known = rows.filter(function (r) { return r.cookie !== undefined; });
    if (!known.length) return;
    var id = "cc-filters-" + ++controls;
    var box = element("div", { class: "cc-filters", role: "group", "aria-label": TEXT.filters });
    var hidden = { categories: new Set(), provenances: new Set(), storages: new Set() };
    var status = element("p", { class: "cc-filters__status", role: "status", id: id + "-status" });
    var update = function () {
      var shown = 0;
      rows.forEach(function (r) {
        var show = r.cookie === undefined || GROUPS.every(function (g) {
          return !hidden[g[0]].has(index.columns[g[0]][r.cookie]);
        });
        r.row.hidden = !show;
        if (show) shown++;
      });
      status.textContent = say("shown", { shown: shown, total: rows.length });
    };
    GROUPS.forEach(function (group) {
      var counts = new Map();
      known.forEach(function (r) {
        var value = index.columns[group[0]][r.cookie];
        counts.set(value, (counts.get(value) || 0) + 1);
      });
      var set = element("fieldset", { class: "cc-filters__group" });
      var options = element("span", { class: "cc-filters__options" });
      set.append(element("legend", {}, TEXT[group[1]]), options);
      Array.from(counts.keys()).sort(function (a, b) { return a - b; }).forEach(function (value) {
        var boxId = id + "-" + group[1] + "-" + value;
        var check = element("input", { type: "checkbox", id: boxId, "aria-describedby": boxId + "-n" });
        check.checked = true;
        check.addEventListener("change", function () {
          if (check.checked) hidden[group[0]].delete(value); else hidden[group[0]].add(value);
          update();
        });
        var option = element("span", { class: "cc-filters__option" });
        var label = element("label", { for: boxId }, index.doc[group[0]][value][1]);
        option.append(check, label, element("span", { class: "cc-filters__count", id: boxId + "-n" },
          String(counts.get(value))));
        options.append(option);
      });
      box.append(set);
    });
    box.append(status);
    place.append(box);
    update();
    // A link to a row the filters hide shows every row again.
    window.addEventListener("hashchange", function () {
      var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      var row = target && target.closest("tr");
      if (!row || !row.hidden) return;
      box.querySelectorAll("input[type=checkbox]").forEach(function (c) { c.checked = true; });
      GROUPS.forEach(function (g) { hidden[g[0]].clear(); });
      update();
      target.scrollIntoView();
    });
  }

  // ---- Sorting ------------------------------------------------------------

  function addSorting(index, rows) {
    var tables = new Map();
    rows.forEach(function (r) {
      var table = r.row.closest("table");
      if (!tables.has(table)) tables.set(table, []);
      tables.get(table).push(r);
    });
    tables.forEach(function (tableRows, table) {
      var head = table.tHead && table.tHead.rows[0];
      if (!head || head.querySelector(".cc-sort")) return;
      Array.from(head.cells).forEach(function (th, column) {
        var key = sortKey(index, tableRows, column);
        var button = element("button", { type: "button", class: "cc-sort" });
        button.append.apply(button, Array.from(th.childNodes));
        button.append(element("span", { class: "cc-sort__arrow", "aria-hidden": "true" }));
        th.append(button);
        button.addEventListener("click", function () {
          var ascending = th.getAttribute("aria-sort") !== "ascending";
          Array.from(head.cells).forEach(function (other) { other.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
          sortRows(tableRows, key, ascending);
        });
      });
    });
  }

  // How a column sorts: durations by their place in real time order (the index lists
  // them so), names by name, anything else by its text, numbers within it as numbers.
  function sortKey(index, rows, column) {
    var known = rows.filter(function (r) { return r.cookie !== undefined && r.row.cells[column]; });
    var isDuration = known.length > 0 && known.every(function (r) {
      return r.row.cells[column].textContent.trim().indexOf(index.duration(r.cookie)[0]) === 0;
    });
    if (isDuration) {
      return function (r) { return r.cookie === undefined ? Infinity : index.columns.durations[r.cookie]; };
    }
    var isName = known.length > 0 && known.every(function (r) { return r.row.cells[column] === r.cell; });
    if (isName) {
      return function (r) { return r.cookie === undefined ? r.cell.textContent : index.names[r.cookie]; };
    }
    return function (r) { return r.row.cells[column] ? r.row.cells[column].textContent.trim() : ""; };
  }

  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function sortRows(rows, key, ascending) {
    var keyed = rows.map(function (r, i) { return { r: r, k: key(r), i: i }; });
    keyed.sort(function (a, b) {
      var order = typeof a.k === "number" && typeof b.k === "number" ? a.k - b.k : collator.compare(a.k, b.k);
      return (ascending ? order : -order) || a.i - b.i;
    });
    var body = rows[0].row.parentNode;
    keyed.forEach(function (entry) { body.appendChild(entry.r.row); });
  }

  // The table with the wrappers a theme puts around it alone (Material's scroll wrapper):
  // the controls go before those, at the width of the page, not inside a scrolling box.
  function outermost(table) {
    var block = table;
    while (block.parentElement && block.parentElement.children.length === 1
      && !block.parentElement.matches("article, main, body, [role=main]")) block = block.parentElement;
    return block;
  }

  // ---- Start --------------------------------------------------------------

  function start() {
    var places = Array.from(document.querySelectorAll(".cc-finder-here"));
    var firstTable = document.querySelector(".cc-anchor[id]");
    firstTable = firstTable && firstTable.closest("table");
    if (!places.length && !firstTable) return;
    loadIndex().then(function (index) {
      keepInPlace(function () { enhance(index, places, firstTable); });
    }, function () { /* no index: the plain tables */ });
  }

  // What the controls add above a row linked to (#anchor) must not push that row out of view.
  function keepInPlace(change) {
    var target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var before = target ? target.getBoundingClientRect().top : 0;
    change();
    if (target) {
      var moved = target.getBoundingClientRect().top - before;
      if (moved) window.scrollBy(0, moved);
    }
  }

  // The finder where the page asks for it, or above its first cookie table; the controls with it.
  function enhance(index, places, firstTable) {
    var rows = cookieRows(index);
    var place = places[0];
    if (!place) {
      place = element("div", { class: "cc-finder-here" });
      var block = outermost(firstTable);
      block.parentNode.insertBefore(place, block);
      places = [place];
    }
    places.forEach(function (p) { if (!p.querySelector(".cc-finder")) buildFinder(p, index); });
    if (rows.length && !place.querySelector(".cc-filters")) {
      buildFilters(place, index, rows);
      addRowTools(index, rows);
      addSorting(index, rows);
    }
  }

  // Material's instant navigation replaces the page without reloading scripts.
  if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(start);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
