"""Domain errors: services raise DomainError; the API turns it into a UserError in the payload."""

from enum import Enum


class ErrorCode(Enum):
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_TOKEN = "INVALID_TOKEN"
    TOKEN_REUSED = "TOKEN_REUSED"
    NOT_AVAILABLE = "NOT_AVAILABLE"
    RATE_LIMITED = "RATE_LIMITED"
    CONFLICT = "CONFLICT"  # someone else got there first (the listing was reserved a moment before)
    PROXY_INVALID = "PROXY_INVALID"  # acting for someone without a live proxy: switch back to oneself
    TRANSFER_REJECTED = "TRANSFER_REJECTED"  # the ledger refused a transfer (the message says why)


class DomainError(Exception):
    def __init__(self, code: ErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class ServiceUnavailable(Exception):
    """A backing service (Redis) did not answer: a top-level GraphQL error, code SERVICE_UNAVAILABLE."""


class AuthenticationError(Exception):
    """A missing, expired or forged access token: a top-level GraphQL error, code UNAUTHENTICATED."""
