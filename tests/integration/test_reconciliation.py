"""Reconciliation through the operator's console operations: a day of a payment provider's records
against our Payment rows. The sandbox's records are its own succeeded payments, so it always matches;
a planted provider (service_report_helpers.PlantedGateway, standing in for a provider's daily bill:
Stripe's balance transactions, WeChat Pay's 交易账单) gives records that differ. Each test reads a
day of its own, since the sandbox's records span the platform."""

from datetime import date, timedelta

import pytest

from backend.audit.models import AuditEntry
from backend.core.days import today
from backend.payments import port
from backend.payments.models import Payment, PaymentKind, PaymentState, ReconciliationRun
from backend.payments.port import GatewayRecord, PaymentGatewayName
from backend.payments.tasks import reconcile_yesterday
from backend.services.models import OrderState
from tests.integration.service_report_helpers import PlantedGateway, at, operator, payment, settled_order
from tests.integration.services_helpers import verified_provider


@pytest.fixture
async def place(make_community, make_person):
    made = await make_community()
    made.resident = await make_person(made.community.id, ["RESIDENT"], room=made.rooms[0])
    made.committee = await make_person(made.community.id, ["COMMITTEE_STAFF"])
    made.operator = await operator(make_person, made.community.id)
    made.setup = await verified_provider(make_person, made.community)
    return made


async def _order(place, amount_fen: int = 10000):
    return await settled_order(place.setup, place.resident, amount_fen=amount_fen, commission_fen=amount_fen // 10,
                               settled_at=None, state=OrderState.PAID)


def _errors(payload: dict) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def _differences(console, run_id: str, **variables) -> list[dict]:
    found = await console.op("ServiceReportsReconciliationDifferences", runId=run_id, first=50, **variables)
    return found["data"]["reconciliationDifferences"]["nodes"]


async def test_the_sandbox_matches_its_own_records(console, place):
    day = date(2024, 5, 10)
    for amount in (5000, 8000):
        order = await _order(place, amount)
        await payment(order, reference=f"sandbox_charge_{order.id.hex[-12:]}", amount_fen=amount, settled_at=at(day))
        if amount == 8000:
            await payment(order, reference=f"sandbox_refund_{order.id.hex[-12:]}", amount_fen=2000,
                          settled_at=at(day, 15), kind=PaymentKind.REFUND)
    # Asked for that day and never paid: nothing at the provider either, so no difference.
    pending = await payment(await _order(place), reference=None, amount_fen=3000, settled_at=None,
                            state=PaymentState.PENDING)
    await Payment.filter(id=pending.id).update(created_at=at(day, 20))

    await console.sign_in(place.operator.handle)
    ran = (await console.op("ServiceReportsReconciliationRun", gateway="SANDBOX", day=day.isoformat()))[
        "data"]["reconciliationRun"]
    assert ran["errors"] == []
    assert (ran["run"]["gateway"], ran["run"]["day"], ran["run"]["compared"], ran["run"]["differences"],
            ran["run"]["unresolved"]) == ("SANDBOX", day.isoformat(), 4, 0, 0)
    assert await _differences(console, ran["run"]["id"]) == []


