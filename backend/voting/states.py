"""The lifecycle of a poll: draft → scheduled → open → closed → published (results 公示)."""

from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission
from backend.core.statemachine import StateMachine, Transition
from backend.voting.models import PollEvent
from backend.voting.models import PollState as S


def _before_deadline(tx, poll) -> None:
    if poll.closes_at <= clock.now():
        raise DomainError(ErrorCode.INVALID_INPUT, "截止时间已过，请先修改截止时间", field="closesAt")


POLL_STATES = StateMachine(
    "投票",
    [
        Transition(S.DRAFT, S.SCHEDULED, Permission.VOTE_MANAGE),
        Transition(S.SCHEDULED, S.DRAFT, Permission.VOTE_MANAGE),
        Transition(S.DRAFT, S.OPEN, Permission.VOTE_MANAGE, _before_deadline),
        Transition(S.SCHEDULED, S.OPEN, Permission.VOTE_MANAGE, _before_deadline, by_system=True),  # or the sweep
        Transition(S.OPEN, S.CLOSED, Permission.VOTE_MANAGE, by_system=True),  # or the sweep, at the deadline
        Transition(S.CLOSED, S.PUBLISHED, Permission.VOTE_MANAGE),
    ],
    PollEvent,
    state_names={S.DRAFT: "草稿", S.SCHEDULED: "待开始", S.OPEN: "进行中", S.CLOSED: "已截止", S.PUBLISHED: "已公示"},
    verbs={S.DRAFT: "撤回为草稿", S.SCHEDULED: "定时开始", S.OPEN: "开始", S.CLOSED: "截止", S.PUBLISHED: "公示"},
)
