"""The baseline: a hand-written Starlette + asyncpg endpoint answering the mini-program's Feed
operation with the same JSON, skipping GraphQL and the ORM. What the platform costs on top of it is
the price of its abstractions."""

import json
import os
from contextlib import asynccontextmanager

import asyncpg
import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from backend.core.pagination import encode_cursor
from backend.core.settings import get_settings

VISIBLE = """FROM notice_recipient r JOIN notice n ON n.id = r.notice_id
WHERE r.person_id = $1 AND n.state = 'PUBLISHED' AND (n.expires_at IS NULL OR n.expires_at >= now())"""
ITEMS = f"SELECT r.id AS rid, n.id, n.title, n.category, n.importance, n.published_at, r.read_at {VISIBLE}"
PINNED = f"{ITEMS} AND n.pinned ORDER BY r.id DESC LIMIT 10"
LATEST = f"{ITEMS} AND NOT n.pinned ORDER BY r.id DESC LIMIT $2"
UNREAD = f"SELECT count(*) {VISIBLE} AND r.read_at IS NULL"


def _item(row) -> dict:
    return {"id": str(row["id"]), "title": row["title"], "category": row["category"],
            "importance": row["importance"], "publishedAt": row["published_at"].isoformat(),
            "readAt": row["read_at"].isoformat() if row["read_at"] else None}


async def feed(request: Request) -> Response:
    token = request.headers["authorization"].removeprefix("Bearer ")
    person = jwt.decode(token, get_settings().token_signing_key, algorithms=["HS256"])["sub"]
    first = (await request.json())["variables"]["first"]
    async with request.app.state.pool.acquire() as db:
        pinned = await db.fetch(PINNED, person)
        latest = await db.fetch(LATEST, person, first + 1)
        unread = await db.fetchval(UNREAD, person)
    page = latest[:first]
    body = {"data": {"feed": {
        "pinned": [_item(r) for r in pinned],
        "latest": {"nodes": [_item(r) for r in page], "pageInfo": {
            "hasNextPage": len(latest) > first, "endCursor": encode_cursor(page[-1]["rid"]) if page else None}},
        "unreadCount": unread,
    }}}
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json")


@asynccontextmanager
async def lifespan(app: Starlette):
    app.state.pool = await asyncpg.create_pool(os.environ["LINLI_DATABASE_URL"], min_size=2, max_size=10)
    yield
    await app.state.pool.close()


app = Starlette(routes=[Route("/graphql", feed, methods=["POST"])], lifespan=lifespan)
