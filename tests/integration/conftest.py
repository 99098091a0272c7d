"""The app on PostgreSQL + Redis, driven over HTTP through its GraphQL contract."""

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from contextvars import ContextVar
from pathlib import Path
from types import SimpleNamespace

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

    async def op(self, name: str, /, token: str | None = None, client: str | None = None, **variables) -> dict:
        """Run a client operation by its persisted id; returns the whole GraphQL response."""
        from backend.api.contract import document_id

        document = client_operations(client or self.client)[name]
        response = await self.post({"documentId": document_id(document), "variables": variables}, token)
        assert response.status_code == 200, response.text
        return response.json()

    async def query(self, query: str, token: str | None = None, **variables) -> dict:
        response = await self.post({"query": query, "variables": variables}, token)
        assert response.status_code == 200, response.text
        return response.json()

    async def sign_in(self, handle: str) -> dict:
        # The demo sign-in is the mini-program's; staff use it in tests to skip the password.
        response = await self.op("DemoLogin", client="mini_program", handle=handle)
        tokens = response["data"]["authDemoLogin"]["tokens"]
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


class WorkerProcess:
    """A worker as deployed: `taskiq worker` for the jobs and its twin for the push queue. Each is a
    supervisor with worker children: killing means killing both whole groups."""

    ENTRY_POINTS = ("workers.worker:broker", "workers.push_worker:broker")

    def __init__(self, env: dict) -> None:
        self.processes = [subprocess.Popen(
            [sys.executable, "-m", "taskiq", "worker", entry_point, "--workers", "1"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        ) for entry_point in self.ENTRY_POINTS]

    def kill(self) -> None:
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def start_worker():
    """Starts real worker processes (WorkerProcess.ENTRY_POINTS) on the test database, with settings
    overridden by keyword (fanout_batch=4 -> LINLI_FANOUT_BATCH=4)."""
    workers: list[WorkerProcess] = []

    def start(**settings) -> WorkerProcess:
        env = os.environ | {f"LINLI_{k.upper()}": str(v) for k, v in settings.items()}
        workers.append(WorkerProcess(env))
        return workers[-1]

    yield start
    for worker in workers:
        worker.kill()


async def eventually(check, deadline_s: float = 120.0, interval: float = 0.1):
    """Poll `check` (async, returns a truthy value when done) until it passes or the deadline: a
    failure detector, generous because a loaded machine may take long to start a worker."""
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
    """A staff member of their own, so throttling tests leave the shared demo accounts alone."""
    import uuid

    from backend.accounts.models import StaffCredential
    from backend.accounts.passwords import hash_password
    from backend.people.models import Person

    username, password = f"staff-{uuid.uuid4().hex[:8]}", "Correct-Horse-9"
    person = await Person.create(display_name="测试员")
    await StaffCredential.create(person=person, username=username, password_hash=hash_password(password))
    return username, password


@pytest.fixture
async def demo_community(app):
    from backend.registry.models import Community

    return await Community.get(code="yangguang")


@pytest.fixture
async def make_person(app):
    """Arranges a person with roles in a community (and optionally a home), signed in by handle."""
    return build_person


async def build_person(community_id, roles, *, room=None, phone=None, resident_role="OWNER"):
    import uuid

    from backend.core.clock import clock
    from backend.people.models import Person
    from backend.registry.models import Channel, Household, Membership, PersonRoom

    handle = f"t{uuid.uuid4().hex[:12]}"
    person = Person(display_name=f"测试{handle[-4:]}", handle=handle)
    person.set_phone(phone)
    await person.save()
    household = None
    if room is not None:
        household = await Household.filter(room_id=room.id).first() or await Household.create(
            community_id=community_id, room_id=room.id)
        await PersonRoom.create(community_id=community_id, person=person, room_id=room.id, household=household,
                                role=resident_role, since=clock.now(), channel=Channel.SEED)
    for role in roles:
        await Membership.create(person=person, community_id=community_id, role=role,
                                household_id=household.id if household else None)
    return person


@pytest.fixture
async def other_community(app):
    """A second community with its own committee member and a resident."""
    import uuid

    from backend.registry.models import Building, Community, Estate, Room, Unit

    code = f"other-{uuid.uuid4().hex[:8]}"
    community = await Community.create(name="明月社区", code=code)
    estate = await Estate.create(community=community, name="明月小区")
    building = await Building.create(community=community, estate=estate, name="1栋")
    unit = await Unit.create(community=community, building=building, name="1单元")
    room = await Room.create(community=community, unit=unit, code=f"{code}-101", number="101", floor=1, area_dm2=9000)
    return community, room


@pytest.fixture
async def make_community(app):
    """A community of the test's own, so what it counts is its own: `estates` × `buildings` × `rooms`
    (one unit a building, one household a room; `rooms_of[building.id]`), the buildings dealt round
    `grids` grids. People come from `make_person`."""
    return build_community


async def build_community(*, estates: int = 1, buildings: int = 1, rooms: int = 1, grids: int = 1,
                          name: str = "新建社区") -> SimpleNamespace:
    import uuid

    from backend.registry.models import Building, Community, Estate, Grid, Household, Room, Unit

    code = f"c-{uuid.uuid4().hex[:10]}"
    community = await Community.create(name=f"{name}{code[-4:]}", code=code)
    made = SimpleNamespace(community=community, estates=[], buildings=[], rooms=[], households=[], rooms_of={},
                           grids=[await Grid.create(community=community, name=f"{g + 1}网格") for g in range(grids)])
    for e in range(estates):
        estate = await Estate.create(community=community, name=f"{e + 1}号小区")
        made.estates.append(estate)
        for b in range(buildings):
            grid = made.grids[len(made.buildings) % grids] if grids else None
            building = await Building.create(community=community, estate=estate, grid=grid, name=f"{b + 1}栋")
            made.buildings.append(building)
            unit = await Unit.create(community=community, building=building, name="1单元")
            made.rooms_of[building.id] = []
            for r in range(rooms):
                room = await Room.create(community=community, unit=unit, code=f"{code}-{e}-{b}-{r}",
                                         number=f"{r + 1:02d}01", floor=r + 1, area_dm2=8000)
                made.rooms.append(room)
                made.rooms_of[building.id].append(room)
                made.households.append(await Household.create(community=community, room=room))
    return made


_statements: ContextVar[list[str] | None] = ContextVar("sql_statements", default=None)


@pytest.fixture
def sql_statements(monkeypatch):
    """`with sql_statements() as statements:` collects the SQL the app sends for the requests made
    inside it. A request through the ASGI transport runs in the test's own task, so the collector
    (a context variable) sees its statements and never those of the app's background loops."""
    from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper

    def counted(method):
        async def run(self, query, *args, **kwargs):
            statements = _statements.get()
            if statements is not None:
                statements.append(query)
            return await method(self, query, *args, **kwargs)

        return run

    methods = {AsyncpgDBClient: ("execute_insert", "execute_many", "execute_query", "execute_query_dict",
                                 "execute_script"),
               TransactionWrapper: ("execute_many",)}
    for cls, names in methods.items():
        for name in names:
            monkeypatch.setattr(cls, name, counted(getattr(cls, name)))

    @contextlib.contextmanager
    def collect():
        statements: list[str] = []
        token = _statements.set(statements)
        try:
            yield statements
        finally:
            _statements.reset(token)

    return collect
