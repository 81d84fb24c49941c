/*
 * Kefu agent console: the queue of chats the assistant handed over, one chat's
 * conversation with everything the bot collected and the customer's record, and
 * what an agent does with it (claim, reply, note, resolve, hand back, ticket).
 * Small ticket and customer views sit next to it.
 *
 * Plain script, no build step. Everything shown comes from the agents' JSON API
 * and much of it was typed by customers, so text only ever goes into the page
 * through textContent (see make()); nothing here parses HTML.
 *
 * Live updates come from the server-sent event stream (/api/events/stream); while
 * it is down, the console polls /api/events instead.
 */
(function () {
  "use strict";

  var me = Number(document.body.dataset.agentId);
  var LOGIN_URL = "/console/login?next=/console";
  var MAX_REPLY = 4000;
  var MAX_NOTE = 8000;
  var QUEUE_DEBOUNCE_MS = 150;
  var POLL_MS = 2000;
  var STREAM_READY_MS = 5000;    // a stream that says nothing this long is not working
  var STREAM_RETRY_MS = 30000;   // after the server refused it
  var NEAR_BOTTOM_PX = 80;
  var OPEN_STATUSES = { waiting: true, active: true };
  var IDENTITY_METHODS = {
    token: "signed in on the website",
    verification: "verified by email + order number",
  };
  var CLOSING = {
    resolve: {
      question: "Mark this chat as resolved? The customer will be asked to rate it.",
      done: function (name) { return "The chat with " + name + " is resolved."; },
    },
    "hand-back": {
      question: "Hand this chat back to the assistant? The bot will answer the customer again.",
      done: function (name) { return "The chat with " + name + " was handed back to the assistant."; },
    },
    convert: {
      question: "Turn this chat into a ticket? The chat closes and the ticket keeps the transcript.",
      done: function (name, result) {
        var ref = (result.ticket && result.ticket.ref) || result.handoff.ticket_ref;
        return "The chat with " + name + " is now ticket " + ref + ".";
      },
    },
  };

  var el = {
    alertBar: document.querySelector(".alert-bar"),
    alert: document.querySelector("[data-testid='console-alert']"),
    live: document.querySelector(".live-status"),
    queueList: document.querySelector(".queue-list"),
    queueEmpty: document.querySelector(".queue-empty"),
    conversation: document.getElementById("conversation"),
  };
  var baseTitle = document.title;
  var PICK_A_CHAT = "Pick a chat from the queue to see the conversation.";

  var state = {
    queue: [],           // QueueItems, in the server's order (most urgent first)
    queueNodes: {},      // handoff id -> its button in the queue list
    unread: {},          // handoff id -> true: the customer wrote while the chat was not open
    queueTimer: null,
    localChanges: 0,     // bumped around claim/close, so an older queue answer cannot undo them
    open: null,          // the chat on the right: {id, handoff, seen, pending, view}
    cursor: 0,           // the newest event id the stream or the poller delivered
    cursorKnown: false,  // false until the stream said where it starts
    stream: null,
    polling: false,
    pollTimer: null,
  };

  // ---- small helpers --------------------------------------------------------------

  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "class") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function append(parent, children) {
    children.forEach(function (child) { if (child) parent.appendChild(child); });
    return parent;
  }

  function clear(node) { node.textContent = ""; }

  function capitalize(text) {
    text = String(text || "");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  // "order_id" -> "Order id": slot names as a person reads them.
  function humanize(key) { return capitalize(String(key).replace(/_/g, " ")); }

  // Values from the API may become part of a class name: keep them to a safe alphabet.
  function token(text) { return String(text || "").toLowerCase().replace(/[^a-z0-9-]/g, ""); }

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  // m:ss below an hour, then h:mm (with "h" so 1:05 h is not read as a minute).
  function duration(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    if (seconds < 3600) return Math.floor(seconds / 60) + ":" + pad(seconds % 60);
    return Math.floor(seconds / 3600) + ":" + pad(Math.floor(seconds / 60) % 60) + " h";
  }

  function clockTime(date) {
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function dayDate(iso) {
    return new Date(iso).toLocaleDateString([], { day: "numeric", month: "short", year: "numeric" });
  }

  // Amounts arrive as JSON numbers or decimal strings; either way, show them as money.
  function money(amount, currency) {
    try {
      return new Intl.NumberFormat([], { style: "currency", currency: currency }).format(Number(amount));
    } catch (error) {
      return amount + " " + (currency || "");
    }
  }

  function timeNode(date) {
    return make("time", { datetime: date.toISOString(), title: date.toLocaleString() }, clockTime(date));
  }

  function badge(text, kind) { return make("span", { class: "badge " + kind }, text); }

  function tierBadge(tier) { return badge(capitalize(tier), "tier tier-" + token(tier)); }

  function statusBadge(status) { return badge(status, "status status-" + token(status)); }

  function customerName(handoff) { return handoff.customer_name || "Anonymous visitor"; }

  function isNearBottom(node) {
    return node.scrollHeight - node.scrollTop - node.clientHeight < NEAR_BOTTOM_PX;
  }

  // ---- talking to the API -----------------------------------------------------------

  function ApiError(status, message) {
    this.status = status;
    this.message = message;
  }

  // FastAPI errors carry `detail`: a sentence, or a list of validation problems.
  function detailOf(data, status) {
    var detail = data && data.detail;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail) && detail.length) return "The request was not accepted: " + detail[0].msg + ".";
    return "Something went wrong (" + status + "). Please try again.";
  }

  function api(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      if (response.status === 401) {
        signedOut();
        return new Promise(function () {});  // the page is leaving: nothing after this should run
      }
      if (response.status === 204) return null;
      return response.json().catch(function () { return null; }).then(function (data) {
        if (!response.ok) throw new ApiError(response.status, detailOf(data, response.status));
        return data;
      });
    }, function () {
      throw new ApiError(0, "Could not reach the server. Please check your connection and try again.");
    });
  }

  function signedOut() {
    stopLiveUpdates();
    window.location.assign(LOGIN_URL);
  }

  // ---- the message bar -------------------------------------------------------------

  function showAlert(text, kind) {
    el.alert.textContent = text;
    el.alertBar.className = "alert-bar " + (kind || "error");
    el.alertBar.hidden = false;
  }

  function reportError(error) { showAlert(error.message); }

  function clearAlert() {
    el.alertBar.hidden = true;
    el.alert.textContent = "";
  }

  function setLive(text) { el.live.textContent = text; }

  function liveText() {
    return state.polling ? "Live updates interrupted: checking every few seconds" : state.cursorKnown ? "Live" : "";
  }

  // ---- the queue ------------------------------------------------------------------------

  // Timers count on this browser's clock from the moment the numbers arrived, so a
  // clock that is off on the agent's computer does not skew them.
  function stamp(handoff) {
    var now = Date.now();
    handoff.startedAt = now - handoff.waiting_seconds * 1000;
    handoff.dueAt = handoff.startedAt + (Date.parse(handoff.pickup_due) - Date.parse(handoff.created_at));
    return handoff;
  }

  function scheduleQueueRefresh() {
    clearTimeout(state.queueTimer);
    state.queueTimer = setTimeout(refreshQueue, QUEUE_DEBOUNCE_MS);
  }

  function refreshQueue() {
    var changesBefore = state.localChanges;
    api("GET", "/api/queue").then(function (items) {
      if (changesBefore !== state.localChanges) return scheduleQueueRefresh();
      state.queue = items.map(stamp);
      setLive(liveText());
      renderQueue();
      syncOpenChat();
    }, function (error) {
      setLive(error.status === 0 ? "Offline: retrying…" : error.message);
      state.queueTimer = setTimeout(refreshQueue, POLL_MS);
    });
  }

  function renderQueue() {
    var seen = {};
    state.queue.forEach(function (item, index) {
      seen[item.id] = true;
      var button = state.queueNodes[item.id] || newQueueNode(item.id);
      fillQueueNode(button, item);
      var row = button.parentNode;
      // Move a row only when it is out of place: moving the focused row would blur it.
      if (el.queueList.children[index] !== row) el.queueList.insertBefore(row, el.queueList.children[index] || null);
    });
    Object.keys(state.queueNodes).forEach(function (id) {
      if (seen[id]) return;
      el.queueList.removeChild(state.queueNodes[id].parentNode);
      delete state.queueNodes[id];
    });
    el.queueEmpty.hidden = state.queue.length > 0;
    var waiting = state.queue.filter(function (item) { return item.status === "waiting"; }).length;
    document.title = (waiting ? "(" + waiting + ") " : "") + baseTitle;
    tickQueue();
  }

  function newQueueNode(id) {
    var button = make("button", {
      type: "button", class: "queue-item", "data-testid": "queue-item", "data-handoff-id": String(id),
    });
    button.addEventListener("click", function () { openChat(id); });
    el.queueList.appendChild(append(make("li"), [button]));
    state.queueNodes[id] = button;
    return button;
  }

  function fillQueueNode(button, item) {
    var mine = item.status === "active" && item.agent_id === me;
    button.setAttribute("data-status", item.status);
    button.classList.toggle("mine", mine);
    button.classList.toggle("selected", Boolean(state.open && state.open.id === item.id));
    if (state.open && state.open.id === item.id) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
    clear(button);
    button.timers = newTimers();
    append(button, [
      append(make("span", { class: "qi-top" }), [
        make("span", { class: "qi-name" }, customerName(item)),
        tierBadge(item.tier),
        state.unread[item.id] ? badge("New message", "unread") : null,
      ]),
      make("span", { class: "qi-reason" }, item.reason_text),
      append(make("span", { class: "qi-meta" }), [
        make("span", { class: "qi-status" }, statusText(item)),
        button.timers.waited,
        button.timers.due,
        item.customer_away ? badge("Customer away", "away") : null,
      ]),
    ]);
  }

  function statusText(handoff) {
    if (handoff.status === "waiting") return "Waiting";
    if (handoff.status === "active") {
      return "With " + (handoff.agent_name || "an agent") + (handoff.agent_id === me ? " (you)" : "");
    }
    if (handoff.status === "resolved") return "Resolved";
    if (handoff.status === "returned") return "Handed back to the assistant";
    if (handoff.status === "converted") return "Turned into ticket " + (handoff.ticket_ref || "");
    return capitalize(handoff.status);
  }

  function newTimers() {
    return {
      waited: make("span", { class: "waited", title: "Time since the assistant handed the chat over" }),
      due: make("span", { class: "due" }),
    };
  }

  // The tier's first-response timer: counts down to pickup_due while the chat waits.
  function fillTimers(timers, handoff) {
    var now = Date.now();
    timers.waited.textContent = duration((now - handoff.startedAt) / 1000);
    var overdue = handoff.status === "waiting" && now > handoff.dueAt;
    timers.due.textContent = handoff.status !== "waiting" ? ""
      : overdue ? "Overdue by " + duration((now - handoff.dueAt) / 1000)
        : "Reply due in " + duration(Math.ceil((handoff.dueAt - now) / 1000));
    timers.due.classList.toggle("overdue", overdue);
  }

  function tickQueue() {
    state.queue.forEach(function (item) {
      var button = state.queueNodes[item.id];
      if (!button) return;
      fillTimers(button.timers, item);
      button.classList.toggle("overdue", item.status === "waiting" && Date.now() > item.dueAt);
    });
    var view = state.open && state.open.view;
    if (view && OPEN_STATUSES[state.open.handoff.status]) fillTimers(view.timers, state.open.handoff);
  }

  function queueItem(id) {
    return state.queue.filter(function (item) { return item.id === id; })[0];
  }

  // The queue is the freshest word on the open chat's state (claimed by someone,
  // customer away...). A chat that left the queue was closed: ask how.
  function syncOpenChat() {
    var open = state.open;
    if (!open || !open.view || !OPEN_STATUSES[open.handoff.status]) return;
    var item = queueItem(open.id);
    if (item) {
      open.handoff = item;
      renderChatState();
    } else {
      reloadOpenChat();
    }
  }

  // ---- one conversation -----------------------------------------------------------

  function openChat(id) {
    if (state.open && state.open.id === id && state.open.view) return;
    state.open = { id: id, handoff: null, seen: {}, pending: [], view: null };
    delete state.unread[id];
    clearAlert();  // what it said was about the chat the agent is leaving
    window.history.replaceState(null, "", "#chat-" + id);
    renderQueue();
    clear(el.conversation);
    el.conversation.appendChild(make("p", { class: "placeholder", role: "status" }, "Loading the conversation…"));
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
    el.conversation.appendChild(make("p", { class: "placeholder" }, PICK_A_CHAT));
    renderQueue();
  }

  function renderConversation(detail) {
    var open = state.open;
    open.handoff = stamp(detail.handoff);
    var view = open.view = {};
    view.summary = make("p", { class: "summary-text", "data-testid": "summary" }, detail.summary);
    view.log = make("div", {
      class: "log", role: "log", "aria-live": "polite", tabindex: "0",
      "aria-label": "Conversation with " + customerName(detail.handoff), "data-testid": "transcript",
    });
    detail.transcript.forEach(function (turn) { view.log.appendChild(turnNode(turn)); });
    var main = append(make("div", { class: "conv-main" }), [
      chatHeader(view, detail.handoff),
      append(make("section", { class: "summary", "aria-label": "Summary" }), [make("h3", {}, "Summary"), view.summary]),
      view.log,
      composer(view, detail.handoff),
    ]);
    var side = append(make("aside", { class: "conv-side", "aria-label": "Chat details and customer record" }), [
      reasonSection(detail.handoff),
      collectedSection(detail.collected),
      customerRecord(detail.customer, detail.handoff),
    ]);
    clear(el.conversation);
    append(el.conversation, [main, side]);
    detail.events.concat(open.pending).forEach(addEvent);
    open.pending = [];
    view.log.scrollTop = view.log.scrollHeight;
    renderChatState();
  }

  // Fetches the open chat again: after a state change we did not make, or an error
  // that says the chat is not what the console thought.
  function reloadOpenChat() {
    var open = state.open;
    if (!open || !open.view) return;
    api("GET", "/api/handoffs/" + open.id).then(function (detail) {
      if (state.open !== open) return;
      open.handoff = stamp(detail.handoff);
      open.view.summary.textContent = detail.summary;
      detail.events.forEach(addEvent);
      renderChatState();
    }, reportError);
  }

  function chatHeader(view, handoff) {
    view.title = make("h2", {}, customerName(handoff));
    view.status = make("span", { class: "conv-status" });
    view.timers = newTimers();
    view.away = badge("Customer away", "away");
    view.actions = make("div", { class: "conv-actions" });
    view.buttons = {
      claim: actionButton("Claim", "claim", "primary", claim),
      resolve: actionButton("Resolve", "resolve", "primary", function () { closeChat("resolve"); }),
      "hand-back": actionButton("Hand back to bot", "hand-back", "", function () { closeChat("hand-back"); }),
      convert: actionButton("Turn into ticket", "convert", "", function () { closeChat("convert"); }),
    };
    Object.keys(view.buttons).forEach(function (key) { view.actions.appendChild(view.buttons[key]); });
    return append(make("header", { class: "conv-header" }), [
      append(make("div", { class: "conv-who" }), [
        append(make("div", { class: "conv-title" }), [view.title, tierBadge(handoff.tier)]),
        append(make("p", { class: "conv-meta" }), [view.status, view.timers.waited, view.timers.due, view.away]),
      ]),
      view.actions,
    ]);
  }

  function actionButton(label, testid, kind, onClick) {
    var button = make("button", { type: "button", class: "button " + kind, "data-testid": testid }, label);
    button.addEventListener("click", onClick);
    return button;
  }

  // Which actions and which writing boxes the agent gets follows from who holds the chat.
  function renderChatState() {
    var open = state.open;
    var view = open.view;
    var handoff = open.handoff;
    var isOpen = Boolean(OPEN_STATUSES[handoff.status]);
    var mine = handoff.status === "active" && handoff.agent_id === me;
    view.status.textContent = statusText(handoff);
    view.away.hidden = !(isOpen && handoff.customer_away);
    view.buttons.claim.hidden = handoff.status !== "waiting";
    ["resolve", "hand-back", "convert"].forEach(function (key) { view.buttons[key].hidden = !mine; });
    if (isOpen) fillTimers(view.timers, handoff);
    else view.timers.waited.textContent = view.timers.due.textContent = "";
    view.composer.hidden = !isOpen;
    view.modes.hidden = !mine;
    setMode(view, mine ? view.mode : "note");
  }

  function setBusy(view, busy) {
    Object.keys(view.buttons).forEach(function (key) { view.buttons[key].disabled = busy; });
  }

  // ---- the transcript -------------------------------------------------------------

  function message(kind, author, time, text) {
    var node = make("div", { class: "msg msg-" + kind, "data-testid": "message", "data-kind": kind });
    append(node, [
      append(make("div", { class: "msg-meta" }), [
        make("span", { class: "msg-author" }, author), time ? timeNode(time) : null,
      ]),
      make("div", { class: "msg-text" }, text),
    ]);
    return node;
  }

  // A turn from the conversation with the bot, before the handoff. For the
  // customer's turns, what the bot understood helps the agent see where it went wrong.
  function turnNode(turn) {
    var time = turn.timestamp ? new Date(turn.timestamp * 1000) : null;
    if (turn.role !== "customer") {
      var bot = message("bot", "Assistant", time, turn.text);
      if (turn.buttons && turn.buttons.length) {
        bot.appendChild(append(make("div", { class: "msg-buttons", "aria-label": "Buttons offered" }),
          turn.buttons.map(function (title) { return make("span", { class: "chip" }, title); })));
      }
      return bot;
    }
    var node = message("customer", customerName(state.open.handoff), time, turn.text);
    if (turn.intent) {
      var sure = typeof turn.confidence === "number" ? " · " + Math.round(turn.confidence * 100) + "%" : "";
      var understood = turn.intent + sure;
      node.appendChild(make("div", { class: "msg-nlu", title: "What the assistant understood" }, understood));
    }
    return node;
  }

  function eventNode(event) {
    var time = new Date(event.created_at);
    if (event.kind === "customer_message") return message("customer", customerName(state.open.handoff), time, event.body);
    if (event.kind === "agent_message") return message("agent", event.author_name || "Agent", time, event.body);
    if (event.kind === "note") {
      return message("note", (event.author_name || "Agent") + " · Internal note — only agents see this", time, event.body);
    }
    var line = make("div", { class: "msg msg-status", "data-testid": "message", "data-kind": "status" });
    return append(line, [make("span", {}, event.body), timeNode(time)]);
  }

  // Events reach the console twice (the answer to our own POST and the stream):
  // each is shown once.
  function addEvent(event) {
    var open = state.open;
    if (!open || event.handoff_id !== open.id || open.seen[event.id]) return;
    open.seen[event.id] = true;
    var log = open.view.log;
    var follow = isNearBottom(log);
    log.appendChild(eventNode(event));
    if (follow) log.scrollTop = log.scrollHeight;
  }

  // ---- the side panel -----------------------------------------------------------

  function panel(title, testid, children) {
    var section = make("section", { class: "panel", "data-testid": testid });
    return append(section, [make("h3", {}, title)].concat(children));
  }

  function facts(pairs) {
    var list = make("dl", { class: "facts" });
    pairs.forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined || pair[1] === "") return;
      list.appendChild(make("dt", {}, pair[0]));
      list.appendChild(make("dd", {}, pair[1]));
    });
    return list;
  }

  function reasonSection(handoff) {
    return panel("Why the assistant handed over", "reason", [make("p", {}, handoff.reason_text)]);
  }

  function slotValue(value) {
    if (value === null || value === undefined) return "—";
    if (typeof value === "boolean") return value ? "Yes" : "No";
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  function collectedSection(collected) {
    var keys = Object.keys(collected || {});
    var title = "What the assistant collected";
    if (!keys.length) return panel(title, "collected", [make("p", { class: "muted" }, "Nothing yet.")]);
    return panel(title, "collected", [
      facts(keys.map(function (key) { return [humanize(key), slotValue(collected[key])]; })),
    ]);
  }

  function identityText(handoff) {
    if (!handoff.identity_verified) return "Not verified";
    return "Verified: " + (IDENTITY_METHODS[handoff.identity_method] || handoff.identity_method || "yes");
  }

  // The customer's record: shared by the conversation's side panel (with the chat's
  // identity check) and the Customers view (without a chat: handoff is null; its own
  // test id, so the chat's record stays the only "customer-record" on the page).
  function customerRecord(record, handoff) {
    var testid = handoff ? "customer-record" : "customer-profile";
    if (!record) {
      return panel("Customer", testid, [
        make("p", { class: "muted" }, "Not identified — the customer did not sign in or verify."),
      ]);
    }
    var customer = record.customer;
    var reasons = record.churn_reasons.length ? ": " + record.churn_reasons.join("; ") : "";
    var churn = capitalize(record.churn_risk) + reasons;
    return panel("Customer", testid, [
      append(make("p", { class: "record-name" }), [make("strong", {}, customer.name), tierBadge(customer.tier)]),
      facts([
        ["Customer id", customer.id],
        ["Email", customer.email],
        ["Phone", customer.phone],
        ["Identity", handoff ? identityText(handoff) : null],
        ["Lifetime spend", lifetimeSpend(record)],
        ["Orders", String(record.order_count)],
        ["Lifecycle", capitalize(record.lifecycle_stage)],
        ["Churn risk", churn],
        ["Customer since", dayDate(customer.created_at)],
      ]),
      ordersList(record.orders),
      ticketsList(record.tickets),
      ratingsList(record.ratings),
    ]);
  }

  // Spend in several currencies is not added up: "$1,346.00 + CA$2,257.98".
  function lifetimeSpend(record) {
    var parts = record.spend_by_currency || [];
    if (!parts.length) return money(record.lifetime_spend, record.currency);
    return parts.map(function (part) { return money(part.amount, part.currency); }).join(" + ");
  }

  function subList(title, items, render) {
    var section = make("div", { class: "record-list" });
    section.appendChild(make("h4", {}, title));
    if (!items.length) return append(section, [make("p", { class: "muted" }, "None.")]);
    return append(section, [append(make("ul"), items.map(render))]);
  }

  function ordersList(orders) {
    return subList("Orders", orders, function (order) {
      var shipping = order.carrier ? order.carrier + (order.tracking_number ? " " + order.tracking_number : "") : null;
      return append(make("li", { class: "order" }), [
        append(make("div", { class: "line" }), [
          make("strong", {}, order.id), statusBadge(order.status),
          make("span", { class: "amount" }, money(order.total, order.currency)),
        ]),
        make("div", { class: "muted" }, dayDate(order.placed_at) + (shipping ? " · " + shipping : "")),
        order.items.length ? make("div", { class: "items" }, order.items.join(", ")) : null,
      ]);
    });
  }

  function ticketsList(tickets) {
    return subList("Earlier tickets", tickets, function (ticket) {
      var open = make("button", { type: "button", class: "link" }, ticket.ref);
      open.addEventListener("click", function () { showTicket(ticket.ref); });
      return append(make("li", { class: "line" }), [
        open, make("span", { class: "grow" }, ticket.subject), statusBadge(ticket.status),
      ]);
    });
  }

  function ratingsList(ratings) {
    return subList("Earlier ratings", ratings, function (rating) {
      var stars = make("span", { class: "stars", role: "img", "aria-label": rating.rating + " of 5 stars" },
        "★★★★★".slice(0, rating.rating) + "☆☆☆☆☆".slice(0, 5 - rating.rating));
      var context = dayDate(rating.created_at) + (rating.with_agent ? " · with an agent" : " · with the assistant");
      return append(make("li"), [
        append(make("div", { class: "line" }), [stars, make("span", { class: "muted" }, context)]),
        rating.comment ? make("div", { class: "quote" }, rating.comment) : null,
      ]);
    });
  }

  // ---- writing: replies and internal notes -------------------------------------------

  function composer(view, handoff) {
    view.mode = "reply";
    view.reply = textForm({
      kind: "reply", label: "Reply to " + customerName(handoff), max: MAX_REPLY, send: "Send",
      placeholder: "Write to the customer… (Enter sends, Shift+Enter for a new line)",
    });
    view.note = textForm({
      kind: "note", label: "Internal note — only agents see this", max: MAX_NOTE, send: "Add note",
      placeholder: "A note for your colleagues… (Enter adds it, Shift+Enter for a new line)",
    });
    view.modeButtons = {
      reply: modeButton(view, "reply", "Reply"),
      note: modeButton(view, "note", "Add internal note"),
    };
    view.modes = append(make("div", { class: "modes", role: "group", "aria-label": "What to write" }),
      [view.modeButtons.reply, view.modeButtons.note]);
    view.composer = append(make("div", { class: "composer" }), [view.modes, view.reply.form, view.note.form]);
    return view.composer;
  }

  function modeButton(view, mode, label) {
    var button = make("button", { type: "button", class: "mode", "aria-pressed": "false" }, label);
    button.addEventListener("click", function () {
      setMode(view, mode);
      view[mode].input.focus();
    });
    return button;
  }

  function setMode(view, mode) {
    if (!view.modes.hidden) view.mode = mode;  // remember the agent's choice, not a forced one
    view.reply.form.hidden = mode !== "reply";
    view.note.form.hidden = mode !== "note";
    view.modeButtons.reply.setAttribute("aria-pressed", String(mode === "reply"));
    view.modeButtons.note.setAttribute("aria-pressed", String(mode === "note"));
  }

  function textForm(options) {
    var id = options.kind + "-input";
    var form = make("form", { class: "write write-" + options.kind });
    var input = make("textarea", {
      id: id, rows: "2", maxlength: String(options.max), placeholder: options.placeholder, "data-testid": id,
    });
    var count = make("span", { class: "count" });
    var send = make("button", {
      type: "submit", class: "button primary", "data-testid": options.kind + "-send",
    }, options.send);
    append(form, [
      make("label", { for: id }, options.label),
      input,
      append(make("div", { class: "write-foot" }), [count, send]),
    ]);
    var parts = { form: form, input: input, send: send };
    input.addEventListener("keydown", function (event) {
      // Enter sends; Shift+Enter is a new line; Enter that ends an IME composition is not a send.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submitText(options.kind, parts);
      }
    });
    input.addEventListener("input", function () {
      var left = options.max - input.value.length;
      count.textContent = left < 200 ? left + " characters left" : "";
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitText(options.kind, parts);
    });
    return parts;
  }

  // While it is sending, the box is read-only; if sending fails the text stays,
  // so nothing the agent wrote is lost.
  function submitText(kind, parts) {
    var open = state.open;
    var text = parts.input.value.trim();
    if (!text || parts.send.disabled || !open) return;
    parts.send.disabled = true;
    parts.input.readOnly = true;
    var path = "/api/handoffs/" + open.id + (kind === "reply" ? "/reply" : "/notes");
    api("POST", path, { text: text }).then(function (event) {
      parts.input.value = "";
      parts.input.dispatchEvent(new Event("input"));
      addEvent(event);
    }, function (error) {
      showAlert(error.message);
      if (error.status === 403 || error.status === 409 || error.status === 404) reloadOpenChat();
    }).then(function () {
      parts.send.disabled = false;
      parts.input.readOnly = false;
    });
  }

  // ---- what agents do with a chat -----------------------------------------------------

  function claim() {
    var open = state.open;
    setBusy(open.view, true);
    state.localChanges += 1;
    api("POST", "/api/handoffs/" + open.id + "/claim").then(function (result) {
      if (state.open !== open) return;
      clearAlert();
      open.handoff = stamp(result.handoff);
      if (result.event) addEvent(result.event);
      renderChatState();
      if (!result.delivered) {
        showAlert("You have this chat now, but the customer's chat could not be told that you joined: "
          + "the assistant is not reachable.", "warning");
      }
      open.view.reply.input.focus();
    }, function (error) {
      showAlert(error.message);
      reloadOpenChat();
    }).then(function () {
      if (open.view) setBusy(open.view, false);
      state.localChanges += 1;
      scheduleQueueRefresh();
    });
  }

  function closeChat(action) {
    var open = state.open;
    var name = open.handoff.customer_name || "the anonymous visitor";
    if (!window.confirm(CLOSING[action].question)) return;
    setBusy(open.view, true);
    state.localChanges += 1;
    api("POST", "/api/handoffs/" + open.id + "/" + action).then(function (result) {
      var text = CLOSING[action].done(name, result);
      if (!result.delivered) text += " The customer's chat could not be told: the assistant is not reachable.";
      showAlert(text, result.delivered ? "notice" : "warning");
      state.queue = state.queue.filter(function (item) { return item.id !== open.id; });
      if (state.open === open) {
        closeView();
        el.conversation.focus();
      } else {
        renderQueue();
      }
    }, function (error) {
      showAlert(error.message);
      setBusy(open.view, false);
      reloadOpenChat();
    }).then(function () {
      state.localChanges += 1;
      scheduleQueueRefresh();
    });
  }

  // ---- live updates --------------------------------------------------------------------
  // The event stream is the normal way. Polling stands in whenever the stream is
  // down, or silent (a proxy that buffers it), and stops as soon as it is back.

  function onEvent(event) {
    var open = state.open;
    state.cursor = Math.max(state.cursor, event.id);
    scheduleQueueRefresh();
    if (event.kind === "customer_message" && !(open && open.id === event.handoff_id)) {
      state.unread[event.handoff_id] = true;
    }
    if (open && open.id === event.handoff_id && !open.view) open.pending.push(event);
    else addEvent(event);
  }

  function connectStream() {
    if (!window.EventSource) return startPolling();
    var source = new EventSource("/api/events/stream");
    var silence = setTimeout(startPolling, STREAM_READY_MS);
    state.stream = source;
    source.addEventListener("ready", function (message) {
      clearTimeout(silence);
      state.cursor = Math.max(state.cursor, JSON.parse(message.data).cursor);
      state.cursorKnown = true;
      stopPolling();
      setLive(liveText());
      catchUp();
    });
    source.addEventListener("message", function (message) { onEvent(JSON.parse(message.data)); });
    source.addEventListener("signed_out", signedOut);
    source.addEventListener("unavailable", function () { setLive("Database not reachable: retrying…"); });
    source.addEventListener("error", function () {
      startPolling();
      // The browser reconnects by itself, except to a server that refused the
      // stream (401, 5xx): check the session (signed out -> login page), retry later.
      if (source.readyState === EventSource.CLOSED) {
        api("GET", "/api/agent/me");
        setTimeout(connectStream, STREAM_RETRY_MS);
      }
    });
  }

  // After (re)connecting: whatever happened while the stream was down.
  function catchUp() {
    scheduleQueueRefresh();
    if (state.open && state.open.view) reloadOpenChat();
  }

  function startPolling() {
    if (state.polling) return;
    state.polling = true;
    setLive(liveText());
    state.pollTimer = setTimeout(poll, POLL_MS);
  }

  function stopPolling() {
    state.polling = false;
    clearTimeout(state.pollTimer);
  }

  function poll() {
    var request = state.cursorKnown
      ? api("GET", "/api/events?after=" + state.cursor).then(function (events) { events.forEach(onEvent); })
      // Without a cursor from the stream, start from the newest event: what came
      // before is in the queue and the open chat already.
      : api("GET", "/api/events/cursor").then(function (answer) {
        state.cursor = Math.max(state.cursor, answer.last_event_id);
        state.cursorKnown = true;
        catchUp();
      });
    request.then(function () { setLive(liveText()); }, function (error) {
      setLive(error.status === 0 ? "Offline: retrying…" : error.message);
    }).then(function () {
      if (state.polling) state.pollTimer = setTimeout(poll, POLL_MS);
    });
  }

  function stopLiveUpdates() {
    if (state.stream) state.stream.close();
    state.stream = null;
    stopPolling();
  }

  // ---- tickets view --------------------------------------------------------------------

  var tickets = {
    list: document.getElementById("ticket-list"),
    detail: document.getElementById("ticket-detail"),
    status: document.getElementById("ticket-status"),
  };

  function loadTickets() {
    var status = tickets.status.value;
    api("GET", "/api/tickets" + (status ? "?status=" + encodeURIComponent(status) : "")).then(function (found) {
      clear(tickets.list);
      if (!found.length) tickets.list.appendChild(make("li", { class: "muted" }, "No tickets with this status."));
      found.forEach(function (ticket) {
        tickets.list.appendChild(listButton([
          append(make("span", { class: "line" }), [make("strong", {}, ticket.ref), statusBadge(ticket.status)]),
          make("span", {}, ticket.subject),
          make("span", { class: "muted" }, (ticket.customer_id || "No customer") + " · " + dayDate(ticket.created_at)),
        ], function () { showTicket(ticket.ref); }));
      });
    }, reportError);
  }

  function listButton(children, onClick) {
    var button = append(make("button", { type: "button", class: "list-item" }), children);
    button.addEventListener("click", onClick);
    return append(make("li"), [button]);
  }

  function showTicket(ref) {
    switchView("tickets");
    api("GET", "/api/tickets/" + encodeURIComponent(ref)).then(renderTicket, reportError);
  }

  function renderTicket(ticket) {
    clear(tickets.detail);
    append(tickets.detail, [
      append(make("header", { class: "conv-header" }), [
        append(make("div", { class: "conv-title" }), [make("h2", {}, ticket.ref + " · " + ticket.subject)]),
        make("p", { class: "conv-meta" }, ticketFacts(ticket)),
        statusForm(ticket),
      ]),
      make("div", { class: "ticket-description" }, ticket.description),
      ticket.comments.length
        ? append(make("div", { class: "log", role: "log", "aria-label": "Comments" }), ticket.comments.map(commentNode))
        : make("p", { class: "placeholder" }, "No comments yet."),
      commentForm(ticket),
    ]);
    tickets.detail.focus();
  }

  function ticketFacts(ticket) {
    return [
      humanize(ticket.category), "urgency " + ticket.urgency, ticket.customer_id || "no customer",
      ticket.order_id, "opened " + dayDate(ticket.created_at),
    ].filter(Boolean).join(" · ");
  }

  function commentNode(comment) {
    var kind = comment.internal ? "note" : comment.author_type === "customer" ? "customer" : "agent";
    var author = (comment.author_name || capitalize(comment.author_type))
      + (comment.internal ? " · Internal — only agents see this" : "");
    return message(kind, author, new Date(comment.created_at), comment.body);
  }

  function statusForm(ticket) {
    var select = make("select", { id: "ticket-new-status" });
    ["open", "pending", "solved", "closed"].forEach(function (status) {
      var option = make("option", { value: status }, capitalize(status));
      option.selected = status === ticket.status;
      select.appendChild(option);
    });
    var form = append(make("form", { class: "inline-form" }), [
      make("label", { for: "ticket-new-status" }, "Status"),
      select,
      make("button", { type: "submit", class: "button" }, "Update"),
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      api("PATCH", "/api/tickets/" + encodeURIComponent(ticket.ref), { status: select.value }).then(function (updated) {
        showAlert("Ticket " + updated.ref + " is now " + updated.status + ".", "notice");
        renderTicket(updated);
        loadTickets();
      }, reportError);
    });
    return form;
  }

  function commentForm(ticket) {
    var input = make("textarea", { id: "ticket-comment", rows: "3", maxlength: String(MAX_NOTE) });
    var internal = make("input", { id: "ticket-comment-internal", type: "checkbox" });
    var send = make("button", { type: "submit", class: "button primary" }, "Add comment");
    var form = append(make("form", { class: "write" }), [
      make("label", { for: "ticket-comment" }, "Comment"), input,
      append(make("div", { class: "write-foot" }), [
        append(make("label", { class: "check", for: "ticket-comment-internal" }), [
          internal, document.createTextNode(" Internal (the customer never sees it)"),
        ]),
        send,
      ]),
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.value.trim()) return;
      send.disabled = true;
      var body = { text: input.value.trim(), internal: internal.checked };
      api("POST", "/api/tickets/" + encodeURIComponent(ticket.ref) + "/comments", body).then(renderTicket, function (error) {
        showAlert(error.message);
        send.disabled = false;
      });
    });
    return form;
  }

  // ---- customers view ------------------------------------------------------------------

  var customers = {
    list: document.getElementById("customer-list"),
    detail: document.getElementById("customer-detail"),
    query: document.getElementById("customer-query"),
  };

  function searchCustomers() {
    api("GET", "/api/customers?q=" + encodeURIComponent(customers.query.value.trim())).then(function (found) {
      clear(customers.list);
      if (!found.length) customers.list.appendChild(make("li", { class: "muted" }, "No customer matches."));
      found.forEach(function (customer) {
        customers.list.appendChild(listButton([
          append(make("span", { class: "line" }), [make("strong", {}, customer.name), tierBadge(customer.tier)]),
          make("span", { class: "muted" }, customer.id + " · " + customer.email),
        ], function () { showCustomer(customer.id); }));
      });
    }, reportError);
  }

  function showCustomer(id) {
    api("GET", "/api/customers/" + encodeURIComponent(id)).then(function (record) {
      clear(customers.detail);
      customers.detail.appendChild(customerRecord(record, null));
      customers.detail.focus();
    }, reportError);
  }

  // ---- views, sign-out, start ------------------------------------------------------------

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
    if (name === "tickets") loadTickets();
    if (name === "customers") searchCustomers();
  }

  function signOut() {
    api("POST", "/api/agent/logout").then(signedOut, signedOut);
  }

  function start() {
    document.querySelectorAll(".view-tab").forEach(function (tab) {
      tab.addEventListener("click", function () { switchView(tab.dataset.view); });
    });
    document.getElementById("sign-out").addEventListener("click", signOut);
    document.querySelector(".alert-close").addEventListener("click", clearAlert);
    tickets.status.addEventListener("change", loadTickets);
    document.getElementById("customer-search").addEventListener("submit", function (event) {
      event.preventDefault();
      searchCustomers();
    });
    refreshQueue();
    connectStream();
    setInterval(tickQueue, 1000);
    // A reload keeps the chat the agent had open.
    var fromHash = /^#chat-(\d+)$/.exec(window.location.hash);
    if (fromHash) openChat(Number(fromHash[1]));
  }

  start();
})();
