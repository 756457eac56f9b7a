// Add callback profile: the steps of the platform's form, then Test and Save through the API.
import { gql } from "./api.js";
import { channels, parseTemplate } from "./catalog.js";
import { attemptSummary, copyButton, h, notice, showUserErrors } from "./dom.js";
import { parseRate, rateField } from "./rate-limit.js";
import { variablePicker } from "./variables.js";

const ATTEMPT = "id number trigger outcome statusCode responseBody durationMs error startedAt";
const CREATE = `mutation CreateProfile($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) {
    callbackProfile { id title }
    signingSecret
    userErrors { field message code }
  }
}`;
const TEST_DRAFT = `mutation TestDraft($draft: CreateCallbackProfileInput!) {
  testCallbackProfile(draft: $draft) {
    attempt { ${ATTEMPT} }
    userErrors { field message code }
  }
}`;
const ALGORITHMS = ["AES_128_CFB", "AES_192_CFB", "AES_256_CFB", "AES_128_GCM", "AES_192_GCM", "AES_256_GCM"];
const ENCODINGS = ["TEXT", "HEX", "BASE64"];
const AUTH_TYPES = ["NONE", "BASIC", "TOKEN"];
const TOKEN_CREDENTIALS = ["OAUTH2_FORM", "JSON_BODY", "BASIC_HEADER"];

// Basic or token authentication to the endpoint: the fields of the chosen type only, the
// password and client secret as password inputs (write-only on the server too).
function authenticationStep() {
  const text = (name, attrs = {}) => h("input", { name: `authentication.${name}`, dataset: { field: `authentication.${name}` }, ...attrs });
  const basic = h("div", { class: "auth-basic", hidden: true },
    field("Username", "authentication.username", text("username")),
    field("Password", "authentication.password", text("password", { type: "password" })));
  const token = h("div", { class: "auth-token", hidden: true },
    field("Token URL", "authentication.tokenUrl", text("tokenUrl", { type: "url", placeholder: "https://auth.example.com/oauth/token" })),
    field("Token request method", "authentication.tokenMethod", select("authentication.tokenMethod", ["POST", "GET"])),
    field("Credentials sent as", "authentication.credentials", select("authentication.credentials", TOKEN_CREDENTIALS)),
    field("Client ID", "authentication.clientId", text("clientId")),
    field("Client secret", "authentication.clientSecret", text("clientSecret", { type: "password" })),
    field("Token field", "authentication.tokenField", text("tokenField", { value: "access_token" }), "Dotted path in the JSON answer."),
    field("Lifetime field", "authentication.expiresInField", text("expiresInField", { value: "expires_in" }), "Seconds, a number or a numeric string."));
  const type = select("authentication.type", AUTH_TYPES, {
    onchange: () => {
      basic.hidden = type.value !== "BASIC";
      token.hidden = type.value !== "TOKEN";
    },
  });
  return {
    view: h("div", { class: "field" }, field("Authentication", "authentication.type", type), basic, token),
    input(form) {
      const value = (name) => form.elements[`authentication.${name}`].value;
      if (type.value === "BASIC") return { type: "BASIC", username: value("username"), password: value("password") };
      if (type.value === "TOKEN") {
        return {
          type: "TOKEN", tokenUrl: value("tokenUrl").trim(), tokenMethod: value("tokenMethod"),
          credentials: value("credentials"), clientId: value("clientId"), clientSecret: value("clientSecret"),
          tokenField: value("tokenField").trim(), expiresInField: value("expiresInField").trim(),
        };
      }
      return null;
    },
  };
}

function field(label, name, control, hint) {
  return h("div", { class: "field" },
    h("label", {}, label),
    control,
    hint ? h("p", { class: "hint" }, hint) : null
  );
}

function select(name, options, attrs = {}) {
  return h("select", { name, dataset: { field: name }, ...attrs },
    options.map((o) => (typeof o === "string" ? h("option", { value: o }, o) : h("option", o.attrs, o.label)))
  );
}

function headerRow(index) {
  const value = h("input", { name: "header-value", type: "text", placeholder: "value", dataset: { field: `headers.${index}.value` } });
  const secret = h("input", { type: "checkbox", name: "header-secret", onchange: () => (value.type = secret.checked ? "password" : "text") });
  return h("div", { class: "header-row field", dataset: { field: `headers.${index}` } },
    h("input", { name: "header-name", placeholder: "name, e.g. api-key", dataset: { field: `headers.${index}.name` } }),
    value,
    h("label", { class: "inline" }, secret, " secret")
  );
}

