"""Paid value-added services (增值服务): providers and their workers, the catalogue (services, time
slots, daily meal menus), commission rules, each community's free/paid policy and meal subsidies, and
the orders with their lines, payers, events, ratings and disputes.

Money is integer fen. The platform never holds providers' money: a paid order's money sits with the
payment provider (Stripe Connect, WeChat Pay partner mode), and the ledger records where it belongs
(docs/services.md)."""

from enum import StrEnum

from tortoise import fields

from backend.core.models import Entity
from backend.payments.port import PaymentGatewayName

DEFAULT_COMMISSION_BP = 1000  # 10 % when no rule applies, in basis points
ACCEPT_WITHIN_MINUTES = 30  # a paid order not accepted by then is refunded
PAY_WITHIN_MINUTES = 15  # an order not paid by then is cancelled and its slot freed
AUTO_CONFIRM_HOURS = 48  # a completed order the resident neither confirms nor disputes is confirmed


class ServiceCategory(StrEnum):
    HOUSEKEEPING = "HOUSEKEEPING"  # 家政保洁
    LAUNDRY = "LAUNDRY"  # 洗衣
    ERRANDS = "ERRANDS"  # 跑腿代办
    MEALS = "MEALS"  # 助餐


class ServiceUnit(StrEnum):
    HOUR = "HOUR"  # 小时
    ITEM = "ITEM"  # 件
    MEAL = "MEAL"  # 份


class ProviderState(StrEnum):
    APPLIED = "APPLIED"  # 待审核
    VERIFIED = "VERIFIED"  # 已认证: may be booked
    REJECTED = "REJECTED"  # 未通过 (with a reason, may apply again)
    SUSPENDED = "SUSPENDED"  # 已暂停: no new orders, open ones run on


class ProviderRole(StrEnum):
    ADMIN = "ADMIN"  # PROVIDER_ADMIN: catalogue, slots, workers, statements, payouts
    WORKER = "WORKER"  # PROVIDER_WORKER: the orders assigned to them


class Provider(Entity):
    """A service provider (服务商): a company or an individual business, verified by the operator."""

    name = fields.CharField(max_length=64)
    state = fields.CharEnumField(ProviderState, max_length=16, db_index=True)
    categories = fields.JSONField(default=list)  # ServiceCategory values it offers
    contact_name = fields.CharField(max_length=32)
    contact_phone_encrypted = fields.CharField(max_length=255)  # core.crypto, masked in responses
    licence = fields.ForeignKeyField("linli.Upload", related_name="provider_licences", null=True,
                                     on_delete=fields.RESTRICT)  # 营业执照, a `provider_licence` upload
    # Where its money goes at the payment provider: never through the platform (no 二清).
    stripe_account_id = fields.CharField(max_length=64, null=True)  # a Connect account, acct_…
    wechat_sub_mchid = fields.CharField(max_length=32, null=True)  # a WeChat Pay sub-merchant id
    applied_by = fields.ForeignKeyField("linli.Person", related_name="provider_applications",
                                        on_delete=fields.RESTRICT)
    verified_by = fields.ForeignKeyField("linli.Person", related_name="providers_verified", null=True,
                                         on_delete=fields.SET_NULL)
    verified_at = fields.DatetimeField(null=True)
    decision_note = fields.CharField(max_length=200, null=True)  # why rejected or suspended
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "service_provider"


class ProviderCommunity(Entity):
    """A community a provider serves."""

    provider = fields.ForeignKeyField("linli.Provider", related_name="served", on_delete=fields.CASCADE)
    community = fields.ForeignKeyField("linli.Community", related_name="service_providers",
                                       on_delete=fields.CASCADE)

    class Meta:
        table = "service_provider_community"
        unique_together = (("provider", "community"),)


