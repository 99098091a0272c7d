"""The ledger: transfers per second through Linli's batched path (backend/ledger), on one hot account
and spread over 10,000 accounts, against a naive ledger written here on the same database: one
transfer per transaction, both account rows locked (SELECT … FOR UPDATE in id order), checked,
updated, the transfer inserted. Both serve the same CLIENTS concurrent callers, each sending one
transfer at a time and waiting for its answer, over pools of the same size. After each run the
invariants are checked in SQL: every transfer answered is stored once, the ledger sums to zero, no
account below zero, and each stored balance equals the sum of its entries."""

import asyncio
import os
import random
import statistics
import time
import uuid

import asyncpg

from backend.core.bulk import insert_rows
from backend.core.db import transaction
from backend.core.ids import uuid7
from backend.core.settings import get_settings
from backend.ledger.models import Account, AccountFlags, Ledger
from backend.ledger.results import TransferSpec
from backend.ledger.service import create_transfers
from bench import ENV

TRANSFERS = int(os.environ.get("BENCH_LEDGER_TRANSFERS", 20_000))
ACCOUNTS = int(os.environ.get("BENCH_LEDGER_ACCOUNTS", 10_000))
CLIENTS = 200
START_BALANCE = 1_000_000  # fen in each account that pays, so no transfer is refused
SHAPES = ("hot", "spread")

NAIVE_SCHEMA = """
DROP TABLE IF EXISTS bench_naive_transfer, bench_naive_account;
CREATE TABLE bench_naive_account (id uuid PRIMARY KEY, balance bigint NOT NULL, may_overdraw bool NOT NULL);
CREATE TABLE bench_naive_transfer (id uuid PRIMARY KEY, debit uuid NOT NULL REFERENCES bench_naive_account,
    credit uuid NOT NULL REFERENCES bench_naive_account, amount bigint NOT NULL CHECK (amount > 0));
"""


def pairs(shape: str, count: int) -> list[tuple[int, int]]:
    """(debit, credit) indexes into the accounts: index 0 is the funding source, 1 the hot account."""
    rng = random.Random(shape)
    if shape == "hot":  # everyone pays into one escrow account
        return [(rng.randrange(2, ACCOUNTS + 2), 1) for _ in range(count)]
    out = []
    for _ in range(count):
        a, b = rng.sample(range(2, ACCOUNTS + 2), 2)
        out.append((a, b))
    return out


async def _clients(send, work: list) -> float:
    """CLIENTS callers working through `work`, one item at a time each; returns the wall time."""
    queue = iter(work)

    async def client():
        for item in queue:
            await send(item)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return time.perf_counter() - started


async def linli_run(shape: str) -> dict:
    owner_kind = f"bench-{shape}-{uuid.uuid4().hex[:6]}"
    ids = [uuid7() for _ in range(ACCOUNTS + 2)]
    async with transaction() as tx:  # opened in bulk: open_account's one-by-one is not what is measured
        await insert_rows(tx, Account, [
            {"id": account_id, "ledger": Ledger.CNY.value, "owner_kind": owner_kind, "owner_id": uuid.uuid4(),
             "code": "wallet", "community_id": None, "upper_limit": None,
             "flags": int(AccountFlags.NONE if i == 0 else AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS),
             "debits_pending": 0, "debits_posted": 0, "credits_pending": 0, "credits_posted": 0}
            for i, account_id in enumerate(ids)])
    funding = [TransferSpec(id=uuid7(), ledger=Ledger.CNY, code="funding", debit_account_id=ids[0],
                            credit_account_id=i, amount=START_BALANCE) for i in ids[2:]]
    for start in range(0, len(funding), 1000):
        assert all(r.ok for r in await create_transfers(funding[start:start + 1000]))
    work = [TransferSpec(id=uuid7(), ledger=Ledger.CNY, code="bench", debit_account_id=ids[d], credit_account_id=ids[c],
                         amount=random.randint(1, 100)) for d, c in pairs(shape, TRANSFERS)]
    refused = 0

    async def send(spec):
        nonlocal refused
        [result] = await create_transfers([spec])
        refused += not result.ok

    seconds = await _clients(send, work)
    return {"seconds": seconds, "refused": refused, "broken": await linli_invariants(owner_kind, len(funding) + TRANSFERS)}


async def linli_invariants(owner_kind: str, expected: int) -> list[str]:
    connection = await asyncpg.connect(ENV["LINLI_DATABASE_URL"])
    try:
        broken = []
        ids = [r["id"] for r in await connection.fetch("SELECT id FROM ledger_account WHERE owner_kind = $1",
                                                       owner_kind)]
        stored = await connection.fetchval("SELECT count(*) FROM ledger_transfer WHERE debit_account_id = ANY($1)",
                                           ids)
        if stored != expected:
            broken.append(f"{stored} transfers stored of {expected}")
        if await connection.fetchval("SELECT sum(credits_posted - debits_posted) FROM ledger_account WHERE id = ANY($1)",
                                     ids) != 0:
            broken.append("the ledger does not sum to zero")
        if await connection.fetchval("SELECT count(*) FROM ledger_account WHERE id = ANY($1) AND flags = 1 "
                                     "AND debits_posted > credits_posted", ids):
            broken.append("an account below zero")
        mismatched = await connection.fetchval("""
            SELECT count(*) FROM ledger_account a
            WHERE a.id = ANY($1) AND (a.debits_posted <> coalesce((SELECT sum(amount) FROM ledger_transfer
                                                                   WHERE debit_account_id = a.id), 0)
                   OR a.credits_posted <> coalesce((SELECT sum(amount) FROM ledger_transfer
                                                    WHERE credit_account_id = a.id), 0))""", ids)
        if mismatched:
            broken.append(f"{mismatched} stored balances differ from their entries")
        return broken
    finally:
        await connection.close()


