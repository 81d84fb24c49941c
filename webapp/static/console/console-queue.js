/*
 * The queue: the chats the assistant handed over, most urgent first, each with
 * how long it has waited and when the first reply is due. It is fetched again
 * (debounced) whenever an event arrives or the agent changed a chat, and it keeps
 * the open chat's state current. The timers also tick in the open chat's header.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var state = K.state, el = K.el;
  var me = K.me, OPEN_STATUSES = K.OPEN_STATUSES, POLL_MS = K.POLL_MS;
  var make = K.make, append = K.append, clear = K.clear, capitalize = K.capitalize;
  var badge = K.badge, tierBadge = K.tierBadge, customerName = K.customerName;
  var api = K.api, setLive = K.setLive, liveText = K.liveText, t = K.t;

  var QUEUE_DEBOUNCE_MS = 150;
  var baseTitle = null;  // the page's title in the agent's language, once it is set

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  // m:ss below an hour, then h:mm (with "h" so 1:05 h is not read as a minute).
  function duration(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    if (seconds < 3600) return Math.floor(seconds / 60) + ":" + pad(seconds % 60);
    return t("hours_duration", { time: Math.floor(seconds / 3600) + ":" + pad(Math.floor(seconds / 60) % 60) });
  }

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
      noteNewForMe();
      setLive(liveText());
      renderQueue();
      syncOpenChat();
    }, function (error) {
      setLive(error.status === 0 ? t("offline_retrying") : error.message);
      state.queueTimer = setTimeout(refreshQueue, POLL_MS);
    });
  }

  // A chat that became this agent's without them claiming it here (assigned
  // automatically, or passed on by a colleague) is marked until they open it.
  function noteNewForMe() {
    var mine = {};
    state.queue.forEach(function (item) {
      if (item.status !== "active" || item.agent_id !== me) return;
      mine[item.id] = true;
      var opened = state.open && state.open.id === item.id;
      if (state.mine && !state.mine[item.id] && !opened) state.newForMe[item.id] = true;
    });
    Object.keys(state.newForMe).forEach(function (id) { if (!mine[id]) delete state.newForMe[id]; });
    state.mine = mine;
  }

  function teamBadge(item) {
    if (!item.team_name) return null;
    var node = badge(item.team_name, "team");
    node.setAttribute("title", t("queue_team_title"));
    node.setAttribute("data-testid", "queue-team");
    return node;
  }

  function newForMeBadge() {
    var node = badge(t("new_for_you"), "unread new-for-you");
    node.setAttribute("data-testid", "new-for-you");
    return node;
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
    baseTitle = baseTitle || document.title;
    document.title = (waiting ? "(" + waiting + ") " : "") + baseTitle;
    tickQueue();
  }

  function newQueueNode(id) {
    var button = make("button", {
      type: "button", class: "queue-item", "data-testid": "queue-item", "data-handoff-id": String(id),
    });
    button.addEventListener("click", function () { K.openChat(id); });
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
        K.languageBadge(item.language),
        teamBadge(item),
        state.newForMe[item.id] ? newForMeBadge() : null,
        state.unread[item.id] ? badge(t("new_message"), "unread") : null,
      ]),
      make("span", { class: "qi-reason" }, item.reason_text),
      append(make("span", { class: "qi-meta" }), [
        make("span", { class: "qi-status" }, statusText(item)),
        button.timers.waited,
        button.timers.due,
        item.customer_away ? badge(t("customer_away"), "away") : null,
      ]),
    ]);
  }

  function statusText(handoff) {
    if (handoff.status === "waiting") return t("handoff_waiting");
    if (handoff.status === "active") {
      return t(handoff.agent_id === me ? "handoff_with_you" : "handoff_with", { agent: handoff.agent_name || t("an_agent") });
    }
    if (handoff.status === "resolved") return t("handoff_resolved");
    if (handoff.status === "returned") return t("handoff_returned");
    if (handoff.status === "converted") return t("handoff_converted", { ticket: handoff.ticket_ref || "" });
    return capitalize(handoff.status);
  }

  function newTimers() {
    return {
      waited: make("span", { class: "waited", title: t("waited_title") }),
      due: make("span", { class: "due" }),
    };
  }

  // The tier's first-response timer: counts down to pickup_due while the chat waits.
  function fillTimers(timers, handoff) {
    var now = Date.now();
    timers.waited.textContent = duration((now - handoff.startedAt) / 1000);
    var overdue = handoff.status === "waiting" && now > handoff.dueAt;
    timers.due.textContent = handoff.status !== "waiting" ? ""
      : overdue ? t("overdue_by", { time: duration((now - handoff.dueAt) / 1000) })
        : t("reply_due_in", { time: duration(Math.ceil((handoff.dueAt - now) / 1000)) });
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
      K.renderChatState();
    } else {
      K.reloadOpenChat();
    }
  }

  K.stamp = stamp;
  K.scheduleQueueRefresh = scheduleQueueRefresh;
  K.refreshQueue = refreshQueue;
  K.renderQueue = renderQueue;
  K.statusText = statusText;
  K.newTimers = newTimers;
  K.fillTimers = fillTimers;
  K.tickQueue = tickQueue;
})();
