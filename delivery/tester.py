"""The Test button: one callback now, with the channel's example values, no retries."""

from __future__ import annotations

import uuid

from catalog import channel_of
from delivery.dispatch import Dispatcher
from delivery.recorder import Recorder
from domain import values
from domain.drafts import ProfileDraft
from domain.errors import ErrorCode, UserError, prefixed
from domain.models import Account, Attempt, AttemptTrigger, Profile
from domain.profiles import Profiles, not_found


class Tester:
    def __init__(self, profiles: Profiles, dispatcher: Dispatcher, recorder: Recorder) -> None:
        self._profiles = profiles
        self._dispatcher = dispatcher
        self._recorder = recorder

    async def test(
        self, account: Account, profile_id: str | None, draft: ProfileDraft | None
    ) -> tuple[Attempt | None, list[UserError]]:
        saved = profile_id is not None
        profile: Profile | None
        if saved and draft is not None:
            return None, [
                UserError(
                    ("draft",), "Give either an id or a draft, not both.", ErrorCode.INVALID_VALUE
                )
            ]
        if profile_id is not None:
            profile = await self._profiles.get(account, profile_id)
            if profile is None:
                return None, [not_found()]
        elif draft is not None:
            profile, errors = self._profiles.build(account, draft)
            if profile is None:
                return None, prefixed(errors, "draft")
        else:
            return None, [
                UserError(("id",), "Give the id of a saved profile or a draft.", ErrorCode.REQUIRED)
            ]
        dispatched = await self._dispatcher.dispatch(
            profile, values.examples(channel_of(profile.channel)), f"test_{uuid.uuid4().hex}", saved
        )
        attempt = await self._recorder.record(
            profile, dispatched, None, 1, AttemptTrigger.TEST, saved=saved
        )
        return attempt, []
