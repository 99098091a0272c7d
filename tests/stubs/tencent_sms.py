"""A local HTTP server standing in for Tencent Cloud SMS (sms.tencentcloudapi.com, unreachable
offline), speaking its documented API 3.0 contract for SendSms, version 2021-01-11:

- a POST of JSON to "/", with X-TC-Action / X-TC-Version / X-TC-Timestamp / X-TC-Region headers and
  an `Authorization: TC3-HMAC-SHA256 Credential=<SecretId>/<date>/sms/tc3_request,
  SignedHeaders=content-type;host, Signature=<hex>` header, checked here by the documented signing
  steps (签名方法 v3) with the test's SecretKey;
- errors of the request as a whole: {"Response": {"Error": {"Code", "Message"}, "RequestId"}};
- per number, a SendStatusSet entry whose Code is "Ok" or an error code: numbers in `rate_limited`
  answer LimitExceeded.PhoneNumberThirtySecondLimit, numbers in `incorrect` answer
  InvalidParameterValue.IncorrectPhoneNumber.
"""

import hashlib
import hmac
import json
import re
import uuid
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.stubs.server import serve_in_thread

SECRET_ID, SECRET_KEY = "AKIDlinlitest0000000000000000000000", "linli-test-secret-key-0000000000"
APP_ID, SIGN_NAME = "1400006666", "邻里社区"
TEMPLATES = {"2100001": 2, "2100002": 1}  # template id -> how many parameters it takes
AUTHORIZATION = re.compile(r"^TC3-HMAC-SHA256 Credential=(?P<id>[^/]+)/(?P<date>\d{4}-\d{2}-\d{2})/sms/tc3_request, "
                           r"SignedHeaders=content-type;host, Signature=(?P<signature>[0-9a-f]{64})$")


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def tc3_signature(secret_key: str, *, body: bytes, content_type: str, host: str, timestamp: str, date: str) -> str:
    """Tencent Cloud API 3.0 signature v3, step by step as documented (POST, path /, no query)."""
    canonical = "\n".join(["POST", "/", "", f"content-type:{content_type}\nhost:{host}\n", "content-type;host",
                           hashlib.sha256(body).hexdigest()])
    to_sign = "\n".join(["TC3-HMAC-SHA256", timestamp, f"{date}/sms/tc3_request",
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode(), date), "sms"), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class TencentSmsStub:
    def __init__(self) -> None:
        self.sent: list[dict] = []  # accepted SendSms bodies
        self.rate_limited: set[str] = set()  # "+86..." numbers over their frequency limit
        self.incorrect: set[str] = set()
        self.app = Starlette(routes=[Route("/", self.api, methods=["POST"])])

    @staticmethod
    def _error(code: str, message: str) -> JSONResponse:
        return JSONResponse({"Response": {"Error": {"Code": code, "Message": message},
                                          "RequestId": str(uuid.uuid4())}})

    async def api(self, request: Request) -> JSONResponse:
        h, body = request.headers, await request.body()
        if (h.get("x-tc-action"), h.get("x-tc-version")) != ("SendSms", "2021-01-11") or not h.get("x-tc-region"):
            return self._error("InvalidAction", "only SendSms 2021-01-11 is stood in for")
        auth = AUTHORIZATION.match(h.get("authorization", ""))
        if auth is None:
            return self._error("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
        if auth["id"] != SECRET_ID:
            return self._error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        timestamp = h.get("x-tc-timestamp", "0")
        if datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%d") != auth["date"]:
            return self._error("AuthFailure.SignatureFailure", "The date does not match the timestamp.")
        expected = tc3_signature(SECRET_KEY, body=body, content_type=h.get("content-type", ""), host=h.get("host", ""),
                                 timestamp=timestamp, date=auth["date"])
        if not hmac.compare_digest(expected, auth["signature"]):
            return self._error("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
        params = json.loads(body)
        if params.get("SmsSdkAppId") != APP_ID:
            return self._error("FailedOperation.SmsSdkAppIdVerifyFail", "SmsSdkAppId 校验失败")
        if params.get("SignName") != SIGN_NAME:
            return self._error("FailedOperation.SignatureIncorrectOrUnapproved", "签名未审批或格式错误")
        template = params.get("TemplateId")
        if template not in TEMPLATES or len(params.get("TemplateParamSet") or []) != TEMPLATES[template]:
            return self._error("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配")
        phones = params.get("PhoneNumberSet") or []
        if not phones or not all(re.fullmatch(r"\+\d{6,15}", p) for p in phones):
            return self._error("InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误")
        statuses = [self._status(phone, params.get("SessionContext", "")) for phone in phones]
        if any(s["Code"] == "Ok" for s in statuses):
            self.sent.append(params)
        return JSONResponse({"Response": {"SendStatusSet": statuses, "RequestId": str(uuid.uuid4())}})

    def _status(self, phone: str, context: str) -> dict:
        code, message = "Ok", "send success"
        if phone in self.rate_limited:
            code, message = "LimitExceeded.PhoneNumberThirtySecondLimit", "单个手机号30秒内下发短信条数超过设定的上限"
        elif phone in self.incorrect:
            code, message = "InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误"
        return {"SerialNo": f"2645:{uuid.uuid4().int % 10**20}" if code == "Ok" else "", "PhoneNumber": phone,
                "Fee": 1 if code == "Ok" else 0, "SessionContext": context, "Code": code, "Message": message,
                "IsoCode": "CN"}

    def serve(self):
        return serve_in_thread(self.app)
