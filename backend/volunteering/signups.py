"""Signing up for an activity, in person: a place while there is one, else the waitlist, in the
order sign-ups commit (the activity row is locked, so thirty at once for ten places give exactly
ten places). A cancellation before the start frees the place for the first waitlisted, who is told."""

from uuid import UUID

from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.notify import service as notify
from backend.volunteering import access
from backend.volunteering.models import ActivityState, SignupState, VolunteerActivity, VolunteerSignup

HOLDING = (SignupState.SIGNED_UP, SignupState.WAITLISTED)


async def sign_up(actor: Actor, *, activity_id: UUID) -> VolunteerSignup:
    me = actor.require_self(access.SELF_ONLY)
    async with transaction() as tx:
        activity = await VolunteerActivity.filter(id=activity_id).select_for_update().using_db(tx).first()
        if activity is None or not (activity.state in access.VISIBLE_TO_MEMBERS or await access.runs(actor, activity)):
            raise access.activity_not_found()
        if not await access.is_member(me, activity.community_id):
            raise DomainError(ErrorCode.FORBIDDEN, "只有本社区居民可以报名")
        if activity.state != ActivityState.PUBLISHED or activity.starts_at <= clock.now():
            raise DomainError(ErrorCode.INVALID_INPUT, "该活动已停止报名")
        signup = await VolunteerSignup.filter(activity_id=activity.id, person_id=me).using_db(tx).first()
        if signup is not None and signup.state != SignupState.CANCELLED:
            raise DomainError(ErrorCode.INVALID_INPUT, "您已报名该活动")
        taken = await VolunteerSignup.filter(activity_id=activity.id, state=SignupState.SIGNED_UP).using_db(tx).count()
        state = SignupState.SIGNED_UP if taken < activity.capacity else SignupState.WAITLISTED
        position = activity.next_position
        activity.next_position += 1
        await activity.save(using_db=tx, update_fields=["next_position"])
        if signup is None:
            signup = await VolunteerSignup.create(community_id=activity.community_id, activity_id=activity.id,
                                                  person_id=me, state=state, position=position, using_db=tx)
        else:  # signing up again after a cancellation: at the end of the queue
            signup.state, signup.position = state, position
            await signup.save(using_db=tx, update_fields=["state", "position"])
    return signup


async def cancel_signup(actor: Actor, *, signup_id: UUID) -> VolunteerSignup:
    me = actor.require_self(access.SELF_ONLY)
    async with transaction() as tx:
        signup = await VolunteerSignup.filter(id=signup_id, person_id=me).using_db(tx).first()
        if signup is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该报名")
        activity = await VolunteerActivity.filter(id=signup.activity_id).select_for_update().using_db(tx).first()
        await signup.refresh_from_db(using_db=tx)  # as it is now that the activity is locked
        if signup.state not in HOLDING:
            raise DomainError(ErrorCode.INVALID_INPUT, "该报名已不能取消")
        if activity.starts_at <= clock.now():
            raise DomainError(ErrorCode.INVALID_INPUT, "活动已开始，不能取消报名")
        signup.state = SignupState.CANCELLED
        await signup.save(using_db=tx, update_fields=["state"])
        await promote_waitlisted(tx, activity)
    return signup


async def promote_waitlisted(tx, activity: VolunteerActivity) -> list[UUID]:
    """Fill free places from the waitlist in order and tell those promoted (activity row locked)."""
    if activity.state != ActivityState.PUBLISHED:
        return []
    taken = await VolunteerSignup.filter(activity_id=activity.id, state=SignupState.SIGNED_UP).using_db(tx).count()
    free = activity.capacity - taken
    if free <= 0:
        return []
    promoted = await VolunteerSignup.filter(activity_id=activity.id, state=SignupState.WAITLISTED).using_db(tx
                                            ).order_by("position").limit(free)
    if not promoted:
        return []
    ids = [s.id for s in promoted]
    await VolunteerSignup.filter(id__in=ids).using_db(tx).update(state=SignupState.SIGNED_UP)
    people = [s.person_id for s in promoted]
    title = "候补成功：您已获得志愿活动名额"
    body = f"您候补的志愿活动「{activity.title}」有了空位，您已报名成功，请按时参加。"
    key = f"volunteer:{activity.id}:promoted:{clock.now().isoformat()}"
    await notify.deliver_many(tx, person_ids=people, kind="volunteer", title=title, body=body, key_prefix=key)
    await notify.queue_push(tx, person_ids=people, kind="volunteer", title=title, body=activity.title,
                            key_prefix=key, page="volunteer/pages/activity/index")
    return people


async def tell_cancelled(tx, activity: VolunteerActivity) -> None:
    people = await VolunteerSignup.filter(activity_id=activity.id, state__in=HOLDING).using_db(tx
                                          ).values_list("person_id", flat=True)
    if people:
        await notify.deliver_many(tx, person_ids=list(people), kind="volunteer", title="志愿活动已取消",
                                  body=f"您报名的志愿活动「{activity.title}」已取消：{activity.cancel_reason}",
                                  key_prefix=f"volunteer:{activity.id}:cancelled")


async def my_signups(actor: Actor, *, first: int, after: str | None) -> Page[VolunteerSignup]:
    me = actor.require_self(access.SELF_ONLY)
    query = VolunteerSignup.filter(person_id=me).select_related("activity", "activity__team", "activity__estate",
                                                                "activity__building")
    return await paginate(query, first=first, after=after, newest_first=True)
