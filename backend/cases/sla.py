"""The SLA sweeps: a reminder to the handler before a case's running deadline, escalation to the
street (街道) once it has passed, and auto-confirmation of resolved cases whose resident stayed
silent. All read the injectable clock; a case waiting for its resident is skipped (its clock is
paused, and its deadlines move on when they answer)."""

from datetime import timedelta
from uuid import UUID

from backend.cases import setup
from backend.cases.models import Case, CaseConfirmation, CaseEntry, EntryKind, Outcome, StreetSupervisor
from backend.cases.models import CaseState as S
from backend.cases.service import live_deadline, notify_people, notify_team, schedule
from backend.core.clock import clock
from backend.core.statemachine import sweep_due
from backend.registry.models import Community, Membership, Role


async def sweep_deadlines() -> int:
    """Remind, then escalate. Idempotent: each case remembers the deadline it was reminded of and
    escalated past, and when to look next (`next_check_at`)."""
    async def due() -> list[UUID]:
        return await Case.filter(next_check_at__lte=clock.now(), paused_at=None).values_list("id", flat=True)

    async def check(tx, case_id: UUID) -> bool:
        case = await Case.filter(id=case_id, next_check_at__lte=clock.now(), paused_at=None) \
            .select_for_update().using_db(tx).first()
        deadline = live_deadline(case) if case else None
        if deadline is None:
            return False
        now = clock.now()
        if now >= deadline:
            await _escalate(tx, case, deadline)
        elif case.reminded_for != deadline:
            case.reminded_for = deadline
            await CaseEntry.create(case_id=case.id, kind=EntryKind.REMIND, internal=True, using_db=tx,
                                   body=f"即将超时：{'受理' if case.state is S.SUBMITTED else '办结'}时限将到")
            await notify_team(tx, case, title="诉求即将超时，请尽快处理",
                              key=f"case:{case.id}:remind:{deadline.isoformat()}")
        settings = await setup.settings_of(case.community_id, tx=tx)
        schedule(case, timedelta(hours=settings.remind_before_hours))
        await case.save(using_db=tx)
        return True

    return await sweep_due(due, check)


async def _escalate(tx, case: Case, deadline) -> None:
    """督办: the street's supervisors and the community's committee hear of the overdue case."""
    case.reminded_for = case.escalated_for = deadline
    case.escalated_at = clock.now()
    street_id = await Community.filter(id=case.community_id).using_db(tx).first().values_list("street_id", flat=True)
    supervisors = await StreetSupervisor.filter(street_id=street_id).using_db(tx).values_list("person_id", flat=True) \
        if street_id else []
    committee = await Membership.filter(community_id=case.community_id, role=Role.COMMITTEE_STAFF).using_db(tx) \
        .values_list("person_id", flat=True)
    await CaseEntry.create(case_id=case.id, kind=EntryKind.ESCALATE, internal=True, using_db=tx,
                           body=f"已超时，升级至街道督办：{'受理' if case.state is S.SUBMITTED else '办结'}超时")
    await notify_people(tx, case, sorted(set(supervisors) | set(committee)), title="诉求超时，已升级至街道督办",
                        key=f"case:{case.id}:escalate:{deadline.isoformat()}")


async def auto_confirm() -> int:
    """A resolved case whose resident said nothing for the community's auto_confirm_days counts as
    confirmed (no rating)."""
    async def due() -> list[UUID]:
        earliest = clock.now() - timedelta(days=1)  # the shortest setting; each case checks its own below
        return await Case.filter(state=S.RESOLVED, confirmed_at=None, resolved_at__lte=earliest) \
            .values_list("id", flat=True)

    async def confirm_one(tx, case_id: UUID) -> bool:
        case = await Case.filter(id=case_id, state=S.RESOLVED, confirmed_at=None).select_for_update() \
            .using_db(tx).first()
        if case is None:
            return False
        settings = await setup.settings_of(case.community_id, tx=tx)
        if case.resolved_at > clock.now() - timedelta(days=settings.auto_confirm_days):
            return False
        await CaseConfirmation.create(case_id=case.id, round=case.round, outcome=Outcome.AUTO, using_db=tx)
        await CaseEntry.create(case_id=case.id, kind=EntryKind.CONFIRM, internal=False, using_db=tx,
                               body=f"{settings.auto_confirm_days} 天内未评价，自动确认")
        case.confirmed_at = clock.now()
        await case.save(using_db=tx, update_fields=["confirmed_at"])
        return True

    return await sweep_due(due, confirm_one)
