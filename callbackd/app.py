"""The ASGI application: GraphQL over HTTP and graphql-transport-ws, GraphiQL, health."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from callbackd.live import SharedStreams, SharingHandler, encode_message
from callbackd.services import Runtime
from graph.context import Context, Services
from graph.schema import schema


class GraphQLApp(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = SharingHandler

    def __init__(self, services: Services) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
        )
        self._services = services
        self.shared_streams = SharedStreams()

    def encode_json(self, data: object) -> str | bytes:
        if isinstance(data, dict) and (frame := encode_message(data)) is not None:
            return frame
        return super().encode_json(data)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        if isinstance(request, WebSocket):
            # The key arrives later, in connection_init; see on_ws_connect.
            return Context(services=self._services, request=request)
        account = await self._services.accounts.authenticate(request.headers.get("authorization"))
        return Context(services=self._services, account=account, request=request, response=response)

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        params = context.connection_params
        given = params.get("Authorization") or params.get("authorization")
        if isinstance(given, str):
            bearer = given if given.lower().startswith("bearer ") else f"Bearer {given}"
            context.account = await self._services.accounts.authenticate(bearer)
        acknowledged: UnsetType = UNSET
        return acknowledged


def create_app(runtime: Runtime) -> Starlette:
    services = runtime.services
    graphql = GraphQLApp(services)

    async def health(_: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "store": services.store.description,
                "subscriptions": graphql.shared_streams.counts(),
            }
        )

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", health),
        ],
        lifespan=lifespan,
    )
