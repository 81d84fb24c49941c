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
  var t = K.t, label = K.label;

  // Amounts arrive as JSON numbers or decimal strings; either way, show them as money.
  function money(amount, currency) {
    try {
      return new Intl.NumberFormat(K.locale(), { style: "currency", currency: currency }).format(Number(amount));
    } catch (error) {
      return amount + " " + (currency || "");
    }
  }

  // detail: the chat as GET /api/handoffs/{id} returns it.
  function sidePanel(detail) {
    return append(make("aside", { class: "conv-side", "aria-label": t("side_label") }), [
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
    return panel(t("reason_title"), "reason", [make("p", {}, handoff.reason_text)]);
  }

  function slotValue(value) {
    if (value === null || value === undefined) return "—";
    if (typeof value === "boolean") return t(value ? "slot_yes" : "slot_no");
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  function collectedSection(collected) {
    var keys = Object.keys(collected || {});
    var title = t("collected_title");
    if (!keys.length) return panel(title, "collected", [make("p", { class: "muted" }, t("nothing_yet"))]);
    return panel(title, "collected", [
      facts(keys.map(function (key) { return [humanize(key), slotValue(collected[key])]; })),
    ]);
  }

  function identityText(handoff) {
    if (!handoff.identity_verified) return t("not_verified");
    var method = handoff.identity_method ? label("identity_", handoff.identity_method) : t("verified_somehow");
    return t("verified", { method: method });
  }

  // The customer's record: shared by the conversation's side panel (with the chat's
  // identity check) and the Customers view (without a chat: handoff is null; its own
  // test id, so the chat's record stays the only "customer-record" on the page).
  function customerRecord(record, handoff) {
    var testid = handoff ? "customer-record" : "customer-profile";
    if (!record) {
      return panel(t("customer"), testid, [make("p", { class: "muted" }, t("not_identified"))]);
    }
    var customer = record.customer;
    var risk = label("churn_", record.churn_risk, capitalize);
    var churn = record.churn_reasons.length
      ? t("churn_with_reasons", { risk: risk, reasons: record.churn_reasons.join("; ") }) : risk;
    return panel(t("customer"), testid, [
      append(make("p", { class: "record-name" }), [make("strong", {}, customer.name), tierBadge(customer.tier)]),
      facts([
        [t("fact_customer_id"), customer.id],
        [t("fact_email"), customer.email],
        [t("fact_phone"), customer.phone],
        [t("fact_identity"), handoff ? identityText(handoff) : null],
        [t("fact_lifetime_spend"), lifetimeSpend(record)],
        [t("fact_orders"), String(record.order_count)],
        [t("fact_lifecycle"), label("lifecycle_", record.lifecycle_stage, capitalize)],
        [t("fact_churn_risk"), churn],
        [t("fact_customer_since"), dayDate(customer.created_at)],
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
    if (!items.length) return append(section, [make("p", { class: "muted" }, t("list_empty"))]);
    return append(section, [append(make("ul"), items.map(render))]);
  }

  function ordersList(orders) {
    return subList(t("orders"), orders, function (order) {
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
    if (!order.delivered_at) return t("order_placed", { date: dayDate(order.placed_at) });
    return t("order_placed_delivered", { date: dayDate(order.placed_at), delivered: dayDate(order.delivered_at) });
  }

  function ticketsList(tickets) {
    return subList(t("earlier_tickets"), tickets, function (ticket) {
      var open = make("button", { type: "button", class: "link" }, ticket.ref);
      open.addEventListener("click", function () { K.showTicket(ticket.ref); });
      return append(make("li", { class: "line" }), [
        open, make("span", { class: "grow" }, ticket.subject), statusBadge(ticket.status),
      ]);
    });
  }

  function ratingsList(ratings) {
    return subList(t("earlier_ratings"), ratings, function (rating) {
      var stars = make("span", { class: "stars", role: "img", "aria-label": t("stars_label", { rating: rating.rating }) },
        "★★★★★".slice(0, rating.rating) + "☆☆☆☆☆".slice(0, 5 - rating.rating));
      var context = t(rating.with_agent ? "rated_with_agent" : "rated_with_assistant", { date: dayDate(rating.created_at) });
      return append(make("li"), [
        append(make("div", { class: "line" }), [stars, make("span", { class: "muted" }, context)]),
        rating.comment ? make("div", { class: "quote" }, rating.comment) : null,
      ]);
    });
  }

  K.sidePanel = sidePanel;
  K.customerRecord = customerRecord;
})();
