"""Hours and points as staff and residents read them: the ledger console (LEDGER_READ: accounts,
transfers, holds, statements, fraud alerts), my wallet (the person or their TIMEBANK proxy), the
工作台's volunteering figures, and the statement exports. Rules live in backend/wallets."""

from datetime import date, datetime
from typing import Annotated

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.files import _day, _error, _spending, over_budget
from backend.api.ids import parse_uuid
from backend.api.pagination import Counted, PageInfo
from backend.core import limits
from backend.core.errors import DomainError, ErrorCode
from backend.ledger.models import Ledger as LedgerEnum
from backend.ledger.models import PendingState
from backend.media import service as media
from backend.wallets import codes, fraud, ledger_views, statements, wallet
from backend.wallets.fraud_models import AlertKind, AlertState

Ledger = strawberry.enum(LedgerEnum, name="Ledger", description="TIME (minutes), POINTS, CNY (fen).")
LedgerHoldState = strawberry.enum(PendingState, name="LedgerHoldState")
FraudAlertKind = strawberry.enum(AlertKind, name="FraudAlertKind")
FraudAlertState = strawberry.enum(AlertState, name="FraudAlertState")
HOLD_LABELS = {PendingState.PENDING: "冻结中", PendingState.POSTED: "已入账", PendingState.VOIDED: "已取消",
               PendingState.EXPIRED: "已过期"}


def _id(value) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.type
class LedgerAccount:
    id: strawberry.ID
    ledger: Ledger
    owner_kind: str
    owner_name: str
    code: str
    balance: int = strawberry.field(description="Posted credits less posted debits.")
    debits_pending: int
    credits_pending: int
    upper_limit: int | None
    created_at: datetime

    @classmethod
    def of(cls, a, names) -> "LedgerAccount":
        return cls(id=_id(a.id), ledger=a.ledger, owner_kind=a.owner_kind, owner_name=names[a.id], code=a.code,
                   balance=a.credits_posted - a.debits_posted, debits_pending=a.debits_pending,
                   credits_pending=a.credits_pending, upper_limit=a.upper_limit, created_at=a.created_at)


@strawberry.type
class LedgerAccountConnection(Counted):
    nodes: list[LedgerAccount]
    page_info: PageInfo


@strawberry.type
class LedgerTransfer:
    id: strawberry.ID
    ledger: Ledger
    code: str
    code_label: str
    amount: int
    debit_account_id: strawberry.ID
    debit_name: str
    credit_account_id: strawberry.ID
    credit_name: str
    reference: str
    kind: str = strawberry.field(description="POSTED, HOLD, POST (of a hold) or VOID (of a hold).")
    created_at: datetime


def _kind(flags: int) -> str:
    if flags & 2:
        return "HOLD"
    if flags & 4:
        return "POST"
    if flags & 8:
        return "VOID"
    return "POSTED"


@strawberry.type
class LedgerTransferConnection(Counted):
    nodes: list[LedgerTransfer]
    page_info: PageInfo


@strawberry.type
class LedgerHold:
    id: strawberry.ID
    ledger: Ledger
    amount: int
    state: LedgerHoldState
    state_label: str
    code: str
    code_label: str
    reference: str
    debit_name: str
    credit_name: str
    expires_at: datetime | None
    resolved_at: datetime | None
    created_at: datetime


@strawberry.type
class LedgerHoldConnection(Counted):
    nodes: list[LedgerHold]
    page_info: PageInfo


@strawberry.type
class LedgerStatementLine:
    at: datetime
    transfer_id: strawberry.ID
    code: str
    label: str
    counterparty: str
    reference: str
    debit: int
    credit: int
    balance: int


