/*
 * Kefu chat widget. Put it on any page with one tag:
 *
 *   <script src="https://YOUR-KEFU-WEB-APP/static/widget/kefu-widget.js"
 *           data-server="https://YOUR-RASA-SERVER" defer></script>
 *
 * Optional attributes: data-title, data-lang (the widget's language; default: the
 * page's <html lang>, else English), data-api (the Kefu web app; default: where this
 * script came from), data-customer-token (a signed token for a logged-in customer).
 * A page can also call window.KefuWidget.setCustomerToken(token) at any time.
 *
 * Its own texts (buttons, labels, notices) come from the web app in the page's
 * language (GET /i18n/widget/<lang>.json, from knowledge_base/replies/widget.yml);
 * none are written here. The page's language also goes to the bot once, with the
 * opening greeting, as the first hint of the conversation's language: after that
 * the customer's own words decide (kefu_rasa/language_policy.py).
 *
 * It talks to Rasa over socket.io (the maintained socket.io client, vendored next to
 * this file) with session persistence, and reloads the conversation's history from
 * the web app, so a page reload keeps the chat (suggested replies the customer
 * already answered stay disabled). Customer text is only ever inserted as text;
 * bot and agent text is rendered, never as HTML, from a tiny subset of Markdown:
 * **bold**, [links](https://...) to web, mail and phone addresses and site paths (a
 * bare address shows short), and "- " or "1. " lists, by kefu-markdown.js (next to
 * this file, shared with the agent console; loaded with socket.io, and if it cannot
 * load, messages show as plain text). Every message shows its time.
 *
 * Typing both ways while a person has the chat: the server's "agent_typing"
 * ({name, typing}) shows "Sam is typing…" over the typing bubble until the agent's
 * message arrives, they stop, or AGENT_TYPING_MS pass without a signal; what the
 * customer types is announced as "user_typing" at most every CUSTOMER_TYPING_MS
 * (the channel records it for the agent's console, for this socket's session only).
 */
