"""Reporting content to moderation as the mini-program does, and finding what it opened, for the
console tests that need reported content."""

import httpx

from backend.api.contract import client_operations, document_id
from tests.e2e.test_console_registry import demo_resident_token, graphql


async def op(http: httpx.AsyncClient, token: str, name: str, **variables) -> dict:
    """A mini-program operation as the mini-program sends it (its persisted document)."""
    body = (await http.post("/graphql", headers={"authorization": f"Bearer {token}"}, json={
        "documentId": document_id(client_operations("mini_program")[name]), "variables": variables})).json()
    assert "errors" not in body, body
    return body["data"]


async def report(http: httpx.AsyncClient, handle: str, kind: str, target_id: str, reason: str) -> None:
    token = await demo_resident_token(http, handle)
    note = "内容不实，造谣物业" if reason == "OTHER" else ""
    answer = await op(http, token, "ContentReport", kind=kind, targetId=target_id, reason=reason, note=note)
    assert answer["contentReport"] == {"ok": True, "errors": []}


async def reported_item(http: httpx.AsyncClient, token: str, community_id: str, target_id: str) -> str:
    """The moderation item of `target_id` (looked up as staff, newest reported content last)."""
    after = None
    while True:
        page = (await graphql(http, token, """
            query($c: ID!, $after: String) { moderationQueue(communityId: $c, first: 50, after: $after) {
              nodes { id targetId } pageInfo { hasNextPage endCursor } } }""",
                              {"c": community_id, "after": after}))["moderationQueue"]
        found = [n["id"] for n in page["nodes"] if n["targetId"] == target_id]
        if found:
            return found[0]
        assert page["pageInfo"]["hasNextPage"], f"{target_id} was never reported"
        after = page["pageInfo"]["endCursor"]
