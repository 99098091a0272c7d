"""Market search: Chinese text matching by character grams, the filters and the sorts.

The matching rule (`matches`) is one definition used three ways: here in Python (saved searches match
a new listing with it), by PostgreSQL over the `market_search` gram table and by SQLite over its FTS5
table (both made by migration 0027). A listing's text is its title and description (`listing_text`),
normalised as backend/consult/grams.py does (NFKC, lower case, letters and digits only)."""

from backend.consult.grams import ngrams, normalise


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
