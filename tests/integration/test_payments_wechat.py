"""The WeChat Pay v3 partner-mode adapter (backend/payments/wechat_gateway.py, through wechatpayv3)
against a local stand-in of WeChat Pay's documented API v3 (tests/stubs/wechatpay.py), which checks
every request's merchant signature and signs its answers and notifications with the platform key:
prepay with profit sharing, notifications verified and decrypted (forged, stale and tampered ones
refused), refunds, 分账 of the commission, and the day's trade bill for reconciliation."""

import base64
import json
import uuid
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from backend.accounts.models import WechatAccount
from backend.core.days import today
from backend.core.errors import DomainError, ErrorCode
from backend.core.settings import get_settings, use_settings
from backend.ledger.models import Account
from backend.payments import port
from backend.payments.models import Payment, PaymentKind, PaymentState, ProcessedEvent
from backend.payments.port import (
    ChargeRequest,
    EventKind,
    InvalidNotification,
    Payee,
    PaymentGatewayName,
    RefundRequest,
    ShareRequest,
    idempotency_key,
)
from backend.services.models import Fulfilment, Order, OrderState, ServiceCategory
from tests.integration.conftest import eventually
from tests.integration.services_helpers import verified_provider
from tests.stubs.wechatpay import WechatPayStub, rsa_keypair, rsa_verify, signed_headers

SP_MCHID, SP_APPID, SUB_MCHID = "1230000109", "wxsp0000000000001", "1900000109"
SERIAL, PUBLIC_KEY_ID = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", "PUB_KEY_ID_0112300001092025000000000000"
APIV3_KEY = "linli-test-apiv3-key-0123456789a"  # 32 bytes: an AES-256 key


@pytest.fixture(scope="module")
def keys() -> dict[str, tuple[str, str]]:
    """The merchant's API key pair (it signs requests) and WeChat Pay's platform key pair (it signs
    answers and notifications), plus a stranger's."""
    return {"merchant": rsa_keypair(), "platform": rsa_keypair(), "stranger": rsa_keypair()}


@pytest.fixture
async def wechatpay(app, keys):
    """The app's WeChat Pay pointed at the stand-in; `use(**more)` changes the settings."""
    stub = WechatPayStub(sp_mchid=SP_MCHID, sp_appid=SP_APPID, merchant_serial=SERIAL,
                         merchant_public_key=keys["merchant"][1], apiv3_key=APIV3_KEY,
                         platform_private_key=keys["platform"][0], platform_public_key_id=PUBLIC_KEY_ID)
    base, server = stub.serve()
    before = get_settings()
    settings = {"wechatpay_sp_mchid": SP_MCHID, "wechatpay_sp_appid": SP_APPID,
                "wechatpay_private_key": keys["merchant"][0], "wechatpay_cert_serial_no": SERIAL,
                "wechatpay_apiv3_key": APIV3_KEY, "wechatpay_public_key": keys["platform"][1],
                "wechatpay_public_key_id": PUBLIC_KEY_ID, "wechatpay_api_base": base,
                "public_base_url": "https://linli.example.cn"}

    def use(**more) -> None:
        use_settings(before.model_copy(update=settings | more))

    use()
    port.reset()
    stub.use, stub.settings = use, settings
    async with httpx.AsyncClient(base_url=base) as standin:
        stub.http = standin
        yield stub
    use_settings(before)
    port.reset()
    server.should_exit = True


@pytest.fixture
def adapter(wechatpay):
    return port.gateway(PaymentGatewayName.WECHAT)


async def _order(make_person, community, *, amount_fen: int = 10000) -> Order:
    """An order waiting for its WeChat payment, as booking leaves it (built directly: what is tested is
    the adapter)."""
    setup = await verified_provider(make_person, community, wechat_sub_mchid=SUB_MCHID)
    resident = await make_person(community.id, ["RESIDENT"])
    return await Order.create(
        community=community, resident=resident, placed_by=resident, provider=setup.provider,
        category=ServiceCategory.HOUSEKEEPING, service=setup.service, slot=setup.slot,
        fulfilment=Fulfilment.ON_SITE, scheduled_at=setup.slot.starts_at, state=OrderState.PENDING_PAYMENT,
        amount_fen=amount_fen, resident_fen=amount_fen, commission_fen=amount_fen // 10,
        commission_rule={"percent_bp": 1000, "minimum_fen": 0, "cap_fen": None, "on_subsidy": False},
        cancellation_tiers=[[24, 0], [2, 2000], [0, 5000]], gateway=PaymentGatewayName.WECHAT)


