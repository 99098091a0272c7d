"""Arranging paid-service tests: a verified provider serving a community, with an admin, a worker, an
hourly housekeeping service and a slot, built directly like make_community builds a community (what a
test then asserts goes through the public surface)."""

from dataclasses import dataclass
from datetime import timedelta

from backend.core import crypto
from backend.core.clock import clock
from backend.people.models import Person
from backend.services.models import (
    Provider,
    ProviderCommunity,
    ProviderMember,
    ProviderRole,
    ProviderState,
    Service,
    ServiceCategory,
    ServiceUnit,
    Slot,
)


@dataclass
class ProviderSetup:
    provider: Provider
    admin: Person
    worker: Person
    service: Service  # 日常保洁, ¥50 an hour, at least 2 hours
    slot: Slot  # two days from now, 09:00 UTC, capacity 3


async def verified_provider(make_person, community, *, name: str = "好帮手家政",
                            categories: tuple[ServiceCategory, ...] = (ServiceCategory.HOUSEKEEPING,),
                            stripe_account_id: str | None = None, wechat_sub_mchid: str | None = None,
                            unit_price_fen: int = 5000, capacity: int = 3,
                            slot_in: timedelta = timedelta(days=2)) -> ProviderSetup:
    admin = await make_person(community.id, [])
    worker = await make_person(community.id, [])
    provider = await Provider.create(
        name=name, state=ProviderState.VERIFIED, categories=[c.value for c in categories], contact_name="王经理",
        contact_phone_encrypted=crypto.encrypt("13800001234"), stripe_account_id=stripe_account_id,
        wechat_sub_mchid=wechat_sub_mchid, applied_by=admin, verified_at=clock.now())
    await ProviderCommunity.create(provider=provider, community=community)
    await ProviderMember.create(provider=provider, person=admin, role=ProviderRole.ADMIN)
    await ProviderMember.create(provider=provider, person=worker, role=ProviderRole.WORKER)
    service = await Service.create(provider=provider, category=categories[0], name="日常保洁", unit=ServiceUnit.HOUR,
                                   unit_price_fen=unit_price_fen, min_quantity=2, duration_minutes=60)
    starts = (clock.now() + slot_in).replace(hour=9, minute=0, second=0, microsecond=0)
    slot = await Slot.create(provider=provider, starts_at=starts, ends_at=starts + timedelta(hours=3),
                             capacity=capacity)
    return ProviderSetup(provider=provider, admin=admin, worker=worker, service=service, slot=slot)
