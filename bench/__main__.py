"""`make bench`: the benchmarks in bench/, each against a baseline measured in the same run,
written to bench/RESULTS.md: the per-person reads (bench/feed.py), the fan-out (bench/fanout.py) and
voting (bench/voting.py: the cast burst; sealing, tally and verification of a 100,000-ballot log) and
the ledger (bench/ledger.py: batched transfers on a hot account and spread, against a naive ledger) and
market search (bench/market_search.py: Chinese search at 100,000 listings, against an ILIKE scan) and
the paid services (bench/services.py: 200 bookings of the last slot, settlement batched against one
transfer per transaction).

Each timed part starts from an idle queue (every outbox row relayed, the job and push streams read to their ends
and acknowledged, nothing left over from seeding or an earlier run) and from reset counters.
Smaller runs, to try the benchmark itself: BENCH_FEED_RESIDENTS, BENCH_FANOUT_RESIDENTS,
BENCH_VOTING_HOUSEHOLDS, BENCH_VOTING_ROUNDS, BENCH_DURATION, BENCH_LEDGER_TRANSFERS, BENCH_LEDGER_ACCOUNTS,
BENCH_MARKET_LISTINGS, BENCH_MARKET_ROUNDS, BENCH_SERVICES_ORDERS (their figures are not for RESULTS.md);
BENCH_ONLY=feed, fanout, voting, ledger, market_search or services runs one and replaces only its own
section of RESULTS.md.
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
from bench import fanout, feed, ledger, market_search, services, voting
from bench.common import ROOT, drain_seeding, prepare

CONNECTIONS, DURATION = feed.CONNECTIONS, feed.DURATION
PARTS = ("feed", "fanout", "voting", "ledger", "market_search", "services")


def header(load: float) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    cores = os.cpu_count() or 1
    busy = (f" (above {cores}: other work shared the machine, and every figure is lower than an idle machine's)"
            if load > cores else "")
    return f"""# Benchmark results

Machine: {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; Python {platform.python_version()};
PostgreSQL and Redis on the same machine; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Load generator: wrk, 2 threads,
{CONNECTIONS} connections, {DURATION}, on the same 2 cores as the servers. Load average (1 min) when the run
started: {load:.1f}{busy}.

"""


async def main() -> None:
    only = os.environ.get("BENCH_ONLY", "")
    if only not in ("", *PARTS):
        raise SystemExit(f"BENCH_ONLY is one of {', '.join(PARTS)}, not {only!r}")
    load = os.getloadavg()[0]
    await prepare()
    sections = []
    if only in ("", "feed"):
        started = time.perf_counter()
        people = await feed.populate_feed()
        await drain_seeding()
        print(f"populated the feed data and drained its jobs in {time.perf_counter() - started:.0f} s", flush=True)
        random.shuffle(people)
        feed_results = await feed.feed_benchmark(people)
        print(json.dumps(feed_results), flush=True)
        sections.append(feed.report(feed_results))
    if only in ("", "fanout"):
        sections.append(fanout.report(await fanout.fanout_benchmark()))
    if only in ("", "voting"):
        sections.append(voting.report(await voting.voting_benchmark()))
    if only in ("", "ledger"):
        sections.append(ledger.report(await ledger.ledger_benchmark()))
    if only in ("", "market_search"):
        sections.append(market_search.report(await market_search.market_search_benchmark()))
    if only in ("", "services"):
        sections.append(services.report(await services.booking_benchmark(), await services.settlement_benchmark()))
    await db.close_db()
    results = ROOT / "bench" / "RESULTS.md"
    if only and results.exists():
        text = replace_section(results.read_text(), sections[0], load)
    else:
        text = header(load) + "".join(sections)
    results.write_text(text)
    print(text)


def replace_section(text: str, section: str, load: float) -> str:
    """RESULTS.md with one part measured again: its section (by its heading up to the colon) replaced,
    or added at the end, saying when and under what load it was measured."""
    title = section.split("\n", 1)[0].split(":", 1)[0]
    heading, rest = section.split("\n", 1)
    section = f"{heading}\n\nMeasured on its own on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {load:.1f}.\n{rest}"
    parts = text.split("\n## ")
    for n, part in enumerate(parts[1:], start=1):
        if ("## " + part).startswith(title):
            parts[n] = section.removeprefix("## ")
            return "\n## ".join(parts)
    return text.rstrip("\n") + "\n\n" + section


if __name__ == "__main__":
    asyncio.run(main())