def _charge(order: Order, openid: str = "o-sp-openid-resident-0001", version: int = 1) -> ChargeRequest:
    return ChargeRequest(order_id=order.id, key=idempotency_key(order.id, "pay", version),
                         amount_fen=order.resident_fen, application_fee_fen=order.commission_fen,
                         description="好帮手家政 · 日常保洁 2 小时", payee=Payee(wechat_sub_mchid=SUB_MCHID),
                         payer_openid=openid)


async def _paid(wechatpay, adapter, order: Order) -> tuple[str, dict]:
    """The order charged and paid by the payer: its out_trade_no and WeChat Pay's notification."""
    session = await adapter.create_charge(_charge(order))
    paid = await wechatpay.http.post(f"/_standin/transactions/{session.reference}/pay")
    assert paid.status_code == 200
    return session.reference, paid.json()


async def test_prepay_creates_the_sub_merchants_order_and_the_client_params_verify(
        wechatpay, adapter, keys, make_person, demo_community):
    order = await _order(make_person, demo_community)
    session = await adapter.create_charge(_charge(order))

    sent = wechatpay.orders[session.reference]["request"]  # what the stand-in received, signature checked
    assert sent["sp_mchid"] == SP_MCHID and sent["sp_appid"] == SP_APPID and sent["sub_mchid"] == SUB_MCHID
    assert sent["settle_info"] == {"profit_sharing": True} and sent["attach"] == str(order.id)
    assert sent["amount"] == {"total": 10000, "currency": "CNY"}
    assert sent["payer"] == {"sp_openid": "o-sp-openid-resident-0001"}
    assert sent["notify_url"] == "https://linli.example.cn/webhooks/wechat"
    assert len(session.reference) <= 32

    params = session.client_params  # what wx.requestPayment is called with
    assert set(params) == {"timeStamp", "nonceStr", "package", "signType", "paySign"}
    assert params["package"] == f"prepay_id={wechatpay.orders[session.reference]['prepay_id']}"
    assert params["signType"] == "RSA"
    signed = f"{SP_APPID}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    assert rsa_verify(keys["merchant"][1], signed, params["paySign"])

    again = await adapter.create_charge(_charge(order))  # a retry with the same key: the same WeChat order
    assert again.reference == session.reference and again.client_params["package"] == params["package"]
    assert len(wechatpay.orders) == 1
    other = await adapter.create_charge(_charge(order, version=2))  # a new attempt: a new order number
    assert other.reference != session.reference


async def test_a_charge_without_the_payers_openid_or_the_providers_sub_merchant_is_refused(
        wechatpay, adapter, make_person, demo_community):
    order = await _order(make_person, demo_community)
    no_openid = _charge(order, openid="")
    no_payee = replace(_charge(order), payee=Payee(stripe_account_id="acct_1"))
    for request, message in [(no_openid, "请在微信小程序中登录后支付"), (no_payee, "该服务商尚未开通微信支付收款")]:
        with pytest.raises(DomainError) as refused:
            await adapter.create_charge(request)
        assert (refused.value.code, refused.value.message) == (ErrorCode.INVALID_INPUT, message)
    assert wechatpay.orders == {}


async def test_requests_and_answers_must_be_signed_by_their_senders(wechatpay, adapter, keys, make_person,
                                                                    demo_community):
    order = await _order(make_person, demo_community)
    wechatpay.use(wechatpay_private_key=keys["stranger"][0])  # not the key WeChat Pay knows for the merchant
    with pytest.raises(DomainError) as refused:
        await adapter.create_charge(_charge(order))
    assert refused.value.code == ErrorCode.NOT_AVAILABLE and "签名错误" in refused.value.message
    assert wechatpay.orders == {}

    wechatpay.use()
    wechatpay.sign_answers_with = keys["stranger"][0]  # someone answering in WeChat Pay's place
    with pytest.raises(DomainError) as forged:
        await adapter.create_charge(_charge(order))
    assert forged.value.code == ErrorCode.NOT_AVAILABLE


