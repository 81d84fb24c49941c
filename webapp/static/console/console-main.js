/*
 * Start-up: the view tabs (Chats, Tickets, Customers), sign-out, the language
 * switch, and wiring the page's own controls. Loaded last, so every other console
 * file is there when start() runs; it runs once the agent's language's texts are
 * (console-i18n.js).
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var api = K.api, signedOut = K.signedOut, clearAlert = K.clearAlert;

  var loadedViews = {};

  function switchView(name) {
    ["chats", "tickets", "customers"].forEach(function (view) {
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

  function signOut() {
    api("POST", "/api/agent/logout").then(signedOut, signedOut);
  }

  function start() {
    var whoami = document.querySelector(".signed-in");
    window.KefuConsoleI18n.fill(whoami, "signed_in_as", { agent: whoami.querySelector("strong") });
    document.querySelectorAll(".view-tab").forEach(function (tab) {
      tab.addEventListener("click", function () { switchView(tab.dataset.view); });
    });
    document.getElementById("sign-out").addEventListener("click", signOut);
    document.querySelector(".alert-close").addEventListener("click", clearAlert);
    document.getElementById("ticket-status").addEventListener("change", K.loadTickets);
    document.getElementById("customer-search").addEventListener("submit", function (event) {
      event.preventDefault();
      K.searchCustomers();
    });
    K.refreshQueue();
    K.startTeam();
    K.connectStream();
    setInterval(K.tickQueue, 1000);
    // A reload keeps the chat the agent had open.
    var fromHash = /^#chat-(\d+)$/.exec(window.location.hash);
    if (fromHash) K.openChat(Number(fromHash[1]));
  }

  K.switchView = switchView;

  window.KefuConsoleI18n.ready.then(start);
})();
