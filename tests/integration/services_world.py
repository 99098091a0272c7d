"""The paid services' part of the query-count world (tests/integration/test_query_counts.py): four
verified providers of the large community — one with one of everything, the others with several —
built directly, as the world builds its communities."""

import uuid
from datetime import datetime, time, timedelta

from backend.core import crypto
from backend.core.clock import clock
from backend.core.days import SHANGHAI
from backend.registry.models import Community
from backend.services.models import (
    CommissionRule,
    MealDish,
    MealMenu,
    Provider,
    ProviderCommunity,
    ProviderMember,
    ProviderRole,
    ProviderState,
    Service,
    ServiceCategory,
    ServiceUnit,
    Slot,
    SubsidyGrant,
    SubsidyPolicy,
    SubsidyTier,
)
from tests.integration.conftest import build_person


def days_ahead(n: int):
    return clock.now().astimezone(SHANGHAI).date() + timedelta(days=n)


async def _provider(world, name: str, admin, communities, *, slots: int, menus_on: list) -> Provider:
    provider = await Provider.create(name=name, state=ProviderState.VERIFIED, categories=["HOUSEKEEPING", "MEALS"],
                                     contact_name="王经理", contact_phone_encrypted=crypto.encrypt("13800001234"),
                                     applied_by=admin, verified_at=clock.now())
    for community in communities:
        await ProviderCommunity.create(provider=provider, community=community)
    await ProviderMember.create(provider=provider, person=admin, role=ProviderRole.ADMIN)
    world.services_ids.setdefault("services", []).append(str((await Service.create(
        provider=provider, category=ServiceCategory.HOUSEKEEPING, name=f"{name}保洁", unit=ServiceUnit.HOUR,
        unit_price_fen=5000, min_quantity=2)).id))
    for hour in range(9, 9 + slots):
        starts = datetime.combine(days_ahead(1), time(hour), SHANGHAI)
        await Slot.create(provider=provider, starts_at=starts, ends_at=starts + timedelta(hours=1), capacity=3)
    for day in menus_on:
        menu = await MealMenu.create(provider=provider, community=world.large.community, day=day,
                                     cutoff_at=datetime.combine(day, time(10), SHANGHAI), delivery=True,
                                     delivery_fee_fen=200)
        for price in (800, 1200):
            await MealDish.create(menu=menu, name=f"套餐{price}", price_fen=price, portions=30)
    return provider


async def build(world, staff) -> None:
    """Providers P1 (one admin of its own, one community, one service, one slot, one menu on day 2) and
    P2–P4 (one admin of all three; P2 with three communities, three services and three slots; the three
    menus of day 3)."""
    large, small = world.large, world.small
    world.services_ids = {}
    one, many = [await build_person(large.community.id, []) for _ in range(2)]
    third = await Community.create(name=f"{world.token}服务", code=f"c-{uuid.uuid4().hex[:10]}")
    first = await _provider(world, "单一家政", one, [large.community], slots=1, menus_on=[days_ahead(2)])
    others = [await _provider(world, f"多家政{i}", many,
                              [large.community, small.community, third] if i == 0
                              else [large.community], slots=3 if i == 0 else 0,
                              menus_on=[days_ahead(d) for d in ((3, 4, 5) if i == 0 else (3,))])
              for i in range(3)]
    for person in [await build_person(large.community.id, []) for _ in range(2)]:
        await ProviderMember.create(provider=others[0], person=person, role=ProviderRole.WORKER)
    for name in ("多家政0深度保洁", "多家政0擦窗"):  # P2's catalogue has three services, P1's one
        await Service.create(provider=others[0], category=ServiceCategory.HOUSEKEEPING, name=name,
                             unit=ServiceUnit.ITEM, unit_price_fen=1500, active=name.endswith("擦窗"))
    await CommissionRule.create(provider=others[0], category=None, percent_bp=800, created_by=staff)
    await CommissionRule.create(provider=others[1], category=ServiceCategory.HOUSEKEEPING, percent_bp=600,
                                created_by=staff)
    await SubsidyPolicy.create(community=small.community, tier=SubsidyTier.AGE_60, min_age=60, subsidy_fen=200)
    for tier, fen in ((SubsidyTier.AGE_60, 200), (SubsidyTier.AGE_80, 500), (SubsidyTier.LOW_INCOME, 300)):
        await SubsidyPolicy.create(community=large.community, tier=tier, min_age=None, subsidy_fen=fen)
    for person in large.residents[:3]:
        await SubsidyGrant.create(community=large.community, person=person, tier=SubsidyTier.LOW_INCOME,
                                  evidence="低保证", granted_by=staff)
    world.services_ids |= {"one": str(first.id), "many": str(others[0].id)}
    world.services_handles = {"sp_admin_one": one.handle, "sp_admin_many": many.handle}
