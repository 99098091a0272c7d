"""The volunteering endpoints outside GraphQL: a certificate's PDF for its owner, and the public
page that verifies a certificate by its code (no sign-in)."""

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from backend.api.files import PDF, _actor, _error
from backend.api.ids import parse_uuid
from backend.core.errors import DomainError
from backend.volunteering import certificates


async def certificate_pdf(request: Request) -> Response:
    """GET /certificates/{id}.pdf: the 志愿服务记录证明, for its owner only (signed in, in person)."""
    try:
        actor = await _actor(request)
        certificate_id = parse_uuid(request.path_params["certificate_id"])
        data = await certificates.certificate_pdf(actor, certificate_id=certificate_id)
    except DomainError as error:
        return _error(error)
    return Response(data, media_type=PDF, headers={"content-disposition": 'attachment; filename="certificate.pdf"'})


async def verify(request: Request) -> Response:
    """GET /verify/{code}: whether the code is a certificate's, in Chinese, for anyone."""
    result = await certificates.check(request.path_params["code"])
    return HTMLResponse(certificates.verify_page(result), status_code=200 if result.valid else 404)
