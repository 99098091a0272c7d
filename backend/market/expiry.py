"""Listing expiry: published listings past their end expire (→ EXPIRED, renewing publishes them
again), and their sellers are reminded three days before, once per period (renewing starts a new
one). Both are due sweeps (core.statemachine.sweep_due), run every minute by backend/market/tasks.py."""

from datetime import timedelta
from uuid import UUID

from backend.core.clock import clock
from backend.core.statemachine import sweep_due
from backend.market.models import Listing, ListingState
from backend.market.states import LISTING_STATES
from backend.notify import service as notify

REMIND_BEFORE = timedelta(days=3)
BATCH = 500  # a sweep's share; the next minute's sweep takes the rest


async def _due(**conditions) -> list[UUID]:
    return await Listing.filter(state=ListingState.PUBLISHED, **conditions).order_by("expires_at").limit(
        BATCH).values_list("id", flat=True)


async def _locked(tx, listing_id: UUID) -> Listing | None:
    return await Listing.filter(id=listing_id, state=ListingState.PUBLISHED).select_for_update().using_db(tx).first()


async def expire_due() -> int:
    async def expire(tx, listing_id: UUID) -> bool:
        listing = await _locked(tx, listing_id)
        if listing is None or listing.expires_at > clock.now():  # renewed, reserved or withdrawn meanwhile
            return False
        await LISTING_STATES.move(tx, listing, ListingState.EXPIRED, actor=None, reason="30 天未续期")
        return True

    return await sweep_due(lambda: _due(expires_at__lte=clock.now()), expire)


async def remind_due() -> int:
    async def remind(tx, listing_id: UUID) -> bool:
        listing = await _locked(tx, listing_id)
        now = clock.now()
        if listing is None or listing.renewal_reminded_at is not None or listing.expires_at > now + REMIND_BEFORE:
            return False
        listing.renewal_reminded_at = now
        await listing.save(using_db=tx, update_fields=["renewal_reminded_at", "updated_at"])
        title, body = "闲置即将过期", f"您的闲置「{listing.title}」将在 3 天后过期，续期可继续展示"
        key = f"market:renewal:{listing.id}:{listing.expires_at.isoformat()}"
        await notify.deliver_many(tx, person_ids=[listing.seller_id], kind="market.renewal", title=title, body=body,
                                  key_prefix=key)
        await notify.queue_push(tx, person_ids=[listing.seller_id], kind="market.renewal", title=title, body=body,
                                key_prefix=key, page="market/pages/mine/index")
        return True

    return await sweep_due(lambda: _due(expires_at__lte=clock.now() + REMIND_BEFORE, expires_at__gt=clock.now(),
                                        renewal_reminded_at__isnull=True), remind)

