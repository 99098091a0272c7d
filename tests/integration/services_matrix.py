"""The paid services' part of the authorization matrix (tests/integration/test_authorization_matrix.py):
a verified provider serving the target's community, with its admin and a worker (neither an
outsider), its licence, payout account, a service, a slot and a menu; the community's category
policy, subsidy policy and the target's subsidy grant; the provider's commission rule."""

import uuid
from datetime import datetime, time, timedelta

from backend.core import crypto
from backend.core.clock import clock
from backend.core.days import SHANGHAI
from backend.media.models import Upload
from backend.services.models import (
    CategoryPolicy,
    CommissionRule,
    MealDish,
    MealMenu,
    Provider,
    ProviderCommunity,
    ProviderMember,
    ProviderRole,
    ProviderState,
    Service,
    ServiceCategory,
    ServiceUnit,
    Slot,
    SubsidyGrant,
    SubsidyPolicy,
    SubsidyTier,
)

ERRORS = "errors { code }"


def _day(n: int) -> str:
    return (clock.now().astimezone(SHANGHAI).date() + timedelta(days=n)).isoformat()


def _cutoff() -> str:
    return datetime.combine(clock.now().astimezone(SHANGHAI).date() + timedelta(days=2), time(10), SHANGHAI
                            ).isoformat()


async def target(place, make_person, secret: str) -> dict:
    community, resident = place.community, place.b.resident
    admin, worker = await make_person(community.id, []), await make_person(community.id, [])
    licence = await Upload.create(owner=admin, kind="provider_licence", content_type="application/pdf", size=1,
                                  sha256=uuid.uuid4().hex * 2, filename="licence.pdf")
    stripe = f"acct_{secret}matrix0000000"
    provider = await Provider.create(
        name="乙区家政", state=ProviderState.VERIFIED, categories=["HOUSEKEEPING", "MEALS"],
        contact_name=f"联系人{secret}", contact_phone_encrypted=crypto.encrypt("13800001234"), licence=licence,
        stripe_account_id=stripe, applied_by=admin, verified_at=clock.now())
    await ProviderCommunity.create(provider=provider, community=community)
    await ProviderMember.create(provider=provider, person=admin, role=ProviderRole.ADMIN)
    member = await ProviderMember.create(provider=provider, person=worker, role=ProviderRole.WORKER)
    service = await Service.create(provider=provider, category=ServiceCategory.HOUSEKEEPING, name="日常保洁",
                                   unit=ServiceUnit.HOUR, unit_price_fen=5000, min_quantity=2)
    starts = datetime.combine(clock.now().astimezone(SHANGHAI).date() + timedelta(days=1), time(9), SHANGHAI)
    slot = await Slot.create(provider=provider, starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=3)
    menu = await MealMenu.create(provider=provider, community=community, day=_day(1),
                                 cutoff_at=datetime.fromisoformat(_cutoff()) - timedelta(days=1))
    dish = await MealDish.create(menu=menu, name="青菜豆腐套餐", price_fen=800, portions=30)
    rule = await CommissionRule.create(provider=provider, category=None, percent_bp=800, created_by=admin)
    await CategoryPolicy.create(community=community, category=ServiceCategory.ERRANDS, paid=False)
    await SubsidyPolicy.create(community=community, tier=SubsidyTier.AGE_80, min_age=80, subsidy_fen=500,
                               funder=f"乙区补贴 {secret}")
    grant = await SubsidyGrant.create(community=community, person=resident, tier=SubsidyTier.LOW_INCOME,
                                      evidence=f"乙区低保证 {secret}", granted_by=place.committee)
    return {"sp_provider": str(provider.id), "sp_licence": str(licence.id), "sp_member": str(member.id),
            "sp_service": str(service.id), "sp_slot": str(slot.id), "sp_rule": str(rule.id),
            "sp_grant": str(grant.id), "sp_menu": str(menu.id), "sp_dish": str(dish.id),
            "sp_slot_start": (starts + timedelta(days=1)).isoformat(),
            "secrets": [stripe, f"联系人{secret}", f"乙区补贴 {secret}", f"乙区低保证 {secret}"],
            "places": [str(grant.id), str(member.id), str(rule.id)]}