async def test_a_paid_orders_notification_parses_to_charge_succeeded(wechatpay, adapter, make_person,
                                                                     demo_community):
    order = await _order(make_person, demo_community, amount_fen=12345)
    reference, notification = await _paid(wechatpay, adapter, order)

    [event] = adapter.parse_notification(notification["headers"], notification["body"].encode())
    assert event.kind == EventKind.CHARGE_SUCCEEDED and event.raw_type == "TRANSACTION.SUCCESS"
    assert (event.reference, event.order_id, event.amount_fen) == (reference, order.id, 12345)
    assert event.gateway_fee_fen == 74  # 0.6 % of ¥123.45, rounded half up: charged to the sub-merchant
    assert event.event_id == json.loads(notification["body"])["id"] and event.occurred_at is not None
    assert adapter.fee_borne_by_platform is False
    assert adapter.acknowledge() == (200, '{"code": "SUCCESS", "message": "成功"}'.encode(), "application/json")


def _resigned(headers: dict, body: str, keys, *, key: str = "platform", timestamp: int | None = None) -> dict:
    return signed_headers(keys[key][0], headers["Wechatpay-Serial"], body, timestamp=timestamp)


def _bad_signature(notification, keys):
    headers = dict(notification["headers"])
    signature = base64.b64decode(headers["Wechatpay-Signature"])
    headers["Wechatpay-Signature"] = base64.b64encode(bytes([signature[0] ^ 1]) + signature[1:]).decode()
    return headers, notification["body"]


def _other_key(notification, keys):
    return _resigned(notification["headers"], notification["body"], keys, key="stranger"), notification["body"]


def _stale(notification, keys):
    ten_minutes_ago = int(notification["headers"]["Wechatpay-Timestamp"]) - 600
    return _resigned(notification["headers"], notification["body"], keys, timestamp=ten_minutes_ago), \
        notification["body"]


def _tampered_resource(notification, keys):
    """The resource's ciphertext changed, then the whole re-signed: only the AEAD tag catches it."""
    body = json.loads(notification["body"])
    ciphertext = bytearray(base64.b64decode(body["resource"]["ciphertext"]))
    ciphertext[5] ^= 1
    body["resource"]["ciphertext"] = base64.b64encode(bytes(ciphertext)).decode()
    text = json.dumps(body, ensure_ascii=False)
    headers = _resigned(notification["headers"], text, keys)
    signed = f"{headers['Wechatpay-Timestamp']}\n{headers['Wechatpay-Nonce']}\n{text}\n"
    assert rsa_verify(keys["platform"][1], signed, headers["Wechatpay-Signature"])  # the signature is WeChat's
    return headers, text


UNVERIFIED = "signature does not verify or resource does not decrypt"


@pytest.mark.parametrize(("forge", "reason"), [(_bad_signature, UNVERIFIED), (_other_key, UNVERIFIED),
                                               (_stale, "more than 5 minutes off"), (_tampered_resource, UNVERIFIED)],
                         ids=["bad signature", "signed with another key", "stale timestamp", "tampered resource"])
async def test_a_forged_stale_or_tampered_notification_is_refused_and_answered_400(
        wechatpay, adapter, keys, api, make_person, demo_community, forge, reason):
    order = await _order(make_person, demo_community)
    _, notification = await _paid(wechatpay, adapter, order)
    headers, body = forge(notification, keys)

    with pytest.raises(InvalidNotification, match=reason):
        adapter.parse_notification(headers, body.encode())
    answer = await api.http.post("/webhooks/wechat", headers=headers, content=body.encode())
    assert answer.status_code == 400
    event_id = json.loads(notification["body"])["id"]
    assert not await ProcessedEvent.filter(gateway="WECHAT", event_id=event_id).exists()
    assert (await Order.get(id=order.id)).state == OrderState.PENDING_PAYMENT


