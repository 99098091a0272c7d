"""The demo community 阳光社区, seeded idempotently so a newcomer can sign in as every kind of user."""

import random
from datetime import timedelta

from backend.accounts.models import StaffCredential
from backend.accounts.passwords import hash_password
from backend.cases.models import StreetSupervisor
from backend.core.actor import ProxyScope
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.platform import PlatformMember, PlatformRole
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
        await _seed_rewards(tx, community)
    return True


async def _seed_rewards(tx, community: Community) -> None:
    """The rewards mall's first shelf (积分商城), put there by the committee member."""
    committee = await Person.get(handle="committee").using_db(tx)
    for name, description, cost, stock in (
            ("社区定制帆布袋", "印有阳光社区标志，可重复使用", 20, 30),
            ("洗衣液（2 升）", "社区服务中心领取", 60, 20),
            ("理发券", "社区便民理发点使用一次", 30, 50)):
        await Reward.create(community=community, name=name, description=description, cost=cost, stock=stock,
                            created_by=committee, using_db=tx)


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
