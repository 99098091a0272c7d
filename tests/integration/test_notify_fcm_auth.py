"""FCM with a service account: google-auth's own code signs the JWT assertion and trades it for an
OAuth2 token at the key's token_uri — here a local server speaking Google's documented token
contract (RFC 7523 JWT bearer grant) — and the push carries that token."""

import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from backend.core.settings import get_settings, use_settings
from backend.notify import channels
from tests.stubs.fcm import FcmStub
from tests.stubs.server import serve_in_thread


@pytest.fixture
def service_account(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    grants: list[dict] = []

    async def token(request: Request) -> JSONResponse:
        form = await request.form()
        assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
        # Signed by the service account's key, for Google's token audience (whatever URL it is posted to).
        claims = jwt.decode(form["assertion"], key.public_key(), algorithms=["RS256"],
                            audience="https://oauth2.googleapis.com/token")
        grants.append(claims)
        return JSONResponse({"access_token": f"oauth-token-{len(grants)}", "expires_in": 3600, "token_type": "Bearer"})

    base, server = serve_in_thread(Starlette(routes=[Route("/token", token, methods=["POST"])]))
    token_uri = f"{base}/token"
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "demo-linli", "private_key_id": "k1", "private_key": pem,
        "client_email": "push@demo-linli.iam.gserviceaccount.com", "client_id": "1", "token_uri": token_uri,
    }))
    yield path, grants
    server.should_exit = True


async def test_pushes_carry_the_service_accounts_oauth_token(app, service_account):
    path, grants = service_account
    fcm = FcmStub()
    fcm.bearer = "oauth-token-1"
    base, server = fcm.serve()
    dev = get_settings()
    use_settings(dev.model_copy(update={"fcm_api_base": base, "fcm_access_token": "",
                                        "fcm_credentials_file": str(path)}))
    try:
        for i in range(2):
            await channels.fcm_send("device-a", key=f"k{i}", title="停水通知", body="物业", data={})
    finally:
        use_settings(dev)
        server.should_exit = True
    assert len(fcm.accepted) == 2
    assert len(grants) == 1  # the token is reused until it is about to expire
    assert grants[0]["scope"] == channels.FCM_SCOPE and grants[0]["iss"].startswith("push@")
