"""Tenancy and ownership: every query and mutation that touches personal or community data, tried
by a resident of another household, by staff of another community and by an anonymous caller.
Each gets not-found, null or unauthenticated, and never the data."""

import uuid

import pytest

from backend.accounts.models import AuthSession
from backend.core import crypto
from backend.proxies.models import Proxy
from backend.registry.models import PersonRoom, ResidenceApplication, Room

DENIED = {"NOT_FOUND", "UNAUTHENTICATED"}

# name -> (document, variables from the target ids)
CASES = {
    "community": ("query($c: ID!) { community(id: $c) { name buildings(first: 5) { nodes { name } } } }",
                  lambda t: {"c": t["community"]}),
    "registryEstates": ("query($c: ID!) { registryEstates(communityId: $c) { name } }",
                        lambda t: {"c": t["community"]}),
    "registryBuildings": ("query($c: ID!) { registryBuildings(communityId: $c) { name } }",
                          lambda t: {"c": t["community"]}),
    "registryRooms": (
        "query($b: ID!) { registryRooms(buildingId: $b) { residents { resident { displayName phone } } } }",
        lambda t: {"b": t["building"]}),
    "resident": ("query($p: ID!) { resident(id: $p) { displayName phone idNumber } }", lambda t: {"p": t["person"]}),
    "residenceApplications": (
        "query($c: ID!) { residenceApplications(communityId: $c) { nodes { person { displayName } } } }",
        lambda t: {"c": t["community"]}),
    "auditLog": ("query($c: ID!) { auditLog(communityId: $c) { nodes { action actor { displayName } } } }",
                 lambda t: {"c": t["community"]}),
    "accessLog": ("query($c: ID!) { accessLog(communityId: $c) { nodes { reason } } }",
                  lambda t: {"c": t["community"]}),
    "residenceApprove": ("mutation($a: ID!) { residenceApprove(id: $a) { application { person { displayName } } "
                         "errors { code } } }", lambda t: {"a": t["application"]}),
    "residenceReject": ("mutation($a: ID!) { residenceReject(id: $a, reason: \"不符合条件\") { "
                        "application { person { displayName } } errors { code } } }",
                        lambda t: {"a": t["application"]}),
    "residenceMoveOut": ("mutation($r: ID!) { residenceMoveOut(id: $r) { residenceId errors { code } } }",
                         lambda t: {"r": t["residence"]}),
    "personalDataUnmask": ("mutation($p: ID!) { personalDataUnmask(personId: $p, field: PHONE, reason: \"核实信息\") "
                           "{ value errors { code } } }", lambda t: {"p": t["person"]}),
    "proxyRevoke": ("mutation($x: ID!) { proxyRevoke(id: $x) { proxy { principal { displayName } } errors { code } } }",
                    lambda t: {"x": t["proxy"]}),
    "sessionRevoke": ("mutation($s: ID!) { sessionRevoke(id: $s) { ok errors { code } } }",
                      lambda t: {"s": t["session"]}),
    "registryImport": ("mutation($c: ID!) { registryImport(communityId: $c, uploadId: $c) { report { totalRows } "
                       "errors { code } } }", lambda t: {"c": t["community"]}),
    "proxyRecord": ("mutation($c: ID!, $p: ID!) { proxyRecord(communityId: $c, principalId: $p, agentId: $p, "
                    "scopes: [VOTE], evidence: \"委托书\", validUntil: \"2027-01-01T00:00:00Z\") "
                    "{ proxy { id } errors { code } } }", lambda t: {"c": t["community"], "p": t["person"]}),
}


@pytest.fixture
async def target(api, make_person, demo_community):
    """A resident with a phone, a home, a pending application, a proxy and a session, in 阳光社区."""
    phone = f"186{uuid.uuid4().int % 10**8:08d}"
    person = await make_person(demo_community.id, ["RESIDENT"], room=await Room.get(code="CZ-3-1-101"), phone=phone)
    person.id_number_encrypted = crypto.encrypt("11010519491231002X")
    await person.save()
    application = await ResidenceApplication.create(community=demo_community, person=person,
                                                    room=await Room.get(code="CZ-3-1-102"), role="TENANT")
    caller = api.token
    await api.sign_in(person.handle)  # gives the target a session to try to revoke
    api.token = caller
    return {
        "name": person.display_name, "phone": phone, "community": str(demo_community.id),
        "person": str(person.id), "application": str(application.id),
        "building": str(await Room.filter(code="CZ-3-1-101").first().values_list("unit__building_id", flat=True)),
        "residence": str((await PersonRoom.get(person=person)).id),
        "proxy": str((await Proxy.filter(community=demo_community).first()).id),
        "session": str((await AuthSession.filter(person=person).first()).id),
    }


@pytest.fixture(params=["neighbour", "foreign_staff", "anonymous"])
async def outsider(request, api, target, make_person, demo_community, other_community):
    if request.param == "neighbour":
        neighbour = await make_person(demo_community.id, ["RESIDENT"], room=await Room.get(code="CZ-3-1-103"))
        await api.sign_in(neighbour.handle)
    elif request.param == "foreign_staff":
        community, _ = other_community
        staff = await make_person(community.id, ["COMMITTEE_STAFF"])
        await api.sign_in(staff.handle)
    return request.param, api


def _codes(response: dict) -> set[str]:
    codes = {e.get("extensions", {}).get("code") for e in response.get("errors", [])}
    for payload in (response.get("data") or {}).values():
        if isinstance(payload, dict):
            codes |= {e["code"] for e in payload.get("errors") or []}
    return codes


# Community-level facts (its name, its buildings) are for every member: not a neighbour's secret.
MEMBERS_MAY_SEE = {"community"}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_outsiders_get_nothing(target, outsider, case):
    kind, client = outsider
    document, variables = CASES[case]
    response = await client.query(document, **variables(target))
    if kind == "neighbour" and case in MEMBERS_MAY_SEE:
        assert target["name"] not in str(response)
        return
    text = str(response)
    assert target["name"] not in text and target["phone"][-4:] not in text and "002X" not in text
    data = response.get("data") or {}
    field = next(iter(data.values()), None) if data else None
    empty = field is None or field == [] or (isinstance(field, dict) and not any(
        v for k, v in field.items() if k != "errors"))
    assert empty, f"{case} returned data: {response}"
    if field is not None and field != []:
        assert _codes(response) & DENIED, f"{case}: {response}"
    # The target is untouched.
    assert (await ResidenceApplication.get(id=target["application"])).status == "PENDING"
    assert (await PersonRoom.get(id=target["residence"])).until is None
