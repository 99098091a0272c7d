"""The catalogue: an admin's services, slots and menus, and what residents browse of them — only
verified providers serving their community, slots with places left, the day's menus."""

from datetime import date, datetime, time, timedelta

import pytest

from backend.core.clock import clock
from backend.core.days import SHANGHAI
from backend.core.platform import PlatformMember, PlatformRole
from backend.proxies.models import Proxy
from backend.services import rules
from backend.services.models import (
    CategoryPolicy,
    Fulfilment,
    MealDish,
    MealMenu,
    Order,
    OrderState,
    ProviderState,
    Service,
    ServiceCategory,
    Slot,
)
from tests.integration.services_helpers import verified_provider


def tomorrow() -> date:
    return clock.now().astimezone(SHANGHAI).date() + timedelta(days=1)


def at(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour), SHANGHAI).isoformat()


def service_input(provider_id, **changes) -> dict:
    return {"providerId": str(provider_id), "category": "HOUSEKEEPING", "name": "深度保洁", "description": "全屋",
            "unit": "HOUR", "unitPriceFen": 8000, "minQuantity": 3, "durationMinutes": 60, **changes}


@pytest.fixture
async def place(make_community, make_person):
    made = await make_community()
    setup = await verified_provider(make_person, made.community,
                                    categories=(ServiceCategory.HOUSEKEEPING, ServiceCategory.MEALS))
    resident = await make_person(made.community.id, ["RESIDENT"], room=made.rooms[0])
    return made, setup, resident


