"""Paid services' reports through the console's operations and the export routes: a provider's
statement and its CSV / PDF, the operator's commission revenue, the 工作台's revenue panel and the
monthly subsidy claim report for the street. Orders are built as the orders code leaves them
(service_report_helpers); each test reads a period of its own, since revenue spans the platform.
The lists' query counts are pinned in test_query_counts.py."""

import csv
import io
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from backend.core.clock import clock
from backend.core.days import SHANGHAI
from backend.payments.port import PaymentGatewayName
from backend.services.models import OrderState, ServiceCategory, SubsidyPolicy, SubsidyTier
from backend.services.statements import order_no
from tests.integration.service_report_helpers import at, meal_order, operator, settled_order
from tests.integration.services_helpers import verified_provider

ROOT = Path(__file__).resolve().parents[2]

@pytest.fixture
async def place(make_community, make_person):
    made = await make_community(rooms=3)
    made.residents = [await make_person(made.community.id, ["RESIDENT"], room=room) for room in made.rooms]
    made.committee = await make_person(made.community.id, ["COMMITTEE_STAFF"])
    made.operator = await operator(make_person, made.community.id)
    return made


def _codes(response: dict) -> list[str]:
    return [e["extensions"]["code"] for e in response.get("errors") or []]


async def _get(console, url: str, **params):
    return await console.http.get(url, params=params, headers={"authorization": f"Bearer {console.token}"})


async def test_a_providers_statement_adds_up_and_exports_as_csv_and_pdf(console, place, make_person):
    setup = await verified_provider(make_person, place.community)
    resident = place.residents[0]
    march = date(2025, 3, 1)
    plain = await settled_order(setup, resident, amount_fen=10000, commission_fen=1000, gateway_fee_fen=60,
                                settled_at=at(march + timedelta(days=4)), description='=HYPERLINK("http://x")')
    refunded = await settled_order(setup, resident, amount_fen=8000, refunded_fen=2000, commission_fen=750,
                                   gateway_fee_fen=48, settled_at=at(march + timedelta(days=20), 23),
                                   state=OrderState.REVIEWED)
    # Left out: settled the month before, not settled yet, another provider's.
    await settled_order(setup, resident, amount_fen=5000, commission_fen=500, settled_at=at(march - timedelta(days=1)))
    await settled_order(setup, resident, amount_fen=5000, commission_fen=500, settled_at=None,
                        state=OrderState.COMPLETED)
    other = await verified_provider(make_person, place.community, name="别家家政")
    await settled_order(other, resident, amount_fen=7000, commission_fen=700, settled_at=at(march + timedelta(days=5)))

    await console.sign_in(setup.admin.handle)
    period = {"from": "2025-03-01", "to": "2025-03-31"}
    found = await console.op("ServiceReportsProviderStatement", providerId=str(setup.provider.id), **period)
    s = found["data"]["providerStatement"]
    assert [(line["orderId"], line["settledOn"]) for line in s["lines"]] == [
        (str(plain.id), "2025-03-05"), (str(refunded.id), "2025-03-21")]
    first, second = s["lines"]
    assert (first["orderNo"], first["categoryLabel"], first["items"]) == (
        order_no(plain.id), "家政保洁", '=HYPERLINK("http://x")×2')
    # The sandbox's fee is the platform's (as Stripe's): the provider keeps all but the commission.
    for line in s["lines"]:
        assert line["feeBorneByPlatform"] is True
        assert line["share"] + line["commission"] == line["amount"] - line["refunded"]
    assert (second["amount"], second["refunded"], second["commission"], second["share"]) == (8000, 2000, 750, 5250)
    assert s["totals"] == {"orders": 2, "amount": 18000, "refunded": 2000, "commission": 1750, "gatewayFee": 108,
                           "providerFee": 0, "share": 14250}

    url = f"/exports/providers/{setup.provider.id}/statement"
    exported = await _get(console, f"{url}.csv", **period)
    assert exported.status_code == 200 and exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0] == [f"服务商对账单：{setup.provider.name}（单位：元）"]
    assert [order_no(plain.id), "家政保洁", "'=HYPERLINK(\"http://x\")×2"] == rows[3][1:4]  # never a live formula
    assert rows[-1] == ["合计 2 笔", "", "", "", "180.00", "20.00", "17.50", "1.08", "", "142.50"]
    pdf = await _get(console, f"{url}.pdf", **period)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    # Another provider's admin gets not-found, in GraphQL and at the export; the operator reads it.
    await console.sign_in(other.admin.handle)
    denied = await console.op("ServiceReportsProviderStatement", providerId=str(setup.provider.id), **period)
    assert _codes(denied) == ["NOT_FOUND"] and denied["data"] is None
    assert (await _get(console, f"{url}.csv", **period)).status_code == 404
    await console.sign_in(place.operator.handle)
    read = await console.op("ServiceReportsProviderStatement", providerId=str(setup.provider.id), **period)
    assert read["data"]["providerStatement"]["totals"]["share"] == 14250

    # Bad periods change nothing and say why.
    await console.sign_in(setup.admin.handle)
    backwards = await console.op("ServiceReportsProviderStatement", providerId=str(setup.provider.id),
                                 **{"from": "2025-03-31", "to": "2025-03-01"})
    assert _codes(backwards) == ["INVALID_INPUT"] and "结束日期不能早于开始日期" in backwards["errors"][0]["message"]
    too_long = await _get(console, f"{url}.csv", **{"from": "2024-01-01", "to": "2025-03-01"})
    assert too_long.status_code == 400 and too_long.json()["errors"][0]["field"] == "from"


