"""A saved search matches a new listing exactly as marketSearch would find it: the filters as its SQL
applies them, the text by search's own rule."""

from types import SimpleNamespace

import pytest

from backend.market.models import ListingCategory, ListingKind
from backend.market.saved import matches, price_label


def listing(**changes):
    values = {"title": "儿童自行车 16寸", "description": "孩子长大了", "kind": ListingKind.SELL,
              "category": ListingCategory.KIDS, "price_fen": 12000}
    return SimpleNamespace(**(values | changes))


def saved(query: str = "", **filters):
    return SimpleNamespace(query=query, filters=filters)


@pytest.mark.parametrize(("search", "found"), [
    (saved("自行车"), True),
    (saved("自行"), True),
    (saved("汽车"), False),
    (saved("长大"), True),  # the description is searched too
    (saved("自行车", category="KIDS"), True),
    (saved("自行车", category="SPORTS"), False),
    (saved(kind="SELL"), True),
    (saved(kind="SWAP"), False),
    (saved(free=False), True),
    (saved(free=True), False),
    (saved(minPriceFen=12000, maxPriceFen=12000), True),
    (saved(maxPriceFen=11999), False),
    (saved(minPriceFen=12001), False),
])
def test_a_sale_of_a_bicycle(search, found):
    assert matches(search, listing()) is found


def test_a_giveaway_has_no_price_so_a_price_bound_never_finds_it():
    cot = listing(title="婴儿床", kind=ListingKind.FREE, price_fen=None)
    assert matches(saved(free=True), cot) and matches(saved("婴儿床", kind="FREE"), cot)
    assert not matches(saved("婴儿床", minPriceFen=0), cot)
    assert not matches(saved("婴儿床", maxPriceFen=100), cot)


def test_the_notice_names_the_price_as_a_neighbour_reads_it():
    assert price_label(listing()) == "¥120"
    assert price_label(listing(price_fen=12050)) == "¥120.50"
    assert price_label(listing(kind=ListingKind.FREE, price_fen=None)) == "免费送"
    assert price_label(listing(kind=ListingKind.SWAP, price_fen=None)) == "以物换物"
    assert price_label(listing(kind=ListingKind.WANTED, price_fen=None)) == "求购"
    assert price_label(listing(kind=ListingKind.WANTED, price_fen=5000)) == "求购 预算¥50"
