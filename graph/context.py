"""What every resolver gets: the caller's account and the domain services."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from strawberry.types import Info as _Info

from delivery.tester import Tester
from domain.accounts import Accounts
from domain.deliveries import Deliveries
from domain.models import Account, DeliveryStatus
from domain.profiles import Profiles
from domain.replays import Replays
from domain.statuses import Statuses
from domain.store import Store
from graph.loaders import Loaders, loaders_for
from live.hub import Hub

if TYPE_CHECKING:
    from graph.delivery_types import DeliveryConnection


@dataclass
class Services:
    store: Store
    accounts: Accounts
    profiles: Profiles
    deliveries: Deliveries
    tester: Tester
    hub: Hub
    statuses: Statuses
    replays: Replays


class DeliveryPages(Protocol):
    """A page of deliveries, optionally of one profile and in one status."""

    def __call__(
        self,
        info: Info,
        first: int | None,
        after: str | None,
        profile_id: str | None,
        status: DeliveryStatus | None,
    ) -> Awaitable[DeliveryConnection]: ...


@dataclass
class Context:
    services: Services
    # A profile's `deliveries` field reads its page through this, given where the schema is
    # assembled (resolvers.schema): graph/ imports no resolver.
    delivery_pages: DeliveryPages
    account: Account | None = None
    connection_params: dict[str, Any] = field(default_factory=dict)
    request: Any = None
    response: Any = None
    # Subscriptions stream over graphql-transport-ws only; over HTTP they are refused.
    over_websocket: bool = False
    _loaders: Loaders | None = None

    @property
    def caller(self) -> Account:
        """The authenticated account; resolvers run only after the permission check."""
        if self.account is None:
            raise PermissionError("no authenticated account")
        return self.account

    def forget_loaded(self) -> None:
        """Drops what the loaders hold: a subscription's context lives as long as its
        connection, and each event must see the store as it is then."""
        self._loaders = None

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            self._loaders = loaders_for(self.services.store, self.caller.id)
        return self._loaders


Info = _Info[Context, None]
