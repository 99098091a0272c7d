"""What staff set up before cases come in: categories with their responsible party and SLAs, reply
templates per category, the community's named common areas, and its case settings."""

from dataclasses import dataclass
from uuid import UUID

from backend.audit import service as audit
from backend.cases.models import CaseCategory, CaseReplyTemplate, CaseSettings, CommonArea, Party
from backend.core.actor import Actor
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.core.permissions import Permission, permissions, require
from backend.registry.models import Grid, Membership

MAX_CATEGORIES = 50
MAX_AREAS = 50
MAX_TEMPLATES = 20
MAX_SLA_HOURS = 24 * 60
MAX_REMIND_BEFORE_HOURS = 24  # the sweeper looks this far ahead (backend/cases/sla.py)


@dataclass
class CategoryDraft:
    name: str
    party: Party
    accept_hours: int
    resolve_hours: int
    active: bool = True


def _check_category(draft: CategoryDraft) -> str:
    name = draft.name.strip()
    if not 1 <= len(name) <= 32:
        raise DomainError(ErrorCode.INVALID_INPUT, "分类名称须为 1–32 个字", field="name")
    if not 1 <= draft.accept_hours <= MAX_SLA_HOURS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"受理时限须为 1–{MAX_SLA_HOURS} 小时", field="acceptHours")
    if not draft.accept_hours <= draft.resolve_hours <= MAX_SLA_HOURS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"办结时限须不短于受理时限，且不超过 {MAX_SLA_HOURS} 小时",
                          field="resolveHours")
    return name


async def _name_taken(model, community_id: UUID, name: str, *, tx, but: UUID | None = None) -> None:
    query = model.filter(community_id=community_id, name=name).using_db(tx)
    if but is not None:
        query = query.exclude(id=but)
    if await query.exists():
        raise DomainError(ErrorCode.INVALID_INPUT, f"已有名为「{name}」的条目", field="name")


async def create_category(actor: Actor, *, community_id: UUID, draft: CategoryDraft) -> CaseCategory:
    require(actor, Permission.CASE_MANAGE, community_id)
    name = _check_category(draft)
    async with transaction() as tx:
        if await CaseCategory.filter(community_id=community_id).using_db(tx).count() >= MAX_CATEGORIES:
            raise DomainError(ErrorCode.INVALID_INPUT, f"每个社区最多 {MAX_CATEGORIES} 个分类")
        await _name_taken(CaseCategory, community_id, name, tx=tx)
        category = await CaseCategory.create(community_id=community_id, name=name, party=draft.party,
                                             accept_hours=draft.accept_hours, resolve_hours=draft.resolve_hours,
                                             active=draft.active, using_db=tx)
        await audit.record(tx, actor, "case.category_create", "case_category", category.id,
                           community_id=community_id, after={"name": name})
    return category


async def _category_for_staff(actor: Actor, category_id: UUID, *, tx=None) -> CaseCategory:
    query = CaseCategory.filter(id=category_id)
    category = await (query.using_db(tx) if tx else query).first()
    if category is None or category.community_id not in actor.roles:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该分类")
    require(actor, Permission.CASE_MANAGE, category.community_id)
    return category


async def update_category(actor: Actor, *, category_id: UUID, draft: CategoryDraft) -> CaseCategory:
    """New SLAs apply to cases raised from now on; open cases keep the deadlines they were given."""
    name = _check_category(draft)
    async with transaction() as tx:
        category = await _category_for_staff(actor, category_id, tx=tx)
        await _name_taken(CaseCategory, category.community_id, name, tx=tx, but=category.id)
        before = {"name": category.name, "acceptHours": category.accept_hours, "resolveHours": category.resolve_hours}
        category.name, category.party, category.active = name, draft.party, draft.active
        category.accept_hours, category.resolve_hours = draft.accept_hours, draft.resolve_hours
        await category.save(using_db=tx)
        await audit.record(tx, actor, "case.category_update", "case_category", category.id,
                           community_id=category.community_id, before=before, after={"name": name})
    return category