@strawberry.type
class LedgerStatement:
    account_id: strawberry.ID
    ledger: Ledger
    owner_name: str
    from_: date = strawberry.field(name="from")
    as_of: date
    opening_balance: int
    lines: list[LedgerStatementLine]
    debits: int
    credits: int
    closing_balance: int

    @classmethod
    def of(cls, s: statements.Statement) -> "LedgerStatement":
        return cls(account_id=_id(s.account.id), ledger=s.account.ledger, owner_name=s.owner, from_=s.since,
                   as_of=s.as_of, opening_balance=s.opening,
                   lines=[LedgerStatementLine(at=line.at, transfer_id=_id(line.transfer_id), code=line.code,
                                              label=line.label, counterparty=line.counterparty,
                                              reference=line.reference, debit=line.debit, credit=line.credit,
                                              balance=line.balance) for line in s.lines],
                   debits=s.debits, credits=s.credits, closing_balance=s.closing)


@strawberry.type
class FraudAlert:
    id: strawberry.ID
    kind: FraudAlertKind
    kind_label: str
    state: FraudAlertState
    detail: str
    person_ids: list[strawberry.ID]
    transfer_ids: list[strawberry.ID]
    note: str
    dismissed_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, a) -> "FraudAlert":
        return cls(id=_id(a.id), kind=a.kind, kind_label=fraud.KIND_LABELS[a.kind], state=a.state, detail=a.detail,
                   person_ids=[strawberry.ID(p) for p in a.person_ids],
                   transfer_ids=[strawberry.ID(t) for t in a.transfer_ids], note=a.note,
                   dismissed_at=a.dismissed_at, created_at=a.created_at)


@strawberry.type
class FraudAlertConnection(Counted):
    nodes: list[FraudAlert]
    page_info: PageInfo


@strawberry.type
class FraudAlertPayload:
    alert: FraudAlert | None
    errors: list[UserError]


@strawberry.type
class WalletEntry:
    id: strawberry.ID
    at: datetime
    code: str
    label: str
    amount: int = strawberry.field(description="Signed: positive in, negative out.")
    state: str = strawberry.field(description="POSTED, PENDING (冻结中), VOIDED or EXPIRED.")
    state_label: str
    counterparty: str


@strawberry.type
class WalletEntryConnection:
    nodes: list[WalletEntry]
    page_info: PageInfo


@strawberry.type
class MyWallet:
    community_id: strawberry.ID
    hours: int = strawberry.field(description="Minutes I may spend now (holds taken off).")
    hours_held: int = strawberry.field(description="Minutes held by pending transfers.")
    points: int
    points_held: int
    hours_account_id: strawberry.ID | None
    points_account_id: strawberry.ID | None
    _wallet: strawberry.Private[object]

    @strawberry.field(description="My history of one ledger (TIME or POINTS), newest first; first ≤ 50.")
    async def entries(self, ledger: Ledger, first: int = 20, after: str | None = None) -> WalletEntryConnection:
        page = await wallet.entries(self._wallet, ledger=ledger, first=first, after=after)
        return WalletEntryConnection(nodes=[WalletEntry(id=_id(e.id), at=e.at, code=e.code, label=e.label,
                                                        amount=e.amount, state=e.state, state_label=e.state_label,
                                                        counterparty=e.counterparty) for e in page.items],
                                     page_info=PageInfo.of(page))

    @strawberry.field(description="The statement of my account of one ledger as of a day (null: none yet).")
    async def statement(self, info: Info, ledger: Ledger, as_of: date | None = None) -> LedgerStatement | None:
        account = self._wallet.account(ledger)
        if account is None:
            return None
        return LedgerStatement.of(await statements.statement_for(info.context.actor, account_id=account.id,
                                                                 as_of=as_of))


@strawberry.type
class WorkbenchVolunteering:
    hours_this_month: int = strawberry.field(description="Minutes of volunteer hours posted this month.")
    active_volunteers: int = strawberry.field(description="People credited volunteer hours this month.")
    redemptions_this_month: int = strawberry.field(description="Redemptions collected this month.")


async def workbench_volunteering(info: Info, community_id) -> WorkbenchVolunteering:
    found = await ledger_views.volunteering_figures(info.context.actor, community_id=parse_uuid(community_id))
    return WorkbenchVolunteering(hours_this_month=found.hours_this_month, active_volunteers=found.active_volunteers,
                                 redemptions_this_month=found.redemptions_this_month)