async def test_without_wechat_pay_configured_a_notification_is_refused(api):
    port.reset()
    answer = await api.http.post("/webhooks/wechat", headers={"wechatpay-serial": "PUB_KEY_ID_X"}, content=b"{}")
    assert answer.status_code == 400


async def test_a_refund_and_its_notification(wechatpay, adapter, make_person, demo_community):
    order = await _order(make_person, demo_community)
    reference, _ = await _paid(wechatpay, adapter, order)

    def refund(amount: int, version: int) -> RefundRequest:
        return RefundRequest(order_id=order.id, key=idempotency_key(order.id, "refund", version),
                             charge_reference=reference, amount_fen=amount, charge_amount_fen=10000,
                             refund_application_fee=True, reverse_transfer=True, reason="居民取消订单",
                             payee=Payee(wechat_sub_mchid=SUB_MCHID))

    result = await adapter.refund(refund(3000, 1))
    assert result.succeeded is None  # WeChat Pay is processing it: the notification will say
    sent = wechatpay.refunds[result.reference]["request"]
    assert sent["sub_mchid"] == SUB_MCHID and sent["out_trade_no"] == reference
    assert sent["amount"] == {"refund": 3000, "total": 10000, "currency": "CNY"}
    assert sent["notify_url"] == "https://linli.example.cn/webhooks/wechat"
    assert (await adapter.refund(refund(3000, 1))).reference == result.reference  # a retry: the same refund
    assert len(wechatpay.refunds) == 1
    too_much = await adapter.refund(refund(8000, 2))  # more than the ¥70 left of the charge
    assert too_much.succeeded is False and too_much.reference not in wechatpay.refunds

    finished = await wechatpay.http.post(f"/_standin/refunds/{result.reference}/finish", json={"status": "SUCCESS"})
    [event] = adapter.parse_notification(finished.json()["headers"], finished.json()["body"].encode())
    assert event.kind == EventKind.REFUND_SUCCEEDED and event.raw_type == "REFUND.SUCCESS"
    assert (event.reference, event.charge_reference, event.amount_fen) == (result.reference, reference, 3000)

    second = await adapter.refund(refund(2000, 3))
    abnormal = await wechatpay.http.post(f"/_standin/refunds/{second.reference}/finish", json={"status": "ABNORMAL"})
    [failed] = adapter.parse_notification(abnormal.json()["headers"], abnormal.json()["body"].encode())
    assert (failed.kind, failed.reference) == (EventKind.REFUND_FAILED, second.reference)


async def test_profit_sharing_sends_the_commission_to_the_platform_and_releases_the_rest(
        wechatpay, adapter, make_person, demo_community):
    order = await _order(make_person, demo_community)
    reference, _ = await _paid(wechatpay, adapter, order)
    share = ShareRequest(order_id=order.id, key=idempotency_key(order.id, "share", 1), charge_reference=reference,
                         commission_fen=1000, payee=Payee(wechat_sub_mchid=SUB_MCHID))

    assert await adapter.share_commission(share) is True
    receiver = wechatpay.receivers[SUB_MCHID][SP_MCHID]
    assert (receiver["type"], receiver["relation_type"]) == ("MERCHANT_ID", "SERVICE_PROVIDER")
    [shared] = wechatpay.shares.values()
    assert shared["request"]["transaction_id"] == wechatpay.orders[reference]["transaction_id"]
    assert shared["request"]["sub_mchid"] == SUB_MCHID and shared["request"]["unfreeze_unsplit"] is True
    assert shared["request"]["receivers"] == [{"type": "MERCHANT_ID", "account": SP_MCHID, "amount": 1000,
                                               "description": "平台佣金"}]
    assert await adapter.share_commission(share) is True  # a retry: WeChat answers the first result
    assert len(wechatpay.shares) == 1 and wechatpay.orders[reference]["shared"] == 1000

    # An order whose provider keeps everything commission-free: the frozen money is only released.
    free = await _order(make_person, demo_community)
    free_reference, _ = await _paid(wechatpay, adapter, free)
    assert await adapter.share_commission(ShareRequest(
        order_id=free.id, key=idempotency_key(free.id, "share", 1), charge_reference=free_reference,
        commission_fen=0, payee=Payee(wechat_sub_mchid=SUB_MCHID))) is True
    assert wechatpay.orders[free_reference]["finished"] and wechatpay.orders[free_reference]["shared"] == 0


