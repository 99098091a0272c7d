"""In a SECRET poll nothing in the database links a ballot's content to a person: the test reads
every table through information_schema and looks for a link (a shared column or value, a
time-ordered id, a timestamp, an order that follows the casting, in the log or on disk once sealed)."""

import uuid
from datetime import timedelta

from tortoise import connections

from backend.core.clock import clock
from backend.proxies.models import Proxy
from backend.voting import sealing
from backend.voting.ballots import _halves
from backend.voting.models import BallotParticipation
from tests.integration.conftest import build_person
from tests.integration.voting_helpers import build_place, cast, open_poll


async def test_nothing_links_a_secret_ballot_to_whoever_cast_it(app, api, console):
    place = await build_place(rooms=6)
    daughter = await build_person(place.community.id, ["RESIDENT"])
    await Proxy.create(community=place.community, principal=place.owners[0], agent=daughter, scopes=["VOTE"],
                       evidence="委托书", valid_until=clock.now() + timedelta(days=30), granted_by=place.owners[0])
    poll = await open_poll(console, place, secrecy="SECRET", allowChange=True)
    receipts = []
    await api.sign_in(daughter.handle)
    api.http.headers["x-acting-for"] = str(place.owners[0].id)
    proxied = await api.op("BallotCast", pollId=poll["id"], ballot={"choices": ["i2"]})
    del api.http.headers["x-acting-for"]
    receipts.append(proxied["data"]["ballotCast"]["receiptCode"])
    for n, owner in enumerate(place.owners[1:]):
        receipts.append((await cast(api, owner, poll["id"], ["i1" if n % 2 else "i2"]))["receiptCode"])
    changed = await cast(api, place.owners[1], poll["id"], ["i2"], receiptCode=receipts[1])
    receipts[1] = changed["receiptCode"]
    assert None not in receipts
    db = connections.get("default")

    columns = await db.execute_query_dict(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'poll_ballot'")
    names = {c["column_name"] for c in columns}
    assert names == {"id", "poll_id", "answer", "tracker_hash", "area_dm2", "headcount", "batch"}
    assert not [c for c in columns if "time" in c["data_type"] or "date" in c["data_type"]]  # no timestamps
    references = await db.execute_query_dict(
        "SELECT tc.table_name, kcu.column_name, ccu.table_name AS target FROM information_schema.table_constraints tc "
        "JOIN information_schema.key_column_usage kcu USING (constraint_name) "
        "JOIN information_schema.constraint_column_usage ccu USING (constraint_name) "
        "WHERE tc.constraint_type = 'FOREIGN KEY' "
        "AND (tc.table_name = 'poll_ballot' OR ccu.table_name = 'poll_ballot')")
    outgoing = {(r["column_name"], r["target"]) for r in references if r["table_name"] == "poll_ballot"}
    assert outgoing == {("poll_id", "poll")}  # the poll, nothing about a person or an entry
    # The one column pointing at contents is never filled in a secret poll.
    assert {(r["table_name"], r["column_name"]) for r in references if r["target"] == "poll_ballot"} == \
        {("poll_participation", "content_id")}
    assert not await BallotParticipation.filter(poll_id=poll["id"], content_id__isnull=False).exists()

    ballots = await db.execute_query_dict("SELECT * FROM poll_ballot WHERE poll_id = $1 ORDER BY id", [poll["id"]])
    assert len(ballots) == len(place.owners)
    assert {uuid.UUID(str(b["id"])).version for b in ballots} == {4}  # random, not time-ordered
    # Listed by id, the ballots do not come in the order they were cast.
    cast_order = [_halves(poll["id"], code)[0] for code in receipts]
    assert [b["tracker_hash"] for b in ballots] != cast_order
    assert sorted(b["tracker_hash"] for b in ballots) == sorted(cast_order)

    # The table's physical order followed the casting (the changed ballot last) until the seal at close
    # rewrote the rows in a random order (a 1 in 12! chance that it is the casting's again).
    async def physical_order() -> list[str]:
        return [r["tracker_hash"] for r in await db.execute_query_dict(
            "SELECT tracker_hash FROM poll_ballot WHERE poll_id = $1 ORDER BY ctid", [poll["id"]])]

    chronological = [cast_order[0], *cast_order[2:], cast_order[1]]
    assert await physical_order() == chronological
    assert (await console.op("PollClose", id=poll["id"]))["data"]["pollClose"]["errors"] == []
    assert (await sealing.seal_poll(uuid.UUID(poll["id"]))).tree_size == len(place.owners)
    assert await physical_order() != chronological

    # No value of a ballot (its id, its tracker hash) appears anywhere else in the database.
    tables = [r["table_name"] for r in await db.execute_query_dict(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_type = 'BASE TABLE' AND table_name <> 'poll_ballot'")]
    assert "poll_participation" in tables and "audit_entry" in tables
    values = [str(b["id"]) for b in ballots] + [b["tracker_hash"] for b in ballots]
    for table in tables:
        dump = "\n".join(r["row"] for r in await db.execute_query_dict(f'SELECT t::text AS row FROM "{table}" t'))
        found = [v for v in values if v in dump]
        assert not found, f"{table} holds {found}"
