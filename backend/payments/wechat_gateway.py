"""WeChat Pay v3 in partner (服务商) mode, through the maintained SDK wechatpayv3: the platform is the
service provider (sp_mchid, sp_appid), each provider a sub-merchant (sub_mchid) paid directly, so the
platform never holds a provider's money (no 二清).

- a charge is a JSAPI prepay order of the mini-program with `profit_sharing` set, its funds frozen at
  the sub-merchant until settlement shares the commission to the platform (分账) and releases the rest
  (`unfreeze_unsplit`);
- notifications are verified with the WeChat Pay platform public key and their resource decrypted
  with the APIv3 key (AEAD_AES_256_GCM) by the SDK's `callback`;
- WeChat Pay charges its fee (手续费) to the sub-merchant: `fee_borne_by_platform = False`.

The SDK is synchronous (requests): every call runs in a thread. Its gateway URL is fixed in the SDK,
so `_Client` points it at `settings.wechatpay_api_base` (tests: a local stand-in of the API)."""

import asyncio
import csv
import gzip
import hashlib
import io
import json
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from wechatpayv3 import WeChatPay, WeChatPayType

from backend.core.errors import DomainError, ErrorCode
from backend.core.settings import Settings, get_settings
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

TOLERANCE_S = 300  # a notification signed more than 5 minutes away from now is refused (a replay)
DESCRIPTION_MAX = 127  # WeChat's limit on a prepay order's description
REFUND_STATES = {"SUCCESS": True, "PROCESSING": None, "ABNORMAL": False, "CLOSED": False}
REFUND_EVENTS = {"REFUND.SUCCESS": EventKind.REFUND_SUCCEEDED, "REFUND.ABNORMAL": EventKind.REFUND_FAILED,
                 "REFUND.CLOSED": EventKind.REFUND_FAILED}
SHARE_ACCEPTED = {"PROCESSING", "FINISHED"}
COMMISSION_DESCRIPTION = "平台佣金"


class WechatPayError(Exception):
    """WeChat Pay refused or failed a request (its HTTP status, error code and message)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message

    @property
    def transient(self) -> bool:  # worth retrying: WeChat's own trouble or its rate limit
        return self.status >= 500 or self.status == 429 or self.code in {"SYSTEM_ERROR", "FREQUENCY_LIMITED"}


class _Client(WeChatPay):
    """The SDK's client, its gateway URL set to ours (the SDK has no option for it)."""

    def __init__(self, api_base: str, **options) -> None:
        super().__init__(**options)
        self._core._gate_way = api_base.rstrip("/")


def _number(prefix: str, key: str) -> str:
    """A WeChat order / refund / share number for an idempotency key: 32 characters, the same for the
    same key, so a retry asks WeChat about the same order (it answers the first result)."""
    return prefix + hashlib.sha256(key.encode()).hexdigest()[: 32 - len(prefix)]


def fee_fen(total_fen: int, fee_bp: int) -> int:
    """WeChat Pay's fee on a charge, rounded half up to the fen as WeChat rounds it."""
    return (total_fen * fee_bp + 5000) // 10000


def _fen(yuan: str) -> int:
    return int(Decimal(yuan or "0") * 100)


def _order_id(value) -> UUID | None:
    try:
        return UUID(str(value))
    except ValueError:
        return None


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class _Config:
    settings: Settings
    client: _Client


