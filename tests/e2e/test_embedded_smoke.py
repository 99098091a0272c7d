"""Smoke run of the embedded default: what `make run` serves to a newcomer."""

import time
from datetime import UTC, datetime, timedelta

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


def test_a_household_votes_once_on_the_embedded_default(embedded_server):
    """SQLite takes the ORM path of casting (PostgreSQL's is one statement): the first ballot is kept,
    the second cast for the same household is refused, the receipt finds the ballot."""
    def op(http: httpx.Client, client: str, name: str, token: str | None = None, **variables) -> dict:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        body = {"documentId": persisted(client, name), "variables": variables}
        return http.post("/graphql", json=body, headers=headers).json()["data"]

    with httpx.Client(base_url=embedded_server) as http:
        # The committee's demo sign-in: the console's tests in this session use its password, which is
        # throttled per username.
        staff = op(http, "mini_program", "DemoLogin", handle="committee")
        staff_token = staff["authDemoLogin"]["tokens"]["accessToken"]
        resident = op(http, "mini_program", "DemoLogin", handle="resident")["authDemoLogin"]["tokens"]["accessToken"]
        community = op(http, "mini_program", "Viewer", resident)["viewer"]["memberships"][0]["community"]["id"]
        closes = (datetime.now(UTC) + timedelta(days=3)).isoformat()
        created = op(http, "admin", "PollCreate", staff_token, communityId=community, input={
            "title": "是否在小区门口增设快递柜", "kind": "SINGLE", "items": [{"label": "同意"}, {"label": "反对"}],
            "electorate": "HOUSEHOLD", "scope": {"kind": "COMMUNITY"}, "closesAt": closes})["pollCreate"]
        assert created["errors"] == []
        opened = op(http, "admin", "PollOpen", staff_token, id=created["poll"]["id"])["pollOpen"]
        assert opened["errors"] == [] and opened["poll"]["state"] == "OPEN"
        poll_id = opened["poll"]["id"]

        first = op(http, "mini_program", "BallotCast", resident, pollId=poll_id, ballot={"choices": ["i1"]})
        assert first["ballotCast"]["errors"] == []
        again = op(http, "mini_program", "BallotCast", resident, pollId=poll_id, ballot={"choices": ["i2"]})
        assert again["ballotCast"]["receiptCode"] is None and again["ballotCast"]["errors"][0]["message"]
        receipt = op(http, "mini_program", "BallotReceipt", resident, pollId=poll_id,
                     receiptCode=first["ballotCast"]["receiptCode"])["ballotReceipt"]
        assert receipt["answer"] == {"choices": ["i1"]}
        turnout = op(http, "admin", "PollTurnout", staff_token, id=poll_id)["pollTurnout"]
        assert turnout["participated"] == 1