async def test_a_wechat_order_takes_the_fee_out_of_the_providers_share(console, place, make_person):
    setup = await verified_provider(make_person, place.community, wechat_sub_mchid="1900000109")
    await settled_order(setup, place.residents[0], amount_fen=10000, commission_fen=1000, gateway_fee_fen=60,
                        settled_at=at(date(2025, 4, 2)), gateway=PaymentGatewayName.WECHAT)
    await console.sign_in(setup.admin.handle)
    found = await console.op("ServiceReportsProviderStatement", providerId=str(setup.provider.id),
                             **{"from": "2025-04-01", "to": "2025-04-30"})
    [line] = found["data"]["providerStatement"]["lines"]
    assert line["feeBorneByPlatform"] is False
    assert line["share"] + line["commission"] + line["gatewayFee"] == line["amount"] - line["refunded"]
    assert found["data"]["providerStatement"]["totals"]["providerFee"] == 60


async def test_commission_revenue_by_month_category_and_provider_equals_the_orders_built(console, place,
                                                                                        make_person):
    cleaning = await verified_provider(make_person, place.community, name="甲家政")
    laundry = await verified_provider(make_person, place.community, name="乙洗衣",
                                      categories=(ServiceCategory.LAUNDRY, ServiceCategory.HOUSEKEEPING))
    resident = place.residents[0]
    may, june = date(2023, 5, 1), date(2023, 6, 1)
    built = [  # provider, settled at (Shanghai), category, amount, refunded, commission, fee, subsidy
        (cleaning, at(may + timedelta(days=2)), ServiceCategory.HOUSEKEEPING, 10000, 0, 1000, 60, 0),
        (cleaning, at(may + timedelta(days=30), 23), ServiceCategory.HOUSEKEEPING, 6000, 3000, 300, 36, 0),
        (laundry, at(may + timedelta(days=9)), ServiceCategory.LAUNDRY, 4000, 0, 400, 24, 0),
        (laundry, at(may + timedelta(days=9)), ServiceCategory.HOUSEKEEPING, 8000, 0, 800, 48, 0),
        # 01:00 on 1 June in Shanghai, still 31 May in UTC: June's.
        (cleaning, at(june, 1), ServiceCategory.MEALS, 800, 400, 15, 5, 500),
    ]
    for setup, settled_at, category, amount, refunded, commission, fee, subsidy in built:
        await settled_order(setup, resident, amount_fen=amount, refunded_fen=refunded, commission_fen=commission,
                            gateway_fee_fen=fee, subsidy_fen=subsidy, settled_at=settled_at, category=category)
    await settled_order(cleaning, resident, amount_fen=9999, commission_fen=999, settled_at=at(date(2023, 7, 1)))

    await console.sign_in(place.operator.handle)
    found = await console.op("ServiceReportsCommissionRevenue", groupBy="MONTH",
                             **{"from": "2023-05-01", "to": "2023-06-30"})
    report = found["data"]["commissionRevenue"]
    assert [(r["period"], r["category"], r["providerName"], r["orders"], r["gmv"], r["commission"], r["gatewayFees"],
             r["netCommission"], r["subsidy"]) for r in report["rows"]] == [
        ("2023-05", "HOUSEKEEPING", "乙洗衣", 1, 8000, 800, 48, 752, 0),
        ("2023-05", "HOUSEKEEPING", "甲家政", 2, 13000, 1300, 96, 1204, 0),
        ("2023-05", "LAUNDRY", "乙洗衣", 1, 4000, 400, 24, 376, 0),
        ("2023-06", "MEALS", "甲家政", 1, 400, 15, 5, 10, 250),  # half refunded: half the subsidy
    ]
    assert report["totals"] == {"orders": 5, "gmv": 25400, "commission": 2515, "gatewayFees": 173,
                                "platformFees": 173, "netCommission": 2342, "subsidy": 250}
    daily = await console.op("ServiceReportsCommissionRevenue", groupBy="DAY",
                             **{"from": "2023-05-31", "to": "2023-06-01"})
    assert [(r["period"], r["orders"]) for r in daily["data"]["commissionRevenue"]["rows"]] == [
        ("2023-05-31", 1), ("2023-06-01", 1)]

    await console.sign_in(place.committee.handle)
    assert _codes(await console.op("ServiceReportsCommissionRevenue", groupBy="MONTH")) == ["FORBIDDEN"]


