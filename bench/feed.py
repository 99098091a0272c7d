"""Per-person reads over HTTP, one server process each on the same database: Linli's persisted
Feed and Inbox operations (compiled: one SQL statement) and Household (the general strawberry
path), against a hand-written Starlette + asyncpg endpoint returning the same JSON
(bench/baseline.py) and PostGraphile v4 serving equivalent SQL functions (bench/postgraphile.sql,
tools/postgraphile/server.js). Load from wrk; costs per request from bench/probe.py."""

import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx

from backend.accounts.tokens import issue_access_token
from backend.api.contract import client_operations, document_id
from backend.core.db import transaction
from backend.core.ids import uuid7
from backend.core.settings import get_settings
from backend.notices import service as notices
from backend.notices.models import Notice, NoticeState
from backend.people.models import Person
from backend.registry.importer import write_rows
from backend.registry.models import Community
from bench import DB, ENV
from bench import PG as PG_SERVER
from bench.common import ROOT, WORK, drain_seeding, free_port, residents
from bench.probe import CountingProxy, RssSampler, cpu_seconds, memory_mb

FEED_RESIDENTS, NOTICES, PINNED = int(os.environ.get("BENCH_FEED_RESIDENTS", 10_000)), 22, 2
DURATION, CONNECTIONS, ROUNDS, WARM_UP, PROBE_REQUESTS = os.environ.get("BENCH_DURATION", "15s"), 32, 3, "3s", 200
SERVERS = ("baseline", "linli", "postgraphile")  # the order of every round
GRAPHILE = ROOT / "tools" / "postgraphile"
PG, REDIS = urlsplit(PG_SERVER), urlsplit(ENV["LINLI_REDIS_URL"])


async def populate_feed() -> list:
    """10,000 more residents in the demo community, 22 notices to all of them (2 pinned)."""
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
    conn = await asyncpg.connect(ENV["LINLI_DATABASE_URL"])
    try:
        await conn.execute((ROOT / "bench" / "postgraphile.sql").read_text())
    finally:
        await conn.close()
    return list(await Person.filter(display_name__startswith="feed").values_list("id", flat=True))


NOTICE = "id title category importance publishedAt readAt"


@dataclass(frozen=True)
class Operation:
    name: str  # the mini-program's operation; the baseline answers it too
    path: str  # which Linli path answers it
    variables: dict
    graphile: str  # PostGraphile's query for the same rows
    rows: Callable[[dict], tuple]  # what must be equal in the check: Linli's and the baseline's data
    graphile_rows: Callable[[dict], tuple]  # the same from PostGraphile's data
    expected: int  # how many rows the first of them has (the check must compare full answers)


def _ids(nodes: list) -> list:
    return [n["id"] for n in nodes]


OPERATIONS = (
    Operation(
        "Feed", "compiled", {"first": 20},
        f"query Feed($first: Int!) {{ feedPinned {{ nodes {{ {NOTICE} }} }} "
        f"feedLatest(first: $first) {{ nodes {{ {NOTICE} }} pageInfo {{ hasNextPage endCursor }} }} feedUnreadCount }}",
        lambda d: (_ids(d["feed"]["latest"]["nodes"]), _ids(d["feed"]["pinned"]),
                   d["feed"]["latest"]["pageInfo"]["hasNextPage"], d["feed"]["unreadCount"]),
        lambda d: (_ids(d["feedLatest"]["nodes"]), _ids(d["feedPinned"]["nodes"]),
                   d["feedLatest"]["pageInfo"]["hasNextPage"], int(d["feedUnreadCount"])), 20),
    Operation(
        "Inbox", "compiled", {"first": 20},
        "query Inbox($first: Int!) { inbox(first: $first) { nodes { id kind title body createdAt readAt } "
        "pageInfo { hasNextPage endCursor } } }",
        lambda d: (_ids(d["viewer"]["inbox"]["nodes"]), d["viewer"]["inbox"]["pageInfo"]["hasNextPage"]),
        lambda d: (_ids(d["inbox"]["nodes"]), d["inbox"]["pageInfo"]["hasNextPage"]), 20),
    Operation(
        "Household", "general", {},
        "query Household { me residences { nodes { id role since address members } } }",
        lambda d: ([(r["id"], [m["residenceId"] for m in r["members"]]) for r in d["viewer"]["residences"]],
                   d["viewer"]["id"]),
        lambda d: ([(r["id"], [m["residenceId"] for m in r["members"]]) for r in d["residences"]["nodes"]],
                   d["me"]), 1),
)


