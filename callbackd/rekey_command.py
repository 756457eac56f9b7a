"""`callbackd secrets rekey`: re-seals every stored secret with the first secret key."""

from __future__ import annotations

import sys

from domain.rekeying import Counts, Rekey, RekeyFailed
from domain.secretbox import SecretBox
from domain.store import Store


def _say(line: str) -> None:
    print(line, flush=True)


async def rekey(store: Store, box: SecretBox, batch_size: int, after: str | None) -> int:
    _say(f"rekey: sealing with key {box.current_key_id}, {batch_size} profiles a batch")

    def progress(batch: Counts) -> None:
        _say(
            f"rekey: batch of {batch.profiles} profiles, {batch.resealed_profiles} re-sealed "
            f"({batch.resealed_values} values), up to id {batch.last_id}"
        )

    try:
        totals = await Rekey(store, box, batch_size).run(after, progress)
    except RekeyFailed as exc:
        print(f"callbackd: rekey stopped: {exc}", file=sys.stderr, flush=True)
        return 1
    where = "every secret" if after is None else f"every secret of the profiles after {after}"
    _say(
        f"rekey: done: {totals.profiles} profiles read, {totals.resealed_profiles} re-sealed "
        f"({totals.resealed_values} values); {where} is sealed with key {box.current_key_id}"
    )
    return 0
