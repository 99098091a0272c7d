"""The auth path's caches: each API process keeps the roles and proxies of whoever calls, and a
change made through any process takes effect on the very next request through another. Two apps
built by create_app() stand for two API processes: each has its own cache, both share the
database and Redis."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from backend.app import create_app
from backend.core.runtime import runtime
from backend.registry.models import Room
from tests.integration.conftest import Api

COMMUNITY = "query($c: ID!) { community(id: $c) { id } }"
GRANT = """mutation($a: ID!, $u: DateTime!) { proxyGrant(agentId: $a, scopes: [NOTICE], validUntil: $u) {
  proxy { id } errors { code message } } }"""
REVOKE = "mutation($id: ID!) { proxyRevoke(id: $id) { proxy { id active } errors { code message } } }"
ACTING = "{ viewer { displayName actingFor { displayName } } }"
RESIDENCES = "{ viewer { residences { id } } }"
MOVE_OUT = "mutation($id: ID!) { residenceMoveOut(id: $id) { residenceId errors { code message } } }"


@pytest.fixture
async def two_processes(app):
    """Two API instances (the session's runtime and database, a cache each) and a client of each."""
    clients = [httpx.AsyncClient(transport=httpx.ASGITransport(create_app()), base_url="http://test")
               for _ in range(2)]
    yield [Api(http) for http in clients]
    for http in clients:
        await http.aclose()


async def test_a_proxy_revoked_through_one_process_is_refused_on_the_next_request_through_another(
        two_processes, make_person, demo_community):
    first, second = two_processes
    room = await Room.get(code="CZ-1-2-302")
    principal = await make_person(demo_community.id, ["RESIDENT"], room=room)
    agent = await make_person(demo_community.id, ["RESIDENT"], room=room)
    await first.sign_in(principal.handle)
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    proxy_id = (await first.query(GRANT, a=str(agent.id), u=until))["data"]["proxyGrant"]["proxy"]["id"]

    await second.sign_in(agent.handle)
    second.http.headers["x-acting-for"] = str(principal.id)
    for _ in range(2):  # the second answer comes from the cache
        acting = await second.query(ACTING)
        assert acting["data"]["viewer"]["actingFor"] == {"displayName": principal.display_name}

    revoked = (await first.query(REVOKE, id=proxy_id))["data"]["proxyRevoke"]
    assert revoked["errors"] == [] and revoked["proxy"]["active"] is False
    refused = await second.query(ACTING)
    assert refused["data"]["viewer"] is None, refused
    assert refused["errors"][0]["extensions"]["code"] == "PROXY_INVALID", refused


async def test_a_membership_ended_through_one_process_is_gone_on_the_next_request_through_another(
        two_processes, make_person, demo_community):
    first, second = two_processes
    room = await Room.get(code="CZ-1-2-303")
    resident = await make_person(demo_community.id, ["RESIDENT"], room=room)
    for api in two_processes:
        await api.sign_in(resident.handle)
    for _ in range(2):
        member = await second.query(COMMUNITY, c=str(demo_community.id))
        assert member["data"]["community"] == {"id": str(demo_community.id)}

    residence_id = (await first.query(RESIDENCES))["data"]["viewer"]["residences"][0]["id"]
    moved = (await first.query(MOVE_OUT, id=residence_id))["data"]["residenceMoveOut"]
    assert moved["errors"] == []
    gone = await second.query(COMMUNITY, c=str(demo_community.id))
    assert gone["data"]["community"] is None  # no longer a member: not found


async def test_a_cached_caller_costs_no_membership_query_and_one_redis_round_trip(
        two_processes, make_person, demo_community, sql_statements, monkeypatch):
    api, _ = two_processes
    person = await make_person(demo_community.id, ["RESIDENT"])
    await api.sign_in(person.handle)

    redis = runtime().redis
    round_trips: list[tuple] = []
    this_task = asyncio.current_task()  # requests through the ASGI transport run in this task
    execute = redis.execute_command

    async def counted(*args, **options):
        if asyncio.current_task() is this_task:
            round_trips.append(args[:1])
        return await execute(*args, **options)

    monkeypatch.setattr(redis, "execute_command", counted)
    runs = []
    # The first request starts this process's cache listening, the second fills it, the third and
    # every later one is served from it.
    for _ in range(3):
        round_trips.clear()
        with sql_statements() as statements:
            answer = await api.query(COMMUNITY, c=str(demo_community.id))
        assert answer["data"]["community"] == {"id": str(demo_community.id)}
        runs.append(([s for s in statements if "membership" in s], list(round_trips)))
    (cold_sql, cold_redis), _, (warm_sql, warm_redis) = runs
    assert len(cold_sql) == 1, cold_sql  # the roles, read from the database
    assert warm_sql == [], warm_sql
    assert len(cold_redis) == len(warm_redis) == 1, (cold_redis, warm_redis)  # revoked? + budget, one script
