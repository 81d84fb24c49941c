/*
 * The bot's messages in the console's transcript, as the customer saw them: the
 * small Markdown the bot writes (**bold**, [label](link), bare web addresses shown
 * short, "- item" and "1. item" lists), by the same rules as the widget
 * (webapp/static/widget/kefu-widget.js renderRich; the two could share one file).
 * Built from DOM nodes with textContent only, never innerHTML. Links go only to
 * http(s) and site-relative addresses, open in a new tab with rel=noopener; any
 * other link stays text. Customer and agent text is never rendered: it stays plain.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var make = K.make;

  var INLINE = /(\*\*[^*\n]+\*\*|\[[^\]\n]+\]\((?:https?:\/\/|\/(?!\/))[^)\s]+\)|https?:\/\/[!#-&(-;=?-~]+)/g;
  var SAFE_HREF = /^(?:https?:\/\/|\/(?!\/))/i;
  var LITERAL = /`([^`\n]*)`/g;  // words someone else wrote, quoted back: shown as written
  var BULLET = /^\s*[-*\u2022]\s+(\S.*)$/;
  var NUMBERED = /^\s*(\d{1,3})[.)]\s+(\S.*)$/;
  var SHORT_URL_CHARS = 48;

  function link(href, label) {
    if (!SAFE_HREF.test(href)) return document.createTextNode(label);
    return make("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, label);
  }

  // "https://x.example/a." -> "https://x.example/a": the sentence's punctuation is not the address's.
  function trimUrl(url) {
    var trimmed = url;
    for (;;) {
      var end = trimmed.charAt(trimmed.length - 1);
      var unbalanced = end === ")" && trimmed.split(")").length > trimmed.split("(").length;
      if (/[.,;:!?\]]/.test(end) || unbalanced) trimmed = trimmed.slice(0, -1);
      else return trimmed;
    }
  }

  // "https://www.brightwave.example/help/returns?x=1" -> "brightwave.example/help/returns"
  function shortUrl(href) {
    var url;
    try { url = new URL(href, window.location.href); } catch (e) { return href; }
    var host = url.host.replace(/^www\./i, "");
    var path = url.pathname === "/" ? "" : url.pathname;
    try { path = decodeURI(path); } catch (e) { /* keep it encoded */ }
    var shown = host + path;
    return shown.length <= SHORT_URL_CHARS ? shown : shown.slice(0, SHORT_URL_CHARS - 1) + "…";
  }

  function looksLikeUrl(text) { return /^https?:\/\/\S+$/i.test(text); }

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
        parent.appendChild(link(md[2], looksLikeUrl(md[1]) ? shortUrl(md[1]) : md[1]));
      } else {
        var url = trimUrl(match);
        parent.appendChild(link(url, shortUrl(url)));
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
      parent.appendChild(make("span", { class: "quoted" }, words));
      last = offset + match.length;
      return match;
    });
    if (last < line.length) appendFormatted(parent, line.slice(last));
  }

  // Lines "- " / "* " make a bulleted list, "1. " / "1) " a numbered one; a blank
  // line between two items keeps the list; an indented line continues the item.
  function renderMarkdown(container, text) {
    var para = null, list = null, kind = null, item = null, blank = false;
    String(text || "").split(/\r?\n/).forEach(function (line) {
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
      if (item && !blank && /^\s/.test(line)) {
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

  K.renderMarkdown = renderMarkdown;
})();
