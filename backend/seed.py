"""The demo community 阳光社区, seeded idempotently so a newcomer can sign in as every kind of user."""

import io
import random
from datetime import datetime, timedelta
from datetime import time as dtime

from PIL import Image

from backend.accounts.models import StaffCredential
from backend.accounts.passwords import hash_password
from backend.cases.models import StreetSupervisor
from backend.core.actor import Actor, ProxyScope
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.platform import PlatformMember, PlatformRole
from backend.core.runtime import start_runtime
from backend.core.settings import get_settings
from backend.market import listings as market_listings
from backend.media.service import store_upload
from backend.people.models import Person
from backend.points.models import Reward
from backend.proxies.models import Proxy
from backend.proxies.service import HOUSEHOLD_EVIDENCE
from backend.registry.models import (
    Building,
    Channel,
    Community,
    Estate,
    Grid,
    GridWorker,
    Household,
    Membership,
    PersonRoom,
    ResidentRole,
    Role,
    Room,
    Street,
    Unit,
)

COMMUNITY_CODE = "yangguang"
DEMO_PASSWORD = "Linli@2026"
ESTATES = {"阳光花园": ["1栋", "2栋", "3栋"], "翠竹苑": ["1栋", "2栋", "3栋"]}
UNITS_PER_BUILDING = 2
FLOORS = 5
ROOMS_PER_FLOOR = 5  # 6 buildings x 2 units x 5 floors x 5 rooms = 300 households
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"

# handle -> (display name, phone, roles, staff?) — staff sign in with a password in the console.
DEMO_PEOPLE = {
    "committee": ("居委会 周主任", "13800000001", [Role.COMMITTEE_STAFF], True),
    "grid": ("网格员 小陈", "13800000002", [Role.GRID_WORKER], True),
    "property": ("物业 刘经理", "13800000003", [Role.PROPERTY_STAFF], True),
    "provider": ("幸福家政 吴老板", "13800000004", [Role.PROVIDER_ADMIN], True),
    "volunteer": ("志愿者 小林", "13800000005", [Role.RESIDENT, Role.VOLUNTEER], False),
    "resident": ("张阿姨", "13800000006", [Role.RESIDENT, Role.HOUSEHOLD_HEAD, Role.OWNER], False),
    "elder": ("王爷爷", "13800000007", [Role.RESIDENT, Role.HOUSEHOLD_HEAD, Role.OWNER], False),
    "relative": ("王爷爷的女儿 王丽", "13800000008", [Role.RESIDENT], False),
    "operator": ("运营方 郑经理", "13800000009", [], True),  # a platform role, in no community
    "street": ("幸福街道 陈科长", "13800000010", [], True),  # supervises the street's cases, in no community
    "coordinator": ("志愿者协调员 小赵", "13800000011", [Role.RESIDENT, Role.VOLUNTEER_COORDINATOR], True),
    "worker": ("幸福家政 小何", "13800000012", [Role.PROVIDER_WORKER], True),
}
# Demo people who live in the community, and the household (by room code) they belong to.
DEMO_HOMES = {
    "resident": "YG-1-1-101",
    "elder": "YG-1-1-102",
    "relative": "YG-1-1-102",
    "volunteer": "YG-1-2-101",
    "coordinator": "YG-1-2-102",
}


async def seed_demo() -> bool:
    """Create the demo community unless it exists. Returns True when it was created."""
    if await Community.filter(code=COMMUNITY_CODE).exists():
        return False
    rng = random.Random(2026)  # the same names on every machine  # noqa: S311
    async with transaction() as tx:
        street = await Street.create(name="幸福街道", code="xingfu", using_db=tx)
        community = await Community.create(name="阳光社区", code=COMMUNITY_CODE, street=street, using_db=tx)
        households = await _seed_homes(tx, community, rng)
        await _seed_people(tx, community, households)
        await _seed_timebank(tx, community)
        await _seed_volunteering(tx, community)
        await _seed_rewards(tx, community)
        await _seed_services(tx, community)
    await _seed_wallets(community)
    await _seed_market(community)
    return True


