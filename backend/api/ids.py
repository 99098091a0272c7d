"""IDs from clients."""

from uuid import UUID


def parse_uuid(value: str) -> UUID:
    """An ID from a client; a malformed one matches nothing (not-found), never a 500."""
    try:
        return UUID(str(value))
    except ValueError:
        return UUID(int=0)
