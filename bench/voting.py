"""The voting burst: 10,000 households cast their ballots at once through the mini-program's persisted
BallotCast, from 200 concurrent HTTP clients to one API process, against a hand-written endpoint doing
the same insert (bench/voting_baseline.py); some clients re-send a cast, and afterwards every accepted
ballot must have its row and no entry more than one. Then sealing, tally and verification of a
100,000-ballot log, in seconds (bench/voting_log.py)."""

import asyncio
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

import asyncpg
import httpx

from backend.accounts.tokens import issue_access_token
from backend.api.contract import client_operations, document_id
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.ids import uuid7
from backend.people.models import Person
from backend.registry.importer import write_rows
from backend.registry.models import Community, Estate, Membership
from backend.voting import service
from backend.voting.models import ElectorateKind, PollKind
from bench import ENV, voting_log
from bench.common import ROOT, WORK, drain_seeding, free_port, residents
from bench.probe import cpu_seconds

HOUSEHOLDS = int(os.environ.get("BENCH_VOTING_HOUSEHOLDS", 10_000))
CLIENTS, ROUNDS, WARM_UP = 200, int(os.environ.get("BENCH_VOTING_ROUNDS", 3)), min(1_000, HOUSEHOLDS // 4)
RETRY_EVERY = 20  # one household in 20 re-sends its cast after the answer; as many others race a second copy
SERVERS = ("baseline", "linli")  # the order of every round
APPS = {"baseline": ["bench.voting_baseline:app"], "linli": ["--factory", "backend.app:create_app"]}
PREFIX = "vote"


@dataclass
class Households:
    staff: Actor  # who opens the polls
    community_id: UUID
    estates: list[str]  # the polls' scope
    owners: list[UUID]  # one per household


async def populate_voting() -> Households:
    """10,000 homes in two estates of the demo community, an owner (an adult) in each."""
    community = await Community.get(code="yangguang")
    async with transaction() as tx:
        await write_rows(tx, community.id, residents(PREFIX, HOUSEHOLDS))
    committee = await Person.get(handle="committee")
    roles = await Membership.filter(person_id=committee.id, community_id=community.id).values_list("role", flat=True)
    staff = Actor(person_id=committee.id, roles={community.id: frozenset(str(r) for r in roles)})
    estates = await Estate.filter(community_id=community.id, name__startswith=f"{PREFIX}小区").values_list("id", flat=True)
    owners = await Person.filter(display_name__startswith=PREFIX).values_list("id", flat=True)
    return Households(staff, community.id, [str(e) for e in estates], list(owners))


async def open_poll(households: Households, title: str, **rules) -> tuple[UUID, float]:
    """A household poll over the benchmark's estates, opened through the service (which freezes the
    electorate); with how long opening took."""
    draft = service.PollDraft(title=title, kind=PollKind.SINGLE, items=[{"label": "同意"}, {"label": "反对"}],
                              electorate=ElectorateKind.HOUSEHOLD, scope={"kind": "ESTATE", "ids": households.estates},
                              closes_at=clock.now() + timedelta(days=1), **rules)
    poll = await service.create_poll(households.staff, community_id=households.community_id, draft=draft)
    started = time.perf_counter()
    await service.open_poll(households.staff, poll_id=poll.id)
    return poll.id, time.perf_counter() - started


def cast_requests(poll_id: UUID, tokens: dict[UUID, str]) -> dict[UUID, bytes]:
    """Each voter's HTTP request casting a ballot for one of the two options, as the mini-program sends it."""
    document = document_id(client_operations("mini_program")["BallotCast"])
    requests = {}
    for person, token in tokens.items():
        body = json.dumps({"documentId": document, "operationName": "BallotCast", "variables": {
            "pollId": str(poll_id), "ballot": {"choices": [random.choice(("i1", "i2"))]}}}).encode()
        requests[person] = (f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    return requests


def shares(voters: list[UUID]) -> list[list[UUID]]:
    """Each client's voters in the order it casts: its share, with a retry after every RETRY_EVERY-th
    voter's first answer, and RETRY_EVERY-th voters of the next client's share sent at the same
    point by this one (a double tap racing the first cast)."""
    queues = [voters[c::CLIENTS] for c in range(CLIENTS)]
    out = []
    for c, queue in enumerate(queues):
        neighbour, cast = queues[(c + 1) % CLIENTS], []
        for i, voter in enumerate(queue):
            cast.append(voter)
            if i % RETRY_EVERY == 0:
                cast.append(voter)
            if i % RETRY_EVERY == RETRY_EVERY // 2 and i < len(neighbour):
                cast.append(neighbour[i])
        out.append(cast)
    return out


@dataclass
class Answer:
    voter: UUID
    seconds: float
    status: int
    body: dict


async def _client(port: int, queue: list[UUID], requests: dict[UUID, bytes], answers: list[Answer]) -> None:
    """One keep-alive HTTP/1.1 connection sending its queue one request after another: a few lines of
    asyncio streams, so the load generator costs the shared CPU little next to the server."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for voter in queue:
            started = time.perf_counter()
            writer.write(requests[voter])
            head = (await reader.readuntil(b"\r\n\r\n")).decode().lower()
            length = next(int(line.split(":", 1)[1]) for line in head.split("\r\n")
                          if line.startswith("content-length:"))
            body = await reader.readexactly(length)
            status = int(head[9:12])
            answers.append(Answer(voter, time.perf_counter() - started, status,
                                  json.loads(body) if status == 200 else {"text": body.decode()}))
    finally:
        writer.close()


def _payload(answer: Answer) -> dict:
    """The BallotCast payload of an answer ({} for a failed request)."""
    return ((answer.body.get("data") or {}).get("ballotCast") or {}) if answer.status == 200 else {}


async def burst(port: int, pid: int, requests: dict[UUID, bytes], voters: list[UUID]) -> dict:
    """All clients at once; throughput over the whole burst, latency per request, the server's CPU."""
    answers: list[Answer] = []
    cpu, client_cpu = cpu_seconds(pid), time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(_client(port, queue, requests, answers) for queue in shares(voters)))
    elapsed = time.perf_counter() - started
    server_cpu, client_cpu = cpu_seconds(pid) - cpu, time.process_time() - client_cpu
    latencies = sorted(a.seconds * 1000 for a in answers)
    accepted = [a for a in answers if _payload(a).get("receiptCode")]
    refused = [a for a in answers if [e["field"] for e in _payload(a).get("errors", [])] == ["entryId"]]
    if failed := next((a.body for a in answers if not _payload(a) or "errors" in a.body), None):
        print(f"bench voting: a failed request answered {failed}", flush=True)
    return {"seconds": elapsed, "requests": len(answers), "accepted": len(accepted), "refused": len(refused),
            "errors": len(answers) - len(accepted) - len(refused), "ballots_s": len(accepted) / elapsed,
            "p50": latencies[len(latencies) // 2], "p99": latencies[int(len(latencies) * 0.99)],
            "cpu_ms": server_cpu * 1000 / max(len(accepted), 1), "client_cpu_ms": client_cpu * 1000 / len(answers),
            "voters": len(voters), "_accepted": accepted}


async def audit(poll_id: UUID, accepted: list[Answer]) -> dict:
    """After a burst, from the database: duplicates are entries accepted twice and rows beyond one per
    entry; lost are accepted answers whose participation (with this receipt's change key) or ballot
    content is not there."""
    entries = [a.body["data"]["ballotCast"]["entryId"] for a in accepted]
    keys = {a.body["data"]["ballotCast"]["entryId"]: hashlib.sha256(
        a.body["data"]["ballotCast"]["receiptCode"].replace("-", "")[16:].encode()).hexdigest() for a in accepted}
    conn = await asyncpg.connect(ENV["LINLI_DATABASE_URL"])
    try:
        stored = {str(e): k for e, k in await conn.fetch(
            "SELECT p.entry_id, p.change_hash FROM poll_participation p JOIN poll_ballot b ON b.id = p.content_id "
            "WHERE p.poll_id = $1", poll_id)}
        rows = await conn.fetchval("SELECT (SELECT count(*) FROM poll_ballot WHERE poll_id = $1) + "
                                   "(SELECT count(*) FROM poll_participation WHERE poll_id = $1)", poll_id)
    finally:
        await conn.close()
    return {"duplicates": (len(entries) - len(set(entries))) + (rows - 2 * len(stored)),
            "lost": sum(stored.get(entry) != key for entry, key in keys.items())}


def uvicorn(server: str, port: int) -> subprocess.Popen:
    """One API process, as feed.py runs them: uvicorn --workers 1; what it logs in bench/.work/."""
    WORK.mkdir(exist_ok=True)
    with (WORK / f"voting-{server}.log").open("w") as log:
        return subprocess.Popen([sys.executable, "-m", "uvicorn", *APPS[server], "--port", str(port), "--workers",
                                 "1", "--log-level", "warning", "--no-access-log"],
                                cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)


def wait_ready(port: int) -> None:
    for _ in range(300):
        try:
            httpx.post(f"http://127.0.0.1:{port}/graphql", json={}, timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


async def voting_benchmark() -> dict:
    """From an idle queue, each round: a fresh poll per server (the baseline first), its burst, its audit."""
    started = time.perf_counter()
    households = await populate_voting()
    owners = households.owners
    print(f"bench voting: {len(owners)} households in {time.perf_counter() - started:.0f} s", flush=True)
    ports = {server: free_port() for server in SERVERS}
    processes = {server: uvicorn(server, ports[server]) for server in SERVERS}
    results: dict = {"rounds": {server: [] for server in SERVERS}, "open_s": []}
    try:
        for port in ports.values():
            await asyncio.to_thread(wait_ready, port)
        warm_poll, _ = await open_poll(households, "预热")
        tokens = {p: issue_access_token(p, uuid7())[0] for p in owners}
        warm = cast_requests(warm_poll, tokens)
        for n, server in enumerate(SERVERS):  # each its own voters of one poll: a fresh first cast each
            voters = owners[n * WARM_UP:(n + 1) * WARM_UP]
            await burst(ports[server], processes[server].pid, warm, voters)
        for r in range(ROUNDS):
            for server in SERVERS:
                poll_id, opened = await open_poll(households, f"第 {r + 1} 轮（{server}）")
                results["open_s"].append(opened)
                await drain_seeding()  # an idle queue: nothing left for a worker to do during the burst
                # Tokens last 15 minutes: new ones for each burst, so none expires during it.
                tokens = {p: issue_access_token(p, uuid7())[0] for p in owners}
                voters = random.sample(owners, len(owners))
                result = await burst(ports[server], processes[server].pid, cast_requests(poll_id, tokens), voters)
                result |= await audit(poll_id, result.pop("_accepted"))
                print(f"bench voting round {r + 1} {server}: {json.dumps(result)}", flush=True)
                results["rounds"][server].append(result)
    finally:
        for process in processes.values():
            process.terminate()
            process.wait()
    results["log"] = voting_log.log_benchmark()
    print(f"bench voting log: {json.dumps(results['log'])}", flush=True)
    seal_poll, _ = await open_poll(households, "封存", proxy_cap=0)  # sealed while open: no proxy to override
    results["sealing"] = await voting_log.seal_benchmark(seal_poll)
    print(f"bench voting sealing: {json.dumps(results['sealing'])}", flush=True)
    return results


def _median(rounds: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rounds)


def report(results: dict) -> str:
    rounds = results["rounds"]
    lines = ["| server | round | ballots/s | requests | p50 ms | p99 ms | server CPU ms/ballot | accepted | refused retries "
             "| errors | duplicates | lost |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for server in SERVERS:
        for i, r in enumerate(rounds[server], 1):
            lines.append(f"| {server} | {i} | {r['ballots_s']:.0f} | {r['requests']} | {r['p50']:.0f} | {r['p99']:.0f} "
                         f"| {r['cpu_ms']:.2f} | {r['accepted']} | {r['refused']} | {r['errors']} | {r['duplicates']} "
                         f"| {r['lost']} |")
    base, ours = (_median(rounds[s], "ballots_s") for s in SERVERS)
    base_cpu, our_cpu = (_median(rounds[s], "cpu_ms") for s in SERVERS)
    ratios = [o["ballots_s"] / b["ballots_s"] for b, o in zip(rounds["baseline"], rounds["linli"], strict=True)]
    clean = all(r["duplicates"] == 0 and r["lost"] == 0 and r["errors"] == 0 and r["accepted"] == r["voters"]
                for s in SERVERS for r in rounds[s])
    ok = statistics.median(ratios) >= 0.5 and clean
    return f"""## Voting: a burst of {HOUSEHOLDS:,} ballots over HTTP

What it measures: {HOUSEHOLDS:,} households (an owner each, imported in bulk) and, per server and round, a
fresh household poll opened through the service (the electorate frozen as in production: opening took
{statistics.median(results['open_s']):.1f} s, median). Every owner gets an access token made as sign-in makes it. Then
{CLIENTS} concurrent HTTP/1.1 keep-alive clients (asyncio streams in the benchmark's process, costing
{_median(rounds['linli'], 'client_cpu_ms'):.2f} ms CPU a request) cast every household's ballot once, as the mini-program's
persisted BallotCast, against one server process (uvicorn `--workers 1`). One household in {RETRY_EVERY} re-sends its cast
after the answer (a retry) and as many get a second copy racing the first from another client; the
poll keeps the first ballot, so each must be refused. The baseline (bench/voting_baseline.py) is
hand-written Starlette + asyncpg with Linli's pool and JSON: the same token check (signature, expiry,
revoked-session marker in Redis), the caller's entry in the open poll, then the content row and the
participation row in one transaction under the same unique entry; it does not publish the live turnout
nor keep an audit of proxies, which Linli does. Each round the baseline goes first, each burst from an
idle job queue, after a {WARM_UP:,}-ballot warm-up per server on a poll of its own. Ballots/s is accepted
ballots over the burst's wall time; p50 and p99 are per request (retries included); server CPU is the
process's utime + stime over the burst per accepted ballot. After each burst the database is checked:
duplicates are entries accepted twice plus rows beyond one content and one participation per accepted
entry; lost are accepted answers whose participation (with that receipt's change key) and content are
not both there.

{chr(10).join(lines)}

- Burst at ≥ 50 % of the hand-written endpoint's ballots/s with 0 duplicates and 0 lost: {statistics.median(ratios):.0%}
  (median of the rounds' ratios; medians {ours:.0f} vs {base:.0f} ballots/s; server CPU {our_cpu:.2f} vs
  {base_cpu:.2f} ms a ballot): {"**met**" if ok else "**missed**"}

{voting_log.report(results["log"], voting_log.sealing_report(results["sealing"]))}"""
