"""The dashboard baseline: bare Starlette JSON endpoints over the same storage code.

Each reads what the GraphQL dashboard query reads, through the same `Store` calls
(authentication by key hash, then one page of 50 newest first, one row more to know whether
another page follows), and answers the same JSON the GraphQL query answers, so the difference
between the two is what GraphQL parsing, validation, execution and serialisation cost.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from domain.accounts import hash_key
from domain.models import Account, Delivery, Profile
from domain.pagination import encode_cursor
from domain.store import DeliveryFilter, ProfileFilter, Store

PAGE = 50

# What the scenario asks of GraphQL; the endpoints below answer exactly these fields.
PROFILES_QUERY = """{ callbackProfiles(first: 50) {
  edges { cursor node { id title channel { kind } httpMethod endpoint bodyFormat createdAt } }
  pageInfo { hasNextPage endCursor } } }"""

DELIVERIES_QUERY = """{ deliveries(first: 50) {
  edges { cursor node { id status attemptCount channel createdAt updatedAt } }
  pageInfo { hasNextPage endCursor } } }"""


def _profile(p: Profile) -> dict[str, Any]:
    return {
        "id": p.id,
        "title": p.title,
        "channel": {"kind": p.channel.value},
        "httpMethod": p.http_method.value,
        "endpoint": p.endpoint,
        "bodyFormat": p.body_format.value,
        "createdAt": p.created_at.isoformat(),
    }


def _delivery(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.id,
        "status": d.status.value,
        "attemptCount": d.attempt_count,
        "channel": d.channel.value,
        "createdAt": d.created_at.isoformat(),
        "updatedAt": d.updated_at.isoformat(),
    }


def _connection(rows: list[Any], nodes: list[dict[str, Any]]) -> dict[str, Any]:
    edges = [
        {"cursor": encode_cursor(r.created_at, r.id), "node": n}
        for r, n in zip(rows[:PAGE], nodes, strict=False)
    ]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": len(rows) > PAGE,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


async def _caller(store: Store, request: Request) -> Account | None:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key:
        return None
    return await store.find_account_by_key_hash(hash_key(key.strip()))


def routes(store: Store) -> list[Route]:
    async def profiles(request: Request) -> Response:
        account = await _caller(store, request)
        if account is None:
            return JSONResponse({"error": "unauthenticated"}, 401)
        rows = await store.list_profiles(account.id, ProfileFilter(), None, PAGE + 1)
        page = _connection(rows, [_profile(p) for p in rows[:PAGE]])
        return JSONResponse({"data": {"callbackProfiles": page}})

    async def deliveries(request: Request) -> Response:
        account = await _caller(store, request)
        if account is None:
            return JSONResponse({"error": "unauthenticated"}, 401)
        rows = await store.list_deliveries(account.id, DeliveryFilter(), None, PAGE + 1)
        page = _connection(rows, [_delivery(d) for d in rows[:PAGE]])
        return JSONResponse({"data": {"deliveries": page}})

    return [
        Route("/bench/profiles", profiles, methods=["GET"]),
        Route("/bench/deliveries", deliveries, methods=["GET"]),
    ]


def app(store: Store, extra: list[Route]) -> Starlette:
    return Starlette(routes=[*routes(store), *extra])
