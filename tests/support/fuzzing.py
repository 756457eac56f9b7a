"""Generated GraphQL operations for the fuzz tests, built from the schema itself.

`OPERATIONS` are whole documents (every query and mutation, arguments written inline);
`CALLS` call one root field with its arguments as variables, as JSON can carry what a
document cannot (a lone surrogate). Both draw arguments from arbitrary text and numbers,
the edges of what the store holds, and values the server knows (catalog variables, the ids
of stored records, a real receiver), so generated operations reach past the first check
into the domain and the store.

Values that only exist once the server runs (ids, the receiver's URL) are drawn as markers
and put in place by `fill`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import graphql
from hypothesis import strategies as st
from hypothesis_graphql import from_schema, nodes

from catalog.channels import CHANNELS
from catalog.model import ChannelKind
from resolvers.schema import schema

PROFILE_ID = "@profile-id"
DELIVERY_ID = "@delivery-id"
RECEIVER_URL = "@receiver-url"

SDL = schema.as_str()
# A document calling one root field, and its variables.
Call = tuple[str, dict[str, Any]]

_VARIABLES = sorted({v.name for c in CHANNELS.values() for v in c.variables})
_EXAMPLES = sorted({v.example for c in CHANNELS.values() for v in c.variables})
_KNOWN_TEXT = st.sampled_from(
    [
        RECEIVER_URL,
        *_VARIABLES,
        *_EXAMPLES,
        *(f"<{name}>" for name in _VARIABLES),
        "status=<status>&sender=<sender>",
        "Fuzzed profile",
        "X-Name",
        "Authorization",
        "0123456789abcdef",
        "0123456789abcdef0123456789abcdef",
        "00112233445566778899aabbccddeeff",
        "ok",
        "",
    ]
)
# A profile id twice as often: most arguments name profiles.
_IDS = st.sampled_from([PROFILE_ID, PROFILE_ID, DELIVERY_ID])
_NAMES = st.from_regex(r"\A[_A-Za-z][_0-9A-Za-z]{0,15}\Z") | st.sampled_from(_VARIABLES)
# Numbers past what BSON holds (64-bit integers, doubles) and what GraphQL's Int is (32 bits).
_EDGE_INTEGERS = st.sampled_from([2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 2**64, 10**30])
_EDGE_FLOATS = st.sampled_from([1e308, -1e308, 5e-324])
_EDGE_NUMBERS = _EDGE_INTEGERS | _EDGE_FLOATS
# Text any client can put in a document: anything UTF-8 encodes, control characters too.
_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
# Text JSON can carry besides: with a lone surrogate, which no encoding holds.
_JSON_TEXT = _TEXT | st.tuples(_TEXT, st.characters(categories=["Cs"]), _TEXT).map("".join)

_JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | _EDGE_NUMBERS
    | st.floats(allow_nan=False, allow_infinity=False)
)


def _json(text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        _JSON_LEAVES | text | _KNOWN_TEXT,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_NAMES, inner, max_size=6),
        max_leaves=12,
    )


def _json_objects(text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Mostly objects keyed by catalog variables with plain values, as status values and
    templates are; otherwise any JSON."""
    plain = st.dictionaries(
        st.sampled_from(_VARIABLES), _JSON_LEAVES | text | _KNOWN_TEXT, min_size=1, max_size=4
    )
    return plain | plain | _json(text)


def _value_node(value: Any) -> graphql.ValueNode:
    if value is None:
        return nodes.Null
    if isinstance(value, bool):
        return nodes.Boolean(value)
    if isinstance(value, int):
        return nodes.Int(value)
    if isinstance(value, float):
        return nodes.Float(value)
    if isinstance(value, str):
        return nodes.String(value)
    if isinstance(value, list):
        return nodes.List([_value_node(v) for v in value])
    return nodes.Object(
        [
            graphql.ObjectFieldNode(name=graphql.NameNode(value=k), value=_value_node(v))
            for k, v in value.items()
        ]
    )


OPERATIONS: st.SearchStrategy[str] = from_schema(
    SDL,
    custom_scalars={
        "String": (_TEXT | _KNOWN_TEXT).map(nodes.String),
        "ID": (_TEXT | _IDS).map(nodes.String),
        "Int": (st.integers() | _EDGE_INTEGERS).map(nodes.Int),
        "JSON": _json_objects(_TEXT).map(_value_node),
    },
)

