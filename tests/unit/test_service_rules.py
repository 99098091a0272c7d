"""The money rules an order copies at booking (backend/services/rules.py)."""

import pytest

from backend.services.rules import CANCELLATION_TIERS, cancellation_fee_bp, commission_on, snapshot


def rule(percent_bp=1000, minimum_fen=0, cap_fen=None, on_subsidy=False) -> dict:
    return {"percent_bp": percent_bp, "minimum_fen": minimum_fen, "cap_fen": cap_fen, "on_subsidy": on_subsidy}


def test_the_commission_is_the_percentage_rounded_to_the_fen():
    assert commission_on(rule(1000), amount_fen=10_000) == 1000
    assert commission_on(rule(1250), amount_fen=999) == 125  # 124.875
    assert commission_on(rule(0), amount_fen=10_000) == 0
    assert commission_on(rule(10_000), amount_fen=10_000) == 10_000


def test_the_minimum_and_the_cap_bound_it():
    assert commission_on(rule(1000, minimum_fen=300), amount_fen=1000) == 300
    assert commission_on(rule(1000, cap_fen=500), amount_fen=100_000) == 500
    assert commission_on(rule(1000, minimum_fen=200, cap_fen=500), amount_fen=3000) == 300


def test_it_never_takes_more_than_the_amount():
    assert commission_on(rule(1000, minimum_fen=500), amount_fen=300) == 300
    assert commission_on(rule(1000, minimum_fen=500), amount_fen=0) == 0


def test_the_subsidised_part_is_left_out_unless_the_rule_says_otherwise():
    # ¥8 meal, ¥5 of it subsidised: 10 % of the resident's ¥3, or of all ¥8 with on_subsidy.
    assert commission_on(rule(1000), amount_fen=800, subsidy_fen=500) == 30
    assert commission_on(rule(1000, on_subsidy=True), amount_fen=800, subsidy_fen=500) == 80


def test_no_rule_is_the_platform_default_of_ten_percent():
    assert snapshot(None) == rule(1000)


@pytest.mark.parametrize(("hours", "fee_bp"), [(48, 0), (24, 0), (23.9, 2000), (2, 2000), (1.9, 5000), (0, 5000),
                                               (-1, 5000)])
def test_cancellation_fee_tiers_by_hours_before_the_slot(hours, fee_bp):
    assert cancellation_fee_bp(CANCELLATION_TIERS, hours) == fee_bp