async def test_records_are_the_days_trade_bill_with_a_planted_line(wechatpay, adapter, make_person,
                                                                   demo_community):
    day = today()
    assert await adapter.records(day) == []  # no trade at all that day: WeChat Pay has no bill
    order = await _order(make_person, demo_community)
    reference, _ = await _paid(wechatpay, adapter, order)
    refund = await adapter.refund(RefundRequest(
        order_id=order.id, key=idempotency_key(order.id, "refund", 1), charge_reference=reference, amount_fen=2500,
        charge_amount_fen=10000, refund_application_fee=True, reverse_transfer=True, reason="部分退款",
        payee=Payee(wechat_sub_mchid=SUB_MCHID)))
    await wechatpay.http.post(f"/_standin/refunds/{refund.reference}/finish", json={"status": "SUCCESS"})
    changed = await _order(make_person, demo_community, amount_fen=8000)
    changed_reference, _ = await _paid(wechatpay, adapter, changed)
    for line in [{"kind": "CHARGE", "out_trade_no": "P-only-wechat-knows-it-0001", "amount_fen": 4200},
                 {"kind": "CHARGE", "out_trade_no": changed_reference, "amount_fen": 7999}]:
        assert (await wechatpay.http.post("/_standin/bill", json={"bill_date": day.isoformat(), **line})).is_success

    records = {(r.kind, r.reference): r for r in await adapter.records(day)}
    assert set(records) == {("CHARGE", reference), ("REFUND", refund.reference), ("CHARGE", changed_reference),
                            ("CHARGE", "P-only-wechat-knows-it-0001")}
    charge = records["CHARGE", reference]
    assert (charge.amount_fen, charge.succeeded, charge.order_id) == (10000, True, order.id)
    assert charge.extra["sub_mchid"] == SUB_MCHID and charge.extra["fee_fen"] == 60
    assert charge.extra["transaction_id"] == wechatpay.orders[reference]["transaction_id"]
    back = records["REFUND", refund.reference]
    assert (back.amount_fen, back.succeeded, back.order_id) == (2500, True, order.id)
    assert records["CHARGE", changed_reference].amount_fen == 7999  # WeChat's record, not ours (8000)
    assert records["CHARGE", "P-only-wechat-knows-it-0001"].order_id is None
    assert await adapter.records(day - timedelta(days=1)) == []


# ---- The order's whole life on WeChat Pay, through the orders' GraphQL operations (docs/services.md) ----

async def _wechat_resident(make_person, community, openid: str):
    """A resident signed in from the mini-program: the openid under the platform's appid pays."""
    resident = await make_person(community.id, ["RESIDENT"])
    await WechatAccount.create(person=resident, openid=openid, session_key_encrypted="v2:k1:unused")
    return resident


async def _book_and_pay(api, wechatpay, setup, resident, openid: str) -> tuple[str, str, dict]:
    """Booked and paid through the mini-program's operations; returns the order id, its out_trade_no
    and WeChat Pay's payment notification (not yet delivered)."""
    await api.sign_in(resident.handle)
    booked = (await api.op("ServiceOrderBook", serviceId=str(setup.service.id), slotId=str(setup.slot.id),
                           quantity=2))["data"]["serviceOrderBook"]
    assert booked["errors"] == []
    order_id = booked["order"]["id"]
    paying = (await api.op("ServiceOrderPay", orderId=order_id, gateway="WECHAT"))["data"]["serviceOrderPay"]
    assert paying["errors"] == [] and paying["gateway"] == "WECHAT"
    assert set(json.loads(paying["clientParams"])) == {"timeStamp", "nonceStr", "package", "signType", "paySign"}
    [reference] = [no for no, o in wechatpay.orders.items() if o["request"]["attach"] == order_id]
    assert wechatpay.orders[reference]["request"]["payer"] == {"sp_openid": openid}
    paid = await wechatpay.http.post(f"/_standin/transactions/{reference}/pay")
    return order_id, reference, paid.json()


