"""A community's own rules for paid services: free or paid categories, meal subsidies and grants,
kept by staff holding SERVICES_MANAGE there and no one else."""

from datetime import timedelta

import pytest

from backend.core.clock import clock
from backend.services import rules
from backend.services.models import CategoryPolicy, ServiceCategory, SubsidyGrant, SubsidyPolicy


@pytest.fixture
async def place(make_community, make_person):
    made = await make_community()
    other = await make_community(name="另一社区")
    staff = await make_person(made.community.id, ["COMMITTEE_STAFF"])
    property_staff = await make_person(made.community.id, ["PROPERTY_STAFF"])
    foreign = await make_person(other.community.id, ["COMMITTEE_STAFF"])
    elder = await make_person(made.community.id, ["RESIDENT"], room=made.rooms[0])
    return made, other, staff, property_staff, foreign, elder


async def test_categories_are_free_or_paid_per_community(console, place):
    made, other, staff, *_ = place
    await console.sign_in(staff.handle)
    community = str(made.community.id)
    shown = (await console.op("ServiceCategoryPolicies", communityId=community))["data"]["serviceCategoryPolicies"]
    assert [(p["categoryLabel"], p["paid"]) for p in shown] == [("家政保洁", True), ("洗衣", True), ("跑腿代办", True),
                                                              ("助餐", True)]
    answer = await console.op("ServiceCategoryPolicySet", communityId=community, category="ERRANDS", paid=False)
    policies = answer["data"]["serviceCategoryPolicySet"]["policies"]
    assert {p["category"]: p["paid"] for p in policies}["ERRANDS"] is False
    assert await rules.is_paid(made.community.id, ServiceCategory.ERRANDS) is False
    assert await rules.is_paid(other.community.id, ServiceCategory.ERRANDS) is True  # another community's own
    await console.op("ServiceCategoryPolicySet", communityId=community, category="ERRANDS", paid=True)
    assert await rules.is_paid(made.community.id, ServiceCategory.ERRANDS) is True
    assert await CategoryPolicy.filter(community_id=made.community.id).count() == 1


async def test_subsidy_policies_are_kept_per_tier(console, place):
    made, _, staff, *_ = place
    await console.sign_in(staff.handle)
    community = str(made.community.id)
    for tier, fen in (("AGE_80", 500), ("AGE_60", 200), ("AGE_60", 300)):
        saved = await console.op("SubsidyPolicySave", communityId=community, tier=tier, subsidyFen=fen,
                                 funder="街道助餐补贴")
        assert saved["data"]["subsidyPolicySave"]["errors"] == []
    for variables, field in (({"tier": "AGE_60", "subsidyFen": 0}, "subsidyFen"),
                             ({"tier": "LOW_INCOME", "subsidyFen": 300, "minAge": 60}, "minAge"),
                             ({"tier": "AGE_80", "subsidyFen": 300, "minAge": 30}, "minAge"),
                             ({"tier": "AGE_80", "subsidyFen": 300, "funder": " "}, "funder")):
        refused = await console.op("SubsidyPolicySave", communityId=community, **{"funder": "街道", **variables})
        assert refused["data"]["subsidyPolicySave"]["errors"][0]["field"] == field, refused
    shown = (await console.op("SubsidyPolicies", communityId=community))["data"]["subsidyPolicies"]
    assert [(p["tier"], p["minAge"], p["subsidyFen"]) for p in shown] == [("AGE_60", 60, 300), ("AGE_80", 80, 500)]
    assert await SubsidyPolicy.filter(community_id=made.community.id).count() == 2


async def test_grants_are_for_members_and_can_be_revoked(console, place, make_person):
    made, other, staff, *_, elder = place
    await console.sign_in(staff.handle)
    community = str(made.community.id)
    until = (clock.now() + timedelta(days=365)).date().isoformat()
    granted = await console.op("SubsidyGrant", communityId=community, personId=str(elder.id), tier="LOW_INCOME",
                               evidence="低保证 2026-018", validUntil=until)
    grant = granted["data"]["subsidyGrant"]["grant"]
    assert (grant["personName"], grant["tierLabel"], grant["validUntil"]) == (elder.display_name, "低保、特困", until)
    outsider = await make_person(other.community.id, ["RESIDENT"])
    refused = await console.op("SubsidyGrant", communityId=community, personId=str(outsider.id), tier="LOW_INCOME",
                               evidence="低保证")
    assert refused["data"]["subsidyGrant"]["errors"][0]["code"] == "NOT_FOUND"
    past = await console.op("SubsidyGrant", communityId=community, personId=str(elder.id), tier="DISABLED",
                            evidence="残疾证", validUntil=(clock.now() - timedelta(days=3)).date().isoformat())
    assert past["data"]["subsidyGrant"]["errors"][0]["message"] == "有效期不能早于今天"
    listed = (await console.op("SubsidyGrants", communityId=community, first=20))["data"]["subsidyGrants"]
    assert listed["totalCount"] == 1 and listed["nodes"][0]["evidence"] == "低保证 2026-018"
    revoked = await console.op("SubsidyGrantRevoke", grantId=grant["id"])
    assert revoked["data"]["subsidyGrantRevoke"]["revokedId"] == grant["id"]
    assert not await SubsidyGrant.filter(community_id=made.community.id).exists()


async def test_services_manage_is_needed_in_the_community(api, console, place):
    made, _, staff, property_staff, foreign, elder = place
    await console.sign_in(staff.handle)
    community = str(made.community.id)
    granted = await console.op("SubsidyGrant", communityId=community, personId=str(elder.id), tier="DISABLED",
                               evidence="残疾证")
    grant_id = granted["data"]["subsidyGrant"]["grant"]["id"]
    for person, code in ((property_staff, "FORBIDDEN"), (foreign, "NOT_FOUND"), (elder, "NOT_FOUND")):
        await console.sign_in(person.handle)
        for name, variables in (("ServiceCategoryPolicySet", {"category": "ERRANDS", "paid": False}),
                                ("SubsidyPolicySave", {"tier": "AGE_60", "subsidyFen": 200, "funder": "街道"}),
                                ("SubsidyGrant", {"personId": str(elder.id), "tier": "LOW_INCOME",
                                                  "evidence": "低保证"})):
            answer = await console.op(name, communityId=community, **variables)
            assert next(iter(answer["data"].values()))["errors"][0]["code"] == code, (person, name, answer)
        revoke = await console.op("SubsidyGrantRevoke", grantId=grant_id)
        assert revoke["data"]["subsidyGrantRevoke"]["errors"][0]["code"] == code
        for name in ("ServiceCategoryPolicies", "SubsidyPolicies"):
            answer = await console.op(name, communityId=community)
            assert answer["data"] is None and answer["errors"][0]["extensions"]["code"] == code
    assert not await CategoryPolicy.filter(community_id=made.community.id).exists()
    assert not await SubsidyPolicy.filter(community_id=made.community.id).exists()
    assert await SubsidyGrant.filter(community_id=made.community.id).count() == 1
