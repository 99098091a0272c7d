"""Who votes: a poll's scope checked against its community, and resolved from the registry into
electorate entries (the unit that casts one ballot, with who may cast it).

The registry records no birth dates, so adulthood is read from the residence: owners and tenants
(who hold a deed or a lease) and heads of household count as adults; co-residents (family members,
children among them) do not, unless they are the head. An owner unit of an owners' assembly is
the set of owners on a room's title (最高人民法院《关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释》
第九条: one 专有部分 counts as one owner, and one buyer of several counts once): co-owners of a room
share one vote, rooms with exactly the same owners are one unit with all their area, and someone
who owns one room alone and another with someone else is in two units — two different buyers (the
rule backend/voting/tally.py counts by).
"""

from dataclasses import dataclass, field
from uuid import UUID

from backend.core.errors import DomainError, ErrorCode
from backend.registry.models import Building, Estate, Grid, Membership, PersonRoom, ResidentRole, Role
from backend.voting.models import ElectorateKind, ScopeKind

_SCOPE_MODELS = {ScopeKind.ESTATE: Estate, ScopeKind.BUILDING: Building, ScopeKind.GRID: Grid}
_SCOPE_PATHS = {ScopeKind.ESTATE: "room__unit__building__estate_id__in",
                ScopeKind.BUILDING: "room__unit__building_id__in", ScopeKind.GRID: "room__unit__building__grid_id__in"}
ADULT_ROLES = (ResidentRole.OWNER, ResidentRole.TENANT)
MAX_SCOPE_IDS = 200


@dataclass
class Entry:
    label: str
    household_id: UUID | None = None
    room_ids: list[UUID] = field(default_factory=list)
    area_dm2: int = 0
    voters: set[UUID] = field(default_factory=set)


async def check_scope(community_id: UUID, scope: dict) -> dict:
    try:
        kind = ScopeKind(scope.get("kind"))
    except ValueError as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择投票范围", field="scope") from exc
    if kind is ScopeKind.COMMUNITY:
        return {"kind": kind.value}
    ids = sorted({str(i) for i in scope.get("ids") or []})
    if not 1 <= len(ids) <= MAX_SCOPE_IDS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"请选择 1–{MAX_SCOPE_IDS} 个范围", field="scope")
    if await _SCOPE_MODELS[kind].filter(id__in=ids, community_id=community_id).count() != len(ids):
        raise DomainError(ErrorCode.NOT_FOUND, "投票范围不在本社区", field="scope")
    return {"kind": kind.value, "ids": ids}


async def resolve(community_id: UUID, scope: dict, kind: ElectorateKind) -> list[Entry]:
    """The entries as the registry stands now (the poll freezes them at opening)."""
    where = {} if scope["kind"] == ScopeKind.COMMUNITY else {_SCOPE_PATHS[ScopeKind(scope["kind"])]: scope["ids"]}
    rows = await PersonRoom.filter(community_id=community_id, until=None, **where).order_by("id").values_list(
        "person_id", "person__display_name", "household_id", "room_id", "role", "room__area_dm2",
        "room__unit__building__estate__name", "room__unit__building__name", "room__unit__name", "room__number",
    )
    heads = set(await Membership.filter(community_id=community_id, role=Role.HOUSEHOLD_HEAD)
                .values_list("person_id", flat=True))
    address = {r[3]: " ".join(r[6:10]) for r in rows}
    area = {r[3]: r[5] for r in rows}
    adult = [r for r in rows if r[4] in ADULT_ROLES or r[0] in heads]
    if kind is ElectorateKind.PERSON:
        entries: dict = {}
        for person, name, household, room, *_ in adult:
            entries.setdefault(person, Entry(f"{name}（{address[room]}）", household, [room], voters={person}))
        return list(entries.values())
    if kind is ElectorateKind.HOUSEHOLD:
        households: dict = {}
        for person, _, household, room, *_ in adult:
            households.setdefault(household, Entry(address[room], household, [room], area[room])).voters.add(person)
        return list(households.values())
    return _owner_units([(r[0], r[3]) for r in rows if r[4] == ResidentRole.OWNER], address, area)


def _owner_units(owns: list[tuple[UUID, UUID]], address: dict, area: dict) -> list[Entry]:
    """One unit per set of owners on a title, with every room that set owns."""
    owners_of: dict[UUID, set[UUID]] = {}
    for person, room in owns:
        owners_of.setdefault(room, set()).add(person)
    units: dict[frozenset, list[UUID]] = {}
    for room, owners in owners_of.items():
        units.setdefault(frozenset(owners), []).append(room)
    return [Entry("、".join(address[r] for r in rooms)[:200], None, rooms, sum(area[r] for r in rooms), set(owners))
            for owners, rooms in units.items()]
