// Replay of a profile's finished deliveries over a span: one idempotency key per replay the
// form describes, so a double click or a second press queues nothing twice.
import { gql } from "./api.js";
import { h, notice, showUserErrors } from "./dom.js";

const REPLAY = `mutation Replay($profileId: ID!, $since: DateTime!, $until: DateTime, $status: DeliveryStatus, $idempotencyKey: String) {
  replayDeliveries(profileId: $profileId, since: $since, until: $until, status: $status, idempotencyKey: $idempotencyKey) {
    replayed
    userErrors { field message code }
  }
}`;
const DAY_MS = 24 * 3600 * 1000;

// Random without crypto.randomUUID, which plain HTTP to a host other than loopback lacks.
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return "console-replay-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// datetime-local inputs show and take local time without a zone.
function localValue(date) {
  return new Date(date.getTime() - date.getTimezoneOffset() * 60000).toISOString().slice(0, 19);
}

function instant(value) {
  return value ? new Date(value).toISOString() : null;
}

function deliveries(n) {
  return n === 1 ? "1 delivery" : `${n} deliveries`;
}

function field(label, control, hint) {
  return h("div", { class: "field" }, h("label", {}, label), control, hint ? h("p", { class: "hint" }, hint) : null);
}

export function openReplayForm(panel, profile) {
  const since = h("input", { type: "datetime-local", step: 1, name: "since", value: localValue(new Date(Date.now() - DAY_MS)), dataset: { field: "since" } });
  const until = h("input", { type: "datetime-local", step: 1, name: "until", dataset: { field: "until" } });
  const status = h("select", { name: "status", dataset: { field: "status" } }, h("option", {}, "FAILED"), h("option", {}, "SUCCEEDED"));
  const submit = h("button", { type: "submit", class: "primary", name: "replay" }, "Replay");
  const result = h("p", { id: "replay-result", role: "status" });
  const form = h("form", { class: "card", id: "replay-form", novalidate: true },
    h("h2", {}, "Replay deliveries of " + profile.title),
    h("p", { class: "muted" }, "Finished deliveries published in the span are queued again, each for one manual attempt, in the order they were first published."),
    field("Since", since, "Published at or after this time (local time)."),
    field("Until", until, "Published before this time; empty: up to now."),
    field("Status", status),
    h("div", { class: "form-errors" }),
    h("div", { class: "actions" }, submit,
      h("button", { type: "button", name: "cancel", onclick: () => panel.replaceChildren() }, "Cancel")),
    result
  );
  // A new key only when the replay described changes; the keys the server has answered.
  let key = newKey();
  const answered = new Set();
  form.addEventListener("input", () => (key = newKey()));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    if (!since.value) {
      return showUserErrors(form, [{ field: ["since"], message: "Give the start of the span.", code: "REQUIRED" }], 0);
    }
    const sent = key;
    submit.disabled = true;
    try {
      const data = await gql(REPLAY, {
        profileId: profile.id, since: instant(since.value), until: instant(until.value), status: status.value, idempotencyKey: sent,
      });
      const payload = data.replayDeliveries;
      showUserErrors(form, payload.userErrors, 0);
      if (payload.replayed === null) {
        result.replaceChildren();
      } else if (answered.has(sent)) {
        result.textContent = `Already replayed: ${deliveries(payload.replayed)} queued by the first press; nothing queued again.`;
      } else {
        answered.add(sent);
        result.textContent = payload.replayed
          ? `Queued ${deliveries(payload.replayed)} again.`
          : "No finished delivery matched: nothing queued.";
      }
    } catch (e) {
      notice(e.message);
    } finally {
      submit.disabled = false;
    }
  });
  panel.replaceChildren(form);
}
