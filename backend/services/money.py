"""An order's money on the ledger (docs/services.md "Ledger accounts"): the holds written when it is
paid, their resolution when part or all of it is refunded, and the linked legs that settle what the
provider keeps into its share, the platform's commission and the gateway's fee.

Every transfer id is derived from the order (`order:{id}:hold:{payer}`, `order:{id}:settle:{leg}`),
so a retry or a re-run answers EXISTS and never moves money twice. The platform never holds the
providers' money: these accounts record where the money at the payment provider belongs."""

from dataclasses import dataclass, replace
from uuid import UUID, uuid5

from backend.ledger import service as ledger
from backend.ledger.models import Account, AccountFlags, Ledger, Pending, PendingState, Transfer, TransferFlags
from backend.ledger.results import TransferSpec
from backend.payments.port import Payee
from backend.services.models import Order, PayerKind, Provider

# The owner of the platform's own accounts (commission revenue, gateway fees).
PLATFORM_ID = UUID("00000000-0000-7000-8000-00000000beef")
_NAMESPACE = UUID("8d3b2c4e-6a51-4f0e-9c57-2b7f1e0a9d31")

HOLD, SETTLE = "service_hold", "service_settle"  # transfer codes: a paid order held, its kept part settled


def transfer_id(key: str) -> UUID:
    return uuid5(_NAMESPACE, key)


def hold_id(order_id: UUID, payer: PayerKind) -> UUID:
    return transfer_id(f"order:{order_id}:hold:{payer.value.lower()}")


def resolve_id(order_id: UUID, payer: PayerKind) -> UUID:
    return transfer_id(f"order:{order_id}:hold:{payer.value.lower()}:resolve")


def leg_id(order_id: UUID, leg: str) -> UUID:
    return transfer_id(f"order:{order_id}:settle:{leg}")


async def _account(tx, owner_kind: str, owner_id: UUID, code: str, *, community_id: UUID | None = None,
                   flags: AccountFlags = AccountFlags.NONE) -> UUID:
    account = await ledger.open_account(ledger=Ledger.CNY, owner_kind=owner_kind, owner_id=owner_id, code=code,
                                        flags=flags, community_id=community_id, tx=tx)
    return account.id


async def payer_account(tx, order: Order, payer: PayerKind) -> UUID:
    if payer is PayerKind.SUBSIDY:
        return await _account(tx, "community", order.community_id, "meal_subsidy", community_id=order.community_id)
    return await _account(tx, "person", order.resident_id, "payments", community_id=order.community_id)


async def escrow_account(tx, provider_id: UUID) -> UUID:
    return await _account(tx, "provider", provider_id, "escrow", flags=AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS)


async def payable_account(tx, provider_id: UUID) -> UUID:
    return await _account(tx, "provider", provider_id, "payable")


async def platform_account(tx, code: str) -> UUID:
    return await _account(tx, "platform", PLATFORM_ID, code)


def payer_parts(order: Order) -> dict[PayerKind, int]:
    """What each payer put in, leaving out the zero ones."""
    parts = {PayerKind.RESIDENT: order.resident_fen, PayerKind.SUBSIDY: order.subsidy_fen}
    return {payer: fen for payer, fen in parts.items() if fen > 0}


