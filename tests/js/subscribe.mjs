// Subscribes to deliveryAttempts with the graphql-ws client and prints each result as one JSON
// line. Usage: node subscribe.mjs WS_URL API_KEY COUNT TIMEOUT_MS
// Prints "ready" once the server acknowledged the connection, exits after COUNT results or
// when TIMEOUT_MS passes (exit code 2), so it always stops by itself.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, key, count, timeoutMs] = process.argv.slice(2);
const wanted = Number(count);
let seen = 0;

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${key}` },
  retryAttempts: 0,
  on: { connected: () => console.log('ready') },
});

const timer = setTimeout(() => {
  console.log(JSON.stringify({ timeout: true, seen }));
  client.dispose();
  process.exit(2);
}, Number(timeoutMs));

client.subscribe(
  { query: 'subscription { deliveryAttempts { id trigger outcome statusCode profile { id } } }' },
  {
    next: (result) => {
      console.log(JSON.stringify(result));
      seen += 1;
      if (seen >= wanted) {
        clearTimeout(timer);
        client.dispose();
        process.exit(0);
      }
    },
    error: (error) => {
      console.log(JSON.stringify({ error: String(error?.message ?? JSON.stringify(error)) }));
      clearTimeout(timer);
      process.exit(1);
    },
    complete: () => {},
  },
);
