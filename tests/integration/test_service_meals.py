"""Meals for the elderly (助餐): an 82-year-old's daughter orders her mother's lunch through a proxy
with the ORDER scope; the street's subsidy pays ¥5 of the ¥8 dish and she pays ¥3 with the delivery
fee; the platform's commission leaves the subsidised part out; the meal appears in the month's claim
report for the street. Someone not eligible, a proxy without ORDER, a dish sold out, a second
subsidised meal the same day and an order after the cutoff are refused with nothing written."""

from datetime import datetime, time, timedelta

from backend.api.contract import client_operations, document_id
from backend.core import crypto
from backend.core.actor import Actor
from backend.core.clock import clock
from backend.core.days import SHANGHAI, today
from backend.ledger.models import Transfer
from backend.proxies.models import Proxy
from backend.registry.models import Role
from backend.services import claims, money
from backend.services.models import (
    CommissionRule,
    MealDish,
    MealMenu,
    Order,
    OrderLinePayer,
    ServiceCategory,
    SubsidyPolicy,
    SubsidyTier,
)
from tests.integration.conftest import build_person
from tests.integration.service_order_helpers import errors, order_world
from tests.integration.services_helpers import verified_provider

BORN_1944 = "110105194405060021"  # 82 this year
BORN_1976 = "110105197605060028"


async def canteen_world():
    world = await order_world()
    canteen = await verified_provider(build_person, world.community, name="社区长者食堂",
                                      categories=(ServiceCategory.MEALS,))
    day = today() + timedelta(days=1)
    menu = await MealMenu.create(provider=canteen.provider, community=world.community, day=day,
                                 cutoff_at=datetime.combine(day, time(10), SHANGHAI), pickup=True, delivery=True,
                                 delivery_fee_fen=200)
    braised = await MealDish.create(menu=menu, name="红烧肉套餐", price_fen=800, portions=2)
    noodles = await MealDish.create(menu=menu, name="青菜面", price_fen=1200, portions=10)
    await SubsidyPolicy.create(community=world.community, tier=SubsidyTier.AGE_80, subsidy_fen=500)
    await CommissionRule.create(provider=canteen.provider, category=ServiceCategory.MEALS, percent_bp=1000,
                                created_by=world.operator)
    mother = await build_person(world.community.id, [Role.RESIDENT], room=world.place.rooms[0])
    mother.id_number_encrypted = crypto.encrypt(BORN_1944)
    await mother.save()
    daughter = await build_person(world.community.id, [Role.RESIDENT])
    cousin = await build_person(world.community.id, [Role.RESIDENT])
    for agent, scopes in ((daughter, ["ORDER"]), (cousin, ["VOTE"])):
        await Proxy.create(community=world.community, principal=mother, agent=agent, scopes=scopes,
                           evidence="子女", valid_until=clock.now() + timedelta(days=30), granted_by=mother)
    world.__dict__.update(canteen=canteen, menu=menu, braised=braised, noodles=noodles, mother=mother,
                          daughter=daughter, cousin=cousin)
    return world


async def place_for(api, agent, principal, **variables) -> dict:
    """MealOrderPlace as `agent` acting for `principal` (the mini-program's 代办 header)."""
    token = (await api.sign_in(agent.handle))["accessToken"]
    document = client_operations("mini_program")["MealOrderPlace"]
    response = await api.http.post("/graphql", json={"documentId": document_id(document), "variables": variables},
                                   headers={"authorization": f"Bearer {token}", "x-acting-for": str(principal.id)})
    return response.json()


def lunch(world, *dishes, subsidised=True, fulfilment="DELIVERY") -> dict:
    return {"menuId": str(world.menu.id), "fulfilment": fulfilment, "subsidised": subsidised,
            "dishes": [{"dishId": str(dish.id), "quantity": quantity} for dish, quantity in dishes]}


