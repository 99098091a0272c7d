"""Pushes are sent in batches (claimed, looked up and marked together) over HTTP/2, against the FCM
stand-in (tests/stubs/fcm.py): never twice, whoever races for them, and a failure in a batch leaves the
rest of it marked; a connection that breaks or a server that never answers leaves them to be retried."""

import asyncio
import contextlib
import uuid
from urllib.parse import urlsplit

import httpx
import pytest

from backend.core.settings import get_settings, use_settings
from backend.notify import channels, push
from backend.notify.models import Delivery, DeviceToken
from backend.people.models import Person
from tests.stubs.fcm import BEARER, FcmStub

CONTENT = push.Content(kind="notice", title="停水通知", body="物业", page="pages/notices/detail")


@pytest.fixture
async def fcm(app, request):
    stub = FcmStub()
    base, server = stub.serve(max_streams=getattr(request, "param", 100))
    dev = get_settings()
    use_settings(dev.model_copy(update={"fcm_api_base": base, "fcm_access_token": BEARER}))
    yield stub
    use_settings(dev)
    server.should_exit = True


@contextlib.asynccontextmanager
async def fcm_at(base: str):
    dev = get_settings()
    use_settings(dev.model_copy(update={"fcm_api_base": base, "fcm_access_token": BEARER}))
    try:
        yield
    finally:
        use_settings(dev)


