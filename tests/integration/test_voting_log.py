"""The sealed ballot log: the worker seals ballots in batches under signed tree heads, anyone re-counts and
checks it with `python -m backend.voting.verify`, a voter's receipt carries an inclusion proof, and
tampering with a stored ballot or head is caught and named."""

import asyncio
import json
import os
import subprocess
import sys
from uuid import UUID

import pytest
from tortoise import connections

from backend.core.db import transaction
from backend.voting import poll_log, sealing
from backend.voting.ballots import tracker_code
from backend.voting.merkle import leaf_hash, verify_inclusion, verify_tree_head
from backend.voting.models import BallotContent, Poll, PollTreeHead
from backend.voting.verify_log import tracker_hash
from tests.integration.conftest import ROOT, eventually
from tests.integration.voting_helpers import build_place, cast, open_poll

SEALED_WHILE_OPEN = {"proxyCap": 0}  # no ballot can be replaced before close (sealing.seals_while_open)


def verify(*args: str) -> subprocess.CompletedProcess:
    """The real command, on the test database."""
    return subprocess.run([sys.executable, "-m", "backend.voting.verify", *args], cwd=ROOT, env=os.environ,
                          capture_output=True, text=True, timeout=300)


async def close(console, place, poll_id: str) -> None:
    await console.sign_in(place.committee.handle)
    closed = await console.op("PollClose", id=poll_id)
    assert closed["data"]["pollClose"]["errors"] == [], closed


async def sealed_poll(api, console, place) -> tuple[dict, list[str]]:
    """A closed poll of six ballots sealed in two batches (4 while open, 2 at close); its receipt codes."""
    poll = await open_poll(console, place, **SEALED_WHILE_OPEN)
    codes = [(await cast(api, owner, poll["id"], ["i1" if n % 3 else "i2"]))["receiptCode"]
             for n, owner in enumerate(place.owners[:4])]
    assert (await sealing.seal_poll(UUID(poll["id"]))).tree_size == 4
    codes += [(await cast(api, owner, poll["id"], ["i2"]))["receiptCode"] for owner in place.owners[4:6]]
    await close(console, place, poll["id"])
    head = await sealing.seal_poll(UUID(poll["id"]))
    assert (head.batch, head.tree_size, head.at_close) == (2, 6, True)
    return poll, codes


async def test_a_sealed_poll_verifies_and_recounts_through_the_command(app, api, console, tmp_path):
    place = await build_place(rooms=3)
    poll, codes = await sealed_poll(api, console, place)

    checked = verify(poll["id"], "--receipt", codes[2])
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "日志校验通过" in checked.stdout
    assert "选票 6 张，树头 2 个" in checked.stdout
    assert "选项「i1」：2 票" in checked.stdout and "选项「i2」：4 票" in checked.stdout
    assert "包含证明在 6 张选票的树头下成立" in checked.stdout
    stranger = verify(poll["id"], "--receipt", "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789")
    assert stranger.returncode == 1 and "追踪码 ABCDEFGHJKLMNPQR 的选票不在已公布的日志中" in stranger.stdout

    # Once the result is published (公示), a voter downloads the log and checks it without the database.
    await console.sign_in(place.committee.handle)
    assert (await console.op("PollPublish", id=poll["id"]))["data"]["pollPublish"]["poll"]["state"] == "PUBLISHED"
    await api.sign_in(place.owners[0].handle)
    downloaded = await api.query("query($id: ID!) { pollLog(id: $id) }", id=poll["id"])
    document = downloaded["data"]["pollLog"]
    assert len(document["leaves"]) == 6 and len(document["tree_heads"]) == 2
    path = tmp_path / "log.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    offline = verify(poll["id"], "--file", str(path), "--public-key", document["public_key"])
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert "选项「i2」：4 票" in offline.stdout

    await console.sign_in(place.committee.handle)
    server = (await console.op("PollLogCheck", id=poll["id"]))["data"]["pollLogCheck"]
    assert server["ok"] and server["treeSize"] == 6
    assert server["rootHash"] == document["tree_heads"][-1]["root_hash"]


async def test_the_log_is_shown_only_where_results_may_be(app, api, console):
    place = await build_place(rooms=2, buildings=1)
    poll = await open_poll(console, place, **SEALED_WHILE_OPEN)
    await cast(api, place.owners[0], poll["id"], ["i1"])
    await sealing.seal_poll(UUID(poll["id"]))
    hidden = await api.query("query($id: ID!) { pollLog(id: $id) }", id=poll["id"])
    assert hidden["data"]["pollLog"] is None
    assert "结果可以查看时才公布选票日志" in hidden["errors"][0]["message"]
    await console.sign_in(place.committee.handle)
    check = await console.op("PollLogCheck", id=poll["id"])
    assert "结果可以查看时才公布选票日志" in check["errors"][0]["message"]

    live = await open_poll(console, place, results="LIVE", **SEALED_WHILE_OPEN)
    await cast(api, place.owners[0], live["id"], ["i2"])
    await sealing.seal_poll(UUID(live["id"]))
    shown = await api.query("query($id: ID!) { pollLog(id: $id) }", id=live["id"])
    assert len(shown["data"]["pollLog"]["leaves"]) == 1


