"""The market's search index (backend/market/search.py), one kind per database.

PostgreSQL: `market_search` holds each listing's distinct characters and character bigrams of its
normalised title + description (GIN-indexed) and what decides whether a search shows it; a trigger
on `listing` keeps it in step, so the services that write listings know nothing of it. The SQL normalisation must agree with Python's
(backend/consult/grams.py `normalise`: NFKC, lower case, letters and digits). Under the database's
own locale lower() and [[:alnum:]] depend on how the server was set up (a plain C locale keeps no
Chinese letter), so both run under the ICU root collation; ICU's alnum leaves out the number
letters Python counts (〇, circled and other numbers NFKC keeps), which are added here from Python's
own tables. SQLite (the embedded default) needs no index: search.py says why."""

import unicodedata

from tortoise import migrations
from tortoise.migrations import operations as ops


def _number_letters() -> str:
    """Bracket-expression ranges of what Python's isalnum keeps beyond ICU's [[:alnum:]]: number
    forms (Nl, No) that survive NFKC and lower case."""
    kept = [i for i in range(0x110000) if unicodedata.category(chr(i)) in ("Nl", "No") and chr(i).isalnum()
            and unicodedata.normalize("NFKC", chr(i)).lower() == chr(i)]
    ranges: list[list[int]] = []
    for i in kept:
        if ranges and ranges[-1][1] == i - 1:
            ranges[-1][1] = i
        else:
            ranges.append([i, i])
    return "".join(f"\\U{a:08X}" if a == b else f"\\U{a:08X}-\\U{b:08X}" for a, b in ranges)


def _statements() -> list[str]:
    return [
        "CREATE FUNCTION market_normalise(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
        " SELECT regexp_replace(lower(normalize(coalesce(t, ''), NFKC) COLLATE \"und-x-icu\"),"
        f" '[^[:alnum:]{_number_letters()}]', '', 'g') $$",
        # One-character queries look for the character itself, longer ones for all their bigrams.
        "CREATE FUNCTION market_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$"
        " SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (SELECT market_normalise(t) AS n) AS plain,"
        " LATERAL (SELECT substr(n, i, 1) FROM generate_series(1, length(n)) AS i"
        " UNION SELECT substr(n, i, 2) FROM generate_series(1, length(n) - 1) AS i) AS grams (g) $$",
        # Beside the grams, what decides whether a search may show the listing and its newest-first
        # order, so a search reads this table alone until the page is found. Not scanned in
        # parallel: workers would read a whole community ahead of a LIMIT 21 that stops early.
        "CREATE TABLE market_search (listing_id UUID PRIMARY KEY REFERENCES listing (id) ON DELETE CASCADE,"
        " community_id UUID NOT NULL, visible BOOLEAN NOT NULL, published_at TIMESTAMPTZ, expires_at TIMESTAMPTZ,"
        " grams TEXT[] NOT NULL) WITH (parallel_workers = 0)",
        "CREATE INDEX market_search_grams ON market_search USING gin (grams) WHERE visible",
        "CREATE INDEX market_search_newest ON market_search (community_id, published_at DESC, listing_id DESC)"
        " WHERE visible",
        # The text is search.listing_text's: the title, a space, the description. The grams are
        # computed again only when it changes; a transition updates the rest.
        "CREATE FUNCTION market_search_index() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        " IF TG_OP = 'INSERT' OR NEW.title IS DISTINCT FROM OLD.title"
        " OR NEW.description IS DISTINCT FROM OLD.description THEN"
        " INSERT INTO market_search VALUES (NEW.id, NEW.community_id,"
        " NEW.state = 'PUBLISHED' AND NEW.hidden_at IS NULL, NEW.published_at, NEW.expires_at,"
        " market_grams(NEW.title || ' ' || NEW.description))"
        " ON CONFLICT (listing_id) DO UPDATE SET community_id = EXCLUDED.community_id, visible = EXCLUDED.visible,"
        " published_at = EXCLUDED.published_at, expires_at = EXCLUDED.expires_at, grams = EXCLUDED.grams;"
        " ELSE UPDATE market_search SET community_id = NEW.community_id,"
        " visible = NEW.state = 'PUBLISHED' AND NEW.hidden_at IS NULL, published_at = NEW.published_at,"
        " expires_at = NEW.expires_at WHERE listing_id = NEW.id;"
        " END IF; RETURN NULL; END $$",
        "CREATE TRIGGER market_search_index AFTER INSERT OR UPDATE OF title, description, community_id, state,"
        " hidden_at, published_at, expires_at ON listing FOR EACH ROW EXECUTE FUNCTION market_search_index()",
        "INSERT INTO market_search SELECT id, community_id, state = 'PUBLISHED' AND hidden_at IS NULL, published_at,"
        " expires_at, market_grams(title || ' ' || description) FROM listing",
    ]


async def create_search_index(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    for statement in _statements():  # one statement per call, as in 0017
        await client.execute_script(statement)


async def drop_search_index(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        return
    for statement in ("DROP TRIGGER IF EXISTS market_search_index ON listing", "DROP TABLE IF EXISTS market_search",
                      "DROP FUNCTION IF EXISTS market_search_index()", "DROP FUNCTION IF EXISTS market_grams(text)",
                      "DROP FUNCTION IF EXISTS market_normalise(text)"):
        await client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('linli', '0026_market')]

    initial = False

    operations = [
        ops.RunPython(create_search_index, drop_search_index),
    ]
