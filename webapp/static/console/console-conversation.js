/*
 * One conversation, on the right of the queue: its header (who, status, timers,
 * actions), the summary, the transcript of the chat with the bot and then the
 * handoff's events as they arrive. The side panel comes from console-side-panel.js,
 * the actions and writing boxes from console-compose.js; which of those the agent
 * gets is decided here (renderChatState), as it follows from the chat's state.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var state = K.state, el = K.el, me = K.me, OPEN_STATUSES = K.OPEN_STATUSES;
  var make = K.make, append = K.append, clear = K.clear;
  var badge = K.badge, tierBadge = K.tierBadge, customerName = K.customerName;
  var api = K.api, showAlert = K.showAlert, reportError = K.reportError, clearAlert = K.clearAlert;
  var timeNode = K.timeNode, t = K.t;

  var NEAR_BOTTOM_PX = 80;

  function isNearBottom(node) {
    return node.scrollHeight - node.scrollTop - node.clientHeight < NEAR_BOTTOM_PX;
  }

  function openChat(id) {
    if (state.open && state.open.id === id && state.open.view) return;
    state.open = { id: id, handoff: null, seen: {}, pending: [], view: null };
    delete state.unread[id];
    delete state.newForMe[id];
    clearAlert();  // what it said was about the chat the agent is leaving
    window.history.replaceState(null, "", "#chat-" + id);
    K.renderQueue();
    clear(el.conversation);
    el.conversation.appendChild(make("p", { class: "placeholder", role: "status" }, t("loading_conversation")));
    api("GET", "/api/handoffs/" + id).then(function (detail) {
      if (state.open && state.open.id === id) renderConversation(detail);
    }, function (error) {
      if (!state.open || state.open.id !== id) return;
      showAlert(error.message);
      closeView();
    });
  }

  function closeView() {
    state.open = null;
    window.history.replaceState(null, "", window.location.pathname);
    clear(el.conversation);
    el.conversation.appendChild(make("p", { class: "placeholder" }, t("pick_a_chat")));
    K.renderQueue();
  }

  function renderConversation(detail) {
    var open = state.open;
    open.handoff = K.stamp(detail.handoff);
    var view = open.view = {};
    view.summary = make("p", { class: "summary-text", "data-testid": "summary" }, detail.summary);
    view.log = make("div", {
      class: "log", role: "log", "aria-live": "polite", tabindex: "0",
      "aria-label": t("conversation_with", { customer: customerName(detail.handoff) }), "data-testid": "transcript",
    });
    detail.transcript.forEach(function (turn) { view.log.appendChild(turnNode(turn)); });
    var main = append(make("div", { class: "conv-main" }), [
      chatHeader(view, detail.handoff),
      append(make("section", { class: "summary", "aria-label": t("summary") }), [make("h3", {}, t("summary")), view.summary]),
      view.log,
      K.composer(view, detail.handoff),
    ]);
    var side = K.sidePanel(detail);
    clear(el.conversation);
    append(el.conversation, [main, side]);
    detail.events.forEach(showEvent);
    open.pending.forEach(addEvent);
    open.pending = [];
    view.log.scrollTop = view.log.scrollHeight;
    renderChatState();
  }

  // Fetches the open chat again: after a state change we did not make, or an error
  // that says the chat is not what the console thought.
  function reloadOpenChat() {
    var open = state.open;
    if (!open || !open.view) return;
    // An answer that left before this console's own claim or close would undo it
    // on screen (the live feed now often brings the news first): ask again.
    var changesBefore = state.localChanges;
    api("GET", "/api/handoffs/" + open.id).then(function (detail) {
      if (state.open !== open) return;
      if (changesBefore !== state.localChanges) return reloadOpenChat();
      open.handoff = K.stamp(detail.handoff);
      open.view.summary.textContent = detail.summary;
      detail.events.forEach(showEvent);
      renderChatState();
    }, reportError);
  }

  function chatHeader(view, handoff) {
    view.title = make("h2", {}, customerName(handoff));
    view.status = make("span", { class: "conv-status" });
    view.timers = K.newTimers();
    view.away = view.timers.away;  // "Customer away", counting down to the ticket while the chat waits
    view.ranks = K.rankChips(handoff);
    return append(make("header", { class: "conv-header" }), [
      append(make("div", { class: "conv-who" }), [
        append(make("div", { class: "conv-title" }), [view.title, tierBadge(handoff.tier), K.languageBadge(handoff.language), view.ranks]),
        append(make("p", { class: "conv-meta" }), [
          view.status, view.timers.waited, view.timers.due, view.timers.replyWait, view.away,
        ]),
      ]),
      K.actionBar(view),
    ]);
  }

  // Which actions and which writing boxes the agent gets follows from who holds the chat.
  function renderChatState() {
    var open = state.open;
    var view = open.view;
    var handoff = open.handoff;
    var isOpen = Boolean(OPEN_STATUSES[handoff.status]);
    var mine = handoff.status === "active" && handoff.agent_id === me;
    view.status.textContent = K.statusText(handoff);
    view.away.hidden = !(isOpen && handoff.customer_away);
    view.buttons.claim.hidden = handoff.status !== "waiting";
    ["resolve", "hand-back", "convert", "transfer"].forEach(function (key) { view.buttons[key].hidden = !mine; });
    if (!mine) {
      K.closeTransfer(view);
      K.closeConvert(view);
    }
    if (isOpen) K.fillTimers(view.timers, handoff);
    else view.timers.waited.textContent = view.timers.due.textContent = "";
    view.composer.hidden = !isOpen;
    view.modes.hidden = !mine;
    K.setMode(view, mine ? view.mode : "note");
  }

  // ---- the transcript -------------------------------------------------------------

  // `rich`: the bot's own words, whose links, lists and bold are shown (by
  // kefu-markdown.js, the widget's renderer); what customers and agents typed stays plain text.
  function message(kind, author, time, text, rich) {
    var node = make("div", { class: "msg msg-" + kind, "data-testid": "message", "data-kind": kind });
    var body = rich ? window.KefuMarkdown.render(make("div", { class: "msg-text msg-rich" }), text)
      : make("div", { class: "msg-text" }, text);
    append(node, [
      append(make("div", { class: "msg-meta" }), [
        make("span", { class: "msg-author" }, author), time ? timeNode(time) : null,
      ]),
      body,
    ]);
    return node;
  }

  // A turn from the conversation with the bot, before the handoff. For the
  // customer's turns, what the bot understood helps the agent see where it went wrong.
  function turnNode(turn) {
    var time = turn.timestamp ? new Date(turn.timestamp * 1000) : null;
    if (turn.role !== "customer") {
      var bot = message("bot", t("assistant"), time, turn.text, true);
      if (turn.buttons && turn.buttons.length) {
        bot.appendChild(append(make("div", { class: "msg-buttons", "aria-label": t("buttons_offered") }),
          turn.buttons.map(function (title) { return make("span", { class: "chip" }, title); })));
      }
      return bot;
    }
    var node = message("customer", customerName(state.open.handoff), time, turn.text);
    if (turn.intent) {
      var sure = typeof turn.confidence === "number" ? " · " + Math.round(turn.confidence * 100) + "%" : "";
      var understood = turn.intent + sure;
      node.appendChild(make("div", { class: "msg-nlu", title: t("understood_title") }, understood));
    }
    return node;
  }

  // A message by email is marked so, and an agent's that also went out by email says
  // how its delivery stands (console-email.js). `live`: just written, so its email may
  // be queued after the event reached the console.
  function eventNode(event, live) {
    var time = new Date(event.created_at);
    if (event.kind === "customer_message") {
      return K.emailMark(message("customer", customerName(state.open.handoff), time, event.body), event, "event");
    }
    if (event.kind === "agent_message") {
      return K.emailMark(message("agent", event.author_name || t("agent"), time, event.body), event, "event", live);
    }
    if (event.kind === "note") {
      return message("note", t("note_author", { author: event.author_name || t("agent") }), time, event.body);
    }
    // The desk's own lines: joined, passed on, back in the queue... Those the customer
    // never sees (a transfer and its note) say so.
    var line = make("div", {
      class: "msg msg-status" + (event.internal ? " msg-internal" : ""),
      "data-testid": "message", "data-kind": "status", "data-event": event.kind,
    });
    return append(line, [
      event.internal ? badge(t("internal_event"), "internal") : null,
      make("span", {}, event.body),
      event.ticket_ref ? K.ticketLink(event.ticket_ref) : null,
      timeNode(time),
    ]);
  }

  // Events reach the console twice (the answer to our own POST and the stream):
  // each is shown once.
  function showEvent(event, live) {
    var open = state.open;
    if (!open || event.handoff_id !== open.id || open.seen[event.id]) return;
    open.seen[event.id] = true;
    var log = open.view.log;
    var follow = isNearBottom(log);
    log.appendChild(eventNode(event, live === true));  // forEach(showEvent) passes an index
    if (follow) log.scrollTop = log.scrollHeight;
  }

  // A new event, live (the stream, the poller, the answer to our own action): a
  // chat that left the queue by itself is announced (console-queue.js), and the
  // open chat's log shows it.
  function addEvent(event) {
    K.noteLeftQueue(event);
    showEvent(event, true);
  }

  K.openChat = openChat;
  K.closeView = closeView;
  K.reloadOpenChat = reloadOpenChat;
  K.renderChatState = renderChatState;
  K.message = message;
  K.addEvent = addEvent;
})();