def body(server: str, op: Operation) -> str:
    if server == "postgraphile":
        return json.dumps({"query": op.graphile, "operationName": op.name, "variables": op.variables})
    return json.dumps({"documentId": document_id(client_operations("mini_program")[op.name]),
                       "operationName": op.name, "variables": op.variables})


def serve(server: str, port: int, pg: str, redis: str) -> subprocess.Popen:
    """One process: uvicorn --workers 1 for Linli and the baseline, one Node process for PostGraphile.
    pg is the server without the database, as in LINLI_BENCH_PG_URL (the baseline imports bench/)."""
    env = os.environ | {"LINLI_DATABASE_URL": f"{pg}/{DB}", "LINLI_REDIS_URL": redis,
                        "LINLI_BENCH_PG_URL": pg, "LINLI_BENCH_REDIS_URL": redis}
    if server == "postgraphile":
        command = ["node", str(GRAPHILE / "server.js")]
        env |= {"DATABASE_URL": f"{pg}/{DB}", "JWT_SECRET": get_settings().token_signing_key, "PORT": str(port),
                "NODE_ENV": "production"}
    else:
        app = ["--factory", "backend.app:create_app"] if server == "linli" else ["bench.baseline:app"]
        command = [sys.executable, "-m", "uvicorn", *app, "--port", str(port), "--workers", "1",
                   "--log-level", "warning", "--no-access-log"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(port: int) -> None:
    for _ in range(300):
        try:
            httpx.post(f"http://127.0.0.1:{port}/graphql", json={}, timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"server on {port} did not start")


class Servers:
    """The three servers, each on the database and Redis given (directly, or through a proxy)."""

    def __init__(self, urls: dict[str, tuple[str, str]]):
        self.ports = {name: free_port() for name in SERVERS}
        self.client = httpx.Client(timeout=10)  # one: a new client per request costs more than most requests
        self.processes = {name: serve(name, self.ports[name], *urls[name]) for name in SERVERS}
        for port in self.ports.values():
            wait_ready(port)

    def post(self, server: str, text: str, token: str) -> dict:
        response = self.client.post(f"http://127.0.0.1:{self.ports[server]}/graphql", content=text,
                                    headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
        return response.json()

    def close(self) -> None:
        self.client.close()
        for process in self.processes.values():
            process.terminate()
            process.wait()


def wrk(port: int, tokens: Path, text: str, duration: str) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}", "--latency", "-s", str(ROOT / "bench" / "feed.lua"),
         f"http://127.0.0.1:{port}"],
        env=os.environ | {"TOKENS": str(tokens), "BODY": text}, capture_output=True, text=True, check=True,
    ).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": ms("50"), "p99": ms("99"),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "errors": (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)}


def check(servers: Servers, op: Operation, token: str) -> None:
    """Before timing: the baseline answers exactly what Linli answers; PostGraphile the same rows."""
    ours = servers.post("linli", body("linli", op), token)
    assert "errors" not in ours, ours
    assert servers.post("baseline", body("baseline", op), token) == ours, f"the baseline must answer what Linli does ({op.name})"
    theirs = servers.post("postgraphile", body("postgraphile", op), token)
    assert "errors" not in theirs, theirs
    assert op.graphile_rows(theirs["data"]) == op.rows(ours["data"]), f"PostGraphile must return the same rows ({op.name})"
    assert len(op.rows(ours["data"])[0]) == op.expected, f"{op.name} answered {op.rows(ours['data'])}"


def rounds(servers: Servers, op: Operation, token_file: Path) -> dict[str, list[dict]]:
    """A warm-up each, then ROUNDS rounds alternating the servers; CPU and peak RSS per round."""
    for server in SERVERS:
        wrk(servers.ports[server], token_file, body(server, op), WARM_UP)
    results: dict[str, list[dict]] = {server: [] for server in SERVERS}
    for _ in range(ROUNDS):
        for server in SERVERS:
            pid = servers.processes[server].pid
            cpu = cpu_seconds(pid)
            with RssSampler(pid) as rss:
                result = wrk(servers.ports[server], token_file, body(server, op), DURATION)
            result["cpu_ms"] = (cpu_seconds(pid) - cpu) * 1000 / max(result["requests"], 1)
            result["rss"] = rss.peak
            results[server].append(result)
    for server in SERVERS:
        results[server][-1]["hwm"] = memory_mb(servers.processes[server].pid, "VmHWM")
    return results


