// A profile's rate limit (maxPerSecond): its field on the create form, how it reads in the
// list, and the form that changes or removes it.
import { gql } from "./api.js";
import { h, notice, showUserErrors } from "./dom.js";

const SET = `mutation SetRateLimit($id: ID!, $maxPerSecond: Float) {
  setCallbackProfileRateLimit(id: $id, maxPerSecond: $maxPerSecond) {
    callbackProfile { id maxPerSecond }
    userErrors { field message code }
  }
}`;
const HINT = "Most callbacks sent to the endpoint per second, e.g. 50 or 0.5; empty for no limit. " +
  "Held-back callbacks wait: they do not fail or use an attempt.";

export function rateText(maxPerSecond) {
  // Four significant digits: one a minute reads 0.01667/s.
  return maxPerSecond === null || maxPerSecond === undefined ? "none" : `${+maxPerSecond.toPrecision(4)}/s`;
}

function rateInput(value) {
  return h("input", { name: "maxPerSecond", inputmode: "decimal", value, placeholder: "no limit", dataset: { field: "maxPerSecond" } });
}

// The typed value as the API takes it ({ value }, null for no limit), or a userErrors-shaped
// entry when it is not a number at all; the range is the server's to check.
export function parseRate(text, field) {
  const trimmed = text.trim();
  if (!trimmed) return { value: null };
  const value = Number(trimmed);
  if (!Number.isFinite(value)) {
    return { error: { field, message: "Enter a number of callbacks per second, e.g. 50 or 0.5.", code: "INVALID_VALUE" } };
  }
  return { value };
}

export function rateField() {
  return h("div", { class: "field" }, h("label", {}, "Rate limit (callbacks per second)"), rateInput(""), h("p", { class: "hint" }, HINT));
}

export function openRateLimitForm(panel, profile, changed) {
  const input = rateInput(profile.maxPerSecond ?? "");
  const form = h("form", { class: "card", id: "rate-limit-form", novalidate: true },
    h("h2", {}, "Rate limit of " + profile.title),
    h("div", { class: "field" }, h("label", {}, "Callbacks per second"), input, h("p", { class: "hint" }, HINT)),
    h("div", { class: "form-errors" }),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: "primary", name: "save" }, "Save limit"),
      h("button", { type: "button", name: "remove", onclick: () => save(null) }, "Remove limit"),
      h("button", { type: "button", name: "cancel", onclick: () => panel.replaceChildren() }, "Cancel"))
  );
  async function save(value) {
    try {
      const data = await gql(SET, { id: profile.id, maxPerSecond: value });
      const payload = data.setCallbackProfileRateLimit;
      showUserErrors(form, payload.userErrors, 0);
      if (!payload.callbackProfile) return;
      panel.replaceChildren();
      changed(payload.callbackProfile);
    } catch (e) {
      notice(e.message);
    }
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const parsed = parseRate(input.value, ["maxPerSecond"]);
    if (parsed.error) return showUserErrors(form, [parsed.error], 0);
    save(parsed.value);
  });
  panel.replaceChildren(form);
  input.focus();
}
