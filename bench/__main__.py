"""`make bench`: the Viewer operation over HTTP through the whole platform, against the baseline
in bench/baseline.py, both on uvicorn with 2 worker processes and the same PostgreSQL database,
measured in the same run. Prints a table and writes bench/RESULTS.md."""

import asyncio
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx

from backend.api.contract import client_operations, document_id

ROOT = Path(__file__).resolve().parents[1]
PG = os.environ.get("LINLI_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
DB = "linli_bench"
CONCURRENCY = 32
REQUESTS = 3000
WARMUP = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app: str, port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", *(["--factory"] if app.endswith("create_app") else []),
         app, "--port", str(port), "--workers", "2", "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


async def wait_ready(base: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(300):
            try:
                await http.post(f"{base}/graphql", json={})
                return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    raise RuntimeError(f"{base} did not start")


async def load(base: str, body: dict, token: str) -> dict:
    """REQUESTS requests from CONCURRENCY connections; latency per request, throughput overall."""
    latencies: list[float] = []
    headers = {"authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        async def worker(count: int, record: bool) -> None:
            for _ in range(count):
                started = time.perf_counter()
                response = await http.post("/graphql", json=body, headers=headers)
                response.raise_for_status()
                if record:
                    latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker(WARMUP // CONCURRENCY, False) for _ in range(CONCURRENCY)))
        started = time.perf_counter()
        await asyncio.gather(*(worker(REQUESTS // CONCURRENCY, True) for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


async def prepare(env: dict) -> None:
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    await admin.close()
    migrate = await asyncio.create_subprocess_exec(sys.executable, "-m", "backend", "prepare", cwd=ROOT, env=env)
    if await migrate.wait() != 0:
        raise RuntimeError("could not prepare the benchmark database")


async def main() -> None:
    env = {**os.environ, "LINLI_ENV": "dev", "LINLI_DATABASE_URL": f"{PG}/{DB}",
           "LINLI_REDIS_URL": os.environ.get("LINLI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
           "LINLI_REDIS_PREFIX": "linli-bench:", "LINLI_RATE_BURST": "100000000", "LINLI_LOG_LEVEL": "WARNING"}
    await prepare(env)
    ops = client_operations("mini_program")
    linli_port, base_port = free_port(), free_port()
    servers = [serve("backend.app:create_app", linli_port, env), serve("bench.baseline:app", base_port, env)]
    try:
        linli, baseline = f"http://127.0.0.1:{linli_port}", f"http://127.0.0.1:{base_port}"
        await wait_ready(linli)
        await wait_ready(baseline)
        async with httpx.AsyncClient(base_url=linli) as http:
            login = await http.post("/graphql", json={"documentId": document_id(ops["DemoLogin"]),
                                                      "variables": {"handle": "resident"}})
            token = login.json()["data"]["authDemoLogin"]["tokens"]["accessToken"]
        body = {"documentId": document_id(ops["Viewer"])}
        results = {"baseline (Starlette + asyncpg)": await load(baseline, body, token),
                   "Linli (GraphQL, persisted Viewer)": await load(linli, body, token)}
    finally:
        for server in servers:
            server.terminate()
            server.wait()
    write(results)


def write(results: dict) -> None:
    (base, b), (_, ours) = results.items()  # the baseline first
    rows = "\n".join(f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} |" for name, r in results.items())
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    text = f"""# Benchmark results

Machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.
Both servers: uvicorn, 2 worker processes, the same PostgreSQL database (demo community seeded);
client: {CONCURRENCY} concurrent connections, {REQUESTS} requests after {WARMUP} warm-up, on the same machine.

## Viewer (the signed-in resident and her memberships) over HTTP

| server | requests/s | p50 ms | p99 ms |
|---|---|---|---|
{rows}

Linli reaches **{ours['rps'] / b['rps']:.0%}** of the throughput of the {base}.
The Python load client shares the machine's 2 cores with both servers and is itself a bottleneck,
so absolute figures are low and p99 is dominated by scheduling; the ratio is what to compare
between runs. A native load generator (wrk) is the next step for the feed benchmark of issue 4.
"""
    (ROOT / "bench" / "RESULTS.md").write_text(text)
    print(text)


if __name__ == "__main__":
    asyncio.run(main())
