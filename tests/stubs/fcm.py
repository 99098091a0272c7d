"""A local HTTP server speaking the FCM HTTP v1 send contract, standing in for fcm.googleapis.com
(unreachable offline, and firebase-admin cannot be pointed elsewhere):

    POST /v1/projects/{project}/messages:send   Authorization: Bearer <token>
    {"message": {"token", "notification": {"title", "body"}, "data": {...}, "android", "apns"}}
    200 {"name": "projects/{project}/messages/<id>"}
    404 {"error": {"code": 404, "status": "NOT_FOUND", "details": [{"errorCode": "UNREGISTERED"}]}}
    503 {"error": {"code": 503, "status": "UNAVAILABLE", ...}}

Accepted messages are recorded; `unregistered` tokens answer 404 UNREGISTERED, and `unavailable[token]`
answers 503 that many times before accepting. The HTTP version of every request, and the
connection it came on, are recorded too.

It speaks HTTP/2 as FCM does, served by hypercorn. FCM speaks it over TLS (ALPN picks h2); the stand-in
speaks it in the clear with prior knowledge (h2c), so that no certificate has to be made and trusted
for a loopback test: the client's HTTP/2 — one connection, many multiplexed streams — is the same either way.
"""

import itertools

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.stubs.server import Http2Server, serve_http2_in_thread

BEARER = "fcm-test-access-token"


class FcmStub:
    def __init__(self) -> None:
        self.accepted: list[dict] = []
        self.http_versions: list[str] = []  # of every request, in order ("2", "1.1")
        self.connections: set[tuple[str, int]] = set()  # the client ends of the connections they came on
        self.bearer = BEARER  # the access token the stand-in accepts
        self.unregistered: set[str] = set()
        self.unavailable: dict[str, int] = {}
        self._ids = itertools.count(1)
        self.app = Starlette(routes=[Route("/v1/projects/{project}/messages:send", self.send, methods=["POST"])])

    def to(self, token: str) -> list[dict]:
        return [m for m in self.accepted if m["token"] == token]

    @staticmethod
    def _error(code: int, status: str, message: str, fcm_code: str) -> JSONResponse:
        return JSONResponse({"error": {"code": code, "message": message, "status": status, "details": [
            {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": fcm_code}]}},
            status_code=code)

    async def send(self, request: Request) -> JSONResponse:
        self.http_versions.append(request.scope["http_version"])
        self.connections.add(tuple(request.scope["client"]))
        if request.headers.get("authorization") != f"Bearer {self.bearer}":
            return JSONResponse({"error": {"code": 401, "status": "UNAUTHENTICATED",
                                           "message": "Request had invalid authentication credentials."}},
                                status_code=401)
        message = (await request.json()).get("message") or {}
        token = message.get("token")
        if not token or "notification" not in message:
            return self._error(400, "INVALID_ARGUMENT", "The message is invalid", "INVALID_ARGUMENT")
        if token in self.unregistered:
            return self._error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED")
        if self.unavailable.get(token, 0) > 0:
            self.unavailable[token] -= 1
            return self._error(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE")
        self.accepted.append(message)
        project = request.path_params["project"]
        return JSONResponse({"name": f"projects/{project}/messages/{next(self._ids)}"})

    def serve(self, max_streams: int = 100) -> tuple[str, Http2Server]:
        return serve_http2_in_thread(self.app, max_streams)