async def test_each_kind_of_difference_is_found_again_by_a_second_run_and_resolved_by_the_operator(
        console, place, monkeypatch):
    day = date(2024, 5, 11)
    missing_there, missing_here, amount, state, matched, failed = [await _order(place) for _ in range(6)]
    await payment(missing_there, reference="ch_missing_there", amount_fen=10000, settled_at=at(day))
    await payment(amount, reference="ch_amount", amount_fen=10000, settled_at=at(day))
    await payment(state, reference="re_state", amount_fen=4000, settled_at=None, kind=PaymentKind.REFUND,
                  state=PaymentState.PENDING)
    await payment(matched, reference="ch_matched", amount_fen=10000, settled_at=at(day))
    await payment(failed, reference="ch_failed", amount_fen=10000, settled_at=None, state=PaymentState.FAILED)
    await payment(state, reference="ch_state", amount_fen=10000, settled_at=at(day - timedelta(days=1)))
    planted = PlantedGateway([
        GatewayRecord(reference="ch_here_missing", kind="CHARGE", amount_fen=10000, succeeded=True,
                      order_id=missing_here.id),
        GatewayRecord(reference="ch_stranger", kind="CHARGE", amount_fen=500, succeeded=True),
        GatewayRecord(reference="ch_amount", kind="CHARGE", amount_fen=9900, succeeded=True, order_id=amount.id),
        GatewayRecord(reference="re_state", kind="REFUND", amount_fen=4000, succeeded=True, order_id=state.id),
        GatewayRecord(reference="ch_matched", kind="CHARGE", amount_fen=10000, succeeded=True, order_id=matched.id),
    ])
    monkeypatch.setitem(port._instances, PaymentGatewayName.SANDBOX, planted)

    await console.sign_in(place.operator.handle)
    runs = []
    for _ in range(2):
        ran = (await console.op("ServiceReportsReconciliationRun", gateway="SANDBOX", day=day.isoformat()))[
            "data"]["reconciliationRun"]["run"]
        runs.append(ran)
        found = await _differences(console, ran["id"])
        assert sorted((d["kind"], d["reference"], d["orderId"], d["ours"], d["theirs"]) for d in found) == [
            ("AMOUNT_MISMATCH", "ch_amount", str(amount.id), 10000, 9900),
            ("MISSING_AT_GATEWAY", "ch_missing_there", str(missing_there.id), 10000, None),
            ("MISSING_IN_LEDGER", "ch_here_missing", str(missing_here.id), None, 10000),
            ("MISSING_IN_LEDGER", "ch_stranger", None, None, 500),
            ("STATE_MISMATCH", "re_state", str(state.id), 4000, 4000),
        ]
        assert {d["kindLabel"] for d in found} == {"金额不一致", "支付机构无此记录", "平台无此记录", "状态不一致"}
        assert (ran["compared"], ran["differences"], ran["unresolved"]) == (6, 5, 5)
    assert runs[0]["id"] != runs[1]["id"]  # a run per call
    listed = (await console.op("ServiceReportsReconciliationRuns", gateway="SANDBOX", first=50))[
        "data"]["reconciliationRuns"]["nodes"]
    assert [r["id"] for r in listed if r["day"] == day.isoformat()] == [runs[1]["id"], runs[0]["id"]]

    # Resolving: the operator, with a note, once; anyone else gets not-found.
    target = next(d for d in await _differences(console, runs[1]["id"]) if d["kind"] == "AMOUNT_MISMATCH")
    for someone in (place.committee, place.resident, place.setup.admin):
        await console.sign_in(someone.handle)
        refused = (await console.op("ServiceReportsReconciliationDifferenceResolve", differenceId=target["id"],
                                    note="已核实"))["data"]["reconciliationDifferenceResolve"]
        assert _errors(refused) == [("NOT_FOUND", "differenceId")] and refused["difference"] is None
        read = await console.op("ServiceReportsReconciliationDifferences", runId=runs[1]["id"])
        assert read["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    await console.sign_in(place.operator.handle)
    blank = (await console.op("ServiceReportsReconciliationDifferenceResolve", differenceId=target["id"],
                              note="  "))["data"]["reconciliationDifferenceResolve"]
    assert _errors(blank) == [("INVALID_INPUT", "note")]
    resolved = (await console.op("ServiceReportsReconciliationDifferenceResolve", differenceId=target["id"],
                                 note="支付机构已更正手续费"))["data"]["reconciliationDifferenceResolve"]
    assert resolved["errors"] == []
    assert (resolved["difference"]["note"], resolved["difference"]["resolvedByName"]) == (
        "支付机构已更正手续费", place.operator.display_name)
    again = (await console.op("ServiceReportsReconciliationDifferenceResolve", differenceId=target["id"],
                              note="再次处理"))["data"]["reconciliationDifferenceResolve"]
    assert _errors(again) == [("INVALID_INPUT", None)]
    assert len(await _differences(console, runs[1]["id"], unresolvedOnly=True)) == 4
    assert len(await _differences(console, runs[0]["id"], unresolvedOnly=True)) == 5  # the first run's stays open
    entry = await AuditEntry.get(action="payment.reconciliation_resolve", target_id=target["id"])
    assert (entry.actor_id, entry.community_id, entry.after["note"]) == (
        place.operator.id, place.community.id, "支付机构已更正手续费")


async def test_only_the_operator_runs_a_configured_gateway_for_a_day_not_in_the_future(console, place):
    await console.sign_in(place.committee.handle)
    refused = await console.op("ServiceReportsReconciliationRun", gateway="SANDBOX", day=today().isoformat())
    assert _errors(refused["data"]["reconciliationRun"]) == [("FORBIDDEN", None)]
    assert (await console.op("ServiceReportsReconciliationRuns"))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await console.sign_in(place.operator.handle)
    for gateway, day, field in (("SANDBOX", today() + timedelta(days=1), "day"), ("STRIPE", today(), "gateway"),
                                ("NONE", today(), "gateway")):
        ran = (await console.op("ServiceReportsReconciliationRun", gateway=gateway, day=day.isoformat()))[
            "data"]["reconciliationRun"]
        assert _errors(ran) == [("INVALID_INPUT", field)] and ran["run"] is None


async def test_the_daily_job_reconciles_yesterday_once_for_each_configured_gateway():
    yesterday = today() - timedelta(days=1)
    before = await ReconciliationRun.filter(day=yesterday).count()
    await reconcile_yesterday()
    await reconcile_yesterday()  # a retried or repeated job adds no second run
    runs = await ReconciliationRun.filter(day=yesterday).values_list("gateway", flat=True)
    assert len(runs) - before <= 1 and list(runs).count("SANDBOX") == 1
