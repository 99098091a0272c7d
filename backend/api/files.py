"""The non-GraphQL endpoints for files: uploads in, private media and exports out."""

import functools
from datetime import date
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.accounts.service import authenticate
from backend.api import budget
from backend.api.context import bearer_token
from backend.api.ids import parse_uuid
from backend.cases import stats as case_stats
from backend.cases import stats_export as case_stats_export
from backend.core import limits, storage
from backend.core.actor import Actor
from backend.core.errors import AuthenticationError, DomainError, ErrorCode
from backend.core.settings import get_settings
from backend.media import service as media
from backend.media import signing
from backend.media.documents import PDF
from backend.media.models import Upload
from backend.notices import service as notices
from backend.registry import importer
from backend.voting import result_exports

STATUS = {ErrorCode.NOT_FOUND: 404, ErrorCode.FORBIDDEN: 403, ErrorCode.PROXY_INVALID: 403,
          ErrorCode.UNAUTHENTICATED: 401}


def _error(error: DomainError) -> JSONResponse:
    body = {"errors": [{"code": error.code.value, "field": error.field, "message": error.message}]}
    return JSONResponse(body, status_code=STATUS.get(error.code, 400))


async def _actor(request: Request) -> Actor:
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "请先登录")
    try:
        return await authenticate(token, request.headers.get("x-acting-for"), identities=request.app.state.identities)
    except AuthenticationError as exc:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "登录已失效，请重新登录") from exc


async def _spending(request: Request, cost: int) -> Actor:
    """The caller, once their request budget paid for this call (uploads and exports cost more than a query)."""
    actor = await _actor(request)
    await budget.spend(get_settings(), budget.client_key(request, actor), cost)
    return actor


def over_budget(handler):
    """Turns a spent budget into the 429 with Retry-After."""
    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except budget.OverBudget as over:
            return budget.too_many(over.decision)
    return endpoint


@over_budget
async def upload(request: Request) -> Response:
    """POST /uploads?kind=proof_photo|registry_import|notice_image|notice_attachment|vote_evidence|case_photo,
    multipart field `file` (at most 10 MB). Notice images and attachments: staff with NOTICE_PUBLISH only; photos
    of paper ballots and authorisations (vote_evidence): staff with VOTE_MANAGE only."""
    try:
        actor = await _spending(request, limits.UPLOAD_COST)
        async with request.form(max_files=1, max_fields=2, max_part_size=media.MAX_BYTES + 1) as form:
            part = form.get("file")
            if part is None or isinstance(part, str):
                raise DomainError(ErrorCode.INVALID_INPUT, "请选择文件", field="file")
            data = await part.read(media.MAX_BYTES + 1)
            filename = part.filename or ""
        stored = await media.store_upload(actor, kind=request.query_params.get("kind", ""), data=data,
                                          filename=filename)
    except DomainError as error:
        return _error(error)
    upload = stored.upload
    return JSONResponse({"id": str(upload.id), "kind": upload.kind, "size": upload.size, **stored.variants})


@over_budget
async def notice_not_reached_export(request: Request) -> Response:
    """GET /exports/notices/{id}/not-reached.xlsx: the households a notice has not reached. NOTICE_REACH."""
    try:
        actor = await _spending(request, limits.EXPORT_COST)
        data = await notices.export_not_reached(actor, notice_id=parse_uuid(request.path_params["notice_id"]))
    except DomainError as error:
        return _error(error)
    return Response(data, media_type=media.XLSX,
                    headers={"content-disposition": 'attachment; filename="not-reached.xlsx"'})


async def _poll_result(request: Request, export, media_type: str, filename: str) -> Response:
    try:
        actor = await _spending(request, limits.EXPORT_COST)
        data = await export(actor, poll_id=parse_uuid(request.path_params["poll_id"]))
    except DomainError as error:
        return _error(error)
    return Response(data, media_type=media_type, headers={"content-disposition": f'attachment; filename="{filename}"'})


@over_budget
async def poll_result_workbook(request: Request) -> Response:
    """GET /exports/polls/{id}/result.xlsx: a poll's result with every step and answer. VOTE_MANAGE, and only
    once the result may be seen (403 before: turnout only)."""
    return await _poll_result(request, result_exports.result_workbook, media.XLSX, "poll-result.xlsx")


