"""The life of an activity: draft → published → finished, or cancelled (with a reason) before it
finishes. Who may move it is the service's check (a manager, or a coordinator of its team)."""

from backend.core.statemachine import StateMachine, Transition
from backend.volunteering.models import ActivityState as S
from backend.volunteering.models import VolunteerActivityEvent

ACTIVITY_STATES = StateMachine(
    "志愿活动",
    [
        Transition(S.DRAFT, S.PUBLISHED, None),
        Transition(S.DRAFT, S.CANCELLED, None),
        Transition(S.PUBLISHED, S.CANCELLED, None),
        Transition(S.PUBLISHED, S.FINISHED, None, by_system=True),  # once ended, at its first review
    ],
    VolunteerActivityEvent,
    state_names={S.DRAFT: "草稿", S.PUBLISHED: "已发布", S.FINISHED: "已结束", S.CANCELLED: "已取消"},
    verbs={S.DRAFT: "改为草稿", S.PUBLISHED: "发布", S.FINISHED: "结束", S.CANCELLED: "取消"},
)
