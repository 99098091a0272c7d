"""A local HTTP server standing in for WeChat Pay API v3 in partner (服务商) mode
(api.mch.weixin.qq.com, unreachable offline), speaking its documented contract for what the platform
uses:

    POST /v3/pay/partner/transactions/jsapi                 JSAPI prepay → {"prepay_id"}
    GET  /v3/pay/partner/transactions/out-trade-no/{no}     ?sp_mchid=&sub_mchid= → the order
    POST /v3/refund/domestic/refunds                        a refund → {"refund_id", "status": "PROCESSING", …}
    POST /v3/profitsharing/receivers/add                    the platform as a receiver of a sub-merchant
    POST /v3/profitsharing/orders                           分账 → {"order_id", "state": "FINISHED", …}
    POST /v3/profitsharing/orders/unfreeze                  解冻剩余资金
    GET  /v3/bill/tradebill       ?bill_date=&bill_type=ALL&tar_type=GZIP → {"download_url", "hash_value"}
    GET  /v3/billdownload/file    ?token= → the gzipped trade bill (CSV, values prefixed "`")

Every request must carry `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",
signature="…",timestamp="…",serial_no="…"`, the signature (SHA256withRSA over "METHOD\\nPATH?QUERY\\n
TIMESTAMP\\nNONCE\\nBODY\\n") checked with the merchant's public key (401 SIGN_ERROR otherwise). Every
answer is signed like WeChat Pay's: Wechatpay-Timestamp / -Nonce / -Signature / -Serial /
-Signature-Type, SHA256withRSA over "TIMESTAMP\\nNONCE\\nBODY\\n" with the platform private key (the
public-key mode, Wechatpay-Serial = the platform public key id).

Orders, refunds, receivers, shares and the bill are kept in memory. Test-only endpoints (/_standin/…)
pay an order, finish a refund and plant a line in a day's trade bill; paying and finishing return the
notification WeChat Pay would POST to the notify_url — {"event_type", "resource": AEAD_AES_256_GCM
under the APIv3 key, …} with signed headers — for the test to post to the app."""

import base64
import gzip
import hashlib
import itertools
import json
import re
import secrets
import time
import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.stubs.server import serve_in_thread

SHANGHAI = ZoneInfo("Asia/Shanghai")
SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
OUT_NO = re.compile(r"^[0-9A-Za-z_\-|*@]{6,32}$")
BILL_HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
               "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,"
               "商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注")
REFUND_ENDS = {"SUCCESS": "退款成功", "ABNORMAL": "退款异常", "CLOSED": "退款关闭"}
BILL_TOTALS = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"


def rsa_keypair() -> tuple[str, str]:
    """A 2048-bit RSA key pair as WeChat Pay uses them: the private key PKCS#8 PEM, the public key PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def rsa_sign(private_pem: str, message: str) -> str:
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return base64.b64encode(key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_verify(public_pem: str, message: str, signature: str) -> bool:
    key = serialization.load_pem_public_key(public_pem.encode())
    try:
        key.verify(base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def signed_headers(private_pem: str, serial: str, body: str, *, timestamp: int | None = None) -> dict[str, str]:
    """The headers WeChat Pay signs an answer or a notification with."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    nonce = secrets.token_hex(16).upper()
    return {"Wechatpay-Timestamp": str(timestamp), "Wechatpay-Nonce": nonce, "Wechatpay-Serial": serial,
            "Wechatpay-Signature-Type": SIGNATURE_TYPE,
            "Wechatpay-Signature": rsa_sign(private_pem, f"{timestamp}\n{nonce}\n{body}\n")}


def seal(apiv3_key: str, plaintext: dict, associated_data: str) -> dict:
    """A notification's resource: AEAD_AES_256_GCM under the APIv3 key, a 12-character nonce."""
    nonce = secrets.token_hex(6)
    ciphertext = AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), json.dumps(plaintext, ensure_ascii=False).encode(),
                                                    associated_data.encode())
    return {"original_type": associated_data, "algorithm": "AEAD_AES_256_GCM", "associated_data": associated_data,
            "nonce": nonce, "ciphertext": base64.b64encode(ciphertext).decode()}


def _shanghai(at: datetime) -> str:
    return at.astimezone(SHANGHAI).isoformat(timespec="seconds")


def _yuan(fen: int) -> str:
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


