// Callback profiles: list, search and filters, and per profile edit variables, test, status,
// rate limit, replay and delete.
import { gql } from "./api.js";
import { channels, parseTemplate } from "./catalog.js";
import { attemptSummary, copyButton, h, notice, showUserErrors } from "./dom.js";
import { openCreateForm } from "./profile-form.js";
import { STATUSES, statusBadge, statusButton } from "./profile-status.js";
import { openRateLimitForm, rateText } from "./rate-limit.js";
import { openReplayForm } from "./replay.js";
import { variablePicker } from "./variables.js";

const LIST = `query Profiles($search: String, $channel: ChannelKind, $status: ProfileStatus) {
  callbackProfiles(first: 100, search: $search, channel: $channel, status: $status) {
    edges { node {
      id title httpMethod endpoint bodyTemplate queryTemplate
      status statusReason statusChangedAt maxPerSecond
      channel { kind label }
      variables { name }
    } }
  }
}`;
const TEST = `mutation TestProfile($id: ID!) {
  testCallbackProfile(id: $id) {
    attempt { id number trigger outcome statusCode responseBody durationMs error startedAt }
    userErrors { field message code }
  }
}`;
const DELETE = `mutation DeleteProfile($id: ID!) {
  deleteCallbackProfile(id: $id) { deletedCallbackProfileId userErrors { field message code } }
}`;
const EDIT = `mutation EditVariables($id: ID!, $input: EditCallbackProfileVariablesInput!) {
  editCallbackProfileVariables(id: $id, input: $input) {
    callbackProfile { id }
    userErrors { field message code }
  }
}`;

const rows = () => document.getElementById("profile-rows");
const panel = () => document.getElementById("profile-panel");

export async function showProfiles() {
  const search = document.getElementById("profile-search").value.trim() || null;
  const channel = document.getElementById("profile-channel").value || null;
  const status = document.getElementById("profile-status").value || null;
  try {
    const data = await gql(LIST, { search, channel, status });
    const profiles = data.callbackProfiles.edges.map((e) => e.node);
    rows().replaceChildren(...profiles.map(profileRow));
    document.getElementById("profiles-empty").hidden = profiles.length > 0;
  } catch (e) {
    notice(e.message);
  }
}

function profileRow(profile) {
  const row = h("tr", { dataset: { profileId: profile.id } },
    h("td", {}, profile.title),
    h("td", { class: "status" }, statusBadge(profile)),
    h("td", {}, profile.channel.kind),
    h("td", {}, profile.httpMethod),
    h("td", { class: "endpoint" }, profile.endpoint),
    h("td", { class: "rate" }, rateText(profile.maxPerSecond)),
    h("td", { class: "id-line" }, h("code", {}, profile.id), copyButton(profile.id)),
    h("td", { class: "row-actions" },
      h("button", { type: "button", name: "edit", onclick: () => editVariables(profile) }, "Edit variables"),
      h("button", { type: "button", name: "test", onclick: () => testProfile(profile) }, "Test"),
      statusButton(profile, changed),
      h("button", { type: "button", name: "rate-limit", onclick: () => openRateLimitForm(panel(), profile, changed) }, "Rate limit"),
      h("button", { type: "button", name: "replay", onclick: () => openReplayForm(panel(), profile) }, "Replay"),
      h("button", { type: "button", name: "delete", class: "danger", onclick: () => deleteProfile(profile) }, "Delete")
    )
  );
  // A mutation's answer redraws this row only: the list keeps its order and filters.
  function changed(fields) {
    row.replaceWith(profileRow({ ...profile, ...fields }));
  }
  return row;
}

async function testProfile(profile) {
  panel().replaceChildren(h("div", { class: "card" }, h("p", { class: "muted" }, "Sending a test callback to " + profile.endpoint + "…")));
  try {
    const data = await gql(TEST, { id: profile.id });
    const { attempt, userErrors } = data.testCallbackProfile;
    panel().replaceChildren(h("div", { class: "card test-result", id: "profile-test" },
      h("h2", {}, "Test of " + profile.title),
      attempt ? attemptSummary(attempt) : userErrors.map((e) => h("p", { class: "field-error" }, e.message))
    ));
  } catch (e) {
    notice(e.message);
  }
}

async function deleteProfile(profile) {
  if (!confirm(`Delete "${profile.title}"? Its pending callbacks will not be sent.`)) return;
  try {
    const data = await gql(DELETE, { id: profile.id });
    const errors = data.deleteCallbackProfile.userErrors;
    if (errors.length) return notice(errors.map((e) => e.message).join("; "));
    panel().replaceChildren();
    await showProfiles();
  } catch (e) {
    notice(e.message);
  }
}

async function editVariables(profile) {
  const all = await channels();
  const channel = all.find((c) => c.kind === profile.channel.kind);
  const template = h("textarea", { name: "bodyTemplate", rows: 6, dataset: { field: "bodyTemplate" }, spellcheck: "false" });
  template.value = profile.httpMethod === "GET" ? profile.queryTemplate || "" : JSON.stringify(profile.bodyTemplate, null, 2);
  const picker = variablePicker({ channel, method: () => profile.httpMethod, selected: profile.variables.map((v) => v.name), template });
  picker.panel.hidden = false;
  const form = h("form", { class: "card", id: "edit-form" },
    h("h2", {}, "Variables of " + profile.title),
    h("p", { class: "muted" }, "Only the variables and their template can change after a profile is created."),
    h("div", { class: "field" }, h("label", {}, "Dynamic variables"), picker.view, picker.panel),
    h("div", { class: "field" }, h("label", {}, profile.httpMethod === "GET" ? "Query string" : "Request body"), template),
    h("div", { class: "form-errors" }),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary" }, "Save variables"),
      h("button", { type: "button", onclick: () => panel().replaceChildren() }, "Cancel"))
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const parsed = parseTemplate(profile.httpMethod, template.value);
    if (parsed.error) return showUserErrors(form, [{ field: ["input", "bodyTemplate"], message: parsed.error, code: "INVALID_TEMPLATE" }]);
    const input = { variables: picker.names() };
    if (parsed.template) input.bodyTemplate = parsed.template;
    try {
      const data = await gql(EDIT, { id: profile.id, input });
      const payload = data.editCallbackProfileVariables;
      showUserErrors(form, payload.userErrors);
      if (payload.callbackProfile) {
        panel().replaceChildren();
        await showProfiles();
      }
    } catch (e) {
      notice(e.message);
    }
  });
  panel().replaceChildren(form);
}

export function startProfiles() {
  document.getElementById("add-profile").addEventListener("click", () =>
    openCreateForm(panel(), showProfiles).catch((e) => notice(e.message))
  );
  let typing = null;
  document.getElementById("profile-search").addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(showProfiles, 250);
  });
  document.getElementById("profile-channel").addEventListener("change", showProfiles);
  const status = document.getElementById("profile-status");
  status.append(...STATUSES.map((s) => h("option", { value: s }, s)));
  status.addEventListener("change", showProfiles);
}
