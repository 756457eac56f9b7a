"""GraphQL over HTTP and graphql-transport-ws: Strawberry's ASGI view, with the key checked
before any document is read, strict JSON, and answers shaped by the GraphQL-over-HTTP spec.

Every failure is a GraphQL answer with a code: a client accepting
`application/graphql-response+json` gets it with the spec's status codes (4xx for a request
that never executed), others get `application/json` as before.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any, cast, overload

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from callbackd import request_json
from callbackd.body_limit import BodyTooLarge
from callbackd.key_watch import KeyWatch
from callbackd.metrics import Metrics
from callbackd.web import page
from domain.models import Account
from graph.context import Context, Services
from graph.errors import (
    INTERNAL_MESSAGE,
    UNAUTHENTICATED_MESSAGE,
    UNAVAILABLE_MESSAGE,
    ErrorCode,
)
from live.streams import SharedStreams, encode_message
from resolvers.schema import delivery_pages, schema
from storage import bounded, is_unavailable

log = logging.getLogger("callbackd.graphql")

GRAPHQL_RESPONSE = "application/graphql-response+json"
# How long the database work of one request over HTTP may take in all. A database that has
# stopped answering (connections open, no replies) is otherwise only noticed by the driver's
# monitor, which under load took longer than clients wait; past this the answer is
# SERVICE_UNAVAILABLE.
REQUEST_DATABASE_SECONDS = 10.0


class Refused(Exception):
    """A request answered before its document is looked at."""

    def __init__(self, status: int, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class GraphQLView(GraphQL[Context, None]):
    # Set by create_app; operations over HTTP are counted and timed when present.
    metrics: Metrics | None = None

    def __init__(self, services: Services) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
        )
        self._services = services
        self._context = partial(Context, services, delivery_pages)
        self.shared_streams = SharedStreams()
        self.graphql_transport_ws_handler_class = sharing_handler(self.shared_streams)
        self.key_watch = KeyWatch(services.accounts)

    @overload
    async def run(
        self, request: Request, context: Context = ..., root_value: None = ...
    ) -> Response: ...

    @overload
    async def run(
        self, request: WebSocket, context: Context = ..., root_value: None = ...
    ) -> WebSocket: ...

    async def run(
        self, request: Request | WebSocket, context: Any = UNSET, root_value: Any = UNSET
    ) -> Response | WebSocket:
        if isinstance(request, WebSocket):
            return await super().run(request, context, root_value)
        media = GRAPHQL_RESPONSE if _accepts_graphql_response(request) else "application/json"
        try:
            with bounded(REQUEST_DATABASE_SECONDS):
                response = await super().run(request, context, root_value)
        except Refused as e:
            return _error_response(e.status, e.code, e.message, media)
        except HTTPException as e:
            return _error_response(e.status_code, ErrorCode.BAD_REQUEST, e.reason, media)
        except BodyTooLarge:
            raise
        except Exception:
            log.exception("a request to /graphql failed outside GraphQL execution")
            return _error_response(500, ErrorCode.INTERNAL_SERVER_ERROR, INTERNAL_MESSAGE, media)
        answered = getattr(request.state, "graphql_answer", None)
        if answered is not None:
            response.status_code = _status(answered, media)
            response.headers["content-type"] = media
        return response

    async def render_graphql_ide(self, request: Request) -> Response:
        # Strawberry's own page loads GraphiQL from a CDN; this one loads it from the package.
        return page("graphiql.html")

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        run = super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )
        if self.metrics is None:
            return await run
        return await self.metrics.timed(request_data.operation_name, request_data.query, run)

    def decode_json(self, data: str | bytes) -> object:
        return request_json.decode(data)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return self.decode_json(data)
        except request_json.InvalidJson as e:
            raise HTTPException(400, e.msg) from e

    def encode_json(self, data: object) -> str | bytes:
        if isinstance(data, dict) and (frame := encode_message(data)) is not None:
            return frame
        return super().encode_json(data)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        if isinstance(request, WebSocket):
            # The key arrives later, in connection_init; see on_ws_connect.
            return self._context(request=request, over_websocket=True)
        if self.should_render_graphql_ide(self.request_adapter_class(request)):
            return self._context(request=request, response=response)
        account = await self._authenticate(request.headers.get("authorization"))
        if account is None:
            raise Refused(401, ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED_MESSAGE)
        return self._context(account=account, request=request, response=response)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params = context.connection_params
        given = params.get("Authorization") or params.get("authorization")
        if not isinstance(given, str):
            raise ConnectionRejectionError({"message": UNAUTHENTICATED_MESSAGE})
        bearer = given if given.lower().startswith("bearer ") else f"Bearer {given}"
        try:
            context.account = await self._authenticate(bearer)
        except Refused as e:
            raise ConnectionRejectionError({"message": e.message}) from e
        if context.account is None:
            raise ConnectionRejectionError({"message": UNAUTHENTICATED_MESSAGE})
        # Revoking the key later closes this connection with 4403.
        self.key_watch.watch(context.request, bearer)
        acknowledged: UnsetType = UNSET
        return acknowledged

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        answer = process_result(result)
        if _never_executed(result):
            # The spec's request error: no `data` entry at all.
            cast(dict[str, object], answer).pop("data", None)
        request.state.graphql_answer = answer
        return answer

    async def _authenticate(self, authorization: str | None) -> Account | None:
        try:
            return await self._services.accounts.authenticate(authorization)
        except Exception as e:
            if is_unavailable(e):
                raise Refused(503, ErrorCode.SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE) from e
            raise


def sharing_handler(
    streams: SharedStreams,
) -> type[BaseGraphQLTransportWSHandler[Context, None]]:
    """graphql-transport-ws with subscriptions shared through `streams`: a handler class of
    the view's own, as the view takes a class rather than an instance. Its one override is
    the method that runs an operation; the protocol is Strawberry's."""

    class SharingHandler(BaseGraphQLTransportWSHandler[Context, None]):
        async def run_operation(self, operation: Operation[Context, None]) -> None:
            if not await streams.follow(self, operation):
                await super().run_operation(operation)
                return
            await operation.send_operation_message({"id": operation.id, "type": "complete"})

    return SharingHandler


def _never_executed(result: ExecutionResult) -> bool:
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


def _accepts_graphql_response(request: Request) -> bool:
    for part in request.headers.get("accept", "").split(","):
        media, _, parameters = part.partition(";")
        if media.strip().lower() != GRAPHQL_RESPONSE:
            continue
        quality = dict(
            p.strip().partition("=")[::2] for p in parameters.split(";") if "=" in p
        ).get("q", "1")
        try:
            return float(quality) > 0
        except ValueError:
            return True
    return False


def _codes(answer: GraphQLHTTPResponse) -> list[object]:
    errors = cast(dict[str, Any], answer).get("errors") or []
    return [(e.get("extensions") or {}).get("code") for e in errors]


def _status(answer: GraphQLHTTPResponse, media: str) -> int:
    codes = _codes(answer)
    executed = "data" in answer
    if ErrorCode.SERVICE_UNAVAILABLE.value in codes and not cast(dict[str, Any], answer).get(
        "data"
    ):
        return 503
    if executed or media != GRAPHQL_RESPONSE:
        return 200
    if ErrorCode.INTERNAL_SERVER_ERROR.value in codes:
        return 500
    return 400


def _error_response(status: int, code: ErrorCode, message: str, media: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code.value}}]}
    return JSONResponse(body, status_code=status, media_type=media)
