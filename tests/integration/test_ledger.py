"""The ledger's rules, one behaviour at a time: every bad input gets its Chinese answer and posts
nothing; holds post (fully or partly), void or expire once; chains are all or nothing; a caller's
own rows commit with its transfers; corrections need a second person."""

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest

from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.ledger.corrections import approve_correction, request_correction
from backend.ledger.models import AccountFlags, Correction, Ledger, Transfer, TransferFlags
from backend.ledger.results import ResultCode
from backend.ledger.service import create_transfers, expire_due, open_account, require_ok
from backend.registry.models import Street
from tests.integration.ledger_helpers import NO_OVERDRAFT, balances, check_stored_balances, move, new_account

F = TransferFlags


async def funded(amount: int = 100, **account):
    """A wallet that cannot go below zero holding `amount`, and the source it came from."""
    source, wallet = await new_account(account.get("ledger", Ledger.CNY)), await new_account(flags=NO_OVERDRAFT,
                                                                                             **account)
    require_ok(await create_transfers([move(source, wallet, amount)]))
    return source, wallet


def post(pending, amount=None, **fields):
    return move(None, None, amount, ledger=Ledger.CNY, flags=F.POST_PENDING, pending_id=pending.id, **fields)


def void(pending, **fields):
    return move(None, None, None, ledger=Ledger.CNY, flags=F.VOID_PENDING, pending_id=pending.id, **fields)


async def test_every_bad_transfer_is_refused_in_chinese_and_posts_nothing(app):
    source, wallet = await funded(100)
    shop = await new_account()
    hours = await new_account(Ledger.TIME)
    capped = await new_account(flags=NO_OVERDRAFT, upper_limit=120)
    held = move(wallet, shop, 40, flags=F.PENDING)
    voided = move(wallet, shop, 10, flags=F.PENDING)
    require_ok(await create_transfers([held, voided]))
    require_ok(await create_transfers([void(voided)]))
    used = move(wallet, shop, 5)
    require_ok(await create_transfers([used]))
    before = await balances(source, wallet, shop, capped)
    cases = [
        (move(wallet, shop, 56), ResultCode.OVERDRAFT, "余额不足"),  # 100 - 5 posted - 40 held = 55 left
        (move(wallet, shop, 0), ResultCode.AMOUNT_INVALID, "正整数"),
        (move(wallet, shop, -3), ResultCode.AMOUNT_INVALID, "正整数"),
        (move(wallet, shop, 1, ledger=Ledger.TIME), ResultCode.LEDGER_MISMATCH, "同一种资产"),
        (move(wallet, hours, 1), ResultCode.LEDGER_MISMATCH, "同一种资产"),
        (move(wallet, wallet, 1), ResultCode.ACCOUNTS_MUST_BE_DIFFERENT, "不能相同"),
        (move(wallet, SimpleNamespace(id=uuid.uuid4(), ledger=Ledger.CNY), 1), ResultCode.ACCOUNT_NOT_FOUND, "找不到"),
        (move(wallet, shop, 6, id=used.id), ResultCode.EXISTS_WITH_DIFFERENT_BODY, "已用于另一笔内容不同的转账"),
        (post(held, 41), ResultCode.EXCEEDS_PENDING_AMOUNT, "超过了冻结的数额"),
        (post(voided), ResultCode.PENDING_ALREADY_VOIDED, "已经撤销"),
        (post(used), ResultCode.PENDING_NOT_FOUND, "找不到要入账或撤销的冻结转账"),
        (move(source, capped, 121), ResultCode.LIMIT_EXCEEDED, "存储上限"),
        (move(wallet, shop, 1, flags=F.PENDING | F.POST_PENDING), ResultCode.FLAGS_INVALID, "标志"),
        (move(wallet, shop, 1, flags=F.PENDING, timeout=10**9), ResultCode.FLAGS_INVALID, "标志"),
        (move(wallet, shop, 1, reference="单" * 129), ResultCode.CODE_INVALID, "128 个字符"),
    ]
    for spec, code, words in cases:
        [result] = await create_transfers([spec])
        assert (result.code, result.ok) == (code, False), spec
        assert words in result.message
        with pytest.raises(DomainError) as refused:
            require_ok([result])
        assert refused.value.code == ErrorCode.TRANSFER_REJECTED and words in refused.value.message
    assert await balances(source, wallet, shop, capped) == before
    assert not await Transfer.filter(id__in=[spec.id for spec, code, _ in cases
                                             if code != ResultCode.EXISTS_WITH_DIFFERENT_BODY]).exists()
    await check_stored_balances([source.id, wallet.id, shop.id, capped.id])


