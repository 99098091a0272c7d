"""Cases arranged for tests: a community's categories, and a case raised through the service (the
raising itself is tested through the API in test_cases.py)."""

from uuid import UUID

from backend.cases import service, setup
from backend.cases.models import CaseCategory, Party
from backend.core.actor import Actor
from backend.registry.models import Role


def committee_actor(person_id: UUID, community_id: UUID) -> Actor:
    return Actor(person_id=person_id, roles={community_id: frozenset({Role.COMMITTEE_STAFF})})


async def categories(committee_id: UUID, community_id: UUID) -> dict[str, CaseCategory]:
    """报修 to the grid workers (accept 4 h, resolve 24 h), 物业 to property staff, 其他 to the committee."""
    actor = committee_actor(committee_id, community_id)
    made = {}
    for name, party, accept, resolve in (("报修", Party.GRID, 4, 24), ("物业服务", Party.PROPERTY, 8, 72),
                                         ("其他", Party.COMMITTEE, 24, 168)):
        made[name] = await setup.create_category(actor, community_id=community_id, draft=setup.CategoryDraft(
            name=name, party=party, accept_hours=accept, resolve_hours=resolve))
    return made


async def raise_for(resident_id: UUID, community_id: UUID, category: CaseCategory, *, room_id=None,
                    building_id=None, text: str = "楼道灯坏了") -> service.Case:
    return await service.raise_case(Actor(person_id=resident_id), community_id=community_id, draft=service.CaseDraft(
        category_id=category.id, text=text, place=service.Place(room_id=room_id, building_id=building_id),
        photo_ids=[]))
