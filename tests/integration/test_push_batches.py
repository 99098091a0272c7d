"""Pushes are sent in batches (claimed, looked up and marked together) over HTTP/2, against the FCM
stand-in (tests/stubs/fcm.py): never twice, whoever races for them, and a failure in a batch leaves the
rest of it marked."""

import asyncio
import uuid

import pytest

from backend.core.settings import get_settings, use_settings
from backend.notify import push
from backend.notify.models import Delivery, DeviceToken
from backend.people.models import Person
from tests.stubs.fcm import BEARER, FcmStub

CONTENT = push.Content(kind="notice", title="停水通知", body="物业", page="pages/notices/detail")


@pytest.fixture
async def fcm(app):
    stub = FcmStub()
    base, server = stub.serve()
    dev = get_settings()
    use_settings(dev.model_copy(update={"fcm_api_base": base, "fcm_access_token": BEARER}))
    yield stub
    use_settings(dev)
    server.should_exit = True


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
