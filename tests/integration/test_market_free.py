"""The flea market is a free basic service: a whole market day — publishing, searching, a sale and a
giveaway reserved, handed over and rated, a lottery's winner reserved — writes no row in any ledger,
wallet, points or payment table, and no market module imports the ledger, the wallets or a payments
module."""

import ast
import re
from pathlib import Path

from tortoise import connections

from backend.core.db import transaction
from backend.market import handover, reservations
from backend.market.models import GiveawayMode, Listing, ListingKind
from tests.integration.market_helpers import published_listing
from tests.integration.test_market_deals import confirm, rate, reserve, run

ROOT = Path(__file__).resolve().parents[2]
# Every table that holds money, hours, points or a payment, now and when payments arrive.
MONEY_TABLES = r"^(ledger_|wallet_|points_|timebank_)|payment|payout|commission|settlement|refund|invoice"
MONEY_MODULES = re.compile(r"^backend\.(ledger|wallets|points|timebank)\b|payment|stripe|wechatpay")


async def money_rows() -> dict[str, int]:
    db = connections.get("default")
    _, tables = await db.execute_query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' AND table_name ~ $1 ORDER BY table_name", [MONEY_TABLES])
    counts = {}
    for row in tables:
        name = row["table_name"]
        _, found = await db.execute_query(f'SELECT COUNT(*) AS n FROM "{name}"')  # noqa: S608 (names from the catalogue)
        counts[name] = found[0]["n"]
    return counts


async def test_a_whole_market_day_writes_no_ledger_wallet_or_payment_row(api, make_community, make_person):
    made = await make_community(buildings=1, rooms=3)
    cid = made.community.id
    seller = await make_person(cid, ["RESIDENT"], room=made.rooms[0])
    buyer = await make_person(cid, ["RESIDENT"], room=made.rooms[1])
    winner = await make_person(cid, ["RESIDENT"], room=made.rooms[2])
    before = await money_rows()
    assert {"ledger_account", "ledger_transfer", "wallet_policy", "points_redemption"} <= before.keys()

    saved = await run(api, seller, "ListingSave", input={
        "communityId": str(cid), "kind": "SELL", "category": "KIDS", "condition": "GOOD", "title": "儿童自行车 16寸",
        "priceFen": 12000, "roomId": str(made.rooms[0].id)})
    assert saved["errors"] == [], saved
    assert (await run(api, seller, "ListingPublish", id=saved["listing"]["id"]))["errors"] == []
    found = await run(api, buyer, "MarketSearch", communityId=str(cid), query="自行", sort="NEWEST", first=20)
    assert [n["id"] for n in found["nodes"]] == [saved["listing"]["id"]]
    giveaway = await published_listing(seller, made.rooms[0], title="九成新婴儿床", kind=ListingKind.FREE)
    for listing_id in (saved["listing"]["id"], giveaway.id):
        reservation = (await reserve(api, buyer, listing_id))["reservation"]
        assert (await confirm(api, seller, reservation["id"], reservation["handoverCode"]))["errors"] == []
        for person, stars in ((buyer, 5), (seller, 5)):
            assert (await rate(api, person, reservation["id"], stars))["errors"] == []
    # The lottery's draw reserves for its winner through the same seam (backend/market/lottery.py).
    plant = await published_listing(seller, made.rooms[0], title="多肉植物一盆", kind=ListingKind.FREE,
                                    mode=GiveawayMode.LOTTERY)
    async with transaction() as tx:
        locked = await Listing.filter(id=plant.id).select_for_update().using_db(tx).get()
        drawn = await reservations.open_reservation(tx, locked, winner.id, giveaway=True)
    assert (await confirm(api, seller, str(drawn.id), handover.code_for(winner.id, drawn))
            )["errors"] == []

    assert await Listing.filter(community_id=cid, state="CLOSED").count() == 2
    assert await money_rows() == before


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return names


def test_no_market_module_imports_the_ledger_the_wallets_or_payments():
    sources = [*(ROOT / "backend" / "market").rglob("*.py"), *(ROOT / "backend" / "api").glob("market*.py")]
    assert len(sources) > 15
    offending = {str(path.relative_to(ROOT)): sorted(n for n in imported(path) if MONEY_MODULES.search(n))
                 for path in sources}
    assert {path: names for path, names in offending.items() if names} == {}
