"""Favourites (收藏) through the mini-program's operations: keeping a listing, the flag on it, my list
(newest first, what I may still see only), races on PostgreSQL, and a relative with the MARKET scope."""

import asyncio
from datetime import timedelta

import pytest

from backend.core.clock import clock
from backend.market.models import Favourite, Listing, ListingState
from backend.proxies.models import Proxy
from backend.registry.models import Membership
from tests.integration.market_helpers import published_listing


@pytest.fixture
async def place(make_community, make_person):
    """A community of the test's own: a seller with three listings and two neighbours of other homes."""
    made = await make_community(rooms=3)
    made.seller, made.buyer, made.other = [
        await make_person(made.community.id, ["RESIDENT"], room=room) for room in made.rooms]
    made.listings = [await published_listing(made.seller, made.rooms[0], title=title)
                     for title in ("儿童自行车 16寸", "实木书桌", "九成新婴儿床")]
    return made


async def favourite(api, listing: Listing, on: bool = True) -> dict:
    answer = await api.op("ListingFavourite", listingId=str(listing.id), favourite=on)
    return answer["data"]["listingFavourite"]


async def my_titles(api, first: int = 20, after: str | None = None) -> list[str]:
    page = (await api.op("MarketFavourites", first=first, after=after))["data"]["marketFavourites"]
    return [node["title"] for node in page["nodes"]]


async def test_favouriting_twice_is_once_and_my_list_is_newest_first(api, place):
    await api.sign_in(place.buyer.handle)
    bike, desk, _ = place.listings
    for listing in (bike, desk, bike):
        done = await favourite(api, listing)
        assert done["errors"] == [] and done["listing"]["favourited"] is True
    assert await Favourite.filter(person_id=place.buyer.id).count() == 2
    assert await my_titles(api) == ["实木书桌", "儿童自行车 16寸"]
    nodes = (await api.op("MarketFavourites", first=20))["data"]["marketFavourites"]["nodes"]
    assert all(node["favourited"] for node in nodes)

    # One a page: the cursor carries on where the first page ended.
    page = (await api.op("MarketFavourites", first=1))["data"]["marketFavourites"]
    assert [n["title"] for n in page["nodes"]] == ["实木书桌"] and page["pageInfo"]["hasNextPage"]
    assert await my_titles(api, after=page["pageInfo"]["endCursor"]) == ["儿童自行车 16寸"]

    dropped = await favourite(api, desk, on=False)
    assert dropped["errors"] == [] and dropped["listing"]["favourited"] is False
    assert (await favourite(api, desk, on=False))["errors"] == []  # dropping again is no error
    assert await my_titles(api) == ["儿童自行车 16寸"]


async def test_the_flag_is_mine_alone(api, place):
    bike = place.listings[0]
    await api.sign_in(place.buyer.handle)
    await favourite(api, bike)
    await api.sign_in(place.other.handle)
    shown = await api.op("Listing", id=str(bike.id))
    assert shown["data"]["listing"]["favourited"] is False
    assert await my_titles(api) == []


async def test_concurrent_favourites_of_one_listing_leave_one_row(api, place):
    await api.sign_in(place.buyer.handle)
    bike = place.listings[0]
    answers = await asyncio.gather(*(favourite(api, bike) for _ in range(20)))
    assert all(a["errors"] == [] for a in answers)
    assert await Favourite.filter(person_id=place.buyer.id, listing_id=bike.id).count() == 1


async def test_a_hidden_listing_leaves_my_list_and_a_closed_one_stays_marked(api, place):
    await api.sign_in(place.buyer.handle)
    bike, desk, cot = place.listings
    for listing in place.listings:
        await favourite(api, listing)
    # Moderation hides the bike (arranged directly: the moderation path is test_market_moderation's),
    # the seller closes the desk.
    await Listing.filter(id=bike.id).update(hidden_at=clock.now())
    await Listing.filter(id=desk.id).update(state=ListingState.CLOSED)
    nodes = (await api.op("MarketFavourites", first=20))["data"]["marketFavourites"]["nodes"]
    assert [(n["title"], n["state"], n["stateLabel"]) for n in nodes] == [
        ("九成新婴儿床", "PUBLISHED", "在售"), ("实木书桌", "CLOSED", "已结束")]
    hidden = await favourite(api, bike)
    assert [e["code"] for e in hidden["errors"]] == ["NOT_FOUND"]

    await Listing.filter(id=bike.id).update(hidden_at=None)  # restored: it comes back
    assert "儿童自行车 16寸" in await my_titles(api)


async def test_leaving_the_community_empties_my_list_there(api, place):
    await api.sign_in(place.buyer.handle)
    await favourite(api, place.listings[0])
    await Membership.filter(person_id=place.buyer.id, community_id=place.community.id).delete()
    assert await my_titles(api) == []


async def test_my_own_listing_and_anothers_draft_cannot_be_favourited(api, place):
    await api.sign_in(place.seller.handle)
    own = await favourite(api, place.listings[0])
    assert [(e["code"], e["message"]) for e in own["errors"]] == [("INVALID_INPUT", "不能收藏自己发布的闲置")]
    draft = place.listings[1]
    await Listing.filter(id=draft.id).update(state=ListingState.DRAFT)
    await api.sign_in(place.buyer.handle)
    assert [e["code"] for e in (await favourite(api, draft))["errors"]] == ["NOT_FOUND"]
    assert not await Favourite.filter(listing_id__in=[listing.id for listing in place.listings]).exists()


async def test_another_community_sees_neither_the_listing_nor_my_list(api, place, other_community, make_person):
    await api.sign_in(place.buyer.handle)
    await favourite(api, place.listings[0])
    community, room = other_community
    stranger = await make_person(community.id, ["RESIDENT"], room=room)
    await api.sign_in(stranger.handle)
    assert await my_titles(api) == []
    assert [e["code"] for e in (await favourite(api, place.listings[1]))["errors"]] == ["NOT_FOUND"]
    assert await Favourite.filter(person_id=stranger.id).count() == 0


async def test_a_relative_with_the_market_scope_keeps_favourites_for_the_elder(api, place, make_person):
    relatives = {}
    for scope in ("VOTE", "MARKET"):
        relatives[scope] = await make_person(place.community.id, ["RESIDENT"])
        await Proxy.create(community=place.community, principal=place.buyer, agent=relatives[scope],
                           scopes=[scope], evidence="同户子女", valid_until=clock.now() + timedelta(days=30),
                           granted_by=place.buyer)
    await api.sign_in(place.buyer.handle)
    await favourite(api, place.listings[0])

    api.http.headers["x-acting-for"] = str(place.buyer.id)
    await api.sign_in(relatives["MARKET"].handle)
    assert await my_titles(api) == ["儿童自行车 16寸"]
    assert (await favourite(api, place.listings[1]))["errors"] == []
    assert set(await Favourite.filter(person_id=place.buyer.id).values_list("listing_id", flat=True)) == {
        place.listings[0].id, place.listings[1].id}
    assert not await Favourite.filter(person_id=relatives["MARKET"].id).exists()

    await api.sign_in(relatives["VOTE"].handle)
    refused = await api.op("MarketFavourites", first=20)
    assert refused["errors"][0]["message"] == "代办授权不包含此事项"
    assert (await favourite(api, place.listings[2]))["errors"][0]["message"] == "代办授权不包含此事项"
