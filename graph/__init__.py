"""GraphQL types and schema assembly."""

# The domain's enums get their GraphQL names and descriptions here, before any type uses them.
from graph import enums as enums
