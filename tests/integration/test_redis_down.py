"""Redis down: the API starts and says so on /readyz; what needs Redis answers SERVICE_UNAVAILABLE
with the request id; what does not keeps working; once a Redis answers on that port, /readyz is 200.

A real API process (uvicorn) on the test database, its Redis URL pointing at a closed port, where
a real redis-server is started later."""

import asyncio
import os
import subprocess
import sys
import tempfile

import httpx
import pytest

from backend.api.contract import client_operations, document_id
from tests.integration.conftest import ROOT, eventually
from tests.stubs.server import free_port

SMS_REQUEST = 'mutation { authSmsCodeRequest(phone: "13800000000") { ok errors { code } } }'


def op(name: str, **variables) -> dict:
    return {"documentId": document_id(client_operations("mini_program")[name]), "variables": variables}


@pytest.fixture
def redis_port():
    port = free_port()
    servers: list[subprocess.Popen] = []

    def start() -> None:
        servers.append(subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", tempfile.gettempdir()], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    yield port, start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def api_process(database, redis_port):
    port, start_redis = redis_port
    api_port = free_port()
    env = os.environ | {"LINLI_REDIS_URL": f"redis://127.0.0.1:{port}/0", "LINLI_LOG_LEVEL": "ERROR"}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "backend.app:create_app", "--port", str(api_port),
         "--log-level", "warning"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield process, f"http://127.0.0.1:{api_port}", start_redis
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
async def api_without_redis(api_process):
    process, base_url, start_redis = api_process
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        async def up():
            try:
                return (await http.get("/healthz")).status_code == 200
            except httpx.TransportError:
                assert process.poll() is None, "the API process exited"
                return False

        await eventually(up, deadline_s=60)
        yield http, start_redis


async def test_the_api_runs_without_redis_and_is_ready_once_redis_answers(api_without_redis):
    http, start_redis = api_without_redis
    ready = await http.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "ok", "redis": "down: ConnectionError"}

    # Signing in, reading as oneself and signing out need only the database (the rate limit
    # fails open; the revoked-session check asks the database while the cache cannot answer).
    tokens = (await http.post("/graphql", json=op("DemoLogin", handle="resident"))).json()
    tokens = tokens["data"]["authDemoLogin"]["tokens"]
    bearer = {"authorization": f"Bearer {tokens['accessToken']}"}
    viewer = (await http.post("/graphql", json=op("Viewer"), headers=bearer)).json()
    assert viewer["data"]["viewer"]["displayName"]

    # What needs Redis (the SMS send limit) is refused with a code and the request id, not a 500.
    refused = await http.post("/graphql", json={"query": SMS_REQUEST}, headers={"x-request-id": "redis-down-1"})
    assert refused.status_code == 200
    error = refused.json()["errors"][0]
    assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "requestId": "redis-down-1"}
    assert error["message"] == "服务暂时不可用，请稍后再试"

    logout = await http.post("/graphql", json=op("Logout", refreshToken=tokens["refreshToken"]), headers=bearer)
    assert logout.json()["data"]["authLogout"]["ok"] is True
    after = (await http.post("/graphql", json=op("Viewer"), headers=bearer)).json()
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    start_redis()

    async def ready_now():
        return (await http.get("/readyz")).status_code == 200

    await eventually(ready_now)
    sent = (await http.post("/graphql", json={"query": SMS_REQUEST})).json()
    assert sent == {"data": {"authSmsCodeRequest": {"ok": True, "errors": []}}}


async def test_a_subscription_without_redis_is_refused_with_a_code(app, api, redis_port):
    """The live unread badge needs Redis: without it the subscription answers SERVICE_UNAVAILABLE."""
    from httpx_ws import aconnect_ws
    from httpx_ws.transport import ASGIWebSocketTransport

    from backend.core import runtime as runtime_module
    from backend.core.settings import get_settings

    port, _ = redis_port
    tokens = await api.sign_in("resident")
    healthy = runtime_module.runtime()
    down = runtime_module.build_runtime(get_settings().model_copy(update={"redis_url": f"redis://127.0.0.1:{port}/0"}))
    runtime_module._current = down
    try:
        async with (
            httpx.AsyncClient(transport=ASGIWebSocketTransport(app), base_url="http://test") as client,
            aconnect_ws("/graphql", client, subprotocols=["graphql-transport-ws"]) as ws,
        ):
            await ws.send_json({"type": "connection_init",
                                "payload": {"authorization": f"Bearer {tokens['accessToken']}"}})
            assert (await ws.receive_json())["type"] == "connection_ack"
            await ws.send_json({"id": "u", "type": "subscribe",
                                "payload": {"query": "subscription { unreadNoticeCount }"}})
            first = await asyncio.wait_for(ws.receive_json(), 20)  # the count now, from the database
            second = await asyncio.wait_for(ws.receive_json(), 20)  # then why no update will come
    finally:
        runtime_module._current = healthy
        await down.close()
    assert isinstance(first["payload"]["data"]["unreadNoticeCount"], int)
    assert second["type"] == "next"
    assert second["payload"]["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
