"""Saved searches (订阅): a resident keeps a search of one community, and each new listing that
matches it tells them in the inbox and by push. Everything is for `actor.subject(ProxyScope.MARKET)`.

A saved search holds what marketSearch takes — a text query and the filters — checked as search
checks them; the text matches by search's own rule (`search.matches`), so a saved search finds
exactly what searching for it would. A person keeps at most MAX_SAVED."""

from dataclasses import dataclass, field
from uuid import UUID

from tortoise.expressions import Subquery

from backend.consult.grams import normalise
from backend.core.actor import Actor, ProxyScope
from backend.core.db import transaction
from backend.core.errors import DomainError, ErrorCode
from backend.market import access, search
from backend.market.models import Listing, ListingCategory, ListingKind, ListingState, SavedSearch
from backend.notify import service as notify
from backend.people.models import Person
from backend.registry.models import Membership

MAX_SAVED = 10
BATCH = 500  # saved searches read, and people pushed to, at a time
KIND = "market.saved_search"
TITLE = "有新的闲置符合您的订阅"


@dataclass
class SavedSearchDraft:
    community_id: UUID
    query: str = ""
    filters: search.Filters = field(default_factory=search.Filters)


# SavedSearch.filters keeps the set ones of search.Filters under the names clients use.
_KEPT = {"category": "category", "kind": "kind", "free": "free", "min_price_fen": "minPriceFen",
         "max_price_fen": "maxPriceFen"}


def kept_filters(filters: search.Filters) -> dict:
    return {name: getattr(filters, attr) for attr, name in _KEPT.items() if getattr(filters, attr) is not None}


def filters_of(saved: SavedSearch) -> search.Filters:
    kept = {attr: saved.filters.get(name) for attr, name in _KEPT.items()}
    kept["category"] = ListingCategory(kept["category"]) if kept["category"] else None
    kept["kind"] = ListingKind(kept["kind"]) if kept["kind"] else None
    return search.Filters(**kept)


def _check(draft: SavedSearchDraft) -> str:
    """The query as kept; bad input is refused, as marketSearch refuses it, before anything is written."""
    query = search._checked(draft.query, draft.filters, first=1)  # marketSearch's own checks, not a copy
    if not normalise(query) and not kept_filters(draft.filters):
        raise DomainError(ErrorCode.INVALID_INPUT, "请输入搜索词或选择筛选条件后再订阅", field="query")
    return query


async def create_saved_search(actor: Actor, *, draft: SavedSearchDraft) -> SavedSearch:
    query = _check(draft)
    async with transaction() as tx:
        me = await access.require_member(actor, draft.community_id, tx=tx)
        # The person's row decides the race for the last of their MAX_SAVED places.
        await Person.filter(id=me).select_for_update().using_db(tx).first()
        if await SavedSearch.filter(person_id=me).using_db(tx).count() >= MAX_SAVED:
            raise DomainError(ErrorCode.INVALID_INPUT, f"最多保存 {MAX_SAVED} 个订阅，请先删除不需要的订阅")
        return await SavedSearch.create(person_id=me, community_id=draft.community_id, query=query,
                                        filters=kept_filters(draft.filters), using_db=tx)


async def my_saved_searches(actor: Actor) -> list[SavedSearch]:
    """Mine (at most MAX_SAVED), the newest first."""
    return await SavedSearch.filter(person_id=actor.subject(ProxyScope.MARKET)).order_by("-id")


async def delete_saved_search(actor: Actor, *, saved_search_id: UUID) -> None:
    """Delete one of mine; anyone else's is not-found."""
    me = actor.subject(ProxyScope.MARKET)
    async with transaction() as tx:
        if not await SavedSearch.filter(id=saved_search_id, person_id=me).using_db(tx).delete():
            raise DomainError(ErrorCode.NOT_FOUND, "找不到该订阅", field="id")


def matches(saved: SavedSearch, listing: Listing) -> bool:
    """Whether marketSearch with the saved search's query and filters would find the (published) listing."""
    filters = filters_of(saved)
    if filters.category not in (None, listing.category) or filters.kind not in (None, listing.kind):
        return False
    if filters.free is not None and filters.free != (listing.kind is ListingKind.FREE):
        return False
    low, high = filters.min_price_fen, filters.max_price_fen
    if (low is not None or high is not None) and listing.price_fen is None:  # as SQL's NULL: no price, no match
        return False
    if (low is not None and listing.price_fen < low) or (high is not None and listing.price_fen > high):
        return False
    return search.matches(saved.query, search.listing_text(listing.title, listing.description))


def price_label(listing: Listing) -> str:
    if listing.kind is ListingKind.FREE:
        return "免费送"
    if listing.kind is ListingKind.SWAP:
        return "以物换物"
    if listing.price_fen is None:
        return "求购"
    yuan = f"¥{listing.price_fen // 100}" + (f".{listing.price_fen % 100:02d}" if listing.price_fen % 100 else "")
    return f"求购 预算{yuan}" if listing.kind is ListingKind.WANTED else yuan


def notice_key(listing_id: UUID) -> str:
    """The notify key prefix of a listing's saved-search notices: one per person and listing, so a
    retried job, or several of one person's searches matching, adds nothing."""
    return f"listing:{listing_id}:saved"


async def notify_matches(listing_id: UUID) -> int:
    """Tell the owner of every saved search of the listing's community that matches a newly published
    listing (not the seller; only people still members there). Safe to run again. Returns how many
    people were told."""
    listing = await Listing.filter(id=listing_id, state=ListingState.PUBLISHED, hidden_at=None).first()
    if listing is None:  # withdrawn, reserved or hidden before the job ran: nothing new to tell
        return 0
    members = Subquery(Membership.filter(community_id=listing.community_id).values("person_id"))
    searches = SavedSearch.filter(community_id=listing.community_id, person_id__in=members) \
        .exclude(person_id=listing.seller_id).order_by("id")
    told: set[UUID] = set()
    last = None
    while True:  # keyset batches: memory stays bounded however many searches the community keeps
        batch = await (searches.filter(id__gt=last) if last else searches).limit(BATCH)
        told |= {saved.person_id for saved in batch if matches(saved, listing)}
        if len(batch) < BATCH:
            break
        last = batch[-1].id
    if not told:
        return 0
    people, body, key = sorted(told), f"「{listing.title}」 {price_label(listing)}", notice_key(listing.id)
    async with transaction() as tx:
        await notify.deliver_many(tx, person_ids=people, kind=KIND, title=TITLE, body=body, key_prefix=key)
        for start in range(0, len(people), BATCH):
            await notify.queue_push(tx, person_ids=people[start:start + BATCH], kind=KIND, title=TITLE, body=body,
                                    key_prefix=key, page=f"market/pages/listing/index?id={listing.id}")
    return len(people)
