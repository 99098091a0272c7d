"""The community registry: where people live and what they are to their community.

Every community-owned row carries community_id so tenancy is one indexed filter.
"""

from enum import StrEnum

from tortoise import fields

from backend.core.models import Entity


class Role(StrEnum):
    RESIDENT = "RESIDENT"
    HOUSEHOLD_HEAD = "HOUSEHOLD_HEAD"
    OWNER = "OWNER"
    COMMITTEE_STAFF = "COMMITTEE_STAFF"
    GRID_WORKER = "GRID_WORKER"
    PROPERTY_STAFF = "PROPERTY_STAFF"
    VOLUNTEER_COORDINATOR = "VOLUNTEER_COORDINATOR"
    VOLUNTEER = "VOLUNTEER"
    PROVIDER_ADMIN = "PROVIDER_ADMIN"
    PROVIDER_WORKER = "PROVIDER_WORKER"
    OPERATOR = "OPERATOR"


class Community(Entity):
    name = fields.CharField(max_length=64)
    code = fields.CharField(max_length=32, unique=True)

    class Meta:
        table = "community"


class Estate(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="estates", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=64)

    class Meta:
        table = "estate"
        unique_together = (("community", "name"),)


class Building(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="buildings", on_delete=fields.RESTRICT)
    estate = fields.ForeignKeyField("linli.Estate", related_name="buildings", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=32)

    class Meta:
        table = "building"
        unique_together = (("estate", "name"),)


class Unit(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="units", on_delete=fields.RESTRICT)
    building = fields.ForeignKeyField("linli.Building", related_name="units", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=32)

    class Meta:
        table = "unit"
        unique_together = (("building", "name"),)


class Room(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="rooms", on_delete=fields.RESTRICT)
    unit = fields.ForeignKeyField("linli.Unit", related_name="rooms", on_delete=fields.RESTRICT)
    code = fields.CharField(max_length=32, unique=True)  # stable across renames
    floor = fields.IntField()
    area_dm2 = fields.IntField()  # exclusive area in 0.01 m² (integers, never floats)

    class Meta:
        table = "room"


class Household(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="households", on_delete=fields.RESTRICT)
    room = fields.ForeignKeyField("linli.Room", related_name="households", on_delete=fields.RESTRICT)

    class Meta:
        table = "household"


class Membership(Entity):
    person = fields.ForeignKeyField("linli.Person", related_name="memberships", on_delete=fields.CASCADE)
    community = fields.ForeignKeyField("linli.Community", related_name="memberships", on_delete=fields.RESTRICT)
    household = fields.ForeignKeyField(
        "linli.Household", related_name="memberships", null=True, on_delete=fields.SET_NULL
    )
    role = fields.CharEnumField(Role, max_length=32)

    class Meta:
        table = "membership"
        unique_together = (("person", "community", "role"),)
