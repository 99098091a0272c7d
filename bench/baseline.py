"""The baseline: a hand-written Starlette + asyncpg endpoint that answers the mini-program's
Viewer operation with the same JSON, skipping GraphQL and the ORM. What the platform costs on top
of it is the price of its abstractions."""

import os
import uuid
from contextlib import asynccontextmanager

import asyncpg
import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from backend.core import crypto
from backend.core.settings import get_settings

SQL = """
SELECT p.id, p.display_name, p.phone_encrypted, m.role, c.id AS community_id, c.name AS community_name
FROM person p JOIN membership m ON m.person_id = p.id JOIN community c ON c.id = m.community_id
WHERE p.id = $1 ORDER BY m.created_at
"""


async def viewer(request: Request) -> JSONResponse:
    token = request.headers["authorization"].removeprefix("Bearer ")
    claims = jwt.decode(token, get_settings().token_signing_key, algorithms=["HS256"])
    async with request.app.state.pool.acquire() as connection:
        rows = await connection.fetch(SQL, uuid.UUID(claims["sub"]))
    first = rows[0]
    return JSONResponse({"data": {"viewer": {
        "id": str(first["id"]),
        "displayName": first["display_name"],
        "phone": crypto.mask_phone(crypto.decrypt(first["phone_encrypted"])),
        "memberships": [
            {"role": r["role"], "community": {"id": str(r["community_id"]), "name": r["community_name"]}} for r in rows
        ],
    }}})


@asynccontextmanager
async def lifespan(app: Starlette):
    app.state.pool = await asyncpg.create_pool(os.environ["LINLI_DATABASE_URL"], min_size=2, max_size=10)
    yield
    await app.state.pool.close()


app = Starlette(routes=[Route("/graphql", viewer, methods=["POST"])], lifespan=lifespan)