def _provider_case(field: str, arguments: str = "") -> tuple:
    return (f"mutation($x: ID!) {{ {field}(providerId: $x{arguments}) "
            f"{{ provider {{ stripeAccountId }} {ERRORS} }} }}",
            lambda t: {"x": t["sp_provider"]})


CASES = {
    "serviceProvider": ("query($x: ID!) { serviceProvider(id: $x) { contactName stripeAccountId licenceUrl "
                        "members { name } } }", lambda t: {"x": t["sp_provider"]}),
    "communityServices": ("query($x: ID!) { communityServices(communityId: $x) { nodes { name provider { name } } } }",
                          lambda t: {"x": t["community"]}),
    "serviceSlots": ("query($x: ID!, $f: Date!) { serviceSlots(serviceId: $x, from: $f, days: 7) { id left } }",
                     lambda t: {"x": t["sp_service"], "f": _day(0)}),
    "providerSlots": ("query($x: ID!, $f: Date!) { providerSlots(providerId: $x, from: $f, days: 7) { id booked } }",
                      lambda t: {"x": t["sp_provider"], "f": _day(0)}),
    "mealMenus": ("query($x: ID!, $d: Date!) { mealMenus(communityId: $x, day: $d) { dishes { name left } } }",
                  lambda t: {"x": t["community"], "d": _day(1)}),
    "providerServices": ("query($x: ID!) { providerServices(providerId: $x) { nodes { name unitPriceFen } } }",
                         lambda t: {"x": t["sp_provider"]}),
    "providerMenus": ("query($x: ID!, $f: Date!) { providerMenus(providerId: $x, from: $f, days: 7) { dishes { name } "
                      "} }", lambda t: {"x": t["sp_provider"], "f": _day(0)}),
    "serviceCategoryPolicies": ("query($x: ID!) { serviceCategoryPolicies(communityId: $x) { category paid } }",
                                lambda t: {"x": t["community"]}),
    "subsidyPolicies": ("query($x: ID!) { subsidyPolicies(communityId: $x) { funder subsidyFen } }",
                        lambda t: {"x": t["community"]}),
    "subsidyGrants": ("query($x: ID!) { subsidyGrants(communityId: $x) { nodes { personName evidence } } }",
                      lambda t: {"x": t["community"]}),
    "providerApply": ("mutation($u: ID!, $c: ID!) { providerApply(input: {name: \"外来家政\", "
                      "categories: [HOUSEKEEPING], contactName: \"李\", contactPhone: \"13900001111\", "
                      "licenceUploadId: $u, communityIds: [$c]}) "
                      f"{{ provider {{ id }} {ERRORS} }} }}", lambda t: {"u": t["sp_licence"], "c": t["community"]}),
    "providerDecide": _provider_case("providerDecide", ", approve: false, note: \"不通过\""),
    "providerSuspend": _provider_case("providerSuspend", ", note: \"违规\""),
    "providerReinstate": _provider_case("providerReinstate"),
    "providerPayoutSet": _provider_case("providerPayoutSet", ", stripeAccountId: \"acct_AAAAAAAAAAAAAAAAAAAA\""),
    "providerCommunitiesSet": ("mutation($x: ID!, $c: ID!) { providerCommunitiesSet(providerId: $x, "
                               "communityIds: [$c]) "
                               f"{{ provider {{ stripeAccountId }} {ERRORS} }} }}",
                               lambda t: {"x": t["sp_provider"], "c": t["community"]}),
    "providerMemberAdd": ("mutation($x: ID!, $p: String!) { providerMemberAdd(providerId: $x, phone: $p, role: ADMIN) "
                          f"{{ member {{ name }} {ERRORS} }} }}",
                          lambda t: {"x": t["sp_provider"], "p": t["family_phone"]}),
    "providerMemberRemove": ("mutation($x: ID!, $m: ID!) { providerMemberRemove(providerId: $x, memberId: $m) "
                             f"{{ member {{ name }} {ERRORS} }} }}",
                             lambda t: {"x": t["sp_provider"], "m": t["sp_member"]}),
    "serviceSave": ("mutation($x: ID!, $s: ID!) { serviceSave(input: {id: $s, providerId: $x, category: HOUSEKEEPING, "
                    "name: \"改写服务\", unit: HOUR, unitPriceFen: 1}) { service { name } " + ERRORS + " } }",
                    lambda t: {"x": t["sp_provider"], "s": t["sp_service"]}),
    "serviceSlotsCreate": ("mutation($x: ID!, $s: DateTime!) { serviceSlotsCreate(providerId: $x, starts: [$s], "
                           f"durationMinutes: 60, capacity: 5) {{ slots {{ id }} {ERRORS} }} }}",
                           lambda t: {"x": t["sp_provider"], "s": t["sp_slot_start"]}),
    "serviceSlotCapacitySet": ("mutation($x: ID!) { serviceSlotCapacitySet(slotId: $x, capacity: 50) "
                               f"{{ slot {{ capacity }} {ERRORS} }} }}", lambda t: {"x": t["sp_slot"]}),
    "serviceSlotDelete": (f"mutation($x: ID!) {{ serviceSlotDelete(slotId: $x) {{ deletedId {ERRORS} }} }}",
                          lambda t: {"x": t["sp_slot"]}),
    "mealMenuSave": ("mutation($x: ID!, $c: ID!, $d: Date!, $at: DateTime!) { mealMenuSave(input: {providerId: $x, "
                     "communityId: $c, day: $d, cutoffAt: $at, "
                     "dishes: [{name: \"改写菜\", priceFen: 1, portions: 1}]}) "
                     f"{{ menu {{ id }} {ERRORS} }} }}",
                     lambda t: {"x": t["sp_provider"], "c": t["community"], "d": _day(2), "at": _cutoff()}),
    "commissionRuleSave": ("mutation($x: ID!) { commissionRuleSave(providerId: $x, percentBp: 0) { rule { id } "
                           f"{ERRORS} }} }}", lambda t: {"x": t["sp_provider"]}),
    "commissionRuleDelete": (f"mutation($x: ID!) {{ commissionRuleDelete(id: $x) {{ deletedId {ERRORS} }} }}",
                             lambda t: {"x": t["sp_rule"]}),
    "serviceCategoryPolicySet": ("mutation($x: ID!) { serviceCategoryPolicySet(communityId: $x, "
                                 f"category: HOUSEKEEPING, paid: false) {{ policies {{ paid }} {ERRORS} }} }}",
                                 lambda t: {"x": t["community"]}),
    "subsidyPolicySave": ("mutation($x: ID!) { subsidyPolicySave(communityId: $x, tier: AGE_60, subsidyFen: 1, "
                          f"funder: \"外来补贴\") {{ policy {{ funder }} {ERRORS} }} }}",
                          lambda t: {"x": t["community"]}),
    "subsidyGrant": ("mutation($x: ID!, $p: ID!) { subsidyGrant(communityId: $x, personId: $p, tier: DISABLED, "
                     f"evidence: \"伪造证明\") {{ grant {{ evidence }} {ERRORS} }} }}",
                     lambda t: {"x": t["community"], "p": t["person"]}),
    "subsidyGrantRevoke": (f"mutation($x: ID!) {{ subsidyGrantRevoke(grantId: $x) {{ revokedId {ERRORS} }} }}",
                           lambda t: {"x": t["sp_grant"]}),
}


async def snapshot(rows, community: str) -> list:
    """Every row of the community's paid services an outsider might change."""
    providers = await ProviderCommunity.filter(community_id=community).values_list("provider_id", flat=True)
    served = {"provider_id__in": providers}
    return [
        await rows(Provider, "state", "stripe_account_id", "wechat_sub_mchid", "decision_note", id__in=providers),
        await rows(Provider, applied_by__memberships__community_id=community),  # applications by its people
        await rows(ProviderCommunity, "provider_id", community_id=community),
        await rows(ProviderCommunity, "community_id", **served),
        await rows(ProviderMember, "role", "active", **served),
        await rows(Service, "name", "unit_price_fen", "active", **served),
        await rows(Slot, "capacity", "booked", **served),
        await rows(MealMenu, "cutoff_at", community_id=community),
        await rows(MealDish, "name", "portions", menu__community_id=community),
        await rows(CommissionRule, "percent_bp", **served),
        await rows(CategoryPolicy, "paid", community_id=community),
        await rows(SubsidyPolicy, "subsidy_fen", "funder", community_id=community),
        await rows(SubsidyGrant, "tier", "evidence", community_id=community),
    ]
