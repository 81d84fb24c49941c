/*
 * Support hours above the queue: while support is closed, chats that come in become
 * tickets (nobody waits in the queue), so the agent reads that, and when support
 * opens again; while it is open, until when. Asked of the server
 * (GET /api/support-hours) at start and every minute, since the hours are the
 * company's (company.yml), in its time zone and on its holiday calendar.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var api = K.api, t = K.t, dateTime = K.dateTime, clockTime = K.clockTime;

  var REFRESH_MS = 60000;
  var line = document.querySelector("[data-testid='support-hours']");

  function show(hours) {
    line.classList.toggle("support-closed", !hours.open);
    line.dataset.open = String(hours.open);
    if (hours.open) {
      line.textContent = hours.closes_at ? t("support_open_until", { time: clockTime(hours.closes_at) }) : "";
    } else {
      line.textContent = hours.opens_at
        ? t("support_closed_until", { when: dateTime(hours.opens_at) })
        : t("support_closed");
    }
    line.hidden = !line.textContent;
  }

  function refresh() {
    // A failed answer leaves the last one shown; the next minute tries again.
    api("GET", "/api/support-hours").then(show, function () {});
  }

  function startSupportHours() {
    if (!line) return;
    refresh();
    setInterval(refresh, REFRESH_MS);
  }

  K.startSupportHours = startSupportHours;
})();
