/*
 * Alerts: what the agent must not miss while they look elsewhere.
 *
 *   K.notifyAgent({kind, title, body, url, key})
 *
 * shows the alert in the page (a stack at the corner), plays a short sound
 * (made with WebAudio, no sound file) unless the agent muted it, and shows a
 * desktop notification when the browser allows it and the agent turned alerts
 * on. Each `key` alerts once (remembered for the tab, so a reload does not repeat
 * it). Clicking the alert or its notification focuses the console and opens `url`
 * (the console's addresses, /console/chats/12 and the like, open in the page; any
 * other address is followed).
 *
 * The header's controls: "Turn on alerts" asks the browser's permission on a
 * click, as browsers require, and then shows that alerts are on (a click turns
 * them off again, remembered in this browser); "Sound on/off" mutes the sound
 * (remembered too).
 *
 * Fired here: a chat that starts waiting in one of the agent's teams (or for any
 * agent) or that is given to them, comparing one queue answer with the one before
 * (never on the first: what was waiting then is no news); a customer's message in
 * a chat the agent holds while the page is hidden or another chat is open
 * (console-live.js calls K.alertOnEvent); a waiting chat of the agent's teams whose
 * pickup time runs out within PICKUP_WARN_MS. Other files call K.notifyAgent for
 * their own news (ticket replies, tickets' service levels).
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var state = K.state, me = K.me;
  var make = K.make, append = K.append, api = K.api, customerName = K.customerName, t = K.t;

  var STORE = { muted: "kefu-console:alerts-muted", off: "kefu-console:alerts-off", told: "kefu-console:alerts-told" };
  var PICKUP_WARN_MS = 60000;   // a waiting chat's pickup time about to pass
  var IN_PAGE_MS = 12000;       // how long an alert stays in the page
  var IN_PAGE_MAX = 4;
  var TOLD_MAX = 300;           // keys remembered for the tab
  var TEAMS_MS = 120000;        // the agent's teams are read again this often
  var TICK_MS = 250;            // how soon a new queue answer is looked at
  var BODY_CHARS = 140;

  // ---- remembered state ------------------------------------------------------------

  function stored(store, key) {
    try { return store.getItem(key); } catch (error) { return null; }
  }

  function store(storage, key, value) {
    try { storage.setItem(key, value); } catch (error) { /* private mode: this page only */ }
  }

  var told = {};
  var toldOrder = [];
  try { toldOrder = JSON.parse(stored(window.sessionStorage, STORE.told) || "[]"); } catch (error) { toldOrder = []; }
  if (!Array.isArray(toldOrder)) toldOrder = [];
  toldOrder.forEach(function (key) { told[key] = true; });

  function remember(key) {
    told[key] = true;
    toldOrder.push(key);
    if (toldOrder.length > TOLD_MAX) delete told[toldOrder.shift()];
    store(window.sessionStorage, STORE.told, JSON.stringify(toldOrder));
  }

  function muted() { return stored(window.localStorage, STORE.muted) === "1"; }

  function permission() { return window.Notification ? window.Notification.permission : "unsupported"; }

  function desktopOn() { return permission() === "granted" && stored(window.localStorage, STORE.off) !== "1"; }

  // ---- the sound -------------------------------------------------------------------

  var audio = null;

  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) {
      try { audio = new Context(); } catch (error) { return null; }
    }
    if (audio.state === "suspended" && audio.resume) audio.resume().catch(function () {});
    return audio;
  }

  // Two short rising tones, quiet enough for an office.
  function playSound() {
    var context = audioContext();
    if (!context) return;
    var start = context.currentTime + 0.01;
    [660, 990].forEach(function (frequency, index) {
      var tone = context.createOscillator();
      var volume = context.createGain();
      var at = start + index * 0.16;
      tone.type = "sine";
      tone.frequency.setValueAtTime(frequency, at);
      volume.gain.setValueAtTime(0.0001, at);
      volume.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
      volume.gain.exponentialRampToValueAtTime(0.0001, at + 0.15);
      tone.connect(volume);
      volume.connect(context.destination);
      tone.start(at);
      tone.stop(at + 0.16);
    });
  }

  // Browsers let a page make sound only after the person did something on it.
  function unlockAudio() {
    if (!muted()) audioContext();
  }

  // ---- showing an alert ------------------------------------------------------------

  var stack = make("div", { class: "alert-stack", role: "region", "aria-live": "polite", "data-testid": "in-page-alerts" });

  // The console's own addresses (console-main.js: /console/chats/12,
  // /console/tickets/T-00042...) open in this page, as the back button would;
  // the older "#chat-12" and "#ticket-T-00042" forms too. Anything else is followed.
  function openUrl(url) {
    if (!url) return;
    var address = new URL(url, window.location.href);
    var path = address.pathname;
    var old = /^#(chat|ticket)-(.+)$/.exec(address.hash);
    if (old && /^\/console\/?$/.test(path)) path = "/console/" + old[1] + "s/" + old[2];
    var chat = /^\/console\/chats\/(\d+)$/.exec(path);
    if (address.origin !== window.location.origin || !/^\/console(\/|$)/.test(path)) {
      window.location.assign(address.href);
    } else if (chat) {
      K.openChat(Number(chat[1]));
    } else {
      window.history.pushState({ kefu: path }, "", path);
      window.dispatchEvent(new PopStateEvent("popstate", { state: { kefu: path } }));
    }
  }

  function chatUrl(id) { return "/console/chats/" + id; }

  function showInPage(alert) {
    var item = make("div", { class: "in-page-alert alert-" + String(alert.kind || "").replace(/[^a-z0-9-]/g, ""), "data-testid": "in-page-alert" });
    var open = append(make("button", { type: "button", class: "in-page-alert-open" }), [
      make("strong", {}, alert.title),
      alert.body ? make("span", {}, alert.body) : null,
    ]);
    var dismiss = make("button", { type: "button", class: "in-page-alert-close", "aria-label": t("alert_dismiss") }, "×");
    function remove() { if (item.parentNode) item.parentNode.removeChild(item); }
    open.addEventListener("click", function () { remove(); openUrl(alert.url); });
    dismiss.addEventListener("click", remove);
    append(item, [open, dismiss]);
    stack.insertBefore(item, stack.firstChild);
    while (stack.children.length > IN_PAGE_MAX) stack.removeChild(stack.lastChild);
    setTimeout(remove, IN_PAGE_MS);
  }

  function showDesktop(alert) {
    var note;
    try {
      note = new window.Notification(alert.title, { body: alert.body || "", tag: alert.key });
    } catch (error) {
      return;  // a browser that only notifies from a service worker: the page's alert stays
    }
    note.onclick = function () {
      window.focus();
      openUrl(alert.url);
      note.close();
    };
  }

  function notifyAgent(alert) {
    if (!alert || !alert.key || !alert.title || told[alert.key]) return false;
    remember(alert.key);
    showInPage(alert);
    if (!muted()) playSound();
    if (desktopOn()) showDesktop(alert);
    return true;
  }

  // ---- the header's controls ---------------------------------------------------------

  var controls = {};

  function renderControls() {
    var allowed = permission();
    var button = controls.desktop;
    button.disabled = allowed === "unsupported" || allowed === "denied";
    button.setAttribute("aria-pressed", String(desktopOn()));
    button.textContent = t(allowed === "denied" ? "alerts_blocked" : desktopOn() ? "alerts_on" : "alerts_turn_on");
    button.title = t(allowed === "unsupported" ? "alerts_unsupported_title" : allowed === "denied"
      ? "alerts_blocked_title" : desktopOn() ? "alerts_on_title" : "alerts_turn_on_title");
    controls.sound.setAttribute("aria-pressed", String(!muted()));
    controls.sound.textContent = t(muted() ? "sound_off" : "sound_on");
  }

  function toggleDesktop() {
    unlockAudio();
    if (desktopOn()) {
      store(window.localStorage, STORE.off, "1");
      return renderControls();
    }
    store(window.localStorage, STORE.off, "");
    if (permission() !== "default") return renderControls();
    // Older Safari answers through a callback instead of a promise.
    var asked = window.Notification.requestPermission(renderControls);
    if (asked && asked.then) asked.then(renderControls, renderControls);
  }

  function toggleSound() {
    store(window.localStorage, STORE.muted, muted() ? "" : "1");
    unlockAudio();
    renderControls();
  }

  function buildControls() {
    var place = document.querySelector("[data-header-tools]");
    controls.desktop = make("button", { type: "button", class: "button alerts-toggle", "data-testid": "alerts-toggle" });
    controls.sound = make("button", { type: "button", class: "button sound-toggle", "data-testid": "sound-toggle", title: t("sound_title") });
    controls.desktop.addEventListener("click", toggleDesktop);
    controls.sound.addEventListener("click", toggleSound);
    if (place) append(place, [controls.desktop, controls.sound]);
    stack.setAttribute("aria-label", t("alerts_region"));
    document.body.appendChild(stack);
    renderControls();
  }

  // ---- what the console alerts about -------------------------------------------------

  var myTeams = {};       // team key -> true, for the teams the agent is in
  var teamsKnown = false; // nothing is compared before: every team chat would look like another's
  var lastQueue = null;   // the queue answer compared last (state.queue is a new array per answer)
  var before = null;      // handoff id -> {status, agent_id} in that answer

  function loadTeams() {
    api("GET", "/api/agent/me").then(function (agent) {
      return api("GET", "/api/teams").then(function (teams) {
        var mine = {};
        teams.forEach(function (team) { if (team.members.indexOf(agent.email) !== -1) mine[team.key] = true; });
        myTeams = mine;
      });
    }).catch(function () { /* kept as they were; a chat for any agent still alerts */ }).then(function () {
      teamsKnown = true;
    });
  }

  // A chat without a team waits for any agent, so for this one too.
  function forMyTeams(item) { return !item.team_key || Boolean(myTeams[item.team_key]); }

  function short(text) {
    text = String(text || "");
    return text.length > BODY_CHARS ? text.slice(0, BODY_CHARS - 1) + "…" : text;
  }

  function chatAlert(kind, item, title, body) {
    notifyAgent({ kind: kind, title: title, body: body, url: chatUrl(item.id), key: kind + "-" + item.id + "-" + (item.claimed_at || "new") });
  }

  function compareQueue() {
    var now = {};
    state.queue.forEach(function (item) {
      now[item.id] = { status: item.status, agent_id: item.agent_id };
      if (!before) return;
      var was = before[item.id];
      var values = { customer: customerName(item), reason: item.reason_text };
      if (item.status === "waiting" && !(was && was.status === "waiting") && forMyTeams(item)) {
        chatAlert("new-chat", item, t("alert_new_chat"), t("alert_new_chat_body", values));
      }
      var givenNow = item.status === "active" && item.agent_id === me && !(was && was.status === "active" && was.agent_id === me);
      if (givenNow && state.newForMe[item.id]) {
        chatAlert("given-chat", item, t("alert_given_chat"), t("alert_given_chat_body", values));
      }
    });
    before = now;
  }

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  function checkPickups() {
    state.queue.forEach(function (item) {
      if (item.status !== "waiting" || !item.dueAt || !forMyTeams(item)) return;
      var left = item.dueAt - Date.now();
      if (left <= 0 || left > PICKUP_WARN_MS) return;
      var seconds = Math.ceil(left / 1000);
      notifyAgent({
        kind: "pickup-due", url: chatUrl(item.id), key: "pickup-" + item.id + "-" + item.pickup_due,
        title: t("alert_pickup_due"),
        body: t("alert_pickup_due_body", { customer: customerName(item), time: Math.floor(seconds / 60) + ":" + pad(seconds % 60) }),
      });
    });
  }

  // The first queue answer is what the others are compared with (the chats
  // waiting then are no news); the later ones once the agent's teams are in.
  function tick() {
    if (state.mine === null) return;
    if (state.queue !== lastQueue && (before === null || teamsKnown)) {
      lastQueue = state.queue;
      compareQueue();
    }
    if (!teamsKnown) return;
    checkPickups();
    stack.setAttribute("data-watching", "true");  // for whoever waits for the alerts to work
  }

  // From console-live.js, for every event of the stream.
  function alertOnEvent(event) {
    if (event.kind !== "customer_message") return;
    var item = state.queue.filter(function (entry) { return entry.id === event.handoff_id; })[0];
    if (!item || item.status !== "active" || item.agent_id !== me) return;
    var looking = !document.hidden && state.open && state.open.id === event.handoff_id;
    if (looking) return;
    notifyAgent({
      kind: "new-message", url: chatUrl(item.id), key: "message-" + event.id,
      title: t("alert_new_message", { customer: customerName(item) }), body: short(event.body),
    });
  }

  function start() {
    buildControls();
    loadTeams();
    setInterval(loadTeams, TEAMS_MS);
    setInterval(tick, TICK_MS);
    // Each queue answer redraws the list: compare it right then, so two answers
    // close together are both compared.
    new MutationObserver(tick)
      .observe(document.querySelector(".queue-list"), { childList: true, subtree: true });
    document.addEventListener("pointerdown", unlockAudio, { once: true });
    document.addEventListener("keydown", unlockAudio, { once: true });
  }

  K.notifyAgent = notifyAgent;
  K.alertOnEvent = alertOnEvent;

  window.KefuConsoleI18n.ready.then(start);
})();
