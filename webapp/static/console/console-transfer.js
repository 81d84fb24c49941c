/*
 * Passing a chat on: the agent holding the open chat gives it to a colleague (who
 * holds it at once) or to a team (it waits in the queue for one of that team's
 * online agents), with a note only agents read. The header's Transfer button opens
 * a small form under the header; its choices are the other agents
 * (GET /api/agents) and the teams (GET /api/teams). POST /api/handoffs/{id}/transfer
 * does it; the chat then shows in the queue with its new holder or team.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var state = K.state, me = K.me, MAX_NOTE = K.MAX_NOTE;
  var make = K.make, append = K.append;
  var api = K.api, showAlert = K.showAlert, clearAlert = K.clearAlert, t = K.t;

  var AGENT = "agent:", TEAM = "team:";

  function field(label, control) {
    return append(make("div", { class: "transfer-field" }), [make("label", { for: control.id }, label), control]);
  }

  function openTransfer(view) {
    if (view.transfer) {
      view.transfer.select.focus();
      return;
    }
    var parts = view.transfer = {};
    parts.select = make("select", { id: "transfer-to", "data-testid": "transfer-to" });
    parts.select.appendChild(make("option", { value: "" }, t("transfer_choose")));
    parts.emailField = field(t("transfer_email"), parts.email = make("input", {
      id: "transfer-email", type: "email", maxlength: "320", autocomplete: "off", "data-testid": "transfer-email",
    }));
    parts.emailField.hidden = true;
    parts.note = make("textarea", {
      id: "transfer-note", rows: "2", maxlength: String(MAX_NOTE), "data-testid": "transfer-note",
      placeholder: t("transfer_note_placeholder"),
    });
    parts.send = make("button", { type: "submit", class: "button primary", "data-testid": "transfer-confirm" }, t("transfer_confirm"));
    var cancel = make("button", { type: "button", class: "button", "data-testid": "transfer-cancel" }, t("cancel"));
    parts.form = append(make("form", { class: "transfer-form", "data-testid": "transfer-form", "aria-labelledby": "transfer-title" }), [
      make("h3", { id: "transfer-title" }, t("transfer_title")),
      append(make("div", { class: "transfer-fields" }), [field(t("transfer_to"), parts.select), parts.emailField]),
      field(t("transfer_note"), parts.note),
      append(make("div", { class: "transfer-foot" }), [cancel, parts.send]),
    ]);
    cancel.addEventListener("click", function () { closeTransfer(view); });
    parts.form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit(view, parts);
    });
    parts.form.addEventListener("keydown", function (event) {
      if (event.key === "Escape") closeTransfer(view);
    });
    var header = view.status.closest(".conv-header");
    header.parentNode.insertBefore(parts.form, header.nextSibling);
    parts.select.focus();
    loadChoices(parts);
  }

  function closeTransfer(view) {
    if (!view.transfer) return;
    var form = view.transfer.form;
    if (form.parentNode) form.parentNode.removeChild(form);
    view.transfer = null;
  }

  // The other agents (who can take chats now first, as the Team panel shows them)
  // and the teams. An answer that names no agent's email leaves agents to be named
  // by email in a field of their own.
  function loadChoices(parts) {
    var agents = api("GET", "/api/agents").then(null, function (error) { showAlert(error.message); return []; });
    var teams = api("GET", "/api/teams").then(null, function (error) { showAlert(error.message); return []; });
    Promise.all([agents, teams]).then(function (answers) {
      var others = answers[0].filter(function (agent) { return agent.id !== me; });
      var reachable = others.filter(function (agent) { return agent.email; });
      if (reachable.length) {
        parts.select.appendChild(append(make("optgroup", { label: t("transfer_agents") }), reachable.map(function (agent) {
          var option = make("option", { value: AGENT + agent.email }, t("transfer_agent_option", {
            agent: agent.name, status: K.presenceText(agent.status), load: K.agentLoadText(agent),
          }));
          option.dataset.name = agent.name;
          return option;
        })));
      }
      parts.emailField.hidden = reachable.length > 0;
      if (answers[1].length) {
        parts.select.appendChild(append(make("optgroup", { label: t("transfer_teams") }), answers[1].map(function (team) {
          var option = make("option", { value: TEAM + team.key }, team.name);
          option.dataset.name = team.name;
          return option;
        })));
      }
    });
  }

  function submit(view, parts) {
    var open = state.open;
    if (!open || open.view !== view || parts.send.disabled) return;
    var choice = parts.select.value;
    var email = parts.emailField.hidden ? "" : parts.email.value.trim();
    var body = { note: parts.note.value.trim() };
    if (choice.indexOf(AGENT) === 0) body.agent_email = choice.slice(AGENT.length);
    else if (choice.indexOf(TEAM) === 0) body.team = choice.slice(TEAM.length);
    else if (email) body.agent_email = email;
    else {
      showAlert(t("transfer_pick_someone"), "warning");
      parts.select.focus();
      return;
    }
    var name = open.handoff.customer_name || t("anonymous_in_sentence");
    parts.send.disabled = true;
    state.localChanges += 1;
    api("POST", "/api/handoffs/" + open.id + "/transfer", body).then(function (result) {
      var handoff = K.stamp(result.handoff);
      var to = handoff.status === "active" ? handoff.agent_name : handoff.team_name;
      var text = t("done_transfer", { customer: name, to: to || body.agent_email || body.team });
      if (!result.delivered) text = t("done_not_told", { done: text });
      clearAlert();
      showAlert(text, result.delivered ? "notice" : "warning");
      state.queue = state.queue.map(function (item) { return item.id === handoff.id ? handoff : item; });
      if (state.open === open) {
        open.handoff = handoff;
        if (result.event) K.addEvent(result.event);
        closeTransfer(view);
        K.renderChatState();
      }
      K.renderQueue();
    }, function (error) {
      parts.send.disabled = false;
      showAlert(error.message);
      if (error.status === 403 || error.status === 404 || error.status === 409) K.reloadOpenChat();
    }).then(function () {
      state.localChanges += 1;
      K.scheduleQueueRefresh();
    });
  }

  K.openTransfer = openTransfer;
  K.closeTransfer = closeTransfer;
})();
