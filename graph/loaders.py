"""Batch loaders, so a page of deliveries reads its attempts and profiles in one query each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from domain.models import Attempt, Delivery, Profile
from domain.store import Store


@dataclass
class Loaders:
    attempts: DataLoader[str, list[Attempt]]
    profiles: DataLoader[str, Profile | None]
    deliveries: DataLoader[str, Delivery | None]


def loaders_for(store: Store, account_id: str) -> Loaders:
    # No caching: a subscription connection lives long and must see fresh rows.
    async def attempts(ids: Sequence[str]) -> list[list[Attempt]]:
        by_delivery: dict[str, list[Attempt]] = {i: [] for i in ids}
        for a in await store.list_attempts(account_id, list(ids)):
            if a.delivery_id is not None:
                by_delivery[a.delivery_id].append(a)
        return [by_delivery[i] for i in ids]

    async def profiles(ids: Sequence[str]) -> list[Profile | None]:
        found = {p.id: p for p in await store.get_profiles(account_id, list(ids))}
        return [found.get(i) for i in ids]

    async def deliveries(ids: Sequence[str]) -> list[Delivery | None]:
        found = {d.id: d for d in await store.get_deliveries(account_id, list(ids))}
        return [found.get(i) for i in ids]

    return Loaders(
        attempts=DataLoader(attempts, cache=False),
        profiles=DataLoader(profiles, cache=False),
        deliveries=DataLoader(deliveries, cache=False),
    )
