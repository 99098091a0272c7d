"""The review of hours: a coordinator of the team or a manager, never the volunteer themself,
approves (at most the minutes the attendance gives) or rejects; approval credits the hours (cap
overflow to the pool) and the points in its own transaction. No-shows are recorded after the end."""

from uuid import UUID

from backend.audit import service as audit
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.permissions import Permission, require
from backend.core.text import required_text
from backend.ledger.models import Ledger
from backend.ledger.results import TransferSpec
from backend.ledger.service import create_transfers, require_ok
from backend.volunteering import access
from backend.volunteering.models import ActivityState, SignupState, VolunteerActivity, VolunteerSignup
from backend.volunteering.states import ACTIVITY_STATES
from backend.wallets.accounts import ISSUE, community_account, earning_transfers, person_account, transfer_id
from backend.wallets.codes import VOLUNTEER_HOURS, VOLUNTEER_POINTS


async def _signup_to_review(actor: Actor, tx, signup_id: UUID) -> tuple[VolunteerSignup, VolunteerActivity]:
    signup = await VolunteerSignup.filter(id=signup_id).select_for_update().using_db(tx).first()
    if signup is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该报名")
    try:
        activity = await access.get_activity_to_run(actor, signup.activity_id, tx=tx)
    except DomainError:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该报名") from None
    return signup, activity


async def _finish(tx, actor: Actor, activity: VolunteerActivity) -> None:
    """An ended published activity becomes finished at its first review."""
    if activity.state == ActivityState.PUBLISHED and activity.ends_at <= clock.now():
        await ACTIVITY_STATES.move(tx, activity, ActivityState.FINISHED, actor=actor)


async def approve(actor: Actor, *, signup_id: UUID, minutes: int) -> VolunteerSignup:
    async with transaction() as tx:
        signup, activity = await _signup_to_review(actor, tx, signup_id)
        if signup.person_id == actor.person_id:
            raise DomainError(ErrorCode.FORBIDDEN, "不能审批自己的志愿时长")
        if signup.state == SignupState.APPROVED:
            raise DomainError(ErrorCode.INVALID_INPUT, "该志愿时长已审核通过，不能重复审批")
        if signup.state != SignupState.SIGNED_UP or signup.computed_minutes is None:
            raise DomainError(ErrorCode.INVALID_INPUT, "该报名尚未签到签退，不能审批时长")
        if not 1 <= minutes <= signup.computed_minutes:
            raise DomainError(ErrorCode.INVALID_INPUT, f"审核时长须在 1 到 {signup.computed_minutes} 分钟之间",
                              field="minutes")
        key = f"volunteer:{signup.id}"
        specs = await earning_transfers(key=key, person_id=signup.person_id, community_id=signup.community_id,
                                        minutes=minutes, code=VOLUNTEER_HOURS, reference=key, tx=tx)
        points = activity.points_per_hour * minutes // 60
        if points:
            issue = await community_account(Ledger.POINTS, ISSUE, community_id=signup.community_id, tx=tx)
            wallet = await person_account(Ledger.POINTS, person_id=signup.person_id,
                                          community_id=signup.community_id, tx=tx)
            specs.append(TransferSpec(id=transfer_id(f"{key}:points"), ledger=Ledger.POINTS, code=VOLUNTEER_POINTS,
                                      debit_account_id=issue.id, credit_account_id=wallet.id, amount=points,
                                      reference=key))
        require_ok(await create_transfers(specs, tx=tx))
        signup.state, signup.approved_minutes, signup.points = SignupState.APPROVED, minutes, points
        signup.reviewed_by_id, signup.reviewed_at = actor.person_id, clock.now()
        await signup.save(using_db=tx)
        await _finish(tx, actor, activity)
        await audit.record(tx, actor, "volunteer.hours_approve", "volunteer_signup", signup.id,
                           community_id=signup.community_id, after={"minutes": minutes, "points": points})
    return signup


async def reject(actor: Actor, *, signup_id: UUID, reason: str) -> VolunteerSignup:
    reason = required_text(reason, "reason", "驳回原因", high=200)
    async with transaction() as tx:
        signup, activity = await _signup_to_review(actor, tx, signup_id)
        if signup.person_id == actor.person_id:
            raise DomainError(ErrorCode.FORBIDDEN, "不能审批自己的志愿时长")
        if signup.state != SignupState.SIGNED_UP or signup.checked_in_at is None:
            raise DomainError(ErrorCode.INVALID_INPUT, "该报名没有待审核的时长")
        signup.state, signup.reject_reason = SignupState.REJECTED, reason
        signup.reviewed_by_id, signup.reviewed_at = actor.person_id, clock.now()
        await signup.save(using_db=tx)
        await _finish(tx, actor, activity)
        await audit.record(tx, actor, "volunteer.hours_reject", "volunteer_signup", signup.id,
                           community_id=signup.community_id, after={"reason": reason})
    return signup


async def mark_no_show(actor: Actor, *, signup_id: UUID) -> VolunteerSignup:
    async with transaction() as tx:
        signup, activity = await _signup_to_review(actor, tx, signup_id)
        if activity.ends_at > clock.now():
            raise DomainError(ErrorCode.INVALID_INPUT, "活动结束后才能登记缺席")
        if signup.state != SignupState.SIGNED_UP or signup.checked_in_at is not None:
            raise DomainError(ErrorCode.INVALID_INPUT, "只有已报名且未签到的人员可登记缺席")
        signup.state = SignupState.NO_SHOW
        signup.reviewed_by_id, signup.reviewed_at = actor.person_id, clock.now()
        await signup.save(using_db=tx)
        await _finish(tx, actor, activity)
        await audit.record(tx, actor, "volunteer.no_show", "volunteer_signup", signup.id,
                           community_id=signup.community_id)
    return signup


async def roster(actor: Actor, *, activity_id: UUID, state: SignupState | None, first: int,
                 after: str | None) -> Page[VolunteerSignup]:
    activity = await access.get_activity_to_run(actor, activity_id)
    query = VolunteerSignup.filter(activity_id=activity.id).select_related("person")
    if state is not None:
        query = query.filter(state=state)
    return await paginate(query, first=first, after=after)


async def approvals(actor: Actor, *, community_id: UUID, first: int, after: str | None) -> Page[VolunteerSignup]:
    """Checked-out sign-ups waiting for review, of the activities the actor runs, oldest first."""
    query = VolunteerSignup.filter(community_id=community_id, state=SignupState.SIGNED_UP,
                                   checked_out_at__isnull=False).select_related("person", "activity")
    if not access.manages(actor, community_id):
        require(actor, Permission.VOLUNTEER_COORDINATE, community_id)
        query = query.filter(activity__team_id__in=await access.coordinated_team_ids(actor, community_id))
    return await paginate(query, first=first, after=after)


async def no_show_counts(person_ids: list[UUID], community_id: UUID) -> dict[UUID, int]:
    """How often each person failed to show in the community (for staff), in one query."""
    rows = await VolunteerSignup.filter(person_id__in=person_ids, community_id=community_id,
                                        state=SignupState.NO_SHOW).values_list("person_id", flat=True)
    counts = dict.fromkeys(person_ids, 0)
    for person_id in rows:
        counts[person_id] += 1
    return counts