async def _transfer_nodes(items) -> list[LedgerTransfer]:
    accounts = await ledger_views.accounts_by_id({a for t in items for a in (t.debit_account_id, t.credit_account_id)})
    names = await ledger_views.owner_names(accounts.values())
    return [LedgerTransfer(id=_id(t.id), ledger=t.ledger, code=t.code, code_label=codes.label(t.code), amount=t.amount,
                           debit_account_id=_id(t.debit_account_id), debit_name=names.get(t.debit_account_id, ""),
                           credit_account_id=_id(t.credit_account_id), credit_name=names.get(t.credit_account_id, ""),
                           reference=t.reference, kind=_kind(t.flags), created_at=t.created_at) for t in items]


@strawberry.type
class WalletQueries:
    @strawberry.field(description="A community's hours and points accounts (and others it owns), oldest first; "
                      "search by owner name; first ≤ 50. Needs LEDGER_READ.")
    async def ledger_accounts(self, info: Info, community_id: strawberry.ID, ledger: Ledger | None = None,
                              search: str | None = None, first: int = 20,
                              after: str | None = None) -> LedgerAccountConnection:
        page = await ledger_views.accounts(info.context.actor, community_id=parse_uuid(community_id), ledger=ledger,
                                           search=search, first=first, after=after)
        names = await ledger_views.owner_names(page.items)
        return LedgerAccountConnection(nodes=[LedgerAccount.of(a, names) for a in page.items],
                                       page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="One account. Needs LEDGER_READ in its community.")
    async def ledger_account(self, info: Info, id: strawberry.ID) -> LedgerAccount | None:
        try:
            account = await ledger_views.get_account_for(info.context.actor, parse_uuid(id))
        except DomainError as error:
            if error.code != ErrorCode.NOT_FOUND:
                raise
            return None
        return LedgerAccount.of(account, await ledger_views.owner_names([account]))

    @strawberry.field(description="A community's transfers, newest first, by account, ledger, code and "
                      "Asia/Shanghai days [from, to]; first ≤ 50. Needs LEDGER_READ.")
    async def ledger_transfers(self, info: Info, community_id: strawberry.ID, account_id: strawberry.ID | None = None,
                               ledger: Ledger | None = None, code: str | None = None,
                               from_: Annotated[date | None, strawberry.argument(name="from")] = None,
                               to: date | None = None, first: int = 20,
                               after: str | None = None) -> LedgerTransferConnection:
        page = await ledger_views.transfers(
            info.context.actor, community_id=parse_uuid(community_id),
            account_id=parse_uuid(account_id) if account_id else None, ledger=ledger, code=code, since=from_,
            until=to, first=first, after=after)
        return LedgerTransferConnection(nodes=await _transfer_nodes(page.items), page_info=PageInfo.of(page),
                                        page=page)

    @strawberry.field(description="A community's holds (冻结), newest first, by state; first ≤ 50. Needs LEDGER_READ.")
    async def ledger_holds(self, info: Info, community_id: strawberry.ID, state: LedgerHoldState | None = None,
                           first: int = 20, after: str | None = None) -> LedgerHoldConnection:
        page = await ledger_views.holds(info.context.actor, community_id=parse_uuid(community_id), state=state,
                                        first=first, after=after)
        held = await ledger_views.hold_transfers(page.items)
        accounts = await ledger_views.accounts_by_id(
            {a for h in page.items for a in (h.debit_account_id, h.credit_account_id)})
        names = await ledger_views.owner_names(accounts.values())
        nodes = []
        for h in page.items:
            t = held.get(h.id)
            code = t.code if t else ""
            nodes.append(LedgerHold(id=_id(h.id), ledger=h.ledger, amount=h.amount, state=h.state,
                                    state_label=HOLD_LABELS[h.state], code=code, code_label=codes.label(code),
                                    reference=t.reference if t else "", debit_name=names.get(h.debit_account_id, ""),
                                    credit_name=names.get(h.credit_account_id, ""), expires_at=h.expires_at,
                                    resolved_at=h.resolved_at, created_at=h.created_at))
        return LedgerHoldConnection(nodes=nodes, page_info=PageInfo.of(page), page=page)

    @strawberry.field(description="An account's statement (对账单) to the end of `asOf` (Asia/Shanghai; default "
                      "today) from `from` (default the 1st of asOf's month, at most 366 days). Needs LEDGER_READ, "
                      "or the account is the caller's own.")
    async def ledger_statement(self, info: Info, account_id: strawberry.ID, as_of: date | None = None,
                               from_: Annotated[date | None, strawberry.argument(name="from")] = None,
                               ) -> LedgerStatement:
        return LedgerStatement.of(await statements.statement_for(
            info.context.actor, account_id=parse_uuid(account_id), as_of=as_of, since=from_))

    @strawberry.field(description="A community's fraud alerts (风险预警), newest first; first ≤ 50. Needs "
                      "LEDGER_READ.")
    async def fraud_alerts(self, info: Info, community_id: strawberry.ID, state: FraudAlertState | None = None,
                           first: int = 20, after: str | None = None) -> FraudAlertConnection:
        page = await fraud.alerts(info.context.actor, community_id=parse_uuid(community_id), state=state,
                                  first=first, after=after)
        return FraudAlertConnection(nodes=[FraudAlert.of(a) for a in page.items], page_info=PageInfo.of(page),
                                    page=page)

    @strawberry.field(description="My hours and points in a community (as a proxy: the principal's, with TIMEBANK).")
    async def my_wallet(self, info: Info, community_id: strawberry.ID) -> MyWallet:
        found = await wallet.my_wallet(info.context.actor, community_id=parse_uuid(community_id))
        return MyWallet(community_id=community_id, hours=wallet.spendable(found.hours),
                        hours_held=wallet.held(found.hours),
                        points=wallet.spendable(found.points), points_held=wallet.held(found.points),
                        hours_account_id=_id(found.hours.id if found.hours else None),
                        points_account_id=_id(found.points.id if found.points else None), _wallet=found)


