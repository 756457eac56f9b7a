"""callbackProfiles: newest first, title search, channel filter, keyset pages."""

from __future__ import annotations

from tests.support.api import Api

CREATE = """
mutation ($title: String!, $channel: ChannelKind!, $vars: [String!]) {
  createCallbackProfile(input: {title: $title, channel: $channel, httpMethod: POST,
                                endpoint: "https://example.com/", variables: $vars}) {
    callbackProfile { id }
  }
}
"""
LIST = """
query ($first: Int, $after: String, $search: String, $channel: ChannelKind) {
  callbackProfiles(first: $first, after: $after, search: $search, channel: $channel) {
    edges { cursor node { title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def make(api: Api, key: str, title: str, channel: str = "SMS") -> None:
    variables = ["status"] if channel == "SMS" else ["delivery_status"]
    await api.run(CREATE, {"title": title, "channel": channel, "vars": variables}, key=key)


def titles(data: dict[str, object]) -> list[str]:
    connection = data["callbackProfiles"]
    assert isinstance(connection, dict)
    return [e["node"]["title"] for e in connection["edges"]]


async def test_newest_first_in_keyset_pages_stable_while_rows_arrive(api: Api, key: str) -> None:
    for n in range(5):
        await make(api, key, f"Profile {n}")

    first = await api.run(LIST, {"first": 2}, key=key)
    await make(api, key, "Profile late")
    second = await api.run(
        LIST, {"first": 2, "after": first["callbackProfiles"]["pageInfo"]["endCursor"]}, key=key
    )
    third = await api.run(
        LIST, {"first": 2, "after": second["callbackProfiles"]["pageInfo"]["endCursor"]}, key=key
    )

    assert titles(first) == ["Profile 4", "Profile 3"]
    assert titles(second) == ["Profile 2", "Profile 1"]
    assert titles(third) == ["Profile 0"]
    assert first["callbackProfiles"]["pageInfo"]["hasNextPage"] is True
    assert second["callbackProfiles"]["pageInfo"]["hasPreviousPage"] is True
    assert third["callbackProfiles"]["pageInfo"]["hasNextPage"] is False


async def test_search_is_a_case_insensitive_title_substring(api: Api, key: str) -> None:
    await make(api, key, "Campaign alerts")
    await make(api, key, "OTP hooks")
    await make(api, key, "spring CAMPAIGN")

    data = await api.run(LIST, {"search": "campaign"}, key=key)

    assert titles(data) == ["spring CAMPAIGN", "Campaign alerts"]


async def test_search_treats_pattern_characters_literally(api: Api, key: str) -> None:
    await make(api, key, "Orders")

    data = await api.run(LIST, {"search": ".*"}, key=key)

    assert titles(data) == []


async def test_channel_filter(api: Api, key: str) -> None:
    await make(api, key, "Texts")
    await make(api, key, "Mails", channel="EMAIL")

    data = await api.run(LIST, {"channel": "EMAIL"}, key=key)

    assert titles(data) == ["Mails"]


async def test_first_is_capped_at_one_hundred(api: Api, key: str) -> None:
    for n in range(101):
        await make(api, key, f"Bulk {n}")

    data = await api.run(LIST, {"first": 500}, key=key)

    assert len(titles(data)) == 100
    assert data["callbackProfiles"]["pageInfo"]["hasNextPage"] is True


async def test_bad_arguments_are_visible_errors(api: Api, key: str) -> None:
    negative = await api.raw(LIST, {"first": -1}, key=key)
    bogus = await api.raw(LIST, {"after": "not-a-cursor"}, key=key)

    assert negative["errors"][0]["message"] == "`first` must not be negative"
    assert bogus["errors"][0]["message"] == "`after` is not a cursor this server gave out"
