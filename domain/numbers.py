"""Which numbers the store holds: BSON keeps 64-bit signed integers and finite doubles."""

from __future__ import annotations

import math
from typing import Any

from domain.bounds import INTEGER_MAX, INTEGER_MIN

RANGE = f"an integer from {INTEGER_MIN} to {INTEGER_MAX} or a finite number"


def storable(value: Any) -> bool:
    """False for an integer beyond 64 bits or a float that is infinite or not a number; true
    for anything else, numbers or not."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return INTEGER_MIN <= value <= INTEGER_MAX
    if isinstance(value, float):
        return math.isfinite(value)
    return True
