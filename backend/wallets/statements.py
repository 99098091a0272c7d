"""Statements (对账单) of one account as of a day: the balance brought forward, every posted
movement of the period with the balance after it, and the balance carried at the end of `as_of`
(Asia/Shanghai). Holds are not movements until posted, so they are left out. Staff read the
statements of their community's accounts (LEDGER_READ); a person reads their own (wallet.py).
Balances are credits less debits: a person's hours and points are positive, the community's issue
account (where earned hours come from) negative."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from tortoise.expressions import Q
from tortoise.functions import Sum

from backend.core.errors import DomainError, ErrorCode
from backend.core.spreadsheet import safe_row
from backend.ledger.models import Account, Ledger, Transfer
from backend.wallets import codes
from backend.wallets.ledger_views import (
    POSTED_FLAGS,
    SHANGHAI,
    accounts_by_id,
    day_start,
    month_start,
    owner_names,
    today,
)

MAX_DAYS = 366  # the longest period of one statement
MAX_LINES = 2000  # movements one statement shows; a busier account is read by shorter periods
UNITS = {Ledger.TIME: "分钟", Ledger.POINTS: "积分", Ledger.CNY: "分"}
LEDGER_LABELS = {Ledger.TIME: "时长", Ledger.POINTS: "积分", Ledger.CNY: "资金"}


@dataclass
class StatementLine:
    at: datetime
    transfer_id: UUID
    code: str
    label: str
    counterparty: str
    reference: str
    debit: int
    credit: int
    balance: int


@dataclass
class Statement:
    account: Account
    owner: str
    since: date
    as_of: date
    opening: int
    lines: list[StatementLine]
    closing: int

    @property
    def debits(self) -> int:
        return sum(line.debit for line in self.lines)

    @property
    def credits(self) -> int:
        return sum(line.credit for line in self.lines)


def period_of(as_of: date | None, since: date | None) -> tuple[date, date]:
    as_of = as_of or today()
    since = since or month_start(as_of)
    if since > as_of:
        raise DomainError(ErrorCode.INVALID_INPUT, "开始日期不能晚于截止日期", field="from")
    if (as_of - since).days >= MAX_DAYS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"对账期间最长 {MAX_DAYS} 天", field="from")
    return since, as_of


async def _sum(query) -> int:
    [total] = await query.annotate(total=Sum("amount")).values_list("total", flat=True)
    return int(total or 0)


async def statement_of(account: Account, *, as_of: date | None = None, since: date | None = None) -> Statement:
    """The statement of an account the caller may read (authorization is the caller's)."""
    since, as_of = period_of(as_of, since)
    start, end = day_start(since), day_start(as_of + timedelta(days=1))
    posted = Transfer.filter(flags__in=POSTED_FLAGS)
    opening = (await _sum(posted.filter(credit_account_id=account.id, created_at__lt=start))
               - await _sum(posted.filter(debit_account_id=account.id, created_at__lt=start)))
    rows = await posted.filter(Q(debit_account_id=account.id) | Q(credit_account_id=account.id),
                               created_at__gte=start, created_at__lt=end) \
        .order_by("created_at", "id").limit(MAX_LINES + 1)
    if len(rows) > MAX_LINES:
        raise DomainError(ErrorCode.INVALID_INPUT, f"该期间流水超过 {MAX_LINES} 笔，请缩短对账期间", field="from")
    others = await accounts_by_id(t.credit_account_id if t.debit_account_id == account.id else t.debit_account_id
                                  for t in rows)
    names = await owner_names([account, *others.values()])
    lines, balance = [], opening
    for t in rows:
        outgoing = t.debit_account_id == account.id
        other = t.credit_account_id if outgoing else t.debit_account_id
        balance += -t.amount if outgoing else t.amount
        lines.append(StatementLine(at=t.created_at, transfer_id=t.id, code=t.code, label=codes.label(t.code),
                                   counterparty=names.get(other, ""), reference=t.reference,
                                   debit=t.amount if outgoing else 0, credit=0 if outgoing else t.amount,
                                   balance=balance))
    return Statement(account=account, owner=names[account.id], since=since, as_of=as_of, opening=opening,
                     lines=lines, closing=balance)


# --- Exports -----------------------------------------------------------------------------------------

COLUMNS = ["日期时间", "摘要", "对方", "业务编号", "支出", "收入", "余额"]


def _heading(s: Statement) -> list[list]:
    unit = UNITS.get(Ledger(s.account.ledger), "")
    return [[f"对账单：{s.owner}（{LEDGER_LABELS.get(Ledger(s.account.ledger), s.account.ledger)}，单位：{unit}）"],
            [f"期间：{s.since.isoformat()} 至 {s.as_of.isoformat()}（北京时间）"],
            ["期初余额", s.opening], COLUMNS]


def _rows(s: Statement) -> list[list]:
    return [[line.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"), line.label, line.counterparty,
             line.reference, line.debit or "", line.credit or "", line.balance] for line in s.lines]


def _footer(s: Statement) -> list[list]:
    return [["合计", "", "", "", s.debits, s.credits, ""], ["期末余额", s.closing]]


def statement_csv(s: Statement) -> bytes:
    """UTF-8 with a byte-order mark, so Excel and WPS open the Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in [*_heading(s), *_rows(s), *_footer(s)]:
        writer.writerow(safe_row(row))
    return out.getvalue().encode("utf-8-sig")


def statement_workbook(s: Statement) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "对账单"
    for row in [*_heading(s), *_rows(s), *_footer(s)]:
        sheet.append(safe_row(row))
    for column, width in zip("ABCDEFG", (18, 22, 16, 30, 10, 10, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename(s: Statement, extension: str) -> str:
    return f"statement-{s.account.id}-{s.as_of.isoformat()}.{extension}"


async def account_of(account_id: UUID) -> Account | None:
    return await Account.filter(id=account_id).first()


async def statement_for(actor, *, account_id: UUID, as_of: date | None = None, since: date | None = None) -> Statement:
    """A person's own account (or, as their proxy with TIMEBANK, their principal's), else an account of
    a community the staff member reads the ledger of; not-found otherwise."""
    from backend.wallets.ledger_views import get_account_for
    from backend.wallets.wallet import wallet_owner

    account = await account_of(account_id)
    if account is not None and account.owner_kind == "person" and account.owner_id == wallet_owner(actor):
        return await statement_of(account, as_of=as_of, since=since)
    return await statement_of(await get_account_for(actor, account_id), as_of=as_of, since=since)