@strawberry.type
class WalletMutations:
    @strawberry.mutation(description="Dismiss an open fraud alert with a note (1–200 characters). Needs "
                         "LEDGER_READ; audited.")
    async def fraud_alert_dismiss(self, info: Info, id: strawberry.ID, note: str) -> FraudAlertPayload:
        alert, errors = await attempt(fraud.dismiss(info.context.actor, alert_id=parse_uuid(id), note=note))
        return FraudAlertPayload(alert=FraudAlert.of(alert) if alert else None, errors=errors)


# --- Exports -------------------------------------------------------------------------------------------

async def _statement_export(request: Request, render, media_type: str, extension: str) -> Response:
    try:
        actor = await _spending(request, limits.EXPORT_COST)
        as_of = _day(request, "asOf") if request.query_params.get("asOf") else None
        since = _day(request, "from") if request.query_params.get("from") else None
        found = await statements.statement_for(actor, account_id=parse_uuid(request.path_params["account_id"]),
                                               as_of=as_of, since=since)
    except DomainError as error:
        return _error(error)
    return Response(render(found), media_type=media_type,
                    headers={"content-disposition": f'attachment; filename="{statements.filename(found, extension)}"'})


@over_budget
async def statement_csv(request: Request) -> Response:
    """GET /exports/ledger/accounts/{id}/statement.csv?asOf=&from=: the statement as CSV (UTF-8 with BOM)."""
    return await _statement_export(request, statements.statement_csv, "text/csv; charset=utf-8", "csv")


@over_budget
async def statement_xlsx(request: Request) -> Response:
    """GET /exports/ledger/accounts/{id}/statement.xlsx?asOf=&from=: the statement as a workbook."""
    return await _statement_export(request, statements.statement_workbook, media.XLSX, "xlsx")
