"""The token cache on its own clock: a token is kept until a tenth of its lifetime (at most
30 s) before it expires, replaced when the profile's settings change, fetched for every send
of an unsaved draft, lives 60 s when the answer gives no lifetime, and a failed fetch
answers every send that waited for it."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import pytest

from delivery.guard import Guard
from delivery.sender import new_client
from delivery.tokens import TokenFailed, Tokens
from domain.authentication import TokenCredentials, TokenMethod, TokenSettings
from domain.secretbox import SecretBox, generate_server_key, parse_server_keys
from tests.support.receiver import running_receiver
from tests.support.tokens import CLIENT_ID, CLIENT_SECRET, TokenIssuer

PROFILE = "IN_profile"


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Setup:
    tokens: Tokens
    box: SecretBox
    clock: Clock
    issuer: TokenIssuer
    settings: TokenSettings


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    box = SecretBox(parse_server_keys(generate_server_key()))
    guard = Guard((ipaddress.ip_network("127.0.0.0/8"),))
    clock = Clock()
    async with running_receiver() as endpoint, new_client(guard, 2, 4) as client:
        issuer = TokenIssuer(endpoint)
        settings = TokenSettings(
            url=issuer.url,
            method=TokenMethod.POST,
            credentials=TokenCredentials.OAUTH2_FORM,
            client_id=CLIENT_ID,
            sealed_client_secret=box.seal(CLIENT_SECRET),
            token_field="access_token",
            expires_in_field="expires_in",
            headers=(),
        )
        yield Setup(Tokens(client, box, 2, now=clock), box, clock, issuer, settings)


async def test_a_60_second_token_is_kept_for_54_seconds(setup: Setup) -> None:
    first = await setup.tokens.token(PROFILE, setup.settings)
    setup.clock.now += 53.9
    kept = await setup.tokens.token(PROFILE, setup.settings)
    setup.clock.now += 0.1
    replaced = await setup.tokens.token(PROFILE, setup.settings)

    assert (first, kept, replaced) == ("tok-1", "tok-1", "tok-2")
    assert setup.issuer.fetches == 2


async def test_a_long_token_is_replaced_30_seconds_before_it_expires(setup: Setup) -> None:
    setup.issuer.lifetime = 3600
    await setup.tokens.token(PROFILE, setup.settings)
    setup.clock.now += 3569.9
    kept = await setup.tokens.token(PROFILE, setup.settings)
    setup.clock.now += 0.1
    replaced = await setup.tokens.token(PROFILE, setup.settings)

    assert (kept, replaced) == ("tok-1", "tok-2")


async def test_an_answer_without_a_lifetime_is_kept_for_54_seconds(setup: Setup) -> None:
    setup.issuer.shape = lambda token, _: {"access_token": token}
    await setup.tokens.token(PROFILE, setup.settings)
    setup.clock.now += 53.9
    kept = await setup.tokens.token(PROFILE, setup.settings)
    setup.clock.now += 0.1
    replaced = await setup.tokens.token(PROFILE, setup.settings)

    assert (kept, replaced) == ("tok-1", "tok-2")


async def test_a_numeric_lifetime_counts_like_a_string_one(setup: Setup) -> None:
    setup.issuer.shape = lambda token, lifetime: {"access_token": token, "expires_in": lifetime}
    await setup.tokens.token(PROFILE, setup.settings)
    setup.clock.now += 53.9

    assert await setup.tokens.token(PROFILE, setup.settings) == "tok-1"


async def test_edited_settings_fetch_a_new_token(setup: Setup) -> None:
    await setup.tokens.token(PROFILE, setup.settings)
    # An edit seals the secret anew, even when it is the same secret.
    edited = replace(setup.settings, sealed_client_secret=setup.box.seal(CLIENT_SECRET))

    assert await setup.tokens.token(PROFILE, edited) == "tok-2"
    assert setup.issuer.fetches == 2


async def test_a_rejected_token_is_replaced_and_others_are_not(setup: Setup) -> None:
    await setup.tokens.token(PROFILE, setup.settings)

    fresh = await setup.tokens.token(PROFILE, setup.settings, rejected="tok-1")
    stale_rejection = await setup.tokens.token(PROFILE, setup.settings, rejected="tok-1")

    assert (fresh, stale_rejection) == ("tok-2", "tok-2")
    assert setup.issuer.fetches == 2


async def test_a_draft_fetches_every_time(setup: Setup) -> None:
    tokens = [await setup.tokens.token(None, setup.settings) for _ in range(3)]

    assert tokens == ["tok-1", "tok-2", "tok-3"]


async def test_sends_waiting_on_a_failed_fetch_share_its_failure(setup: Setup) -> None:
    setup.issuer.delay = 0.2
    wrong = replace(setup.settings, sealed_client_secret=setup.box.seal("wrong"))

    waiting = await asyncio.gather(
        *(setup.tokens.token(PROFILE, wrong) for _ in range(5)), return_exceptions=True
    )
    [later] = await asyncio.gather(setup.tokens.token(PROFILE, wrong), return_exceptions=True)
    outcomes = [*waiting, later]

    assert [type(e) for e in outcomes] == [TokenFailed] * 6
    assert {str(e) for e in outcomes} == {"token endpoint answered HTTP 401"}
    assert setup.issuer.fetches == 2
