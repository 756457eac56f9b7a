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
  let typing = null;
  input.addEventListener("input", function () {
    sessionStorage.setItem(KEY, input.value.trim());
    showState();
    clearTimeout(typing);
    typing = setTimeout(render, 300);
  });
  showState();

  // Whether the operation to run is a subscription: those go over the WebSocket.
  function isSubscription(params) {
    const query = params.query || "";
    if (params.operationName) {
      return new RegExp("\\bsubscription\\s+" + params.operationName + "\\b").test(query);
    }
    return /^\s*(?:#[^\n]*\n\s*)*subscription\b/.test(query);
  }

  let current = { key: null, http: null, ws: null };
  function clientsFor(key) {
    if (current.key !== key) {
      if (current.ws) current.ws.dispose();
      const auth = key ? { Authorization: "Bearer " + key } : {};
      current = {
        key: key,
        http: GraphiQL.createFetcher({ url: url, headers: auth }),
        ws: graphqlWs.createClient({ url: wsUrl, connectionParams: auth, lazy: true }),
      };
    }
    return current;
  }

  const explorer = GraphiQLPluginExplorer.explorerPlugin();
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  function render() {
    // Each render gets a fetcher of its own, which GraphiQL takes as a cue to fetch the schema
    // again; every call still uses the key as it is at that moment.
    const fetcher = function (params, options) {
      const clients = clientsFor(sessionStorage.getItem(KEY) || "");
      if (isSubscription(params)) {
        return clients.ws.iterate({
          query: params.query,
          variables: params.variables,
          operationName: params.operationName,
        });
      }
      return clients.http(params, options);
    };
    root.render(
      React.createElement(GraphiQL, {
        fetcher: fetcher,
        plugins: [explorer],
        defaultEditorToolsVisibility: true,
        defaultQuery:
          "# Subscriptions run over graphql-transport-ws, e.g.\n" +
          "# subscription { deliveryAttempts { outcome statusCode profile { id } } }\n" +
          "{\n  channels {\n    kind\n    label\n  }\n}\n",
      })
    );
  }
  render();
})();
