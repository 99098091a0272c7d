"""The sandbox gateway of the embedded default (`make run`): no money moves, but an order goes the same
way as with a real provider. A charge is paid when the resident presses 模拟支付: the sandbox then
writes a notification signed with LINLI_SANDBOX_WEBHOOK_SECRET and it is handled by the same code as
Stripe's and WeChat's (verify, once only, apply). Refunds and commission sharing succeed at once and
cost nothing."""

import hashlib
import hmac
import json
import time
from datetime import UTC, date, datetime

from backend.core.days import day_bounds
from backend.core.settings import get_settings
from backend.payments.models import Payment, PaymentKind, PaymentState
from backend.payments.port import (
    ChargeRequest,
    ChargeSession,
    EventKind,
    GatewayEvent,
    GatewayRecord,
    InvalidNotification,
    PaymentGatewayName,
    RefundRequest,
    RefundResult,
    ShareRequest,
)

SIGNATURE_HEADER = "x-sandbox-signature"
TOLERANCE_S = 300


def _reference(prefix: str, key: str) -> str:
    return f"{prefix}_{hashlib.sha256(key.encode()).hexdigest()[:24]}"


def _sign(timestamp: int, body: bytes) -> str:
    secret = get_settings().sandbox_webhook_secret.encode()
    return hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


class SandboxGateway:
    name = PaymentGatewayName.SANDBOX
    fee_borne_by_platform = True

    async def create_charge(self, request: ChargeRequest) -> ChargeSession:
        return ChargeSession(reference=_reference("sandbox_charge", request.key), client_params={"sandbox": True})

    async def refund(self, request: RefundRequest) -> RefundResult:
        return RefundResult(reference=_reference("sandbox_refund", request.key), succeeded=True)

    async def share_commission(self, request: ShareRequest) -> bool:
        return True

    def notification(self, *, kind: EventKind, reference: str, order_id, amount_fen: int) -> tuple[dict, bytes]:
        """A signed notification that `reference` succeeded, as a provider would send it."""
        now = int(time.time())
        body = json.dumps({"id": _reference("sandbox_event", f"{kind}:{reference}"), "kind": kind.value,
                           "reference": reference, "order_id": str(order_id), "amount_fen": amount_fen,
                           "occurred_at": now}).encode()
        return {SIGNATURE_HEADER: f"t={now},v1={_sign(now, body)}"}, body

    def parse_notification(self, headers: dict[str, str], body: bytes) -> list[GatewayEvent]:
        try:
            parts = dict(item.split("=", 1) for item in headers.get(SIGNATURE_HEADER, "").split(","))
            timestamp = int(parts["t"])
            payload = json.loads(body)
        except (KeyError, ValueError) as exc:
            raise InvalidNotification("missing or malformed sandbox signature") from exc
        if abs(time.time() - timestamp) > TOLERANCE_S:
            raise InvalidNotification("sandbox notification too old")
        if not hmac.compare_digest(parts.get("v1", ""), _sign(timestamp, body)):
            raise InvalidNotification("sandbox signature does not match")
        return [GatewayEvent(event_id=payload["id"], kind=EventKind(payload["kind"]), raw_type=payload["kind"],
                             reference=payload["reference"], order_id=payload["order_id"],
                             amount_fen=int(payload["amount_fen"]),
                             occurred_at=datetime.fromtimestamp(payload["occurred_at"], UTC))]

    async def with_fee(self, event: GatewayEvent) -> GatewayEvent:
        return event  # the sandbox charges nothing

    def acknowledge(self) -> tuple[int, bytes, str]:
        return 200, b'{"received": true}', "application/json"

    async def records(self, day: date) -> list[GatewayRecord]:
        """The sandbox is its own provider: its records are the sandbox payments that succeeded."""
        start, end = day_bounds(day)
        rows = await Payment.filter(gateway=self.name.value, state=PaymentState.SUCCEEDED,
                                    kind__in=[PaymentKind.CHARGE, PaymentKind.REFUND],
                                    settled_at__gte=start, settled_at__lt=end)
        return [GatewayRecord(reference=p.reference, kind=p.kind.value, amount_fen=p.amount_fen, succeeded=True,
                              order_id=p.order_id) for p in rows]
