"""The lottery of a giveaway (到点抽签): entering and leaving before the draw, and the draw's result
that anyone who may see the listing can re-run (backend/market/lottery.py)."""

from datetime import datetime
from uuid import UUID

import strawberry
from strawberry.types import Info

from backend.api.errors import UserError, attempt
from backend.api.ids import parse_uuid
from backend.core.errors import ErrorCode
from backend.market import access, lottery


@strawberry.type(description="A drawn lottery: rank entryIds by sha256(seed + entry id), smallest first; the "
                 "first is the winner. Entrants ranked before the winner were over the weekly giveaway wins at "
                 "the draw and are not among entryIds.")
class LotteryResult:
    seed: str = strawberry.field(description="Published after the draw.")
    entry_ids: list[strawberry.ID] = strawberry.field(description="Every entry drawn among, in id order.")
    winner_entry_id: strawberry.ID | None = strawberry.field(
        description="Null when nobody could win (nobody entered, or every entrant was over the weekly cap).")
    i_won: bool
    drawn_at: datetime

    @classmethod
    def of(cls, result: lottery.Result, me) -> "LotteryResult":
        return cls(seed=result.seed, entry_ids=[strawberry.ID(i) for i in result.entry_ids],
                   winner_entry_id=strawberry.ID(result.winner_entry_id) if result.winner_entry_id else None,
                   i_won=me is not None and result.winner_id == me, drawn_at=result.drawn_at)


@strawberry.type(description="Where I stand after the call, also when it was refused for a listing I may see "
                 "(您已参加过抽签: entered); nothing for one I may not.")
class LotteryEntryPayload:
    entered: bool
    entry_count: int
    errors: list[UserError]


async def _payload(info: Info, listing_id: UUID, call) -> LotteryEntryPayload:
    _, errors = await attempt(call)
    if errors and errors[0].code != ErrorCode.INVALID_INPUT:  # not found, or not mine to act on
        return LotteryEntryPayload(entered=False, entry_count=0, errors=errors)
    me = access.viewer(info.context.actor)
    [entered], [count] = await lottery.entered(me, [listing_id]), await lottery.entry_counts([listing_id])
    return LotteryEntryPayload(entered=entered, entry_count=count, errors=errors)


@strawberry.type
class MarketLotteryMutations:
    @strawberry.mutation(description="Enter a published lottery giveaway before its draw, once; not one's own. "
                         "A member of the community.")
    async def lottery_enter(self, info: Info, listing_id: strawberry.ID) -> LotteryEntryPayload:
        listing = parse_uuid(listing_id)
        return await _payload(info, listing, lottery.enter(info.context.actor, listing_id=listing))

    @strawberry.mutation(description="Take back my lottery entry before the draw.")
    async def lottery_leave(self, info: Info, listing_id: strawberry.ID) -> LotteryEntryPayload:
        listing = parse_uuid(listing_id)
        return await _payload(info, listing, lottery.leave(info.context.actor, listing_id=listing))
