// Deliveries with their attempt history, and a retry for those that failed.
import { gql } from "./api.js";
import { attemptSummary, h, notice, when } from "./dom.js";

const LIST = `query Deliveries($profileId: ID, $status: DeliveryStatus) {
  deliveries(first: 50, profileId: $profileId, status: $status) {
    edges { node {
      id status attemptCount channel createdAt nextAttemptAt
      profile { id title }
      attempts { id number trigger outcome statusCode responseBody durationMs error startedAt }
    } }
  }
}`;
const RETRY = `mutation RetryDelivery($id: ID!) {
  retryDelivery(id: $id) { delivery { id status } userErrors { field message code } }
}`;

export async function showDeliveries() {
  const profileId = document.getElementById("delivery-profile").value.trim() || null;
  const status = document.getElementById("delivery-status").value || null;
  try {
    const data = await gql(LIST, { profileId, status });
    const body = document.getElementById("delivery-rows");
    body.replaceChildren(...data.deliveries.edges.flatMap((e) => deliveryRows(e.node)));
  } catch (e) {
    notice(e.message);
  }
}

function deliveryRows(delivery) {
  const history = h("tr", { class: "history", hidden: true },
    h("td", { colspan: 7 },
      delivery.attempts.length
        ? delivery.attempts.map((a) => h("div", { class: "history-item" },
            h("span", { class: "muted" }, `#${a.number} ${a.trigger} ${when(a.startedAt)}`), attemptSummary(a)))
        : h("p", { class: "muted" }, "No attempt yet" + (delivery.nextAttemptAt ? "; next at " + when(delivery.nextAttemptAt) : ""))
    )
  );
  const main = h("tr", { class: "status-" + delivery.status, dataset: { deliveryId: delivery.id } },
    h("td", {}, when(delivery.createdAt)),
    h("td", { class: "status" }, delivery.status),
    h("td", {}, delivery.attemptCount),
    h("td", {}, delivery.channel),
    h("td", {}, delivery.profile ? delivery.profile.title : ""),
    h("td", {}, h("code", {}, delivery.id)),
    h("td", { class: "row-actions" },
      h("button", { type: "button", name: "history", onclick: () => (history.hidden = !history.hidden) }, "Attempts"),
      delivery.status === "FAILED"
        ? h("button", { type: "button", name: "retry", onclick: () => retry(delivery.id) }, "Retry")
        : null)
  );
  return [main, history];
}

async function retry(id) {
  try {
    const data = await gql(RETRY, { id });
    const errors = data.retryDelivery.userErrors;
    if (errors.length) notice(errors.map((e) => e.message).join("; "));
    await showDeliveries();
  } catch (e) {
    notice(e.message);
  }
}

export function startDeliveries() {
  document.getElementById("delivery-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    showDeliveries();
  });
}
