/*
 * Email beside the messages, in a chat and on a ticket.
 *
 * An agent's message that also went out by email (the customer had left the chat,
 * or a ticket's public reply) says to whom and how its delivery stands: "✉ Emailed
 * to maya@…: sent", or queued, being sent, retrying (which attempt, when the next
 * one is, the last error), failed or bounced (the mail server's reason). While any
 * email shown is still on its way, GET /api/email/messages is asked again every few
 * seconds and the marks follow it.
 *
 * A customer's message that came by email is drawn like their chat messages,
 * marked "by email" with the address it came from, its attachments listed (stored
 * ones as downloads: the server only ever sends them as opaque files to save; ones
 * over the size limit say so) and, when it had HTML, a toggle that shows that HTML.
 * The server sanitised it (nh3); it is still shown only inside a sandboxed frame
 * (sandbox="" allows nothing: no scripts, no forms, no popups, an origin of its
 * own), whose document also carries a policy that loads nothing from anywhere. That
 * frame's srcdoc is the one place the console hands markup to the browser; every
 * text beside it goes in through textContent (make()).
 *
 * console-conversation.js and console-directory.js call K.emailMark(node, item,
 * kind) for each chat event and ticket comment they draw; marks drawn together are
 * asked about in one request.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var make = K.make, append = K.append, clear = K.clear, api = K.api, t = K.t;
  var clockTime = K.clockTime, dateTime = K.dateTime;

  var POLL_MS = 3000;      // while an email is on its way
  var BATCH_MS = 300;      // marks drawn within this time are asked about together
  var MAX_IDS = 200;       // what the API takes per list
  var ON_ITS_WAY = { queued: true, sending: true, retrying: true };
  var MAYBE_TRIES = 3;     // an agent's message just written: asked this often whether it was emailed
  var KINDS = { comment: "comments", event: "events" };
  var ATTACHMENT_URL = /^\/api\/email\/attachments\/\d+$/;
  // The frame's own policy: on top of the console's (which it inherits), nothing
  // loads, not even from this site; only images written into the mail itself.
  var FRAME_HEAD = "<!doctype html><html><head><meta charset=\"utf-8\">" +
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:\">" +
    "<meta name=\"referrer\" content=\"no-referrer\"></head><body>";
  var FRAME_FOOT = "</body></html>";

  var marks = [];          // {kind, id, node, direction: "in"|"out", maybe: tries left, status, parts}
  var batchTimer = null;
  var pollTimer = null;

  // ---- what the marks say ---------------------------------------------------------

  function statusText(email) {
    var status = email.status;
    if (status === "sent") {
      return email.sent_at ? t("email_status_sent_at", { time: clockTime(email.sent_at) }) : t("email_status_sent");
    }
    if (status === "retrying" && email.attempts === undefined) {
      return t("email_status_retrying_pending");  // drawn from the message alone, details to come
    }
    if (status === "retrying") {
      var retry = email.next_attempt_at
        ? t("email_status_retrying", { attempts: email.attempts, time: clockTime(email.next_attempt_at) })
        : t("email_status_retrying_soon", { attempts: email.attempts });
      return email.last_error ? [retry, t("email_last_error", { error: email.last_error })].join(" · ") : retry;
    }
    var said = K.label("email_status_", status);
    if ((status === "failed" || status === "bounced") && email.last_error) {
      return [said, t("email_reason", { reason: email.last_error })].join(" · ");
    }
    return said;
  }

  // "80 bytes", "1.2 MB", in the console's language (the browser names the units).
  function sizeText(bytes) {
    var units = [["byte", 1], ["kilobyte", 1024], ["megabyte", 1024 * 1024], ["gigabyte", 1024 * 1024 * 1024]];
    var unit = units[0];
    units.forEach(function (candidate) { if (bytes >= candidate[1]) unit = candidate; });
    try {
      return new Intl.NumberFormat(K.locale(), {
        style: "unit", unit: unit[0], unitDisplay: unit[1] === 1 ? "long" : "short",
        maximumFractionDigits: unit[1] === 1 ? 0 : 1,
      }).format(bytes / unit[1]);
    } catch (error) {
      return String(bytes);
    }
  }

  // An agent's message: the delivery line under it.
  function showDelivery(mark, email) {
    var status = email ? email.status : mark.status;
    mark.status = status;
    var line = mark.parts.delivery;
    line.hidden = !status;
    if (!status) return;
    var safe = String(status).replace(/[^a-z]/g, "");  // it becomes part of a class name
    line.setAttribute("data-email-status", safe);
    line.className = "msg-email email-" + safe;
    line.textContent = email && email.to_address
      ? t("email_emailed_to", { address: email.to_address, status: statusText(email) })
      : t("email_emailed", { status: statusText({ status: status }) });
    var when = email && (email.sent_at || email.next_attempt_at);
    line.title = when ? t("email_delivery_title") + " · " + dateTime(when) : t("email_delivery_title");
  }

  // A customer's message that came by email: who from, attachments, the formatted mail.
  function showIncoming(mark, email) {
    mark.parts.channel.textContent = email.from_address
      ? t("email_by_email_from", { address: email.from_address }) : t("email_by_email");
    var extra = mark.parts.extra;
    clear(extra);
    if (email.attachments && email.attachments.length) extra.appendChild(attachmentList(email.attachments));
    if (email.html) extra.appendChild(formattedToggle(email.html));
    extra.hidden = !extra.firstChild;
  }

  function attachmentList(attachments) {
    var list = make("ul", { class: "email-attachments", "data-testid": "email-attachments" });
    attachments.forEach(function (file) {
      var item = make("li", { "data-testid": "email-attachment" });
      var size = sizeText(file.size);
      if (file.stored && ATTACHMENT_URL.test(file.url || "")) {
        item.appendChild(make("a", {
          href: file.url, download: file.filename, rel: "noopener",
          title: t("email_attachment_download", { filename: file.filename }),
        }, t("email_attachment", { filename: file.filename, size: size })));
      } else {
        item.className = "left-out";
        item.textContent = t("email_attachment_left_out", { filename: file.filename, size: size });
      }
      list.appendChild(item);
    });
    return append(make("div", { class: "email-files" }), [make("span", { class: "email-files-title" }, t("email_attachments")), list]);
  }

  // The frame is made when first asked for: most agents read the plain text.
  function formattedToggle(html) {
    var button = make("button", { type: "button", class: "link email-toggle", "aria-expanded": "false", "data-testid": "email-toggle" },
      t("email_show_formatted"));
    var holder = make("div", { class: "email-formatted" });
    holder.hidden = true;
    button.addEventListener("click", function () {
      var showing = holder.hidden;
      if (showing && !holder.firstChild) {
        var frame = make("iframe", {
          class: "email-html", sandbox: "", referrerpolicy: "no-referrer", "data-testid": "email-html",
          title: t("email_formatted_title"),
        });
        frame.srcdoc = FRAME_HEAD + html + FRAME_FOOT;
        holder.appendChild(frame);
      }
      holder.hidden = !showing;
      button.setAttribute("aria-expanded", String(showing));
      button.textContent = showing ? t("email_hide_formatted") : t("email_show_formatted");
    });
    return append(make("div", { class: "email-html-toggle" }), [button, holder]);
  }

  // ---- drawing a mark, and asking the server ----------------------------------------

  // `item`: a chat event or a ticket comment; `kind`: "event" or "comment". `maybe`:
  // an agent's message just written, whose email (if the customer had left) may be
  // queued only after the event reached the console: asked about a few times.
  function emailMark(node, item, kind, maybe) {
    if (!node || !item || !item.id || !KINDS[kind]) return node;
    var mark = { kind: kind, id: item.id, node: node, status: item.email_status || null, parts: {} };
    if (item.channel === "email") {
      mark.direction = "in";
      node.classList.add("msg-by-email");
      node.setAttribute("data-channel", "email");
      mark.parts.channel = make("span", { class: "badge email-channel", "data-testid": "email-channel" }, t("email_by_email"));
      var meta = node.querySelector(".msg-meta");
      (meta || node).appendChild(mark.parts.channel);
      mark.parts.extra = make("div", { class: "email-extra" });
      mark.parts.extra.hidden = true;
      node.appendChild(mark.parts.extra);
    } else if (item.email_status || maybe) {
      mark.direction = "out";
      mark.maybe = item.email_status ? 0 : MAYBE_TRIES;
      mark.parts.delivery = make("p", { class: "msg-email", "data-testid": "email-delivery" });
      node.appendChild(mark.parts.delivery);
      showDelivery(mark, null);
    } else {
      return node;
    }
    marks.push(mark);
    if (!batchTimer) batchTimer = setTimeout(function () { batchTimer = null; ask(false); }, BATCH_MS);
    return node;
  }

  // The marks still in the page (a chat or ticket drawn again leaves its old ones).
  function shown() {
    marks = marks.filter(function (mark) { return mark.node.isConnected; });
    return marks;
  }

  function onItsWay(mark) {
    return mark.direction === "out" && (ON_ITS_WAY[mark.status] || (!mark.status && mark.maybe > 0));
  }

  function needsAsking(mark, polling) {
    return !mark.asked || (polling && onItsWay(mark));
  }

  function ask(polling) {
    var wanted = shown().filter(function (mark) { return needsAsking(mark, polling); });
    if (!wanted.length) return schedulePoll();
    wanted.forEach(function (mark) {
      mark.asked = true;
      if (mark.maybe > 0) mark.maybe -= 1;
    });
    var requests = [];
    for (var start = 0; start < wanted.length; start += MAX_IDS) requests.push(request(wanted.slice(start, start + MAX_IDS)));
    Promise.all(requests).then(schedulePoll, schedulePoll);
  }

  function request(some) {
    var ids = { comments: [], events: [] };
    some.forEach(function (mark) { ids[KINDS[mark.kind]].push(mark.id); });
    var query = "?comments=" + ids.comments.join(",") + "&events=" + ids.events.join(",");
    return api("GET", "/api/email/messages" + query).then(function (emails) {
      emails.forEach(function (email) { apply(some, email); });
    }, function () {
      // Not reachable now: what the page said stands, and an email on its way is asked again.
    });
  }

  function apply(some, email) {
    var kind = email.ticket_comment_id ? "comment" : "event";
    var id = email.ticket_comment_id || email.handoff_event_id;
    some.forEach(function (mark) {
      if (mark.kind !== kind || mark.id !== id) return;
      if (mark.direction === "out" && email.direction === "out") showDelivery(mark, email);
      if (mark.direction === "in" && email.direction === "in") showIncoming(mark, email);
    });
  }

  function schedulePoll() {
    clearTimeout(pollTimer);
    pollTimer = null;
    var waiting = shown().some(onItsWay);
    if (waiting) pollTimer = setTimeout(function () { ask(true); }, POLL_MS);
  }

  K.emailMark = emailMark;
})();