async def test_an_admin_keeps_services_and_residents_see_them_with_the_free_or_paid_split(api, console, place,
                                                                                         make_community, make_person):
    made, setup, resident = place
    await console.sign_in(setup.admin.handle)
    saved = await console.op("ServiceSave", input=service_input(setup.provider.id))
    service = saved["data"]["serviceSave"]["service"]
    assert (service["categoryLabel"], service["unitLabel"], service["unitPriceFen"]) == ("家政保洁", "小时", 8000)
    for changes, field in (({"category": "LAUNDRY"}, "category"), ({"unitPriceFen": 0}, "unitPriceFen"),
                           ({"unitPriceFen": 1_000_001}, "unitPriceFen"), ({"minQuantity": 25}, "minQuantity"),
                           ({"name": "洗"}, "name")):
        refused = await console.op("ServiceSave", input=service_input(setup.provider.id, **changes))
        assert refused["data"]["serviceSave"]["errors"][0]["field"] == field, refused
    assert await Service.filter(provider_id=setup.provider.id).count() == 2  # the helper's and this one
    hidden = await console.op("ServiceSave", input=service_input(setup.provider.id, id=service["id"], active=False,
                                                                 name="深度保洁（暂停）"))
    assert hidden["data"]["serviceSave"]["service"]["active"] is False

    # Another provider serving the community, still waiting for review, and one serving elsewhere.
    waiting = await verified_provider(make_person, made.community, name="待审家政")
    waiting.provider.state = ProviderState.APPLIED
    await waiting.provider.save()
    elsewhere = await make_community(name="远方社区")
    await verified_provider(make_person, elsewhere.community, name="远方家政")
    await CategoryPolicy.create(community=made.community, category=ServiceCategory.HOUSEKEEPING, paid=False)

    await api.sign_in(resident.handle)
    listed = await api.op("CommunityServices", communityId=str(made.community.id), first=50)
    nodes = listed["data"]["communityServices"]["nodes"]
    assert [(n["name"], n["provider"]["name"], n["paid"]) for n in nodes] == [("日常保洁", "好帮手家政", False)]
    assert await rules.is_paid(made.community.id, ServiceCategory.HOUSEKEEPING) is False
    laundry = await api.op("CommunityServices", communityId=str(made.community.id), category="LAUNDRY", first=50)
    assert laundry["data"]["communityServices"]["nodes"] == []
    outside = await api.op("CommunityServices", communityId=str(elsewhere.community.id), first=50)
    assert outside["data"] is None and outside["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_slots_are_made_once_and_residents_see_the_places_left(api, console, place, make_community,
                                                                     make_person):
    made, setup, resident = place
    await console.sign_in(setup.admin.handle)
    day = tomorrow()
    starts = [at(day, 9), at(day, 14), at(day, 9)]
    made_slots = await console.op("ServiceSlotsCreate", providerId=str(setup.provider.id), starts=starts,
                                  durationMinutes=120, capacity=2)
    payload = made_slots["data"]["serviceSlotsCreate"]
    assert [s["capacity"] for s in payload["slots"]] == [2, 2] and payload["skipped"] == []
    again = await console.op("ServiceSlotsCreate", providerId=str(setup.provider.id), starts=[at(day, 9)],
                             durationMinutes=120, capacity=2)
    repeated = again["data"]["serviceSlotsCreate"]
    assert repeated["slots"] == [] and len(repeated["skipped"]) == 1
    for starts_at, message in ((clock.now() - timedelta(hours=1), "时段须在当前时间之后、60 天之内"),
                               (clock.now() + timedelta(days=61), "时段须在当前时间之后、60 天之内")):
        refused = await console.op("ServiceSlotsCreate", providerId=str(setup.provider.id),
                                   starts=[starts_at.isoformat()], durationMinutes=60, capacity=2)
        assert refused["data"]["serviceSlotsCreate"]["errors"][0]["message"] == message

    morning, afternoon = payload["slots"]
    await Slot.filter(id=morning["id"]).update(booked=1)
    await Slot.filter(id=afternoon["id"]).update(booked=2)  # full
    lower = await console.op("ServiceSlotCapacitySet", slotId=afternoon["id"], capacity=1)
    assert lower["data"]["serviceSlotCapacitySet"]["errors"][0]["message"] == \
        "该时段已有 2 单预约，容量不能少于已预约数"
    deleted = await console.op("ServiceSlotDelete", slotId=morning["id"])
    assert deleted["data"]["serviceSlotDelete"]["errors"][0]["message"] == "该时段已有预约，不能删除；可将容量调小"
    schedule = await console.op("ProviderSlots", providerId=str(setup.provider.id), **{"from": day.isoformat()},
                                days=1)
    assert [(s["booked"], s["left"]) for s in schedule["data"]["providerSlots"]] == [(1, 1), (2, 0)]

    await api.sign_in(resident.handle)
    seen = await api.op("ServiceSlots", serviceId=str(setup.service.id), **{"from": day.isoformat()}, days=3)
    slots = seen["data"]["serviceSlots"]
    assert (morning["id"], 1) in [(s["id"], s["left"]) for s in slots]
    assert afternoon["id"] not in [s["id"] for s in slots]  # full
    stranger = await make_person((await make_community(name="远方社区")).community.id, ["RESIDENT"])
    await api.sign_in(stranger.handle)
    outside = await api.op("ServiceSlots", serviceId=str(setup.service.id), **{"from": day.isoformat()}, days=3)
    assert outside["data"] is None and outside["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_relative_with_the_order_scope_browses_for_the_elder(api, place, make_person):
    made, setup, elder = place
    for scopes, code in ((["VOTE"], "FORBIDDEN"), (["ORDER"], None)):
        relative = await make_person(made.community.id, [])  # no membership of their own there
        await Proxy.create(community=made.community, principal=elder, agent=relative, scopes=scopes, evidence="委托书",
                           valid_until=clock.now() + timedelta(days=30), granted_by=elder)
        await api.sign_in(relative.handle)
        response = await api.http.post("/graphql", json={"query": "query($c: ID!) { communityServices(communityId: $c"
                                                                  ") { nodes { name } } }",
                                                         "variables": {"c": str(made.community.id)}},
                                       headers={"authorization": f"Bearer {api.token}",
                                                "x-acting-for": str(elder.id)})
        answer = response.json()
        if code:
            assert answer["errors"][0]["extensions"]["code"] in (code, "PROXY_INVALID"), answer
        else:
            assert [n["name"] for n in answer["data"]["communityServices"]["nodes"]] == ["日常保洁"]


async def test_menus_are_saved_and_a_menu_with_orders_keeps_its_dishes(api, console, place, make_community):
    made, setup, resident = place
    day = tomorrow()
    menu_input = {"providerId": str(setup.provider.id), "communityId": str(made.community.id), "day": day.isoformat(),
                  "cutoffAt": at(day, 10), "pickup": True, "delivery": True, "deliveryFeeFen": 200,
                  "dishes": [{"name": "红烧肉套餐", "priceFen": 1200, "portions": 30},
                             {"name": "青菜豆腐套餐", "priceFen": 800, "portions": 30}]}
    await console.sign_in(setup.admin.handle)
    for changes, field in (({"cutoffAt": at(day, 13)}, "cutoffAt"), ({"dishes": []}, "dishes"),
                           ({"pickup": False, "delivery": False}, "pickup"),
                           ({"communityId": str((await make_community(name="不服务")).community.id)}, "communityId")):
        refused = await console.op("MealMenuSave", input={**menu_input, **changes})
        assert refused["data"]["mealMenuSave"]["errors"][0]["field"] == field, refused
    saved = await console.op("MealMenuSave", input=menu_input)
    menu = saved["data"]["mealMenuSave"]["menu"]
    assert [(d["name"], d["left"]) for d in menu["dishes"]] == [("青菜豆腐套餐", 30), ("红烧肉套餐", 30)]

    # An order of the first dish (arranged directly: ordering is the orders' own tests).
    dish = await MealDish.get(menu_id=menu["id"], name="红烧肉套餐")
    await MealDish.filter(id=dish.id).update(ordered=5)
    await Order.create(community=made.community, resident=resident, placed_by=resident, provider=setup.provider,
                       category=ServiceCategory.MEALS, menu_id=menu["id"], fulfilment=Fulfilment.PICKUP,
                       scheduled_at=datetime.combine(day, time(12), SHANGHAI), state=OrderState.PAID, amount_fen=1200,
                       resident_fen=1200, commission_rule=rules.snapshot(None),
                       cancellation_tiers=rules.CANCELLATION_TIERS, gateway="SANDBOX")
    def dishes(price: int, portions: int) -> dict:
        return {**menu_input, "dishes": [{"name": "红烧肉套餐", "priceFen": price, "portions": portions},
                                         {"name": "青菜豆腐套餐", "priceFen": 800, "portions": 30}]}

    changed = await console.op("MealMenuSave", input=dishes(1500, 30))
    assert changed["data"]["mealMenuSave"]["errors"][0]["message"] == \
        "已有订单的菜单不能更改菜品、价格和取餐方式，只能增加份数"
    fewer = await console.op("MealMenuSave", input=dishes(1200, 20))
    assert fewer["data"]["mealMenuSave"]["errors"][0]["message"] == "已有订单的菜单只能增加份数"
    more = await console.op("MealMenuSave", input=dishes(1200, 50))
    assert more["data"]["mealMenuSave"]["errors"] == []
    assert dish.id in await MealDish.filter(menu_id=menu["id"]).values_list("id", flat=True)  # the same rows

    await api.sign_in(resident.handle)
    menus = (await api.op("MealMenus", communityId=str(made.community.id), day=day.isoformat()))["data"]["mealMenus"]
    assert [(d["name"], d["portions"], d["left"]) for d in menus[0]["dishes"]] == [
        ("青菜豆腐套餐", 30, 30), ("红烧肉套餐", 50, 45)]
    assert (menus[0]["provider"]["name"], menus[0]["deliveryFeeFen"]) == ("好帮手家政", 200)
    await MealMenu.filter(id=menu["id"]).update(cutoff_at=clock.now() + timedelta(hours=1))
    assert len((await console.op("ProviderMenus", providerId=str(setup.provider.id), **{"from": day.isoformat()},
                                 days=1))["data"]["providerMenus"]) == 1


async def test_an_operator_may_look_but_a_stranger_gets_nothing_of_a_schedule(console, place, make_person):
    made, setup, resident = place
    day = tomorrow().isoformat()
    await console.sign_in(resident.handle)
    answer = await console.op("ProviderSlots", providerId=str(setup.provider.id), **{"from": day}, days=7)
    assert answer["data"] is None and answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    operator = await make_person(made.community.id, [])
    await PlatformMember.create(person=operator, role=PlatformRole.OPERATOR)
    await console.sign_in(operator.handle)
    assert len((await console.op("ProviderSlots", providerId=str(setup.provider.id), **{"from": (
        clock.now().astimezone(SHANGHAI).date()).isoformat()}, days=7))["data"]["providerSlots"]) == 1
