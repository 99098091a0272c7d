"""The mini-program's Inbox: registry's viewer (the caller's person) and notify.service.list_inbox
(the subject's messages, newest first) in one statement."""

from backend.api.compiled.plan import NO_CURSOR, Plan, cursor, cursor_of, iso, only, page_size, subject
from backend.api.context import Context
from backend.api.contract import client_operations
from backend.core.actor import ProxyScope

NODE = (f"json_build_object('id', id::text, 'kind', kind, 'title', title, 'body', body, "
        f"'createdAt', {iso('created_at')}, 'readAt', {iso('read_at')})")

# $1 the caller, $2 the subject, $3 first, $4 the cursor's message id (or null).
INBOX_SQL = f"""WITH page AS (
  SELECT * FROM inbox_message WHERE person_id = $2 AND ($4::uuid IS NULL OR id < $4::uuid)
  ORDER BY id DESC LIMIT $3::int + 1),
latest AS (SELECT * FROM page ORDER BY id DESC LIMIT $3::int)
SELECT json_build_object('viewer', CASE WHEN NOT EXISTS (SELECT 1 FROM person WHERE id = $1) THEN NULL
  ELSE json_build_object('inbox', json_build_object(
    'nodes', COALESCE((SELECT json_agg({NODE} ORDER BY id DESC) FROM latest), '[]'::json),
    'pageInfo', json_build_object(
      'hasNextPage', (SELECT count(*) FROM page) > $3::int,
      'endCursor', (SELECT {cursor_of('id')} FROM latest ORDER BY id LIMIT 1)))) END)::text"""


def _params(context: Context, variables: dict) -> list | None:
    first, after = page_size(variables), cursor(variables)
    if not only(variables, "first", "after") or first is None or after is NO_CURSOR:
        return None
    me = subject(context, ProxyScope.NOTICE)
    return None if me is None else [context.actor.person_id, me, first, after]


INBOX = Plan("Inbox", client_operations("mini_program")["Inbox"], INBOX_SQL, _params)
