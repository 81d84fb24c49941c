/*
 * Live updates. The server-sent event stream (/api/events/stream) is the normal
 * way. Polling /api/events stands in whenever the stream is down, or silent (a
 * proxy that buffers it), and stops as soon as it is back. Each event refreshes
 * the queue and, when it belongs to the open chat, goes into its transcript; a
 * customer's message may alert the agent (console-alerts.js). The stream's
 * `typing` messages (GET /api/typing while polling) say a customer is typing
 * (console-typing.js).
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var state = K.state, POLL_MS = K.POLL_MS;
  var api = K.api, signedOut = K.signedOut, setLive = K.setLive, liveText = K.liveText, t = K.t;

  var STREAM_READY_MS = 5000;    // a stream that says nothing this long is not working
  var STREAM_RETRY_MS = 30000;   // after the server refused it

  function onEvent(event) {
    var open = state.open;
    state.cursor = Math.max(state.cursor, event.id);
    K.teamEvent(event);  // before the queue is fetched again: it still says who held the chat
    K.scheduleQueueRefresh();
    if (event.kind === "customer_message" && !(open && open.id === event.handoff_id)) {
      state.unread[event.handoff_id] = true;
    }
    if (event.kind === "customer_message") {
      K.customerWrote(event.handoff_id);
      K.alertOnEvent(event);
    }
    if (open && open.id === event.handoff_id && !open.view) open.pending.push(event);
    else K.addEvent(event);
  }

  function connectStream() {
    if (!window.EventSource) return startPolling();
    var source = new EventSource("/api/events/stream");
    var silence = setTimeout(startPolling, STREAM_READY_MS);
    state.stream = source;
    source.addEventListener("ready", function (message) {
      clearTimeout(silence);
      state.cursor = Math.max(state.cursor, JSON.parse(message.data).cursor);
      state.cursorKnown = true;
      stopPolling();
      setLive(liveText());
      catchUp();
    });
    source.addEventListener("message", function (message) { onEvent(JSON.parse(message.data)); });
    source.addEventListener("typing", function (message) { K.customerTyping(JSON.parse(message.data)); });
    source.addEventListener("ticket", function (message) { if (K.ticketEvent) K.ticketEvent(JSON.parse(message.data)); });
    source.addEventListener("signed_out", signedOut);
    source.addEventListener("unavailable", function () { setLive(t("database_retrying")); });
    source.addEventListener("error", function () {
      startPolling();
      // The browser reconnects by itself, except to a server that refused the
      // stream (401, 5xx): check the session (signed out -> login page), retry later.
      if (source.readyState === EventSource.CLOSED) {
        api("GET", "/api/agent/me");
        setTimeout(connectStream, STREAM_RETRY_MS);
      }
    });
  }

  // After (re)connecting: whatever happened while the stream was down.
  function catchUp() {
    K.scheduleQueueRefresh();
    if (state.open && state.open.view) K.reloadOpenChat();
  }

  function startPolling() {
    if (state.polling) return;
    state.polling = true;
    setLive(liveText());
    state.pollTimer = setTimeout(poll, POLL_MS);
  }

  function stopPolling() {
    state.polling = false;
    clearTimeout(state.pollTimer);
  }

  function poll() {
    var request = state.cursorKnown
      ? api("GET", "/api/events?after=" + state.cursor).then(function (events) {
        events.forEach(onEvent);
        return api("GET", "/api/typing");
      }).then(function (signals) { signals.forEach(K.customerTyping); })
      // Without a cursor from the stream, start from the newest event: what came
      // before is in the queue and the open chat already.
      : api("GET", "/api/events/cursor").then(function (answer) {
        state.cursor = Math.max(state.cursor, answer.last_event_id);
        state.cursorKnown = true;
        catchUp();
      });
    request.then(function () { setLive(liveText()); }, function (error) {
      setLive(error.status === 0 ? t("offline_retrying") : error.message);
    }).then(function () {
      if (state.polling) state.pollTimer = setTimeout(poll, POLL_MS);
    });
  }

  function stopLiveUpdates() {
    if (state.stream) state.stream.close();
    state.stream = null;
    stopPolling();
  }

  K.connectStream = connectStream;
  K.stopLiveUpdates = stopLiveUpdates;
})();
