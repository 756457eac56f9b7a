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

  let current = { key: null, fetcher: null };
  function fetcherFor(key) {
    if (current.key !== key) {
      const auth = key ? { Authorization: "Bearer " + key } : {};
      current = {
        key: key,
        fetcher: GraphiQL.createFetcher({
          url: url,
          subscriptionUrl: wsUrl,
          headers: auth,
          wsConnectionParams: auth,
        }),
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
      defaultQuery: "{\n  channels {\n    kind\n    label\n  }\n}\n",
    })
  );
})();