class WechatGateway:
    name = PaymentGatewayName.WECHAT
    fee_borne_by_platform = False  # WeChat Pay takes its fee from the sub-merchant's part

    def __init__(self) -> None:
        self._config: _Config | None = None
        self._receivers: set[str] = set()  # sub-merchants that already have the platform as a receiver

    # ---- the SDK client, built from the settings in force -------------------------------------------

    def _current(self) -> _Config:
        settings = get_settings()
        if self._config is None or self._config.settings is not settings:
            if not (settings.wechatpay_sp_mchid and settings.wechatpay_private_key and settings.wechatpay_public_key):
                raise DomainError(ErrorCode.NOT_AVAILABLE, "微信支付尚未配置")
            client = _Client(
                settings.wechatpay_api_base, wechatpay_type=WeChatPayType.MINIPROG,
                mchid=settings.wechatpay_sp_mchid, private_key=settings.wechatpay_private_key,
                cert_serial_no=settings.wechatpay_cert_serial_no, appid=settings.wechatpay_sp_appid,
                apiv3_key=settings.wechatpay_apiv3_key, partner_mode=True, timeout=(5, 20),
                notify_url=f"{settings.public_base_url.rstrip('/')}/webhooks/wechat",
                public_key=settings.wechatpay_public_key, public_key_id=settings.wechatpay_public_key_id)
            self._config, self._receivers = _Config(settings, client), set()
        return self._config

    async def _call(self, method: str, /, **params) -> tuple[int, dict | bytes]:
        """One SDK call in a thread; a JSON answer decoded. Raises WechatPayError on a refusal."""
        client = self._current().client
        try:
            status, content = await asyncio.to_thread(getattr(client, method), **params)
        except Exception as error:  # requests' network errors, or an answer whose signature does not verify
            raise WechatPayError(503, "NO_VALID_ANSWER", str(error)) from error
        if isinstance(content, str):
            content = json.loads(content) if content else {}
        if not 200 <= status < 300:
            body = content if isinstance(content, dict) else {}
            raise WechatPayError(status, body.get("code", "HTTP_ERROR"), body.get("message", ""))
        return status, content

    # ---- charge, refund, profit sharing ---------------------------------------------------------------

    async def create_charge(self, request: ChargeRequest) -> ChargeSession:
        sub_mchid = request.payee.wechat_sub_mchid
        if not sub_mchid:
            raise DomainError(ErrorCode.INVALID_INPUT, "该服务商尚未开通微信支付收款")
        if not request.payer_openid:
            raise DomainError(ErrorCode.INVALID_INPUT, "请在微信小程序中登录后支付")
        out_trade_no = _number("P", request.key)
        try:
            _, answer = await self._call(
                "pay", description=request.description[:DESCRIPTION_MAX] or "邻里服务", out_trade_no=out_trade_no,
                amount={"total": request.amount_fen, "currency": "CNY"}, payer={"sp_openid": request.payer_openid},
                attach=str(request.order_id), settle_info={"profit_sharing": True}, sub_mchid=sub_mchid)
        except WechatPayError as error:
            raise DomainError(ErrorCode.NOT_AVAILABLE, f"微信支付下单失败：{error.message or error.code}") from error
        return ChargeSession(reference=out_trade_no, client_params=self._pay_params(answer["prepay_id"]))

    def _pay_params(self, prepay_id: str) -> dict:
        """wx.requestPayment's five parameters, paySign over the sp_appid as the SDK signs it."""
        config = self._current()
        timestamp, nonce, package = str(int(time.time())), uuid.uuid4().hex, f"prepay_id={prepay_id}"
        signature = config.client.sign([config.settings.wechatpay_sp_appid, timestamp, nonce, package])
        return {"timeStamp": timestamp, "nonceStr": nonce, "package": package, "signType": "RSA",
                "paySign": signature}

    async def refund(self, request: RefundRequest) -> RefundResult:
        """A partner refund of `charge_reference`. WeChat answers PROCESSING mostly; its notification
        then says SUCCESS or ABNORMAL. A refusal that a retry cannot change is a failed refund; WeChat's
        own trouble raises (the job retries with the same out_refund_no)."""
        out_refund_no = _number("R", request.key)
        sub_mchid = request.payee.wechat_sub_mchid
        if not sub_mchid:
            raise WechatPayError(400, "SUB_MCHID_UNKNOWN", f"no sub-merchant for order {request.order_id}")
        try:
            _, answer = await self._call(
                "refund", out_refund_no=out_refund_no, out_trade_no=request.charge_reference,
                amount={"refund": request.amount_fen, "total": request.charge_amount_fen, "currency": "CNY"},
                reason=request.reason[:80] or None, sub_mchid=sub_mchid)
        except WechatPayError as error:
            if error.transient:
                raise
            return RefundResult(reference=out_refund_no, succeeded=False)
        return RefundResult(reference=out_refund_no, succeeded=REFUND_STATES.get(answer.get("status")))

    async def share_commission(self, request: ShareRequest) -> bool:
        """分账: the commission to the platform (sp_mchid, added once as a receiver), the rest released
        to the sub-merchant in the same request (`unfreeze_unsplit`). No commission: only the release."""
        config = self._current()
        sub_mchid = request.payee.wechat_sub_mchid
        if not sub_mchid:
            raise DomainError(ErrorCode.INVALID_INPUT, "该服务商尚未开通微信支付收款")
        transaction_id = (await self._transaction(request.charge_reference, sub_mchid))["transaction_id"]
        out_order_no = _number("S", request.key)
        if request.commission_fen <= 0:
            _, answer = await self._call("profitsharing_unfreeze", transaction_id=transaction_id,
                                         out_order_no=out_order_no, description="解冻全部剩余资金",
                                         sub_mchid=sub_mchid)
            return answer.get("state") in SHARE_ACCEPTED
        sp_mchid = config.settings.wechatpay_sp_mchid
        if sub_mchid not in self._receivers:
            # Adding a receiver already there is answered 200 again: safe to repeat after a restart.
            await self._call("profitsharing_add_receiver", account_type="MERCHANT_ID", account=sp_mchid,
                             relation_type="SERVICE_PROVIDER", name=self._sp_name(config.settings) or None,
                             sub_mchid=sub_mchid)
            self._receivers.add(sub_mchid)
        _, answer = await self._call(
            "profitsharing_order", transaction_id=transaction_id, out_order_no=out_order_no,
            receivers=[{"type": "MERCHANT_ID", "account": sp_mchid, "amount": request.commission_fen,
                        "description": COMMISSION_DESCRIPTION}],
            unfreeze_unsplit=True, sub_mchid=sub_mchid)
        return answer.get("state") in SHARE_ACCEPTED

    @staticmethod
    def _sp_name(settings: Settings) -> str:
        # The platform's 商户全称, which WeChat asks for with a MERCHANT_ID receiver.
        return settings.wechatpay_sp_name

    async def _transaction(self, out_trade_no: str, sub_mchid: str) -> dict:
        """The paid order at WeChat, for its transaction_id (分账 names the transaction, not our number)."""
        _, answer = await self._call("query", out_trade_no=out_trade_no, sub_mchid=sub_mchid)
        if answer.get("trade_state") != "SUCCESS":
            raise WechatPayError(400, "ORDER_NOT_PAID", f"订单状态 {answer.get('trade_state')}")
        return answer

    # ---- notifications ------------------------------------------------------------------------------

    def parse_notification(self, headers: dict[str, str], body: bytes) -> list[GatewayEvent]:
        try:
            settings = self._current().settings
        except DomainError as error:  # not configured here: nothing can verify, so nothing is applied
            raise InvalidNotification(error.message) from error
        headers = {k.lower(): v for k, v in headers.items()}
        if headers.get("wechatpay-serial") != settings.wechatpay_public_key_id:
            # Checked first: the SDK would otherwise go and download certificates for an unknown serial.
            raise InvalidNotification("not signed with the WeChat Pay platform key we know")
        try:
            timestamp = int(headers.get("wechatpay-timestamp", ""))
        except ValueError as error:
            raise InvalidNotification("no Wechatpay-Timestamp") from error
        # Wall time, not the injectable clock: the signer is WeChat's real clock.
        if abs(time.time() - timestamp) > TOLERANCE_S:
            raise InvalidNotification("notification timestamp more than 5 minutes off")
        try:
            data = self._current().client.callback(headers, body)
        except Exception as error:  # an unsupported signature type or algorithm, a body that is not JSON
            raise InvalidNotification(f"notification refused: {error}") from error
        if not data or not isinstance(data.get("resource"), dict):
            raise InvalidNotification("signature does not verify or resource does not decrypt")
        try:
            return [self._event(data)]
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidNotification(f"notification resource incomplete: {error}") from error

    def _event(self, data: dict) -> GatewayEvent:
        kind, resource = data.get("event_type", ""), data["resource"]
        common = {"event_id": str(data.get("id", "")), "raw_type": kind,
                  "occurred_at": _when(resource.get("success_time"))}
        if kind == "TRANSACTION.SUCCESS":
            total = int(resource["amount"]["total"])
            return GatewayEvent(kind=EventKind.CHARGE_SUCCEEDED, reference=resource["out_trade_no"],
                                order_id=_order_id(resource.get("attach")), amount_fen=total,
                                gateway_fee_fen=fee_fen(total, self._current().settings.wechatpay_fee_bp), **common)
        if kind in REFUND_EVENTS:
            return GatewayEvent(kind=REFUND_EVENTS[kind], reference=resource["out_refund_no"],
                                charge_reference=resource.get("out_trade_no"),
                                amount_fen=int(resource.get("amount", {}).get("refund", 0)), **common)
        if kind.startswith("PROFITSHARING"):
            return GatewayEvent(kind=EventKind.SHARE_FINISHED, reference=resource.get("out_order_no", ""),
                                amount_fen=int(resource.get("receiver", {}).get("amount", 0)), **common)
        return GatewayEvent(kind=EventKind.IGNORED, reference=resource.get("out_trade_no", ""), **common)

    async def with_fee(self, event: GatewayEvent) -> GatewayEvent:
        return event  # the fee is the contract's rate, already on the charge's event

    def acknowledge(self) -> tuple[int, bytes, str]:
        return 200, json.dumps({"code": "SUCCESS", "message": "成功"}, ensure_ascii=False).encode(), "application/json"

    # ---- reconciliation -------------------------------------------------------------------------------

    async def records(self, day: date) -> list[GatewayRecord]:
        """The trade bill (交易账单, ALL) of a Shanghai day for the service provider and all its
        sub-merchants: its charges and refunds. No trade that day: WeChat has no bill, nothing to compare."""
        try:
            _, bill = await self._call("trade_bill", bill_date=day.isoformat(), bill_type="ALL", tar_type="GZIP")
        except WechatPayError as error:
            if error.code == "NO_STATEMENT_EXIST":
                return []
            raise
        _, content = await self._call("download_bill", url=bill["download_url"])
        if isinstance(content, dict):
            raise WechatPayError(502, "BILL_NOT_FILE", "the bill download answered JSON")
        digest = hashlib.sha1(content, usedforsecurity=False).hexdigest()  # WeChat's integrity check of the file
        if bill.get("hash_type") == "SHA1" and digest != bill.get("hash_value"):
            raise WechatPayError(502, "BILL_HASH_MISMATCH", "the downloaded bill does not match its hash")
        return parse_trade_bill(gzip.decompress(content).decode("utf-8-sig"))


