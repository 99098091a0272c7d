"""The voting burst's baseline: a hand-written Starlette + asyncpg endpoint answering the mini-program's
BallotCast with Linli's JSON, skipping GraphQL and the ORM. It does what a cast must: the same token
check (signature, expiry and the revoked-session marker in Redis), the caller's entry in the open poll,
the chosen option checked, then the content row and the participation row in one transaction, the
unique entry deciding a retry or a race. Only what SINGLE household polls need (the benchmark's)."""

import hashlib
import json
import os
import secrets
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from uuid import UUID

import asyncpg
from redis.asyncio import BlockingConnectionPool, Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backend.accounts.tokens import read_access_token
from backend.core.db import _reset
from backend.core.errors import AuthenticationError
from backend.core.ids import uuid7
from backend.core.settings import get_settings
from backend.voting.verify_log import tracker_hash

ENTRY = """SELECT v.entry_id, e.headcount, p.state, p.closes_at, p.items
FROM poll_voter v JOIN poll p ON p.id = v.poll_id JOIN poll_entry e ON e.id = v.entry_id
WHERE v.poll_id = $1 AND v.person_id = $2 LIMIT 2"""
CONTENT = """INSERT INTO poll_ballot (id, poll_id, answer, tracker_hash, area_dm2, headcount)
VALUES ($1, $2, $3, $4, 0, $5)"""
PARTICIPATION = """INSERT INTO poll_participation (id, created_at, poll_id, entry_id, channel, cast_by_id, reason,
changes, change_hash, content_id) VALUES ($1, now(), $2, $3, 'ONLINE', $4, '', 0, $5, $6)"""
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _answer(receipt: str | None, entry: UUID | None, error: tuple[str, str, str] | None = None) -> Response:
    errors = [{"code": error[0], "field": error[1], "message": error[2]}] if error else []
    payload = {"receiptCode": receipt, "entryId": str(entry) if entry else None, "errors": errors}
    return Response(json.dumps({"data": {"ballotCast": payload}}, ensure_ascii=False), media_type="application/json")


async def ballot_cast(request: Request) -> Response:
    try:
        person, session = read_access_token(request.headers.get("authorization", "").removeprefix("Bearer "))
    except AuthenticationError:
        return Response('{"errors": [{"message": "UNAUTHENTICATED"}]}', 401, media_type="application/json")
    if await request.app.state.redis.get(f"{request.app.state.prefix}cache:session-revoked:{session}"):
        return Response('{"errors": [{"message": "UNAUTHENTICATED"}]}', 401, media_type="application/json")
    variables = (await request.json())["variables"]
    poll, choices = UUID(variables["pollId"]), sorted(set(variables["ballot"]["choices"]))
    async with request.app.state.pool.acquire() as db:
        rows = await db.fetch(ENTRY, poll, person)
        if len(rows) != 1:
            return _answer(None, None, ("NOT_FOUND", "entryId", "您不在本次投票的选民名单中"))
        entry, headcount, state, closes_at, items = rows[0]
        if state != "OPEN" or closes_at <= datetime.now(UTC):
            return _answer(None, None, ("INVALID_INPUT", "pollId", "投票已截止"))
        if len(choices) != 1 or choices[0] not in {i["key"] for i in json.loads(items)}:
            return _answer(None, None, ("INVALID_INPUT", "choices", "所选选项不在本次投票中"))
        tracker, key = ("".join(secrets.choice(ALPHABET) for _ in range(16)) for _ in range(2))
        content = uuid.uuid4()
        try:
            async with db.transaction():
                await db.execute(CONTENT, content, poll, json.dumps({"choices": choices}),
                                 tracker_hash(str(poll), tracker), headcount)
                await db.execute(PARTICIPATION, uuid7(), poll, entry, person, _digest(key), content)
        except asyncpg.UniqueViolationError:
            return _answer(None, None, ("INVALID_INPUT", "entryId", "您已投票，本次投票不允许改票"))
    code = "-".join((tracker + key)[i:i + 4] for i in range(0, 32, 4))
    return _answer(code, entry)


@asynccontextmanager
async def lifespan(app: Starlette):
    # Linli's pool: as many connections, handed back without asyncpg's reset query (backend/core/db.py).
    app.state.pool = await asyncpg.create_pool(os.environ["LINLI_DATABASE_URL"], min_size=1,
                                               max_size=get_settings().db_pool_size, reset=_reset)
    # Redis's default pool refuses a 101st connection; this one makes the 101st request wait instead.
    app.state.redis = Redis(connection_pool=BlockingConnectionPool.from_url(os.environ["LINLI_REDIS_URL"],
                                                                            max_connections=100))
    app.state.prefix = os.environ["LINLI_REDIS_PREFIX"]
    yield
    await app.state.redis.aclose()
    await app.state.pool.close()


app = Starlette(routes=[Route("/graphql", ballot_cast, methods=["POST"])], lifespan=lifespan)
