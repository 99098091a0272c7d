"""POST /webhooks/{gateway}: the payment providers' notifications (Stripe, WeChat Pay, the sandbox),
read raw (the signature covers the exact bytes) and handed to backend/services/payment_events.py."""

from starlette.requests import Request
from starlette.responses import Response

from backend.services import payment_events

MAX_BYTES = 64 * 1024  # a notification is a few KB; anything larger is not one


async def receive(request: Request) -> Response:
    body = await request.body()
    if len(body) > MAX_BYTES:
        return Response(b"too large", status_code=413, media_type="text/plain")
    status, content, media_type = await payment_events.receive(request.path_params["gateway"],
                                                               dict(request.headers), body)
    return Response(content, status_code=status, media_type=media_type)
