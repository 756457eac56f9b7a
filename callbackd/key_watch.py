"""Closes open WebSocket connections whose API key has been revoked.

A WebSocket connection authenticates once, at `connection_init`, and may then stay open for
days. Each process re-checks the keys of its open connections every RECHECK_SECONDS, in one
store query for all of them, and closes those whose key was revoked (or deleted) with 4403,
the code of a refused key. So a revoked key's subscriptions end within RECHECK_SECONDS (plus
one query) on every process sharing the store. The re-check runs only while connections are
watched.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from starlette.websockets import WebSocket, WebSocketState

from domain.accounts import Accounts, bearer_key, hash_key

log = logging.getLogger("callbackd.keys")

RECHECK_SECONDS = 2.0
REVOKED_CODE = 4403
REVOKED_REASON = "API key revoked"


def _open(websocket: WebSocket) -> bool:
    return (
        websocket.client_state is not WebSocketState.DISCONNECTED
        and websocket.application_state is not WebSocketState.DISCONNECTED
    )


class KeyWatch:
    def __init__(self, accounts: Accounts, every: float = RECHECK_SECONDS) -> None:
        self._accounts = accounts
        self._every = every
        # By id(): a starlette WebSocket is a Mapping, so it cannot be a dict key itself.
        self._watched: dict[int, tuple[WebSocket, str]] = {}
        self._task: asyncio.Task[None] | None = None

    def watch(self, websocket: WebSocket, authorization: str) -> None:
        """Re-checks, while `websocket` is open, the key that `authorization` carries (the
        key it was accepted with)."""
        key = bearer_key(authorization)
        if key is None:
            return
        self._watched[id(websocket)] = (websocket, hash_key(key))
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="key-watch")

    async def _run(self) -> None:
        while self._watched:
            await asyncio.sleep(self._every)
            try:
                await self.check()
            except Exception:
                # A store that does not answer now may answer at the next round.
                log.exception("re-checking the keys of open connections failed")

    async def check(self) -> None:
        """One round: forgets closed connections, closes those whose key is not active."""
        for ref, (websocket, _) in list(self._watched.items()):
            if not _open(websocket):
                del self._watched[ref]
        watched = list(self._watched.items())
        if not watched:
            return
        active = await self._accounts.active_among(list({h for _, (_, h) in watched}))
        for ref, (websocket, key_hash) in watched:
            if key_hash in active:
                continue
            self._watched.pop(ref, None)
            if _open(websocket):
                # The connection may close by itself meanwhile; then there is nothing to do.
                with contextlib.suppress(RuntimeError):
                    await websocket.close(code=REVOKED_CODE, reason=REVOKED_REASON)
