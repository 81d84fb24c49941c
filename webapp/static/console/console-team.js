/*
 * The agent's own status and the Team panel. The header's control says whether the
 * agent is online, away or offline (only online agents are given waiting chats
 * automatically); the panel under the queue lists every other agent with their
 * status and how many chats they hold. Both come from GET /api/agents: on start,
 * every 20 seconds, and shortly after an event that changes who holds what.
 *
 * While the agent's chosen status is online, what they do at the console (a key,
 * a click, the tab coming back into focus) is reported to the server, at most once
 * a minute (POST /api/agent/activity), so it does not count them away while they
 * work. A chat that goes back to the queue because its agent did not answer
 * ("requeued") is announced to every agent in the message bar.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var state = K.state, me = K.me;
  var make = K.make, append = K.append, clear = K.clear;
  var api = K.api, showAlert = K.showAlert, t = K.t;

  var REFRESH_MS = 20000;
  var AFTER_EVENT_MS = 300;
  var ACTIVITY_MS = 60000;     // the longest the server waits between two reports
  var RETRY_ACTIVITY_MS = 10000;
  var RANK = { online: 0, away: 1, offline: 2 };
  // Events after which an agent holds more or fewer chats, or has another status.
  var LOAD_EVENTS = { claimed: true, transferred: true, requeued: true, resolved: true, returned: true, converted: true };

  var el = {
    control: document.getElementById("agent-status"),
    dot: document.querySelector("[data-testid='my-presence-dot']"),
    list: document.querySelector(".team-list"),
    empty: document.querySelector(".team-empty"),
  };

  state.agents = [];       // GET /api/agents, as last fetched
  state.myStatus = null;   // what the agent chose (or had when the console loaded)

  var timer = null;
  var changing = false;    // a status change is on its way: a refresh must not undo the control
  var lastReport = 0;
  var adoptNext = true;    // the next answer sets myStatus: on start, and after the server set it

  function status(value) { return Object.prototype.hasOwnProperty.call(RANK, value) ? value : "offline"; }

  function statusText(value) { return t("presence_" + status(value)); }

  function loadText(agent) {
    return t("agent_load", { active: agent.active_chats, capacity: agent.capacity });
  }

  function dot(value) {
    var text = statusText(value);
    return make("span", { class: "presence-dot " + status(value), role: "img", "aria-label": text, title: text });
  }

  // ---- the agents' list ------------------------------------------------------------

  function refreshAgents() {
    clearTimeout(timer);
    api("GET", "/api/agents").then(function (agents) {
      state.agents = agents;
      var mine = agents.filter(function (agent) { return agent.id === me; })[0];
      if (mine && !changing) {
        if (adoptNext) state.myStatus = status(mine.status);
        adoptNext = false;
        showMyStatus(mine.status);
      }
      renderTeam();
    }, function () {
      // Tried again with the next refresh; the queue tells the agent the server is unreachable.
    }).then(function () {
      clearTimeout(timer);
      timer = setTimeout(refreshAgents, REFRESH_MS);
    });
  }

  function scheduleAgents() {
    clearTimeout(timer);
    timer = setTimeout(refreshAgents, AFTER_EVENT_MS);
  }

  function showMyStatus(value) {
    value = status(value);
    el.control.value = value;
    el.control.disabled = changing;
    el.dot.className = "presence-dot " + value;
    document.body.setAttribute("data-presence", value);
  }

  // Online first, then away, then offline; by name within each (the server's order).
  function renderTeam() {
    var others = state.agents
      .filter(function (agent) { return agent.id !== me; })
      .map(function (agent, index) { return { agent: agent, index: index }; })
      .sort(function (a, b) {
        return (RANK[status(a.agent.status)] - RANK[status(b.agent.status)]) || a.index - b.index;
      });
    clear(el.list);
    others.forEach(function (entry) {
      var agent = entry.agent;
      el.list.appendChild(append(make("li", {
        class: "team-member", "data-testid": "team-member",
        "data-agent-id": String(agent.id), "data-status": status(agent.status),
      }), [
        dot(agent.status),
        make("span", { class: "tm-name" }, agent.name),
        make("span", { class: "tm-load" }, loadText(agent)),
      ]));
    });
    el.empty.hidden = others.length > 0;
  }

  function agentById(id) {
    return state.agents.filter(function (agent) { return agent.id === id; })[0];
  }

  // ---- the agent's own status --------------------------------------------------------

  function choose() {
    var wanted = el.control.value;
    changing = true;
    el.control.disabled = true;
    api("PUT", "/api/agent/status", { status: wanted }).then(function () {
      state.myStatus = wanted;
      // Choosing online counts as activity on the server.
      lastReport = wanted === "online" ? Date.now() : 0;
      changing = false;
      showMyStatus(wanted);
    }, function (error) {
      changing = false;
      showAlert(error.message);
      var mine = agentById(me);
      showMyStatus(mine ? mine.status : state.myStatus);
    }).then(scheduleAgents);
  }

  // The agent did something at the console.
  function activity() {
    if (state.myStatus !== "online" || Date.now() - lastReport < ACTIVITY_MS) return;
    lastReport = Date.now();
    api("POST", "/api/agent/activity").then(function () {
      // The server had counted an idle agent away: they are online again.
      if (el.control.value !== "online") scheduleAgents();
    }, function () {
      lastReport = Date.now() - ACTIVITY_MS + RETRY_ACTIVITY_MS;
    });
  }

  // ---- events --------------------------------------------------------------------------

  function queueItem(id) {
    return state.queue.filter(function (item) { return item.id === id; })[0];
  }

  // Called by the live updates for every event, before the queue is fetched again
  // (so the queue still says who held the chat).
  function teamEvent(event) {
    if (!LOAD_EVENTS[event.kind]) return;
    if (event.kind === "requeued") {
      var item = queueItem(event.handoff_id);
      // The server set the agent whose chat went back to away: this console takes that
      // as the agent's status, and stops reporting activity.
      if (item && item.agent_id === me) adoptNext = true;
      showAlert(t("alert_requeued", {
        agent: event.author_name || t("an_agent"),
        customer: (item && item.customer_name) || t("anonymous_in_sentence"),
      }), "warning");
    }
    scheduleAgents();
  }

  function startTeam() {
    el.control.addEventListener("change", choose);
    document.addEventListener("keydown", activity, true);
    document.addEventListener("pointerdown", activity, true);
    window.addEventListener("focus", activity);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) activity(); });
    refreshAgents();
  }

  K.startTeam = startTeam;
  K.refreshAgents = scheduleAgents;
  K.teamEvent = teamEvent;
  K.presenceText = statusText;
  K.agentLoadText = loadText;
})();
