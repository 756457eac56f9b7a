"""Records kept for a moment: answered while young, dropped once old or forgotten, and never
kept from a read that a change in this process overtook."""

from __future__ import annotations

from domain.recent import Recent
from tests.support.ticks import Ticks


def test_a_kept_record_is_answered_until_it_is_as_old_as_kept_for() -> None:
    ticks = Ticks()
    recent = Recent[str, str](1.0, monotonic=ticks)

    recent.keep("k", "v", recent.reading())
    ticks.now += 0.999
    young = recent.get("k")
    ticks.now += 0.001
    old = recent.get("k")

    assert (young, old) == ("v", None)


def test_age_counts_from_when_the_read_began() -> None:
    ticks = Ticks()
    recent = Recent[str, str](1.0, monotonic=ticks)

    reading = recent.reading()
    ticks.now += 0.6
    recent.keep("k", "v", reading)
    ticks.now += 0.4

    assert recent.get("k") is None


def test_a_forgotten_record_is_not_answered() -> None:
    recent = Recent[str, str](60.0)
    recent.keep("k", "v", recent.reading())

    recent.forget("k")

    assert recent.get("k") is None


def test_a_read_under_way_when_any_record_was_forgotten_is_not_kept() -> None:
    recent = Recent[str, str](60.0)
    reading = recent.reading()

    recent.forget("other")
    recent.keep("k", "v", reading)

    assert recent.get("k") is None


def test_a_read_begun_after_the_forgetting_is_kept() -> None:
    recent = Recent[str, str](60.0)
    recent.forget("k")

    recent.keep("k", "v", recent.reading())

    assert recent.get("k") == "v"


def test_kept_for_zero_keeps_nothing() -> None:
    recent = Recent[str, str](0)

    recent.keep("k", "v", recent.reading())

    assert recent.get("k") is None


def test_a_full_store_of_records_starts_again_rather_than_growing() -> None:
    recent = Recent[str, int](60.0, most=3)
    for i in range(3):
        recent.keep(str(i), i, recent.reading())

    recent.keep("3", 3, recent.reading())

    assert [recent.get(str(i)) for i in range(4)] == [None, None, None, 3]
