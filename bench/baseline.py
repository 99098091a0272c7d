"""The baseline: a hand-written Starlette + asyncpg endpoint answering the mini-program's Feed,
Inbox and Household operations (picked by operationName) with the same JSON, skipping GraphQL, the
ORM and the session checks. What the platform costs on top of it is the price of its abstractions."""

import json
import os
from contextlib import asynccontextmanager
from uuid import UUID

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


INBOX = "SELECT id, kind, title, body, created_at, read_at FROM inbox_message WHERE person_id = $1 ORDER BY id DESC LIMIT $2"
RESIDENCES = """SELECT pr.id, pr.role, pr.since, pr.household_id, e.name || ' ' || b.name || ' ' || u.name || ' ' || ro.number AS address
FROM person_room pr JOIN room ro ON ro.id = pr.room_id JOIN unit u ON u.id = ro.unit_id
  JOIN building b ON b.id = u.building_id JOIN estate e ON e.id = b.estate_id
WHERE pr.person_id = $1 AND pr.until IS NULL ORDER BY pr.since"""
MEMBERS = """SELECT m.id, m.household_id, m.role, p.id AS person_id, p.display_name
FROM person_room m JOIN person p ON p.id = m.person_id
WHERE m.household_id = ANY($1::uuid[]) AND m.until IS NULL ORDER BY m.since"""


def _item(row) -> dict:
    return {"id": str(row["id"]), "title": row["title"], "category": row["category"],
            "importance": row["importance"], "publishedAt": row["published_at"].isoformat(),
            "readAt": row["read_at"].isoformat() if row["read_at"] else None}


def _page(rows, first: int, key: str, item) -> dict:
    page = rows[:first]
    return {"nodes": [item(r) for r in page], "pageInfo": {
        "hasNextPage": len(rows) > first, "endCursor": encode_cursor(page[-1][key]) if page else None}}


async def feed(db, person, variables: dict) -> dict:
    first = variables["first"]
    pinned = await db.fetch(PINNED, person)
    latest = await db.fetch(LATEST, person, first + 1)
    unread = await db.fetchval(UNREAD, person)
    return {"feed": {"pinned": [_item(r) for r in pinned], "latest": _page(latest, first, "rid", _item),
                     "unreadCount": unread}}


def _message(row) -> dict:
    return {"id": str(row["id"]), "kind": row["kind"], "title": row["title"], "body": row["body"],
            "createdAt": row["created_at"].isoformat(), "readAt": row["read_at"].isoformat() if row["read_at"] else None}


async def inbox(db, person, variables: dict) -> dict:
    first = variables["first"]
    rows = await db.fetch(INBOX, person, first + 1)
    return {"viewer": {"inbox": _page(rows, first, "id", _message)}}


async def household(db, person, variables: dict) -> dict:
    residences = await db.fetch(RESIDENCES, person)
    members: dict = {r["household_id"]: [] for r in residences}
    for m in await db.fetch(MEMBERS, list(members)):
        members[m["household_id"]].append({"residenceId": str(m["id"]), "role": m["role"], "person": {
            "id": str(m["person_id"]), "displayName": m["display_name"]}})
    return {"viewer": {
        "id": str(person),
        "residences": [{"id": str(r["id"]), "role": r["role"], "since": r["since"].isoformat(), "address": r["address"],
                        "members": members[r["household_id"]]} for r in residences]}}


OPERATIONS = {"Feed": feed, "Inbox": inbox, "Household": household}


async def graphql(request: Request) -> Response:
    token = request.headers["authorization"].removeprefix("Bearer ")
    person = UUID(jwt.decode(token, get_settings().token_signing_key, algorithms=["HS256"])["sub"])
    body = await request.json()
    async with request.app.state.pool.acquire() as db:
        data = await OPERATIONS[body["operationName"]](db, person, body["variables"])
    return Response(json.dumps({"data": data}, ensure_ascii=False), media_type="application/json")


@asynccontextmanager
async def lifespan(app: Starlette):
    app.state.pool = await asyncpg.create_pool(os.environ["LINLI_DATABASE_URL"], min_size=2, max_size=10)
    yield
    await app.state.pool.close()


app = Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)
