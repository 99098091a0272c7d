"""The outbox: a notification committed with its change survives a crash before it is relayed,
and a relay that repeats itself never delivers twice."""

from datetime import timedelta

from redis.asyncio import Redis

from backend.core.clock import clock
from backend.core.outbox import OutboxMessage
from backend.core.settings import get_settings
from backend.notify.models import InboxMessage
from tests.integration.conftest import eventually


async def _trip_reuse_alert(api) -> tuple[str, OutboxMessage]:
    """Reusing a refresh token writes a security alert to the outbox in the same transaction."""
    tokens = await api.sign_in("volunteer")
    viewer = (await api.op("Viewer"))["data"]["viewer"]
    await api.op("TokenRefresh", refreshToken=tokens["refreshToken"])
    await api.op("TokenRefresh", refreshToken=tokens["refreshToken"])
    message = await OutboxMessage.filter(topic="notify.inbox", payload__contains={"person_id": viewer["id"]}).order_by(
        "-created_at"
    ).first()
    return viewer["id"], message


async def _jobs_done(key: str, since: str, expected: int) -> bool:
    """The jobs that carry this delivery key (and only those: other tests' jobs may still be queued)
    were handed out and acknowledged, i.e. run to the end, `expected` times."""
    settings = get_settings()
    stream, group = f"{settings.redis_prefix}jobs", f"{settings.redis_prefix}workers"
    redis = Redis.from_url(settings.redis_url)
    try:
        ours = [entry for entry, fields in await redis.xrange(stream, min=since) if key.encode() in fields[b"data"]]
        groups = {g["name"]: g for g in await redis.xinfo_groups(stream)}
        delivered = groups[group.encode()]["last-delivered-id"]
        unacked = [e for e in ours if await redis.xpending_range(stream, group, min=e, max=e, count=1)]
    finally:
        await redis.aclose()
    return len(ours) == expected and all(_stream_id(e) <= _stream_id(delivered) for e in ours) and not unacked


def _stream_id(entry: bytes) -> tuple[int, int]:
    ms, seq = entry.split(b"-")
    return int(ms), int(seq)


async def _redis_now() -> str:
    """A stream id at the Redis server's current time: this test's jobs are the ones after it."""
    redis = Redis.from_url(get_settings().redis_url)
    try:
        seconds, micros = await redis.time()
    finally:
        await redis.aclose()
    return f"{seconds * 1000 + micros // 1000}-0"


async def test_alert_survives_a_crash_between_commit_and_relay(api, start_worker):
    since = await _redis_now()
    # No worker runs: the API process that committed the change "crashed" before any relay.
    person_id, message = await _trip_reuse_alert(api)
    assert message is not None and message.relayed_at is None
    assert await InboxMessage.filter(person_id=person_id, kind="security").count() == 0

    start_worker()  # a worker starting later finds the committed message and delivers it
    inbox = await eventually(lambda: InboxMessage.filter(person_id=person_id, kind="security").all())
    assert len(inbox) == 1 and "重复使用" in inbox[0].body

    # Now the relay "crashes" after sending but before marking: the message goes out again...
    await OutboxMessage.filter(id=message.id).update(relayed_at=None, available_at=clock.now() - timedelta(1))
    await eventually(lambda: OutboxMessage.filter(id=message.id, relayed_at__isnull=False).exists())
    await eventually(lambda: _jobs_done(message.key, since, expected=2))
    # ...and the delivery key makes the second job a no-op: still exactly one notification.
    assert await InboxMessage.filter(person_id=person_id, kind="security").count() == 1


async def test_a_new_outbox_row_wakes_the_relay_long_before_its_poll(demo_community, make_person, start_worker):
    """The relay looks every 300 s here: a committed row is still sent within seconds, because the
    commit wakes it."""
    import uuid

    from backend.core import outbox
    from backend.core.db import transaction

    person = await make_person(demo_community.id, [])

    async def alert(text: str) -> None:
        async with transaction() as tx:
            await outbox.add(tx, "notify.inbox", key=f"wake:{uuid.uuid4()}", person_id=str(person.id),
                             kind="security", title="唤醒", body=text)

    async def delivered(text: str) -> bool:
        return await InboxMessage.filter(person_id=person.id, body=text).exists()

    start_worker(relay_poll_s=300)
    await alert("first")  # found by the worker's first pass or its wake-up, whichever comes first
    await eventually(lambda: delivered("first"))
    await alert("second")  # now the relay waits on its 300 s poll: only the wake-up sends it in time
    await eventually(lambda: delivered("second"))


async def _someone_waits_on_a_lock() -> bool:
    from tortoise import connections

    _, rows = await connections.get("default").execute_query(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
    return rows[0]["n"] > 0


async def test_concurrent_adds_with_one_key_leave_one_row_and_no_error(app):
    """Callers racing to queue the same work: one insert wins, the others are ignored by the unique
    key, none fails. Forced first: the second insert runs while the first is written but not yet
    committed (checking, then inserting, lets both pass the check and the second fail)."""
    import asyncio
    import uuid

    from backend.core import outbox
    from backend.core.db import transaction

    key = f"race:{uuid.uuid4()}"
    first_added, second_blocked = asyncio.Event(), asyncio.Event()

    async def add(*, hold: bool = False) -> None:
        async with transaction() as tx:
            await outbox.add(tx, "tests.race", key=key, attempt="same")
            if hold:
                first_added.set()
                await second_blocked.wait()  # commit only once the other insert waits on this row

    async def second() -> None:
        await first_added.wait()
        await add()

    async def release_when_blocked() -> None:
        await first_added.wait()
        await eventually(_someone_waits_on_a_lock)
        second_blocked.set()

    try:
        await asyncio.gather(add(hold=True), second(), release_when_blocked())
        await asyncio.gather(*(add() for _ in range(20)))
        assert await OutboxMessage.filter(key=key).count() == 1
    finally:  # no job handles this topic: leave nothing for a relay to send
        await OutboxMessage.filter(key=key).delete()
