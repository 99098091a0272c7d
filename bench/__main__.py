"""`make bench`: the benchmarks in bench/, each against a baseline measured in the same run,
written to bench/RESULTS.md: the home feed (bench/feed.py) and the fan-out (bench/fanout.py).

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
import time
from datetime import UTC, datetime
from pathlib import Path

from backend.core import db
from bench import fanout, feed
from bench.common import ROOT, drain_seeding, prepare

CONNECTIONS, DURATION = feed.CONNECTIONS, feed.DURATION


def header(load: float) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return f"""# Benchmark results

Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; Python {platform.python_version()};
PostgreSQL and Redis on the same machine; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Load generator: wrk, 2 threads,
{CONNECTIONS} connections, {DURATION}, on the same 2 cores as the servers. Load average (1 min) when the run
started: {load:.1f} (above {os.cpu_count()}, other work shared the machine and every figure is lower than an idle
machine's).

"""


async def main() -> None:
    load = os.getloadavg()[0]
    await prepare()
    started = time.perf_counter()
    tokens = await feed.populate_feed()
    await drain_seeding()
    print(f"populated the feed data and drained its jobs in {time.perf_counter() - started:.0f} s", flush=True)
    random.shuffle(tokens)
    feed_results = await asyncio.to_thread(feed.feed_benchmark, tokens)
    print(json.dumps(feed_results), flush=True)
    fanout_results = await fanout.fanout_benchmark()
    await db.close_db()
    text = header(load) + feed.report(feed_results) + fanout.report(fanout_results)
    (ROOT / "bench" / "RESULTS.md").write_text(text)
    print(text)


if __name__ == "__main__":
    asyncio.run(main())
