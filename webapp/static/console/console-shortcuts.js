/*
 * Keyboard shortcuts for the common moves in the Chats view:
 *
 *   j / Alt+↓   next chat in the queue         k / Alt+↑   previous chat
 *   c           claim the open chat            r           write a reply
 *   n           write an internal note         Alt+R       resolve (asks first)
 *   Ctrl+Enter  send (⌘+Enter on a Mac)        Esc         leave the writing box
 *   ?           the list of shortcuts
 *
 * None fires while the agent writes in a box or picks from a list, except
 * Ctrl+Enter and Esc, nor with other modifier keys held (the browser's own
 * shortcuts stay the browser's), nor while an input method composes. They press
 * the console's own buttons, so each move behaves as the click does (claiming
 * focuses the reply box, resolving asks first); the buttons are the other console
 * files', found in the page.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var state = K.state;
  var make = K.make, append = K.append, t = K.t;

  var SHORTCUTS = [
    { keys: ["J", "Alt+↓"], text: "shortcut_next" },
    { keys: ["K", "Alt+↑"], text: "shortcut_previous" },
    { keys: ["C"], text: "shortcut_claim" },
    { keys: ["R"], text: "shortcut_reply" },
    { keys: ["N"], text: "shortcut_note" },
    { keys: ["Ctrl+Enter", "⌘+Enter"], text: "shortcut_send" },
    { keys: ["Alt+R"], text: "shortcut_resolve" },
    { keys: ["Esc"], text: "shortcut_leave_box" },
    { keys: ["?"], text: "shortcut_help" },
  ];

  var help = null;

  function isWritingIn(target) {
    return Boolean(target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)));
  }

  function usable(node) { return Boolean(node && !node.disabled && node.getClientRects().length); }

  function pressButton(testid) {
    var button = document.querySelector("#conversation [data-testid='" + testid + "']");
    if (!usable(button)) return false;
    button.click();
    return true;
  }

  function chatsShown() { return !document.getElementById("view-chats").hidden; }

  function moveInQueue(step) {
    var items = Array.prototype.slice.call(document.querySelectorAll(".queue-list [data-testid='queue-item']"));
    if (!items.length) return false;
    var current = -1;
    items.forEach(function (item, index) {
      if (state.open && Number(item.dataset.handoffId) === state.open.id) current = index;
    });
    var next = current === -1 ? (step > 0 ? 0 : items.length - 1)
      : Math.min(items.length - 1, Math.max(0, current + step));
    items[next].click();
    items[next].focus();
    return true;
  }

  // The reply or the note box of the open chat, as the mode buttons switch them.
  function write(mode) {
    var view = state.open && state.open.view;
    if (!view || view.composer.hidden) return false;
    if (mode === "reply" && view.modes.hidden) return false;  // only the holder replies
    if (!view.modes.hidden) K.setMode(view, mode);
    view[mode].input.focus();
    return true;
  }

  function send() {
    var view = state.open && state.open.view;
    if (!view || view.composer.hidden) return false;
    return pressButton(view.note.form.hidden ? "reply-send" : "note-send");
  }

  // ---- the list of shortcuts -----------------------------------------------------

  function buildHelp() {
    help = make("dialog", { class: "shortcuts-help", "aria-labelledby": "shortcuts-title", "data-testid": "shortcuts-help" });
    var list = make("dl", { class: "shortcuts-list" });
    SHORTCUTS.forEach(function (shortcut) {
      var keys = make("dt");
      shortcut.keys.forEach(function (key) { keys.appendChild(make("kbd", {}, key)); });
      append(list, [keys, make("dd", {}, t(shortcut.text))]);
    });
    var close = make("button", { type: "button", class: "button" }, t("shortcuts_close"));
    close.addEventListener("click", function () { help.close(); });
    append(help, [
      make("h2", { id: "shortcuts-title" }, t("shortcuts_title")),
      list,
      make("p", { class: "muted" }, t("shortcuts_hint")),
      close,
    ]);
    document.body.appendChild(help);
  }

  function toggleHelp() {
    if (!help) buildHelp();
    if (help.open) help.close();
    else help.showModal();
  }

  // ---- the keys ------------------------------------------------------------------

  function shortcutFor(event) {
    var key = event.key;
    var other = event.ctrlKey || event.metaKey;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && key === "Enter") return send;
    if (isWritingIn(event.target)) {
      return key === "Escape" && !other && event.target.closest("#conversation") ? function () { event.target.blur(); return true; } : null;
    }
    if (other) return null;
    if (key === "?") return function () { toggleHelp(); return true; };
    if (help && help.open) return null;
    if (!chatsShown()) return null;
    if (event.altKey) {
      if (key === "ArrowDown") return function () { return moveInQueue(1); };
      if (key === "ArrowUp") return function () { return moveInQueue(-1); };
      // By the key's place: Alt+R types "®" on a Mac.
      if (event.code === "KeyR" && !event.repeat) return function () { return pressButton("resolve"); };
      return null;
    }
    if (event.shiftKey) return null;
    if (key === "j") return function () { return moveInQueue(1); };
    if (key === "k") return function () { return moveInQueue(-1); };
    if (key === "c" && !event.repeat) return function () { return pressButton("claim"); };
    if (key === "r") return function () { return write("reply"); };
    if (key === "n") return function () { return write("note"); };
    return null;
  }

  function onKeydown(event) {
    // A key something on the page already acted on (the composer's Enter, the
    // canned replies' Escape) is theirs.
    if (event.defaultPrevented || event.isComposing || event.keyCode === 229) return;
    var shortcut = shortcutFor(event);
    if (shortcut && shortcut()) event.preventDefault();
  }

  function start() {
    var place = document.querySelector("[data-header-tools]");
    var button = make("button", { type: "button", class: "button shortcuts-button", "data-testid": "shortcuts-button", "aria-keyshortcuts": "?" }, t("shortcuts_button"));
    button.addEventListener("click", toggleHelp);
    if (place) place.appendChild(button);
    document.addEventListener("keydown", onKeydown);
  }

  window.KefuConsoleI18n.ready.then(start);
})();
