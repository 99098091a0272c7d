"""Races on PostgreSQL: many callers at once on one hot account, through several batchers (as
several API processes would have) and through callers' own transactions, all on their own
connections, so only the row locks keep the balances right."""

import asyncio

from backend.core.db import transaction
from backend.ledger.batching import Batcher
from backend.ledger.models import Ledger, Transfer, TransferFlags
from backend.ledger.results import ResultCode
from backend.ledger.service import apply_batch, create_transfers
from tests.integration.ledger_helpers import NO_OVERDRAFT, balances, check_stored_balances, move, new_account

PROCESSES = 4  # batchers standing in for API processes, besides the test's own


def spread(specs) -> list:
    """Each transfer sent by itself, at once: through the process batcher, through one of the other
    batchers, or applied in a caller's own transaction."""
    batchers = [Batcher(apply_batch) for _ in range(PROCESSES)]

    async def in_own_transaction(spec):
        async with transaction() as tx:
            return (await create_transfers([spec], tx=tx))[0]

    async def one(i, spec):
        if i % 6 == 5:
            return await in_own_transaction(spec)
        if i % 6 == 4:
            return (await create_transfers([spec]))[0]
        return (await batchers[i % PROCESSES].submit([spec]))[0]

    return [one(i, spec) for i, spec in enumerate(specs)]


async def test_200_concurrent_transfers_into_one_hot_account_all_apply_and_add_up(app):
    hot = await new_account(flags=NO_OVERDRAFT)
    payers = [await new_account() for _ in range(10)]
    results = await asyncio.gather(*spread([move(payers[i % 10], hot, i + 1) for i in range(200)]))
    assert [r.code for r in results] == [ResultCode.OK] * 200
    assert (await balances(hot))[0] == sum(range(1, 201))
    await check_stored_balances([hot.id, *(p.id for p in payers)])


async def test_concurrent_withdrawals_beyond_the_balance_never_overdraw_the_hot_account(app):
    source, hot, sink = await new_account(), await new_account(flags=NO_OVERDRAFT), await new_account()
    assert (await create_transfers([move(source, hot, 100)]))[0].ok
    results = await asyncio.gather(*spread([move(hot, sink, 1) for _ in range(200)]))
    codes = [r.code for r in results]
    assert codes.count(ResultCode.OK) == 100 and codes.count(ResultCode.OVERDRAFT) == 100
    assert await balances(source, hot, sink) == [-100, 0, 100]
    await check_stored_balances([source.id, hot.id, sink.id])


async def test_of_concurrent_posts_and_voids_of_one_pending_transfer_exactly_one_wins(app):
    wallet, shop = await new_account(flags=NO_OVERDRAFT), await new_account()
    assert (await create_transfers([move(shop, wallet, 500)]))[0].ok
    hold = move(wallet, shop, 300, flags=TransferFlags.PENDING)
    assert (await create_transfers([hold]))[0].ok
    posts = [move(None, None, None, ledger=Ledger.CNY, flags=TransferFlags.POST_PENDING, pending_id=hold.id)
             for _ in range(30)]
    voids = [move(None, None, None, ledger=Ledger.CNY, flags=TransferFlags.VOID_PENDING, pending_id=hold.id)
             for _ in range(30)]
    racers = [spec for pair in zip(posts, voids, strict=True) for spec in pair]
    results = await asyncio.gather(*spread(racers))
    winners = [(spec, r) for spec, r in zip(racers, results, strict=True) if r.code == ResultCode.OK]
    assert len(winners) == 1
    won_by_post = winners[0][0].flags & TransferFlags.POST_PENDING
    losing = ResultCode.PENDING_ALREADY_POSTED if won_by_post else ResultCode.PENDING_ALREADY_VOIDED
    assert sorted({r.code for r in results}) == sorted({ResultCode.OK, losing})
    assert await Transfer.filter(pending_id=hold.id).count() == 1
    assert await balances(wallet, shop) == ([200, -200] if won_by_post else [500, -500])
    await check_stored_balances([wallet.id, shop.id])


async def test_the_same_post_sent_many_times_at_once_is_written_once(app):
    wallet, shop = await new_account(flags=NO_OVERDRAFT), await new_account()
    assert (await create_transfers([move(shop, wallet, 50)]))[0].ok
    hold = move(wallet, shop, 50, flags=TransferFlags.PENDING)
    assert (await create_transfers([hold]))[0].ok
    post = move(None, None, 20, ledger=Ledger.CNY, flags=TransferFlags.POST_PENDING, pending_id=hold.id)
    results = await asyncio.gather(*spread([post] * 24))
    codes = [r.code for r in results]
    assert codes.count(ResultCode.OK) == 1 and codes.count(ResultCode.EXISTS) == 23
    assert await Transfer.filter(id=post.id).count() == 1
    assert await balances(wallet, shop) == [30, -30]  # 20 posted, the other 30 released
