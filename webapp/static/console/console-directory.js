/*
 * The Tickets and Customers views next to the chats: a list on the left, the
 * chosen ticket (status, comments) or customer record on the right. A ticket can
 * also be opened from a customer record's earlier tickets (showTicket).
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var MAX_NOTE = K.MAX_NOTE;
  var make = K.make, append = K.append, clear = K.clear, capitalize = K.capitalize, humanize = K.humanize;
  var dayDate = K.dayDate, tierBadge = K.tierBadge, statusBadge = K.statusBadge;
  var api = K.api, showAlert = K.showAlert, reportError = K.reportError, t = K.t, label = K.label;

  var TICKET_STATUSES = ["open", "pending", "solved", "closed"];

  function listButton(children, onClick) {
    var button = append(make("button", { type: "button", class: "list-item" }), children);
    button.addEventListener("click", onClick);
    return append(make("li"), [button]);
  }

  // ---- tickets view --------------------------------------------------------------------

  var tickets = {
    list: document.getElementById("ticket-list"),
    detail: document.getElementById("ticket-detail"),
    status: document.getElementById("ticket-status"),
  };

  function loadTickets() {
    var status = tickets.status.value;
    api("GET", "/api/tickets" + (status ? "?status=" + encodeURIComponent(status) : "")).then(function (found) {
      clear(tickets.list);
      if (!found.length) tickets.list.appendChild(make("li", { class: "muted" }, t("no_tickets")));
      found.forEach(function (ticket) {
        tickets.list.appendChild(listButton([
          append(make("span", { class: "line" }), [make("strong", {}, ticket.ref), statusBadge(ticket.status)]),
          make("span", {}, ticket.subject),
          make("span", { class: "muted" }, (ticket.customer_id || t("no_customer")) + " · " + dayDate(ticket.created_at)),
        ], function () { showTicket(ticket.ref); }));
      });
    }, reportError);
  }

  function showTicket(ref) {
    K.switchView("tickets");
    api("GET", "/api/tickets/" + encodeURIComponent(ref)).then(renderTicket, reportError);
  }

  function renderTicket(ticket) {
    clear(tickets.detail);
    append(tickets.detail, [
      append(make("header", { class: "conv-header" }), [
        append(make("div", { class: "conv-title" }), [make("h2", {}, ticket.ref + " · " + ticket.subject)]),
        make("p", { class: "conv-meta" }, ticketFacts(ticket)),
        statusForm(ticket),
      ]),
      make("div", { class: "ticket-description" }, ticket.description),
      ticket.comments.length
        ? append(make("div", { class: "log", role: "log", "aria-label": t("comments_label") }), ticket.comments.map(commentNode))
        : make("p", { class: "placeholder" }, t("no_comments")),
      commentForm(ticket),
    ]);
    tickets.detail.focus();
  }

  function ticketFacts(ticket) {
    return [
      humanize(ticket.category), t("ticket_urgency", { urgency: label("urgency_", ticket.urgency) }),
      ticket.customer_id || t("ticket_no_customer"), ticket.order_id, t("ticket_opened", { date: dayDate(ticket.created_at) }),
    ].filter(Boolean).join(" · ");
  }

  function commentNode(comment) {
    var kind = comment.internal ? "note" : comment.author_type === "customer" ? "customer" : "agent";
    var name = comment.author_name || label("author_", comment.author_type, capitalize);
    var author = comment.internal ? t("internal_comment", { author: name }) : name;
    return K.message(kind, author, new Date(comment.created_at), comment.body);
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
      api("PATCH", "/api/tickets/" + encodeURIComponent(ticket.ref), { status: select.value }).then(function (updated) {
        showAlert(t("ticket_updated", { ticket: updated.ref, status: label("status_", updated.status) }), "notice");
        renderTicket(updated);
        loadTickets();
      }, reportError);
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
      api("POST", "/api/tickets/" + encodeURIComponent(ticket.ref) + "/comments", body).then(renderTicket, function (error) {
        showAlert(error.message);
        send.disabled = false;
      });
    });
    return form;
  }

  // ---- customers view ------------------------------------------------------------------

  var customers = {
    list: document.getElementById("customer-list"),
    detail: document.getElementById("customer-detail"),
    query: document.getElementById("customer-query"),
  };

  function searchCustomers() {
    api("GET", "/api/customers?q=" + encodeURIComponent(customers.query.value.trim())).then(function (found) {
      clear(customers.list);
      if (!found.length) customers.list.appendChild(make("li", { class: "muted" }, t("no_customer_matches")));
      found.forEach(function (customer) {
        customers.list.appendChild(listButton([
          append(make("span", { class: "line" }), [make("strong", {}, customer.name), tierBadge(customer.tier)]),
          make("span", { class: "muted" }, customer.id + " · " + customer.email),
        ], function () { showCustomer(customer.id); }));
      });
    }, reportError);
  }

  function showCustomer(id) {
    api("GET", "/api/customers/" + encodeURIComponent(id)).then(function (record) {
      clear(customers.detail);
      customers.detail.appendChild(K.customerRecord(record, null));
      customers.detail.focus();
    }, reportError);
  }

  K.loadTickets = loadTickets;
  K.showTicket = showTicket;
  K.searchCustomers = searchCustomers;
})();
