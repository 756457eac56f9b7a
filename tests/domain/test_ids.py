"""Profile ids and row ids are version 7 UUIDs that sort in creation order, even within a
millisecond, so newest-first listings of rows created together keep their order."""

from __future__ import annotations

import re
import time
import uuid

from domain.ids import sortable_id, uuid7


def test_they_are_rfc_9562_version_7_uuids() -> None:
    made = uuid7()

    assert made.version == 7
    assert made.variant == uuid.RFC_4122
    assert abs((made.int >> 80) - time.time_ns() // 1_000_000) < 1000


def test_ids_made_in_one_burst_sort_in_creation_order() -> None:
    made = [str(uuid7()) for _ in range(10_000)]

    assert sorted(made) == made
    assert len(set(made)) == len(made)


def test_row_ids_made_in_one_burst_sort_in_creation_order() -> None:
    made = [sortable_id("dlv") for _ in range(10_000)]

    assert sorted(made) == made
    assert len(set(made)) == len(made)
    assert all(re.fullmatch(r"dlv_[0-9a-f]{32}", row_id) for row_id in made)
    assert abs(int(made[0][4:16], 16) - time.time_ns() // 1_000_000) < 1000
