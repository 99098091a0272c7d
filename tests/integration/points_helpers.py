"""Arranging points tests: a community with its staff, residents with points to spend, and a reward."""

from types import SimpleNamespace

from backend.core.actor import Actor
from backend.ledger.models import Ledger, Pending, PendingState
from backend.ledger.results import TransferSpec
from backend.ledger.service import create_transfers, require_ok
from backend.points import catalogue
from backend.points.catalogue import RewardDraft
from backend.wallets.accounts import ISSUE, REWARDS, balance, community_account, person_account, transfer_id
from backend.wallets.codes import PARTICIPATION
from tests.integration.conftest import build_community, build_person


def staff_actor(person, community_id) -> Actor:
    return Actor(person_id=person.id, roles={community_id: frozenset({"COMMITTEE_STAFF"})})


def resident_actor(person, community_id) -> Actor:
    return Actor(person_id=person.id, roles={community_id: frozenset({"RESIDENT"})})


async def mall(*, residents: int = 1) -> SimpleNamespace:
    made = await build_community()
    cid = made.community.id
    staff = await build_person(cid, ["COMMITTEE_STAFF"])
    people = [await build_person(cid, ["RESIDENT"]) for _ in range(residents)]
    return SimpleNamespace(community=made.community, cid=cid, staff=staff, staff_actor=staff_actor(staff, cid),
                           people=people, actors=[resident_actor(p, cid) for p in people])


async def grant(community_id, person_ids, points: int) -> None:
    """Give each person `points`, as a participation rule would."""
    issue = await community_account(Ledger.POINTS, ISSUE, community_id=community_id)
    specs = []
    for person_id in person_ids:
        mine = await person_account(Ledger.POINTS, person_id=person_id, community_id=community_id)
        specs.append(TransferSpec(id=transfer_id(f"test-grant:{person_id}:{points}"), ledger=Ledger.POINTS,
                                  code=PARTICIPATION, debit_account_id=issue.id, credit_account_id=mine.id,
                                  amount=points, reference="test"))
    require_ok(await create_transfers(specs))


async def points_of(community_id, person_id) -> int:
    return balance(await person_account(Ledger.POINTS, person_id=person_id, community_id=community_id))


async def held_for_rewards(community_id) -> int:
    """The points pending into the community's rewards account."""
    rewards = await community_account(Ledger.POINTS, REWARDS, community_id=community_id)
    return sum(await Pending.filter(credit_account_id=rewards.id, state=PendingState.PENDING)
               .values_list("amount", flat=True))


async def reward(place, *, cost: int = 30, stock: int = 5, name: str = "环保购物袋"):
    return await catalogue.create_reward(place.staff_actor, community_id=place.cid,
                                         draft=RewardDraft(name=name, description="可重复使用", cost=cost,
                                                           stock=stock))
