"""Hours and points as staff and residents read them: my wallet (holds shown as 冻结中), the ledger
console's accounts, transfers, holds and statements (with their exports), the 工作台's volunteering
figures and the anti-fraud sweep, each over transfers the test writes with the ledger itself."""

import asyncio
import csv
import io
from datetime import timedelta

import pytest

from backend.core.clock import clock
from backend.ledger.models import Ledger, TransferFlags
from backend.ledger.results import TransferSpec
from backend.ledger.service import create_transfers, require_ok
from backend.registry.models import Role
from backend.wallets import codes, fraud
from backend.wallets.accounts import ISSUE, POOL, REWARDS, community_account, person_account, transfer_id
from backend.wallets.fraud_models import FraudAlert
from backend.wallets.ledger_views import SHANGHAI

WALLET = """query($c: ID!, $l: Ledger!) { myWallet(communityId: $c) { hours hoursHeld points pointsHeld
  entries(ledger: $l, first: 10) { nodes { label amount state stateLabel counterparty } } } }"""


@pytest.fixture
async def place(make_community, make_person):
    made = await make_community(rooms=2)
    c = made.community.id
    made.staff = await make_person(c, [Role.COMMITTEE_STAFF])
    made.amy = await make_person(c, [Role.RESIDENT], room=made.rooms[0])
    made.ben = await make_person(c, [Role.RESIDENT], room=made.rooms[0])  # amy's household
    made.cat = await make_person(c, [Role.RESIDENT], room=made.rooms[1])
    return made


async def move(key, ledger, code, debit, credit, amount, *, reference="", flags=TransferFlags.NONE, pending_id=None):
    spec = TransferSpec(id=transfer_id(key), ledger=ledger, code=code, debit_account_id=debit.id if debit else None,
                        credit_account_id=credit.id if credit else None, amount=amount, reference=reference,
                        flags=flags, pending_id=pending_id)
    require_ok(await create_transfers([spec]))
    return spec.id


async def hours_of(place, person):
    return await person_account(Ledger.TIME, person_id=person.id, community_id=place.community.id)


async def points_of(place, person):
    return await person_account(Ledger.POINTS, person_id=person.id, community_id=place.community.id)


async def earn(place, person, minutes, key, code=codes.VOLUNTEER_HOURS):
    issue = await community_account(Ledger.TIME, ISSUE, community_id=place.community.id)
    return await move(key, Ledger.TIME, code, issue, await hours_of(place, person), minutes,
                      reference=f"volunteer:{key}")


async def test_a_wallet_nobody_paid_into_shows_zeros(api, place):
    await api.sign_in(place.cat.handle)
    answer = await api.query(WALLET, c=str(place.community.id), l="TIME")
    assert answer["data"]["myWallet"] == {"hours": 0, "hoursHeld": 0, "points": 0, "pointsHeld": 0,
                                          "entries": {"nodes": []}}


async def test_my_wallet_shows_balances_and_history_with_holds_frozen(api, place):
    c = place.community.id
    await earn(place, place.amy, 120, "w1")
    issue_points = await community_account(Ledger.POINTS, ISSUE, community_id=c)
    rewards = await community_account(Ledger.POINTS, REWARDS, community_id=c)
    await move("p1", Ledger.POINTS, codes.VOLUNTEER_POINTS, issue_points, await points_of(place, place.amy), 50)
    await move("r1", Ledger.POINTS, codes.REDEMPTION, await points_of(place, place.amy), rewards, 30,
               flags=TransferFlags.PENDING)

    await api.sign_in(place.amy.handle)
    wallet = (await api.query(WALLET, c=str(c), l="POINTS"))["data"]["myWallet"]
    assert (wallet["hours"], wallet["points"], wallet["pointsHeld"]) == (120, 20, 30)
    assert wallet["entries"]["nodes"] == [
        {"label": "积分兑换", "amount": -30, "state": "PENDING", "stateLabel": "冻结中", "counterparty": "兑换"},
        {"label": "志愿服务积分", "amount": 50, "state": "POSTED", "stateLabel": "", "counterparty": "发放账户"}]

    # Collected: the hold shows once, as posted.
    await move("r1:post", Ledger.POINTS, codes.REDEMPTION, None, None, 30, flags=TransferFlags.POST_PENDING,
               pending_id=transfer_id("r1"))
    nodes = (await api.query(WALLET, c=str(c), l="POINTS"))["data"]["myWallet"]["entries"]["nodes"]
    assert [(n["amount"], n["state"]) for n in nodes] == [(-30, "POSTED"), (50, "POSTED")]


