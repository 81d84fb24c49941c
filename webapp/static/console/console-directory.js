/*
 * The Tickets view next to the chats: a list on the left, the chosen ticket on the
 * right (the Customers view, built the same way, is console-customers.js).
 *
 * The ticket list is what is due first first (the server sorts it), each row with
 * the customer's name, category, urgency, assignee and the next due time against
 * the service levels (relative, and in the company's time zone), breaches marked;
 * filters and an "N breached" count above it. A ticket shows the conversation it
 * came from in order, the details the bot collected, a link to the customer's
 * record, and its comments with public replies and internal notes told apart in
 * words and looks. Opening a ticket or a customer gives the page its own address
 * (K.visit, console-main.js), so a reload or a pasted link opens it again.
 *
 * A customer's reply on one of the agent's tickets arrives through the event
 * stream (K.ticketEvent); the agent's own tickets about to miss a target are
 * checked once a minute. Both are announced with K.notifyAgent (console-alerts.js).
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var MAX_NOTE = K.MAX_NOTE;
  var make = K.make, append = K.append, clear = K.clear, capitalize = K.capitalize, humanize = K.humanize;
  var badge = K.badge, dayDate = K.dayDate, dateTime = K.dateTime, statusBadge = K.statusBadge;
  var api = K.api, showAlert = K.showAlert, reportError = K.reportError, t = K.t, label = K.label;

  var TICKET_STATUSES = ["open", "pending", "solved", "closed"];
  var AT_RISK_CHECK_MS = 60000;

  function listButton(children, onClick, attrs) {
    var button = append(make("button", Object.assign({ type: "button", class: "list-item" }, attrs || {})), children);
    button.addEventListener("click", onClick);
    return append(make("li"), [button]);
  }

  function notFound(node, text) {
    clear(node);
    node.appendChild(make("p", { class: "placeholder not-found", role: "status", "data-testid": "not-found" }, text));
  }

  // ---- due times -----------------------------------------------------------------------

  // "in 2 hours", "5 minutes ago": in the console's language.
  function relative(value) {
    var minutes = Math.round((new Date(value).getTime() - Date.now()) / 60000);
    var format;
    try { format = new Intl.RelativeTimeFormat(K.locale(), { numeric: "auto" }); } catch (error) { return dateTime(value); }
    if (Math.abs(minutes) < 60) return format.format(minutes, "minute");
    if (Math.abs(minutes) < 48 * 60) return format.format(Math.round(minutes / 60), "hour");
    return format.format(Math.round(minutes / 1440), "day");
  }

  var CLOCKS = [["first_response", "sla_first_response"], ["resolution", "sla_resolution"]];

  // The clock still running that is due first: [its name's key, the clock].
  function runningClock(sla) {
    if (!sla) return null;
    var running = CLOCKS.filter(function (pair) { var c = sla[pair[0]]; return c.due && !c.done_at; });
    running.sort(function (a, b) { return new Date(sla[a[0]].due) - new Date(sla[b[0]].due); });
    return running.length ? [running[0][1], sla[running[0][0]]] : null;
  }

  function dueText(ticket) {
    var sla = ticket.sla;
    var next = runningClock(sla);
    if (next) return t("sla_due", { clock: t(next[0]), relative: relative(next[1].due), moment: dateTime(next[1].due) });
    if (sla && sla.resolution.done_at && sla.resolution.state) {
      return t("sla_done", {
        clock: t("sla_resolution"), state: t("sla_state_" + sla.resolution.state), moment: dateTime(sla.resolution.done_at),
      });
    }
    return t("sla_no_target");
  }

  function slaBadge(ticket) {
    if (!ticket.sla) return null;
    if (ticket.sla.breached) return badge(t("sla_badge_breached"), "sla sla-breached");
    if (ticket.sla.at_risk) return badge(t("sla_badge_at_risk"), "sla sla-at-risk");
    return null;
  }

  // ---- the tickets list ------------------------------------------------------------------

  var tickets = {
    list: document.getElementById("ticket-list"),
    detail: document.getElementById("ticket-detail"),
    filters: document.getElementById("ticket-filters"),
    status: document.getElementById("ticket-status"),
    assignee: document.getElementById("ticket-assignee"),
    category: document.getElementById("ticket-category"),
    urgency: document.getElementById("ticket-urgency"),
    breached: document.getElementById("ticket-breached"),
    count: document.querySelector("[data-testid='breach-count']"),
    open: null,  // the ticket on the right, as the API gave it
  };

  function categoryLabel(key) {
    var option = Array.prototype.filter.call(tickets.category.options, function (o) { return o.value === key; })[0];
    return option ? option.textContent : humanize(key);
  }

  function filterQuery() {
    var params = [];
    [["status", tickets.status], ["assignee", tickets.assignee], ["category", tickets.category], ["urgency", tickets.urgency]]
      .forEach(function (pair) { if (pair[1].value) params.push(pair[0] + "=" + encodeURIComponent(pair[1].value)); });
    if (tickets.breached.checked) params.push("breached=true");
    params.push("limit=200");
    return "?" + params.join("&");
  }

  function loadTickets() {
    api("GET", "/api/tickets" + filterQuery()).then(renderList, reportError);
    loadSummary();
  }

  function loadSummary() {
    api("GET", "/api/tickets/summary").then(function (summary) {
      tickets.count.textContent = summary.breached ? t("tickets_breached_count", { count: summary.breached }) : t("tickets_none_breached");
      tickets.count.classList.toggle("has-breaches", summary.breached > 0);
    }, function () { tickets.count.textContent = ""; });
  }

  function renderList(found) {
    clear(tickets.list);
    if (!found.length) tickets.list.appendChild(make("li", { class: "muted" }, t("no_tickets_match")));
    found.forEach(function (ticket) {
      var breached = ticket.sla && ticket.sla.breached;
      tickets.list.appendChild(listButton([
        append(make("span", { class: "line" }), [make("strong", {}, ticket.ref), statusBadge(ticket.status), slaBadge(ticket)]),
        make("span", { class: "ticket-customer", "data-testid": "ticket-customer" }, ticket.customer_name || t("no_customer")),
        make("span", {}, ticket.subject),
        make("span", { class: "muted" }, [
          categoryLabel(ticket.category), t("ticket_urgency", { urgency: label("urgency_", ticket.urgency) }),
          ticket.assignee_name || t("ticket_unassigned"),
        ].join(" · ")),
        make("span", { class: "ticket-due" + (breached ? " overdue" : ""), "data-testid": "ticket-due" }, dueText(ticket)),
      ], function () { showTicket(ticket.ref); }, {
        class: "list-item ticket-item" + (breached ? " breached" : ""), "data-testid": "ticket-item", "data-ref": ticket.ref,
        "aria-current": String(Boolean(tickets.open && tickets.open.ref === ticket.ref)),
      }));
    });
  }

  // ---- one ticket ------------------------------------------------------------------------

  function showTicket(ref) {
    K.switchView("tickets");
    K.visit("/console/tickets/" + encodeURIComponent(ref));
    api("GET", "/api/tickets/" + encodeURIComponent(ref)).then(renderTicket, function (error) {
      tickets.open = null;
      if (error.status === 404) notFound(tickets.detail, t("not_found_ticket", { ref: ref }));
      else reportError(error);
    });
  }

  function renderTicket(ticket) {
    tickets.open = ticket;
    clear(tickets.detail);
    append(tickets.detail, [
      append(make("header", { class: "conv-header" }), [
        append(make("div", { class: "conv-title" }), [
          make("h2", { "data-testid": "ticket-title" }, ticket.ref + " · " + ticket.subject), slaBadge(ticket),
        ]),
        make("p", { class: "conv-meta" }, ticketFacts(ticket)),
        make("p", { class: "conv-meta ticket-sla", "data-testid": "ticket-sla" }, slaLines(ticket)),
        append(make("div", { class: "ticket-actions" }), [statusForm(ticket), assigneeForm(ticket)]),
      ]),
      customerLink(ticket),
      make("div", { class: "ticket-description" }, ticket.description),
      conversationPanel(ticket),
      detailsPanel(ticket.details),
      append(make("section", { class: "panel", "data-testid": "ticket-comments" }), [
        make("h3", {}, t("ticket_comments_title")),
        ticket.comments.length
          ? append(make("div", { class: "log", role: "log", "aria-label": t("comments_label") }), ticket.comments.map(commentNode))
          : make("p", { class: "placeholder" }, t("no_comments")),
      ]),
      commentForm(ticket),
    ]);
    Array.prototype.forEach.call(tickets.list.querySelectorAll(".ticket-item"), function (item) {
      item.setAttribute("aria-current", String(item.dataset.ref === ticket.ref));
    });
    tickets.detail.focus();
  }

  function ticketFacts(ticket) {
    return [
      categoryLabel(ticket.category), t("ticket_urgency", { urgency: label("urgency_", ticket.urgency) }),
      ticket.customer_name || t("ticket_no_customer"), ticket.order_id, t("ticket_opened", { date: dayDate(ticket.created_at) }),
      ticket.assignee_name ? t("ticket_assignee_label", { agent: ticket.assignee_name }) : t("ticket_unassigned"),
    ].filter(Boolean).join(" · ");
  }

  function slaLines(ticket) {
    if (!ticket.sla) return t("sla_no_target");
    return CLOCKS.map(function (pair) {
      var clock = ticket.sla[pair[0]];
      if (!clock.due) return t(pair[1]) + ": " + t("sla_no_target");
      if (clock.done_at) return t("sla_done", { clock: t(pair[1]), state: t("sla_state_" + clock.state), moment: dateTime(clock.done_at) });
      return t("sla_due", { clock: t(pair[1]), relative: relative(clock.due), moment: dateTime(clock.due) }) +
        " · " + t("sla_state_" + clock.state);
    }).join(" · ");
  }

  function customerLink(ticket) {
    if (!ticket.customer_id) return null;
    var link = make("a", { href: ticket.customer_url || "/console/customers/" + encodeURIComponent(ticket.customer_id),
      class: "ticket-customer-link", "data-testid": "ticket-customer-link" },
    t("ticket_customer_record", { customer: ticket.customer_name || ticket.customer_id }));
    link.addEventListener("click", function (event) {
      event.preventDefault();
      K.showCustomer(ticket.customer_id);
    });
    return append(make("p", { class: "ticket-links" }), [link]);
  }

  // The chat the ticket came from, in order: the assistant's turns as the assistant,
  // the customer's with their name, an agent's with the agent's.
  function conversationPanel(ticket) {
    var title = make("h3", {}, t("ticket_conversation"));
    if (!ticket.conversation.length) {
      return append(make("section", { class: "panel", "data-testid": "ticket-conversation" }), [
        title, make("p", { class: "muted" }, t("ticket_no_conversation")),
      ]);
    }
    var log = make("div", { class: "log", role: "log", "aria-label": t("ticket_conversation") });
    ticket.conversation.forEach(function (turn) {
      var kind = turn.role === "customer" ? "customer" : turn.role === "agent" ? "agent" : "bot";
      var author = kind === "customer" ? (ticket.customer_name || t("author_customer"))
        : kind === "agent" ? (turn.author_name || t("agent")) : t("assistant");
      log.appendChild(K.message(kind, author, turn.at ? new Date(turn.at) : null, turn.text));
    });
    return append(make("section", { class: "panel", "data-testid": "ticket-conversation" }), [title, log]);
  }

  function detailsPanel(details) {
    var keys = Object.keys(details || {});
    if (!keys.length) return null;
    var list = make("dl", { class: "facts" });
    keys.forEach(function (key) {
      var value = details[key];
      list.appendChild(make("dt", {}, humanize(key)));
      list.appendChild(make("dd", {}, value !== null && typeof value === "object" ? JSON.stringify(value) : String(value)));
    });
    return append(make("section", { class: "panel", "data-testid": "ticket-details" }), [make("h3", {}, t("ticket_details")), list]);
  }

  // A public reply and an internal note differ in looks (K.message's kinds) and in words.
  function commentNode(comment) {
    var kind = comment.internal ? "note" : comment.author_type === "customer" ? "customer" : "agent";
    var name = comment.author_name || label("author_", comment.author_type, capitalize);
    var author = comment.internal ? t("internal_comment", { author: name }) : name;
    var node = K.message(kind, author, new Date(comment.created_at), comment.body);
    node.setAttribute("data-comment", comment.internal ? "internal" : "public");
    if (comment.author_type !== "customer") {
      var words = comment.internal ? t("comment_internal_badge") : t("comment_public_badge");
      node.querySelector(".msg-meta").appendChild(badge(words, comment.internal ? "internal" : "public"));
    }
    return K.emailMark(node, comment, "comment");  // by email, or emailed (console-email.js)
  }

  function changeTicket(ticket, body, said) {
    return api("PATCH", "/api/tickets/" + encodeURIComponent(ticket.ref), body).then(function (updated) {
      showAlert(said(updated), "notice");
      return api("GET", "/api/tickets/" + encodeURIComponent(ticket.ref));
    }).then(function (detail) { renderTicket(detail); loadTickets(); }, reportError);
  }

  function statusForm(ticket) {
    var select = make("select", { id: "ticket-new-status" });
    TICKET_STATUSES.forEach(function (status) {
      var option = make("option", { value: status }, label("ticket_status_", status, capitalize));
      option.selected = status === ticket.status;
      select.appendChild(option);
    });
    var form = append(make("form", { class: "inline-form" }), [
      make("label", { for: "ticket-new-status" }, t("status")),
      select,
      make("button", { type: "submit", class: "button" }, t("update")),
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      changeTicket(ticket, { status: select.value }, function (updated) {
        return t("ticket_updated", { ticket: updated.ref, status: label("status_", updated.status) });
      });
    });
    return form;
  }

  // "Assign to me" and a select of every agent: any agent may take a ticket or give it.
  function assigneeForm(ticket) {
    var select = make("select", { id: "ticket-assignee-select", "data-testid": "ticket-assignee-select" });
    select.appendChild(make("option", { value: "" }, t("ticket_unassigned")));
    var mine = make("button", { type: "button", class: "button", "data-testid": "assign-to-me" }, t("assign_to_me"));
    mine.hidden = ticket.assignee_id === K.me;
    var form = append(make("form", { class: "inline-form" }), [
      make("label", { for: "ticket-assignee-select" }, t("ticket_assignee")), select,
      make("button", { type: "submit", class: "button" }, t("assign")), mine,
    ]);
    api("GET", "/api/agents").then(function (agents) {
      agents.forEach(function (agent) {
        var option = make("option", { value: String(agent.id) }, agent.name);
        option.selected = agent.id === ticket.assignee_id;
        select.appendChild(option);
      });
    }, function () {});
    function assign(agentId) {
      changeTicket(ticket, { assignee_id: agentId }, function (updated) {
        return updated.assignee_name ? t("ticket_assigned", { ticket: updated.ref, agent: updated.assignee_name })
          : t("ticket_released", { ticket: updated.ref });
      });
    }
    mine.addEventListener("click", function () { assign(K.me); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      assign(select.value ? Number(select.value) : null);
    });
    return form;
  }

  function commentForm(ticket) {
    var input = make("textarea", { id: "ticket-comment", rows: "3", maxlength: String(MAX_NOTE) });
    var internal = make("input", { id: "ticket-comment-internal", type: "checkbox" });
    var send = make("button", { type: "submit", class: "button primary" }, t("add_comment"));
    var form = append(make("form", { class: "write" }), [
      make("label", { for: "ticket-comment" }, t("comment")), input,
      append(make("div", { class: "write-foot" }), [
        append(make("label", { class: "check", for: "ticket-comment-internal" }), [
          internal, document.createTextNode(" " + t("comment_internal")),
        ]),
        send,
      ]),
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.value.trim()) return;
      send.disabled = true;
      var body = { text: input.value.trim(), internal: internal.checked };
      api("POST", "/api/tickets/" + encodeURIComponent(ticket.ref) + "/comments", body).then(function () {
        return api("GET", "/api/tickets/" + encodeURIComponent(ticket.ref));
      }).then(renderTicket, function (error) {
        showAlert(error.message);
        send.disabled = false;
      });
    });
    return form;
  }

  // ---- telling the agent -------------------------------------------------------------------

  function notify(alert) {
    if (K.notifyAgent) K.notifyAgent(alert);
    else showAlert(alert.title + (alert.body ? " — " + alert.body : ""), "notice");
  }

  // From the event stream: a customer replied on one of this agent's tickets.
  function ticketEvent(event) {
    if (event.kind !== "customer_replied") return;
    notify({
      kind: "ticket_reply", key: "ticket_reply:" + event.ticket_event_id,
      title: t("ticket_reply_title", { ticket: event.ticket_ref }), body: event.body,
      url: "/console/tickets/" + encodeURIComponent(event.ticket_ref),
    });
    if (!document.getElementById("view-tickets").hidden) loadTickets();
    if (tickets.open && tickets.open.ref === event.ticket_ref) {
      api("GET", "/api/tickets/" + encodeURIComponent(event.ticket_ref)).then(renderTicket, function () {});
    }
  }

  // The agent's own open tickets about to miss a target: each announced once.
  function checkAtRisk() {
    api("GET", "/api/tickets?assignee=me&status=open,pending&limit=200").then(function (mine) {
      mine.forEach(function (ticket) {
        var next = runningClock(ticket.sla);
        if (!next || next[1].state !== "at_risk") return;
        notify({
          kind: "sla_at_risk", key: "sla_at_risk:" + ticket.ref + ":" + next[0],
          title: t("ticket_at_risk_title", { ticket: ticket.ref }),
          body: t("ticket_at_risk_body", { clock: t(next[0]), relative: relative(next[1].due) }),
          url: "/console/tickets/" + encodeURIComponent(ticket.ref),
        });
      });
    }, function () {});
  }

  function startTickets() {
    tickets.filters.addEventListener("change", loadTickets);
    tickets.filters.addEventListener("submit", function (event) { event.preventDefault(); });
    checkAtRisk();
    setInterval(function () {
      checkAtRisk();
      if (!document.getElementById("view-tickets").hidden) loadTickets();
    }, AT_RISK_CHECK_MS);
  }

  K.loadTickets = loadTickets;
  K.showTicket = showTicket;
  K.ticketEvent = ticketEvent;
  K.startTickets = startTickets;
  K.notFound = notFound;
  K.listButton = listButton;
})();
