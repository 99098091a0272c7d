"""Compiled operations: trusted documents answered by one SQL statement that builds the whole
response JSON in PostgreSQL, instead of being interpreted by strawberry on every request; and
mutations answered directly by their service call (`Direct`: BallotCast, for a burst of ballots).

Each module here holds one document's plan: the document text it answers, the checks that its
variables are within what the plan covers, and its SQL. A request the plan does not cover (SQLite,
an out-of-range `first`, a forged cursor, a caller the service would refuse) goes to the general
path, so its error is exactly the general path's. The general path stays the reference:
tests/integration/test_compiled_operations.py proves both answer the same JSON.
"""

import time

import structlog
from strawberry.http import GraphQLRequestData
from tortoise import connections
from tortoise.backends.asyncpg.client import AsyncpgDBClient

from backend.api.compiled import ballot, feed, inbox
from backend.api.compiled.plan import Direct, Plan
from backend.api.context import Context
from backend.core import metrics

PLANS: tuple[Plan | Direct, ...] = (feed.FEED, feed.UNREAD_COUNT, inbox.INBOX, ballot.BALLOT_CAST)


def compile_plans(documents: dict[str, str]) -> dict[str, Plan | Direct]:
    """The plans of the trusted documents (graphql_schema/persisted.json), by document text (the
    text the request resolved its document id to: its hash is computed once, not per request)."""
    trusted = set(documents.values())
    return {plan.document: plan for plan in PLANS if plan.document in trusted}


async def answer(plans: dict[str, Plan | Direct], request: GraphQLRequestData, context: Context) -> str | None:
    """The response's `data` as JSON text, or None for the general path."""
    plan = plans.get(request.query) if request.query else None
    if plan is None or request.operation_name not in (None, plan.name):
        return None
    started = time.perf_counter()
    variables = request.variables or {}
    data = await (plan.answer(context, variables) if isinstance(plan, Direct) else _statement(plan, context, variables))
    if data is not None:  # as OperationMetrics does for the general path (a plan's name is always a contract name)
        structlog.contextvars.bind_contextvars(operation=plan.name)
        metrics.REQUEST_SECONDS.labels(plan.name).observe(time.perf_counter() - started)
    return data


async def _statement(plan: Plan, context: Context, variables: dict) -> str | None:
    connection = connections.get("default")
    if not isinstance(connection, AsyncpgDBClient):
        return None
    params = plan.params(context, variables)
    if params is None:
        return None
    _, rows = await connection.execute_query(plan.sql, params)
    return rows[0][0]
