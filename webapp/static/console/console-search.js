/*
 * The search box in the header: tickets, chats and customers holding every word
 * typed (GET /api/search, helpdesk/search.py: subjects, descriptions, comments,
 * transcripts, what was said and noted in a chat, names, emails). Results are
 * grouped by kind under the box, each with the text around the first word found
 * (as text: much of it was typed by customers). A ticket opens in the Tickets
 * view, a chat in the Chats view, a customer in the Customers view.
 *
 * It searches as the agent types (after a short pause) and on Enter; ↓ from the
 * box goes to the results, Escape closes them.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var make = K.make, append = K.append, clear = K.clear;
  var api = K.api, t = K.t;

  var PAUSE_MS = 300;
  var MIN_CHARS = 2;
  var GROUPS = [
    { kind: "ticket", title: "search_tickets" },
    { kind: "chat", title: "search_chats" },
    { kind: "customer", title: "search_customers" },
  ];

  var el = {
    form: document.getElementById("console-search"),
    input: document.getElementById("console-search-input"),
    results: document.getElementById("console-search-results"),
  };
  var timer = null;
  var asked = 0;  // the latest search sent: an older answer arriving later is dropped

  function search() {
    clearTimeout(timer);
    var query = el.input.value.trim();
    if (query.length < MIN_CHARS) {
      hide();
      return;
    }
    var mine = ++asked;
    showStatus(t("search_searching"));
    api("GET", "/api/search?q=" + encodeURIComponent(query)).then(function (hits) {
      if (mine === asked) render(query, hits);
    }, function (error) {
      if (mine === asked) showStatus(error.message);
    });
  }

  function showStatus(text) {
    clear(el.results);
    el.results.appendChild(make("p", { class: "search-status muted", role: "status" }, text));
    reveal();
  }

  function reveal() {
    el.results.hidden = false;
    el.input.setAttribute("aria-expanded", "true");
  }

  function hide() {
    el.results.hidden = true;
    el.input.setAttribute("aria-expanded", "false");
    clear(el.results);
  }

  function render(query, hits) {
    clear(el.results);
    if (!hits.length) {
      showStatus(t("search_nothing", { query: query }));
      return;
    }
    GROUPS.forEach(function (group) {
      var found = hits.filter(function (hit) { return hit.kind === group.kind; });
      if (!found.length) return;
      var id = "search-group-" + group.kind;
      el.results.appendChild(append(make("section", {
        class: "search-group", "aria-labelledby": id, "data-testid": "search-group-" + group.kind,
      }), [
        make("h3", { id: id }, t(group.title)),
        append(make("ul", { class: "search-hits" }), found.map(hitItem)),
      ]));
    });
    reveal();
  }

  function hitTitle(hit) {
    if (hit.kind === "chat") {
      return t("search_chat_title", { id: hit.ref, customer: hit.title || t("anonymous_visitor") });
    }
    if (hit.kind === "ticket") return hit.ref + " · " + hit.title;
    return hit.title + " · " + hit.ref;
  }

  function hitItem(hit) {
    var button = append(make("button", {
      type: "button", class: "search-hit", "data-testid": "search-hit",
      "data-kind": hit.kind, "data-ref": hit.ref,
    }), [
      make("span", { class: "search-hit-title" }, hitTitle(hit)),
      hit.at ? make("span", { class: "search-hit-when muted" }, K.dayDate(hit.at)) : null,
      make("span", { class: "search-hit-snippet muted" }, hit.snippet),
    ]);
    button.addEventListener("click", function () { openHit(hit); });
    return append(make("li", {}), [button]);
  }

  function openHit(hit) {
    hide();
    if (hit.kind === "ticket") K.showTicket(hit.ref);
    else if (hit.kind === "chat") {
      K.switchView("chats");
      K.openChat(Number(hit.ref));
    } else if (typeof K.showCustomer === "function") {
      K.showCustomer(hit.ref);
    } else {
      K.switchView("customers");
      document.getElementById("customer-query").value = hit.ref;
      K.searchCustomers();
    }
  }

  // ↑ ↓ between the box and the results; Escape closes them and returns to the box.
  function keydown(event) {
    var hits = Array.prototype.slice.call(el.results.querySelectorAll(".search-hit"));
    var at = hits.indexOf(document.activeElement);
    if (event.key === "Escape" && !el.results.hidden) {
      event.preventDefault();
      hide();
      el.input.focus();
    } else if (event.key === "ArrowDown" && hits.length) {
      event.preventDefault();
      hits[Math.min(at + 1, hits.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) el.input.focus();
      else hits[at - 1].focus();
    }
  }

  function start() {
    if (!el.form) return;
    el.form.addEventListener("submit", function (event) {
      event.preventDefault();
      search();
    });
    el.input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, PAUSE_MS);
    });
    el.form.addEventListener("keydown", keydown);
    document.addEventListener("mousedown", function (event) {
      if (!el.results.hidden && !el.form.contains(event.target)) hide();
    });
  }

  window.KefuConsoleI18n.ready.then(start);
})();
