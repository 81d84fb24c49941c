/*
 * What an agent does in the open chat: write a reply or an internal note, and the
 * header's actions (claim, resolve, hand back to the bot, turn into a ticket with a
 * category and subject; the Transfer button's form is console-transfer.js).
 * A half-written reply or note is kept in sessionStorage per agent and chat, so a
 * reload (or opening another chat and coming back) finds it; sending clears it.
 * The conversation builds its header and writing area from actionBar() and
 * composer(); which of the parts are shown is up to its renderChatState().
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var state = K.state, el = K.el, MAX_REPLY = K.MAX_REPLY, MAX_NOTE = K.MAX_NOTE;
  var make = K.make, append = K.append, customerName = K.customerName;
  var api = K.api, showAlert = K.showAlert, clearAlert = K.clearAlert, t = K.t;

  // What the agent is asked before closing a chat, and told after.
  var CLOSING = {
    resolve: {
      question: "confirm_resolve",
      done: function (name) { return t("done_resolve", { customer: name }); },
    },
    "hand-back": {
      question: "confirm_hand_back",
      done: function (name) { return t("done_hand_back", { customer: name }); },
    },
    convert: {
      question: null,  // the ticket form (openConvert) is the agent's confirmation
      done: function (name, result) {
        var ref = (result.ticket && result.ticket.ref) || result.handoff.ticket_ref;
        return t("done_convert", { customer: name, ticket: ref });
      },
    },
  };

  // ---- writing: replies and internal notes -------------------------------------------

  function composer(view, handoff) {
    view.mode = "reply";
    view.reply = textForm({
      kind: "reply", label: t("reply_to", { customer: customerName(handoff) }), max: MAX_REPLY, send: t("send"),
      placeholder: t("reply_placeholder"), draftKey: draftKey(handoff.id, "reply"),
    });
    view.note = textForm({
      kind: "note", label: t("note_label"), max: MAX_NOTE, send: t("add_note"),
      placeholder: t("note_placeholder"), draftKey: draftKey(handoff.id, "note"),
    });
    view.modeButtons = {
      reply: modeButton(view, "reply", t("mode_reply")),
      note: modeButton(view, "note", t("mode_note")),
    };
    view.modes = append(make("div", { class: "modes", role: "group", "aria-label": t("modes_label") }),
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

  // ---- drafts ------------------------------------------------------------------------

  function draftKey(handoffId, kind) { return "kefu-draft:" + K.me + ":" + handoffId + ":" + kind; }

  // Storage can be full or refused (private windows): a draft is a convenience.
  function keepDraft(key, text) {
    try {
      if (text) window.sessionStorage.setItem(key, text);
      else window.sessionStorage.removeItem(key);
    } catch (error) { /* nothing to keep it in */ }
  }

  function draftOf(key) {
    try { return window.sessionStorage.getItem(key) || ""; } catch (error) { return ""; }
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
      count.textContent = left < 200 ? t("characters_left", { count: left }) : "";
      keepDraft(options.draftKey, input.value);
    });
    input.value = draftOf(options.draftKey);
    parts.draftKey = options.draftKey;
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
      keepDraft(parts.draftKey, "");
      K.addEvent(event);
    }, function (error) {
      showAlert(error.message);
      if (error.status === 403 || error.status === 409 || error.status === 404) K.reloadOpenChat();
    }).then(function () {
      parts.send.disabled = false;
      parts.input.readOnly = false;
    });
  }

  // ---- what agents do with a chat -----------------------------------------------------

  // The header's actions; renderChatState shows the ones the agent can take now.
  function actionBar(view) {
    view.buttons = {
      claim: actionButton(t("claim"), "claim", "primary", claim),
      resolve: actionButton(t("resolve"), "resolve", "primary", function () { closeChat("resolve"); }),
      "hand-back": actionButton(t("hand_back"), "hand-back", "", function () { closeChat("hand-back"); }),
      convert: actionButton(t("convert"), "convert", "", function () { openConvert(view); }),
      transfer: actionButton(t("transfer"), "transfer", "", function () { K.openTransfer(view); }),
    };
    var actions = make("div", { class: "conv-actions" });
    Object.keys(view.buttons).forEach(function (key) { actions.appendChild(view.buttons[key]); });
    return actions;
  }

  function actionButton(label, testid, kind, onClick) {
    var button = make("button", { type: "button", class: "button " + kind, "data-testid": testid }, label);
    button.addEventListener("click", onClick);
    return button;
  }

  function setBusy(view, busy) {
    Object.keys(view.buttons).forEach(function (key) { view.buttons[key].disabled = busy; });
  }

  function claim() {
    var open = state.open;
    setBusy(open.view, true);
    state.localChanges += 1;
    api("POST", "/api/handoffs/" + open.id + "/claim").then(function (result) {
      if (state.open !== open) return;
      clearAlert();
      open.handoff = K.stamp(result.handoff);
      if (result.event) K.addEvent(result.event);
      K.renderChatState();
      if (!result.delivered) {
        showAlert(t("claimed_not_told"), "warning");
      }
      open.view.reply.input.focus();
    }, function (error) {
      showAlert(error.message);
      K.reloadOpenChat();
    }).then(function () {
      if (open.view) setBusy(open.view, false);
      state.localChanges += 1;
      K.scheduleQueueRefresh();
    });
  }

  // ---- Turn into ticket: the category and subject, then the chat closes --------------

  function convertField(id, labelText, control) {
    return append(make("div", { class: "field" }), [make("label", { for: id }, labelText), control]);
  }

  function openConvert(view) {
    var open = state.open;
    if (view.convertForm) return view.convertForm.querySelector("select").focus();
    var form = make("form", { class: "convert-form panel", "data-testid": "convert-form", "aria-label": t("convert_title") });
    form.appendChild(make("p", { class: "muted", role: "status" }, t("convert_loading")));
    view.convertForm = form;
    view.composer.parentNode.insertBefore(form, view.composer);
    api("GET", "/api/handoffs/" + open.id + "/ticket-draft?language=" + encodeURIComponent(window.KefuConsoleI18n.lang))
      .then(function (draft) { if (state.open === open) fillConvert(view, form, draft); },
        function (error) { showAlert(error.message); closeConvert(view); });
  }

  function fillConvert(view, form, draft) {
    var category = make("select", { id: "convert-category", "data-testid": "convert-category", required: "required" });
    draft.categories.forEach(function (choice) {
      var option = make("option", { value: choice.key }, choice.label);
      if (choice.key === draft.category) option.selected = true;
      category.appendChild(option);
    });
    var subject = make("input", {
      id: "convert-subject", type: "text", maxlength: "200", required: "required", "data-testid": "convert-subject",
    });
    subject.value = draft.subject;
    var confirm = make("button", { type: "submit", class: "button primary", "data-testid": "convert-confirm" }, t("convert_confirm"));
    var cancel = make("button", { type: "button", class: "button", "data-testid": "convert-cancel" }, t("cancel"));
    cancel.addEventListener("click", function () { closeConvert(view); });
    K.clear(form);
    append(form, [
      make("h3", {}, t("convert_title")),
      convertField("convert-category", t("convert_category"), category),
      convertField("convert-subject", t("convert_subject"), subject),
      append(make("div", { class: "write-foot" }), [cancel, confirm]),
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = subject.value.trim();
      if (!chosen) return subject.focus();
      closeChat("convert", { category: category.value, subject: chosen });
    });
    subject.focus();
  }

  function closeConvert(view) {
    if (view.convertForm && view.convertForm.parentNode) view.convertForm.parentNode.removeChild(view.convertForm);
    view.convertForm = null;
  }

  function closeChat(action, body) {
    var open = state.open;
    var name = open.handoff.customer_name || t("anonymous_in_sentence");
    if (CLOSING[action].question && !window.confirm(t(CLOSING[action].question))) return;
    setBusy(open.view, true);
    state.localChanges += 1;
    api("POST", "/api/handoffs/" + open.id + "/" + action, body).then(function (result) {
      keepDraft(draftKey(open.id, "reply"), "");
      keepDraft(draftKey(open.id, "note"), "");
      var text = CLOSING[action].done(name, result);
      if (!result.delivered) text = t("done_not_told", { done: text });
      showAlert(text, result.delivered ? "notice" : "warning");
      state.queue = state.queue.filter(function (item) { return item.id !== open.id; });
      if (state.open === open) {
        K.closeView();
        el.conversation.focus();
      } else {
        K.renderQueue();
      }
    }, function (error) {
      showAlert(error.message);
      setBusy(open.view, false);
      K.reloadOpenChat();
    }).then(function () {
      state.localChanges += 1;
      K.scheduleQueueRefresh();
    });
  }

  K.closeConvert = closeConvert;
  K.composer = composer;
  K.setMode = setMode;
  K.actionBar = actionBar;
})();
