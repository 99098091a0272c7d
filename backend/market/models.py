"""The flea market (跳蚤市场) between neighbours: listings with photos, reservations and lottery
entries for giveaways, the handover, buyer–seller messages, ratings, favourites and saved searches.

A free basic service: nothing here touches payments, commission or the ledger."""

from enum import StrEnum

from tortoise import fields

from backend.core.models import Entity

LISTING_DAYS = 30  # a published listing expires after this many days unless renewed
MAX_PHOTOS = 9
DEFAULT_WEEKLY_GIVEAWAY_WINS = 2
DEFAULT_DAILY_LISTINGS = 10


class ListingKind(StrEnum):
    SELL = "SELL"  # a price in fen
    FREE = "FREE"  # a giveaway: first come, or a lottery
    SWAP = "SWAP"
    WANTED = "WANTED"  # 求购: an optional budget in fen


class ListingCategory(StrEnum):
    FURNITURE = "FURNITURE"  # 家具
    APPLIANCES = "APPLIANCES"  # 家电
    ELECTRONICS = "ELECTRONICS"  # 数码
    KIDS = "KIDS"  # 母婴童装玩具
    BOOKS = "BOOKS"  # 图书文具
    CLOTHING = "CLOTHING"  # 服饰
    SPORTS = "SPORTS"  # 运动户外（自行车）
    KITCHEN = "KITCHEN"  # 厨具日用
    PLANTS = "PLANTS"  # 花草绿植
    OTHER = "OTHER"  # 其他


class ListingCondition(StrEnum):
    NEW = "NEW"  # 全新
    LIKE_NEW = "LIKE_NEW"  # 几乎全新
    GOOD = "GOOD"  # 轻微使用痕迹
    FAIR = "FAIR"  # 明显使用痕迹


class GiveawayMode(StrEnum):
    FIRST_COME = "FIRST_COME"  # 先到先得
    LOTTERY = "LOTTERY"  # 到点抽签