export async function openCreateForm(panel, onSaved) {
  const all = await channels();
  const form = h("form", { id: "create-form", class: "card", novalidate: true });
  const channelSelect = select("channel", [
    { label: "Select a channel", attrs: { value: "" } },
    ...all.map((c) => ({ label: c.label, attrs: { value: c.kind } })),
  ]);
  const steps = h("div", { class: "steps" });
  form.append(
    h("h2", {}, "Add callback profile"),
    field("Title", "title", h("input", { name: "title", dataset: { field: "title" }, required: true }),
      "Letters, digits, spaces, hyphens and underscores; used to search profiles."),
    field("Select channel API", "channel", channelSelect),
    steps,
    rateField(),
    h("div", { class: "form-errors" }),
    h("div", { class: "actions" },
      h("button", { type: "button", name: "test" }, "Test"),
      h("button", { type: "submit", class: "primary", name: "save" }, "Save"),
      h("button", { type: "button", name: "cancel", onclick: () => panel.replaceChildren() }, "Cancel")
    ),
    h("div", { class: "result", id: "create-result" })
  );
  let current = null;
  channelSelect.addEventListener("change", () => {
    const channel = all.find((c) => c.kind === channelSelect.value);
    current = channel ? channelSteps(channel, steps) : null;
    if (!channel) steps.replaceChildren();
  });
  const result = form.querySelector("#create-result");

  function input() {
    if (!current) return { error: { field: ["input", "channel"], message: "Select a channel first.", code: "REQUIRED" } };
    const built = current.input();
    if (built.error) return built;
    const rate = parseRate(form.elements.maxPerSecond.value, ["input", "maxPerSecond"]);
    if (rate.error) return rate;
    const limit = rate.value === null ? {} : { maxPerSecond: rate.value };
    return { input: { title: form.elements.title.value, channel: channelSelect.value, ...built.input, ...limit } };
  }

  form.querySelector("[name=test]").addEventListener("click", async () => {
    const built = input();
    if (built.error) return showUserErrors(form, [built.error]);
    result.replaceChildren(h("p", { class: "muted" }, "Sending a test callback…"));
    try {
      const data = await gql(TEST_DRAFT, { draft: built.input });
      const payload = data.testCallbackProfile;
      showUserErrors(form, payload.userErrors);
      result.replaceChildren(payload.attempt ? h("div", { class: "test-result" }, h("h3", {}, "Test callback"), attemptSummary(payload.attempt)) : "");
    } catch (e) {
      result.replaceChildren();
      notice(e.message);
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const built = input();
    if (built.error) return showUserErrors(form, [built.error]);
    try {
      const data = await gql(CREATE, { input: built.input });
      const payload = data.createCallbackProfile;
      showUserErrors(form, payload.userErrors);
      if (!payload.callbackProfile) return;
      const id = payload.callbackProfile.id;
      panel.replaceChildren(
        h("div", { class: "card saved", id: "saved-profile" },
          h("h2", {}, "Saved: " + payload.callbackProfile.title),
          h("p", {}, "Callback profile id (put it in your send requests as callback_profile_id):"),
          h("p", { class: "id-line" }, h("code", { id: "saved-profile-id" }, id), copyButton(id)),
          h("p", {}, "Signing secret, shown only now: verify callbacks with it (Standard Webhooks)."),
          h("p", { class: "id-line" }, h("code", { class: "secret" }, payload.signingSecret), copyButton(payload.signingSecret)),
          h("button", { type: "button", onclick: () => panel.replaceChildren() }, "Done")
        )
      );
      onSaved();
    } catch (e) {
      notice(e.message);
    }
  });
  panel.replaceChildren(form);
  form.elements.title.focus();
}

// The fields that depend on the channel: event, methods, endpoint, variables and template,
// body format, headers, encryption and (SMS) the response message.
function channelSteps(channel, steps) {
  const method = select("httpMethod", channel.httpMethods.map((m) => ({
    label: channel.allowedHttpMethods.includes(m) ? m : m + " (not for this channel)",
    attrs: { value: m, disabled: !channel.allowedHttpMethods.includes(m), selected: m === channel.allowedHttpMethods[0] },
  })));
  const template = h("textarea", { name: "bodyTemplate", rows: 6, dataset: { field: "bodyTemplate" }, spellcheck: "false" });
  const picker = variablePicker({ channel, method: () => method.value, selected: [], template });
  const templateLabel = h("label", {}, "");
  const format = select("bodyFormat", channel.bodyFormats);
  const formatField = field("Body format", "bodyFormat", format, "JSON, or for Email form data or urlencoded.");
  const headers = h("div", { class: "headers" }, headerRow(0));
  const encryptionFields = h("div", { class: "encryption", hidden: true },
    field("Algorithm", "encryption.algorithm", select("encryption.algorithm", ALGORITHMS)),
    field("Key", "encryption.key", h("input", { name: "encryption.key", type: "password", dataset: { field: "encryption.key" } })),
    field("Key encoding", "encryption.keyEncoding", select("encryption.keyEncoding", ENCODINGS)),
    field("Initialization vector", "encryption.iv", h("input", { name: "encryption.iv", type: "password", dataset: { field: "encryption.iv" } })),
    field("IV encoding", "encryption.ivEncoding", select("encryption.ivEncoding", ENCODINGS)),
    field("Parameters", "encryption.parameters",
      h("input", { name: "encryption.parameters", placeholder: "comma-separated; empty: every variable", dataset: { field: "encryption.parameters" } })),
    h("label", { class: "inline" }, h("input", { type: "checkbox", name: "encryption.randomIv" }), " fresh IV per value (sent before the ciphertext)")
  );
  const encrypt = h("input", { type: "checkbox", name: "encrypt", onchange: () => (encryptionFields.hidden = !encrypt.checked) });
  const authentication = authenticationStep();
  const response = h("input", { name: "responseMessage", dataset: { field: "responseMessage" } });
  const responseField = h("div", { class: "response", hidden: true }, field("Response message", "responseMessage", response,
    "A 2xx answer counts as delivered only if its body contains this text."));
  const required = h("input", { type: "checkbox", name: "required-options", onchange: () => (responseField.hidden = !required.checked) });

  function methodChanged() {
    const get = method.value === "GET";
    templateLabel.textContent = get ? "Query string (appended to the endpoint)" : "Request body";
    formatField.hidden = get;
    const first = channel.dynamicVariables[0].name;
    template.placeholder = get ? `${first}=<${first}>` : `{"${first}": "<${first}>"}`;
  }
  method.addEventListener("change", methodChanged);

  const children = [
    field("Events for the selected channel", "event", h("input", { name: "event", readonly: true, value: channel.events.map((e) => e.name).join(", ") })),
    field("HTTP method", "httpMethod", method),
    field("Enter endpoint", "endpoint", h("input", { name: "endpoint", type: "url", placeholder: "https://example.com/callbacks", dataset: { field: "endpoint" } })),
    h("div", { class: "field" }, h("label", {}, "Dynamic variables"), picker.view, picker.panel),
    h("div", { class: "field" }, templateLabel, template),
    formatField,
    h("div", { class: "field" }, h("label", {}, "Headers"), headers,
      h("button", { type: "button", onclick: () => headers.append(headerRow(headers.children.length)) }, "+ Add more")),
    h("div", { class: "field" }, h("label", { class: "inline" }, encrypt, " Enable encryption"), encryptionFields),
    authentication.view,
    channel.supportsResponseMessage
      ? h("div", { class: "field" }, h("label", { class: "inline" }, required, " Enable callback required options"), responseField)
      : null,
  ];
  steps.replaceChildren(...children.filter(Boolean));
  methodChanged();

  return {
    input() {
      const form = steps.closest("form");
      const parsed = parseTemplate(method.value, template.value);
      if (parsed.error) return { error: { field: ["input", "bodyTemplate"], message: parsed.error, code: "INVALID_TEMPLATE" } };
      const built = {
        httpMethod: method.value,
        endpoint: form.elements.endpoint.value.trim(),
        variables: picker.names(),
        headers: [...headers.children]
          .map((row) => ({
            name: row.querySelector("[name=header-name]").value.trim(),
            value: row.querySelector("[name=header-value]").value,
            secret: row.querySelector("[name=header-secret]").checked,
          }))
          .filter((header) => header.name || header.value),
      };
      if (parsed.template) built.bodyTemplate = parsed.template;
      if (method.value !== "GET") built.bodyFormat = format.value;
      if (encrypt.checked) {
        const value = (name) => form.elements["encryption." + name].value;
        built.encryption = {
          algorithm: value("algorithm"),
          key: value("key"),
          iv: value("iv"),
          keyEncoding: value("keyEncoding"),
          ivEncoding: value("ivEncoding"),
          parameters: value("parameters").split(",").map((p) => p.trim()).filter(Boolean),
          randomIv: form.elements["encryption.randomIv"].checked,
        };
      }
      const auth = authentication.input(form);
      if (auth) built.authentication = auth;
      if (channel.supportsResponseMessage && required.checked && response.value) {
        built.responseMessage = response.value;
      }
      return { input: built };
    },
  };
}
