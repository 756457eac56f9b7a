// The console: the API key of this tab, the three views, and which one is shown.
import { apiKey, setApiKey } from "./api.js";
import { channels, forget } from "./catalog.js";
import { h, notice } from "./dom.js";
import { showDeliveries, startDeliveries } from "./deliveries.js";
import { startLive, unwatch, watch } from "./live.js";
import { showProfiles, startProfiles } from "./profiles.js";

const TABS = ["profiles", "live", "deliveries"];

function tab() {
  const wanted = location.hash.slice(1);
  return TABS.includes(wanted) ? wanted : "profiles";
}

async function showTab() {
  const current = tab();
  for (const name of TABS) document.getElementById(name).hidden = name !== current;
  document.querySelectorAll("nav a[data-tab]").forEach((a) => a.classList.toggle("active", a.dataset.tab === current));
  notice("");
  if (!apiKey()) {
    notice("Enter an API key above: it stays in this browser tab only.");
    return;
  }
  if (current === "profiles") await showProfiles();
  if (current === "deliveries") await showDeliveries();
  if (current === "live") watch();
  else unwatch();
}

async function fillChannelFilters() {
  try {
    const all = await channels();
    for (const id of ["profile-channel", "live-channel"]) {
      const select = document.getElementById(id);
      select.replaceChildren(select.firstElementChild, ...all.map((c) => h("option", { value: c.kind }, c.kind)));
    }
  } catch (e) {
    notice(e.message);
  }
}

function useKey(key) {
  setApiKey(key);
  forget();
  document.getElementById("key-state").textContent = key ? "key set for this tab" : "";
  if (key) fillChannelFilters();
  showTab();
}

document.getElementById("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  useKey(document.getElementById("api-key").value);
});
window.addEventListener("hashchange", showTab);
startProfiles();
startLive();
startDeliveries();
document.getElementById("api-key").value = apiKey();
useKey(apiKey());
