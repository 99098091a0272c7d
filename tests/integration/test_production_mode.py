"""In prod only the trusted operations run, introspection is off, and demo sign-in is refused."""

import httpx
import pytest

from backend.api.context import Context
from backend.api.contract import client_operations, document_id
from backend.api.schema import build_schema
from backend.app import create_app
from backend.core.settings import get_settings, use_settings


@pytest.fixture
async def prod(app):
    dev = get_settings()
    prod_settings = dev.model_copy(update={"env": "prod", "token_signing_key": "p" * 48})
    prod_app = create_app(prod_settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(prod_app), base_url="http://test") as http:
        yield http, prod_app
    use_settings(dev)


def persisted(client: str, name: str) -> str:
    return document_id(client_operations(client)[name])


async def test_an_operation_outside_persisted_json_is_refused(prod):
    http, _ = prod
    response = await http.post("/graphql", json={"query": "{ viewer { id displayName } }"})
    assert response.status_code == 400
    assert "persisted.json" in response.text


async def test_a_trusted_operation_runs_by_its_id(prod):
    http, _ = prod
    for field in ("documentId", "extensions"):
        body = (
            {"documentId": persisted("mini_program", "Viewer")}
            if field == "documentId"
            else {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": persisted("admin", "Viewer")}}}
        )
        response = await http.post("/graphql", json=body)
        # Signed out: no viewer (and, for the console's, no provider of theirs either).
        assert response.json()["data"]["viewer"] is None
        assert response.json()["data"].get("myProviders", []) == []


async def test_introspection_is_off(prod):
    introspection = "{ __schema { queryType { name } } }"
    # Even were an introspection query trusted, the prod schema refuses it.
    schema = build_schema(get_settings(), trusted_ids=frozenset({document_id(introspection)}))
    result = await schema.execute(introspection)
    assert result.data is None
    assert "introspection" in result.errors[0].message.lower()
    dev_schema = build_schema(get_settings().model_copy(update={"env": "dev"}))
    assert (await dev_schema.execute(introspection)).data == {"__schema": {"queryType": {"name": "Query"}}}


async def test_a_query_text_that_is_not_trusted_is_refused_even_past_http(prod):
    """Websocket subscriptions skip the HTTP body parser; the schema itself refuses the text."""
    _, prod_app = prod
    schema = next(r.app for r in prod_app.routes if getattr(r, "path", "") == "/graphql").schema
    result = await schema.execute("{ viewer { id } }")
    assert result.errors[0].extensions["code"] == "PERSISTED_QUERY_NOT_TRUSTED"
    trusted = client_operations("mini_program")["Viewer"]
    assert (await schema.execute(trusted, context_value=Context(request=None))).errors is None


async def test_demo_sign_in_is_refused(prod):
    http, _ = prod
    response = await http.post(
        "/graphql", json={"documentId": persisted("mini_program", "DemoLogin"), "variables": {"handle": "resident"}}
    )
    payload = response.json()["data"]["authDemoLogin"]
    assert payload["tokens"] is None and payload["errors"][0]["code"] == "NOT_AVAILABLE"


async def test_graphiql_is_not_served(prod):
    http, _ = prod
    response = await http.get("/graphql", headers={"accept": "text/html"})
    assert "graphiql" not in response.text.lower()