# The flea market's demo listings: (seller handle, title, kind, category, condition, price in fen, giveaway
# mode, photo colours). 张阿姨 (resident) sells nothing, so she can reserve, enter and chat as a buyer.
DEMO_LISTINGS = [
    ("volunteer", "儿童自行车 16寸", "SELL", "KIDS", "GOOD", 12000, None, ("#e74c3c", "#3498db")),
    ("relative", "九成新婴儿床，免费送", "FREE", "KIDS", "LIKE_NEW", None, "FIRST_COME", ("#f5deb3",)),
    ("volunteer", "多肉植物一盆（抽签）", "FREE", "PLANTS", "GOOD", None, "LOTTERY", ("#2ecc71",)),
    ("relative", "电饭煲换一盆绿萝", "SWAP", "KITCHEN", "GOOD", None, None, ("#bdc3c7",)),
    ("volunteer", "求购：二手钢琴凳", "WANTED", "FURNITURE", None, 10000, None, ()),
    ("relative", "《十万个为什么》全套", "SELL", "BOOKS", "LIKE_NEW", 3000, None, ("#f1c40f",)),
    ("volunteer", "实木书桌 120 厘米", "SELL", "FURNITURE", "FAIR", 20000, None, ()),
]


async def _seed_market(community: Community) -> None:
    """DEMO_LISTINGS, published through the market's own services (the photos through the media
    pipeline, which writes outside a transaction, so after the demo's): pickup at each seller's home,
    the lottery drawn in two days, all expiring in 30 days. Publishing wakes the outbox relay after
    each commit, through a runtime of the seed's own (the app starts its own when it serves)."""
    seeding = start_runtime(get_settings())
    try:
        for handle, title, kind, category, condition, price, mode, colours in DEMO_LISTINGS:
            seller = await Person.get(handle=handle)
            actor = Actor(person_id=seller.id)
            home = await PersonRoom.get(person=seller, community=community, until=None)
            photo_ids = [(await store_upload(actor, kind="listing_photo", data=_demo_photo(colour))).upload.id
                         for colour in colours]
            draft = market_listings.ListingDraft(
                community_id=community.id, kind=kind, category=category, condition=condition, title=title,
                description=f"{title}，在小区门口交接，欢迎私信。", price_fen=price, giveaway_mode=mode,
                draw_at=clock.now() + timedelta(days=2) if mode == "LOTTERY" else None, room_id=home.room_id,
                photo_ids=photo_ids)
            listing = await market_listings.save_listing(actor, listing_id=None, draft=draft)
            await market_listings.publish_listing(actor, listing_id=listing.id)
    finally:
        await seeding.close()


