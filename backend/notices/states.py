"""The publication state machine of a notice: draft → scheduled → published → archived."""

from backend.core.permissions import Permission
from backend.core.statemachine import StateMachine, Transition
from backend.notices.models import NoticeEvent
from backend.notices.models import NoticeState as S

NOTICE_STATES = StateMachine(
    "通知",
    [
        Transition(S.DRAFT, S.SCHEDULED, Permission.NOTICE_PUBLISH),
        Transition(S.DRAFT, S.PUBLISHED, Permission.NOTICE_PUBLISH),
        Transition(S.SCHEDULED, S.DRAFT, Permission.NOTICE_PUBLISH),
        Transition(S.SCHEDULED, S.PUBLISHED, Permission.NOTICE_PUBLISH, by_system=True),  # or the sweep, when due
        Transition(S.PUBLISHED, S.ARCHIVED, Permission.NOTICE_PUBLISH),
    ],
    NoticeEvent,
    state_names={S.DRAFT: "草稿", S.SCHEDULED: "定时发布", S.PUBLISHED: "已发布", S.ARCHIVED: "已归档"},
    verbs={S.DRAFT: "撤回为草稿", S.SCHEDULED: "定时发布", S.PUBLISHED: "发布", S.ARCHIVED: "归档"},
)
