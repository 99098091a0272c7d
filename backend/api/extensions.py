"""Schema extensions: limits, trusted documents, error codes and masking, and per-operation metrics."""

import re
import time
from collections.abc import Iterator
from functools import partial

import structlog
from graphql import (
    DocumentNode,
    GraphQLError,
    MaxIntrospectionDepthRule,
    OperationDefinitionNode,
    StringValueNode,
    ValidationRule,
    Visitor,
    visit,
)
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from backend.api.contract import document_id
from backend.core import limits, metrics
from backend.core.errors import AuthenticationError, DomainError, ServiceUnavailable
from backend.core.settings import Settings


class OneOperationPerDocument(ValidationRule):
    """A document carries at most MAX_OPERATIONS_PER_DOCUMENT operations, so one request can't
    smuggle a large batch of them past the per-request limits."""

    def __init__(self, context) -> None:
        super().__init__(context)
        count = sum(isinstance(d, OperationDefinitionNode) for d in context.document.definitions)
        if count > limits.MAX_OPERATIONS_PER_DOCUMENT:
            context.report_error(
                GraphQLError(f"A document may hold at most {limits.MAX_OPERATIONS_PER_DOCUMENT} operation(s).")
            )


class TrustedDocuments(SchemaExtension):
    """In prod, only the operations of graphql_schema/persisted.json run (HTTP and websocket alike)."""

    def __init__(self, trusted_ids: frozenset[str]) -> None:
        self.trusted_ids = trusted_ids

    def on_parse(self) -> Iterator[None]:
        query = self.execution_context.query or ""
        if document_id(query) not in self.trusted_ids:
            raise GraphQLError(
                "Only the trusted operations of graphql_schema/persisted.json are accepted here.",
                extensions={"code": "PERSISTED_QUERY_NOT_TRUSTED"},
            )
        yield


# Text PostgreSQL cannot store: NUL, and lone surrogates (JSON can carry them, UTF-8 cannot).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class StorableText(SchemaExtension):
    """Every string input, in the variables and in the document's literals, checked once before
    any resolver runs: text the database cannot store is the client's INVALID_INPUT, never a
    database error halfway through a mutation."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if has_unstorable(context.variables) or _literal_unstorable(context.query or "", context.graphql_document):
            raise GraphQLError(
                "输入中含有无法保存的字符（空字符或不成对的代理字符），请删除后重试",
                extensions={"code": "INVALID_INPUT"},
            )
        yield


def has_unstorable(value: object) -> bool:
    if isinstance(value, str):
        return _UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(has_unstorable(k) or has_unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_unstorable(item) for item in value)
    return False


def _literal_unstorable(query: str, document: DocumentNode | None) -> bool:
    # A literal holds such text only through a \u escape or the raw character in the query text,
    # so documents without either (every persisted one) need no walk.
    if document is None or ("\\u" not in query and not _UNSTORABLE.search(query)):
        return False
    found: list[str] = []

    class Strings(Visitor):
        def enter_string_value(self, node: StringValueNode, *_) -> None:
            found.append(node.value)

    visit(document, Strings())
    return any(_UNSTORABLE.search(text) for text in found)


class ErrorCodes(SchemaExtension):
    """Gives top-level errors a machine-readable code: UNAUTHENTICATED tells a client to refresh its
    token; a DomainError raised by a query (a bad `first`, say) keeps its own code; a document
    that does not parse or validate, and variables that do not fit their types (a misspelt input
    field or enum value), are the client's error."""

    def on_parse(self) -> Iterator[None]:
        yield
        _code(self.execution_context.pre_execution_errors, "GRAPHQL_PARSE_FAILED")

    def on_validate(self) -> Iterator[None]:
        yield
        _code(self.execution_context.pre_execution_errors, "GRAPHQL_VALIDATION_FAILED")

    def on_operation(self) -> Iterator[None]:
        yield
        _code_result(self.execution_context.result)

    def on_stream_result(self, result) -> Iterator[None]:  # each result of a subscription
        _code_result(result)
        yield


def _code_result(result: object) -> None:
    for error in getattr(result, "errors", None) or ():
        original = error.original_error
        if isinstance(original, AuthenticationError):
            error.extensions = {**(error.extensions or {}), "code": "UNAUTHENTICATED"}
        elif isinstance(original, DomainError):
            error.extensions = {**(error.extensions or {}), "code": original.code.value, "field": original.field}
        elif isinstance(original, ServiceUnavailable):
            error.message = UNAVAILABLE_MESSAGE
            error.extensions = {"code": "SERVICE_UNAVAILABLE", "requestId": request_id()}
        elif request_error(error):
            _code([error], "BAD_USER_INPUT")


UNAVAILABLE_MESSAGE = "服务暂时不可用，请稍后再试"


def request_id() -> str | None:
    return structlog.contextvars.get_contextvars().get("request_id")


def _code(errors: list[GraphQLError] | None, code: str) -> None:
    for error in errors or ():
        if "code" not in (error.extensions or {}):
            error.extensions = {**(error.extensions or {}), "code": code}


def request_error(error: GraphQLError) -> bool:
    """An error of the request as a whole (no field path) that graphql-core raised itself: the
    document or the variables do not fit the schema."""
    return error.path is None and (error.original_error is None or isinstance(error.original_error, GraphQLError))


class OperationMetrics(SchemaExtension):
    def __init__(self, known_names: frozenset[str]) -> None:
        self.known_names = known_names

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        # Read after the operation: the name is known once the document is parsed.
        name = self.execution_context.operation_name or "anonymous"
        structlog.contextvars.bind_contextvars(operation=name[:64])
        # Only the contract's operation names become labels: a client must not mint label values.
        label = name if name in self.known_names else "other"
        metrics.REQUEST_SECONDS.labels(label).observe(time.perf_counter() - started)


class MaskUnexpectedErrors(MaskErrors):
    """Hides a bug's text from the client but gives the request id to quote to support."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda e: not expected_error(e), error_message="服务器内部错误，请稍后再试")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL", "requestId": request_id()}
        return masked


def expected_error(error: GraphQLError) -> bool:
    """Errors a client caused and may read; anything else is a bug, masked in prod."""
    original = error.original_error
    expected = AuthenticationError | DomainError | ServiceUnavailable
    return original is None or request_error(error) or isinstance(original, expected)


def schema_extensions(settings: Settings, trusted_ids: frozenset[str], known_names: frozenset[str]) -> list:
    """Extension factories: strawberry builds fresh instances per operation (no shared state).

    The validation rules are built once here: the validation cache is keyed by the rule classes,
    and the limiters make a new class per instance, which would make every request a cache miss.
    """
    rules = [
        *QueryDepthLimiter(max_depth=limits.MAX_QUERY_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.MAX_ALIASES).validation_rules,
        MaxIntrospectionDepthRule,  # the depth limiter skips __schema / __type; this bounds them
        OneOperationPerDocument,
    ]
    extensions = [
        partial(ParserCache, maxsize=limits.PARSER_CACHE_SIZE),
        partial(ValidationCache, maxsize=limits.PARSER_CACHE_SIZE),
        partial(MaxTokensLimiter, max_token_count=limits.MAX_QUERY_TOKENS),
        partial(AddValidationRules, rules),
        partial(OperationMetrics, known_names),
        StorableText,
        ErrorCodes,
    ]
    if settings.is_prod:
        extensions += [partial(TrustedDocuments, trusted_ids), DisableIntrospection, MaskUnexpectedErrors]
    return extensions
