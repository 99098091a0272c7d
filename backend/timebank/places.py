"""Where help is wanted or offered: a building or an estate of the registry, or a place written out;
and the short word lists (skills, kinds) both sides fill in."""

from dataclasses import dataclass
from uuid import UUID

from backend.core.errors import DomainError, ErrorCode
from backend.registry.models import Building, Estate, Membership

MAX_SKILLS, MAX_SKILL_LENGTH = 10, 16


@dataclass
class PlaceInput:
    estate_id: UUID | None = None
    building_id: UUID | None = None
    text: str | None = None


@dataclass
class Located:
    estate_id: UUID | None
    building_id: UUID | None
    name: str


async def locate(community_id: UUID, place: PlaceInput, *, required: bool) -> Located:
    text = (place.text or "").strip()
    if len(text) > 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "地点说明不超过 100 个字", field="place")
    missing = DomainError(ErrorCode.NOT_FOUND, "找不到该楼栋或小区", field="place")
    if place.building_id is not None:
        building = await Building.filter(id=place.building_id, community_id=community_id) \
            .select_related("estate").first()
        if building is None:
            raise missing
        name = f"{building.estate.name} {building.name}" + (f" {text}" if text else "")
        return Located(building.estate_id, building.id, name[:100])
    if place.estate_id is not None:
        estate = await Estate.filter(id=place.estate_id, community_id=community_id).first()
        if estate is None:
            raise missing
        return Located(estate.id, None, (estate.name + (f" {text}" if text else ""))[:100])
    if required and not text:
        raise DomainError(ErrorCode.INVALID_INPUT, "请选择楼栋或小区，或填写地点", field="place")
    return Located(None, None, text)


def words(values: list[str] | None, field: str, what: str) -> list[str]:
    """Trimmed, without repeats, at most MAX_SKILLS of at most MAX_SKILL_LENGTH characters."""
    cleaned = list(dict.fromkeys(v.strip() for v in values or [] if v and v.strip()))
    if len(cleaned) > MAX_SKILLS or any(len(v) > MAX_SKILL_LENGTH for v in cleaned):
        raise DomainError(ErrorCode.INVALID_INPUT,
                          f"{what}最多 {MAX_SKILLS} 项，每项不超过 {MAX_SKILL_LENGTH} 个字", field=field)
    return cleaned


async def require_member(person_id: UUID, community_id: UUID) -> None:
    if not await Membership.filter(person_id=person_id, community_id=community_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区")