def _demo_photo(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(out, "JPEG")
    return out.getvalue()


async def _seed_wallets(community: Community) -> None:
    """Hours and points for the ledger console and the wallet: 王丽 earns 2 hours and 30 points, gives
    her father 王爷爷 1 hour through the time bank (same household: the anti-fraud sweep raises an
    alert) and holds 10 points for a redemption not yet collected."""
    from backend.ledger.models import Ledger, TransferFlags
    from backend.ledger.results import TransferSpec
    from backend.ledger.service import create_transfers, require_ok
    from backend.wallets import accounts, codes, fraud

    relative, elder = [await Person.get(handle=h) for h in ("relative", "elder")]
    c = community.id
    async with transaction() as tx:
        hours, points = [await accounts.person_account(ledger, person_id=relative.id, community_id=c, tx=tx)
                         for ledger in (Ledger.TIME, Ledger.POINTS)]
        elder_hours = await accounts.person_account(Ledger.TIME, person_id=elder.id, community_id=c, tx=tx)
        issue_time = await accounts.community_account(Ledger.TIME, accounts.ISSUE, community_id=c, tx=tx)
        issue_points = await accounts.community_account(Ledger.POINTS, accounts.ISSUE, community_id=c, tx=tx)
        rewards = await accounts.community_account(Ledger.POINTS, accounts.REWARDS, community_id=c, tx=tx)
        moves = [("hours", Ledger.TIME, codes.VOLUNTEER_HOURS, issue_time, hours, 120, "volunteer:demo", 0),
                 ("points", Ledger.POINTS, codes.VOLUNTEER_POINTS, issue_points, points, 30, "volunteer:demo", 0),
                 ("help", Ledger.TIME, codes.TIMEBANK_SERVICE, hours, elder_hours, 60, "timebank:demo", 0),
                 ("redeem", Ledger.POINTS, codes.REDEMPTION, points, rewards, 10, "redemption:demo",
                  TransferFlags.PENDING)]
        for key, ledger, code, debit, credit, amount, reference, flags in moves:  # one after another, in order
            require_ok(await create_transfers([TransferSpec(
                id=accounts.transfer_id(f"demo:{key}"), ledger=ledger, code=code, debit_account_id=debit.id,
                credit_account_id=credit.id, amount=amount, reference=reference, flags=flags)], tx=tx))
    await fraud.sweep(lag=timedelta(0))  # nothing else writes while seeding: no batch can be in flight


async def _seed_rewards(tx, community: Community) -> None:
    """The rewards mall's first shelf (积分商城), put there by the committee member."""
    committee = await Person.get(handle="committee").using_db(tx)
    for name, description, cost, stock in (
            ("社区定制帆布袋", "印有阳光社区标志，可重复使用", 20, 30),
            ("洗衣液（2 升）", "社区服务中心领取", 60, 20),
            ("理发券", "社区便民理发点使用一次", 30, 50)):
        await Reward.create(community=community, name=name, description=description, cost=cost, stock=stock,
                            created_by=committee, using_db=tx)


# Paid services — the demo providers, their catalogue and the community's policies
# (name, category, unit, price in fen, minimum quantity) of 幸福家政's catalogue.
DEMO_SERVICES = [("日常保洁", "HOUSEKEEPING", "HOUR", 5000, 2), ("衣物洗护", "LAUNDRY", "ITEM", 1500, 1),
                 ("跑腿代办", "ERRANDS", "ITEM", 1000, 1)]
DEMO_DISHES = [("青菜豆腐套餐", 800), ("红烧肉套餐", 1200)]


async def _seed_services(tx, community: Community) -> None:
    """幸福家政 (吴老板 its admin, 小何 its worker) with three services and slots at 09:00 and 14:00 for
    the next 7 days; 跑腿 free in the demo community (the free/paid split); the canteen 社区长者食堂
    (also 吴老板's) with a week of menus; the street's meal subsidy per age; the platform's commission
    (10 %, meals 5 %)."""
    from backend.core import crypto
    from backend.core.days import SHANGHAI as shanghai
    from backend.services.models import (
        CategoryPolicy,
        CommissionRule,
        MealDish,
        MealMenu,
        Provider,
        ProviderCommunity,
        ProviderMember,
        ProviderRole,
        ProviderState,
        Service,
        ServiceCategory,
        Slot,
        SubsidyPolicy,
        SubsidyTier,
    )

    boss, worker = await Person.get(handle="provider").using_db(tx), await Person.get(handle="worker").using_db(tx)
    operator = await Person.get(handle="operator").using_db(tx)
    today = clock.now().astimezone(shanghai).date()
    days = [today + timedelta(days=n) for n in range(1, 8)]

    async def provider(name: str, categories: list[str]) -> Provider:
        made = await Provider.create(name=name, state=ProviderState.VERIFIED, categories=categories,
                                     contact_name="吴老板", contact_phone_encrypted=crypto.encrypt("13800000004"),
                                     applied_by=boss, verified_by=operator, verified_at=clock.now(), using_db=tx)
        await ProviderCommunity.create(provider=made, community=community, using_db=tx)
        await ProviderMember.create(provider=made, person=boss, role=ProviderRole.ADMIN, using_db=tx)
        return made

    housekeeping = await provider("幸福家政", ["HOUSEKEEPING", "LAUNDRY", "ERRANDS"])
    await ProviderMember.create(provider=housekeeping, person=worker, role=ProviderRole.WORKER, using_db=tx)
    for name, category, unit, price, minimum in DEMO_SERVICES:
        await Service.create(provider=housekeeping, category=category, name=name, unit=unit, unit_price_fen=price,
                             min_quantity=minimum, description=f"{name}，幸福家政提供", using_db=tx)
    await Slot.bulk_create([Slot(provider_id=housekeeping.id, starts_at=start, ends_at=start + timedelta(hours=3),
                                 capacity=3)
                            for day in days for start in (datetime.combine(day, dtime(hour), shanghai)
                                                          for hour in (9, 14))], using_db=tx)
    await CategoryPolicy.create(community=community, category=ServiceCategory.ERRANDS, paid=False, using_db=tx)
    canteen = await provider("社区长者食堂", ["MEALS"])
    for day in days:
        menu = await MealMenu.create(provider=canteen, community=community, day=day,
                                     cutoff_at=datetime.combine(day, dtime(10), shanghai), pickup=True, delivery=True,
                                     delivery_fee_fen=200, using_db=tx)
        await MealDish.bulk_create([MealDish(menu_id=menu.id, name=name, price_fen=price, portions=50)
                                    for name, price in DEMO_DISHES], using_db=tx)
    for tier, age, fen in ((SubsidyTier.AGE_60, 60, 200), (SubsidyTier.AGE_80, 80, 500)):
        await SubsidyPolicy.create(community=community, tier=tier, min_age=age, subsidy_fen=fen, funder="街道助餐补贴",
                                   using_db=tx)
    await CommissionRule.create(percent_bp=1000, created_by=operator, using_db=tx)
    await CommissionRule.create(category=ServiceCategory.MEALS, percent_bp=500, created_by=operator, using_db=tx)


async def _seed_homes(tx, community: Community, rng: random.Random) -> dict[str, Household]:
    rooms: list[Room] = []
    for e, (estate_name, building_names) in enumerate(ESTATES.items(), start=1):
        estate = await Estate.create(community=community, name=estate_name, using_db=tx)
        grid = await Grid.create(community=community, name=f"第{e}网格（{estate_name}）", using_db=tx)
        for b, building_name in enumerate(building_names, start=1):
            building = await Building.create(
                community=community, estate=estate, grid=grid, name=building_name, using_db=tx
            )
            for u in range(1, UNITS_PER_BUILDING + 1):
                unit = await Unit.create(community=community, building=building, name=f"{u}单元", using_db=tx)
                prefix = "YG" if e == 1 else "CZ"
                rooms += [
                    Room(
                        community=community, unit=unit, floor=floor, number=f"{floor}{r:02d}",
                        code=f"{prefix}-{b}-{u}-{floor}{r:02d}",
                        area_dm2=rng.choice([6_850, 8_920, 11_240, 13_500]),
                    )
                    for floor in range(1, FLOORS + 1)
                    for r in range(1, ROOMS_PER_FLOOR + 1)
                ]
    await Room.bulk_create(rooms, using_db=tx)
    await Household.bulk_create([Household(community_id=community.id, room_id=room.id) for room in rooms], using_db=tx)
    households = await Household.filter(community=community).select_related("room").using_db(tx)
    by_code = {h.room.code: h for h in households}

    # One head of household per home, so the registry looks like a real community.
    occupied = set(DEMO_HOMES.values())
    free = [h for h in households if h.room.code not in occupied]
    heads = [Person(display_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)) for _ in free]
    await Person.bulk_create(heads, using_db=tx)
    pairs = list(zip(heads, free, strict=True))
    await Membership.bulk_create(
        [Membership(person_id=head.id, community_id=community.id, household_id=h.id, role=role)
         for head, h in pairs for role in (Role.RESIDENT, Role.HOUSEHOLD_HEAD, Role.OWNER)],
        using_db=tx,
    )
    await PersonRoom.bulk_create(
        [PersonRoom(community_id=community.id, person_id=head.id, room_id=h.room_id, household_id=h.id,
                    role=ResidentRole.OWNER, since=clock.now(), channel=Channel.SEED) for head, h in pairs],
        using_db=tx,
    )
    return by_code