async def _tamper_edit(poll_id: str) -> None:
    sealed = await BallotContent.filter(poll_id=poll_id, batch=1)
    edited = next(b for b in sealed if b.answer == {"choices": ["i1"]})
    await BallotContent.filter(id=edited.id).update(answer={"choices": ["i2"]})


async def _tamper_delete(poll_id: str) -> None:
    await BallotContent.filter(id=(await BallotContent.filter(poll_id=poll_id, batch=2).first()).id).delete()


async def _tamper_insert(poll_id: str) -> None:
    await BallotContent.create(poll_id=poll_id, answer={"choices": ["i1"]}, tracker_hash="f" * 64, batch=2)


async def _tamper_head(poll_id: str) -> None:
    head = await PollTreeHead.get(poll_id=poll_id, batch=1)
    rebuilt = sealing.MerkleTree([b"forged"]).root().hex()
    await PollTreeHead.filter(id=head.id).update(root_hash=rebuilt)


@pytest.mark.parametrize(("tamper", "message"), [
    (_tamper_edit, "第 1 个树头（4 张选票）的根哈希与日志重建的不符：第 1 到 4 张选票中有被修改、删除或插入的"),
    (_tamper_delete, "日志只有 5 张选票，但最后的树头签署了 6 张：有选票被删除"),
    (_tamper_insert, "日志有 7 张选票，但最后的树头只签署了 6 张：有 1 张未经签署的选票（被插入）"),
    (_tamper_head, "第 1 个树头（4 张选票）的签名无效：树头被改写"),
], ids=["edited", "deleted", "inserted", "rewritten-head"])
async def test_the_command_names_each_kind_of_tampering(app, api, console, tamper, message):
    place = await build_place(rooms=3)
    poll, _ = await sealed_poll(api, console, place)
    await tamper(poll["id"])
    checked = verify(poll["id"])
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "日志校验未通过" in checked.stdout
    assert message in checked.stdout
    await console.sign_in(place.committee.handle)
    server = (await console.op("PollLogCheck", id=poll["id"]))["data"]["pollLogCheck"]
    assert not server["ok"] and message in "\n".join(server["lines"])


async def test_a_ballot_inserted_after_close_and_sealed_is_caught_by_the_participations(app, api, console):
    """A row inserted unsealed after close and sealed by the worker under a fresh, validly signed head:
    the log alone is consistent and re-counts (8 households, 6 voted), but the database holds more ballots
    than participations."""
    place = await build_place(rooms=4)
    poll, _ = await sealed_poll(api, console, place)
    await BallotContent.create(poll_id=poll["id"], answer={"choices": ["i1"]}, tracker_hash="e" * 64)
    assert (await sealing.seal_poll(UUID(poll["id"]))).tree_size == 7
    checked = verify(poll["id"])
    assert checked.returncode == 1
    assert "参与记录 6 条，选票却有 7 张：选票被插入或删除" in checked.stdout


async def test_the_sealer_signs_nothing_on_top_of_an_altered_log(app, api, console):
    place = await build_place(rooms=2, buildings=1)
    poll = await open_poll(console, place, **SEALED_WHILE_OPEN)
    await cast(api, place.owners[0], poll["id"], ["i1"])
    await sealing.seal_poll(UUID(poll["id"]))
    await BallotContent.filter(poll_id=poll["id"]).update(answer={"choices": ["i2"]})
    await cast(api, place.owners[1], poll["id"], ["i1"])
    with pytest.raises(sealing.LogMismatch):
        await sealing.seal_poll(UUID(poll["id"]))
    assert await PollTreeHead.filter(poll_id=poll["id"]).count() == 1
    assert await BallotContent.filter(poll_id=poll["id"], batch__isnull=True).count() == 1


async def test_a_receipt_proves_its_ballot_is_in_the_signed_log(app, api, console):
    place = await build_place(rooms=3)
    poll = await open_poll(console, place, **SEALED_WHILE_OPEN)
    codes = [(await cast(api, owner, poll["id"], ["i1"]))["receiptCode"] for owner in place.owners[:5]]
    await api.sign_in(place.owners[3].handle)
    before = await api.op("BallotReceipt", pollId=poll["id"], receiptCode=codes[3])
    assert before["data"]["ballotReceipt"]["inclusion"] is None  # not sealed yet
    await sealing.seal_poll(UUID(poll["id"]))
    await cast(api, place.owners[5], poll["id"], ["i2"])
    await sealing.seal_poll(UUID(poll["id"]))

    await api.sign_in(place.owners[3].handle)
    receipt = (await api.op("BallotReceipt", pollId=poll["id"], receiptCode=codes[3]))["data"]["ballotReceipt"]
    inclusion, head = receipt["inclusion"], receipt["inclusion"]["treeHead"]
    assert receipt["batch"] == 1 and inclusion["treeSize"] == head["treeSize"] == 6
    assert json.loads(inclusion["leaf"])["tracker"] == tracker_hash(poll["id"], tracker_code(codes[3]))
    assert verify_inclusion(leaf_hash(inclusion["leaf"].encode()), inclusion["leafIndex"], inclusion["treeSize"],
                            [bytes.fromhex(p) for p in inclusion["auditPath"]], bytes.fromhex(head["rootHash"]))
    stored = sealing.signed(await PollTreeHead.get(poll_id=poll["id"], batch=2))
    assert stored.head.timestamp == head["timestamp"] and stored.signature.hex() == head["signature"]
    assert verify_tree_head(stored, sealing.signing_key().public_key())
    # Another voter's proof does not place this ballot.
    assert not verify_inclusion(leaf_hash(inclusion["leaf"].encode()), (inclusion["leafIndex"] + 1) % 6, 6,
                                [bytes.fromhex(p) for p in inclusion["auditPath"]], bytes.fromhex(head["rootHash"]))


