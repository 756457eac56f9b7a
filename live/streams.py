"""Subscriptions shared between subscribers that ask the same thing.

Over graphql-transport-ws every subscriber's operation executes its selection set once per
event, and encodes the result; with hundreds of operators watching one account that per-
subscriber work is the whole cost of fan-out. Subscribers of one account that send the same
document with the same variables get the same results, so one stream serves them all: it is
executed once per event, encoded once, and the encoded payload is written to each
subscriber's socket in turn.

A stream whose first result is an error (a document that does not validate, a missing key)
is not shared: each subscriber then runs the operation on its own, so errors reach clients
exactly as Strawberry reports them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncGenerator
from functools import lru_cache
from typing import Any, Protocol, TypeVar

from graphql import DocumentNode, GraphQLError, OperationType, get_operation_ast, parse
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.types.execution import ExecutionResult, PreExecutionError

from domain.models import Account
from live.hub import TOO_SLOW

log = logging.getLogger("callbackd.live")
# How long one subscriber's socket may take to accept a frame before it is cut off.
SEND_TIMEOUT = 1.0

Key = tuple[str, str, str, str | None]


class Caller(Protocol):
    """What a stream needs of a connection's context: whose it is."""

    @property
    def account(self) -> Account | None: ...


C = TypeVar("C", bound=Caller)


class EncodedPayload(str):
    """A `next` payload already encoded as JSON, shared by every subscriber of a stream."""

    __slots__ = ()


def encode_message(message: dict[str, Any]) -> str | None:
    """The frame of a `next` message whose payload is already encoded, or None for any
    other message (encoded as usual)."""
    payload = message.get("payload")
    if not isinstance(payload, EncodedPayload):
        return None
    return f'{{"id":{json.dumps(message["id"])},"type":"next","payload":{payload}}}'


@lru_cache(maxsize=256)
def _document(query: str) -> DocumentNode | None:
    try:
        return parse(query)
    except GraphQLError:
        return None


class _Member:
    """One subscriber of a stream: its operation, and how its subscription ended."""

    def __init__(self, operation: Operation[Any, None]) -> None:
        self.operation = operation
        self.ended = asyncio.Event()
        self.fallback = False
        self.too_slow = False

    async def send(self, frame: EncodedPayload) -> None:
        # The payload is a str, not the dict the message type names: encode_message writes
        # it into the frame as it is.
        message: Any = {"id": self.operation.id, "type": "next", "payload": frame}
        await self.operation.send_operation_message(message)


class Stream:
    """One execution of a subscription, each result written to every member in turn.

    Written from this one task rather than handed to a task per subscriber: a socket write
    normally completes at once, and waking hundreds of tasks per attempt cost more than the
    writes. A subscriber whose socket does not take a frame within SEND_TIMEOUT is cut off,
    so one slow reader delays the others once, not for good.
    """

    def __init__(self, source: AsyncGenerator[Any, None], streams: SharedStreams, key: Key):
        self.members: set[_Member] = set()
        self._streams = streams
        self._key = key
        self.task = asyncio.create_task(self._pump(source), name="shared-subscription")

    async def _pump(self, source: AsyncGenerator[Any, None]) -> None:
        fallback = False
        try:
            async with contextlib.aclosing(source):
                async for result in source:
                    if isinstance(result, PreExecutionError) or not isinstance(
                        result, ExecutionResult
                    ):
                        fallback = True
                        return
                    frame = EncodedPayload(json.dumps(_payload(result), separators=(",", ":")))
                    await self._write_all(frame)
        except Exception:
            log.exception("a shared subscription failed; its subscribers are completed")
        finally:
            self._streams.forget(self._key, self)
            for member in self.members:
                member.fallback = fallback
                member.ended.set()

    async def _write_all(self, frame: EncodedPayload) -> None:
        """Writes `frame` to every member under one timer per round rather than one per
        write, which cost more than the write. A write only waits when its socket stopped
        taking data, and the timer can only fire while one waits, so the member cut off is
        the one whose socket has not taken its frame within SEND_TIMEOUT of the round's
        start; the round then goes on with the others under a new timer."""
        members = list(self.members)
        written = 0
        while written < len(members):
            try:
                async with asyncio.timeout(SEND_TIMEOUT):
                    while written < len(members):
                        member = members[written]
                        written += 1
                        try:
                            await member.send(frame)
                        except Exception:
                            # The socket is gone; its handler completes the operation as it
                            # shuts down.
                            self._drop(member)
            except TimeoutError:
                member = members[written - 1]
                member.too_slow = True
                self._drop(member)

    def _drop(self, member: _Member) -> None:
        self.members.discard(member)
        member.ended.set()

    def leave(self, member: _Member) -> None:
        self.members.discard(member)
        if not self.members:
            self._streams.forget(self._key, self)
            self.task.cancel()


def _payload(result: ExecutionResult) -> dict[str, Any]:
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = [e.formatted for e in result.errors]
    if result.extensions:
        payload["extensions"] = result.extensions
    return payload


class SharedStreams:
    """The streams running in this process, by account, document, variables and name."""

    def __init__(self) -> None:
        self._streams: dict[Key, Stream] = {}

    def counts(self) -> dict[str, int]:
        """Streams running and the subscribers they serve, for /healthz."""
        return {
            "streams": len(self._streams),
            "subscribers": sum(len(s.members) for s in self._streams.values()),
        }

    def forget(self, key: Key, stream: Stream) -> None:
        if self._streams.get(key) is stream:
            del self._streams[key]

    async def follow(
        self,
        handler: BaseGraphQLTransportWSHandler[C, None],
        operation: Operation[C, None],
    ) -> bool:
        """Sends the shared stream's results to `operation` until it ends; answers False
        when the operation cannot be shared and must run on its own."""
        key = _key(handler.context, operation)
        if key is None:
            return False
        stream = self._streams.get(key)
        if stream is None:
            source = await handler.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=handler.context,
                root_value=handler.root_value,
                operation_name=operation.operation_name,
            )
            # Another subscriber may have started the same stream meanwhile.
            stream = self._streams.get(key)
            if stream is None:
                stream = Stream(source, self, key)
                self._streams[key] = stream
            else:
                await source.aclose()
        member = _Member(operation)
        stream.members.add(member)
        try:
            await member.ended.wait()
        finally:
            stream.leave(member)
        if member.fallback:
            return False
        if member.too_slow:
            await operation.send_operation_message(
                {
                    "id": operation.id,
                    "type": "next",
                    "payload": {"data": None, "errors": [{"message": TOO_SLOW}]},
                }
            )
        return True


def _key(context: Caller, operation: Operation[Any, None]) -> Key | None:
    if context.account is None:
        return None
    document = _document(operation.query)
    if document is None:
        return None
    found = get_operation_ast(document, operation.operation_name)
    if found is None or found.operation is not OperationType.SUBSCRIPTION:
        return None
    variables = json.dumps(operation.variables or {}, sort_keys=True)
    return (context.account.id, operation.query, variables, operation.operation_name)