(function () {
  "use strict";
  if (window.KefuWidget) return;

  var script = document.currentScript;
  var scriptUrl = new URL(script.src, window.location.href);
  var base = scriptUrl.href.replace(/[^/]*$/, "");
  var config = {
    server: script.dataset.server || window.location.protocol + "//" + window.location.hostname + ":5005",
    api: (script.dataset.api || scriptUrl.origin).replace(/\/$/, ""),
    title: script.dataset.title || null,  // else the catalogue's
    // "zh-CN" -> "zh": the page's language, as the web app and the bot name languages.
    lang: String(script.dataset.lang || document.documentElement.lang || "en").toLowerCase().split(/[-_]/)[0] || "en",
    token: script.dataset.customerToken || null,
    // "websocket" alone behind a load balancer over several Rasa servers (docs/scaling.md).
    transports: String(script.dataset.transports || "websocket,polling").split(","),
  };
  var TEXTS_RETRY_MS = 5000;
  var TEXTS_TRIES = 3;
  var texts = null;  // this widget's texts, in `textsLanguage`
  var textsLanguage = null;
  // The session id names the conversation; the secret the server issued with it is
  // what proves this browser may read and continue it (never sent anywhere else).
  var STORE = {
    session: "kefu:session", secret: "kefu:session-secret", identity: "kefu:identity", open: "kefu:open",
    seen: "kefu:seen",  // when the customer last had the chat open (seconds)
  };
  var MAX_CHARS = 5000;
  var SLOW_REPLY_MS = 15000;
  var AGENT_TYPING_MS = 6000;     // the agent's "typing" shows this long after their last signal
  var CUSTOMER_TYPING_MS = 2000;  // the customer's typing goes to the server at most this often

  var state = {
    socket: null,
    sessionId: localStorage.getItem(STORE.session),
    sessionSecret: localStorage.getItem(STORE.secret),
    // When the customer last had the chat open, as it was when this page loaded.
    seenBefore: Number(localStorage.getItem(STORE.seen) || 0),
    connected: false,
    waitingTimer: null,
    greeted: false,
    historyLoaded: false,  // for the current session; the greeting waits for it
    outbox: [],
    // Sent but not yet acknowledged by the server (it acknowledges a message once it
    // has been handled and saved): sent again, with the same id, after a reconnection.
    unacked: [],
    // "waiting" for a person, "active" with one, or null (the bot answers): while a
    // person has the chat there is no typing indicator or slow-reply warning.
    handoff: null,
    agentName: null,
    agentTypingTimer: null,
    customerTypingSentAt: 0,
    customerTypingTimer: null,
  };
  var el = {};

  // The text `key` with its {placeholders} filled from `values`.
  function t(key, values) {
    var text = texts && Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : key;
    return text.replace(/\{(\w+)\}/g, function (match, name) {
      return values && values[name] !== undefined && values[name] !== null ? String(values[name]) : match;
    });
  }

  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "class") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // ---- rendering -------------------------------------------------------------

  // Bot and agent text through the shared renderer (kefu-markdown.js, loaded with
  // socket.io before any message can arrive); should it not have loaded, the text
  // shows as it is, plain and safe.
  function renderRich(container, text) {
    if (window.KefuMarkdown) window.KefuMarkdown.render(container, text);
    else container.textContent = text;
  }

  function scrollDown() { el.log.scrollTop = el.log.scrollHeight; }

  // Into the conversation, above the typing bubbles if they show.
  function appendRow(row) {
    var indicator = el.typing.parentNode === el.log ? el.typing
      : el.agentTyping.parentNode === el.log ? el.agentTyping : null;
    el.log.insertBefore(row, indicator);
    scrollDown();
  }

  function disableOldReplies() {
    var buttons = el.log.querySelectorAll(".kefu-replies button");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
  }

  // After the history is shown: a set of suggested replies is answered once the
  // customer has said anything after it, and then stays disabled; only the latest
  // set, if nothing came from the customer after it, can still be clicked.
  function settleReplies() {
    var groups = el.log.querySelectorAll(".kefu-replies");
    disableOldReplies();
    if (!groups.length) return;
    var row = groups[groups.length - 1].parentNode;
    for (var next = row.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.classList.contains("kefu-customer")) return;
    }
    var last = groups[groups.length - 1].querySelectorAll("button");
    for (var i = 0; i < last.length; i++) last[i].disabled = false;
  }

  // "14:05" or "2:05 PM": the browser's own locale when it is of the widget's
  // language (en-GB, zh-TW), else the widget's language.
  var timeFormat = null;
  function formatTime(date) {
    if (!timeFormat) {
      var language = textsLanguage || config.lang;
      var preferred = (navigator.languages || [navigator.language || ""]).filter(function (tag) {
        return String(tag).toLowerCase().split(/[-_]/)[0] === language;
      })[0];
      try {
        timeFormat = new Intl.DateTimeFormat(preferred ? [preferred, language] : language, { hour: "2-digit", minute: "2-digit" });
      } catch (e) {
        timeFormat = { format: function (d) { return d.toTimeString().slice(0, 5); } };
      }
    }
    return timeFormat.format(date);
  }

  function timeOf(seconds) {
    var date = new Date(seconds * 1000);
    return make("time", { class: "kefu-time", datetime: date.toISOString() }, formatTime(date));
  }

  function now() { return Date.now() / 1000; }

  // `message.timestamp`: when it was said, in seconds (the history's, or now).
  function addMessage(message) {
    var sender = message.sender || "bot";
    trackHandoff(message.metadata || {});
    if (sender === "system") {  // "Alex has joined the chat" and the like
      addNotice(message.text || "");
      return;
    }
    var row = make("div", { class: "kefu-msg kefu-" + sender });
    var meta = message.metadata || {};
    if (sender === "agent") {
      var author = { agent: meta.agent_name || t("agent_fallback"), ticket: meta.ticket };
      row.appendChild(make("div", { class: "kefu-author" }, t(meta.ticket ? "agent_author_ticket" : "agent_author", author)));
    }
    var bubble = make("div", { class: "kefu-bubble" });
    if (sender === "customer") bubble.textContent = message.text;  // always text, never HTML
    else renderRich(bubble, message.text || "");
    row.appendChild(bubble);
    if (typeof message.timestamp === "number" && isFinite(message.timestamp)) row.appendChild(timeOf(message.timestamp));
    var replies = message.quick_replies || [];
    if (replies.length) {
      disableOldReplies();
      var group = make("div", { class: "kefu-replies", role: "group", "aria-label": t("suggested_replies") });
      replies.forEach(function (reply) {
        var button = make("button", { type: "button" }, reply.title);
        button.addEventListener("click", function () {
          send(reply.payload, reply.title);
          el.input.focus();  // keyboard users carry on typing where they were
        });
        group.appendChild(button);
      });
      row.appendChild(group);
    }
    appendRow(row);
  }

  function addNotice(text) {
    appendRow(make("div", { class: "kefu-notice", role: "status" }, text));
  }

  // Follows who answers from the messages' metadata (live and in the history).
  function trackHandoff(meta) {
    var handoff = meta.handoff;
    if (!handoff || !handoff.status) return;
    var withPerson = handoff.status === "waiting" || handoff.status === "active";
    state.handoff = withPerson ? handoff.status : null;
    state.agentName = handoff.status === "active" ? handoff.agent_name || meta.agent_name || null : null;
    if (!el.who) return;
    if (state.handoff !== "active") setAgentTyping(null);
    el.who.textContent = state.handoff === "active" && state.agentName
      ? t("chatting_with", { agent: state.agentName })
      : state.handoff === "waiting" ? t("waiting_for_person") : "";
    el.who.hidden = !el.who.textContent;
  }

  // The typing bubble: three dots in a bot bubble at the end of the conversation
  // while the bot answers (until its reply, or SLOW_REPLY_MS).
  function setTyping(on) {
    if (on) {
      el.log.appendChild(el.typing);
      scrollDown();
    } else if (el.typing.parentNode) {
      el.typing.parentNode.removeChild(el.typing);
    }
  }

  // "Sam is typing…" with the typing bubble, at the end of the conversation.
  function setAgentTyping(name) {
    clearTimeout(state.agentTypingTimer);
    if (!name) {
      if (el.agentTyping.parentNode) el.agentTyping.parentNode.removeChild(el.agentTyping);
      return;
    }
    var text = t("agent_typing", { agent: name });
    el.agentTypingName.textContent = text;  // the agent's name is data: text only
    el.agentTyping.setAttribute("aria-label", text);
    if (el.agentTyping.parentNode !== el.log) {
      el.log.appendChild(el.agentTyping);
      scrollDown();
    }
    state.agentTypingTimer = setTimeout(function () { setAgentTyping(null); }, AGENT_TYPING_MS);
  }

  function onAgentTyping(signal) {
    if (!signal || typeof signal.name !== "string" || state.handoff !== "active") return;
    setAgentTyping(signal.typing === true ? signal.name || t("agent_fallback") : null);
  }

  // While a person has the chat, they may see that the customer is writing. Keys
  // pressed soon after a signal are announced when CUSTOMER_TYPING_MS have passed
  // (a short burst right after another is not lost), unless the box was emptied.
  function noteCustomerTyping() {
    if (!state.handoff || !state.connected || !state.sessionId || !el.input.value.trim()) return;
    var wait = state.customerTypingSentAt + CUSTOMER_TYPING_MS - Date.now();
    if (wait > 0) {
      if (!state.customerTypingTimer) {
        state.customerTypingTimer = setTimeout(function () {
          state.customerTypingTimer = null;
          noteCustomerTyping();
        }, wait);
      }
      return;
    }
    state.customerTypingSentAt = Date.now();
    state.socket.emit("user_typing", {});
  }

  function setConnected(connected) {
    state.connected = connected;
    el.root.classList.toggle("kefu-offline", !connected);
    el.status.textContent = connected ? "" : t("reconnecting");
    el.status.hidden = connected;
    el.input.disabled = !connected;
    el.send.disabled = !connected;
  }

  // ---- conversation ------------------------------------------------------------

  function identityOf(token) {
    if (!token) return "anonymous";
    try {
      var payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      return "customer:" + payload.sub;
    } catch (e) {
      return "unreadable-token";
    }
  }

  function metadata(extra) {
    var data = {};
    if (config.token) data.customer_token = config.token;
    Object.keys(extra || {}).forEach(function (k) { data[k] = extra[k]; });
    return data;
  }

  // `hints`: metadata for this message only (the greeting's page language).
  function send(text, displayText, silent, hints) {
    var message = String(text || "").trim();
    if (!message) return;
    if (!silent) {
      disableOldReplies();
      addMessage({ sender: "customer", text: displayText || message, timestamp: now() });
    }
    var extra = {};
    Object.keys(hints || {}).forEach(function (k) { extra[k] = hints[k]; });
    if (displayText) extra.display_text = displayText;
    if (silent) extra.silent = true;
    // Until the server has confirmed a session, messages wait here: nothing typed
    // in that moment (page load, reconnection, a new sign-in) is lost.
    state.outbox.push({ message: message, extra: extra, shown: silent ? null : displayText || message, at: now() });
    flush();
  }

  function messageId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function emitMessage(item, resent) {
    var socket = state.socket;
    var data = metadata(item.extra);
    if (resent) data.resent = true;  // the server skips it if it has it already
    item.socket = socket.id;
    socket.emit("user_uttered", { message: item.message, metadata: data, message_id: item.id }, function () {
      state.unacked = state.unacked.filter(function (other) { return other !== item; });
    });
  }

  function flush() {
    if (!state.connected || !state.sessionId) return;
    state.unacked.forEach(function (item) {  // lost with an earlier socket, perhaps
      if (item.socket !== state.socket.id) emitMessage(item, true);
    });
    while (state.outbox.length) {
      var item = state.outbox.shift();
      item.id = item.id || messageId();
      state.unacked.push(item);
      emitMessage(item, false);
      if (state.handoff) continue;  // a person answers when they answer
      setTyping(true);
      clearTimeout(state.waitingTimer);
      state.waitingTimer = setTimeout(function () {
        setTyping(false);
        addNotice(t("slow_reply"));
      }, SLOW_REPLY_MS);
    }
  }

  function onBotMessage(message) {
    clearTimeout(state.waitingTimer);
    setTyping(false);
    setAgentTyping(null);  // what they were typing has arrived
    var from = (message.metadata || {}).sender;
    addMessage({
      sender: from === "agent" || from === "system" ? from : "bot",
      text: message.text || "",
      quick_replies: message.quick_replies || [],
      metadata: message.metadata || {},
      timestamp: now(),  // when it arrived
    });
    if (!el.root.classList.contains("kefu-open")) el.launcher.classList.add("kefu-unread");
    markSeen();
  }

  function loadHistory() {
    return fetch(config.api + "/api/widget/history/" + encodeURIComponent(state.sessionId), {
      credentials: "omit", headers: { "X-Kefu-Session-Secret": state.sessionSecret || "" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (history) {
        if (!history) return;
        var typing = el.typing.parentNode === el.log;  // a reply on its way
        el.log.textContent = "";
        // Replies from our team that came while the customer was away (an answer on
        // their ticket, say) are announced, not slipped in unnoticed.
        var seen = state.seenBefore;
        var announced = false;
        history.messages.forEach(function (message) {
          if (!announced && seen && message.sender === "agent" && (message.timestamp || 0) > seen) {
            announced = true;
            addNotice(t("new_since_last_visit"));
            if (!el.root.classList.contains("kefu-open")) el.launcher.classList.add("kefu-unread");
          }
          addMessage(message);
        });
        markSeen();
        state.unacked.concat(state.outbox).forEach(function (item) {  // typed, not yet handled
          if (item.shown) addMessage({ sender: "customer", text: item.shown, timestamp: item.at });
        });
        settleReplies();
        if (typing) setTyping(true);
        state.greeted = state.greeted || history.messages.length > 0;
      })
      .then(function () { state.historyLoaded = true; })
      .catch(function () { /* history is a convenience; the chat works without it */ });
  }

  function markSeen() {
    if (el.root.classList.contains("kefu-open")) localStorage.setItem(STORE.seen, String(Date.now() / 1000));
  }

  function greetOnce() {
    if (state.greeted || !state.historyLoaded || !el.root.classList.contains("kefu-open")) return;
    state.greeted = true;
    // The page's language goes with the greeting only: sent with every message, it
    // would outvote a customer who has since switched language.
    send("/greet", null, true, { lang: config.lang });
  }

  function connect() {
    if (typeof window.io !== "function") return;
    state.socket = window.io(config.server, { transports: config.transports, reconnection: true });
    state.socket.on("connect", function () {
      state.socket.emit("session_request", { session_id: state.sessionId, session_secret: state.sessionSecret });
    });
    state.socket.on("session_confirm", function (session) {
      if (!session || typeof session.session_id !== "string") return;
      if (session.session_id !== state.sessionId) {  // a new conversation: nothing to show yet
        el.log.textContent = "";
        state.greeted = false;
      }
      state.sessionId = session.session_id;
      state.sessionSecret = session.session_secret;
      localStorage.setItem(STORE.session, state.sessionId);
      localStorage.setItem(STORE.secret, state.sessionSecret);
      setConnected(true);
      loadHistory().then(function () { greetOnce(); flush(); });
    });
    state.socket.on("bot_uttered", onBotMessage);
    state.socket.on("agent_typing", onAgentTyping);
    state.socket.on("disconnect", function () { setConnected(false); setTyping(false); setAgentTyping(null); });
    state.socket.on("connect_error", function () { setConnected(false); });
  }

  function newSession() {
    localStorage.removeItem(STORE.session);
    localStorage.removeItem(STORE.secret);
    state.sessionId = null;
    state.sessionSecret = null;
    state.greeted = false;
    state.historyLoaded = false;
    trackHandoff({ handoff: { status: "none" } });
    el.log.textContent = "";
    if (state.socket && state.socket.connected) state.socket.emit("session_request", { session_id: null, session_secret: null });
  }

  // ---- building the widget -------------------------------------------------------

  function build() {
    var link = make("link", { rel: "stylesheet", href: base + "kefu-widget.css" });
    document.head.appendChild(link);

    el.root = make("div", { class: "kefu-root", lang: textsLanguage });
    el.launcher = make("button", {
      type: "button", class: "kefu-launcher", "aria-controls": "kefu-panel", "aria-expanded": "false",
      "aria-label": t("open_chat"),
    });
    el.launcher.appendChild(icon("kefu-icon-chat", CHAT_ICON));
    el.launcher.appendChild(icon("kefu-icon-close", CLOSE_ICON));

    el.panel = make("section", { id: "kefu-panel", class: "kefu-panel", role: "dialog", "aria-labelledby": "kefu-title" });
    var header = make("header", { class: "kefu-header" });
    header.appendChild(make("h2", { id: "kefu-title" }, config.title || t("title")));
    var close = make("button", { type: "button", class: "kefu-close", "aria-label": t("close_chat") }, "×");
    header.appendChild(close);
    el.status = make("div", { class: "kefu-status", role: "status" });
    el.status.hidden = true;
    el.who = make("div", { class: "kefu-who", role: "status" });
    el.who.hidden = true;
    el.log = make("div", { class: "kefu-log", role: "log", "aria-live": "polite", "aria-label": t("conversation") });
    // Not in the conversation until the bot is answering (setTyping).
    el.typing = make("div", { class: "kefu-typing", role: "status", "aria-label": t("typing") });
    var dots = make("div", { class: "kefu-typing-bubble" });
    dots.appendChild(make("span", { class: "kefu-visually-hidden" }, t("typing")));
    for (var d = 0; d < 3; d++) dots.appendChild(make("span", { class: "kefu-dot", "aria-hidden": "true" }));
    el.typing.appendChild(dots);
    // The agent's typing: the same bubble, with who is writing above it.
    el.agentTyping = make("div", { class: "kefu-typing kefu-agent-typing", role: "status", "data-testid": "agent-typing" });
    el.agentTypingName = make("div", { class: "kefu-author" });
    var agentDots = make("div", { class: "kefu-typing-bubble", "aria-hidden": "true" });
    for (var a = 0; a < 3; a++) agentDots.appendChild(make("span", { class: "kefu-dot" }));
    el.agentTyping.appendChild(el.agentTypingName);
    el.agentTyping.appendChild(agentDots);

    var form = make("form", { class: "kefu-form" });
    var label = make("label", { for: "kefu-input", class: "kefu-visually-hidden" }, t("message_label"));
    el.input = make("textarea", {
      id: "kefu-input", rows: "1", maxlength: String(MAX_CHARS), placeholder: t("placeholder"),
      autocomplete: "off",
    });
    el.send = make("button", { type: "submit", class: "kefu-send" }, t("send"));
    form.appendChild(label);
    form.appendChild(el.input);
    form.appendChild(el.send);

    el.panel.appendChild(header);
    el.panel.appendChild(el.status);
    el.panel.appendChild(el.who);
    el.panel.appendChild(el.log);
    el.panel.appendChild(form);
    el.root.appendChild(el.panel);
    el.root.appendChild(el.launcher);
    document.body.appendChild(el.root);

    el.launcher.addEventListener("click", function () { toggle(); });
    close.addEventListener("click", function () { toggle(false); });
    el.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") toggle(false);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = el.input.value;
      if (!text.trim()) return;
      el.input.value = "";
      fitInput();
      send(text);
    });
    // Enter sends, Shift+Enter starts a new line; Enter that picks a word in an
    // input method (Chinese pinyin, say) is the input method's.
    el.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
      }
    });
    el.input.addEventListener("input", fitInput);
    el.input.addEventListener("input", noteCustomerTyping);
    setConnected(false);
    el.status.textContent = t("connecting");
  }

  // The message box grows with its text up to its CSS max-height, then scrolls.
  function fitInput() {
    var box = el.input;
    box.style.height = "auto";
    var borders = box.offsetHeight - box.clientHeight;
    var max = parseFloat(window.getComputedStyle(box).maxHeight) || Infinity;
    var wanted = box.scrollHeight + borders;
    box.style.height = Math.min(wanted, max) + "px";
    box.style.overflowY = wanted > max ? "auto" : "hidden";
  }

  // Inline icons: no icon font or emoji font needed on the page. The launcher
  // shows the speech bubble while the chat is closed, the cross while it is open.
  var CHAT_ICON = "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z";
  var CLOSE_ICON = "M6.4 4.3 12 9.9l5.6-5.6 2.1 2.1-5.6 5.6 5.6 5.6-2.1 2.1-5.6-5.6-5.6 5.6-2.1-2.1 5.6-5.6-5.6-5.6z";

  function icon(name, shape) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "kefu-icon " + name);
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "28");
    svg.setAttribute("height", "28");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", shape);
    svg.appendChild(path);
    return svg;
  }

  function toggle(open) {
    var isOpen = open === undefined ? !el.root.classList.contains("kefu-open") : open;
    el.root.classList.toggle("kefu-open", isOpen);
    el.launcher.setAttribute("aria-expanded", String(isOpen));
    el.launcher.setAttribute("aria-label", t(isOpen ? "close_chat" : "open_chat"));
    el.launcher.classList.remove("kefu-unread");
    sessionStorage.setItem(STORE.open, isOpen ? "1" : "");
    if (isOpen) {
      markSeen();
      el.input.focus();
      scrollDown();
      greetOnce();
    } else {
      el.launcher.focus();
    }
  }

  function setCustomerToken(token) {
    var identity = identityOf(token);
    var previous = localStorage.getItem(STORE.identity);
    config.token = token || null;
    localStorage.setItem(STORE.identity, identity);
    // A different person means a different conversation: never show one
    // customer's chat to the next person who signs in on this browser.
    if (previous !== null && previous !== identity) newSession();
  }

  // The page may call these before the widget is built (it waits for its texts):
  // such calls wait too, in order.
  var built = false;
  var waitingCalls = [];
  function whenBuilt(action) {
    return function () {
      var args = arguments;
      if (built) return action.apply(null, args);
      waitingCalls.push(function () { action.apply(null, args); });
    };
  }

  window.KefuWidget = {
    open: whenBuilt(function () { toggle(true); }),
    close: whenBuilt(function () { toggle(false); }),
    setCustomerToken: whenBuilt(setCustomerToken),
    newConversation: whenBuilt(newSession),
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { start(1); });
  else start(1);

  function fetchTexts(lang) {
    return fetch(config.api + "/i18n/widget/" + encodeURIComponent(lang) + ".json", { credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error("texts " + response.status);
        return response.json();
      });
  }

  // The widget is built once its texts are here (the web app answers a language it
  // does not have in its default one); if the web app cannot be reached, it tries
  // again a few times: without it the chat could not load socket.io either.
  function start(tries) {
    fetchTexts(config.lang)
      .then(function (answer) {
        texts = answer.texts || {};
        textsLanguage = answer.language || config.lang;
        boot();
      }, function (error) {
        if (tries < TEXTS_TRIES) setTimeout(function () { start(tries + 1); }, TEXTS_RETRY_MS * tries);
        else if (window.console) window.console.warn("Kefu chat widget: its texts could not be loaded", error);
      });
  }

  function boot() {
    build();
    if (config.token) setCustomerToken(config.token);
    else if (localStorage.getItem(STORE.identity) === null) localStorage.setItem(STORE.identity, "anonymous");
    if (sessionStorage.getItem(STORE.open)) toggle(true);
    built = true;
    waitingCalls.splice(0).forEach(function (call) { call(); });
    loadParts();
  }

  // What the chat needs from beside this file, both from this script's own base
  // address and side by side: the message renderer and the socket.io client. The
  // connection, and with it every message (live or from the history), waits for
  // both to be settled. Without the renderer messages show as plain text; without
  // socket.io there is no chat, and the widget says so.
  function loadParts() {
    var renderer = window.KefuMarkdown ? Promise.resolve() : loadScript(base + "kefu-markdown.js").catch(function () {
      if (window.console) window.console.warn("Kefu chat widget: its message renderer could not be loaded, messages show as plain text");
    });
    loadScript(base + "vendor/socket.io.min.js")
      .then(function () { return renderer; })
      .then(connect, function () { setConnected(false); el.status.textContent = t("load_failed"); });
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var loader = make("script", { src: src });
      loader.onload = function () { resolve(); };
      loader.onerror = function () { reject(new Error("could not load " + src)); };
      document.head.appendChild(loader);
    });
  }
})();
