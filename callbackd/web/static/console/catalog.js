// The channels catalog, read once per key: labels, events, methods, formats, variables.
import { gql } from "./api.js";

const CHANNELS = `query Channels {
  channels {
    kind label events { key name } httpMethods allowedHttpMethods bodyFormats
    supportsResponseMessage
    dynamicVariables { name description example type allowedValues placeholder }
  }
}`;

let loaded = null;

export async function channels() {
  if (!loaded) {
    loaded = gql(CHANNELS).then((data) => data.channels);
    loaded.catch(() => (loaded = null));
  }
  return loaded;
}

export function forget() {
  loaded = null;
}

// The template text the platform's form shows for the chosen placeholders: a JSON body for
// POST, query-string pairs for GET.
export function templateText(method, names) {
  if (method === "GET") return names.map((n) => `${n}=<${n}>`).join("&");
  const body = {};
  for (const n of names) body[n] = `<${n}>`;
  return JSON.stringify(body, null, 2);
}

// The edited template as the API takes it (bodyTemplate), or an error message for its field.
export function parseTemplate(method, text) {
  if (!text.trim()) return { template: null };
  if (method === "GET") {
    const template = {};
    for (const [name, value] of new URLSearchParams(text.trim().replace(/^\?/, ""))) {
      template[name] = value;
    }
    return { template };
  }
  try {
    return { template: JSON.parse(text) };
  } catch (e) {
    return { error: "The request body is not valid JSON: " + e.message };
  }
}
