"""The workflow of a case on the shared state machine: submitted → accepted → in progress → one of
its endings. A resolved case goes back to in progress when its resident says it is not (or only
partly) fixed. Who may move a case is the service's check (its reach and the resident's own
actions), so the table holds no permission."""

from backend.cases.models import CaseEvent
from backend.cases.models import CaseState as S
from backend.core.statemachine import StateMachine, Transition

_OPEN = (S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS)
# How a case may end without being fixed, from any open state.
_ENDINGS = (S.CLOSED_NOT_FIXED, S.NOT_RESPONSIBLE, S.DUPLICATE, S.REFERRED)

CASE_STATES = StateMachine(
    "诉求",
    [
        Transition(S.SUBMITTED, S.ACCEPTED, None),
        Transition(S.ACCEPTED, S.IN_PROGRESS, None),
        Transition(S.SUBMITTED, S.IN_PROGRESS, None),  # taken and started at once
        Transition(S.ACCEPTED, S.RESOLVED, None),
        Transition(S.IN_PROGRESS, S.RESOLVED, None),
        Transition(S.RESOLVED, S.IN_PROGRESS, None),  # reopened by the resident's confirmation
        *(Transition(source, ending, None) for source in _OPEN for ending in _ENDINGS),
    ],
    CaseEvent,
    state_names={S.SUBMITTED: "待受理", S.ACCEPTED: "已受理", S.IN_PROGRESS: "处理中", S.RESOLVED: "已解决",
                 S.CLOSED_NOT_FIXED: "已关闭（未解决）", S.NOT_RESPONSIBLE: "非本单位职责", S.DUPLICATE: "已合并",
                 S.REFERRED: "已转办"},
    verbs={S.ACCEPTED: "受理", S.IN_PROGRESS: "开始处理", S.RESOLVED: "办结", S.CLOSED_NOT_FIXED: "关闭",
           S.NOT_RESPONSIBLE: "退回为非本单位职责", S.DUPLICATE: "合并", S.REFERRED: "转办"},
)

OPEN_STATES = frozenset(_OPEN)
