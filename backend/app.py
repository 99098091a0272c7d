"""The ASGI application factory: the composition root that wires settings, database, runtime,
jobs and the GraphQL endpoint together."""

import asyncio
import gc
import hmac
import json
from contextlib import asynccontextmanager

import structlog
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from backend.api import files, volunteering_files, webhooks
from backend.api import services_exports as service_exports
from backend.api import wallets as wallet_exports
from backend.api.contract import CLIENT_MANIFESTS, PERSISTED_FILE, ROOT, client_operations
from backend.api.extensions import UNAVAILABLE_MESSAGE
from backend.api.schema import build_schema
from backend.api.view import LinliGraphQL
from backend.core import db, limits
from backend.core.errors import ServiceUnavailable
from backend.core.http import BodyLimit, RequestContext
from backend.core.identities import IdentityCache
from backend.core.jobs import BROKERS, load_tasks
from backend.core.logging import configure_logging
from backend.core.metrics import exposition
from backend.core.relay import relay_forever
from backend.core.runtime import runtime, start_runtime
from backend.core.settings import Settings, get_settings, use_settings
from backend.core.unavailable import REDIS_DOWN
from backend.moderation.wiring import register_kinds

ADMIN_DIST = ROOT / "admin" / "dist"
log = structlog.get_logger("linli.app")


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(_: Request) -> Response:
    """Ready only when the database and, when configured, Redis answer."""
    checks: dict[str, str] = {}
    try:
        await db.ping()
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready; the reason is for the operator
        checks["database"] = f"down: {type(exc).__name__}"
    redis = runtime().redis
    if redis is not None:
        try:
            await redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"down: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)


async def service_unavailable(_: Request, __: ServiceUnavailable) -> Response:
    """Outside GraphQL (uploads, exports): a 503 with the request id, never a plain 500."""
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    return JSONResponse({"error": "SERVICE_UNAVAILABLE", "message": UNAVAILABLE_MESSAGE, "requestId": request_id},
                        status_code=503)


async def metrics(request: Request) -> Response:
    """With LINLI_METRICS_TOKEN only for its bearer; without it public in dev, absent in prod."""
    token = get_settings().metrics_token
    if not token:
        if get_settings().is_prod:
            return PlainTextResponse("Not Found", status_code=404)
    elif not hmac.compare_digest(request.headers.get("authorization", "").encode(), f"Bearer {token}".encode()):
        return PlainTextResponse("Unauthorized", status_code=401, headers={"www-authenticate": "Bearer"})
    return PlainTextResponse(exposition(), media_type=CONTENT_TYPE_LATEST)


async def start_brokers_when_redis_answers() -> None:
    delay = 0.2
    for broker in BROKERS:
        while True:
            try:
                await broker.startup()
                break
            except REDIS_DOWN as exc:
                log.warning("broker.redis_unavailable", error=type(exc).__name__, retry_in_s=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    use_settings(settings)
    configure_logging(settings.log_level)
    register_kinds()
    documents = json.loads(PERSISTED_FILE.read_text())
    known_names = frozenset(name for client in CLIENT_MANIFESTS for name in client_operations(client))
    schema = build_schema(settings, frozenset(documents), known_names)
    graphql = LinliGraphQL(schema, settings, documents)

    @asynccontextmanager
    async def lifespan(_: Starlette):
        await db.init_db(settings.database_url)
        rt = start_runtime(settings)
        app.state.identities.listen()  # cached roles are served once it hears every change
        load_tasks()
        # The brokers start once Redis answers: the API serves (and /readyz says 503) meanwhile.
        started = asyncio.create_task(start_brokers_when_redis_answers())
        await asyncio.wait({started}, timeout=2)
        stop = asyncio.Event()
        # Without Redis there is no worker process: the API process relays its own outbox.
        relay = None if settings.redis_url else asyncio.create_task(relay_forever(stop, settings.relay_poll_s))
        # What start-up built (the schema, the models, the plans) lives as long as the process: out of
        # the collector's sight, a full collection walks only what requests create, not all of it.
        gc.freeze()
        try:
            yield
        finally:
            stop.set()
            if relay is not None:
                await relay
            if started.done():
                for broker in BROKERS:
                    await broker.shutdown()
            else:
                started.cancel()
            await app.state.identities.close()
            await rt.close()
            await db.close_db()

    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),  # first: almost every request is one
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        Route("/uploads", files.upload, methods=["POST"]),
        Route("/webhooks/{gateway}", webhooks.receive, methods=["POST"]),
        Route("/media/public/{key}", files.public_media),
        Route("/media/notices/{notice_id}/attachments/{upload_id}", files.notice_attachment),
        Route("/media/{upload_id}", files.private_media),
        Route("/exports/registry.xlsx", files.registry_export),
        Route("/exports/registry-template.xlsx", files.registry_template),
        Route("/exports/notices/{notice_id}/not-reached.xlsx", files.notice_not_reached_export),
        Route("/exports/polls/{poll_id}/result.xlsx", files.poll_result_workbook),
        Route("/exports/cases/stats.xlsx", files.case_stats_workbook),
        Route("/exports/polls/{poll_id}/result.pdf", files.poll_result_pdf),
        Route("/exports/ledger/accounts/{account_id}/statement.csv", wallet_exports.statement_csv),
        Route("/exports/ledger/accounts/{account_id}/statement.xlsx", wallet_exports.statement_xlsx),
        # Reports and reconciliation
        Route("/exports/providers/{provider_id}/statement.csv", service_exports.provider_statement_csv),
        Route("/exports/providers/{provider_id}/statement.pdf", service_exports.provider_statement_pdf),
        Route("/exports/communities/{community_id}/subsidy-claims.csv", service_exports.subsidy_claims_csv),
        Route("/certificates/{certificate_id}.pdf", volunteering_files.certificate_pdf),
        Route("/verify/{code}", volunteering_files.verify),
        Route("/", lambda _: RedirectResponse("/admin/")),
        Mount("/admin", StaticFiles(directory=ADMIN_DIST, html=True, check_dir=False), name="admin"),
    ]
    middleware = [Middleware(RequestContext), Middleware(BodyLimit, max_bytes=limits.MAX_BODY_BYTES,
                                                         upload_bytes=limits.MAX_UPLOAD_BYTES)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={ServiceUnavailable: service_unavailable})
    app.state.identities = IdentityCache()  # this app's roles and proxies, see core/identities.py
    return app
