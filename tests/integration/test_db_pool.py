"""The PostgreSQL pool hands connections back without asyncpg's reset query (backend/core/db.py):
safe only while Linli keeps no state on a session outside a transaction. These tests hold both
halves: a transaction left open is still rolled back, and no code sets session state."""

import re
from pathlib import Path

from tortoise import connections

BACKEND = Path(__file__).resolve().parents[2] / "backend"
# SQL that leaves state on the session after its statement or transaction ends. `SET LOCAL` and
# transaction-scoped advisory locks end with their transaction and are fine.
SESSION_STATE = re.compile(
    r"""["'(]\s*(LISTEN\b|SET\s+(?!LOCAL\b)(SESSION\s+)?\w+\s*(=|TO\b)|DECLARE\s+\w+\s+(\w+\s+)*CURSOR\b|PREPARE\s+\w+\s*(\(|AS\b)|CREATE\s+TEMP"""
    r"""|DISCARD\b)|pg_advisory_lock\(|pg_advisory_lock_shared\(|set_config\([^)]*,\s*false\s*\)""",
    re.IGNORECASE)


def test_no_code_keeps_state_on_a_database_session():
    offenders = [f"{path.relative_to(BACKEND.parent)}:{number}: {line.strip()}"
                 for path in BACKEND.rglob("*.py")
                 for number, line in enumerate(path.read_text().splitlines(), 1) if SESSION_STATE.search(line)]
    assert offenders == []


def test_the_check_catches_session_state():
    for line in ['await db.execute("SET statement_timeout = 0")', "execute('LISTEN outbox')",
                 "SELECT pg_advisory_lock(42)", "execute(\"CREATE TEMP TABLE t (id int)\")",
                 "SELECT set_config('app.person', $1, false)", 'execute("DECLARE c NO SCROLL CURSOR FOR SELECT 1")',
                 "execute('PREPARE feed AS SELECT 1')"]:
        assert SESSION_STATE.search(line), line
    for line in ['execute("SET LOCAL statement_timeout = 0")', '"UPDATE delivery SET status = $1"',
                 "SELECT pg_advisory_xact_lock(42)", "SELECT set_config('app.person', $1, true)",
                 'sub.add_parser("prepare", help="…")']:
        assert not SESSION_STATE.search(line), line


async def test_a_connection_handed_back_inside_a_transaction_comes_back_without_it(app):
    client = connections.get("default")
    await client.execute_query("SELECT 1")  # the pool opens with the first statement
    pool = client._pool
    async with pool.acquire() as connection:
        held = connection._con
        await connection.execute("BEGIN")
        await connection.execute("SELECT 1")
        assert connection.is_in_transaction()
    async with pool.acquire() as connection:  # the pool is last in, first out: the same one
        assert connection._con is held
        assert not connection.is_in_transaction()
        assert await connection.fetchval("SELECT count(*) FROM pg_prepared_xacts") == 0
