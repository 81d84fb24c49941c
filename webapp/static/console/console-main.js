/*
 * Start-up: the view tabs (Chats, Tickets, Customers and any other view a file
 * adds), sign-out, the language switch, wiring the page's own controls, and the
 * console's addresses.
 *
 * Addresses: /console/chats/12, /console/tickets/T-00042, /console/customers/C1001
 * (and /console/tickets, /console/customers, /console/chats for the views) all
 * serve this page (webapp/routers/console.py). Opening a chat, a ticket or a
 * customer pushes its address (K.visit), so a reload or a pasted link opens the
 * same thing and the browser's back and forward buttons move between them
 * (popstate). The old "#chat-12" links still open their chat.
 *
 * Loaded last, so every other console file is there when start() runs; it runs
 * once the agent's language's texts are (console-i18n.js).
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var api = K.api, signedOut = K.signedOut, clearAlert = K.clearAlert, t = K.t;

  var ROUTED_VIEWS = { chats: true, tickets: true, customers: true };
  var loadedViews = {};
  var lastAddress = {};  // view -> the address last shown in it, for its tab

  function views() {
    return Array.prototype.map.call(document.querySelectorAll("main[id^='view-']"), function (main) {
      return main.id.slice("view-".length);
    });
  }

  function switchView(name) {
    views().forEach(function (view) {
      document.getElementById("view-" + view).hidden = view !== name;
    });
    document.querySelectorAll(".view-tab").forEach(function (tab) {
      tab.setAttribute("aria-pressed", String(tab.dataset.view === name));
    });
    if (loadedViews[name]) return;
    loadedViews[name] = true;
    if (name === "tickets") K.loadTickets();
    if (name === "customers") K.searchCustomers();
  }

  // ---- addresses -------------------------------------------------------------------

  // "/console/tickets/T-00042" -> {view: "tickets", item: "T-00042"}
  function routeOf(path, hash) {
    var match = /^\/console(?:\/(chats|tickets|customers)(?:\/([^/]+))?)?\/?$/.exec(path);
    var route = match ? { view: match[1] || "chats", item: match[2] ? decodeURIComponent(match[2]) : null } : { view: "chats", item: null };
    var oldChat = /^#chat-(\d+)$/.exec(hash || "");
    if (oldChat && route.view === "chats" && !route.item) route.item = oldChat[1];
    return route;
  }

  // A new entry in the browser's history for what the agent opened (none when
  // the address is already this one: a reload, or back/forward).
  function visit(path) {
    var view = path.split("/")[2];
    lastAddress[view] = path;
    if (window.location.pathname !== path || window.location.hash) window.history.pushState({ kefu: path }, "", path);
  }

  function show(route) {
    switchView(route.view);
    if (!route.item) return;
    if (route.view === "tickets") K.showTicket(route.item);
    else if (route.view === "customers") K.showCustomer(route.item);
    else if (/^\d{1,9}$/.test(route.item)) K.openChat(Number(route.item));
    else K.notFound(K.el.conversation, t("not_found_chat", { id: route.item }));
  }

  // Opening a chat (console-conversation.js) writes "#chat-12" over the current
  // address; the chat gets an address of its own instead, and the entry it left
  // is put back as it was, so the back button returns there.
  var openChatHere = K.openChat;
  K.openChat = function (id) {
    var left = { state: window.history.state, url: window.location.pathname + window.location.search };
    openChatHere(id);
    window.history.replaceState(left.state, "", left.url);
    switchView("chats");
    visit("/console/chats/" + id);
  };

  function openTab(name) {
    switchView(name);
    if (ROUTED_VIEWS[name]) visit(lastAddress[name] || "/console/" + name);
  }

  function signOut() {
    api("POST", "/api/agent/logout").then(signedOut, signedOut);
  }

  function start() {
    var whoami = document.querySelector(".signed-in");
    window.KefuConsoleI18n.fill(whoami, "signed_in_as", { agent: whoami.querySelector("strong") });
    document.querySelectorAll(".view-tab").forEach(function (tab) {
      tab.addEventListener("click", function () { openTab(tab.dataset.view); });
    });
    document.getElementById("sign-out").addEventListener("click", signOut);
    document.querySelector(".alert-close").addEventListener("click", clearAlert);
    document.getElementById("customer-search").addEventListener("submit", function (event) {
      event.preventDefault();
      K.searchCustomers();
    });
    K.refreshQueue();
    K.startTeam();
    K.startSupportHours();
    K.connectStream();
    K.startTickets();
    setInterval(K.tickQueue, 1000);
    // A reload or a pasted link opens what the address names.
    var route = routeOf(window.location.pathname, window.location.hash);
    if (window.location.hash && /^#chat-\d+$/.test(window.location.hash)) {
      window.history.replaceState(null, "", "/console/chats/" + route.item);
    }
    show(route);
    window.addEventListener("popstate", function () {
      clearAlert();
      show(routeOf(window.location.pathname, window.location.hash));
    });
  }

  K.switchView = switchView;
  K.visit = visit;

  window.KefuConsoleI18n.ready.then(start);
})();
