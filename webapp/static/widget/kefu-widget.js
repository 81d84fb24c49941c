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
 * the web app, so a page reload keeps the chat. Customer text is only ever inserted
 * as text; bot text is rendered from a tiny, escaped subset of Markdown.
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
    // "waiting" for a person, "active" with one, or null (the bot answers): while a
    // person has the chat there is no typing indicator or slow-reply warning.
    handoff: null,
    agentName: null,
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

  var INLINE = /(\*\*[^*\n]+\*\*|\[[^\]\n]+\]\(https?:\/\/[^)\s]+\)|https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)])/g;

  // `...` marks words someone else wrote (a customer's description quoted back):
  // shown exactly as written, never turned into a link or bold.
  var LITERAL = /`([^`\n]*)`/g;

  function appendInline(parent, line) {
    var last = 0;
    line.replace(LITERAL, function (match, words, offset) {
      if (offset > last) appendFormatted(parent, line.slice(last, offset));
      parent.appendChild(make("span", { class: "kefu-quoted" }, words));
      last = offset + match.length;
      return match;
    });
    if (last < line.length) appendFormatted(parent, line.slice(last));
  }

  function appendFormatted(parent, line) {
    var last = 0;
    line.replace(INLINE, function (match, _group, offset) {
      if (offset > last) parent.appendChild(document.createTextNode(line.slice(last, offset)));
      if (match.indexOf("**") === 0) {
        parent.appendChild(make("strong", {}, match.slice(2, -2)));
      } else {
        var label = match, href = match;
        var md = /^\[([^\]]+)\]\((.+)\)$/.exec(match);
        if (md) { label = md[1]; href = md[2]; }
        var link = make("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, label);
        parent.appendChild(link);
      }
      last = offset + match.length;
      return match;
    });
    if (last < line.length) parent.appendChild(document.createTextNode(line.slice(last)));
  }

  function renderRich(container, text) {
    String(text).split(/\n{2,}/).forEach(function (block) {
      var lines = block.split("\n");
      var bullets = lines.every(function (l) { return /^\s*[-*] /.test(l); });
      if (bullets) {
        var list = make("ul");
        lines.forEach(function (l) {
          var item = make("li");
          appendInline(item, l.replace(/^\s*[-*] /, ""));
          list.appendChild(item);
        });
        container.appendChild(list);
        return;
      }
      var para = make("p");
      lines.forEach(function (l, i) {
        if (i) para.appendChild(make("br"));
        appendInline(para, l);
      });
      container.appendChild(para);
    });
  }

  function scrollDown() { el.log.scrollTop = el.log.scrollHeight; }

  function disableOldReplies() {
    var buttons = el.log.querySelectorAll(".kefu-replies button");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
  }

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
    el.log.appendChild(row);
    scrollDown();
  }

  function addNotice(text) {
    var row = make("div", { class: "kefu-notice", role: "status" }, text);
    el.log.appendChild(row);
    scrollDown();
  }

  // Follows who answers from the messages' metadata (live and in the history).
  function trackHandoff(meta) {
    var handoff = meta.handoff;
    if (!handoff || !handoff.status) return;
    var withPerson = handoff.status === "waiting" || handoff.status === "active";
    state.handoff = withPerson ? handoff.status : null;
    state.agentName = handoff.status === "active" ? handoff.agent_name || meta.agent_name || null : null;
    if (!el.who) return;
    el.who.textContent = state.handoff === "active" && state.agentName
      ? t("chatting_with", { agent: state.agentName })
      : state.handoff === "waiting" ? t("waiting_for_person") : "";
    el.who.hidden = !el.who.textContent;
  }

  function setTyping(on) {
    el.typing.hidden = !on;
    if (on) scrollDown();
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
      addMessage({ sender: "customer", text: displayText || message });
    }
    var extra = {};
    Object.keys(hints || {}).forEach(function (k) { extra[k] = hints[k]; });
    if (displayText) extra.display_text = displayText;
    if (silent) extra.silent = true;
    // Until the server has confirmed a session, messages wait here: nothing typed
    // in that moment (page load, reconnection, a new sign-in) is lost.
    state.outbox.push({ message: message, extra: extra, shown: silent ? null : displayText || message });
    flush();
  }

  function flush() {
    if (!state.connected || !state.sessionId) return;
    while (state.outbox.length) {
      var item = state.outbox.shift();
      state.socket.emit("user_uttered", { message: item.message, metadata: metadata(item.extra) });
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
    var from = (message.metadata || {}).sender;
    addMessage({
      sender: from === "agent" || from === "system" ? from : "bot",
      text: message.text || "",
      quick_replies: message.quick_replies || [],
      metadata: message.metadata || {},
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
        state.outbox.forEach(function (item) {  // typed, not yet sent
          if (item.shown) addMessage({ sender: "customer", text: item.shown });
        });
        var buttons = el.log.querySelectorAll(".kefu-replies");
        if (buttons.length) {  // only the latest suggestions stay clickable
          var last = buttons[buttons.length - 1].querySelectorAll("button");
          for (var i = 0; i < last.length; i++) last[i].disabled = false;
        }
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
    state.socket = window.io(config.server, { transports: ["websocket", "polling"], reconnection: true });
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
    state.socket.on("disconnect", function () { setConnected(false); setTyping(false); });
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
    el.launcher.appendChild(chatIcon());

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
    el.typing = make("div", { class: "kefu-typing", "aria-label": t("typing") });
    el.typing.appendChild(make("span"));
    el.typing.appendChild(make("span"));
    el.typing.appendChild(make("span"));
    el.typing.hidden = true;

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
    el.panel.appendChild(el.typing);
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
      send(text);
    });
    el.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
      }
    });
    setConnected(false);
    el.status.textContent = t("connecting");
  }

  function chatIcon() {
    // An inline speech bubble: no icon font or emoji font needed on the page.
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "28");
    svg.setAttribute("height", "28");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z");
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

  var loader = make("script", { src: base + "vendor/socket.io.min.js" });
  loader.onload = function () { connect(); };
  loader.onerror = function () { setConnected(false); el.status.textContent = t("load_failed"); };
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
    document.head.appendChild(loader);
  }
})();
