"""The app on PostgreSQL + Redis, driven over HTTP through its GraphQL contract."""

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from backend.api.contract import client_operations
from backend.app import create_app
from backend.core.clock import clock

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
async def app(database, redis_cleanup):
    application = create_app()
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(autouse=True)
def _reset_clock():
    yield
    clock.reset()


class Api:
    """A client that speaks the contract: operations by name from graphql_schema/operations."""

    def __init__(self, http: httpx.AsyncClient, client: str = "mini_program") -> None:
        self.http, self.client, self.token = http, client, None

    async def post(self, body: dict, token: str | None = None) -> httpx.Response:
        headers = {"authorization": f"Bearer {token or self.token}"} if (token or self.token) else {}
        return await self.http.post("/graphql", json=body, headers=headers)

    async def op(self, name: str, token: str | None = None, **variables) -> dict:
        """Run a client operation by its persisted id; returns the whole GraphQL response."""
        from backend.api.contract import document_id

        document = client_operations(self.client)[name]
        response = await self.post({"documentId": document_id(document), "variables": variables}, token)
        assert response.status_code == 200, response.text
        return response.json()

    async def query(self, query: str, token: str | None = None, **variables) -> dict:
        response = await self.post({"query": query, "variables": variables}, token)
        assert response.status_code == 200, response.text
        return response.json()

    async def sign_in(self, handle: str) -> dict:
        tokens = (await self.op("DemoLogin", handle=handle))["data"]["authDemoLogin"]["tokens"]
        self.token = tokens["accessToken"]
        return tokens


@pytest.fixture
async def api(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as http:
        yield Api(http)


@pytest.fixture
async def console(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as http:
        yield Api(http, client="admin")


@pytest.fixture
def start_worker():
    """Starts real worker processes (`taskiq worker workers.worker:broker`) on the test database."""
    processes: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "taskiq", "worker", "workers.worker:broker", "--workers", "1"],
            cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.kill()
        process.wait()


async def eventually(check, deadline_s: float = 20.0, interval: float = 0.1):
    """Poll `check` (async, returns a truthy value when done) until it passes or the deadline."""
    deadline = time.monotonic() + deadline_s
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not done within {deadline_s}s: last result {result!r}")
        await asyncio.sleep(interval)


@pytest.fixture
async def staff_account(app):
    """A staff member of their own, so lockout tests don't lock the shared demo accounts."""
    import uuid

    from backend.accounts.models import Person, StaffCredential
    from backend.accounts.passwords import hash_password

    username, password = f"staff-{uuid.uuid4().hex[:8]}", "Correct-Horse-9"
    person = await Person.create(display_name="测试员")
    await StaffCredential.create(person=person, username=username, password_hash=hash_password(password))
    return username, password
