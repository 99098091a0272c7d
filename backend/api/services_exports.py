"""The paid services' exports, authenticated like every export (a bearer token, the request budget):
GET /exports/providers/{id}/statement.csv and .pdf?from=&to= (the provider's admin or an operator) and
GET /exports/communities/{id}/subsidy-claims.csv?month=YYYY-MM (SERVICES_MANAGE)."""

from starlette.requests import Request
from starlette.responses import Response

from backend.api.files import _day, _error, _spending, over_budget
from backend.api.ids import parse_uuid
from backend.core import limits
from backend.core.errors import DomainError
from backend.media.documents import PDF
from backend.services import claims, statements

CSV = "text/csv; charset=utf-8"


def _attachment(data: bytes, media_type: str, filename: str) -> Response:
    return Response(data, media_type=media_type, headers={"content-disposition": f'attachment; filename="{filename}"'})


async def _statement(request: Request, render, media_type: str, extension: str) -> Response:
    try:
        actor = await _spending(request, limits.EXPORT_COST)
        since = _day(request, "from") if request.query_params.get("from") else None
        until = _day(request, "to") if request.query_params.get("to") else None
        found = await statements.provider_statement(actor, provider_id=parse_uuid(request.path_params["provider_id"]),
                                                    since=since, until=until)
    except DomainError as error:
        return _error(error)
    return _attachment(render(found), media_type, statements.filename(found, extension))


@over_budget
async def provider_statement_csv(request: Request) -> Response:
    """The statement as CSV (UTF-8 with BOM, formula-safe cells)."""
    return await _statement(request, statements.statement_csv, CSV, "csv")


@over_budget
async def provider_statement_pdf(request: Request) -> Response:
    """The statement as a PDF for printing and filing."""
    return await _statement(request, statements.statement_pdf, PDF, "pdf")


@over_budget
async def subsidy_claims_csv(request: Request) -> Response:
    """The month's subsidy claim report as CSV, for the street."""
    try:
        actor = await _spending(request, limits.EXPORT_COST)
        found = await claims.subsidy_claims(actor, community_id=parse_uuid(request.path_params["community_id"]),
                                            month=request.query_params.get("month", ""))
    except DomainError as error:
        return _error(error)
    return _attachment(claims.claims_csv(found), CSV, claims.filename(found))
