"""Re-sealing every stored secret with the server's first key, so older keys can be removed.

Profiles are walked in id order, a batch at a time; each profile whose sealed values are not
all the first key's is written back whole in one write, and only if its sealed values did not
change meanwhile (a signing secret rotated during the run is read again). A run that stops
leaves each profile either as it was or fully re-sealed, and running again (from the start,
or after the last id reported) finishes the job: profiles already re-sealed are only read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from domain.models import Header, Profile
from domain.secretbox import SecretBox, UnknownSealKey
from domain.store import Store

DEFAULT_BATCH = 200
# Reads of one profile that keeps changing under the run before it gives up on it.
_TRIES = 5


class RekeyFailed(Exception):
    """A profile could not be re-sealed; what was re-sealed before it stays re-sealed."""


@dataclass
class Counts:
    profiles: int = 0
    resealed_profiles: int = 0
    resealed_values: int = 0
    last_id: str | None = None

    def add(self, other: Counts) -> None:
        self.profiles += other.profiles
        self.resealed_profiles += other.resealed_profiles
        self.resealed_values += other.resealed_values
        self.last_id = other.last_id


def resealed(profile: Profile, box: SecretBox) -> tuple[Profile, int]:
    """The profile with each sealed value sealed with the box's first key, and how many
    values that changed. Every sealed field of a profile is named here."""
    moved = 0

    def again(sealed: str) -> str:
        nonlocal moved
        if box.is_current(sealed):
            return sealed
        moved += 1
        return box.reseal(sealed)

    encryption = profile.encryption
    if encryption is not None:
        encryption = replace(
            encryption,
            sealed_key=again(encryption.sealed_key),
            sealed_iv=again(encryption.sealed_iv),
        )

    def headers(given: tuple[Header, ...]) -> tuple[Header, ...]:
        return tuple(replace(h, value=again(h.value)) if h.secret else h for h in given)

    authentication = profile.authentication
    if authentication is not None:
        token = authentication.token
        if token is not None:
            token = replace(
                token,
                sealed_client_secret=again(token.sealed_client_secret),
                headers=headers(token.headers),
            )
        password = authentication.sealed_password
        authentication = replace(
            authentication,
            sealed_password=None if password is None else again(password),
            token=token,
        )
    changed = replace(
        profile,
        headers=headers(profile.headers),
        encryption=encryption,
        authentication=authentication,
        sealed_signing_secrets=tuple(
            replace(s, sealed=again(s.sealed)) for s in profile.sealed_signing_secrets
        ),
    )
    return changed, moved


class Rekey:
    def __init__(self, store: Store, box: SecretBox, batch_size: int = DEFAULT_BATCH) -> None:
        self._store = store
        self._box = box
        self._batch_size = batch_size

    def _resealed(self, profile: Profile) -> tuple[Profile, int]:
        try:
            return resealed(profile, self._box)
        except UnknownSealKey as exc:
            raise RekeyFailed(
                f"profile {profile.id}: {exc}; add that key to CALLBACKD_SECRET_KEY after the "
                "first and run again"
            ) from exc

    async def run(self, after: str | None, on_batch: Callable[[Counts], None]) -> Counts:
        """Re-seals the profiles after the id `after` (all when None); calls `on_batch` with
        the counts of each batch written, and answers the totals."""
        totals = Counts(last_id=after)
        async for batch in self._store.profiles_in_id_order(after, self._batch_size):
            counts = Counts(profiles=len(batch), last_id=batch[-1].id)
            changes = [(p, *self._resealed(p)) for p in batch]
            pending = [(old, new, moved) for old, new, moved in changes if moved]
            for _ in range(_TRIES):
                if not pending:
                    break
                written = await self._store.replace_sealed([(o, n) for o, n, _ in pending])
                for (_, _, moved), ok in zip(pending, written, strict=True):
                    if ok:
                        counts.resealed_profiles += 1
                        counts.resealed_values += moved
                pending = await self._read_again(
                    [old for (old, _, _), ok in zip(pending, written, strict=True) if not ok]
                )
            if pending:
                raise RekeyFailed(
                    f"profile {pending[0][0].id} changed on every one of {_TRIES} tries; run again"
                )
            totals.add(counts)
            on_batch(counts)
        return totals

    async def _read_again(self, stale: list[Profile]) -> list[tuple[Profile, Profile, int]]:
        """The profiles that changed under the run, as they are now; deleted ones are done."""
        pending = []
        for old in stale:
            current = await self._store.get_profile(old.account_id, old.id)
            if current is not None:
                new, moved = self._resealed(current)
                if moved:
                    pending.append((current, new, moved))
        return pending
