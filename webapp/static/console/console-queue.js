/*
 * The queue: the chats the assistant handed over, most urgent first, each with
 * why it ranks there (tier, urgency, upset), how long it has waited and when the
 * first reply is due; an active chat, how long its customer has waited for a
 * reply; an away customer's waiting chat, how long until it becomes a ticket. It
 * is fetched again (debounced) whenever an event arrives or the agent changed a
 * chat, and it keeps the open chat's state current. The timers also tick in the
 * open chat's header. A chat that leaves the queue by itself (nobody picked it up
 * in time, its customer stayed away, support closed) is announced above the
 * queue with a link to its ticket, and to K.notifyAgent when there is one.
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
    var convertsIn = handoff.converts_in_seconds, waitingFor = handoff.customer_waiting_seconds;
    handoff.convertsAt = typeof convertsIn === "number" ? now + convertsIn * 1000 : null;
    handoff.replyWaitSince = typeof waitingFor === "number" ? now - waitingFor * 1000 : null;
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

  // "Premier · Urgent · Upset": what the chat's priority was made of.
  function rankChips(item) {
    var reasons = item.rank_reasons || [];
    if (!reasons.length) return null;
    var chips = make("span", { class: "rank-chips", title: t("rank_title"), "data-testid": "rank-reasons" });
    reasons.forEach(function (reason) {
      var chip = badge(K.label("rank_", reason, capitalize), "rank rank-" + String(reason).replace(/[^a-z0-9-]/g, ""));
      chip.setAttribute("data-testid", "rank-chip");
      chips.appendChild(chip);
    });
    return chips;
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
        rankChips(item),
        state.newForMe[item.id] ? newForMeBadge() : null,
        state.unread[item.id] ? badge(t("new_message"), "unread") : null,
      ]),
      make("span", { class: "qi-reason" }, item.reason_text),
      append(make("span", { class: "qi-meta" }), [
        make("span", { class: "qi-status" }, statusText(item)),
        button.timers.waited,
        button.timers.due,
        button.timers.replyWait,
        item.customer_away ? button.timers.away : null,
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
    var away = badge(t("customer_away"), "away");
    away.setAttribute("data-testid", "customer-away");
    return {
      waited: make("span", { class: "waited", title: t("waited_title") }),
      due: make("span", { class: "due" }),
      replyWait: make("span", { class: "reply-wait", title: t("customer_waiting_title"), "data-testid": "reply-wait" }),
      away: away,
    };
  }

  // "Customer away · ticket in 1:30" while the sweep will turn the chat into a ticket.
  function fillAway(node, handoff, now) {
    if (!handoff.convertsAt || handoff.status !== "waiting") {
      node.textContent = t("customer_away");
      return;
    }
    var left = Math.ceil((handoff.convertsAt - now) / 1000);
    node.textContent = left > 0 ? t("away_converts_in", { time: duration(left) }) : t("away_converts_now");
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
    var replying = handoff.status === "active" && handoff.replyWaitSince;
    timers.replyWait.textContent = replying
      ? t("customer_waiting", { time: duration((now - handoff.replyWaitSince) / 1000) }) : "";
    timers.replyWait.hidden = !replying;
    fillAway(timers.away, handoff, now);
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

  // ---- chats that left the queue by themselves -----------------------------------------

  var LEFT_BY_ITSELF = { claim_timeout: true, customer_left: true, support_closed: true };
  var announced = {};  // event id -> true

  function ticketLink(ref) {
    var node = make("button", {
      type: "button", class: "link ticket-link", "data-testid": "ticket-link", title: t("open_ticket", { ticket: ref }),
    }, ref);
    node.addEventListener("click", function () { K.showTicket(ref); });
    return node;
  }

  function leftNotices() {
    var list = document.querySelector(".left-queue-notices");
    if (list) return list;
    list = make("ul", { class: "left-queue-notices", "data-testid": "left-queue-notices", "aria-live": "polite" });
    el.queueList.parentNode.insertBefore(list, el.queueList);
    return list;
  }

  // Called for every live event (console-conversation.js addEvent), before the
  // queue is fetched again: the queue still names the chat's customer.
  function noteLeftQueue(event) {
    if (event.kind !== "converted" || !LEFT_BY_ITSELF[event.cause] || !event.ticket_ref || announced[event.id]) return;
    announced[event.id] = true;
    var item = queueItem(event.handoff_id);
    var customer = item ? customerName(item) : t("anonymous_in_sentence");
    var why = t("left_why_" + event.cause);
    var text = t("left_queue_notice", { customer: customer, ticket: event.ticket_ref, why: why });
    var dismiss = make("button", { type: "button", class: "link notice-dismiss", "aria-label": t("dismiss") }, "×");
    var row = append(make("li", { class: "left-queue-notice", "data-testid": "left-queue-notice" }), [
      make("span", { class: "grow" }, text), ticketLink(event.ticket_ref), dismiss,
    ]);
    dismiss.addEventListener("click", function () { row.parentNode.removeChild(row); });
    leftNotices().appendChild(row);
    if (K.notifyAgent) {
      K.notifyAgent({
        kind: "chat_left_queue", title: t("left_queue_title"), body: text,
        url: "/console/tickets/" + encodeURIComponent(event.ticket_ref), key: "chat_left_queue:" + event.handoff_id,
      });
    }
  }

  K.rankChips = rankChips;
  K.ticketLink = ticketLink;
  K.noteLeftQueue = noteLeftQueue;
  K.stamp = stamp;
  K.scheduleQueueRefresh = scheduleQueueRefresh;
  K.refreshQueue = refreshQueue;
  K.renderQueue = renderQueue;
  K.statusText = statusText;
  K.newTimers = newTimers;
  K.fillTimers = fillTimers;
  K.tickQueue = tickQueue;
})();