@contextlib.asynccontextmanager
async def loopback_server(handle):
    """A TCP server on a free loopback port running `handle(reader, writer)` per connection; its URL."""
    writers = []

    async def tracked(reader, writer):
        writers.append(writer)
        await handle(reader, writer)

    server = await asyncio.start_server(tracked, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        for writer in writers:
            writer.close()


async def people_with_devices(count: int) -> dict[uuid.UUID, str]:
    """`count` new people with one phone each: person id -> device token."""
    devices = {}
    for _ in range(count):
        person = await Person.create(display_name="推送测试")
        devices[person.id] = f"tok-{uuid.uuid4().hex}"
        await DeviceToken.create(person=person, token=devices[person.id], platform="android")
    return devices


async def test_senders_racing_over_one_batch_send_each_delivery_exactly_once(fcm):
    for _ in range(3):  # rounds: the later ones race on connections the pool already holds
        devices = await people_with_devices(20)
        prefix = f"test:{uuid.uuid4().hex}"
        keys = await push.plan(prefix, list(devices), CONTENT)
        # A redelivered job, its original and the sweeper, at the same moment, each on its own connection.
        sent = await asyncio.gather(push.send_keys(keys), push.send_keys(keys), push.send_keys(keys[::-1]),
                                    push.send_keys(keys))
        assert sum(sent) == 20
        assert all(len(fcm.to(token)) == 1 for token in devices.values())
        rows = await Delivery.filter(key__startswith=f"{prefix}:", channel="FCM").values_list("status", "attempts")
        assert rows == [("SENT", 1)] * 20  # claimed once each: a second claim would count an attempt


async def test_pushes_go_over_one_http2_connection(fcm):
    devices = await people_with_devices(30)
    await push.push(f"test:{uuid.uuid4().hex}", list(devices), CONTENT)
    assert fcm.http_versions == ["2"] * 30
    assert len(fcm.connections) == 1  # 30 streams, at most PARALLEL at once, multiplexed on one connection


async def test_a_batch_costs_the_same_statements_for_forty_deliveries_as_for_one(fcm, sql_statements):
    counts = []
    for size in (1, 40):
        devices = await people_with_devices(size)
        keys = await push.plan(f"test:{uuid.uuid4().hex}", list(devices), CONTENT)
        with sql_statements() as statements:
            assert await push.send_keys(keys) == size
        counts.append(len(statements))
    assert counts[0] == counts[1]


async def test_a_failure_in_a_batch_is_retried_alone_and_the_rest_stays_marked(fcm):
    devices = await people_with_devices(3)
    ok, gone, flaky = devices
    fcm.unregistered.add(devices[gone])
    fcm.unavailable[devices[flaky]] = 1
    prefix = f"test:{uuid.uuid4().hex}"
    keys = await push.plan(prefix, list(devices), CONTENT)
    with pytest.raises(push.DeliveryFailed, match="1 deliveries to retry"):
        await push.send_keys(keys)

    async def fcm_delivery(person_id):
        return await Delivery.get(key=f"{prefix}:{person_id}:FCM")

    assert (await fcm_delivery(ok)).status == "SENT"
    assert ((await fcm_delivery(gone)).status, (await fcm_delivery(gone)).reason) == ("SKIPPED", "no_device")
    assert not await DeviceToken.filter(token=devices[gone]).exists()  # FCM forgot it: so do we
    retried = await fcm_delivery(flaky)
    assert (retried.status, retried.attempts) == ("PENDING", 1) and "503" in retried.last_error

    assert await push.send_keys(keys) == 1  # the job's retry: only the failed one goes out again
    assert (await fcm_delivery(flaky)).status == "SENT"
    assert [len(fcm.to(devices[p])) for p in (ok, gone, flaky)] == [1, 0, 1]


@pytest.mark.parametrize("fcm", [4], indirect=True)
async def test_a_server_taking_fewer_streams_at_once_than_we_send_still_gets_every_push(fcm):
    devices = await people_with_devices(30)
    assert await push.push(f"test:{uuid.uuid4().hex}", list(devices), CONTENT) == 30
    assert [len(fcm.to(token)) for token in devices.values()] == [1] * 30
    assert len(fcm.connections) == 1  # the client waited for free streams instead of failing or reconnecting


async def test_pushes_cut_off_with_their_connection_are_retried_on_a_new_one(fcm):
    target = urlsplit(get_settings().fcm_api_base)
    connections = 0

    async def cut_the_first_then_forward(reader, writer):
        nonlocal connections
        connections += 1
        if connections == 1:  # the client's first bytes arrive: hang up before any answer
            await reader.read(1)
            writer.close()
            return
        upstream_reader, upstream_writer = await asyncio.open_connection(target.hostname, target.port)

        async def pipe(source, sink):
            with contextlib.suppress(OSError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    devices = await people_with_devices(3)
    async with loopback_server(cut_the_first_then_forward) as base, fcm_at(base):
        prefix = f"test:{uuid.uuid4().hex}"
        keys = await push.plan(prefix, list(devices), CONTENT)
        with pytest.raises(push.DeliveryFailed, match="3 deliveries to retry"):
            await push.send_keys(keys)
        waiting = await Delivery.filter(key__startswith=f"{prefix}:", channel="FCM").values_list("status", "last_error")
        assert [status for status, _ in waiting] == ["PENDING"] * 3
        assert all("fcm unreachable" in error for _, error in waiting)
        assert await push.send_keys(keys) == 3  # the job's retry opens a new connection
    assert [len(fcm.to(token)) for token in devices.values()] == [1] * 3


async def test_a_server_that_never_answers_leaves_the_pushes_due_again_and_is_not_waited_on_twice(app, monkeypatch):
    monkeypatch.setattr(channels, "TIMEOUT", httpx.Timeout(0.5))
    connections = 0

    async def read_and_never_answer(reader, writer):  # as a half-open connection looks from here
        nonlocal connections
        connections += 1
        while await reader.read(65536):
            pass

    devices = await people_with_devices(2)
    async with loopback_server(read_and_never_answer) as base, fcm_at(base):
        prefix = f"test:{uuid.uuid4().hex}"
        keys = await push.plan(prefix, list(devices), CONTENT)
        for attempt in (1, 2):
            with pytest.raises(push.DeliveryFailed, match="no answer within"):
                await push.send_keys(keys)
            rows = await Delivery.filter(key__startswith=f"{prefix}:", channel="FCM").values_list("status", "attempts")
            assert rows == [("PENDING", attempt)] * 2
            assert connections == attempt  # the silent connection was dropped: the retry tries a new one