class ProviderMember(Entity):
    """A person who works for a provider: its admin or a worker."""

    provider = fields.ForeignKeyField("linli.Provider", related_name="members", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("linli.Person", related_name="provider_memberships", on_delete=fields.CASCADE)
    role = fields.CharEnumField(ProviderRole, max_length=8)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "service_provider_member"
        unique_together = (("provider", "person"),)


class CommissionRule(Entity):
    """The platform's commission: for one provider and category, one provider, one category, or
    everything (both empty), the most specific applying. Snapshotted on each order."""

    provider = fields.ForeignKeyField("linli.Provider", related_name="commission_rules", null=True,
                                      on_delete=fields.CASCADE)
    category = fields.CharEnumField(ServiceCategory, max_length=16, null=True)
    percent_bp = fields.IntField()  # basis points: 0 to 10,000 (100 %)
    minimum_fen = fields.IntField(default=0)
    cap_fen = fields.IntField(null=True)
    on_subsidy = fields.BooleanField(default=False)  # commission on the subsidised part of a meal too
    created_by = fields.ForeignKeyField("linli.Person", related_name="commission_rules", on_delete=fields.RESTRICT)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "service_commission_rule"
        unique_together = (("provider", "category"),)


class CategoryPolicy(Entity):
    """Whether a community's residents pay for a category (a community without a row: paid). A free
    category never creates a payment nor a ledger transfer."""

    community = fields.ForeignKeyField("linli.Community", related_name="service_policies", on_delete=fields.CASCADE)
    category = fields.CharEnumField(ServiceCategory, max_length=16)
    paid = fields.BooleanField(default=True)

    class Meta:
        table = "service_category_policy"
        unique_together = (("community", "category"),)


class Service(Entity):
    """A catalogue entry of a provider: what it does, at what price per unit."""

    provider = fields.ForeignKeyField("linli.Provider", related_name="services", on_delete=fields.CASCADE)
    category = fields.CharEnumField(ServiceCategory, max_length=16)
    name = fields.CharField(max_length=40)
    description = fields.CharField(max_length=500, default="")
    unit = fields.CharEnumField(ServiceUnit, max_length=8)
    unit_price_fen = fields.IntField()
    min_quantity = fields.IntField(default=1)
    duration_minutes = fields.IntField(default=60)  # of one unit on site (hours: 60)
    active = fields.BooleanField(default=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "service_catalogue"
        indexes = (("provider_id", "active"),)


class Slot(Entity):
    """A time a provider can come (to any community it serves), with how many bookings it takes.
    `booked` changes only by a conditional update (booked < capacity), so concurrent bookings never
    pass the capacity."""

    provider = fields.ForeignKeyField("linli.Provider", related_name="slots", on_delete=fields.CASCADE)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField()
    booked = fields.IntField(default=0)

    class Meta:
        table = "service_slot"
        unique_together = (("provider", "starts_at"),)


class MealMenu(Entity):
    """A provider's meals of one day (Asia/Shanghai) for one community: order before the cutoff."""

    provider = fields.ForeignKeyField("linli.Provider", related_name="menus", on_delete=fields.CASCADE)
    community = fields.ForeignKeyField("linli.Community", related_name="meal_menus", on_delete=fields.CASCADE)
    day = fields.DateField()
    cutoff_at = fields.DatetimeField()
    pickup = fields.BooleanField(default=True)  # 到店取餐 (the community canteen)
    delivery = fields.BooleanField(default=False)  # 送餐上门
    delivery_fee_fen = fields.IntField(default=0)

    class Meta:
        table = "service_meal_menu"
        unique_together = (("provider", "community", "day"),)


class MealDish(Entity):
    menu = fields.ForeignKeyField("linli.MealMenu", related_name="dishes", on_delete=fields.CASCADE)
    name = fields.CharField(max_length=40)
    price_fen = fields.IntField()
    portions = fields.IntField()  # how many can be ordered
    ordered = fields.IntField(default=0)  # conditional update, as a slot's `booked`

    class Meta:
        table = "service_meal_dish"


class SubsidyTier(StrEnum):
    AGE_60 = "AGE_60"  # 60 周岁以上
    AGE_80 = "AGE_80"  # 80 周岁以上（高龄）
    LOW_INCOME = "LOW_INCOME"  # 低保、特困
    DISABLED = "DISABLED"  # 失能、残疾


class SubsidyPolicy(Entity):
    """What the street's subsidy pays per meal for a tier in a community (e.g. ¥5 of ¥8)."""

    community = fields.ForeignKeyField("linli.Community", related_name="meal_subsidies", on_delete=fields.CASCADE)
    tier = fields.CharEnumField(SubsidyTier, max_length=16)
    min_age = fields.IntField(null=True)  # by the birth date in the ID number; None: the tier alone
    subsidy_fen = fields.IntField()
    funder = fields.CharField(max_length=40, default="街道助餐补贴")  # who the claim report is for
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "service_subsidy_policy"
        unique_together = (("community", "tier"),)


class SubsidyGrant(Entity):
    """A person's tier in a community for the tiers not read from the ID number (低保, 失能),
    recorded by committee staff with the evidence seen."""

    community = fields.ForeignKeyField("linli.Community", related_name="subsidy_grants", on_delete=fields.CASCADE)
    person = fields.ForeignKeyField("linli.Person", related_name="subsidy_grants", on_delete=fields.CASCADE)
    tier = fields.CharEnumField(SubsidyTier, max_length=16)
    evidence = fields.CharField(max_length=200)
    granted_by = fields.ForeignKeyField("linli.Person", related_name="subsidy_grants_made", on_delete=fields.RESTRICT)
    valid_until = fields.DateField(null=True)

    class Meta:
        table = "service_subsidy_grant"
        unique_together = (("community", "person", "tier"),)


class OrderState(StrEnum):
    PENDING_PAYMENT = "PENDING_PAYMENT"  # 待支付
    PAID = "PAID"  # 待接单
    ACCEPTED = "ACCEPTED"  # 已接单
    EN_ROUTE = "EN_ROUTE"  # 上门途中
    CHECKED_IN = "CHECKED_IN"  # 已到达 (on site, with a photo)
    IN_SERVICE = "IN_SERVICE"  # 服务中
    COMPLETED = "COMPLETED"  # 待确认 (48 h, then confirmed by itself)
    CONFIRMED = "CONFIRMED"  # 已确认: due for settlement
    SETTLED = "SETTLED"  # 已结算
    REVIEWED = "REVIEWED"  # 已评价
    DECLINED = "DECLINED"  # 服务商拒单 (or not accepted within 30 min): refunded in full
    CANCELLED = "CANCELLED"  # 已取消 (by the resident, the provider, or unpaid in time)
    NO_SHOW = "NO_SHOW"  # 未上门 (the provider did not come): refunded in full
    DISPUTED = "DISPUTED"  # 有争议: the operator decides
    REFUNDED = "REFUNDED"  # 已退款 (a dispute ended in a full refund)


class Fulfilment(StrEnum):
    ON_SITE = "ON_SITE"  # the provider comes to the resident's room
    PICKUP = "PICKUP"  # a meal collected at the canteen
    DELIVERY = "DELIVERY"  # a meal brought to the room


class Order(Entity):
    """A resident's booking of a provider's service (or a day's meals), from payment to review.

    `resident` is whom it is for (`actor.subject(ORDER)`), `placed_by` who placed it (a family member
    acting for a parent). The commission rule and the cancellation fee tiers in force are copied at
    booking, so later changes never alter an order already made."""

    community = fields.ForeignKeyField("linli.Community", related_name="service_orders", on_delete=fields.RESTRICT)
    resident = fields.ForeignKeyField("linli.Person", related_name="service_orders", on_delete=fields.RESTRICT)
    placed_by = fields.ForeignKeyField("linli.Person", related_name="service_orders_placed", on_delete=fields.RESTRICT)
    provider = fields.ForeignKeyField("linli.Provider", related_name="orders", on_delete=fields.RESTRICT)
    category = fields.CharEnumField(ServiceCategory, max_length=16)
    service = fields.ForeignKeyField("linli.Service", related_name="orders", null=True, on_delete=fields.RESTRICT)
    slot = fields.ForeignKeyField("linli.Slot", related_name="orders", null=True, on_delete=fields.RESTRICT)
    menu = fields.ForeignKeyField("linli.MealMenu", related_name="orders", null=True, on_delete=fields.RESTRICT)
    room = fields.ForeignKeyField("linli.Room", related_name="service_orders", null=True, on_delete=fields.SET_NULL)
    fulfilment = fields.CharEnumField(Fulfilment, max_length=16)
    scheduled_at = fields.DatetimeField()  # the slot's start, or the meal day's noon
    note = fields.CharField(max_length=200, default="")
    state = fields.CharEnumField(OrderState, max_length=16, db_index=True)
    worker = fields.ForeignKeyField("linli.Person", related_name="service_orders_assigned", null=True,
                                    on_delete=fields.SET_NULL)
    # Money, in fen: amount = resident_fen + subsidy_fen (the sum of the lines' payers).
    amount_fen = fields.IntField()
    resident_fen = fields.IntField()
    subsidy_fen = fields.IntField(default=0)
    commission_fen = fields.IntField(default=0)  # due on settlement (after refunds, clamped to what was kept)
    gateway_fee_fen = fields.IntField(default=0)  # what the payment provider charged, from its records
    refunded_fen = fields.IntField(default=0)
    commission_rule = fields.JSONField()  # {percent_bp, minimum_fen, cap_fen, on_subsidy} at booking
    cancellation_tiers = fields.JSONField()  # [[hours_before, fee_bp], ...] at booking, shown before paying
    gateway = fields.CharEnumField(PaymentGatewayName, max_length=8)
    payment_version = fields.IntField(default=1)  # the v{n} of idempotency keys: a new attempt after a failure
    # Deadlines the sweeps act on (docs/services.md).
    pay_by = fields.DatetimeField(null=True)
    accept_by = fields.DatetimeField(null=True)
    confirm_by = fields.DatetimeField(null=True)
    paid_at = fields.DatetimeField(null=True)
    checked_in_at = fields.DatetimeField(null=True)
    check_in_photo = fields.ForeignKeyField("linli.Upload", related_name="service_check_ins", null=True,
                                            on_delete=fields.SET_NULL)
    completed_at = fields.DatetimeField(null=True)
    settled_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "service_order"
        indexes = (("resident_id", "created_at"), ("provider_id", "state", "scheduled_at"),
                   ("community_id", "state", "created_at"), ("state", "accept_by"), ("state", "confirm_by"),
                   ("state", "pay_by"))


class OrderLine(Entity):
    """One thing an order pays for: hours of a service, a dish, the delivery fee."""

    order = fields.ForeignKeyField("linli.Order", related_name="lines", on_delete=fields.CASCADE)
    description = fields.CharField(max_length=60)
    dish = fields.ForeignKeyField("linli.MealDish", related_name="lines", null=True, on_delete=fields.RESTRICT)
    unit_price_fen = fields.IntField()
    quantity = fields.IntField()
    amount_fen = fields.IntField()

    class Meta:
        table = "service_order_line"


class PayerKind(StrEnum):
    RESIDENT = "RESIDENT"  # the resident (or the family member paying for them)
    SUBSIDY = "SUBSIDY"  # the street's meal subsidy


class OrderLinePayer(Entity):
    """Who pays how much of a line: ¥8 = ¥5 subsidy + ¥3 resident."""

    line = fields.ForeignKeyField("linli.OrderLine", related_name="payers", on_delete=fields.CASCADE)
    order = fields.ForeignKeyField("linli.Order", related_name="payers", on_delete=fields.CASCADE)
    kind = fields.CharEnumField(PayerKind, max_length=8)
    tier = fields.CharEnumField(SubsidyTier, max_length=16, null=True)  # SUBSIDY: the tier it was granted for
    amount_fen = fields.IntField()

    class Meta:
        table = "service_order_payer"
        indexes = (("kind", "created_at"),)


class OrderEvent(Entity):
    """A transition of an order (written by core.statemachine)."""

    order = fields.ForeignKeyField("linli.Order", related_name="events", on_delete=fields.CASCADE)
    from_state = fields.CharEnumField(OrderState, max_length=16)
    to_state = fields.CharEnumField(OrderState, max_length=16)
    actor = fields.ForeignKeyField("linli.Person", related_name="service_order_events", null=True,
                                   on_delete=fields.SET_NULL)
    acting_for = fields.ForeignKeyField("linli.Person", related_name="service_order_events_for", null=True,
                                        on_delete=fields.SET_NULL)
    reason = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "service_order_event"


class OrderRating(Entity):
    order = fields.OneToOneField("linli.Order", related_name="rating", on_delete=fields.CASCADE)
    stars = fields.SmallIntField()  # 1 to 5
    comment = fields.CharField(max_length=300, default="")

    class Meta:
        table = "service_order_rating"


class DisputeOutcome(StrEnum):
    RELEASE = "RELEASE"  # the provider is paid in full
    REFUND = "REFUND"  # the resident gets everything back
    PARTIAL = "PARTIAL"  # part back, the rest settled


class OrderDispute(Entity):
    order = fields.OneToOneField("linli.Order", related_name="dispute", on_delete=fields.CASCADE)
    reason = fields.CharField(max_length=500)
    outcome = fields.CharEnumField(DisputeOutcome, max_length=8, null=True)
    refund_fen = fields.IntField(null=True)
    decided_by = fields.ForeignKeyField("linli.Person", related_name="service_disputes_decided", null=True,
                                        on_delete=fields.SET_NULL)
    decided_at = fields.DatetimeField(null=True)
    decision_note = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "service_order_dispute"
