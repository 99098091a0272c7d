"""A poll's result as a workbook (Excel) and as a PDF for the notice board, for its staff once the result
may be seen (backend/voting/results.py). Both hold the title, the verdict, every step with its numbers and
the counts; the workbook also every text answer."""

import io
from uuid import UUID
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from backend.core.actor import Actor
from backend.core.spreadsheet import safe_row
from backend.voting.models import Poll
from backend.voting.results import PollResult, result_for_staff
from backend.voting.tally import format_area, format_decimal

_FONT = "STSong-Light"  # reportlab's built-in CID font: Chinese without shipping a font file
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _met(met: bool | None) -> str:
    return "" if met is None else ("达到" if met else "未达到")


def _steps(steps) -> list[list[str]]:
    return [["步骤", "结论"], *([s.text, _met(s.met)] for s in steps)]


def _tables(result: PollResult) -> list[tuple[str, list[list[str | int]]]]:
    """The sections both formats show: (heading, rows with a header row first); counts as integers."""
    area = any(o.area_dm2 is not None for o in result.options)
    sections = [("计票步骤", _steps(result.steps))]
    if result.options:
        sections.append(("选项", [["选项", "票数", *(["专有部分面积"] if area else [])],
                                 *([o.label, o.votes, *([format_area(o.area_dm2)] if area else [])]
                                   for o in result.options)]))
    for m in result.motions:
        sections += [(f"议题：{m.label}（{'通过' if m.passed else '未通过'}）", [["同意", "反对", "弃权"],
                                                                         [m.yes, m.no, m.abstain]]),
                     ("", _steps(m.steps))]
    if result.questions:
        sections.append(("问题", [["问题", "作答", "平均"],
                                 *([q.label, q.answers, "" if q.average is None else format_decimal(q.average, 2)]
                                   for q in result.questions)]))
    return sections


def _heading(poll: Poll) -> list[str]:
    closes = poll.closes_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return [f"投票结果：{poll.title}", f"截止时间：{closes}（北京时间）"]


async def result_workbook(actor: Actor, *, poll_id: UUID) -> bytes:
    from openpyxl import Workbook

    poll, result = await result_for_staff(actor, poll_id)
    book = Workbook()
    sheet = book.active
    sheet.title = "结果"
    sheet.column_dimensions["A"].width = 90  # the steps are sentences
    for line in _heading(poll):
        sheet.append(safe_row([line]))
    sheet.append(safe_row(["结论", result.outcome]))
    for heading, rows in _tables(result):
        if heading:
            sheet.append([])
            sheet.append(safe_row([heading]))
        for row in rows:
            sheet.append(safe_row(row))
    texts = [(q.label, t) for q in result.questions for t in q.texts]
    if texts:
        answers = book.create_sheet("文字回答")
        answers.append(["问题", "回答"])
        for row in texts:
            answers.append(safe_row(list(row)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def result_pdf(actor: Actor, *, poll_id: UUID) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    poll, result = await result_for_staff(actor, poll_id)
    pdfmetrics.registerFont(UnicodeCIDFont(_FONT))  # idempotent
    body = ParagraphStyle("body", fontName=_FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24)
    heading = ParagraphStyle("heading", parent=body, fontSize=12, leading=20, spaceBefore=8)
    title_line, *rest = _heading(poll)
    story = [Paragraph(escape(title_line), title), *(Paragraph(escape(line), body) for line in rest),
             Paragraph(escape(f"结论：{result.outcome}"), heading)]
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)])
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=f"投票结果：{poll.title}", author="邻里")
    for name, rows in _tables(result):
        columns = len(rows[0])
        widths = [doc.width * 0.8, doc.width * 0.2] if rows[0][0] == "步骤" else [doc.width / columns] * columns
        story += [*([Paragraph(escape(name), heading)] if name else []),
                  Table([[Paragraph(escape(str(cell)), body) for cell in row] for row in rows], colWidths=widths,
                        style=grid, repeatRows=1, hAlign="LEFT")]
    doc.build(story)
    return out.getvalue()