class ListingState(StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    RESERVED = "RESERVED"  # one buyer (the reservation's) may collect it
    HANDED_OVER = "HANDED_OVER"  # the handover code was given: ratings open
    CLOSED = "CLOSED"  # withdrawn by the seller, or done
    EXPIRED = "EXPIRED"  # 30 days without renewal; renewing publishes it again


class MarketSettings(Entity):
    """The market rules of a community (a community without a row has the defaults)."""

    community = fields.OneToOneField("linli.Community", related_name="market_settings", on_delete=fields.CASCADE)
    weekly_giveaway_wins = fields.IntField(default=DEFAULT_WEEKLY_GIVEAWAY_WINS)  # per person, Monday to Sunday
    daily_listings = fields.IntField(default=DEFAULT_DAILY_LISTINGS)  # publications per person per day

    class Meta:
        table = "market_settings"


class Listing(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="listings", on_delete=fields.RESTRICT)
    seller = fields.ForeignKeyField("linli.Person", related_name="listings", on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(ListingKind, max_length=8)
    category = fields.CharEnumField(ListingCategory, max_length=16)
    condition = fields.CharEnumField(ListingCondition, max_length=16, null=True)  # not for WANTED
    title = fields.CharField(max_length=40)
    description = fields.CharField(max_length=1000, default="")
    price_fen = fields.IntField(null=True)  # SELL: the price; WANTED: the budget; FREE and SWAP: none
    giveaway_mode = fields.CharEnumField(GiveawayMode, max_length=16, null=True)  # FREE only
    draw_at = fields.DatetimeField(null=True)  # LOTTERY: when the winner is drawn
    draw_seed = fields.CharField(max_length=64, null=True)  # LOTTERY: recorded at the draw, shown after it
    drawn_at = fields.DatetimeField(null=True)
    # Where to collect it: everyone sees the estate and building, only the accepted buyer the room.
    estate = fields.ForeignKeyField("linli.Estate", related_name="listings", on_delete=fields.RESTRICT)
    building = fields.ForeignKeyField("linli.Building", related_name="listings", on_delete=fields.RESTRICT)
    room = fields.ForeignKeyField("linli.Room", related_name="listings", null=True, on_delete=fields.SET_NULL)
    state = fields.CharEnumField(ListingState, max_length=16, db_index=True)
    published_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True, db_index=True)
    renewal_reminded_at = fields.DatetimeField(null=True)
    hidden_at = fields.DatetimeField(null=True)  # hidden by moderation: shown to its seller and staff only
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "listing"
        indexes = (("community_id", "state", "published_at"), ("seller_id", "state"))


class ListingPhoto(Entity):
    """A photo of a listing (a `listing_photo` upload: re-encoded, no EXIF), in the seller's order."""

    listing = fields.ForeignKeyField("linli.Listing", related_name="photos", on_delete=fields.CASCADE)
    upload = fields.ForeignKeyField("linli.Upload", related_name="listing_photos", on_delete=fields.RESTRICT)
    position = fields.SmallIntField()

    class Meta:
        table = "listing_photo"
        unique_together = (("listing", "position"),)


class ListingEvent(Entity):
    """A transition of a listing (written by core.statemachine)."""

    listing = fields.ForeignKeyField("linli.Listing", related_name="events", on_delete=fields.CASCADE)
    from_state = fields.CharEnumField(ListingState, max_length=16)
    to_state = fields.CharEnumField(ListingState, max_length=16)
    actor = fields.ForeignKeyField("linli.Person", related_name="listing_events", null=True,
                                   on_delete=fields.SET_NULL)
    acting_for = fields.ForeignKeyField("linli.Person", related_name="listing_events_for", null=True,
                                        on_delete=fields.SET_NULL)
    reason = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "listing_event"


class ReservationState(StrEnum):
    ACTIVE = "ACTIVE"  # the accepted buyer: sees the room, holds the handover code
    HANDED_OVER = "HANDED_OVER"
    CANCELLED = "CANCELLED"  # by the buyer or the seller (with a reason)
    NO_SHOW = "NO_SHOW"  # the seller reported that the buyer did not come


class Reservation(Entity):
    """The one buyer a listing is reserved for (first come, or the lottery's winner)."""

    listing = fields.ForeignKeyField("linli.Listing", related_name="reservations", on_delete=fields.CASCADE)
    buyer = fields.ForeignKeyField("linli.Person", related_name="market_reservations", on_delete=fields.RESTRICT)
    state = fields.CharEnumField(ReservationState, max_length=16, db_index=True)
    handover_code_encrypted = fields.CharField(max_length=200)  # six digits, encrypted (core.crypto)
    wrong_codes = fields.SmallIntField(default=0)
    locked_at = fields.DatetimeField(null=True)  # five wrong codes: the handover is locked
    giveaway = fields.BooleanField(default=False)  # counts toward the weekly cap on giveaway wins
    ended_at = fields.DatetimeField(null=True)
    end_reason = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "market_reservation"
        # A buyer's giveaways this week (the cap), and a listing's reservations (who may see its room).
        indexes = (("buyer_id", "giveaway", "created_at"), ("listing_id", "state"))


class LotteryEntry(Entity):
    listing = fields.ForeignKeyField("linli.Listing", related_name="entries", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("linli.Person", related_name="lottery_entries", on_delete=fields.CASCADE)

    class Meta:
        table = "market_lottery_entry"
        unique_together = (("listing", "person"),)


class Conversation(Entity):
    """The messages between a listing's seller and one neighbour about it."""

    listing = fields.ForeignKeyField("linli.Listing", related_name="conversations", on_delete=fields.CASCADE)
    buyer = fields.ForeignKeyField("linli.Person", related_name="market_conversations", on_delete=fields.CASCADE)
    last_message_at = fields.DatetimeField(null=True)

    class Meta:
        table = "market_conversation"
        unique_together = (("listing", "buyer"),)


class Message(Entity):
    conversation = fields.ForeignKeyField("linli.Conversation", related_name="messages", on_delete=fields.CASCADE)
    sender = fields.ForeignKeyField("linli.Person", related_name="market_messages", on_delete=fields.CASCADE)
    body = fields.CharField(max_length=500)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "market_message"
        indexes = (("conversation_id", "created_at"),)


class Rating(Entity):
    """One side's rating of the other after a handover, shown when both rated or 7 days passed."""

    reservation = fields.ForeignKeyField("linli.Reservation", related_name="ratings", on_delete=fields.CASCADE)
    rater = fields.ForeignKeyField("linli.Person", related_name="market_ratings_given", on_delete=fields.CASCADE)
    ratee = fields.ForeignKeyField("linli.Person", related_name="market_ratings", on_delete=fields.CASCADE)
    stars = fields.SmallIntField()
    comment = fields.CharField(max_length=200, default="")

    class Meta:
        table = "market_rating"
        unique_together = (("reservation", "rater"),)


class Favourite(Entity):
    person = fields.ForeignKeyField("linli.Person", related_name="market_favourites", on_delete=fields.CASCADE)
    listing = fields.ForeignKeyField("linli.Listing", related_name="favourites", on_delete=fields.CASCADE)

    class Meta:
        table = "market_favourite"
        unique_together = (("person", "listing"),)


class SavedSearch(Entity):
    """A search a resident keeps: a new matching listing in the community notifies them."""

    person = fields.ForeignKeyField("linli.Person", related_name="market_saved_searches", on_delete=fields.CASCADE)
    community = fields.ForeignKeyField("linli.Community", related_name="market_saved_searches",
                                       on_delete=fields.CASCADE)
    query = fields.CharField(max_length=40, default="")
    filters = fields.JSONField(default=dict)  # category, kind, minPriceFen, maxPriceFen, free

    class Meta:
        table = "market_saved_search"
