// Live attempts over the deliveryAttempts subscription: filters, outcome colours, pause; and
// the watched profiles' events beside them.
import { subscribe } from "./api.js";
import { h, notice, when } from "./dom.js";
import { unwatchEvents, watchEvents } from "./profile-events.js";

const ATTEMPTS = `subscription LiveAttempts($profileId: ID, $channel: ChannelKind) {
  deliveryAttempts(profileId: $profileId, channel: $channel) {
    id number trigger outcome channel statusCode durationMs error startedAt
    profile { id title }
    delivery { id }
  }
}`;
const KEEP = 200;

let stop = null;
let paused = false;
let held = [];

function row(attempt) {
  return h("tr", { class: "outcome-" + attempt.outcome, dataset: { attemptId: attempt.id } },
    h("td", {}, when(attempt.startedAt)),
    h("td", { class: "outcome" }, attempt.outcome),
    h("td", {}, attempt.statusCode ?? ""),
    h("td", {}, Math.round(attempt.durationMs) + " ms"),
    h("td", {}, attempt.trigger),
    h("td", {}, attempt.number),
    h("td", {}, attempt.channel),
    h("td", {}, attempt.profile ? attempt.profile.title : ""),
    h("td", {}, h("code", {}, attempt.delivery ? attempt.delivery.id : ""))
  );
}

function show(attempts) {
  const body = document.getElementById("live-rows");
  for (const attempt of attempts) body.prepend(row(attempt));
  while (body.children.length > KEEP) body.lastChild.remove();
}

function state(text) {
  document.getElementById("live-state").textContent = text;
}

export function watch() {
  if (stop) stop();
  const profileId = document.getElementById("live-profile").value.trim() || null;
  const channel = document.getElementById("live-channel").value || null;
  state("Watching");
  watchEvents(profileId);
  stop = subscribe(ATTEMPTS, { profileId, channel }, (data) => {
    if (paused) {
      held.push(data.deliveryAttempts);
      state(`Paused: ${held.length} waiting`);
    } else {
      show([data.deliveryAttempts]);
    }
  }, (message) => {
    state("Stopped");
    notice("Live attempts: " + message);
  });
}

export function unwatch() {
  if (stop) stop();
  stop = null;
  unwatchEvents();
}

export function startLive() {
  document.getElementById("live-filters").addEventListener("submit", (event) => {
    event.preventDefault();
    watch();
  });
  const pause = document.getElementById("live-pause");
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.textContent = paused ? "Resume" : "Pause";
    if (paused) {
      state("Paused: 0 waiting");
    } else {
      show(held);
      held = [];
      state("Watching");
    }
  });
}
