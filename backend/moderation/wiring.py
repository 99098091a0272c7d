"""The kinds of content moderation knows, registered once at start-up (backend/app.py): the one
module that imports both moderation and the domains whose content it moderates, so that those never
import moderation. Adding a kind is one `kinds.register` here (docs/moderation.md)."""

from functools import cache, partial
from uuid import UUID

from backend.core.errors import DomainError, ErrorCode
from backend.deliberation import moderated as deliberation
from backend.market import moderated as market
from backend.moderation import kinds


async def _deliberation_target(kind: str, target_id: UUID) -> kinds.Target | None:
    try:
        found = await deliberation.target(kind, target_id)
    except DomainError as error:
        if error.code is not ErrorCode.NOT_FOUND:
            raise
        return None
    return kinds.Target(found.community_id, found.author_person_id, found.text)


async def _listing_target(target_id: UUID) -> kinds.Target | None:
    found = await market.listing_target(target_id)
    return found and kinds.Target(found.community_id, found.seller_id, found.text)


async def _deliberation_hidden(kind: str, tx, target_id: UUID, hidden: bool) -> None:
    await deliberation.set_hidden(tx, kind, target_id, hidden)


@cache  # once per process, however many apps it creates
def register_kinds() -> None:
    for kind in deliberation.KINDS:  # TOPIC, COMMENT
        kinds.register(kind, partial(_deliberation_target, kind), partial(_deliberation_hidden, kind))
    kinds.register(market.KIND, _listing_target, market.set_listing_hidden)

