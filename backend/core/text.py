"""The one check of a text a person types: trimmed, and within its length, or a Chinese error."""

from backend.core.errors import DomainError, ErrorCode


def required_text(value: str | None, field: str, what: str, *, low: int = 2, high: int = 500) -> str:
    """`value` trimmed; refused (naming `what` and the bounds) unless it is `low`–`high` characters."""
    value = (value or "").strip()
    if not low <= len(value) <= high:
        raise DomainError(ErrorCode.INVALID_INPUT, f"请填写{what}（{low}–{high} 个字）", field=field)
    return value
