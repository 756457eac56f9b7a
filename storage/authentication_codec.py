"""A profile's authentication as a MongoDB document and back; secrets stay sealed."""

from __future__ import annotations

from typing import Any

from domain.authentication import (
    Authentication,
    CallbackAuthType,
    TokenCredentials,
    TokenMethod,
    TokenSettings,
)
from domain.models import Header

Doc = dict[str, Any]


def authentication_to_doc(a: Authentication | None) -> Doc | None:
    if a is None:
        return None
    t = a.token
    return {
        "type": a.type.value,
        "username": a.username,
        "sealed_password": a.sealed_password,
        "token": None
        if t is None
        else {
            "url": t.url,
            "method": t.method.value,
            "credentials": t.credentials.value,
            "client_id": t.client_id,
            "sealed_client_secret": t.sealed_client_secret,
            "token_field": t.token_field,
            "expires_in_field": t.expires_in_field,
            "headers": [{"name": h.name, "value": h.value, "secret": h.secret} for h in t.headers],
        },
    }


def authentication_from_doc(d: Doc | None) -> Authentication | None:
    if d is None:
        return None
    t = d["token"]
    return Authentication(
        type=CallbackAuthType(d["type"]),
        username=d["username"],
        sealed_password=d["sealed_password"],
        token=None
        if t is None
        else TokenSettings(
            url=t["url"],
            method=TokenMethod(t["method"]),
            credentials=TokenCredentials(t["credentials"]),
            client_id=t["client_id"],
            sealed_client_secret=t["sealed_client_secret"],
            token_field=t["token_field"],
            expires_in_field=t["expires_in_field"],
            headers=tuple(Header(h["name"], h["value"], h["secret"]) for h in t["headers"]),
        ),
    )