async def _require_member_or_staff(actor: Actor, community_id: UUID) -> None:
    """What residents pick from when raising a case: for the community's members and staff."""
    person_id = actor.require_person()
    if permissions(actor, community_id):
        return
    if not await Membership.filter(person_id=person_id, community_id=community_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该社区")


async def list_categories(actor: Actor, *, community_id: UUID) -> list[CaseCategory]:
    """Active categories for residents; staff who manage them see the inactive ones too."""
    await _require_member_or_staff(actor, community_id)
    query = CaseCategory.filter(community_id=community_id)
    if Permission.CASE_MANAGE not in permissions(actor, community_id):
        query = query.filter(active=True)
    return await query.order_by("name").limit(MAX_CATEGORIES)


async def create_template(actor: Actor, *, category_id: UUID, title: str, body: str) -> CaseReplyTemplate:
    title, body = title.strip(), body.strip()
    if not 1 <= len(title) <= 32:
        raise DomainError(ErrorCode.INVALID_INPUT, "模板标题须为 1–32 个字", field="title")
    if not 2 <= len(body) <= 500:
        raise DomainError(ErrorCode.INVALID_INPUT, "模板内容须为 2–500 个字", field="body")
    async with transaction() as tx:
        category = await _category_for_staff(actor, category_id, tx=tx)
        if await CaseReplyTemplate.filter(category_id=category.id).using_db(tx).count() >= MAX_TEMPLATES:
            raise DomainError(ErrorCode.INVALID_INPUT, f"每个分类最多 {MAX_TEMPLATES} 个回复模板")
        template = await CaseReplyTemplate.create(category=category, title=title, body=body, using_db=tx)
        await audit.record(tx, actor, "case.template_create", "case_reply_template", template.id,
                           community_id=category.community_id, after={"title": title})
    return template


async def delete_template(actor: Actor, *, template_id: UUID) -> None:
    async with transaction() as tx:
        template = await CaseReplyTemplate.filter(id=template_id).using_db(tx).first()
        if template is None:
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该模板")
        category = await _category_for_staff(actor, template.category_id, tx=tx)
        await template.delete(using_db=tx)
        await audit.record(tx, actor, "case.template_delete", "case_reply_template", template.id,
                           community_id=category.community_id, before={"title": template.title})


async def list_templates(actor: Actor, *, category_id: UUID) -> list[CaseReplyTemplate]:
    """A category's reply templates, for its community's handlers."""
    category = await CaseCategory.filter(id=category_id).first()
    if category is None or category.community_id not in actor.roles:
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该分类")
    require(actor, Permission.CASE_HANDLE, category.community_id)
    return await CaseReplyTemplate.filter(category_id=category.id).order_by("title").limit(MAX_TEMPLATES)


async def create_area(actor: Actor, *, community_id: UUID, name: str, grid_id: UUID | None) -> CommonArea:
    require(actor, Permission.CASE_MANAGE, community_id)
    name = name.strip()
    if not 1 <= len(name) <= 32:
        raise DomainError(ErrorCode.INVALID_INPUT, "公共区域名称须为 1–32 个字", field="name")
    if grid_id is not None and not await Grid.filter(id=grid_id, community_id=community_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "找不到该网格", field="gridId")
    async with transaction() as tx:
        if await CommonArea.filter(community_id=community_id).using_db(tx).count() >= MAX_AREAS:
            raise DomainError(ErrorCode.INVALID_INPUT, f"每个社区最多 {MAX_AREAS} 个公共区域")
        await _name_taken(CommonArea, community_id, name, tx=tx)
        area = await CommonArea.create(community_id=community_id, name=name, grid_id=grid_id, using_db=tx)
        await audit.record(tx, actor, "case.area_create", "case_common_area", area.id, community_id=community_id,
                           after={"name": name})
    return area


async def list_areas(actor: Actor, *, community_id: UUID) -> list[CommonArea]:
    await _require_member_or_staff(actor, community_id)
    return await CommonArea.filter(community_id=community_id).order_by("name").limit(MAX_AREAS)


async def settings_of(community_id: UUID, *, tx=None) -> CaseSettings:
    """The community's case settings (the defaults until staff change them)."""
    query = CaseSettings.filter(community_id=community_id)
    found = await (query.using_db(tx) if tx else query).first()
    return found or CaseSettings(community_id=community_id)


async def get_settings_for(actor: Actor, *, community_id: UUID) -> CaseSettings:
    require(actor, Permission.CASE_MANAGE, community_id)
    return await settings_of(community_id)


async def update_settings(actor: Actor, *, community_id: UUID, auto_confirm_days: int,
                          remind_before_hours: int) -> CaseSettings:
    require(actor, Permission.CASE_MANAGE, community_id)
    if not 1 <= auto_confirm_days <= 30:
        raise DomainError(ErrorCode.INVALID_INPUT, "自动确认天数须为 1–30 天", field="autoConfirmDays")
    if not 1 <= remind_before_hours <= MAX_REMIND_BEFORE_HOURS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"到期前提醒须为 1–{MAX_REMIND_BEFORE_HOURS} 小时",
                          field="remindBeforeHours")
    async with transaction() as tx:
        row, _ = await CaseSettings.get_or_create(community_id=community_id, using_db=tx)
        before = {"autoConfirmDays": row.auto_confirm_days, "remindBeforeHours": row.remind_before_hours}
        row.auto_confirm_days, row.remind_before_hours = auto_confirm_days, remind_before_hours
        await row.save(using_db=tx)
        await audit.record(tx, actor, "case.settings_update", "community", community_id, community_id=community_id,
                           before=before, after={"autoConfirmDays": auto_confirm_days,
                                                 "remindBeforeHours": remind_before_hours})
    return row
