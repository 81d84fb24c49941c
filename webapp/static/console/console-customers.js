/*
 * The Customers view: a search over the customer records on the left, the chosen
 * record on the right (the same record a chat's side panel shows, K.customerRecord).
 * Opening a record gives the page its own address (/console/customers/C1001), so a
 * reload or a pasted link opens it again; an unknown id says so.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var make = K.make, append = K.append, clear = K.clear, tierBadge = K.tierBadge;
  var api = K.api, reportError = K.reportError, t = K.t;

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
        customers.list.appendChild(K.listButton([
          append(make("span", { class: "line" }), [make("strong", {}, customer.name), tierBadge(customer.tier)]),
          make("span", { class: "muted" }, customer.id + " · " + customer.email),
        ], function () { showCustomer(customer.id); }));
      });
    }, reportError);
  }

  function showCustomer(id) {
    K.switchView("customers");
    K.visit("/console/customers/" + encodeURIComponent(id));
    api("GET", "/api/customers/" + encodeURIComponent(id)).then(function (record) {
      clear(customers.detail);
      customers.detail.appendChild(K.customerRecord(record, null));
      customers.detail.focus();
    }, function (error) {
      if (error.status === 404) K.notFound(customers.detail, t("not_found_customer", { id: id }));
      else reportError(error);
    });
  }

  K.showCustomer = showCustomer;
  K.searchCustomers = searchCustomers;
})();
