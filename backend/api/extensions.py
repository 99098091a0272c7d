"""Schema extensions: limits, trusted documents, error codes and masking, and per-operation metrics."""

import time
from collections.abc import Iterator
from functools import partial

import structlog
from graphql import GraphQLError, OperationDefinitionNode, ValidationRule
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
from backend.core.errors import AuthenticationError, DomainError
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


class ErrorCodes(SchemaExtension):
    """Gives top-level errors a machine-readable code: UNAUTHENTICATED tells a client to refresh its
    token; a DomainError raised by a query (a bad `first`, say) keeps its own code."""

    def on_operation(self) -> Iterator[None]:
        yield
        self._label(getattr(self.execution_context.result, "errors", None))

    def on_stream_result(self, result) -> Iterator[None]:
        self._label(getattr(result, "errors", None))  # each event of a subscription over the websocket
        yield

    @staticmethod
    def _label(errors) -> None:
        for error in errors or ():
            original = error.original_error
            if isinstance(original, AuthenticationError):
                error.extensions = {**(error.extensions or {}), "code": "UNAUTHENTICATED"}
            elif isinstance(original, DomainError):
                error.extensions = {**(error.extensions or {}), "code": original.code.value, "field": original.field}


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
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        masked.extensions = {"code": "INTERNAL", "requestId": request_id}
        return masked


def expected_error(error: GraphQLError) -> bool:
    """Errors a client caused and may read; anything else is a bug, masked in prod."""
    return error.original_error is None or isinstance(error.original_error, AuthenticationError | DomainError)


def schema_extensions(settings: Settings, trusted_ids: frozenset[str], known_names: frozenset[str]) -> list:
    """Extension factories: strawberry builds fresh instances per operation (no shared state).

    The validation rules are built once here: the validation cache is keyed by the rule classes,
    and the limiters make a new class per instance, which would make every request a cache miss.
    """
    rules = [
        *QueryDepthLimiter(max_depth=limits.MAX_QUERY_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.MAX_ALIASES).validation_rules,
        OneOperationPerDocument,
    ]
    extensions = [
        partial(ParserCache, maxsize=limits.PARSER_CACHE_SIZE),
        partial(ValidationCache, maxsize=limits.PARSER_CACHE_SIZE),
        partial(MaxTokensLimiter, max_token_count=limits.MAX_QUERY_TOKENS),
        partial(AddValidationRules, rules),
        partial(OperationMetrics, known_names),
        ErrorCodes,
    ]
    if settings.is_prod:
        extensions += [partial(TrustedDocuments, trusted_ids), DisableIntrospection, MaskUnexpectedErrors]
    return extensions
