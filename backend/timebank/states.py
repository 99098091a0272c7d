"""The life of a time-bank request on the shared state machine: open → booked → completed, or
cancelled before it is done. Who may move it (requester, proxy, helper, staff) is the service's check."""

from backend.core.statemachine import StateMachine, Transition
from backend.timebank.models import RequestState as S
from backend.timebank.models import TimebankRequestEvent

REQUEST_STATES = StateMachine(
    "互助需求",
    [
        Transition(S.OPEN, S.BOOKED, None),
        Transition(S.BOOKED, S.COMPLETED, None),
        Transition(S.OPEN, S.CANCELLED, None),
        Transition(S.BOOKED, S.CANCELLED, None),
    ],
    TimebankRequestEvent,
    state_names={S.OPEN: "待接单", S.BOOKED: "已预约", S.COMPLETED: "已完成", S.CANCELLED: "已取消"},
    verbs={S.BOOKED: "预约", S.COMPLETED: "确认完成", S.CANCELLED: "取消"},
)
