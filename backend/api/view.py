"""The /graphql endpoint: trusted documents by id, authentication, and the per-caller rate limit."""

import json

import structlog
from cross_web import HTTPException
from starlette.requests import ClientDisconnect, HTTPConnection, Request
from starlette.responses import PlainTextResponse, Response
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.types.unset import UNSET

from backend.api import budget, compiled
from backend.api.context import Context, bearer_token
from backend.api.extensions import INTERNAL_MESSAGE, UNAVAILABLE_MESSAGE, request_id
from backend.core import limits
from backend.core.errors import ServiceUnavailable
from backend.core.settings import Settings

log = structlog.get_logger("linli.api")


class LinliGraphQL(GraphQL):
    def __init__(self, schema, settings: Settings, documents: dict[str, str]) -> None:
        super().__init__(
            schema,
            graphql_ide=None if settings.is_prod else "graphiql",
            allow_queries_via_get=False,  # a GET must never change state, and keeps URLs free of tokens
            subscription_protocols=["graphql-transport-ws"],
            max_subscriptions_per_connection=10,
        )
        self.settings = settings
        self.documents = documents  # sha256 -> document, from graphql_schema/persisted.json
        self.plans = compiled.compile_plans(documents) if settings.compiled_operations else {}

    def decode_json(self, data: str | bytes) -> object:
        """JSON of HTTP bodies and websocket messages alike; nesting past the limit is a parse
        error (HTTP 400, or the socket closed), never a RecursionError deeper in."""
        try:
            value = json.loads(data)
        except RecursionError:
            value = None
        else:
            if _nesting(value) <= limits.MAX_JSON_DEPTH:
                return value
        raise json.JSONDecodeError(f"JSON nested deeper than {limits.MAX_JSON_DEPTH} levels", "", 0)

    async def parse_http_body(self, request) -> GraphQLRequestData:
        data = self.decode_json(await request.get_body())
        if not isinstance(data, dict):
            raise HTTPException(400, "Send one GraphQL operation as a JSON object; batches are not accepted.")
        extensions = data.get("extensions")
        if extensions is not None and not isinstance(extensions, dict):
            raise HTTPException(400, "`extensions` must be an object.")
        persisted = (extensions or {}).get("persistedQuery")
        doc_id = data.get("documentId") or (persisted.get("sha256Hash") if isinstance(persisted, dict) else None)
        query = data.get("query")
        if doc_id is not None:
            query = self.documents.get(doc_id) if isinstance(doc_id, str) else None
            if query is None:
                raise HTTPException(400, "Unknown documentId: it is not in graphql_schema/persisted.json.")
        elif self.settings.is_prod:
            raise HTTPException(400, "Send a documentId from graphql_schema/persisted.json; raw queries are refused.")
        variables = data.get("variables")
        if not isinstance(query, str) or not isinstance(variables, dict | None):
            raise HTTPException(400, "A `query` string (or a `documentId`) and object `variables` are required.")
        name = data.get("operationName")
        return GraphQLRequestData(
            query=query, variables=variables, operation_name=name if isinstance(name, str) else None,
            extensions=extensions,
        )

    async def get_context(self, request: HTTPConnection, response) -> Context:
        context = Context(
            request=request, response=response, token=bearer_token(request.headers.get("authorization")),
            proxy_principal=request.headers.get("x-acting-for"),
        )
        if isinstance(request, Request):
            spent = False

            async def spend(person_id, revoked_marker: str) -> bool | None:
                # The budget and the revoked-session check in one Redis round trip.
                nonlocal spent
                revoked = await budget.spend(self.settings, budget.person_key(person_id), limits.QUERY_COST,
                                             unless_cached=revoked_marker)
                spent = not revoked  # a revoked token spends its address's budget below, as anyone's
                return revoked

            await context.authenticate(spend)
            if not spent:
                await self._spend_budget(context)
        return context

    async def on_ws_connect(self, context: Context):
        # Browsers cannot set headers on a websocket: the token comes in connection_init.
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        context.token = bearer_token(params.get("authorization")) or context.token
        context.proxy_principal = params.get("actingFor") or context.proxy_principal
        await context.authenticate()
        if context.token and context.auth_failed:
            raise ConnectionRejectionError()  # closes the socket with 4403
        return UNSET

    async def _spend_budget(self, context: Context) -> None:
        await budget.spend(self.settings, context.client_key, limits.QUERY_COST)

    async def run(self, request, context=UNSET, root_value=UNSET):
        try:
            if self.plans and isinstance(request, Request) and request.method == "POST" and context is UNSET:
                # Authenticated once, for the compiled answer or, when there is none, the general path.
                context = await self.get_context(request, response=None)
                if (response := await self._compiled_response(request, context)) is not None:
                    return response
            return await super().run(request, context, root_value)
        except budget.OverBudget as over:  # strawberry's own answer to an HTTPException could not carry the header
            return PlainTextResponse("Too many requests: slow down and try again in a few seconds.", status_code=429,
                                     headers={"retry-after": over.decision.retry_after_header})
        except ClientDisconnect:  # a phone that went out of coverage mid-request: nobody reads the answer
            return Response(status_code=400)

    async def _compiled_response(self, request: Request, context: Context) -> Response | None:
        """After authentication and the rate limit, a compiled document's answer: PostgreSQL's JSON
        sent as it is, without strawberry. None for everything else (a body that does not parse
        included: the general path answers it, with its errors)."""
        try:
            request_data = await self.parse_http_body(self.request_adapter_class(request))
        except (HTTPException, json.JSONDecodeError):
            return None
        try:
            data = await compiled.answer(self.plans, request_data, context)
        except Exception as failure:  # answered as the general path's error masking would, never a bare 500
            unavailable = isinstance(failure, ServiceUnavailable)
            if not unavailable:
                log.exception("compiled operation failed", operation=request_data.operation_name)
            message, code = ((UNAVAILABLE_MESSAGE, "SERVICE_UNAVAILABLE") if unavailable
                             else (INTERNAL_MESSAGE, "INTERNAL"))
            error = {"message": message, "extensions": {"code": code, "requestId": request_id()}}
            return Response(json.dumps({"data": None, "errors": [error]}, ensure_ascii=False),
                            media_type="application/json")
        return None if data is None else Response('{"data":' + data + "}", media_type="application/json")


def _nesting(value: object) -> int:
    """How deep lists and objects nest in a decoded JSON value (iteratively: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children)
    return deepest
