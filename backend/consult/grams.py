"""The similar-question index, one interface over two databases' ways of matching Chinese.

Word rules do not fit Chinese (no spaces between words), and PostgreSQL's pg_trgm takes its words
from the locale's character classes (under C.UTF-8 it keeps Chinese, under a plain C locale it drops
it), so neither is trusted here. PostgreSQL: our own table of the character bigrams of each
published question (`consult_gram`, keyed by community and gram), ranked by grams shared. SQLite
(the embedded default): an FTS5 table with the trigram tokenizer (`consult_fts`), ranked by bm25.
Both tables are made by migration 0016. Either only proposes candidates: the service scores them
the same way on both (`overlap`)."""

import unicodedata
from uuid import UUID

from tortoise import connections


def normalise(text: str) -> str:
    """What matching compares: full-width folded to half-width, lower case, letters and digits only."""
    return "".join(c for c in unicodedata.normalize("NFKC", text or "").lower() if c.isalnum())


def ngrams(text: str, n: int) -> list[str]:
    """The distinct character n-grams of the normalised text, in order."""
    plain = normalise(text)
    return list(dict.fromkeys(plain[i:i + n] for i in range(len(plain) - n + 1)))


def overlap(query: str, text: str, n: int = 2) -> tuple[int, float]:
    """The n-grams of `query` found in `text`: how many, and which share of the query's."""
    wanted = ngrams(query, n)
    if not wanted:
        return 0, 0.0
    shared = len(set(wanted) & set(ngrams(text, n)))
    return shared, shared / len(wanted)


async def put(tx, *, question_id: UUID, community_id: UUID, text: str) -> None:
    """Index (or index again) a question the FAQ now holds."""
    await drop(tx, question_id)
    if tx.capabilities.dialect == "postgres":
        await tx.execute_query(
            "INSERT INTO consult_gram (question_id, community_id, gram) SELECT $1, $2, unnest($3::text[])",
            [question_id, community_id, ngrams(text, 2)])
    else:
        await tx.execute_query("INSERT INTO consult_fts (question_id, community_id, body) VALUES (?, ?, ?)",
                               [str(question_id), str(community_id), normalise(text)])


async def drop(tx, question_id: UUID) -> None:
    """Out of the index: the question left the FAQ."""
    if tx.capabilities.dialect == "postgres":
        await tx.execute_query("DELETE FROM consult_gram WHERE question_id = $1", [question_id])
    else:
        await tx.execute_query("DELETE FROM consult_fts WHERE question_id = ?", [str(question_id)])


async def candidates(*, community_id: UUID, text: str, limit: int) -> list[UUID]:
    """Published questions of the community sharing grams with `text`, likeliest first."""
    db = connections.get("default")
    if db.capabilities.dialect == "postgres":
        grams = ngrams(text, 2)
        if not grams:
            return []
        _, rows = await db.execute_query(
            "SELECT question_id FROM consult_gram WHERE community_id = $1 AND gram = ANY($2::text[]) "
            "GROUP BY question_id ORDER BY count(*) DESC, question_id DESC LIMIT $3", [community_id, grams, limit])
        return [row["question_id"] for row in rows]
    grams = ngrams(text, 3)  # the trigram tokenizer matches nothing shorter
    if not grams:
        return []
    # Normalised grams are letters and digits only: nothing in them can break out of the quotes.
    match = " OR ".join(f'"{g}"' for g in grams)
    _, rows = await db.execute_query(
        "SELECT question_id FROM consult_fts WHERE consult_fts MATCH ? AND community_id = ? ORDER BY rank LIMIT ?",
        [match, str(community_id), limit])
    return [UUID(row["question_id"]) for row in rows]