def probe(servers: Servers, proxies: dict[str, list[CountingProxy]], op: Operation,
          tokens: list[str]) -> dict[str, dict]:
    """PROBE_REQUESTS requests one after another per server, counted by the proxies, minus what the
    server sends while idle over as long (measured just before). The same residents asked once
    before, uncounted: a steady state, as under the rounds' load, where every resident recurs."""
    counts = {}
    for server in SERVERS:
        text = body(server, op)
        for token in tokens[:PROBE_REQUESTS]:
            servers.post(server, text, token)
        for proxy in proxies[server]:
            proxy.reset()
        started = time.perf_counter()
        time.sleep(2)
        idle = {k: v / (time.perf_counter() - started) for proxy in proxies[server] for k, v in proxy.reset().items()}
        started = time.perf_counter()
        for token in tokens[:PROBE_REQUESTS]:
            servers.post(server, text, token)
        elapsed = time.perf_counter() - started
        counts[server] = {k: max(v - idle[k] * elapsed, 0) / PROBE_REQUESTS
                          for proxy in proxies[server] for k, v in proxy.reset().items()}
    return counts


async def feed_benchmark(people: list) -> dict:
    """Every operation: from an idle queue, the check, the rounds, then the probe."""
    WORK.mkdir(exist_ok=True)
    token_file = WORK / "tokens.txt"
    pg_port, redis_port = PG.port or 5432, REDIS.port or 6379
    proxies = {server: [CountingProxy("pg", pg_port), CountingProxy("redis", redis_port)] for server in SERVERS}

    def through(sql: CountingProxy, redis: CountingProxy) -> tuple[str, str]:
        return (PG._replace(netloc=f"{PG.username}@127.0.0.1:{sql.port}").geturl(),
                REDIS._replace(netloc=f"127.0.0.1:{redis.port}").geturl())

    servers = await asyncio.to_thread(Servers, {server: (PG.geturl(), REDIS.geturl()) for server in SERVERS})
    counted = await asyncio.to_thread(Servers, {server: through(*proxies[server]) for server in SERVERS})
    results = {}
    try:
        for op in OPERATIONS:
            await drain_seeding()  # an idle queue: nothing left for a worker to do during the timing
            # Tokens last 15 minutes: new ones for each operation, so none expires during its rounds.
            tokens = [issue_access_token(p, uuid7())[0] for p in people]
            token_file.write_text("\n".join(tokens) + "\n")
            print(f"bench {op.name}: check, {ROUNDS} rounds of {DURATION} per server, probe", flush=True)
            await asyncio.to_thread(check, servers, op, tokens[0])
            timed = await asyncio.to_thread(rounds, servers, op, token_file)
            counts = await asyncio.to_thread(probe, counted, proxies, op, tokens)
            results[op.name] = {server: {"rounds": timed[server], **counts[server]} for server in SERVERS}
    finally:
        servers.close()
        counted.close()
        for pair in proxies.values():
            for proxy in pair:
                proxy.close()
    return results


LABELS = {"baseline": "baseline: Starlette + asyncpg, same JSON", "linli": "Linli: GraphQL, persisted {name} ({path})",
          "postgraphile": "PostGraphile v4, same rows from SQL functions"}


def _medians(server: dict) -> dict:
    return {k: statistics.median([r[k] for r in server["rounds"]]) for k in ("rps", "p50", "p99", "cpu_ms")}


def _table(op: Operation, result: dict) -> str:
    lines = ["| server | round | requests/s | p50 ms | p99 ms | CPU ms/request | peak RSS MB | errors |",
             "|---|---|---|---|---|---|---|---|"]
    for server in SERVERS:
        for i, r in enumerate(result[server]["rounds"], 1):
            lines.append(f"| {server} | {i} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['cpu_ms']:.2f} "
                         f"| {r['rss']:.0f} | {r['errors']} |")
    lines += ["", "| server (medians of the rounds) | requests/s | p50 ms | p99 ms | CPU ms/request "
              "| SQL statements/request (of them pool reset) | PostgreSQL round trips/request | Redis round trips/request "
              "| peak RSS MB (VmHWM) |", "|---|---|---|---|---|---|---|---|---|"]
    for server in SERVERS:
        m, s = _medians(result[server]), result[server]
        label = LABELS[server].format(name=op.name, path=op.path)
        lines.append(f"| {label} | {m['rps']:.0f} | {m['p50']:.1f} | {m['p99']:.1f} | {m['cpu_ms']:.2f} | {s['sql']:.2f} "
                     f"({s['reset']:.2f}) | {s['pg_trips']:.2f} | {s['redis']:.2f} | {s['rounds'][-1]['hwm']:.0f} |")
    return "\n".join(lines) + "\n"