def split_kept(order: Order, kept_fen: int) -> dict[PayerKind, int]:
    """The part of each payer's money the provider keeps when it keeps `kept_fen` of the amount: in
    proportion, the subsidy's rounded down (the resident's part takes the remainder)."""
    parts = payer_parts(order)
    if kept_fen <= 0 or order.amount_fen <= 0:
        return dict.fromkeys(parts, 0)
    subsidy = min(parts.get(PayerKind.SUBSIDY, 0), order.subsidy_fen * kept_fen // order.amount_fen)
    resident = min(parts.get(PayerKind.RESIDENT, 0), kept_fen - subsidy)
    return {payer: {PayerKind.SUBSIDY: subsidy, PayerKind.RESIDENT: resident}[payer] for payer in parts}


def _linked(specs: list[TransferSpec]) -> list[TransferSpec]:
    """One chain: every transfer but the last carries LINKED."""
    return [replace(spec, flags=spec.flags | TransferFlags.LINKED) if n < len(specs) - 1
            else spec for n, spec in enumerate(specs)]


async def write_holds(tx, order: Order) -> None:
    """In the paying transaction: a pending transfer from each payer to the provider's escrow."""
    escrow = await escrow_account(tx, order.provider_id)
    specs = [TransferSpec(id=hold_id(order.id, payer), ledger=Ledger.CNY, code=HOLD,
                          debit_account_id=await payer_account(tx, order, payer), credit_account_id=escrow,
                          amount=fen, reference=f"order:{order.id}", flags=TransferFlags.PENDING)
             for payer, fen in payer_parts(order).items()]
    if specs:
        ledger.require_ok(await ledger.create_transfers(_linked(specs), tx=tx))


async def open_holds(order_id: UUID, *, tx=None) -> dict[PayerKind, Pending]:
    """The order's holds still pending, by payer."""
    ids = {hold_id(order_id, payer): payer for payer in PayerKind}
    query = Pending.filter(id__in=list(ids), state=PendingState.PENDING)
    return {ids[p.id]: p for p in await (query.using_db(tx) if tx else query)}


async def kept_in_escrow(order: Order, *, tx=None) -> int:
    """What the order's holds put into escrow: the pending ones in full, the posted ones as posted."""
    ids = {hold_id(order.id, payer) for payer in PayerKind}
    query = Pending.filter(id__in=list(ids))
    holds = await (query.using_db(tx) if tx else query)
    kept = sum(h.amount for h in holds if h.state is PendingState.PENDING)
    posted = [h.resolved_by for h in holds if h.state is PendingState.POSTED and h.resolved_by]
    if posted:
        query = Transfer.filter(id__in=posted)
        kept += sum(t.amount for t in await (query.using_db(tx) if tx else query))
    return kept


def resolution_specs(order: Order, holds: dict[PayerKind, Pending], kept: dict[PayerKind, int]) -> list[TransferSpec]:
    """Each pending hold posted for what the provider keeps of that payer's money (the rest goes
    back), or voided when it keeps nothing of it."""
    specs = []
    for payer in holds:
        fen = kept.get(payer, 0)
        specs.append(TransferSpec(id=resolve_id(order.id, payer), ledger=Ledger.CNY, code=HOLD,
                                  amount=fen if fen > 0 else None, reference=f"order:{order.id}",
                                  flags=TransferFlags.POST_PENDING if fen > 0 else TransferFlags.VOID_PENDING,
                                  pending_id=hold_id(order.id, payer)))
    return specs


@dataclass(frozen=True)
class Legs:
    share: int
    commission: int
    fee: int


def legs(kept_fen: int, commission_fen: int, fee_fen: int, *, fee_borne_by_platform: bool) -> Legs:
    """share + commission + fee = kept. The gateway's fee comes out of the platform's commission
    (Stripe) or out of the provider's share (WeChat Pay), never beyond it."""
    commission = max(0, min(commission_fen, kept_fen))
    if fee_borne_by_platform:
        fee = max(0, min(fee_fen, commission))
        return Legs(share=kept_fen - commission, commission=commission - fee, fee=fee)
    fee = max(0, min(fee_fen, kept_fen - commission))
    return Legs(share=kept_fen - commission - fee, commission=commission, fee=fee)


async def leg_specs(tx, order: Order, kept_fen: int, *, fee_borne_by_platform: bool) -> list[TransferSpec]:
    """The transfers out of escrow that settle `kept_fen` (none when nothing is kept)."""
    if kept_fen <= 0:
        return []
    split = legs(kept_fen, order.commission_fen, order.gateway_fee_fen, fee_borne_by_platform=fee_borne_by_platform)
    escrow = await escrow_account(tx, order.provider_id)
    targets = {"share": (split.share, await payable_account(tx, order.provider_id)),
               "commission": (split.commission, await platform_account(tx, "commission")),
               "gateway_fee": (split.fee, await platform_account(tx, "gateway_fee"))}
    return [TransferSpec(id=leg_id(order.id, leg), ledger=Ledger.CNY, code=SETTLE, debit_account_id=escrow,
                         credit_account_id=account, amount=fen, reference=f"order:{order.id}")
            for leg, (fen, account) in targets.items() if fen > 0]


async def settle_specs(tx, order: Order, *, fee_borne_by_platform: bool) -> list[TransferSpec]:
    """Settlement: the holds still pending posted in full, then the legs of everything kept, one chain."""
    holds = await open_holds(order.id, tx=tx)
    kept = await kept_in_escrow(order, tx=tx)
    posts = resolution_specs(order, holds, {payer: hold.amount for payer, hold in holds.items()})
    return _linked(posts + await leg_specs(tx, order, kept, fee_borne_by_platform=fee_borne_by_platform))


async def resolve_refund(tx, order: Order, kept_fen: int, *, fee_borne_by_platform: bool, settle: bool) -> None:
    """Before settlement, the provider keeps `kept_fen`: the pending holds are posted for their share
    of it (or voided), and, when the order ends here (`settle`), the kept part is settled at once."""
    holds = await open_holds(order.id, tx=tx)
    specs = resolution_specs(order, holds, split_kept(order, kept_fen))
    if settle:
        specs += await leg_specs(tx, order, kept_fen, fee_borne_by_platform=fee_borne_by_platform)
    if specs:
        ledger.require_ok(await ledger.create_transfers(_linked(specs), tx=tx))


async def balances(owner_kind: str, owner_id: UUID, code: str) -> dict[str, int]:
    """An account's posted and pending sides (zeros when it was never opened)."""
    account = await Account.filter(ledger=Ledger.CNY, owner_kind=owner_kind, owner_id=owner_id, code=code).first()
    sides = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")
    return {side: getattr(account, side) if account else 0 for side in sides}


def payee_of(provider: Provider) -> Payee:
    """Where the provider's share goes at the payment provider: its own account, never the platform's."""
    return Payee(stripe_account_id=provider.stripe_account_id, wechat_sub_mchid=provider.wechat_sub_mchid)
