"""Provider statements (服务商对账单): every order of a provider settled in a period (Asia/Shanghai days,
both included), with what it paid, what was refunded, the platform's commission, the payment
provider's fee and the provider's share, and the totals. For the provider's admin or an operator.

Who bears the payment provider's fee is its adapter's (`PaymentGateway.fee_borne_by_platform`,
docs/services.md): a Stripe destination charge takes it from the platform's commission, so the share
is kept − commission; a WeChat sub-merchant bears it, so the share is kept − commission − fee. Each line
says which, and share + commission + the fee the provider bears = amount kept, line by line.

Also the pieces the other reports share: the period, the category labels, the CSV form."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from backend.core.actor import Actor
from backend.core.days import SHANGHAI, today
from backend.core.errors import DomainError, ErrorCode
from backend.core.spreadsheet import safe_row
from backend.payments import port
from backend.services.access import get_provider_for_admin
from backend.services.labels import CATEGORY_LABELS
from backend.services.models import Order, OrderLine, OrderState, Provider, ServiceCategory

MAX_DAYS = 366  # the longest period of one report
MAX_LINES = 2000  # orders one statement shows; a busier provider is read by shorter periods
SETTLED_STATES = (OrderState.SETTLED, OrderState.REVIEWED)


@dataclass(frozen=True)
class Period:
    since: date
    until: date  # included

    @classmethod
    def of(cls, since: date | None, until: date | None) -> "Period":
        """The period asked for; by default this month up to today (Asia/Shanghai)."""
        until = until or today()
        since = since or until.replace(day=1)
        if until < since:
            raise DomainError(ErrorCode.INVALID_INPUT, "结束日期不能早于开始日期", field="to")
        if (until - since).days + 1 > MAX_DAYS:
            raise DomainError(ErrorCode.INVALID_INPUT, f"报表期间最长 {MAX_DAYS} 天，请缩短后再试", field="from")
        return cls(since, until)

    def bounds(self) -> tuple[datetime, datetime]:
        return (datetime.combine(self.since, time(), SHANGHAI),
                datetime.combine(self.until + timedelta(days=1), time(), SHANGHAI))


def order_no(order_id: UUID) -> str:
    """The short number staff and providers quote: the random tail of the id (its head is the time)."""
    return order_id.hex[-10:].upper()


def shanghai_day(at: datetime) -> date:
    return at.astimezone(SHANGHAI).date()


def csv_export(rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel and WPS open the Chinese right, every cell defused."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(safe_row(row))
    return out.getvalue().encode("utf-8-sig")


def yuan(fen: int) -> str:
    return f"{fen / 100:.2f}"


@dataclass
class StatementLine:
    settled_on: date
    order_id: UUID
    order_no: str
    category: ServiceCategory
    items: str  # what was bought: the service or the dishes
    amount: int
    refunded: int
    commission: int
    gateway_fee: int
    fee_borne_by_platform: bool
    share: int

    @property
    def provider_fee(self) -> int:
        """The part of the payment provider's fee taken from the provider's money."""
        return 0 if self.fee_borne_by_platform else self.gateway_fee


@dataclass
class Statement:
    provider: Provider
    period: Period
    lines: list[StatementLine]

    def total(self, column: str) -> int:
        return sum(getattr(line, column) for line in self.lines)


def _line(order: Order, items: str) -> StatementLine:
    platform_fee = port.fee_borne_by_platform(order.gateway)
    kept = order.amount_fen - order.refunded_fen
    share = kept - order.commission_fen - (0 if platform_fee else order.gateway_fee_fen)
    return StatementLine(settled_on=shanghai_day(order.settled_at), order_id=order.id, order_no=order_no(order.id),
                         category=ServiceCategory(order.category), items=items, amount=order.amount_fen,
                         refunded=order.refunded_fen, commission=order.commission_fen,
                         gateway_fee=order.gateway_fee_fen, fee_borne_by_platform=platform_fee, share=share)


async def provider_statement(actor: Actor, *, provider_id: UUID, since: date | None = None,
                             until: date | None = None) -> Statement:
    """The orders of the provider settled in [since, until]: for its admin or an operator, not-found
    for anyone else. At most MAX_LINES orders (INVALID_INPUT beyond: read a shorter period)."""
    provider = await get_provider_for_admin(actor, provider_id)
    period = Period.of(since, until)
    start, end = period.bounds()
    orders = await Order.filter(provider_id=provider.id, state__in=SETTLED_STATES, settled_at__gte=start,
                                settled_at__lt=end).order_by("settled_at", "id").limit(MAX_LINES + 1)
    if len(orders) > MAX_LINES:
        raise DomainError(ErrorCode.INVALID_INPUT, f"该期间订单超过 {MAX_LINES} 笔，请缩短对账期间", field="from")
    items: dict[UUID, list[str]] = {o.id: [] for o in orders}
    for order_id, description, quantity in await OrderLine.filter(order_id__in=list(items)).order_by(
            "created_at", "id").values_list("order_id", "description", "quantity"):
        items[order_id].append(description if quantity == 1 else f"{description}×{quantity}")
    return Statement(provider=provider, period=period, lines=[_line(o, "、".join(items[o.id])) for o in orders])


# --- Exports -----------------------------------------------------------------------------------------

COLUMNS = ["结算日期", "订单号", "类别", "服务内容", "订单金额", "已退款", "平台佣金", "支付手续费", "手续费承担方",
           "服务商所得"]
MONEY = ("amount", "refunded", "commission", "gateway_fee", "share")


def _heading(s: Statement) -> list[str]:
    return [f"服务商对账单：{s.provider.name}（单位：元）",
            f"结算期间：{s.period.since.isoformat()} 至 {s.period.until.isoformat()}（北京时间）"]


def _rows(s: Statement) -> list[list]:
    return [[line.settled_on.isoformat(), line.order_no, CATEGORY_LABELS[line.category], line.items,
             yuan(line.amount), yuan(line.refunded), yuan(line.commission), yuan(line.gateway_fee),
             "平台" if line.fee_borne_by_platform else "服务商", yuan(line.share)] for line in s.lines]


def _totals(s: Statement) -> list:
    amount, refunded, commission, fee, share = (yuan(s.total(c)) for c in MONEY)
    return [f"合计 {len(s.lines)} 笔", "", "", "", amount, refunded, commission, fee, "", share]


def statement_csv(s: Statement) -> bytes:
    return csv_export([[line] for line in _heading(s)] + [COLUMNS, *_rows(s), _totals(s)])


def statement_pdf(s: Statement) -> bytes:
    """For printing and filing, with reportlab's built-in CJK font (no font file shipped)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))  # idempotent
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=22)
    title_line, period_line = _heading(s)
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), title=title_line, author="邻里")
    rows = [COLUMNS, *_rows(s), _totals(s)]
    widths = [doc.width * w for w in (0.09, 0.1, 0.07, 0.22, 0.08, 0.08, 0.08, 0.08, 0.1, 0.1)]
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)])
    doc.build([Paragraph(escape(title_line), title), Paragraph(escape(period_line), body),
               Table([[Paragraph(escape(str(cell)), body) for cell in row] for row in rows], colWidths=widths,
                     style=grid, repeatRows=1, hAlign="LEFT")])
    return out.getvalue()


def filename(s: Statement, extension: str) -> str:
    return f"provider-statement-{s.period.since.isoformat()}-{s.period.until.isoformat()}.{extension}"
