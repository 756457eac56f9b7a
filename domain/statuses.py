"""A profile's status as a whole: disabled by its account, auto-disabled by callbackd,
enabled again; each change announced to the account's operators."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

from domain import clock
from domain.deliveries import ActiveProfiles, kept_nowhere
from domain.ids import sortable_id
from domain.models import Profile, ProfileEvent, ProfileEventKind, ProfileStatus
from domain.store import StatusChange, Store

DISABLED_BY_ACCOUNT = "Disabled by the account."
ANY_STATUS = frozenset(ProfileStatus)


def event_of(
    profile: Profile,
    kind: ProfileEventKind,
    at: datetime,
    *,
    reason: str | None = None,
    replayed: int | None = None,
) -> ProfileEvent:
    return ProfileEvent(
        id=sortable_id("pev"),
        account_id=profile.account_id,
        profile_id=profile.id,
        kind=kind,
        status=profile.status,
        reason=reason,
        at=at,
        paused_until=profile.paused_until,
        replayed=replayed,
    )


class Statuses:
    def __init__(self, store: Store, active_profiles: ActiveProfiles | None = None) -> None:
        self._store = store
        self._active = active_profiles if active_profiles is not None else kept_nowhere()

    async def disable(self, account_id: str, profile_id: str) -> Profile | None:
        """Answers the profile, disabled; None when it does not exist."""
        return await self._change(
            account_id,
            profile_id,
            ProfileStatus.DISABLED,
            DISABLED_BY_ACCOUNT,
            ANY_STATUS - {ProfileStatus.DISABLED},
            ProfileEventKind.DISABLED,
        )

    async def auto_disable(self, account_id: str, profile_id: str, reason: str) -> Profile | None:
        """Only an active profile is auto-disabled: one its account disabled stays so."""
        return await self._change(
            account_id,
            profile_id,
            ProfileStatus.AUTO_DISABLED,
            reason,
            frozenset({ProfileStatus.ACTIVE}),
            ProfileEventKind.AUTO_DISABLED,
        )

    async def enable(self, account_id: str, profile_id: str) -> Profile | None:
        """Answers the profile, active; its held deliveries go on."""
        profile = await self._change(
            account_id,
            profile_id,
            ProfileStatus.ACTIVE,
            None,
            ANY_STATUS - {ProfileStatus.ACTIVE},
            ProfileEventKind.ENABLED,
        )
        if profile is not None:
            await self._store.resume_held(account_id, profile_id, clock.now())
        return profile

    async def follow(self, account_id: str, profile_id: str | None) -> AsyncIterator[ProfileEvent]:
        """Events of one account (of one of its profiles) from now on, from every process."""
        async for event in self._store.follow_profile_events():
            if event.account_id == account_id and profile_id in (None, event.profile_id):
                yield event

    async def _change(
        self,
        account_id: str,
        profile_id: str,
        status: ProfileStatus,
        reason: str | None,
        allowed_from: frozenset[ProfileStatus],
        kind: ProfileEventKind,
    ) -> Profile | None:
        now = clock.now()
        changed = await self._store.change_profile_status(
            account_id, profile_id, StatusChange(status, reason, now, allowed_from)
        )
        self._active.forget((account_id, profile_id))
        if changed is None:
            # Missing, or already in that status: nothing happened, so nothing is announced.
            return await self._store.get_profile(account_id, profile_id)
        await self._store.announce_profile_event(event_of(changed, kind, now, reason=reason))
        return changed
