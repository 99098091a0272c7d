"""The life of a listing: draft → published → reserved → handed over → closed; a published or reserved
listing may be withdrawn (closed), a reservation given up returns it to published, and 30 days
without renewal expire it (renewing publishes it again). Moderation hides a listing by `hidden_at`,
not by a state, so its own state is kept for when it is restored. Who may move it is the service's
check (the seller, the reserved buyer, or the system)."""

from backend.core.statemachine import StateMachine, Transition
from backend.market.models import ListingEvent
from backend.market.models import ListingState as S

LISTING_STATES = StateMachine(
    "闲置",
    [
        Transition(S.DRAFT, S.PUBLISHED, None),
        Transition(S.PUBLISHED, S.RESERVED, None, by_system=True),  # a lottery's draw reserves for its winner
        Transition(S.RESERVED, S.PUBLISHED, None, by_system=True),  # the reservation was given up or a no-show
        Transition(S.RESERVED, S.HANDED_OVER, None),
        Transition(S.HANDED_OVER, S.CLOSED, None, by_system=True),
        Transition(S.DRAFT, S.CLOSED, None),
        Transition(S.PUBLISHED, S.CLOSED, None),
        Transition(S.RESERVED, S.CLOSED, None),
        Transition(S.PUBLISHED, S.EXPIRED, None, by_system=True),
        Transition(S.EXPIRED, S.PUBLISHED, None),
        Transition(S.EXPIRED, S.CLOSED, None),  # the seller withdraws it instead of renewing
    ],
    ListingEvent,
    state_names={S.DRAFT: "草稿", S.PUBLISHED: "在售", S.RESERVED: "已预订", S.HANDED_OVER: "已交接",
                 S.CLOSED: "已结束", S.EXPIRED: "已过期"},
    verbs={S.DRAFT: "存草稿", S.PUBLISHED: "发布", S.RESERVED: "预订", S.HANDED_OVER: "交接",
           S.CLOSED: "下架", S.EXPIRED: "过期"},
)
