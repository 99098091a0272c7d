"""Bad and abusive requests get a clear 4xx or GraphQL error, never a 500 or a stack trace."""

import httpx

from backend.app import create_app
from backend.core.settings import get_settings, use_settings


async def test_query_over_the_depth_limit_is_refused(api):
    deep = "{ viewer " + "{ a " * 11 + "{ id }" + " }" * 12
    result = await api.query(deep)
    assert result["data"] is None
    assert any("exceeds maximum operation depth" in e["message"] for e in result["errors"])


async def test_too_many_aliases_are_refused(api):
    aliases = " ".join(f"v{i}: viewer {{ id }}" for i in range(20))
    result = await api.query(f"{{ {aliases} }}")
    assert result["data"] is None
    assert "aliases" in result["errors"][0]["message"]


async def test_too_many_tokens_are_refused(api):
    fields = " ".join("__typename" for _ in range(2500))
    result = await api.query(f"{{ {fields} }}")
    assert result["data"] is None
    assert "token" in result["errors"][0]["message"].lower()


async def test_one_operation_per_document(api):
    result = await api.query("query A { viewer { id } } query B { viewer { id } }")
    assert result["data"] is None
    assert "at most 1 operation" in result["errors"][0]["message"]


async def test_page_size_is_capped_at_50(api):
    await api.sign_in("resident")
    community_id = (await api.op("Viewer"))["data"]["viewer"]["memberships"][0]["community"]["id"]
    result = await api.query(
        "query($id: ID!) { community(id: $id) { buildings(first: 51) { nodes { id } } } }", id=community_id
    )
    assert result["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert "50" in result["errors"][0]["message"]


async def test_malformed_json_batches_and_unknown_documents_are_400(api):
    http = api.http
    bad_json = await http.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    batch = await http.post("/graphql", json=[{"query": "{ viewer { id } }"}])
    unknown = await http.post("/graphql", json={"documentId": "0" * 64})
    assert [bad_json.status_code, batch.status_code, unknown.status_code] == [400, 400, 400]
    assert "persisted.json" in unknown.text


async def test_oversized_body_is_413(api):
    response = await api.http.post("/graphql", json={"query": "{ viewer { id } }", "variables": {"x": "a" * 300_000}})
    assert response.status_code == 413


async def test_get_cannot_run_operations(api):
    response = await api.http.get("/graphql", params={"query": "{ viewer { id } }"})
    assert response.status_code in (400, 405)


async def test_a_caller_over_budget_is_told_to_slow_down(app):
    dev = get_settings()
    limited = create_app(dev.model_copy(update={"rate_burst": 3, "rate_per_second": 0.01}))
    use_settings(dev)
    transport = httpx.ASGITransport(limited, client=("203.0.113.9", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        responses = [await http.post("/graphql", json={"query": "{ viewer { id } }"}) for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    # 0.01 tokens a second: a whole token is 100 s away (less the moments the requests took).
    assert 90 <= int(responses[-1].headers["retry-after"]) <= 100


async def test_uploads_spend_the_budget_faster_than_queries(app, api):
    """An upload costs ten queries: a burst of 25 lets two uploads through, then 429 with Retry-After."""
    dev = get_settings()
    limited = dev.model_copy(update={"rate_burst": 25, "rate_per_second": 1.0})
    use_settings(limited)  # /uploads reads the process's settings
    try:
        transport = httpx.ASGITransport(create_app(limited), client=("203.0.113.10", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            api.http = http
            await api.sign_in("resident")  # 1
            responses = [await http.post("/uploads", params={"kind": "registry_import"},
                                         headers={"authorization": f"Bearer {api.token}"},
                                         files={"file": ("x.xlsx", b"not a workbook", "application/octet-stream")})
                         for _ in range(4)]
            query = await http.post("/graphql", json={"query": "{ viewer { id } }"},
                                    headers={"authorization": f"Bearer {api.token}"})
    finally:
        use_settings(dev)
    assert [r.status_code for r in responses] == [400, 400, 429, 429]  # refused as files, then as a flood
    assert responses[-1].json()["errors"][0]["code"] == "RATE_LIMITED"
    assert 1 <= int(responses[-1].headers["retry-after"]) <= 10  # 4 tokens left, 10 needed, 1 a second
    assert query.status_code == 200  # the 4 tokens left still pay for a query
