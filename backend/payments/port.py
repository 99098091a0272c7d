"""The payments port: what the orders ask of a payment provider, in the platform's own terms, and the
notifications it sends back, normalised. One adapter per provider (sandbox.py, stripe_gateway.py,
wechat_gateway.py), picked by `gateway(name)`.

Money goes from the payer straight to the provider's own account at the payment provider (a Stripe
Connect destination charge, a WeChat Pay sub-merchant order) and the commission to the platform's (an
application fee, 分账): the platform never holds providers' money (no 二清). Every request carries an
idempotency key `order:{id}:{action}:v{n}`, so a retry is answered with the first result."""

import importlib
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol
from uuid import UUID


class PaymentGatewayName(StrEnum):
    NONE = "NONE"  # a free category: no payment at all
    SANDBOX = "SANDBOX"  # the embedded default
    STRIPE = "STRIPE"
    WECHAT = "WECHAT"


class InvalidNotification(Exception):
    """A notification whose signature, timestamp or body does not verify: answered 400, never applied."""


class EventKind(StrEnum):
    CHARGE_SUCCEEDED = "CHARGE_SUCCEEDED"
    CHARGE_FAILED = "CHARGE_FAILED"
    REFUND_SUCCEEDED = "REFUND_SUCCEEDED"
    REFUND_FAILED = "REFUND_FAILED"
    SHARE_FINISHED = "SHARE_FINISHED"  # WeChat 分账 done
    IGNORED = "IGNORED"  # verified, but nothing the orders act on (recorded as handled all the same)


@dataclass(frozen=True)
class Payee:
    """Where the provider's share goes at the payment provider."""

    stripe_account_id: str | None = None  # acct_…
    wechat_sub_mchid: str | None = None


@dataclass(frozen=True)
class ChargeRequest:
    order_id: UUID
    key: str  # order:{id}:pay:v{n}
    amount_fen: int  # what the payer pays through the gateway (the resident's part)
    application_fee_fen: int  # the commission (Stripe takes it at the charge; WeChat shares it later)
    description: str
    payee: Payee
    payer_openid: str | None = None  # WeChat JSAPI: the payer's openid under the platform's appid


@dataclass(frozen=True)
class ChargeSession:
    reference: str  # pi_… (Stripe), out_trade_no (WeChat), sandbox_… (sandbox)
    client_params: dict  # what the client needs to pay: Stripe's client secret, WeChat's JSAPI parameters


@dataclass(frozen=True)
class RefundRequest:
    order_id: UUID
    key: str  # order:{id}:refund:v{n}
    charge_reference: str
    amount_fen: int  # at most what is left of the charge
    charge_amount_fen: int
    refund_application_fee: bool  # Stripe: give back the commission in proportion
    reverse_transfer: bool  # Stripe: take the provider's part back from the connected account
    reason: str
    payee: Payee = Payee()  # WeChat: the sub-merchant whose order it is


@dataclass(frozen=True)
class RefundResult:
    reference: str
    succeeded: bool | None  # None: pending, the notification will say


@dataclass(frozen=True)
class ShareRequest:
    """After confirmation: the commission to the platform and the rest released to the provider
    (WeChat 分账 then 完结). Stripe took its application fee with the charge: nothing to send."""

    order_id: UUID
    key: str  # order:{id}:share:v{n}
    charge_reference: str
    commission_fen: int
    payee: Payee


@dataclass(frozen=True)
class GatewayEvent:
    event_id: str  # the provider's id of the notification (the replay key)
    kind: EventKind
    raw_type: str  # payment_intent.succeeded, TRANSACTION.SUCCESS, REFUND.SUCCESS, …
    reference: str  # the charge's or refund's reference
    charge_reference: str | None = None  # for a refund: its charge
    order_id: UUID | None = None  # from the metadata / out_trade_no
    amount_fen: int = 0
    gateway_fee_fen: int = 0
    occurred_at: datetime | None = None  # the provider's time of the change


@dataclass(frozen=True)
class GatewayRecord:
    """One line of the provider's own records of a day (Stripe's balance transactions, WeChat's
    trade bill), for reconciliation."""

    reference: str
    kind: str  # CHARGE | REFUND
    amount_fen: int
    succeeded: bool
    order_id: UUID | None = None
    extra: dict = field(default_factory=dict)


class PaymentGateway(Protocol):
    name: PaymentGatewayName
    # Who bears the provider's fee: the platform out of its commission (a Stripe destination charge),
    # or the provider out of its share (a WeChat sub-merchant). The ledger's settlement follows it.
    fee_borne_by_platform: bool

    async def create_charge(self, request: ChargeRequest) -> ChargeSession: ...

    async def refund(self, request: RefundRequest) -> RefundResult: ...

    async def share_commission(self, request: ShareRequest) -> bool: ...  # True when done

    def parse_notification(self, headers: dict[str, str], body: bytes) -> list[GatewayEvent]:
        """Verify (raise InvalidNotification) and normalise a notification."""

    async def with_fee(self, event: GatewayEvent) -> GatewayEvent:
        """The event with the provider's fee when the notification leaves it out (Stripe's is on the
        charge's balance transaction, one request away); others return it as it is."""

    def acknowledge(self) -> tuple[int, bytes, str]:
        """The HTTP answer the provider expects to a handled notification: status, body, content type."""

    async def records(self, day: date) -> list[GatewayRecord]: ...


_ADAPTERS = {
    PaymentGatewayName.SANDBOX: "backend.payments.sandbox:SandboxGateway",
    PaymentGatewayName.STRIPE: "backend.payments.stripe_gateway:StripeGateway",
    PaymentGatewayName.WECHAT: "backend.payments.wechat_gateway:WechatGateway",
}
_instances: dict[PaymentGatewayName, PaymentGateway] = {}


def gateway(name: PaymentGatewayName | str) -> PaymentGateway:
    """The adapter for `name`, built once from the settings (reset by `reset()` when they change)."""
    name = PaymentGatewayName(name)
    if name not in _ADAPTERS:
        raise ValueError(f"no payment gateway {name}")
    if name not in _instances:
        module, cls = _ADAPTERS[name].split(":")
        _instances[name] = getattr(importlib.import_module(module), cls)()
    return _instances[name]


def fee_borne_by_platform(name: PaymentGatewayName | str) -> bool:
    """Whose the payment provider's fee is, as its adapter's class declares it (no instance, so no
    credentials are needed to read a report). A free order has no fee at all."""
    name = PaymentGatewayName(name)
    if name is PaymentGatewayName.NONE:
        return True
    module, cls = _ADAPTERS[name].split(":")
    return getattr(importlib.import_module(module), cls).fee_borne_by_platform


def reset() -> None:
    _instances.clear()


def idempotency_key(order_id: UUID, action: str, version: int) -> str:
    return f"order:{order_id}:{action}:v{version}"
