"""Writes the schema as SDL: `python -m resolvers.export > schema.graphql`."""

from __future__ import annotations

from resolvers.schema import schema


def sdl() -> str:
    return schema.as_str() + "\n"


if __name__ == "__main__":
    print(sdl(), end="")
