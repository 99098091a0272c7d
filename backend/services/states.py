"""The life of an order (docs/services.md has the diagram): pending payment → paid → accepted → en
route → checked in → in service → completed → confirmed (by the resident, or by itself after 48 h) →
settled → reviewed, with its branches: declined or not accepted within 30 min (refunded in full),
cancelled by the resident (the fee tier shown before paying) or by the provider, a no-show, a dispute
that the operator releases, refunds or partly refunds. A free category's order skips the payment
(pending payment → paid at once, settled without a transfer). Who may move it is the service's check
(the resident, the provider's admin or assigned worker, the operator, or a sweep)."""

from backend.core.statemachine import StateMachine, Transition
from backend.services.models import OrderEvent
from backend.services.models import OrderState as S

ORDER_STATES = StateMachine(
    "订单",
    [
        Transition(S.PENDING_PAYMENT, S.PAID, None, by_system=True),  # the gateway's notification
        Transition(S.PENDING_PAYMENT, S.CANCELLED, None, by_system=True),  # by the resident, or unpaid in time
        Transition(S.PAID, S.ACCEPTED, None),
        Transition(S.PAID, S.DECLINED, None, by_system=True),  # by the provider, or not accepted in 30 min
        Transition(S.PAID, S.CANCELLED, None),  # by the resident (free: nothing accepted yet)
        Transition(S.ACCEPTED, S.EN_ROUTE, None),
        Transition(S.ACCEPTED, S.CANCELLED, None),  # by the resident (the fee tier) or the provider
        Transition(S.ACCEPTED, S.NO_SHOW, None),  # the resident reports the provider never came
        Transition(S.EN_ROUTE, S.CHECKED_IN, None),
        Transition(S.EN_ROUTE, S.NO_SHOW, None),
        Transition(S.CHECKED_IN, S.IN_SERVICE, None),
        Transition(S.IN_SERVICE, S.COMPLETED, None),
        Transition(S.COMPLETED, S.CONFIRMED, None, by_system=True),  # by the resident, or after 48 h
        Transition(S.COMPLETED, S.DISPUTED, None),
        Transition(S.DISPUTED, S.CONFIRMED, None),  # the operator releases it (partly refunded or not)
        Transition(S.DISPUTED, S.REFUNDED, None),  # the operator refunds it in full
        Transition(S.CONFIRMED, S.SETTLED, None, by_system=True),  # the settlement job
        Transition(S.SETTLED, S.REVIEWED, None),
    ],
    OrderEvent,
    state_names={S.PENDING_PAYMENT: "待支付", S.PAID: "待接单", S.ACCEPTED: "已接单", S.EN_ROUTE: "上门途中",
                 S.CHECKED_IN: "已到达", S.IN_SERVICE: "服务中", S.COMPLETED: "待确认", S.CONFIRMED: "已确认",
                 S.SETTLED: "已结算", S.REVIEWED: "已评价", S.DECLINED: "已拒单", S.CANCELLED: "已取消",
                 S.NO_SHOW: "未上门", S.DISPUTED: "有争议", S.REFUNDED: "已退款"},
    verbs={S.PAID: "支付", S.ACCEPTED: "接单", S.EN_ROUTE: "出发", S.CHECKED_IN: "到达签到", S.IN_SERVICE: "开始服务",
           S.COMPLETED: "完成", S.CONFIRMED: "确认", S.SETTLED: "结算", S.REVIEWED: "评价", S.DECLINED: "拒单",
           S.CANCELLED: "取消", S.NO_SHOW: "报告未上门", S.DISPUTED: "申请售后", S.REFUNDED: "退款",
           S.PENDING_PAYMENT: "下单"},
)
