/*
 * The open chat's side panel: why the assistant handed over, what it collected,
 * and the customer's record (orders, earlier tickets and ratings). The record is
 * also what the Customers view shows, so it is built here for both.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var make = K.make, append = K.append, capitalize = K.capitalize, humanize = K.humanize;
  var dayDate = K.dayDate, tierBadge = K.tierBadge, statusBadge = K.statusBadge;

  var IDENTITY_METHODS = {
    token: "signed in on the website",
    verification: "verified by email + order number",
  };

  // Amounts arrive as JSON numbers or decimal strings; either way, show them as money.
  function money(amount, currency) {
    try {
      return new Intl.NumberFormat([], { style: "currency", currency: currency }).format(Number(amount));
    } catch (error) {
      return amount + " " + (currency || "");
    }
  }

  // detail: the chat as GET /api/handoffs/{id} returns it.
  function sidePanel(detail) {
    return append(make("aside", { class: "conv-side", "aria-label": "Chat details and customer record" }), [
      reasonSection(detail.handoff),
      collectedSection(detail.collected),
      customerRecord(detail.customer, detail.handoff),
    ]);
  }

  function panel(title, testid, children) {
    var section = make("section", { class: "panel", "data-testid": testid });
    return append(section, [make("h3", {}, title)].concat(children));
  }

  function facts(pairs) {
    var list = make("dl", { class: "facts" });
    pairs.forEach(function (pair) {
      if (pair[1] === null || pair[1] === undefined || pair[1] === "") return;
      list.appendChild(make("dt", {}, pair[0]));
      list.appendChild(make("dd", {}, pair[1]));
    });
    return list;
  }

  function reasonSection(handoff) {
    return panel("Why the assistant handed over", "reason", [make("p", {}, handoff.reason_text)]);
  }

  function slotValue(value) {
    if (value === null || value === undefined) return "—";
    if (typeof value === "boolean") return value ? "Yes" : "No";
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  function collectedSection(collected) {
    var keys = Object.keys(collected || {});
    var title = "What the assistant collected";
    if (!keys.length) return panel(title, "collected", [make("p", { class: "muted" }, "Nothing yet.")]);
    return panel(title, "collected", [
      facts(keys.map(function (key) { return [humanize(key), slotValue(collected[key])]; })),
    ]);
  }

  function identityText(handoff) {
    if (!handoff.identity_verified) return "Not verified";
    return "Verified: " + (IDENTITY_METHODS[handoff.identity_method] || handoff.identity_method || "yes");
  }

  // The customer's record: shared by the conversation's side panel (with the chat's
  // identity check) and the Customers view (without a chat: handoff is null; its own
  // test id, so the chat's record stays the only "customer-record" on the page).
  function customerRecord(record, handoff) {
    var testid = handoff ? "customer-record" : "customer-profile";
    if (!record) {
      return panel("Customer", testid, [
        make("p", { class: "muted" }, "Not identified — the customer did not sign in or verify."),
      ]);
    }
    var customer = record.customer;
    var reasons = record.churn_reasons.length ? ": " + record.churn_reasons.join("; ") : "";
    var churn = capitalize(record.churn_risk) + reasons;
    return panel("Customer", testid, [
      append(make("p", { class: "record-name" }), [make("strong", {}, customer.name), tierBadge(customer.tier)]),
      facts([
        ["Customer id", customer.id],
        ["Email", customer.email],
        ["Phone", customer.phone],
        ["Identity", handoff ? identityText(handoff) : null],
        ["Lifetime spend", lifetimeSpend(record)],
        ["Orders", String(record.order_count)],
        ["Lifecycle", capitalize(record.lifecycle_stage)],
        ["Churn risk", churn],
        ["Customer since", dayDate(customer.created_at)],
      ]),
      ordersList(record.orders),
      ticketsList(record.tickets),
      ratingsList(record.ratings),
    ]);
  }

  // Spend in several currencies is not added up: "$1,346.00 + CA$2,257.98".
  function lifetimeSpend(record) {
    var parts = record.spend_by_currency || [];
    if (!parts.length) return money(record.lifetime_spend, record.currency);
    return parts.map(function (part) { return money(part.amount, part.currency); }).join(" + ");
  }

  function subList(title, items, render) {
    var section = make("div", { class: "record-list" });
    section.appendChild(make("h4", {}, title));
    if (!items.length) return append(section, [make("p", { class: "muted" }, "None.")]);
    return append(section, [append(make("ul"), items.map(render))]);
  }

  function ordersList(orders) {
    return subList("Orders", orders, function (order) {
      var shipping = order.carrier ? order.carrier + (order.tracking_number ? " " + order.tracking_number : "") : null;
      return append(make("li", { class: "order" }), [
        append(make("div", { class: "line" }), [
          make("strong", {}, order.id), statusBadge(order.status),
          make("span", { class: "amount" }, money(order.total, order.currency)),
        ]),
        make("div", { class: "muted", "data-testid": "order-dates" }, orderDates(order) + (shipping ? " · " + shipping : "")),
        order.items.length ? make("div", { class: "items" }, order.items.join(", ")) : null,
      ]);
    });
  }

  // "Placed Sep 12, 2026 · delivered Sep 17, 2026": the company's calendar days, as
  // the bot tells them to the customer.
  function orderDates(order) {
    var text = "Placed " + dayDate(order.placed_at);
    if (order.delivered_at) text += " · delivered " + dayDate(order.delivered_at);
    return text;
  }

  function ticketsList(tickets) {
    return subList("Earlier tickets", tickets, function (ticket) {
      var open = make("button", { type: "button", class: "link" }, ticket.ref);
      open.addEventListener("click", function () { K.showTicket(ticket.ref); });
      return append(make("li", { class: "line" }), [
        open, make("span", { class: "grow" }, ticket.subject), statusBadge(ticket.status),
      ]);
    });
  }

  function ratingsList(ratings) {
    return subList("Earlier ratings", ratings, function (rating) {
      var stars = make("span", { class: "stars", role: "img", "aria-label": rating.rating + " of 5 stars" },
        "★★★★★".slice(0, rating.rating) + "☆☆☆☆☆".slice(0, 5 - rating.rating));
      var context = dayDate(rating.created_at) + (rating.with_agent ? " · with an agent" : " · with the assistant");
      return append(make("li"), [
        append(make("div", { class: "line" }), [stars, make("span", { class: "muted" }, context)]),
        rating.comment ? make("div", { class: "quote" }, rating.comment) : null,
      ]);
    });
  }

  K.sidePanel = sidePanel;
  K.customerRecord = customerRecord;
})();
