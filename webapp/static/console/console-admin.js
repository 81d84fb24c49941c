/*
 * The Admin view, for admins only (the page marks the agent's role on <body> and
 * draws the tab and the view only for them; the server refuses anyone else every
 * call anyway). Four sections, each a list with its changes and a form to add:
 *
 *   Agents          create (email, name, password), role, capacity, deactivate
 *   Teams           create, add and remove members
 *   Routing rules   add and remove, in the order they are tried
 *   Canned replies  add, edit, remove
 *
 * Everything goes through /api/admin/... and /api/canned, the same changes the
 * `./kefu` commands make; a refusal is shown in the message bar as the API words it.
 * Loaded when the agent first opens the view, and again after every change.
 */
(function () {
  "use strict";

  var K = window.KefuConsole;
  var make = K.make, append = K.append, clear = K.clear;
  var api = K.api, showAlert = K.showAlert, clearAlert = K.clearAlert, t = K.t;

  var LANGUAGES = (document.body.dataset.languages || "en zh").split(/\s+/).filter(Boolean);
  var TIERS = ["standard", "plus", "premier"];

  var root = document.querySelector("#view-admin .admin-sections");
  var data = { agents: [], teams: [], rules: [], canned: [], placeholders: [] };
  var editing = null;  // the canned reply in the form, when it is being edited
  var nextId = 0;

  // ---- small builders ---------------------------------------------------------------

  function field(label, control) {
    control.id = control.id || "admin-field-" + (++nextId);
    return append(make("div", { class: "admin-field" }), [make("label", { for: control.id }, label), control]);
  }

  function input(attrs) { return make("input", Object.assign({ autocomplete: "off" }, attrs)); }

  function select(options, value, attrs) {
    var node = make("select", attrs || {});
    options.forEach(function (option) {
      var item = make("option", { value: option[0] }, option[1]);
      if (option[0] === value) item.selected = true;
      node.appendChild(item);
    });
    return node;
  }

  function button(label, kind, onClick, attrs) {
    var node = make("button", Object.assign({ type: "button", class: "button " + (kind || "") }, attrs || {}), label);
    node.addEventListener("click", onClick);
    return node;
  }

  function form(testid, fields, submitLabel, onSubmit) {
    var node = append(make("form", { class: "admin-form", "data-testid": testid }), fields.concat([
      make("button", { type: "submit", class: "button primary" }, submitLabel),
    ]));
    node.addEventListener("submit", function (event) {
      event.preventDefault();
      onSubmit(node);
    });
    return node;
  }

  function section(key, title, children) {
    return append(make("section", { class: "admin-section", "aria-labelledby": "admin-" + key, "data-testid": "admin-" + key }), [
      make("h3", { id: "admin-" + key }, title),
    ].concat(children));
  }

  // A change, then the view again; the API's refusal in the message bar.
  function change(method, path, body, done) {
    return api(method, path, body).then(function () {
      clearAlert();
      showAlert(done || t("admin_saved"), "notice");
      return load();
    }, function (error) {
      showAlert(error.message);
      throw error;
    });
  }

  function ignore() {}

  // ---- loading -------------------------------------------------------------------------

  function load() {
    return Promise.all([
      api("GET", "/api/admin/agents"),
      api("GET", "/api/admin/teams"),
      api("GET", "/api/admin/routing-rules"),
      api("GET", "/api/canned?every_team=true"),
      api("GET", "/api/canned/placeholders"),
    ]).then(function (answers) {
      data = { agents: answers[0], teams: answers[1], rules: answers[2], canned: answers[3], placeholders: answers[4] };
      render();
    }, function (error) { showAlert(error.message); });
  }

  function render() {
    clear(root);
    append(root, [agentsSection(), teamsSection(), rulesSection(), cannedSection()]);
  }

  // ---- agents ----------------------------------------------------------------------------

  function agentsSection() {
    var rows = data.agents.map(function (agent) {
      var role = select([["agent", t("admin_role_agent")], ["admin", t("admin_role_admin")]], agent.role,
        { "aria-label": t("admin_role") + " · " + agent.name, "data-testid": "admin-agent-role" });
      var capacity = input({ type: "number", min: "0", max: "50", value: String(agent.capacity),
        "aria-label": t("admin_capacity") + " · " + agent.name, class: "admin-capacity" });
      var path = "/api/admin/agents/" + encodeURIComponent(agent.email);
      return append(make("li", { class: "admin-row", "data-testid": "admin-agent", "data-email": agent.email }), [
        make("strong", {}, agent.name),
        make("span", { class: "muted" }, agent.email),
        role,
        capacity,
        button(t("admin_save"), "", function () {
          change("PATCH", path, { role: role.value, capacity: Number(capacity.value) }).then(null, ignore);
        }),
        button(t("admin_deactivate"), "", function () {
          if (window.confirm(t("admin_confirm_deactivate", { agent: agent.name }))) {
            change("DELETE", path, undefined, t("admin_removed")).then(null, ignore);
          }
        }),
      ]);
    });
    var email = input({ type: "email", maxlength: "320", "data-testid": "admin-new-agent-email" });
    var name = input({ maxlength: "200", "data-testid": "admin-new-agent-name" });
    var password = input({ type: "password", maxlength: "1000", autocomplete: "new-password", "data-testid": "admin-new-agent-password" });
    var create = form("admin-new-agent", [field(t("admin_email"), email), field(t("admin_name"), name),
      field(t("admin_password"), password)], t("admin_create_agent"), function (node) {
      change("POST", "/api/admin/agents", { email: email.value.trim(), name: name.value, password: password.value })
        .then(function () { node.reset(); }, ignore);
    });
    return section("agents", t("admin_agents"), [append(make("ul", { class: "admin-list" }), rows), create]);
  }

  // ---- teams -------------------------------------------------------------------------------

  function agentName(email) {
    var agent = data.agents.filter(function (a) { return a.email === email; })[0];
    return agent ? agent.name : email;
  }

  function teamsSection() {
    var items = data.teams.map(function (team) {
      var base = "/api/admin/teams/" + encodeURIComponent(team.key) + "/members/";
      var members = team.members.map(function (email) {
        return append(make("li", { class: "admin-member" }), [
          make("span", {}, agentName(email)),
          button(t("admin_remove"), "", function () {
            change("DELETE", base + encodeURIComponent(email)).then(null, ignore);
          }, { "aria-label": t("admin_remove_member", { agent: agentName(email), team: team.name }) }),
        ]);
      });
      var others = data.agents.filter(function (a) { return team.members.indexOf(a.email) < 0; });
      var pick = select(others.map(function (a) { return [a.email, a.name + " · " + a.email]; }), null,
        { "data-testid": "admin-member-to-add" });
      var add = form("admin-add-member", [field(t("admin_member_to_add", { team: team.name }), pick)],
        t("admin_add_member"), function () {
          if (pick.value) change("PUT", base + encodeURIComponent(pick.value)).then(null, ignore);
        });
      add.hidden = !others.length;
      return append(make("li", { class: "admin-team", "data-testid": "admin-team", "data-key": team.key }), [
        make("strong", {}, team.name + " (" + team.key + ")"),
        members.length ? append(make("ul", { class: "admin-members", "aria-label": t("admin_members") }), members)
          : make("p", { class: "muted" }, t("admin_no_members")),
        add,
      ]);
    });
    var key = input({ maxlength: "40", "data-testid": "admin-new-team-key" });
    var name = input({ maxlength: "200", "data-testid": "admin-new-team-name" });
    var create = form("admin-new-team", [field(t("admin_team_key"), key), field(t("admin_team_name"), name)],
      t("admin_create_team"), function (node) {
        change("POST", "/api/admin/teams", { key: key.value.trim(), name: name.value })
          .then(function () { node.reset(); }, ignore);
      });
    return section("teams", t("admin_teams"), [
      items.length ? append(make("ul", { class: "admin-list" }), items) : make("p", { class: "muted" }, t("admin_no_teams")),
      create,
    ]);
  }

  // ---- routing rules -------------------------------------------------------------------------

  function teamName(key) {
    var team = data.teams.filter(function (tm) { return tm.key === key; })[0];
    return team ? team.name : key;
  }

  function ruleText(rule) {
    var named = ["reason", "category", "tier", "language"].filter(function (name) { return rule[name]; })
      .map(function (name) { return name + " = " + rule[name]; });
    return t("admin_rule_line", { conditions: named.join(t("admin_rule_and")), team: teamName(rule.team_key) });
  }

  function rulesSection() {
    var rows = data.rules.map(function (rule) {
      return append(make("li", { class: "admin-row", "data-testid": "admin-rule", "data-rule-id": String(rule.id) }), [
        make("span", {}, ruleText(rule)),
        button(t("admin_remove"), "", function () {
          if (window.confirm(t("admin_confirm_remove_rule"))) {
            change("DELETE", "/api/admin/routing-rules/" + rule.id, undefined, t("admin_removed")).then(null, ignore);
          }
        }),
      ]);
    });
    var any = [["", t("admin_any")]];
    var team = select(data.teams.map(function (tm) { return [tm.key, tm.name]; }), null, { "data-testid": "admin-rule-team" });
    var reason = input({ maxlength: "32", "data-testid": "admin-rule-reason" });
    var category = input({ maxlength: "32", "data-testid": "admin-rule-category" });
    var tier = select(any.concat(TIERS.map(function (tr) { return [tr, K.capitalize(tr)]; })), "", { "data-testid": "admin-rule-tier" });
    var language = select(any.concat(LANGUAGES.map(function (l) { return [l, K.label("chat_language_", l)]; })), "",
      { "data-testid": "admin-rule-language" });
    var add = form("admin-new-rule", [field(t("admin_rule_team"), team), field(t("admin_rule_reason"), reason),
      field(t("admin_rule_category"), category), field(t("admin_rule_tier"), tier), field(t("admin_rule_language"), language)],
    t("admin_add_rule"), function (node) {
      change("POST", "/api/admin/routing-rules", {
        team: team.value, reason: reason.value.trim() || null, category: category.value.trim() || null,
        tier: tier.value || null, language: language.value || null,
      }).then(function () { node.reset(); }, ignore);
    });
    add.hidden = !data.teams.length;
    return section("rules", t("admin_rules"), [
      make("p", { class: "muted" }, t("admin_rules_hint")),
      rows.length ? append(make("ol", { class: "admin-list" }), rows) : make("p", { class: "muted" }, t("admin_no_rules")),
      add,
    ]);
  }

  // ---- canned replies ---------------------------------------------------------------------------

  function cannedSection() {
    var rows = data.canned.map(function (reply) {
      return append(make("li", { class: "admin-row", "data-testid": "admin-canned", "data-shortcut": reply.shortcut }), [
        make("strong", {}, "/" + reply.shortcut),
        K.languageBadge(reply.language),
        make("span", {}, reply.title),
        reply.team_name ? make("span", { class: "muted" }, reply.team_name) : null,
        button(t("admin_edit"), "", function () { editing = reply; render(); }),
        button(t("admin_remove"), "", function () {
          if (window.confirm(t("admin_confirm_remove_canned", { shortcut: reply.shortcut }))) {
            change("DELETE", "/api/canned/" + reply.id, undefined, t("admin_removed")).then(null, ignore);
          }
        }),
      ]);
    });
    var current = editing || {};
    var shortcut = input({ maxlength: "41", value: current.shortcut || "", "data-testid": "admin-canned-shortcut" });
    var title = input({ maxlength: "200", value: current.title || "", "data-testid": "admin-canned-title" });
    var language = select(LANGUAGES.map(function (l) { return [l, K.label("chat_language_", l)]; }),
      current.language || LANGUAGES[0], { "data-testid": "admin-canned-language" });
    var team = select([["", t("admin_canned_everyone")]].concat(data.teams.map(function (tm) { return [tm.key, tm.name]; })),
      current.team_key || "", { "data-testid": "admin-canned-team" });
    var body = make("textarea", { rows: "4", maxlength: "4000", "data-testid": "admin-canned-body" });
    body.value = current.body || "";
    var hint = make("p", { class: "muted" }, t("admin_canned_placeholders", {
      placeholders: data.placeholders.map(function (name) { return "{" + name + "}"; }).join(", "),
    }));
    var edit = form("admin-canned-form", [field(t("admin_canned_shortcut"), shortcut), field(t("admin_canned_title"), title),
      field(t("admin_canned_language"), language), field(t("admin_canned_team"), team),
      field(t("admin_canned_body"), body), hint],
    editing ? t("admin_canned_save") : t("admin_canned_add"), function () {
      var payload = { shortcut: shortcut.value.trim(), title: title.value, body: body.value,
        language: language.value, team: team.value || null };
      var wasEditing = editing;
      change(wasEditing ? "PUT" : "POST", "/api/canned" + (wasEditing ? "/" + wasEditing.id : ""), payload)
        .then(function () { if (editing === wasEditing) { editing = null; render(); } }, ignore);
    });
    if (editing) {
      edit.appendChild(button(t("cancel"), "", function () { editing = null; render(); }));
    }
    return section("canned", t("admin_canned"), [append(make("ul", { class: "admin-list" }), rows), edit]);
  }

  function start() {
    var tab = document.querySelector('.view-tab[data-view="admin"]');
    if (!tab || !root || document.body.dataset.agentRole !== "admin") return;
    var loaded = false;
    tab.addEventListener("click", function () {
      if (loaded) return;
      loaded = true;
      root.appendChild(make("p", { class: "muted", role: "status" }, t("admin_loading")));
      load();
    });
  }

  K.loadAdmin = load;
  window.KefuConsoleI18n.ready.then(start);
})();