def parse_trade_bill(text: str) -> list[GatewayRecord]:
    """The lines of a trade bill (CSV, each value prefixed with a backquote), up to its totals."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows, [])
    records = []
    for raw in rows:
        if not raw or raw[0].startswith("总"):  # the totals' header: the trades are over
            break
        line = dict(zip(header, (value.lstrip("`") for value in raw), strict=False))
        extra = {"transaction_id": line.get("微信订单号"), "sub_mchid": line.get("特约商户号"),
                 "fee_fen": _fen(line.get("手续费", "0"))}
        order_id = _order_id(line.get("商户数据包"))
        if line.get("交易状态") == "REFUND":
            records.append(GatewayRecord(reference=line["商户退款单号"], kind="REFUND",
                                         amount_fen=_fen(line.get("申请退款金额") or line.get("退款金额")),
                                         succeeded=line.get("退款状态") == "SUCCESS", order_id=order_id,
                                         extra=extra | {"charge_reference": line.get("商户订单号")}))
        else:
            records.append(GatewayRecord(reference=line["商户订单号"], kind="CHARGE",
                                         amount_fen=_fen(line.get("订单金额") or line.get("应结订单金额")),
                                         succeeded=line.get("交易状态") == "SUCCESS", order_id=order_id,
                                         extra=extra))
    return records
