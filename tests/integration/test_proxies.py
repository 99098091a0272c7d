"""代办: a relative acts for an elderly resident within the proxy's scope; every such action carries
acting_for and shows in the principal's history; a revoked proxy stops working at once."""

from datetime import UTC, datetime, timedelta

from backend.audit.models import AuditEntry
from backend.registry.models import ResidenceApplication

PROXIES = "{ viewer { id proxies { id active scopes principal { id displayName } agent { id displayName } } } }"
HISTORY = "{ viewer { history(first: 10) { nodes { action actor { displayName } actingFor { displayName } } } } }"
APPLY = """mutation($c: ID!) { residenceApply(communityId: $c, roomCode: "CZ-2-2-402", role: CO_RESIDENT) {
  application { id person { displayName } } errors { code message } } }"""
ACTING = "{ viewer { displayName actingFor { displayName } residences { room { code } } } }"


async def _elder_proxy(api) -> tuple[str, str]:
    """The seeded proxy: 王丽 (relative) may act for 王爷爷 (elder)."""
    await api.sign_in("relative")
    proxies = (await api.query(PROXIES))["data"]["viewer"]["proxies"]
    held = next(p for p in proxies if p["agent"]["displayName"].startswith("王爷爷的女儿") and p["active"])
    return held["id"], held["principal"]["id"]


async def test_relative_acts_for_the_elder_and_he_sees_it_in_his_history(api, demo_community):
    _, elder_id = await _elder_proxy(api)
    api.http.headers["x-acting-for"] = elder_id
    acting = (await api.query(ACTING))["data"]["viewer"]
    assert acting["actingFor"] == {"displayName": "王爷爷"}
    assert [r["room"]["code"] for r in acting["residences"]] == ["YG-1-1-102"]  # his home, not hers

    applied = (await api.query(APPLY, c=str(demo_community.id)))["data"]["residenceApply"]
    assert applied["errors"] == [] and applied["application"]["person"]["displayName"] == "王爷爷"
    entry = await AuditEntry.filter(action="residence.apply", target_id=applied["application"]["id"]).get()
    assert str(entry.acting_for_id) == elder_id

    del api.http.headers["x-acting-for"]
    await api.sign_in("elder")
    history = (await api.query(HISTORY))["data"]["viewer"]["history"]["nodes"]
    assert {"action": "residence.apply", "actor": {"displayName": "王爷爷的女儿 王丽"},
            "actingFor": {"displayName": "王爷爷"}} in history


async def test_a_proxy_outside_its_scope_is_refused(api, make_person, demo_community):
    from backend.registry.models import Room

    room = await Room.get(code="CZ-1-2-301")
    principal = await make_person(demo_community.id, ["RESIDENT"], room=room)
    agent = await make_person(demo_community.id, ["RESIDENT"], room=room)
    await api.sign_in(principal.handle)
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    granted = await api.query(
        """mutation($a: ID!, $u: DateTime!) { proxyGrant(agentId: $a, scopes: [VOTE], validUntil: $u) {
           proxy { id scopes } errors { code message } } }""", a=str(agent.id), u=until)
    assert granted["data"]["proxyGrant"]["proxy"]["scopes"] == ["VOTE"]

    await api.sign_in(agent.handle)
    api.http.headers["x-acting-for"] = str(principal.id)
    refused = (await api.query(APPLY, c=str(demo_community.id)))["data"]["residenceApply"]
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    assert not await ResidenceApplication.filter(person_id=principal.id).exists()


async def test_only_household_members_can_be_granted_directly(api, make_person, demo_community):
    stranger = await make_person(demo_community.id, ["RESIDENT"])
    await api.sign_in("elder")
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    result = await api.query(
        """mutation($a: ID!, $u: DateTime!) { proxyGrant(agentId: $a, scopes: [ORDER], validUntil: $u) {
           proxy { id } errors { code message } } }""", a=str(stranger.id), u=until)
    assert result["data"]["proxyGrant"]["proxy"] is None
    assert "居委会" in result["data"]["proxyGrant"]["errors"][0]["message"]


async def test_committee_records_a_written_authorisation(console, make_person, demo_community):
    principal = await make_person(demo_community.id, ["RESIDENT"])
    helper = await make_person(demo_community.id, [])
    await console.sign_in("committee")
    until = (datetime.now(UTC) + timedelta(days=90)).isoformat()
    query = """mutation($c: ID!, $p: ID!, $a: ID!, $e: String!, $u: DateTime!) {
      proxyRecord(communityId: $c, principalId: $p, agentId: $a, scopes: [CASE, ORDER], evidence: $e,
                  validUntil: $u) { proxy { active evidence } errors { code field } } }"""
    missing = await console.query(query, c=str(demo_community.id), p=str(principal.id), a=str(helper.id), e="",
                                  u=until)
    assert missing["data"]["proxyRecord"]["errors"][0]["field"] == "evidence"
    recorded = await console.query(query, c=str(demo_community.id), p=str(principal.id), a=str(helper.id),
                                   e="委托书 2026-118 号", u=until)
    assert recorded["data"]["proxyRecord"]["proxy"] == {"active": True, "evidence": "委托书 2026-118 号"}


async def test_a_revoked_proxy_stops_working_at_once(api, make_person, demo_community):
    from backend.registry.models import Room

    room = await Room.get(code="CZ-1-2-302")
    principal = await make_person(demo_community.id, ["RESIDENT"], room=room)
    agent = await make_person(demo_community.id, ["RESIDENT"], room=room)
    await api.sign_in(principal.handle)
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    proxy_id = (await api.query(
        """mutation($a: ID!, $u: DateTime!) { proxyGrant(agentId: $a, scopes: [REGISTRY], validUntil: $u) {
           proxy { id } } }""", a=str(agent.id), u=until))["data"]["proxyGrant"]["proxy"]["id"]
    principal_token = api.token

    await api.sign_in(agent.handle)
    agent_token = api.token
    api.http.headers["x-acting-for"] = str(principal.id)
    assert (await api.query(ACTING))["data"]["viewer"]["actingFor"] is not None

    del api.http.headers["x-acting-for"]
    revoked = await api.query("mutation($id: ID!) { proxyRevoke(id: $id) { proxy { active } errors { code } } }",
                              token=principal_token, id=proxy_id)
    assert revoked["data"]["proxyRevoke"]["proxy"]["active"] is False
    # The agent's very next request, same token, same header:
    api.http.headers["x-acting-for"] = str(principal.id)
    after = await api.query(ACTING, token=agent_token)
    assert after["data"] is None or after["data"]["viewer"] is None
    assert after["errors"][0]["extensions"]["code"] == "PROXY_INVALID"
    del api.http.headers["x-acting-for"]
