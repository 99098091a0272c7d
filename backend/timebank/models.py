"""The time bank (时间银行): neighbours ask for help (company, shopping, a ride to the clinic,
errands) and pay for it with stored hours, helpers offer their skills and weekly availability, and
people give hours to their family or the community pool."""

from enum import StrEnum

from tortoise import fields

from backend.core.models import Entity


class RequestKind(StrEnum):
    COMPANY = "COMPANY"  # 陪伴
    SHOPPING = "SHOPPING"  # 代购
    CLINIC = "CLINIC"  # 陪诊
    ERRAND = "ERRAND"  # 跑腿
    OTHER = "OTHER"


class RequestState(StrEnum):
    OPEN = "OPEN"  # waiting for a helper
    BOOKED = "BOOKED"  # a helper took it, the requester's minutes are held
    COMPLETED = "COMPLETED"  # the requester confirmed, the held minutes went to the helper
    CANCELLED = "CANCELLED"  # withdrawn before the service, the hold (if any) released


class OfferState(StrEnum):
    OPEN = "OPEN"
    WITHDRAWN = "WITHDRAWN"


class TimebankRequest(Entity):
    """A request for help, paid for with the requester's stored minutes."""

    community = fields.ForeignKeyField("linli.Community", related_name="timebank_requests", on_delete=fields.RESTRICT)
    requester = fields.ForeignKeyField("linli.Person", related_name="timebank_requests", on_delete=fields.RESTRICT)
    created_by = fields.ForeignKeyField("linli.Person", related_name="timebank_requests_created",
                                        on_delete=fields.RESTRICT)  # the requester or their proxy
    kind = fields.CharEnumField(RequestKind, max_length=16)
    title = fields.CharField(max_length=40)
    description = fields.CharField(max_length=500, default="")
    # Where: a building (and its estate) of the registry, or an estate, or a place written out.
    estate = fields.ForeignKeyField("linli.Estate", related_name="timebank_requests", null=True,
                                    on_delete=fields.RESTRICT)
    building = fields.ForeignKeyField("linli.Building", related_name="timebank_requests", null=True,
                                      on_delete=fields.RESTRICT)
    place_name = fields.CharField(max_length=100)
    starts_at = fields.DatetimeField()
    minutes = fields.IntField()
    skills = fields.JSONField(default=list)  # wanted skills, short words
    state = fields.CharEnumField(RequestState, max_length=16, default=RequestState.OPEN, db_index=True)
    helper = fields.ForeignKeyField("linli.Person", related_name="timebank_helped", null=True,
                                    on_delete=fields.RESTRICT)
    offer = fields.ForeignKeyField("linli.TimebankOffer", related_name="bookings", null=True,
                                   on_delete=fields.SET_NULL)
    hold_id = fields.UUIDField(null=True)  # the pending ledger transfer of the minutes
    booked_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    cancel_reason = fields.CharField(max_length=200, null=True)

    class Meta:
        table = "timebank_request"
        indexes = (("community_id", "state"),)


class TimebankRequestEvent(Entity):
    """A transition of a request (written by core.statemachine): who, for whom, when and why."""

    request = fields.ForeignKeyField("linli.TimebankRequest", related_name="events", on_delete=fields.CASCADE)
    from_state = fields.CharEnumField(RequestState, max_length=16)
    to_state = fields.CharEnumField(RequestState, max_length=16)
    actor = fields.ForeignKeyField("linli.Person", related_name="timebank_events", null=True,
                                   on_delete=fields.SET_NULL)
    acting_for = fields.ForeignKeyField("linli.Person", related_name="timebank_events_for", null=True,
                                        on_delete=fields.SET_NULL)
    reason = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "timebank_request_event"


class TimebankOffer(Entity):
    """What a helper offers: skills, kinds of help, where, and weekly time windows."""

    community = fields.ForeignKeyField("linli.Community", related_name="timebank_offers", on_delete=fields.RESTRICT)
    helper = fields.ForeignKeyField("linli.Person", related_name="timebank_offers", on_delete=fields.RESTRICT)
    skills = fields.JSONField(default=list)
    kinds = fields.JSONField(default=list)  # RequestKind values
    estate = fields.ForeignKeyField("linli.Estate", related_name="timebank_offers", null=True,
                                    on_delete=fields.RESTRICT)
    building = fields.ForeignKeyField("linli.Building", related_name="timebank_offers", null=True,
                                      on_delete=fields.RESTRICT)
    place_name = fields.CharField(max_length=100, default="")
    # Weekly windows in Asia/Shanghai: [{"weekday": 0-6 (Monday 0), "start": minute of day, "end": minute}]
    availability = fields.JSONField(default=list)
    note = fields.CharField(max_length=200, default="")
    state = fields.CharEnumField(OfferState, max_length=16, default=OfferState.OPEN, db_index=True)

    class Meta:
        table = "timebank_offer"
        indexes = (("community_id", "state"),)


class HoursDonation(Entity):
    """Minutes given to a family member or to the community pool (互助池)."""

    community = fields.ForeignKeyField("linli.Community", related_name="hours_donations", on_delete=fields.RESTRICT)
    donor = fields.ForeignKeyField("linli.Person", related_name="hours_donated", on_delete=fields.RESTRICT)
    recipient = fields.ForeignKeyField("linli.Person", related_name="hours_received", null=True,
                                       on_delete=fields.RESTRICT)  # None: the pool
    given_by = fields.ForeignKeyField("linli.Person", related_name="hours_donations_made",
                                      on_delete=fields.RESTRICT)  # the donor or their proxy
    minutes = fields.IntField()

    class Meta:
        table = "hours_donation"
