/* Demo only: lets a visitor sign in as one of the demo customers. The web app signs
   the customer_token (in demo mode only) and hands it to the chat widget, as a real
   website would for its logged-in customer. Its texts are on the panel's element
   (data-text-*), in the page's language, from knowledge_base/replies/shop.yml. */
(function () {
  "use strict";
  var KEY = "kefu-demo:customer";
  var select = document.getElementById("demo-customer");
  var signIn = document.getElementById("demo-signin");
  var signOut = document.getElementById("demo-signout");
  var status = document.getElementById("demo-status");
  var texts = document.querySelector(".demo-signin").dataset;

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return values[name] !== undefined ? String(values[name]) : match;
    });
  }

  function widgetReady(callback) {
    if (window.KefuWidget) return callback(window.KefuWidget);
    setTimeout(function () { widgetReady(callback); }, 50);
  }

  function show(name) {
    status.textContent = name ? say(texts.textSignedIn, { name: name }) : texts.textAnonymous;
    signOut.hidden = !name;
  }

  function useCustomer(customerId) {
    return fetch("/api/demo/token", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ customer_id: customerId }),
    })
      .then(function (r) { if (!r.ok) throw new Error("sign-in failed"); return r.json(); })
      .then(function (data) {
        localStorage.setItem(KEY, data.customer_id);
        widgetReady(function (widget) { widget.setCustomerToken(data.customer_token); });
        show(data.name);
      })
      .catch(function () { status.textContent = texts.textFailed; });
  }

  fetch("/api/demo/customers")
    .then(function (r) { return r.json(); })
    .then(function (customers) {
      select.textContent = "";
      customers.forEach(function (c) {
        var option = document.createElement("option");
        option.value = c.customer_id;
        option.textContent = say(texts.textOption, { name: c.name, tier: c.tier });
        select.appendChild(option);
      });
      var saved = localStorage.getItem(KEY);
      if (saved) { select.value = saved; useCustomer(saved); }
      else widgetReady(function (widget) { widget.setCustomerToken(null); });
    });

  signIn.addEventListener("click", function () { if (select.value) useCustomer(select.value); });
  signOut.addEventListener("click", function () {
    localStorage.removeItem(KEY);
    widgetReady(function (widget) { widget.setCustomerToken(null); });
    show(null);
  });
})();
