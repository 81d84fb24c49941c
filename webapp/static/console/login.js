/*
 * The agent console's sign-in form. The server sets the session cookie (HttpOnly),
 * so this only posts the form and moves on; errors come back as the server's
 * `detail` message and are shown as text. Its own texts come from console-i18n.js.
 */
(function () {
  "use strict";

  var t = window.KefuConsoleI18n.t;
  var form = document.getElementById("login-form");
  var email = document.getElementById("email");
  var password = document.getElementById("password");
  var error = form.querySelector("[data-testid='login-error']");
  var submit = form.querySelector("button[type=submit]");

  // Only paths inside the console: a crafted link must not send a freshly
  // signed-in agent to another site.
  function destination() {
    var next = new URLSearchParams(window.location.search).get("next") || "";
    return /^\/console(\/|\?|#|$)/.test(next) ? next : "/console";
  }

  // FastAPI's validation errors (422) carry a list of problems, others a sentence.
  function messageOf(data) {
    var detail = data && data.detail;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) return t("login_missing");
    return t("login_failed");
  }

  function showError(text) {
    error.textContent = text;
    password.setAttribute("aria-invalid", "true");
  }

  function setBusy(busy) {
    submit.disabled = busy;
    submit.textContent = t(busy ? "signing_in" : "sign_in");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    error.textContent = "";
    password.removeAttribute("aria-invalid");
    if (!email.value.trim() || !password.value) {
      showError(t("login_missing"));
      (email.value.trim() ? password : email).focus();
      return;
    }
    setBusy(true);
    fetch("/api/agent/login", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ email: email.value.trim(), password: password.value }),
    })
      .then(function (response) {
        if (response.ok) {
          window.location.assign(destination());
          return;
        }
        return response.json().catch(function () { return null; }).then(function (data) {
          setBusy(false);
          showError(messageOf(data));
          password.select();
          password.focus();
        });
      })
      .catch(function () {
        setBusy(false);
        showError(t("login_unreachable"));
      });
  });
})();
