// Opens a graphql-ws connection with the given connection params and prints how it ended as
// one JSON line: {"acknowledged": true} once the server acknowledged it, or {"closed": CODE,
// "reason": "..."} when the server closed it first. Usage: node connect.mjs WS_URL PARAMS_JSON
// TIMEOUT_MS. Always stops by itself.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, params, timeoutMs] = process.argv.slice(2);

function finish(result, code) {
  console.log(JSON.stringify(result));
  process.exit(code);
}

const timer = setTimeout(() => finish({ timeout: true }, 2), Number(timeoutMs));

createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: JSON.parse(params),
  lazy: false,
  retryAttempts: 0,
  onNonLazyError: () => {},
  on: {
    connected: () => {
      clearTimeout(timer);
      finish({ acknowledged: true }, 0);
    },
    closed: (event) => {
      clearTimeout(timer);
      finish({ closed: event.code, reason: event.reason }, 0);
    },
  },
});