async def test_staff_page_through_accounts_by_name_and_transfers_newest_first(console, place):
    c = str(place.community.id)
    await earn(place, place.amy, 60, "a1")
    clock.advance(timedelta(minutes=1))
    await earn(place, place.ben, 90, "b1")
    await console.sign_in(place.staff.handle)

    found = await console.op("LedgerAccounts", communityId=c, ledger="TIME", search=place.amy.display_name)
    assert [(n["ownerName"], n["balance"]) for n in found["data"]["ledgerAccounts"]["nodes"]] == [
        (place.amy.display_name, 60)]
    pool = await console.op("LedgerAccounts", communityId=c, search="发放")
    assert [n["ownerName"] for n in pool["data"]["ledgerAccounts"]["nodes"]] == ["发放账户"]

    first = (await console.op("LedgerTransfers", communityId=c, first=1))["data"]["ledgerTransfers"]
    assert [(n["creditName"], n["codeLabel"], n["amount"]) for n in first["nodes"]] == [
        (place.ben.display_name, "志愿服务时长", 90)]
    rest = (await console.op("LedgerTransfers", communityId=c, first=5,
                             after=first["pageInfo"]["endCursor"]))["data"]["ledgerTransfers"]
    assert [n["creditName"] for n in rest["nodes"]] == [place.amy.display_name]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_holds_list_with_their_state(console, place):
    c = place.community.id
    await earn(place, place.amy, 60, "h0")
    await move("h1", Ledger.TIME, codes.TIMEBANK_SERVICE, await hours_of(place, place.amy),
               await hours_of(place, place.cat), 30, flags=TransferFlags.PENDING)
    await console.sign_in(place.staff.handle)
    holds = (await console.op("LedgerHolds", communityId=str(c), state="PENDING"))["data"]["ledgerHolds"]
    assert [(h["codeLabel"], h["amount"], h["stateLabel"], h["debitName"]) for h in holds["nodes"]] == [
        ("时间银行互助", 30, "冻结中", place.amy.display_name)]


async def test_a_statement_as_of_a_day_brings_forward_and_carries_the_balance(console, api, place):
    c = place.community.id
    pool = await community_account(Ledger.TIME, POOL, community_id=c)
    await earn(place, place.amy, 100, "s1")
    clock.advance(timedelta(days=40))
    await earn(place, place.amy, 50, "s2")
    await move("s3", Ledger.TIME, codes.DONATION_POOL, await hours_of(place, place.amy), pool, 30)
    clock.advance(timedelta(days=1))
    await earn(place, place.amy, 7, "s4")  # after the day asked for
    as_of = (clock.now() - timedelta(days=1)).astimezone(SHANGHAI).date()
    account = await hours_of(place, place.amy)

    await console.sign_in(place.staff.handle)
    s = (await console.op("LedgerStatement", accountId=str(account.id), asOf=as_of.isoformat(),
                          **{"from": as_of.isoformat()}))["data"]["ledgerStatement"]
    assert (s["openingBalance"], s["closingBalance"], s["debits"], s["credits"]) == (100, 120, 30, 50)
    assert [(line["label"], line["counterparty"], line["debit"], line["credit"], line["balance"])
            for line in s["lines"]] == [("志愿服务时长", "发放账户", 0, 50, 150), ("捐入互助池", "互助池", 30, 0, 120)]

    url = f"/exports/ledger/accounts/{account.id}/statement"
    headers = {"authorization": f"Bearer {console.token}"}
    response = await console.http.get(f"{url}.csv", params={"asOf": as_of.isoformat(), "from": as_of.isoformat()},
                                      headers=headers)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["期初余额", "100"] in rows and ["期末余额", "120"] in rows
    workbook = await console.http.get(f"{url}.xlsx", params={"asOf": as_of.isoformat()}, headers=headers)
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"

    # The owner reads their own statement; another resident gets not-found.
    await api.sign_in(place.amy.handle)
    mine = await api.query("""query($a: ID!, $d: Date!) { ledgerStatement(accountId: $a, asOf: $d) {
      closingBalance } }""", a=str(account.id), d=as_of.isoformat())
    assert mine["data"]["ledgerStatement"]["closingBalance"] == 120
    await api.sign_in(place.cat.handle)
    other = await api.query("""query($a: ID!) { ledgerStatement(accountId: $a) { closingBalance } }""",
                            a=str(account.id))
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    denied = await api.http.get(f"{url}.csv", headers={"authorization": f"Bearer {api.token}"})
    assert denied.status_code == 404


async def test_the_workbench_counts_this_months_volunteering_from_the_ledger(console, place):
    c = place.community.id
    await earn(place, place.amy, 60, "v1")
    await earn(place, place.amy, 30, "v2")
    await earn(place, place.ben, 45, "v3")
    rewards = await community_account(Ledger.POINTS, REWARDS, community_id=c)
    issue_points = await community_account(Ledger.POINTS, ISSUE, community_id=c)
    await move("vp", Ledger.POINTS, codes.VOLUNTEER_POINTS, issue_points, await points_of(place, place.cat), 100)
    await move("vr", Ledger.POINTS, codes.REDEMPTION, await points_of(place, place.cat), rewards, 10)
    await move("vh", Ledger.POINTS, codes.REDEMPTION, await points_of(place, place.cat), rewards, 10,
               flags=TransferFlags.PENDING)  # not collected yet
    await console.sign_in(place.staff.handle)
    figures = await console.op("WorkbenchVolunteering", communityId=str(c))
    assert figures["data"]["workbench"]["volunteering"] == {
        "hoursThisMonth": 135, "activeVolunteers": 2, "redemptionsThisMonth": 1}


