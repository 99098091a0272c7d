"""The home feed over HTTP: the mini-program's persisted Feed operation (20 notices a page) for one of
10,000 residents chosen at random per request, against a hand-written Starlette + asyncpg endpoint
returning the same JSON from the same database (bench/baseline.py). Load from wrk."""

import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from backend.accounts.tokens import issue_access_token
from backend.api.contract import client_operations, document_id
from backend.core.db import transaction
from backend.core.ids import uuid7
from backend.notices import service as notices
from backend.notices.models import Notice, NoticeState
from backend.people.models import Person
from backend.registry.importer import write_rows
from backend.registry.models import Community
from bench.common import ROOT, WORK, free_port, residents

FEED_RESIDENTS, NOTICES, PINNED = int(os.environ.get("BENCH_FEED_RESIDENTS", 10_000)), 22, 2
DURATION, CONNECTIONS = os.environ.get("BENCH_DURATION", "15s"), 32


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


def report(feed: dict) -> str:
    base, ours = feed["baseline"], feed["linli"]
    ratio = ours["rps"] / base["rps"]
    verdict_feed = "met" if ratio >= 0.8 and ours["p99"] <= 50 else "missed"
    return f"""## Home feed over HTTP (20 notices a page, one of {FEED_RESIDENTS:,} residents at random per request)

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

### Where the feed's time goes

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

"""
