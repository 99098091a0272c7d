"""Who is family for the time bank: people living in one household now, or bound by a live proxy
(代办) either way. Family may give each other hours, and may not trade services for hours (that
would be earning hours from one's own family)."""

from uuid import UUID

from tortoise.expressions import Q

from backend.core.clock import clock
from backend.proxies.models import Proxy
from backend.registry.models import PersonRoom


async def same_household(a: UUID, b: UUID, *, community_id: UUID, tx=None) -> bool:
    mine = set(await PersonRoom.filter(person_id=a, community_id=community_id, until=None).using_db(tx)
               .values_list("household_id", flat=True))
    return bool(mine) and await PersonRoom.filter(person_id=b, community_id=community_id, until=None,
                                                   household_id__in=list(mine)).using_db(tx).exists()


async def proxy_bound(a: UUID, b: UUID, *, community_id: UUID, tx=None) -> bool:
    return await Proxy.filter(Q(principal_id=a, agent_id=b) | Q(principal_id=b, agent_id=a),
                              community_id=community_id, revoked_at=None, valid_until__gt=clock.now()) \
        .using_db(tx).exists()


async def is_family(a: UUID, b: UUID, *, community_id: UUID, tx=None) -> bool:
    return (await same_household(a, b, community_id=community_id, tx=tx)
            or await proxy_bound(a, b, community_id=community_id, tx=tx))


async def family_of(actor, *, community_id: UUID) -> list:
    """Whom I (or my principal) may give hours to: my household now and the people of my live proxies."""
    from backend.core.actor import ProxyScope
    from backend.people.models import Person
    from backend.timebank.places import require_member

    me = actor.subject(ProxyScope.TIMEBANK)
    await require_member(me, community_id)
    households = await PersonRoom.filter(person_id=me, community_id=community_id, until=None) \
        .values_list("household_id", flat=True)
    housemates = await PersonRoom.filter(household_id__in=list(households), until=None) \
        .values_list("person_id", flat=True) if households else []
    bound = await Proxy.filter(Q(principal_id=me) | Q(agent_id=me), community_id=community_id, revoked_at=None,
                               valid_until__gt=clock.now()).values_list("principal_id", "agent_id")
    ids = ({*housemates} | {p for pair in bound for p in pair}) - {me}
    return await Person.filter(id__in=list(ids), anonymized_at=None).order_by("display_name") if ids else []