async def test_ballots_cast_while_a_seal_runs_land_in_the_next_batch(app, api, console):
    place = await build_place(rooms=2)
    poll = await open_poll(console, place, **SEALED_WHILE_OPEN)
    for owner in place.owners[:3]:
        await cast(api, owner, poll["id"], ["i1"])
    go = asyncio.Event()

    async def cast_during_the_seal():
        await go.wait()
        return await cast(api, place.owners[3], poll["id"], ["i2"])

    late = asyncio.create_task(cast_during_the_seal())  # its own context, outside the seal's transaction
    async with transaction() as tx:
        head = await sealing.seal(tx, UUID(poll["id"]))
        go.set()
        assert (await late)["errors"] == []  # cast and committed while the seal's transaction is open
    assert head.tree_size == 3
    assert await BallotContent.filter(poll_id=poll["id"], batch__isnull=True).count() == 1
    second = await sealing.seal_poll(UUID(poll["id"]))
    assert (second.batch, second.tree_size) == (2, 4)
    assert await BallotContent.filter(poll_id=poll["id"], batch=2).count() == 1


async def test_two_sealers_at_once_seal_each_ballot_once(app, api, console):
    place = await build_place(rooms=2)
    poll = await open_poll(console, place, **SEALED_WHILE_OPEN)
    for owner in place.owners:
        await cast(api, owner, poll["id"], ["i1"])
    go = asyncio.Event()

    async def second_sealer():
        await go.wait()
        return await sealing.seal_poll(UUID(poll["id"]))

    second = asyncio.create_task(second_sealer())
    db = connections.get("default")

    async def second_is_waiting() -> bool:
        rows = await db.execute_query_dict(
            "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND query LIKE '%FOR NO KEY UPDATE%'")
        return bool(rows)

    async with transaction() as tx:
        first = await sealing.seal(tx, UUID(poll["id"]))
        go.set()
        await eventually(second_is_waiting)  # the race is on: it waits for the first sealer's poll lock
    assert await second is None  # and then finds nothing left to seal
    assert first.tree_size == 4
    assert await PollTreeHead.filter(poll_id=poll["id"]).count() == 1
    assert await BallotContent.filter(poll_id=poll["id"], batch=1).count() == 4


async def test_a_poll_whose_ballots_may_change_is_sealed_once_at_close_by_the_worker(app, api, console,
                                                                                     start_worker):
    place = await build_place(rooms=2, buildings=1)
    poll = await open_poll(console, place, allowChange=True)
    await cast(api, place.owners[0], poll["id"], ["i1"])
    assert await sealing.seal_poll(UUID(poll["id"])) is None  # still open: a change would rewrite the log
    start_worker()
    await close(console, place, poll["id"])  # queues the seal after the close commits

    async def closing_head():
        return await PollTreeHead.filter(poll_id=poll["id"], at_close=True).first()

    head = await eventually(closing_head)
    assert (head.batch, head.tree_size) == (1, 1)
    assert not await BallotContent.filter(poll_id=poll["id"], batch__isnull=True).exists()


async def test_the_minute_sweep_seals_open_polls_and_publishes_a_head_at_close(app, api, console):
    place = await build_place(rooms=2, buildings=1)
    open_one = await open_poll(console, place, **SEALED_WHILE_OPEN)
    changing = await open_poll(console, place)  # proxies may vote: sealed at close only
    ended = await open_poll(console, place)  # closed with no ballot at all
    for poll in (open_one, changing):
        await cast(api, place.owners[0], poll["id"], ["i1"])
    await close(console, place, ended["id"])
    await sealing.seal_due()
    assert [(h.batch, h.tree_size, h.at_close) for h in await PollTreeHead.filter(poll_id=open_one["id"])] == \
        [(1, 1, False)]
    assert not await PollTreeHead.filter(poll_id=changing["id"]).exists()
    assert [(h.tree_size, h.at_close) for h in await PollTreeHead.filter(poll_id=ended["id"])] == [(0, True)]
    empty = await poll_log.check(await Poll.get(id=ended["id"]))
    assert empty.ok and "选票 0 张，树头 1 个" in "\n".join(empty.lines)
    await sealing.seal_due()  # nothing new: no new head
    assert await PollTreeHead.filter(poll_id__in=[open_one["id"], ended["id"]]).count() == 2
