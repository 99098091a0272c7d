"""Sealing, tally and verification of a 100,000-ballot poll log: the pure cores (backend/voting/merkle.py,
tally.py, verify_log.py) in CPU seconds on a log built as the sealing job builds it, and the sealing job
itself (backend/voting/sealing.py) on 100,000 rows in the database."""

import os
import random
import time
from collections.abc import Callable
from uuid import UUID

import asyncpg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from backend.voting import poll_log, sealing
from backend.voting.merkle import MerkleTree, sign_tree_head
from backend.voting.models import Poll
from backend.voting.tally import Ballot, ElectorateKind, ElectorateSummary, Matter, PollKind, PollSpec, Stance, tally
from backend.voting.verify_log import ballot_leaf, describe_poll, export_log, poll_digest, tracker_hash, verify_log
from bench import ENV

BALLOTS = int(os.environ.get("BENCH_VOTING_LOG_BALLOTS", 100_000))
BATCH = 10_000  # ballots per sealing batch (one signed tree head each)
POLL = "0190f3c2-6a1e-7b4c-9d2e-5f8a7b6c5d4e"
# An owners' assembly on two motions, a major matter: the heaviest kind to count (area and heads per motion).
SPEC = PollSpec(PollKind.MOTIONS, ElectorateKind.OWNERS_ASSEMBLY, motions=("加装电梯", "续聘物业"), matter=Matter.MAJOR)


def _timed(call: Callable[[], object]) -> tuple[object, float]:
    started = time.process_time()
    value = call()
    return value, time.process_time() - started


def log_benchmark() -> dict:
    rng = random.Random(10)
    electorate = ElectorateSummary(entries=BALLOTS + BALLOTS // 10, area_dm2=BALLOTS * 11_000)
    ballots = [(f"T{i:015d}", {m: rng.choice(list(Stance)) for m in SPEC.motions}, 5_000 + rng.randrange(10_000))
               for i in range(BALLOTS)]
    key, digest = Ed25519PrivateKey.generate(), poll_digest(describe_poll(SPEC, electorate))

    def seal() -> tuple[list[bytes], list]:
        leaves = [ballot_leaf(tracker_hash(POLL, code), choices, area) for code, choices, area in ballots]
        tree, heads = MerkleTree(), []
        for start in range(0, BALLOTS, BATCH):
            tree.extend(leaves[start:start + BATCH])
            heads.append(sign_tree_head(tree.head(POLL, digest, 1_790_000_000_000 + start), key))
        return leaves, heads

    (leaves, heads), sealing = _timed(seal)
    document, exporting = _timed(lambda: export_log(POLL, SPEC, electorate, leaves, heads, key.public_key()))
    result, tallying = _timed(lambda: tally(SPEC, electorate, [Ballot(c, area_dm2=a) for _, c, a in ballots]))
    checked, verifying = _timed(lambda: verify_log(document, ballots[BALLOTS // 2][0], key.public_key().public_bytes_raw()))
    assert checked.result == result and checked.ballots == BALLOTS, "the verified re-count must equal the tally"
    return {"ballots": BALLOTS, "heads": len(heads), "seal_s": sealing, "export_s": exporting, "tally_s": tallying,
            "verify_s": verifying}


# 100,000 ballots of a SINGLE poll, as casting writes them (random ids and tracker hashes, unsealed).
BALLOT_ROWS = """INSERT INTO poll_ballot (id, poll_id, answer, tracker_hash, area_dm2, headcount)
SELECT gen_random_uuid(), $1, jsonb_build_object('choices', jsonb_build_array(CASE WHEN random() < 0.5 THEN 'i1'
  ELSE 'i2' END)), encode(sha256(gen_random_uuid()::text::bytea), 'hex'), 0, 1 FROM generate_series(1, $2)"""


async def seal_benchmark(poll_id: UUID) -> dict:
    """The sealing job on an open poll sealed while open (no proxies, no changes): BALLOTS rows written in
    bulk, its frozen electorate raised to hold them, then `sealing.seal_poll` seals them as one batch;
    then the log's export and the staff's check (`poll_log.check`: verify_log and the stored rows).
    Wall seconds (PostgreSQL's share included) and the benchmark process's CPU seconds."""
    conn = await asyncpg.connect(ENV["LINLI_DATABASE_URL"])
    try:
        await conn.execute("UPDATE poll SET electorate_size = $2 WHERE id = $1", poll_id, BALLOTS + BALLOTS // 10)
        await conn.execute(BALLOT_ROWS, poll_id, BALLOTS)
    finally:
        await conn.close()
    poll = await Poll.get(id=poll_id)
    timings = {}
    for step, call in (("seal", lambda: sealing.seal_poll(poll_id)), ("export", lambda: poll_log.export(poll)),
                       ("check", lambda: poll_log.check(poll))):
        started, cpu = time.perf_counter(), time.process_time()
        value = await call()
        timings[step] = {"wall_s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu}
    assert value.ok and value.tree_size == BALLOTS, value.lines
    return timings


def sealing_report(timings: dict) -> str:
    rows = {"seal": "sealing.seal_poll: read, leaves, tree, signed head, batch set row by row in random order",
            "export": "poll_log.export: the log document from the rows", "check": "poll_log.check: export, verify_log "
            "and the stored rows' checks"}
    return (f"The sealing job on {BALLOTS:,} ballot rows of one poll in the database (one batch), then the log's "
            "export and the staff's check, wall seconds (PostgreSQL's part included) and the benchmark "
            "process's CPU seconds:\n\n| step | wall s | CPU s |\n|---|---|---|\n"
            + "".join(f"| {rows[k]} | {t['wall_s']:.2f} | {t['cpu_s']:.2f} |\n" for k, t in timings.items()))


def report(results: dict, sealing_from_db: str) -> str:
    return f"""### Sealing, tally and verification of {results['ballots']:,} ballots

What it measures: CPU seconds (process time) of the pure cores on an owners' assembly voting on two
motions (a major matter), {results['ballots']:,} ballots with random stances and areas. Sealing: each ballot's
canonical leaf (its tracker hashed with the poll id), appended in batches of {BATCH:,} to the Merkle tree, one
Ed25519-signed tree head per batch ({results['heads']} heads). Export: the log document (`export_log`, with the
consistency proofs). Tally: `tally.tally` of the ballots. Verify: `verify_log` of the document, as a
voter runs it: every signature and consistency proof, the tree rebuilt, the re-count (equal to the
tally's, checked) and one ballot's inclusion proof.

| step | seconds |
|---|---|
| seal (leaves, tree, {results['heads']} signed heads) | {results['seal_s']:.2f} |
| export_log | {results['export_s']:.2f} |
| tally.tally | {results['tally_s']:.2f} |
| verify_log | {results['verify_s']:.2f} |

{sealing_from_db}
- Verify of {results['ballots']:,} ballots ≤ 2 s: {results['verify_s']:.2f} s: {"**met**" if results['verify_s'] <= 2 else "**missed**"}
"""