async def test_a_daughter_orders_her_mothers_subsidised_lunch_and_it_is_claimed_from_the_street(api):
    world = await canteen_world()
    placed = await place_for(api, world.daughter, world.mother, **lunch(world, (world.braised, 1)))
    assert placed["data"]["mealOrderPlace"]["errors"] == [], placed
    order = placed["data"]["mealOrderPlace"]["order"]
    assert (order["amountFen"], order["subsidyFen"], order["residentFen"]) == (1000, 500, 500)
    lines = {line["description"]: line for line in order["lines"]}
    dish, fee = lines["红烧肉套餐"], lines["送餐费"]
    assert (dish["description"], dish["amountFen"]) == ("红烧肉套餐", 800)
    assert sorted((p["kind"], p["amountFen"]) for p in dish["payers"]) == [("RESIDENT", 300), ("SUBSIDY", 500)]
    assert [(p["kind"], p["amountFen"]) for p in fee["payers"]] == [("RESIDENT", 200)]
    stored = await Order.get(id=order["id"])
    assert (stored.resident_id, stored.placed_by_id) == (world.mother.id, world.daughter.id)
    assert stored.commission_fen == 50  # 10 % of the ¥5 the family pays: none on the subsidy
    assert (await MealDish.get(id=world.braised.id)).ordered == 1

    # The daughter pays the family's ¥5 in the sandbox; the subsidy's ¥5 is held beside it.
    token = (await api.sign_in(world.daughter.handle))["accessToken"]
    for name in ("ServiceOrderPay", "ServiceOrderSandboxPay"):
        document = client_operations("mini_program")[name]
        paid = (await api.http.post("/graphql", json={"documentId": document_id(document),
                                                      "variables": {"orderId": order["id"]}},
                                    headers={"authorization": f"Bearer {token}",
                                             "x-acting-for": str(world.mother.id)})).json()
        field = name[0].lower() + name[1:]
        assert paid["data"][field]["errors"] == [], paid
    assert paid["data"]["serviceOrderSandboxPay"]["order"]["state"] == "PAID"
    escrow = await money.balances("provider", world.canteen.provider.id, "escrow")
    assert escrow["credits_pending"] == 1000
    subsidy = await money.balances("community", world.community.id, "meal_subsidy")
    assert subsidy["debits_pending"] == 500

    staff = Actor(person_id=world.operator.id, roles={world.community.id: frozenset({"COMMITTEE_STAFF"})})
    report = await claims.subsidy_claims(staff, community_id=world.community.id,
                                         month=world.menu.day.strftime("%Y-%m"))
    mine = [row for row in report.rows if row.person_id == world.mother.id]
    assert [(row.day, row.tier, row.meals, row.subsidy) for row in mine] == [
        (world.menu.day, SubsidyTier.AGE_80, 1, 500)]


async def test_a_subsidised_meal_for_someone_not_eligible_is_refused_and_nothing_is_written(api):
    world = await canteen_world()
    world.mother.id_number_encrypted = crypto.encrypt(BORN_1976)  # 50: not 80
    await world.mother.save()
    refused = await place_for(api, world.daughter, world.mother, **lunch(world, (world.braised, 1)))
    assert errors(refused, "mealOrderPlace") == [("INVALID_INPUT", "不符合本社区助餐补贴条件（年龄或困难类别）")]
    assert await Order.filter(resident_id=world.mother.id).count() == 0
    assert (await MealDish.get(id=world.braised.id)).ordered == 0
    # Without asking for the subsidy she may order at the full price.
    full = await place_for(api, world.daughter, world.mother, **lunch(world, (world.braised, 1), subsidised=False))
    order = full["data"]["mealOrderPlace"]["order"]
    assert (order["subsidyFen"], order["residentFen"]) == (0, 1000)


async def test_a_proxy_without_the_order_scope_cannot_order_for_the_elder(api):
    world = await canteen_world()
    refused = await place_for(api, world.cousin, world.mother, **lunch(world, (world.braised, 1)))
    assert errors(refused, "mealOrderPlace") == [("FORBIDDEN", "代办授权不包含此事项")]
    assert await Order.filter(resident_id=world.mother.id).count() == 0


async def test_sold_out_a_second_subsidy_the_same_day_and_after_the_cutoff_are_refused(api):
    world = await canteen_world()
    sold_out = await place_for(api, world.daughter, world.mother, **lunch(world, (world.braised, 3)))
    assert errors(sold_out, "mealOrderPlace") == [("CONFLICT", "该菜品份数已订完，请选择其他菜品")]
    assert (await MealDish.get(id=world.braised.id)).ordered == 0

    first = await place_for(api, world.daughter, world.mother, **lunch(world, (world.noodles, 1)))
    assert first["data"]["mealOrderPlace"]["errors"] == []
    second = await place_for(api, world.daughter, world.mother, **lunch(world, (world.braised, 1), fulfilment="PICKUP"))
    assert errors(second, "mealOrderPlace") == [("INVALID_INPUT", "当天的助餐补贴已用过（每人每天补贴一份）")]
    assert await OrderLinePayer.filter(order__resident_id=world.mother.id, kind="SUBSIDY").count() == 1

    clock.advance(world.menu.cutoff_at + timedelta(minutes=1) - clock.now())
    late = await place_for(api, world.daughter, world.mother, **lunch(world, (world.braised, 1), subsidised=False))
    assert errors(late, "mealOrderPlace") == [("INVALID_INPUT", "已过当天的订餐截止时间")]
    assert await Order.filter(resident_id=world.mother.id).count() == 1


async def test_cancelling_an_unpaid_meal_gives_its_portions_back(api):
    from backend.services import timers
    from tests.integration.service_order_helpers import state_after

    world = await canteen_world()
    placed = await place_for(api, world.daughter, world.mother, **lunch(world, (world.braised, 2), subsidised=False))
    order = placed["data"]["mealOrderPlace"]["order"]
    assert (await MealDish.get(id=world.braised.id)).ordered == 2
    clock.advance(timedelta(minutes=16))
    assert await state_after(timers.cancel_unpaid, order["id"]) == "CANCELLED"
    assert (await MealDish.get(id=world.braised.id)).ordered == 0
    assert not await Transfer.filter(reference__contains=order["id"]).exists()
