/*
 * Typing indicators both ways.
 *
 * The customer's: the event stream's `typing` messages (console-live.js; GET
 * /api/typing while it polls) say a chat's customer is typing. The open chat shows
 * "<name> is typing…" under its transcript and the queue row is marked, until the
 * customer's message arrives or SHOWN_MS pass without another signal.
 *
 * The agent's: while the agent writes a reply in a chat they hold, the server is
 * told at most every SIGNAL_EVERY_MS (POST /api/handoffs/{id}/typing), which tells
 * the customer's widget; once when they stop (the box emptied or sent, IDLE_MS
 * without a key, another chat opened). The reply box is console-compose.js's: this
 * listens to it from the document, so that file knows nothing of it.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var state = K.state, me = K.me;
  var make = K.make, api = K.api, customerName = K.customerName, t = K.t;

  var SHOWN_MS = 6000;
  var SIGNAL_EVERY_MS = 3000;
  var IDLE_MS = 4000;
  var SYNC_MS = 500;
  var REPLY_BOX = "[data-testid='reply-input']";

  // ---- the customer is typing ------------------------------------------------------

  var typingUntil = {};  // handoff id -> Date.now() until which its customer shows as typing
  var lastSignal = {};   // handoff id -> the `at` of the last signal taken (polling repeats them)
  var indicator = make("div", { class: "customer-typing", role: "status", "data-testid": "customer-typing" });
  var indicatorText = make("span");
  indicator.appendChild(indicatorText);
  for (var d = 0; d < 3; d++) indicator.appendChild(make("span", { class: "typing-dot", "aria-hidden": "true" }));

  function customerTyping(signal) {
    if (!signal || typeof signal.handoff_id !== "number" || lastSignal[signal.handoff_id] === signal.at) return;
    lastSignal[signal.handoff_id] = signal.at;
    // This browser's clock from the moment it arrived: the server's may differ.
    typingUntil[signal.handoff_id] = Date.now() + SHOWN_MS;
    sync();
  }

  // The customer's message arrived: what they were typing is there.
  function customerWrote(handoffId) {
    delete typingUntil[handoffId];
    sync();
  }

  function isTyping(id) { return Boolean(typingUntil[id] && typingUntil[id] > Date.now()); }

  // Shows what is true now; also run on a timer, because the queue rows and the
  // open chat's view are rebuilt by their own files.
  function sync() {
    Object.keys(typingUntil).forEach(function (id) { if (!isTyping(id)) delete typingUntil[id]; });
    Object.keys(state.queueNodes).forEach(function (id) {
      var row = state.queueNodes[id];
      if (isTyping(id)) row.setAttribute("data-customer-typing", t("queue_typing"));
      else row.removeAttribute("data-customer-typing");
    });
    var open = state.open;
    var log = open && open.view && open.view.log;
    if (log && open.handoff && isTyping(open.id)) {
      indicatorText.textContent = t("customer_typing", { customer: customerName(open.handoff) });
      if (log.nextSibling !== indicator) log.parentNode.insertBefore(indicator, log.nextSibling);
    } else if (indicator.parentNode) {
      indicator.parentNode.removeChild(indicator);
    }
    if (typingIn !== null && !(open && open.id === typingIn && holds(open.handoff))) stopTyping();
  }

  // ---- the agent is typing ---------------------------------------------------------

  var typingIn = null;   // the chat the customer was told the agent types in
  var lastSent = 0;
  var idleTimer = null;

  function holds(handoff) { return Boolean(handoff && handoff.status === "active" && handoff.agent_id === me); }

  function signal(handoffId, typing) {
    // Best effort: a lost signal only means the customer does not see the dots.
    api("POST", "/api/handoffs/" + handoffId + "/typing", { typing: typing }).catch(function () {});
  }

  function stopTyping() {
    clearTimeout(idleTimer);
    if (typingIn === null) return;
    signal(typingIn, false);
    typingIn = null;
  }

  function onReplyInput(event) {
    var box = event.target;
    if (!box.matches || !box.matches(REPLY_BOX)) return;
    var open = state.open;
    if (!open || !holds(open.handoff) || !box.value.trim()) return stopTyping();
    if (typingIn !== open.id) stopTyping();
    if (typingIn !== open.id || Date.now() - lastSent >= SIGNAL_EVERY_MS) {
      typingIn = open.id;
      lastSent = Date.now();
      signal(open.id, true);
    }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stopTyping, IDLE_MS);
  }

  // Capturing: the composer empties the box after sending with an input event
  // that does not bubble.
  document.addEventListener("input", onReplyInput, true);
  setInterval(sync, SYNC_MS);

  K.customerTyping = customerTyping;
  K.customerWrote = customerWrote;
})();
