"""Certificates of volunteer service (志愿服务记录证明): issued to oneself from one's approved records
(a snapshot), printed as PDF for the owner, and verified by anyone by its code without signing in
(a masked name, the organisation, the total hours and the issue date only)."""

import io
import secrets
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.pagination import Page, paginate
from backend.core.settings import get_settings
from backend.people.masking import mask_name, masked_id_number
from backend.people.models import Person
from backend.registry.models import Community
from backend.volunteering import access
from backend.volunteering.models import SignupState, VolunteerCertificate, VolunteerSignup

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
CODE_LENGTH = 10
MAX_RECORDS = 500
SHANGHAI = ZoneInfo("Asia/Shanghai")
_FONT = "STSong-Light"  # reportlab's built-in CID font, as the poll result PDF


def hours_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} 小时 {rest} 分钟" if rest else f"{hours} 小时"


def verify_url(code: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/verify/{code}"


async def issue(actor: Actor, *, community_id: UUID) -> VolunteerCertificate:
    me = actor.require_self(access.SELF_ONLY)
    if not await access.is_member(me, community_id):
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区")
    signups = await VolunteerSignup.filter(person_id=me, community_id=community_id, state=SignupState.APPROVED
                                           ).select_related("activity", "activity__team", "activity__estate",
                                                            "activity__building").order_by("id").limit(MAX_RECORDS)
    if not signups:
        raise DomainError(ErrorCode.INVALID_INPUT, "暂无已审核通过的志愿服务记录")
    from backend.volunteering.service import place_name

    community = await Community.get(id=community_id)
    person = await Person.get(id=me)
    records = [{"team": s.activity.team.name, "title": s.activity.title, "place": place_name(s.activity),
                "startsAt": s.activity.starts_at.isoformat(), "endsAt": s.activity.ends_at.isoformat(),
                "minutes": s.approved_minutes} for s in signups]
    teams = "、".join(dict.fromkeys(r["team"] for r in records))
    async with transaction() as tx:
        certificate = await VolunteerCertificate.create(
            community_id=community_id, person_id=me, code="".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)),
            person_name=person.display_name, organisation=f"{community.name}（{teams}）", records=records,
            total_minutes=sum(r["minutes"] for r in records), issued_at=clock.now(), using_db=tx)
    return certificate


async def mine(actor: Actor, *, first: int, after: str | None) -> Page[VolunteerCertificate]:
    me = actor.require_self(access.SELF_ONLY)
    return await paginate(VolunteerCertificate.filter(person_id=me), first=first, after=after, newest_first=True)


@dataclass
class Check:
    valid: bool
    masked_name: str | None = None
    organisation: str | None = None
    total_minutes: int | None = None
    issued_at: datetime | None = None


async def check(code: str) -> Check:
    """Anyone: whether the code is a certificate's, and only what the certificate may show publicly."""
    code = (code or "").strip().upper()
    if len(code) != CODE_LENGTH:
        return Check(valid=False)
    found = await VolunteerCertificate.filter(code=code).first()
    if found is None:
        return Check(valid=False)
    return Check(valid=True, masked_name=mask_name(found.person_name), organisation=found.organisation,
                 total_minutes=found.total_minutes, issued_at=found.issued_at)


def _local(value: str | datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(SHANGHAI).strftime(fmt)


async def certificate_pdf(actor: Actor, *, certificate_id: UUID) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    me = actor.require_self(access.SELF_ONLY)
    certificate = await VolunteerCertificate.filter(id=certificate_id, person_id=me).first()
    if certificate is None:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该证明")
    person = await Person.get(id=me)
    community = await Community.get(id=certificate.community_id)
    pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
    body = ParagraphStyle("body", fontName=_FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=1)
    lines = [f"志愿者姓名：{certificate.person_name}"]
    if (id_number := masked_id_number(person)) is not None:
        lines.append(f"身份证件号码：{id_number}")
    lines.append(f"志愿服务组织/社区名称：{certificate.organisation}")
    rows = [["服务时间", "地点", "服务内容", "服务时长"],
            *([f"{_local(r['startsAt'])}—{_local(r['endsAt'], '%H:%M')}", r["place"], r["title"],
               hours_text(r["minutes"])] for r in certificate.records)]
    closing = [f"累计志愿服务时长：{hours_text(certificate.total_minutes)}",
               f"出具日期：{_local(certificate.issued_at, '%Y年%m月%d日')}",
               f"出具单位：{community.name}居民委员会", f"验证码：{certificate.code}",
               f"验证网址：{verify_url(certificate.code)}"]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title="志愿服务记录证明", author="邻里")
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    story = [Paragraph("志愿服务记录证明", title), *(Paragraph(escape(line), body) for line in lines),
             Table([[Paragraph(escape(str(c)), body) for c in row] for row in rows], style=grid, repeatRows=1,
                   colWidths=[doc.width * 0.32, doc.width * 0.2, doc.width * 0.3, doc.width * 0.18]),
             *(Paragraph(escape(line), body) for line in closing)]
    doc.build(story)
    return out.getvalue()


def verify_page(result: Check) -> str:
    """The public page /verify/{code}: Chinese, no personal data beyond the masked name."""
    if result.valid:
        rows = (f"<p class='ok'>✔ 证明有效</p><dl><dt>志愿者</dt><dd>{escape(result.masked_name)}</dd>"
                f"<dt>出具组织</dt><dd>{escape(result.organisation)}</dd>"
                f"<dt>累计时长</dt><dd>{hours_text(result.total_minutes)}</dd>"
                f"<dt>出具日期</dt><dd>{_local(result.issued_at, '%Y年%m月%d日')}</dd></dl>")
    else:
        rows = "<p class='bad'>✘ 证明无效：找不到该验证码对应的志愿服务记录证明</p>"
    return ("<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width,initial-scale=1'><title>志愿服务记录证明验证</title>"
            "<style>body{font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em}.ok{color:#1a7f37}"
            ".bad{color:#c62828}dt{color:#666}dd{margin:0 0 .8em}</style></head>"
            f"<body><h1>志愿服务记录证明验证</h1>{rows}</body></html>")
