"""transaction()'s after-commit callbacks: they run once the outermost transaction has committed,
never before, and never for a rollback."""

import uuid

import pytest

from backend.core.db import after_commit, transaction
from backend.registry.models import Street


class Rollback(Exception):
    pass


def recorder():
    calls: list[str] = []

    def callback(name: str):
        async def run() -> None:
            calls.append(name)
        return run

    return calls, callback


async def test_a_callback_runs_after_the_commit_and_sees_the_committed_row(app):
    seen = []
    async with transaction() as tx:
        street = await Street.create(name="提交后街道", code=f"after-{uuid.uuid4().hex[:8]}", using_db=tx)

        async def look() -> None:  # on a connection of its own, as a subscriber would
            seen.append(await Street.filter(id=street.id).exists())

        after_commit(tx, look)
        assert seen == []  # not while the transaction is open
    assert seen == [True]


async def test_nested_transactions_wait_for_the_outermost_commit(app):
    calls, callback = recorder()
    async with transaction() as outer:
        after_commit(outer, callback("outer"))
        async with transaction() as inner:  # a service called by a service joins its transaction
            after_commit(inner, callback("inner"))
        assert calls == []  # the inner block ended, but nothing is committed yet
    assert calls == ["outer", "inner"]


async def test_a_rollback_runs_nothing_and_a_rolled_back_savepoint_drops_only_its_own(app):
    calls, callback = recorder()
    with pytest.raises(Rollback):
        async with transaction() as tx:
            after_commit(tx, callback("doomed"))
            raise Rollback
    assert calls == []

    async with transaction() as outer:
        after_commit(outer, callback("kept"))
        with pytest.raises(Rollback):
            async with transaction() as inner:
                after_commit(inner, callback("undone"))
                raise Rollback
    assert calls == ["kept"]


async def test_a_failing_callback_is_logged_and_the_others_still_run(app, monkeypatch):
    from backend.core import db

    calls, callback = recorder()
    logged: list[str] = []
    monkeypatch.setattr(db.log, "exception", lambda event, **_: logged.append(event))

    async def broken() -> None:
        raise RuntimeError("redis went away")

    async with transaction() as tx:
        after_commit(tx, broken)
        after_commit(tx, callback("after"))
    assert calls == ["after"]  # and no exception reached the caller, whose change is committed
    assert logged == ["after_commit_failed"]


async def test_after_commit_outside_a_transaction_is_a_bug(app):
    from tortoise import connections

    with pytest.raises(RuntimeError):
        after_commit(connections.get("default"), recorder()[1]("never"))
