-- PostGraphile's side of the feed benchmark: the same per-person reads as the mini-program's Feed,
-- Inbox and Household operations, as SQL functions in a schema of their own (the only one
-- PostGraphile exposes). The caller is the `sub` claim of the same access token Linli reads, which
-- PostGraphile sets as jwt.claims.sub for the request's transaction. Functions are plain STABLE SQL
-- so PostgreSQL inlines them and PostGraphile's own LIMIT for `first` reaches the index scan.
DROP SCHEMA IF EXISTS bench_graphile CASCADE;
CREATE SCHEMA bench_graphile;

CREATE FUNCTION bench_graphile.me() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('jwt.claims.sub', true), '')::uuid $$;

CREATE TYPE bench_graphile.feed_notice AS (
  id uuid, title text, category text, importance text, published_at timestamptz, read_at timestamptz);

-- notices.service.feed's `mine`: my published notices not yet expired, newest first.
CREATE FUNCTION bench_graphile.feed_pinned() RETURNS SETOF bench_graphile.feed_notice LANGUAGE sql STABLE AS $$
  SELECT n.id, n.title, n.category, n.importance, n.published_at, r.read_at
  FROM notice_recipient r JOIN notice n ON n.id = r.notice_id
  WHERE r.person_id = bench_graphile.me() AND n.state = 'PUBLISHED' AND (n.expires_at IS NULL OR n.expires_at >= now())
    AND n.pinned
  ORDER BY r.id DESC LIMIT 10 $$;

CREATE FUNCTION bench_graphile.feed_latest() RETURNS SETOF bench_graphile.feed_notice LANGUAGE sql STABLE AS $$
  SELECT n.id, n.title, n.category, n.importance, n.published_at, r.read_at
  FROM notice_recipient r JOIN notice n ON n.id = r.notice_id
  WHERE r.person_id = bench_graphile.me() AND n.state = 'PUBLISHED' AND (n.expires_at IS NULL OR n.expires_at >= now())
    AND NOT n.pinned
  ORDER BY r.id DESC $$;

CREATE FUNCTION bench_graphile.feed_unread_count() RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT count(*) FROM notice_recipient r JOIN notice n ON n.id = r.notice_id
  WHERE r.person_id = bench_graphile.me() AND n.state = 'PUBLISHED' AND (n.expires_at IS NULL OR n.expires_at >= now())
    AND r.read_at IS NULL $$;

CREATE TYPE bench_graphile.inbox_item AS (
  id uuid, kind text, title text, body text, created_at timestamptz, read_at timestamptz);

CREATE FUNCTION bench_graphile.inbox() RETURNS SETOF bench_graphile.inbox_item LANGUAGE sql STABLE AS $$
  SELECT id, kind, title, body, created_at, read_at FROM inbox_message
  WHERE person_id = bench_graphile.me() ORDER BY id DESC $$;

-- Household: where I live now (with the address and who lives there, as JSON: PostGraphile v4
-- has no computed columns on a function's composite type).
CREATE TYPE bench_graphile.residence AS (id uuid, role text, since timestamptz, address text, members jsonb);

CREATE FUNCTION bench_graphile.residences() RETURNS SETOF bench_graphile.residence LANGUAGE sql STABLE AS $$
  SELECT pr.id, pr.role, pr.since, e.name || ' ' || b.name || ' ' || u.name || ' ' || ro.number,
    (SELECT jsonb_agg(jsonb_build_object('residenceId', m.id, 'role', m.role,
                                         'person', jsonb_build_object('id', p.id, 'displayName', p.display_name))
                      ORDER BY m.since)
     FROM person_room m JOIN person p ON p.id = m.person_id
     WHERE m.household_id = pr.household_id AND m.until IS NULL)
  FROM person_room pr JOIN room ro ON ro.id = pr.room_id JOIN unit u ON u.id = ro.unit_id
    JOIN building b ON b.id = u.building_id JOIN estate e ON e.id = b.estate_id
  WHERE pr.person_id = bench_graphile.me() AND pr.until IS NULL
  ORDER BY pr.since $$;
