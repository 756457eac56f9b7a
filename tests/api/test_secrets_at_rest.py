"""Keys, IVs, secret header values and signing secrets are stored sealed, never in clear."""

from __future__ import annotations

from storage.codec import profile_to_doc
from tests.support.api import Api
from tests.support.profiles import create_profile

KEY = "0123456789abcdef0123456789abcdef"
IV = "nonce-123456"
HEADER = "Bearer very-secret-token"


async def test_stored_profile_holds_no_secret_in_clear(api: Api, key: str) -> None:
    profile_id, signing_secret = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint="https://example.com/",
        variables=["status"],
        headers=[{"name": "authorization", "value": HEADER, "secret": True}],
        encryption={"algorithm": "AES_256_GCM", "key": KEY, "iv": IV},
    )
    account = await api.runtime.services.accounts.authenticate(f"Bearer {key}")
    assert account is not None

    stored = await api.runtime.services.store.get_profile(account.id, profile_id)

    assert stored is not None
    document = str(profile_to_doc(stored))
    for secret in (KEY, IV, HEADER, signing_secret, signing_secret.removeprefix("whsec_")):
        assert secret not in document
    assert stored.headers[0].value.startswith("v2.")
