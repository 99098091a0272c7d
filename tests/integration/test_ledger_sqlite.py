"""The embedded default (SQLite, which has no SELECT … FOR UPDATE: tortoise leaves it out, and
SQLite lets one writer at a time in) runs the same ledger code: batched and in-transaction
transfers at once, holds, an overdraft refused, balances equal to their entries, and transfers
the database refuses to change."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import asyncio, sys
from backend.core import db
from backend.core.db import transaction
from backend.ledger.models import Ledger, Transfer, TransferFlags
from backend.ledger.results import ResultCode
from backend.ledger.service import create_transfers
from tests.integration.ledger_helpers import NO_OVERDRAFT, balances, check_stored_balances, move, new_account

async def main(url):
    await db.migrate(url)
    await db.init_db(url)
    source, wallet, shop = await new_account(), await new_account(flags=NO_OVERDRAFT), await new_account()
    assert (await create_transfers([move(source, wallet, 100)]))[0].ok

    async def in_transaction(spec):
        async with transaction() as tx:
            return (await create_transfers([spec], tx=tx))[0]

    async def batched(spec):
        return (await create_transfers([spec]))[0]

    specs = [move(wallet, shop, 1) for _ in range(150)]
    results = await asyncio.gather(*((in_transaction if i % 3 == 0 else batched)(s) for i, s in enumerate(specs)))
    codes = [r.code for r in results]
    assert codes.count(ResultCode.OK) == 100 and codes.count(ResultCode.OVERDRAFT) == 50, codes
    hold = move(shop, wallet, 40, flags=TransferFlags.PENDING)
    assert (await create_transfers([hold]))[0].ok
    post = move(None, None, 30, ledger=Ledger.CNY, flags=TransferFlags.POST_PENDING, pending_id=hold.id)
    assert [r.code for r in await create_transfers([post, post])] == [ResultCode.OK, ResultCode.EXISTS]
    assert await balances(source, wallet, shop) == [-100, 30, 70]
    await check_stored_balances([source.id, wallet.id, shop.id])
    for change in (Transfer.filter(id=post.id).update(amount=1), Transfer.filter(id=post.id).delete()):
        try:
            await change
        except Exception as refused:
            assert "never changed" in str(refused)
        else:
            raise AssertionError("a transfer was changed")
    await db.close_db()
    print("ledger on sqlite: ok")

asyncio.run(main(sys.argv[1]))
"""


def test_the_ledger_runs_on_sqlite(tmp_path):
    url = f"sqlite://{tmp_path / 'ledger.sqlite3'}"
    done = subprocess.run([sys.executable, "-c", SCRIPT, url], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "LINLI_ENV": "dev", "LINLI_DATABASE_URL": url,
                               "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ledger on sqlite: ok" in done.stdout
