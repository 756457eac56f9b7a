// A profile's status: the badge with its reason and when it changed, and Disable / Enable.
import { gql } from "./api.js";
import { h, moment, notice } from "./dom.js";

export const STATUSES = ["ACTIVE", "DISABLED", "AUTO_DISABLED"];
const CHANGED = "callbackProfile { id status statusReason statusChangedAt } userErrors { field message code }";
const DISABLE = `mutation DisableProfile($id: ID!) { disableCallbackProfile(id: $id) { ${CHANGED} } }`;
const ENABLE = `mutation EnableProfile($id: ID!) { enableCallbackProfile(id: $id) { ${CHANGED} } }`;

export function statusBadge(profile) {
  return h("div", { class: "profile-status" },
    h("span", { class: "badge status-" + profile.status }, profile.status),
    profile.statusReason ? h("p", { class: "status-reason" }, profile.statusReason) : null,
    profile.statusChangedAt ? h("p", { class: "status-changed muted" }, "since ", moment(profile.statusChangedAt)) : null
  );
}

// Disable for an active profile, Enable for any other; `changed` gets the new status fields,
// and a refusal (the profile deleted meanwhile) is shown under the button.
export function statusButton(profile, changed) {
  const active = profile.status === "ACTIVE";
  const button = h("button", { type: "button", name: active ? "disable" : "enable" }, active ? "Disable" : "Enable");
  button.addEventListener("click", async () => {
    const cell = button.parentElement;
    cell.querySelectorAll(".row-error").forEach((el) => el.remove());
    button.disabled = true;
    try {
      const data = await gql(active ? DISABLE : ENABLE, { id: profile.id });
      const payload = active ? data.disableCallbackProfile : data.enableCallbackProfile;
      if (payload.callbackProfile) return changed(payload.callbackProfile);
      cell.append(...payload.userErrors.map((e) => h("p", { class: "row-error field-error", role: "alert", dataset: { code: e.code } }, e.message)));
    } catch (e) {
      notice(e.message);
    }
    button.disabled = false;
  });
  return button;
}
