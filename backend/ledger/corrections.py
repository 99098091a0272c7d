"""Corrections: transfers are never changed, so a wrong one is reversed by a new transfer, asked for
with a reason by one staff member and written only when a second one approves."""

from uuid import UUID

from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, require
from backend.core.platform import has_platform
from backend.ledger.models import Account, Correction, CorrectionState, Transfer, TransferFlags
from backend.ledger.results import TransferSpec
from backend.ledger.service import create_transfers, require_ok

CORRECTION_CODE = "correction"


async def request_correction(actor: Actor, *, transfer_id: UUID, reason: str) -> Correction:
    person_id = actor.require_self("更正转账须本人申请")
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise DomainError(ErrorCode.INVALID_INPUT, "请填写更正原因（不超过 500 字）", field="reason")
    async with transaction() as tx:
        transfer = await _transfer_for(actor, transfer_id, tx)
        if transfer.flags & (TransferFlags.PENDING | TransferFlags.VOID_PENDING):
            raise DomainError(ErrorCode.INVALID_INPUT, "只能更正已入账的转账（冻结的转账请撤销）", field="transferId")
        if await Correction.filter(transfer_id=transfer.id).using_db(tx).exists():
            raise DomainError(ErrorCode.INVALID_INPUT, "该转账已有更正申请或已被更正", field="transferId")
        return await Correction.create(transfer=transfer, reason=reason, requested_by_id=person_id, using_db=tx)


async def approve_correction(actor: Actor, *, correction_id: UUID) -> Correction:
    """Writes the reversing transfer (its id is the correction's), in the same transaction as the
    approval: both happen or neither."""
    person_id = actor.require_self("更正转账须本人审批")
    async with transaction() as tx:
        correction = await Correction.filter(id=correction_id).select_for_update().using_db(tx).first()
        if correction is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该更正申请")
        transfer = await _transfer_for(actor, correction.transfer_id, tx)
        if correction.state != CorrectionState.REQUESTED:
            raise DomainError(ErrorCode.INVALID_INPUT, "该更正申请已处理过")
        if correction.requested_by_id == person_id:
            raise DomainError(ErrorCode.FORBIDDEN, "更正须由申请人以外的另一人审批")
        require_ok(await create_transfers([TransferSpec(
            id=correction.id, ledger=transfer.ledger, code=CORRECTION_CODE, debit_account_id=transfer.credit_account_id,
            credit_account_id=transfer.debit_account_id, amount=transfer.amount, reference=f"correction:{transfer.id}",
        )], tx=tx))
        correction.state, correction.decided_by_id = CorrectionState.APPROVED, person_id
        correction.decided_at = clock.now()
        await correction.save(using_db=tx, update_fields=["state", "decided_by_id", "decided_at"])
        return correction


async def _transfer_for(actor: Actor, transfer_id: UUID, tx) -> Transfer:
    """The transfer, when the actor may correct it: staff of its accounts' community (an operator
    for the platform's own accounts); not-found otherwise."""
    transfer = await Transfer.filter(id=transfer_id).using_db(tx).first()
    if transfer is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该转账")
    communities = set(await Account.filter(id__in=[transfer.debit_account_id, transfer.credit_account_id])
                      .using_db(tx).values_list("community_id", flat=True))
    for community_id in communities - {None}:
        require(actor, Permission.LEDGER_CORRECT, community_id)
    if None in communities and not await has_platform(actor, Permission.PLATFORM_OPERATE):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该转账")
    return transfer
