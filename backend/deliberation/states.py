"""The life of a topic on the shared state machine: a resident's proposal gathers supporters until it
becomes an agenda item (the committee's own topics start there); either closes."""

from backend.core.permissions import Permission
from backend.core.statemachine import StateMachine, Transition
from backend.deliberation.models import TopicEvent
from backend.deliberation.models import TopicState as S

TOPIC_STATES = StateMachine(
    "议题",
    [
        Transition(S.PROPOSED, S.AGENDA, None),  # by the support of its N-th household (the service checks)
        Transition(S.PROPOSED, S.CLOSED, Permission.DELIBERATION_MANAGE),
        Transition(S.AGENDA, S.CLOSED, Permission.DELIBERATION_MANAGE),
    ],
    TopicEvent,
    state_names={S.PROPOSED: "征集附议中", S.AGENDA: "已列入议程", S.CLOSED: "已结束"},
    verbs={S.AGENDA: "列入议程", S.CLOSED: "结束"},
)
