// Static search over search.json: facts, names and quotes. Optional: every page works without it.
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var fallback = document.getElementById("search-fallback");
  var LIMIT = 50;
  var items = null;

  if (!form || !input || !status || !list || !window.fetch) {
    return;
  }

  // Fold case and accents, so a reader need not type either exactly as the sources do.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function prepare(item) {
    item.haystack = fold([item.t, item.x, (item.a || []).join(" "), item.q.join(" ")].join(" "));
    item.name = fold(item.t + " " + (item.a || []).join(" "));
    return item;
  }

  // Show the quote that matched, else the fact's own text.
  function snippet(item, terms) {
    for (var i = 0; i < item.q.length; i++) {
      var quote = fold(item.q[i]);
      if (terms.every(function (term) { return quote.indexOf(term) !== -1; })) {
        return "“" + item.q[i] + "”";
      }
    }
    return item.x;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function render(query) {
    var terms = fold(query).split(/\s+/).filter(Boolean);
    list.textContent = "";
    if (!terms.length) {
      status.textContent = "Type a name, a place or words from a quote.";
      return;
    }
    var found = items.filter(function (item) {
      return terms.every(function (term) { return item.haystack.indexOf(term) !== -1; });
    });
    // Names first: a reader typing a person's name wants their page at the top.
    found.sort(function (a, b) {
      var byName = Number(terms.every(function (t) { return b.name.indexOf(t) !== -1; })) -
        Number(terms.every(function (t) { return a.name.indexOf(t) !== -1; }));
      return byName || (a.t < b.t ? -1 : a.t > b.t ? 1 : 0);
    });
    found.slice(0, LIMIT).forEach(function (item) {
      var li = element("li", "entry");
      var meta = element("p", "entry-meta");
      meta.appendChild(element("span", "tag", item.k));
      if (item.d) {
        meta.appendChild(document.createTextNode(" " + item.d));
      }
      var title = element("p", "entry-title");
      var link = element("a", "", item.t);
      link.href = item.u;
      title.appendChild(link);
      li.appendChild(meta);
      li.appendChild(title);
      li.appendChild(element("p", "entry-text", snippet(item, terms)));
      list.appendChild(li);
    });
    var count = found.length === 1 ? "1 result" : found.length + " results";
    status.textContent = found.length > LIMIT ? count + ", showing the first " + LIMIT : count;
  }

  function update() {
    var query = input.value;
    var url = new URL(window.location.href);
    if (query) {
      url.searchParams.set("q", query);
    } else {
      url.searchParams.delete("q");
    }
    window.history.replaceState(null, "", url);
    render(query);
  }

  form.hidden = false;
  if (fallback) {
    fallback.hidden = true;
  }
  input.value = new URL(window.location.href).searchParams.get("q") || "";
  status.textContent = "Loading the index…";
  fetch(form.getAttribute("data-index"))
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (data) {
      items = data.map(prepare);
      render(input.value);
      input.addEventListener("input", update);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        update();
      });
    })
    .catch(function () {
      status.textContent = "The search index could not be loaded. Use the index pages instead.";
      if (fallback) {
        fallback.hidden = false;
      }
    });
}());
