"""core.statemachine on its own: a machine declared here over the notice tables, so each rule of
`move` (declared transitions only, the permission in the object's community, the guard, the event
row) and of the due sweep is seen apart from the notices service."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission
from backend.core.statemachine import StateMachine, Transition, sweep_due
from backend.notices.models import Notice, NoticeEvent
from backend.notices.models import NoticeState as S


def refuse_untitled(tx, notice: Notice) -> None:
    if not notice.title.startswith("有标题"):
        raise DomainError(ErrorCode.INVALID_INPUT, "没有标题的通知不能发布", field="title")


MACHINE = StateMachine(
    "通知",
    [
        Transition(S.DRAFT, S.PUBLISHED, Permission.NOTICE_PUBLISH, guard=refuse_untitled),
        Transition(S.DRAFT, S.SCHEDULED, Permission.NOTICE_PUBLISH),
        Transition(S.SCHEDULED, S.PUBLISHED, Permission.NOTICE_PUBLISH, by_system=True),
    ],
    NoticeEvent,
    state_names={S.DRAFT: "草稿", S.SCHEDULED: "定时发布", S.PUBLISHED: "已发布", S.ARCHIVED: "已归档"},
    verbs={S.DRAFT: "撤回为草稿", S.SCHEDULED: "定时发布", S.PUBLISHED: "发布", S.ARCHIVED: "归档"},
)


@pytest.fixture
async def staff(demo_community, make_person) -> Actor:
    person = await make_person(demo_community.id, ["COMMITTEE_STAFF"])
    return Actor(person_id=person.id, roles={demo_community.id: frozenset({"COMMITTEE_STAFF"})})


async def _notice(community_id: UUID, author_id: UUID, *, title: str = "有标题的通知", state: S = S.DRAFT) -> Notice:
    return await Notice.create(community_id=community_id, author_id=author_id, title=title, body_html="<p>内容</p>",
                               category="测试", audience=[], state=state)


async def _move(notice: Notice, target: S, **options):
    async with transaction() as tx:
        return await MACHINE.move(tx, notice, target, **options)


async def _unchanged(notice: Notice) -> bool:
    return (await Notice.get(id=notice.id)).state == notice.state and \
        not await NoticeEvent.filter(notice_id=notice.id).exists()


async def test_an_undeclared_transition_is_refused_in_words_and_changes_nothing(staff, demo_community):
    notice = await _notice(demo_community.id, staff.person_id)
    with pytest.raises(DomainError) as refused:
        await _move(notice, S.ARCHIVED, actor=staff)
    assert (refused.value.code, refused.value.message) == (ErrorCode.INVALID_INPUT, "草稿的通知不能归档")
    notice.state = S.DRAFT
    assert await _unchanged(notice)


async def test_the_permission_is_needed_in_the_objects_community(staff, demo_community, make_person,
                                                                 other_community):
    notice = await _notice(demo_community.id, staff.person_id)
    grid = await make_person(demo_community.id, ["GRID_WORKER"])  # reads reach, does not publish
    foreign_staff = Actor(person_id=staff.person_id, roles={other_community[0].id: frozenset({"COMMITTEE_STAFF"})})
    for actor, code in ((Actor(person_id=grid.id, roles={demo_community.id: frozenset({"GRID_WORKER"})}),
                         ErrorCode.FORBIDDEN), (foreign_staff, ErrorCode.NOT_FOUND)):
        with pytest.raises(DomainError) as refused:
            await _move(notice, S.PUBLISHED, actor=actor)
        assert refused.value.code == code
        notice.state = S.DRAFT
    with pytest.raises(DomainError) as refused:  # no actor: only the transitions a sweep may make
        await _move(notice, S.PUBLISHED, actor=None)
    assert refused.value.code == ErrorCode.FORBIDDEN
    notice.state = S.DRAFT
    assert await _unchanged(notice)


async def test_a_guard_refuses_with_its_own_reason(staff, demo_community):
    notice = await _notice(demo_community.id, staff.person_id, title="无题")
    with pytest.raises(DomainError) as refused:
        await _move(notice, S.PUBLISHED, actor=staff)
    assert (refused.value.message, refused.value.field) == ("没有标题的通知不能发布", "title")
    notice.state = S.DRAFT
    assert await _unchanged(notice)


async def test_a_move_writes_who_for_whom_when_and_why(staff, demo_community, make_person):
    principal = await make_person(demo_community.id, ["RESIDENT"])
    proxy = Actor(person_id=staff.person_id, roles=staff.roles).acting_as_proxy(principal.id, frozenset({"NOTICE"}))
    notice = await _notice(demo_community.id, staff.person_id)
    clock.advance(timedelta(days=30))  # the event's time is the injectable clock's
    event = await _move(notice, S.SCHEDULED, actor=proxy, reason="等物业确认")
    assert (await Notice.get(id=notice.id)).state == S.SCHEDULED
    row = await NoticeEvent.get(id=event.id)
    assert (row.from_state, row.to_state, row.actor_id, row.acting_for_id, row.reason) == (
        S.DRAFT, S.SCHEDULED, staff.person_id, principal.id, "等物业确认")
    assert row.created_at > datetime.now(UTC) + timedelta(days=29)

    system = await _move(notice, S.PUBLISHED, actor=None)  # the sweep: nobody, and for nobody
    assert (system.actor_id, system.acting_for_id) == (None, None)


async def test_the_due_sweep_applies_each_in_its_own_transaction_and_survives_a_failure(staff, demo_community):
    notices = [await _notice(demo_community.id, staff.person_id, state=S.SCHEDULED) for _ in range(3)]
    broken = notices[1].id

    async def due() -> list[UUID]:
        return [n.id for n in notices]

    async def publish_one(tx, notice_id: UUID) -> bool:
        notice = await Notice.filter(id=notice_id, state=S.SCHEDULED).select_for_update().using_db(tx).first()
        if notice is None:
            return False
        await MACHINE.move(tx, notice, S.PUBLISHED, actor=None)
        if notice_id == broken:
            raise RuntimeError("the push provider is down")  # after the move: it must roll back
        return True

    assert await sweep_due(due, publish_one) == 2
    states = {n.id: (await Notice.get(id=n.id)).state for n in notices}
    assert states == {notices[0].id: S.PUBLISHED, broken: S.SCHEDULED, notices[2].id: S.PUBLISHED}
    assert not await NoticeEvent.filter(notice_id=broken).exists()
    assert await sweep_due(due, publish_one) == 0  # the rest is done; the broken one is tried again


async def test_a_transition_declared_twice_is_a_mistake():
    with pytest.raises(ValueError, match="declared twice"):
        StateMachine("通知", [Transition(S.DRAFT, S.PUBLISHED, None)] * 2, NoticeEvent, {}, {})
