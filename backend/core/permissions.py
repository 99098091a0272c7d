"""Permissions derived from roles, per community. A staff role never reaches another community."""

from enum import StrEnum
from uuid import UUID

from backend.core.actor import Actor
from backend.core.errors import DomainError, ErrorCode


class Permission(StrEnum):
    REGISTRY_READ = "REGISTRY_READ"
    REGISTRY_READ_ALL_GRIDS = "REGISTRY_READ_ALL_GRIDS"
    RESIDENCE_VERIFY = "RESIDENCE_VERIFY"
    REGISTRY_IMPORT = "REGISTRY_IMPORT"
    PERSONAL_DATA_UNMASK = "PERSONAL_DATA_UNMASK"
    AUDIT_READ = "AUDIT_READ"
    SESSION_REVOKE = "SESSION_REVOKE"
    PROXY_RECORD = "PROXY_RECORD"
    NOTICE_PUBLISH = "NOTICE_PUBLISH"
    NOTICE_REACH = "NOTICE_REACH"  # read reach reports, visit households not reached
    VOTE_MANAGE = "VOTE_MANAGE"  # build, open, close and publish polls; enter proxies and paper ballots
    CASE_HANDLE = "CASE_HANDLE"  # handle the cases in reach (a grid worker: their grids'), raise one for a resident
    CASE_MANAGE = "CASE_MANAGE"  # case categories, SLAs, templates, common areas; reassign and merge cases
    CONSULT_ANSWER = "CONSULT_ANSWER"  # answer residents' policy questions, publish them to the FAQ
    MODERATE = "MODERATE"  # review reported content: hide, remove, restore; rule on appeals
    DELIBERATION_MANAGE = "DELIBERATION_MANAGE"  # open, respond to, link a poll to and close topics (议事厅)
    LEDGER_CORRECT = "LEDGER_CORRECT"  # request and approve (another's) reversals of the community's transfers
    LEDGER_READ = "LEDGER_READ"  # the community's accounts, transfers, holds, statements and fraud alerts
    VOLUNTEER_MANAGE = "VOLUNTEER_MANAGE"  # teams and their coordinators, every team's activities
    VOLUNTEER_COORDINATE = "VOLUNTEER_COORDINATE"  # run one's own teams' activities: QR, roster, approve others' hours
    TIMEBANK_MANAGE = "TIMEBANK_MANAGE"  # the community's time-bank and points policy, the pool, mutual-aid disputes
    MARKET_MANAGE = "MARKET_MANAGE"  # the flea market: its settings, every listing with its state, statistics
    POINTS_MANAGE = "POINTS_MANAGE"  # the rewards catalogue and its stock, participation rules, pickups
    # Paid services in the community: free/paid categories, meal subsidies and grants, the claim
    # report, the community's orders (read).
    SERVICES_MANAGE = "SERVICES_MANAGE"
    # Held over the whole platform, not in a community (core/platform.py): every community's
    # failed jobs, and what the operator (运营方) will run next (providers, commission rules).
    PLATFORM_OPERATE = "PLATFORM_OPERATE"


_STAFF_READ = {Permission.REGISTRY_READ, Permission.REGISTRY_READ_ALL_GRIDS}
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "COMMITTEE_STAFF": frozenset(Permission) - {Permission.PLATFORM_OPERATE},
    "PROPERTY_STAFF": frozenset(
        _STAFF_READ | {Permission.RESIDENCE_VERIFY, Permission.NOTICE_PUBLISH, Permission.NOTICE_REACH,
                       Permission.CASE_HANDLE, Permission.CONSULT_ANSWER}
    ),
    # A grid worker sees the registry of their own grids only (可见/不可见).
    "GRID_WORKER": frozenset({Permission.REGISTRY_READ, Permission.NOTICE_REACH, Permission.CASE_HANDLE}),
    # A coordinator runs the activities of the teams they coordinate (volunteering checks which).
    "VOLUNTEER_COORDINATOR": frozenset({Permission.VOLUNTEER_COORDINATE}),
}


def permissions(actor: Actor, community_id: UUID) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in actor.roles.get(community_id, ()):
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)


def has(actor: Actor, permission: Permission, community_id: UUID) -> bool:
    return permission in permissions(actor, community_id)


def require(actor: Actor, permission: Permission, community_id: UUID) -> None:
    """Not-found for anyone without a staff role there (nothing is revealed, not even that the
    thing exists); forbidden for staff whose role lacks this one permission."""
    actor.require_person()
    granted = permissions(actor, community_id)
    if not granted:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区")
    if permission not in granted:
        raise DomainError(ErrorCode.FORBIDDEN, "您没有此项操作的权限")


def staff_communities(actor: Actor, permission: Permission) -> list[UUID]:
    return [c for c in actor.roles if permission in permissions(actor, c)]
