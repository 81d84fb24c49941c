/*
 * Kefu agent console: the queue of chats the assistant handed over, one chat's
 * conversation with everything the bot collected and the customer's record, and
 * what an agent does with it (claim, reply, note, resolve, hand back, ticket).
 * Small ticket and customer views sit next to it.
 *
 * Plain scripts, no build step, loaded in this order (defer keeps it):
 *   ../widget/kefu-markdown.js  the bot's links, lists and bold as DOM nodes, the widget's renderer
 *   console-i18n.js          the console's texts in the agent's language (K.t)
 *   console-core.js          this file: shared state, DOM helpers, the API, the message bar
 *   console-queue.js         the queue list, its rank chips and its timers
 *   console-conversation.js  one chat: header, summary, transcript, events
 *   console-email.js         email beside the messages: delivery of emailed answers, mail that came in
 *   console-side-panel.js    the chat's side panel: reason, collected details, customer record
 *   console-compose.js       replies, notes, drafts, and claim/resolve/hand back/turn into ticket
 *   console-live.js          the event stream, and polling while it is down
 *   console-typing.js        "is typing" both ways: the customer's shown, the agent's sent
 *   console-alerts.js        alerts (K.notifyAgent): in the page, a sound, desktop notifications
 *   console-shortcuts.js     keyboard shortcuts and their help (?)
 *   console-team.js          the agent's own status (online/away/offline) and the Team panel
 *   console-hours.js         whether support is open now, above the queue
 *   console-transfer.js      passing the open chat to a colleague or a team
 *   console-directory.js     the Tickets view
 *   console-customers.js     the Customers view
 *   console-canned.js        canned replies: /shortcut and the picker in the reply box
 *   console-search.js        the header's search over tickets, chats and customers
 *   console-admin.js         the Admin view (admins only): agents, teams, routing, canned replies
 *   console-main.js          view switching and the console's addresses, sign-out, start-up
 *
 * They share one namespace, window.KefuConsole. This file loads first, so the
 * others take its helpers as local names; what the other files define is looked
 * up on the namespace when it is called, because a file may load before the one it
 * calls. Loading a file only defines things: console-main.js, the last, starts
 * the console.
 *
 * Everything shown comes from the agents' JSON API and much of it was typed by
 * customers, so text only ever goes into the page through textContent (see
 * make()); nothing here parses HTML (a customer's sanitised HTML mail is shown only
 * in a sandboxed frame, console-email.js). The console's own texts are the catalogue's
 * (K.t("key", values), see console-i18n.js): none is written in these files.
 */
