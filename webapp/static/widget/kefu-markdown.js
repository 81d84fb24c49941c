/*
 * The small Markdown that bot (and, in the widget, agent) messages are written in,
 * shown as people read it: **bold**, [label](link), bare web addresses shown short,
 * "- item" and "1. item" lists, paragraphs, and `words someone else wrote` quoted
 * back exactly as written. One renderer for the chat widget (kefu-widget.js loads
 * this file from its own base address before it shows any message) and the agent
 * console (console.html loads it before the console's scripts), so a message looks
 * the same to the customer and to the agent.
 *
 *   window.KefuMarkdown.render(container, text)  fills `container`, returns it
 *   window.KefuMarkdown.shortUrl(href)           "brightwave.example/help/returns"
 *
 * Built from DOM nodes with textContent only, never innerHTML: the text may quote
 * a customer. A link goes only to a web (http/https), mail or phone address or a
 * site-relative path ("/help/..."; not "//host" nor "/\host", which browsers take
 * for another site); it opens in a new tab with rel="noopener noreferrer". Any
 * other link ([x](javascript:...)) stays text, exactly as written.
 *
 * It runs on companies' own pages: it defines window.KefuMarkdown and nothing else.
 */
(function () {
  "use strict";
  if (window.KefuMarkdown) return;

  // Bold, a Markdown link to a safe address, or a bare web address. A bare address
  // is ASCII (a Chinese full stop or bracket right after it is not part of it);
  // punctuation at its end is trimmed off (trimUrl).
  var INLINE = /(\*\*[^*\n]+\*\*|\[[^\]\n]+\]\((?:https?:\/\/|mailto:|tel:|\/(?![\/\\]))[^)\s]+\)|https?:\/\/[!#-&(-;=?-~]+)/g;
  var SAFE_HREF = /^(?:https?:\/\/|mailto:|tel:|\/(?![\/\\]))/i;
  // `...` marks words someone else wrote (a customer's description quoted back):
  // shown exactly as written, never turned into a link or bold.
  var LITERAL = /`([^`\n]*)`/g;
  // Lines starting "- ", "* " or "• " make a bulleted list, "1. " or "1) " a numbered one.
  var BULLET = /^\s*[-*\u2022]\s+(\S.*)$/;
  var NUMBERED = /^\s*(\d{1,3})[.)]\s+(\S.*)$/;
  // A bare address is shown as host and path, this long at most.
  var SHORT_URL_CHARS = 48;

  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function looksLikeUrl(text) { return /^https?:\/\/\S+$/i.test(text); }

  // A link that opens in a new tab, to a safe address only; anything else stays
  // text. The label is always inserted as text; an address (`isUrl`) may break
  // after a "/" and before a "#", not in the middle of a word.
  function link(href, label, isUrl) {
    if (!SAFE_HREF.test(href)) return document.createTextNode(label);
    var node = make("a", { href: href, target: "_blank", rel: "noopener noreferrer" });
    if (!isUrl) {
      node.textContent = label;
      return node;
    }
    // (No look-behind in a regex: older Safari would refuse the whole script.)
    var pieces = label.replace(/\//g, "/\u0000").replace(/#/g, "\u0000#").split("\u0000");
    pieces.forEach(function (piece, i) {
      if (i) node.appendChild(make("wbr"));
      if (piece) node.appendChild(document.createTextNode(piece));
    });
    return node;
  }

  // "https://x.example/a." -> "https://x.example/a": a sentence's punctuation after
  // an address, or the closing bracket around it, is not part of it.
  function trimUrl(url) {
    var trimmed = url;
    for (;;) {
      var end = trimmed.charAt(trimmed.length - 1);
      var unbalanced = end === ")" && trimmed.split(")").length > trimmed.split("(").length;
      if (/[.,;:!?\]]/.test(end) || unbalanced) trimmed = trimmed.slice(0, -1);
      else return trimmed;
    }
  }

  // "https://www.brightwave.example/help/returns?x=1" -> "brightwave.example/help/returns":
  // what a person reads instead of the whole address (the link keeps it all).
  // A long path keeps its first and last parts; the query string is left out.
  function shortUrl(href) {
    var url;
    try { url = new URL(href); } catch (e) { return href; }
    var host = url.host.replace(/^www\./i, "");
    var parts = url.pathname.split("/").filter(Boolean).map(function (part) {
      try { return decodeURIComponent(part); } catch (e) { return part; }
    });
    var path = parts.length ? "/" + parts.join("/") : "";
    var hash = url.hash.length > 1 ? url.hash : "";
    if ((host + path + hash).length <= SHORT_URL_CHARS) return host + path + hash;
    if ((host + path).length <= SHORT_URL_CHARS) return host + path;
    var lastPart = parts[parts.length - 1];
    if (lastPart.length > 24) lastPart = lastPart.slice(0, 23) + "…";
    return host + "/" + (parts.length > 1 ? parts[0] + "/…/" : "") + lastPart;
  }

  function appendFormatted(parent, line) {
    var last = 0;
    var pattern = new RegExp(INLINE.source, "g");
    var found;
    while ((found = pattern.exec(line))) {
      var match = found[0];
      if (found.index > last) parent.appendChild(document.createTextNode(line.slice(last, found.index)));
      if (match.indexOf("**") === 0) {
        parent.appendChild(make("strong", {}, match.slice(2, -2)));
      } else if (match.charAt(0) === "[") {
        var md = /^\[([^\]]+)\]\((.+)\)$/.exec(match);
        var asUrl = looksLikeUrl(md[1]);
        parent.appendChild(link(md[2], asUrl ? shortUrl(md[1]) : md[1], asUrl));
      } else {
        var url = trimUrl(match);
        parent.appendChild(link(url, shortUrl(url), true));
        pattern.lastIndex = found.index + url.length;  // the trimmed-off tail is text
        match = url;
      }
      last = found.index + match.length;
    }
    if (last < line.length) parent.appendChild(document.createTextNode(line.slice(last)));
  }

  function appendInline(parent, line) {
    var last = 0;
    line.replace(LITERAL, function (match, words, offset) {
      if (offset > last) appendFormatted(parent, line.slice(last, offset));
      parent.appendChild(make("span", { class: "kefu-quoted" }, words));
      last = offset + match.length;
      return match;
    });
    if (last < line.length) appendFormatted(parent, line.slice(last));
  }

  // List lines make lists wherever they are in the message; a blank line between
  // two items of the same list does not end it, and an indented line right under
  // an item continues it. Other lines make paragraphs, a blank line between them.
  function render(container, text) {
    var para = null, list = null, kind = null, item = null, blank = false;
    String(text === undefined || text === null ? "" : text).split(/\r?\n/).forEach(function (line) {
      if (!line.trim()) {
        para = null;
        blank = true;
        return;
      }
      var bullet = BULLET.exec(line);
      var numbered = bullet ? null : NUMBERED.exec(line);
      if (bullet || numbered) {
        var itemKind = bullet ? "ul" : "ol";
        if (!list || kind !== itemKind) {
          list = make(itemKind);
          kind = itemKind;
          if (numbered && Number(numbered[1]) !== 1) list.setAttribute("start", String(Number(numbered[1])));
          container.appendChild(list);
        }
        item = make("li");
        appendInline(item, bullet ? bullet[1] : numbered[2]);
        list.appendChild(item);
        para = null;
        blank = false;
        return;
      }
      if (item && !blank && /^\s/.test(line)) {  // the item goes on
        item.appendChild(make("br"));
        appendInline(item, line.trim());
        return;
      }
      list = item = kind = null;
      if (para && !blank) para.appendChild(make("br"));
      else {
        para = make("p");
        container.appendChild(para);
      }
      appendInline(para, line);
      blank = false;
    });
    return container;
  }

  window.KefuMarkdown = Object.freeze({ render: render, shortUrl: shortUrl });
})();
