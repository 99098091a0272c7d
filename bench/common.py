"""What the benchmarks share: a new
database, residents to import, the worker processes and the idle queue every timed part starts from."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
from redis.asyncio import Redis
from redis.exceptions import ResponseError

from backend.core import db
from backend.core.outbox import OutboxMessage
from backend.core.relay import HEARTBEATS
from backend.core.runtime import start_runtime
from backend.core.settings import get_settings
from backend.registry.importer import ResidentRow
from backend.registry.models import ResidentRole
from bench import DB, ENV, IDLE_WAIT_S, PG

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"


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
    return {"feed": "7", "fan": "8", "vote": "6"}[prefix]


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


def start_worker(env: dict | None = None) -> list[subprocess.Popen]:
    """The job worker and the push worker, as deployed: the commands of `make worker` and `make
    push-worker` (infra/compose.yaml's too), so each runs taskiq's default of two worker processes."""
    return [subprocess.Popen([sys.executable, "-m", "taskiq", "worker", entry_point],
                             cwd=ROOT, env=env or os.environ.copy(), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
            for entry_point in ("workers.worker:broker", "workers.push_worker:broker")]


def cpu_seconds(process: subprocess.Popen) -> float:
    """CPU time used so far by a worker: its supervisor and the worker children in its process group."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[2]) == process.pid:  # pgrp; utime and stime follow at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def stop_worker(worker: list[subprocess.Popen]) -> None:
    for process in worker:
        os.killpg(process.pid, 9)
        process.wait()


STREAMS = {"jobs": "workers", "push": "push-workers"}  # each queue's stream and consumer group (core.jobs)


async def queue_state() -> dict:
    """What is still to do: outbox rows not yet relayed; on each job stream (the jobs' and the
    pushes'), entries its workers have not read (lag) or read but not acknowledged (pending)."""
    settings = get_settings()
    state = {"outbox": await OutboxMessage.filter(relayed_at=None).count()}
    redis = Redis.from_url(settings.redis_url)
    try:
        for queue, group_name in STREAMS.items():
            stream, unread, pending = f"{settings.redis_prefix}{queue}", 0, 0
            try:
                last_queued = (await redis.xinfo_stream(stream))["last-generated-id"]
                groups = await redis.xinfo_groups(stream)
                group = next((g for g in groups if g["name"].decode() == f"{settings.redis_prefix}{group_name}"), {})
                pending = group.get("pending", 0)
                # lag counts unread entries; it is unknown (None) after trimming, when the ids still tell.
                unread = group.get("lag") or int(group.get("last-delivered-id") != last_queued)
            except ResponseError:  # no stream yet: nothing was ever queued
                pass
            state |= {f"{queue}_unread": unread, f"{queue}_pending": pending}
    finally:
        await redis.aclose()
    return state


async def wait_until_idle() -> None:
    """Until running workers have done everything queued: a heartbeat job is queued last on each
    stream, so both workers have been seen taking work, then every count must be zero."""
    for beat in HEARTBEATS:
        await beat.kiq()
    deadline = time.perf_counter() + IDLE_WAIT_S
    while any((state := await queue_state()).values()):
        if time.perf_counter() > deadline:
            raise RuntimeError(f"the job queues did not become idle: {state}")
        await asyncio.sleep(0.5)


async def wait_until_quiet(worker: list[subprocess.Popen]) -> None:
    """Until the workers' processes have finished starting (imports, connections): no CPU used for a
    second, so none of their start-up is in a timed part's CPU figures."""
    deadline = time.perf_counter() + IDLE_WAIT_S
    used = sum(cpu_seconds(p) for p in worker)
    while time.perf_counter() < deadline:
        await asyncio.sleep(1)
        used, before = sum(cpu_seconds(p) for p in worker), used
        if used - before < 0.05:
            return
    raise RuntimeError("the workers did not become idle")


async def drain_seeding() -> None:
    """The seeding's own jobs (the feed notices' push jobs) run now, not during a measurement."""
    worker = start_worker()
    try:
        await wait_until_idle()
    finally:
        stop_worker(worker)
