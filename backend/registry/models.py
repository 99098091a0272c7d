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
    # The operator (运营方) is a platform role, not a community's: backend/core/platform.py.


class ResidentRole(StrEnum):
    OWNER = "OWNER"
    TENANT = "TENANT"
    CO_RESIDENT = "CO_RESIDENT"


class Channel(StrEnum):
    """How a residence link came to be."""

    APPLICATION = "APPLICATION"
    INVITE = "INVITE"
    IMPORT = "IMPORT"
    SEED = "SEED"


class ApplicationStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class Street(Entity):
    name = fields.CharField(max_length=64)
    code = fields.CharField(max_length=32, unique=True)

    class Meta:
        table = "street"


class Community(Entity):
    street = fields.ForeignKeyField("linli.Street", related_name="communities", null=True, on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=64)
    code = fields.CharField(max_length=32, unique=True)

    class Meta:
        table = "community"


class Grid(Entity):
    """网格: the patch a grid worker looks after. Buildings are assigned to one."""

    community = fields.ForeignKeyField("linli.Community", related_name="grids", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=64)

    class Meta:
        table = "grid"
        unique_together = (("community", "name"),)


class GridWorker(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="grid_workers", on_delete=fields.RESTRICT)
    grid = fields.ForeignKeyField("linli.Grid", related_name="workers", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("linli.Person", related_name="grid_assignments", on_delete=fields.CASCADE)

    class Meta:
        table = "grid_worker"
        unique_together = (("grid", "person"),)


class Estate(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="estates", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=64)

    class Meta:
        table = "estate"
        unique_together = (("community", "name"),)


class Building(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="buildings", on_delete=fields.RESTRICT)
    estate = fields.ForeignKeyField("linli.Estate", related_name="buildings", on_delete=fields.RESTRICT)
    grid = fields.ForeignKeyField("linli.Grid", related_name="buildings", null=True, on_delete=fields.SET_NULL)
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
    number = fields.CharField(max_length=16, default="")  # 房号 as written on the door, e.g. 302
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


class PersonRoom(Entity):
    """Who lives where, as what. Moving out sets `until`, and the row stays as history."""

    community = fields.ForeignKeyField("linli.Community", related_name="residents", on_delete=fields.RESTRICT)
    person = fields.ForeignKeyField("linli.Person", related_name="residences", on_delete=fields.CASCADE)
    room = fields.ForeignKeyField("linli.Room", related_name="residents", on_delete=fields.RESTRICT)
    household = fields.ForeignKeyField("linli.Household", related_name="residents", on_delete=fields.RESTRICT)
    role = fields.CharEnumField(ResidentRole, max_length=16)
    since = fields.DatetimeField()
    until = fields.DatetimeField(null=True)
    verified_by = fields.ForeignKeyField(
        "linli.Person", related_name="verified_residences", null=True, on_delete=fields.SET_NULL
    )
    channel = fields.CharEnumField(Channel, max_length=16)

    class Meta:
        table = "person_room"


class ResidenceApplication(Entity):
    community = fields.ForeignKeyField("linli.Community", related_name="applications", on_delete=fields.RESTRICT)
    person = fields.ForeignKeyField("linli.Person", related_name="applications", on_delete=fields.CASCADE)
    room = fields.ForeignKeyField("linli.Room", related_name="applications", on_delete=fields.RESTRICT)
    role = fields.CharEnumField(ResidentRole, max_length=16)
    proof = fields.ForeignKeyField("linli.Upload", related_name="applications", null=True, on_delete=fields.SET_NULL)
    status = fields.CharEnumField(ApplicationStatus, max_length=16, default=ApplicationStatus.PENDING, db_index=True)
    decided_by = fields.ForeignKeyField(
        "linli.Person", related_name="decided_applications", null=True, on_delete=fields.SET_NULL
    )
    decided_at = fields.DatetimeField(null=True)
    reason = fields.CharField(max_length=200, null=True)
    submitted_by = fields.ForeignKeyField(  # differs from person when a proxy applied for them
        "linli.Person", related_name="submitted_applications", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "residence_application"


class HouseholdInvite(Entity):
    """A single-use, expiring invitation from the head of household. Only its hash is stored."""

    community = fields.ForeignKeyField("linli.Community", related_name="invites", on_delete=fields.RESTRICT)
    household = fields.ForeignKeyField("linli.Household", related_name="invites", on_delete=fields.CASCADE)
    inviter = fields.ForeignKeyField("linli.Person", related_name="invites_sent", on_delete=fields.CASCADE)
    role = fields.CharEnumField(ResidentRole, max_length=16)
    code_hash = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    used_by = fields.ForeignKeyField("linli.Person", related_name="invites_used", null=True, on_delete=fields.SET_NULL)

    class Meta:
        table = "household_invite"
