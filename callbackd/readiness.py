"""/readyz: whether this process can do its work now, and if not, why."""

from __future__ import annotations

import asyncio

from callbackd.services import Runtime

STORE_TIMEOUT_SECONDS = 2.0
# A hash no API key has: looking it up is an indexed read that finds nothing, the cheapest
# question every store answers only when it is reachable.
PROBE_KEY_HASH = "readiness-probe"


async def _store(runtime: Runtime) -> str | None:
    try:
        async with asyncio.timeout(STORE_TIMEOUT_SECONDS):
            await runtime.services.store.find_account_by_key_hash(PROBE_KEY_HASH)
    except TimeoutError:
        return f"store did not answer within {STORE_TIMEOUT_SECONDS:g} s"
    except Exception as exc:
        return f"store unreachable: {type(exc).__name__}"
    return None


def _workers(runtime: Runtime) -> str | None:
    if runtime.engine is not None and not runtime.engine.claiming:
        return "delivery workers are not running"
    return None


def _feed(runtime: Runtime) -> str | None:
    if not runtime.services.hub.following:
        return "the live attempt feed is not being followed"
    return None


async def problems(runtime: Runtime) -> dict[str, str]:
    """What keeps this process from being ready, by check; empty when it is ready."""
    found = {
        "store": await _store(runtime),
        "workers": _workers(runtime),
        "feed": _feed(runtime),
    }
    return {check: reason for check, reason in found.items() if reason is not None}


__all__ = ["problems"]
