"""Documents a hostile client would send: the costliest ones under each bound of
graph.document_limits and graph.limits, one just past each bound, and the ~20 KB documents of
an anonymous flood. `n` makes each document different from the last, so no parser or
validation cache answers it."""

from __future__ import annotations

from collections.abc import Callable

from graph.document_limits import MAX_ALIASES, MAX_DEPTH, MAX_REPEATS
from graph.limits import MAX_TOKENS

# Builds the document numbered n.
Document = Callable[[int], str]

_CHANNEL = (
    "kind label events { key name } httpMethods allowedHttpMethods bodyFormats "
    "supportsResponseMessage dynamicVariables { name description example type allowedValues "
    "placeholder }"
)
# A connection nested in a connection nested in a connection, ten levels deep: each level
# multiplies the rows by up to `first` (capped at 100).
_NESTED = (
    "callbackProfiles(first: 100) { edges { node { deliveries(first: 100) { edges { node { "
    "profile { deliveries(first: 100) { edges { node { id } } } } } } } } } }"
)


def _nested_connections(n: int) -> str:
    fields = " ".join(f"a{i}: {_NESTED}" for i in range(MAX_ALIASES))
    return f"query Nested{n} {{ {fields} }}"


def _aliased_catalog(n: int) -> str:
    fields = " ".join(f"a{i}: channels {{ {_CHANNEL} }}" for i in range(MAX_ALIASES))
    return f"query Catalog{n} {{ {fields} }}"


def _repeated_catalog(n: int) -> str:
    # Every copy answers at the same path, so validation compares each pair of them.
    fields = " ".join(f"channels {{ {_CHANNEL} }}" for _ in range(MAX_REPEATS))
    return f"query Repeated{n} {{ {fields} }}"


UNDER_THE_LIMITS: dict[str, Document] = {
    f"{MAX_ALIASES} aliased connections nested {MAX_DEPTH} deep": _nested_connections,
    f"{MAX_ALIASES} aliased catalogs": _aliased_catalog,
    f"{MAX_REPEATS} repeated catalogs": _repeated_catalog,
}


def _too_deep(n: int) -> str:
    inner = "id"
    for _ in range(MAX_DEPTH + 1):
        inner = f"... on DeliveryAttempt {{ delivery {{ attempts {{ {inner} }} }} }}"
    return f'query Deep{n} {{ node(id: "x") {{ {inner} }} }}'


def _too_many_aliases(n: int) -> str:
    fields = " ".join(f"a{i}: channels {{ kind }}" for i in range(MAX_ALIASES + 1))
    return f"query Aliases{n} {{ {fields} }}"


def _too_many_repeats(n: int) -> str:
    return f"query Repeats{n} {{ {flood_fields(20_000)} }}"


def _spreading_fragments(n: int) -> str:
    # Each fragment spreads the one before twice: 2^40 selections once spread.
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 40)
    )
    return (
        f"fragment F0 on Query {{ channels {{ kind }} }} {fragments} query Spread{n} {{ ...F39 }}"
    )


def _too_many_tokens(n: int) -> str:
    return f"query Tokens{n} {{ {' '.join(['__typename'] * (MAX_TOKENS + 1))} }}"


PAST_THE_LIMITS: dict[str, Document] = {
    f"depth {MAX_DEPTH + 1}": _too_deep,
    f"{MAX_ALIASES + 1} aliases": _too_many_aliases,
    "20 KB of one repeated field": _too_many_repeats,
    "fragments spreading 2^40 selections": _spreading_fragments,
    f"{MAX_TOKENS + 1} tokens": _too_many_tokens,
}


def flood_fields(size: int) -> str:
    """`channels { kind }` over and over, `size` bytes of it: the validation of b294970
    compared every pair."""
    field = "channels { kind } "
    return field * (size // len(field))


def flood_document(n: int, size: int) -> str:
    return f"query Flood{n} {{ {flood_fields(size)} }}"
