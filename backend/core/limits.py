"""Every request limit in one place."""

MAX_PAGE_SIZE = 50  # `first` on every connection
MAX_QUERY_DEPTH = 10
MAX_QUERY_TOKENS = 2_000
MAX_ALIASES = 15
MAX_OPERATIONS_PER_DOCUMENT = 1
MAX_JSON_DEPTH = 32  # lists and objects nested in a request body or websocket message
MAX_BODY_BYTES = 256 * 1024  # a GraphQL request
MAX_UPLOAD_BYTES = 11 * 1024 * 1024  # POST /uploads: a 10 MB file and its multipart envelope
# The per-caller request budget is a setting (LINLI_RATE_BURST, LINLI_RATE_PER_SECOND).
# Parsed documents and validation results kept per process.
PARSER_CACHE_SIZE = 512
