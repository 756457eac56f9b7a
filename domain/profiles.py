"""Creating, reading, editing and deleting callback profiles of one account."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

from catalog import CHANNELS, BodyFormat, ChannelKind, NotInCatalog, channel_of
from domain import authentication_checks, clock, validation
from domain.authentication import AuthenticationDraft
from domain.bounds import SEARCH_MAX
from domain.deliveries import ActiveProfiles, kept_nowhere
from domain.drafts import ProfileDraft, TemplateDraft
from domain.errors import ErrorCode, InvalidInput, UserError, prefixed
from domain.ids import uuid7
from domain.models import Account, Encryption, Header, Profile, ProfileStatus, SigningSecret
from domain.pagination import decode_cursor, page_size
from domain.secretbox import SecretBox
from domain.store import ProfileFilter, Store
from domain.validation import CheckedTemplate


def not_found(field: tuple[str, ...] = ("id",)) -> UserError:
    # A foreign id answers exactly like a missing one, so ids of other accounts cannot be probed.
    return UserError(field, "No callback profile with this id.", ErrorCode.NOT_FOUND)


# Receivers get a day to switch to a rotated secret; until then both sign.
ROTATION_OVERLAP = timedelta(hours=24)


def new_signing_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


@dataclass(frozen=True, slots=True)
class Created:
    profile: Profile | None
    signing_secret: str | None
    errors: list[UserError]


class Profiles:
    def __init__(
        self, store: Store, box: SecretBox, active_profiles: ActiveProfiles | None = None
    ) -> None:
        self._store = store
        self._box = box
        self._active = active_profiles if active_profiles is not None else kept_nowhere()

    def build(
        self, account: Account, draft: ProfileDraft
    ) -> tuple[Profile | None, list[UserError]]:
        """Checks a draft and turns it into an unsaved profile with a fresh signing secret."""
        try:
            channel = channel_of(draft.channel)
        except NotInCatalog:
            known = ", ".join(k.value for k in CHANNELS)
            return None, [
                UserError(
                    ("channel",),
                    f"Channel {draft.channel.value} is not available; available: {known}.",
                    ErrorCode.UNKNOWN_CHANNEL,
                )
            ]
        fmt = draft.body_format or BodyFormat.JSON
        errors = [
            *validation.title(draft.title),
            *validation.http_method(channel, draft.http_method),
            *validation.body_format(channel, draft.http_method, fmt),
            *validation.endpoint(draft.endpoint),
            *validation.headers(draft.headers),
            *validation.response_message(channel, draft.response_message),
            *validation.max_per_second(draft.max_per_second, ("maxPerSecond",)),
        ]
        checked, template_errors = validation.template(
            channel, draft.http_method, fmt, TemplateDraft(draft.variables, draft.body_template)
        )
        errors += template_errors
        if checked is not None and draft.encryption is not None:
            errors += validation.encryption(draft.encryption, checked.variables)
        if draft.authentication is not None:
            errors += prefixed(
                authentication_checks.check(draft.authentication, (h.name for h in draft.headers)),
                "authentication",
            )
        if errors or checked is None:
            return None, errors
        now = clock.now()
        profile = Profile(
            id=f"{account.region}_{uuid7()}",
            account_id=account.id,
            title=draft.title.strip(),
            channel=channel.kind,
            event=channel.event.name,
            http_method=draft.http_method,
            endpoint=draft.endpoint.strip(),
            variables=checked.variables,
            body_template=checked.template,
            body_format=fmt,
            headers=tuple(
                Header(h.name, self._box.seal(h.value) if h.secret else h.value, h.secret)
                for h in draft.headers
            ),
            encryption=self._seal_encryption(draft),
            response_message=draft.response_message,
            sealed_signing_secrets=(),
            created_at=now,
            updated_at=now,
            authentication=None
            if draft.authentication is None
            else authentication_checks.seal(draft.authentication, self._box),
            max_per_second=draft.max_per_second,
        )
        return profile, []

    def _seal_encryption(self, draft: ProfileDraft) -> Encryption | None:
        if draft.encryption is None:
            return None
        key, iv = validation.decoded_key_and_iv(draft.encryption)
        return Encryption(
            algorithm=draft.encryption.algorithm,
            sealed_key=self._box.seal(base64.b64encode(key).decode()),
            sealed_iv=self._box.seal(base64.b64encode(iv).decode()),
            parameters=draft.encryption.parameters,
            random_iv=draft.encryption.random_iv,
        )

    async def create(self, account: Account, draft: ProfileDraft) -> Created:
        profile, errors = self.build(account, draft)
        if profile is None:
            return Created(None, None, prefixed(errors, "input"))
        secret = new_signing_secret()
        profile = replace(
            profile,
            sealed_signing_secrets=(SigningSecret(self._box.seal(secret), profile.created_at),),
        )
        await self._store.insert_profile(profile)
        return Created(profile, secret, [])

    async def get(self, account: Account, profile_id: str) -> Profile | None:
        return await self._store.get_profile(account.id, profile_id)

    async def page(
        self,
        account: Account,
        first: int | None,
        after: str | None,
        search: str | None,
        channel: ChannelKind | None,
        status: ProfileStatus | None = None,
    ) -> tuple[list[Profile], bool]:
        """A page of profiles, newest first, and whether more follow."""
        if search is not None and len(search) > SEARCH_MAX:
            raise InvalidInput(f"`search` takes at most {SEARCH_MAX} characters")
        limit = page_size(first)
        where = ProfileFilter(
            search=search.strip() if search else None, channel=channel, status=status
        )
        rows = await self._store.list_profiles(account.id, where, decode_cursor(after), limit + 1)
        return rows[:limit], len(rows) > limit

    async def edit_variables(
        self, account: Account, profile_id: str, draft: TemplateDraft
    ) -> tuple[Profile | None, list[UserError]]:
        current = await self._store.get_profile(account.id, profile_id)
        if current is None:
            return None, [not_found()]
        checked, errors = _edited_template(current, draft)
        if checked is None:
            return None, prefixed(errors, "input")
        updated = await self._store.update_profile_template(
            account.id, profile_id, checked.variables, checked.template, clock.now()
        )
        if updated is None:
            return None, [not_found()]
        return updated, []

    async def edit_authentication(
        self, account: Account, profile_id: str, draft: AuthenticationDraft
    ) -> tuple[Profile | None, list[UserError]]:
        """Replaces the profile's authentication whole: secrets are given again."""
        current = await self._store.get_profile(account.id, profile_id)
        if current is None:
            return None, [not_found()]
        errors = authentication_checks.check(draft, (h.name for h in current.headers))
        if errors:
            return None, prefixed(errors, "input")
        updated = await self._store.update_profile_authentication(
            account.id, profile_id, authentication_checks.seal(draft, self._box), clock.now()
        )
        if updated is None:
            return None, [not_found()]
        return updated, []

    async def set_rate_limit(
        self, account: Account, profile_id: str, max_per_second: float | None
    ) -> tuple[Profile | None, list[UserError]]:
        errors = validation.max_per_second(max_per_second, ("maxPerSecond",))
        if errors:
            return None, errors
        updated = await self._store.set_rate_limit(
            account.id, profile_id, max_per_second, clock.now()
        )
        if updated is None:
            return None, [not_found()]
        return updated, []

    async def rotate_signing_secret(
        self, account: Account, profile_id: str
    ) -> tuple[str | None, list[UserError]]:
        current = await self._store.get_profile(account.id, profile_id)
        if current is None:
            return None, [not_found()]
        now = clock.now()
        secret = new_signing_secret()
        kept = tuple(
            replace(s, expires_at=s.expires_at or now + ROTATION_OVERLAP)
            for s in current.sealed_signing_secrets
            if s.expires_at is None or s.expires_at > now
        )
        updated = await self._store.update_signing_secrets(
            account.id, profile_id, (SigningSecret(self._box.seal(secret), now), *kept), now
        )
        if updated is None:
            return None, [not_found()]
        return secret, []

    async def delete(self, account: Account, profile_id: str) -> list[UserError]:
        deleted = await self._store.delete_profile(account.id, profile_id)
        self._active.forget((account.id, profile_id))
        if not deleted:
            return [not_found()]
        await self._store.cancel_pending(account.id, profile_id, clock.now())
        return []


def _edited_template(
    current: Profile, draft: TemplateDraft
) -> tuple[CheckedTemplate | None, list[UserError]]:
    """The profile's new template, checked; its encrypted parameters must stay selected."""
    checked, errors = validation.template(
        channel_of(current.channel), current.http_method, current.body_format, draft
    )
    if checked is None or current.encryption is None:
        return checked, errors
    dropped = [p for p in current.encryption.parameters if p not in checked.variables]
    if dropped:
        return None, [
            UserError(
                ("variables",),
                "Encrypted parameters must stay selected: " + ", ".join(dropped) + ".",
                ErrorCode.INVALID_VALUE,
            )
        ]
    return checked, errors
