"""Every request limit in one place."""

MAX_PAGE_SIZE = 50  # `first` on every connection
TOTAL_COUNT_CAP = 10_000  # a connection's totalCount counts no further
MAX_QUERY_DEPTH = 10
MAX_QUERY_TOKENS = 2_000
MAX_ALIASES = 15
MAX_OPERATIONS_PER_DOCUMENT = 1
MAX_JSON_DEPTH = 32  # lists and objects nested in a request body or websocket message
MAX_BODY_BYTES = 256 * 1024  # a GraphQL request
MAX_UPLOAD_BYTES = 11 * 1024 * 1024  # POST /uploads: a 10 MB file and its multipart envelope
# The per-caller request budget is a setting (LINLI_RATE_BURST, LINLI_RATE_PER_SECOND); what a
# call spends of it is here. An upload carries up to 10 MB that is decoded, re-encoded or unpacked
# (about a second of CPU where a query takes milliseconds), and an export reads a whole community
# into a workbook: each costs as much as ten queries, so a flood of them runs dry ten times sooner.
QUERY_COST = 1
UPLOAD_COST = 10
EXPORT_COST = 10
# Parsed documents and validation results kept per process.
PARSER_CACHE_SIZE = 512
