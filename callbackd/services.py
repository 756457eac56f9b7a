"""Wires the store, the domain services and the delivery engine for one process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import httpx

from callbackd.config import Settings
from delivery.engine import Engine, EngineSettings
from delivery.expiry import Expiry
from delivery.guard import Guard
from delivery.hub import Hub
from delivery.recorder import Recorder
from delivery.retry import RetryPolicy
from delivery.sender import Sender, new_client
from delivery.tester import Tester
from delivery.tokens import Tokens
from domain.accounts import Accounts
from domain.deliveries import Deliveries
from domain.profiles import Profiles
from domain.secretbox import SecretBox
from graph.context import Services
from storage import open_store


@dataclass
class Runtime:
    """Everything one process runs; `start` and `stop` bracket its life."""

    services: Services
    engine: Engine | None
    client: httpx.AsyncClient
    expiry: Expiry | None = None
    max_body_bytes: int = 1 << 20

    async def start(self) -> None:
        await self.services.store.start()
        if self.engine is not None:
            self.engine.start()
        if self.expiry is not None:
            self.expiry.start()

    async def stop(self) -> None:
        if self.expiry is not None:
            await self.expiry.stop()
        if self.engine is not None:
            await self.engine.stop()
        await self.services.hub.stop()
        await self.client.aclose()
        await self.services.store.close()


def build(settings: Settings) -> Runtime:
    store = open_store(settings.mongodb_url, settings.database)
    box = SecretBox(settings.secret_keys)
    guard = Guard(settings.allow_networks)
    client = new_client(guard, settings.request_timeout_seconds, max(settings.workers, 4))
    sender = Sender(client, settings.request_timeout_seconds)
    recorder = Recorder(store, sender, box, Tokens(client, box, settings.request_timeout_seconds))
    engine = None
    if settings.workers > 0:
        engine = Engine(
            store,
            recorder,
            RetryPolicy(
                settings.max_attempts,
                settings.retry_base_seconds,
                settings.min_throttle_retry_seconds,
            ),
            EngineSettings(concurrency=settings.workers, lease_seconds=settings.lease_seconds),
        )
    profiles = Profiles(store, box)
    services = Services(
        store=store,
        accounts=Accounts(store),
        profiles=profiles,
        deliveries=Deliveries(store, on_queued=engine.wake if engine else lambda: None),
        tester=Tester(profiles, recorder),
        hub=Hub(store),
    )
    expiry = None
    if settings.retention_days is not None:
        expiry = Expiry(store, timedelta(days=settings.retention_days))
    return Runtime(
        services=services,
        engine=engine,
        client=client,
        expiry=expiry,
        max_body_bytes=settings.max_body_bytes,
    )