async def naive_run(shape: str) -> dict:
    pool = await asyncpg.create_pool(ENV["LINLI_DATABASE_URL"], min_size=get_settings().db_pool_size,
                                     max_size=get_settings().db_pool_size)
    try:
        await pool.execute(NAIVE_SCHEMA)
        ids = sorted(uuid.uuid4() for _ in range(ACCOUNTS + 2))
        source, hot, *payers = ids
        await pool.executemany("INSERT INTO bench_naive_account VALUES ($1, $2, $3)",
                               [(source, -START_BALANCE * len(payers), True), (hot, 0, False)]
                               + [(p, START_BALANCE, False) for p in payers])
        by_index = [source, hot, *payers]
        work = [(uuid.uuid4(), by_index[d], by_index[c], random.randint(1, 100)) for d, c in pairs(shape, TRANSFERS)]
        refused = 0

        async def send(item):
            nonlocal refused
            transfer_id, debit, credit, amount = item
            async with pool.acquire() as connection, connection.transaction():
                rows = {r["id"]: r for r in await connection.fetch(
                    "SELECT id, balance, may_overdraw FROM bench_naive_account WHERE id = ANY($1) ORDER BY id FOR UPDATE",
                    [debit, credit])}
                if not rows[debit]["may_overdraw"] and rows[debit]["balance"] < amount:
                    refused += 1
                    return
                await connection.execute("INSERT INTO bench_naive_transfer VALUES ($1, $2, $3, $4)",
                                         transfer_id, debit, credit, amount)
                await connection.execute("UPDATE bench_naive_account SET balance = balance - $2 WHERE id = $1",
                                         debit, amount)
                await connection.execute("UPDATE bench_naive_account SET balance = balance + $2 WHERE id = $1",
                                         credit, amount)

        seconds = await _clients(send, work)
        broken = []
        if await pool.fetchval("SELECT count(*) FROM bench_naive_transfer") != TRANSFERS - refused:
            broken.append("transfers lost")
        if await pool.fetchval("SELECT sum(balance) FROM bench_naive_account") != 0:
            broken.append("the naive ledger does not sum to zero")
        if await pool.fetchval("SELECT count(*) FROM bench_naive_account WHERE NOT may_overdraw AND balance < 0"):
            broken.append("an account below zero")
        await pool.execute("DROP TABLE bench_naive_transfer, bench_naive_account")
        return {"seconds": seconds, "refused": refused, "broken": broken}
    finally:
        await pool.close()


async def ledger_benchmark() -> dict:
    results = {}
    for shape in SHAPES:
        for ledger, run in (("naive", naive_run), ("linli", linli_run)):
            result = await run(shape)
            result["per_s"] = TRANSFERS / result["seconds"]
            results[(shape, ledger)] = result
            print(f"ledger {shape} {ledger}: {result['per_s']:.0f} transfers/s {result}", flush=True)
    return results


def report(results: dict) -> str:
    lines = ["| accounts | ledger | transfers/s | seconds | refused | invariants |", "|---|---|---|---|---|---|"]
    for (shape, ledger), r in results.items():
        where = "one hot account" if shape == "hot" else f"spread over {ACCOUNTS:,}"
        lines.append(f"| {where} | {ledger} | {r['per_s']:.0f} | {r['seconds']:.1f} | {r['refused']} "
                     f"| {'; '.join(r['broken']) or 'intact'} |")
    ratios = {shape: results[(shape, "linli")]["per_s"] / results[(shape, "naive")]["per_s"] for shape in SHAPES}
    intact = all(not r["broken"] and not r["refused"] for r in results.values())
    met = ratios["hot"] >= 5 and intact
    return f"""## Ledger: {TRANSFERS:,} transfers from {CLIENTS} concurrent callers

What it measures: {TRANSFERS:,} transfers of 1 to 100 fen, each sent by itself by one of {CLIENTS} concurrent
callers in the benchmark's process, who waits for its answer before sending the next; first all into one
hot (escrow) account, then between random pairs of {ACCOUNTS:,} accounts. Linli's ledger gathers concurrent
transfers into batches (backend/ledger/batching.py: each account locked once per batch, in id order);
the naive ledger (written in bench/ledger.py) takes one transaction per transfer with both accounts
locked. Both use pools of {get_settings().db_pool_size} connections to the same database. After each run:
every transfer stored once, the ledger sums to zero, no account below zero, and (Linli) every stored
balance equals the sum of its entries.

{chr(10).join(lines)}

Hot account: Linli {ratios['hot']:.1f}× the naive ledger (target at least 5×, invariants intact:
{'met' if met else 'missed'}); spread: {ratios['spread']:.1f}×. Median of the two Linli runs:
{statistics.median(results[(s, 'linli')]['per_s'] for s in SHAPES):.0f} transfers/s.

"""
