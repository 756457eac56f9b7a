// The public GraphQL API, over HTTP and graphql-transport-ws, with the key of this tab.
const KEY = "callbackd.apiKey";

export function apiKey() {
  return sessionStorage.getItem(KEY) || "";
}

export function setApiKey(key) {
  sessionStorage.setItem(KEY, key.trim());
}

export class ApiError extends Error {}

export async function gql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
      authorization: "Bearer " + apiKey(),
    },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError("The server answered HTTP " + response.status + ".");
  }
  if (body.errors && body.errors.length) {
    throw new ApiError(body.errors.map((e) => e.message).join("; "));
  }
  return body.data;
}

// One graphql-ws client per key, shared by every subscription of the page: one WebSocket
// carries them all, and it closes once none is left.
let client = null;
let clientKey = null;

function subscriptions() {
  const key = apiKey();
  if (!client || clientKey !== key) {
    if (client) client.dispose();
    client = graphqlWs.createClient({
      url: location.origin.replace(/^http/, "ws") + "/graphql",
      connectionParams: { Authorization: "Bearer " + key },
      retryAttempts: 5,
      // Watch again with other filters and the socket stays: no new handshake.
      lazyCloseTimeout: 1000,
    });
    clientKey = key;
  }
  return client;
}

// Runs a subscription until the returned function is called.
export function subscribe(query, variables, onData, onError) {
  return subscriptions().subscribe(
    { query, variables },
    {
      next: (result) =>
        result.errors ? onError(result.errors.map((e) => e.message).join("; ")) : onData(result.data),
      error: (error) => onError(error && error.reason ? error.reason : "connection lost"),
      complete: () => {},
    }
  );
}
