"""A community of its own with two grids, built by each test that needs one: per grid an estate with
one building, a household with a resident (phone and ID number set), a grid worker, and a pending
application for a second room; plus a committee member over both."""

import itertools
import random
import uuid
from dataclasses import dataclass

from backend.core import crypto
from backend.people.models import Person
from backend.registry.models import (
    Building,
    Community,
    Estate,
    Grid,
    GridWorker,
    Household,
    PersonRoom,
    ResidenceApplication,
    Room,
    Unit,
)


@dataclass
class Patch:
    """One grid and what lives in it."""

    grid: Grid
    building: Building
    room: Room
    household: Household
    resident: Person
    phone: str
    residence: PersonRoom
    application: ResidenceApplication
    worker: Person


@dataclass
class Neighbourhood:
    community: Community
    committee: Person
    a: Patch
    b: Patch


# The matrix builds a neighbourhood per case, about a thousand residents a run: random phones would meet
# (phones are unique) once in a few hundred runs, so these count up from a random start, under a prefix
# no other test uses.
_PHONES = itertools.count(random.randrange(10**8))


async def _patch(make_person, community: Community, label: str) -> Patch:
    grid = await Grid.create(community=community, name=f"第{label}网格")
    estate = await Estate.create(community=community, name=f"{label}区小区")
    building = await Building.create(community=community, estate=estate, grid=grid, name=f"{label}1栋")
    unit = await Unit.create(community=community, building=building, name="1单元")
    rooms = [await Room.create(community=community, unit=unit, code=f"{community.code}-{label}-{n}", number=str(n),
                               floor=1, area_dm2=8_000) for n in (101, 102)]
    phone = f"130{next(_PHONES) % 10**8:08d}"
    resident = await make_person(community.id, ["RESIDENT", "HOUSEHOLD_HEAD", "OWNER"], room=rooms[0], phone=phone)
    resident.id_number_encrypted = crypto.encrypt("11010519491231002X")
    await resident.save()
    newcomer = await make_person(community.id, [])
    application = await ResidenceApplication.create(community=community, person=newcomer, room=rooms[1],
                                                    role="TENANT")
    worker = await make_person(community.id, ["GRID_WORKER"])
    await GridWorker.create(community=community, grid=grid, person=worker)
    residence = await PersonRoom.get(person=resident)
    return Patch(grid=grid, building=building, room=rooms[0], household=await Household.get(room=rooms[0]),
                 resident=resident, phone=phone, residence=residence, application=application, worker=worker)


async def build_neighbourhood(make_person) -> Neighbourhood:
    code = f"grids-{uuid.uuid4().hex[:8]}"
    community = await Community.create(name="双网格社区", code=code)
    committee = await make_person(community.id, ["COMMITTEE_STAFF"])
    return Neighbourhood(community=community, committee=committee, a=await _patch(make_person, community, "甲"),
                         b=await _patch(make_person, community, "乙"))
