"""Staff corrections to the registry: a resident's record, and which grid a building or a grid
worker belongs to. Every edit is audited with before and after (personal data masked)."""

import re
from uuid import UUID

from backend.audit import service as audit
from backend.core import crypto
from backend.core.actor import Actor
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, require
from backend.people.masking import masked_id_number, masked_phone
from backend.people.models import Person
from backend.registry.importer import valid_id_number
from backend.registry.models import Building, Grid, GridWorker, Membership, Role
from backend.registry.scope import person_community, require_building

PHONE = re.compile(r"^1\d{10}$")


def _snapshot(person: Person) -> dict:
    return {"displayName": person.display_name, "phone": masked_phone(person), "idNumber": masked_id_number(person)}


async def update_resident(actor: Actor, *, person_id: UUID, display_name: str | None = None,
                          phone: str | None = None, id_number: str | None = None) -> Person:
    community_id = await person_community(actor, person_id, Permission.REGISTRY_IMPORT)
    if display_name is not None and not 1 <= len(display_name.strip()) <= 64:
        raise DomainError(ErrorCode.INVALID_INPUT, "姓名须为 1–64 个字", field="displayName")
    if phone is not None and not PHONE.match(phone):
        raise DomainError(ErrorCode.INVALID_INPUT, "请输入 11 位手机号", field="phone")
    if id_number is not None and not valid_id_number(id_number.upper()):
        raise DomainError(ErrorCode.INVALID_INPUT, "身份证号无效", field="idNumber")
    async with transaction() as tx:
        person = await Person.filter(id=person_id).select_for_update().using_db(tx).get()
        before = _snapshot(person)
        if display_name is not None:
            person.display_name = display_name.strip()
        if phone is not None:
            if await Person.filter(phone_lookup__in=crypto.lookup_hashes(phone)).exclude(id=person_id) \
                    .using_db(tx).exists():
                raise DomainError(ErrorCode.INVALID_INPUT, "该手机号已属于另一位居民", field="phone")
            person.set_phone(phone)
        if id_number is not None:
            person.id_number_encrypted = crypto.encrypt(id_number.upper())
            person.id_number_lookup = crypto.lookup_hash(id_number.upper())
        await person.save(using_db=tx)
        await audit.record(tx, actor, "resident.update", "person", person.id, community_id=community_id,
                           before=before, after=_snapshot(person))
    return person


async def assign_building_to_grid(actor: Actor, *, building_id: UUID, grid_id: UUID) -> Building:
    async with transaction() as tx:
        await require_building(actor, Permission.REGISTRY_IMPORT, building_id)
        building = await Building.filter(id=building_id).select_for_update().using_db(tx).get()
        grid = await Grid.filter(id=grid_id).using_db(tx).first()
        if grid is None or building.community_id != grid.community_id:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该楼栋或网格")
        before = {"grid": str(building.grid_id) if building.grid_id else None}
        building.grid_id = grid.id
        await building.save(using_db=tx, update_fields=["grid_id"])
        await audit.record(tx, actor, "grid.assign_building", "building", building.id,
                           community_id=building.community_id, before=before, after={"grid": str(grid.id)})
    return building


async def assign_grid_worker(actor: Actor, *, grid_id: UUID, person_id: UUID) -> GridWorker:
    grid = await Grid.filter(id=grid_id).first()
    if grid is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该网格")
    require(actor, Permission.REGISTRY_IMPORT, grid.community_id)
    if not await Membership.filter(person_id=person_id, community_id=grid.community_id,
                                   role=Role.GRID_WORKER).exists():
        raise DomainError(ErrorCode.INVALID_INPUT, "此人不是本社区的网格员", field="personId")
    async with transaction() as tx:
        assignment, created = await GridWorker.get_or_create(
            grid_id=grid.id, person_id=person_id, defaults={"community_id": grid.community_id}, using_db=tx
        )
        if created:
            await audit.record(tx, actor, "grid.assign_worker", "grid", grid.id, community_id=grid.community_id,
                               after={"person": str(person_id)})
    return assignment


async def list_grids(actor: Actor, community_id: UUID) -> list[Grid]:
    require(actor, Permission.REGISTRY_READ, community_id)
    return await Grid.filter(community_id=community_id).order_by("name")
