/*
 * The console's texts, in the language the agent picked (the switch in the header,
 * remembered in this browser), from the reply catalogue's `console` area
 * (knowledge_base/replies/console.yml, served by GET /i18n/console/<lang>.json).
 * No text of the console is written in its scripts or pages.
 *
 * The page carries the default language's texts (data-texts on <body>, and already
 * in its elements), so an agent who reads that language waits for nothing; another
 * language is fetched, and the page's marked elements are rewritten:
 *
 *   data-i18n="key"                   the element's text
 *   data-i18n-attr="aria-label:key"   attributes (several: "title:a;placeholder:b")
 *   data-i18n-title="key"             on <html>: the document's title
 *
 * Loaded first on the console and its sign-in page, as window.KefuConsoleI18n:
 * t(key, values) fills {placeholders}; ready is a promise the pages start after.
 */
(function () {
  "use strict";

  var STORE = "kefu-console:lang";
  var I = window.KefuConsoleI18n = {};
  var root = document.documentElement;

  function base(lang) { return String(lang || "").toLowerCase().split(/[-_]/)[0]; }

  var pageTexts = {};
  try {
    pageTexts = JSON.parse(document.body.dataset.texts || "{}");
  } catch (error) { /* the page's own texts are missing: the fetch brings them */ }

  I.defaultLang = base(root.lang) || "en";
  I.lang = I.defaultLang;
  I.texts = pageTexts;
  I.languages = (document.body.dataset.languages || I.defaultLang).split(" ");
  // Company names and ids (document.body.dataset) a title may need.
  I.values = { company: document.body.dataset.company || "" };

  function stored() {
    try { return base(window.localStorage.getItem(STORE)); } catch (error) { return ""; }
  }

  // The text `key` with its {placeholders} filled from `values`; the key itself when
  // the catalogue lacks it (a test keeps every key in every language).
  function t(key, values) {
    var text = Object.prototype.hasOwnProperty.call(I.texts, key) ? I.texts[key] : key;
    return text.replace(/\{(\w+)\}/g, function (match, name) {
      return values && values[name] !== undefined && values[name] !== null ? String(values[name]) : match;
    });
  }

  function has(key) { return Object.prototype.hasOwnProperty.call(I.texts, key); }

  // `prefix + value` ("status_" + "shipped") when the catalogue names the value,
  // else what `otherwise` makes of it: values the API sends as ids.
  function label(prefix, value, otherwise) {
    return has(prefix + value) ? t(prefix + value) : otherwise ? otherwise(value) : String(value);
  }

  function apply(scope) {
    (scope || document).querySelectorAll("[data-i18n]").forEach(function (node) {
      node.textContent = t(node.dataset.i18n);
    });
    (scope || document).querySelectorAll("[data-i18n-attr]").forEach(function (node) {
      node.dataset.i18nAttr.split(";").forEach(function (pair) {
        var parts = pair.split(":");
        if (parts.length === 2) node.setAttribute(parts[0].trim(), t(parts[1].trim()));
      });
    });
    if (root.dataset.i18nTitle) document.title = t(root.dataset.i18nTitle, I.values);
    root.lang = I.lang;
  }

  // Fills `node` with the text `key`, its {placeholders} standing for the elements
  // in `nodes` ("Signed in as {agent}" with the name in bold).
  function fill(node, key, nodes) {
    node.textContent = "";
    t(key).split(/(\{\w+\})/).forEach(function (part) {
      var name = /^\{(\w+)\}$/.exec(part);
      if (name && nodes[name[1]]) node.appendChild(nodes[name[1]]);
      else if (part) node.appendChild(document.createTextNode(part));
    });
    return node;
  }

  // Picking a language reloads the page: every view is drawn again in it, and the
  // chat that was open stays open (its id is in the address).
  function choose(lang) {
    try { window.localStorage.setItem(STORE, lang); } catch (error) { /* private mode: this page only */ }
    window.location.reload();
  }

  // The switch: one button per language, each named in its own language.
  function switcher() {
    var group = document.createElement("div");
    group.className = "language-switch";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("language_label"));
    I.languages.forEach(function (lang) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.lang = lang;
      button.textContent = t("language_" + lang);
      button.setAttribute("aria-pressed", String(lang === I.lang));
      button.addEventListener("click", function () { if (lang !== I.lang) choose(lang); });
      group.appendChild(button);
    });
    return group;
  }

  // The chosen language's texts; the page's own when it is the page's language or
  // when they cannot be fetched (the console still works, in that language).
  function load() {
    var wanted = stored();
    if (!wanted || wanted === I.defaultLang) return Promise.resolve();
    return fetch("/i18n/console/" + encodeURIComponent(wanted) + ".json", {
      credentials: "same-origin", headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer || !answer.texts) return;
        I.texts = answer.texts;
        I.lang = answer.language || wanted;
      }, function () { /* offline: the page's language */ });
  }

  I.t = t;
  I.has = has;
  I.label = label;
  I.apply = apply;
  I.fill = fill;
  I.choose = choose;
  I.switcher = switcher;
  I.ready = load().then(function () {
    apply(document);
    document.querySelectorAll("[data-language-switch]").forEach(function (slot) {
      slot.textContent = "";
      slot.appendChild(switcher());
    });
  });
})();
