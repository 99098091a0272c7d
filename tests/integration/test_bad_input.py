"""Input that no user should be able to turn into a 500 or a database error: deeply nested JSON,
text PostgreSQL cannot store, misspelt fields and enum values, deep introspection."""

import json

import pytest

from backend.api.contract import client_operations, document_id
from backend.core.settings import get_settings

NOTICE = {"title": "停水通知", "bodyHtml": "<p>明天停水</p>", "category": "社区公告",
          "audience": [{"kind": "COMMUNITY"}]}


async def run(api, name: str, **variables) -> dict:
    """Like api.op, but the body is ASCII JSON: lone surrogates travel as \\u escapes, as a
    browser's JSON.stringify sends them."""
    document = client_operations(api.client)[name]
    body = json.dumps({"documentId": document_id(document), "variables": variables})
    headers = {"content-type": "application/json"} | ({"authorization": f"Bearer {api.token}"} if api.token else {})
    response = await api.http.post("/graphql", content=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("body", ["[" * 1000, '{"a":' * 1000, "[" * 1000 + "]" * 1000,
                                  '{"query": "{ viewer { id } }", "variables": {"x": ' + "[" * 200 + "]" * 200 + "}}"])
async def test_deeply_nested_json_is_a_400(api, body):
    response = await api.http.post("/graphql", content=body.encode(), headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text


@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b", "\udfff"])
async def test_text_postgresql_cannot_store_is_invalid_input_in_every_mutation(api, console, demo_community, bad):
    """One check before execution covers variables and literals, sign-in included."""
    def refused(result: dict) -> bool:
        error = result["errors"][0]
        code = error["extensions"]["code"]
        return result.get("data") is None and code == "INVALID_INPUT" and "字符" in error["message"]

    assert refused(await run(console, "StaffLogin", username="committee" + bad, password="x"))
    assert refused(await run(api, "DemoLogin", handle=bad))
    await console.sign_in("committee")
    assert refused(await run(console, "NoticeCreate", communityId=str(demo_community.id),
                             input={**NOTICE, "title": "停水" + bad}))
    assert refused(await run(console, "NoticeCreate", communityId=str(demo_community.id),
                             input={**NOTICE, "audience": [{"kind": "BUILDING", "ids": [bad]}]}))
    await api.sign_in("resident")
    assert refused(await run(api, "PrivacyConsentRecord", version="2026-01" + bad, channel="mini_program"))
    assert refused(await run(api, "ResidenceApply", communityId=str(demo_community.id), roomCode=bad, role="OWNER"))
    notices = await console.op("Notices", communityId=str(demo_community.id), first=50)
    assert not any(n["title"] == "停水" + bad for n in notices["data"]["notices"]["nodes"])


async def test_a_nul_in_a_literal_of_the_document_is_invalid_input_too(api):
    result = await api.query('mutation { authDemoLogin(handle: "a\\u0000b") { errors { code } } }')
    assert result["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_ordinary_text_still_passes_the_check(console, demo_community):
    await console.sign_in("committee")
    result = await console.op("NoticeCreate", communityId=str(demo_community.id),
                              input={**NOTICE, "title": "停水通知 ✓ 😀"})
    assert result["data"]["noticeCreate"]["errors"] == []
    assert result["data"]["noticeCreate"]["notice"]["title"] == "停水通知 ✓ 😀"


async def test_a_misspelt_input_field_or_enum_value_is_the_clients_error(console, demo_community):
    await console.sign_in("committee")
    misspelt_field = await console.op("NoticeCreate", communityId=str(demo_community.id),
                                      input={**NOTICE, "titel": "x"})
    misspelt_enum = await console.op("NoticeCreate", communityId=str(demo_community.id),
                                     input={**NOTICE, "importance": "URGNET"})
    wrong_type = await console.op("NoticeCreate", communityId=str(demo_community.id), input={**NOTICE, "pinned": "yes"})
    for result in (misspelt_field, misspelt_enum, wrong_type):
        assert result.get("data") is None
        assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", result


async def test_an_unknown_field_in_the_document_is_a_validation_error(api):
    result = await api.query("{ viewer { idd } }")
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_the_same_errors_keep_their_codes_in_prod(app, console):
    """In prod the codes are what a client reads; the messages are not masked as internal errors."""
    import httpx

    from backend.app import create_app
    from backend.core.settings import use_settings

    dev = get_settings()
    prod_app = create_app(dev.model_copy(update={"env": "prod", "token_signing_key": "p" * 48}))
    use_settings(dev)
    body = {"documentId": document_id(client_operations("admin")["StaffLogin"]),
            "variables": {"username": "a\x00", "password": "x"}}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(prod_app), base_url="http://test") as http:
        nul = (await http.post("/graphql", json=body)).json()
        body["variables"] = {"username": 5, "password": "x"}
        typed = (await http.post("/graphql", json=body)).json()
    assert nul["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert typed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_depth_limit_applies_to_introspection(api):
    deep = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
    result = await api.query(deep)
    assert result.get("data") is None
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "introspection depth" in result["errors"][0]["message"]
    # The introspection query GraphiQL sends still works in dev.
    from graphql import get_introspection_query

    full = await api.query(get_introspection_query())
    assert full["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_a_client_that_hangs_up_mid_body_is_no_server_error(app):
    """A phone losing coverage while it sends: the request ends quietly, nothing is raised."""
    sent: list[dict] = []
    parts = iter([{"type": "http.request", "body": b'{"documentId": "', "more_body": True},
                  {"type": "http.disconnect"}])

    async def receive() -> dict:
        return next(parts)

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/graphql", "raw_path": b"/graphql", "query_string": b"", "root_path": "",
             "headers": [(b"content-type", b"application/json")], "client": ("127.0.0.1", 5000),
             "server": ("testserver", 80)}
    await app(scope, receive, send)
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 400