async def test_the_revenue_panel_shows_this_months_paid_orders_of_the_community(console, place, make_person,
                                                                               make_community):
    setup = await verified_provider(make_person, place.community)
    resident = place.residents[0]
    now = clock.now()
    await settled_order(setup, resident, amount_fen=10000, commission_fen=1000, settled_at=None, paid_at=now,
                        state=OrderState.ACCEPTED)
    await settled_order(setup, resident, amount_fen=800, subsidy_fen=500, refunded_fen=400, commission_fen=30,
                        settled_at=None, paid_at=now, state=OrderState.COMPLETED, category=ServiceCategory.MEALS)
    # Left out: paid last month, a free order, another community's.
    await settled_order(setup, resident, amount_fen=7000, commission_fen=700, settled_at=None,
                        paid_at=now - timedelta(days=40))
    await settled_order(setup, resident, amount_fen=3000, commission_fen=0, settled_at=None, paid_at=now,
                        gateway=PaymentGatewayName.NONE)
    elsewhere = await make_community()
    await settled_order(setup, resident, amount_fen=6000, commission_fen=600, settled_at=None, paid_at=now,
                        community=elsewhere.community)

    await console.sign_in(place.committee.handle)
    found = await console.op("ServiceReportsRevenuePanel", communityId=str(place.community.id))
    assert found["data"]["serviceRevenuePanel"] == {
        "month": now.astimezone(SHANGHAI).strftime("%Y-%m"), "orders": 2, "gmv": 10400,
        "commission": 1030, "subsidy": 250}
    await console.sign_in(place.operator.handle)
    assert (await console.op("ServiceReportsRevenuePanel", communityId=str(place.community.id)))[
        "data"]["serviceRevenuePanel"]["gmv"] == 10400
    await console.sign_in(resident.handle)
    assert _codes(await console.op("ServiceReportsRevenuePanel", communityId=str(place.community.id))) == ["NOT_FOUND"]