@over_budget
async def poll_result_pdf(request: Request) -> Response:
    """GET /exports/polls/{id}/result.pdf: the same for printing and the notice board."""
    return await _poll_result(request, result_exports.result_pdf, PDF, "poll-result.pdf")


def _day(request: Request, name: str):
    try:
        return date.fromisoformat(request.query_params.get(name, ""))
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, "日期格式应为 YYYY-MM-DD", field=name) from None


@over_budget
async def case_stats_workbook(request: Request) -> Response:
    """GET /exports/cases/stats.xlsx?communityId=&from=&to=: the 诉求统计 of the cases raised in [from, to)
    as a workbook, the same figures as caseStats. CASE_HANDLE (a grid worker: their grids')."""
    try:
        actor = await _spending(request, limits.EXPORT_COST)
        period = case_stats.Period.of(_day(request, "from"), _day(request, "to"))
        data = await case_stats_export.stats_workbook(
            actor, community_id=parse_uuid(request.query_params.get("communityId")), period=period)
    except DomainError as error:
        return _error(error)
    return Response(data, media_type=media.XLSX,
                    headers={"content-disposition": 'attachment; filename="case-stats.xlsx"'})


@over_budget
async def notice_attachment(request: Request) -> Response:
    """GET /media/notices/{notice_id}/attachments/{upload_id} with the bearer token: for the notice's
    audience and its community's staff (a draft's: its staff only). A download costs what a query does."""
    try:
        actor = await _spending(request, limits.QUERY_COST)
        upload = await notices.get_attachment_for(actor, notice_id=parse_uuid(request.path_params["notice_id"]),
                                                  upload_id=parse_uuid(request.path_params["upload_id"]))
    except DomainError as error:
        return _error(error)
    data = await storage.get(upload.sha256)
    if data is None:
        return Response("Not found.", status_code=404)
    name = quote(upload.filename or "attachment")
    return Response(data, media_type=upload.content_type,
                    headers={"content-disposition": f"attachment; filename*=UTF-8''{name}",
                             "x-content-type-options": "nosniff"})


async def public_media(request: Request) -> Response:
    """GET /media/public/{key}: a notice image variant, by content hash; immutable, so cached for long."""
    data = await storage.get(request.path_params["key"], public=True)
    if data is None:
        return Response("Not found.", status_code=404)
    return Response(data, media_type="image/webp", headers={"cache-control": "public, max-age=31536000, immutable"})


async def private_media(request: Request) -> Response:
    """GET /media/{id}?expires&sig: a signed link handed out by the API (proof photos)."""
    upload_id = request.path_params["upload_id"]
    query = request.query_params
    if not signing.verify(get_settings(), upload_id, query.get("expires", ""), query.get("sig", "")):
        return Response("This link is invalid or has expired.", status_code=403)
    stored = await Upload.filter(id=parse_uuid(upload_id)).first()
    data = await storage.get(stored.sha256) if stored else None
    if data is None:
        return Response("Not found.", status_code=404)
    return Response(data, media_type=stored.content_type,
                    headers={"cache-control": "private, max-age=600"})


@over_budget
async def registry_export(request: Request) -> Response:
    """GET /exports/registry.xlsx?community=<id>: residents as a workbook (masked). REGISTRY_IMPORT."""
    try:
        actor = await _spending(request, limits.EXPORT_COST)
        data = await importer.export_residents(actor, community_id=parse_uuid(request.query_params.get("community")))
    except DomainError as error:
        return _error(error)
    return Response(data, media_type=media.XLSX,
                    headers={"content-disposition": 'attachment; filename="registry.xlsx"'})


@over_budget
async def registry_template(request: Request) -> Response:
    """GET /exports/registry-template.xlsx: an empty workbook with the import's header row. REGISTRY_IMPORT."""
    try:
        actor = await _spending(request, limits.EXPORT_COST)
        data = await importer.template(actor)
    except DomainError as error:
        return _error(error)
    return Response(data, media_type=media.XLSX,
                    headers={"content-disposition": 'attachment; filename="registry-template.xlsx"'})