def _verdicts(feed: dict) -> str:
    base, ours, theirs = (_medians(feed[s]) for s in SERVERS)
    ratio = ours["rps"] / base["rps"]
    rss = feed["linli"]["rounds"][-1]["hwm"]

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**missed**"
    return f"""- Compiled Feed at ≥ 80 % of the baseline's requests/s and above PostGraphile's: {ratio:.0%} of the
  baseline ({ours['rps']:.0f} vs {base['rps']:.0f}), PostGraphile {theirs['rps']:.0f}: {verdict(ratio >= 0.8 and ours['rps'] > theirs['rps'])}
- Feed p99 no worse than twice the baseline's: {ours['p99']:.1f} ms vs 2 × {base['p99']:.1f} ms: {verdict(ours['p99'] <= 2 * base['p99'])}
- One SQL statement and at most one Redis round trip per Feed request: {feed['linli']['sql']:.2f} statements
  ({feed['linli']['reset']:.2f} of them the pool's reset), {feed['linli']['redis']:.2f} Redis round trips: {verdict(round(feed['linli']['sql'], 2) <= 1 and round(feed['linli']['redis'], 2) <= 1)}
- Linli's RSS under the feed load ≤ 150 MB: peak {rss:.0f} MB: {verdict(rss <= 150)}
"""


def report(results: dict) -> str:
    parts = [f"""## Per-person reads over HTTP (one of {FEED_RESIDENTS:,} residents at random per request)

What it measures: three servers on the same database, one process each (uvicorn `--workers 1` for
Linli and the baseline, one Node process for PostGraphile v4), answering the mini-program's Feed
(20 notices a page, the pinned ones and the unread count), Inbox (20 messages a page) and Household
(where I live and who lives there). Linli answers Feed and Inbox with their compiled plans
(one SQL statement building the JSON) and Household through the general strawberry path. The
baseline (bench/baseline.py) is hand-written Starlette + asyncpg returning exactly Linli's JSON,
without Linli's session checks; PostGraphile serves SQL functions returning the same rows
(bench/postgraphile.sql), the person taken from the `sub` claim of the same access token. Before
timing, one check request proves the baseline answers exactly what Linli answers and PostGraphile
the same rows. Each operation starts from an idle job queue (a worker ran until nothing was left,
then stopped); each server gets a {WARM_UP} warm-up, then {ROUNDS} rounds alternate baseline → Linli →
PostGraphile, each wrk for {DURATION} with the same token file. Requests/s is over the round; p50
and p99 are wrk's latency distribution; errors count non-2xx answers and socket errors. CPU
ms/request is the server process's (and any children's) utime + stime over the round from
/proc/<pid>/stat, divided by the requests wrk completed; peak RSS is VmRSS sampled every 0.2 s
during the round, and VmHWM the process's peak since it started (one process per server serves
the three operations in turn, so a later table's VmHWM can carry an earlier one's peak). wrk
counts a request it gave up on after 2 s as an error and leaves it out of p50 and p99.

SQL statements and Redis round trips per request come from a separate probe, not the timed rounds:
a second set of the same three servers talks to PostgreSQL and Redis through counting proxies
(bench/probe.py); after 20 warm-up requests each gets {PROBE_REQUESTS} requests one after another, and what
the server sent while idle for 2 s just before, scaled to the probe's length, is subtracted. SQL
statements are Execute messages plus the statements of simple Query messages (so a BEGIN, COMMIT,
set_config or a pool's reset query counts); a Redis round trip is each time the client sends after
having had its last answer (a pipeline is one).

"""]
    for op in OPERATIONS:
        parts.append(f"### {op.name} ({'compiled' if op.path == 'compiled' else 'general path'})\n\n"
                     f"{_table(op, results[op.name])}\n")
        if op.name == "Feed":
            parts.append(_verdicts(results[op.name]) + "\n")
    return "".join(parts)
