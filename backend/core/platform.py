"""Roles over the whole platform rather than one community: the operator (运营方) who runs it.

Looked up only where a platform permission is asked for, so an ordinary request pays no query.
"""

from enum import StrEnum

from tortoise import fields

from backend.core.actor import Actor
from backend.core.models import Entity
from backend.core.permissions import Permission


class PlatformRole(StrEnum):
    OPERATOR = "OPERATOR"


class PlatformMember(Entity):
    """A person holding a platform role."""

    person = fields.ForeignKeyField("linli.Person", related_name="platform_roles", on_delete=fields.CASCADE)
    role = fields.CharEnumField(PlatformRole, max_length=32)

    class Meta:
        table = "platform_member"
        unique_together = (("person", "role"),)


PLATFORM_ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    PlatformRole.OPERATOR: frozenset({Permission.PLATFORM_OPERATE}),
}


async def platform_permissions(actor: Actor) -> frozenset[Permission]:
    if actor.person_id is None:
        return frozenset()
    roles = await PlatformMember.filter(person_id=actor.person_id).values_list("role", flat=True)
    return frozenset().union(*(PLATFORM_ROLE_PERMISSIONS.get(role, frozenset()) for role in roles))


async def has_platform(actor: Actor, permission: Permission) -> bool:
    return permission in await platform_permissions(actor)