# Numbers of the wrong kind too (a float for an Int), as JSON cannot tell them apart.
_SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "String": _JSON_TEXT | _KNOWN_TEXT,
    "ID": _JSON_TEXT | _IDS,
    "Int": st.integers() | _EDGE_NUMBERS,
    "Float": st.floats(allow_nan=False, allow_infinity=False) | _EDGE_NUMBERS,
    "Boolean": st.booleans(),
    "JSON": _json_objects(_JSON_TEXT),
    "DateTime": st.datetimes().map(datetime.isoformat)
    | st.datetimes(timezones=st.just(UTC)).map(datetime.isoformat)
    | _JSON_TEXT,
}


_SMS_VARIABLES = st.sampled_from([v.name for v in CHANNELS[ChannelKind.SMS].variables])
# Input fields where a known value lets the operation go deeper: the stored SMS profile, its
# variables, the receiver. Each still draws arbitrary values as often as known ones.
_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "StatusEventInput.callbackProfileId": st.just(PROFILE_ID) | _JSON_TEXT,
    # Edge numbers twice over: typed variables turn them into what the store must hold.
    "StatusEventInput.values": st.dictionaries(
        _SMS_VARIABLES,
        _EDGE_NUMBERS | _JSON_LEAVES | _JSON_TEXT | _KNOWN_TEXT,
        min_size=1,
        max_size=2,
    )
    | _json_objects(_JSON_TEXT),
    "CreateCallbackProfileInput.endpoint": st.just(RECEIVER_URL) | _JSON_TEXT,
    "CreateCallbackProfileInput.title": st.just("Fuzzed profile") | _JSON_TEXT,
    "HeaderInput.name": st.sampled_from(["X-Name", "Authorization"]) | _JSON_TEXT,
}


def _variable(
    type_: graphql.GraphQLInputType, present: st.SearchStrategy[Any] | None = None
) -> st.SearchStrategy[Any]:
    if isinstance(type_, graphql.GraphQLNonNull):
        return _present(type_.of_type) if present is None else present
    return st.none() | (_present(type_) if present is None else present)


def _present(type_: graphql.GraphQLNullableInputType) -> st.SearchStrategy[Any]:
    if isinstance(type_, graphql.GraphQLList):
        return st.lists(_variable(type_.of_type), max_size=3)
    if isinstance(type_, graphql.GraphQLEnumType):
        return st.sampled_from(sorted(type_.values))
    if isinstance(type_, graphql.GraphQLInputObjectType):
        fields = {
            n: _variable(f.type, _FIELDS.get(f"{type_.name}.{n}")) for n, f in type_.fields.items()
        }
        required = {n for n, f in type_.fields.items() if graphql.is_required_input_field(f)}
        return st.fixed_dictionaries(
            {n: s for n, s in fields.items() if n in required},
            optional={n: s for n, s in fields.items() if n not in required},
        )
    assert isinstance(type_, graphql.GraphQLScalarType)
    return _SCALARS[type_.name]


def _document(operation: str, name: str, field: graphql.GraphQLField) -> str:
    declared = ", ".join(f"${a}: {arg.type}" for a, arg in field.args.items())
    passed = ", ".join(f"{a}: ${a}" for a in field.args)
    leaf = isinstance(graphql.get_named_type(field.type), graphql.GraphQLLeafType)
    return f"{operation}({declared}) {{ {name}({passed}){'' if leaf else ' { __typename }'} }}"


def _call(operation: str, name: str, field: graphql.GraphQLField) -> st.SearchStrategy[Call]:
    required = {a: arg for a, arg in field.args.items() if graphql.is_required_argument(arg)}
    variables = st.fixed_dictionaries(
        {a: _variable(arg.type) for a, arg in required.items()},
        optional={a: _variable(arg.type) for a, arg in field.args.items() if a not in required},
    )
    return st.tuples(st.just(_document(operation, name, field)), variables)


_BUILT = graphql.build_schema(SDL)
assert _BUILT.query_type is not None and _BUILT.mutation_type is not None
_ROOT_FIELDS = [
    (operation, name, field)
    for operation, root in (("query", _BUILT.query_type), ("mutation", _BUILT.mutation_type))
    for name, field in root.fields.items()
    if field.args
]
# A call of any root field that takes arguments, each field as likely as another.
CALLS: st.SearchStrategy[Call] = st.one_of(*(_call(*root) for root in _ROOT_FIELDS))


def call_document(name: str) -> str:
    """The document CALLS sends to call the root field `name`."""
    [document] = [_document(*root) for root in _ROOT_FIELDS if root[1] == name]
    return document


def fill(text: str, known: Mapping[str, str]) -> str:
    """`text` (a document, or JSON) with each marker string replaced by what it stands for."""
    for marker, value in known.items():
        text = text.replace(json.dumps(marker), json.dumps(value))
    return text
