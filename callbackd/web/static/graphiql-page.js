// GraphiQL for callbackd: every request carries the API key typed in the bar above it, over
// HTTP as a bearer token and over graphql-transport-ws in connection_init.
(function () {
  "use strict";
  const KEY = "callbackd.apiKey";
  const input = document.getElementById("api-key");
  const state = document.getElementById("key-state");
  const url = window.location.origin + "/graphql";
  const wsUrl = url.replace(/^http/, "ws");

  input.value = sessionStorage.getItem(KEY) || "";
  function showState() {
    state.textContent = input.value ? "" : "Enter an API key to run operations";
  }
  input.addEventListener("input", function () {
    sessionStorage.setItem(KEY, input.value.trim());
    showState();
  });
  showState();

  let current = { key: null, fetcher: null, client: null };
  function fetcherFor(key) {
    if (current.key !== key) {
      if (current.client) current.client.dispose();
      const auth = key ? { Authorization: "Bearer " + key } : {};
      // Subscriptions over graphql-transport-ws, with the vendored graphql-ws client.
      const client = graphqlWs.createClient({ url: wsUrl, connectionParams: auth, lazy: true });
      current = {
        key: key,
        client: client,
        fetcher: GraphiQL.createFetcher({ url: url, headers: auth, wsClient: client }),
      };
    }
    return current.fetcher;
  }
  function fetcher(params, options) {
    return fetcherFor(sessionStorage.getItem(KEY) || "")(params, options);
  }

  const explorer = GraphiQLPluginExplorer.explorerPlugin();
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: [explorer],
      defaultEditorToolsVisibility: true,
      defaultQuery:
        "# Subscriptions run over graphql-transport-ws when they have a name, e.g.\n" +
        "# subscription Attempts { deliveryAttempts { outcome statusCode profile { id } } }\n" +
        "{\n  channels {\n    kind\n    label\n  }\n}\n",
    })
  );
})();