async def test_a_replay_gets_the_first_result_even_once_it_would_succeed(app):
    source, wallet = await funded(10)
    shop = await new_account()
    paid, too_much = move(wallet, shop, 10), move(wallet, shop, 5)
    assert [r.code for r in await create_transfers([paid, too_much])] == [ResultCode.OK, ResultCode.OVERDRAFT]
    require_ok(await create_transfers([move(source, wallet, 100)]))
    assert [r.code for r in await create_transfers([paid, too_much])] == [ResultCode.EXISTS, ResultCode.OVERDRAFT]
    assert await balances(wallet, shop) == [100, 10]


async def test_a_hold_posts_partly_and_releases_the_rest_and_resolves_once(app):
    _, wallet = await funded(100)
    shop = await new_account()
    hold = move(wallet, shop, 60, flags=F.PENDING)
    require_ok(await create_transfers([hold]))
    assert (await create_transfers([move(wallet, shop, 41)]))[0].code == ResultCode.OVERDRAFT  # 60 of 100 held
    require_ok(await create_transfers([post(hold, 25)]))
    assert (await create_transfers([void(hold)]))[0].code == ResultCode.PENDING_ALREADY_POSTED
    assert (await create_transfers([post(hold)]))[0].code == ResultCode.PENDING_ALREADY_POSTED
    assert await balances(wallet, shop) == [75, 25]
    accounts = await check_stored_balances([wallet.id, shop.id])
    assert accounts[wallet.id].debits_pending == 0


async def test_a_hold_past_its_timeout_expires_by_the_sweep_and_cannot_be_posted(app):
    _, wallet = await funded(100)
    shop = await new_account()
    hold = move(wallet, shop, 70, flags=F.PENDING, timeout=600)
    require_ok(await create_transfers([hold]))
    clock.advance(timedelta(seconds=601))
    assert (await create_transfers([post(hold)]))[0].code == ResultCode.PENDING_EXPIRED
    assert await expire_due() >= 1
    assert await expire_due() == 0  # a second sweep finds nothing left
    assert (await create_transfers([void(hold)]))[0].code == ResultCode.PENDING_EXPIRED
    accounts = await check_stored_balances([wallet.id, shop.id])
    assert accounts[wallet.id].debits_pending == 0 and await balances(wallet) == [100]
    require_ok(await create_transfers([move(wallet, shop, 100)]))  # the hold is free again


async def test_a_linked_chain_is_all_or_nothing(app):
    source, wallet = await funded(50)
    pool, fee = await new_account(), await new_account()
    chain = [move(wallet, pool, 30, flags=F.LINKED), move(wallet, fee, 30)]  # the second overdraws
    assert [r.code for r in await create_transfers(chain)] == [ResultCode.LINKED_EVENT_FAILED, ResultCode.OVERDRAFT]
    open_chain = [move(wallet, pool, 10), move(wallet, fee, 10, flags=F.LINKED)]
    assert [r.code for r in await create_transfers(open_chain)] == [ResultCode.OK, ResultCode.LINKED_EVENT_CHAIN_OPEN]
    assert await balances(wallet, pool, fee) == [40, 10, 0]
    good = [move(wallet, pool, 20, flags=F.LINKED), move(wallet, fee, 20)]
    assert [r.code for r in await create_transfers(good)] == [ResultCode.OK, ResultCode.OK]
    assert await balances(wallet, pool, fee) == [0, 30, 20]
    await check_stored_balances([source.id, wallet.id, pool.id, fee.id])


