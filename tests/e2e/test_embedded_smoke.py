"""Smoke run of the embedded default: what `make run` serves to a newcomer."""

import time

import httpx

from backend.api.contract import client_operations, document_id


def persisted(client: str, name: str) -> str:
    return document_id(client_operations(client)[name])


def test_health_readiness_metrics_and_console_are_served(embedded_server):
    with httpx.Client(base_url=embedded_server) as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        assert http.get("/readyz").json() == {"ready": True, "checks": {"database": "ok"}}
        console = http.get("/admin/")
        assert console.status_code == 200 and '<div id="app">' in console.text
        http.post("/graphql", json={"documentId": persisted("mini_program", "Viewer")})
        assert 'linli_graphql_request_seconds_count{operation="Viewer"}' in http.get("/metrics").text


def test_demo_resident_viewer_through_the_mini_program_persisted_operation(embedded_server):
    with httpx.Client(base_url=embedded_server) as http:
        login = http.post(
            "/graphql",
            json={"documentId": persisted("mini_program", "DemoLogin"), "variables": {"handle": "resident"}},
        ).json()["data"]["authDemoLogin"]
        token = login["tokens"]["accessToken"]
        viewer = http.post(
            "/graphql",
            json={"documentId": persisted("mini_program", "Viewer")},
            headers={"authorization": f"Bearer {token}"},
        ).json()["data"]["viewer"]
    assert viewer["displayName"] == "张阿姨"
    assert viewer["memberships"][0]["community"]["name"] == "阳光社区"


def test_the_in_process_queue_relays_the_outbox(embedded_server):
    """Without Redis the API process relays its own outbox: a reuse alert reaches the inbox."""
    with httpx.Client(base_url=embedded_server) as http:
        def refresh(token: str) -> dict:
            return http.post(
                "/graphql", json={"documentId": persisted("mini_program", "TokenRefresh"),
                                  "variables": {"refreshToken": token}},
            ).json()["data"]["authTokenRefresh"]

        login = http.post(
            "/graphql",
            json={"documentId": persisted("mini_program", "DemoLogin"), "variables": {"handle": "elder"}},
        ).json()["data"]["authDemoLogin"]["tokens"]
        refresh(login["refreshToken"])
        assert refresh(login["refreshToken"])["errors"][0]["code"] == "TOKEN_REUSED"
        inbox_query = "{ viewer { inbox(first: 10) { nodes { kind title } } } }"
        deadline = time.monotonic() + 20
        while True:
            fresh = http.post("/graphql", json={"documentId": persisted("mini_program", "DemoLogin"),
                                                "variables": {"handle": "elder"}}).json()
            token = fresh["data"]["authDemoLogin"]["tokens"]["accessToken"]
            inbox = http.post("/graphql", json={"query": inbox_query},
                              headers={"authorization": f"Bearer {token}"}).json()["data"]["viewer"]["inbox"]
            if any(n["kind"] == "security" for n in inbox["nodes"]) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        # Other tests on this server may notify 王爷爷 too (a notice to his building): look for ours.
        assert [n["title"] for n in inbox["nodes"] if n["kind"] == "security"] == ["账号安全提醒"]
