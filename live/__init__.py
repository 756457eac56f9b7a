"""Live attempts: how what is recorded reaches the subscribers watching it.

- `live.fanout`, the feed contract: a store publishes attempts and profile events into a
  `FanOut`, each reader holds a `Subscription` (the stores implement it; the MongoDB store
  also tails its capped feed collection for other processes' entries, in storage/);
- `live.hub`, one reader of the store's attempts per process, offering each attempt to the
  subscribers of its account, each with a bounded queue;
- `live.streams`, subscriptions shared between subscribers asking the same thing, executed
  and encoded once per event. It builds on Strawberry's graphql-transport-ws handler, so it
  is imported from its module rather than from here, and a store taking the feed contract
  loads no GraphQL.

Imports the domain and the catalog, never storage.
"""

from __future__ import annotations

from live.fanout import FanOut, Subscription
from live.hub import QUEUE_LIMIT, TOO_SLOW, Hub, SubscriberTooSlow

__all__ = ["QUEUE_LIMIT", "TOO_SLOW", "FanOut", "Hub", "SubscriberTooSlow", "Subscription"]
