"""Wires the store, the domain services and the delivery engine for one process."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

import httpx

from callbackd.config import Settings
from callbackd.logs import log_attempt
from callbackd.metrics import Metrics
from delivery.dispatch import Dispatcher
from delivery.engine import Engine, EngineSettings
from delivery.expiry import Expiry
from delivery.guard import Guard
from delivery.health import DisableRule, Health
from delivery.recorder import Recorder
from delivery.retry import RetryPolicy
from delivery.sender import Sender, new_client
from delivery.tester import Tester
from delivery.tokens import Tokens
from domain.accounts import Accounts
from domain.deliveries import PROFILES_KEPT_FOR, ActiveProfiles, Deliveries
from domain.models import Attempt
from domain.profiles import Profiles
from domain.replays import Replays
from domain.secretbox import SecretBox
from domain.statuses import Statuses
from graph.context import Services
from live.hub import Hub
from storage import open_store


@dataclass
class Runtime:
    """Everything one process runs; `start` and `stop` bracket its life."""

    services: Services
    engine: Engine | None
    client: httpx.AsyncClient
    metrics: Metrics
    expiry: Expiry | None = None
    max_body_bytes: int = 1 << 20
    # How long in-flight callbacks may take to finish on stop; None: as long as they take.
    shutdown_seconds: float | None = None
    # When a graceful stop began, by the event loop's clock: the bound counts from there.
    stopping_since: float | None = None

    async def stop_claiming(self) -> None:
        """The first step of a graceful stop: no new deliveries are taken."""
        self.stopping_since = asyncio.get_running_loop().time()
        if self.engine is not None:
            await self.engine.stop_claiming()

    def _grace_left(self) -> float | None:
        if self.shutdown_seconds is None or self.stopping_since is None:
            return self.shutdown_seconds
        spent = asyncio.get_running_loop().time() - self.stopping_since
        return max(0.0, self.shutdown_seconds - spent)

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
            await self.engine.stop(self._grace_left())
        await self.services.hub.stop()
        await self.client.aclose()
        await self.services.store.close()


def build(settings: Settings) -> Runtime:
    metrics = Metrics()
    store = open_store(
        settings.mongodb_url,
        settings.database,
        sweep_seconds=settings.sweep_seconds,
        claims=settings.workers > 0,
        on_command=metrics.database_command,
    )
    box = SecretBox(settings.secret_keys)
    guard = Guard(settings.allow_networks)
    client = new_client(guard, settings.request_timeout_seconds, max(settings.workers, 4))
    sender = Sender(client, settings.request_timeout_seconds)

    def attempted(attempt: Attempt) -> None:
        metrics.attempted(attempt)
        log_attempt(attempt)

    dispatcher = Dispatcher(sender, Tokens(client, box, settings.request_timeout_seconds), box)
    recorder = Recorder(store, on_attempt=attempted)
    engine = None
    active_profiles = ActiveProfiles(PROFILES_KEPT_FOR)
    statuses = Statuses(store, active_profiles)
    if settings.workers > 0:
        engine = Engine(
            store,
            dispatcher,
            recorder,
            RetryPolicy(
                settings.max_attempts,
                settings.retry_base_seconds,
                settings.min_throttle_retry_seconds,
            ),
            EngineSettings(concurrency=settings.workers, lease_seconds=settings.lease_seconds),
            Health(
                store,
                statuses,
                DisableRule(
                    timedelta(hours=settings.disable_after_hours), settings.disable_after_failures
                ),
            ),
            on_released=metrics.released,
        )
    profiles = Profiles(store, box, active_profiles)
    services = Services(
        store=store,
        accounts=Accounts(store),
        profiles=profiles,
        deliveries=Deliveries(store, metrics.published, active_profiles),
        statuses=statuses,
        replays=Replays(store),
        tester=Tester(profiles, dispatcher, recorder),
        hub=Hub(store),
    )
    expiry = None
    if settings.retention_days is not None:
        expiry = Expiry(store, timedelta(days=settings.retention_days))
    return Runtime(
        services=services,
        engine=engine,
        client=client,
        metrics=metrics,
        expiry=expiry,
        max_body_bytes=settings.max_body_bytes,
        shutdown_seconds=settings.shutdown_seconds,
    )
