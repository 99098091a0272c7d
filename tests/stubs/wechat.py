"""A local HTTP server speaking the documented WeChat mini-program server API, standing in for
api.weixin.qq.com (unreachable offline): code2session, stable_token, getuserphonenumber and
subscribe-message send, with their documented error codes. Codes starting with "bad", "busy" and
"risky" answer 40029, 45011 and 40226."""

import asyncio
import hashlib
import time

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.stubs.server import serve_in_thread

APPID, SECRET = "wx-test-app", "wx-test-secret"
ERRORS = {"bad": (40029, "invalid code"), "busy": (45011, "api minute-quota reach limit"),
          "risky": (40226, "high risk user")}


class WechatStub:
    def __init__(self) -> None:
        self.phones: dict[str, str] = {}  # getPhoneNumber code -> phone
        self.token_calls = 0
        self.current_token: str | None = None
        self.subscribe_sent: list[dict] = []  # accepted subscribe messages
        self.refused: set[str] = set()  # openids answering 43101 (user refused / no subscription)
        self.app = Starlette(routes=[
            Route("/sns/jscode2session", self.code2session),
            Route("/cgi-bin/stable_token", self.stable_token, methods=["POST"]),
            Route("/wxa/business/getuserphonenumber", self.phone_number, methods=["POST"]),
            Route("/cgi-bin/message/subscribe/send", self.subscribe_send, methods=["POST"]),
        ])

    @staticmethod
    def _error(code: str) -> JSONResponse | None:
        for prefix, (errcode, errmsg) in ERRORS.items():
            if code.startswith(prefix):
                return JSONResponse({"errcode": errcode, "errmsg": errmsg})
        return None

    async def code2session(self, request: Request) -> JSONResponse:
        q = request.query_params
        if (q.get("appid"), q.get("secret"), q.get("grant_type")) != (APPID, SECRET, "authorization_code"):
            return JSONResponse({"errcode": 40013, "errmsg": "invalid appid"})
        code = q.get("js_code", "")
        if error := self._error(code):
            return error
        # The same WeChat user (a code's part before "#") always has the same openid.
        user = code.split("#")[0]
        return JSONResponse({"openid": "o" + hashlib.sha256(user.encode()).hexdigest()[:27],
                             "session_key": hashlib.sha256(code.encode()).hexdigest()[:24]})

    async def stable_token(self, request: Request) -> JSONResponse:
        body = await request.json()
        if (body.get("appid"), body.get("secret")) != (APPID, SECRET):
            return JSONResponse({"errcode": 40013, "errmsg": "invalid appid"})
        self.token_calls += 1
        await asyncio.sleep(0.05)  # a slow upstream widens the window in which refreshers could pile up
        self.current_token = f"token-{self.token_calls}"
        return JSONResponse({"access_token": self.current_token, "expires_in": 7200})

    async def phone_number(self, request: Request) -> JSONResponse:
        if request.query_params.get("access_token") != self.current_token:
            return JSONResponse({"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"})
        code = (await request.json()).get("code", "")
        if error := self._error(code):
            return error
        phone = self.phones.get(code)
        if phone is None:
            return JSONResponse({"errcode": 40029, "errmsg": "invalid code"})
        return JSONResponse({"errcode": 0, "errmsg": "ok", "phone_info": {
            "phoneNumber": phone, "purePhoneNumber": phone, "countryCode": "86",
            "watermark": {"timestamp": int(time.time()), "appid": APPID}}})

    async def subscribe_send(self, request: Request) -> JSONResponse:
        if request.query_params.get("access_token") != self.current_token:
            return JSONResponse({"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"})
        body = await request.json()
        if not body.get("touser") or not body.get("template_id") or not isinstance(body.get("data"), dict):
            return JSONResponse({"errcode": 47003, "errmsg": "argument invalid!"})
        if body["touser"] in self.refused:
            return JSONResponse({"errcode": 43101, "errmsg": "user refuse to accept the msg"})
        self.subscribe_sent.append(body)
        return JSONResponse({"errcode": 0, "errmsg": "ok", "msgid": 1000 + len(self.subscribe_sent)})

    def serve(self) -> tuple[str, "uvicorn.Server"]:
        return serve_in_thread(self.app)