async def _deliver(api, notification: dict) -> httpx.Response:
    return await api.http.post("/webhooks/wechat", headers=notification["headers"],
                               content=notification["body"].encode())


async def test_an_order_runs_end_to_end_on_the_wechat_pay_stand_in_with_profit_sharing(
        api, wechatpay, make_person, demo_community, start_worker):
    from backend.services import settlement

    wechatpay.use(payment_gateway="WECHAT")
    start_worker(**wechatpay.settings, payment_gateway="WECHAT")  # its jobs (分账) call the stand-in too
    setup = await verified_provider(make_person, demo_community, wechat_sub_mchid=SUB_MCHID)
    openid = f"o-{uuid.uuid4().hex[:24]}"
    resident = await _wechat_resident(make_person, demo_community, openid)
    order_id, reference, notification = await _book_and_pay(api, wechatpay, setup, resident, openid)

    delivered = await _deliver(api, notification)
    assert delivered.status_code == 200 and delivered.json() == {"code": "SUCCESS", "message": "成功"}
    assert (await api.op("ServiceOrder", id=order_id))["data"]["serviceOrder"]["state"] == "PAID"

    admin_token = (await api.sign_in(setup.admin.handle))["accessToken"]
    worker_token = (await api.sign_in(setup.worker.handle))["accessToken"]
    accepted = await api.op("ServiceOrderAccept", token=admin_token, orderId=order_id, workerId=str(setup.worker.id))
    assert accepted["data"]["serviceOrderAccept"]["errors"] == []
    for step in ("ServiceOrderDepart", "ServiceOrderCheckIn", "ServiceOrderStart", "ServiceOrderComplete"):
        variables = {"orderId": order_id}
        if step == "ServiceOrderCheckIn":
            photo = await api.http.post("/uploads", params={"kind": "proof_photo"},
                                        headers={"authorization": f"Bearer {worker_token}"},
                                        files={"file": ("on-site.jpg", _jpeg(), "image/jpeg")})
            variables["photoUploadId"] = photo.json()["id"]
        moved = await api.op(step, token=worker_token, **variables)
        assert next(iter(moved["data"].values()))["errors"] == [], step
    await api.sign_in(resident.handle)
    assert (await api.op("ServiceOrderConfirm", orderId=order_id))["data"]["serviceOrderConfirm"]["errors"] == []
    await settlement.settle_due()

    async def shared():
        return [s for s in wechatpay.shares.values() if s["request"]["transaction_id"]
                == wechatpay.orders[reference]["transaction_id"]]

    [share] = await eventually(shared)  # the 分账 job after settlement
    order = await Order.get(id=order_id)
    assert order.state in {OrderState.SETTLED, OrderState.REVIEWED}
    assert share["request"]["receivers"] == [{"type": "MERCHANT_ID", "account": SP_MCHID,
                                              "amount": order.commission_fen, "description": "平台佣金"}]
    assert share["request"]["unfreeze_unsplit"] is True
    fee = (order.amount_fen * 60 + 5000) // 10000
    assert order.gateway_fee_fen == fee
    escrow = await Account.get(owner_kind="provider", owner_id=setup.provider.id, code="escrow")
    payable = await Account.get(owner_kind="provider", owner_id=setup.provider.id, code="payable")
    assert escrow.credits_posted == order.amount_fen == escrow.debits_posted  # all of it went on
    # WeChat Pay charged its fee to the sub-merchant: the provider's share bears it.
    assert payable.credits_posted + order.commission_fen + fee == order.amount_fen
    charge = await Payment.get(order_id=order_id, kind=PaymentKind.CHARGE)
    assert (charge.reference, charge.state, charge.gateway_fee_fen) == (reference, PaymentState.SUCCEEDED, fee)


