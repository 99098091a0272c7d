"""Ranking helpers' offers for a request: shared skills weigh most, then the helper's weekly
availability covering the request's time, then being near (same building, else same estate), then
offering that kind of help. A pure function, so its order is tested without a database."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
SKILL, AVAILABLE, SAME_BUILDING, SAME_ESTATE, KIND = 10, 8, 6, 3, 2


@dataclass(frozen=True)
class Want:
    kind: str
    skills: frozenset[str]
    starts_at: datetime
    minutes: int
    estate_id: UUID | None
    building_id: UUID | None


@dataclass(frozen=True)
class Can:
    skills: frozenset[str]
    kinds: frozenset[str]
    estate_id: UUID | None
    building_id: UUID | None
    availability: tuple[tuple[int, int, int], ...]  # (weekday, start minute, end minute), Asia/Shanghai


@dataclass(frozen=True)
class Score:
    total: int
    shared_skills: tuple[str, ...]
    available: bool
    nearby: bool


def covers(availability, starts_at: datetime, minutes: int) -> bool:
    """Does one weekly window hold the whole service (start to end, on its day in Asia/Shanghai)?"""
    local = starts_at.astimezone(SHANGHAI)
    start = local.hour * 60 + local.minute
    end = start + minutes
    if (local + timedelta(minutes=minutes)).date() != local.date() and end != 24 * 60:
        return False  # past midnight: no single window holds it
    return any(day == local.weekday() and low <= start and end <= high for day, low, high in availability)


def score(want: Want, can: Can) -> Score:
    shared = tuple(sorted(want.skills & can.skills))
    available = covers(can.availability, want.starts_at, want.minutes)
    same_building = want.building_id is not None and want.building_id == can.building_id
    same_estate = want.estate_id is not None and want.estate_id == can.estate_id
    total = (SKILL * len(shared) + AVAILABLE * available
             + (SAME_BUILDING if same_building else SAME_ESTATE if same_estate else 0)
             + KIND * (want.kind in can.kinds))
    return Score(total, shared, available, same_building or same_estate)