async def sweep_from_now():
    """The sweep's place set to now: the tests before may have moved the clock (and the place) ahead,
    which in production, where time only goes forward, cannot happen."""
    from uuid import UUID

    from backend.wallets.fraud_models import FraudSweep

    await FraudSweep.update_or_create(name="ledger", defaults={"last_at": clock.now() - timedelta(seconds=1),
                                                               "last_id": UUID(int=0)})


async def sweep_all():
    clock.advance(fraud.SWEEP_LAG + timedelta(seconds=1))
    while await fraud.sweep():
        pass


async def test_the_sweep_raises_household_loop_and_velocity_alerts_once(console, place):
    c = place.community.id
    await sweep_from_now()
    amy, ben, cat = [await hours_of(place, p) for p in (place.amy, place.ben, place.cat)]
    await earn(place, place.amy, 600, "f0")  # over 8 h in a day: velocity
    await move("f1", Ledger.TIME, codes.TIMEBANK_SERVICE, amy, ben, 30)  # same household
    await move("f2", Ledger.TIME, codes.DONATION_FAMILY, amy, ben, 30)  # a family gift: fine
    await move("f3", Ledger.TIME, codes.TIMEBANK_SERVICE, amy, cat, 60)
    clock.advance(timedelta(days=3))
    await move("f4", Ledger.TIME, codes.TIMEBANK_SERVICE, cat, amy, 60)  # and back: a loop
    await sweep_all()
    await sweep_all()  # a second run raises nothing new

    alerts = await FraudAlert.filter(community_id=c).order_by("kind")
    assert sorted(a.kind.value for a in alerts) == ["LOOP", "SAME_HOUSEHOLD", "VELOCITY"]
    by_kind = {a.kind.value: a for a in alerts}
    assert by_kind["SAME_HOUSEHOLD"].transfer_ids == [str(transfer_id("f1"))]
    assert by_kind["LOOP"].transfer_ids == [str(transfer_id("f3")), str(transfer_id("f4"))]
    assert place.amy.display_name in by_kind["VELOCITY"].detail

    await console.sign_in(place.staff.handle)
    listed = await console.op("FraudAlerts", communityId=str(c), state="OPEN")
    assert len(listed["data"]["fraudAlerts"]["nodes"]) == 3
    alert_id = str(by_kind["LOOP"].id)
    empty = await console.op("FraudAlertDismiss", id=alert_id, note=" ")
    assert empty["data"]["fraudAlertDismiss"]["errors"][0]["field"] == "note"
    done = await console.op("FraudAlertDismiss", id=alert_id, note="邻里互助，已核实")
    assert done["data"]["fraudAlertDismiss"]["alert"]["state"] == "DISMISSED"
    again = await console.op("FraudAlertDismiss", id=alert_id, note="再次")
    assert again["data"]["fraudAlertDismiss"]["errors"][0]["message"] == "该预警已处理"
    still_open = await console.op("FraudAlerts", communityId=str(c), state="OPEN")
    assert len(still_open["data"]["fraudAlerts"]["nodes"]) == 2


async def test_residents_and_other_communities_staff_see_nothing(console, place, other_community, make_person):
    other_staff = await make_person(other_community[0].id, [Role.COMMITTEE_STAFF])
    account = await hours_of(place, place.amy)
    await console.sign_in(other_staff.handle)
    assert (await console.op("LedgerAccount", id=str(account.id)))["data"]["ledgerAccount"] is None
    answer = await console.op("LedgerAccounts", communityId=str(place.community.id))
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    await console.sign_in(place.amy.handle)
    answer = await console.op("FraudAlerts", communityId=str(place.community.id))
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_two_sweeps_at_once_raise_an_alert_once(place):
    await sweep_from_now()
    amy, ben = await hours_of(place, place.amy), await hours_of(place, place.ben)
    await earn(place, place.amy, 60, "race0")
    await move("race1", Ledger.TIME, codes.TIMEBANK_SERVICE, amy, ben, 30)
    clock.advance(fraud.SWEEP_LAG + timedelta(seconds=1))
    await asyncio.gather(*(fraud.sweep() for _ in range(4)))
    await sweep_all()
    assert await FraudAlert.filter(key=f"same_household:{transfer_id('race1')}").count() == 1


async def test_a_proxy_with_the_time_bank_scope_sees_the_principals_wallet(place):
    from backend.core.actor import Actor
    from backend.core.errors import DomainError
    from backend.wallets import wallet

    await earn(place, place.amy, 45, "proxy1")
    agent = Actor(person_id=place.ben.id)
    seen = await wallet.my_wallet(agent.acting_as_proxy(place.amy.id, frozenset({"TIMEBANK"})),
                                  community_id=place.community.id)
    assert wallet.spendable(seen.hours) == 45
    with pytest.raises(DomainError) as refused:
        await wallet.my_wallet(agent.acting_as_proxy(place.amy.id, frozenset({"ORDER"})),
                               community_id=place.community.id)
    assert refused.value.code.value == "FORBIDDEN"
