"""Orders: booking, the transitions of backend/services/states.py, and what a payment provider's
notification does to its order."""

from backend.payments.port import GatewayEvent, PaymentGatewayName


async def apply_payment_event(tx, gateway_name: PaymentGatewayName, event: GatewayEvent) -> str:
    """Apply a verified notification to its order inside `tx`; returns what it changed (or why
    nothing), recorded on its ProcessedEvent."""
    raise NotImplementedError("seam: the orders helper writes this")
