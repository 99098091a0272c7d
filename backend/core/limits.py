"""Every request limit in one place."""

MAX_PAGE_SIZE = 50  # `first` on every connection
MAX_QUERY_DEPTH = 10
MAX_QUERY_TOKENS = 2_000
MAX_ALIASES = 15
MAX_OPERATIONS_PER_DOCUMENT = 1
MAX_BODY_BYTES = 256 * 1024  # a GraphQL request; uploads have their own limit
# Per caller (person, or IP when anonymous): a burst of 60 operations, refilled at 10 per second.
RATE_CAPACITY = 60
RATE_PER_SECOND = 10.0
# Parsed documents and validation results kept per process.
PARSER_CACHE_SIZE = 512
