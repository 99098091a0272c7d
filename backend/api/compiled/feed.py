"""The mini-program's Feed and FeedUnreadCount: notices.service.feed and unread_count in one
statement each (the same rows: my published, unexpired notices; pinned ones on the first page only)."""

from backend.api.compiled.plan import NO_CURSOR, Plan, cursor, cursor_of, iso, only, page_size, subject
from backend.api.context import Context
from backend.api.contract import client_operations
from backend.core.actor import ProxyScope
from backend.core.clock import clock
from backend.notices.service import MAX_PINNED

# $1 the subject, $2 now: my published notices not yet expired (notices.service.feed's `mine`).
MINE = """mine AS (
  SELECT r.id AS rid, r.read_at, n.id, n.title, n.category, n.importance, n.published_at, n.pinned
  FROM notice_recipient r JOIN notice n ON n.id = r.notice_id
  WHERE r.person_id = $1 AND n.state = 'PUBLISHED' AND (n.expires_at IS NULL OR n.expires_at >= $2)
)"""

NODE = (f"json_build_object('id', id::text, 'title', title, 'category', category, 'importance', importance, "
        f"'publishedAt', {iso('published_at')}, 'readAt', {iso('read_at')})")


def _nodes(rows: str) -> str:
    return f"COALESCE((SELECT json_agg({NODE} ORDER BY rid DESC) FROM {rows}), '[]'::json)"


# $3 first, $4 the cursor's recipient id (or null), $5 whether pinned notices are shown (no cursor).
FEED_SQL = f"""WITH {MINE},
pinned AS (SELECT * FROM mine WHERE pinned AND $5::boolean ORDER BY rid DESC LIMIT {MAX_PINNED}),
page AS (SELECT * FROM mine WHERE NOT pinned AND ($4::uuid IS NULL OR rid < $4::uuid)
         ORDER BY rid DESC LIMIT $3::int + 1),
latest AS (SELECT * FROM page ORDER BY rid DESC LIMIT $3::int)
SELECT json_build_object('feed', json_build_object(
  'pinned', {_nodes('pinned')},
  'latest', json_build_object(
    'nodes', {_nodes('latest')},
    'pageInfo', json_build_object(
      'hasNextPage', (SELECT count(*) FROM page) > $3::int,
      'endCursor', (SELECT {cursor_of('rid')} FROM latest ORDER BY rid LIMIT 1))),
  'unreadCount', (SELECT count(*) FROM mine WHERE read_at IS NULL)))::text"""


def _feed_params(context: Context, variables: dict) -> list | None:
    first, after = page_size(variables), cursor(variables)
    if not only(variables, "first", "after") or first is None or after is NO_CURSOR:
        return None
    me = subject(context, ProxyScope.NOTICE)
    return None if me is None else [me, clock.now(), first, after, after is None]


UNREAD_SQL = f"""WITH {MINE}
SELECT json_build_object('feed', json_build_object(
  'unreadCount', (SELECT count(*) FROM mine WHERE read_at IS NULL)))::text"""


def _unread_params(context: Context, variables: dict) -> list | None:
    me = subject(context, ProxyScope.NOTICE) if not variables else None
    return None if me is None else [me, clock.now()]


_DOCUMENTS = client_operations("mini_program")
FEED = Plan("Feed", _DOCUMENTS["Feed"], FEED_SQL, _feed_params)
UNREAD_COUNT = Plan("FeedUnreadCount", _DOCUMENTS["FeedUnreadCount"], UNREAD_SQL, _unread_params)
