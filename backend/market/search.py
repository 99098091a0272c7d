"""Market search: Chinese text matching by character grams, the filters and the sorts.

The matching rule (`matches`) is one definition used three ways: in Python (saved searches match a
new listing with it), by PostgreSQL and by SQLite. A listing's text is its title and description
(`listing_text`), normalised as backend/consult/grams.py does (NFKC, lower case, letters and digits).

PostgreSQL: migration 0027's `market_search` table holds each listing's distinct characters and
bigrams beside its community, visibility and publishedAt (a trigger keeps it in step with
`listing`); the page's SQL asks it for the rows whose grams contain all of the query's (`@>`, a GIN
index for rare words, its newest-first index for common ones: the planner picks) and joins the
listing rows for the other filters and sorts. pg_trgm is not used: its words come from
the locale, and a bigram index matches two-character queries (自行), which trigrams cannot.

SQLite (the embedded default, one small community): no index. FTS5's trigram tokenizer cannot
serve the rule (a two-character query has no trigram, and a query's bigrams may all occur in a
text that does not hold its trigrams), and SQLite has no NFKC to normalise in a trigger. So the
page's one statement reads the community's published listings in the sort's order and `matches`
itself keeps the first page of them: exact by construction, and cheap at that size."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from tortoise import connections

from backend.consult.grams import ngrams, normalise
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.errors import DomainError, ErrorCode
from backend.core.limits import MAX_PAGE_SIZE, TOTAL_COUNT_CAP
from backend.core.pagination import Page
from backend.market import access
from backend.market.models import Listing, ListingCategory, ListingKind, ListingState

MAX_QUERY = 40


def listing_text(title: str, description: str | None) -> str:
    """The text a listing is searched by."""
    return f"{title} {description or ''}"


def matches(query: str, text: str) -> bool:
    """Whether `text` matches the search `query`: every character bigram of the normalised query is a
    bigram of the normalised text (so 自行 and 自行车 find 儿童自行车, 汽车 does not); a one-character
    query by containment. A query with no letters or digits matches everything (no text filter)."""
    wanted = normalise(query)
    if len(wanted) <= 1:
        return wanted in normalise(text)
    return set(ngrams(wanted, 2)) <= set(ngrams(text, 2))


def query_grams(query: str) -> list[str]:
    """What the PostgreSQL index is asked for: the character of a one-character query, else its
    bigrams (the index holds both kinds of every listing)."""
    wanted = normalise(query)
    return [wanted] if len(wanted) == 1 else ngrams(wanted, 2)


class MarketSort(StrEnum):
    NEWEST = "NEWEST"
    PRICE_ASC = "PRICE_ASC"  # no price (FREE, SWAP, WANTED without a budget) last
    PRICE_DESC = "PRICE_DESC"  # no price last
    NEAREST = "NEAREST"  # in the estates of my homes first, then newest


@dataclass(frozen=True)
class Filters:
    category: ListingCategory | None = None
    kind: ListingKind | None = None
    free: bool | None = None  # True: giveaways (kind FREE) only; False: none of them
    min_price_fen: int | None = None
    max_price_fen: int | None = None


# Each sort as SQL keys that are never null, all in one direction (so the cursor is one row-value
# comparison), the id last. No price sorts after every price: int4 ends at 2147483647; prices are ≥ 0.
_NEAR = ("CASE WHEN l.estate_id IN (SELECT b.estate_id FROM person_room pr JOIN room r ON r.id = pr.room_id"
         " JOIN unit u ON u.id = r.unit_id JOIN building b ON b.id = u.building_id"
         " WHERE pr.person_id = {me} AND pr.until IS NULL) THEN 1 ELSE 0 END")
_KEYS = {
    MarketSort.NEWEST: (("l.published_at",), "DESC"),
    MarketSort.PRICE_ASC: (("COALESCE(l.price_fen, 2147483648)",), "ASC"),
    MarketSort.PRICE_DESC: (("COALESCE(l.price_fen, -1)",), "DESC"),
    MarketSort.NEAREST: ((_NEAR, "l.published_at"), "DESC"),
}


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field=field)


def _checked(query: str | None, filters: Filters, first: int) -> str:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise _invalid(f"每页条数须在 1 到 {MAX_PAGE_SIZE} 之间", "first")
    query = (query or "").strip()
    if len(query) > MAX_QUERY:
        raise _invalid(f"搜索词不能超过 {MAX_QUERY} 个字", "query")
    low, high = filters.min_price_fen, filters.max_price_fen
    if low is not None and low < 0:
        raise _invalid("最低价不能为负数", "minPriceFen")
    if high is not None and high < 0:
        raise _invalid("最高价不能为负数", "maxPriceFen")
    if low is not None and high is not None and low > high:
        raise _invalid("最低价不能高于最高价", "minPriceFen")
    return query


def _encode(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, sort: MarketSort, postgres: bool) -> list:
    keys, _ = _KEYS[sort]
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(keys) + 1:
            raise ValueError(cursor)
        decoded = []
        for key, value in zip((*keys, "id"), values, strict=True):
            if key.endswith("published_at"):  # SQLite compares the stored text; PostgreSQL a timestamp
                decoded.append(datetime.fromisoformat(value) if postgres else str(value))
            elif key == "id":
                decoded.append(UUID(value) if postgres else str(UUID(value)))
            elif isinstance(value, int):
                decoded.append(value)
            else:
                raise ValueError(cursor)
        return decoded
    except (binascii.Error, ValueError, TypeError) as exc:
        raise _invalid("无效的分页游标", "after") from exc


class _Sql:
    """One statement's text and parameters, in the connection's placeholder style."""

    def __init__(self, postgres: bool) -> None:
        self.postgres, self.params = postgres, []

    def __call__(self, value) -> str:
        if not self.postgres and isinstance(value, UUID):
            value = str(value)
        elif not self.postgres and isinstance(value, datetime):
            value = value.isoformat(" ")  # as tortoise stores it, so the text compares in time order
        self.params.append(value)
        return f"${len(self.params)}" if self.postgres else "?"


def _where(sql: _Sql, community_id: UUID, text: str, filters: Filters) -> list[str]:
    if text and sql.postgres:  # the index row holds what decides visibility, beside the grams
        where = [f"s.community_id = {sql(community_id)}", "s.visible",
                 f"(s.expires_at IS NULL OR s.expires_at > {sql(clock.now())})",
                 f"s.grams @> {sql(query_grams(text))}::text[]"]
    else:
        where = [f"l.community_id = {sql(community_id)}", f"l.state = '{ListingState.PUBLISHED.value}'",
                 "l.hidden_at IS NULL", f"(l.expires_at IS NULL OR l.expires_at > {sql(clock.now())})"]
    if filters.category is not None:
        where.append(f"l.category = {sql(filters.category.value)}")
    if filters.kind is not None:
        where.append(f"l.kind = {sql(filters.kind.value)}")
    if filters.free is not None:
        where.append(f"l.kind {'=' if filters.free else '<>'} '{ListingKind.FREE.value}'")
    if filters.min_price_fen is not None:
        where.append(f"l.price_fen >= {sql(filters.min_price_fen)}")
    if filters.max_price_fen is not None:
        where.append(f"l.price_fen <= {sql(filters.max_price_fen)}")
    return where


async def search_listings(actor: Actor, *, community_id: UUID, query: str | None = None,
                          filters: Filters = Filters(), sort: MarketSort = MarketSort.NEWEST, first: int = 20,
                          after: str | None = None) -> Page[Listing]:
    """The community's PUBLISHED, visible, unexpired listings matching `query` and `filters`, in
    `sort`'s order; for its members (and, with the MARKET scope, their agents) and its market staff."""
    text = _checked(query, filters, first)
    if not access.is_staff(actor, community_id):
        await access.require_member(actor, community_id)
    db = connections.get("default")
    postgres = db.capabilities.dialect == "postgres"
    text = text if normalise(text) else ""
    keys, direction = _KEYS[sort]
    # PostgreSQL with a text reads the index table, in its own order (its partial index on community
    # and publishedAt serves NEWEST), joining the listing only for the filters and sorts it holds.
    indexed = bool(text) and postgres
    if indexed:
        keys = tuple(k.replace("l.published_at", "s.published_at") for k in keys)
    source, id_column = ("market_search s", "s.listing_id") if indexed else ("listing l", "l.id")
    if indexed and (filters != Filters() or sort is not MarketSort.NEWEST):  # keys or filters of the listing
        source += " JOIN listing l ON l.id = s.listing_id"

    def statement(*, cursor: list | None, limit: int | None) -> tuple[str, list]:
        sql = _Sql(postgres)
        me = access.viewer(actor)

        def columns() -> list[str]:  # rendered where they stand: SQLite's `?` binds by position
            return [k.format(me=sql(me)) if "{me}" in k else k for k in keys]

        named = ", ".join(f"{c} AS k{i}" for i, c in enumerate(columns()))
        where = _where(sql, community_id, text, filters)
        if cursor is not None:
            row, after_op = ", ".join(columns()), "<" if direction == "DESC" else ">"
            where.append(f"({row}, {id_column}) {after_op} ({', '.join(sql(v) for v in cursor)})")
        order = ", ".join(f"k{i} {direction}" for i in range(len(keys)))
        body = ", l.title, l.description" if text and not postgres else ""
        text_sql = (f"SELECT {id_column} AS id, {named}{body} FROM {source} WHERE {' AND '.join(where)}"  # noqa: S608
                    f" ORDER BY {order}, {id_column} {direction}")
        if limit is not None:
            text_sql += f" LIMIT {sql(limit)}"
        return text_sql, sql.params

    async def found(cursor: list | None, limit: int) -> list[dict]:
        # SQLite with a text: every candidate in order, `matches` keeps the first `limit`.
        filtering = bool(text) and not postgres
        sql, params = statement(cursor=cursor, limit=None if filtering else limit)
        _, rows = await db.execute_query(sql, params)
        if filtering:
            rows = [r for r in rows if matches(text, listing_text(r["title"], r["description"]))][:limit]
        return [dict(r) for r in rows]

    rows = await found(_decode(after, sort, postgres) if after else None, first + 1)
    ids = [UUID(str(r["id"])) for r in rows[:first]]
    loaded = {row.id: row for row in await Listing.filter(id__in=ids).select_related(
        "seller", "estate", "building", "room__unit")} if ids else {}
    end = None
    if ids:
        last = rows[first - 1] if len(rows) > first else rows[-1]
        end = _encode([last[f"k{i}"] for i in range(len(keys))] + [str(last["id"])])

    async def count() -> int:
        if text and not postgres:
            return len(await found(None, TOTAL_COUNT_CAP))
        sql, params = statement(cursor=None, limit=TOTAL_COUNT_CAP)
        _, counted = await db.execute_query(f"SELECT COUNT(*) AS n FROM ({sql}) AS capped", params)  # noqa: S608
        return counted[0]["n"]

    return Page([loaded[i] for i in ids], len(rows) > first, end, count)