class WechatPayStub:
    def __init__(self, *, sp_mchid: str, sp_appid: str, merchant_serial: str, merchant_public_key: str,
                 apiv3_key: str, platform_private_key: str, platform_public_key_id: str, fee_bp: int = 60) -> None:
        self.sp_mchid, self.sp_appid, self.apiv3_key, self.fee_bp = sp_mchid, sp_appid, apiv3_key, fee_bp
        self.merchant_serial, self.merchant_public_key = merchant_serial, merchant_public_key
        self.platform_private_key, self.platform_public_key_id = platform_private_key, platform_public_key_id
        self.sign_answers_with = platform_private_key  # a test may make the stand-in sign with another key
        self.max_ratio_bp = 3000  # the share of a charge a sub-merchant lets the platform take (30 %)
        self.orders: dict[str, dict] = {}  # out_trade_no -> the prepay request, its prepay_id, its state
        self.refunds: dict[str, dict] = {}  # out_refund_no -> the refund
        self.receivers: dict[str, dict[str, dict]] = {}  # sub_mchid -> account -> the receiver added
        self.shares: dict[str, dict] = {}  # out_order_no -> the profit-sharing (or unfreeze) order
        self.planted: dict[str, list[dict]] = {}  # bill_date -> lines planted in the trade bill
        self.requests: list[tuple[str, str, dict | None]] = []  # every authenticated request: method, path, body
        self._bills: dict[str, bytes] = {}  # download token -> the gzipped bill
        self._ids = itertools.count(1)
        self.base = ""
        self.app = Starlette(routes=[
            Route("/v3/pay/partner/transactions/jsapi", self.prepay, methods=["POST"]),
            Route("/v3/pay/partner/transactions/out-trade-no/{out_trade_no}", self.query, methods=["GET"]),
            Route("/v3/refund/domestic/refunds", self.refund, methods=["POST"]),
            Route("/v3/profitsharing/receivers/add", self.add_receiver, methods=["POST"]),
            Route("/v3/profitsharing/orders", self.share, methods=["POST"]),
            Route("/v3/profitsharing/orders/unfreeze", self.unfreeze, methods=["POST"]),
            Route("/v3/bill/tradebill", self.trade_bill, methods=["GET"]),
            Route("/v3/billdownload/file", self.bill_file, methods=["GET"]),
            Route("/_standin/transactions/{out_trade_no}/pay", self.standin_pay, methods=["POST"]),
            Route("/_standin/refunds/{out_refund_no}/finish", self.standin_finish_refund, methods=["POST"]),
            Route("/_standin/bill", self.standin_plant, methods=["POST"]),
        ])

    def serve(self):
        self.base, server = serve_in_thread(self.app)
        return self.base, server

    # ---- signing ------------------------------------------------------------------------------------

    def _answer(self, payload: dict, status: int = 200) -> Response:
        body = json.dumps(payload, ensure_ascii=False)
        return Response(body, status_code=status, media_type="application/json; charset=utf-8",
                        headers=signed_headers(self.sign_answers_with, self.platform_public_key_id, body))

    def _error(self, status: int, code: str, message: str) -> Response:
        return self._answer({"code": code, "message": message}, status)

    async def _authenticated(self, request: Request) -> tuple[dict | None, Response | None]:
        """The request's JSON body once its merchant signature verifies, or the 401 WeChat Pay answers."""
        raw = (await request.body()).decode()
        fields = dict(re.findall(r'(\w+)="([^"]*)"', request.headers.get("authorization", "")))
        path = request.scope["raw_path"].decode()
        if request.scope["query_string"]:
            path += "?" + request.scope["query_string"].decode()
        message = f"{request.method}\n{path}\n{fields.get('timestamp')}\n{fields.get('nonce_str')}\n{raw}\n"
        if (not request.headers.get("authorization", "").startswith(SIGNATURE_TYPE + " ")
                or fields.get("mchid") != self.sp_mchid or fields.get("serial_no") != self.merchant_serial
                or not fields.get("timestamp", "").isdigit() or abs(time.time() - int(fields["timestamp"])) > 300
                or not rsa_verify(self.merchant_public_key, message, fields.get("signature", ""))):
            return None, self._error(401, "SIGN_ERROR", "签名错误")
        body = json.loads(raw) if raw else None
        self.requests.append((request.method, path, body))
        return body or {}, None

    def notification(self, event_type: str, summary: str, resource: dict, original_type: str) -> dict:
        """What WeChat Pay POSTs to a notify_url: {"headers", "body"} (the body as sent, a string)."""
        body = json.dumps({"id": str(uuid.uuid4()), "create_time": _shanghai(datetime.now(UTC)),
                           "resource_type": "encrypt-resource", "event_type": event_type, "summary": summary,
                           "resource": seal(self.apiv3_key, resource, original_type)}, ensure_ascii=False)
        return {"headers": signed_headers(self.platform_private_key, self.platform_public_key_id, body), "body": body}

    # ---- the API ------------------------------------------------------------------------------------

    async def prepay(self, request: Request) -> Response:
        body, refused = await self._authenticated(request)
        if refused:
            return refused
        amount, payer = body.get("amount") or {}, body.get("payer") or {}
        problems = [name for name, ok in [
            ("sp_appid", body.get("sp_appid") == self.sp_appid), ("sp_mchid", body.get("sp_mchid") == self.sp_mchid),
            ("sub_mchid", bool(body.get("sub_mchid"))), ("description", 0 < len(body.get("description", "")) <= 127),
            ("out_trade_no", bool(OUT_NO.match(body.get("out_trade_no", "")))),
            ("notify_url", str(body.get("notify_url", "")).startswith(("https://", "http://"))),
            ("amount.total", isinstance(amount.get("total"), int) and amount["total"] > 0),
            ("amount.currency", amount.get("currency", "CNY") == "CNY"),
            ("payer.sp_openid", bool(payer.get("sp_openid"))),
            ("attach", len(body.get("attach", "")) <= 128)] if not ok]
        if problems:
            return self._error(400, "PARAM_ERROR", f"参数错误：{problems[0]}")
        existing = self.orders.get(body["out_trade_no"])
        if existing:
            if existing["trade_state"] == "SUCCESS":
                return self._error(400, "ORDERPAID", "该订单已支付")
            if existing["request"] != body:
                return self._error(400, "INVALID_REQUEST", "201 商户订单号重复")
            return self._answer({"prepay_id": existing["prepay_id"]})
        prepay_id = f"wx{datetime.now(SHANGHAI):%d%H%M%S}{uuid.uuid4().hex[:20]}"
        self.orders[body["out_trade_no"]] = {"request": body, "prepay_id": prepay_id, "trade_state": "NOTPAY",
                                             "transaction_id": None, "success_time": None, "refunded": 0,
                                             "shared": 0, "finished": False}
        return self._answer({"prepay_id": prepay_id})

    def transaction_resource(self, order: dict) -> dict:
        request = order["request"]
        document = {"sp_appid": request["sp_appid"], "sp_mchid": request["sp_mchid"], "sub_mchid": request["sub_mchid"],
                    "out_trade_no": request["out_trade_no"], "trade_type": "JSAPI", "trade_state": order["trade_state"],
                    "trade_state_desc": "支付成功" if order["trade_state"] == "SUCCESS" else "订单未支付",
                    "attach": request.get("attach", ""), "payer": {"sp_openid": request["payer"]["sp_openid"]},
                    "amount": {"total": request["amount"]["total"], "currency": "CNY"}}
        if order["trade_state"] == "SUCCESS":
            document |= {"transaction_id": order["transaction_id"], "bank_type": "OTHERS",
                         "success_time": _shanghai(order["success_time"])}
            document["amount"] |= {"payer_total": request["amount"]["total"], "payer_currency": "CNY"}
        return document

    async def query(self, request: Request) -> Response:
        _, refused = await self._authenticated(request)
        if refused:
            return refused
        order = self.orders.get(request.path_params["out_trade_no"])
        q = request.query_params
        if (order is None or q.get("sp_mchid") != self.sp_mchid
                or q.get("sub_mchid") != order["request"]["sub_mchid"]):
            return self._error(404, "ORDER_NOT_EXIST", "订单不存在")
        return self._answer(self.transaction_resource(order))

    async def refund(self, request: Request) -> Response:
        body, refused = await self._authenticated(request)
        if refused:
            return refused
        order = self.orders.get(body.get("out_trade_no", ""))
        if order is None or order["request"]["sub_mchid"] != body.get("sub_mchid"):
            return self._error(404, "RESOURCE_NOT_EXISTS", "订单不存在")
        if not OUT_NO.match(body.get("out_refund_no", "")):
            return self._error(400, "PARAM_ERROR", "参数错误：out_refund_no")
        if existing := self.refunds.get(body["out_refund_no"]):
            return self._answer(existing["answer"])
        amount = body.get("amount") or {}
        total = order["request"]["amount"]["total"]
        if order["trade_state"] != "SUCCESS":
            return self._error(400, "INVALID_REQUEST", "订单未支付")
        if amount.get("total") != total or amount.get("currency") != "CNY":
            return self._error(400, "PARAM_ERROR", "订单金额或币种信息不一致")
        if not isinstance(amount.get("refund"), int) or not 0 < amount["refund"] <= total - order["refunded"]:
            return self._error(400, "INVALID_REQUEST", "申请退款金额超过订单可退金额")
        order["refunded"] += amount["refund"]
        answer = {"refund_id": f"5030{next(self._ids):024d}", "out_refund_no": body["out_refund_no"],
                  "transaction_id": order["transaction_id"], "out_trade_no": body["out_trade_no"],
                  "channel": "ORIGINAL",
                  "user_received_account": "支付用户零钱", "create_time": _shanghai(datetime.now(UTC)),
                  "status": "PROCESSING",
                  "amount": {"total": total, "refund": amount["refund"], "payer_total": total,
                             "payer_refund": amount["refund"], "currency": "CNY"}}
        self.refunds[body["out_refund_no"]] = {"request": body, "answer": answer, "success_time": None}
        return self._answer(answer)

    async def add_receiver(self, request: Request) -> Response:
        body, refused = await self._authenticated(request)
        if refused:
            return refused
        if (body.get("type") not in {"MERCHANT_ID", "PERSONAL_OPENID"} or not body.get("account")
                or not body.get("relation_type") or not body.get("sub_mchid") or body.get("appid") != self.sp_appid):
            return self._error(400, "PARAM_ERROR", "参数错误")
        # A name is sealed with the platform public key (only WeChat Pay reads it): it names that key.
        if body.get("name") and request.headers.get("wechatpay-serial") != self.platform_public_key_id:
            return self._error(400, "PARAM_ERROR", "Wechatpay-Serial 与加密所用的平台公钥不符")
        receiver = {k: body[k] for k in ("sub_mchid", "type", "account", "relation_type")}
        self.receivers.setdefault(body["sub_mchid"], {})[body["account"]] = receiver | {"name": body.get("name")}
        return self._answer(receiver)

    def _paid_order(self, body: dict) -> dict | None:
        for order in self.orders.values():
            if order["transaction_id"] == body.get("transaction_id") \
                    and order["request"]["sub_mchid"] == body.get("sub_mchid"):
                return order
        return None

    async def share(self, request: Request) -> Response:
        body, refused = await self._authenticated(request)
        if refused:
            return refused
        if existing := self.shares.get(body.get("out_order_no", "")):
            return self._answer(existing["answer"])
        order = self._paid_order(body)
        if order is None:
            return self._error(404, "RESOURCE_NOT_EXISTS", "记录不存在")
        receivers = body.get("receivers") or []
        added = self.receivers.get(body["sub_mchid"], {})
        total = order["request"]["amount"]["total"]
        amount = sum(r.get("amount", 0) for r in receivers)
        if not order["request"].get("settle_info", {}).get("profit_sharing"):
            return self._error(400, "INVALID_REQUEST", "该笔订单不支持分账")
        if order["finished"]:
            return self._error(400, "INVALID_REQUEST", "该笔订单已完成分账")
        if not receivers or any(r.get("account") not in added or r.get("type") != added[r["account"]]["type"]
                                for r in receivers):
            return self._error(400, "INVALID_REQUEST", "分账接收方未添加")
        if any(not isinstance(r.get("amount"), int) or r["amount"] <= 0 for r in receivers) \
                or not isinstance(body.get("unfreeze_unsplit"), bool):
            return self._error(400, "PARAM_ERROR", "参数错误")
        if amount > total - order["refunded"] - order["shared"] or amount * 10000 > total * self.max_ratio_bp:
            return self._error(400, "INVALID_REQUEST", "分账金额超出最大分账比例或剩余可分金额")
        order["shared"] += amount
        order["finished"] = body["unfreeze_unsplit"]
        now = _shanghai(datetime.now(UTC))
        answer = {"sub_mchid": body["sub_mchid"], "transaction_id": body["transaction_id"],
                  "out_order_no": body["out_order_no"], "order_id": f"3008{next(self._ids):024d}", "state": "FINISHED",
                  "receivers": [r | {"result": "SUCCESS", "create_time": now, "finish_time": now,
                                     "detail_id": f"3600{next(self._ids):024d}"} for r in receivers]}
        self.shares[body["out_order_no"]] = {"request": body, "answer": answer}
        return self._answer(answer)

    async def unfreeze(self, request: Request) -> Response:
        body, refused = await self._authenticated(request)
        if refused:
            return refused
        if existing := self.shares.get(body.get("out_order_no", "")):
            return self._answer(existing["answer"])
        order = self._paid_order(body)
        if order is None:
            return self._error(404, "RESOURCE_NOT_EXISTS", "记录不存在")
        if order["finished"]:
            return self._error(400, "INVALID_REQUEST", "该笔订单已完成分账")
        order["finished"] = True
        answer = {"sub_mchid": body["sub_mchid"], "transaction_id": body["transaction_id"],
                  "out_order_no": body["out_order_no"], "order_id": f"3008{next(self._ids):024d}", "state": "FINISHED",
                  "receivers": []}
        self.shares[body["out_order_no"]] = {"request": body, "answer": answer}
        return self._answer(answer)

    # ---- the trade bill -----------------------------------------------------------------------------

    def bill_lines(self, bill_date: str) -> list[dict]:
        """The day's charges and refunds (Shanghai time), with the planted lines over them."""
        day = date.fromisoformat(bill_date)
        lines = []
        for order in self.orders.values():
            if order["success_time"] and order["success_time"].astimezone(SHANGHAI).date() == day:
                request = order["request"]
                lines.append({"kind": "CHARGE", "out_trade_no": request["out_trade_no"],
                              "amount_fen": request["amount"]["total"], "attach": request.get("attach", ""),
                              "sub_mchid": request["sub_mchid"], "transaction_id": order["transaction_id"],
                              "openid": request["payer"]["sp_openid"], "description": request["description"],
                              "at": order["success_time"], "state": "SUCCESS"})
        for refund in self.refunds.values():
            if refund["success_time"] and refund["success_time"].astimezone(SHANGHAI).date() == day:
                answer = refund["answer"]
                order = self.orders[answer["out_trade_no"]]
                lines.append({"kind": "REFUND", "out_trade_no": answer["out_trade_no"],
                              "out_refund_no": answer["out_refund_no"], "refund_id": answer["refund_id"],
                              "amount_fen": answer["amount"]["refund"], "attach": order["request"].get("attach", ""),
                              "sub_mchid": order["request"]["sub_mchid"], "transaction_id": order["transaction_id"],
                              "openid": order["request"]["payer"]["sp_openid"],
                              "description": order["request"]["description"], "at": refund["success_time"],
                              "state": answer["status"]})
        for planted in self.planted.get(bill_date, []):
            number = "out_refund_no" if planted["kind"] == "REFUND" else "out_trade_no"
            same = [line for line in lines if line["kind"] == planted["kind"] and line.get(number) == planted[number]]
            if same:  # a changed line: WeChat's record differs from ours
                same[0].update(planted)
            else:  # a line we have no record of
                lines.append({"sub_mchid": "1900000109", "transaction_id": f"4200{next(self._ids):024d}",
                              "openid": "o-planted", "description": "planted", "attach": "", "state": "SUCCESS",
                              "at": datetime.combine(day, datetime.min.time(), SHANGHAI).replace(hour=12)} | planted)
        return lines

    def _bill_csv(self, lines: list[dict]) -> str:
        rows, totals = [BILL_HEADER], {"charges": 0, "refunds": 0, "fees": 0}
        for line in lines:
            refund = line["kind"] == "REFUND"
            fee = -(line["amount_fen"] * self.fee_bp + 5000) // 10000 if refund else \
                (line["amount_fen"] * self.fee_bp + 5000) // 10000
            totals["refunds" if refund else "charges"] += line["amount_fen"]
            totals["fees"] += fee
            values = [line["at"].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"), self.sp_appid, self.sp_mchid,
                      line["sub_mchid"], "", line["transaction_id"], line["out_trade_no"], line["openid"], "JSAPI",
                      "REFUND" if refund else line["state"], "OTHERS", "CNY",
                      _yuan(0 if refund else line["amount_fen"]), "0.00", line.get("refund_id", "0") if refund else "0",
                      line.get("out_refund_no", "0") if refund else "0", _yuan(line["amount_fen"] if refund else 0),
                      "0.00", "ORIGINAL" if refund else "", line["state"] if refund else "", line["description"],
                      line["attach"], _yuan(fee), f"{self.fee_bp / 100:.2f}%",
                      _yuan(0 if refund else line["amount_fen"]), _yuan(line["amount_fen"] if refund else 0), ""]
            rows.append(",".join("`" + v for v in values))
        rows.append(BILL_TOTALS)
        rows.append(",".join("`" + v for v in [str(len(lines)), _yuan(totals["charges"]), _yuan(totals["refunds"]),
                                               "0.00", _yuan(totals["fees"]), _yuan(totals["charges"]),
                                               _yuan(totals["refunds"])]))
        return "\n".join(rows) + "\n"

    async def trade_bill(self, request: Request) -> Response:
        _, refused = await self._authenticated(request)
        if refused:
            return refused
        q = request.query_params
        if q.get("bill_type", "ALL") != "ALL" or q.get("tar_type") not in {None, "GZIP"}:
            return self._error(400, "PARAM_ERROR", "参数错误")
        lines = self.bill_lines(q.get("bill_date", ""))
        if q.get("sub_mchid"):
            lines = [line for line in lines if line["sub_mchid"] == q["sub_mchid"]]
        if not lines:
            return self._error(400, "NO_STATEMENT_EXIST", "账单文件不存在")
        content = self._bill_csv(lines).encode()
        if q.get("tar_type") == "GZIP":
            content = gzip.compress(content)
        token = secrets.token_urlsafe(16)
        self._bills[token] = content
        digest = hashlib.sha1(content, usedforsecurity=False).hexdigest()
        return self._answer({"hash_type": "SHA1", "hash_value": digest,
                             "download_url": f"{self.base}/v3/billdownload/file?token={token}"})

    async def bill_file(self, request: Request) -> Response:
        _, refused = await self._authenticated(request)
        if refused:
            return refused
        content = self._bills.get(request.query_params.get("token", ""))
        if content is None:
            return self._error(400, "INVALID_REQUEST", "下载地址已过期")
        return Response(content, media_type="application/octet-stream")  # the file itself is not signed

    # ---- test-only ----------------------------------------------------------------------------------

    async def standin_pay(self, request: Request) -> Response:
        """The payer pays: the order succeeds and its TRANSACTION.SUCCESS notification is returned."""
        order = self.orders.get(request.path_params["out_trade_no"])
        if order is None or order["trade_state"] == "SUCCESS":
            return Response(b"no such unpaid order", status_code=404)
        order |= {"trade_state": "SUCCESS", "transaction_id": f"4200{next(self._ids):024d}",
                  "success_time": datetime.now(UTC).replace(microsecond=0)}
        resource = self.transaction_resource(order)
        return self._json(self.notification("TRANSACTION.SUCCESS", "支付成功", resource, "transaction"))

    async def standin_finish_refund(self, request: Request) -> Response:
        """A refund ends: {"status": SUCCESS | ABNORMAL | CLOSED}; its REFUND.* notification is returned."""
        refund = self.refunds.get(request.path_params["out_refund_no"])
        status = (await request.json()).get("status", "SUCCESS")
        if refund is None or refund["answer"]["status"] != "PROCESSING" or status not in REFUND_ENDS:
            return Response(b"no such processing refund", status_code=404)
        order = self.orders[refund["answer"]["out_trade_no"]]
        refund["answer"]["status"] = status
        if status == "SUCCESS":
            refund["success_time"] = datetime.now(UTC).replace(microsecond=0)
        else:
            order["refunded"] -= refund["answer"]["amount"]["refund"]
        answer = refund["answer"]
        resource = {"sp_mchid": self.sp_mchid, "sub_mchid": order["request"]["sub_mchid"],
                    "transaction_id": answer["transaction_id"], "out_trade_no": answer["out_trade_no"],
                    "refund_id": answer["refund_id"], "out_refund_no": answer["out_refund_no"],
                    "refund_status": status, "user_received_account": answer["user_received_account"],
                    "amount": {k: answer["amount"][k] for k in ("total", "refund", "payer_total", "payer_refund")}}
        if refund["success_time"]:
            resource["success_time"] = _shanghai(refund["success_time"])
        return self._json(self.notification(f"REFUND.{status}", REFUND_ENDS[status], resource, "refund"))

    async def standin_plant(self, request: Request) -> Response:
        """Plant a line in a day's trade bill: {"bill_date", "kind": CHARGE | REFUND, "out_trade_no",
        "out_refund_no" (a refund), "amount_fen", "attach"?}. A line of an existing charge or refund
        changes it (an amount WeChat records otherwise); any other is a trade only WeChat knows of."""
        line = await request.json()
        self.planted.setdefault(line.pop("bill_date"), []).append(line)
        return self._json({"planted": True})

    @staticmethod
    def _json(payload: dict) -> Response:
        return Response(json.dumps(payload, ensure_ascii=False), media_type="application/json")
