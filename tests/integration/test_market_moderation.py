"""A listing reported into the shared moderation (kind "LISTING"): the third distinct verified
reporter hides it from everyone but its seller (who sees it marked hidden) and staff, the original
is kept for the moderator, and a moderator's restore shows it again."""

from types import SimpleNamespace

import pytest

from backend.market.models import Listing, ListingState
from tests.integration.market_helpers import published_listing


@pytest.fixture
async def street(app, make_community, make_person):
    made = await make_community(rooms=6)
    cid = made.community.id
    return SimpleNamespace(
        community=made.community,
        seller=(seller := await make_person(cid, ["RESIDENT"], room=made.rooms[0])),
        reporters=[await make_person(cid, ["RESIDENT"], room=room) for room in made.rooms[1:4]],
        unverified=await make_person(cid, ["RESIDENT"]),
        moderator=await make_person(cid, ["COMMITTEE_STAFF"]),
        listing=await published_listing(seller, made.rooms[0], title="九成新婴儿床，免费送", kind="FREE",
                                        description="加微信详聊"),
    )


async def report(api, person, listing_id, reason="FRAUD") -> dict:
    await api.sign_in(person.handle)
    return (await api.op("ContentReport", kind="LISTING", targetId=str(listing_id), reason=reason))["data"][
        "contentReport"]


async def seen_by(api, person, listing_id) -> dict | None:
    await api.sign_in(person.handle)
    return (await api.op("Listing", id=str(listing_id)))["data"]["listing"]


async def test_three_verified_reporters_hide_a_listing_until_a_moderator_restores_it(api, console, street):
    listing_id = street.listing.id
    unverified = await report(api, street.unverified, listing_id)
    assert unverified["errors"][0]["message"] == "只有本社区已认证住址的居民才能举报"
    own = await report(api, street.seller, listing_id)
    assert own["errors"][0]["message"] == "不能举报自己发布的内容"
    for reporter, reason in zip(street.reporters[:2], ("FRAUD", "SPAM"), strict=True):
        assert (await report(api, reporter, listing_id, reason)) == {"ok": True, "errors": []}
    assert (await seen_by(api, street.unverified, listing_id))["hidden"] is False  # two are not enough

    assert (await report(api, street.reporters[2], listing_id))["ok"]
    for person in (street.unverified, *street.reporters):
        assert await seen_by(api, person, listing_id) is None
    mine = await seen_by(api, street.seller, listing_id)
    assert (mine["hidden"], mine["state"]) == (True, "PUBLISHED")  # its own state is kept for the restore
    await api.sign_in(street.seller.handle)
    [listed] = (await api.op("MyListings", first=20))["data"]["myListings"]["nodes"]
    assert listed["hidden"] is True

    await console.sign_in(street.moderator.handle)
    cid = str(street.community.id)
    staff_hidden = (await console.op("MarketListings", communityId=cid, hidden=True, first=20))["data"]
    assert [n["id"] for n in staff_hidden["marketListings"]["nodes"]] == [str(listing_id)]
    queue = (await console.op("ModerationQueue", communityId=cid, state="HIDDEN", first=50))["data"]
    [item] = [i for i in queue["moderationQueue"]["nodes"] if i["kind"] == "LISTING"]
    assert (item["original"], item["reports"], item["authorName"]) == ("九成新婴儿床，免费送\n加微信详聊", 3,
                                                                       street.seller.display_name)
    decided = (await console.op("ModerationDecide", id=item["id"], decision="RESTORE",
                                reason="核实为正常赠送"))["data"]["moderationDecide"]
    assert decided["errors"] == [] and decided["item"]["state"] == "RESTORED"

    shown = await seen_by(api, street.reporters[0], listing_id)
    assert (shown["hidden"], shown["title"]) == (False, "九成新婴儿床，免费送")
    assert (await Listing.get(id=listing_id)).state is ListingState.PUBLISHED
    assert (await console.op("MarketListings", communityId=cid, hidden=True, first=20))["data"][
        "marketListings"]["nodes"] == []


async def test_a_draft_cannot_be_reported(api, street):
    draft = await Listing.create(**{f: getattr(street.listing, f) for f in (
        "community_id", "seller_id", "kind", "category", "condition", "title", "description", "giveaway_mode",
        "estate_id", "building_id", "room_id")}, state=ListingState.DRAFT)
    refused = await report(api, street.reporters[0], draft.id)
    assert refused["errors"][0]["code"] == "NOT_FOUND"
