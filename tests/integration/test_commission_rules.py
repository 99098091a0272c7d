"""Commission rules: the operator's alone, bounded, and the most specific applying."""

import pytest

from backend.core.platform import PlatformMember, PlatformRole
from backend.services import rules
from backend.services.models import CommissionRule, ServiceCategory
from tests.integration.services_helpers import verified_provider


@pytest.fixture
async def place(make_community, make_person):
    made = await make_community()
    setup = await verified_provider(make_person, made.community)
    operator = await make_person(made.community.id, [])
    await PlatformMember.create(person=operator, role=PlatformRole.OPERATOR)
    return setup, operator


def save(console, **variables):
    return console.op("CommissionRuleSave", **{"minimumFen": 0, "onSubsidy": False, **variables})


async def test_a_rule_over_100_percent_or_a_cap_under_the_minimum_is_refused(console, place):
    setup, operator = place
    await console.sign_in(operator.handle)
    for variables, field, message in (
            ({"percentBp": 10_001}, "percentBp", "佣金比例须在 0% 到 100% 之间"),
            ({"percentBp": -1}, "percentBp", "佣金比例须在 0% 到 100% 之间"),
            ({"percentBp": 1000, "minimumFen": 500, "capFen": 400}, "capFen", "佣金上限不能低于最低佣金"),
            ({"percentBp": 1000, "minimumFen": -1}, "minimumFen", "最低佣金不能为负数")):
        answer = await save(console, providerId=str(setup.provider.id), **variables)
        assert answer["data"]["commissionRuleSave"] == {"rule": None, "errors": [
            {"code": "INVALID_INPUT", "field": field, "message": message}]}
    assert not await CommissionRule.filter(provider_id=setup.provider.id).exists()


async def test_only_the_operator_keeps_rules(console, place):
    setup, _ = place
    await console.sign_in(setup.admin.handle)
    answer = await save(console, providerId=str(setup.provider.id), percentBp=0)
    assert answer["data"]["commissionRuleSave"]["errors"][0]["code"] == "FORBIDDEN"
    listed = await console.op("CommissionRules", first=50)
    assert listed["data"] is None and listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not await CommissionRule.filter(provider_id=setup.provider.id).exists()


async def test_the_most_specific_rule_applies(console, place):
    setup, operator = place
    provider, housekeeping = setup.provider, ServiceCategory.HOUSEKEEPING
    await console.sign_in(operator.handle)
    # Only this test's provider's rules are asserted: other tests may keep platform-wide rules.
    by_category = await save(console, category="LAUNDRY", percentBp=700)
    assert by_category["data"]["commissionRuleSave"]["errors"] == []
    assert (await rules.commission_rule_for(provider.id, ServiceCategory.LAUNDRY))["percent_bp"] == 700
    await save(console, providerId=str(provider.id), percentBp=800, minimumFen=100)
    assert (await rules.commission_rule_for(provider.id, housekeeping))["percent_bp"] == 800
    assert (await rules.commission_rule_for(provider.id, ServiceCategory.LAUNDRY))["percent_bp"] == 800
    exact = await save(console, providerId=str(provider.id), category="HOUSEKEEPING", percentBp=500, capFen=2000,
                       onSubsidy=True)
    rule = exact["data"]["commissionRuleSave"]["rule"]
    assert (rule["provider"]["name"], rule["category"], rule["capFen"]) == ("好帮手家政", "HOUSEKEEPING", 2000)
    assert await rules.commission_rule_for(provider.id, housekeeping) == {
        "percent_bp": 500, "minimum_fen": 0, "cap_fen": 2000, "on_subsidy": True}
    # Saving the same (provider, category) again replaces it.
    await save(console, providerId=str(provider.id), category="HOUSEKEEPING", percentBp=600)
    assert await CommissionRule.filter(provider_id=provider.id, category=housekeeping).count() == 1
    assert (await rules.commission_rule_for(provider.id, housekeeping))["percent_bp"] == 600
    listed = (await console.op("CommissionRules", first=50))["data"]["commissionRules"]["nodes"]
    assert rule["id"] in [r["id"] for r in listed]
    deleted = await console.op("CommissionRuleDelete", id=rule["id"])
    assert deleted["data"]["commissionRuleDelete"]["deletedId"] == rule["id"]
    assert (await rules.commission_rule_for(provider.id, housekeeping))["percent_bp"] == 800
    await CommissionRule.filter(category=ServiceCategory.LAUNDRY, provider_id=None).delete()  # leave others none