(function () {
  "use strict";

  var K = window.KefuConsole = {};
  var I = window.KefuConsoleI18n;
  var t = I.t;

  var LOGIN_URL = "/console/login?next=/console";

  K.me = Number(document.body.dataset.agentId);  // the signed-in agent's id
  K.OPEN_STATUSES = { waiting: true, active: true };
  K.POLL_MS = 2000;     // polling for events, and retrying the queue
  K.MAX_REPLY = 4000;   // the longest reply and note the server accepts
  K.MAX_NOTE = 8000;

  K.el = {
    alertBar: document.querySelector(".alert-bar"),
    alert: document.querySelector("[data-testid='console-alert']"),
    live: document.querySelector(".live-status"),
    queueList: document.querySelector(".queue-list"),
    queueEmpty: document.querySelector(".queue-empty"),
    conversation: document.getElementById("conversation"),
  };
  var el = K.el;

  K.state = {
    queue: [],           // QueueItems, in the server's order (most urgent first)
    queueNodes: {},      // handoff id -> its button in the queue list
    unread: {},          // handoff id -> true: the customer wrote while the chat was not open
    newForMe: {},        // handoff id -> true: given to this agent (assigned, passed on) and not opened yet
    mine: null,          // ids of the chats this agent held at the last queue answer (null before it)
    queueTimer: null,
    localChanges: 0,     // bumped around claim/close, so an older queue answer cannot undo them
    open: null,          // the chat on the right: {id, handoff, seen, pending, view}
    cursor: 0,           // the newest event id the stream or the poller delivered
    cursorKnown: false,  // false until the stream said where it starts
    stream: null,
    polling: false,
    pollTimer: null,
  };
  var state = K.state;

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

  // A value the API sends as an id ("shipped"), as the catalogue names it
  // (console.status_shipped), else as it came.
  function label(prefix, value, otherwise) { return I.label(prefix, value, otherwise); }

  // "order_id" -> "Order id": slot names as a person reads them.
  function humanize(key) { return capitalize(String(key).replace(/_/g, " ")); }

  // Values from the API may become part of a class name: keep them to a safe alphabet.
  function token(text) { return String(text || "").toLowerCase().replace(/[^a-z0-9-]/g, ""); }

  // ---- dates and times: the company's, not the browser's ---------------------------
  //
  // The bot tells customers dates in the company's time zone (company.yml); an
  // agent whose computer is set to another zone must see the same day for the same
  // order, so every date and time here is formatted in that zone (the page names it
  // in data-timezone) and times say which zone they are in.

  var ZONE = document.body.dataset.timezone || "";
  var ZONE_LABEL = document.body.dataset.timezoneLabel || ZONE;
  // Dates and amounts in the console's language: the browser's own English, and
  // Chinese as written in mainland China ("2026年9月17日", "US$849.00").
  var LOCALES = { zh: "zh-CN" };

  function locale() { return LOCALES[I.lang] || []; }

  function zoneFormat(options) {
    try {
      return { formatter: new Intl.DateTimeFormat(locale(), Object.assign({ timeZone: ZONE }, options)), label: ZONE_LABEL };
    } catch (error) {
      // A zone this browser does not know: its own zone, and times say nothing about it.
      return { formatter: new Intl.DateTimeFormat(locale(), options), label: "" };
    }
  }

  // Made on first use: the language is known once console-i18n.js is ready.
  var formats = null;
  function format(name) {
    formats = formats || {
      day: zoneFormat({ day: "numeric", month: "short", year: "numeric" }),
      clock: zoneFormat({ hour: "2-digit", minute: "2-digit" }),
      moment: zoneFormat({ day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }),
    };
    return formats[name];
  }

  function asDate(value) {
    if (value === null || value === undefined || value === "") return null;  // new Date(null) is 1970
    var date = value instanceof Date ? value : new Date(value);
    return isNaN(date.getTime()) ? null : date;
  }

  function labelled(text, label) { return label ? text + " " + label : text; }

  // "Sep 17, 2026": the company's calendar day of an ISO timestamp.
  function dayDate(value) {
    var date = asDate(value);
    return date ? format("day").formatter.format(date) : "—";
  }

  // "02:05 PM Eastern"
  function clockTime(value) {
    var date = asDate(value);
    return date ? labelled(format("clock").formatter.format(date), format("clock").label) : "";
  }

  // "Sep 17, 2026, 02:05 PM Eastern"
  function dateTime(value) {
    var date = asDate(value);
    return date ? labelled(format("moment").formatter.format(date), format("moment").label) : "";
  }

  function timeNode(value) {
    var date = asDate(value);
    if (!date) return null;
    return make("time", { datetime: date.toISOString(), title: dateTime(date) }, clockTime(date));
  }

  function badge(text, kind) { return make("span", { class: "badge " + kind }, text); }

  function tierBadge(tier) { return badge(capitalize(tier), "tier tier-" + token(tier)); }

  function statusBadge(status) { return badge(label("status_", status), "status status-" + token(status)); }

  // The chat's language ("zh" -> "中文"), when the agents' API says it.
  function languageBadge(language) {
    if (!language) return null;
    var node = badge(label("chat_language_", language, function (code) { return String(code).toUpperCase(); }),
      "chat-language lang-" + token(language));
    node.setAttribute("title", t("chat_language_title"));
    node.setAttribute("data-testid", "chat-language");
    return node;
  }

  function customerName(handoff) { return handoff.customer_name || t("anonymous_visitor"); }

  // ---- talking to the API -----------------------------------------------------------

  function ApiError(status, message) {
    this.status = status;
    this.message = message;
  }

  // FastAPI errors carry `detail`: a sentence, or a list of validation problems.
  function detailOf(data, status) {
    var detail = data && data.detail;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail) && detail.length) return t("request_rejected", { problem: detail[0].msg });
    return t("request_failed", { status: status });
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
      throw new ApiError(0, t("unreachable"));
    });
  }

  function signedOut() {
    K.stopLiveUpdates();
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
    return state.polling ? t("live_polling") : state.cursorKnown ? t("live") : "";
  }

  K.t = t;
  K.label = label;
  K.locale = locale;
  K.languageBadge = languageBadge;
  K.make = make;
  K.append = append;
  K.clear = clear;
  K.capitalize = capitalize;
  K.humanize = humanize;
  K.dayDate = dayDate;
  K.clockTime = clockTime;
  K.dateTime = dateTime;
  K.timeNode = timeNode;
  K.badge = badge;
  K.tierBadge = tierBadge;
  K.statusBadge = statusBadge;
  K.customerName = customerName;
  K.api = api;
  K.signedOut = signedOut;
  K.showAlert = showAlert;
  K.reportError = reportError;
  K.clearAlert = clearAlert;
  K.setLive = setLive;
  K.liveText = liveText;
})();