async def _seed_people(tx, community: Community, households: dict[str, Household]) -> None:
    password_hash = hash_password(DEMO_PASSWORD)
    people: dict[str, Person] = {}
    for handle, (name, phone, roles, staff) in DEMO_PEOPLE.items():
        person = people[handle] = Person(display_name=name, handle=handle)
        person.set_phone(phone)
        await person.save(using_db=tx)
        household = households.get(DEMO_HOMES.get(handle, ""))
        for role in roles:
            await Membership.create(person=person, community=community, household=household, role=role, using_db=tx)
        if household is not None:
            await PersonRoom.create(
                community=community, person=person, room_id=household.room_id, household=household,
                role=ResidentRole.OWNER if Role.OWNER in roles else ResidentRole.CO_RESIDENT,
                since=clock.now(), channel=Channel.SEED, using_db=tx,
            )
        if handle == "grid":  # the demo grid worker looks after the first estate's grid
            grid = await Grid.filter(community=community).order_by("name").using_db(tx).first()
            await GridWorker.create(community=community, grid=grid, person=person, using_db=tx)
        if staff:
            await StaffCredential.create(person=person, username=handle, password_hash=password_hash, using_db=tx)
    await PlatformMember.create(person=people["operator"], role=PlatformRole.OPERATOR, using_db=tx)
    await StreetSupervisor.create(street_id=community.street_id, person=people["street"], using_db=tx)
    # 王爷爷's daughter may act for him (代办) from the start of the demo.
    await Proxy.create(
        community=community, principal=people["elder"], agent=people["relative"], scopes=list(ProxyScope),
        evidence=HOUSEHOLD_EVIDENCE, valid_until=clock.now() + timedelta(days=365), granted_by=people["elder"],
        using_db=tx,
    )