async def test_a_replayed_and_an_out_of_order_wechat_notification_change_nothing(
        api, wechatpay, make_person, demo_community, start_worker):
    wechatpay.use(payment_gateway="WECHAT")
    start_worker(**wechatpay.settings, payment_gateway="WECHAT")  # its refund job calls the stand-in
    setup = await verified_provider(make_person, demo_community, wechat_sub_mchid=SUB_MCHID)
    openid = f"o-{uuid.uuid4().hex[:24]}"
    resident = await _wechat_resident(make_person, demo_community, openid)
    order_id, reference, notification = await _book_and_pay(api, wechatpay, setup, resident, openid)

    first, replayed = await _deliver(api, notification), await _deliver(api, notification)
    assert first.status_code == replayed.status_code == 200  # WeChat Pay stops retrying either way
    event_id = json.loads(notification["body"])["id"]
    assert await ProcessedEvent.filter(gateway="WECHAT", event_id=event_id).count() == 1
    order = await Order.get(id=order_id)
    assert order.state == OrderState.PAID
    holds = await Account.get(owner_kind="provider", owner_id=setup.provider.id, code="escrow")
    assert holds.credits_pending == order.resident_fen  # held once, not twice

    # The provider declines: a full refund. Its REFUND.SUCCESS notice arrives, then — out of order — a
    # second copy of the payment notice under a new id (WeChat's retry): the order stays DECLINED.
    await api.sign_in(setup.admin.handle)
    declined = await api.op("ServiceOrderDecline", orderId=order_id, reason="人手不足")
    assert declined["data"]["serviceOrderDecline"]["errors"] == []

    async def refund_sent():
        return [no for no, r in wechatpay.refunds.items() if r["request"]["out_trade_no"] == reference]

    [out_refund_no] = await eventually(refund_sent)
    finished = await wechatpay.http.post(f"/_standin/refunds/{out_refund_no}/finish", json={"status": "SUCCESS"})
    assert (await _deliver(api, finished.json())).status_code == 200
    late = wechatpay.notification("TRANSACTION.SUCCESS", "支付成功",
                                  wechatpay.transaction_resource(wechatpay.orders[reference]), "transaction")
    assert (await _deliver(api, late)).status_code == 200
    after = await Order.get(id=order_id)
    assert after.state == OrderState.DECLINED and after.refunded_fen == order.resident_fen
    refund = await Payment.get(order_id=order_id, kind=PaymentKind.REFUND)
    assert refund.state == PaymentState.SUCCEEDED
    assert len([r for r in wechatpay.refunds.values() if r["request"]["out_trade_no"] == reference]) == 1


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "JPEG")
    return out.getvalue()


async def test_reconciliation_finds_the_differences_planted_in_wechat_pays_bill(api, wechatpay, make_person,
                                                                                demo_community):
    # Stands in for: WeChat Pay's trade bill of the day (申请交易账单), against our payments of that day.
    from backend.payments.models import DifferenceKind, ReconciliationDifference
    from backend.payments.reconcile import reconcile

    wechatpay.use(payment_gateway="WECHAT")
    setup = await verified_provider(make_person, demo_community, wechat_sub_mchid=SUB_MCHID)
    openid = f"o-{uuid.uuid4().hex[:24]}"
    resident = await _wechat_resident(make_person, demo_community, openid)
    order_id, reference, notification = await _book_and_pay(api, wechatpay, setup, resident, openid)
    assert (await _deliver(api, notification)).status_code == 200

    async def mine(run) -> set:
        found = await ReconciliationDifference.filter(run_id=run.id, reference__in=[reference, planted])
        return {(d.kind, d.reference, d.ours_fen, d.theirs_fen) for d in found}

    planted = "P-only-wechat-knows-it-0002"
    assert await mine(await reconcile("WECHAT", today())) == set()  # the bill agrees with the ledger
    amount = (await Order.get(id=order_id)).amount_fen
    for line in [{"kind": "CHARGE", "out_trade_no": reference, "amount_fen": amount - 1},
                 {"kind": "CHARGE", "out_trade_no": planted, "amount_fen": 4200}]:
        assert (await wechatpay.http.post("/_standin/bill", json={"bill_date": today().isoformat(), **line})
                ).is_success
    assert await mine(await reconcile("WECHAT", today())) == {
        (DifferenceKind.AMOUNT_MISMATCH, reference, amount, amount - 1),
        (DifferenceKind.MISSING_IN_LEDGER, planted, None, 4200)}
