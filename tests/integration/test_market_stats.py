"""市场统计 and the 工作台's market panel count the community's own listings, handovers, draws and
moderation of listings, by Asia/Shanghai day, over a period the staff member picks; another
community's rows never count, and only the market's staff see them."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.core.clock import clock
from backend.market.models import GiveawayMode, Listing, ListingCategory, ListingKind, ListingState, Reservation
from backend.market.models import ReservationState as R
from backend.moderation.models import ItemState, LogAction, ModeratedItem, ModerationLogEntry, ModerationReport
from tests.integration.market_helpers import published_listing

SHANGHAI = ZoneInfo("Asia/Shanghai")
STATS = "MarketStats"
PANEL = "WorkbenchMarket"


def noon(days_ago: int) -> datetime:
    """Noon (Asia/Shanghai) `days_ago` days before today: never near a day's edge."""
    today = clock.now().astimezone(SHANGHAI).date()
    return datetime.combine(today - timedelta(days=days_ago), time(12), SHANGHAI)


async def listing(seller, room, title, *, published_days_ago: int, state=ListingState.PUBLISHED, **kind) -> Listing:
    made = await published_listing(seller, room, title=title, **kind)
    await Listing.filter(id=made.id).update(published_at=noon(published_days_ago), state=state)
    return made


async def reservation(made: Listing, buyer, state: R, *, reserved_days_ago: int, ended_days_ago: int | None = None):
    row = await Reservation.create(listing=made, buyer=buyer, state=state, handover_code_encrypted="-",
                                   giveaway=made.kind is ListingKind.FREE,
                                   ended_at=None if ended_days_ago is None else noon(ended_days_ago))
    await Reservation.filter(id=row.id).update(created_at=noon(reserved_days_ago))


async def reported(made: Listing, reporters, *, days_ago: int, kind: str = "LISTING", hide: bool = True) -> None:
    """Arranged as moderation records a report (the reporting itself is tested in test_moderation)."""
    item = await ModeratedItem.create(community_id=made.community_id, kind=kind, target_id=made.id,
                                      author_id=made.seller_id, original=made.title, reports=len(reporters),
                                      state=ItemState.HIDDEN if hide else ItemState.REPORTED,
                                      hidden_at=noon(days_ago) if hide else None)
    for person in reporters:
        row = await ModerationReport.create(item=item, reporter=person, reason="SPAM")
        await ModerationReport.filter(id=row.id).update(created_at=noon(days_ago))
    if hide:
        entry = await ModerationLogEntry.create(community_id=made.community_id, item=item, action=LogAction.AUTO_HIDE)
        await ModerationLogEntry.filter(id=entry.id).update(created_at=noon(days_ago))
        await Listing.filter(id=made.id).update(hidden_at=noon(days_ago))


@pytest.fixture
async def market(make_community, make_person, other_community):
    place = await make_community(buildings=2, rooms=2)
    community = place.community
    a, b, c, d = [await make_person(community.id, ["RESIDENT"], room=room) for room in place.rooms]
    staff = await make_person(community.id, ["COMMITTEE_STAFF"])
    # In the period (the last three days):
    bike = await listing(a, a_room := place.rooms[0], "儿童自行车", published_days_ago=0)
    await listing(b, place.rooms[1], "绘本一套", published_days_ago=1)
    plant = await listing(a, a_room, "绿萝", published_days_ago=2, state=ListingState.HANDED_OVER,
                          kind=ListingKind.FREE, category=ListingCategory.PLANTS)
    await reservation(plant, c, R.HANDED_OVER, reserved_days_ago=2, ended_days_ago=0)
    # Published before it, handed over or drawn in it:
    desk = await listing(b, place.rooms[1], "书桌", published_days_ago=5, state=ListingState.HANDED_OVER,
                         category=ListingCategory.FURNITURE)
    await reservation(desk, d, R.HANDED_OVER, reserved_days_ago=3, ended_days_ago=1)
    cot = await listing(c, place.rooms[2], "婴儿床（抽签）", published_days_ago=6, state=ListingState.RESERVED,
                        kind=ListingKind.FREE, mode=GiveawayMode.LOTTERY)
    await Listing.filter(id=cot.id).update(drawn_at=noon(1))
    await reservation(cot, d, R.ACTIVE, reserved_days_ago=0)
    # Three reports today hide the bike; a cancelled reservation still was made today.
    await reported(bike, [b, c, d], days_ago=0)
    await reservation(bike, c, R.CANCELLED, reserved_days_ago=0, ended_days_ago=0)
    # A draft has no publication; a report on a topic is not a listing's.
    await Listing.filter(id=(await published_listing(d, place.rooms[3], title="草稿")).id).update(
        state=ListingState.DRAFT, published_at=None)
    await reported(plant, [b], days_ago=1, kind="TOPIC", hide=False)
    # Another community's listing, handed over and reported today: never counted here.
    other, room = other_community
    seller, buyer = [await make_person(other.id, ["RESIDENT"], room=room) for _ in range(2)]
    theirs = await listing(seller, room, "别处的沙发", published_days_ago=0, state=ListingState.HANDED_OVER)
    await reservation(theirs, buyer, R.HANDED_OVER, reserved_days_ago=0, ended_days_ago=0)
    await reported(theirs, [buyer], days_ago=0)
    return community, staff, a