async def _seed_timebank(tx, community: Community) -> None:
    """王爷爷 (born 1948 by his ID number) may spend hours: his daughter earned 10 h and gave him 5, and
    he has asked for company on Saturday morning; 小林 offers 陪聊 and 代购 on weekends."""
    from backend.core import crypto
    from backend.ledger.service import create_transfers, require_ok
    from backend.timebank.models import RequestKind, TimebankOffer, TimebankRequest
    from backend.wallets.accounts import earning_transfers
    from backend.wallets.codes import VOLUNTEER_HOURS

    people = {p.handle: p for p in await Person.filter(handle__in=["elder", "relative", "volunteer"]).using_db(tx)}
    elder = people["elder"]
    elder.id_number_encrypted = crypto.encrypt("11010519480601002X")
    await elder.save(using_db=tx, update_fields=["id_number_encrypted"])
    for handle, minutes in (("relative", 300), ("elder", 300)):
        require_ok(await create_transfers(await earning_transfers(
            key=f"seed:{handle}", person_id=people[handle].id, community_id=community.id, minutes=minutes,
            code=VOLUNTEER_HOURS, reference="volunteer:seed", tx=tx), tx=tx))
    building = await Building.filter(community=community).order_by("name").select_related("estate") \
        .using_db(tx).first()
    saturday = clock.now() + timedelta(days=(5 - clock.now().weekday()) % 7 or 7)
    await TimebankRequest.create(
        community=community, requester=elder, created_by=people["relative"], kind=RequestKind.COMPANY,
        title="周六上午陪王爷爷聊天下棋", description="王爷爷腿脚不便，希望有人上门陪一会儿",
        estate_id=building.estate_id, building=building, place_name=f"{building.estate.name} {building.name}",
        starts_at=saturday.replace(hour=1, minute=0, second=0, microsecond=0), minutes=90, skills=["陪聊", "下棋"],
        using_db=tx)
    await TimebankOffer.create(community=community, helper=people["volunteer"], skills=["陪聊", "代购"],
                               kinds=["COMPANY", "SHOPPING"], place_name="阳光花园",
                               availability=[{"weekday": d, "start": 8 * 60, "end": 18 * 60} for d in (5, 6)],
                               note="周末白天有空", using_db=tx)


async def _seed_volunteering(tx, community: Community) -> None:
    """阳光志愿服务队, run by the demo coordinator, with one published activity tomorrow morning."""
    from zoneinfo import ZoneInfo

    from backend.volunteering.models import (
        ActivityState,
        VolunteerActivity,
        VolunteerActivityEvent,
        VolunteerTeam,
        VolunteerTeamCoordinator,
    )

    coordinator = await Person.get(handle="coordinator", using_db=tx)
    team = await VolunteerTeam.create(community=community, name="阳光志愿服务队",
                                      description="关爱社区老人，参与环境整治与文明劝导", using_db=tx)
    await VolunteerTeamCoordinator.create(team=team, person=coordinator, using_db=tx)
    shanghai = ZoneInfo("Asia/Shanghai")
    tomorrow = (clock.now().astimezone(shanghai) + timedelta(days=1)).replace(hour=9, minute=0, second=0,
                                                                               microsecond=0)
    activity = await VolunteerActivity.create(
        community=community, team=team, title="关爱独居老人上门陪伴",
        description="两人一组上门陪伴聊天、读报，帮忙整理房间。",
        starts_at=tomorrow, ends_at=tomorrow + timedelta(hours=2), place_text="社区党群服务中心集合", capacity=10,
        skills=["陪伴", "沟通"], points_per_hour=10, state=ActivityState.PUBLISHED, using_db=tx)
    await VolunteerActivityEvent.create(activity=activity, from_state=ActivityState.DRAFT,
                                        to_state=ActivityState.PUBLISHED, actor=coordinator, using_db=tx)
