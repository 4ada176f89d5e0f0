// Static search over search.json: facts, names and quotes. Optional: every page works without it.
// Results are built with DOM calls only (textContent, createElement): the index holds editors'
// and sources' text, which must never become markup.
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var fallback = document.getElementById("search-fallback");
  // Results shown at first and added by each "Show more": a screenful to scan, not a wall.
  var PAGE = 50;
  var items = null;
  var found = [];
  var terms = [];

  if (!form || !input || !status || !list || !more || !window.fetch) {
    return;
  }

  // Fold case and accents, so a reader need not type either exactly as the sources do.
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // Fold a text one character at a time, noting where in the original each folded character
  // comes from: folding can change the length, and a match must be marked where it really is.
  function foldedWithPlaces(text) {
    var folded = "";
    var starts = [];
    var ends = [];
    var at = 0;
    Array.from(text).forEach(function (character) {
      var piece = fold(character);
      for (var i = 0; i < piece.length; i++) {
        starts.push(at);
        ends.push(at + character.length);
      }
      folded += piece;
      at += character.length;
    });
    return { text: folded, starts: starts, ends: ends };
  }

  function prepare(item) {
    item.haystack = fold([item.t, item.x, (item.n || []).join(" "), item.q.join(" ")].join(" "));
    item.name = fold((item.n || []).join(" "));
    return item;
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

  // Return the text with every match of the query's terms in <mark>, as DOM nodes.
  function marked(text) {
    var places = foldedWithPlaces(text);
    var ranges = [];
    terms.forEach(function (term) {
      for (var at = places.text.indexOf(term); at !== -1; at = places.text.indexOf(term, at + 1)) {
        ranges.push([places.starts[at], places.ends[at + term.length - 1]]);
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var fragment = document.createDocumentFragment();
    var done = 0;
    ranges.forEach(function (range, index) {
      var next = ranges[index + 1];
      if (next && next[0] <= range[1]) {
        next[0] = Math.min(next[0], range[0]);  // Overlapping matches make one mark.
        next[1] = Math.max(next[1], range[1]);
        return;
      }
      fragment.appendChild(document.createTextNode(text.slice(done, range[0])));
      fragment.appendChild(element("mark", "", text.slice(range[0], range[1])));
      done = range[1];
    });
    fragment.appendChild(document.createTextNode(text.slice(done)));
    return fragment;
  }

  function holdsEveryTerm(text) {
    var folded = fold(text);
    return terms.every(function (term) { return folded.indexOf(term) !== -1; });
  }

  // The fact's own words always show, with their attribution and hedges; a quote that holds
  // the words searched for follows them, marked as quoted. Shown alone, a quote cut before its
  // "according to" read as plain fact. A sentence of the lead has no text apart from its title,
  // which is the whole sentence.
  function snippet(item) {
    var shown = document.createDocumentFragment();
    if (item.x) {
      var text = element("p", "entry-text");
      text.appendChild(marked(item.x));
      shown.appendChild(text);
    }
    var quote = holdsEveryTerm(item.x || item.t) ? null : item.q.filter(holdsEveryTerm)[0];
    if (quote) {
      var quoted = element("p", "entry-text");
      quoted.appendChild(document.createTextNode("Quoted: “"));
      quoted.appendChild(marked(quote));
      quoted.appendChild(document.createTextNode("”"));
      shown.appendChild(quoted);
    }
    return shown;
  }

  function entry(item) {
    var li = element("li", "entry");
    var meta = element("p", "entry-meta");
    meta.appendChild(element("span", "tag", item.k));
    if (item.d) {
      meta.appendChild(document.createTextNode(" " + item.d));
    }
    var title = element("p", "entry-title");
    var link = element("a");
    link.href = item.u;
    link.appendChild(marked(item.t));
    title.appendChild(link);
    li.appendChild(meta);
    li.appendChild(title);
    li.appendChild(snippet(item));
    return li;
  }

  function plural(count) {
    return count === 1 ? "1 result" : count + " results";
  }

  // Add the next page of results and say, in the live region, how many there are in all.
  function showNext() {
    var shown = list.children.length;
    found.slice(shown, shown + PAGE).forEach(function (item) {
      list.appendChild(entry(item));
    });
    shown = list.children.length;
    var left = found.length - shown;
    status.textContent = left > 0
      ? plural(found.length) + ", showing the first " + shown + "."
      : plural(found.length) + (found.length > PAGE ? ", all shown." : ".");
    more.hidden = left <= 0;
    more.textContent = left > PAGE ? "Show " + PAGE + " more results" : "Show the last " + plural(left);
  }

  function search(query) {
    terms = fold(query).split(/\s+/).filter(Boolean);
    list.textContent = "";
    more.hidden = true;
    if (!terms.length) {
      found = [];
      status.textContent = "Type a name, a place or words from a quote.";
      return;
    }
    found = items.filter(function (item) {
      return terms.every(function (term) { return item.haystack.indexOf(term) !== -1; });
    });
    // Names first: a reader typing a person's name wants their page at the top.
    found.sort(function (a, b) {
      var byName = Number(terms.every(function (t) { return b.name.indexOf(t) !== -1; })) -
        Number(terms.every(function (t) { return a.name.indexOf(t) !== -1; }));
      return byName || a.t.localeCompare(b.t);
    });
    if (!found.length) {
      status.textContent = "No results. Try fewer words, or other spellings of a name.";
      return;
    }
    showNext();
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
    search(query);
  }

  form.hidden = false;
  if (fallback) {
    fallback.hidden = true;
  }
  input.value = new URL(window.location.href).searchParams.get("q") || "";
  status.textContent = "Loading the index…";
  // The page names the index under the site's base URL, so search works under any subpath.
  fetch(form.getAttribute("data-index"))
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (data) {
      items = data.map(prepare);
      search(input.value);
      input.addEventListener("input", update);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        update();
      });
      // Keyboard users land on the first new result, right where reading goes on.
      more.addEventListener("click", function () {
        var first = list.children.length;
        showNext();
        list.children[first].querySelector("a").focus();
      });
    })
    .catch(function () {
      status.textContent = "The search index could not be loaded. Use the index pages instead.";
      if (fallback) {
        fallback.hidden = false;
      }
    });
}());
