"""Who a notice is for: targets checked against the author's community, and resolved to people."""

from dataclasses import dataclass
from uuid import UUID

from backend.core.errors import DomainError, ErrorCode
from backend.notices.models import AudienceKind, Notice
from backend.registry.models import Building, Estate, Grid, Household, Membership, PersonRoom, Role, Unit

_MODELS = {AudienceKind.ESTATE: Estate, AudienceKind.BUILDING: Building, AudienceKind.UNIT: Unit,
           AudienceKind.GRID: Grid, AudienceKind.HOUSEHOLD: Household}
MAX_TARGET_IDS = 500


@dataclass(frozen=True)
class Recipient:
    person_id: UUID
    household_id: UUID | None
    building_id: UUID | None


def _bad(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field="audience")


async def check_audience(community_id: UUID, targets: list[dict]) -> list[dict]:
    """Normalised targets; every id must belong to the community (an author cannot reach outside it)."""
    if not targets:
        raise _bad("请选择通知对象")
    normalised = []
    for target in targets:
        try:
            kind = AudienceKind(target.get("kind"))
        except ValueError as exc:
            raise _bad("未知的通知对象类型") from exc
        if kind is AudienceKind.COMMUNITY:
            normalised.append({"kind": kind.value})
        elif kind is AudienceKind.ROLE:
            roles = sorted(set(target.get("roles") or []))
            if not roles or any(r not in Role.__members__ for r in roles):
                raise _bad("请选择有效的角色")
            normalised.append({"kind": kind.value, "roles": roles})
        else:
            ids = sorted({str(i) for i in target.get("ids") or []})
            if not ids or len(ids) > MAX_TARGET_IDS:
                raise _bad("请选择通知对象")
            try:
                uuids = [UUID(i) for i in ids]
            except ValueError as exc:
                raise _bad("通知对象不存在") from exc
            found = await _MODELS[kind].filter(id__in=uuids, community_id=community_id).count()
            if found != len(uuids):
                raise _bad("通知对象不在本社区")
            normalised.append({"kind": kind.value, "ids": ids})
    return normalised


async def resolve(notice: Notice) -> list[Recipient]:
    """Everyone living in the community who matches any target, once each."""
    rows = await PersonRoom.filter(community_id=notice.community_id, until=None).values_list(
        "person_id", "household_id", "room__unit_id", "room__unit__building_id",
        "room__unit__building__estate_id", "room__unit__building__grid_id",
    )
    by_role: set[UUID] = set()
    for target in notice.audience:
        if target["kind"] == AudienceKind.ROLE:
            by_role |= set(await Membership.filter(community_id=notice.community_id, role__in=target["roles"])
                           .values_list("person_id", flat=True))
    wanted = {AudienceKind(t["kind"]): {UUID(i) for i in t.get("ids", [])} for t in notice.audience}
    everyone = AudienceKind.COMMUNITY in wanted
    recipients: dict[UUID, Recipient] = {}
    for person, household, unit, building, estate, grid in rows:
        hit = everyone or person in by_role or any(
            value in wanted.get(kind, ())
            for kind, value in ((AudienceKind.HOUSEHOLD, household), (AudienceKind.UNIT, unit),
                                (AudienceKind.BUILDING, building), (AudienceKind.ESTATE, estate),
                                (AudienceKind.GRID, grid))
        )
        if hit and person not in recipients:
            recipients[person] = Recipient(person, household, building)
    for person in by_role - recipients.keys():  # staff and others without a home here
        recipients[person] = Recipient(person, None, None)
    return list(recipients.values())