def days(n: int) -> str:
    return (clock.now().astimezone(SHANGHAI).date() - timedelta(days=n)).isoformat()


async def op(console, name: str, **variables) -> dict:
    answer = await console.op(name, **variables)
    assert "errors" not in answer, answer
    return answer["data"]


async def test_the_figures_are_the_hand_count_of_the_communitys_own_rows(console, market):
    community, staff, _ = market
    await console.sign_in(staff.handle)
    found = (await op(console, STATS, communityId=str(community.id), since=days(2), until=days(0)))["marketStats"]
    by_category = {row["category"]: row["count"] for row in found.pop("byCategory")}
    assert found == {
        "since": days(2), "until": days(0), "published": 3, "handedOver": 2, "giveaways": 1, "lotteryDraws": 1,
        "reports": 3, "hidden": 1, "activeSellers": 2,
        "daily": [{"day": days(2), "published": 1, "handedOver": 0},
                  {"day": days(1), "published": 1, "handedOver": 1},
                  {"day": days(0), "published": 1, "handedOver": 1}],
    }
    assert by_category == {c.value: {"KIDS": 2, "PLANTS": 1}.get(c.value, 0) for c in ListingCategory}

    # By default the last 30 days: the desk's and the cot's publications come in.
    found = (await op(console, STATS, communityId=str(community.id)))["marketStats"]
    assert (found["since"], found["until"], found["published"], len(found["daily"])) == (days(29), days(0), 5, 30)


async def test_the_workbench_panel_shows_what_is_on_offer_and_waiting(console, market):
    community, staff, _ = market
    await console.sign_in(staff.handle)
    panel = (await op(console, PANEL, communityId=str(community.id)))["workbench"]["market"]
    # On offer: the picture books (the bike is hidden). Today: the cot's winner and the bike's
    # cancelled one. This week: the plant today, the desk yesterday unless yesterday was Sunday.
    monday = clock.now().astimezone(SHANGHAI).date().weekday() == 0
    assert panel == {"published": 1, "reservedToday": 2, "handedOverThisWeek": 1 if monday else 2,
                     "hiddenPending": 1}


@pytest.mark.parametrize(("since", "until", "field", "message"), [
    (1, 3, "until", "结束日期不能早于开始日期"),
    (366, 0, "since", "统计期间最长 366 天"),
])
async def test_a_bad_period_is_refused_in_chinese(console, market, since, until, field, message):
    community, staff, _ = market
    await console.sign_in(staff.handle)
    answer = await console.query("query($c: ID!, $s: Date, $u: Date) { marketStats(communityId: $c, since: $s, "
                                 "until: $u) { published } }", c=str(community.id), s=days(since), u=days(until))
    assert answer["data"] is None
    assert message in answer["errors"][0]["message"], answer


async def test_only_the_markets_staff_see_the_figures(console, market):
    community, _, resident = market
    await console.sign_in(resident.handle)
    answer = await console.query("query($c: ID!) { marketStats(communityId: $c) { published } "
                                 "workbench(communityId: $c) { market { published } } }", c=str(community.id))
    assert answer["data"] is None or answer["data"].get("marketStats") is None
    assert {e["path"][0] for e in answer["errors"]} >= {"marketStats"}
