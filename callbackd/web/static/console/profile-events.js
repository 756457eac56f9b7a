// Profile events over the profileEvents subscription: status changes with their reasons,
// pauses after a 429, replays. Not held by Pause: they are few and say why attempts stopped.
import { subscribe } from "./api.js";
import { h, moment, notice } from "./dom.js";

const EVENTS = `subscription ProfileEvents($profileId: ID) {
  profileEvents(profileId: $profileId) {
    id kind profileId status reason at pausedUntil replayed
    profile { title }
  }
}`;
const KEEP = 100;

let stop = null;

function detail(event) {
  switch (event.kind) {
    case "PAUSED":
      return [event.reason, " Nothing is sent before ", moment(event.pausedUntil), "."];
    case "REPLAYED":
      return event.replayed === 1 ? "1 delivery queued again." : `${event.replayed} deliveries queued again.`;
    case "ENABLED":
      return "Held deliveries go on.";
    default:
      return event.reason;
  }
}

function row(event) {
  return h("tr", { class: "event-" + event.kind, dataset: { eventId: event.id, profileId: event.profileId } },
    h("td", {}, moment(event.at)),
    h("td", { class: "kind" }, event.kind),
    h("td", {}, h("span", { class: "badge status-" + event.status }, event.status)),
    h("td", {}, event.profile ? event.profile.title : event.profileId),
    h("td", { class: "detail" }, detail(event))
  );
}

export function watchEvents(profileId) {
  unwatchEvents();
  const body = document.getElementById("event-rows");
  stop = subscribe(EVENTS, { profileId }, (data) => {
    body.prepend(row(data.profileEvents));
    while (body.children.length > KEEP) body.lastChild.remove();
  }, (message) => notice("Profile events: " + message));
}

export function unwatchEvents() {
  if (stop) stop();
  stop = null;
}
