/*
 * Canned replies in the reply box: typing "/" and a shortcut ("/gre") opens a
 * picker of the replies that match; ↑ ↓ choose, Enter or Tab (or a click) inserts
 * the reply with the chat's values filled in by the server
 * (GET /api/canned/{id}/render?handoff_id=), Escape closes. The "Canned replies"
 * button under the box opens the same picker with a search field of its own.
 *
 * The reply box is console-compose.js's; this file only works through the page:
 * it finds the reply form by its textarea (#reply-input), adds its button and
 * picker next to them, and listens on the document in the capture phase, so a key
 * the picker uses never reaches the box's own Enter-sends handler.
 *
 * A value the chat does not have (an anonymous visitor's name) stays in the text
 * as its placeholder ("{first_name}"): it is selected for the agent to type over,
 * and while one inserted this way is still there the reply is not sent.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var state = K.state, el = K.el;
  var make = K.make, append = K.append, clear = K.clear;
  var api = K.api, showAlert = K.showAlert, t = K.t;

  var CACHE_MS = 60000;
  var SHOWN = 8;
  var SLASH = /(^|\s)\/([a-z0-9_-]*)$/;

  var cache = { replies: null, at: 0, loading: null };
  // The picker while it is open: {input, form, mode: "slash"|"button", start, items, active, list, box}
  var picker = null;
  var gaps = [];  // placeholders inserted unfilled ("{order_id}") that must not be sent

  function replies() {
    if (cache.replies && Date.now() - cache.at < CACHE_MS) return Promise.resolve(cache.replies);
    if (!cache.loading) {
      cache.loading = api("GET", "/api/canned").then(function (found) {
        cache.replies = found;
        cache.at = Date.now();
        cache.loading = null;
        return found;
      }, function (error) {
        cache.loading = null;
        throw error;
      });
    }
    return cache.loading;
  }

  function chatLanguage() {
    return (state.open && state.open.handoff && state.open.handoff.language) || null;
  }

  // Replies in the chat's language first; by shortcut start, then by any word.
  function matching(all, query) {
    var words = String(query || "").toLowerCase().split(/\s+/).filter(Boolean);
    var language = chatLanguage();
    var found = all.filter(function (reply) {
      var haystack = (reply.shortcut + " " + reply.title + " " + reply.body).toLowerCase();
      return words.every(function (word) { return haystack.indexOf(word) >= 0; });
    });
    var inLanguage = found.filter(function (reply) { return !language || reply.language === language; });
    if (inLanguage.length) found = inLanguage;
    var first = words[0] || "";
    return found.sort(function (a, b) {
      var aStarts = a.shortcut.indexOf(first) === 0 ? 0 : 1, bStarts = b.shortcut.indexOf(first) === 0 ? 0 : 1;
      return aStarts - bStarts || (a.shortcut < b.shortcut ? -1 : a.shortcut > b.shortcut ? 1 : 0);
    }).slice(0, SHOWN);
  }

  // ---- the picker --------------------------------------------------------------------

  function open(input, mode, start) {
    close();
    var form = input.closest("form");
    // ready: the list shows the replies for what was typed; wanted: Enter or Tab came first
    picker = { input: input, form: form, mode: mode, start: start, items: [], active: 0, ready: false, wanted: false };
    picker.list = make("ul", { class: "canned-list", id: "canned-list", role: "listbox", "aria-label": t("canned_title") });
    picker.box = append(make("div", { class: "canned-picker", "data-testid": "canned-picker" }), [
      make("p", { class: "canned-hint muted" }, t("canned_hint")),
    ]);
    if (mode === "button") {
      picker.filter = make("input", {
        type: "search", class: "canned-filter", "aria-label": t("canned_filter_label"),
        placeholder: t("canned_filter_placeholder"), autocomplete: "off", "data-testid": "canned-filter",
        role: "combobox", "aria-controls": "canned-list", "aria-expanded": "true",
      });
      picker.filter.addEventListener("input", function () { show(picker.filter.value); });
      picker.box.insertBefore(picker.filter, picker.box.firstChild);
    } else {
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-controls", "canned-list");
      input.setAttribute("aria-expanded", "true");
    }
    picker.box.appendChild(picker.list);
    form.insertBefore(picker.box, input);
    if (picker.filter) picker.filter.focus();
  }

  function close() {
    if (!picker) return;
    var input = picker.input;
    if (picker.box.parentNode) picker.box.parentNode.removeChild(picker.box);
    input.removeAttribute("aria-activedescendant");
    input.setAttribute("aria-expanded", "false");
    var wasButton = picker.mode === "button";
    picker = null;
    if (wasButton) input.focus();
  }

  function show(query) {
    var current = picker;
    current.ready = false;
    replies().then(function (all) {
      if (picker !== current) return;
      current.items = matching(all, query);
      current.active = 0;
      current.ready = true;
      render();
      if (current.wanted) {
        current.wanted = false;
        if (current.items.length) choose();
        else if (current.mode === "slash") close();
      }
    }, function (error) {
      showAlert(error.message);
      close();
    });
  }

  function render() {
    clear(picker.list);
    if (!picker.items.length) {
      picker.list.appendChild(make("li", { class: "canned-none muted", role: "presentation" }, t("canned_none")));
    }
    picker.items.forEach(function (reply, index) {
      var option = append(make("li", {
        id: "canned-option-" + reply.id, role: "option", class: "canned-option",
        "aria-selected": String(index === picker.active), "data-testid": "canned-option",
        "data-shortcut": reply.shortcut,
      }), [
        make("span", { class: "canned-shortcut" }, "/" + reply.shortcut),
        make("span", { class: "canned-title" }, reply.title),
        K.languageBadge(reply.language),
        make("span", { class: "canned-body muted" }, reply.body),
      ]);
      // mousedown, not click: the box must not lose its caret first.
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        picker.active = index;
        choose();
      });
      picker.list.appendChild(option);
    });
    var chosen = picker.items[picker.active];
    var owner = picker.filter || picker.input;
    if (chosen) owner.setAttribute("aria-activedescendant", "canned-option-" + chosen.id);
    else owner.removeAttribute("aria-activedescendant");
  }

  function move(step) {
    if (!picker.items.length) return;
    picker.active = (picker.active + step + picker.items.length) % picker.items.length;
    render();
  }

  function choose() {
    var chosen = picker && picker.items[picker.active];
    var chat = state.open;
    if (!chosen || !chat) return;
    var input = picker.input, mode = picker.mode, start = picker.start;
    var end = mode === "slash" ? input.selectionStart : input.selectionEnd;
    if (mode === "button") start = input.selectionStart;
    close();
    api("GET", "/api/canned/" + chosen.id + "/render?handoff_id=" + chat.id).then(function (rendered) {
      if (state.open !== chat || !input.isConnected) return;
      insert(input, start, end, rendered);
    }, function (error) { showAlert(error.message); });
  }

  function insert(input, start, end, rendered) {
    var before = input.value.slice(0, start), after = input.value.slice(end);
    input.value = before + rendered.text + after;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.focus();
    rendered.missing.forEach(function (name) {
      if (gaps.indexOf("{" + name + "}") < 0) gaps.push("{" + name + "}");
    });
    var caret = before.length + rendered.text.length;
    input.setSelectionRange(caret, caret);
    if (rendered.missing.length) {
      selectGap(input);
      showAlert(t("canned_fill_in", { placeholders: gapsIn(input).join(", ") }), "warning");
    }
  }

  // ---- gaps: placeholders the chat had no value for -----------------------------------

  function gapsIn(input) {
    gaps = gaps.filter(function (gap) { return input.value.indexOf(gap) >= 0; });
    return gaps.slice();
  }

  function selectGap(input) {
    var left = gapsIn(input);
    if (!left.length) return false;
    var at = input.value.indexOf(left[0]);
    input.focus();
    input.setSelectionRange(at, at + left[0].length);
    return true;
  }

  // Before the box's own handlers: a reply with a gap left is not sent.
  function holdIfGaps(event, input) {
    if (!input || !gapsIn(input).length) return;
    event.preventDefault();
    event.stopPropagation();
    showAlert(t("canned_gap_left", { placeholders: gapsIn(input).join(", ") }), "warning");
    selectGap(input);
  }

  // ---- listening ------------------------------------------------------------------------

  function replyInput(node) { return node && node.id === "reply-input" ? node : null; }

  function afterTyping(input) {
    var upToCaret = input.value.slice(0, input.selectionStart);
    var slash = SLASH.exec(upToCaret);
    if (!slash) {
      if (picker && picker.mode === "slash") close();
      return;
    }
    var start = upToCaret.length - slash[2].length - 1;
    if (!picker || picker.mode !== "slash" || picker.input !== input) open(input, "slash", start);
    picker.start = start;
    show(slash[2]);
  }

  function keydown(event) {
    var input = replyInput(event.target);
    var inPicker = picker && (input === picker.input || event.target === picker.filter);
    if (inPicker && !event.isComposing) {
      if ((event.key === "Enter" || event.key === "Tab") && !picker.ready) {
        event.preventDefault();  // the list is on its way: take what it offers first
        event.stopPropagation();
        picker.wanted = true;
        return;
      }
      var keys = {
        ArrowDown: function () { move(1); },
        ArrowUp: function () { move(-1); },
        Enter: choose,
        Tab: choose,
        Escape: close,
      };
      var nothingToInsert = (event.key === "Enter" || event.key === "Tab") && !picker.items.length;
      if (nothingToInsert && picker.mode === "slash") close();  // "/word" is the agent's own text
      else if (keys[event.key]) {
        event.preventDefault();
        event.stopPropagation();
        keys[event.key]();
        return;
      }
    }
    if (input && event.key === "Enter" && !event.shiftKey && !event.isComposing) holdIfGaps(event, input);
  }

  function addButton(form) {
    if (form.querySelector(".canned-open")) return;
    replies().then(null, function () {});  // ready before the agent types "/"; errors show when used
    var input = form.querySelector("#reply-input");
    var foot = form.querySelector(".write-foot");
    if (!input || !foot) return;
    var button = make("button", {
      type: "button", class: "button canned-open", "data-testid": "canned-open", "aria-haspopup": "listbox",
    }, t("canned_button"));
    button.addEventListener("click", function () {
      if (picker && picker.mode === "button") { close(); return; }
      open(input, "button", input.selectionStart);
      show("");
    });
    foot.insertBefore(button, foot.firstChild);
  }

  function start() {
    document.addEventListener("keydown", keydown, true);
    document.addEventListener("input", function (event) {
      var input = replyInput(event.target);
      if (input && event.isTrusted) afterTyping(input);
    }, true);
    document.addEventListener("submit", function (event) {
      if (event.target.classList && event.target.classList.contains("write-reply")) {
        holdIfGaps(event, event.target.querySelector("#reply-input"));
      }
    }, true);
    document.addEventListener("mousedown", function (event) {
      var target = event.target;
      if (!picker || picker.box.contains(target) || target === picker.input) return;
      if (target.closest && target.closest(".canned-open")) return;  // the button toggles it
      close();
    }, true);
    // The reply form is made each time a chat is opened.
    new MutationObserver(function () {
      el.conversation.querySelectorAll("form.write-reply").forEach(addButton);
      if (picker && !picker.input.isConnected) picker = null;
    }).observe(el.conversation, { childList: true, subtree: true });
  }

  window.KefuConsoleI18n.ready.then(start);
})();