async def test_a_callers_own_rows_commit_and_roll_back_with_its_transfers(app):
    _, wallet = await funded(30)
    shop = await new_account()
    code = f"ledger-{uuid.uuid4().hex[:8]}"
    spec = move(wallet, shop, 30)

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned):
        async with transaction() as tx:
            await Street.create(name="结算街道", code=code, using_db=tx)  # the caller's own row
            require_ok(await create_transfers([spec], tx=tx))
            raise Abandoned
    assert not await Transfer.filter(id=spec.id).exists() and not await Street.filter(code=code).exists()
    async with transaction() as tx:
        await Street.create(name="结算街道", code=code, using_db=tx)
        require_ok(await create_transfers([spec], tx=tx))
    assert await Transfer.filter(id=spec.id).exists() and await Street.filter(code=code).exists()
    assert await balances(wallet, shop) == [0, 30]


async def test_opening_an_account_refuses_contradictory_flags_and_limits(app):
    for flags, limit, words in [
        (AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS | AccountFlags.CREDITS_MUST_NOT_EXCEED_DEBITS, None, "同时"),
        (NO_OVERDRAFT, 0, "存储上限"), (AccountFlags.NONE, 100, "存储上限")]:
        with pytest.raises(DomainError) as refused:
            await open_account(ledger=Ledger.TIME, owner_kind="test", owner_id=uuid.uuid4(), code="hours",
                               flags=flags, upper_limit=limit)
        assert words in refused.value.message
    owner = uuid.uuid4()
    first = await open_account(ledger=Ledger.TIME, owner_kind="test", owner_id=owner, code="hours")
    assert (await open_account(ledger=Ledger.TIME, owner_kind="test", owner_id=owner, code="hours")).id == first.id


async def test_a_correction_is_a_reversing_transfer_approved_by_a_second_person(app, make_person, other_community):
    from backend.registry.models import Community

    community = await Community.get(code="yangguang")
    staff = [await make_person(community.id, ["COMMITTEE_STAFF"]) for _ in range(2)]
    asker, approver = (Actor(person_id=p.id, roles={community.id: frozenset({"COMMITTEE_STAFF"})}) for p in staff)
    outsider_person = await make_person(other_community[0].id, ["COMMITTEE_STAFF"])
    outsider = Actor(person_id=outsider_person.id, roles={other_community[0].id: frozenset({"COMMITTEE_STAFF"})})
    _, wallet = await funded(80, community_id=community.id)
    shop = await new_account(community_id=community.id)
    wrong = move(wallet, shop, 80)
    require_ok(await create_transfers([wrong]))

    with pytest.raises(DomainError, match="更正原因"):
        await request_correction(asker, transfer_id=wrong.id, reason="  ")
    with pytest.raises(DomainError, match="找不到"):
        await request_correction(outsider, transfer_id=wrong.id, reason="重复扣款")
    correction = await request_correction(asker, transfer_id=wrong.id, reason="重复扣款")
    with pytest.raises(DomainError, match="已有更正申请"):
        await request_correction(approver, transfer_id=wrong.id, reason="重复扣款")
    with pytest.raises(DomainError, match="另一人审批") as refused:
        await approve_correction(asker, correction_id=correction.id)
    assert refused.value.code == ErrorCode.FORBIDDEN
    assert await balances(wallet, shop) == [0, 80]  # nothing reversed yet

    approved = await approve_correction(approver, correction_id=correction.id)
    assert approved.state == "APPROVED" and approved.decided_by_id == staff[1].id
    reversal = await Transfer.get(id=correction.id)
    assert (reversal.debit_account_id, reversal.credit_account_id, reversal.amount, reversal.reference) == \
        (shop.id, wallet.id, 80, f"correction:{wrong.id}")
    assert await balances(wallet, shop) == [80, 0]
    assert await Transfer.filter(id=wrong.id).exists()  # the wrong one stays, as it was
    with pytest.raises(DomainError, match="已处理过"):
        await approve_correction(approver, correction_id=correction.id)
    assert await Correction.filter(transfer_id=wrong.id).count() == 1


async def test_the_database_refuses_to_change_or_delete_a_transfer(app):
    from asyncpg.exceptions import RaiseError  # what the trigger raises through tortoise on PostgreSQL

    _, wallet = await funded(10)
    shop = await new_account()
    spec = move(wallet, shop, 10)
    require_ok(await create_transfers([spec]))
    with pytest.raises(RaiseError, match="never changed"):
        await Transfer.filter(id=spec.id).update(amount=1)
    with pytest.raises(RaiseError, match="never changed"):
        await Transfer.filter(id=spec.id).delete()
    assert (await Transfer.get(id=spec.id)).amount == 10