async def test_the_claim_report_lists_the_subsidised_meals_kept_with_person_day_tier_and_totals(console, place,
                                                                                               make_person):
    setup = await verified_provider(make_person, place.community, name="社区长者食堂",
                                    categories=(ServiceCategory.MEALS,))
    await SubsidyPolicy.create(community=place.community, tier=SubsidyTier.AGE_60, min_age=60, subsidy_fen=500,
                               funder="幸福街道办事处")
    await SubsidyPolicy.create(community=place.community, tier=SubsidyTier.AGE_80, min_age=80, subsidy_fen=600)
    elder, older, unlucky = place.residents
    meal = [("红烧肉套餐", 800, 500, SubsidyTier.AGE_60)]
    await meal_order(setup, elder, day=date(2025, 9, 3), dishes=meal)
    await meal_order(setup, elder, day=date(2025, 9, 4), dishes=meal, state=OrderState.CANCELLED)
    await meal_order(setup, older, day=date(2025, 9, 4), dishes=[("清蒸鱼套餐", 800, 600, SubsidyTier.AGE_80)],
                     refunded_fen=400, state=OrderState.SETTLED)
    await meal_order(setup, unlucky, day=date(2025, 9, 5), dishes=meal, state=OrderState.REFUNDED, refunded_fen=800)
    await meal_order(setup, elder, day=date(2025, 10, 1), dishes=meal)  # next month
    await meal_order(setup, elder, day=date(2025, 9, 6), dishes=[("白粥", 300, 0, SubsidyTier.AGE_60)])  # no subsidy

    await console.sign_in(place.committee.handle)
    found = await console.op("ServiceReportsSubsidyClaims", communityId=str(place.community.id), month="2025-09")
    c = found["data"]["subsidyClaims"]
    masked = [p.display_name[0] + "*" * (len(p.display_name) - 1) for p in (elder, older)]
    assert [(r["day"], r["personId"], r["maskedName"], r["tier"], r["tierLabel"], r["meals"], r["subsidy"])
            for r in c["rows"]] == [
        ("2025-09-03", str(elder.id), masked[0], "AGE_60", "60 周岁以上", 1, 500),
        ("2025-09-04", str(older.id), masked[1], "AGE_80", "80 周岁以上（高龄）", 1, 300),  # half refunded: half
    ]
    assert (c["meals"], c["subsidy"]) == (2, 800)
    assert c["funders"] == [{"funder": "幸福街道办事处", "people": 1, "meals": 1, "subsidy": 500},
                            {"funder": "街道助餐补贴", "people": 1, "meals": 1, "subsidy": 300}]

    exported = await _get(console, f"/exports/communities/{place.community.id}/subsidy-claims.csv", month="2025-09")
    assert exported.status_code == 200 and exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert ["2025-09-03", masked[0], "60 周岁以上", "1", "5.00"] in rows and ["合计", "", "", "2", "8.00"] in rows

    bad = await console.op("ServiceReportsSubsidyClaims", communityId=str(place.community.id), month="2025-9")
    assert _codes(bad) == ["INVALID_INPUT"]
    await console.sign_in(elder.handle)
    assert _codes(await console.op("ServiceReportsSubsidyClaims", communityId=str(place.community.id),
                                   month="2025-09")) == ["NOT_FOUND"]


SQLITE_SCRIPT = """
import asyncio, sys
from datetime import date
from backend.core import db
from backend.core.actor import Actor
from backend.core.platform import PlatformMember, PlatformRole
from backend.people.models import Person
from backend.registry.models import Community
from backend.services import revenue
from backend.services.models import ServiceCategory
from tests.integration.service_report_helpers import at, settled_order
from tests.integration.services_helpers import verified_provider

async def person(community_id, roles):
    return await Person.create(display_name="运营")

async def main(url):
    await db.migrate(url)
    await db.init_db(url)
    community = await Community.create(name="测试社区", code="c-sqlite")
    setup = await verified_provider(person, community)
    boss = await person(None, [])
    await PlatformMember.create(person=boss, role=PlatformRole.OPERATOR)
    await settled_order(setup, boss, amount_fen=10000, commission_fen=1000, settled_at=at(date(2023, 5, 31), 23))
    await settled_order(setup, boss, amount_fen=800, refunded_fen=400, subsidy_fen=500, commission_fen=15,
                        settled_at=at(date(2023, 6, 1), 1), category=ServiceCategory.MEALS)
    found = await revenue.commission_revenue(Actor(person_id=boss.id), since=date(2023, 5, 1),
                                             until=date(2023, 6, 30), group_by=revenue.GroupBy.MONTH)
    got = [(r.period, r.category.value, r.orders, r.gmv, r.subsidy) for r in found.rows]
    assert got == [("2023-05", "HOUSEKEEPING", 1, 10000, 0), ("2023-06", "MEALS", 1, 400, 250)], got
    await db.close_db()
    print("reports on sqlite: ok")

asyncio.run(main(sys.argv[1]))
"""


def test_the_embedded_default_groups_revenue_by_shanghai_month_too(tmp_path):
    """SQLite keeps times as UTC text: the report's month is still Shanghai's."""
    url = f"sqlite://{tmp_path / 'reports.sqlite3'}"
    done = subprocess.run([sys.executable, "-c", SQLITE_SCRIPT, url], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={"PATH": "/usr/bin:/bin", "LINLI_ENV": "dev", "LINLI_DATABASE_URL": url,
                                            "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0 and "reports on sqlite: ok" in done.stdout, done.stderr[-3000:]
